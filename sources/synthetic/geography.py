"""The buurten the synthetic world lives in, with who serves each buurt.

City scale uses the real Rotterdam buurten (CBS KWB 2025 inhabitants and households, the
Leefbaarometer 2024 deviation as a signal of where vulnerable tenants concentrate). Every world,
city or national, is described by the same frame (`BUURT_COLUMNS`), so the world model does not
know which scale it simulates.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from . import rates
from .partners import CITY_PARTNERS, Partner

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
ROTTERDAM = "GM0599"

BUURT_COLUMNS = (
    "buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam", "inwoners",
    "huishoudens", "social_share", "vulnerability", "lbm_afw",
    # partner serving the buurt, per domain; housing has two corporations with a split
    "wonen_primary", "wonen_secondary", "secondary_share", "zorg", "welzijn", "veiligheid",
    "bewoners",
)


@dataclass(frozen=True)
class Geography:
    buurten: pl.DataFrame  # BUURT_COLUMNS, one row per buurt, sorted by buurtcode
    partners: tuple[Partner, ...]
    home_fraction: float  # share of the real social stock that is simulated
    aggregate_fraction: float  # scale of aggregated counts (incidents, survey)
    focus_gemeente: str  # the gemeente whose city-wide nuisance stays flat (truth b)
    bad_row_partner: str  # the one housing partner whose file gets the planted bad row

    def partners_of(self, domain: str) -> list[Partner]:
        return [p for p in self.partners if p.domain == domain]


def rotterdam_buurten(reference_dir: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Real Rotterdam buurten with KWB 2025 inhabitants: code, names, counts, Leefbaarometer."""
    kwb = pl.read_csv(reference_dir / "kwb_2025_rotterdam_buurten.csv",
                      schema_overrides={"bu_code": pl.String})
    lbm = pl.read_csv(reference_dir / "lbm_2024_rotterdam_buurten.csv", null_values="NA")
    wijken = (pl.read_csv(reference_dir / "lbm_2002_2024_rotterdam_wijken.csv", null_values="NA")
              .select("wk_code", "wk_naam").unique())
    frame = (kwb.filter(pl.col("aantal_inwoners") > 0)  # only buurten with KWB inhabitants
             .join(lbm.select("bu_code", pl.col("afw").alias("lbm_afw")), on="bu_code",
                   how="left")
             .with_columns(wijkcode=pl.lit("WK") + pl.col("bu_code").str.slice(2, 6))
             .join(wijken, left_on="wijkcode", right_on="wk_code", how="left"))
    # CBS marks secret values with large negative sentinels; households then follow inhabitants.
    frame = frame.with_columns(
        huishoudens=pl.when(pl.col("huishoudens") < 0)
        .then((pl.col("aantal_inwoners") / rates.NATIONAL_HOUSEHOLD_SIZE).round())
        .otherwise(pl.col("huishoudens")).cast(pl.Int64),
        lbm_afw=pl.col("lbm_afw").fill_null(0.0))
    return frame.select(
        buurtcode="bu_code", buurtnaam="bu_naam", wijkcode="wijkcode", wijknaam="wk_naam",
        gemeentecode=pl.lit(ROTTERDAM), gemeentenaam=pl.lit("Rotterdam"),
        inwoners=pl.col("aantal_inwoners").cast(pl.Int64), huishoudens="huishoudens",
        lbm_afw="lbm_afw").sort("buurtcode")


def rotterdam_social_profile(frame: pl.DataFrame) -> pl.DataFrame:
    """Social-rent share and vulnerability per buurt, by wijk, scaled to the city totals."""
    wijk = frame["wijkcode"].str.slice(6, 2).to_numpy()
    weight = np.array([rates.WIJK_SOCIAL_WEIGHT.get(w, 0.9) for w in wijk])
    households = frame["huishoudens"].to_numpy().astype(float)
    share = np.minimum(weight * rates.ROTTERDAM_SOCIAL_SHARE * households.sum()
                       / (weight * households).sum(), 0.85)
    # Poorer Leefbaarometer deviation (afw < 0) → more vulnerable tenants; wijk boost on top.
    boost = np.array([rates.VULNERABLE_WIJK_BOOST.get(w, 1.0) for w in wijk])
    vulnerability = np.exp(-3.0 * frame["lbm_afw"].to_numpy()) * boost
    return frame.with_columns(social_share=pl.Series(share), vulnerability=pl.Series(vulnerability))


def city_geography(home_fraction: float, reference_dir: Path = REFERENCE_DIR) -> Geography:
    frame = rotterdam_social_profile(rotterdam_buurten(reference_dir))
    wijk = frame["wijkcode"].str.slice(6, 2).to_list()
    frame = frame.with_columns(
        wonen_primary=pl.lit("havensteder"), wonen_secondary=pl.lit("woonstad"),
        secondary_share=pl.Series([1.0 - rates.HAVENSTEDER_SHARE.get(w, 0.5) for w in wijk]),
        zorg=pl.lit("zorgaanbieder"), welzijn=pl.lit("gemeente"), veiligheid=pl.lit("politie"),
        bewoners=pl.lit("bewonerspanel"))
    return Geography(frame.select(BUURT_COLUMNS), CITY_PARTNERS, home_fraction, 1.0,
                     ROTTERDAM, "woonstad")
