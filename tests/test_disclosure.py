"""Disclosure control: primary and complementary suppression, rounding, and proof that no hidden
cell can be recomputed from what is published (sibling subtraction, linear algebra, and the
bounds an attacker gets from linear programming with non-negative counts)."""
from __future__ import annotations

import random

import duckdb
import numpy as np
import polars as pl
import pytest
from scipy.optimize import linprog

from quality.disclosure import (LARGE_COMPONENT, Hierarchy, area_hierarchy, audit, determined_cells,
                                period_hierarchy, period_parent, suppress, suppress_frame)

AREAS = Hierarchy("area", {"b1": "w1", "b2": "w1", "b3": "w1", "b4": "w2", "b5": "w2", "b6": "w2",
                           "w1": "g", "w2": "g", "g": None})
BUURTEN = ["b1", "b2", "b3", "b4", "b5", "b6"]
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
PERIODS = MONTHS + [f"2025-Q{q}" for q in range(1, 5)] + ["2025"]


def leaves_of_area(area: str) -> list[str]:
    return [b for b in BUURTEN if area in (b, AREAS.parents[b], "g")]


def leaves_of_period(period: str) -> list[str]:
    return [m for m in MONTHS if period in (m, period_parent(m), period_parent(period_parent(m)))]


def world(seed: int, choices=(0, 0, 1, 3, 8, 12, 30, 60)) -> dict[tuple[str, str], int]:
    """A buurt x month table of counts with every wijk, gemeente, quarter and year total."""
    rng = random.Random(seed)
    leaf = {(b, m): rng.choice(choices) for b in BUURTEN for m in MONTHS}
    return {(a, p): sum(leaf[(b, m)] for b in leaves_of_area(a) for m in leaves_of_period(p))
            for a in BUURTEN + ["w1", "w2", "g"] for p in PERIODS}


def publish(con, cells: dict, rounding: int = 1) -> dict:
    frame = pl.DataFrame([(a, p, n) for (a, p), n in cells.items()],
                         schema=["area", "period", "n"], orient="row")
    con.execute("create or replace table t as select * from frame")
    suppress(con, "t", "p", hierarchies=[AREAS, period_hierarchy(PERIODS)], base="n", counts=["n"],
             rounding=rounding)
    return {(a, p): (n, s) for a, p, n, s in con.execute("select * from p").fetchall()}


def families(cells) -> list[list[tuple]]:
    """[parent, *children] for every parent along either hierarchy."""
    out = []
    for (a, p) in cells:
        for kids in ([(c, p) for c, up in AREAS.parents.items() if up == a],
                     [(a, m) for m in PERIODS if period_parent(m) == p]):
            kids = [k for k in kids if k in cells]
            if kids:
                out.append([(a, p), *kids])
    return out


def test_small_cell_and_one_sibling_hidden_counts_rounded_to_five():
    con = duckdb.connect()
    con.execute("create table t (area varchar, n bigint, eur double)")
    con.executemany("insert into t values (?, ?, ?)", [
        ("b1", 3, 10.0), ("b2", 52, 20.0), ("b3", 41, 30.0), ("b4", 0, None), ("b5", 33, 50.0),
        ("b6", 61, 60.0), ("w1", 96, 60.0), ("w2", 94, 110.0), ("g", 190, 170.0)])
    report = suppress(con, "t", "p", hierarchies=[AREAS], base="n", counts=["n"], blank=["eur"])
    rows = {a: (n, eur, s) for a, n, eur, s in con.execute("select * from p").fetchall()}
    assert rows["b1"] == (None, None, True)  # primary: 3 persons
    assert rows["b3"] == (None, None, True)  # complementary: the smaller sibling
    assert rows["b2"] == (50, 20.0, False) and rows["w1"] == (95, 60.0, False)
    assert rows["b4"] == (0, None, False)    # empty cells are not hidden
    assert rows["g"] == (190, 170.0, False) and rows["b5"] == (35, 50.0, False)
    assert (report.primary, report.complementary) == (1, 1)


def test_hidden_children_together_must_not_be_a_small_cell():
    con = duckdb.connect()
    con.execute("create table t (area varchar, n bigint)")
    con.executemany("insert into t values (?, ?)", [
        ("b1", 3), ("b2", 4), ("b3", 41), ("b4", 20), ("b5", 20), ("b6", 20),
        ("w1", 48), ("w2", 60), ("g", 108)])
    suppress(con, "t", "p", hierarchies=[AREAS], base="n", counts=["n"], rounding=1)
    hidden = {a for a, _, s in con.execute("select * from p").fetchall() if s}
    # b1 + b2 = 7 would be a cell of 7 persons (48 - 41): b3 goes too.
    assert hidden == {"b1", "b2", "b3"}


def test_a_group_none_of_whom_has_the_outcome_is_not_shown_alone_or_as_hidden_children():
    # (persons, outcomes): 'all of them failed' says it of each one, however many they are
    rows = {"b1": (3, 0), "b2": (8, 0), "b3": (41, 30), "b4": (20, 15), "b5": (20, 15),
            "b6": (12, 0), "w1": (52, 30), "w2": (52, 30), "g": (104, 60)}
    con = duckdb.connect()
    con.execute("create table t (area varchar, n bigint, ok bigint)")
    con.executemany("insert into t values (?, ?, ?)", [(a, *v) for a, v in rows.items()])

    def hidden(**kwargs) -> set[str]:
        suppress(con, "t", "p", hierarchies=[AREAS], base="n", protect=["n", "ok"], counts=["n", "ok"],
                 rounding=1, **kwargs)
        return {a for a, *_, s in con.execute("select * from p").fetchall() if s}

    # without the rule: b6 shows 0 of 12, and w1 - b3 shows b1 and b2 together as 0 of 11
    assert hidden() == {"b1", "b2"}
    # with it: b6 is primary (with a sibling), and b3 goes too, so w1 - b3 tells nothing
    assert hidden(none_of=("ok", "n")) == {"b1", "b2", "b3", "b6", "b4"}
    with pytest.raises(ValueError, match="two protected counts"):
        hidden(none_of=("ok", "eur"))


@pytest.mark.parametrize("seed", range(25))
def test_no_hidden_cell_follows_from_siblings_or_any_chain_of_equations(seed):
    con = duckdb.connect()
    cells = world(seed)
    published = publish(con, cells)
    for family in families(cells):
        hidden = [c for c in family if published[c][1]]
        parent, *children = family
        if any(published[c][1] for c in children):
            assert len([c for c in children if published[c][1]]) >= 2 or published[parent][1]
        assert len(hidden) != 1
        # brute force: recompute each hidden cell from its visible family members
        for cell in hidden:
            others = [c for c in family if c != cell]
            if all(not published[c][1] for c in others):
                pytest.fail(f"{cell} = recomputable from its family {family}")
    for cell, (n, suppressed) in published.items():
        if 1 <= cells[cell] <= 9:
            assert suppressed, cell
    assert audit(con, "p", hierarchies=[AREAS, period_hierarchy(PERIODS)]) == []


@pytest.mark.parametrize("seed", range(4))
def test_an_attacker_with_linear_programming_cannot_pin_a_small_cell(seed):
    """Exact (unrounded) published values, non-negative counts: every hidden primary cell keeps
    an interval of possible values."""
    con = duckdb.connect()
    cells = world(seed)
    published = publish(con, cells)
    hidden = [c for c, (_, s) in published.items() if s]
    index = {c: i for i, c in enumerate(hidden)}
    rows, rhs = [], []
    for parent, *children in families(cells):
        row, known = np.zeros(len(hidden)), 0.0
        for cell, sign in [(parent, 1.0)] + [(c, -1.0) for c in children]:
            if published[cell][1]:
                row[index[cell]] += sign
            else:
                known -= sign * published[cell][0]
        if row.any():
            rows.append(row)
            rhs.append(known)
    for cell in hidden:
        if not 1 <= cells[cell] <= 9:
            continue
        objective = np.zeros(len(hidden))
        objective[index[cell]] = 1.0
        low = linprog(objective, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None)).fun
        high = -linprog(-objective, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None)).fun
        assert high - low >= 1, (cell, low, high)


