"""`wijkwijzer`: run the pipeline, check a file, make demo data, open the UI."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_SEED = 42


def _home():
    from pipelines.home import DataHome
    from sources.contracts import load_registry
    return DataHome.from_env().ensure(list(load_registry().partners)).activate()


PID_TAG = "wijkwijzer/pid"


def release_dead_runs(instance) -> None:
    """A CLI run killed mid-step keeps its warehouse pool slot, and the next run would wait for it
    forever. We hold the data home's run lock, so an unfinished CLI run whose process is gone is dead:
    mark it failed and free its slots."""
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
    home = _home()
    import dagster as dg
    from pipelines.definitions import build_definitions
    from pipelines.runner import run_pipeline
    from pipelines.warehouse import open_warehouse

    # The lock comes first: two runs starting together must not even create the instance together.
    with home.run_lock(on_wait=lambda: print("Another run is in progress; waiting for it to finish.",
                                             flush=True)):
        instance = dg.DagsterInstance.get()
        release_dead_runs(instance)
        result = run_pipeline(build_definitions(home), instance, home, tags={PID_TAG: str(os.getpid())},
                              run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}})
        with open_warehouse(home.warehouse, read_only=True) as con:  # before the next run writes
            decided = con.execute("select decision, count(*) from raw.load_ledger where run_id = ? "
                                  "group by decision order by decision", [result.intake_run_id]).fetchall()
    if decided:
        print("Files decided: " + ", ".join(f"{n} {decision}" for decision, n in decided))
        print(f"Receipts: {home.receipts}")
    else:
        print("Nothing new in the inbox.")
    if result.staging_months:
        print("Staging months rebuilt: " + ", ".join(
            f"{name} {months[0]}" + (f"…{months[-1]} ({len(months)})" if len(months) > 1 else "")
            for name, months in sorted(result.staging_months.items())))
    runs = ", ".join(result.run_ids)
    if not result.success:
        print(f"Run(s) {runs} failed in: {', '.join(result.failed_steps)}", file=sys.stderr)
        return 1
    print(f"Run(s) {runs} succeeded ({home.dagster_home}).")
    return 0


def latest_report(home) -> Path | None:
    """The newest Dutch board report; any report if there is none yet."""
    for pattern in ("board_report.nl.html", "*.html"):
        reports = sorted(home.reports.rglob(pattern), key=lambda p: p.stat().st_mtime)
        if reports:
            return reports[-1]
    return None


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the city-scale synthetic world, deliver it to the inbox, run, print the report path."""
    from sources.synthetic import generate
    home = _home()
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
        print(report)
    return status if report else 1


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
    home = _home()
    from pipelines.warehouse import open_warehouse
    from reporting.board_report import latest_quarter, render_board_report
    with open_warehouse(home.warehouse, read_only=True) as con:
        period = args.period or latest_quarter(con)
        result = render_board_report(con, home.reports, period=period, lang=args.lang, pdf=not args.no_pdf)
    if result.get("pdf"):
        print(result["pdf"])
    print(result["html"])
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    home = _home()
    command = [sys.executable, "-m", "dagster", "dev", "-w", str(REPO_ROOT / "workspace.yaml"),
               "--host", "127.0.0.1", "--port", str(args.port)]
    print(f"Dagster UI on http://127.0.0.1:{args.port} (instance: {home.dagster_home})")
    return subprocess.call(command, cwd=REPO_ROOT)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="wijkwijzer", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="process the inbox and materialise every asset").set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help="deliver the synthetic city world, run, print the report path")
    demo.add_argument("--months", type=int, default=24)
    demo.set_defaults(func=cmd_demo)
    data = sub.add_parser("demo-data", help="write a synthetic partner world (files as partners drop them)")
    data.add_argument("--scale", choices=("city", "national"), default="city")
    data.add_argument("--months", type=int, default=24)
    data.add_argument("--seed", type=int, default=DEMO_SEED)
    data.add_argument("--out", required=True)
    data.set_defaults(func=cmd_demo_data)
    check = sub.add_parser("check", help="validate a file as intake would, without loading it")
    check.add_argument("file")
    check.add_argument("--lang", choices=("nl", "en"), default="nl")
    check.add_argument("--json", action="store_true", help="print the receipt as JSON")
    check.set_defaults(func=cmd_check)
    report = sub.add_parser("report", help="render the board report (HTML and PDF) for a period")
    report.add_argument("--period", help="e.g. 2026-Q3 (default: the latest complete quarter)")
    report.add_argument("--lang", choices=("nl", "en"), default="nl")
    report.add_argument("--no-pdf", action="store_true", help="HTML only")
    report.set_defaults(func=cmd_report)
    dev = sub.add_parser("dev", help="Dagster UI on 127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(func=cmd_dev)
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, as `check` promises
        return int(exit_.code or 0)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
