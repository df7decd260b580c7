"""The acceptance attack: an outsider with only the Parquet exports and the public buurt map
(tests/attacker.py) against the hand-made indicator world, scored against the warehouse's truth.

- no suppressed non-zero count bounded within ±2 (interval propagation and the LP),
- no count under 15 recovered exactly from a rounded cell (values with decimals),
- no published person or tenancy count of 1-9 in any export.
And the publication boundary: every exported column has a rule, and reports read only declared
tables."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from assets.exports import EXPORTED, write_exports
from quality import publication
from sources.indicators import load_catalogue
from tests import attacker
from tests.test_indicators import world  # noqa: F401  (the hand-made world, built for this module)
from tests.test_outcomes import warehouse as outcome_warehouse  # noqa: F401  (the outcome world)

REPO = Path(__file__).resolve().parents[1]
PERSON_RULES = ("count", "count_exact")


def export_indicator_world(con, folder: Path) -> Path:
    """The Parquet exports of a warehouse that holds only some marts (the indicator ones, or the
    cost and programme ones): the others are empty stand-ins."""
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    for name in EXPORTED:   # the indicator worlds have no cost or housing marts: empty stand-ins
        if name not in present:
            columns = publication.boundary()[f"marts.{name}"].columns
            con.execute(f'create table marts."{name}" as select '
                        + ", ".join(f'null::varchar as "{c}"' for c in columns) + " limit 0")
    write_exports(con, folder)
    return folder


@pytest.fixture(scope="module")
def exports(world, tmp_path_factory) -> Path:  # noqa: F811
    return export_indicator_world(world, tmp_path_factory.mktemp("exports"))


def truth(world) -> dict[tuple[str, str, str], float]:  # noqa: F811
    from tests.attack_at_scale import true_counts
    return true_counts(world, load_catalogue())


def test_no_suppressed_non_zero_count_is_bounded_within_two(world, exports):  # noqa: F811
    real = truth(world)
    catalogue = load_catalogue()
    persons = {t.measure for i in catalogue.indicators for t in (i.numerator, i.denominator)
               if t.counts in ("persons", "respondents") and not t.public}
    targets = set()
    for row in attacker.read(exports, "indicator_values_published"):
        if row["suppressed"]:
            indicator = catalogue.by_id(row["indicator_id"])
            for term in (indicator.numerator, indicator.denominator):
                key = (term.measure, row["area_code"], row["period"])
                if term.measure in persons and real.get(key, 0) > 0:
                    targets.add(key)
    assert len(targets) > 10, "there is something to attack"
    found = attacker.bounds(exports, targets)   # those shown by another indicator are known
    assert len(found) > 10 and set(found) <= targets
    pinned = {k: (low, high, real[k]) for k, (low, high) in found.items()
              if low >= real[k] - 2 - 1e-6 and high <= real[k] + 2 + 1e-6}
    assert pinned == {}
    # and the bounds are true bounds: the attacker is sound, so the test can fail
    assert all(low - 1e-6 <= real[k] <= high + 1e-6 for k, (low, high) in found.items())


def test_the_shortcut_of_the_attack_at_scale_changes_no_verdict(world, exports):  # noqa: F811
    """tests/attack_at_scale.py spends an LP on a count only where feasible points do not already
    show it wide enough: every count gets the verdict of its exact bounds, a range from points
    lies inside them, and a count no point can settle gets its exact bounds."""
    from tests.attack_at_scale import too_narrow
    real = truth(world)
    catalogue = load_catalogue()
    targets = set()
    for row in attacker.read(exports, "indicator_values_published"):
        if row["suppressed"]:
            indicator = catalogue.by_id(row["indicator_id"])
            targets |= {(t.measure, row["area_code"], row["period"]) for t in (indicator.numerator, indicator.denominator)
                        if t.rounded and real.get((t.measure, row["area_code"], row["period"]), 0) >= 1}
    exact = attacker.bounds(exports, targets)
    quick = attacker.bounds(exports, targets, wide_enough=lambda k, low, high: not too_narrow(real[k], low, high))
    assert set(quick) == set(exact) and len(exact) > 10
    assert {k: too_narrow(real[k], *quick[k]) for k in quick} == {k: too_narrow(real[k], *exact[k]) for k in exact}
    assert all(exact[k][0] - 1e-6 <= low and high <= exact[k][1] + 1e-6 for k, (low, high) in quick.items())
    assert any(quick[k] != pytest.approx(exact[k]) for k in exact), "the shortcut was taken"
    # a third pass over every count costs as much as the exact one: a sample shows the same
    sample = set(sorted(exact)[::max(1, len(exact) // 40)])
    never = attacker.bounds(exports, sample, wide_enough=lambda k, low, high: False)
    assert set(never) == sample and all(never[k] == pytest.approx(exact[k]) for k in sample)


def priors(world) -> dict:  # noqa: F811
    """The estimates' priors: handed to the attacker (more than an outsider could know)."""
    return {tuple(r[:4]): tuple(r[4:]) for r in world.execute("""
        select indicator_id, area_code, period_type, period, model, prior_a, prior_b, sigma, scale,
            direct, periods_pooled
        from marts.indicator_estimates
        where prior_a is not null and prior_b is not null""").fetchall()}


