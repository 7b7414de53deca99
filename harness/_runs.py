"""Run folders: ``reports/<run-id>/``, created once, never overwritten.

A run id is ``<csv stem>-<UTC timestamp>`` unless given; ids are restricted
to ``[A-Za-z0-9._-]`` so a run cannot escape the reports folder.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

from ._prompt import PromptFormat

log = logging.getLogger(__name__)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
RUN_SCHEMA = "centinela.run/1"


class RunExists(FileExistsError):
    """The run folder exists; pass ``force`` to replace it."""


def new_run_id(csv_path: str | Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(csv_path).stem)[:40] or "run"
    return f"{stem}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"


def run_path(reports: str | Path, run_id: str) -> Path:
    """``reports/run_id``, refusing ids that could escape ``reports``."""
    if not isinstance(run_id, str) or not _ID.fullmatch(run_id) or ".." in run_id:
        raise ValueError(f"invalid run id {run_id!r}: use letters, digits, '.', '_' and '-'")
    root = Path(reports).resolve()
    path = (root / run_id).resolve()
    if path.parent != root:
        raise ValueError(f"run id {run_id!r} escapes {reports}")
    return path


def create_run(reports: str | Path, run_id: str, *, force: bool = False, resume: bool = False) -> Path:
    """Make the run folder; an existing one is kept (``resume``), replaced
    (``force``) or refused."""
    path = run_path(reports, run_id)
    if path.exists():
        if resume:
            return path
        if not force:
            raise RunExists(f"{path} exists; use --force to replace it, --resume to continue it, or another --run-id")
        shutil.rmtree(path)
    try:
        path.mkdir(parents=True)
    except FileExistsError:  # another process made it since the check
        raise RunExists(f"{path} exists; use --force to replace it, --resume to continue it, or another --run-id") from None
    return path


def latest_run(reports: str | Path = "reports") -> Path | None:
    """The most recently finished run (one with a summary.json)."""
    root = Path(reports)
    runs = [p.parent for p in root.glob("*/summary.json")]
    return max(runs, key=lambda p: (p / "summary.json").stat().st_mtime) if runs else None


def read_run(run_dir: str | Path) -> dict[str, Any]:
    return json.loads((Path(run_dir) / "run.json").read_text(encoding="utf-8"))


def load_tuned_model(run_dir: str | Path, *, merge: bool = True):
    """Base model + the run's adapter (merged into the weights by default:
    unmerged LoRA layers cost extra matmuls per token); returns (model, tokenizer).
    On a CUDA machine the full-precision base goes to the GPU in bf16 (an adapter
    trained on the nf4 base merges into it, as QLoRA adapters are deployed)."""
    from peft import PeftModel

    from ._models import inference_placement, load_causal_lm, load_tokenizer

    run = Path(run_dir)
    meta = json.loads((run / "train_config.json").read_text(encoding="utf-8"))
    base = meta["base_model"]
    model = load_causal_lm(base, **inference_placement())
    model = PeftModel.from_pretrained(model, str(run / "adapter"))
    if merge:
        model = model.merge_and_unload()
    tok = load_tokenizer(str(run / "adapter")) if (run / "adapter" / "tokenizer_config.json").exists() else load_tokenizer(base)
    return model, tok


def check_prompt_format(run_dir: str | Path, fmt: PromptFormat) -> None:
    """Refuse to query an adapter with a format other than the one it was trained with."""
    meta = json.loads((Path(run_dir) / "train_config.json").read_text(encoding="utf-8"))
    trained = meta.get("prompt_fingerprint")
    base = dataclasses.replace(fmt, grounded=False, system=fmt.system)
    if trained and trained not in (fmt.fingerprint(), base.fingerprint()):
        raise ValueError(f"prompt format {fmt.fingerprint()} differs from the one the adapter was trained with ({trained})")


def run_csv_path(run_dir: str | Path) -> str:
    """The CSV a run was trained on (as recorded in its ``train_config.json``)."""
    meta = json.loads((Path(run_dir) / "train_config.json").read_text(encoding="utf-8"))
    return meta["csv"]["path"]


def load_run_generator(run_dir: str | Path, *, grounded: bool = False, **gen_kwargs):
    """(generator, retriever, csv path) for a finished run."""
    from harness import Retriever

    from ._generate import GenerationConfig, HFGenerator

    run = Path(run_dir)
    csv_path = run_csv_path(run)
    fmt = PromptFormat.load(run)
    check_prompt_format(run, fmt)
    if grounded and not fmt.grounded:
        fmt = dataclasses.replace(fmt, grounded=True)
    retriever = Retriever.from_csv(csv_path)
    model, tok = load_tuned_model(run)
    gen = HFGenerator(model, tok, fmt, GenerationConfig(**gen_kwargs), retriever=retriever,
                      name="grounded" if fmt.grounded else "tuned")
    return gen, retriever, csv_path
