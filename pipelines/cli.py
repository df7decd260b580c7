"""`wijkwijzer`: run the pipeline, check a file, make demo data, open the UI."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_INBOX = REPO_ROOT / "sources" / "demo_inbox"


def _home():
    from pipelines.home import DataHome
    from sources.contracts import load_registry
    return DataHome.from_env().ensure(list(load_registry().partners)).activate()


def cmd_run(args: argparse.Namespace) -> int:
    home = _home()
    import dagster as dg
    from pipelines.definitions import build_definitions
    from pipelines.sensors import INTAKE_JOB
    from pipelines.warehouse import open_warehouse

    instance = dg.DagsterInstance.get()
    job = build_definitions(home).resolve_job_def(INTAKE_JOB)
    with home.run_lock(on_wait=lambda: print("Another run is in progress; waiting for it to finish.",
                                             flush=True)):
        result = job.execute_in_process(instance=instance, raise_on_error=False,
                                        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}})
    with open_warehouse(home.warehouse, read_only=True) as con:
        decided = con.execute("select decision, count(*) from raw.load_ledger where run_id = ? "
                              "group by decision order by decision", [result.run_id]).fetchall()
    if decided:
        print("Files decided: " + ", ".join(f"{n} {decision}" for decision, n in decided))
        print(f"Receipts: {home.receipts}")
    else:
        print("Nothing new in the inbox.")
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        print(f"Run {result.run_id} failed in: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"Run {result.run_id} succeeded ({home.dagster_home}).")
    return 0


def latest_report(home) -> Path | None:
    reports = sorted(home.reports.rglob("*.html"), key=lambda p: p.stat().st_mtime)
    return reports[-1] if reports else None


def cmd_demo(args: argparse.Namespace) -> int:
    """Put the demo exports in the inbox, run, and print the report path last."""
    home = _home()
    for partner_dir in sorted(p for p in DEMO_INBOX.iterdir() if p.is_dir()):
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


def cmd_check(args: argparse.Namespace) -> int:
    from pipelines.check import check_file
    return check_file(Path(args.file), lang=args.lang, as_json=args.json)


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
    sub.add_parser("demo", help="load the demo exports, run, print the report path").set_defaults(func=cmd_demo)
    check = sub.add_parser("check", help="validate a file as intake would, without loading it")
    check.add_argument("file")
    check.add_argument("--lang", choices=("nl", "en"), default="nl")
    check.add_argument("--json", action="store_true", help="print the receipt as JSON")
    check.set_defaults(func=cmd_check)
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
