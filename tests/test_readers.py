"""sources/readers.py: every accepted export dialect, and every refusal with its reason."""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from sources.contracts import Column
from sources.parsing import parse_columns
from sources.readers import Detected, ReadResult, UnreadableFile, read_export

SECRET = "Geheimewaarde"  # a cell value that must never appear in an error message


def write_text(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refused(path: Path, dataset: str | None = None) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_export(path, dataset)
    assert SECRET not in str(caught.value)
    return caught.value


# --------------------------------------------------------------------------------------------
# The dialect matrix: encoding x separator x decimal style
# --------------------------------------------------------------------------------------------

def dialect_text(delimiter: str, decimal: str) -> str:
    def amount(whole: str, fraction: str) -> str:
        value = f"{whole}{decimal}{fraction}"
        return f'"{value}"' if decimal == delimiter else value

    rows = [
        ["Contract_ID", "Omschrijving", "Bedrag_EUR", "Startdatum"],
        ["C-000123", "Café € ë", amount("12", "50"), "2025-01-31"],
        ["C-000124", "Ëxtra één", amount("1234", "5"), "31-01-2025"],
        ["C-000125", "", amount("0", "75"), "1-2-2025"],
    ]
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("decimal", [",", "."])
def test_dialect_matrix(tmp_path, encoding, delimiter, decimal):
    path = write_text(tmp_path, dialect_text(delimiter, decimal), encoding)
    result = read_export(path)

    assert isinstance(result, ReadResult)
    assert result.detected == Detected(
        format="csv", encoding=encoding, delimiter=delimiter, decimal=decimal,
        thousands=None, sheet=None,
    )
    assert result.original_headers == ["Contract_ID", "Omschrijving", "Bedrag_EUR", "Startdatum"]
    frame = result.frame
    assert frame.columns == ["contract_id", "omschrijving", "bedrag_eur", "startdatum"]
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert frame["omschrijving"].to_list() == ["Café € ë", "Ëxtra één", None]
    typed = parse_columns(frame, [Column("bedrag_eur", "decimal"), Column("startdatum", "date")],
                          result.detected.decimal)
    assert typed["bedrag_eur"].to_list() == [12.5, 1234.5, 0.75]
    assert typed["startdatum"].to_list() == [dt.date(2025, 1, 31), dt.date(2025, 1, 31), dt.date(2025, 2, 1)]


def test_excel_thousands_separator(tmp_path):
    text = "vhe_id;netto_huur\nVHE0001234;1.234,56\nVHE0001235;612,30\nVHE0001236;12.345.678,9\n"
    result = read_export(write_text(tmp_path, text, "windows-1252"))
    assert result.detected.decimal == ","
    assert result.detected.thousands == "."
    values = parse_columns(result.frame, [Column("netto_huur", "decimal")], result.detected.decimal)
    assert values["netto_huur"].to_list() == [1234.56, 612.30, 12345678.9]


def test_thousands_dot_alone_is_not_taken_as_decimal_point(tmp_path):
    result = read_export(write_text(tmp_path, "a;b\nx;1.234\ny;12.345\n"))
    assert result.detected.decimal is None
    assert result.frame["b"].to_list() == ["1.234", "12.345"]  # text kept exactly


def test_tab_separated(tmp_path):
    result = read_export(write_text(tmp_path, "a\tb\tc\n1\t2,5\t3\n", name="export.txt"))
    assert result.detected.delimiter == "\t"
    assert result.frame.row(0) == ("1", "2,5", "3")


def test_no_decimals_seen(tmp_path):
    result = read_export(write_text(tmp_path, "buurtcode;aantal\nBU05990110;12\nBU05990111;7\n"))
    assert result.detected.decimal is None and result.detected.thousands is None


def test_windows_1252_euro_is_not_mangled_like_latin1(tmp_path):
    # 0x80 is € in Windows-1252 but a C1 control character in Latin-1.
    path = tmp_path / "export.csv"
    path.write_bytes(b"kosten;omschrijving\n1;\x80 50 voor caf\xe9\n")
    result = read_export(path)
    assert result.detected.encoding == "windows-1252"
    assert result.frame["omschrijving"][0] == "€ 50 voor café"


def test_header_case_and_whitespace_normalised(tmp_path):
    text = '  Contract_ID ;"MAAND ";\tBedrag_Eur\n C-1 ; 2025-06 ;  12,5  \n'
    result = read_export(write_text(tmp_path, text))
    assert result.frame.columns == ["contract_id", "maand", "bedrag_eur"]
    assert result.original_headers == ["  Contract_ID ", "MAAND ", "\tBedrag_Eur"]
    assert result.frame.row(0) == ("C-1", "2025-06", "12,5")


def test_cells_stripped_and_empty_is_null(tmp_path):
    result = read_export(write_text(tmp_path, 'a;b;c\n x ;   ;""\n'))
    assert result.frame.row(0) == ("x", None, None)


def test_nothing_is_converted(tmp_path):
    # Leading zeros, long numbers, "true" and dates stay text exactly as delivered.
    text = "id;n;flag;d\n000123;12345678901234567890;true;2025-01-31\n"
    result = read_export(write_text(tmp_path, text))
    assert result.frame.row(0) == ("000123", "12345678901234567890", "true", "2025-01-31")


def test_quoted_separator_and_doubled_quotes(tmp_path):
    text = 'a;b;c\n1;"x;y";"he said ""hi"""\n2;plain;z\n'
    result = read_export(write_text(tmp_path, text))
    assert result.frame["b"].to_list() == ["x;y", "plain"]
    assert result.frame["c"].to_list() == ['he said "hi"', "z"]


def test_quoted_line_break_inside_value(tmp_path):
    text = 'a;b\n1;"two\nlines"\n2;one\n'
    result = read_export(write_text(tmp_path, text))
    assert result.frame["b"].to_list() == ["two\nlines", "one"]


def test_blank_lines_and_separator_only_rows_are_dropped(tmp_path):
    text = "a;b\r\n1;2\r\n\r\n;\r\n3;4\r\n\r\n"
    result = read_export(write_text(tmp_path, text))
    assert result.frame.rows() == [("1", "2"), ("3", "4")]


def test_trailing_separator_empty_column_is_dropped(tmp_path):
    result = read_export(write_text(tmp_path, "a;b;\n1;2;\n3;4;\n"))
    assert result.frame.columns == ["a", "b"]
    assert result.original_headers == ["a", "b", ""]


def test_header_only_gives_zero_rows(tmp_path):
    result = read_export(write_text(tmp_path, "Contract_ID;Maand;Bedrag\n"))
    assert result.frame.height == 0
    assert result.frame.columns == ["contract_id", "maand", "bedrag"]
    assert result.frame.dtypes == [pl.String] * 3


def test_header_only_without_newline(tmp_path):
    result = read_export(write_text(tmp_path, "a;b"))
    assert result.frame.shape == (0, 2)


def test_single_column_file(tmp_path):
    result = read_export(write_text(tmp_path, "buurtcode\nBU05990110\nBU05990111\n"))
    assert result.frame.columns == ["buurtcode"]
    assert result.frame.height == 2


def test_validation_covers_the_whole_file_not_only_the_sniffed_start(tmp_path):
    # The only non-ASCII byte sits far beyond the 64 KB sniff window and the first chunk.
    body = "".join(f"C-{i:07d};{i}\n" for i in range(150_000))
    path = tmp_path / "export.csv"
    path.write_bytes(("id;n\n" + body).encode() + b"C-x;caf\xe9 \x80\n")
    result = read_export(path)
    assert result.detected.encoding == "windows-1252"
    assert result.frame["n"][-1] == "café €"


def test_detected_as_dict():
    detected = Detected("csv", "utf-8", ";", ",", ".", None)
    assert detected.as_dict() == {
        "format": "csv", "encoding": "utf-8", "delimiter": ";", "decimal": ",",
        "thousands": ".", "sheet": None,
    }


def test_read_export_accepts_string_path(tmp_path):
    path = write_text(tmp_path, "a;b\n1;2\n")
    assert read_export(str(path)).frame.height == 1


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------

def sample_frame() -> pl.DataFrame:
    return pl.DataFrame({
        " Contract_ID": ["C-1", "C-2", "C-3"],
        "Startdatum": [dt.date(2025, 1, 31), dt.date(2024, 2, 29), None],
        "Bedrag": [1234.56, 3.0, None],
        "Aantal": [1, 2, 3],
        "Omschrijving": ["Café €", None, "ë"],
    })


def test_xlsx_first_sheet(tmp_path):
    path = tmp_path / "export.xlsx"
    sample_frame().write_excel(path, worksheet="Blad1")
    result = read_export(path)
    assert result.detected == Detected(format="xlsx", decimal=".", sheet="Blad1")
    assert result.original_headers == [" Contract_ID", "Startdatum", "Bedrag", "Aantal", "Omschrijving"]
    frame = result.frame
    assert frame.columns == ["contract_id", "startdatum", "bedrag", "aantal", "omschrijving"]
    assert all(dtype == pl.String for dtype in frame.dtypes)
    assert frame["startdatum"].to_list() == ["2025-01-31", "2024-02-29", None]
    assert frame["bedrag"].to_list() == ["1234.56", "3", None]  # no trailing ".0"
    assert frame["aantal"].to_list() == ["1", "2", "3"]
    assert frame["omschrijving"].to_list() == ["Café €", None, "ë"]


def test_xlsx_sheet_named_after_dataset(tmp_path):
    path = tmp_path / "export.xlsx"
    with xlsxwriter.Workbook(path) as workbook:
        pl.DataFrame({"toelichting": ["lees mij"]}).write_excel(workbook, worksheet="Uitleg")
        sample_frame().write_excel(workbook, worksheet="Huurcontracten")
    result = read_export(path, dataset="huurcontracten")
    assert result.detected.sheet == "Huurcontracten"
    assert result.frame.height == 3
    # Without a dataset (or with an unknown one) the first sheet is used.
    assert read_export(path).detected.sheet == "Uitleg"
    assert read_export(path, dataset="trajecten").detected.sheet == "Uitleg"


def test_xlsx_datetime_cells(tmp_path):
    path = tmp_path / "export.xlsx"
    frame = pl.DataFrame({"moment": [dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 1, 12, 30)]})
    frame.write_excel(path)
    assert read_export(path).frame["moment"].to_list() == ["2025-01-01", "2025-01-01 12:30:00"]


