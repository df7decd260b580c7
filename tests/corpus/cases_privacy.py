"""Personal-data cases (must be refused, nothing echoed) and their false-positive negatives
(must be accepted). Each planted value is listed in `never`: it may exist only in quarantine/ and
landing/ after the intake ran.

Interface (shared with the other cases_*.py modules): `cases() -> list[dict]`, each dict with
id, partner, filename, content, expect ("accepted" | "refused"), reason (substring of a refusal
code), never (planted values), optional before ([(filename, bytes)] delivered first).
"""
from __future__ import annotations

import hashlib
import random
import uuid

from tests.corpus.builders import (PERIOD, case, csv_bytes, huurcontracten, overlastmeldingen,
                                   parquet_bytes, parquet_with_unused_categories, pseudonym, random_ids,
                                   trajecten, valid_bsns, verhuureenheden, voorzieningen, with_column,
                                   with_core_title,
                                   with_part_moved, with_pivot_cache, with_workbook_xml, with_zip_comment,
                                   with_zip_part, xlsx_bytes)

TRAJECTEN = f"zorgaanbieder__trajecten__{PERIOD}"
VOORZIENINGEN = f"gemeente__voorzieningen__{PERIOD}"
CONTRACTS = f"havensteder__huurcontracten__{PERIOD}"
CONTRACTS_W = f"woonstad__huurcontracten__{PERIOD}"
UNITS = "woonstad__verhuureenheden__2025-06-30"
UNITS_H = "havensteder__verhuureenheden__2025-06-30"
NUISANCE = f"havensteder__overlastmeldingen__{PERIOD}"
NUISANCE_W = f"woonstad__overlastmeldingen__{PERIOD}"

BSN = valid_bsns(40)
BSN8 = valid_bsns(10, seed=5, digits=8)
# a care provider that hashed the BSN itself, without the trusted third party's key: 1,000 persons,
# so some of their BSNs are in the sample the intake hashes (quality/unkeyed_hashes.py)
UNKEYED_BSNS = valid_bsns(1000, seed=29)
UNKEYED = [hashlib.sha256(b.zfill(9).encode()).hexdigest() for b in UNKEYED_BSNS]
PHONES_06 = [f"06-{30000000 + 7919 * i}" for i in range(5)]
EMAILS = ["j.jansen@example.nl", "fatima.yilmaz@mail.example.com", "p.de.boer@example.org"]
IBANS = ["NL91ABNA0417164300", "NL02ABNA0123456789", "NL20INGB0001234567", "NL39RABO0300065264"]
PLATES = ["GB-123-X", "12-KLM-3", "9-XDF-34", "TX-345-B", "HJ-45-LS", "5-ZD-123"]
PEOPLE = ["Jan de Vries", "Fatima Yilmaz", "Pieter van der Berg", "Mohamed El Amrani", "Anna Jansen",
          "Kees Bakker"]
FIRST = ["Jan", "Fatima", "Pieter", "Mohamed", "Anna", "Kees", "Sanne", "Ahmed", "Lotte", "Yusuf"]
LAST = ["de Vries", "Yilmaz", "van der Berg", "El Amrani", "Jansen", "Bakker"]
DEVANAGARI = str.maketrans("0123456789", "".join(chr(0x966 + i) for i in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x660 + i) for i in range(10)))
FULL_WIDTH = str.maketrans("0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")
NOTE = ("Meneer belde opnieuw over de buren, hij slaapt slecht en drinkt weer veel sinds zijn "
        "vrouw is overleden")


def nuisance(period: str) -> list[dict]:
    """Nuisance reports dated inside the month their file name says (a fatal rule otherwise)."""
    return overlastmeldingen(period=period)


def _fourth_attack_workbooks() -> list[dict]:
    """Where a third outside attack (December 2026) kept a phone number in a workbook that loaded:
    each a place a user can type into in Excel, or the package itself."""
    def sheet(closing: str, inserted: str) -> bytes:
        return with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml", closing, inserted)
    book = xlsx_bytes({"trajecten": trajecten()})
    places = {
        "autofilter": sheet("<pageMargins", '<autoFilter ref="A1:F41"><filterColumn colId="0"><filters>'
                            '<filter val="Jansen, J. 06-12345680"/></filters></filterColumn></autoFilter>'),
        "scenario": sheet("<pageMargins", '<scenarios><scenario name="Overdracht" comment="bel 06-12345681">'
                          '<inputCells r="A1" val="x"/></scenario></scenarios>'),
        "protected_range": sheet("<pageMargins", '<protectedRanges><protectedRange name="Jansen_0612345682" '
                                 'sqref="A1"/></protectedRanges>'),
        "sheet_code_name": sheet("<dimension", '<sheetPr codeName="Jansen0612345683"/>'),
        "inline_phonetic": sheet("</sheetData>", '<row r="99"><c r="A99" t="inlineStr"><is><t>x</t>'
                                 '<rPh sb="0" eb="1"><t>bel 06-12345684</t></rPh></is></c></row>'),
        "defined_names_name": with_workbook_xml(book, "xl/workbook.xml", "</workbook>",
                                                '<definedNames><definedName name="Jansen_0612345685">'
                                                "trajecten!$A$1</definedName></definedNames>"),
        "cell_style_name": with_workbook_xml(book, "xl/styles.xml", "</cellStyles>",
                                             '<cellStyle name="bel 06-12345686" xfId="0"/>'),
        "connection": with_zip_part(book, "xl/connections.xml",
                                    '<?xml version="1.0"?><connections xmlns="http://schemas.openxmlformats.org/'
                                    'spreadsheetml/2006/main"><connection id="1" name="Klantbestand" '
                                    'description="bel 06-12345687" type="1"/></connections>'),
        "zip_comment": with_zip_comment(book, "dhr. Jansen, bel 06-12345688"),
        # a fourth attack: XML comments and processing instructions, the workbook's own names,
        # the theme's and the fonts' and table styles' names
        "xml_comment": sheet("<pageMargins", "<!-- bel 06-12345691 -->"),
        "processing_instruction": with_workbook_xml(book, "xl/styles.xml", "<fonts",
                                                    "<?notitie bel 06-12345692?>"),
        "workbook_code_name": with_workbook_xml(book, "xl/workbook.xml", "<bookViews",
                                                '<workbookPr codeName="Jansen0612345693"/>'),
        "custom_view": with_workbook_xml(book, "xl/workbook.xml", "</workbook>",
                                         '<customWorkbookViews><customWorkbookView name="bel 06-12345694" '
                                         'guid="{00000000-0000-0000-0000-000000000001}"/></customWorkbookViews>'),
        "font_name": with_workbook_xml(book, "xl/styles.xml", "</fonts>",
                                       '<font><sz val="11"/><name val="bel 06-12345695"/></font>'),
        "table_style_name": with_workbook_xml(book, "xl/styles.xml", "</styleSheet>",
                                              '<tableStyles count="1"><tableStyle name="bel 06-12345696" '
                                              'count="0"/></tableStyles>'),
    }
    cases = [_refused(f"phone_in_a_workbooks_{place}", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                      content, "privacy:phone", [f"0612345{680 + i}", f"12345{680 + i}"])
             for i, (place, content) in enumerate(places.items())]
    return cases + [
        _refused("phone_in_a_parquet_categoricals_unused_category", "zorgaanbieder",
                 "zorgaanbieder__trajecten__2025-09.parquet",
                 parquet_with_unused_categories(trajecten(), "zorgvorm", ["Jansen, J. 0612345690"]),
                 "privacy:phone", ["0612345690", "Jansen, J."]),
        _accepted("ok_parquet_categorical_with_unused_categories", "zorgaanbieder",
                  "zorgaanbieder__trajecten__2025-07.parquet",
                  parquet_with_unused_categories(trajecten(), "zorgvorm", ["ambulant", "overig"])),
        _refused("text_file_inside_a_workbook", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_zip_part(book, "xl/notities.txt", "dhr. Jansen, bel 06-12345689"),
                 "unreadable:uncheckable_part", ["06-12345689"]),
        _accepted("ok_workbook_filter_styles_and_names", "zorgaanbieder", "zorgaanbieder__trajecten__2025-07.xlsx",
                  with_workbook_xml(with_workbook_xml(
                      sheet("<pageMargins", '<autoFilter ref="A1:F41"><filterColumn colId="2"><filters>'
                            '<filter val="beschermd_wonen"/></filters></filterColumn></autoFilter>'
                            '<protectedRanges><protectedRange name="Invoer_2025" sqref="A1"/></protectedRanges>'),
                      "xl/styles.xml", "</cellStyles>", '<cellStyle name="Goed" xfId="0" builtinId="26"/>'),
                      "xl/workbook.xml", "</workbook>", '<definedNames><definedName name="_xlnm._FilterDatabase" '
                      'localSheetId="0" hidden="1">trajecten!$A$1:$F$41</definedName></definedNames>')),
    ]


