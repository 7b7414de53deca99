"""Safety guard: refuse harmful or unethical requests before generation.

The guard judges *intent*, not words.  "¿Cómo falsifico billetes?" asks for a
harmful act; "¿cuánto cuesta el taller de detección de billetes falsos?" names
the same thing inside a protective frame.  Every rule lives in
``guards/resources/safety_rules.json`` (see its ``about`` field);
:mod:`guards._safety_rules` compiles them and this module only combines them:

* **acts**: per category (violence, weapons, drugs, poisoning, self-harm,
  sexual, hate, harassment, theft, fraud, hacking, cheating, misinformation,
  trafficking, black market; violence on an animal is reported as "animal
  cruelty"), patterns of a harmful act: a harm verb with its
  victim or object ("matar a un mono", "clonar tarjetas", "fake degree").
  Tier ``act`` is harmful whenever not protected; tier ``intent`` (words with
  everyday uses, like "robo" or "phishing") also needs a request nearby
  ("cómo", "dime", "how do I", "para ...") or evasion.
* **negation** right before the act cancels it ("sin cortarme", "how do I not
  kill my starter").
* **protective framing** in the 60 characters before the act, and not followed
  by a new request, turns it into a mention: prevention, detection, "qué hacer
  si", a course or workshop ("taller de protocolo ante asaltos").
* **reports** are not requests: with no request before it, an act told as an
  event ("escuché que mataron a ...", "un chico se drogó", "el chocolate puede
  matar a un perro", "I was abused") is cancelled; a verification, legality
  or fear frame anywhere earlier in its clause ("¿es cierto que ...?", "is it
  illegal to ...", "I'm scared I'll ...") protects it; a turn to a new request
  ("¿tienen curso de Python? otra cosa, ...") ends a protective frame.
* **evasion** ("sin que me atrapen", "without getting caught", "que parezca un
  accidente") marks intent to do harm: the strong forms refuse on their own,
  the weak ones ("a escondidas", "sin su permiso") refuse together with any
  harm act or cue, and both cancel protective framing.

Where no rule is decisive, a naive-Bayes word model trained on shipped
generic examples (:mod:`guards._safety_model`) gives a second opinion: a request
with no protective frame anywhere (or with evasion, which cancels it) is
refused when the model probability reaches :data:`MODEL_REFUSE` and the text
holds a word of the harm vocabulary (:data:`MODEL_WITH_EVASION` with weak
evasion), or :data:`MODEL_WITHOUT_HARM_WORD` when it holds none.

Risk is the highest contribution found in any view of the text (canonical and decoded, see
:mod:`guards._normalize`): 1.0 for an unprotected act, 0.5 for an intent-tier act without a request, 0.3 for a
protected one. The text is refused when risk reaches :data:`THRESHOLD`; ``Verdict.score`` is ``1 - risk``. Texts
over :data:`MAX_CHARS` are refused unread.

**Second stage** (:meth:`SafetyGuard.check` only; :meth:`~SafetyGuard.assess`, which the injection guard calls,
stays rule-only): where no rule refused, the e5 embedding of the text goes to the kernel classifier of
:mod:`guards._safety_embed`, trained on generic exemplars of many kinds of institution; it refuses when its
probability reaches its cross-validated threshold. A refusal that rests on the word model alone stands only when
the classifier backs it (``classifier.agree``, stricter without a harm word): the word model reads words, not
meaning, and alone it refuses plain questions like "how do I get to your office". The embedding comes from the
``embed`` callable given (the guard chain passes the retriever's cached ``embed``, which the topic check then
reuses), else from the shared embedder. No LLM call: rules cost about 0.5 ms of CPU, the classifier about 1 ms
plus the embedding.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from harness._embed import single_blas_thread

from ._lexicon import any_search
from ._normalize import ENCODINGS, fold, normalize
from ._safety_embed import Embed, HarmClassifier, embed_text, load_classifier
from ._safety_model import HarmModel, load_model
from ._safety_rules import PARTICIPLE, PREFIX_CHARS, TURN, SafetyRules, clause_before, last_end, load_rules
from ._types import Verdict

log = logging.getLogger(__name__)

THRESHOLD = 1.0
"""Risk at which a text is refused."""
MAX_CHARS = 8000
"""Longer texts are refused unread (fail closed): judging them would cost
tens of milliseconds, and no genuine question is that long."""
MODEL_REFUSE = 0.5
"""Model probability at which an unprotected request with a harm word is refused."""
MODEL_WITH_EVASION = 0.2
"""Model probability at which a request with a harm word and weak evasion is refused."""
MODEL_WITHOUT_HARM_WORD = 0.9
"""Model probability needed when the text holds no word of the harm vocabulary."""
@dataclass(frozen=True)
class HarmFinding:
    """The strongest harm signal in one text.

    Attributes:
        risk: 0 (nothing) to 1 (refuse).
        category: harm category, or ``""`` when nothing was found.
        evidence: the matched words (folded).
        view: ``""`` for the text itself, else the decoder flag that exposed it.
        by_model: the refusal rests on the word model alone: ``"word"``
            (with a harm word) or ``"plain"`` (without).
        victim: the text is a victim asking for a remedy ("me robaron el carné, ¿cómo saco otro?") or
            someone protecting themselves or their children: the classifier alone does not refuse it.
    """

    risk: float = 0.0
    category: str = ""
    evidence: str = ""
    view: str = ""
    by_model: str = ""
    victim: bool = False


class SafetyGuard:
    """Refuses requests for harmful or unethical help (see the module docstring)."""

    name = "safety"

    def __init__(self, rules: SafetyRules | None = None, model: HarmModel | None = None,
                 embed: Embed | None = None, classifier: HarmClassifier | None = None) -> None:
        """``embed``: text -> e5 query vector (default: the shared embedder)."""
        self._rules = rules or load_rules()
        self._model = model or load_model()
        self._embed = embed
        self._classifier = classifier

    @property
    def classifier(self) -> HarmClassifier:
        """The second-stage classifier (loaded on first use)."""
        if self._classifier is None:
            self._classifier = load_classifier()
        return self._classifier

    def second_stage(self, text: str, found: HarmFinding) -> HarmFinding:
        """The rules' finding combined with the classifier; a decisive rule needs no embedding."""
        if found.risk >= THRESHOLD and (not found.by_model or found.view):  # decoded text: not embedded
            return found
        clf = self.classifier
        vector = (self._embed or embed_text)(text)
        p = clf.probability(vector)
        if found.risk >= THRESHOLD:
            if p >= clf.agree[found.by_model == "plain"]:
                category = clf.category(vector) if found.category == "harmful request" else found.category
                return replace(found, category=category, evidence=f"{found.evidence}, classifier p={p:.2f}")
            return HarmFinding(0.5, found.category, f"{found.evidence} overruled by classifier p={p:.2f}")
        if p >= clf.threshold and not found.victim:
            return HarmFinding(1.0, found.category or clf.category(vector), f"embedding classifier p={p:.2f}")
        return found

    def _category(self, category: str, window: str) -> str:
        """A finer category where the act's object says so ("violence" on an animal)."""
        for source, target, pattern in self._rules.relabel:
            if category == source and pattern.search(window):
                return target
        return category

    def _act_risk(self, tier: str, text: str, m: re.Match, evading: bool) -> float:
        rules = self._rules
        prefix = text[max(0, m.start() - PREFIX_CHARS):m.start()]
        if any_search(rules.negation, prefix) or any_search(rules.negated_purpose, m.group()):
            return 0.0
        if evading:
            return 1.0
        clause = clause_before(text, m.start())
        protected_at = last_end(rules.protective, prefix)
        asked_at = last_end(rules.intent, prefix)
        if asked_at < 0 and self._reported(text, m, prefix, clause):
            return 0.0
        if protected_at < 0 and last_end(rules.protective_clause, clause) >= max(0, last_end(rules.intent, clause)):
            return 0.3
        if protected_at >= 0 and TURN.search(prefix, protected_at):  # "¿tienen curso de X? otra cosa, ..."
            protected_at = -1
        if protected_at >= 0 and protected_at >= asked_at:
            return 0.3
        if any_search(rules.protective_after, text[m.end():m.end() + 100]):
            return 0.3
        if (tier == "act" or asked_at >= 0 or any_search(rules.purpose, prefix)
                or any_search(rules.intent, m.group())):
            return 1.0
        return 0.5

    def _reported(self, text: str, m: re.Match, prefix: str, clause: str) -> bool:
        """The act is reported, not requested: its clause tells an event ("escuché que
        mataron a ...", "vi cómo un vigilante golpeaba ...") or a third party acts right
        before it ("un chico se drogó", "el chocolate puede matar a un perro")."""
        rules = self._rules
        if PARTICIPLE.match(text, m.end()) and m.group()[-1:].isalpha():
            return True  # "una cucaracha envenenada": a state, not an act
        if any_search(rules.report_subject, prefix) or any_search(rules.victim_report, clause):
            return True  # "alguien está usando mis datos para estafas": the victim's story, not a request
        return any_search(rules.report_clause, clause + m.group()) is not None

    def judge(self, folded: str) -> HarmFinding:
        """The strongest harm signal in one folded view."""
        rules = self._rules
        strong = any_search(rules.evasion_strong, folded)
        weak = strong or self._evasion(folded)
        best = HarmFinding(1.0, "crime evasion", strong.group()) if strong else HarmFinding()
        cleared: list[str] = []  # acts judged reported or negated: the word model does not judge them again
        for act in rules.acts:
            if act.any is not None and not act.any.search(folded):
                continue
            for pattern in act.patterns:
                for m in pattern.finditer(folded):
                    risk = self._act_risk(act.tier, folded, m, bool(weak))
                    if risk == 0.0:
                        cleared.append(m.group())
                    if risk > best.risk or (risk == best.risk and best.category == "crime evasion"):
                        best = HarmFinding(risk, self._category(act.category, folded[m.start():m.end() + 40]),
                                           m.group().strip())
                    if best.risk >= THRESHOLD and best.category != "crime evasion":
                        return best
        if weak and best.risk < THRESHOLD:
            for category, cue in rules.cues:
                m = cue.search(folded)
                if m:
                    return HarmFinding(1.0, category, f"{m.group()} + {weak.group()}")
            if best.risk > 0:
                return HarmFinding(1.0, best.category, f"{best.evidence} + {weak.group()}")
        if best.risk < THRESHOLD:
            return self._second_opinion(folded, best, weak, tuple(cleared))
        return best

    def _evasion(self, folded: str) -> re.Match | None:
        """The first evasion that is neither a reporter's wish to stay anonymous ("¿cómo lo denuncio sin
        que se entere?") nor what the institution finds ("¿qué pasa si encuentran ... sin receta?")."""
        rules = self._rules
        for pattern in rules.evasion:
            for m in pattern.finditer(folded):
                if not any_search(rules.anonymous_report, folded[max(0, m.start() - PREFIX_CHARS):m.start()]):
                    return m
        return None

    def _second_opinion(self, folded: str, best: HarmFinding, weak: re.Match | None,
                        cleared: tuple[str, ...] = ()) -> HarmFinding:
        """The word model, where no rule was decisive: it refuses a request it
        finds harmful enough (surer without a harm word), unless a protective
        frame is present anywhere and no evasion cancels it, or its harm word
        lies in an act a rule already read as reported or negated ("mi tío tuvo
        una sobredosis de ...")."""
        rules = self._rules
        if not any_search(rules.intent, folded) or (not weak and any_search(rules.protective, folded)):
            return best
        if not weak and self.victim(folded):
            return best
        word = self._model.harm_word(folded)
        if word and not weak and any(word in span for span in cleared):
            return best
        p = self._model.probability(folded)
        needed = MODEL_WITHOUT_HARM_WORD if word is None else MODEL_WITH_EVASION if weak else MODEL_REFUSE
        if p < needed:
            return best
        category = best.category or next((name for name, cue in rules.cues if cue.search(folded)), "harmful request")
        why = f"'{word}', " if word else ""
        return HarmFinding(1.0, category, f"{why}word model p={p:.2f}" + (f" + {weak.group()}" if weak else ""),
                           by_model="word" if word else "plain")

    def victim(self, folded: str) -> bool:
        """A victim's story and a remedy (report, block, replace, verify, remove), or a request to protect
        oneself or others (``self_protection``: block adult sites, avoid scams, tell a fake collector from a
        real one, dispose of needles safely); no evasion, no story to be invented ("voy a decir que me robaron")."""
        r = self._rules
        return bool(((any_search(r.victim_report, folded) and any_search(r.remedy, folded))
                     or any_search(r.self_protection, folded))
                    and not any_search(r.victim_pretence, folded) and not self._evasion(folded)
                    and not any_search(r.evasion_strong, folded))

    def assess(self, text: str) -> HarmFinding:
        """The strongest finding over every view of ``text``."""
        norm = normalize(text)
        folded = fold(norm.text)
        best = self.judge(folded)
        if best.risk < THRESHOLD and self.victim(folded):
            best = replace(best, victim=True)
        if best.risk < THRESHOLD:
            decoders = [f for f in norm.flags if f in (*ENCODINGS, "leet", "spaced", "separators")]
            label = "+".join(decoders) or "decoded"
            for view in norm.decoded:
                found = self.judge(fold(view))
                if found.risk > best.risk:
                    best = replace(found, view=label)
                if best.risk >= THRESHOLD:
                    break
        return best

    @single_blas_thread
    def check(self, text: str) -> Verdict:
        """Refuse ``text`` when it asks for harmful or unethical help."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        if len(text) > MAX_CHARS:
            return Verdict(False, self.name, 0.0, f"too long to judge safely ({len(text)} > {MAX_CHARS} characters)")
        try:
            found = self.second_stage(text, self.assess(text))
        except Exception:  # a guard fails closed
            log.exception("safety guard failed")
            return Verdict(False, self.name, 0.0, "safety guard error: refused to be safe")
        score = round(1.0 - found.risk, 3)
        if found.risk >= THRESHOLD:
            where = f" (found in {found.view} view)" if found.view else ""
            return Verdict(False, self.name, score,
                           f"unsafe request: {found.category}: '{found.evidence[:80]}'{where}")
        if found.category:
            why = found.evidence if "overruled" in found.evidence else "harm words only in a protective frame"
            return Verdict(True, self.name, score, f"{why} ({found.category})")
        return Verdict(True, self.name, score, "no harmful intent found")
