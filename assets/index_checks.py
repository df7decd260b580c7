"""Checks that the liveability index keeps its promises (issue 15): the inhabitant-weighted mean of
the buurt totals stays within 2 points of the city's score in every period (and the city has a
total wherever its buurten have one), and at most 1% of
buurt theme scores sit at the scale's bounds. Also measured by benchmarks/indicators.py."""

import dagster as dg
import duckdb

from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from engine.warehouse import scalar

INDEX_KEY = dg.AssetKey(["marts", "liveability_index"])
MAX_CITY_GAP = 2.0
MAX_AT_BOUNDS = 0.01


def city_gap(con: duckdb.DuckDBPyConnection) -> float:
    """The largest distance, over the periods, between the inhabitant-weighted mean of the buurt
    total scores and the city's total score (0 when there is nothing to compare)."""
    return scalar(con, """
        with buurten as (
            select index.period, sum(index.score * dim.inwoners) / sum(dim.inwoners) as weighted
            from marts.liveability_index as index
            inner join core.dim_buurt as dim on dim.buurtcode = index.area_code
            where index.area_level = 'buurt' and index.dimension = 'totaal'
            group by all)
        select coalesce(max(abs(buurten.weighted - city.score)), 0)
        from buurten
        inner join marts.liveability_index as city
            on city.period = buurten.period and city.area_level = 'gemeente'
            and city.dimension = 'totaal'""")


def periods_without_city(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Periods in which buurten have a total score but the city has none: the gap there cannot be
    measured, so every period must have both (the gap check would otherwise skip them)."""
    return [row[0] for row in con.execute("""
        select distinct buurten.period
        from marts.liveability_index as buurten
        left join marts.liveability_index as city
            on city.period_type = buurten.period_type and city.period = buurten.period
            and city.area_level = 'gemeente' and city.dimension = 'totaal'
        where buurten.area_level = 'buurt' and buurten.dimension = 'totaal' and city.score is null
        order by 1""").fetchall()]


def share_at_bounds(con: duckdb.DuckDBPyConnection) -> float:
    return scalar(con, """
        select coalesce(avg((score <= score_min or score >= score_max)::int), 0)
        from marts.liveability_index, core.index_settings
        where area_level = 'buurt' and dimension <> 'totaal'""")


@dg.asset_check(pool=WAREHOUSE_POOL, asset=INDEX_KEY, description="The inhabitant-weighted mean of the buurt totals is "
                                             "within 2 points of the city in every period (the "
                                             "city scored wherever its buurten are), and at most "
                                             "1% of buurt theme scores sit at a bound.")
def liveability_index_agrees_with_the_city(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        gap, bounds, missing = city_gap(con), share_at_bounds(con), periods_without_city(con)
    return dg.AssetCheckResult(passed=gap <= MAX_CITY_GAP and bounds <= MAX_AT_BOUNDS and not missing,
                               metadata={"max_city_gap": round(gap, 2),
                                         "share_at_bounds": round(bounds, 4),
                                         "periods_without_city_total": len(missing)})
