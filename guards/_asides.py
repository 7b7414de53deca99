"""Questions beside the institution that the topic check refuses outright: to the assistant about itself
(«¿cómo te llamas?», "are you ChatGPT?") and another business weighed against this one («¿X es mejor que
ustedes?»).  Both read folded text (:func:`guards._lexicon.fold`) and return the phrase found, or ``None``."""

from __future__ import annotations

import re

from ._lexicon import fold

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
    r"que (?:mas )?sabes hacer (?:aparte|ademas)|what else can you do)\b")
"""Questions to the assistant about itself (its name, age, maker, model, job or feelings): no FAQ answers them."""


def asks_about_assistant(text: str) -> str | None:
    """The phrase of ``text`` that asks the assistant about itself (:data:`_ABOUT_ASSISTANT`), if any."""
    m = _ABOUT_ASSISTANT.search(fold(text))
    return m.group() if m else None


_COMPARES = re.compile(
    r"\b(?:es|son|sera|seran|is|are)\s+(?:mejor(?:es)?|mas barat[oa]s?|better|cheaper)\s+(?:que|q|than)\s+"
    r"(?:ustedes|usted|you)\b|"
    r"\btiene[n]?\s+mejores precios\s+(?:que|q)\s+ustedes\b|\b(?:cheaper|better)\s+than\s+you\b")
"""Another business weighed against this one ("¿X es mejor que ustedes?", "is Y cheaper than you"): the FAQ knows
nothing about the other side."""


def compares_with_others(text: str) -> str | None:
    """The phrase of ``text`` that weighs another business against the institution (:data:`_COMPARES`), if any."""
    m = _COMPARES.search(fold(text))
    return m.group() if m else None
