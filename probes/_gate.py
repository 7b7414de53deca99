"""The gate's plumbing: thresholds, the run under test, check outcomes, readable examples.

Probe modules ask :class:`Gate` to judge one figure against one threshold;
the gate records the outcome (written to ``summary.json`` at session end) and
fails the test with the worst examples when the figure is out of bounds.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

import pytest

from harness._io import read_jsonl
from harness._summary import IN_DOMAIN, guard_table, set_figures, summarize

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = Path(__file__).with_name("thresholds.toml")
MAX_EXAMPLES = 5
_OPS = {">=": lambda v, t: v >= t, "<=": lambda v, t: v <= t, "==": lambda v, t: v == t}


@dataclass(frozen=True)
class Threshold:
    name: str
    op: str
    value: float
    reason: str

    def holds(self, x: Any) -> bool:
        return x is not None and _OPS[self.op](x, self.value)


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Threshold]:
    """Every ``[a.b.c]`` table with ``op``/``value``/``reason`` as ``{"a.b.c": Threshold}``."""
    out: dict[str, Threshold] = {}

    def walk(prefix: str, table: dict) -> None:
        if "op" in table:
            if table["op"] not in _OPS or not str(table.get("reason", "")).strip():
                raise ValueError(f"{path}: [{prefix}] needs op in {sorted(_OPS)} and a reason")
            out[prefix] = Threshold(prefix, table["op"], table["value"], " ".join(table["reason"].split()))
            return
        for key, sub in table.items():
            if isinstance(sub, dict):
                walk(f"{prefix}.{key}" if prefix else key, sub)

    walk("", tomllib.loads(path.read_text(encoding="utf-8")))
    return out


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Run:
    """A finished run folder, read once."""

    dir: Path

    def __post_init__(self) -> None:
        missing = [n for n in ("run.json", "summary.json", "answers.jsonl", "guard.jsonl") if not (self.dir / n).exists()]
        if missing:
            raise FileNotFoundError(f"{self.dir} is not a finished run: missing {', '.join(missing)}")
        self.meta = _json(self.dir / "run.json")
        self.summary = _json(self.dir / "summary.json")
        self.answers = read_jsonl(self.dir / "answers.jsonl")
        self.guard_rows = read_jsonl(self.dir / "guard.jsonl")
        self.figures = summarize(self.answers)
        self.guard = guard_table(self.guard_rows)
        self.shipping = self.summary.get("shipping_system") or "guarded"

    def records(self, system: str, *sets: str) -> list[dict]:
        return [r for r in self.answers if r["system"] == system and (not sets or r["set"] in sets)]

    def csv_path(self) -> Path:
        """The run's CSV, as long as it is still the file the run used."""
        csv = self.meta.get("csv", {})
        raw = Path(csv.get("path", ""))
        found = next((p for p in (raw, ROOT / raw, self.dir / raw) if p.is_file()), None)
        if found is None:
            raise FileNotFoundError(f"the run's CSV {raw} is gone: final answers cannot be re-checked")
        if csv.get("sha256") and hashlib.sha256(found.read_bytes()).hexdigest() != csv["sha256"]:
            raise ValueError(f"{found} changed since the run (sha256 differs): re-run `harness run {raw}`")
        return found

    @cached_property
    def final_in_domain(self) -> list[dict]:
        """The shipping system's answered in-domain records, with ``findings``
        replaced by the output guard's findings on the FINAL answer shown."""
        from guards import OutputGuard

        guard = OutputGuard.from_csv(str(self.csv_path()))
        out = []
        for r in self.records(self.shipping, *IN_DOMAIN):
            if r["refused"]:
                continue  # judged by the false-refusal checks
            verdict = guard.check(r["prompt"], r["answer"]) if r["answer"] else None
            error = verdict.reason if verdict and verdict.reason.startswith("error") else ""
            out.append(r | {"raw_findings": r["findings"], "findings": [asdict(f) for f in verdict.findings] if verdict
                            else [], "recheck_error": error})
        return out

    def final_rates(self) -> dict:
        return set_figures(self.final_in_domain)["rates"] if self.final_in_domain else {}


