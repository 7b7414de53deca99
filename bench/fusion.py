"""Fits and measures the retriever's query adapters (:mod:`harness._adapter`) and fusion weights (:class:`harness.Fusion`).

For every paraphrase probe that names its CSV row, the retriever's eight raw signals against every row
(:meth:`harness.Retriever.signals`: e5 and USE cosines, BM25, best answer sentence by e5 and by USE) and the
query's e5 and USE vectors are collected, and the vectors of the hard-benign and odd-format prompts that name
a row.  Then:

* **Adapters**: one matrix per view (:func:`harness._adapter.fit_adapter`), fitted on the ``tune`` prompts
  of those three sets of the training domains (never the :data:`~directed.BLIND` ones).
* **Fusion weights**: a conditional logit over the fifteen signals (raw + adapted), each as its standardised
  value and its reciprocal rank (:func:`harness._hits.features`): the weights maximise the softmax probability
  of the right row over the ``tune`` paraphrases, with a small L2 penalty (Newton's method; convex).  The
  adapted signals it is fitted on are *out of fold*: the training domains are split into five groups and each
  group's signals come from adapters fitted on the other four, so that the weights trust the adapters as much
  as they deserve on a CSV they never saw, not as much as on their own training queries.

Measured, top-1 / top-3, for the shipped adapters and weights, for those just fitted, and for the seven raw
signals alone (weights refitted, no adapters): the ``heldout`` halves of every domain (for a training domain,
the half never fitted on); the blind domains alone (every prompt: no adapter or weight ever saw them, the
figure for a new CSV); and the training domains' held-out halves ranked with adapters fitted without their
group (five-fold, grouped by domain).  Run from the repository root::

    python bench/fusion.py              # measure (about 8 minutes on 2 cores)
    python bench/fusion.py --write      # and write harness/resources/query_adapters.npz (then paste the weights)
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
from directed import BLIND  # noqa: E402

L2 = 0.01
RAW = ("q", "p", "a", "l", "use_q", "use_a", "s", "use_s")
SETS = ("paraphrase", "hard_benign", "odd_format")
"""Probe sets whose prompts name their CSV row; the adapters are fitted on the tune halves of all three (the
fusion weights and every figure read the paraphrases alone)."""
FOLDS = 5


def collect(domains) -> dict[str, dict]:
    """Per domain: each paraphrase's raw signals, e5 and USE vectors, right row and split; the rows' vectors;
    in ``"adapter"``, the vectors, rows and splits of the prompts of every :data:`SETS` (what adapters fit on)."""
    from harness._adapter import ADAPTED, QueryAdapters
    from harness._retrieval import Retriever

    out = {}
    for d in domains:  # the raw signals alone (no adapters), whatever the shipped file holds
        ret = Retriever.from_csv(ROOT / "data" / f"{d}.csv", adapters=QueryAdapters({}))
        index = {r.row: i for i, r in enumerate(ret.rows)}
        probes = {kind: [p for p in read_probe_prompts(d, kind) if p.row in index] for kind in SETS}
        if not probes["paraphrase"]:
            continue
        every = [p for kind in SETS for p in probes[kind]]
        out[d] = {"raw": [{k: v for k, v in ret.signals(p.prompt).items() if k in RAW} for p in probes["paraphrase"]],
                  "views": {view: np.array(ret._v[view]) for view in {v for v, _ in ADAPTED.values()} | {"s_row"}},
                  "adapter": {"e5": np.stack([ret.embed(p.prompt) for p in every]),
                              "use": np.stack([ret.embed_use(p.prompt) for p in every]),
                              "y": np.array([index[p.row] for p in every]),
                              "split": np.array([p.split for p in every])}}
        n = len(probes["paraphrase"])  # the paraphrases come first
        out[d].update({k: v[:n] for k, v in out[d]["adapter"].items()})
        print(f"{d:<16} {n} paraphrases, {len(every) - n} other prompts naming a row", flush=True)
    return out


def fit_adapters(data: dict, domains, tau: float, l2: float):
    """Adapters fitted on the tune prompts of :data:`SETS` of ``domains``."""
    from harness._adapter import ADAPTED, SENTENCE_VIEWS, QueryAdapters, fit_adapter

    matrices = {}
    for view, model in ADAPTED.values():
        batches = [(a[model][m], data[d]["views"][view], a["y"][m],
                    *((data[d]["views"]["s_row"], len(data[d]["views"]["q"])) if view in SENTENCE_VIEWS else ()))
                   for d in domains for a in [data[d]["adapter"]] for m in [a["split"] == "tune"]]
        matrices[view] = fit_adapter(batches, tau=tau, l2=l2)
    queries = sum(int((data[d]["adapter"]["split"] == "tune").sum()) for d in domains)
    return QueryAdapters(matrices, {"domains": " ".join(domains), "queries": str(queries),
                                    "tau": str(tau), "l2": str(l2)})


def features_of(dom: dict, adapters) -> list[np.ndarray]:
    """Each paraphrase's fusion features: the raw signals plus the adapted ones (none when ``adapters`` is None)."""
    from harness._adapter import adapted_signals
    from harness._hits import features

    extra = {} if adapters is None else adapted_signals(adapters, dom, dom["views"], len(dom["views"]["q"]))
    return [features({**raw, **{k: v[i] for k, v in extra.items()}}) for i, raw in enumerate(dom["raw"])]


