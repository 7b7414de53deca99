"""Builds and measures the topic guard's "question to an institution" model (:mod:`guards._directed`).

Training set (:func:`training_set`): the questions of every sample CSV and the *tune* halves of its
paraphrase and hard-benign probe sets (label 1); the built-in generic off-topic prompts
and the *tune* halves of the off-topic probe sets (label 0), of :data:`MODEL_DOMAINS` (every sample domain but
:data:`LATEST_BLIND`; until the twenty-sixth session the 39 :data:`TRAIN_DOMAINS`, all but :data:`BLIND`).

``--rounds`` leaves rounds 20-23 out whole and compares a model fitted on the 39 domains with one fitted on
every other domain.  Measurement, leave-one-domain-out over the 39 :data:`TRAIN_DOMAINS`: for each, a model fitted without it scores that
domain's accept prompts and off-topic prompts (both halves): the AUC says how well it ranks them; then
the topic guard alone (no safety or injection check) decides every prompt of the domain without the
directed score and with it added to its logit as ``weight * (score - center)`` (:data:`ADDITIVE`, the rule
shipped before the decision model of :mod:`guards._decision`; ``--grid`` tries others), and the counts are
printed per split.  ``bench/topic_decision.py`` measures the shipped decision.  Run from the repository root::

    python bench/directed.py            # measure (about 6 minutes on 2 cores, embeddings cached after)
    python bench/directed.py --write    # and write guards/resources/directed.npz from MODEL_DOMAINS
    python bench/directed.py --rounds   # rounds 20-23 left out whole: 39 training domains or all the others
    python bench/directed.py --curve 10 20 30 39   # blind AUC against the number of training domains (3 min)
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import DOMAINS, print_machine, read_probe_prompts, setup  # noqa: E402

ACCEPT = ("paraphrase", "hard_benign", "odd_format")
TRAIN_ACCEPT = ("paraphrase", "hard_benign")
"""Odd-format prompts stay out of training: their markup and spacing taught the model that odd-looking
text is a customer's question, and text spaced out letter by letter then scored as one."""
BLIND = ("valle_alto", "tinta", "vigia", "casona", "sonqo", "kuntur", "muchik", "dojo", "huarango",
         "algarrobo_go", "cumbenet", "chinchipe", "via_heroica", "qullqi", "los_algarrobos", "apammar",
         "killa_cine", "qillqa", "muchik_limpio", "olas_ferrol", "qillqa_wasi", "tres_volcanes",
         "kunturi_termas", "celfix", "chulucanas_barro",
         "dunas_ica", "upas_admision", "vivero_selva",
         "dulce_misti", "lanchas_maranon", "mudanzas_huamanga",
         "taller_costura", "apicola_oxapampa", "coworking_trujillo",
         "chamba_segura", "ruedas_misti", "radio_wayra",
         "barberia_juliaca", "lente_norte", "trajes_candelaria")
"""Kept out of the retrieval adapters and the safety classifier (and, until the twenty-sixth session, of every shipped
model; since then the directed model and the topic decision learn from all but :data:`LATEST_BLIND`): valle_alto (written blind, never tuned on), round 11 (sixteenth session),
round 12 (seventeenth), round 13 (eighteenth), round 14 (nineteenth), rounds 15–17 (twentieth), rounds 18–19 (twenty-first), rounds 20–22 (twenty-fifth), round 23 (twenty-sixth), so that the final code has domains it
never learnt from.  Rounds 8-10, blind in the sessions that wrote them, train on their tune halves like rounds
1-7.  Refits with more rounds trained were measured and not shipped: round 11 in the seventeenth session (the
CSV model's margin got a weight of -0.05 in the decision), rounds 11-13 in the nineteenth (48 domains: the
margin's weight -0.16, and against the 39-domain models, same rules, round 14 accepted 5 paraphrases fewer of
390 and refused 5 more of its 876 off-topic, unsafe and injection prompts; the held-out halves of rounds 1-10
moved by -4 paraphrases, -2 odd-format, +1 off-topic, +5 injections)."""
TRAIN_DOMAINS = tuple(d for d in DOMAINS if d not in BLIND)
"""The 39 domains the retrieval adapters (``bench/fusion.py``) were fitted on, and every shipped model until the
twenty-sixth session."""
LATEST_BLIND = ("valle_alto", "barberia_juliaca", "lente_norte", "trajes_candelaria")
"""Kept out of every shipped model since the twenty-sixth session: valle_alto and the latest blind round (23)."""
MODEL_DOMAINS = tuple(d for d in DOMAINS if d not in LATEST_BLIND)
"""The domains the directed model and the topic decision (``bench/topic_decision.py``) learn from since the
twenty-sixth session: every sample domain but
:data:`LATEST_BLIND`.  Left out whole, rounds 20-23 (12 domains) ranked their accept prompts above their off-topic
ones with a mean AUC of 0.978 when the model learnt from the 39 :data:`TRAIN_DOMAINS`, 0.988 when it learnt from
the 66 other domains (every one of the 12 rose; ``python bench/directed.py --rounds``)."""
TEST_ROUNDS = ("dulce_misti", "lanchas_maranon", "mudanzas_huamanga", "taller_costura", "apicola_oxapampa",
               "coworking_trujillo", "chamba_segura", "ruedas_misti", "radio_wayra", "barberia_juliaca",
               "lente_norte", "trajes_candelaria")
