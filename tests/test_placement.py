"""Placement capacity and the planner on a planted world: a hand-made warehouse with four buurten
in two wijken whose capacities are known, and hand-made candidate arrays for the solver."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import duckdb
import numpy as np
import pytest
from shapely.geometry import box

from assets import tenancy_mix
from assets.placement import disclosure_problems, publish
from pipelines import cli
from reporting.planner import Candidates, PlanDoesNotFit, solve
from engine.sqlmodels import build, discover
from sources import placement
from sources.placement import Weights

WEIGHTS = Weights(room=1.0, free=0.5, support=1.0, decline=1.0)
MONTH_END = date(2026, 10, 31)
# buurt: (wijk, running tenancies, vulnerable, statushouders, empty homes, care persons in wijk)
PLANTED = {
    "BU05990001": ("WK059900", 200, 10, 10, 4),   # room 30 - 10 = 20
    "BU05990002": ("WK059900", 100, 15, 0, 0),    # at the threshold: room 0
    "BU05990101": ("WK059901", 60, 0, 0, 2),      # room 9
    "BU05990102": ("WK059901", 8, 0, 0, 0),       # too small to plan for
}


def candidates(**changes) -> Candidates:
    """Three buurten in two wijken; the first has room and support, the second room only."""
    base = Candidates(
        period="2026-10", buurtcode=np.array(["BU1", "BU2", "BU3"]), wijkcode=np.array(["W1", "W1", "W2"]),
        tenancies=np.array([100, 100, 100]), vulnerable=np.array([2, 2, 14]),
        threshold=np.full(3, 0.15), capacity=np.array([13, 13, 1]), expected_free=np.array([10, 10, 10]),
        care_nearby=np.array([True, False, True]), wijkteam_nearby=np.array([True, False, True]),
        significant_decline=np.zeros(3, dtype=bool), wijk_room={"W1": 26, "W2": 1})
    return replace(base, **changes)


def test_prefers_room_and_support_and_never_passes_a_threshold():
    plan = solve(candidates(), 4, WEIGHTS, max_per_buurt=5)
    assert plan.placements.tolist() == [4, 0, 0]  # same room, but support nearby
    c = plan.candidates
    assert np.all(c.vulnerable + plan.placements <= c.threshold * c.tenancies)
    # with support everywhere, room decides and placements spread: the nearly full buurt waits
    everywhere = candidates(care_nearby=np.ones(3, dtype=bool), wijkteam_nearby=np.ones(3, dtype=bool))
    assert solve(everywhere, 6, WEIGHTS, max_per_buurt=5).placements.tolist() == [3, 3, 0]


def test_the_wijk_caps_its_buurten_and_decline_is_excluded():
    plan = solve(candidates(wijk_room={"W1": 3, "W2": 1}), 4, WEIGHTS, max_per_buurt=5)
    assert plan.placements.tolist() == [3, 0, 1]
    declining = candidates(significant_decline=np.array([True, False, False]))
    plan = solve(declining, 3, WEIGHTS, max_per_buurt=5)
    assert plan.placements[0] == 0 and plan.placements.sum() == 3


def test_refuses_more_than_fits_saying_how_many():
    # bounds: min(capacity, free, 5) = 5, 5, 1 → 11; the wijk rooms do not bind
    with pytest.raises(PlanDoesNotFit) as refused:
        solve(candidates(), 12, WEIGHTS, max_per_buurt=5)
    assert refused.value.fits == 11
    assert solve(candidates(), 11, WEIGHTS, max_per_buurt=5).placements.tolist() == [5, 5, 1]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A warehouse with the tables the capacity model reads, planted by hand, and the model and
    the publication built."""
    path = tmp_path_factory.mktemp("placement") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    for schema in ("staging", "core", "marts"):
        con.execute(f"create schema {schema}")
    con.execute("create table core.dim_buurt (buurtcode varchar, buurtnaam varchar, wijkcode varchar, "
                "wijknaam varchar, gemeentecode varchar, gemeentenaam varchar, geometry_wkb blob)")
    con.execute("create table core.calendar_periods as select 'month' as period_type, '2026-10' as period, "
                "date '2026-10-01' as period_start, date '2026-10-31' as period_end, 1 as n_months")
    con.execute("create table core.tenancies (partner varchar, persoon_pseudoniem varchar, vhe_id varchar, "
                "buurtcode varchar, startdatum date, einddatum date, doelgroep varchar, "
                "kwetsbare_doelgroep boolean as (doelgroep <> 'regulier'))")
    con.execute("create table staging.wonen__huurcontracten (partner varchar, delivery_period varchar)")
    con.execute("create table core.unit_periods (partner varchar, vhe_id varchar, buurtcode varchar, "
                "period_type varchar, period varchar, vacant boolean)")
    con.execute("create table staging.zorg__trajecten (persoon_pseudoniem varchar, startdatum date, einddatum date)")
    con.execute("create table staging.welzijn__voorzieningen (persoon_pseudoniem varchar, buurtcode varchar, "
                "soort varchar, startdatum date, einddatum date)")
    con.execute("create table marts.liveability_index (area_level varchar, area_code varchar, "
                "period_type varchar, period varchar, dimension varchar, band varchar, "
                "change_significant boolean, change_year double)")
    person = 0
    for i, (code, (wijk, running, vulnerable, statushouders, empty)) in enumerate(PLANTED.items()):
        con.execute("insert into core.dim_buurt values (?, ?, ?, ?, 'GM0599', 'Rotterdam', ?)",
                    [code, f"Buurt {i}", wijk, f"Wijk {wijk[-1]}", box(i, 0, i + 1, 1).wkb])
        for n in range(running):
            group = "housing_first" if n < vulnerable else (
                "statushouder" if n < vulnerable + statushouders else "regulier")
            person += 1
            con.execute("insert into core.tenancies values ('p', ?, ?, ?, date '2020-01-01', null, ?)",
                        [f"P{person}", f"V{person}", code, group])
            if n < 12 and wijk == "WK059900":  # 12 tenants in care in the first wijk: support nearby
                con.execute("insert into staging.zorg__trajecten values (?, date '2025-01-01', null)", [f"P{person}"])
        if code == "BU05990101":  # six moves in the last 12 months: the only turnover in the city
            for n in range(6):
                con.execute("insert into core.tenancies values ('p', ?, ?, ?, date '2019-01-01', "
                            "date '2026-05-31', 'regulier')", [f"M{n}", f"M{n}", code])
        for n in range(empty):
            con.execute("insert into core.unit_periods values ('p', ?, ?, 'month', '2026-10', true)",
                        [f"E{code}{n}", code])
        con.execute("insert into marts.liveability_index values ('buurt', ?, 'month', '2026-10', 'totaal', "
                    "'gemiddeld', ?, ?)", [code, code == "BU05990101", -5.0])
    placement.write_tables(con)
    models = {m.name: m for m in discover()}
    build(con, models["tenancy_mix_cells"])
    tenancy_mix.publish(con, indicators=None)
    build(con, models["placement_capacity_cells"])
    publish(con)
    yield con, path
    con.close()


