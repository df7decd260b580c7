"""A hostile-input corpus: each case is refused with a specific reason or handled safely, never
crashes intake, and never touches another partner's data."""
from __future__ import annotations

import io
import os
import struct
import zipfile

import polars as pl
import pytest

from quality.intake import run_intake
from engine.warehouse import open_warehouse
from tests.conftest import CONTRACTS_HEADER, contract_rows, write_csv

ARREARS = "contract_id;maand;achterstand_eur;maanden_achterstand\n"
NAME = "havensteder__huurachterstand__2025-06.csv"


def arrears_body(n=20) -> str:
    return "".join(f"HC-{i:05d};2025-06;10,00;1\n" for i in range(n))


def settle(path):
    os.utime(path, (0, 0))
    return path


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame({"contract_id": ["HC-1"], "maand": ["2025-06"], "achterstand_eur": ["1"],
                  "maanden_achterstand": ["1"]}).write_excel(buffer)
    return buffer.getvalue()


def zip_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


CASES = {
    # name: (file name, bytes, expected decision, expected problem code prefix or None)
    "empty file": (NAME, b"", "refused", "unreadable:empty"),
    "header only, monthly events": (NAME, ARREARS.encode(), "accepted", None),
    "binary garbage": (NAME, bytes(range(256)) * 64, "refused", "unreadable:"),
    "truncated xlsx": (NAME.replace(".csv", ".xlsx"), xlsx_bytes()[:300], "refused", "unreadable:truncated"),
    "zip that is no workbook": (NAME.replace(".csv", ".xlsx"), zip_not_a_workbook(), "refused", "unreadable:"),
    "very long line": (NAME, (ARREARS + "HC-1;2025-06;" + "9" * 2_000_000 + ";1\n").encode(), "refused",
                       "unreadable:"),
    "10,000 columns": (NAME, (";".join(f"c{i}" for i in range(10_000)) + "\n" + ";" * 9_999 + "\n").encode(),
                       "refused", "unreadable:too_many_columns"),
    "mixed encodings": (NAME, (ARREARS + "HC-1;2025-06;1,00;1\n").encode() + "HC-€;2025-06;1,00;1\n".encode("utf-8")
                        + "HC-é;2025-06;1,00;1\n".encode("cp1252"), "refused", "unreadable:bad_encoding"),
    "formula in an id": (NAME, (ARREARS + arrears_body(120) + '"=HYPERLINK(""http://x"";""klik"")";2025-06;1,00;1\n'
                                + "@SUM(A1);2025-06;1,00;1\n").encode(), "accepted_with_warnings", None),
    "formulas everywhere": (NAME, (ARREARS + "".join(f"=cmd|{i};2025-06;1,00;1\n" for i in range(20))).encode(),
                            "refused", "fatal_rows"),
    "SQL in a column name": (NAME, ('contract_id;maand;achterstand_eur;"maanden_achterstand""; drop table raw.load_ledger; --"\n'
                                    + arrears_body()).encode(), "refused", "unknown_columns"),
    "SQL in values": (NAME, (ARREARS + arrears_body(120) + "\"x'); drop table raw.load_ledger; --\";2025-06;1,00;1\n").encode(),
                      "accepted_with_warnings", None),
    "odd characters in the file name": ("havensteder__huurachterstand__2025-06 (1) ☃.csv",
                                        (ARREARS + arrears_body()).encode(), "refused", "bad_file_name"),
    "dot-dot in the file name": ("havensteder__..__2025-06.csv", (ARREARS + arrears_body()).encode(),
                                 "refused", "bad_file_name"),
    "wrong extension, parquet content": (NAME, None, "accepted", None),
}


def parquet_named_csv() -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame({"contract_id": ["HC-1", "HC-2"], "maand": ["2025-06"] * 2, "achterstand_eur": ["1.5", "2"],
                  "maanden_achterstand": ["1", "1"]}).write_parquet(buffer)
    return buffer.getvalue()


