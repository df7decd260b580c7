"""Partner intake end to end: decisions, corrections, duplicates, quarantine, receipts, check."""
from __future__ import annotations

import json
import os
from datetime import date
import subprocess
import sys

import polars as pl
import pytest

from quality.intake import run_intake
from engine.warehouse import open_warehouse
from tests.conftest import (BOSPOLDER, CONTRACTS_HEADER, REPO_ROOT, STADSDRIEHOEK, contract_rows,
                            pseudonym, write_csv)

ARREARS = ["contract_id", "maand", "achterstand_eur", "maanden_achterstand"]
NUISANCE = ["melding_id", "meldingsdatum", "buurtcode", "complex_id", "categorie",
            "veroorzaker_contract_id", "afgehandeld_op"]
VALID_BSNS = ["111222333", "123456782", "999999990"]  # pass the 11-test


def intake(home):
    with open_warehouse(home.warehouse) as con:
        return run_intake(con, home, "test-run")


def query(home, sql, params=()):
    with open_warehouse(home.warehouse, read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def arrears_rows(n, month="2025-06", amount="1.234,56"):
    return [[f"HC-{i:05d}", month, amount, "2"] for i in range(n)]


def nuisance_rows(n, buurt=BOSPOLDER, first=0):
    return [[f"M-{i:05d}", "14-06-2025", buurt, "CX-01", "geluid", "", ""] for i in range(first, first + n)]


def all_output_text(home) -> str:
    """Everything a partner, board or operator could read: receipts, ledger, rejects."""
    parts = [p.read_text(errors="replace") for p in home.receipts.rglob("*") if p.is_file()]
    if home.warehouse.exists():
        parts += [str(r) for r in query(home, "select * from raw.load_ledger")]
        parts += [str(r) for r in query(home, "select * from raw.rejects")]
    return "\n".join(parts)


def test_accepted_file_loads_with_amounts_in_dutch_notation(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(5))
    [outcome] = intake(home)
    assert outcome.decision == "accepted"
    assert outcome.detected["delimiter"] == ";" and outcome.detected["decimal"] == ","
    assert query(home, "select sum(achterstand_eur)::double, min(maand) from raw.wonen__huurachterstand") \
        == [(pytest.approx(5 * 1234.56), date(2025, 6, 1))]


def test_correction_replaces_the_period_and_leaves_other_periods(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-05.csv", ARREARS, arrears_rows(4, "2025-05"))
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    intake(home)
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(2, amount="10,00"))
    intake(home)
    assert query(home, """select _period, count(*), sum(achterstand_eur)::double from raw.wonen__huurachterstand
                          group by 1 order by 1""") == [("2025-05", 4, pytest.approx(4 * 1234.56)),
                                                        ("2025-06", 2, pytest.approx(20.0))]
    assert query(home, "select decision, count(*) from raw.load_ledger group by 1") == [("accepted", 3)]


def test_a_receipt_says_which_delivery_of_the_period_a_file_replaces_or_leaves_in_use(home, deliver):
    """A partner correcting a month reads that the delivery loaded before is replaced (when, how
    many rows); a refused correction, that the earlier delivery stays in use."""
    def receipt(outcome, suffix):
        stem = f"havensteder__huurachterstand__2025-06.csv__{outcome.sha256[:12]}"
        return (home.receipts / "havensteder" / f"{stem}.{suffix}").read_text()
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    [first] = intake(home)
    assert json.loads(receipt(first, "json"))["loaded_before"] is None
    assert "vervangt" not in receipt(first, "nl.md")

    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(2, amount="10,00"))
    [correction] = intake(home)
    before = json.loads(receipt(correction, "json"))["loaded_before"]
    assert (before["sha256"], before["rows_loaded"]) == (first.sha256, 3)
    nl, en = receipt(correction, "nl.md"), receipt(correction, "en.md")
    assert f"3 rijen geladen, SHA-256 `{first.sha256[:12]}" in nl and "Deze levering vervangt" in nl
    assert f"delivery of {before['decided_at']}, 3 rows loaded" in en and "This delivery replaces" in en

    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ["contract_id", "maand"],
            [["HC-00001", "2025-06"]])
    [refused] = intake(home)
    assert refused.decision == "refused"
    nl = receipt(refused, "nl.md")
    assert f"2 rijen geladen, SHA-256 `{correction.sha256[:12]}" in nl
    assert "blijft in gebruik" in nl and "vervangt" not in nl
    assert query(home, "select count(*) from raw.wonen__huurachterstand") == [(2,)]


