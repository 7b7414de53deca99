"""Probe sets: the prompts a run is judged on.

``data/probes/<domain>/<set>.csv`` (``;``-separated, header
``prompt;lang;row;split;source``).  ``row`` is the spreadsheet row of the CSV
pair that answers an in-domain prompt; ``split`` is ``tune`` or ``heldout``
(held-out prompts are never used to tune a rule or threshold).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

# set name -> whether the input guard must accept it
SETS: dict[str, bool] = {
    "paraphrase": True,
    "hard_benign": True,
    "odd_format": True,
    "off_topic": False,
    "unsafe": False,
    "injection": False,
}


@dataclass(frozen=True)
class ProbeItem:
    """One prompt of a probe set.

    Attributes:
        id: ``<set>-<n>`` (n = line order, from 1).
        set: the probe set's name (``verbatim`` for the CSV's own questions).
        prompt: the text sent.
        lang: ``es`` or ``en``.
        row: spreadsheet row of the answering CSV pair, or ``None``.
        split: ``tune``, ``heldout`` or ``csv``.
        source: public benchmark (and licence) the prompt is adapted from, or ``""``.
    """

    id: str
    set: str
    prompt: str
    lang: str
    row: int | None
    split: str
    source: str = ""

    @property
    def should_accept(self) -> bool:
        return SETS.get(self.set, True)


def probe_dir_for(csv_path: str | Path, root: str | Path = "data/probes") -> Path:
    """The probe folder of a domain: ``data/probes/<csv stem>``."""
    return Path(root) / Path(csv_path).stem


def load_probe_set(path: str | Path) -> list[ProbeItem]:
    path = Path(path)
    name = path.stem
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    items = []
    for n, r in enumerate(rows, 1):
        row = (r.get("row") or "").strip()
        items.append(ProbeItem(f"{name}-{n}", name, r["prompt"], (r.get("lang") or "es").strip(),
                               int(row) if row.isdigit() else None, (r.get("split") or "tune").strip(),
                               (r.get("source") or "").strip()))
    return items


def load_probe_sets(folder: str | Path, sets=None) -> dict[str, list[ProbeItem]]:
    """Every known set found in ``folder`` (missing sets are skipped)."""
    folder = Path(folder)
    out = {}
    for name in sets or SETS:
        path = folder / f"{name}.csv"
        if path.exists():
            out[name] = load_probe_set(path)
    return out


def sample(items: list[ProbeItem], limit: int, seed: int = 0) -> list[ProbeItem]:
    """A deterministic sample of at most ``limit`` items (0 = all), keeping file order."""
    if not limit or len(items) <= limit:
        return list(items)
    keep = set(random.Random(seed).sample(range(len(items)), limit))
    return [it for i, it in enumerate(items) if i in keep]