def test_capacity_is_the_room_under_the_threshold(planted):
    con, _ = planted
    rows = {code: (capacity, free, care, decline) for code, capacity, free, care, decline in con.execute(
        "select area_code, capacity, expected_free_units, care_nearby, significant_decline "
        "from core.placement_capacity_cells where area_level = 'buurt'").fetchall()}
    assert {code: r[0] for code, r in rows.items()} == {
        "BU05990001": 20, "BU05990002": 0, "BU05990101": 9, "BU05990102": 0}
    # expected free = empty homes + tenancies x (ends + 50 x city rate) / (tenancies + 50), with the
    # city rate 6 / 368 running: the six moves count for less than their own rate, and a buurt
    # without moves still expects a few
    city = 6 / 368
    assert rows["BU05990101"][1] == 2 + round(60 * (6 + 50 * city) / 110)  # 2 + 4, not 2 + 6
    assert rows["BU05990001"][1] == 4 + round(200 * 50 * city / 250)      # 4 + 1
    assert rows["BU05990001"][2] and not rows["BU05990101"][2]
    assert rows["BU05990101"][3] and not rows["BU05990001"][3]
    wijk = con.execute("select capacity, room from core.placement_capacity_cells "
                       "where area_code = 'WK059900'").fetchall()
    assert wijk == [(20, 45 - 25)]
    # a wijk's capacity is its own room, not the sum of its buurten's (9 + 0 here): that sum of
    # values cut off at 0 told an outsider how far hidden buurten lie over their threshold
    assert con.execute("select capacity from core.placement_capacity_cells "
                       "where area_code = 'WK059901'").fetchall() == [(10,)]   # floor(0.15 x 68) - 0


