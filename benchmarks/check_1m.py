"""`wijkwijzer check` throughput: the validation behind it on a 1-million-row Dutch-style CSV.

Run: .venv/bin/python -m benchmarks.check_1m [rows]
Times `quality.validate.validate` on an in-memory DuckDB (what `check_file` does, minus printing)
in a fresh process, so peak RSS is the check's alone. The file is the intake benchmark's
(Windows-1252, `;`, Dutch dates), plus a rent-arrears file with Dutch amounts.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks.intake_1m import write_contracts_csv


def write_arrears_csv(path: Path, rows: int, seed: int = 2) -> None:
    """`;`, decimal comma with thousands dots ("1.250,00"), a month column."""
    rng = np.random.default_rng(seed)
    cents = rng.integers(0, 1_500_000, rows)
    amounts = pl.Series([f"{c // 100:,}".replace(",", ".") + f",{c % 100:02d}" for c in cents])
    frame = pl.DataFrame({
        "contract_id": [f"HC-{i:08d}" for i in range(rows)],
        "maand": ["2025-06"] * rows,
        "achterstand_eur": amounts,
        "maanden_achterstand": rng.integers(0, 12, rows).astype(str),
    })
    path.write_bytes(frame.write_csv(separator=";").encode("utf-8"))
    os.utime(path, (0, 0))


def measure_check(path: Path) -> None:
    import duckdb

    from quality.intake import register_known_buurten, sha256_of
    from quality.validate import validate
    from sources.contracts import load_registry

    started = time.perf_counter()
    with duckdb.connect() as con:
        register_known_buurten(con)
        outcome = validate(path, load_registry(), con, sha256_of(path))
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path.name}: decision {outcome.decision}; rows {outcome.rows_read:,}; "
          f"check {seconds:.1f} s = {outcome.rows_read / seconds:,.0f} rows/s; peak RSS {peak_mib:,.0f} MiB",
          flush=True)


def main(rows: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = [Path(tmp) / "havensteder__huurcontracten__2025-06.csv",
                 Path(tmp) / "havensteder__huurachterstand__2025-06.csv"]
        write_contracts_csv(files[0], rows)
        write_arrears_csv(files[1], rows)
        for path in files:
            print(f"file: {path.name}, {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.check_1m", "--measure", str(path)],
                           check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_check(Path(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
