"""The ``harness`` command line: parse, call one library function, print."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ._config import TrainConfig, add_dataclass_arguments, from_namespace

EXIT_BAD_INPUT = 2


def _setup_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _err(msg: str) -> int:
    print(f"harness: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_validate(ns) -> int:
    from ._csvdata import CSVError, load_qa_csv

    count = None
    if ns.max_length:
        from ._models import load_tokenizer

        tok = load_tokenizer(ns.model)
        count = lambda s: len(tok(s)["input_ids"])  # noqa: E731
    try:
        data = load_qa_csv(ns.csv, max_tokens=ns.max_length or None, count_tokens=count)
    except CSVError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    for w in data.warnings:
        print(f"{w} (warning)", file=sys.stderr)
    print(f"{ns.csv}: OK, {len(data)} question/answer pairs, delimiter {data.delimiter!r}, sha256 {data.sha256[:12]}")
    return 0


def _load_csv_or_exit(path: str):
    from ._csvdata import CSVError, load_qa_csv

    try:
        return load_qa_csv(path)
    except CSVError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def cmd_train(ns) -> int:
    from ._runs import RunExists, create_run, new_run_id
    from ._train import train

    data = _load_csv_or_exit(ns.csv)
    try:
        cfg = from_namespace(TrainConfig, ns)
        retriever = None
        if cfg.grounded:
            from ._retrieval import Retriever

            retriever = Retriever.from_csv(ns.csv)
        run = create_run(ns.reports, ns.run_id or new_run_id(ns.csv), force=ns.force, resume=ns.resume)
    except (RunExists, ValueError) as exc:
        return _err(str(exc))
    res = train(data, run, cfg, retriever=retriever, resume=ns.resume)
    print(f"adapter: {res.adapter_dir} ({res.steps} steps, final loss {res.final_loss:.3f}, {res.seconds:.0f}s on {res.device}{', QLoRA nf4' if res.qlora else ''})")
    return 0


def cmd_generate(ns) -> int:
    from ._runs import load_run_generator

    gen, _, _ = load_run_generator(ns.run_dir, grounded=ns.grounded, max_new_tokens=ns.max_new_tokens,
                                   batch_size=ns.batch_size)
    questions = list(ns.question)
    if ns.input:
        questions += [q.strip() for q in Path(ns.input).read_text(encoding="utf-8").splitlines() if q.strip()]
    if not questions:
        return _err("give questions as arguments or with --input FILE (one per line)")
    for q, a in zip(questions, gen.generate(questions)):
        print(json.dumps({"question": q, "answer": a}, ensure_ascii=False))
    return 0


def cmd_run(ns) -> int:
    from tqdm import tqdm

    from ._csvdata import CSVError
    from ._run import RunConfig, run_main_job
    from ._runs import RunExists

    _load_csv_or_exit(ns.csv)
    try:
        cfg = from_namespace(RunConfig, ns)
        tcfg = from_namespace(TrainConfig, ns)
        res = run_main_job(ns.csv, tcfg, cfg, progress=lambda m: tqdm.write(f"[harness] {m}"),
                           bar=lambda desc, total: tqdm(total=total, desc=f"answers ({desc})", unit="answer"))
    except CSVError as exc:  # e.g. a pair longer than --max-length: FILE:ROW:COLUMN like validate
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (RunExists, ValueError) as exc:
        return _err(str(exc))
    s = res.summary
    print(f"run: {res.run_dir}")
    print(f"report: {res.run_dir / 'report.html'}")
    for system, figs in s["systems"].items():
        d = figs.get("_in_domain") or {}
        print(f"  {system:15s} in-domain ROUGE-L {d.get('rouge_l')}  fact recall {d.get('fact_recall')}  refused {d.get('refused_rate')}")
    print("timings (s): " + ", ".join(f"{k} {v}" for k, v in res.timings.items()))
    print(f"gate: pytest probes/ --run-dir {res.run_dir}")
    return 0


def cmd_report(ns) -> int:
    from ._report import write_report

    runs = [Path(r) for r in ns.run_dir]
    missing = [str(r) for r in runs if not (r / "summary.json").exists()]
    if missing:
        return _err(f"not a finished run folder (no summary.json): {', '.join(missing)}")
    out = write_report(runs, Path(ns.output), lang=ns.lang)
    print(f"report: {out}")
    return 0


def _guarded(ns):
    from guards import GuardedModel

    from ._runs import latest_run

    ship = "tuned" if ns.ungrounded else ns.ship
    run = ns.run_dir or latest_run(ns.reports)
    if ship == "retrieval" and (ns.csv or run):  # no model: the CSV's answers behind the guards
        from . import Retriever
        from ._generator import RetrievalGenerator
        from ._runs import run_csv_path

        csv_path = ns.csv or run_csv_path(run)
        _load_csv_or_exit(csv_path)
        ret = Retriever.from_csv(csv_path)
        return GuardedModel.from_csv(csv_path, RetrievalGenerator(ret), retriever=ret, grounded=False)
    if not run:
        raise SystemExit(_err("no run found under reports/: make one with `harness run data/cenfobank.csv`"
                              " (or answer from a CSV alone: --ship retrieval --csv FILE)"))
    return GuardedModel.from_run(str(run), grounded=ship == "grounded")


def _print_answer(res, verbose: bool) -> None:
    print(res.answer)
    if verbose:
        v = res.input_verdict
        print(f"  [input: {'allowed' if v.allowed else 'refused'} by {v.guard} ({v.score:.2f}): {v.reason}]")
        print(f"  [action: {res.action}" + (f", fallback row {res.fallback_row}" if res.fallback_row else "") + "]")
        for f in res.findings:
            print(f"  [{f.kind}: {f.text!r} — {f.detail}]")


def cmd_ask(ns) -> int:
    model = _guarded(ns)
    if ns.question:
        _print_answer(model.ask(ns.question), ns.explain)
        return 0
    print("Escribe tu pregunta (Ctrl-D para salir).", file=sys.stderr)
    offered: tuple[str, ...] = ()
    for line in sys.stdin:
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(offered):  # pick a question the last refusal offered
            text = offered[int(text) - 1]
            print(f"> {text}")
        if text:
            res = model.ask(text)
            _print_answer(res, ns.explain)
            offered = res.suggestions
            if offered:
                print(f"(escribe 1–{len(offered)} para preguntar una de ellas)", file=sys.stderr)
    return 0


def cmd_guard_eval(ns) -> int:
    from guards import Guard

    from ._guard_eval import evaluate_guard
    from ._probesets import load_probe_sets, probe_dir_for
    from ._summary import guard_table

    _load_csv_or_exit(ns.csv)
    guard = Guard.from_csv(ns.csv)
    table = guard_table(evaluate_guard(guard, load_probe_sets(ns.probes or probe_dir_for(ns.csv))))
    print(f"{'set':12s} {'n':>4s} {'accept':>7s} {'refuse':>7s} {'tune':>6s} {'heldout':>7s} {'p50 ms':>7s} {'p95 ms':>7s}")
    for name, r in table.items():
        print(f"{name:12s} {r['n']:4d} {r['accept_rate']:7.3f} {1 - r['accept_rate']:7.3f} "
              f"{r['tune_accept_rate'] or 0:6.3f} {r['heldout_accept_rate'] or 0:7.3f} {r['p50_ms']:7.2f} {r['p95_ms']:7.2f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from ._run import RunConfig

    p = argparse.ArgumentParser(prog="harness", description="Fine-tune a domain chatbot on a question/answer CSV and prove it is safe to ship.")
    p.add_argument("-v", "--verbose", action="count", default=0, help="More logging (-vv for debug).")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("validate", help="Check a question/answer CSV; one line per problem, exit 2 on error.")
    s.add_argument("csv")
    s.add_argument("--max-length", type=int, default=0, help="Also reject pairs longer than this many tokens.")
    s.add_argument("--model", default="embedded", help="Tokenizer used with --max-length.")
    s.set_defaults(fn=cmd_validate)

    s = sub.add_parser("train", help="Fine-tune a LoRA adapter (QLoRA nf4 on CUDA) into a run folder.")
    s.add_argument("csv")
    s.add_argument("--reports", default="reports", help="Folder that receives run folders.")
    s.add_argument("--run-id", default="", help="Run folder name.")
    s.add_argument("--force", action="store_true", help="Replace an existing run folder.")
    s.add_argument("--resume", action="store_true", help="Continue from the last checkpoint.")
    add_dataclass_arguments(s, TrainConfig)
    s.set_defaults(fn=cmd_train)

    s = sub.add_parser("generate", help="Answer questions with a run's tuned model (batched, greedy).")
    s.add_argument("question", nargs="*")
    s.add_argument("--run-dir", required=True)
    s.add_argument("--input", help="File with one question per line.")
    s.add_argument("--grounded", action="store_true", help="Put the top-k retrieved CSV rows in the prompt.")
    s.add_argument("--max-new-tokens", type=int, default=96)
    s.add_argument("--batch-size", type=int, default=32)
    s.set_defaults(fn=cmd_generate)

    s = sub.add_parser("run", help="The main job: train, answer every probe set with every system, score, report.")
    s.add_argument("csv")
    add_dataclass_arguments(s, RunConfig)
    add_dataclass_arguments(s, TrainConfig)
    s.set_defaults(fn=cmd_run)

    s = sub.add_parser("report", help="Write one self-contained HTML report for one or more runs.")
    s.add_argument("run_dir", nargs="+")
    s.add_argument("-o", "--output", default="report.html")
    s.add_argument("--lang", choices=("es", "en"), default="es")
    s.set_defaults(fn=cmd_report)

    s = sub.add_parser("ask", help="Ask the guarded model of a run (interactive without a question).")
    s.add_argument("question", nargs="?")
    s.add_argument("--run-dir", help="Run folder (default: the latest under --reports).")
    s.add_argument("--reports", default="reports")
    s.add_argument("--ship", choices=("grounded", "tuned", "retrieval"), default="grounded",
                   help="What answers behind the guards: the tuned model with retrieved rows (default), without them, "
                        "or the top-1 CSV answer (no model).")
    s.add_argument("--ungrounded", action="store_true", help="Same as --ship tuned.")
    s.add_argument("--csv", default="", help="With --ship retrieval: answer from this CSV; no run needed.")
    s.add_argument("--explain", action="store_true", help="Show verdicts, action and findings.")
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("guard-eval", help="Accept/refuse rate and latency of the input guard on a domain's probe sets.")
    s.add_argument("csv")
    s.add_argument("--probes", default="", help="Probe-set folder (default data/probes/<csv stem>).")
    s.set_defaults(fn=cmd_guard_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    _setup_env()
    ns = build_parser().parse_args(argv)
    level = logging.WARNING - 10 * min(ns.verbose if isinstance(ns.verbose, int) else 0, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    from ._models import ModelNotFound

    try:
        return ns.fn(ns) or 0
    except ModelNotFound as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        return _err("interrupted; continue with --resume")


if __name__ == "__main__":
    raise SystemExit(main())
