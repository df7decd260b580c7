"""Read any partner export (CSV, XLSX, Parquet) into an all-string polars frame.

Partners export from Dutch systems in many dialects (docs/partner-exports.md, "File formats"):
UTF-8 with or without BOM or Windows-1252, `;` or `,` (or tab) separated, decimal comma or
point, Excel thousands separators. Everything is read as text so that nothing is converted
silently; typed parsing happens later, in `sources.parsing` (one parser for check and load).
A file we cannot read faithfully is refused with `UnreadableFile`, whose message is plain English for the partner's receipt and never quotes a cell value.
"""
from __future__ import annotations

import codecs
import csv
import io
import datetime as dt
import re
import zipfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import polars as pl

from sources.parsing import TIME_ZONE

SNIFF_BYTES = 64 * 1024          # dialect sniffing looks at this much of the file
CHUNK_BYTES = 1024 * 1024        # encoding validation streams the file in chunks this size
MAX_LINE_BYTES = 1024 * 1024     # a longer line is not a sane export row
MAX_COLUMNS = 500
NUMBER_SAMPLE_ROWS = 10_000      # rows from the head (and as many spread over the rest) for number style

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
DELIMITERS = (";", ",", "\t")
# Excel's separator line: `sep=;` as the first line tells Excel (and us) the separator, and Excel
# shows the file from the next line on. Some exports write it so the file opens right anywhere.
SEPARATOR_LINE = re.compile(r'^"?sep=([;,\t])"?[ \t]*\r?\n', re.IGNORECASE)
TEXT_EXTENSIONS = {".csv", ".txt", ".tsv"}
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | {".xlsx", ".xlsm", ".parquet", ".pq"}

# Number styles, matched on whole (stripped) cells.
DECIMAL_COMMA = r"^[-+]?[0-9.]*[0-9],[0-9]+$"
DECIMAL_POINT = r"^[-+]?[0-9]*\.[0-9]+$"
# "1.234" could be a Dutch thousands separator as well as a decimal point: not evidence either way.
AMBIGUOUS_DOT = r"^[-+]?[1-9][0-9]{0,2}(\.[0-9]{3})+$"
THOUSANDS_DOT = r"^[-+]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$"


@dataclass(frozen=True)
class Detected:
    """What we found out about the file; shown to the partner in the receipt."""

    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    sheet: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ReadResult:
    frame: pl.DataFrame
    detected: Detected
    original_headers: list[str]
    sheet_names: list[str] | None = None  # a workbook's sheets, as the reader listed them


