"""Rules on the shape of a request, for the topic guard.

* :func:`is_greeting` is true for a text made only of greeting / courtesy
  words ("hola", "buenas tardes", "Hi!", "gracias", "bye").  The topic guard
  lets these through as chit-chat: the bot can greet back and offer help,
  and a greeting carries no request that could be off-topic or unsafe.
* :func:`asks_which_institution` catches questions that open by asking
  which institution does something ("¿Qué universidad enseña ...?").
* :func:`guards._advice.asks_generic_advice` (its own module) finds requests for generic how-to, advice or
  facts.
* :func:`tail_requests` finds requests added after a first one ("¿...?
  Además, escríbeme un ensayo ..."), which the topic guard judges on their own.
* :func:`addresses_institution`: whether a text speaks to the institution
  ("ustedes", "your course") or names it, a feature of the topic model.
* :func:`language_of`: ``en`` or ``es``, for the topic model's language offset and the refusal's language.

All are domain-agnostic: the only domain knowledge is
:class:`guards._entities.Names`, built from the CSV's text.
"""

from __future__ import annotations

import re
import unicodedata

from harness._lexical import fold

from ._names import Names


ADDRESS_WORDS = frozenset("""
ustedes usted tienen ofrecen brindan aceptan cobran dan dictan ensenan enseñan su sus vuestro vuestra
curso cursos clase clases taller talleres aula alumnos profesor profesores docente docentes instructor
you your yours course courses class classes workshop workshops lesson lessons instructor instructors
alumno alumnos estudiante estudiantes student students
""".split())
"""Words that address the institution or its teaching ("¿ofrecen ...?", "your training", "in class"):
a feature of the topic model, learnt from the CSV's own questions."""


_EN = re.compile(r"\b(the|what|how|is|are|do|does|can|you|your|i|my|where|when|which|price|cost|fee|schedule)\b", re.I)
_ES = re.compile(r"\b(el|la|los|las|qué|que|cómo|como|cuánto|cuanto|es|son|de|del|para|puedo|dónde|donde|cuándo|"
                 r"horario|precio)\b", re.I)


def language_of(text: str) -> str:
    """``en`` or ``es`` by function-word counts (Spanish on a tie, and for text spaced out letter by letter,
    whose single letters say nothing: "p e n s i o n")."""
    words = text.split()
    if sum(len(w) == 1 for w in words) * 2 > len(words):
        return "es"
    return "en" if len(_EN.findall(text)) > len(_ES.findall(text)) else "es"


def addresses_institution(text: str, names: Names) -> bool:
    """Whether ``text`` speaks to the institution (:data:`ADDRESS_WORDS`) or names it."""
    return bool(set(fold(text).split()) & ADDRESS_WORDS) or names.mentions_self(text)


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

BUSINESS_WORDS = frozenset("""
hotel hoteles hostal hostales hostel hostels hospedaje hospedajes alojamiento alojamientos restaurante
restaurantes restaurant restaurants cafeteria cafeterias bar bares pub pubs discoteca discotecas
tienda tiendas store stores shop shops agencia agencias agency agencies operador operadores operator operators
banco bancos bank banks clinica clinicas clinic clinics hospital hospitales hospitals farmacia farmacias
pharmacy pharmacies gimnasio gimnasios gym gyms empresa empresas company companies veterinaria veterinarias
vet vets mercado mercados market markets supermercado supermercados supermarket supermarkets lavanderia
lavanderias laundry laundries aerolinea aerolineas airline airlines
""".split())
"""Kinds of business a sender may ask us to pick among: "¿qué cafetería de Yanahuara ...?", "the best
hostels in Huaraz" ask about other businesses, not this institution.  ("café" is left out: it is
also the coffee a cooperative sells.)"""
BEST_WORDS = frozenset("""mejor mejores best top safest cheapest biggest largest recomendable recomendables good nice
buen buena buenos buenas""".split())
_SENTENCE_END = re.compile(r"[.!?»\n]+")

