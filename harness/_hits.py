"""The retriever's records: its fusion weights, a retrieved row, and a text's
scores against every row (see :mod:`harness._retrieval`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Hit:
    """One retrieved CSV row.

    Attributes:
        question: the CSV question.
        answer: the CSV answer.
        row: spreadsheet row number (header = 1, first pair = 2).
        score: fused score (:attr:`Profile.fused`): higher is better; mostly how
            many standard deviations the row stands above the CSV's average row
            for this query, weighted over the signals, plus its rank bonus
            (about -5..10).
    """

    question: str
    answer: str
    row: int
    score: float


SIGNALS = ("q", "p", "a", "l", "use_q", "use_a", "s", "aq", "ap", "aa", "ause_q", "ause_a", "as", "use_s", "ause_s")
"""The per-row signals the fusion combines, in the order of :attr:`Fusion.z`
and :attr:`Fusion.rank`: e5 cosine of the query with the question (both
``query:``), with the question as a passage, with the answer; the lexical
score; USE cosine with the question, with the answer; e5 cosine with the
row's best answer sentence (after its question, as a passage); then the
same e5, USE and answer-sentence cosines of the query after its learnt
adapter (:mod:`harness._adapter`: ``a`` + the signal); last, the USE cosine
with the row's best answer sentence, raw and adapted."""


@dataclass(frozen=True)
class Fusion:
    """Weights of the score fusion (see the module docstring).

    ``fused[i] = sum_s z[s] * standardised(s)[i] + rank[s] / (1 + rank of row i by s)``
    over the :data:`SIGNALS` ``s``: each signal counts by how far a row stands
    above the others (in standard deviations) and by its place in that
    signal's own ranking, so that a row two signals put first wins over one
    that all put second.  ``z`` and ``rank`` are a conditional-logit fit (the
    right row's softmax probability over the rows) on the ``tune``
    paraphrases of 39 sample domains (not the blind ones), the adapted signals
    out of fold (each domain's from adapters fitted without its fifth of the
    domains), refitted and measured by ``python bench/fusion.py``.

    Attributes:
        w_q: weight of the query-vs-question cosine (``query:`` role) in
            :attr:`Profile.dense`, the e5 similarity the topic guard reads.
        w_p: likewise, the question embedded as a passage.
        w_a: likewise, the answer (``passage:``).
        w_grams: share of character-3-gram BM25 inside the lexical score
            (the rest is stemmed-word + glossary-concept BM25); 0 skips it.
        answer_weight: weight of answer text relative to the question text
            in BM25 (the question is counted ``1 / answer_weight`` times).
        z: weight of each standardised signal, in :data:`SIGNALS` order.
        rank: weight of each signal's reciprocal rank, likewise.
    """

    w_q: float = 0.38
    w_p: float = 0.38
    w_a: float = 0.24
    w_grams: float = 0.0
    answer_weight: float = 0.5
    z: tuple[float, ...] = (-0.16, -0.26, 0.12, 0.31, 0.03, -0.47, 0.36, -0.01, 0.57, 0.36, 0.24, 0.64, 0.63,
                            -0.26, 0.47)
    rank: tuple[float, ...] = (0.30, 0.18, 0.15, 0.40, 0.35, -0.10, 0.27, 0.18, 0.19, 0.24, 0.39, 0.18, 0.10,
                               -0.09, 0.13)

    def combine(self, signals: dict[str, np.ndarray], exclude: int | None = None) -> np.ndarray:
        """The fused score of every row from the ``signals`` given (a missing
        signal counts 0); ``exclude`` (a row index) is left out of every
        standardisation and ranking and scores -1000."""
        fused = features(signals, exclude) @ np.array([*self.z, *self.rank], dtype=np.float64)
        if exclude is not None:
            fused[exclude] = -1e3
        return fused


def features(signals: dict[str, np.ndarray], exclude: int | None = None) -> np.ndarray:
    """What :meth:`Fusion.combine` weighs: rows x (each of :data:`SIGNALS`
    standardised, then each one's reciprocal rank ``1 / (1 + rank)``); zeros
    for a signal not given; ``exclude`` is left out of both."""
    n = len(next(iter(signals.values())))
    keep = np.ones(n, dtype=bool)
    if exclude is not None:
        keep[exclude] = False
    out = np.zeros((n, 2 * len(SIGNALS)))
    for j, name in enumerate(SIGNALS):
        if name not in signals:
            continue
        s = np.where(keep, np.asarray(signals[name], dtype=np.float64), -np.inf)
        ranks = np.empty(n)
        ranks[np.argsort(-s, kind="stable")] = np.arange(n)
        out[:, j] = standardised(s, keep)
        out[:, len(SIGNALS) + j] = 1.0 / (1.0 + ranks)
    return out


def standardised(scores: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``scores`` minus their mean over ``keep``, over their sd there (0 where
    ``keep`` is false, and everywhere when the kept rows all score the same)."""
    out = np.zeros(len(scores))
    if not keep.any():
        return out
    mean, sd = float(scores[keep].mean()), float(scores[keep].std())
    if sd > 1e-9:
        out[keep] = (scores[keep] - mean) / sd
    return out


@dataclass(frozen=True, eq=False)
class Profile:
    """Raw similarity of one text to every CSV row (index order = ``rows``).

    Attributes:
        text: the text scored.
        vector: its e5 query embedding, shape ``(384,)``.
        dense_q: cosine to each CSV question (``query:`` role), shape ``(n,)``.
        dense_a: cosine to each CSV answer, shape ``(n,)``.
        dense: the weighted mean of the three e5 views, shape ``(n,)``.
        lexical: normalised lexical score of each row, in ``[0, 1]``.
        fused: the fused score used for ranking (both embedders and the
            lexical score, standardised; see the module docstring).
        use_q: USE cosine to each CSV question, shape ``(n,)`` (zeros when
            the profile was asked for with ``second=False``).
        use_a: USE cosine to each CSV answer, likewise.
        words: folded content words of ``text`` (stop words removed).
        known: for each word, whether the CSV's vocabulary has it (exactly,
            by stem, by glossary concept, or within a small edit distance).
        idf: for each word, its inverse document frequency in the CSV
            (unknown words get the maximum, ``log(2 (n + 1))``).
    """

    text: str
    vector: np.ndarray
    dense_q: np.ndarray
    dense_a: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    use_q: np.ndarray
    use_a: np.ndarray
    words: tuple[str, ...] = field(default_factory=tuple)
    known: tuple[bool, ...] = field(default_factory=tuple)
    idf: tuple[float, ...] = field(default_factory=tuple)

    @property
    def coverage(self) -> float:
        """IDF-weighted share of the words the CSV knows (1.0 when no words)."""
        total = sum(self.idf)
        return 1.0 if total <= 0 else sum(w for w, k in zip(self.idf, self.known) if k) / total