class UnreadableFile(Exception):
    """The file cannot be read faithfully. The message is for the partner and holds no cell values."""

    def __init__(self, reason_code: str, message: str, message_nl: str):
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message
        self.message_nl = message_nl


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def read_export(path: Path, dataset: str | None = None) -> ReadResult:
    """Read a partner export of any accepted format into an all-string frame."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("missing", f"the file {path.name} does not exist",
                             f"het bestand {path.name} bestaat niet")
    if path.stat().st_size == 0:
        raise UnreadableFile("empty", "the file is empty (0 bytes)", "het bestand is leeg (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = _kind_of(head, path.suffix.lower())
    sheets = None
    if kind == "xlsx":
        frame, headers, sheet, sheets = _read_xlsx(path, dataset)
        detected = Detected(format="xlsx", sheet=sheet)
    elif kind == "parquet":
        frame, headers = _read_parquet(path)
        detected = Detected(format="parquet")
    else:
        frame, headers, encoding, delimiter = _read_csv(path, head)
        detected = Detected(format="csv", encoding=encoding, delimiter=delimiter)
    frame = _drop_empty_rows(_clean_cells(frame))
    decimal, thousands = _detect_number_style(frame)
    detected = replace(detected, decimal=decimal, thousands=thousands)
    return ReadResult(frame=frame, detected=detected, original_headers=headers, sheet_names=sheets)


def _kind_of(head: bytes, extension: str) -> str:
    """Decide the format from the content; the extension only shapes the error message."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            "unsupported_format",
            "this is an old Excel 97-2003 (.xls) workbook; save it as .xlsx or as CSV",
            "dit is een oude Excel 97-2003-werkmap (.xls); sla haar op als .xlsx of als CSV",
        )
    if head.startswith(UTF16_BOMS):
        raise UnreadableFile(
            "bad_encoding",
            "the file is UTF-16 (Excel \"Unicode text\"); save it as \"CSV UTF-8\" instead",
            "het bestand is UTF-16 (Excel \"Unicode-tekst\"); sla het op als \"CSV UTF-8\"",
        )
    if head.startswith((b"\x1f\x8b", b"%PDF", b"7z\xbc\xaf", b"Rar!")):
        raise UnreadableFile(
            "unsupported_format",
            "the file is compressed or a PDF; deliver CSV, XLSX or Parquet",
            "het bestand is gecomprimeerd of een PDF; lever CSV, XLSX of Parquet",
        )
    if _looks_binary(head):
        if extension in KNOWN_EXTENSIONS:
            raise UnreadableFile(
                "wrong_extension",
                f"the file is named {extension} but its content is not text, an Excel workbook "
                "or a Parquet file",
                f"het bestand heet {extension}, maar de inhoud is geen tekst, Excel-werkmap of "
                "Parquet-bestand",
            )
        raise UnreadableFile("binary", "the file is binary data, not CSV, XLSX or Parquet",
                         "het bestand bevat binaire gegevens, geen CSV, XLSX of Parquet")
    return "csv"


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters mean this is not a text export."""
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([code])) for code in range(32) if code not in (9, 10, 12, 13))
    return controls > max(8, len(head) // 100)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

def _read_csv(path: Path, head: bytes) -> tuple[pl.DataFrame, list[str], str, str]:
    encoding, source = _decode_to_utf8(path)
    sample = _text_sample(source, head)
    declared = SEPARATOR_LINE.match(sample)
    if declared:
        source, sample = _without_first_line(source), sample[declared.end():]
    delimiter = declared.group(1) if declared else _sniff_delimiter(sample)
    headers = _header_fields(sample, delimiter)
    names = _normalise_headers(headers)
    _check_lines(source, delimiter, len(headers))
    try:
        frame = pl.read_csv(
            source, separator=delimiter, quote_char='"', has_header=True, infer_schema=False,
            raise_if_empty=False, truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        # The checks above should leave nothing for polars to trip over; its own message may
        # quote cell values, so it is not passed on.
        raise UnreadableFile("unparsable", "the CSV cannot be parsed into rows and columns",
                             "de CSV is niet in rijen en kolommen te lezen") from None
    if frame.width != len(names):
        raise UnreadableFile(
            "ragged_rows",
            f"the header has {len(names)} columns but the rows were read as {frame.width}",
            f"de kopregel heeft {len(names)} kolommen, maar de rijen zijn gelezen als {frame.width}",
        )
    frame.columns = names
    return _drop_unnamed_empty(frame, headers), headers, encoding, delimiter


def _without_first_line(source: Path | bytes) -> bytes:
    """The file after its `sep=` line (a BOM before it is dropped with it: the rest is UTF-8).
    Line numbers in messages then count from the header, as Excel shows the file."""
    raw = source if isinstance(source, bytes) else source.read_bytes()
    return raw[raw.index(b"\n") + 1:]


def _decode_to_utf8(path: Path) -> tuple[str, Path | bytes]:
    """Validate the encoding over the whole file; return a UTF-8 source polars can read.

    UTF-8 files (with or without BOM) are handed to polars as the path itself; Windows-1252
    files are transcoded chunk by chunk into UTF-8 bytes.
    """
    with path.open("rb") as handle:
        has_bom = handle.read(len(UTF8_BOM)) == UTF8_BOM
    bad_at = _first_invalid_utf8(path)
    if bad_at is None:
        return ("utf-8-sig" if has_bom else "utf-8"), path
    if has_bom:
        raise UnreadableFile(
            "bad_encoding",
            f"the file starts with a UTF-8 marker (BOM) but is not valid UTF-8 at byte {bad_at}",
            f"het bestand begint met een UTF-8-markering (BOM), maar is bij byte {bad_at} geen geldige UTF-8",
        )
    return "windows-1252", _transcode_cp1252(path, bad_at)


def _first_invalid_utf8(path: Path) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, or None when the whole file is valid."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            _refuse_nul(chunk, offset)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return offset - pending + error.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset - len(decoder.getstate()[0])
    return None


def _refuse_nul(chunk: bytes, offset: int) -> None:
    """A NUL byte never occurs in a text export; past the sniffed start it means binary data."""
    position = chunk.find(b"\x00")
    if position >= 0:
        raise UnreadableFile(
            "binary", f"the file contains binary data (a NUL byte at byte {offset + position})",
            f"het bestand bevat binaire gegevens (een NUL-byte bij byte {offset + position})"
        )


def _transcode_cp1252(path: Path, bad_utf8_at: int) -> bytes:
    """Windows-1252 to UTF-8, refusing undefined bytes and files that mix in UTF-8."""
    parts: list[bytes] = []
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            _refuse_nul(chunk, offset)
            try:
                text = chunk.decode("cp1252")
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    "bad_encoding",
                    f"the file is not valid UTF-8 or Windows-1252 at byte {offset + error.start}",
                    f"het bestand is bij byte {offset + error.start} geen geldige UTF-8 of Windows-1252",
                ) from None
            # Real UTF-8 sequences (e.g. 'ë' as two bytes) next to Windows-1252 bytes mean two
            # encodings were mixed; decoding either way would mangle part of the file.
            if not chunk.decode("utf-8", "ignore").isascii():
                raise UnreadableFile(
                    "bad_encoding",
                    "the file mixes encodings: it contains UTF-8 characters but is not valid "
                    f"UTF-8 at byte {bad_utf8_at}; save it again as \"CSV UTF-8\"",
                    "het bestand mengt tekensets: het bevat UTF-8-tekens, maar is bij byte "
                    f"{bad_utf8_at} geen geldige UTF-8; sla het opnieuw op als \"CSV UTF-8\"",
                )
            parts.append(text.encode("utf-8"))
            offset += len(chunk)
    return b"".join(parts)


def _text_sample(source: Path | bytes, head: bytes) -> str:
    """The first ~64 KB as text, cut after the last complete line."""
    raw = source[:SNIFF_BYTES] if isinstance(source, bytes) else head
    if len(raw) == SNIFF_BYTES and b"\n" not in raw:
        raw = _first_line(source)
    text = raw.decode("utf-8", "ignore").removeprefix("\ufeff")
    if len(raw) >= SNIFF_BYTES and "\n" in text:
        text = text[: text.rfind("\n") + 1]
    return text


def _first_line(source: Path | bytes) -> bytes:
    """A header longer than the sniff window: read on to its end, up to 1 MB."""
    if isinstance(source, bytes):
        longer = source[: MAX_LINE_BYTES + 1]
    else:
        with source.open("rb") as handle:
            longer = handle.read(MAX_LINE_BYTES + 1)
    end = longer.find(b"\n")
    if end < 0 and len(longer) > MAX_LINE_BYTES:
        raise UnreadableFile("line_too_long", "line 1 is longer than 1 MB", "regel 1 is langer dan 1 MB")
    return longer if end < 0 else longer[: end + 1]


def _sniff_delimiter(sample: str) -> str:
    """Pick the separator that splits the header and keeps the first rows consistent."""
    best: tuple[float, int] | None = None
    chosen = None
    for delimiter in DELIMITERS:
        rows = [row for row in _sample_rows(sample, delimiter) if row != []]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(row) == width for row in rows[1:]) / max(1, len(rows) - 1)
        score = (consistent, width)
        if best is None or score > best:
            best, chosen = score, delimiter
    if chosen is None:
        # One column: use the separator that never occurs, so values are not split.
        chosen = min(DELIMITERS, key=sample.count)
    return chosen


def _sample_rows(sample: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar='"')
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # an unclosed quote in the sample is reported by the line check
    return rows


def _header_fields(sample: str, delimiter: str) -> list[str]:
    if not sample.strip():
        raise UnreadableFile("empty", "the file holds no text, only blank lines or spaces",
                             "het bestand bevat geen tekst, alleen lege regels of spaties")
    rows = _sample_rows(sample, delimiter, limit=1)
    if not rows or all(not field.strip() for field in rows[0]):
        raise UnreadableFile("no_header", "the first line is empty; it must hold the column names",
                             "de eerste regel is leeg; daar horen de kolomnamen te staan")
    return rows[0]


def _check_lines(source: Path | bytes, delimiter: str, width: int) -> None:
    """Refuse lines over 1 MB and rows whose field count differs from the header's.

    Reads the file once more as raw lines (NUL never occurs: binary files are refused) and
    counts separators outside quoted sections, all vectorised.
    """
    lines = pl.read_csv(
        source, has_header=False, separator="\x00", quote_char=None,
        new_columns=["line"], infer_schema=False, raise_if_empty=False,
    )
    if lines.height == 0:
        return
    lines = lines.with_row_index("number", offset=1)
    too_long = lines.filter(pl.col("line").str.len_bytes() > MAX_LINE_BYTES)
    if too_long.height:
        first = too_long["number"][0]
        raise UnreadableFile("line_too_long", f"line {first} is longer than 1 MB", f"regel {first} is langer dan 1 MB")
    lines = lines.with_columns(quotes=pl.col("line").str.count_matches('"', literal=True))
    if lines.select((pl.col("quotes") % 2 == 1).any()).item():
        _check_quoted_rows(source, delimiter, width)
        return
    rows = lines.slice(1).filter(pl.col("line").str.strip_chars() != "")
    # Quoted sections are cut out only on lines that have a quote: the regex costs four times
    # the plain count, and most exports quote nothing.
    quoted = pl.col("quotes") > 0
    counted = pl.concat([
        rows.filter(~quoted).with_columns(
            fields=pl.col("line").str.count_matches(delimiter, literal=True) + 1),
        rows.filter(quoted).with_columns(
            fields=pl.col("line").str.replace_all(r'"[^"]*"', "")
            .str.count_matches(delimiter, literal=True) + 1),
    ])
    _raise_if_ragged(counted.filter(pl.col("fields") != width).sort("number"), width)


def _check_quoted_rows(source: Path | bytes, delimiter: str, width: int) -> None:
    """Slow path for files with line breaks inside quoted values: parse with the csv module."""
    raw = source if isinstance(source, bytes) else source.read_bytes()
    text = raw.decode("utf-8").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    bad: list[tuple[int, int]] = []
    try:
        next(reader, None)
        for row in reader:
            if row and len(row) != width and any(field.strip() for field in row):
                bad.append((reader.line_num, len(row)))
    except csv.Error:
        raise UnreadableFile(
            "truncated",
            f"a quoted value near line {reader.line_num} is never closed (the file may be cut off)",
            f"een waarde tussen aanhalingstekens bij regel {reader.line_num} wordt nooit gesloten "
            "(het bestand is misschien afgebroken)",
        ) from None
    if bad:
        frame = pl.DataFrame(bad, schema=["number", "fields"], orient="row")
        _raise_if_ragged(frame, width)


def _raise_if_ragged(bad: pl.DataFrame, width: int) -> None:
    if bad.height == 0:
        return
    number, fields = bad["number"][0], bad["fields"][0]
    more = f" ({bad.height} such lines in total)" if bad.height > 1 else ""
    more_nl = f" ({bad.height} zulke regels in totaal)" if bad.height > 1 else ""
    raise UnreadableFile(
        "ragged_rows",
        f"line {number} has {fields} fields but the header has {width}{more}; "
        "a line is broken or cut off, or a value contains the separator without quotes",
        f"regel {number} heeft {fields} velden, maar de kopregel heeft er {width}{more_nl}; een regel "
        "is gebroken of afgebroken, of een waarde bevat het scheidingsteken zonder aanhalingstekens",
    )


# --------------------------------------------------------------------------------------------
# XLSX and Parquet
# --------------------------------------------------------------------------------------------

def _read_xlsx(path: Path, dataset: str | None) -> tuple[pl.DataFrame, list[str], str, list[str]]:
    import fastexcel

    _check_zip_is_workbook(path)
    try:
        # Opened once: opening parses every shared string (a second of a 1M-row workbook).
        workbook = fastexcel.read_excel(str(path))
        sheets = workbook.sheet_names
    except Exception:
        raise UnreadableFile("truncated", "the Excel workbook is damaged or incomplete",
                             "de Excel-werkmap is beschadigd of onvolledig") from None
    if not sheets:
        raise UnreadableFile("empty", "the Excel workbook has no sheets", "de Excel-werkmap heeft geen werkbladen")
    sheet = _pick_sheet(sheets, dataset)
    try:
        raw = _load_sheet_as_text(workbook, sheet)
    except Exception:
        raise UnreadableFile("truncated", f"sheet '{sheet}' of the workbook cannot be read",
                             f"werkblad '{sheet}' van de werkmap is niet te lezen") from None
    if raw.height == 0 or raw.width == 0:
        raise UnreadableFile("empty", f"the sheet '{sheet}' is empty", f"werkblad '{sheet}' is leeg")
    headers = ["" if value is None else str(value) for value in raw.row(0)]
    headers = _trim_trailing_empty_headers(raw, headers)
    raw = raw.select(raw.columns[: len(headers)]).slice(1)
    names = _normalise_headers(headers)
    raw.columns = names
    # Excel date cells arrive as "YYYY-MM-DD 00:00:00"; a date is what was meant.
    # Only in columns that hold such a cell: the regex over every cell cost a second per 1M rows.
    midnight = raw.select(pl.all().str.ends_with("00:00:00").any()).row(0) if raw.width else ()
    frame = raw.with_columns(
        pl.col(name).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$", "$1")
        for name, has_midnight in zip(raw.columns, midnight) if has_midnight)
    return _drop_unnamed_empty(frame, headers), headers, sheet, sheets


def _load_sheet_as_text(workbook, sheet: str) -> pl.DataFrame:
    """One sheet of an opened workbook as `pl.read_excel(engine="calamine", has_header=False,
    read_options={"dtypes": "string"}, drop_empty_cols=False)` gives it: no header row and
    every cell as text (we keep the original header names and no column type is guessed),
    columns column_0.., rows without any value dropped."""
    raw = pl.DataFrame(workbook.load_sheet_eager(sheet, header_row=None, dtypes="string",
                                                 schema_sample_rows=100))
    if raw.width == 0:
        return pl.DataFrame()
    raw.columns = [f"column_{i}" for i in range(raw.width)]
    return raw.filter(~pl.all_horizontal(pl.all().is_null()))


def _check_zip_is_workbook(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise UnreadableFile("truncated", "the Excel workbook is damaged or incomplete",
                             "de Excel-werkmap is beschadigd of onvolledig") from None
    if "xl/workbook.xml" not in members and "xl/workbook.bin" not in members:
        raise UnreadableFile(
            "unsupported_format",
            "the file is a ZIP archive but not an Excel workbook; deliver CSV, XLSX or Parquet",
            "het bestand is een ZIP-archief, maar geen Excel-werkmap; lever CSV, XLSX of Parquet",
        )


def _pick_sheet(sheets: list[str], dataset: str | None) -> str:
    """The sheet named like the dataset (ignoring case and spaces), else the first sheet."""
    if dataset:
        wanted = dataset.strip().lower()
        for sheet in sheets:
            if sheet.strip().lower() == wanted:
                return sheet
    return sheets[0]


def _trim_trailing_empty_headers(raw: pl.DataFrame, headers: list[str]) -> list[str]:
    """Excel often reports formatted but empty columns at the right edge; ignore them."""
    while headers and not headers[-1].strip():
        column = raw.columns[len(headers) - 1]
        if raw[column].slice(1).drop_nulls().str.strip_chars().str.len_bytes().sum() > 0:
            break
        headers = headers[:-1]
    return headers


def _read_parquet(path: Path) -> tuple[pl.DataFrame, list[str]]:
    try:
        frame = pl.read_parquet(path)
    except Exception:
        raise UnreadableFile("truncated", "the Parquet file is damaged or incomplete",
                             "het Parquet-bestand is beschadigd of onvolledig") from None
    headers = list(frame.columns)
    names = _normalise_headers(headers)
    frame = frame.select(_as_text(frame, name) for name in frame.columns)
    frame.columns = names
    return frame, headers


def _as_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Typed Parquet column as text the way a CSV export would have written it."""
    dtype = frame.schema[name]
    column = pl.col(name)
    if dtype == pl.String:
        return column
    if dtype.is_nested() or dtype == pl.Binary or dtype == pl.Object:
        raise UnreadableFile(
            "unsupported_format", f"column '{name}' holds nested or binary data, not plain values",
            f"kolom '{name}' bevat geneste of binaire gegevens, geen gewone waarden"
        )
    if dtype == pl.Datetime:
        if dtype.time_zone is not None:  # a UTC instant is a day early in Amsterdam until 01:00
            column = column.dt.convert_time_zone(TIME_ZONE)
        is_midnight = column.dt.time() == dt.time(0)
        return (
            pl.when(is_midnight).then(column.dt.strftime("%Y-%m-%d"))
            .otherwise(column.dt.strftime("%Y-%m-%d %H:%M:%S")).alias(name)
        )
    if dtype.is_float():
        whole = column.is_finite() & (column == column.round(0)) & (column.abs() < 1e15)
        return (
            pl.when(whole).then(column.cast(pl.Int64).cast(pl.String))
            .otherwise(column.cast(pl.String)).alias(name)
        )
    return column.cast(pl.String)


