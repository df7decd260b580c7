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
    text came from typed cells (Parquet), where a point is always a decimal point. Dates and
    numbers are parsed once per distinct text and joined back: exports repeat them a lot.
    """
    parts = [frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_row"))]
    for column in columns:
        name = column.name
        text = frame.get_column(name) if name in frame.columns else \
            pl.Series(name, [None] * frame.height, dtype=pl.String)  # an optional column left out
        if column.type in TEXT_TYPES:
            typed = text.to_frame().select(TEXT_TYPES[column.type](pl.col(name)).alias(name),
                                           pl.col(name).alias(f"raw_{name}"),
                                           pl.lit(None, pl.String).alias(f"_issue_{name}"))
        else:
            table = _parse_distinct(text, column, file_decimal, typed_source)
            typed = text.to_frame().join(table, on=name, how="left", maintain_order="left").select(
                pl.col("_value").alias(name), pl.col(name).alias(f"raw_{name}"),
                pl.col("_issue").alias(f"_issue_{name}"))
        parts.append(typed)
    return pl.concat(parts, how="horizontal")


TEXT_TYPES = {
    "id": lambda text: text, "pseudonym": lambda text: text,
    "buurtcode": lambda text: text.str.to_uppercase(), "category": lambda text: text.str.to_lowercase(),
}


def _parse_distinct(text: pl.Series, column: Column, file_decimal: str | None,
                    typed_source: bool) -> pl.DataFrame:
    """(text, `_value`, `_issue`) for each distinct non-empty text of a date or number column."""
    name = column.name
    values = text.unique().drop_nulls().to_frame()
    if column.type in NUMBER_TYPES:
        staged = _number_stage(values, name)
        style = _style_of(staged, file_decimal, typed_source)
        return _number_values(staged, name, style, column.type)
    if column.type not in ("date", "month"):
        raise ValueError(f"unknown column type {column.type}")
    # A text without a space or a T has no time (DATE_PATTERN's time and zone cannot match), so
    # its date part alone gives what date_expr would: polars evaluates every branch of a `when` on
    # every value, and the zone's conversion is most of date_expr's work. The value is made first
    # and the issue read from it (an issue expression of its own would make the value again).
    timed = pl.col(name).str.contains("[ T]")
    issue_of = _date_issue if column.type == "date" else _month_issue
    parts = []
    for rows, dates in ((values.filter(~timed), _untimed_date_value), (values.filter(timed), _date_value)):
        value = dates(pl.col(name)) if column.type == "date" else _month_value(pl.col(name), dates)
        parts.append(rows.with_columns(value.alias("_value")).select(
            name, "_value", issue_of(pl.col(name), pl.col("_value")).cast(pl.String).alias("_issue")))
    return pl.concat(parts)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

def date_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(Date, issue) from ISO or Dutch dates, with or without a time and zone."""
    value = _date_value(text)
    return value, _date_issue(text, value)


def month_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(first day of the month, issue) from `YYYY-MM` or any date `date_expr` understands."""
    value = _month_value(text, _date_value)
    return value, _month_issue(text, value)


def _date_value(text: pl.Expr) -> pl.Expr:
    parts, local = _date_parts(text)
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
    return (pl.when(time.is_not_null() & ~time_ok).then(None)
            .when(zone.is_not_null()).then(zoned).otherwise(local))


def _untimed_date_value(text: pl.Expr) -> pl.Expr:
    """`_date_value` of a text without a time (no space, no T): its date part alone."""
    return _date_parts(text)[1]


def _date_parts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(DATE_PATTERN's groups, the local Date they name)."""
    parts = text.str.extract_groups(DATE_PATTERN)
    year, month, day = (pl.coalesce(parts.struct.field(a), parts.struct.field(b))
                        for a, b in (("y", "y2"), ("m", "m2"), ("d", "d2")))
    return parts, _date_from_parts(year, month, day)


def _date_issue(text: pl.Expr, value: pl.Expr) -> pl.Expr:
    """Why `text` gave no date (`value` null), or null."""
    return (pl.when(value.is_not_null()).then(None)
            .when(text.str.contains(TWO_DIGIT_YEAR_PATTERN)).then(pl.lit(TWO_DIGIT_YEAR))
            .otherwise(pl.lit(INVALID)))


def _month_value(text: pl.Expr, dates) -> pl.Expr:
    """`YYYY-MM`, or the month of the date `dates` reads."""
    parts = text.str.extract_groups(MONTH_PATTERN)
    as_month = _date_from_parts(parts.struct.field("y"), parts.struct.field("m"), pl.lit("1"))
    return pl.coalesce(as_month, dates(text).dt.month_start())


def _month_issue(text: pl.Expr, value: pl.Expr) -> pl.Expr:
    """Why `text` gave no month, or null. A text without a month has no date either, so the
    date's reasons follow."""
    short_year = text.str.contains(r"^[0-9]{1,2}[-/.][0-9]{1,2}$")  # "06-25": June 2025 or 0025?
    return pl.when(value.is_not_null()).then(None).when(short_year).then(pl.lit(TWO_DIGIT_YEAR)) \
        .otherwise(_date_issue(text, value))


