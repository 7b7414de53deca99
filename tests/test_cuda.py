"""The CUDA path: QLoRA nf4 training, resume, and generation on a GPU.

Skipped where torch sees no CUDA device (CI has none). On a GPU machine:
``pytest tests/test_cuda.py`` (a few seconds with the tiny config-built Llama
of ``conftest.py``); ``scripts/device_check.sh`` runs it on a lent GPU machine
with no internet. The CPU side of the same code is covered by
``test_train_generate.py`` (``qlora="on"`` also runs nf4 on the CPU).
"""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")

from harness import _train  # noqa: E402
from harness._config import TrainConfig  # noqa: E402
from harness._csvdata import load_qa_csv  # noqa: E402
from harness._generate import GenerationConfig, HFGenerator  # noqa: E402
from harness._prompt import PromptFormat  # noqa: E402
from harness._runs import load_tuned_model  # noqa: E402
from harness._train import read_loss_log, train  # noqa: E402

QUESTIONS = ["¿Cuánto cuesta la matrícula?", "¿Dónde queda?", "horario de noche?"]


def _cfg(model: str, **kw) -> TrainConfig:
    base = dict(model=model, epochs=3, batch_size=4, max_length=128, learning_rate=5e-3)
    base.update(kw)
    return TrainConfig(**base)


@pytest.fixture(scope="module")
def gpu_run(tiny_model_dir, tmp_path_factory):
    """``qlora="auto"`` on CUDA, with the loaded base model kept for inspection."""
    import csv

    from tests.conftest import DATA

    rows = load_qa_csv(DATA / "cenfobank.csv").rows[:12]
    path = tmp_path_factory.mktemp("csv") / "small.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["question", "answer"])
        w.writerows((r.question, r.answer) for r in rows)
    seen = []
    real = _train.load_causal_lm

    def recording(*args, **kwargs):  # the real loader; keeps what it returned
        model = real(*args, **kwargs)
        seen.append(model)
        return model

    mp = pytest.MonkeyPatch()
    mp.setattr(_train, "load_causal_lm", recording)
    try:
        run = tmp_path_factory.mktemp("gpu-run")
        res = train(load_qa_csv(path), run, _cfg(tiny_model_dir), progress=False)
    finally:
        mp.undo()
    return run, res, seen, path


def test_auto_is_qlora_nf4_on_the_gpu(gpu_run):
    import bitsandbytes as bnb

    run, res, seen, _ = gpu_run
    assert res.device == "cuda" and res.qlora and res.steps == 9  # 12 rows / batch 4 x 3 epochs
    meta = json.loads((run / "train_config.json").read_text())
    assert meta["qlora"] is True and meta["device"] == "cuda"
    assert meta["optim"] == "paged_adamw_32bit" and meta["gradient_checkpointing"] is True
    assert meta["mixed_precision"] == "no"  # no Trainer autocast over nf4 (slower per step, bench/train.py)
    (model,) = seen
    quantized = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(quantized) == 2 * 7  # q, k, v, o, gate, up, down in each of the 2 layers
    for m in quantized:
        assert m.weight.quant_state.quant_type == "nf4" and m.weight.device.type == "cuda"
        assert m.weight.quant_state.nested  # double quantization
    assert (run / "adapter" / "adapter_model.safetensors").exists()


def test_gpu_training_learns(gpu_run):
    run, *_ = gpu_run
    losses = [r["loss"] for r in read_loss_log(run / "loss.jsonl")]
    assert len(losses) == 9 and all(math.isfinite(x) for x in losses)
    assert sum(losses[-3:]) < sum(losses[:3])  # three epochs over the same 12 rows


def test_tuned_model_generates_on_the_gpu(gpu_run):
    run, *_ = gpu_run
    model, tok = load_tuned_model(run)
    p = next(model.parameters())
    assert p.device.type == "cuda" and p.dtype in (torch.bfloat16, torch.float16)
    gen = HFGenerator(model, tok, PromptFormat.load(run), GenerationConfig(max_new_tokens=8, batch_size=4))
    out = gen.generate(QUESTIONS)
    assert len(out) == 3 and all(isinstance(a, str) for a in out)


def test_merged_matches_unmerged_on_the_gpu(gpu_run):
    """The adapter trained on the nf4 base, merged into the bf16 base, gives the
    logits of the same adapter applied unmerged (within bf16 rounding)."""
    run, *_ = gpu_run
    merged, tok = load_tuned_model(run, merge=True)
    unmerged, _ = load_tuned_model(run, merge=False)
    text = HFGenerator(merged, tok, PromptFormat.load(run), GenerationConfig()).render(QUESTIONS[0])
    ids = tok(text, return_tensors="pt", add_special_tokens=False).to("cuda")
    with torch.inference_mode():
        a = merged(**ids).logits.float()
        b = unmerged(**ids).logits.float()
    assert a.shape == b.shape
    torch.testing.assert_close(a, b, atol=0.05, rtol=0.05)


def test_resume_continues_on_the_gpu(gpu_run, tiny_model_dir, tmp_path):
    """An interrupted QLoRA run resumes from its last checkpoint (paged AdamW
    state included) and logs every step once."""
    _, _, _, csv_path = gpu_run
    data = load_qa_csv(csv_path)
    first = train(data, tmp_path, _cfg(tiny_model_dir, epochs=1), progress=False)
    assert first.steps == 3 and (tmp_path / "checkpoints" / "checkpoint-3").exists()
    second = train(data, tmp_path, _cfg(tiny_model_dir, epochs=2), resume=True, progress=False)
    assert second.steps == 6 and second.qlora
    assert [r["step"] for r in read_loss_log(tmp_path / "loss.jsonl")] == list(range(1, 7))


def test_qlora_with_bf16_autocast_on_the_gpu(gpu_run, tiny_model_dir, tmp_path):
    """``mixed_precision="bf16"`` puts the Trainer's autocast back over nf4
    (the earlier default) and trains finite."""
    _, _, _, csv_path = gpu_run
    res = train(load_qa_csv(csv_path), tmp_path, _cfg(tiny_model_dir, epochs=1, mixed_precision="bf16"),
                progress=False)
    meta = json.loads((tmp_path / "train_config.json").read_text())
    assert res.qlora and meta["mixed_precision"] == "bf16" and meta["config"]["mixed_precision"] == "bf16"
    losses = [r["loss"] for r in read_loss_log(tmp_path / "loss.jsonl")]
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
