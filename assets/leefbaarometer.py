"""The Leefbaarometer 3.0 beside our index: its nine named classes (sources/reference/lbm_classes.yaml),
the 2002-2024 wijk series, and the rank agreement (Spearman) between our themes and its dimensions.

core.leefbaarometer (the 2024 buurt scores) is loaded by assets/indicators.py; the classes per
area and year are the SQL model sql/marts/leefbaarometer.sql."""
from __future__ import annotations

import dagster as dg
import duckdb
import polars as pl

from assets.metadata import table_metadata
from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from sources.geography import REFERENCE_DIR
from sources.leefbaarometer import load_classes

WIJKEN_CSV = REFERENCE_DIR / "lbm_2002_2024_rotterdam_wijken.csv"
WIJKEN_KEY = dg.AssetKey(["core", "leefbaarometer_wijken"])
CLASSES_KEY = dg.AssetKey(["core", "leefbaarometer_klassen"])
AGREEMENT_KEY = dg.AssetKey(["marts", "leefbaarometer_agreement"])


def write_lbm_reference(con: duckdb.DuckDBPyConnection) -> int:
    """core.leefbaarometer_wijken (20 wijken, 2002-2024) and core.leefbaarometer_klassen."""
    wijken = pl.read_csv(WIJKEN_CSV, null_values=["NA", ""]).rename(
        {"wk_code": "wijkcode", "wk_naam": "wijknaam"})
    spec = load_classes()
    classes = pl.DataFrame(spec["classes"], schema_overrides={"lower": pl.Float64, "upper": pl.Float64})
    con.execute("create or replace table core.leefbaarometer_wijken as select * from wijken")
    con.execute("create or replace table core.leefbaarometer_klassen as select * from classes")
    return wijken.height


@dg.multi_asset(
    name="leefbaarometer_reference",
    specs=[dg.AssetSpec(WIJKEN_KEY, group_name="core", description=(
               "Leefbaarometer 3.0 scores per Rotterdam wijk 2002-2024 (dimensions from 2018). "
               "Bron: Leefbaarometer, Ministerie van BZK.")),
           dg.AssetSpec(CLASSES_KEY, group_name="core", description=(
               "The Leefbaarometer's nine named classes with their boundaries on afw, from "
               "sources/reference/lbm_classes.yaml (cited there)."))],
    pool=WAREHOUSE_POOL)
def leefbaarometer_reference(warehouse: WarehouseResource):
    with warehouse.connect() as con:
        write_lbm_reference(con)
        wijken, classes = table_metadata(con, "core.leefbaarometer_wijken"), table_metadata(con, "core.leefbaarometer_klassen")
    yield dg.MaterializeResult(asset_key=WIJKEN_KEY, metadata=wijken)
    yield dg.MaterializeResult(asset_key=CLASSES_KEY, metadata=classes)


def lbm_agreement(con: duckdb.DuckDBPyConnection, period: str | None = None) -> list[dict]:
    """Spearman rank correlation over the buurten between our yearly theme scores (the latest
    year, or `period`) and the Leefbaarometer 2024 dimensions they correspond to."""
    from scipy import stats  # here, not at the top: the import costs every process ~1 s
    period = period or con.execute("""select max(period) from marts.liveability_index
                                      where period_type = 'year'""").fetchall()[0][0]
    rows = []
    for lbm_dimension, spec in load_classes()["dimensions"].items():
        if not spec["ours"]:
            continue
        pairs = con.execute(f"""
            select index.score, lbm."{lbm_dimension}"
            from marts.liveability_index as index
            inner join core.leefbaarometer as lbm on lbm.buurtcode = index.area_code
            where index.area_level = 'buurt' and index.period = ? and index.dimension = ?
              and lbm."{lbm_dimension}" is not null""", [period, spec["ours"]]).fetchall()
        rho, p_value = (stats.spearmanr([a for a, _ in pairs], [b for _, b in pairs])
                        if len(pairs) >= 3 else (None, None))
        rows.append({"period": period, "dimension": spec["ours"], "lbm_dimension": lbm_dimension,
                     "lbm_name_nl": spec["nl"], "lbm_name_en": spec["en"], "buurten": len(pairs),
                     "spearman": None if rho is None else round(float(rho), 3),
                     "p_value": None if p_value is None else round(float(p_value), 4)})
    return rows


def write_lbm_agreement(con: duckdb.DuckDBPyConnection) -> int:
    rows = pl.DataFrame(lbm_agreement(con), schema_overrides={"spearman": pl.Float64,
                                                              "p_value": pl.Float64})
    con.execute("create or replace table marts.leefbaarometer_agreement as select * from rows")
    return rows.height


@dg.asset(key=AGREEMENT_KEY, group_name="marts", pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(["marts", "liveability_index"]), dg.AssetKey(["core", "leefbaarometer"])],
          description="Rank agreement (Spearman, over the buurten) between our yearly theme scores "
                      "and the Leefbaarometer 2024 dimensions: wonen-woningvoorraad, "
                      "veiligheid-overlast en onveiligheid, sociaal-sociale samenhang, totaal-afw.")
def leefbaarometer_agreement(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        n = write_lbm_agreement(con)
        return dg.MaterializeResult(metadata={"dimensions": n,
                                              **table_metadata(con, "marts.leefbaarometer_agreement")})
