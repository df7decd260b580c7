"""Liveability indicators on a small hand-made world whose every count is known: each indicator
family's arithmetic, wijk and gemeente aggregation, the index (city = 100 in the base period,
bands, changes), disclosure control of the published table (no hidden cell can be recomputed),
the generated SQL and methodology, and a synthetic city world with a planted rising-nuisance buurt."""
from __future__ import annotations

import json
import math
import os
import shutil
from datetime import date
from functools import lru_cache
from pathlib import Path

import polars as pl
import pytest

from assets import indicators as indicator_assets
from assets.estimates import published_estimates_cannot_be_inverted
from assets.index_checks import liveability_index_agrees_with_the_city
from assets.indicators import (city_base_scores, derivable_cells, missing_buurten, out_of_range,
                               small_visible_cells, write_catalogue)
from engine.resources import WarehouseResource
from engine.home import DataHome
from quality.intake import ensure_tables, run_intake
from engine.sqlmodels import build, discover
from engine.warehouse import connect, open_warehouse, scalar
from pipelines.runner import materialize_tables
from quality.disclosure import period_parent
from reporting import methodology
from sources import indicators as catalogue_module
from sources.contracts import load_registry
from sources.geography import load_rotterdam_buurten, to_arrow_table
from tests.conftest import pseudonym

A, B, C = "BU05990321", "BU05990322", "BU05990110"   # Bospolder, Tussendijken (WK059903), Stadsdriehoek
WIJK_AB, WIJK_C, GEMEENTE = "WK059903", "WK059901", "GM0599"
INHABITANTS = {A: 7565, B: 7370, C: 18365}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
MONTHLY = {"huurachterstand": "havensteder", "overlastmeldingen": "havensteder",
           "woonkosten": "havensteder", "incidenten": "politie", "crisismomenten": "zorgaanbieder",
           "zrm_metingen": "zorgaanbieder", "zorgkosten": "zorgaanbieder", "welzijnskosten": "gemeente"}
DOMAINS = ["financien", "werk_opleiding", "tijdsbesteding", "huisvesting", "huiselijke_relaties",
           "geestelijke_gezondheid", "lichamelijke_gezondheid", "middelengebruik", "basale_adl",
           "instrumentele_adl", "sociaal_netwerk", "maatschappelijke_participatie", "justitie"]


@lru_cache(maxsize=1)
def buurten_arrow():
    return to_arrow_table(load_rotterdam_buurten())


def empty_warehouse(path: Path):
    """A warehouse with core.dim_buurt and every staging table, empty."""
    con = connect(path)
    buurten = buurten_arrow()
    con.execute("create or replace table core.dim_buurt as select * from buurten")
    ensure_tables(con, load_registry())
    for model in discover():
        if model.layer == "staging":
            build(con, model)
    return con


def insert(con, table: str, rows: list[dict]) -> None:
    frame = pl.DataFrame(rows)
    con.execute(f"insert into staging.{table} by name select * from frame")


def d(text: str) -> date:
    return date.fromisoformat(text)


def fill_world(con) -> None:
    """The hand-made world (see the expected values in the tests)."""
    units, contracts = [], []
    for buurt, prefix, n in ((A, "A", 41), (B, "B", 20), (C, "C", 30)):
        for i in range(n):
            status = "verkocht" if (prefix, i) == ("A", 40) else "verhuurd"
            units.append({"partner": "havensteder", "vhe_id": f"VHE-{prefix}{i:02d}", "complex_id": "CX-1",
                          "buurtcode": buurt, "woningtype": "meergezins", "status": status,
                          "snapshot_date": d("2025-12-31")})
            if prefix == "A" and i >= 38:   # A38, A39 empty all year; A40 sold
                continue
            end, reason = {("A", 0): ("2025-06-15", "huisuitzetting"),
                           ("A", 1): ("2025-06-20", "verhuizing")}.get((prefix, i), (None, None))
            contracts.append({"partner": "havensteder", "contract_id": f"HC-{prefix}{i:02d}",
                              "persoon_pseudoniem": person(prefix, i), "vhe_id": f"VHE-{prefix}{i:02d}",
                              "startdatum": d("2020-01-01"), "einddatum": d(end) if end else None,
                              "einde_reden": reason, "doelgroep": "regulier",
                              "begeleidingsafspraak": False, "delivery_period": "2025-12"})
    insert(con, "wonen__verhuureenheden", units)
    insert(con, "wonen__huurcontracten", contracts)
    arrears = [{"partner": "havensteder", "contract_id": f"HC-A{i:02d}", "maand": d("2025-03-01"),
                "achterstand_eur": 100.0, "maanden_achterstand": 3 if i < 5 else 1,
                "delivery_period": "2025-03"} for i in range(2, 14)]
    arrears += [{"partner": "havensteder", "contract_id": f"HC-C{i:02d}", "maand": d("2025-03-01"),
                 "achterstand_eur": 200.0, "maanden_achterstand": 1, "delivery_period": "2025-03"}
                for i in range(10)]
    insert(con, "wonen__huurachterstand", arrears)
    insert(con, "veiligheid__incidenten", [
        {"partner": "politie", "buurtcode": A, "maand": d("2025-01-01"), "incidentsoort": "geweld",
         "aantal": 5, "delivery_period": "2025-01"},
        {"partner": "politie", "buurtcode": A, "maand": d("2025-01-01"), "incidentsoort": "verward_persoon",
         "aantal": 3, "delivery_period": "2025-01"},
        {"partner": "politie", "buurtcode": C, "maand": d("2025-02-01"), "incidentsoort": "geweld",
         "aantal": 10, "delivery_period": "2025-02"}])
    insert(con, "wonen__overlastmeldingen", [
        {"partner": "havensteder", "melding_id": f"OVL-{m:02d}-{k}", "meldingsdatum": date(2025, m, 10),
         "buurtcode": A, "complex_id": "CX-1", "categorie": "geluid", "delivery_period": f"2025-{m:02d}"}
        for m in range(1, 13) for k in range(m)])
    provisions = [{"partner": "gemeente", "voorziening_id": f"VZ-S{k}", "persoon_pseudoniem": pseudonym(1000 + k),
                   "buurtcode": A, "soort": "schuldhulp", "startdatum": d("2025-02-01"),
                   "einddatum": d("2025-04-30"), "delivery_period": "2025-12"} for k in range(15)]
    provisions += [{"partner": "gemeente", "voorziening_id": f"VZ-B{k}", "persoon_pseudoniem": pseudonym(2000 + k),
                    "buurtcode": C, "soort": "bijstand", "startdatum": d("2024-01-01"), "einddatum": None,
                    "delivery_period": "2025-12"} for k in range(5)]
    insert(con, "welzijn__voorzieningen", provisions)
    insert(con, "zorg__trajecten", [
        {"partner": "zorgaanbieder", "traject_id": f"TR-{i:02d}", "persoon_pseudoniem": person("A", i),
         "zorgvorm": "ambulante_begeleiding", "startdatum": d("2024-06-01"), "einddatum": d("2025-09-30"),
         "einde_reden": "doel_bereikt" if i < 12 else "uitval", "delivery_period": "2025-12"}
        for i in range(2, 14)])
    insert(con, "zorg__crisismomenten", [
        {"partner": "zorgaanbieder", "persoon_pseudoniem": person("A", 2), "datum": date(2025, 5, day),
         "soort": "crisisdienst", "delivery_period": "2025-05"} for day in range(1, 12)])
    zrm = []
    for i in range(14, 26):
        first = {"partner": "zorgaanbieder", "persoon_pseudoniem": person("A", i),
                 "meetdatum": d("2025-01-15"), "delivery_period": "2025-01", **{k: 2 for k in DOMAINS}}
        second = {**first, "meetdatum": d("2025-06-15"), "delivery_period": "2025-06",
                  "financien": 3 if i < 24 else 1}
        zrm += [first, second]
    insert(con, "zorg__zrm_metingen", zrm)
    survey = []
    for vraag, scores in (("veiligheidsgevoel", (6.0, 8.0, 7.0)), ("tevredenheid_buurt", (7.0, 8.0, 8.0)),
                          ("sociale_cohesie", (6.0, 6.0, 6.0)), ("overlast_ervaren", (4.0, 2.0, 3.0))):
        for buurt, n, score in zip((A, B, C), (50, 5, 30), scores):
            survey.append({"partner": "bewonerspanel", "buurtcode": buurt, "jaar": 2025, "vraag": vraag,
                           "n_respondenten": n, "score": score, "delivery_period": "2025"})
    insert(con, "bewoners__bewonersenquete", survey)
    # Every monthly dataset delivered for every month (most files without rows: the ledger says so).
    ledger = pl.DataFrame([{"partner": partner, "dataset": dataset, "period": month, "decision": "accepted"}
                           for dataset, partner in MONTHLY.items() for month in MONTHS])
    con.execute("insert into raw.load_ledger by name select * from ledger")


