"""The topic guard's last step: one logistic model over its evidence, learnt across many domains.

For a prompt the topic guard has several pieces of evidence (:data:`FEATURES`): its per-CSV model's logit
measured from that CSV's own threshold (the *margin*), the shipped "question to an institution" score
(:mod:`guards._directed`), whether the prompt is in the CSV's language, whether it uses a name the CSV never
mentions, and the raw similarities behind the margin.  Until the fourteenth session they were added with
hand-chosen weights (the margin, 5 x the directed score, -0.3 / +0.5 for the language, -2 for an unknown
name).  :class:`DecisionModel` learns those weights instead: a logistic regression, class-balanced and then
shifted by ``log(accept_weight)`` towards accepting, fitted by ``python bench/topic_decision.py --write`` on
the model-decided prompts of the *tune* halves of the training domains.  Each training domain's prompts are
scored with a directed model trained *without* that domain, so the weights learn how much the directed score
is worth on a CSV nobody wrote data for, not on prompts the shipped directed model has memorised.

The prompt is in-domain when the model's logit is at least 0; :class:`guards.TopicGuard` adds the CSV's
threshold logit back, so its probability and threshold keep their meaning.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ._directed import fit_logistic

log = logging.getLogger(__name__)
SHIPPED = Path(__file__).with_name("resources") / "topic_decision.json"
SCHEMA = "centinela.topic_decision/1"
FEATURES = ("margin", "directed", "same_language", "unknown_name", "dense", "generic", "coverage", "self",
            "address", "cos_q")
"""The model's inputs, in order: the per-CSV logit minus the CSV's threshold logit; the directed score; 1 when
the prompt is in the CSV's language; 1 when it names something the CSV never mentions without addressing the
institution; the best weighted e5 cosine to a CSV row; the best cosine to a generic off-topic prompt; the
IDF-weighted share of its words the CSV knows; 1 when it names the institution; 1 when it addresses it; the
best e5 cosine to a CSV question."""
ACCEPT_WEIGHT = 6.0
"""How much more a wrongly refused customer question costs than a wrongly accepted off-topic prompt.  Chosen
on the tune halves, leave one domain out (``bench/topic_decision.py --weights``): at 6 the model accepts
paraphrases, hard-benign and odd-format prompts about as often as the hand-set sum did, and refuses more
off-topic ones."""


@dataclass(frozen=True)
class DecisionModel:
    """A fitted decision (see the module docstring).

    Attributes:
        weights: one weight per name in :data:`FEATURES`, on standardised inputs.
        bias: the intercept, ``log(accept_weight)`` included.
        mean: the inputs' training means (for standardising).
        std: their training standard deviations.
        accept_weight: the class weight the bias was shifted by.
        domains: the sample domains whose tune halves it was fitted on.
        directed: the digest of the directed model it expects (:attr:`DirectedModel.digest`).
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    std: tuple[float, ...]
    accept_weight: float
    domains: tuple[str, ...]
    directed: str

    def logit(self, x: Sequence[float]) -> float:
        """The decision logit of one input vector (in :data:`FEATURES` order): accept when >= 0."""
        z = (np.asarray(x, dtype=np.float64) - np.array(self.mean)) / np.array(self.std)
        return float(z @ np.array(self.weights) + self.bias)

    def save(self, path: Path = SHIPPED) -> Path:
        """Write the model as JSON (atomically)."""
        from harness._io import write_json

        return write_json(path, {"schema": SCHEMA, "features": list(FEATURES), **asdict(self)})


def fit(x: np.ndarray, accept: np.ndarray, domains: Sequence[str] = (), directed: str = "",
        accept_weight: float = ACCEPT_WEIGHT) -> DecisionModel:
    """Fit the decision on inputs ``x`` (rows in :data:`FEATURES` order) and labels ``accept`` (1 = in-domain)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(FEATURES):
        raise ValueError(f"inputs must have {len(FEATURES)} columns ({', '.join(FEATURES)}), got shape {x.shape}")
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    w, b = fit_logistic((x - mean) / std, np.asarray(accept, dtype=np.float64))
    return DecisionModel(tuple(map(float, w)), b + math.log(accept_weight), tuple(map(float, mean)),
                         tuple(map(float, std)), float(accept_weight), tuple(domains), directed)


@lru_cache(maxsize=1)
def load_decision(path: Path = SHIPPED) -> DecisionModel:
    """The shipped decision; raises when it is missing or written for other inputs."""
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    if record.get("schema") != SCHEMA or tuple(record.get("features", ())) != FEATURES:
        raise ValueError(f"{path} is not a {SCHEMA} model over {FEATURES}: "
                         "rebuild it with `python bench/topic_decision.py --write`")
    return DecisionModel(tuple(record["weights"]), float(record["bias"]), tuple(record["mean"]),
                         tuple(record["std"]), float(record["accept_weight"]), tuple(record["domains"]),
                         str(record["directed"]))


def matching_decision(directed) -> DecisionModel | None:
    """The shipped decision when it was fitted with ``directed`` (a :class:`DirectedModel`, compared by
    digest); else ``None`` with a warning, and the hand-set sum decides until the decision is refitted
    (a decision learnt on one directed model's scores misreads another's)."""
    model = load_decision()
    if directed is not None and model.directed != directed.digest:
        log.warning("the shipped topic decision was fitted with directed model %s, not %s: using the hand-set "
                    "sum; refit with `python bench/topic_decision.py --write`", model.directed, directed.digest)
        return None
    return model