# --------------------------------------------------------------------------------------------
# Shared clean-up
# --------------------------------------------------------------------------------------------

def _normalise_headers(headers: list[str]) -> list[str]:
    """strip + lower-case; refuse duplicates and absurd widths. Unnamed columns get a placeholder."""
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            "too_many_columns", f"the file has {len(headers)} columns; at most {MAX_COLUMNS} are accepted",
            f"het bestand heeft {len(headers)} kolommen; er worden er hoogstens {MAX_COLUMNS} aangenomen"
        )
    names = []
    for position, header in enumerate(headers, start=1):
        name = str(header).replace("\ufeff", "").strip().lower()
        names.append(name or f"__unnamed_{position}")
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise UnreadableFile(
                "duplicate_header",
                f"column name '{name}' appears twice (columns {seen[name]} and {position}); "
                "names are compared ignoring case and surrounding spaces",
                f"kolomnaam '{name}' komt twee keer voor (kolom {seen[name]} en {position}); namen "
                "worden vergeleken zonder op hoofdletters en omringende spaties te letten",
            )
        seen[name] = position
    return names


def _drop_unnamed_empty(frame: pl.DataFrame, headers: list[str]) -> pl.DataFrame:
    """A column without a header is dropped when empty (trailing separator) and refused otherwise."""
    unnamed = [name for name in frame.columns if name.startswith("__unnamed_")]
    for name in unnamed:
        has_values = frame[name].str.strip_chars().str.len_bytes().fill_null(0).sum() > 0
        if has_values:
            position = frame.columns.index(name) + 1
            raise UnreadableFile(
                "empty_header", f"column {position} has values but no name in the header",
                f"kolom {position} heeft waarden, maar geen naam in de kopregel"
            )
    return frame.drop(unnamed)


