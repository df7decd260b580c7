"""The attacker's audit: for every hidden count, the smallest and largest value an attacker can
derive from what is published, by linear programming (HiGHS, through its own bindings highspy), in
the manner of τ-ARGUS; and whether that interval is wide enough (the protection interval).

The model. A *cell* is one count (a `measure`) in one area and period. The attacker knows:
- every visible cell. The audit takes it as known *exactly*, which is a stronger attacker than the
  real one (who sees it rounded to 5): the feasible set only shrinks, so an interval found wide
  here is at least as wide for him, and only hidden cells remain variables;
- areas add up: parent = sum of its children, for every measure;
- periods relate as the measure's time relation says (sources/indicators.yaml): `events`
  parent = sum of children; `distinct` every child <= parent <= sum of children; `stock`
  parent = its last child; `none` nothing;
- 0 <= every count, and part <= whole for the declared subset relations;
- for a declared stock and its exits (`stock_exits`): a `distinct` stock's quarter (year) = its
  last month (quarter) + the exits of the months (quarters) before it; and what ran in a period
  and did not end runs in the next: the next period's stock >= this one's - its exits. The audit
  holds one year at a time: across the year's edge it takes the next January's stock as known,
  shown or not, so December's (Q4's, the year's) exits are bounded from below there too; the
  other side, next January's stock bounded from below by this December less its exits, is not
  audited (docs/methodology.md, open points).

The protection interval. A hidden count v under SMALL (10) must be able to be 0 and >= SMALL (an
attacker can neither say "there is someone" nor "there are few"); a larger count must be able to
be v - d and v + d with d = max(PROTECTION_MIN, PROTECTION_SHARE x v). The same holds for
whole - part of every subset relation with a hidden side: that is group disclosure (a hidden group
whose derived rate is 100%: "all 8 tenancies are in arrears"); the 0% side is the part's own
interval.

Speed. Only hidden cells are variables and the problem falls apart into connected components of
hidden cells that share a constraint. Interval propagation runs first: it is cheap and its
intervals are wider than the LP's, so what it finds narrow is narrow. Wide is proven by feasible
points, and a feasible point may come from a small LP: over a *ball* of hidden cells around a
target with every other hidden cell fixed at its true value (the true counts satisfy every
relation, so that LP's feasible set lies inside the attacker's). Each point is checked against
every constraint of its component and settles every target it reaches, so most targets need no LP
of their own; only a target still narrow in its ball grows it, up to the whole component, where
the LP is exact. An Auditor remembers what it proved while the pattern only grows (a suppression
loop), so each audit proves only what changed.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import highspy
import numpy as np
from scipy.sparse import csc_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from engine.warehouse import cores
from engine.workers import worker_started

SMALL = 10
PROTECTION_SHARE = 0.025  # sliding protection for counts >= SMALL: width >= 2 x max(5, 2.5% x v)
PROTECTION_MIN = 5        # at least one rounding step either way, so no count is pinned within ±2
TOLERANCE = 1e-6
FEASIBILITY = 1e-6   # relative slack when checking a solver's point against every constraint
BALL = 400           # hidden cells in a first local LP around a target
OUTER_BALL = 100     # hidden cells whose constraints make a target's first outer LP
# Forking a pool per audit round costs about as much as a city's three years gain on two cores
# (measured: 102 s in workers against 96 s in process); many gemeenten do gain.
MIN_PARTS_TO_FORK = 8
# Settling the parts one by one (SplitAuditor.settle) forks once per run of suppress(), not per
# round: worth it from two parts (the city's three years: 27.6 s in process, 22-24 s forked).
MIN_PARTS_TO_SETTLE_FORKED = 2
BALL_GROWTH = 8      # a target still narrow in its ball tries one this many times larger
LOCAL_BALL = BALL * BALL_GROWTH   # the largest ball of a local audit (400: 6x the findings)
PRESOLVE_FROM = BALL   # hidden cells above which an LP is presolved (see _highs)
WITNESS_BATCH = 200_000   # moved cells of the points checked at once (see Auditor._proven_by)
SHARE_FROM = BALL   # hidden cells of an exact audit's component worth an idle core's thread
# After a joint push over a component larger than the largest ball settled too few targets, the
# next this many targets that reach it skip that side's joint push (see narrow_by_lp).
JOINT_PUSH_PAUSE = 8
RELATIONS = ("events", "distinct", "stock", "none")

Key = tuple[str, str, str]   # (measure, area, period)


class RelationViolated(ValueError):
    """The true counts break a declared relation: the catalogue is wrong, and so would the audit be."""


GROUP = (np.inf, 1.0, 0.0)   # a hidden group's 0 (or whole - part's 0) must not be provable


def requirements(values: np.ndarray) -> np.ndarray:
    """What an attacker's interval [low, high] for each hidden non-zero count must allow, one row
    per count: (low at most, high at least, high - low at least). Under SMALL 'there is someone'
    and 'there are few' both stay unprovable; above it the sliding interval."""
    values = np.asarray(values, dtype=float)
    small = values < SMALL
    widths = 2 * np.maximum(PROTECTION_MIN, PROTECTION_SHARE * values)
    return np.column_stack([np.where(small, 0.0, np.inf), np.where(small, float(SMALL), -np.inf),
                            np.where(small, 0.0, widths)])


@dataclass
class Finding:
    """A hidden count (or whole - part) whose derivable interval is too narrow."""
    target: tuple                 # ('cell', key) or ('complement', part key, whole key)
    value: float
    low: float
    high: float
    required: tuple[float, float, float]


@dataclass
class AuditResult:
    cells: int = 0
    hidden: int = 0
    targets: int = 0
    components: int = 0
    lps: int = 0
    method: str = ""
    rounds: int = 0
    parts: int = 1      # independent parts audited apart (gemeenten: SplitAuditor)
    reused: int = 0     # gemeente-years whose audited pattern was kept (quality/pattern_cache.py)
    restarted: int = 0  # corrected gemeente-years started from their last pattern (same cells)
    given_away: int = 0  # hidden counts earlier releases give away whatever is hidden now (set_aside)
    certified: int = 0   # targets proven wide by points handed in (Auditor.audit's witnesses)
    findings: list[Finding] = field(default_factory=list)
    to_hide: list[Key] = field(default_factory=list)

    @classmethod
    def merged(cls, results: Sequence[AuditResult]) -> AuditResult:
        """The audits of independent parts as one: counts add up, findings and cells to hide are
        pooled, the method is the strongest any part needed."""
        methods = [r.method for r in results]
        return cls(cells=sum(r.cells for r in results), hidden=sum(r.hidden for r in results),
                   targets=sum(r.targets for r in results),
                   components=sum(r.components for r in results), lps=sum(r.lps for r in results),
                   method=next((m for m in ("lp", "propagation", "none needed") if m in methods), ""),
                   parts=len(results), given_away=sum(r.given_away for r in results),
                   certified=sum(r.certified for r in results),
                   findings=[f for r in results for f in r.findings],
                   to_hide=sorted(k for r in results for k in r.to_hide))

    def as_metadata(self) -> dict:
        return {"cells": self.cells, "hidden": self.hidden, "protected_targets": self.targets,
                "components": self.components, "lps": self.lps, "method": self.method,
                "too_narrow": len(self.findings), "rounds": self.rounds, "parts": self.parts,
                "reused": self.reused, "restarted": self.restarted,
                "given_away_by_earlier_releases": self.given_away, "certified": self.certified}


def _next_period(period: str) -> str:
    """The period after `period`, of the same kind: 2025-12 -> 2026-01, 2025-Q4 -> 2026-Q1."""
    year = int(period[:4])
    if len(period) == 4:
        return str(year + 1)
    if period[5] == "Q":
        quarter = int(period[6])
        return f"{year}-Q{quarter + 1}" if quarter < 4 else f"{year + 1}-Q1"
    month = int(period[5:7])
    return f"{year}-{month + 1:02d}" if month < 12 else f"{year + 1}-01"


def _expected_children(period: str) -> list[str] | None:
    """The periods a quarter or year is made of ('2025-Q2' → its months, '2025' → its quarters)."""
    if len(period) == 7 and period[5] == "Q":
        q = int(period[6])
        return [f"{period[:4]}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    if len(period) == 4:
        return [f"{period}-Q{q}" for q in range(1, 5)]
    return None


# How often one too-narrow target may take a cell below the gemeente, found further out, instead of
# the gemeente's own cell next to it: enough to spare the city's totals where a cell further out
# serves as well, few enough that a target only the city's cell can widen gets it (unbounded, a
# test world's suppression loop hid a cell further out every round and never settled).
CITY_CELL_SPARES = 3
# a target found more often than this gets its cell to hide from the exact LP's duals: the nearest
# cell may bind nothing (the hand-made indicator world with the quarter identity: the city's ended
# tenancies of 2025, pinned by its visible bases of 2025 and of Q4, had a buurt's or wijk's ended
# count hidden each round and did not settle in 500 rounds)
RETURNS_BEFORE_DUALS = 8
# and how often in all per gemeente-year: each cell hidden further out is a new target that may ask
# for the same again (a planted test world did not settle with a cap per target only)
CITY_CELL_SPARES_IN_ALL = 30


def _codes(values: Sequence) -> tuple[dict, np.ndarray]:
    """Each distinct value's code, in order of first appearance, and the values as codes."""
    codes = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return codes, np.fromiter(map(codes.__getitem__, values), dtype=np.int64, count=len(values))


def _first_of(codes: np.ndarray) -> np.ndarray:
    """Per element, the position of the first element with the same code (rows are put in the
    order of their group's first cell)."""
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return first[inverse.ravel()]


