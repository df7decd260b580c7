"""Each section of the board report on its own: pure functions of plain rows, no warehouse. And
the contract's typed reader (quality.publication) on a throwaway in-memory database."""
from __future__ import annotations

import duckdb
import pytest

from quality import publication
from reporting.board.index import build_index
from reporting.board.periods import latest_complete_quarter
from reporting.board.sections import maps, mix, profiles, programmes, summary
from reporting.board.text import Fmt, Strings
from sources.indicators import load_catalogue

T, F = Strings("nl"), Fmt("nl")
THEMES = {"totaal": "Totaal", "wonen": "Wonen", "veiligheid": "Veiligheid", "sociaal": "Sociaal",
          "zorgvraag": "Zorgvraag"}


def index_row(code, period, score, change=None, significant=False, level="buurt", dimension="totaal"):
    return {"area_level": level, "area_code": code, "period": period, "dimension": dimension, "score": score,
            "score_low": score - 3, "score_high": score + 3, "band": "gemiddeld", "objective_score": score - 1,
            "subjective_score": score + 1, "objective_low": None, "objective_high": None,
            "subjective_low": None, "subjective_high": None, "change_previous": None,
            "change_year": change, "change_significant": significant, "change_base": None,
            "base_period": "2025"}


def test_movers_are_only_the_significant_and_published_ones():
    rows = [index_row("BU1", "2025-Q3", 100), index_row("BU1", "2026-Q3", 110, 10.0, True),
            index_row("BU2", "2025-Q3", 100), index_row("BU2", "2026-Q3", 120, 20.0, False),  # noise
            index_row("BU3", "2025-Q3", 100), index_row("BU3", "2026-Q3", 80, -20.0, True),
            index_row("BU4", "2025-Q3", 100), index_row("BU4", "2026-Q3", 70, -30.0, True)]  # hidden
    published = {(level, code, p) for level, code, p in
                 [("buurt", c, p) for c in ("BU1", "BU2", "BU3") for p in ("2025-Q3", "2026-Q3")]}
    index = build_index(rows, published, "2026-Q3")
    moved = summary.movers(index, {"BU1": "Een", "BU3": "Drie"}, T, F)
    assert [m["name"] for m in moved["improved"]] == ["Een"]
    assert [m["name"] for m in moved["declined"]] == ["Drie"]
    assert moved["improved"][0]["interval"] == "107–113" and moved["n_tested"] == 3


def test_a_change_against_a_hidden_year_is_dropped():
    rows = [index_row("BU1", "2025-Q3", 100), index_row("BU1", "2026-Q3", 110, 10.0, True)]
    index = build_index(rows, {("buurt", "BU1", "2026-Q3")}, "2026-Q3")
    cell = index.get("buurt", "BU1", "totaal")
    assert cell["change_year"] is None and not cell["significant"]


def test_latest_complete_quarter():
    from datetime import date
    assert latest_complete_quarter(["2026-08"], [], date(2026, 11, 1)) == "2026-Q2"
    assert latest_complete_quarter(["2026-09"], ["2026-Q2", "2026-Q3"], date(2026, 11, 1)) == "2026-Q3"
    assert latest_complete_quarter([], [], date(2026, 11, 24)) == "2026-Q3"


def cohort_row(cohort, months, rate, persons=40, censored=0, provisional=False, suppressed=False, **extra):
    return {"programme": "housing_first", "programme_role": "programme", "cohort": cohort, "cohort_kind": "pool",
            "outcome_id": f"tenancy_sustained_{months}m", "n_persons": persons, "n_outcomes": round(persons * rate),
            "n_censored": censored, "outcome_rate": rate, "outcome_rate_low": rate - .1,
            "outcome_rate_high": rate + .05, "provisional": provisional, "suppressed": suppressed,
            "cost_per_outcome_eur": 1000.0, "cost_per_outcome_low_eur": 900.0, "cost_per_outcome_high_eur": 1200.0,
            "benchmark_rate": .83, "n_same_home": None, **extra}


def test_the_glance_takes_the_newest_complete_cohort_and_notes_the_provisional_one():
    rows = [cohort_row("2024-Q4..2025-Q3", 12, .85), cohort_row("2025-Q4..2026-Q3", 12, .95, persons=12,
                                                                 censored=28, provisional=True)]
    glance = programmes.glance(rows, [], {"housing_first": "programme"}, T, F)[0]
    assert glance["cohort"] == "4e kwartaal 2024 – 3e kwartaal 2025"
    assert glance["cell"]["rate"] == "85%" and glance["cell"]["n"] == "40"
    assert glance["cell"]["interval"] == "75%–90%" and glance["under_observation"] == 1


