"""Read a run folder and derive what the report shows.

Everything here is plain data (dicts, lists, numbers) except the highlighted
answer spans, which are built from escaped pieces with ``markupsafe``.  The
verdict, key figures and comparison deltas computed here feed both the HTML
page and the JSON summary written beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from markupsafe import Markup, escape

from ._summary import IN_DOMAIN, KINDS, MUST_REFUSE, guard_table, summarize

SYSTEM_ORDER = ("retrieval", "tuned", "grounded", "tuned+grounded", "guarded", "base")
# key, which direction is better, display format
METRICS = (
    ("rouge_l", "high", "score"), ("fact_recall", "high", "rate"), ("verbatim_rouge_l", "high", "score"),
    ("memorisation_gap", "low", "score"), ("false_refusal", "low", "rate"), ("refused_off_topic", "high", "rate"),
    ("refused_unsafe", "high", "rate"), ("refused_injection", "high", "rate"), ("unsupported_fact", "low", "rate"),
    ("repetition", "low", "rate"), ("truncated", "low", "rate"), ("stray_token", "low", "rate"),
    ("no_direct_answer", "low", "rate"), ("fallback", "low", "rate"), ("latency_ms", "low", "ms"),
)
METRIC_INFO = {k: (better, fmt) for k, better, fmt in METRICS}
COMPARE_METRICS = ("rouge_l", "fact_recall", "memorisation_gap", "false_refusal", "refused_off_topic",
                   "refused_unsafe", "refused_injection", "unsupported_fact", "repetition", "truncated", "latency_ms")


@dataclass
class RunFolder:
    """The files of one run folder, parsed (missing optional files are empty)."""

    path: Path
    meta: dict
    summary: dict
    answers: list[dict]
    guard: list[dict]
    loss: list[dict]

    @property
    def run_id(self) -> str:
        return str(self.summary.get("run_id") or self.meta.get("run_id") or self.path.name)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _read_jsonl(path: Path) -> list[dict]:
    """Records of a JSONL file; a torn last line (a killed writer) is skipped."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def load_run(path: str | Path) -> RunFolder:
    """Parse a run folder; ``summary.json`` is rebuilt from the JSONL files if absent."""
    path = Path(path)
    summary, answers = _read_json(path / "summary.json"), _read_jsonl(path / "answers.jsonl")
    guard = _read_jsonl(path / "guard.jsonl")
    if not summary:
        if not answers and not guard:
            raise FileNotFoundError(f"{path} is not a run folder: no summary.json nor answers.jsonl")
        summary = {"run_id": path.name, "systems": summarize(answers), "guard": guard_table(guard) if guard else {}}
    return RunFolder(path, _read_json(path / "run.json"), summary, answers, guard, _read_jsonl(path / "loss.jsonl"))


def ordered_systems(names: Iterable[str]) -> list[str]:
    """Known systems in their canonical order, then any others alphabetically."""
    names = set(names)
    return [s for s in SYSTEM_ORDER if s in names] + sorted(names - set(SYSTEM_ORDER))


def _latency(figs: dict) -> float | None:
    pairs = [(v["n"], v["latency_ms"]) for k, v in figs.items()
             if not k.startswith("_") and isinstance(v, dict) and v.get("latency_ms") is not None and v.get("n")]
    total = sum(n for n, _ in pairs)
    return round(sum(n * ms for n, ms in pairs) / total, 2) if total else None


def key_figures(figs: dict) -> dict:
    """The flat key figures of one system from its ``summary.json`` entry."""
    dom = figs.get("_in_domain") or {}
    rates = dom.get("rates") or {}
    out = {"rouge_l": dom.get("rouge_l"), "fact_recall": dom.get("fact_recall"),
           "verbatim_rouge_l": (figs.get("verbatim") or {}).get("rouge_l"),
           "memorisation_gap": figs.get("_memorisation_gap"), "false_refusal": dom.get("refused_rate")}
    out.update({f"refused_{s}": (figs.get(s) or {}).get("refused_rate") for s in MUST_REFUSE})
    out.update({k: rates.get(k) for k in ("unsupported_fact", "repetition", "truncated", "stray_token",
                                          "no_direct_answer")})
    out.update(fallback=dom.get("fallback_rate"), latency_ms=_latency(figs))
    return out


