"""Generic advice and facts, for the topic guard: :func:`asks_generic_advice` finds requests for generic how-to
or advice in the field ("la receta del pisco sour", "tips para visitar ...", "¿qué marca de ... me conviene?"), for
general facts ("¿cuántos habitantes tiene ...?", "¿qué tiempo hará mañana?") or for a job no FAQ does ("debug my
code") that name no course, class or the institution.  Domain-agnostic: the only domain knowledge is the CSV's
names, its questions and its vocabulary, passed in."""

from __future__ import annotations

import re
from typing import Callable

from harness._lexical import fold

from ._names import Names
from ._requests import CONTEXT_WORDS

WRITING_CUES = ("redactame", "redacta", "redactar", "redacto", "redactes", "redactas", "redactarme")
"""Cues of a text to write for the sender («ayúdame a redactar un comunicado», «¿cómo redacto un obituario?»):
generic advice, unless the CSV's vocabulary knows the verb (a notary or a translator writes for its clients)."""
OWN_BUSINESS_CUES = ("cuanto deberia cobrar", "cuanto debo cobrar", "how much should i charge", "que precio le pongo",
                     "q precio le pongo", "abro mi propio", "abro mi propia", "abrir mi propio", "abrir mi propia",
                     "armo mi propio", "armo mi propia", "pongo mi propio", "pongo mi propia", "monto mi propio",
                     "monto mi propia", "start my own", "open my own", "empezar un negocio", "empiezo un negocio",
                     "iniciar un negocio", "inicio un negocio", "abrir un negocio", "poner un negocio",
                     "start a business", "should i buy")
"""Cues of the sender's own business or purchase (what to charge, how to open one's own shop, what to buy): advice
for the sender's trade, not about the institution."""
PURCHASE_CUES = ("donde compro", "donde puedo comprar", "where can i buy", "where to buy", "where do i buy")
"""Cues of a purchase: generic advice, unless they ask for the institution's own product (:func:`_buys_own_product`)."""
ADVICE_CUES = ("receta", "recetas", "recipe", "recipes", "paso a paso", "step by step", "tips para",
               "tips for", "tips to", "consejos para", "que me recomiendas", "recomiendame",
               "recommend me", "ideas de", "ideas para", "ideas for", "translate", "traduce", "traduceme",
               "traducir", "como se dice", "how do you say", *PURCHASE_CUES, "que marca", "mejor marca", "what brand",
               "which brand", "best brand", "como se forma", "como se forman", "remedios caseros",
               "remedio casero", "home remedies", "home remedy", "me armas un itinerario", "armame un itinerario",
               "make me an itinerary", "plan my trip", "plan me a trip", "planea mi viaje", "organiza mi viaje",
               "escribeme un ensayo", "escribeme una historia", "escribeme un poema", "redactame un ensayo",
               "write me an essay", "write me a story", "write me a poem", "hazme la tarea", "do my homework",
               "organizame un itinerario", "hazme un itinerario", "escribe un poema", "escribe un ensayo",
               "escribe un cuento", "escribe una historia", "write a poem", "write an essay", "write a story",
               "genera una contrasena", "generate a password", "can you recommend", "recommend some",
               "como se trata", "como se tratan", "como limpio", "how do i clean", "which is better",
               "how do i become a certified", "how do i become a licensed", "how to become a certified",
               "how to become a licensed", *WRITING_CUES)
"""Phrases that ask for generic how-to or advice rather than about the institution."""
TASK_CUES = ("debug my", "proofread my", "sql query", "javascript code", "web scraper", "python script",
             "script de python", "script en python", "codigo en python", "codigo python", "pivot table",
             "tabla dinamica")
"""Phrases that ask the assistant itself to do a job no FAQ does: "you" in "can you ..." ties them to no one."""
CODE_TERMS = frozenset("""
html css flexbox stylesheet javascript typescript jquery python java kotlin sql mysql php github gitlab regex
regexp vlookup buscarv wordpress django
""".split())
"""Programming and web-markup words: a prompt using one the CSV does not know asks for help with code (a box
to centre with flexbox, a VLOOKUP, a Python error), not about the institution.  Words of everyday speech
("react", "node", "excel") are left out; markup tags are skipped (``<html><body>¿horarios?</body></html>``)."""
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
FACT_CUES = ("habitantes", "inhabitants", "poblacion de", "population of", "how many people live",
             "sobre el nivel del mar", "above sea level", "que tiempo hara", "tiempo hara manana",
             "pronostico del tiempo", "weather forecast", "whats the weather", "cual es la historia de",
             "what is the history of", "cual es la capital de", "what is the capital of",
             "cuantos kilometros hay", "cuantos km hay", "how far is", "distancia entre", "distance between",
             "cuanto gana un", "cuanto gana una", "cuanto se gana", "sueldo promedio", "average salary",
             "quien invento", "who invented", "quien descubrio", "who discovered", "cuentame la historia",
             "tell me the history", "origen del", "origen de la", "origin of", "what s the history of",
             "en promedio", "on average", "en general", "in general", "por que se produce", "por que se producen",
             "how do i know if", "engorda", "cuantas calorias", "how many calories", "segun los pediatras",
             "segun los expertos", "segun los estudios", "segun los medicos", "que dicen los estudios",
             "according to experts", "according to doctors", "according to studies", "according to science",
             "is it true that", "what could it be", "segun la ley", "que dice la ley", "according to the law",
             "como lo convenzo", "como la convenzo", "how do i convince", "a que edad deberia",
             "a que edad deben", "a que edad debe", "a que edad empiezan", "a que edad empieza",
             "a que edad se recomienda", "a que edad normalmente", "at what age should", "at what age do",
             "at what age does", "at what age can a", "bad for your", "is it bad for", "tu opinion",
             *OWN_BUSINESS_CUES)
