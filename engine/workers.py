"""Worker processes a run forks (the disclosure audit's pool, the intake's history judge) end when
the process that forked them does.

A forked worker inherits its parent's open files, the data home's run lock among them
(engine/home.py: an flock, held as long as any copy of that open file is). A worker that outlived
a parent killed with SIGKILL (an out-of-memory kill, a container stop) kept that lock, and every
later run waited for it (an outside attack, December 2026)."""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1   # linux/prctl.h


def worker_started(parent: int) -> None:
    """For a forked worker's initializer, with `parent` the pid that forked it (`os.getpid()` there).
    The worker inherits its parent's signal handlers: inside a Dagster run those turn a SIGTERM
    into an exception raised wherever the worker is, also while it holds a pool's queue lock, and
    the pool then waits forever for it. So SIGTERM ends it, SIGINT is the parent's to handle, and
    it ends when its parent does."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _killed_with_parent():
        threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent:   # it ended before the kernel was asked to tell us
        os._exit(1)


def _killed_with_parent() -> bool:
    """Linux: the kernel sends SIGKILL when the thread that forked this process ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _end_with(parent: int) -> None:
    """Elsewhere: look once a second whether the parent is still there."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
