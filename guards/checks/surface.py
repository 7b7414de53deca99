"""Surface defects of a generated answer: ``stray_token`` and ``truncated``.

``stray_token`` -- template and tokenizer artefacts left in an answer, of
two sorts:

* chat-template and special tokens of the common model families, and the
  training template of this project (``[INST]``, ``<<SYS>>``, ``</s>``,
  ``### Answer:``, ``<|im_end|>``, ``<end_of_turn>``, ``<eos>``, byte
  tokens like ``<0x0A>``, the SentencePiece marker ``▁``);
* the Llama-2 "everybody" artefact and its kind: in an otherwise Spanish
  answer, one or two English filler words standing alone after the end of a
  sentence ("... bancarias. everybody", "... animales. everybody.").

English words inside names ("Asesor de Banca Digital", "Excel",
"WhatsApp", "Marketing Digital Financiero") are not touched: the rule only
looks at lower-case filler words standing alone after a full stop, and only
when the answer is Spanish.

``truncated`` -- answers cut off before their end (``max_length`` reached
mid-sentence).  A template token or stray filler at the very end is
stray_token's business and is looked past.  Complete endings: ``.``, ``!``, ``?``, ``…``, a closing bracket or quote,
an emoji, a URL, an e-mail, or a list item / short line that ends on a full
word.  Flagged:

* an empty answer;
* a last character that promises more: ``,`` ``;`` ``:`` ``(`` ``-`` ``/``;
* a last word that cannot end a sentence: an article, a preposition, a
  conjunction, a possessive ("... y", "... de", "... con tu");
* a last word cut in the middle: not a word of the CSV, the question or the
  answer, but the start of one ("Cenf" of "Cenfobank", "inscrip" of
  "inscripción");
* a last prose line of four or more words with no final stop in an answer
  whose earlier sentences do end with one ("... haz clic en el botón").
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from .._types import Finding
from ._extract import DOMAIN, EMAIL, HANDLE, URL
from ._numbers import NUMBER_WORDS
from ._text import COMMON, DANGLING, ENGLISH, ENGLISH_FILLERS, LIST_MARKER, SPANISH, fold, language, shadow, words

TOKENS = re.compile(
    r"\[/?INST\]|<</?SYS>>|</?s>|<\|[A-Za-z_]{2,40}\|>|</?start_of_turn>|</?end_of_turn>"
    r"|<(?:eos|bos|pad|unk|mask|sep|cls|eot|eom)>|<0x[0-9A-Fa-f]{2}>|\u2581|\ufffd"
    r"|\[/?(?:SYS|INST)\b|\{(?:prompt|question|answer|input|context|instruction)\}"
    r"|(?<![^\s>])###\s*(?:Answer|Question|Respuesta|Pregunta|Instruction|Instrucci\u00f3n|Response|Input|"
    r"Output|Human|Assistant|System|Context|Contexto)\b:?"
    r"|(?m:^(?:Human|Assistant|AI|Bot|Chatbot):(?=\s))",
    re.IGNORECASE)

# After a sentence end: one or two lower-case ASCII words, an optional stop,
# then the end of the line or of the text, or a new capitalised sentence.
TRAILING_WORD = re.compile(
    r"(?<=[.!?\u2026])[ \t]*\n*[ \t]*([a-z]{2,12}(?:[ \t]+[a-z]{2,12})?)[.!?]?"
    r"(?=[ \t]*(?:\n|$)|[ \t]+[A-Z\u00c1\u00c9\u00cd\u00d3\u00da\u00d1\u00bf\u00a1])")


_SPANISH_CUE = re.compile(r"[\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1\u00bf\u00a1]", re.IGNORECASE)


def _spanish(text: str) -> bool:
    lang = language(text)
    if lang:
        return lang == "es"
    folded = {m.group() for m in words(shadow(text))}
    return bool(_SPANISH_CUE.search(text)) or bool(folded & (SPANISH - ENGLISH))


def english_fillers(answer: str) -> list[re.Match]:
    """Lone English filler words after a sentence end, in a Spanish answer."""
    if not _spanish(answer):
        return []
    return [m for m in TRAILING_WORD.finditer(answer) if all(p in ENGLISH_FILLERS for p in m.group(1).split())]


def check_stray_token(question: str, answer: str, facts: object = None) -> list[Finding]:
    """Template tokens and stray English fillers in ``answer``."""
    findings = [Finding("stray_token", m.start(), m.end(), m.group(), f"template token {m.group()!r}")
                for m in TOKENS.finditer(answer)]
    for m in english_fillers(answer):
        findings.append(Finding("stray_token", m.start(1), m.end(), answer[m.start(1):m.end()],
                                f"stray English word {m.group(1)!r} after the end of a sentence"))
    findings.sort(key=lambda f: f.start)
    return findings


_COMPLETE = set(".!?)]}\"'\u00bb\u201d\u2019\u2026")
_PROMISE = set(",;:(-\u2013\u2014/+&=")
_MARKDOWN = "*_~` \t\r\n"
_LAST_WORD = re.compile(r"[^\W_]+$")
_LAST_CHUNK = re.compile(r"\S+$")
# A sentence end earlier in the text: a word of 2+ letters then . ! or ?
_EARLIER_END = re.compile(r"([^\W\d_]{2,})[.!?]+(?=\s)")
_ABBREVIATIONS = frozenset("av jr sr sra srta dr dra mg ing lic cpc etc nro num pag tel cel psje urb".split())
MIN_PREFIX = 2
MIN_PROSE_WORDS = 4


def _is_prefix_of_known(word: str, known: tuple[str, ...], extra: set[str]) -> bool:
    i = bisect.bisect_left(known, word)
    for cand in known[i:i + 50]:
        if not cand.startswith(word):
            break
        if len(cand) >= len(word) + 2:
            return True
    return any(len(w) >= len(word) + 2 and w.startswith(word) for w in extra)


def _ends_complete(tail: str) -> bool:
    last = tail[-1]
    if last in _COMPLETE or unicodedata.category(last) in ("So", "Sk", "Cs"):
        return True
    chunk = _LAST_CHUNK.search(tail, max(0, len(tail) - 300))
    if chunk:
        s = shadow(chunk.group())
        for pattern in (EMAIL, URL, DOMAIN, HANDLE):
            if pattern.fullmatch(s) or pattern.fullmatch(s.rstrip(".,;:")):
                return True
    return False


def _earlier_sentence_end(text: str) -> bool:
    return any(fold(m.group(1)) not in _ABBREVIATIONS for m in _EARLIER_END.finditer(text))


def _drop_trailing_artefacts(answer: str) -> str:
    """``answer`` without template tokens and a stray filler at its end (stray_token's business)."""
    text = answer
    for _ in range(5):
        stripped = text.rstrip()
        last = None
        for m in TOKENS.finditer(stripped, max(0, len(stripped) - 40)):
            if m.end() == len(stripped):
                last = m
        if last is None:
            fillers = english_fillers(stripped)
            if fillers and not stripped[fillers[-1].end():].strip():
                last = fillers[-1]
        if last is None:
            break
        text = stripped[:last.start()]
    return text if text.strip() else answer


def check_truncated(question: str, answer: str, facts: object = None) -> list[Finding]:
    """Signs that ``answer`` was cut off (see the module docstring)."""
    if not answer.strip():
        return [Finding("truncated", 0, len(answer), answer, "empty answer")]
    answer = _drop_trailing_artefacts(answer)
    tail = answer.rstrip(_MARKDOWN)
    if not tail:
        return [Finding("truncated", 0, len(answer), answer, "no text, only formatting")]
    end = len(tail)
    if _ends_complete(tail):
        return []
    if tail[-1] in _PROMISE:
        return [Finding("truncated", end - 1, end, tail[-1], f"ends with {tail[-1]!r}, as if more was to come")]
    m = _LAST_WORD.search(tail, max(0, len(tail) - 100))
    if not m:
        return []
    word, start = m.group(), m.start()
    folded = fold(word)
    if folded in DANGLING:
        return [Finding("truncated", start, end, word, f"ends with {word!r}, which cannot end a sentence")]
    line_start = tail.rfind("\n", 0, start) + 1
    if word.isalpha() and len(folded) >= MIN_PREFIX and not word.isupper():
        here = {fold(w.group()) for w in words(answer[:start])} | {fold(w.group()) for w in words(question)}
        vocab = getattr(facts, "vocab", frozenset())
        known = getattr(facts, "sorted_vocab", ())
        if (folded not in vocab and folded not in here and folded not in COMMON
                and folded not in NUMBER_WORDS and _is_prefix_of_known(folded, known, here)):
            return [Finding("truncated", start, end, word, f"ends mid-word: {word!r}")]
    line = tail[line_start:]
    if (not LIST_MARKER.match(line) and "\t" not in line
            and sum(1 for _ in words(line)) >= MIN_PROSE_WORDS and _earlier_sentence_end(tail[:start])):
        return [Finding("truncated", start, end, word, "the last sentence has no ending punctuation")]
    return []
