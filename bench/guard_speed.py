"""The input guard's two lexical speed-ups, each side by side with what it replaced, in one run.

* ``near``: :func:`harness._lexical.near` (typo-tolerant vocabulary lookup) through its symmetric-deletion
  index against the scan it replaced (every vocabulary word with the same first letter and a length within
  the edit limit, :func:`harness._lexical.edit_distance` to each).  Both run cold (memo cleared) over the
  folded words of every probe prompt of each domain, against that domain's CSV vocabulary; the answers must
  be the same word for word.
* ``rules``: the safety acts' and injection families' patterns over the folded probe prompts, each group
  first tested with its one joined pattern (:func:`guards._lexicon.union`) against every pattern run in turn
  (the joined patterns switched off); the matches must be the same.

It prints ms per word / per text for each way, their ratio, and the machine.  Run from the repository root::

    python bench/guard_speed.py [--domains cenfobank tecsur sipan]     # about 20 s on 2 cores
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import print_machine, print_ratios, print_table, read_probe_prompts, setup  # noqa: E402

KINDS = ("paraphrase", "hard_benign", "odd_format", "off_topic", "unsafe", "injection")


def scan(word: str, vocab: frozenset[str]) -> str | None:
    """What ``near`` did before the index: compare with every candidate of the same first letter and length."""
    from harness._lexical import edit_distance

    if word in vocab:
        return word
    if len(word) < 5:
        return None
    limit = 1 if len(word) < 8 else 2
    found = [(edit_distance(word, v, limit), v) for v in vocab
             if v[0] == word[0] and abs(len(v) - len(word)) <= limit]
    best = min(found, default=(limit + 1, None))
    return best[1] if best[0] <= limit else None


def bench_near(domain: str) -> list:
    from harness import _lexical as lx
    from harness._csvdata import load_qa_csv

    data = load_qa_csv(ROOT / "data" / f"{domain}.csv")
    vocab = frozenset(w for r in data.rows for w in lx.words(f"{r.question} {r.answer}"))
    words = list(dict.fromkeys(w for k in KINDS for p in read_probe_prompts(domain, k) for w in lx.words(p.prompt)))
    t = time.perf_counter()
    old = [scan(w, vocab) for w in words]
    t_scan = time.perf_counter() - t
    lx._near.cache_clear()
    lx._deletions.cache_clear()
    t = time.perf_counter()
    new = [lx.near(w, vocab) for w in words]
    t_index = time.perf_counter() - t  # includes building the index
    same = sum(a == b for a, b in zip(old, new))
    return [domain, len(vocab), len(words), 1000 * t_scan / len(words), 1000 * t_index / len(words),
            t_scan / t_index, f"{same}/{len(words)}"]


def bench_rules(domains: list[str]) -> list:
    from guards._injection import InjectionGuard
    from guards._lexicon import fold
    from guards._safety_rules import load_rules

    texts = [fold(p.prompt) for d in domains for k in KINDS for p in read_probe_prompts(d, k)]
    groups = [*load_rules().acts, *InjectionGuard()._families]

    def run() -> tuple[float, list]:
        t = time.perf_counter()
        hits = [[i for i, g in enumerate(groups) if (g.any is None or g.any.search(text))
                 and any(p.search(text) for p in g.patterns)] for text in texts]
        return time.perf_counter() - t, hits

    joined = {id(g): g.any for g in groups}
    t_union, with_union = run()
    for g in groups:
        object.__setattr__(g, "any", None)
    try:
        t_each, each = run()
    finally:
        for g in groups:
            object.__setattr__(g, "any", joined[id(g)])
    same = sum(a == b for a, b in zip(with_union, each))
    return ["rule groups", len(groups), len(texts), 1000 * t_each / len(texts), 1000 * t_union / len(texts),
            t_each / t_union, f"{same}/{len(texts)}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--domains", nargs="*", default=["cenfobank", "tecsur", "sipan"])
    args = ap.parse_args()
    setup()
    print_machine()
    rows = [bench_near(d) for d in args.domains]
    print_table(["near(): domain", "vocabulary", "distinct probe words", "scan ms/word", "index ms/word (cold)",
                 "speed-up", "same answer"], rows, title="near(): symmetric-deletion index vs scan", digits=3)
    rule = bench_rules(args.domains)
    print_table(["rules", "groups", "probe texts", "each pattern ms/text", "joined first ms/text", "speed-up",
                 "same matches"], [rule], title="safety acts + injection families: joined pattern first vs each "
                 "pattern", digits=3)
    scan_s = sum(r[3] * r[2] for r in rows)
    index_s = sum(r[4] * r[2] for r in rows)
    print_ratios([("near scan/index time", scan_s / index_s), ("rules each/joined-first time", rule[5])])
    print_machine()


if __name__ == "__main__":
    main()
