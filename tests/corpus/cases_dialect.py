"""Corpus: export dialects partners really write, which intake must accept.

Each case is a whole delivery (see tests/corpus for the format). "accepted" means not refused: a
case may load with warnings when a row is set aside on purpose (said in its comment). The
parsed values themselves are asserted in tests/test_dialects.py.
"""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, timezone

import polars as pl

BUURTEN = ["BU05990110", "BU05990111", "BU05990112", "BU05990113", "BU05990320", "BU05990321"]
ARREARS = ["contract_id", "maand", "achterstand_eur", "maanden_achterstand"]
NUISANCE = ["melding_id", "meldingsdatum", "buurtcode", "complex_id", "categorie",
            "veroorzaker_contract_id", "afgehandeld_op"]
CONTRACTS = ["contract_id", "persoon_pseudoniem", "vhe_id", "startdatum", "einddatum",
             "einde_reden", "doelgroep", "begeleidingsafspraak"]
UNITS = ["vhe_id", "complex_id", "buurtcode", "woningtype", "bouwjaar", "energielabel",
         "netto_huur", "status"]
SURVEY = ["buurtcode", "jaar", "vraag", "n_respondenten", "score"]
COSTS = ["traject_id", "maand", "bedrag_eur"]
CRISES = ["persoon_pseudoniem", "datum", "soort"]


def pseudonym(n: int) -> str:
    return hashlib.sha256(f"corpus-person-{n}".encode()).hexdigest()


