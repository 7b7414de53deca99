"""`harness report`: one self-contained, escaped HTML page per run or comparison,
with a JSON summary beside it.  Synthetic run folders (tests/_report_synthetic.py)
carry hostile strings in CSV, prompt, answer, gate and guard text."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from harness._report import TEMPLATES, render_report, write_report
from harness._report_charts import loss_chart
from harness._report_data import highlight, load_run, question_rows, retrieval_floor
from harness._summary import KINDS
from tests._report_synthetic import XSS_IMG, XSS_SCRIPT, make_run

TAG = re.compile(r"<[a-zA-Z][^>]*>")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("report")
    out = write_report([make_run(root, "demo-run", per_set=6)], root / "demo-run" / "report.html")
    return out, out.read_text(encoding="utf-8")


def test_hostile_strings_render_as_text(built):
    _, html = built
    for bad in (XSS_SCRIPT, XSS_IMG):
        assert bad not in html
    assert "&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "[link](javascript:window.__xss=3)" in html  # plain text, never a link
    for tag in TAG.findall(html):
        low = tag.lower()
        assert "onerror" not in low and "javascript:" not in low and not low.startswith(("<img", "<iframe")), tag
        assert not low.startswith("<a ") or re.fullmatch(r'<a href="#[\w-]+">', low), tag


def test_only_our_script_runs_and_csp_pins_it(built):
    _, html = built
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    assert len(re.findall(r"<script", html)) == 1 and scripts == [js]
    digest = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in html and "default-src 'none'" in html
    assert "window.pygal" not in html


def test_self_contained_no_network(built):
    _, html = built
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I)
    assert "@import" not in html and "url(http" not in html
    assert not re.search(r"<link\b", html)


def test_sections_in_order(built):
    _, html = built
    anchors = ['id="verdict"', 'id="r0-demo-run-facts"', 'id="r0-demo-run-training"', 'id="r0-demo-run-systems"',
               'id="r0-demo-run-guard"', 'id="r0-demo-run-failures"', 'id="questions"']
    positions = [html.index(a) for a in anchors]
    assert positions == sorted(positions)
    assert html.count('class="pygal-chart"') >= 6  # loss, quality, problems, refusals, latency, guard
    for kind in KINDS:
        assert f'data-kind="{kind}"' in html
    assert "<mark>" in html and 'id="qtable"' in html


def test_verdict_lists_failed_thresholds_with_margin(built):
    _, html = built
    verdict = html[html.index('id="verdict"'):html.index('id="r0-demo-run-facts"')]
    assert 'data-verdict="fail"' in verdict and "NO APTO" in verdict
    assert "accuracy.paraphrase.rouge_l" in verdict and "-0.040" in verdict
    assert "hallucination.in_domain" in verdict and "+0.100" in verdict
    assert "Ningún sistema con modelo supera a la recuperación simple" in verdict


def test_unsupported_fact_example_shows_detail(built):
    _, html = built
    block = html[html.index('data-kind="unsupported_fact"'):html.index('data-kind="stray_token"')]
    assert "Contra el CSV" in block and "el CSV dice S/ 350" in block and "<mark>" in block


def test_json_summary_beside(built):
    out, _ = built
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["schema"] == "centinela.report/1" and data["html"] == "report.html" and data["verdict"] == "fail"
    run = data["runs"][0]
    assert run["verdict"] == "fail" and run["gate_passed"] is False
    assert {c["name"] for c in run["failed_checks"]} == {"accuracy.paraphrase.rouge_l", "hallucination.in_domain"}
    assert run["shipping_system"] == "guarded" and run["retrieval_floor"]["beaten"] is False
    assert set(run["figures"]) == {"retrieval", "tuned", "grounded", "guarded", "base"}
    assert 0 <= run["figures"]["guarded"]["rouge_l"] <= 1


def test_gate_not_run_is_said_plainly(tmp_path):
    out = write_report([make_run(tmp_path, "r", gate=None, per_set=3)], tmp_path / "r.html", lang="en")
    html = out.read_text(encoding="utf-8")
    assert 'data-verdict="not_run"' in html and "gate not run: run pytest probes/" in html
    assert json.loads((tmp_path / "r.json").read_text())["runs"][0]["verdict"] == "not_run"


def test_passing_run_and_model_beating_retrieval(tmp_path):
    out = write_report([make_run(tmp_path, "r", gate="pass", boost=0.3, per_set=4)], tmp_path / "r.html", lang="en")
    html = out.read_text(encoding="utf-8")
    assert 'data-verdict="pass"' in html and "READY" in html
    assert "beats plain retrieval" in html and "No model system beats" not in html


def test_compare_two_runs_with_deltas(tmp_path):
    first = make_run(tmp_path, "epoch-1", epochs=1, per_set=4)
    second = make_run(tmp_path, "epoch-3", epochs=3, gate="pass", seed=1, boost=0.2, per_set=4)
    out = write_report([first, second], tmp_path / "compare.html", lang="en")
    html = out.read_text(encoding="utf-8")
    section = html[html.index('id="compare"'):html.index('id="r0-epoch-1"')]
    assert "epoch-1" in section and "epoch-3" in section
    assert re.search(r'class="delta (better|worse)">[+-]', section)
    assert html.count('class="banner ') == 2 and 'data-filter="run"' in html
    data = json.loads((tmp_path / "compare.json").read_text())
    assert [r["run_id"] for r in data["runs"]] == ["epoch-1", "epoch-3"] and data["verdict"] == "pass"
    assert data["runs"][0]["delta_vs_first"] == {}
    d = data["runs"][1]["delta_vs_first"]["guarded"]["rouge_l"]
    assert d == pytest.approx(data["runs"][1]["figures"]["guarded"]["rouge_l"]
                              - data["runs"][0]["figures"]["guarded"]["rouge_l"], abs=1e-3)


def test_english_and_unknown_language(tmp_path):
    run = make_run(tmp_path, "r", per_set=3)
    html = write_report([run], tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Run facts" in html and "Failed thresholds" in html
    with pytest.raises(ValueError):
        write_report([run], tmp_path / "fr.html", lang="fr")
    with pytest.raises(ValueError):
        write_report([], tmp_path / "none.html")


def test_atomic_overwrite_leaves_no_temp_files(tmp_path):
    run = make_run(tmp_path, "r", per_set=3)
    out = tmp_path / "out" / "report.html"
    write_report([run], out)
    write_report([run], out, lang="en")
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html", "report.json"]
    assert '<html lang="en">' in out.read_text(encoding="utf-8")


def test_missing_optional_files(tmp_path):
    run = make_run(tmp_path, "r", per_set=3)
    for name in ("loss.jsonl", "guard.jsonl", "answers.jsonl"):
        (run / name).unlink()
    html = write_report([run], run / "report.html", lang="en").read_text(encoding="utf-8")
    assert "No loss.jsonl" in html and "No answers.jsonl" in html
    with pytest.raises(FileNotFoundError):
        write_report([tmp_path / "empty"], tmp_path / "x.html")


def test_summary_rebuilt_from_answers_and_torn_jsonl_line(tmp_path):
    run = make_run(tmp_path, "r", per_set=3)
    (run / "summary.json").unlink()
    with open(run / "loss.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"step": 99, "loss"')  # a writer killed mid-line
    folder = load_run(run)
    assert "guarded" in folder.summary["systems"] and folder.loss[-1]["step"] != 99
    html = write_report([run], run / "report.html").read_text(encoding="utf-8")
    assert 'data-verdict="not_run"' in html


def test_highlight_escapes_and_merges_spans():
    assert highlight("a<b>c", [(1, 4)]) == "a<mark>&lt;b&gt;</mark>c"
    assert highlight("abcdef", [(0, 2), (1, 3), (10, 12), (None, 2), (4, 99)]) == "<mark>abc</mark>d<mark>ef</mark>"
    assert highlight(XSS_IMG, []) == XSS_IMG.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")


def test_retrieval_floor_outcomes():
    def floor(ret, model):
        return retrieval_floor({"retrieval": {"_in_domain": {"rouge_l": ret}},
                                "tuned": {"_in_domain": {"rouge_l": model}}, "base": {"verbatim": {}}})
    assert floor(0.5, 0.4)["outcome"] == "below" and floor(0.5, 0.4)["best_system"] == "tuned"
    assert floor(0.5, 0.5)["outcome"] == "tie" and floor(0.5, 0.6)["beaten"] is True
    assert floor(None, 0.6) is None and retrieval_floor({"tuned": {"_in_domain": {"rouge_l": 0.3}}}) is None


def test_question_rows_worst_rouge_first(tmp_path):
    rows = question_rows([load_run(make_run(tmp_path, "r", per_set=4))])
    scores = [r["rouge_l"] for r in rows]
    known = [s for s in scores if s is not None]
    assert known == sorted(known) and scores[: len(known)] == known  # no reference (None) last


def test_chart_svg_has_no_script_and_escapes_labels():
    svg = loss_chart(XSS_SCRIPT, {XSS_SCRIPT: [{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.0}],
                                  "b": [{"step": 1, "loss": 1.5}]}, "step", "loss")
    assert "<script" not in svg and "window.pygal" not in svg and XSS_SCRIPT not in svg
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_render_is_deterministic(tmp_path):
    runs = [load_run(make_run(tmp_path, "r", per_set=3))]
    first, second = (re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", render_report(runs)[0]) for _ in range(2))
    assert first == second
