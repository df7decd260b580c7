"""The one parser from export text to contract types, for `wijkwijzer check` and the load alike.

`read_export` gives every cell as text; `parse_columns` types the contract's columns in polars,
vectorised, and says per cell why a value could not be typed. The DuckDB validation only checks
the typed values, so what `check` reports is exactly what the load writes.

Dates: ISO `YYYY-MM-DD` or Dutch `D-M-YYYY`, optionally with a time (SQL Server writes
`2025-03-01 00:00:00.000`); a time with a zone (`Z`, `+01:00`) is converted to Europe/Amsterdam
before its date is taken, a time without one is already local. Two-digit years are refused, not
guessed. Numbers: `€`/`EUR`, spaces and accounting brackets `(125,00)` (negative) are understood;
whether `.` or `,` is the decimal separator is decided per column from all its values, falling
back to the file's style; a value like "1.250" that the column cannot settle is refused, and so is
a count with decimals.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from sources.contracts import Column

TIME_ZONE = "Europe/Amsterdam"  # the partners' local time: a timestamp's date is its date here
AMOUNT = pl.Decimal(18, 2)       # as raw tables store amounts (contracts.DUCKDB_TYPES)

# Why a cell could not be typed; each is a rule of its own in contract_sql.
INVALID = "invalid"
TWO_DIGIT_YEAR = "two_digit_year"
AMBIGUOUS_NUMBER = "ambiguous_number"
NOT_WHOLE = "not_whole"

DATE_PATTERN = (
    r"^(?:(?<y>[12][0-9]{3})-(?<m>[0-9]{1,2})-(?<d>[0-9]{1,2})"
    r"|(?<d2>[0-9]{1,2})-(?<m2>[0-9]{1,2})-(?<y2>[12][0-9]{3}))"
    r"(?:[ T](?<time>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?)"
    r" ?(?<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$"
)
TWO_DIGIT_YEAR_PATTERN = r"^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2}(?:[ T].*)?$"
MONTH_PATTERN = r"^(?<y>[12][0-9]{3})-(?<m>[0-9]{1,2})$"

# Number bodies after sign, currency and spaces are taken off.
PLAIN_INTEGER = r"^[0-9]+$"
# One separator followed by exactly three digits: "1.250" is 1250 or 1.25.
AMBIGUOUS = {".": r"^[1-9][0-9]{0,2}\.[0-9]{3}$", ",": r"^[1-9][0-9]{0,2},[0-9]{3}$"}
# What proves a column's decimal separator (the other one then can only group thousands).
EVIDENCE = {
    ",": r"^([0-9]+,[0-9]+|[1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?)$",
    ".": r"^([0-9]+\.[0-9]+|[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?)$",
}
VALID = {
    ",": r"^([1-9][0-9]{0,2}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$",
    ".": r"^([1-9][0-9]{0,2}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$",
}
NUMBER_TYPES = ("integer", "amount", "decimal")


@dataclass(frozen=True)
class NumberStyle:
    """A column's decimal separator and whether "1.250"-like values with it are decimals."""

    decimal: str | None           # "," or "." or None (no decimals seen, or a conflict)
    trusted: bool = False         # the column itself (or a typed file) shows this separator
    conflict: bool = False        # the column shows both separators as decimals


def parse_columns(frame: pl.DataFrame, columns: Iterable[Column], file_decimal: str | None = None,
                  typed_source: bool = False) -> pl.DataFrame:
    """Per contract column: `<name>` typed, `raw_<name>` the text, `_issue_<name>` why a
    non-empty value is untyped (null when fine); `_row` numbers the rows from 1.

    `file_decimal` is the separator the reader saw in the whole file; `typed_source` says the
    text came from typed cells (Parquet), where a point is always a decimal point.
    """
    columns = list(columns)
    for column in columns:  # optional columns a partner left out
        if column.name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column.name))
    styles = {c.name: number_style(frame, c.name, file_decimal, typed_source)
              for c in columns if c.type in NUMBER_TYPES}
    exprs: list[pl.Expr] = []
    for column in columns:
        text = pl.col(column.name)
        value, issue = _typed(column, text, styles.get(column.name))
        exprs += [value.alias(column.name), text.alias(f"raw_{column.name}"),
                  pl.when(text.is_not_null()).then(issue).cast(pl.String).alias(f"_issue_{column.name}")]
    return frame.with_row_index("_row", offset=1).select(pl.col("_row").cast(pl.Int64), *exprs)


