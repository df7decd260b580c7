"""Regions side by side: the measured speed-up from one to two parallel regions on this machine.

DuckDB has one writer per file, so regions scale out as separate data homes (one warehouse each,
one `wijkwijzer run` each, Parquet exports for anything national), not as writers on one file.
Two synthetic regions (the city world under two seeds) go through the `regions_run` job on
Dagster's multiprocess executor: one at a time, then two at a time.

    python -m benchmarks.regions [--months 12]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import RESULTS
from pipelines.regions import one_at_a_time, two_at_a_time


def prepare(root: Path, seed: int, months: int) -> Path:
    """A region's data home with its whole world in the inbox."""
    from sources.synthetic import generate
    world = root / f"world-{seed}"
    generate(scale="city", months=months, seed=seed, out=world)
    home = root / f"home-{seed}"
    shutil.rmtree(home, ignore_errors=True)
    for partner in (p for p in world.iterdir() if p.is_dir()):
        inbox = home / "inbox" / partner.name
        inbox.mkdir(parents=True, exist_ok=True)
        for path in partner.iterdir():
            shutil.copyfile(path, inbox / path.name)
            os.utime(inbox / path.name, (0, 0))
    return home


def timed(homes: list[Path], job, instance_dir: Path) -> float:
    import dagster as dg
    instance_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = dg.execute_job(dg.reconstructable(job), instance=dg.DagsterInstance.local_temp(str(instance_dir)),
                            run_config={"ops": {"each_region": {"config": {"homes": [str(h) for h in homes]}}}})
    assert result.success, "a region run failed"
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv)
    seeds = (42, 43)
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-regions-") as tmp:
        root = Path(tmp)
        one_after_other = timed([prepare(root, s, args.months) for s in seeds], one_at_a_time, root / "i1")
        together = timed([prepare(root, s, args.months) for s in seeds], two_at_a_time, root / "i2")
    result = {"regions": len(seeds), "months": args.months, "cpus": os.cpu_count(),
              "sequential_s": round(one_after_other, 1), "parallel_s": round(together, 1),
              "speed_up": round(one_after_other / together, 2)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "regions.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
