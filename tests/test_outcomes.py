"""Person-level outcomes, cost per outcome, social return and concentration on a small hand-made
world whose every number is known (raw rows → the real staging, core and marts SQL).

The world (observation date 2026-06-30: the newest huurcontracten delivery; cost data from 2025-01):

housing_first cohort 2025-Q1, 13 persons in wijk W1 (11 in buurt B1, 2 in buurt B2); ten copies
of each B1 person but E (COPIES, REPLICATED below: 103 persons), so cells of 10 or more publish:
    A  2025-01-15 running                          costs wonen 100 (m0) + 50 (2026-01: 14 of 31
                                                   days inside the 12-month window), zorg 200,
                                                   welzijn 300, bijstand 1000 (Jan, 17 of 31 days
                                                   after the start) + 1000 (Feb): a transfer
    B  2025-01-15 → 2026-01-15 huisuitzetting      ends exactly on start + 12 months: same home
    C  2025-01-15 → 2026-01-14 huisuitzetting      one day short: lost housing; wonen 7000 (ontruiming)
    D  2025-01-15 → 2025-03-01 verhuizing          moved on: a regulier tenancy D2 from 2025-03-15
    E  2025-01-15 → 2025-05-01 overlijden          died: excluded from 6 months on
    F  2025-01-15 → 2025-06-01 ontbinding          lost housing; re-enters housing_first 2025-09-01
                                                   (F2: within 12 months, judged with the first)
    L  2025-01-15 → 2025-04-01 verhuizing          no known next home: lost housing; welzijn 200
                                                   (wijkteam, May) after the end stays with the entry
    P7..P10 2025-02-01 running, P11 P12 2025-03-01 running (B2)
housing_first 2025-Q2: H 2025-06-30 (decided exactly on the observation date); 2025-Q3: G 2025-07-01
Pools (trailing four quarters back from 2026-Q2): 2024-Q3..2025-Q2 and 2025-Q3..2026-Q2.
uitstroom_bw 2025-Q1: U1 (from beschermd wonen until the day before: 5000 zorg in month 0 is the
preceding setting), U2 (enters housing_first 2026-03-01: the uitstroom cost window ends there), U3
(moves on to beschermd wonen); regulier R1..R10 since 2020 and skaeve_huse S1..S10 from
2025-10-01 in buurt B3 (the concentration signal).
"""
from __future__ import annotations

import hashlib
import os
import hmac
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from assets import tenancy_mix
from assets.outcomes import (CONFIG_KEYS, PERSON_KEY, disclosure_problems, person_linked_aggregates,
                             person_tables_with_aggregate_columns)
from quality.intake import ensure_tables
from engine.sqlmodels import SqlModel, build, discover
from engine.warehouse import open_warehouse, scalar
from pipelines.runner import PROVIDED, materialize_tables
from sources import outcome_config
from sources.contracts import load_registry

OBSERVED = "2026-06"
HOUSING, CARE, WELFARE = "havensteder", "zorgaanbieder", "gemeente"
B1, B2, B3 = "BU00010001", "BU00010002", "BU00010101"
W1, W2, GM = "WK000100", "WK000101", "GM0001"
TARGETS = ["marts.cost_per_outcome", "marts.cost_per_tenancy_month", "marts.rate_card_comparison",
           "marts.social_return", "marts.social_return_sensitivity", "marts.stakeholder_balance",
           "marts.concentration", "core.person_months"]
ZRM = ["financien", "werk_opleiding", "tijdsbesteding", "huisvesting", "huiselijke_relaties",
       "geestelijke_gezondheid", "lichamelijke_gezondheid", "middelengebruik", "basale_adl",
       "instrumentele_adl", "sociaal_netwerk", "maatschappelijke_participatie", "justitie"]


def person(name: str) -> str:
    return hmac.new(b"test-outcomes", name.encode(), hashlib.sha256).hexdigest()


def d(text: str) -> date:
    return date.fromisoformat(text)


def period(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def put(con, table: str, partner: str, rows: list[dict], by_period=None) -> None:
    """Insert rows into raw.<table> as deliveries of `partner` (one delivery per period)."""
    if not rows:
        return
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        _partner=pl.lit(partner),
        _period=pl.Series([by_period(r) if by_period else OBSERVED for r in rows]),
        _source_file=pl.lit("test"), _sha256=pl.lit("0" * 64), _source_row=pl.int_range(pl.len()))
    con.register("_rows", frame.to_arrow())
    con.execute(f"insert into raw.{table} by name select * from _rows")
    con.unregister("_rows")


TENANCIES = [  # name, buurt, doelgroep, start, end, reason
    ("A", B1, "housing_first", "2025-01-15", None, None),
    ("B", B1, "housing_first", "2025-01-15", "2026-01-15", "huisuitzetting"),
    ("C", B1, "housing_first", "2025-01-15", "2026-01-14", "huisuitzetting"),
    ("D", B1, "housing_first", "2025-01-15", "2025-03-01", "verhuizing"),
    ("E", B1, "housing_first", "2025-01-15", "2025-05-01", "overlijden"),
    ("F", B1, "housing_first", "2025-01-15", "2025-06-01", "ontbinding"),
    ("L", B1, "housing_first", "2025-01-15", "2025-04-01", "verhuizing"),
    *[(f"P{i}", B1, "housing_first", "2025-02-01", None, None) for i in range(7, 11)],
    *[(f"P{i}", B2, "housing_first", "2025-03-01", None, None) for i in (11, 12)],
    ("H", B2, "housing_first", "2025-06-30", None, None),
    ("G", B2, "housing_first", "2025-07-01", None, None),
    ("U1", B2, "uitstroom_bw", "2025-01-20", None, None),
    ("U2", B2, "uitstroom_bw", "2025-01-20", "2026-02-28", "verhuizing"),
    ("U3", B2, "uitstroom_bw", "2025-01-20", "2025-06-01", "verhuizing"),
    ("OLD", B2, "regulier", "2024-06-01", None, None),  # before the cost data: not a cohort entry
    *[(f"R{i}", B3, "regulier", "2020-01-01", None, None) for i in range(1, 11)],
    *[(f"S{i}", B3, "skaeve_huse", "2025-10-01", None, None) for i in range(1, 11)],
]
# Later tenancies of persons above (contract id, person, buurt, doelgroep, start, end, reason):
# D moves on to a regular home within 31 days; F re-enters Housing First within 12 months of
# the first entry (a re-entry: judged with the first); U2 enters Housing First more than 12
# months after uitstroom, which ends the uitstroom entry's cost window.
LATER_TENANCIES = [
    ("D2", "D", B1, "regulier", "2025-03-15", None, None),
    ("F2", "F", B2, "housing_first", "2025-09-01", None, None),
    ("U2b", "U2", B2, "housing_first", "2026-03-01", None, None),
]


def zrm_row(name: str, day: str, **scores) -> dict:
    base = {domain: 2 for domain in ZRM}
    base.update(scores)
    return {"persoon_pseudoniem": person(name), "meetdatum": d(day), **base}


# The world is scaled (issue 14's count rule needs cells of 10 or more to publish anything):
# these persons come in COPIES, copy 0 under the name above, copy k as "<name>~k" with every
# contract, home, traject, provision, cost and event of theirs. E (died), the B2 persons, the later
# cohorts, uitstroom_bw and the concentration buurt stay single, so small cells, complementary
# suppression and a hidden breakdown (1 died) remain to be seen.
COPIES = 10
REPLICATED = ("A", "B", "C", "D", "F", "L", "P7", "P8", "P9", "P10")
ID_COLUMNS = ("contract_id", "vhe_id", "traject_id", "voorziening_id", "melding_id",
              "veroorzaker_contract_id")


