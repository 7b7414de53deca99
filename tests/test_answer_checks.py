"""The answer checks (``guards.checks``): seed failures, CSV answers, each kind.

Required properties: every ``must_flag`` of the seed fixtures is flagged
(mapped to the check kinds), and no CSV answer of either domain, checked
against its own question and its own CSV, is flagged as anything.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from guards import Finding
from guards.checks import CHECKS, KINDS, FactIndex, check_no_direct_answer, check_unsupported_fact, run_checks
from harness._csvdata import load_qa_csv

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "fixtures" / "seed_failures.json"
if not SEED.exists():  # a copy travels with the repo (the read-only shared/ is beside CI's clone only)
    SEED = ROOT / "tests" / "data" / "seed_failures.json"
if not SEED.exists():  # a checkout where shared/ sits inside the repository
    SEED = ROOT / "shared" / "fixtures" / "seed_failures.json"
DOMAINS = {d.name: ROOT / "data" / f"{d.name}.csv" for d in (ROOT / "data" / "probes").iterdir() if d.is_dir()}
DOMAINS["qallariy"] = ROOT / "tests" / "data" / "qallariy.csv"
del DOMAINS["valle_alto"]  # never tuned on, by design: its row 22 («¿Cuándo se puede expulsar ...?») stays flagged
EVAL = ROOT / "tests" / "data" / "answer_checks_eval.jsonl"
# seed labels -> check kinds; unsafe_prompt / off_topic belong to the input guard
MUST_FLAG = {"hallucination": "unsupported_fact", "unsupported_number": "unsupported_fact",
             "stray_token": "stray_token", "repetition": "repetition", "truncated": "truncated",
             "no_direct_answer": "no_direct_answer"}


def _rows(domain: str):
    path = DOMAINS[domain]
    if not path.exists():
        pytest.skip(f"{path} is not there yet")
    return load_qa_csv(path).rows


@pytest.fixture(scope="module")
def index() -> dict[str, FactIndex]:
    return {d: FactIndex.from_rows(_rows(d)) for d in DOMAINS if DOMAINS[d].exists()}


@pytest.fixture(scope="module")
def cenfo(index) -> FactIndex:
    if "cenfobank" not in index:
        pytest.skip("data/cenfobank.csv is not there yet")
    return index["cenfobank"]


def kinds(question: str, answer: str, facts: FactIndex) -> set[str]:
    return {f.kind for f in run_checks(question, answer, facts)}


# ---------------------------------------------------------------- required properties

SEED_CASES = json.loads(SEED.read_text(encoding="utf-8"))["cases"] if SEED.exists() else []


@pytest.mark.parametrize("case", SEED_CASES, ids=[c["id"] for c in SEED_CASES])
def test_every_seed_must_flag_is_flagged(case, cenfo):
    found = kinds(case["prompt"], case["output"], cenfo)
    wanted = {MUST_FLAG[m] for m in case["must_flag"] if m in MUST_FLAG}
    if case["id"] == "fig2.9-unsafe":
        wanted |= {"stray_token", "refusal"}  # the answer is a refusal carrying "everybody"
    assert wanted, case["id"]
    assert wanted <= found, f"{case['id']}: wanted {sorted(wanted)}, found {sorted(found)}"


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_no_csv_answer_is_flagged(domain, index):
    rows = _rows(domain)
    flagged = [(r.row, [(f.kind, f.text) for f in run_checks(r.question, r.answer, index[domain])])
               for r in rows]
    flagged = [x for x in flagged if x[1]]
    assert not flagged, f"{domain}: {flagged[:5]}"


@pytest.mark.parametrize("csv_path", sorted((ROOT / "data").glob("*.csv")), ids=lambda p: p.stem)
def test_no_csv_answer_states_an_unsupported_fact(csv_path):
    """Every shipped CSV, the blind ones included: against the whole CSV and against its own row."""
    rows = load_qa_csv(csv_path).rows
    whole = FactIndex.from_rows(rows)
    flagged = [(r.row, f.text) for r in rows for idx in (whole, FactIndex.from_rows([r]))
               for f in check_unsupported_fact(r.question, r.answer, idx)]
    assert not flagged, f"{csv_path.stem}: {flagged[:5]}"


@pytest.mark.parametrize("domain", ["cenfobank", "mikhuy", "qorilazo", "santa_rosa"])
def test_no_csv_answer_is_flagged_against_its_own_row_only(domain):
    rows = _rows(domain)
    flagged = [r.row for r in rows if run_checks(r.question, r.answer, FactIndex.from_rows([r]))]
    assert not flagged, f"{domain}: rows {flagged[:10]}"


def test_fig26_invented_programmes_and_durations(cenfo):
    case = next(c for c in SEED_CASES if c["id"] == "fig2.6-epoch1")
    texts = {f.text for f in check_unsupported_fact(case["prompt"], case["output"], cenfo)}
    for name in ("Contador Comercial", "Asistente Bancario", "Operador Bancario", "Agente Bancario",
                 "Contador Bancario", "2 años", "4 años"):
        assert name in texts, name


def test_fig28b_fee_is_unsupported_and_not_answered(cenfo):
    case = next(c for c in SEED_CASES if c["id"] == "fig2.8b")
    facts = check_unsupported_fact(case["prompt"], case["output"], cenfo)
    assert [f.text for f in facts] == ["$/ 300"]  # "escenario 5" echoes the question
    assert check_no_direct_answer(case["prompt"], case["output"], cenfo)


# ---------------------------------------------------------------- unsupported_fact

CSV_TEXT = ("La mensualidad es de S/ 1,200.00 y la matrícula de S/ 150. El programa dura 2 años. "
            "Las clases son de 7:00 p.m. a 10:00 p.m. El examen es el 15 de marzo de 2027. "
            "Llámanos al (084) 23-4567 o escribe a informes@demo.edu.pe. Web: www.demo.edu.pe. "
            "Ofrecemos el programa Asesor de Banca Digital y el 10% de descuento.")


@pytest.fixture(scope="module")
def small() -> FactIndex:
    return FactIndex.from_texts([CSV_TEXT])


@pytest.mark.parametrize("answer", [
    "Cuesta S/ 1200 al mes.", "Cuesta 1200 soles al mes.", "Cuesta S/1,200 al mes.", "Cuesta S/. 1.200 al mes.",
    "Cuesta mil doscientos soles al mes.", "Dura dos años.", "Dura 24 meses.", "Dura cuatro semestres.",
    "Las clases son de 19:00 a 22:00.", "Las clases son de 7 p. m. a 10 p. m.",
    "El examen es el 15/03/2027.", "El examen es el 15 de marzo.", "Llámanos al 084 234567.",
    "Escribe a informes@demo.edu.pe.", "Visita https://www.demo.edu.pe/", "Hay un diez por ciento de descuento.",
    "El programa de Asesor de Banca Digital es virtual.", "Llámanos al 23-4567.",
])
def test_same_fact_written_differently_is_supported(small, answer):
    assert check_unsupported_fact("", answer, small) == []


@pytest.mark.parametrize("answer, text", [
    ("Cuesta S/ 1,300.00 al mes.", "S/ 1,300.00"), ("Cuesta 1201 soles.", "1201 soles"),
    ("Dura 3 años.", "3 años"), ("Las clases son de 7:00 p.m. a 11:00 p.m.", "11:00 p.m."),
    ("El examen es el 16 de marzo de 2027.", "16 de marzo de 2027"), ("Llámanos al (084) 23-4568.", "(084) 23-4568"),
    ("Escribe a info@demo.edu.pe.", "info@demo.edu.pe"), ("Visita www.demo.com/becas", "www.demo.com/becas"),
    ("Hay 15% de descuento.", "15%"), ("Cuesta $ 150.", "$ 150"),
    ("Ofrecemos el Diplomado en Finanzas Islámicas.", "Diplomado en Finanzas Islámicas"),
    ("Tenemos 4800 egresados.", "4800"),
])
def test_wrong_or_invented_fact_is_flagged(small, answer, text):
    assert [f.text for f in check_unsupported_fact("", answer, small)] == [text]


MEASURE_CSV = ("La cumbre está a 5,350 m y la caminata sube 850 metros. Cada mula carga 40 kg. "
               "El cartucho de gas pesa 230 g, la bolsa de dormir resiste -15 °C y la botella es de 1.5 litros. "
               "El lote tiene 12 años.")


@pytest.mark.parametrize("answer", [
    "La cumbre está a 5350 metros.", "La cumbre está a 5.35 km.", "Sube 850 m.", "La mula carga 40 kilos.",
    "Pesa 230 gramos.", "Resiste -15 °C.", "Resiste hasta -15 ºC.", "Es de 1500 ml.", "Es de 1.5 L... o 1.5 litros.",
])
def test_same_measure_written_differently_is_supported(answer):
    assert check_unsupported_fact("", answer, FactIndex.from_texts([MEASURE_CSV])) == []


@pytest.mark.parametrize("answer, text", [
    ("La grieta tiene 12 m.", "12 m"),  # the CSV's 12 is a number of years, not of metres
    ("La mula carga 230 kg.", "230 kg"), ("La cumbre está a 5,530 m.", "5,530 m"),
    ("Resiste 15 °C.", "15 °C"), ("Pesa 40 g.", "40 g"), ("Cuesta 40 euros.", "40 euros"),
])
def test_measure_with_another_value_or_unit_is_flagged(answer, text):
    assert [f.text for f in check_unsupported_fact("", answer, FactIndex.from_texts([MEASURE_CSV]))] == [text]


def test_auxiliary_ha_is_not_a_measure():
    assert check_unsupported_fact("", "En 2023 ha sido un buen año.", FactIndex.from_texts(["Desde 2023."])) == []


def test_fact_in_question_is_supported(small):
    assert check_unsupported_fact("¿Es verdad que cuesta S/ 999?", "No, S/ 999 no es el precio.", small) == []
    assert check_unsupported_fact("¿Y el escenario 5?", "En el escenario 5 no aplica.", small) == []


def test_list_markers_and_years_are_not_invented(small):
    answer = "Pasos:\n1. Inscríbete.\n2) Paga S/ 150.\n3. Rinde el examen en 2027."
    assert check_unsupported_fact("", answer, small) == []


def test_grounded_subset_checks_only_the_retrieved_rows(cenfo):
    rows = _rows("cenfobank")
    fee = next(r for r in rows if "S/ 480" in r.answer and "mensualidad" in r.answer.lower())
    other = next(r for r in rows if "S/ 450" in r.answer and "mensualidad" in r.answer.lower())
    answer = "La mensualidad es de S/ 480."
    assert check_unsupported_fact(fee.question, answer, cenfo) == []
    assert check_unsupported_fact(other.question, answer, FactIndex.from_rows([fee])) == []
    flagged = check_unsupported_fact(other.question, answer, FactIndex.from_rows([other]))
    assert [f.text for f in flagged] == ["S/ 480"]


def test_fact_index_is_frozen_and_accepts_pairs():
    idx = FactIndex.from_rows([("¿Precio?", "S/ 20"), "Dura 3 meses"])
    with pytest.raises(Exception):
        idx.amounts = frozenset()  # type: ignore[misc]
    assert (20.0, "PEN") in idx.amounts and ("m", 3.0) in idx.durations


# ---------------------------------------------------------------- registry, spans, robustness

def test_registry_holds_every_kind():
    assert set(CHECKS) == {"repetition", "unsupported_fact", "stray_token", "truncated", "refusal",
                           "no_direct_answer"}
    assert KINDS == tuple(CHECKS)


def test_findings_are_spans_of_the_answer(index):
    items = [json.loads(x) for x in EVAL.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(items) >= 80
    for item in items:
        if item["domain"] not in index:
            continue
        for f in run_checks(item["question"], item["answer"], index[item["domain"]]):
            assert isinstance(f, Finding) and f.kind in CHECKS
            assert 0 <= f.start <= f.end <= len(item["answer"])
            assert f.text == item["answer"][f.start:f.end] and f.detail


@pytest.mark.parametrize("unit", ["a", "1 ", "S/ 1 ", "@", "www.", ". everybody", "(1) ", "Aa de ", "«", "1:1",
                                  "muy ", "\n", "12/12/", "Lo siento, no puedo ", "é", "uno dos ", "veinte y ",
                                  "5 m ", "-1 °C "])
def test_long_adversarial_input_is_fast(small, unit):
    answer = unit * (20_000 // len(unit))
    t0 = time.process_time()
    for check in CHECKS.values():
        check("¿Cuánto cuesta?", answer, small)
    assert time.process_time() - t0 < 2.0


def test_one_kilobyte_answer_is_fast(cenfo):
    rows = _rows("cenfobank")
    answer = " ".join(r.answer for r in rows[60:66])[:1024]
    question = "¿Qué programas ofrece CENFOBANK y cuánto cuestan?"
    run_checks(question, answer, cenfo)
    best = min(_cpu(lambda: run_checks(question, answer, cenfo)) for _ in range(5))
    assert best < 0.010, f"{best * 1000:.1f} ms"  # ~3 ms on an idle core; headroom for a loaded CI box


def _cpu(fn) -> float:
    t0 = time.process_time()
    for _ in range(10):
        fn()
    return (time.process_time() - t0) / 10


def test_eval_set_precision_and_recall(index):
    """Regression floor on the hand-written set (all splits; see bench/answer_checks.py)."""
    items = [json.loads(x) for x in EVAL.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert {i["split"] for i in items} >= {"tune", "heldout"}
    assert sum(i["split"] == "heldout" for i in items) >= 40
    assert {i["domain"] for i in items} >= {"cenfobank", "mikhuy"}
    tp = fp = fn = good_flagged = 0
    for item in items:
        if item["domain"] not in index:
            continue
        found = {f.kind for f in run_checks(item["question"], item["answer"], index[item["domain"]])}
        expected = set(item["expected"])
        tp, fp, fn = tp + len(found & expected), fp + len(found - expected), fn + len(expected - found)
        good_flagged += bool(not expected and found - {"refusal"})
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9, (tp, fp, fn)
    assert good_flagged <= 2


@pytest.mark.parametrize("domain", ["cenfobank", "mikhuy"])
def test_probe_prompts_answered_by_their_row_are_not_flagged(domain, index):
    """Paraphrased, hard and oddly formatted prompts, answered with the CSV answer of their row."""
    import csv

    rows = {r.row: r for r in _rows(domain)}
    checked, flagged = 0, []
    for name in ("paraphrase.csv", "hard_benign.csv", "odd_format.csv"):
        path = ROOT / "data" / "probes" / domain / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh, delimiter=";"):
                row = rows.get(int(rec["row"])) if (rec.get("row") or "").strip().isdigit() else None
                if row is None:
                    continue
                checked += 1
                found = run_checks(rec["prompt"], row.answer, index[domain])
                if found:
                    flagged.append((rec["prompt"][:60], [(f.kind, f.text[:30]) for f in found]))
    if not checked:
        pytest.skip(f"no probe files for {domain} yet")
    assert not flagged, flagged[:5]