@pytest.fixture
def other_partner_loaded(home):
    """Woonstad's accepted data, which no hostile file from Havensteder may touch."""
    write_csv(home.partner_inbox("woonstad") / "woonstad__huurcontracten__2025-06.csv", CONTRACTS_HEADER,
              contract_rows(15))
    with open_warehouse(home.warehouse) as con:
        run_intake(con, home, "setup")
    return 15


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file(home, other_partner_loaded, case):
    name, content, decision, code = CASES[case]
    if content is None:
        content = parquet_named_csv()
    path = home.partner_inbox("havensteder") / name
    path.write_bytes(content)
    settle(path)
    with open_warehouse(home.warehouse) as con:
        [outcome] = run_intake(con, home, "hostile")
        woonstad = con.execute("select count(*) from raw.wonen__huurcontracten where _partner = 'woonstad'").fetchall()
        ledger = con.execute("select count(*) from raw.load_ledger").fetchall()
    assert outcome.decision == decision, [p.code for p in outcome.problems]
    if code:
        assert any(p.code.startswith(code) for p in outcome.problems), [p.code for p in outcome.problems]
    assert woonstad == [(other_partner_loaded,)]
    assert ledger == [(2,)]  # the table survived whatever the file said
    if decision == "refused":
        assert list((home.quarantine / "havensteder").iterdir())
    receipts = list((home.receipts / "havensteder").glob("*.md"))
    assert len(receipts) == 2
    for receipt in receipts:
        text = receipt.read_text()
        assert "HYPERLINK" not in text and "drop table" not in text.lower()


def test_hidden_and_partial_uploads_wait_in_the_inbox(home):
    for name in ("..havensteder__huurachterstand__2025-06.csv", NAME + ".part", NAME + ".tmp"):
        settle(write_csv(home.partner_inbox("havensteder") / name, ["a"], [["b"]]))
    with open_warehouse(home.warehouse) as con:
        assert run_intake(con, home, "hostile") == []
    assert len(list(home.partner_inbox("havensteder").iterdir())) == 3


def test_symlink_in_the_inbox_is_ignored(home, tmp_path):
    secret = tmp_path / "elsewhere.csv"
    secret.write_text(ARREARS + arrears_body())
    (home.partner_inbox("havensteder") / NAME).symlink_to(secret)
    with open_warehouse(home.warehouse) as con:
        assert run_intake(con, home, "hostile") == []


def test_unregistered_or_odd_partner_folder_is_left_alone(home):
    odd = home.inbox / "Havensteder; rm -rf"
    odd.mkdir()
    settle(write_csv(odd / NAME, ["a"], [["b"]]))
    with open_warehouse(home.warehouse) as con:
        assert run_intake(con, home, "hostile") == []


def test_empty_full_history_file_is_refused(home):
    settle(write_csv(home.partner_inbox("havensteder") / "havensteder__huurcontracten__2025-06.csv",
                     CONTRACTS_HEADER, []))
    with open_warehouse(home.warehouse) as con:
        [outcome] = run_intake(con, home, "hostile")
    assert [p.code for p in outcome.problems] == ["no_rows"]


def test_a_finding_outside_the_columns_says_where_and_what_not_a_column_the_partner_does_not_have(tmp_path, capsys):
    """A receipt said "Kolom '[tekst, 18 tekens]' bevat telefoonnummers in 1 rij" of a phone number
    in a picture's alt text: a column the partner's file does not have."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, with_workbook_xml, xlsx_bytes

    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml",
                                       "</worksheet>", "<headerFooter><oddFooter>&amp;Lbel 06-12345671</oddFooter>"
                                       "</headerFooter>"))
    [finding] = scan_file_extras(path, "trajecten", ["traject_id"])
    assert finding.rule == "phone"
    assert finding.message_nl.startswith("In de kop- of voettekst van een werkblad (alleen zichtbaar bij "
                                         "afdrukken): telefoonnummers (1 keer, bijvoorbeeld [")
    assert finding.message_en.startswith("In a worksheet's page header or footer (shown only when printed): "
                                         "phone numbers (once, for example [")
    assert "Kolom" not in finding.message_nl and "Column" not in finding.message_en
    assert "12345671" not in finding.message_nl + finding.message_en
    # ... nor does the receipt's table of rules name a column for it
    from pipelines.check import check_file
    assert check_file(path, lang="en", as_json=True) == 1
    import json
    receipt = json.loads(capsys.readouterr().out)
    assert [(r["rule"], r["column"]) for r in receipt["rules"] if r["rule"].startswith("privacy.")] == [
        ("privacy.phone", "—")]


def test_a_comment_a_text_box_and_a_chart_title_are_each_told_where_they_are(tmp_path):
    """A receipt told a phone number in a chart's axis title as "in cell comments or notes": the
    partner looked there and found nothing. Each kind of part is named as what it is."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, with_zip_part, xlsx_bytes

    drawing_ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    book = xlsx_bytes({"trajecten": trajecten()}, comments={"trajecten": [(3, 1, "bel 06-12345677")]})
    book = with_zip_part(book, "xl/drawings/drawing1.xml",
                         '<?xml version="1.0"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/'
                         f'drawingml/2006/spreadsheetDrawing" {drawing_ns}><xdr:sp><xdr:txBody><a:p><a:r>'
                         '<a:t>mail k.bakker@ziggo.nl</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:wsDr>')
    book = with_zip_part(book, "xl/charts/chart1.xml",
                         '<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
                         f'drawingml/2006/chart" {drawing_ns}><c:chart><c:plotArea><c:valAx><c:title><c:tx>'
                         '<c:rich><a:p><a:r><a:t>NL91ABNA0417164300</a:t></a:r></a:p></c:rich></c:tx>'
                         '</c:title></c:valAx></c:plotArea></c:chart></c:chartSpace>')
    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(book)
    where = {f.rule: (f.column.split(":")[0], f.message_nl, f.message_en)
             for f in scan_file_extras(path, "trajecten", ["traject_id"])}
    assert where["phone"][0] == "comments" and where["phone"][2].startswith("In cell comments or notes: ")
    assert where["email"][0] == "drawings" and where["email"][1].startswith("In tekstvakken of vormen (op een werkblad of in een grafiek): ")
    assert where["iban"][0] == "charts" and where["iban"][2].startswith("In a chart's titles or labels: ")
    assert not any(value in message for _, *messages in where.values() for message in messages
                   for value in ("12345677", "ziggo", "ABNA"))