def replicated(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Every table's rows plus copies 1..COPIES-1 of the rows that belong to a REPLICATED person
    (through the pseudonym, or an id that leads to one), with renamed pseudonyms and ids."""
    names = {person(n): n for n in REPLICATED}
    owner = {}  # id value → person name, learnt from the rows that carry both
    for table in ("wonen__huurcontracten", "zorg__trajecten", "welzijn__voorzieningen"):
        for row in tables.get(table, []):
            if row["persoon_pseudoniem"] in names:
                for column in ("contract_id", "vhe_id", "traject_id", "voorziening_id"):
                    if row.get(column):
                        owner[row[column]] = names[row["persoon_pseudoniem"]]
    out = {}
    for table, rows in tables.items():
        out[table] = list(rows)
        for row in rows:
            name = names.get(row.get("persoon_pseudoniem")) or next(
                (owner[row[c]] for c in ID_COLUMNS if row.get(c) in owner), None)
            if name is None:
                continue
            for k in range(1, COPIES):
                copy = {c: (f"{v}~{k}" if c in ID_COLUMNS and v else v) for c, v in row.items()}
                if "persoon_pseudoniem" in row:
                    copy["persoon_pseudoniem"] = person(f"{name}~{k}")
                out[table].append(copy)
    return out


def write_world(con) -> None:
    tables: dict[str, list] = {}
    periods: dict[str, object] = {}

    def collect(con, table, partner, rows, by_period=None):  # noqa: ARG001  (written below)
        tables[table] = rows
        periods[table] = (partner, by_period)

    _world_rows(con, collect)
    for table, rows in replicated(tables).items():
        partner, by_period = periods[table]
        put(con, table, partner, rows, by_period)


def _world_rows(con, put) -> None:
    ensure_tables(con, load_registry())
    con.execute("""create or replace table core.dim_buurt as select * from (values
        ('BU00010001', 'Buurt Een', 'WK000100', 'Wijk Een', 'GM0001', 'Gemeente', 1000, 500),
        ('BU00010002', 'Buurt Twee', 'WK000100', 'Wijk Een', 'GM0001', 'Gemeente', 1000, 500),
        ('BU00010101', 'Buurt Drie', 'WK000101', 'Wijk Twee', 'GM0001', 'Gemeente', 1000, 500))
        as t(buurtcode, buurtnaam, wijkcode, wijknaam, gemeentecode, gemeentenaam, inwoners,
             huishoudens)""")
    homes = [(name, buurt) for name, buurt, *_ in TENANCIES] + [
        (contract, buurt) for contract, _, buurt, *_ in LATER_TENANCIES]
    put(con, "wonen__verhuureenheden", HOUSING, [
        {"vhe_id": f"VHE-{name}", "complex_id": "CX-1", "buurtcode": buurt, "woningtype": "meergezins",
         "bouwjaar": 1960, "energielabel": "C", "netto_huur": Decimal("600.00"), "status": "verhuurd"}
        for name, buurt in homes], by_period=lambda r: "2026-06-30")
    put(con, "wonen__huurcontracten", HOUSING, [
        {"contract_id": f"HC-{contract}", "persoon_pseudoniem": person(name), "vhe_id": f"VHE-{contract}",
         "startdatum": d(start), "einddatum": d(end) if end else None, "einde_reden": reason,
         "doelgroep": group, "begeleidingsafspraak": "ja"}
        for contract, name, group, start, end, reason in
        [(n, n, g, s, e, r) for n, _, g, s, e, r in TENANCIES]
        + [(c, n, g, s, e, r) for c, n, _, g, s, e, r in LATER_TENANCIES]])
    monthly = lambda column: (lambda r: period(r[column]))  # noqa: E731
    put(con, "wonen__woonkosten", HOUSING, [
        {"contract_id": "HC-A", "maand": d("2025-01-01"), "kostensoort": "sociaal_beheer",
         "bedrag_eur": Decimal("100.00")},
        {"contract_id": "HC-A", "maand": d("2026-01-01"), "kostensoort": "juridisch",
         "bedrag_eur": Decimal("50.00")},
        {"contract_id": "HC-C", "maand": d("2025-12-01"), "kostensoort": "ontruiming",
         "bedrag_eur": Decimal("7000.00")},
        {"contract_id": "HC-UNKNOWN", "maand": d("2025-01-01"), "kostensoort": "juridisch",
         "bedrag_eur": Decimal("999.00")},
    ], by_period=monthly("maand"))
    traject = lambda tid, name, zorgvorm, start, end: {  # noqa: E731
        "traject_id": tid, "persoon_pseudoniem": person(name), "zorgvorm": zorgvorm,
        "startdatum": d(start), "einddatum": d(end) if end else None, "einde_reden": None}
    put(con, "zorg__trajecten", CARE, [
        traject("T-A", "A", "housing_first_begeleiding", "2025-01-01", None),
        # U1 came from beschermd wonen (the preceding setting, ended the day before the start)
        traject("T-U1-BW", "U1", "beschermd_wonen", "2024-06-01", "2025-01-19"),
        traject("T-U1", "U1", "ambulante_begeleiding", "2025-01-20", None),
        # U3 moves on from its home to beschermd wonen (housing with care) within 31 days
        traject("T-U3-BW", "U3", "beschermd_wonen", "2025-06-10", None)])
    put(con, "zorg__zorgkosten", CARE, [
        {"traject_id": "T-A", "maand": d("2025-02-01"), "bedrag_eur": Decimal("200.00")},
        {"traject_id": "T-U1-BW", "maand": d("2025-01-01"), "bedrag_eur": Decimal("5000.00")},
        {"traject_id": "T-U1", "maand": d("2025-01-01"), "bedrag_eur": Decimal("600.00")}],
        by_period=monthly("maand"))
    voorziening = lambda vid, name, soort, start, end: {  # noqa: E731
        "voorziening_id": vid, "persoon_pseudoniem": person(name), "buurtcode": B1, "soort": soort,
        "startdatum": d(start), "einddatum": d(end) if end else None}
    put(con, "welzijn__voorzieningen", WELFARE, [
        voorziening("V-A", "A", "schuldhulp", "2025-03-01", "2025-05-31"),
        voorziening("V-A-BIJSTAND", "A", "bijstand", "2025-01-01", None),  # a transfer
        voorziening("V-L", "L", "wijkteam", "2025-05-01", "2025-05-31"),  # after L lost the home
        voorziening("V-U2", "U2", "wijkteam", "2026-01-01", None)])
    put(con, "welzijn__welzijnskosten", WELFARE, [
        {"voorziening_id": "V-A", "maand": d("2025-03-01"), "bedrag_eur": Decimal("300.00")},
        {"voorziening_id": "V-A-BIJSTAND", "maand": d("2025-01-01"), "bedrag_eur": Decimal("1000.00")},
        {"voorziening_id": "V-A-BIJSTAND", "maand": d("2025-02-01"), "bedrag_eur": Decimal("1000.00")},
        {"voorziening_id": "V-L", "maand": d("2025-05-01"), "bedrag_eur": Decimal("200.00")},
        {"voorziening_id": "V-U2", "maand": d("2026-02-01"), "bedrag_eur": Decimal("310.00")},
        {"voorziening_id": "V-U2", "maand": d("2026-03-01"), "bedrag_eur": Decimal("310.00")}],
        by_period=monthly("maand"))
    put(con, "zorg__zrm_metingen", CARE, [
        # A: intake a month before the start; nearest to start + 12 months is 2026-01-20 (5 days)
        # with 3 domains up, none down; 2025-11-15 (2 months early, one domain down) must lose
        zrm_row("A", "2024-12-20"),
        zrm_row("A", "2025-11-15", financien=1, huisvesting=4),
        zrm_row("A", "2026-01-20", financien=3, huisvesting=4, sociaal_netwerk=3),
        # P7: two up and one down: failure
        zrm_row("P7", "2025-02-01"), zrm_row("P7", "2026-02-10", financien=3, justitie=3, basale_adl=1),
        # P8: first measurement four months after the start: no intake, excluded
        zrm_row("P8", "2025-06-01"), zrm_row("P8", "2026-02-01", financien=4, huisvesting=4),
        # P9: follow-up 16 months after the start, outside 12 ± 3: excluded
        zrm_row("P9", "2025-02-01"), zrm_row("P9", "2026-06-01", financien=4, huisvesting=4),
        # P10: empty domains are not compared; two up in the domains measured both times
        zrm_row("P10", "2025-02-15", financien=None, werk_opleiding=None),
        zrm_row("P10", "2026-02-01", financien=5, huisvesting=3, sociaal_netwerk=3),
    ], by_period=monthly("meetdatum"))
    put(con, "zorg__crisismomenten", CARE, [
        {"persoon_pseudoniem": person("A"), "datum": d("2025-07-15"), "soort": "crisisopname"},  # = start+6
        {"persoon_pseudoniem": person("P7"), "datum": d("2025-09-01"), "soort": "crisisdienst"},
        {"persoon_pseudoniem": person("P8"), "datum": d("2025-07-31"), "soort": "crisisopname"},  # < start+6
        {"persoon_pseudoniem": person("P9"), "datum": d("2026-02-01"), "soort": "crisisopname"},  # = start+12
        {"persoon_pseudoniem": person("P10"), "datum": d("2025-12-01"), "soort": "crisisopname"},
        {"persoon_pseudoniem": person("nobody"), "datum": d("2026-06-01"), "soort": "crisisdienst"},
    ], by_period=monthly("datum"))
    put(con, "wonen__overlastmeldingen", HOUSING, [
        {"melding_id": "M1", "meldingsdatum": d("2025-09-10"), "buurtcode": B1, "complex_id": "CX-1",
         "categorie": "geluid", "veroorzaker_contract_id": "HC-P7", "afgehandeld_op": None},
        {"melding_id": "M2", "meldingsdatum": d("2025-04-01"), "buurtcode": B1, "complex_id": "CX-1",
         "categorie": "geluid", "veroorzaker_contract_id": "HC-P8", "afgehandeld_op": None},
        {"melding_id": "M3", "meldingsdatum": d("2025-09-10"), "buurtcode": B1, "complex_id": "CX-1",
         "categorie": "vervuiling", "veroorzaker_contract_id": None, "afgehandeld_op": None},
    ], by_period=monthly("meldingsdatum"))


def build_all(con, targets=TARGETS, config: outcome_config.OutcomeConfig | None = None) -> None:
    """The test's raw data into staging (whole, not by month), then the targets and all they need
    by the production definitions; a configuration variant is written here and kept."""
    for model in discover():
        if model.layer == "staging":
            build(con, model)
    provided = PROVIDED
    if config is not None:
        outcome_config.write_tables(con, config)
        provided = (*PROVIDED, *(".".join(key.path) for key in CONFIG_KEYS.values()))
    warehouse = scalar(con, "select path from duckdb_databases() where database_name = current_database()")
    assert materialize_tables(warehouse, targets, provided).success


def build_warehouse(path: Path) -> Path:
    """The outcome world with every mart built."""
    with open_warehouse(path) as con:
        write_world(con)
        build_all(con)
    return path


@pytest.fixture(scope="module")
def warehouse(outcome_world) -> Path:
    """The outcome world, built once per session (tests/conftest.py): this module and
    tests/test_attack.py read it."""
    return outcome_world


@pytest.fixture
def con(warehouse):
    with open_warehouse(warehouse, read_only=True) as connection:
        yield connection


def statuses(con, outcome_id: str, column: str = "status") -> dict[str, str]:
    """Per counted entry (contract id without 'HC-'): its status, or another column of
    core.person_outcomes such as housing_path."""
    rows = con.execute(f"""
        select trajectories.contract_id, outcomes.{column}
        from core.person_outcomes as outcomes
        join core.person_trajectories as trajectories using (trajectory_id)
        where outcomes.outcome_id = ?""", [outcome_id]).fetchall()
    return {contract.removeprefix("HC-"): value for contract, value in rows}


def records(con, sql: str, params=()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def cell(con, table: str, outcome_id: str | None, area: str, programme="housing_first",
         cohort="2025-Q1") -> dict:
    where = "and outcome_id = ?" if outcome_id else ""
    params = [programme, cohort, area] + ([outcome_id] if outcome_id else [])
    rows = records(con, f"select * from {table} where programme = ? and cohort = ? "
                        f"and area_code = ? {where}", params)
    assert len(rows) == 1, rows
    return rows[0]


# --- outcome rules -----------------------------------------------------------------------------

def test_tenancy_sustained_at_k_months(con):
    # Expectations changed with issue 16: "sustained" used to count every move (D, L) as a success
    # without checking the person was housed afterwards, and a death as a failure.
    s3, s6, s12 = (statuses(con, f"tenancy_sustained_{k}m") for k in (3, 6, 12))
    cohort = ["A", "B", "C", "D", "E", "F", "L", "P7", "P8", "P9", "P10", "P11", "P12"]
    assert {n: s3[n] for n in cohort} == {n: "failure" if n == "L" else "success" for n in cohort}
    assert s6["E"] == "excluded", "a death counts apart, neither success nor failure"
    assert s6["F"] == "failure" and s6["C"] == "success" and s6["L"] == "failure"
    assert s12["B"] == "success", "ending exactly on start + 12 months is still the same home"
    assert s12["C"] == "failure", "evicted one day before start + 12 months"
    assert s12["D"] == "success", "moved on: a regular tenancy 14 days after the end"
    assert s12["L"] == "failure", "a move without a known next home is lost housing"
    assert s12["F"] == "failure", "ontbinding is lost housing even though F re-enters later"
    assert [n for n in cohort if s12[n] == "success"] == ["A", "B", "D", "P7", "P8", "P9", "P10",
                                                           "P11", "P12"]
    p12 = statuses(con, "tenancy_sustained_12m", "housing_path")
    assert {n: p12[n] for n in ("A", "B", "C", "D", "E", "F", "L")} == {
        "A": "same_home", "B": "same_home", "C": "lost_housing", "D": "moved_on", "E": "died",
        "F": "lost_housing", "L": "lost_housing"}
    assert p12["U3"] == "moved_on", "beschermd wonen within 31 days"
    same = statuses(con, "same_home_12m")
    assert same["D"] == "failure" and same["A"] == "success" and same["E"] == "excluded"


def test_housing_paths_and_benchmarks_are_published_beside_the_rate(con):
    pool = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal",
                cohort="2024-Q3..2025-Q2")
    # A B P7-P10 (x10) H P11 P12 | D (x10) | C F L (x10) | E: the one death is hidden, with what
    # gives it back (n_excluded = n_died, n_cohort = n_persons + n_excluded, the shares)
    assert (pool["n_same_home"], pool["n_moved_on"], pool["n_lost_housing"], pool["n_died"]) == \
        (6 * COPIES + 3, COPIES, 3 * COPIES, None)
    assert pool["n_excluded"] is None and pool["n_cohort"] is None and pool["excluded_share"] is None
    assert pool["outcome_rate_excluded_as_failure"] is None
    assert pool["n_persons"] == 103 and pool["n_outcomes"] == 73
    assert pool["benchmark_rate"] == 0.83 and "Trimbos" in pool["benchmark_source"]
    same = cell(con, "marts.cost_per_outcome", "same_home_12m", "totaal", cohort="2024-Q3..2025-Q2")
    assert same["benchmark_rate"] == 0.73 and same["n_outcomes"] == 63
    assert same["n_died"] is None, "the same death: hidden in every outcome that counts it"
    quarter = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal")
    wijk = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", W1, cohort="2024-Q3..2025-Q2")
    assert not wijk["suppressed"] and wijk["n_persons"] == 103
    assert all(c[f"n_{p}"] is None for c in (quarter, wijk)
               for p in ("cohort", "censored", "excluded", "same_home", "moved_on", "lost_housing", "died")), \
        "breakdowns only in pooled city totals"
    eviction = cell(con, "marts.cost_per_outcome", "no_eviction_12m", "totaal",
                    cohort="2024-Q3..2025-Q2")
    assert eviction["n_same_home"] is None, "rules without housing paths publish no path counts"


def test_re_entry_counts_once_with_non_overlapping_cost_windows(con):
    entries = {r[0]: r[1:] for r in con.execute("""
        select contract_id, counts_in_cohort, next_programme_start from core.person_trajectories
        where contract_id in ('HC-F', 'HC-F2', 'HC-U2', 'HC-U2b', 'HC-D2')""").fetchall()}
    assert entries["HC-F2"][0] is False, "F re-enters housing_first within 12 months: counted once"
    assert entries["HC-D2"][0] is False, "a regular home after a programme is not a comparison entry"
    assert entries["HC-U2b"][0] is True, "U2's housing_first entry is a programme of its own"
    assert entries["HC-U2"][1] == d("2026-03-01")
    costs = {(r[0], r[1]): r[2] for r in con.execute("""
        select t.contract_id, o.outcome_id, o.cost_welzijn_eur from core.person_outcomes o
        join core.person_trajectories t using (trajectory_id)
        where t.contract_id in ('HC-U2', 'HC-U2b')""").fetchall()}
    assert costs[("HC-U2", "tenancy_sustained_18m")] == pytest.approx(310), \
        "February only: the window ends where the housing_first entry starts"
    assert costs[("HC-U2b", "tenancy_sustained_3m")] == pytest.approx(310), "March: the new entry"


def test_right_censoring_at_the_observation_date(con):
    s12, s18 = statuses(con, "tenancy_sustained_12m"), statuses(con, "tenancy_sustained_18m")
    assert s12["H"] == "success", "start + 12 months is exactly the observation date: decided"
    assert s12["G"] == "censored", "start + 12 months is a day after the observation date"
    assert all(s18[n] == "censored" for n in ("A", "B", "P12"))
    published = cell(con, "marts.cost_per_outcome", "tenancy_sustained_18m", "totaal",
                     cohort="2024-Q3..2025-Q2")
    assert (published["n_persons"], published["n_outcomes"]) == (0, 0)
    # all 104 censored, so none excluded (anyone can tell from the dates): the censored count is
    # the cohort's, shown only where the cohort is
    assert published["n_censored"] == (104 if published["n_cohort"] is not None else None)
    assert published["n_cohort"] in (104, None)
    assert published["cost_per_outcome_eur"] is None and published["provisional"] is True
    complete = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal",
                    cohort="2024-Q3..2025-Q2")
    assert complete["provisional"] is False, "every entry decided (H exactly on the observation date)"


def test_no_eviction_within_12_months(con):
    s = statuses(con, "no_eviction_12m")
    assert s["C"] == "failure" and s["F"] == "failure"  # huisuitzetting, ontbinding before 12 months
    assert s["B"] == "success", "evicted exactly on start + 12 months: not within 12 months"
    assert s["D"] == s["E"] == s["A"] == "success"
    assert s["G"] == "censored"


def test_zrm_improvement_per_domain_never_summed(con):
    s = statuses(con, "zrm_improvement_12m")
    assert s["A"] == "success", "the measurement nearest start + 12 months is used (3 up, 0 down)"
    assert s["P7"] == "failure", "two up but one down"
    assert s["P8"] == "excluded", "no intake within 3 months of the start"
    assert s["P9"] == "excluded", "no follow-up within 12 ± 3 months"
    assert s["P10"] == "success", "two up among the domains measured both times"
    assert s["B"] == "excluded"  # never measured
    detail = con.execute("""select detail from core.person_outcomes o
        join core.person_trajectories t using (trajectory_id)
        where t.contract_id = 'HC-A' and o.outcome_id = 'zrm_improvement_12m'""").fetchall()[0][0]
    assert '"followup_date":"2026-01-20"' in detail.replace(" ", "")
    assert '"domains_up":3' in detail.replace(" ", "") and '"domains_down":0' in detail.replace(" ", "")


def test_no_crisis_admission_in_months_6_to_12(con):
    s = statuses(con, "no_crisis_admission_6_12m")
    assert s["A"] == "failure", "an admission on exactly start + 6 months is inside the window"
    assert s["P7"] == "success", "crisisdienst is not a crisis admission"
    assert s["P8"] == "success", "an admission before month 6"
    assert s["P9"] == "success", "an admission on exactly start + 12 months is outside the window"
    assert s["P10"] == "failure"


def test_no_nuisance_as_causer_in_months_6_to_12(con):
    s = statuses(con, "no_nuisance_causer_6_12m")
    assert s["P7"] == "failure", "reported as causer through the person's contract in month 7"
    assert s["P8"] == "success", "reported before month 6"
    assert s["E"] == s["F"] == s["L"] == "excluded", "no tenancy at start + 6 months"
    assert s["D"] == "success", "moved on: D's regular tenancy runs at start + 6 months"
    assert s["C"] == "success"
    small = cell(con, "marts.cost_per_outcome", "no_nuisance_causer_6_12m", B2)
    assert small["suppressed"] and small["n_persons"] is None, "2 decided persons: suppressed"


def test_entries_before_the_cost_data_are_not_cohort_entries(con):
    assert con.execute("""select observed_from_start from core.person_trajectories
                          where contract_id = 'HC-OLD'""").fetchall() == [(False,)]
    assert con.execute("select count(*) from core.outcome_cells where cohort = '2024-Q2'"
                       ).fetchall() == [(0,)]


# --- person linkage and costs --------------------------------------------------------------------

def test_costs_linked_by_domain(con):
    rows = con.execute("""select domain, sum(bedrag_eur) from core.person_costs
                          group by domain order by domain""").fetchall()
    # A and L (welzijn), A and C (wonen), A (zorg) come ten times; U1 and U2 once
    assert rows == [("welzijn", Decimal(2500 * COPIES + 620)), ("wonen", Decimal(7150 * COPIES)),
                    ("zorg", Decimal(200 * COPIES + 5600))], "the unknown contract's 999 is not linked"
    assert con.execute("""select count(*) filter (where is_transfer), sum(bedrag_eur) filter
        (where is_transfer) from core.person_costs""").fetchall() == [(2 * COPIES, Decimal(2000 * COPIES))]
    months = {r[0]: r[1:] for r in con.execute("""
        select strftime(maand, '%Y-%m'), in_tenancy, care_trajectories_active, provisions_active,
               zrm_measured, crisis_admissions, cost_wonen_eur, cost_zorg_eur, cost_welzijn_eur,
               cost_total_eur, cost_transfers_eur
        from core.person_months where persoon_pseudoniem = ? order by maand""",
        [person("A")]).fetchall()}
    assert list(months)[0] == "2025-01" and list(months)[-1] == OBSERVED and len(months) == 18
    assert months["2025-01"] == (True, 1, 1, False, 0, 100, 0, 0, 100, 1000), "bijstand apart"
    assert months["2025-02"][-5:] == (0, 200, 0, 200, 1000)
    assert months["2025-03"][2] == 2 and months["2025-03"][-2] == 300
    assert months["2025-07"][4] == 1 and months["2026-01"][3] is True


def test_person_months_follow_tenancy_and_nuisance(con):
    (nuisance,), = con.execute("""select sum(nuisance_as_causer) from core.person_months
                                  where persoon_pseudoniem = ?""", [person("P7")]).fetchall()
    assert nuisance == 1
    rows = con.execute("""select strftime(maand, '%Y-%m'), in_tenancy from core.person_months
                          where persoon_pseudoniem = ? and maand between '2025-03-01' and '2025-05-01'
                          order by maand""", [person("L")]).fetchall()
    assert rows == [("2025-03", True), ("2025-04", True), ("2025-05", False)]


def window_cost(con, contract: str, outcome_id: str) -> dict:
    return records(con, """select cost_wonen_eur, cost_zorg_eur, cost_welzijn_eur, cost_total_eur,
            cost_transfers_eur
        from core.person_outcomes o join core.person_trajectories t using (trajectory_id)
        where t.contract_id = ? and o.outcome_id = ?""", [contract, outcome_id])[0]


def test_costs_as_a_social_cost_benefit_analysis_counts_them(con):
    a3 = window_cost(con, "HC-A", "tenancy_sustained_3m")
    assert (a3["cost_wonen_eur"], a3["cost_zorg_eur"], a3["cost_welzijn_eur"],
            a3["cost_total_eur"]) == (100, 200, 300, 600)
    assert a3["cost_transfers_eur"] == pytest.approx(1000 * 17 / 31 + 1000, abs=0.005), \
        "bijstand apart, month 0 pro-rated from the 15th (17 of 31 days)"
    a12 = window_cost(con, "HC-A", "tenancy_sustained_12m")
    assert a12["cost_wonen_eur"] == pytest.approx(100 + 50 * 14 / 31), \
        "the last month up to the day before start + 12 months (14 of 31 days)"
    u1 = window_cost(con, "HC-U1", "tenancy_sustained_12m")
    assert u1["cost_zorg_eur"] == pytest.approx(600), \
        "beschermd wonen ended the day before the start: the preceding setting is left out"
    l12 = window_cost(con, "HC-L", "tenancy_sustained_12m")
    assert l12["cost_welzijn_eur"] == pytest.approx(200), "costs after the end stay with the entry"


def test_cost_per_outcome_arithmetic(con):
    c12 = cell(con, "core.cost_per_outcome_cells", "tenancy_sustained_12m", "totaal")
    assert (c12["n_persons"], c12["n_outcomes"], c12["n_censored"], c12["n_excluded"]) == (102, 72, 0, 1)
    total = COPIES * (600 + 50 * 14 / 31 + 7000 + 200)  # A, C's ontruiming, L after losing the home
    assert float(c12["total_cost_eur"]) == pytest.approx(total, abs=0.01)
    assert (float(c12["cost_wonen_eur"]), float(c12["cost_zorg_eur"]), float(c12["cost_welzijn_eur"])) == (
        pytest.approx(COPIES * (7100 + 50 * 14 / 31), abs=0.01), 200.0 * COPIES, 500.0 * COPIES)
    assert float(c12["cost_transfers_eur"]) == pytest.approx(COPIES * (1000 * 17 / 31 + 1000), abs=0.01)
    assert c12["cost_per_outcome_eur"] == pytest.approx(total / 72, abs=0.01)
    assert c12["outcome_rate"] == pytest.approx(72 / 102, abs=1e-4)
    months = cell(con, "core.cost_per_tenancy_month_cells", None, "totaal")
    # tenancy months from each start month to 2026-06 (any day in any tenancy counts): D moved
    # on to D2, F re-entered from 2025-09; E (5) and P11 P12 once, the others ten times
    expected_months = COPIES * (18 + 13 + 13 + 18 + (6 + 10) + 4 + 4 * 17) + 5 + 2 * 16
    assert (months["n_persons"], months["tenancy_months"]) == (103, expected_months)
    assert float(months["total_cost_eur"]) == 7850.0 * COPIES
    assert months["cost_per_tenancy_month_eur"] == pytest.approx(7850 * COPIES / expected_months, abs=0.01)
    # published hidden: its pool (Q1 + H's Q2) is shown, and Q2 alone hidden would be the pool less Q1
    published = cell(con, "marts.cost_per_tenancy_month", None, "totaal")
    assert published["suppressed"] and published["n_persons"] is None


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = k / n
    centre, half = p + z * z / (2 * n), z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_pooled_cohorts_rates_with_intervals(con):
    pool = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal",
                cohort="2024-Q3..2025-Q2")
    assert pool["cohort_kind"] == "pool" and not pool["suppressed"]
    assert (pool["n_persons"], pool["n_outcomes"]) == (103, 73), "Q1 + H (Q2)"
    low, high = wilson(73, 103)
    assert (pool["outcome_rate_low"], pool["outcome_rate_high"]) == (pytest.approx(low, abs=1e-4),
                                                                     pytest.approx(high, abs=1e-4))
    assert pool["cost_per_outcome_low_eur"] <= pool["cost_per_outcome_eur"] <= pool["cost_per_outcome_high_eur"]
    zrm = cell(con, "core.cost_per_outcome_cells", "zrm_improvement_12m", "totaal")
    # A P7 P10 judged; B C D F L P8 P9 (x10) and E P11 P12 excluded
    assert (zrm["n_persons"], zrm["n_outcomes"], zrm["n_excluded"]) == (30, 20, 73)
    assert zrm["excluded_share"] == pytest.approx(73 / 103, abs=1e-4)
    assert zrm["outcome_rate_excluded_as_failure"] == pytest.approx(20 / 103, abs=1e-4)


def test_bootstrap_interval_over_persons():
    from assets.outcome_intervals import interval
    same = dict(replicates=500, seed=1, key=("p", "c", "o"), confidence=0.95)
    assert interval(np.full(10, 100.0), np.ones(10), **same) == (100.0, 100.0)
    assert interval(np.array([5.0, 7.0]), np.zeros(2), **same) == (None, None), "no success"
    costs, wins = np.arange(40, dtype=float) * 10, (np.arange(40) % 3 == 0).astype(float)
    first, again = interval(costs, wins, **same), interval(costs, wins, **same)
    assert first == again, "seeded: a rebuild gives the same interval"
    assert first[0] < costs.sum() / wins.sum() < first[1]


def test_a_cells_interval_does_not_depend_on_the_order_its_persons_come_in():
    """The persons query has no order (DuckDB's threads decide it), and a bootstrap draws
    positions: two identical runs gave the board report two intervals for one cell."""
    import polars as pl

    from assets.outcome_intervals import cost_per_outcome_intervals
    rng = np.random.default_rng(7)
    persons = pl.DataFrame({"programme": ["hf"] * 60, "cohort": ["2025-Q1"] * 60, "outcome_id": ["o"] * 60,
                            "success": rng.random(60) < 0.6, "cost_total_eur": rng.gamma(2.0, 5000.0, 60)})
    same = dict(replicates=500, seed=1, confidence=0.95)
    assert cost_per_outcome_intervals(persons, **same).equals(
        cost_per_outcome_intervals(persons.sample(fraction=1.0, shuffle=True, seed=3), **same))


# --- disclosure ----------------------------------------------------------------------------------

def test_small_cohorts_are_suppressed(con):
    small = con.execute("""select count(*), count(*) filter (where suppressed),
            count(n_persons) + count(n_outcomes) + count(total_cost_eur) + count(cost_per_outcome_eur)
        from marts.cost_per_outcome where programme = 'uitstroom_bw' and cohort = '2025-Q1'""").fetchall()
    total, suppressed, numbers = small[0]
    assert total > 0 and suppressed == total and numbers == 0


def test_complementary_suppression_across_area_levels_and_cohorts(con):
    pool = "2024-Q3..2025-Q2"
    c = {area: cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", area, cohort=pool)
         for area in ("totaal", GM, W1, B1, B2)}
    assert not c["totaal"]["suppressed"] and not c[GM]["suppressed"] and not c[W1]["suppressed"]
    assert c[W1]["n_persons"] == 103
    assert c[B2]["suppressed"], "3 persons: primary suppression"
    assert c[B1]["suppressed"], "100 persons, but wijk minus B1 would give B2 away"
    assert c[B1]["n_persons"] is None and c[B1]["total_cost_eur"] is None
    quarter = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal")
    assert quarter["suppressed"], "102 persons, but the pool minus 2025-Q1 would give H (2025-Q2) away"
    same = cell(con, "marts.cost_per_outcome", "same_home_12m", B1, cohort=pool)
    assert same["suppressed"], "one pattern for the outcomes that judge the same persons"
    rate_100 = con.execute("""select count(*) from marts.cost_per_outcome p
        join core.cost_per_outcome_cells c using (programme, outcome_id, cohort, area_code)
        where not p.suppressed and c.n_persons - c.n_outcomes between 1 and 9""").fetchall()
    assert rate_100 == [(0,)], "a rate that gives 1-9 failures back is not published"


def test_published_tables_pass_the_disclosure_audit(warehouse):
    with open_warehouse(warehouse) as con:  # the audit works in temp tables
        for table in ("marts.cost_per_outcome", "marts.cost_per_tenancy_month"):
            assert disclosure_problems(con, table) == {
                "n_outcomes_above_n_persons": 0, "small_counts_shown": 0,
                "groups_none_of_whom_had_the_outcome_shown": 0,
                "suppressed_rows_with_numbers": 0, "hidden_cells_given_away": 0}
        assert con.execute("select count(*) from marts.cost_per_outcome where total_cost_eur < 0"
                           ).fetchall() == [(0,)]


def test_a_cell_in_which_nobody_had_the_outcome_is_hidden_however_many_they_are(warehouse, tmp_path):
    """Group disclosure: '0 of 12 kept their home' says of each of the 12 that they lost it.
    Planted in a copy of the world: a shown buurt-quarter of 10 or more decided whose outcomes
    are set to 0. Published again, it is hidden, and the check finds nothing; shown, the check
    counts it."""
    import shutil

    from assets.outcomes import PUBLICATIONS, publish

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with open_warehouse(copy) as con:
        key = ("programme", "outcome_id", "cohort", "area_code")
        planted = con.execute(f"""select {', '.join(key)} from marts.cost_per_outcome
            where not suppressed and n_persons >= 10 and n_outcomes > 0 and area_level = 'buurt'
            order by all limit 1""").fetchone()
        assert planted, "the world has a shown buurt cell to plant in"
        where = " and ".join(f"{c} = ?" for c in key)
        con.execute("begin")
        con.execute(f"update marts.cost_per_outcome set n_outcomes = 0 where {where}", planted)
        assert disclosure_problems(con)["groups_none_of_whom_had_the_outcome_shown"] == 1
        con.execute("rollback")
        con.execute(f"update core.cost_per_outcome_cells set n_outcomes = 0 where {where}", planted)
        publish(con, PUBLICATIONS["marts.cost_per_outcome"])
        assert con.execute(f"select suppressed from marts.cost_per_outcome where {where}", planted).fetchone() == (True,)
        assert not any(disclosure_problems(con).values())


# --- rate card, social return --------------------------------------------------------------------

POOL = "2024-Q3..2025-Q2"


def test_rate_card_comparison_against_the_cumulative_price(con):
    config = yaml.safe_load(outcome_config.RATE_CARD_FILE.read_text())["rate_card"]["prices"]
    price = {p["outcome_id"]: p["price_eur"] for p in config}
    cumulative = sum(price[f"tenancy_sustained_{k}m"] for k in (3, 6, 12))
    row = cell(con, "marts.rate_card_comparison", "tenancy_sustained_12m", "totaal", cohort=POOL)
    assert row["price_eur"] == price["tenancy_sustained_12m"]
    assert row["cumulative_price_eur"] == cumulative
    assert row["payable_eur"] == 73 * cumulative, "each housed person earned every milestone"
    assert row["cost_to_price_ratio"] == pytest.approx(row["cost_per_outcome_eur"] / cumulative, abs=0.01)
    late = cell(con, "marts.rate_card_comparison", "tenancy_sustained_18m", "totaal", cohort=POOL)
    assert late["provisional"] and late["cost_to_price_ratio"] is None, "provisional: no comparison"


def at_grain(amount: float, largest: float) -> float:
    """An amount summed over persons as published (recomputed here, not imported): rounded to the
    smallest 1, 2 or 5 times a power of ten at or above the largest amount one person adds, a euro
    at least."""
    steps = sorted(k * 10.0 ** e for k in (1, 2, 5) for e in range(0, 9))
    step = next(s for s in steps if s >= largest - 1e-9)
    return math.floor(amount / step + 0.5) * step


# The pool's costs per part (wonen: A, C's ontruiming, L after losing the home; zorg; welzijn),
# transfers apart, with the largest single entry's amount of each (C's ontruiming, A's care, A's
# welfare, A's bijstand), and the total as published: the sum of the parts at their grains.
POOL_PARTS = (COPIES * (7100 + 50 * 14 / 31), 200.0 * COPIES, 500.0 * COPIES)
POOL_LARGEST = (7000.0, 200.0, 300.0)
PROGRAMME_LARGEST = (7000.0, 200.0, 310.0)  # a welfare entry of 310 in another cohort: the same step
POOL_TRANSFERS, POOL_TRANSFERS_LARGEST = COPIES * (1000 * 17 / 31 + 1000), 1000 * 17 / 31 + 1000
POOL_COST = sum(at_grain(part, largest) for part, largest in zip(POOL_PARTS, PROGRAMME_LARGEST))


def test_a_cost_is_published_at_the_grain_of_the_largest_amount_one_person_adds(con):
    """The largest entry of each part in the programme, from the planted persons: a cost part
    rounded to it leaves any one person's amount open between two releases, however few persons
    add to the part, and its step says nothing about the cell."""
    pool = cell(con, "core.cost_per_outcome_cells", "tenancy_sustained_12m", "totaal", cohort=POOL)
    assert (pool["largest_wonen_eur"], pool["largest_zorg_eur"], pool["largest_welzijn_eur"]) == \
        pytest.approx(POOL_LARGEST)
    # the grain is the programme's, over every cell of Housing First
    assert con.execute("""select max(largest_wonen_eur), max(largest_zorg_eur), max(largest_welzijn_eur)
                          from core.cost_per_outcome_cells where programme = 'housing_first'""").fetchone() == \
        pytest.approx(PROGRAMME_LARGEST)
    assert pool["largest_transfers_eur"] == pytest.approx(POOL_TRANSFERS_LARGEST, abs=0.01)
    published = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal", cohort=POOL)
    assert (published["cost_wonen_eur"], published["cost_zorg_eur"], published["cost_welzijn_eur"]) == \
        (70_000, 2_000, 5_000)
    assert published["total_cost_eur"] == POOL_COST == 77_000
    assert published["cost_per_outcome_eur"] == pytest.approx(77_000 / 73, abs=0.005)
    assert not {k for k in published if k.startswith("largest_")}, "never published"


def test_social_return_net_of_deadweight_one_path_per_person(con):
    units = {u["unit_cost_id"]: u for u in outcome_config.load()["unit_costs"].to_dicts()}
    shelter = units["shelter_place_year"]
    rows = records(con, "select * from marts.social_return where programme = 'housing_first' "
                        "and cohort = ?", [POOL])
    assert len(rows) == 1, "one counterfactual path per programme: no sum over outcomes"
    row = rows[0]
    cost = POOL_COST
    assert cost != pytest.approx(sum(POOL_PARTS), abs=0.01), "published at its grain, not to the cent"
    assert (row["outcome_id"], row["unit_cost_id"], row["n_persons"], row["n_outcomes"]) == (
        "tenancy_sustained_12m", "shelter_place_year", 103, 73)
    assert float(row["programme_cost_eur"]) == pytest.approx(cost, abs=0.01)
    assert float(row["cost_transfers_eur"]) == at_grain(POOL_TRANSFERS, POOL_TRANSFERS_LARGEST)
    assert row["avoided_mid_eur"] == 73 * shelter["mid_eur"], "gross, for comparison only"
    assert row["deadweight_share"] == pytest.approx(0.30 * 103 / 73, abs=1e-4)
    assert row["avoided_net_mid"] == pytest.approx((73 - 0.30 * 103) * shelter["mid_eur"], abs=0.01)
    low, high = wilson(73, 103)
    assert row["avoided_net_low"] == pytest.approx((round(low, 4) - 0.31) * 103 * shelter["low_eur"], abs=0.01)
    assert row["avoided_net_high"] == pytest.approx((round(high, 4) - 0.29) * 103 * shelter["high_eur"], abs=0.01)
    assert row["avoided_net_low"] <= row["avoided_net_mid"] <= row["avoided_net_high"]
    assert row["return_mid"] == pytest.approx(row["avoided_net_mid"] / cost, abs=1e-3)
    assert row["break_even_deadweight_share"] == pytest.approx(1 - cost / (73 * shelter["mid_eur"]), abs=1e-4)
    assert "Chez Soi" in row["deadweight_source"] and row["deadweight_method"] == "configured"
    assert con.execute("""select bool_and(suppressed) from marts.social_return
                          where programme = 'uitstroom_bw'""").fetchall() == [(True,)]
    grid = records(con, """select * from marts.social_return_sensitivity where programme = 'housing_first'
                           and cohort = ? and unit_cost_level = 'mid' order by deadweight_share""", [POOL])
    assert [g["deadweight_share"] for g in grid] == [i / 10 for i in range(11)]
    assert grid[0]["return_ratio"] == pytest.approx(73 * shelter["mid_eur"] / cost, abs=1e-3)
    assert grid[-1]["return_ratio"] == 0


def test_stakeholder_balance_who_pays_who_gains(con):
    rows = {r["payer"]: r for r in records(
        con, "select * from marts.stakeholder_balance where programme = 'housing_first' and cohort = ?",
        [POOL])}
    assert set(rows) == {"housing_corporation", "municipality", "care", "police_justice"}
    wonen, zorg, welzijn = (at_grain(part, largest) for part, largest in zip(POOL_PARTS, PROGRAMME_LARGEST))
    assert rows["housing_corporation"]["cost_eur"] == wonen
    assert rows["care"]["cost_eur"] == zorg and rows["municipality"]["cost_eur"] == welzijn
    assert rows["municipality"]["transfers_eur"] == at_grain(POOL_TRANSFERS, POOL_TRANSFERS_LARGEST)
    net = records(con, "select avoided_net_mid from marts.social_return where programme = "
                       "'housing_first' and cohort = ?", [POOL])[0]["avoided_net_mid"]
    assert rows["municipality"]["avoided_net_mid_eur"] == pytest.approx(net, abs=0.01), \
        "the shelter place is the municipality's"
    assert rows["housing_corporation"]["avoided_net_mid_eur"] == 0
    assert rows["police_justice"]["cost_eur"] == 0 and rows["police_justice"]["avoided_net_mid_eur"] == 0


def test_unknown_deadweight_and_calendar_year_pools(tmp_path):
    """Two configuration variants in one build: Housing First with an unknown deadweight (no net
    figure, only the sensitivity table and the break-even) and cohorts pooled per calendar year."""
    doc = yaml.safe_load(outcome_config.UNIT_COSTS_FILE.read_text())
    doc["counterfactual_paths"][0]["deadweight"] = {"method": "unknown"}
    path = tmp_path / "unit_costs.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    outcomes = yaml.safe_load(outcome_config.OUTCOMES_FILE.read_text())
    outcomes["cohorts"]["pooling"] = "calendar_year"
    (tmp_path / "outcomes.yaml").write_text(yaml.safe_dump(outcomes, allow_unicode=True))
    config = outcome_config.load(unit_costs=path, outcomes=tmp_path / "outcomes.yaml")
    with open_warehouse(tmp_path / "w.duckdb") as con:
        write_world(con)
        build_all(con, ["marts.social_return_sensitivity"], config)
        row = records(con, "select * from marts.social_return where programme = 'housing_first' "
                           "and cohort = '2025'")[0]
        grid = scalar(con, "select count(*) from marts.social_return_sensitivity "
                           "where programme = 'housing_first' and cohort = '2025'")
        year = cell(con, "marts.cost_per_outcome", "tenancy_sustained_12m", "totaal", cohort="2025")
    assert (year["cohort_kind"], year["n_persons"]) == ("pool", 103), "2025-Q1 and H (Q2); F2 is a re-entry"
    assert year["provisional"] is True and year["n_censored"] is None, \
        "G (Q3) is still censored: one, so hidden; provisional still says some are"
    assert row["avoided_net_mid"] is None and row["return_mid"] is None
    assert row["deadweight_method"] == "unknown" and row["break_even_deadweight_share"] is not None
    assert grid == 33, "11 deadweight shares x 3 unit cost levels"
    doc["counterfactual_paths"][1]["programmes"] = ["housing_first"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(outcome_config.ConfigError, match="one counterfactual path per programme"):
        outcome_config.load(unit_costs=path)


# --- concentration -------------------------------------------------------------------------------

def test_concentration_share_trend_and_signal(warehouse, tmp_path):
    """The mart's own arithmetic, on the shared pattern without the indicators' rule (this world's
    indicators hide B3's tenancy base before 2026-04, and with it concentration: next test)."""
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    with open_warehouse(copy) as con:
        tenancy_mix.publish(con, indicators=None)
        build(con, next(m for m in discover() if m.name == "concentration"))
        rows = {r["period"]: r for r in records(
            con, "select * from marts.concentration where buurtcode = ?", [B3])}
        assert min(rows) == "2025-01" and max(rows) == OBSERVED, "from the first monthly delivery"
        before, after = rows["2025-06"], rows["2026-06"]
        assert (before["running"], before["vulnerable"], before["share"]) == (10, 0, 0.0)
        assert before["trend_12m"] is None, "12 months earlier is before the first delivery"
        assert (after["running"], after["vulnerable"], after["share"]) == (20, 10, 0.5)
        assert after["trend_12m"] == 0.5 and after["signal"] is True
        small = con.execute("select bool_and(suppressed), count(running) from marts.concentration "
                            "where buurtcode = ? and period < '2025-09'", [B2]).fetchall()  # F2 x10 after
        assert small == [(True, 0)], "under 10 running or 1-9 vulnerable: no numbers"
        # ... and never hidden alone: its wijk sibling hides with it, as in placement capacity
        sibling = con.execute("select bool_and(suppressed), count(running) from marts.concentration "
                              "where buurtcode = ? and period < '2025-09'", [B1]).fetchall()
        assert sibling == [(True, 0)]
        assert tenancy_mix.off_the_shared_pattern(con, "marts.concentration", "buurtcode") == 0
        columns = [c[0] for c in con.execute("select * from marts.concentration limit 0").description]
        assert "complex_id" not in columns and "persoon_pseudoniem" not in columns


def test_concentration_shows_the_indicators_tenancy_base_and_only_where_they_do(con):
    """Running tenancies are the indicators' tenancy base (any day of the month), shown only where
    the published indicators show it: a stock on the month's last day beside that base gave the
    hidden ended tenancies away (base - stock >= 1). Tenancies end mid-month in this world."""
    assert tenancy_mix.off_the_indicator_base(con) == {
        "shown_where_indicators_hide_the_base": 0, "counted_unlike_the_indicator_base": 0}
    ended_mid_month = scalar(con, "select count(*) from core.tenancies where einddatum is not null "
                                  "and einddatum <> last_day(einddatum) and einddatum >= date '2025-01-01'")
    assert ended_mid_month > 0, "the definitions would agree in a world where nobody leaves mid-month"
    # every area-month of the one shared pattern against the indicators' base: which ones the
    # indicators hide follows from the whole pattern, so read it (buurten, wijken, gemeente)
    pairs = con.execute("""
        with base as (   -- shown where any indicator on running tenancies shows its base
            select area_code, period, bool_and(suppressed) as suppressed,
                   max(denominator) filter (where not suppressed) as denominator
            from marts.indicator_values_published
            join core.indicator_catalogue using (indicator_id)
            where population = 'huurcontracten' and period_type = 'month' group by all)
        select shared.area_code || ' ' || shared.period, shared.suppressed, shared.tenancies,
               base.suppressed, base.denominator
        from core.tenancy_mix_published as shared join base using (area_code, period)
        order by all""").fetchall()
    assert {hidden for _, hidden, *_ in pairs} == {True, False}
    for cell, hidden, running, base_hidden, base in pairs:
        assert hidden or not base_hidden, cell
        assert hidden or running == int(base), cell
    assert scalar(con, "select count(*) from marts.concentration where not suppressed") == \
        scalar(con, """select count(*) from core.tenancy_mix_published as shared
                       join marts.concentration as c on c.buurtcode = shared.area_code
                           and c.period = shared.period where not shared.suppressed""")


# --- privacy: police and survey data never reach persons ------------------------------------------

def test_police_and_survey_data_have_no_person_key():
    registry = load_registry()
    for dataset in ("veiligheid__incidenten", "bewoners__bewonersenquete"):
        contract = next(c for c in registry.contracts.values() if c.table == dataset)
        assert all(c.type != "pseudonym" and c.name != PERSON_KEY for c in contract.columns)
    for model in discover():
        if model.table in ("staging.veiligheid__incidenten", "staging.bewoners__bewonersenquete"):
            assert PERSON_KEY not in model.sql


def test_no_model_joins_police_or_survey_data_to_persons(warehouse):
    # every model in sql/, anyone's: none reading incidenten or bewonersenquete has a person key
    assert person_linked_aggregates() == [], "by SQL text"
    with open_warehouse(warehouse, read_only=True) as con:
        def columns(table):
            layer, name = table.split(".")
            rows = con.execute("select column_name from information_schema.columns "
                               "where table_schema = ? and table_name = ?", [layer, name]).fetchall()
            return [r[0] for r in rows] or None
        assert person_linked_aggregates(columns_of=columns) == [], "by built columns"
        assert person_tables_with_aggregate_columns(con) == []
    # the person layer does not even take its calendar from them
    person_models = [m for m in discover() if m.name.startswith(("person_", "outcome_", "cost_per_"))]
    assert len(person_models) >= 12
    assert person_linked_aggregates(person_models, transitive=True) == []
    assert not any(m.table in dict(person_linked_aggregates(transitive=True)) for m in person_models)


def test_the_guard_finds_a_person_level_join(tmp_path):
    sql = tmp_path / "core"
    sql.mkdir()
    (sql / "bad_join.sql").write_text(
        "select t.persoon_pseudoniem, i.aantal from core.person_trajectories as t\n"
        "join staging.veiligheid__incidenten as i using (buurtcode)\n")
    (sql / "via_model.sql").write_text("select * from core.bad_join\n")
    models = [SqlModel("core", p.stem, p) for p in sorted(sql.glob("*.sql"))]
    assert person_linked_aggregates(models) == [("core.bad_join", "staging.veiligheid__incidenten")]
    # through another model: found when following dependencies (`select *` hides the key from
    # the text, the built columns show it)
    built = {"core.bad_join": ["persoon_pseudoniem", "aantal"],
             "core.via_model": ["persoon_pseudoniem", "aantal"]}
    assert ("core.via_model", "staging.veiligheid__incidenten") in person_linked_aggregates(
        models, columns_of=built.get, transitive=True)
    with open_warehouse(tmp_path / "w.duckdb") as con:
        con.execute("create table core.mixed as select 'x' as persoon_pseudoniem, "
                    "'geweld' as incidentsoort")
        assert person_tables_with_aggregate_columns(con) == ["core.mixed"]


# --- configuration -------------------------------------------------------------------------------

def test_configuration_is_data_with_sources(tmp_path):
    config = outcome_config.load()
    definitions = config["outcome_definitions"]
    assert {"tenancy_sustained_3m", "tenancy_sustained_6m", "tenancy_sustained_12m",
            "tenancy_sustained_18m", "tenancy_sustained_24m", "no_eviction_12m",
            "zrm_improvement_12m", "no_crisis_admission_6_12m",
            "no_nuisance_causer_6_12m"} <= set(definitions["outcome_id"])
    assert definitions.filter(pl.col("name_nl").is_null() | pl.col("definition_en").is_null()).height == 0
    units = config["unit_costs"]
    assert units.filter(pl.col("source_title").is_null() | pl.col("source_date").is_null()).height == 0
    eviction = units.filter(pl.col("unit_cost_id") == "eviction").row(0, named=True)
    shelter = units.filter(pl.col("unit_cost_id") == "shelter_place_year").row(0, named=True)
    assert (eviction["low_eur"], eviction["high_eur"]) == (5000, 10000)
    assert (shelter["low_eur"], shelter["high_eur"]) == (15000, 15000), "the place, not the care"
    assert "WijkWijzer" not in " ".join(units["source_publisher"].drop_nulls()), \
        "no unit cost cites the project itself"
    assert set(config["cost_transfers"]["cost_type"]) == {"bijstand"}

    broken = yaml.safe_load(outcome_config.OUTCOMES_FILE.read_text())
    broken["outcomes"][0]["rule"] = {"type": "tenancy_sustained"}
    path = tmp_path / "outcomes.yaml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(outcome_config.ConfigError, match="needs \\['months'\\]"):
        outcome_config.load(outcomes=path)
    costs = yaml.safe_load(outcome_config.UNIT_COSTS_FILE.read_text())
    del costs["unit_costs"][0]["source"]["date"]
    path = tmp_path / "unit_costs.yaml"
    path.write_text(yaml.safe_dump(costs))
    with pytest.raises(outcome_config.ConfigError, match="source.date"):
        outcome_config.load(unit_costs=path)


def test_a_new_outcome_is_only_yaml(tmp_path):
    """A 9-month milestone added to the YAML is computed without touching SQL."""
    doc = yaml.safe_load(outcome_config.OUTCOMES_FILE.read_text())
    doc["outcomes"].append({"id": "tenancy_sustained_9m", "window_months": 9,
                            "name": {"nl": "9 maanden", "en": "9 months"},
                            "definition": {"nl": "Als 3 maanden.", "en": "As for 3 months."},
                            "rule": {"type": "tenancy_sustained", "months": 9},
                            "sources": ["wonen__huurcontracten"]})
    path = tmp_path / "outcomes.yaml"
    path.write_text(yaml.safe_dump(doc))
    with open_warehouse(tmp_path / "w.duckdb") as con:
        write_world(con)
        build_all(con, ["core.person_outcomes"], outcome_config.load(outcomes=path))
        rows = con.execute("""select count(*) filter (where status = 'success'),
            count(*) filter (where status = 'failure') from core.person_outcomes
            where outcome_id = 'tenancy_sustained_9m' and cohort = '2025-Q1'
              and programme = 'housing_first'""").fetchall()
    # F (ontbinding) and L (no next home) lost housing before 9 months, ten of each; E died
    assert rows == [(8 * COPIES + 2, 2 * COPIES)]


# --- the synthetic world: planted truths found again --------------------------------------------

def test_synthetic_world_sustainment_and_costs_are_recovered_exactly(home):
    """A generated city world through the real intake and models: the housing_first 12-month
    sustainment and the cost totals per programme and domain equal truth.json. Our rule is the
    one truth.json states (running on start + 12 months, or ended earlier by verhuizing;
    overlijden and anders are not sustained), so the numbers must match to the person and cent."""
    import json
    import shutil

    from quality.intake import run_intake
    from sources.geography import load_rotterdam_buurten, to_arrow_table
    from sources.synthetic import generate

    world = home.root.parent / "world"
    generate(scale="city", months=1, seed=11, out=world)
    for partner_dir in (p for p in world.iterdir() if p.is_dir()):
        for path in partner_dir.iterdir():
            target = home.partner_inbox(partner_dir.name) / path.name
            shutil.copyfile(path, target)
            os.utime(target, (0, 0))
    truth = json.loads((world / "truth.json").read_text())
    cohort = truth["programme_cohort"]
    with open_warehouse(home.warehouse) as con:
        con.register("_buurten", to_arrow_table(load_rotterdam_buurten()))
        con.execute("create table core.dim_buurt as select * from _buurten")
        outcomes = run_intake(con, home, "test-synthetic", load_registry())
        assert outcomes and not [o.file_name for o in outcomes if o.refused]
        build_all(con, ["core.person_outcomes", "core.person_costs"])
        (n, sustained, by_court), = con.execute("""
            select count(*) filter (where status in ('success', 'failure')),
                   count(*) filter (where status = 'success'),
                   count(*) filter (where status = 'failure'
                                    and detail->>'einde_reden' in ('ontbinding', 'huisuitzetting'))
            from core.person_outcomes
            where programme = ? and outcome_id = 'tenancy_sustained_12m'
              and startdatum between ? and ? and status <> 'censored'""",
            [cohort["doelgroep"], cohort["startdatum_from"], cohort["startdatum_to"]]).fetchall()
        paths = dict(con.execute("""
            select housing_path, count(*) from core.person_outcomes
            where programme = ? and outcome_id = 'tenancy_sustained_12m'
              and startdatum between ? and ? and status <> 'censored' group by all""",
            [cohort["doelgroep"], cohort["startdatum_from"], cohort["startdatum_to"]]).fetchall())
        costs = con.execute("""
            select coalesce(programmes.programme, 'geen_huurcontract'), costs.domain,
                   sum(costs.bedrag_eur)
            from core.person_costs as costs
            left join (select distinct persoon_pseudoniem, programme from core.person_trajectories)
                as programmes using (persoon_pseudoniem)
            group by all""").fetchall()
    # housed = same home or moved on (truth.json housing_paths_12m, PATHS_RULE); deaths apart
    assert (n, sustained, by_court) == (cohort["decided_12m"], cohort["housed_12m"],
                                        cohort["failed_12m_by_court"])
    assert {p: paths.get(p, 0) for p in cohort["housing_paths_12m"]} == cohort["housing_paths_12m"]
    expected = {(programme, domain): Decimal(str(amount))
                for programme, domains in truth["costs"]["per_programme"].items()
                for domain, amount in domains.items() if domain != "totaal" and amount}
    assert {(p, dom): amount for p, dom, amount in costs} == expected


def test_planted_programme_effect_is_recovered_within_its_interval(tmp_path):
    """sources/synthetic/programme_effect.py plants a true effect (80% vs 55% housed at 12
    months) with the comparison group as the counterfactual: the net outcomes of
    marts.social_return (comparison method) must contain the true net effect, and the gross
    count (every success avoided, the method before issue 16) must not."""
    from sources.synthetic.programme_effect import COMPARISON, PROGRAMME, effect_world

    world = effect_world()
    outcomes = yaml.safe_load(outcome_config.OUTCOMES_FILE.read_text())
    outcomes["programmes"] = {"programmes": [PROGRAMME], "comparison": [COMPARISON]}
    costs = yaml.safe_load(outcome_config.UNIT_COSTS_FILE.read_text())
    costs["counterfactual_paths"] = [{**costs["counterfactual_paths"][0], "programmes": [PROGRAMME],
                                      "deadweight": {"method": "comparison"}}]
    (tmp_path / "outcomes.yaml").write_text(yaml.safe_dump(outcomes, allow_unicode=True))
    (tmp_path / "unit_costs.yaml").write_text(yaml.safe_dump(costs, allow_unicode=True))
    config = outcome_config.load(outcomes=tmp_path / "outcomes.yaml",
                                 unit_costs=tmp_path / "unit_costs.yaml")
    with open_warehouse(tmp_path / "w.duckdb") as con:
        write_world(con)  # the buurt dimension and the partner tables, emptied: only these tenancies
        for (table,) in con.execute("select table_name from information_schema.tables "
                                    "where table_schema = 'raw'").fetchall():
            con.execute(f'delete from raw."{table}"')
        put(con, "wonen__huurcontracten", HOUSING, [
            {**{k: v for k, v in row.items() if k != "person"}, "persoon_pseudoniem": person(row["person"])}
            for row in world.contracts])
        put(con, "wonen__verhuureenheden", HOUSING, [
            {"vhe_id": row["vhe_id"], "complex_id": "CX-2", "buurtcode": B3, "woningtype": "meergezins",
             "bouwjaar": 1960, "energielabel": "C", "netto_huur": Decimal("600.00"), "status": "verhuurd"}
            for row in world.contracts], by_period=lambda r: "2026-06-30")
        build_all(con, ["marts.social_return"], config)
        published = {r["programme"]: r for r in records(con, """select * from marts.cost_per_outcome
            where outcome_id = 'tenancy_sustained_12m' and area_level = 'totaal' and cohort = ?""", [POOL])}
        row = records(con, "select * from marts.social_return where programme = ? and cohort = ?",
                      [PROGRAMME, POOL])[0]
    realised = world.truth["realised"]
    for group in (PROGRAMME, COMPARISON):
        assert (published[group]["n_persons"], published[group]["n_outcomes"]) == (
            realised[group]["n"], realised[group]["housed_12m"]), "planted counts found exactly"
    truth = world.truth["true_net_outcomes"]
    assert row["deadweight_method"] == "comparison"
    assert row["net_outcomes_low"] <= truth <= row["net_outcomes_high"], (row, truth)
    assert row["net_outcomes_high"] - row["net_outcomes_low"] < 0.3 * realised[PROGRAMME]["n"]
    assert not row["net_outcomes_low"] <= row["n_outcomes"] <= row["net_outcomes_high"], \
        "the gross count (no deadweight) lies outside the interval"


# --- Dagster: the assets and checks of assets/outcomes.py in a run -------------------------------

def test_dagster_builds_the_outcome_layer_and_its_checks_pass(home):
    """The config asset, the SQL models and the published tables in one Dagster run, with every
    outcome check (person link guard, non-negative costs, disclosure audit) passing."""
    monthly = [m for m in discover() if m.partition_column]  # partitioned: built here, not in the run
    with open_warehouse(home.warehouse) as con:
        write_world(con)
        for model in monthly:
            build(con, model)
    provided = ("raw", "core.dim_buurt", *(f"staging.{m.name}" for m in monthly))
    result = materialize_tables(home.warehouse, TARGETS, provided, home=home, checks=True)
    assert result.success
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e.passed
                   for e in result.get_asset_check_evaluations()}
    expected = {("core/person_trajectories", "no_person_link_to_police_or_survey"),
                ("marts/cost_per_outcome", "costs_non_negative"),
                ("marts/cost_per_outcome", "disclosure_sound"),
                ("marts/cost_per_tenancy_month", "disclosure_sound"),
                ("core/person_costs", "costs_linked_to_persons")}
    assert expected <= set(evaluations)
    assert all(evaluations[key] for key in expected - {("core/person_costs", "costs_linked_to_persons")})
    assert evaluations[("core/person_costs", "costs_linked_to_persons")] is False, \
        "the planted cost of an unknown contract is reported (a warning)"



def test_a_breakdown_the_headlines_give_back_suppresses_the_cell():
    """Below the pooled city total no breakdown is published, yet housed minus same home at 12
    months is moved on: of 1-9, the cell is suppressed; of 10 or more, it is not. In a pooled city
    total a small death is hidden with what gives it back, not the cell."""
    from assets.outcome_breakdowns import decide

    def row(outcome, success, moved, area="WK000100", kind="quarter", cohort="2025-Q1", died=0):
        same, lost = 30, 12
        return {"programme": "housing_first", "outcome_id": outcome, "cohort": cohort, "area_code": area,
                "suppressed": False, "judged_group": "ts12", "in_pooled_total": kind == "pool",
                "n_persons": same + moved + lost, "n_outcomes": same + (moved if "moved_on" in success else 0),
                "n_cohort": same + moved + lost + died, "n_censored": 0, "n_excluded": died,
                "n_same_home": same, "n_moved_on": moved, "n_lost_housing": lost, "n_died": died,
                "decided_after_months": 12, "source_datasets": ["wonen__huurcontracten"],
                "success_paths": success, "excluded_paths": ["died"]}

    for moved, flagged in ((3, 2), (12, 0)):
        rows = [row("tenancy_sustained_12m", ["same_home", "moved_on"], moved),
                row("same_home_12m", ["same_home"], moved)]
        assert len(decide(rows).flagged) == flagged, moved
    pooled = [row(o, s, 12, area="totaal", kind="pool", cohort="p", died=2)
              for o, s in (("tenancy_sustained_12m", ["same_home", "moved_on"]), ("same_home_12m", ["same_home"]))]
    decision = decide(pooled)
    assert not decision.flagged
    assert all({"n_died", "n_excluded", "n_cohort"} <= columns for columns in decision.hidden.values())
    assert decide(pooled, public_cohorts={("housing_first", "p", "totaal")}).flagged, \
        "with the entries public, the deaths follow from the headline: the cell goes"


def test_a_group_is_decided_again_when_its_suppression_changed_between_rounds():
    """The publication's rounds remember each group's decision by its suppressed cells: a group
    whose headline is suppressed in a later round is decided anew, as a fresh decision would."""
    from assets.outcome_breakdowns import decide

    def row(outcome, success, suppressed):
        return {"programme": "housing_first", "outcome_id": outcome, "cohort": "2025-Q1",
                "area_code": "WK000100", "suppressed": suppressed, "judged_group": "ts12",
                "in_pooled_total": False, "n_persons": 45, "n_outcomes": 30 + (3 if "moved_on" in success else 0),
                "n_cohort": 45, "n_censored": 0, "n_excluded": 0, "n_same_home": 30, "n_moved_on": 3,
                "n_lost_housing": 12, "n_died": 0, "decided_after_months": 12,
                "source_datasets": ["wonen__huurcontracten"], "success_paths": success,
                "excluded_paths": ["died"]}

    def rows(suppressed):
        return [row("tenancy_sustained_12m", ["same_home", "moved_on"], suppressed),
                row("same_home_12m", ["same_home"], suppressed)]

    earlier: dict = {}
    assert len(decide(rows(False), earlier=earlier).flagged) == 2, "moved on (3) = housed - same home"
    again = decide(rows(True), earlier=earlier)
    assert again.flagged == decide(rows(True)).flagged == set(), "both headlines hidden: nothing given back"
    assert decide(rows(False), earlier=earlier).flagged == decide(rows(False)).flagged
    assert len(earlier) == 2


def test_the_rounds_read_in_full_only_the_groups_suppressed_anew_and_decide_as_a_fresh_decision():
    """decide_in, as the publication's rounds call it on the warehouse: each round's decision is
    what `decide` makes of every row afresh, while only the group whose suppression changed is
    decided (and read) again."""
    import duckdb

    from assets.outcome_breakdowns import decide, decide_in, rows_sql

    con = duckdb.connect()
    con.execute("create schema core")
    con.execute("""create table core.outcome_definitions as select * from (values
        ('tenancy_sustained_12m', 12, ['wonen__huurcontracten'], ['same_home', 'moved_on'], ['died']),
        ('same_home_12m', 12, ['wonen__huurcontracten'], ['same_home'], ['died']))
        as t(outcome_id, decided_after_months, source_datasets, success_paths, excluded_paths)""")
    con.execute("""create table cells as
        select 'housing_first' as programme, outcome_id, '2025-Q1' as cohort, area_code,
               'wijk' as area_level, 'quarter' as cohort_kind, 'ts12' as judged_group,
               42 + moved as n_persons, 30 + (moved * (outcome_id = 'tenancy_sustained_12m')::int) as n_outcomes,
               42 + moved as n_cohort, 0 as n_censored, 0 as n_excluded, 30 as n_same_home, moved as n_moved_on,
               12 as n_lost_housing, 0 as n_died
        from (values ('tenancy_sustained_12m'), ('same_home_12m')) as o(outcome_id),
             (values ('WK000100', 3), ('WK000200', 4), ('WK000300', 12)) as a(area_code, moved)""")
    con.execute("create table published as select programme, outcome_id, cohort, area_code, false as suppressed from cells")

    def fresh():
        return decide(con.sql(rows_sql("cells", "published")).pl().to_dicts())

    earlier: dict = {}
    first = decide_in(con, "cells", "published", earlier=earlier)
    assert first == fresh() and len(first.flagged) == 4, "moved on (3, 4) = housed - same home in two wijken"
    assert len(earlier) == 3
    con.execute("update published set suppressed = true where area_code = 'WK000200'")
    second = decide_in(con, "cells", "published", earlier=earlier)
    assert second == fresh() and len(second.flagged) == 2
    assert len(earlier) == 4, "the one group suppressed anew is decided again, the others are remembered"


def test_a_pool_is_hidden_when_its_hidden_quarters_are_known_to_hold_too_little():
    """The pool rule with what each hidden quarter is known to hold: at least 1 (it has
    entries), or the persons decided its visible row of marts.cost_per_outcome shows. An outsider
    pinned the demo's uitstroom_mo 2026-Q1 so: the pool less the quarters shown left 16 in two
    hidden quarters, the other's row showed 10 decided, so 1-6 entries."""
    import duckdb

    from assets.outcomes import _pools_that_pin_a_quarter, _second_quarters

    def pinned(entries: list[int], hidden: set[int], decided: dict[int, int]) -> bool:
        con = duckdb.connect()
        con.execute("create schema core; create schema marts")
        con.execute("create table core.cost_per_outcome_cells (programme varchar, outcome_id varchar, "
                    "cohort varchar, cohort_parent varchar, cohort_kind varchar, area_code varchar)")
        con.execute("create table core.cost_per_tenancy_month_cells (programme varchar, cohort varchar, "
                    "area_code varchar, n_persons bigint)")
        con.execute("create table marts.cost_per_tenancy_month (programme varchar, cohort varchar, "
                    "area_code varchar, suppressed boolean)")
        con.execute("create table marts.cost_per_outcome (programme varchar, cohort varchar, "
                    "cohort_kind varchar, area_code varchar, n_persons bigint, suppressed boolean)")
        pool = "2025-Q4..2026-Q3"
        con.execute("insert into core.cost_per_outcome_cells values ('mo', 'ts3', ?, null, 'pool', 'totaal')", [pool])
        for q, n in enumerate(entries):
            quarter = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"][q]
            con.execute("insert into core.cost_per_outcome_cells values ('mo', 'ts3', ?, ?, 'quarter', 'totaal')",
                        [quarter, pool])
            con.execute("insert into core.cost_per_tenancy_month_cells values ('mo', ?, 'totaal', ?)", [quarter, n])
            con.execute("insert into marts.cost_per_tenancy_month values ('mo', ?, 'totaal', ?)", [quarter, q in hidden])
            if q in decided:
                con.execute("insert into marts.cost_per_outcome values ('mo', ?, 'quarter', 'totaal', ?, false)",
                            [quarter, decided[q]])
        found = con.execute(_pools_that_pin_a_quarter("core.cost_per_outcome_cells", "marts.cost_per_outcome")).fetchall()
        more = con.execute(_second_quarters("marts.cost_per_tenancy_month")).fetchall()
        assert bool(more) == bool(con.execute(_pools_that_pin_a_quarter("core.cost_per_outcome_cells")).fetchall())
        return found == [("mo", "ts3", pool, "totaal")]

    assert not pinned([12, 6, 10, 12], hidden={1, 2}, decided={}), "16 in two quarters: each may hold 10"
    assert pinned([12, 6, 10, 12], hidden={1, 2}, decided={2: 10}), "the demo's: 2026-Q1 holds 1-6"
    assert not pinned([12, 6, 10, 12], hidden={1, 2}, decided={2: 5}), "16 - 5 leaves 11 for 2026-Q1"
    assert pinned([12, 5, 5, 12], hidden={1, 2}, decided={}), "10 in two quarters, each has one: 1-9"
    assert pinned([12, 12, 10, 12], hidden={1}, decided={}), "one hidden quarter is its pool's remainder"


def test_breakdowns_an_outsider_gets_from_the_dates_or_a_public_cohort_stay_hidden():
    """Two relations an outsider used on the demo. (1) An outcome no entry has reached yet shows
    0 decided and all censored: none is excluded (censoring comes first), so its censored count
    is the cohort, and the cohort less the persons decided at 3 months gave censored + excluded
    there (8, both hidden). (2) Below the city, a cohort the tenancy table adds up less the
    persons decided gives censored + excluded; of 1-9 the cell is suppressed."""
    from assets.outcome_breakdowns import decide

    def row(outcome, months, persons, censored, area="totaal", suppressed=False):
        return {"programme": "housing_first", "outcome_id": outcome, "cohort": "2025-Q4..2026-Q3",
                "area_code": area, "suppressed": suppressed, "judged_group": f"ts{months}",
                "in_pooled_total": area == "totaal", "n_persons": persons, "n_outcomes": persons,
                "n_cohort": 38, "n_censored": censored, "n_excluded": 38 - persons - censored,
                "n_same_home": persons, "n_moved_on": 0, "n_lost_housing": 0,
                "n_died": 38 - persons - censored, "decided_after_months": months,
                "source_datasets": ["wonen__huurcontracten"], "success_paths": ["same_home", "moved_on"],
                "excluded_paths": ["died"]}

    rows = [row("tenancy_sustained_3m", 3, 30, 6), row("tenancy_sustained_18m", 18, 0, 38)]
    hidden = decide(rows).hidden
    three, eighteen = (("housing_first", o, "2025-Q4..2026-Q3", "totaal")
                       for o in ("tenancy_sustained_3m", "tenancy_sustained_18m"))
    assert {"n_censored", "n_excluded"} <= hidden[three], "6 censored and 2 died are hidden"
    assert "n_cohort" in hidden[three] | hidden.get(eighteen, set())
    assert "n_censored" in hidden[eighteen], "else 38 censored of nobody decided is the cohort"
    below = [row("tenancy_sustained_3m", 3, 30, 6, area="WK059901"),
             row("tenancy_sustained_18m", 18, 0, 38, area="WK059901")]
    assert decide(below, public_cohorts={("housing_first", "2025-Q4..2026-Q3", "WK059901")}).flagged == \
        {("housing_first", "tenancy_sustained_3m", "2025-Q4..2026-Q3", "WK059901")}, "38 - 30: 8 censored or died"
    assert decide(below).flagged == set(), "a cohort nobody can add up is no known whole"