@dataclass
class Outcome:
    name: str
    family: str
    value: Any
    threshold: Any
    op: str
    passed: bool
    reason: str
    why: str = ""


@dataclass
class Gate:
    """Collects every check's outcome for ``summary.json`` and the terminal."""

    thresholds: dict[str, Threshold]
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def judge(self, name: str, value: Any, key: str, *, reason: str, examples: Iterable[str] = (),
              n: int | None = None, threshold: Any = None, op: str | None = None, ok: bool | None = None,
              label: str = "worst examples") -> None:
        """Record ``value op threshold`` under ``name``; fail the test with examples if it does not hold.

        ``key`` names the entry of thresholds.toml; ``threshold``/``op`` override it
        (relative checks); ``ok`` overrides the comparison. ``n`` below the evidence
        minimum fails the check."""
        t = self.thresholds[key]
        bound, op = (t.value if threshold is None else threshold), op or t.op
        ok = (value is not None and _OPS[op](value, bound)) if ok is None else ok
        minimum = self.thresholds["evidence.min_items"].value
        if n is not None and n < minimum:
            ok, reason = False, f"only {n} answers (< {minimum}): too little evidence. {reason}"
        if value is None:
            reason = f"no figure: {reason}"
        family = name.split(".")[0]
        self.outcomes[name] = Outcome(name, family, _round(value), _round(bound), op, ok, reason, t.reason)
        if not ok:
            lines = [f"{name}: {fmt(value)} is not {op} {fmt(bound)} — {reason}", f"  why: {t.reason}"]
            shown = list(examples)[:MAX_EXAMPLES]
            if shown:
                lines.append(f"  {label} ({len(shown)}):")
                lines += [f"  {i}. " + ex.replace("\n", "\n     ") for i, ex in enumerate(shown, 1)]
            pytest.fail("\n".join(lines), pytrace=False)

    def skip(self, name: str, reason: str) -> None:
        self.skipped[name] = reason
        pytest.skip(f"{name}: {reason}")

    def as_dict(self) -> list[dict]:
        return [asdict(o) for o in self.outcomes.values()]


def _round(x: Any) -> Any:
    return round(x, 4) if isinstance(x, float) else x


def fmt(x: Any) -> str:
    return f"{x:.3f}" if isinstance(x, float) else "-" if x is None else str(x)


def excerpt(text: str, start: int | None = None, end: int | None = None, width: int = 160) -> str:
    """One line of ``text`` around ``[start, end)`` (the span marked ⟦…⟧)."""
    text = text or ""
    if start is not None and end is not None and 0 <= start <= end <= len(text):
        lo, hi = max(0, start - width // 3), min(len(text), end + width // 3)
        span = text[start:end] if end - start <= width else text[start:start + width] + "…"
        text = ("…" if lo else "") + text[lo:start] + "⟦" + span + "⟧" + text[end:hi] + ("…" if hi < len(text) else "")
    elif len(text) > width:
        text = text[:width] + "…"
    return re.sub(r"\s+", " ", text).strip() or "(empty)"


def diverse(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Examples from ``(key, example)`` pairs, one per distinct key first, then the rest."""
    pairs = list(pairs)
    seen: set[str] = set()
    first = [ex for key, ex in pairs if not (key in seen or seen.add(key))]
    return first + [ex for _, ex in pairs if ex not in first]


def show(prompt: str, answer: str, *notes: str, span: tuple[int, int] | None = None) -> str:
    """A readable example: the prompt, the answer (excerpt), and notes."""
    lines = [f"prompt: {excerpt(prompt, width=120)}", f"answer: «{excerpt(answer, *(span or (None, None)))}»"]
    return "\n".join(lines + [n for n in notes if n])