def test_xlsx_text_cells_with_dutch_amounts(tmp_path):
    path = tmp_path / "export.xlsx"
    pl.DataFrame({"bedrag": ["1.234,56", "12,5"]}).write_excel(path)
    result = read_export(path)
    assert result.detected.decimal == "," and result.detected.thousands == "."


def test_xlsx_header_only(tmp_path):
    path = tmp_path / "export.xlsx"
    with xlsxwriter.Workbook(path) as workbook:
        workbook.add_worksheet("Blad1").write_row(0, 0, ["Contract_ID", "Maand"])
    result = read_export(path)
    assert result.frame.shape == (0, 2)
    assert result.frame.columns == ["contract_id", "maand"]


def test_xlsx_empty_sheet_refused(tmp_path):
    path = tmp_path / "export.xlsx"
    with xlsxwriter.Workbook(path) as workbook:
        workbook.add_worksheet("Blad1")
    assert refused(path).reason_code == "empty"


def test_xlsx_duplicate_header_refused(tmp_path):
    path = tmp_path / "export.xlsx"
    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet("Blad1")
        sheet.write_row(0, 0, ["Maand", "maand "])
        sheet.write_row(1, 0, [SECRET, "x"])
    assert refused(path).reason_code == "duplicate_header"


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------

def test_parquet_cast_to_text(tmp_path):
    path = tmp_path / "export.parquet"
    pl.DataFrame({
        "Buurtcode": ["BU05990110", None],
        "Jaar": [2024, 2025],
        "Score": [7.25, 8.0],
        "Peildatum": [dt.date(2025, 6, 30), None],
        "Moment": [dt.datetime(2025, 6, 30), dt.datetime(2025, 6, 30, 8, 15)],
        "Actief": [True, False],
    }).write_parquet(path)
    result = read_export(path)
    assert result.detected == Detected(format="parquet", decimal=".")
    assert result.original_headers[0] == "Buurtcode"
    assert result.frame.rows() == [
        ("BU05990110", "2024", "7.25", "2025-06-30", "2025-06-30", "true"),
        (None, "2025", "8", None, "2025-06-30 08:15:00", "false"),
    ]


