"""No data lost: atomic writes, run folders never clobbered, run ids that cannot escape."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

import harness._io as hio
from harness._io import append_jsonl, read_jsonl, write_json, write_jsonl, write_text
from harness._runs import RunExists, create_run, run_path

OLD = {"schema": "old", "rows": [1, 2, 3]}


def leftovers(folder: Path, name: str) -> list[str]:
    """Temporary files ``.NAME.*`` that write_text may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


@pytest.fixture()
def old_file(tmp_path) -> Path:
    path = tmp_path / "summary.json"
    write_json(path, OLD)
    return path


def _intact(path: Path) -> None:
    assert json.loads(path.read_text(encoding="utf-8")) == OLD
    assert leftovers(path.parent, path.name) == []


def test_write_json_roundtrip_and_replace(old_file):
    write_json(old_file, {"schema": "new", "text": "ñandú \u202e \ud800"[:8]})
    assert json.loads(old_file.read_text(encoding="utf-8"))["schema"] == "new"
    assert leftovers(old_file.parent, old_file.name) == []


@pytest.mark.parametrize("fault", ["replace", "fsync", "write", "interrupt"])
def test_failure_mid_write_keeps_old_file(old_file, monkeypatch, fault):
    def boom(*a, **k):
        raise (KeyboardInterrupt() if fault == "interrupt" else OSError(28, "No space left on device"))

    if fault in ("replace", "interrupt"):
        monkeypatch.setattr(hio.os, "replace", boom)
    elif fault == "fsync":
        monkeypatch.setattr(hio.os, "fsync", boom)
    else:
        real_fdopen = os.fdopen

        class Half:  # writes half the text, then the disk is full
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            def write(self, text):
                self.fh.write(text[: len(text) // 2])
                self.fh.flush()
                boom()

        monkeypatch.setattr(hio.os, "fdopen", lambda fd, *a, **k: Half(real_fdopen(fd, *a, **k)))
    with pytest.raises(KeyboardInterrupt if fault == "interrupt" else OSError):
        write_json(old_file, {"schema": "new", "big": "x" * 100_000})
    _intact(old_file)


def test_serialisation_failure_writes_nothing(old_file, monkeypatch):
    def bad_dumps(*a, **k):
        raise TypeError("not serialisable")

    monkeypatch.setattr(hio.json, "dumps", bad_dumps)
    with pytest.raises(TypeError):
        write_json(old_file, {"x": 1})
    with pytest.raises(TypeError):
        write_jsonl(old_file, [{"x": 1}])
    monkeypatch.undo()
    _intact(old_file)


def test_generator_failure_in_write_jsonl_keeps_old_file(old_file):
    def records():
        yield {"ok": 1}
        raise RuntimeError("scorer crashed")

    with pytest.raises(RuntimeError):
        write_jsonl(old_file, records())
    _intact(old_file)


def test_write_text_creates_parents_and_survives_lone_surrogates(tmp_path):
    path = tmp_path / "a" / "b" / "report.html"
    write_text(path, "<p>ok</p>")
    assert path.read_text() == "<p>ok</p>"
    # A lone surrogate (JSON "\\ud800" from a hostile client, undecodable argv
    # bytes) cannot be UTF-8: text gets U+FFFD, JSON keeps the exact value
    # escaped; neither crashes at the end of a run.
    write_text(path, "bad \ud800 surrogate")
    assert path.read_text(encoding="utf-8") == "bad \ufffd surrogate"
    write_json(tmp_path / "s.json", {"q": "bad \ud800", "ok": "ñ"})
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == {"q": "bad \ud800", "ok": "ñ"}
    write_jsonl(tmp_path / "s.jsonl", [{"q": "\udcff"}, {"q": "ñ"}])
    append_jsonl(tmp_path / "s.jsonl", {"q": "\udfff"})
    assert [r["q"] for r in read_jsonl(tmp_path / "s.jsonl")] == ["\udcff", "ñ", "\udfff"]
    assert leftovers(path.parent, path.name) == []


def test_concurrent_writers_never_leave_a_torn_file(tmp_path):
    path = tmp_path / "state.json"
    write_json(path, {"writer": -1, "pad": ""})
    stop = threading.Event()
    torn: list[str] = []

    def reader():
        while not stop.is_set():
            text = path.read_text(encoding="utf-8")
            try:
                json.loads(text)
            except ValueError:
                torn.append(text[:80])

    def writer(i):
        for _ in range(20):
            write_json(path, {"writer": i, "pad": "x" * 50_000})

    r = threading.Thread(target=reader)
    r.start()
    ws = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    stop.set()
    r.join()
    assert torn == []
    assert json.loads(path.read_text())["writer"] in range(4)
    assert leftovers(tmp_path, path.name) == []


def test_append_jsonl_keeps_earlier_lines(tmp_path):
    path = tmp_path / "loss.jsonl"
    for i in range(5):
        append_jsonl(path, {"step": i + 1, "q": "¿\u202e?"})
    assert [r["step"] for r in read_jsonl(path)] == [1, 2, 3, 4, 5]


# -- run folders ---------------------------------------------------------------


def _fill(run: Path) -> None:
    (run / "adapter").mkdir()
    (run / "adapter" / "adapter_model.safetensors").write_bytes(b"weights")
    write_json(run / "summary.json", OLD)


def test_existing_run_refused_without_force(tmp_path):
    run = create_run(tmp_path, "r1")
    _fill(run)
    with pytest.raises(RunExists, match="--force"):
        create_run(tmp_path, "r1")
    assert (run / "adapter" / "adapter_model.safetensors").read_bytes() == b"weights"
    assert json.loads((run / "summary.json").read_text()) == OLD


def test_resume_keeps_and_force_replaces(tmp_path):
    run = create_run(tmp_path, "r1")
    _fill(run)
    assert create_run(tmp_path, "r1", resume=True) == run
    assert (run / "adapter" / "adapter_model.safetensors").read_bytes() == b"weights"
    assert create_run(tmp_path, "r1", resume=True, force=True) == run  # resume wins: nothing deleted
    assert (run / "summary.json").exists()
    assert create_run(tmp_path, "r1", force=True) == run
    assert list(run.iterdir()) == []
    assert create_run(tmp_path, "new", resume=True).is_dir()  # resume of nothing starts fresh


def test_racing_creators_get_run_exists(tmp_path, monkeypatch):
    """The folder appears between the exists() check and mkdir: RunExists, not a crash."""
    path = run_path(tmp_path, "r1")
    real_exists = Path.exists

    def late_exists(self, *a, **k):
        if self == path:
            path.mkdir(exist_ok=True)  # the other process wins here
            return False
        return real_exists(self, *a, **k)

    monkeypatch.setattr(Path, "exists", late_exists)
    with pytest.raises(RunExists):
        create_run(tmp_path, "r1")


ESCAPES = ["../x", "..", ".", "/abs", "/etc/passwd", "a/b", "a\\b", "x/../../y", "x..y", "", " ", "-rf",
           ".hidden", "a" * 129, "ñandú", "run\u202e", "run\u200b", "ｒｕｎ", "run\n", "run\r", "run\x00",
           "~", "~root", "a b", "run;rm", "$(id)", "run*"]


@pytest.mark.parametrize("run_id", ESCAPES, ids=[ascii(x)[:20] for x in ESCAPES])
def test_escaping_run_ids_refused(tmp_path, run_id):
    reports = tmp_path / "reports"
    with pytest.raises(ValueError, match="invalid run id|escapes"):
        create_run(reports, run_id)
    assert not reports.exists() or list(reports.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["reports"])


def test_symlinked_run_id_cannot_escape(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (reports / "link").symlink_to(outside)
    with pytest.raises(ValueError, match="escapes"):
        create_run(reports, "link", force=True)
    assert outside.is_dir()  # --force did not delete what the link points at


@pytest.mark.parametrize("run_id", ["r1", "cenfobank-20250101-120000", "A.b_c-9", "a" * 128])
def test_good_run_ids(tmp_path, run_id):
    assert create_run(tmp_path, run_id).parent == tmp_path.resolve()


def test_cli_refuses_bad_run_id_and_existing_run(tmp_path, capsys, tiny_model_dir):
    from harness.cli import main

    csv = tmp_path / "g.csv"
    csv.write_text("question;answer\n¿Hora?;De 8 a 18 h.\n", encoding="utf-8")
    reports = tmp_path / "reports"
    (reports / "r1").mkdir(parents=True)
    (reports / "r1" / "keep.txt").write_text("keep")
    cmds = ["train"]
    try:
        import guards._chain, guards._output  # noqa: F401  (`run` imports them before the run folder)
        cmds.append("run")
    except ImportError:
        pass
    for cmd in cmds:
        args = [cmd, str(csv), "--reports", str(reports), "--model", tiny_model_dir]
        assert main([*args, "--run-id", "../x"]) == 2
        assert "invalid run id" in capsys.readouterr().err
        assert main([*args, "--run-id", "r1"]) == 2
        assert "exists; use --force" in capsys.readouterr().err
    assert main(["train", str(csv), "--reports", str(reports), "--run-id", "r2", "--epochs", "0"]) == 2
    assert "epochs" in capsys.readouterr().err
    assert sorted(p.name for p in reports.iterdir()) == ["r1"]
    assert (reports / "r1" / "keep.txt").read_text() == "keep"


# -- safe loading: no pickle on any path a run folder or a download can feed -------


def test_no_pickle_loading_in_the_code():
    import re

    from tests.conftest import ROOT

    unsafe = re.compile(r"\btorch\.load\(|\bimport pickle\b|\bpickle\.loads?\(|\bjoblib\.load\(|allow_pickle\s*=\s*True"
                        r"|weights_only\s*=\s*False|trust_remote_code\s*=\s*True|use_safetensors\s*=\s*False")
    hits = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
            for folder in ("harness", "guards", "probes", "bench", "scripts")
            for p in sorted((ROOT / folder).rglob("*.py"))
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if unsafe.search(line)]
    assert hits == []


def test_causal_lm_is_loaded_with_safetensors_only(monkeypatch, tmp_path):
    import transformers

    from harness import _models

    (tmp_path / "config.json").write_text("{}")
    seen = {}

    def fake(path, **kwargs):
        seen.update(kwargs, path=path)
        return "model"

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", fake)
    assert _models.load_causal_lm(str(tmp_path)) == "model"
    assert seen["use_safetensors"] is True and "trust_remote_code" not in seen
