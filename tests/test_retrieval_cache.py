"""The retriever's row embeddings: the answer-sentence views and the on-disk cache (rebuilt when corrupt,
completed when a newer view is missing)."""

from __future__ import annotations

import numpy as np
import pytest

from harness._csvdata import QARow
from harness._retrieval import Retriever

from ._domain import csv_path, isolated_cache, retriever  # noqa: F401  (fixtures)


def test_embeddings_are_cached_on_disk_and_reused(retriever, csv_path, isolated_cache, monkeypatch):
    files = list((isolated_cache / "retriever").glob("*.npz"))
    assert any(f.stem == retriever.key for f in files)
    assert not list((isolated_cache / "retriever").glob("*.tmp*"))

    def boom():
        raise AssertionError("the embedder must not run when the cache is warm")

    with monkeypatch.context() as mp:
        mp.setattr("harness._retrieval.get_embedder", boom)
        again = Retriever.from_csv(csv_path)
    assert np.array_equal(again.question_vectors, retriever.question_vectors)
    assert [h.row for h in again.search("becas")] == [h.row for h in retriever.search("becas")]


def test_corrupt_cache_is_rebuilt(isolated_cache):
    rows = [QARow(2, "¿Hay estacionamiento?", "Sí, hay cochera para 10 autos."),
            QARow(3, "¿Venden libros?", "Sí, los libros cuestan S/ 50.")]
    path = isolated_cache / "retriever" / "corrupt-key.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a zip file")
    ret = Retriever.from_rows(rows, key="corrupt-key")
    assert ret.search("parqueo para el carro")[0].row == 2
    with np.load(path) as z:
        assert z["q"].shape == (2, 384)


def test_a_cache_file_lacking_a_newer_view_gets_that_view_alone_embedded(isolated_cache, monkeypatch):
    rows = [QARow(2, "¿Hay estacionamiento?", "Sí, hay cochera para 10 autos."),
            QARow(3, "¿Venden libros?", "Sí, los libros cuestan S/ 50. Pagos con Yape.")]
    first = Retriever.from_rows(rows, key="older-key")
    path = isolated_cache / "retriever" / "older-key.npz"
    with np.load(path) as z:  # as written before the USE sentence view existed
        older = {k: z[k] for k in z.files if k != "us"}
    np.savez(path, **older)

    def boom():
        raise AssertionError("the e5 views are cached: e5 must not run")

    monkeypatch.setattr("harness._embed.get_embedder", boom)
    again = Retriever.from_rows(rows, key="older-key")
    assert np.allclose(again._v["us"], first._v["us"], atol=1e-6)
    assert np.array_equal(again._v["q"], first._v["q"])
    with np.load(path) as z:
        assert z["us"].shape == (3, 512)


def test_sentence_view_is_each_rows_best_answer_sentence(retriever):
    """``s``: the e5 cosine of the query with the best sentence of each row's answer, each embedded after
    its question; every row has at least one sentence; ``use_s``: the same with USE."""
    from harness._embed import answer_sentences, get_embedder, get_use_embedder

    assert answer_sentences("¿Horario?", "Abrimos a las 8. Los domingos, de 9 a 1.") == [
        "¿Horario? Abrimos a las 8.", "¿Horario? Los domingos, de 9 a 1."]
    owners = retriever._v["s_row"]
    assert set(owners.tolist()) == set(range(len(retriever)))
    text = "¿atienden los domingos?"
    sig = retriever.signals(text)
    vec = retriever.embed(text)
    row = 0
    sentences = answer_sentences(retriever.rows[row].question, retriever.rows[row].answer)
    best = float((get_embedder().passages(sentences) @ vec).max())
    assert sig["s"][row] == pytest.approx(best, abs=1e-4)
    assert len(sentences) == int((owners == row).sum())
    best_use = float((get_use_embedder().encode(sentences) @ retriever.embed_use(text)).max())
    assert sig["use_s"][row] == pytest.approx(best_use, abs=1e-4)
    assert retriever._v["us"].shape == (len(owners), 512)