def test_a_suppressed_result_carries_no_number():
    cell = programmes.rate_text(cohort_row("c", 6, .9, suppressed=True, cost_per_outcome_eur=987654.0), F)
    assert cell == {"state": "suppressed"}


def test_curves_mark_censoring_and_provisional_milestones():
    rows = [cohort_row("c", 3, .95), cohort_row("c", 12, .85, persons=30, censored=10, provisional=True)]
    (name, points), = programmes.curves(rows, T)
    assert [(p.month, p.censored, p.provisional) for p in points] == [(3, 0, False), (12, 10, True)]


def test_hidden_breakdowns_show_the_suppression_mark_never_a_number():
    """The disclosure control hides a path count of 1-9 (and what would give it back) inside a
    published cell: the board shows the mark, not 0 and not a crash; a hidden censored count
    leaves the censoring mark out of the curve but keeps the milestone provisional."""
    row = cohort_row("2024-Q4..2025-Q3", 12, .85, persons=40, n_same_home=30, n_moved_on=None,
                     n_lost_housing=10, n_died=None)
    (shown,) = programmes.paths([row], T, F)
    parts = {p["key"]: p for p in shown["parts"]}
    assert parts["same_home"]["share"] == "75%" and parts["lost_housing"]["count"] == "10"
    assert parts["moved_on"]["share"] == parts["died"]["count"] == T("suppressed_short")
    assert parts["died"]["hidden"] and parts["died"]["width"] == 0 and "10" in parts["died"]["title"]
    every_path_hidden = {**row, "n_same_home": None, "n_lost_housing": None}
    assert programmes.paths([every_path_hidden], T, F) == []
    hidden = cohort_row("c", 12, .85, persons=30, censored=None, provisional=True)
    (_, (point,)), = programmes.curves([hidden], T)
    assert point.censored is None and point.provisional
    chart = programmes.charts.sustainment_chart([("c", [point])], "t", "x", "y", fmt_y=F.pct,
                                                censored_label="c", provisional_label="p")
    assert 'class="censor"' not in str(chart)
    glance = programmes.glance([cohort_row("c", 12, .85, suppressed=True)], [], {"housing_first": "programme"}, T, F)
    assert glance[0]["cell"] == {"state": "suppressed"}, "suppressed, not 'too early'"


def test_concentration_hides_suppressed_buurten_and_flags_the_signal():
    rows = [{"buurtcode": "BU1", "buurtnaam": "Een", "wijknaam": "W", "period": "2026-09", "running": 100,
             "vulnerable": 20, "share": .2, "trend_12m": .06, "signal": True, "suppressed": False},
            {"buurtcode": "BU2", "buurtnaam": "Twee", "wijknaam": "W", "period": "2026-09", "running": None,
             "vulnerable": None, "share": None, "trend_12m": None, "signal": False, "suppressed": True}]
    result = mix.concentration(rows, [], {"BU1": "1"}, .15, .05, T, F)
    assert [(r["name"], r["share"], r["above"], r["rising"]) for r in result["rows"]] == [("Een", "20%", True, True)]
    assert result["n_hidden"] == 1


def test_the_example_plan_stays_within_the_published_room():
    from sources.placement import load
    cell = dict(area_level="buurt", period="2026-09", threshold_share=.15, care_nearby=True, wijkteam_nearby=False,
                significant_decline=False, suppressed=False)
    rows = [{**cell, "area_code": "BU1", "tenancies": 200, "vulnerable_tenancies": 10, "capacity": 20,
             "expected_free_units": 15},
            {**cell, "area_code": "BU2", "tenancies": 100, "vulnerable_tenancies": 14, "capacity": 1,
             "expected_free_units": 5},
            {**cell, "area_code": "BU3", "suppressed": True, "tenancies": None, "vulnerable_tenancies": None,
             "capacity": None, "expected_free_units": None},
            {**cell, "area_level": "wijk", "area_code": "WK1", "tenancies": 300, "vulnerable_tenancies": 24,
             "capacity": 21, "expected_free_units": 20}]
    buurten = [{"buurtcode": b, "wijkcode": "WK1", "wijknaam": "Wijk"} for b in ("BU1", "BU2", "BU3")]
    plan = mix.example_plan(rows, buurten, load(), T, n=6)  # at most 5 per buurt (placement.yaml)
    assert plan["fits"] == 6 and plan["wijken"] == [{"name": "Wijk", "placements": 6, "buurten": 2}]
    too_many = mix.example_plan(rows, buurten, load(), T, n=500)
    assert too_many["wijken"] == [] and "passen niet" in too_many["text"]


