"""Defects in the FINAL in-domain answers the shipping system shows.

Findings stored in answers.jsonl are on the raw answers (what the guard had to
repair); here the output guard re-checks the text actually shown.  Refused
answers are left to the false-refusal checks.
"""

from __future__ import annotations

import pytest

from _gate import diverse, show

CASES = [  # (family, finding kind, what it means)
    ("repetition", "repetition", "a loop (the same sentence over and over)"),
    ("hallucination", "unsupported_fact", "a fact (amount, date, programme) the CSV does not state"),
    ("truncation", "truncated", "a cut-off ending"),
    ("stray_tokens", "stray_token", "a stray artefact token"),
    ("direct_answer", "no_direct_answer", "no answer to what was asked"),
]


@pytest.mark.parametrize("family,kind,meaning",
                         [pytest.param(*c, marks=getattr(pytest.mark, c[0]), id=c[0]) for c in CASES])
def test_final_answers(run, gate, family, kind, meaning):
    recs = run.final_in_domain
    errors = [r for r in recs if r["recheck_error"]]
    if errors:  # fail closed: an answer the output guard could not check is not a clean answer
        gate.judge(f"{family}.in_domain", None, f"{family}.in_domain", ok=False,
                   reason=f"the output guard failed on {len(errors)} of {len(recs)} final answers",
                   examples=[show(r["prompt"], r["answer"], r["recheck_error"]) for r in errors])
    hits = [r for r in recs if any(f["kind"] == kind for f in r["findings"])]
    pairs = []
    for r in hits:
        f = next(f for f in r["findings"] if f["kind"] == kind)
        pairs.append((f["detail"], show(r["prompt"], r["answer"], f"finding: {kind}: {f['detail']}",
                                        f"set {r['set']}, action {r['action']}", span=(f["start"], f["end"]))))
    examples = diverse(pairs)  # distinct findings first
    gate.judge(f"{family}.in_domain", run.final_rates().get(kind), f"{family}.in_domain",
               reason=f"{len(hits)} of {len(recs)} shown in-domain answers of {run.shipping} carry {meaning}",
               examples=examples, n=len(recs))