def test_published_capacity_is_rounded_suppressed_and_has_no_exact_share(planted):
    con, _ = planted
    columns = {r[0] for r in con.execute("describe marts.placement_capacity").fetchall()}
    assert not columns & {"share", "room", "parent_code", "expected_turnover"}
    rows = con.execute("select area_code, tenancies, vulnerable_tenancies, capacity, suppressed "
                       "from marts.placement_capacity").fetchall()
    for code, tenancies, vulnerable, capacity, suppressed in rows:
        if suppressed:
            assert (tenancies, vulnerable, capacity) == (None, None, None)
        else:
            assert tenancies % 5 == 0 and vulnerable % 5 == 0 and capacity % 5 == 0
    hidden = {code for code, *_, suppressed in rows if suppressed}
    assert "BU05990102" in hidden  # 8 tenancies
    # its wijk sibling is hidden too, else the wijk total would give the small buurt away
    assert "BU05990101" in hidden
    assert not any(disclosure_problems(con).values())
    # the report says which cells are hidden for their own count: the small buurt (8 tenancies)
    report = publish(con)
    assert (report.primary, report.complementary) == (1, len(hidden) - 1)


def test_publish_refuses_cells_outside_the_shared_pattern(planted, tmp_path):
    """Concentration shows what the shared pattern shows: placement capacity may not hide a cell
    the pattern shows, nor publish a cell the pattern does not know."""
    home = _copy_home(planted, tmp_path)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        con.execute(f"update {tenancy_mix.TARGET} set suppressed = false, tenancies = 10 "
                    "where area_code = 'BU05990102'")   # 8 tenancies: the pattern no longer hides it
        with pytest.raises(RuntimeError, match="left the shared pattern"):
            publish(con)
        con.execute(f"delete from {tenancy_mix.TARGET} where area_code = 'BU05990102'")
        with pytest.raises(RuntimeError, match="not in the shared pattern"):
            publish(con)
    finally:
        con.close()


def _copy_home(planted, tmp_path):
    con, path = planted
    con.execute("checkpoint")
    home = tmp_path / "home"
    home.mkdir()
    (home / "warehouse.duckdb").write_bytes(path.read_bytes())
    return home


def test_plan_job_writes_the_plan(planted, tmp_path):
    from engine.home import DataHome
    from engine.resources import resources_for
    from assets.placement import placement_plan
    home = _copy_home(planted, tmp_path)
    result = placement_plan.execute_in_process(
        run_config={"ops": {"plan_op": {"config": {"placements": 2, "doelgroep": "housing_first"}}}},
        resources=resources_for(DataHome(home)))
    assert result.success
    rows = json.loads(result.output_for_node("plan_op"))
    assert [(r["buurtcode"], r["placements"]) for r in rows] == [("BU05990001", 2)]
    assert (home / "reports" / "plans" / "2026-10" / "placements_housing_first_2.json").exists()


def test_plan_command_json_and_refusal(planted, tmp_path, monkeypatch, capsys):
    home = _copy_home(planted, tmp_path)
    monkeypatch.setenv("WIJKWIJZER_HOME", str(home))
    assert cli.main(["plan", "--placements", "3", "--json"]) == cli.EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    assert all(set(r) == {"buurtcode", "placements", "share_before", "share_after", "threshold"} for r in rows)
    assert sum(r["placements"] for r in rows) == 3
    assert all(r["share_after"] <= r["threshold"] for r in rows)
    # the declining buurt is left out; the full one and the small one have no room
    assert {r["buurtcode"] for r in rows} == {"BU05990001"}
    assert list((home / "reports" / "plans" / "2026-10").glob("*.html"))
    # BU05990001: min(20, 5 free, 5) = 5
    assert cli.main(["plan", "--placements", "6"]) == cli.EXIT_DOES_NOT_FIT
    assert "room for 5" in capsys.readouterr().err
    assert cli.main(["plan", "--placements", "1", "--doelgroep", "statushouder"]) == cli.EXIT_USAGE


