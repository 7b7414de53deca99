"""Text helpers shared by the answer checks.

Every check works on two views of the same answer: the answer itself, used
for spans and for case, and a *shadow* of exactly the same length that is
lower-cased and stripped of accents (``"Dónde"`` -> ``"donde"``), so that the
patterns can be written in plain ASCII and still return offsets into the
answer.  Word lists live here too: connectors, function words, the small
Spanish and English stop-word lists used to guess the language, and the
calendar words.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator


def _fold_char(c: str) -> str:
    base = unicodedata.normalize("NFD", c)[0]
    low = base.lower()
    return low if len(low) == 1 else base


# 0x0000-0x024F covers ASCII, Latin-1 and Latin Extended A/B; beyond it a
# character is folded on the fly.  Read-only after import.
_FOLD_TABLE = {i: _fold_char(chr(i)) for i in range(0x250) if _fold_char(chr(i)) != chr(i)}


_BEYOND_TABLE = re.compile("[^\x00-\u024f]")


def shadow(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with the same length."""
    out = text.translate(_FOLD_TABLE)
    if out.isascii() or not _BEYOND_TABLE.search(out):
        return out
    return _BEYOND_TABLE.sub(lambda m: _fold_char(m.group()), out)


def fold(text: str) -> str:
    """Lower-case, accent-free form of a word or phrase."""
    if text.isascii():
        return text.lower()
    return shadow(text)


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Iterator[re.Match]:
    """Word tokens (letters and digits) of ``text``."""
    return _WORD.finditer(text)


def stem(word: str) -> str:
    """A crude singular: ``"profesionales"`` -> ``"profesional"``, ``"meses"`` -> ``"mes"``."""
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Words that join the parts of a name ("Banco Andino del Sur", "Analista de
# Créditos y Cobranzas") and carry no content.
CONNECTORS = frozenset(
    "de del la las el los y e en para con a al o u por sin sobre ante "
    "the of and for in to on at with an".split())

# Words that cannot end a complete sentence (articles, prepositions,
# conjunctions, determiners and possessives).
DANGLING = frozenset(
    "y e o u ni de del la las el los lo un una unos unas al a en con por para "
    "sin sobre entre hasta desde hacia segun que como cuando donde si pero "
    "porque aunque su sus mi mis tu tus nuestro nuestra nuestros nuestras este "
    "esta estos estas ese esa esos esas cada muy tan cual cuyo "
    "and or the an of to in on for with at by from your our their its is are "
    "as but that which than into".split())

SPANISH = frozenset(
    "de la que el en y los del se las por un para con una su al lo como mas "
    "pero sus le ya este porque esta entre cuando muy sin sobre tambien me "
    "hasta hay donde desde todo nos durante todos uno les ni contra otros ese "
    "eso ante ellos esto antes algunos unos otro otras otra tanto esa estos "
    "mucho quienes nada muchos cual poco ella estar estas algunas algo es son "
    "puedes tiene tienen cada puede esta estan tu te nuestro nuestra nuestros "
    "nuestras usted ustedes sera fue desde tambien".split())

ENGLISH = frozenset(
    "the and of to in is you that it for on are with as be at this have from "
    "or by not but what all were we when your can there an which their if do "
    "will each how about up out them then she many some so these would other "
    "into has more her two like him see time could make than first been its "
    "who now people my made over did down only way find use may long little "
    "very after just where most know our us please they was here program "
    "course fee monthly".split())

# Short English words that the Llama-2 chat models glue after a sentence of
# another language ("... bancarias. everybody").
ENGLISH_FILLERS = frozenset(
    "everybody everyone anyway anyways however also the and so okay ok yes "
    "yeah well please thanks thank hello hi bye indeed sure right alright "
    "basically actually therefore meanwhile moreover furthermore though "
    "although but or it this that is are was be of to in on for with as at "
    "by from an i we they he she everything something nothing anything "
    "somebody anybody nobody someone anyone all guys folks cheers hey "
    "btw lol".split())

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6,
    "julio": 7, "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12,
}
SPANISH_MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
ENGLISH_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"

WEEKDAYS = frozenset(
    "lunes martes miercoles jueves viernes sabado sabados domingo domingos "
    "monday tuesday wednesday thursday friday saturday sunday mondays "
    "tuesdays wednesdays thursdays fridays saturdays sundays".split())

# Capitalised words that are not names: sentence starters, greetings,
# calendar words, frequent verbs.  A capitalised run made only of these
# is not checked as a name.
COMMON = frozenset(
    "hola buenos buenas dias tardes noches gracias bienvenido bienvenida si no "
    "claro ademas tambien luego primero segundo tercero finalmente nota importante "
    "recuerda recuerde ofrecemos tenemos contamos brindamos dictamos puedes "
    "puede podemos debes necesitas hay incluye incluyen cuesta dura son es esta "
    "estan sera fue para por con en el la los las un una unos unas del al de y "
    "nuestro nuestra nuestros nuestras su sus este esta estos estas ese esa "
    "cada todos todas todo toda entre segun desde hasta durante sobre sin "
    "cuando donde como que cual quien actualmente aqui alli asi pues "
    "estimado estimada saludos atentamente cordialmente mas menos solo "
    "total precio precios costo costos horario horarios duracion requisitos "
    "fecha fechas inicio modalidad contacto informes informacion "
    "estamos somos tenemos ofrecemos contamos brindamos damos dictamos atendemos aceptamos "
    "recomendamos puedes podemos debes necesitas quieres tienes encuentras llama escribe visita "
    "consulta revisa ingresa envia inscribete comunicate acercate te le les lo los "
    "hi hello dear thanks thank sorry please yes no the our we you your in for on at of and or as an a "
    "i im it its this that there here he she they my me us "
    "monday tuesday wednesday thursday friday saturday sunday".split()
) | WEEKDAYS | frozenset(MONTHS)


def language(text: str) -> str:
    """``"es"``, ``"en"`` or ``""`` (too short to tell), from stop words."""
    es = en = 0
    for m in words(shadow(text)):
        w = m.group()
        if w in SPANISH and w not in ENGLISH:
            es += 1
        elif w in ENGLISH and w not in SPANISH:
            en += 1
    if es + en < 3:
        return ""
    if es >= 2 * en:
        return "es"
    if en >= 2 * es:
        return "en"
    return ""


SENTENCE_END = re.compile(r"[.!?\u2026]+(?=[\s\"'\u201d\u00bb)\]]|$)|\n")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences and lines of ``text``, blanks dropped."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        if text[start:end].strip():
            s = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans.append((s, end))
        start = m.end()
    if text[start:].strip():
        s = start + (len(text[start:]) - len(text[start:].lstrip()))
        spans.append((s, len(text.rstrip())))
    return spans


LIST_MARKER = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|[a-z][.)]|[-*\u2022\u2013\u25cf\u25aa\u00b7])[ \t]+")
