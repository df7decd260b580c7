"""Everything the board report reads, read once: the published tables through the contract's
typed reader (quality.publication.read: a missing or retyped column raises, nothing is filled in),
the catalogues through their typed loaders in sources/. The sections get this as plain data and
never touch the warehouse."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quality.publication import read
from reporting.board.periods import (MONTH, QUARTER, latest_complete_quarter, quarter_months,
                                     quarter_of_month)
from sources.contracts import Registry, load_registry
from sources.indicators import Catalogue, load_catalogue
from sources.outcome_config import OutcomeConfig
from sources.outcome_config import load as load_outcome_config
from sources.targets import target_rows

TREND_PERIODS = 8


@dataclass
class ReportData:
    period: str
    buurten: list[dict]
    index: list[dict]                 # liveability index, the trend periods up to `period`
    published_areas: set[tuple[str, str, str]]  # (level, code, quarter) with a published value
    indicators: list[dict]            # published indicator values of the period (and its year)
    targets: list[dict]
    leefbaarometer: list[dict]
    cost_per_outcome: list[dict]
    cost_per_tenancy_month: list[dict]
    rate_card: list[dict]
    social_return: list[dict]
    stakeholder_balance: list[dict]
    placement: list[dict]             # placement capacity, the newest month within the period
    concentration: list[dict]         # concentration, the newest month within the period
    delivery_status: list[dict]
    ledger: list[dict]                # every delivery decision (small: one row per file)
    catalogue: Catalogue
    outcomes: OutcomeConfig
    target_names: dict[str, dict]
    registry: Registry


def latest_quarter(con, today: date | None = None) -> str:
    """The latest complete quarter in the published data (see periods.latest_complete_quarter)."""
    rows = read(con, "marts.indicator_values_published", columns=["period_type", "period"],
                distinct=True)
    months = [r["period"] for r in rows if r["period_type"] == "month" and MONTH.match(r["period"] or "")]
    months += [quarter_months(r["period"])[-1] for r in rows
               if r["period_type"] == "quarter" and QUARTER.match(r["period"] or "")]
    if not months:
        months = [r["period"][:7] for r in read(con, "raw.load_ledger", columns=["period", "decision"],
                                                distinct=True)
                  if r["decision"] in ("accepted", "accepted_with_warnings")
                  and MONTH.match((r["period"] or "")[:7])]
    quarters = [r["period"] for r in read(con, "marts.liveability_index", columns=["period"],
                                          distinct=True) if QUARTER.match(r["period"] or "")]
    return latest_complete_quarter(months, quarters, today or date.today())


def _published_areas(con) -> set[tuple[str, str, str]]:
    """(level, code, quarter) with at least one published indicator value: a month counts for its
    quarter, a year (the survey) for the quarters of its year."""
    rows = read(con, "marts.indicator_values_published",
                columns=["area_level", "area_code", "period_type", "period"], distinct=True,
                where="value is not null and not suppressed")
    found = set()
    for r in rows:
        level, code, period = r["area_level"], r["area_code"], r["period"] or ""
        found.add((level, code, period))
        if MONTH.match(period):
            found.add((level, code, quarter_of_month(period)))
        elif r["period_type"] == "year":
            found.update((level, code, f"{period}-Q{q}") for q in range(1, 5))
    return found


def _newest_within(rows: list[dict], period: str, key: str = "period") -> list[dict]:
    last_month = quarter_months(period)[-1]
    months = sorted({r[key] for r in rows if r[key] and r[key][:7] <= last_month})
    return [r for r in rows if months and r[key] == months[-1]]


def load(con, period: str) -> ReportData:
    kind = "quarter" if QUARTER.match(period) else "year"
    index = read(con, "marts.liveability_index", where="period_type = ? and period <= ?",
                 params=[kind, period], order_by="period")
    trend = sorted({r["period"] for r in index})[-TREND_PERIODS:]
    months = quarter_months(period)
    return ReportData(
        period=period,
        buurten=read(con, "core.dim_buurt", order_by="wijkcode, buurtnaam"),
        index=[r for r in index if r["period"] in trend],
        published_areas=_published_areas(con),
        indicators=read(con, "marts.indicator_values_published",
                        where="period in (?, ?, ?, ?)",
                        params=[period, months[-1], period[:4], str(int(period[:4]) - 1)]),
        targets=read(con, "marts.targets", order_by="target_id, period"),
        leefbaarometer=read(con, "marts.leefbaarometer", order_by="area_code, jaar"),
        cost_per_outcome=read(con, "marts.cost_per_outcome", where="area_level = 'totaal'",
                              order_by="programme, cohort, outcome_id"),
        cost_per_tenancy_month=read(con, "marts.cost_per_tenancy_month",
                                    where="area_level = 'totaal'", order_by="programme, cohort"),
        rate_card=read(con, "marts.rate_card_comparison", where="area_level = 'totaal'",
                       order_by="programme, outcome_id, cohort"),
        social_return=read(con, "marts.social_return", order_by="programme, cohort"),
        stakeholder_balance=read(con, "marts.stakeholder_balance", order_by="programme, cohort, payer"),
        placement=_newest_within(read(con, "marts.placement_capacity"), period),
        concentration=_newest_within(read(con, "marts.concentration"), period),
        delivery_status=read(con, "marts.delivery_status", where="overdue",
                             order_by="days_overdue desc nulls last, partner, dataset"),
        ledger=read(con, "raw.load_ledger", order_by="decided_at"),
        catalogue=load_catalogue(),
        outcomes=load_outcome_config(),
        target_names={r["target_id"]: r for r in target_rows()},
        registry=load_registry(),
    )
