"""The outsider on the magnitudes of two releases: the Parquet exports of a data home before and
after a correction, set side by side to read a changed person's amount from the change of a mean
(marts.indicator_values_published) or of a sum of costs (marts.cost_per_outcome).

The outsider here is stronger than the method assumes: it knows every exact count (not counts
rounded to 5) and the grain each magnitude was rounded to (from the truth). For a mean of n its
interval for the change of the sum is n1 x (m1 ± g1/2) - n2 x (m2 ± g2/2), for a sum of costs
(s1 - s2) ± (g1 + g2)/2. The method promises a width of at least the change itself (the best
guess may be 50% off) for euros, and for a mean at least PROMISE x one person's spread (the mean
for euros, 2 points for a mark). Only cells visible in both releases whose true sum changed are judged. Cells whose sums
changed by the same amount (one person's, in the buurt, wijk and gemeente) are intersected too,
and the intersection printed. The warehouses are opened read-only, to know the truth.

Run: .venv/bin/python -m tests.attack_magnitudes <data home before> <data home after>
Exit status 1 when a change is pinned narrower than the promise, or the outsider's model is wrong.
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np

from assets.estimates import MARK_SD, release_grain
from assets.outcomes import COST_LARGEST, COST_PARTS, COSTS_APART
from quality.magnitudes import FINEST_EURO, step_at_least

PROMISE = 0.8   # x one person's spread: the width two releases must leave open around a mean


def _connect(before: Path, after: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, home in (("w1", before), ("w2", after)):
        con.execute(f"attach '{home / 'warehouse.duckdb'}' as {name} (read_only)")
    return con


def _export(home: Path, table: str) -> str:
    return f"read_parquet('{home / 'exports' / 'marts' / f'{table}.parquet'}')"


def changed_means(con, before: Path, after: Path) -> list[tuple]:
    """(label, interval low, high, true change, promise) per mean visible in both releases."""
    rows = con.execute(f"""
        select a.indicator_id || ' ' || a.area_code || ' ' || a.period, c.unit, c.decimals,
            a.value, b.value, t1.numerator, t1.denominator, t2.numerator, t2.denominator,
            t1.value, t2.value,
            -- the grain's largest single amount of the indicator and period, in each release
            (select max(x.largest) from w1.marts.indicator_values as x
             where x.indicator_id = a.indicator_id and x.period = a.period),
            (select max(x.largest) from w2.marts.indicator_values as x
             where x.indicator_id = a.indicator_id and x.period = a.period)
        from {_export(before, 'indicator_values_published')} as a
        inner join {_export(after, 'indicator_values_published')} as b using (indicator_id, area_code, period)
        inner join w1.marts.indicator_values as t1 using (indicator_id, area_code, period)
        inner join w2.marts.indicator_values as t2 using (indicator_id, area_code, period)
        inner join w2.core.indicator_catalogue as c using (indicator_id)
        where not c.numerator_rounded and not a.suppressed and not b.suppressed
          and abs(t1.numerator - t2.numerator) > 0.005
        order by all""").fetchall()
    judged = []
    for label, unit, decimals, m1, m2, s1, n1, s2, n2, exact1, exact2, largest1, largest2 in rows:
        g1, g2 = (float(release_grain(np.array([unit]), np.array([m]), np.array([n]), np.array([decimals]),
                                      np.array([np.nan if top is None else float(top)]))[0])
                  for m, n, top in ((exact1, n1, largest1), (exact2, n2, largest2)))
        low = n1 * (m1 - g1 / 2) - n2 * (m2 + g2 / 2)
        high = n1 * (m1 + g1 / 2) - n2 * (m2 - g2 / 2)
        share = MARK_SD if unit == "score" else abs(exact1)
        judged.append((f"mean {label}: shown {m1:,.2f} -> {m2:,.2f} (n {n1:.0f} -> {n2:.0f})",
                       low, high, s1 - s2, max(PROMISE * share, abs(s1 - s2) if unit != "score" else 0)))
    return judged


def changed_costs(con, before: Path, after: Path) -> list[tuple]:
    """The same per cost part (and transfers) of marts.cost_per_outcome visible in both releases."""
    keys = "programme, cohort, area_code, outcome_id"
    judged = []
    for part in (*COST_PARTS, *COSTS_APART):
        rows = con.execute(f"""
            select concat_ws(' ', {keys}), a.{part}, b.{part}, t1.{part}, t2.{part}, t1.n_persons,
                t2.n_persons,
                -- the grain: the programme's largest single amount of the part, in each release
                (select max({COST_LARGEST[part]}) from w1.core.cost_per_outcome_cells as p
                 where p.programme = a.programme),
                (select max({COST_LARGEST[part]}) from w2.core.cost_per_outcome_cells as p
                 where p.programme = a.programme)
            from {_export(before, 'cost_per_outcome')} as a
            inner join {_export(after, 'cost_per_outcome')} as b using ({keys})
            inner join w1.core.cost_per_outcome_cells as t1 using ({keys})
            inner join w2.core.cost_per_outcome_cells as t2 using ({keys})
            where not a.suppressed and not b.suppressed and abs(t1.{part} - t2.{part}) > 0.005
            order by all""").fetchall()
        for label, shown1, shown2, exact1, exact2, n1, n2, largest1, largest2 in rows:
            g1, g2 = (max(float(np.nan_to_num(step_at_least(np.array([float(top)]))[0], nan=FINEST_EURO)),
                          FINEST_EURO) for top in (largest1, largest2))
            change, truth = float(shown1) - float(shown2), float(exact1) - float(exact2)
            judged.append((f"{part} {label}: shown {shown1:,.0f} -> {shown2:,.0f} (n {n1} -> {n2})",
                           change - (g1 + g2) / 2, change + (g1 + g2) / 2, truth, abs(truth)))
    return judged


def main(before: Path, after: Path) -> int:
    con = _connect(before, after)
    judged = changed_means(con, before, after) + changed_costs(con, before, after)
    pinned, wrong, by_change = 0, 0, {}
    for label, low, high, change, promise in judged:
        narrow = high - low < promise
        pinned += narrow
        wrong += not low - 1e-6 <= change <= high + 1e-6
        print(f"{label}; true change {change:,.2f}; outsider {low:,.0f} .. {high:,.0f} "
              f"(width {high - low:,.0f}, promise {promise:,.0f}){' PINNED' if narrow else ''}")
        key = (label.split()[0], round(change, 2))
        lo, hi = by_change.get(key, (-np.inf, np.inf))
        by_change[key] = (max(lo, low), min(hi, high))
    for (what, change), (lo, hi) in sorted(by_change.items()):
        print(f"{what}, a change of {change:,.2f} in every cell it moved: outsider "
              f"{lo:,.0f} .. {hi:,.0f} over those cells together")
    print(f"{len(judged)} magnitudes visible in both releases changed; {pinned} pinned narrower than "
          f"promised; the outsider's model wrong in {wrong}")
    return 1 if pinned or wrong else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.attack_magnitudes <data home before> <data home after>")
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
