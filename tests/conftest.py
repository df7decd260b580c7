"""Shared fixtures: a fresh data home per test, and small partner files written on the spot."""
from __future__ import annotations

import csv
import hashlib
import hmac
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
from filelock import FileLock

from engine.home import DataHome
from sources.contracts import load_registry

REPO_ROOT = Path(__file__).resolve().parents[1]
# The files that take minutes (a whole city world, the CLI or the daemon end to end), longest
# first. `make test` runs a worker per core, each file whole on one worker, in collection order
# (--no-loadscope-reorder): these start first, so no long file starts last and keeps one core
# busy alone while the other idles.
LONG_FILES = ("test_operations.py", "test_pipeline.py", "test_estimates.py", "test_indicators.py",
              "test_dagster_ops.py", "test_automation.py", "test_production_profile.py",
              "test_regions.py")


# Each worker's DuckDB gets its share of the cores (and so do the CLI runs it starts): with a
# thread per core in every worker, two workers' threads crowd each other out.
if "PYTEST_XDIST_WORKER_COUNT" in os.environ:
    os.environ.setdefault("WIJKWIJZER_DUCKDB_THREADS",
                          str(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))))


def pytest_collection_modifyitems(items) -> None:
    items.sort(key=lambda item: LONG_FILES.index(item.path.name) if item.path.name in LONG_FILES
               else len(LONG_FILES))


@pytest.fixture
def home(tmp_path, monkeypatch) -> DataHome:
    monkeypatch.setenv("WIJKWIJZER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home" / "dagster"))
    return DataHome.from_env().ensure(list(load_registry().partners))


def pseudonym(n: int) -> str:
    return hmac.new(b"test-key", f"person-{n}".encode(), hashlib.sha256).hexdigest()


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ";",
              encoding: str = "cp1252", settled: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    if settled:  # as if written a while ago: the inbox takes only files that stopped changing
        os.utime(path, (0, 0))
    return path


UNITS_HEADER = ["vhe_id", "complex_id", "buurtcode", "woningtype", "bouwjaar", "energielabel",
                "netto_huur", "status"]
CONTRACTS_HEADER = ["contract_id", "persoon_pseudoniem", "vhe_id", "startdatum", "einddatum",
                    "einde_reden", "doelgroep", "begeleidingsafspraak"]
BOSPOLDER = "BU05990321"
STADSDRIEHOEK = "BU05990110"


def units_rows(n: int = 30, buurt: str = BOSPOLDER) -> list[list]:
    return [[f"VHE-{i:05d}", "CX-01", buurt, "meergezins", "1930", "C", "612,50", "verhuurd"]
            for i in range(n)]


def contract_rows(n: int = 30, vulnerable: int = 12) -> list[list]:
    return [[f"HC-{i:05d}", pseudonym(i), f"VHE-{i:05d}", "01-03-2020", "", "",
             "housing_first" if i < vulnerable else "regulier", "ja" if i < vulnerable else "nee"]
            for i in range(n)]


@pytest.fixture
def deliver(home):
    """Drop a file into a partner's inbox."""
    def _deliver(partner: str, name: str, header: list[str], rows: list[list], **kwargs) -> Path:
        return write_csv(home.partner_inbox(partner) / name, header, rows, **kwargs)
    return _deliver


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A warehouse that `build(path)` writes (and closes), built once per test session: under
    pytest-xdist (`make test` runs a worker per core) the first worker to ask builds it while the
    others wait, then copy it. Each caller gets a copy of its own to open and change."""
    own = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    if "PYTEST_XDIST_WORKER" not in os.environ:
        build(own)
        return own
    shared = tmp_path_factory.getbasetemp().parent / name   # one folder for all workers
    with FileLock(f"{shared}.lock"):
        if not (shared / "warehouse.duckdb").exists():
            shared.mkdir(exist_ok=True)
            build(shared / "building.duckdb")
            (shared / "building.duckdb").rename(shared / "warehouse.duckdb")
    shutil.copyfile(shared / "warehouse.duckdb", own)
    return own


@pytest.fixture(scope="session")
def stationary_world(tmp_path_factory):
    """tests/stationary_world.py: two years of simulated counts without any real change, with
    the estimates, the published table, the index and the change tests built, once (about
    90 CPU s), open."""
    from engine.warehouse import connect
    from sources.geography import load_rotterdam_buurten, to_arrow_table
    from tests.stationary_world import build_stationary_world

    def build(path: Path) -> None:
        build_stationary_world(path, buurten_table=to_arrow_table(load_rotterdam_buurten())).close()
    con = connect(built_once(tmp_path_factory, "stationary", build))
    yield con
    con.close()


# The two worlds that more than one module reads, built once: importing a module-scoped fixture
# into another module builds it again there (the hand-made world's publication and the outcome
# marts twice).

@pytest.fixture(scope="session")
def indicator_world(tmp_path_factory):
    """tests/test_indicators.py's hand-made world with its targets built, open (read by
    test_indicators.py and test_attack.py; a test that changes it puts it back)."""
    from tests.test_indicators import build_world
    con = build_world(tmp_path_factory.mktemp("indicators") / "warehouse.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="session")
def outcome_world(tmp_path_factory):
    """tests/test_outcomes.py's outcome world, every mart built: the warehouse's path."""
    from tests.test_outcomes import build_warehouse
    return build_warehouse(tmp_path_factory.mktemp("outcomes") / "warehouse.duckdb")
