"""Hostile text through every answer check, the output guard and the guarded
model (see ``test_hostile_text.py`` for the properties and how to run a longer hunt)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests._hostile import (assert_finding, assert_output_verdict, assert_verdict, big_text, CSV, EXAMPLES,
                           Finding, hostile_text, output_guard, OutputVerdict, profile, retriever,
                           short_hostile)  # noqa: F401  (fixtures too)

# -- answer checks ------------------------------------------------------------------

question_text = st.one_of(hostile_text, st.sampled_from(["¿Cuánto cuesta la matrícula?", "¿Horario?", ""]))


@given(question_text, hostile_text)
@profile(EXAMPLES["answer"])
def test_answer_checks_never_raise(output_guard, question, answer):
    from guards.checks import CHECKS

    for kind, check in CHECKS.items():
        found = check(question, answer, output_guard.facts)
        assert isinstance(found, list), kind
        for f in found:
            assert_finding(f, answer)
    assert_output_verdict(output_guard.check(question, answer), answer)


@given(question_text, big_text)
@profile(EXAMPLES["answer_big"])
def test_answer_checks_big_inputs(output_guard, question, answer):
    from guards.checks import CHECKS

    for kind, check in CHECKS.items():
        for f in check(question, answer, output_guard.facts):
            assert_finding(f, answer)
        for f in check(answer, question, output_guard.facts):  # a 100 kB question too
            assert_finding(f, question)
    v = output_guard.check(question, answer)
    assert_output_verdict(v, answer)


@given(question_text, hostile_text)
@profile(EXAMPLES["grounded"])
def test_output_guard_grounded_rows(output_guard, retriever, question, answer):
    rows = retriever.rows[:3]
    assert_output_verdict(output_guard.check(question, answer, rows=rows), answer)
    assert_output_verdict(output_guard.check(question, answer, rows=[(question, answer)]), answer)
    assert_output_verdict(output_guard.check(question, answer, rows=[]), answer)


@pytest.mark.parametrize("fault", ["raises", "returns_none", "bad_finding"])
def test_failing_answer_check_blocks(output_guard, monkeypatch, fault):
    import guards._output as out
    from guards.checks import CHECKS

    answer = "La matrícula cuesta S/ 350 y se paga en marzo."
    assert output_guard.check("¿Cuánto cuesta la matrícula?", answer) is not None
    for kind in CHECKS:
        def broken(q, a, facts):
            if fault == "raises":
                raise RuntimeError("boom")
            return None if fault == "returns_none" else [object()]

        monkeypatch.setattr(out, "CHECKS", {**CHECKS, kind: broken})
        v = output_guard.check("¿Cuánto cuesta la matrícula?", answer)
        assert isinstance(v, OutputVerdict)
        if fault != "bad_finding":
            assert not v.allowed and v.reason.startswith("error"), (kind, v)
        else:  # a non-Finding must not make the answer pass unchecked
            assert not v.allowed, (kind, v)
        monkeypatch.undo()


def test_output_guard_non_string_input(output_guard):
    for q, a in ((None, None), (42, b"\xff"), ("¿Precio?", ["S/ 350"]), ("\ud800", "\udfff" * 10)):
        assert isinstance(output_guard.check(q, a), OutputVerdict)  # type: ignore[arg-type]


# -- the guarded model end to end ----------------------------------------------------


@pytest.fixture(scope="module")
def guarded(retriever):
    pytest.importorskip("guards._chain", reason="guards/_chain.py (Guard) not written yet")
    from guards import GuardedModel
    from harness._generator import RepeatGenerator

    return GuardedModel.from_csv(str(CSV), RepeatGenerator(), retriever=retriever)


@given(short_hostile)
@profile(EXAMPLES["guarded"])
def test_guarded_model_echoing_hostile_text(guarded, text):
    """The generator echoes the hostile prompt: ask() returns text, never raises."""
    res = guarded.ask(text)
    assert isinstance(res.answer, str) and res.action in ("refused", "answered", "cut", "cleaned", "fallback")
    assert_verdict(res.input_verdict)
    if res.action == "answered":
        assert res.output_verdict is not None and res.output_verdict.allowed