"""Rounds 20-23, left out whole by ``--rounds``."""
ADDITIVE = (5.0, 0.0)
"""(weight, center) of the additive rule shipped in the thirteenth session (chosen with ``--grid``)."""


def training_set(domains=TRAIN_DOMAINS) -> tuple[list[str], list[int], list[str]]:
    """Texts, labels (1 = a question to the institution) and the domain of each (``""`` for generic)."""
    from guards._generic import load_generic
    from harness._csvdata import load_qa_csv

    texts, labels, owner = [], [], []
    for d in domains:
        for r in load_qa_csv(ROOT / "data" / f"{d}.csv").rows:
            texts.append(r.question), labels.append(1), owner.append(d)
        for kind in (*TRAIN_ACCEPT, "off_topic"):
            for p in read_probe_prompts(d, kind):
                if p.split == "tune":
                    texts.append(p.prompt), labels.append(int(kind != "off_topic")), owner.append(d)
    for g in load_generic():
        texts.append(g), labels.append(0), owner.append("")
    return texts, labels, owner


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    ranks = np.concatenate([pos, neg]).argsort().argsort() + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def measure(grid: list[tuple[float, float]]) -> None:
    from guards import TopicGuard
    from guards import _directed as dm
    from guards._generic import embed_cached
    from harness._retrieval import Retriever

    texts, labels, owner = training_set()
    vecs = embed_cached("directed-train", texts)
    y, owner = np.array(labels), np.array(owner)
    counts: dict[tuple, list[int]] = {}
    aucs = []
    for d in TRAIN_DOMAINS:
        keep = owner != d
        x = vecs[keep].astype(np.float16).astype(np.float32)
        model = dm.DirectedModel(x, dm.fit(x, y[keep]), "", "", ())
        guard = TopicGuard(Retriever.from_csv(ROOT / "data" / f"{d}.csv"), directed=None)
        scores = {k: [] for k in (*ACCEPT, "off_topic")}
        for kind in scores:
            for p in read_probe_prompts(d, kind):
                verdict = guard.check(p.prompt)
                by_model = "p=" in verdict.reason and "adds an off-topic" not in verdict.reason
                prob, prof, _ = guard.probability(p.prompt)
                score = model.score(prof.vector)
                scores[kind].append(score)
                logit = math.log(max(prob, 1e-9) / max(1 - prob, 1e-9))
                thr = guard.calibration.threshold
                for weight, center in [(0.0, 0.0), *grid]:
                    allowed = verdict.allowed if not by_model else \
                        logit + weight * (score - center) >= math.log(thr / (1 - thr))
                    good = allowed if kind in ACCEPT else not allowed
                    key = (weight, center, p.split, kind)
                    counts.setdefault(key, [0, 0])
                    counts[key][0] += good
                    counts[key][1] += 1
        a = auc(np.array([s for k in ACCEPT for s in scores[k]]), np.array(scores["off_topic"]))
        aucs.append(a)
        print(f"{d:<14} AUC {a:.3f}", flush=True)
    print(f"mean leave-one-domain-out AUC {np.mean(aucs):.3f} over {len(aucs)} domains\n")
    print(f"{'weight':>6} {'center':>6} {'split':<8} " + " ".join(f"{k:>16}" for k in (*ACCEPT, "off_topic")))
    for weight, center in [(0.0, 0.0), *grid]:
        for split in ("tune", "heldout"):
            cells = [counts.get((weight, center, split, k), [0, 0]) for k in (*ACCEPT, "off_topic")]
            print(f"{weight:>6} {center:>6} {split:<8} " + " ".join(f"{g:>7}/{n:<5} {100 * g / max(n, 1):5.1f}%"
                                                                 .rjust(16) for g, n in cells))


