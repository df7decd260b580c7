"""Great Expectations on what row rules cannot see: a delivery against the partner's own history."""
from __future__ import annotations

import dagster as dg
import pytest

from assets.intake import _newest_delivery_history, intake
from quality.intake import run_intake
from engine.home import DataHome
from engine.resources import DataHomeResource, WarehouseResource
from engine.warehouse import open_warehouse
from quality.gx_bridge import ContractValidator
from sources.contracts import load_registry
from tests.conftest import write_csv
from tests.corpus.cases_dialect import ARREARS, NUISANCE, arrears, nuisance

MONTHS = ["2025-01", "2025-02", "2025-03"]


def deliver_run(home, deliver, files: list[tuple[str, list[str], list[list]]]):
    for name, header, rows in files:
        deliver("havensteder", name, header, rows)
    with open_warehouse(home.warehouse) as con:
        return run_intake(con, home, "test")


def arrears_history(home, deliver, rows: int = 100):
    for month in MONTHS:  # one at a time: history is ordered by load time
        deliver_run(home, deliver, [(f"havensteder__huurachterstand__{month}.csv", ARREARS,
                                     arrears(rows, month=month))])


def test_profiles_are_written_at_load_from_the_loaded_rows_only(home, deliver):
    rows = arrears(8, month="2025-01") + arrears(2, amount="250.000,00", month="2025-01", prefix="HX")
    deliver_run(home, deliver, [("havensteder__huurachterstand__2025-01.csv", ARREARS, rows)])
    with open_warehouse(home.warehouse, read_only=True) as con:
        [(n, empties, means)] = con.sql("select rows, empty_shares->>'maanden_achterstand', "
                                        "means->>'achterstand_eur' from raw.delivery_profiles").fetchall()
    assert (n, float(empties), float(means)) == (8, 0.0, pytest.approx(1234.56))


def test_a_normal_delivery_passes_every_history_expectation(home, deliver):
    arrears_history(home, deliver)
    [outcome] = deliver_run(home, deliver, [("havensteder__huurachterstand__2025-04.csv", ARREARS,
                                             arrears(95, month="2025-04"))])
    assert outcome.decision == "accepted"
    assert {f.kind for f in outcome.history} == {"row_count", "empty_share", "mean"}
    assert all(f.success for f in outcome.history) and outcome.history[0].deliveries == 3


def test_fewer_rows_than_usual_is_a_warning_in_words_on_the_receipt(home, deliver):
    arrears_history(home, deliver)
    [outcome] = deliver_run(home, deliver, [("havensteder__huurachterstand__2025-04.csv", ARREARS,
                                             arrears(52, month="2025-04"))])
    assert outcome.decision == "accepted_with_warnings"
    [finding] = [f for f in outcome.history if not f.success]
    assert finding.en == "48% fewer rows than the last three deliveries (52 against 100 on average)"
    assert finding.nl == "48% minder rijen dan de laatste drie leveringen (52 tegen gemiddeld 100)"
    receipt_en = next((home.receipts / "havensteder").glob(f"*{outcome.sha256[:12]}.en.md")).read_text()
    receipt_nl = next((home.receipts / "havensteder").glob(f"*{outcome.sha256[:12]}.nl.md")).read_text()
    assert "48% fewer rows than the last three deliveries" in receipt_en
    assert "48% minder rijen dan de laatste drie leveringen" in receipt_nl
    with open_warehouse(home.warehouse, read_only=True) as con:  # loaded all the same
        assert con.sql("select count(*) from raw.wonen__huurachterstand where _period = '2025-04'"
                       ).fetchall() == [(52,)]


