"""Suppression patterns kept per part (a gemeente in a year), so a publication redoes only the
parts whose cells changed.

No relation between the published counts crosses a gemeente (areas add up within it; periods
and subsets relate cells of one area), and one only crosses a year (months add up to quarters,
quarters to their year; nothing adds up years; but a declared stock less its exits runs on from
December into January, and the audit of a year takes the next January as known). So suppression
and the attacker's audit of one gemeente in one year depend on those cells and the next January
alone, and a pattern made and audited for exactly these under exactly this method is still safe:
it is reused. A part's *fingerprint* covers every input of its pattern: each cell's key, counts
and parent area, the cells of the next January, the gemeente's buurten and wijken in core.dim_buurt
(with or without cells: the audit knows a wijk's sum only when every buurt of it has a cell), plus
the method (the disclosure code and the catalogue's parser, the catalogue of thresholds and the
libraries' versions). Anything else, a changed count, a buurt moved to another
wijk, an edited threshold or audit, makes a new fingerprint and the part is published anew. A
partner's corrected month touches its own gemeenten in that year only (a January, the year
before it too); a new month, its year (a January, the year before it too).

A part whose counts changed but not its cells (a correction: the same cells under the same
method) starts from its last pattern (restart_from_last): what that hid is hidden again, and
suppression and the attacker's audit go on from there. A correction so moves no cell between
hidden and shown unless a new small count needs it, and the audit, which still audits the whole
pattern with a fresh auditor, mostly finds it holding at once. Such a pattern may hide more than a
fresh computation would (a count that grew out of its minimum stays hidden); a new month, a buurt
that came or went, or a changed method starts the part afresh, as `reuse=False` does every part.
For this each fingerprint keeps the method's digest in the clear before its own.

One published figure does relate years: the pooled 12-month estimate of a rare event pins its
window's sum. It is published only where every count in that window is visible
(assets/estimates.py), so it adds nothing the audit does not take as known, whatever part a
pattern came from.

The cache holds no counts, only which cells are hidden (what the published table shows anyway)
and a one-way digest of each part's fingerprint. Beside it, WITNESSES keeps the points that prove
each pattern wide: moves from the true counts, kept beside them in the warehouse and like them
never published.

The published table's check audits it afresh, as an outsider would (assets/indicators.py): it
builds its own model of the published table, verifies the kept points against it and proves by
LP what they do not. A part whose cells, method and pattern are those of a fresh audit that found
nothing is recorded in AUDITED; a later check audits only the parts that are not, so a corrected
month costs its own gemeente-year there too. Same inputs, same audit: the record holds only digests.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import duckdb
import numpy as np

from engine.warehouse import scalar
from quality.contract_sql import quote

CACHE = "marts.disclosure_pattern_cache"
CACHE_DDL = f"""
create table if not exists {CACHE} (
    part varchar, fingerprint varchar, indicator_id varchar, area_code varchar, period varchar,
    suppressed boolean)"""
AUDITED = "marts.disclosure_audited_parts"
AUDITED_DDL = f"create table if not exists {AUDITED} (part varchar, fingerprint varchar, pattern varchar)"
# The feasible points that prove each kept pattern wide (quality/disclosure_audit.py: a table of
# counts the attacker cannot tell from the true one, as the cells it moves and how far from the
# true counts, each cell by its position among the part's cells in key order): the published
# table's check verifies them instead of solving the LPs again, and a corrected part's first audit
# carries them over to its new counts. Kept under the part's fingerprint, which fixes its cells and
# so their order. With the true counts they give counts: kept in the warehouse beside them and
# never published.
WITNESSES = "marts.disclosure_witnesses"
WITNESS_COLUMNS = [("part", "VARCHAR"), ("fingerprint", "VARCHAR"), ("point", "INTEGER"),
                   ("cell", "INTEGER"), ("move", "DOUBLE")]
WITNESSES_DDL = (f"create table if not exists {WITNESSES} ("
                 + ", ".join(f"{column} {kind}" for column, kind in WITNESS_COLUMNS) + ")")
LIBRARIES = ("duckdb", "scipy", "highspy", "numpy", "polars")


def method_fingerprint(con: duckdb.DuckDBPyConnection, files: Iterable[Path], tables: Iterable[str]) -> str:
    """The method's part of every fingerprint: the bytes of the code and configuration `files`,
    the rows of the settings `tables`, the versions of the libraries that solve."""
    digest = hashlib.sha256()
    for path in sorted(Path(f) for f in files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for table in tables:
        digest.update(repr(con.execute(f"select * from {table} order by all").fetchall()).encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return digest.hexdigest()[:32]


def fingerprint_parts(con: duckdb.DuckDBPyConnection, source: str, columns: Iterable[str],
                      method: str, dim: str = "core.dim_buurt") -> None:
    """Temp tables `_cell_part` (area_code, period → part, the area's parent and gemeente) and
    `_part_fingerprints` (part, cells, fingerprint) over the cells of `source` (with area_code, period).

    A part is 'gemeentecode/year'. A cell's hash covers its `columns` and its parent area; a
    part's fingerprint is a sha256 digest of the XOR and the sum of its cells' hashes
    (order-free) and their number, with the gemeente's rows of `dim` (its buurten with or without cells), under the
    method."""
    con.execute(f"""
        create or replace temp table _area_gemeente as
        select buurtcode as area_code, wijkcode as parent, gemeentecode as gemeente from {dim}
        union select distinct wijkcode, gemeentecode, gemeentecode from {dim}
        union select distinct gemeentecode, null, gemeentecode from {dim}""")
    hashed = ", ".join(f"cells.{column}" for column in columns)
    con.execute(f"""
        create or replace temp table _cell_part as
        select distinct cells.area_code, cells.period, areas.parent,
               coalesce(areas.gemeente, cells.area_code) as gemeente,
               coalesce(areas.gemeente, cells.area_code) || '/' || left(cells.period, 4) as part
        from {source} as cells left join _area_gemeente as areas using (area_code)""")
    # The gemeente's whole area hierarchy, buurten without cells included: the audit adds a
    # parent = sum of its children only when every child of the dimension has a cell, so a buurt
    # without cells that joins or leaves the dimension changes the relations the attacker has.
    con.execute(f"""
        create or replace temp table _gemeente_areas as
        select gemeentecode as gemeente,
               count(*) || ':' || bit_xor(h) || ':' || sum(h // 2048) as areas
        from (select gemeentecode, hash(buurtcode, wijkcode, gemeentecode) as h from {dim})
        group by all""")
    # A January counts in the year before's part as well: its audit takes it as known (a stock
    # less its exits runs on across the year's edge).
    con.execute(f"""
        create or replace temp table _part_fingerprints as
        with own as (
            select parts.part, parts.gemeente, cells.period, hash({hashed}, parts.parent) as h
            from {source} as cells inner join _cell_part as parts using (area_code, period)),
        hashed as (
            select part, gemeente, h, true as own from own
            union all
            select gemeente || '/' || (cast(left(period, 4) as integer) - 1), gemeente,
                   hash(h, 'the next January'), false
            from own
            where substr(period, 6) = '01'
              and gemeente || '/' || (cast(left(period, 4) as integer) - 1) in (select part from own))
        select part, count(*) filter (where own) as cells,
               -- a one-way digest: the XOR and sum of unkeyed cell hashes, kept in two versions
               -- (before and after a correction), would give a corrected cell's counts back
               -- the method in the clear before it, so a correction can tell that only cells changed
               $method || ':' || sha256($method || ':' || count(*) || ':' || bit_xor(h) || ':'
                      || sum(h // 2048) || ':' || coalesce(any_value(areas.areas), '-')) as fingerprint
        from hashed left join _gemeente_areas as areas using (gemeente) group by part""", {"method": method})


# The parts of the cache that hold a pattern (part, fingerprint, cells): a part's rows are its
# pattern only as one row per cell under one fingerprint.
KEPT_PATTERNS = f"""
    select part, any_value(fingerprint) as fingerprint, count(*) as cells from {CACHE}
    group by part
    having count(distinct fingerprint) = 1
       and count(*) = count(distinct (indicator_id, area_code, period))"""


def choose_reused(con: duckdb.DuckDBPyConnection, reuse: bool = True) -> list[str]:
    """Temp table `_reused_parts`: the parts whose cached pattern was made for exactly their
    present cells under this method, one row per cell (none when `reuse` is off; a part with a
    row twice, a row of another fingerprint or a row missing is made anew). Returns them."""
    con.execute(CACHE_DDL)
    con.execute(f"""
        create or replace temp table _reused_parts as
        with kept as ({KEPT_PATTERNS})
        select part from _part_fingerprints
        where $reuse and (part, fingerprint, cells) in (select part, fingerprint, cells from kept)
        order by part""", {"reuse": reuse})
    return [row[0] for row in con.execute("select part from _reused_parts").fetchall()]


def cells_to_publish(con: duckdb.DuckDBPyConnection, source: str, into: str) -> int:
    """`into`: the cells of `source` outside the reused parts; returns their number."""
    con.execute(f"""
        create or replace temp table {into} as
        select cells.* from {source} as cells inner join _cell_part as parts using (area_code, period)
        where parts.part not in (select part from _reused_parts)""")
    return scalar(con, f"select count(*) from {into}")


def restart_from_last(con: duckdb.DuckDBPyConnection, cells: str, into: str, restart: bool = True) -> int:
    """Temp table `into` (indicator_id, area_code, period): the cells the kept pattern hid, of every
    part published anew whose cells are exactly the cells its kept pattern was made for, under
    the same method (a correction: counts changed, no cell came or went, no threshold or code
    changed), among `cells`. A publication starts such a part from them. Empty when `restart` is
    off. Returns the number of such parts."""
    con.execute(f"""
        create or replace temp table _restarted_parts as
        with present as (
            select parts.part, count(*) as cells,
                   split_part(any_value(prints.fingerprint), ':', 1) as method
            from {cells} as c inner join _cell_part as parts using (area_code, period)
            inner join _part_fingerprints as prints using (part) group by all),
        last as (select part, cells, split_part(fingerprint, ':', 1) as method from ({KEPT_PATTERNS}))
        select part from present inner join last using (part, cells, method)
        where $restart and part not in (
            select parts.part from {cells} as c inner join _cell_part as parts using (area_code, period)
            anti join {CACHE} as kept using (part, indicator_id, area_code, period))""", {"restart": restart})
    con.execute(f"""
        create or replace temp table {into} as
        select indicator_id, area_code, period from {CACHE}
        where suppressed and part in (select part from _restarted_parts)""")
    return scalar(con, "select count(*) from _restarted_parts")


def cached_patterns() -> str:
    """SQL: the cached pattern rows of the reused parts (indicator_id, area_code, period,
    suppressed)."""
    return (f"select indicator_id, area_code, period, suppressed from {CACHE} "
            "where part in (select part from _reused_parts)")


def _ensure_witnesses(con: duckdb.DuckDBPyConnection) -> None:
    """WITNESSES as WITNESSES_DDL makes it. Anything else under that name is dropped: a table of
    an earlier layout or of other types, a view, or a table whose name differs only in case
    (DuckDB finds it by WITNESSES all the same, and `create table if not exists` would keep it).
    Its points are only ever a shortcut for the check, which proves by LP whatever they do not;
    read as they were, a value as text, a cell too large for an integer or a view that fails
    when read made the check error instead of proving (two outside attacks, December 2026). Nor
    is a collation, default, generated column or constraint kept, which information_schema does
    not show: under `collate nocase` a part's points took in another part's (a third attack), so
    the table's own DDL must be the one WITNESSES_DDL makes."""
    schema, name = WITNESSES.split(".")
    for found_schema, found, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where lower(table_schema) = ? and lower(table_name) = ?", [schema, name]).fetchall():
        ddl = con.execute("select sql from duckdb_tables() where database_name = current_database() "
                          "and schema_name = ? and table_name = ?", [found_schema, found]).fetchall()
        if (found_schema, found, kind) != (schema, name, "BASE TABLE") or ddl != [(_witnesses_ddl_as_kept(),)]:
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {quote(found_schema)}.{quote(found)}")
    con.execute(WITNESSES_DDL)


@functools.cache
def _witnesses_ddl_as_kept() -> str:
    """The DDL DuckDB keeps for a table WITNESSES_DDL made (duckdb_tables().sql), from a scratch
    database: the text depends on DuckDB's version, not on this module."""
    with duckdb.connect() as scratch:
        scratch.execute(f"create schema {WITNESSES.split('.')[0]}")
        scratch.execute(WITNESSES_DDL)
        return scratch.execute("select sql from duckdb_tables()").fetchall()[0][0]


def store(con: duckdb.DuckDBPyConnection, pattern: str, witnesses: str) -> None:
    """Keep the new patterns in `pattern` (indicator_id, area_code, period, suppressed) under
    their part's fingerprint, with the points that prove them (`witnesses`: part, point, cell,
    move), and forget every part that was not reused: in one transaction,
    so a part's rows and its fingerprint never disagree."""
    _ensure_witnesses(con)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {CACHE} where part not in (select part from _reused_parts)")
        con.execute(f"""
            insert into {CACHE}
            select parts.part, prints.fingerprint, p.indicator_id, p.area_code, p.period, p.suppressed
            from {pattern} as p
            inner join _cell_part as parts using (area_code, period)
            inner join _part_fingerprints as prints using (part)""")
        con.execute(f"delete from {WITNESSES} where part not in (select part from _reused_parts)")
        con.execute(f"""
            insert into {WITNESSES}
            select w.part, prints.fingerprint, w.point, w.cell, w.move
            from {witnesses} as w inner join _part_fingerprints as prints using (part)""")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def parts_not_audited(con: duckdb.DuckDBPyConnection, pattern: str) -> list[str]:
    """Temp table `_parts_to_audit`: the parts (of `_part_fingerprints`) whose cells, method and
    pattern in `pattern` (indicator_id, area_code, period, suppressed) no recorded fresh audit
    covers. Returns them; `_part_patterns` keeps each part's pattern digest for record_audited."""
    con.execute(AUDITED_DDL)
    con.execute(f"""
        create or replace temp table _part_patterns as
        select parts.part,
               sha256(string_agg(p.indicator_id || '|' || p.area_code || '|' || p.period || '|'
                                 || p.suppressed, ',' order by p.indicator_id, p.area_code, p.period)) as pattern
        from {pattern} as p inner join _cell_part as parts using (area_code, period)
        group by parts.part""")
    con.execute(f"""
        create or replace temp table _parts_to_audit as
        select part from _part_fingerprints inner join _part_patterns using (part)
        anti join {AUDITED} using (part, fingerprint, pattern)   -- not NOT IN: one NULL would skip all
        order by part""")
    return [row[0] for row in con.execute("select part from _parts_to_audit").fetchall()]


def _points_to_read(con: duckdb.DuckDBPyConnection, into: str, fingerprints: str, parts: str) -> None:
    """Temp table `into`: per part in table `parts`, the fingerprint (`fingerprints`: part,
    fingerprint) under which its kept points are read (`kept_points`, which guards their table)."""
    con.execute(f"""
        create or replace temp table {into} as
        select part, fingerprint from ({fingerprints})
        where part in (select part from {parts})""")


def kept_points(con: duckdb.DuckDBPyConnection, wanted: str) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per part in `wanted` (part, fingerprint: as _points_to_read makes it) that has kept points
    under that fingerprint, their point, cell and move columns. Read part by part, the part and
    its fingerprint bound: joining every kept point on its 64-character fingerprint took 0.3-0.6 s
    of the city's corrected month (its publication took 3-4 s), reading one part 0.01-0.03 s."""
    _ensure_witnesses(con)
    points = {}
    for part, fingerprint in con.execute(f"select part, fingerprint from {wanted} order by part").fetchall():
        rows = con.sql(f"select point, cell, move from {WITNESSES} where part = ? and fingerprint = ?",
                       params=[part, fingerprint]).pl()
        if rows.height:
            points[part] = (rows["point"].to_numpy(), rows["cell"].to_numpy(), rows["move"].to_numpy())
    return points


def witnesses_of_parts_to_audit(con: duckdb.DuckDBPyConnection, into: str) -> None:
    """Temp table `into`, read by `kept_points`: the kept points of the parts in `_parts_to_audit`
    whose cells are those they were made for (the same fingerprint)."""
    _points_to_read(con, into, "select part, fingerprint from _part_fingerprints", "_parts_to_audit")


def witnesses_of_restarted_parts(con: duckdb.DuckDBPyConnection, into: str) -> None:
    """Temp table `into`, read by `kept_points`: the kept points of the parts in
    `_restarted_parts` (restart_from_last), made for their kept pattern (its fingerprint) under
    other counts. A point is kept as moves from the true counts, so on the corrected counts it
    still keeps every equality (the correction's own change keeps them); where the correction
    took slack from an inequality or lowered a moved count, it takes a shorter step
    (Auditor.carried_over). The audit checks each against the present counts and the pattern
    (Auditor._proven_by) and takes only those that pass, so a restarted part needs LPs only
    where the correction reaches."""
    _points_to_read(con, into, f"select part, fingerprint from ({KEPT_PATTERNS})", "_restarted_parts")


TEMP_TABLES = ("_area_gemeente", "_cell_part", "_gemeente_areas", "_part_fingerprints", "_reused_parts",
               "_restarted_parts", "_part_patterns", "_parts_to_audit")


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the temp tables this module's steps leave for each other."""
    for table in TEMP_TABLES:
        con.execute(f"drop table if exists {table}")


def record_audited(con: duckdb.DuckDBPyConnection) -> None:
    """The parts of `_parts_to_audit`, just audited afresh without a finding, as audited in their
    present state (replacing what was recorded for them)."""
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {AUDITED} where part in (select part from _parts_to_audit)")
        con.execute(f"""
            insert into {AUDITED}
            select part, fingerprint, pattern from _parts_to_audit
            inner join _part_fingerprints using (part) inner join _part_patterns using (part)""")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
