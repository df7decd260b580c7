"""One corrected file through the daemon: which runs start, and which assets each builds.

In a data home that has had a `wijkwijzer run`, starts `wijkwijzer dev` (webserver and daemon),
drops a corrected month of rent arrears into havensteder's inbox, waits until the runs it causes
have finished and two automation ticks passed without a new one, stops Dagster and prints every
run with the assets it built. Every asset should be built once.

    python -m benchmarks.daemon_correction HOME [--amount 444,00] [--port 3919]
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ARREARS_HEADER = ["contract_id", "maand", "achterstand_eur", "maanden_achterstand"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("home")
    parser.add_argument("--amount", default="444,00", help="the corrected amount (new bytes, new run key)")
    parser.add_argument("--month", default="2025-05")
    parser.add_argument("--port", type=int, default=3919)
    args = parser.parse_args()
    root = Path(args.home).resolve()
    os.environ["WIJKWIJZER_HOME"], os.environ["DAGSTER_HOME"] = str(root), str(root / "dagster")
    import dagster as dg
    from tests.conftest import write_csv

    server = subprocess.Popen([str(Path(sys.executable).parent / "wijkwijzer"), "dev", "--port", str(args.port)],
                              cwd=REPO_ROOT, stdout=(root / "dev.log").open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/server_info", timeout=5)
                break
            except OSError:
                time.sleep(1)
        time.sleep(70)  # the sensors' first ticks: nothing to do
        with dg.DagsterInstance.get() as instance:
            before = {r.run_id for r in instance.get_runs()}
        started = time.time()
        write_csv(root / "inbox" / "havensteder" / f"havensteder__huurachterstand__{args.month}.csv",
                  ARREARS_HEADER, [[f"HC-{i:05d}", args.month, args.amount, "1"] for i in range(20)])
        quiet_since = None
        while time.time() - started < 600:
            time.sleep(10)
            with dg.DagsterInstance.get() as instance:
                runs = [r for r in instance.get_runs() if r.run_id not in before]
            if runs and all(r.is_finished for r in runs):
                quiet_since = quiet_since or time.time()
                if time.time() - quiet_since > 75:
                    break
            else:
                quiet_since = None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=90)
    built = Counter()
    with dg.DagsterInstance.get() as instance:
        records = sorted((instance.get_run_record_by_id(r.run_id) for r in instance.get_runs()
                          if r.run_id not in before), key=lambda record: record.create_timestamp)
        for record in records:
            run = record.dagster_run
            events = [e.event_log_entry.dagster_event for e in instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records]
            keys = [e.asset_key.to_user_string() + (f"[{e.partition}]" if e.partition else "") for e in events]
            checks = len(instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records)
            built.update(keys)
            by = run.tags.get("dagster/sensor_name", run.tags.get("dagster/schedule_name", "?"))
            print(f"{run.job_name} {run.status.value} by {by} +{record.create_timestamp.timestamp() - started:.0f} s: "
                  f"{len(keys)} assets, {checks} check evaluations\n    {', '.join(keys)}")
    twice = {key: n for key, n in built.items() if n > 1}
    print(f"{len(records)} runs, {len(built)} assets built, more than once: {twice or 'none'}")
    return 1 if twice else 0


if __name__ == "__main__":
    sys.exit(main())
