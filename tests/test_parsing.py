"""sources/parsing.py: the one parser from export text to contract types (check and load share it)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from sources.contracts import Column
from sources.parsing import (AMBIGUOUS_NUMBER, INVALID, NOT_WHOLE, TWO_DIGIT_YEAR, NumberStyle, date_expr,
                             month_expr, number_style, parse_columns)


def parsed(values: list[str | None], kind: str, file_decimal: str | None = None,
           typed_source: bool = False) -> list[tuple]:
    """(typed value, issue) per cell of one column of the given contract type."""
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    out = parse_columns(frame, [Column("v", kind)], file_decimal, typed_source)
    return list(zip(out["v"].to_list(), out["_issue_v"].to_list()))


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-01-31", dt.date(2025, 1, 31)),
    ("31-01-2025", dt.date(2025, 1, 31)),
    ("1-2-2025", dt.date(2025, 2, 1)),
    (" 2024-02-29 ".strip(), dt.date(2024, 2, 29)),
    ("2025-03-01 00:00:00.000", dt.date(2025, 3, 1)),        # SQL Server
    ("2025-03-01 00:00:00", dt.date(2025, 3, 1)),            # Excel
    ("01-03-2025 00:00", dt.date(2025, 3, 1)),
    ("2025-03-01 14:30:00", dt.date(2025, 3, 1)),            # a local time: its own date
    ("2025-03-01T23:30:00Z", dt.date(2025, 3, 2)),           # 00:30 in Amsterdam (CET)
    ("2025-06-30T22:30:00Z", dt.date(2025, 7, 1)),           # 00:30 in Amsterdam (CEST)
    ("2025-06-30T21:30:00Z", dt.date(2025, 6, 30)),          # 23:30 in Amsterdam
    ("2025-03-01T23:30:00+01:00", dt.date(2025, 3, 1)),
    ("2025-03-01T23:30:00.123+0100", dt.date(2025, 3, 1)),
    ("2025-03-01T00:30:00+05:00", dt.date(2025, 2, 28)),
])
def test_dates_in_every_agreed_notation(text, expected):
    assert parsed([text], "date") == [(expected, None)]


@pytest.mark.parametrize(("text", "issue"), [
    ("01-03-25", TWO_DIGIT_YEAR),          # never year 0025 or a guessed century
    ("1-3-25 00:00", TWO_DIGIT_YEAR),
    ("0025-03-01", INVALID),
    ("29-02-2025", INVALID),
    ("2025-13-01", INVALID),
    ("2025-03-01T25:00:00Z", INVALID),
    ("2025/01/31", INVALID),
    ("gisteren", INVALID),
])
def test_dates_that_are_refused_say_why(text, issue):
    assert parsed([text], "date") == [(None, issue)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-06", dt.date(2025, 6, 1)),
    ("2025-6", dt.date(2025, 6, 1)),
    ("17-06-2025", dt.date(2025, 6, 1)),
    ("2025-06-01 00:00:00.000", dt.date(2025, 6, 1)),
    ("2025-05-31T22:30:00Z", dt.date(2025, 6, 1)),
])
def test_months(text, expected):
    assert parsed([text], "month") == [(expected, None)]


# Every notation the tests above use, and near misses of the time's separator: a column mixes them.
MIXED_DATES = ["2025-01-31", "31-01-2025", "1-2-2025", "2025-03-01 00:00:00.000", "01-03-2025 00:00",
               "2025-03-01T23:30:00Z", "2025-06-30T22:30:00Z", "2025-03-01T00:30:00+05:00",
               "2025-03-01T23:30:00.123+0100", "01-03-25", "1-3-25 00:00", "0025-03-01", "29-02-2025",
               "2025-13-01", "2025-03-01T25:00:00Z", "2025/01/31", "gisteren", "2025-03-01t10:00",
               "2025-03-01\t10:00", "2025-03-01\u00a010:00", "2025-03-01 ", " 2025-03-01", "2025-03-01T",
               "2025-06", "2025-6", "06-25", "06-2025", "2025-03-01Z", "T", " ", "2024-02-29", "2025-05-31T22:30"]


@pytest.mark.parametrize("kind", ["date", "month"])
def test_a_column_of_mixed_notations_types_each_as_the_full_expression_does(kind):
    """parse_columns takes texts without a time through the date part alone: the same value and
    issue as the whole expression (times, zones) gives each text on its own."""
    full = date_expr if kind == "date" else month_expr
    value, issue = full(pl.col("v"))
    alone = pl.DataFrame({"v": MIXED_DATES}).select(value.alias("value"), issue.cast(pl.String).alias("issue"))
    assert parsed(MIXED_DATES, kind) == list(zip(alone["value"].to_list(), alone["issue"].to_list()))


def test_months_refused():
    assert parsed(["2025-13", "06-2025", "juni", "06-25", None], "month") == [
        (None, INVALID), (None, INVALID), (None, INVALID), (None, TWO_DIGIT_YEAR), (None, None)]


def test_amounts_with_euro_signs_brackets_and_dutch_separators():
    values = ["€ 1.250,00", "€1250", "(125,00)", "-€ 3,10", "EUR 7,5", "1.234.567,89", "1.250", None]
    assert [v for v, _ in parsed(values, "amount")] == [
        Decimal("1250.00"), Decimal("1250.00"), Decimal("-125.00"), Decimal("-3.10"),
        Decimal("7.50"), Decimal("1234567.89"), Decimal("1250.00"), None]


def test_amounts_with_decimal_points():
    values = ["1,250.00", "12.5", "(3.10)", "1,250", "0.125"]
    assert [v for v, _ in parsed(values, "amount")] == [
        Decimal("1250.00"), Decimal("12.50"), Decimal("-3.10"), Decimal("1250.00"), Decimal("0.12")]


def test_ambiguous_thousands_resolved_from_the_column_or_refused():
    # The column itself shows decimal commas: "1.250" can only be 1250.
    assert parsed(["12,50", "1.250"], "amount", file_decimal=".")[1] == (Decimal("1250.00"), None)
    # No evidence in the column; the file uses decimal commas: a dot groups thousands.
    assert parsed(["980", "1.250"], "amount", file_decimal=",")[1] == (Decimal("1250.00"), None)
    # The file uses decimal points but the column only has "1.250": 1.25 or 1250? Refused.
    assert parsed(["980", "1.250"], "amount", file_decimal=".") == [
        (Decimal("980.00"), None), (None, AMBIGUOUS_NUMBER)]
    assert parsed(["980", "1.250"], "amount", file_decimal=None)[1] == (None, AMBIGUOUS_NUMBER)
    # A column that uses both separators as decimals cannot be trusted with either.
    assert parsed(["12,50", "12.50", "7"], "amount") == [
        (None, AMBIGUOUS_NUMBER), (None, AMBIGUOUS_NUMBER), (Decimal("7.00"), None)]


def test_parquet_numbers_are_never_ambiguous():
    assert parsed(["1.125", "2"], "decimal", file_decimal=".", typed_source=True) == [
        (1.125, None), (2.0, None)]


def test_number_style_reads_the_whole_column():
    frame = pl.DataFrame({"v": ["1"] * 50_000 + ["1.234,5"]})
    assert number_style(frame, "v", ".") == NumberStyle(",", trusted=True)


def test_counts_with_decimals_are_flagged_not_rounded():
    assert parsed(["2", "2,0", "2,5", "1.000", "x", "99999999999999999999"], "integer",
                  file_decimal=",") == [
        (2, None), (2, None), (None, NOT_WHOLE), (1000, None), (None, INVALID), (None, INVALID)]


def test_garbage_numbers_are_invalid():
    assert parsed(["(-5)", "1,2,3", "12,5,0", "abc", "--3"], "decimal", file_decimal=",") == [
        (None, INVALID)] * 5


def test_text_types_and_bookkeeping_columns():
    frame = pl.DataFrame({"b": ["bu05990110"], "c": ["Regulier"], "i": ["Zoë-123"]})
    out = parse_columns(frame, [Column("b", "buurtcode"), Column("c", "category"), Column("i", "id"),
                                Column("missing", "date")])
    assert out.row(0, named=True) == {
        "_row": 1, "b": "BU05990110", "raw_b": "bu05990110", "_issue_b": None,
        "c": "regulier", "raw_c": "Regulier", "_issue_c": None,
        "i": "Zoë-123", "raw_i": "Zoë-123", "_issue_i": None,
        "missing": None, "raw_missing": None, "_issue_missing": None}