def test_the_audit_catches_a_bridge_the_family_rule_misses():
    # Two pairs of hidden cells (10, 11 and 14, 15), each pair sharing two equations, joined by
    # cell 13: every equation holds two or more hidden cells, yet 13 = equation 1 - equation 2.
    members = [(1, 10, False), (1, 11, False), (2, 10, False), (2, 11, False), (2, 13, False),
               (3, 13, True), (3, 14, False), (3, 15, False), (4, 14, False), (4, 15, False)]
    assert determined_cells(members) == [13]
    assert determined_cells([(1, 1, True), (1, 2, False), (2, 2, False), (2, 3, False),
                             (3, 1, False), (3, 3, False)]) == []


@pytest.mark.parametrize("seed", range(3))
def test_determined_cells_are_those_whose_unit_vector_adds_no_rank(seed):
    """Re-derived by another route: cell j is pinned down iff adding the equation x_j = c to the
    system leaves its rank unchanged (numpy's SVD rank), on random two-level table systems (a
    parent and its children per family, families sharing cells, as area and time hierarchies
    do). Each is asked twice (the second answer comes from memory) and with its equations in
    reverse order."""
    rng = random.Random(seed)
    for _ in range(20):
        n = rng.randint(4, 40)
        members, rows = [], []
        for family in range(rng.randint(2, 25)):
            cells = rng.sample(range(n), rng.randint(2, min(6, n)))
            members += [(family, cells[0], True)] + [(family, c, False) for c in cells[1:]]
            row = np.zeros(n)
            row[cells[0]], row[cells[1:]] = 1.0, -1.0
            rows.append(row)
        matrix = np.array(rows)
        used = sorted({c for _, c, _ in members})
        rank = np.linalg.matrix_rank(matrix)
        expected = [j for j in used if np.linalg.matrix_rank(np.vstack([matrix, np.eye(n)[j]])) == rank]
        assert determined_cells(members) == expected
        assert determined_cells(members) == expected
        assert determined_cells(list(reversed(members))) == expected


def test_a_component_too_large_for_one_blas_thread_is_decided_as_well():
    """A chain of families x_i - x_(i+1) = known, longer than LARGE_COMPONENT (factorised on
    every core): it moves as one, so no cell is pinned down, until one family holds x_0 alone,
    which pins every cell of the chain."""
    length = LARGE_COMPONENT + 10
    chain = [m for i in range(length) for m in ((i, i, True), (i, i + 1, False))]
    assert determined_cells(chain) == []
    assert determined_cells(chain + [(length, 0, True)]) == list(range(length + 1))


def test_linked_tables_share_one_pattern():
    con = duckdb.connect()
    con.execute("create table t (grp varchar, ind varchar, area varchar, n bigint)")
    rows = []
    for ind, small in (("a", "b1"), ("b", "b4")):
        counts = {b: (4 if b == small else 30 + i) for i, b in enumerate(BUURTEN)}
        totals = {"w1": sum(counts[b] for b in BUURTEN[:3]), "w2": sum(counts[b] for b in BUURTEN[3:])}
        totals["g"] = totals["w1"] + totals["w2"]
        rows += [("x", ind, a, n) for a, n in {**counts, **totals}.items()]
    con.executemany("insert into t values (?, ?, ?, ?)", rows)
    suppress(con, "t", "p", hierarchies=[AREAS], base="n", by=["grp", "ind"], shared_by=["grp"],
             counts=["n"])
    patterns = {}
    for ind, area, s in con.execute("select ind, area, suppressed from p").fetchall():
        patterns.setdefault(ind, set()).update({area} if s else set())
    assert patterns["a"] == patterns["b"] and {"b1", "b4"} <= patterns["a"]


def test_frame_api_and_hierarchies():
    frame = pl.DataFrame({"area": ["b1", "b2", "b3", "w1"], "n": [2, 20, 30, 52]})
    out = suppress_frame(frame, hierarchies=[AREAS], base="n", counts=["n"])
    assert out.filter(pl.col("suppressed"))["area"].sort().to_list() == ["b1", "b2"]
    assert out.filter(pl.col("area") == "w1")["n"].to_list() == [50]
    assert period_parent("2025-11") == "2025-Q4" and period_parent("2025-Q4") == "2025"
    assert period_parent("2025") is None
    con = duckdb.connect()
    con.execute("create schema core")
    con.execute("create table core.dim_buurt as select 'BU05990321' as buurtcode, "
                "'WK059903' as wijkcode, 'GM0599' as gemeentecode")
    assert area_hierarchy(con).parents == {"BU05990321": "WK059903", "WK059903": "GM0599", "GM0599": None}


# --- the attacker's audit (quality/disclosure_audit.py) ------------------------------------------

from quality.disclosure_audit import RelationViolated, audit_cells  # noqa: E402

TREE = {"b1": "w", "b2": "w", "b3": "w", "w": None}


def attack(cells: dict, hidden: set, relation="distinct", subsets=(), **kwargs):
    keys = sorted(cells)
    return audit_cells(keys, [cells[k] for k in keys], [k in hidden for k in keys],
                       protected=lambda m: True, area_parents=TREE,
                       time_relation={"n": relation, "part": relation, "whole": relation},
                       subsets=subsets, **kwargs)


def test_a_small_hidden_count_must_be_able_to_reach_zero_and_ten():
    # b1 (3) and b2 (9) hidden under a visible wijk of 12 + b3: each can be anything in 0..12
    wide = {("n", "b1", "2025"): 3, ("n", "b2", "2025"): 9, ("n", "b3", "2025"): 20,
            ("n", "w", "2025"): 32}
    assert attack(wide, {("n", "b1", "2025"), ("n", "b2", "2025")}).findings == []
    # with 3 + 4 = 7 hidden under the total, neither can reach 10: too narrow, and the audit
    # names a visible cell to hide next (b3, the only visible sibling)
    narrow = {**wide, ("n", "b2", "2025"): 4, ("n", "w", "2025"): 27}
    result = attack(narrow, {("n", "b1", "2025"), ("n", "b2", "2025")})
    assert {f.target[1][1] for f in result.findings} == {"b1", "b2"}
    assert all(f.high < 10 for f in result.findings)
    assert result.to_hide == [("n", "b3", "2025")]
    hidden = {("n", "b1", "2025"), ("n", "b2", "2025"), ("n", "b3", "2025")}
    assert attack(narrow, hidden, lp=True).findings == []


def test_persons_pinned_by_the_true_time_relation():
    # one person in January only; the quarter (distinct persons) shows 1: every month <= Q keeps
    # January at 0 or 1 although February is hidden too (the interval must reach 10)
    cells = {("n", "w", "2025-01"): 1, ("n", "w", "2025-02"): 0, ("n", "w", "2025-03"): 0,
             ("n", "w", "2025-Q1"): 1}
    months = {("n", "w", "2025-01"), ("n", "w", "2025-02")}
    result = attack(cells, months)
    assert [(f.target[1], f.low, f.high) for f in result.findings] == [(("n", "w", "2025-01"), 0.0, 1.0)]


def test_the_audit_refuses_a_relation_the_counts_break():
    # persons counted once per quarter do not add up over months: declared as events, refused
    cells = {("n", "w", "2025-01"): 20, ("n", "w", "2025-02"): 20, ("n", "w", "2025-03"): 20,
             ("n", "w", "2025-Q1"): 25}
    with pytest.raises(RelationViolated):
        attack(cells, set(), relation="events")
    assert attack(cells, set(), relation="distinct").findings == []


def test_group_disclosure_none_of_a_small_hidden_group():
    # 8 hidden tenancies, none in arrears; the wijk shows 0 in arrears: 'none of the 8' is proven
    cells = {("whole", "b1", "2025"): 8, ("whole", "b2", "2025"): 30, ("whole", "b3", "2025"): 30,
             ("whole", "w", "2025"): 68, ("part", "b1", "2025"): 0, ("part", "b2", "2025"): 0,
             ("part", "b3", "2025"): 0, ("part", "w", "2025"): 0}
    hidden = {("whole", "b1", "2025"), ("whole", "b2", "2025"), ("part", "b1", "2025"),
              ("part", "b2", "2025")}
    result = attack(cells, hidden, subsets=[("part", "whole")])
    assert ("none_of", ("part", "b1", "2025"), ("whole", "b1", "2025")) in [f.target for f in result.findings]


def grid_world(seed: int) -> tuple[dict, set]:
    """The buurt x month world of counts as audit cells, hidden where suppress() hides them."""
    con = duckdb.connect()
    cells = world(seed, choices=(0, 1, 2, 3, 8, 12, 30))
    published = publish(con, cells)
    return ({("n", a, p): v for (a, p), v in cells.items()},
            {("n", a, p) for (a, p), (_, s) in published.items() if s})


