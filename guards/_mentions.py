"""Proper names a prompt uses that the CSV never mentions.

"¿Cómo cambio la contraseña de mi router Movistar?", "dime la tarifa de agua
de Sedacusco", "¿Qué seguro me conviene, SIS o EsSalud?": a question about
another company, product, place or person is seldom about the institution,
even when every other word of it is in the CSV.  :func:`unknown_names` lists
such names; for a prompt that has one and does not address the institution
("I'm moving to Spain, can you help with my cat's papers?" does), the topic
guard's decision model (:mod:`guards._decision`) reads it as evidence, and
without that model its logit drops by :data:`guards._topic.UNKNOWN_NAME_LOGIT`.
Evidence, not a rule: a name alone does not refuse.

A *name* here is a capitalised word in mixed-case text that does not open a
sentence, a line or a block ("Asunto: Factura", "<b>URGENTE</b>", "Dear
Sir"), is not a common Spanish/English word (:func:`guards._lexicon.word_set`,
the glossary, greetings, week days, months and languages), does not sign off
a message ("Gracias, Carla Ñiquen Santisteban"), and is unknown to the CSV: neither one of its
names or acronyms (:class:`guards._entities.Names`) nor a word of its
vocabulary (by stem, concept or near spelling).  Domain-agnostic: the only
domain knowledge is the CSV's own text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from harness._glossary import concept_map
from harness._lexical import STOP_WORDS, stem

from ._names import CALENDAR_WORDS, COMMON_ACRONYMS, Names, is_name, plain
from ._lexicon import fold, word_set
from ._requests import GREETING_WORDS

SIGN_OFF_WORDS = frozenset("""
gracias saludos atte atentamente cordialmente abrazos bendiciones thanks thank regards cheers sincerely
best
""".split())
"""A capitalised word right after one of these signs a message ("Gracias, Carla"), it asks about no one."""

SIGNATURE_JOINS = frozenset("de del la las los y e of the and".split())
"""Lower-case words a signature goes on over ("Jefe de Logística", "Head of Sales")."""

_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return word_set() | STOP_WORDS | GREETING_WORDS | frozenset(concept_map()) | CALENDAR_WORDS


def unknown_names(text: str, names: Names, known: Callable[[str], bool] = lambda w: False) -> list[str]:
    """Capitalised names in ``text`` that the CSV does not know (see the module docstring).

    ``known(word)`` is the retriever's vocabulary test on a folded word."""
    if text == text.lower() or text == text.upper():
        return []  # names cannot be told in text written in one case
    common = _common()
    found: list[str] = []
    previous, signing = "", False
    for m in _WORD.finditer(text):
        token, before = m.group(), text[:m.start()].rstrip()
        prev, previous = previous, plain(token)
        if not before or not (before[-1].isalnum() or before[-1] == ","):
            continue  # opens a sentence, a line or a block
        if not is_name(token):
            signing = signing and previous in SIGNATURE_JOINS  # "..., Jefe de Logística"
            continue
        if prev in SIGN_OFF_WORDS or (signing and (before[-1].isalnum() or before[-1] == ",")):
            signing = True  # "Atentamente, Carlos Ñiquen Santisteban, Jefe de Logística": the whole signature
            continue
        word = plain(token)
        word = word[:-2] if word.endswith(("'s", "\u2019s")) else word
        if len(word) < 3 or word in COMMON_ACRONYMS:
            continue
        if word in common or word.rstrip("s") in common or stem(word) in common:
            continue
        if names.knows([token]) or names.mentions_self(token) or known(word):
            continue
        found.append(token)
    return found


_OWN = re.compile(r"\b(?:mi|mis|nuestr[oa]s?|my|our|somos|represento|representamos|we are|i represent|"
                  r"soy de|soy del|estudio en|trabajo en|soy alumn[oa] de|soy estudiante de|"
                  r"i'?m from|i study at|i work at)\s+(?:el |la |los |las |un |una |the |a |an )?$")
"""Right before a name, these make it the sender's own organisation ("para mi empresa de cosméticos",
"Somos el Colegio San Juan", "soy de la UNCP, ¿me hacen descuento?")."""
_SIGN_OFF = re.compile(r"\b(?:" + "|".join(sorted(SIGN_OFF_WORDS)) + r"|quedo atent[oa]s?)\b|--")


def senders_own(text: str, name: str) -> bool:
    """Whether the organisation ``name`` (as :func:`guards._entities.foreign_names` found it in ``text``) is
    the sender's own: a possessive or "somos" right before it, or a name in the signature of a message, after
    a sign-off (:data:`SIGN_OFF_WORDS`, "quedo atento", "--") in its last 160 characters with no question
    after it ("Gracias. Atte. Contabilidad Agroexportadora Algarrobo SAC")."""
    low = fold(text)  # punctuation kept: the question mark counts
    found = [m.start() for m in re.finditer(r"[\W_]+".join(map(re.escape, fold(name).split())), low)]
    if not found:  # the name as found, its words joined across " / " or line breaks in the text
        return False
    at = found[-1]
    if _OWN.search(low[max(0, at - 40):at]):
        return True
    offs = [m.end() for m in _SIGN_OFF.finditer(low, max(0, len(low) - 160), at)]
    return bool(offs) and "?" not in low[offs[-1]:]
