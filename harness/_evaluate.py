"""Answer probe items with each system and score every answer.

Systems (``--systems``):

* ``retrieval`` — the top-1 CSV answer, verbatim, no LLM: the floor;
* ``tuned`` — the fine-tuned model, question only (the seed's way);
* ``grounded`` — the same model with the top-k retrieved CSV rows in the prompt;
* ``tuned+grounded`` — an adapter trained with retrieved rows, queried the same way;
* ``guarded`` — the shipping configuration: input guard, the ship system, output
  guard with CSV fallback;
* ``base`` — the untuned model (safety regression baseline).

Every answer becomes one versioned record in ``answers.jsonl``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

from ._probesets import ProbeItem
from ._scoring import fact_recall, rouge_l

log = logging.getLogger(__name__)
ANSWER_SCHEMA = "centinela.answer/1"


@dataclass(frozen=True)
class AnswerRecord:
    """One system's answer to one probe item, scored.

    Attributes:
        system: which system answered.
        set: probe set (``verbatim`` = the CSV's own questions).
        item_id: the probe item's id.
        split: ``tune``, ``heldout`` or ``csv``.
        lang: ``es`` or ``en``.
        prompt: the question sent.
        expected_row: CSV row that answers it, if any.
        reference: that row's answer ("" when none).
        answer: the final answer shown.
        raw_answer: the generator's text before any guard action.
        action: ``answered``, ``refused``, ``cut``, ``cleaned`` or ``fallback``.
        refused: the answer is a refusal (input guard, or a refusal in the text).
        input_guard: the input verdict as a dict, if the system has a guard.
        findings: answer-check findings on ``raw_answer``, as dicts.
        rouge_l: ROUGE-L F against ``reference`` (``None`` without one).
        fact_recall: share of the reference's numbers in the answer (``None`` without).
        retrieved_rows: CSV rows retrieved for the prompt (grounded systems).
        latency_ms: wall time per answer (batch time / batch size for models).
    """

    system: str
    set: str
    item_id: str
    split: str
    lang: str
    prompt: str
    expected_row: int | None
    reference: str
    answer: str
    raw_answer: str
    action: str
    refused: bool
    input_guard: dict | None
    findings: list[dict]
    rouge_l: float | None
    fact_recall: float | None
    retrieved_rows: list[int] = field(default_factory=list)
    latency_ms: float = 0.0
    schema: str = ANSWER_SCHEMA

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Scorer:
    """Scores raw answers with the output guard's checks and the references."""

    output_guard: Any
    reference_of: Callable[[int | None], str]
    retriever: Any

    def record(self, system: str, item: ProbeItem, answer: str, *, raw: str | None = None,
               action: str = "answered", input_verdict: Any = None, latency_ms: float = 0.0,
               grounded: bool = False, findings: Sequence[Any] | None = None) -> AnswerRecord:
        raw = answer if raw is None else raw
        hits = self.retriever.search(item.prompt, k=3) if grounded else []
        if findings is None:
            findings = self.output_guard.check(item.prompt, raw, rows=hits or None).findings if raw else ()
        ref = self.reference_of(item.row)
        kinds = {f.kind for f in findings}
        refused = action == "refused" or "refusal" in kinds
        return AnswerRecord(
            system=system, set=item.set, item_id=item.id, split=item.split, lang=item.lang, prompt=item.prompt,
            expected_row=item.row, reference=ref, answer=answer, raw_answer=raw, action=action, refused=refused,
            input_guard=asdict(input_verdict) if input_verdict is not None else None,
            findings=[asdict(f) for f in findings],
            rouge_l=rouge_l([answer], [ref])[0] if ref else None,
            fact_recall=fact_recall(answer, ref) if ref else None,
            retrieved_rows=[h.row for h in hits], latency_ms=round(latency_ms, 2))


def timed_generate(generator: Any, prompts: list[str]) -> tuple[list[str], float]:
    """Answers and the mean wall time per answer in ms."""
    if not prompts:
        return [], 0.0
    t0 = time.perf_counter()
    out = generator.generate(prompts)
    return out, (time.perf_counter() - t0) * 1000 / len(prompts)


def answer_retrieval(items: Sequence[ProbeItem], retriever: Any, scorer: Scorer) -> list[AnswerRecord]:
    """The ``retrieval`` system: :class:`RetrievalGenerator`'s answer, timed per prompt."""
    from ._generator import RetrievalGenerator

    gen = RetrievalGenerator(retriever)
    out = []
    for it in items:
        t0 = time.perf_counter()
        ans = gen.generate([it.prompt])[0]
        ms = (time.perf_counter() - t0) * 1000
        out.append(scorer.record("retrieval", it, ans, latency_ms=ms, findings=()))
    return out


def answer_model(system: str, items: Sequence[ProbeItem], generator: Any, scorer: Scorer,
                 grounded: bool = False) -> tuple[list[AnswerRecord], dict[str, str]]:
    prompts = [it.prompt for it in items]
    answers, ms = timed_generate(generator, prompts)
    recs = [scorer.record(system, it, a, latency_ms=ms, grounded=grounded) for it, a in zip(items, answers)]
    return recs, dict(zip(prompts, answers))


def answer_guarded(items: Sequence[ProbeItem], guarded: Any, scorer: Scorer,
                   cache: dict[str, str]) -> list[AnswerRecord]:
    """The shipping system; reuses the ship system's raw answers in ``cache``
    and generates only for accepted prompts that are not cached."""
    prompts = [it.prompt for it in items]
    verdicts = [guarded.screen(p) for p in prompts]
    missing = [p for p, v in zip(prompts, verdicts) if v.allowed and p not in cache]
    if missing:
        gen, _ = timed_generate(guarded.generator, missing)
        cache.update(zip(missing, gen))
    out = []
    for it in items:
        t0 = time.perf_counter()
        res = guarded.ask_many([it.prompt], answers=[cache.get(it.prompt, "")])[0]
        ms = (time.perf_counter() - t0) * 1000
        out.append(scorer.record("guarded", it, res.answer, raw=res.raw_answer, action=res.action,
                                 input_verdict=res.input_verdict, latency_ms=ms,
                                 findings=res.findings, grounded=guarded.grounded))
    return out