def six_buurten(cells: dict, hidden: set, **kwargs):
    keys = sorted(cells)
    return audit_cells(keys, [cells[k] for k in keys], [k in hidden for k in keys],
                       protected=lambda m: True, area_parents=AREAS.parents,
                       time_relation={"n": "events"}, **kwargs)


def test_local_lps_prove_no_more_than_the_exact_lp(monkeypatch):
    """An LP over a ball of hidden cells (the others fixed at their true values) may only ever
    prove a target wide when it is: with balls of 3 cells the exact audit finds what the LP over
    the whole component finds, and the local audit at least that, on every pattern of an
    extension loop that reaches the LP."""
    import quality.disclosure_audit as disclosure_audit
    cells, hidden = grid_world(0)
    reached_lp = []
    for _ in range(60):
        result = six_buurten(cells, hidden)
        if result.method == "lp":
            reached_lp.append((set(hidden), {f.target for f in result.findings}))
        if not result.findings:
            break
        hidden |= set(result.to_hide)
    assert reached_lp and reached_lp[-1][1] == set(), "the loop ends on an LP audit finding nothing"
    monkeypatch.setattr(disclosure_audit, "BALL", 3)
    monkeypatch.setattr(disclosure_audit, "BALL_GROWTH", 2)
    monkeypatch.setattr(disclosure_audit, "LOCAL_BALL", 3)
    # The outer LP (cells beyond the ball free within their propagation bounds) may only ever
    # prove a target narrow when it is: spy on it, so the equalities below also test it.
    outer_calls = []
    outer_bounds = disclosure_audit._Component.outer_bounds
    monkeypatch.setattr(disclosure_audit._Component, "outer_bounds", lambda self, t, *rest: (
        outer_calls.append(t) or outer_bounds(self, t, *rest)))
    for pattern, exact in (reached_lp[0], reached_lp[-1]):   # one with findings, the clean one
        small = six_buurten(cells, pattern)
        assert {f.target for f in small.findings} == exact and small.lps > 0
        assert exact <= {f.target for f in six_buurten(cells, pattern, local=True).findings}
    assert outer_calls, "the outer LP was tried on a target narrow in its first ball"


def test_the_auditor_reproves_only_what_changed_and_forgets_when_a_cell_is_shown():
    from quality.disclosure_audit import Auditor
    cells, hidden = grid_world(1)
    keys = sorted(cells)
    auditor = Auditor(keys, [cells[k] for k in keys], protected=lambda m: True,
                      area_parents=AREAS.parents, time_relation={"n": "events"})
    pattern = np.array([k in hidden for k in keys])
    first = auditor.audit(pattern)
    fresh = [f.target for f in first.findings]
    again = auditor.audit(pattern)   # the same pattern: nothing left to prove
    assert [f.target for f in again.findings] == fresh
    if not fresh:
        assert again.lps == 0
    shown = pattern.copy()
    shown[np.flatnonzero(pattern)[0]] = False   # a cell shown again: proofs are dropped
    assert [f.target for f in auditor.audit(shown).findings] == \
        [f.target for f in six_buurten(cells, {k for k, s in zip(keys, shown) if s}).findings]


def test_the_points_that_proved_a_pattern_prove_it_to_a_fresh_auditor_and_forged_ones_prove_nothing():
    """An auditor's witnesses (the feasible points that proved its targets wide) let a fresh
    auditor of the same cells prove them without an LP; a point it cannot verify proves nothing:
    one that breaks a relation, moves a cell the pattern shows or makes a count negative. Then the
    fresh auditor's LPs decide, and a count too narrow is still found."""
    from quality.disclosure_audit import Auditor
    cells, hidden = grid_world(0)
    keys = sorted(cells)
    values = [cells[k] for k in keys]
    relations = dict(protected=lambda m: True, area_parents=AREAS.parents, time_relation={"n": "events"})
    narrow, findings = None, None
    for _ in range(60):   # extend the pattern until it holds, keeping the first, with findings
        result = six_buurten(cells, hidden)
        if result.findings and narrow is None:
            narrow, findings = set(hidden), {f.target for f in result.findings}
        if not result.findings:
            break
        hidden |= set(result.to_hide)
    assert narrow, "the world needs a pattern with counts too narrow, or this test proves nothing"
    pattern = np.array([k in hidden for k in keys])
    prover = Auditor(keys, values, **relations)
    proven = prover.audit(pattern)
    assert proven.findings == [] and proven.lps > 0 and prover.witnesses
    fresh = Auditor(keys, values, **relations).audit(pattern, witnesses=prover.witnesses)
    assert fresh.findings == [] and fresh.lps == 0 and fresh.certified == fresh.targets == proven.targets

    # Forged points for the narrow pattern's findings: each moves a target alone (an area's sum
    # breaks), or into a shown cell, or below zero. None of them is taken.
    narrow_pattern = np.array([k in narrow for k in keys])
    shown = int(np.flatnonzero(~narrow_pattern)[0])
    forged = []
    for target in findings:
        cell = keys.index(target[1])
        forged += [(np.array([cell]), np.array([0.0])), (np.array([cell]), np.array([values[cell] + 50.0])),
                   (np.array([cell, shown]), np.array([0.0, values[shown] + 1.0])),
                   (np.array([cell]), np.array([-5.0]))]
    forged_audit = Auditor(keys, values, **relations).audit(narrow_pattern, witnesses=forged)
    assert {f.target for f in forged_audit.findings} == findings and forged_audit.certified == 0

    # Points proven on a pattern are no proof for one that shows a cell they move.
    moved = {int(c) for cells_moved, _ in prover.witnesses for c in cells_moved}
    fewer = pattern.copy()
    fewer[sorted(moved)[0]] = False
    with_points = Auditor(keys, values, **relations).audit(fewer, witnesses=prover.witnesses)
    without = Auditor(keys, values, **relations).audit(fewer)
    assert {f.target for f in with_points.findings} == {f.target for f in without.findings}
    assert with_points.certified < with_points.targets


def test_a_point_with_a_cell_twice_or_not_a_number_proves_nothing():
    """Points read back from the warehouse may be malformed (a helper session's attack): a cell
    stored twice adds up its two moves, so counts that may not go below 0 did so while each
    stored value was >= 0; a NULL value reads as NaN, which passes every comparison. For each
    count too narrow, a point from an LP that lets counts go below 0 (to -3 times their true
    value), its negative cells stored as several rows that add up to them, proves nothing; nor
    does a point of NaNs. The counts are still found."""
    from scipy.optimize import linprog

    from quality.disclosure_audit import Auditor
    cells, hidden = grid_world(0)
    keys = sorted(cells)
    values = np.array([cells[k] for k in keys], dtype=float)
    relations = dict(protected=lambda m: True, area_parents=AREAS.parents, time_relation={"n": "events"})
    for _ in range(60):   # the first pattern of the extension loop with counts too narrow
        result = six_buurten(cells, hidden)
        if result.findings:
            break
        hidden |= set(result.to_hide)
    findings = {f.target for f in result.findings}
    pattern = np.array([k in hidden for k in keys])
    auditor = Auditor(keys, values, **relations)
    matrix, rhs, equality = auditor.matrix, auditor.rhs, auditor.equality
    ids = np.flatnonzero(pattern)
    a, b = matrix[:, ids], rhs - matrix @ np.where(pattern, 0.0, values)
    forged = [(ids, np.full(len(ids), np.nan))]
    for target in findings:
        costs = (ids == keys.index(target[1])).astype(float)
        for sign in (1.0, -1.0):
            x = linprog(sign * costs, A_ub=a[~equality], b_ub=b[~equality], A_eq=a[equality], b_eq=b[equality],
                        bounds=list(zip(-3 * values[ids], values[ids] + 100))).x
            moved, rows = [], []
            for cell, value, truth in zip(ids, x, values[ids]):
                copies = 1 if value >= 0 else int(np.ceil(-value / truth)) + 1   # (copies - 1) x truth
                moved += [cell] * copies
                rows += [0.0] * (copies - 1) + [value + (copies - 1) * truth]
            forged.append((np.array(moved), np.array(rows)))
    assert any(len(moved) > len(set(moved.tolist())) for moved, _ in forged), "no count went below 0"
    audit = Auditor(keys, values, **relations).audit(pattern, witnesses=forged)
    assert {f.target for f in audit.findings} == findings and audit.certified == 0

    # A huge move that cancels in a row's sum rounds away a small break of that row (the same
    # attack): hidden cells that may all grow together, {g, w1, b} x {2025, Q1, a month} for
    # three buurten, pushed up 1e20, and one more hidden cell moved by 3,000 alone, which breaks
    # two relations. Far above any count, it proves nothing.
    position = {key: i for i, key in enumerate(keys)}
    grows = [("n", a, p) for b, month in (("b1", "2025-01"), ("b2", "2025-02"), ("b3", "2025-01"))
             for a in ("g", "w1", b) for p in ("2025", "2025-Q1", month)]
    alone = ("n", "b2", "2025-01")
    pattern = np.array([k in set(grows) | {alone} for k in keys])
    auditor = Auditor(keys, values, **relations)
    growth = np.array([grows.count(k) for k in keys], dtype=float)
    assert np.abs(auditor.matrix @ growth).max() == 0, "they grow together within every relation"
    x = values + 1e20 * growth
    x[position[alone]] += 3000.0
    moved = np.flatnonzero(x != values)
    assert auditor._proven_by([(moved, x[moved])], pattern, np.array([position[alone]]), [])[1] == []


