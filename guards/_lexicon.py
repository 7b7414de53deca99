"""Data files under ``guards/resources/`` and the weighted-pattern machinery.

The input guards keep their vocabulary in data, not code:

* ``homoglyphs.json``: lookalike letter -> Latin letter (used by normalisation).
* ``common_words.txt``: frequent Spanish/English words, folded, used to tell
  text from noise (ROT13 / reversal detection, re-splitting spaced letters).
* ``injection_rules.json`` and ``safety_rules.json``: pattern *families*.
* ``safety_harmful.txt``, ``safety_benign.txt``, ``harm_words.txt`` and
  ``safety_stopwords.txt``: the safety word model (``guards/_safety_model.py``).

:func:`fold` gives the *folded* form (lower case, no accents, one blank
between words, line breaks kept) every rule is written against.  A pattern
list is compiled from JSON strings that may use these macros, expanded before
compiling (plus ``{NAME}`` data macros a rule file defines itself):

``{AR}`` ``{ER}`` ``{IR}``
    Spanish verb endings a requester uses (infinitive, 1st person, impersonal
    3rd singular, gerund, future/conditional), each with an optional enclitic
    pronoun: ``mat{AR}`` matches ``matar``, ``mato``, ``matarlo``, ``matarla``.
    Third person plural is left out on purpose: "qué hacer si *roban*" is about
    someone else.
``{ARX}``
    ``{AR}`` without the ``-o``/``-a`` forms, for verbs whose first person is
    also a noun (``robo``, ``asalto``, ``incendio``); rules then match those
    forms separately, behind ``{NV}`` ("not after a determiner"), a data macro.
``{EN}``
    English present and gerund endings: ``kill{EN}`` matches kill, kills,
    killing; the past (killed, hacked) is left out because it narrates.

Every expansion is a bounded alternation, so every compiled pattern stays
linear in the input length.  Loaded data is cached read-only per process.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent / "resources"
"""Directory holding every guard data file."""

_CLITIC = r"(?:l[oae]s?|me|te|se|nos|selo|sela|selos|selas|melo|mela)?"
MACROS = {
    "{AR}": r"(?:ar|o|e|a|as|amos|emos|ando|are|aria|aras|aste)" + _CLITIC,
    "{ARX}": r"(?:ar|e|as|amos|emos|ando|are|aria|aras|aste)" + _CLITIC,
    "{ER}": r"(?:er|o|a|as|e|es|emos|amos|iendo|ere|eria|iste)" + _CLITIC,
    "{IR}": r"(?:ir|o|a|as|e|es|imos|amos|iendo|ire|iria|iste)" + _CLITIC,
    "{EN}": r"(?:s|es|ing)?",
}


@dataclass(frozen=True)
class Family:
    """One documented family of weighted patterns.

    Attributes:
        name: short identifier, used in verdict reasons.
        weight: contribution to the risk when the family matches (see the
            guard that uses it for how several matches add up).
        about: what the family catches, in one line.
        patterns: compiled patterns over folded text.
        any: their :func:`union` (``None`` when they cannot be joined): no
            pattern matches where it does not.
    """

    name: str
    weight: float
    about: str
    patterns: tuple[re.Pattern, ...]

    any: re.Pattern | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "any", union(self.patterns))


def expand(pattern: str, extra: Mapping[str, str] | None = None) -> str:
    """Replace the macros of :data:`MACROS`, then ``{NAME}`` data macros from ``extra``."""
    for name, body in (extra or {}).items():
        pattern = pattern.replace("{" + name + "}", body)
    for macro, body in MACROS.items():
        pattern = pattern.replace(macro, body)
    return pattern


def compile_pattern(pattern: str, where: str = "", extra: Mapping[str, str] | None = None) -> re.Pattern:
    """Compile one macro pattern; a broken one raises with its location."""
    try:
        return re.compile(expand(pattern, extra))
    except re.error as exc:
        raise ValueError(f"bad pattern in {where}: {pattern!r}: {exc}") from exc


def compile_families(entries: list[dict], where: str,
                     extra: Mapping[str, str] | None = None) -> tuple[Family, ...]:
    """Build :class:`Family` records from JSON objects
    ``{"name", "weight", "about", "patterns"}`` (``weight`` defaults to 1)."""
    families = []
    for entry in entries:
        patterns = tuple(compile_pattern(p, f"{where}:{entry['name']}", extra) for p in entry["patterns"])
        families.append(Family(entry["name"], float(entry.get("weight", 1.0)),
                                entry.get("about", ""), patterns))
    return tuple(families)


def compile_list(patterns: list[str], where: str,
                 extra: Mapping[str, str] | None = None) -> tuple[re.Pattern, ...]:
    """Compile a plain list of macro patterns."""
    return tuple(compile_pattern(p, where, extra) for p in patterns)


def union(patterns: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """One pattern that matches where any of ``patterns`` does: a quick test before running each of them
    (one scan in C instead of one call per pattern: 0.58 -> 0.35 ms per probe text over the safety acts and
    injection families, ``bench/guard_speed.py``).  ``None`` when they cannot be joined (differing flags,
    inline global flags)."""
    if not patterns or len({p.flags for p in patterns}) > 1:
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None


def any_search(patterns: tuple[re.Pattern, ...], text: str) -> re.Match | None:
    """The first match of any of ``patterns`` in ``text``, or ``None``."""
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return m
    return None


@lru_cache(maxsize=None)
def load_json(name: str) -> Mapping:
    """Parsed ``resources/<name>`` (cached; treat as read-only)."""
    with open(RESOURCES / name, encoding="utf-8") as fh:
        data = json.load(fh)
    log.debug("loaded %s", name)
    return data


@lru_cache(maxsize=1)
def homoglyphs() -> Mapping[str, str]:
    """Lookalike letter -> Latin letter."""
    return MappingProxyType(dict(load_json("homoglyphs.json")["map"]))


@lru_cache(maxsize=1)
def word_set() -> frozenset[str]:
    """Frequent folded Spanish/English words."""
    words: set[str] = set()
    with open(RESOURCES / "common_words.txt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                words.update(line.split())
    return frozenset(words)


_BLANKS = re.compile(r"[^\S\n]+")
_LINE_BREAKS = re.compile(r" ?\n\s*")


def fold(text: str) -> str:
    """Matching form: case-folded, accents stripped (``ñ`` -> ``n``), blanks
    collapsed to one space, line breaks kept (one ``\\n``) for line-start rules."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _LINE_BREAKS.sub("\n", _BLANKS.sub(" ", text)).strip()
