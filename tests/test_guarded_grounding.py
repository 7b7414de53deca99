"""The guarded model's grounding check: an answer that passes every answer
check but is about none of the retrieved rows is replaced by the closest CSV
answer (finding ``ungrounded``); a faithful answer, a refusal and the CSV's
own answers are shown as they are; an error in the check falls back."""

from __future__ import annotations

import numpy as np
import pytest

from tests._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)

QUESTION = "¿Cuánto cuesta la matrícula?"
FAITHFUL = "La matrícula cuesta S/ 80 y se paga una sola vez, al inscribirte."
UNRELATED = "Sí, el local tiene ascensor, cafetería y una biblioteca abierta hasta la noche."


def _model(retriever, csv_path, answer: str):
    from guards import GuardedModel
    from harness._generator import TableGenerator

    return GuardedModel.from_csv(str(csv_path), TableGenerator({}, default=answer), retriever=retriever)


def test_threshold_is_the_median_cosine_of_an_answer_to_its_nearest_other_answer(retriever):
    from harness._embed import get_embedder

    vecs = get_embedder().passages([r.answer for r in retriever.rows])
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, -1.0)
    assert retriever.support_threshold == pytest.approx(float(np.median(sims.max(axis=1))), abs=1e-4)
    assert 0.5 < retriever.support_threshold < 1.0


def test_support_is_the_best_cosine_among_the_given_rows(retriever):
    fee = next(r.row for r in retriever.rows if r.question == QUESTION)
    own = retriever.answer_support(FAITHFUL, [fee])
    assert own > retriever.support_threshold
    assert retriever.answer_support(UNRELATED, [fee]) < own
    assert retriever.answer_support(FAITHFUL, [fee, 999]) == pytest.approx(own)
    assert retriever.answer_support(FAITHFUL, [999]) == -1.0


def test_a_faithful_answer_is_shown(retriever, csv_path):
    res = _model(retriever, csv_path, FAITHFUL).ask(QUESTION)
    assert res.action == "answered" and res.answer == FAITHFUL
    assert "ungrounded" not in res.output_verdict.kinds()


def test_an_answer_about_other_rows_falls_back_to_the_csv(retriever, csv_path):
    question = "¿Tienen clases los sábados?"  # a yes/no question: no other check objects to the answer
    res = _model(retriever, csv_path, UNRELATED).ask(question)
    assert res.action == "fallback"
    assert res.answer == retriever.search(question, 1)[0].answer
    assert not res.output_verdict.allowed and res.output_verdict.reason.startswith("blocked: ungrounded")
    (finding,) = [f for f in res.findings if f.kind == "ungrounded"]
    assert (finding.start, finding.end, finding.text) == (0, len(UNRELATED), UNRELATED)
    assert "below" in finding.detail
    assert res.raw_answer == UNRELATED


def test_every_csv_answer_is_grounded_for_its_own_question(retriever, csv_path):
    from guards import GuardedModel
    from harness._generator import TableGenerator

    table = {r.question: r.answer for r in retriever.rows}
    model = GuardedModel.from_csv(str(csv_path), TableGenerator(table), retriever=retriever)
    for r, res in zip(retriever.rows, model.ask_many(list(table))):
        assert "ungrounded" not in {f.kind for f in res.findings}, (r.row, res.output_verdict.reason)


def test_a_refusal_is_not_replaced(retriever, csv_path):
    refusal = "Lo siento, no puedo ayudarte con eso."
    res = _model(retriever, csv_path, refusal).ask("¿Tienen clases los sábados?")  # a yes/no question
    assert res.input_verdict.allowed
    assert res.action == "answered" and res.answer == refusal
    assert "ungrounded" not in {f.kind for f in res.findings} and "refusal" in res.output_verdict.kinds()


def test_an_error_in_the_check_falls_back(retriever, csv_path, monkeypatch):
    model = _model(retriever, csv_path, FAITHFUL)

    def boom(*args, **kwargs):
        raise RuntimeError("embedder down")

    monkeypatch.setattr(type(retriever), "answer_support", boom)
    res = model.ask(QUESTION)
    assert res.action == "fallback"
    assert any(f.kind == "ungrounded" and "error" in f.detail for f in res.findings)


class _Says:
    """An input guard that always returns the same verdict."""

    def __init__(self, verdict):
        self.verdict = verdict

    def check(self, text):
        return self.verdict


