"""Small-area estimates with 90% intervals for every indicator, area and period, and their
publication beside the disclosure-controlled values.

Method (empirical Bayes, shrinkage one level up: buurt → wijk, wijk → gemeente):
- counts over a base (rates per 1,000): Poisson–gamma; shares (percent): beta–binomial; means
  (survey marks, euros): normal–normal with an assumed spread per person;
- the prior mean is the parent area's rate, the prior's spread a method-of-moments estimate per
  indicator, period and level (the between-area variance left after sampling noise), never
  weighing more than PRIOR_CAP times the median base;
- rare events (catalogue `pooling: rolling_12_months`) are estimated from the 12 months (4
  quarters) up to the period (sql/marts/indicator_estimation_inputs.sql);
- the gemeente is estimated directly (Jeffreys prior for its interval);
- intervals from the posterior's exact log (gamma) or logit (beta) mean and variance, normal on
  that scale: closed forms over numpy arrays, no per-row Python (national scale is ~14,500 buurten).

Publication (`publish_estimates`, after suppression): an estimate is a known formula of the count
((y + a) / (n + b)) and of its prior (the rest of the wijk, or of the city), so
- an estimate that reads a hidden count is not published, visible cell or not: through its prior
  (a visible buurt's estimate would give its hidden wijk's count back) or through its window (a
  pooled rare event's estimate pins the sum of its 12 months, across the year boundary, a relation
  the disclosure audit does not hold). What a published estimate gives away is then visible
  counts, which the audit's attacker knows already;
- a mean (euros, marks) is estimated from the published means (`released_mean`: rounded to the
  grain one person stays open in between two releases, `release_grain`), so its estimate, interval
  and prior are no finer than what is published, and the rounding is in its variance;
- a visible cell's estimate and interval are rounded to 3 significant digits;
- a hidden cell's to 3, else 2, else 1, the finest at which an attacker who knows the prior and the
  other term exactly can tell a count under SMALL neither from 0 nor from SMALL, nor narrow a
  larger count, or the base, below the audit's width of 2 x max(5, 2.5%) (`protection_interval`:
  what the audit demands of the count itself); where no precision protects, its estimate and
  interval stay NULL (the index then reports it from the wijk up).
"""
from __future__ import annotations

import time

import dagster as dg
import duckdb
import numpy as np
import polars as pl

from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from engine.warehouse import scalar
from quality.disclosure import ROUNDING
from quality.disclosure_audit import PROTECTION_MIN, PROTECTION_SHARE, SMALL
from quality.magnitudes import step_at_least

ESTIMATES_KEY = dg.AssetKey(["marts", "indicator_estimates"])
INPUTS_KEY = dg.AssetKey(["marts", "indicator_estimation_inputs"])
ESTIMATES = "marts.indicator_estimates"
PUBLISHED = "marts.indicator_values_published"

PRIOR_CAP = 4.0        # a prior never weighs more than 4 × the median base of its level
MARK_SD = 2.0          # spread of one resident's 0-10 mark (assumption: typical of such surveys)
EURO_CV = 1.0          # spread of one tenant's arrears relative to the mean (assumption)
PRECISIONS = (3, 2, 1)  # significant digits tried, finest first
# The two-sided normal p-value of a z-statistic for the SQL change tests (DuckDB has no erf):
# Abramowitz & Stegun 26.2.17, error below 1e-7.
TWO_SIDED_P = """
    create or replace macro two_sided_p(z) as
        2 * exp(-z * z / 2) / sqrt(2 * pi()) * (1 / (1 + 0.2316419 * z)) * (0.319381530
        + (1 / (1 + 0.2316419 * z)) * (-0.356563782 + (1 / (1 + 0.2316419 * z)) * (1.781477937
        + (1 / (1 + 0.2316419 * z)) * (-1.821255978 + (1 / (1 + 0.2316419 * z)) * 1.330274429))))"""


# --- the posterior ------------------------------------------------------------------------------

def interval_z(interval: float) -> float:
    from scipy import stats  # here, not at the top: the import costs every process ~1 s
    return float(stats.norm.ppf(0.5 + interval / 2))


