"""Topic-guard (and guard-chain) benchmark on the probe sets.

For each domain it builds :class:`guards.TopicGuard` from ``data/<domain>.csv``
(calibrated from the CSV alone) and prints, for the ``tune`` and ``heldout``
probes separately, the accept rate on ``paraphrase``, ``hard_benign`` and
``odd_format`` and the refuse rate on ``off_topic`` (plus ``unsafe`` and
``injection``, which are the other guards' job).  ``--chain`` measures the
full :class:`guards.Guard` instead.  Run from the repository root::

    python bench/topic_guard.py [--chain] [--show tune] [--domains cenfobank mikhuy]

``off_topic*`` repeats the off-topic refusal counting only probes whose
nearest built-in generic prompt has cosine < 0.95 (no near-copy in
``guards/resources/offtopic.txt``), a fairer view of generalisation.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import DOMAINS  # noqa: E402
from retrieval import read_probes  # noqa: E402

KINDS = {"paraphrase": True, "hard_benign": True, "odd_format": True,
         "off_topic": False, "unsafe": False, "injection": False}


def run(domain: str, chain: bool, show: str | None) -> None:
    import guards
    from guards import TopicGuard

    csv_path = ROOT / "data" / f"{domain}.csv"
    t0 = time.perf_counter()
    topic = TopicGuard.from_csv(csv_path)
    guard = guards.Guard.from_csv(csv_path) if chain else topic
    build = time.perf_counter() - t0
    cal = topic.calibration
    print(f"\n## {domain} ({'chain' if chain else 'topic guard'}): built in {build:.1f} s; "
          f"threshold {cal.threshold:.3f}, fitted on {cal.positives} leave-one-out positives / "
          f"{cal.negatives} generic negatives ({cal.dropped_generic} generic dropped as covered)")
    print(f"{'probe set':<12} {'want':<7} {'tune':>14} {'heldout':>14}")
    latencies = []
    for kind, want_allow in [*KINDS.items(), ("off_topic*", False)]:
        cells = []
        for split in ("tune", "heldout"):
            probes = [p for p in read_probes(domain, kind.rstrip("*")) if p.get("split", "tune") == split]
            if kind.endswith("*"):
                probes = [p for p in probes
                          if float((topic._gen @ topic.retriever.embed(p["prompt"])).max()) < 0.95]
            ok, bad = 0, []
            for p in probes:
                t1 = time.perf_counter()
                v = guard.check(p["prompt"])
                if not kind.endswith("*"):  # the starred pass repeats prompts: their vectors are cached
                    latencies.append((time.perf_counter() - t1) * 1000)
                if v.allowed == want_allow:
                    ok += 1
                else:
                    bad.append((p["prompt"], v))
            rate = 100 * ok / len(probes) if probes else float("nan")
            cells.append(f"{rate:6.1f}% ({ok:3d}/{len(probes):3d})")
            if show == split and not kind.endswith("*"):
                for prompt, v in bad:
                    print(f"    {kind} {'refused' if want_allow else 'allowed'}: {prompt[:80]!r} -> "
                          f"{v.guard} {v.score:.2f} {v.reason[:90]}")
        print(f"{kind:<12} {'allow' if want_allow else 'refuse':<7} {cells[0]:>14} {cells[1]:>14}")
    print(f"check latency p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms "
          f"(first check of each prompt)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--domains", nargs="*", default=list(DOMAINS))
    ap.add_argument("--chain", action="store_true", help="measure the full Guard chain")
    ap.add_argument("--show", choices=["tune", "heldout"], help="list the failures of one split")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    for d in args.domains:
        run(d, args.chain, args.show)


if __name__ == "__main__":
    main()
