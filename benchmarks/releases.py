"""Two monthly releases of a warehouse's indicators, as an attacker who kept both sees them
(quality/releases.py): the release through the month before the latest month that completes a
quarter, then the release through that month (which adds the month and its quarter). The second
is published twice, on two copies: remembering what the first showed, as the pipeline does, and
forgetting it, as it did before.
Each time the joint audit (`derivable_cells` with the first release's cells known) counts the
hidden counts pinned too narrowly. The source warehouse is never written to.

    python -m benchmarks.releases "$WIJKWIJZER_HOME/warehouse.duckdb"

Writes benchmarks/results/releases.json.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from assets.indicators import PUBLISHED, derivable_cells, publish_indicator_values, write_catalogue
from quality.releases import RELEASED

RESULTS = Path(__file__).with_name("results") / "releases.json"


def last_month_of(period: str) -> str:
    """'2026-09' for '2026-09', '2026-Q3' and ('2026-12' for) '2026'."""
    if len(period) == 4:
        return f"{period}-12"
    if "Q" in period:
        return f"{period[:4]}-{3 * int(period[-1]):02d}"
    return period


def through(con: duckdb.DuckDBPyConnection, month: str) -> None:
    """marts.indicator_values as a release through `month` had it (from _whole)."""
    periods = [p for (p,) in con.execute("select distinct period from _whole").fetchall()
               if last_month_of(p) <= month]
    con.execute("create or replace table marts.indicator_values as select * from _whole "
                "where period in (select unnest(?::varchar[]))", [periods])


def quarter_month(con: duckdb.DuckDBPyConnection) -> str:
    """The latest month that completes a quarter: its release adds the month and the quarter."""
    return con.execute("select max(period) from marts.indicator_values where length(period) = 7 "
                       "and period not like '%Q%' and right(period, 2) in ('03', '06', '09', '12')").fetchone()[0]


def month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - (number == 1)}-{(number - 2) % 12 + 1:02d}"


def second_release(path: Path, remember: bool, month: str) -> dict:
    con = duckdb.connect(str(path))
    try:
        through(con, month)
        if not remember:
            con.execute(f"create table _memory as select * from {RELEASED}")
            con.execute(f"delete from {RELEASED}")
        started = time.perf_counter()
        report = publish_indicator_values(con)
        seconds = time.perf_counter() - started
        if not remember:   # the attacker remembers either way
            con.execute(f"insert into {RELEASED} select * from _memory")
        year = month[:4]
        hidden, shown_before = con.execute(f"""
            select count(*) filter (where p.suppressed),
                   count(*) filter (where p.suppressed and not first.suppressed)
            from {PUBLISHED} as p left join _first_release as first using (indicator_id, area_code, period)
            where left(p.period, 4) = ?""", [year]).fetchone()
        started = time.perf_counter()
        findings = derivable_cells(con)
        return {"publish_s": round(seconds, 1), "audit_rounds": report["audit"].rounds,
                f"hidden_in_{year}": hidden, "hidden_that_the_first_release_showed": shown_before,
                "pinned_with_both_releases": len(findings),
                "examples": [f"{f.target[1][0]} {f.target[1][1]} {f.target[1][2]}: {f.value:g} "
                             f"within {f.low:g}..{f.high:g}" for f in findings[:3]],
                "joint_audit_s": round(time.perf_counter() - started, 1)}
    finally:
        con.close()


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "first.duckdb"
        shutil.copyfile(source, first)
        con = duckdb.connect(str(first))
        write_catalogue(con)
        month = quarter_month(con)
        con.execute("create table _whole as select * from marts.indicator_values")
        through(con, month_before(month))
        started = time.perf_counter()
        publish_indicator_values(con)
        first_s = time.perf_counter() - started
        con.execute(f"create table _first_release as select indicator_id, area_code, period, suppressed from {PUBLISHED}")
        con.close()
        results = {"warehouse": source.name, "first_release": f"through {month_before(month)}",
                   "second_release": f"through {month}", "first_publish_s": round(first_s, 1)}
        for remember in (True, False):
            copy = Path(folder) / f"second-{remember}.duckdb"
            shutil.copyfile(first, copy)
            results["remembering" if remember else "forgetting"] = second_release(copy, remember, month)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
