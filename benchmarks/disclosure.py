"""Time to publish marts.indicator_values under disclosure control (suppression and the attacker's
LP audit, assets/indicators.py), and what it hides, on a copy of a warehouse that holds the
indicator values (a `make demo` warehouse will do).

    python -m benchmarks.disclosure "$WIJKWIJZER_HOME/warehouse.duckdb"              # the city
    python -m benchmarks.disclosure "$WIJKWIJZER_HOME/warehouse.duckdb" --gemeenten 4

`--gemeenten K` publishes K copies of the world side by side as K gemeenten (the area codes of
each copy renamed). No relation crosses a gemeente, so this measures how the publication grows
towards national scale without building a national world. `--check` adds a fresh exact audit of
the result (what the asset check runs). `--correct` then corrects one gemeente's counts in one
year (all doubled) and publishes again as the pipeline does: the other gemeente-years keep their
pattern (quality/pattern_cache.py), and the time is that of a monthly correction. The source warehouse is never written to. Wall and CPU
seconds are both printed: on the shared 2-core machine the wall clock mostly measures the load.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from assets.indicators import PUBLISHED, derivable_cells, publish_indicator_values, write_catalogue

CITY_CODE = "0599"   # Rotterdam's digits inside every buurt, wijk and gemeente code


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the audit's forked workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def add_gemeenten(con: duckdb.DuckDBPyConnection, copies: int) -> None:
    """Copies 2..K of the indicator values and the buurt dimension, as other gemeenten."""
    con.execute("create temp table _values as select * from marts.indicator_values")
    con.execute("create temp table _buurten as select * from core.dim_buurt")
    for copy in range(2, copies + 1):
        code = f"{9000 + copy:04d}"
        con.execute("insert into marts.indicator_values select * replace "
                    "(replace(area_code, ?, ?) as area_code) from _values", [CITY_CODE, code])
        con.execute("insert into core.dim_buurt select * replace (replace(buurtcode, ?, ?) as buurtcode, "
                    "replace(wijkcode, ?, ?) as wijkcode, replace(gemeentecode, ?, ?) as gemeentecode) "
                    "from _buurten", [CITY_CODE, code] * 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.disclosure", description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path, help="a warehouse with marts.indicator_values")
    parser.add_argument("--gemeenten", type=int, default=1, help="copies of the world as gemeenten")
    parser.add_argument("--check", action="store_true", help="also time a fresh exact audit")
    parser.add_argument("--correct", action="store_true",
                        help="also time the publication after one gemeente-year is corrected")
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        print(f"benchmarks.disclosure: no warehouse at {args.warehouse} (run `make demo` first)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "warehouse.duckdb"
        shutil.copyfile(args.warehouse, copy)
        con = duckdb.connect(str(copy))
        write_catalogue(con)
        if args.gemeenten > 1:
            add_gemeenten(con, args.gemeenten)
        wall, cpu = time.perf_counter(), cpu_seconds()
        reports = publish_indicator_values(con, reuse=False, progress=lambda line: print(
            f"{time.perf_counter() - wall:7.1f} s  {line}", file=sys.stderr, flush=True))
        result = {"gemeenten": args.gemeenten, "publish_wall_s": round(time.perf_counter() - wall, 1),
                  "publish_cpu_s": round(cpu_seconds() - cpu, 1)}
        cells, hidden = con.execute(f"select count(*), count(*) filter (where suppressed) "
                                    f"from {PUBLISHED}").fetchall()[0]
        result.update(cells=cells, hidden=hidden, hidden_share=round(hidden / cells, 4),
                      audit_rounds=reports["audit"].rounds, gemeente_years_audited=reports["audit"].parts)
        if args.check:
            wall, cpu = time.perf_counter(), cpu_seconds()
            findings = derivable_cells(con)
            result.update(exact_audit_wall_s=round(time.perf_counter() - wall, 1),
                          exact_audit_cpu_s=round(cpu_seconds() - cpu, 1),
                          exact_audit_findings=len(findings))
        if args.correct:
            year = con.execute("select max(left(period, 4)) from marts.indicator_values").fetchone()[0]
            con.execute("update marts.indicator_values set numerator = 2 * numerator, "
                        "denominator = 2 * denominator where area_code like ? and left(period, 4) = ?",
                        [f"__{CITY_CODE}%", year])
            wall, cpu = time.perf_counter(), cpu_seconds()
            audit = publish_indicator_values(con)["audit"]
            wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
            result.update(corrected_publish_wall_s=round(wall, 1), corrected_publish_cpu_s=round(cpu, 1),
                          corrected_gemeente_years_kept=audit.reused,
                          corrected_share_of_fresh_cpu=round(cpu / result["publish_cpu_s"], 3))
        con.close()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
