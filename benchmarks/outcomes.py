"""Time the outcome layer (person linkage, outcomes, cost per outcome, disclosure, social return,
concentration) at city scale.

Generates the seeded synthetic city world (24 months by default), runs the real intake into a
temporary data home, then, with `--copies 2`, fabricates a second city next to it in raw (every
id suffixed, every pseudonym re-hashed) to reach ~50k tenancies, and builds every table of the
outcome layer (a Dagster run of the production definitions) with the time per table.

    python -m benchmarks.outcomes [--months 24] [--copies 2] [--seed 42] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

TARGETS = ["marts.cost_per_outcome", "marts.cost_per_tenancy_month", "marts.rate_card_comparison",
           "marts.social_return", "marts.social_return_sensitivity", "marts.stakeholder_balance",
           "marts.concentration", "core.person_months"]
# raw tables with ids or pseudonyms a copy must change (and the columns to change)
COPIED = {
    "wonen__huurcontracten": ("contract_id", "vhe_id", "persoon_pseudoniem"),
    "wonen__verhuureenheden": ("vhe_id",),
    "wonen__woonkosten": ("contract_id",),
    "wonen__huurachterstand": ("contract_id",),
    "wonen__overlastmeldingen": ("melding_id", "veroorzaker_contract_id"),
    "zorg__trajecten": ("traject_id", "persoon_pseudoniem"),
    "zorg__zorgkosten": ("traject_id",),
    "zorg__zrm_metingen": ("persoon_pseudoniem",),
    "zorg__crisismomenten": ("persoon_pseudoniem",),
    "welzijn__voorzieningen": ("voorziening_id", "persoon_pseudoniem"),
    "welzijn__welzijnskosten": ("voorziening_id",),
}


def fabricate_copies(con, copies: int) -> None:
    """Add copies 2..n of every person-level raw table: the same history for other people."""
    for table, columns in COPIED.items():
        con.execute(f"create or replace temp table _original as select * from raw.{table}")
        for copy in range(2, copies + 1):
            replaced = ", ".join(
                f"sha256({c} || '-{copy}') as {c}" if c == "persoon_pseudoniem"
                else f"{c} || '-{copy}' as {c}" for c in columns)
            con.execute(f"insert into raw.{table} select * replace ({replaced}) from _original")
        con.execute("drop table _original")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--copies", type=int, default=2, help="cities side by side (2 ≈ 50k tenancies)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="keep the data home here instead of a temp folder")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="wijkwijzer-outcomes-"))
    os.environ["WIJKWIJZER_HOME"] = str(root / "home")
    os.environ["DAGSTER_HOME"] = str(root / "home" / "dagster")
    from engine.home import DataHome
    from quality.intake import run_intake
    from engine.sqlmodels import build, discover
    from engine.warehouse import open_warehouse, scalar
    from pipelines.runner import materialize_tables, step_seconds
    from sources.contracts import load_registry
    from sources.geography import load_rotterdam_buurten, to_arrow_table
    from sources.synthetic import generate

    home = DataHome.from_env().ensure(list(load_registry().partners))
    started = time.perf_counter()
    world = root / "world"
    summary = generate(scale="city", months=args.months, seed=args.seed, out=world)
    print(f"generate   {summary['rows']:>10,d} rows  {time.perf_counter() - started:7.1f} s")
    for partner_dir in (p for p in world.iterdir() if p.is_dir()):
        for path in partner_dir.iterdir():
            target = home.partner_inbox(partner_dir.name) / path.name
            shutil.copyfile(path, target)
            os.utime(target, (0, 0))
    with open_warehouse(home.warehouse) as con:
        con.register("_buurten", to_arrow_table(load_rotterdam_buurten()))
        con.execute("create or replace table core.dim_buurt as select * from _buurten")
        t = time.perf_counter()
        decisions = Counter(o.decision for o in run_intake(con, home, "bench-outcomes", load_registry()))
        print(f"intake     {sum(decisions.values()):>10,d} files {time.perf_counter() - t:7.1f} s  "
              f"{dict(decisions)}")
        if args.copies > 1:
            t = time.perf_counter()
            fabricate_copies(con, args.copies)
            print(f"copies     {args.copies:>10d} cities {time.perf_counter() - t:6.1f} s")
        t_layer = time.perf_counter()
        for model in discover():  # the raw tables (copies included) into staging, whole
            if model.layer == "staging":
                build(con, model)
        run = materialize_tables(home.warehouse, TARGETS, home=home)
        assert run.success
        for table, seconds in step_seconds(run).items():
            rows = scalar(con, f"select count(*) from {table}")
            print(f"{table:42s} {rows:>10,d} rows {seconds:6.2f} s", flush=True)
        tenancies = scalar(con, "select count(*) from core.tenancies")
        print(f"outcome layer for {tenancies:,d} tenancies: {time.perf_counter() - t_layer:.1f} s "
              f"(total {time.perf_counter() - started:.1f} s)")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
