"""Organisations in a text that the CSV does not know.

* :class:`guards._names.Names` (re-exported here) holds what the CSV says
  about names: its folded text, its acronyms and the institution's own name.
* :func:`foreign_names` finds organisations the text names that the CSV does
  not mention: an organisation word ("universidad", "banco", "instituto",
  "bank", "school", ...) followed, in the same clause, by a name (capitalised
  words, or one word after "de"/"of") that the CSV never uses as a phrase;
  a capitalised name ending in an organisation word ("Cordillera Tours");
  and acronyms of 2-10 capitals after an article or preposition ("el BBVA",
  "la UNSAAC", "at MIT") that are neither in the CSV nor initials of a CSV
  name ("DRE" for "Dirección Regional de Educación").  "¿Cuánto cuesta la
  matrícula en la Universidad Andina del Cusco?" must be refused even though
  every word of it is in the CSV.
* :func:`asks_about_elsewhere` finds a request about a place the CSV never
  names ("the easiest route up Kilimanjaro", "visitar Machu Picchu") that
  does not speak to the institution.
The request-shape rules (greetings, generic advice, added requests, whether a
text addresses the institution) are in
:mod:`guards._requests`.  Both modules are domain-agnostic: the only domain
knowledge is :class:`Names`, built from the CSV's text.
"""

from __future__ import annotations

from typing import Callable

from harness._lexical import STOP_WORDS, fold

from ._lexicon import word_set
from ._names import BREAKS, CALENDAR_WORDS, COMMON_ACRONYMS, CONNECTORS, TOKEN, Names, is_name, plain
from ._requests import CONTEXT_WORDS, addresses_institution

__all__ = ["Names", "asks_about_elsewhere", "foreign_names", "other_subject"]

ORG_WORDS = frozenset("""
universidad universidades univ uni university universities instituto institutos institute institutes
banco bancos bank banks escuela escuelas school schools colegio colegios college colleges academia
academias academy caja cajas cooperativa cooperativas cooperative financiera financieras fundacion
foundation ministerio ministry municipalidad empresa empresas company restaurante restaurantes
restaurant restaurants hotel hoteles clinica hospital cevicheria picanteria pasteleria panaderia comisaria
""".split())

NAMED_ORG_WORDS = frozenset("""
asociacion asociaciones association federacion federation agencia agencias agency club clubes museo museum
biblioteca library iglesia parroquia church posta casa liga league camara chamber gremio sindicato union
consorcio corporacion corporation compania operador operadora tienda radio hostal hostel albergue refugio
lodge ong gerencia superintendencia conservatorio teatro estadio coliseo aeropuerto mall
veterinaria veterinarias imprenta imprentas lavanderia lavanderias gimnasio gimnasios optica opticas laboratorio
laboratorios botica boticas farmacia farmacias notaria funeraria funerarias ferreteria libreria hogar caleta
consultorio consultorios policlinico peluqueria peluquerias barberia spa
""".split())
"""Words that name an organisation only with a capitalised name after them ("la Casa de Guías de
Huaraz", "Radio Programas"): a lower-case word after them is a common noun ("la casa de mi tía").
Not "grupo", "canal" or "centro": "el grupo de WhatsApp", "mi canal de YouTube", "el Centro de Lima"; nor
"mercado", "terminal" or "salón", places where things happen ("me robaron en el mercado Bellavista").
The kinds of business (veterinaria, imprenta, botica ...) name a competitor: "la Veterinaria El Granjero"."""

SUFFIX_ORG_WORDS = frozenset("""
tours tour travel travels trails treks trekking adventures adventure expeditions expediciones viajes
airlines airways bank school academy institute university college club group hostel lodge hotel
restaurant company inc sac eirl ltd corp
""".split())
"""Capitalised words that end an organisation's name ("Cordillera Tours", "Inca Peaks Trekking")."""

BEFORE_ACRONYM = frozenset("el la los las del al en con de desde por ante contra at the of from in to with".split())
"""An unknown acronym right after one of these ("la UNSAAC", "at MIT") names an organisation."""
CONTACT_WORDS = frozenset("""
telefono telefonos numero celular correo email mail direccion web pagina horario horarios phone number
address website hours abre abren opens
""".split())
"""Asking for one of these of an acronym asks about that body, even one the CSV names ("el teléfono de SUSALUD")."""


