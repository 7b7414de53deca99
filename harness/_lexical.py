"""Lexical side of retrieval: folding, light stemming, stop words, BM25.

Everything here is pure Python + numpy, deterministic and offline.

* :func:`fold` lower-cases, strips accents and punctuation (``"¿Becas?"`` ->
  ``"becas"``), so accents and case never matter.
* :func:`terms` drops Spanish/English stop words and stems what is left with
  a light suffix stripper cut to :data:`STEM_LEN` characters, so ``horario``,
  ``horarios`` and ``horas`` meet, and so do ``inscribo``/``inscripción``.
* :func:`grams` gives character 3-grams of each content word; a BM25 over
  them forgives typos (``matricula``/``matrícula``/``matricla``).
* :class:`BM25` is a small Okapi BM25 over pre-tokenised documents that
  accepts weighted query terms.
* :func:`near` finds vocabulary terms within a small edit distance, the fuzzy
  expansion used to decide whether a query word is known to the domain.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import numpy as np

from ._glossary import concept_map

STEM_LEN = 6
"""Stems are cut to this many characters (prefix stemming)."""

_STOP = """
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun cada como con contra cual cuales
cualquier de del desde dos el ella ellas ello ellos en entre era eran es esa esas ese eso esos esta
estan estar estas este esto estos fue fueron ha han hay he la las le les lo los mas me mi mis mucho muy
nada ni no nos nosotros o os otra otro para pero poco por porque puede pueden puedo que
se sea ser si sin sobre solo son su sus tambien te tengo ti tiene tienen todo todos tu tus un una unas uno
unos usted ustedes vosotros y ya yo hola gracias favor quisiera quiero saber hacer tienes sus
cual esta estoy hago hacen da dan
about after all also am an and any are as at be been but by can could did do does for from had has have
how i if in into is it its me my no not of on or our please should so than that the their them then there
these they this to us was we were what which why will with would you your yours hi
hello thanks thank tell know want need
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP.split())

_SUFFIXES = tuple(sorted((
    # Spanish then English; tried longest first
    "amientos", "imientos", "amiento", "imiento", "aciones", "iciones", "uciones", "mente", "acion", "icion",
    "ucion", "ciones", "cion", "siones", "sion", "ables", "ibles", "able", "ible", "istas", "ista",
    "ando", "iendo", "adas", "ados", "idas", "idos", "ada", "ado", "ida", "ido", "eria", "erias",
    "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ed", "ly",
    "es", "s", "ar", "er", "ir", "as", "os", "a", "o", "e",
), key=len, reverse=True))
_TOKEN = re.compile(r"[0-9a-z\u00f1]+")


def fold(text: str) -> str:
    """Case-fold, strip accents (keeping ``ñ`` as ``n``), punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_TOKEN.findall(text))


def stem(word: str) -> str:
    """Light Spanish/English stem: strip one known suffix, cut to STEM_LEN."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    return word[:STEM_LEN]


def words(text: str) -> list[str]:
    """Folded content words (stop words removed, not stemmed)."""
    return [w for w in fold(text).split() if w not in STOP_WORDS]


def concepts(word: str) -> tuple[str, ...]:
    """Glossary concept tokens of a folded word (by the word or its stem)."""
    table = concept_map()
    return table.get(word) or table.get(stem(word), ())


def terms(text: str) -> list[str]:
    """Stemmed content terms of ``text`` plus their glossary concepts."""
    out: list[str] = []
    for w in words(text):
        out.append(stem(w))
        out.extend(concepts(w))
    return out


_TAGS = re.compile(r"<[^<>]{0,40}>")
_MARKUP = re.compile(r"[*_`#|>{}\[\]\\]+|\s-\s|^\s*[-•]\s*", re.M)
_LABEL = re.compile(r"^\s*(?:pregunta|consulta|duda|question|query|asunto|subject)\s*:\s*", re.IGNORECASE)
_REPEAT = re.compile(r"([!?.,;:])\1+")
_DEVICE = re.compile(r"(?:^|\s)(?:-+\s*)?(?:enviado desde mi|enviado de mi|sent from my)\s+[\w .-]{2,30}$",
                     re.IGNORECASE)


