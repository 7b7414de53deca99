"""The answer checks (``guards.checks``) kind by kind: repetition, stray
tokens, truncation, refusal, no direct answer, and a sentence that restates a
fact differently (the other fact checks and the required properties live in
``test_answer_checks.py``)."""

from __future__ import annotations

import pytest

from guards.checks import (FactIndex, asked_values, check_no_direct_answer, check_refusal, check_repetition,
                           check_stray_token, check_truncated, check_unsupported_fact)
from tests.test_answer_checks import cenfo, index, kinds, small  # noqa: F401  (shared fixtures)


# ---------------------------------------------------------------- repetition

def test_repetition_word_phrase_sentence_and_list(small):
    assert check_repetition("", "Es muy muy muy muy bueno.", small)
    assert check_repetition("", "Cultivamos muña, chincho, muña, chincho, muña, chincho y paico.", small)
    assert check_repetition("", "- Excel Financiero\n- Oratoria\n- Excel Financiero", small)
    loop = " ".join(["Formamos técnicos para el sector financiero."] * 3)
    found = check_repetition("", "Somos CENFOBANK. " + loop, small)
    assert found and found[0].start > len("Somos CENFOBANK. ")  # the first copy is kept


@pytest.mark.parametrize("answer", [
    "Cajero Bancario Profesional dura 6 meses. La mensualidad de Cajero Bancario Profesional es de S/ 480.",
    "Hay turnos de 8:00 a.m. a 1:00 p.m. de lunes a viernes y de 8:00 a.m. a 1:00 p.m. los sábados.",
    "La matrícula cuesta S/ 150. Más información por WhatsApp al 984 123 456. El uniforme cuesta S/ 160. "
    "Más información por WhatsApp al 984 123 456.",
    "Sí, sí: paso a paso, poco a poco.",
])
def test_normal_reuse_is_not_repetition(small, answer):
    assert check_repetition("", answer, small) == []


# ---------------------------------------------------------------- stray_token

@pytest.mark.parametrize("token", ["[INST]", "[/INST]", "<<SYS>>", "<</SYS>>", "<s>", "</s>", "### Answer:",
                                   "### Question:", "<|im_start|>", "<|im_end|>", "<|endoftext|>",
                                   "<start_of_turn>", "<end_of_turn>", "<eos>", "<pad>"])
def test_template_tokens(small, token):
    found = check_stray_token("", f"La matrícula cuesta S/ 150. {token} Gracias.", small)
    assert [f.text for f in found] == [token]


@pytest.mark.parametrize("answer", ["Ofrece áreas financieras y bancarias. everybody\n\nProgramas:",
                                    "No promueve el daño a animales. everybody.\nEn lugar de eso...",
                                    "Tenemos wifi gratuito para alumnos. anyway"])
def test_llama_english_artefact(small, answer):
    assert [f.kind for f in check_stray_token("", answer, small)] == ["stray_token"]


@pytest.mark.parametrize("answer", [
    "El programa Asesor de Banca Digital incluye Marketing Digital Financiero y Excel.",
    "Escríbenos por WhatsApp. Te respondemos pronto.",
    "Thanks for asking. The fee is S/ 150. Please come and visit us.",
    "Clases por Zoom. Online también.",
])
def test_english_inside_names_or_english_text_is_fine(small, answer):
    assert check_stray_token("", answer, small) == []


# ---------------------------------------------------------------- truncated

@pytest.mark.parametrize("answer", [
    "Necesitas tu DNI y la ficha de inscrip", "Incluye un sistema de", "Puedes pagar por Yape, Plin o",
    "Los cursos son los siguientes:", "Ofrece banca, seguros,", "Ofrecemos cursos. Aprovecha y haz clic en el botón",
    "4. Cursos de Seguros: Cenf", "", "Escribe a soporte con tu",
])
def test_truncated(cenfo, answer):
    # a word cut in the middle is recognised as the start of a word the CSV or the answer knows
    assert [f.kind for f in check_truncated("", answer, cenfo)] == ["truncated"]


@pytest.mark.parametrize("answer", [
    "Cuesta S/ 150.", "¡Claro!", "¿Algo más?", "Cuesta S/ 150 (una vez)", "Visita www.demo.edu.pe",
    "Escribe a informes@demo.edu.pe", "Programas:\n- Asesor de Banca Digital\n- Cajero Bancario Profesional",
    "S/ 150", "Sí, es gratuito 😊", "La matrícula cuesta S/ 150. everybody",
])
def test_complete_endings(small, answer):
    assert check_truncated("", answer, small) == []


# ---------------------------------------------------------------- refusal

@pytest.mark.parametrize("answer", [
    "Lo siento, pero no puedo proporcionar información que promueva la violencia.",
    "No puedo ayudarte con eso.", "I'm sorry, but I can't help with that.", "I cannot provide that.",
    "As an AI language model, I don't have opinions.", "Como modelo de lenguaje, no tengo acceso a esos datos.",
    "Lo siento, no tengo esa información.",
])
def test_refusal(small, answer):
    assert [f.kind for f in check_refusal("", answer, small)] == ["refusal"]


@pytest.mark.parametrize("answer", ["No, la matrícula no se paga en cuotas.", "Sin ese certificado no se puede emitir "
                                    "el certificado de egresado.", "No hay examen escrito de admisión."])
