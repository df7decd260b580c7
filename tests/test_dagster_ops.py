"""Dagster around the pipeline: the workspace validates, the UI serves, the sensor keys runs."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import psutil

from quality.intake import sha256_of
from engine.resources import DataHomeResource
from pipelines.sensors import inbox_sensor
from engine.warehouse import open_warehouse
from tests.conftest import CONTRACTS_HEADER, REPO_ROOT, contract_rows

BIN = Path(sys.executable).parent


def test_workspace_validates_with_the_dagster_cli(tmp_path):
    env = {**os.environ, "WIJKWIJZER_HOME": str(tmp_path / "home")}
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stderr + result.stdout


def test_sensor_keys_runs_by_partner_name_sha_and_drop(home, deliver):
    path = deliver("havensteder", "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows(3))
    deliver("gemeente", "gemeente__voorzieningen__2025-06.csv.part", ["x"], [["still uploading"]])
    context = dg.build_sensor_context(resources={"data_home": DataHomeResource(root=str(home.root))})
    requests = list(inbox_sensor(context))
    assert [r.run_key for r in requests] == [f"havensteder:{path.name}:{sha256_of(path)}:{path.stat().st_mtime_ns}"]
    assert [r.run_key for r in inbox_sensor(context)] == [requests[0].run_key]   # still waiting: one run


def test_the_same_bytes_for_another_month_start_their_own_run_and_a_name_stays_masked(home, deliver):
    """An empty month after an empty month is byte for byte the same file: still a delivery. A
    file named after a person (a BSN) is known to Dagster's run storage by its length only."""
    header = ["melding_id", "meldingsdatum", "buurtcode", "complex_id", "categorie",
              "veroorzaker_contract_id", "afgehandeld_op"]
    first = deliver("havensteder", "havensteder__overlastmeldingen__2025-06.csv", header, [])
    second = deliver("havensteder", "havensteder__overlastmeldingen__2025-07.csv", header, [])
    deliver("havensteder", "123456782.csv", header, [])
    assert sha256_of(first) == sha256_of(second)
    context = dg.build_sensor_context(resources={"data_home": DataHomeResource(root=str(home.root))})
    keys = [r.run_key for r in inbox_sensor(context)]
    assert len(set(keys)) == 3 and not any("123456782" in key for key in keys)
    assert any(key.startswith(f"havensteder:[bestandsnaam, 13 tekens]:{sha256_of(first)}:") for key in keys)


def test_sensor_skips_an_empty_inbox(home):
    context = dg.build_sensor_context(resources={"data_home": DataHomeResource(root=str(home.root))})
    [result] = list(inbox_sensor(context))
    assert isinstance(result, dg.SkipReason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def dev_server(home_root: Path, ignore_sigint: bool = False):
    """`wijkwijzer dev` (webserver and daemon) on a free loopback port; yields a GraphQL caller.
    `ignore_sigint` starts it as a non-interactive shell starts a background job."""
    port = _free_port()
    env = {**os.environ, "WIJKWIJZER_HOME": str(home_root)}
    # Its own session, so the whole process group (webserver + daemon) can be stopped.
    server = subprocess.Popen([str(BIN / "wijkwijzer"), "dev", "--port", str(port)], cwd=REPO_ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, preexec_fn=(lambda: signal.signal(
                                  signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None)

    def graphql(query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["data"]

    def wait(timeout: float):
        try:
            return server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    graphql.port, graphql.pid, graphql.wait = port, server.pid, wait
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                graphql("{ version }")
                break
            except OSError:
                assert time.monotonic() < deadline, "the Dagster UI did not answer"
                time.sleep(1)
        yield graphql
    finally:
        try:  # the whole group: whatever the server left running goes too
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_dev_serves_the_asset_graph_on_loopback_only(tmp_path):
    with dev_server(tmp_path / "home") as graphql:
        nodes = graphql("{ assetNodes { assetKey { path } } }")["assetNodes"]
        port = graphql.port
        paths = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert {"core/dim_buurt", "raw/wonen__huurcontracten", "reports/kwetsbare_huurders"} <= paths
        listening = [c.laddr.ip for c in psutil.net_connections("tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
        assert listening and set(listening) <= {"127.0.0.1"}


LAUNCH_BACKFILL = """mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }"""
BACKFILL_STATUS = """query($id: String!) {
  partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill { status } } }"""


def test_a_backfill_launched_as_the_ui_does_rebuilds_just_its_months(tmp_path):
    """The UI's own GraphQL call; the daemon runs it as one run for the range."""
    from tests.conftest import UNITS_HEADER, units_rows, write_csv
    root = tmp_path / "home"
    inbox = root / "inbox" / "havensteder"
    write_csv(inbox / "havensteder__verhuureenheden__2025-06-30.csv", UNITS_HEADER, units_rows())
    write_csv(inbox / "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows())
    for month in ("2025-04", "2025-05", "2025-06"):
        write_csv(inbox / f"havensteder__huurachterstand__{month}.csv",
                  ["contract_id", "maand", "achterstand_eur", "maanden_achterstand"],
                  [[f"HC-{i:05d}", month, "100,00", "1"] for i in range(20)])
    env = {**os.environ, "WIJKWIJZER_HOME": str(root)}
    run = subprocess.run([str(BIN / "wijkwijzer"), "run"], cwd=REPO_ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]

    def built() -> dict[str, object]:
        with open_warehouse(root / "warehouse.duckdb", read_only=True) as con:
            return dict(con.execute("select partition, built_at from staging._partition_builds "
                                    "where model = 'wonen__huurachterstand'").fetchall())
    before = built()
    with dev_server(root) as graphql:
        launched = graphql(LAUNCH_BACKFILL, {"params": {
            "partitionNames": ["2025-04", "2025-05"],
            "assetSelection": [{"path": ["staging", "wonen__huurachterstand"]}]}})["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        deadline, status = time.monotonic() + 240, "REQUESTED"
        while status == "REQUESTED" and time.monotonic() < deadline:
            time.sleep(3)
            status = graphql(BACKFILL_STATUS, {"id": launched["backfillId"]})["partitionBackfillOrError"]["status"]
        assert status == "COMPLETED_SUCCESS"
    after = built()
    assert after["2025-04"] > before["2025-04"] and after["2025-05"] > before["2025-05"]
    assert after["2025-06"] == before["2025-06"], "a month outside the backfill is left alone"
