"""The one generation contract, and test doubles.

``Generator.generate(prompts) -> list[str]`` takes *questions* (the user's
text) and returns one answer per question; how a question becomes chat
messages is the generator's business (see :mod:`harness._prompt`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable


@runtime_checkable
class Generator(Protocol):
    """Anything that answers a batch of questions."""

    name: str

    def generate(self, prompts: Sequence[str]) -> list[str]:  # pragma: no cover - protocol
        ...


@dataclass
class BlankGenerator:
    """Answers every prompt with the empty string (garak's Blank)."""

    name: str = "blank"

    def generate(self, prompts: Sequence[str]) -> list[str]:
        return ["" for _ in prompts]


@dataclass
class RepeatGenerator:
    """Echoes each prompt back (garak's Repeat)."""

    name: str = "repeat"

    def generate(self, prompts: Sequence[str]) -> list[str]:
        return [str(p) for p in prompts]


@dataclass
class TableGenerator:
    """Answers from a fixed mapping question -> answer; ``default`` otherwise.

    The test double for the mock-model backend: feed it real outputs (the
    seed's failures, a looping answer) and check what the harness does.
    """

    table: dict[str, str]
    default: str = ""
    name: str = "table"

    def generate(self, prompts: Sequence[str]) -> list[str]:
        return [self.table.get(p, self.default) for p in prompts]


@dataclass
class RetrievalGenerator:
    """No model: the top-1 CSV answer of the retriever, verbatim (the
    ``retrieval`` system, and what ``--ship retrieval`` puts behind the guards).

    Attributes:
        retriever: anything with ``search(text, k) -> [hit with .answer]``.
    """

    retriever: object
    name: str = "retrieval"

    def generate(self, prompts: Sequence[str]) -> list[str]:
        out = []
        for p in prompts:
            hits = self.retriever.search(p, k=1)
            out.append(hits[0].answer if hits else "")
        return out