def test_a_sheet_name_is_reported_once_as_a_sheet_name_not_again_as_a_document_property(tmp_path):
    """docProps/app.xml lists the sheets' names: a phone number in a sheet's name was reported a
    second time "in the document properties", sending the partner to File > Info (an outside attack)."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, xlsx_bytes

    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(xlsx_bytes({"trajecten": trajecten(), "bel 06-12345678": [["x"]]}))
    with zipfile.ZipFile(path) as archive:
        assert b"bel 06-12345678" in archive.read("docProps/app.xml")
    assert [(f.rule, f.column.split(":")[0]) for f in scan_file_extras(path, "trajecten", ["traject_id"])] == [
        ("phone", "sheet_names")]


@pytest.mark.parametrize("where, part, xml", [
    ("comments", "xl/comments1.xml", '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
     '<commentList><comment ref="B4"><text><t>geb. 12-03-1985</t></text></comment></commentList></comments>'),
    ("drawings", "xl/drawings/drawing1.xml", '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
     'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:sp><xdr:txBody><a:p>'
     '<a:r><a:t>geboortedatum 1985-03-12</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:wsDr>'),
    ("charts", "xl/charts/chart1.xml", '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
     'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx><c:rich><a:p><a:r>'
     '<a:t>Cliënt geboren 12-03-1985</a:t></a:r></a:p></c:rich></c:tx></c:title></c:chart></c:chartSpace>'),
])
def test_a_date_of_birth_written_in_a_note_a_text_box_or_a_chart_title_is_refused(tmp_path, where, part, xml):
    """An outside attack had each accepted: in what a person writes, an old full date is a date of
    birth, as in an id of the data. A date the workbook's program keeps (its properties) is not."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, with_zip_part, xlsx_bytes

    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(with_zip_part(xlsx_bytes({"trajecten": trajecten()}), part, '<?xml version="1.0"?>' + xml))
    [finding] = scan_file_extras(path, "trajecten", ["traject_id"])
    assert (finding.rule, finding.column.split(":")[0]) == ("birth_date", where)
    assert "1985" not in finding.message_nl + finding.message_en + finding.example


@pytest.mark.parametrize("where, workbook", [
    ("comments", lambda b: b.xlsx_bytes({"trajecten": b.trajecten()},
                                         comments={"trajecten": [(3, 0, "Cliënt: Jansen, J.")]})),
    ("drawings", lambda b: b.with_zip_part(
        b.xlsx_bytes({"trajecten": b.trajecten()}), "xl/drawings/drawing1.xml",
        '<?xml version="1.0"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:sp><xdr:txBody>'
        '<a:p><a:r><a:t>zie ook Jansen J.P.</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:wsDr>')),
    ("sheet", lambda b: b.xlsx_bytes({"trajecten": b.trajecten(),
                                      "Blad2": [["toelichting"], ["export maart"], ["met J. de Vries"]]})),
])
def test_a_name_within_a_note_a_text_box_or_another_sheet_is_refused(tmp_path, where, workbook):
    """An outside attack had a name as registers write one accepted inside a short note (a long
    one is free text); a sheet beside the data is what a person wrote as well."""
    from quality.file_scan import scan_file_extras
    from tests.corpus import builders

    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(workbook(builders))
    findings = scan_file_extras(path, "trajecten", ["traject_id"])
    assert [(f.rule, f.column.split(":")[0]) for f in findings] == [("name", where)]
    assert not any(word in f.message_nl + f.message_en + f.example
                   for f in findings for word in ("Jansen", "Vries"))
    if where == "sheet":   # which of the workbook's sheets: Excel's own name is quoted
        assert findings[0].message_nl.startswith("In een ander werkblad ('Blad2'): ")


