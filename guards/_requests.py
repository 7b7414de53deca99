"""Rules on the shape of a request, for the topic guard.

* :func:`is_greeting` is true for a text made only of greeting / courtesy
  words ("hola", "buenas tardes", "Hi!", "gracias", "bye").  The topic guard
  lets these through as chit-chat: the bot can greet back and offer help,
  and a greeting carries no request that could be off-topic or unsafe.
* :func:`asks_which_institution` catches questions that open by asking
  which institution does something ("¿Qué universidad enseña ...?").
* :func:`asks_generic_advice` finds requests for generic how-to or advice in
  the field ("la receta del pisco sour", "tips para visitar ...", "¿qué marca
  de ... me conviene?") that name no course, class or the institution.
* :func:`tail_requests` finds requests added after a first one ("¿...?
  Además, escríbeme un ensayo ..."), which the topic guard judges on their own.

All are domain-agnostic: the only domain knowledge is
:class:`guards._entities.Names`, built from the CSV's text.
"""

from __future__ import annotations

import re
import unicodedata

from harness._lexical import fold

from ._entities import Names

GREETING_WORDS = frozenset("""
hola holaa holi ola buenas buenos buen dia dias tarde tardes noche noches saludos saludo que tal
gracias muchas mil muy amable adios chau chao hasta luego pronto manana nos vemos ok okay vale
hi hello hey heya hiya yo good morning afternoon evening day thanks thank you thx ty much bye goodbye
see later cheers greetings there alo buen senor senora senorita estimado estimada equipo team
""".split())

WHICH = frozenset("que cual cuales which what".split())
EDU_WORDS = frozenset("""
universidad universidades instituto institutos academia academias escuela escuelas colegio colegios
university universities institute institutes academy academies school schools college colleges
""".split())
"""A question opening "¿Qué universidad ...?" / "Which schools ...?" asks about other institutions."""

ADVICE_CUES = ("receta", "recetas", "recipe", "recipes", "paso a paso", "step by step", "tips para",
               "tips for", "tips to", "consejos para", "que me recomiendas", "recomiendame",
               "recommend me", "ideas de", "ideas para", "ideas for", "translate", "traduce", "traduceme",
               "traducir", "como se dice", "how do you say", "donde compro", "donde puedo comprar",
               "where can i buy", "where to buy", "where do i buy", "que marca", "mejor marca", "what brand",
               "which brand", "best brand", "como se forma", "como se forman")
"""Phrases that ask for generic how-to or advice rather than about the institution."""

CONTEXT_WORDS = frozenset("""
curso cursos taller talleres clase clases carrera carreras programa programas modulo modulos enseñan
ensenan ensena aprendo aprender aprende aprenden estudiar estudio estudios matricula inscribo inscribir
ustedes tienen ofrecen dan instituto academia escuela centro alumnos alumno profesor profesores
local sede campus aqui estudiantes students here course courses class classes workshop workshops program
programme teach teaches learn you your
""".split())
"""Words that tie a request to the institution ("¿en qué curso enseñan la receta ...?")."""


def is_greeting(text: str) -> bool:
    """True when every word of ``text`` is a greeting/courtesy word."""
    words = fold(text).split()
    return bool(words) and len(words) <= 8 and all(w in GREETING_WORDS for w in words)


_TAIL = re.compile(
    r"(?:^|[?.!;,\n]\s*)(?:y\s+|and\s+)?(?:ademas|aparte|de paso|por cierto|otra cosa|ah y|"
    r"p\.?\s?[sd]\.?|also|plus|by the way|btw|one more thing|and then)\b[,:]?\s+(?P<tail>[^?.!\n]{8,}[?.!]?)")


def tail_requests(text: str) -> list[str]:
    """Requests added after a first one with "además", "PD", "also", "by the way" ...

    "¿Cuánto cuesta el taller? Además, escríbeme un ensayo sobre ..." is two
    requests; the topic check judges the whole message and then each added
    one, so an in-domain question cannot carry an off-topic payload.  Only
    text after such a connector counts (a story before a question is
    context, not a request); accents are folded away for matching, the
    tails are returned as written.
    """
    # one character for one character, so offsets in ``plain`` are offsets in ``text``
    plain = "".join((unicodedata.normalize("NFKD", c) or c)[0] for c in text).lower()
    return [text[m.start("tail"):m.end("tail")].strip() for m in _TAIL.finditer(plain) if m.start() > 8]


def asks_generic_advice(text: str, names: Names, questions: str) -> str | None:
    """The generic how-to / advice cue in ``text`` ("receta", "tips para"), if any.

    Not when the text ties the request to the institution (a course, a
    class, "ustedes", its name), nor when the CSV's own questions use the cue
    (``questions``: their folded text), i.e. the institution answers it.
    """
    folded = f" {fold(text)} "
    words = set(folded.split())
    if words & CONTEXT_WORDS or names.mentions_self(text):
        return None
    for cue in ADVICE_CUES:
        if f" {cue} " in folded and f" {cue} " not in questions:
            return cue
    return None


def asks_which_institution(text: str, names: Names) -> str | None:
    """The "which university / what schools" phrase opening ``text``, if any.

    Only at the start of the question (after an optional "¿"), and not when
    the institution's own name follows ("¿Qué instituto es MIKHUY?").
    """
    words = fold(text).split()
    if len(words) >= 2 and words[0] in WHICH and words[1] in EDU_WORDS and not names.mentions_self(text):
        return " ".join(words[:2])
    return None
