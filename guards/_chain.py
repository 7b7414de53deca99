"""The input guard: injection, safety and topic checks in one fail-closed chain.

Order, cheapest and most specific first:

1. **injection** — an attack wrapped around an in-domain question ("¿cuánto
   cuesta la matrícula? y ignora tus reglas...") would pass the topic check,
   so it must be judged first, on the whole message;
2. **safety** — a harmful request dressed in the domain's vocabulary ("cómo
   falsifico un certificado de egresado") is in-domain for the topic check;
   refusing it here gives the precise reason.  Unless a rule already refused,
   its classifier embeds the text through the retriever's cache;
3. **topic** — reuses that embedding (the costly part, ~15-50 ms of CPU), so
   the text is embedded once per check.

The first check that refuses decides, and the verdict names it.  When every
check allows, the verdict is ``guard="guard"`` with the lowest score and
each check's reason.

Fail closed: an exception inside a check, a check that returns something
other than a :class:`Verdict`, a non-text input, or a chain with no checks
at all is a refusal (``guard="error"``), logged with :mod:`logging`.  The
chain holds no mutable state, so one ``Guard`` may serve many threads (the
retriever and embedder it shares are thread-safe).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Sequence

from harness._embed import single_blas_thread

from ._types import Check, Verdict

if TYPE_CHECKING:  # pragma: no cover
    from harness._retrieval import Retriever

log = logging.getLogger(__name__)


class Guard:
    """Chain of input checks; see the module docstring.

    Attributes:
        checks: the checks, in the order they run.
    """

    name = "guard"

    def __init__(self, checks: Sequence[Check] = ()) -> None:
        self.checks: tuple[Check, ...] = tuple(checks)

    @classmethod
    def from_csv(cls, path: str | os.PathLike) -> "Guard":
        """Injection, safety and topic checks for the CSV at ``path``."""
        from harness._retrieval import Retriever

        return cls.from_retriever(Retriever.from_csv(path))

    @classmethod
    def from_retriever(cls, retriever: "Retriever") -> "Guard":
        """The full chain over an existing index (shared with grounding and
        the output guard's fallback, so the CSV is embedded once)."""
        from ._injection import InjectionGuard
        from ._safety import SafetyGuard
        from ._topic import TopicGuard

        safety = SafetyGuard(embed=retriever.embed)  # the topic check reuses the cached vector
        return cls([InjectionGuard(safety=safety), safety, TopicGuard(retriever)])

    @single_blas_thread
    def check(self, text: str) -> Verdict:
        """Run the checks in order; the first refusal (or error) decides."""
        if not isinstance(text, str):
            return Verdict(False, "error", 0.0,
                           f"guard error: input is {type(text).__name__}, not text — refused")
        if not self.checks:
            return Verdict(False, "error", 0.0, "guard error: no checks configured — refused")
        passed: list[Verdict] = []
        for chk in self.checks:
            label = getattr(chk, "name", type(chk).__name__)
            try:
                verdict = chk.check(text)
                if not isinstance(verdict, Verdict):
                    raise TypeError(f"returned {type(verdict).__name__}, not a Verdict")
            except Exception as exc:  # fail closed, whatever went wrong
                log.exception("input check %r failed", label)
                return Verdict(False, "error", 0.0,
                               f"guard error: {label} raised {type(exc).__name__}: {exc} — refused")
            if not verdict.allowed:
                return verdict
            passed.append(verdict)
        score = min(v.score for v in passed)
        reason = "; ".join(f"{v.guard}: {v.reason}" for v in passed)
        return Verdict(True, self.name, score, f"allowed by all checks ({reason})")
