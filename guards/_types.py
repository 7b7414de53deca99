"""Result records and the one contract every guard shares.

Every input check (topic, safety, injection, and the chain of them) implements
``check(text) -> Verdict``.  Every answer check is a pure function
``(question, answer, facts) -> list[Finding]``; the output guard gathers them
into an :class:`OutputVerdict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Verdict:
    """The decision of one input check.

    Attributes:
        allowed: ``True`` when the text may reach the model.
        guard: name of the check that decided (``"topic"``, ``"safety"``,
            ``"injection"``, ``"error"`` ...).
        score: higher means more clearly in-domain / benign; comparable only
            within one guard.
        reason: one human-readable line explaining the decision.
    """

    allowed: bool
    guard: str
    score: float
    reason: str


@runtime_checkable
class Check(Protocol):
    """An input check: topic, safety, injection, or a chain of them."""

    name: str

    def check(self, text: str) -> Verdict:  # pragma: no cover - protocol
        ...


@dataclass(frozen=True)
class Finding:
    """One problem an answer check found in a generated answer.

    Attributes:
        kind: one of ``repetition``, ``unsupported_fact``, ``stray_token``,
            ``truncated``, ``refusal``, ``no_direct_answer`` (the answer
            checks), or ``ungrounded`` (the guarded model's grounding check).
        start: offset of the offending span in the answer (characters).
        end: end offset (exclusive) of the span.
        text: the offending text itself (``answer[start:end]``).
        detail: one human line: what is wrong and, where it applies, what the
            CSV says instead.
    """

    kind: str
    start: int
    end: int
    text: str
    detail: str


@dataclass(frozen=True)
class OutputVerdict:
    """The output guard's decision on one answer.

    Attributes:
        allowed: ``True`` when the answer may be shown as it is.
        findings: every finding, in answer order.
        reason: one human line summarising the findings.
    """

    allowed: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    reason: str = ""

    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}
