"""Planted truths, computed from the rows as they are written (never from the parameters), so
truth.json is exactly what a correct pipeline must find in the files."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import polars as pl

from . import rates
from .timeline import first_day, last_day, month_label, to_date
from .world import World

NO_TENANCY = "geen_huurcontract"
COST_DOMAIN = {"woonkosten": "wonen", "zorgkosten": "zorg", "welzijnskosten": "welzijn"}
SUSTAINMENT_RULE = (
    "A tenancy is sustained at k months when einddatum is empty or einddatum >= startdatum + "
    "k months (calendar months, as DuckDB `startdatum + INTERVAL k MONTH`), or when it ended "
    "before that with einde_reden = 'verhuizing'. Endings by 'ontbinding' or 'huisuitzetting' "
    "are failures; 'overlijden' and 'anders' before k months are not sustained either. Read "
    "from the huurcontracten files of the last month of all housing partners.")
# The same cohort by housing path on start + 12 months, as sql/core/person_outcome_tenancy_sustained.sql
# judges it (sources/outcomes.yaml housing_paths), for the housed / same-home outcomes.
MOVED_ON_WITHIN_DAYS = 31
HOUSING_WITH_CARE = ("beschermd_wonen",)
PATHS_RULE = (
    "On startdatum + 12 months: same_home when einddatum is empty or >= the horizon; died when it "
    "ended earlier by 'overlijden'; lost_housing by 'ontbinding' or 'huisuitzetting'; moved_on "
    f"when another tenancy of the same pseudonym, or a traject of zorgvorm {HOUSING_WITH_CARE}, "
    f"starts after startdatum, within {MOVED_ON_WITHIN_DAYS} days of einddatum and no later than "
    "the horizon, and runs on the horizon; otherwise lost_housing. housed = same_home + moved_on; "
    "decided = n - died. Read from the last month's huurcontracten and trajecten files.")


def cohort_window(world: World) -> tuple[int, int]:
    """The 12 start months whose 12-month outcome lies inside the delivered range."""
    last = world.timeline.last_month
    return int(first_day(last - 23)), int(last_day(last - 12))


class TruthRecorder:
    def __init__(self, world: World, out: Path):
        self.world = world
        self.out = out
        self.tl = world.timeline
        geo = world.geography
        self.buurtcodes = geo.buurten["buurtcode"].to_list()
        self.known = set(self.buurtcodes)
        self.focus = set(geo.buurten.filter(pl.col("gemeentecode") == geo.focus_gemeente)
                         ["buurtcode"].to_list())
        planted = world.nuisance["planted_buurt"]
        self.planted = None if planted is None else self.buurtcodes[planted]
        self.rows_per_file: dict[str, int] = {}
        self.rows_per_dataset: dict[str, int] = defaultdict(int)
        self.rows_per_partner: dict[str, int] = defaultdict(int)
        self.cents = defaultdict(int)  # (programme, domain) → cents
        self.nuisance_planted: dict[str, int] = {}
        self.nuisance_focus: dict[str, int] = {}
        self.incidents: dict[int, int] = defaultdict(int)
        self.last_contracts: list[pl.DataFrame] = []
        self.last_trajecten: list[pl.DataFrame] = []
        self.bad_rows: list[dict] = []

    def programme(self, group: np.ndarray) -> list[str]:
        names = np.array(rates.DOELGROEPEN + (NO_TENANCY,))
        return names[np.where(group < 0, len(rates.DOELGROEPEN), group)].tolist()

    def record(self, partner: str, dataset: str, period: str, path: Path,
               frame: pl.DataFrame) -> None:
        relative = path.relative_to(self.out).as_posix()
        self.rows_per_file[relative] = frame.height
        self.rows_per_dataset[dataset] += frame.height
        self.rows_per_partner[partner] += frame.height
        if dataset in COST_DOMAIN and frame.height:
            if "_doelgroep" in frame.columns:
                group = frame["_doelgroep"].to_numpy()
            else:
                group = self.world.person_group[frame["_person"].to_numpy()]
            sums = (pl.DataFrame({"programme": self.programme(group),
                                  "cents": frame["bedrag_eur"]})
                    .group_by("programme").agg(pl.col("cents").sum()))
            for programme, cents in sums.iter_rows():
                self.cents[(programme, COST_DOMAIN[dataset])] += int(cents)
        elif dataset == "overlastmeldingen":
            codes = frame["buurtcode"]
            self.nuisance_planted[period] = self.nuisance_planted.get(period, 0) + int(
                (codes == self.planted).sum())
            in_focus = codes.is_in(list(self.focus))  # unknown codes are rejects: not counted
            self.nuisance_focus[period] = self.nuisance_focus.get(period, 0) + int(in_focus.sum())
        elif dataset == "incidenten" and self.planted is not None:
            year = int(period[:4])
            self.incidents[year] += int(frame.filter(pl.col("buurtcode") == self.planted)
                                        ["aantal"].sum())
        elif dataset == "huurcontracten" and period == month_label(self.tl.last_month):
            self.last_contracts.append(frame.select("contract_id", "persoon_pseudoniem", "doelgroep",
                                                    "startdatum", "einddatum", "einde_reden"))
        elif dataset == "trajecten" and period == month_label(self.tl.last_month):
            self.last_trajecten.append(frame.select("persoon_pseudoniem", "zorgvorm", "startdatum",
                                                    "einddatum"))

    def planted_bad_row(self, **row) -> None:
        self.bad_rows.append(row)

    def cohort(self) -> dict:
        lo, hi = cohort_window(self.world)
        frame = pl.concat(self.last_contracts) if self.last_contracts else pl.DataFrame()
        cohort = frame.filter((pl.col("doelgroep") == "housing_first")
                              & pl.col("startdatum").is_between(to_date(lo), to_date(hi)))
        sustained = cohort.filter(
            pl.col("einddatum").is_null()
            | (pl.col("einddatum") >= pl.col("startdatum").dt.offset_by("12mo"))
            | (pl.col("einde_reden") == "verhuizing"))
        failures = cohort.filter(pl.col("einde_reden").is_in(["ontbinding", "huisuitzetting"])
                                 & (pl.col("einddatum") < pl.col("startdatum").dt.offset_by(
                                     "12mo")))
        n = cohort.height
        paths = self.housing_paths(cohort, frame)
        return {
            "doelgroep": "housing_first",
            "startdatum_from": to_date(lo).isoformat(), "startdatum_to": to_date(hi).isoformat(),
            "horizon_months": 12, "rule": SUSTAINMENT_RULE, "n": n,
            "sustained_12m": sustained.height, "failed_12m_by_court": failures.height,
            "sustained_share": round(sustained.height / n, 4) if n else None,
            "benchmark": "Trimbos Housing First monitor: 83% not homeless again, 73% same home",
            "paths_rule": PATHS_RULE, "housing_paths_12m": paths,
            "decided_12m": n - paths["died"], "housed_12m": paths["same_home"] + paths["moved_on"],
        }

    def housing_paths(self, cohort: pl.DataFrame, contracts: pl.DataFrame) -> dict[str, int]:
        """Count the cohort's housing paths on start + 12 months (PATHS_RULE)."""
        homes = [contracts.select("persoon_pseudoniem", "startdatum", "einddatum",
                                  home=pl.col("contract_id"))]
        if self.last_trajecten:
            care = pl.concat(self.last_trajecten).filter(pl.col("zorgvorm").is_in(HOUSING_WITH_CARE))
            homes.append(care.select("persoon_pseudoniem", "startdatum", "einddatum",
                                     home=pl.lit("traject")))
        later = pl.concat(homes, how="vertical_relaxed").rename(
            {"startdatum": "later_start", "einddatum": "later_end"})
        judged = cohort.with_columns(horizon=pl.col("startdatum").dt.offset_by("12mo"))
        ended = judged.filter(pl.col("einddatum") < pl.col("horizon"))
        moved = (ended.join(later, on="persoon_pseudoniem")
                 .filter((pl.col("home") != pl.col("contract_id"))
                         & (pl.col("later_start") > pl.col("startdatum"))
                         & (pl.col("later_start") <= pl.col("einddatum")
                            + pl.duration(days=MOVED_ON_WITHIN_DAYS))
                         & (pl.col("later_start") <= pl.col("horizon"))
                         & (pl.col("later_end").is_null() | (pl.col("later_end") >= pl.col("horizon"))))
                 ["contract_id"].unique())
        path = (pl.when(pl.col("einddatum").is_null() | (pl.col("einddatum") >= pl.col("horizon")))
                .then(pl.lit("same_home"))
                .when(pl.col("einde_reden") == "overlijden").then(pl.lit("died"))
                .when(pl.col("einde_reden").is_in(["ontbinding", "huisuitzetting"]))
                .then(pl.lit("lost_housing"))
                .when(pl.col("contract_id").is_in(moved.implode())).then(pl.lit("moved_on"))
                .otherwise(pl.lit("lost_housing")))
        counts = dict(judged.select(path.alias("path")).group_by("path").len().iter_rows())
        return {p: int(counts.get(p, 0)) for p in ("same_home", "moved_on", "lost_housing", "died")}

    def nuisance(self) -> dict:
        months = [month_label(m) for m in self.tl.months]
        planted = [self.nuisance_planted.get(m, 0) for m in months]
        focus = [self.nuisance_focus.get(m, 0) for m in months]
        slope = (float(np.polyfit(np.arange(len(focus)), focus, 1)[0]) if len(focus) >= 2
                 else 0.0)
        mean = float(np.mean(focus)) if focus else 0.0
        geo = self.world.geography
        row = geo.buurten.filter(pl.col("buurtcode") == self.planted).row(0, named=True) \
            if self.planted else {}
        return {
            "buurtcode": self.planted, "buurtnaam": row.get("buurtnaam"),
            "gemeentecode": geo.focus_gemeente, "months": months,
            "buurt_monthly_counts": planted,
            "strictly_increasing": all(b > a for a, b in zip(planted, planted[1:])),
            "gemeente_monthly_counts": focus,
            "gemeente_trend_pct_per_month": round(100 * slope / mean, 3) if mean else None,
            "rule": ("overlastmeldingen rows per meldingsdatum month, summed over all housing "
                     "partners; gemeente counts only rows with a known buurtcode of that "
                     "gemeente (planted bad rows are rejects and not counted)"),
        }

    def costs(self) -> dict:
        programmes = sorted({p for p, _ in self.cents})
        table = {}
        for programme in programmes:
            per_domain = {d: self.cents.get((programme, d), 0) for d in ("wonen", "zorg",
                                                                             "welzijn")}
            per_domain["totaal"] = sum(per_domain.values())
            table[programme] = {d: round(c / 100, 2) for d, c in per_domain.items()}
        domains = {d: round(sum(c for (_, dom), c in self.cents.items() if dom == d) / 100, 2)
                   for d in ("wonen", "zorg", "welzijn")}
        return {
            "unit": "EUR",
            "rule": ("sum of bedrag_eur over all months and partners; wonen = woonkosten, zorg = "
                     "zorgkosten, welzijn = welzijnskosten; programme = doelgroep of the "
                     "person's huurcontract (zorg/welzijn joined on persoon_pseudoniem via "
                     "trajecten/voorzieningen; every person has at most one tenancy), "
                     f"'{NO_TENANCY}' when the person has none"),
            "per_programme": table,
            "per_domain": domains,
        }

    def result(self, summary: dict) -> dict:
        return {
            "generator": summary,
            "pseudonyms": {"algorithm": "HMAC-SHA256(key, BSN as 9 ASCII digits), hex lower",
                           "key": "derived from the seed (the demo's stand-in for the trusted "
                                  "third party); BSNs are simulated and never written",
                           "persons": int(self.world.bsn.size)},
            "planted_bad_rows": self.bad_rows,
            "programme_cohort": self.cohort(),
            "nuisance_trend": self.nuisance(),
            "costs": self.costs(),
            "row_counts": {
                "total": sum(self.rows_per_file.values()),
                "files": len(self.rows_per_file),
                "per_dataset": dict(sorted(self.rows_per_dataset.items())),
                "per_partner": dict(sorted(self.rows_per_partner.items())),
                "per_file": dict(sorted(self.rows_per_file.items())),
            },
            "incidents": {"buurtcode": self.planted, "per_year": {
                str(y): self.incidents.get(y, 0) for y in self.tl.years}},
        }

    def write(self, summary: dict) -> dict:
        truth = self.result(summary)
        (self.out / "truth.json").write_text(
            json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return truth
