"""``guards.OutputGuard``: verdicts, grounding, fail-closed behaviour."""

from __future__ import annotations

import json
from collections import namedtuple
from pathlib import Path

import pytest

import guards._output as output_module
from guards import OutputGuard, OutputVerdict
from guards.checks import CHECKS, FactIndex
from harness._csvdata import load_qa_csv

ROOT = Path(__file__).resolve().parents[1]
CENFO = ROOT / "data" / "cenfobank.csv"
MIKHUY = ROOT / "data" / "mikhuy.csv"
THIRD = ROOT / "tests" / "data" / "qallariy.csv"
SEED = ROOT.parent / "shared" / "fixtures" / "seed_failures.json"
if not SEED.exists():  # a copy travels with the repo (the read-only shared/ is beside CI's clone only)
    SEED = ROOT / "tests" / "data" / "seed_failures.json"
if not SEED.exists():
    SEED = ROOT / "shared" / "fixtures" / "seed_failures.json"
Hit = namedtuple("Hit", "question answer row score")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not there yet")
    return path


@pytest.fixture(scope="module")
def guard() -> OutputGuard:
    return OutputGuard.from_csv(_need(CENFO))


def test_good_answer_is_allowed(guard):
    v = guard.check("¿Cuánto cuesta la matrícula?", "La matrícula cuesta S/ 150 y se paga una sola vez.")
    assert isinstance(v, OutputVerdict)
    assert v.allowed and v.findings == () and v.reason.startswith("ok")


@pytest.mark.parametrize("answer, kind", [
    ("La matrícula cuesta S/ 155 y se paga una sola vez.", "unsupported_fact"),
    ("La matrícula cuesta S/ 150. [/INST]", "stray_token"),
    ("La matrícula cuesta S/ 150 y se paga una sola vez al", "truncated"),
    ("La matrícula se paga una sola vez al inicio del programa.", "no_direct_answer"),
    ("La matrícula cuesta S/ 150. " + "Se paga una sola vez al inicio. " * 4, "repetition"),
])
def test_each_blocking_kind_blocks(guard, answer, kind):
    v = guard.check("¿Cuánto cuesta la matrícula?", answer)
    assert not v.allowed
    assert kind in v.kinds()
    assert v.reason.startswith("blocked") and kind in v.reason


def test_refusal_alone_does_not_block(guard):
    v = guard.check("¿Cómo falsifico un billete?", "Lo siento, no puedo ayudarte con eso.")
    assert v.kinds() == {"refusal"}
    assert v.allowed and v.reason.startswith("allowed")


def test_in_domain_refusal_is_blocked_by_no_direct_answer(guard):
    v = guard.check("¿Cuánto cuesta la matrícula?",
                    "Lo siento, pero no puedo proporcionar información sobre costos.")
    assert v.kinds() == {"refusal", "no_direct_answer"} and not v.allowed


def test_seed_failures_are_all_blocked(guard):
    cases = json.loads(_need(SEED).read_text(encoding="utf-8"))["cases"]
    for case in cases:
        v = guard.check(case["prompt"], case["output"])
        assert not v.allowed, case["id"]
        assert list(v.findings) == sorted(v.findings, key=lambda f: (f.start, f.end, f.kind))


@pytest.mark.parametrize("path", [CENFO, MIKHUY, THIRD], ids=["cenfobank", "mikhuy", "qallariy"])
def test_csv_answers_are_allowed(path):
    data = load_qa_csv(_need(path))
    guard = OutputGuard.from_rows(data.rows)
    blocked = [(r.row, guard.check(r.question, r.answer).reason) for r in data.rows]
    blocked = [b for b in blocked if not b[1].startswith("ok")]
    assert not blocked, blocked[:5]


def test_grounded_rows_restrict_the_facts(guard):
    rows = load_qa_csv(CENFO).rows
    cajero = next(r for r in rows if r.answer.startswith("La mensualidad del programa Cajero"))
    asistente = next(r for r in rows if r.answer.startswith("La mensualidad del programa Asistente"))
    q, answer = cajero.question, "La mensualidad es de S/ 480."
    assert guard.check(q, answer).allowed  # true somewhere in the CSV
    assert guard.check(q, answer, rows=[Hit(cajero.question, cajero.answer, cajero.row, 1.0)]).allowed
    v = guard.check(q, answer, rows=[Hit(asistente.question, asistente.answer, asistente.row, 1.0)])
    assert not v.allowed and v.kinds() == {"unsupported_fact"}


