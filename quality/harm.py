"""Refuse deliveries that would do harm even when their rows look fine one by one.

Row rules judge rows; these judge the delivery as a whole, because loading it replaces what is
there: a month whose every row is set aside would replace the month's data with nothing, a file
of another gemeente's buurten or a snapshot dated decades ahead would outrank the real data.
Each refusal has its own reason code and says why in Dutch and English (never quoting a value).
"""
from __future__ import annotations

from datetime import date

import duckdb

from engine.warehouse import first_row, scalar
from quality.contract_sql import BUURTCODE_PATTERN, quote
from sources.contracts import MAX_FATAL_SHARE, Contract, Delivery, first_delivery_month

MOST_ROWS_SET_ASIDE = 0.5   # more than this share of rows kept out refuses the delivery
OTHER_GEMEENTE_SHARE = 0.5  # "mostly another gemeente's buurten"
# A full-history export taken just after its month may hold a few records that start in the
# next month (set aside row by row); more than this share means the period is wrong.
AFTER_PERIOD_SHARE = MAX_FATAL_SHARE
START_COLUMN = "startdatum"


def period_problem(contract: Contract, delivery: Delivery,
                   today: date | None = None) -> tuple[str, str, str] | None:
    """(code, nl, en) when a snapshot or yearly period lies in the future or before the first
    delivery month (monthly periods are checked against their partitions in validate)."""
    if contract.period not in ("snapshot", "yearly"):
        return None
    today = today or date.today()
    first = first_delivery_month(contract.table)
    start, end = delivery.period_bounds()
    covers = end if contract.period == "snapshot" else start  # a snapshot is dated by its day
    if covers > today:
        return ("period_in_future",
                f"De periode {delivery.period} in de bestandsnaam ligt in de toekomst; een "
                "levering kan alleen over een verstreken of lopende periode gaan.",
                f"The period {delivery.period} in the file name is in the future; a delivery can "
                "only cover a past or current period.")
    if f"{end:%Y-%m}" < first:
        return ("period_before_first_delivery",
                f"De periode {delivery.period} ligt voor de eerste afgesproken levermaand ({first}).",
                f"The period {delivery.period} is before the first agreed delivery month ({first}).")
    return None


def delivery_problems(con: duckdb.DuckDBPyConnection, validated: str, contract: Contract,
                      rows_read: int, rows_rejected: int, period_end: date,
                      refused_already: bool = False) -> list[tuple[str, str, str]]:
    """(code, nl, en) for each way loading these validated rows would do harm. When fatal rows
    refuse the file already, the share of rows set aside says nothing more."""
    problems = []
    if refused_already:
        pass
    elif rows_read and rows_rejected == rows_read:
        problems.append(("no_loadable_rows",
                         f"Geen enkele rij is te laden: alle {rows_read} rijen breken een regel (zie "
                         "hieronder). Laden zou de eerdere gegevens van deze periode wissen.",
                         f"No row can be loaded: all {rows_read} rows break a rule (see below). "
                         "Loading would erase this period's earlier data."))
    elif rows_read and rows_rejected > MOST_ROWS_SET_ASIDE * rows_read:
        problems.append(("most_rows_set_aside",
                         f"{rows_rejected} van {rows_read} rijen ({rows_rejected / rows_read:.0%}) "
                         f"breken een regel; bij meer dan de helft wordt de levering geweigerd, "
                         "zodat de eerdere gegevens van deze periode blijven staan.",
                         f"{rows_rejected} of {rows_read} rows ({rows_rejected / rows_read:.0%}) break "
                         "a rule; above half the delivery is refused, so this period's earlier "
                         "data stays in place."))
    if any(c.type == "buurtcode" for c in contract.columns):
        problems += _other_gemeente(con, validated)
    if contract.full_history and START_COLUMN in contract.column_names:
        problems += _records_after_period(con, validated, rows_read, period_end)
    return problems


def _other_gemeente(con, validated: str) -> list[tuple[str, str, str]]:
    """Buurtcodes carry their gemeente (BU + 4 digits); ours are those of the buurt map."""
    found = first_row(con, f"""
        with codes as (select buurtcode from {quote(validated)}
                       where regexp_full_match(buurtcode, '{BUURTCODE_PATTERN}'))
        select count(*),
               count(*) filter (where substr(buurtcode, 3, 4) not in
                                (select distinct substr(buurtcode, 3, 4) from known_buurten))
        from codes""")
    total, foreign = found if found else (0, 0)
    if not total or foreign <= OTHER_GEMEENTE_SHARE * total:
        return []
    return [("other_gemeente",
             f"{foreign} van {total} buurtcodes horen bij een andere gemeente dan die van dit "
             "datawarehouse; is het bestand van een andere gemeente of partner?",
             f"{foreign} of {total} buurt codes belong to another gemeente than this warehouse's; "
             "is the file from another gemeente or partner?")]


def _records_after_period(con, validated: str, rows_read: int,
                          period_end: date) -> list[tuple[str, str, str]]:
    after = scalar(con, f"select count(*) from {quote(validated)} where {quote(START_COLUMN)} > ?",
                   [period_end])
    if not rows_read or after <= AFTER_PERIOD_SHARE * rows_read:
        return []
    return [("records_after_period",
             f"{after} van {rows_read} records beginnen na het einde van de periode "
             f"({period_end:%Y-%m-%d}); dit volledige-historiebestand hoort bij een latere periode. "
             "Controleer de periode in de bestandsnaam.",
             f"{after} of {rows_read} records start after the end of the period ({period_end:%Y-%m-%d}); "
             "this full-history file belongs to a later period. Check the period in the file name.")]
