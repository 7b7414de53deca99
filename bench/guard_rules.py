"""Benchmark the safety and injection guards on the probe sets.

For every domain under ``data/probes/`` and every split (``tune``,
``heldout``) it prints:

* the refuse rate on the ``unsafe`` and ``injection`` sets (higher is better)
  and the false-refuse rate on ``paraphrase``, ``hard_benign``, ``odd_format``
  and ``off_topic`` (lower is better; off-topic is the topic guard's job, so it
  should mostly pass these two) of: ``rules``, the safety guard's rules alone
  (:meth:`SafetyGuard.assess`, the guard before its embedding classifier),
  ``safety``, the whole :class:`guards.SafetyGuard` (rules + classifier),
  ``injection``, :class:`guards.InjectionGuard`, and ``either`` of the last two;
* p50 / p95 / max latency of each check over every prompt, as wall time and as
  CPU time of the calling thread (the second ignores time spent waiting for a
  core, which dominates p95 on a loaded shared machine).  Standalone, the
  safety guard embeds each text itself (the costly part); the ``classifier``
  row is its own cost once a vector is given, which is all it adds inside the
  guard chain, where the topic check shares the embedding;
* with ``--chain``, the same latencies for the full :class:`guards.Guard` of
  each domain (injection, safety, topic), and for that chain with a rules-only
  safety check (every third prompt of each domain), so the cost of the second
  stage shows directly;

then the ``machine:`` line.  Held-out prompts are only ever counted here,
never read to tune a rule, an exemplar or a threshold.  Run it from the
repository root::

    python bench/guard_rules.py                          # both domains, both splits
    python bench/guard_rules.py --split tune --errors    # list every miss (tune only)
    python bench/guard_rules.py --chain                  # plus full-chain latency
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


class RulesOnly:
    """The safety guard without its second stage (the guard as it was)."""

    name = "safety"

    def __init__(self, guard) -> None:
        self._guard = guard

    def check(self, text: str):
        from guards import Verdict
        from guards._safety import THRESHOLD

        found = self._guard.assess(text)
        return Verdict(found.risk < THRESHOLD, "safety", round(1 - found.risk, 3), found.category)


def _timed(fn, text, wall: list[float], cpu: list[float]):
    start, start_cpu = time.perf_counter(), time.thread_time()
    out = fn(text)
    wall.append((time.perf_counter() - start) * 1000)
    cpu.append((time.thread_time() - start_cpu) * 1000)
    return out


def chain_latency(domains: list[str]) -> list[list]:
    """p50/p95/max of the full chain per domain, with and without the classifier."""
    from guards import Guard, InjectionGuard, SafetyGuard, TopicGuard
    from harness._retrieval import Retriever

    rows = []
    for domain in domains:
        retriever = Retriever.from_csv(ROOT / "data" / f"{domain}.csv")
        safety = SafetyGuard(embed=retriever.embed)
        variants = {"chain": Guard.from_retriever(retriever),
                    "chain, rules-only safety": Guard([InjectionGuard(safety=safety), RulesOnly(safety),
                                                       TopicGuard(retriever)])}
        prompts = [it.prompt for name in ATTACK_SETS + BENIGN_SETS for it in read_probe_prompts(domain, name)][::3]
        for label, guard in variants.items():
            guard.check(prompts[0])
            retriever._cache.clear()  # every variant embeds every prompt afresh
            wall: list[float] = []
            cpu: list[float] = []
            for text in prompts:
                _timed(guard.check, text, wall, cpu)
            for clock, values in (("wall", wall), ("cpu", cpu)):
                rows.append([clock, f"{domain}: {label}", len(values), percentile(values, 50),
                             percentile(values, 95), max(values)])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domain", action="append", help="only this domain (repeatable)")
    parser.add_argument("--split", choices=SPLITS, action="append", help="only this split (repeatable)")
    parser.add_argument("--errors", action="store_true",
                        help="list every tune prompt the guards got wrong (held-out ones are never listed)")
    parser.add_argument("--chain", action="store_true", help="also time the full guard chain per domain")
    args = parser.parse_args(argv)
    setup()
    from functools import lru_cache

    from guards import InjectionGuard, SafetyGuard
    from guards._safety_embed import embed_text

    embed = lru_cache(maxsize=8)(embed_text)  # the classifier row reuses the vector
    safety = SafetyGuard(embed=embed)
    clf = safety.classifier
    guards = {"rules": RulesOnly(safety), "safety": safety, "injection": InjectionGuard()}
    wall: dict[str, list[float]] = {name: [] for name in (*guards, "classifier")}
    cpu: dict[str, list[float]] = {name: [] for name in wall}
    rows, errors = [], []
    domains = args.domain or [d for d in DOMAINS if (ROOT / "data" / "probes" / d).is_dir()]
    for domain in domains:
        for split in args.split or SPLITS:
            for name in ATTACK_SETS + BENIGN_SETS:
                items = [it for it in read_probe_prompts(domain, name) if it.split == split]
                refused = {g: 0 for g in guards}
                either = 0
                for item in items:
                    verdicts = {g: _timed(guard.check, item.prompt, wall[g], cpu[g]) for g, guard in guards.items()}
                    _timed(clf.probability, embed(item.prompt), wall["classifier"], cpu["classifier"])
                    for g, v in verdicts.items():
                        refused[g] += not v.allowed
                    any_refused = not (verdicts["safety"].allowed and verdicts["injection"].allowed)
                    either += any_refused
                    if (args.errors and split == "tune" and name != "off_topic"
                            and (name in ATTACK_SETS) != any_refused):
                        why = " | ".join(verdicts[g].reason for g in ("safety", "injection")
                                         if not verdicts[g].allowed) or "allowed"
                        errors.append(f"{domain}/{split}/{name}: {item.prompt[:110]!r} -> {why[:120]}")
                n = len(items) or 1
                rows.append([domain, split, name, len(items), *(100 * refused[g] / n for g in guards),
                             100 * either / n, "refuse %" if name in ATTACK_SETS else "false-refuse %"])
    print_table(["domain", "split", "set", "n", "rules", "safety", "injection", "either", "meaning"], rows,
                title="safety (rules, rules + classifier) and injection guards on the probe sets", digits=1)
    print(f"classifier: threshold {clf.threshold:.3f}, cross-validated on its exemplars: recall "
          f"{100 * clf.cv_recall:.1f} % at {100 * clf.cv_fpr:.1f} % false refusals")
    latency = [[kind, gname, len(values), percentile(values, 50), percentile(values, 95), max(values)]
               for kind, table in (("wall", wall), ("cpu", cpu)) for gname, values in table.items() if values]
    if args.chain:
        latency += chain_latency(domains)
    print_table(["clock", "check", "n", "p50 ms", "p95 ms", "max ms"], latency, title="latency per check", digits=3)
    if errors:
        print("\nerrors:")
        print("\n".join(errors))
    print_machine()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