def test_empty_shares_category_mix_and_mean_amounts(home, deliver):
    for month in MONTHS:
        day = f"14-{month[5:]}-2025"
        deliver_run(home, deliver, [(f"havensteder__overlastmeldingen__{month}.csv", NUISANCE,
                                     nuisance(40, day=day))])
    odd = [row[:4] + ["drugs" if i % 4 else "geluid", row[5], "16-04-2025" if i % 3 == 0 else ""]
           for i, row in enumerate(nuisance(40, day="14-04-2025"))]
    [outcome] = deliver_run(home, deliver, [("havensteder__overlastmeldingen__2025-04.csv", NUISANCE, odd)])
    failed = {(f.kind, f.column): f.en for f in outcome.history if not f.success}
    assert failed == {
        ("empty_share", "afgehandeld_op"): "afgehandeld_op: 65% empty, against 100% in the last three deliveries",
        ("category_mix", "categorie"): "categorie: the mix of values differs from the last three deliveries "
                                       "(drugs: 75% now, 0% before)",
    }
    arrears_history(home, deliver)
    [outcome] = deliver_run(home, deliver, [("havensteder__huurachterstand__2025-04.csv", ARREARS,
                                             arrears(100, amount="2.469,12", month="2025-04"))])
    [finding] = [f for f in outcome.history if not f.success]
    assert finding.en == ("achterstand_eur: on average 100% higher than in the last three deliveries "
                          "(2,469.12 against 1,234.56)")
    assert finding.nl.endswith("(2.469,12 tegen 1.234,56)"), "a Dutch receipt writes Dutch amounts"


def test_history_is_separate_warning_asset_checks_in_dagster(home, deliver):
    arrears_history(home, deliver)
    deliver("havensteder", "havensteder__huurachterstand__2025-04.csv", ARREARS, arrears(52, month="2025-04"))
    resources = {"data_home": DataHomeResource(root=str(home.root)),
                 "warehouse": WarehouseResource(path=str(home.warehouse))}
    result = dg.materialize([intake], resources=resources, selection=[intake.key])
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()
                   if e.asset_key == dg.AssetKey(["raw", "wonen__huurachterstand"])
                   and e.check_name.startswith("history_")}
    assert set(evaluations) == {"history_row_count", "history_empty_shares", "history_mean_amounts"}
    row_count = evaluations["history_row_count"]
    assert not row_count.passed and row_count.severity == dg.AssetCheckSeverity.WARN
    assert evaluations["history_mean_amounts"].passed
    # Run by hand, the same checks judge the newest delivery.
    contract = load_registry().contracts["wonen__huurachterstand"]
    with open_warehouse(home.warehouse, read_only=True) as con:
        by_hand = {r.check_name: r.passed for r in _newest_delivery_history(con, ContractValidator(), contract)}
    assert by_hand == {"history_row_count": False, "history_empty_shares": True, "history_mean_amounts": True}


def test_history_checks_run_by_hand_without_history_report_nothing(home):
    from assets.intake import raw_checks, raw_tables
    from quality.intake import ensure_tables

    with open_warehouse(home.warehouse) as con:
        ensure_tables(con, load_registry())
    key = dg.AssetKey(["raw", "wonen__huurachterstand"])
    [check] = [c for c in raw_checks if c.node_def.name == "wonen__huurachterstand_history_checks"]
    assert {k.name for k in check.check_keys} == {
        "history_row_count", "history_empty_shares", "history_mean_amounts"}  # no category column
    job = dg.define_asset_job("history_by_hand", selection=dg.AssetSelection.checks_for_assets(key))
    defs = dg.Definitions(assets=raw_tables, asset_checks=[check], jobs=[job],
                          resources={"warehouse": WarehouseResource(path=str(home.warehouse))})
    result = defs.resolve_job_def("history_by_hand").execute_in_process()
    assert result.success and result.get_asset_check_evaluations() == []


