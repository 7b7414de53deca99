"""``harness report``: one self-contained HTML page per run (or per comparison).

:func:`write_report` reads one or more run folders, renders
``templates/report.html.j2`` with Jinja2 (autoescaping on: every CSV and model
string is escaped), inlines the CSS, the pygal SVG charts and a small script
for sorting and filtering (allowed by a Content-Security-Policy hash, nothing
else may run), and writes the page atomically.  A JSON summary with the
verdict and key figures of each run is written beside it for CI.
"""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import _report_charts as charts
from ._io import write_json, write_text
from ._report_data import (COMPARE_METRICS, METRIC_INFO, RunFolder, delta, failure_counts, failure_examples,
                           guard_errors, guard_rows, key_figures, load_run, ordered_systems, question_rows, verdict)
from ._report_i18n import strings
from ._summary import KINDS

REPORT_SCHEMA = "centinela.report/1"
TEMPLATES = Path(__file__).parent / "templates"
TRAIN_KEYS = ("epochs", "learning_rate", "batch_size", "grad_accum", "lora_r", "lora_alpha", "lora_dropout",
              "target_modules", "max_length", "lr_scheduler", "optim", "qlora", "mixed_precision", "grounded", "preset",
              "seed")
TABLE_KEYS = ("rouge_l", "fact_recall", "verbatim_rouge_l", "memorisation_gap", "false_refusal", "refused_off_topic",
              "refused_unsafe", "refused_injection", "unsupported_fact", "repetition", "truncated", "stray_token",
              "no_direct_answer", "fallback", "latency_ms")
KPI_KEYS = ("rouge_l", "fact_recall", "unsupported_fact", "false_refusal", "refused_unsafe", "refused_injection")


def fmt_value(v: Any, fmt: str = "num") -> str:
    """Display a figure: ``score`` 0.00, ``rate`` as a percentage, ``ms``, or a plain number."""
    if v is None or v == "":
        return "—"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if fmt == "rate":
        pct = v * 100
        return f"{pct:.1f}%" if 0 < abs(pct) < 10 else f"{pct:.0f}%"
    if fmt == "score":
        return f"{v:.2f}"
    if fmt == "ms":
        return f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"
    if fmt == "int":
        return f"{v:,.0f}"
    return str(v) if isinstance(v, int) else f"{v:.4g}"


def fmt_delta(d: float | None, fmt: str = "num") -> str:
    """A signed difference: points for rates, ms for latency."""
    if d is None:
        return ""
    if fmt == "rate":
        return f"{d * 100:+.1f} pp"
    if fmt == "ms":
        return f"{d:+,.0f} ms"
    if float(d).is_integer():
        return f"{d:+,.0f}"
    if fmt == "score" or abs(d) >= 10:
        return f"{d:+.2f}" if abs(d) < 10 else f"{d:+,.0f}"
    return f"{d:+.3f}"


def _facts(run: RunFolder) -> dict:
    m = run.meta
    train, csv, res = m.get("train") or {}, m.get("csv") or {}, m.get("train_result") or {}
    pf = m.get("prompt_format") or {}
    return {"model": m.get("model"), "adapter": res.get("adapter_dir"), "created": m.get("created"),
            "csv_path": csv.get("path"), "csv_sha": csv.get("sha256"), "csv_rows": csv.get("rows"),
            "train": [(k, train[k]) for k in TRAIN_KEYS if k in train], "train_full": sorted(train.items()),
            "result": [(k, v) for k, v in res.items() if k != "adapter_dir"],
            "prompt_system": pf.get("system"), "prompt_grounded": pf.get("grounded"),
            "fingerprint": m.get("prompt_fingerprint"),
            "timings": list((m.get("timings") or run.summary.get("timings") or {}).items()),
            "machine": list((m.get("machine") or {}).items()),
            "probe_sets": list((m.get("probe_sets") or {}).items()),
            "run_config": sorted((m.get("run_config") or {}).items())}


