"""Everything a file holds besides the cells the contract reads, through the privacy guard.

A workbook carries more than its data sheet: other worksheets (hidden and "very hidden" ones
too) and their names, cell comments and notes, threaded comments, text boxes, hyperlink targets,
the data saved with a pivot table or an external link, document properties; every file carries
header names, and a Parquet file key-value metadata. A care worker's note in a comment or a
hidden sheet of names and BSNs must refuse the file just like a BSN in a data column.

XLSX is a zip of XML parts, found where Excel puts them and wherever [Content_Types].xml says a
part of that kind lies: the sheets are read with the same reader as the data sheet
(calamine through polars), the other parts with the standard library's zipfile and ElementTree
(expat >= 2.4.1 limits entity expansion, so a "billion laughs" part fails instead of filling
memory; a part over MAX_PART_BYTES is not read at all, and a part that cannot be read refuses
the file).
"""
from __future__ import annotations

import dataclasses
import html
import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import polars as pl

from quality.masking import safe_sheet_name
from quality.privacy import RULE_TEXT, PrivacyFinding, scan

MAX_PART_BYTES = 20 << 20  # a comment part larger than this is itself suspicious: refuse reading
SHEET_STATES = re.compile(r"<sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\bstate=\"(hidden|veryHidden)\"")
# A page header or footer of a sheet (printed on every page, shown nowhere on screen), with
# Excel's codes (&L, &C, &R, &P, &"Arial,Bold", &12) taken out.
HEADER_FOOTER = re.compile(rb"<(?:\w+:)?(?:odd|even|first)(?:Header|Footer)>(.*?)</(?:\w+:)?(?:odd|even|first)(?:Header|Footer)>",
                           re.DOTALL)
HEADER_FOOTER_CODES = re.compile(r'&(?:"[^"]*"|[0-9]+|[A-Za-z])')
CHUNK = 1 << 20  # a sheet part is streamed: the data sheet may be larger than MAX_PART_BYTES
STREAM_OVERLAP = 64 << 10  # read again with the next chunk: longer than any element sought
LINK_PARTS = re.compile(r"^xl/(worksheets|drawings)/_rels/[^/]+\.rels$")
ITEM_TAGS = ("}s", "}n", "}d")  # text, number and date items of a pivot cache
TEXT_TAGS = ("}t", "}text")  # <t> runs in notes, drawings and charts, <text> in threaded comments

# A part is read by what [Content_Types].xml declares it to be, wherever it lies, as well as
# where Excel puts it: a workbook may keep a sheet or its comments under any name (an outside
# attack could move a comment part out of the places looked at, and Excel still shows it).
CONTENT_KINDS = {
    "spreadsheetml.worksheet+xml": "sheet", "spreadsheetml.chartsheet+xml": "sheet",
    "spreadsheetml.dialogsheet+xml": "sheet", "spreadsheetml.comments+xml": "comments",
    "ms-excel.threadedcomments+xml": "comments", "drawing+xml": "drawing",
    "drawingml.chart+xml": "chart", "spreadsheetml.table+xml": "table",
    "spreadsheetml.sharedStrings+xml": "shared_strings",
    "spreadsheetml.pivotCacheDefinition+xml": "pivot", "spreadsheetml.externalLink+xml": "external_link",
    "spreadsheetml.connections+xml": "connections", "officedocument.theme+xml": "theme",
}
PLACES = {   # where Excel puts each kind of part
    "sheet": re.compile(r"^xl/(worksheets|chartsheets|dialogsheets)/[^/]+\.xml$"),
    "comments": re.compile(r"^xl/(comments[^/]*\.xml|threadedComments/[^/]+\.xml)$"),
    "drawing": re.compile(r"^xl/drawings/[^/]+\.xml$"), "chart": re.compile(r"^xl/charts/[^/]+\.xml$"),
    "table": re.compile(r"^xl/tables/[^/]+\.xml$"), "shared_strings": re.compile(r"^xl/sharedStrings\.xml$"),
    "pivot": re.compile(r"^xl/pivotCache/pivotCacheDefinition[0-9]*\.xml$"),
    "external_link": re.compile(r"^xl/externalLinks/[^/]+\.xml$"),
    "connections": re.compile(r"^xl/connections\.xml$"), "theme": re.compile(r"^xl/theme/[^/]+\.xml$"),
}


def _parts(archive: zipfile.ZipFile, *kinds: str) -> list[str]:
    """The parts of these kinds: where Excel puts them, and wherever the content types say."""
    names = archive.namelist()
    declared = _declared_kinds(archive)
    return [n for n in names if declared.get(n) in kinds or any(PLACES[kind].match(n) for kind in kinds)]


def _declared_kinds(archive: zipfile.ZipFile) -> dict[str, str | None]:
    """Each part [Content_Types].xml names, with its kind; read once per opened workbook (every
    reader of a part kind asks)."""
    if not hasattr(archive, "_declared_kinds"):
        declared = {}
        if "[Content_Types].xml" in archive.namelist():
            root = ElementTree.fromstring(_read_part(archive, "[Content_Types].xml"))
            declared = {e.get("PartName", "").lstrip("/"): _kind_of(e.get("ContentType", ""))
                        for e in root.iter() if e.tag.endswith("}Override")}
        archive._declared_kinds = declared
    return archive._declared_kinds


