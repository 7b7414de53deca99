"""Query adapters: a learnt linear map per embedding view, from a customer's wording toward a CSV's.

e5 and USE put "cuanto sale llevar el cuerpo a lima" close to every row about transfers and prices; what
tells the right row from its neighbours is how customers word things, which is much the same from one
institution to the next.  An adapter is a ``d x d`` matrix ``W`` per view: a query vector ``x`` becomes
``normalise(x @ W)`` before its cosine with the rows' vectors of that view (the rows are not changed, so
their cached embeddings serve as before).  Each matrix is fitted by :func:`fit_adapter` across sample
domains: over the rows of the query's own CSV, a softmax of the adapted cosines (temperature ``tau``) must
put the right row first, with an L2 pull of ``W`` toward the identity.  Nothing is fitted per CSV: a new
CSV uses the shipped matrices unchanged.

The shipped matrices (``resources/query_adapters.npz``) are fitted by ``python bench/fusion.py --write`` on
the *tune* halves of the training domains' paraphrases and of their hard-benign and odd-format prompts that name
a row, never on the ``BLIND`` domains; that script also measures them
(held-out halves and blind domains) and fits the fusion weights on out-of-fold adapted signals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

log = logging.getLogger(__name__)

SCHEMA = "centinela.query_adapters/1"
RESOURCE = Path(__file__).with_name("resources") / "query_adapters.npz"
ADAPTED: dict[str, tuple[str, str]] = {
    "aq": ("q", "e5"), "ap": ("p", "e5"), "aa": ("a", "e5"), "ause_q": ("uq", "use"), "ause_a": ("ua", "use"),
    "as": ("s", "e5"), "ause_s": ("us", "use"),
}
"""Adapted signal -> (the row view it compares with, the query embedder): e5 question (query role), question
and answer (passage role); USE question and answer; e5 and USE answer sentences, of which a row scores its
best (see :data:`harness._embed.VIEWS`)."""
SENTENCE_VIEWS = frozenset({"s", "us"})
"""Views with one vector per answer sentence (their rows are ``s_row``): a row scores its best sentence."""


@dataclass(frozen=True, eq=False)
class QueryAdapters:
    """One matrix per row view (:data:`ADAPTED`'s views: seven).

    Attributes:
        matrices: view -> ``W``, float32, read-only, ``(d, d)`` with ``d`` the embedder's size.
        meta: how they were fitted (domains, queries, ``tau``, ``l2``), as written by the bench script.
    """

    matrices: Mapping[str, np.ndarray]
    meta: Mapping[str, str] = field(default_factory=dict)

    def adapt(self, view: str, vectors: np.ndarray) -> np.ndarray:
        """``vectors`` (one, or a stack) mapped by the view's matrix and L2-normalised again."""
        out = np.asarray(vectors, dtype=np.float32) @ self.matrices[view]
        norm = np.linalg.norm(out, axis=-1, keepdims=True)
        return out / np.maximum(norm, 1e-12)

    def save(self, path: str | Path) -> Path:
        """Write them as ``W - I`` in float16 (the entries lie near 0, where float16 is precise)."""
        from ._io import save_npz

        arrays = {f"delta_{v}": (w - np.eye(len(w), dtype=np.float32)).astype(np.float16)
                  for v, w in self.matrices.items()}
        arrays.update({f"meta_{k}": np.array(str(v)) for k, v in self.meta.items()})
        save_npz(Path(path), schema=np.array(SCHEMA), **arrays)
        return Path(path)


def read_adapters(path: str | Path) -> QueryAdapters:
    """Read a file written by :meth:`QueryAdapters.save`; a wrong schema or a missing view raises ``ValueError``."""
    with np.load(path, allow_pickle=False) as z:
        if "schema" not in z.files or str(z["schema"]) != SCHEMA:
            raise ValueError(f"{path}: not a {SCHEMA} file")
        matrices = {}
        for view in {v for v, _ in ADAPTED.values()}:
            key = f"delta_{view}"
            if key not in z.files:
                raise ValueError(f"{path}: no matrix for view {view!r}")
            w = z[key].astype(np.float32) + np.eye(z[key].shape[0], dtype=np.float32)
            w.setflags(write=False)
            matrices[view] = w
        meta = {k[5:]: str(z[k]) for k in z.files if k.startswith("meta_")}
    return QueryAdapters(matrices, meta)


@lru_cache(maxsize=1)
def shipped_adapters() -> QueryAdapters:
    """The package's adapters (read once)."""
    return read_adapters(RESOURCE)


def best_per_row(scores, owner, rows: int):
    """Each row's best score among its vectors: ``scores`` ``(m, k)`` over ``k`` vectors, ``owner[j]`` the row
    of vector ``j``; rows without a vector score -1 (numpy or torch, as given)."""
    if isinstance(scores, np.ndarray):
        out = np.full((scores.shape[0], rows), -1.0, dtype=scores.dtype)
        np.maximum.at(out, (np.arange(scores.shape[0])[:, None], np.asarray(owner)[None, :]), scores)
        return out
    import torch

    index = torch.as_tensor(np.asarray(owner, np.int64)).expand(scores.shape[0], -1)
    return torch.full((scores.shape[0], rows), -1.0).scatter_reduce(1, index, scores, reduce="amax")


def adapted_signals(adapters: QueryAdapters, queries: Mapping[str, np.ndarray], views: Mapping[str, np.ndarray],
                    rows: int) -> dict[str, np.ndarray]:
    """The :data:`ADAPTED` signals of query vectors against a CSV's rows.

    ``queries`` maps an embedder (``"e5"``, ``"use"``) to one query vector ``(d,)`` or a stack ``(m, d)``; an
    embedder it lacks, or a view ``adapters`` has no matrix for (``QueryAdapters({})``: none), has its signals
    left out.  ``views`` holds the rows' vectors of each view and ``s_row``
    (the row of each answer sentence); ``rows`` is the number of rows.  Each signal is ``(rows,)`` or
    ``(m, rows)``, like the query.
    """
    out = {}
    for name, (view, model) in ADAPTED.items():
        if model not in queries or view not in adapters.matrices:
            continue
        score = adapters.adapt(view, queries[model]) @ views[view].T
        if view in SENTENCE_VIEWS:  # a row scores its best sentence
            score = best_per_row(np.atleast_2d(score), views["s_row"], rows).reshape(*score.shape[:-1], rows)
        out[name] = score
    return out


def fit_adapter(batches: Sequence[tuple], tau: float = 0.02,
                l2: float = 1.0, steps: int = 300, lr: float = 1e-3) -> np.ndarray:
    """Fit one view's matrix.

    Args:
        batches: one per CSV: ``(queries (m, d), row vectors (n, d), right row index of each query (m,))``,
            or, for a view with several vectors per row (answer sentences), ``(queries, vectors (k, d), right
            row, owner (k,) = the row of each vector, number of rows)``: a row scores its best vector.  Each
            query's softmax runs over its own CSV's rows only.
        tau: softmax temperature of the cosines (e5 cosines of unrelated texts sit near 0.8, so it is small).
        l2: weight of ``mean((W - I)**2) * d``, the pull toward the identity.
        steps: full-batch Adam steps; ``lr`` their learning rate.

    Returns:
        ``W``, float32 ``(d, d)``; deterministic for the same inputs (full batch, identity start).
    """
    import torch

    if not batches:
        raise ValueError("fit_adapter needs at least one batch")
    dim = batches[0][0].shape[1]
    data = [(torch.as_tensor(np.asarray(b[0], np.float32)), torch.as_tensor(np.asarray(b[1], np.float32)),
             torch.as_tensor(np.asarray(b[2], np.int64)), *b[3:]) for b in batches if len(b[2])]
    total = sum(len(b[2]) for b in data)
    eye = torch.eye(dim)
    w = eye.clone().requires_grad_(True)
    opt = torch.optim.Adam([w], lr=lr)

    def scores(b):
        s = torch.nn.functional.normalize(b[0] @ w, dim=1) @ b[1].T
        return s if len(b) == 3 else best_per_row(s, b[3], b[4])

    for _ in range(steps):
        opt.zero_grad()
        loss = sum(torch.nn.functional.cross_entropy(scores(b) / tau, b[2], reduction="sum") for b in data)
        loss = loss / total + l2 * ((w - eye) ** 2).sum() / dim
        loss.backward()
        opt.step()
    log.debug("adapter fitted on %d queries of %d CSVs, final loss %.4f", total, len(data), float(loss.detach()))
    return w.detach().numpy().astype(np.float32)