def test_no_homes_is_told_apart_from_suppressed():
    harbour = {"buurtcode": "BU9", "inwoners": 5}
    houses = {"buurtcode": "BU8", "inwoners": 4000}
    assert maps._state_colour(harbour, "suppressed")[1] == "no_homes"
    assert maps._state_colour(houses, "suppressed")[1] == "suppressed"
    assert maps._state_colour(houses, "none")[1] == "no_data"


def test_targets_show_the_newest_measure_and_count_areas():
    names = {"t1": {"name_nl": "Doel", "name_en": "Goal", "subject_kind": "index", "direction": "at_least",
                    "target_year": 2031, "source": "NPRZ"}}
    rows = [{"target_id": "t1", "period": "2026-Q3", "value": v, "value_low": v - 2.5, "value_high": v + 2.5,
             "target_value": 90.0, "status": s, "status_certain": True} for v, s in ((95.0, "reached"), (80.5, "behind"))]
    (target,) = summary.targets(rows, names, "2026-Q3", T, F)
    assert target["value"] == "1 van 2 gebieden" and target["status"] == "behind" and target["goal"] == "≥ 90"
    assert target["interval"] == "waarvan 1 zeker" and target["not_certain"] == ""   # areas counted
    rows[0]["status_certain"] = False   # 95 reaches 90, but its interval does not rule out less
    assert summary.targets(rows, names, "2026-Q3", T, F)[0]["interval"] == "waarvan 0 zeker"
    unknown = [{**r, "status_certain": None} for r in rows]   # no intervals: nothing to say
    assert summary.targets(unknown, names, "2026-Q3", T, F)[0]["interval"] == ""


def test_a_status_whose_interval_straddles_the_line_says_it_is_not_yet_certain():
    names = {"t1": {"name_nl": "Huisuitzettingen gehalveerd", "name_en": "Evictions halved",
                    "subject_kind": "indicator", "direction": "at_most", "target_year": 2030, "source": "NAD"}}
    row = {"target_id": "t1", "period": "2025", "value": 2.0, "value_low": 2.0, "value_high": 3.0,
           "target_value": 1.0, "status": "on_track"}
    said = {certain: summary.targets([{**row, "status_certain": certain}], names, "2026-Q3", T, F)[0]
            for certain in (False, True, None)}
    assert said[False]["status_text"] == "op koers" and said[False]["not_certain"] == "nog niet zeker"
    assert said[True]["not_certain"] == said[None]["not_certain"] == ""
    english = summary.targets([{**row, "status_certain": False}], names, "2026-Q3", Strings("en"), Fmt("en"))[0]
    assert english["not_certain"] == "not yet certain"


def test_a_target_line_shows_its_interval_with_the_precision_it_was_published_with():
    names = {"t1": {"name_nl": "Huisuitzettingen gehalveerd", "name_en": "Evictions halved",
                    "subject_kind": "indicator", "direction": "at_most", "target_year": 2030, "source": "NAD"}}

    def line(value, low, high, goal):
        rows = [{"target_id": "t1", "period": "2025", "value": value, "value_low": low, "value_high": high,
                 "target_value": goal, "status": "on_track", "status_certain": None}]
        (target,) = summary.targets(rows, names, "2026-Q3", T, F)
        return target["value"], target["interval"], target["goal"]
    # a small count's estimate, published rounded to whole units: no decimal it was denied
    assert line(2.0, 2.0, 3.0, 1.0) == ("2", "2–3", "≤ 1")
    # a visible estimate keeps its decimal, and so does a goal that has one
    assert line(2.34, 2.1, 2.6, 1.17) == ("2,3", "2,1–2,6", "≤ 1,2")
    assert line(2.0, 1.5, 2.5, 1.0) == ("2,0", "1,5–2,5", "≤ 1")
    # and a goal's decimal gives the protected estimate none
    assert line(2.0, 2.0, 3.0, 1.17) == ("2", "2–3", "≤ 1,2")
    # the indicator's base, as the report data gives it
    names["t1"]["unit"] = load_catalogue().by_id("huisuitzettingen_per_1000").unit
    assert line(2.0, 2.0, 3.0, 1.0) == ("2 per 1.000", "2–3", "≤ 1")
    # a programme's outcome rate as a percentage with its interval
    names["t1"]["subject_kind"], names["t1"]["unit"] = "programme_outcome", None
    names["t1"]["direction"] = "at_least"
    assert line(0.85, 0.78, 0.9, 0.73) == ("85%", "78%–90%", "≥ 73%")


