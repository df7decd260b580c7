"""Targets as data: the file's rules, and marts.targets' trajectory and status per area and period
on the simulated stationary world plus a hand-made programme outcome table."""
from __future__ import annotations

import polars as pl
import pytest
import yaml

from assets.targets import write_targets
from engine.sqlmodels import build, discover
from sources import targets as targets_module


def test_every_target_cites_its_source_and_a_broken_one_is_refused():
    rows = targets_module.target_rows()
    assert {r["target_id"] for r in rows} >= {"housing_first_zelfde_woning", "housing_first_niet_opnieuw_dakloos"}
    assert all(r["source"] and r["target_year"] for r in rows)
    hf = next(r for r in rows if r["target_id"] == "housing_first_zelfde_woning")
    assert (hf["target_value"], hf["subject_id"], hf["programme"]) == (0.73, "tenancy_sustained_12m", "housing_first")
    raw = yaml.safe_load(targets_module.TARGETS_PATH.read_text(encoding="utf-8"))
    raw["targets"][0]["subject"]["outcome_id"] = "no_such_outcome"
    broken = targets_module.TARGETS_PATH.parent / "_broken_targets.yaml"
    try:
        broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
        with pytest.raises(targets_module.TargetError, match="no_such_outcome"):
            targets_module.target_rows(broken)
    finally:
        broken.unlink()