def test_parquet_zoned_timestamps_are_dated_in_amsterdam(tmp_path):
    path = tmp_path / "export.parquet"
    utc = [dt.datetime(2025, 3, 1, 23, 30), dt.datetime(2025, 6, 30, 22, 0), dt.datetime(2025, 6, 30, 21, 59)]
    pl.DataFrame({"datum": utc}).with_columns(pl.col("datum").dt.replace_time_zone("UTC")).write_parquet(path)
    result = read_export(path)
    # 00:30 CET, midnight CEST and 23:59 CEST: read as UTC these were a day early.
    assert result.frame["datum"].to_list() == ["2025-03-02 00:30:00", "2025-07-01", "2025-06-30 23:59:00"]
    typed = parse_columns(result.frame, [Column("datum", "date")], typed_source=True)
    assert typed["datum"].to_list() == [dt.date(2025, 3, 2), dt.date(2025, 7, 1), dt.date(2025, 6, 30)]


def test_parquet_header_only(tmp_path):
    path = tmp_path / "export.parquet"
    pl.DataFrame(schema={"a": pl.Int64, "b": pl.String}).write_parquet(path)
    assert read_export(path).frame.shape == (0, 2)


# --------------------------------------------------------------------------------------------
# Content decides the format, not the extension
# --------------------------------------------------------------------------------------------

