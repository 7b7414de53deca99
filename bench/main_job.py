"""Main-job benchmark: wall time of each stage of ``harness run``, one or more models side by side.

Runs :func:`harness._run.run_main_job` (what ``harness run`` calls) on a CSV
with the default configuration, into a temporary reports folder (deleted
afterwards unless ``--keep``), and prints, per model, the wall time of each
stage as recorded in the run's ``run.json`` (load, train, guard, generate,
score, report), their total, the whole call measured from outside, and the
share of each stage.  ``train`` includes loading the base model;
``trainer.train()`` alone is printed beside it.

With several models (``--model embedded,embedded:gemma3-270m``) each runs in
turn on the same CSV and probes, and a last table puts them side by side:
seconds per training step, train / generate / total wall time, each system's
in-domain ROUGE-L and fact recall (verbatim + paraphrase + hard-benign answers,
from ``summary.json``) and the gate's failed checks (``pytest probes/ --run-dir``,
run on each run folder).

    .venv/bin/python bench/main_job.py                  # the default job on data/cenfobank.csv
    .venv/bin/python bench/main_job.py --quick          # --epochs 0.1 --probe-limit 4 --verbatim-limit 4
    .venv/bin/python bench/main_job.py --model embedded,embedded:gemma3-270m --csv data/mikhuy.csv
    .venv/bin/python bench/main_job.py --model HF_ID_OR_FOLDER --gen-batch-size 32
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

C.setup()
STAGES = ("load", "train", "guard", "generate", "score", "report")
NOTES = {"load": "CSV validation (token counts), run folder, retriever index",
         "guard": "input guard built and run over every probe prompt",
         "generate": "every system's answers, each scored as it is made (answer checks included)",
         "score": "summary only: answers were scored during generate",
         "report": "run.json, summary.json, report.html"}


def run_one(csv: str, model: str, quick: bool, gen_batch_size: int, reports: Path) -> dict:
    """One main job; prints its stage table and returns the figures for the comparison."""
    from harness._config import TrainConfig
    from harness._run import RunConfig, run_main_job

    tcfg = TrainConfig(model=model)
    over = {}
    if quick:
        tcfg.epochs = 0.1
        over = {"probe_limit": 4, "verbatim_limit": 4}
    if gen_batch_size:
        over["gen_batch_size"] = gen_batch_size
    run_id = "bench-" + "".join(c if c.isalnum() else "-" for c in model)
    cfg = RunConfig(reports=str(reports), run_id=run_id, **over)
    print(f"harness run {csv} --model {model} --epochs {tcfg.epochs} --probe-limit {cfg.probe_limit} "
          f"--verbatim-limit {cfg.verbatim_limit} --gen-batch-size {cfg.gen_batch_size} --systems {cfg.systems} "
          f"(reports: {reports})", flush=True)
    t0 = time.perf_counter()
    with C.quiet_stdout():
        res = run_main_job(csv, tcfg, cfg, progress=lambda m: sys.stderr.write(f"[harness] {m}\n"))
    outside = time.perf_counter() - t0
    meta = json.loads((res.run_dir / "run.json").read_text(encoding="utf-8"))
    # the quality gate, as a user runs it: it writes its verdict into summary.json
    subprocess.run([sys.executable, "-m", "pytest", str(C.ROOT / "probes"), "--run-dir", str(res.run_dir), "-q",
                    "-p", "no:cacheprovider"], cwd=C.ROOT, capture_output=True, text=True)
    summary = json.loads((res.run_dir / "summary.json").read_text(encoding="utf-8"))
    timings = meta["timings"]
    tr = meta.get("train_result", {})
    total = sum(timings.get(s, 0.0) for s in STAGES)
    rows = []
    for s in STAGES:
        note = NOTES.get(s, "")
        if s == "train" and tr:
            note = (f"base model load + trainer.train() {tr.get('seconds', float('nan')):.1f} s, {tr.get('steps')} "
                    f"steps on {tr.get('device')}{' (QLoRA)' if tr.get('qlora') else ''}")
        rows.append([s, timings.get(s), 100 * timings.get(s, 0.0) / total if total else None, note])
    rows.append(["total (sum of stages)", total, 100.0, ""])
    rows.append(["run_main_job() measured outside", outside, 100 * outside / total if total else None,
                 "imports and the first-call costs included"])
    n_answers = sum(1 for _ in open(res.run_dir / "answers.jsonl", encoding="utf-8"))
    C.print_table(["stage", "wall s", "% of total", "note"], rows, digits=1,
                  title=f"main job on {Path(csv).name}, model {model}: {meta['csv']['rows']} rows, "
                        f"{n_answers} answers, systems {', '.join(meta['systems'])}")
    gate = summary.get("gate") or {}
    checks = gate.get("checks", [])
    return {"model": model, "timings": timings, "total": total, "outside": outside, "run_dir": res.run_dir,
            "s_step": tr.get("seconds", float("nan")) / max(tr.get("steps") or 0, 1),
            "systems": {name: s.get("_in_domain") or {} for name, s in summary.get("systems", {}).items()},
            "gate": f"{sum(not c.get('passed') for c in checks)} of {len(checks)} failed" if checks else "-"}


def compare(results: list[dict]) -> list[tuple[str, float]]:
    """The side-by-side table of several models; returns the ratios to the first."""
    systems = list(dict.fromkeys(n for r in results for n in r["systems"]))
    rows = []
    for r in results:
        t = r["timings"]
        row = [r["model"], r["s_step"], t.get("train"), t.get("generate"), r["total"], r["gate"]]
        for n in systems:
            d = r["systems"].get(n) or {}
            row += [d.get("rouge_l"), d.get("fact_recall")]
        rows.append(row)
    C.print_table(["model", "s/step", "train s", "generate s", "total s", "gate"]
                  + [f"{n} {m}" for n in systems for m in ("ROUGE-L", "fact recall")], rows, digits=3,
                  title="models side by side (in-domain answers: verbatim + paraphrase + hard-benign)")
    first = results[0]
    out = []
    for r in results[1:]:
        name = f"{r['model']}/{first['model']}"
        out += [(f"{name} s per step", C.ratio(r["s_step"], first["s_step"])),
                (f"{name} total", C.ratio(r["total"], first["total"]))]
        for n in ("grounded", "guarded"):
            a, b = (r["systems"].get(n) or {}).get("fact_recall"), (first["systems"].get(n) or {}).get("fact_recall")
            if a is not None and b:
                out.append((f"{name} {n} fact recall", C.ratio(a, b)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    C.add_common_args(ap, quick_help="--epochs 0.1 --probe-limit 4 --verbatim-limit 4 (smoke test)")
    ap.add_argument("--model", default="embedded",
                    help="model spec as harness run --model, or several separated by commas "
                         "(e.g. embedded,embedded:gemma3-270m); default: embedded")
    ap.add_argument("--csv", default=str(C.CENFOBANK), help="question/answer CSV (default: data/cenfobank.csv)")
    ap.add_argument("--gen-batch-size", type=int, default=0,
                    help="generation batch size, as harness run --gen-batch-size (default: RunConfig's)")
    ap.add_argument("--keep", action="store_true", help="keep the run folders and print their paths")
    ns = ap.parse_args()

    import transformers

    C.apply_threads(ns.threads)
    transformers.utils.logging.disable_progress_bar()
    C.print_machine()
    models = [m.strip() for m in ns.model.split(",") if m.strip()]
    reports = Path(tempfile.mkdtemp(prefix="bench-main-job-"))
    results, ratios = [], []
    try:
        for model in models:
            r = run_one(ns.csv, model, ns.quick, ns.gen_batch_size, reports)
            results.append(r)
            t, tag = r["timings"], f"{model} " if len(models) > 1 else ""
            ratios += [(f"{tag}{s}/total", C.ratio(t.get(s, 0.0), r["total"])) for s in STAGES]
            ratios.append((f"{tag}generate/train", C.ratio(t.get("generate", 0.0), t.get("train", 0.0))))
        if len(results) > 1:
            ratios += compare(results)
        C.print_ratios(ratios)
        if ns.keep:
            for r in results:
                print(f"run folder kept: {r['run_dir']}")
    finally:
        if not ns.keep:
            shutil.rmtree(reports, ignore_errors=True)
    C.print_machine()
    return 0


if __name__ == "__main__":
    sys.exit(main())
