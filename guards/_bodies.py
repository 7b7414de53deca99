"""Well-known organisations a prompt names that the CSV never mentions.

"requisitos para postular a beca 18", "horario de promart juliaca", "¿dónde me afilio al SIS?": a question
about Peru's public bodies, social programmes, utilities, telecoms, universities, retailers, couriers or
clinics is about that body, not the institution, even when every other word of it is in the CSV, and even
in lower case, where :func:`guards._entities.foreign_names` and :func:`guards._mentions.unknown_names` see no
names.  The list (:data:`KNOWN_BODIES`) is world knowledge, not any domain's: a body the CSV names ("pagos en
el Banco de la Nación", "atendemos por el SIS") is known and asks nothing of this rule.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from harness._lexical import fold

from ._names import Names
from ._requests import addresses_institution, affiliations


KNOWN_BODIES = Path(__file__).with_name("resources") / "known_bodies.txt"
"""Well-known organisations (Peru's public bodies, social programmes, utilities, telecoms, universities,
retailers, couriers, clinics): one name per line."""
VOUCH_WORDS = frozenset("""
valido valida validos validas reconocido reconocida reconocidos reconocidas licenciado licenciada acreditado
acreditada avalado avalada autorizado autorizada autorizados registrado registrada supervisado supervisada
valid recognised recognized accredited licensed approved authorised authorized registered
trabajan trabaja convenio convenios aceptan acepta afiliados afiliada afiliado accept accepts partner partners
""".split())
"""A body named just after one of these vouches for the institution or works with it ("¿el certificado es
válido x el MINEDU?", "¿trabajan con Pacífico Seguros?"): the question is about the institution's own
standing or partners."""


@lru_cache(maxsize=1)
def known_bodies() -> frozenset[str]:
    """The folded names of :data:`KNOWN_BODIES`."""
    lines = KNOWN_BODIES.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(ln) for ln in lines if ln.strip() and not ln.startswith("#"))


_PERMISSION = re.compile(r"\b(?:puedo|podemos|podria|podriamos|can i|can we|could i|could we|may i)\b")
"""Asking leave of the institution ("¿puedo hacer que me llegue un paquete de Olva a la residencia?")."""


def well_known_bodies(text: str, names: Names) -> list[str]:
    """Well-known organisations (:data:`KNOWN_BODIES`) that ``text`` names, in any case, and the CSV never
    mentions: "requisitos para postular a beca 18", "horario de promart juliaca", "¿dónde me afilio al SIS?"."""
    words, bodies, found = fold(text).split(), known_bodies(), []
    i = 0
    while i < len(words):
        size = next((n for n in (3, 2, 1) if " ".join(words[i:i + n]) in bodies), 0)
        if not size:
            i += 1
            continue
        phrase = " ".join(words[i:i + size])
        known = f" {phrase} " in names.text or (size == 1 and phrase in names.acronyms)
        if not known:
            found.append(phrase)
        i += size
    return found


def vouches(text: str, name: str) -> bool:
    """Whether the organisation ``name`` follows a :data:`VOUCH_WORDS` word within three words in ``text``
    ("licensed by the Ministry of Education", "¿está reconocido por la UGEL?")."""
    words, target = fold(text).split(), fold(name).split()
    for i in range(len(words) - len(target) + 1):
        if words[i:i + len(target)] == target and VOUCH_WORDS & set(words[max(0, i - 3):i]):
            return True
    return False


def about_known_body(text: str, names: Names) -> str | None:
    """The well-known body ``text`` asks about, if any (:func:`well_known_bodies`): not when the text speaks
    to the institution (:func:`guards._requests.addresses_institution`), asks its leave ("¿puedo ...?"),
    names the body as the sender's school or work ("soy universitario de la UNJBG, ¿hay descuento?"), or
    the body vouches for the institution or works with it (:func:`vouches`)."""
    bodies = [b for b in well_known_bodies(text, names) if not vouches(text, b)]
    if not bodies or addresses_institution(text, names) or _PERMISSION.search(fold(text)) \
            or affiliations(text, bodies):
        return None
    return bodies[0]
