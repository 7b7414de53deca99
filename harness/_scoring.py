"""Reference-based scores: ROUGE-L (through ``evaluate``) and fact recall."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

_METRIC = Path(__file__).parent / "metrics" / "rouge_l" / "rouge_l.py"
_LOCK = threading.Lock()
_NUM = re.compile(r"\d+(?:[.,:]\d+)*")


@lru_cache(maxsize=1)
def _rouge():
    import evaluate

    return evaluate.load(str(_METRIC))


def rouge_l(predictions: list[str], references: list[str]) -> list[float]:
    """ROUGE-L F-measure per pair, 0..1."""
    if not predictions:
        return []
    with _LOCK:
        out = _rouge().compute(predictions=predictions, references=references, use_aggregator=False)
    return [float(x) for x in out["rougeL"]]


def _numbers(text: str) -> set[str]:
    text = unicodedata.normalize("NFKC", text)
    out = set()
    for m in _NUM.finditer(text):
        tok = m.group(0)
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", tok):
            tok = tok.replace(",", "")
        tok = re.sub(r"[.,]0+$", "", tok)
        out.add(tok)
    return out


def fact_recall(answer: str, reference: str) -> float | None:
    """Share of the reference's numbers (fees, dates, times, phones) present in
    the answer; ``None`` when the reference states no number."""
    gold = _numbers(reference)
    if not gold:
        return None
    return len(gold & _numbers(answer)) / len(gold)
