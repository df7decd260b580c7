"""Corpus: deliveries that would do harm if loaded, which intake must refuse with a specific reason.

Ids starting with "HARM" or "XH" occur only in the refused file: they must not reach the
warehouse, receipts or logs (a refused file leaves nothing behind but its receipt).
"""
from __future__ import annotations

from tests.corpus.cases_dialect import (ARREARS, CONTRACTS, NUISANCE, SURVEY, UNITS, arrears,
                                        contracts, csv_bytes, nuisance, survey, units)

AMSTERDAM = ["BU0363AF09", "BU0363AF10", "BU0363AD01", "BU0363AE02"]


def refused(id: str, partner: str, filename: str, content: bytes, reason: str,
            never: list[str] | None = None, **extra) -> dict:
    return {"id": id, "partner": partner, "filename": filename, "content": content,
            "expect": "refused", "reason": reason, "never": never or [], **extra}


def cases() -> list[dict]:
    h = "havensteder"
    arrears_name = "havensteder__huurachterstand__2025-06.csv"
    good_month = [(arrears_name, csv_bytes(ARREARS, arrears(10)))]
    return [
        # Every row out of range: loading would replace June's earlier data by nothing.
        refused("all_rows_out_of_range_correction", h, arrears_name,
                csv_bytes(ARREARS, arrears(20, amount="250.000,00", prefix="HARM1")),
                "no_loadable_rows", ["HARM1-00007"], before=good_month),
        refused("most_rows_out_of_range", h, arrears_name,
                csv_bytes(ARREARS, arrears(8) + arrears(12, amount="250.000,00", prefix="HARM2")),
                "most_rows_set_aside", ["HARM2-00003"], before=good_month),
        refused("counts_with_decimals_everywhere", h, arrears_name,
                csv_bytes(ARREARS, arrears(20, count="2,5", prefix="HARM3")),
                "no_loadable_rows", ["HARM3-00004"], before=good_month),
        refused("another_gemeentes_buurten", h, "havensteder__overlastmeldingen__2025-06.csv",
                csv_bytes(NUISANCE, nuisance(30, buurten=AMSTERDAM, prefix="HARM4")),
                "other_gemeente", ["HARM4-00002"]),
        refused("another_gemeentes_units", h, "havensteder__verhuureenheden__2025-06-30.csv",
                csv_bytes(UNITS, units(24, buurten=AMSTERDAM)), "other_gemeente"),
        refused("snapshot_decades_ahead", h, "havensteder__verhuureenheden__2061-01-01.csv",
                csv_bytes(UNITS, units(24)), "period_in_future"),
        refused("snapshot_before_first_delivery", h, "havensteder__verhuureenheden__2009-12-31.csv",
                csv_bytes(UNITS, units(24)), "period_before_first_delivery"),
        refused("yearly_survey_in_future", "bewonerspanel", "bewonerspanel__bewonersenquete__2090.csv",
                csv_bytes(SURVEY, survey(2090)), "period_in_future"),
        refused("yearly_survey_before_first_delivery", "bewonerspanel",
                "bewonerspanel__bewonersenquete__2012.csv", csv_bytes(SURVEY, survey(2012)),
                "period_before_first_delivery"),
        refused("full_history_starting_after_its_period", h, "havensteder__huurcontracten__2025-07.csv",
                csv_bytes(CONTRACTS, contracts(30, start="01-08-2025", prefix="XH")),
                "records_after_period", ["XH-00011"]),
        refused("two_digit_years", h, "havensteder__overlastmeldingen__2025-06.csv",
                csv_bytes(NUISANCE, nuisance(30, day="14-06-25", prefix="HARM5")),
                "fatal_rows", ["HARM5-00001"]),
        # "1.250" respondents in a file whose scores use a decimal point: 1.25 or 1250? Refused.
        refused("ambiguous_thousands_in_decimal_point_file", "bewonerspanel",
                "bewonerspanel__bewonersenquete__2025.csv",
                csv_bytes(SURVEY, survey(2025, respondents="1.250", score="7.5")), "fatal_rows"),
        # The year-0025 trap in a month column: "06-25" is not June 2025.
        refused("two_digit_year_months", h, arrears_name,
                csv_bytes(ARREARS, arrears(20, month="06-25", prefix="HARM6")), "fatal_rows",
                ["HARM6-00009"]),
    ]