def _refused(id, partner, filename, content, reason, never, **kw):
    return case(id, partner, filename, content, "refused", reason, never, **kw)


def _accepted(id, partner, filename, content, **kw):
    return case(id, partner, filename, content, "accepted", None, [], **kw)


def _typed_in_contracts(id, column, value, reason, never):
    """Refused: `value` typed by hand into a column of havensteder's contracts, once in 40 rows."""
    return _refused(id, "havensteder", f"{CONTRACTS}.csv",
                    csv_bytes(with_column(huurcontracten(), column, [value], every=40)), reason, never)


def _bsn_cases() -> list[dict]:
    b = BSN
    return [
        _refused("bsn_as_id", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "traject_id", b[:30])), "privacy:bsn", b[:3]),
        _refused("bsn_spaces_in_id", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "traject_id",
                                       [f"{v[:3]} {v[3:6]} {v[6:]}" for v in b[:30]])),
                 "privacy:bsn", [f"{v[:3]} {v[3:6]} {v[6:]}" for v in b[:3]] + b[:3]),
        _refused("bsn_dashes_in_id", "gemeente", f"{VOORZIENINGEN}.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                       [f"{v[:3]}-{v[3:5]}-{v[5:]}" for v in b[:30]])),
                 "privacy:bsn", b[:3]),
        _refused("bsn_dots_in_category", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden",
                                       [f"{v[:4]}.{v[4:6]}.{v[6:]}" for v in b[:3]], every=10)),
                 "privacy:bsn", b[:3]),
        _refused("bsn_glued_sequence", "havensteder", f"{UNITS_H}.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id",
                                       lambda i: f"{b[i]}{i % 3 + 1:02d}")),
                 "privacy:bsn", [f"{b[0]}01"] + b[:3]),
        _refused("bsn_glued_dash_sequence", "woonstad", f"{UNITS}.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id", lambda i: f"{b[i]}-{i:03d}")),
                 "privacy:bsn", b[:3]),
        _refused("bsn_behind_letters", "woonstad", f"{CONTRACTS_W}.csv",
                 csv_bytes(with_column(huurcontracten(), "contract_id", lambda i: f"HC{b[i]}")),
                 "privacy:bsn", b[:3]),
        _refused("bsn_lost_leading_zero", "gemeente", "gemeente__voorzieningen__2025-05.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id", BSN8)),
                 "privacy:bsn", BSN8[:3]),
        _refused("bsn_excel_scientific", "havensteder", "havensteder__huurcontracten__2025-05.csv",
                 csv_bytes(with_column(huurcontracten(), "vhe_id",
                                       lambda i: f"{int(b[i]) / 1e8:.8f}E+08".replace(".", ","))),
                 "privacy:bsn", b[:3]),
        _refused("bsn_numeric_cell_xlsx", "zorgaanbieder", f"{TRAJECTEN}.xlsx",
                 xlsx_bytes({"trajecten": with_column(trajecten(), "traject_id", b[:30])},
                            numbers={"traject_id"}), "privacy:bsn", b[:3]),
        _refused("bsn_as_pseudonym", "zorgaanbieder", "zorgaanbieder__trajecten__2025-05.csv",
                 csv_bytes(with_column(trajecten(), "persoon_pseudoniem", b[:30])),
                 "privacy:bsn", b[:3]),
        # a well-formed pseudonym that is a number or text written as hex, not a keyed hash
        # (an outside attack, December 2026: all accepted and loaded before)
        _refused("bsn_zero_padded_as_pseudonym", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "persoon_pseudoniem", [b[7].rjust(64, "0")], every=17)),
                 "privacy:pseudonym_not_hashed", [b[7]]),
        _refused("bsn_as_hex_pseudonym", "gemeente", f"{VOORZIENINGEN}.csv",
                 csv_bytes(with_column(voorzieningen(), "persoon_pseudoniem",
                                       [format(int(x), "x").rjust(64, "0") for x in b[:30]])),
                 "privacy:pseudonym_not_hashed", [b[0]]),
        _refused("name_as_ascii_hex_pseudonym", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "persoon_pseudoniem",
                                       [f"{p} {x}".ljust(32, ".")[:32].encode().hex() for p, x in zip(PEOPLE, b)],
                                       every=23)),
                 "privacy:pseudonym_not_hashed", [b[0]]),
        _refused("unkeyed_sha256_of_bsn_as_pseudonym", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(1000), "persoon_pseudoniem", UNKEYED)),
                 "privacy:pseudonym_unkeyed", UNKEYED_BSNS[:5] + [u[:16] for u in UNKEYED[:5]]),
        _refused("bsn_beside_word_in_note_column", "havensteder", f"{NUISANCE}.csv",
                 csv_bytes(with_column(overlastmeldingen(), "complex_id", [f"bsn:{b[5]}"], every=29)),
                 "privacy:bsn", [b[5]]),
    ]


