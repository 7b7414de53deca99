"""The output guard: every answer check on one generated answer.

``OutputGuard.from_csv("data/cenfobank.csv").check(question, answer)``
returns an :class:`OutputVerdict`.  The answer is blocked (``allowed`` is
False) on any ``repetition``, ``unsupported_fact``, ``stray_token``,
``truncated`` or ``no_direct_answer`` finding; a ``refusal`` is reported but
does not block by itself (it is right for an unsafe question).

For a grounded prompt pass ``rows=`` (the retrieved rows): facts are then
checked against those rows only.  The guard fails closed: a check that
raises gives a not-allowed verdict whose reason names it.  Finding offsets
index the answer exactly as given (a caller may cut a loop at the first
``repetition`` finding's start, or remove ``stray_token`` spans).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Iterable

from ._types import Finding, OutputVerdict
from .checks import CHECKS, FactIndex

log = logging.getLogger(__name__)

BLOCKING = frozenset({"repetition", "unsupported_fact", "stray_token", "truncated", "no_direct_answer"})
MAX_ANSWER_CHARS = 20_000


@dataclass(frozen=True)
class OutputGuard:
    """Runs :data:`guards.checks.CHECKS` against the facts of a CSV.

    Attributes:
        facts: the index of the whole CSV.
    """

    facts: FactIndex

    @classmethod
    def from_csv(cls, path: str | os.PathLike) -> "OutputGuard":
        """Guard for the CSV at ``path`` (read with ``harness._csvdata.load_qa_csv``)."""
        from harness._csvdata import load_qa_csv

        return cls(FactIndex.from_rows(load_qa_csv(path).rows))

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> "OutputGuard":
        """Guard for rows already loaded (``QARow`` objects or ``(q, a)`` pairs)."""
        return cls(FactIndex.from_rows(rows))

    def check(self, question: str, answer: str, *, rows: Iterable[Any] | None = None) -> OutputVerdict:
        """Judge ``answer`` to ``question``; ``rows`` restricts the facts to a retrieved subset."""
        try:
            question = question if isinstance(question, str) else str(question or "")
            answer = answer if isinstance(answer, str) else str(answer or "")
            facts = FactIndex.from_rows(rows, by_row=True) if rows is not None else self.facts
        except Exception as exc:  # noqa: BLE001 - fail closed on any input
            log.exception("output guard could not prepare the input")
            return OutputVerdict(False, (), f"error: could not prepare the check ({type(exc).__name__})")
        if len(answer) > MAX_ANSWER_CHARS:
            answer = answer[:MAX_ANSWER_CHARS]
        findings: list[Finding] = []
        for kind, check in CHECKS.items():
            try:
                found = check(question, answer, facts)
                if not isinstance(found, (list, tuple)) or not all(isinstance(f, Finding) for f in found):
                    raise TypeError(f"check returned {type(found).__name__}, not a list of Finding")
                findings.extend(found)
            except Exception as exc:  # noqa: BLE001 - fail closed
                log.exception("answer check %s failed", kind)
                findings.sort(key=lambda f: (f.start, f.end, f.kind))
                return OutputVerdict(False, tuple(findings),
                                     f"error: check {kind!r} failed ({type(exc).__name__}); answer blocked")
        findings.sort(key=lambda f: (f.start, f.end, f.kind))
        blocking = [f for f in findings if f.kind in BLOCKING]
        return OutputVerdict(not blocking, tuple(findings), _reason(findings, blocking))


def _reason(findings: list[Finding], blocking: list[Finding]) -> str:
    if not findings:
        return "ok: no problem found"
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    summary = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in counts.items())
    first = (blocking or findings)[0]
    head = "blocked" if blocking else "allowed"
    return f"{head}: {summary}; first: {first.detail}"