def csv_bytes(header: list[str], rows: list[list], delimiter: str = ";", encoding: str = "utf-8",
              bom: bool = False, newline: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def xlsx_bytes(frame: pl.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet=sheet)
    return buffer.getvalue()


def arrears(n: int, amount: str = "1.234,56", month: str = "2025-06", count: str = "2",
            prefix: str = "HC") -> list[list]:
    return [[f"{prefix}-{i:05d}", month, amount, count] for i in range(n)]


def nuisance(n: int, day: str = "14-06-2025", buurten: list[str] | None = None,
             prefix: str = "M") -> list[list]:
    buurten = buurten or BUURTEN
    return [[f"{prefix}-{i:05d}", day, buurten[i % len(buurten)], "CX-01", "geluid", "", ""]
            for i in range(n)]


def contracts(n: int, start: str = "01-03-2020", prefix: str = "HC") -> list[list]:
    return [[f"{prefix}-{i:05d}", pseudonym(i), f"VHE-{i:05d}", start, "", "",
             "housing_first" if i % 3 == 0 else "regulier", "ja" if i % 3 == 0 else "nee"]
            for i in range(n)]


def units(n: int, rent: str = "612,50", buurten: list[str] | None = None) -> list[list]:
    buurten = buurten or BUURTEN
    return [[f"VHE-{i:05d}", "CX-01", buurten[i % len(buurten)], "meergezins", "1930", "C", rent,
             "verhuurd"] for i in range(n)]


def survey(year: int, respondents: str = "120", score: str = "7,5") -> list[list]:
    questions = ["veiligheidsgevoel", "tevredenheid_buurt", "sociale_cohesie", "overlast_ervaren"]
    return [[b, str(year), q, respondents, score] for b in BUURTEN for q in questions]


def case(id: str, partner: str, filename: str, content: bytes, **extra) -> dict:
    return {"id": id, "partner": partner, "filename": filename, "content": content,
            "expect": "accepted", "reason": None, "never": [], **extra}


def _utc_crises() -> pl.DataFrame:
    # 22:30 UTC on 30 June is 00:30 on 1 July in Amsterdam: read as UTC, each row is a day
    # early and breaks the July file's date_in_period rule (fatal).
    moments = [datetime(2025, 6, 30, 22, 30, tzinfo=timezone.utc),
               datetime(2025, 7, 15, 9, 0, tzinfo=timezone.utc),
               datetime(2025, 7, 31, 21, 59, tzinfo=timezone.utc)] * 4
    return pl.DataFrame({"persoon_pseudoniem": [pseudonym(i) for i in range(12)], "datum": moments,
                         "soort": ["crisisdienst", "crisisopname", "politie_inzet"] * 4})


def cases() -> list[dict]:
    h, arrears_name = "havensteder", "havensteder__huurachterstand__2025-06.csv"
    nuisance_name = "havensteder__overlastmeldingen__2025-06.csv"
    return [
        case("sqlserver_midnight_dates", h, nuisance_name,
             csv_bytes(NUISANCE, nuisance(30, day="2025-06-14 00:00:00.000"))),
        case("iso_utc_timestamps", h, nuisance_name,
             csv_bytes(NUISANCE, nuisance(30, day="2025-06-14T08:30:00Z"), delimiter=",")),
        case("iso_utc_timestamp_crossing_midnight", h, nuisance_name,
             # 31 May 22:30 UTC is 1 June 00:30 in Amsterdam: inside the June period.
             csv_bytes(NUISANCE, nuisance(30, day="2025-05-31T22:30:00Z"))),
        case("iso_offset_timestamps", h, nuisance_name,
             csv_bytes(NUISANCE, nuisance(30, day="2025-06-14T23:30:00+02:00"))),
        case("dutch_date_with_time", h, nuisance_name,
             csv_bytes(NUISANCE, nuisance(30, day="14-06-2025 00:00"), encoding="cp1252")),
        case("euro_sign_dutch_amounts", h, arrears_name,
             csv_bytes(ARREARS, arrears(30, amount="€ 1.250,00"), encoding="cp1252")),
        # Excel's separator line before the header, after a BOM or in Windows-1252.
        case("excel_separator_line", h, arrears_name,
             b"\xef\xbb\xbfsep=;\r\n" + csv_bytes(ARREARS, arrears(30, amount="€ 1.250,00"))),
        case("excel_separator_line_comma_cp1252", h, arrears_name,
             b'"sep=,"\n' + csv_bytes(ARREARS, arrears(30, amount="€ 1.250,00"), delimiter=",",
                                      encoding="cp1252")),
        case("euro_sign_utf8_no_space", h, arrears_name,
             csv_bytes(ARREARS, arrears(30, amount="€1250"), bom=True)),
        case("euro_suffix_and_eur_prefix", h, arrears_name,
             csv_bytes(ARREARS, arrears(15, amount="1.250,00 €") + arrears(15, amount="EUR 80,00",
                                                                           prefix="HD"))),
        # One credit in brackets among many: parsed as -125, set aside by the range rule (min 0).
        case("accounting_brackets", h, arrears_name,
             csv_bytes(ARREARS, arrears(29) + [["HC-99999", "2025-06", "(125,00)", "1"]])),
        case("decimal_point_thousands_comma", h, arrears_name,
             csv_bytes(ARREARS, arrears(30, amount="1,250.00"), delimiter=",")),
        case("ambiguous_thousands_settled_by_column", h, arrears_name,
             csv_bytes(ARREARS, arrears(15, amount="1.250") + arrears(15, amount="12,50", prefix="HD"))),
        case("whole_counts_written_with_decimal", h, arrears_name,
             csv_bytes(ARREARS, arrears(30, count="2,0"))),
        case("sqlserver_month_column", h, arrears_name,
             csv_bytes(ARREARS, arrears(30, month="2025-06-01 00:00:00.000"))),
        case("diacritic_ids_cp1252", h, arrears_name,
             csv_bytes(ARREARS, [[f"Zoë-{i:03d}", "2025-06", "10,00", "1"] for i in range(30)],
                       encoding="cp1252")),
        case("sqlserver_dates_full_history", h, "havensteder__huurcontracten__2025-06.csv",
             csv_bytes(CONTRACTS, contracts(30, start="2020-03-01 00:00:00.000"))),
        case("utc_parquet_timestamps", "zorgaanbieder", "zorgaanbieder__crisismomenten__2025-07.parquet",
             parquet_bytes(_utc_crises())),
        case("xlsx_date_cells", "zorgaanbieder", "zorgaanbieder__crisismomenten__2025-06.xlsx",
             xlsx_bytes(pl.DataFrame({"persoon_pseudoniem": [pseudonym(i) for i in range(6)],
                                      "datum": [date(2025, 6, d) for d in range(1, 7)],
                                      "soort": ["crisisdienst"] * 6}), "crisismomenten")),
        case("parquet_float_amounts", "zorgaanbieder", "zorgaanbieder__zorgkosten__2025-06.parquet",
             parquet_bytes(pl.DataFrame({"traject_id": [f"TR-{i:04d}" for i in range(12)],
                                         "maand": ["2025-06"] * 12,
                                         "bedrag_eur": [1250.5, 1.125, 980.0] * 4}))),
        case("iso_timestamp_fraction_compact_offset", h, nuisance_name,
             csv_bytes(NUISANCE, nuisance(30, day="2025-06-14T10:00:00.123+0200"))),
        case("month_as_utc_timestamp", h, arrears_name,
             # 31 May 22:00 UTC is midnight on 1 June in Amsterdam: the June month.
             csv_bytes(ARREARS, arrears(30, month="2025-05-31T22:00:00Z"))),
        case("parquet_naive_local_datetimes", "zorgaanbieder",
             "zorgaanbieder__crisismomenten__2025-06.parquet",
             parquet_bytes(pl.DataFrame({"persoon_pseudoniem": [pseudonym(i) for i in range(6)],
                                         "datum": [datetime(2025, 6, 14, 23, 30)] * 6,
                                         "soort": ["crisisdienst"] * 6}))),
        case("xlsx_amounts_as_numbers", "zorgaanbieder", "zorgaanbieder__zorgkosten__2025-06.xlsx",
             xlsx_bytes(pl.DataFrame({"traject_id": [f"TR-{i:04d}" for i in range(8)],
                                      "maand": ["2025-06"] * 8,
                                      "bedrag_eur": [1250.5, 980.0, 12.25, 3000.0] * 2}), "zorgkosten")),
        # Negative cases for the harm rules: each close to a line but on the right side of it.
        case("snapshot_in_the_past", h, "havensteder__verhuureenheden__2025-06-30.csv",
             csv_bytes(UNITS, units(24))),
        case("yearly_survey_last_year", "bewonerspanel", "bewonerspanel__bewonersenquete__2025.csv",
             csv_bytes(SURVEY, survey(2025))),
        # Two of 120 full-history records start just after June (the export ran on 2 July): set
        # aside row by row, not a wrong period.
        case("full_history_few_records_after_period", h, "havensteder__huurcontracten__2025-06.csv",
             csv_bytes(CONTRACTS, contracts(118) + contracts(2, start="01-07-2025", prefix="HN"))),
        # 40% of rows out of range: set aside, the rest loads (below the half that refuses).
        case("forty_percent_set_aside", h, arrears_name,
             csv_bytes(ARREARS, arrears(18) + arrears(12, amount="250.000,00", prefix="HX"))),
        # One buurtcode of another gemeente among 30: set aside, not "another gemeente's file".
        case("one_foreign_buurtcode", h, nuisance_name,
             csv_bytes(NUISANCE, nuisance(29) + nuisance(1, buurten=["BU0363AF09"], prefix="MX"))),
    ]