def _contact_cases() -> list[dict]:
    return [
        _refused("phone_06_in_category", "havensteder", "havensteder__overlastmeldingen__2025-05.csv",
                 csv_bytes(with_column(nuisance("2025-05"), "categorie", PHONES_06[:1], every=15)),
                 "privacy:phone", PHONES_06[:1]),
        _refused("phone_plus31_in_id", "woonstad", f"{NUISANCE_W}.csv",
                 csv_bytes(with_column(overlastmeldingen(), "veroorzaker_contract_id",
                                       ["+31 6 4321 8765"], every=10)),
                 "privacy:phone", ["+31 6 4321 8765", "643218765"]),
        _refused("phone_0031_spaced", "gemeente", "gemeente__voorzieningen__2025-04.csv",
                 csv_bytes(with_column(voorzieningen(), "soort", ["0031 10 412 34 56"], every=12)),
                 "privacy:phone", ["0031 10 412 34 56", "104123456"]),
        _refused("phone_landline_spaced_dash", "zorgaanbieder", "zorgaanbieder__trajecten__2025-04.csv",
                 csv_bytes(with_column(trajecten(), "einde_reden", ["010 - 123 45 67"], every=7)),
                 "privacy:phone", ["010 - 123 45 67", "0101234567"]),
        _refused("phone_dots", "woonstad", "woonstad__overlastmeldingen__2025-05.csv",
                 csv_bytes(with_column(nuisance("2025-05"), "complex_id", ["06.12.34.56.78"], every=9)),
                 "privacy:phone", ["06.12.34.56.78", "0612345678"]),
        _refused("email_plain_in_category", "havensteder", "havensteder__huurcontracten__2025-04.csv",
                 csv_bytes(with_column(huurcontracten(), "doelgroep", EMAILS[:1], every=14)),
                 "privacy:email", EMAILS[:1]),
        _refused("email_at_dot_words", "gemeente", "gemeente__voorzieningen__2025-03.csv",
                 csv_bytes(with_column(voorzieningen(), "soort", ["p.de.boer (at) example (dot) org"],
                                       every=11)),
                 "privacy:email", ["p.de.boer (at) example (dot) org", "p.de.boer"]),
        _refused("email_bracket_at", "zorgaanbieder", "zorgaanbieder__trajecten__2025-03.csv",
                 csv_bytes(with_column(trajecten(), "einde_reden", ["f.yilmaz[at]example.nl"], every=13)),
                 "privacy:email", ["f.yilmaz[at]example.nl", "f.yilmaz"]),
        _refused("email_spelled_out", "woonstad", "woonstad__huurcontracten__2025-05.csv",
                 csv_bytes(with_column(huurcontracten(), "begeleidingsafspraak",
                                       ["k.bakker at example dot nl"], every=16)),
                 "privacy:email", ["k.bakker at example dot nl", "k.bakker"]),
        _refused("iban_as_id", "woonstad", "woonstad__verhuureenheden__2025-05-31.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id", IBANS)),
                 "privacy:iban", IBANS[:2] + ["0417164300"]),
        _refused("iban_spaced_in_category", "havensteder", "havensteder__huurcontracten__2025-03.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["NL91 ABNA 0417 1643 00"],
                                       every=20)),
                 "privacy:iban", ["NL91 ABNA 0417 1643 00", "0417164300"]),
        _refused("iban_glued_behind_letters_in_id", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "contract_id",
                                       lambda i: f"HC{IBANS[i % 4]}" if i < 8 else f"HC-{i:07d}")),
                 "privacy:iban", [f"HC{IBANS[0]}"] + IBANS[:2] + ["0417164300"]),
        _refused("iban_glued_behind_a_sequence_in_id", "woonstad", f"{UNITS}.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id",
                                       lambda i: f"VHE-{i:05d}{IBANS[i % 4].lower()}", every=25)),
                 "privacy:iban", [IBANS[0].lower(), IBANS[0], "0417164300"]),
        _refused("phone_glued_behind_letters_in_id", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "contract_id",
                                       ["HC0612345678", "HC0687654321"], every=15)),
                 "privacy:phone", ["HC0612345678", "0612345678", "612345678"]),
        _refused("phone_without_its_leading_zero_in_id", "woonstad", f"{UNITS}.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id", ["612345678"], every=15)),
                 "privacy:phone", ["612345678"]),
        _refused("birth_date_glued_into_client_code", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "traject_id", ["JV19850312", "KB12031985"], every=15)),
                 "privacy:birth_date", ["JV19850312", "19850312", "12031985"]),
        _refused("address_as_vhe_code", "havensteder", f"{UNITS_H}.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id",
                                       ["SCHIEDAMSEWEG-12B", "Mathenesserlaan_110"], every=15)),
                 "privacy:address", ["SCHIEDAMSEWEG-12B", "Mathenesserlaan_110"]),
        _refused("plates_dashed_as_id", "havensteder", "havensteder__verhuureenheden__2025-05-31.csv",
                 csv_bytes(with_column(verhuureenheden(), "complex_id", PLATES)),
                 "privacy:kenteken", PLATES[:3]),
        _refused("plates_glued_column", "woonstad", "woonstad__verhuureenheden__2025-04-30.csv",
                 csv_bytes(with_column(verhuureenheden(), "complex_id",
                                       [p.replace("-", "") for p in PLATES])),
                 "privacy:kenteken", ["GB123X", "12KLM3"]),
    ]


def _address_id(i: int) -> str:
    """Postcode-6 + house number as a dwelling id: 3011AK1, 3012BL8, ..."""
    return f"30{11 + i % 80}{'ABCDEFGH'[i % 8]}{'KLMNPR'[i % 6]}{1 + i * 7}"


def _address_and_person_cases() -> list[dict]:
    return [
        _refused("postcode_house_number_as_id", "havensteder", "havensteder__verhuureenheden__2025-04-30.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id", _address_id)),
                 "privacy:postcode_huisnummer", ["3011AK1", "3012BL8"]),
        _refused("postcode_house_number_dashed", "woonstad", "woonstad__verhuureenheden__2025-03-31.csv",
                 csv_bytes(with_column(verhuureenheden(), "vhe_id",
                                       lambda i: f"30{21 + i % 50}-ab-{3 + i}")),
                 "privacy:postcode_huisnummer", ["3021-ab-3"]),
        _refused("postcode_house_number_in_complex", "havensteder", "havensteder__overlastmeldingen__2025-04.csv",
                 csv_bytes(with_column(nuisance("2025-04"), "complex_id", ["3024 AB 12"], every=10)),
                 "privacy:postcode_huisnummer", ["3024 AB 12", "3024AB12"]),
        _refused("street_address_in_category", "woonstad", "woonstad__overlastmeldingen__2025-04.csv",
                 csv_bytes(with_column(nuisance("2025-04"), "categorie", ["Mathenesserlaan 110b"],
                                       every=17)),
                 "privacy:address", ["Mathenesserlaan 110b"]),
        _refused("birth_date_column", "zorgaanbieder", "zorgaanbieder__trajecten__2025-02.csv",
                 csv_bytes([dict(r, geboortedatum=f"{1 + i % 28:02d}-03-1961")
                            for i, r in enumerate(trajecten())]),
                 "privacy:birth_date", ["01-03-1961", "02-03-1961"]),
        _refused("birth_date_in_category", "gemeente", "gemeente__voorzieningen__2025-02.csv",
                 csv_bytes(with_column(voorzieningen(), "soort", ["12-03-1985"], every=15)),
                 "privacy:birth_date", ["12-03-1985"]),
        _refused("birth_date_inside_id", "zorgaanbieder", "zorgaanbieder__trajecten__2025-01.csv",
                 csv_bytes(with_column(trajecten(), "traject_id", lambda i: f"T-1979-04-{1 + i % 28:02d}-{i}")),
                 "privacy:birth_date", ["1979-04-01"]),
        _refused("name_column", "havensteder", "havensteder__huurcontracten__2025-02.csv",
                 csv_bytes([dict(r, naam=PEOPLE[i % len(PEOPLE)]) for i, r in enumerate(huurcontracten())]),
                 "privacy:", PEOPLE[:2]),
        _refused("names_in_unnamed_extra_column", "woonstad", "woonstad__huurcontracten__2025-04.csv",
                 csv_bytes([dict(r, contact=f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST)]}")
                            for i, r in enumerate(huurcontracten())]),
                 "privacy:name", ["Jan de Vries", "Fatima Yilmaz"]),
        _refused("titled_name_in_category", "zorgaanbieder", "zorgaanbieder__trajecten__2024-12.csv",
                 csv_bytes(with_column(trajecten(), "einde_reden", ["dhr. Jansen"], every=10)),
                 "privacy:name", ["dhr. Jansen"]),
        _refused("initials_name_in_id", "havensteder", "havensteder__huurcontracten__2025-01.csv",
                 csv_bytes(with_column(huurcontracten(), "vhe_id", ["J.P. de Vries"], every=25)),
                 "privacy:name", ["J.P. de Vries"]),
        _refused("name_among_categories", "gemeente", "gemeente__voorzieningen__2025-01.csv",
                 csv_bytes(with_column(voorzieningen(), "soort", ["Fatima Yilmaz"], every=16)),
                 "privacy:name", ["Fatima Yilmaz"]),
        _refused("free_text_column", "woonstad", "woonstad__overlastmeldingen__2025-03.csv",
                 csv_bytes([dict(r, toelichting=f"{NOTE} ({i})")
                            for i, r in enumerate(nuisance("2025-03"))]),
                 "privacy:free_text", [NOTE[:40]]),
        _refused("free_text_note_in_category", "havensteder", "havensteder__overlastmeldingen__2025-03.csv",
                 csv_bytes(with_column(nuisance("2025-03"), "categorie", [NOTE], every=29)),
                 "privacy:free_text", [NOTE[:40]]),
    ]


