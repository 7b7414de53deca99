"""Training benchmark: speed and peak memory of LoRA fine-tuning, recipes side by side.

CPU part (always, on the CPU even where there is a GPU): ``harness._train.train``
on the first ``steps × batch`` rows of ``data/cenfobank.csv`` with the embedded
model, one fresh process per row so that each peak RSS (``resource.getrusage``)
is that recipe's own:

* default ``TrainConfig()`` (LoRA r16 all-linear, adamw_torch, gradient
  checkpointing off on CPU) and the same with checkpointing on;
* ``TrainConfig(preset="seed")`` (r64, paged_adamw_32bit, group_by_length …)
  with checkpointing off and on (the seed trained with it on).

s/step is measured between the first and the last logged step
(``loss.jsonl`` time stamps), so model loading, the first step's warm-up and
the checkpoint save are left out; ``train s`` is the whole ``trainer.train()``.

GPU part (only when ``torch.cuda.is_available()``): a randomly initialised
model with the exact Llama-2-7B shape (hidden 4096, 32 layers, 32 heads,
intermediate 11008, vocab 32000), linear layers quantized to nf4 with
bitsandbytes, ``prepare_model_for_kbit_training``, peft LoRA, and a plain
training loop (forward, backward, clip, paged AdamW step) on random token ids
whose lengths are the CSV's rows in each recipe's text format:

* ``seed``: fp16 compute, no double quant, no autocast, r64/α16 on q_proj and
  v_proj (peft's default for Llama when a LoraConfig names no targets —
  ``--seed-targets all-linear`` for the harness's seed preset), batch 4 padded
  to the longest row after group-by-length sorting, paged_adamw_32bit,
  gradient checkpointing on;
* ``harness``: what ``train()`` does on CUDA today: bf16 compute, no
  autocast (``harness-autocast`` adds it, as ``train()`` did before
  2026-11-27), double quant, r16/α32 all-linear, batch 4 padded to the longest
  (random order), paged_adamw_32bit, gradient checkpointing on;
* ``harness padding-free``: the same, the 4 rows of a batch packed into one
  row with restarting position ids (trl's ``padding_free``; transformers turns
  the position ids into a block-diagonal mask for sdpa): no pad tokens.

Peak GPU memory is reported twice: torch's allocator peak, and the device's
used memory (``cudaMemGetInfo``, sampled after each step), which also holds
the CUDA context and the paged optimizer's state (unified memory that torch
does not count).  ``fits 15 GiB`` compares the latter with a T4's 15 GiB.
Tokens/s counts real (non-pad) tokens.  Each GPU row runs in its own process.
A second GPU table times the harness's own ``train()`` (``_train_gpu_trainer.py``).

    .venv/bin/python bench/train.py            # CPU: 6 timed steps per row; GPU: 3 warm-up + 10 steps
    .venv/bin/python bench/train.py --quick    # CPU: 2 steps, max_length 96; GPU: 1 + 3 steps (smoke test)
    .venv/bin/python bench/train.py --gpu-dry-run   # run the GPU code on CPU with a tiny Llama (checks the code only)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402
from _train_gpu import gpu_child, gpu_section  # noqa: E402
from _train_gpu_trainer import trainer_child, trainer_section  # noqa: E402

C.setup()
MARK = "BENCH_RESULT "
CPU_ROWS = [
    ("default (gc off)", "", "off"),
    ("default, gc on", "", "on"),
    ("seed preset (gc off)", "seed", "off"),
    ("seed preset, gc on", "seed", "on"),
]


# --------------------------------------------------------------------------- CPU child

def cpu_child(spec: dict) -> dict:
    from harness._config import TrainConfig
    from harness._csvdata import load_qa_csv
    from harness._train import read_loss_log, train

    cfg = TrainConfig(preset=spec["preset"], gradient_checkpointing=spec["gc"], epochs=1.0,
                      max_length=spec.get("max_length") or TrainConfig.max_length)
    cfg.max_rows = spec["steps"] * cfg.batch_size  # one epoch = ``steps`` optimizer steps
    data = load_qa_csv(C.CENFOBANK)
    tokens = cpu_tokens(data, cfg)
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        t0 = time.perf_counter()
        with C.quiet_stdout():
            res = train(data, Path(tmp) / "run", cfg, progress=False)
        total = time.perf_counter() - t0
        logs = read_loss_log(Path(tmp) / "run" / "loss.jsonl")
        meta = json.loads((Path(tmp) / "run" / "train_config.json").read_text(encoding="utf-8"))
    times = [r["time"] for r in logs]
    s_step = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else float("nan")
    return {"steps": res.steps, "train_s": res.seconds, "total_s": total, "s_step": s_step,
            "rss_mib": C.peak_rss_mib(), "tokens": tokens, "batch": cfg.batch_size, "r": cfg.lora_r,
            "optim": meta.get("optim", cfg.optim), "gc": meta.get("gradient_checkpointing"), "loss": res.final_loss}


def cpu_tokens(data, cfg) -> int:
    """Tokens (prompt + answer, chat template) of the rows a run trains on."""
    from harness._models import load_tokenizer
    from harness._prompt import PromptFormat

    tok = load_tokenizer(cfg.model)
    fmt = PromptFormat.for_mode(False)
    n = 0
    for r in data.rows[: cfg.max_rows]:
        ex = fmt.example(r.question, r.answer)
        ids = tok.apply_chat_template(ex["prompt"] + ex["completion"], tokenize=True)
        ids = ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids
        n += min(len(ids), cfg.max_length)
    return n


# --------------------------------------------------------------------------- parent

def spawn(spec: dict, threads: int) -> dict:
    """Run one row in a fresh interpreter; returns its result dict (or the error)."""
    env = dict(os.environ)
    if spec["kind"] == "cpu":  # train() would pick CUDA (and QLoRA) where there is a GPU
        env["CUDA_VISIBLE_DEVICES"] = ""
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    cmd = [sys.executable, __file__, "--child", json.dumps(spec)] + (["--threads", str(threads)] if threads else [])
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    tail = (p.stderr or p.stdout).strip().splitlines()
    return {"error": f"exit {p.returncode}: " + (tail[-1] if tail else "no output"), "stderr": "\n".join(tail[-25:])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    C.add_common_args(ap)
    ap.add_argument("--steps", type=int, help="steps per row (CPU default 6, --quick 2; GPU default 10 timed, --quick 3)")
    ap.add_argument("--gpu-dry-run", action="store_true",
                    help="run the GPU recipes on CPU with a tiny Llama config (checks the code; not a measurement)")
    ap.add_argument("--seed-targets", default="q_proj,v_proj",
                    help="LoRA targets of the seed GPU recipe ('all-linear' = the harness's seed preset)")
    ap.add_argument("--skip-cpu", action="store_true", help="GPU part only")
    ap.add_argument("--gpu-recipes", help="comma-separated GPU recipes (default seed,harness,harness-padfree; "
                    "variants: harness-autocast, harness-qv, see _train_gpu.py)")
    ap.add_argument("--trainer-shapes", default="embedded",
                    help="model shapes of the GPU train() table, comma-separated: embedded, llama7b-4l, llama7b")
    ap.add_argument("--trainer-recipes", help="rows of the GPU train() table (default qlora,qlora-autocast,lora,lora-nogc)")
    ap.add_argument("--trainer-only", action="store_true", help="GPU part: skip the hand-written 7B-shape loop")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ns = ap.parse_args()
    C.apply_threads(ns.threads)
    if ns.child:
        spec = json.loads(ns.child)
        res = {"cpu": cpu_child, "gpu": gpu_child, "trainer": trainer_child}[spec["kind"]](spec)
        print(MARK + json.dumps(res), flush=True)
        return 0

    import torch

    C.print_machine()
    ratios = []
    if not ns.skip_cpu:
        steps = ns.steps or (2 if ns.quick else 6)
        max_length = 96 if ns.quick else 0  # 0 = TrainConfig's default (256)
        rows, res = [], {}
        for label, preset, gc in CPU_ROWS:
            r = spawn({"kind": "cpu", "preset": preset, "gc": gc, "steps": steps, "max_length": max_length}, ns.threads)
            res[label] = r
            if "error" in r:
                rows.append([label] + [None] * 9 + [r["error"][:200]])
                print(r["stderr"], file=sys.stderr)
                continue
            rows.append([label, r["r"], r["optim"], r["steps"], r["s_step"], 1 / r["s_step"], r["batch"] / r["s_step"],
                         r["tokens"] / r["steps"] / r["s_step"], r["train_s"], r["rss_mib"]])
            print(f"  {label}: done ({r['total_s']:.0f} s with loading)", flush=True)
        C.print_table(["CPU recipe", "LoRA r", "optim", "steps", "s/step", "steps/s", "rows/s", "tokens/s",
                       "train s", "peak RSS MiB"] + (["error"] if any("error" in r for r in res.values()) else []),
                      rows, title=f"CPU LoRA training, embedded model, data/cenfobank.csv, batch 4"
                                  f"{', max_length 96 (--quick)' if max_length else ''} "
                                  f"(s/step between the first and last of {steps} logged steps)")

        def get(label, key):
            return res.get(label, {}).get(key, float("nan"))

        ratios += [("seed/default s per step (gc off)", C.ratio(get("seed preset (gc off)", "s_step"), get("default (gc off)", "s_step"))),
                   ("gc on/off s per step (default)", C.ratio(get("default, gc on", "s_step"), get("default (gc off)", "s_step"))),
                   ("gc on/off s per step (seed)", C.ratio(get("seed preset, gc on", "s_step"), get("seed preset (gc off)", "s_step"))),
                   ("seed/default peak RSS", C.ratio(get("seed preset (gc off)", "rss_mib"), get("default (gc off)", "rss_mib"))),
                   ("gc off/on peak RSS (default)", C.ratio(get("default (gc off)", "rss_mib"), get("default, gc on", "rss_mib")))]

    if torch.cuda.is_available() or ns.gpu_dry_run:
        if not ns.trainer_only:
            ratios += gpu_section(ns, spawn, torch.cuda.is_available())
        ratios += trainer_section(ns, spawn, torch.cuda.is_available())
    else:
        print("\nno GPU: GPU part skipped")
    C.print_ratios(ratios)
    C.print_machine()
    return 0


if __name__ == "__main__":
    sys.exit(main())
