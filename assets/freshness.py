"""Freshness: is every partner's delivery in? Overdue deliveries fail checks and reach the report."""
from datetime import date

import dagster as dg
import polars as pl

from assets.intake import LEDGER_KEY, raw_key
from assets.metadata import table_metadata
from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from sources.freshness import delivery_status
from sources.contracts import load_registry

STATUS_KEY = dg.AssetKey(["marts", "delivery_status"])
# After every intake (the ledger changed) and every morning: the verdict changes with the date even
# when no file arrives. The daemon's `automation` sensor evaluates it.
FRESHNESS_CRON, TIMEZONE = "0 7 * * *", "Europe/Amsterdam"
AFTER_INTAKE_AND_DAILY = (dg.AutomationCondition.any_deps_updated()
                          | dg.AutomationCondition.cron_tick_passed(FRESHNESS_CRON, TIMEZONE)
                          ).with_label("after every intake and daily at 07:00")


@dg.asset(key=STATUS_KEY, group_name="marts", pool=WAREHOUSE_POOL, deps=[LEDGER_KEY],
          description="Per partner and dataset: the period due by today, the newest accepted one, "
                      "and whether it is overdue (deadlines in sources/partners.yaml).")
def delivery_status_mart(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        rows = delivery_status(con, date.today())
        frame = pl.DataFrame([r.__dict__ for r in rows], schema={
            "partner": pl.String, "dataset": pl.String, "expected_period": pl.String,
            "latest_period": pl.String, "due_date": pl.Date, "overdue": pl.Boolean,
            "days_overdue": pl.Int64})
        con.execute("create or replace table marts.delivery_status as select * from frame")
        overdue = [f"{r.partner}/{r.dataset}" for r in rows if r.overdue]
        return dg.MaterializeResult(metadata={"overdue": len(overdue),
                                              "overdue_deliveries": ", ".join(overdue) or "none",
                                              **table_metadata(con, "marts.delivery_status")})


def _freshness_spec(table: str, dataset: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec("delivery_freshness", asset=raw_key(table), additional_deps=[LEDGER_KEY],
                             automation_condition=AFTER_INTAKE_AND_DAILY,
                             description=f"Every partner that delivers {dataset} has delivered the period now due.")


_SPECS = [(_freshness_spec(c.table, c.dataset), c.dataset) for c in load_registry().contracts.values()]
DATASET_OF = {spec.key: dataset for spec, dataset in _SPECS}


@dg.multi_asset_check(specs=[spec for spec, _ in _SPECS],
                      can_subset=True, pool=WAREHOUSE_POOL, name="delivery_freshness",
                      description="Per raw table: every partner that delivers it has delivered the period now due.")
def delivery_freshness(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """One step for every dataset's check: the delivery status is read once (a step per check,
    each reading it, cost about 0.6 s of every run after an intake)."""
    with warehouse.connect(read_only=True) as con:
        rows = delivery_status(con, date.today())
    for key in sorted(context.selected_asset_check_keys, key=str):
        overdue = {r.partner: f"{r.expected_period} due {r.due_date}, newest {r.latest_period or 'none'}"
                   for r in rows if r.dataset == DATASET_OF[key] and r.overdue}
        yield dg.AssetCheckResult(asset_key=key.asset_key, check_name=key.name, passed=not overdue,
                                  severity=dg.AssetCheckSeverity.WARN, metadata={"overdue": overdue or "none"})