class _Rows:
    """Constraints gathered in blocks of numpy arrays and put in order at the end: each row has an
    order key (a tuple of integers) and its cells an order within the row, so the matrix is the
    same, row for row, whatever order the blocks came in."""

    def __init__(self):
        self._reset()

    def _reset(self) -> None:
        self._order, self._equality, self._rhs = [], [], []
        self._row, self._place, self._cell, self._coef = [], [], [], []
        self._rows = 0

    def add(self, order: Sequence, cells: np.ndarray, coefs: Sequence[float], equality: bool,
            rhs: np.ndarray | float = 0.0, present: np.ndarray | None = None) -> None:
        """Rows of `cells` (one row of len(coefs) cells each, `present` masking those left out)
        with those coefficients; `order`: per row, its order key (columns of equal length)."""
        cells = np.asarray(cells, dtype=np.int64).reshape(len(cells), len(coefs))
        n = len(cells)
        if not n:
            return
        row, place = np.nonzero(np.ones(cells.shape, dtype=bool) if present is None else present)
        self.add_flat(n, order, row, place, cells[row, place], np.asarray(coefs, dtype=float)[place], equality, rhs)

    def add_flat(self, n: int, order: Sequence, row: np.ndarray, place: np.ndarray, cell: np.ndarray,
                 coef: np.ndarray, equality: bool, rhs: np.ndarray | float = 0.0) -> None:
        """`n` rows given cell by cell: `row` (0..n-1, each row's key in `order`), its place in
        the row, the cell and its coefficient."""
        if not n:
            return
        self._row.append(np.asarray(row, dtype=np.int64) + self._rows)
        self._place.append(np.asarray(place, dtype=np.int64))
        self._cell.append(np.asarray(cell, dtype=np.int64))
        self._coef.append(np.asarray(coef, dtype=float))
        self._order.append(np.column_stack([np.broadcast_to(np.asarray(o, dtype=np.int64), n) for o in order]))
        self._equality.append(np.full(n, equality))
        self._rhs.append(np.broadcast_to(np.asarray(rhs, dtype=float), n))
        self._rows += n

    def matrix(self, columns: int) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
        """The rows in the order of their keys as one sparse matrix (each row's cells in their
        places), with the equality flags and right-hand sides; the blocks are freed."""
        if not self._rows:
            return csr_matrix((0, columns)), np.zeros(0, dtype=bool), np.zeros(0)
        order = np.concatenate(self._order)
        ranked = np.lexsort(order.T[::-1])
        rank = np.empty(self._rows, dtype=np.int64)
        rank[ranked] = np.arange(self._rows)
        row = rank[np.concatenate(self._row)]
        place = np.concatenate(self._place)
        by_row = np.lexsort((place, row))
        starts = np.zeros(self._rows + 1, dtype=np.int32)
        np.cumsum(np.bincount(row, minlength=self._rows), out=starts[1:])
        built = (csr_matrix((np.concatenate(self._coef)[by_row], np.concatenate(self._cell)[by_row].astype(np.int32),
                             starts), shape=(self._rows, columns)),
                 np.concatenate(self._equality)[ranked], np.concatenate(self._rhs)[ranked])
        self._reset()
        return built


class _Model:
    """Every constraint an attacker knows, over all cells (built once; the hidden pattern may
    change between audits). Built with numpy over codes of measures, areas and periods, not per
    cell: a national audit has millions of cells. Rows come in this order: areas add up (per
    measure and period, in order of first appearance, then per parent), the time relations (per
    measure and area, then per period; a stock's runs-on rows after its period rows), the subset
    relations."""

    def __init__(self, keys: Sequence[Key], values: np.ndarray,
                 area_parents: Mapping[str, str | None], time_relation: Mapping[str, str],
                 subsets: Sequence[tuple[str, str]], stock_exits: Mapping[str, str],
                 beyond: Mapping[Key, float]):
        self.keys = list(keys)
        self.values = np.asarray(values, dtype=float)
        self.index = {k: i for i, k in enumerate(self.keys)}
        if len(self.index) != len(self.keys):
            raise ValueError("a (measure, area, period) occurs more than once")
        self.pairs = np.zeros((0, 2), dtype=np.int64)
        self._rows = _Rows()
        measure_codes, m = _codes([k[0] for k in self.keys])
        self.measures, self.measure_of = list(measure_codes), m   # names, and each cell's as a code
        if not self.keys:
            return
        area_codes, a = _codes([k[1] for k in self.keys])
        period_codes, p = _codes([k[2] for k in self.keys])
        for child, parent in area_parents.items():   # areas without cells still count as children
            for area in (child, parent):
                if area is not None:
                    area_codes.setdefault(area, len(area_codes))
        periods, areas = len(period_codes), len(area_codes)
        cell_ids = (m * periods + p) * areas + a
        by_id = np.argsort(cell_ids)
        sorted_ids = cell_ids[by_id]

        def cell(measure: np.ndarray, period: np.ndarray, area: np.ndarray) -> np.ndarray:
            """The position of each (measure, period, area) among the keys, -1 when not a cell."""
            known = (measure >= 0) & (period >= 0) & (area >= 0)
            wanted = (np.where(known, measure, 0) * periods + np.where(known, period, 0)) * areas + np.where(known, area, 0)
            at = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
            return np.where(known & (sorted_ids[at] == wanted), by_id[at], -1)

        self._areas_add_up(m, a, p, periods, areas, area_codes, area_parents, cell)
        self._time_relations(m, a, p, measure_codes, period_codes, time_relation, stock_exits, beyond, cell)
        pairs = []
        for s, (part, whole) in enumerate(subsets):
            if part not in measure_codes:
                continue
            mine = np.flatnonzero(m == measure_codes[part])
            wholes = cell(np.full(len(mine), measure_codes.get(whole, -1)), p[mine], a[mine])
            found = np.column_stack([mine, wholes])[wholes >= 0]
            pairs.append(found)
            self._rows.add((2, s, found[:, 0], 0, 0), found, [1.0, -1.0], False)
        if pairs:
            self.pairs = np.concatenate(pairs)

    def _areas_add_up(self, m, a, p, periods, areas, area_codes, area_parents, cell) -> None:
        """parent = sum of its children, per measure and period where the parent and every child
        are cells."""
        parent_of = np.full(areas, -1)
        child_rank = np.zeros(areas, dtype=np.int64)
        parent_rank: dict[int, int] = {}
        for rank, (child, parent) in enumerate(area_parents.items()):
            if parent is not None:
                parent_of[area_codes[child]] = area_codes[parent]
                child_rank[area_codes[child]] = rank
                parent_rank.setdefault(area_codes[parent], len(parent_rank))
        children = np.bincount(parent_of[parent_of >= 0], minlength=areas)
        rank_of_parent = np.full(areas, -1)
        rank_of_parent[list(parent_rank)] = list(parent_rank.values())
        child = np.flatnonzero(parent_of[a] >= 0)
        parent = cell(m[child], p[child], parent_of[a[child]])
        child, parent = child[parent >= 0], parent[parent >= 0]
        groups, group, present = np.unique(parent, return_inverse=True, return_counts=True)
        complete = present == children[a[groups]]
        child, group = child[complete[group]], group[complete[group]]
        groups = groups[complete]
        renumber = np.cumsum(complete) - 1
        group = renumber[group]
        # rows in order of their (measure, period)'s first cell, then of the parent
        row_mp = _first_of(m * periods + p)[groups]
        order = (np.zeros(len(groups), dtype=np.int64), row_mp, rank_of_parent[a[groups]],
                 np.zeros(len(groups), dtype=np.int64), np.zeros(len(groups), dtype=np.int64))
        self._rows.add_flat(len(groups), order, np.r_[np.arange(len(groups)), group],
                            np.r_[np.full(len(groups), -1), child_rank[a[child]]],
                            np.r_[groups, child], np.r_[np.ones(len(groups)), -np.ones(len(child))], True)

    def _time_relations(self, m, a, p, measure_codes, period_codes, time_relation, stock_exits,
                        beyond, cell) -> None:
        """The measures' time relations between a quarter (year) and its months (quarters), and a
        declared stock's runs-on rows."""
        relation = np.zeros(len(measure_codes), dtype=np.int64)
        exits_of = np.full(len(measure_codes), -1)
        for measure, code in measure_codes.items():
            name = time_relation.get(measure, "none")
            if name not in RELATIONS:
                raise ValueError(f"unknown time relation {name!r} for {measure}")
            relation[code] = RELATIONS.index(name)
            exits_of[code] = measure_codes.get(stock_exits.get(measure), -1)
        events, distinct, stock, none = (RELATIONS.index(r) for r in ("events", "distinct", "stock", "none"))
        # per period: its parts (months of a quarter, quarters of a year), what follows it
        parts = np.full((len(period_codes), 4), -1)
        width = np.zeros(len(period_codes), dtype=np.int64)
        following = np.full(len(period_codes), -1)
        edge = np.zeros(len(period_codes), dtype=bool)
        januaries: list[str] = []
        for period, code in period_codes.items():
            expected = _expected_children(period) or []
            width[code] = len(expected)
            parts[code, :len(expected)] = [period_codes.get(c, -1) for c in expected]
            after = _next_period(period)
            following[code] = period_codes.get(after, -1)
            edge[code] = after[:4] != period[:4]
            januaries.append(f"{after[:4]}-01")
        # rows per (measure, area) in order of its first cell, then per period cell
        ma_first = _first_of(m * (int(a.max()) + 1) + a)
        related = relation[m] != none
        for w in (3, 4):
            parent = np.flatnonzero(related & (width[p] == w))
            if not len(parent):
                continue
            kids = np.column_stack([cell(m[parent], parts[p[parent], j], a[parent]) for j in range(w)])
            have = kids >= 0
            complete, some = have.all(axis=1), have.any(axis=1)
            kind = relation[m[parent]]
            first_of = ma_first[parent]

            def order(rows, sub, first_of=first_of, parent=parent):
                return (1, first_of[rows], 0, parent[rows], sub)
            rows = np.flatnonzero((kind == events) & complete)
            self._rows.add(order(rows, 0), np.column_stack([parent[rows], kids[rows]]), [1.0] + [-1.0] * w, True)
            rows = np.flatnonzero((kind == events) & some & ~complete)
            self._rows.add(order(rows, 0), np.column_stack([kids[rows], parent[rows]]), [1.0] * w + [-1.0], False,
                           present=np.column_stack([have[rows], np.ones(len(rows), dtype=bool)]))
            for j in range(w):   # distinct: each part at most the whole
                rows = np.flatnonzero((kind == distinct) & have[:, j])
                self._rows.add(order(rows, j), np.column_stack([kids[rows, j], parent[rows]]), [1.0, -1.0], False)
            rows = np.flatnonzero((kind == distinct) & complete)
            self._rows.add(order(rows, w), np.column_stack([parent[rows], kids[rows]]), [1.0] + [-1.0] * w, False)
            # a distinct stock's whole = its last part + what ended in the parts before it
            before = np.column_stack([cell(exits_of[m[parent]], parts[p[parent], j], a[parent]) for j in range(w - 1)])
            rows = np.flatnonzero((kind == distinct) & complete & (before >= 0).all(axis=1))
            self._rows.add(order(rows, w + 1), np.column_stack([parent[rows], kids[rows, w - 1], before[rows]]),
                           [1.0, -1.0] + [-1.0] * (w - 1), True)
            rows = np.flatnonzero((kind == stock) & have[:, w - 1])
            self._rows.add(order(rows, 0), np.column_stack([parent[rows], kids[rows, w - 1]]), [1.0, -1.0], True)
        # what ran and did not end runs on: next >= this - ended
        this = np.flatnonzero(related & (exits_of[m] >= 0))
        ended = cell(exits_of[m[this]], p[this], a[this])
        this, ended = this[ended >= 0], ended[ended >= 0]
        next_cell = cell(m[this], following[p[this]], a[this])
        rows = np.flatnonzero(next_cell >= 0)
        self._rows.add((1, ma_first[this[rows]], 1, this[rows], 0),
                       np.column_stack([this[rows], ended[rows], next_cell[rows]]), [1.0, -1.0, -1.0], False)
        # across the year's edge (December, Q4, the year), next January's count known: this -
        # ended runs on into it (so into its Q1 and year, if shown)
        rows = np.flatnonzero((next_cell < 0) & edge[p[this]])
        known = [beyond.get((self.keys[i][0], self.keys[i][1], januaries[p[i]])) for i in this[rows].tolist()]
        rows = rows[[k is not None for k in known]]
        self._rows.add((1, ma_first[this[rows]], 1, this[rows], 0), np.column_stack([this[rows], ended[rows]]),
                       [1.0, -1.0], False, rhs=np.array([k for k in known if k is not None], dtype=float))

    def matrix(self) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
        """The constraints as one sparse matrix (sum(coef x) (=|<=) rhs per row), the equality
        flags and the right-hand sides. Asked once: the rows are freed."""
        return self._rows.matrix(len(self.keys))