def foreign_names(text: str, names: Names, known: Callable[[str], bool] = lambda w: False) -> list[str]:
    """Organisation names in ``text`` that the CSV (``names``) does not mention
    (with an organisation word, an acronym after a preposition, or :func:`other_subject`).

    ``known(word)`` (the retriever's vocabulary test) vetoes a lower-case word
    after "de" as a name: "el restaurante de los alumnos" names no one.
    """
    tokens = TOKEN.findall(text)
    no_case = text == text.lower() or text == text.upper()
    found: list[str] = []
    i = 0
    while i < len(tokens):
        word = plain(tokens[i])
        suffix = _suffix_name(tokens, i, no_case)
        if suffix and not names.knows(tokens[suffix:i + 1]):
            found.append(" ".join(tokens[suffix:i + 1]))
            i += 1
            continue
        strict = word in NAMED_ORG_WORDS and word not in ORG_WORDS
        if word in ORG_WORDS or (strict and not no_case):
            j, after_of = i + 1, False
            if (not no_case and j + 2 < len(tokens) and tokens[j].isalpha() and tokens[j].islower()
                    and plain(tokens[j]) not in STOP_WORDS and plain(tokens[j + 1]) in ("de", "del")
                    and is_name(tokens[j + 2])):
                j += 1  # one adjective first: "la posta médica de Carhuaz", "el hospital regional de Huaraz"
            while j < len(tokens) and plain(tokens[j]) in CONNECTORS:
                after_of = after_of or plain(tokens[j]) in ("de", "del", "of")
                j += 1
            name: list[str] = []
            loose = False
            while j < len(tokens) and len(name) < 7 and tokens[j] not in BREAKS:
                tok, part = tokens[j], plain(tokens[j])
                capital = is_name(tok) and not no_case
                k = j
                while k < len(tokens) and k - j < 2 and plain(tokens[k]) in CONNECTORS:
                    k += 1
                if k > j and name and k < len(tokens) and is_name(tokens[k]) and not no_case:
                    name.extend(tokens[j:k])  # "Universidad Andina del Cusco", "Escuela de Oficiales de la Policía"
                    j = k
                    continue
                if capital and part not in ORG_WORDS and part not in COMMON_ACRONYMS:  # "my company RUC"
                    name.append(tok)
                elif (after_of and not strict and not name and part not in STOP_WORDS
                      and part not in ORG_WORDS and len(part) > 2):
                    name.append(tok)  # "universidad de piura", "instituto de idiomas Británico"
                    loose = True
                else:
                    break
                j += 1
            while name and plain(name[-1]) in CONNECTORS:
                name.pop()
                j -= 1
            if loose and len(name) == 1 and known(plain(name[0])):
                name = []  # "el restaurante de los alumnos": a common word, no name
            if name and not names.knows(name, tokens[i:j]):
                found.append(" ".join(tokens[i:j]))
            i = max(j, i + 1)
            continue
        core = tokens[i]
        if (2 <= len(core) <= 10 and core.isupper() and core.isalpha() and not no_case and i > 0
                and plain(tokens[i - 1]) in BEFORE_ACRONYM and not tokens[i - 1].isupper()  # "POR FAVOR" shouts
                and word not in COMMON_ACRONYMS and not _pays_through(tokens, i)
                and (not names.knows([core]) or _contact_of_other_body(tokens, i, names))):
            found.append(core)
        i += 1
    subject = None if found else other_subject(text, names)
    return found + ([subject] if subject else [])


BANK_ACRONYMS = frozenset("bcp bbva bn cci ibk".split())
_ACCOUNT_WORDS = frozenset("cuenta cuentas pagar pago pagos deposito depositar transferencia transferir yape "
                           "account pay payment deposit transfer".split())


def _pays_through(tokens: list[str], i: int) -> bool:
    """The bank acronym ``tokens[i]`` holds an account a payment goes to or from ("el número de cuenta del
    BBVA", "¿puedo pagar desde mi cuenta del BCP?"): no question about the bank itself."""
    return plain(tokens[i]) in BANK_ACRONYMS and any(plain(t) in _ACCOUNT_WORDS for t in tokens[max(0, i - 3):i])


def _contact_of_other_body(tokens: list[str], i: int, names: Names) -> bool:
    """The known acronym ``tokens[i]`` follows a contact word ("el teléfono de SUSALUD") and is
    not the institution's own name: the text asks about that other body."""
    return (len(tokens[i]) > 2 and any(plain(t) in CONTACT_WORDS for t in tokens[max(0, i - 4):i])
            and not names.mentions_self(tokens[i]))


def _suffix_name(tokens: list[str], i: int, no_case: bool) -> int | None:
    """Start of a name ending at ``tokens[i]`` with a :data:`SUFFIX_ORG_WORDS`
    word ("Inca Peaks Trekking"), when the words before it are capitalised."""
    if no_case or plain(tokens[i]) not in SUFFIX_ORG_WORDS or not is_name(tokens[i]):
        return None
    start = i
    while start > 0 and is_name(tokens[start - 1]) and tokens[start - 1] not in BREAKS \
            and plain(tokens[start - 1]) not in STOP_WORDS:
        start -= 1
    return start if start < i else None


SERVICE_VERBS = frozenset("""
tiene tienen ofrece ofrecen vende venden hace hacen sale salen viaja viajan va van llega llegan opera operan
cobra cobran vuela vuelan has have offer offers sell sells run runs go goes charge charges fly flies operate operates
""".split())
"""Verbs of a service a business provides: a name that opens a question as their subject is the business."""
_AUX = frozenset("does do did is are can will has have".split())
_ASK = frozenset("cuanto cuanta que donde how much what where".split())  # "¿Cuánto cobra <name> ...?"


