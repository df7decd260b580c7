"""The skeleton: code location, data home, warehouse resource, geography."""
from __future__ import annotations

import stat
import subprocess
import sys

import dagster as dg
import geopandas as gpd
import pytest
import yaml
from shapely.geometry import box

import engine.warehouse
from engine.home import DataHome
from engine.resources import WarehouseResource
from engine.warehouse import WarehouseLockedError, checkpoints_deferred, first_row, open_warehouse
from engine.yaml_files import _LOADER, read_yaml
from sources.geography import load_cbs_geopackage, load_rotterdam_buurten, rotterdam_buurtcodes
from tests.conftest import REPO_ROOT


def test_code_location_loads_with_every_layer():
    from pipelines.definitions import defs
    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for expected in ("core/dim_buurt", "raw/wonen__huurcontracten", "raw/load_ledger",
                     "staging/wonen__huurcontracten", "core/tenancies",
                     "marts/kwetsbare_huurders_per_buurt", "reports/kwetsbare_huurders"):
        assert expected in keys


def test_loading_the_definitions_leaves_the_heavy_libraries_to_first_use():
    """Every process that loads the code location (each CLI command, the code server, each run the
    daemon starts) paid about 3 CPU seconds for libraries that one asset or a plan uses; and the
    buurt map, the estimates, a placement plan and a bootstrap still load them when they run."""
    heavy = ["great_expectations", "scipy.stats", "scipy.special", "scipy.optimize", "geopandas", "pandas"]
    loaded = subprocess.run([sys.executable, "-W", "ignore", "-c", "import sys, pipelines.definitions; "
                             f"print([m for m in {heavy!r} if m in sys.modules])"],
                            cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_every_asset_writes_through_the_one_warehouse_pool():
    from pipelines.definitions import defs
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_executable:  # raw tables: written by the intake asset, declared apart
            continue
        pools = {op.pool for op in node.assets_def.node_def.iterate_op_defs()} \
            if hasattr(node.assets_def.node_def, "iterate_op_defs") else {node.assets_def.op.pool}
        assert pools == {"warehouse"}, key


def test_every_step_that_opens_the_warehouse_is_in_its_pool():
    """Checks and ops too: with pools per run, a run of checks alone outside the pool could start
    beside a run that holds the warehouse, and wait on DuckDB's lock instead of in the queue."""
    from pipelines.definitions import defs
    steps = {op.name: op for job in defs.resolve_all_job_defs() for op in job.graph.iterate_op_defs()}
    opening = {name for name, op in steps.items() if "warehouse" in op.required_resource_keys}
    assert len(opening) > 100 and any("check" in name for name in opening) and "plan_op" in opening
    assert {name: steps[name].pool for name in opening if steps[name].pool != "warehouse"} == {}


def test_data_home_is_created_owner_only_with_instance_config(tmp_path, monkeypatch):
    home = DataHome(tmp_path / "h").ensure(["havensteder"])
    for folder in (home.inbox / "havensteder", home.landing, home.quarantine, home.receipts,
                   home.reports, home.dagster_home):
        assert folder.is_dir()
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700
    config = (home.dagster_home / "dagster.yaml").read_text()
    assert "default_limit: 1" in config and "enabled: false" in config
    monkeypatch.setenv("DAGSTER_HOME", str(home.dagster_home))   # where its storage is (dagster_sqlite.yaml)
    instance = dg.DagsterInstance.from_config(str(home.dagster_home))
    # no sign-up pop-up over the webserver's first page (it asks the instance, the UI's GraphQL)
    assert instance.nux_enabled is False
    assert instance.get_settings("telemetry") == {"enabled": False}


@pytest.mark.parametrize("granularity, opened", [("run", 1), ("op", 3)])
def test_a_run_holds_the_warehouse_only_where_the_queue_admits_one_run_at_a_time(
        tmp_path, monkeypatch, granularity, opened):
    """Pools per run: the run opens the file once and its steps (a writer, a reader, a check) take
    cursors of it, and see each other's writes. Pools per step: another run's step may need the
    file between two of ours, so each step opens and closes it."""
    calls = []
    real = engine.warehouse.connect
    monkeypatch.setattr(engine.warehouse, "connect", lambda *a, **k: calls.append(a) or real(*a, **k))
    path = tmp_path / "w.duckdb"
    with open_warehouse(path):
        pass

    @dg.asset(key=["raw", "t"], pool="warehouse")
    def written(warehouse: WarehouseResource) -> None:
        with warehouse.connect() as con:
            con.execute("create table raw.t as select 42 as x")

    @dg.asset(key=["marts", "u"], deps=[written], pool="warehouse")
    def read(warehouse: WarehouseResource) -> None:
        with warehouse.connect(read_only=True) as con:
            assert first_row(con, "select x from raw.t") == (42,)

    @dg.asset_check(asset=read, pool="warehouse")
    def checked(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            return dg.AssetCheckResult(passed=first_row(con, "select count(*) from raw.t") == (1,))

    (tmp_path / "dagster").mkdir()
    instance = dg.DagsterInstance.local_temp(str(tmp_path / "dagster"), overrides={
        "concurrency": {"pools": {"granularity": granularity, "default_limit": 1}}})
    result = dg.materialize([written, read, checked], instance=instance,
                            resources={"warehouse": WarehouseResource(path=str(path))})
    assert result.success and result.get_asset_check_evaluations()[0].passed
    assert len(calls) == opened + 1  # and the one above
    # and the run let go of the file: DuckDB refuses a read-only open in a process that has it open
    with open_warehouse(path, read_only=True):
        pass


def test_lock_error_names_the_file_and_connection_is_released_after_an_error(tmp_path):
    path = tmp_path / "w.duckdb"
    with pytest.raises(RuntimeError):
        with open_warehouse(path) as con:
            con.execute("create table raw.t as select 1 as x")
            raise RuntimeError("asset failed")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(30)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseLockedError, match=str(path)):
            with open_warehouse(path, read_only=True, lock_timeout_s=0.5):
                pass
    finally:
        holder.kill()
        holder.wait()
    with open_warehouse(path, read_only=True) as con:  # the lock went with the process
        assert first_row(con, "select x from raw.t") == (1,)
        with pytest.raises(Exception, match="read-only"):
            con.execute("create table raw.u as select 1")


def test_deferred_checkpoints_keep_every_commit_and_the_threshold_is_restored(tmp_path):
    """An intake commits file by file with checkpoints deferred: a process killed without
    closing the warehouse (so without its closing checkpoint) has lost no commit."""
    path = tmp_path / "w.duckdb"
    killed = subprocess.run([sys.executable, "-c", """
import os, sys
from engine.warehouse import checkpoints_deferred, connect
con = connect(sys.argv[1])
con.execute("create table raw.files (n integer)")
with checkpoints_deferred(con):
    for n in range(50):
        con.execute("begin transaction")
        con.execute("insert into raw.files select ? from range(1000)", [n])
        con.execute("commit")
    print(con.execute("select current_setting('checkpoint_threshold')").fetchone()[0], flush=True)
    os._exit(0)   # no close, no checkpoint
""", str(path)], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert killed.stdout.strip() == "953.6 MiB"
    assert (tmp_path / "w.duckdb.wal").stat().st_size > 0   # the commits are in the log only
    with open_warehouse(path) as con:
        assert first_row(con, "select count(*), count(distinct n) from raw.files") == (50_000, 50)
        default = first_row(con, "select current_setting('checkpoint_threshold')")[0]
        with checkpoints_deferred(con, "64MB"):
            assert first_row(con, "select current_setting('checkpoint_threshold')")[0] == "61.0 MiB"
        assert first_row(con, "select current_setting('checkpoint_threshold')")[0] == default


def test_the_project_yaml_files_read_with_libyaml_as_pyyaml_reads_them():
    """libyaml's parser (PyYAML's wheels carry it) gives the objects PyYAML's own gives, for every
    YAML file the code reads (the deploy values and Dagster profiles are read by others)."""
    assert yaml.__with_libyaml__ and _LOADER is yaml.CSafeLoader
    files = [path for folder in ("sources", "reporting", "quality") for path in (REPO_ROOT / folder).rglob("*.yaml")]
    assert len(files) >= 20
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


def test_rotterdam_buurten_are_real_repaired_and_in_rd_new():
    buurten = load_rotterdam_buurten()
    assert len(buurten) == 91
    assert buurten.crs.to_epsg() == 28992
    assert buurten.geometry.is_valid.all()
    assert (buurten.area_m2 > 0).all()
    assert rotterdam_buurtcodes() == sorted(buurten.buurtcode)   # the codes alone, without geopandas
    bospolder = buurten[buurten.buurtcode == "BU05990321"].iloc[0]
    assert bospolder.buurtnaam == "Bospolder" and bospolder.wijknaam == "Delfshaven"
    assert bospolder.inwoners == 7565 and bospolder.huishoudens == 3750
    # BU05991444 is invalid as published; it must come out valid and keep its area.
    assert buurten[buurten.buurtcode == "BU05991444"].area_m2.iloc[0] > 10_000


def test_cbs_geopackage_loader_maps_sentinels_to_missing(tmp_path):
    path = tmp_path / "wijkenbuurten.gpkg"
    frame = gpd.GeoDataFrame({
        "buurtcode": ["BU05990110", "BU05990111", "BU03630001"],
        "buurtnaam": ["Stadsdriehoek", "Oude Westen", "Elders"],
        "wijkcode": ["WK059901", "WK059901", "WK036300"],
        "wijknaam": ["Rotterdam Centrum", "Rotterdam Centrum", "Elders"],
        "gemeentecode": ["GM0599", "GM0599", "GM0363"],
        "gemeentenaam": ["Rotterdam", "Rotterdam", "Amsterdam"],
        "water": ["NEE", "NEE", "NEE"],
        "aantal_inwoners": [18365, -99997, 10],
        "aantal_huishoudens": [-99999999, 5380, 5],
    }, geometry=[box(92000, 437000, 93000, 438000), box(91000, 437000, 92000, 438000),
                 box(0, 0, 1, 1)], crs="EPSG:28992")
    frame.to_file(path, layer="buurten", driver="GPKG")
    loaded = load_cbs_geopackage(path, gemeentecode="GM0599")
    assert list(loaded.buurtcode) == ["BU05990110", "BU05990111"]
    assert loaded.inwoners.isna().tolist() == [False, True]
    assert loaded.huishoudens.isna().tolist() == [True, False]
    assert loaded.area_m2.tolist() == [1_000_000, 1_000_000]
