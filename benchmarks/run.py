"""`make bench`: the whole pipeline at city and national scale against DuckDB's floor.

Per stage (intake, staging months, then every model and report in one run of the production graph,
with seconds and rows per asset group from that run): wall time, rows per second and peak memory;
and, in the same run, the floor: DuckDB (polars for XLSX) reading the same input files once with
one group-by per dataset. Results go to benchmarks/results/ as JSON.

    python -m benchmarks.run [--scales city,national] [--national-fraction 0.1] [--national-gemeenten 20]
                             [--months N] [--no-demo]

Beside wall time each stage has its CPU seconds (this process, all threads) and the load average
when it started: on a shared machine wall time says more about the neighbours than about the code.
The city demo (`wijkwijzer demo` on a fresh data home, as after `make install`) is timed as a
child process, and `targets` says per target of issue 20 what was measured and whether it is met.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

from assets.metadata import ROW_COUNT

RESULTS = Path(__file__).with_name("results")
# Issue 20's targets: (where in the results, limit, "max" when the measure must stay at or below).
TARGETS = {
    "national_ratio_to_floor": (("national", "ratio_to_floor"), 8.0, "max"),
    "peak_memory_gib": (("*", "peak_memory_gib"), 6.0, "max"),
    "city_demo_seconds": (("city_demo", "seconds"), 40.0, "max"),
    "national_csv_intake_rows_per_s": (("national", "stages", "intake", "by_format", "csv", "rows_per_s"),
                                       1_000_000, "min"),
    "national_corrected_month_share": (("national", "one_corrected_month", "ratio_to_full_run"), 0.10, "max"),
    "city_corrected_month_share": (("city", "one_corrected_month", "ratio_to_full_run"), 0.10, "max"),
}


class PeakMemory:
    """Samples in the background the memory of a process and its children (this one by default):
    the sum of their proportional set sizes (PSS), so pages a forked audit worker shares with its
    parent count once, and a worker's own pages count at all (ru_maxrss sees neither, and cannot
    be reset per stage).

    Reading a process's PSS makes the kernel walk its page tables: about 15 ms for the warehouse's
    process. Five times a second, that took 25 of the 285 CPU seconds of a national bench (py-spy)
    from the stages it measured. So the tree is sampled twice a second, and its PSS read only
    when its resident size (RSS, next to free to read) exceeds the peak so far: a process's PSS is
    at most its RSS, so below that the tree's PSS cannot exceed the peak either."""

    INTERVAL_S = 0.5

    def __init__(self, pid: int | None = None) -> None:
        self.peak = 0
        self.pss_reads = 0
        self._stop = threading.Event()
        self._process = psutil.Process(pid)
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        try:
            return [self._process, *self._process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    @staticmethod
    def _sum(processes: list[psutil.Process], read) -> int:
        total = 0
        for process in processes:
            try:
                total += read(process)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass   # ended between the listing and the reading
        return total

    def _pss(self, processes: list[psutil.Process]) -> int:
        self.pss_reads += 1
        return self._sum(processes, lambda p: p.memory_full_info().pss)

    def _sample(self) -> None:
        while not self._stop.wait(self.INTERVAL_S):
            processes = self._processes()
            if self._sum(processes, lambda p: p.memory_info().rss) > self.peak:
                self.peak = max(self.peak, self._pss(processes))

    def __enter__(self):
        self.peak = self._pss(self._processes())
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()


def input_files(world: Path) -> list[Path]:
    return sorted(p for p in world.glob("*/*__*__*") if p.is_file())


# One group-by per dataset on its first column: reading every row, as the pipeline must.
GROUP_BY = "select coalesce(sum(n), 0) from (select count(*) as n from (select #1 as k from {source}) group by k)"


def fill_inbox(world: Path, home):
    """Every file of a synthetic world in its partner's inbox, as complete files (old mtimes)."""
    for path in input_files(world):
        target = home.partner_inbox(path.parent.name)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
        os.utime(target / path.name, (0, 0))
    return home


def floor(world: Path) -> dict:
    """Read every input file once and do one group-by per dataset: the least any pipeline does."""
    import duckdb
    import polars as pl
    started = time.perf_counter()
    by_dataset: dict[str, list[Path]] = {}
    for path in input_files(world):
        by_dataset.setdefault(path.name.split("__")[1], []).append(path)
    con = duckdb.connect()
    rows = 0
    for dataset, paths in by_dataset.items():
        for kind in ("csv", "parquet", "xlsx"):
            files = [str(p) for p in paths if p.suffix == f".{kind}"]
            if not files:
                continue
            if kind == "xlsx":  # DuckDB's excel extension cannot be fetched offline
                frame = pl.concat([pl.read_excel(f, engine="calamine") for f in files], how="diagonal_relaxed")
                rows += con.execute(GROUP_BY.format(source="frame")).fetchall()[0][0]
            elif kind == "csv":
                rows += con.execute(GROUP_BY.format(source="read_csv(?, all_varchar=true, union_by_name=true)"),
                                    [files]).fetchall()[0][0]
            else:
                rows += con.execute(GROUP_BY.format(source="read_parquet(?, union_by_name=true)"),
                                    [files]).fetchall()[0][0]
    return {"seconds": round(time.perf_counter() - started, 2), "rows": int(rows)}


def bench_registry(world: Path, workdir: Path):
    """The demo registry, extended with the national world's partners when there are any."""
    import yaml
    from sources.contracts import CONTRACTS_DIR, REGISTRY_FILE, load_registry
    national = world / "partners_national.json"
    if not national.exists():
        return load_registry()
    spec = yaml.safe_load(REGISTRY_FILE.read_text())
    for partner in json.loads(national.read_text())["partners"]:
        spec["partners"][partner["name"]] = {"title": partner["name"], "domain": partner["domain"],
                                             "datasets": partner["datasets"]}
    path = workdir / "partners_bench.yaml"
    path.write_text(yaml.safe_dump(spec))
    return load_registry(path, CONTRACTS_DIR)


def load_buurten(con, world: Path) -> None:
    """core.dim_buurt: real Rotterdam, or the national world's synthetic buurten."""
    from sources.geography import load_rotterdam_buurten, to_arrow_table
    national = world / "reference" / "buurten_national.csv"
    if national.exists():
        import polars as pl
        import shapely
        frame = pl.read_csv(national, infer_schema=False)
        shapes = shapely.from_wkt(frame["geometry_wkt"].to_numpy())
        frame = frame.with_columns(pl.Series("geometry_wkb", shapely.to_wkb(shapes)),
                                   pl.Series("area_m2", shapely.area(shapes)))
        con.execute("""create or replace table core.dim_buurt as
            select bu_code as buurtcode, bu_naam as buurtnaam, wk_code as wijkcode, null::varchar as wijknaam,
                   gm_code as gemeentecode, gm_naam as gemeentenaam, inhabitants::bigint as inwoners,
                   households::bigint as huishoudens, round(area_m2) as area_m2, geometry_wkb
            from frame""")
    else:
        buurten = to_arrow_table(load_rotterdam_buurten())
        con.execute("create or replace table core.dim_buurt as select * from buurten")


def rows_of(results) -> int:
    """Rows built: each materialization's row count, and a range of months once per run and asset."""
    total, ranges = 0, {}
    for result in results:
        for event in result.get_asset_materialization_events():
            metadata = event.event_specific_data.materialization.metadata
            if ROW_COUNT in metadata:
                total += int(metadata[ROW_COUNT].value)
            elif "rows_in_months_built" in metadata:
                ranges[(result.run_id, event.asset_key)] = int(metadata["rows_in_months_built"].value)
    return total + sum(ranges.values())


def correct_one_month(world: Path, context: dict) -> dict:
    """One partner corrects last month but one of its rent arrears (a row fewer), as corrections
    come: the intake, then what the automation rebuilds for it, as `wijkwijzer run` does (the
    staging month, what reads it or the ledger, the reports); against a full run's time. Reports
    which staging months and how many other assets were rebuilt, and what the publication kept."""

    import dagster as dg

    from assets.intake import LEDGER_KEY, changed_partitions, raw_key
    from engine.warehouse import open_warehouse
    from pipelines.runner import run_pipeline as run_stages
    from quality.history import early_judge, judge_from_the_start
    from quality.intake import run_intake
    home, defs, instance = context["home"], context["defs"], context["instance"]
    monthly = sorted(world.glob("*/*__huurachterstand__*.csv"))
    last_but_one = sorted({p.stem.rsplit("__", 1)[1] for p in monthly})[-2]
    original = next(p for p in monthly if p.stem.endswith(last_but_one))
    lines = original.read_bytes().splitlines(keepends=True)
    corrected = home.partner_inbox(original.parent.name) / original.name
    corrected.write_bytes(b"".join(lines[:-1]))
    os.utime(corrected, (0, 0))
    timings = {}
    # `wijkwijzer run` forks its judge as it starts, and GX's import there (1.5-2.3 s) is over
    # before Dagster's own start is (2-3 s; untimed here, where the definitions and the instance
    # are held): so here too the judge is forked, and warm, before the clock starts.
    with judge_from_the_start():
        if early_judge() is not None:
            early_judge().ready()
        started = time.perf_counter()
        # The intake runs here (a national world brings its own registry) and announces what it
        # loaded as the intake asset does, so the automation sees the same change.
        with open_warehouse(home.warehouse) as con:
            decided = run_intake(con, home, "bench-correction", context["registry"])
            changed = changed_partitions(con, "bench-correction", context["registry"])
        for table, months in changed.items():
            for month in months:
                instance.report_runless_asset_event(dg.AssetMaterialization(raw_key(table), partition=month))
        instance.report_runless_asset_event(dg.AssetMaterialization(LEDGER_KEY))
        timings["intake"] = time.perf_counter() - started
        step = time.perf_counter()
        staging = run_stages(defs, instance, home, stages=("staging",))
        timings["staging"] = time.perf_counter() - step
        step = time.perf_counter()
        rest = run_stages(defs, instance, home, stages=("rest",))
        timings["core_marts_reports"] = time.perf_counter() - step
    if not (staging.success and rest.success):
        raise RuntimeError(f"the correction's runs failed: {staging.failed_steps + rest.failed_steps}")
    rebuilt = {e.asset_key for r in rest.results for e in r.get_asset_materialization_events()}
    disclosure = next((figures for figures in map(disclosure_figures, rest.results) if figures), {})
    return {"file": original.name, "decisions": [o.decision for o in decided],
            "disclosure": disclosure, "slowest_steps": slowest_steps(rest.results),
            "staging_months_rebuilt": staging.staging_months,
            "assets_rebuilt": len(rebuilt), "assets_in_a_full_run": len(unpartitioned(defs)),
            "seconds": round(time.perf_counter() - started, 2),
            "stages_s": {k: round(v, 2) for k, v in timings.items()}}


def unpartitioned(defs) -> list:
    """Every asset a rebuild builds (not raw, not by month), but the buurt map the bench loaded."""
    import dagster as dg
    graph = defs.resolve_asset_graph()
    return [k for k in graph.get_all_asset_keys() if graph.get(k).group_name != "raw"
            and graph.get(k).partitions_def is None and k != dg.AssetKey(["core", "dim_buurt"])]


def seconds_by_group(defs, result) -> dict:
    """Seconds and rows per asset group (staging, reference, core, marts, reports) within one run,
    from its own step times (a multi-asset's tables share one step, counted once)."""
    graph = defs.resolve_asset_graph()
    durations = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.get_step_success_events()}
    groups: dict[str, dict] = {}
    counted: set[str] = set()
    for event in result.get_asset_materialization_events():
        group = groups.setdefault(graph.get(event.asset_key).group_name, {"seconds": 0.0, "rows": 0})
        if event.step_key not in counted:
            counted.add(event.step_key)
            group["seconds"] += durations.get(event.step_key, 0.0)
        metadata = event.materialization.metadata
        group["rows"] += int(metadata[ROW_COUNT].value) if ROW_COUNT in metadata else 0
    return {name: {"seconds": round(g["seconds"], 2), "rows": g["rows"]} for name, g in groups.items()}


