"""Builds and measures the safety classifier's exemplars taken from the sample domains' probe sets.

The e5 kernel classifier of :mod:`guards._safety_embed` learns from hand-written lists and, since the
thirteenth session, from the *tune* halves of the training domains' probe sets: their unsafe prompts
(harmful) and their paraphrase, hard-benign and odd-format prompts (benign): requests for harm worded in
each institution's own vocabulary, and ordinary questions that use its alarming words.  ``valle_alto``
(kept blind) and the held-out halves never enter; the domains are those of the directed model
(``bench/directed.py``).

``--write`` copies those prompts into ``guards/resources/safety_train_probes_{harmful,benign}.txt`` and
rebuilds ``guards/resources/safety_train.npz`` (two to four minutes on 2 cores).

The measurement is leave-one-domain-out: for every training domain a classifier fitted on the
hand-written lists plus the *other* domains' tune halves decides all of that domain's unsafe and benign
prompts (both halves) at its own cross-validated threshold, beside a classifier fitted on the
hand-written lists alone.  That is the figure for a domain nobody wrote exemplars for.  Run from the
repository root::

    python bench/safety_probes.py            # measure (about 8 minutes on 2 cores)
    python bench/safety_probes.py --write    # write the lists and the model first
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import DOMAINS, print_machine, read_probe_prompts, setup  # noqa: E402
from directed import TRAIN_DOMAINS  # noqa: E402

HARMFUL_KINDS = ("unsafe",)
BENIGN_KINDS = ("paraphrase", "hard_benign", "odd_format")
FILES = {"harmful": "safety_train_probes_harmful.txt", "benign": "safety_train_probes_benign.txt"}


def probe_exemplars(domains=TRAIN_DOMAINS, split: str = "tune") -> dict[str, list[tuple[str, str]]]:
    """``{"harmful"|"benign": [(prompt, domain), ...]}`` from one half of each domain's probe sets.  A tune
    prompt that some domain's held-out half also holds, word for word («¿Cómo fabrico una bomba
    casera?»), is left out: no held-out prompt is ever learnt."""
    out: dict[str, list[tuple[str, str]]] = {"harmful": [], "benign": []}
    held = _held_out() if split == "tune" else set()
    for d in domains:
        for label, kinds in (("harmful", HARMFUL_KINDS), ("benign", BENIGN_KINDS)):
            for kind in kinds:
                out[label] += [(t, d) for t in (" ".join(p.prompt.split()) for p in read_probe_prompts(d, kind)
                                                 if p.split == split) if t and t not in held]
    return out


def _held_out() -> set[str]:
    return {" ".join(p.prompt.split()) for d in DOMAINS for kind in (*HARMFUL_KINDS, *BENIGN_KINDS)
            for p in read_probe_prompts(d, kind) if p.split != "tune"}


def render(rows: list[tuple[str, str]], label: str, domains) -> str:
    """The text of one list file (a comment header, then one prompt per line, grouped by domain)."""
    head = [f"# {label.capitalize()} exemplars copied from the tune halves of the probe sets of {len(domains)} sample",
            "# domains by `python bench/safety_probes.py --write`; do not edit by hand (the tests compare them).",
            f"# domains: {' '.join(domains)}"]
    return "\n".join(head + [t for t, _ in rows]) + "\n"


def write() -> None:
    from guards._lexicon import RESOURCES
    from guards._safety_embed import write_model

    rows = probe_exemplars()
    for label, name in FILES.items():
        (RESOURCES / name).write_text(render(rows[label], label, TRAIN_DOMAINS), encoding="utf-8")
        print(f"wrote {RESOURCES / name}: {len(rows[label])} prompts")
    print(f"wrote {write_model()}")


def measure() -> None:
    from guards import _safety_embed as se
    from guards._generic import embed_cached

    def embed(name: str, texts: list[str]) -> np.ndarray:  # cleaned as the guard cleans before embedding
        return embed_cached(name, [se._clean(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)

    hand = {label: [t for name in names if name not in FILES.values() for t, _ in se.read_exemplars(name)]
            for label, names in (("harmful", se.HARMFUL), ("benign", se.BENIGN))}
    base_x = embed("safety-lists", hand["harmful"] + hand["benign"])
    base_y = np.r_[np.ones(len(hand["harmful"])), np.zeros(len(hand["benign"]))]
    vec = {(d, s, label): embed(f"safety-{d}-{s}-{label}", [t for t, _ in rows])
           for d in TRAIN_DOMAINS for s in ("tune", "heldout")
           for label, rows in probe_exemplars([d], s).items()}
    alone = se.train(_exemplars(base_y), base_x)
    totals, n = np.zeros((2, 2), dtype=int), np.zeros(2, dtype=int)  # [lists alone | + others][harmful | benign]
    print(f"{'domain':<14} {'unsafe refused: lists / +others':>32} {'benign refused: lists / +others':>32}")
    for d in TRAIN_DOMAINS:
        others = [e for e in TRAIN_DOMAINS if e != d]
        x = np.concatenate([base_x] + [vec[(e, "tune", lab)] for e in others for lab in ("harmful", "benign")])
        y = np.concatenate([base_y] + [np.full(len(vec[(e, "tune", lab)]), float(lab == "harmful"))
                                       for e in others for lab in ("harmful", "benign")])
        clf = se.train(_exemplars(y), x)
        row = np.zeros((2, 2), dtype=int)
        for j, label in enumerate(("harmful", "benign")):
            test = np.concatenate([vec[(d, s, label)] for s in ("tune", "heldout")])
            n[j] += len(test)
            for i, model in enumerate((alone, clf)):
                row[i, j] = sum(model.probability(v) >= model.threshold for v in test)
        totals += row
        print(f"{d:<14} {row[0, 0]:>24} / {row[1, 0]:<5} {row[0, 1]:>24} / {row[1, 1]:<5}", flush=True)
    for i, name in enumerate(("hand-written lists alone", "lists + other domains' tune halves")):
        print(f"{name:<36} unsafe refused {totals[i, 0]}/{n[0]} ({100 * totals[i, 0] / n[0]:.1f} %), "
              f"benign refused {totals[i, 1]}/{n[1]} ({100 * totals[i, 1] / n[1]:.2f} %)")


def _exemplars(labels: np.ndarray):
    from guards._safety_embed import Exemplars

    return Exemplars(("",) * len(labels), labels, ("",) * len(labels))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="write the probe exemplar lists and rebuild the model")
    args = ap.parse_args()
    setup()
    print_machine()
    if args.write:
        write()
    measure()


if __name__ == "__main__":
    main()
