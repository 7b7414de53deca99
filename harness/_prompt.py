"""The one prompt format: the same function builds the chat messages for
training and for inference, and the format is saved with every run.

The seed trained on ``### Question: ... ### Answer: ...`` and queried with
``<s>[INST] ... [/INST]``.  Here a run's adapter can only be queried through
the :class:`PromptFormat` stored beside it (``prompt_format.json``), and its
:meth:`PromptFormat.fingerprint` is recorded at training time and checked at
inference time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

SCHEMA = "centinela.prompt/1"

DEFAULT_SYSTEM = (
    "Eres el asistente virtual de la institución. Responde en español, en una o dos "
    "oraciones, solo con información de la institución. Si no sabes la respuesta, dilo."
)
GROUNDED_SYSTEM = (
    "Eres el asistente virtual de la institución. Responde en español, en una o dos "
    "oraciones, usando solo los datos de las fichas. No inventes montos, fechas ni programas."
)


@dataclass(frozen=True)
class PromptFormat:
    """How a question becomes chat messages.

    Attributes:
        system: the system prompt (replaces any default the chat template injects).
        grounded: when true, retrieved CSV rows are put in the user turn as
            numbered facts before the question.
        context_header: the line that introduces the retrieved rows.
        schema: version tag of this record.
    """

    system: str = DEFAULT_SYSTEM
    grounded: bool = False
    context_header: str = "Fichas de la institución:"
    schema: str = SCHEMA

    @classmethod
    def for_mode(cls, grounded: bool, system: str | None = None) -> "PromptFormat":
        return cls(system=system or (GROUNDED_SYSTEM if grounded else DEFAULT_SYSTEM), grounded=grounded)

    def messages(self, question: str, context: Sequence[tuple[str, str]] = ()) -> list[dict]:
        """System + user messages for ``question``.

        ``context`` is a sequence of (question, answer) rows; it must be given
        exactly when the format is grounded.
        """
        if self.grounded and not context:
            raise ValueError("a grounded prompt format needs retrieved rows")
        if context and not self.grounded:
            raise ValueError("this prompt format is not grounded; it takes no context rows")
        user = question.strip()
        if context:
            facts = "\n".join(f"{i}. {q} {a}" for i, (q, a) in enumerate(context, 1))
            user = f"{self.context_header}\n{facts}\n\nPregunta: {user}"
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def example(self, question: str, answer: str, context: Sequence[tuple[str, str]] = ()) -> dict:
        """A prompt/completion training record (trl's conversational format)."""
        return {"prompt": self.messages(question, context),
                "completion": [{"role": "assistant", "content": answer.strip()}]}

    def fingerprint(self) -> str:
        """A short hash of the format: training and inference must match."""
        blob = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def save(self, run_dir: str | Path) -> Path:
        path = Path(run_dir) / "prompt_format.json"
        data = asdict(self) | {"fingerprint": self.fingerprint()}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, run_dir: str | Path) -> "PromptFormat":
        data = json.loads((Path(run_dir) / "prompt_format.json").read_text(encoding="utf-8"))
        fp = data.pop("fingerprint", None)
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unknown prompt format schema {data.get('schema')!r}")
        fmt = cls(**data)
        if fp is not None and fp != fmt.fingerprint():
            raise ValueError("prompt_format.json was edited: its fingerprint does not match")
        return fmt