def slowest_steps(results, count: int = 10) -> dict[str, float]:
    """The `count` steps (an asset, a multi-asset or an asset check) that took longest over the
    runs `results`, in seconds: where a run's time goes."""
    from collections import Counter
    seconds: Counter = Counter()
    for result in results:
        for event in result.get_step_success_events():
            seconds[event.step_key] += event.event_specific_data.duration_ms / 1000
    return {step: round(s, 2) for step, s in seconds.most_common(count)}


def disclosure_figures(result) -> dict:
    """What publishing the indicators under disclosure control cost in that run (issue 14): the
    seconds of suppression and the attacker's audit, and the cells it hid."""
    from assets.indicators import PUBLISHED_KEY
    for event in result.get_asset_materialization_events():
        if event.asset_key == PUBLISHED_KEY:
            meta = {k: v.value for k, v in event.materialization.metadata.items()}
            return {"seconds": meta["disclosure_seconds"], "cells": meta["rows"],
                    "hidden": meta["suppressed"], "hidden_share": meta["suppressed_share"],
                    "audit_rounds": meta["audit_rounds"], "gemeente_years": meta["audit_parts"],
                    "gemeente_years_kept": meta["audit_reused"],
                    "gemeente_years_restarted": meta["audit_restarted"]}
    return {}


