"""GPU part of ``bench/train.py``, second table: the harness's own
``harness._train.train`` (trl ``SFTTrainer``, peft LoRA r16 all-linear, batch 4,
max_length 256, gradient checkpointing on as ``auto`` sets it on CUDA but in the
last row) on a
randomly initialised model of the embedded model's exact shape (its
``config.json``; SmolLM2-135M), with ``qlora`` on (nf4 base, double quant,
paged AdamW 32-bit) and off (fp32 base, bf16 autocast, AdamW), the latter also
with gradient checkpointing off, each in its own process.  s/step is taken between logged steps after the warm-up ones
(``loss.jsonl`` time stamps), as in the CPU table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import _common as C

GIB = 1024 ** 3
TRAINER_RECIPES = (("train(), qlora on: nf4 base", "on", "auto"), ("train(), qlora off: fp32 base, bf16 autocast", "off", "auto"),
                   ("the same, gradient checkpointing off", "off", "off"))


def trainer_child(spec: dict) -> dict:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    from harness._config import TrainConfig
    from harness._csvdata import load_qa_csv
    from harness._models import load_tokenizer, resolve_model
    from harness._train import read_loss_log, train

    config = AutoConfig.from_pretrained(resolve_model("embedded"))
    if spec["dry_run"]:  # code check on the CPU: a tiny model of the same family
        config.update(dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                           num_key_value_heads=2))
    cuda = torch.cuda.is_available()
    with tempfile.TemporaryDirectory(prefix="bench-train-gpu-") as tmp:
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config)
        model.save_pretrained(Path(tmp) / "model")
        load_tokenizer("embedded").save_pretrained(Path(tmp) / "model")
        params = sum(p.numel() for p in model.parameters())
        del model
        cfg = TrainConfig(model=str(Path(tmp) / "model"), qlora=spec["qlora"], gradient_checkpointing=spec["gc"],
                          epochs=1.0)
        cfg.max_rows = (spec["warmup"] + spec["steps"]) * cfg.batch_size
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        with C.quiet_stdout():
            res = train(load_qa_csv(C.CENFOBANK), Path(tmp) / "run", cfg, progress=False)
        total = time.perf_counter() - t0
        times = [r["time"] for r in read_loss_log(Path(tmp) / "run" / "loss.jsonl")][spec["warmup"]:]
    out = {"params": params, "steps": res.steps, "qlora": res.qlora, "device": res.device, "train_s": res.seconds,
           "total_s": total, "s_step": (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else float("nan"),
           "loss": res.final_loss}
    if cuda:
        out.update(alloc_gib=torch.cuda.max_memory_allocated() / GIB, reserved_gib=torch.cuda.max_memory_reserved() / GIB,
                   gpu=torch.cuda.get_device_name(0))
    return out


def trainer_section(ns, spawn, cuda: bool) -> list[tuple[str, float]]:
    """Run both trainer recipes (``spawn(spec, threads)``), print the table, return the ratios."""
    steps = ns.steps or (3 if ns.quick else 10)
    warmup = 1 if ns.quick else 3
    dry = not cuda or ns.gpu_dry_run
    rows, res = [], {}
    for label, qlora, gc in TRAINER_RECIPES:
        r = spawn({"kind": "trainer", "qlora": qlora, "gc": gc, "steps": steps, "warmup": warmup, "dry_run": dry},
                  ns.threads)
        res[qlora + gc] = r
        if "error" in r:
            rows.append([label] + [None] * 7 + [r["error"][:200]])
            print(r["stderr"], file=sys.stderr)
            continue
        rows.append([label, r["device"], r["params"], r["steps"], r["s_step"], r["train_s"], r.get("alloc_gib"),
                     r.get("reserved_gib")])
        print(f"  {label}: done ({r['total_s']:.0f} s)", flush=True)
    shape = "tiny model (dry run: code check, figures meaningless)" if dry else "embedded model's shape, random weights"
    C.print_table(["harness trainer", "device", "params", "steps", "s/step", "train s", "torch peak GiB",
                   "reserved GiB"] + (["error"] if any("error" in r for r in res.values()) else []),
                  rows, title=f"harness._train.train on {shape}, data/cenfobank.csv, batch 4: "
                              f"s/step over the {steps} steps after {warmup} warm-up")

    def g(key, name):
        return res.get(key, {}).get(name, float("nan"))

    return [("GPU trainer qlora on/off s per step", C.ratio(g("onauto", "s_step"), g("offauto", "s_step"))),
            ("GPU trainer qlora on/off torch peak", C.ratio(g("onauto", "alloc_gib"), g("offauto", "alloc_gib"))),
            ("GPU trainer gc off/on s per step", C.ratio(g("offoff", "s_step"), g("offauto", "s_step")))]
