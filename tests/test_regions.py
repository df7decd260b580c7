"""Regions run side by side: one data home each, fanned out over Dagster's multiprocess executor."""
from __future__ import annotations

import os

import dagster as dg

from pipelines import regions
from engine.warehouse import open_warehouse
from tests.conftest import CONTRACTS_HEADER, UNITS_HEADER, contract_rows, units_rows, write_csv


def test_two_regions_run_in_parallel_each_in_its_own_warehouse(tmp_path):
    homes = []
    for name, n in (("rotterdam", 30), ("schiedam", 20)):
        home = tmp_path / name
        inbox = home / "inbox" / "havensteder"
        write_csv(inbox / "havensteder__verhuureenheden__2025-06-30.csv", UNITS_HEADER, units_rows(n))
        write_csv(inbox / "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows(n))
        homes.append(str(home))
    (tmp_path / "dagster").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster"))
    result = dg.execute_job(dg.reconstructable(regions.two_at_a_time), instance=instance,
                            run_config={"ops": {"each_region": {"config": {"homes": homes}}}})
    assert result.success
    assert instance.get_run_by_id(result.run_id).tags[regions.CORES_TAG] == str(max(1, (os.cpu_count() or 1) // 2)), \
        "each region's process is told its share of the cores"
    for home, n in zip(homes, (30, 20)):
        with open_warehouse(f"{home}/warehouse.duckdb", read_only=True) as con:
            assert con.execute("select count(*) from core.tenancies").fetchall() == [(n,)]
    stats = {s.step_key: s for s in instance.get_run_step_stats(result.run_id)
             if s.step_key.startswith("run_region[")}
    assert len(stats) == 2
    first, second = sorted(stats.values(), key=lambda s: s.start_time)
    assert second.start_time < first.end_time, "the two regions overlapped in time"


def test_regions_side_by_side_each_take_their_share_of_the_cores(tmp_path, monkeypatch):
    """Two regions on two cores: each region's process gets one (its DuckDB threads and its
    audit's workers), so neither takes the other's core for a helper thread."""
    from engine.warehouse import CORES_ENV, connect
    from quality.disclosure_audit import SplitAuditor

    assert regions.regions_run.tags[regions.CORES_TAG] == str(max(1, (os.cpu_count() or 1) // 2))
    assert regions.one_at_a_time().tags[regions.CORES_TAG] == str(os.cpu_count() or 1)
    elsewhere = regions.regions_job(executor=dg.in_process_executor, name="regions_elsewhere")
    assert regions.CORES_TAG not in elsewhere.tags   # each region on a machine of its own: all its cores
    two = regions.region_env("home", max(1, (os.cpu_count() or 1) // 2))
    assert two[CORES_ENV] == str(max(1, (os.cpu_count() or 1) // 2)) and two["WIJKWIJZER_HOME"] == "home"
    assert CORES_ENV not in regions.region_env("home", None)   # a machine per region: all its cores

    monkeypatch.delenv("WIJKWIJZER_DUCKDB_THREADS", raising=False)
    monkeypatch.setenv(CORES_ENV, "1")
    con = connect(tmp_path / "w.duckdb")
    try:
        assert con.execute("select current_setting('threads')").fetchone() == (1,)
    finally:
        con.close()
    assert SplitAuditor([], [], area_parents={}).workers == 1
    monkeypatch.setenv(CORES_ENV, "3")
    assert SplitAuditor([], [], area_parents={}).workers == 3
