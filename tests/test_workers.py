"""Worker processes a run forks end with it (engine/workers.py): a worker that outlived a run
killed with SIGKILL kept the data home's run lock, and every later run waited for it."""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A run that holds the data home's lock and has forked its workers, then waits to be killed.
RUN = """
import multiprocessing, os, sys, time
from pathlib import Path
from engine.home import DataHome
from engine.workers import worker_started
from quality.history import Judge
with DataHome(Path(sys.argv[1])).run_lock():
    judge = Judge()
    pool = multiprocessing.get_context("fork").Pool(1, initializer=worker_started, initargs=(os.getpid(),))
    pool.apply(int)   # as the audit's pool (quality/disclosure_audit.py) makes its workers
    workers = [p.pid for p in multiprocessing.active_children()]
    print(" ".join(map(str, workers)), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_end_when_their_run_is_killed_and_free_the_run_lock(tmp_path):
    run = subprocess.Popen([sys.executable, "-c", RUN, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE,
                           text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        workers = [int(pid) for pid in run.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a worker outlived its run"
        with (tmp_path / ".run.lock").open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)   # the next run may start
    finally:
        run.kill()
        run.wait()
