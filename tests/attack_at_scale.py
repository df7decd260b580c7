"""The outsider of tests/attacker.py on a whole data home: its bounds on every hidden protected
count of the published exports, judged against the truth in the warehouse by the method's rule.

The outsider reads only the Parquet exports, the public buurt map and the published method; the
warehouse is opened here, read-only, to know the true counts its bounds must not pin. A hidden
count is protected when it counts persons or respondents, or is the numerator of an indicator
with a minimum count (the catalogue says which). Its interval must allow what the method
promises: under 10 both 0 and 10, from 10 on a width of 2 x max(5, 2.5% of the count); a hidden
0 of a part under a hidden whole of 1-9 (no evictions among a few ended tenancies) must be able
to reach 1. Exact bounds that leave out the true count mean the outsider's model is wrong.

Run: .venv/bin/python -m tests.attack_at_scale <data home> [--no-stock-exits] [year ...]  (all
years when none given). The outsider knows that what ran in a quarter is what ran in its last month
plus what ended before, and that what ran and did not end runs on in the next period, December
to January included (tests/attacker.py STOCK_EXITS), as the method says; `--no-stock-exits`
leaves both out.
Exit status 1 when the outsider pins a count or its model is wrong.
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import duckdb

from sources.indicators import load_catalogue
from tests import attacker

SMALL, SHARE, LEAST = 10, 0.025, 5
SLACK = 1e-6
SAMPLE = 200   # counts whose exact bounds check the outsider's model against the truth


def protected_measures(catalogue) -> set[str]:
    found = set()
    for indicator in catalogue.indicators:
        for which in ("numerator", "denominator"):
            term = getattr(indicator, which)
            if term.counts in ("persons", "respondents") or (which == "numerator" and indicator.min_count is not None):
                found.add(term.measure)
    return found


def true_counts(con, catalogue) -> dict[tuple[str, str, str], float]:
    """(measure, area, period) → its true count, from the warehouse's marts.indicator_values."""
    truth = {}
    for indicator in catalogue.indicators:
        for which in ("numerator", "denominator"):
            term = getattr(indicator, which)
            if term.rounded:
                for area, period, value in con.execute(
                        f"select area_code, period, {which} from marts.indicator_values "
                        "where indicator_id = ?", [indicator.id]).fetchall():
                    truth[(term.measure, area, period)] = value
    return truth


def true_quarter_entries(con) -> dict[tuple[str, str, str], int]:
    """(programme, start quarter, area) → its true entries, from the warehouse."""
    return {tuple(r[:3]): r[3] for r in con.execute(
        "select programme, cohort, area_code, n_persons from core.cost_per_tenancy_month_cells").fetchall()}


def too_narrow(value: float, low: float, high: float) -> bool:
    if value < SMALL:
        return low > SLACK or high < SMALL - SLACK
    return high - low < 2 * max(LEAST, SHARE * value) - SLACK


def main(home: Path, years: list[str], stock_exits=attacker.STOCK_EXITS) -> int:
    catalogue = load_catalogue()
    exports = home / "exports" / "marts"
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        truth = true_counts(con, catalogue)
    protected = protected_measures(catalogue)
    wholes = {catalogue.term(r.part).measure: catalogue.term(r.whole).measure for r in catalogue.relations}
    hidden, shown = set(), set()
    for row in attacker.read(exports, "indicator_values_published"):
        if not years or row["period"][:4] in years:
            indicator = catalogue.by_id(row["indicator_id"])
            for which in ("numerator", "denominator"):
                term = getattr(indicator, which)
                if term.rounded:
                    (hidden if row[which] is None else shown).add((term.measure, row["area_code"], row["period"]))
    # A count another indicator shows (rounded) is published, and no target: the attacker knows it.
    print(f"{len(hidden & shown):,} counts of hidden cells are shown by another indicator", flush=True)
    hidden -= shown
    counts = {k for k in hidden if k[0] in protected and truth.get(k, 0) >= 1}
    zeros = {k for k in hidden if truth.get(k) == 0 and k[0] in wholes
             and (wholes[k[0]], k[1], k[2]) in hidden and 1 <= truth.get((wholes[k[0]], k[1], k[2]), 0) < SMALL}
    print(f"{len(counts):,} hidden protected counts and {len(zeros):,} hidden zeros under a small group "
          f"({', '.join(years) or 'every year'})", flush=True)
    started = time.perf_counter()
    # Where a few feasible points already show a count wide enough, no LP of its own is spent.
    found = attacker.bounds(exports, counts | zeros, wide_enough=lambda k, low, high: (
        high >= 1 - SLACK if k in zeros else not too_narrow(truth[k], low, high)), stock_exits=stock_exits)
    print(f"bounded in {time.perf_counter() - started:.0f} s", flush=True)
    missing = (counts | zeros) - set(found)
    pinned = sorted(k for k in counts & set(found) if too_narrow(truth[k], *found[k]))
    none_of = sorted(k for k in zeros & set(found) if found[k][1] < 1 - SLACK)
    # Exact bounds hold the truth, or the outsider's model is wrong: those found too narrow are
    # exact, and so are the bounds of a sample asked for without the shortcut.
    sample = random.Random(0).sample(sorted(counts | zeros), min(SAMPLE, len(counts | zeros)))
    exact = {k: found[k] for k in [*pinned, *none_of]} | attacker.bounds(exports, set(sample),
                                                                          stock_exits=stock_exits)
    wrong = [k for k, (low, high) in exact.items() if not low - SLACK <= truth[k] <= high + SLACK]
    print(f"not bounded: {len(missing)}; truth outside exact bounds (the outsider's model wrong): "
          f"{len(wrong)} of {len(exact)}")
    print(f"pinned too narrowly: {len(pinned)} {pinned[:5]}")
    print(f"'none of them' provable: {len(none_of)} {none_of[:5]}")
    cohorts = cohorts_pinned(home, exports)
    print(f"hidden quarterly cohorts that a pool's entries pin (cost_per_outcome against "
          f"cost_per_tenancy_month): {len(cohorts)} {cohorts[:5]}")
    return 1 if pinned or none_of or wrong or missing or cohorts else 0


def cohorts_pinned(home: Path, exports: Path) -> list[tuple]:
    """(programme, quarter, area, true entries, low, high) for each hidden quarterly cohort whose
    range the pools of cost_per_outcome narrow too far (tests/attacker.py's hidden_quarter_bounds:
    its pool's hidden sum less what the other hidden quarters are known to hold): known to lie
    under 10, or pinned exactly. That it has entries its row shows anyway, and a hidden count of
    10 or more may be bounded (the cost tables' rule, docs/outcomes.md: hidden parts of a known
    whole add up to 0 or at least 10)."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        truth = true_quarter_entries(con)
    found = []
    for key, (low, high) in attacker.hidden_quarter_bounds(exports).items():
        value = truth[key]
        if high < SMALL or high - low < 1:
            found.append((*key, value, low, high))
    return sorted(found)


if __name__ == "__main__":
    args = sys.argv[2:]
    sys.exit(main(Path(sys.argv[1]), [a for a in args if a != "--no-stock-exits"],
                  () if "--no-stock-exits" in args else attacker.STOCK_EXITS))
