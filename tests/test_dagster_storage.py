"""The embedded profile's Dagster storage (engine/dagster_storage.py): Dagster's SQLite files, where
Dagster puts them, with one engine and connection kept per event-log database."""
from __future__ import annotations

import os

import dagster as dg
import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

import engine.dagster_storage
from engine.dagster_storage import EventLogKeepingEngines
from engine.home import DataHome, instance_config_text


@dg.asset(partitions_def=dg.StaticPartitionsDefinition(["2025-01", "2025-02"]))
def monthly() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 7})


def _materialize(instance: dg.DagsterInstance, partition: str) -> str:
    result = dg.materialize([monthly], instance=instance, partition_key=partition)
    assert result.success
    return result.run_id


def test_a_data_home_keeps_its_runs_in_dagster_s_sqlite_files_read_alike_by_the_stock_storage(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKWIJZER_PG_HOST", raising=False)
    home = DataHome(tmp_path / "home").ensure()
    monkeypatch.setenv("DAGSTER_HOME", str(home.dagster_home))
    with dg.DagsterInstance.get() as instance:
        assert type(instance.event_log_storage) is EventLogKeepingEngines
        runs = [_materialize(instance, month) for month in ("2025-01", "2025-02")]
        assert all(instance.get_run_by_id(run_id).is_success for run_id in runs)
    history = home.dagster_home / "history"
    assert (history / "runs.db").is_file() and (history / "runs" / "index.db").is_file()
    assert {p.stem for p in (history / "runs").glob("*.db")} == {"index", *runs}
    # The same files through Dagster's own SQLite storage (an operator who drops our class, an
    # older home's instance): every run, event and partition as written.
    stock = tmp_path / "stock"
    stock.mkdir()
    (stock / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home.dagster_home}\n")
    with dg.DagsterInstance.from_config(str(stock)) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
        assert {r.run_id for r in instance.get_runs()} == set(runs)
        key = dg.AssetKey(["monthly"])
        assert instance.get_materialized_partitions(key) == {"2025-01", "2025-02"}
        assert instance.get_latest_materialization_event(key).run_id == runs[-1]
        for run_id in runs:
            events = {e.dagster_event_type for e in instance.all_logs(run_id) if e.is_dagster_event}
            assert {dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, dg.DagsterEventType.ASSET_MATERIALIZATION,
                    dg.DagsterEventType.RUN_SUCCESS} <= events
        latest = instance.get_latest_materialization_event(key).asset_materialization
        assert latest.partition == "2025-02" and latest.metadata["dagster/row_count"].value == 7


def test_the_event_log_keeps_one_engine_per_database_and_only_the_last_few(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.dagster_storage, "KEPT_ENGINES", 3)
    storage = EventLogKeepingEngines(str(tmp_path / "runs"))
    made = []
    real = engine.dagster_storage.create_engine
    monkeypatch.setattr(engine.dagster_storage, "create_engine", lambda *a, **k: made.append(a[0]) or real(*a, **k))

    def touch(shard: str):
        with storage._connect(shard) as conn:
            return conn.engine, conn.connection.dbapi_connection

    first, connection = touch("run-a")
    assert touch("run-a") == (first, connection) and len(made) == 1   # the same engine and connection
    for shard in ("run-b", "run-c", "run-d"):
        touch(shard)
    assert list(storage._engines) == ["run-b", "run-c", "run-d"]   # run-a, the oldest, let go
    assert first.pool.checkedin() == 0   # ... and its connection closed
    assert touch("run-a")[0] is not first and len(made) == 5


def test_a_forked_child_gets_none_of_its_parent_s_sqlite_connections(tmp_path):
    storage = EventLogKeepingEngines(str(tmp_path / "runs"))
    with storage._connect("run-a") as conn:
        parent = conn.connection.dbapi_connection
    read, write = os.pipe()
    child = os.fork()
    if child == 0:   # the child: report how many connections its pools hold, then leave at once
        os.write(write, str(sum(e.pool.checkedin() for e in storage._engines.values())).encode())
        os._exit(0)
    os.close(write)
    assert os.read(read, 16) == b"0"
    os.waitpid(child, 0)
    with storage._connect("run-a") as conn:   # the parent's own stays, and works
        assert conn.connection.dbapi_connection is parent
        conn.exec_driver_sql("select 1")


def test_a_wipe_closes_the_kept_connections_before_it_deletes_their_files(tmp_path, monkeypatch):
    monkeypatch.delenv("WIJKWIJZER_PG_HOST", raising=False)
    home = DataHome(tmp_path / "home").ensure()
    monkeypatch.setenv("DAGSTER_HOME", str(home.dagster_home))
    with dg.DagsterInstance.get() as instance:
        before = _materialize(instance, "2025-01")
        kept = instance.event_log_storage._engines
        assert before in kept and kept[before].pool.checkedin() == 1
        instance.wipe()
        assert before not in kept   # its file is gone: so is the connection that wrote to it
        after = _materialize(instance, "2025-02")
    # Read by a storage of its own: a write to a deleted file would not be there.
    stock = tmp_path / "stock"
    stock.mkdir()
    (stock / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home.dagster_home}\n")
    with dg.DagsterInstance.from_config(str(stock)) as instance:
        assert [r.run_id for r in instance.get_runs()] == [after]
        assert instance.get_materialized_partitions(dg.AssetKey(["monthly"])) == {"2025-02"}


def test_the_production_profile_keeps_postgresql_alone(monkeypatch):
    monkeypatch.setenv("WIJKWIJZER_PG_HOST", "db.example")
    assert list(yaml.safe_load(instance_config_text())["storage"]) == ["postgres"]
    monkeypatch.delenv("WIJKWIJZER_PG_HOST")
    storage = yaml.safe_load(instance_config_text())["storage"]
    assert storage == {"custom": {"module": "engine.dagster_storage", "class": "SqliteStorageKeepingEngines",
                                  "config": {"base_dir": {"env": "DAGSTER_HOME"}}}}
