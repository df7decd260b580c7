"""Dagster resources: the data home and the warehouse inside it.

Why not dagster-duckdb's DuckDBResource: it keeps the file locked when an asset raises, has no
read-only mode and retries silently for ~100 s. Ours (engine/warehouse.py underneath) always
closes its connection, opens readers read-only and names the file when another process holds it.

A run holds the warehouse open from its first step to its last when the instance admits one
warehouse run at a time (pool granularity `run`, as shipped): each step then takes a cursor in a
millisecond, where opening the file cost about 50 ms per step and check (a tenth of a run of a
hundred small models). Where the instance hands the pool out per step instead, another run's step
may need the file between two of ours, so each step opens and closes it.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from dagster._core.instance.config import PoolGranularity
from pydantic import PrivateAttr

from engine import warehouse
from engine.home import DataHome


def runs_hold_the_warehouse(instance: dg.DagsterInstance | None) -> bool:
    """Whether a run may keep the warehouse open between its steps: no other run's step can need
    it meanwhile, because the instance admits one run of the pool at a time (granularity `run`)
    or coordinates nothing at all (no pool limit, as in an ephemeral test instance)."""
    if instance is None:
        return False
    config = instance.event_log_storage.get_pool_config()
    return config.pool_granularity == PoolGranularity.RUN or config.default_pool_limit is None


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file under the data home."""

    path: str
    lock_timeout_s: float = 120.0
    _held: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Only a warehouse that exists: a run that finds none (a report asked for too early)
        # must not create one by holding it.
        if Path(self.path).exists() and runs_hold_the_warehouse(context.instance):
            self._held = warehouse.connect(self.path, lock_timeout_s=self.lock_timeout_s)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one step. In a run that holds the warehouse, a cursor of the run's own
        connection, also for readers (DuckDB opens a file once per process, read-only or not)."""
        if self._held is not None:
            cursor = self._held.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
            return
        with warehouse.open_warehouse(self.path, read_only=read_only, lock_timeout_s=self.lock_timeout_s) as con:
            yield con



class DataHomeResource(dg.ConfigurableResource):
    root: str

    @property
    def home(self) -> DataHome:
        return DataHome(Path(self.root))


def resources_for(home: DataHome) -> dict:
    return {"data_home": DataHomeResource(root=str(home.root)),
            "warehouse": WarehouseResource(path=str(home.warehouse))}