def test_a_world_without_change_rarely_warns_and_a_real_drop_still_does():
    """Small deliveries vary by chance alone: in a stable world (Poisson row counts, a fixed
    category mix and fixed empty shares) at most 5% of deliveries may warn; the old fixed ±25% /
    KL 0.1 bands warned on far more at 50 rows a month. A real drop still warns."""
    import numpy as np
    import pandas as pd

    from quality.profiles import Profile

    contract = load_registry().contract_for("havensteder", "overlastmeldingen")
    categories = ["geluid", "vervuiling", "agressie", "verward_gedrag", "drugs", "woonfraude", "overig"]
    mix = [0.3, 0.2, 0.1, 0.1, 0.1, 0.05, 0.15]
    empty = {"complex_id": 0.1, "veroorzaker_contract_id": 0.4, "afgehandeld_op": 0.3}
    rng = np.random.default_rng(7)

    def delivery(rows: int) -> pd.DataFrame:
        frame = pd.DataFrame({"categorie": rng.choice(categories, size=rows, p=mix)})
        for column, share in empty.items():
            frame[column] = np.where(rng.random(rows) < share, None, "x")
        return frame

    def profile_of(frame: pd.DataFrame) -> Profile:
        shares = frame["categorie"].value_counts(normalize=True).to_dict()
        return Profile(len(frame), {c: float(frame[c].isna().mean()) for c in empty},
                       {"categorie": shares}, {})

    validator = ContractValidator()
    past, warned, deliveries = [], 0, 60
    for _ in range(deliveries + 6):
        frame = delivery(int(rng.poisson(50)))
        if len(past) >= 6:
            findings = validator.validate_history(contract, frame, past[:6])
            warned += any(not f.success for f in findings)
        past.insert(0, profile_of(frame))
    assert warned <= 0.05 * deliveries, f"{warned} of {deliveries} stable deliveries warned"

    big_past = [profile_of(delivery(1000)) for _ in range(6)]
    findings = validator.validate_history(contract, delivery(700), big_past)
    assert [f.kind for f in findings if not f.success] == ["row_count"]


def test_an_intake_run_logs_each_warning_and_the_last_delivery_per_history_check():
    from types import SimpleNamespace

    from assets.intake import _history_events
    from quality.gx_bridge import HistoryFinding
    contract = load_registry().contracts["wonen__huurachterstand"]

    def delivery(month: str, rows_ok: bool):
        return SimpleNamespace(contract=contract, file_name=f"havensteder__huurachterstand__{month}.csv",
                               history=[HistoryFinding("row_count", None, rows_ok, 100.0, 100.0, 3, "nl", "en"),
                                        HistoryFinding("mean", "achterstand_eur", True, 1.0, 1.0, 3, "nl", "en")])
    outcomes = [delivery("2025-01", True), delivery("2025-02", False), delivery("2025-03", True),
                delivery("2025-04", True)]
    logged = [(r.check_name, r.metadata["delivery"].value[-11:-4], r.passed) for r in _history_events(contract, outcomes)]
    assert logged == [("history_row_count", "2025-02", False), ("history_row_count", "2025-04", True),
                      ("history_mean_amounts", "2025-04", True)]


def _four_months_at_once(home, deliver, monkeypatch, apart_from: int):
    """The three usual months and a short fourth in one run, judged in a worker process from
    `apart_from` files on (quality.intake.JUDGE_APART_FROM)."""
    import quality.history
    import quality.intake
    monkeypatch.setattr(quality.intake, "JUDGE_APART_FROM", apart_from)
    workers = []
    monkeypatch.setattr(quality.history.Judge, "submit",
                        lambda self, *args, original=quality.history.Judge.submit:
                        workers.append(self._pool) or original(self, *args))
    files = [(f"havensteder__huurachterstand__{month}.csv", ARREARS, arrears(100, month=month))
             for month in MONTHS]
    files.append(("havensteder__huurachterstand__2025-04.csv", ARREARS, arrears(52, month="2025-04")))
    return deliver_run(home, deliver, files), len(workers)


