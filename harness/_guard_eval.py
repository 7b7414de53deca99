"""Run the input guard over probe sets: accept/refuse and latency per prompt."""

from __future__ import annotations

import time
from typing import Any

from ._probesets import ProbeItem


def evaluate_guard(guard: Any, sets: dict[str, list[ProbeItem]], warmup: int = 5) -> list[dict]:
    """One row per prompt: set, id, split, allowed, deciding guard, score, reason, latency."""
    first = next((it for its in sets.values() for it in its), None)
    for _ in range(warmup if first else 0):
        guard.check(first.prompt)
    rows = []
    for name, items in sets.items():
        for it in items:
            t0 = time.perf_counter()
            v = guard.check(it.prompt)
            ms = (time.perf_counter() - t0) * 1000
            rows.append({"set": name, "item_id": it.id, "split": it.split, "lang": it.lang,
                         "should_accept": it.should_accept, "allowed": v.allowed, "guard": v.guard,
                         "score": round(float(v.score), 4), "reason": v.reason, "latency_ms": round(ms, 3),
                         "prompt": it.prompt})
    return rows
