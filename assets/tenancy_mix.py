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
"""

import dagster as dg

from assets.metadata import table_metadata
from assets.outcomes import area_hierarchy_of
from assets.reference import WAREHOUSE_POOL
from engine.warehouse import WarehouseResource
from quality import disclosure

CELLS = "core.tenancy_mix_cells"
TARGET = "core.tenancy_mix_published"
PROTECT = ("tenancies", "kwetsbaar", "vulnerable_tenancies", "statushouders", "other_kwetsbaar")


def small_count(columns, table: str | None = None) -> str:
    """SQL: any of `columns` (of `table`, when given) is a small count, 1 to THRESHOLD - 1."""
    prefix = f"{table}." if table else ""
    return " or ".join(f"coalesce({prefix}{c}, 0) between 1 and {disclosure.THRESHOLD - 1}"
                       for c in columns)


def publish(con) -> disclosure.SuppressionReport:
    """Write core.tenancy_mix_published from the cells: the shared pattern and rounded counts."""
    return disclosure.suppress(
        con, CELLS, TARGET, hierarchies=[area_hierarchy_of(con, CELLS)], by=["period"],
        base="tenancies", protect=list(PROTECT), counts=list(PROTECT), rounding=disclosure.ROUNDING)


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
          deps=[dg.AssetKey(CELLS.split("."))],
          description="Running tenancies, vulnerable ones and their parts per buurt, wijk and "
                      "gemeente and month, suppressed once for every mart that shows them "
                      "(concentration, kwetsbare huurders, placement capacity): counts of 1-9 hidden "
                      "with complementary suppression over gemeente > wijk > buurt, shown counts "
                      "rounded to 5. Internal: the marts read it.")
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
                            "the visible cells give away.")
def tenancy_mix_disclosure_sound(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:  # the audit needs temp tables: not read-only
        problems = disclosure_problems(con)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)