def _kind_of(content_type: str) -> str | None:
    return next((kind for suffix, kind in CONTENT_KINDS.items() if content_type.endswith(suffix)), None)


def _related(archive: zipfile.ZipFile, part: str, relationship: str) -> str | None:
    """The part that `part`'s relationship of this type (its last path segment) points to."""
    rels = _relationships_of(part)
    if rels not in archive.namelist():
        return None
    for e in ElementTree.fromstring(_read_part(archive, rels)).iter():
        if e.get("Type", "").endswith(relationship) and e.get("TargetMode") != "External":
            target = e.get("Target", "")
            folder = part.rpartition("/")[0]
            return posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"{folder}/{target}")
    return None


def _relationships_of(name: str) -> str:
    """The relationships part of a part: xl/worksheets/sheet1.xml -> xl/worksheets/_rels/sheet1.xml.rels."""
    folder, _, base = name.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


WHERE = {
    "sheet": ("In een ander werkblad", "In another worksheet"),
    "hidden": ("In een verborgen werkblad", "In a hidden worksheet"),
    "comments": ("In opmerkingen of notities bij cellen", "In cell comments or notes"),
    "drawings": ("In tekstvakken of vormen (op een werkblad of in een grafiek)",
                 "In text boxes or shapes (on a worksheet or in a chart)"),
    "charts": ("In de titels of labels van een grafiek", "In a chart's titles or labels"),
    "headers": ("In de kolomnamen", "In the column names"),
    "sheet_names": ("In de namen van de werkbladen", "In the worksheet names"),
    "links": ("In de koppelingen (hyperlinks) van het werkboek", "In the workbook's hyperlinks"),
    "caches": ("In de opgeslagen gegevens van een draaitabel of externe koppeling",
               "In the data saved with a pivot table or external link"),
    "properties": ("In de documenteigenschappen (titel, onderwerp, metadata)",
                   "In the document properties (title, subject, metadata)"),
    "page": ("In de kop- of voettekst van een werkblad (alleen zichtbaar bij afdrukken)",
             "In a worksheet's page header or footer (shown only when printed)"),
    "names": ("In de gedefinieerde namen van het werkboek", "In the workbook's defined names"),
    "unshown": ("In tekst die het bestand bewaart maar in geen cel of rij toont (gedeelde teksten, "
                "fonetische hulp, ongebruikte categorieën)", "In text the file keeps but shows in no cell "
                "or row (shared strings, phonetic guides, unused categories)"),
    "internals": ("In de onderdelen van het werkboek (invoerhulp bij cellen, alternatieve tekst van "
                  "afbeeldingen, scherminfo van koppelingen, grafieken, voorwaardelijke opmaak, "
                  "tabelnamen, getalnotaties of tekst in formules)",
                  "In the workbook's internals (input and error messages of cells, alt text of images, "
                  "link tooltips, charts, conditional formats, table names, number formats or text in "
                  "formulas)"),
}
# Excel 365 keeps, beside every threaded comment, a note for older versions of Excel: its own
# text, then the thread ('[Threaded comment] Your version of Excel allows you to read this
# threaded comment; however, any edits to it will get removed if the file is opened in a newer
# version of Excel. Learn more: https://go.microsoft.com/fwlink/?linkid=870924 Comment: klopt').
# Read as a person's note it was free text, and any workbook with a threaded comment was refused
# (an outside attack). Taken off only when every word before the link is one of Excel's (the
# English text and the Dutch words a translation would use), so no person's text hides in it; a
# text Excel words otherwise is read whole, as before. The thread is read in its own part too.
EXCELS_NOTE = re.compile(r"^\[(?P<excel>[^\]]{1,40}\].{1,400}?)https://go\.microsoft\.com/fwlink/\?linkid=870924"
                         r"\.? *(?P<thread>.*)$", re.DOTALL)
EXCELS_NOTE_WORDS = frozenset((
    "threaded comment your version of excel allows you to read this however any edits made it will get "
    "removed if the file is opened in a newer learn more "
    "opmerkingenthread opmerking uw versie van kan kunt u met in deze lezen maar echter eventuele bewerkingen "
    "wijzigingen worden wordt verwijderd als het bestand geopend een nieuwere meer informatie staat toe te"
).split())
THREAD_LABELS = re.compile(r"\b(?i:comment|reply|opmerking|antwoord|reactie):")
# The places a person writes in, where a full date at least twelve years old ('geb. 12-03-1985' in
# a note, a text box or a chart's title: an outside attack had each accepted) is taken for a date
# of birth, as in an id or a category of the data. Not the places a program fills (document
# properties, a chart's plotted labels, pivot caches), where old dates are the data's own.
WRITTEN_BY_HAND = ("comments", "drawings", "charts", "page")
# Texts a workbook keeps that no cell shows (the first outside attack, December 2026, had a phone
# number accepted in each): a data validation's input and error messages and list, the text
# literals of formulas (the cell shows the result), a picture's alt text and a table's names.
# Attributes and elements of the sheet parts, read while streaming them (a data sheet is large).
# And what a third attack hid there: a hyperlink's tooltip (and the text it displays), the text
# a conditional format looks for and its formula (a formula's text and numbers, as a cell's).
# And a fourth: what an AutoFilter filters on, a What-If scenario's name, comment and values, a
# protected range's name, the sheet's code name, and a phonetic guide in a cell's own text.
SHEET_INTERNALS = re.compile(
    rb'<(?:\w+:)?(?:dataValidation|hyperlink|cfRule|filter|customFilter|scenario|inputCells|protectedRange'
    rb'|sheetPr)\b[^>]*>|<(?:\w+:)?formula1>([^<]*)</'
    rb'|<(?:\w+:)?(?:f\b[^>]*|formula2?)>([^<]*)</')
