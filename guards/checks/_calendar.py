"""Dates and clock times for the fact scanner (see ``_extract``).

Dates become ``(day, month, year)`` tuples with ``None`` for a part not
written; a numeric date whose day and month could be swapped keeps both
readings.  Times become minutes after midnight; a time written without
a.m./p.m. (``8:00``, ``a las 9``) keeps both readings, 08:00 and 20:00.
"""

from __future__ import annotations

import re
from typing import Any

from ._text import ENGLISH_MONTHS, MONTHS, SPANISH_MONTHS

_MER = r"(?:(a|p)\.?\s?m\.?(?!\w))"

DATE_ES = re.compile(
    rf"(?<![\w/.-])(\d{{1,2}})(?:o|ro|er)?\s+de\s+({SPANISH_MONTHS})(?![\w])"
    r"(?:,?\s+(?:de\s+|del\s+)?(?:ano\s+)?(\d{4})(?!\d))?")
DATE_EN1 = re.compile(rf"(?<![\w])({ENGLISH_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\w])(?:,?\s+(\d{{4}})(?!\d))?")
DATE_EN2 = re.compile(
    rf"(?<![\w/.-])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({ENGLISH_MONTHS})(?![\w])(?:,?\s+(\d{{4}})(?!\d))?")
DATE_NUM = re.compile(r"(?<![\w/.:-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|[.,]\d)")
DATE_ISO = re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-]|[.,]\d)")
MONTH_YEAR = re.compile(rf"(?<![\w])({SPANISH_MONTHS}|{ENGLISH_MONTHS})\s+(?:de\s+|del\s+|of\s+)?(\d{{4}})(?!\d)")
# English "may" and "march" are verbs too: alone, only the other months count.
MONTH_ALONE = re.compile(
    rf"(?<![\w])({SPANISH_MONTHS}|january|february|april|june|july|august|september|october|november|december)"
    r"(?![\w])")

TIME_PART = re.compile(r"(?<![\w:.,/])(\d{1,2})(?::(\d{2}))?\s+de\s+la\s+(manana|tarde|noche)(?!\w)")
TIME_CLOCK = re.compile(rf"(?<![\w:.,/])(\d{{1,2}})[:h](\d{{2}})(?!\d)(?:\s*(?:h|hrs|horas)(?!\w))?(?:\s*{_MER})?")
TIME_MER = re.compile(rf"(?<![\w:.,/])(\d{{1,2}})\s*{_MER}")
TIME_ALAS = re.compile(r"(?<!\w)a\s+las?\s+(\d{1,2})(?![\d:.,])(?:\s*(?:h|hrs|horas)(?!\w))?")

_DATE_NUM_HINT = re.compile(r"\d[/.-]\d{1,2}[/.-]\d")
_CLOCK_HINT = re.compile(r"\d[:h]\d")
_MER_HINT = re.compile(r"\d\s*[ap]\.?\s?m")


def _hour_alternatives(hour: int, minute: int, mer: str | None) -> tuple[int, ...]:
    if mer == "p" and hour < 12:
        hour += 12
    elif mer == "a" and hour == 12:
        hour = 0
    if mer is None and 1 <= hour <= 12:
        return (hour * 60 + minute, ((hour + 12) % 24) * 60 + minute)
    return (hour * 60 + minute,)


def _date(day: int | None, month: int | None, year: int | None) -> tuple | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    if year is not None and year < 100:
        year += 2000
    return (day, month, year)


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def scan_dates(sc: Any, digits: bool) -> None:
    """Dates: "15 de marzo de 2027", "March 15, 2027", "15/03/2027", "2027-03-15", "marzo de 2027", "marzo"."""
    s = sc.s
    months = any(name in s for name in MONTHS)
    for pattern, order in ((DATE_ES, "dmy"), (DATE_EN1, "mdy"), (DATE_EN2, "dmy")):
        if not (digits and months):
            break
        for m in pattern.finditer(s):
            if not sc.free(m.start(), m.end()):
                continue
            parts = dict(zip(order, m.groups()))
            d = _date(int(parts["d"]), MONTHS[parts["m"]], _int(parts["y"]))
            if d:
                sc.add("date", (d,), m.start(), m.end())
    for m in (DATE_NUM.finditer(s) if digits and _DATE_NUM_HINT.search(s) else ()):
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        alts = tuple(x for x in (_date(a, b, y), _date(b, a, y)) if x)
        if alts and sc.free(m.start(), m.end()):
            sc.add("date", alts, m.start(), m.end())
    for m in (DATE_ISO.finditer(s) if digits and "-" in s else ()):
        d = _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d and sc.free(m.start(), m.end()):
            sc.add("date", (d,), m.start(), m.end())
    if not months:
        return
    for m in (MONTH_YEAR.finditer(s) if digits else ()):
        if sc.free(m.start(), m.end()):
            sc.add("date", ((None, MONTHS[m.group(1)], int(m.group(2))),), m.start(), m.end())
    for m in MONTH_ALONE.finditer(s):
        word = m.group(1)
        if word in SPANISH_MONTHS.split("|") or sc.text[m.start()].isupper():
            if sc.free(m.start(), m.end()):
                sc.add("date", ((None, MONTHS[word], None),), m.start(), m.end())


def scan_times(sc: Any) -> None:
    """Clock times: "7:00 p.m.", "19:00", "7 pm", "10 de la noche", "a las 9"."""
    s = sc.s
    for m in (TIME_PART.finditer(s) if "de la" in s else ()):
        h, mi, part = int(m.group(1)), int(m.group(2) or 0), m.group(3)
        if h > 12 or mi > 59 or not sc.free(m.start(), m.end()):
            continue
        if part == "tarde" and h < 12 or part == "noche" and 6 <= h < 12:
            h += 12
        elif part == "noche" and h == 12:
            h = 0
        sc.add("time", (h * 60 + mi,), m.start(), m.end(), float(h))
    for pattern, hint in ((TIME_CLOCK, _CLOCK_HINT), (TIME_MER, _MER_HINT)):
        if not hint.search(s):
            continue
        for m in pattern.finditer(s):
            h = int(m.group(1))
            mi = int(m.group(2)) if pattern is TIME_CLOCK else 0
            mer = m.group(3) if pattern is TIME_CLOCK else m.group(2)
            if h > 24 or mi > 59 or (mer and h > 12) or not sc.free(m.start(), m.end()):
                continue
            sc.add("time", _hour_alternatives(h % 24, mi, mer), m.start(), m.end(), float(h))
    for m in (TIME_ALAS.finditer(s) if "a la" in s else ()):
        h = int(m.group(1))
        if h <= 24 and sc.free(m.start(1), m.end()):
            sc.add("time", _hour_alternatives(h % 24, 0, None), m.start(1), m.end(), float(h))
