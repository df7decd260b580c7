"""Masked shapes: what a receipt, a ledger row or the rejects table may say about a value.

A refused value may be personal data (a phone number typed into a category column, a name in an
id), so no part of it is ever shown: not a prefix, not its last digits. What is shown is its
shape: `[9 cijfers]`, `[e-mail]`, `[IBAN]`, `[tekst, 14 tekens]`. That is enough for a partner
to find the row (the receipt also gives the row number) and never enough to identify anyone.
"""
from __future__ import annotations

import polars as pl

# Numbers as people write them: digits with spaces, dots, dashes, slashes, plus or brackets.
NUMBER_LIKE = r"^[0-9\s.,\-/+()]+$"
EMAIL_LIKE = r"@|(?i)[(\[{<]\s*at\s*[)\]}>]"
IBAN_LIKE = r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{11,30}$"


def shape_expr(expr: pl.Expr) -> pl.Expr:
    """The masked shape of every value of a string expression (null stays null)."""
    text = expr.cast(pl.String).str.strip_chars()
    compact = text.str.replace_all(r"\s", "")
    digits = text.str.count_matches(r"[0-9]")
    return (
        pl.when(text.is_null() | (text == "")).then(pl.lit(None, dtype=pl.String))
        .when(text.str.contains(EMAIL_LIKE)).then(pl.lit("[e-mail]"))
        .when(compact.str.contains(IBAN_LIKE)).then(pl.lit("[IBAN]"))
        .when(text.str.contains(NUMBER_LIKE) & (digits > 0))
        .then(pl.format("[{} cijfers]", digits))
        .otherwise(pl.format("[tekst, {} tekens]", text.str.len_chars()))
    )


def shape(value: object) -> str | None:
    """The masked shape of one value: `[9 cijfers]`, `[e-mail]`, `[tekst, 14 tekens]`."""
    if value is None:
        return None
    series = pl.Series("v", [str(value)], dtype=pl.String)
    return series.to_frame().select(shape_expr(pl.col("v"))).item()


def safe_column_name(name: str) -> str:
    """A header as a receipt may quote it: plain snake_case words only, otherwise its shape.

    A header row can be a data row (a file without header), so a header is quoted only when it
    reads like a column name: lower-case letters (accents too), spaces, dashes and underscores, no digits.
    """
    text = str(name).strip()
    if text and len(text) <= 40 and all(ch.isalpha() and ch.islower() or ch in "_-: " for ch in text):
        return text
    return shape(text) or "[leeg]"


__all__ = ["shape", "shape_expr", "safe_column_name"]
