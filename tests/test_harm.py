"""quality/harm.py at its edges (the corpus in tests/test_dialects.py runs it through the intake)."""
from __future__ import annotations

from datetime import date

import pytest

from quality.harm import period_problem
from sources.contracts import load_registry, parse_file_name

REGISTRY = load_registry()
TODAY = date(2026, 11, 30)


def problem(file_name: str) -> str | None:
    delivery = parse_file_name(file_name)
    found = period_problem(REGISTRY.contract_for(delivery.partner, delivery.dataset), delivery, TODAY)
    return found[0] if found else None


@pytest.mark.parametrize(("file_name", "code"), [
    ("havensteder__verhuureenheden__2026-11-30.csv", None),            # today
    ("havensteder__verhuureenheden__2026-12-01.csv", "period_in_future"),
    ("havensteder__verhuureenheden__2061-01-01.csv", "period_in_future"),
    ("havensteder__verhuureenheden__2024-11-01.csv", None),            # the dataset's first delivery month
    ("havensteder__verhuureenheden__2024-10-31.csv", "period_before_first_delivery"),
    ("bewonerspanel__bewonersenquete__2026.csv", None),                # the current year
    ("bewonerspanel__bewonersenquete__2027.csv", "period_in_future"),
    ("bewonerspanel__bewonersenquete__2024.csv", None),
    ("bewonerspanel__bewonersenquete__2023.csv", "period_before_first_delivery"),
    ("havensteder__huurachterstand__2099-01.csv", None),               # monthly: checked by partition
])
def test_snapshot_and_yearly_periods(file_name, code):
    assert problem(file_name) == code


def test_refusal_texts_say_why_in_both_languages():
    delivery = parse_file_name("havensteder__verhuureenheden__2061-01-01.csv")
    code, nl, en = period_problem(REGISTRY.contract_for("havensteder", "verhuureenheden"), delivery, TODAY)
    assert "2061-01-01" in nl and "toekomst" in nl
    assert "2061-01-01" in en and "future" in en
