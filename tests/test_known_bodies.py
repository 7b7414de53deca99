"""The well-known-body rule (:mod:`guards._bodies`) and the sender's own organisation
(:func:`guards._mentions.senders_own`).  A question about a public body, a social programme,
a utility, a retailer or a courier the CSV never names is about that body, in any case; the sender's own
school or work, a body that vouches for the institution or works with it, a question asking the
institution's leave and a body the CSV names are not.  An organisation in a message's signature, after
"mi"/"nuestra" or "somos" is the sender's own, not another one.  Worded apart from the probe sets."""

from __future__ import annotations

import pytest

from guards._bodies import about_known_body, known_bodies, well_known_bodies
from guards._entities import Names

from ._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)

ROWS = ["¿Dónde queda la academia de natación?", "En Av. Grau 310, de lunes a sábado.",
        "¿Aceptan el SIS?", "No, solo pagos en efectivo o con Yape."]
NAMES = Names(ROWS)

ABOUT_A_BODY = [
    ("¿qué papeles pide la sunat para sacar el ruc?", "sunat"),
    ("cuando depositan la pension 65 en abril", "pension 65"),
    ("Horario de atención de Promart en Piura", "promart"),
    ("how long does Olva take from Lima to Tacna?", "olva"),
    ("¿cómo postulo a Beca 18 si acabé el colegio?", "beca 18"),
    ("CUANTO CUESTA EL PLAN DE MOVISTAR HOGAR", "movistar"),
]
NOT_ABOUT_A_BODY = [
    "¿Aceptan el SIS para las clases?",            # the CSV names it
    "¿atienden a afiliados del SIS?",              # the CSV names it (any case)
    "soy estudiante de la UNSAAC, ¿hay descuento?",  # the sender's own school
    "¿la constancia es válida ante el MINEDU?",    # vouches for the institution
    "¿trabajan con Rímac Seguros?",                # works with it, asked of the institution
    "¿puedo mandar mi ficha por Olva?",            # asks the institution's leave
    "¿ustedes tienen convenio con Sodimac?",       # speaks to the institution
    "¿Cuánto cuesta la clase de natación?",        # no body at all
]


@pytest.mark.parametrize("text,body", ABOUT_A_BODY)
def test_a_question_about_a_well_known_body_is_about_that_body(text, body):
    assert about_known_body(text, NAMES) == body


@pytest.mark.parametrize("text", NOT_ABOUT_A_BODY)
def test_affiliations_vouchers_partners_leave_and_known_bodies_are_not(text):
    assert about_known_body(text, NAMES) is None


def test_the_list_is_folded_and_leaves_everyday_words_out():
    bodies = known_bodies()
    assert len(bodies) > 100 and all(b == b.lower() and b.strip() == b for b in bodies)
    assert not bodies & {"claro", "juntos", "produce", "booking", "whatsapp", "yape", "bcp"}
    assert well_known_bodies("claro que sí, ¿juntos podemos ir?", NAMES) == []


def test_the_topic_guard_refuses_with_the_body_in_its_reason(retriever):
    from guards import TopicGuard

    verdict = TopicGuard(retriever).check("¿en qué horario atiende Promart en Cusco?")
    assert not verdict.allowed and verdict.guard == "topic" and "promart" in verdict.reason


OWN = [
    ("Buenas tardes: quisiera saber si emiten factura. Saludos cordiales, Ferretería El Sauce EIRL",
     "Ferretería El Sauce EIRL"),
    ("Estimados: solicito una cotización. Atte. -- Lic. Ana Poma, Gerente, Transportes Huaylas SAC",
     "Transportes Huaylas SAC"),
    ("Somos el Colegio Santa Ana y queremos una visita guiada", "Colegio Santa Ana"),
    ("¿Hacen precio por volumen para mi empresa de calzado?", "empresa de calzado"),
]
NOT_OWN = [
    ("Gracias por todo. ¿La Universidad de Lima tiene convenio con ustedes?", "Universidad de Lima"),
    ("¿Cuánto cobra la Academia Pacífico por el curso?", "Academia Pacífico"),
]


@pytest.mark.parametrize("text,name", OWN)
def test_the_senders_own_organisation_is_no_other_organisation(text, name):
    from guards._mentions import senders_own

    assert senders_own(text, name)


@pytest.mark.parametrize("text,name", NOT_OWN)
def test_a_name_before_a_question_or_without_a_possessive_is_another_organisation(text, name):
    from guards._mentions import senders_own

    assert not senders_own(text, name)
