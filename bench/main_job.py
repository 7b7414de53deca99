"""Main-job benchmark: wall time of each stage of ``harness run``.

Runs :func:`harness._run.run_main_job` (what ``harness run`` calls) on a CSV
with the default configuration, into a temporary reports folder (deleted
afterwards unless ``--keep``), and prints the wall time of each stage as
recorded in the run's ``run.json`` (load, train, guard, generate, score,
report), their total, the whole call measured from outside, and the share of
each stage.  ``train`` includes loading the base model; ``trainer.train()``
alone is printed beside it.

    .venv/bin/python bench/main_job.py                  # the default job on data/cenfobank.csv
    .venv/bin/python bench/main_job.py --quick          # --epochs 0.1 --probe-limit 4 --verbatim-limit 4
    .venv/bin/python bench/main_job.py --model HF_ID_OR_FOLDER --csv data/mikhuy.csv
    .venv/bin/python bench/main_job.py --gen-batch-size 32
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

C.setup()
STAGES = ("load", "train", "guard", "generate", "score", "report")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    C.add_common_args(ap, quick_help="--epochs 0.1 --probe-limit 4 --verbatim-limit 4 (smoke test)")
    ap.add_argument("--model", default="embedded", help="model spec, as harness run --model (default: embedded)")
    ap.add_argument("--csv", default=str(C.CENFOBANK), help="question/answer CSV (default: data/cenfobank.csv)")
    ap.add_argument("--gen-batch-size", type=int, default=0,
                    help="generation batch size, as harness run --gen-batch-size (default: RunConfig's)")
    ap.add_argument("--keep", action="store_true", help="keep the run folder and print its path")
    ns = ap.parse_args()

    import transformers

    C.apply_threads(ns.threads)
    transformers.utils.logging.disable_progress_bar()
    from harness._config import TrainConfig
    from harness._run import RunConfig, run_main_job

    C.print_machine()
    tcfg = TrainConfig(model=ns.model)
    over = {}
    if ns.quick:
        tcfg.epochs = 0.1
        over = {"probe_limit": 4, "verbatim_limit": 4}
    if ns.gen_batch_size:
        over["gen_batch_size"] = ns.gen_batch_size
    reports = Path(tempfile.mkdtemp(prefix="bench-main-job-"))
    try:
        cfg = RunConfig(reports=str(reports), run_id="bench", **over)
        print(f"harness run {ns.csv} --model {ns.model} --epochs {tcfg.epochs} --probe-limit {cfg.probe_limit} "
              f"--verbatim-limit {cfg.verbatim_limit} --gen-batch-size {cfg.gen_batch_size} --systems {cfg.systems} "
              f"(reports: {reports})", flush=True)
        t0 = time.perf_counter()
        with C.quiet_stdout():
            res = run_main_job(ns.csv, tcfg, cfg, progress=lambda m: sys.stderr.write(f"[harness] {m}\n"))
        outside = time.perf_counter() - t0
        meta = json.loads((res.run_dir / "run.json").read_text(encoding="utf-8"))
        timings = meta["timings"]
        tr = meta.get("train_result", {})
        total = sum(timings.get(s, 0.0) for s in STAGES)
        rows = []
        notes = {"load": "CSV validation (token counts), run folder, retriever index",
                 "guard": "input guard built and run over every probe prompt",
                 "generate": "every system's answers, each scored as it is made (answer checks included)",
                 "score": "summary only: answers were scored during generate",
                 "report": "run.json, summary.json, report.html"}
        for s in STAGES:
            note = notes.get(s, "")
            if s == "train" and tr:
                note = (f"base model load + trainer.train() {tr.get('seconds', float('nan')):.1f} s, {tr.get('steps')} "
                        f"steps on {tr.get('device')}{' (QLoRA)' if tr.get('qlora') else ''}")
            rows.append([s, timings.get(s), 100 * timings.get(s, 0.0) / total if total else None, note])
        rows.append(["total (sum of stages)", total, 100.0, ""])
        rows.append(["run_main_job() measured outside", outside, 100 * outside / total if total else None,
                     "imports and the first-call costs included"])
        n_answers = sum(1 for _ in open(res.run_dir / "answers.jsonl", encoding="utf-8"))
        C.print_table(["stage", "wall s", "% of total", "note"], rows, digits=1,
                      title=f"main job on {Path(ns.csv).name}, model {ns.model}: {meta['csv']['rows']} rows, "
                            f"{n_answers} answers, systems {', '.join(meta['systems'])}")
        C.print_ratios([(f"{s}/total", C.ratio(timings.get(s, 0.0), total)) for s in STAGES]
                       + [("generate/train", C.ratio(timings.get("generate", 0.0), timings.get("train", 0.0)))])
        if ns.keep:
            print(f"run folder kept: {res.run_dir}")
    finally:
        if not ns.keep:
            shutil.rmtree(reports, ignore_errors=True)
    C.print_machine()
    return 0


if __name__ == "__main__":
    sys.exit(main())