def test_a_run_of_many_files_is_judged_in_a_worker_process_with_the_same_findings(home, deliver, monkeypatch,
                                                                                 tmp_path):
    """Each file is judged against the files loaded before it in the same run (its history is
    committed first), in the worker as here and now: the same findings, receipts and decisions."""
    outcomes, judged_apart = _four_months_at_once(home, deliver, monkeypatch, apart_from=1)
    assert judged_apart == 1, "the fourth month, the first with three deliveries before it"
    assert [o.decision for o in outcomes] == ["accepted"] * 3 + ["accepted_with_warnings"]
    [finding] = [f for f in outcomes[-1].history if not f.success]
    assert finding.en == "48% fewer rows than the last three deliveries (52 against 100 on average)"
    receipt = next((home.receipts / "havensteder").glob(f"*{outcomes[-1].sha256[:12]}.en.md")).read_text()
    assert "48% fewer rows than the last three deliveries" in receipt

    monkeypatch.setenv("WIJKWIJZER_HOME", str(tmp_path / "here"))
    here = DataHome.from_env().ensure(list(load_registry().partners))
    in_process, judged_apart = _four_months_at_once(here, lambda partner, *a, **k: write_csv(
        here.partner_inbox(partner) / a[0], *a[1:], **k), monkeypatch, apart_from=100)
    assert judged_apart == 0
    assert [(o.decision, o.rules, o.history) for o in in_process] == \
        [(o.decision, o.rules, o.history) for o in outcomes]


@pytest.mark.parametrize("apart_from", [1, 100], ids=["in the worker", "in process"])
def test_a_judgement_that_fails_is_a_warning_and_the_file_is_loaded(home, deliver, monkeypatch, caplog,
                                                                    apart_from):
    """GX failing on a delivery (in the worker or here) is a warning on its receipt, and its rows
    load: a failed run failed on the same file again in every later run, with every file dropped
    after it left undecided (fifth outside attack). The log names the error's type only."""
    def broken(*_):
        raise RuntimeError("GX broke on 111222333")
    monkeypatch.setattr(ContractValidator, "validate_history", broken)   # the worker is forked after this
    outcomes, _ = _four_months_at_once(home, deliver, monkeypatch, apart_from=apart_from)
    assert [o.decision for o in outcomes] == ["accepted"] * 3 + ["accepted_with_warnings"]
    assert [r.rule for r in outcomes[-1].rules] == ["history.not_judged"]
    with open_warehouse(home.warehouse, read_only=True) as con:
        assert con.sql("select period, decision from raw.load_ledger order by 1").fetchall() == \
            [(m, "accepted") for m in MONTHS] + [("2025-04", "accepted_with_warnings")]
        assert con.sql("select count(*) from raw.wonen__huurachterstand where _period = '2025-04'"
                       ).fetchall() == [(52,)]
    receipt = next((home.receipts / "havensteder").glob(f"*{outcomes[-1].sha256[:12]}.en.md")).read_text()
    assert "could not be compared with the earlier deliveries" in receipt
    assert "RuntimeError" in caplog.text and "111222333" not in caplog.text


def test_history_in_words_after_empty_deliveries_and_with_every_amount_empty(home, deliver):
    """Two deliveries an outsider found to break the run: three empty months, then one with rows
    (the past mean is 0); and a month whose optional amount is empty in every row (no mean now).
    Both are judged and told in words."""
    # Header only, each in other bytes (the same bytes again would be a duplicate)
    for month, dialect in zip(MONTHS, [{"delimiter": ";"}, {"delimiter": ","}, {"encoding": "utf-8-sig"}]):
        deliver("havensteder", f"havensteder__huurachterstand__{month}.csv", ARREARS, [], **dialect)
        deliver_run(home, deliver, [])
    [outcome] = deliver_run(home, deliver, [("havensteder__huurachterstand__2025-04.csv", ARREARS,
                                             arrears(50, month="2025-04"))])
    [finding] = [f for f in outcome.history if not f.success]
    assert (finding.kind, finding.en) == ("row_count", "50 rows, against none in the last three deliveries")
    assert finding.nl == "50 rijen, tegen geen enkele in de laatste drie leveringen"

    from tests.corpus.cases_dialect import UNITS, units
    for day, n in zip(["2025-01-31", "2025-02-28", "2025-03-31"], [61, 62, 63]):
        deliver_run(home, deliver, [(f"havensteder__verhuureenheden__{day}.csv", UNITS, units(n))])
    [outcome] = deliver_run(home, deliver, [("havensteder__verhuureenheden__2025-04-30.csv", UNITS,
                                             units(60, rent=""))])
    assert outcome.decision == "accepted_with_warnings"
    failed = {f.kind: f for f in outcome.history if not f.success}
    assert failed["mean"].en.startswith("netto_huur: no amount filled in, against ")
    assert failed["mean"].nl.startswith("netto_huur: geen enkel bedrag ingevuld, tegen gemiddeld ")


