"""Degeneration loops: the same word, phrase, sentence or list item again.

A small model at the end of its rope repeats itself until ``max_length``:
the seed's epoch-3 answer says the same sentence five times.  Normal answers
reuse words and names ("Cajero Bancario Profesional dura 6 meses. La
mensualidad de Cajero Bancario Profesional ...") and may, when two CSV rows
are joined, say one closing sentence twice; none of that is flagged.

Flagged:

* a word three or more times in a row ("muy muy muy");
* a phrase of 2-4 words three or more times in a row, or of 5+ words twice
  in a row ("muña, chincho, muña, chincho, muña, chincho");
* a sentence of four or more words three or more times anywhere;
* a list item twice in the same answer;
* a 10-word sequence three or more times anywhere.
"""

from __future__ import annotations

from .._types import Finding
from ._text import LIST_MARKER, sentences, shadow, words

MAX_PERIOD = 15
LONG_PERIOD = 5
SENTENCE_MIN_WORDS = 4
SENTENCE_MAX_COUNT = 2
NGRAM = 10
NGRAM_MAX_COUNT = 2


def _tandem(tokens: list[str]) -> list[tuple[int, int, int, int]]:
    """(start token, end token, period, copies) of back-to-back repeats."""
    found = []
    n = len(tokens)
    for p in range(1, min(MAX_PERIOD, n // 2) + 1):
        i = 0
        while i + p < n:
            if tokens[i] != tokens[i + p]:
                i += 1
                continue
            j = i
            while j + p < n and tokens[j] == tokens[j + p]:
                j += 1
            length = j - i + p  # tokens covered by the repeat
            copies = length // p
            needed = 2 if p >= LONG_PERIOD else 3
            if copies >= needed and not (p == 1 and tokens[i].isdigit()):
                found.append((i, i + copies * p, p, copies))
            i = j + 1
    return found


def _merge(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    for f in findings:
        if out and f.start < out[-1].end:
            if f.end > out[-1].end:
                prev = out[-1]
                out[-1] = Finding(prev.kind, prev.start, f.end, "", prev.detail)
            continue
        out.append(f)
    return out


def check_repetition(question: str, answer: str, facts: object = None) -> list[Finding]:
    """Loops in ``answer`` (see the module docstring); ``question`` and ``facts`` are unused."""
    s = shadow(answer)
    toks = list(words(s))
    tokens = [m.group() for m in toks]
    spans = [m.span() for m in toks]
    findings: list[Finding] = []
    for a, b, p, copies in _tandem(tokens):
        start, end = spans[a + p][0], spans[b - 1][1]  # the first copy is fine; the rest is the loop
        what = "word" if p == 1 else f"{p}-word phrase"
        findings.append(Finding("repetition", start, end, "",
                                f"{what} {' '.join(tokens[a:a + p])!r} repeated {copies} times in a row"))
    seen: dict[str, list[tuple[int, int]]] = {}
    for start, end in sentences(answer):
        key = " ".join(m.group() for m in words(s[start:end]))
        if key.count(" ") + 1 >= SENTENCE_MIN_WORDS:
            seen.setdefault(key, []).append((start, end))
    for key, where in seen.items():
        if len(where) > SENTENCE_MAX_COUNT:
            findings.append(Finding("repetition", where[1][0], where[-1][1], "",
                                    f"sentence repeated {len(where)} times: {key[:60]!r}"))
    items: dict[str, tuple[int, int]] = {}
    for m in LIST_MARKER.finditer(answer):
        line_end = answer.find("\n", m.end())
        line_end = len(answer) if line_end < 0 else line_end
        key = " ".join(w.group() for w in words(s[m.end():line_end]))
        if not key:
            continue
        if key in items:
            findings.append(Finding("repetition", m.end(), line_end, "", f"list item repeated: {key[:60]!r}"))
        else:
            items[key] = (m.end(), line_end)
    grams: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(tokens) - NGRAM + 1):
        gram = tuple(tokens[i:i + NGRAM])
        where = grams.setdefault(gram, [])
        if not where or i >= where[-1] + NGRAM:
            where.append(i)
    for gram, where in grams.items():
        if len(where) > NGRAM_MAX_COUNT:
            start, end = spans[where[1]][0], spans[where[-1] + NGRAM - 1][1]
            findings.append(Finding("repetition", start, end, "",
                                    f"{NGRAM}-word sequence repeated {len(where)} times: {' '.join(gram)[:60]!r}"))
    return [Finding(f.kind, f.start, f.end, answer[f.start:f.end], f.detail) for f in _merge(findings)]