def learning_curve(sizes: list[int], repeats: int = 3, seed: int = 0) -> None:
    """AUC on the :data:`BLIND` domains (accept prompts against off-topic ones) of directed models fitted on
    random subsets of the training domains: does one more domain of probes still help?"""
    from guards import _directed as dm
    from guards._generic import embed_cached

    texts, labels, owner = training_set()
    vecs = embed_cached("directed-train", texts).astype(np.float16).astype(np.float32)
    y, owner = np.array(labels), np.array(owner)
    prompts, accept = [], []
    for d in BLIND:
        for kind in (*ACCEPT, "off_topic"):
            for p in read_probe_prompts(d, kind):
                prompts.append(p.prompt), accept.append(kind != "off_topic")
    blind, accept = embed_cached("directed-blind", prompts), np.array(accept)
    rng = np.random.default_rng(seed)
    for n in sorted({min(s, len(TRAIN_DOMAINS)) for s in sizes}):
        aucs = []
        for _ in range(repeats if n < len(TRAIN_DOMAINS) else 1):
            keep = np.isin(owner, [""] + list(rng.choice(TRAIN_DOMAINS, n, replace=False)))
            model = dm.DirectedModel(vecs[keep], dm.fit(vecs[keep], y[keep]), "", "", ())
            scores = np.array([model.score(v) for v in blind])
            aucs.append(auc(scores[accept], scores[~accept]))
        print(f"{n:>3} training domains: blind AUC {np.mean(aucs):.4f} (mean of {len(aucs)})", flush=True)


def rounds_out() -> None:
    """Rounds 20-23 (:data:`TEST_ROUNDS`) left out whole: AUC of their accept prompts against their off-topic ones
    (both halves) for a model fitted on the 39 :data:`TRAIN_DOMAINS` and one fitted on every other domain."""
    from guards import _directed as dm
    from guards._generic import embed_cached

    others = [d for d in MODEL_DOMAINS if d not in TEST_ROUNDS]
    texts, labels, owner = training_set(others)
    vecs = embed_cached("directed-train-others", texts).astype(np.float16).astype(np.float32)
    y, owner = np.array(labels), np.array(owner)
    prompts, accept, dom = [], [], []
    for d in TEST_ROUNDS:
        for kind in (*ACCEPT, "off_topic"):
            for p in read_probe_prompts(d, kind):
                prompts.append(p.prompt), accept.append(kind != "off_topic"), dom.append(d)
    test, accept, dom = embed_cached("directed-test-rounds", prompts), np.array(accept), np.array(dom)
    print(f"test: rounds 20-23 left out whole ({', '.join(TEST_ROUNDS)})")
    for name, domains in (("the 39 training domains", TRAIN_DOMAINS), (f"the {len(others)} other domains", others)):
        keep = np.isin(owner, ["", *domains])
        model = dm.DirectedModel(vecs[keep], dm.fit(vecs[keep], y[keep]), "", "", ())
        score = np.array([model.score(v) for v in test])
        per = [auc(score[(dom == d) & accept], score[(dom == d) & ~accept]) for d in TEST_ROUNDS]
        print(f"fitted on {name:<24} ({int(keep.sum())} prompts): mean AUC {np.mean(per):.4f}; "
              + " ".join(f"{a:.3f}" for a in per), flush=True)


def write() -> Path:
    from guards import _directed as dm
    from guards._generic import embed_cached

    texts, labels, _ = training_set(MODEL_DOMAINS)
    model = dm.train(texts, labels, embed_cached("directed-train-model", texts), MODEL_DOMAINS)
    return model.save()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="also write guards/resources/directed.npz")
    ap.add_argument("--grid", action="store_true", help="try other weights and centers too")
    ap.add_argument("--weights", type=float, nargs="*", default=[1.0, 2.0, 3.0], help="weights --grid tries")
    ap.add_argument("--curve", type=int, nargs="*", help="learning curve: blind AUC for these numbers of training "
                    "domains (e.g. 10 20 30 48), then stop")
    ap.add_argument("--centers", type=float, nargs="*", default=[-0.25, 0.0, 0.25], help="centers --grid tries")
    ap.add_argument("--rounds", action="store_true", help="rounds 20-23 left out whole: 39 training domains "
                    "against every other domain (2-4 minutes), then stop")
    args = ap.parse_args()
    setup()
    print_machine()
    if args.rounds:
        return rounds_out()
    if args.curve:
        return learning_curve(args.curve)
    grid = [ADDITIVE]
    if args.grid:
        grid += [(w, c) for w in args.weights for c in args.centers if (w, c) != grid[0]]
    if args.write:
        print(f"wrote {write()}")
    measure(grid)


if __name__ == "__main__":
    main()