MESSAGE_ATTRIBUTES = re.compile(
    rb'\b(?:promptTitle|prompt|errorTitle|error|tooltip|display|text|val|name|comment|codeName)="([^"]*)"')
PHONETIC_RUN = re.compile(rb"<(?:\w+:)?rPh\b[^>]*>(.*?)</(?:\w+:)?rPh>", re.DOTALL)
# An XML comment or processing instruction in any part: Excel writes neither (but the XML
# declaration), so whatever one says is a person's (a fourth outside attack).
XML_NOTE = re.compile(rb"<!--(.*?)-->|<\?(?!xml[ ?])[^\s?]*([^?]*)\?>", re.DOTALL)
XML_TAG = re.compile(r"<[^>]*>")
LETTER_THEN_DIGIT = re.compile(r"([^\W\d_])(\d)")
FORMULA_TEXT = re.compile(r'"((?:[^"]|"")*)"')   # a formula's text literals ("" is one quote)
# A text a formula builds from its literals (="p.devries"&CHAR(64)&"gmail.com", CONCATENATE("06",
# "12345678"): an outside attack, December 2026, had each accepted) is read joined as well, with a
# character CHAR() makes written as the character.
FORMULA_CHAR = re.compile(r"(?i)\bCHAR\(\s*(3[2-3]|3[5-9]|[4-9][0-9]|1[01][0-9]|12[0-6])\s*\)")
# and its long number literals outside them (`=IF(FALSE,123456782,0)`: a BSN an outside attack hid
# as a number), not a cell reference's row (A1, Sheet1!B2) nor a number within a name
FORMULA_NUMBER = re.compile(r"(?<![A-Za-z0-9_$.!:])[0-9]{6,}(?![0-9A-Za-z_(!:])")
DRAWING_TEXT = ("descr", "title", "name")   # alt text and name of a picture, shape or chart (cNvPr)
LINK_TIPS = ("}hlinkClick", "}hlinkHover")   # a picture's or shape's link, with its tooltip
WORKBOOK_NAMES = (("}workbookPr", "codeName"), ("}customWorkbookView", "name"), ("}functionGroup", "name"))
STYLE_NAMES = (("}cellStyle", "name"), ("}tableStyle", "name"))   # names a user gives styles
# a string of the table, and a phonetic guide to one
SHARED_STRING = re.compile(rb"<(?:\w+:)?si\b")
PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b")
# A cell showing a shared string (only a cell's type is "s"): its index in the shared string table
SHARED_CELL = re.compile(rb'\bt="s"[^>]*>\s*<(?:\w+:)?v>\s*([0-9]+)')
FIX_OUTSIDE_COLUMNS = (
    "Take it out of the file (Excel's File > Info > Check for Issues > Inspect Document finds most "
    "hidden text); personal data may not be delivered.",
    "Haal het uit het bestand (in Excel vindt Bestand > Info > Controleren op problemen > Document "
    "inspecteren de meeste verborgen tekst); persoonsgegevens mogen niet worden aangeleverd.")
# Document properties that describe the content (not the author: an employee's name is fine).
PROPERTY_TAGS = ("}title", "}subject", "}description", "}keywords", "}category", "}lpwstr",
                 "}Manager", "}Company",
                 # and what two outside attacks (December 2026) hid a BSN, phone and e-mail in: the
                 # core identifier, status and language, the hyperlink base, custom strings and numbers
                 "}identifier", "}contentStatus", "}language", "}HyperlinkBase", "}bstr", "}lpstr",
                 "}i1", "}i2", "}i4", "}i8", "}int", "}ui1", "}ui2", "}ui4", "}ui8", "}uint",
                 "}r4", "}r8", "}decimal")
# Parquet key-value metadata written by the tools themselves, not by people: these keys exactly
# (a key that merely starts so, `pandas_notes`, is a person's; an outside attack, December 2026).
TECHNICAL_PARQUET_KEYS = frozenset({
    b"pandas", b"ARROW:schema", b"org.apache.spark.version", b"org.apache.spark.sql.parquet.row.metadata",
    b"org.apache.spark.legacyDateTime", b"org.apache.spark.legacyINT96", b"org.apache.spark.timeZone",
})


class UncheckablePart(Exception):
    """The file holds a part whose content cannot be checked for personal data: it is refused."""

    def __init__(self, message_nl: str, message_en: str):
        super().__init__(message_en)
        self.message_nl, self.message_en = message_nl, message_en


# Parts that can hold any text in a form not read here: an embedded document or object (a Word
# note about a client inside the workbook, an OLE object) and a macro project (VBA source is
# stored compressed, and a macro can hold a BSN as well as a cell can). Pictures are left: a
# logo is common, and a picture's alt text and link are read.
UNCHECKABLE = re.compile(r"(^|/)(embeddings/|activeX/|vbaProject[^/]*\.bin$)", re.IGNORECASE)
# Any other part Excel does not write as XML is not read either (a text file kept in the package,
# a data model, a sheet's custom property): only pictures, printer settings and the thumbnail are
# left, and XML parts, whose texts the scan reads where they can hold a person's.
READABLE_PART = re.compile(r"(\.(xml|rels|vml)$|^\[Content_Types\]\.xml$|^xl/media/|^xl/printerSettings/"
                           r"|^docProps/thumbnail\.)", re.IGNORECASE)