class Auditor:
    """The attacker's audit of one set of linked tables, reusable across suppression patterns.
    `keys` are (measure, area, period), `values` the true counts. `protected(measure)` says which
    measures need a protection interval, `public(measure)` which ones anyone knows anyway (never
    worth hiding)."""

    def __init__(self, keys: Sequence[Key], values, *, protected: Callable[[str], bool],
                 area_parents: Mapping[str, str | None], time_relation: Mapping[str, str],
                 subsets: Sequence[tuple[str, str]] = (),
                 stock_exits: Mapping[str, str] | None = None,
                 public: Callable[[str], bool] = lambda measure: False,
                 known: np.ndarray | None = None, beyond: Mapping[Key, float] | None = None):
        """`known`: per key, whether the attacker knows the count anyway (an earlier release
        showed it, quality/releases.py): never worth hiding, like a public measure. `beyond`:
        true counts outside these tables that a relation ties to them (a declared stock in the
        next January, across the year's edge), taken as known to the attacker whether they are
        shown or not: a stronger attacker than the real one, so an interval wide here is wide
        for him, and tables audited apart stay apart."""
        self.model = _Model(keys, values, area_parents, time_relation, subsets, stock_exits or {},
                            beyond or {})
        self.matrix, self.equality, self.rhs = self.model.matrix()
        self.by_cell = self.matrix.tocsc()
        self.values = self.model.values
        # asked per measure, given per cell
        measure_of, measures = self.model.measure_of, self.model.measures
        needs = np.array([protected(m) for m in measures], dtype=bool)
        public_measure = np.array([public(m) for m in measures], dtype=bool)
        self.protected = (needs & ~public_measure)[measure_of]
        self.public_measure = public_measure[measure_of]
        self.public = self.public_measure.copy()
        self.area_parents = area_parents
        if known is not None:
            self.public |= np.asarray(known, dtype=bool)
        self.remembers = bool((self.public & ~self.public_measure).any())   # earlier releases showed a cell
        self.pairs = self.model.pairs
        self.pair_protected = needs[measure_of[self.pairs[:, 0]]] & needs[measure_of[self.pairs[:, 1]]]
        self._proven: set = set()   # labels of group targets proven wide on `_proven_on`
        self._proven_cell = np.zeros(len(self.values), dtype=bool)   # cells proven wide there
        self._proven_on: np.ndarray | None = None
        self._spared: dict[tuple, int] = {}   # per target: times a gemeente's cell was spared
        self._returns: dict[tuple, int] = {}   # per target: times a cell was hidden for it
        self._given_away: set = set()   # labels of group targets no pattern protects (set_aside)
        self._given_away_cell = np.zeros(len(self.values), dtype=bool)   # cells likewise
        # targets set_aside found protectable: a property of the values and of what the attacker
        # knows, not of the pattern, so a target that keeps coming back is asked once
        self._protectable: set = set()
        self._witnesses: list[tuple[np.ndarray, np.ndarray]] = []   # see witnesses

    @property
    def proofs(self) -> tuple:
        """What this auditor remembers having proven, how often it spared a gemeente's cell per
        target and which targets it set aside (to carry it across processes)."""
        return (self._proven, self._proven_cell, self._proven_on, self._spared, self._returns,
                self._given_away, self._given_away_cell, self._protectable, self._witnesses)

    @proofs.setter
    def proofs(self, proofs: tuple) -> None:
        (self._proven, self._proven_cell, self._proven_on, self._spared, self._returns,
         self._given_away, self._given_away_cell, self._protectable, self._witnesses) = proofs

    @property
    def witnesses(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The feasible points that prove wide every target proven on the last pattern audited:
        each the cells (positions in `keys`) where it differs from the true counts, and its
        values there. Another auditor of the same cells and relations can check them
        (`audit(..., witnesses=...)`) instead of solving LPs again."""
        return self._witnesses

    def carried_over(self, moves: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Points kept as moves from the true counts (cells, move per cell), as points of these
        counts: each true count plus t times its move, with the largest t <= 1 that keeps every
        inequality and no count below 0. A move that kept every relation on earlier counts keeps
        every equality on any counts that keep them (as a correction's do) for any t; where the
        correction took slack from an inequality or lowered a moved count, a shorter step still
        keeps it (t = 1 elsewhere). A cell outside these counts makes its point NaN. Points
        only: the audit checks each against every relation and the pattern (_proven_by)."""
        values, n = self.values, len(self.values)
        if not len(moves):
            return []
        sizes = np.array([len(cells) for cells, _ in moves])
        cells = np.concatenate([c for c, _ in moves]).astype(np.int64)
        step = np.concatenate([m for _, m in moves]).astype(float)
        point = np.repeat(np.arange(len(moves)), sizes)
        inside = (cells >= 0) & (cells < n) & np.isfinite(step)
        t = np.ones(len(moves))
        t[point[~inside]] = np.nan
        at = np.where(inside, cells, 0)
        # Only what the whole move breaks, beyond the tolerance the audit checks a point with
        # (a solver's point may sit a hair past a row that is tight at the true counts).
        below = inside & (values[at] + step < -FEASIBILITY)
        np.minimum.at(t, point[below], np.maximum(values[at[below]], 0.0) / -step[below])
        rows = np.flatnonzero(~self.equality)   # a step of any length keeps the equalities
        inequalities = self.matrix[rows]
        change = (inequalities @ csc_matrix((np.where(inside, step, 0.0), (at, point)),
                                            shape=(n, len(moves)))).tocoo()
        slack = np.maximum(self.rhs[rows] - inequalities @ values, 0.0)
        broken = change.data - slack[change.row] > FEASIBILITY * (1.0 + np.abs(self.rhs[rows][change.row]))
        np.minimum.at(t, change.col[broken], slack[change.row[broken]] / change.data[broken])
        x = np.where(inside, values[at], np.nan) + t[point] * step
        return list(zip(np.split(cells, np.cumsum(sizes)[:-1]), np.split(x, np.cumsum(sizes)[:-1])))

    def set_aside(self, findings: Sequence[Finding], earlier: np.ndarray | None = None) -> int:
        """Set aside those of `findings` (a last audit's) that no pattern can protect any more:
        too narrow even with every cell hidden that the attacker does not know anyway (what
        earlier releases showed, public counts; `earlier`: per cell, whether releases before the
        one audited showed it, when those the auditor knows include that one's). Hiding fewer
        cells only narrows an interval, so such a count is given away by the earlier releases
        themselves: a release made before a relation was declared (the stock and its exits,
        December 2026) showed cells that the relation now ties together. Later audits skip these
        targets and count them (`given_away`) instead of failing for want of a cell to hide.
        Returns how many of `findings` are set aside (now or before)."""
        def given_away(label: tuple) -> bool:
            return (self._given_away_cell[self.model.index[label[1]]] if label[0] == "cell"
                    else label in self._given_away)

        already = sum(given_away(f.target) for f in findings)
        # Asked before of what the attacker knows now (`earlier` None) and protectable then: still
        # protectable. (With a memory of releases, the city's longest year asked the same few
        # returning targets 48 times: 17 s of its 50.)
        answered = self._protectable if earlier is None else set()
        asked = {f.target for f in findings if not given_away(f.target) and f.target not in answered}
        if not asked:
            return already
        known = self.public if earlier is None else self.public_measure | np.asarray(earlier, dtype=bool)
        # what is proven wide on the pattern audited stays with it, not with this wider one
        kept = (self._proven.copy(), self._proven_cell.copy(), self._proven_on, self._witnesses)
        found = self.audit(~known, lp=True, only=asked).findings
        self._proven, self._proven_cell, self._proven_on, self._witnesses = kept
        if earlier is None:
            self._protectable |= asked - {finding.target for finding in found}
        for finding in found:
            if finding.target[0] == "cell":
                self._given_away_cell[self.model.index[finding.target[1]]] = True
            else:
                self._given_away.add(finding.target)
        return already + len(found)

    def position(self, key: Key) -> int | None:
        """Where `key` is in `keys` (None when it is not a cell)."""
        return self.model.index.get(key)

    def audit(self, hidden, lp: bool = True, stop_after: int | None = None,
              local: bool = False, only: set | None = None,
              witnesses: Sequence[tuple[np.ndarray, np.ndarray]] = ()) -> AuditResult:
        """Hidden counts whose derivable interval is too narrow, and per finding one visible cell
        to hide next. Interval propagation first (cheap, finds most); the LP proves the rest once
        propagation finds nothing (or `lp=False`: propagation only). `stop_after`: return once
        the LP has found that many. `local`: a target that no LP over a ball of at most
        LOCAL_BALL hidden cells proves wide counts as a finding too (it may be wide in
        truth: hiding one more cell next to it costs little, and spares an LP over a whole
        component). A suppression loop fixes the findings and audits again; an audit that finds
        nothing is a proof in every mode, as every target was proven wide by feasible points.

        The Auditor remembers the targets it proved wide: on a pattern that hides at least what
        the last one hid they stay wide (a feasible point with the newly hidden cells at their
        true values is still feasible), so a suppression loop's audits only prove what is new.

        `witnesses`: points another auditor of the same keys proved with (its `witnesses`).
        Each is checked against every relation and the pattern (it may move hidden cells only);
        the targets that those which pass prove wide need no LP (`result.certified`)."""
        hidden = np.asarray(hidden, dtype=bool)
        if self._proven_on is None or (self._proven_on & ~hidden).any():
            self._proven = set()   # a cell shown again: what was proven may no longer hold
            self._proven_cell[:] = False
            self._witnesses = []
        self._proven_on = hidden.copy()
        values, keys = self.values, self.model.keys
        touched = (abs(self.matrix) @ hidden.astype(float)) > 0
        activity = self.matrix @ values - self.rhs
        broken = ~touched & np.where(self.equality, np.abs(activity) > TOLERANCE, activity > TOLERANCE)
        if broken.any():
            row = int(np.flatnonzero(broken)[0])
            cells = self.matrix.indices[self.matrix.indptr[row]:self.matrix.indptr[row + 1]]
            raise RelationViolated(f"a declared relation does not hold on {[keys[c] for c in cells]}")
        hidden_ids = np.flatnonzero(hidden)
        slot = np.full(len(keys), -1)
        slot[hidden_ids] = np.arange(len(hidden_ids))
        result = AuditResult(cells=len(keys), hidden=len(hidden_ids))
        touched_rows = np.flatnonzero(touched)
        rows = self.matrix[touched_rows]
        a = rows[:, hidden_ids].tocsr()
        b = self.rhs[touched_rows] - rows @ np.where(hidden, 0.0, values)
        eq = self.equality[touched]
        # Every hidden protected count is a target, built only for those not proven wide yet (a
        # suppression loop audits some 170 patterns of 30,000 hidden cells at city scale): one
        # row each of an objective over the hidden cells, the few group targets after them.
        counts = hidden_ids[self.protected[hidden_ids] & (values[hidden_ids] >= 1)]
        set_aside = self._given_away_cell[counts]
        counts = counts[~set_aside]
        result.given_away = int(set_aside.sum())
        result.targets = len(counts)
        todo = counts[~self._proven_cell[counts]]
        if only is not None:   # these targets' labels only
            todo = np.array([c for c in todo if ("cell", keys[c]) in only], dtype=int)
        # Group disclosure: in a hidden group of 1-9 (the whole), 'none of them' (part 0) and
        # 'all of them' (whole - part 0) must not be provable either. (A 0% or 100% on a larger
        # base is what a visible cell publishes anyway.) (label, hidden slots, coefficients, offset)
        small_group = (self.pair_protected & hidden[self.pairs[:, 1]]
                       & (values[self.pairs[:, 1]] >= 1) & (values[self.pairs[:, 1]] < SMALL))
        groups, group_targets = 0, []
        for part, whole in self.pairs[small_group]:
            if hidden[part] and values[part] == 0:
                groups += 1
                if ("none_of", keys[part], keys[whole]) in self._given_away:
                    result.given_away += 1
                elif ("none_of", keys[part], keys[whole]) not in self._proven:
                    group_targets.append((("none_of", keys[part], keys[whole]), [slot[part]], [1.0], 0.0))
            if values[part] == values[whole]:
                groups += 1
                if ("all_of", keys[part], keys[whole]) in self._given_away:
                    result.given_away += 1
                    continue
                if ("all_of", keys[part], keys[whole]) in self._proven:
                    continue
                cells, coefs, offset = [slot[whole]], [1.0], 0.0
                if hidden[part]:
                    cells, coefs = cells + [slot[part]], coefs + [-1.0]
                else:
                    offset = -values[part]
                group_targets.append((("all_of", keys[part], keys[whole]), cells, coefs, offset))
        result.targets += groups
        if only is not None:
            group_targets = [target for target in group_targets if target[0] in only]
        if len(witnesses) and (len(todo) or group_targets):
            wide, passed = self._proven_by(witnesses, hidden, todo, [
                (hidden_ids[cells], coefs, offset) for _, cells, coefs, offset in group_targets])
            cell_wide, group_wide = wide[:len(todo)], wide[len(todo):]
            self._proven_cell[todo[cell_wide]] = True
            self._proven.update(label for (label, *_), w in zip(group_targets, group_wide) if w)
            self._witnesses += passed
            result.certified = int(wide.sum())
            todo = todo[~cell_wide]
            group_targets = [target for target, w in zip(group_targets, group_wide) if not w]
        if not len(todo) and not group_targets:
            result.method = "none needed"
            return result

        def label_of(t: int) -> tuple:
            return ("cell", keys[todo[t]]) if t < len(todo) else group_targets[t - len(todo)][0]

        objective, offsets, need = _targets(slot[todo], values[todo],
                                            [(cells, coefs, offset) for _, cells, coefs, offset in group_targets],
                                            len(hidden_ids))
        target_values = np.concatenate([values[todo], np.zeros(len(group_targets))])
        truth = values[hidden_ids]
        whole_system = _Component(a, b, eq, objective, offsets, need, target_values, truth)
        narrow = whole_system.narrow_by_propagation()
        # per target found narrow by propagation: the matrix rows its bound was taken from
        binding = {int(t): touched_rows[rows] for t, rows in whole_system.binding.items()}
        result.method = "propagation"
        if not narrow and lp:
            result.method = "lp"
            narrow = []
            n_components, labels = connected_components(a.T @ a, directed=False)
            row_label = labels[a.indices[a.indptr[:-1]]] if a.shape[0] else np.zeros(0, int)
            # Components by their number of targets, smallest first (ties: the first target's
            # order); a target's component is its first cell's.
            component_of = labels[objective.indices[objective.indptr[:-1]]]
            found_labels, first, sizes = np.unique(component_of, return_index=True, return_counts=True)
            result.components = len(found_labels)
            by_target_order = np.argsort(component_of, kind="stable")
            members = np.split(by_target_order, np.cumsum(sizes)[:-1])
            for k in np.lexsort((first, sizes)):
                label, ids = found_labels[k], members[k]
                columns = np.flatnonzero(labels == label)
                selected = np.flatnonzero(row_label == label)
                component = _Component(
                    a[selected][:, columns], b[selected], eq[selected], objective[ids][:, columns],
                    offsets[ids], need[ids], target_values[ids], truth[columns],
                    bounds=(whole_system.lb[columns], whole_system.ub[columns]))
                limit = None if stop_after is None else stop_after - len(narrow)
                found, proven, points = component.narrow_by_lp(result, limit, local)
                if only is None:   # a question about a wider pattern proves nothing for this one
                    self._witnesses += [(hidden_ids[columns[moved]], x) for moved, x in points]
                narrow += [(int(ids[t]), low, high) for t, low, high in found]
                proven = ids[proven]
                self._proven_cell[todo[proven[proven < len(todo)]]] = True
                self._proven.update(label_of(int(t)) for t in proven[proven >= len(todo)])
                if stop_after is not None and len(narrow) >= stop_after:
                    break
        for t, low, high in narrow:
            result.findings.append(Finding(label_of(t), float(target_values[t]), low, high,
                                           tuple(float(x) for x in need[t])))
        if only is not None:   # a question about these targets, not a round of suppression
            return result
        result.to_hide = self._cells_to_hide(
            [(label_of(t), hidden_ids[objective.indices[objective.indptr[t]:objective.indptr[t + 1]]],
              binding.get(t)) for t, _, _ in narrow], hidden, result)
        return result

    def _proven_by(self, witnesses: Sequence[tuple[np.ndarray, np.ndarray]], hidden: np.ndarray,
                   cells: np.ndarray, groups: list[tuple[np.ndarray, list, float]]
                   ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Per target (the hidden counts `cells`, then the group targets `groups`: their cells,
        coefficients and offset), whether the `witnesses` that are feasible points of this
        pattern prove it wide; and those points. A point passes when it moves hidden cells only,
        each once, to a finite count from 0 to far above any count or sum in its rows (no LP
        moves one further: see _cap), and keeps every relation within the
        tolerance a solver's point is checked with (_Component.feasible): then it is a table of
        counts the attacker cannot tell from the true one, and a target's values over such
        points bound his interval from inside. (A point is read from the warehouse: a NULL value
        arrives as NaN, which every comparison lets through, and a cell stored twice as the sum
        of its two moves.)"""
        values, n = self.values, len(self.values)
        objective, offsets, need = _targets(cells, values[cells], groups, n)
        at_truth = objective @ values + offsets
        down, up = np.zeros(len(at_truth)), np.zeros(len(at_truth))   # the truth is a point: 0 either way
        b = self.rhs - self.matrix @ np.where(hidden, 0.0, values)   # as a component's (_Component)
        # No LP moves a cell above its component's cap (_cap of its counts and right-hand sides,
        # each within a row's |a| x counts); far above it, a huge move that cancels in a row's sum
        # rounds away a small break of that row (a helper session's attack: 1e20 hid a break of 3,000).
        cap = 2 * _cap(values, abs(self.matrix) @ np.abs(values) + np.abs(self.rhs))   # 2: a solver's slack
        base = self.matrix @ np.where(hidden, values, 0.0)
        passes = np.ones(len(witnesses), dtype=bool)
        # in batches of about WITNESS_BATCH moved cells: a point's relations hold ten times its cells
        sizes = np.array([len(m) for m, _ in witnesses])
        batch_of = np.cumsum(sizes) // WITNESS_BATCH
        for first in np.flatnonzero(np.r_[True, batch_of[1:] != batch_of[:-1]]):
            batch = np.flatnonzero(batch_of == batch_of[first])
            moved = np.concatenate([witnesses[i][0] for i in batch]).astype(np.int64)
            point = np.repeat(np.arange(len(batch)), sizes[batch])
            moved_to = np.concatenate([witnesses[i][1] for i in batch]).astype(float)
            ok = np.ones(len(batch), dtype=bool)
            elsewhere = (moved < 0) | (moved >= n)   # no cell of these keys
            ok[point[elsewhere]] = False
            moved[elsewhere] = 0
            # a cell moved by a point must be hidden, and go to a finite value from 0 to the cap
            # (NaN passes every comparison: a NULL value in the table reads as NaN), once: a cell
            # stored twice would count as the sum of its moves, below 0 though each value is not
            ok[point[~hidden[moved] | ~(moved_to >= -FEASIBILITY) | ~(moved_to <= cap)]] = False
            by_cell = np.lexsort((moved, point))
            twice = (moved[by_cell][1:] == moved[by_cell][:-1]) & (point[by_cell][1:] == point[by_cell][:-1])
            ok[point[by_cell][1:][twice]] = False
            delta = csc_matrix((moved_to - values[moved], (moved, point)), shape=(n, len(batch)))
            change = (self.matrix @ delta).tocoo()
            kept = _kept(base[change.row] + change.data - b[change.row], b[change.row], self.equality[change.row])
            ok[change.col[~kept]] = False
            passes[batch] = ok
            reached = (objective @ delta[:, np.flatnonzero(ok)]).tocsr()   # per target and point: the change
            some = np.flatnonzero(np.diff(reached.indptr) > 0)
            if len(some):
                starts = reached.indptr[some]
                down[some] = np.minimum(down[some], np.minimum.reduceat(reached.data, starts))
                up[some] = np.maximum(up[some], np.maximum.reduceat(reached.data, starts))
        low, high = at_truth + down, at_truth + up
        wide = np.isfinite(low) & np.isfinite(high) & ~_short(need, low, high)
        return wide, [w for w, ok in zip(witnesses, passes) if ok]

    def _cells_to_hide(self, targets: list[tuple[tuple, np.ndarray, np.ndarray | None]],
                       hidden: np.ndarray, result: AuditResult) -> list[Key]:
        """Per too-narrow target (its label, hidden cells and, when interval propagation found
        it, the rows its bound was taken from), one visible cell: in one of those rows when there
        is one, else sharing a constraint with its hidden cells; of the same measure if any, the
        smallest non-empty one (ties by key), so equal inputs give equal patterns. When every
        cell next to the target is hidden already (its bound comes from further away: a hidden 0
        quarter pinned by its visible wijk family), look one constraint further out through
        hidden cells, and so on.
        A gemeente's own cell is what a board reads: when it is the one found, look further out
        for a cell below it instead, up to CITY_CELL_SPARES times per target and
        CITY_CELL_SPARES_IN_ALL per gemeente-year, else take the gemeente's. (The demo hid the
        city's 51 evictions of 2025 where cells further out served as well; sparing the city's
        cells, its pattern hid 29,846 of 84,524 published cells instead of 30,104, 30 of them
        the city's instead of 35. Taken from a binding row: 29,350, in 122 audit rounds instead
        of 173; the national bench's 20 gemeenten: 119,882 against 119,844, 192 rounds against
        196. Rows with a non-zero dual in the outer LP that found a target, tried as well, hid
        3,164 more there in 369 rounds.)"""
        keys, chosen = self.model.keys, set()

        def city(cells: np.ndarray) -> np.ndarray:
            """Which of `cells` are a gemeente's own (their area has no parent): asked of the few
            candidates only, not of the millions of cells a national auditor holds."""
            return np.array([self.area_parents.get(keys[c][1]) is None for c in cells], dtype=bool)

        def ranked(cells: np.ndarray, measures: set[str]) -> int:
            return min(cells, key=lambda c: (keys[c][0] not in measures, self.values[c] <= 0,
                                             self.values[c], keys[c]))

        for label, cells, binding in targets:
            self._returns[label] = self._returns.get(label, 0) + 1
            measures = {keys[c][0] for c in cells}
            if self._returns[label] > RETURNS_BEFORE_DUALS and label[0] == "cell":
                target = self.model.index[label[1]]
                # with a memory of releases, one that keeps coming back may be given away by them
                if self.remembers and self.set_aside([Finding(label, float(self.values[target]), 0.0, 0.0, ())]):
                    continue
                relaxing = self._relaxing_cells(target, hidden, result)
                if len(relaxing):
                    below = relaxing[~city(relaxing)]
                    chosen.add(ranked(below if len(below) else relaxing, measures))
                    continue
            may_spare = (self._spared.get(label, 0) < CITY_CELL_SPARES
                         and sum(self._spared.values()) < CITY_CELL_SPARES_IN_ALL)
            if binding is not None and len(binding):
                # The rows that bind the attacker's bound: hiding a visible cell in one of them
                # relaxes it, where the nearest cell may sit in a row that does not bind at all.
                reached = _reach(self.matrix, binding)
                candidates = reached[~hidden[reached] & ~self.public[reached]]
                if len(candidates):
                    best = ranked(candidates, measures)
                    if may_spare and city(np.array([best]))[0]:
                        below = candidates[~city(candidates)]
                        if len(below):
                            chosen.add(ranked(below, measures))
                            self._spared[label] = self._spared.get(label, 0) + 1
                            continue
                    else:
                        chosen.add(best)
                        continue
            frontier, seen = np.asarray(cells), set(int(c) for c in cells)
            city_cell = None
            while len(frontier):
                reached = self._neighbours(frontier)
                candidates = reached[~hidden[reached] & ~self.public[reached]]
                if len(candidates):
                    best = ranked(candidates, measures)
                    if may_spare and city(np.array([best]))[0]:   # a gemeente's: one below it if any serves
                        city_cell = best if city_cell is None else city_cell
                        below = candidates[~city(candidates)]
                        best = ranked(below, measures) if len(below) else None
                    if best is not None:
                        chosen.add(best)
                        if city_cell is not None:
                            self._spared[label] = self._spared.get(label, 0) + 1
                        break
                frontier = np.array([c for c in reached[hidden[reached]] if c not in seen], dtype=int)
                seen.update(int(c) for c in frontier)
            else:
                if city_cell is not None:
                    chosen.add(city_cell)
        return sorted(keys[c] for c in chosen)

    def _relaxing_cells(self, target: int, hidden: np.ndarray, result: AuditResult) -> np.ndarray:
        """The visible cells whose value moves the attacker's exact bound on `target` (a hidden
        count), on each side that is too narrow: those with a non-zero sensitivity, from the
        duals of the LP over every hidden cell linked to it. Hiding one of them relaxes that
        bound, where the nearest visible cell may bind nothing. One LP per side over the whole
        linked system: asked only for a target that keeps coming back."""
        linked = np.zeros(len(self.values), dtype=bool)
        linked[target] = True
        frontier = np.array([target])
        while len(frontier):
            reached = _reach(self.matrix, _reach(self.by_cell, frontier))
            frontier = reached[hidden[reached] & ~linked[reached]]
            linked[frontier] = True
        columns = np.flatnonzero(linked)
        rows = _reach(self.by_cell, columns)
        block = self.matrix[rows]
        b = self.rhs[rows] - block @ np.where(hidden, 0.0, self.values)
        solve = _highs(block[:, columns].tocsc(), self.equality[rows], b,
                       np.zeros(len(columns)), np.full(len(columns), _cap(self.values[columns], b)))
        visible = _reach(self.matrix, rows)
        visible = visible[~hidden[visible] & ~self.public[visible]]
        costs = np.zeros(len(columns))
        costs[np.searchsorted(columns, target)] = 1.0
        low_at_most, high_at_least, width = requirements(self.values[[target]])[0]
        low, low_duals = solve(costs, result, duals=True)[1:]
        high, high_duals = solve(-costs, result, duals=True)[1:]
        high = -high
        short_width = high - low < width - TOLERANCE
        found = []
        for short, duals in ((low > low_at_most + TOLERANCE or short_width, low_duals),
                             (high < high_at_least - TOLERANCE or short_width, high_duals)):
            if short:
                sensitivity = block.T @ duals
                found.append(visible[np.abs(sensitivity[visible]) > TOLERANCE])
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=int)

    def _neighbours(self, cells: np.ndarray) -> np.ndarray:
        """Every cell sharing a constraint with one of `cells` (themselves included), read from
        the sparse arrays directly: sparse slicing costs a hundred times more per call, and a
        national audit asks this for every finding."""
        column, row = self.by_cell, self.matrix
        rows = np.concatenate([column.indices[column.indptr[c]:column.indptr[c + 1]] for c in cells])
        return np.unique(np.concatenate([row.indices[row.indptr[r]:row.indptr[r + 1]]
                                         for r in np.unique(rows)] or [np.zeros(0, int)]))


def audit_cells(keys: Sequence[Key], values, hidden, *, lp: bool = True, local: bool = False,
                **relations) -> AuditResult:
    """One audit of one pattern (see Auditor for the arguments)."""
    return Auditor(keys, values, **relations).audit(hidden, lp=lp, local=local)


class SplitAuditor:
    """The audit of tables that fall apart into independent parts, one Auditor per part: no
    relation between the counts crosses a root of the area hierarchy (a gemeente: areas add up
    to their parent, periods and subsets relate cells of one area) nor, but for one, a year
    (months add up to quarters and quarters to their year; nothing adds up years), so what an
    attacker derives in one gemeente in one year tells him little about another. The one that
    crosses a year: a declared stock's December less its exits runs on in January (Q4's and the
    year's likewise: the same tenancies, those running on 1 January, which the next January's
    stock counts at least). Each part takes the next January's stock as known to the attacker,
    shown or not (`beyond`: true counts; keys of other months are not used; see Auditor), so
    the parts stay independent (auditing a gemeente's years as one made the city's publication
    2.2 times slower), and a new month changes no earlier year's audit but for a new January.
    The reverse bound, next January's stock from below by this December less its exits, is not
    audited: taking December as known there too would pin a small hidden January that only
    hiding in the year before can protect. A part is (gemeente, year). A part whose pattern is
    the one it last audited gives that result back, so an audit after a change costs only the
    parts that changed; `settle` extends each part until it holds, on its own and at its own
    pace. Same interface as Auditor; `keys` and `position` are over all cells."""

    def __init__(self, keys: Sequence[Key], values, *, area_parents: Mapping[str, str | None],
                 workers: int | None = None, known: np.ndarray | None = None,
                 beyond: Mapping[Key, float] | None = None, **relations):
        self.workers = workers or cores()
        self.keys = list(keys)
        self.known = np.zeros(len(self.keys), dtype=bool) if known is None else np.asarray(known, dtype=bool)
        values = np.asarray(values, dtype=float)
        self._root_of = root_of = _roots(area_parents)
        # the cells of each part, in key order: by codes of areas and periods, not per cell
        areas, area = _codes([k[1] for k in self.keys])
        periods, period = _codes([k[2] for k in self.keys])
        parts, part = _codes([(root_of.get(a, a), p[:4]) for a in areas for p in periods])
        part = part.reshape(len(areas), len(periods))[area, period] if self.keys else part
        by_part = np.argsort(part, kind="stable")
        starts = np.searchsorted(part[by_part], np.arange(len(parts) + 1))
        members = {name: by_part[starts[c]:starts[c + 1]] for name, c in parts.items() if starts[c + 1] > starts[c]}
        parents: dict[str, dict[str, str | None]] = {}
        for area, parent in area_parents.items():
            parents.setdefault(root_of[area], {})[area] = parent
        edges: dict[tuple[str, str], dict[Key, float]] = {}   # per part, the next January's counts
        for key, count in (beyond or {}).items():
            if key[2][5:] == "01":
                part = (root_of.get(key[1], key[1]), str(int(key[2][:4]) - 1))
                edges.setdefault(part, {})[key] = float(count)
        self.parts: list[tuple[tuple[str, str], np.ndarray, Auditor]] = []
        for (root, year), ids in sorted(members.items()):
            self.parts.append(((root, year), ids, Auditor(
                [self.keys[i] for i in ids.tolist()], values[ids], area_parents=parents.get(root, {}),
                known=self.known[ids], beyond=edges.get((root, year)), **relations)))
        self._part_of = {root: part for part, (root, _, _) in enumerate(self.parts)}
        self._last: dict[tuple, tuple[np.ndarray, AuditResult]] = {}
        self._extend: Callable | None = None   # settle()'s, while it runs
        self.part_audits = 0   # audits of a part that were run, not given back

    def position(self, key: Key) -> int | None:
        """Where `key` is in `keys` (None when it is not a cell). Asked of its part: one index
        over all cells would double the memory of a national audit."""
        part = self._part_of.get((self._root_of.get(key[1], key[1]), key[2][:4]))
        if part is None:
            return None
        _, ids, auditor = self.parts[part]
        local = auditor.position(key)
        return None if local is None else int(ids[local])

    def audit(self, hidden, lp: bool = True, local: bool = False,
              fork_from: int | None = None, witnesses: Mapping | None = None) -> AuditResult:
        """Every part's audit of its share of `hidden` (see Auditor.audit), as one result.
        `fork_from`: the fewest parts to audit that are worth forked workers: MIN_PARTS_TO_FORK
        by default, for a pool made again at each call; a single audit, such as the published
        table's check, makes its pool once and gains from two parts on. `witnesses`: points
        to check first, per part, as `witnesses()` gives them."""
        hidden = np.asarray(hidden, dtype=bool)
        todo = []
        for part, (root, ids, _) in enumerate(self.parts):
            last = self._last.get((root, lp, local))
            if last is None or not np.array_equal(last[0], hidden[ids]):
                todo.append(part)
        for part, result in self._run(todo, hidden, lp, local, fork_from, self._by_part(witnesses)):
            root, ids, _ = self.parts[part]
            self._last[(root, lp, local)] = (hidden[ids], result)
        self.part_audits += len(todo)
        return AuditResult.merged([self._last[(root, lp, local)][1] for root, _, _ in self.parts])

    def set_aside(self, earlier: np.ndarray | None = None) -> int:
        """Auditor.set_aside in every part whose last audit found counts too narrow (in this
        process: rare, after an upgrade); their last audits are forgotten, so the next audit
        makes them again without those targets. Returns how many were set aside."""
        found = 0
        for root, ids, auditor in self.parts:
            remembered = [key for key in self._last if key[0] == root]
            findings = [f for key in remembered for f in self._last[key][1].findings]
            if findings:
                found += auditor.set_aside(findings, None if earlier is None else earlier[ids])
                for key in remembered:
                    del self._last[key]
        return found

    def settle(self, hidden, extend: Callable,
               on_settled: Callable[[tuple[str, str], int], None] = lambda part, audits: None
               ) -> tuple[np.ndarray, list, int]:
        """Every part whose last audit (local, of this `hidden`) found counts too narrow, extended
        on its own until its audit finds nothing: `extend(auditor, pattern, known, result)`
        returns (pattern, its last audit's result, whether that audit was local, audits made,
        anything else to hand back). Parts are independent, so each goes on at its own pace in
        the workers (as `audit`'s parts) instead of every round of a suppression loop waiting
        for its slowest part: the national bench's 20 gemeenten published in 61 s that way (61 s
        of part audits took 49 s on two cores), in 40 s settled part by part, the same pattern;
        the city in 27.6 s and 22-24 s. `on_settled(part, audits)` as each part is done.
        Returns `hidden` with every part's last pattern, what each part handed back, and the
        most audits a part needed."""
        hidden = np.array(hidden, dtype=bool)
        todo = []
        for part, (root, ids, _) in enumerate(self.parts):
            last = self._last.get((root, True, True))
            if last is None or not np.array_equal(last[0], hidden[ids]):
                raise RuntimeError("settle() follows a local audit of the same pattern")
            if last[1].findings:
                todo.append((part, hidden[ids]))
        self._extend = extend   # what a forked worker inherits, with the auditors
        handed, most = [], 0
        try:
            for part, pattern, result, local, audits, extra in self._map(_settle_part, todo,
                                                                          MIN_PARTS_TO_SETTLE_FORKED):
                root, ids, _ = self.parts[part]
                hidden[ids] = pattern
                self._last[(root, True, local)] = (pattern.copy(), result)
                handed.append(extra)
                most = max(most, audits)
                self.part_audits += audits
                on_settled(root, audits)
        finally:
            self._extend = None
        return hidden, handed, most

    def witnesses(self) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per part (gemeente, year), its Auditor.witnesses as rows (point, cell position among
        the part's own keys, move: the point's value there less the true count). A part's keys
        are its cells in key order, so another SplitAuditor of the same cells has them in the
        same places. Kept as moves, a point made before a correction carries over to the
        corrected counts: a move that kept every equality on the old counts keeps it on any
        counts that keep the relations (their difference sums to 0 in every row), and a shorter
        step keeps the inequalities and bounds (Auditor.carried_over)."""
        found = {}
        for root, _, auditor in self.parts:
            points = auditor.witnesses
            if points:
                found[root] = (np.repeat(np.arange(len(points)), [len(cells) for cells, _ in points]),
                               np.concatenate([cells for cells, _ in points]),
                               np.concatenate([x - auditor.values[cells] for cells, x in points]))
        return found

    def _by_part(self, witnesses: Mapping | None) -> list[list[tuple[np.ndarray, np.ndarray]]]:
        """`witnesses()`'s rows as each part's points, carried over to its present true counts
        (Auditor.carried_over)."""
        by_part: list[list] = [[] for _ in self.parts]
        for part, (root, _, auditor) in enumerate(self.parts):
            if witnesses is None or root not in witnesses:
                continue
            point, cells, moves = (np.asarray(w) for w in witnesses[root])
            order = np.argsort(point, kind="stable")
            point, cells, moves = point[order], cells[order].astype(np.int64), moves[order].astype(float)
            starts = np.flatnonzero(np.r_[True, point[1:] != point[:-1]])[1:]
            by_part[part] = auditor.carried_over(list(zip(np.split(cells, starts), np.split(moves, starts))))
        return by_part

    def _run(self, todo: list[int], hidden: np.ndarray, lp: bool, local: bool, fork_from: int | None,
             witnesses: list[list]):
        """(part, result) for every part in `todo` (see _map)."""
        yield from self._map(_audit_part, [(part, hidden[self.parts[part][1]], lp, local, witnesses[part])
                                           for part in todo],
                             MIN_PARTS_TO_FORK if fork_from is None else fork_from)

    def _map(self, work: Callable, tasks: list[tuple], fork_from: int):
        """work(task) for every task (a part first): in this process, or, with several parts and
        several cores, in forked workers that inherit the auditors as they are (no copy is sent)
        and send back each answer with what its auditor proved (its last item, left off here)."""
        global _forked, _cores
        _forked = self
        forking = "fork" in multiprocessing.get_all_start_methods()
        # a token per core, held by each part at work: one left over is a core an audit may use
        _cores = (multiprocessing.get_context("fork") if forking else threading).Semaphore(self.workers)
        try:
            if len(tasks) < max(2, fork_from) or self.workers < 2 or not forking:
                for task in tasks:
                    yield work(task)[:-1]
                return
            largest_first = sorted(tasks, key=lambda task: -len(self.parts[task[0]][1]))
            with multiprocessing.get_context("fork").Pool(min(self.workers, len(tasks)),
                                                          initializer=worker_started, initargs=(os.getpid(),)) as pool:
                for *answer, proofs in pool.imap_unordered(work, largest_first):
                    self.parts[answer[0]][2].proofs = proofs
                    yield tuple(answer)
                pool.close()   # every result is in: let the workers finish instead of killing them
                pool.join()
        finally:
            _forked = _cores = None


