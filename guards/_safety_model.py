"""A tiny naive-Bayes second opinion for the safety guard.

Regular expressions only catch the phrasings someone wrote down.  This model
reads every word: it is trained, when first used (a few milliseconds), on two
shipped lists of generic example prompts,

* ``resources/safety_harmful.txt``: harmful requests in every category, and
* ``resources/safety_benign.txt``: ordinary questions to institutions of many
  kinds, off-topic requests, and questions with alarming words in a safe frame,

none taken from any probe set.  Features are the folded words (3+ letters;
the function words of ``resources/safety_stopwords.txt`` are skipped), their
5-letter prefixes (a light stem: ``envenenar``/``envenenarlo`` meet) and
prefix bigrams; each present feature adds its smoothed log-likelihood ratio.
:meth:`HarmModel.harm_word` finds the words of ``resources/harm_words.txt``
(the harm vocabulary) that no negation takes back;
:class:`~guards._safety.SafetyGuard` consults the model only where its rules
found no decisive act, acts on it only together with a request and without
any protective framing, and asks for more certainty when no harm word is
present (see there).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

from ._lexicon import RESOURCES, fold

SMOOTHING = 0.5
"""Additive smoothing of the per-class feature counts."""
_TOKEN = re.compile(r"[a-z0-9\u00f1]+")
_TOOL_AFTER = re.compile(r" de (?:clavos|calor|silicona|pintura|agua|juguete|aire|impacto|soldar|grapas|aceite)\b")
_TOOL_BEFORE = re.compile(r"\b(?:nail|glue|heat|paint|water|toy|spray|staple|caulk|caulking|grease|air) $")
"""A tool, not a weapon: "pistola de clavos", "nail gun"."""
_NEGATION = re.compile(r"\b(?:no|not|sin|nunca|never|evitar|evito|avoid|prevent|prevenir|para no|don'?t)\s+(?:\S+\s+)?$")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words the model ignores (``safety_stopwords.txt``)."""
    return frozenset(w for line in _lines("safety_stopwords.txt") for w in line.split())


def features(folded: str) -> set[str]:
    """Word, 5-letter-prefix and prefix-bigram features of folded text, function words skipped."""
    out: set[str] = set()
    stems: list[str] = []
    skip = stopwords()
    for token in _TOKEN.findall(folded):
        if token in skip:
            continue
        if len(token) >= 3:
            out.add("w:" + token)
        stem = token[:5]
        stems.append(stem)
        if len(token) >= 5:
            out.add("s:" + stem)
    out.update(f"b:{a}_{b}" for a, b in zip(stems, stems[1:]))
    return out


@dataclass(frozen=True)
class HarmModel:
    """Naive-Bayes log-likelihood ratios, harmful over benign, plus the harm
    vocabulary a text needs before the model may call it harmful.

    Attributes:
        weights: feature -> log ratio (positive leans harmful).
        bias: log prior ratio of the two example lists.
        exact: harm words matched whole (``resources/harm_words.txt``).
        prefixes: harm word prefixes (entries ending in ``*``).
        phrases: one pattern for the multi-word entries (``a_b``), or ``None``.
    """

    weights: Mapping[str, float]
    bias: float
    exact: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    phrases: re.Pattern | None = None

    def harm_word(self, folded: str) -> str | None:
        """The first harm word or phrase in folded text that no negation right
        before ("sin cortarme", "para no quemar") takes back; ``None`` when none."""
        found = [m for m in _TOKEN.finditer(folded) if m.group() in self.exact
                 or any(m.group()[:n] in self.prefixes for n in range(3, min(len(m.group()), 12) + 1))]
        if self.phrases is not None:
            found += list(self.phrases.finditer(folded))
        for m in sorted(found, key=lambda m: m.start()):
            if _TOOL_AFTER.match(folded, m.end()) or _TOOL_BEFORE.search(folded[max(0, m.start() - 10):m.start()]):
                continue
            if not _NEGATION.search(folded[max(0, m.start() - 30):m.start()]):
                return m.group()
        return None

    def probability(self, folded: str) -> float:
        """Probability-like score in (0, 1) that folded text asks for harm."""
        score = self.bias + sum(self.weights.get(f, 0.0) for f in features(folded))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def _lines(name: str) -> list[str]:
    with open(RESOURCES / name, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


def _examples(name: str) -> list[str]:
    return [fold(line) for line in _lines(name)]


@lru_cache(maxsize=1)
def load_model() -> HarmModel:
    """Train the model on the shipped example lists (cached per process)."""
    harmful, benign = _examples("safety_harmful.txt"), _examples("safety_benign.txt")
    counts_h: Counter[str] = Counter()
    counts_b: Counter[str] = Counter()
    for text in harmful:
        counts_h.update(features(text))
    for text in benign:
        counts_b.update(features(text))
    vocab = set(counts_h) | set(counts_b)
    total_h = sum(counts_h.values()) + SMOOTHING * len(vocab)
    total_b = sum(counts_b.values()) + SMOOTHING * len(vocab)
    weights = {f: math.log((counts_h[f] + SMOOTHING) / total_h) - math.log((counts_b[f] + SMOOTHING) / total_b)
               for f in vocab}
    words = [w for line in _lines("harm_words.txt") for w in line.split()]
    phrases = sorted((w.replace("_", " ") for w in words if "_" in w), key=len, reverse=True)
    return HarmModel(MappingProxyType(weights), math.log(len(harmful) / len(benign)),
                     frozenset(w for w in words if "_" not in w and not w.endswith("*")),
                     frozenset(w[:-1] for w in words if w.endswith("*")),
                     re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b") if phrases else None)
