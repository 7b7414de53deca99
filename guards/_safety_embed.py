"""The safety guard's second stage: a kernel classifier on e5 embeddings.

The rules of :mod:`guards._safety` catch the phrasings someone wrote down and
overfit them; this stage reads *meaning*.  It scores the multilingual-e5-small
``query:`` embedding ``v`` of a text against every exemplar ``x_i`` of two
shipped lists written for it,

* ``resources/safety_train_harmful.txt``: harmful requests in every category
  (``## name`` headers give the category a refusal reports), worded for
  institutions of many kinds (a bank, a school, a hospital, a gym, a driving
  school, a travel agency ...), Spanish and English, formal and informal;
* ``resources/safety_train_benign.txt``: ordinary questions to such
  institutions, everyday requests, and hard ones that use alarming words in a
  protective, educational or figurative frame;

plus the word model's lists (``safety_harmful.txt``, ``safety_benign.txt``) and
the *tune* halves of the sample domains' probe sets (``safety_train_probes_*.txt``,
written by ``bench/safety_probes.py --write``, which also measures the gain
leave-one-domain-out; held-out halves never enter).  The score is a class-balanced kernel ridge
regression (a smooth nearest-neighbour vote), ``s(v) = sum_i alpha_i
exp((v . x_i - 1) / TAU)``, made a probability by Platt scaling on
cross-validated scores.  (A logistic regression on the same embeddings reached
about 65 % cross-validated recall at 2 % false refusals; this kernel 84 %.)

The refusal threshold is chosen by :data:`FOLDS`-fold cross-validation on the
exemplars alone: the lowest out-of-fold probability that refuses at most
:data:`TARGET_FPR` of the benign exemplars.  Folds are contiguous blocks of
:data:`BLOCK` lines, so near-identical neighbouring lines (one idea in two
languages) never sit on both sides of a split.  :attr:`HarmClassifier.agree`
holds the weaker levels (:data:`AGREE_FPR`) at which it backs the word model.

Training needs the exemplar embeddings (a minute or two of CPU) and seconds of
algebra, so it happens at build time: ``python -c "from guards._safety_embed
import write_model as w; w()"`` writes ``resources/safety_train.npz``
(vectors, weights, thresholds, and a digest of lists, embedder and settings).
If lists or settings changed and nobody rebuilt it, the model is retrained
once (re-embedding only new lines) into ``cache_dir()/safety/<digest>.npz``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from ._kernel import LAM, fit_kernel, kernel, kernel_score, similarities
from ._lexicon import RESOURCES

log = logging.getLogger(__name__)

HARMFUL = ("safety_train_harmful.txt", "safety_harmful.txt", "safety_train_probes_harmful.txt")
"""Harmful exemplar lists (the second one also trains the word model)."""
BENIGN = ("safety_train_benign.txt", "safety_benign.txt", "safety_train_probes_benign.txt")
"""Benign exemplar lists (likewise)."""
SHIPPED = RESOURCES / "safety_train.npz"
TAU = 0.2
"""Kernel width on cosine similarity (chosen by cross-validation, 0.1-0.5 is a plateau)."""
TARGET_FPR = 0.02
"""Share of benign exemplars (out of fold) the refusal threshold may refuse."""
AGREE_FPR = (0.25, 0.06)
"""Share of benign exemplars (out of fold) refused at the levels that back the
word model's refusal: with a harm word, without one.  Without a harm word the
word model reads only everyday words ("quiero que vengan a evaluar mi casa"), so
it needs the classifier at the 6 % level (p about 0.26; 0.10 until the
eighteenth session, p about 0.10, when it refused plain requests of new domains)."""
FOLDS, BLOCK = 5, 6
SETTINGS = f"kernel-ridge tau={TAU} lam={LAM} fpr={TARGET_FPR} agree={AGREE_FPR} folds={FOLDS}x{BLOCK}"

Embed = Callable[[str], np.ndarray]
_HEADER = re.compile(r"^##\s*(.+?)\s*$")


@dataclass(frozen=True)
class Exemplars:
    """Exemplars, harmful first: ``texts``, ``labels`` (1 harmful, 0 benign),
    ``categories`` (the ``## name`` section, ``""`` when none)."""

    texts: tuple[str, ...]
    labels: np.ndarray
    categories: tuple[str, ...]

    @property
    def digest(self) -> str:
        """Hash of the texts, labels, embedder and settings (names the model)."""
        from harness._embed import Embedder

        body = "\n".join(f"{int(y)}\t{t}" for t, y in zip(self.texts, self.labels))
        return hashlib.sha256(f"{Embedder.name}\n{SETTINGS}\n{body}".encode()).hexdigest()[:32]


def read_exemplars(name: str) -> list[tuple[str, str]]:
    """``(text, category)`` for each line of a list in ``guards/resources/``."""
    out, category = [], ""
    for line in (RESOURCES / name).read_text(encoding="utf-8").splitlines():
        header = _HEADER.match(line)
        if header:
            category = header.group(1)
        elif line.strip() and not line.lstrip().startswith("#"):
            out.append((line.strip(), category))
    return out


def load_exemplars() -> Exemplars:
    """Every shipped list, harmful first."""
    harmful = [row for name in HARMFUL for row in read_exemplars(name)]
    benign = [(text, "") for name in BENIGN for text, _ in read_exemplars(name)]
    rows = harmful + benign
    labels = np.r_[np.ones(len(harmful)), np.zeros(len(benign))]
    return Exemplars(tuple(t for t, _ in rows), labels, tuple(c for _, c in rows))


def _clean(text: str) -> str:  # as Retriever.embed cleans: same text, same vector
    from harness._lexical import clean
    from harness._embed import MAX_EMBED_CHARS

    return clean(text[:MAX_EMBED_CHARS]) or "?"


def embed_text(text: str) -> np.ndarray:
    """The standalone embedding: e5 ``query:`` vector of the cleaned text,
    exactly as :meth:`harness._retrieval.Retriever.embed` computes it."""
    from harness._embed import get_embedder

    return get_embedder().queries([_clean(text)])[0]


def _key(text: str) -> str:  # names a text's vector in a model file
    return hashlib.sha256(_clean(text).encode()).hexdigest()[:16]


def out_of_fold(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cross-validated kernel score of each exemplar (its own fold held out;
    folds are contiguous blocks of lines dealt round-robin)."""
    fold, out = (np.arange(len(y)) // BLOCK) % FOLDS, np.zeros(len(y))
    for k in range(FOLDS):
        test = fold == k
        out[test] = kernel(x[test], x[~test], TAU) @ fit_kernel(x[~test], y[~test], TAU)
    return out


def fit_platt(score: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """``(a, b)`` of the class-balanced logistic ``sigmoid(a * score + b)``."""
    xb = np.column_stack([score, np.ones_like(score)])
    sw = np.where(y > 0, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    w = np.zeros(2)
    for _ in range(iters):
        p = _sigmoid(xb @ w)
        step = np.linalg.solve((xb * (sw * p * (1 - p))[:, None]).T @ xb + 1e-6 * np.eye(2), xb.T @ (sw * (p - y)))
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(w[0]), float(w[1])


def threshold_for(p_benign: np.ndarray, fpr: float) -> float:
    """The lowest threshold that refuses at most ``fpr`` of ``p_benign``."""
    ranked, allowed = np.sort(p_benign)[::-1], int(np.floor(fpr * len(p_benign)))
    return float(np.nextafter(ranked[allowed], np.inf)) if allowed < len(ranked) else 0.5


def _sigmoid(z):  # float or array
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True, eq=False)
class HarmClassifier:
    """The fitted stage (see the module docstring).

    Attributes:
        vectors: exemplar embeddings, shape ``(n, 384)``.
        alpha: dual weight of each exemplar.
        platt: ``(a, b)`` turning a kernel score into a probability.
        threshold: probability at which a text is refused.
        agree: probabilities at which the classifier backs the word model's
            refusal (with a harm word, without one).
        cv_recall: out-of-fold share of harmful exemplars refused.
        cv_fpr: out-of-fold share of benign exemplars refused.
        categories: category of each exemplar (``""`` for benign or unknown).
    """

    vectors: np.ndarray
    alpha: np.ndarray
    platt: tuple[float, float]
    threshold: float
    agree: tuple[float, float]
    cv_recall: float
    cv_fpr: float
    categories: tuple[str, ...]

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine with each exemplar."""
        return similarities(self.vectors, vector)

    def probability(self, vector: np.ndarray) -> float:
        """Probability in (0, 1) that the embedded text asks for harm."""
        score = kernel_score(self.vectors, self.alpha, vector, TAU)
        return float(_sigmoid(self.platt[0] * score + self.platt[1]))

    def category(self, vector: np.ndarray) -> str:
        """Category of the most similar harmful exemplar that has one."""
        sims = self.similarities(vector)
        named = [i for i in np.argsort(-sims)[:50] if self.categories[i]]
        return self.categories[named[0]] if named else "harmful request"


def train(ex: Exemplars, vectors: np.ndarray) -> HarmClassifier:
    """Fit on every exemplar; calibration and thresholds from cross-validation."""
    x, y = np.asarray(vectors, dtype=np.float32), ex.labels
    oof = out_of_fold(x, y)
    platt = fit_platt(oof, y)
    p = _sigmoid(platt[0] * oof + platt[1])
    thr = threshold_for(p[y == 0], TARGET_FPR)
    agree = tuple(min(thr, threshold_for(p[y == 0], fpr)) for fpr in AGREE_FPR)
    return HarmClassifier(x, fit_kernel(x, y, TAU).astype(np.float32), platt, thr, agree,
                          float((p[y == 1] >= thr).mean()), float((p[y == 0] >= thr).mean()), ex.categories)


def _embed_all(texts: tuple[str, ...], known: dict[str, np.ndarray]) -> np.ndarray:
    """Embeddings of ``texts``, reusing ``known`` (key -> vector) where it can."""
    from harness._embed import get_embedder

    keys = [_key(t) for t in texts]
    todo = sorted({k: _clean(t) for k, t in zip(keys, texts) if k not in known}.items())
    if todo:
        log.info("embedding %d safety exemplars", len(todo))
        batches = [[t for _, t in todo[i:i + 64]] for i in range(0, len(todo), 64)]
        fresh = np.concatenate([get_embedder().queries(batch) for batch in batches])
        known = {**known, **dict(zip((k for k, _ in todo), fresh))}
    return np.stack([known[k] for k in keys]).astype(np.float16).astype(np.float32)


def _read(path: Path) -> dict | None:  # None when missing or unreadable
    try:
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        return None
    except Exception as exc:  # corrupt or partial file: rebuild
        log.warning("safety model %s unreadable (%s)", path, exc)
        return None


def _from_arrays(z: dict, ex: Exemplars) -> HarmClassifier:
    return HarmClassifier(z["v"].astype(np.float32), z["alpha"].astype(np.float32),
                          (float(z["platt"][0]), float(z["platt"][1])), float(z["threshold"]),
                          tuple(float(a) for a in z["agree"]), float(z["cv"][0]), float(z["cv"][1]), ex.categories)


def _write(path: Path, clf: HarmClassifier, ex: Exemplars) -> None:
    from harness._io import save_npz  # atomic

    save_npz(path, v=clf.vectors.astype(np.float16), alpha=clf.alpha, keys=np.array([_key(t) for t in ex.texts]),
             platt=np.array(clf.platt), threshold=np.array(clf.threshold), agree=np.array(clf.agree),
             cv=np.array([clf.cv_recall, clf.cv_fpr]), digest=np.array(ex.digest))


def _known_vectors(z: dict | None) -> dict[str, np.ndarray]:
    """key -> vector of a model file's exemplars (reused when retraining)."""
    return dict(zip((str(k) for k in z["keys"]), z["v"].astype(np.float32))) if z and "keys" in z else {}


def write_model(path: Path = SHIPPED) -> Path:
    """Rebuild the shipped model after editing an exemplar list or a setting."""
    ex = load_exemplars()
    clf = train(ex, _embed_all(ex.texts, _known_vectors(_read(path))))
    _write(path, clf, ex)
    return path


@lru_cache(maxsize=1)
def load_classifier() -> HarmClassifier:
    """The classifier for the shipped lists (cached per process)."""
    from harness._paths import cache_dir

    ex = load_exemplars()
    cached = cache_dir() / "safety" / f"{ex.digest}.npz"
    shipped = _read(SHIPPED)
    for z in (shipped, _read(cached)):
        if z is not None and str(z["digest"]) == ex.digest and len(z["v"]) == len(ex.texts):
            return _from_arrays(z, ex)
    log.info("safety model %s is stale; retraining once into %s", SHIPPED, cached)
    clf = train(ex, _embed_all(ex.texts, _known_vectors(shipped)))
    _write(cached, clf, ex)
    return clf
