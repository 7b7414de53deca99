"""Accuracy of the shipping system on in-domain questions, against the CSV answers.

``verbatim``: the CSV's own questions (memorisation); ``paraphrase``: the same
facts asked in other words.  The memorisation gap (verbatim - paraphrase
ROUGE-L) of the tuned model is reported in the terminal summary, not gated.
"""

from __future__ import annotations

import pytest

from _gate import excerpt, fmt, show

pytestmark = pytest.mark.accuracy

CASES = [("paraphrase", "rouge_l"), ("paraphrase", "fact_recall"), ("verbatim", "rouge_l"), ("verbatim", "fact_recall")]


@pytest.mark.parametrize("set_name,metric", CASES, ids=[f"{s}.{m}" for s, m in CASES])
def test_in_domain_accuracy(run, gate, set_name, metric):
    figs = run.figures.get(run.shipping, {}).get(set_name)
    answered = run.records(run.shipping, set_name)
    recs = [r for r in answered if r[metric] is not None]  # fact recall: references that state a number
    worst = sorted(recs, key=lambda r: r[metric])
    examples = [show(r["prompt"], r["answer"], f"{metric}: {fmt(r[metric])} ({r['action']})",
                     f"CSV row {r['expected_row']}: «{excerpt(r['reference'], width=120)}»") for r in worst]
    what = "ROUGE-L F against the CSV answer" if metric == "rouge_l" else "share of the CSV answer's numbers stated"
    gate.judge(f"accuracy.{set_name}.{metric}", figs[metric] if figs else None, f"accuracy.{set_name}.{metric}",
               reason=f"mean {what} over {len(recs)} of {len(answered)} {run.shipping} answers to {set_name} questions",
               examples=examples, n=len(answered))
