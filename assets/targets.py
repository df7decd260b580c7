"""Targets ("when is it solved?"): sources/targets.yaml into core.targets; the trajectory and status
per area and period are the SQL model sql/marts/targets.sql."""

import dagster as dg
import duckdb
import polars as pl

from assets.metadata import table_metadata
from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from sources.targets import target_rows

TARGETS_KEY = dg.AssetKey(["core", "targets"])


def write_targets(con: duckdb.DuckDBPyConnection) -> int:
    rows = pl.DataFrame(target_rows(), schema_overrides={
        "target_value": pl.Float64, "relative_to_base": pl.Float64, "programme": pl.String,
        "source_url": pl.String, "source_note": pl.String})
    con.execute("create or replace table core.targets as select * from rows")
    return rows.height


@dg.asset(key=TARGETS_KEY, group_name="core", pool=WAREHOUSE_POOL,
          metadata={"source": "sources/targets.yaml"},
          description="Targets as data, each with its cited source: the indicator, index score or "
                      "programme outcome, the value or factor on the base, direction and year.")
def targets(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        n = write_targets(con)
        return dg.MaterializeResult(metadata={"targets": n, **table_metadata(con, "core.targets")})
