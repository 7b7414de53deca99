"""``unsupported_fact``: the answer states nothing the CSV does not hold.

:func:`check_unsupported_fact` flags every fact (amount, number,
percentage, duration, date, time, phone, e-mail, URL, handle; see
``_extract``) and every name (programme, course, person, place; see
``_names``) of an answer that neither the :class:`FactIndex` nor the
question holds.  A fact true anywhere in the index is supported, written in
any format (``S/ 1,200.00`` = ``mil doscientos soles``); a value one digit
off is not.  Echoing a number of the question is not invention.

Names are matched on their content words, in order, allowing a generic head
("Programa de X" is X), a capitalised ordinary first word ("Ofrecemos
Cajero Bancario ..."), a list of names joined by "y"/"e", and up to three
extra words in between ("Rosa Quispe" for "Rosa Elena Quispe Huamán").

A fact can also be contradicted by the answer itself: a small model that
joins retrieved rows writes «La mensualidad de X es de S/ 450. La
mensualidad de X es de S/ 150.», where each amount stands somewhere in the
CSV.  Two sentences (four or more words) that read the same once their facts
are masked but state different facts give the later one an
``unsupported_fact`` finding: at most one of the two can be right.

And a grounded answer can move a fact from one retrieved row to another:
«el programa Atención al Cliente Financiero dura 12 meses», where 12 months
is another programme's.  With an index built row by row (the retrieved
rows), each sentence is about the row its content words point to most —
the words it shares with the question (its subject: a fact's own row lends
it the words around the fact too) or, when it shares none that a row holds,
all of them; a word counts ``1 / n`` for a row when ``n`` of the retrieved
rows hold it — and a fact of that sentence that this row (or the question)
does not hold is an ``unsupported_fact`` too.
"""

from __future__ import annotations

import re
from .._types import Finding
from ._extract import Fact, extract_facts
from ._index import FactIndex
from ._names import Name, extract_names
from ._text import COMMON, CONNECTORS, sentences, shadow, stem, words

__all__ = ["FactIndex", "check_unsupported_fact", "fact_supported", "name_supported"]

# Generic heads of a programme name: "Programa de X" is X.
HEADS = frozenset(stem(w) for w in (
    "programa programas curso cursos taller talleres carrera carreras diplomado "
    "modulo modulos program programs course courses workshop workshops").split())
_SUBWORD = re.compile(r"[^\W_]+")
_LIST_JOINERS = frozenset({"y", "e", "o", "u", "and", "or"})


def _date_ok(alts: tuple, idx: FactIndex) -> bool:
    for d, m, y in alts:
        for dd, mm, yy in idx.dates:
            if m is not None and mm != m:
                continue
            if d is not None and dd != d:
                continue
            if y is not None and yy != y and not (yy is None and float(y) in idx.numbers):
                continue
            return True
        if m is None and d is None and y is not None and float(y) in idx.numbers:
            return True
    return False


def _phone_ok(digits: str, idx: FactIndex) -> bool:
    for p in idx.phones:
        if p == digits:
            return True
        short, long_ = sorted((p, digits), key=len)
        if len(short) >= 6 and long_.endswith(short):
            return True
    return False


def fact_supported(f: Fact, idx: FactIndex) -> bool:
    """``f`` (a fact of an answer) is held by ``idx``."""
    kind, v = f.kind, f.value
    if kind == "number":
        return v in idx.numbers or v in (0.0, 1.0)
    if kind == "amount":
        value, cur = v
        return (v in idx.amounts or (value, "") in idx.amounts or value in idx.bare
                or (not cur and any(a == value for a, _ in idx.amounts)))
    if kind == "percent":
        return v in idx.percents
    if kind == "duration":
        return v in idx.durations
    if kind == "measure":  # "120 cm" is not supported by a "120" of another kind
        return v in idx.measures or f.raw in idx.bare
    if kind == "date":
        return _date_ok(v, idx)
    if kind == "time":
        return any(t in idx.times for t in v)
    if kind == "phone":
        return _phone_ok(v, idx)
    if kind == "email":
        return v in idx.emails
    if kind == "url":
        return v in idx.urls or ("/" not in v and v in idx.hosts)
    if kind == "handle":
        return v in idx.handles
    return True


def name_supported(name: Name, idx: FactIndex) -> bool:
    """The CSV (``idx``) holds ``name``, allowing for a generic head and a capitalised first word."""
    tokens = [w for t in name.tokens for w in _SUBWORD.findall(t) if w not in CONNECTORS]
    if not tokens or all(t in COMMON for t in tokens):
        return True
    content = [stem(t) for t in tokens]

    def ok(seq: list[str]) -> bool:
        if len(seq) == 1:
            return idx.has_stem(seq[0])
        if idx.has_sequence(seq, across_clauses=name.quoted):
            return True
        return seq[0] in HEADS and ok(seq[1:])

    if ok(content):
        return True
    parts = _split_list(name.tokens)
    if len(parts) > 1 and all(ok([stem(t) for t in p]) if len(p) > 1 else p[0] in idx.cap_vocab
                              for p in parts):
        return True  # "Oratoria y Comunicación Efectiva e Inteligencia Emocional": a list of names
    if name.initial and len(content) >= 2:
        rest = content[1:]
        if tokens[0] in COMMON and (len(rest) < 2 or ok(rest)):
            return True
        if tokens[0] in idx.lower_vocab and len(rest) >= 2 and ok(rest):
            return True
    if name.heading and all(idx.has_stem(c) for c in content):
        return True
    return False


