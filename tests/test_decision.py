"""guards._decision: the topic guard's learnt decision, and the shipped one matches the shipped directed model."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from guards import _decision as dc
from guards import _directed as dm

from ._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)
from .conftest import ROOT


def _synthetic(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(float)
    x = rng.normal(size=(n, len(dc.FEATURES)))
    x[:, 0] += 3 * (2 * y - 1)  # the margin tells the classes apart
    x[:, 1] = np.clip(x[:, 1] * 0.3 + (2 * y - 1) * 0.5, -1, 1)  # so does the directed score, less
    return x, y


def test_fit_learns_which_inputs_tell_accept_from_refuse():
    x, y = _synthetic()
    model = dc.fit(x, y, accept_weight=1.0)
    assert model.weights[0] > 0 and model.weights[1] > 0
    acc = np.mean([(model.logit(v) >= 0) == bool(t) for v, t in zip(x, y)])
    assert acc > 0.95


def test_the_accept_weight_shifts_the_bias_towards_accepting():
    x, y = _synthetic()
    even, lenient = dc.fit(x, y, accept_weight=1.0), dc.fit(x, y, accept_weight=6.0)
    assert lenient.bias == pytest.approx(even.bias + np.log(6.0)) and lenient.weights == even.weights
    assert sum(lenient.logit(v) >= 0 for v in x) >= sum(even.logit(v) >= 0 for v in x)


def test_fit_refuses_inputs_of_the_wrong_width():
    with pytest.raises(ValueError, match="columns"):
        dc.fit(np.zeros((10, 3)), np.zeros(10))


def test_save_and_load_round_trip_and_a_foreign_file_is_refused(tmp_path):
    x, y = _synthetic()
    model = dc.fit(x, y, ("a", "b"), "digest")
    path = model.save(tmp_path / "decision.json")
    loaded = dc.load_decision.__wrapped__(path)
    assert loaded == model and loaded.logit(x[0]) == pytest.approx(model.logit(x[0]))
    record = json.loads(path.read_text(encoding="utf-8"))
    record["features"] = record["features"][:-1]
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ValueError, match="rebuild"):
        dc.load_decision.__wrapped__(path)


def test_the_shipped_decision_was_fitted_with_the_shipped_directed_model_on_the_training_domains():
    sys.path.insert(0, str(ROOT / "bench"))
    from directed import LATEST_BLIND, MODEL_DOMAINS  # noqa: E402  (bench/directed.py)

    model = dc.load_decision()
    assert model.directed == dm.load_directed().digest, "rebuild: python bench/topic_decision.py --write"
    assert model.domains == MODEL_DOMAINS and not set(LATEST_BLIND) & set(model.domains)
    assert np.isfinite(model.weights).all() and np.all(np.array(model.std) > 0)
    weight = dict(zip(dc.FEATURES, model.weights))
    assert weight["margin"] > 0 and weight["directed"] > 0 and weight["unknown_name"] < 0
    assert model.accept_weight == dc.ACCEPT_WEIGHT


def test_the_guard_decides_with_the_shipped_decision(retriever):
    from guards import TopicGuard

    guard = TopicGuard(retriever)
    x, _, _ = guard.evidence("¿cuánto cuesta la matrícula?")
    assert x.shape == (len(dc.FEATURES),)
    prob = guard.probability("¿cuánto cuesta la matrícula?")[0]
    threshold = guard.calibration.threshold
    assert (prob >= threshold) == (guard.decision.logit(x) >= 0)
    assert guard.check("¿cuánto cuesta la matrícula?").allowed
    assert not guard.check("¿por qué se produce la miopía?").allowed


def test_a_decision_fitted_on_another_directed_model_is_not_used(retriever, caplog):
    """A rebuilt directed model without a refitted decision: the hand-set sum decides, with a warning."""
    import dataclasses

    from guards import TopicGuard
    from guards._topic import hand_set

    other = dataclasses.replace(dm.load_directed(), digest="0" * 32)
    with caplog.at_level("WARNING", logger="guards._decision"):
        guard = TopicGuard(retriever, directed=other)
    assert guard.decision is None and "refit" in caplog.text
    assert TopicGuard(retriever).decision == dc.load_decision()
    x, _, _ = guard.evidence("¿cuánto cuesta la matrícula?")
    prob = guard.probability("¿cuánto cuesta la matrícula?")[0]
    assert (prob >= guard.calibration.threshold) == (hand_set(x) >= 0)
