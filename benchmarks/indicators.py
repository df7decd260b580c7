"""Time to compute every liveability indicator at city scale.

Generates the synthetic city world (91 buurten, `--months` months), takes it through intake and
staging once, then optionally multiplies the person-level staging tables (`--copies 2` gives
~50k tenancies: every unit, contract, arrears row, trajectory, crisis event, ZRM measurement and
provision again under new ids and pseudonyms, in the same buurt), and times the indicator build
(core helpers → marts.indicator_values → disclosure control → index → buurt profile), per step,
as a Dagster run of the production definitions.

    python -m benchmarks.indicators --months 24 --copies 2
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

import psutil

from assets.index_checks import city_gap, periods_without_city, share_at_bounds
from engine.home import DataHome
from quality.intake import run_intake
from engine.sqlmodels import build, discover
from engine.warehouse import open_warehouse, scalar
from pipelines.runner import materialize_tables, step_seconds
from sources.contracts import load_registry
from sources.geography import load_rotterdam_buurten, to_arrow_table

# Every indicator table the board reads, with all they need.
INDICATOR_TARGETS = ("marts.buurt_profile", "marts.liveability_index", "marts.indicator_changes",
                     "marts.leefbaarometer_agreement")

# staging table → (id columns to suffix, pseudonym column or None)
PERSON_TABLES = {
    "wonen__verhuureenheden": (["vhe_id"], None),
    "wonen__huurcontracten": (["contract_id", "vhe_id"], "persoon_pseudoniem"),
    "wonen__huurachterstand": (["contract_id"], None),
    "zorg__trajecten": (["traject_id"], "persoon_pseudoniem"),
    "zorg__crisismomenten": ([], "persoon_pseudoniem"),
    "zorg__zrm_metingen": ([], "persoon_pseudoniem"),
    "welzijn__voorzieningen": (["voorziening_id"], "persoon_pseudoniem"),
}


def multiply(con, copies: int) -> None:
    for table, (ids, person) in PERSON_TABLES.items():
        columns = [r[0] for r in con.execute(f"select column_name from (describe staging.{table})").fetchall()]
        con.execute(f"create or replace temp table original as select * from staging.{table}")
        for copy in range(2, copies + 1):
            select = ", ".join(f"{c} || '-{copy}'" if c in ids
                               else f"sha256({c} || '{copy}')" if c == person else c for c in columns)
            con.execute(f"insert into staging.{table} select {select} from original")
        con.execute("drop table original")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    args = parser.parse_args(argv)
    from sources.synthetic import generate
    work = args.keep or Path(tempfile.mkdtemp(prefix="wijkwijzer-bench-indicators-"))
    world = work / "world"
    if not (world / "truth.json").exists():
        generate(scale="city", months=args.months, seed=args.seed, out=world)
    home = DataHome(work / "home").ensure(list(load_registry().partners))
    if home.warehouse.exists():
        home.warehouse.unlink()
    for partner_dir in (p for p in world.iterdir() if p.is_dir()):
        for path in partner_dir.iterdir():
            target = home.partner_inbox(partner_dir.name) / path.name
            shutil.copyfile(path, target)
            os.utime(target, (0, 0))
    with open_warehouse(home.warehouse) as con:
        buurten = to_arrow_table(load_rotterdam_buurten())
        con.execute("create or replace table core.dim_buurt as select * from buurten")
        started = time.perf_counter()
        run_intake(con, home, "bench")
        for model in discover():
            if model.layer == "staging":
                build(con, model)
        prepared = time.perf_counter() - started
        multiply(con, args.copies)
        con.execute("checkpoint")
        started = time.perf_counter()
        run = materialize_tables(home.warehouse, INDICATOR_TARGETS, home=home)
        total = time.perf_counter() - started
        assert run.success
        timings = step_seconds(run)
        result = {
            "months": args.months, "copies": args.copies,
            "buurten": scalar(con, "select count(*) from core.dim_buurt"),
            "tenancies_running_in_window": scalar(con, "select count(distinct contract_id) "
                                                       "from core.tenancy_periods"),
            "tenancy_period_rows": scalar(con, "select count(*) from core.tenancy_periods"),
            "indicator_values_rows": scalar(con, "select count(*) from marts.indicator_values"),
            "suppressed_share": scalar(con, "select round(avg(suppressed::int), 3) "
                                            "from marts.indicator_values_published"),
            "intake_and_staging_s": round(prepared, 1),
            "indicators_s": round(total, 2),
            "steps_s": timings,
            "peak_rss_mb": round(psutil.Process().memory_info().rss / 2**20),
            # issue 15's acceptance figures and the agreement with the Leefbaarometer 2024
            "index_max_city_gap": round(city_gap(con), 2),
            "index_share_at_bounds": round(share_at_bounds(con), 4),
            "index_periods_without_city_total": periods_without_city(con),
            "index_scored_periods": scalar(con, "select count(distinct period) from "
                                                "marts.liveability_index where dimension = 'totaal'"),
            "change_flagged_share_per_quarter": dict(con.execute("""
                select period, round(avg(change_significant::int), 3) from marts.liveability_index
                where area_level = 'buurt' and period_type = 'quarter'
                  and change_significant is not null group by all order by 1""").fetchall()),
            "leefbaarometer_spearman": {f"{d}~{l}": rho for d, l, rho in con.execute(
                "select dimension, lbm_dimension, spearman from marts.leefbaarometer_agreement"
            ).fetchall()},
        }
    print(json.dumps(result, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
