"""Fits and measures the topic guard's decision model (:mod:`guards._decision`).

Inputs: for every domain, the topic guard alone, built from the domain's CSV, gives each prompt of its
paraphrase, hard-benign, odd-format and off-topic probe sets the decision inputs
(:meth:`guards.TopicGuard.evidence`), with a directed model trained *without* that domain's fold (for the
blind domains, the shipped one, which never saw them).  Prompts a rule decides (a greeting,
another organisation, generic advice, an off-topic tail ...) are left out: the model never sees them.

Measurement, leave one domain out: a decision fitted on the *tune* halves of the other training domains
decides each training domain's prompts (both halves; the tune half is the domain's own data, but the model
never saw it); the blind domains are decided by the decision fitted on every training domain.  The training
domains are :data:`directed.MODEL_DOMAINS` (every sample domain but valle_alto and the latest blind round) and
their directed scores come from models fitted without their fold (:data:`FOLDS`).  The additive
rule shipped before (the CSV's margin + language and unknown-name offsets + ``5 x`` the directed score,
:data:`directed.ADDITIVE`) is measured on the same prompts.  Run from the repository root::

    python bench/topic_decision.py                   # measure (about 20 minutes on 2 cores)
    python bench/topic_decision.py --weights 4 6 8   # other accept weights
    python bench/topic_decision.py --write           # and write guards/resources/topic_decision.json
    python bench/topic_decision.py --reuse           # the last run's inputs (from the cache folder)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import print_machine, read_probe_prompts, setup  # noqa: E402
from directed import ACCEPT, ADDITIVE, LATEST_BLIND as BLIND, MODEL_DOMAINS as TRAIN_DOMAINS, training_set  # noqa: E402

KINDS = (*ACCEPT, "off_topic")
FOLDS = 8
"""The training domains fall in this many folds (every eighth domain of :data:`TRAIN_DOMAINS` in one): a
domain's prompts get the directed score of a model fitted without its fold.  (One model per domain, as until
the twenty-fifth session, costs an hour at 75 domains; a fold leaves out about nine.)"""


def collect() -> dict[str, np.ndarray]:
    """The decision inputs of every model-decided probe prompt, with its domain, set, split and label."""
    from guards import TopicGuard
    from guards import _directed as dm
    from guards._generic import embed_cached
    from harness._retrieval import Retriever

    texts, labels, owner = training_set(TRAIN_DOMAINS)
    vecs = embed_cached("directed-train-model", texts).astype(np.float16).astype(np.float32)
    y, owner = np.array(labels), np.array(owner)
    shipped = dm.load_directed()
    fold = {d: i % FOLDS for i, d in enumerate(TRAIN_DOMAINS)}
    models: dict[int, object] = {}
    out: dict[str, list] = {"x": [], "domain": [], "kind": [], "split": []}
    for d in (*sorted(TRAIN_DOMAINS, key=fold.get), *BLIND):
        if d in BLIND:
            directed = shipped
        elif fold[d] not in models:
            keep = ~np.isin(owner, [e for e in TRAIN_DOMAINS if fold[e] == fold[d]])
            models.clear()
            directed = models[fold[d]] = dm.DirectedModel(vecs[keep], dm.fit(vecs[keep], y[keep]), "", "", ())
        else:
            directed = models[fold[d]]
        guard = TopicGuard(Retriever.from_csv(ROOT / "data" / f"{d}.csv"), directed=directed, decision=None)
        n = len(out["x"])
        for kind in KINDS:
            for p in read_probe_prompts(d, kind):
                verdict = guard.check(p.prompt)
                if "p=" not in verdict.reason or "adds an off-topic" in verdict.reason:
                    continue  # a rule decided
                out["x"].append(guard.evidence(p.prompt)[0])
                out["domain"].append(d), out["kind"].append(kind), out["split"].append(p.split)
        print(f"{d:<14} {len(out['x']) - n} model-decided prompts", flush=True)
    return {k: np.array(v) for k, v in out.items()}


def additive(x: np.ndarray) -> np.ndarray:
    """The rule shipped before the decision model, as a logit over the same inputs."""
    from guards._topic import hand_set

    weight, center = ADDITIVE
    return np.array([hand_set(v) for v in x]) + weight * (x[:, 1] - center)


def measure(data: dict[str, np.ndarray], weights: list[float]) -> None:
    from guards import _decision

    x, dom, kind, split = data["x"], data["domain"], data["kind"], data["split"]
    accept = np.isin(kind, ACCEPT).astype(float)
    train = np.isin(dom, TRAIN_DOMAINS) & (split == "tune")
    group = np.where(np.isin(dom, BLIND), "blind", split)
    rows = [("additive", additive(x))]
    for w in weights:
        logit = np.zeros(len(x))
        full = _decision.fit(x[train], accept[train], accept_weight=w)
        for d in np.unique(dom):
            mine = dom == d
            model = full if d in BLIND else _decision.fit(x[train & ~mine], accept[train & ~mine], accept_weight=w)
            logit[mine] = [model.logit(v) for v in x[mine]]
        rows.append((f"decision, accept weight {w:g}", logit))
    print(f"\n{'rule':<30} {'group':<8} " + " ".join(f"{k:>19}" for k in KINDS))
    for name, logit in rows:
        good = np.where(accept > 0, logit >= 0, logit < 0)
        for g in ("tune", "heldout", "blind"):
            cells = []
            for k in KINDS:
                sel = (group == g) & (kind == k)
                cells.append(f"{int(good[sel].sum()):>5}/{int(sel.sum()):<5} {100 * good[sel].mean():5.1f}%")
            print(f"{name:<30} {g:<8} " + " ".join(f"{c:>19}" for c in cells))
    print(f"(blind: {', '.join(BLIND)}; model-decided prompts only; tune and held out: leave one domain out)")


def write(data: dict[str, np.ndarray]) -> Path:
    from guards import _decision
    from guards._directed import load_directed

    x, dom, kind, split = data["x"], data["domain"], data["kind"], data["split"]
    train = np.isin(dom, TRAIN_DOMAINS) & (split == "tune")
    model = _decision.fit(x[train], np.isin(kind[train], ACCEPT).astype(float), TRAIN_DOMAINS,
                          load_directed().digest)
    return model.save()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="also write guards/resources/topic_decision.json")
    ap.add_argument("--weights", type=float, nargs="*", help="accept weights to measure (default: the shipped one)")
    ap.add_argument("--reuse", action="store_true", help="reuse the inputs the last run saved")
    args = ap.parse_args()
    setup()
    print_machine()
    from guards._decision import ACCEPT_WEIGHT
    from harness._io import save_npz
    from harness._paths import cache_dir

    saved = cache_dir() / "bench" / "topic_decision_inputs.npz"
    if args.reuse:
        with np.load(saved) as z:
            data = {k: z[k] for k in z.files}
    else:
        data = collect()
        save_npz(saved, **data)
    if args.write:
        print(f"wrote {write(data)}")
    measure(data, args.weights or [ACCEPT_WEIGHT])


if __name__ == "__main__":
    main()