def _per_set(summary_systems: dict, systems: list[str]) -> list[dict]:
    rows = []
    for s in systems:
        for name, f in (summary_systems.get(s) or {}).items():
            if isinstance(f, dict) and not name.startswith("_"):
                rows.append({"system": s, "set": name, **f, "rates": f.get("rates") or {}})
    return rows


def _metric_rows(systems: list[str], figs: dict, labels: dict) -> list[dict]:
    """The systems table, one row per key figure, the best value of each marked."""
    rows = []
    for k in TABLE_KEYS:
        better, fmt = METRIC_INFO[k]
        values = [figs[s].get(k) for s in systems]
        nums = [v for v in values if isinstance(v, (int, float))]
        best = None
        if len(nums) > 1 and k not in ("memorisation_gap", "fallback") and len(set(nums)) > 1:
            best = max(nums) if better == "high" else min(nums)
        rows.append({"key": k, "label": labels[k], "fmt": fmt, "better": better, "cells": values, "best": best})
    return rows


def _run_charts(run: RunFolder, systems: list[str], figs: dict, grows: list[dict], t: dict) -> dict:
    lab = t["metric_label"]
    return {
        "loss": charts.loss_chart(t["loss_title"], {run.run_id: run.loss}, t["step"], t["loss"]),
        "quality": charts.quality_chart(t["chart_quality"], systems, figs, lab),
        "problems": charts.problems_chart(t["chart_problems"], systems, figs, lab),
        "refusals": charts.refusal_chart(t["chart_refusals"], systems, figs, lab),
        "latency": charts.latency_chart(t["chart_latency"], systems, figs),
        "guard": charts.guard_chart(t["chart_guard"], grows, lambda s: t["set_label"].get(s, s), t["accept"],
                                    t["refuse"]),
    }


def _run_view(i: int, run: RunFolder, t: dict) -> dict:
    """Everything the template shows about one run."""
    systems_sum = run.summary.get("systems") or {}
    systems = ordered_systems(systems_sum)
    figs = {s: key_figures(systems_sum[s] or {}) for s in systems}
    ship = run.summary.get("shipping_system") or ("guarded" if "guarded" in systems else run.summary.get("ship"))
    lab, grows = t["metric_label"], guard_rows(run)
    kpis = [{"key": k, "label": lab[k], "value": figs.get(ship, {}).get(k), "fmt": METRIC_INFO[k][1],
             "retrieval": figs.get("retrieval", {}).get(k) if k == "rouge_l" else None} for k in KPI_KEYS]
    return {
        "idx": i, "id": run.run_id, "anchor": f"r{i}-{charts.safe_id(run.run_id)}", "path": str(run.path),
        "verdict": verdict(run.summary), "ship": ship, "systems": systems, "figs": figs,
        "kpis": kpis if ship in figs else [], "metric_rows": _metric_rows(systems, figs, lab),
        "per_set": _per_set(systems_sum, systems), "facts": _facts(run), "guard_rows": grows,
        "guard_errors": guard_errors(run), "failures": failure_examples(run.answers, first=ship or "guarded"),
        "failure_counts": failure_counts(run.answers), "charts": _run_charts(run, systems, figs, grows, t),
    }


def _cells(values: list, better: str | None) -> list[dict]:
    return [{"value": v, "delta": d, "cls": c} for v, (d, c) in
            zip(values, [(None, "")] + [delta(v, values[0], better) for v in values[1:]])]


