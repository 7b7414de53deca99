"""Does the answer answer? ``refusal`` (a label) and ``no_direct_answer``.

``refusal`` -- refusals, in Spanish and English.  A refusal is a *label*,
not an error: it is wrong for an in-domain question ("¿Cuánto cuesta la
matrícula?" -> "Lo siento, no puedo ...") and right for an unsafe one.
:class:`guards.OutputGuard` reports it but does not block an answer for it
alone.

Recognised: "lo siento, (pero) no puedo / no tengo / no es posible ...",
"no puedo ayudarte / proporcionar / responder ...", "como modelo de
lenguaje / IA ... no", "no tengo (esa) información", "I'm sorry, but I
...", "I can't / cannot / won't help / provide ...", "As an AI ...".
A CSV sentence such as "No, la matrícula no se paga en cuotas" or "no se
puede emitir el certificado" is not a refusal: the patterns need a first
person that declines.

``no_direct_answer`` -- questions that ask for a value, answered without
one.  The question is read for what it asks: a price ("¿cuánto cuesta?",
"mensualidad", "how much", "fee"), a date ("¿cuándo?", "fecha"), a
schedule ("horario", "¿a qué hora?"), a phone ("teléfono", "WhatsApp"), an
e-mail ("correo"), an address ("dirección", "¿dónde queda?") or a duration
("¿cuánto dura?").  The answer must then state at least one value of that
type, right or wrong (a wrong one is ``unsupported_fact``'s business).
An amount offered as a saving or a discount ("puedes ahorrar S/ 300") is
not a price; a multiple of another price ("equivale a un mes de alquiler")
is one.  Yes/no questions ("¿El precio incluye materiales?") ask for no
value and are skipped.
"""

from __future__ import annotations

import re

from .._types import Finding
from ._extract import Fact, extract_facts
from ._text import WEEKDAYS, shadow, words

_VERBS_ES = (r"(?:ayudar(?:te|le|les)?|asistir(?:te|le)?|proporcionar(?:te|le)?|brindar(?:te|le)?|dar(?:te|le)?|"
             r"ofrecer(?:te|le)?|responder(?:te|le)?(?!\s+(?:si|por|ante)\b)|facilitar(?:te|le)?|compartir|atender|cumplir|"
             r"hacer eso|realizar|generar|contestar|apoyar(?:te)?|resolver|con (?:eso|esto|esa|tu)|"
             r"informar(?:te|le)?|entregar(?:te|le)?)")
_VERBS_EN = r"(?:help|assist|provide|answer|do that|comply|share|give|offer|support|fulfill|respond)"

# Each pattern starts with a literal word, so the engine can skip ahead to it.
PATTERNS: tuple[re.Pattern, ...] = tuple(re.compile(p) for p in (
    r"\b(?:lo siento|lo lamento|disculpa|disculpe|lamentablemente|me temo que)[,.]?\s+"
    r"(?:pero\s+|mucho,?\s+(?:pero\s+)?)?(?:yo\s+)?no\s+(?:puedo|podemos|es posible|me es posible|"
    r"nos es posible|estoy|tengo|cuento|dispongo)",
    r"\bno\s+(?:puedo|podemos|me es posible|nos es posible|estoy en (?:capacidad|condiciones|posicion) de|"
    rf"estoy autorizad[oa] (?:a|para))\s+(?:(?:te|le|les)\s+)?{_VERBS_ES}",
    r"\bcomo\s+(?:un\s+|una\s+)?(?:modelo de lenguaje|inteligencia artificial|ia|asistente virtual|"
    r"asistente de ia|chatbot)\b[^.!?\n]{0,80}?\bno\b",
    r"\bno\s+(?:tengo|dispongo de|cuento con)\s+(?:acceso a\s+)?(?:esa|la|dicha|suficiente)?\s*informacion",
    r"\bi(?:'|\u2019)?m sorry,? but\b|\bi am sorry,? but\b|\bi(?:'|\u2019)?m just an ai\b",
    rf"\bi\s+(?:can(?:'|\u2019)?t|cannot|can not|won(?:'|\u2019)?t|will not|am not able to|am unable to)\s+{_VERBS_EN}",
    rf"\bi(?:'|\u2019)m (?:not able|unable) to\s+{_VERBS_EN}",
    r"\bas an ai\b|\bas a(?:n ai)? language model\b",
))
_CUES = ("siento", "lamento", "disculp", "lamentablemente", "temo", "no puedo", "no podemos", "posible",
         "no estoy", "no tengo", "no dispongo", "no cuento", "como", "sorry", "i ", "as a")