def scan_file_extras(path: Path, data_sheet: str | None, headers: list[str] = (),
                     sheet_names: list[str] | None = None) -> list[PrivacyFinding]:
    """Privacy findings outside the data cells: header names, other sheets, comments. Raises
    UncheckablePart for a workbook with an embedded object, macros or another part not in XML.

    `sheet_names`: the workbook's sheets as the reader listed them (saves opening it again)."""
    # (where, name, texts), scanned together below; the header row is a place as well
    places: list[tuple[str, str, list[str]]] = [("headers", "kolomnamen", [str(h) for h in headers])]
    if _is_workbook(path):
        _refuse_uncheckable_parts(path)
        import fastexcel
        names = sheet_names if sheet_names is not None else fastexcel.read_excel(str(path)).sheet_names
        places.append(("sheet_names", "werkbladnamen", names))
        written = _notes_boxes_and_charts(path)
        places.append(("comments", "opmerkingen", written["comments"]))
        places.append(("drawings", "tekstvakken", written["drawings"]))
        places.append(("charts", "grafiekteksten", written["charts"]))
        places.append(("links", "koppelingen", _link_targets(path)))
        places += [("caches", field, values) for field, values in _cached_values(path).items()]
        # the document's properties list the sheets' names too (docProps/app.xml): scanned once,
        # as sheet names, so a finding sends the partner to the sheet's tab, not to File > Info
        places.append(("properties", "eigenschappen", [t for t in _workbook_properties(path) if t not in names]))
        page, internals, unshown = _sheet_texts(path)
        places.append(("page", "kop- en voetteksten", page))
        places.append(("unshown", "ongebruikte teksten", unshown))
        places.append(("names", "werkboekdefinities", _defined_names(path)))
        places.append(("internals", "werkboekonderdelen", internals + _workbook_internals(path)))
        headers_found, sheet_names_found, *elsewhere = _scan_places(places)
        return (headers_found + sheet_names_found + _sheet_findings(path, data_sheet, names)
                + [f for found in elsewhere for f in found])
    if _starts_with(path, b"PAR1"):
        import pyarrow.parquet as pq
        # the writer's name the footer keeps ('Polars (python) version 2.1.0 (build 7f90...)'): a
        # person can put anything there (a fourth outside attack), but it is no note
        writer = pq.ParquetFile(path).metadata.created_by or ""
        headers_found, properties, unshown, by_writer = _scan_places(places + [
            ("properties", "eigenschappen", _parquet_properties(path)),
            ("unshown", "ongebruikte teksten", _parquet_unused_values(path)),
            ("properties", "maker", [writer])])
        return headers_found + properties + unshown + [f for f in by_writer if f.rule != "free_text"]
    return _scan_places(places)[0]


# A partner's system writes the same texts outside the cells into every export (sheet names,
# document properties, font and style names, the Parquet writer's name): the city's 120
# workbooks and Parquet files hold 5 distinct sets of them, and a partner's monthly files repeat
# their header row. Scanning a set took some 14 ms a workbook and 40 ms a Parquet file (its
# writer's name alone): inspecting a city workbook took 46 ms against 60, a Parquet file 23 ms
# against 61. Scanned once per process; a set of more than this many characters is scanned anew
# every time (the cache stays small).
CACHED_PLACES_CHARS = 20_000


def _scan_places(places: list[tuple[str, str, list[str]]]) -> list[list[PrivacyFinding]]:
    """Per place (where, name, texts), the findings of _text_scan(name, texts), placed (see
    _scan_places_once)."""
    key = tuple((where, name, tuple(texts)) for where, name, texts in places)
    if sum(len(text or "") for *_, texts in key for text in texts) > CACHED_PLACES_CHARS:
        return [list(found) for found in _scan_places_once.__wrapped__(key)]
    return [list(found) for found in _scan_places_once(key)]