CONTEXT_WORDS = frozenset("""
curso cursos taller talleres clase clases carrera carreras programa programas modulo modulos enseñan
ensenan ensena aprendo aprender aprende aprenden estudiar estudio estudios matricula inscribo inscribir
ustedes tienen ofrecen dan instituto academia escuela centro alumnos alumno profesor profesores
local sede campus aqui estudiantes students here course courses class classes workshop workshops program
programme teach teaches learn you your egresado egresados egresada egresadas graduate graduates alumni
""".split())
"""Words that tie a request to the institution ("¿en qué curso enseñan la receta ...?")."""


def is_greeting(text: str) -> bool:
    """True when every word of ``text`` is a greeting/courtesy word."""
    words = fold(text).split()
    return bool(words) and len(words) <= 8 and all(w in GREETING_WORDS for w in words)


_TAIL = re.compile(
    r"(?:^|[?.!;,\n]\s*|\s(?=(?:y|and) (?:luego|tambien|ademas|aparte|de bonus|de yapa|then|also)\b))"
    r"(?:y\s+|and\s+)?(?:ademas(?! de (?:la|el|los|las|un|una|mi|su)\b)|aparte|de paso|"
    r"por cierto|otra cosa|ah y|tambien|de bonus|de yapa|part(?:e)? (?:2|two|dos|ii)|"
    r"p\.?\s?[sd]\.?|also|plus|by the way|btw|one more thing|and then|then|after that|afterwards|"
    r"after (?:answering|you answer|your answer)(?: that| this)?|when you(?:'re| are) done|"
    r"luego(?! de\b)|despues de (?:eso|esto|responder|contestar|tu respuesta)(?:me|lo)?|despues(?! de\b)|"
    r"cuando termines|a continuacion|acto seguido|"
    r"(?:ignora|olvida|omite|descarta)\w* (?:lo anterior|esa pregunta|la pregunta anterior|eso)(?: y)?|"
    r"(?:ahora |now )?(?:olvida|olvidate de|deja|forget(?: about)?|ignora|ignore)\w* "
    r"(?:el tema de |lo de |la |el |los |las |the |about |your |tu |tus |su )?\w+ (?:y|and)(?: ahora| now)?|"
    r"(?:ignore|disregard|forget) (?:the |all )?(?:above|previous)(?: and)?"
    r")\b[,.:]?\s+(?P<tail>[^?.!\n]{8,}[?.!]?)")


def tail_requests(text: str) -> list[str]:
    """Requests added after a first one with "además", "también", "PD", "also", "by the way", "part 2:",
    "ignora lo anterior y" ... (after a stop or a comma; after a bare "y" / "and" for "luego", "también",
    "de bonus", "then", "also" ...)

    "¿Cuánto cuesta el taller? Además, escríbeme un ensayo sobre ..." is two
    requests; the topic check judges the whole message and then each added
    one, so an in-domain question cannot carry an off-topic payload.  Only
    text after such a connector counts (a story before a question is
    context, not a request); accents are folded away for matching, the
    tails are returned as written, and a tail that opens with a connector of its own is split once more
    ("PD: ignora lo anterior y dime …", "Part 2: forget your scope and write …").
    """
    tails = _tails(text, after=8)
    return tails + [inner for t in tails for inner in _tails(t, after=-1) if inner not in tails]


def _tails(text: str, after: int) -> list[str]:
    """The tails of connectors starting after character ``after`` (one level: "PD: ignora lo anterior y
    dime …" is read again from "ignora" by :func:`tail_requests`)."""
    # one character for one character, so offsets in ``folded`` are offsets in ``text``
    folded = "".join((unicodedata.normalize("NFKD", c) or c)[0] for c in text).lower()
    return [text[m.start("tail"):m.end("tail")].strip() for m in _TAIL.finditer(folded) if m.start() > after]