def items_of(data: dict, domains, feats: dict, split: str | None) -> list[tuple[np.ndarray, int]]:
    return [(x, int(y)) for d in domains for x, y, sp in zip(feats[d], data[d]["y"], data[d]["split"])
            if split is None or sp == split]


def fit(items: list[tuple[np.ndarray, int]], l2: float = L2, iters: int = 50) -> np.ndarray:
    """Conditional-logit weights: Newton's method with step halving (mean negative log-likelihood)."""
    def loss(w: np.ndarray) -> float:
        total = 0.0
        for x, y in items:
            s = x @ w
            total += float(s.max() + np.log(np.exp(s - s.max()).sum()) - s[y])
        return total / len(items) + 0.5 * l2 * float(w @ w)

    w = np.zeros(items[0][0].shape[1])
    current = loss(w)
    for _ in range(iters):
        grad, hess = l2 * w, l2 * np.eye(len(w))
        for x, y in items:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mean = x.T @ p
            grad += (mean - x[y]) / len(items)
            hess += ((x * p[:, None]).T @ x - np.outer(mean, mean)) / len(items)
        step, t = np.linalg.solve(hess, grad), 1.0
        while t > 1e-4 and loss(w - t * step) > current:
            t /= 2
        w = w - t * step
        previous, current = current, loss(w)
        if previous - current < 1e-9:
            break
    return w


def accuracy(items, w: np.ndarray) -> tuple[int, int, int]:
    """(top-1 hits, top-3 hits, count)."""
    t1 = t3 = 0
    for x, y in items:
        order = np.argsort(-(x @ w), kind="stable")[:3]
        t1 += int(order[0] == y)
        t3 += int(y in order)
    return t1, t3, len(items)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--domains", nargs="*", default=list(DOMAINS))
    ap.add_argument("--tau", type=float, default=0.02, help="adapter softmax temperature")
    ap.add_argument("--l2", type=float, default=1.0, help="adapter pull toward the identity")
    ap.add_argument("--blind", nargs="*", default=list(BLIND),
                    help="domains never fitted on (default: bench/directed.py's BLIND)")
    ap.add_argument("--write", action="store_true", help="write harness/resources/query_adapters.npz")
    args = ap.parse_args()
    setup()
    print_machine()
    from harness._adapter import RESOURCE, shipped_adapters
    from harness._hits import Fusion

    data = collect(args.domains)
    train = [d for d in data if d not in args.blind]
    blind = [d for d in data if d in args.blind]
    groups = [list(g) for g in np.array_split(np.random.default_rng(0).permutation(train), FOLDS)]
    oof = {}
    for k, group in enumerate(groups):
        fold = fit_adapters(data, [d for d in train if d not in group], args.tau, args.l2)
        oof.update({d: features_of(data[d], fold) for d in group})
        print(f"fold {k + 1}/{FOLDS} fitted", flush=True)
    adapters = fit_adapters(data, train, args.tau, args.l2)
    w = fit(items_of(data, train, oof, "tune"))
    raw = {d: features_of(data[d], None) for d in data}
    raw_w = fit(items_of(data, train, raw, "tune"))
    fitted = {d: features_of(data[d], adapters) for d in data}
    methods = {"fitted": (fitted, w), "raw signals only": (raw, raw_w)}
    shipped_w = np.array([*Fusion().z, *Fusion().rank])
    try:
        if len(shipped_w) != len(w):
            raise ValueError(f"harness.Fusion has {len(shipped_w)} weights, not {len(w)}")
        methods = {"shipped": ({d: features_of(data[d], shipped_adapters()) for d in data}, shipped_w), **methods}
    except ValueError as exc:  # the shipped file or weights are of another schema: measure the rest
        print(f"shipped adapters and weights not measured: {exc}")
    half = len(w) // 2
    print(f"\nadapters and weights fitted on {sum(int((data[d]['split'] == 'tune').sum()) for d in train)} "
          f"tune paraphrases of {len(train)} domains (tau {args.tau}, l2 {args.l2}; adapters also on the "
          f"tune hard-benign and odd-format prompts, {adapters.meta['queries']} in all):")
    print(f"    z: tuple[float, ...] = ({', '.join(f'{v:.2f}' for v in w[:half])})")
    print(f"    rank: tuple[float, ...] = ({', '.join(f'{v:.2f}' for v in w[half:])})")
    sets = {"held-out halves, all domains": (list(data), "heldout"),
            f"blind domains ({len(blind)}), every prompt": (blind, None),
            "training domains' held-out halves": (train, "heldout")}
    print(f"\n{'top-1 / top-3 %':<44}" + "".join(f"{m:>20}" for m in methods) + f"{'five-fold':>20}")
    for name, (doms, split) in sets.items():
        cells = [accuracy(items_of(data, doms, feats, split), weights) for feats, weights in methods.values()]
        if name.startswith("training"):
            cells.append(accuracy(items_of(data, doms, oof, split), w))
        n = cells[0][2]
        print(f"{name:<44}" + "".join(f"{100 * c[0] / n:9.1f} / {100 * c[1] / n:5.1f} " for c in cells)
              + f"  of {n}")
    print(f"\n{'domain':<16} held top-1: {' / '.join(methods)}")
    for d in data:
        cells = [accuracy(items_of(data, [d], feats, "heldout"), weights) for feats, weights in methods.values()]
        if cells[0][2]:
            print(f"{d:<16} {' / '.join(f'{100 * c[0] / c[2]:5.1f}' for c in cells)}")
    if args.write:
        print(f"\nwrote {adapters.save(RESOURCE)}")


if __name__ == "__main__":
    main()