def inversion_targets(world, exports) -> tuple[dict, set]:  # noqa: F811
    """The true counts, and the hidden non-zero counts (not public) that publish an estimate."""
    real, catalogue = truth(world), load_catalogue()
    targets = set()
    for row in attacker.read(exports, "indicator_values_published"):
        if row["suppressed"] and row["estimate"] is not None:
            indicator = catalogue.by_id(row["indicator_id"])
            for term in (indicator.numerator, indicator.denominator):
                key = (term.measure, row["area_code"], row["period"])
                if term.rounded and not term.public and real.get(key, 0) > 0:
                    targets.add(key)
    return real, targets


def test_the_inversion_attack_pins_counts_behind_unrounded_estimates(world, exports, tmp_path):  # noqa: F811
    # the attack is real: the same files with the estimates as computed pin hidden counts exactly
    world.execute("create or replace temp table _old as select * from marts.indicator_values_published")
    try:
        world.execute("""
            update marts.indicator_values_published p
            set estimate = e.estimate, value_low = e.est_low, value_high = e.est_high
            from marts.indicator_estimates e
            where e.indicator_id = p.indicator_id and e.area_code = p.area_code
              and e.period_type = p.period_type and e.period = p.period and p.suppressed
              and e.prior_a is not null""")
        write_exports(world, tmp_path)
        real, targets = inversion_targets(world, tmp_path)
        found = attacker.invert_estimates(tmp_path, priors(world), real, {}, targets, widest=200)
        assert any(found[k] == (real[k], real[k]) for k in targets if k in found), (len(targets), len(found))
    finally:
        world.execute("create or replace table marts.indicator_values_published as select * from _old")


def test_no_count_under_15_is_recovered_exactly_from_a_rounded_cell(world, exports):  # noqa: F811
    real = {(i, a, p): (n, d) for i, a, p, n, d in world.execute(
        "select indicator_id, area_code, period, numerator, denominator from marts.indicator_values"
    ).fetchall()}
    claims = attacker.exact_from_values(exports)
    recovered = [c for c in claims if c[4] < 15
                 and real[c[:3]][0 if c[3] == "numerator" else 1] == c[4]]
    assert recovered == []


