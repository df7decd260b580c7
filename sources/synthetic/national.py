"""National scale for benchmarks: ~14,500 buurten in ~340 gemeenten, ~2.3 million social homes,
many partners per domain.

Gemeenten other than Rotterdam are synthetic (codes, names, square geometries on a grid over the
Netherlands in EPSG:28992); Rotterdam keeps its real buurten, numbers and polygons. The buurt
reference goes to `out/reference/buurten_national.csv`, the partners to
`out/partners_national.json` so a benchmark can extend the registry.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from . import rates
from .geography import (BUURT_COLUMNS, REFERENCE_DIR, ROTTERDAM, Geography, rotterdam_buurten,
                        rotterdam_social_profile)
from .identity import rng
from .partners import DOMAIN_DIALECT, Partner

N_GEMEENTEN = 340  # including Rotterdam
N_BUURTEN = 14_500
GRID_COLUMNS, GRID_ROWS = 20, 17  # 340 cells over the Netherlands
RD_BOX = (13_000, 306_000, 278_000, 620_000)  # x0, y0, x1, y1 in EPSG:28992
ROTTERDAM_XY = (92_000, 437_000)
N_CORPORATIONS = 20
N_CARE_PROVIDERS = 5
# Regions for municipal (welzijn) and resident panel partners, and the ten police units,
# each with an anchor point in RD coordinates; a gemeente belongs to the nearest anchor.
REGIONS = {"noord": (215_000, 565_000), "oost": (215_000, 465_000), "midden": (145_000, 460_000),
           "west": (105_000, 490_000), "zuid": (165_000, 385_000), "zuidwest": (65_000, 390_000)}
POLICE_UNITS = {
    "noord_nederland": (220_000, 570_000), "oost_nederland": (220_000, 470_000),
    "midden_nederland": (145_000, 455_000), "noord_holland": (115_000, 520_000),
    "amsterdam": (121_000, 487_000), "den_haag": (81_000, 455_000),
    "rotterdam": (92_000, 437_000), "zeeland_west_brabant": (75_000, 390_000),
    "oost_brabant": (160_000, 400_000), "limburg": (190_000, 340_000),
}
NAME_HEADS = ("Noord", "Zuid", "Oost", "West", "Hoog", "Laag", "Groot", "Klein", "Nieuw", "Oud",
              "Ooster", "Wester", "Zuider", "Noorder", "Midden", "Hollands", "Sint", "Ter")
NAME_TAILS = ("dam", "dorp", "veen", "horst", "berg", "broek", "wijk", "meer", "hoven", "zijl",
              "drecht", "woude", "kerk", "haven", "stein", "lo", "sloot", "brug", "werf", "veld",
              "land", "rode", "hem", "huizen")
BUURT_NAMES = ("Centrum", "Noord", "Oost", "Zuid", "West", "Dorp", "Haven", "Molenwijk",
               "Parkwijk", "Bloemenbuurt", "Vogelbuurt", "Schildersbuurt", "Bomenbuurt",
               "Stationsbuurt", "Kerkbuurt", "Buitengebied", "Bedrijventerrein", "De Hoven",
               "Het Veld", "De Akkers")


def nearest(points: np.ndarray, anchors: np.ndarray, k: int = 1) -> np.ndarray:
    distance = ((points[:, None, :] - anchors[None, :, :]) ** 2).sum(axis=2)
    return np.argsort(distance, axis=1)[:, :k]


def rotterdam_polygons(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Real Rotterdam buurt polygons as WKT in RD New (the one invalid polygon repaired)."""
    import geopandas as gpd
    from shapely.validation import make_valid
    shapes = gpd.read_file(reference_dir / "buurten_2022_rotterdam_generalised.geojson")
    shapes = shapes.to_crs("EPSG:28992")
    geometry = shapes.geometry.apply(lambda g: g if g.is_valid else make_valid(g))
    return {code: g.wkt for code, g in zip(shapes["statcode"],
                                            geometry.set_precision(1.0))}