def test_status_follows_the_trajectory_from_the_base(stationary_world):
    con = stationary_world
    write_targets(con)
    pools = (("2024-Q2..2025-Q1", 0.60, False), ("2025-Q1..2025-Q4", 0.62, False),
             ("2025-Q3..2026-Q2", 0.70, False), ("2026-Q1..2026-Q4", 0.75, False),
             ("2026-Q2..2027-Q1", 0.10, True))    # still under observation: not judged
    outcomes = pl.DataFrame([
        {"programme": "housing_first", "programme_role": "programme", "cohort_kind": "pool",
         "cohort": cohort, "provisional": provisional, "outcome_id": "tenancy_sustained_12m",
         "area_level": "totaal", "area_code": "totaal", "outcome_rate": rate,
         "outcome_rate_low": rate - 0.01, "outcome_rate_high": rate + 0.01}
        for cohort, rate, provisional in pools]
        # one start quarter alone is too small to judge: marts.targets ignores it
        + [{"programme": "housing_first", "programme_role": "programme", "cohort_kind": "quarter",
            "cohort": "2026-Q3", "provisional": False, "outcome_id": "tenancy_sustained_12m",
            "area_level": "totaal", "area_code": "totaal", "outcome_rate": 0.10,
            "outcome_rate_low": 0.09, "outcome_rate_high": 0.11}])
    con.execute("create or replace table marts.cost_per_outcome as select * from outcomes")
    build(con, next(m for m in discover() if m.table == "marts.targets"))
    hf = dict(con.execute("""select period, status from marts.targets
                             where target_id = 'housing_first_zelfde_woning'""").fetchall())
    # the line runs from 0.60 (end of 2025-Q1) to 0.73 (end of 2026): 0.62 at the end of 2025 is
    # below it (about 0.65), 0.70 in mid-2026 is above it (about 0.69), 0.75 reaches the target
    assert hf == {"2024-Q2..2025-Q1": "on_track", "2025-Q1..2025-Q4": "behind",
                  "2025-Q3..2026-Q2": "on_track", "2026-Q1..2026-Q4": "reached"}
    # relative targets start from the area's own base value: at the base it is on track
    city = con.execute("""select base_value, target_value, status from marts.targets
                          where target_id = 'huisuitzettingen_gehalveerd' and period = '2025'""").fetchall()
    assert len(city) == 1 and city[0][1] == pytest.approx(city[0][0] * 0.5, rel=1e-3) and city[0][2] == "on_track"
    # each measured value keeps the interval it was published with
    assert con.execute("""select count(*) from marts.targets as t
                          inner join marts.indicator_values_published as p
                            on p.indicator_id = t.subject_id and p.area_code = t.area_code
                           and p.period_type = t.period_type and p.period = t.period
                          where t.subject_kind = 'indicator' and t.value_low is not distinct from round(p.value_low, 4)
                            and t.value_high is not distinct from round(p.value_high, 4)""").fetchone()[0] \
        == con.execute("select count(*) from marts.targets where subject_kind = 'indicator'").fetchone()[0] > 0
    assert con.execute("""select value_low, value_high from marts.targets
                          where target_id = 'housing_first_zelfde_woning' and period = '2026-Q1..2026-Q4'""").fetchall() \
        == [(pytest.approx(0.74), pytest.approx(0.76))]
    # and a status is certain only where the whole interval agrees with it: the base is on its own
    # line (0.59-0.61 around 0.60), 0.69-0.71 straddles the line at about 0.693; 0.61-0.63 lies
    # wholly below it (about 0.65), 0.74-0.76 wholly above the target 0.73
    certain = dict(con.execute("""select period, status_certain from marts.targets
                                  where target_id = 'housing_first_zelfde_woning'""").fetchall())
    assert certain == {"2024-Q2..2025-Q1": False, "2025-Q1..2025-Q4": True,
                       "2025-Q3..2026-Q2": False, "2026-Q1..2026-Q4": True}
    # The line starts from an estimate: with the base known only to 0.50-0.70, the line at the end
    # of 2025 lies anywhere in about 0.60-0.71, and 0.61-0.63 is no longer certainly behind it
    # (the status, from the values themselves, stays 'behind'); 0.74-0.76 still reaches 0.73.
    con.execute("""update marts.cost_per_outcome set outcome_rate_low = 0.50, outcome_rate_high = 0.70
                   where cohort = '2024-Q2..2025-Q1'""")
    build(con, next(m for m in discover() if m.table == "marts.targets"))
    wide = {period: (status, certain) for period, status, certain in con.execute("""
        select period, status, status_certain from marts.targets
        where target_id = 'housing_first_zelfde_woning'""").fetchall()}
    assert wide["2025-Q1..2025-Q4"] == ("behind", False)
    assert wide["2026-Q1..2026-Q4"] == ("reached", True)
    # a goal relative to an estimated base is uncertain as well: an eviction rate at 0.4 of its
    # base, its interval reaching just under half the base value, has reached the goal, but not
    # certainly: half the base's low end lies inside that interval
    (base, base_low), = con.execute("""select estimate, value_low from marts.indicator_values_published
        where indicator_id = 'huisuitzettingen_per_1000' and area_level = 'gemeente' and period = '2025'""").fetchall()
    assert base_low < base
    later = con.execute("""select min(period) from marts.indicator_values_published
        where indicator_id = 'huisuitzettingen_per_1000' and area_level = 'gemeente'
          and period_type = 'year' and period > '2025'""").fetchone()[0]
    con.execute("""update marts.indicator_values_published set estimate = ?, value_low = ?, value_high = ?
                   where indicator_id = 'huisuitzettingen_per_1000' and area_level = 'gemeente' and period = ?""",
                [0.4 * base, 0.3 * base, 0.5 * base - 1e-3, later])
    build(con, next(m for m in discover() if m.table == "marts.targets"))
    assert con.execute("""select status, status_certain from marts.targets
                          where target_id = 'huisuitzettingen_gehalveerd' and period = ?""", [later]).fetchall() \
        == [("reached", False)]
    statuses = {r[0] for r in con.execute("select distinct status from marts.targets").fetchall()}
    assert statuses <= {"reached", "on_track", "behind"}
    columns = {r[0] for r in con.execute("describe marts.targets").fetchall()}
    assert {"target_id", "subject_id", "area_level", "area_code", "period", "target_value",
            "target_year", "source", "status"} <= columns