def test_the_value_attack_works_on_values_from_exact_counts(world, tmp_path):  # noqa: F811
    """The attack is real: the same files with values from the exact counts (the old rule)
    give counts under 15 back."""
    world.execute("create or replace temp table _old as select * from marts.indicator_values_published")
    try:
        world.execute("""
            update marts.indicator_values_published p
            set value = round(v.value, 2), numerator = round(v.numerator / 5) * 5
            from marts.indicator_values v
            where v.indicator_id = p.indicator_id and v.area_code = p.area_code
              and v.period = p.period and not p.suppressed""")
        write_exports(world, tmp_path)
        real = {(i, a, p): (n, d) for i, a, p, n, d in world.execute(
            "select indicator_id, area_code, period, numerator, denominator "
            "from marts.indicator_values").fetchall()}
        claims = attacker.exact_from_values(tmp_path)
        assert any(c[4] < 15 and real[c[:3]][0 if c[3] == "numerator" else 1] == c[4]
                   for c in claims)
    finally:
        world.execute("create or replace table marts.indicator_values_published as select * from _old")


def test_no_person_count_of_1_to_9_in_any_export(exports):
    catalogue = load_catalogue()
    for name in EXPORTED:
        declared = publication.boundary()[f"marts.{name}"]
        for row in attacker.read(exports, name):
            for column, rule in declared.columns.items():
                value = row.get(column)
                if name == "indicator_values_published" and column in ("numerator", "denominator"):
                    if getattr(catalogue.by_id(row["indicator_id"]), column).counts != "persons":
                        continue   # homes and events follow the catalogue's own rule
                if rule in PERSON_RULES and isinstance(value, (int, float)):
                    assert not 1 <= value <= 9, (name, column, row)


COST_MARTS = ("cost_per_outcome", "cost_per_tenancy_month", "rate_card_comparison", "social_return",
              "social_return_sensitivity", "stakeholder_balance")


@pytest.fixture(scope="module")
def cost_exports(outcome_warehouse, tmp_path_factory) -> Path:  # noqa: F811
    """The Parquet exports of the outcome world (tests/test_outcomes.py), where the cost and
    programme marts publish cells, suppress some and hide breakdowns."""
    from engine.warehouse import open_warehouse
    folder = tmp_path_factory.mktemp("cost_exports")
    with open_warehouse(outcome_warehouse) as con:
        return export_indicator_world(con, folder)


def small_person_counts(exports: Path, names=COST_MARTS) -> list[tuple]:
    """Every published person or tenancy count of 1-9 (rules count and count_exact), and every
    failure count (n_persons - n_outcomes, what a published rate gives back) of 1-9."""
    found = []
    for name in names:
        declared = publication.boundary()[f"marts.{name}"]
        for row in attacker.read(exports, name):
            for column, rule in declared.columns.items():
                if rule in PERSON_RULES and isinstance(row.get(column), (int, float)) \
                        and 1 <= row[column] <= 9:
                    found.append((name, column, row[column]))
            if row.get("n_persons") is not None and row.get("n_outcomes") is not None \
                    and 1 <= row["n_persons"] - row["n_outcomes"] <= 9:
                found.append((name, "n_persons - n_outcomes", row["n_persons"] - row["n_outcomes"]))
    return found


def test_no_suppressed_row_below_the_city_says_someone_is_there(cost_exports, outcome_warehouse):  # noqa: F811
    """Cost rows exist only where a programme had entries, so a suppressed buurt or wijk row would
    say "someone of this programme started here" (found by an outside attacker on the demo). What
    leaves the warehouse keeps only the visible ones; an absent row may be nobody or hidden."""
    from engine.warehouse import open_warehouse
    ruled = [t.name.split(".", 1)[1] for t in publication.boundary().values()
             if t.rows == "visible_below_city"]
    assert {"cost_per_outcome", "cost_per_tenancy_month", "rate_card_comparison"} <= set(ruled)
    with open_warehouse(outcome_warehouse, read_only=True) as con:
        inside = con.execute("""select count(*) from marts.cost_per_outcome
            where suppressed and area_level in ('buurt', 'wijk')""").fetchall()[0][0]
        read = publication.read(con, "marts.cost_per_outcome", columns=["area_level", "suppressed"])
    assert inside > 0, "the warehouse holds suppressed buurt or wijk rows: the rule has work"
    assert not [r for r in read if r["suppressed"] and r["area_level"] in ("buurt", "wijk")]
    for name in ruled:
        rows = attacker.read(cost_exports, name)
        assert not [r for r in rows if r["suppressed"] and r["area_level"] in ("buurt", "wijk")], name
    shown = attacker.read(cost_exports, "cost_per_outcome")
    assert any(r["suppressed"] for r in shown), "suppressed city rows still show (no presence there)"


