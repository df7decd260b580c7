"""`wijkwijzer`: run the pipeline, check a file, make demo data, open the UI."""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_SEED = 42

# Exit codes, documented in `wijkwijzer --help` and the README.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_HOME, EXIT_LOCKED, EXIT_NO_WAREHOUSE = 0, 1, 2, 3, 4, 5
EXIT_DOES_NOT_FIT = 6
EXIT_CODES = """exit codes:
  0  done (for `check`: the file would be accepted)
  1  a run failed in one of its steps (for `check`: the file would be refused)
  2  usage: an unknown flag or a bad value such as --period
  3  the data home cannot be created or written
  4  the warehouse stayed locked by another process for longer than --wait
  5  no warehouse yet (`report` or `plan` before the first `run`)
  6  `plan`: more placements than the buurten have room for (the message says how many fit)"""
ENVIRONMENT = """environment:
  WIJKWIJZER_HOME           the data home: inbox, landing, warehouse, Dagster instance, reports
                            (default ./data, created owner-only on first use)
  WIJKWIJZER_DUCKDB_MEMORY  DuckDB's memory limit (default 4GB; beyond it work spills to disk)
  WIJKWIJZER_CORES          the cores a run may use: DuckDB's threads and the disclosure audit's
                            workers (default every core; a region run side by side gets its share)
  WIJKWIJZER_DUCKDB_THREADS DuckDB's threads alone (default WIJKWIJZER_CORES)
  WIJKWIJZER_CHROMIUM       the Chromium binary for report PDFs (default: chromium on PATH)
  WIJKWIJZER_PG_HOST, _PORT, _USER, _PASSWORD, _DB
                            the Dagster instance in PostgreSQL (read when the instance config is
                            first written; see the README, production profile)"""


