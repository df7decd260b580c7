"""Everything the board report reads, read once: the published tables through the contract's
typed reader (quality.publication.read: a missing or retyped column raises, nothing is filled in),
the catalogues through their typed loaders in sources/. The sections get this as plain data and
never touch the warehouse.

One read serves every gemeente of a run: each table is read once, filtered in SQL to the areas
(gemeente, wijken, buurten) of the gemeenten asked for, then split per gemeente. The programme
tables hold totals only ('totaal'), as do the deliveries: every gemeente gets the same."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from quality.publication import read
from reporting.board.periods import (MONTH, QUARTER, latest_complete_quarter, quarter_months,
                                     quarter_of_month)
from sources.contracts import Registry, load_registry
from sources.indicators import Catalogue, load_catalogue
from sources.outcome_config import OutcomeConfig
from sources.outcome_config import load as load_outcome_config
from sources.placement import PlacementConfig
from sources.placement import load as load_placement
from sources.targets import target_rows

TREND_PERIODS = 8


@dataclass
class ReportData:
    period: str
    buurten: list[dict]
    index: list[dict]                 # liveability index, the trend periods up to `period`
    published_areas: set[tuple[str, str, str]]  # (level, code, quarter) with a published value
    indicators: list[dict]            # published wijk and gemeente values of the period (and its year)
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
    index_composition: list[dict]     # per theme indicator whether the index scores it (its base)
    ledger: list[dict]                # every delivery decision (small: one row per file)
    catalogue: Catalogue
    outcomes: OutcomeConfig
    target_names: dict[str, dict]
    registry: Registry
    placement_config: PlacementConfig
    gemeentecode: str = ""
    gemeentenaam: str | None = None
    several_gemeenten: bool = False   # the programme totals then cover more than this gemeente

    @property
    def has_published_data(self) -> bool:
        """At least one published indicator value in one of its areas for the period."""
        return any(p == self.period for _, _, p in self.published_areas)


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


DEFAULT_GEMEENTE = "GM0599"   # Rotterdam: the demo's gemeente when the buurt map is still empty


def areas_of(column: str) -> str:
    """SQL: `column` is the code of one of the gemeenten in the bound list parameter, or of one of
    their wijken or buurten (per core.dim_buurt)."""
    return (f'"{column}" in (select unnest([gemeentecode, wijkcode, buurtcode]) from core.dim_buurt '
            "where list_contains(?, gemeentecode))")


def gemeenten(con) -> dict[str, str | None]:
    """gemeentecode → gemeentenaam of every gemeente on the buurt map, in code order."""
    rows = read(con, "core.dim_buurt", columns=["gemeentecode", "gemeentenaam"], distinct=True,
                where="gemeentecode is not null", order_by="gemeentecode")
    names: dict[str, str | None] = {}
    for r in rows:
        names[r["gemeentecode"]] = names.get(r["gemeentecode"]) or r["gemeentenaam"]
    return names


def _published_areas(con, wanted: list[str]) -> set[tuple[str, str, str]]:
    """(level, code, quarter) with at least one published indicator value: a month counts for its
    quarter, a year (the survey) for the quarters of its year."""
    rows = read(con, "marts.indicator_values_published",
                columns=["area_level", "area_code", "period_type", "period"], distinct=True,
                where=f"value is not null and not suppressed and {areas_of('area_code')}", params=[wanted])
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


def _split(rows: Iterable, code_of, gemeente_of: dict[str, str], wanted: Sequence[str],
           shared=lambda row: False) -> dict[str, list]:
    """Rows per gemeente by the gemeente of their area code; a shared row goes to every one."""
    parts: dict[str, list] = {g: [] for g in wanted}
    for row in rows:
        if shared(row):
            for part in parts.values():
                part.append(row)
        elif (gemeente := gemeente_of.get(code_of(row))) in parts:
            parts[gemeente].append(row)
    return parts


def load(con, period: str, gemeente: str | None = None) -> ReportData:
    """One gemeente's data (the only, or first, gemeente on the buurt map when none is given)."""
    if gemeente is None:
        gemeente = next(iter(gemeenten(con)), DEFAULT_GEMEENTE)
    return load_all(con, period, [gemeente])[gemeente]


