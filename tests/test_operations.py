"""Running unattended: a killed run loses nothing, simultaneous runs agree with one run."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.warehouse import open_warehouse
from sources.synthetic import generate
from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(scale="city", months=2, seed=3, out=out)
    return out


def fill_inbox(home_dir: Path, world: Path) -> list[str]:
    names = []
    for partner_dir in (p for p in world.iterdir() if p.is_dir()):
        target = home_dir / "inbox" / partner_dir.name
        target.mkdir(parents=True, exist_ok=True)
        for path in partner_dir.iterdir():
            shutil.copyfile(path, target / path.name)
            os.utime(target / path.name, (0, 0))
            names.append(path.name)
    return sorted(names)


def start_run(home_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "WIJKWIJZER_HOME": str(home_dir)}
    env.pop("DAGSTER_HOME", None)
    # Its own process group: the crash test kills the run with everything it started.
    log = (home_dir / f"run-{time.monotonic_ns()}.log").open("w")  # kept for diagnosis on failure
    return subprocess.Popen([str(BIN / "wijkwijzer"), "run"], cwd=REPO_ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def finish(run: subprocess.Popen, timeout: float = 300) -> int:
    try:
        code = run.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        raise
    if code:
        print(Path(run.stdout.name).read_text()[-3000:])  # shown by pytest for the failing test
    return code


def snapshot(home_dir: Path) -> dict:
    """Row counts of every warehouse table and the set of ledger decisions."""
    with open_warehouse(home_dir / "warehouse.duckdb", read_only=True) as con:
        tables = con.execute("""select schema_name || '.' || table_name from duckdb_tables()
                                where schema_name in ('raw', 'staging', 'core', 'marts')
                                order by 1""").fetchall()
        counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for (t,) in tables}
        decisions = sorted(con.execute("select file_name, decision from raw.load_ledger").fetchall())
    return {"counts": counts, "decisions": decisions}


def files_kept(home_dir: Path) -> list[str]:
    """Every delivered file is still somewhere: in the inbox or in landing."""
    inbox = [p.name for p in (home_dir / "inbox").rglob("*") if p.is_file()]
    landed = [p.name.partition("__")[2] for p in (home_dir / "landing").rglob("*__*")
              if p.is_file() and not p.name.startswith(".")]
    return sorted(set(inbox) | set(landed))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, world) -> dict:
    home_dir = tmp_path_factory.mktemp("uninterrupted")
    fill_inbox(home_dir, world)
    run = start_run(home_dir)
    assert finish(run) == 0
    return snapshot(home_dir)


@pytest.mark.parametrize("kill_after_s", [3.0, 6.0, 9.0])
def test_sigkill_at_any_point_then_rerun_gives_the_uninterrupted_result(tmp_path, world, uninterrupted,
                                                                        kill_after_s):
    delivered = fill_inbox(tmp_path, world)
    run = start_run(tmp_path)
    time.sleep(kill_after_s)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    assert files_kept(tmp_path) == delivered
    rerun = start_run(tmp_path)
    assert finish(rerun) == 0
    assert snapshot(tmp_path) == uninterrupted
    assert files_kept(tmp_path) == delivered


def test_two_runs_started_together_both_succeed_and_agree_with_one(tmp_path, world, uninterrupted):
    fill_inbox(tmp_path, world)
    first, second = start_run(tmp_path), start_run(tmp_path)
    assert finish(first) == 0
    assert finish(second) == 0
    assert snapshot(tmp_path) == uninterrupted
