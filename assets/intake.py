"""Raw layer: one multi-asset takes every stable inbox file through validation into raw tables.

Each raw table carries its contract checks: Great Expectations on the deliveries loaded (per
delivery, as pandas batches) and set-based SQL checks. Fatal and error rules block what is
downstream; warnings only show.
"""

from collections import Counter

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from pipelines.intake import run_intake
from pipelines.resources import DataHomeResource
from pipelines.warehouse import WarehouseResource, first_row, scalar
from quality.contract_sql import quote
from quality.gx_bridge import ContractValidator
from sources.contracts import Contract, load_registry

LEDGER_KEY = dg.AssetKey(["raw", "load_ledger"])
CONTRACT_CHECK = "contract"
KEY_CHECK = "key_unique_per_delivery"
BUURT_CHECK = "buurtcode_known"


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _has_buurtcode(contract: Contract) -> bool:
    return any(c.type == "buurtcode" for c in contract.columns)


def _specs() -> list[dg.AssetSpec]:
    specs = [dg.AssetSpec(raw_key(c.table), group_name="raw", deps=[["core", "dim_buurt"]],
                          description=f"{c.title_en}: accepted rows of every delivery, each row with "
                                      "its source file, SHA-256 and load time.",
                          metadata={"period": c.period, "key": list(c.key)})
             for c in load_registry().contracts.values()]
    specs.append(dg.AssetSpec(LEDGER_KEY, group_name="raw", deps=[["core", "dim_buurt"]],
                              description="Every decision on every delivered file."))
    return specs


def _check_specs() -> list[dg.AssetCheckSpec]:
    checks = []
    for c in load_registry().contracts.values():
        checks.append(dg.AssetCheckSpec(CONTRACT_CHECK, asset=raw_key(c.table), blocking=True,
                                        description="Great Expectations suite from the contract "
                                                    "on the deliveries loaded this run."))
        checks.append(dg.AssetCheckSpec(KEY_CHECK, asset=raw_key(c.table), blocking=True,
                                        description=f"({', '.join(c.key)}) is unique within every delivery."))
        if _has_buurtcode(c):
            checks.append(dg.AssetCheckSpec(BUURT_CHECK, asset=raw_key(c.table), blocking=True,
                                            description="Every buurtcode is in core.dim_buurt."))
    return checks


GX_MAX_ROWS = 1_000_000  # beyond this a run's deliveries are validated on a seeded sample


def _contract_check(con, validator: ContractValidator, contract: Contract, shas: list[str]):
    """GX on the deliveries loaded this run as one batch (or on the newest delivery when none was)."""
    table = f"raw.{quote(contract.table)}"
    if not shas:
        newest = first_row(con, f"select _sha256 from {table} order by _loaded_at desc limit 1")
        shas = [newest[0]] if newest else []
    columns = ", ".join(quote(n) for n in contract.column_names)
    rows = scalar(con, f"select count(*) from {table} where list_contains(?, _sha256)", [shas]) if shas else 0
    sample = f"using sample {GX_MAX_ROWS} rows (reservoir, 42)" if rows > GX_MAX_ROWS else ""
    frame = con.execute(f"select {columns}, _sha256 from {table} where list_contains(?, _sha256) {sample}",
                        [shas]).df() if shas else None
    outcomes = validator.validate(contract, frame) if frame is not None else []
    failed = {o.rule: o.unexpected for o in outcomes if not o.success}
    only_warnings = all(o.severity == "warning" for o in outcomes if not o.success)
    return dg.AssetCheckResult(
        asset_key=raw_key(contract.table), check_name=CONTRACT_CHECK, passed=not failed,
        severity=dg.AssetCheckSeverity.WARN if only_warnings else dg.AssetCheckSeverity.ERROR,
        metadata={"deliveries_checked": len(shas), "rows_checked": min(rows, GX_MAX_ROWS),
                  "sampled": bool(sample), "failed_rules": failed})


def _sql_checks(con, contract: Contract):
    table = f"raw.{quote(contract.table)}"
    key = ", ".join(quote(k) for k in contract.key)
    duplicates = scalar(con, f"""select count(*) from (select _sha256, {key} from {table}
                                  group by all having count(*) > 1)""")
    yield dg.AssetCheckResult(asset_key=raw_key(contract.table), check_name=KEY_CHECK,
                              passed=duplicates == 0, metadata={"duplicate_keys": duplicates})
    if _has_buurtcode(contract):
        unknown = scalar(con, f"""select count(*) from {table}
                                  where buurtcode not in (select buurtcode from core.dim_buurt)""")
        yield dg.AssetCheckResult(asset_key=raw_key(contract.table), check_name=BUURT_CHECK,
                                  passed=unknown == 0, metadata={"unknown_buurtcodes": unknown})


@dg.multi_asset(name="intake", specs=_specs(), check_specs=_check_specs(), pool=WAREHOUSE_POOL)
def intake(context: dg.AssetExecutionContext, data_home: DataHomeResource,
           warehouse: WarehouseResource):
    registry = load_registry()
    validator = ContractValidator()
    with warehouse.connect() as con:
        outcomes = run_intake(con, data_home.home, context.run_id, registry)
        loaded: dict[str, list[str]] = {}
        for o in outcomes:
            if o.contract and not o.refused and o.decision != "duplicate":
                loaded.setdefault(o.contract.table, []).append(o.sha256)
        decisions = Counter(o.decision for o in outcomes)
        context.log.info("Intake decided %d file(s): %s", len(outcomes), dict(decisions)
                         if outcomes else "nothing new in the inbox")
        for contract in registry.contracts.values():
            rows = scalar(con, f"select count(*) from raw.{quote(contract.table)}")
            yield dg.MaterializeResult(asset_key=raw_key(contract.table), metadata={
                "deliveries_loaded_this_run": len(loaded.get(contract.table, [])), "rows": rows})
            yield _contract_check(con, validator, contract, loaded.get(contract.table, []))
            yield from _sql_checks(con, contract)
        ledger_rows = scalar(con, "select count(*) from raw.load_ledger")
    yield dg.MaterializeResult(asset_key=LEDGER_KEY, metadata={
        "rows": ledger_rows, "decisions_this_run": dict(decisions)})