def retrieval_floor(systems: dict) -> dict | None:
    """Does any model system beat top-1 retrieval on in-domain ROUGE-L?"""
    ret = ((systems.get("retrieval") or {}).get("_in_domain") or {}).get("rouge_l")
    models = {s: ((f or {}).get("_in_domain") or {}).get("rouge_l") for s, f in systems.items() if s != "retrieval"}
    models = {s: v for s, v in models.items() if v is not None}
    if ret is None or not models:
        return None
    best = max(ordered_systems(models), key=lambda s: models[s])
    gap = models[best] - ret
    outcome = "beaten" if gap > 1e-9 else ("tie" if gap > -1e-9 else "below")
    return {"retrieval": ret, "best_system": best, "best": models[best], "beaten": outcome == "beaten",
            "outcome": outcome}


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def gate_check(c: dict) -> dict:
    """One gate check with its signed margin (value - threshold)."""
    value, threshold = _num(c.get("value")), _num(c.get("threshold"))
    margin = round(value - threshold, 4) if value is not None and threshold is not None else None
    return {"name": str(c.get("name", "")), "value": c.get("value"), "threshold": c.get("threshold"),
            "op": str(c.get("op", "")), "passed": bool(c.get("passed")), "reason": str(c.get("reason") or ""),
            "why": str(c.get("why") or ""), "margin": margin}


def verdict(summary: dict) -> dict:
    """Gate status (pass, fail or not_run), its checks, and the retrieval floor."""
    raw = summary.get("gate")
    gate = raw if isinstance(raw, dict) else {}
    checks = [gate_check(c) for c in (gate.get("checks") or []) if isinstance(c, dict)]
    status = "not_run" if not isinstance(raw, dict) else ("pass" if gate.get("passed") else "fail")
    skipped = gate.get("skipped") if isinstance(gate.get("skipped"), dict) else {}
    return {"status": status, "checks": checks, "failed": [c for c in checks if not c["passed"]],
            "partial": gate.get("complete") is False, "skipped": sorted((str(k), str(v)) for k, v in skipped.items()),
            "updated": gate.get("updated"), "exit_status": gate.get("exit_status"),
            "floor": retrieval_floor(summary.get("systems") or {})}


def highlight(text: str, spans: Iterable[tuple[Any, Any]]) -> Markup:
    """``text`` escaped, with each (start, end) span wrapped in ``<mark>``."""
    text = str(text or "")
    clean = sorted((max(0, s), min(len(text), e)) for s, e in spans
                   if isinstance(s, int) and isinstance(e, int) and e > s and s < len(text))
    merged: list[list[int]] = []
    for s, e in clean:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = Markup(""), 0
    for s, e in merged:
        out += escape(text[pos:s]) + Markup("<mark>") + escape(text[s:e]) + Markup("</mark>")
        pos = e
    return out + escape(text[pos:])


def _spans(rec: dict, kind: str | None = None) -> list[tuple[Any, Any]]:
    return [(f.get("start"), f.get("end")) for f in rec.get("findings") or [] if kind is None or f.get("kind") == kind]


def _counts_as(r: dict, kind: str) -> bool:
    """``r`` is a failure of ``kind`` (refusing a must-refuse prompt is not)."""
    if r.get("system") == "retrieval" or kind not in {f.get("kind") for f in r.get("findings") or []}:
        return False
    return kind != "refusal" or r.get("set") in IN_DOMAIN


def failure_counts(answers: list[dict]) -> dict[str, int]:
    """How many model answers show each finding kind."""
    return {k: sum(_counts_as(r, k) for r in answers) for k in KINDS}


def failure_examples(answers: list[dict], first: str = "guarded", per_kind: int = 4) -> dict[str, list[dict]]:
    """Up to ``per_kind`` answers per finding kind, spread over systems (``first``
    leads) and probe sets."""
    out = {}
    for kind in KINDS:
        pool: dict[str, list[dict]] = {}
        for r in answers:
            if _counts_as(r, kind):
                pool.setdefault(r.get("system", ""), []).append(r)
        order = sorted(pool, key=lambda s: (s != first, ordered_systems(pool).index(s)))
        picked: list[dict] = []
        while len(picked) < per_kind and any(pool.values()):
            for s in order:
                if pool[s] and len(picked) < per_kind:
                    shown = {p.get("set") for p in picked}
                    i = next((j for j, r in enumerate(pool[s]) if r.get("set") not in shown), 0)
                    picked.append(pool[s].pop(i))
        out[kind] = [_example(r, kind) for r in picked]
    return out


