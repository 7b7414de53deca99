"""The topic check's rules before its model: :func:`refusal_before_model` gives the reason a prompt is refused
outright, in order: an organisation the CSV does not know (:mod:`guards._entities`, not the sender's own school or
work, :mod:`guards._mentions`), a well-known one (:mod:`guards._bodies`), "¿qué universidad …?", a place
elsewhere, generic advice or facts (:mod:`guards._requests`), another business weighed against this one («¿X es
mejor que ustedes?») and a question to the assistant about itself («¿cómo te llamas?», "are you ChatGPT?").
The last two live here; they read folded text (:func:`harness._lexical.fold`)."""

from __future__ import annotations

import re
from typing import Callable

from harness._lexical import fold

from ._bodies import about_known_body, vouches
from ._entities import asks_about_elsewhere, foreign_names
from ._mentions import senders_own
from ._names import Names
from ._advice import asks_generic_advice
from ._requests import asks_which_institution, only_affiliations

_ABOUT_ASSISTANT = re.compile(
    r"\b(?:como te llamas|cual es tu nombre|cuantos anos tienes|que edad tienes|what(?: i|')?s your name|"
    r"how old are you|(?:are you|eres) (?:chat ?gpt|gpt|gemini|claude|llama|siri|alexa|copilot)|"
    r"(?:que|cual) modelo (?:eres|usas)|con que modelo (?:funcionas|trabajas)|"
    r"(?:what|which) model (?:are you|do you use)|quien te (?:creo|hizo|programo|entreno|desarrollo|diseno)|"
    r"who (?:made|created|built|programmed|trained|designed) you|te gusta (?:trabajar|tu trabajo)|"
    r"do you (?:like|enjoy) (?:working|your job)|cuanto te pagan|te pagan (?:bien|poco)|how much do they pay you|"
    r"tienes (?:novia|novio|sentimientos|hijos)|do you have (?:a girlfriend|a boyfriend|feelings)|"
    r"are you (?:a )?(?:real )?(?:person|human) or (?:a )?(?:bot|robot|machine)|"
    r"eres (?:una )?(?:persona|humano|humana) o (?:un )?(?:bot|robot|maquina)|do you dream|"
    r"(?:quieres|would you) (?:ser|be) mi (?:novia|novio|girlfriend|boyfriend)|estas solter[oa]|are you single|"
    r"sales con alguien|"
    r"que (?:mas )?sabes hacer (?:aparte|ademas)|what else can you do|"
    r"are you (?:an? )?(?:ai|bot|robot|chatbot|machine|human|real person|real human)|"
    r"(?:eres|sos) (?:un |una )?(?:ia|bot|robot|chatbot|programa|maquina|inteligencia artificial|humano|humana|"
    r"persona real|hombre o mujer|mujer o hombre)|"
    r"a ti te (?:gusta|gustan|encanta|encantan|da|dan|parece|cae|caen|interesa|interesan)|"
    r"where are you from|de donde eres|donde vives|where do you live|"
    r"how (?:was|s|is|has been) your (?:day|weekend|week|morning|night)|"
    r"como (?:estuvo|te fue|va|anda|te va) tu (?:dia|fin de semana|finde|semana|manana|noche)|"
    r"(?:lets|let s|let us) (?:just )?chat|(?:conversa|charla|platica|conversemos)(?: un rato)? conmigo|"
    r"chat with me|cuentame (?:de|sobre|acerca de) ti|hablame (?:de|sobre) ti|tell me about yourself|"
    r"(?:tienes|tenes) (?:familia|amigos|hermanos|papas|padres|cuerpo|conciencia|emociones)|"
    r"do you have (?:a )?(?:family|friends|a body|emotions|consciousness)(?! (?:membership|plan|pass|package|"
    r"discount|rate|ticket|room|suite|price|deal))|"
    r"(?:tus|your) (?:creadores|creador|creators?|makers?|programadores|programmers)|"
    r"do you (?:ever )?(?:feel|get) (?:sad|lonely|happy|bored|tired|angry)|te sientes (?:sol[oa]|triste|aburrid[oa]|feliz)|"
    r"what do you do for fun|que te gusta hacer|"
    r"(?:what s|whats|what is) your (?:favou?rite|fave) (?:food|colou?r|movie|film|song|band|singer|sport|team|"
    r"animal|book|season|holiday|place|drink)|"
    r"tu (?:comida|color|pelicula|cancion|banda|cantante|deporte|equipo|animal|libro|bebida) (?:favorit[oa]|preferid[oa]))\b")
"""Questions to the assistant about itself (its name, age, maker, model, job, feelings, likes, home or day) and
invitations to chat with it: no FAQ answers them."""


def asks_about_assistant(text: str) -> str | None:
    """The phrase of ``text`` that asks the assistant about itself (:data:`_ABOUT_ASSISTANT`), if any."""
    m = _ABOUT_ASSISTANT.search(fold(text))
    return m.group() if m else None


_COMPARES = re.compile(
    r"\b(?:es|son|sera|seran|is|are)\s+(?:mejor(?:es)?|mas barat[oa]s?|better|cheaper)\s+(?:que|q|than)\s+"
    r"(?:ustedes|usted|you)\b|"
    r"\btiene[n]?\s+mejores precios\s+(?:que|q)\s+ustedes\b|\b(?:cheaper|better)\s+than\s+you\b|"
    r"\b(?:aparte|ademas|fuera) de ustedes\b(?!.{0,40}\b(?:datos|informacion|acceso|ve|ven|sabe|saben)\b)|\b(?:besides|other than) you\b|"
    r"\b(?:precios?|local|tienda|estudio|empresa|negocio|academia|salon|taller|oficina) de la competencia\b")
"""Another business weighed against this one ("¿X es mejor que ustedes?", "is Y cheaper than you", "¿alguno
aparte de ustedes?", "el local de la competencia"): the FAQ knows nothing about the other side."""


def compares_with_others(text: str) -> str | None:
    """The phrase of ``text`` that weighs another business against the institution (:data:`_COMPARES`), if any."""
    m = _COMPARES.search(fold(text))
    return m.group() if m else None


def refusal_before_model(text: str, names: Names, is_known: Callable[[str], bool], questions: str) -> str | None:
    """Why a rule refuses ``text`` before the topic model (see the module docstring), or ``None``.

    ``names``: the CSV's names; ``is_known``: the retriever's vocabulary test; ``questions``: the CSV's
    questions, folded (a generic-advice cue the CSV itself asks is no refusal)."""
    foreign = [f for f in foreign_names(text, names, is_known) if not senders_own(text, f) and not vouches(text, f)]
    if foreign and not only_affiliations(text, foreign, names):
        return f"mentions {foreign[0]!r}, another organisation or place this assistant knows nothing about"
    body = about_known_body(text, names)
    if body:
        return f"asks about {body!r}, a well-known organisation unknown to the CSV"
    which = asks_which_institution(text, names)
    if which:
        return f"asks {which!r}: about other institutions, not this one"
    place = asks_about_elsewhere(text, names, is_known)
    if place:
        return f"asks about {place!r}, a place this assistant has no information about"
    advice = asks_generic_advice(text, names, questions, is_known)
    if advice:
        return f"asks for generic advice or facts ({advice!r}), not about the institution"
    other = compares_with_others(text)
    if other:
        return f"weighs another business against this one ({other!r})"
    itself = asks_about_assistant(text)
    if itself:
        return f"asks the assistant about itself ({itself!r}), not about the institution"
    return None
