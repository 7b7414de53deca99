"""Per-kind precision and recall of the answer checks on the hand-written set.

Reads ``tests/data/answer_checks_eval.jsonl`` (items with ``domain``,
``split``, ``question``, ``answer``, ``expected`` kinds, optional ``csv``),
checks each answer against its own domain's CSV (``data/<domain>.csv`` or
the item's ``csv``) and writes, per split, per-kind precision/recall, the
share of items whose kinds are exactly right, and the share of good answers
flagged.  Splits: ``tune`` (rules were tuned on it), ``heldout`` (same two
domains, kept out of tuning), ``blind`` (a third, made-up domain written
after tuning: the closest stand-in for an unseen domain).

    python bench/answer_checks.py                 # both splits
    python bench/answer_checks.py --split tune    # while tuning rules
    python bench/answer_checks.py --errors        # list every mistake
    python bench/answer_checks.py --timing        # mean / max ms per answer
    python bench/answer_checks.py --runs reports/*/   # re-check kept runs' raw answers
    python bench/answer_checks.py --runs reports/*/ --guarded   # the guarded model with/without grounding

``--runs`` re-runs the checks (today's code) on the raw model answers of kept
runs (``answers.jsonl``; systems tuned, grounded and base), each against its
run's whole CSV, and prints per CSV how many answers have an unsupported fact
and which kinds of fact were flagged: the check on real outputs of a model,
not only on the hand-written set.  With ``--guarded`` it instead puts each
run's guarded in-domain raw answers (verbatim, paraphrase, hard-benign, odd
format) through today's ``GuardedModel`` twice, without and with the
grounding check (``ungrounded``), and prints ROUGE-L, fact recall and the
fallback rate of what the user would see, side by side.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guards.checks import KINDS, FactIndex, run_checks  # noqa: E402
from harness._csvdata import load_qa_csv  # noqa: E402

log = logging.getLogger("bench.answer_checks")
EVAL = ROOT / "tests" / "data" / "answer_checks_eval.jsonl"


@dataclass(frozen=True)
class Outcome:
    """One item's expected and found kinds."""

    item: dict
    found: frozenset[str]
    ms: float

    @property
    def expected(self) -> frozenset[str]:
        return frozenset(self.item["expected"])


def evaluate(items: list[dict], data_dir: Path) -> list[Outcome]:
    """Run every check on every item against its domain's CSV."""
    indexes: dict[str, FactIndex] = {}
    out = []
    for item in items:
        dom = item["domain"]
        if dom not in indexes:
            path = ROOT / item["csv"] if item.get("csv") else data_dir / f"{dom}.csv"
            indexes[dom] = FactIndex.from_rows(load_qa_csv(path).rows)
        t0 = time.perf_counter()
        found = frozenset(f.kind for f in run_checks(item["question"], item["answer"], indexes[dom]))
        out.append(Outcome(item, found, (time.perf_counter() - t0) * 1000))
    return out


def table(outcomes: list[Outcome], title: str) -> str:
    """Per-kind precision/recall table for ``outcomes``."""
    lines = [f"== {title}: {len(outcomes)} items", f"{'kind':18} {'TP':>3} {'FP':>3} {'FN':>3} {'prec':>6} {'rec':>6}"]
    tot = [0, 0, 0]
    for kind in KINDS:
        tp = sum(1 for o in outcomes if kind in o.found and kind in o.expected)
        fp = sum(1 for o in outcomes if kind in o.found and kind not in o.expected)
        fn = sum(1 for o in outcomes if kind not in o.found and kind in o.expected)
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
        lines.append(f"{kind:18} {tp:3} {fp:3} {fn:3} {_ratio(tp, tp + fp):>6} {_ratio(tp, tp + fn):>6}")
    tp, fp, fn = tot
    lines.append(f"{'all kinds':18} {tp:3} {fp:3} {fn:3} {_ratio(tp, tp + fp):>6} {_ratio(tp, tp + fn):>6}")
    exact = sum(1 for o in outcomes if o.found == o.expected)
    good = [o for o in outcomes if not o.expected]
    good_flagged = sum(1 for o in good if o.found - {"refusal"})
    lines.append(f"exact kind set: {exact}/{len(outcomes)}; good answers flagged: {good_flagged}/{len(good)}")
    return "\n".join(lines)


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def _read_run(run: Path) -> tuple[Path, list[dict]] | None:
    """The CSV a kept run was made from and its answer records; ``None`` if it holds no answers."""
    path = run / "answers.jsonl"
    if not path.exists():
        return None
    csv = Path(json.loads((run / "run.json").read_text(encoding="utf-8"))["csv"]["path"])
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return (csv if csv.is_absolute() else ROOT / csv), records


