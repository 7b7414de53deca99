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
        score: fused score (:attr:`Profile.fused`): higher is better; how many
            standard deviations the row stands above the CSV's average row for
            this query, about -3..8.
    """

    question: str
    answer: str
    row: int
    score: float


@dataclass(frozen=True)
class Fusion:
    """Weights of the score fusion (see the module docstring).

    The e5 and lexical weights were chosen on the ``tune`` paraphrases of two
    domains and sit on a broad plateau (+-0.1 on any weight moves top-1 by
    about 1 %); the two USE weights on the ``tune`` paraphrases of three
    (the middle of a plateau: 0.3-0.5 and 0.2-0.4 all gave a mean top-1 of
    87.1-88.0 %, top-3 96.2-97.7 %, against 85.7 / 94.2 without USE).

    Attributes:
        w_q: query vs question, both embedded with the ``query:`` role.
        w_p: query vs question embedded with the ``passage:`` role.
        w_a: query vs answer (``passage:``).
        w_l: weight of the normalised lexical score.
        w_grams: share of character-3-gram BM25 inside the lexical score
            (the rest is stemmed-word + glossary-concept BM25); 0 skips it.
        answer_weight: weight of answer text relative to the question text
            in BM25 (the question is counted ``1 / answer_weight`` times).
        w_use_q: standardised USE query-vs-question cosine, relative to the
            standardised e5 + lexical score (weight 1).
        w_use_a: standardised USE query-vs-answer cosine, likewise.
    """

    w_q: float = 0.38
    w_p: float = 0.38
    w_a: float = 0.24
    w_l: float = 0.06
    w_grams: float = 0.0
    answer_weight: float = 0.5
    w_use_q: float = 0.4
    w_use_a: float = 0.3


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
