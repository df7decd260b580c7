"""Delivery expectations: what is due when, and what is overdue."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from sources.freshness import delivery_status, expected_period
from quality.intake import LEDGER_DDL


@pytest.mark.parametrize("kind, as_of, period, due", [
    ("monthly", date(2026, 11, 10), "2026-09", date(2026, 10, 10)),   # October not due until the 10th has passed
    ("monthly", date(2026, 11, 11), "2026-10", date(2026, 11, 10)),
    ("monthly", date(2026, 1, 11), "2025-12", date(2026, 1, 10)),
    ("snapshot", date(2026, 3, 20), "2026-02", date(2026, 3, 10)),
    ("yearly", date(2026, 3, 31), "2024", date(2025, 3, 31)),
    ("yearly", date(2026, 4, 1), "2025", date(2026, 3, 31)),
])
def test_expected_period(kind, as_of, period, due):
    assert expected_period(kind, as_of, 10, "03-31") == (period, due)


def test_overdue_only_when_past_due_and_missing():
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute(LEDGER_DDL)
    rows = [("havensteder", "huurachterstand", "2026-10", "accepted"),
            ("woonstad", "huurachterstand", "2026-10", "refused"),       # refused does not count
            ("woonstad", "huurachterstand", "2026-09", "accepted"),
            ("havensteder", "verhuureenheden", "2026-10-31", "accepted_with_warnings")]
    for partner, dataset, period, decision in rows:
        con.execute("insert into raw.load_ledger (partner, dataset, period, decision) values (?, ?, ?, ?)",
                    [partner, dataset, period, decision])
    status = {(s.partner, s.dataset): s for s in delivery_status(con, date(2026, 11, 15))}
    assert not status["havensteder", "huurachterstand"].overdue
    late = status["woonstad", "huurachterstand"]
    assert (late.overdue, late.expected_period, late.latest_period, late.days_overdue) == (True, "2026-10", "2026-09", 5)
    assert not status["havensteder", "verhuureenheden"].overdue
    assert status["politie", "incidenten"].overdue and status["politie", "incidenten"].latest_period is None
