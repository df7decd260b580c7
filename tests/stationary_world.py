"""A simulated world without any real change, written straight into marts.indicator_values: every
buurt of Rotterdam keeps one true rate (share, mean) per indicator for two years, and every month
draws its counts from it (Poisson, binomial, normal survey marks). Because the truth is known, the
estimates' intervals, the change flags and the index's city relation can be checked against it.
Built once per test session (tests/conftest.py); the index steps after marts.indicator_values are
the production definitions' assets, run by Dagster."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from assets.indicators import write_catalogue
from engine.sqlmodels import build, discover
from engine.warehouse import connect
from pipelines.runner import PROVIDED, materialize_tables
from sources.indicators import load_catalogue

MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(36)]   # 2024-01 .. 2026-12
SURVEY_SD = 1.6   # one resident's mark around the buurt mean
# Written here instead of computed from partner data: the map, the catalogue, the calendar and the
# indicator values. Everything from there to the index is built as in the pipeline.
SIMULATED = (*PROVIDED, "core.indicator_catalogue", "core.index_settings", "core.index_themes",
             "core.calendar_months", "core.calendar_periods", "marts.indicator_values")
INDEX_STEPS = ("marts.liveability_index", "marts.indicator_changes")


def _truth(catalogue, n_buurten: int, rng: np.random.Generator) -> dict[str, dict]:
    """Per indicator: the model, the true buurt rates and the monthly base per buurt."""
    truth, bases = {}, {}
    for indicator in catalogue.indicators:
        unit, counts = indicator.unit.key, indicator.numerator.counts
        spread = np.exp(rng.normal(0, 0.35, n_buurten))
        # indicators of one population share their base (as the disclosure step requires)
        low, high = {"score": (5, 90), "eur": (2, 40), "percent": (8, 600)}.get(unit, (8, 3000))
        base = bases.setdefault(indicator.population, rng.integers(low, high, n_buurten))
        if unit == "score":
            truth[indicator.id] = {"kind": "survey", "mean": np.clip(rng.normal(7.0, 0.5, n_buurten), 0, 10),
                                   "n": base}
        elif counts == "euros":
            truth[indicator.id] = {"kind": "euros", "mean": 400 * spread, "n": base}
        elif unit == "percent":
            truth[indicator.id] = {"kind": "share", "rate": np.clip(0.08 * spread, 0.001, 0.9),
                                   "n": base}
        else:
            city = {"huisuitzettingen_per_1000": 0.0002, "crisismomenten_per_1000": 0.004}.get(
                indicator.id, 0.002)
            truth[indicator.id] = {"kind": "count", "rate": city * spread,
                                   "n": base}
    return truth


def _buurt_months(truth: dict, buurten: list[str], rng: np.random.Generator,
                  measures: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """Monthly counts per indicator; a count that two indicators hold (one's numerator is the
    other's denominator, e.g. tenancies in arrears) is drawn once and shared, as in the warehouse."""
    frames, drawn = [], {}
    for ident, t in truth.items():
        numerator_measure, denominator_measure = measures[ident]
        for month in MONTHS:
            n = drawn.get((denominator_measure, month), t["n"]).astype(float)
            if t["kind"] == "count":
                y = rng.poisson(t["rate"] * n).astype(float)
            elif t["kind"] == "share":
                y = rng.binomial(n.astype(int), t["rate"]).astype(float)
            elif t["kind"] == "euros":
                y = np.maximum(0, rng.normal(t["mean"] * n, t["mean"] * np.sqrt(n)))
            else:
                if month.month != 12:      # the survey is a yearly file: put it in December
                    continue
                y = n * np.clip(rng.normal(t["mean"], SURVEY_SD / np.sqrt(n)), 0, 10)
            drawn[(numerator_measure, month)], drawn[(denominator_measure, month)] = y, n
            frames.append(pl.DataFrame({"indicator_id": ident, "area_code": buurten, "month": month,
                                        "numerator": y, "denominator": n}))
    return pl.concat(frames)


def build_stationary_world(path, seed: int = 7, years: tuple[int, ...] = (2025, 2026),
                           buurten_table=None):
    """A warehouse with the catalogue, the calendar, the simulated marts.indicator_values and
    every index step after it. Returns the open connection."""
    con = connect(path)
    con.execute("create or replace table core.dim_buurt as select * from buurten_table")
    write_catalogue(con)
    catalogue = load_catalogue()
    buurten = [r[0] for r in con.execute("select buurtcode from core.dim_buurt order by 1").fetchall()]
    rng = np.random.default_rng(seed)
    truth = _truth(catalogue, len(buurten), rng)
    measures = {i.id: (i.numerator.measure, i.denominator.measure) for i in catalogue.indicators}
    months = _buurt_months(truth, buurten, rng, measures).filter(pl.col("month").dt.year().is_in(list(years)))
    calendar = pl.DataFrame({"month": [m for m in MONTHS if m.year in years]})
    con.execute("create or replace table core.calendar_months as select * from calendar")
    build(con, next(m for m in discover() if m.table == "core.calendar_periods"))
    write_values(con, months)
    assert materialize_tables(path, INDEX_STEPS, provided=SIMULATED).success
    truth_rows = [{"indicator_id": ident, "area_code": b, "kind": t["kind"],
                   "true_value": float((t["rate"][k] * next(i.unit.scale for i in catalogue.indicators
                                                            if i.id == ident))
                                       if "rate" in t else t["mean"][k])}
                  for ident, t in truth.items() for k, b in enumerate(buurten)]
    frame = pl.DataFrame(truth_rows)
    con.execute("create or replace table main.truth as select * from frame")
    return con


def write_values(con, months: pl.DataFrame) -> None:
    """marts.indicator_values from buurt-month counts: months, quarters, years; wijk, gemeente."""
    con.execute("create or replace temp table _months as select * from months")
    con.execute("""
        create or replace table marts.indicator_values as
        with buurt_periods as (
            select m.indicator_id, m.area_code, p.period_type, p.period,
                sum(m.numerator) as numerator, sum(m.denominator) as denominator
            from _months as m
            inner join core.calendar_periods as p
                on m.month between p.period_start and p.period_end
            inner join core.indicator_catalogue as c using (indicator_id)
            -- the survey is yearly only
            where c.unit <> 'score' or p.period_type = 'year'
            group by all
        ),
        levels as (
            select indicator_id, 'buurt' as area_level, area_code, period_type, period,
                numerator, denominator from buurt_periods
            union all
            select indicator_id, 'wijk', b.wijkcode, period_type, period, sum(numerator), sum(denominator)
            from buurt_periods inner join core.dim_buurt as b on b.buurtcode = area_code group by all
            union all
            select indicator_id, 'gemeente', b.gemeentecode, period_type, period, sum(numerator),
                sum(denominator)
            from buurt_periods inner join core.dim_buurt as b on b.buurtcode = area_code group by all
        )
        select levels.indicator_id, levels.area_level, levels.area_code, levels.area_code as area_name,
            levels.period_type, levels.period, levels.numerator, levels.denominator,
            case when levels.denominator > 0 then c.scale * levels.numerator / levels.denominator end as value
        from levels inner join core.indicator_catalogue as c using (indicator_id)""")
