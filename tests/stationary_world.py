"""A simulated world without any real change, written straight into marts.indicator_values: every
buurt of Rotterdam keeps one true rate (share, mean) per indicator for two years, and every month
draws its counts from it (binomial, normal survey marks). Because the truth is known, the
estimates' intervals, the change flags and the index's city relation can be checked against it.

The world keeps every relation the catalogue declares (sources/indicators.yaml), as the real
warehouse does, so disclosure control can publish it without refusing a broken relation:
- a count two indicators hold (tenancies in arrears) is drawn once;
- a declared part (severe arrears, evictions, incidents of one type, one kind of provision, tenants
  with a ZRM comparison) is binomial thinning of its whole, month by month, so part <= whole holds
  in every month and, summed, in every quarter and year;
- quarters follow from their months and years from their quarters by each term's time relation:
  events add up, a stock is its last month, distinct persons or tenancies are DISTINCT_SHARE of the
  sum (never below the largest month), inside max <= quarter <= sum as in the real warehouse.
  Being inside, not on the bound, matters: at quarter = sum an attacker's lower bound of a hidden
  month would be its true value;
- a declared stock and its exits (the tenancy base and the tenancies that ended): its quarter is
  its last month plus what ended in the months before, its year its last quarter plus what ended
  in the quarters before; a distinct part is at most its whole in every period (a base that grows
  by its exits only is below DISTINCT_SHARE of its months).
The truth a year estimates is the same aggregation of the expected monthly counts.
Built once per test session (tests/conftest.py); the index steps after marts.indicator_values are
the production definitions' assets, run by Dagster."""
from __future__ import annotations

from datetime import date

import dagster as dg
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
# Monthly city rates per person (or home) where the default (0.002 for a count, 0.08 for a share)
# does not fit: a whole must be well above its parts, so thinning keeps the parts' own spread.
CITY_RATE = {"huisuitzettingen_per_1000": 0.0002, "crisismomenten_per_1000": 0.004,
             "incidenten_per_1000": 0.012, "voorzieningen_per_1000": 0.006,
             "ernstige_achterstand_pct": 0.02}
BASE_RANGE = {"score": (5, 90), "eur": (2, 40), "percent": (8, 600)}   # else (8, 3000)
DENOMINATOR_SHARE = (0.1, 0.4)   # a base that is part of another base (tenants with a ZRM comparison)
# Distinct persons or tenancies of a quarter (year): this share of the sum of its months (quarters),
# the others being the same persons again; monotone, so part <= whole survives the aggregation.
DISTINCT_SHARE = 0.8
CHILDREN = {"quarter": 3, "year": 4}


def _kind(indicator) -> str:
    if indicator.unit.key == "score":
        return "survey"
    if indicator.numerator.counts == "euros":
        return "euros"
    return "share" if indicator.unit.key == "percent" else "count"


def _wholes(catalogue) -> dict[str, str]:
    """A declared part's whole, by measure, where the whole is another indicator's count (a
    numerator within its own denominator is the ordinary binomial draw)."""
    own = {(i.numerator.measure, i.denominator.measure) for i in catalogue.indicators}
    wholes = {}
    for relation in catalogue.relations:
        part, whole = catalogue.term(relation.part).measure, catalogue.term(relation.whole).measure
        if (part, whole) not in own:
            wholes[part] = whole
    return wholes


