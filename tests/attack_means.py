"""The outsider on the means of two releases: the Parquet exports of a data home before and after a
correction, set side by side to read a changed person's amount from the change of a mean.

A mean of euros or marks is published anew after every correction. The outsider here is stronger
than the method assumes: it knows both exact counts of every cell (not the counts rounded to 5) and
the grain each mean was rounded to (assets/estimates.py release_grain, from the truth). For every
mean visible in both releases whose true sum changed, its interval for that change is
n1 x (m1 ± g1/2) - n2 x (m2 ± g2/2); the method promises a width of at least 0.8 x the mean (one
person's spread for euros; 2 points for a mark). The warehouses are opened read-only, to know the
truth. Cells whose sums changed by the same amount (one person's, in the wijk and the gemeente)
are also intersected, and the intersection printed.

Run: .venv/bin/python -m tests.attack_means <data home before> <data home after>
Exit status 1 when a change is pinned narrower than the promise.
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np

from assets.estimates import MARK_SD, release_grain

PROMISE = 0.8   # x the spread of one person: the width two releases must leave open


def changed_means(before: Path, after: Path) -> list[tuple]:
    con = duckdb.connect()
    for name, home in (("w1", before), ("w2", after)):
        con.execute(f"attach '{home / 'warehouse.duckdb'}' as {name} (read_only)")
    published = lambda home: f"read_parquet('{home / 'exports' / 'marts' / 'indicator_values_published.parquet'}')"  # noqa: E731
    return con.execute(f"""
        select a.indicator_id, a.area_code, a.period, c.unit, c.decimals, a.value, b.value,
            t1.numerator, t1.denominator, t2.numerator, t2.denominator, t1.value, t2.value
        from {published(before)} as a
        inner join {published(after)} as b using (indicator_id, area_code, period)
        inner join w1.marts.indicator_values as t1 using (indicator_id, area_code, period)
        inner join w2.marts.indicator_values as t2 using (indicator_id, area_code, period)
        inner join w2.core.indicator_catalogue as c using (indicator_id)
        where not c.numerator_rounded and not a.suppressed and not b.suppressed
          and abs(t1.numerator - t2.numerator) > 0.005
        order by all""").fetchall()


def main(before: Path, after: Path) -> int:
    rows = changed_means(before, after)
    pinned, by_change = 0, {}
    for indicator, area, period, unit, decimals, m1, m2, s1, n1, s2, n2, exact1, exact2 in rows:
        g1, g2 = (float(release_grain(np.array([unit]), np.array([m]), np.array([n]), np.array([decimals]))[0])
                  for m, n in ((exact1, n1), (exact2, n2)))
        low = n1 * (m1 - g1 / 2) - n2 * (m2 + g2 / 2)
        high = n1 * (m1 + g1 / 2) - n2 * (m2 - g2 / 2)
        spread = MARK_SD if unit == "score" else abs(exact1)
        narrow = high - low < PROMISE * spread
        pinned += narrow
        change = s1 - s2
        assert low - 1e-6 <= change <= high + 1e-6, "the outsider's model is wrong"
        print(f"{indicator} {area} {period}: shown {m1:,.2f} -> {m2:,.2f} (n {n1:.0f} -> {n2:.0f}); "
              f"true change of the sum {change:,.2f}; outsider {low:,.0f} .. {high:,.0f} "
              f"(width {high - low:,.0f}, promise {PROMISE * spread:,.0f}){' PINNED' if narrow else ''}")
        key = (indicator, round(change, 2))
        lo, hi = by_change.get(key, (-np.inf, np.inf))
        by_change[key] = (max(lo, low), min(hi, high))
    for (indicator, change), (lo, hi) in sorted(by_change.items()):
        print(f"{indicator}, a change of {change:,.2f} in every cell it moved: outsider "
              f"{lo:,.0f} .. {hi:,.0f} over those cells together")
    print(f"{len(rows)} means visible in both releases changed; {pinned} pinned narrower than promised")
    return 1 if pinned else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.attack_means <data home before> <data home after>")
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
