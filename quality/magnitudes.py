"""Magnitudes (means and sums of euros or marks) published at a grain one person stays open in.

A published table is made anew after every correction, and an attacker keeps every release. Set
side by side, two releases around a correction of one person's row give that person away through
any magnitude the row is in: a sum moves by exactly their amount, a mean of n by (x - mean) / n.
Counts are protected by suppression and rounding (quality/disclosure.py); a magnitude is
protected by its grain: rounded to a step of 1, 2 or 5 times a power of ten (`step_at_least`).
- A mean: the step at or above what one person can add over the count (for euros the largest
  single amount of its period, for a mark its spread; assets/estimates.py release_grain); the
  estimates carry the rounding in their variance.
- A sum of costs: the step at or above the largest amount one person adds to that part anywhere in
  the table's programme (all its cohorts, areas and outcomes). Two roundings then leave a
  corrected person's amount open over an interval at least as wide as the amount, and the step
  says nothing about the cell. A step per cell did: an outside attack read from the steps of two
  releases (and from a positive sum shown as 0) that the corrected tenant was the cell's largest,
  and pinned EUR 931 to 750-1,000; a step at the cell's mean per person let EUR 340 of care costs
  be pinned to 340-342 where almost nobody else had any.

    from quality.magnitudes import round_amounts
    round_amounts(con, "marts.cost_per_tenancy_month", largest={"cost_zorg_eur": "largest_zorg_eur", ...},
                  within=["programme"], parts=["cost_wonen_eur", ...], total="total_cost_eur",
                  apart=["cost_transfers_eur"], ratio=("cost_per_tenancy_month_eur", "tenancy_months"))
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import numpy as np

FINEST_EURO = 1.0   # an amount is never published finer than a euro
_SLACK = 1e-9       # a ratio that is a step up to float noise takes that step, not the next


def step_at_least(ratio: np.ndarray) -> np.ndarray:
    """The smallest 1, 2 or 5 times a power of ten at or above `ratio` (NaN where ratio <= 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        power = 10.0 ** np.floor(np.log10(ratio))
        mantissa = ratio / power
        step = power * np.select([mantissa <= 1 + _SLACK, mantissa <= 2 + _SLACK,
                                  mantissa <= 5 + _SLACK], [1.0, 2.0, 5.0], 10.0)
    return np.where(np.isfinite(step) & (step > 0), step, np.nan)


# The same step in SQL (a temporary macro of the connection).
STEP_AT_LEAST = f"""
    create or replace temp macro step_at_least(r) as
        case when r is null or not isfinite(r) or r <= 0 then null
             else 10 ^ floor(log10(r)) * case
                 when r / 10 ^ floor(log10(r)) <= 1 + {_SLACK} then 1
                 when r / 10 ^ floor(log10(r)) <= 2 + {_SLACK} then 2
                 when r / 10 ^ floor(log10(r)) <= 5 + {_SLACK} then 5
                 else 10 end end"""
# An amount at the grain of the largest amount one person adds to it (a euro at least).
AMOUNT_GRAIN = f"""
    create or replace temp macro amount_grain(largest) as
        greatest(coalesce(step_at_least(largest), {FINEST_EURO}), {FINEST_EURO})"""


def round_amounts(con: duckdb.DuckDBPyConnection, table: str, *, largest: Mapping[str, str],
                  within: Sequence[str], parts: Sequence[str], total: str, apart: Sequence[str] = (),
                  ratio: tuple[str, str] | None = None, bounds: Sequence[str] = ()) -> None:
    """Rewrite `table`'s amounts at their grains and drop the `largest` columns (never published):
    every part and every amount `apart` to the grain of the largest single amount (`largest`:
    amount column -> the column holding a cell's largest) over all rows alike in `within` (a
    programme); the total as the sum of the rounded parts, so the parts still add up. `ratio`
    (column, base count) is computed again from the rounded total, and its interval `bounds`
    rounded to the total's grain over the base (and kept around the ratio). NULLs (hidden cells)
    stay NULL."""
    con.execute(STEP_AT_LEAST)
    con.execute(AMOUNT_GRAIN)
    over = f"over (partition by {', '.join(within)})" if within else "over ()"
    grain = {c: f"amount_grain(max({largest[c]}) {over})" for c in largest}
    rounded = {c: f"round({c} / {grain[c]}) * {grain[c]}" for c in [*parts, *apart]}
    rounded[total] = f"case when {total} is not null then {' + '.join(rounded[c] for c in parts)} end"
    if ratio:
        column, base = ratio
        new_ratio = f"round(({rounded[total]}) / nullif({base}, 0), 2)"
        bound_grain = f"greatest(coalesce(step_at_least({grain[total]} / nullif({base}, 0)), 0.01), 0.01)"
        for bound, keep in zip(bounds, ("least", "greatest")):
            rounded[bound] = (f"case when {bound} is not null then {keep}(round({bound} / {bound_grain}) "
                              f"* {bound_grain}, {new_ratio}) end")
        rounded[column] = f"case when {column} is not null then {new_ratio} end"
    con.execute(f"create or replace table {table} as select * exclude ({', '.join(sorted(set(largest.values())))}) "
                "replace (" + ", ".join(f"{sql} as {c}" for c, sql in rounded.items()) + f") from {table}")