def _clean_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip every cell; an empty cell is null."""
    stripped = pl.all().str.strip_chars()
    return frame.with_columns(pl.when(stripped != "").then(stripped))


def _drop_empty_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank lines (and rows of only separators) carry nothing."""
    if frame.width == 0:
        return frame
    return frame.filter(~pl.all_horizontal(pl.all().is_null()))


def _detect_number_style(frame: pl.DataFrame) -> tuple[str | None, str | None]:
    """Decimal and thousands separator from number-looking cells in a sample of rows."""
    sample = _row_sample(frame)
    if sample.height == 0 or sample.width == 0:
        return None, None
    found = sample.select(
        comma=pl.any_horizontal(pl.all().str.contains(DECIMAL_COMMA).any()),
        point=pl.any_horizontal(
            (pl.all().str.contains(DECIMAL_POINT) & ~pl.all().str.contains(AMBIGUOUS_DOT)).any()
        ),
        thousands=pl.any_horizontal(pl.all().str.contains(THOUSANDS_DOT).any()),
    ).row(0, named=True)
    if found["comma"]:
        return ",", ("." if found["thousands"] else None)
    if found["point"]:
        return ".", None
    return None, None


def _row_sample(frame: pl.DataFrame) -> pl.DataFrame:
    """The first rows plus rows spread evenly over the rest of the file."""
    if frame.height <= 2 * NUMBER_SAMPLE_ROWS:
        return frame
    step = max(1, (frame.height - NUMBER_SAMPLE_ROWS) // NUMBER_SAMPLE_ROWS)
    rest = frame.slice(NUMBER_SAMPLE_ROWS).gather_every(step)
    return pl.concat([frame.head(NUMBER_SAMPLE_ROWS), rest])


__all__ = ["Detected", "ReadResult", "UnreadableFile", "read_export"]
