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
from pathlib import Path

import dagster as dg
import psutil

from pipelines.intake import sha256_of
from pipelines.resources import DataHomeResource
from pipelines.sensors import inbox_sensor
from tests.conftest import CONTRACTS_HEADER, REPO_ROOT, contract_rows

BIN = Path(sys.executable).parent


def test_workspace_validates_with_the_dagster_cli(tmp_path):
    env = {**os.environ, "WIJKWIJZER_HOME": str(tmp_path / "home")}
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "All code locations passed validation" in result.stderr + result.stdout


def test_sensor_keys_runs_by_partner_and_sha(home, deliver):
    path = deliver("havensteder", "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows(3))
    deliver("gemeente", "gemeente__voorzieningen__2025-06.csv.part", ["x"], [["still uploading"]])
    context = dg.build_sensor_context(resources={"data_home": DataHomeResource(root=str(home.root))})
    requests = list(inbox_sensor(context))
    assert [r.run_key for r in requests] == [f"havensteder:{sha256_of(path)}"]


def test_sensor_skips_an_empty_inbox(home):
    context = dg.build_sensor_context(resources={"data_home": DataHomeResource(root=str(home.root))})
    [result] = list(inbox_sensor(context))
    assert isinstance(result, dg.SkipReason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dev_serves_the_asset_graph_on_loopback_only(tmp_path):
    port = _free_port()
    env = {**os.environ, "WIJKWIJZER_HOME": str(tmp_path / "home")}
    # Its own session, so the whole process group (webserver + daemon) can be stopped.
    server = subprocess.Popen([str(BIN / "wijkwijzer"), "dev", "--port", str(port)], cwd=REPO_ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()
        deadline, nodes = time.monotonic() + 120, None
        while time.monotonic() < deadline and nodes is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    nodes = json.load(response)["data"]["assetNodes"]
            except (OSError, KeyError, TypeError):
                time.sleep(1)
        assert nodes, "the Dagster UI did not answer"
        paths = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert {"core/dim_buurt", "raw/wonen__huurcontracten", "reports/kwetsbare_huurders"} <= paths
        listening = [c.laddr.ip for c in psutil.net_connections("tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port]
        assert listening and set(listening) <= {"127.0.0.1"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
