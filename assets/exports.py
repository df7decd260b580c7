"""Parquet exports of the published marts: readers (BI tools, other regions, object storage) never
hold the DuckDB lock, and never see an unsuppressed cell.

Each file is written beside its target and renamed over it, so a reader sees the old file or the
new one, never half of one.
"""
import os
from pathlib import Path

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from engine.resources import DataHomeResource, WarehouseResource
from engine.warehouse import scalar
from quality import publication

# What leaves the warehouse is declared in one place, with a disclosure rule per column: the
# publication boundary (sources/publication.yaml). Never marts.indicator_values: that is the
# unsuppressed table behind indicator_values_published.
EXPORTED = tuple(publication.exported())


def write_exports(con, target: Path) -> dict[str, int]:
    """Every exported mart as <target>/<name>.parquet; returns the rows per table."""
    target.mkdir(parents=True, exist_ok=True)
    rows = {}
    for name in EXPORTED:
        final = target / f"{name}.parquet"
        partial = target / f".{name}.parquet.partial"
        quoted_path = str(partial).replace("'", "''")  # COPY takes no bound parameter for its file
        leaving = f'select * from marts."{name}" where {publication.rows_leaving(f"marts.{name}")}'
        con.execute(f"copy ({leaving}) to '{quoted_path}' (format parquet, compression zstd)")
        os.replace(partial, final)
        rows[name] = scalar(con, f"select count(*) from ({leaving})")
    return rows


@dg.asset(key=["exports", "marts_parquet"], group_name="exports", pool=WAREHOUSE_POOL,
          deps=[["marts", name] for name in EXPORTED],
          description="Every published mart as Parquet under exports/marts/ in the data home "
                      "(the tables sources/publication.yaml exports).")
def marts_parquet(data_home: DataHomeResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    target = data_home.home.root / "exports" / "marts"
    with warehouse.connect(read_only=True) as con:
        rows = write_exports(con, target)
    return dg.MaterializeResult(metadata={"rows": sum(rows.values()), "tables": rows,
                                          "folder": dg.MetadataValue.path(str(target))})
