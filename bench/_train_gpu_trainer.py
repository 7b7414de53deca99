"""GPU part of ``bench/train.py``, second table: the harness's own
``harness._train.train`` (trl ``SFTTrainer``, peft LoRA r16 all-linear, batch 4,
max_length 256, gradient checkpointing on as ``auto`` sets it on CUDA but in the
last row) on a randomly initialised model, with ``qlora`` on (nf4 base, double
quant, paged AdamW 32-bit) without the Trainer's autocast (``mixed_precision``
auto) and with bf16 autocast (the earlier default), and off (fp32 base, bf16 autocast, AdamW), the latter
also with gradient checkpointing off, each in its own process.  Shapes
(``--trainer-shapes``): ``embedded`` is the embedded model's exact
``config.json`` (SmolLM2-135M); ``llama7b-4l`` is Llama-2-7B's layer shape
(hidden 4096, MLP 11008, 32 heads, untied head) with 4 of its 32 layers and
the SmolLM2 vocabulary, about 1 B parameters; ``llama7b`` is the whole
Llama-2-7B shape (32 layers, about 6.9 B parameters with that vocabulary), the
seed's model at random, built in bf16 on the GPU.  Each is built once per run
and shared by its rows.  s/step is taken between logged steps after the warm-up ones
(``loss.jsonl`` time stamps), as in the CPU table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import _common as C

GIB = 1024 ** 3
# key: (label, qlora, gradient_checkpointing, mixed_precision)
TRAINER_RECIPES = {
    "qlora": ("qlora on: nf4 base, no autocast (auto)", "on", "auto", "auto"),
    "qlora-autocast": ("qlora on: nf4 base, bf16 autocast", "on", "auto", "bf16"),
    "lora": ("qlora off: fp32 base, bf16 autocast", "off", "auto", "auto"),
    "lora-nogc": ("the same, gradient checkpointing off", "off", "off", "auto"),
}
SHAPES = {"embedded": {},
          "llama7b-4l": dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=4, num_attention_heads=32,
                             num_key_value_heads=32, head_dim=128, tie_word_embeddings=False),
          "llama7b": dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
                          num_key_value_heads=32, head_dim=128, tie_word_embeddings=False)}


def build_model(config, model_dir: Path) -> int:
    """Save a random model of ``config`` (bf16 on disk) with the embedded tokenizer; its parameter count."""
    import torch
    from transformers import AutoModelForCausalLM

    from harness._models import load_tokenizer

    torch.manual_seed(0)
    # on the GPU a 7B model initialises in seconds (minutes on the CPU, 27 GB in fp32)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    params = sum(p.numel() for p in model.parameters())
    model.save_pretrained(model_dir)
    load_tokenizer("embedded").save_pretrained(model_dir)
    del model
    torch.cuda.empty_cache()  # a no-op without CUDA
    return params


def trainer_child(spec: dict) -> dict:
    import torch
    from transformers import AutoConfig

    from harness._config import TrainConfig
    from harness._csvdata import load_qa_csv
    from harness._models import resolve_model
    from harness._train import read_loss_log, train

    config = AutoConfig.from_pretrained(resolve_model("embedded"))
    config.update(SHAPES[spec["shape"]])
    if spec["dry_run"]:  # code check on the CPU: a tiny model of the same family
        config.update(dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                           num_key_value_heads=2, head_dim=16))
    cuda = torch.cuda.is_available()
    model_dir = Path(spec["model_dir"])
    params_file = model_dir / "params.txt"
    if not params_file.exists():
        params_file.parent.mkdir(parents=True, exist_ok=True)
        params_file.write_text(str(build_model(config, model_dir)))
    params = int(params_file.read_text())
    with tempfile.TemporaryDirectory(prefix="bench-train-gpu-") as tmp:
        cfg = TrainConfig(model=str(model_dir), qlora=spec["qlora"], gradient_checkpointing=spec["gc"],
                          mixed_precision=spec["mp"], epochs=1.0)
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
    """Run the trainer recipes of each shape (``spawn(spec, threads)``), print one table per shape, return the ratios."""
    steps = ns.steps or (3 if ns.quick else 10)
    warmup = 1 if ns.quick else 3
    dry = not cuda or ns.gpu_dry_run
    keys = ns.trainer_recipes.split(",") if ns.trainer_recipes else list(TRAINER_RECIPES)
    ratios = []
    for shape in ns.trainer_shapes.split(","):
        rows, res = [], {}
        with tempfile.TemporaryDirectory(prefix="bench-train-model-") as model_dir:
            for key in keys:
                label, qlora, gc, mp = TRAINER_RECIPES[key]
                r = spawn({"kind": "trainer", "shape": shape, "model_dir": model_dir + "/model", "qlora": qlora,
                           "gc": gc, "mp": mp, "steps": steps, "warmup": warmup, "dry_run": dry}, ns.threads)
                res[key] = r
                if "error" in r:
                    rows.append([label] + [None] * 8 + [r["error"][:200]])
                    print(r["stderr"], file=sys.stderr)
                    continue
                rows.append([label, r["device"], r["params"], r["steps"], r["s_step"], r["train_s"], r["loss"],
                             r.get("alloc_gib"), r.get("reserved_gib")])
                print(f"  {shape}, {label}: done ({r['total_s']:.0f} s)", flush=True)
        what = "tiny model (dry run: code check, figures meaningless)" if dry else f"{shape} shape, random weights"
        C.print_table(["harness trainer", "device", "params", "steps", "s/step", "train s", "last loss",
                       "torch peak GiB", "reserved GiB"] + (["error"] if any("error" in r for r in res.values()) else []),
                      rows, title=f"harness._train.train on the {what}, data/cenfobank.csv, batch 4: "
                                  f"s/step over the {steps} steps after {warmup} warm-up")

        def g(key, name):
            return res.get(key, {}).get(name, float("nan"))

        ratios += [(f"GPU trainer {shape} qlora on/off s per step", C.ratio(g("qlora", "s_step"), g("lora", "s_step"))),
                   (f"GPU trainer {shape} qlora on/off torch peak", C.ratio(g("qlora", "alloc_gib"), g("lora", "alloc_gib"))),
                   (f"GPU trainer {shape} qlora no-autocast/autocast s per step",
                    C.ratio(g("qlora", "s_step"), g("qlora-autocast", "s_step"))),
                   (f"GPU trainer {shape} qlora no-autocast/autocast torch peak",
                    C.ratio(g("qlora", "alloc_gib"), g("qlora-autocast", "alloc_gib"))),
                   (f"GPU trainer {shape} gc off/on s per step", C.ratio(g("lora-nogc", "s_step"), g("lora", "s_step")))]
    return ratios