@pytest.mark.parametrize("sheet, rows", [
    ("Info", [["Onderdeel", "Waarde"], ["Exportdatum", "2025-10-02"], ["Samenwerking sinds", "2009-01-01"]]),
    ("Complexen", [["complex_id", "Opgeleverd"], ["C101", "1968-05-01"], ["C102", "1985-09-01"]]),
    ("Feestdagen", [["Feestdag", "Dag"], ["Nieuwjaarsdag", "2010-01-01"], ["Koninginnedag", "2010-04-30"]]),
])
def test_old_dates_in_a_sheet_beside_the_data_are_no_dates_of_birth(tmp_path, sheet, rows):
    """A sheet beside the data has no agreed date columns, and its old dates are a partner's
    facts: a rule that took them for dates of birth unless the header named a date refused 20 of
    an outside attack's harmless workbooks ('Waarde' of a key-value sheet, 'Opgeleverd', 'Dag')."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, xlsx_bytes

    path = tmp_path / "havensteder__huurachterstand__2025-09.xlsx"
    path.write_bytes(xlsx_bytes({"huurachterstand": trajecten(), sheet: rows}))
    assert scan_file_extras(path, "huurachterstand", ["traject_id"]) == []


EXCELS_NOTE = ("[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any "
               "edits to it will get removed if the file is opened in a newer version of Excel. Learn more: "
               "https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    {}\nReply:\n    {}")


@pytest.mark.parametrize("note, rules", [
    (EXCELS_NOTE.format("klopt", "gecontroleerd"), []),   # Excel 365's note beside a threaded comment
    (EXCELS_NOTE.format("Cliënt: Jansen, J.", "ok"), ["name"]),   # the thread is read
    (EXCELS_NOTE.format("ok", "bel 06-12345678"), ["phone"]),
    (EXCELS_NOTE.format("ok", "ok").replace("newer", "Jansen's"), ["free_text"]),   # not Excel's words: whole
])
def test_excels_own_text_beside_a_threaded_comment_is_no_persons_note(tmp_path, note, rules):
    """Every workbook with a threaded comment was refused for free text (an outside attack): Excel
    365 keeps a note with its own text beside each. Only Excel's words are taken off."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, xlsx_bytes

    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(xlsx_bytes({"trajecten": trajecten()}, comments={"trajecten": [(3, 0, note)]}))
    assert [f.rule for f in scan_file_extras(path, "trajecten", ["traject_id"])] == rules


def test_a_finding_in_another_sheet_names_the_sheet_unless_the_name_is_a_clients(tmp_path):
    """Among several sheets the partner is told which one; a sheet named after a client is told
    by its shape."""
    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, xlsx_bytes

    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(xlsx_bytes({"trajecten": trajecten(), "Toelichting": [["x"], ["y"]],
                                 "Jansen": [["contact"], ["bel 06-12345678"]], "Info": [["bron"], ["export"]]},
                                hidden={"Jansen": "hidden"}))
    [finding] = scan_file_extras(path, "trajecten", ["traject_id"])
    assert finding.rule == "phone"
    assert finding.message_nl.startswith("In een verborgen werkblad ([tekst, 6 tekens]): ")
    assert "Jansen" not in finding.message_nl + finding.message_en


@pytest.mark.parametrize("unshown", [None, "k.bakker@ziggo.nl"])
def test_shared_strings_are_counted_across_chunks_and_only_unshown_ones_read(tmp_path, unshown):
    """A shared string table over a chunk (1 MB) with every string shown reads as nothing to scan
    (its strings are the cells'); one string more that no cell shows, at its end, is read."""
    import xlsxwriter

    from quality.file_scan import CHUNK, _sheet_texts
    from tests.corpus.builders import with_workbook_xml

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("trajecten")
    for row in range(60_000):
        sheet.write_string(row, 0, f"TR-{row:07d}-{'x' * 12}")
    book.close()
    workbook = buffer.getvalue()
    if unshown:
        workbook = with_workbook_xml(workbook, "xl/sharedStrings.xml", "</sst>", f"<si><t>{unshown}</t></si>")
    path = tmp_path / "zorgaanbieder__trajecten__2025-09.xlsx"
    path.write_bytes(workbook)
    assert zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml").file_size > 1.5 * CHUNK
    assert _sheet_texts(path)[2] == ([unshown] if unshown else [])


