"""guards._directed: the shipped "question to an institution" model and its use by the topic guard."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from guards import _directed as dm

from ._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]


def test_fit_logistic_separates_and_balances_classes():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1.0, 0.3, (200, 3)), rng.normal(-1.0, 0.3, (20, 3))])
    y = np.array([1.0] * 200 + [0.0] * 20)
    w, b = dm.fit_logistic(x, y)
    assert ((x @ w + b > 0) == (y > 0)).mean() > 0.97
    assert abs(b) < 1.0  # class-balanced: 10 to 1 does not push the intercept far


def test_kernel_fit_separates_and_scores_about_plus_minus_one():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 384))
    x = np.vstack([c + 0.2 * rng.normal(size=(30, 384)) for c in centres])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.array([1] * 30 + [0] * 30)
    model = dm.DirectedModel(x.astype(np.float32), dm.fit(x, y), "e5", "", ())
    scores = np.array([model.score(v) for v in x])
    assert (scores[:30] > 0.5).all() and (scores[30:] < -0.5).all()


def test_the_shipped_model_loads_and_was_trained_on_the_current_tune_halves():
    model = dm.load_directed()
    assert model.vectors.shape == (len(model.alpha), 384) and np.isfinite(model.alpha).all()
    sys.path.insert(0, str(ROOT / "bench"))
    from directed import LATEST_BLIND, MODEL_DOMAINS, training_set  # noqa: E402  (bench/directed.py)

    assert "valle_alto" in LATEST_BLIND and not set(LATEST_BLIND) & set(model.domains)
    assert model.domains == MODEL_DOMAINS

    texts, labels, _ = training_set(model.domains)
    assert dm.training_digest(texts, labels) == model.digest, \
        "the probe sets changed since guards/resources/directed.npz was built: run `python bench/directed.py --write`"


def test_a_model_for_another_embedder_is_refused(tmp_path, monkeypatch):
    model = dm.load_directed()
    other = dm.DirectedModel(model.vectors, model.alpha, "some other embedder", model.digest, model.domains)
    path = other.save(tmp_path / "other.npz")
    with pytest.raises(ValueError, match="another|trained on"):
        dm.load_directed.__wrapped__(path)


def test_questions_to_an_institution_score_above_general_requests(retriever):
    model = dm.load_directed()
    to_us = ["¿cuánto cuesta la matrícula?", "horario del sábado?", "do you have evening classes?"]
    general = ["¿cuál es la capital de Francia?", "write me a poem about the sea", "¿por qué se produce la miopía?"]
    lo = min(model.score(retriever.embed(t)) for t in to_us)
    hi = max(model.score(retriever.embed(t)) for t in general)
    assert lo > hi, (lo, hi)


def test_the_topic_guard_weighs_the_directed_score(retriever):
    import guards._topic as topic

    guard = topic.TopicGuard(retriever)
    plain = topic.TopicGuard(retriever, directed=None)
    undecided = topic.TopicGuard(retriever, decision=None)
    assert guard.directed is not None and guard.decision is not None and plain.directed is None
    text = "¿por qué se produce la miopía?"
    assert guard.evidence(text)[0][1] < 0 and plain.evidence(text)[0][1] == 0.0
    assert guard.probability(text)[0] < plain.probability(text)[0]
    assert undecided.probability(text)[0] == pytest.approx(plain.probability(text)[0])  # no decision: no score
