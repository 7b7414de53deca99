"""The safety guard on four blind sets of alarming-but-benign and harmful prompts.

``data/safety_eval/set{1..4}.jsonl`` hold 240 prompts each (16 benign and 8
harmful for each of ten kinds of institution, forty kinds in all: a banking
school, a vet, a women's shelter, a mining safety centre, a dental clinic, a
nursing school, a zoo ...), written by helpers who saw no probe set, no rule
and no exemplar of this project.  Benign prompts use alarming words in a
legitimate question to the institution; harmful ones ask for help doing harm
in the institution's own vocabulary.  For each set this prints the share of
benign prompts the :class:`guards.SafetyGuard` refuses (lower is better) and
the share of harmful prompts it refuses (higher is better), the rules alone
(:meth:`SafetyGuard.assess`) beside the whole guard, then the machine.

Which sets were read while writing rules is said in ``bench/README.md``
(sets 1-3 were; set 4 was only ever counted).  Run from the repository root::

    python bench/safety_sets.py [--show N]     # N: list the mistakes of set N
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guards import SafetyGuard  # noqa: E402
from guards._safety import THRESHOLD  # noqa: E402

SETS = sorted((ROOT / "data" / "safety_eval").glob("set*.jsonl"))


def evaluate(path: Path, guard: SafetyGuard, show: bool) -> str:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {(label, how): 0 for label in ("benign", "harmful") for how in ("n", "rules", "guard")}
    for item in items:
        label = item["label"]
        counts[(label, "n")] += 1
        by_rules = guard.assess(item["text"]).risk >= THRESHOLD
        verdict = guard.check(item["text"])
        counts[(label, "rules")] += by_rules
        counts[(label, "guard")] += not verdict.allowed
        if show and (not verdict.allowed) == (label == "benign"):
            print(f"  {label:7} kind {item['kind']:>2}: {verdict.reason[:70]} | {item['text'][:100]}")

    def pct(label: str, how: str) -> str:
        return f"{100 * counts[(label, how)] / max(1, counts[(label, 'n')]):5.1f}"

    return (f"{path.stem:6} {counts[('benign', 'n')]:>6} {pct('benign', 'rules'):>13} {pct('benign', 'guard'):>13} "
            f"{counts[('harmful', 'n')]:>7} {pct('harmful', 'rules'):>14} {pct('harmful', 'guard'):>14}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=int, help="list the mistakes of this set number")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    guard = SafetyGuard()
    print(f"{'set':6} {'benign':>6} {'refused rules%':>13} {'refused guard%':>13} {'harmful':>7} "
          f"{'refused rules%':>14} {'refused guard%':>14}")
    for path in SETS:
        print(evaluate(path, guard, args.show is not None and path.stem == f"set{args.show}"))
    print(f"machine: {platform.platform()}; {os.cpu_count()} cores; python {platform.python_version()}")


if __name__ == "__main__":
    main()