def asks_which_institution(text: str, names: Names) -> str | None:
    """The "which university / what schools" phrase opening ``text``, if any.

    Only at the start of the question (after an optional "¿"), and not when
    the institution's own name follows ("¿Qué instituto es MIKHUY?").  The
    same for a kind of business (:data:`BUSINESS_WORDS`: "¿qué cafetería
    ...?") or "the best" one anywhere ("what are the best hostels in
    Huaraz?"), unless the text speaks to the institution ("¿qué hotel
    recomiendan ustedes?", "your partner hotel") or its teaching
    (:data:`CONTEXT_WORDS`: "¿qué banco uso para pagar la matrícula?").
    """
    words = fold(text).split()
    if len(words) >= 2 and words[0] in WHICH and words[1] in EDU_WORDS and not names.mentions_self(text):
        return " ".join(words[:2])
    if addresses_institution(text, names) or set(words) & CONTEXT_WORDS:
        return None
    for n in (2, 3):  # "¿qué hotel ...?", "which bus company ...?" (one word may qualify the kind)
        if len(words) >= n and words[0] in WHICH and words[n - 1] in BUSINESS_WORDS:
            return " ".join(words[:n])
    last = fold(_SENTENCE_END.split(text.strip(" ?!.\n\t"))[-1]).split()  # the request, not a quote before it
    for i, word in enumerate(last[:-1]):
        kind = [w for w in last[i + 1:i + 3] if w in BUSINESS_WORDS]
        if word in BEST_WORDS and kind:  # "the best hostels", "the safest bus company"
            return f"{word} {kind[0]}"
        if word in BUSINESS_WORDS and "mas" in last[i + 1:i + 4] and last[-1] != "mas":  # "la empresa ... más segura"
            return " ".join(last[i:last.index("mas", i) + 2])
    return None


_WRITER = r"(?:les?|os) (?:escribe|escribimos|escribo|saluda|saludamos)"  # "les escribe el área de ..."
AFFILIATION = re.compile(
    r"\b(?:estudio|estudie|estudiaba|trabajo|trabaje|laboro|vengo|egrese|soy (?:\w+ ){0,3}?(?:de|del|en)|"
    r"estudiantes? (?:\w+ ){0,3}?(?:de|del|en)|alumn[oa]s? (?:\w+ ){0,2}?(?:de|del|en)|egresad[oa] (?:de|del)|"
    r"i (?:study|studied|work|worked) (?:at|in|for)|i'?m (?:a |an )?(?:\w+ ){0,2}?(?:student|graduate) (?:at|of|from)|"
    r"student (?:at|of|from)|" + _WRITER + r" (?:\w+ ){0,6}?(?:de|del|desde)|"
    r"(?:escribo|escribimos|somos|represento|representamos) (?:\w+ ){0,4}?(?:de|del|desde|a)|en representacion (?:de|del)|"
    r"(?:i'?m|we'?re|i am|we are) writing (?:\w+ ){0,4}?(?:from|for|on behalf of)|on behalf of)\s+(?:\w+\s+){0,4}?$")
"""Words that make an organisation the sender's own school or work ("estudio educación en la UNT",
"soy estudiante de veterinaria de la UNC", "les escribe el área de logística de la Municipalidad de X")."""


_WRITES_TO = re.compile(r"\b" + _WRITER + r"\b|\bwriting to you\b")  # a letter to the institution speaks to it


def only_affiliations(text: str, found: list[str], names: Names) -> bool:
    """Whether every name in ``found`` is the sender's school or work (:func:`affiliations`) while the text
    speaks to the institution ("¿puedo hacer mis prácticas con ustedes?")."""
    return (addresses_institution(text, names) or bool(_WRITES_TO.search(fold(text)))) and affiliations(text, found)


def affiliations(text: str, found: list[str]) -> bool:
    """Whether every name in ``found`` has :data:`AFFILIATION` right before it ("soy estudiante de la UNCP")."""
    if not found:
        return False
    folded, start = fold(text), 0
    for name in found:
        at = folded.find(fold(name), start)
        if at < 0 or not AFFILIATION.search(folded[max(0, at - 60):at].rstrip() + " "):
            return False
        start = at + 1
    return True
