"""Is a prompt a question *to an institution*, whatever the institution? A shipped kernel model.

The topic guard's own model is fitted on one CSV and compares a prompt with
its rows, so a near-domain prompt ("¿por qué se produce la miopía?" to an
optician, "¿cuánto cobra un gasfitero?" to a water utility) that shares the
CSV's words looks in-domain to it.  What tells them apart does not depend on
the domain: a customer asks an institution about its services, prices,
hours, rules and their own case; an off-topic prompt asks for general facts,
advice, other businesses or a task.  :class:`DirectedModel` is a kernel
ridge regression onto +-1 over the e5 query embedding (the retriever's
cached vector; the same class-balanced fit as the safety classifier's,
:func:`guards._kernel.fit_kernel`, with a narrower kernel, :data:`TAU`),
trained once, across many kinds of institution, on

* positives: the sample CSVs' questions and the *tune* halves of their
  paraphrase and hard-benign probe sets (not the odd-format ones: their
  markup taught it that odd-looking text, letters spaced out included, is a
  customer's question);
* negatives: the built-in generic off-topic prompts
  (``guards/resources/offtopic.txt``) and the *tune* halves of the off-topic
  probe sets;

never on a held-out half, and never on a domain kept blind (``valle_alto`` and
the latest round, ``bench/directed.py``'s ``LATEST_BLIND``): since the twenty-sixth
session, 75 domains (before, 39).
``bench/directed.py`` builds ``guards/resources/directed.npz`` and measures the
model leave-one-domain-out: trained without a domain, it ranks that domain's
accept prompts above its off-topic ones with a mean AUC of 0.985 over 39
domains (the logistic model shipped before: 0.959 over 27); with rounds 20-23
(12 domains) left out whole, 0.978 when fitted on the 39 domains and 0.988 when
fitted on the 66 others (``--rounds``).  The topic guard's
decision model (:mod:`guards._decision`) weighs the score (about +1 for a
customer's question, -1 for anything else) with its other evidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from harness._embed import get_embedder
from harness._io import save_npz

from ._kernel import fit_kernel, kernel_score

SHIPPED = Path(__file__).with_name("resources") / "directed.npz"
TAU = 0.1
"""Kernel width on cosine similarity (one value tried, in a one-off leave-one-domain-out trial on 15 domains:
mean AUC 0.982, against 0.954 for the logistic model on the same domains; not tuned)."""


def training_digest(texts: Sequence[str], labels: Sequence[int]) -> str:
    """A digest of a training set (texts and labels, in order)."""
    h = hashlib.sha256()
    for t, y in zip(texts, labels):
        h.update(f"{int(y)}\x1f{t}\x1e".encode())
    return h.hexdigest()[:32]


@dataclass(frozen=True, eq=False)
class DirectedModel:
    """A kernel score of how much an e5 query vector reads as a question to an institution.

    Attributes:
        vectors: the training embeddings, shape ``(n, 384)``.
        alpha: the dual weight of each.
        embedder: the embedder the vectors come from (a model for another one is refused).
        digest: :func:`training_digest` of the training set.
        domains: the sample domains whose data it was trained on.
    """

    vectors: np.ndarray
    alpha: np.ndarray
    embedder: str
    digest: str
    domains: tuple[str, ...]

    def score(self, vector: np.ndarray) -> float:
        """About +1 when ``vector`` (a unit e5 query embedding) reads as a question to an institution, -1 when not."""
        return kernel_score(self.vectors, self.alpha, vector, TAU)

    def save(self, path: Path = SHIPPED) -> Path:
        save_npz(path, v=self.vectors.astype(np.float16), alpha=self.alpha.astype(np.float32),
                 embedder=np.array(self.embedder), digest=np.array(self.digest), domains=np.array(list(self.domains)))
        return path


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> tuple[np.ndarray, float]:
    """Class-balanced, L2-regularised logistic regression by Newton steps (the intercept is not
    penalised); the topic guard's per-CSV model uses it too."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    sw = np.where(y > 0, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)) * n
    w = np.zeros(d + 1)
    reg = np.eye(d + 1) * l2
    reg[-1, -1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (sw * (p - y)) + reg @ w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def fit(vectors: np.ndarray, labels: Sequence[int]) -> np.ndarray:
    """Dual weights of the kernel model on ``vectors`` (as shipped: rounded to float16) and ``labels``."""
    return fit_kernel(np.asarray(vectors, dtype=np.float32), np.asarray(labels, dtype=float), TAU).astype(np.float32)


def train(texts: Sequence[str], labels: Sequence[int], vectors: np.ndarray,
          domains: Sequence[str] = ()) -> DirectedModel:
    """Fit the model on ``vectors`` (the e5 query embeddings of ``texts``) and ``labels`` (1 = to an institution)."""
    x = np.asarray(vectors, dtype=np.float16).astype(np.float32)
    return DirectedModel(x, fit(x, labels), get_embedder().name, training_digest(texts, labels), tuple(domains))


@lru_cache(maxsize=1)
def load_directed(path: Path = SHIPPED) -> DirectedModel:
    """The shipped model; raises when it is missing or was trained on another embedder's vectors."""
    with np.load(path) as z:
        model = DirectedModel(z["v"].astype(np.float32), z["alpha"].astype(np.float32), str(z["embedder"]),
                              str(z["digest"]), tuple(str(d) for d in z["domains"]))
    if model.embedder != get_embedder().name:
        raise ValueError(f"{path} was trained on {model.embedder!r} vectors, not {get_embedder().name!r}: "
                         "rebuild it with `python bench/directed.py --write`")
    return model
