"""Time to compute the small-area estimates (assets/estimates.py) at city and national scale.

Builds marts.indicator_estimation_inputs-shaped rows directly (every catalogue indicator, `--buurten`
buurten in wijken of 8, one gemeente; 24 months, 8 quarters, 2 years) with Poisson / binomial /
normal counts, then times compute_estimates (shrinkage and intervals for every row) and the
publication check protected_precision on the hidden share of buurt rows (`--hidden`).

    python -m benchmarks.estimates --buurten 91        # city
    python -m benchmarks.estimates --buurten 14500     # national

What it does not time: building the inputs in DuckDB (sql/marts/indicator_estimation_inputs.sql)
and writing the published table. The national world is reduced: the number of buurten of the
Netherlands, but in one gemeente (no 342 gemeenten level), every indicator with the same kind
of counts. Wall and CPU seconds are both printed: on the shared 2-core machine the wall clock
mostly measures the neighbours' load.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np
import polars as pl

from assets.estimates import compute_estimates, interval_z, protected_precision
from sources.indicators import load_catalogue

PERIODS = ([("month", f"{2025 + m // 12}-{m % 12 + 1:02d}") for m in range(24)]
           + [("quarter", f"{2025 + q // 4}-Q{q % 4 + 1}") for q in range(8)]
           + [("year", "2025"), ("year", "2026")])


def inputs(buurten: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    codes = np.array([f"BU{k:08d}" for k in range(buurten)])
    wijken = np.array([f"WK{k // 8:06d}" for k in range(buurten)])
    frames = []
    for indicator in load_catalogue().indicators:
        model = ("beta" if indicator.unit.key == "percent" else
                 "normal" if indicator.numerator.counts in ("euros", "points") else "gamma")
        rate = 0.05 * np.exp(rng.normal(0, 0.4, buurten))
        for period_type, period in PERIODS:
            months = {"month": 1, "quarter": 3, "year": 12}[period_type]
            n = rng.integers(10, 800, buurten).astype(float) * (months if model == "gamma" else 1)
            y = (rng.poisson(rate * n) if model == "gamma" else
                 rng.binomial(n.astype(int), np.minimum(rate, 0.9)) if model == "beta" else
                 n * rng.normal(7, 0.5, buurten)).astype(float)
            buurt = pl.DataFrame({"area_level": "buurt", "area_code": codes, "parent_code": wijken,
                                  "y": y, "n": n})
            wijk = (buurt.group_by(area_code=pl.col("parent_code")).agg(pl.col("y", "n").sum())
                    .with_columns(area_level=pl.lit("wijk"), parent_code=pl.lit("GM0000")))
            city = pl.DataFrame({"area_level": "gemeente", "area_code": "GM0000", "parent_code": None,
                                 "y": y.sum(), "n": n.sum()}, schema_overrides={"parent_code": pl.String})
            frames.append(pl.concat([buurt, wijk, city], how="diagonal").with_columns(
                indicator_id=pl.lit(indicator.id), period_type=pl.lit(period_type),
                period=pl.lit(period), model=pl.lit(model), scale=pl.lit(indicator.unit.scale),
                unit=pl.lit(indicator.unit.key), periods_pooled=pl.lit(1)))
    return pl.concat(frames, how="diagonal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buurten", type=int, default=91)
    parser.add_argument("--hidden", type=float, default=0.3)
    args = parser.parse_args(argv)
    frame = inputs(args.buurten)
    # wall and CPU seconds: on a shared machine the wall clock mostly measures the neighbours
    started, cpu = time.perf_counter(), time.process_time()
    estimates = compute_estimates(frame)
    estimate_seconds, estimate_cpu = time.perf_counter() - started, time.process_time() - cpu
    hidden = estimates.filter((pl.col("area_level") == "buurt") & (pl.col("model") != "normal")
                              ).sample(fraction=args.hidden, seed=1)
    started, cpu = time.perf_counter(), time.process_time()
    protected_precision(hidden, interval_z(0.90))
    check_seconds, check_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"buurten": args.buurten, "rows": estimates.height,
                      "estimate_seconds": round(estimate_seconds, 2),
                      "estimate_cpu_seconds": round(estimate_cpu, 2),
                      "hidden_rows_checked": hidden.height,
                      "protection_check_seconds": round(check_seconds, 2),
                      "protection_check_cpu_seconds": round(check_cpu, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