def load_all(con, period: str, wanted: Sequence[str]) -> dict[str, ReportData]:
    """Per gemeente in `wanted` its ReportData, each table read once for all of them."""
    wanted = list(dict.fromkeys(wanted))
    names = gemeenten(con)
    area = areas_of("area_code")
    kind = "quarter" if QUARTER.match(period) else "year"
    buurten = read(con, "core.dim_buurt", where="list_contains(?, gemeentecode)", params=[wanted],
                   order_by="wijkcode, buurtnaam")
    gemeente_of = {g: g for g in wanted}
    for b in buurten:
        gemeente_of[b["buurtcode"]] = gemeente_of[b["wijkcode"]] = b["gemeentecode"]
    # the trend periods of the whole index, so every gemeente's trend covers the same quarters
    trend = sorted(r["period"] for r in read(con, "marts.liveability_index", columns=["period"], distinct=True,
                                             where="period_type = ? and period <= ?",
                                             params=[kind, period]))[-TREND_PERIODS:]
    index = read(con, "marts.liveability_index", where=f"period_type = ? and list_contains(?, period) and {area}",
                 params=[kind, trend, wanted], order_by="period") if trend else []
    months = quarter_months(period)
    by_area = lambda r: r["area_code"]  # noqa: E731
    totaal = lambda r: r["area_level"] == "totaal"  # noqa: E731
    split = {
        "buurten": _split(buurten, lambda r: r["gemeentecode"], gemeente_of, wanted),
        "index": _split(index, by_area, gemeente_of, wanted),
        "published_areas": _split(_published_areas(con, wanted), lambda r: r[1], gemeente_of, wanted),
        # the profiles show indicators per wijk against the gemeente, never per buurt
        "indicators": _split(read(con, "marts.indicator_values_published",
                                  where=f"period in (?, ?, ?, ?) and area_level in ('wijk', 'gemeente') and {area}",
                                  params=[period, months[-1], period[:4], str(int(period[:4]) - 1), wanted]),
                             by_area, gemeente_of, wanted),
        "targets": _split(read(con, "marts.targets", where=f"area_level = 'totaal' or {area}", params=[wanted],
                               order_by="target_id, period"), by_area, gemeente_of, wanted, shared=totaal),
        "leefbaarometer": _split(read(con, "marts.leefbaarometer", where=area, params=[wanted],
                                      order_by="area_code, jaar"), by_area, gemeente_of, wanted),
        "placement": _split(_newest_within(read(con, "marts.placement_capacity", where=area, params=[wanted]),
                                           period), by_area, gemeente_of, wanted),
        "concentration": _split(_newest_within(read(con, "marts.concentration", where=areas_of("buurtcode"),
                                                    params=[wanted]), period),
                                lambda r: r["buurtcode"], gemeente_of, wanted),
    }
    catalogue = load_catalogue()
    shared = dict(
        cost_per_outcome=read(con, "marts.cost_per_outcome", where="area_level = 'totaal'",
                              order_by="programme, cohort, outcome_id"),
        cost_per_tenancy_month=read(con, "marts.cost_per_tenancy_month",
                                    where="area_level = 'totaal'", order_by="programme, cohort"),
        rate_card=read(con, "marts.rate_card_comparison", where="area_level = 'totaal'",
                       order_by="programme, outcome_id, cohort"),
        social_return=read(con, "marts.social_return", order_by="programme, cohort"),
        stakeholder_balance=read(con, "marts.stakeholder_balance", order_by="programme, cohort, payer"),
        delivery_status=read(con, "marts.delivery_status", where="overdue",
                             order_by="days_overdue desc nulls last, partner, dataset"),
        ledger=read(con, "raw.load_ledger", order_by="decided_at"),
        index_composition=read(con, "marts.index_composition", order_by="dimension, half, indicator_id"),
        catalogue=catalogue,
        outcomes=load_outcome_config(),
        target_names={r["target_id"]: {**r, "unit": catalogue.by_id(r["subject_id"]).unit
                                       if r["subject_kind"] == "indicator" else None}
                      for r in target_rows()},
        registry=load_registry(),
        placement_config=load_placement(),
    )
    return {
        g: ReportData(period=period, buurten=split["buurten"][g], index=split["index"][g],
                      published_areas=set(split["published_areas"][g]), indicators=split["indicators"][g],
                      targets=split["targets"][g], leefbaarometer=split["leefbaarometer"][g],
                      placement=split["placement"][g], concentration=split["concentration"][g],
                      gemeentecode=g, gemeentenaam=names.get(g), several_gemeenten=len(names) > 1, **shared)
        for g in wanted}