def test_a_fractional_relaxation_falls_back_to_the_integer_programme(monkeypatch):
    import scipy.optimize  # the planner imports milp from it when it solves
    real, calls = scipy.optimize.milp, []

    def fractional_relaxation(c, **kwargs):
        calls.append(int(kwargs["integrality"].max()))
        result = real(c, **kwargs)
        if not kwargs["integrality"].any():  # as if the relaxation had stopped at a fractional vertex
            result.x = np.full_like(result.x, 0.5)
        return result

    monkeypatch.setattr(scipy.optimize, "milp", fractional_relaxation)
    assert solve(candidates(), 4, WEIGHTS, max_per_buurt=5).placements.tolist() == [4, 0, 0]
    assert calls == [0, 1]


def test_configuration_needs_a_rationale_and_keeps_statushouders_apart(tmp_path):
    text = placement.PLACEMENT_FILE.read_text(encoding="utf-8")
    assert placement.load().threshold_share == 0.15
    broken = tmp_path / "placement.yaml"
    broken.write_text(text.replace("threshold_rationale:", "threshold_note:"), encoding="utf-8")
    with pytest.raises(placement.ConfigError, match="threshold_rationale"):
        placement.load(broken)
    broken.write_text(text.replace("skaeve_huse, overig_kwetsbaar]", "skaeve_huse, statushouder]"),
                      encoding="utf-8")
    with pytest.raises(placement.ConfigError, match="statushouders_doelgroep"):
        placement.load(broken)


def test_a_hidden_buurt_is_not_known_to_hold_1_to_9_vulnerable_tenants():
    """One wijk, three buurten: A has 3 vulnerable tenants among 50, B none among 40, C 12 among
    30. Concentration used to hide A alone for its own small count, so with A's running tenancies
    known (placement capacity, leegstand) a hidden A meant 1-9. In the shared pattern A hides with
    the cells that protect it, and what the wijk's published totals leave for them is no small
    count: A may be 0 and may be 10 or more."""
    con = duckdb.connect()
    con.execute("create schema core")
    cells = [("gemeente", "GM1", None, 120, 15), ("wijk", "W1", "GM1", 120, 15),
             ("buurt", "A", "W1", 50, 3), ("buurt", "B", "W1", 40, 0), ("buurt", "C", "W1", 30, 12)]
    con.execute("create table core.tenancy_mix_cells (area_level varchar, area_code varchar, "
                "parent_code varchar, area_name varchar, period varchar, tenancies integer, kwetsbaar integer, "
                "vulnerable_tenancies integer, statushouders integer, other_kwetsbaar integer)")
    con.executemany("insert into core.tenancy_mix_cells values (?, ?, ?, ?, '2026-10', ?, ?, ?, 0, 0)",
                    [(level, code, parent, code, running, vulnerable, vulnerable)
                     for level, code, parent, running, vulnerable in cells])
    tenancy_mix.publish(con, indicators=None)
    shown = {code: (suppressed, vulnerable) for code, suppressed, vulnerable in con.execute(
        "select area_code, suppressed, kwetsbaar from core.tenancy_mix_published").fetchall()}
    assert shown["A"] == (True, None)
    hidden = [code for code in "ABC" if shown[code][0]]
    assert len(hidden) >= 2
    # the outsider's bounds on A: the wijk (rounded, +-2) less the visible buurten (+-2 each)
    visible = [code for code in "ABC" if not shown[code][0]]
    most = shown["W1"][1] + 2 - sum(shown[code][1] - 2 for code in visible)
    assert not shown["W1"][0] and most >= 10
    assert not any(tenancy_mix.disclosure_problems(con).values())