def test_other_partners_period_is_untouched_by_a_correction(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    deliver("woonstad", "woonstad__huurachterstand__2025-06.csv", ARREARS, arrears_rows(5))
    intake(home)
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(1))
    intake(home)
    assert query(home, "select _partner, count(*) from raw.wonen__huurachterstand group by 1 order by 1") \
        == [("havensteder", 1), ("woonstad", 5)]


def test_duplicate_bytes_are_a_no_op_with_a_receipt(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    intake(home)
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    [outcome] = intake(home)
    assert outcome.decision == "duplicate"
    assert query(home, "select count(*) from raw.wonen__huurachterstand") == [(3,)]
    receipts = sorted((home.receipts / "havensteder").glob("*.json"))
    assert [json.loads(p.read_text())["decision"] for p in receipts] == ["accepted", "duplicate"]


def test_the_same_bytes_for_another_month_or_partner_are_a_delivery_not_a_duplicate(home, deliver):
    """A small corporation with no nuisance reports in two months sends two header-only files,
    byte for byte the same: both months are delivered (as zero reports, not as missing), and so
    is another partner's identical empty month. Only the same file again is a duplicate."""
    for name in ("havensteder__overlastmeldingen__2025-06.csv", "havensteder__overlastmeldingen__2025-07.csv"):
        deliver("havensteder", name, NUISANCE, [])
    deliver("woonstad", "woonstad__overlastmeldingen__2025-07.csv", NUISANCE, [])
    outcomes = intake(home)
    assert len({o.sha256 for o in outcomes}) == 1
    assert [o.decision for o in outcomes] == ["accepted"] * 3
    assert query(home, "select partner, period, rows_loaded from raw.load_ledger order by 1, 2") == [
        ("havensteder", "2025-06", 0), ("havensteder", "2025-07", 0), ("woonstad", "2025-07", 0)]
    deliver("havensteder", "havensteder__overlastmeldingen__2025-07.csv", NUISANCE, [])
    [again] = intake(home)
    assert again.decision == "duplicate"


def test_an_earlier_version_sent_again_after_its_correction_is_a_correction_back(home, deliver):
    """v1, corrected by v2, then v1 again: the partner takes the correction back, and the month
    holds v1's rows again. The same v1 once more is then a duplicate."""
    name = "havensteder__huurachterstand__2025-06.csv"
    deliver("havensteder", name, ARREARS, arrears_rows(3))
    intake(home)
    deliver("havensteder", name, ARREARS, arrears_rows(5))
    intake(home)
    deliver("havensteder", name, ARREARS, arrears_rows(3))
    [back] = intake(home)
    assert back.decision == "accepted" and back.loaded_before["rows_loaded"] == 5
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]
    deliver("havensteder", name, ARREARS, arrears_rows(3))
    [again] = intake(home)
    assert again.decision == "duplicate"
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]


def arrears_parquet(home, name: str, rows: int, dropped: int):
    path = home.partner_inbox("havensteder") / name
    pl.DataFrame({"contract_id": [f"HC-{i:05d}" for i in range(rows)], "maand": ["2025-06"] * rows,
                  "achterstand_eur": [20.0] * rows, "maanden_achterstand": [2] * rows}).write_parquet(path)
    os.utime(path, (dropped, dropped))
    return path


def test_of_two_versions_in_one_run_the_one_dropped_last_ends_in_use(home, deliver):
    """Decided in the order they were dropped, not by name: the older .parquet, then the newer .csv."""
    name = "havensteder__huurachterstand__2025-06"
    arrears_parquet(home, f"{name}.parquet", 3, dropped=1000)
    newer = deliver("havensteder", f"{name}.csv", ARREARS, arrears_rows(7))
    os.utime(newer, (9000, 9000))
    assert [o.file_name for o in intake(home)] == [f"{name}.parquet", f"{name}.csv"]
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(7,)]


