"""Find the names an answer cites: programmes, courses, people, places.

A name is a run of two or more capitalised words on one line, joined only
by spaces and lower-case connectors (``"Analista de Créditos y
Cobranzas"``, ``"Banco Andino del Sur"``), or a short quoted phrase
(``«Sabores del Misti»``).  Whether the CSV holds it is decided in
:mod:`guards.checks.facts`; this module only finds the candidates and
notes what the checker needs to judge them fairly: whether the run starts
a sentence (its first word may be an ordinary capitalised word, not part
of the name) and whether it is a heading line of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._text import CONNECTORS, LIST_MARKER, fold

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")
_SEGMENT = re.compile(r"[^\n\t]+")
_CAPITAL = re.compile(r"(?<![^\W\d_])[^\W\d_a-z\u00df-\u00ff]")
_QUOTED = re.compile(r"\u00ab([^\u00bb\n]{1,80})\u00bb|\u201c([^\u201d\n]{1,80})\u201d|\"([^\"\n]{1,80})\"")
_INITIAL_PUNCT = set(".!?\u00a1\u00bf:;\u2022*#-\u2013\u2014\"'\u00ab\u201c()|>")
_HEADING_JUNK = " *#_:>-\u2022\u2013|"
MAX_NAME_TOKENS = 12


@dataclass(frozen=True)
class Name:
    """A name candidate found in an answer.

    Attributes:
        start, end: span in the answer.
        text: the name as written.
        tokens: its words, folded, connectors included.
        initial: its first word starts a sentence, a line or a table cell.
        heading: the name is a whole line of its own (a title).
        quoted: it came from quotation marks, not from capitals.
        starts: the offset of each token in the answer (empty when quoted).
    """

    start: int
    end: int
    text: str
    tokens: tuple[str, ...]
    initial: bool = False
    heading: bool = False
    quoted: bool = False
    starts: tuple[int, ...] = ()


def _is_initial(segment: str, pos: int) -> bool:
    before = segment[:pos].rstrip()
    return not before or before[-1] in _INITIAL_PUNCT or bool(LIST_MARKER.fullmatch(segment[:pos]))


def _is_capital(tok: str) -> bool:
    return tok[0].isupper() and len(tok) > 1


def _runs(segment: str, offset: int, whole_line: bool) -> list[Name]:
    out: list[Name] = []
    run: list[re.Match] = []

    def close() -> None:
        while run and fold(run[0].group()) in CONNECTORS:
            run.pop(0)
            trimmed[0] = True
        while run and fold(run[-1].group()) in CONNECTORS:
            run.pop()
        capitals = [m for m in run if fold(m.group()) not in CONNECTORS]
        if len(capitals) >= 2 and len(run) <= MAX_NAME_TOKENS:
            start, end = run[0].start(), run[-1].end()
            text = segment[start:end]
            rest = segment[:start].strip(_HEADING_JUNK) + segment[end:].strip(_HEADING_JUNK)
            marker = LIST_MARKER.match(segment)
            if marker:
                rest = (segment[marker.end():start].strip(_HEADING_JUNK) + segment[end:].strip(_HEADING_JUNK))
            out.append(Name(offset + start, offset + end, text, tuple(fold(m.group()) for m in run),
                            initial=not trimmed[0] and _is_initial(segment, start),
                            heading=whole_line and not rest, starts=tuple(offset + m.start() for m in run)))
        run.clear()
        trimmed[0] = False

    trimmed = [False]
    prev_end = None
    for m in _TOKEN.finditer(segment):
        tok = m.group()
        gap = segment[prev_end:m.start()] if prev_end is not None else ""
        joined = prev_end is not None and gap and not gap.strip(" \u00a0")
        is_conn = fold(tok) in CONNECTORS and not tok.isupper()
        if run and not joined:
            close()
        abbreviation = len(tok) <= 3 and segment[m.end():m.end() + 1] == "."  # "Av.", "Jr.", "Mg."
        if abbreviation:
            if run:
                close()
        elif _is_capital(tok) and not tok[0].isdigit():
            run.append(m)
        elif is_conn and run:
            run.append(m)
        elif run:
            close()
        prev_end = m.end()
    if run:
        close()
    return out


def extract_names(text: str) -> list[Name]:
    """Name candidates of ``text``, in text order."""
    names: list[Name] = []
    for seg in _SEGMENT.finditer(text):
        if len(_CAPITAL.findall(seg.group(), 0, 4000)) < 2:
            continue
        line_start = text.rfind("\n", 0, seg.start()) + 1
        line_end = text.find("\n", seg.end())
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        names.extend(_runs(seg.group(), seg.start(), "\t" not in line))
    for m in _QUOTED.finditer(text):
        group = next(i for i in (1, 2, 3) if m.group(i) is not None)
        inner = m.group(group)
        tokens = tuple(fold(t.group()) for t in _TOKEN.finditer(inner))
        if 1 <= len(tokens) <= 8:
            names.append(Name(m.start(group), m.end(group), inner, tokens, quoted=True))
    names.sort(key=lambda n: n.start)
    return names
