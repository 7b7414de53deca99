"""The quality gate: ``pytest probes/ [--run-dir reports/<run-id>]``.

Loads one finished run per session, judges its shipping system against
``probes/thresholds.toml``, reports the raw tuned model's figures in the
terminal summary (not gated), and writes the outcome into the run's
``summary.json`` under ``gate``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from _gate import ROOT, Gate, Run, fmt, load_thresholds
from harness._io import write_json
from harness._runs import latest_run

FAMILIES = {
    "accuracy": "ROUGE-L and fact recall of in-domain answers",
    "repetition": "looping final answers",
    "hallucination": "facts the CSV does not state (unsupported_fact) in final answers",
    "truncation": "final answers cut mid-sentence",
    "stray_tokens": "artefact tokens in final answers",
    "direct_answer": "final answers that do not answer the question",
    "refusal": "refusal of off-topic/unsafe prompts and false refusals of legitimate ones",
    "injection": "refusal of prompt injections",
    "template": "the adapter is queried with the prompt format it was trained with",
    "safety_regression": "the tuned model refuses no fewer unsafe prompts than its base",
}
RUN_KEY = pytest.StashKey[Path]()
GATE_KEY = pytest.StashKey[Gate]()
CACHE_KEY = pytest.StashKey[dict]()
DESELECTED_KEY = pytest.StashKey[int]()


def pytest_addoption(parser):
    group = parser.getgroup("centinela gate")
    group.addoption("--run-dir", default=None, help="run folder to judge (default: the latest under --reports)")
    group.addoption("--reports", default=str(ROOT / "reports"), help="where runs live (default: <repo>/reports)")


def pytest_configure(config):
    for name, what in FAMILIES.items():
        config.addinivalue_line("markers", f"{name}: {what}")


def pytest_sessionstart(session):
    """Find the run before collecting (``--markers`` and ``--help`` need none)."""
    config = session.config
    given = config.getoption("--run-dir", default=None)
    run = Path(given) if given else latest_run(config.getoption("--reports", default="reports"))
    if run is None:
        raise pytest.UsageError("no run found under reports/: make one with `harness run data/cenfobank.csv` "
                                "or pass --run-dir reports/<run-id>")
    if not (run / "summary.json").is_file():
        raise pytest.UsageError(f"--run-dir {run}: not a finished run (no summary.json)")
    config.stash[RUN_KEY] = run.resolve()
    config.stash[GATE_KEY] = Gate(load_thresholds())
    config.stash[CACHE_KEY] = {}
    config.stash[DESELECTED_KEY] = 0


def _load(config) -> Run:
    cache = config.stash[CACHE_KEY]
    if "run" not in cache:
        cache["run"] = Run(config.stash[RUN_KEY])
    return cache["run"]


@pytest.fixture(scope="session")
def run(pytestconfig) -> Run:
    """The run under test, loaded once."""
    return _load(pytestconfig)


@pytest.fixture(scope="session")
def gate(pytestconfig) -> Gate:
    return pytestconfig.stash[GATE_KEY]


def pytest_generate_tests(metafunc):
    if "adapter_dir" in metafunc.fixturenames:
        root = metafunc.config.stash[RUN_KEY]
        dirs = [root] + [p.parent for p in sorted(root.glob("*/train_config.json"))]
        metafunc.parametrize("adapter_dir", dirs, ids=[p.name if p != root else "tuned" for p in dirs])


def pytest_deselected(items):
    cfg = items[0].config if items else None
    if cfg is not None and DESELECTED_KEY in cfg.stash:
        cfg.stash[DESELECTED_KEY] += len(items)


def _complete(session) -> bool:
    """Every probe module collected and nothing deselected."""
    here = Path(__file__).parent
    ran = {Path(str(item.path)) for item in session.items}
    return session.config.stash[DESELECTED_KEY] == 0 and set(here.glob("test_*.py")) <= ran


def pytest_sessionfinish(session, exitstatus):
    cfg = session.config
    if GATE_KEY not in cfg.stash or cfg.option.collectonly or not session.items:
        return
    g = cfg.stash[GATE_KEY]
    path = cfg.stash[RUN_KEY] / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        complete = _complete(session)
        checks = {c["name"]: c for c in ([] if complete else summary.get("gate", {}).get("checks", []))}
        checks.update({c["name"]: c for c in g.as_dict()})
        skipped = {} if complete else dict(summary.get("gate", {}).get("skipped", {}))
        skipped.update(g.skipped)
        for name in g.outcomes:
            skipped.pop(name, None)
        passed = int(exitstatus) == 0 and all(c["passed"] for c in checks.values())
        summary["gate"] = {"passed": passed, "complete": complete, "checks": list(checks.values()),
                           "skipped": skipped, "exit_status": int(exitstatus),
                           "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        write_json(path, summary)
        cfg.stash[CACHE_KEY]["written"] = (path, summary["gate"])
    except (OSError, ValueError) as exc:
        cfg.stash[CACHE_KEY]["written"] = (path, {"error": str(exc)})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if GATE_KEY not in config.stash:
        return
    tr, g = terminalreporter, config.stash[GATE_KEY]
    tr.write_sep("=", f"centinela gate: {config.stash[RUN_KEY]}")
    for o in g.outcomes.values():
        tr.write_line(f"  {'PASS' if o.passed else 'FAIL'}  {o.name:<46} {fmt(o.value):>8} {o.op} {fmt(o.threshold)}",
                      green=o.passed, red=not o.passed)
    for name, why in g.skipped.items():
        tr.write_line(f"  SKIP  {name:<46} {why}", yellow=True)
    path, written = config.stash[CACHE_KEY].get("written", (None, None))
    if written and "error" not in written:
        failed = [c["name"] for c in written["checks"] if not c["passed"]]
        verdict = "PASSED" if written["passed"] else f"FAILED ({len(failed)} of {len(written['checks'])} checks failed)"
        scope = "" if written["complete"] else " (partial run: merged per check)"
        tr.write_line(f"gate {verdict}{scope} -> {path} [gate]", bold=True, green=written["passed"], red=not written["passed"])
    elif written:
        tr.write_line(f"gate outcome NOT written to {path}: {written['error']}", red=True)
    try:
        run = _load(config)
    except Exception:  # the tests already reported why the run cannot be read
        return
    _report_raw(tr, run)


def _report_raw(tr, run: Run) -> None:
    """The raw tuned model's figures: reported, never gated."""
    tr.write_sep("-", "raw model (tuned): reported, not gated")
    figs = run.figures.get("tuned")
    if not figs:
        tr.write_line("  no 'tuned' answers in this run")
        return
    kinds = {"repetition": "loop", "unsupported_fact": "unsupp", "truncated": "trunc", "stray_token": "stray",
             "no_direct_answer": "nodirect"}
    tr.write_line(f"  {'set':<12}{'n':>4}{'rougeL':>8}{'facts':>7}{'refused':>8}" + "".join(f"{k:>9}" for k in kinds.values()))
    for name, f in figs.items():
        if isinstance(f, dict):
            tr.write_line(f"  {name:<12}{f['n']:>4}{fmt(f['rouge_l']):>8}{fmt(f['fact_recall']):>7}"
                          f"{fmt(f['refused_rate']):>8}" + "".join(f"{fmt(f['rates'][k]):>9}" for k in kinds))
    gaps = {s: v["_memorisation_gap"] for s, v in run.figures.items() if "_memorisation_gap" in v}
    if gaps:
        tr.write_line("  memorisation gap (ROUGE-L verbatim - paraphrase): "
                      + ", ".join(f"{s} {fmt(v)}" for s, v in gaps.items()))
    base = run.figures.get("base", {}).get("unsafe")
    if base and "unsafe" in figs:
        tr.write_line(f"  unsafe refused: base {fmt(base['refused_rate'])}, tuned {fmt(figs['unsafe']['refused_rate'])}")
