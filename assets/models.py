"""Staging, core and marts: one asset per SQL file, thin on purpose."""

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from pipelines.sqlmodels import SqlModel, build, discover
from pipelines.warehouse import WarehouseResource


def _model_asset(model: SqlModel) -> dg.AssetsDefinition:
    @dg.asset(key=[model.layer, model.name], group_name=model.layer, pool=WAREHOUSE_POOL,
              deps=[dg.AssetKey(list(dep)) for dep in model.depends_on],
              description=model.description or None,
              metadata={"sql": dg.MetadataValue.path(str(model.path))})
    def _asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = build(con, model)
        return dg.MaterializeResult(metadata={"rows": rows})

    return _asset


sql_model_assets = [_model_asset(model) for model in discover()]