_forked: SplitAuditor | None = None   # what a forked worker inherits
_cores = None   # while SplitAuditor._map runs: a semaphore with a token per core (see _Component.narrow_by_lp)


def _on_a_core():
    """Hold a core's token while a part is audited (none outside SplitAuditor._map)."""
    return _cores if _cores is not None else nullcontext()


def _spare_core() -> bool:
    """Take an idle core's token (see SplitAuditor._map) if there is one; its taker releases it."""
    return _cores is not None and _cores.acquire(False)


def _audit_part(task: tuple) -> tuple[int, AuditResult, tuple]:
    part, pattern, lp, local, witnesses = task
    auditor = _forked.parts[part][2]
    with _on_a_core():
        result = auditor.audit(pattern, lp=lp, local=local, witnesses=witnesses)
    return part, result, auditor.proofs


def _settle_part(task: tuple) -> tuple:
    part, pattern = task
    root, ids, auditor = _forked.parts[part]
    with _on_a_core():
        pattern, result, local, audits, extra = _forked._extend(
            auditor, pattern.copy(), _forked.known[ids], _forked._last[(root, True, True)][1])
    return part, pattern, result, local, audits, extra, auditor.proofs


def _roots(area_parents: Mapping[str, str | None]) -> dict[str, str]:
    """The top of the area hierarchy above every area (itself for a top)."""
    roots: dict[str, str] = {}
    for area in area_parents:
        path = [area]
        while (parent := area_parents.get(path[-1])) is not None and parent not in roots:
            path.append(parent)
        top = roots[parent] if parent is not None else path[-1]
        roots.update((a, top) for a in path)
    return roots


