"""Staging, core and marts: one asset per SQL file, thin on purpose.

A staging model with a partition column is partitioned by delivery month: a run (or a backfill
from the UI, one run per range) rebuilds just its months.
"""

import warnings

import dagster as dg

from assets.metadata import ROW_COUNT, table_metadata
from assets.reference import WAREHOUSE_POOL
from engine.partitions import delivery_months
from engine.resources import WarehouseResource
from engine.sqlmodels import KEPT, SqlModel, build_months, build_or_keep, discover
from sources.contracts import first_delivery_month


def _model_asset(model: SqlModel) -> dg.AssetsDefinition:
    partitioned = model.partition_column is not None

    @dg.asset(key=[model.layer, model.name], group_name=model.layer, pool=WAREHOUSE_POOL,
              deps=[dg.AssetKey(list(dep)) for dep in model.depends_on],
              description=model.description or None,
              partitions_def=delivery_months(first_delivery_month(model.raw_source)) if partitioned else None,
              backfill_policy=dg.BackfillPolicy.single_run() if partitioned else None,
              metadata={"sql": dg.MetadataValue.path(str(model.path))})
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            if partitioned:
                months = context.partition_keys
                build_months(con, model, months)
                metadata = table_metadata(con, model.table, f'where "{model.partition_column}" in '
                                          '(select unnest(?::varchar[]))', [months])
                if len(months) > 1:  # one result for every month of the range: not a month's count
                    metadata["rows_in_months_built"] = metadata.pop(ROW_COUNT)
                return dg.MaterializeResult(metadata={"months": len(months), **metadata})
            built = build_or_keep(con, model)
            if built == KEPT:   # what it read is as it was: the same table
                context.log.info(f"{model.table} kept: the tables it reads are as they were at its last build")
                return dg.MaterializeResult(metadata={"kept": True, **table_metadata(con, model.table)})
            if built:   # a month of its by-month input changed alone: the periods holding it
                context.log.info(f"{model.table} rebuilt for the periods {', '.join(built)} only: "
                                 f"a month of staging.{model.months_touch_periods_of} is all that changed")
                return dg.MaterializeResult(metadata={"periods_rebuilt": ", ".join(built),
                                                      **table_metadata(con, model.table)})
            return dg.MaterializeResult(metadata=table_metadata(con, model.table))

    return _asset


# `backfill_policy` (one run per range of months) is a beta parameter in Dagster 1.13: chosen, so
# its warning is not shown to everyone who loads the definitions (the CLI prints it otherwise).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    sql_model_assets = [_model_asset(model) for model in discover()]