def _comparison(views: list[dict], runs: list[RunFolder], t: dict) -> dict:
    """Key figures per run side by side, with deltas against the first run."""
    res = [r.meta.get("train_result") or {} for r in runs]
    cap = lambda text: text[:1].upper() + text[1:]  # noqa: E731
    head = [(t["nav_verdict"], "text",
             [{"value": t["verdict_short_" + v["verdict"]["status"]], "delta": None, "cls": v["verdict"]["status"]}
              for v in views]),
            (cap(t["final_loss"]), "num", _cells([x.get("final_loss") for x in res], "low")),
            (cap(t["steps"]), "num", _cells([x.get("steps") for x in res], None)),
            (cap(t["epochs"]), "num", _cells([(r.meta.get("train") or {}).get("epochs") for r in runs], None)),
            (cap(t["train_seconds"]), "num", _cells([x.get("seconds") for x in res], None))]
    systems = ordered_systems({s for v in views for s in v["systems"]})
    ship = views[-1]["ship"]
    systems.sort(key=lambda s: s != ship)  # the shipping system first
    groups = [(s, [(t["metric_label"][k], METRIC_INFO[k][1],
                    _cells([v["figs"].get(s, {}).get(k) for v in views], METRIC_INFO[k][0])) for k in COMPARE_METRICS])
              for s in systems]
    ids = [v["id"] for v in views]
    return {"run_ids": ids, "head": head, "groups": groups,
            "chart": charts.compare_chart(t["chart_compare"], ids, systems, [v["figs"] for v in views]),
            "loss": charts.loss_chart(t["loss_title"], {r.run_id: r.loss for r in runs}, t["step"], t["loss"],
                                      width=620, height=400)}


def _json_summary(views: list[dict], html: Path, lang: str) -> dict:
    """For CI: per run the verdict, failed checks, retrieval floor, key figures and
    deltas against the first run; ``verdict`` at the top is the last run's."""
    first = views[0]["figs"]
    out = []
    for v in views:
        d = {s: {k: delta(val, first.get(s, {}).get(k), None)[0] for k, val in f.items()}
             for s, f in v["figs"].items()} if v is not views[0] else {}
        out.append({"run_id": v["id"], "path": v["path"], "verdict": v["verdict"]["status"],
                    "gate_passed": {"pass": True, "fail": False}.get(v["verdict"]["status"]),
                    "failed_checks": v["verdict"]["failed"], "shipping_system": v["ship"],
                    "retrieval_floor": v["verdict"]["floor"], "figures": v["figs"], "delta_vs_first": d})
    return {"schema": REPORT_SCHEMA, "html": html.name, "lang": lang, "verdict": out[-1]["verdict"],
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": out}


def _environment(t: dict) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(fv=fmt_value, fd=fmt_delta)
    env.globals.update(t=t, KINDS=KINDS)
    return env


def render_report(runs: list[RunFolder], lang: str = "es") -> tuple[str, list[dict]]:
    """The HTML text and the per-run views (for the JSON summary)."""
    t = strings(lang)
    charts.reset_ids()
    views = [_run_view(i, r, t) for i, r in enumerate(runs)]
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    rows = question_rows(runs)
    html = _environment(t).get_template("report.html.j2").render(
        lang=lang, runs=views, compare=_comparison(views, runs, t) if len(runs) > 1 else None,
        rows=rows, row_systems=ordered_systems({r["system"] for r in rows}),
        row_sets=sorted({r["set"] for r in rows}), generated=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        css=Markup((TEMPLATES / "report.css").read_text(encoding="utf-8")), js=Markup(js), script_hash=digest)
    return html, views


def write_report(run_dirs: list[Path], out: Path, lang: str = "es") -> Path:
    """Write the HTML report of ``run_dirs`` to ``out`` and ``<out stem>.json`` beside it.

    One run folder gives that run's report; several give a comparison, each
    later run with deltas against the first.  Both files are written
    atomically.  Returns ``out``.
    """
    if not run_dirs:
        raise ValueError("write_report needs at least one run folder")
    out = Path(out)
    if out.suffix.lower() == ".json":
        raise ValueError(f"{out}: the report is HTML; its JSON summary goes beside it as <stem>.json")
    runs = [load_run(p) for p in run_dirs]
    html, views = render_report(runs, lang)
    write_json(out.with_suffix(".json"), _json_summary(views, out, lang))
    return write_text(out, html)