@pytest.mark.parametrize("guard, score, suggested", [("topic", 0.2, True), ("topic", 0.01, False),
                                                     ("safety", 0.2, False), ("injection", 0.9, False)])
def test_a_near_miss_topic_refusal_offers_the_closest_csv_questions(retriever, csv_path, guard, score, suggested):
    from guards import GuardedModel, Verdict
    from harness._generator import BlankGenerator

    question = "Se me perdió la billetera con todo, ¿cuánto me cuesta matricularme?"
    bot = GuardedModel(BlankGenerator(), _Says(Verdict(False, guard, score, "test")), None, retriever)
    res = bot.ask(question)
    assert res.action == "refused" and res.answer.startswith("Lo siento, no puedo ayudarte con eso.")
    if not suggested:
        assert res.suggestions == () and "Quizás" not in res.answer
        return
    top3 = [h.question for h in retriever.search(question, k=3)]
    assert res.suggestions == tuple(top3) and "¿Cuánto cuesta la matrícula?" in top3
    assert res.answer.endswith(f"Quizás quieras preguntar: «{top3[0]}», «{top3[1]}» o «{top3[2]}»")
    en = bot.ask("I lost my wallet, how much is enrolment?")
    assert en.answer.startswith("Sorry, I can't help with that.") and "Perhaps you meant: \"" in en.answer


def test_no_suggestions_when_the_retriever_fails(retriever, csv_path, monkeypatch):
    from guards import GuardedModel, Verdict
    from harness._generator import BlankGenerator

    bot = GuardedModel(BlankGenerator(), _Says(Verdict(False, "topic", 0.3, "test")), None, retriever)
    monkeypatch.setattr(retriever, "search", lambda *a, **k: 1 / 0)
    res = bot.ask("¿cuánto cuesta?")
    assert res.action == "refused" and res.suggestions == () and res.answer.startswith("Lo siento")


def test_an_answer_that_contradicts_itself_falls_back_to_the_csv(retriever, csv_path):
    # both amounts stand in the CSV (matrícula S/ 80, pensión S/ 260); only the answer ties both to one thing
    said = "La pensión mensual de inglés es de S/ 260. La pensión mensual de inglés es de S/ 80."
    question = "¿Cuánto es la pensión mensual de inglés?"
    res = _model(retriever, csv_path, said).ask(question)
    assert res.action == "fallback" and res.answer == retriever.search(question, 1)[0].answer
    (finding,) = [f for f in res.findings if f.kind == "unsupported_fact"]
    assert finding.text == "S/ 80" and "contradicts 'S/ 260'" in finding.detail
    again = "La pensión mensual de inglés es de S/ 260. La pensión mensual de inglés es de S/ 260."
    res = _model(retriever, csv_path, again).ask(question)  # the same fact twice is a loop, not a contradiction
    assert res.action == "cut" and "unsupported_fact" not in res.output_verdict.kinds()


def _qa(*pairs):
    from harness._csvdata import QARow

    return [QARow(i + 2, q, a) for i, (q, a) in enumerate(pairs)]


def test_the_refusal_names_the_institution_not_the_regulator_its_csv_cites():
    from guards._wrapper import domain_blurb, institution_name

    cites = [("¿Puedo reclamar?", "Sí, y si no le respondemos puede acudir a OSIPTEL. OSIPTEL supervisa.")] * 5
    first = ("¿Qué es KotoshNet?", "Un proveedor de internet de Huánuco.")
    assert institution_name(_qa(first, *cites)) == "KotoshNet"
    assert institution_name(_qa(("¿Qué es Moche Lingua y desde cuándo funciona?", "Un centro de idiomas."))) == \
        "Moche Lingua"
    # no «¿Qué es …?» row: the name its own mail and web addresses spell, else none at all
    mails = [("¿Cuál es el correo?", "Escriba a informes@iepsantarosa.edu.pe o visite www.iepsantarosa.edu.pe."),
             ("¿Dónde queda?", "La IEP Santa Rosa queda en Huamanga; OSIPTEL no.")]
    assert institution_name(_qa(*mails, *cites)) == "IEP Santa Rosa"
    assert institution_name(_qa(*cites)) is None
    assert domain_blurb(_qa(*cites), "es").startswith("la institución:")