def _whole_file_cases() -> list[dict]:
    hidden_people = [["naam", "bsn"]] + [[PEOPLE[i], BSN[i]] for i in range(5)]
    return [
        _refused("hidden_sheet_names_bsns", "zorgaanbieder", "zorgaanbieder__trajecten__2024-11.xlsx",
                 xlsx_bytes({"trajecten": trajecten(), "koppeling": hidden_people},
                            hidden={"koppeling": "hidden"}),
                 "privacy:", [PEOPLE[0], BSN[0], BSN[1]]),
        _refused("very_hidden_sheet", "zorgaanbieder", "zorgaanbieder__trajecten__2026-08.xlsx",
                 xlsx_bytes({"trajecten": trajecten(), "x": [["contact"], ["j.jansen@example.nl"]]},
                            hidden={"x": "veryHidden"}),
                 "privacy:email", ["j.jansen@example.nl"]),
        _refused("visible_second_sheet_phones", "zorgaanbieder", "zorgaanbieder__trajecten__2026-07.xlsx",
                 xlsx_bytes({"trajecten": trajecten(), "Bellijst": [["wie", "nummer"]]
                             + [[f"cliënt {i}", p] for i, p in enumerate(PHONES_06)]}),
                 "privacy:phone", PHONES_06[:2]),
        _refused("cell_comment_care_note", "zorgaanbieder", "zorgaanbieder__trajecten__2026-06.xlsx",
                 xlsx_bytes({"trajecten": trajecten()},
                            comments={"trajecten": [(3, 0, "Mevr. Bakker belt vaak, zie dossier; "
                                                           "nummer 06-87654321")]}),
                 "privacy:", ["06-87654321", "Bakker belt"]),
        # a short note with a name as registers write one (a long note is free text)
        _refused("name_within_a_short_note", "zorgaanbieder", "zorgaanbieder__trajecten__2026-06.xlsx",
                 xlsx_bytes({"trajecten": trajecten()}, comments={"trajecten": [(3, 0, "Cliënt: Jansen, J.")]}),
                 "privacy:name", ["Jansen"]),
        _refused("threaded_comment", "zorgaanbieder", "zorgaanbieder__trajecten__2026-05.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}),
                               "xl/threadedComments/threadedComment1.xml",
                               '<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.'
                               'com/office/spreadsheetml/2018/threadedcomments"><threadedComment '
                               'ref="A2" id="{1}"><text>Dit is de zoon van dhr. El Amrani, BSN '
                               f'{BSN[7]}</text></threadedComment></ThreadedComments>'),
                 "privacy:", [BSN[7], "El Amrani"]),
        _refused("email_as_header_name", "havensteder", "havensteder__huurcontracten__2024-12.csv",
                 csv_bytes([dict(r, **{"j.jansen@example.nl": ""}) for r in huurcontracten()]),
                 "privacy:email", ["j.jansen@example.nl"]),
        _refused("no_header_row", "gemeente", "gemeente__voorzieningen__2024-12.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id", ["V-Yilmaz-1"]), header=False),
                 "no_header", ["V-Yilmaz-1", pseudonym(100)]),
        _refused("parquet_extra_bsn_column", "gemeente", "gemeente__voorzieningen__2024-11.parquet",
                 parquet_bytes([dict(r, klantnummer=BSN[i]) for i, r in enumerate(voorzieningen())]),
                 "privacy:bsn", BSN[:3]),
        _refused("parquet_phone_in_category", "havensteder", "havensteder__overlastmeldingen__2025-02.parquet",
                 parquet_bytes(with_column(nuisance("2025-02"), "categorie", ["06-24681357"], every=10)),
                 "privacy:phone", ["06-24681357"]),
        _refused("extra_column_with_phone", "woonstad", "woonstad__overlastmeldingen__2025-02.csv",
                 csv_bytes([dict(r, notitie="bel 06-13572468" if i == 4 else "") for i, r in
                            enumerate(nuisance("2025-02"))]),
                 "privacy:phone", ["06-13572468"]),
    ]


def _negative_cases() -> list[dict]:
    """False-positive classes: each must load."""
    return [
        _accepted("ok_baseline_csv", "zorgaanbieder", "zorgaanbieder__trajecten__2026-04.csv",
                  csv_bytes(trajecten())),
        _accepted("ok_baseline_xlsx_with_harmless_sheet", "zorgaanbieder",
                  "zorgaanbieder__trajecten__2025-06.xlsx",
                  xlsx_bytes({"trajecten": trajecten(), "Info": [["bron", "periode"],
                                                                 ["export", "2025-06"]]})),
        # a legal form and an abbreviation are no initials, in a note or a sheet beside the data
        _accepted("ok_legal_form_and_abbreviation_in_notes", "zorgaanbieder",
                  "zorgaanbieder__trajecten__2025-06.xlsx",
                  xlsx_bytes({"trajecten": trajecten(), "Info": [["bron"], ["Havensteder B.V."]]},
                             comments={"trajecten": [(3, 0, "N.B. Zie tab Info")]})),
        _accepted("ok_formulas_with_long_numbers_and_far_cells", "zorgaanbieder",
                  "zorgaanbieder__trajecten__2025-07.xlsx",
                  with_workbook_xml(xlsx_bytes({"trajecten": trajecten(), "berekening": [["x"]]}),
                                    "xl/worksheets/sheet2.xml", "</sheetData>",
                                    '<row r="5"><c r="B5"><f>ROUND(Sheet1!A123456*1000000,2)+C2*20250601'
                                    '+SUM(D100000:D200000)</f><v>0</v></c></row>')),
        _accepted("ok_chart_link_and_conditional_format", "zorgaanbieder",
                  "zorgaanbieder__trajecten__2025-07.xlsx",
                  with_zip_part(with_workbook_xml(
                      xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml", "<pageMargins",
                      '<conditionalFormatting sqref="C2:C41"><cfRule type="cellIs" priority="1" operator='
                      '"greaterThan"><formula>1000</formula></cfRule><cfRule type="containsText" priority="2" '
                      'text="afgerond"><formula>NOT(ISERROR(SEARCH("afgerond",D2)))</formula></cfRule>'
                      '</conditionalFormatting><hyperlinks><hyperlink ref="A4" location="A1" tooltip="Terug '
                      'naar boven"/></hyperlinks>'),
                      "xl/charts/chart1.xml",
                      '<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
                      'drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:ser><c:tx><c:v>Trajecten per '
                      'maand</c:v></c:tx><c:cat><c:strRef><c:strCache><c:pt idx="0"><c:v>2025-07</c:v></c:pt>'
                      '</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:numCache><c:pt idx="0"><c:v>1250.5'
                      '</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea>'
                      "</c:chart></c:chartSpace>")),
        # Excel NL's built-in page header (an outside attack's false refusal: its codes were read
        # escaped, '&amp;L', and what was left looked like a note)
        _accepted("ok_excel_builtin_confidential_header", "zorgaanbieder",
                  "zorgaanbieder__trajecten__2025-07.xlsx",
                  with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml",
                                    "</worksheet>", "<headerFooter><oddHeader>&amp;LVertrouwelijk&amp;C&amp;D"
                                    "&amp;RPagina &amp;P van &amp;N</oddHeader></headerFooter>")),
        _accepted("ok_structured_wmo_codes", "gemeente", "gemeente__voorzieningen__2025-12.csv",
                  csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                        lambda i: f"2024-WMO-{123 + i:05d}"))),
        _accepted("ok_structured_year_letters_codes", "havensteder",
                  "havensteder__huurcontracten__2024-11.csv",
                  csv_bytes(with_column(huurcontracten(), "contract_id",
                                        lambda i: f"2024HV{12 + i:04d}"))),
        _accepted("ok_structured_unpadded_codes", "woonstad", "woonstad__huurcontracten__2025-03.csv",
                  csv_bytes(with_column(huurcontracten(), "contract_id",
                                        lambda i: f"2023HC{101 + i}"))),
        # random UUIDs hold postcodes (3188ea6c), glued mobile numbers and 11-test digit runs by
        # chance: before 5 December 2026 almost every file of 500 was refused
        _accepted("ok_uuid_ids", "zorgaanbieder", "zorgaanbieder__trajecten__2026-05.csv",
                  csv_bytes(with_column(trajecten(500), "traject_id",
                                        lambda i: str(uuid.UUID(int=random.Random(i).getrandbits(128)))))),
        _accepted("ok_gemeente_prefixed_ids", "gemeente", "gemeente__voorzieningen__2025-11.csv",
                  csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                        lambda i: f"0599-{1234567 + 7919 * i}"))),
        _accepted("ok_gemeente_prefixed_short_ids", "gemeente", "gemeente__voorzieningen__2025-10.csv",
                  csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                        lambda i: f"0599-{123456 + 791 * i}"))),
        _accepted("ok_random_nine_digit_ids", "havensteder", "havensteder__verhuureenheden__2025-03-31.csv",
                  csv_bytes(with_column(verhuureenheden(300), "vhe_id", random_ids(300, 9)))),
        _accepted("ok_random_twelve_digit_ids", "woonstad", "woonstad__verhuureenheden__2025-02-28.csv",
                  csv_bytes(with_column(verhuureenheden(300), "vhe_id", random_ids(300, 12, seed=8)))),
        _accepted("ok_date_sequence_ids", "havensteder", "havensteder__overlastmeldingen__2025-01.csv",
                  csv_bytes(with_column(nuisance("2025-01"), "melding_id",
                                        lambda i: f"202501{1 + i % 28:02d}-{i:03d}"))),
        _accepted("ok_old_dates_in_date_columns", "havensteder", "havensteder__huurcontracten__2025-11.csv",
                  csv_bytes(with_column(huurcontracten(), "startdatum",
                                        lambda i: f"{1 + i % 28:02d}-0{1 + i % 9}-1978"))),
        _accepted("ok_constant_letter_codes_like_old_plates", "woonstad",
                  "woonstad__verhuureenheden__2025-01-31.csv",
                  csv_bytes(with_column(verhuureenheden(), "complex_id", lambda i: f"CX-{10 + i}-{i % 9}0"))),
        _accepted("ok_category_written_by_hand", "zorgaanbieder", "zorgaanbieder__trajecten__2025-07.csv",
                  csv_bytes(with_column(trajecten(), "einde_reden",
                                        lambda i: "Doel Bereikt" if i % 5 == 0 else ""))),
        _accepted("ok_dutch_amounts_and_buurtcodes", "havensteder", "havensteder__verhuureenheden__2025-02-28.csv",
                  csv_bytes(with_column(verhuureenheden(), "netto_huur", lambda i: f"1.{100 + i},75"))),
        _accepted("ok_pseudonym_column_parquet", "gemeente", "gemeente__voorzieningen__2025-09.parquet",
                  parquet_bytes(voorzieningen())),
    ]