def test_an_exact_audit_shared_with_an_idle_core_finds_what_one_thread_finds(monkeypatch):
    """With a core's token to spare, an exact audit's component takes a second thread, both
    taking the next target from one queue and sharing their points. Its findings are the targets
    narrow over the whole component, so on every pattern of an extension loop they are the
    one-thread audit's (all of them, and the first when it stops after one), with the same cells
    to hide next; its points prove the last pattern to a fresh auditor without an LP. Without a
    token to spare it stays in one thread, and a failure in the helper fails the audit."""
    import threading

    import quality.disclosure_audit as disclosure_audit
    from quality.disclosure_audit import Auditor
    cells, hidden = grid_world(11)   # a world whose loop has an LP audit with findings
    keys = sorted(cells)
    values = [cells[k] for k in keys]
    relations = dict(protected=lambda m: True, area_parents=AREAS.parents, time_relation={"n": "events"})
    threads = []
    restricted = disclosure_audit._Component.restricted
    monkeypatch.setattr(disclosure_audit._Component, "restricted", lambda self, columns: (
        threads.append(threading.current_thread().name), restricted(self, columns))[1])
    monkeypatch.setattr(disclosure_audit, "SHARE_FROM", 0)
    found_by_lp = []
    for _ in range(60):
        pattern = np.array([k in hidden for k in keys])
        audits = {}
        for spare in (None, threading.Semaphore(1)):   # one thread; a core to spare
            monkeypatch.setattr(disclosure_audit, "_cores", spare)
            auditor = Auditor(keys, values, **relations)
            audits[spare is None] = (auditor, auditor.audit(pattern),
                                     Auditor(keys, values, **relations).audit(pattern, stop_after=1))
            assert spare is None or spare.acquire(False), "the helper's token is given back"
        (_, alone, first_alone), (shared, both, first_both) = audits[True], audits[False]
        assert [f.target for f in both.findings] == [f.target for f in alone.findings]
        assert both.to_hide == alone.to_hide and both.method == alone.method
        assert [f.target for f in first_both.findings] == [f.target for f in first_alone.findings]
        if alone.method == "lp":
            found_by_lp.append(len(alone.findings))
        if not alone.findings:
            break
        hidden |= set(alone.to_hide)
    assert alone.findings == [] and found_by_lp[0] > 0 and len(found_by_lp) >= 2
    assert "audit-helper" in threads
    fresh = Auditor(keys, values, **relations).audit(pattern, witnesses=shared.witnesses)
    assert fresh.findings == [] and fresh.lps == 0 and fresh.certified == fresh.targets

    threads.clear()   # every core busy: no thread of its own
    monkeypatch.setattr(disclosure_audit, "_cores", threading.Semaphore(0))
    assert Auditor(keys, values, **relations).audit(pattern).findings == [] and "audit-helper" not in threads

    short, started = disclosure_audit._Component.short, threading.Event()

    def failing(self, low, high):   # the helper fails on its first target: so does the audit
        if threading.current_thread().name == "audit-helper":
            started.set()
            raise RuntimeError("HiGHS: Solve error")
        if any(thread.name == "audit-helper" for thread in threading.enumerate()):
            started.wait(10)   # the main thread leaves the helper a target
        return short(self, low, high)
    monkeypatch.setattr(disclosure_audit._Component, "short", failing)
    spare = threading.Semaphore(1)
    monkeypatch.setattr(disclosure_audit, "_cores", spare)
    with pytest.raises(RuntimeError, match="Solve error"):
        Auditor(keys, values, **relations).audit(pattern)
    assert spare.acquire(False), "the helper's token is given back"
    spare.release()

    monkeypatch.setattr(disclosure_audit._Component, "short", short)   # no thread to be had
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: (
        start(thread) if thread.name != "audit-helper" else (_ for _ in ()).throw(RuntimeError("can't start new thread"))))
    with pytest.raises(RuntimeError, match="can't start new thread"):
        Auditor(keys, values, **relations).audit(pattern)
    assert spare.acquire(False), "the token is given back"


def test_a_count_an_earlier_release_showed_is_known_and_never_picked_to_hide():
    """quality/releases.py: a count an earlier release showed is known to the attacker. Here B2
    is the one complement of the small B1 (3) in a wijk of 30: shown before, it protects
    nothing, and the cell to hide next is B3 although B2 is the smaller (B2, shown again, would
    be what an auditor without that memory picks)."""
    from quality.disclosure_audit import Auditor
    month = "2025-01"
    values = {"W": 30.0, "B1": 3.0, "B2": 12.0, "B3": 15.0}
    keys = [("n", area, month) for area in values]
    relations = dict(protected=lambda m: True, area_parents={"W": None, "B1": "W", "B2": "W", "B3": "W"},
                     time_relation={"n": "events"})
    hidden = np.array([area in ("B1", "B2") for area in values])
    assert Auditor(keys, list(values.values()), **relations).audit(hidden).findings == []

    known = np.array([area == "B2" for area in values])
    auditor = Auditor(keys, list(values.values()), known=known, **relations)
    result = auditor.audit(hidden & ~known)
    assert [f.target for f in result.findings] == [("cell", ("n", "B1", month))]
    assert result.to_hide == [("n", "B3", month)]
    unaware = Auditor(keys, list(values.values()), **relations).audit(hidden & ~known)
    assert unaware.to_hide == [("n", "B2", month)]


def test_the_cell_hidden_next_relaxes_the_relation_that_pins_the_count():
    """Wijk T (3) is hidden and pinned by its own buurten (0 + 3, both shown), while its row in
    the gemeente (T + H1 + H2 + V = 54, H1 and H2 hidden) leaves it free. The nearest smallest
    cell is V (1), in the row that pins nothing: hiding it would take a second round. The audit
    hides C2, in the row that binds, and one round settles it."""
    from quality.disclosure_audit import Auditor
    month = "2025-01"
    values = {"G": 54.0, "T": 3.0, "H1": 20.0, "H2": 30.0, "V": 1.0, "C1": 0.0, "C2": 3.0}
    parents = {"G": None, "T": "G", "H1": "G", "H2": "G", "V": "G", "C1": "T", "C2": "T"}
    keys = [("n", area, month) for area in values]
    auditor = Auditor(keys, list(values.values()), protected=lambda m: True, area_parents=parents,
                      time_relation={"n": "events"})
    hidden = np.array([area in ("T", "H1", "H2") for area in values])
    result = auditor.audit(hidden)
    assert [f.target for f in result.findings] == [("cell", ("n", "T", month))]
    assert result.to_hide == [("n", "C2", month)]
    assert auditor.audit(hidden | np.array([area == "C2" for area in values])).findings == []