def test_a_correction_back_and_a_newer_version_in_one_run_end_with_the_newer(home, deliver):
    name = "havensteder__huurachterstand__2025-06"
    for rows in (1, 2):
        deliver("havensteder", f"{name}.csv", ARREARS, arrears_rows(rows))
        intake(home)
    back = deliver("havensteder", f"{name}.csv", ARREARS, arrears_rows(1))
    os.utime(back, (5000, 5000))
    arrears_parquet(home, f"{name}.parquet", 3, dropped=6000)
    assert [o.decision for o in intake(home)] == ["accepted", "accepted"]
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]


def killed_intake(home, monkeypatch, at: str, call: int, after: bool = False) -> None:
    """An intake killed at the `call`-th call of quality.intake's `at` (before it, or after it)."""
    import quality.intake as intake_module

    real, calls = getattr(intake_module, at), []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == call and not after:
            raise KeyboardInterrupt  # the process dies here
        result = real(*args, **kwargs)
        if len(calls) == call and after:
            raise KeyboardInterrupt
        return result

    with monkeypatch.context() as patched:
        patched.setattr(intake_module, at, dying)
        with pytest.raises(KeyboardInterrupt):
            intake(home)


@pytest.mark.parametrize("marker", [None, "", "{}", "1", '{"drop_id": "x"}'])
def test_a_correction_back_landed_by_a_run_killed_before_deciding_it_is_decided_by_the_next(
        home, deliver, monkeypatch, marker):
    """The landed bytes of a correction back already have a ledger row (their first delivery):
    a run killed after taking them from the inbox must not lose them. The next run decides them,
    also when the drop's marker was cut short by the crash, and the run after that has nothing left."""
    name = "havensteder__huurachterstand__2025-06.csv"
    for rows in (3, 5):
        deliver("havensteder", name, ARREARS, arrears_rows(rows))
        intake(home)
    deliver("havensteder", name, ARREARS, arrears_rows(3))
    killed_intake(home, monkeypatch, "process", 1)
    assert not list(home.partner_inbox("havensteder").iterdir())  # taken from the inbox
    if marker is not None:
        [written] = (home.landing / "havensteder" / ".dropped").iterdir()
        written.write_text(marker)
    [back] = intake(home)
    assert back.decision == "accepted" and back.loaded_before["rows_loaded"] == 5
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]
    assert intake(home) == []


@pytest.mark.parametrize("killed_after", [1, 2])
def test_each_drop_of_the_same_bytes_and_name_is_decided_after_a_kill(home, deliver, monkeypatch, killed_after):
    """The same file in woonstad's folder (misfiled) and in havensteder's, one run, killed after
    the first decision: the ledger's (sha256, name) is decided, but only one of the two drops
    was. Each drop is decided once, whichever came first."""
    name = "havensteder__huurachterstand__2025-06.csv"
    for folder, dropped in (("woonstad", 1000), ("havensteder", 2000)):
        os.utime(deliver(folder, name, ARREARS, arrears_rows(3)), (dropped, dropped))
    killed_intake(home, monkeypatch, "process", killed_after, after=True)
    decided = [o.decision for o in intake(home)]
    assert decided == [["accepted"], []][killed_after - 1]
    assert intake(home) == []
    assert query(home, "select coalesce(partner, '-'), decision from raw.load_ledger order by all") == [
        ("-", "refused"), ("havensteder", "accepted")]
    assert (home.receipts / "woonstad").is_dir() and (home.receipts / "havensteder").is_dir()
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]


def test_a_run_killed_while_landing_still_ends_with_the_version_dropped_last(home, deliver, monkeypatch):
    """The newer .csv is landed (landing goes by name), the older .parquet not yet when the run is
    killed: the next run decides both in the order they were dropped, so the .csv ends in use."""
    name = "havensteder__huurachterstand__2025-06"
    arrears_parquet(home, f"{name}.parquet", 3, dropped=1000)
    os.utime(deliver("havensteder", f"{name}.csv", ARREARS, arrears_rows(7)), (9000, 9000))
    killed_intake(home, monkeypatch, "land", 2)
    assert [o.file_name for o in intake(home)] == [f"{name}.parquet", f"{name}.csv"]
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(7,)]