def _masking_cases() -> list[dict]:
    """A value that breaks a contract rule but is not detected as personal data is set aside:
    it must not be echoed either (it could be anything the guard does not know)."""
    odd = "verhuisd_naar_tante_in_Spijkenisse"
    return [
        case("contract_failure_never_echoed", "havensteder", "havensteder__huurcontracten__2025-10.csv",
             csv_bytes(with_column(huurcontracten(), "einde_reden", [odd], every=29)),
             "accepted", None, [odd, odd[:24]]),
        case("formula_id_never_echoed", "woonstad", "woonstad__huurcontracten__2025-02.csv",
             csv_bytes(huurcontracten(60) + [dict(huurcontracten(1)[0], contract_id='=HYPERLINK("x")')]),
             "accepted", None, ['=HYPERLINK("x")', "=HYPERLINK"]),
    ]


def _found_by_attacking() -> list[dict]:
    """Hostile files written after the guard was done, not designed for; each got through
    before the fix that came with it."""
    b = valid_bsns(40, seed=99)
    return [
        _refused("e164_mobile_without_plus", "havensteder", "havensteder__overlastmeldingen__2024-12.csv",
                 csv_bytes(with_column(nuisance("2024-12"), "categorie", ["31612345678"],
                                       every=10)), "privacy:phone", ["31612345678"]),
        _refused("email_fullwidth_at", "havensteder", "havensteder__huurcontracten__2025-09.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["j.jansen\uff20example.nl"],
                                       every=10)), "privacy:email", ["j.jansen"]),
        _refused("email_url_encoded", "woonstad", "woonstad__huurcontracten__2025-01.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["j.jansen%40example.nl"],
                                       every=10)), "privacy:email", ["j.jansen"]),
        _refused("email_html_entity", "woonstad", "woonstad__huurcontracten__2024-12.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["j.jansen&#64;example.nl"],
                                       every=10)), "privacy:email", ["j.jansen"]),
        _refused("bsn_in_sheet_name", "zorgaanbieder", "zorgaanbieder__trajecten__2025-08.xlsx",
                 xlsx_bytes({"trajecten": trajecten(), f"Dossier {b[0]}": [["x"], ["y"]]}),
                 "privacy:bsn", [b[0]]),
        _refused("client_in_document_title", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_core_title(xlsx_bytes({"trajecten": trajecten()}),
                                 f"Overdracht dhr. Jansen bsn {b[1]}"),
                 "privacy:", [b[1], "dhr. Jansen"]),
        _refused("client_in_page_header", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml",
                                   "</worksheet>", "<headerFooter><oddHeader>&amp;LClient dhr. J. de Vries "
                                   f"BSN {b[2]}&amp;R06-12345678</oddHeader></headerFooter>"),
                 "privacy:", [b[2], "J. de Vries"]),
        _refused("client_in_defined_name", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/workbook.xml",
                                   "</workbook>", '<definedNames><definedName name="contact">'
                                   f'"bsn {b[3]} tel 06-98765432"</definedName></definedNames>'),
                 "privacy:", [b[3], "06-98765432"]),
        # texts a workbook keeps that no cell shows (the first outside attack, December 2026)
        _refused("phone_in_a_cells_input_message", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml",
                                   "<pageMargins", '<dataValidations count="1"><dataValidation type="list" '
                                   'showInputMessage="1" promptTitle="Behandelaar" prompt="bel 06-12345671" '
                                   'sqref="C2:C31"><formula1>"ja,nee"</formula1></dataValidation>'
                                   "</dataValidations>"),
                 "privacy:phone", ["06-12345671", "12345671"]),
        _refused("phone_in_a_pictures_alt_text", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/drawings/drawing1.xml",
                               '<?xml version="1.0"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/'
                               'drawingml/2006/spreadsheetDrawing"><xdr:oneCellAnchor><xdr:pic><xdr:nvPicPr>'
                               '<xdr:cNvPr id="2" name="Afbeelding 1" descr="pasfoto, bel 06-12345672"/>'
                               "</xdr:nvPicPr></xdr:pic></xdr:oneCellAnchor></xdr:wsDr>"),
                 "privacy:phone", ["06-12345672", "12345672"]),
        _refused("email_in_a_formulas_text", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten(), "berekening": [["x"]]}),
                                   "xl/worksheets/sheet2.xml", "</sheetData>",
                                   '<row r="5"><c r="B5" t="str"><f>IF(A1="","j.jansen@example.nl","x")</f>'
                                   "<v>x</v></c></row>"),
                 "privacy:email", ["j.jansen@example.nl", "jansen"]),
        # a third outside attack (December 2026): the BSN as a number literal, no text around it
        _refused("bsn_as_a_formulas_number", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten(), "berekening": [["x"]]}),
                                   "xl/worksheets/sheet2.xml", "</sheetData>",
                                   f'<row r="5"><c r="B5"><f>IF(FALSE,{b[12]},Sheet1!A100000+B123456)</f>'
                                   "<v>0</v></c></row>"),
                 "privacy:bsn", [b[12]]),
        # a fifth (December 2026): a text the formula builds from its pieces
        _refused("email_built_by_a_formula", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten(), "berekening": [["x"]]}),
                                   "xl/worksheets/sheet2.xml", "</sheetData>",
                                   '<row r="5"><c r="B5" t="str"><f>"p.devries"&amp;CHAR(64)&amp;"example.nl"</f>'
                                   "<v>x</v></c></row>"),
                 "privacy:email", ["p.devries", "devries"]),
        _refused("phone_built_by_a_formula", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten(), "berekening": [["x"]]}),
                                   "xl/worksheets/sheet2.xml", "</sheetData>",
                                   '<row r="5"><c r="B5" t="str"><f>CONCATENATE("06","12345672")</f>'
                                   "<v>x</v></c></row>"),
                 "privacy:phone", ["12345672"]),
        _accepted("ok_formula_of_several_words", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                  with_workbook_xml(xlsx_bytes({"trajecten": trajecten(), "berekening": [["x"]]}),
                                    "xl/worksheets/sheet2.xml", "</sheetData>",
                                    '<row r="5"><c r="B5" t="str"><f>IF(C2="ja","afgerond "&amp;CHAR(40)&amp;"traject"'
                                    '&amp;CHAR(41),"lopend")</f><v>lopend</v></c></row>')),
        _refused("phone_in_a_hyperlinks_tooltip", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml",
                                   "<pageMargins", '<hyperlinks><hyperlink ref="A4" location="A1" '
                                   'tooltip="bel 06-12345674"/></hyperlinks>'),
                 "privacy:phone", ["06-12345674", "12345674"]),
        _refused("email_in_a_conditional_format", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/worksheets/sheet1.xml",
                                   "<pageMargins", '<conditionalFormatting sqref="A2:A41"><cfRule '
                                   'type="containsText" dxfId="0" priority="1" operator="containsText" '
                                   'text="k.bakker@ziggo.nl"><formula>NOT(ISERROR(SEARCH("k.bakker@ziggo.nl",'
                                   f'A2)))</formula></cfRule><cfRule type="expression" priority="2"><formula>'
                                   f'$A2={b[13]}</formula></cfRule></conditionalFormatting>'),
                 "privacy:", ["k.bakker@ziggo.nl", b[13]]),
        _refused("phone_in_a_pictures_link_tooltip", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/drawings/drawing1.xml",
                               '<?xml version="1.0"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/'
                               'drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/'
                               'drawingml/2006/main"><xdr:oneCellAnchor><xdr:pic><xdr:nvPicPr>'
                               '<xdr:cNvPr id="2" name="Afbeelding 1" descr="logo"><a:hlinkClick '
                               'tooltip="dhr. Jansen 06-12345675"/></xdr:cNvPr>'
                               "</xdr:nvPicPr></xdr:pic></xdr:oneCellAnchor></xdr:wsDr>"),
                 "privacy:", ["06-12345675", "12345675", "dhr. Jansen"]),
        _refused("email_as_a_charts_series_name", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/charts/chart1.xml",
                               '<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
                               'drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:ser><c:tx><c:v>'
                               'j.jansen@ziggo.nl</c:v></c:tx><c:val><c:numRef><c:numCache><c:pt idx="0"><c:v>'
                               '600.72</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart>'
                               "</c:plotArea></c:chart></c:chartSpace>"),
                 "privacy:email", ["j.jansen@ziggo.nl"]),
        # strings a workbook keeps that no cell shows (a third outside attack, December 2026)
        _refused("email_in_an_unshown_shared_string", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/sharedStrings.xml",
                                   "</sst>", "<si><t>k.bakker@ziggo.nl</t></si>"),
                 "privacy:email", ["k.bakker@ziggo.nl"]),
        _refused("phone_in_a_phonetic_guide", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/sharedStrings.xml",
                                   "</si>", '<rPh sb="0" eb="1"><t>bel 06-12345676</t></rPh>'),
                 "privacy:phone", ["06-12345676", "12345676"]),
        # a part moved out of where Excel puts it, its content type and relationships following
        _refused("phone_in_a_moved_comments_part", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_part_moved(xlsx_bytes({"trajecten": trajecten()},
                                            comments={"trajecten": [(3, 1, "bel 06-12345677")]}),
                                 "xl/comments1.xml", "xl/remarks/notes.xml"),
                 "privacy:phone", ["06-12345677", "12345677"]),
        _refused("phone_in_a_moved_sheets_tooltip", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_part_moved(with_workbook_xml(
                     xlsx_bytes({"trajecten": trajecten(), "info": [["x"]]}), "xl/worksheets/sheet2.xml",
                     "<pageMargins", '<hyperlinks><hyperlink ref="A1" location="A1" tooltip="bel 06-12345678"/>'
                     "</hyperlinks>"), "xl/worksheets/sheet2.xml", "xl/other/info.xml"),
                 "privacy:phone", ["06-12345678", "12345678"]),
        *_fourth_attack_workbooks(),
        _refused("phone_in_a_number_format", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "xl/styles.xml", "<fonts",
                                   '<numFmts count="1"><numFmt numFmtId="164" '
                                   'formatCode="&quot;tel 06-12345673 &quot;@"/></numFmts>'),
                 "privacy:phone", ["06-12345673", "12345673"]),
        _refused("client_as_workbook_manager", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "docProps/app.xml",
                                   "</Properties>", "<Manager>mw. K. Bakker 06-11223344</Manager>"),
                 "privacy:", ["06-11223344", "K. Bakker"]),
        _refused("client_as_core_identifier", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_workbook_xml(xlsx_bytes({"trajecten": trajecten()}), "docProps/core.xml",
                                   "</cp:coreProperties>",
                                   f"<dc:identifier>bsn {b[6]}</dc:identifier>"
                                   "<cp:contentStatus>J. Jansen 06-12345679</cp:contentStatus>"),
                 "privacy:", [b[6], "06-12345679"]),
        _refused("client_as_custom_property_name", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "docProps/custom.xml",
                               '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.'
                               'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
                               'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
                               'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="mevr. Yilmaz '
                               'tel 06-22334455"><vt:bool>true</vt:bool></property></Properties>'),
                 "privacy:", ["06-22334455", "Yilmaz"]),
        _refused("parquet_column_metadata_note", "gemeente", "gemeente__voorzieningen__2025-08.parquet",
                 parquet_bytes(voorzieningen(), column_metadata={
                     "voorziening_id": {"note": f"klant dhr. de Vries, bsn {b[4]}"}}),
                 "privacy:", [b[4], "dhr. de Vries"]),
        _refused("parquet_metadata_note", "gemeente", "gemeente__voorzieningen__2025-08.parquet",
                 parquet_bytes(voorzieningen(), {"opmerking": "voor mevr. Yilmaz, bel 06-11223344"}),
                 "privacy:", ["06-11223344", "Yilmaz"]),
        _refused("bsn_grouped_3_2_2_2", "gemeente", "gemeente__voorzieningen__2025-07.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                       [f"{v[:3]} {v[3:5]} {v[5:7]} {v[7:]}" for v in b[:30]])),
                 "privacy:bsn", b[2:4]),
        _refused("phone_split_by_zero_width_space", "woonstad", "woonstad__overlastmeldingen__2024-12.csv",
                 csv_bytes(with_column(nuisance("2024-12"), "complex_id", ["06\u200b9876\u200b5432"],
                                       every=8)), "privacy:phone", ["98765432"]),
        _refused("bsn_in_full_width_digits", "gemeente", "gemeente__voorzieningen__2025-06.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                       [v.translate(FULL_WIDTH) for v in b[10:40]])),
                 "privacy:bsn", b[10:12]),
        # digits of other scripts (NFKC leaves them) and invisible separators beyond zero-width
        # ones (an outside attack, December 2026: all accepted, the row set aside)
        _refused("bsn_in_devanagari_digits", "gemeente", "gemeente__voorzieningen__2025-06.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                       [v.translate(DEVANAGARI) for v in b[10:40]])),
                 "privacy:bsn", [b[10], b[10].translate(DEVANAGARI)]),
        _refused("phone_in_arabic_indic_digits", "woonstad", "woonstad__overlastmeldingen__2024-12.csv",
                 csv_bytes(with_column(nuisance("2024-12"), "complex_id", ["0698765432".translate(ARABIC_INDIC)],
                                       every=8)), "privacy:phone", ["0698765432".translate(ARABIC_INDIC)]),
        _refused("bsn_split_by_bidi_control", "gemeente", "gemeente__voorzieningen__2025-06.csv",
                 csv_bytes(with_column(voorzieningen(), "voorziening_id",
                                       [f"{v[:4]}\u202c{v[4:]}" for v in b[10:40]])),
                 "privacy:bsn", [b[11][4:]]),
        _refused("phone_in_osmanya_digits_split_by_arabic_letter_mark", "woonstad",
                 "woonstad__overlastmeldingen__2024-12.csv",
                 csv_bytes(with_column(nuisance("2024-12"), "complex_id",
                                       ["".join(chr(0x104A0 + int(d)) for d in "0698765433")[:4] + "\u061c"
                                        + "".join(chr(0x104A0 + int(d)) for d in "0698765433")[4:]], every=8)),
                 "privacy:phone", ["0698765433"]),
        _refused("client_in_custom_xml_part", "zorgaanbieder", "zorgaanbieder__trajecten__2025-09.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "customXml/item1.xml",
                               f'<?xml version="1.0"?><client><bsn>{b[8]}</bsn><tel>06-33445566</tel></client>'),
                 "privacy:", [b[8], "06-33445566"]),
        _refused("parquet_metadata_under_a_tool_prefix", "gemeente", "gemeente__voorzieningen__2025-08.parquet",
                 parquet_bytes(voorzieningen(), {"pandas_notes": "voor mevr. Yilmaz, bel 06-11223344"}),
                 "privacy:", ["06-11223344", "Yilmaz"]),
        # parts of an id joined by underscores or colons (an outside attack, December 2026: each
        # was accepted and loaded)
        _typed_in_contracts("phone_joined_by_underscore", "contract_id", "HC_0687654321",
                            "privacy:phone", ["0687654321"]),
        _typed_in_contracts("postcode_house_number_joined_by_colon", "vhe_id", "3024AB:17",
                            "privacy:postcode_huisnummer", ["3024AB:17"]),
        _typed_in_contracts("street_address_joined_by_colon", "vhe_id", "Mathenesserlaan:110",
                            "privacy:address", ["Mathenesserlaan"]),
        _typed_in_contracts("titled_name_joined_by_underscores", "contract_id", "Dhr_Jansen_01",
                            "privacy:name", ["Jansen"]),
        # a name written into an id (an outside attack, 5 December 2026: each was accepted)
        _typed_in_contracts("surname_in_contract_id", "contract_id", "HC-jansen-01", "privacy:name", ["jansen"]),
        _typed_in_contracts("initial_and_surname_glued_in_contract_id", "contract_id", "HC-JDEVRIES",
                            "privacy:name", ["JDEVRIES", "devries"]),
        _typed_in_contracts("full_name_dotted_in_vhe_id", "vhe_id", "VHE-Jan.de.Vries", "privacy:name",
                            ["Vries"]),
        _typed_in_contracts("licence_plate_joined_by_underscore", "vhe_id", "VHE_99-XXB-1",
                            "privacy:kenteken", ["99-XXB-1"]),
        _typed_in_contracts("street_address_joined_by_dot", "vhe_id", "Schiedamseweg.12B",
                            "privacy:address", ["Schiedamseweg"]),
        _typed_in_contracts("licence_plate_joined_by_dots", "contract_id", "99.XXB.1",
                            "privacy:kenteken", ["99.XXB.1"]),
        _typed_in_contracts("street_address_joined_by_slash", "vhe_id", "Schiedamseweg/14B",
                            "privacy:address", ["Schiedamseweg"]),
        _typed_in_contracts("titled_name_joined_by_slashes", "contract_id", "Mevr/Yilmaz/02",
                            "privacy:name", ["Yilmaz"]),
        _typed_in_contracts("street_address_joined_by_plus", "vhe_id", "Mathenesserlaan+112",
                            "privacy:address", ["Mathenesserlaan"]),
        _accepted("ids_joined_by_slashes", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(huurcontracten(), "contract_id", lambda i: f"2024/{i:04d}/{i % 3}"))),
        _accepted("ids_joined_by_dots", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(with_column(huurcontracten(), "contract_id",
                                                    lambda i: f"HC.2024.{i:06d}"),
                                        "vhe_id", lambda i: f"VHE.{i % 7}.{1000 + i}.B"))),
        _accepted("ids_joined_by_underscores_and_colons", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(with_column(huurcontracten(), "contract_id",
                                                    lambda i: f"HC_2024_{i:06d}"),
                                        "vhe_id", lambda i: f"VHE_06{12345678 + 7 * i}:{i % 3}"))),
        _typed_in_contracts("belgian_iban_of_a_bank_stdnum_does_not_list", "vhe_id", "be68539007547034",
                            "privacy:iban", ["be68539007547034", "539007547034"]),
        _refused("phone_dialled_abroad_with_00", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "vhe_id", ["VHE-0032470123457"], every=40)),
                 "privacy:phone", ["0032470123457", "470123457"]),
        _accepted("zero_padded_ids_starting_00", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(huurcontracten(), "vhe_id", lambda i: f"VHE-00{32 + i % 3}{470000000 + 13 * i}"))),
        _refused("phone_dialled_to_romania_with_00", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "vhe_id", ["0040-721-234-567"], every=40)),
                 "privacy:phone", ["0040-721-234-567", "721234567"]),
        _refused("phone_dialled_to_the_us_with_00", "woonstad", f"{NUISANCE_W}.csv",
                 csv_bytes(with_column(nuisance(PERIOD), "categorie", ["001 202 555 0123"], every=15)),
                 "privacy:phone", ["001 202 555 0123", "2025550123"]),
        _accepted("twelve_digit_ids_starting_001_among_others", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(huurcontracten(), "contract_id",
                                        lambda i: f"{1000000000 + 7919 * i:012d}" if i % 10 == 0 else f"HC-{i:07d}"))),
        _typed_in_contracts("iban_grouped_in_threes", "vhe_id", "NL0 2AB NA0 123 456 789",
                            "privacy:iban", ["NL0 2AB NA0 123 456 789", "123 456 789", "0123456789"]),
        _refused("surname_before_initials_in_category", "havensteder", "havensteder__huurcontracten__2025-11.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["Jansen, J.", "DE VRIES, J.P."],
                                       every=10)), "privacy:name", ["Jansen, J.", "DE VRIES"]),
        _refused("surname_in_capitals_with_initials_among_categories", "woonstad", f"{NUISANCE_W}.csv",
                 csv_bytes(with_column(nuisance(PERIOD), "categorie", ["YILMAZ F.A."], every=15)),
                 "privacy:name", ["YILMAZ"]),
        _refused("birth_date_joined_by_underscores_in_id", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "traject_id", ["KB_12_03_1985"], every=20)),
                 "privacy:birth_date", ["12_03_1985", "12031985"]),
        _accepted("ids_with_a_recent_date_joined_by_underscores", "zorgaanbieder", f"{TRAJECTEN}.csv",
                  csv_bytes(with_column(trajecten(), "traject_id", lambda i: f"TR_{1 + i % 28:02d}_03_2025_{i}"))),
        # Left by the second outside attack of December 2026, mended at the next stop
        _typed_in_contracts("email_with_spaces_around_at_and_dots", "contract_id",
                            "j.jansen84 @ ziggo . nl",
                            "privacy:email", ["j.jansen84", "ziggo"]),
        _typed_in_contracts("email_with_apenstaartje_and_punt", "contract_id",
                            "j.jansen84 apenstaartje ziggo punt nl",
                            "privacy:email", ["j.jansen84", "ziggo"]),
        # The second outside attack of December 2026, after the fixes above
        _typed_in_contracts("phone_abroad_in_dashed_pairs", "contract_id", "00-44-7911-123456",
                            "privacy:phone", ["00-44-7911-123456", "7911123456"]),
        _typed_in_contracts("phone_abroad_behind_letters", "contract_id", "TEL00447911123456",
                            "privacy:phone", ["TEL00447911123456", "7911123456"]),
        _refused("bsn_joined_by_plus_signs", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "contract_id",
                                       [f"{b[5][:3]}+{b[5][3:6]}+{b[5][6:]}"], every=40)),
                 "privacy:bsn", [b[5], b[5][3:6] + "+" + b[5][6:]]),
        _refused("birth_date_with_a_month_word_in_id", "zorgaanbieder", f"{TRAJECTEN}.csv",
                 csv_bytes(with_column(trajecten(), "traject_id", ["KB12mrt1985"], every=20)),
                 "privacy:birth_date", ["12mrt1985"]),
        _refused("iban_in_pairs_joined_by_colons", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "vhe_id", [":".join(IBANS[2][i:i + 2] for i in range(0, 18, 2))],
                                       every=40)), "privacy:iban", [IBANS[2], "00:01:23"]),
        _refused("iban_glued_behind_id_digits", "havensteder", f"{CONTRACTS}.csv",
                 csv_bytes(with_column(huurcontracten(), "vhe_id", [f"HC00012{IBANS[3]}"], every=40)),
                 "privacy:iban", [IBANS[3], "0300065264"]),
        _refused("email_with_a_in_brackets_and_encoded_dot", "havensteder", "havensteder__huurcontracten__2025-07.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["r.dekker(a)example%2Enl"], every=10)),
                 "privacy:email", ["r.dekker", "example%2Enl"]),
        _typed_in_contracts("postcode_and_house_number_glued_behind_id_letters", "vhe_id", "HC3024AB12",
                            "privacy:postcode", ["HC3024AB12", "3024AB12"]),
        _accepted("ids_of_letters_year_block_and_number", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(huurcontracten(), "vhe_id", lambda i: f"VHE{2000 + i % 20}AB{100 + i}"))),
        _accepted("ids_starting_with_a_recent_compact_date", "havensteder", f"{CONTRACTS}.csv",
                  csv_bytes(with_column(huurcontracten(), "contract_id",
                                        lambda i: f"{1 + i % 28:02d}{1 + i % 12:02d}2024-{i:02d}"))),
        _accepted("a_letter_with_a_dot_after_a_word_in_a_category", "havensteder", "havensteder__huurcontracten__2025-12.csv",
                  csv_bytes(with_column(huurcontracten(), "einde_reden", ["Blok C.", "Label B."], every=10))),
        _refused("email_with_dashed_at_and_dot", "havensteder", "havensteder__huurcontracten__2025-10.csv",
                 csv_bytes(with_column(huurcontracten(), "einde_reden", ["s.visser-at-example-dot-nl"],
                                       every=10)), "privacy:email", ["s.visser", "example-dot-nl"]),
        _refused("belgian_phone_number", "havensteder", "havensteder__overlastmeldingen__2024-11.csv",
                 csv_bytes(with_column(nuisance("2024-11"), "veroorzaker_contract_id",
                                       ["+32 470 12 34 56"], every=12)),
                 "privacy:phone", ["+32 470 12 34 56", "32470123456"]),
        _refused("client_name_as_file_name", "zorgaanbieder", f"overdracht Jan de Vries {b[3]}.xlsx",
                 xlsx_bytes({"trajecten": trajecten()}), "bad_file_name", ["Jan de Vries", b[3]]),
        _refused("client_name_as_dataset", "havensteder", "havensteder__dossier_jansen__2025-06.csv",
                 csv_bytes(huurcontracten()), "unknown_dataset", ["dossier_jansen", "jansen"]),
        _refused("client_name_as_partner", "woonstad", "fam_yilmaz__huurcontracten__2025-06.csv",
                 csv_bytes(huurcontracten()), "unknown_dataset", ["fam_yilmaz", "yilmaz"]),
        _refused("mailto_hyperlink_behind_a_word", "zorgaanbieder", "zorgaanbieder__trajecten__2025-10.xlsx",
                 xlsx_bytes({"trajecten": trajecten(), "Info": [["contact"]]},
                            links={"Info": [(1, 0, "mailto:s.visser@example.nl", "mail")]}),
                 "privacy:email", ["s.visser@example.nl", "s.visser"]),
        _refused("pivot_cache_keeps_deleted_source", "zorgaanbieder", "zorgaanbieder__trajecten__2025-11.xlsx",
                 with_pivot_cache(xlsx_bytes({"trajecten": trajecten()}),
                                  {"klant": [f"{f} {LAST[i % 6]}" for i, f in enumerate(FIRST)],
                                   "nummer": b[20:30]}),
                 "privacy:", [b[20], b[21], "Sanne Yilmaz"]),
        _refused("external_link_cached_value", "zorgaanbieder", "zorgaanbieder__trajecten__2025-12.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/externalLinks/externalLink1.xml",
                               '<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/'
                               'spreadsheetml/2006/main"><externalBook><sheetDataSet><sheetData sheetId="0">'
                               '<row r="1"><cell r="A1"><v>06-55443322</v></cell></row></sheetData>'
                               '</sheetDataSet></externalBook></externalLink>'),
                 "privacy:phone", ["06-55443322"]),
        _refused("email_as_header_of_another_sheet", "zorgaanbieder", "zorgaanbieder__trajecten__2026-01.xlsx",
                 xlsx_bytes({"trajecten": trajecten(), "Info": [["r.dekker@example.nl"], ["ja"]]}),
                 "privacy:email", ["r.dekker@example.nl"]),
        _refused("second_table_below_the_data", "havensteder", "havensteder__huurcontracten__2025-08.csv",
                 csv_bytes(huurcontracten())
                 + f"\r\nnaam;bsn;;;;;;\r\nJan de Vries;{b[2]};;;;;;\r\n".encode(),
                 "privacy:", [b[2], "Jan de Vries"]),
    ]


