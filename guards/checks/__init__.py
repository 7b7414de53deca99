"""Answer checks: pure functions over (question, answer, facts of the CSV).

Every check has the signature ``check(question, answer, facts) ->
list[Finding]`` and never looks outside its arguments, so the same code
scores probe answers offline and guards answers at inference.  ``facts`` is
a :class:`FactIndex` built once from the CSV rows, or from the retrieved
subset of rows of a grounded prompt.

:data:`CHECKS` is the one registry of every check, keyed by the finding
kind it reports.  :func:`run_checks` runs them all.

Modules, one per check family: ``repetition`` (loops), ``facts``
(``unsupported_fact``, with the index in ``_index`` and the extractors in
``_extract``, ``_calendar``, ``_numbers``, ``_names``), ``surface``
(``stray_token``, ``truncated``), ``answering`` (``refusal``,
``no_direct_answer``); shared text helpers in ``_text``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping

from .._types import Finding
from .answering import asked_values, check_no_direct_answer, check_refusal
from .facts import FactIndex, check_unsupported_fact
from .repetition import check_repetition
from .surface import check_stray_token, check_truncated

CheckFn = Callable[[str, str, FactIndex], list[Finding]]

CHECKS: Mapping[str, CheckFn] = MappingProxyType({
    "repetition": check_repetition,
    "unsupported_fact": check_unsupported_fact,
    "stray_token": check_stray_token,
    "truncated": check_truncated,
    "refusal": check_refusal,
    "no_direct_answer": check_no_direct_answer,
})

KINDS: tuple[str, ...] = tuple(CHECKS)


def run_checks(question: str, answer: str, facts: FactIndex) -> list[Finding]:
    """Every check's findings on ``answer``, in answer order (exceptions propagate)."""
    found: list[Finding] = []
    for check in CHECKS.values():
        found.extend(check(question, answer, facts))
    found.sort(key=lambda f: (f.start, f.end, f.kind))
    return found


__all__ = [
    "CHECKS", "KINDS", "CheckFn", "FactIndex", "Finding", "asked_values", "check_no_direct_answer",
    "check_refusal", "check_repetition", "check_stray_token", "check_truncated",
    "check_unsupported_fact", "run_checks",
]