def _name_span(tokens: list[str], i: int) -> list[str]:
    """Capitalised words (not common ones) from ``tokens[i]`` on, connectors between them kept."""
    span: list[str] = []
    while i < len(tokens) and len(span) < 4:
        tok = tokens[i]
        if is_name(tok) and plain(tok) not in STOP_WORDS and plain(tok) not in word_set():
            span.append(tok)
        elif span and plain(tok) in CONNECTORS and i + 1 < len(tokens) and is_name(tokens[i + 1]):
            span.append(tok)
        else:
            break
        i += 1
    return span


def other_subject(text: str, names: Names) -> str | None:
    """A capitalised name the CSV does not know that is the subject of a service verb opening a question:
    "¿Cruz del Sur tiene bus a Lima?", "Does Oltursa have buses to Nazca?", "¿Cuánto cobra Bodytech al
    mes?" ask about another business.

    Not in text written all in one case (names cannot be told there), not for a common word, nor for a
    name made of words the CSV uses ("¿Puno tiene terminal?"), and never for the institution's own name."""
    if text == text.lower() or text == text.upper():
        return None
    tokens = TOKEN.findall(text)[:8]  # punctuation kept: "Buenas, ¿ofrecen ...?" has no subject
    verb = next((k for k in range(min(3, len(tokens))) if plain(tokens[k]) in SERVICE_VERBS), None)
    if verb and all(plain(t) in _ASK for t in tokens[:verb]):  # "¿Cuánto cobra (el) Bodytech ...?"
        article = verb + 1 < len(tokens) and plain(tokens[verb + 1]) in ("el", "la", "the")
        span = _name_span(tokens, verb + 1 + article)
    else:  # "¿Cruz del Sur tiene ...?", "Does Oltursa have ...?"
        i = 1 if tokens and plain(tokens[0]) in _AUX else 0
        span = _name_span(tokens, i)
        if i + len(span) >= len(tokens) or plain(tokens[i + len(span)]) not in SERVICE_VERBS:
            return None
    content = [plain(t) for t in span if plain(t) not in CONNECTORS]
    if not span or names.knows(span) or names.mentions_self(" ".join(span)) or all(w in names.words for w in content):
        return None
    return " ".join(span)


PLACE_PREPOSITIONS = frozenset("en in a al to up hasta visitar visit visiting around near cerca".split())
"""A capitalised name right after one of these is a place the request is about ("en los Alpes")."""

WH_WORDS = frozenset("como cuanto cuanta cuantos cuantas cual cuales que donde cuando quien quienes how what "
                     "which where when who whats".split())
"""The request is a wh-question: a yes/no question ("¿El certificado vale en Lima?", "¿Hay treks en
Bolivia?") asks about the institution's own offer, so it is left to the topic model."""

ORIGIN_WORDS = frozenset("soy vengo vivo vive viven llego from writing live lives living am".split())
"""Words that make a place the sender's origin, not the subject ("soy de Paruro", "I'm writing from Chile")."""


def asks_about_elsewhere(text: str, names: Names, known: Callable[[str], bool]) -> str | None:
    """The unknown place a request is about, if any.

    A capitalised name (not all capitals, 4+ letters) after a place
    preposition (:data:`PLACE_PREPOSITIONS`, articles skipped), in the last
    sentence of ``text`` when that sentence is a wh-question
    (:data:`WH_WORDS`), that the CSV never uses (``known``: the retriever's
    vocabulary test, which forgives typos and knows glossary words such as
    month names), when the text does not speak to the institution
    (:func:`addresses_institution`, :data:`CONTEXT_WORDS`) and the place is
    not the sender's origin.  Lower-case or all-capital text has no names to
    see, so the rule stays silent there.
    """
    if text == text.lower() or text == text.upper():
        return None
    words = set(fold(text).split())
    if words & CONTEXT_WORDS or words & ORIGIN_WORDS or addresses_institution(text, names):
        return None
    tokens = TOKEN.findall(text.rstrip(" ?!.\n\t¿¡"))
    last = max((i for i, t in enumerate(tokens) if t in BREAKS), default=-1)
    tokens = tokens[last + 1:]
    if not {plain(t) for t in tokens} & WH_WORDS:
        return None
    for i in range(1, len(tokens)):
        j = i - 1
        while j > 0 and plain(tokens[j]) in ("el", "la", "los", "las", "the"):
            j -= 1
        tok = tokens[i]
        if (plain(tokens[j]) in PLACE_PREPOSITIONS and is_name(tok) and not tok.isupper()
                and len(tok) >= 4 and not known(plain(tok)) and plain(tok) not in CALENDAR_WORDS):
            return tok
    return None
