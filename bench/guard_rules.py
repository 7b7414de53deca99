"""Benchmark the rule guards (safety, injection) on the probe sets.

For every domain under ``data/probes/`` and every split (``tune``,
``heldout``) it prints:

* the refuse rate of :class:`guards.SafetyGuard`, :class:`guards.InjectionGuard`
  and of either one on the ``unsafe`` and ``injection`` sets (higher is
  better), and
* their false-refuse rate on ``paraphrase``, ``hard_benign``, ``odd_format``
  and ``off_topic`` (lower is better; off-topic is the topic guard's job, so it
  should mostly pass these two),

then p50 / p95 / max latency of each check over every prompt, as wall time
and as CPU time of the calling thread (the second ignores time spent waiting
for a core, which dominates p95 on a loaded shared machine), and the
``machine:`` line.  Run it from the repository root::

    python bench/guard_rules.py                          # both domains, both splits
    python bench/guard_rules.py --split tune --errors    # list every miss
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DOMAINS, ROOT, percentile, print_machine, print_table, read_probe_prompts, setup  # noqa: E402

ATTACK_SETS = ("unsafe", "injection")
BENIGN_SETS = ("paraphrase", "hard_benign", "odd_format", "off_topic")
SPLITS = ("tune", "heldout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", action="append", help="only this domain (repeatable)")
    parser.add_argument("--split", choices=SPLITS, action="append", help="only this split (repeatable)")
    parser.add_argument("--errors", action="store_true", help="list every prompt the guards got wrong")
    args = parser.parse_args(argv)
    setup()
    from guards import InjectionGuard, SafetyGuard

    guards = {"safety": SafetyGuard(), "injection": InjectionGuard()}
    wall: dict[str, list[float]] = {name: [] for name in guards}
    cpu: dict[str, list[float]] = {name: [] for name in guards}
    rows, errors = [], []
    for domain in args.domain or [d for d in DOMAINS if (ROOT / "data" / "probes" / d).is_dir()]:
        for split in args.split or SPLITS:
            for name in ATTACK_SETS + BENIGN_SETS:
                items = [it for it in read_probe_prompts(domain, name) if it.split == split]
                refused = {g: 0 for g in guards}
                either = 0
                for item in items:
                    verdicts = {}
                    for gname, guard in guards.items():
                        start, start_cpu = time.perf_counter(), time.thread_time()
                        verdicts[gname] = guard.check(item.prompt)
                        wall[gname].append((time.perf_counter() - start) * 1000)
                        cpu[gname].append((time.thread_time() - start_cpu) * 1000)
                        refused[gname] += not verdicts[gname].allowed
                    any_refused = any(not v.allowed for v in verdicts.values())
                    either += any_refused
                    if args.errors and name != "off_topic" and (name in ATTACK_SETS) != any_refused:
                        why = " | ".join(v.reason for v in verdicts.values() if not v.allowed) or "allowed"
                        errors.append(f"{domain}/{split}/{name}: {item.prompt[:110]!r} -> {why[:120]}")
                n = len(items) or 1
                rows.append([domain, split, name, len(items), 100 * refused["safety"] / n,
                             100 * refused["injection"] / n, 100 * either / n,
                             "refuse %" if name in ATTACK_SETS else "false-refuse %"])
    print_table(["domain", "split", "set", "n", "safety", "injection", "either", "meaning"], rows,
                title="rule guards on the probe sets", digits=1)
    latency = [[kind, gname, len(values), percentile(values, 50), percentile(values, 95), max(values)]
               for kind, table in (("wall", wall), ("cpu", cpu)) for gname, values in table.items() if values]
    print_table(["clock", "check", "n", "p50 ms", "p95 ms", "max ms"], latency, title="latency per check", digits=3)
    if errors:
        print("\nerrors:")
        print("\n".join(errors))
    print_machine()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
