"""Canonical text and decoded views of untrusted input, for the input guards.

Attackers hide words from keyword rules in many ways; :func:`normalize` undoes
the common ones, cheaply, and never raises on any ``str``:

* **canonical form** (:attr:`Normalized.text`), transforms that are safe on
  any text: lone surrogates, control, zero-width, variation-selector and bidi
  characters removed; Unicode NFKC (fullwidth and "styled" letters become
  ASCII); Cyrillic/Greek/IPA lookalike letters mapped to Latin inside words
  that look Latin; ``s p a c e d`` runs of four or more single letters joined, and words cut into
  hyphenated syllables (``ig-no-ra el fa-q y di-me``) when three or more are;
  runs of blanks collapsed.
* **decoded views** (:attr:`Normalized.decoded`), transforms that are guesses
  and so never replace the text: de-leet (``h4ck`` -> ``hack``, prices such as
  ``S/ 480`` untouched), spaced runs re-split into words, base64 / hex /
  percent-encoded chunks that decode to printable text, Unicode tag
  characters, ROT13 and reversed text when the result reads as far more
  Spanish/English words than the original.
* **flags** naming each trick seen (``zero_width``, ``bidi``,
  ``control_chars``, ``surrogates``, ``tag_chars``, ``fullwidth``, ``styled``,
  ``homoglyph``, ``spaced``, ``leet``, ``base64``, ``hex``, ``percent``,
  ``rot13``, ``reversed``, ``mixed_case``, ``truncated``); ``mIxEd CaSe`` text gets a lower-case view.

Input is cut to :data:`MAX_CHARS`; the guessing decoders
(:mod:`guards._decode`) read at most :data:`DECODE_CHARS`.  Every regex is
linear (no nested unbounded quantifiers).  :func:`fold` (the matching form the
rules use) is re-exported from :mod:`guards._lexicon`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ._decode import guesses
from ._lexicon import fold, homoglyphs

__all__ = ["DECODE_CHARS", "ENCODINGS", "MAX_CHARS", "Normalized", "fold", "normalize"]

MAX_CHARS = 100_000
"""Longer input is cut to this many characters before anything else."""
DECODE_CHARS = 20_000
"""The guessing decoders (base64, ROT13, reversal...) read this much at most."""
ENCODINGS = ("base64", "hex", "percent", "escapes", "rot13", "reversed", "tag_chars")
"""Flags of text encoded to hide it, each with a decoded view; a new decoder's flag goes here, and both the
injection and the safety check count it."""


@dataclass(frozen=True)
class Normalized:
    """One input seen the ways the guards judge it.

    Attributes:
        text: the canonical form (see the module docstring).
        decoded: extra views that a guessing decoder produced, each different
            from ``text``; judge them too.
        flags: names of the obfuscation tricks seen, in discovery order.
    """

    text: str
    decoded: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def views(self) -> tuple[str, ...]:
        """``text`` followed by every decoded view."""
        return (self.text, *self.decoded)


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_EMOJI_GLUE = re.compile("[\u200d\ufe0e\ufe0f]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060-\u2064\ufeff\u180e\u00ad\u034f\ufe00-\ufe0d\U000e0100-\U000e01ef]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_TAGS = re.compile("[\U000e0000-\U000e007f]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_NEWLINES = re.compile("\r\n?|[\x85\u2028\u2029]")
_BLANKS = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n\s*\n+")
_WORD = re.compile(r"\w+")
_SPACED = re.compile(r"(?<![^\W\d_])[^\W\d_]([ .\-_*·|])(?:[^\W\d_]\1){2,}[^\W\d_](?![^\W\d_])")
_SPACED_WIDE = re.compile(r"(?<!\S)[^\W\d_](?: {2,}[^\W\d_]){3,}(?!\S)")
_SPACED_SHORT = re.compile(r"(?<![^\W\d_])[^\W\d_]([ .\-_*·|])(?:[^\W\d_]\1){0,2}[^\W\d_](?![^\W\d_])")
_SYLLABLES = re.compile(r"(?<![\w-])[^\W\d_]{1,4}(?:-[^\W\d_]{1,4})+(?![\w-])")
"""A word cut into hyphenated syllables ("ig-no-ra", "re-sul-ta-do"); three or more in a text are joined."""


def _strip_invisible(text: str, flags: list[str]) -> tuple[str, str]:
    """Remove invisible characters; return the text and any tag-character payload."""
    tags = ""
    for pattern, flag in ((_SURROGATE, "surrogates"), (_BIDI, "bidi"), (_ZERO_WIDTH, "zero_width"),
                          (_CONTROL, "control_chars")):
        text, n = pattern.subn("", text)
        if n:
            flags.append(flag)
    if _TAGS.search(text):
        flags.append("tag_chars")
        tags = " ".join("".join(chr(ord(c) - 0xE0000) for c in m.group()) for m in _TAGS.finditer(text))
        text = _TAGS.sub("", text)
    return _EMOJI_GLUE.sub("", text), tags


def _compat(text: str, flags: list[str]) -> str:
    """NFKC, flagging fullwidth forms and styled (mathematical, circled...) letters."""
    out = unicodedata.normalize("NFKC", text)
    if out != text:
        if any("\uff01" <= c <= "\uff5e" for c in text):
            flags.append("fullwidth")
        if any(ord(c) > 0x2000 and c.isalpha() and unicodedata.normalize("NFKC", c).isascii()
               for c in text if not ("\uff01" <= c <= "\uff5e")):
            flags.append("styled")
    return out


def _unhomoglyph(text: str, flags: list[str]) -> str:
    """Map lookalike letters in words that are mixed-script or made only of lookalikes."""
    table = homoglyphs()

    def fix(m: re.Match) -> str:
        word = m.group()
        odd = [c for c in word if c in table or (ord(c) > 0x24F and c.isalpha())]
        if not odd or not all(c in table for c in odd):
            return word  # pure Latin, or a real Cyrillic/Greek word (has letters Latin lacks)
        return "".join(table.get(c, c) for c in word)

    out = _WORD.sub(fix, text)
    if out != text:
        flags.append("homoglyph")
    return out


def _join_spaced(text: str, flags: list[str], joined: list[str]) -> str:
    def glue(m: re.Match) -> str:
        joined.append(m.group().replace(m.group(1), ""))
        return joined[-1]

    def unhyphen(m: re.Match) -> str:  # "ig-no-ra" -> "ignora"
        joined.append(m.group().replace("-", ""))
        return joined[-1]

    def glue_wide(m: re.Match) -> str:  # "h  o  r  a  r  i  o    d  e": words where the gap widens
        narrow = min(len(g) for g in re.findall(r" +", m.group()))
        joined.append(" ".join(w.replace(" ", "") for w in re.split(f" {{{narrow + 1},}}", m.group())))
        return joined[-1]

    out = _SPACED.sub(glue, _SPACED_WIDE.sub(glue_wide, text))
    if out != text:
        out = _SPACED_SHORT.sub(glue, out)  # "u n a", "t-u" between spaced words
    if len(_SYLLABLES.findall(out)) >= 3:  # "ig-no-ra el fa-q y di-me ..." ("Wi-Fi" alone is left)
        out = _SYLLABLES.sub(unhyphen, out)
    if out != text:
        flags.append("spaced")
    return out


def _canonical(text: str, flags: list[str], joined: list[str] | None = None) -> tuple[str, str]:
    text, tags = _strip_invisible(_NEWLINES.sub("\n", text), flags)
    text = _unhomoglyph(_compat(text, flags), flags)
    text = _join_spaced(text, flags, [] if joined is None else joined)
    text = _MANY_NEWLINES.sub("\n\n", _BLANKS.sub(" ", text))
    return text.strip(), tags


def _alternating(text: str) -> bool:
    """Whether two or more words of four letters or more switch case three times or more ("hOlA")."""
    def switches(word: str) -> int:
        return sum(a.islower() != b.islower() for a, b in zip(word, word[1:]))
    return sum(len(w) >= 4 and w.isalpha() and switches(w) >= 3 for w in _WORD.findall(text)) >= 2


def normalize(text: str) -> Normalized:
    """Canonical form, decoded views and obfuscation flags of ``text`` (never raises).  The last few texts'
    results are kept: the injection, safety and topic checks each normalise the same message."""
    if not isinstance(text, str):
        try:
            text = "" if text is None else str(text)
        except Exception:  # an object whose __str__ fails reads as empty
            text = ""
    return _normalize(str(text))


@lru_cache(maxsize=32)
def _normalize(text: str) -> Normalized:
    flags: list[str] = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        flags.append("truncated")
    joined: list[str] = []
    canon, tags = _canonical(text, flags, joined)
    head = canon[:DECODE_CHARS]
    if len(canon) > DECODE_CHARS and "truncated" not in flags:
        flags.append("truncated")
    raw_views = ([tags] if tags else []) + guesses(head, flags, joined)
    if _alternating(head):  # "hOlA cUaNtO sAlE": the embeddings read it lower-cased
        flags.append("mixed_case")
        raw_views.append(head.lower())
    decoded: list[str] = []
    for view in raw_views:
        clean, _ = _canonical(view[:DECODE_CHARS], [])
        if clean and clean != canon and clean not in decoded:
            decoded.append(clean)
    return Normalized(canon, tuple(decoded), tuple(dict.fromkeys(flags)))