def test_the_parquet_writer_name_and_a_zip_entrys_comment_and_extra_field_are_read(tmp_path):
    """A fourth outside attack kept a phone number in the Parquet footer's writer name (same length,
    so the footer still reads), in one workbook entry's comment and in its extra field. The
    writer's own name ('parquet-cpp-arrow version ...') is no note."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from quality.file_scan import scan_file_extras
    from tests.corpus.builders import trajecten, xlsx_bytes

    buffer = io.BytesIO()
    pq.write_table(pa.table({"traject_id": ["T-1", "T-2"]}), buffer)
    writer = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata.created_by.encode()
    clean, planted = tmp_path / "clean.parquet", tmp_path / "planted.parquet"
    clean.write_bytes(buffer.getvalue())
    planted.write_bytes(buffer.getvalue().replace(writer, b"bel 0612345678".ljust(len(writer))))
    assert scan_file_extras(clean, None) == []
    assert [f.rule for f in scan_file_extras(planted, None)] == ["phone"]
    for how in ("comment", "extra"):
        source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"trajecten": trajecten()})))
        book = tmp_path / f"{how}.xlsx"
        with zipfile.ZipFile(book, "w") as target:
            for item in source.infolist():
                if item.filename == "xl/styles.xml":
                    if how == "comment":
                        item.comment = b"bel 06-12345678"
                    else:
                        text = b"bel 06-12345678"
                        item.extra = struct.pack("<HH", 0xCAFE, len(text)) + text
                target.writestr(item, source.read(item.filename))
        assert "phone" in {f.rule for f in scan_file_extras(book, "trajecten")}, how


def test_places_scanned_together_find_what_each_place_scanned_alone_finds():
    """A workbook's texts outside its cells are scanned in one frame, a column per place padded
    with nulls (one scan's fixed cost a file instead of one a place). Each place's findings, and
    what they count, are those of the place scanned alone: a short place of names beside a long
    one of clean texts, two places of the same name, a place left empty."""
    from quality.file_scan import WRITTEN_BY_HAND, _placed, _scan_places, _text_scan

    names = ["Jan Jansen", "Piet de Vries", "Kees Bakker", "Anna Smit", "Eva de Boer", "Tom Visser"]
    places = [
        ("comments", "opmerkingen", ["bel 06-12345678", "graag terugbellen"]),
        ("properties", "eigenschappen", [f"Versie {n}" for n in range(40)] + ["k.bakker@ziggo.nl", "12-03-1985"]),
        ("charts", "grafiekteksten", ["Cliënt geboren 12-03-1985"]),
        ("names", "werkboekdefinities", names),
        ("page", "kop- en voetteksten", []),
        ("properties", "eigenschappen", ["NL91ABNA0417164300"]),
        ("internals", "werkboekonderdelen", ["Standaard", "Calibri"] * 30),
    ]
    together = _scan_places(places)
    alone = [_placed(_text_scan(name, texts, where in WRITTEN_BY_HAND), where) for where, name, texts in places]
    assert together == alone
    assert [sorted(f.rule for f in found) for found in together] == [
        ["phone"], ["email"], ["birth_date"], sorted(f.rule for f in alone[3]), [], ["iban"], []]
    assert alone[3], "a place of only names is found alone"


def test_the_same_texts_outside_the_cells_are_scanned_once_and_a_large_set_every_time(monkeypatch):
    """A partner's system writes the same sheet names, properties and style names into every
    export: the second file's are answered from the first's scan, with the same findings. A set
    of more than CACHED_PLACES_CHARS characters is scanned every time (the cache stays small)."""
    from quality import file_scan

    scanned = []
    real_scan = file_scan.scan
    monkeypatch.setattr(file_scan, "scan", lambda frame, **kw: scanned.append(frame.columns) or real_scan(frame, **kw))
    file_scan._scan_places_once.cache_clear()
    places = [("properties", "maker", ["Exporter 1.0, bel 06-12345678"]), ("comments", "opmerkingen", [])]
    first = file_scan._scan_places(places)
    again = file_scan._scan_places([(where, name, list(texts)) for where, name, texts in places])
    assert [[f.rule for f in found] for found in first] == [["phone"], []]
    assert again == first and len(scanned) == 1
    large = [("unshown", "ongebruikte teksten", ["x" * 100] * (file_scan.CACHED_PLACES_CHARS // 100 + 1))]
    assert file_scan._scan_places(large) == file_scan._scan_places(large) == [[]]
    assert len(scanned) == 3