def _split_list(tokens: tuple[str, ...]) -> list[list[str]]:
    """Content words of a run, split at the list conjunctions it holds."""
    parts: list[list[str]] = [[]]
    for t in tokens:
        if t in _LIST_JOINERS:
            parts.append([])
        else:
            parts[-1].extend(w for w in _SUBWORD.findall(t) if w not in CONNECTORS)
    return [p for p in parts if p]


def _name_start(name: Name) -> int:
    """Where the name proper starts: after an ordinary capitalised first word ("Ofrecemos el ...")."""
    if name.initial and name.starts and name.tokens[0] in COMMON:
        for tok, start in zip(name.tokens[1:], name.starts[1:]):
            if tok not in CONNECTORS:
                return start
    return name.start


def _describe(f: Fact, idx: FactIndex) -> str:
    kind = f.kind
    if kind == "amount":
        value = f.value[0]
        near = sorted({a for a, _ in idx.amounts}, key=lambda a: abs(a - value))[:3]
        hint = ", ".join(f"{a:g}" for a in near)
        return f"amount {f.text!r} is not in the CSV" + (f" (closest there: {hint})" if hint else "")
    label = {"number": "number", "percent": "percentage", "duration": "duration", "date": "date",
             "time": "time", "measure": "measure", "phone": "phone number", "email": "e-mail", "url": "URL",
             "handle": "social handle"}.get(kind, kind)
    return f"{label} {f.text!r} is not in the CSV"


def check_unsupported_fact(question: str, answer: str, facts: FactIndex) -> list[Finding]:
    """Facts and names of ``answer`` that neither ``facts`` nor ``question`` hold."""
    asked = FactIndex.from_texts([question]) if question else FactIndex()
    findings: list[Finding] = []
    stated = extract_facts(answer)
    for f in stated:
        if not (fact_supported(f, facts) or fact_supported(f, asked)):
            findings.append(Finding("unsupported_fact", f.start, f.end, f.text, _describe(f, facts)))
    judged: dict[tuple, bool] = {}
    for name in extract_names(answer):
        key = (name.tokens, name.initial, name.heading)
        if key not in judged:
            judged[key] = name_supported(name, facts) or name_supported(name, asked)
        if not judged[key]:
            start = _name_start(name)
            text = answer[start:name.end]
            findings.append(Finding("unsupported_fact", start, name.end, text, f"name {text!r} is not in the CSV"))
    flagged = {(f.start, f.end) for f in findings}
    for found in (_contradictions(answer, stated), _misattributed(answer, stated, facts, asked)):
        findings.extend(f for f in found if (f.start, f.end) not in flagged)
        flagged |= {(f.start, f.end) for f in found}
    findings.sort(key=lambda x: x.start)
    return findings


def _misattributed(answer: str, stated: list[Fact], idx: FactIndex, asked: FactIndex) -> list[Finding]:
    """Facts a sentence takes from another retrieved row than the one it is about (see the module
    docstring); only for an index built row by row (:attr:`FactIndex.rows`)."""
    if len(idx.rows) < 2:
        return []
    folded = shadow(answer)
    out: list[Finding] = []
    for start, end in sentences(answer):
        inside = [f for f in stated if start <= f.start and f.end <= end]
        if not inside:
            continue
        content = {stem(m.group()) for m in words(folded[start:end])
                   if m.group() not in CONNECTORS and m.group() not in COMMON and not m.group().isdigit()
                   and not any(f.start <= start + m.start() < f.end for f in inside)}
        subject = {s for s in content if asked.has_stem(s)}  # what was asked about, not what came with the fact
        scores = _row_scores(subject, idx.rows)
        if max(scores) == 0:
            scores = _row_scores(content, idx.rows)
        if max(scores) == 0:
            continue  # about no retrieved row in particular: the plain check judges it
        about = [r for r, score in zip(idx.rows, scores) if score == max(scores)]
        for f in inside:
            if not (any(fact_supported(f, r) for r in about) or fact_supported(f, asked)):
                out.append(Finding("unsupported_fact", f.start, f.end, f.text,
                                   f"{f.text!r} comes from another retrieved row than the one this sentence "
                                   "is about"))
    return out


def _row_scores(stems: set[str], rows: tuple[FactIndex, ...]) -> list[float]:
    """How much ``stems`` point to each row: a stem counts ``1 / n`` for each of the ``n`` rows holding it."""
    held = [[r.has_stem(s) for r in rows] for s in stems]
    return [sum(has[i] / sum(has) for has in held if has[i]) for i in range(len(rows))]


def _contradictions(answer: str, facts: list[Fact]) -> list[Finding]:
    """Facts of a sentence that an earlier sentence, the same once facts are
    masked, states differently (see the module docstring); ``facts`` are
    :func:`extract_facts` of ``answer``."""
    folded = shadow(answer)
    seen: dict[str, list[Fact]] = {}
    out: list[Finding] = []
    for start, end in sentences(answer):
        inside = [f for f in facts if start <= f.start and f.end <= end]
        if not inside:
            continue
        masked, cursor = [], start
        for f in inside:
            masked += [w.group() for w in words(folded[cursor:f.start])] + [f"<{f.kind}>"]
            cursor = f.end
        masked += [w.group() for w in words(folded[cursor:end])]
        if sum(not w.startswith("<") for w in masked) < 4:
            continue
        first = seen.setdefault(" ".join(masked), inside)
        for mine, theirs in zip(inside, first):
            if mine.value != theirs.value:
                out.append(Finding("unsupported_fact", mine.start, mine.end, mine.text,
                                   f"{mine.text!r} contradicts {theirs.text!r}, stated for the same thing "
                                   "in an earlier sentence"))
    return out
