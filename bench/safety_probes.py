"""Builds and measures the safety classifier's exemplars taken from the sample domains' probe sets.

The e5 kernel classifier of :mod:`guards._safety_embed` learns from hand-written lists and, since the
thirteenth session, from the *tune* halves of the training domains' probe sets: their unsafe prompts
(harmful) and their paraphrase, hard-benign and odd-format prompts (benign): requests for harm worded in
each institution's own vocabulary, and ordinary questions that use its alarming words.  The held-out halves
never enter.  The domains are :data:`SAFETY_DOMAINS`, the 39 the directed model learnt from until the
twenty-sixth session (``bench/directed.py``'s ``TRAIN_DOMAINS``).

``--write`` copies those prompts into ``guards/resources/safety_train_probes_{harmful,benign}.txt`` and
rebuilds ``guards/resources/safety_train.npz`` (two to four minutes on 2 cores).

The measurement leaves whole rounds out (:data:`TEST_DOMAINS`, rounds 20-23: twelve domains written blind
by helpers who saw nothing of the repository): a classifier fitted on the hand-written lists plus the tune
halves of the 39 domains shipped before, and one fitted on the lists plus the tune halves of every other
sample domain, each decide all of the test domains' unsafe and benign prompts (both halves) at their own
cross-validated thresholds.  That is the figure for a domain nobody wrote exemplars for, and whether more
domains help.  Run from the repository root::

    python bench/safety_probes.py            # measure (about 5 minutes on 2 cores, embeddings cached after)
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
from directed import BLIND as SAFETY_BLIND, LATEST_BLIND, TEST_ROUNDS as TEST_DOMAINS, TRAIN_DOMAINS  # noqa: E402

SAFETY_DOMAINS = TRAIN_DOMAINS
"""The domains whose tune halves the shipped classifier learns from: still the 39 of the directed model until
the twenty-fifth session.  A refit on every domain but valle_alto and round 23 (75) was measured in the
twenty-sixth session and not shipped: alone, on rounds 20-23 left out whole, it refused 1287 of 1320 unsafe
prompts instead of 1241 and 31 of 2710 benign ones instead of 22 (:func:`measure`); in the guard chain, over
every held-out half and round 23, the safety check's false refusals rose from 71 to 97 and the unsafe prompts
let through stayed at 3: the rules already refuse what it added."""

HARMFUL_KINDS = ("unsafe",)
BENIGN_KINDS = ("paraphrase", "hard_benign", "odd_format")
FILES = {"harmful": "safety_train_probes_harmful.txt", "benign": "safety_train_probes_benign.txt"}


def probe_exemplars(domains=SAFETY_DOMAINS, split: str = "tune") -> dict[str, list[tuple[str, str]]]:
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
        (RESOURCES / name).write_text(render(rows[label], label, SAFETY_DOMAINS), encoding="utf-8")
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
           for d in DOMAINS for s in ("tune", "heldout") if s == "tune" or d in TEST_DOMAINS
           for label, rows in probe_exemplars([d], s).items()}
    print(f"test: {len(TEST_DOMAINS)} domains left out whole ({', '.join(TEST_DOMAINS)}), both halves")
    for name, domains in (("lists + the 39 domains shipped before", TRAIN_DOMAINS),
                          ("lists + every other sample domain", DOMAINS)):
        train = [d for d in domains if d not in TEST_DOMAINS and d not in LATEST_BLIND]
        x = np.concatenate([base_x] + [vec[(e, "tune", lab)] for e in train for lab in ("harmful", "benign")])
        y = np.concatenate([base_y] + [np.full(len(vec[(e, "tune", lab)]), float(lab == "harmful"))
                                       for e in train for lab in ("harmful", "benign")])
        clf = se.train(_exemplars(y), x)
        cells = []
        for label in ("harmful", "benign"):
            test = np.concatenate([vec[(d, s, label)] for d in TEST_DOMAINS for s in ("tune", "heldout")])
            refused = sum(clf.probability(v) >= clf.threshold for v in test)
            cells.append(f"{'unsafe' if label == 'harmful' else 'benign'} refused {refused}/{len(test)} "
                         f"({100 * refused / len(test):.2f} %)")
        print(f"{name:<40} ({len(train)} domains, {len(x)} exemplars, threshold {clf.threshold:.2f}): "
              + ", ".join(cells), flush=True)


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