def test_parquet_named_csv_is_read_as_parquet(tmp_path):
    path = tmp_path / "export.csv"
    pl.DataFrame({"a": ["x"]}).write_parquet(path)
    assert read_export(path).detected.format == "parquet"


def test_xlsx_named_csv_is_read_as_xlsx(tmp_path):
    path = tmp_path / "export.csv"
    pl.DataFrame({"a": ["x"]}).write_excel(path)
    assert read_export(path).detected.format == "xlsx"


def test_csv_named_xlsx_is_read_as_csv(tmp_path):
    result = read_export(write_text(tmp_path, "a;b\n1;2\n", name="export.xlsx"))
    assert result.detected.format == "csv"
    assert result.frame.rows() == [("1", "2")]


# --------------------------------------------------------------------------------------------
# Refusals, each with its own reason
# --------------------------------------------------------------------------------------------

def test_empty_file(tmp_path):
    error = refused(write_text(tmp_path, ""))
    assert error.reason_code == "empty"
    assert "empty" in str(error)


@pytest.mark.parametrize("text", ["\n\n\n", "   \r\n", "\ufeff"])
def test_only_blank_lines_is_empty(tmp_path, text):
    assert refused(write_text(tmp_path, text)).reason_code == "empty"


def test_blank_first_line_is_a_missing_header(tmp_path):
    assert refused(write_text(tmp_path, "\na;b\n1;2\n")).reason_code == "no_header"


def test_missing_file(tmp_path):
    assert refused(tmp_path / "nope.csv").reason_code == "missing"


def test_binary_garbage_named_csv(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(bytes(range(256)) * 40)
    error = refused(path)
    assert error.reason_code == "wrong_extension"
    assert ".csv" in str(error)


def test_binary_garbage_named_xlsx(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"\x00\x01\x02garbage" * 100)
    assert refused(path).reason_code == "wrong_extension"


def test_nul_byte_beyond_the_sniffed_start(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"a;b\n" + b"1;2\n" * 30_000 + b"3;\x00\n")
    error = refused(path)
    assert error.reason_code == "binary"
    assert f"byte {4 + 4 * 30_000 + 2}" in str(error)


def test_binary_garbage_unknown_extension(tmp_path):
    path = tmp_path / "export.bin"
    path.write_bytes(b"\x00\x01\x02garbage" * 100)
    assert refused(path).reason_code == "binary"


def test_truncated_xlsx(tmp_path):
    path = tmp_path / "export.xlsx"
    sample_frame().write_excel(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert refused(path).reason_code == "truncated"


def test_truncated_parquet(tmp_path):
    path = tmp_path / "export.parquet"
    pl.DataFrame({"a": list(range(1000))}).write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 20])
    assert refused(path).reason_code == "truncated"


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "a;b\n1;2\n")
    assert refused(path).reason_code == "unsupported_format"