def test_a_declared_stock_and_its_exits_bound_the_exits_and_hiding_stock_cells_frees_them():
    """What ran in Q1 (12) is what ran in March (8) plus what ended in January and February
    (3 + 1); and what ran in January (10) and did not end runs in February (9), so at least 1
    ended in January, and likewise in February. With every ended count hidden and every running
    count shown, the audit that knows this pins January and February to [1, 3] (and Q1 from 2
    up) and hides running counts; one that does not know it finds them wide. Hiding the running
    counts it picks, round by round, settles it in two."""
    from quality.disclosure_audit import Auditor
    values = {("s", "2025-01"): 10.0, ("s", "2025-02"): 9.0, ("s", "2025-03"): 8.0, ("s", "2025-Q1"): 12.0,
              ("e", "2025-01"): 3.0, ("e", "2025-02"): 1.0, ("e", "2025-03"): 0.0, ("e", "2025-Q1"): 4.0}
    keys = [(m, "B", p) for m, p in values]
    relations = dict(protected=lambda m: True, area_parents={"B": None},
                     time_relation={"s": "distinct", "e": "events"})
    hidden = np.array([m == "e" for m, _, _ in keys])
    assert Auditor(keys, list(values.values()), **relations).audit(hidden).findings == []
    auditor = Auditor(keys, list(values.values()), stock_exits={"s": "e"}, **relations)
    result = auditor.audit(hidden)
    assert {f.target: (f.low, f.high) for f in result.findings if f.target[1][2] != "2025-Q1"} == {
        ("cell", ("e", "B", "2025-01")): (1.0, 3.0), ("cell", ("e", "B", "2025-02")): (1.0, 3.0)}
    for _ in range(2):
        assert result.findings and result.to_hide and all(m == "s" for m, _, _ in result.to_hide)
        hidden |= np.array([k in result.to_hide for k in keys])
        result = auditor.audit(hidden)
    assert result.findings == []


def test_what_ran_in_december_and_did_not_end_runs_on_in_the_next_january_audited_a_year_at_a_time():
    """What ran in December 2025 (10) and did not end there (3 ended) runs on in January 2026
    (8 ran): at least 2 ended in December, a hidden 3 pinned away from 0. Each year is audited
    apart, the next January's stock taken as known (`beyond`), shown or not: a split audit
    without it finds nothing, with it finds December's ended count and hides December's running
    count, which settles it. The January of a year after that, or of another stock, is no part
    of it."""
    from quality.disclosure_audit import SplitAuditor
    values = {("s", "2025-12"): 10.0, ("e", "2025-12"): 3.0, ("s", "2026-01"): 8.0, ("e", "2026-01"): 0.0}
    keys = [(m, "B", p) for m, p in values]
    relations = dict(protected=lambda m: True, area_parents={"B": None},
                     time_relation={"s": "distinct", "e": "events"}, stock_exits={"s": "e"})
    hidden = np.array([k == ("e", "B", "2025-12") for k in keys])
    januaries = {("s", "B", "2026-01"): 8.0, ("s", "B", "2027-01"): 0.0, ("e", "B", "2026-01"): 0.0}
    assert SplitAuditor(keys, list(values.values()), workers=1, **relations).audit(hidden).findings == []
    split = SplitAuditor(keys, list(values.values()), workers=1, beyond=januaries, **relations)
    for january_hidden in (False, True):
        result = split.audit(hidden | np.array([january_hidden and k == ("s", "B", "2026-01") for k in keys]))
        assert [(f.target, f.low) for f in result.findings] == [(("cell", ("e", "B", "2025-12")), 2.0)]
        assert result.to_hide == [("s", "B", "2025-12")]
    assert split.audit(hidden | np.array([k == ("s", "B", "2025-12") for k in keys])).findings == []


def test_a_count_that_keeps_coming_back_gets_a_cell_that_binds_it_from_the_duals():
    """What ended in January and February (3 + 1) is what ran in Q1 (12) less what ran in March
    (8), and January's is at least what ran in January (10) less what ran on in February (9).
    With every ended count but March's 0 hidden, January's interval is [1, 4] however the March 0
    is shown: hiding that 0, the nearest cell of the same measure, binds nothing. The LP's duals
    name the cells that do: the running counts of Q1 and of January and February, which bound it
    from below, and no other."""
    from quality.disclosure_audit import AuditResult, Auditor
    values = {("s", "2025-01"): 10.0, ("s", "2025-02"): 9.0, ("s", "2025-03"): 8.0, ("s", "2025-Q1"): 12.0,
              ("e", "2025-01"): 3.0, ("e", "2025-02"): 1.0, ("e", "2025-03"): 0.0, ("e", "2025-Q1"): 4.0}
    keys = [(m, "B", p) for m, p in values]
    auditor = Auditor(keys, list(values.values()), protected=lambda m: m == "e", area_parents={"B": None},
                      time_relation={"s": "distinct", "e": "events"}, stock_exits={"s": "e"})
    hidden = np.array([m == "e" and v > 0 for (m, _, _), v in zip(keys, values.values())])
    assert ("cell", ("e", "B", "2025-01")) in {f.target for f in auditor.audit(hidden).findings}
    relaxing = auditor._relaxing_cells(keys.index(("e", "B", "2025-01")), hidden, AuditResult())
    assert sorted(keys[c] for c in relaxing) == [("s", "B", "2025-01"), ("s", "B", "2025-02"), ("s", "B", "2025-Q1")]
    freed = hidden | np.array([k == ("e", "B", "2025-03") for k in keys])
    assert ("cell", ("e", "B", "2025-01")) in {f.target for f in auditor.audit(freed).findings}


def test_a_count_earlier_releases_give_away_is_set_aside_and_one_a_pattern_can_protect_is_not():
    """A (5) and B (20) make W (25). An earlier release showed B and W: whatever is hidden now,
    A = W - B, so no pattern protects it and the audit sets it aside (counted, not a finding)
    instead of failing for want of a cell to hide. With B merely visible now, hiding B protects
    A: nothing is set aside and the finding stays, with B to hide."""
    from quality.disclosure_audit import Auditor, SplitAuditor
    keys = [("m", "A", "2025-01"), ("m", "B", "2025-01"), ("m", "W", "2025-01")]
    relations = dict(protected=lambda m: True, area_parents={"A": "W", "B": "W", "W": None},
                     time_relation={"m": "events"})
    hidden = np.array([True, False, False])
    released = Auditor(keys, [5.0, 20.0, 25.0], known=np.array([False, True, True]), **relations)
    first = released.audit(hidden)
    assert [f.target for f in first.findings] == [("cell", keys[0])] and first.to_hide == []
    assert released.set_aside(first.findings) == 1
    after = released.audit(hidden)
    assert (after.findings, after.given_away) == ([], 1)
    shown = Auditor(keys, [5.0, 20.0, 25.0], **relations)
    found = shown.audit(hidden)
    assert shown.set_aside(found.findings) == 0
    assert [f.target for f in shown.audit(hidden).findings] == [("cell", keys[0])]
    assert found.to_hide == [keys[1]]
    split = SplitAuditor(keys, [5.0, 20.0, 25.0], known=np.array([False, True, True]), **relations)
    assert split.audit(hidden).findings and split.set_aside() == 1
    assert (split.audit(hidden).findings, split.audit(hidden).given_away) == ([], 1)


def test_a_count_found_protectable_is_not_asked_again_of_the_same_knowledge():
    """Whether a pattern can protect a count depends on the counts and on what the attacker
    knows, not on the pattern: a count that keeps coming back is asked once (an audit over every
    cell he does not know each time cost a city year 17 s), unless the question is of other
    knowledge (`earlier`)."""
    from quality.disclosure_audit import Auditor
    keys = [("m", "A", "2025-01"), ("m", "B", "2025-01"), ("m", "W", "2025-01")]
    auditor = Auditor(keys, [5.0, 20.0, 25.0], protected=lambda m: True,
                      area_parents={"A": "W", "B": "W", "W": None}, time_relation={"m": "events"})
    found = auditor.audit(np.array([True, False, False])).findings
    asked = []
    audit = auditor.audit
    auditor.audit = lambda *args, **kwargs: asked.append(kwargs.get("only")) or audit(*args, **kwargs)
    assert auditor.set_aside(found) == 0 and asked == [{f.target for f in found}]
    assert auditor.set_aside(found) == 0 and len(asked) == 1
    assert auditor.set_aside(found, earlier=np.array([False, True, True])) == 1 and len(asked) == 2
    assert auditor.set_aside(found) == 1 and len(asked) == 2   # now given away: counted, not asked


def three_gemeente_years() -> tuple[list, dict, set, dict]:
    """(keys, cells, hidden, relations): gemeente 'g' in 2025 and 2024, gemeente 'xg' in 2025."""
    first, hidden_first = grid_world(2)
    second, hidden_second = grid_world(3)
    earlier, hidden_earlier = grid_world(4)
    rename = lambda key: (key[0], "x" + key[1], key[2])   # noqa: E731 - gemeente 'xg'
    a_year_before = lambda key: (key[0], key[1], key[2].replace("2025", "2024"))   # noqa: E731
    cells = {**first, **{rename(k): v for k, v in second.items()},
             **{a_year_before(k): v for k, v in earlier.items()}}
    hidden = hidden_first | {rename(k) for k in hidden_second} | {a_year_before(k) for k in hidden_earlier}
    parents = {**AREAS.parents, **{"x" + a: p and "x" + p for a, p in AREAS.parents.items()}}
    relations = dict(protected=lambda m: True, area_parents=parents, time_relation={"n": "events"})
    return sorted(cells), cells, hidden, relations


