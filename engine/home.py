"""The data home: one folder holding everything a run creates (never the code).

`WIJKWIJZER_HOME` names it; `./data` is the embedded default. Created owner-only on first use.
"""
from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

HOME_ENV = "WIJKWIJZER_HOME"
DEFAULT_HOME = "./data"
INSTANCE_TEMPLATE = Path(__file__).with_name("dagster.yaml")
POSTGRES_TEMPLATE = Path(__file__).with_name("dagster_postgres.yaml")
SQLITE_TEMPLATE = Path(__file__).with_name("dagster_sqlite.yaml")
# Setting this (and the other WIJKWIJZER_PG_* variables) selects the PostgreSQL instance profile.
PG_HOST_ENV = "WIJKWIJZER_PG_HOST"


def instance_config_text() -> str:
    """The shipped instance config, plus run/event/schedule storage: in PostgreSQL when
    WIJKWIJZER_PG_HOST is set (the production profile; the password stays in the environment),
    else in SQLite files under the Dagster home."""
    storage = POSTGRES_TEMPLATE if os.environ.get(PG_HOST_ENV) else SQLITE_TEMPLATE
    return INSTANCE_TEMPLATE.read_text() + "\n" + storage.read_text()


@dataclass(frozen=True)
class DataHome:
    root: Path

    @classmethod
    def from_env(cls) -> "DataHome":
        return cls(Path(os.environ.get(HOME_ENV, DEFAULT_HOME)).expanduser().resolve())

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def receipts(self) -> Path:
        return self.root / "receipts"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def partner_inbox(self, partner: str) -> Path:
        return self.inbox / partner

    def ensure(self, partners: list[str] = ()) -> "DataHome":
        """Create the folders and the Dagster instance config; safe to call repeatedly."""
        old_umask = os.umask(0o077)  # owner-only: the home holds partner deliveries
        try:
            for folder in (self.root, self.inbox, self.landing, self.quarantine, self.receipts,
                           self.reports, self.dagster_home):
                folder.mkdir(parents=True, exist_ok=True)
            for partner in partners:
                self.partner_inbox(partner).mkdir(exist_ok=True)
            instance_config = self.dagster_home / "dagster.yaml"
            if not instance_config.exists():  # an operator's edits survive: written only when missing
                # Atomic: a run starting at the same moment must never read half a file.
                partial = instance_config.with_name(f".dagster.yaml.{os.getpid()}")
                partial.write_text(instance_config_text())
                os.replace(partial, instance_config)
        finally:
            os.umask(old_umask)
        return self

    @contextmanager
    def run_lock(self, on_wait=None) -> Iterator[None]:
        """One `wijkwijzer run` at a time per data home; a second one waits, then finds nothing new.
        The holder writes its PID and command into the lock file: `on_wait(holder)` says who."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".run.lock").open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    handle.seek(0)
                    on_wait(handle.read().strip() or "another run")
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"PID {os.getpid()} ({' '.join(sys.argv)[:120]})")
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def activate(self) -> "DataHome":
        """Point Dagster at the instance under this home (for CLI runs and `make dev`)."""
        os.environ["DAGSTER_HOME"] = str(self.dagster_home)
        os.environ[HOME_ENV] = str(self.root)
        return self
