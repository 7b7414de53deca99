"""Hybrid retrieval: lexical helpers, ranking, fusion, thread safety (row views and their cache:
``test_retrieval_cache.py``)."""

from __future__ import annotations

import dataclasses
import sys
import threading

import numpy as np
import pytest

from harness import _lexical as lx
from harness._retrieval import Hit, Retriever

from ._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)


# ------------------------------------------------------------- lexical side
def test_fold_strips_accents_case_and_punctuation():
    assert lx.fold("¿Cuánto CUESTA la Matrícula?") == "cuanto cuesta la matricula"
    assert lx.fold("Año, niño!") == "ano nino"


def test_terms_drop_stop_words_and_stem_plurals_together():
    assert lx.stem("horarios") == lx.stem("horario")
    assert lx.stem("becas") == lx.stem("beca")
    assert "la" not in lx.terms("la matrícula")
    assert lx.stem("matricula") in lx.terms("la matrícula")


def test_glossary_links_synonyms_and_languages():
    assert set(lx.concepts("price")) & set(lx.concepts("cuesta"))
    assert set(lx.concepts("profes")) & set(lx.concepts("docentes"))
    assert not set(lx.concepts("price")) & set(lx.concepts("horario"))


def test_near_forgives_one_typo_but_not_short_words():
    vocab = frozenset({"matricula", "horario", "beca"})
    assert lx.near("matricla", vocab) == "matricula"
    assert lx.near("hroario", vocab) == "horario"  # transposition
    assert lx.near("bca", vocab) is None
    assert lx.near("zapato", vocab) is None


def test_near_matches_a_scan_of_the_whole_vocabulary():
    """The deletion index finds what comparing the word with every vocabulary word finds (same first
    letter, the closest, then alphabetical), for random typos of real CSV words and for unrelated words."""
    import random

    from .conftest import DATA, ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from guard_speed import scan  # noqa: E402  (the scan near() replaced, also the bench's reference)

    vocab = frozenset(lx.words((DATA / "cenfobank.csv").read_text(encoding="utf-8")))

    rng = random.Random(7)
    words, letters = sorted(vocab), "abcdeilmnorstuz"
    for _ in range(1500):
        w = list(rng.choice(words))
        for _ in range(rng.choice((1, 1, 2, 3))):
            i = rng.randrange(len(w) + 1)
            op = rng.choice("isdt")
            if op == "i":
                w.insert(i, rng.choice(letters))
            elif w and op == "s":
                w[min(i, len(w) - 1)] = rng.choice(letters)
            elif w and op == "d":
                del w[min(i, len(w) - 1)]
            elif len(w) > 1:
                j = min(i, len(w) - 2)
                w[j], w[j + 1] = w[j + 1], w[j]
        word = "".join(w)
        if word:
            assert lx.near(word, vocab) == scan(word, vocab), word


def test_bm25_ranks_the_matching_document_first():
    bm = lx.BM25([["precio", "curso"], ["horario", "curso"], ["beca"]])
    scores = bm.scores(["horario"])
    assert scores.argmax() == 1 and scores[0] == 0.0
    assert bm.scores({"beca": 2.0})[2] == pytest.approx(2 * bm.scores(["beca"])[2])


def test_clean_removes_markup_and_shouting():
    assert lx.clean("<b>becas</b> <i>disponibles</i>?") == "becas disponibles ?"
    assert lx.clean("CUANTO CUESTA LA PENSION???") == "cuanto cuesta la pension?"
    assert lx.clean("**Horario** de _inglés_") == "Horario de inglés"
    assert lx.clean("beca\udc80s\x00") == "becas"


# -------------------------------------------------------------- retrieval
@pytest.mark.parametrize("query, row", [
    ("¿Cuánto cuesta la matrícula?", 4),          # verbatim
    ("cuanto cuesta la matricla", 4),             # no accents, typo
    ("precio de la matrícula", 4),                # synonym
    ("monthly fee for english?", 5),              # English, glossary
    ("horarios de noche", 6),                     # keywords
    ("becas", 8),                                 # one word
    ("whatsapp?", 13),
    ("¿si me salgo me regresan la plata?", 15),
    ("¿Cuál es la dirección de la academia?", 3),
])
def test_search_finds_the_right_row(retriever, query, row):
    hits = retriever.search(query, k=3)
    assert hits[0].row == row, [(h.row, h.question) for h in hits]


def test_search_ranks_a_near_miss_in_the_top_three(retriever):
    # Since the USE cosines joined the fusion (on the 607 paraphrases of four
    # domains top-1 87.1 -> 88.1 %, top-3 94.7 -> 96.5 %: bench/retrieval.py), this
    # one ranks "¿Cuánto dura cada nivel?" first: USE reads "nivel" louder than
    # "diploma".  It must still be among the three rows a grounded prompt shows.
    hits = retriever.search("¿dan algún diploma al terminar el nivel?", k=3)
    assert 10 in [h.row for h in hits], [(h.row, h.question) for h in hits]


def test_hits_are_frozen_ordered_and_sized(retriever):
    hits = retriever.search("¿Tienen clases los sábados?", k=5)
    assert len(hits) == 5
    assert all(isinstance(h, Hit) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.row for h in hits}) == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        hits[0].score = 1.0  # type: ignore[misc]
    assert retriever.search("hola", k=0) == []
    assert retriever.search("bec\udc80as\x00\u200b")[0].row == 8  # surrogates / NUL do not crash
    assert len(retriever.search("x", k=100)) == len(retriever)