def simulate(catalogue, n_buurten: int, rng: np.random.Generator
             ) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
    """Monthly counts per measure (array months x buurten) and per indicator its truth: kind, the
    true monthly rate (or mean) per buurt, and the measures of its numerator and denominator."""
    wholes = _wholes(catalogue)
    drawn: dict[str, np.ndarray] = {}
    rates: dict[str, np.ndarray] = {}          # numerator measure → its rate over the denominator
    truth: dict[str, dict] = {}
    shape = (len(MONTHS), n_buurten)
    pending = list(catalogue.indicators)
    while pending:
        ready = [i for i in pending if all(wholes.get(t.measure, t.measure) in drawn or
                                           wholes.get(t.measure) is None
                                           for t in (i.numerator, i.denominator))]
        if not ready:
            raise ValueError("the catalogue's subset relations form a cycle")
        for indicator in ready:
            pending.remove(indicator)
            kind, unit = _kind(indicator), indicator.unit.key
            num, den = indicator.numerator.measure, indicator.denominator.measure
            if den not in drawn:
                if den in wholes:
                    share = rng.uniform(*DENOMINATOR_SHARE, n_buurten)
                    drawn[den] = rng.binomial(drawn[wholes[den]].astype(int), share).astype(float)
                else:   # a base per buurt, the same every month
                    low, high = BASE_RANGE.get(unit, (8, 3000))
                    drawn[den] = np.broadcast_to(rng.integers(low, high, n_buurten), shape).astype(float)
            n = drawn[den]
            spread = np.exp(rng.normal(0, 0.35, n_buurten))
            if kind == "survey":
                mean = np.clip(rng.normal(7.0, 0.5, n_buurten), 0, 10)
                marks = np.clip(rng.normal(mean, SURVEY_SD / np.sqrt(np.maximum(n, 1))), 0, 10)
                drawn[num] = n * marks
                truth[indicator.id] = {"kind": kind, "mean": mean}
            elif kind == "euros":
                mean = 400 * spread
                drawn[num] = np.maximum(0, rng.normal(mean * n, mean * np.sqrt(n)))
                truth[indicator.id] = {"kind": kind, "mean": mean}
            else:
                city = CITY_RATE.get(indicator.id, 0.08 if kind == "share" else 0.002)
                rate = np.clip(city * spread, 0.0001, 0.9)
                if num in wholes:      # thinning of the whole: part <= whole in every month
                    whole_rate = rates[wholes[num]]
                    keep = np.clip(rate / whole_rate, 0, 1)
                    drawn[num] = rng.binomial(drawn[wholes[num]].astype(int), keep).astype(float)
                    rate = whole_rate * keep
                elif num not in drawn:
                    drawn[num] = rng.binomial(n.astype(int), rate).astype(float)
                rates[num] = rate
                truth[indicator.id] = {"kind": kind, "rate": rate}
            truth[indicator.id].update(numerator=num, denominator=den)
    return drawn, truth


def _up(values: np.ndarray, children: int, term, exits: np.ndarray | None = None) -> np.ndarray:
    """Parent periods from their children (rows: periods in order, columns: buurten) by the
    term's time relation; `exits`: the children's exits of a declared stock."""
    grouped = values.reshape(-1, children, values.shape[1])
    if exits is not None:   # its last part plus what ended in the parts before it
        return grouped[:, -1] + exits.reshape(-1, children, exits.shape[1])[:, :-1].sum(axis=1)
    if term.time_relation == "events":
        return grouped.sum(axis=1)
    if term.time_relation == "stock":
        return grouped[:, -1]
    share = DISTINCT_SHARE * grouped.sum(axis=1)
    if not term.rounded:   # euros: no whole count to keep
        return share
    return np.maximum(grouped.max(axis=1), np.floor(share + 1e-9))


