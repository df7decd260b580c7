"""Running tenancies per area and month, protected once for every mart that shows them.

marts.concentration, marts.kwetsbare_huurders_per_buurt and marts.placement_capacity all show
the running tenancies of a buurt in a month and how many are in a vulnerable doelgroep. Each
protected apart, they gave each other away: concentration hid a buurt-month only for its own
small count, so a hidden buurt-month there was known to hold 1-9 vulnerable tenancies, and with
it both parts placement capacity splits that count into. So the counts of
sql/core/tenancy_mix_cells.sql go through quality/disclosure.suppress once, over gemeente > wijk
> buurt per month:
- primary suppression: any of tenancies, kwetsbaar and its parts (vulnerable_tenancies,
  statushouders, other_kwetsbaar) between 1 and 9;
- complementary suppression: in every family zero or at least two cells hidden, whose hidden
  remainder is no small count either, and the linear-algebra audit; so a hidden buurt-month may
  be a small count or hide one, and an outsider cannot tell which;
- counts rounded to 5.
The result, core.tenancy_mix_published, stays inside the warehouse; the three marts read their
counts and their `suppressed` from it, so one pattern holds for all of them.

The running tenancies of a buurt-month are the tenancy base the indicators share (population
huurcontracten in sources/indicators.yaml: tenancies running on any day of the month), and this
pattern hides a buurt-month wherever marts.indicator_values_published hides that base (primary).
So every count shown here is shown there too, rounded the same way: side by side the two give
an attacker nothing either does not. They used to count differently (here a stock on the month's
last day), and a base shown in one with the stock shown in the other gave hidden ended
tenancies away: an outsider proved 70 of them to be 1-9 on the demo of 3 December 2026.
"""

import dagster as dg

from assets.metadata import table_metadata
from assets.outcomes import area_hierarchy_of
from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from quality import disclosure

CELLS = "core.tenancy_mix_cells"
TARGET = "core.tenancy_mix_published"
PROTECT = ("tenancies", "kwetsbaar", "vulnerable_tenancies", "statushouders", "other_kwetsbaar")
# The published indicators whose tenancy base is this table's `tenancies` (one count).
INDICATORS = "marts.indicator_values_published"
INDICATOR_VALUES = "marts.indicator_values"
BASE_POPULATION = "huurcontracten"


def small_count(columns, table: str | None = None) -> str:
    """SQL: any of `columns` (of `table`, when given) is a small count, 1 to THRESHOLD - 1."""
    prefix = f"{table}." if table else ""
    return " or ".join(f"coalesce({prefix}{c}, 0) between 1 and {disclosure.THRESHOLD - 1}"
                       for c in columns)


def _indicator_base(table: str, published: bool = True) -> str:
    """SQL: per area and month, the indicators' tenancy base in `table` (the `published` one or
    its source): `base` (the denominator) and `hidden` (every indicator sharing it hides it)."""
    return f"""
        select indicators.area_code, indicators.period, max(indicators.denominator) as base,
               {"bool_and(indicators.suppressed)" if published else "false"} as hidden
        from {table} as indicators
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        where catalogue.population = '{BASE_POPULATION}' and indicators.period_type = 'month'
        group by all"""


def publish(con, indicators: str | None = INDICATORS) -> disclosure.SuppressionReport:
    """Write core.tenancy_mix_published from the cells: the shared pattern and rounded counts,
    with every area-month hidden where `indicators` (the published indicator values) hides the
    tenancy base. `indicators=None`: no indicator table is published beside it (a test world)."""
    base_hidden = ("false" if indicators is None else "coalesce(base.hidden, false)")
    joined = ("" if indicators is None else
              f"left join ({_indicator_base(indicators)}) as base using (area_code, period)")
    con.execute(f"""
        create or replace temp view _tenancy_mix_source as
        select cells.*, {base_hidden} as _base_hidden
        from {CELLS} as cells {joined}""")
    try:
        report = disclosure.suppress(
            con, "_tenancy_mix_source", TARGET, hierarchies=[area_hierarchy_of(con, CELLS)],
            by=["period"], base="tenancies", protect=list(PROTECT), counts=list(PROTECT),
            rounding=disclosure.ROUNDING, primary=f"{small_count(PROTECT)} or _base_hidden")
    finally:
        con.execute("drop view if exists _tenancy_mix_source")
    con.execute(f"alter table {TARGET} drop column _base_hidden")
    return report


