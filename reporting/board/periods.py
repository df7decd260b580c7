"""Report periods: a quarter ('2026-Q3') or a year ('2026'), and the latest complete quarter."""
from __future__ import annotations

import re
from datetime import date

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def check_period(period: str) -> str:
    """Only '2026-Q3' or '2026': the period also names the output folder."""
    if not (QUARTER.match(period or "") or YEAR.match(period or "")):
        raise ValueError(f"not a report period: {period!r} (expected e.g. 2026-Q3 or 2026)")
    return period


def quarter_months(period: str) -> list[str]:
    """'2026-Q3' → ['2026-07', '2026-08', '2026-09']; a year → its 12 months."""
    quarter = QUARTER.match(period)
    if quarter:
        year, q = int(quarter.group(1)), int(quarter.group(2))
        return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    if YEAR.match(period):
        return [f"{period}-{m:02d}" for m in range(1, 13)]
    raise ValueError(f"not a period: {period!r} (expected e.g. 2026-Q3 or 2026)")


def quarter_of_month(month: str) -> str:
    return f"{int(month[:4]):04d}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def previous_quarter(period: str) -> str:
    year, q = int(period[:4]), int(period[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def period_bounds(period: str) -> tuple[date, date]:
    """First day of the period and first day after it."""
    months = quarter_months(period)
    start = date(int(months[0][:4]), int(months[0][5:7]), 1)
    last_year, last_month = int(months[-1][:4]), int(months[-1][5:7])
    return start, date(last_year + (last_month == 12), last_month % 12 + 1, 1)


def latest_complete_quarter(months: list[str], index_quarters: list[str], today: date) -> str:
    """The quarter of the newest month with data if that month closes its quarter, else the
    quarter before; no later than the newest quarter the index has. Without data: the quarter
    before today's."""
    complete = None
    if months:
        newest = max(months)
        quarter = quarter_of_month(newest)
        complete = quarter if quarter_months(quarter)[-1] == newest else previous_quarter(quarter)
    usable = [q for q in index_quarters if complete is None or q <= complete]
    if usable:
        return max(usable)
    return complete or previous_quarter(quarter_of_month(f"{today:%Y-%m}"))
