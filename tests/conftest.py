"""Shared fixtures: a tiny config-built Llama with the SmolLM2 tokenizer.

The tiny model (1.6M parameters) trains 10 SFT steps in seconds, so unit tests
exercise the real trl/peft/transformers code paths; only tests marked
``slow`` load the real embedded model.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> str:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from harness._models import load_tokenizer

    torch.manual_seed(0)
    tok = load_tokenizer("embedded")
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                      tie_word_embeddings=True, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                      pad_token_id=tok.pad_token_id)
    model = LlamaForCausalLM(cfg)
    out = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return str(out)


@pytest.fixture()
def small_csv(tmp_path) -> Path:
    """Twelve real CENFOBANK pairs as a small CSV."""
    from harness._csvdata import load_qa_csv

    rows = load_qa_csv(DATA / "cenfobank.csv").rows[:12]
    path = tmp_path / "small.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["question", "answer"])
        w.writerows((r.question, r.answer) for r in rows)
    return path


@pytest.fixture(scope="module")
def safety():
    """The safety check with its shipped rules and classifier."""
    from guards._safety import SafetyGuard

    return SafetyGuard()


@pytest.fixture(scope="module")
def injection():
    """The injection check with its shipped rules."""
    from guards import InjectionGuard

    return InjectionGuard()