def _parents(catalogue, monthly: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """Every measure's quarters and years from its months (see the module docstring)."""
    terms = {t.measure: t for i in catalogue.indicators for t in (i.numerator, i.denominator)}
    exits_of = {catalogue.term(p.stock).measure: catalogue.term(p.exits).measure
                for p in catalogue.stock_exits}
    quarters, years = {}, {}
    for measure, term in terms.items():
        exits = monthly[exits_of[measure]] if measure in exits_of else None
        quarters[measure] = _up(monthly[measure], CHILDREN["quarter"], term, exits)
        years[measure] = _up(quarters[measure], CHILDREN["year"], term,
                             None if exits is None else _up(exits, CHILDREN["quarter"], terms[exits_of[measure]]))
    pairs = [(catalogue.term(r.part).measure, catalogue.term(r.whole).measure) for r in catalogue.relations]
    for _ in pairs:   # a chain of parts settles in as many passes as it is long
        for part, whole in pairs:
            if terms[part].time_relation == "distinct" and terms[part].rounded:
                quarters[part] = np.minimum(quarters[part], quarters[whole])
                years[part] = np.minimum(years[part], years[whole])
    return quarters, years


def _periods(catalogue, drawn: dict[str, np.ndarray], buurten: list[str]) -> pl.DataFrame:
    """One row per indicator, buurt and month, quarter and year (the survey, a yearly file in
    December, for years only)."""
    labels = {"month": [f"{m.year}-{m.month:02d}" for m in MONTHS],
              "quarter": [f"{m.year}-Q{(m.month - 1) // 3 + 1}" for m in MONTHS[::3]],
              "year": [str(m.year) for m in MONTHS[::12]]}
    quarters, years = _parents(catalogue, drawn)
    frames = []
    for indicator in catalogue.indicators:
        measures = (indicator.numerator.measure, indicator.denominator.measure)
        monthly = [drawn[m] for m in measures]
        if indicator.unit.key == "score":
            by_type = {"year": [m[11::12] for m in monthly]}
        else:
            by_type = {"month": monthly, "quarter": [quarters[m] for m in measures],
                       "year": [years[m] for m in measures]}
        for period_type, (numerators, denominators) in by_type.items():
            for row, period in enumerate(labels[period_type]):
                frames.append(pl.DataFrame({
                    "indicator_id": indicator.id, "area_code": buurten, "period_type": period_type,
                    "period": period, "numerator": numerators[row], "denominator": denominators[row]}))
    return pl.concat(frames)


def expected_years(catalogue, drawn: dict[str, np.ndarray], truth: dict) -> dict[str, np.ndarray]:
    """Every measure's years aggregated from its expected months: a numerator's true rate times
    its base as drawn (marks and euros as drawn: their truth is a mean)."""
    expected = dict(drawn)
    for t in truth.values():
        if "rate" in t:
            expected[t["numerator"]] = t["rate"] * drawn[t["denominator"]]
    return _parents(catalogue, expected)[1]


def true_year_value(indicator, truth: dict, k: int, years: dict[str, np.ndarray]) -> float:
    """What buurt k's value of a year estimates: a mean, or the unit's scale times its expected
    numerator over its expected denominator of a year (`years`: expected_years), aggregated as the
    counts are: twelve months of events over a stock, persons of twelve months, a base and what
    left it."""
    t = truth[indicator.id]
    if "mean" in t:
        return float(t["mean"][k])
    return float(indicator.unit.scale * years[t["numerator"]][0, k] / years[t["denominator"]][0, k])


def build_stationary_world(path, seed: int = 7, years: tuple[int, ...] = (2025, 2026),
                           buurten_table=None):
    """A warehouse with the catalogue, the calendar, the simulated marts.indicator_values and
    every index step after it. Returns the open connection."""
    con = connect(path)
    con.execute("create or replace table core.dim_buurt as select * from buurten_table")
    write_catalogue(con)
    deliver_years(con, path, seed, years)
    return con


def deliver_years(con, path, seed: int, years: tuple[int, ...]) -> dg.ExecuteInProcessResult:
    """The world's counts of `years` (the calendar with them) written into the warehouse at
    `path`, open as `con`, and every index step after them built: its first delivery, or one more
    into a warehouse that holds the world already (a backfill). The counts of a month do not
    depend on which years are delivered. Returns the Dagster run."""
    catalogue = load_catalogue()
    buurten = [r[0] for r in con.execute("select buurtcode from core.dim_buurt order by 1").fetchall()]
    drawn, truth = simulate(catalogue, len(buurten), np.random.default_rng(seed))
    periods = _periods(catalogue, drawn, buurten).filter(
        pl.col("period").str.slice(0, 4).cast(pl.Int32).is_in(list(years)))
    calendar = pl.DataFrame({"month": [m for m in MONTHS if m.year in years]})
    con.execute("create or replace table core.calendar_months as select * from calendar")
    build(con, next(m for m in discover() if m.table == "core.calendar_periods"))
    write_values(con, periods)
    result = materialize_tables(path, INDEX_STEPS, provided=SIMULATED)
    assert result.success
    years = expected_years(catalogue, drawn, truth)
    frame = pl.DataFrame([{"indicator_id": i.id, "area_code": b, "kind": truth[i.id]["kind"],
                           "true_value": true_year_value(i, truth, k, years)}
                          for i in catalogue.indicators for k, b in enumerate(buurten)])
    con.execute("create or replace table main.truth as select * from frame")
    return result


def write_values(con, periods: pl.DataFrame) -> None:
    """marts.indicator_values from buurt counts per month, quarter and year; wijk, gemeente."""
    con.execute("create or replace temp table _buurt_periods as select * from periods")
    con.execute("""
        create or replace table marts.indicator_values as
        with buurt_periods as (
            select indicator_id, area_code, period_type, period, numerator, denominator
            from _buurt_periods
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
            case when levels.denominator > 0 then c.scale * levels.numerator / levels.denominator end as value,
            -- simulated sums have no single amounts: a released mean's grain falls back to the mean
            cast(null as double) as largest
        from levels inner join core.indicator_catalogue as c using (indicator_id)""")