def run_pipeline(world: Path, home_dir: Path) -> dict:
    """Intake, the stale staging months, then every other asset in one run of the production
    definitions, as `wijkwijzer run` does; per group the seconds of its steps in that run."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from engine.home import DataHome
    from quality.intake import run_intake
    from pipelines.runner import note_automation_state, run_pipeline as run_stages
    from pipelines.sensors import ALL_JOB
    from engine.warehouse import open_warehouse

    home = fill_inbox(world, DataHome(home_dir).ensure())
    stages = {}

    def stage(name, work):
        load = os.getloadavg()[0]
        with PeakMemory() as memory:
            started, cpu = time.perf_counter(), time.process_time()
            rows = work()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        stages[name] = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "rows": rows,
                        "rows_per_s": round(rows / seconds) if rows and seconds else None,
                        "peak_memory_gib": round(memory.peak / 2**30, 2), "load_average": round(load, 1)}

    # Intake runs directly so a national world can bring its own registry; the buurt map likewise.
    registry = bench_registry(world, home_dir)
    by_format: dict[str, dict] = {}

    def decided(outcome, seconds: float) -> None:
        kind = by_format.setdefault(outcome.detected.get("format") or "unread",
                                    {"files": 0, "rows": 0, "seconds": 0.0})
        kind["files"] += 1
        kind["rows"] += outcome.rows_read
        kind["seconds"] += seconds

    with open_warehouse(home.warehouse) as con:
        load_buurten(con, world)
        stage("intake", lambda: sum(o.rows_read for o in run_intake(con, home, "bench", registry, decided)))
    stages["intake"]["by_format"] = {
        kind: {**k, "seconds": round(k["seconds"], 2),
               "rows_per_s": round(k["rows"] / k["seconds"]) if k["seconds"] else None}
        for kind, k in sorted(by_format.items())}
    defs = build_definitions(home)
    job = defs.resolve_job_def(ALL_JOB)
    instance = dg.DagsterInstance.ephemeral()
    stage("staging", lambda: rows_of(run_stages(defs, instance, home, stages=("staging",)).results))
    built = []

    def models_and_reports() -> int:  # one run, in the order of the production graph
        built.append(job.execute_in_process(instance=instance, asset_selection=unpartitioned(defs)))
        return rows_of(built)
    stage("models", models_and_reports)
    # What a full run leaves the automation: its first note, so a correction rebuilds only what
    # it changes (as after a `wijkwijzer run`).
    note_automation_state(defs, instance)
    stages["_context"] = {"defs": defs, "instance": instance, "registry": registry, "home": home,
                          "by_group": seconds_by_group(defs, built[0]),
                          "slowest_steps": slowest_steps(built),
                          "disclosure": disclosure_figures(built[0])}
    return stages


def domain_timings(home_dir: Path) -> dict:
    """Indicators (#5) and cost per outcome (#6) again on the finished warehouse, each on its own:
    the time to compute every indicator and every outcome from staging at this scale."""
    from benchmarks.indicators import INDICATOR_TARGETS
    from benchmarks.outcomes import TARGETS as OUTCOME_TARGETS
    from engine.home import DataHome
    from pipelines.runner import materialize_tables, step_seconds
    timings: dict = {}
    for name, targets in (("indicators", INDICATOR_TARGETS), ("outcomes", OUTCOME_TARGETS)):
        with PeakMemory() as memory:
            started = time.perf_counter()
            run = materialize_tables(home_dir / "warehouse.duckdb", targets, home=DataHome(home_dir))
            assert run.success
            timings[name] = {"seconds": round(time.perf_counter() - started, 2),
                             "tables": len(step_seconds(run)), "peak_memory_gib": round(memory.peak / 2**30, 2)}
    return timings


def bench_scale(scale: str, months: int, fraction: float, workdir: Path, gemeenten: int | None = None) -> dict:
    from sources.synthetic import generate
    world = workdir / f"world-{scale}"
    started = time.perf_counter()
    kwargs = {"national_fraction": fraction, "national_gemeenten": gemeenten} if scale == "national" else {}
    summary = generate(scale=scale, months=months, seed=42, out=world, **kwargs)
    generated = time.perf_counter() - started
    floor_result = floor(world)
    stages = run_pipeline(world, workdir / f"home-{scale}")
    context = stages.pop("_context")
    total = sum(s["seconds"] or 0 for s in stages.values())
    correction = correct_one_month(world, context)
    correction["ratio_to_full_run"] = round(correction["seconds"] / total, 3)
    domains = domain_timings(workdir / f"home-{scale}")
    return {
        "scale": scale, "months": months, "national_fraction": fraction if scale == "national" else None,
        "national_gemeenten": gemeenten if scale == "national" else None,
        "input_files": summary["files"], "input_rows": summary["rows"],
        "generation_seconds": round(generated, 1), "stages": stages,
        "models_by_group": context["by_group"], "slowest_steps": context["slowest_steps"],
        "disclosure": context["disclosure"],
        "pipeline_seconds": round(total, 2), "floor_seconds": floor_result["seconds"],
        "ratio_to_floor": round(total / floor_result["seconds"], 2),
        "peak_memory_gib": max(s.get("peak_memory_gib") or 0 for s in stages.values()),
        "rebuilt_alone": domains,
        "one_corrected_month": correction,
    }


def time_demo(workdir: Path) -> dict:
    """`wijkwijzer demo` on a fresh data home, as a new user runs it after `make install`: wall
    time, the CPU seconds and peak memory (PSS) of the process and its children, and its stages."""
    import re
    import resource
    home = workdir / "demo-home"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        demo = subprocess.Popen([str(Path(sys.executable).with_name("wijkwijzer")), "demo"], stdout=out,
                                stderr=subprocess.DEVNULL, text=True, env={**os.environ, "WIJKWIJZER_HOME": str(home)})
        with PeakMemory(demo.pid) as memory:
            demo.wait()
        out.seek(0)
        stdout = out.read()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stages = {name: float(s) for name, s in re.findall(r"^\s*(.+?) done in ([0-9.]+) s", stdout, re.M)}
    return {"seconds": round(seconds, 1), "exit_status": demo.returncode,
            "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "peak_memory_gib": round(memory.peak / 2**30, 2), "load_average": round(load, 1),
            "stages_s": stages}


def judge_targets(results: dict) -> dict:
    """Each target of issue 20: the measured value (None when this run did not measure it)."""
    judged = {}
    for name, (where, limit, kind) in TARGETS.items():
        if where[0] == "*":
            found = [r.get(where[1]) for r in results.values() if isinstance(r, dict) and r.get(where[1])]
            measured = max(found) if found else None
        else:
            measured = results
            for step in where:
                measured = measured.get(step) if isinstance(measured, dict) else None
        met = None if measured is None else (measured <= limit if kind == "max" else measured >= limit)
        judged[name] = {"target": limit, "kind": kind, "measured": measured, "met": met}
        # A national target holds for the whole country: a smaller world measures, it cannot meet.
        smaller = results.get("national", {}).get("national_gemeenten")
        if where[0] == "national" and smaller and measured is not None:
            judged[name].update(met=None, world=f"{smaller} gemeenten, not the whole country")
    return judged


def print_table(results: dict) -> None:
    print(f"{'scale':9} {'stage':8} {'seconds':>9} {'rows/s':>12} {'peak GiB':>9}")
    for scale, r in results.items():
        if "stages" not in r:
            continue
        for name, s in r["stages"].items():
            rate = f"{s['rows_per_s']:,}" if s.get("rows_per_s") else "–"
            secs = f"{s['seconds']:.1f}" if s.get("seconds") is not None else "–"
            print(f"{scale:9} {name:8} {secs:>9} {rate:>12} {s.get('peak_memory_gib') or '–':>9}")
        print(f"{scale:9} {'total':8} {r['pipeline_seconds']:>9.1f}   floor {r['floor_seconds']:.1f} s, "
              f"ratio {r['ratio_to_floor']}×, {r['input_rows']:,} input rows")
        if "one_corrected_month" in r:
            c = r["one_corrected_month"]
            print(f"{scale:9} one corrected month ({c['file']}): {c['seconds']:.1f} s = "
                  f"{c['ratio_to_full_run']:.0%} of a full run; staging months rebuilt "
                  f"{c['staging_months_rebuilt']}, {c['assets_rebuilt']} of {c['assets_in_a_full_run']} "
                  f"other assets")
            print(f"{scale:9} its slowest steps: " + ", ".join(
                f"{step} {seconds:.1f} s" for step, seconds in list(c["slowest_steps"].items())[:5]))
        if r.get("disclosure"):
            d = r["disclosure"]
            print(f"{scale:9} disclosure control: {d['seconds']:.1f} s, {d['hidden']:,} of {d['cells']:,} "
                  f"cells hidden ({d['hidden_share']:.1%}) in {d['gemeente_years']} gemeente-years, "
                  f"{d['audit_rounds']} audit rounds")
            if r.get("one_corrected_month", {}).get("disclosure"):
                c = r["one_corrected_month"]["disclosure"]
                print(f"{scale:9} after one corrected month: {c['seconds']:.1f} s, {c['gemeente_years_kept']} "
                      f"gemeente-years kept their pattern, {c['gemeente_years_restarted']} started from "
                      f"their last one, {c['audit_rounds']} audit rounds")
        for name, d in r.get("rebuilt_alone", {}).items():
            print(f"{scale:9} {name} alone: {d['seconds']:.1f} s for {d['tables']} tables, "
                  f"peak {d['peak_memory_gib']} GiB")
        for kind, k in r["stages"]["intake"].get("by_format", {}).items():
            print(f"{scale:9} intake {kind}: {k['files']} files, {k['rows']:,} rows, "
                  f"{k['rows_per_s'] or 0:,} rows/s")
    if "city_demo" in results:
        d = results["city_demo"]
        print(f"city demo: {d['seconds']:.1f} s wall, {d['cpu_seconds']:.1f} s CPU, peak {d['peak_memory_gib']} GiB, "
              f"load {d['load_average']}; stages {d['stages_s']}")
    for name, t in results.get("targets", {}).items():
        verdict = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        if t.get("world"):
            verdict = f"measured on {t['world']}, not judged"
        print(f"target {name}: {t['measured']} against {'≤' if t['kind'] == 'max' else '≥'} {t['target']}: {verdict}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="city,national")
    parser.add_argument("--national-fraction", type=float, default=float(os.environ.get("BENCH_NATIONAL_FRACTION", 1.0)))
    # A national world of fewer gemeenten (Rotterdam and the first others, with their partners):
    # the national code path at a size that finishes; all of them (340) by default.
    gemeenten = os.environ.get("BENCH_NATIONAL_GEMEENTEN")
    parser.add_argument("--national-gemeenten", type=int, default=int(gemeenten) if gemeenten else None)
    parser.add_argument("--city-months", type=int, default=24)
    parser.add_argument("--national-months", type=int, default=12)
    parser.add_argument("--no-demo", dest="demo", action="store_false",
                        help="do not time `wijkwijzer demo` (timed by default with the city scale)")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-bench-") as tmp:
        for scale in args.scales.split(","):
            months = args.city_months if scale == "city" else args.national_months
            results[scale] = bench_scale(scale, months, args.national_fraction, Path(tmp), args.national_gemeenten)
        if args.demo and "city" in args.scales.split(","):
            results["city_demo"] = time_demo(Path(tmp))
    results["arguments"] = sys.argv[1:] if argv is None else list(argv)
    results["targets"] = judge_targets(results)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"results: {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
