"""Sums of euros published at a grain one person stays open in (quality/magnitudes.py): the step
in numpy and in SQL agree, the rounded parts still add up to the total, a ratio is made again from
the rounded total, hidden cells stay empty; and two releases around a correction of one person's
costs no longer give those costs away."""
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


def cells(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.execute("create or replace table cells (cell varchar, n_persons integer, n_outcomes integer, "
                "cost_wonen_eur double, cost_zorg_eur double, cost_welzijn_eur double, "
                "total_cost_eur double, cost_transfers_eur double, cost_per_outcome_eur double, "
                "low double, high double)")
    con.executemany("insert into cells values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    round_amounts(con, "cells", persons="n_persons", parts=PARTS, total="total_cost_eur",
                  apart=["cost_transfers_eur"], ratio=("cost_per_outcome_eur", "n_outcomes"),
                  bounds=["low", "high"])


def test_parts_add_up_the_ratio_is_made_again_and_hidden_cells_stay_empty():
    con = duckdb.connect()
    wonen, zorg, welzijn, transfers = 71_225.81, 2_000.0, 5_000.0, 15_483.87
    total = wonen + zorg + welzijn
    cells(con, [("shown", 103, 73, wonen, zorg, welzijn, total, transfers, total / 73, 900.0, 1_200.0),
                ("hidden", None, None, None, None, None, None, None, None, None, None),
                ("provisional", 40, 0, 400.0, 0.0, 0.0, 400.0, 0.0, None, None, None)])
    shown = con.execute("select * from cells where cell = 'shown'").fetchone()
    # 71,225.81 over 103 persons: 691.5 each, so a step of 1,000; 2,000: 19.4 -> 20; 5,000: 48.5 -> 50
    assert shown[3:8] == (71_000, 2_000, 5_000, 78_000, 15_400)  # transfers: 150.3 -> 200
    assert shown[8] == pytest.approx(round(78_000 / 73, 2))
    # the total's grain (1,000) over 73 outcomes: 13.7 -> a step of 20, kept around the ratio
    assert (shown[9], shown[10]) == (900, 1_200)
    assert con.execute("select * from cells where cell = 'hidden'").fetchone()[1:] == (None,) * 10
    provisional = con.execute("select * from cells where cell = 'provisional'").fetchone()
    assert provisional[6] == 400 and provisional[8] is None, "no ratio where none was published"


def test_two_releases_around_a_correction_of_one_persons_costs_leave_them_open():
    """A care provider corrects one person's costs (removes them). To the cent, the two releases
    of the cell give the amount back exactly; at the grain, over 2,000 simulated cells of 10-300
    persons with skewed costs, at least the mean cost per person stays open either way."""
    rng = np.random.default_rng(20261206)
    con = duckdb.connect()
    wide = 0
    trials = 2_000
    rows = []
    for trial in range(trials):
        n = int(rng.integers(10, 301))
        costs = rng.lognormal(np.log(3_000), 1.2, n)
        for release, kept in (("before", costs), ("after", np.concatenate([[0.0], costs[1:]]))):
            total = float(kept.sum())
            rows.append((f"{trial}/{release}", n, n, 0.0, total, 0.0, total, 0.0, total / n, None, None))
    cells(con, rows)
    shown = dict(con.execute("select cell, cost_zorg_eur from cells").fetchall())
    for trial in range(trials):
        before, after = shown[f"{trial}/before"], shown[f"{trial}/after"]
        n_costs = rows[2 * trial][4]
        grain_before = step_at_least(np.array([n_costs / rows[2 * trial][1]]))[0]
        grain_after = step_at_least(np.array([rows[2 * trial + 1][4] / rows[2 * trial][1]]))[0]
        # the attacker: x = before - after, each known within half its grain
        low = before - after - (grain_before + grain_after) / 2
        high = before - after + (grain_before + grain_after) / 2
        truth = rows[2 * trial][4] - rows[2 * trial + 1][4]
        assert low - 1e-6 <= truth <= high + 1e-6
        wide += high - low >= n_costs / rows[2 * trial][1]
    assert wide == trials
