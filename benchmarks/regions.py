"""Regions side by side: the measured speed-up from one to two parallel regions on this machine.

DuckDB has one writer per file, so regions scale out as separate data homes (one warehouse each,
one `wijkwijzer run` each, Parquet exports for anything national), not as writers on one file.
Two synthetic regions (the city world under two seeds) run one after the other, then together.

    python -m benchmarks.regions [--months 12]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import RESULTS

BIN = Path(sys.executable).parent


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


def start(home: Path) -> subprocess.Popen:
    env = {**os.environ, "WIJKWIJZER_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    return subprocess.Popen([str(BIN / "wijkwijzer"), "run"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def timed(homes: list[Path], parallel: bool) -> float:
    started = time.perf_counter()
    if parallel:
        runs = [start(h) for h in homes]
        codes = [r.wait() for r in runs]
    else:
        codes = [start(h).wait() for h in homes]
    assert codes == [0] * len(homes), f"a region run failed: {codes}"
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv)
    seeds = (42, 43)
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-regions-") as tmp:
        root = Path(tmp)
        one_after_other = timed([prepare(root, s, args.months) for s in seeds], parallel=False)
        together = timed([prepare(root, s, args.months) for s in seeds], parallel=True)
    result = {"regions": len(seeds), "months": args.months, "cpus": os.cpu_count(),
              "sequential_s": round(one_after_other, 1), "parallel_s": round(together, 1),
              "speed_up": round(one_after_other / together, 2)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "regions.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
