"""What earlier releases showed: an attacker keeps every release.

A gemeente-year is published anew each month while its year runs (a new month and its quarter
join it) and after every correction. Each time, suppression and the attacker's audit start from
the cells as they are, so the new pattern may hide, as a complement, a cell that the last release
showed. Whoever kept that release knows the cell, and the new release's protection leans on it
being unknown. Measured on the 24-month city (`python -m benchmarks.releases`): the release
through 2026-09 hid 202 counts that the release through 2026-08 showed, and with both releases an
attacker pinned 24 hidden counts too narrowly (9 residents of a buurt in September: at least 2).

So every cell a publication shows is recorded here with its counts (as the audit reads them:
counts_as_audited), and the audit takes a cell as known to the attacker when an earlier release
showed it with the counts it has now.
Suppression may still hide it (hiding it again costs nothing), but protects nothing with it: the
audit neither counts on it nor picks it to hide. A cell whose counts changed since it was shown
is a new cell to the audit (the old figure says something about the new one when a correction
is small; see docs/methodology.md).

Cells are recorded when the table is published, before its check and export: a release that
never left the warehouse then counts as known, which can only make later releases hide more. A
gemeente-year whose pattern is kept (quality/pattern_cache.py) adds no rows: its shown cells are
recorded already, so the memory its kept pattern was made with is the memory it has.

The record holds the exact counts of visible cells only (the published table shows them rounded
to 5; a sum of euros is left out), never leaves the warehouse (sources/publication.yaml) and is the attacker's memory, so it
is never pruned. A warehouse built anew has no memory of releases made from another one.
"""
from __future__ import annotations

import duckdb

from engine.warehouse import scalar

RELEASED = "marts.disclosure_released"
RELEASED_DDL = f"""
create table if not exists {RELEASED} (
    indicator_id varchar, area_code varchar, period varchar, numerator double, denominator double,
    released_at timestamp with time zone)"""
# When the last publication was made (one row), whether or not it showed a cell not shown before:
# what was released before it is what it could not take back (the published table's check). Its
# own cells are recorded with this time. One row, so a publication killed and run again leaves
# the warehouse as one run would.
LAST_PUBLICATION = "marts.disclosure_last_publication"
LAST_PUBLICATION_DDL = f"create table if not exists {LAST_PUBLICATION} (published_at timestamp with time zone)"


def counts_as_audited(source: str) -> str:
    """SQL: the counts of the cells of `source` (indicator_id, area_code, period, numerator,
    denominator) as suppression and the audit read them: a numerator only where it is a count
    (rounded or held to a minimum), both to 6 decimals. A sum of euros decides nothing that is
    hidden, and its last bits differ between two builds of the same data (parallel float sums):
    compared exactly, the same cell would look new to the record, and to a pattern's fingerprint."""
    return f"""
        select iv.indicator_id, iv.area_code, iv.period, round(iv.denominator, 6) as denominator,
               case when catalogue.numerator_rounded or catalogue.min_count is not null
                    then round(iv.numerator, 6) end as numerator
        from {source} as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)"""


def _shown_before(cell: str, counts: str, before_the_last: bool = False) -> str:
    """SQL: a release showed the cell `cell` (indicator_id, area_code, period) with the counts of
    `counts` (numerator, denominator); `before_the_last`: one before the last publication (what
    that one started from)."""
    last = f"and r.released_at < (select max(published_at) from {LAST_PUBLICATION})" if before_the_last else ""
    return f"""exists (
        select 1 from {RELEASED} as r
        where r.indicator_id = {cell}.indicator_id and r.area_code = {cell}.area_code
          and r.period = {cell}.period and r.numerator is not distinct from {counts}.numerator
          and r.denominator is not distinct from {counts}.denominator {last})"""


def recorded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the record (a publication made it)."""
    return scalar(con, "select count(*) from information_schema.tables where table_schema = 'marts' "
                       "and table_name = 'disclosure_released'") > 0


def publications_recorded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse records when its last publication was made (one made since December
    2026 did)."""
    return scalar(con, "select count(*) from information_schema.tables where table_schema = 'marts' "
                       "and table_name = 'disclosure_last_publication'") > 0


def as_the_attacker_knows(con: duckdb.DuckDBPyConnection, pattern: str, view: str,
                          source: str = "marts.indicator_values", before_the_last: bool = False) -> str:
    """Temp view `view`: `pattern` (indicator_id, area_code, period, suppressed) with every cell
    that an earlier release showed with the counts it has now in `source` not hidden (one before
    the last publication, with `before_the_last`). Returns its name."""
    if not recorded(con):   # no release yet (or a warehouse opened read-only before one)
        con.execute(f"create or replace temp view {view} as "
                    f"select indicator_id, area_code, period, suppressed from {pattern}")
        return view
    con.execute(f"""
        create or replace temp view {view} as
        select p.indicator_id, p.area_code, p.period,
               p.suppressed and not {_shown_before("p", "counts", before_the_last)} as suppressed
        from {pattern} as p
        left join ({counts_as_audited(source)}) as counts using (indicator_id, area_code, period)""")
    return view


def known_to_the_attacker(con: duckdb.DuckDBPyConnection, cells: str, view: str,
                          source: str = "marts.indicator_values", before_the_last: bool = False) -> str:
    """Temp view `view`: the cells of `cells` (indicator_id, area_code, period), suppressed = true
    unless an earlier release showed the cell with its present counts (one before the last
    publication, with `before_the_last`): a pattern whose visible cells are exactly those the
    attacker knows (knew). Returns its name."""
    con.execute(f"create or replace temp view _every_cell_hidden as "
                f"select indicator_id, area_code, period, true as suppressed from {cells}")
    return as_the_attacker_knows(con, "_every_cell_hidden", view, source, before_the_last)


def record_released(con: duckdb.DuckDBPyConnection, published: str,
                    source: str = "marts.indicator_values") -> None:
    """Record every cell `published` shows (not suppressed) with its counts in `source` (as
    audited: counts_as_audited), unless it is recorded with those counts already; and when."""
    con.execute(RELEASED_DDL)
    con.execute(LAST_PUBLICATION_DDL)
    con.execute(f"delete from {LAST_PUBLICATION}")
    con.execute(f"insert into {LAST_PUBLICATION} values (now())")
    con.execute(f"""
        insert into {RELEASED}
        select p.indicator_id, p.area_code, p.period, counts.numerator, counts.denominator,
               (select published_at from {LAST_PUBLICATION})
        from {published} as p
        inner join ({counts_as_audited(source)}) as counts using (indicator_id, area_code, period)
        where not p.suppressed and not {_shown_before("p", "counts")}""")


def hidden_but_known(con: duckdb.DuckDBPyConnection, published: str,
                     source: str = "marts.indicator_values") -> int:
    """Cells `published` hides that an earlier release showed with their present counts: hidden
    again, they protect nothing (the audit takes them as known)."""
    if not recorded(con):
        return 0
    return scalar(con, f"""
        select count(*) from {published} as p
        inner join ({counts_as_audited(source)}) as counts using (indicator_id, area_code, period)
        where p.suppressed and {_shown_before("p", "counts")}""")