def _example(r: dict, kind: str) -> dict:
    details = list(dict.fromkeys(str(f.get("detail") or "") for f in r.get("findings") or [] if f.get("kind") == kind))
    return {"system": r.get("system"), "set": r.get("set"), "item_id": r.get("item_id"), "prompt": r.get("prompt"),
            "reference": r.get("reference") or "", "answer": r.get("answer") or "", "action": r.get("action"),
            "raw_html": highlight(r.get("raw_answer") or "", _spans(r, kind)), "details": [d for d in details if d],
            "changed": (r.get("raw_answer") or "") != (r.get("answer") or "")}


def question_rows(runs: list[RunFolder]) -> list[dict]:
    """One row per answer of every run, worst ROUGE-L first (no reference last)."""
    rows = []
    for i, run in enumerate(runs):
        order = ordered_systems({a.get("system", "") for a in run.answers})
        for a in run.answers:
            raw, answer = a.get("raw_answer") or "", a.get("answer") or ""
            kinds = sorted({str(f.get("kind")) for f in a.get("findings") or []})
            rows.append({"run": i, "run_id": run.run_id, "system": a.get("system", ""), "set": a.get("set", ""),
                         "split": a.get("split", ""), "item_id": a.get("item_id", ""), "prompt": a.get("prompt", ""),
                         "answer_html": highlight(raw, _spans(a)) if raw == answer else escape(answer),
                         "raw_html": highlight(raw, _spans(a)) if raw and raw != answer else None,
                         "reference": a.get("reference") or "", "action": a.get("action", ""),
                         "rouge_l": _num(a.get("rouge_l")), "fact_recall": _num(a.get("fact_recall")),
                         "kinds": kinds, "latency_ms": _num(a.get("latency_ms")),
                         "_o": order.index(a.get("system", ""))})
    rows.sort(key=lambda r: (r["rouge_l"] is None, r["rouge_l"] or 0.0, r["run"], r["_o"], r["set"], str(r["item_id"])))
    return rows


def guard_rows(run: RunFolder) -> list[dict]:
    """The input guard's accept/refuse table, one row per probe set."""
    expected = {}
    for g in run.guard:
        expected.setdefault(g.get("set"), bool(g.get("should_accept", g.get("set") not in MUST_REFUSE)))
    rows = []
    order = list(IN_DOMAIN) + list(MUST_REFUSE)
    for name, g in sorted((run.summary.get("guard") or {}).items(),
                          key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])):
        accept = expected.get(name, name not in MUST_REFUSE)
        rate = _num(g.get("accept_rate"))
        by = ", ".join(f"{k} {v}" for k, v in sorted((g.get("by_guard") or {}).items(), key=lambda kv: -kv[1]))
        rows.append({"set": name, "expect_accept": accept, "n": g.get("n"), "accepted": g.get("accepted"),
                     "refused": g.get("refused"), "accept_rate": rate, "heldout": g.get("heldout_accept_rate"),
                     "tune": g.get("tune_accept_rate"), "p50": g.get("p50_ms"), "p95": g.get("p95_ms"), "by_guard": by,
                     "correct": None if rate is None else (rate if accept else round(1 - rate, 4))})
    return rows


def guard_errors(run: RunFolder, limit: int = 6) -> dict[str, list[dict]]:
    """Legitimate prompts the guard refused and must-refuse prompts it let through."""
    wrong = [g for g in run.guard if bool(g.get("allowed")) != bool(g.get("should_accept"))]
    pick = ("set", "item_id", "split", "prompt", "guard", "score", "reason")
    return {"false_refusals": [{k: g.get(k) for k in pick} for g in wrong if g.get("should_accept")][:limit],
            "misses": [{k: g.get(k) for k in pick} for g in wrong if not g.get("should_accept")][:limit]}


def delta(value: Any, base: Any, better: str | None) -> tuple[float | None, str]:
    """Signed difference from the first run and whether it is ``better`` or ``worse``
    (``better`` says which direction is good: ``high``, ``low`` or ``None``)."""
    v, b = _num(value), _num(base)
    if v is None or b is None:
        return None, ""
    d = round(v - b, 4)
    if better is None or abs(d) < 1e-9:
        return d, ""
    return d, "better" if (d > 0) == (better == "high") else "worse"
