"""One Guard and one GuardedModel shared by 8 threads give exactly the
sequential verdicts and answers.

About 100 probe prompts (every probe set of data/probes/cenfobank) go through
the real Guard, OutputGuard and Retriever built from data/cenfobank.csv; the
generator is a :class:`TableGenerator` whose canned answers exercise every
action (answered, cut, cleaned, fallback, refused).
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import DATA

CSV = DATA / "cenfobank.csv"
THREADS = 8
PER_SET = 17  # 6 sets -> 102 prompts
PASSES = 2  # each prompt is asked PASSES times concurrently, in shuffled order


@pytest.fixture(scope="module")
def prompts() -> list:
    from harness._probesets import load_probe_sets

    sets = load_probe_sets(DATA / "probes" / "cenfobank")
    chosen = []
    for name in sorted(sets):
        items = sets[name]
        chosen += items[:: max(1, len(items) // PER_SET)][:PER_SET]
    assert 90 <= len(chosen) <= 110
    return chosen


@pytest.fixture(scope="module")
def model(prompts):
    from guards import GuardedModel
    from harness._csvdata import load_qa_csv
    from harness._generator import TableGenerator

    rows = {r.row: r for r in load_qa_csv(CSV).rows}
    table = {}
    for i, item in enumerate(prompts):
        gold = rows[item.row].answer if item.row in rows else "Lo siento, no tengo esa información."
        table[item.prompt] = [
            gold,                                                     # answered
            gold + " " + "Gracias por su consulta. " * 8,              # loop -> cut
            "<|im_end|> " + gold + " </s>",                            # stray tokens -> cleaned
            "La matrícula cuesta S/ 9,999 y el curso dura 77 meses.",  # unsupported facts -> fallback
            "",                                                       # nothing -> fallback or refused
        ][i % 5]
    return GuardedModel.from_csv(str(CSV), TableGenerator(table, default=""))


def key_of_verdict(v) -> tuple:
    return (v.allowed, v.guard, round(float(v.score), 6), v.reason)


def key_of_answer(res) -> tuple:
    ov = res.output_verdict
    return (res.question, res.answer, res.action, key_of_verdict(res.input_verdict), res.raw_answer,
            res.fallback_row, None if ov is None else (ov.allowed, ov.reason),
            tuple((f.kind, f.start, f.end, f.text, f.detail) for f in res.findings))


def cold(model) -> None:
    """Empty the retriever's query-embedding cache, so that the threads really
    embed concurrently instead of reading what the sequential pass left."""
    ret = model.retriever
    if hasattr(ret, "_cache") and hasattr(ret, "_lock"):
        with ret._lock:
            ret._cache.clear()


def run_threads(fn, items: list) -> dict:
    """``fn`` over ``items`` PASSES times from THREADS threads; every result per item."""
    order = [i for _ in range(PASSES) for i in range(len(items))]
    random.Random(7).shuffle(order)
    results: dict[int, list] = {i: [] for i in range(len(items))}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(chunk):
        start.wait()  # all threads hit the shared objects at once
        for i in chunk:
            out = fn(items[i])
            with lock:
                results[i].append(out)

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(work, order[t::THREADS]) for t in range(THREADS)]
        for f in futures:
            f.result()  # re-raise any exception from a thread
    return results


def test_guard_threads_match_sequential(model, prompts):
    guard = model.guard
    texts = [p.prompt for p in prompts]
    sequential = [key_of_verdict(guard.check(t)) for t in texts]
    concurrent = run_threads(lambda t: key_of_verdict(guard.check(t)), texts)
    for i, t in enumerate(texts):
        assert concurrent[i] == [sequential[i]] * PASSES, t
    # the sample really exercises both outcomes
    assert {s[0] for s in sequential} == {True, False}


def test_guarded_model_threads_match_sequential(model, prompts):
    """Cold cache: the 8 threads embed concurrently (one embedder, one LRU)."""
    texts = [p.prompt for p in prompts]
    sequential = [key_of_answer(model.ask(t)) for t in texts]
    cold(model)
    concurrent = run_threads(lambda t: key_of_answer(model.ask(t)), texts)
    for i, t in enumerate(texts):
        assert concurrent[i] == [sequential[i]] * PASSES, t
    actions = {s[2] for s in sequential}
    assert "refused" in actions and "fallback" in actions and len(actions) >= 3, actions


def test_ask_many_threads_match_sequential(model, prompts):
    """Batched calls (ask_many) racing each other agree with one sequential batch."""
    texts = [p.prompt for p in prompts]
    sequential = [key_of_answer(r) for r in model.ask_many(texts)]
    batches = [texts[i:i + 13] for i in range(0, len(texts), 13)]
    concurrent = run_threads(lambda b: [key_of_answer(r) for r in model.ask_many(b)], batches)
    flat = {}
    for i, b in enumerate(batches):
        for got in concurrent[i]:
            for j, k in enumerate(got):
                flat.setdefault(i * 13 + j, set()).add(k)
    for i, t in enumerate(texts):
        assert flat[i] == {sequential[i]}, t
