"""The inversion attack on published estimates: an estimate with a known formula, (y + a)/(n + b),
gives a hidden count back exactly unless it is published coarsely enough. The attacker here is
stronger than any real one: besides the published estimate and interval, it knows the prior
(a, b) and the exact base n (or the exact count y when it attacks the base). No hidden count or base
may be recoverable within ±2 from what is published."""
from __future__ import annotations

import numpy as np
import polars as pl

from assets.estimates import (interval_z, posterior, protected_precision, round_significant,
                              unsafe_estimates)
from tests import attacker
from tests.test_attack import export_indicator_world, inversion_targets, priors

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


def test_the_publication_check_passes_and_catches_a_too_precise_estimate(stationary_world):
    assert unsafe_estimates(stationary_world) == 0
    key = """indicator_id = ? and area_code = ? and period_type = ? and period = ?"""
    cell = stationary_world.execute("""
        select e.indicator_id, e.area_code, e.period_type, e.period, e.estimate, p.estimate
        from marts.indicator_values_published as p
        inner join marts.indicator_estimates as e using (indicator_id, area_code, period_type, period)
        where p.suppressed and p.estimate is not null limit 1""").fetchall()[0]
    update = f"update marts.indicator_values_published set estimate = ? where {key}"
    stationary_world.execute(update, [cell[4], *cell[:4]])       # the unrounded estimate
    try:
        assert unsafe_estimates(stationary_world) == 1
    finally:
        stationary_world.execute(update, [cell[5], *cell[:4]])   # back to the published one


def test_every_published_survey_mean_rests_on_the_minimum_number_of_respondents(stationary_world):
    # a survey mark (value, estimate or interval) of a buurt, wijk or the city is only published
    # where at least min_base residents answered; fewer hides the cell and publishes no estimate
    rows = stationary_world.execute("""
        select v.denominator as respondents, c.min_base,
            p.value is not null or p.estimate is not null or p.value_low is not null
                or p.value_high is not null as published
        from marts.indicator_values as v
        inner join marts.indicator_values_published as p
            using (indicator_id, area_level, area_code, period_type, period)
        inner join core.indicator_catalogue as c using (indicator_id)
        where c.unit = 'score'""").fetchall()
    assert all(min_base >= 10 for _, min_base, _ in rows)
    assert any(0 < n < min_base for n, min_base, _ in rows), "the world has buurten with too few respondents"
    too_few = [(n, min_base) for n, min_base, published in rows if published and n < min_base]
    assert too_few == []
    assert sum(published for _, _, published in rows) > 100


def test_estimates_inverted_within_the_attackers_bounds_pin_no_hidden_count(stationary_world, tmp_path):
    # the outsider's attack (tests/attacker.py) on the exports: invert every hidden non-zero count
    # behind a published estimate (prior and other term handed over), then, for the most exposed
    # (the narrowest inversions), intersect with its LP bounds from every published cell
    exports = export_indicator_world(stationary_world, tmp_path)
    real, targets = inversion_targets(stationary_world, exports)
    targets = {k for k in targets if real[k] <= 60}
    inverted = attacker.invert_estimates(exports, priors(stationary_world), real, {}, targets,
                                         widest=120)
    assert len(inverted) > 100
    exposed = set(sorted(inverted, key=lambda k: (inverted[k][1] - inverted[k][0], k))[:6])
    found = attacker.invert_estimates(exports, priors(stationary_world), real,
                                      attacker.bounds(exports, exposed), exposed)
    assert set(found) == exposed
    assert all(low - 1e-6 <= real[k] <= high + 1e-6 for k, (low, high) in {**inverted, **found}.items())
    pinned = {k: (low, high, real[k]) for k, (low, high) in found.items()
              if low >= real[k] - 2 - 1e-6 and high <= real[k] + 2 + 1e-6}
    assert pinned == {}
