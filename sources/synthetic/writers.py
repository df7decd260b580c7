"""File dialects: how each kind of partner writes the same typed frame to disk.

- wonen (housing corporations): `;`-separated Windows-1252 CSV, decimal comma, Dutch dates
  DD-MM-YYYY, Excel thousands separator in amounts ("1.234,56"); header case differs per
  corporation (lower-case, or "Contract_ID" style).
- zorg: XLSX, one sheet named after the dataset, ISO dates as text, amounts as numbers.
- welzijn: UTF-8 CSV with BOM, `,` separator, decimal point, ISO dates.
- veiligheid: Parquet.
- bewoners: UTF-8 CSV, `;` separator, decimal comma.
All writers are deterministic: same frame → same bytes.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

import polars as pl
import xlsxwriter

from .events import AMOUNT_COLUMNS

UPPER_PARTS = {"id", "vhe", "eur", "zrm", "adl"}  # abbreviations a Windows export capitalises


def capitalised(name: str) -> str:
    """`contract_id` → `Contract_ID` (the woonstad export style)."""
    return "_".join(p.upper() if p in UPPER_PARTS else p.capitalize() for p in name.split("_"))


def amount_text(column: str, decimal: str, thousands: str | None) -> pl.Expr:
    """Integer cents → "1.234,56" (thousands separator only when given, as Excel writes it)."""
    cents = pl.col(column)
    euros = cents // 100
    fraction = (cents % 100).cast(pl.String).str.zfill(2)
    whole = euros.cast(pl.String)
    if thousands:
        def group(expr: pl.Expr) -> pl.Expr:
            return expr.cast(pl.String).str.zfill(3)
        whole = (pl.when(euros >= 1_000_000)
                 .then(pl.concat_str((euros // 1_000_000).cast(pl.String), pl.lit(thousands),
                                     group((euros // 1000) % 1000), pl.lit(thousands),
                                     group(euros % 1000)))
                 .when(euros >= 1000)
                 .then(pl.concat_str((euros // 1000).cast(pl.String), pl.lit(thousands),
                                     group(euros % 1000)))
                 .otherwise(whole))
    return pl.concat_str(whole, pl.lit(decimal), fraction).alias(column)


def as_text(frame: pl.DataFrame, date_format: str, decimal: str,
            thousands: str | None) -> pl.DataFrame:
    """Every column to the text the partner's export tool would write."""
    columns = []
    for name, dtype in frame.schema.items():
        if name in AMOUNT_COLUMNS:
            columns.append(amount_text(name, decimal, thousands))
        elif dtype == pl.Date:
            columns.append(pl.col(name).dt.strftime(date_format))
        elif dtype.is_float():
            # Survey means have one decimal; written with the partner's decimal mark.
            tenths = (pl.col(name) * 10).round().cast(pl.Int64)
            columns.append(pl.concat_str((tenths // 10).cast(pl.String), pl.lit(decimal),
                                         (tenths % 10).cast(pl.String)).alias(name))
        else:
            columns.append(pl.col(name).cast(pl.String))
    return frame.select(columns)


def csv_writer(separator: str, encoding: str, bom: bool, date_format: str, decimal: str,
               thousands: str | None, header: Callable[[str], str]):
    def write(frame: pl.DataFrame, path: Path, dataset: str) -> Path:
        path = path.with_suffix(".csv")
        text = as_text(frame, date_format, decimal, thousands)
        text = text.rename({name: header(name) for name in text.columns})
        body = text.write_csv(separator=separator, null_value="", line_terminator="\r\n"
                              if encoding == "cp1252" else "\n")
        data = body.encode(encoding)  # cp1252 refuses characters it cannot hold: good
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path
    return write


def xlsx_writer(frame: pl.DataFrame, path: Path, dataset: str) -> Path:
    path = path.with_suffix(".xlsx")
    frame = frame.with_columns(
        [(pl.col(c) / 100).alias(c) for c in frame.columns if c in AMOUNT_COLUMNS]
        + [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date])
    # in_memory: zip members get a fixed 1980 timestamp; `created` is stamped otherwise.
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({"created": dt.datetime(2000, 1, 1), "author": "wijkwijzer-demo"})
    if frame.height:
        frame.write_excel(workbook, worksheet=dataset, float_precision=2, autofilter=False,
                          table_style=None)
    else:  # an empty month still carries the header row
        sheet = workbook.add_worksheet(dataset)
        sheet.write_row(0, 0, frame.columns)
    workbook.close()
    return path


def parquet_writer(frame: pl.DataFrame, path: Path, dataset: str) -> Path:
    path = path.with_suffix(".parquet")
    frame.write_parquet(path, compression="zstd", statistics=True)
    return path


DIALECTS = {
    "wonen_lower": csv_writer(";", "cp1252", False, "%d-%m-%Y", ",", ".", str.lower),
    "wonen_capitalised": csv_writer(";", "cp1252", False, "%d-%m-%Y", ",", ".", capitalised),
    "csv_bom_comma": csv_writer(",", "utf-8", True, "%Y-%m-%d", ".", None, str),
    "csv_semicolon_utf8": csv_writer(";", "utf-8", False, "%Y-%m-%d", ",", None, str),
    "xlsx": xlsx_writer,
    "parquet": parquet_writer,
}


def write_file(frame: pl.DataFrame, out: Path, partner: str, dialect: str, dataset: str,
               period: str) -> Path:
    """Write one delivery as `<out>/<partner>/<partner>__<dataset>__<period>.<ext>`."""
    folder = out / partner
    folder.mkdir(parents=True, exist_ok=True)
    public = frame.select([c for c in frame.columns if not c.startswith("_")])
    return DIALECTS[dialect](public, folder / f"{partner}__{dataset}__{period}", dataset)