_CONDITION = re.compile(r"(?:si|cuando|en caso de que|if|when|in case)\b")
"""A sentence that opens on a condition states a policy ("if we cannot ..."), it does not decline."""


def check_refusal(question: str, answer: str, facts: object = None) -> list[Finding]:
    """Refusal phrases in ``answer`` (one finding per sentence that refuses)."""
    s = shadow(answer)
    if not any(cue in s for cue in _CUES):
        return []
    matches = sorted((m for p in PATTERNS for m in p.finditer(s)), key=lambda m: m.start())
    findings: list[Finding] = []
    last_end = -1
    for m in matches:
        if m.start() < last_end:
            continue
        start = max(s.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        while start < m.start() and answer[start].isspace():
            start += 1
        if _CONDITION.match(s, start):  # «Si por un corte no podemos dar el servicio, ...»: a policy, not a refusal
            continue
        stops = [i for i in (s.find(c, m.end()) for c in ".!?\n") if i >= 0]
        end = min(stops) + 1 if stops else len(answer)
        end = min(end, len(answer))
        findings.append(Finding("refusal", start, end, answer[start:end], "the answer declines to answer"))
        last_end = end
    return findings


_YES_NO = re.compile(
    r"^\W*(?:hay|tienen|tiene|puedo|puede|pueden|podria|podemos|se puede|se pueden|es|son|esta|estan|incluye|"
    r"incluyen|aceptan|acepta|existe|existen|ofrecen|dan|cobran|cobra|debo|necesito|hacen|emiten|"
    r"do|does|is|are|can|could|will|should|did|have|has)\b")
_POLITE = re.compile(
    r"^\W*(?:(?:me\s+)?(?:puedes|podrias|puede|podria)\s+(?:decirme|indicarme|darme|informarme|pasarme)|"
    r"quisiera saber|me gustaria saber|quiero saber|necesito saber|dime|indicame|"
    r"(?:can|could) you (?:tell|give|share with) me|please tell me|i(?:'d| would) like to know)\s*,?\s*")

# Asking for the value outright: "¿cuánto cuesta?", "¿a qué hora?", "how long".
STRONG: dict[str, re.Pattern] = {
    "duration": re.compile(
        r"\bcuant[oa]s?\s+(?:tiempo\s+)?dura|\bcuanto tiempo\b|\bhow long\b|\b(?:cual es|que) (?:la )?duracion\b|"
        r"\bcuant[oa]s\s+(?:meses|anos|semanas|dias|horas|semestres|ciclos)\s+(?:dura|son|tiene|es|toma)|"
        r"\ben cuant[oa]s\s+(?:meses|anos|semanas|dias|horas)\b"),
    "price": re.compile(
        r"\bcuant[oa]\b[^?]{0,30}?\b(?:cuesta|cuestan|cobra|cobran|pag\w*|costo|precio|"
        r"mensualidad|matricula|pension|cuota|inscripcion|tarifa|adelanto|deposito|garantia|separacion)\b|"
        r"\bcuant[oa]\s+(?:me\s+|nos\s+|te\s+|le\s+)?(?:vale|valen|sale|salen)\b|\bhow much\b(?!\s+time)|"
        r"\bcual(?:es)? (?:es|son) (?:el|la|los|las) (?:mensualidad|matricula|pension|cuota|costo|precio|tarifa|"
        r"monto|inversion)e?s?\b|\bque (?:precio|costo)\b|\bwhat (?:is|are) the (?:price|cost|fee|tuition)"),
    "schedule": re.compile(
        r"\ba que hora\b|\bque hora\b|\bwhat time\b|\b(?:cual|cuales) (?:es|son) (?:el|los) horarios?\b|"
        r"\b(?:que|en que) horarios?\b|\bopening hours\b|\bque dias\b|\bque turnos?\b"),
    "date": re.compile(
        r"(?:^|[\u00bf,;]\s*|\b(?:y|hasta|desde|para|de|a)\s+)cuando\b|\bque dia\b|\ben que (?:fecha|mes|ano)\b|"
        r"\bcual es la fecha\b|\bque ano\b|\bwhen\b|\bwhat date\b|\bwhat year\b"),
    "phone": re.compile(
        r"\bnumero (?:de )?(?:contacto|telefono|celular|whatsapp)\b|\ba que numero\b|"
        r"\bcual es (?:el|su|tu) (?:numero|telefono|celular|whatsapp)\b|\bphone number\b"),
    "email": re.compile(r"\b(?:cual es|a que) (?:el|su|tu)? ?(?:correo|e-?mail)\b|\be-?mail address\b"),
    "address": re.compile(
        r"\bdireccion\b|\bubicacion\b|\bubicad[oa]s?\b|\bdonde\s+(?:queda|quedan|esta|estan|se ubica|se ubican|"
        r"se encuentra|se encuentran|funciona)\b|\bwhere (?:is|are)\b|\baddress\b|\blocated\b"),
}
# Naming the value only: "precio del curso", "¿horarios?".  Counted when the
# question asks something (a wh-word, a polite "quisiera saber") or is a bare
# noun phrase, not in "¿el precio es el mismo en línea?".
WEAK: dict[str, re.Pattern] = {
    "duration": re.compile(r"\bduracion\b|\bduration\b"),
    "price": re.compile(r"\b(?:costos?|coste|precios?|tarifas?|monto|cost|costs|prices?|fees?|tuition)\b"),
    "schedule": re.compile(r"\bhorarios?\b|\bschedules?\b|\bhours\b"),
    "date": re.compile(r"\bfechas?\b|\bdates?\b"),
    "phone": re.compile(r"\btelefonos?\b|\bcelular\b|\bwhatsapp\b|\bphone\b"),
    "email": re.compile(r"\bcorreos?\b|\be-?mail\b"),
}
_WH_ACCENTED = re.compile(r"(?i)\b(?:qu\u00e9|cu\u00e1l|cu\u00e1les|cu\u00e1nto|cu\u00e1nta|cu\u00e1ntos|cu\u00e1ntas)\b")
_WH_OPENING = re.compile(r"(?:^|[\u00bf\u00a1.,;:!?>\n]\s*)(que|cual|cuales|cuanto|cuanta|cuantos|cuantas|what|which)\b"
                         r"|\b(what|which)\b")
_CLAUSE_END = re.compile(r"[?.!\n(]")
_JOINED = re.compile(r"(?:\by|\be|\band|\bo|\bor|,|/)\s*(?:(?:el|la|los|las|su|sus|tu|tus|the|your)\s+)?$")
_STRUCK = re.compile(r"~~[^~\n]{0,200}~~")
_METHOD = re.compile(r"^\W*(?:como|donde|por que|para que|quien|quienes|how|where|why|who)\b(?!\s+much)")
_ABOUT_OTHER = re.compile(r"^\W*(?:que|what)\s+(?:pasa|sucede|ocurre|happens|hago|hacemos|requisitos|"
                          r"documentos|papeles|beneficios|ventajas|tipos?|clases?|requirements|documents|"
                          r"benefits|kinds?|types?)\b")
"""A question about something else that only names a value type: "¿Qué pasa si el precio del oro baja?",
"¿Qué requisitos tiene un celular para empeñarlo?" (the device, not a number)."""
_HOW_TO = re.compile(r"^\W*(?:como|por que|para que|how|why)\b(?!\s+much)")
"""A how-to or why question: a phone, mail or address named in it is what it is about ("¿Cómo actualizo mi
dirección?"), not a value it asks for."""
_HOW_TO_KNOW = re.compile(r"^\W*(?:como|donde|how|where)\s+(?:se|puedo saber|puedo ver|puedo consultar|veo|consulto|"
                          r"averiguo|calculo|do i know|can i (?:find out|see|check|know)|do i find out|do i check)\b")
""""¿Cómo sé cuánto pagaré?": it asks how to find the value out, not for the value."""
_CAN_KNOW = re.compile(r"^\W*(?:puedo|podria|se puede|can i|could i)\s+(?:ver|saber|consultar|revisar|averiguar|"
                       r"see|check|know|find out|track)\b")
""""¿Puedo ver cuánto produce mi sistema desde el celular?": whether one can find the value out (yes/no)."""
MAX_BARE_WORDS = 4
WH_REACH = 4
"""A value named in a wh-clause is asked for when at most this many words precede it in the clause."""
# A verb makes a short question a yes/no one ("¿el precio incluye IGV?"), not a bare "¿precio?".
_VERB = re.compile(r"\b(?:es|son|esta|estan|incluye|incluyen|tiene|tienen|hay|cambia|cambian|varia|varian|aplica|"
                   r"cubre|vale|sube|suben|baja|bajan|puede|pueden|includes?|is|are|has|have|covers?|can|change)\b")

_DISCOUNT = re.compile(r"ahorr|descuento|dscto|rebaja|\bsave\b|saving|discount|\boff\b|beca")
_FREE = re.compile(r"\bgratis\b|\bgratuit[oa]s?\b|\bsin costo\b|\bno (?:tiene|tienen) costo\b|\bno cuesta\b|"
                   r"\bsin cargo\b|\bincluid[oa]s?\b|\bincluye\b|\bfree\b|\bno charge\b|\bincluded\b|"
                   r"\bno se (?:paga|cobra)\b|\bno (?:cobramos|pagas|paga usted)\b|\bnot charged\b|\byou don'?t pay\b")
_RELATIVE = re.compile(r"\b(?:equivale a|equivalente a|la mitad|el doble|(?:un|una|uno|dos|tres|cuatro|\d+) "
                       r"(?:mes|meses|mensualidad|mensualidades|cuota|cuotas|month|months) de)\b")
"""A price given as a multiple of another ("la garantía equivale a un mes de alquiler")."""
_DAYPART = re.compile(r"\b(?:manana|tarde|noche|morning|afternoon|evening|night|mediodia|noon)\b")
_TIME_WORDS = re.compile(
    r"\b(?:hoy|manana|semana|semanas|mes|meses|ano|anos|inicio|inicios|cada|todo el ano|permanente|"
    r"siempre|pronto|proximamente|anual|mensual|semestral|trimestre|semestre|ciclo|today|tomorrow|week|month|"
    r"year|every|always|anytime)\b")
_WHEN_CLAUSE = re.compile(r"\b(?:cuando|siempre que|en cuanto|apenas|when|whenever|as soon as)\b")
"""A circumstance that answers "¿cuándo ...?": «Llamamos a la Policía cuando hay robos»."""
_ADDRESS_WORDS = re.compile(
    r"\b(?:av|avenida|calle|jr|jiron|pasaje|psje|urb|urbanizacion|plaza|carretera|km|cuadras?|esquina|"
    r"frente a|cerca de|al costado|distrito|n\u00b0|street|avenue|road|square|blocks?|near|district)\b")
_DURATION_WORDS = re.compile(
    r"\b(?:semestres?|trimestres?|bimestres?|meses|mes|anos?|semanas?|dias?|horas?|years?|months?|weeks?|"
    r"days?|hours?|modulos?|plazo|periodo|vigencia|fechas)\b")
"""A duration given in words, or bounded by the dates or period a document names ("válido por las fechas que se
indiquen ... dentro de un periodo determinado")."""
_EVERY = re.compile(r"\b(?:cada|every)\s+\d")
"""«¿Cada cuánto ...?» may be answered by an interval that is no time: «cada 5,000 km»."""


def _discounted(s: str, f: Fact) -> bool:
    before = s[max(0, f.start - 40):f.start]
    before = re.split(r"[.!?\n]", before)[-1]
    return bool(_DISCOUNT.search(before) or _DISCOUNT.search(s[f.end:f.end + 20]))


def _capitalised_places(answer: str, question: str) -> bool:
    asked = {w.group().lower() for w in words(question)}
    for m in words(answer):
        w = m.group()
        if not w[0].isupper() or w.lower() in asked:
            continue
        i = m.start() - 1
        while i >= 0 and answer[i] in " \t":
            i -= 1
        if i >= 0 and answer[i] not in ".!?\u00a1\u00bf:\n":
            return True  # a capitalised word inside a sentence: a place name
    return False


def _has_value(intent: str, question: str, answer: str, s: str, facts: list[Fact]) -> bool:
    kinds = {f.kind for f in facts}
    if intent == "price":
        return (any(f.kind in ("amount", "percent") and not _discounted(s, f) for f in facts)
                or bool(_FREE.search(s)) or bool(_RELATIVE.search(s)))
    if intent == "duration":  # "¿cada cuánto ...?" may be answered by a distance: "cada 5,000 km"
        return "duration" in kinds or bool(_DURATION_WORDS.search(s)) or bool(_EVERY.search(s))
    if intent == "schedule":  # days asked for may be answered with dates ("¿qué días no hay clases?")
        return ("time" in kinds or "date" in kinds or bool(_DAYPART.search(s))
                or any(w.group() in WEEKDAYS for w in words(s)))
    if intent == "date":
        return (bool(kinds & {"date", "time", "duration"}) or bool(_TIME_WORDS.search(s))
                or bool(_WHEN_CLAUSE.search(s))
                or any(w.group() in WEEKDAYS for w in words(s))
                or any(f.kind == "number" and 1900 <= f.value <= 2100 for f in facts))
    if intent == "phone":
        return "phone" in kinds
    if intent == "email":
        return "email" in kinds
    if intent == "address":
        return (bool(_ADDRESS_WORDS.search(s)) or "url" in kinds
                or _capitalised_places(answer, question))
    return True


def _question_scopes(original: str, q: str) -> list[str]:
    """The interrogative clauses of ``q``: from a wh-word to the next stop.

    A wh-word is an accented interrogative anywhere ("qué", "cuál"), an
    unaccented one opening a clause, or English "what"/"which".
    """
    starts = [m.start() for m in _WH_ACCENTED.finditer(original)]
    starts += [m.start(1) for m in _WH_OPENING.finditer(q)]
    scopes = []
    for start in sorted(set(starts)):
        stop = _CLAUSE_END.search(q, start)
        scopes.append(q[start:stop.start() if stop else len(q)])
    return scopes


def asked_values(question: str) -> list[str]:
    """The value types ``question`` asks for (``[]`` for a yes/no question)."""
    original = _STRUCK.sub(lambda m: " " * len(m.group()), question.strip())  # "~~cuánto cuesta~~ perdón ..."
    folded = shadow(original)
    q = _POLITE.sub("", folded)
    polite = q != folded
    original = original[len(folded) - len(q):]
    if _YES_NO.match(q) and not re.search(r"\bcuant|\bcual|\bhow much\b|\bwhat\b|\bwhich\b", q):
        return []
    if _HOW_TO_KNOW.match(q) or _CAN_KNOW.match(q):
        return []
    found = [name for name, pattern in STRONG.items() if pattern.search(q)]
    if _HOW_TO.match(q):
        found = [name for name in found if name not in ("address", "phone", "email")]
    bare = sum(1 for _ in words(q)) <= MAX_BARE_WORDS and not _VERB.search(q)
    scopes = [q] if polite or bare else _question_scopes(original, q)
    near = polite or bare  # in a wh-clause, a named value counts within its first words ("¿qué horario tienen?"),
    #                       not as a circumstance ("¿qué hago si pasa fuera del horario?", "¿qué requisitos hay para la tarifa?")
    if not (_METHOD.match(q) or _ABOUT_OTHER.match(q)):  # after an asked value, a named one counts only if joined
        found += [name for name, pattern in WEAK.items()  # "¿horario y teléfono?", not "¿en qué horario responden el WhatsApp?"
                  if name not in found and any(m for scope in scopes for m in pattern.finditer(scope)
                                               if (_JOINED.search(scope[:m.start()]) if found
                                                   else near or len(scope[:m.start()].split()) <= WH_REACH))]
    if "date" not in found and "cu\u00e1ndo" in question.casefold():
        found.append("date")
    if "duration" in found and "price" in found and not re.search(r"cuest|cost|precio|pag|how much", q):
        found.remove("price")
    return found


def check_no_direct_answer(question: str, answer: str, facts: object = None) -> list[Finding]:
    """One finding per value type the question asks for and the answer never gives."""
    intents = asked_values(question)
    if not intents:
        return []
    s = shadow(answer)
    found_facts = extract_facts(answer)
    missing = [i for i in intents if not _has_value(i, question, answer, s, found_facts)]
    end = len(answer.rstrip())
    return [Finding("no_direct_answer", 0, end, answer[:end],
                    f"the question asks for a {intent} and the answer gives none") for intent in missing]
