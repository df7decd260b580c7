"""The synthetic world through the real front door: every file passes `check`, and intake finds
the planted bad row and loads exactly the rows the truth file counts."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipelines.check import check_file
from quality.intake import run_intake
from engine.warehouse import open_warehouse
from quality.masking import shape
from sources.contracts import load_registry
from sources.synthetic import generate


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(scale="city", months=3, seed=11, out=out)
    return out


def partner_files(world: Path) -> list[Path]:
    return sorted(p for p in world.glob("*/*__*__*") if p.parent.name in load_registry().partners)


def test_every_generated_file_passes_check(world, capsys):
    files = partner_files(world)
    assert len(files) > 30
    for path in files:
        assert check_file(path) == 0, path.name
    assert "Geweigerd" not in capsys.readouterr().out


def test_intake_loads_the_counted_rows_and_sets_the_planted_row_aside(world, home):
    for path in partner_files(world):
        target = home.partner_inbox(path.parent.name) / path.name
        shutil.copyfile(path, target)
        os.utime(target, (0, 0))
    truth = json.loads((world / "truth.json").read_text())
    with open_warehouse(home.warehouse) as con:
        outcomes = run_intake(con, home, "synthetic")
        assert {o.decision for o in outcomes} <= {"accepted", "accepted_with_warnings"}
        # raw.rejects keeps the shape of a rejected value, never the value (issue 13)
        rejects = con.execute("select partner, dataset, period, record->>'buurtcode' from raw.rejects").fetchall()
        planted = [(r["partner"], r["dataset"], r["period"], shape(r["value"])) for r in truth["planted_bad_rows"]]
        assert sorted(rejects) == sorted(planted)
        registry = load_registry()
        for dataset, expected in truth["row_counts"]["per_dataset"].items():
            table = next(c.table for c in registry.contracts.values() if c.dataset == dataset)
            loaded = con.execute(f"select count(*) from raw.{table}").fetchall()[0][0]
            set_aside = sum(1 for r in planted if r[1] == dataset)
            assert loaded == expected - set_aside, dataset