def _unreadable_parts() -> list[dict]:
    """A part that cannot be inspected refuses the file: an entity-expansion bomb in a comments
    part, and a comments part larger than the scanner reads."""
    entities = '<!ENTITY l0 "lololololo">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    laughs = (f'<?xml version="1.0"?><!DOCTYPE c [{entities}]><comments xmlns="x"><commentList>'
              '<comment><text><t>&l9;</t></text></comment></commentList></comments>')
    huge = ('<?xml version="1.0"?><comments xmlns="x"><commentList>'
            + "<comment><text><t>ok</t></text></comment>" * 800_000 + "</commentList></comments>")
    return [
        _refused("entity_expansion_bomb_in_comments", "zorgaanbieder", "zorgaanbieder__trajecten__2026-02.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/comments9.xml", laughs),
                 "unreadable:hidden_parts", []),
        _refused("oversized_comments_part", "zorgaanbieder", "zorgaanbieder__trajecten__2026-03.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/comments9.xml", huge),
                 "unreadable:hidden_parts", []),
        # what no scan reads: an embedded document (a client's note as a Word file) and macros
        _refused("embedded_document", "zorgaanbieder", "zorgaanbieder__trajecten__2026-03.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/embeddings/Microsoft_Word_Document1.docx",
                               "PK\x03\x04 dossier dhr. Jansen, bel 06-12345679"),
                 "unreadable:uncheckable_part", ["06-12345679", "dhr. Jansen"]),
        _refused("macro_project", "zorgaanbieder", "zorgaanbieder__trajecten__2026-03.xlsx",
                 with_zip_part(xlsx_bytes({"trajecten": trajecten()}), "xl/vbaProject.bin",
                               "Attribute VB_Name = \"Module1\" Const BSN = \"123456782\""),
                 "unreadable:uncheckable_part", ["123456782"]),
    ]


def cases() -> list[dict]:
    return (_bsn_cases() + _contact_cases() + _address_and_person_cases() + _whole_file_cases()
            + _negative_cases() + _masking_cases() + _found_by_attacking() + _unreadable_parts())
