"""Time the placement planner (reporting/planner.py: scipy milp / HiGHS) at city and national scale.

Builds the planner's input arrays directly (no pipeline run): `--buurten` buurten in wijken of 8
with 20-2,000 running tenancies, a vulnerable share of 0-20%, the threshold of
sources/placement.yaml, expected free units ~ 10% of tenancies, support in half the buurten and
significant decline in 2%; then solves for each N in `--placements` with the default weights and
max_per_buurt (best of `--repeat` runs) and checks no buurt or wijk passes its threshold.

    python -m benchmarks.placement --buurten 91        # city (the demo's buurten)
    python -m benchmarks.placement --buurten 14500     # national
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from reporting.planner import Candidates, solve
from sources import placement


def candidates(buurten: int, threshold: float, seed: int = 1) -> Candidates:
    rng = np.random.default_rng(seed)
    tenancies = rng.integers(20, 2000, buurten)
    vulnerable = np.floor(tenancies * rng.uniform(0, 0.20, buurten)).astype(np.int64)
    room = np.floor(threshold * tenancies + 1e-9).astype(np.int64) - vulnerable
    wijk = np.array([f"WK{i // 8:06d}" for i in range(buurten)])
    wijk_room = {}
    for code in np.unique(wijk):
        members = wijk == code
        wijk_room[str(code)] = int(np.floor(threshold * tenancies[members].sum()) - vulnerable[members].sum())
    return Candidates(
        period="2026-10", buurtcode=np.array([f"BU{i:08d}" for i in range(buurten)]), wijkcode=wijk,
        tenancies=tenancies, vulnerable=vulnerable, threshold=np.full(buurten, threshold),
        capacity=np.maximum(room, 0), expected_free=rng.poisson(0.1 * tenancies),
        care_nearby=rng.random(buurten) < 0.5, wijkteam_nearby=rng.random(buurten) < 0.5,
        significant_decline=rng.random(buurten) < 0.02, wijk_room=wijk_room)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buurten", type=int, default=14500)
    parser.add_argument("--placements", default="50,1000")
    parser.add_argument("--doelgroep", default="housing_first")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    config = placement.load()
    c = candidates(args.buurten, config.threshold_share)
    results = []
    for n in (int(x) for x in args.placements.split(",")):
        seconds = []
        for _ in range(args.repeat):
            plan = solve(c, n, config.weights_for(args.doelgroep), config.max_per_buurt,
                         config.exclude_significant_decline)
            seconds.append(plan.solve_seconds)
        placed = plan.placements > 0
        assert np.all(c.vulnerable[placed] + plan.placements[placed] <= c.threshold[placed] * c.tenancies[placed])
        results.append({"buurten": args.buurten, "placements": n, "fits": plan.fits,
                        "buurten_placed": int((plan.placements > 0).sum()),
                        "variables": int(np.minimum(np.minimum(c.capacity, c.expected_free),
                                                    config.max_per_buurt).sum()),
                        "solve_seconds_best": round(min(seconds), 3)})
    json.dump(results, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
