"""Numbers as people write them: digits with any separator, and words.

``parse_digits("S/ 1,200.00")``-style literals and Spanish/English number
words (``"mil doscientos"`` -> 1200, ``"twenty-one"`` -> 21) are turned into
plain floats so that ``1,200.00``, ``1200``, ``1 200`` and ``mil doscientos``
compare equal.  Input to :func:`words_value` is folded text (see
:func:`guards.checks._text.shadow`).
"""

from __future__ import annotations

import re

_UNITS = {
    "cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
    "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veintiuno": 21, "veintiuna": 21, "veintiun": 21,
    "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
    "setenta": 70, "ochenta": 80, "noventa": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_HUNDREDS = {
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200,
    "trescientos": 300, "trescientas": 300, "cuatrocientos": 400,
    "cuatrocientas": 400, "quinientos": 500, "quinientas": 500,
    "seiscientos": 600, "seiscientas": 600, "setecientos": 700,
    "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
    "novecientos": 900, "novecientas": 900,
}
_SCALES = {"mil": 1000, "thousand": 1000, "millon": 1_000_000, "millones": 1_000_000,
           "million": 1_000_000}
_JOINERS = {"y", "and"}

NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_HUNDREDS) | frozenset(_SCALES) | {"hundred"}
# Words that are a number only before a unit ("un año", "una semana").
ARTICLE_NUMBERS = frozenset({"un", "una", "uno", "one", "a"})

_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# A run of number words: "mil doscientos", "treinta y dos", "twenty-one".
WORDS_RUN = rf"(?:{_ALT})(?![\w])(?:(?:[ -]|\s+(?:y|and)\s+)(?:{_ALT})(?![\w]))*"
NUMBER_WORDS_RE = re.compile(rf"(?<![\w-])(?:{WORDS_RUN})(?![\w])")


def _kind(tok: str) -> str:
    if tok in _UNITS:
        return "unit" if _UNITS[tok] < 10 else "teen"
    if tok in _TENS:
        return "tens"
    if tok in _HUNDREDS:
        return "hundreds"
    if tok == "hundred":
        return "hundred"
    if tok in _SCALES:
        return "scale"
    if tok in _JOINERS:
        return "joiner"
    return ""


# Which kind of word may follow which: "treinta y dos", "doscientos veinte",
# "mil doscientos", "one hundred and five", "twenty-one"; not "un diez".
_NEXT = {
    "": {"unit", "teen", "tens", "hundreds", "hundred", "scale"},
    "unit": {"hundred", "scale"},
    "teen": {"hundred", "scale"},
    "tens": {"unit", "joiner", "scale", "hundred"},
    "hundreds": {"unit", "teen", "tens", "scale"},
    "hundred": {"unit", "teen", "tens", "joiner", "scale"},
    "scale": {"unit", "teen", "tens", "hundreds", "scale"},
    "joiner": {"unit", "teen", "tens"},
}


def words_value(phrase: str) -> float | None:
    """Value of a folded run of number words, or ``None`` when it is not one number."""
    tokens = [t for t in re.split(r"[\s-]+", phrase.strip()) if t]
    if not tokens:
        return None
    total = current = 0
    last = ""
    for tok in tokens:
        kind = _kind(tok)
        if not kind or kind not in _NEXT[last]:
            return None
        if kind in ("unit", "teen"):
            current += _UNITS[tok]
        elif kind == "tens":
            current += _TENS[tok]
        elif kind == "hundreds":
            current += _HUNDREDS[tok]
        elif kind == "hundred":
            current = max(current, 1) * 100
        elif kind == "scale":
            total += max(current, 1) * _SCALES[tok]
            current = 0
        last = kind
    if last == "joiner":
        return None
    return float(total + current)


# Digits with optional thousands groups and decimals: 1200, 1,200.00, 1.200,
# 22.5, 3,5.  Spaces as thousands separators are handled by the callers that
# know the context (amounts).
DIGITS = r"\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
DIGITS_SPACED = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"


def parse_digits(literal: str) -> float | None:
    """Value of a digit literal (``"1,200.00"`` -> 1200.0), or ``None``."""
    s = literal.replace("\u00a0", " ").strip()
    if not s:
        return None
    groups = re.split(r"[,. ]", s)
    seps = re.findall(r"[,. ]", s)
    try:
        if not seps:
            return float(s)
        if len(groups[-1]) in (1, 2) and seps[-1] in ",.":
            # last separator is a decimal mark
            whole = "".join(groups[:-1])
            return float(f"{whole}.{groups[-1]}")
        if len(seps) == 1 and len(groups[-1]) != 3:
            return float(f"{groups[0]}.{groups[1]}")
        return float("".join(groups))
    except ValueError:
        return None


MAX_NUMBER_WORDS = 12
"""Longest run of words read as one number ("dos mil trescientos cuarenta y cinco" is 6): a longer
run is a list, and only its tail can be the number, which keeps a long run linear to read."""


def number_value(literal: str) -> float | None:
    """Value of a folded digit literal or run of number words.

    ``"dos y tres"`` (two numbers, not one) gives the last one, 3.
    """
    literal = literal.strip()
    if not literal:
        return None
    if literal[0].isdigit():
        return parse_digits(literal)
    tokens = literal.split()
    for i in range(max(0, len(tokens) - MAX_NUMBER_WORDS), len(tokens)):
        # "un diez" is 10, "dos y tres" is 3: the longest tail that is one number
        value = words_value(" ".join(tokens[i:]))
        if value is not None:
            return value
    return None


def canon(value: float) -> float:
    """Rounded value used for comparison."""
    return round(value, 2)