def test_each_gemeente_year_is_extended_on_its_own_as_one_loop_over_all_would():
    """SplitAuditor.settle extends each gemeente-year whose audit finds counts too narrow until
    its own audit finds nothing, at its own pace: in worker processes and in this one, the same
    patterns as one loop over all cells that hides every cell to hide and audits again, and
    the most audits any gemeente-year needed are that loop's rounds. After it the parts' last
    audits are those of the settled pattern: an audit of it redoes nothing and finds nothing."""
    from quality.disclosure_audit import SplitAuditor
    keys, cells, hidden, relations = three_gemeente_years()
    pattern = np.array([k in hidden for k in keys])

    def extend(auditor, part_pattern, known, audit):   # one gemeente-year, as a loop would
        audits, hid = 0, set()
        while audit.findings:
            hid |= set(audit.to_hide)
            part_pattern[[auditor.position(k) for k in audit.to_hide]] = True
            audit, audits = auditor.audit(part_pattern & ~known, local=True), audits + 1
        return part_pattern, audit, True, audits, hid

    loop = SplitAuditor(keys, [cells[k] for k in keys], workers=1, **relations)
    result, rounds, looped = loop.audit(pattern, local=True), 0, pattern.copy()
    while result.findings:
        looped[[loop.position(k) for k in result.to_hide]] = True
        result, rounds = loop.audit(looped, local=True), rounds + 1
    assert rounds > 1, "the world needs extension, or this test proves nothing"
    newly_hidden = {k for k, was, now in zip(keys, pattern, looped) if now and not was}
    settled = []
    for workers in (1, 2):
        split = SplitAuditor(keys, [cells[k] for k in keys], workers=workers, **relations)
        assert split.audit(pattern, local=True).findings
        settled.clear()
        extended, handed, most = split.settle(pattern, extend, on_settled=lambda part, n: settled.append(part))
        assert extended.tolist() == looped.tolist() and most == rounds
        assert set().union(*handed) == newly_hidden
        assert sorted(settled) == sorted({("xg" if k[1].startswith("x") else "g", k[2][:4]) for k in newly_hidden})
        before = split.part_audits
        assert split.audit(extended, local=True).findings == [] and split.part_audits == before


def test_the_points_of_a_split_audit_prove_every_gemeente_year_to_a_fresh_one_in_workers():
    """SplitAuditor.witnesses gives each part's points over the part's own cells; a fresh
    SplitAuditor of the same cells, in worker processes, takes them back part by part and needs
    no LP. One part's points handed to another prove nothing there: its LPs decide."""
    from quality.disclosure_audit import SplitAuditor
    keys, cells, hidden, relations = three_gemeente_years()
    values = [cells[k] for k in keys]
    pattern = np.array([k in hidden for k in keys])
    prover = SplitAuditor(keys, values, workers=2, **relations)
    result = prover.audit(pattern, fork_from=2)
    for _ in range(60):
        if not result.findings:
            break
        pattern[[prover.position(k) for k in result.to_hide]] = True
        result = prover.audit(pattern, fork_from=2)
    assert result.findings == [] and result.lps > 0
    points = prover.witnesses()
    assert sorted(points) == sorted(root for root, _, auditor in prover.parts if auditor.witnesses)
    assert {root: len(np.unique(rows[0])) for root, rows in points.items()} == \
        {root: len(auditor.witnesses) for root, _, auditor in prover.parts if auditor.witnesses}
    fresh = SplitAuditor(keys, values, workers=2, **relations).audit(pattern, fork_from=2, witnesses=points)
    assert fresh.findings == [] and fresh.lps == 0 and fresh.certified == fresh.targets == result.targets
    first, second = sorted(points)[:2]
    swapped = SplitAuditor(keys, values, workers=1, **relations).audit(
        pattern, witnesses={first: points[second], second: points[first]})
    assert swapped.findings == [] and swapped.lps > 0 and swapped.certified < swapped.targets


def proven_three_gemeente_years() -> tuple:
    """three_gemeente_years' pattern extended until its split audit finds nothing: (keys, cells,
    hidden, relations, pattern, the auditor that proved it, its last result)."""
    from quality.disclosure_audit import SplitAuditor
    keys, cells, hidden, relations = three_gemeente_years()
    pattern = np.array([k in hidden for k in keys])
    prover = SplitAuditor(keys, [cells[k] for k in keys], workers=1, **relations)
    result = prover.audit(pattern)
    for _ in range(60):
        if not result.findings:
            break
        pattern[[prover.position(k) for k in result.to_hide]] = True
        result = prover.audit(pattern)
    return keys, cells, hidden, relations, pattern, prover, result


def one_lower(cells: dict, buurt: str, month: str) -> dict:
    """`cells` corrected as a correction of one row does: the buurt-month one lower, and every sum
    above it with it (wijk, gemeente; quarter, year)."""
    corrected = dict(cells)
    for area in (buurt, AREAS.parents[buurt], "g"):
        for period in (month, period_parent(month), period_parent(period_parent(month))):
            corrected[("n", area, period)] -= 1
    return corrected


def test_the_points_of_a_pattern_carry_over_to_its_corrected_counts():
    """A correction changes counts, not cells: a hidden buurt-month one lower, and with it every
    sum above it (wijk, gemeente; quarter, year). The points SplitAuditor.witnesses kept, as
    moves from the true counts, still keep every relation on the corrected counts: a fresh
    audit of the same pattern over them needs no LP for a point that moved none of the
    corrected cells down to below 0. (Kept as values, the points moving a corrected cell broke
    its sums: LPs again.)"""
    from quality.disclosure_audit import SplitAuditor
    keys, cells, hidden, relations, pattern, prover, result = proven_three_gemeente_years()
    assert result.findings == [] and result.lps > 0
    # of 'g' in 2025, the hidden buurt-month of at least 2 that most kept points move (ties: by
    # key), one lower, and its sums with it
    points = prover.witnesses()
    point, cell, _ = points[("g", "2025")]
    part_keys = next([keys[i] for i in ids] for root, ids, _ in prover.parts if root == ("g", "2025"))
    moving = {k: len({p for p, c in zip(point, cell) if part_keys[c] == k}) for k in part_keys
              if k[1] in BUURTEN and k[2] in MONTHS and k in hidden and cells[k] >= 2}
    _, buurt, month = max(moving, key=moving.get)
    corrected = one_lower(cells, buurt, month)
    moved = [k for k in keys if corrected[k] != cells[k]]
    assert len(moved) == 9 and pattern[keys.index(("n", buurt, month))]
    assert moving[("n", buurt, month)] > 0, "no kept point moves a corrected cell: this test would prove nothing"
    fresh = SplitAuditor(keys, [corrected[k] for k in keys], workers=1, **relations)
    audit = fresh.audit(pattern, witnesses=points)
    assert audit.findings == []
    assert audit.lps == 0 and audit.certified == audit.targets, (audit.lps, audit.certified, audit.targets)


def test_a_point_a_correction_breaks_is_carried_over_by_a_shorter_step():
    """A kept point that took a hidden buurt-month to 0, after that count (and its sums) was
    corrected one lower: its whole move would take it below 0, which the audit's check refuses.
    Carried over, the point takes the largest step that keeps it at 0 or above, (v - 1) / v of
    its move everywhere: the count lands on 0, every relation holds and the check takes it."""
    from quality.disclosure_audit import SplitAuditor
    keys, cells, hidden, relations, pattern, prover, result = proven_three_gemeente_years()
    points = prover.witnesses()
    part = next(n for n, (root, _, _) in enumerate(prover.parts) if root == ("g", "2025"))
    part_keys = [keys[i] for i in prover.parts[part][1]]
    point, cell, move = points[("g", "2025")]
    to_zero = sorted((part_keys[c], int(p)) for p, c, m in zip(point, cell, move)
                     if part_keys[c][1] in BUURTEN and part_keys[c][2] in MONTHS and cells[part_keys[c]] >= 2
                     and cells[part_keys[c]] + m == 0)
    assert to_zero, "no kept point takes a count of 2 or more to 0: this test would prove nothing"
    (_, buurt, month), chosen = to_zero[0]
    corrected = one_lower(cells, buurt, month)
    fresh = SplitAuditor(keys, [corrected[k] for k in keys], workers=1, **relations)
    auditor, part_hidden = fresh.parts[part][2], pattern[fresh.parts[part][1]]
    moved_cells = cell[point == chosen].astype(np.int64)
    moves = move[point == chosen]
    values = auditor.values[moved_cells]
    whole_move = [(moved_cells, values + moves)]
    assert auditor._proven_by(whole_move, part_hidden, np.array([], dtype=int), [])[1] == []
    (carried_cells, carried), = auditor.carried_over([(moved_cells, moves)])
    v = cells[("n", buurt, month)]
    at = part_keys.index(("n", buurt, month))
    assert np.allclose(carried, values + (v - 1) / v * moves)
    assert carried[list(moved_cells).index(at)] == pytest.approx(0.0, abs=1e-9)
    assert len(auditor._proven_by([(carried_cells, carried)], part_hidden, np.array([], dtype=int), [])[1]) == 1


