"""`generate()`: build a world, write every partner's deliveries, then truth.json.

Files are produced partner by partner and month by month, each frame written and dropped at
once, so memory stays bounded by the world's entity arrays plus one partner-month.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl

from . import events
from .events import PartnerView
from .geography import city_geography
from .identity import rng
from .partners import FULL_HISTORY, SNAPSHOT, YEARLY, Partner
from .timeline import Timeline, last_day, month_label, to_date
from .truths import TruthRecorder
from .world import World, build_world
from .writers import write_file

SCALES = ("city", "national")
# City scale simulates one in seven social homes of Rotterdam (with everything that hangs off
# them) so 24 months stay well under two million rows and generate in seconds.
CITY_HOME_FRACTION = 0.15


def periods(dataset: str, tl: Timeline) -> list[tuple[str, int]]:
    """(file period label, month or year) pairs for a dataset."""
    if dataset in SNAPSHOT:
        return [(to_date(last_day(tl.last_month)).isoformat(), tl.last_month)]
    if dataset in YEARLY:
        return [(str(year), year) for year in tl.years]
    return [(month_label(m), m) for m in tl.months]


def bad_row_target(world: World) -> tuple[str, int] | None:
    """(partner, month) whose overlastmeldingen file gets the planted bad row: the preferred
    housing partner (another one if it has no reports), the month nearest the middle of the
    range. It needs a report outside the planted buurt so the nuisance truth stays exact."""
    n = world.nuisance
    preferred = world.geography.bad_row_partner
    names = sorted(world.corporations, key=lambda name: name != preferred)
    outside = n["cell_buurt"] != (-1 if n["planted_buurt"] is None else n["planted_buurt"])
    middle = (len(world.timeline.months) - 1) / 2
    for name in names:
        cells = outside & (n["cell_corp"] == world.corporations.index(name))
        available = np.flatnonzero(n["counts"][cells].sum(axis=0) > 0)
        if available.size:
            month = world.timeline.first_month + int(
                available[np.argmin(np.abs(available - middle))])
            return name, month
    return None


class Deliveries:
    """Frames per partner, dataset and period."""

    def __init__(self, world: World, truth: TruthRecorder):
        self.world = world
        self.truth = truth
        self.id_base = events.overlast_id_base(world)
        self.bad_row = bad_row_target(world)

    def frame(self, view: PartnerView, dataset: str, period: str, when: int) -> pl.DataFrame:
        if dataset == "verhuureenheden":
            return events.verhuureenheden(view)
        if dataset == "overlastmeldingen":
            frame = events.overlastmeldingen(view, when, self.id_base)
            if self.bad_row == (view.partner.name, when):
                frame = self.plant_bad_row(view, frame, period)
            return frame
        if dataset == "bewonersenquete":
            return events.bewonersenquete(view, when, self.world.nuisance["planted_buurt"])
        return getattr(events, dataset)(view, when)

    def plant_bad_row(self, view: PartnerView, frame: pl.DataFrame, period: str
                      ) -> pl.DataFrame:
        """Exactly one row with a buurtcode that exists nowhere (outside the planted buurt)."""
        candidates = np.flatnonzero(frame["_buurt"].to_numpy()
                                    != self.world.nuisance["planted_buurt"])
        row = int(rng(self.world.seed, "bad_row").choice(candidates))
        melding_id = frame["melding_id"][row]
        frame = frame.with_columns(
            buurtcode=pl.when(pl.int_range(pl.len()) == row)
            .then(pl.lit(events.UNKNOWN_BUURTCODE)).otherwise(pl.col("buurtcode")))
        self.truth.planted_bad_row(
            partner=view.partner.name, dataset="overlastmeldingen", period=period,
            key={"melding_id": melding_id}, column="buurtcode", value=events.UNKNOWN_BUURTCODE,
            rule="unknown buurtcode: the row goes to the rejects table, the file loads with a "
                 "warning")
        return frame


def clear_previous(out: Path, partner: Partner) -> None:
    """Remove this partner's files of an earlier generation so `out` holds one world."""
    folder = out / partner.name
    if folder.is_dir():
        for old in folder.glob(f"{partner.name}__*__*.*"):
            old.unlink()


def generate(scale: str = "city", months: int = 24, seed: int = 42, out: Path | str | None = None,
             end_month: str = "2026-10", *, national_fraction: float = 1.0,
             national_gemeenten: int | None = None) -> dict:
    """Write a synthetic partner world into `out` and return {files, rows, seconds}.

    `national_fraction` shrinks the national world (households, hence homes, people and
    counts) for tests; the full national world is `national_fraction=1.0`.
    `national_gemeenten` keeps that many of its gemeenten (Rotterdam first) and their partners.
    """
    if out is None:
        raise TypeError("generate() needs an output folder: out=Path(...)")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tl = Timeline.ending(end_month, months)
    if scale == "city":
        geo = city_geography(CITY_HOME_FRACTION)
        fraction = CITY_HOME_FRACTION
    else:
        from .national import national_geography, write_national_reference
        geo = national_geography(seed, national_fraction, national_gemeenten)
        write_national_reference(geo, out)
        fraction = national_fraction
    world = build_world(geo, tl, seed)
    truth = TruthRecorder(world, out)
    deliveries = Deliveries(world, truth)
    for partner in geo.partners:
        clear_previous(out, partner)
        view = PartnerView(world, partner)
        for dataset in partner.datasets:
            for period, when in periods(dataset, tl):
                frame = deliveries.frame(view, dataset, period, when)
                path = write_file(frame, out, partner.name, partner.dialect, dataset, period)
                truth.record(partner.name, dataset, period, path, frame)
                del frame
        del view  # drops this partner's pseudonyms and id columns
    settings = {"scale": scale, "months": months, "seed": seed, "end_month": end_month,
                "first_month": month_label(tl.first_month),
                "history_start": to_date(tl.history_start_day).isoformat(),
                "home_fraction": fraction, "full_history_datasets": sorted(FULL_HISTORY),
                "buurten": geo.buurten.height, "partners": [p.name for p in geo.partners]}
    counts = truth.write(settings)["row_counts"]
    return {"files": counts["files"], "rows": counts["total"],
            "seconds": round(time.perf_counter() - started, 2)}