def test_a_name_too_long_to_land_beside_its_hash_is_refused_and_blocks_nothing(home, deliver):
    """A file name holds 255 bytes; landing puts a 64-character hash before the name. A longer
    name (with a BSN in it) is cut, refused as an unknown name, and the other partner's file is
    decided in the same run; no output shows the BSN."""
    long_name = "client_123456782_" + "x" * 200 + ".csv"
    deliver("havensteder", long_name, ARREARS, arrears_rows(1))
    deliver("woonstad", "woonstad__huurachterstand__2025-06.csv", ARREARS, arrears_rows(2))
    decisions = sorted(o.decision for o in intake(home))
    assert decisions == ["accepted", "refused"]
    assert intake(home) == []
    assert "123456782" not in all_output_text(home)
    assert not any("123456782" in p.name for p in home.landing.rglob(".dropped/*"))


def test_every_file_taken_from_the_inbox_is_decided_even_when_its_bytes_were_refused_before(home, deliver):
    """A refused file sent again is judged again (its receipt says why); a misnamed file with the
    same bytes and name length as another gets its own decision; and a copy refused in another
    partner's folder does not stop the right partner's delivery of the same bytes."""
    deliver("havensteder", "jan123456782.csv", ARREARS, arrears_rows(2))
    [first] = intake(home)
    deliver("havensteder", "piet12345678.csv", ARREARS, arrears_rows(2))
    [second] = intake(home)
    assert (first.decision, second.decision) == ("refused", "refused") and second.problems
    misfiled = deliver("woonstad", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    [wrong_folder] = intake(home)
    deliver("havensteder", misfiled.name, ARREARS, arrears_rows(3))
    [right_folder] = intake(home)
    assert (wrong_folder.decision, right_folder.decision) == ("refused", "accepted")
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]
    assert "123456782" not in all_output_text(home)


def test_a_copy_of_the_delivery_in_use_in_another_partners_folder_is_refused_not_a_duplicate(home, deliver):
    """havensteder's accepted file dropped again in woonstad's folder: woonstad's receipt says
    the folder is wrong (a 'duplicate, no change' receipt would tell woonstad it delivered)."""
    name = "havensteder__huurachterstand__2025-06.csv"
    deliver("havensteder", name, ARREARS, arrears_rows(3))
    intake(home)
    deliver("woonstad", name, ARREARS, arrears_rows(3))
    [misfiled] = intake(home)
    assert misfiled.decision == "refused" and [p.code for p in misfiled.problems] == ["wrong_folder"]
    receipt = next((home.receipts / "woonstad").glob("*.nl.md")).read_text()
    assert "in de map van de partner die het levert" in receipt and "dezelfde bestandsnaam" not in receipt
    assert query(home, "select count(*) from raw.wonen__huurachterstand where _partner = 'havensteder'") == [(3,)]


def test_one_bad_row_among_many_loads_with_a_warning_and_is_kept_aside(home, deliver):
    rows = nuisance_rows(99) + [["M-99999", "14-06-2025", "BU05999999", "CX-01", "geluid", "", ""]]
    deliver("havensteder", "havensteder__overlastmeldingen__2025-06.csv", NUISANCE, rows)
    [outcome] = intake(home)
    assert outcome.decision == "accepted_with_warnings"
    assert query(home, "select count(*) from raw.wonen__overlastmeldingen") == [(99,)]
    # The rejects table keeps the row number, the rules and only the shape of each value.
    assert query(home, "select source_row, rules, record->>'buurtcode' from raw.rejects") \
        == [(100, ["buurtcode.known"], "[tekst, 10 tekens]")]
    assert "BU05999999" not in str(query(home, "select * from raw.rejects"))
    receipt = next((home.receipts / "havensteder").glob("*.en.md")).read_text()
    assert "Accepted with warnings" in receipt and "buurtcode.known" in receipt


def test_many_fatal_rows_refuse_the_whole_file(home, deliver):
    rows = nuisance_rows(50) + [[f"M-9{i:04d}", "31-02-2025", BOSPOLDER, "", "geluid", "", ""] for i in range(10)]
    deliver("havensteder", "havensteder__overlastmeldingen__2025-06.csv", NUISANCE, rows)
    [outcome] = intake(home)
    assert outcome.decision == "refused"
    assert [p.code for p in outcome.problems] == ["fatal_rows"]
    assert query(home, "select count(*) from raw.wonen__overlastmeldingen") == [(0,)]
    assert (home.quarantine / "havensteder").iterdir()


