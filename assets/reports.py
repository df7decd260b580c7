"""Reports: rendered after the marts, reading the warehouse read-only."""

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from pipelines.resources import DataHomeResource
from pipelines.warehouse import WarehouseResource
from reporting import slice_report


# In the warehouse pool too: DuckDB cannot open a file read-only while another process writes.
@dg.asset(key=["reports", "kwetsbare_huurders"], group_name="reports", pool=WAREHOUSE_POOL,
          deps=[["marts", "kwetsbare_huurders_per_buurt"], ["core", "dim_buurt"]],
          description="HTML report: vulnerable-group tenancies per buurt, table and map.")
def kwetsbare_huurders_report(data_home: DataHomeResource,
                              warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect(read_only=True) as con:
        path = slice_report.render(con, data_home.home.reports)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})
