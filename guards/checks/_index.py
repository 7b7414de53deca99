"""The facts a CSV holds, normalised, in one immutable index.

:class:`FactIndex` is built once from the CSV rows (or from the few rows a
grounded prompt retrieved) and holds every fact in normal form: amounts
with their currency, numbers, percentages, durations (in months, days or
minutes, so ``dos años`` = ``24 meses``), dates, clock times, phones,
e-mails, URLs, social handles, the vocabulary, and the sequence of content
words (stems, clause by clause) used to look names up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from ._extract import Fact, extract_facts
from ._text import CONNECTORS, fold, stem, words

NAME_WINDOW = 3  # extra words allowed between the words of a name
_CLAUSE_BREAK = re.compile(r"[,.;:()!?\n\t\u00bf\u00a1\u00ab\u00bb\"]")
_SENTENCE_START = re.compile(r"(?:^|[.!?\u00bf\u00a1:\n\t\"\u00ab(])\s*$")


def _texts_of(rows: Iterable[Any]) -> list[str]:
    texts: list[str] = []
    for row in rows:
        if isinstance(row, str):
            texts.append(row)
        elif hasattr(row, "answer"):
            texts.extend((getattr(row, "question", "") or "", row.answer or ""))
        elif isinstance(row, (tuple, list)):
            texts.extend(str(x) for x in row)
    return texts


@dataclass(frozen=True)
class FactIndex:
    """Normalised facts of a set of texts (see the module docstring).

    Attributes hold frozensets of normal forms (``amounts``: ``(value,
    currency)``; ``durations``: ``(class, value)``; ``dates``: ``(d, m, y)``;
    ``times``: minutes; ``phones``: digits ...), the vocabulary (``vocab``,
    ``lower_vocab``: seen in lower case, ``cap_vocab``: seen capitalised
    inside a sentence) and ``stems``/``positions`` for name look-up.

    Build it with :meth:`from_rows` (CSV rows or a retrieved subset) or
    :meth:`from_texts`; it is immutable and cheap to query.
    """

    amounts: frozenset = frozenset()
    numbers: frozenset = frozenset()
    bare: frozenset = frozenset()
    percents: frozenset = frozenset()
    durations: frozenset = frozenset()
    measures: frozenset = frozenset()
    dates: frozenset = frozenset()
    times: frozenset = frozenset()
    phones: frozenset = frozenset()
    emails: frozenset = frozenset()
    urls: frozenset = frozenset()
    hosts: frozenset = frozenset()
    handles: frozenset = frozenset()
    vocab: frozenset = frozenset()
    lower_vocab: frozenset = frozenset()
    cap_vocab: frozenset = frozenset()
    sorted_vocab: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()
    positions: Mapping[str, tuple[int, ...]] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False)
    rows: tuple["FactIndex", ...] = field(default=(), compare=False, repr=False)
    """One index per row, when built ``by_row`` (the rows a grounded prompt retrieved)."""

    @classmethod
    def from_rows(cls, rows: Iterable[Any], by_row: bool = False) -> "FactIndex":
        """Index of CSV rows: ``QARow``-like objects, ``(q, a)`` pairs or strings; ``by_row`` also keeps
        each row's own index (:attr:`rows`), so a fact can be traced to the row it comes from."""
        rows = list(rows)
        whole = cls.from_texts(_texts_of(rows))
        if not by_row:
            return whole
        return replace(whole, rows=tuple(cls.from_texts(_texts_of([r])) for r in rows))

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "FactIndex":
        """Index of plain texts (both question and answer of a row count)."""
        acc: dict[str, set] = {k: set() for k in (
            "amounts", "numbers", "bare", "percents", "durations", "measures", "dates", "times", "phones",
            "emails", "urls", "hosts", "handles", "vocab", "lower_vocab", "cap_vocab")}
        stems: list[str] = []
        for text in texts:
            if not text:
                continue
            for f in extract_facts(text):
                _index_fact(f, acc)
            prev = 0
            for m in words(text):
                gap = text[prev:m.start()]
                if _CLAUSE_BREAK.search(gap) and not (prev and gap in ".,"):  # "D1.1", "S.A.C." go on
                    stems.append("")
                prev = m.end()
                w = fold(m.group())
                acc["vocab"].add(w)
                if m.group().islower():
                    acc["lower_vocab"].add(w)
                elif m.group()[0].isupper() and not _SENTENCE_START.search(text, max(0, m.start() - 3), m.start()):
                    acc["cap_vocab"].add(w)
                if w not in CONNECTORS:
                    stems.append(stem(w))
            stems.append("")
        positions: dict[str, list[int]] = {}
        for i, s in enumerate(stems):
            if s:
                positions.setdefault(s, []).append(i)
        frozen = {k: frozenset(v) for k, v in acc.items()}
        return cls(**frozen, sorted_vocab=tuple(sorted(acc["vocab"])), stems=tuple(stems),
                   positions=MappingProxyType({k: tuple(v) for k, v in positions.items()}))

    def has_stem(self, s: str) -> bool:
        return s in self.positions

    def has_sequence(self, seq: list[str], across_clauses: bool = False) -> bool:
        """The stems ``seq`` occur in this order, close together, in one clause (``across_clauses``:
        in one text, for a quoted phrase with commas inside: «Tu motor, con la fuerza del sol»)."""
        if not seq:
            return True
        if any(s not in self.positions for s in seq):
            return False
        stems = self.stems
        for p in self.positions.get(seq[0], ()):
            i, limit, ok = p, p + len(seq) + NAME_WINDOW, True
            for s in seq[1:]:
                j = i + 1
                while j < limit and j < len(stems) and (stems[j] or across_clauses) and stems[j] != s:
                    if not stems[j]:
                        limit += 1  # a clause break inside a quoted phrase takes no room
                    j += 1
                if j >= limit or j >= len(stems) or stems[j] != s:
                    ok = False
                    break
                i = j
            if ok:
                return True
        return False


def _index_fact(f: Fact, acc: dict[str, set]) -> None:
    if f.raw is not None:
        acc["numbers"].add(f.raw)
    kind = f.kind
    if kind == "amount":
        acc["amounts"].add(f.value)
    elif kind == "number":
        acc["bare"].add(f.value)
    elif kind == "percent":
        acc["percents"].add(f.value)
    elif kind == "duration":
        acc["durations"].add(f.value)
    elif kind == "measure":
        acc["measures"].add(f.value)
    elif kind == "date":
        for d, m, y in f.value:
            acc["dates"].add((d, m, y))
            acc["numbers"].update(float(x) for x in (d, y) if x is not None)
    elif kind == "time":
        acc["times"].update(f.value)
        acc["numbers"].update(float(t // 60) for t in f.value)
        acc["numbers"].update(float(t % 60) for t in f.value)
    elif kind == "phone":
        acc["phones"].add(f.value)
    elif kind == "email":
        acc["emails"].add(f.value)
        acc["hosts"].add(f.value.split("@", 1)[1])
    elif kind == "url":
        acc["urls"].add(f.value)
        acc["hosts"].add(f.value.split("/", 1)[0])
    elif kind == "handle":
        acc["handles"].add(f.value)
