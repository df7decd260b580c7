"""Placement capacity: the configuration tables the SQL model joins, the published
marts.placement_capacity, and the planner's job.

sql/core/placement_capacity_cells.sql (an asset through assets/models.py) holds the unsuppressed
cells per buurt, wijk and gemeente and month; the planner reads those inside the warehouse. The
published mart hides the cells the shared pattern of the running tenancies hides
(assets/tenancy_mix.py: one pattern for every mart that shows them):
- primary suppression: tenancies, vulnerable_tenancies or statushouders (or the concentration's
  vulnerable count, or its rest) between 1 and 9;
- complementary suppression over gemeente > wijk > buurt and the linear-algebra audit;
- counts (tenancies, vulnerable_tenancies, statushouders, vacant_units, expected_free_units,
  capacity) rounded to 5; care_nearby and wijkteam_nearby blank when hidden;
- never published: parent_code, share, room, expected_turnover, plannable (an exact share or
  room next to rounded counts would give the exact counts back).
"""

import json

import dagster as dg

from assets import tenancy_mix
from assets.metadata import table_metadata
from assets.outcomes import area_hierarchy_of
from assets.reference import WAREHOUSE_POOL, yaml_config_asset
from reporting.planner import plan_placements
from engine.resources import DataHomeResource, WarehouseResource
from engine.warehouse import scalar
from quality import disclosure
from sources import placement

CELLS = "core.placement_capacity_cells"
TARGET = "marts.placement_capacity"
INTERNAL = ("parent_code", "share", "room", "expected_turnover", "plannable")
PROTECT = ("tenancies", "vulnerable_tenancies", "statushouders")
COUNTS = PROTECT + ("vacant_units", "expected_free_units", "capacity")
BLANK = ("care_nearby", "wijkteam_nearby")
CONFIG_KEYS = {"placement_settings": dg.AssetKey(["core", "placement_settings"]),
               "placement_doelgroepen": dg.AssetKey(["core", "placement_doelgroepen"])}


placement_config_tables = yaml_config_asset(
    "placement_config", CONFIG_KEYS, {table: placement.PLACEMENT_FILE for table in CONFIG_KEYS},
    {table: "Placement threshold with its rationale, turnover prior, support and doelgroep roles "
            "(sources/placement.yaml)." for table in CONFIG_KEYS},
    placement.load, placement.write_tables)


def publish(con) -> disclosure.SuppressionReport:
    """Write marts.placement_capacity from the cells in the shared pattern of the running
    tenancies (assets/tenancy_mix.py); internal columns stay internal."""
    hierarchy = area_hierarchy_of(con, CELLS)
    if missing := scalar(con, f"select count(*) from {CELLS} anti join {tenancy_mix.TARGET} using (area_code, period)"):
        raise RuntimeError(f"{missing} cells of {CELLS} are not in the shared pattern {tenancy_mix.TARGET}")
    con.execute(f"""
        create or replace temp view _placement_cells as
        select cells.* exclude ({', '.join(INTERNAL)}), shared.suppressed as _shared_hidden
        from {CELLS} as cells
        join {tenancy_mix.TARGET} as shared using (area_code, period)""")
    try:
        report = disclosure.suppress(
            con, "_placement_cells", TARGET, hierarchies=[hierarchy],
            by=["period"], base="tenancies", protect=list(PROTECT), counts=list(COUNTS),
            blank=list(BLANK), rounding=disclosure.ROUNDING,
            # the shared pattern, and this mart's own rule on top: should the pattern ever miss a
            # small count here, this mart hides it, leaves the pattern and so fails below
            primary=f"_shared_hidden or {tenancy_mix.small_count(PROTECT)}")
    finally:
        con.execute("drop view if exists _placement_cells")
    con.execute(f"alter table {TARGET} drop column _shared_hidden")
    if off := tenancy_mix.off_the_shared_pattern(con, TARGET):
        # the shared pattern holds every family rule this mart needs; if it ever does not,
        # concentration would show what this mart hides
        raise RuntimeError(f"{TARGET} left the shared pattern of the running tenancies in {off} cells")
    # suppress() took the whole shared pattern as this mart's primary cells: say which of them
    # are hidden for a small count of their own
    hidden = report.suppressed
    report.primary = tenancy_mix.hidden_for_their_own_count(con, TARGET)
    report.complementary = hidden - report.primary
    return report


