"""Reports: rendered after the marts, reading the warehouse read-only."""

import importlib
import pkgutil

import dagster as dg

from assets.reference import WAREHOUSE_POOL
from engine.resources import DataHomeResource, WarehouseResource
from quality import publication
from reporting import slice_report
from reporting.board import RUN_PDF_LANGS, render_board_reports

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


LANG_NAMES = {"nl": "Dutch", "en": "English"}


class BoardReportConfig(dg.Config):
    """pdf: false writes the HTML only (nationally the PDFs cost ~0.3 s of Chromium each)."""
    pdf: bool = True


def _pdf_metadata(main: dict, lang: str, pdf: bool) -> dg.MetadataValue | str:
    """The PDF printed, or why there is none: not asked for by this run (English, beside Dutch), or
    skipped (`pdf: false`, or Chromium missing or failed)."""
    if main.get("pdf"):
        return dg.MetadataValue.path(str(main["pdf"]))
    if pdf and main.get("pdf_wanted") is False:
        return f"on request: wijkwijzer report --lang {lang}"
    return "skipped"


def _board_reports(deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    """Both languages in one step: the marts read once and every PDF of the run printed in one
    Chromium session (issue 20). Selecting one language renders only that one."""
    specs = [dg.AssetSpec(["reports", f"board_report_{lang}"], group_name="reports", deps=deps,
                          description=f"The board report in {name} for the latest complete quarter: "
                                      f"reports/<period>/board_report.{lang}.html and "
                                      + (".pdf (headless Chromium; skipped with a warning when Chromium is "
                                         "missing)" if lang in RUN_PDF_LANGS else
                                         "its PDF on request (`wijkwijzer report --lang en`, or this asset "
                                         "alone)") + "; with "
                                      "several gemeenten one per gemeente with data under "
                                      "reports/<period>/<gemeentecode>/ and "
                                      f"reports/<period>/national_summary.{lang}.html. Reads only "
                                      "published marts, the buurt geography and the load ledger.")
             for lang, name in LANG_NAMES.items()]

    @dg.multi_asset(specs=specs, name="board_reports", pool=WAREHOUSE_POOL, can_subset=True)
    def _asset(context: dg.AssetExecutionContext, config: BoardReportConfig, data_home: DataHomeResource,
               warehouse: WarehouseResource):
        langs = tuple(lang for lang in LANG_NAMES
                      if dg.AssetKey(["reports", f"board_report_{lang}"]) in context.selected_asset_keys)
        with warehouse.connect(read_only=True) as con:
            run = render_board_reports(con, data_home.home.reports, langs=langs, pdf=config.pdf)
        for lang in langs:
            mine = [r for r in run["reports"] if r["lang"] == lang]
            main = run["summary"].get(lang) or (mine[0] if mine else {})
            summary = [run["summary"][lang]] if lang in run["summary"] else []
            skipped = sum(d["pdf_wanted"] and d["pdf"] is None for d in [*mine, *summary])
            if skipped:
                context.log.warning("%d board report PDF(s) in %s skipped (Chromium missing or failed); "
                                    "the HTML is there", skipped, lang)
            yield dg.MaterializeResult(asset_key=["reports", f"board_report_{lang}"], metadata={
                "path": dg.MetadataValue.path(str(main.get("html"))),
                "period": run["period"],
                "seconds": run["seconds"],
                "gemeenten_reported": run["gemeenten_reported"],
                "html_bytes": main.get("html_bytes") or 0,
                "pdf": _pdf_metadata(main, lang, config.pdf),
                "pdf_bytes": main.get("pdf_bytes") or 0,
                "pdfs_kept": run["pdfs_kept"],   # printed before from the same text
            })

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
board_report_assets = [_board_reports(_DEPS)]
contract_checks = [_contract_check(key) for key in _DEPS]