def test_no_person_count_of_1_to_9_and_no_hidden_count_given_back_in_the_cost_marts(
        cost_exports, outcome_warehouse):  # noqa: F811
    shown = {name: attacker.read(cost_exports, name) for name in COST_MARTS}
    assert sum(not r["suppressed"] for r in shown["cost_per_outcome"]) > 10, "cells are published"
    assert any(r["suppressed"] for r in shown["cost_per_outcome"]), "and cells are suppressed"
    assert small_person_counts(cost_exports) == []
    # counts of 10 or more that the headline gives back anyway (lost housing = failures where it
    # is the only failure path) are not secret; a hidden count of 1-9 must not come back
    recovered = attacker.cost_row_recoveries(cost_exports)
    assert recovered and [r for r in recovered if 1 <= r[-1] <= 9] == []
    hidden_breakdowns = [r for r in shown["cost_per_outcome"] if not r["suppressed"]
                         and r["cohort_kind"] == "pool" and r["area_level"] == "totaal"
                         and r["n_died"] is None and r["n_same_home"] is not None]
    assert hidden_breakdowns, "and breakdowns hidden in published cells"
    # the attacker is real: with the row's true n_excluded shown, its hidden death comes back
    leak = next(r for r in hidden_breakdowns if r["outcome_id"] == "tenancy_sustained_12m")
    from engine.warehouse import open_warehouse
    with open_warehouse(outcome_warehouse, read_only=True) as con:
        (excluded,), = con.execute("""select n_excluded from core.cost_per_outcome_cells
            where programme = ? and cohort = ? and area_code = ? and outcome_id = ?""",
            [leak["programme"], leak["cohort"], leak["area_code"], leak["outcome_id"]]).fetchall()
    folder = cost_exports.parent / "cost_exports_leaky"
    folder.mkdir(exist_ok=True)
    shutil.copy(cost_exports / "cost_per_tenancy_month.parquet", folder)
    rows = [{**r, "n_excluded": excluded} if r is leak else r for r in shown["cost_per_outcome"]]
    attacker.duckdb.from_arrow(pa.Table.from_pylist(rows)).write_parquet(
        str(folder / "cost_per_outcome.parquet"))
    recovered = attacker.cost_row_recoveries(folder)
    assert any(count == "n_died" and value == excluded and 1 <= value <= 9
               for *_, count, value in recovered), recovered


def test_no_hidden_quarter_is_known_to_hold_fewer_than_10(cost_exports, outcome_warehouse):  # noqa: F811
    """A hidden start quarter of marts.cost_per_tenancy_month lies between what it is known to
    hold (1, or the persons decided a visible quarter row of marts.cost_per_outcome shows) and
    its pool's hidden entries less what the other hidden quarters hold. An outsider pinned the
    demo's uitstroom_mo 2026-Q1 so: 16 hidden in two quarters, 10 decided shown in the other,
    so 1-6 entries; the pool's entries came from an outcome no entry had reached (all censored
    by the dates, so none excluded either)."""
    from engine.warehouse import open_warehouse
    from tests.attack_at_scale import true_quarter_entries
    with open_warehouse(outcome_warehouse, read_only=True) as con:
        truth = true_quarter_entries(con)
    bounds = attacker.hidden_quarter_bounds(cost_exports)
    assert bounds, "quarters are hidden in pools the cost table shows: the rule has work"
    assert [k for k, (low, high) in bounds.items() if not low <= truth[k] <= high] == [], \
        "the outsider's bounds hold the truth"
    assert [(k, low, high) for k, (low, high) in bounds.items() if high < 10] == []


