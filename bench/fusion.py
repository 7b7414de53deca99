"""Fits and measures the retriever's fusion weights (:class:`harness.Fusion`).

For every paraphrase probe that names its CSV row, the retriever's six signals against every row
(:meth:`harness.Retriever.signals`) become, per signal, the standardised value and the reciprocal rank
(:func:`harness._hits.features`, what :meth:`Fusion.combine` weighs).  The weights are a conditional logit: they maximise the
softmax probability of the right row, summed over the ``tune`` paraphrases of every domain, with a
small L2 penalty (Newton's method; the problem is convex).

It prints the weights fitted on all ``tune`` halves (paste them into ``Fusion``), then top-1 / top-3 on
the ``heldout`` halves three ways: the shipped ``Fusion``, the weights just fitted, and each domain
ranked by weights fitted *without* that domain (leave-one-domain-out: the figure for a CSV nobody
tuned on).  The :data:`~directed.BLIND` domains (``valle_alto`` has no tune half) are only ranked, never
fitted on.  Run from the repository root::

    python bench/fusion.py [--domains ...]     # about 2 minutes on 2 cores
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


def collect(domains) -> dict[str, list[tuple[np.ndarray, int, str]]]:
    """``{domain: [(features, index of the right row, split), ...]}`` over its paraphrase probes."""
    from harness._hits import features
    from harness._retrieval import Retriever

    out = {}
    for d in domains:
        ret = Retriever.from_csv(ROOT / "data" / f"{d}.csv")
        index = {r.row: i for i, r in enumerate(ret.rows)}
        out[d] = [(features(ret.signals(p.prompt)), index[p.row], p.split)
                  for p in read_probe_prompts(d, "paraphrase") if p.row in index]
        print(f"{d:<14} {len(out[d])} paraphrases", flush=True)
    return out


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
    args = ap.parse_args()
    setup()
    print_machine()
    from harness._hits import Fusion

    data = collect(args.domains)
    split = {s: {d: [(x, y) for x, y, sp in data[d] if sp == s] for d in data} for s in ("tune", "heldout")}
    tune_all = [it for d in data if d not in BLIND for it in split["tune"][d]]  # the blind ones are only ranked
    w = fit(tune_all)
    half = len(w) // 2
    print(f"\nfitted on {len(tune_all)} tune paraphrases of {sum(bool(v) for d, v in split['tune'].items() if d not in BLIND)} domains:")
    print(f"    z: tuple[float, ...] = ({', '.join(f'{v:.2f}' for v in w[:half])})")
    print(f"    rank: tuple[float, ...] = ({', '.join(f'{v:.2f}' for v in w[half:])})")
    shipped = np.array([*Fusion().z, *Fusion().rank])
    rows = {"shipped Fusion": np.zeros(3, int), "fitted on all tune": np.zeros(3, int),
            "leave-one-domain-out": np.zeros(3, int)}
    tune_rows = {k: np.zeros(3, int) for k in ("shipped Fusion", "fitted on all tune")}
    print(f"\n{'domain':<14} {'held top-1 shipped / fitted / LODO':>36}")
    for d in data:
        held = split["heldout"][d]
        lodo = fit([it for e in data if e != d and e not in BLIND for it in split["tune"][e]]) if held else w
        cells = [accuracy(held, v) for v in (shipped, w, lodo)]
        for name, c in zip(rows, cells):
            rows[name] += c
        for name, v in zip(tune_rows, (shipped, w)):
            tune_rows[name] += accuracy(split["tune"][d], v)
        if held:
            print(f"{d:<14} {' / '.join(f'{100 * c[0] / c[2]:5.1f}' for c in cells):>36}", flush=True)
    print(f"\n{'weights':<22} {'held top-1':>10} {'held top-3':>10}   (tune top-1 / top-3)")
    for name, (t1, t3, n) in rows.items():
        tune = tune_rows.get(name)
        extra = f"   ({100 * tune[0] / tune[2]:.1f} / {100 * tune[1] / tune[2]:.1f})" if tune is not None else ""
        print(f"{name:<22} {100 * t1 / n:9.1f}% {100 * t3 / n:9.1f}%{extra}   of {n}")


if __name__ == "__main__":
    main()