def test_gemeente_years_are_audited_apart_and_only_again_when_their_pattern_changes(monkeypatch):
    """No relation crosses a gemeente or a year, so the split audit must find exactly what one
    audit of all cells finds; and a suppression loop's next audit re-runs only the gemeente-year
    it changed. Gemeente 'g' in 2025 and 2024, gemeente 'xg' in 2025."""
    from quality import disclosure_audit
    from quality.disclosure_audit import Auditor, SplitAuditor
    monkeypatch.setattr(disclosure_audit, "MIN_PARTS_TO_FORK", 2)   # three parts: in workers too
    keys, cells, hidden, relations = three_gemeente_years()
    split = SplitAuditor(keys, [cells[k] for k in keys], workers=1, **relations)
    forked = SplitAuditor(keys, [cells[k] for k in keys], workers=2, **relations)
    assert [part for part, _, _ in split.parts] == [("g", "2024"), ("g", "2025"), ("xg", "2025")]
    assert [split.position(k) for k in keys] == list(range(len(keys)))
    assert split.position(("n", "nowhere", "2025")) is None
    loop = 0
    while True:
        pattern = np.array([k in hidden for k in keys])
        result = split.audit(pattern, local=True)
        whole = Auditor(keys, [cells[k] for k in keys], **relations).audit(pattern, local=True)
        assert {f.target for f in result.findings} == {f.target for f in whole.findings}
        assert result.hidden == pattern.sum() and result.cells == len(keys)
        # in worker processes: the same result, and what the workers proved comes back
        in_workers = forked.audit(pattern, local=True)
        assert [f.target for f in in_workers.findings] == [f.target for f in result.findings]
        assert in_workers.to_hide == result.to_hide
        if not result.findings:
            break
        before = split.part_audits
        parts = {(k[1].startswith("x"), k[2][:4]) for k in result.to_hide}
        hidden |= set(result.to_hide)
        split.audit(np.array([k in hidden for k in keys]), local=True)
        assert split.part_audits - before == len(parts), "only the gemeente-years that changed"
        loop += 1
    assert loop > 0, "the world needs extension, or this test proves nothing"
    # both gemeenten audited afresh in worker processes: what they proved comes back
    serial = SplitAuditor(keys, [cells[k] for k in keys], workers=1, **relations)
    forked = SplitAuditor(keys, [cells[k] for k in keys], workers=2, **relations)
    assert serial.audit(pattern).lps == forked.audit(pattern).lps > 0
    for (_, _, one), (_, _, other) in zip(serial.parts, forked.parts):
        assert one.proofs[1].any() and (one.proofs[1] == other.proofs[1]).all()
        assert one.proofs[0] == other.proofs[0] and (one.proofs[2] == other.proofs[2]).all()


IN_A_DAGSTER_STEP = """
import numpy as np, dagster as dg
from tests.test_disclosure import AREAS, grid_world
from quality import disclosure_audit
from quality.disclosure_audit import SplitAuditor
disclosure_audit.MIN_PARTS_TO_FORK = 2
cells, hidden = grid_world(2)
earlier, hidden_earlier = grid_world(4)
cells.update({(m, a, p.replace("2025", "2024")): v for (m, a, p), v in earlier.items()})
hidden |= {(m, a, p.replace("2025", "2024")) for m, a, p in hidden_earlier}
keys = sorted(cells)

@dg.asset
def audited() -> None:
    split = SplitAuditor(keys, [cells[k] for k in keys], workers=2, protected=lambda m: True,
                         area_parents=AREAS.parents, time_relation={"n": "events"})
    for extra in range(4):
        split.audit(np.array([k in hidden or k == keys[extra] for k in keys]), local=True)

assert dg.materialize([audited]).success
"""


