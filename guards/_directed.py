"""Is a prompt a question *to an institution*, whatever the institution? A shipped linear model.

The topic guard's own model is fitted on one CSV and compares a prompt with
its rows, so a near-domain prompt ("¿por qué se produce la miopía?" to an
optician, "¿cuánto cobra un gasfitero?" to a water utility) that shares the
CSV's words looks in-domain to it.  What tells them apart does not depend on
the domain: a customer asks an institution about its services, prices,
hours, rules and their own case; an off-topic prompt asks for general facts,
advice, other businesses or a task.  :class:`DirectedModel` is a logistic
model over the e5 query embedding (the retriever's cached vector, so it costs
one dot product) that scores that, trained once, across many kinds of
institution, on

* positives: the sample CSVs' questions and the *tune* halves of their
  paraphrase and hard-benign probe sets (not the odd-format ones: their
  markup taught it that odd-looking text, letters spaced out included, is a
  customer's question);
* negatives: the built-in generic off-topic prompts
  (``guards/resources/offtopic.txt``) and the *tune* halves of the off-topic
  probe sets;

never on a held-out half, and never on a domain kept blind (``valle_alto``).
``bench/directed.py`` builds ``guards/resources/directed.npz`` and measures the
model leave-one-domain-out: trained without a domain, it ranks that domain's
accept prompts above its off-topic ones with a mean AUC of 0.959 over 27 domains.  The
topic guard adds :data:`guards._topic.DIRECTED_WEIGHT` times the score (a
logit, minus :data:`guards._topic.DIRECTED_CENTER`) to its own logit.
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

SHIPPED = Path(__file__).with_name("resources") / "directed.npz"
L2 = 1.0
"""Ridge penalty of the fit (on vectors scaled by :data:`SCALE`)."""
SCALE = 3.0
"""The embeddings are unit vectors; scaling them by 3 is the same as a 9x weaker ridge penalty (chosen in a
one-off leave-one-domain-out trial on 24 domains, odd-format prompts then among the positives: mean AUC 0.961
against 0.953 for 1)."""


def training_digest(texts: Sequence[str], labels: Sequence[int]) -> str:
    """A digest of a training set (texts and labels, in order)."""
    h = hashlib.sha256()
    for t, y in zip(texts, labels):
        h.update(f"{int(y)}\x1f{t}\x1e".encode())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class DirectedModel:
    """A linear score of how much an e5 query vector reads as a question to an institution.

    Attributes:
        weights: one per embedding dimension (on vectors scaled by :data:`SCALE`).
        bias: the intercept.
        embedder: the embedder the vectors come from (a model for another one is refused).
        digest: :func:`training_digest` of the training set.
        domains: the sample domains whose data it was trained on.
    """

    weights: np.ndarray
    bias: float
    embedder: str
    digest: str
    domains: tuple[str, ...]

    def score(self, vector: np.ndarray) -> float:
        """The logit that ``vector`` (a unit e5 query embedding) is a question to an institution."""
        return float(SCALE * (self.weights @ vector) + self.bias)

    def save(self, path: Path = SHIPPED) -> Path:
        save_npz(path, w=self.weights.astype(np.float32), b=np.array(self.bias), embedder=np.array(self.embedder),
                 digest=np.array(self.digest), domains=np.array(list(self.domains)))
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


def train(texts: Sequence[str], labels: Sequence[int], vectors: np.ndarray,
          domains: Sequence[str] = ()) -> DirectedModel:
    """Fit the model on ``vectors`` (the e5 query embeddings of ``texts``) and ``labels`` (1 = to an institution)."""
    w, b = fit_logistic(SCALE * np.asarray(vectors, dtype=np.float64), np.asarray(labels, dtype=float), L2)
    return DirectedModel(w.astype(np.float32), b, get_embedder().name, training_digest(texts, labels), tuple(domains))


@lru_cache(maxsize=1)
def load_directed(path: Path = SHIPPED) -> DirectedModel:
    """The shipped model; raises when it is missing or was trained on another embedder's vectors."""
    with np.load(path) as z:
        model = DirectedModel(z["w"].astype(np.float32), float(z["b"]), str(z["embedder"]), str(z["digest"]),
                              tuple(str(d) for d in z["domains"]))
    if model.embedder != get_embedder().name:
        raise ValueError(f"{path} was trained on {model.embedder!r} vectors, not {get_embedder().name!r}: "
                         "rebuild it with `python bench/directed.py --write`")
    return model
