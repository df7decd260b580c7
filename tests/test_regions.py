"""Regions run side by side: one data home each, fanned out over Dagster's multiprocess executor."""
from __future__ import annotations

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
    for home, n in zip(homes, (30, 20)):
        with open_warehouse(f"{home}/warehouse.duckdb", read_only=True) as con:
            assert con.execute("select count(*) from core.tenancies").fetchall() == [(n,)]
    stats = {s.step_key: s for s in instance.get_run_step_stats(result.run_id)
             if s.step_key.startswith("run_region[")}
    assert len(stats) == 2
    first, second = sorted(stats.values(), key=lambda s: s.start_time)
    assert second.start_time < first.end_time, "the two regions overlapped in time"
