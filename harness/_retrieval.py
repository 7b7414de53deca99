"""Hybrid retrieval over a question/answer CSV: BM25 fused with two sentence embedders.

One :class:`Retriever` is built per CSV and serves everything that needs to
know "which row is this text about, and how sure": grounded prompts, the
topic guard (through :meth:`Retriever.profile`) and the output guard's
fallback answer.  There is no second copy of the scoring logic.

Scoring, per CSV row ``i`` and query ``x`` (embedded once, ``query:`` role,
after :func:`harness._lexical.clean` strips markup and shouting):

* e5 cosines of ``x`` with four views of the row: the question embedded
  as a query (a symmetric question-question match), the question as a
  passage, the answer as a passage, and the best of the answer's sentences
  (each after its question, as a passage: a query about one fact of a long
  answer meets that fact);
* Universal Sentence Encoder cosines of ``x`` with the question, the answer
  and the best answer sentence (:mod:`harness._embed`: a second model,
  trained on other data, errs on other rows);
* the same seven cosines (four e5, three USE) after ``x`` is mapped by its
  view's learnt query adapter (:mod:`harness._adapter`: a linear map, fitted
  across sample domains, from how customers word things toward how CSVs do);
* ``lexical[i]``: BM25 of ``x``'s stemmed words plus their bilingual
  glossary concepts (:mod:`harness._glossary`: "monthly fee" meets
  "mensualidad") over question + answer, question counted twice, divided by
  the best row's score so it lies in ``[0, 1]``;
* ``dense[i]``: a weighted mean of the three e5 cosines (what the topic
  guard reads);
* ``fused[i]`` (the ranking): for each of those fifteen signals, its value
  standardised over the rows for this query (mean 0, sd 1, so that cosines
  and BM25, which spread differently, weigh as the weights say) plus a bonus
  for the row's place in that signal's own ranking, weighted as
  :class:`Fusion` says (a conditional-logit fit, ``bench/fusion.py``);
  a query that *is* a CSV question (once folded: case, accents and
  punctuation aside) ranks that row first whatever the fusion says (the
  adapters, fitted on reworded questions, had let 6 of the 7396 sample
  questions fall to a neighbouring row).

Row embeddings are cached in ``cache_dir()/retriever/<sha256>.npz`` (atomic
write); query embeddings in a small in-memory LRU, so the guard chain and
the generator embed a prompt once.  Everything is thread-safe.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from typing import Iterable, Sequence

import numpy as np

from . import _lexical as lx
from ._csvdata import QARow, load_qa_csv
from ._adapter import QueryAdapters, adapted_signals, best_per_row, shipped_adapters
from ._embed import (MAX_EMBED_CHARS, VIEWS, cached_row_embeddings, get_embedder, get_use_embedder,
                     single_blas_thread)
from ._hits import SIGNALS, Fusion, Hit, Profile

__all__ = ["SIGNALS", "Fusion", "Hit", "Profile", "Retriever"]


class Retriever:
    """Hybrid BM25 + e5 + USE index over CSV rows; see the module docstring.

    Attributes:
        rows: the indexed rows, in CSV order (profile arrays follow it).
        key: the cache key (the CSV's sha256).
        fusion: the fusion weights.
        adapters: the learnt query adapters (:mod:`harness._adapter`; the shipped ones by default).
        support_threshold: the median, over the CSV's answers, of the cosine of
            an answer to its nearest *other* answer: a generated answer less
            similar than this to every row it should come from is about none
            of them (see :meth:`answer_support`); -1 for a one-row CSV.
    """

    def __init__(self, rows: Sequence[QARow], vectors: dict[str, np.ndarray], key: str,
                 fusion: Fusion = Fusion(), adapters: QueryAdapters | None = None) -> None:
        if not rows:
            raise ValueError("a Retriever needs at least one row")
        self.rows: tuple[QARow, ...] = tuple(rows)
        self.key = key
        self.fusion = fusion
        self.adapters = shipped_adapters() if adapters is None else adapters
        self._v = {k: np.ascontiguousarray(vectors[k], dtype=np.int32 if k == "s_row" else np.float32)
                   for k in VIEWS}
        for arr in self._v.values():
            arr.setflags(write=False)
        words_docs, gram_docs = _row_docs(self.rows, fusion.answer_weight)
        self._bm_words = lx.BM25(words_docs)
        self._bm_grams = lx.BM25(gram_docs) if fusion.w_grams > 0 else None
        self._row_words: list[frozenset[str]] = []
        df: dict[str, int] = {}
        for r in self.rows:
            ws = set(lx.words(r.question)) | set(lx.words(r.answer))
            ws |= {lx.stem(w) for w in ws} | {c for w in ws for c in lx.concepts(w)}
            self._row_words.append(frozenset(ws))
            for w in ws:
                df[w] = df.get(w, 0) + 1
        self._df = df
        self._vocab = frozenset(w for w in df if not w.isdigit() and not w.startswith("~"))
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._use_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._index_of = {r.row: i for i, r in enumerate(self.rows)}
        self._exact: dict[str, int] = {}
        for i, r in enumerate(self.rows):
            self._exact.setdefault(lx.fold(r.question), i)
        answers = self._v["a"]
        near = answers @ answers.T
        np.fill_diagonal(near, -1.0)
        self.support_threshold = float(np.median(near.max(axis=1))) if len(self.rows) > 1 else -1.0

    @property
    def question_vectors(self) -> np.ndarray:
        """Question embeddings (``query:`` role), shape ``(n, 384)``, read-only."""
        return self._v["q"]

    # ----------------------------------------------------------- building
    @classmethod
    def from_csv(cls, path: str | os.PathLike, fusion: Fusion = Fusion(),
                 adapters: QueryAdapters | None = None) -> "Retriever":
        """Load ``path`` with :func:`load_qa_csv` and index it."""
        data = load_qa_csv(path)
        return cls.from_rows(data.rows, key=data.sha256, fusion=fusion, adapters=adapters)

    @classmethod
    def from_rows(cls, rows: Iterable[QARow], key: str | None = None,
                  fusion: Fusion = Fusion(), adapters: QueryAdapters | None = None) -> "Retriever":
        """Index ``rows``; ``key`` (the CSV's sha256) names the embedding cache; ``adapters`` default to
        the shipped ones."""
        rows = tuple(rows)
        digest = hashlib.sha256("\x1e".join(f"{r.row}\x1f{r.question}\x1f{r.answer}"
                                            for r in rows).encode()).hexdigest()
        return cls(rows, cached_row_embeddings(rows, key or digest, digest), key or digest, fusion, adapters)

    # ------------------------------------------------------------ queries
    def embed(self, text: str) -> np.ndarray:
        """The e5 query embedding of ``text`` (LRU-cached, thread-safe)."""
        return self._cached(self._cache, text, lambda t: get_embedder().queries([t])[0])

    def embed_use(self, text: str) -> np.ndarray:
        """The USE embedding of ``text`` (LRU-cached, thread-safe)."""
        return self._cached(self._use_cache, text, lambda t: get_use_embedder().encode([t])[0])

    def _cached(self, cache: OrderedDict, text: str, embed) -> np.ndarray:
        text = lx.clean(text[:MAX_EMBED_CHARS]) or "?"
        with self._lock:
            vec = cache.get(text)
            if vec is not None:
                cache.move_to_end(text)
                return vec
        vec = embed(text)
        vec.setflags(write=False)
        with self._lock:
            cache[text] = vec
            while len(cache) > 512:
                cache.popitem(last=False)
        return vec

    def is_known(self, word: str, exclude: int | None = None) -> bool:
        """Whether the CSV vocabulary has the folded ``word`` (or its stem,
        concept, or a near spelling); ``exclude`` (a row index) pretends that
        row is absent (leave-one-out)."""
        def has(w: str) -> bool:
            n = self._df.get(w, 0)
            if exclude is not None and w in self._row_words[exclude]:
                n -= 1
            return n > 0

        if has(word) or has(lx.stem(word)) or any(has(c) for c in lx.concepts(word)):
            return True
        match = lx.near(word, self._vocab)
        return match is not None and has(match)

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency of a folded word (by stem)."""
        n = max(self._df.get(word, 0), self._df.get(lx.stem(word), 0))
        return float(np.log(2 * (len(self.rows) + 1) / (2 * n + 1)))

    def signals(self, text: str, vector: np.ndarray | None = None, second: bool = True) -> dict[str, np.ndarray]:
        """The :data:`SIGNALS` of ``text`` against every row (the USE ones, raw
        and adapted, only when ``second``); ``vector`` is ``text``'s e5
        embedding when known."""
        vec = self.embed(text) if vector is None else vector
        out = {k: self._v[k] @ vec for k in ("q", "p", "a")}
        out["s"] = self._best_sentence(vec, "s")  # each row's best answer sentence
        lex = self._bm_words.scores(lx.terms(text))
        lex = lex / max(float(lex.max()), 1e-9)
        if self._bm_grams is not None:
            w, grams = self.fusion.w_grams, self._bm_grams.scores(lx.grams(text))
            lex = (1 - w) * lex + w * grams / max(float(grams.max()), 1e-9)
        out["l"] = lex
        adapted = {"e5": vec}
        if second:
            use = self.embed_use(text)
            out.update(use_q=self._v["uq"] @ use, use_a=self._v["ua"] @ use, use_s=self._best_sentence(use, "us"))
            adapted["use"] = use
        out.update(adapted_signals(self.adapters, adapted, self._v, len(self.rows)))
        return out

    def _best_sentence(self, vec: np.ndarray, view: str) -> np.ndarray:
        """Each row's best cosine of ``vec`` with its answer sentences in ``view`` (``"s"``: e5, ``"us"``: USE;
        -1 for a row without one)."""
        return best_per_row((self._v[view] @ vec)[None], self._v["s_row"], len(self.rows))[0]

    @single_blas_thread
    def profile(self, text: str, exclude: int | None = None,
                vector: np.ndarray | None = None, second: bool = True) -> Profile:
        """Score ``text`` against every row; ``exclude`` masks one row index;
        ``vector`` is ``text``'s e5 embedding when the caller has it;
        ``second=False`` skips the USE embedding (``fused`` then ranks by e5
        and the lexical score alone: the topic guard's calibration, which
        reads neither, uses it)."""
        f = self.fusion
        vec = self.embed(text) if vector is None else vector
        signals = self.signals(text, vec, second)
        cos, lex = {k: signals[k] for k in ("q", "p", "a")}, signals["l"]
        dense = (f.w_q * cos["q"] + f.w_p * cos["p"] + f.w_a * cos["a"]) / (f.w_q + f.w_p + f.w_a)
        fused = f.combine(signals, exclude)
        same = self._exact.get(lx.fold(text))
        if same is not None and same != exclude:  # the CSV's own question: its own row
            fused[same] = float(fused.max()) + 1.0
        zero = np.zeros(len(self.rows), dtype=np.float32)
        use_q, use_a = signals.get("use_q", zero), signals.get("use_a", zero)
        if exclude is not None:
            for arr in (cos["q"], cos["a"], dense, lex, use_q, use_a):
                arr[exclude] = 0.0
        words = tuple(dict.fromkeys(lx.words(text)))
        known = tuple(self.is_known(w, exclude) for w in words)
        unknown_idf = float(np.log(2 * (len(self.rows) + 1)))
        idf = tuple(self.idf(w) if k else unknown_idf for w, k in zip(words, known))
        return Profile(text, vec, cos["q"], cos["a"], dense, lex, fused, use_q, use_a, words, known, idf)

    @single_blas_thread
    def answer_support(self, text: str, rows: Iterable[int]) -> float:
        """Cosine of ``text`` (embedded as a passage, like the CSV answers) with
        the closest answer of the CSV rows ``rows`` (spreadsheet row numbers);
        -1 when none of them is indexed."""
        idx = [self._index_of[r] for r in rows if r in self._index_of]
        if not idx:
            return -1.0
        vec = get_embedder().passages([lx.clean(text[:MAX_EMBED_CHARS]) or "?"])[0]
        return float((self._v["a"][idx] @ vec).max())

    def search(self, text: str, k: int = 3) -> list[Hit]:
        """The ``k`` best rows for ``text``, best first."""
        prof = self.profile(text)
        order = np.argsort(-prof.fused, kind="stable")[: max(0, k)]
        return [Hit(self.rows[i].question, self.rows[i].answer, self.rows[i].row,
                    float(prof.fused[i])) for i in order]

    def __len__(self) -> int:
        return len(self.rows)


def _row_docs(rows: Sequence[QARow], answer_weight: float) -> tuple[list[list[str]], list[list[str]]]:
    reps = max(1, round(1.0 / answer_weight)) if answer_weight > 0 else 1
    words_docs, gram_docs = [], []
    for r in rows:
        tail = (lx.terms(r.answer), lx.grams(r.answer)) if answer_weight > 0 else ([], [])
        words_docs.append(lx.terms(r.question) * reps + tail[0])
        gram_docs.append(lx.grams(r.question) * reps + tail[1])
    return words_docs, gram_docs