@lru_cache(maxsize=256)
def _scan_places_once(places: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple[tuple[PrivacyFinding, ...], ...]:
    """The places scanned together, one column each (padded with nulls, which every rule leaves
    out): a scan's fixed cost was paid once a place, nine times a workbook. Places that share a
    name are scanned in a frame of their own. Findings are immutable: a cached answer is safe."""
    frames: list[dict[str, list[str]]] = []
    for _, name, texts in places:
        if texts:
            free = next((frame for frame in frames if name not in frame), None)
            if free is None:
                frames.append(free := {})
            free[name] = list(texts)
    found: dict[tuple[int, str], list[PrivacyFinding]] = {}
    written = {name for where, name, _ in places if where in WRITTEN_BY_HAND}
    for number, frame in enumerate(frames):
        height = max(len(texts) for texts in frame.values())
        padded = pl.DataFrame({name: texts + [None] * (height - len(texts)) for name, texts in frame.items()},
                              schema={name: pl.String for name in frame})
        # an old full date in what a person wrote is a date of birth until proven otherwise,
        # and a name written as registers write one counts within it ('Cliënt: Jansen, J.')
        for finding in scan(padded, pseudonym_columns=(), date_columns=set(frame) - written,
                            written_columns=written & set(frame)):
            found.setdefault((number, finding.column), []).append(_counted(finding))
    placed, used = [], {}
    for where, name, texts in places:
        number = used.get(name, 0)
        if texts:
            used[name] = number + 1
        placed.append(tuple(_placed(found.get((number, name), []) if texts else [], where)))
    return tuple(placed)


def _refuse_uncheckable_parts(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        if any(UNCHECKABLE.search(name) or not READABLE_PART.search(name)
               for name in archive.namelist() if not name.endswith("/")):
            raise UncheckablePart(
                "Het werkboek bevat een ingesloten document of object, macro's of een ander bestand "
                "dat Excel niet als XML schrijft: dat is niet op persoonsgegevens te controleren. "
                "Lever alleen het werkblad met de gegevens aan (Opslaan als: Excel-werkmap .xlsx, "
                "zonder ingevoegde objecten).",
                "The workbook holds an embedded document or object, macros, or another file Excel "
                "does not write as XML: that cannot be checked for personal data. Deliver only the "
                "sheet with the data (Save as: Excel workbook .xlsx, without inserted objects).")


def _text_scan(name: str, texts: list[str], written_by_hand: bool = False) -> list[PrivacyFinding]:
    """Texts through the guard as one column named `name` (a name no column rule reads as
    personal); each finding says what was found and how often (_counted). In texts
    `written_by_hand`, an old full date is taken for a date of birth, and a name counts within
    a text."""
    if not texts:
        return []
    return [_counted(f) for f in scan(pl.DataFrame({name: texts}, schema={name: pl.String}), pseudonym_columns=(),
                                      date_columns=set() if written_by_hand else None,
                                      written_columns={name} if written_by_hand else ())]


def _counted(finding: PrivacyFinding) -> PrivacyFinding:
    """A finding in texts outside the data's columns, told as what and how often: "Kolom
    '[tekst, 18 tekens]' bevat telefoonnummers in 1 rij" named a column the partner does not have."""
    if finding.rule not in RULE_TEXT:
        return finding
    what_nl, what_en = RULE_TEXT[finding.rule]
    times_en = "once" if finding.count == 1 else f"{finding.count} times"
    example_nl, example_en = ((f", bijvoorbeeld {finding.example}", f", for example {finding.example}")
                              if finding.example else ("", ""))
    fix_en, fix_nl = FIX_OUTSIDE_COLUMNS
    return dataclasses.replace(finding, message_nl=f"{what_nl} ({finding.count} keer{example_nl}). {fix_nl}",
                               message_en=f"{what_en} ({times_en}{example_en}). {fix_en}")


def _starts_with(path: Path, magic: bytes) -> bool:
    """The file's first bytes only: reading a whole export to see four bytes cost a second."""
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _sheet_findings(path: Path, data_sheet: str | None, names: list[str]) -> list[PrivacyFinding]:
    """The findings in every sheet but the data's (`names`: the workbook's sheets)."""
    hidden = _hidden_sheets(path)
    findings = []
    for sheet in names:
        if sheet == data_sheet:
            continue
        frame = _sheet_as_text(path, sheet)
        where = "hidden" if sheet in hidden else "sheet"
        # which sheet, so the partner finds it among several: its name where a receipt may quote
        # it (safe_sheet_name), else its shape ('[tekst, 6 tekens]': a sheet named after a client)
        shown = safe_sheet_name(sheet)
        named = f"'{shown}'" if shown == sheet.strip() else shown
        if frame.height:   # a sheet beside the data holds what a person wrote ('Cliënt: Jansen, J.')
            findings += _placed(scan(frame, written_columns=frame.columns), where, named)
        if frame.width:  # a header cell is a cell: 'j.jansen@example.nl' as a column name
            findings += _placed(_text_scan("kolomnamen", frame.columns), where, named)
    return findings


def _sheet_as_text(path: Path, sheet: str) -> pl.DataFrame:
    """Every cell as text, the first row as column names where it can be (so that a column named
    'bsn' or 'naam' is judged by its name too)."""
    raw = pl.read_excel(path, sheet_name=sheet, engine="calamine", has_header=False,
                        read_options={"dtypes": "string"}, drop_empty_cols=False,
                        raise_if_empty=False)
    if raw.height == 0 or raw.width == 0:
        return pl.DataFrame()
    first = ["" if value is None else str(value).strip().lower() for value in raw.row(0)]
    names = [name if name and first.count(name) == 1 else f"kolom_{_letters(i)}"
             for i, name in enumerate(first)]
    body = raw.slice(1) if raw.height > 1 else raw
    body.columns = names
    return body


def _letters(index: int) -> str:
    """Spreadsheet column letters (0 -> a, 27 -> ab): no digits, so receipts may quote them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(97 + rest) + letters
    return letters


def _hidden_sheets(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        workbook = _read_part(archive, "xl/workbook.xml")
    return {name for name, _ in SHEET_STATES.findall(workbook)}


def _without_excels_note(text: str) -> str:
    """A note without the text Excel writes into the note it keeps beside a threaded comment
    (EXCELS_NOTE), when every word of that part is one of that text's: what is left is the
    thread, without its labels ('Comment:', 'Reply:')."""
    match = EXCELS_NOTE.match(text)
    if match is None or not set(re.findall(r"[^\W\d_]+", match["excel"].lower())) <= EXCELS_NOTE_WORDS:
        return text
    return THREAD_LABELS.sub(" ", match["thread"]).strip()


def _notes_boxes_and_charts(path: Path) -> dict[str, list[str]]:
    """The text of every note and threaded comment ("comments"), text box and shape ("drawings")
    and chart title and label ("charts") in the workbook: a receipt says which, so the partner
    finds it (a chart's axis title was reported as a cell comment)."""
    texts: dict[str, list[str]] = {"comments": [], "drawings": [], "charts": []}
    with zipfile.ZipFile(path) as archive:
        for kind, place in (("comments", "comments"), ("drawing", "drawings"), ("chart", "charts")):
            for name in _parts(archive, kind):
                root = ElementTree.fromstring(_read_part(archive, name))
                for element in root.iter():
                    if element.tag.endswith(("}comment", "}threadedComment", "}txBody", "}rich")):
                        text = " ".join(t.text or "" for t in element.iter() if t.tag.endswith(TEXT_TAGS))
                        text = _without_excels_note(" ".join(text.split()))
                        if text.strip():
                            texts[place].append(text)
    return texts


def _link_targets(path: Path) -> list[str]:
    """External targets of hyperlinks: a cell reading 'mail' can link to mailto:j.jansen@…"""
    targets = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        links = {_relationships_of(part) for part in _parts(archive, "sheet", "drawing")}
        for name in sorted(links & names | {n for n in names if LINK_PARTS.match(n)}):
            root = ElementTree.fromstring(_read_part(archive, name))
            targets += [e.get("Target", "") for e in root.iter()
                        if e.get("TargetMode") == "External" and e.get("Target")]
    return targets


def _cached_values(path: Path) -> dict[str, list[str]]:
    """Values a workbook keeps besides its cells, per field: the source data of a pivot table
    (even when its source sheet was deleted) and cached values of external links."""
    fields: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for definition in _parts(archive, "pivot"):
            root = ElementTree.fromstring(_read_part(archive, definition))
            order = []
            for field in (e for e in root.iter() if e.tag.endswith("}cacheField")):
                key = f"draaitabel {field.get('name') or len(order)}"
                order.append(key)
                fields.setdefault(key, []).extend(_item_values(field))
            records = _related(archive, definition, "/pivotCacheRecords") or definition.replace("Definition", "Records")
            if records in names:
                for row in ElementTree.fromstring(_read_part(archive, records)):
                    for key, item in zip(order, row):
                        if item.tag.endswith(ITEM_TAGS) and item.get("v") is not None:
                            fields[key].append(item.get("v"))
        for link in _parts(archive, "external_link"):
            root = ElementTree.fromstring(_read_part(archive, link))
            fields.setdefault("externe koppeling", []).extend(
                e.text for e in root.iter() if e.tag.endswith("}v") and e.text)
    return fields


def _item_values(field: ElementTree.Element) -> list[str]:
    return [e.get("v") for e in field.iter() if e.tag.endswith(ITEM_TAGS) and e.get("v") is not None]


def _workbook_properties(path: Path) -> list[str]:
    """Title, subject, description, keywords, status, identifier and custom properties (names
    and values) of the workbook, and the text of its custom XML parts."""
    texts = []
    with zipfile.ZipFile(path) as archive:
        # the package's own comment and each part's (a ZIP archive can carry them; no program
        # shows them), and text in a part's extra field (a fourth outside attack)
        texts += [comment.decode("utf-8", errors="replace")
                  for comment in [archive.comment, *(info.comment for info in archive.infolist())]
                  if comment.strip()]
        texts += [run.decode("ascii") for info in archive.infolist()
                  for run in re.findall(rb"[\x20-\x7e]{8,}", info.extra)]
        # custom XML parts (customXml/item1.xml) are the partner's own data too: all their text
        custom = [n for n in archive.namelist() if re.match(r"^customXml/item[0-9]*\.xml$", n)]
        for name in custom:
            texts += [t.strip() for t in ElementTree.fromstring(_read_part(archive, name)).itertext() if t.strip()]
        for name in ("docProps/core.xml", "docProps/custom.xml", "docProps/app.xml"):
            if name in archive.namelist():
                root = ElementTree.fromstring(_read_part(archive, name))
                texts += [e.text.strip() for e in root.iter()
                          if e.tag.endswith(PROPERTY_TAGS) and e.text and e.text.strip()]
                # a custom property's name is the partner's own text too
                texts += [e.get("name").strip() for e in root.iter()
                          if e.tag.endswith("}property") and (e.get("name") or "").strip()]
    return texts


def _sheet_texts(path: Path) -> tuple[list[str], list[str], list[str]]:
    """Per sheet, streamed once (a data sheet is large): its page headers and footers (they close
    a sheet's XML), and its SHEET_INTERNALS (validation messages and lists, hyperlinks'
    tooltips, conditional formats' texts, formulas' text and long number literals); then the
    shared strings no cell shows (_unshown_strings)."""
    page, internals, shown, unshown_here = [], [], set(), []
    with zipfile.ZipFile(path) as archive:
        sheets = _parts(archive, "sheet")
        for name in sheets:
            for match in _streamed(archive, name, (HEADER_FOOTER, SHEET_INTERNALS, PHONETIC_RUN, XML_NOTE),
                                   collect=(SHARED_CELL, shown)):
                if match.re is XML_NOTE:
                    internals.append((match.group(1) or match.group(2) or b"").decode("utf-8", errors="replace"))
                elif match.re is PHONETIC_RUN:   # a cell's own text can carry a guide no cell shows
                    unshown_here.append(XML_TAG.sub(" ", match.group(1).decode("utf-8", errors="replace")))
                elif match.re is HEADER_FOOTER:
                    # the codes are XML-escaped (&amp;L): read as text first, or '&a' of '&amp;'
                    # was taken for a code and 'mp;LVertrouwelijk' was left (a false refusal)
                    page.append(HEADER_FOOTER_CODES.sub(" ", html.unescape(match.group(1).decode("utf-8", errors="replace"))))
                elif match.group(1) is not None:
                    internals.append(match.group(1).decode("utf-8", errors="replace"))
                elif match.group(2) is None:   # an element's attributes
                    internals += [_as_words(m.decode("utf-8", errors="replace"))
                                  for m in MESSAGE_ATTRIBUTES.findall(match.group(0))]
                else:
                    formula = html.unescape(match.group(2).decode("utf-8", errors="replace"))
                    formula = FORMULA_CHAR.sub(lambda m: f'"{chr(int(m.group(1)))}"', formula)
                    literals = [literal.replace('""', '"') for literal in FORMULA_TEXT.findall(formula)]
                    internals += literals + (["".join(literals)] if len(literals) > 1 else [])
                    internals += FORMULA_NUMBER.findall(FORMULA_TEXT.sub(" ", formula))
        unshown = unshown_here + _unshown_strings(archive, {int(index) for index in shown})
        sheets = set(sheets)
        for name in (n for n in archive.namelist() if n not in sheets and re.search(r"\.(xml|rels|vml)$", n)):
            internals += [(m.group(1) or m.group(2) or b"").decode("utf-8", errors="replace")
                          for m in _streamed(archive, name, (XML_NOTE,))]
    return ([" ".join(text.split()) for text in page if text.strip()],
            [" ".join(html.unescape(text).split()) for text in internals if text.strip()],
            [" ".join(text.split()) for text in unshown if text.strip()])


def _as_words(text: str) -> str:
    """A name as a reader reads it: Excel's names have no spaces, so Jansen_0612345678 and
    Jansen0612345678 (a protected range, a sheet's code name) are words and a number."""
    return LETTER_THEN_DIGIT.sub(r"\1 \2", text.replace("_", " "))


def _unshown_strings(archive: zipfile.ZipFile, shown: set[int]) -> list[str]:
    """The workbook's shared strings that no cell shows (`shown`: the indices cells refer to),
    and every string's phonetic guide (<rPh>, which no cell shows either); streamed, as the
    table holds every text of a large data sheet. Excel keeps only strings in use, but a
    file written otherwise can keep anything there (an outside attack kept an e-mail address)."""
    tables = _parts(archive, "shared_strings")
    if not tables:
        return []
    return [text for table in tables for text in _unshown_in(archive, table, shown)]


def _unshown_in(archive: zipfile.ZipFile, table: str, shown: set[int]) -> list[str]:
    """_unshown_strings of one shared string table."""
    # Counted first, without parsing (a large table took 10 ms a file to parse): as a rule every
    # string is shown and none has a phonetic guide, and there is nothing more to read.
    strings, carry, phonetic_guides = 0, b"", False
    with archive.open(table) as part:
        while chunk := part.read(CHUNK):
            buffer = carry + chunk
            # a string's start cut by the chunk's end is counted with the next; one within the
            # carried bytes was counted before
            strings += len(SHARED_STRING.findall(buffer)) - len(SHARED_STRING.findall(carry))
            phonetic_guides = phonetic_guides or PHONETIC.search(buffer) is not None
            carry = buffer[-16:]
    if not phonetic_guides and len(shown) >= strings and all(i in shown for i in range(strings)):
        return []
    texts, index, in_phonetic, own, phonetic = [], 0, 0, [], []
    with archive.open(table) as part:
        for event, element in ElementTree.iterparse(part, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "rPh":
                in_phonetic += 1 if event == "start" else -1
            elif tag == "t" and event == "end":
                (phonetic if in_phonetic else own).append(element.text or "")
            elif tag == "si" and event == "end":
                if index not in shown:
                    texts.append("".join(own))
                texts += phonetic
                index, own, phonetic = index + 1, [], []
                element.clear()
    return texts


def _streamed(archive: zipfile.ZipFile, name: str, patterns: tuple[re.Pattern, ...],
              collect: tuple[re.Pattern, set] | None = None):
    """Every match of `patterns` in a part, read in chunks. The last STREAM_OVERLAP bytes are
    read again with the next chunk, so an element cut by a chunk's end is found whole; a match
    that lay in them entirely was found before. `collect`: a pattern whose first group's values
    go into a set (many matches: no match objects made)."""
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            buffer = tail + chunk
            if collect:
                collect[1].update(collect[0].findall(buffer))
            for pattern in patterns:
                yield from (m for m in pattern.finditer(buffer) if m.end() > len(tail))
            tail = buffer[-STREAM_OVERLAP:]


def _defined_names(path: Path) -> list[str]:
    """Defined names, what they stand for and their comments: a name can hold a constant
    ('="BSN ..."'), and the name itself a person (Jansen_0612345678: a name has no spaces, so
    its underscores are read as spaces, as a reader reads them)."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(_read_part(archive, "xl/workbook.xml"))
    names = [f"{e.get('name', '').replace('_', ' ')} {e.text or ''} {e.get('comment', '')}".strip()
             for e in root.iter() if e.tag.endswith("}definedName")]
    # and the workbook's own names: its code name, custom views, macro function groups
    return names + [_as_words(e.get(attribute)) for e in root.iter()
                    for tag, attribute in WORKBOOK_NAMES if e.tag.endswith(tag) and e.get(attribute)]


def _workbook_internals(path: Path) -> list[str]:
    """Alt text and link tooltips in drawings, the values a chart keeps (its series' names and
    the labels and numbers it plots, saved with it), table and column names of tables, and
    number formats (a format can print text before every value: "Jansen "@); the sheets' own
    are _sheet_texts's."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for name in _parts(archive, "drawing"):
            root = ElementTree.fromstring(_read_part(archive, name))
            texts += [e.get(a) for e in root.iter() if e.tag.endswith("}cNvPr")
                      for a in DRAWING_TEXT if (e.get(a) or "").strip()]
            texts += [e.get("tooltip") for e in root.iter() if e.tag.endswith(LINK_TIPS) and e.get("tooltip")]
        for name in _parts(archive, "chart"):
            root = ElementTree.fromstring(_read_part(archive, name))
            texts += [e.text for e in root.iter() if e.tag.endswith("}v") and (e.text or "").strip()]
        for name in _parts(archive, "table"):
            root = ElementTree.fromstring(_read_part(archive, name))
            texts += [e.get(a) for e in root.iter() if e.tag.endswith(("}table", "}tableColumn"))
                      for a in ("name", "displayName") if (e.get(a) or "").strip()]
        if "xl/styles.xml" in names:
            root = ElementTree.fromstring(_read_part(archive, "xl/styles.xml"))
            texts += [e.get("formatCode") for e in root.iter() if e.tag.endswith("}numFmt") and e.get("formatCode")]
            texts += [e.get(attribute) for e in root.iter() for tag, attribute in STYLE_NAMES
                      if e.tag.endswith(tag) and e.get(attribute)]
            texts += [e.get("val") for font in root.iter() if font.tag.endswith("}font")
                      for e in font if e.tag.endswith("}name") and e.get("val")]
        for name in _parts(archive, "theme"):   # a theme's name and its schemes'
            root = ElementTree.fromstring(_read_part(archive, name))
            texts += [e.get("name") for e in root.iter() if e.get("name")
                      and e.tag.endswith(("}theme", "}clrScheme", "}fontScheme", "}fmtScheme"))]
        for name in _parts(archive, "connections"):   # a data connection's name and description
            root = ElementTree.fromstring(_read_part(archive, name))
            texts += [e.get(a) for e in root.iter() if e.tag.endswith("}connection")
                      for a in ("name", "description") if e.get(a)]
    return [" ".join(html.unescape(text).split()) for text in texts if text.strip()]


def _parquet_properties(path: Path) -> list[str]:
    """Key-value metadata a person could have written into a Parquet file, of the file and of
    each column."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    pairs = list((schema.metadata or {}).items())
    for field in schema:
        pairs += list((field.metadata or {}).items())
    return [f"{key.decode(errors='replace')}: {value.decode(errors='replace')}"
            for key, value in pairs if key not in TECHNICAL_PARQUET_KEYS]


def _parquet_unused_values(path: Path) -> list[str]:
    """The values a text column's dictionary holds that no row uses: a pandas categorical keeps
    all its categories (a third outside attack kept 'Jansen, J. 0612345678' there, unread, as
    the rows show only the values they use)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    texts = [f.name for f in schema
             if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
             or (pa.types.is_dictionary(f.type) and pa.types.is_string(f.type.value_type))]
    unused: list[str] = []
    if not texts:
        return unused
    for column in pq.read_table(path, columns=texts, read_dictionary=texts).columns:
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type) and len(chunk.dictionary):
                used = np.zeros(len(chunk.dictionary), dtype=bool)
                used[chunk.indices.drop_null().to_numpy()] = True
                unused += [v for v in chunk.dictionary.filter(pa.array(~used)).to_pylist() if v]
    return unused


def _read_part(archive: zipfile.ZipFile, name: str) -> str:
    if archive.getinfo(name).file_size > MAX_PART_BYTES:
        raise ValueError(f"part {name} of the workbook is larger than {MAX_PART_BYTES >> 20} MB")
    return archive.read(name).decode("utf-8", errors="replace")


def outside_the_columns(finding: PrivacyFinding) -> bool:
    """A finding of scan_file_extras's, placed outside the data's columns (its message says where)."""
    return finding.column.split(":", 1)[0] in WHERE and ":" in finding.column


def _placed(findings: list[PrivacyFinding], where: str, sheet: str | None = None) -> list[PrivacyFinding]:
    """Say where a finding is: a partner looking at the data sheet would not see it. `sheet`:
    the other sheet's name, as a receipt may show it."""
    nl, en = WHERE[where]
    if sheet:
        nl, en = f"{nl} ({sheet})", f"{en} ({sheet})"
    return [dataclasses.replace(f, column=f"{where}:{f.column}", message_nl=f"{nl}: {f.message_nl}",
                                message_en=f"{en}: {f.message_en}") for f in findings]


__all__ = ["scan_file_extras", "outside_the_columns", "UncheckablePart"]