def test_rows_judged_from_arrow_give_the_findings_of_duckdbs_own_pandas_frame(home, deliver):
    """The judge gets a delivery's rows as Arrow (cheap to read and to send to its worker) and
    makes GX's pandas frame itself: empty integers, dates and categories must count as they do in
    the frame DuckDB makes, or a delivery's empty share and mix would be judged on other numbers."""
    from quality.history import _judge
    from quality.profiles import history, history_frame_sql
    for month in MONTHS:
        rows = arrears(60, month=month)
        for row in rows[::3]:
            row[3] = ""   # maanden_achterstand, an optional integer, empty in a third of the rows
        deliver_run(home, deliver, [(f"havensteder__huurachterstand__{month}.csv", ARREARS, rows)])
        day = f"14-{month[5:]}-2025"
        deliver_run(home, deliver, [(f"havensteder__overlastmeldingen__{month}.csv", NUISANCE,
                                     nuisance(40, day=day))])
    odd_arrears = [row[:3] + [""] for row in arrears(60, month="2025-04")]
    odd_nuisance = [row[:4] + ["drugs" if i % 4 else "geluid", row[5], "16-04-2025" if i % 3 == 0 else ""]
                    for i, row in enumerate(nuisance(40, day="14-04-2025"))]
    outcomes = deliver_run(home, deliver, [("havensteder__huurachterstand__2025-04.csv", ARREARS, odd_arrears),
                                           ("havensteder__overlastmeldingen__2025-04.csv", NUISANCE, odd_nuisance)])
    registry = load_registry()
    with open_warehouse(home.warehouse, read_only=True) as con:
        for outcome in outcomes:
            contract = registry.contract_for("havensteder", outcome.delivery.dataset)
            past = history(con, "havensteder", outcome.delivery.dataset, outcome.sha256, 6)
            select = (f"select {history_frame_sql(contract)} from raw.{contract.table} "
                      f"where _sha256 = '{outcome.sha256}'")
            from_arrow = _judge(contract, con.sql(select).fetch_arrow_table(), past)
            from_pandas = ContractValidator().validate_history(contract, con.sql(select).df(), past)
            assert from_arrow == from_pandas
            assert not all(f.success for f in from_arrow), "the odd month is judged odd either way"
            assert from_arrow == outcome.history, "as the intake judged it"


# A command's start as `wijkwijzer run` makes it (pipelines/cli.py), in a fresh interpreter: its
# judge forked first, then the intake of one file and the raw table's contract check.
FROM_THE_START = """
import json, sys
from engine.home import DataHome
from engine.warehouse import open_warehouse
from quality.history import judge_from_the_start
with judge_from_the_start():
    from assets.intake import _contract_check
    from quality.intake import run_intake
    home = DataHome.from_env()
    with open_warehouse(home.warehouse) as con:
        [outcome] = run_intake(con, home, "from-the-start")
        check = _contract_check(con, outcome.contract, [outcome.sha256])
print(json.dumps({"decision": outcome.decision, "history": [[f.kind, f.success, f.en] for f in outcome.history],
                  "check": [check.passed, check.metadata["failed_rules"].value],
                  "gx_here": "great_expectations" in sys.modules}))
"""