def test_a_pool_that_would_pin_its_one_hidden_quarter_is_hidden(outcome_warehouse, tmp_path):  # noqa: F811
    """Planted: the smallest shown quarter of a pool the city total shows is hidden in
    marts.cost_per_tenancy_month (as its own rule hides a quarter of 1-9). Published again,
    marts.cost_per_outcome must not show that pool's entries, which less the quarters shown
    would give the hidden one back exactly."""
    from assets.outcomes import PUBLICATIONS, publish
    from engine.warehouse import open_warehouse
    from tests.attack_at_scale import too_narrow
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(outcome_warehouse, path)
    with open_warehouse(path) as con:
        (programme, pool, quarter, entries), = con.execute("""
            select pools.programme, pools.cohort, quarters.cohort, shown.n_persons
            from marts.cost_per_outcome as pools
            join core.cost_per_outcome_cells as quarters
                on quarters.programme = pools.programme and quarters.cohort_parent = pools.cohort
                and quarters.area_code = pools.area_code and quarters.cohort_kind = 'quarter'
            join marts.cost_per_tenancy_month as shown
                on shown.programme = quarters.programme and shown.cohort = quarters.cohort
                and shown.area_code = quarters.area_code
            where pools.area_level = 'totaal' and pools.cohort_kind = 'pool' and pools.n_cohort is not null
              and not shown.suppressed
            order by shown.n_persons, pools.programme, pools.cohort, quarters.cohort
            limit 1""").fetchall()
        con.execute("""update marts.cost_per_tenancy_month set suppressed = true, n_persons = null
                       where programme = ? and cohort = ? and area_code = 'totaal'""", [programme, quarter])
        publish(con, PUBLICATIONS["marts.cost_per_outcome"])
        exports = export_indicator_world(con, tmp_path / "exports")
    hidden, low, high = attacker.quarters_from_pools(exports)[(programme, pool, "totaal")]
    assert hidden == (quarter,)
    assert not too_narrow(entries, low, high) or (high >= 10 and entries < 10), (entries, low, high)


def test_every_exported_column_has_a_rule_and_every_rule_a_column(exports):
    for name in EXPORTED:
        columns = [c[0] for c in attacker.duckdb.sql(
            f"select * from read_parquet('{exports / (name + '.parquet')}') limit 0").description]
        assert publication.undeclared_columns(f"marts.{name}", columns) == [], name
        declared = publication.boundary()[f"marts.{name}"].columns
        assert sorted(set(declared) - set(columns)) == [], f"{name}: declared but not published"
    assert "indicator_values" not in EXPORTED
    assert publication.undeclared_columns("marts.indicator_values_published", ["exact_count"]) \
        == ["exact_count"], "an undeclared column is caught"


def test_reports_read_only_tables_inside_the_boundary():
    pattern = re.compile(r"\b(raw|staging|core|marts)\.([a-z_]+)\b")
    # Every report module; not the planner, an internal model for the allocation team that
    # reads core tables inside the warehouse and publishes nothing (docs/placement.md).
    modules = [p for p in (REPO / "reporting").rglob("*.py") if p.name != "planner.py"]
    assert any(p.parent.name == "board" for p in modules)
    for path in modules:
        for schema, table in set(pattern.findall(path.read_text(encoding="utf-8"))):
            assert publication.boundary().get(f"{schema}.{table}") is not None, (path.name, table)
            assert publication.boundary()[f"{schema}.{table}"].report, (path.name, table)
    with pytest.raises(publication.NotPublished):
        publication.require("marts.indicator_values")
