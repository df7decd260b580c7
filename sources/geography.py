"""Buurt geography from real CBS data, as a GeoDataFrame in EPSG:28992 (RD New).

Two loaders: the generalised Rotterdam GeoJSON that ships in `sources/reference/`, and the real
CBS wijk- en buurtkaart GeoPackage (layer `buurten`) for deployments that have it. Both return
the columns of `core.dim_buurt`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:  # imported where used: geopandas and pandas cost every process ~1.5 s
    import geopandas as gpd

REFERENCE_DIR = Path(__file__).with_name("reference")
ROTTERDAM_MAP = "buurten_2022_rotterdam_generalised.geojson"
RD_NEW = "EPSG:28992"
BUURTCODE = re.compile(r"^BU[0-9]{4}[0-9A-Z]{4}$")
CBS_SECRET_MAX = -99990  # CBS marks secret/missing values with sentinels at or below this

DIM_BUURT_COLUMNS = [
    "buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam",
    "inwoners", "huishoudens", "area_m2", "geometry",
]


def wijkcode_of(buurtcode: str) -> str:
    """BU + gemeente(4) + wijk(2) + buurt(2) → WK + gemeente(4) + wijk(2)."""
    return "WK" + buurtcode[2:8]


def _repair(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid polygons (one Rotterdam buurt is invalid as published)."""
    from shapely.validation import make_valid
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        frame.loc[invalid, "geometry"] = frame.loc[invalid, "geometry"].apply(make_valid)
    # make_valid may return collections with stray lines; keep the polygonal part.
    frame["geometry"] = frame.geometry.apply(
        lambda g: g if g.geom_type in ("Polygon", "MultiPolygon") else g.buffer(0))
    return frame


def _finish(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    bad = [c for c in frame["buurtcode"] if not BUURTCODE.match(str(c))]
    if bad:
        raise ValueError(f"{len(bad)} buurt codes do not match {BUURTCODE.pattern}, e.g. {bad[0]!r}")
    frame = _repair(frame.to_crs(RD_NEW))
    frame["area_m2"] = frame.geometry.area.round(0)
    return frame[DIM_BUURT_COLUMNS].sort_values("buurtcode").reset_index(drop=True)


def wijk_names(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Wijk names as the Leefbaarometer publishes them (CBS KWB extracts here carry none)."""
    lbm = pl.read_csv(reference_dir / "lbm_2002_2024_rotterdam_wijken.csv", null_values="NA")
    return dict(lbm.select("wk_code", "wk_naam").unique().iter_rows())


def rotterdam_buurtcodes(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """The buurtcodes of the shipped map, read as plain JSON: what a partner's `wijkwijzer check`
    and a first intake look codes up in, without the second geopandas takes to import."""
    return sorted(str(properties["statcode"]) for properties in _map_properties(reference_dir))


def _map_properties(reference_dir: Path) -> list[dict]:
    """Each buurt's properties on the shipped map, read as plain JSON."""
    features = json.loads((reference_dir / ROTTERDAM_MAP).read_text(encoding="utf-8"))["features"]
    return [feature["properties"] for feature in features]


def rotterdam_place_names(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """The names of the shipped map's buurten and of Rotterdam's wijken (Oude Westen, Tarwewijk,
    Rotterdam Centrum), read as plain JSON and CSV as rotterdam_buurtcodes is."""
    return sorted({str(properties["statnaam"]) for properties in _map_properties(reference_dir)}
                  | set(wijk_names(reference_dir).values()))


def load_rotterdam_buurten(reference_dir: Path = REFERENCE_DIR) -> gpd.GeoDataFrame:
    """The shipped CBS 2022 buurten of Rotterdam with KWB 2025 inhabitants and households."""
    import geopandas as gpd
    import pandas as pd
    shapes = gpd.read_file(reference_dir / ROTTERDAM_MAP)
    shapes = shapes.rename(columns={"statcode": "buurtcode", "statnaam": "buurtnaam",
                                    "gmCode": "gemeentecode"})
    kwb = pd.read_csv(reference_dir / "kwb_2025_rotterdam_buurten.csv")
    kwb = kwb.rename(columns={"bu_code": "buurtcode", "aantal_inwoners": "inwoners"})
    frame = shapes.merge(kwb[["buurtcode", "inwoners", "huishoudens"]], on="buurtcode", how="left")
    frame["wijkcode"] = frame["buurtcode"].map(wijkcode_of)
    frame["wijknaam"] = frame["wijkcode"].map(wijk_names(reference_dir))
    frame["gemeentenaam"] = "Rotterdam"
    for column in ("inwoners", "huishoudens"):
        frame[column] = frame[column].astype("Int64")
    return _finish(gpd.GeoDataFrame(frame, geometry="geometry", crs=shapes.crs))


def load_cbs_geopackage(path: Path, gemeentecode: str | None = None) -> gpd.GeoDataFrame:
    """The real CBS wijk- en buurtkaart GeoPackage: layer `buurten`, lower-case columns."""
    import geopandas as gpd
    import pandas as pd
    frame = gpd.read_file(path, layer="buurten")
    if gemeentecode:
        frame = frame[frame["gemeentecode"] == gemeentecode]
    numeric = frame.select_dtypes("number").columns
    frame[numeric] = frame[numeric].mask(frame[numeric] <= CBS_SECRET_MAX)
    frame = frame.rename(columns={"aantal_inwoners": "inwoners",
                                  "aantal_huishoudens": "huishoudens"})
    for column in ("wijkcode", "wijknaam", "gemeentenaam", "inwoners", "huishoudens"):
        if column not in frame:
            frame[column] = None
    frame["wijkcode"] = frame["wijkcode"].fillna(frame["buurtcode"].map(wijkcode_of))
    for column in ("inwoners", "huishoudens"):
        frame[column] = pd.array(frame[column].round(), dtype="Int64")
    return _finish(frame)


def to_arrow_table(frame: gpd.GeoDataFrame):
    """GeoDataFrame → Arrow with the geometry as WKB, for DuckDB (no spatial extension offline)."""
    import pandas as pd
    plain = pd.DataFrame(frame.drop(columns="geometry"))
    plain["geometry_wkb"] = frame.geometry.to_wkb()
    return pl.from_pandas(plain).to_arrow()
