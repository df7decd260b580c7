"""Liveability indicators: the catalogue and open data in the warehouse, disclosure control of the
indicator values, and the checks on the marts.

The indicator SQL lives in sql/core/*_periods.sql, the generated sql/core/indicator_buurt_values.sql
and sql/marts/{indicator_values,liveability_index,buurt_profile}.sql (one asset per file, see
assets/models.py). This module adds what SQL cannot do:
- load sources/indicators.yaml into core.indicator_catalogue and core.index_settings,
- load the Leefbaarometer 2024 buurt scores into core.leefbaarometer,
- publish marts.indicator_values_published through quality.disclosure (iterative),
- check the marts.
"""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from assets.estimates import ESTIMATES_KEY, TWO_SIDED_P, publish_estimates
from assets.reference import WAREHOUSE_POOL
from engine.warehouse import WarehouseResource, first_row, scalar
from quality.disclosure import SuppressionReport, area_hierarchy, audit, period_hierarchy, suppress
from sources.geography import REFERENCE_DIR
from sources.indicators import catalogue_rows, index_settings_row, load_catalogue, theme_rows

CATALOGUE_KEY = dg.AssetKey(["core", "indicator_catalogue"])
SETTINGS_KEY = dg.AssetKey(["core", "index_settings"])
THEMES_KEY = dg.AssetKey(["core", "index_themes"])
LBM_KEY = dg.AssetKey(["core", "leefbaarometer"])
VALUES_KEY = dg.AssetKey(["marts", "indicator_values"])
PUBLISHED_KEY = dg.AssetKey(["marts", "indicator_values_published"])
INDEX_KEY = dg.AssetKey(["marts", "liveability_index"])
PROFILE_KEY = dg.AssetKey(["marts", "buurt_profile"])
LBM_CSV = REFERENCE_DIR / "lbm_2024_rotterdam_buurten.csv"
PUBLISHED = "marts.indicator_values_published"
BAND_FIELDS = "struct(band varchar, lower double, lower_open boolean, upper double, upper_open boolean)"


# --- the catalogue ------------------------------------------------------------------------------

def write_catalogue(con: duckdb.DuckDBPyConnection) -> int:
    catalogue = load_catalogue()
    rows = pl.DataFrame(catalogue_rows(catalogue), schema_overrides={
        "value_min": pl.Float64, "value_max": pl.Float64, "min_count": pl.Int64,
        "pooling": pl.String})
    themes = pl.DataFrame(theme_rows(catalogue))
    settings = index_settings_row(catalogue)
    bands = [{"band": b.band, "lower": b.lower, "lower_open": b.lower_open, "upper": b.upper,
              "upper_open": b.upper_open} for b in catalogue.index.bands]
    con.execute("create or replace table core.indicator_catalogue as select * from rows")
    con.execute(TWO_SIDED_P)   # used by the index and change models that read the settings
    con.execute("create or replace table core.index_themes as select * from themes")
    con.execute(f"""create or replace table core.index_settings as
                    select ?::varchar as base_period, ?::double as score_min, ?::double as score_max,
                           ?::double as points_per_sd, ?::double as interval,
                           ?::double as change_fdr, ?::double as interval_z,
                           ?::{BAND_FIELDS}[] as bands""",
                [settings["base_period"], settings["score_min"], settings["score_max"],
                 settings["points_per_sd"], settings["interval"], settings["change_fdr"],
                 settings["interval_z"], bands])
    return rows.height


@dg.multi_asset(
    name="indicator_catalogue",
    specs=[dg.AssetSpec(CATALOGUE_KEY, group_name="core", metadata={"source": "sources/indicators.yaml"},
                        description="One row per liveability indicator from sources/indicators.yaml: "
                                    "dimension, kind, unit and scale, direction, sources, population, "
                                    "minimum base and count for publication, disclosure group."),
           dg.AssetSpec(SETTINGS_KEY, group_name="core", metadata={"source": "sources/indicators.yaml"},
                        description="Index settings from sources/indicators.yaml: the pinned base "
                                    "period, the scale, interval, false-discovery rate and bands."),
           dg.AssetSpec(THEMES_KEY, group_name="core", metadata={"source": "sources/indicators.yaml"},
                        description="The fixed composition of every theme (and the zorgvraag "
                                    "panel): one row per theme, half and indicator.")],
    pool=WAREHOUSE_POOL,
)
def indicator_catalogue(warehouse: WarehouseResource):
    with warehouse.connect() as con:
        n = write_catalogue(con)
    yield dg.MaterializeResult(asset_key=CATALOGUE_KEY, metadata={"indicators": n})
    yield dg.MaterializeResult(asset_key=SETTINGS_KEY)
    yield dg.MaterializeResult(asset_key=THEMES_KEY)