def test_a_profile_shows_an_estimate_at_the_precision_it_was_published_with():
    def shown(value, low, high, decimals=1):
        row = {"estimate": value, "value": None, "suppressed": False, "value_low": low, "value_high": high}
        cell = profiles.indicator_value(row, decimals, T, F)
        return cell["text"], cell["interval"]
    # published in whole units (a rate of a small count, rounded to protect it): no ",0"
    assert shown(123.0, 118.0, 128.0) == ("123", "118–128")
    # a decimal anywhere in the estimate or its interval: all at the unit's precision
    assert shown(123.0, 118.5, 128.0) == ("123,0", "118,5–128,0")
    assert shown(12.34, 11.0, 13.0) == ("12,3", "11,0–13,0")
    # never more than the unit has
    assert shown(12.34, 11.0, 13.0, decimals=0) == ("12", "11–13")
    hidden = profiles.indicator_value({"estimate": None, "value": None, "suppressed": True,
                                       "value_low": None, "value_high": None}, 1, T, F)
    assert hidden["state"] == "suppressed" and hidden["interval"] == ""


# --- the contract's typed reader ----------------------------------------------------------------

@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("""create table marts.delivery_status (partner varchar, dataset varchar,
        expected_period varchar, latest_period varchar, due_date date, overdue boolean, days_overdue bigint)""")
    con.execute("insert into marts.delivery_status values ('p', 'd', '2026-09', '2026-08', date '2026-10-10', true, 3)")
    return con


def test_read_returns_declared_columns(con):
    rows = publication.read(con, "marts.delivery_status", where="overdue and days_overdue > ?", params=[1])
    assert rows == [{"partner": "p", "dataset": "d", "expected_period": "2026-09", "latest_period": "2026-08",
                     "due_date": rows[0]["due_date"], "overdue": True, "days_overdue": 3}]


def test_read_fails_loudly_on_a_missing_or_retyped_column(con):
    con.execute("alter table marts.delivery_status alter column days_overdue type varchar")
    with pytest.raises(publication.ContractBroken, match="days_overdue: VARCHAR, declared integer"):
        publication.read(con, "marts.delivery_status")
    con.execute("alter table marts.delivery_status drop column days_overdue")
    assert publication.schema_problems(con, "marts.delivery_status") == [
        "marts.delivery_status.days_overdue: missing (declared integer)"]
    with pytest.raises(publication.NotPublished):
        publication.read(con, "marts.buurt_profile")  # exported, not for reports


def test_every_report_table_declares_every_type():
    for name, table in publication.boundary().items():
        if table.report:
            assert table.types and all(t in publication.TYPES for t in table.types.values()), name
            assert set(table.columns) <= set(table.types), name


def test_profiles_keep_the_halves_the_need_panel_and_the_leefbaarometer_class_apart():
    from sources.indicators import load_catalogue
    from reporting.board.sections import profiles
    catalogue = load_catalogue()
    need = next(i for i in catalogue.indicators if catalogue.dimensions[i.dimension]["panel"] == "zorgvraag")
    living = next(i for i in catalogue.indicators if catalogue.dimensions[i.dimension]["panel"] != "zorgvraag")
    rows = [index_row(code, "2026-Q3", 101.0, level=level, dimension=d)
            for level, code in (("wijk", "WK1"), ("buurt", "BU1"), ("gemeente", "GM1"))
            for d in ("totaal", "wonen", "veiligheid", "sociaal", "zorgvraag")]
    index = build_index(rows, {(l, c, "2026-Q3") for l, c in (("wijk", "WK1"), ("buurt", "BU1"), ("gemeente", "GM1"))},
                        "2026-Q3")
    values = [{"indicator_id": i.id, "area_level": "wijk", "area_code": "WK1", "period": "2026-Q3", "value": 5.0,
               "estimate": 5.0, "value_low": 4.0, "value_high": 6.0, "suppressed": False} for i in (need, living)]
    lbm = [{"area_level": "wijk", "area_code": "WK1", "jaar": y, "afw": a, "klasse": 6, "klasse_nl": "voldoende",
            "klasse_en": "sufficient"} for y, a in ((2002, -.1), (2024, .1))]
    buurten = [{"buurtcode": "BU1", "buurtnaam": "Een", "wijkcode": "WK1", "wijknaam": "Wijk", "inwoners": 1000}]
    result = profiles.build(buurten, index, "GM1", values, catalogue, lbm, T, F, THEMES)
    (wijk,) = result["wijken"]
    assert [h["text"] for h in wijk["halves"]] == ["100", "102"]       # registrations, survey
    assert wijk["need"]["text"] == "101" and wijk["lbm"]["text"] == "voldoende"
    assert wijk["lbm_years"] == "2002–2024"
    assert [[i["name"] for i in table["rows"]] for table in wijk["indicator_tables"]] == [
        [living.name_nl], [need.name_nl]]