def _date_from_parts(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A Date from text parts; impossible dates (month 13, 30 February) become null."""
    y, m, d = (part.cast(pl.Int32, strict=False) for part in (year, month, day))
    iso = pl.format("{}-{}-{}", y.cast(pl.String).str.zfill(4), m.cast(pl.String).str.zfill(2),
                    d.cast(pl.String).str.zfill(2))
    return iso.str.to_date("%Y-%m-%d", strict=False)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

def _number_stage(values: pl.DataFrame, name: str) -> pl.DataFrame:
    """Adds `_negative` and `_body` (digits and separators) after taking off €, EUR, spaces,
    a sign and accounting brackets; `_body` is null when what is left is not a number."""
    clean = pl.col(name).str.replace_all(r"(?i)^eur|eur$|€|[\s\u00a0\u202f]", "")
    staged = values.with_columns(_clean=clean).with_columns(
        _bracketed=pl.col("_clean").str.starts_with("(") & pl.col("_clean").str.ends_with(")"))
    inner = pl.when(pl.col("_bracketed")).then(pl.col("_clean").str.slice(1).str.strip_suffix(")")) \
        .otherwise(pl.col("_clean"))
    staged = staged.with_columns(_inner=inner).with_columns(
        _signed=pl.col("_inner").str.starts_with("-") | pl.col("_inner").str.starts_with("+"),
        _minus=pl.col("_inner").str.starts_with("-"))
    body = pl.when(pl.col("_signed")).then(pl.col("_inner").str.slice(1)).otherwise(pl.col("_inner"))
    return staged.with_columns(
        _negative=pl.col("_bracketed") ^ pl.col("_minus"),
        # "(-5)" means nothing sure; a body is digits with separators, starting with a digit.
        _body=pl.when(~(pl.col("_bracketed") & pl.col("_signed")) & body.str.contains(r"^[0-9][0-9.,]*$"))
        .then(body),
    ).select(name, "_negative", "_body")


def _style_of(staged: pl.DataFrame, file_decimal: str | None, typed_source: bool) -> NumberStyle:
    if typed_source:
        return NumberStyle(".", trusted=True)
    body = pl.col("_body")
    unclear = body.str.contains(AMBIGUOUS[","]) | body.str.contains(AMBIGUOUS["."])
    seen = staged.select(**{sep: (body.str.contains(pattern) & ~unclear).any()
                            for sep, pattern in EVIDENCE.items()}).row(0, named=True)
    comma, point = bool(seen[","]), bool(seen["."])
    if comma and point:
        return NumberStyle(None, conflict=True)
    if comma or point:
        return NumberStyle("," if comma else ".", trusted=True)
    return NumberStyle(file_decimal)


def number_style(frame: pl.DataFrame, name: str, file_decimal: str | None,
                 typed_source: bool = False) -> NumberStyle:
    """The column's decimal separator from all its values, else the file's."""
    values = frame.get_column(name).unique().drop_nulls().to_frame()
    return _style_of(_number_stage(values, name), file_decimal, typed_source)


def _number_values(staged: pl.DataFrame, name: str, style: NumberStyle, kind: str) -> pl.DataFrame:
    """(text, `_value`, `_issue`) for an integer, amount or decimal column in the given style."""
    body = pl.col("_body")
    if style.decimal is None or style.conflict:
        valid = body.str.contains(PLAIN_INTEGER)
        ambiguous = body.str.contains(r"[.,]") if style.conflict else \
            body.str.contains(AMBIGUOUS[","]) | body.str.contains(AMBIGUOUS["."])
        plain = body
    else:
        decimal = style.decimal
        grouping = "." if decimal == "," else ","
        # "1.250" with the file's (not the column's) decimal separator could be either reading.
        ambiguous = pl.lit(False) if style.trusted else body.str.contains(AMBIGUOUS[decimal])
        valid = body.str.contains(VALID[decimal]) & ~ambiguous
        plain = body.str.replace_all(grouping, "", literal=True).str.replace(decimal, ".", literal=True)
    canonical = pl.when(valid).then(pl.when(pl.col("_negative")).then(pl.lit("-")).otherwise(pl.lit("")) + plain)
    staged = staged.with_columns(_canonical=canonical, _ambiguous=ambiguous.fill_null(False))
    canonical = pl.col("_canonical")
    fraction = canonical.str.contains(r"\.[0-9]*[1-9]").fill_null(False)
    if kind == "integer":
        value = pl.when(~fraction).then(canonical.str.replace(r"\.[0-9]*$", "").cast(pl.Int64, strict=False))
    elif kind == "amount":
        value = canonical.cast(pl.Decimal(38, 6), strict=False).round(2).cast(AMOUNT, strict=False)
    else:
        value = canonical.cast(pl.Float64, strict=False)
    staged = staged.with_columns(_value=value)
    issue = (pl.when(pl.col("_value").is_not_null()).then(None)
             .when(pl.col("_ambiguous")).then(pl.lit(AMBIGUOUS_NUMBER))
             .when(fraction & (pl.lit(kind) == "integer")).then(pl.lit(NOT_WHOLE))
             .otherwise(pl.lit(INVALID)))
    return staged.select(name, "_value", issue.cast(pl.String).alias("_issue"))


__all__ = ["parse_columns", "number_style", "NumberStyle", "date_expr", "month_expr",
           "INVALID", "TWO_DIGIT_YEAR", "AMBIGUOUS_NUMBER", "NOT_WHOLE", "TIME_ZONE"]
