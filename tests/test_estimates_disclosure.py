"""The inversion attack on published estimates: an estimate with a known formula, (y + a)/(n + b),
gives a hidden count back exactly unless it is published coarsely enough. The attacker here is
stronger than any real one: besides the published estimate and interval, it knows the prior
(a, b) and the exact base n (or the exact count y when it attacks the base). No hidden count or base
may be recoverable within ±2 from what is published."""
from __future__ import annotations

import numpy as np
import polars as pl

from assets.estimates import interval_z, posterior, protected_precision, round_significant

SPAN = 30   # candidates tried on each side of the truth


def hidden_published(con) -> pl.DataFrame:
    return con.sql("""
        select e.*, p.estimate as published_estimate, p.value_low as published_low,
            p.value_high as published_high
        from marts.indicator_estimates as e
        inner join marts.indicator_values_published as p
            using (indicator_id, area_code, period_type, period)
        where p.suppressed and p.estimate is not null""").pl()


def consistent_span(frame: pl.DataFrame, digits: np.ndarray | None, term: str, z: float) -> np.ndarray:
    """Per hidden cell, max - min of the counts (or bases) whose rounded estimate, low and high
    equal the published ones; digits None: the attacker sees the unrounded values."""
    model = frame["model"].to_numpy()
    a, b = frame["prior_a"].to_numpy(), frame["prior_b"].to_numpy()
    sigma = frame["sigma"].fill_null(np.nan).to_numpy()
    y, n = frame["y"].to_numpy(), frame["n"].to_numpy()
    scale, direct = frame["scale"].to_numpy(), frame["direct"].to_numpy()
    truth = posterior(model, a, b, sigma, y, n, scale, direct, z)
    published = ([frame[c].to_numpy() for c in ("published_estimate", "published_low", "published_high")]
                 if digits is not None else truth)
    lowest, highest = np.full(len(y), np.inf), np.full(len(y), -np.inf)
    for offset in range(-SPAN, SPAN + 1):
        yy, nn = (y + offset, n) if term == "y" else (y, n + offset)
        valid = (yy >= 0) & (nn >= 1) & ((model != "beta") | (yy <= nn))
        values = posterior(model, a, b, sigma, yy, nn, scale, direct, z)
        same = valid.copy()
        for value, target in zip(values, published):
            shown = value if digits is None else np.select(
                [digits == d for d in (1, 2, 3)], [round_significant(value, d) for d in (1, 2, 3)])
            same &= np.isclose(shown, target, rtol=1e-9, atol=1e-12)
        candidate = (y if term == "y" else n) + offset
        lowest = np.where(same, np.minimum(lowest, candidate), lowest)
        highest = np.where(same, np.maximum(highest, candidate), highest)
    return highest - lowest


def test_no_hidden_count_or_base_is_recoverable_within_2_from_published_estimates(stationary_world):
    z = interval_z(0.90)
    frame = hidden_published(stationary_world)
    assert frame.height > 100                      # plenty of hidden cells do get an estimate
    digits = protected_precision(frame, z)
    assert (digits > 0).all()
    for term in ("y", "n"):
        span = consistent_span(frame, digits, term, z)
        assert (span >= 5).all(), frame.filter(pl.Series(span < 5)).head(3)


def test_the_attack_recovers_counts_from_unrounded_estimates(stationary_world):
    # the same attack on the estimates as computed: most hidden counts come back exactly
    z = interval_z(0.90)
    frame = hidden_published(stationary_world)
    span = consistent_span(frame, None, "y", z)
    assert (span == 0).mean() > 0.9


def test_hidden_cells_without_a_safe_rounding_publish_no_estimate(stationary_world):
    counts = stationary_world.execute("""
        select count(*) filter (where estimate is null), count(*) filter (where estimate is not null)
        from marts.indicator_values_published where suppressed and area_level = 'buurt'""").fetchall()[0]
    assert counts[0] > 0 and counts[1] > 0
    # a visible cell always has its estimate and interval, in order
    assert stationary_world.execute("""
        select count(*) from marts.indicator_values_published
        where not suppressed and value is not null
          and (estimate is null or not (value_low <= estimate and estimate <= value_high))""").fetchall()[0][0] == 0