def test_period_in_file_name_must_match_the_data(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-07.csv", ARREARS, arrears_rows(5, "2025-06"))
    [outcome] = intake(home)
    assert outcome.decision == "refused"
    assert any(r.rule == "month_is_period" and r.failed_rows == 5 for r in outcome.rules)


@pytest.mark.parametrize("name, code", [
    ("huurachterstand_juni.csv", "bad_file_name"),
    ("havensteder__onbekend__2025-06.csv", "unknown_dataset"),
    ("havensteder__huurachterstand__2025-06-30.csv", "unknown_dataset"),  # monthly, not a snapshot
    ("woonstad__huurachterstand__2025-06.csv", "wrong_folder"),
])
def test_file_level_refusals_are_specific(home, deliver, name, code):
    deliver("havensteder", name, ARREARS, arrears_rows(3))
    [outcome] = intake(home)
    assert [p.code for p in outcome.problems] == [code]
    assert (home.quarantine / "havensteder" / f"{outcome.sha256}__{name}").exists()


def test_missing_and_unknown_columns_refuse(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv",
            ["contract_id", "maand", "opmerking"], [["HC-1", "2025-06", "x"]])
    [outcome] = intake(home)
    assert {p.code for p in outcome.problems} == {"missing_columns", "unknown_columns"}


def test_refused_privacy_file_changes_nothing_is_quarantined_and_never_repeated(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    intake(home)
    before = query(home, "select count(*), sum(achterstand_eur) from raw.wonen__huurachterstand")
    rows = [[bsn, "2025-06", "100,00", "1"] for bsn in VALID_BSNS * 4]
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, rows)
    [outcome] = intake(home)
    assert outcome.decision == "refused" and "privacy:bsn" in {p.code for p in outcome.problems}
    assert query(home, "select count(*), sum(achterstand_eur) from raw.wonen__huurachterstand") == before
    assert len(list((home.quarantine / "havensteder").iterdir())) == 1
    text = all_output_text(home)
    assert "privacy" in text
    for bsn in VALID_BSNS:
        assert bsn not in text


def test_file_still_being_written_is_left_alone(home, deliver):
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3), settled=False)
    assert intake(home) == []
    assert (home.partner_inbox("havensteder") / "havensteder__huurachterstand__2025-06.csv").exists()


def test_xlsx_and_parquet_deliveries_load_like_csv(home):
    frame = pl.DataFrame({"persoon_pseudoniem": [pseudonym(i) for i in range(4)],
                          "datum": ["2025-06-0" + str(i + 1) for i in range(4)],
                          "soort": ["crisisopname", "crisisdienst", "politie_inzet", "crisisdienst"]})
    inbox = home.partner_inbox("zorgaanbieder")
    frame.write_excel(inbox / "zorgaanbieder__crisismomenten__2025-06.xlsx", worksheet="crisismomenten")
    frame.write_parquet(inbox / "zorgaanbieder__crisismomenten__2025-07.parquet")
    for path in inbox.iterdir():
        os.utime(path, (0, 0))
    outcomes = intake(home)
    assert [o.decision for o in outcomes] == ["accepted", "refused"]  # July file holds June dates
    assert query(home, "select count(*) from raw.zorg__crisismomenten") == [(4,)]
    # the receipt names the sheet it read when the dataset named it, not its shape
    [receipt] = [p.read_text() for p in (home.receipts / "zorgaanbieder").glob("*2025-06.xlsx__*.nl.md")]
    assert "tabblad crisismomenten" in receipt and "tekens]" not in receipt