class _Component:
    """A system of constraints over hidden cells (all of them, or one connected component) and
    the targets to protect, as sparse matrices."""

    def __init__(self, a: csr_matrix, b: np.ndarray, equality: np.ndarray, objective: csr_matrix,
                 offsets: np.ndarray, need: np.ndarray, values: np.ndarray, truth: np.ndarray,
                 bounds: tuple[np.ndarray, np.ndarray] | None = None):
        """`objective`: per target, what the attacker bounds (a row over the hidden cells) plus
        `offsets`; `need`: (low at most, high at least, width at least) per target; `values`: the
        targets' true counts."""
        self.n = a.shape[1]
        # bounds every attacker derives by propagation (valid for him; set by
        # narrow_by_propagation, or handed down from the whole system to a component)
        self.lb, self.ub = bounds if bounds is not None else (None, None)
        self.a, self.b, self.equality = a.tocsr(), b, equality
        self.by_cell = self.a.tocsc()
        self.truth = np.asarray(truth, dtype=float)   # the true hidden counts: a feasible point
        self.a_eq, self.b_eq = a[np.flatnonzero(equality)], b[equality]
        self.a_ub, self.b_ub = a[np.flatnonzero(~equality)], b[~equality]
        self.objective, self.offsets, self.need = objective.tocsr(), offsets, need
        self.binding: dict[int, np.ndarray] = {}   # per target narrow by propagation: the rows that bind it
        # A cap far above every count keeps each LP bounded; a bound at the cap is wide enough.
        # Above every true hidden count too (a hidden stock of homes may be far larger than the
        # targets and the visible sums around it): below it, the true counts were cut off and a
        # ball's LP had no feasible point.
        self.cap = _cap(values, b, self.truth)

    def short(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Per target: is [low, high] narrower than required?"""
        return _short(self.need, low, high)

    def propagate(self, rounds: int = 50) -> tuple[np.ndarray, np.ndarray]:
        """Interval propagation: bounds every attacker gets by reasoning one constraint at a time
        (with whole counts). Wider than the LP's, so a target narrow here is narrow there too."""
        lb, ub = np.zeros(self.n), np.full(self.n, self.cap)
        blocks = self._blocks()
        for _ in range(rounds):
            changed = False
            for coo, rhs, _ in blocks:
                a, i = coo.data, coo.col
                bound = _implied(coo, rhs, lb, ub)
                upper = np.floor(bound + TOLERANCE)
                lower = np.ceil(bound - TOLERANCE)
                new_ub, new_lb = ub.copy(), lb.copy()
                np.minimum.at(new_ub, i[a > 0], upper[a > 0])
                np.maximum.at(new_lb, i[a < 0], lower[a < 0])
                if (new_ub < ub - TOLERANCE).any() or (new_lb > lb + TOLERANCE).any():
                    changed = True
                ub, lb = new_ub, new_lb
            if not changed:
                break
        if (lb > ub + TOLERANCE).any():
            raise RelationViolated("the published cells and declared relations admit no counts")
        return lb, ub

    def _blocks(self) -> list[tuple]:
        """The constraints as rows `sum(a x) <= b`: (coefficients as COO, b, each row's index in
        the component); an equality is two of them."""
        blocks = []
        if self.a_ub.shape[0]:
            blocks.append((self.a_ub.tocoo(), self.b_ub, np.flatnonzero(~self.equality)))
        if self.a_eq.shape[0]:
            equal = np.flatnonzero(self.equality)
            blocks.append((self.a_eq.tocoo(), self.b_eq, equal))
            blocks.append(((-self.a_eq).tocoo(), -self.b_eq, equal))
        return blocks

    def target_bounds(self, lb: np.ndarray, ub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        positive, negative = self.objective.maximum(0), self.objective.minimum(0)
        low = positive @ lb + negative @ ub + self.offsets
        high = positive @ ub + negative @ lb + self.offsets
        return low, high

    def narrow_by_propagation(self) -> list[tuple[int, float, float]]:
        self.lb, self.ub = self.propagate()
        low, high = self.target_bounds(self.lb, self.ub)
        bad = self.short(low, high)
        self._bind_by_propagation(np.flatnonzero(bad), low, high)
        return [(int(t), float(low[t]), float(high[t])) for t in np.flatnonzero(bad)]

    def _bind_by_propagation(self, narrow: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
        """For each narrow target that is one cell: the rows whose implied bound on it is the
        propagated bound of a short side (into self.binding). Targets over several cells get
        none: the nearest cell serves them."""
        single = narrow[np.diff(self.objective.indptr)[narrow] == 1]
        single = single[self.objective.data[self.objective.indptr[single]] == 1.0]
        if not len(single):
            return
        cell = self.objective.indices[self.objective.indptr[single]]
        width_short = high[single] - low[single] < self.need[single, 2] - TOLERANCE
        wants_lower = np.zeros(self.n, dtype=bool)   # the cell's lower bound must come down
        wants_upper = np.zeros(self.n, dtype=bool)
        wants_lower[cell[(low[single] > self.need[single, 0] + TOLERANCE) | width_short]] = True
        wants_upper[cell[(high[single] < self.need[single, 1] - TOLERANCE) | width_short]] = True
        lb, ub = self.lb, self.ub
        found_rows, found_cells = [], []
        for coo, rhs, ids in self._blocks():
            a, r, i = coo.data, coo.row, coo.col
            bound = _implied(coo, rhs, lb, ub)
            tight = ((a > 0) & wants_upper[i] & (np.floor(bound + TOLERANCE) <= ub[i] + TOLERANCE)) | \
                    ((a < 0) & wants_lower[i] & (np.ceil(bound - TOLERANCE) >= lb[i] - TOLERANCE))
            found_rows.append(ids[r[tight]])
            found_cells.append(i[tight])
        rows, cells = np.concatenate(found_rows), np.concatenate(found_cells)
        for t, c in zip(single, cell):
            mine = rows[cells == c]
            if len(mine):
                self.binding[int(t)] = np.unique(mine)

    def narrow_by_lp(self, result: AuditResult, limit: int | None = None, local: bool = False
                     ) -> tuple[list[tuple[int, float, float]], np.ndarray]:
        """The exact bounds, by LP, made cheap by restriction: an LP over a *ball* of hidden cells
        around a target, with every other hidden cell fixed at its true value, has a feasible set
        inside the attacker's (the true counts satisfy every relation), so an interval found wide
        there is wide for him. Only a target still narrow in the ball grows its ball, up to the
        whole component, where the LP is exact: a finding is only ever declared there. Every
        solution is checked against all constraints and is a feasible point; the lowest and
        highest value seen per target settle most targets without an LP of their own.
        A target still open when its turn comes gets an outer LP first (over the constraints
        touching a ball of OUTER_BALL cells around it, the cells beyond free within their
        propagation bounds: a relaxation, so its interval holds the attacker's); narrow there, it
        is narrow for him, and a finding without any ball LP. One still open after its first
        ball's LP gets the outer LP around that ball.
        `local`: stop growing at LOCAL_BALL and call what is still narrow a finding.
        An exact audit of a component over SHARE_FROM cells takes a second thread when a core is
        idle (see _spare_core).
        Returns the findings, the targets proven wide and the points that prove them (each as
        the cells it moves from the truth and their values there: see Auditor.witnesses)."""
        seen_low = self.objective @ self.truth + self.offsets   # the true counts: feasible
        seen_high = seen_low.copy()
        # per target, the point that reached its lowest (highest) value so far (-1: the truth)
        points: list[tuple[np.ndarray, np.ndarray] | None] = []
        low_at, high_at = np.full(len(seen_low), -1), np.full(len(seen_low), -1)
        cells_of = [self.objective.indices[self.objective.indptr[t]:self.objective.indptr[t + 1]]
                    for t in range(self.objective.shape[0])]
        uses = self.objective.copy()
        uses.data[:] = 1.0
        cells_per_target = np.diff(uses.indptr)
        shared = threading.Lock()   # what the threads share: the points, the findings, the next target

        def record(x: np.ndarray) -> None:
            if not self.feasible(x):   # never trust a point the full system does not accept
                return
            reached = self.objective @ x + self.offsets
            with shared:
                lower, higher = reached < seen_low, reached > seen_high
                if lower.any() or higher.any():
                    replaced = np.unique(np.concatenate([low_at[lower], high_at[higher]]))
                    low_at[lower], high_at[higher] = len(points), len(points)
                    moved = np.flatnonzero(x != self.truth)   # kept as the cells it moves: small
                    points.append((moved, x[moved]))
                    # a point no target has its extreme at any more is let go (a whole component's
                    # points move thousands of cells each)
                    for gone in replaced[replaced >= 0]:
                        if not ((low_at == gone).any() or (high_at == gone).any()):
                            points[gone] = None
                np.minimum(seen_low, reached, out=seen_low)
                np.maximum(seen_high, reached, out=seen_high)

        def open_sides() -> np.ndarray:
            short = self.short(seen_low, seen_high)
            wide = seen_high - seen_low >= self.need[:, 2] - TOLERANCE
            return np.column_stack([short & ((seen_low > self.need[:, 0] + TOLERANCE) | ~wide),
                                    short & ((seen_high < self.need[:, 1] - TOLERANCE) | ~wide)])

        # A component larger than the largest ball (the city's 2025: 11,000 hidden cells) is one
        # LP model per thread, each target that reaches it solved from the last optimal basis
        # instead of a new model's (cold: 0.2-0.4 s, warm: a tenth of it). There a joint push of
        # all open targets costs as much as a cold solve; one that settled under 5% of them pauses
        # that side's joint push for the next JOINT_PUSH_PAUSE targets (paused: down, up). Such
        # pushes were 10 of the 26 s spent over whole components. Only the points and the LPs
        # spent change: an exact audit's findings are the targets narrow over the whole component.
        paused = [0, 0]
        per_thread = threading.local()

        def whole_lp():
            if not hasattr(per_thread, "whole"):
                per_thread.whole = self.restricted(np.arange(self.n))
            return per_thread.whole

        def settle(columns: np.ndarray, seed: int, result: AuditResult) -> None:
            """Push the open targets inside the ball up (then down) at once while that keeps
            settling targets (over a large whole component: unless paused), then the seed target
            alone on each side still open."""
            inside = np.zeros(self.n)
            inside[columns] = 1.0
            within = uses @ inside == cells_per_target   # targets whose cells are all in the ball
            large = len(columns) == self.n and self.n > LOCAL_BALL
            problem = whole_lp() if large else self.restricted(columns)
            for side, sign in ((1, -1.0), (0, 1.0)):
                if large and paused[side]:
                    paused[side] -= 1
                    continue
                first = True
                while True:
                    before = open_sides()[:, side] & within
                    if not before.any():
                        break
                    record(problem(sign * (self.objective.T @ before.astype(float)), result))
                    if (open_sides()[:, side] & within).sum() > before.sum() - max(1, before.sum() // 20):
                        if large and first:
                            paused[side] = JOINT_PUSH_PAUSE
                        break
                    first = False
            row = self.objective.getrow(seed).toarray().ravel()
            for side, sign in ((1, -1.0), (0, 1.0)):
                if open_sides()[seed, side]:
                    record(problem(sign * row, result))

        narrow = []
        queue = iter(range(self.objective.shape[0]))
        stop = []   # set when a thread fails: the other takes no more targets

        def take() -> int | None:
            with shared:
                done = stop or (limit is not None and len(narrow) >= limit)
                return None if done else next(queue, None)

        def bound(t: int, result: AuditResult) -> None:
            size, outer = BALL, None
            while self.short(seen_low, seen_high)[t]:
                columns = self.ball(cells_of[t], size)
                first = size == BALL and len(columns) < self.n
                if first and len(columns) > OUTER_BALL:
                    # The outer LP around a small ball first: two small LPs, and a target narrow
                    # there is narrow for every attacker, which no LP over a ball could change
                    # (the city's 2025: 1,171 of 2,018 targets over its large component).
                    outer = self.narrow_outside(t, self.ball(cells_of[t], OUTER_BALL), result)
                    if outer is not None:
                        break   # narrow for every attacker: a finding without a ball
                settle(columns, t, result)
                if first and self.short(seen_low, seen_high)[t]:
                    # Around the first ball only for a target its LP left open: before it, that
                    # outer LP settled 68 of 847 targets there, 8 s of LPs spent for the rest.
                    outer = self.narrow_outside(t, columns, result)
                    if outer is not None:
                        break
                if len(columns) == self.n or (local and size >= LOCAL_BALL):
                    break
                size *= BALL_GROWTH
            if self.short(seen_low, seen_high)[t]:
                low, high = outer or (float(seen_low[t]), float(seen_high[t]))
                with shared:
                    narrow.append((t, low, high))

        def bound_the_rest(result: AuditResult) -> None:
            try:
                while (t := take()) is not None:
                    bound(t, result)
            except BaseException as error:   # raised by the thread that waits for this one
                stop.append(error)

        # An exact audit's findings are the targets narrow over the whole component (or its outer
        # LP), whatever points proved the others wide and in what order: a second thread may take
        # targets from the same queue without changing them, only the points and the LPs spent.
        # (A local audit's findings depend on the points seen before: it stays in one thread.)
        may_share = not local and limit is None and self.n > SHARE_FROM and self.objective.shape[0] > 1
        helper, helped = None, AuditResult()
        try:
            while (t := take()) is not None:
                if may_share and helper is None and _spare_core():
                    helper = threading.Thread(target=bound_the_rest, args=(helped,), name="audit-helper")
                    try:
                        helper.start()
                    except BaseException:
                        helper = None
                        _cores.release()
                        raise
                bound(t, result)
        except BaseException as error:
            stop.append(error)
            raise
        finally:
            if helper is not None:
                try:
                    helper.join()
                finally:
                    _cores.release()   # the token goes back even if the wait is interrupted
                result.lps += helped.lps
        if stop:   # the helper failed: a target it took is neither proven nor found
            raise stop[0]
        narrow.sort()
        proven = np.flatnonzero(~self.short(seen_low, seen_high))
        used = np.unique(np.concatenate([low_at[proven], high_at[proven]]))
        return narrow, proven, [points[i] for i in used[used >= 0]]

    def narrow_outside(self, t: int, columns: np.ndarray, result: AuditResult) -> tuple[float, float] | None:
        """Target t's outer bounds (see outer_bounds) around the ball `columns` if they are narrow,
        else None."""
        bounds = self.outer_bounds(t, columns, result)
        narrow = self.short(np.full(len(self.need), bounds[0]), np.full(len(self.need), bounds[1]))[t]
        return bounds if narrow else None

    def outer_bounds(self, t: int, columns: np.ndarray, result: AuditResult) -> tuple[float, float]:
        """Bounds of target t that every attacker gets at least: the LP over the constraints
        that touch the ball `columns`, the hidden cells beyond it free within their propagation
        bounds (a relaxation of the attacker's system, so its interval holds his). When it is
        narrow, t is narrow: a finding proven without growing the ball."""
        rows = _reach(self.by_cell, columns)
        reach = _reach(self.a, rows)
        lower, upper = self.lb[reach], np.minimum(self.ub[reach], self.cap)
        solve = _highs(self.a[rows][:, reach].tocsc(), self.equality[rows], self.b[rows], lower, upper)
        costs = np.zeros(self.n)
        costs[self.objective.indices[self.objective.indptr[t]:self.objective.indptr[t + 1]]] = \
            self.objective.data[self.objective.indptr[t]:self.objective.indptr[t + 1]]
        low = solve(costs[reach], result)[1] + self.offsets[t]
        high = -solve(-costs[reach], result)[1] + self.offsets[t]
        return float(low), float(high)

    def ball(self, seed: np.ndarray, size: int) -> np.ndarray:
        """The hidden cells within a few constraints of `seed`, at most `size` of them (all of
        them when the component is that small), nearest first."""
        if self.n <= size:
            return np.arange(self.n)
        taken = np.zeros(self.n, dtype=bool)
        taken[seed] = True
        frontier, count = np.asarray(seed), len(seed)
        while len(frontier) and count < size:
            rows = _reach(self.by_cell, frontier)
            reached = _reach(self.a, rows)
            new = reached[~taken[reached]][:size - count]
            taken[new] = True
            frontier, count = new, count + len(new)
        return np.flatnonzero(taken)

    def restricted(self, columns: np.ndarray):
        """An LP solver over the hidden cells `columns`, every other hidden cell fixed at its true
        value; it returns the solution as a point of the whole component. The model is passed to
        HiGHS once; each objective after the first starts from the last optimal basis."""
        whole = len(columns) == self.n
        rows = np.arange(self.a.shape[0]) if whole else _reach(self.by_cell, columns)
        outside = self.truth.copy()
        outside[columns] = 0.0
        a = (self.a[rows] if whole else self.a[rows][:, columns]).tocsc()
        b = self.b[rows] - (0.0 if whole else self.a[rows] @ outside)
        solve = _highs(a, self.equality[rows], b, np.zeros(len(columns)), np.full(len(columns), self.cap))

        def point(costs: np.ndarray, result: AuditResult) -> np.ndarray:
            x = outside.copy()
            x[columns] = solve(costs[columns], result)[0]
            return x
        return point

    def feasible(self, x: np.ndarray) -> bool:
        """Does `x` satisfy every constraint of the component (within the solver's tolerance)?"""
        return bool((x >= -FEASIBILITY).all() and _kept(self.a @ x - self.b, self.b, self.equality).all())


def _kept(activity: np.ndarray, b: np.ndarray, equality: np.ndarray) -> np.ndarray:
    """Per row `a x (= or <=) b`, given its activity `a x - b`: does the point keep it, within the
    solver's tolerance (relative to b)? A NaN keeps no row."""
    slack = FEASIBILITY * (1.0 + np.abs(b))
    return np.where(equality, np.abs(activity) <= slack, activity <= slack)


def _targets(cells: np.ndarray, counts: np.ndarray, groups: Sequence[tuple], width: int
             ) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """What the attacker bounds: one row per hidden count (`cells`, their true `counts`), then per
    group target (its cells, coefficients and offset), over `width` columns; with the offsets
    and what each interval must allow (requirements, GROUP)."""
    lengths = [len(c) for c, _, _ in groups]
    objective = csr_matrix((
        np.concatenate([np.ones(len(cells)), *(np.asarray(coefs, float) for _, coefs, _ in groups)]),
        np.concatenate([cells, *(c for c, _, _ in groups)]).astype(np.int64),
        np.concatenate([np.arange(len(cells) + 1), len(cells) + np.cumsum(lengths, dtype=np.int64)])),
        shape=(len(cells) + len(groups), width))
    offsets = np.concatenate([np.zeros(len(cells)), [offset for *_, offset in groups]])
    need = np.vstack([requirements(counts), np.tile(GROUP, (len(groups), 1))])
    return objective, offsets, need


def _short(need: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per target: is [low, high] narrower than `need` (see requirements) allows?"""
    return ((low > need[:, 0] + TOLERANCE) | (high < need[:, 1] - TOLERANCE)
            | (high - low < need[:, 2] - TOLERANCE))


def _cap(*magnitudes: np.ndarray) -> float:
    """An upper bound for every hidden cell of an LP, far above the counts and sums around it
    (`magnitudes`: its targets, right-hand sides, true hidden counts), so each LP is bounded and a
    bound at the cap is wide enough."""
    return float(max(*(np.abs(m).max(initial=1.0) for m in magnitudes), 1.0) * 10 + 1000)


def _implied(coo, rhs: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Per entry of rows `sum(a x) <= rhs` (COO): the bound its row implies on its cell, the
    row's other cells at their least (x <= it where a > 0, x >= it where a < 0)."""
    a, r, i = coo.data, coo.row, coo.col
    least = np.where(a > 0, a * lb[i], a * ub[i])
    return (rhs[r] - (np.bincount(r, least, minlength=len(rhs))[r] - least)) / a


def _reach(matrix: csr_matrix | csc_matrix, lines: np.ndarray) -> np.ndarray:
    """The sorted distinct indices stored in rows (CSR) or columns (CSC) `lines` of `matrix`:
    what np.unique(matrix[lines].indices) gives, read from its arrays without building the
    slice (scipy's slicing cost a ball search most of its time)."""
    lines = np.asarray(lines, dtype=np.int64)
    starts = matrix.indptr[lines].astype(np.int64)
    lengths = matrix.indptr[lines + 1] - starts
    before = np.cumsum(lengths) - lengths   # where each line's entries begin in the gathered array
    positions = np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))
    return np.unique(matrix.indices[positions])


_banner_shown = False
_banner_lock = threading.Lock()


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing. The first one made in a process prints HiGHS's
    banner to stdout before any option can be set (ERGO-Code/HiGHS#1932), into the CLI's output:
    that one is made with stdout pointed at /dev/null (under a lock: two threads of an audit,
    see _Component.narrow_by_lp, must not both point it away and back)."""
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            highs = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    highs = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_shown = True
    highs.setOptionValue("output_flag", False)
    return highs


def _highs(a: csc_matrix, equality: np.ndarray, b: np.ndarray, lower: np.ndarray, upper: np.ndarray):
    """An LP solver over `a x (= or <=) b`, `lower <= x <= upper`, passed to HiGHS once; each
    objective after the first starts from the last optimal basis. Returns (x, objective value)
    and, when asked, the rows' duals."""
    n = a.shape[1]
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = n, a.shape[0]
    model.col_cost_ = np.zeros(n)
    model.col_lower_, model.col_upper_ = np.asarray(lower, float), np.asarray(upper, float)
    model.row_lower_ = np.where(equality, b, -np.inf)
    model.row_upper_ = b
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = n, a.shape[0]
    model.a_matrix_.start_, model.a_matrix_.index_, model.a_matrix_.value_ = a.indptr, a.indices, a.data
    highs = _quiet_highs()
    # Presolve for models larger than a first ball: the city's publication took 127 s with it
    # (the same pattern), 176 s without, 150 s with it beyond the largest ball only (two runs each).
    highs.setOptionValue("presolve", "on" if n > PRESOLVE_FROM else "off")
    # HiGHS chooses the simplex per solve: dual from the slack basis of a new model, primal
    # after a change of costs (the last optimal basis stays primal feasible). Primal for every
    # solve took 37% more iterations over the city publication's LPs (9,261 of them replayed);
    # the optimal values, and so the pattern, are the same.
    highs.setOptionValue("simplex_strategy", 0)
    everything = np.arange(n, dtype=np.int32)

    highs.passModel(model)

    def solve(costs: np.ndarray, result: AuditResult, duals: bool = False) -> tuple:
        """(x, objective value), and with `duals` the rows' duals as well."""
        highs.changeColsCost(n, everything, np.ascontiguousarray(costs, dtype=float))
        highs.run()
        result.lps += 1
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise RelationViolated("the published cells and declared relations admit no "
                                   "counts at all: a declared relation is false")
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {highs.modelStatusToString(status)}")
        solution = highs.getSolution()
        found = (np.asarray(solution.col_value), float(highs.getInfo().objective_function_value))
        return found + (np.asarray(solution.row_dual),) if duals else found
    return solve