def test_profile_exposes_raw_scores_and_leave_one_out(retriever):
    prof = retriever.profile("¿Ofrecen becas?")
    n = len(retriever)
    assert prof.vector.shape == (384,)
    for arr in (prof.dense_q, prof.dense_a, prof.dense, prof.lexical, prof.fused):
        assert arr.shape == (n,)
    assert int(prof.fused.argmax()) == 6 and prof.dense_q[6] > 0.95
    assert 0.0 <= prof.lexical.min() and prof.lexical.max() == pytest.approx(1.0)
    assert prof.coverage == pytest.approx(1.0)
    loo = retriever.profile("¿Ofrecen becas?", exclude=6)
    assert loo.fused[6] < loo.fused.max() and int(loo.fused.argmax()) != 6


def test_vocabulary_knowledge_and_coverage(retriever):
    assert retriever.is_known("matricula") and retriever.is_known("matricla")
    assert retriever.is_known("price")  # through the glossary
    assert not retriever.is_known("futbol")
    assert retriever.profile("fútbol y baloncesto").coverage < 0.5
    only = next(i for i, r in enumerate(retriever.rows) if "Constitución" in r.answer)
    assert retriever.is_known("constitucion")
    assert not retriever.is_known("constitucion", exclude=only)  # leave-one-out
    assert retriever.is_known("huancayo", exclude=only)  # also in another row


def test_needs_rows():
    with pytest.raises(ValueError):
        Retriever([], {"q": np.zeros((0, 384)), "p": np.zeros((0, 384)), "a": np.zeros((0, 384))}, "k")


def test_search_is_thread_safe(retriever):
    queries = ["becas", "precio matrícula", "horario sábado", "whatsapp", "certificado", "profes"] * 3
    expected = [retriever.search(q)[0].row for q in queries]
    retriever._cache.clear()
    results: dict[int, list[int]] = {}

    def work(t: int) -> None:
        results[t] = [retriever.search(q)[0].row for q in (queries[t:] + queries[:t])]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for t, got in results.items():
        assert got == expected[t:] + expected[:t]


def test_second_embedder_joins_the_ranking_and_can_be_left_out(retriever):
    both = retriever.profile("¿Ofrecen becas?")
    e5 = retriever.profile("¿Ofrecen becas?", second=False)
    n = len(retriever)
    assert both.use_q.shape == both.use_a.shape == (n,)
    assert int(both.use_q.argmax()) == 6  # USE alone finds the scholarship row too
    assert not e5.use_q.any() and not e5.use_a.any()
    f = retriever.fusion
    signals = retriever.signals("¿Ofrecen becas?", second=False)
    assert set(signals) == {"q", "p", "a", "l", "s", "aq", "ap", "aa", "as"}
    # without the second embedder the ranking is the e5 + BM25 one (and the CSV's own question ranks its row first)
    combined = f.combine(signals)
    combined[6] = combined.max() + 1.0
    assert np.allclose(e5.fused, combined)
    assert not np.allclose(both.fused, e5.fused)
    loo = retriever.profile("¿Ofrecen becas?", exclude=6)
    assert loo.use_q[6] == 0.0 and int(loo.fused.argmax()) != 6


def test_fusion_weighs_standardised_signals_and_ranks():
    from harness import Fusion
    from harness._hits import SIGNALS

    n = len(SIGNALS)
    assert len(Fusion().z) == len(Fusion().rank) == n
    sig = {"q": np.array([0.9, 0.8, 0.7, 0.1]), "l": np.array([0.0, 1.0, 0.5, 0.2])}
    only_q = Fusion(z=(1,) + (0,) * (n - 1), rank=(0,) * n).combine(sig)
    z = (sig["q"] - sig["q"].mean()) / sig["q"].std()
    assert np.allclose(only_q, z)
    ranks = Fusion(z=(0,) * n, rank=(0, 0, 0, 1) + (0,) * (n - 4)).combine(sig)
    assert np.allclose(ranks, [1 / 4, 1, 1 / 2, 1 / 3])  # reciprocal rank by the lexical signal
    both = Fusion().combine(sig, exclude=1)
    assert both[1] == -1e3
    # the excluded row leaves the standardisation: the others score as if it were absent
    alone = Fusion().combine({k: np.delete(v, 1) for k, v in sig.items()})
    assert np.allclose(np.delete(both, 1), alone)


def test_single_blas_thread_limits_numpy_and_restores_it():
    from threadpoolctl import threadpool_info

    from harness import _embed

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    inside = _embed.single_blas_thread(blas_threads)()
    assert inside and set(inside) == {1}
    assert blas_threads() == before


def test_single_blas_thread_runs_unlimited_without_threadpoolctl(monkeypatch):
    from harness import _embed

    def broken():
        raise ImportError("no threadpoolctl")

    monkeypatch.setattr(_embed, "_blas_controller", broken)
    assert _embed.single_blas_thread(lambda x: x + 1)(1) == 2


def test_a_csv_question_asked_as_written_gets_its_own_row_whatever_the_fusion(isolated_cache, csv_path):  # noqa: F811
    from harness import Fusion

    # a fusion that ranks by lexical rank against the e5 question cosine: the exact row cannot win on merit
    contrary = Fusion(z=(-5,) + (0,) * (len(Fusion().z) - 1), rank=(0,) * len(Fusion().z))
    ret = Retriever.from_csv(csv_path, fusion=contrary)
    for i, row in enumerate(ret.rows):
        for asked in (row.question, row.question.upper().replace("¿", "").replace("?", " ?")):
            assert ret.search(asked, k=1)[0].row == row.row, asked
        assert int(ret.profile(row.question, exclude=i).fused.argmax()) != i  # left out, it stays out
    # a rewording gets no such help: under this fusion the question's own row is not first
    becas = next(i for i, r in enumerate(ret.rows) if "beca" in r.question.lower())
    assert int(ret.profile("becas, ¿ofrecen alguna?").fused.argmax()) != becas
