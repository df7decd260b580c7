"""The dialect and harm corpus through the real intake: the values that land, and check == load."""
from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal

import pytest

from pipelines.check import check_file
from quality.intake import run_intake
from engine.warehouse import open_warehouse
from tests.corpus import cases_dialect, cases_harm

CASES = {c["id"]: c for c in cases_dialect.cases() + cases_harm.cases()}


def deliver_case(home, case: dict):
    """Deliver the case's earlier files, then the case itself; the outcome of the last."""
    def put(name: str, content: bytes) -> None:
        path = home.partner_inbox(case["partner"]) / name
        path.write_bytes(content)
        os.utime(path, (0, 0))

    with open_warehouse(home.warehouse) as con:
        for name, content in case.get("before", []):
            put(name, content)
            run_intake(con, home, "before")
        put(case["filename"], case["content"])
        [outcome] = run_intake(con, home, "case")
    return outcome


def query(home, sql: str) -> list[tuple]:
    with open_warehouse(home.warehouse, read_only=True) as con:
        return con.sql(sql).fetchall()


# What each dialect must load as: one query per case over the raw table it fills.
LANDED = {
    "sqlserver_midnight_dates": ("select distinct meldingsdatum from raw.wonen__overlastmeldingen",
                                 [(date(2025, 6, 14),)]),
    "iso_utc_timestamps": ("select distinct meldingsdatum from raw.wonen__overlastmeldingen",
                           [(date(2025, 6, 14),)]),
    "iso_utc_timestamp_crossing_midnight": (
        "select distinct meldingsdatum from raw.wonen__overlastmeldingen", [(date(2025, 6, 1),)]),
    "iso_offset_timestamps": ("select distinct meldingsdatum from raw.wonen__overlastmeldingen",
                              [(date(2025, 6, 14),)]),
    "euro_sign_dutch_amounts": ("select distinct achterstand_eur from raw.wonen__huurachterstand",
                                [(Decimal("1250.00"),)]),
    "excel_separator_line": ("select count(*), min(achterstand_eur) from raw.wonen__huurachterstand",
                             [(30, Decimal("1250.00"))]),
    "excel_separator_line_comma_cp1252": (
        "select count(*), min(achterstand_eur) from raw.wonen__huurachterstand", [(30, Decimal("1250.00"))]),
    "euro_sign_utf8_no_space": ("select distinct achterstand_eur from raw.wonen__huurachterstand",
                                [(Decimal("1250.00"),)]),
    "euro_suffix_and_eur_prefix": (
        "select distinct achterstand_eur from raw.wonen__huurachterstand order by 1",
        [(Decimal("80.00"),), (Decimal("1250.00"),)]),
    "accounting_brackets": (
        "select count(*), min(achterstand_eur) from raw.wonen__huurachterstand",
        [(29, Decimal("1234.56"))]),
    "decimal_point_thousands_comma": (
        "select distinct achterstand_eur from raw.wonen__huurachterstand", [(Decimal("1250.00"),)]),
    "ambiguous_thousands_settled_by_column": (
        "select distinct achterstand_eur from raw.wonen__huurachterstand order by 1",
        [(Decimal("12.50"),), (Decimal("1250.00"),)]),
    "whole_counts_written_with_decimal": (
        "select distinct maanden_achterstand from raw.wonen__huurachterstand", [(2,)]),
    "sqlserver_month_column": ("select distinct maand from raw.wonen__huurachterstand",
                               [(date(2025, 6, 1),)]),
    "diacritic_ids_cp1252": ("select count(*), min(contract_id) from raw.wonen__huurachterstand",
                             [(30, "Zoë-000")]),
    "sqlserver_dates_full_history": ("select distinct startdatum from raw.wonen__huurcontracten",
                                     [(date(2020, 3, 1),)]),
    "utc_parquet_timestamps": ("select min(datum), max(datum), count(*) from raw.zorg__crisismomenten",
                               [(date(2025, 7, 1), date(2025, 7, 31), 12)]),
    "xlsx_date_cells": ("select min(datum), max(datum) from raw.zorg__crisismomenten",
                        [(date(2025, 6, 1), date(2025, 6, 6))]),
    "iso_timestamp_fraction_compact_offset": (
        "select distinct meldingsdatum from raw.wonen__overlastmeldingen", [(date(2025, 6, 14),)]),
    "month_as_utc_timestamp": ("select distinct maand from raw.wonen__huurachterstand",
                               [(date(2025, 6, 1),)]),
    "parquet_naive_local_datetimes": ("select distinct datum from raw.zorg__crisismomenten",
                                      [(date(2025, 6, 14),)]),
    "xlsx_amounts_as_numbers": ("select distinct bedrag_eur from raw.zorg__zorgkosten order by 1",
                                [(Decimal("12.25"),), (Decimal("980.00"),), (Decimal("1250.50"),),
                                 (Decimal("3000.00"),)]),
    "parquet_float_amounts": ("select distinct bedrag_eur from raw.zorg__zorgkosten order by 1",
                              [(Decimal("1.12"),), (Decimal("980.00"),), (Decimal("1250.50"),)]),
}


@pytest.mark.parametrize("case_id", sorted(LANDED))
def test_dialect_lands_with_the_right_values(home, case_id):
    outcome = deliver_case(home, CASES[case_id])
    assert outcome.decision in ("accepted", "accepted_with_warnings"), outcome.problems
    sql, expected = LANDED[case_id]
    assert query(home, sql) == expected


def test_the_accounting_bracket_is_read_as_negative_and_set_aside(home):
    outcome = deliver_case(home, CASES["accounting_brackets"])
    assert [(r.rule, r.failed_rows) for r in outcome.rules] == [("achterstand_eur.range", 1)]


@pytest.mark.parametrize("case_id", [c["id"] for c in cases_harm.cases() if c.get("before")])
def test_a_refused_correction_leaves_the_months_earlier_data(home, case_id):
    outcome = deliver_case(home, CASES[case_id])
    assert outcome.decision == "refused"
    assert CASES[case_id]["reason"] in {p.code for p in outcome.problems}
    assert query(home, "select count(*), sum(achterstand_eur)::double from raw.wonen__huurachterstand") \
        == [(10, pytest.approx(10 * 1234.56))]
    [problem] = [p for p in outcome.problems if p.code == CASES[case_id]["reason"]]
    for lang, words in (("en", ("Refused", problem.en)), ("nl", ("Geweigerd", problem.nl))):
        [receipt] = (home.receipts / "havensteder").glob(f"*{outcome.sha256[:12]}.{lang}.md")
        assert all(word.replace("(", "\\(").replace(")", "\\)") in receipt.read_text()
                   for word in words)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_check_and_load_decide_alike(home, tmp_path, capsys, case_id):
    """`wijkwijzer check` and the intake share one parser and one validation: same verdict,
    same rows, same rules failed."""
    case = CASES[case_id]
    path = tmp_path / case["filename"]
    path.write_bytes(case["content"])
    check_file(path, as_json=True)
    checked = json.loads(capsys.readouterr().out)
    loaded = deliver_case(home, case)
    assert checked["decision"] == loaded.decision
    assert (case["expect"] == "refused") == (loaded.decision == "refused")
    assert checked["rows"] == {"read": loaded.rows_read, "loaded": loaded.rows_loaded,
                               "rejected": loaded.rows_rejected, "warned": loaded.rows_warned}
    assert [p["code"] for p in checked["problems"]] == [p.code for p in loaded.problems]
    assert {(r["rule"], r["failed_rows"]) for r in checked["rules"]} \
        == {(r.rule, r.failed_rows) for r in loaded.rules}
