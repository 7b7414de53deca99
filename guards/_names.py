"""What a CSV says about names: the institution's own, its acronyms, its web addresses.

:class:`Names` is built from the CSV's text and is the only domain knowledge
the topic rules (:mod:`guards._entities`, :mod:`guards._requests`,
:mod:`guards._mentions`) and the refusal (:mod:`guards._wrapper`) use.
"""

from __future__ import annotations

import re
import unicodedata

from harness._lexical import fold, near

CONNECTORS = frozenset("de del la el los las of the san santa st".split())

COMMON_ACRONYMS = frozenset("""
dni ruc pdf usd pen id ok faq qr cv sms igv wifi app url www ce pc tv usb ia ai ong onu covid
am pm sa sac eirl s a n ne sur re fw fwd cc ps pd nb dm dms gps sos vip led lcd rr hh rrhh ee uu eeuu
us usa uk eu ue cctv vih hiv sida aids tbc vph hpv ets its adn dna
adhd tdah tea toc ocd ptsd tept asd
ig fb wsp wa tt yt
cpr rcp dea aed
""".split())

CALENDAR_WORDS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december english spanish quechua aymara french german portuguese
italian chinese japanese korean
""".split())
"""Words English capitalises that are no names (week days, months, languages)."""

SELF_SHARE = 0.08
"""An all-capital word in this share of the CSV's rows is the institution's name."""

WEB_NAME = re.compile(r"(?:[\w.+-]+@|www\.|https?://(?:www\.)?|(?<![\w@])@)([^\W_]+(?:-[^\W_]+)*)", re.UNICODE)
WEB_HOSTS = frozenset("""
gmail hotmail outlook yahoo live icloud proton protonmail gob gov edu facebook instagram tiktok twitter
youtube linkedin wa whatsapp google maps bit
""".split())
"""Mail and social hosts: their names say nothing about whose address it is."""

TOKEN = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*|[.,;:!?()\[\]\n]", re.UNICODE)
BREAKS = frozenset(".,;:!?()[]\n")


def plain(token: str) -> str:
    return fold(token).replace(" ", "")


def is_name(token: str) -> bool:
    core = unicodedata.normalize("NFC", token)
    return len(core) > 1 and (core[:1].isupper() or core.isupper())


class Names:
    """What the CSV says about names: its folded text and its acronyms.

    Attributes:
        text: the CSV's questions and answers, folded, space-padded.
        words: the CSV's folded words.
        acronyms: folded initials of capitalised multi-word names in the CSV
            ("Dirección Regional de Educación" -> ``dre``) and its own
            all-capital words.
        self_names: the institution's own one-word names: all-capital words
            (4+ letters) found in at least :data:`SELF_SHARE` of the rows
            ("CENFOBANK") that its web names spell, if it has any (an academy's
            CSV cites "UNSAAC" in many rows, a notary's "SUNARP": a regulator
            or an exam, not the institution).
        web_names: the names in the CSV's e-mail, web and social addresses
            ("sonrisaandina" from "citas@sonrisaandina.pe"), mail and social
            hosts left out: a name that spells one is the institution's own.
    """

    def __init__(self, texts: list[str], rows: int | None = None) -> None:
        self.text = " " + " ".join(fold(t) for t in texts) + " "
        self.words = frozenset(self.text.split())
        counts: dict[str, int] = {}
        for t in texts:
            for w in {plain(tok) for tok in TOKEN.findall(t) if len(tok) > 3 and tok.isupper()}:
                counts[w] = counts.get(w, 0) + 1
        share = SELF_SHARE * (rows or len(texts))
        self.web_names = frozenset(
            w for w in (plain(m.group(1)).replace("-", "") for t in texts for m in WEB_NAME.finditer(t))
            if len(w) >= 5 and w not in WEB_HOSTS)
        frequent = (w for w, c in counts.items() if c >= share)
        self.self_names = frozenset(w for w in frequent if not self.web_names or any(w in n for n in self.web_names))
        acronyms: set[str] = set()
        for t in texts:
            run: list[str] = []
            for tok in [*TOKEN.findall(t), "."]:
                if is_name(tok) and tok not in BREAKS:
                    run.append(tok)
                    if tok.isupper():
                        acronyms.add(plain(tok))
                elif plain(tok) in CONNECTORS and run:
                    continue
                else:
                    initials = "".join(plain(w)[:1] for w in run)
                    acronyms.update(initials[a:b] for a in range(len(run))
                                    for b in range(a + 2, len(run) + 1))
                    run = []
        self.acronyms = frozenset(acronyms)

    def is_web_name(self, tokens: list[str]) -> bool:
        """Whether ``tokens`` spell, without spaces, the CSV's own web or mail name
        ("Sonrisa Andina" for "citas@sonrisaandina.pe"), with or without connectors."""
        plains = [plain(t) for t in tokens]
        core = [p for p in plains if p not in CONNECTORS]
        return len(plains) > 1 and ("".join(plains) in self.web_names or "".join(core) in self.web_names)

    def mentions_self(self, text: str) -> bool:
        """Whether ``text`` names the institution itself: a word near one of :attr:`self_names` (typos
        forgiven), or two or three words that spell a web name ("Wari Yaku", "Valle del Sillar")."""
        return any(near(w, self.self_names) is not None for w in fold(text).split() if len(w) > 3)

    def knows(self, name: list[str], span: list[str] | None = None) -> bool:
        """Whether the CSV mentions the name (as a phrase, or as its acronym).

        ``span`` is the whole mention, organisation word included ("Municipalidad
        de Huaraz"): a one-word name that the CSV uses only on its own (the town
        "Huaraz") is then known only if the CSV has the whole mention, or calls
        itself by that organisation word ("la academia de Huancayo" in an
        academy's CSV may mean the academy)."""
        plains = [plain(t) for t in name]
        if self.is_web_name(name):
            return True  # "la Clínica Sonrisa Andina" in the CSV of sonrisaandina.pe
        loose = span is None or plain(span[0]) in self.words
        if " " + " ".join(plains) + " " in self.text:
            return loose or len(plains) > 1 or self.has_phrase(span) or plains[0] in self.self_names
        core = [p for p in plains if p not in CONNECTORS]
        if len(core) != 1:
            return False
        if core[0] in self.acronyms or core[0] in self.self_names:
            return True
        return near(core[0], self.words) is not None and (loose or self.has_phrase(span))

    def has_phrase(self, tokens: list[str]) -> bool:
        """Whether the CSV's folded text holds ``tokens`` as one phrase."""
        return " " + " ".join(plain(t) for t in tokens if t not in BREAKS) + " " in self.text
