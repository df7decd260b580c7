"""The adversarial corpus (tests/corpus/cases_*.py) through the whole intake: each file decided as
expected, `wijkwijzer check` agreeing, and no planted value anywhere outside quarantine/ and
landing/ (receipts, ledger, rejects, raw tables, warehouse bytes, logs, `check` output).

`pytest -s tests/test_corpus.py` prints the table of cases, decisions and false-positive /
false-negative counts; `python -m tests.corpus.report` prints it without pytest.
"""
from __future__ import annotations

import pytest

from tests.corpus.builders import PERIOD, case, csv_bytes, trajecten
from tests.corpus.harness import discover_cases, run_corpus, table

MIN_CASES = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cases = discover_cases()
    workdir = tmp_path_factory.mktemp("corpus")
    results = run_corpus(cases, workdir)
    report = table(results)
    (workdir / "corpus_report.txt").write_text(report)
    print("\n" + report)
    return results


def test_corpus_is_large_and_has_negatives():
    cases = discover_cases()
    assert len(cases) >= MIN_CASES
    assert sum(c["expect"] == "accepted" for c in cases) >= 15  # one per false-positive class
    for c in cases:
        assert c["expect"] in ("accepted", "refused") and c["content"] is not None
        assert c["expect"] == "accepted" or c["never"] or c.get("reason"), c["id"]


def test_every_case_is_decided_as_expected(corpus):
    wrong = [(r.case["id"], r.case["expect"], r.decision, r.reasons) for r in corpus
             if not r.decided_as_expected]
    assert wrong == []


def test_no_planted_value_outside_quarantine_and_landing(corpus):
    leaking = {r.case["id"]: r.leaks[:5] for r in corpus if r.leaks}
    assert leaking == {}


def test_check_command_agrees_with_the_intake(corpus):
    """`check` exits 1 for a refused file and 0 otherwise, as the intake decided."""
    disagree = [(r.case["id"], r.decision, r.check_exit) for r in corpus
                if r.check_exit != (1 if r.decision == "refused" else 0)]
    assert disagree == []


def test_the_search_finds_a_value_that_did_get_in(tmp_path):
    """The leak search can fail: an accepted file's id is in the raw table (compressed in the
    warehouse file, so found through the table dump) and an odd category value is set aside."""
    rows = trajecten()
    rows[3]["einde_reden"] = "zeldzame_waarde_xq"
    canary = case("canary", "zorgaanbieder", f"zorgaanbieder__trajecten__{PERIOD}.csv",
                  csv_bytes(rows), "accepted", None, ["T-00007"])
    [result] = run_corpus([canary], tmp_path, through_dagster=0)
    assert result.decided_as_expected
    assert any("warehouse tables" in leak for leak in result.leaks)
