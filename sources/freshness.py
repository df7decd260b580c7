"""Delivery expectations: which partner owes which dataset for which period, as of a date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from engine.yaml_files import read_yaml
from sources.contracts import REGISTRY_FILE, Registry, load_registry


@dataclass(frozen=True)
class DeliveryStatus:
    partner: str
    dataset: str
    expected_period: str   # the newest period that should have arrived by `as_of`
    latest_period: str | None  # the newest accepted period
    due_date: date
    overdue: bool
    days_overdue: int


def _month_back(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def expected_period(kind: str, as_of: date, deadline_day: int, yearly_deadline: str) -> tuple[str, date]:
    """The newest period due by `as_of`, and the date it was due."""
    if kind == "yearly":
        month, day = (int(x) for x in yearly_deadline.split("-"))
        year = as_of.year - 1 if (as_of.month, as_of.day) > (month, day) else as_of.year - 2
        return str(year), date(year + 1, month, day)
    # Monthly and snapshot: month M is due on `deadline_day` of M+1.
    back = 1 if as_of.day > deadline_day else 2
    year, month = _month_back(as_of, back)
    due_year, due_month = _month_back(as_of, back - 1)
    return f"{year:04d}-{month:02d}", date(due_year, due_month, deadline_day)


def delivery_status(con: duckdb.DuckDBPyConnection, as_of: date, registry: Registry | None = None
                    ) -> list[DeliveryStatus]:
    registry = registry or load_registry()
    settings = read_yaml(REGISTRY_FILE)["deadlines"]
    latest = {(p, d): period for p, d, period in con.execute("""
        select partner, dataset, max(period) from raw.load_ledger
        where decision in ('accepted', 'accepted_with_warnings') group by all""").fetchall()}
    found = []
    for partner in registry.partners.values():
        for dataset in partner.datasets:
            kind = registry.contract_for(partner.name, dataset).period
            period, due = expected_period(kind, as_of, settings["deadline_day"], settings["yearly_deadline"])
            newest = latest.get((partner.name, dataset))
            delivered = newest is not None and newest[:len(period)] >= period
            overdue = not delivered and as_of > due
            found.append(DeliveryStatus(partner.name, dataset, period, newest, due, overdue,
                                        (as_of - due).days if overdue else 0))
    return found
