"""Small builders for corpus files: valid base rows per dataset, written as CSV, XLSX or Parquet.

A case starts from rows that a partner would deliver and the intake accepts, then plants one
thing (a BSN in an id, a hidden sheet, a comment). Nothing here is random: a case's bytes are the
same on every run, so a failing case can be reproduced from its id alone.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import random
import zipfile
from collections.abc import Callable

import polars as pl
import xlsxwriter
from stdnum.nl import bsn as stdnum_bsn

Rows = list[dict[str, str]]

PERIOD = "2025-06"
BUURTEN = ["BU05990110", "BU05990321", "BU05990112", "BU05990111"]


def pseudonym(n: int) -> str:
    return hashlib.sha256(f"corpus-person-{n}".encode()).hexdigest()


def valid_bsns(count: int, seed: int = 13, digits: int = 9) -> list[str]:
    """Numbers passing the 11-test (python-stdnum decides); 8 digits = a BSN that lost its 0."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        candidate = str(rng.randint(10 ** (digits - 1), 10 ** digits - 1))
        if stdnum_bsn.is_valid(candidate.zfill(9)) and candidate not in found:
            found.append(candidate)
    return found


def random_ids(count: int, digits: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [str(rng.randint(10 ** (digits - 1), 10 ** digits - 1)) for _ in range(count)]


def trajecten(n: int = 30) -> Rows:
    forms = ["ambulante_begeleiding", "housing_first_begeleiding", "beschermd_wonen", "fact"]
    return [{"traject_id": f"T-{i:05d}", "persoon_pseudoniem": pseudonym(i),
             "zorgvorm": forms[i % len(forms)], "startdatum": f"2019-{1 + i % 12:02d}-15",
             "einddatum": "2020-05-31" if i % 5 == 0 else "",
             "einde_reden": "doel_bereikt" if i % 5 == 0 else ""} for i in range(n)]


def voorzieningen(n: int = 30) -> Rows:
    kinds = ["wmo_begeleiding", "dagbesteding", "schuldhulp", "bijstand", "wijkteam"]
    return [{"voorziening_id": f"V-{i:05d}", "persoon_pseudoniem": pseudonym(100 + i),
             "buurtcode": BUURTEN[i % len(BUURTEN)], "soort": kinds[i % len(kinds)],
             "startdatum": f"15-{1 + i % 12:02d}-2019", "einddatum": ""} for i in range(n)]


def huurcontracten(n: int = 30) -> Rows:
    return [{"contract_id": f"HC-{i:05d}", "persoon_pseudoniem": pseudonym(200 + i),
             "vhe_id": f"VHE-{i:05d}", "startdatum": f"01-{1 + i % 12:02d}-2019",
             "einddatum": "31-05-2020" if i % 6 == 0 else "",
             "einde_reden": "verhuizing" if i % 6 == 0 else "",
             "doelgroep": "housing_first" if i % 3 == 0 else "regulier",
             "begeleidingsafspraak": "ja" if i % 3 == 0 else "nee"} for i in range(n)]


def verhuureenheden(n: int = 30) -> Rows:
    return [{"vhe_id": f"VHE-{i:05d}", "complex_id": f"CX-{i % 4:02d}",
             "buurtcode": BUURTEN[i % len(BUURTEN)], "woningtype": "meergezins",
             "bouwjaar": str(1930 + i), "energielabel": "C", "netto_huur": f"{600 + i},50",
             "status": "verhuurd"} for i in range(n)]


def overlastmeldingen(n: int = 30, period: str = PERIOD) -> Rows:
    """Reports dated inside `period` (YYYY-MM), as the contract requires."""
    year, month = period.split("-")
    categories = ["geluid", "vervuiling", "agressie", "verward_gedrag", "drugs"]
    return [{"melding_id": f"M-{i:05d}", "meldingsdatum": f"{1 + i % 28:02d}-{month}-{year}",
             "buurtcode": BUURTEN[i % len(BUURTEN)], "complex_id": f"CX-{i % 4:02d}",
             "categorie": categories[i % len(categories)], "veroorzaker_contract_id": "",
             "afgehandeld_op": ""} for i in range(n)]


def with_column(rows: Rows, column: str, values: list[str] | Callable[[int], str],
                every: int = 1) -> Rows:
    """Set `column` in every `every`-th row (a planted value among ordinary ones)."""
    out = []
    for i, row in enumerate(rows):
        row = dict(row)
        if i % every == 0:
            row[column] = values(i) if callable(values) else values[(i // every) % len(values)]
        out.append(row)
    return out


def csv_bytes(rows: Rows, delimiter: str = ";", encoding: str = "utf-8", header: bool = True,
              columns: list[str] | None = None) -> bytes:
    columns = columns or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, Rows | list[list]], hidden: dict[str, str] | None = None,
               comments: dict[str, list[tuple[int, int, str]]] | None = None,
               numbers: set[str] = frozenset(),
               links: dict[str, list[tuple[int, int, str, str]]] | None = None) -> bytes:
    """A workbook: sheet name -> rows (dicts with a header, or plain lists); `hidden` maps a
    sheet to "hidden" or "veryHidden"; `comments` sheet -> (row, col, text) notes; columns in
    `numbers` are written as numeric cells (as Excel keeps a BSN typed into a cell); `links`
    sheet -> (row, col, url, shown text) hyperlinks."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        if rows and isinstance(rows[0], dict):
            columns = list(rows[0])
            sheet.write_row(0, 0, columns)
            for r, row in enumerate(rows, start=1):
                for c, column in enumerate(columns):
                    value = row.get(column, "")
                    if column in numbers and value:
                        sheet.write_number(r, c, float(value))
                    elif value != "":
                        sheet.write_string(r, c, value)
        else:
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
        for row, col, text in (comments or {}).get(name, []):
            sheet.write_comment(row, col, text)
        for row, col, url, text in (links or {}).get(name, []):
            sheet.write_url(row, col, url, string=text)
        state = (hidden or {}).get(name)
        if state == "hidden":
            sheet.hide()
        elif state == "veryHidden":
            sheet.very_hidden()
    book.close()
    return buffer.getvalue()


def _rewritten_zip(workbook: bytes, change=lambda name, data: data, extra: dict | None = None) -> bytes:
    """A copy of a workbook's zip with parts changed by `change` and `extra` parts added."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item.filename)))
        for name, text in (extra or {}).items():
            target.writestr(name, text)
    return buffer.getvalue()


def with_part_moved(workbook: bytes, part: str, to: str) -> bytes:
    """A workbook with `part` under another name: its content type and every relationship to it
    follow (as absolute targets), so Excel still finds it where it now lies."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    old_name = part.rsplit("/", 1)[-1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(f'PartName="/{part}"'.encode(), f'PartName="/{to}"'.encode())
            elif item.filename.endswith(".rels"):
                data = re.sub(rf'Target="[^"]*/{re.escape(old_name)}"'.encode(), f'Target="/{to}"'.encode(), data)
            target.writestr(to if item.filename == part else item.filename, data)
    return buffer.getvalue()


def parquet_with_unused_categories(rows: Rows, column: str, unused: list[str]) -> bytes:
    """Parquet whose `column` is a categorical (as pandas writes one) holding `unused` categories
    besides the values its rows use."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pl.DataFrame(rows).to_arrow()
    values = table.column(column).to_pylist()
    categories = sorted(set(values)) + unused
    codes = pa.array([categories.index(v) for v in values], type=pa.int32())
    table = table.set_column(table.schema.get_field_index(column), column,
                             pa.DictionaryArray.from_arrays(codes, pa.array(categories)))
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def with_zip_comment(workbook: bytes, comment: str) -> bytes:
    """The workbook's zip with an archive comment (no program shows it)."""
    buffer = io.BytesIO(_rewritten_zip(workbook))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = comment.encode()
    return buffer.getvalue()


def with_zip_part(workbook: bytes, name: str, text: str) -> bytes:
    """Add a part to a workbook's zip (a threaded comment xlsxwriter cannot write)."""
    return _rewritten_zip(workbook, extra={name: text})


def with_pivot_cache(workbook: bytes, fields: dict[str, list[str]]) -> bytes:
    """Add a pivot cache holding `fields` (name -> values), as Excel keeps a pivot table's source
    data inside the file even after its source sheet was deleted."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cache_fields = "".join(f'<cacheField name="{name}"><sharedItems/></cacheField>' for name in fields)
    rows = "".join("<r>" + "".join(f'<s v="{values[i]}"/>' for values in fields.values()) + "</r>"
                   for i in range(len(next(iter(fields.values())))))
    return _rewritten_zip(workbook, extra={
        "xl/pivotCache/pivotCacheDefinition1.xml":
            f'<?xml version="1.0"?><pivotCacheDefinition xmlns="{main}"><cacheFields>{cache_fields}'
            "</cacheFields></pivotCacheDefinition>",
        "xl/pivotCache/pivotCacheRecords1.xml":
            f'<?xml version="1.0"?><pivotCacheRecords xmlns="{main}">{rows}</pivotCacheRecords>'})


def with_core_title(workbook: bytes, title: str) -> bytes:
    """Set the workbook's document title (docProps/core.xml), as File > Info would."""
    def titled(name: str, data: bytes) -> bytes:
        if name != "docProps/core.xml":
            return data
        return data.replace(b"</cp:coreProperties>",
                            f"<dc:title>{title}</dc:title></cp:coreProperties>".encode())
    return _rewritten_zip(workbook, titled)


def with_workbook_xml(workbook: bytes, part: str, closing: str, inserted: str) -> bytes:
    """Insert XML before the `closing` tag of a workbook part: a page header in a sheet, a defined
    name in the workbook, a manager or company in the document's app properties."""
    def edited(name: str, data: bytes) -> bytes:
        return data.replace(closing.encode(), (inserted + closing).encode(), 1) if name == part else data
    return _rewritten_zip(workbook, edited)


def parquet_bytes(rows: Rows, metadata: dict[str, str] | None = None,
                  column_metadata: dict[str, dict[str, str]] | None = None) -> bytes:
    """Parquet from text rows; `metadata` becomes the file's key-value metadata,
    `column_metadata` (column -> key -> value) a column's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pl.DataFrame(rows).to_arrow()
    if column_metadata:
        table = table.cast(pa.schema([field.with_metadata(column_metadata[field.name])
                                      if field.name in column_metadata else field
                                      for field in table.schema]))
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               **{k.encode(): v.encode() for k, v in metadata.items()}})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def case(id: str, partner: str, filename: str, content: bytes, expect: str,
         reason: str | None = None, never: list[str] = (), before: list = ()) -> dict:
    """One corpus case in the shared interface (tests/corpus/README in test_corpus.py)."""
    return {"id": id, "partner": partner, "filename": filename, "content": content,
            "expect": expect, "reason": reason, "never": list(never), "before": list(before)}