def test_old_xls_workbook(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert refused(path).reason_code == "unsupported_format"


def test_utf16_refused_with_advice(tmp_path):
    path = write_text(tmp_path, "a;b\n1;2\n", "utf-16")
    error = refused(path)
    assert error.reason_code == "bad_encoding"
    assert "UTF-16" in str(error)
    # the receipt masks what a reader message quotes in single quotes (names from the file): the
    # advice itself must come through (a third outside attack read "save it as '[tekst, 9 tekens]'")
    from quality.validate import _quoted_names_masked
    assert '"CSV UTF-8"' in _quoted_names_masked(str(error))


def test_undefined_windows_1252_byte(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"a;b\n1;caf\xe9\n2;x\x81y\n")
    error = refused(path)
    assert error.reason_code == "bad_encoding"
    assert "byte 14" in str(error)  # offset of the 0x81 byte


def test_mixed_encodings_refused(tmp_path):
    path = tmp_path / "export.csv"
    utf8_part = "a;b\n1;Café ë\n".encode("utf-8")
    cp1252_part = "2;Caf\xe9\n".encode("latin-1")
    path.write_bytes(utf8_part + cp1252_part)
    error = refused(path)
    assert error.reason_code == "bad_encoding"
    assert "mixes encodings" in str(error)
    assert f"byte {len(utf8_part) + 5}" in str(error)


def test_bom_but_not_utf8(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbfa;b\n1;caf\xe9\n")
    assert refused(path).reason_code == "bad_encoding"


def test_duplicate_header_after_normalisation(tmp_path):
    error = refused(write_text(tmp_path, f"Maand;maand ;x\n2025-01;2025-02;{SECRET}\n"))
    assert error.reason_code == "duplicate_header"
    assert "'maand'" in str(error) and "columns 1 and 2" in str(error)


def test_too_many_columns(tmp_path):
    header = ";".join(f"c{i}" for i in range(501))
    error = refused(write_text(tmp_path, header + "\n" + ";".join(["1"] * 501) + "\n"))
    assert error.reason_code == "too_many_columns"
    assert "501" in str(error)


def test_exactly_500_columns_is_fine(tmp_path):
    header = ";".join(f"c{i}" for i in range(500))
    result = read_export(write_text(tmp_path, header + "\n" + ";".join(["1"] * 500) + "\n"))
    assert result.frame.width == 500


def test_row_with_too_few_fields(tmp_path):
    text = f"a;b;c\n1;2;3\n4;{SECRET}\n5;6;7\n"
    error = refused(write_text(tmp_path, text))
    assert error.reason_code == "ragged_rows"
    assert "line 3 has 2 fields but the header has 3" in str(error)


def test_row_with_too_many_fields(tmp_path):
    error = refused(write_text(tmp_path, f"a;b\n1;2\n3;{SECRET};5\n4;5;6\n"))
    assert error.reason_code == "ragged_rows"
    assert "line 3 has 3 fields" in str(error) and "2 such lines" in str(error)


@pytest.mark.parametrize("line, delimiter", [("sep=;", ";"), ('"sep=,"', ","), ("SEP=\t ", "\t")])
def test_excels_separator_line_names_the_separator_and_is_no_row(tmp_path, line, delimiter):
    """Excel's `sep=;` first line (some exports write it so the file opens right anywhere): the
    separator it names is used, even where another would split the header more, and the header
    is the next line."""
    others = "".join(d for d in ";,\t" if d != delimiter)   # in the values: sniffing would split on them
    body = delimiter.join(["a", f"b{others}c"]) + "\n" + delimiter.join(["1", f"2{others}3"]) + "\n"
    for bom in ("", "\ufeff"):
        result = read_export(write_text(tmp_path, f"{bom}{line}\r\n{body}"))
        assert result.original_headers == ["a", f"b{others}c"] and result.detected.delimiter == delimiter
        assert result.frame.rows() == [("1", f"2{others}3")]


def test_a_ragged_line_after_the_separator_line_is_counted_as_excel_shows_it(tmp_path):
    error = refused(write_text(tmp_path, f"sep=;\na;b;c\n1;2;3\n4;{SECRET}\n", encoding="cp1252"))
    assert "line 3 has 2 fields but the header has 3" in str(error)


def test_unquoted_decimal_comma_in_comma_file_is_ragged(tmp_path):
    error = refused(write_text(tmp_path, "a,b\nx,12,5\ny,3\n"))
    assert error.reason_code == "ragged_rows"


def test_truncated_last_line(tmp_path):
    text = "contract_id;maand;bedrag\n" + "C-1;2025-01;12,50\n" * 50 + "C-2;2025"
    error = refused(write_text(tmp_path, text))
    assert error.reason_code == "ragged_rows"
    assert "line 52" in str(error)


def test_unclosed_quote(tmp_path):
    error = refused(write_text(tmp_path, f'a;b\n1;"{SECRET}\n2;x\n'))
    assert error.reason_code == "truncated"


def test_line_longer_than_one_megabyte(tmp_path):
    text = "a;b\n1;2\n3;" + "x" * (1024 * 1024 + 10) + "\n"
    error = refused(write_text(tmp_path, text))
    assert error.reason_code == "line_too_long"
    assert "line 3" in str(error)


def test_header_line_longer_than_one_megabyte(tmp_path):
    error = refused(write_text(tmp_path, "a" * (1024 * 1024 + 10)))
    assert error.reason_code == "line_too_long"


def test_unnamed_column_with_values(tmp_path):
    error = refused(write_text(tmp_path, f"a;;c\n1;{SECRET};3\n"))
    assert error.reason_code == "empty_header"
    assert "column 2" in str(error)


def test_unreadable_file_is_an_exception_with_reason_code():
    error = UnreadableFile("empty", "the file is empty", "het bestand is leeg")
    assert isinstance(error, Exception)
    assert error.reason_code == "empty" and str(error) == "the file is empty"
    assert error.message_nl == "het bestand is leeg"


# --------------------------------------------------------------------------------------------
# Scale: vectorised, no per-row Python
# --------------------------------------------------------------------------------------------

def test_large_windows_1252_file_reads_quickly(tmp_path):
    rows = 300_000
    frame = pl.DataFrame({
        "contract_id": [f"C-{i:07d}" for i in range(rows)],
        "bedrag": ["1.234,56", "12,50", "0,99"] * (rows // 3),
        "omschrijving": ["café €"] * rows,
    })
    buffer = io.BytesIO()
    frame.write_csv(buffer, separator=";")
    path = tmp_path / "big.csv"
    path.write_bytes(buffer.getvalue().decode("utf-8").encode("cp1252"))
    started = time.perf_counter()
    result = read_export(path)
    elapsed = time.perf_counter() - started
    assert result.frame.height == rows
    assert result.detected.encoding == "windows-1252"
    assert result.detected.thousands == "."
    assert elapsed < 15, f"reading {rows} rows took {elapsed:.1f}s"


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"), ("a;b\n1;2\n".encode("utf-16"), "bad_encoding"), (b"a;b\n1;2;3\n4;5\n", "ragged_rows"),
    (b"a;A\n1;2\n", "duplicate_header"), (b"\n\n1;2\n", "no_header"), (b"a;;c\n1;2;3\n", "empty_header"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported_format"), (b'a;b\n1;"x\n', "truncated"),
])
def test_a_refusal_says_why_in_dutch_too(tmp_path, content, reason):
    """A Dutch receipt said "Het bestand is niet te lezen: column name ... appears twice" (a third
    outside attack): each reason the reader gives has its Dutch words."""
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as caught:
        read_export(path)
    assert caught.value.reason_code == reason
    words = set(re.findall(r"[a-z]+", caught.value.message_nl.lower()))
    assert not words & {"the", "file", "column", "line", "must", "has", "is not", "cannot"}, caught.value.message_nl
    assert caught.value.message_nl != caught.value.message


def test_a_bad_file_name_says_why_in_dutch_too():
    from sources.contracts import BadFileName, parse_file_name
    for name in ("havensteder__huurachterstand__2026-10_jansen.csv", "havensteder__huurachterstand__2026-13.csv"):
        with pytest.raises(BadFileName) as caught:
            parse_file_name(name)
        assert "bestandsnaam" in caught.value.message_nl and "file name" in str(caught.value)