def run_check(path, *args):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "check", str(path), *args],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_check_command_exit_codes_and_receipt_without_loading(tmp_path):
    good = write_csv(tmp_path / "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows(20))
    result = run_check(good)
    assert result.returncode == 0 and "Geaccepteerd" in result.stdout
    assert "Alleen een controle" in result.stdout   # nothing delivered: the receipt says so
    bad = write_csv(tmp_path / "havensteder__huurachterstand__2025-06.csv", ARREARS,
                    [[bsn, "2025-06", "1,00", "1"] for bsn in VALID_BSNS * 3])
    refused = run_check(bad, "--lang", "en")
    assert refused.returncode == 1 and "Refused" in refused.stdout
    assert "A check only" in refused.stdout and "check it again before you deliver" in refused.stdout
    assert "quarantine" not in refused.stdout and "deliver it again" not in refused.stdout
    assert not any(bsn in refused.stdout + refused.stderr for bsn in VALID_BSNS)
    assert r"\[9 digits\]" in refused.stdout and "cijfers" not in refused.stdout   # the mask in English too
    assert r"\[9 cijfers\]" in run_check(bad).stdout
    as_json = json.loads(run_check(good, "--json").stdout)
    assert as_json["decision"] == "accepted" and as_json["rows"]["read"] == 20
    refused_json = json.loads(run_check(bad, "--json").stdout)   # each text with its own language's masks
    [bsn_rule] = [r for r in refused_json["rules"] if r["rule"] == "privacy.bsn"]
    assert bsn_rule["example"] == "[9 cijfers]" and "[9 cijfers]" in bsn_rule["nl"]
    assert "[9 digits]" in bsn_rule["en"] and "cijfers" not in bsn_rule["en"]
    assert all("cijfers" not in p["en"] for p in refused_json["problems"])
    assert run_check(tmp_path / "missing.csv").returncode == 2
    assert subprocess.run([sys.executable, "-m", "pipelines.cli", "check"], cwd=REPO_ROOT,
                          capture_output=True).returncode == 2
    assert not list(tmp_path.glob("*.duckdb"))


def test_a_file_that_breaks_the_check_is_refused_in_one_receipt_without_a_traceback(tmp_path, monkeypatch, capsys):
    """As in the intake (test below): a crash inside validation refuses the file, and its
    message, which could quote the file, is shown nowhere."""
    import pipelines.check as check_module

    def crash(*_args, **_kwargs):
        raise ValueError("could quote 06-12345678 from the file")

    monkeypatch.setattr(check_module, "validate", crash)
    path = write_csv(tmp_path / "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows(5))
    assert check_module.check_file(path, "en") == 1
    out, err = capsys.readouterr()
    assert "could not be checked" in out and "06-12345678" not in out + err and "Traceback" not in out + err


def test_duplicate_keys_in_a_file_are_set_aside(home, deliver):
    deliver("havensteder", "havensteder__overlastmeldingen__2025-06.csv", NUISANCE,
            nuisance_rows(40) + nuisance_rows(5, STADSDRIEHOEK, first=40) + nuisance_rows(1, STADSDRIEHOEK))
    [outcome] = intake(home)
    assert outcome.decision == "accepted_with_warnings"
    assert [(r.rule, r.failed_rows) for r in outcome.rules] == [("key.unique", 2)]
    assert query(home, "select count(*) from raw.wonen__overlastmeldingen") == [(44,)]


def test_a_file_that_breaks_validation_is_refused_and_does_not_block_the_next(home, deliver, monkeypatch):
    """Issue 13: a workbook could stay in landing/ for good; now a crash inside validation
    refuses that one file (quarantined, receipt, ledger row) and the intake goes on."""
    import quality.intake as intake_module

    real_validate = intake_module.validate

    def validate_or_crash(path, *args, **kwargs):
        if "huurachterstand" in path.name:
            raise ValueError("could quote 06-12345678 from the file")
        return real_validate(path, *args, **kwargs)

    monkeypatch.setattr(intake_module, "validate", validate_or_crash)
    deliver("havensteder", "havensteder__huurachterstand__2025-06.csv", ARREARS, arrears_rows(3))
    deliver("havensteder", "havensteder__overlastmeldingen__2025-06.csv", NUISANCE, nuisance_rows(5))
    decisions = {o.file_name: (o.decision, [p.code for p in o.problems]) for o in intake(home)}
    assert decisions["havensteder__huurachterstand__2025-06.csv"] == ("refused", ["unreadable:cannot_check"])
    assert decisions["havensteder__overlastmeldingen__2025-06.csv"][0] == "accepted"
    assert [p.name.split("__", 1)[1] for p in (home.quarantine / "havensteder").iterdir()] == [
        "havensteder__huurachterstand__2025-06.csv"]
    assert intake(home) == []  # decided: not pending any more
    assert "06-12345678" not in all_output_text(home)
