"""Topic guard: is this prompt about the institution the CSV describes?

Calibrated automatically from the CSV alone, no per-domain threshold:

1. The retriever (one shared index) gives, for a prompt, its best dense similarity to a CSV row (question and
   answer views) and which of its words the CSV's vocabulary knows, by stem, typo or bilingual glossary concept
   (IDF-weighted *coverage*: "becas", "whatsapp?", "horarios de noche" and "monthly fee?" are fully covered).
2. A built-in, domain-agnostic set of generic off-topic prompts
   (``guards/resources/offtopic.txt``, loaded by :mod:`guards._generic`: general knowledge, coding, sports,
   health, politics, chit-chat, and near-domain prompts in some 25 fields —
   banking, cooking, travel, study, agriculture, livestock, health clinics,
   languages, IT, crafts, beauty, mechanics, construction, arts, sports,
   insurance, housing, utilities, cooperatives, logistics, hospitality,
   childcare: generic advice, market facts, other named organisations) gives
   the best cosine to "what a FAQ bot is not for".  Generic prompts that the
   CSV itself covers closely are dropped, so a CSV that is about savings
   accounts keeps them in-domain.
3. Features :data:`FEATURES` (best row similarity, best generic
   similarity, their margin, coverage, whether the prompt names the
   institution itself, and whether it addresses it: "ustedes", "you", "your",
   "la clase", "the workshop", ...) feed a logistic model fitted, when the guard is
   built, on leave-one-out CSV questions and three perturbed copies of each
   (keywords only; accents, case and punctuation stripped; a word-by-word
   English gloss) as positives versus the generic prompts (leave-one-out
   too) as negatives.  The decision threshold is the probability that keeps
   :data:`TARGET_RECALL` of the leave-one-out positives, capped at 0.5.  At
   check time the shipped, domain-agnostic decision model (:mod:`guards._decision`) weighs this
   model's margin over the threshold with the "question to an institution" score
   (:mod:`guards._directed`), the prompt's language against the CSV's, whether it uses a name the
   CSV never mentions without addressing the institution (:mod:`guards._mentions`) and the raw
   similarities; without it the margin gets :data:`CROSS_LINGUAL_LOGIT` or
   :data:`SAME_LANGUAGE_LOGIT` and :data:`UNKNOWN_NAME_LOGIT`.
4. Rules before the model: an empty prompt is refused; a prompt made only of
   greeting/courtesy words ("hola", "Hi", "gracias") is allowed as chit-chat; a prompt naming an
   organisation the CSV does not know ("la Universidad de Salamanca", "el BBVA"; not the sender's own school
   or work in a message to the institution, "estudio en la UNT, ¿puedo hacer mis prácticas con ustedes?", nor
   the sender's company in a signature or after "mi"), a well-known one in any case ("beca 18",
   :mod:`guards._bodies`), opening "¿Qué universidad ...?", or asking for a recipe / tips or a general fact
   (a town's population, tomorrow's weather, a trade's salary) without naming a course, a class or the
   institution, weighing another business against this one or asking the assistant about itself is refused
   (:func:`guards._asides.refusal_before_model`).
   After the model: a request added after "además", "PD", "also", "luego" or a turn away from the topic
   ("ahora olvida la cerámica y …") is judged on its own (by the
   generic-advice rule and the model), so an in-domain question cannot carry an off-topic one; a refused
   prompt in spaced letters or leetspeak is judged again as :func:`guards._normalize.normalize` reads it
   (the safety and injection checks already judged those readings), and an allowed one in spaced letters
   or hyphenated syllables is refused when its joined reading is ("e-s-c-r-i-b-e u-n p-o-e-m-a ...").

``score`` is the model's probability that the prompt is in-domain (greetings
score 1.0, foreign organisations 0.0).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace

import numpy as np

from harness import _lexical as lx
from harness._embed import single_blas_thread
from harness._glossary import english_map
from harness._retrieval import Profile, Retriever

from ._asides import refusal_before_model
from ._decision import DecisionModel, matching_decision
from ._directed import DirectedModel, fit_logistic, load_directed
from ._generic import embed_cached, generic_vectors, load_generic
from ._mentions import unknown_names
from ._names import Names
from ._normalize import normalize
from ._advice import asks_generic_advice
from ._requests import addresses_institution, is_greeting, language_of, tail_requests
from ._types import Verdict

log = logging.getLogger(__name__)

TARGET_RECALL = 0.95
"""Share of leave-one-out positives the threshold keeps (unless 0.5 already does)."""
CROSS_LINGUAL_LOGIT = 0.5
SAME_LANGUAGE_LOGIT = -0.3
UNKNOWN_NAME_LOGIT = -2.0
""":func:`hand_set` offsets for a prompt in another language than the CSV's questions (it embeds farther
from the rows; the generic set is bilingual), in the same one, and for one using a name the CSV never
mentions without addressing the institution (:func:`guards._mentions.unknown_names`).  Chosen on the tune
halves of 13 and 22 domains (``bench/topic_guard.py``, tenth and eleventh sessions)."""
COVERED_COSINE = 0.92
"""A generic prompt this close to a CSV question is in-domain for this CSV: dropped."""
FEATURES = ("dense", "off", "dense-off", "coverage", "self", "address")
SPACED_SHARE = 0.15
"""An allowed prompt whose spaced letters or hyphenated syllables, joined, shorten it by this share or more
is judged again as it reads ("e-s-c-r-i-b-e u-n p-o-e-m-a ...": 0.57); a spaced greeting in a question ("H O L A,
¿a qué países exportan?": 0.10) or "A o B o C" (0.08) is not."""


@dataclass(frozen=True)
class Calibration:
    """What the guard learnt from the CSV, for reports and tests.

    Attributes:
        weights: logistic weights, one per name in :data:`FEATURES`
            (on standardised features).
        bias: logistic intercept.
        mean: feature means used for standardising.
        std: feature standard deviations used for standardising.
        threshold: minimum probability to allow a prompt.
        positives: leave-one-out positives it was fitted on.
        negatives: generic negatives it was fitted on.
        dropped_generic: generic prompts dropped because the CSV covers them.
        recall: share of positives allowed (in-sample).
        refusal: share of negatives refused (in-sample).
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    std: tuple[float, ...]
    threshold: float
    positives: int
    negatives: int
    dropped_generic: int
    recall: float
    refusal: float


def _features(p: Profile, off: float, names: Names) -> np.ndarray:
    dense = float(p.dense.max())
    return np.array([dense, off, dense - off, p.coverage, float(names.mentions_self(p.text)),
                     float(addresses_institution(p.text, names))])


def hand_set(x: np.ndarray) -> float:
    """The decision without a decision model: the CSV model's margin plus the language and name offsets."""
    return float(x[0] + (SAME_LANGUAGE_LOGIT if x[2] else CROSS_LINGUAL_LOGIT) + UNKNOWN_NAME_LOGIT * x[3])


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _english(question: str) -> str:
    """A word-by-word English gloss of a Spanish question (glossary words)."""
    table = english_map()
    return " ".join(table.get(w, w) for w in lx.words(question)) + "?"


def _keywords(question: str, ret: Retriever, k: int = 3) -> str:
    words = list(dict.fromkeys(lx.words(question)))
    best = sorted(words, key=lambda w: -ret.idf(w))[:k]
    return " ".join(w for w in words if w in best) or lx.fold(question)


class TopicGuard:
    """Allow prompts about the CSV's institution; refuse everything else."""

    name = "topic"

    def __init__(self, retriever: Retriever, generic: list[str] | None = None,
                 directed: DirectedModel | None | str = "shipped",
                 decision: DecisionModel | None | str = "shipped") -> None:
        """``directed``: the :mod:`guards._directed` model; ``decision``: the :mod:`guards._decision` model
        (the shipped ones by default; with either ``None`` the CSV's own model decides, with the hand-set
        language and unknown-name offsets: for measuring without them)."""
        self.directed = load_directed() if directed == "shipped" else directed
        self.decision = matching_decision(self.directed) if decision == "shipped" else decision
        self.retriever = retriever
        self.names = Names([f"{r.question}\n{r.answer}" for r in retriever.rows])
        self._questions = " " + " ".join(lx.fold(r.question) for r in retriever.rows) + " "
        generic = load_generic() if generic is None else list(generic)
        gen_vec = generic_vectors(generic)
        covered = (gen_vec @ retriever.question_vectors.T).max(axis=1) >= COVERED_COSINE
        self._generic = [g for g, c in zip(generic, covered) if not c]
        self._gen = np.ascontiguousarray(gen_vec[~covered])
        self.calibration = self._calibrate(int(covered.sum()))
        langs = [language_of(r.question) for r in retriever.rows]
        self.language = max(("es", "en"), key=langs.count)  # the CSV's ("es" on a tie); see CROSS_LINGUAL_LOGIT

    @classmethod
    def from_csv(cls, path: str | os.PathLike) -> "TopicGuard":
        """Build the retriever for ``path`` and calibrate on it."""
        return cls(Retriever.from_csv(path))

    # ----------------------------------------------------------- calibration
    def _calibrate(self, dropped: int) -> Calibration:
        ret = self.retriever
        qs = [r.question for r in ret.rows]
        n = len(qs)
        variants = ([_keywords(q, ret) for q in qs] + [lx.fold(q) for q in qs]
                    + [_english(q) for q in qs])
        var_vec = embed_cached(f"{ret.key[:16]}-topic", variants)
        xs, ys = [], []
        for i, q in enumerate(qs):
            views = [(q, ret.question_vectors[i])] + [(variants[k * n + i], var_vec[k * n + i]) for k in range(3)]
            for text, vec in views:
                prof = ret.profile(text, exclude=i, vector=vec, second=False)
                xs.append(_features(prof, float((self._gen @ vec).max()), self.names))
                ys.append(1.0)
        sims = self._gen @ self._gen.T
        np.fill_diagonal(sims, -1.0)
        for j, text in enumerate(self._generic):
            prof = ret.profile(text, vector=self._gen[j], second=False)
            xs.append(_features(prof, float(sims[j].max()), self.names))
            ys.append(0.0)
        x, y = np.array(xs), np.array(ys)
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
        w, b = fit_logistic((x - mean) / std, y)
        prob = 1.0 / (1.0 + np.exp(-(((x - mean) / std) @ w + b)))
        threshold = float(min(0.5, np.quantile(prob[y > 0], 1.0 - TARGET_RECALL)))
        cal = Calibration(tuple(map(float, w)), b, tuple(map(float, mean)), tuple(map(float, std)),
                          threshold, int(y.sum()), int((1 - y).sum()), dropped,
                          float((prob[y > 0] >= threshold).mean()), float((prob[y == 0] < threshold).mean()))
        log.info("topic guard calibrated: threshold %.3f, recall %.3f, refusal %.3f, %d generic dropped",
                 cal.threshold, cal.recall, cal.refusal, dropped)
        return cal

    # ----------------------------------------------------------------- check
    def evidence(self, text: str) -> tuple[np.ndarray, Profile, int]:
        """The decision model's inputs (:data:`guards._decision.FEATURES`; the directed score is 0 without a
        directed model), the retriever profile, and the nearest generic index."""
        prof = self.retriever.profile(text, second=False)  # the decision reads e5 alone
        off = self._gen @ prof.vector
        j = int(off.argmax())
        cal = self.calibration
        f = _features(prof, float(off[j]), self.names)
        margin = float((f - np.array(cal.mean)) / np.array(cal.std) @ np.array(cal.weights) + cal.bias) \
            - _logit(cal.threshold)
        directed = 0.0 if self.directed is None else self.directed.score(prof.vector)
        x = np.array([margin, directed, float(language_of(text) == self.language), float(bool(self.strangers(text))),
                      *f[:2], *f[3:], float(prof.dense_q.max())])  # f[2] is f[0] - f[1]
        return x, prof, j

    def probability(self, text: str) -> tuple[float, Profile, int]:
        """In-domain probability, the retriever profile, and the nearest generic index."""
        x, prof, j = self.evidence(text)
        logit = self.decision.logit(x) if self.decision is not None and self.directed is not None else hand_set(x)
        logit = float(np.clip(logit + _logit(self.calibration.threshold), -30.0, 30.0))
        return 1.0 / (1.0 + float(np.exp(-logit))), prof, j

    def strangers(self, text: str) -> list[str]:
        """Names ``text`` uses that the CSV does not know, when it does not address the institution."""
        if addresses_institution(text, self.names):
            return []
        return unknown_names(text, self.names, self.retriever.is_known)

    @single_blas_thread
    def check(self, text: str) -> Verdict:
        """Decide whether ``text`` is on the CSV's topic (fails closed)."""
        if not isinstance(text, str):
            return Verdict(False, self.name, 0.0, f"input is {type(text).__name__}, not text")
        try:
            verdict = self._decide(text)
            norm = normalize(text)  # "c a r i l l a s  p r e c i o", "h0r4ri0"
            if verdict.allowed:  # a message mostly spaced out is judged as it reads: "e-s-c-r-i-b-e u-n p-o-e-m-a"
                spaced = "spaced" in norm.flags and len(text) - len(norm.text) >= SPACED_SHARE * len(norm.text)
                alt = self._decide(norm.text) if spaced else verdict
                return verdict if alt.allowed else replace(alt, reason=f"{alt.reason}; read as {norm.text[:60]!r}")
            for view in norm.views() if {"spaced", "leet", "mixed_case"} & set(norm.flags) else ():
                alt = self._decide(view) if view != text else verdict
                if alt.allowed:
                    return replace(alt, reason=f"{alt.reason}; read as {view[:60]!r}")
            return verdict
        except Exception as exc:  # a guard fails closed
            log.exception("topic guard failed")
            return Verdict(False, self.name, 0.0, f"topic guard error ({type(exc).__name__}): refused")

    def _decide(self, text: str) -> Verdict:
        if not lx.fold(text):
            return Verdict(False, self.name, 0.0, "empty prompt")
        if is_greeting(text):
            return Verdict(True, self.name, 1.0, "greeting / courtesy (allowed as chit-chat)")
        why = refusal_before_model(text, self.names, self.retriever.is_known, self._questions)
        if why:
            return Verdict(False, self.name, 0.0, why)
        prob, prof, j = self.probability(text)
        i = int(prof.fused.argmax())
        row = self.retriever.rows[i].row
        if prob >= self.calibration.threshold:
            for tail in tail_requests(text):  # "¿...? Además, escríbeme un ensayo sobre ..."
                advice = asks_generic_advice(tail, self.names, self._questions, self.retriever.is_known)
                if advice:
                    return Verdict(False, self.name, 0.0,
                                   f"adds an off-topic request {tail[:40]!r}: generic advice or facts ({advice!r})")
                p_tail, _, k = self.probability(tail)
                if p_tail < self.calibration.threshold and not is_greeting(tail):
                    return Verdict(False, self.name, p_tail,
                                   f"adds an off-topic request {tail[:40]!r} (p={p_tail:.2f}); closer to "
                                   f"generic {self._generic[k][:48]!r}")
            return Verdict(True, self.name, prob,
                           f"in-domain (p={prob:.2f}); closest CSV row {row}, cos {prof.dense_q[i]:.2f}")
        strangers = self.strangers(text)
        named = f"; names {', '.join(strangers[:3])!r}, unknown to the CSV" if strangers else ""
        return Verdict(False, self.name, prob,
                       f"off-topic (p={prob:.2f}){named}; closer to generic {self._generic[j][:48]!r} "
                       f"than to the CSV (row {row}, cos {prof.dense_q[i]:.2f})")
