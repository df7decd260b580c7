"""Reports: rendered after the marts, reading the warehouse read-only."""

import importlib
import pkgutil

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from engine.resources import DataHomeResource
from engine.warehouse import WarehouseResource
from quality import publication
from reporting import slice_report
from reporting.board import render_board_report

# Everything the board report may read: the tables of sources/publication.yaml with `report: true`.
# A key is only declared as a dependency when an asset in this package defines it (a mart still
# being built by another module must not become a dangling external asset).
BOARD_REPORT_READS = tuple(tuple(name.split(".", 1)) for name, table in publication.boundary().items()
                           if table.report)


def _defined_keys() -> set[dg.AssetKey]:
    """Asset keys defined by the other modules of this package."""
    import assets

    keys: set[dg.AssetKey] = set()
    for info in pkgutil.iter_modules(assets.__path__):
        if info.name == __name__.rsplit(".", 1)[-1]:
            continue
        module = importlib.import_module(f"{assets.__name__}.{info.name}")
        for value in vars(module).values():
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dg.AssetsDefinition):
                    keys.update(item.keys)
    return keys


# In the warehouse pool too: DuckDB cannot open a file read-only while another process writes.
@dg.asset(key=["reports", "kwetsbare_huurders"], group_name="reports", pool=WAREHOUSE_POOL,
          deps=[["marts", "kwetsbare_huurders_per_buurt"], ["core", "dim_buurt"]],
          description="HTML report: vulnerable-group tenancies per buurt, table and map.")
def kwetsbare_huurders_report(data_home: DataHomeResource,
                              warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect(read_only=True) as con:
        path = slice_report.render(con, data_home.home.reports)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path))})


def _board_report(lang: str, deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    name = {"nl": "Dutch", "en": "English"}[lang]

    @dg.asset(key=["reports", f"board_report_{lang}"], group_name="reports", pool=WAREHOUSE_POOL,
              deps=deps,
              description=f"The board report in {name} for the latest complete quarter: "
                          f"reports/<period>/board_report.{lang}.html and .pdf (headless Chromium; "
                          "skipped with a warning when Chromium is missing). Reads only published "
                          "marts, the buurt geography and the load ledger.")
    def _asset(context: dg.AssetExecutionContext, data_home: DataHomeResource,
               warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect(read_only=True) as con:
            result = render_board_report(con, data_home.home.reports, lang=lang, pdf=True)
        if result["pdf"] is None:
            context.log.warning("Board report PDF skipped (Chromium missing or failed); the HTML is "
                                "at %s", result["html"])
        metadata = {
            "path": dg.MetadataValue.path(str(result["html"])),
            "period": result["period"],
            "seconds": result["seconds"],
            "html_bytes": result["html_bytes"],
            "pdf": dg.MetadataValue.path(str(result["pdf"])) if result["pdf"] else "skipped",
            "pdf_bytes": result["pdf_bytes"] or 0,
        }
        return dg.MaterializeResult(metadata=metadata)

    return _asset


def _contract_check(key: dg.AssetKey) -> dg.AssetChecksDefinition:
    table = ".".join(key.path)
    # Blocking on the marts: a broken mart stops the report, not the pipeline. The geography and
    # the ledger feed everything, so there the check only reports; the report's typed reader
    # raises on the same break anyway.
    blocking = key.path[0] == "marts"

    @dg.asset_check(asset=key, name="published_contract", blocking=blocking, pool=WAREHOUSE_POOL,
                    description="Every column sources/publication.yaml declares for this table is "
                                "there, in its declared type; otherwise the board report is not "
                                "built (it would print a blank for a renamed column).")
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            problems = publication.schema_problems(con, table)
        return dg.AssetCheckResult(passed=not problems,
                                   metadata={"problems": dg.MetadataValue.json(problems)})

    return _check


_DEFINED = _defined_keys()
_DEPS = [dg.AssetKey(list(key)) for key in BOARD_REPORT_READS if dg.AssetKey(list(key)) in _DEFINED]
board_report_assets = [_board_report(lang, _DEPS) for lang in ("nl", "en")]
contract_checks = [_contract_check(key) for key in _DEPS]
