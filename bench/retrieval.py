"""Retrieval benchmark: hybrid vs its parts vs TF-IDF.

For each domain under ``data/`` that has ``data/probes/<domain>/paraphrase.csv``
it prints top-1 / top-3 accuracy on the ``tune`` and ``heldout`` paraphrases
(a hit is the row the probe names), the tune-minus-heldout gap, the build time
(cold = embeddings computed, warm = loaded from the cache), p50/p95 search
latency and the machine.  Run from the repository root::

    python bench/retrieval.py [--domains cenfobank mikhuy] [--cold]

Methods: ``hybrid`` (what :class:`harness.Retriever` ranks by), ``before-adapters`` (the seven raw
signals with the weights shipped before the query adapters, :data:`BEFORE`), ``hybrid-no-use``
(the shipped ranking without the Universal Sentence Encoder: e5, adapted e5 and BM25), ``use-only``
(the two USE cosines, weighted as in :data:`BEFORE`), ``bm25-only``, ``embeddings-only`` (the
four raw e5 views, likewise), ``adapted-only`` (the seven adapted cosines, shipped weights) and
``tfidf-questions``.  The TF-IDF baseline is cosine over questions only, with plain word tokens
(no stemming, no accents folded beyond lower-casing), written with numpy.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness._adapter import ADAPTED  # noqa: E402
from harness._hits import Fusion  # noqa: E402
from harness._retrieval import Retriever  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from _common import DOMAINS  # noqa: E402
from _tfidf import TfIdf  # noqa: E402


BEFORE = Fusion(z=(-0.10, 0.33, 0.60, 0.42, 0.50, 0.22, 0.71, 0, 0, 0, 0, 0, 0, 0, 0),
                rank=(0.33, 0.33, 0.26, 0.45, 0.56, 0.08, 0.39, 0, 0, 0, 0, 0, 0, 0, 0))
"""The fusion shipped from the sixteenth to the twenty-first session: the seven raw signals, no adapters."""


def read_probes(domain: str, kind: str) -> list[dict]:
    """Rows of ``data/probes/<domain>/<kind>.csv`` (``;``-separated)."""
    path = ROOT / "data" / "probes" / domain / f"{kind}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter=";") if (r.get("prompt") or "").strip()]


def topk(scores: np.ndarray, rows: np.ndarray, want: int) -> tuple[bool, bool]:
    order = rows[np.argsort(-scores, kind="stable")[:3]]
    return bool(order[0] == want), bool(want in order)


def bench_domain(domain: str, cold: bool, show: str | None = None) -> None:
    csv_path = ROOT / "data" / f"{domain}.csv"
    probes = [p for p in read_probes(domain, "paraphrase") if p.get("row", "").strip().isdigit()]
    if cold:
        os.environ["CENTINELA_CACHE"] = tempfile.mkdtemp(prefix="centinela-bench-")
    t0 = time.perf_counter()
    ret = Retriever.from_csv(csv_path)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    Retriever.from_csv(csv_path)
    warm = time.perf_counter() - t0
    rows = np.array([r.row for r in ret.rows])
    tfidf = TfIdf([r.question for r in ret.rows])
    f = ret.fusion
    methods = {
        "hybrid": lambda p: p.fused,
        "before-adapters": lambda p: BEFORE.combine(ret.signals(p.text, p.vector)),  # raw signals, 16th-session weights
        "hybrid-no-use": lambda p: ret.profile(p.text, second=False).fused,  # the retriever's own e5 + BM25 ranking
        "use-only": lambda p: BEFORE.combine({"use_q": p.use_q, "use_a": p.use_a}),
        "bm25-only": lambda p: p.lexical,
        "embeddings-only": lambda p: BEFORE.combine({k: v for k, v in ret.signals(p.text, p.vector, False).items()
                                                     if k in ("q", "p", "a", "s")}),
        "adapted-only": lambda p: f.combine({k: v for k, v in ret.signals(p.text, p.vector).items()
                                             if k in ADAPTED}),
    }
    results: dict[tuple[str, str], list[tuple[bool, bool]]] = {}
    latencies, scoring = [], []
    for p in probes:
        ret._cache.clear()  # measure with cold query embeddings
        ret._use_cache.clear()
        t0 = time.perf_counter()
        ret.search(p["prompt"], k=3)
        latencies.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        prof = ret.profile(p["prompt"])  # the query vector is cached now
        scoring.append((time.perf_counter() - t0) * 1000)
        want, split = int(p["row"]), p.get("split", "tune").strip() or "tune"
        for name, fn in methods.items():
            results.setdefault((name, split), []).append(topk(fn(prof), rows, want))
        results.setdefault(("tfidf-questions", split), []).append(topk(tfidf.scores(p["prompt"]), rows, want))
    print(f"\n## {domain}: {len(ret)} rows, {len(probes)} paraphrases "
          f"(tune {sum(p.get('split') == 'tune' for p in probes)}, heldout {sum(p.get('split') == 'heldout' for p in probes)})")
    print(f"build {build:.1f} s ({'cold' if cold else 'as found'}), reload from cache {warm:.2f} s; "
          f"search p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms "
          f"(query embedding included); scoring alone p50 {np.percentile(scoring, 50):.1f} ms, "
          f"p95 {np.percentile(scoring, 95):.1f} ms; load average {os.getloadavg()[0]:.1f}" if latencies else "no probes")
    print(f"{'method':<17} {'tune top1':>9} {'tune top3':>9} {'held top1':>9} {'held top3':>9} {'gap top1':>8}")
    for name in [*methods, "tfidf-questions"]:
        cells, top1 = [], {}
        for split in ("tune", "heldout"):
            res = results.get((name, split), [])
            t1 = 100 * np.mean([a for a, _ in res]) if res else float("nan")
            t3 = 100 * np.mean([b for _, b in res]) if res else float("nan")
            top1[split] = t1
            cells += [f"{t1:8.1f}%", f"{t3:8.1f}%"]
        print(f"{name:<17} {' '.join(cells)} {top1['tune'] - top1['heldout']:+7.1f}")
    if not show:
        return
    misses = [(p["prompt"], p["row"]) for p in probes if p.get("split") == show
              and ret.search(p["prompt"], 1)[0].row != int(p["row"])]
    for prompt, row in misses:
        got = ret.search(prompt, 1)[0]
        print(f"  {show} miss: {prompt!r} want row {row} ({ret.rows[[r.row for r in ret.rows].index(int(row))].question[:50]!r}), "
              f"got {got.row} ({got.question[:50]!r})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--domains", nargs="*", default=list(DOMAINS))
    ap.add_argument("--cold", action="store_true", help="time the build with an empty embedding cache")
    ap.add_argument("--show-misses", choices=["tune", "heldout"], help="list the top-1 misses of one split")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    for d in args.domains:
        bench_domain(d, args.cold, args.show_misses)


if __name__ == "__main__":
    main()
