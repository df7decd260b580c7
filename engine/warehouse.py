"""The DuckDB warehouse file: connections that always close, read-only readers, and a lock held
by another process as a clear error naming the file after a bounded wait. Plain DuckDB, no
Dagster: the intake, `wijkwijzer check` and the quality modules use it without importing Dagster
(a third of a second); the Dagster resource around it is engine/resources.py.
"""
from __future__ import annotations

import logging
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

LAYERS = ("raw", "staging", "core", "marts")
# DuckDB takes 80% of RAM by default; bounded, it spills to disk beside the warehouse instead.
MEMORY_LIMIT = os.environ.get("WIJKWIJZER_DUCKDB_MEMORY", "4GB")


log = logging.getLogger(__name__)


CORES_ENV = "WIJKWIJZER_CORES"


def cores() -> int:
    """The cores this process may use: WIJKWIJZER_CORES where processes share the machine (each
    region of a parallel regions run gets its share), else every core. Read when asked: a region's
    process and a test worker set it after this is imported."""
    return max(1, int(os.environ.get(CORES_ENV) or os.cpu_count() or 1))


def _threads() -> dict:
    """DuckDB's threads when WIJKWIJZER_DUCKDB_THREADS sets them, else the process's share of cores
    when WIJKWIJZER_CORES sets one (default: one per core). Fewer where processes share the cores,
    so their threads do not crowd each other out (each test worker sets its share)."""
    threads = os.environ.get("WIJKWIJZER_DUCKDB_THREADS") or os.environ.get(CORES_ENV)
    return {"threads": int(threads)} if threads else {}


class WarehouseLockedError(RuntimeError):
    """Another process holds the DuckDB file (DuckDB allows one writer, and no readers then)."""


def lock_holder(error: Exception | str) -> str:
    """Who holds the lock, from DuckDB's message ("... held in /usr/bin/python3 (PID 123) ..."):
    the PID and its command line when the process is visible, else DuckDB's own words."""
    found = re.search(r"\(PID (\d+)\)", str(error))
    if not found:
        return "another process"
    pid = int(found.group(1))
    try:
        import psutil
        command = " ".join(psutil.Process(pid).cmdline()) or psutil.Process(pid).name()
    except Exception:  # gone already, or not ours to see
        command = ""
    return f"PID {pid}" + (f" ({command[:120]})" if command else "")


def connect(path: str | Path, read_only: bool = False, lock_timeout_s: float = 30.0
            ) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to `lock_timeout_s` for another process's lock."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"The warehouse {path} does not exist yet: run `wijkwijzer run` first.")
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout_s
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config={
                "memory_limit": MEMORY_LIMIT, "temp_directory": str(path.parent / ".duckdb_spill"),
                **_threads()})
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(
                    f"The warehouse {path} is locked by {lock_holder(error)}; waited {lock_timeout_s:.0f} s."
                ) from error
            if delay == 0.05 and lock_timeout_s > 0:  # said once, on the first wait
                log.warning("The warehouse is locked by %s; waiting up to %.0f s.", lock_holder(error),
                            lock_timeout_s)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    if not read_only:
        for layer in LAYERS:
            con.execute(f"create schema if not exists {layer}")
    return con


@contextmanager
def open_warehouse(path: str | Path, read_only: bool = False, lock_timeout_s: float = 30.0
                   ) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path, read_only=read_only, lock_timeout_s=lock_timeout_s)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def checkpoints_deferred(con: duckdb.DuckDBPyConnection, wal_size: str = "1GB") -> Iterator[None]:
    """Many small commits (an intake commits once per file) without a checkpoint every 16 MB of
    write-ahead log, DuckDB's default, each of which rewrites the row groups of the tables the
    commit touched: the log is checkpointed once it reaches `wal_size`, or when the warehouse
    closes. Every commit is as durable as before (the log is written and synced at commit)."""
    before = con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]
    con.execute("set checkpoint_threshold = ?", [wal_size])
    try:
        yield
    finally:
        con.execute("set checkpoint_threshold = ?", [before])


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2.0 refuses new work on a
    connection while a result is still open, so `fetchone()` alone is not enough)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    row = first_row(con, sql, params)
    return row[0] if row else None