def off_the_indicator_base(con, indicators: str = INDICATORS,
                           values: str = INDICATOR_VALUES) -> dict[str, int]:
    """Area-months where this table and the published indicators disagree about their one count
    (both 0 when sound): shown here where the indicators hide the base, and counted differently."""
    shown, differing = con.execute(f"""
        select count(*) filter (where not shared.suppressed and published.hidden),
               count(*) filter (where cells.tenancies <> base.base)
        from {TARGET} as shared
        inner join {CELLS} as cells using (area_code, period)
        inner join ({_indicator_base(indicators)}) as published using (area_code, period)
        inner join ({_indicator_base(values, published=False)}) as base using (area_code, period)""").fetchall()[0]
    return {"shown_where_indicators_hide_the_base": shown, "counted_unlike_the_indicator_base": differing}


def off_the_shared_pattern(con, table: str, area: str = "area_code") -> int:
    """How many rows of a published `table` (its area code column `area`, and `period`) are hidden
    where the shared pattern shows the cell, or shown where it hides it (should be 0)."""
    return con.execute(f"""
        select count(*)
        from {table} as published
        join {TARGET} as shared
            on shared.area_code = published.{area} and shared.period = published.period
        where published.suppressed <> shared.suppressed""").fetchone()[0]


@dg.asset(key=["core", "tenancy_mix_published"], group_name="core", pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(CELLS.split(".")), dg.AssetKey(INDICATORS.split(".")),
                dg.AssetKey(["core", "indicator_catalogue"])],
          description="Running tenancies (any day of the month: the indicators' tenancy base), "
                      "vulnerable ones and their parts per buurt, wijk and gemeente and month, "
                      "suppressed once for every mart that shows them (concentration, kwetsbare "
                      "huurders, placement capacity): counts of 1-9 hidden, and every area-month "
                      "whose tenancy base the published indicators hide, with complementary "
                      "suppression over gemeente > wijk > buurt; shown counts rounded to 5. "
                      "Internal: the marts read it.")
def tenancy_mix_published(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        report = publish(con)
        schema = table_metadata(con, TARGET)
    return dg.MaterializeResult(metadata={**report.as_metadata(), **schema})


def hidden_for_their_own_count(con, table: str, area: str = "area_code") -> int:
    """Rows of a published `table` hidden for a small count of their own in the shared pattern;
    its other hidden rows protect those."""
    return con.execute(f"""
        select count(*)
        from {table} as published
        join {CELLS} as cells on cells.area_code = published.{area} and cells.period = published.period
        where published.suppressed and ({small_count(PROTECT, "cells")})""").fetchone()[0]


def disclosure_problems(con, table: str = TARGET, protect=PROTECT, numbers=PROTECT) -> dict[str, int]:
    """What is wrong with a published `table` of these cells (all zero when it is sound): small
    `protect` counts shown, `numbers` in hidden rows, hidden cells the visible ones give away."""
    small = small_count(protect)
    leaking = " or ".join(f"{c} is not null" for c in numbers)
    shown_small, hidden_numbers = con.execute(f"""
        select count(*) filter (where not suppressed and ({small})),
               count(*) filter (where suppressed and ({leaking}))
        from {table}""").fetchall()[0]
    given_away = disclosure.audit(con, table, hierarchies=[area_hierarchy_of(con, CELLS)], by=["period"])
    return {"small_counts_shown": shown_small, "suppressed_rows_with_numbers": hidden_numbers,
            "hidden_cells_given_away": len(given_away)}


@dg.asset_check(asset=dg.AssetKey(TARGET.split(".")), blocking=True, name="disclosure_sound",
                pool=WAREHOUSE_POOL,
                description="No shown cell counts 1-9 tenancies, vulnerable tenancies or a part of "
                            "them; hidden rows show no numbers; the audit finds no hidden cell that "
                            "the visible cells give away; no count shown where the published "
                            "indicators hide the tenancy base, none counted unlike it.")
def tenancy_mix_disclosure_sound(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:  # the audit needs temp tables: not read-only
        problems = {**disclosure_problems(con), **off_the_indicator_base(con)}
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)
