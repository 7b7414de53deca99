"""The benchmarks' TF-IDF baseline: numpy cosine between a text and a list of
documents (the CSV's questions), the "what a team would write first" floor that
``retrieval.py`` and ``guard.py`` compare the harness with."""

from __future__ import annotations

import re
import unicodedata

import numpy as np


def tokens(text: str, fold_accents: bool = False) -> list[str]:
    """Lower-cased word tokens; accents stripped when ``fold_accents``."""
    text = text.lower()
    if fold_accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"\w+", text)


class TfIdf:
    """TF-IDF vectors of ``docs`` (smoothed idf, L2-normalised); :meth:`scores`
    is the cosine of a text with each document."""

    def __init__(self, docs: list[str], fold_accents: bool = False) -> None:
        self.fold = fold_accents
        toks = [tokens(d, fold_accents) for d in docs]
        self.index = {w: i for i, w in enumerate(sorted({w for t in toks for w in t}))}
        df = np.zeros(len(self.index))
        for t in toks:
            for w in set(t):
                df[self.index[w]] += 1
        self.idf = np.log((1 + len(toks)) / (1 + df)) + 1.0
        self.matrix = np.stack([self._vec(t) for t in toks])

    def _vec(self, toks: list[str]) -> np.ndarray:
        v = np.zeros(len(self.index))
        for w in toks:
            i = self.index.get(w)
            if i is not None:
                v[i] += 1.0
        v *= self.idf
        n = np.linalg.norm(v)
        return v / n if n else v

    def scores(self, text: str) -> np.ndarray:
        """Cosine of ``text`` with every document."""
        return self.matrix @ self._vec(tokens(text, self.fold))
