"""Raw layer: one multi-asset takes every stable inbox file through validation into raw tables."""
from __future__ import annotations

from collections import Counter

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from pipelines.intake import run_intake
from pipelines.resources import DataHomeResource
from pipelines.warehouse import WarehouseResource
from sources.contracts import load_registry

LEDGER_KEY = dg.AssetKey(["raw", "load_ledger"])


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _specs() -> list[dg.AssetSpec]:
    registry = load_registry()
    specs = [dg.AssetSpec(raw_key(c.table), group_name="raw", deps=[["core", "dim_buurt"]],
                          description=f"{c.title_en}: accepted rows of every delivery, each row with "
                                      "its source file, SHA-256 and load time.",
                          metadata={"period": c.period, "key": list(c.key)})
             for c in registry.contracts.values()]
    specs.append(dg.AssetSpec(LEDGER_KEY, group_name="raw", deps=[["core", "dim_buurt"]],
                              description="Every decision on every delivered file."))
    return specs


@dg.multi_asset(name="intake", specs=_specs(), pool=WAREHOUSE_POOL)
def intake(context: dg.AssetExecutionContext, data_home: DataHomeResource,
           warehouse: WarehouseResource):
    with warehouse.connect() as con:
        outcomes = run_intake(con, data_home.home, context.run_id)
        loaded = Counter(o.contract.table for o in outcomes if o.contract and not o.refused)
        totals = dict(con.sql("select table_name, estimated_size from duckdb_tables() "
                              "where schema_name = 'raw'").fetchall())
    decisions = Counter(o.decision if o.sha256 else "?" for o in outcomes)
    if outcomes:
        context.log.info("Intake decided %d file(s): %s", len(outcomes), dict(decisions))
    else:
        context.log.info("Nothing new in the inbox.")
    for spec in _specs():
        table = spec.key.path[-1]
        yield dg.MaterializeResult(asset_key=spec.key, metadata={
            "deliveries_loaded_this_run": loaded.get(table, 0),
            "rows": totals.get(table, 0),
            **({"decisions_this_run": dict(decisions)} if spec.key == LEDGER_KEY else {}),
        })