class CliError(Exception):
    """A problem the user can fix, said in one line with its exit code (no traceback)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _console(stderr: bool = False):
    from rich.console import Console
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _home(create: bool = True):
    from engine.home import DataHome
    from sources.contracts import load_registry
    home = DataHome.from_env()
    if not create:
        return home
    try:
        return home.ensure(list(load_registry().partners)).activate()
    except OSError as error:
        raise CliError(EXIT_HOME, f"cannot use the data home {home.root}: {error.strerror or error}. "
                                  "Set WIJKWIJZER_HOME to a folder you can write.") from None


def wait_for_warehouse(path: Path, wait_s: float, say) -> None:
    """Open the warehouse for writing once, to find out whether another process holds it; while it
    does, say who and wait, up to `wait_s` seconds."""
    import time

    from engine.warehouse import WarehouseLockedError, connect, lock_holder
    if not path.exists():
        return
    started, announced, holder = time.monotonic(), None, None
    while True:
        try:
            connect(path, lock_timeout_s=0).close()
            if announced is not None:
                say(f"The warehouse is free after {time.monotonic() - started:.0f} s; starting.")
            return
        except WarehouseLockedError as error:
            holder = lock_holder(error.__cause__ or error)
        waited = time.monotonic() - started
        if waited >= wait_s:
            raise CliError(EXIT_LOCKED, f"the warehouse {path} is still locked by {holder} after "
                                        f"{waited:.0f} s; try again when it has finished (or raise --wait).")
        if announced is None or waited - announced >= 30:
            say(f"The warehouse is locked by {holder}; waiting (up to {wait_s:.0f} s, Ctrl-C to stop)…"
                if announced is None else f"Still waiting for {holder} ({waited:.0f} s)…")
            announced = waited
        time.sleep(1)


PID_TAG = "wijkwijzer/pid"


def release_dead_runs(instance) -> None:
    """A CLI run killed midway stays 'started': the queue counts it as holding the warehouse pool
    (and, where the pool is handed out per step, it keeps its step's slot), so the daemon's runs
    would wait for it forever. We hold the data home's run lock, so an unfinished CLI run whose
    process is gone is dead: mark it failed and free its slots."""
    import dagster as dg
    import psutil
    unfinished = instance.get_runs(dg.RunsFilter(statuses=[
        dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.NOT_STARTED]))
    for run in unfinished:
        pid = run.tags.get(PID_TAG)
        if pid and not psutil.pid_exists(int(pid)):
            instance.report_run_failed(run, "The process running it was killed.")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            print(f"Released run {run.run_id}: its process had been killed.", flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    from quality.history import judge_from_the_start
    home = _home()   # a data home that cannot be made fails at once, before a worker is forked
    with judge_from_the_start():   # GX imported in its worker while Dagster loads here
        return _run(args, home)


def _run(args: argparse.Namespace, home) -> int:
    import logging
    import time
    say = _console().print
    import dagster as dg
    from pipelines import progress
    from pipelines.definitions import build_definitions
    from pipelines.runner import run_pipeline
    from engine.warehouse import open_warehouse

    started = time.perf_counter()
    # The warehouse's own waits (another process writing mid-run) are said out loud too.
    said = logging.StreamHandler(sys.stdout)
    said.setFormatter(logging.Formatter("  %(message)s"))
    logging.getLogger("engine.warehouse").addHandler(said)
    # The lock comes first: two runs starting together must not even create the instance together.
    lock = ExitStack()
    try:
        lock.enter_context(home.run_lock(on_wait=lambda holder: say(
            f"Another run is in progress ({holder}); waiting for it to finish.")))
    except OSError as error:
        raise CliError(EXIT_HOME, f"cannot write the data home {home.root}: {error.strerror or error}. "
                                  "Set WIJKWIJZER_HOME to a folder you can write.") from None
    with lock:
        wait_for_warehouse(home.warehouse, args.wait, say)
        instance = dg.DagsterInstance.get()
        release_dead_runs(instance)
        stages = progress.Stages()
        result = run_pipeline(build_definitions(home), instance, home, tags={PID_TAG: str(os.getpid())},
                              run_config=progress.RUN_CONFIG, on_stage=stages.start)
        stages.finish()
        with open_warehouse(home.warehouse, read_only=True) as con:  # before the next run writes
            decided = con.execute("select decision, count(*) from raw.load_ledger where run_id = ? "
                                  "group by decision order by decision", [result.intake_run_id]).fetchall()
    if decided:
        say("Files decided: " + ", ".join(f"{n} {decision}" for decision, n in decided))
        say(f"Receipts: {home.receipts}")
    elif result.results and result.results[0].success:   # the intake ran to its end: found nothing
        say("Nothing new in the inbox.")
    if result.staging_months:
        say("Staging months rebuilt: " + ", ".join(
            f"{name} {months[0]}" + (f"…{months[-1]} ({len(months)})" if len(months) > 1 else "")
            for name, months in sorted(result.staging_months.items())))
    runs = ", ".join(result.run_ids)
    if not result.success and not result.failed_steps:   # interrupted (Ctrl-C, SIGTERM): no step failed
        _console(stderr=True).print(f"wijkwijzer run: stopped before it finished (runs {runs}); the next "
                                    "`wijkwijzer run` takes up what it left.")
        return EXIT_FAILED
    if not result.success:
        _console(stderr=True).print(f"wijkwijzer run: failed in {', '.join(result.failed_steps)} "
                                    f"(runs {runs}; details in `wijkwijzer dev`, Runs).")
        return EXIT_FAILED
    say(f"Done in {time.perf_counter() - started:.0f} s: {len(result.run_ids)} run(s) ({home.dagster_home}).")
    return EXIT_OK


def latest_report(home) -> Path | None:
    """The newest Dutch report of a run: the board report of a single gemeente or, for several,
    the national summary that links to theirs (reports/<period>/); else any report."""
    for found in ([*home.reports.glob("*/board_report.nl.html"), *home.reports.glob("*/national_summary.nl.html")],
                  list(home.reports.rglob("*.html"))):
        if found:
            return max(found, key=lambda p: p.stat().st_mtime)
    return None


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the city-scale synthetic world, deliver it to the inbox, run, print the report path."""
    from quality.history import judge_from_the_start
    home = _home()   # as cmd_run: a data home that cannot be made fails before a worker is forked
    with judge_from_the_start():   # GX imported in its worker while the world is made here
        return _demo(args, home)


def _demo(args: argparse.Namespace, home) -> int:
    from sources.synthetic import generate
    world = home.root / "demo_world" / f"city-{args.months}m-seed{DEMO_SEED}"
    if not (world / "truth.json").exists():  # deterministic: generated once per data home
        summary = generate(scale="city", months=args.months, seed=DEMO_SEED, out=world)
        print(f"Generated the synthetic Rotterdam world: {summary['files']} files, {summary['rows']:,} rows.")
    for partner_dir in sorted(p for p in world.iterdir() if p.is_dir()):
        target = home.partner_inbox(partner_dir.name)
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(partner_dir.iterdir()):
            copied = target / path.name
            shutil.copyfile(path, copied)
            os.utime(copied, (0, 0))  # complete files: no need to wait for them to settle
    status = cmd_run(args)
    report = latest_report(home)
    if status == 0 and report:
        if not report.with_suffix(".pdf").exists():  # the PDF is optional; the path stays the last line
            print("No PDF beside the report: Chromium is not installed. `make browser` installs it "
                  "(Debian), then `wijkwijzer report` writes the PDF.", file=sys.stderr)
        print(report)
    return status if report else EXIT_FAILED


def cmd_demo_data(args: argparse.Namespace) -> int:
    from sources.synthetic import generate
    summary = generate(scale=args.scale, months=args.months, seed=args.seed, out=Path(args.out))
    print(f"{summary['files']} files, {summary['rows']:,} rows in {summary['seconds']:.1f} s → {args.out}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from pipelines.check import check_file
    return check_file(Path(args.file), lang=args.lang, as_json=args.json)


def cmd_report(args: argparse.Namespace) -> int:
    """Render the board report for a period from the warehouse (read-only)."""
    from reporting.board import check_period
    if args.period:
        try:
            check_period(args.period)
        except ValueError as error:
            raise CliError(EXIT_USAGE, f"--period: {error}") from None
    home = _home(create=False)  # reading creates nothing: no warehouse, no data home
    if not home.warehouse.exists():
        raise CliError(EXIT_NO_WAREHOUSE, f"no warehouse at {home.warehouse} yet: run `wijkwijzer run` "
                                          "first (or set WIJKWIJZER_HOME to the data home that has one).")
    from engine.warehouse import open_warehouse
    from reporting.board import latest_quarter, render_board_report
    with open_warehouse(home.warehouse, read_only=True, lock_timeout_s=args.wait) as con:
        period = args.period or latest_quarter(con)
        result = render_board_report(con, home.reports, period=period, lang=args.lang, pdf=not args.no_pdf)
    if result.get("pdf"):
        print(result["pdf"])
    print(result["html"])
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    """Spread placements over buurten under their thresholds (reporting/planner.py); a table and a
    map, or --json. For the corporation's allocation team: shares in whole percent, no counts."""
    import json

    from sources import placement
    settings = placement.load()
    if args.placements < 1:
        raise CliError(EXIT_USAGE, "--placements must be at least 1")
    if args.doelgroep not in settings.vulnerable_doelgroepen:
        raise CliError(EXIT_USAGE, f"--doelgroep {args.doelgroep}: not a vulnerable doelgroep in "
                                   f"sources/placement.yaml ({', '.join(settings.vulnerable_doelgroepen)})")
    home = _home(create=False)
    if not home.warehouse.exists():
        raise CliError(EXIT_NO_WAREHOUSE, f"no warehouse at {home.warehouse} yet: run `wijkwijzer run` "
                                          "first (or set WIJKWIJZER_HOME to the data home that has one).")
    from reporting.planner import PlanDoesNotFit, plan_placements
    from engine.warehouse import open_warehouse, scalar
    from reporting.placement_plan import write_plan
    with open_warehouse(home.warehouse, read_only=True, lock_timeout_s=args.wait) as con:
        if not scalar(con, "select count(*) from information_schema.tables where table_schema = 'core' "
                           "and table_name = 'placement_capacity_cells'"):
            raise CliError(EXIT_NO_WAREHOUSE, "no placement capacity in the warehouse yet: run `wijkwijzer run`.")
        try:
            plan = plan_placements(con, settings, args.placements, args.doelgroep)
        except PlanDoesNotFit as error:
            raise CliError(EXIT_DOES_NOT_FIT, f"{error}; ask for at most {error.fits}.") from None
        paths = write_plan(con, plan, args.doelgroep, home.reports)
    rows = plan.rows()
    if args.json:
        print(json.dumps(rows, indent=1))
        print(f"Map: {paths['html']}", file=sys.stderr)
        return EXIT_OK
    from rich.table import Table
    table = Table(title=f"{args.placements} placements {args.doelgroep}, {plan.candidates.period} "
                        f"(room for {plan.fits}; solved in {plan.solve_seconds:.2f} s)")
    for column in ("buurtcode", "placements", "share before", "share after", "threshold"):
        table.add_column(column, justify="left" if column == "buurtcode" else "right")
    for row in rows:
        table.add_row(row["buurtcode"], str(row["placements"]), f"{row['share_before']:.0%}",
                      f"{row['share_after']:.0%}", f"{row['threshold']:.0%}")
    console = _console()
    console.print(table)
    console.print(f"Map: {paths['html']}")
    return EXIT_OK


def cmd_dev(args: argparse.Namespace) -> int:
    """Become Dagster (webserver and daemon): signals sent to this process reach Dagster itself."""
    home = _home()
    command = [sys.executable, "-m", "dagster", "dev", "-w", str(REPO_ROOT / "workspace.yaml"),
               "--host", "127.0.0.1", "--port", str(args.port)]
    print(f"Dagster UI on http://127.0.0.1:{args.port} (instance: {home.dagster_home})", flush=True)
    os.chdir(REPO_ROOT)
    # Dagster maps SIGTERM onto the SIGINT handler; started in the background by a script, SIGINT is
    # ignored and that survives exec, so SIGTERM would be ignored too. Default first, then exec.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execvp(command[0], command)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="wijkwijzer", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wait = argparse.ArgumentParser(add_help=False)
    wait.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                      help="how long to wait for a warehouse locked by another process (default 600)")
    sub.add_parser("run", parents=[wait], help="process the inbox and rebuild what is stale"
                   ).set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", parents=[wait], help="deliver the synthetic city world, run, print the "
                          "report path")
    demo.add_argument("--months", type=int, default=24, help="months of deliveries (default 24)")
    demo.set_defaults(func=cmd_demo)
    data = sub.add_parser("demo-data", help="write a synthetic partner world (files as partners drop them)")
    data.add_argument("--scale", choices=("city", "national"), default="city")
    data.add_argument("--months", type=int, default=24, help="months of deliveries (default 24)")
    data.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})")
    data.add_argument("--out", required=True, help="folder to write the partner files to")
    data.set_defaults(func=cmd_demo_data)
    check = sub.add_parser("check", help="validate a file as intake would, without loading it")
    check.add_argument("file")
    check.add_argument("--lang", choices=("nl", "en"), default="nl", help="receipt language")
    check.add_argument("--json", action="store_true", help="print the receipt as JSON")
    check.set_defaults(func=cmd_check)
    report = sub.add_parser("report", parents=[wait], help="render the board report (HTML and PDF) for a period")
    report.add_argument("--period", help="e.g. 2026-Q3 or 2026 (default: the latest complete quarter)")
    report.add_argument("--lang", choices=("nl", "en"), default="nl", help="report language")
    report.add_argument("--no-pdf", action="store_true", help="HTML only")
    report.set_defaults(func=cmd_report)
    plan = sub.add_parser("plan", parents=[wait], help="spread N placements over buurten without passing a "
                          "threshold (table and map, or --json)")
    plan.add_argument("--placements", type=int, required=True, metavar="N", help="how many placements")
    plan.add_argument("--doelgroep", default="housing_first",
                      help="a vulnerable doelgroep of sources/placement.yaml (default housing_first)")
    plan.add_argument("--json", action="store_true", help="print the plan per buurt as JSON")
    plan.set_defaults(func=cmd_plan)
    dev = sub.add_parser("dev", help="Dagster UI and daemon on 127.0.0.1 (this process becomes Dagster)")
    dev.add_argument("--port", type=int, default=3000, help="UI port (default 3000)")
    dev.set_defaults(func=cmd_dev)
    # The top-level help lists every command with its flags, the environment and the exit codes.
    usages = "\n".join("  " + " ".join(p.format_usage().split()[1:]) for p in sub.choices.values())
    top.epilog = f"commands and their flags (`wijkwijzer COMMAND --help` explains each):\n{usages}\n\n" \
                 f"{ENVIRONMENT}\n\n{EXIT_CODES}"
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, as `check` promises
        return int(exit_.code or 0)
    from engine.warehouse import WarehouseLockedError
    try:
        return args.func(args)
    except CliError as error:
        _console(stderr=True).print(f"wijkwijzer {args.command}: {error}")
        return error.code
    except WarehouseLockedError as error:
        _console(stderr=True).print(f"wijkwijzer {args.command}: {error}")
        return EXIT_LOCKED
    except KeyboardInterrupt:
        _console(stderr=True).print(f"wijkwijzer {args.command}: stopped.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
