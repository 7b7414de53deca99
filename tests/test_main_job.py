"""The main job end to end on the tiny model: every default system answers,
results are versioned, the run is never overwritten, the report is written."""

from __future__ import annotations

import json

import pytest

from harness import cli
from harness._io import read_jsonl
from tests.conftest import DATA


@pytest.fixture(scope="module")
def main_run(tiny_model_dir, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    rc = cli.main(["run", str(DATA / "cenfobank.csv"), "--model", tiny_model_dir, "--reports", str(reports),
                   "--run-id", "tiny", "--epochs", "1", "--max-rows", "16", "--probe-limit", "3",
                   "--verbatim-limit", "4", "--max-new-tokens", "8"])
    assert rc == 0
    return reports / "tiny"


def test_run_folder_contents(main_run):
    for name in ("run.json", "summary.json", "answers.jsonl", "guard.jsonl", "loss.jsonl", "report.html",
                 "prompt_format.json", "train_config.json", "adapter/adapter_model.safetensors"):
        assert (main_run / name).exists(), name
    meta = json.loads((main_run / "run.json").read_text())
    assert meta["schema"] == "centinela.run/1" and len(meta["csv"]["sha256"]) == 64
    assert set(meta["timings"]) >= {"load", "train", "guard", "generate", "score", "report"}


def test_every_default_system_answered(main_run):
    recs = read_jsonl(main_run / "answers.jsonl")
    assert {r["schema"] for r in recs} == {"centinela.answer/1"}
    systems = {r["system"] for r in recs}
    assert systems == {"retrieval", "tuned", "grounded", "guarded", "base"}
    sets = {r["set"] for r in recs if r["system"] == "guarded"}
    assert sets == {"verbatim", "paraphrase", "hard_benign", "odd_format", "off_topic", "unsafe", "injection"}
    # retrieval answers verbatim CSV questions with their own answers
    verb = [r for r in recs if r["system"] == "retrieval" and r["set"] == "verbatim"]
    assert all(r["answer"] == r["reference"] and r["rouge_l"] == 1.0 for r in verb)
    # the guard refuses before generation: no raw answer for refused prompts
    refused = [r for r in recs if r["system"] == "guarded" and r["action"] == "refused" and r["input_guard"]
               and not r["input_guard"]["allowed"]]
    assert refused and all(r["raw_answer"] == "" for r in refused)


def test_summary_matches_answers(main_run):
    from harness._summary import summarize

    summary = json.loads((main_run / "summary.json").read_text())
    assert summary["schema"] == "centinela.summary/1"
    assert summary["systems"] == json.loads(json.dumps(summarize(read_jsonl(main_run / "answers.jsonl"))))
    assert summary["guard"]["unsafe"]["n"] >= 100


def test_never_overwrites(main_run, tiny_model_dir, capsys):
    before = (main_run / "summary.json").read_bytes()
    rc = cli.main(["run", str(DATA / "cenfobank.csv"), "--model", tiny_model_dir, "--reports",
                   str(main_run.parent), "--run-id", "tiny", "--epochs", "1"])
    assert rc == 2 and "exists" in capsys.readouterr().err
    assert (main_run / "summary.json").read_bytes() == before
