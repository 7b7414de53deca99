"""The malformed-CSV corpus (tests/bad_csv/) through ``harness validate`` and ``harness run``.

Every bad file gives exactly one line ``FILE:ROW:COLUMN: ...`` on stderr and
exit 2; every accepted one lists exactly its documented warnings; neither
command creates or changes anything when the CSV is bad.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from harness._csvdata import MAX_FIELD_CHARS, MAX_FILE_BYTES
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "bad_csv"
EXPECTED = tomllib.loads((CORPUS / "EXPECTED.toml").read_text(encoding="utf-8"))
BAD = sorted(n for n, e in EXPECTED.items() if "error" in e)
GOOD = sorted(n for n, e in EXPECTED.items() if e.get("ok"))
GOOD_ROW = "question;answer\n¿Cuánto cuesta la matrícula?;La matrícula cuesta S/ 350.\n"


def cli(argv: list[str]) -> int:
    """``harness ARGV`` in-process; the exit status whether main returns or exits."""
    from harness.cli import main

    try:
        return main(argv)
    except SystemExit as exc:  # _load_csv_or_exit raises SystemExit(2)
        return exc.code


def tree(path: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(path)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*"))}


def one_error_line(err: str, shown: str, substring: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {lines!r}"
    line = lines[0]
    assert line.startswith(shown + ":"), line
    assert re.fullmatch(r"\d+:[^:\s]+: .+", line[len(shown) + 1:]), f"not FILE:ROW:COLUMN: ... -> {line!r}"
    assert substring in line, f"{substring!r} not in {line!r}"
    return line


@pytest.fixture(scope="module", autouse=True)
def corpus_untouched():
    before = tree(CORPUS)
    yield
    assert tree(CORPUS) == before, "validating the corpus changed it (temp files left?)"


def test_corpus_is_complete():
    on_disk = {p.name for p in CORPUS.iterdir()} - {"EXPECTED.toml"}
    listed = {n for n, e in EXPECTED.items() if not e.get("absent")}
    assert on_disk == listed, f"unlisted: {on_disk - listed}, listed but missing: {listed - on_disk}"
    assert len(on_disk) >= 30
    for name, e in EXPECTED.items():
        assert ("error" in e) != bool(e.get("ok")), name
        if e.get("absent"):
            assert not (CORPUS / name).exists()


@pytest.mark.parametrize("name", BAD)
def test_bad_file_one_line_exit_2(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = str(CORPUS / name)
    assert cli(["validate", shown]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    one_error_line(err, shown, EXPECTED[name]["error"])
    assert list(tmp_path.iterdir()) == [], "validate created files"


@pytest.mark.parametrize("name", GOOD)
def test_accepted_file_lists_its_warnings(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = str(CORPUS / name)
    assert cli(["validate", shown]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{shown}: OK, ") and out.count("\n") == 1
    lines = err.splitlines()
    expected = EXPECTED[name].get("warnings", [])
    assert all(line.startswith(shown + ":") and line.endswith(" (warning)") for line in lines), lines
    assert len(lines) == len(expected), f"warnings {lines!r} != documented {expected!r}"
    for want in expected:
        assert any(want in line for line in lines), f"{want!r} not in {lines!r}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", BAD)
def test_run_and_train_refuse_bad_csv_creating_nothing(name, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reports = tmp_path / "reports"
    shown = str(CORPUS / name)
    for cmd in ("run", "train"):
        assert cli([cmd, shown, "--reports", str(reports), "--run-id", "r1"]) == 2
        _, err = capsys.readouterr()
        one_error_line(err, shown, EXPECTED[name]["error"])
    assert list(tmp_path.iterdir()) == [], "a run folder (or the reports folder) was created"


def test_run_on_bad_csv_leaves_existing_run_alone(capsys, tmp_path):
    reports = tmp_path / "reports"
    (reports / "r1").mkdir(parents=True)
    (reports / "r1" / "summary.json").write_text("{}")
    before = tree(reports)
    for extra in ([], ["--force"], ["--resume"]):
        assert cli(["run", str(CORPUS / "latin1.csv"), "--reports", str(reports), "--run-id", "r1", *extra]) == 2
    assert tree(reports) == before
    capsys.readouterr()


def test_pair_longer_than_training_length(tmp_path, capsys, tiny_model_dir):
    """Caught by the token check of validate --max-length and of run, before any folder."""
    p = tmp_path / "long.csv"
    p.write_text("question;answer\n¿Hora?;De 8 a 18 h.\n¿Dónde?;" + "En la sede central del Cusco. " * 20 + "\n",
                 encoding="utf-8")
    assert cli(["validate", str(p), "--max-length", "32", "--model", tiny_model_dir]) == 2
    one_error_line(capsys.readouterr().err, str(p), ":3:answer: pair is ")
    reports = tmp_path / "reports"
    assert cli(["run", str(p), "--reports", str(reports), "--model", tiny_model_dir, "--max-length", "32"]) == 2
    one_error_line(capsys.readouterr().err, str(p), ":3:answer: pair is ")
    assert not reports.exists()


# -- cases made at test time --------------------------------------------------


def _expect_error(path, substring, capsys) -> str:
    assert cli(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return one_error_line(err, str(path), substring)


def test_one_megabyte_cell(tmp_path, capsys):
    p = tmp_path / "big.csv"
    p.write_text("question;answer\n¿Hora?;" + "x" * 1_000_000 + "\n", encoding="utf-8")
    _expect_error(p, f":2:-: a cell is longer than 131072 characters (the limit is {MAX_FIELD_CHARS})", capsys)
    p.write_text("question;answer\n¿Hora?;" + "x" * (MAX_FIELD_CHARS + 1) + "\n", encoding="utf-8")
    _expect_error(p, f":2:answer: cell is {MAX_FIELD_CHARS + 1} characters; the limit is {MAX_FIELD_CHARS}", capsys)
    p.write_text("question;answer\n¿Hora?;De 8 a 18 h.\n\"¿Dónde?;" + "En Cusco. " * 20_000 + "\n", encoding="utf-8")
    _expect_error(p, ":3:-: a cell is longer than", capsys)  # an unclosed quote swallowing 200 kB


def test_file_over_size_limit_is_not_read(tmp_path, capsys):
    p = tmp_path / "huge.csv"
    with open(p, "wb") as fh:  # sparse: costs no disk
        fh.write(GOOD_ROW.encode())
        fh.truncate(MAX_FILE_BYTES + 1)
    _expect_error(p, f":0:-: file is {MAX_FILE_BYTES + 1} bytes; the limit is", capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_and_device_do_not_block(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    old = signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("loader blocked")))
    signal.alarm(10)
    try:
        _expect_error(fifo, ":0:-: not a regular file", capsys)
        if Path("/dev/zero").exists():  # would read forever
            _expect_error("/dev/zero", ":0:-: not a regular file", capsys)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_file_name_with_newline_stays_one_line(tmp_path, capsys):
    p = tmp_path / "bad\nname\r.csv"
    p.write_text("question;answer\n", encoding="utf-8")
    assert cli(["validate", str(p)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "\\n" in err and ":2:-: header only" in err


def test_unreadable_and_too_long_names(tmp_path, capsys, monkeypatch):
    _expect_error(tmp_path / ("a" * 300 + ".csv"), ":0:-: cannot read the file", capsys)
    p = tmp_path / "locked.csv"
    p.write_text(GOOD_ROW, encoding="utf-8")

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")

    import harness._csvdata as csvdata

    monkeypatch.setattr(csvdata, "open", denied, raising=False)
    line = _expect_error(p, ":0:-: cannot read the file", capsys)
    assert "Permission denied" in line


def test_subprocess_exit_status(tmp_path):
    """The real entry point: exit status 2 and one stderr line, nothing created."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    bad = str(CORPUS / "unclosed_quote.csv")
    r = subprocess.run([sys.executable, "-m", "harness", "run", bad, "--reports", str(tmp_path / "rep")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    one_error_line(r.stderr, bad, EXPECTED["unclosed_quote.csv"]["error"])
    assert not (tmp_path / "rep").exists()
