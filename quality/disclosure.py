"""Disclosure control for published tables (CBS practice), generic over any hierarchy.

Every table a report reads goes through `suppress` (a DuckDB table) or `suppress_frame` (a polars
frame). The rules, in order:

1. **Primary suppression.** A cell whose protected count (persons or homes; `protect`, by default
   the `base` column) is between 1 and `threshold - 1` (default 1–9) is hidden. A caller may pass
   its own SQL predicate as `primary` instead (e.g. a per-row minimum base from a catalogue).
   Empty cells (base 0 or NULL: nobody lives there) are published, never hidden.
2. **Complementary suppression.** A *family* is a parent cell and its children along one
   hierarchy, all other coordinates equal (the buurten of a wijk and the wijk; the wijken of the
   gemeente and the gemeente; the months of a quarter and the quarter; ...). Parents add up their
   children, so a family with exactly one hidden cell gives that cell away. Every family must hold
   zero or at least two hidden cells, and when its parent is visible, the hidden children together
   must not be a small cell themselves (each protected count 0 or >= `threshold`). Broken families
   are repaired round by round — the visible non-empty child with the smallest base is hidden
   (ties by code, so equal inputs give equal patterns), else the parent — until none is broken.
3. **Audit.** With two crossing hierarchies (area x time) the family rule is not enough: a hidden
   cell can still follow from a chain of equations. `audit` takes every family equation
   (parent = sum of children) with the visible cells known and proves, with linear algebra, that no
   hidden cell is determined. A determined cell gets one more complementary cell and step 2
   resumes; `suppress` only returns once the audit finds nothing. This is the fast first line
   only (a determined cell has an interval of width 0): whether every hidden count keeps a wide
   enough interval under the true time relations, bounds and subsets is the attacker's audit in
   quality/disclosure_audit.py (linear programming), which callers run on the result and feed
   back as extra primary cells (see assets/indicators.py publish_indicator_values).
4. **Linked tables.** Rows that share a `shared_by` key (e.g. two indicators with a common count)
   get one pattern: a cell hidden in one is hidden in all. Joining patterns keeps the family rule.
5. **Rounding.** Visible `counts` are rounded to the nearest multiple of `rounding` (5); a value
   published beside them must be computed from the rounded counts (sources/publication.yaml,
   rule `ratio`), or the rounding is undone. Hidden
   cells show NULL in every `counts` and `blank` column and `suppressed = true`; why a cell is
   hidden (primary or complementary) is never published, as it would narrow the bounds.

The caller must put every total it publishes anywhere in the same table (e.g. the wijk and
gemeente rows next to the buurt rows): a relation the table does not hold cannot be protected.
The cells of one table (one value of `by`) must be unique per coordinate.

    from quality.disclosure import area_hierarchy, period_hierarchy, suppress
    report = suppress(con, "marts.cost_per_outcome", "marts.cost_per_outcome_published",
                      hierarchies=[area_hierarchy(con, "area_code")], by=["outcome"],
                      base="persons", counts=["persons"], blank=["cost_eur"])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import duckdb
import numpy as np
import pyarrow as pa
import scipy.linalg
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from threadpoolctl import ThreadpoolController

from engine.warehouse import scalar

THRESHOLD = 10
ROUNDING = 5
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Hierarchy:
    """One dimension whose members add up to their parent: `parents[member]` is the member's
    parent (None at the top). Members not in the mapping have no parent."""
    column: str
    parents: Mapping[str, str | None] = field(hash=False)


def area_hierarchy(con: duckdb.DuckDBPyConnection, column: str = "area_code",
                   dim: str = "core.dim_buurt") -> Hierarchy:
    """buurt → wijk → gemeente, from the buurt dimension (codes are unique across levels)."""
    rows = con.execute(f"select buurtcode, wijkcode, gemeentecode from {dim}").fetchall()
    parents: dict[str, str | None] = {}
    for buurt, wijk, gemeente in rows:
        parents[buurt] = wijk
        parents[wijk] = gemeente
        parents[gemeente] = None
    return Hierarchy(column, parents)


def period_parent(period: str) -> str | None:
    """'2025-06' → '2025-Q2' → '2025' → None."""
    match = _PERIOD.match(period)
    if not match:
        raise ValueError(f"not a period (YYYY, YYYY-Qn or YYYY-MM): {period!r}")
    year, month, quarter = match.groups()
    if month:
        return f"{year}-Q{(int(month) - 1) // 3 + 1}"
    if quarter:
        return year
    return None


def period_hierarchy(periods: Iterable[str], column: str = "period") -> Hierarchy:
    """month → quarter → year for the periods given (a month's quarter need not be among them)."""
    return Hierarchy(column, {p: period_parent(p) for p in periods})


@dataclass
class SuppressionReport:
    cells: int = 0
    primary: int = 0
    complementary: int = 0
    rounds: int = 0
    audit_rounds: int = 0
    determined_before_fix: int = 0

    @property
    def suppressed(self) -> int:
        return self.primary + self.complementary

    def as_metadata(self) -> dict:
        return {"cells": self.cells, "suppressed": self.suppressed, "primary": self.primary,
                "complementary": self.complementary, "rounds": self.rounds,
                "audit_rounds": self.audit_rounds}


class _Grid:
    """The cells of a table in temp tables: `_sdc_cells` (one row per cell) and `_sdc_members`
    (family, cell, is_parent)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, relation: str, *, hierarchies: Sequence[Hierarchy],
                 by: Sequence[str], shared_by: Sequence[str], protect: Sequence[str], base: str,
                 hidden: str, none_of: tuple[str, str] | None = None):
        self.con = con
        # (part, whole) as indices of the protected columns: see suppress()
        self.none_of = tuple(list(protect).index(c) for c in none_of) if none_of else None
        self.hierarchies = list(hierarchies)
        if not self.hierarchies:
            raise ValueError("at least one hierarchy is needed")
        coords = [h.column for h in self.hierarchies]
        part = ", ".join(_q(c) for c in by) or "1"
        shared = ", ".join(_q(c) for c in shared_by) or "1"
        protected = ", ".join(f"coalesce(cast({_q(c)} as double), 0) as p{i}"
                              for i, c in enumerate(protect))
        self.n_protect = len(protect)
        con.execute(f"""
            create or replace temp table _sdc_cells as
            select _cell,
                   dense_rank() over (order by {part}) as part,
                   dense_rank() over (order by {shared}) as grp,
                   {", ".join(f"cast({_q(c)} as varchar) as c{i}" for i, c in enumerate(coords))},
                   concat_ws('|', {", ".join(f"cast({_q(c)} as varchar)" for c in coords)}) as sort_key,
                   coalesce(cast({_q(base)} as double), 0) as base,
                   {protected + "," if protected else ""}
                   coalesce({hidden}, false) as hidden,
                   coalesce({hidden}, false) as primary_hidden
            from {relation}""")
        duplicates = scalar(con, f"""select count(*) from (select part, {", ".join(f"c{i}" for i in range(len(coords)))}
                                     from _sdc_cells group by all having count(*) > 1)""")
        if duplicates:
            raise ValueError(f"{duplicates} coordinates occur more than once in one table: "
                             f"add the distinguishing columns to `by`")
        con.execute("create or replace temp table _sdc_members "
                    "(family bigint, cell bigint, is_parent boolean)")
        n_cells = scalar(con, "select count(*) + 1 from _sdc_cells")
        for i, h in enumerate(self.hierarchies):
            pairs = [(str(m), str(p)) for m, p in h.parents.items() if p is not None]
            mapping = pa.table({"member": pa.array([m for m, _ in pairs], pa.string()),
                                "parent": pa.array([p for _, p in pairs], pa.string())})
            con.register("_sdc_parent_arrow", mapping)
            con.execute("create or replace temp table _sdc_parent as select * from _sdc_parent_arrow")
            con.unregister("_sdc_parent_arrow")
            same_others = " ".join(f"and parent.c{j} is not distinct from child.c{j}"
                                   for j in range(len(coords)) if j != i)
            con.execute(f"""
                create or replace temp table _sdc_links as
                select parent._cell as parent_cell, child._cell as child_cell
                from _sdc_cells child
                join _sdc_parent link on link.member = child.c{i}
                join _sdc_cells parent on parent.part = child.part and parent.c{i} = link.parent
                    {same_others}""")
            family = f"{i} * {n_cells} + parent_cell"
            con.execute(f"""
                insert into _sdc_members
                select distinct {family}, parent_cell, true from _sdc_links
                union all
                select {family}, child_cell, false from _sdc_links""")
        con.execute("drop table if exists _sdc_parent")
        con.execute("drop table if exists _sdc_links")

    # -- step 2: the family rule --------------------------------------------------------------
    def _broken_families_sql(self, threshold: int) -> str:
        small = " or ".join(f"(hidden_child_p{i} > 0 and hidden_child_p{i} < {threshold})"
                            for i in range(self.n_protect)) or "false"
        if self.none_of:  # the hidden children together: a group none of whom has the part
            part, whole = self.none_of
            small = f"{small} or (hidden_child_p{whole} > 0 and hidden_child_p{part} = 0)"
        sums = "".join(f", sum(c.p{i}) filter (where c.hidden and not m.is_parent) as hidden_child_p{i}"
                       for i in range(self.n_protect))
        return f"""
            select family from (
                select m.family,
                       count(*) filter (where c.hidden) as n_hidden,
                       bool_or(c.hidden and m.is_parent) as parent_hidden
                       {sums}
                from _sdc_members m join _sdc_cells c on c._cell = m.cell
                group by m.family)
            where n_hidden = 1 or (not parent_hidden and ({small}))"""

    def repair_families(self, threshold: int, max_rounds: int) -> int:
        """Hide one more cell in every broken family, until none is broken. Returns the rounds."""
        rounds = 0
        while True:
            changed = self.con.execute(f"""
                update _sdc_cells set hidden = true
                where _cell in (
                    with broken as ({self._broken_families_sql(threshold)}),
                    candidates as (
                        select c._cell,
                               row_number() over (partition by m.family
                                   order by c.base <= 0, m.is_parent, c.base, c.sort_key) as choice
                        from _sdc_members m
                        join broken using (family)
                        join _sdc_cells c on c._cell = m.cell
                        where not c.hidden)
                    select _cell from candidates where choice = 1)""").fetchall()[0][0]
            if not changed:
                return rounds
            rounds += 1
            if rounds > max_rounds:
                raise RuntimeError(f"complementary suppression did not settle in {max_rounds} rounds")

    # -- step 4: linked tables ----------------------------------------------------------------
    def join_shared(self) -> int:
        """Hide, in every table of a shared group, each cell hidden in one of them."""
        same = " and ".join(f"_sdc_cells.c{i} is not distinct from shared.c{i}"
                            for i in range(len(self.hierarchies)))
        coords = ", ".join(f"c{i}" for i in range(len(self.hierarchies)))
        return self.con.execute(f"""
            update _sdc_cells set hidden = true
            from (select distinct grp, {coords} from _sdc_cells where hidden) shared
            where not _sdc_cells.hidden and _sdc_cells.grp = shared.grp and {same}""").fetchall()[0][0]

    # -- step 3: the audit --------------------------------------------------------------------
    def determined(self) -> list[int]:
        """Hidden cells that the family equations determine, given every visible cell."""
        rows = self.con.execute("""
            select m.family, m.cell, m.is_parent
            from _sdc_members m join _sdc_cells c on c._cell = m.cell
            where c.hidden and m.family in (
                select m2.family from _sdc_members m2 join _sdc_cells c2 on c2._cell = m2.cell
                where c2.hidden)
            order by m.family, m.cell""").fetchall()
        return determined_cells(rows)

    def fix(self, cells: list[int]) -> None:
        """For each determined cell, hide the visible non-empty member with the smallest base
        in one of its families (else any visible member)."""
        _cell_table(self.con, cells)
        self.con.execute("""
            update _sdc_cells set hidden = true
            where _cell in (
                select _cell from (
                    select c._cell, row_number() over (partition by f.cell
                        order by c.base <= 0, m.is_parent, c.base, c.sort_key) as choice
                    from _sdc_fix f
                    join _sdc_members own on own.cell = f.cell
                    join _sdc_members m on m.family = own.family
                    join _sdc_cells c on c._cell = m.cell
                    where not c.hidden)
                where choice = 1)""")
        self.con.execute("drop table if exists _sdc_fix")

    def drop(self) -> None:
        for table in ("_sdc_cells", "_sdc_members"):
            self.con.execute(f"drop table if exists {table}")


def _cell_table(con: duckdb.DuckDBPyConnection, cells: list[int]) -> None:
    con.register("_sdc_fix_arrow", pa.table({"cell": pa.array(cells, pa.int64())}))
    con.execute("create or replace temp table _sdc_fix as select * from _sdc_fix_arrow")
    con.unregister("_sdc_fix_arrow")


# Equations from which a component's factorisation gains from more than one BLAS thread
# (1,000 x 2,000: 0.21 s on one core, 0.13 s on two; 700 x 1,400: 65 and 43 ms; smaller gain little).
LARGE_COMPONENT = 1000


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The BLAS libraries loaded (numpy's and scipy's OpenBLAS each ship their own), found once:
    finding them scans the process's libraries, about 1.5 ms, and the cost-per-outcome breakdowns
    ask for determined cells thousands of times (twice the publication's time)."""
    return ThreadpoolController()


def determined_cells(members: Sequence[tuple[int, int, bool]], tolerance: float = 1e-8) -> list[int]:
    """Given (family, hidden cell, is_parent) for every hidden cell of every family, the hidden
    cells that the equations `parent - sum(children) = known` pin down.

    A cell is determined exactly when its unit vector lies in the row space of the equations
    restricted to the hidden cells; that is tested per connected component.
    """
    systems = _components(members)
    found: list[int] = []
    # One BLAS thread: a busy machine's thread pool makes a 100 x 150 factorisation take 0.3 s
    # instead of 2 ms, and these are many and small.
    with _blas().limit(limits=1, user_api="blas"):
        for equations in systems:
            if len(equations) < LARGE_COMPONENT:
                found.extend(_determined_by(equations, tolerance))
    # Every core for the few large ones: a national cost-per-outcome table has components of
    # 1,800 equations over 3,600 cells, whose factorisation takes 2.3 s on one core, 1.1 on two.
    for equations in systems:
        if len(equations) >= LARGE_COMPONENT:
            found.extend(_determined_by(equations, tolerance))
    return sorted(found)


def _components(members: Sequence[tuple[int, int, bool]]) -> list[tuple[tuple[tuple[int, bool], ...], ...]]:
    """The equations of `members`, one tuple of (cell, is_parent) per family, grouped by
    connected component (families that share a cell). Families keep the order they first
    appear in and their cells the order given, so the same system is the same key for
    _determined_by. Components by scipy's connected_components over families and cells, not a
    union-find in Python: a national suppression pass has 230,000 members in 7,000 components,
    and inside the bench's publication of 20 gemeenten its six passes took 4.1 s that way and
    1.2 s now (with _determined_by's larger memory); the same cells come out."""
    if not len(members):
        return []
    table = np.asarray(members, dtype=np.int64).reshape(-1, 3)
    _, first, family = np.unique(table[:, 0], return_index=True, return_inverse=True)
    _, cell = np.unique(table[:, 1], return_inverse=True)
    n_families = len(first)
    links = coo_matrix((np.ones(len(table)), (family, n_families + cell)),
                       shape=(n_families + int(cell.max()) + 1,) * 2)
    _, component = connected_components(links, directed=False)
    appearance = np.argsort(np.argsort(first))   # each family's rank by its first member
    order = np.lexsort((np.arange(len(table)), appearance[family], component[family]))
    family, component = family[order], component[family[order]]
    pairs = list(zip(table[order, 1].tolist(), (table[order, 2] != 0).tolist()))
    starts = np.flatnonzero(np.r_[True, family[1:] != family[:-1]]).tolist()
    equations = [tuple(pairs[a:b]) for a, b in zip(starts, [*starts[1:], len(pairs)])]
    of_equation = component[starts]
    groups = np.flatnonzero(np.r_[True, of_equation[1:] != of_equation[:-1]]).tolist()
    return [tuple(equations[a:b]) for a, b in zip(groups, [*groups[1:], len(equations)])]


@lru_cache(maxsize=1 << 16)
def _determined_by(equations: tuple[tuple[tuple[int, bool], ...], ...], tolerance: float) -> tuple[int, ...]:
    """Cell j is determined iff e_j lies in the row space of the equations (one (cell, is_parent)
    tuple per equation), i.e. the squared norm of row j of an orthonormal basis of that row space
    is 1. The basis is Q of a column-pivoted QR of the transposed matrix, at a third of the cost of
    an SVD (the rank gap of these ±1 systems is some 1e14 wide). Remembered: a suppression loop
    asks this of every component on each pass and changes few of them (the city: 5,372 of 6,828
    asks were repeats, 8 of 15 s). Room for a national publication's: its six passes over the
    20 gemeenten of the bench ask 34,681 times, 18,479 of them repeats (4,096 kept none)."""
    cells = sorted({c for equation in equations for c, _ in equation})
    index = {c: i for i, c in enumerate(cells)}
    matrix = np.zeros((len(equations), len(cells)))
    for row, equation in enumerate(equations):
        for cell, is_parent in equation:
            matrix[row, index[cell]] = 1.0 if is_parent else -1.0
    q, r, _ = scipy.linalg.qr(matrix.T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int((diagonal > tolerance * max(1.0, diagonal.max(initial=0.0))).sum())
    norms = (q[:, :rank] ** 2).sum(axis=1)
    return tuple(c for c, n in zip(cells, norms) if n > 1 - 1e-6)


def suppress(con: duckdb.DuckDBPyConnection, source: str, target: str, *,
             hierarchies: Sequence[Hierarchy], base: str, by: Sequence[str] = (),
             counts: Sequence[str] = (), blank: Sequence[str] = (),
             protect: Sequence[str] | None = None, primary: str | None = None,
             shared_by: Sequence[str] = (), threshold: int = THRESHOLD, rounding: int = ROUNDING,
             none_of: tuple[str, str] | None = None, max_rounds: int = 500) -> SuppressionReport:
    """Write `target`: every row and column of `source` plus `suppressed`, with hidden cells
    blanked and visible counts rounded. Returns what was done.

    source     a table or view in `con`, one row per cell
    hierarchies the dimensions that add up (e.g. area_hierarchy(con), period_hierarchy(periods))
    by         columns that separate independent tables (e.g. indicator_id)
    base       the count of persons or homes behind a cell; orders complementary candidates
    protect    counts of persons that must not be 1..threshold-1 (default: [base]); also the
               counts whose hidden remainder in a family must not be small
    primary    SQL predicate over `source` replacing the default primary rule
    counts     columns rounded to `rounding` when visible and NULL when hidden
    blank      further columns NULL when hidden (values, amounts)
    shared_by  columns (a subset of `by`) whose tables share one pattern
    none_of    (part, whole), both in `protect`: a group of persons in which nobody has the part
               (whole > 0, part 0: 'all of them failed') says it of each member, however many
               they are (group disclosure). Such a cell is primary, and the hidden children of a
               visible parent must not together form one.
    """
    protect = list(protect if protect is not None else [base])
    if primary is None:
        primary = " or ".join(f"coalesce({_q(c)}, 0) between 1 and {threshold - 1}"
                              for c in protect) or "false"
    if none_of:
        if not set(none_of) <= set(protect):
            raise ValueError("none_of must name two protected counts")
        part, whole = (_q(c) for c in none_of)
        primary = f"({primary}) or (coalesce({whole}, 0) > 0 and coalesce({part}, 0) = 0)"
    if not set(shared_by) <= set(by):
        raise ValueError("shared_by must be a subset of by")
    con.execute(f"create or replace temp table _sdc_source as "
                f"select row_number() over () as _cell, * from {source}")
    grid = _Grid(con, "_sdc_source", hierarchies=hierarchies, by=by, shared_by=shared_by,
                 protect=protect, base=base, hidden=f"({primary})", none_of=none_of)
    report = SuppressionReport(cells=scalar(con, "select count(*) from _sdc_cells"))
    try:
        while True:
            report.rounds += grid.repair_families(threshold, max_rounds)
            if shared_by and grid.join_shared():
                continue
            found = grid.determined()
            if not found:
                break
            report.audit_rounds += 1
            report.determined_before_fix += len(found)
            if report.audit_rounds > max_rounds:
                raise RuntimeError("the disclosure audit did not settle")
            grid.fix(found)
        report.primary, report.complementary = (int(x) for x in con.execute("""
            select count(*) filter (where primary_hidden), count(*) filter (where hidden and not primary_hidden)
            from _sdc_cells""").fetchall()[0])
        columns = [r[0] for r in con.execute(
            "select column_name from (describe _sdc_source)").fetchall() if r[0] != "_cell"]
        select = []
        for column in columns:
            q = _q(column)
            if column in counts:
                select.append(f"case when not cells.hidden then cast(round({q} / {rounding}) * {rounding}"
                              f" as bigint) end as {q}" if rounding > 1 else
                              f"case when not cells.hidden then {q} end as {q}")
            elif column in blank:
                select.append(f"case when not cells.hidden then {q} end as {q}")
            else:
                select.append(f"src.{q}")
        con.execute(f"""
            create or replace table {target} as
            select {", ".join(select)}, cells.hidden as suppressed
            from _sdc_source src join _sdc_cells cells using (_cell)
            order by src._cell""")
    finally:
        grid.drop()
        con.execute("drop table if exists _sdc_source")
    return report


def audit(con: duckdb.DuckDBPyConnection, table: str, *, hierarchies: Sequence[Hierarchy],
          by: Sequence[str] = (), suppressed: str = "suppressed") -> list[dict]:
    """The hidden cells of a published table that its visible cells give away (should be [])."""
    con.execute(f"create or replace temp table _sdc_source as "
                f"select row_number() over () as _cell, * from {table}")
    grid = _Grid(con, "_sdc_source", hierarchies=hierarchies, by=by, shared_by=(), protect=[],
                 base=suppressed, hidden=_q(suppressed))
    try:
        found = grid.determined()
        if not found:
            return []
        _cell_table(con, found)
        frame = con.sql("select * exclude (_cell) from _sdc_source "
                        "where _cell in (select cell from _sdc_fix) order by _cell").pl()
        return frame.to_dicts()
    finally:
        grid.drop()
        con.execute("drop table if exists _sdc_fix")
        con.execute("drop table if exists _sdc_source")


def suppress_frame(frame, *, hierarchies: Sequence[Hierarchy], base: str, **kwargs):
    """`suppress` for a polars DataFrame (in an in-memory DuckDB); returns a polars DataFrame
    with the column `suppressed` added."""
    con = duckdb.connect()
    try:
        con.register("_sdc_frame", frame)
        con.execute("create table cells as select * from _sdc_frame")
        suppress(con, "cells", "published", hierarchies=hierarchies, base=base, **kwargs)
        return con.sql("select * from published").pl()
    finally:
        con.close()
