"""centinela guards: every rule that decides accept or refuse.

Input checks run *before* generation and share one contract,
``check(text) -> Verdict``: :class:`TopicGuard`, :class:`SafetyGuard`,
:class:`InjectionGuard`, and :class:`Guard`, which chains them and fails
closed.  Answer checks run *after* generation: pure functions gathered by
:class:`OutputGuard`.  :class:`GuardedModel` wraps a generator with both.

Names are imported lazily so that ``import guards`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._types import Check, Finding, OutputVerdict, Verdict

_LAZY = {
    "Guard": "._chain",
    "TopicGuard": "._topic",
    "SafetyGuard": "._safety",
    "InjectionGuard": "._injection",
    "normalize": "._normalize",
    "OutputGuard": "._output",
    "GuardedModel": "._wrapper",
    "GuardedAnswer": "._wrapper",
}

__all__ = ["Check", "Finding", "OutputVerdict", "Verdict", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name], __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'guards' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from ._chain import Guard
    from ._injection import InjectionGuard
    from ._output import OutputGuard
    from ._safety import SafetyGuard
    from ._topic import TopicGuard
    from ._wrapper import GuardedAnswer, GuardedModel
