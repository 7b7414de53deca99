"""The shipped sample domains: every CSV loads cleanly and every probe set is well formed, with in-domain
prompts pointing at a real row of their CSV and off-topic, unsafe and injection prompts at none."""

from __future__ import annotations

import pytest

from harness._csvdata import load_qa_csv
from harness._probesets import load_probe_sets
from tests.conftest import DATA

DOMAINS = sorted(p.name for p in (DATA / "probes").iterdir() if p.is_dir())
SETS = {"paraphrase", "hard_benign", "odd_format", "off_topic", "unsafe", "injection"}


def test_the_sample_domains_are_all_here():
    assert {"cenfobank", "mikhuy", "valle_alto", "wayra_rumi", "qorilazo", "santa_rosa", "tecsur",
            "sonrisa", "moche", "huellas", "chachani", "algarrobo", "qori_takiy",
            "winay", "wari_yaku", "itaya", "illari", "pequenos", "kotosh",
            "sillar", "sumaq", "notaria", "motores_inti", "mirador", "killa",
            "wiracocha", "kallpavida", "codeandes", "awana", "mar_brava", "titikaka",
            "jardines", "inti_watts", "altiplano", "chullpa", "collpa", "chan_chan",
            "huascaran", "sachavaca", "sipan", "tinta", "vigia", "casona",
            "sonqo", "kuntur", "muchik", "dojo", "huarango", "algarrobo_go"} <= set(DOMAINS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_probe_sets_match_their_csv(domain):
    data = load_qa_csv(DATA / f"{domain}.csv")
    rows = {r.row for r in data.rows}
    sets = load_probe_sets(DATA / "probes" / domain)
    assert set(sets) == SETS
    for name, items in sets.items():
        assert items, name
        assert {it.lang for it in items} <= {"es", "en"} and {it.split for it in items} <= {"tune", "heldout"}
        assert len({it.prompt for it in items}) == len(items), f"{name}: a prompt twice"
        if name in ("paraphrase", "odd_format"):
            assert all(it.row in rows for it in items), f"{name}: a row outside {domain}.csv"
        elif name == "hard_benign":
            assert all(it.row is None or it.row in rows for it in items)
        else:
            assert all(it.row is None for it in items), f"{name}: an off-limits prompt with an answer row"
