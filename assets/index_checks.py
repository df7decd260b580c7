"""Checks that the liveability index keeps its promises (issue 15): the inhabitant-weighted mean of
the buurt totals stays within 2 points of the city's score in every period, and at most 1% of
buurt theme scores sit at the scale's bounds. Also measured by benchmarks/indicators.py."""

import dagster as dg
import duckdb

from engine.warehouse import WarehouseResource, scalar

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


def share_at_bounds(con: duckdb.DuckDBPyConnection) -> float:
    return scalar(con, """
        select coalesce(avg((score <= score_min or score >= score_max)::int), 0)
        from marts.liveability_index, core.index_settings
        where area_level = 'buurt' and dimension <> 'totaal'""")


@dg.asset_check(asset=INDEX_KEY, description="The inhabitant-weighted mean of the buurt totals is "
                                             "within 2 points of the city in every period, and at "
                                             "most 1% of buurt theme scores sit at a bound.")
def liveability_index_agrees_with_the_city(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        gap, bounds = city_gap(con), share_at_bounds(con)
    return dg.AssetCheckResult(passed=gap <= MAX_CITY_GAP and bounds <= MAX_AT_BOUNDS,
                               metadata={"max_city_gap": round(gap, 2),
                                         "share_at_bounds": round(bounds, 4)})