# --- open data ----------------------------------------------------------------------------------

def write_leefbaarometer(con: duckdb.DuckDBPyConnection, path: Path = LBM_CSV) -> int:
    frame = pl.read_csv(path, null_values=["NA", ""]).rename({"bu_code": "buurtcode",
                                                              "bu_naam": "buurtnaam"})
    con.execute("create or replace table core.leefbaarometer as select * from frame")
    return frame.height


@dg.asset(key=LBM_KEY, group_name="core", pool=WAREHOUSE_POOL,
          description="Leefbaarometer 3.0 scores 2024 per buurt (lbm, deviation afw and the "
                      "dimensions fys onv soc vrz won). Bron: Leefbaarometer, Ministerie van BZK.")
def leefbaarometer(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        n = write_leefbaarometer(con)
    return dg.MaterializeResult(metadata={"buurten": n})


# --- disclosure control -------------------------------------------------------------------------

def publish_indicator_values(con: duckdb.DuckDBPyConnection) -> dict[str, SuppressionReport]:
    """marts.indicator_values → marts.indicator_values_published, in two passes:

    1. per population (what a denominator counts), over the distinct denominators: a base under
       the indicator's min_base is hidden, with complementary cells, so a small base stays hidden
       in every indicator that shares it;
    2. per indicator, starting from that pattern: a numerator of 1..min_count-1 persons is hidden
       too, with complementary cells; indicators of one disclosure group share the pattern.
    Both passes protect the area hierarchy (buurt → wijk → gemeente) and the time hierarchy
    (month → quarter → year) together. Visible counts are rounded to 5, values to the unit's
    decimals; hidden cells are NULL.
    """
    periods = [r[0] for r in con.execute(
        "select distinct period from marts.indicator_values").fetchall()]
    hierarchies = [area_hierarchy(con, "area_code"), period_hierarchy(periods, "period")]
    con.execute("""
        create or replace temp table _population_cells as
        select catalogue.population, iv.area_code, iv.period,
               max(iv.denominator) as base, min(iv.denominator) as base_low,
               max(catalogue.min_base) as min_base
        from marts.indicator_values as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        group by all""")
    disagree = scalar(con, "select count(*) from _population_cells where base <> base_low")
    if disagree:
        raise ValueError(f"{disagree} cells where indicators of one population have different "
                         "denominators: fix the catalogue's population or the fact tables")
    reports = {"populations": suppress(
        con, "_population_cells", "_population_published", hierarchies=hierarchies,
        by=["population"], base="base", protect=["base"], primary="base > 0 and base < min_base",
        rounding=1)}
    con.execute("""
        create or replace temp table _indicator_cells as
        select iv.indicator_id, catalogue.disclosure_group, iv.area_code, iv.period,
               iv.numerator, iv.denominator, catalogue.min_count,
               populations.suppressed as base_hidden,
               case when catalogue.min_count is not null then iv.numerator else 0 end
                   as protected_count
        from marts.indicator_values as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        inner join _population_published as populations
            on populations.population = catalogue.population
            and populations.area_code = iv.area_code
            and populations.period = iv.period""")
    reports["indicators"] = suppress(
        con, "_indicator_cells", "_indicator_published", hierarchies=hierarchies,
        by=["disclosure_group", "indicator_id"], shared_by=["disclosure_group"],
        base="denominator", protect=["protected_count"],
        primary="base_hidden or (min_count is not null and numerator between 1 and min_count - 1)",
        rounding=1)
    con.execute(f"""
        create or replace table {PUBLISHED} as
        select
            iv.indicator_id,
            iv.area_level,
            iv.area_code,
            iv.area_name,
            iv.period_type,
            iv.period,
            case when published.suppressed then null
                 when catalogue.numerator_rounded then cast(round(iv.numerator / 5) * 5 as double)
                 else round(iv.numerator, 2) end as numerator,
            case when published.suppressed then null
                 else cast(round(iv.denominator / 5) * 5 as double) end as denominator,
            case when published.suppressed then null
                 else round(iv.value, cast(catalogue.decimals as integer)) end as value,
            published.suppressed
        from marts.indicator_values as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        inner join _indicator_published as published
            on published.indicator_id = iv.indicator_id
            and published.area_code = iv.area_code
            and published.period = iv.period
        order by catalogue.sort_order, iv.period_type, iv.period, iv.area_level,
            iv.area_code""")
    for table in ("_population_cells", "_population_published", "_indicator_cells",
                  "_indicator_published"):
        con.execute(f"drop table if exists {table}")
    return reports


@dg.asset(key=PUBLISHED_KEY, group_name="marts", pool=WAREHOUSE_POOL,
          deps=[VALUES_KEY, CATALOGUE_KEY, ESTIMATES_KEY, dg.AssetKey(["core", "dim_buurt"])],
          description="marts.indicator_values after disclosure control, the only indicator table "
                      "reports read: no cell under 10 persons or homes (or the indicator's minimum "
                      "base), complementary suppression over area and time so no hidden cell can be "
                      "recomputed, counts rounded to 5; hidden cells are NULL with suppressed = true.")
def indicator_values_published(context: dg.AssetExecutionContext,
                               warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        reports = publish_indicator_values(con)
        estimates = publish_estimates(con)
        rows, hidden = first_row(con, f"select count(*), count(*) filter (where suppressed) from {PUBLISHED}")
    context.log.info("Disclosure control: %s", {k: r.as_metadata() for k, r in reports.items()})
    return dg.MaterializeResult(metadata={**estimates,
        "rows": rows, "suppressed": hidden,
        "suppressed_share": round(hidden / rows, 4) if rows else 0.0,
        **{f"{name}_{k}": v for name, r in reports.items() for k, v in r.as_metadata().items()}})


# --- checks -------------------------------------------------------------------------------------

def missing_buurten(con) -> int:
    """(indicator, period) combinations that lack a buurt of core.dim_buurt."""
    return scalar(con, """
        select count(*) from (
            select indicator_id, period_type, period, count(distinct area_code) as buurten
            from marts.indicator_values where area_level = 'buurt' group by all)
        where buurten <> (select count(*) from core.dim_buurt)""")


def out_of_range(con, table: str = "marts.indicator_values") -> int:
    return scalar(con, f"""
        select count(*) from {table} as v
        inner join core.indicator_catalogue as c using (indicator_id)
        where v.numerator < 0 or v.denominator < 0
           or v.value < coalesce(c.value_min, 0) or v.value > coalesce(c.value_max, 'infinity'::double)
           or isnan(v.value) or isinf(v.value)""")


@dg.asset_check(asset=VALUES_KEY, description="Every buurt of core.dim_buurt is present for every "
                                              "indicator and period.")
def indicator_values_every_buurt(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        missing = missing_buurten(con)
    return dg.AssetCheckResult(passed=missing == 0, metadata={"incomplete_indicator_periods": missing})


@dg.asset_check(asset=VALUES_KEY, description="Values in their unit's range (percent 0-100, rates "
                                              "and euros >= 0, survey marks 0-10), counts >= 0.")
def indicator_values_in_range(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = out_of_range(con)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"rows_out_of_range": bad})


def small_visible_cells(con) -> int:
    return scalar(con, f"""
        select count(*) from marts.indicator_values as v
        inner join {PUBLISHED} as p using (indicator_id, area_code, period)
        inner join core.indicator_catalogue as c using (indicator_id)
        where not p.suppressed
          and ((v.denominator > 0 and v.denominator < c.min_base)
               or (c.min_count is not null and v.numerator between 1 and c.min_count - 1))""")


def derivable_cells(con) -> list[dict]:
    periods = [r[0] for r in con.execute(f"select distinct period from {PUBLISHED}").fetchall()]
    return audit(con, PUBLISHED, hierarchies=[area_hierarchy(con, "area_code"),
                                              period_hierarchy(periods, "period")],
                 by=["indicator_id"])


@dg.asset_check(asset=PUBLISHED_KEY, blocking=True,
                description="No visible cell under its minimum base or count, and no hidden cell "
                            "that the visible cells of its area and time families give away.")
def indicator_values_published_safe(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        small = small_visible_cells(con)
        derivable = derivable_cells(con)
    return dg.AssetCheckResult(passed=small == 0 and not derivable,
                               metadata={"small_visible_cells": small,
                                         "derivable_hidden_cells": len(derivable)})


@dg.asset_check(asset=INDEX_KEY, description="Every score finite and within the cap; every band set.")
def liveability_index_scores_finite(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = scalar(con, """
            select count(*) from marts.liveability_index, core.index_settings
            where score is null or isnan(score) or isinf(score) or band is null
               or score < score_min or score > score_max""")
    return dg.AssetCheckResult(passed=bad == 0, metadata={"bad_scores": bad})


def city_base_scores(con) -> list[tuple[str, float]]:
    return con.execute("""
        select dimension, score from marts.liveability_index
        where area_level = 'gemeente' and period = base_period order by dimension""").fetchall()


@dg.asset_check(asset=INDEX_KEY, description="The city's index is exactly 100 in the base period, "
                                             "for the total and every theme.")
def liveability_index_city_is_100(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        scores = city_base_scores(con)
        empty = not scalar(con, "select count(*) from marts.liveability_index")
    off = {d: s for d, s in scores if s != 100.0}
    return dg.AssetCheckResult(passed=(bool(scores) or empty) and not off,
                               metadata={"dimensions": len(scores), "not_100": str(off)})
