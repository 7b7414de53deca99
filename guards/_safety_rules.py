"""The safety guard's rule file, compiled, and the text helpers its rules use.

:func:`load_rules` compiles ``guards/resources/safety_rules.json`` (see its
``about`` field) into a frozen :class:`SafetyRules`; :mod:`guards._safety`
combines them.  The helpers cut a text around a matched act: the clause
before it (:func:`clause_before`), the end of the last match of a list
(:func:`last_end`), a turn to a new request (:data:`TURN`) and a past
participle right after the act (:data:`PARTICIPLE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ._lexicon import compile_list, compile_pattern, load_json, union

PREFIX_CHARS = 60
"""How far before an act intent and protective framing are looked for."""


@dataclass(frozen=True)
class Act:
    """One category of harmful acts.

    Attributes:
        category: the name reported in the refusal reason ("fraud", ...).
        tier: ``"act"`` (harmful unless protected) or ``"intent"`` (also
            needs a request or evasion).
        patterns: compiled patterns over folded text.
        any: their :func:`guards._lexicon.union` (``None`` when they cannot be
            joined): no pattern matches where it does not.
    """

    category: str
    tier: str
    patterns: tuple[re.Pattern, ...]
    any: re.Pattern | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "any", union(self.patterns))


@dataclass(frozen=True)
class SafetyRules:
    """Compiled ``safety_rules.json``; field names follow the JSON keys."""

    acts: tuple[Act, ...]
    intent: tuple[re.Pattern, ...]
    purpose: tuple[re.Pattern, ...]
    protective: tuple[re.Pattern, ...]
    protective_after: tuple[re.Pattern, ...]
    negation: tuple[re.Pattern, ...]
    evasion_strong: tuple[re.Pattern, ...]
    evasion: tuple[re.Pattern, ...]
    cues: tuple[tuple[str, re.Pattern], ...]
    relabel: tuple[tuple[str, str, re.Pattern], ...] = ()
    report_clause: tuple[re.Pattern, ...] = ()
    report_subject: tuple[re.Pattern, ...] = ()
    protective_clause: tuple[re.Pattern, ...] = ()
    negated_purpose: tuple[re.Pattern, ...] = ()
    anonymous_report: tuple[re.Pattern, ...] = ()
    victim_report: tuple[re.Pattern, ...] = ()
    remedy: tuple[re.Pattern, ...] = ()
    victim_pretence: tuple[re.Pattern, ...] = ()
    self_protection: tuple[re.Pattern, ...] = ()


@lru_cache(maxsize=4)
def load_rules(name: str = "safety_rules.json") -> SafetyRules:
    """Compile a safety rule file from ``guards/resources/`` (cached)."""
    data = load_json(name)
    macros = data.get("macros", {})
    acts = tuple(Act(a["name"], a["tier"], compile_list(a["patterns"], f"{name}:{a['name']}", macros))
                 for a in data["acts"])
    lists = {key: compile_list(data[key], f"{name}:{key}", macros)
             for key in ("intent", "purpose", "protective", "protective_after", "negation",
                         "evasion_strong", "evasion")}
    lists.update({key: compile_list(data.get(key, []), f"{name}:{key}", macros)
                  for key in ("report_clause", "report_subject", "protective_clause", "negated_purpose",
                              "anonymous_report", "victim_report", "remedy", "victim_pretence", "self_protection")})
    cues = tuple((c["name"], compile_pattern(c["pattern"], f"{name}:cues", macros)) for c in data["cues"])
    relabel = tuple((r["from"], r["to"], compile_pattern(r["pattern"], f"{name}:relabel", macros))
                    for r in data.get("relabel", ()))
    return SafetyRules(acts=acts, cues=cues, relabel=relabel, **lists)


TURN = re.compile(r"\b(?:otra cosa|aparte|ademas|y tambien|de paso|por cierto|by the way|btw|also|another thing)\b")
"""A turn to a new request: a protective frame before it ("¿tienen curso de Python? otra cosa, ...")
does not govern what follows."""


PARTICIPLE = re.compile(r"d[ao]s?\b")


def clause_before(text: str, start: int) -> str:
    """The text of the clause before ``start``: from the last sentence break, at most 120 characters."""
    begin = max(max(text.rfind(c, 0, start) for c in ".!?;\n") + 1, start - 2 * PREFIX_CHARS, 0)
    return text[begin:start]


def last_end(patterns: tuple[re.Pattern, ...], text: str) -> int:
    """End offset of the last match of any pattern in ``text``; -1 when none."""
    end = -1
    for pattern in patterns:
        for m in pattern.finditer(text):
            end = max(end, m.end())
    return end