def _typed(column: Column, text: pl.Expr, style: NumberStyle | None) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, issue) for one column; text types never have an issue."""
    match column.type:
        case "id" | "pseudonym":
            return text, pl.lit(None, pl.String)
        case "buurtcode":
            return text.str.to_uppercase(), pl.lit(None, pl.String)
        case "category":
            return text.str.to_lowercase(), pl.lit(None, pl.String)
        case "date":
            return date_expr(text)
        case "month":
            return month_expr(text)
        case "integer" | "amount" | "decimal":
            return number_expr(text, style or NumberStyle(None), column.type)
    raise ValueError(f"unknown column type {column.type}")


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

def date_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(Date, issue) from ISO or Dutch dates, with or without a time and zone."""
    parts = text.str.extract_groups(DATE_PATTERN)
    year, month, day = (pl.coalesce(parts.struct.field(a), parts.struct.field(b))
                        for a, b in (("y", "y2"), ("m", "m2"), ("d", "d2")))
    local = _date_from_parts(year, month, day)
    time, zone = parts.struct.field("time"), parts.struct.field("zone")
    clock = time.str.extract(r"^([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)", 1)
    time_ok = clock.str.to_time("%H:%M:%S", strict=False).is_not_null() | \
        clock.str.to_time("%H:%M", strict=False).is_not_null()
    offset = (pl.when(zone == "Z").then(pl.lit("+00:00"))
              .otherwise(zone.str.replace(r"^([+-][0-9]{2}):?([0-9]{2})?$", "$1:$2")
                         .str.replace(r":$", ":00")))
    stamp = pl.format("{}T{}{}", local.dt.strftime("%Y-%m-%d"),
                      clock.str.replace(r"^([0-9]{1,2}:[0-9]{2})$", "$1:00").str.zfill(8), offset)
    zoned = (stamp.str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False, time_unit="us")
             .dt.convert_time_zone(TIME_ZONE).dt.date())
    value = (pl.when(time.is_not_null() & ~time_ok).then(None)
             .when(zone.is_not_null()).then(zoned).otherwise(local))
    issue = (pl.when(value.is_not_null()).then(None)
             .when(text.str.contains(TWO_DIGIT_YEAR_PATTERN)).then(pl.lit(TWO_DIGIT_YEAR))
             .otherwise(pl.lit(INVALID)))
    return value, issue


def month_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(first day of the month, issue) from `YYYY-MM` or any date `date_expr` understands."""
    parts = text.str.extract_groups(MONTH_PATTERN)
    as_month = _date_from_parts(parts.struct.field("y"), parts.struct.field("m"), pl.lit("1"))
    as_date, date_issue = date_expr(text)
    value = pl.coalesce(as_month, as_date.dt.month_start())
    short_year = text.str.contains(r"^[0-9]{1,2}[-/.][0-9]{1,2}$")  # "06-25": June 2025 or 0025?
    return value, (pl.when(value.is_not_null()).then(None)
                   .when(short_year).then(pl.lit(TWO_DIGIT_YEAR)).otherwise(date_issue))


def _date_from_parts(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A Date from text parts; impossible dates (month 13, 30 February) become null."""
    y, m, d = (part.cast(pl.Int32, strict=False) for part in (year, month, day))
    iso = pl.format("{}-{}-{}", y.cast(pl.String).str.zfill(4), m.cast(pl.String).str.zfill(2),
                    d.cast(pl.String).str.zfill(2))
    return iso.str.to_date("%Y-%m-%d", strict=False)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

