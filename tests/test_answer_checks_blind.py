"""False flags the answer checks raised on answers of CSVs written blind, each mended in the check itself
(the CSV-wide tests in ``tests/test_answer_checks.py`` run every shipped CSV; these pin the cases down)."""

from __future__ import annotations

from guards.checks import FactIndex, asked_values, check_no_direct_answer, check_refusal, check_unsupported_fact


def test_round5_blind_csv_answers_are_not_flagged():
    """Three answers of the round-5 blind CSVs that the checks used to flag: liability is no refusal, a
    quoted slogan with a comma is the CSV's own phrase, and a frequency may be a distance."""
    assert not check_refusal("", "Si la montura está gastada, firmarás una conformidad porque no podemos "
                                 "responder si se rompe durante el montaje.")
    assert check_refusal("", "Lo siento, no podemos responderte eso.")
    answer = 'Nuestro lema es "Tu motor, con la fuerza del sol".'
    assert not check_unsupported_fact("¿Por qué se llama así?", answer, FactIndex.from_rows([answer]))
    assert check_unsupported_fact("", '"Tu coche, con la fuerza del mar"', FactIndex.from_rows([answer]))
    assert not check_no_direct_answer("¿Cada cuánto tiempo debo hacer mantenimiento?",
                                      "Recomendamos cambiar el aceite cada 5,000 km.")
    assert check_no_direct_answer("¿Cada cuánto tiempo debo hacer mantenimiento?", "Depende de su auto.")


def test_a_channel_named_after_an_asked_value_is_not_asked_for():
    assert asked_values("¿En qué horario responden el WhatsApp y los mensajes?") == ["schedule"]
    assert asked_values("¿Cuál es el horario y el teléfono?") == ["schedule", "phone"]


def test_a_value_named_deep_in_a_wh_clause_is_a_circumstance_not_the_question():
    assert asked_values("¿Qué requisitos hay para acceder a la tarifa social?") == []
    assert asked_values("¿Qué hago si me pasa algo fuera del horario de atención?") == []
    assert asked_values("¿Qué tarifas manejan para grupos?") == ["price"]
    assert asked_values("¿Cuál es el monto de la tarifa?") == ["price"]


def test_a_phone_before_a_colon_is_a_phone_and_a_clock_time_is_not():
    """Round 14's driving school lists extensions after its number: «(052) 41-5873: anexo 1 ...»."""
    from guards.checks._extract import extract_facts

    kinds = lambda s: [(f.kind, f.value) for f in extract_facts(s)]  # noqa: E731
    assert ("phone", "52415873") in kinds("Nuestro teléfono fijo es (052) 41-5873: anexo 1 matrículas.")
    assert not [k for k, _ in kinds("Abrimos a las 8:00 y cerramos a las 20:30.") if k == "phone"]


def test_a_question_about_something_else_only_names_a_value_type():
    """Round 15's pawnshop: «¿Qué requisitos tiene un celular para empeñarlo?» asks about a phone to pawn, and
    «¿Qué pasa si el precio del oro baja ...?» about a consequence; neither asks for a number or a price."""
    assert asked_values("¿Qué requisitos tiene un celular para empeñarlo?") == []
    assert asked_values("¿Qué pasa si el precio del oro baja mientras tengo mi préstamo?") == []
    assert asked_values("What happens if the price changes after I sign?") == []
    assert asked_values("¿Qué requisitos piden y cuánto cuesta?") == ["price"]  # an outright ask still counts
    assert asked_values("¿Qué horario tienen?") == ["schedule"]


def test_a_price_question_answered_with_no_charge_is_answered():
    """Round 16's waste company: household collection «no se paga a Muchik Limpio» (the council's fees pay it)."""
    assert check_no_direct_answer("¿Cuánto cuesta la recolección de basura de mi casa?",
                                  "La recolección domiciliaria no se paga a la empresa, la financian los arbitrios.") == []
    assert check_no_direct_answer("¿Cuánto cuesta la recolección?", "La recolección es los martes.") != []


def test_a_policy_that_opens_on_a_condition_is_no_refusal():
    """Round 18's thermal baths: «Si por un corte no podemos dar el servicio reservado, te ofrecemos reprogramar»."""
    assert check_refusal("", "Si por un corte no podemos dar el servicio, te devolvemos el 100 %.") == []
    assert check_refusal("", "Cuando llueve no podemos ofrecer la caminata; la cambiamos por otra.") == []
    assert check_refusal("", "Lo siento, no puedo ayudarte con eso.") != []
    assert check_refusal("", "No podemos darte esa información.") != []


def test_a_when_question_answered_by_a_circumstance_is_answered():
    """Round 18: «¿Cuándo llaman a la policía?» — «Llamamos a la Policía cuando hay robos ...»."""
    assert check_no_direct_answer("¿Cuándo llaman a la policía?",
                                  "Llamamos a la Policía cuando hay robos o agresiones en el local.") == []
    assert check_no_direct_answer("¿Cuándo empieza el curso?", "El curso es presencial en nuestra sede.") != []