def test_a_command_judges_and_checks_in_the_judge_it_forked_as_it_started_and_never_imports_gx(home, deliver):
    """`wijkwijzer run` forks its judge before anything else, so GX's import (1.5-2.3 s) runs there
    beside Dagster's start instead of in a one-file correction's way. The intake's history
    judgement and the raw table's contract check then both run in that worker: the same findings
    and check as here, and the command's own process never imports GX."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from assets.intake import _contract_check
    arrears_history(home, deliver)
    deliver("havensteder", "havensteder__huurachterstand__2025-04.csv", ARREARS, arrears(52, month="2025-04"))
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", FROM_THE_START], cwd=repo, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(repo)})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["gx_here"] is False
    assert found["decision"] == "accepted_with_warnings"
    assert ["row_count", False, "48% fewer rows than the last three deliveries (52 against 100 on average)"] \
        in found["history"]
    with open_warehouse(home.warehouse) as con:
        [(sha,)] = con.execute("select sha256 from raw.load_ledger where period = '2025-04'").fetchall()
        here = _contract_check(con, load_registry().contract_for("havensteder", "huurachterstand"),
                               [sha])
    assert found["check"] == [here.passed, here.metadata["failed_rules"].value]


def test_run_and_demo_fork_their_judge_as_they_start(home, monkeypatch):
    import argparse

    import pipelines.cli as cli
    from quality.history import early_judge
    seen = []
    monkeypatch.setattr(cli, "_run", lambda *args: seen.append(early_judge()) or 0)
    monkeypatch.setattr(cli, "_demo", lambda *args: seen.append(early_judge()) or 0)
    assert cli.cmd_run(argparse.Namespace()) == 0 and cli.cmd_demo(argparse.Namespace()) == 0
    assert all(judge is not None for judge in seen) and len(seen) == 2
    assert early_judge() is None, "it ends with the command"


def test_a_judge_killed_before_the_judgement_judges_here(home, deliver):
    """A judge that lives as long as its command may be killed (out of memory) before the intake
    asks it: the judgement and the contract check then run here, with the same findings."""
    import os
    import signal

    from quality.history import early_judge, judge_from_the_start
    arrears_history(home, deliver)
    deliver("havensteder", "havensteder__huurachterstand__2025-04.csv", ARREARS, arrears(52, month="2025-04"))
    with judge_from_the_start():
        judge = early_judge()
        judge.ready()
        [worker] = judge._pool._processes.values()
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
        with open_warehouse(home.warehouse) as con:
            [outcome] = run_intake(con, home, "killed-judge")
    assert outcome.decision == "accepted_with_warnings"
    assert [f.en for f in outcome.history if not f.success] == \
        ["48% fewer rows than the last three deliveries (52 against 100 on average)"]


_JUDGING_HERE = None   # the test's own process: the judgement is killed anywhere else
_JUDGE = None   # quality.history._judge, while the test below replaces it


def _dies_in_the_worker(*args):
    """quality.history._judge, but a worker process that runs it is killed (SIGKILL) there."""
    import os
    import signal
    if os.getpid() != _JUDGING_HERE:
        os.kill(os.getpid(), signal.SIGKILL)
    return _JUDGE(*args)


def test_a_judge_killed_while_it_judges_a_file_has_it_judged_here(home, deliver, monkeypatch):
    """The judge dies (killed) with a file's judgement in it: that file is judged here, with the
    findings it would have had, not loaded as 'not judged' (an outside attack on the judge a
    command forks as it starts)."""
    import os

    import quality.history
    from quality.history import judge_from_the_start
    arrears_history(home, deliver)
    deliver("havensteder", "havensteder__huurachterstand__2025-04.csv", ARREARS, arrears(52, month="2025-04"))
    monkeypatch.setattr(f"{__name__}._JUDGING_HERE", os.getpid())
    monkeypatch.setattr(f"{__name__}._JUDGE", quality.history._judge)
    monkeypatch.setattr(quality.history, "_judge", _dies_in_the_worker)   # forked after this
    with judge_from_the_start():
        with open_warehouse(home.warehouse) as con:
            [outcome] = run_intake(con, home, "judge-killed-mid-judgement")
    assert outcome.decision == "accepted_with_warnings"
    assert [r.rule for r in outcome.rules] == ["history.row_count"]
    assert [f.en for f in outcome.history if not f.success] == \
        ["48% fewer rows than the last three deliveries (52 against 100 on average)"]
