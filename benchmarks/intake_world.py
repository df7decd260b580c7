"""Intake throughput on many small files: a synthetic world's inbox through `run_intake` alone.

Run: .venv/bin/python -m benchmarks.intake_world [scale] [world dir]
The city world (365 files, 1.15 M rows) shows the fixed cost per file that one large file
hides. The world is generated into `world dir` when that does not exist yet (kept for the next
run), else into a temporary directory. Prints wall and CPU time, rows per second per format and
the intake process's peak RSS; intake runs in its own process so the generator's memory is not
counted.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.run import bench_registry, fill_inbox, load_buurten
from engine.home import DataHome
from engine.warehouse import open_warehouse
from quality.intake import run_intake


def measure_intake(world: Path, home_dir: Path) -> None:
    home = fill_inbox(world, DataHome(home_dir).ensure())
    by_format: dict[str, list] = {}

    def decided(outcome, seconds: float) -> None:
        kind = by_format.setdefault(outcome.detected.get("format") or "unread", [0, 0, 0.0])
        kind[0] += 1
        kind[1] += outcome.rows_read
        kind[2] += seconds

    registry = bench_registry(world, home_dir.parent)  # a national world brings its partners
    with open_warehouse(home.warehouse) as con:
        load_buurten(con, world)
        started, cpu = time.perf_counter(), time.process_time()
        outcomes = run_intake(con, home, "benchmark", registry, decided)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = sum(o.rows_read for o in outcomes)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"decisions: {dict(Counter(o.decision for o in outcomes))}")
    print(f"intake: {len(outcomes)} files, {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
          f"CPU {cpu:.1f} s; peak RSS {peak_mib:,.0f} MiB; load average {os.getloadavg()[0]:.1f}")
    # Per file from its turn to its decision (its reading may have run ahead, beside the last file).
    for kind, (files, kind_rows, kind_seconds) in sorted(by_format.items()):
        print(f"  {kind}: {files} files, {kind_rows:,} rows, {kind_seconds:.1f} s in turn")


def main(scale: str = "city", world: Path | None = None) -> None:
    from sources.synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        if world is None:
            world = Path(tmp) / "world"
        if not world.exists():
            started = time.perf_counter()
            generate(scale=scale, months=24, seed=42, out=world)
            print(f"world: {scale}, generated in {time.perf_counter() - started:.0f} s", flush=True)
        subprocess.run([sys.executable, "-m", "benchmarks.intake_world", "--measure", str(world),
                        str(Path(tmp) / "home")], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_intake(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "city",
             Path(sys.argv[2]) if len(sys.argv) > 2 else None)