"""Phrases that ask for general facts (a town's population, the weather, a salary) rather than about
the institution."""

_OWN_PRODUCT = re.compile(r" (?:el|la|los|las|mi|mis|su|sus|the|my|your|our) (?P<noun>[a-z\u00f1]{3,})\b")
_SHOPPING = re.compile(r"\b(?:barat\w*|cheap\w*|al por mayor|por mayor|wholesale|usad[oa]s?|de segunda|second[- ]hand|used)\b")
"""A purchase cue before a definite thing ("los boletos", "the uniform") whose word the CSV knows asks where to
buy the institution's own product, unless the text shops around (cheap, wholesale, second-hand)."""
TRANSLATION_CUES = frozenset(("translate", "traduce", "traduceme", "traducir"))
"""Cues a translation agency's FAQ asks in another form («¿Cuánto cuesta traducir ...?»): when the CSV's
questions translate, "how much to translate ..." asks about the service; an opening "translate ..." still
asks the assistant for a translation."""

_PRESCRIPTION = re.compile(r"\b(?:medic[oa]s?|pediatra|doctor[a]?|antibiotic\w*|medicin\w+|medicament\w+|"
                           r"pastillas?|jarabes?|farmacia|botica|sin receta|con receta|"
                           r"receta (?:medica|especial|electronica|retenida))\b")
_PROCEDURE = re.compile(r"\b(?:inscribirme|inscribo|inscribir|matricularme|matriculo|matricular|socio|socia|pido|pedir|"
                        r"solicito|solicitar|tramito|tramitar|afiliarme|afilio|contratar|contrato|reservar|reservo|"
                        r"sign up|enroll|enrol|apply|book)\b")
"""Words that make "receta" a prescription and "paso a paso" a request for the institution's own procedure."""


def asks_generic_advice(text: str, names: Names, questions: str,
                        is_known: Callable[[str], bool] = lambda w: False) -> str | None:
    """The generic how-to / advice cue in ``text`` ("receta", "tips para"), if any.

    Not when the text ties the request to the institution (a course, a
    class, "ustedes", its name), nor when the CSV's own questions use the cue
    (``questions``: their folded text), i.e. the institution answers it, nor for a purchase cue
    before a definite thing the CSV knows (``is_known``, the retriever's vocabulary test) with no
    shopping around: "¿dónde compro los boletos?" asks where to buy the institution's own tickets,
    "¿dónde compro un arnés barato?" asks where to shop.
    """
    folded = f" {fold(text)} "
    if names.mentions_self(text):
        return None
    for cue in (*ADVICE_CUES, *FACT_CUES, *TASK_CUES):
        if cue in PURCHASE_CUES and _buys_own_product(folded, cue, is_known):
            continue  # "¿dónde compro los boletos?": the institution's own tickets
        if cue in ("receta", "recetas") and _PRESCRIPTION.search(folded):
            continue  # a doctor's prescription, not a recipe
        if cue in WRITING_CUES and is_known("redactar"):
            continue  # "¿me redacta la minuta?": the institution writes for its clients
        if cue in ("paso a paso", "step by step") and _PROCEDURE.search(folded):
            continue  # "¿cómo pido un crédito, paso a paso?": the institution's own procedure
        if (cue in TRANSLATION_CUES and ("traduc" in questions or "translat" in questions)
                and not folded.lstrip().startswith(cue)):
            continue  # the agency's own service, asked about
        if f" {cue} " in folded and f" {cue} " not in questions:
            rest = folded.replace(f" {cue} ", " ")  # "how do you say": the cue's "you" is no address
            if not set(rest.split()) & (CONTEXT_WORDS - {"you", "your"} if cue in TASK_CUES else CONTEXT_WORDS):
                return cue
    return _code_term(text, is_known)


def _code_term(text: str, is_known: Callable[[str], bool]) -> str | None:
    """A :data:`CODE_TERMS` word of ``text`` (markup tags aside) the CSV does not know, unless the text ties it
    to the institution (a course, a class, "ustedes")."""
    words = fold(_TAG.sub(" ", text)).split()
    if set(words) & (CONTEXT_WORDS - {"you", "your"}):
        return None
    return next((w for w in words if w in CODE_TERMS and not is_known(w)), None)


def _buys_own_product(folded: str, cue: str, is_known: Callable[[str], bool]) -> bool:
    """A definite thing the CSV knows right after the purchase ``cue`` in ``folded``, and no shopping around."""
    at = folded.find(f" {cue} ")
    m = _OWN_PRODUCT.match(folded, at + len(cue) + 1) if at >= 0 else None
    return bool(m) and is_known(m["noun"]) and not _SHOPPING.search(folded)
