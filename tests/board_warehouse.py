"""A small warehouse for the board report tests: every table the report reads created from its
declared columns and types in sources/publication.yaml (so the fixture cannot drift from the
contract), filled by column name with hand-made rows: the real buurt geometry, two wijken with
index scores and an indicator the index leaves out, suppressed cells (one leaking numbers),
hostile names, pooled cohorts (one provisional), concentration and placement room, targets, a
refused delivery."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

from quality.intake import LEDGER_DDL
from engine.warehouse import open_warehouse
from quality.publication import boundary
from sources.geography import load_rotterdam_buurten, to_arrow_table

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
CITY = "GM0599"
CENTRUM, DELFSHAVEN = "WK059901", "WK059903"
OUDE_WESTEN, BOSPOLDER, SPANGEN, WITTE_DORP = "BU05990111", "BU05990321", "BU05990323", "BU05990328"
LEAKED_COST = 987654.32  # a suppressed cell that (wrongly) still carries numbers in the mart
PERIODS = ("2025-Q3", "2026-Q1", "2026-Q2", "2026-Q3")
DIMENSIONS = ("totaal", "wonen", "veiligheid", "sociaal", "zorgvraag")
SQL_TYPES = {"text": "varchar", "integer": "bigint", "number": "double", "boolean": "boolean",
             "date": "date", "timestamp": "timestamptz", "bytes": "blob", "json": "json"}


def create_declared(con, table: str) -> None:
    declared = boundary()[table]
    schema, name = table.split(".")
    columns = ", ".join(f'"{c}" {SQL_TYPES[t]}' for c, t in declared.types.items())
    con.execute(f'create table "{schema}"."{name}" ({columns})')


def insert(con, table: str, rows: list[dict]) -> None:
    """Rows by column name; columns a row leaves out stay NULL."""
    for row in rows:
        names = ", ".join(f'"{c}"' for c in row)
        con.execute(f"insert into {table} ({names}) values ({', '.join('?' * len(row))})", list(row.values()))


def _band(score: float) -> str:
    return ("ver_onder_gemiddeld" if score < 70 else "onder_gemiddeld" if score < 90
            else "gemiddeld" if score <= 110 else "boven_gemiddeld")


def build_warehouse(path: Path) -> Path:
    buurten = to_arrow_table(load_rotterdam_buurten())
    with open_warehouse(path) as con:
        con.execute("create table core.dim_buurt as select * from buurten")
        con.execute("update core.dim_buurt set buurtnaam = 'Spangen ' || ? where buurtcode = ?", [EVIL, SPANGEN])
        con.execute(LEDGER_DDL)
        for table, spec in boundary().items():
            if spec.report and table not in ("core.dim_buurt", "raw.load_ledger"):
                create_declared(con, table)
        codes = con.execute("select buurtcode from core.dim_buurt where wijkcode in (?, ?) order by buurtcode",
                            [CENTRUM, DELFSHAVEN]).fetchall()
        areas = [("gemeente", CITY), ("wijk", CENTRUM), ("wijk", DELFSHAVEN)] + [("buurt", b) for (b,) in codes]

        # published indicators: every area, except Witte Dorp (all suppressed)
        rows = []
        for period in PERIODS:
            for level, code in areas:
                for indicator, value in (("huurachterstand_pct", 5.5), ("incidenten_per_1000", 9.6)):
                    hidden = code == WITTE_DORP or (code == DELFSHAVEN and indicator == "incidenten_per_1000")
                    rows.append({"indicator_id": indicator, "area_level": level, "area_code": code,
                                 "period_type": "quarter", "period": period, "suppressed": hidden,
                                 **({} if hidden else {"numerator": 55.0, "denominator": 1000.0, "value": value,
                                                       "estimate": value, "value_low": value - 1.1,
                                                       "value_high": value + 1.3})})
        insert(con, "marts.indicator_values_published", rows)

        # the index: Oude Westen declines significantly, Bospolder improves significantly
        scores = {CITY: 100.0, CENTRUM: 120.0, DELFSHAVEN: 85.0}
        for n, (buurt,) in enumerate(codes):
            scores[buurt] = 60.0 + 9 * n
        rows = []
        for p, period in enumerate(PERIODS):
            for level, code in areas:
                for d, dimension in enumerate(DIMENSIONS):
                    step = {OUDE_WESTEN: -6.0, BOSPOLDER: 5.0}.get(code, 0.5)
                    score = scores[code] + step * p + d
                    rows.append({"area_level": level, "area_code": code, "period_type": "quarter",
                                 "period": period, "dimension": dimension, "score": score,
                                 "panel": "zorgvraag" if dimension == "zorgvraag" else "leefbaarheid",
                                 "score_low": score - 4, "score_high": score + 4, "band": _band(score),
                                 "objective_score": score - 2, "subjective_score": score + 2,
                                 "objective_low": score - 7, "objective_high": score + 3,
                                 "subjective_low": score - 3, "subjective_high": score + 8,
                                 "change_year": None if p == 0 else step * 3,
                                 "change_significant": p > 0 and code in (OUDE_WESTEN, BOSPOLDER, WITTE_DORP),
                                 "change_previous": None if p == 0 else step, "change_base": step * p,
                                 "base_period": "2025", "n_indicators": 2})
        insert(con, "marts.liveability_index", rows)
        # one theme indicator without a published base: the index leaves it out
        insert(con, "marts.index_composition", [
            {"dimension": "wonen", "panel": "leefbaarheid", "half": "objective", "indicator_id": indicator,
             "in_index": indicator == "huurachterstand_pct", "n_in_half": 1, "base_period": "2025"}
            for indicator in ("huurachterstand_pct", "huisuitzettingen_per_1000")])

        # pooled cohorts: one complete, one provisional; a suppressed cell leaks a cost
        rows = []
        for programme, role in (("housing_first", "programme"), ("regulier", "comparison")):
            for cohort, provisional in (("2024-Q4..2025-Q3", False), ("2025-Q4..2026-Q3", True)):
                for months, rate in ((3, .95), (6, .9), (12, .85), (18, .8), (24, .75)):
                    oid = f"tenancy_sustained_{months}m"
                    suppressed = programme == "housing_first" and provisional and months == 6
                    too_early = months >= (18 if provisional else 24)
                    persons = 0 if too_early else 30 if provisional and months == 12 else 40
                    achieved = round(persons * rate)
                    cost = 12345.0 * months / 12
                    row = {"programme": programme, "programme_role": role, "cohort": cohort,
                           "cohort_kind": "pool", "area_level": "totaal", "area_code": "totaal",
                           "outcome_id": oid, "window_months": months, "n_cohort": 40,
                           "suppressed": suppressed, "provisional": provisional or months >= 18}
                    if suppressed:
                        row["cost_per_outcome_eur"] = LEAKED_COST
                    else:
                        row.update(n_persons=persons, n_outcomes=achieved, n_censored=40 - persons,
                                   n_excluded=0, benchmark_rate=0.83,
                                   outcome_rate=None if too_early else rate,
                                   outcome_rate_low=None if too_early else rate - .1,
                                   outcome_rate_high=None if too_early else min(rate + .05, 1),
                                   # 4 moved on: hidden, with same home (their sum is achieved)
                                   n_same_home=None, n_moved_on=None, n_lost_housing=persons - achieved,
                                   n_died=0, total_cost_eur=cost * achieved,
                                   cost_per_outcome_eur=None if too_early else cost,
                                   cost_per_outcome_low_eur=None if too_early else cost * .9,
                                   cost_per_outcome_high_eur=None if too_early else cost * 1.2,
                                   cost_wonen_eur=cost * achieved * .2, cost_zorg_eur=cost * achieved * .7,
                                   cost_welzijn_eur=cost * achieved * .1, cost_transfers_eur=4321.0 * achieved)
                    rows.append(row)
        insert(con, "marts.cost_per_outcome", rows)
        insert(con, "marts.rate_card_comparison", [{
            "programme": "housing_first", "programme_role": "programme", "cohort": "2024-Q4..2025-Q3",
            "cohort_kind": "pool", "area_level": "totaal", "area_code": "totaal",
            "outcome_id": "tenancy_sustained_12m", "price_eur": 2500.0, "cumulative_price_eur": 5500.0,
            "cost_per_outcome_eur": 12345.0, "rate_card_status": "illustrative", "provisional": False,
            "suppressed": False}])
        insert(con, "marts.social_return", [
            {"programme": "housing_first", "cohort": "2024-Q4..2025-Q3", "cohort_kind": "pool",
             "outcome_id": "tenancy_sustained_12m", "unit_cost_status": "to_confirm",
             "programme_cost_eur": 250000.0, "avoided_net_mid": 600000.0, "deadweight_share": 0.3,
             "return_low": 0.9, "return_mid": 2.4, "return_high": 3.5, "cost_transfers_eur": 1000.0,
             "provisional": False, "suppressed": False},
            {"programme": "housing_first", "cohort": "2025-Q4..2026-Q3", "cohort_kind": "pool",
             "outcome_id": "tenancy_sustained_12m", "provisional": True, "suppressed": True}])
        insert(con, "marts.stakeholder_balance", [
            {"programme": "housing_first", "cohort": "2024-Q4..2025-Q3", "cohort_kind": "pool", "payer": payer,
             "payer_nl": nl, "payer_en": en, "cost_eur": cost, "transfers_eur": 0.0,
             "avoided_net_mid_eur": gain, "balance_mid_eur": gain - cost, "provisional": False,
             "suppressed": False}
            for payer, nl, en, cost, gain in (("housing_corporation", "Woningcorporatie", "Housing corporation", 50000.0, 10000.0),
                                              ("municipality", "Gemeente", "Municipality", 60000.0, 280000.0))])

        # the mix: Bospolder above the signal, Spangen hidden; room per wijk
        insert(con, "marts.concentration", [
            {"buurtcode": code, "buurtnaam": name, "wijkcode": DELFSHAVEN, "wijknaam": "Delfshaven",
             "period": "2026-09", "running": running, "vulnerable": vulnerable,
             "share": None if hidden else vulnerable / running, "trend_12m": None if hidden else trend,
             "signal": not hidden and vulnerable / running >= 0.15, "suppressed": hidden}
            for code, name, running, vulnerable, trend, hidden in (
                (BOSPOLDER, "Bospolder", 400, 80, 0.02, False), (SPANGEN, "Spangen", 300, 5, None, True),
                (WITTE_DORP, "Witte Dorp", 500, 20, -0.01, False))])
        insert(con, "marts.placement_capacity", [
            {"area_level": level, "area_code": code, "area_name": name, "period": "2026-09",
             "tenancies": tenancies, "vulnerable_tenancies": vulnerable, "threshold_share": 0.15,
             "expected_free_units": free, "capacity": capacity, "care_nearby": True, "wijkteam_nearby": True,
             "significant_decline": False, "suppressed": False}
            for level, code, name, tenancies, vulnerable, capacity, free in (
                ("gemeente", CITY, "Rotterdam", 5000, 300, 450, 400),
                ("wijk", DELFSHAVEN, "Delfshaven", 2000, 150, 150, 120),
                ("wijk", CENTRUM, "Rotterdam Centrum", 1000, 50, 100, 90),
                ("buurt", BOSPOLDER, "Bospolder", 400, 80, 0, 20),
                ("buurt", WITTE_DORP, "Witte Dorp", 500, 20, 55, 40),
                ("buurt", OUDE_WESTEN, "Oude Westen", 600, 30, 60, 50))])
        insert(con, "marts.targets", [
            {"target_id": "housing_first_zelfde_woning", "subject_kind": "programme_outcome",
             "subject_id": "tenancy_sustained_12m", "programme": "housing_first", "area_level": "totaal",
             "area_code": "totaal", "period_type": "cohort", "period": "2024-Q4", "value": 0.85,
             "value_low": 0.78, "value_high": 0.9, "target_value": 0.73, "target_year": 2026, "direction": "at_least", "status": "reached",
             "status_certain": True}])
        insert(con, "marts.leefbaarometer", [
            {"area_level": "wijk", "area_code": DELFSHAVEN, "area_name": "Delfshaven", "jaar": year,
             "lbm": 4.0, "afw": afw, "klasse": 5, "klasse_nl": "voldoende", "klasse_en": "sufficient"}
            for year, afw in ((2002, -0.2), (2012, -0.1), (2024, 0.05))]
            + [{"area_level": "buurt", "area_code": BOSPOLDER, "area_name": "Bospolder", "jaar": 2024,
                "lbm": 3.9, "afw": -0.1, "klasse": 4, "klasse_nl": "zwak", "klasse_en": "weak"}])

        # deliveries: accepted, one refused with a hostile reason, one from an unknown partner
        ledger = [("havensteder", "huurcontracten", m, "accepted", []) for m in ("2026-07", "2026-08", "2026-09")]
        ledger.append(("woonstad", "huurachterstand", "2026-08", "refused",
                       [{"code": "privacy", "nl": f"Persoonsgegevens gevonden {EVIL}", "en": f"Personal data found {EVIL}"}]))
        ledger.append((EVIL, "huurcontracten", "2026-09", "refused",
                       [{"code": "unknown_partner", "nl": "Onbekende partner", "en": "Unknown partner"}]))
        for partner, dataset, period, decision, reasons in ledger:
            con.execute("""insert into raw.load_ledger (file_name, sha256, partner, dataset, period, decision,
                               reasons, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?)""",
                        [f"{partner}__{dataset}__{period}.csv", "0" * 64, partner, dataset, period, decision,
                         json.dumps(reasons), datetime(2026, 10, 5, tzinfo=timezone.utc)])
        insert(con, "marts.delivery_status", [
            {"partner": "politie", "dataset": "incidenten", "expected_period": "2026-09",
             "latest_period": "2026-08", "due_date": date(2026, 10, 10), "overdue": True, "days_overdue": 12}])
    return path
