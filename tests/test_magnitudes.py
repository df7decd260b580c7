"""Sums of euros published at a grain one person stays open in (quality/magnitudes.py): the step
in numpy and in SQL agree, the rounded parts still add up to the total, a ratio is made again from
the rounded total, hidden cells stay empty; and two releases around a correction of one person's
costs no longer give those costs away, also where almost nobody else adds to the sum."""
from __future__ import annotations

import duckdb
import numpy as np
import pytest

from quality.magnitudes import STEP_AT_LEAST, round_amounts, step_at_least

PARTS = ["cost_wonen_eur", "cost_zorg_eur", "cost_welzijn_eur"]


def test_the_step_is_the_smallest_one_two_or_five_at_or_above_in_numpy_and_sql():
    ratios = np.array([0.004, 0.01, 0.011, 1.0, 1.5, 2.0, 2.01, 4.9, 5.0, 5.1, 34.1, 691.5, 7e6, 0.0, -1.0])
    expected = [0.005, 0.01, 0.02, 1, 2, 2, 5, 5, 5, 10, 50, 1000, 1e7, None, None]
    numpy = step_at_least(ratios)
    con = duckdb.connect()
    con.execute(STEP_AT_LEAST)
    sql = [con.execute("select step_at_least(?)", [float(r)]).fetchone()[0] for r in ratios]
    for want, a, b in zip(expected, numpy, sql):
        if want is None:
            assert np.isnan(a) and b is None
        else:
            assert a == pytest.approx(want) and b == pytest.approx(want)


LARGEST = {"cost_wonen_eur": "largest_wonen", "cost_zorg_eur": "largest_zorg",
           "cost_welzijn_eur": "largest_welzijn", "total_cost_eur": "largest_total",
           "cost_transfers_eur": "largest_transfers"}


def cells(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Cells (cell, programme, n_outcomes, the three parts, total, transfers, ratio, low, high, and
    the largest single amount of each part, of the total and of the transfers), rounded."""
    con.execute("create or replace table cells (cell varchar, programme varchar, n_outcomes integer, "
                "cost_wonen_eur double, cost_zorg_eur double, cost_welzijn_eur double, "
                "total_cost_eur double, cost_transfers_eur double, cost_per_outcome_eur double, "
                "low double, high double, largest_wonen double, largest_zorg double, "
                "largest_welzijn double, largest_total double, largest_transfers double)")
    con.executemany(f"insert into cells values ({', '.join(['?'] * 16)})", rows)
    round_amounts(con, "cells", largest=LARGEST, within=["programme"], parts=PARTS, total="total_cost_eur",
                  apart=["cost_transfers_eur"], ratio=("cost_per_outcome_eur", "n_outcomes"),
                  bounds=["low", "high"])


def test_parts_add_up_the_ratio_is_made_again_and_hidden_cells_stay_empty():
    con = duckdb.connect()
    wonen, zorg, welzijn, transfers = 71_225.81, 2_000.0, 5_000.0, 15_483.87
    total = wonen + zorg + welzijn
    cells(con, [("shown", "hf", 73, wonen, zorg, welzijn, total, transfers, total / 73, 900.0, 1_200.0,
                 7_000.0, 200.0, 300.0, 7_020.0, 1_548.39),
                ("hidden", "hf", *[None] * 14),
                # a cell of the same programme with a larger care entry sets the programme's care grain
                ("other", "hf", 10, 0.0, 900.0, 0.0, 900.0, 0.0, 90.0, None, None, 0.0, 900.0, 0.0, 900.0, 0.0),
                ("provisional", "sh", 0, 400.0, 0.0, 0.0, 400.0, 0.0, None, None, None,
                 400.0, 0.0, 0.0, 400.0, 0.0)])
    assert [c[0] for c in con.execute("describe cells").fetchall()][-2:] == ["low", "high"], \
        "the largest amounts are never published"
    shown = con.execute("select * from cells where cell = 'shown'").fetchone()
    # largest 7,000 -> a step of 10,000; care 900 (the other cell) -> 1,000; 300 -> 500; 1,548.39 -> 2,000
    assert shown[3:8] == (70_000, 2_000, 5_000, 77_000, 16_000)
    assert shown[8] == pytest.approx(round(77_000 / 73, 2))
    # the total's grain (7,020 -> 10,000) over 73 outcomes: 137 -> a step of 200, kept around the ratio
    assert (shown[9], shown[10]) == (1_000, 1_200)
    assert con.execute("select cost_zorg_eur from cells where cell = 'other'").fetchone() == (1_000,)
    assert con.execute("select * from cells where cell = 'hidden'").fetchone()[2:] == (None,) * 9
    provisional = con.execute("select * from cells where cell = 'provisional'").fetchone()
    assert provisional[6] == 500 and provisional[8] is None, "no ratio where none was published"


@pytest.mark.parametrize("others_add", [True, False])
def test_two_releases_around_a_correction_of_one_persons_costs_leave_them_open(others_add):
    """A care provider removes one person's costs. To the cent, the two releases of the cell give
    the amount back exactly. At the grain, over 2,000 simulated cells of 10-1,300 persons with
    skewed costs, the attacker's interval for the amount is at least as wide as the amount (its
    midpoint may be 50% off); also where nobody else has costs of this kind (a comparison
    group's care costs: the outside attack of 5 December pinned EUR 340 to EUR 340-342 there with
    a grain at the mean per person)."""
    rng = np.random.default_rng(20261206)
    con = duckdb.connect()
    trials = 2_000
    rows, truths = [], []
    for trial in range(trials):
        n = int(rng.integers(10, 1_301))
        costs = rng.lognormal(np.log(3_000), 1.2, n)
        if not others_add:
            costs[1:] = np.where(rng.random(n - 1) < 0.98, 0.0, costs[1:])
        truths.append(float(costs[0]))
        for release, kept in (("before", costs), ("after", np.concatenate([[0.0], costs[1:]]))):
            total, top = float(kept.sum()), float(kept.max())
            rows.append((f"{trial}/{release}", f"{trial}/{release}", n, 0.0, total, 0.0, total, 0.0,
                         total / n, None, None, 0.0, top, 0.0, top, 0.0))
    cells(con, rows)
    shown = dict(con.execute("select cell, cost_zorg_eur from cells").fetchall())
    for trial, truth in enumerate(truths):
        # the grain of each release, a euro at least (where nobody is left with such costs)
        grains = [max(np.nan_to_num(step_at_least(np.array([rows[2 * trial + k][12]]))[0], nan=1.0), 1.0)
                  for k in (0, 1)]
        change = shown[f"{trial}/before"] - shown[f"{trial}/after"]
        low, high = change - sum(grains) / 2, change + sum(grains) / 2
        assert low - 1e-6 <= truth <= high + 1e-6, "the attacker's interval holds the truth"
        assert high - low >= truth, f"pinned: {truth:.2f} in {low:.0f}..{high:.0f}"