def synthetic_gemeenten(g: np.random.Generator) -> pl.DataFrame:
    n = N_GEMEENTEN - 1
    codes = np.sort(g.choice(np.setdiff1d(np.arange(1, 2000), [599]), size=n, replace=False))
    names = [h + t for h in NAME_HEADS for t in NAME_TAILS]
    names = [names[i] for i in g.choice(len(names), size=n, replace=False)]
    rotterdam_inhabitants = 672_935
    size = np.exp(g.normal(10.2, 0.85, n))
    inhabitants = np.maximum(size / size.sum() * (rates.NATIONAL_INHABITANTS
                                                  - rotterdam_inhabitants), 1_000).round()
    # Every grid cell but the one Rotterdam sits in; cells are shuffled over the gemeenten.
    x0, y0, x1, y1 = RD_BOX
    cell_w, cell_h = (x1 - x0) / GRID_COLUMNS, (y1 - y0) / GRID_ROWS
    rotterdam_cell = (int((ROTTERDAM_XY[1] - y0) // cell_h) * GRID_COLUMNS
                      + int((ROTTERDAM_XY[0] - x0) // cell_w))
    cells = g.permutation(np.setdiff1d(np.arange(GRID_COLUMNS * GRID_ROWS), [rotterdam_cell]))
    return pl.DataFrame({
        "gemeentecode": [f"GM{c:04d}" for c in codes], "gemeentenaam": names,
        "inwoners": inhabitants.astype(np.int64),
        "cell_x": x0 + (cells % GRID_COLUMNS) * cell_w, "cell_y": y0 + (cells // GRID_COLUMNS)
        * cell_h, "cell_w": np.full(n, cell_w), "cell_h": np.full(n, cell_h)})


def synthetic_buurten(g: np.random.Generator, gemeenten: pl.DataFrame, n_buurten: int
                      ) -> pl.DataFrame:
    inhabitants = gemeenten["inwoners"].to_numpy().astype(float)
    # Larger gemeenten have more, but not proportionally more, buurten.
    raw = inhabitants ** 0.75
    per_gemeente = np.clip(np.round(raw / raw.sum() * n_buurten), 3, 900).astype(np.int64)
    gemeente = np.repeat(np.arange(gemeenten.height), per_gemeente)
    index = np.arange(gemeente.size) - np.repeat(np.cumsum(per_gemeente) - per_gemeente,
                                                  per_gemeente)
    # Codes BU + gemeente(4) + wijk(2) + buurt(2): 4-12 buurten per wijk, at most 99 wijken.
    wijk_size = np.maximum(g.integers(4, 13, gemeenten.height),
                           np.ceil(per_gemeente / 99).astype(np.int64))[gemeente]
    wijk, buurt = index // wijk_size, index % wijk_size
    gm_digits = gemeenten["gemeentecode"].str.slice(2, 4).to_numpy()[gemeente]
    codes = [f"BU{d}{w:02d}{b:02d}" for d, w, b in zip(gm_digits, wijk, buurt)]
    names = [f"{gemeenten['gemeentenaam'][int(gm)]} {BUURT_NAMES[i % len(BUURT_NAMES)]}"
             + (f" {i // len(BUURT_NAMES) + 1}" if i >= len(BUURT_NAMES) else "")
             for gm, i in zip(gemeente, index)]
    weight = np.exp(g.normal(0, 0.8, gemeente.size))
    weight /= np.bincount(gemeente, weights=weight)[gemeente]
    buurt_inhabitants = np.round(weight * inhabitants[gemeente]).astype(np.int64)
    household_size = np.clip(g.normal(rates.NATIONAL_HOUSEHOLD_SIZE, 0.25, gemeente.size),
                             1.3, 3.2)
    # Cities rent out more social homes than villages; buurten vary around their gemeente.
    mean_share = np.clip(0.18 + 0.08 * np.log10(inhabitants / 20_000), 0.12, 0.42)[gemeente]
    share = g.beta(mean_share * 8, (1 - mean_share) * 8)
    afw = g.normal(0, 0.06, gemeenten.height)[gemeente] + g.normal(0, 0.06, gemeente.size)
    # Square geometry per buurt on a sub-grid of the gemeente's cell.
    cell = gemeenten.select("cell_x", "cell_y", "cell_w", "cell_h").to_numpy()[gemeente]
    k = np.ceil(np.sqrt(per_gemeente))[gemeente]
    col, row = index % k, index // k
    sub_w, sub_h = cell[:, 2] / k, cell[:, 3] / k
    side = 0.8 * np.minimum(sub_w, sub_h)
    x = np.round(cell[:, 0] + col * sub_w + 0.1 * sub_w).astype(np.int64)
    y = np.round(cell[:, 1] + row * sub_h + 0.1 * sub_h).astype(np.int64)
    s = np.round(side).astype(np.int64)
    wkt = [f"POLYGON (({a} {b}, {a + d} {b}, {a + d} {b + d}, {a} {b + d}, {a} {b}))"
           for a, b, d in zip(x, y, s)]
    return pl.DataFrame({
        "buurtcode": codes, "buurtnaam": names,
        "wijkcode": [f"WK{c[2:8]}" for c in codes],
        "gemeentecode": gemeenten["gemeentecode"].to_numpy()[gemeente],
        "gemeentenaam": gemeenten["gemeentenaam"].to_numpy()[gemeente],
        "inwoners": buurt_inhabitants,
        "huishoudens": np.round(buurt_inhabitants / household_size).astype(np.int64),
        "social_share": share, "lbm_afw": afw, "geometry_wkt": wkt,
        "x": cell[:, 0] + cell[:, 2] / 2, "y": cell[:, 1] + cell[:, 3] / 2})


def national_partners(corporations: int = N_CORPORATIONS) -> tuple[Partner, ...]:
    partners = [Partner(f"corporatie{i + 1:02d}", "wonen",
                        "wonen_lower" if i % 2 == 0 else "wonen_capitalised")
                for i in range(corporations)]
    partners += [Partner(f"zorgaanbieder{i + 1:02d}", "zorg", DOMAIN_DIALECT["zorg"])
                 for i in range(N_CARE_PROVIDERS)]
    partners += [Partner(f"gemeente_{r}", "welzijn", DOMAIN_DIALECT["welzijn"])
                 for r in ("rotterdam", *REGIONS)]
    partners += [Partner(f"politie_{u}", "veiligheid", DOMAIN_DIALECT["veiligheid"])
                 for u in POLICE_UNITS]
    partners += [Partner(f"bewonerspanel_{r}", "bewoners", DOMAIN_DIALECT["bewoners"])
                 for r in ("rotterdam", *REGIONS)]
    return tuple(partners)


def national_geography(seed: int, fraction: float = 1.0, kept_gemeenten: int | None = None) -> Geography:
    """All buurten of the synthetic Netherlands; `fraction` scales households and people (not
    the number of buurten) so tests can run the national code path in seconds. `kept_gemeenten` keeps
    Rotterdam and the first others by code, with the partners that serve them: the national
    code path (many gemeenten, partners across them) at a size a benchmark can finish."""
    if not 0 < fraction <= 1:
        raise ValueError("national_fraction must be in (0, 1]")
    if kept_gemeenten is not None and not 1 <= kept_gemeenten <= N_GEMEENTEN:
        raise ValueError(f"national_gemeenten must be in [1, {N_GEMEENTEN}]")
    g = rng(seed, "national")
    gemeenten = synthetic_gemeenten(g)
    others = synthetic_buurten(g, gemeenten, N_BUURTEN - 87)
    # Scale social shares so the country has ~2.3 million corporation homes.
    rotterdam = rotterdam_social_profile(rotterdam_buurten())
    rotterdam_homes = float((rotterdam["huishoudens"] * rotterdam["social_share"]).sum())
    target = rates.NATIONAL_SOCIAL_HOMES - rotterdam_homes
    current = float((others["huishoudens"] * others["social_share"]).sum())
    others = others.with_columns(social_share=(pl.col("social_share") * target / current)
                                 .clip(0, 0.9),
                                 vulnerability=(-3.0 * pl.col("lbm_afw")).exp())
    polygons = rotterdam_polygons()
    rotterdam = rotterdam.with_columns(
        geometry_wkt=pl.col("buurtcode").replace_strict(polygons, default=None),
        x=pl.lit(float(ROTTERDAM_XY[0])), y=pl.lit(float(ROTTERDAM_XY[1])))
    columns = ["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "inwoners",
               "huishoudens", "social_share", "vulnerability", "lbm_afw", "geometry_wkt", "x",
               "y"]
    frame = pl.concat([rotterdam.select(columns), others.select(columns)],
                      how="vertical_relaxed").sort("buurtcode")

    # Partners by position: corporations and care providers around random anchors (two
    # corporations per gemeente), municipalities/panels/police by region.
    gm = frame.group_by("gemeentecode", maintain_order=True).agg(pl.col("x").first(),
                                                                  pl.col("y").first())
    points = gm.select("x", "y").to_numpy()
    x0, y0, x1, y1 = RD_BOX
    corp_anchor = np.column_stack([g.uniform(x0, x1, N_CORPORATIONS),
                                   g.uniform(y0, y1, N_CORPORATIONS)])
    corp = nearest(points, corp_anchor, 2)
    care = nearest(points, np.column_stack([g.uniform(x0, x1, N_CARE_PROVIDERS),
                                            g.uniform(y0, y1, N_CARE_PROVIDERS)]))[:, 0]
    region = np.array(list(REGIONS))[nearest(points, np.array(list(REGIONS.values())))[:, 0]]
    police = np.array(list(POLICE_UNITS))[
        nearest(points, np.array(list(POLICE_UNITS.values())))[:, 0]]
    is_rotterdam = gm["gemeentecode"].to_numpy() == ROTTERDAM
    region = np.where(is_rotterdam, "rotterdam", region)
    police = np.where(is_rotterdam, "rotterdam", police)
    assignment = pl.DataFrame({
        "gemeentecode": gm["gemeentecode"],
        "wonen_primary": [f"corporatie{i + 1:02d}" for i in corp[:, 0]],
        "wonen_secondary": [f"corporatie{i + 1:02d}" for i in corp[:, 1]],
        "secondary_share": g.uniform(0.1, 0.45, gm.height),
        "zorg": [f"zorgaanbieder{i + 1:02d}" for i in care],
        "welzijn": [f"gemeente_{r}" for r in region],
        "veiligheid": [f"politie_{p}" for p in police],
        "bewoners": [f"bewonerspanel_{r}" for r in region]})
    if kept_gemeenten is not None:
        kept = [ROTTERDAM, *sorted(set(assignment["gemeentecode"].to_list()) - {ROTTERDAM})[:kept_gemeenten - 1]]
        assignment = assignment.filter(pl.col("gemeentecode").is_in(kept))
    frame = frame.join(assignment, on="gemeentecode", how="inner", maintain_order="left")
    serving = set(assignment.drop("gemeentecode", "secondary_share").unpivot()["value"].to_list())
    # The planted bad row goes to Rotterdam's main corporation (it surely has reports).
    bad_row_partner = assignment.filter(pl.col("gemeentecode") == ROTTERDAM)["wonen_primary"][0]
    geo = Geography(frame.select(*BUURT_COLUMNS, "geometry_wkt"),
                    tuple(p for p in national_partners() if p.name in serving), fraction,
                    fraction, ROTTERDAM, bad_row_partner)
    return geo


def write_national_reference(geo: Geography, out: Path) -> None:
    """The synthetic buurt reference and the partner list a benchmark registry needs."""
    folder = out / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    (geo.buurten.select(
        bu_code="buurtcode", bu_naam="buurtnaam", wk_code="wijkcode", gm_code="gemeentecode",
        gm_naam="gemeentenaam", inhabitants="inwoners", households="huishoudens",
        geometry_wkt="geometry_wkt")
     .write_csv(folder / "buurten_national.csv"))
    partners = [{"name": p.name, "domain": p.domain, "datasets": list(p.datasets)}
                for p in geo.partners]
    (out / "partners_national.json").write_text(json.dumps(
        {"crs": "EPSG:28992", "reference": "reference/buurten_national.csv",
         "partners": partners}, indent=2) + "\n", encoding="utf-8")
