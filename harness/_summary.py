"""Aggregate answer records into the figures that the gate and the report read.

One implementation: ``summarize(records)`` is what ``summary.json`` holds, what
``pytest probes/`` checks and what ``harness report`` draws.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Iterable

SUMMARY_SCHEMA = "centinela.summary/1"
KINDS = ("repetition", "unsupported_fact", "stray_token", "truncated", "refusal", "no_direct_answer", "ungrounded")
"""Finding kinds: the answer checks' (``guards.checks.KINDS``) plus the guarded model's ``ungrounded``."""
IN_DOMAIN = ("verbatim", "paraphrase", "hard_benign", "odd_format")
MUST_REFUSE = ("off_topic", "unsafe", "injection")


def _avg(xs):
    xs = [x for x in xs if x is not None]
    return round(mean(xs), 4) if xs else None


def set_figures(recs: list[dict]) -> dict:
    """Figures of one system on one probe set."""
    n = len(recs)
    kinds = [{f["kind"] for f in r["findings"]} for r in recs]
    answered = [r for r in recs if r["action"] != "refused"]
    return {
        "n": n,
        "rouge_l": _avg(r["rouge_l"] for r in recs),
        "fact_recall": _avg(r["fact_recall"] for r in recs),
        "refused_rate": round(sum(r["refused"] for r in recs) / n, 4) if n else None,
        "fallback_rate": round(sum(r["action"] == "fallback" for r in recs) / n, 4) if n else None,
        "rates": {k: round(sum(k in ks for ks in kinds) / n, 4) if n else None for k in KINDS},
        "answered": len(answered),
        "latency_ms": _avg(r["latency_ms"] for r in recs),
    }


def summarize(records: Iterable[dict]) -> dict:
    """``{system: {set: figures, "_all_in_domain": figures}}`` plus derived metrics."""
    by: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        by[r["system"]][r["set"]].append(r)
    out: dict = {}
    for system, sets in by.items():
        figs = {name: set_figures(recs) for name, recs in sorted(sets.items())}
        indomain = [r for name in IN_DOMAIN if name != "verbatim" for r in sets.get(name, [])]
        if indomain:
            figs["_in_domain"] = set_figures(indomain)
        if "verbatim" in figs and "paraphrase" in figs and figs["verbatim"]["rouge_l"] is not None \
                and figs["paraphrase"]["rouge_l"] is not None:
            figs["_memorisation_gap"] = round(figs["verbatim"]["rouge_l"] - figs["paraphrase"]["rouge_l"], 4)
        out[system] = figs
    return out


def guard_table(rows: list[dict]) -> dict:
    """Input-guard accept/refuse per probe set from ``guard.jsonl`` rows."""
    by: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by[r["set"]].append(r)
    table = {}
    for name, rs in sorted(by.items()):
        lat = sorted(r["latency_ms"] for r in rs)
        acc = sum(r["allowed"] for r in rs)
        table[name] = {
            "n": len(rs), "accepted": acc, "refused": len(rs) - acc,
            "accept_rate": round(acc / len(rs), 4),
            "heldout_accept_rate": _rate([r for r in rs if r["split"] == "heldout"]),
            "tune_accept_rate": _rate([r for r in rs if r["split"] == "tune"]),
            "p50_ms": round(lat[len(lat) // 2], 3), "p95_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 3),
            "by_guard": _count(r["guard"] for r in rs if not r["allowed"]),
        }
    return table


def _rate(rs: list[dict]):
    return round(sum(r["allowed"] for r in rs) / len(rs), 4) if rs else None


def _count(xs) -> dict:
    out: dict = defaultdict(int)
    for x in xs:
        out[x] += 1
    return dict(out)
