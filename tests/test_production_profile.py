"""The production profile on real parts: the Dagster instance in a PostgreSQL server, and the regions
fan-out on two Celery workers with a Redis broker. Each test starts its servers on 127.0.0.1 and a
free port and stops them. A missing server binary fails the test (`make services` installs them):
nothing here is skipped silently."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines import regions
from engine.home import DataHome
from engine.warehouse import open_warehouse
from sources.contracts import load_registry
from tests.conftest import CONTRACTS_HEADER, REPO_ROOT, UNITS_HEADER, contract_rows, units_rows, write_csv

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None)
    if not found:
        pytest.fail(f"{name} is not installed: `make services` installs PostgreSQL and Redis (Debian).")
    return found


def _wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on 127.0.0.1:{port}"
            time.sleep(0.2)


@contextmanager
def postgres_server():
    """A throwaway cluster: initdb into a temporary folder, pg_ctl on 127.0.0.1; as the `postgres`
    user when run as root (PostgreSQL refuses to run as root)."""
    initdb, pg_ctl = _server_binary("initdb"), _server_binary("pg_ctl")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="wijkwijzer-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    try:
        subprocess.run(as_user + [initdb, "-D", str(data), "-U", "dagster", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o",
                                  f"-h 127.0.0.1 -p {port} -k {folder}", "start"],
                       check=True, capture_output=True, timeout=60)
        try:
            yield port
        finally:
            subprocess.run(as_user + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_instance_runs_on_postgresql_when_configured(tmp_path, monkeypatch):
    with postgres_server() as port:
        for name, value in {"HOST": "127.0.0.1", "PORT": str(port), "USER": "dagster", "PASSWORD": "",
                            "DB": "postgres"}.items():
            monkeypatch.setenv(f"WIJKWIJZER_PG_{name}", value)
        monkeypatch.setenv("WIJKWIJZER_HOME", str(tmp_path / "home"))
        home = DataHome.from_env().ensure(list(load_registry().partners)).activate()
        config = (home.dagster_home / "dagster.yaml").read_text()
        assert "WIJKWIJZER_PG_PASSWORD" in config and "postgres_db" in config, "the password stays in the env"
        write_csv(home.partner_inbox("havensteder") / "havensteder__huurcontracten__2025-06.csv",
                  CONTRACTS_HEADER, contract_rows(10))

        from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
        from pipelines.definitions import build_definitions
        from pipelines.runner import run_pipeline
        with dg.DagsterInstance.get() as instance:
            assert isinstance(instance.run_storage, PostgresRunStorage)
            assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
            assert instance.run_monitoring_enabled
            assert instance.get_settings("retention")["sensor"]["purge_after_days"]["skipped"] == 7
            run = run_pipeline(build_definitions(home), instance, home, stages=("intake",))
            assert run.success
        # The run and its materializations are rows in PostgreSQL, read back by a new instance.
        with dg.DagsterInstance.get() as again:
            assert again.get_run_by_id(run.intake_run_id).is_success
            assert again.get_latest_materialization_event(dg.AssetKey(["raw", "load_ledger"])) is not None
        rows = subprocess.run([_server_binary("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "dagster",
                               "-d", "postgres", "-tAc", "select count(*) from runs"],
                              capture_output=True, text=True, check=True)
        assert int(rows.stdout.strip()) == 1


def test_an_operators_instance_config_survives(home):
    config = home.dagster_home / "dagster.yaml"
    edited = config.read_text() + "\n# tuned by the operator\n"
    config.write_text(edited)
    home.ensure()
    assert config.read_text() == edited


@contextmanager
def redis_and_two_workers(instance_dir: Path):
    """Redis on a free loopback port, and two Celery workers (one task each) on its queue."""
    redis_port = _free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    redis = subprocess.Popen([_server_binary("redis-server"), "--bind", "127.0.0.1", "--port", str(redis_port),
                              "--save", "", "--appendonly", "no", "--dir", str(instance_dir)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    config_dir = instance_dir / "celery_config"
    config_dir.mkdir()
    # dagster_celery.app reads its broker from this module, as `dagster-celery worker start -y` writes it.
    (config_dir / "dagster_celery_config.py").write_text(f"broker_url = {broker!r}\nresult_backend = {broker!r}\n")
    env = {**os.environ, "DAGSTER_HOME": str(instance_dir), "PYTHONPATH": f"{config_dir}{os.pathsep}{REPO_ROOT}"}
    workers = []
    try:
        _wait_for_port(redis_port)
        for name in ("region-worker-1", "region-worker-2"):
            workers.append(subprocess.Popen(
                [str(BIN / "celery"), "-A", "dagster_celery.app", "worker", "--prefetch-multiplier=1",
                 "--concurrency=1", "--pool=prefork", "-Q", "dagster", "-n", f"{name}@%h", "--loglevel=WARNING"],
                cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(instance_dir / f"{name}.log").open("w"),
                start_new_session=True))
        # `inspect ping` waits its whole timeout for replies: ask briefly, until both workers answer.
        deadline = time.monotonic() + 90
        while True:
            ping = subprocess.run([str(BIN / "celery"), "-A", "dagster_celery.app", "inspect", "ping",
                                   "--timeout", "2"], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                                  timeout=60)
            if ping.stdout.count("pong") >= 2 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert ping.stdout.count("pong") == 2, f"two workers answer: {ping.stdout} {ping.stderr}"
        yield broker
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        redis.terminate()
        redis.wait(timeout=20)


def test_regions_fan_out_on_two_celery_workers_with_a_redis_broker(tmp_path):
    homes = []
    for name, n in (("rotterdam", 12), ("schiedam", 8)):
        home = tmp_path / name
        write_csv(home / "inbox" / "havensteder" / "havensteder__verhuureenheden__2025-06-30.csv",
                  UNITS_HEADER, units_rows(n))
        write_csv(home / "inbox" / "havensteder" / "havensteder__huurcontracten__2025-06.csv",
                  CONTRACTS_HEADER, contract_rows(n))
        homes.append(str(home))
    instance_dir = tmp_path / "dagster"
    instance_dir.mkdir()
    with redis_and_two_workers(instance_dir) as broker:
        instance = dg.DagsterInstance.local_temp(str(instance_dir))
        result = dg.execute_job(dg.reconstructable(regions.on_celery), instance=instance, run_config={
            "execution": {"config": {"broker": broker, "backend": broker}},
            "ops": {"each_region": {"config": {"homes": homes}}}})
    assert result.success
    for home, n in zip(homes, (12, 8)):
        with open_warehouse(f"{home}/warehouse.duckdb", read_only=True) as con:
            assert con.execute("select count(*) from core.tenancies").fetchall() == [(n,)]
    stats = sorted((s for s in instance.get_run_step_stats(result.run_id) if s.step_key.startswith("run_region[")),
                   key=lambda s: s.start_time)
    assert len(stats) == 2
    assert stats[1].start_time < stats[0].end_time, "the two regions ran at once, one per worker"


def test_helm_values_match_the_shipped_instance():
    """deploy/values.yaml says to the chart what engine/dagster.yaml says on one machine."""
    values = yaml.safe_load((REPO_ROOT / "deploy" / "values.yaml").read_text())
    instance = yaml.safe_load((REPO_ROOT / "engine" / "dagster.yaml").read_text())
    [deployment] = values["dagster-user-deployments"]["deployments"]
    assert "pipelines.definitions" in deployment["dagsterApiGrpcArgs"]
    assert {"name": "WIJKWIJZER_HOME", "value": "/data/rotterdam"} in deployment["env"]
    assert values["postgresql"]["enabled"] is False and values["postgresql"]["postgresqlHost"]
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["concurrency"]["pools"]["defaultLimit"] == instance["concurrency"]["pools"]["default_limit"] == 1
    # a run holds the warehouse between its steps only where the queue admits one run at a time
    assert values["concurrency"]["pools"]["granularity"] == instance["concurrency"]["pools"]["granularity"] == "run"
    assert values["dagsterDaemon"]["runMonitoring"]["enabled"] and instance["run_monitoring"]["enabled"]
    assert (values["dagsterDaemon"]["runMonitoring"]["startTimeoutSeconds"]
            == instance["run_monitoring"]["start_timeout_seconds"])
    assert values["retention"]["schedule"]["purgeAfterDays"] == instance["retention"]["schedule"]["purge_after_days"]
    assert values["retention"]["sensor"]["purgeAfterDays"] == instance["retention"]["sensor"]["purge_after_days"]
    assert values["telemetry"]["enabled"] is False and instance["telemetry"]["enabled"] is False