def test_negative_answers_are_not_refusals(small, answer):
    assert check_refusal("", answer, small) == []


# ---------------------------------------------------------------- no_direct_answer

@pytest.mark.parametrize("question, want", [
    ("¿Cuánto cuesta la matrícula?", ["price"]), ("Cuanto cuesta las matriculas?", ["price"]),
    ("¿Cuándo empiezan las clases?", ["date"]), ("¿A qué hora abren?", ["schedule"]),
    ("¿Cuál es el teléfono?", ["phone"]), ("¿Cuál es el correo de informes?", ["email"]),
    ("¿Dónde queda el local?", ["address"]), ("¿Cuánto dura el programa?", ["duration"]),
    ("What is the fee?", ["price"]), ("¿Tienen WhatsApp?", []), ("¿El precio incluye materiales?", []),
    ("¿Cómo pago la matrícula?", []), ("¿Dónde puedo ver los horarios?", []),
    ("¿Qué pasa si me inscribo cuando las clases ya empezaron?", []),
    # how to find a value out, or how to change one, asks for no value (found on blind domains' own CSVs)
    ("¿Cómo sé cuánto me toca pagar al mes?", []), ("¿Cómo cambio mi correo y mi teléfono?", []),
    ("How do I update my address?", []), ("¿Dónde queda la agencia y cuál es su teléfono?", ["phone", "address"]),
    ("¿Los precios pueden cambiar?", []), ("Can prices change?", []),  # whether, not which (round 9's own CSV)
    # a deposit is a price, and the date it books is not asked for (round 11's own CSV)
    ("¿Cuánto es el adelanto para separar la fecha?", ["price"]), ("¿Cuánto dejo de garantía?", ["price"]),
])
def test_asked_values(question, want):
    assert asked_values(question) == want


@pytest.mark.parametrize("question, answer, flagged", [
    ("¿Cuánto cuesta la matrícula?", "La matrícula se paga una sola vez al inicio.", True),
    ("¿Cuánto cuesta la matrícula?", "Si pagas al contado puedes ahorrar $/ 300.", True),
    ("¿Cuánto cuesta la matrícula?", "Cuesta S/ 150.", False),
    ("¿Cuánto cuesta el wifi?", "Es gratuito para alumnos.", False),
    ("¿Cuál es el teléfono?", "Escríbenos a informes@demo.edu.pe.", True),
    ("¿Cuándo es el examen?", "El examen es el sábado 27 de febrero.", False),
    ("¿Cuándo salen los resultados?", "En un plazo de tres días hábiles.", False),
    ("¿Dónde queda el local?", "En la Av. de la Cultura 1520.", False),
    ("¿Hay clases los sábados?", "Sí.", False),
    ("¿Qué días no atienden?", "No atendemos el 1 de mayo ni el 28 de julio.", False),  # days given as dates
    ("¿Qué días atienden?", "Atendemos con cita previa.", True),
    ("¿Cuánto dura la garantía?", "Vale por el periodo que indica la factura.", False),
    ("¿Cuánto dura la garantía?", "La garantía cubre fallas de fábrica.", True),
    ("¿Cuánto es la garantía?", "Equivale a un mes de alquiler y se devuelve al salir.", False),  # a multiple
    ("¿Cuánto es el adelanto?", "Se paga al firmar el contrato.", True),
])
def test_no_direct_answer(small, question, answer, flagged):
    assert bool(check_no_direct_answer(question, answer, small)) is flagged


# ---------------------------------------------------------------- a fact restated differently
@pytest.mark.parametrize("answer, flagged", [
    ("La mensualidad de Cajero es de S/ 450. La mensualidad de Cajero es de S/ 150.", "S/ 150"),
    ("El turno mañana es de 8:00 a 12:00. El turno tarde es de 14:00 a 18:00.", None),  # different words
    ("La matrícula es S/ 150. La matrícula es S/ 150.", None),  # the same fact again
    ("Cuesta S/ 150. Cuesta S/ 450.", None),  # fewer than four words besides the facts: too little to tie them
])
def test_a_sentence_that_restates_a_fact_differently_is_unsupported(answer, flagged):
    facts = FactIndex.from_texts(["La mensualidad es S/ 450, la matrícula S/ 150. Turnos de 8:00 a 12:00 y de 14:00 a 18:00."])
    found = [f.text for f in check_unsupported_fact("¿Cuánto cuesta?", answer, facts)]
    assert found == ([flagged] if flagged else [])


@pytest.mark.parametrize("answer, flagged", [
    ("Te prepara para la calificación AWS D1.1 en soldadura.", None),  # the CSV's own code: "." inside a name
    ("Te prepara para la calificación AWS D1.5 en soldadura.", "AWS D1.5"),
    ("Te prepara para la norma ASME B31.3 en soldadura.", "ASME B31.3"),
])
def test_a_dotted_code_is_one_name(answer, flagged):
    facts = FactIndex.from_texts(["La carrera te prepara para la calificación AWS D1.1 en posiciones 3G y 4G."])
    found = [f.text for f in check_unsupported_fact("¿Qué aprendo?", answer, facts)]
    assert found == ([flagged] if flagged else [])