@dg.asset(key=["marts", "placement_capacity"], group_name="marts", pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(CELLS.split(".")), dg.AssetKey(tenancy_mix.TARGET.split("."))],
          description="Placement capacity per buurt, wijk and gemeente and month as published: "
                      "counts rounded to 5, hidden in the one pattern of the running tenancies "
                      "that concentration shares (cells with 1-9 tenancies, vulnerable tenancies "
                      "or statushouders and their complements over gemeente > wijk > buurt, "
                      "assets/tenancy_mix.py); never per complex.")
def placement_capacity(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        report = publish(con)
        schema = table_metadata(con, "marts.placement_capacity")
    return dg.MaterializeResult(metadata={**report.as_metadata(), **schema})


class PlanConfig(dg.Config):
    """`wijkwijzer plan` as a job: how many placements of which doelgroep, for which month."""
    placements: int
    doelgroep: str = "housing_first"
    period: str | None = None  # default: the newest month in the cells


@dg.op(pool=WAREHOUSE_POOL, description="Spread the placements over buurten (scipy milp / HiGHS) and write the plan "
                   "(JSON and map) under reports/plans/ for the allocation team.")
def plan_op(context: dg.OpExecutionContext, config: PlanConfig, warehouse: WarehouseResource,
            data_home: DataHomeResource) -> dg.Output:
    from reporting.placement_plan import write_plan
    settings = placement.load()
    if config.doelgroep not in settings.vulnerable_doelgroepen:
        raise dg.Failure(f"doelgroep {config.doelgroep!r} is not a vulnerable doelgroep in "
                         f"{placement.PLACEMENT_FILE.name}")
    with warehouse.connect(read_only=True) as con:
        plan = plan_placements(con, settings, config.placements, config.doelgroep, config.period)
        paths = write_plan(con, plan, config.doelgroep, data_home.home.reports)
    context.log.info(f"{config.placements} placements over {len(plan.rows())} buurten "
                     f"(room for {plan.fits}), solved in {plan.solve_seconds:.2f} s")
    return dg.Output(json.dumps(plan.rows()), metadata={
        "buurten": len(plan.rows()), "fits": plan.fits, "solve_seconds": round(plan.solve_seconds, 3),
        "map": dg.MetadataValue.path(str(paths["html"])), "json": dg.MetadataValue.path(str(paths["json"]))})


@dg.job(description="Plan placements of a vulnerable doelgroep over buurten without passing a "
                    "threshold (config: placements, doelgroep, period).")
def placement_plan():
    plan_op()


def disclosure_problems(con) -> dict[str, int]:
    """What is wrong with the published mart (all zero when it is sound): small protected counts
    shown, numbers in suppressed rows, hidden cells the visible ones give away, cells off the
    shared pattern."""
    return {**tenancy_mix.disclosure_problems(con, TARGET, PROTECT, COUNTS + BLANK),
            "cells_off_the_shared_pattern": tenancy_mix.off_the_shared_pattern(con, TARGET)}


@dg.asset_check(asset=dg.AssetKey(["marts", "placement_capacity"]), blocking=True,
                name="disclosure_sound", pool=WAREHOUSE_POOL,
                description="No shown cell counts 1-9 tenancies, vulnerable tenancies or "
                            "statushouders; suppressed rows show no numbers; the audit finds no "
                            "hidden cell that the visible cells give away; every cell hidden as in "
                            "the shared pattern of the running tenancies.")
def placement_disclosure_sound(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:  # the audit needs temp tables: not read-only
        problems = disclosure_problems(con)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)