# What the indicator tests read: built with everything they need by the production definitions.
TARGETS = ("marts.buurt_profile", "marts.liveability_index", "marts.indicator_changes",
           "marts.leefbaarometer_agreement")


def person(prefix: str, i: int) -> str:
    return pseudonym({"A": 0, "B": 100, "C": 200}[prefix] + i)


def build_world(path: Path):
    """The hand-made world with every target built (its publication included); open."""
    con = empty_warehouse(path)
    fill_world(con)
    assert materialize_tables(path, TARGETS).success
    return con


@pytest.fixture(scope="module")
def world(indicator_world):
    """The hand-made world, built once per session (tests/conftest.py): this module and
    tests/test_attack.py read it, and a test that changes it puts it back."""
    return indicator_world


def cell(con, indicator, area, period, table="marts.indicator_values"):
    return con.execute(f"""select numerator, denominator, value from {table}
                           where indicator_id = ? and area_code = ? and period = ?""",
                       [indicator, area, period]).fetchall()[0]


# --- the catalogue and what is generated from it ----------------------------------------------

def test_catalogue_has_three_liveability_themes_and_a_need_panel_with_fixed_compositions():
    catalogue = catalogue_module.load_catalogue()
    assert len(catalogue.indicators) >= 20
    assert set(catalogue.dimensions) == {"wonen", "veiligheid", "sociaal", "zorgvraag"}
    panels = {t.dimension: t.panel for t in catalogue.index.themes}
    assert panels == {"wonen": "leefbaarheid", "veiligheid": "leefbaarheid", "sociaal": "leefbaarheid",
                      "zorgvraag": "zorgvraag"}
    assert {i.id for i in catalogue.indicators if not i.objective} == {
        "veiligheidsgevoel_score", "overlast_ervaren_score", "tevredenheid_buurt_score", "sociale_cohesie_score"}
    # service use is need, never liveability: it sits in the zorgvraag panel only
    need = {i.id for i in catalogue.indicators if i.direction == "higher_is_more_need"}
    assert {"zorgtrajecten_per_1000", "wmo_per_1000", "schuldhulp_per_1000", "bijstand_per_1000"} <= need
    for theme in catalogue.index.themes:
        assert bool(need & set(theme.indicators)) == (theme.panel == "zorgvraag")
    assert catalogue.index.base_period == catalogue.index.base_period_history[-1].base_period != "auto"
    for i in catalogue.indicators:
        assert i.name_nl and i.name_en and i.definition_nl and i.definition_en
        assert i.numerator.sql and i.denominator.sql and i.numerator.nl and i.denominator.en
        assert i.min_base >= 10 and i.unit.key in ("percent", "per_1000", "eur", "score")