def _signed_body(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(negative?, digits-and-separators body) after taking off €, EUR, spaces, sign, brackets."""
    clean = text.str.replace_all(r"(?i)^eur|eur$|€|[\s\u00a0\u202f]", "")
    bracketed = clean.str.contains(r"^\([^()]*\)$")
    inner = pl.when(bracketed).then(clean.str.slice(1).str.strip_suffix(")")).otherwise(clean)
    parts = inner.str.extract_groups(r"^(?<sign>[-+]?)(?<body>[0-9][0-9.,]*)$")
    sign, body = parts.struct.field("sign"), parts.struct.field("body")
    negative = bracketed ^ (sign == "-")
    body = pl.when(bracketed & (sign != "")).then(None).otherwise(body)  # "(-5)" means nothing sure
    return negative, body


def number_style(frame: pl.DataFrame, name: str, file_decimal: str | None,
                 typed_source: bool = False) -> NumberStyle:
    """The column's decimal separator from all its values, else the file's."""
    if typed_source:
        return NumberStyle(".", trusted=True)
    _, body = _signed_body(pl.col(name))
    unclear = body.str.contains(AMBIGUOUS[","]) | body.str.contains(AMBIGUOUS["."])
    seen = frame.select(**{sep: (body.str.contains(pattern) & ~unclear).any()
                           for sep, pattern in EVIDENCE.items()}).row(0, named=True)
    comma, point = bool(seen[","]), bool(seen["."])
    if comma and point:
        return NumberStyle(None, conflict=True)
    if comma or point:
        return NumberStyle("," if comma else ".", trusted=True)
    return NumberStyle(file_decimal)


def number_expr(text: pl.Expr, style: NumberStyle, kind: str) -> tuple[pl.Expr, pl.Expr]:
    """(typed number, issue) for an integer, amount or decimal column in the given style."""
    negative, body = _signed_body(text)
    if style.decimal is None or style.conflict:
        valid = body.str.contains(PLAIN_INTEGER)
        ambiguous = body.str.contains(r"[.,]") if style.conflict else \
            body.str.contains(AMBIGUOUS[","]) | body.str.contains(AMBIGUOUS["."])
        plain = body
    else:
        decimal = style.decimal
        grouping = "." if decimal == "," else ","
        valid = body.str.contains(VALID[decimal])
        # "1.250" with the file's (not the column's) decimal separator could be either reading.
        ambiguous = pl.lit(False) if style.trusted else body.str.contains(AMBIGUOUS[decimal])
        valid = valid & ~ambiguous
        plain = body.str.replace_all(grouping, "", literal=True).str.replace(decimal, ".", literal=True)
    canonical = pl.when(valid).then(pl.when(negative).then(pl.lit("-")).otherwise(pl.lit("")) + plain)
    fraction = canonical.str.contains(r"\.[0-9]*[1-9]")
    if kind == "integer":
        whole = ~fraction
        value = pl.when(whole).then(canonical.str.replace(r"\.[0-9]*$", "").cast(pl.Int64, strict=False))
    elif kind == "amount":
        value = canonical.cast(pl.Decimal(38, 6), strict=False).round(2).cast(AMOUNT, strict=False)
    else:
        value = canonical.cast(pl.Float64, strict=False)
    issue = (pl.when(value.is_not_null()).then(None)
             .when(ambiguous.fill_null(False)).then(pl.lit(AMBIGUOUS_NUMBER))
             .when(fraction.fill_null(False) & (pl.lit(kind) == "integer")).then(pl.lit(NOT_WHOLE))
             .otherwise(pl.lit(INVALID)))
    return value, issue


__all__ = ["parse_columns", "number_style", "NumberStyle", "date_expr", "month_expr", "number_expr",
           "INVALID", "TWO_DIGIT_YEAR", "AMBIGUOUS_NUMBER", "NOT_WHOLE", "TIME_ZONE"]
