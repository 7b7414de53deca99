"""Guessing decoders for :func:`guards._normalize.normalize`.

Each decoder turns canonical text into extra *views* and names what it found
in ``flags``; none of them ever replaces the text, because each is a guess:

* base64 / hex / percent-encoded chunks that decode to printable text, and
  character escapes (``\\u0069``, ``\\x69``, ``&#105;``, ``&#x69;``);
* de-leet (``h4ck`` -> ``hack``), only on tokens that mix letters with digits
  or ``@$€|!+``, so prices (``S/ 480``) and ordinals (``3er``) stay intact;
* letters split by ``_ * ·`` inside a word (``ex_pl_os_iv_o``);
* ROT13 and reversed text (letters or words reversed), sentence by sentence,
  where the result reads as far more frequent Spanish/English words;
* runs of s p a c e d letters that were glued into one long word are split
  back into dictionary words (``mataralchef`` -> ``matar al chef``).
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from ._lexicon import fold, word_set

_SENTENCE = re.compile(r"[^.:;!?¿¡\n]+")
_SEPARATED = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,4}(?:[_*·][^\W\d_]{1,4}){2,}(?![^\W\d_])")
_LEET_TOKEN = re.compile(r"[A-Za-z0-9@$€|!+]+")
_LEET_CHARS = re.compile(r"[0-9@$€|!+]")
_NOT_LEET = re.compile(r"\d+[a-z]{1,3}|[a-z]+\d+|\d+", re.IGNORECASE)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
                       "@": "a", "$": "s", "€": "e", "|": "l", "!": "i", "+": "t"})
_B64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX = re.compile(r"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}[ :]?){8,}")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})|&#(\d{2,7});|&#[xX]([0-9A-Fa-f]{2,6});")
_ROT13 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                       "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")
_FOLD_TOKEN = re.compile(r"[a-z\u00f1]{2,}")
_PLAIN = str.maketrans("áéíóúüàèìòùâêîôûäëïöñ", "aeiouuaeiouaeiouaeion")


def _wordiness(text: str) -> tuple[int, int]:
    """(dictionary words, all words) among the tokens of ``text`` (cheap fold)."""
    words = word_set()
    tokens = _FOLD_TOKEN.findall(text.lower().translate(_PLAIN))
    return sum(t in words for t in tokens), len(tokens)


def _reads_better(alt: str, hits: int) -> bool:
    alt_hits, alt_total = _wordiness(alt)
    return alt_hits >= 2 and 2 * alt_hits >= alt_total and alt_hits > 2 * hits


def _segment(run: str) -> str:
    """Split a glued run (``mataralchef``) into dictionary words; unknown letters cost more."""
    words, n = word_set(), len(run)
    best: list[tuple[int, int]] = [(0, 0)] + [(10**9, 0)] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            piece = run[start:end]
            cost = 1 if piece in words else (3 if end - start == 1 else None)
            if cost is not None and best[start][0] + cost < best[end][0]:
                best[end] = (best[start][0] + cost, start)
    parts, end = [], n
    while end > 0:
        start = best[end][1]
        parts.append(run[start:end])
        end = start
    return " ".join(reversed(parts))


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    good = sum(c.isprintable() or c in "\n\t" for c in text)
    letters = sum(c.isalpha() or c == " " for c in text)
    return text if len(text) >= 4 and good >= 0.95 * len(text) and letters >= 0.6 * len(text) else None


def _decode_chunks(text: str, flags: list[str]) -> list[str]:
    """Base64, hex and percent-encoded chunks that decode to printable text."""
    out: list[str] = []
    for m in _B64.finditer(text):
        chunk = m.group().rstrip("=").replace("-", "+").replace("_", "/")
        try:
            raw = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        if (decoded := _printable(raw)) is not None:
            out.append(decoded)
            flags.append("base64")
    for m in _HEX.finditer(text):
        digits = re.sub(r"[ :]", "", m.group())
        if (decoded := _printable(bytes.fromhex(digits[: len(digits) // 2 * 2]))) is not None:
            out.append(decoded)
            flags.append("hex")
    if len(_PERCENT.findall(text)) >= 3:
        out.append(urllib.parse.unquote(text, errors="replace"))
        flags.append("percent")
    if len(_ESCAPE.findall(text)) >= 3:
        out.append(_ESCAPE.sub(_unescape, text))
        flags.append("escapes")
    return out


def _unescape(m: re.Match) -> str:
    u, x, dec, hexa = m.groups()
    code = int(u or x or hexa, 16) if (u or x or hexa) else int(dec)
    return chr(code) if code <= 0x10FFFF and chr(code).isprintable() else " "


def _deleet(text: str, flags: list[str]) -> list[str]:
    """The de-leeted view, or nothing when no token is leet.

    A token counts as leet when it mixes letters with digits or ``@$€|!+``;
    ``3er``, ``10am``, ``mp3`` and bare numbers only count once the text has
    two or more unambiguous leet tokens (``h0w``, ``1gn0r3``), and then lone
    digits become letters too ("m4k3 4 b0mb" -> "make a bomb").  ``1`` reads
    as ``l`` where only that gives a known word (``ru13s`` -> ``rules``).
    """
    tokens = [t for t in _LEET_TOKEN.findall(text) if len(t) <= 24]
    clear = [t for t in tokens if any(c.isalpha() for c in t) and _LEET_CHARS.search(t.rstrip("!"))
             and not _NOT_LEET.fullmatch(t.rstrip("!"))]
    if not clear:
        return []
    eager = len(clear) >= 2
    flags.append("leet")

    words = word_set()

    def fix(m: re.Match) -> str:
        word = m.group()
        token = word.rstrip("!")
        if len(token) > 24 or not _LEET_CHARS.search(token):
            return word
        if not any(c.isalpha() for c in token):
            return token.translate(_LEET) + word[len(token):] if eager and len(token) == 1 else word
        if _NOT_LEET.fullmatch(token) and not eager:
            return word
        as_i = token.translate(_LEET)
        as_l = token.replace("1", "l").translate(_LEET)
        return (as_l if as_l.lower() in words and as_i.lower() not in words else as_i) + word[len(token):]

    return [_LEET_TOKEN.sub(fix, text)]


def _unseparate(text: str, flags: list[str]) -> list[str]:
    """``ex_pl_os_iv_o`` -> ``explosivo``: letters split by ``_ * ·`` inside one word."""
    out = _SEPARATED.sub(lambda m: re.sub(r"[_*·]", "", m.group()), text)
    if out == text:
        return []
    flags.append("separators")
    return [out]


_FLIPS = (("rot13", lambda p: p.translate(_ROT13)), ("reversed", lambda p: p[::-1]),
          ("reversed", lambda p: " ".join(w[::-1] for w in p.split(" "))))


def _unscramble(text: str, flags: list[str]) -> list[str]:
    """A ROT13 view and a reversed view of ``text``, sentence by sentence: a
    sentence is replaced where its ROT13 / reversal / word-by-word reversal
    reads as far more dictionary words.  Sentences that already read as words
    are skipped, which keeps ordinary text cheap."""
    out = {"rot13": [], "reversed": []}
    changed: set[str] = set()
    last = 0
    for m in _SENTENCE.finditer(text):
        piece, gap = m.group(), text[last:m.start()]
        last = m.end()
        hits, total = _wordiness(piece)
        chosen: dict[str, str] = {}
        if total >= 2 and 3 * hits < 2 * total:
            for name, flip in _FLIPS:
                if name not in chosen and _reads_better(flip(piece), hits):
                    chosen[name] = flip(piece)
        for name in out:
            out[name] += [gap, chosen.get(name, piece)]
        changed.update(chosen)
    views = []
    for name in ("rot13", "reversed"):
        if name in changed:
            views.append("".join(out[name]) + text[last:])
            flags.append(name)
    return views


def guesses(text: str, flags: list[str], joined: list[str]) -> list[str]:
    """Every decoded view of ``text`` (already canonical and cut to DECODE_CHARS)."""
    views = _decode_chunks(text, flags) + _deleet(text, flags) + _unseparate(text, flags)
    views += _unscramble(text, flags)
    glued = [w for w in dict.fromkeys(joined) if 8 <= len(w) <= 200 and fold(w) not in word_set()]
    if glued:
        resplit = text
        for w in glued[:20]:
            resplit = resplit.replace(w, _segment(fold(w)))
        views.append(resplit)
    return views
