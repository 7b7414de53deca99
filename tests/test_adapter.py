"""Query adapters (harness._adapter): fitting, storage, the shipped matrices, their place in the retriever."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from harness import _adapter as ad

from ._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _synthetic_csv(rng, distortion, rows=25, dim=16, queries=40):
    """Rows as random unit vectors; each query is its row's vector seen through a fixed distortion (the way
    customers word things) plus noise."""
    vectors = _unit(rng.normal(size=(rows, dim)).astype(np.float32))
    y = rng.integers(0, rows, size=queries)
    q = _unit(vectors[y] @ distortion + 0.3 * rng.normal(size=(queries, dim)).astype(np.float32))
    return q.astype(np.float32), vectors, y


def _top1(q, vectors, y, w=None):
    x = q if w is None else _unit(q @ w)
    return float(((x @ vectors.T).argmax(axis=1) == y).mean())


def test_fit_adapter_learns_a_shared_distortion_that_helps_on_csvs_it_never_saw():
    rng = np.random.default_rng(0)
    dim = 16
    distortion = np.linalg.qr(rng.normal(size=(dim, dim)))[0].astype(np.float32)  # a rotation: cosines scramble
    train = [_synthetic_csv(rng, distortion) for _ in range(8)]
    w = ad.fit_adapter(train, tau=0.05, l2=0.01, steps=300, lr=1e-2)
    assert w.shape == (dim, dim) and w.dtype == np.float32
    unseen = [_synthetic_csv(rng, distortion) for _ in range(4)]
    raw = np.mean([_top1(*c) for c in unseen])
    adapted = np.mean([_top1(*c, w) for c in unseen])
    assert raw < 0.5 and adapted > raw + 0.3, (raw, adapted)
    # full batch from the identity: the same inputs give the same matrix
    assert np.allclose(w, ad.fit_adapter(train, tau=0.05, l2=0.01, steps=300, lr=1e-2))


def test_a_strong_pull_toward_the_identity_keeps_the_identity():
    rng = np.random.default_rng(1)
    distortion = np.linalg.qr(rng.normal(size=(8, 8)))[0].astype(np.float32)
    w = ad.fit_adapter([_synthetic_csv(rng, distortion, dim=8)], tau=0.05, l2=1e4, steps=50)
    assert np.abs(w - np.eye(8)).max() < 0.01
    with pytest.raises(ValueError):
        ad.fit_adapter([])


def test_adapters_round_trip_through_their_file_and_refuse_a_wrong_one(tmp_path):
    rng = np.random.default_rng(2)
    matrices = {v: (np.eye(d) + 0.05 * rng.normal(size=(d, d))).astype(np.float32)
                for v, d in (("q", 4), ("p", 4), ("a", 4), ("uq", 6), ("ua", 6), ("s", 4), ("us", 6))}
    path = ad.QueryAdapters(matrices, {"domains": "a b", "tau": "0.02"}).save(tmp_path / "x.npz")
    back = ad.read_adapters(path)
    assert back.meta == {"domains": "a b", "tau": "0.02"}
    for v, w in matrices.items():
        assert np.abs(back.matrices[v] - w).max() < 1e-3  # float16 deltas
        assert not back.matrices[v].flags.writeable
    x = back.adapt("uq", np.ones((2, 6)))
    assert x.shape == (2, 6) and np.allclose(np.linalg.norm(x, axis=1), 1)
    np.savez(tmp_path / "bad.npz", schema=np.array("something/1"))
    with pytest.raises(ValueError, match="not a"):
        ad.read_adapters(tmp_path / "bad.npz")
    np.savez(tmp_path / "short.npz", schema=np.array(ad.SCHEMA), delta_q=np.zeros((4, 4), np.float16))
    with pytest.raises(ValueError, match="no matrix"):
        ad.read_adapters(tmp_path / "short.npz")


def test_the_shipped_adapters_were_fitted_on_the_training_domains_only():
    sys.path.insert(0, str(ROOT / "bench"))
    from directed import BLIND, TRAIN_DOMAINS  # noqa: E402  (bench/directed.py)

    shipped = ad.shipped_adapters()
    domains = shipped.meta["domains"].split()
    assert set(domains) == set(TRAIN_DOMAINS) and not set(BLIND) & set(domains), \
        "refit: python bench/fusion.py --write"
    assert int(shipped.meta["queries"]) > 1000
    for view, model in ad.ADAPTED.values():
        w = shipped.matrices[view]
        assert w.shape == ((384, 384) if model == "e5" else (512, 512))
        assert np.isfinite(w).all() and np.abs(w - np.eye(len(w))).max() > 0.01  # trained, not the identity


def test_the_retriever_adds_the_adapted_signals_and_identity_adapters_copy_the_raw_ones(
        isolated_cache, csv_path):  # noqa: F811
    from harness._retrieval import Retriever

    identity = ad.QueryAdapters({v: np.eye(d, dtype=np.float32)
                                 for v, d in (("q", 384), ("p", 384), ("a", 384), ("uq", 512), ("ua", 512), ("s", 384),
                                              ("us", 512))})
    plain = Retriever.from_csv(csv_path, adapters=identity)
    sig = plain.signals("¿Ofrecen becas?")
    assert set(sig) == {"q", "p", "a", "l", "s", "use_q", "use_a", "use_s", "aq", "ap", "aa", "ause_q", "ause_a", "as",
                        "ause_s"}
    for adapted, raw in (("aq", "q"), ("ap", "p"), ("aa", "a"), ("ause_q", "use_q"), ("ause_a", "use_a"), ("as", "s"),
                         ("ause_s", "use_s")):
        assert np.allclose(sig[adapted], sig[raw], atol=1e-5)
    shipped = Retriever.from_csv(csv_path)
    assert shipped.adapters is ad.shipped_adapters()
    assert not np.allclose(shipped.signals("¿Ofrecen becas?")["aq"], sig["q"], atol=1e-3)
    assert set(shipped.signals("¿Ofrecen becas?", second=False)) == {"q", "p", "a", "l", "s", "aq", "ap", "aa", "as"}
    none = Retriever.from_csv(csv_path, adapters=ad.QueryAdapters({}))  # no matrix: the raw signals alone
    assert set(none.signals("¿Ofrecen becas?")) == {"q", "p", "a", "l", "s", "use_q", "use_a", "use_s"}


def test_a_row_with_several_vectors_scores_its_best_one_in_numpy_and_in_torch():
    import torch

    scores = np.array([[0.1, 0.9, 0.3, 0.5], [0.7, 0.2, 0.8, 0.1]], dtype=np.float32)
    owner = [0, 0, 2, 2]  # row 1 has no vector
    want = [[0.9, -1.0, 0.5], [0.7, -1.0, 0.8]]
    assert np.allclose(ad.best_per_row(scores, owner, 3), want)
    assert np.allclose(ad.best_per_row(torch.tensor(scores), owner, 3).numpy(), want)


def test_fit_adapter_trains_a_view_whose_rows_score_their_best_vector():
    rng = np.random.default_rng(3)
    distortion = np.linalg.qr(rng.normal(size=(12, 12)))[0].astype(np.float32)
    batches = []
    for _ in range(6):
        q, vectors, y = _synthetic_csv(rng, distortion, rows=20, dim=12)
        noise = _unit(rng.normal(size=(20, 12)).astype(np.float32))  # a second, unrelated vector per row
        batches.append((q, np.vstack([vectors, noise]), y, list(range(20)) * 2, 20))
    w = ad.fit_adapter(batches, tau=0.05, l2=0.01, steps=200, lr=1e-2)
    q, vectors, y = _synthetic_csv(rng, distortion, rows=20, dim=12)
    assert _top1(q, vectors, y, w) > _top1(q, vectors, y) + 0.3


def test_adapted_signals_of_a_stack_match_those_of_each_query():
    rng = np.random.default_rng(4)
    sizes = {"q": 4, "p": 4, "a": 4, "s": 4, "uq": 6, "ua": 6, "us": 6}
    adapters = ad.QueryAdapters({v: (np.eye(d) + 0.1 * rng.normal(size=(d, d))).astype(np.float32)
                                 for v, d in sizes.items()})
    views = {v: _unit(rng.normal(size=(7 if v in ad.SENTENCE_VIEWS else 3, d))).astype(np.float32)
             for v, d in sizes.items()}
    views["s_row"] = np.array([0, 0, 1, 1, 1, 2, 2])
    queries = {"e5": _unit(rng.normal(size=(5, 4))), "use": _unit(rng.normal(size=(5, 6)))}
    stack = ad.adapted_signals(adapters, queries, views, 3)
    assert set(stack) == set(ad.ADAPTED) and all(v.shape == (5, 3) for v in stack.values())
    for i in range(5):
        one = ad.adapted_signals(adapters, {"e5": queries["e5"][i]}, views, 3)  # no USE vector: no USE signals
        assert set(one) == {"aq", "ap", "aa", "as"}
        for k, v in one.items():
            assert v.shape == (3,) and np.allclose(v, stack[k][i], atol=1e-6)
