"""Training, the prompt format and batched generation on the tiny model."""

from __future__ import annotations

import json

import pytest

from harness._config import TrainConfig
from harness._csvdata import load_qa_csv
from harness._generate import GenerationConfig, HFGenerator
from harness._prompt import PromptFormat
from harness._runs import check_prompt_format, load_tuned_model
from harness._train import _device, build_examples, train


def test_prompt_format_roundtrip(tmp_path):
    fmt = PromptFormat()
    fmt.save(tmp_path)
    assert PromptFormat.load(tmp_path) == fmt
    data = json.loads((tmp_path / "prompt_format.json").read_text())
    data["system"] = "otro"
    (tmp_path / "prompt_format.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="edited"):
        PromptFormat.load(tmp_path)


def test_mixed_precision_setting():
    from harness._config import TrainConfig
    from harness._train import mixed_precision

    assert mixed_precision("auto", "cuda", True, qlora=False) == "bf16"  # a plain fp32 base autocasts
    assert mixed_precision("auto", "cuda", True, qlora=True) == "no"  # nf4 layers already compute in bf16
    assert mixed_precision("auto", "cuda", False, qlora=False) == "no"  # a T4 has no bf16
    assert mixed_precision("auto", "cpu", True, qlora=False) == "no"
    assert mixed_precision("bf16", "cuda", True, qlora=True) == "bf16"
    assert mixed_precision("fp16", "cuda", False, qlora=True) == "fp16"
    with pytest.raises(ValueError, match="CUDA"):
        mixed_precision("fp16", "cpu", True, qlora=False)
    with pytest.raises(ValueError, match="no bf16"):
        mixed_precision("bf16", "cuda", False, qlora=False)
    with pytest.raises(ValueError, match="mixed_precision must be one of"):
        TrainConfig(mixed_precision="fp8")
    with pytest.raises(ValueError, match="qlora must be one of"):
        TrainConfig(qlora="yes")


def test_training_and_inference_share_messages():
    fmt = PromptFormat()
    ex = fmt.example("¿Precio?", "S/ 480.")
    assert ex["prompt"] == fmt.messages("¿Precio?")
    assert ex["prompt"][0] == {"role": "system", "content": fmt.system}
    with pytest.raises(ValueError):
        PromptFormat(grounded=True).messages("¿Precio?")


def test_grounded_examples_include_gold_row(small_csv):
    data = load_qa_csv(small_csv)

    class Hit:
        def __init__(self, r):
            self.row, self.question, self.answer = r.row, r.question, r.answer

    class FakeIndex:  # deterministic: always the first rows
        def search(self, text, k=3):
            return [Hit(r) for r in data.rows[:k]]

    exs = build_examples(data, PromptFormat.for_mode(True), FakeIndex(), k=3)
    for r, ex in zip(data.rows, exs):
        user = ex["prompt"][1]["content"]
        assert r.answer in user and user.count("\n") >= 3


@pytest.fixture(scope="module")
def trained_run(tiny_model_dir, tmp_path_factory):
    from tests.conftest import DATA

    data = load_qa_csv(DATA / "cenfobank.csv")
    run = tmp_path_factory.mktemp("run")
    res = train(data, run, TrainConfig(model=tiny_model_dir, epochs=1, max_rows=40, batch_size=4), progress=False)
    return run, res


def test_train_writes_run_folder(trained_run):
    run, res = trained_run
    assert res.steps == 10 and res.device == _device() and res.qlora == (res.device == "cuda")
    for name in ("adapter/adapter_config.json", "adapter/adapter_model.safetensors", "prompt_format.json",
                 "train_config.json", "loss.jsonl"):
        assert (run / name).exists(), name
    losses = [json.loads(x) for x in (run / "loss.jsonl").read_text().splitlines()]
    assert [x["step"] for x in losses] == list(range(1, 11))
    meta = json.loads((run / "train_config.json").read_text())
    assert meta["csv"]["rows"] == 40 and len(meta["csv"]["sha256"]) == 64
    assert meta["prompt_fingerprint"] == PromptFormat.load(run).fingerprint()
    assert list((run / "checkpoints").glob("checkpoint-*"))


def test_inference_refuses_other_format(trained_run):
    run, _ = trained_run
    check_prompt_format(run, PromptFormat.load(run))
    with pytest.raises(ValueError, match="differs"):
        check_prompt_format(run, PromptFormat(system="### Question: {q}\n ### Answer:"))


def test_batched_generation_matches_single(trained_run):
    run, _ = trained_run
    if _device() == "cuda":
        pytest.skip("bf16 on the GPU: padded batches need not give bit-identical greedy text; compared on the CPU")
    model, tok = load_tuned_model(run)
    gen = HFGenerator(model, tok, PromptFormat.load(run), GenerationConfig(max_new_tokens=12, batch_size=4))
    qs = ["¿Cuánto cuesta la matrícula?", "¿Dónde queda?", "horario de noche por favor, ¿cuál es?", "hola"]
    batched = gen.generate(qs)
    single = [gen.generate([q])[0] for q in qs]
    assert batched == single
    assert all(isinstance(a, str) for a in batched)
    assert "<|im_start|>system\n" + PromptFormat.load(run).system in gen.render(qs[0])


def test_batches_bound_padding(trained_run):
    run, _ = trained_run
    model, tok = load_tuned_model(run)
    gen = HFGenerator(model, tok, PromptFormat.load(run), GenerationConfig(max_new_tokens=4, batch_size=3))
    texts = ["a b c"] * 5 + ["palabra " * 400]
    batches = gen.batches(texts)
    assert sorted(i for b in batches for i in b) == list(range(6))  # every prompt once
    assert max(len(b) for b in batches) <= 3
    assert [5] in batches  # the very long prompt is batched alone, not padded into the short ones
    assert gen.batches([]) == []


def test_qlora_nf4_path_trains(tiny_model_dir, tmp_path):
    """``--qlora on``: bitsandbytes nf4 base, prepare_model_for_kbit_training, LoRA on top (also runs on CPU)."""
    pytest.importorskip("bitsandbytes")
    from tests.conftest import DATA

    data = load_qa_csv(DATA / "cenfobank.csv")
    res = train(data, tmp_path, TrainConfig(model=tiny_model_dir, qlora="on", epochs=1, max_rows=8, batch_size=4,
                                            max_length=128), progress=False)
    assert res.qlora and res.steps == 2
    assert (tmp_path / "adapter" / "adapter_model.safetensors").exists()
    meta = json.loads((tmp_path / "train_config.json").read_text())
    assert meta["qlora"] is True and meta["device"] == _device()
