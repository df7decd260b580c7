"""Intake throughput: one 1-million-row Dutch-style export through read → privacy → contract → load.

Run: .venv/bin/python -m benchmarks.intake_1m [rows] [csv|xlsx|parquet]
Prints wall and CPU time, rows per second and the process's peak RSS. The same rows are written
as a Windows-1252 `;` CSV (the default), an XLSX workbook or a Parquet file.
"""
from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from engine.home import DataHome
from quality.intake import run_intake
from engine.warehouse import open_warehouse, scalar


def contracts_frame(rows: int, seed: int = 1) -> pl.DataFrame:
    """Tenancy contracts with Dutch dates, every cell text: how a corporation's export looks."""
    rng = np.random.default_rng(seed)
    ids = np.arange(rows)
    pseudonyms = [hashlib.sha256(f"p{i}".encode()).hexdigest() for i in range(rows)]
    starts = pl.Series(rng.integers(0, 4900, rows)).map_elements(
        lambda d: (np.datetime64("2012-01-01") + int(d)).astype(object).strftime("%d-%m-%Y"),
        return_dtype=pl.String)
    groups = np.array(["regulier"] * 9 + ["housing_first", "uitstroom_bw", "statushouder"])
    frame = pl.DataFrame({
        "contract_id": [f"HC-{i:08d}" for i in ids],
        "persoon_pseudoniem": pseudonyms,
        "vhe_id": [f"VHE-{i:08d}" for i in ids],
        "startdatum": starts,
        "einddatum": [""] * rows,
        "einde_reden": [""] * rows,
        "doelgroep": groups[rng.integers(0, len(groups), rows)],
        "begeleidingsafspraak": np.where(rng.random(rows) < 0.2, "ja", "nee"),
    })
    return frame


def write_contracts_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Windows-1252, `;`, Dutch dates."""
    path.write_bytes(contracts_frame(rows, seed).write_csv(separator=";").encode("cp1252"))
    os.utime(path, (0, 0))


def write_contracts(path: Path, rows: int, file_format: str) -> None:
    if file_format == "csv":
        write_contracts_csv(path, rows)
    elif file_format == "xlsx":
        contracts_frame(rows).write_excel(path, worksheet="huurcontracten", autofit=False)
    else:
        contracts_frame(rows).write_parquet(path)
    os.utime(path, (0, 0))


def measure_intake(home_dir: Path) -> None:
    """In its own process, so peak RSS is intake's alone (not the generator's)."""
    home = DataHome(home_dir)
    rows = None
    started, cpu = time.perf_counter(), time.process_time()
    with open_warehouse(home.warehouse) as con:
        [outcome] = run_intake(con, home, "benchmark")
        rows = scalar(con, "select count(*) from raw.wonen__huurcontracten")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"decision: {outcome.decision}; detected {outcome.detected}; rows loaded: {rows:,}")
    print(f"intake: {seconds:.1f} s = {outcome.rows_read / seconds:,.0f} rows/s; CPU {cpu:.1f} s; "
          f"peak RSS {peak_mib:,.0f} MiB")


def main(rows: int = 1_000_000, file_format: str = "csv") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = DataHome(Path(tmp) / "home").ensure(["havensteder"])
        path = home.partner_inbox("havensteder") / f"havensteder__huurcontracten__2025-06.{file_format}"
        started = time.perf_counter()
        write_contracts(path, rows, file_format)
        print(f"file: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB "
              f"(generated in {time.perf_counter() - started:.1f} s)", flush=True)
        subprocess.run([sys.executable, "-m", "benchmarks.intake_1m", "--measure", str(home.root)],
                       check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_intake(Path(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, sys.argv[2] if len(sys.argv) > 2 else "csv")
