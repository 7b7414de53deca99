"""Charts of the report: pygal rendered to inline SVG, with no script at all.

pygal embeds a ``<script>`` with its config and links its tooltip JavaScript;
:func:`render_svg` renders with ``js=[]``, then parses the SVG and drops every
script, event-handler attribute, foreign link and comment, gives the chart a
deterministic id, and adds native ``<title>`` tooltips.  Labels are escaped by
the XML serializer, so names taken from run files render as text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Callable, Sequence

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
PALETTE = ("#2563eb", "#f59e0b", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#6b7280", "#db2777")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
STYLE = Style(
    background="transparent", plot_background="#ffffff", foreground="#374151", foreground_strong="#111827",
    foreground_subtle="#6b7280", font_family=FONT, label_font_family=FONT, major_label_font_family=FONT,
    legend_font_family=FONT, title_font_family=FONT, value_font_family=FONT, tooltip_font_family=FONT,
    value_label_font_family=FONT, no_data_font_family=FONT, colors=PALETTE, title_font_size=17,
    label_font_size=13, major_label_font_size=13, legend_font_size=14, value_font_size=12, no_data_font_size=24,
    opacity=".88", opacity_hover="1", guide_stroke_color="#e5e7eb", major_guide_stroke_color="#d1d5db",
    stroke_width="2.5", stroke_width_hover="3.5", transition="0s")
_counter = {"n": 0}
ET.register_namespace("", SVG_NS)  # serialize as plain <svg xmlns=...>, which HTML parsers understand


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v * 100:.0f}%"


def _score(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def _base(**kw) -> dict:
    cfg = dict(style=STYLE, js=[], disable_xml_declaration=True, legend_at_bottom=True, width=900, height=380,
               margin=12, spacing=14, truncate_legend=-1, truncate_label=-1, no_data_text="—")
    cfg.update(kw)
    return cfg


def _strip(el: ET.Element) -> None:
    for child in list(el):
        tag = child.tag.split("}")[-1] if isinstance(child.tag, str) else ""
        if tag in ("script", "foreignObject", "a") or not isinstance(child.tag, str):
            el.remove(child)
            continue
        for attr in list(child.attrib):
            name, val = attr.split("}")[-1].lower(), child.attrib[attr].strip().lower()
            if name.startswith("on") or (name == "href" and not val.startswith("#")) or (name == "id"):
                del child.attrib[attr]
        _strip(child)
        desc = [d for d in child if isinstance(d.tag, str) and d.tag.endswith("desc") and "value" in d.get("class", "")]
        if desc and desc[0].text:
            title = ET.Element(f"{{{SVG_NS}}}title")
            title.text = desc[0].text
            child.insert(0, title)


def render_svg(chart) -> Markup:
    """The chart as inline, script-free SVG markup."""
    root = ET.fromstring(chart.render(is_unicode=True))
    old = root.get("id", "")
    _counter["n"] += 1
    new = f"chart-{_counter['n']}"
    _strip(root)
    root.set("id", new)
    root.set("role", "img")
    text = ET.tostring(root, encoding="unicode")
    return Markup(text.replace(old, new) if old else text)


def with_legend(svg: Markup, names: Sequence[str], colors: Sequence[str] = PALETTE) -> Markup:
    """The SVG followed by an HTML legend (escaped names, ``colors`` in series order)."""
    if len(names) < 2:
        return svg
    items = Markup("").join(Markup('<li><span class="sw" style="background:{}"></span>{}</li>').format(
        colors[i % len(colors)], escape(n)) for i, n in enumerate(names))
    return svg + Markup('<ul class="legend">') + items + Markup("</ul>")


def reset_ids() -> None:
    """Restart chart numbering (one report = ids chart-1, chart-2 ...)."""
    _counter["n"] = 0


def _bars(title: str, labels: Sequence[str], series: dict[str, list], fmt: Callable, rng=None,
          horizontal: bool = False, width: int = 620, height: int = 400) -> Markup | None:
    if not labels or not any(v is not None for vals in series.values() for v in vals):
        return None
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    if horizontal:  # pygal draws the first label at the bottom: keep the reading order top-down
        labels, series = list(labels)[::-1], {k: list(v)[::-1] for k, v in series.items()}
    crowded = len(series) > 3 and len(labels) > 3
    chart = kind(**_base(title=title, value_formatter=fmt, print_values=not crowded, print_values_position="top",
                         range=rng, x_label_rotation=0 if len(labels) <= 6 else 30,
                         height=max(220, 90 + 40 * len(labels)) if horizontal else height,
                         show_legend=False, width=width))
    chart.x_labels = list(labels)
    for name, vals in series.items():
        chart.add(name, [None if v is None else float(v) for v in vals])
    return with_legend(render_svg(chart), list(series))


def loss_chart(title: str, curves: dict[str, list[dict]], x_title: str, y_title: str, width: int = 900,
               height: int = 340) -> Markup | None:
    """Training loss per step, one line per run."""
    curves = {k: [(float(p["step"]), float(p["loss"])) for p in v
                  if isinstance(p.get("step"), (int, float)) and isinstance(p.get("loss"), (int, float))]
              for k, v in curves.items()}
    curves = {k: v for k, v in curves.items() if v}
    if not curves:
        return None
    dots = max(len(v) for v in curves.values()) <= 60
    chart = pygal.XY(**_base(title=title, x_title=x_title, y_title=y_title, show_dots=dots, dots_size=2.5,
                             value_formatter=lambda v: f"{v:.2f}", show_legend=False, width=width, height=height,
                             include_x_axis=False))
    for name, pts in curves.items():
        chart.add(name, sorted(pts))
    return with_legend(render_svg(chart), list(curves))


def quality_chart(title: str, systems: list[str], figs: dict[str, dict], labels: dict) -> Markup | None:
    keys = ("rouge_l", "fact_recall", "verbatim_rouge_l")
    return _bars(title, systems, {labels[k]: [figs[s].get(k) for s in systems] for k in keys}, _score, rng=(0, 1))


def problems_chart(title: str, systems: list[str], figs: dict[str, dict], labels: dict) -> Markup | None:
    keys = ("unsupported_fact", "repetition", "truncated", "stray_token", "no_direct_answer")
    models = [s for s in systems if s != "retrieval"]
    return _bars(title, models, {labels[k]: [figs[s].get(k) for s in models] for k in keys}, _pct, rng=(0, 1))


def refusal_chart(title: str, systems: list[str], figs: dict[str, dict], labels: dict) -> Markup | None:
    keys = ("false_refusal", "refused_off_topic", "refused_unsafe", "refused_injection")
    return _bars(title, systems, {labels[k]: [figs[s].get(k) for s in systems] for k in keys}, _pct, rng=(0, 1))


def latency_chart(title: str, systems: list[str], figs: dict[str, dict]) -> Markup | None:
    return _bars(title, systems, {"ms": [figs[s].get("latency_ms") for s in systems]},
                 lambda v: "" if v is None else f"{v:,.0f} ms", horizontal=True)


def guard_chart(title: str, rows: list[dict], set_label: Callable[[str], str], accept: str,
                refuse: str) -> Markup | None:
    """Accept rate per probe set; blue bars must be high, amber bars low."""
    if not rows or all(r["accept_rate"] is None for r in rows):
        return None
    chart = pygal.Bar(**_base(title=title, value_formatter=_pct, print_values=True, print_values_position="top",
                              range=(0, 1), width=1000, height=330, show_legend=False))
    chart.x_labels = [set_label(r["set"]) for r in rows]
    chart.add("accept_rate", [{"value": r["accept_rate"], "color": PALETTE[0] if r["expect_accept"] else PALETTE[1]}
                              for r in rows])
    return with_legend(render_svg(chart), [accept, refuse])


def compare_chart(title: str, run_ids: list[str], systems: list[str], figs: list[dict[str, dict]]) -> Markup | None:
    """In-domain ROUGE-L per system, one series per run."""
    series = {rid: [(f.get(s) or {}).get("rouge_l") for s in systems] for rid, f in zip(run_ids, figs)}
    return _bars(title, systems, series, _score, rng=(0, 1))


def safe_id(text: str) -> str:
    """A string reduced to characters safe in an HTML id."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"