def recheck_runs(run_dirs: list[Path]) -> list[str]:
    """Per CSV: answers re-checked, answers with an unsupported fact, flagged facts by kind."""
    from collections import Counter

    indexes: dict[str, FactIndex] = {}
    answers: Counter = Counter()
    flagged: Counter = Counter()
    kinds: dict[str, Counter] = {}
    for run in run_dirs:
        loaded = _read_run(run)
        if loaded is None:
            continue
        csv_path, records = loaded
        csv = str(csv_path.relative_to(ROOT)) if csv_path.is_relative_to(ROOT) else str(csv_path)
        if csv not in indexes:
            indexes[csv] = FactIndex.from_rows(load_qa_csv(csv_path).rows)
        for rec in records:
            if rec["system"] not in ("tuned", "grounded", "base"):
                continue
            found = [f for f in run_checks(rec["prompt"], rec["raw_answer"], indexes[csv])
                     if f.kind == "unsupported_fact"]
            answers[csv] += 1
            flagged[csv] += bool(found)
            for f in found:
                kinds.setdefault(csv, Counter())[f.detail.split(" ")[0]] += 1
    return [f"{csv}: {flagged[csv]} of {answers[csv]} raw answers with an unsupported fact; flagged facts: "
            + ", ".join(f"{k} {n}" for k, n in kinds.get(csv, Counter()).most_common()) for csv in sorted(answers)]


def guarded_recheck(run_dirs: list[Path]) -> list[str]:
    """Per run: the guarded model's in-domain answers without / with the grounding check."""
    from guards import GuardedModel
    from harness._generator import TableGenerator
    from harness._retrieval import Retriever
    from harness._scoring import fact_recall, rouge_l

    lines = []
    for run in run_dirs:
        loaded = _read_run(run)
        if loaded is None:
            continue
        csv_path, records = loaded
        recs = [r for r in records
                if r["system"] == "guarded" and r["set"] in ("verbatim", "paraphrase", "hard_benign", "odd_format")]
        if not recs:
            continue
        retriever = Retriever.from_csv(csv_path)
        model = GuardedModel.from_csv(str(csv_path), TableGenerator({}), retriever=retriever)
        threshold = retriever.support_threshold
        cells = []
        for on in (False, True):
            retriever.support_threshold = threshold if on else -1.0
            res = model.ask_many([r["prompt"] for r in recs], answers=[r["raw_answer"] for r in recs])
            shown = [x.answer for x in res]
            refs = [r["reference"] or "" for r in recs]
            rouge = rouge_l(shown, refs)
            facts = [fact_recall(a, ref) for a, ref in zip(shown, refs)]
            facts = [f for f in facts if f is not None]
            cells.append(f"ROUGE-L {sum(rouge) / len(rouge):.3f}, fact recall "
                         f"{sum(facts) / max(1, len(facts)):.3f}, fallback "
                         f"{100 * sum(x.action == 'fallback' for x in res) / len(res):.0f} %")
        retriever.support_threshold = threshold
        lines.append(f"{run.name} ({csv_path.stem}, {len(recs)} in-domain, threshold {threshold:.3f}): "
                     f"without grounding check {cells[0]}; with {cells[1]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--split", choices=("tune", "heldout", "blind", "all"), default="all")
    parser.add_argument("--errors", action="store_true", help="list the items with wrong kinds")
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--runs", type=Path, nargs="+", help="re-check the raw answers of these kept runs")
    parser.add_argument("--guarded", action="store_true",
                        help="with --runs: the guarded model's answers without / with the grounding check")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.runs:
        lines = guarded_recheck(args.runs) if args.guarded else recheck_runs(args.runs)
        sys.stdout.write("\n".join(lines) + "\n")
        return 0
    items = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    splits = ("tune", "heldout", "blind") if args.split == "all" else (args.split,)
    items = [i for i in items if i["split"] in splits]
    outcomes = evaluate(items, args.data)
    report = [table([o for o in outcomes if o.item["split"] == s], s) for s in splits]
    if args.errors:
        for o in outcomes:
            if o.found != o.expected:
                report.append(f"{o.item['id']} [{o.item['split']}] expected {sorted(o.expected)} "
                              f"found {sorted(o.found)}: {o.item['answer'][:90]!r}")
    if args.timing:
        ms = [o.ms for o in outcomes]
        report.append(f"timing: mean {sum(ms) / len(ms):.2f} ms, max {max(ms):.2f} ms per answer")
    sys.stdout.write("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