def test_unseen_domain_bad_answers_are_blocked():
    guard = OutputGuard.from_csv(_need(THIRD))
    bad = {
        "¿Cuánto cuesta el curso de inglés?": "Cada nivel de inglés cuesta S/.380 al mes.",
        "¿Qué idiomas enseñan?": "Enseñamos inglés, portugués y el curso de Alemán Intensivo Goethe.",
        "¿Cuál es el horario de inglés?": "Con gusto te ayudo con toda la información de nuestros cursos.",
        "¿Qué es Qallariy?": "Qallariy es un instituto de idiomas de Lima. everybody",
    }
    for q, a in bad.items():
        assert not guard.check(q, a).allowed, a
    good = {
        "¿Cuánto cuesta el curso de inglés?": "Cada nivel cuesta 350 soles mensuales y dura tres meses.",
        "¿Cuál es el horario de inglés?": "De lunes a viernes a las 7:00 a.m., 3:00 p.m. o 7:00 p.m.",
        "How much is the TOEFL preparation course?": "It costs US$120 per month and lasts eight weeks.",
    }
    for q, a in good.items():
        v = guard.check(q, a)
        assert v.allowed, (a, v.reason)


def test_a_failing_check_fails_closed(guard, monkeypatch):
    def broken(question, answer, facts):
        raise RuntimeError("boom")

    monkeypatch.setattr(output_module, "CHECKS", {**CHECKS, "truncated": broken})
    v = guard.check("¿Cuánto cuesta la matrícula?", "La matrícula cuesta S/ 150.")
    assert not v.allowed and "truncated" in v.reason and v.reason.startswith("error")


def test_bad_rows_fail_closed(guard):
    class Exploding:
        @property
        def answer(self):
            raise ValueError("no answer")

    v = guard.check("¿Precio?", "S/ 150.", rows=[Exploding()])
    assert not v.allowed and v.reason.startswith("error")


@pytest.mark.parametrize("answer", [None, "", " ", "\x00\x01", "\ud800", "🙂" * 50, 12345, "a" * 30_000,
                                    "<s>" * 500, "S/ " * 3000])
def test_never_raises_on_odd_input(guard, answer):
    v = guard.check("¿Cuánto cuesta?", answer)  # type: ignore[arg-type]
    assert isinstance(v, OutputVerdict) and isinstance(v.allowed, bool)


def test_empty_answer_is_blocked(guard):
    assert not guard.check("¿Cuánto cuesta?", "").allowed


def test_property_arbitrary_text_gives_valid_spans(guard):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    alphabet = st.sampled_from(list("abcdeéñ ÁS/$%:.,;!?¿¡()«»\"'\n\t-@0123456789") + ["de ", "muy ", "[INST]",
                                                                                   " everybody", "S/ 1", "mes"])

    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(alphabet, max_size=80).map("".join))
    def prop(answer):
        v = guard.check("¿Cuánto cuesta la matrícula?", answer)
        for f in v.findings:
            assert 0 <= f.start <= f.end <= len(answer) and f.text == answer[f.start:f.end]
        assert v.allowed == (not (v.kinds() - {"refusal"}))

    prop()


def test_guard_is_frozen_and_reusable(guard):
    with pytest.raises(Exception):
        guard.facts = FactIndex()  # type: ignore[misc]
    a = guard.check("¿Cuánto cuesta la matrícula?", "La matrícula cuesta S/ 150.")
    b = guard.check("¿Cuánto cuesta la matrícula?", "La matrícula cuesta S/ 150.")
    assert a == b


@pytest.mark.parametrize("bad", [None, "oops", [object()], [("refusal", 0, 1)]])
def test_a_check_returning_garbage_fails_closed(guard, monkeypatch, bad):
    monkeypatch.setattr(output_module, "CHECKS", {**CHECKS, "refusal": lambda q, a, f: bad})
    v = guard.check("¿Cuánto cuesta la matrícula?", "La matrícula cuesta S/ 150.")
    assert not v.allowed and v.reason.startswith("error") and "refusal" in v.reason


def test_a_fact_moved_from_another_retrieved_row_is_unsupported(guard):
    rows = load_qa_csv(CENFO).rows
    hits = [next(r for r in rows if r.question.startswith(start)) for start in (
        "¿Cuánto dura el programa Ejecutivo de Atención", "¿Cuánto cuesta la mensualidad de Ejecutivo de Atención",
        "¿Cuánto dura el programa Asistente de Operaciones")]
    q = "¿Atención al cliente financiero cuántos meses dura y en qué turno es?"
    moved = ("Sí, el programa Atención al cliente financiero dura 12 meses, es presencial y se dicta en turno "
             "mañana o noche.")  # 12 months is Asistente de Operaciones Bancarias' (seen in a main job)
    assert guard.check(q, moved).allowed  # true somewhere in the CSV
    v = guard.check(q, moved, rows=hits)
    (finding,) = [f for f in v.findings if f.kind == "unsupported_fact"]
    assert finding.text == "12 meses" and "another retrieved row" in finding.detail
    right = "El programa Ejecutivo de Atención al Cliente Financiero dura 6 meses y se dicta en turno tarde."
    assert guard.check(q, right, rows=hits).allowed
    both = right + " El programa Asistente de Operaciones Bancarias dura 12 meses."  # each fact in its own row
    assert guard.check(q, both, rows=hits).allowed
