"""Fine-tune with trl's SFTTrainer and peft LoRA (QLoRA nf4 on CUDA).

The dataset is trl's conversational prompt/completion format, so the loss is
on the answer only.  The run folder receives the adapter, tokenizer, the
training config, the prompt format and the CSV's hash; loss per step goes to
``loss.jsonl``; a checkpoint is saved per epoch and ``resume=True`` continues
from the last one.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._config import TrainConfig
from ._csvdata import QADataset
from ._io import append_jsonl, write_json, write_jsonl
from ._models import load_causal_lm, load_tokenizer, resolve_model
from ._prompt import PromptFormat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainResult:
    """What training left in the run folder.

    Attributes:
        adapter_dir: the saved LoRA adapter.
        steps: optimizer steps done.
        final_loss: last logged training loss.
        seconds: wall time of training.
        device: ``cpu`` or ``cuda``.
        qlora: whether the base model was loaded in 4-bit nf4.
    """

    adapter_dir: str
    steps: int
    final_loss: float | None
    seconds: float
    device: str
    qlora: bool


def build_examples(data: QADataset, fmt: PromptFormat, retriever: Any = None, k: int = 3,
                   seed: int = 42) -> list[dict]:
    """Training records built by the one prompt format function."""
    rng = random.Random(seed)
    out = []
    for r in data.rows:
        context: list[tuple[str, str]] = []
        if fmt.grounded:
            hits = [h for h in retriever.search(r.question, k=k + 1) if h.row != r.row][: k - 1]
            context = [(h.question, h.answer) for h in hits]
            context.insert(rng.randrange(len(context) + 1), (r.question, r.answer))
        out.append(fmt.example(r.question, r.answer, context))
    return out


def read_loss_log(path: Path) -> list[dict]:
    """The records of loss.jsonl; a line torn by a kill is skipped."""
    out = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("step"), int):
                out.append(rec)
    return out


def last_complete_checkpoint(folder: Path) -> str | None:
    """The newest ``checkpoint-N`` saved completely: the Trainer writes
    trainer_state.json last, so a checkpoint cut by a kill has none (or a torn one)."""
    best: tuple[int, Path] | None = None
    for p in folder.glob("checkpoint-*"):
        m = re.fullmatch(r"checkpoint-(\d+)", p.name)
        if not m or not p.is_dir():
            continue
        try:
            json.loads((p / "trainer_state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("ignoring incomplete checkpoint %s", p)
            continue
        if best is None or int(m[1]) > best[0]:
            best = (int(m[1]), p)
    return str(best[1]) if best else None


class _LossLog:
    """A TrainerCallback that appends each logged loss to loss.jsonl.

    At the start of training the log keeps only the steps up to the resumed
    checkpoint (none when starting afresh): the steps after it are done again,
    so every step appears once, in order.
    """

    def __init__(self, path: Path):
        from transformers import TrainerCallback

        log_path = path

        class _CB(TrainerCallback):
            def on_train_begin(self, args, state, control, **kw):
                if log_path.exists():
                    write_jsonl(log_path, [r for r in read_loss_log(log_path) if r["step"] <= state.global_step])

            def on_log(self, args, state, control, logs=None, **kw):
                if logs and "loss" in logs:
                    append_jsonl(log_path, {"step": state.global_step, "epoch": round(state.epoch or 0, 4),
                                            "loss": float(logs["loss"]), "lr": float(logs.get("learning_rate", 0.0)),
                                            "time": time.time()})

        self.callback = _CB()


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def mixed_precision(setting: str, device: str, bf16_ok: bool, qlora: bool) -> str:
    """The Trainer's autocast for ``TrainConfig.mixed_precision`` on ``device``: bf16, fp16 or no.

    ``auto`` autocasts a plain fp32 base to bf16 on a GPU that has it, and leaves
    QLoRA alone: its nf4 layers already compute in bf16, and the Trainer's
    autocast on top made a step 2.3-3.2x slower on Llama-2-7B-shaped layers
    (1.2-1.9x on the embedded shape) for the same loss and memory on an H100
    (``bench/train.py --trainer-only``, see bench/README.md).
    """
    if setting == "auto":
        return "bf16" if device == "cuda" and bf16_ok and not qlora else "no"
    if setting == "fp16" and device != "cuda":
        raise ValueError("mixed_precision='fp16' needs a CUDA GPU; use 'no' or 'bf16' on the CPU")
    if setting == "bf16" and device == "cuda" and not bf16_ok:
        raise ValueError("this GPU has no bf16: use mixed_precision='fp16' or 'no'")
    return setting


def train(data: QADataset, run_dir: str | Path, cfg: TrainConfig, *, retriever: Any = None,
          resume: bool = False, progress: bool = True) -> TrainResult:
    """Train a LoRA adapter on ``data`` into ``run_dir``."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from trl import SFTConfig, SFTTrainer

    run = Path(run_dir)
    run.mkdir(parents=True, exist_ok=True)
    device = _device()
    use_qlora = cfg.qlora == "on" or (cfg.qlora == "auto" and device == "cuda")
    gc = cfg.gradient_checkpointing == "on" or (cfg.gradient_checkpointing == "auto" and device == "cuda")
    fmt = PromptFormat.for_mode(cfg.grounded, cfg.system_prompt or None)
    if fmt.grounded and retriever is None:
        raise ValueError("grounded training needs a retriever")
    rows = data if not cfg.max_rows else QADataset(data.path, data.rows[: cfg.max_rows], data.sha256,
                                                   data.delimiter, data.warnings)
    dataset = Dataset.from_list(build_examples(rows, fmt, retriever, seed=cfg.seed))

    tok = load_tokenizer(cfg.model)
    tok.padding_side = "right"
    quant = None
    optim = cfg.optim
    bf16 = device == "cuda" and torch.cuda.is_bf16_supported()
    autocast = mixed_precision(cfg.mixed_precision, device, bf16, use_qlora)
    if use_qlora:
        from transformers import BitsAndBytesConfig

        compute = torch.bfloat16 if bf16 else torch.float16
        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                   bnb_4bit_compute_dtype=compute, bnb_4bit_use_double_quant=True)
        optim = "paged_adamw_32bit" if optim == "auto" else optim
    else:
        optim = "adamw_torch" if optim == "auto" else optim
    model = load_causal_lm(cfg.model, quantization_config=quant,
                           device_map={"": 0} if use_qlora and device == "cuda" else None)
    if use_qlora:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gc)
    targets = cfg.target_modules if cfg.target_modules == "all-linear" else [
        t.strip() for t in cfg.target_modules.split(",") if t.strip()]
    peft_config = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                             target_modules=targets, bias="none", task_type="CAUSAL_LM")
    args = SFTConfig(
        output_dir=str(run / "checkpoints"), num_train_epochs=cfg.epochs,
        per_device_train_batch_size=cfg.batch_size, gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=cfg.learning_rate, lr_scheduler_type=cfg.lr_scheduler, warmup_steps=cfg.warmup_ratio,
        max_grad_norm=cfg.max_grad_norm, weight_decay=cfg.weight_decay, optim=optim,
        train_sampling_strategy="group_by_length" if cfg.group_by_length else "random",
        gradient_checkpointing=gc, completion_only_loss=True, max_length=cfg.max_length,
        logging_steps=1, save_strategy="epoch", report_to=[], seed=cfg.seed, bf16=autocast == "bf16",
        fp16=autocast == "fp16",
        use_cpu=device == "cpu", dataloader_num_workers=0, disable_tqdm=not progress,
        save_only_model=False)
    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset, processing_class=tok,
                         peft_config=peft_config, callbacks=[_LossLog(run / "loss.jsonl").callback])
    ckpt = last_complete_checkpoint(run / "checkpoints") if resume else None
    t0 = time.perf_counter()
    trainer.train(resume_from_checkpoint=ckpt)
    seconds = time.perf_counter() - t0
    adapter = run / "adapter"
    trainer.save_model(str(adapter))
    tok.padding_side = "left"
    tok.save_pretrained(str(adapter))
    fmt.save(run)
    write_json(run / "train_config.json", {"schema": "centinela.train/1", "config": cfg.to_dict(),
                                           "base_model": resolve_model(cfg.model), "device": device,
                                           "qlora": use_qlora, "gradient_checkpointing": gc, "optim": optim,
                                           "mixed_precision": autocast,
                                           "prompt_fingerprint": fmt.fingerprint(),
                                           "csv": {"path": data.path, "sha256": data.sha256, "rows": len(rows.rows)},
                                           "seconds": round(seconds, 2)})
    losses = [r["loss"] for r in read_loss_log(run / "loss.jsonl")]
    steps = trainer.state.global_step
    if device == "cuda":  # generation loads the merged model next: hand the training memory back
        del trainer, model
        torch.cuda.empty_cache()
    return TrainResult(str(adapter), steps, losses[-1] if losses else None, seconds, device, use_qlora)
