"""A tiny fictional institution for the retrieval / topic / chain tests.

WAYRA is a language academy that no shipped resource mentions, so the topic
guard is exercised on a domain it has never seen.  ``build_index`` writes the
CSV under ``tmp`` and indexes it with an isolated embedding cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CSV_TEXT = """pregunta;respuesta
¿Qué es WAYRA?;WAYRA es una academia de idiomas de Huancayo que enseña inglés, francés y quechua a jóvenes y adultos desde 2012.
¿Dónde queda la academia?;Estamos en el Jr. Puno 455, Huancayo, a dos cuadras de la Plaza Constitución.
¿Cuánto cuesta la matrícula?;La matrícula cuesta S/ 80 y se paga una sola vez al inscribirte.
¿Cuánto es la pensión mensual de inglés?;La pensión de inglés es de S/ 260 al mes, y francés y quechua cuestan S/ 240 al mes.
¿Cuáles son los horarios de clase?;Hay turnos de mañana (8:00 a 10:00), tarde (15:00 a 17:00) y noche (19:00 a 21:00), de lunes a viernes.
¿Tienen clases los sábados?;Sí, los sábados hay un grupo intensivo de 9:00 a 13:00 para personas que trabajan.
¿Ofrecen becas?;WAYRA ofrece media beca a los tres mejores promedios de cada ciclo y descuento de 15 % por hermanos.
¿Cómo me inscribo?;Puedes inscribirte en secretaría con tu DNI o en línea llenando el formulario de la web y pagando la matrícula.
¿Qué certificado entregan?;Al aprobar cada nivel recibes un certificado de WAYRA con las horas cursadas y el nivel del Marco Común Europeo.
¿Cuántos alumnos hay por aula?;Cada aula tiene como máximo 15 alumnos para que todos practiquen la conversación.
¿Tienen clases virtuales?;Sí, todos los cursos tienen una modalidad virtual por Zoom con el mismo horario y precio.
¿Cuál es el número de WhatsApp?;Nuestro WhatsApp es 964 111 222 y atendemos de lunes a sábado de 8:00 a 20:00.
¿Quiénes son los profesores?;Los docentes de WAYRA son profesores titulados con certificación internacional, y el quechua lo enseñan hablantes nativos.
¿Devuelven el dinero si me retiro?;Devolvemos el 50 % de la pensión si te retiras en la primera semana del ciclo, después no hay devolución.
¿Cuánto dura cada nivel?;Cada nivel dura dos meses y el programa completo de inglés tiene doce niveles.
¿Hay examen de ubicación?;Sí, el examen de ubicación es gratuito y dura 40 minutos, así empiezas en el nivel que te corresponde.
"""


def write_csv(tmp: Path) -> Path:
    path = tmp / "wayra.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def isolated_cache(tmp_path_factory):
    """A fresh ``CENTINELA_CACHE`` for the module (restored afterwards)."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CENTINELA_CACHE", str(cache))
        yield cache


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory) -> Path:
    return write_csv(tmp_path_factory.mktemp("domain"))


@pytest.fixture(scope="module")
def retriever(isolated_cache, csv_path):
    from harness._retrieval import Retriever

    return Retriever.from_csv(csv_path)
