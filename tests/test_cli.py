"""The command line talks: one-line errors with documented exit codes, the wait for a locked
warehouse said with who holds it, --help that names the environment and every flag."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from pipelines import cli
from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent


def wijkwijzer(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "WIJKWIJZER_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([str(BIN / "wijkwijzer"), *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_help_names_the_data_home_every_flag_and_the_exit_codes(capsys):
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "WIJKWIJZER_HOME" in text and "exit codes" in text
    for command, sub in cli.parser()._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in text, f"{command} {flag}"


def test_report_without_a_warehouse_creates_nothing(tmp_path):
    home = tmp_path / "nowhere"
    result = wijkwijzer("report", home=home)
    assert result.returncode == cli.EXIT_NO_WAREHOUSE
    assert "wijkwijzer run" in one_line_error(result)
    assert not home.exists(), "no empty data home left behind"


def test_a_bad_period_is_a_usage_error(tmp_path):
    result = wijkwijzer("report", "--period", "2026-13", home=tmp_path / "home")
    assert result.returncode == cli.EXIT_USAGE
    assert "--period" in one_line_error(result)


def test_a_data_home_that_cannot_be_created_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = wijkwijzer("run", home=blocker / "home")  # unwritable even for root (CI runs as root)
    assert result.returncode == cli.EXIT_HOME
    assert "WIJKWIJZER_HOME" in one_line_error(result)


def hold_warehouse(path: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; "
                               f"con = duckdb.connect({str(path)!r}); print('held', flush=True); "
                               f"time.sleep({seconds})"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_locked_warehouse_says_who_holds_it_then_gives_up_in_one_line(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    holder = hold_warehouse(home / "warehouse.duckdb", 60)
    try:
        started = time.monotonic()
        result = wijkwijzer("run", "--wait", "3", home=home)
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == cli.EXIT_LOCKED
    assert f"locked by PID {holder.pid}" in result.stdout, "said while waiting"
    assert f"PID {holder.pid}" in one_line_error(result)


def test_dev_becomes_dagster_and_stops_on_sigterm(tmp_path):
    """Started as a script's background job (SIGINT ignored), as a service manager or CI does."""
    from tests.test_dagster_ops import dev_server
    with dev_server(tmp_path / "home", ignore_sigint=True) as graphql:
        process = psutil.Process(graphql.pid)
        assert "dagster" in " ".join(process.cmdline()) and "dev" in process.cmdline(), \
            "the process started as `wijkwijzer dev` is Dagster itself (execvp)"
        os.kill(graphql.pid, signal.SIGTERM)  # to that process only, as a service manager does
        started = time.monotonic()
        assert graphql.wait(30) is not None, "Dagster stops on SIGTERM sent to `wijkwijzer dev`"
        assert time.monotonic() - started < 30


def test_the_report_path_printed_is_the_run_s_own_report(tmp_path):
    """One gemeente: its board report; several: the national summary, not one gemeente's report
    (those sit a folder deeper, under reports/<period>/<gemeentecode>/)."""
    from engine.home import DataHome
    home = DataHome(tmp_path).ensure()
    period = home.reports / "2026-Q1"
    (period / "GM0001").mkdir(parents=True)
    single = period / "board_report.nl.html"
    single.write_text("<html>")
    assert cli.latest_report(home) == single
    single.unlink()
    summary = period / "national_summary.nl.html"
    summary.write_text("<html>")
    gemeente = period / "GM0001" / "board_report.nl.html"
    gemeente.write_text("<html>")
    os.utime(summary, (1, 1))   # older than the gemeente's report, still the run's own
    assert cli.latest_report(home) == summary
