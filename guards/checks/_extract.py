"""Find the checkable facts in a text: amounts, dates, times, phones, ...

:func:`extract_facts` returns every fact of a text with its span, in text
order, each normalised so that two ways of writing the same thing compare
equal (``S/ 1,200.00`` = ``1200 soles``; ``7:00 p.m.`` = ``19:00``;
``dos años`` = ``24 meses``; ``(084) 23-4567`` = ``084234567``).  The same
function reads the CSV (to build the index) and the answer (to check it).

Passes run from the most specific to the least (an e-mail before a number,
an amount before a bare number) and a character belongs to one fact only.
All patterns run on the folded shadow of the text (see ``_text.shadow``)
and are anchored with look-behinds, so every pass is linear in the text.
Dates and times live in ``_calendar``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._numbers import ARTICLE_NUMBERS, DIGITS, DIGITS_SPACED, NUMBER_WORDS_RE, WORDS_RUN, canon, number_value
from ._calendar import scan_dates, scan_times
from ._text import LIST_MARKER, shadow


@dataclass(frozen=True)
class Fact:
    """One fact found in a text.

    ``kind`` is one of ``url``, ``email``, ``handle``, ``date``, ``time``,
    ``amount``, ``percent``, ``phone``, ``duration``, ``measure``,
    ``number``; ``value`` is its normal form (see the module docstring); ``raw`` is the plain
    number as written, when there is one.
    """

    kind: str
    value: Any
    start: int
    end: int
    text: str
    raw: float | None = None


NUM = rf"(?:{DIGITS}|{WORDS_RUN})"

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?<![\w@/.-])(?:https?://|www\.)[^\s<>()\"'\u00ab\u00bb\u201c\u201d]+")
DOMAIN = re.compile(
    r"(?<![\w@/.-])(?:[a-z0-9-]+\.)+(?:com|pe|org|net|edu|gob|io|info|es|app|co|mx|ar|cl|us)"
    r"(?:\.[a-z]{2})?(?:/[^\s<>()\"'\u00ab\u00bb]*)?(?![\w-])")
HANDLE = re.compile(r"(?<![\w@.])@[a-z0-9_](?:[a-z0-9_.]*[a-z0-9_])?")

_CUR_PREFIX = r"(s/\.?|\$/\.?|us\$|usd|pen|eur|\u20ac|\$)"
_CUR_WORD = r"(soles|sol|dolares|dolar|dollars|dollar|usd|pen|euros|euro)"
AMOUNT_PRE = re.compile(rf"(?<![\w])(?:{_CUR_PREFIX})\s*({DIGITS_SPACED})(?!\d)")
# Anchor-first passes: find the unit ("soles", "%", "meses"), then the number
# just before it.  Far cheaper than trying every number at every position.
AMOUNT_WORD = re.compile(rf"{_CUR_WORD}(?![\w])")
PERCENT_SIGN = re.compile(r"%|por\s*ciento(?!\w)|percent(?!\w)|per\s+cent(?!\w)")
NUM_BEFORE_AMOUNT = re.compile(rf"(?<![\w.,])({DIGITS_SPACED}|{WORDS_RUN})\s*(?:de\s+)?(?:nuevos\s+)?$")
NUM_BEFORE_PERCENT = re.compile(rf"(?<![\w.,])({NUM})\s*$")
PHONE = re.compile(
    r"(?<![\w/.,:+-])(\+\d{1,3}[\s.-]?)?(\(\d{1,4}\)[\s.-]?)?\d{1,15}(?:[\s.-]\d{1,8}){0,4}(?![\w/]|:\d|[.,]\d)")
_UNIT = (r"(anos?|meses|mes|semanas?|dias?|horas?|hrs?|minutos?|min|semestres?|trimestres?|bimestres?|"
         r"years?|months?|weeks?|days?|hours?|minutes?|semesters?)")
UNIT_WORD = re.compile(rf"{_UNIT}(?![\w])")
NUM_BEFORE_UNIT = re.compile(rf"(?<![\w.,])({NUM}|medio|media|un|una|one)\s+(?:(?:mas|more)\s+)?$")
# measure unit -> (class, factor): millimetres, milligrams, millilitres, square metres, degrees Celsius
_MEASURES = {word: (cls, factor) for cls, factor, words in (
    ("len", 1_000_000, "km kilometro kilometer kilometre"),
    ("len", 1000, "m mt mts metro meter metre msnm m.s.n.m"),
    ("len", 10, "cm centimetro centimeter"),
    ("len", 1, "mm milimetro"),
    ("mass", 1_000_000_000, "tonelada ton"),
    ("mass", 1_000_000, "kg kgs kilo kilogramo kilogram"),
    ("mass", 1000, "g gr grs gramo gram"),
    ("mass", 1, "mg miligramo"),
    ("vol", 1000, "litro liter litre lt lts"),
    ("vol", 1, "ml mililitro"),
    ("area", 10_000, "hectarea hectare"),
    ("area", 1, "m2 m\u00b2"),
    ("temp", 1, "c grado degree"),
) for word in words.split()}

_MEASURE_SPECIAL = (r"m\.s\.n\.m\.?", r"[\u00b0\u00ba] ?c", r"grados? (?:centigrados|celsius)",
                    r"degrees? (?:celsius|c)")
"""Units the table spells differently: with dots, after a degree sign, or two words."""
_MEASURE_UNIT = "(" + "|".join(
    [*_MEASURE_SPECIAL] + [re.escape(w) + ("s?" if len(w) >= 3 and w.isalpha() else "")
                           for w in sorted(_MEASURES, key=len, reverse=True)
                           if w not in ("c", "grado", "degree", "m.s.n.m")]) + ")"
"""The unit alternation, derived from :data:`_MEASURES` (longest first; words of 3+ letters take a plural s)."""
MEASURE_UNIT = re.compile(rf"(?<=[\d\s]){_MEASURE_UNIT}(?![\w\u00b2])")
NUM_BEFORE_MEASURE = re.compile(rf"(?<![\w.,/:@$])(-\s?)?({DIGITS}|{WORDS_RUN})\s?$")
RANGE_HEAD = re.compile(rf"(?<![\w.,])({NUM})\s*(?:-|\u2013|a|al|y|o|hasta|to|or|and)\s*$")
NUMBER = re.compile(rf"(?<![\w.,/:@$-])({DIGITS})(?![\w\u00b0\u00ba]|[.,]\d)")

_DIGIT = re.compile(r"\d")
_TLD_HINT = re.compile(r"\.(?:com|pe|org|net|edu|gob|io|info|es|app|co|mx|ar|cl|us)\b")
_PHONE_HINT = re.compile(r"\d(?:[\s().+-]{0,2}\d){5}")

_CURRENCY = {"s/": "PEN", "s/.": "PEN", "soles": "PEN", "sol": "PEN", "pen": "PEN",
             "$": "USD", "$/": "USD", "$/.": "USD", "us$": "USD", "usd": "USD", "dolares": "USD",
             "dolar": "USD", "dollars": "USD", "dollar": "USD",
             "\u20ac": "EUR", "eur": "EUR", "euros": "EUR", "euro": "EUR"}
# unit -> (class, factor): months, days, minutes
_UNITS = {"ano": ("m", 12), "year": ("m", 12), "semestre": ("m", 6), "semester": ("m", 6),
          "trimestre": ("m", 3), "bimestre": ("m", 2), "mes": ("m", 1), "month": ("m", 1),
          "semana": ("d", 7), "week": ("d", 7), "dia": ("d", 1), "day": ("d", 1),
          "hora": ("t", 60), "hour": ("t", 60), "hr": ("t", 60), "minuto": ("t", 1),
          "minute": ("t", 1), "min": ("t", 1)}


def _measure(unit: str) -> tuple[str, float]:
    w = unit.split()[0].rstrip(".").lstrip("\u00b0\u00ba").strip() or "c"
    if w not in _MEASURES and w.endswith("s"):
        w = w[:-1]
    return _MEASURES.get(w, ("len", 1))


def _unit(word: str) -> tuple[str, int]:
    w = word
    if w == "meses":
        w = "mes"
    elif w.endswith("s") and w[:-1] in _UNITS:
        w = w[:-1]
    return _UNITS[w]


class _Scanner:
    """Runs the passes over one text, keeping track of used characters."""

    def __init__(self, text: str):
        self.text = text
        self.s = shadow(text)
        self.used = bytearray(len(text))
        self.facts: list[Fact] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.used[start:end])

    def add(self, kind: str, value: Any, start: int, end: int, raw: float | None = None) -> None:
        self.used[start:end] = b"\x01" * (end - start)
        self.facts.append(Fact(kind, value, start, end, self.text[start:end], raw))

    def run(self) -> list[Fact]:
        s = self.s
        # Cheap substring tests first: most passes cannot match most texts.
        digits = _DIGIT.search(s) is not None
        if "@" in s:
            for m in EMAIL.finditer(s):
                end = m.end() - len(m.group()) + len(m.group().rstrip("."))
                self.add("email", s[m.start():end], m.start(), end)
        if "." in s:
            for pattern in (URL, DOMAIN):
                if pattern is URL and "www." not in s and "http" not in s:
                    continue
                if pattern is DOMAIN and not _TLD_HINT.search(s):
                    continue
                for m in pattern.finditer(s):
                    raw = m.group().rstrip(".,;:!?)]}")
                    if self.free(m.start(), m.start() + len(raw)) and "." in raw:
                        self.add("url", normalise_url(raw), m.start(), m.start() + len(raw))
        if "@" in s:
            for m in HANDLE.finditer(s):
                if self.free(m.start(), m.end()):
                    self.add("handle", m.group(), m.start(), m.end())
        scan_dates(self, digits)
        if digits or any(w in s for w in ("sol", "dolar", "dollar", "usd", "pen", "euro")):
            self._amounts(digits)
        for start, end, num, _ in self._anchored(PERCENT_SIGN, NUM_BEFORE_PERCENT):
            v = number_value(num)
            if v is not None:
                self.add("percent", canon(v), start, end, canon(v))
        if digits:
            scan_times(self)
            if _PHONE_HINT.search(s):
                self._phones()
        self._measures(digits)
        self._durations()
        self._numbers(digits)
        self.facts.sort(key=lambda f: f.start)
        return self.facts

    def _amounts(self, digits: bool) -> None:
        s = self.s
        prefixed = digits and ("/" in s or "$" in s or "\u20ac" in s or "usd" in s or "pen" in s or "eur" in s)
        for m in (AMOUNT_PRE.finditer(s) if prefixed else ()):
            v = number_value(m.group(2))
            if v is not None and self.free(m.start(), m.end()):
                self.add("amount", (canon(v), _CURRENCY.get(m.group(1), "")), m.start(), m.end(), canon(v))
        for start, end, num, anchor in self._anchored(AMOUNT_WORD, NUM_BEFORE_AMOUNT):
            v = number_value(num)
            if v is not None:
                self.add("amount", (canon(v), _CURRENCY.get(anchor.group(1), "")), start, end, canon(v))

    def _phones(self) -> None:
        for m in PHONE.finditer(self.s):
            raw = m.group()
            digits = re.sub(r"\D", "", raw)
            groups = re.findall(r"\d+", raw)
            if not 6 <= len(digits) <= 15 or not self.free(m.start(), m.end()):
                continue
            if not ("(" in raw or "+" in raw or len(groups) >= 2 or len(digits) >= 8):
                continue
            if len(groups) == 2 and all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
                continue  # a span of years, 2026-2027
            self.add("phone", normalise_phone(digits), m.start(), m.end())

    def _anchored(self, anchor: re.Pattern, before: re.Pattern, window: int = 60):
        """(start, end, number text) of "<number> <anchor>" spans still free."""
        s = self.s
        for a in anchor.finditer(s):
            if a.start() and (s[a.start() - 1].isalnum() or s[a.start() - 1] == "_") and a.group() != "%":
                continue
            m = before.search(s, max(0, a.start() - window), a.start())
            if m and self.free(m.start(), a.end()):
                yield m.start(), a.end(), m.group(1), a

    def _measures(self, digits: bool) -> None:
        """"5,350 m", "4.9 km", "230 g", "-15 °C", "dos litros": a quantity with a unit of
        length, mass, volume, area or temperature, normalised to millimetres, milligrams, millilitres,
        square metres or degrees (the sign kept for degrees only)."""
        s = self.s
        for unit in MEASURE_UNIT.finditer(s):  # unit first, then the number just before it
            m = NUM_BEFORE_MEASURE.search(s, max(0, unit.start() - 40), unit.start())
            if not m or not self.free(m.start(), unit.end()) or (not digits and not m.group(2)[:1].isalpha()):
                continue
            v = number_value(m.group(2))
            if v is None:
                continue
            cls, factor = _measure(unit.group(1))
            sign = -1.0 if m.group(1) and cls == "temp" else 1.0
            start = m.start(1) if m.group(1) and cls == "temp" else m.start(2)
            self.add("measure", (cls, canon(sign * v * factor)), start, unit.end(), canon(v))

    def _durations(self) -> None:
        s = self.s
        for start, end, word, anchor in list(self._anchored(UNIT_WORD, NUM_BEFORE_UNIT)):
            if not self.free(start, end):
                continue
            if word in ARTICLE_NUMBERS:
                v = 1.0
            elif word in ("medio", "media"):
                v = 0.5
            else:
                v = number_value(word)
            if v is None:
                continue
            cls, factor = _unit(anchor.group(1))
            head = RANGE_HEAD.search(s, max(0, start - 30), start)
            if head and self.free(head.start(1), head.end(1)):
                hv = number_value(head.group(1))
                if hv is not None:
                    self.add("duration", (cls, canon(hv * factor)), head.start(1), head.end(1), canon(hv))
            self.add("duration", (cls, canon(v * factor)), start, end, canon(v))

    def _numbers(self, digits: bool) -> None:
        s = self.s
        for m in (NUMBER.finditer(s) if digits else ()):
            if not self.free(m.start(), m.end()):
                continue
            marker = LIST_MARKER.match(s, s.rfind("\n", 0, m.start()) + 1)
            if marker and marker.end() > m.start():
                continue  # "1." / "2)" list marker
            v = parse_number(m.group())
            if v is not None:
                self.add("number", v, m.start(), m.end(), v)
        for m in NUMBER_WORDS_RE.finditer(s):
            word = m.group()
            if word in ARTICLE_NUMBERS or word == "once" or not self.free(m.start(), m.end()):
                continue
            v = number_value(word)
            if v is not None:
                self.add("number", canon(v), m.start(), m.end(), canon(v))


def parse_number(literal: str) -> float | None:
    v = number_value(literal)
    return canon(v) if v is not None else None


def normalise_url(url: str) -> str:
    """``https://www.X.pe/a/`` -> ``x.pe/a``."""
    return re.sub(r"^www\.", "", re.sub(r"^https?://", "", url.lower())).rstrip("/")


def normalise_phone(digits: str) -> str:
    """Digits without country code 51 and without leading zeros."""
    if len(digits) >= 11 and digits.startswith("51"):
        digits = digits[2:]
    return digits.lstrip("0") or digits


def extract_facts(text: str) -> list[Fact]:
    """Every fact of ``text`` in text order (see the module docstring)."""
    return _Scanner(text).run()