def posterior(model: np.ndarray, a: np.ndarray, b: np.ndarray, sigma: np.ndarray, y: np.ndarray,
              n: np.ndarray, scale: np.ndarray, direct: np.ndarray, z: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimate, low and high (in the unit's scale) for prior (a, b) and data (y, n).

    gamma: prior Gamma(a, rate b); beta: prior Beta(a, b); normal: prior mean a, variance b,
    spread of one person sigma. `direct` rows (the gemeente) publish y / n as the estimate."""
    from scipy import special  # here, not at the top: the import costs every process ~0.5 s
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        est = np.full(y.shape, np.nan)
        low, high = est.copy(), est.copy()
        g = model == "gamma"
        shape, rate = a[g] + y[g], b[g] + n[g]
        mean_log, var_log = special.digamma(shape) - np.log(rate), special.polygamma(1, shape)
        est[g] = shape / rate
        low[g] = np.exp(mean_log - z * np.sqrt(var_log))
        high[g] = np.exp(mean_log + z * np.sqrt(var_log))
        t = model == "beta"
        a1, b1 = a[t] + y[t], b[t] + n[t] - y[t]
        mean_logit = special.digamma(a1) - special.digamma(b1)
        sd_logit = np.sqrt(special.polygamma(1, a1) + special.polygamma(1, b1))
        est[t] = a1 / (a1 + b1)
        low[t] = special.expit(mean_logit - z * sd_logit)
        high[t] = special.expit(mean_logit + z * sd_logit)
        m = model == "normal"
        precision = n[m] / sigma[m] ** 2 + np.where(np.isinf(b[m]), 0.0, 1 / b[m])
        var = 1 / precision
        est[m] = var * (y[m] / sigma[m] ** 2 + np.where(np.isinf(b[m]), 0.0, a[m] / b[m]))
        low[m] = est[m] - z * np.sqrt(var)
        high[m] = est[m] + z * np.sqrt(var)
        est = np.where(direct, y / n, est)
        est, low, high = est * scale, low * scale, high * scale
        low, high = np.minimum(low, est), np.maximum(high, est)
        empty = ~(n > 0)   # no population, no indicator: the index borrows the wijk's
    return (np.where(empty, np.nan, est), np.where(empty, np.nan, low),
            np.where(empty, np.nan, high))


def _method_of_moments(frame: pl.DataFrame) -> pl.DataFrame:
    """Prior (a, b, sigma) per row from its parent's rate and the between-area variance of its
    indicator, period and level (rows with a base only)."""
    n, y, m = pl.col("n"), pl.col("y"), pl.col("m")
    rate = y / n
    group = ["indicator_id", "period_type", "period", "area_level"]
    frame = frame.with_columns(
        sigma=_with_rounding(pl.when(pl.col("unit") == "score").then(pl.lit(MARK_SD))
                             .otherwise(EURO_CV * pl.col("m")).clip(lower_bound=1e-9), frame))
    with_base = frame.filter(n > 0)
    moments = with_base.group_by(group).agg(
        gamma_s=(n * (rate - m) ** 2 - m).sum(), gamma_d=(n * m ** 2).sum(),
        beta_s=(n * (rate - m) ** 2 - m * (1 - m)).sum(),
        beta_d=(n * m * (1 - m) * (1 - 1 / n)).sum(),
        normal_s=(n * (rate - m) ** 2 - pl.col("sigma") ** 2).sum(), normal_d=n.sum(),
        median_n=n.median())
    frame = frame.join(moments, on=group, how="left")
    cap = PRIOR_CAP * pl.col("median_n")
    cv2 = (pl.col("gamma_s") / pl.col("gamma_d")).clip(lower_bound=0)
    rho = (pl.col("beta_s") / pl.col("beta_d")).clip(lower_bound=0)
    tau2 = (pl.col("normal_s") / pl.col("normal_d")).clip(lower_bound=0)
    gamma_shape = pl.min_horizontal(1 / cv2, cap * m)
    beta_strength = pl.min_horizontal(1 / rho - 1, cap)
    normal_var = pl.max_horizontal(tau2, pl.col("sigma") ** 2 / cap)
    model = pl.col("model")
    return frame.with_columns(
        a=pl.when(model == "gamma").then(gamma_shape)
        .when(model == "beta").then(m * beta_strength).otherwise(m),
        b=pl.when(model == "gamma").then(gamma_shape / m)
        .when(model == "beta").then((1 - m) * beta_strength).otherwise(normal_var))


def _with_rounding(sigma: pl.Expr, frame: pl.DataFrame) -> pl.Expr:
    """One person's spread widened so that spread² / n also holds the rounding of a released mean
    (uniform over its grain: variance grain² / 12), where the inputs carry a `grain`."""
    if "grain" not in frame.columns:
        return sigma
    return (sigma ** 2 + pl.col("n") * pl.col("grain").fill_null(0.0) ** 2 / 12).sqrt()


def compute_estimates(inputs: pl.DataFrame, interval: float = 0.90) -> pl.DataFrame:
    """One estimate with its interval per row of marts.indicator_estimation_inputs."""
    keys = ["indicator_id", "period_type", "period"]
    parents = inputs.select(*keys, parent_code=pl.col("area_code"), parent_y=pl.col("y"),
                            parent_n=pl.col("n"), grandparent_code=pl.col("parent_code"))
    grandparents = inputs.select(*keys, grandparent_code=pl.col("area_code"),
                                 grandparent_y=pl.col("y"), grandparent_n=pl.col("n"))
    frame = (inputs.join(parents, on=[*keys, "parent_code"], how="left")
             .join(grandparents, on=[*keys, "grandparent_code"], how="left"))
    # The prior mean leaves the area out (the rest of its wijk, else the rest of the city): a
    # buurt that is its wijk's only one would otherwise be shrunk toward its own count, counted
    # twice, with an interval far too narrow (and its change tests far too sure).
    siblings_y = pl.col("parent_y") - pl.col("y")
    siblings_n = pl.col("parent_n") - pl.col("n")
    alone = ~(siblings_n > 0)
    parent_n = pl.when(alone).then(pl.col("grandparent_n") - pl.col("n")).otherwise(siblings_n)
    raw_m = pl.when(alone).then(pl.col("grandparent_y") - pl.col("y")).otherwise(siblings_y) \
        / parent_n
    half = 0.5 / parent_n  # half an event over the parent's base: a prior mean is never 0 or 1
    frame = frame.with_columns(m=pl.when(pl.col("model") == "beta")
                               .then(raw_m.clip(half, 1 - half))
                               .when(pl.col("model") == "gamma").then(pl.max_horizontal(raw_m, half))
                               .otherwise(raw_m),
                               # the area whose rest the prior is: the publication withholds an
                               # estimate whose prior reads a hidden count there
                               prior_code=pl.when(alone).then(pl.col("grandparent_code"))
                               .otherwise(pl.col("parent_code")))
    frame = _method_of_moments(frame)
    direct = pl.col("area_level") == "gemeente"
    jeffreys = pl.when(pl.col("model") == "normal").then(None).otherwise(0.5)
    frame = frame.with_columns(
        a=pl.when(direct).then(jeffreys.fill_null(0.0)).otherwise(pl.col("a")).fill_nan(None),
        b=pl.when(direct).then(pl.when(pl.col("model") == "beta").then(0.5)
                               .when(pl.col("model") == "gamma").then(0.0)
                               .otherwise(float("inf"))).otherwise(pl.col("b")).fill_nan(None),
        sigma=pl.when(direct & (pl.col("unit") == "eur"))
        .then(_with_rounding(EURO_CV * pl.col("y") / pl.col("n"), frame)).otherwise(pl.col("sigma")),
        direct=direct)
    usable = pl.col("a").is_not_null() & pl.col("b").is_not_null() & pl.col("a").is_finite()
    frame = frame.with_columns(a=pl.when(usable).then(pl.col("a")),
                               b=pl.when(usable).then(pl.col("b")))
    est, low, high = posterior(*_arrays(frame), z=interval_z(interval))
    return frame.select(
        "indicator_id", "area_level", "area_code", "parent_code", "prior_code", "period_type",
        "period", "model", "scale", "y", "n", "periods_pooled", prior_a="a", prior_b="b", sigma="sigma",
        direct="direct").with_columns(estimate=est, est_low=low, est_high=high).with_columns(
        pl.col("estimate", "est_low", "est_high").fill_nan(None))


def _arrays(frame: pl.DataFrame) -> tuple:
    """The arguments of `posterior` (without z) from a frame of priors and data."""
    prior = ("a", "b") if "a" in frame.columns else ("prior_a", "prior_b")
    return (frame["model"].to_numpy(), *(_floats(frame, c) for c in (*prior, "sigma", "y", "n", "scale")),
            frame["direct"].to_numpy().astype(bool))


def release_grain(unit: np.ndarray, mean: np.ndarray, count: np.ndarray, decimals: np.ndarray,
                  largest: np.ndarray) -> np.ndarray:
    """The step a published mean is rounded to: what one person can add (for euros the largest
    single amount of the indicator in that period anywhere in the data, `largest`; for a mark
    MARK_SD, its spread: a mark is bounded) over the count as published (rounded to ROUNDING), up
    to 1, 2 or 5 times a power of ten, and never finer than the unit's decimals.

    Why: a mean is published anew after every correction. One person more or fewer moves it by
    (x - mean) / n, so two releases set side by side would give that person's x back as n times
    the change. Rounded to this step, the two means leave x open over an interval as wide as the
    largest amount anyone has: a grain at an ordinary tenant's spread let an outside attack pin
    one tenant ten times above the mean to ±16%. The estimates carry the rounding in their
    variance (`_with_rounding`)."""
    spread = np.where(unit == "score", MARK_SD, np.fmax(np.nan_to_num(largest, nan=0.0), EURO_CV * np.abs(mean)))
    shown = np.maximum(np.floor(count / ROUNDING + 0.5) * ROUNDING, ROUNDING)
    step = step_at_least(spread / shown)
    finest = 10.0 ** -decimals
    return np.where(step > finest, step, finest)


def released_mean(unit: np.ndarray, mean: np.ndarray, count: np.ndarray, decimals: np.ndarray,
                  largest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean as published, rounded to its release_grain (NaN stays NaN), and that grain."""
    grain = release_grain(unit, mean, count, decimals, largest)
    with np.errstate(invalid="ignore"):
        return np.round(np.floor(mean / grain + 0.5) * grain, 6), grain  # 6: float noise off a step of 0.05


def largest_amounts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """(indicator_id, period_type, period, largest): for every sum of euros, its largest single
    amount in each period over every area (marts.indicator_values `largest`, from the catalogue's
    `largest` aggregate), the same for every cell of the period."""
    return con.sql("""select indicator_id, period_type, period, max(largest) as largest
                      from marts.indicator_values group by all""").pl()


def released_means(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every cell of a mean (euros, marks) in marts.indicator_values with its released_mean: what
    the publication shows (assets/indicators.py) and the estimates are computed from."""
    largest = largest_amounts(con)  # noqa: F841 (read by the query below)
    cells = con.sql("""
        select iv.indicator_id, iv.area_code, iv.period, catalogue.unit, iv.value, iv.denominator,
            catalogue.decimals, largest.largest
        from marts.indicator_values as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        left join largest using (indicator_id, period_type, period)
        where not catalogue.numerator_rounded""").pl()
    released, _ = released_mean(cells["unit"].to_numpy(), _floats(cells, "value"), _floats(cells, "denominator"),
                                _floats(cells, "decimals"), _floats(cells, "largest"))
    return cells.select("indicator_id", "area_code", "period").with_columns(
        released_mean=pl.Series(released).fill_nan(None))


def with_released_means(inputs: pl.DataFrame) -> pl.DataFrame:
    """The estimation inputs with the sum of a mean (euros, marks) replaced by its count times its
    released_mean, so that every estimate, interval and prior of a mean is computed from published
    means and is as coarse as they are (a prior is the rest of the wijk: the wijk's mean and the
    buurt's, both released); `grain` is the step each was rounded to (0 for other rows)."""
    model = inputs["model"].to_numpy()
    y, n, scale = _floats(inputs, "y"), _floats(inputs, "n"), _floats(inputs, "scale")
    if ((model == "normal") & (inputs["periods_pooled"].to_numpy() > 1)).any():
        raise ValueError("a mean of euros or marks is pooled over periods: its release grain "
                         "is defined for one period only (sources/indicators.yaml)")
    rows = (model == "normal") & (n > 0)
    mean = np.where(rows, scale * y / np.where(rows, n, 1.0), np.nan)
    released, grain = released_mean(inputs["unit"].to_numpy(), mean, n, _floats(inputs, "decimals"),
                                    _floats(inputs, "largest"))
    return inputs.with_columns(
        y=pl.when(pl.Series(rows)).then(pl.Series(released * n / scale)).otherwise(pl.col("y")),
        grain=pl.Series(np.where(rows, grain / scale, 0.0)))


def _floats(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame[name].fill_null(np.nan).to_numpy().astype(float)


def write_estimates(con: duckdb.DuckDBPyConnection) -> int:
    interval = scalar(con, "select interval from core.index_settings")
    largest = largest_amounts(con)  # noqa: F841 (read by the query below)
    inputs = with_released_means(con.sql("""
        select inputs.*, catalogue.decimals, largest.largest
        from marts.indicator_estimation_inputs as inputs
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        left join largest using (indicator_id, period_type, period)""").pl())
    estimates = compute_estimates(inputs, interval)
    con.execute(f"create or replace table {ESTIMATES} as select * from estimates")
    return estimates.height


@dg.asset(key=ESTIMATES_KEY, group_name="marts", pool=WAREHOUSE_POOL,
          deps=[INPUTS_KEY, dg.AssetKey(["core", "index_settings"])],
          description="Small-area estimates (empirical Bayes toward the wijk; Poisson–gamma, "
                      "beta–binomial, normal) with 90% intervals per indicator, area and period. "
                      "Unpublished: reports read the rounded, protected copy in "
                      "marts.indicator_values_published.")
def indicator_estimates(warehouse: WarehouseResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    with warehouse.connect() as con:
        rows = write_estimates(con)
    return dg.MaterializeResult(metadata={"rows": rows,
                                          "seconds": round(time.perf_counter() - started, 2)})


# --- publication ----------------------------------------------------------------------------------

def round_significant(x: np.ndarray, digits: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(x))) - digits + 1
        exponent = np.where(np.isfinite(exponent), exponent, 0)
        mantissa = np.round(x / 10 ** exponent)
        # divide by an exact power of ten for decimals, so 83.3 is not 83.30000000000001
        return np.where(exponent < 0, mantissa / 10.0 ** -exponent, mantissa * 10.0 ** exponent)


def _same(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.isclose(x, y, rtol=1e-9, atol=1e-12) | (np.isnan(x) & np.isnan(y))


def protection_interval(value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The counts a hidden count's published estimate must stay consistent with, as the disclosure
    audit demands of the count itself (quality/disclosure_audit.py): 0 and SMALL for a count under
    SMALL (an attacker can say neither "there is someone" nor "there are few"), a larger count v
    anything within v ± max(PROTECTION_MIN, PROTECTION_SHARE x v). (Until December 2026 only ±3:
    an outside attacker read the city's 1,781 ended tenancies of 2025, hidden, to within 8 from
    the gemeente's rate and interval and a base another indicator shows.)"""
    small = value < SMALL
    reach = np.maximum(PROTECTION_MIN, PROTECTION_SHARE * value)
    return (np.where(small, 0.0, value - reach), np.where(small, float(SMALL), value + reach))


def protected_precision(frame: pl.DataFrame, z: float) -> np.ndarray:
    """Per row, the finest significant digits at which the rounded estimate and interval stay the
    same for every count in the count's protection interval and every base in the base's (0: none).
    Estimate and bounds are monotone in the count and in the base, and so is their rounding: the
    two ends of an interval agreeing is enough."""
    args = _arrays(frame)
    model, y, n = args[0], args[4], args[5]
    published = posterior(*args, z=z)
    ends = []
    for term, value in (("y", y), ("n", n)):
        for end in protection_interval(value):
            yy, nn = (end, n) if term == "y" else (y, end)
            valid = (yy >= 0) & (nn >= 1) & ((model != "beta") | (yy <= nn))
            ends.append((valid, posterior(*args[:4], yy, nn, *args[6:], z=z)))
    chosen = np.zeros(len(y), dtype=int)
    for digits in reversed(PRECISIONS):   # coarse to fine: the last that protects wins
        target = [round_significant(v, digits) for v in published]
        ok = np.ones(len(y), dtype=bool)
        for valid, values in ends:
            ok &= valid & np.all([_same(round_significant(v, digits), t)
                                  for v, t in zip(values, target)], axis=0)
        chosen = np.where(ok, digits, chosen)
    return chosen


def _estimates_with_pattern(con: duckdb.DuckDBPyConnection, where: str = "true",
                            published: str = "") -> pl.DataFrame:
    """Every estimate with its cell's `suppressed` (and `published` columns of the cell) and
    `withheld`: it reads a hidden count, in its own window (a pooled rare event) or, over the same
    periods, in the area its prior is the rest of (`prior_code`: the parent, or the grandparent
    for an area alone in its parent), so publishing it would give that count away."""
    return con.sql(f"""
        with inputs as (
            select inputs.indicator_id, inputs.area_code, inputs.period_type, inputs.period,
                inputs.window_periods, estimates.prior_code,
                coalesce(inputs.window_periods, [inputs.period]) as members
            from marts.indicator_estimation_inputs as inputs
            inner join {ESTIMATES} as estimates
                using (indicator_id, area_code, period_type, period)
        ),
        members as (
            select indicator_id, area_code, period_type, period, area_code as member_area,
                unnest(window_periods) as member_period
            from inputs
            where window_periods is not null
            union all
            select indicator_id, area_code, period_type, period, prior_code,
                unnest(members)
            from inputs
            where prior_code is not null
        ),
        reads_hidden as (
            select members.indicator_id, members.area_code, members.period_type, members.period
            from members
            inner join {PUBLISHED} as member
                on member.indicator_id = members.indicator_id
                and member.area_code = members.member_area
                and member.period_type = members.period_type
                and member.period = members.member_period
            where member.suppressed
            group by all
        )
        select e.*, p.suppressed, {published} reads_hidden.period is not null as withheld
        from {ESTIMATES} as e
        inner join {PUBLISHED} as p using (indicator_id, area_code, period_type, period)
        left join reads_hidden using (indicator_id, area_code, period_type, period)
        where {where}""").pl()


def publish_estimates(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Add estimate, value_low and value_high to marts.indicator_values_published: visible cells
    to 3 significant digits, hidden cells only where a rounding protects them (else NULL), and no
    estimate that reads a hidden count (through its prior or its window)."""
    z = interval_z(scalar(con, "select interval from core.index_settings"))
    frame = _estimates_with_pattern(con)
    suppressed = frame["suppressed"].to_numpy()
    withheld = frame["withheld"].to_numpy()
    hidden = suppressed & ~withheld & (frame["model"].to_numpy() != "normal")
    digits = np.where(suppressed | withheld, 0, PRECISIONS[0])
    if hidden.any():
        digits[hidden] = protected_precision(frame.filter(pl.Series(hidden)), z)
    columns = {}
    for name in ("estimate", "est_low", "est_high"):
        values = frame[name].fill_null(np.nan).to_numpy().astype(float)
        out = np.full(values.shape, np.nan)
        for d in PRECISIONS:
            out = np.where(digits == d, round_significant(values, d), out)
        columns[name] = out
    rounded = frame.select("indicator_id", "area_code", "period_type", "period").with_columns(
        estimate=columns["estimate"], value_low=columns["est_low"],
        value_high=columns["est_high"]).with_columns(
        pl.col("estimate", "value_low", "value_high").fill_nan(None))
    con.execute(f"""
        create or replace table {PUBLISHED} as
        select published.*, estimates.estimate, estimates.value_low, estimates.value_high
        from {PUBLISHED} as published
        left join rounded as estimates using (indicator_id, area_code, period_type, period)
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        order by catalogue.sort_order, published.period_type, published.period,
            published.area_level, published.area_code""")
    return {"hidden_with_estimate": int((digits[hidden] > 0).sum()),
            "hidden_without_estimate": int((suppressed & (digits == 0)).sum()),
            "visible_estimate_withheld": int((withheld & ~suppressed).sum())}


def unsafe_estimates(con: duckdb.DuckDBPyConnection) -> int:
    """Hidden cells whose published estimate or interval is finer than its protected rounding
    (or published where no rounding protects), and published estimates that read a hidden count:
    should be 0."""
    z = interval_z(scalar(con, "select interval from core.index_settings"))
    frame = _estimates_with_pattern(
        con, "p.suppressed or reads_hidden.period is not null",
        "p.estimate as published_estimate, p.value_low as published_low, "
        "p.value_high as published_high,")
    if frame.is_empty():
        return 0
    digits = np.where((frame["model"].to_numpy() == "normal")
                      | frame["withheld"].to_numpy(), 0, protected_precision(frame, z))
    bad = np.zeros(frame.height, dtype=bool)
    for computed, shown in (("estimate", "published_estimate"), ("est_low", "published_low"),
                            ("est_high", "published_high")):
        values = frame[computed].fill_null(np.nan).to_numpy().astype(float)
        published = frame[shown].fill_null(np.nan).to_numpy().astype(float)
        expected = np.full(values.shape, np.nan)
        for d in PRECISIONS:
            expected = np.where(digits == d, round_significant(values, d), expected)
        bad |= ~_same(expected, published)
    return int(bad.sum())


@dg.asset_check(pool=WAREHOUSE_POOL, asset=dg.AssetKey(["marts", "indicator_values_published"]), blocking=True,
                description="No hidden cell publishes an estimate or interval finer than the "
                            "rounding that keeps its count and base as open as the audit demands (a "
                            "count under 10 both 0 and 10, a larger one a width of 2 x max(5, 2.5%)), "
                            "and no estimate that reads a hidden count, through its prior or its "
                            "window, is published.")
def published_estimates_cannot_be_inverted(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = unsafe_estimates(con)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"unsafe_hidden_cells": bad})