def test_audit_workers_forked_inside_a_dagster_step_end_cleanly():
    """Workers inherit Dagster's interrupt handlers, which raised inside a worker ended by the
    pool (a traceback per worker, and at times a pool waiting forever on a lock it held)."""
    import subprocess
    import sys
    from pathlib import Path
    done = subprocess.run([sys.executable, "-c", IN_A_DAGSTER_STEP], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Interrupted" not in done.stderr


def test_a_target_whose_neighbours_are_all_hidden_names_the_nearest_visible_cell():
    # one area, events: 3 tenancies ended in January (hidden), none evicted; every month and the
    # quarter of evictions are hidden, but the year shows 0, which proves 'none of the 3': the
    # audit must name a visible cell beyond the hidden quarter (the year) rather than give up
    cells = {}
    for measure, january in (("whole", 3), ("part", 0)):
        months = {f"2025-{m:02d}": (january if m == 1 else 20 if measure == "whole" else 0)
                  for m in range(1, 13)}
        quarters = {f"2025-Q{q}": sum(months[f"2025-{m:02d}"] for m in range(3 * q - 2, 3 * q + 1))
                    for q in range(1, 5)}
        for period, value in {**months, **quarters, "2025": sum(quarters.values())}.items():
            cells[(measure, "w", period)] = value
    hidden = {(m, "w", p) for m in ("whole", "part") for p in ("2025-01", "2025-02", "2025-03", "2025-Q1")}
    result = attack(cells, hidden, relation="events", subsets=[("part", "whole")])
    assert ("none_of", ("part", "w", "2025-01"), ("whole", "w", "2025-01")) in [f.target for f in result.findings]
    assert ("part", "w", "2025") in result.to_hide and not set(result.to_hide) & hidden


def test_the_audit_spares_the_gemeentes_own_cell_when_a_cell_below_it_serves():
    """A board reads the city's totals: quality/disclosure_audit.py CITY_CELL_SPARES. B1's 3 is
    pinned by the city's January (43) less B2's January, which B2's quarter and other months
    give away. Next to B1 only the city's January is visible; one constraint further out, B2's
    February serves as well, and is hidden instead. Where nothing below the city serves (3 and
    4 under a city of 7, no other months), the city's cell is still hidden: protection first."""
    from quality.disclosure_audit import Auditor
    values = {("n", "G", "2025-01"): 43.0, ("n", "B1", "2025-01"): 3.0, ("n", "B2", "2025-01"): 40.0,
              ("n", "B2", "2025-02"): 20.0, ("n", "B2", "2025-03"): 25.0, ("n", "B2", "2025-Q1"): 85.0}
    relations = dict(protected=lambda m: True, area_parents={"G": None, "B1": "G", "B2": "G"},
                     time_relation={"n": "events"})
    keys = list(values)
    hidden = np.array([k[1] in ("B1", "B2") and k[2] == "2025-01" for k in keys])
    result = Auditor(keys, list(values.values()), **relations).audit(hidden)
    assert ("cell", ("n", "B1", "2025-01")) in [f.target for f in result.findings]
    assert result.to_hide == [("n", "B2", "2025-02")]
    hidden |= np.array([k == ("n", "B2", "2025-02") for k in keys])
    assert Auditor(keys, list(values.values()), **relations).audit(hidden).findings == []

    alone = {("n", "G", "2025-01"): 7.0, ("n", "B1", "2025-01"): 3.0, ("n", "B2", "2025-01"): 4.0}
    result = Auditor(list(alone), list(alone.values()), **relations).audit(
        np.array([k[1] != "G" for k in alone]))
    assert result.findings and result.to_hide == [("n", "G", "2025-01")]


def test_a_hidden_count_far_above_the_targets_stays_feasible(monkeypatch):
    # Small hidden counts of persons inside hidden stocks of 100,000 homes: every relation holds
    # at the true counts, so no LP over a ball of them may be infeasible (the LP's cap on a cell
    # was once set from the targets and the visible sums only, which cut the true homes off).
    import quality.disclosure_audit as disclosure_audit
    monkeypatch.setattr(disclosure_audit, "BALL", 2)
    monkeypatch.setattr(disclosure_audit, "BALL_GROWTH", 2)
    cells = {("n", "b1", "2025"): 3, ("n", "b2", "2025"): 4, ("n", "w", "2025"): 7,
             ("h", "b1", "2025"): 100_000, ("h", "b2", "2025"): 100_000, ("h", "w", "2025"): 200_000}
    keys = sorted(cells)
    result = audit_cells(keys, [cells[k] for k in keys], [True] * len(keys),
                         protected=lambda m: m == "n", area_parents={"b1": "w", "b2": "w", "w": None},
                         time_relation={"n": "none", "h": "none"}, subsets=[("n", "h")])
    assert result.method == "lp" and result.findings == []


# --- breakdowns inside a published row (quality/row_disclosure.py) -------------------------------

def test_a_small_breakdown_is_hidden_with_what_would_give_it_back():
    from quality.row_disclosure import Family, hide_details
    # 40 persons: 30 same home + 4 moved on = 34 housed (headline), 6 lost housing (the failures)
    values = {"same": 30, "moved": 4, "lost": 16, "died": 0}
    families = [Family(None, ("same", "moved")), Family(None, ("lost",))]
    pattern = hide_details(values, families)
    assert pattern.hidden == {"moved", "same"}, "moved on is small; same home = housed - moved on"
    assert pattern.unprotectable == []
    # a small remainder is widened with a non-zero count, not a zero
    values = {"a": 3, "b": 0, "c": 4, "d": 20}
    pattern = hide_details(values, [Family(None, ("a", "b", "c", "d"))])
    assert pattern.hidden == {"a", "c", "d"}, "3 + 4 hidden would each stay under 10"


def test_a_breakdown_only_the_headline_gives_back_is_reported_not_hidden():
    from quality.row_disclosure import Family, hide_details
    # lost housing is the only failure path: the failures (a headline) give it back
    pattern = hide_details({"lost": 5, "same": 35}, [Family(None, ("lost",)), Family(None, ("same",))])
    assert pattern.unprotectable == [0] and "same" not in pattern.hidden


def test_a_chain_of_families_is_followed_by_linear_algebra():
    from quality.row_disclosure import Family, hide_details
    # cohort = decided + censored + excluded (decided known), excluded = died; died is small. Two
    # outcomes share the cohort; the second one's censored and excluded are visible, so the
    # cohort (hidden to protect died) would follow from it: one of them is hidden too.
    values = {"cohort": 50, "cens1": 0, "excl1": 2, "died1": 2, "cens2": 30, "excl2": 12}
    families = [Family("cohort", ("cens1", "excl1")), Family("excl1", ("died1",)),
                Family("cohort", ("cens2", "excl2"))]
    pattern = hide_details(values, families, hideable=set(values) - {"cens1"})
    assert {"died1", "excl1", "cohort"} <= pattern.hidden
    assert pattern.hidden & {"cens2", "excl2"}, "the cohort must not follow from the other outcome"
    assert pattern.unprotectable == []



def relations_read_cell_by_cell(keys, area_parents, time_relation, subsets, stock_exits, beyond):
    """The attacker's constraints written out per cell, in the order the audit's model keeps them
    (areas per measure and period, then time per measure and area, then subsets): rows of
    (cells, coefficients, equality, rhs)."""
    from quality.disclosure_audit import _expected_children, _next_period
    index = {k: i for i, k in enumerate(keys)}
    rows = []
    by_mp, by_ma = {}, {}
    for i, (m, a, p) in enumerate(keys):
        by_mp.setdefault((m, p), {})[a] = i
        by_ma.setdefault((m, a), {})[p] = i
    children_of = {}
    for child, parent in area_parents.items():
        if parent is not None:
            children_of.setdefault(parent, []).append(child)
    for areas in by_mp.values():
        for parent, children in children_of.items():
            if parent in areas and all(c in areas for c in children):
                rows.append(([areas[parent]] + [areas[c] for c in children], [1] + [-1] * len(children), True, 0))
    for (m, a), periods in by_ma.items():
        relation = time_relation.get(m, "none")
        if relation == "none":
            continue
        exits = by_ma.get((stock_exits.get(m), a), {})
        for period, whole in periods.items():
            expected = _expected_children(period) or []
            parts = [periods[c] for c in expected if c in periods]
            complete = bool(expected) and len(parts) == len(expected)
            if relation == "events" and complete:
                rows.append(([whole] + parts, [1] + [-1] * len(parts), True, 0))
            elif relation == "events" and parts:
                rows.append((parts + [whole], [1] * len(parts) + [-1], False, 0))
            elif relation == "distinct":
                rows += [([part, whole], [1, -1], False, 0) for part in parts]
                if complete:
                    rows.append(([whole] + parts, [1] + [-1] * len(parts), False, 0))
                    ended = [exits.get(c) for c in expected[:-1]]
                    if None not in ended:
                        rows.append(([whole, parts[-1]] + ended, [1, -1] + [-1] * len(ended), True, 0))
            elif relation == "stock" and expected and expected[-1] in periods:
                rows.append(([whole, periods[expected[-1]]], [1, -1], True, 0))
        for period, this in periods.items():
            if period in exits:
                following = _next_period(period)
                january = (m, a, f"{following[:4]}-01")
                if following in periods:
                    rows.append(([this, exits[period], periods[following]], [1, -1, -1], False, 0))
                elif following[:4] != period[:4] and january in beyond:
                    rows.append(([this, exits[period]], [1, -1], False, beyond[january]))
    for part, whole in subsets:
        for (m, a, p), i in index.items():
            if m == part and (whole, a, p) in index:
                rows.append(([i, index[(whole, a, p)]], [1, -1], False, 0))
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_the_audits_model_holds_every_relation_read_cell_by_cell_in_the_same_order(seed):
    """The model is built with numpy over codes, not per cell (a national audit has millions of
    cells); its rows are those the relations give read cell by cell, in the same order (the LP's
    points, and so the patterns, depend on the order). A world with every kind of relation, some
    cells missing (an area without all its children, a quarter without all its months, a year's
    edge with and without next January known) and the keys in random order."""
    from quality.disclosure_audit import _Model
    rng = random.Random(seed)
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    periods = months + [f"{y}-Q{q}" for y in (2025, 2026) for q in range(1, 5)] + ["2025", "2026"]
    areas = BUURTEN + ["w1", "w2", "g"]
    time_relation = {"ev": "events", "part": "events", "st": "distinct", "ex": "events", "sk": "stock",
                     "no": "none", "un": "distinct"}
    keys = [(m, a, p) for m in time_relation for a in areas for p in periods if rng.random() > 0.08]
    rng.shuffle(keys)
    beyond = {(m, a, "2027-01"): float(rng.randint(0, 9)) for m in ("st", "ex") for a in areas
              if rng.random() > 0.3}
    beyond[("st", "b1", "2027-01")] = 4.0
    model = _Model(keys, np.arange(len(keys), dtype=float), AREAS.parents, time_relation,
                   subsets=[("part", "ev"), ("ex", "st")], stock_exits={"st": "ex", "un": "gone"}, beyond=beyond)
    matrix, equality, rhs = model.matrix()
    expected = relations_read_cell_by_cell(keys, AREAS.parents, time_relation, [("part", "ev"), ("ex", "st")],
                                           {"st": "ex", "un": "gone"}, beyond)
    built = [(matrix.indices[matrix.indptr[r]:matrix.indptr[r + 1]].tolist(),
              matrix.data[matrix.indptr[r]:matrix.indptr[r + 1]].tolist(), bool(equality[r]), float(rhs[r]))
             for r in range(matrix.shape[0])]
    assert built == [(cells, [float(c) for c in coefs], eq, float(b)) for cells, coefs, eq, b in expected]
    assert {kind for _, _, kind, _ in expected} == {True, False} and any(b for *_, b in expected)
    assert model.pairs.tolist() == [[c[0], c[1]] for c, _, _, _ in expected[-len(model.pairs):]]
    with pytest.raises(ValueError, match="unknown time relation 'flow' for ev"):
        _Model(keys, np.zeros(len(keys)), AREAS.parents, {**time_relation, "ev": "flow"}, [], {}, {})