def test_catalogue_rejects_a_broken_entry():
    import yaml
    raw = yaml.safe_load(catalogue_module.CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["indicators"][0]["direction"] = "up"
    with pytest.raises(catalogue_module.CatalogueError, match="direction"):
        catalogue_module.parse(raw)
    raw = yaml.safe_load(catalogue_module.CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["indicators"][1]["min_base"] = 5
    with pytest.raises(catalogue_module.CatalogueError, match="min_base"):
        catalogue_module.parse(raw)
    raw = yaml.safe_load(catalogue_module.CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["index"]["base_period"] = "auto"
    with pytest.raises(catalogue_module.CatalogueError, match="pinned"):
        catalogue_module.parse(raw)
    raw = yaml.safe_load(catalogue_module.CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["index"]["base_period"] = "2026"   # a new base without a recorded decision
    with pytest.raises(catalogue_module.CatalogueError, match="history"):
        catalogue_module.parse(raw)
    raw = yaml.safe_load(catalogue_module.CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["index"]["themes"]["wonen"]["objective"].append("wmo_per_1000")   # need in a liveability theme
    with pytest.raises(catalogue_module.CatalogueError, match="wmo_per_1000"):
        catalogue_module.parse(raw)
    raw = yaml.safe_load(catalogue_module.CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["stock_exits"] = [{"stock": "mutatiegraad_pct.numerator", "exits": "mutatiegraad_pct.denominator"}]
    with pytest.raises(catalogue_module.CatalogueError, match="stock must be distinct"):
        catalogue_module.parse(raw)
    raw["stock_exits"] = [{"stock": "mutatiegraad_pct.denominator", "exits": "mutatiegraad_pct.numerator"}]
    assert [(p.stock, p.exits) for p in catalogue_module.parse(raw).stock_exits] == [
        ("mutatiegraad_pct.denominator", "mutatiegraad_pct.numerator")]


def test_generated_sql_and_methodology_are_fresh_renders_of_the_catalogue():
    assert catalogue_module.GENERATED_SQL.read_text(encoding="utf-8") == catalogue_module.render_buurt_values_sql(), \
        "run `python -m sources.indicators`"
    assert methodology.OUTPUT.read_text(encoding="utf-8") == methodology.render(), \
        "run `python -m reporting.methodology`"
    text = methodology.render()
    for i in catalogue_module.load_catalogue().indicators:
        assert i.id in text and i.name_nl in text and i.name_en in text and i.numerator.sql in text
    assert "## Nederlands" in text and "## English" in text and "does not publish" in text and "publiceert zijn precieze standaardisatie niet" in text


# --- indicator arithmetic, per family ---------------------------------------------------------

def test_calendar_has_every_month_and_only_complete_quarters_and_years(world):
    assert world.execute("select period_type, count(*) from core.calendar_periods group by 1 order by 1"
                         ).fetchall() == [("month", 12), ("quarter", 4), ("year", 1)]


def test_housing_family(world):
    assert cell(world, "huurachterstand_pct", A, "2025-03") == (12, 38, pytest.approx(100 * 12 / 38))
    assert cell(world, "huurachterstand_pct", A, "2025-Q1") == (12, 38, pytest.approx(100 * 12 / 38))
    assert cell(world, "huurachterstand_pct", A, "2025-07") == (0, 36, 0)
    assert cell(world, "huurachterstand_pct", C, "2025") == (10, 30, pytest.approx(100 / 3))
    assert cell(world, "achterstand_diepte_eur", A, "2025-03") == (1200, 12, 100)
    assert cell(world, "achterstand_diepte_eur", GEMEENTE, "2025-03") == (3200, 22, pytest.approx(3200 / 22))
    assert cell(world, "ernstige_achterstand_pct", A, "2025-03") == (3, 38, pytest.approx(300 / 38))
    assert cell(world, "huisuitzettingen_per_1000", A, "2025-06") == (1, 38, pytest.approx(1000 / 38))
    assert cell(world, "huisuitzettingen_per_1000", A, "2025") == (1, 38, pytest.approx(1000 / 38))
    assert cell(world, "mutatiegraad_pct", A, "2025-06") == (2, 38, pytest.approx(200 / 38))
    assert cell(world, "mutatiegraad_pct", B, "2025") == (0, 20, 0)
    assert cell(world, "leegstand_pct", A, "2025-05") == (2, 40, 5)      # A38, A39; the sold home is out
    assert cell(world, "leegstand_pct", A, "2025-06") == (4, 40, 10)     # + A00 evicted, A01 moved
    assert cell(world, "leegstand_pct", A, "2025-Q1") == (2, 40, 5)
    assert cell(world, "leegstand_pct", A, "2025") == (4, 40, 10)


def test_safety_family(world):
    gemeente_inwoners = scalar(world, "select sum(inwoners) from core.dim_buurt")
    assert cell(world, "geweld_per_1000", A, "2025-01") == (5, 7565, pytest.approx(5000 / 7565))
    assert cell(world, "verward_gedrag_per_1000", A, "2025-01") == (3, 7565, pytest.approx(3000 / 7565))
    assert cell(world, "incidenten_per_1000", A, "2025-01") == (8, 7565, pytest.approx(8000 / 7565))
    assert cell(world, "geweld_per_1000", GEMEENTE, "2025") == (15, gemeente_inwoners,
                                                                pytest.approx(15000 / gemeente_inwoners))
    assert cell(world, "incidenten_per_1000", C, "2025-01") == (0, 18365, 0)
    for month in range(1, 13):
        assert cell(world, "overlastmeldingen_per_1000_woningen", A, f"2025-{month:02d}") == (
            month, 40, pytest.approx(25 * month))
    assert cell(world, "overlastmeldingen_per_1000_woningen", A, "2025") == (78, 40, pytest.approx(1950))


def test_social_family(world):
    assert cell(world, "voorzieningen_per_1000", A, "2025-01") == (0, 7565, 0)
    assert cell(world, "voorzieningen_per_1000", A, "2025-02") == (15, 7565, pytest.approx(15000 / 7565))
    assert cell(world, "schuldhulp_per_1000", A, "2025-Q1") == (15, 7565, pytest.approx(15000 / 7565))
    assert cell(world, "schuldhulp_per_1000", A, "2025-Q2") == (15, 7565, pytest.approx(15000 / 7565))
    assert cell(world, "schuldhulp_per_1000", A, "2025-Q3") == (0, 7565, 0)
    assert cell(world, "bijstand_per_1000", C, "2025") == (5, 18365, pytest.approx(5000 / 18365))
    assert cell(world, "zrm_vooruitgang_pct", A, "2025-06") == (10, 12, pytest.approx(1000 / 12))
    assert cell(world, "zrm_vooruitgang_pct", A, "2025") == (10, 12, pytest.approx(1000 / 12))
    assert cell(world, "zrm_vooruitgang_pct", A, "2025-01")[:2] == (0, 0)   # nothing to compare yet


def test_care_family(world):
    assert cell(world, "zorgtrajecten_per_1000", A, "2025-03") == (12, 38, pytest.approx(12000 / 38))
    assert cell(world, "zorgtrajecten_per_1000", A, "2025-10") == (0, 36, 0)
    assert cell(world, "crisismomenten_per_1000", A, "2025-05") == (11, 38, pytest.approx(11000 / 38))
    assert cell(world, "trajecten_doel_bereikt_pct", A, "2025-09") == (10, 12, pytest.approx(1000 / 12))
    assert cell(world, "trajecten_doel_bereikt_pct", A, "2025")[:2] == (10, 12)


def test_survey_is_a_respondent_weighted_mean_for_years_only(world):
    assert cell(world, "veiligheidsgevoel_score", A, "2025") == (300, 50, 6.0)
    assert cell(world, "veiligheidsgevoel_score", WIJK_AB, "2025") == (340, 55, pytest.approx(340 / 55))
    assert cell(world, "veiligheidsgevoel_score", GEMEENTE, "2025") == (550, 85, pytest.approx(550 / 85))
    assert scalar(world, """select count(*) from marts.indicator_values
                            where indicator_id = 'veiligheidsgevoel_score' and period_type <> 'year'""") == 0


def test_wijk_and_gemeente_add_up_their_buurten_and_every_buurt_is_present(world):
    assert missing_buurten(world) == 0 and out_of_range(world) == 0
    assert scalar(world, "select count(distinct area_code) from marts.indicator_values where area_level = 'buurt'") == 91
    mismatched = scalar(world, """
        with buurt as (select v.*, b.wijkcode, b.gemeentecode from marts.indicator_values v
                       join core.dim_buurt b on b.buurtcode = v.area_code),
        sums as (select indicator_id, period, wijkcode as area_code, sum(numerator) n, sum(denominator) d
                 from buurt group by all
                 union all
                 select indicator_id, period, gemeentecode, sum(numerator), sum(denominator)
                 from buurt group by all)
        select count(*) from sums join marts.indicator_values v using (indicator_id, period, area_code)
        join core.indicator_catalogue c using (indicator_id)
        where abs(sums.n - v.numerator) > 1e-9 or sums.d <> v.denominator
           or (v.denominator > 0 and abs(v.value - c.scale * sums.n / sums.d) > 1e-9)""")
    assert mismatched == 0
    assert cell(world, "huurachterstand_pct", WIJK_AB, "2025-03") == (12, 58, pytest.approx(1200 / 58))
    assert cell(world, "huurachterstand_pct", GEMEENTE, "2025-03") == (22, 88, 25)
    assert cell(world, "huurachterstand_pct", WIJK_C, "2025-03") == (10, 30, pytest.approx(100 / 3))


# --- disclosure control of the published table --------------------------------------------------

def test_published_cells_are_rounded_blanked_and_never_small(world):
    published = "marts.indicator_values_published"
    # Values come from the published (rounded) counts: 4 of 40 shows as 5 of 40 = 12.5%, not 10%
    # (from which 4 and 40 come straight back). Recomputed here for every visible ratio of counts.
    # (The tenancy indicators of A in March, 12 of 38, are hidden: A's base, with what ended there
    # in June, would pin its ended tenancies through the quarter identity.)
    visible = world.execute(f"""
        select p.numerator, p.denominator, p.value, v.numerator, v.denominator, c.scale, c.decimals
        from {published} as p
        inner join marts.indicator_values as v using (indicator_id, area_code, period)
        inner join core.indicator_catalogue as c using (indicator_id)
        where not p.suppressed and c.numerator_rounded and v.denominator > 0""").fetchall()
    assert any(r[3] % 5 and r[3] > 0 for r in visible), "some visible count was rounded"
    for shown, base, value, exact, exact_base, scale, decimals in visible:
        assert (shown, base) == (math.floor(exact / 5 + 0.5) * 5, math.floor(exact_base / 5 + 0.5) * 5)
        assert value == pytest.approx(scale * shown / base, abs=0.5 * 10 ** -decimals + 1e-9)
    assert cell(world, "huurachterstand_pct", A, "2025-03", published) == (None, None, None)
    # A mean of euros without its sum (sum / mean would give the count back).
    assert scalar(world, f"""select count(*) from {published}
                            where indicator_id = 'achterstand_diepte_eur' and not suppressed""") > 0
    assert scalar(world, f"""select count(*) from {published}
                            where indicator_id = 'achterstand_diepte_eur' and numerator is not null""") == 0
    assert cell(world, "ernstige_achterstand_pct", A, "2025-03", published) == (None, None, None)  # 3 persons
    assert cell(world, "bijstand_per_1000", C, "2025", published) == (None, None, None)            # 5 persons
    assert cell(world, "veiligheidsgevoel_score", B, "2025", published) == (None, None, None)      # 5 respondents
    assert cell(world, "veiligheidsgevoel_score", A, "2025", published) == (None, None, None)      # its complement
    # 340 points of 55 respondents: 6.18, shown at the grain a mark of 55 respondents gets (2 / 55
    # rounded up to 0.05; test_a_published_mean_is_rounded_to_a_grain_one_person_stays_open_in)
    assert cell(world, "veiligheidsgevoel_score", WIJK_AB, "2025", published)[2] == 6.2
    assert small_visible_cells(world) == 0
    assert scalar(world, f"""select count(*) from {published}
                            where (suppressed and (numerator is not null or denominator is not null or value is not null))
                               or (not suppressed and denominator % 5 <> 0)""") == 0


def test_a_published_mean_is_rounded_to_a_grain_one_person_stays_open_in(world):
    """Recomputed here from the exact tables: every visible mean of euros or marks is its exact
    mean rounded to a step of 1, 2 or 5 times a power of ten, the smallest at or above what one
    person can add (for euros the largest tenancy's arrears of that period anywhere; for a mark its
    spread of 2 points) over the published count. So the count times the step, the width over
    which two releases around a one-person correction leave that person's amount open, is at least
    that much; for a mark the step stays below the mean's standard error."""
    rows = world.execute("""
        select c.unit, c.decimals, v.numerator / v.denominator, p.denominator, p.value, v.denominator,
            largest.largest
        from marts.indicator_values_published as p
        inner join marts.indicator_values as v using (indicator_id, area_code, period)
        inner join core.indicator_catalogue as c using (indicator_id)
        left join (select period_type, period, cast(max(arrears_eur) filter (where in_arrears) as double) as largest
                   from core.tenancy_periods group by all) as largest
            on c.unit = 'eur' and largest.period_type = v.period_type and largest.period = v.period
        where not p.suppressed and not c.numerator_rounded and v.denominator > 0""").fetchall()
    assert len({r[0] for r in rows}) == 2, "means of euros and of marks are visible"
    for unit, decimals, exact, shown_count, value, count, largest in rows:
        spread = 2.0 if unit == "score" else max(largest, abs(exact))
        steps = sorted(k * 10.0 ** e for k in (1, 2, 5) for e in range(-decimals, 7))
        step = next(s for s in steps if s >= spread / shown_count - 1e-12)
        assert value == pytest.approx(math.floor(exact / step + 0.5) * step, abs=1e-9)
        assert shown_count * step >= spread - 1e-9
        if unit == "score":
            assert step < spread / math.sqrt(count) or step == 10.0 ** -decimals


def test_a_count_narrow_only_in_its_local_ball_is_settled_by_the_exact_audit(tmp_path, monkeypatch):
    """The loop's local audit calls a count narrow when no LP over a small ball around it shows
    it wide, and hides a cell nearby; when it finds no cell left to hide, or its findings stop
    falling, the exact audit over the whole component decides. With balls of a few cells the
    hand-made world settles that way (hiding ever further out, it did not: 'no cell left to
    hide'), and its pattern holds against the exact audit."""
    from quality import disclosure_audit
    import assets.indicators as indicators
    con = build_world(tmp_path / "warehouse.duckdb")
    monkeypatch.setattr(disclosure_audit, "BALL", 2)
    monkeypatch.setattr(disclosure_audit, "OUTER_BALL", 1)
    monkeypatch.setattr(disclosure_audit, "LOCAL_BALL", 4)
    asked = []   # one gemeente-year: its audits run in this process
    audit = disclosure_audit.Auditor.audit
    monkeypatch.setattr(disclosure_audit.Auditor, "audit", lambda self, hidden, lp=True, local=False, **kw:
                        asked.append(local) or audit(self, hidden, lp=lp, local=local, **kw))
    indicators.publish_indicator_values(con, reuse=False)
    assert False in asked and True in asked
    monkeypatch.undo()
    assert indicators.audit_indicator_cells(con, "marts.indicator_values_published").findings == []
    con.close()


def test_no_suppressed_cell_can_be_derived_from_the_published_cells(world):
    rows = world.execute("""
        select p.indicator_id, p.area_code, p.period, p.suppressed, v.numerator, v.denominator,
               b.wijkcode, b.gemeentecode
        from marts.indicator_values_published p
        join marts.indicator_values v using (indicator_id, area_code, period)
        left join (select buurtcode, wijkcode, gemeentecode from core.dim_buurt) b on b.buurtcode = p.area_code
        """).fetchall()
    wijk_parent = {w: g for w, g in world.execute(
        "select distinct wijkcode, gemeentecode from core.dim_buurt").fetchall()}
    cells = {(i, a, p): (s, n, dn) for i, a, p, s, n, dn, _, _ in rows}
    area_parent = {a: w for _, a, _, _, _, _, w, _ in rows if w} | wijk_parent
    families: dict[tuple, list[tuple]] = {}
    for (i, a, p) in cells:
        if a in area_parent and (i, area_parent[a], p) in cells:
            families.setdefault((i, area_parent[a], p), []).append((i, a, p))
        up = period_parent(p)
        if up and (i, a, up) in cells:
            families.setdefault((i, a, up), []).append((i, a, p))
    assert sum(cells[c][0] for c in cells) > 100   # there is something to protect
    checked = 0
    for parent, children in families.items():
        hidden = [c for c in children if cells[c][0]]
        if not hidden:
            continue
        assert len(hidden) >= 2 or cells[parent][0], (parent, hidden)
        if cells[parent][0]:
            continue
        for target in hidden:   # brute force: parent minus every visible sibling
            siblings = [c for c in children if c != target]
            if all(not cells[c][0] for c in siblings):
                for column in (1, 2):
                    guess = cells[parent][column] - sum(cells[c][column] for c in siblings)
                    assert guess != cells[target][column] or len(hidden) > 1, (target, parent)
                pytest.fail(f"{target} is the only hidden child of {parent}")
            checked += 1
    assert checked > 0
    assert derivable_cells(world) == []


def test_publication_ends_on_an_audit_of_the_published_pattern_that_finds_nothing(world, monkeypatch):
    """The suppression loop extends the pattern by audits alone between runs of suppress(): it may
    only stop on an LP audit of exactly what it publishes, and that audit must find nothing."""
    import numpy as np

    from assets import indicators as indicators_module
    from quality.disclosure_audit import Auditor, SplitAuditor
    audits, extending, inside = [], [], [False]
    original, original_part = SplitAuditor.audit, Auditor.audit

    def recorded(self, hidden, **kwargs):
        inside[0] = True
        try:
            result = original(self, hidden, **kwargs)
        finally:
            inside[0] = False
        audits.append((list(self.keys), np.array(hidden, dtype=bool), result))
        return result

    def part_recorded(self, hidden, **kwargs):   # a gemeente-year's audits as its pattern is extended
        if not inside[0] and kwargs.get("only") is None:   # not a question of set_aside
            extending.append(1)
        return original_part(self, hidden, **kwargs)
    monkeypatch.setattr(SplitAuditor, "audit", recorded)
    monkeypatch.setattr(Auditor, "audit", part_recorded)
    published_table = indicators_module.PUBLISHED
    world.execute(f"create or replace temp table _before as select * from {published_table}")
    try:   # later steps add columns (the estimates) to the published table: put it back after
        reports = indicators_module.publish_indicator_values(world, reuse=False)
        published = indicators_module._measure_cells(
            world, published_table, indicators_module._measures(catalogue_module.load_catalogue())[0])
    finally:
        world.execute(f"create or replace table {published_table} as select * from _before")
        world.execute("drop table _before")
    keys, hidden, last = audits[-1]
    assert published.keys == keys
    assert hidden.tolist() == published.hidden.tolist(), "the last audit saw the published pattern"
    assert last.findings == [] and last.method != "propagation", "and proved it by LP"
    # one gemeente-year, so every audit is on its longest chain: the rounds the publication reports
    assert last.parts == 1 and extending
    assert reports["audit"] is last and reports["audit"].rounds == len(audits) + len(extending)


# --- the index ----------------------------------------------------------------------------------

def test_city_index_is_exactly_100_in_the_base_period(world):
    # zorgvraag rests on a city cell that is hidden in this tiny world (5 on bijstand): the city
    # takes its buurten's mean for it, so the theme is scored, exactly 100 in the base period.
    # With 1 eviction in the city, every estimate of huisuitzettingen would read a hidden count
    # (its own, or its wijk's or the city's through its prior), so none is published: it cannot
    # be set against the city and leaves wonen, which is scored from the rest, as is the total
    assert city_base_scores(world) == [(d, 100.0) for d in ("sociaal", "totaal", "veiligheid", "wonen", "zorgvraag")]
    hidden = {r[0] for r in world.execute("""select indicator_id from marts.indicator_values_published
        where area_level = 'gemeente' and period = '2025' and estimate is null""").fetchall()}
    assert {"huisuitzettingen_per_1000", "bijstand_per_1000"} <= hidden
    assert scalar(world, """select count(*) from marts.indicator_values_published
                            where indicator_id = 'huisuitzettingen_per_1000' and period = '2025'
                              and estimate is not null""") == 0
    # left out: exactly the theme indicators without a published estimate in the base year (this
    # tiny world has too few tenants for two more housing shares)
    left_out = {r[0] for r in world.execute("select indicator_id from marts.index_composition where not in_index").fetchall()}
    unpublished = {r[0] for r in world.execute("""
        select indicator_id from core.index_themes
        except select indicator_id from marts.indicator_values_published
        where period = '2025' and estimate is not null""").fetchall()}
    assert "huisuitzettingen_per_1000" in left_out and left_out == unpublished
    assert scalar(world, "select distinct base_period from marts.liveability_index") == "2025"
    assert scalar(world, """select count(*) from marts.liveability_index
                            where score is null or isnan(score) or band is null
                               or not score between score_low and score_high""") == 0


def test_the_index_reads_only_published_estimates_and_borrows_the_wijks_for_hidden_cells(world):
    index_model = next(m for m in discover() if m.table == "marts.liveability_index")
    assert ("marts", "indicator_values_published") in index_model.depends_on
    assert not {("marts", "indicator_values"), ("marts", "indicator_estimates")} & set(index_model.depends_on)
    # Tussendijken's survey (5 respondents) is hidden and its estimate not published: its
    # subjective half is the wijk's, so the theme keeps its composition.
    hidden = world.execute("""select suppressed, estimate from marts.indicator_values_published
                              where indicator_id = 'veiligheidsgevoel_score' and area_code = ? and period = '2025'""",
                           [B]).fetchall()
    assert hidden == [(True, None)]
    halves = dict(world.execute("""select area_code, subjective_score from marts.liveability_index
                                   where area_code in (?, ?) and period = '2025' and dimension = 'veiligheid'""",
                                [B, WIJK_AB]).fetchall())
    assert halves[B] == halves[WIJK_AB] is not None


def fake_geography(con, buurten: dict[str, str]) -> None:
    rows = [{"buurtcode": b, "buurtnaam": b, "wijkcode": w, "wijknaam": w, "gemeentecode": GEMEENTE,
             "gemeentenaam": "Rotterdam", "inwoners": 1000} for b, w in buurten.items()]
    frame = pl.DataFrame(rows)
    con.execute("create or replace table core.dim_buurt as select * from frame")


def index_fixture(tmp_path, themes: list[tuple[str, str, str]]):
    """An empty warehouse with the catalogue, a 2025 calendar and a small theme composition."""
    con = connect(tmp_path / "index.duckdb")
    write_catalogue(con)
    frame = pl.DataFrame([{"dimension": dim, "panel": panel, "indicator_id": ident, "half": half,
                           "n_in_half": sum(1 for d, _, _, h in themes if d == dim and h == half)}
                          for dim, panel, ident, half in themes])
    con.execute("create or replace table core.index_themes as select * from frame")
    months = pl.DataFrame([{"month": d(f"{m.replace('2025', year)}-01")} for year in ("2024", "2025")
                           for m in MONTHS])
    con.execute("create table core.calendar_months as select month from months")
    build(con, next(m for m in discover() if m.table == "core.calendar_periods"))
    return con


def build_index(con) -> None:
    """The index and the composition it reads, from marts.indicator_values_published."""
    for table in ("marts.index_composition", "marts.liveability_index"):
        build(con, next(m for m in discover() if m.table == table))


def published_rows(cells: list[tuple]) -> pl.DataFrame:
    """(indicator, level, area, period, estimate, half-width of the interval) → published rows."""
    return pl.DataFrame([{
        "indicator_id": i, "area_level": level, "area_code": area, "area_name": area,
        "period_type": {4: "year", 7: "quarter" if "Q" in period else "month"}[len(period)],
        "period": period, "numerator": None, "denominator": None, "value": None, "suppressed": False,
        "estimate": est, "value_low": est - half, "value_high": est + half}
        for i, level, area, period, est, half in cells], schema_overrides={
        "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64})


def test_scale_is_a_symmetric_standardised_difference_with_fixed_themes_and_intervals(tmp_path):
    con = index_fixture(tmp_path, [("wonen", "leefbaarheid", "leegstand_pct", "objective"),
                                   ("wonen", "leefbaarheid", "tevredenheid_buurt_score", "subjective"),
                                   ("sociaal", "leefbaarheid", "zrm_vooruitgang_pct", "objective")])
    fake_geography(con, {"BU1": "WK1", "BU2": "WK1", "BU3": "WK2", "BU4": "WK2"})
    cells = []
    # base year: buurt spread sd = 2 around the city's 10 (8, 12, 8, 12); higher is worse
    for area, value in (("BU1", 8.0), ("BU2", 12.0), ("BU3", 8.0), ("BU4", 12.0)):
        cells.append(("leegstand_pct", "buurt", area, "2025", value, 0.5))
        cells.append(("zrm_vooruitgang_pct", "buurt", area, "2025", value, 0.5))
        cells.append(("tevredenheid_buurt_score", "buurt", area, "2025", 7.0, 0.1))
    for ident, value in (("leegstand_pct", 10.0), ("zrm_vooruitgang_pct", 10.0), ("tevredenheid_buurt_score", 7.0)):
        cells.append((ident, "gemeente", GEMEENTE, "2025", value, 0.1))
        for wijk in ("WK1", "WK2"):
            cells.append((ident, "wijk", wijk, "2025", value, 0.2))
    frame = published_rows(cells)
    con.execute("create table marts.indicator_values_published as select * from frame")
    build_index(con)
    scores = {(a, dim): (s, lo, hi, obj, subj, band) for a, dim, s, lo, hi, obj, subj, band in con.execute(
        """select area_code, dimension, score, score_low, score_high, objective_score, subjective_score, band
           from marts.liveability_index where period = '2025'""").fetchall()}
    # one sd better or worse is exactly 10 points either way: symmetric, nothing capped
    assert scores[("BU1", "sociaal")][0] == 90.0 and scores[("BU2", "sociaal")][0] == 110.0
    assert scores[("BU1", "wonen")][3] == 110.0 and scores[("BU2", "wonen")][3] == 90.0   # mirrored
    assert scores[("BU1", "wonen")][4] == 100.0 and scores[("BU1", "wonen")][0] == 105.0  # halves weigh equally
    assert scores[(GEMEENTE, "totaal")][0] == 100.0
    # every score has an interval around it: 0.5 around the estimate is 10 x 0.5 / 2 = 2.5 points
    s, lo, hi = scores[("BU1", "sociaal")][:3]
    assert (lo, hi) == (87.5, 92.5)
    assert scores[("BU2", "sociaal")][5] == "gemiddeld" and scores[("BU1", "sociaal")][5] == "gemiddeld"
    # the population-weighted mean of the buurten equals the city here (equal inhabitants)
    assert scalar(con, """select avg(score) from marts.liveability_index
                          where area_level = 'buurt' and dimension = 'totaal'""") == pytest.approx(100.0)
    con.close()


def test_a_theme_missing_an_indicator_is_not_scored_and_changes_are_tested(tmp_path):
    con = index_fixture(tmp_path, [("sociaal", "leefbaarheid", "leegstand_pct", "objective"),
                                   ("sociaal", "leefbaarheid", "mutatiegraad_pct", "objective")])
    buurten = {f"BU{k}": "WK1" for k in range(20)}
    fake_geography(con, buurten)
    cells = []
    for month in ("2024-03", "2024-04", "2025-02", "2025-03", "2025-04"):
        for k, area in enumerate(buurten):
            base = 8.0 + 4.0 * (k % 2)
            jump = 6.0 if (area == "BU0" and month == "2025-04") else 0.0   # one real change
            wobble = 0.05 if month == "2025-03" else 0.0                     # noise-sized changes
            cells.append(("leegstand_pct", "buurt", area, month, base + jump + wobble, 0.5))
            if month != "2025-02":                            # not computed in February
                cells.append(("mutatiegraad_pct", "buurt", area, month, base, 0.5))
        for ident in ("leegstand_pct", "mutatiegraad_pct"):
            if (ident, month) != ("mutatiegraad_pct", "2025-02"):
                cells.append((ident, "gemeente", GEMEENTE, month, 10.0, 0.1))
        if month == "2025-03":                                # BU1's own estimate not published
            cells = [c for c in cells if c[:4] != ("mutatiegraad_pct", "buurt", "BU1", month)]
    frame = published_rows(cells)
    con.execute("create table marts.indicator_values_published as select * from frame")
    con.execute("update core.index_settings set base_period = '2024-03'")
    build_index(con)
    rows = {(a, p): (s, sig) for a, p, s, sig in con.execute("""
        select area_code, period, score, change_significant from marts.liveability_index
        where dimension = 'sociaal' and area_level = 'buurt'""").fetchall()}
    # February lacks mutatiegraad: no theme score rather than one from half the indicators
    assert not [key for key in rows if key[1] == "2025-02"] and ("BU1", "2024-03") in rows
    # BU1's hidden March estimate is borrowed from above (the city's 10): it scores 100 there, so
    # the theme is the mean of 100 and its vacancy of 12 (higher is worse: 90)
    assert rows[("BU1", "2025-03")][0] == pytest.approx(95.0, abs=0.2)
    # change is tested against the same month a year earlier: BU0's jump, nothing else
    assert rows[("BU0", "2025-04")][1] is True
    flagged = [a for (a, p), (s, sig) in rows.items() if sig and (a, p) != ("BU0", "2025-04")]
    assert flagged == []
    con.close()


def test_a_rare_event_enters_the_index_by_calendar_year(tmp_path):
    # its month estimate pools the 12 months up to it and is published only where none of them is
    # hidden, so it would be missing in most buurten and in some months only: every period takes
    # the rare event's latest year up to its own, and a month before the first year is not scored
    con = index_fixture(tmp_path, [("wonen", "leefbaarheid", "huisuitzettingen_per_1000", "objective"),
                                   ("wonen", "leefbaarheid", "leegstand_pct", "objective")])
    fake_geography(con, {"BU1": "WK1", "BU2": "WK1"})
    cells = []
    for area, yearly in (("BU1", 1.0), ("BU2", 3.0), (GEMEENTE, 2.0)):
        level = "gemeente" if area == GEMEENTE else "buurt"
        cells.append(("huisuitzettingen_per_1000", level, area, "2025", yearly, 0.5))
        for period in ("2024-12", "2025-03", "2025-04", "2025"):
            cells.append(("leegstand_pct", level, area, period, 10.0, 0.5))
        for month in ("2024-12", "2025-03", "2025-04"):
            # a published month estimate of the rare event, far from its year: not used
            cells.append(("huisuitzettingen_per_1000", level, area, month, 40.0, 0.5))
    frame = published_rows(cells)
    con.execute("create table marts.indicator_values_published as select * from frame")
    con.execute("update core.index_settings set base_period = '2025'")
    build_index(con)
    scored = {(a, p): s for a, p, s in con.execute("""
        select area_code, period, score from marts.liveability_index
        where dimension = 'wonen' and period_type = 'month'""").fetchall()}
    assert {p for _, p in scored} == {"2025-03", "2025-04"}
    # higher is worse: BU1's year (1 per 1,000) scores above BU2's (3) in both months, by the
    # same amount, as the year is the same
    for month in ("2025-03", "2025-04"):
        assert scored[("BU1", month)] > scored[(GEMEENTE, month)] > scored[("BU2", month)]
    assert scored[("BU1", "2025-03")] == scored[("BU1", "2025-04")]
    con.close()


def test_an_indicator_without_a_published_base_leaves_its_theme_in_every_period(tmp_path):
    # the city's evictions of the base year cannot be published (nor any buurt's): they cannot be
    # set against the city, so wonen is scored from vacancy alone, in every period, also in 2025
    # when evictions are published: the composition is the base's, so a change stays a change
    con = index_fixture(tmp_path, [("wonen", "leefbaarheid", "huisuitzettingen_per_1000", "objective"),
                                   ("wonen", "leefbaarheid", "leegstand_pct", "objective")])
    fake_geography(con, {"BU1": "WK1", "BU2": "WK1"})
    cells = []
    for area, vacancy, evictions in (("BU1", 8.0, 1.0), ("BU2", 12.0, 3.0), (GEMEENTE, 10.0, 2.0)):
        level = "gemeente" if area == GEMEENTE else "buurt"
        for period in ("2024", "2024-03", "2025-03"):
            cells.append(("leegstand_pct", level, area, period, vacancy, 0.5))
        for year in ("2024", "2025"):
            cells.append(("huisuitzettingen_per_1000", level, area, year, evictions, 0.5))
    frame = published_rows(cells)
    con.execute("create table marts.indicator_values_published as select * from frame")
    con.execute("""update marts.indicator_values_published
                   set estimate = null, value_low = null, value_high = null, suppressed = true
                   where indicator_id = 'huisuitzettingen_per_1000' and period = '2024'""")
    con.execute("update core.index_settings set base_period = '2024'")
    build_index(con)
    assert con.execute("""select indicator_id, in_index, n_in_half, base_period from marts.index_composition
                          order by indicator_id""").fetchall() == [
        ("huisuitzettingen_per_1000", False, 1, "2024"), ("leegstand_pct", True, 1, "2024")]
    scored = {(a, p): (s, n) for a, p, s, n in con.execute("""
        select area_code, period, score, n_indicators from marts.liveability_index
        where dimension = 'wonen'""").fetchall()}
    # vacancy alone: one sd (2) better or worse than the city's 10, higher is worse
    assert scored[(GEMEENTE, "2024")] == (100.0, 1)
    for period in ("2024-03", "2025-03"):
        assert scored[("BU1", period)] == (110.0, 1) and scored[("BU2", period)] == (90.0, 1)
    con.close()


def test_buurt_profile_puts_the_leefbaarometer_beside_the_index(world):
    lbm = pl.read_csv(indicator_assets.LBM_CSV).filter(pl.col("bu_code") == A)["lbm"][0]
    row = world.execute("""select buurtnaam, inwoners, lbm_2024, index_period, index_veiligheid is not null
                           from marts.buurt_profile where buurtcode = ?""", [A]).fetchall()[0]
    assert row == ("Bospolder", 7565, pytest.approx(lbm), "2025", True)
    assert scalar(world, "select count(*) from marts.buurt_profile") == 91
    assert scalar(world, "select count(lbm_2024) from marts.buurt_profile") == 87


def test_asset_checks_pass_on_the_world(world, tmp_path):
    path = tmp_path / "copy.duckdb"
    world.execute("checkpoint")
    source = scalar(world, "select path from duckdb_databases() where database_name = current_database()")
    shutil.copyfile(source, path)
    resource = WarehouseResource(path=str(path))
    for check in (indicator_assets.indicator_values_every_buurt, indicator_assets.indicator_values_in_range,
                  indicator_assets.indicator_values_published_safe,
                  indicator_assets.liveability_index_scores_finite,
                  indicator_assets.liveability_index_city_is_100,
                  published_estimates_cannot_be_inverted, liveability_index_agrees_with_the_city):
        result = check(warehouse=resource)
        assert result.passed, (check.name, result.metadata)


# --- a synthetic city world ---------------------------------------------------------------------

def test_synthetic_world_gives_back_its_planted_rising_nuisance_buurt(tmp_path):
    synthetic = pytest.importorskip("sources.synthetic")
    world_dir = tmp_path / "world"
    # 15 months from 2025-01: the pinned base year 2025 is complete (so the index is scored) and
    # 2026-Q1 can be compared with the same quarter a year earlier
    synthetic.generate(scale="city", months=15, seed=11, out=world_dir, end_month="2026-03")
    truth = json.loads((world_dir / "truth.json").read_text(encoding="utf-8"))["nuisance_trend"]
    home = DataHome(tmp_path / "home").ensure(list(load_registry().partners))
    for partner_dir in (p for p in world_dir.iterdir() if p.is_dir()):
        for path in partner_dir.iterdir():
            target = home.partner_inbox(partner_dir.name) / path.name
            shutil.copyfile(path, target)
            os.utime(target, (0, 0))
    with open_warehouse(home.warehouse) as con:
        buurten = buurten_arrow()
        con.execute("create or replace table core.dim_buurt as select * from buurten")
        run_intake(con, home, "test")
        for model in discover():
            if model.layer == "staging":
                build(con, model)
        assert materialize_tables(home.warehouse, TARGETS).success
        rising = con.execute("""
            with monthly as (
                select area_code, period, numerator,
                       lag(numerator) over (partition by area_code order by period) as previous
                from marts.indicator_values
                where indicator_id = 'overlastmeldingen_per_1000_woningen'
                  and area_level = 'buurt' and period_type = 'month')
            select area_code, list(cast(numerator as integer) order by period), list(period order by period)
            from monthly group by area_code
            having bool_and(previous is null or numerator > previous) and min(numerator) > 0""").fetchall()
        assert rising == [(truth["buurtcode"], truth["buurt_monthly_counts"], truth["months"])]
        # and its rise is a real change: flagged against the same quarter a year earlier, among
        # at most 5% of the buurten
        flagged = con.execute("""
            select area_code from marts.indicator_changes
            where indicator_id = 'overlastmeldingen_per_1000_woningen' and area_level = 'buurt'
              and period_type = 'quarter' and change_significant""").fetchall()
        assert (truth["buurtcode"],) in flagged and len(flagged) <= 0.05 * 91
        # and on its theme (veiligheid) and the total in the index, although one indicator of the
        # sixteen in the theme's weights moves the theme by a few points only: the theme's test
        # looks at its indicators too (Simes), then Benjamini-Hochberg over the buurten
        themes = con.execute("""
            select dimension from marts.liveability_index
            where area_code = ? and period_type = 'quarter' and period = '2026-Q1'
              and change_significant order by 1""", [truth["buurtcode"]]).fetchall()
        assert ("veiligheid",) in themes and ("totaal",) in themes and ("sociaal",) not in themes
        assert city_base_scores(con) == [] or all(s == 100.0 for _, s in city_base_scores(con))
        assert derivable_cells(con) == [] and small_visible_cells(con) == 0
