"""Template consistency: the adapter is queried with the prompt format it was trained with.

The seed trained on ``### Question: ... ### Answer: ...`` and queried with
``<s>[INST] ... [/INST]``; the fingerprint recorded at training
(train_config.json) must equal the one saved with the run (prompt_format.json,
verified by ``PromptFormat.load``) and the one run.json says inference used.
"""

from __future__ import annotations

import json

import pytest

from harness._prompt import PromptFormat

pytestmark = pytest.mark.template


def test_prompt_format_matches_training(run, gate, adapter_dir):
    name = "template.fingerprint" + ("" if adapter_dir == run.dir else f".{adapter_dir.name}")
    train_cfg = adapter_dir / "train_config.json"
    if adapter_dir == run.dir and run.meta.get("trained") is False:
        gate.skip(name, "no adapter: every system of this run answers without a model")
    if not train_cfg.is_file():
        gate.judge(name, None, "template.fingerprint", ok=False,
                   reason="train_config.json is missing: the format the adapter was trained with is unknown")
    trained = json.loads(train_cfg.read_text(encoding="utf-8"))
    want = trained.get("prompt_fingerprint")
    try:
        fmt = PromptFormat.load(adapter_dir)
        used, problem = fmt.fingerprint(), ""
    except (OSError, ValueError, TypeError) as exc:
        fmt, used, problem = None, None, f"prompt_format.json is unusable: {exc}"
    recorded = run.meta.get("prompt_fingerprint") if adapter_dir == run.dir else used
    if not want:
        problem = problem or "train_config.json records no prompt_fingerprint"
    elif not problem and want != used:
        problem = f"the adapter was trained with format {want} and is queried with {used}"
    elif not problem and recorded != used:
        problem = f"run.json says inference used {recorded}, prompt_format.json is {used}"
    notes = [f"training format: {trained.get('prompt_template') or want}"]
    if fmt is not None:
        shown = run.meta.get("prompt_template") if adapter_dir == run.dir else None
        notes.append(f"inference format: {shown or used} (system={fmt.system[:60]!r}, grounded={fmt.grounded})")
    gate.judge(name, used, "template.fingerprint", threshold=want, ok=not problem,
               reason=problem or "training and inference use the same prompt format", examples=notes, label="formats")
