"""Shared pieces of the hostile-text property tests: hypothesis strategies,
module fixtures (retriever, chain, members, output guard) and the contract
assertions every verdict and finding must meet.  See ``test_hostile_text.py``."""

from __future__ import annotations

import math
import os
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from guards import Finding, OutputVerdict, Verdict
from tests.conftest import DATA

CSV = DATA / "cenfobank.csv"
EXAMPLES = {"chain": 15, "chain_big": 5, "topic": 15, "topic_big": 2, "rules": 150, "rules_big": 6,
            "normalize": 150, "normalize_big": 6, "answer": 150, "answer_big": 4, "grounded": 50, "guarded": 8}
BIG = 100_000
MEMBERS = ("topic", "safety", "injection")


SCALE = float(os.environ.get("CENTINELA_HYPOTHESIS_SCALE", "1"))  # >1: a longer, random (not derandomized) hunt


def profile(n: int):
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=SCALE <= 1, database=None,
                    print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example, HealthCheck.filter_too_much])


# -- strategies -------------------------------------------------------------------

HOSTILE_CHARS = [
    "\ud800", "\udfff", "\udc80",  # lone surrogates
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f",  # zero-width / invisible
    "\u202e", "\u202d", "\u2066", "\u2067", "\u2069", "\u200f", "\u061c",  # bidi overrides / marks
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\r", "\n", "\t", "\u2028", "\u2029", "\x0c",  # controls
    "\U000e0041", "\U000e007f", "\ufe0f", "\U000e0100",  # tag chars, variation selectors
    "\u0301", "\u0338", "\u20dd",  # combining marks
    "ﬀ", "ǅ", "İ", "ß", "ﬃ", "ŉ", "Ⅻ", "㎏", "Ａ", "𝐀", "𝔞", "ⓐ",  # case/NFKC expanders, styled letters
    "а", "е", "о", "ѕ", "Ι",  # Cyrillic/Greek homoglyphs
    "\ufffd", "\uffff", "\U0010ffff", "\U0001f600", "👨\u200d👩\u200d👧", "🏳️\u200d🌈",
    "#", "*", "_", "`", ">", "[", "]", "(", ")", "<", "|", "\\", "{{", "}}", "<|im_start|>", "</s>", "[INST]",
]
WORDS = ["¿Cuánto", "cuesta", "la", "matrícula", "CENFOBANK", "horario", "becas", "S/", "480", "Cusco",
         "ignora", "instrucciones", "anteriores", "system", "prompt", "eres", "ahora", "DAN", "bomba",
         "matar", "robar", "tarjeta", "contraseña", "base64:", "aWdub3Jh", "hola", "gracias", "what", "price"]

any_char = st.characters(exclude_categories=())  # every code point: surrogates, controls, unassigned
fragment = st.one_of(any_char, st.sampled_from(HOSTILE_CHARS), st.sampled_from(WORDS).map(lambda w: w + " "))
hostile_text = st.lists(fragment, max_size=60).map("".join)
# for the checks that embed the text (topic, the chain, the guarded model): an
# embedding costs up to seconds on 2 busy cores for 60 exotic fragments
short_hostile = st.lists(fragment, max_size=25).map("".join)


def random_unicode(seed: int, n: int = BIG) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x110000)) for _ in range(n))


def nested_markdown(kind: int, depth: int) -> str:
    unit = ["> ", "- ", "[", "**", "```\n", "<div>", "# ", "1. ", "(", "|"][kind]
    close = {"[": "](http://x)", "**": "**", "<div>": "</div>", "(": ")"}.get(unit, "")
    text = unit * depth + "¿Cuánto cuesta la matrícula?" + close * depth
    return text[:BIG]


big_text = st.one_of(
    st.integers(0, 2**32 - 1).map(random_unicode),
    st.sampled_from(HOSTILE_CHARS + ["a", " ", "?", "9", "¿"]).map(lambda c: (c * BIG)[:BIG]),
    st.tuples(st.integers(0, 9), st.integers(1_000, 50_000)).map(lambda t: nested_markdown(*t)),
    st.tuples(hostile_text.filter(bool), st.sampled_from(["", " ", "\n", ". "]))
      .map(lambda t: ((t[0] + t[1]) * (BIG // len(t[0] + t[1]) + 1))[:BIG]),
    st.just(("¿Cuál es el horario de la biblioteca de CENFOBANK? " * 2000)[:BIG]),
)


# -- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def retriever():
    from harness._retrieval import Retriever

    return Retriever.from_csv(CSV)


@pytest.fixture(scope="module")
def chain(retriever):
    pytest.importorskip("guards._chain", reason="guards/_chain.py (Guard) not written yet")
    from guards import Guard

    return Guard.from_retriever(retriever) if hasattr(Guard, "from_retriever") else Guard.from_csv(CSV)


def _members(chain) -> list:
    """The chain's member checks (any attribute holding objects with ``check``)."""
    found = []
    for value in vars(chain).values():
        items = value if isinstance(value, (list, tuple)) else [value]
        found += [m for m in items if hasattr(m, "check") and hasattr(m, "name") and m is not chain]
    return found


@pytest.fixture(scope="module")
def built_members(retriever) -> dict:
    from guards import InjectionGuard, SafetyGuard, TopicGuard

    return {"topic": TopicGuard(retriever), "safety": SafetyGuard(), "injection": InjectionGuard()}


@pytest.fixture(scope="module", params=MEMBERS)
def member(request, built_members):
    return built_members[request.param]


@pytest.fixture(scope="module")
def output_guard():
    from guards import OutputGuard

    return OutputGuard.from_csv(CSV)


# -- contracts ----------------------------------------------------------------------


def assert_verdict(v) -> None:
    assert isinstance(v, Verdict), f"{type(v).__name__}, not a Verdict"
    assert isinstance(v.allowed, bool)
    assert isinstance(v.guard, str) and v.guard
    assert isinstance(v.score, (int, float)) and math.isfinite(v.score), v.score
    assert isinstance(v.reason, str)
    if v.allowed:
        assert v.guard != "error", v


def assert_output_verdict(v, answer: str) -> None:
    assert isinstance(v, OutputVerdict), f"{type(v).__name__}, not an OutputVerdict"
    assert isinstance(v.allowed, bool) and isinstance(v.reason, str)
    assert isinstance(v.findings, tuple)
    for f in v.findings:
        assert_finding(f, answer)
    if v.allowed:
        assert not v.reason.startswith("error"), v.reason


def assert_finding(f, answer: str) -> None:
    assert isinstance(f, Finding), type(f)
    assert isinstance(f.kind, str) and isinstance(f.detail, str)
    assert 0 <= f.start <= f.end <= len(answer), (f.start, f.end, len(answer))
    assert f.text == answer[f.start:f.end], (f.kind, f.text[:40], answer[f.start:f.end][:40])