def clean(text: str) -> str:
    """Text as the embedder should see it: markup stripped, no shouting.

    Lone surrogates and NUL go (the embedder needs valid UTF-8); HTML
    tags, markdown emphasis, table pipes and JSON braces go; repeated
    punctuation collapses; a label that opens the text ("Pregunta:",
    "Consulta:", "Question:") goes, since the embedder reads it as content,
    and so does a phone's signature that closes it ("Enviado desde mi iPhone");
    a text written all in capitals is lower-cased (the cased sentence-piece
    model reads "CUANTO CUESTA" poorly).
    """
    text = text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", " ")  # lone surrogates, NUL
    text = _TAGS.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    text = _REPEAT.sub(r"\1", text).replace('"', " ")
    text = _DEVICE.sub("", _LABEL.sub("", text))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        text = text.lower()
    return " ".join(text.split())


def grams(text: str, n: int = 3) -> list[str]:
    """Character n-grams of each content word, with ``_`` as word boundary."""
    out: list[str] = []
    for w in words(text):
        padded = f"_{w}_"
        if len(padded) <= n:
            out.append(padded)
        else:
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transposition, capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def near(word: str, vocab: frozenset[str] | set[str]) -> str | None:
    """A vocabulary word within edit distance 1 (2 for long words), if any;
    the closest, then the first in alphabetical order."""
    if word in vocab:
        return word
    if len(word) < 5:
        return None
    return _near(word, vocab if isinstance(vocab, frozenset) else frozenset(vocab))


@lru_cache(maxsize=65536)
def _near(word: str, vocab: frozenset[str]) -> str | None:
    # memoised: a guard sees the same words again, and a frozenset caches its hash
    limit = 1 if len(word) < 8 else 2
    index = _deletions(vocab, limit)
    first, lo, hi = word[0], len(word) - limit, len(word) + limit
    candidates = {v for key in _deletes(word, limit) for v in index.get(key, ())
                  if v[0] == first and lo <= len(v) <= hi}
    best = min(((edit_distance(word, v, limit), v) for v in candidates), default=(limit + 1, None))
    return best[1] if best[0] <= limit else None


def _deletes(word: str, depth: int) -> set[str]:
    """``word`` and every string left by deleting up to ``depth`` of its letters."""
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


@lru_cache(maxsize=64)
def _deletions(vocab: frozenset[str], depth: int) -> dict[str, tuple[str, ...]]:
    """Symmetric-deletion index of ``vocab`` (each word under itself and every string left by deleting
    up to ``depth`` letters): two words within edit distance ``depth`` (adjacent transpositions
    included) share a key, so :func:`near` measures the distance to those words only, not to every
    word of the vocabulary.  Words shorter than 6 letters are left out at depth 2 (a long word's only
    candidates)."""
    out: dict[str, list[str]] = {}
    for v in vocab:
        if v and (depth < 2 or len(v) >= 6):
            for key in _deletes(v, depth):
                out.setdefault(key, []).append(v)
    return {k: tuple(ws) for k, ws in out.items()}


class BM25:
    """Okapi BM25 over tokenised documents; query terms may carry weights.

    Attributes:
        n_docs: number of documents.
        idf: term -> inverse document frequency (always > 0).
    """

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.n_docs = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avg = float(lengths.mean()) if len(docs) and lengths.mean() > 0 else 1.0
        norm = k1 * (1.0 - b + b * lengths / avg)
        df: Counter[str] = Counter()
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                df[term] += 1
                postings.setdefault(term, []).append((i, tf))
        self.idf = {t: math.log(1.0 + (self.n_docs - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        # term -> (doc indices, precomputed tf saturation * idf)
        self._post: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, plist in postings.items():
            idx = np.array([p[0] for p in plist], dtype=np.int64)
            tf = np.array([p[1] for p in plist], dtype=np.float64)
            weight = self.idf[term] * tf * (k1 + 1.0) / (tf + norm[idx])
            self._post[term] = (idx, weight)

    def scores(self, query: list[str] | dict[str, float]) -> np.ndarray:
        """BM25 score of every document for ``query`` (terms or term->weight)."""
        out = np.zeros(self.n_docs, dtype=np.float64)
        items = query.items() if isinstance(query, dict) else Counter(query).items()
        for term, weight in items:
            post = self._post.get(term)
            if post is not None:
                out[post[0]] += weight * post[1]
        return out
