"""Suppression patterns kept per gemeente and year (quality/pattern_cache.py, issue 20): a
publication redoes only the parts whose cells or method changed, and what it publishes is exactly
what a publication of everything anew would publish.

The indicator world (2025) cut small: two of Rotterdam's wijken, each made a gemeente of one wijk
(GM9001, GM9002: the gemeente's cells are its wijk's), and GM9002 again in 2024. Three parts."""
from __future__ import annotations

import pytest

from assets import indicators as indicator_assets
from assets.indicators import (PUBLISHED, derivable_cells, derivable_cells_since_last_audit,
                               small_visible_cells)
from pipelines.runner import materialize_tables
from quality import pattern_cache
from quality.pattern_cache import CACHE
from quality.releases import RELEASED, counts_as_audited, hidden_but_known
from tests.test_indicators import empty_warehouse, fill_world

WIJKEN = {"WK059903": "9001", "WK059910": "9002"}
SECOND = "9002"


def _recoded(column: str, digits: str) -> str:
    return f"substr({column}, 1, 2) || '{digits}' || substr({column}, 7)"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    yield from _world(tmp_path_factory)


@pytest.fixture
def fresh_world(tmp_path_factory):
    """The world as built, for a test that publishes after changing it."""
    yield from _world(tmp_path_factory)


def _world(tmp_path_factory):
    path = tmp_path_factory.mktemp("pattern_cache") / "warehouse.duckdb"
    con = empty_warehouse(path)
    fill_world(con)
    con.close()
    assert materialize_tables(path, ["marts.indicator_values"]).success
    con = empty_warehouse(path)
    for wijk, digits in WIJKEN.items():
        con.execute(f"""insert into core.dim_buurt select * replace ({_recoded('buurtcode', digits)} as buurtcode,
                        {_recoded('wijkcode', digits)} as wijkcode, 'GM{digits}' as gemeentecode)
                        from core.dim_buurt where wijkcode = ?""", [wijk])
        years = ("2025", "2024") if digits == SECOND else ("2025",)
        for year in years:
            con.execute(f"""insert into marts.indicator_values
                select * replace ({_recoded('area_code', digits)} as area_code, replace(period, '2025', '{year}') as period)
                from marts.indicator_values
                where area_code = ? or area_code in (select buurtcode from core.dim_buurt where wijkcode = ?)
                union all
                select * replace ('gemeente' as area_level, 'GM{digits}' as area_code,
                                  replace(period, '2025', '{year}') as period)
                from marts.indicator_values where area_code = ?""", [wijk, wijk, wijk])
    con.execute("delete from marts.indicator_values where area_code like '__0599%'")
    yield con
    con.close()


def published(con) -> list[tuple]:
    return con.execute(f"select * from {PUBLISHED} order by all").fetchall()


def test_only_a_changed_gemeente_year_is_published_anew_and_the_result_is_a_fresh_publication(world):
    first = indicator_assets.publish_indicator_values(world, reuse=False)["audit"]
    assert (first.parts, first.reused) == (3, 0)
    assert [r[0] for r in world.execute(f"select distinct part from {CACHE} order by 1").fetchall()] == \
        ["GM9001/2025", f"GM{SECOND}/2024", f"GM{SECOND}/2025"]

    again = indicator_assets.publish_indicator_values(world)["audit"]
    assert (again.parts, again.reused, again.rounds) == (0, 3, 0), "nothing changed: nothing redone"
    kept = published(world)

    # A correction in the second gemeente's 2024: every count doubled (sums over areas and periods
    # hold). Its 2025 and Rotterdam keep their patterns.
    world.execute(f"""update marts.indicator_values set numerator = 2 * numerator, denominator = 2 * denominator
                      where area_code like '__{SECOND}%' and period like '2024%'""")
    corrected = indicator_assets.publish_indicator_values(world)["audit"]
    assert (corrected.parts, corrected.reused, corrected.restarted) == (1, 2, 1), "only the corrected gemeente-year is redone"
    with_cache = published(world)
    assert with_cache != kept
    indicator_assets.publish_indicator_values(world, reuse=False)
    assert published(world) == with_cache, "a kept pattern publishes what a fresh run publishes"
    assert derivable_cells(world) == [] and small_visible_cells(world) == 0


def test_the_check_audits_afresh_only_the_gemeente_years_not_audited_in_their_present_state(fresh_world):
    """The published table's check: a fresh audit of every gemeente-year first, then only of those
    whose cells or pattern changed since; one shown again is audited again, and caught."""
    w = fresh_world
    indicator_assets.publish_indicator_values(w)
    first = derivable_cells_since_last_audit(w)
    assert first[:3] == ([], 3, 0)
    assert (first[3].certified, first[3].lps) == (first[3].targets, 0), \
        "the publication's points prove every target: no LP"
    assert derivable_cells_since_last_audit(w)[:3] == ([], 0, 3), "nothing changed: nothing audited again"
    w.execute(f"""update marts.indicator_values set numerator = 2 * numerator, denominator = 2 * denominator
                  where area_code like '__{SECOND}%' and period like '2024%'""")
    indicator_assets.publish_indicator_values(w)
    assert derivable_cells_since_last_audit(w)[:3] == ([], 1, 2), "only the corrected gemeente-year"
    # A hidden small count shown again in a gemeente-year audited before: its pattern changed, so
    # it is audited afresh, and the attacker's bounds on its neighbours are found too narrow (for
    # the first such count in key order that gives a neighbour away; each one that does not is
    # hidden again, and its gemeente-year audited again).
    small_hidden = w.execute(f"""select p.indicator_id, p.area_code, p.period from {PUBLISHED} as p
                                 inner join marts.indicator_values as v using (indicator_id, area_code, period)
                                 where p.suppressed and v.numerator between 1 and 9
                                   and p.area_code like 'BU9001%' and p.period like '2025%'
                                 order by all""").fetchall()
    assert small_hidden
    for hidden in small_hidden:
        w.execute(f"update {PUBLISHED} set suppressed = false where (indicator_id, area_code, period) = (?, ?, ?)",
                  list(hidden))
        findings, audited, covered, _ = derivable_cells_since_last_audit(w)
        assert (audited, covered) == (1, 2), "only the gemeente-year shown again"
        if findings:
            break
        w.execute(f"update {PUBLISHED} set suppressed = true where (indicator_id, area_code, period) = (?, ?, ?)",
                  list(hidden))
        assert derivable_cells_since_last_audit(w)[1:3] == (1, 2)
    assert findings and findings == derivable_cells(w)
    assert derivable_cells_since_last_audit(w)[1] == 1, "a part with findings is not recorded as audited"

def reused_now(con) -> list[str]:
    """The gemeenten a publication would keep now (without publishing)."""
    return indicator_assets.reusable_parts(con)


def test_a_moved_buurt_or_a_changed_threshold_redoes_the_gemeenten_it_touches(world):
    indicator_assets.publish_indicator_values(world)
    assert reused_now(world) == ["GM9001/2025", f"GM{SECOND}/2024", f"GM{SECOND}/2025"]
    # A sum of euros decides nothing that is hidden, and its last bits differ between two builds of
    # the same data (parallel float sums): such noise must not redo a gemeente.
    world.execute("""update marts.indicator_values set numerator = numerator * (1 + 1e-13)
                     where indicator_id in (select indicator_id from core.indicator_catalogue
                                            where not numerator_rounded and min_count is null)""")
    assert reused_now(world) == ["GM9001/2025", f"GM{SECOND}/2024", f"GM{SECOND}/2025"]
    # The audit of a year takes the next January's stock as known (a stock less its exits runs on
    # across the year's edge): a changed January redoes the year before it too, a February not.
    for month, kept in (("01", ["GM9001/2025"]), ("02", ["GM9001/2025", f"GM{SECOND}/2024"])):
        for step in (1, -1):
            world.execute("""update marts.indicator_values set numerator = numerator + ?
                             where indicator_id = 'mutatiegraad_pct' and area_code = ? and period = ?""",
                          [step, f"GM{SECOND}", f"2025-{month}"])
            assert reused_now(world) == (kept if step == 1 else ["GM9001/2025", f"GM{SECOND}/2024", f"GM{SECOND}/2025"])
    buurt = world.execute(f"select min(buurtcode) from core.dim_buurt where gemeentecode = 'GM{SECOND}'").fetchone()[0]
    world.execute(f"update core.dim_buurt set wijkcode = 'WK{SECOND}99' where buurtcode = ?", [buurt])
    assert reused_now(world) == ["GM9001/2025"], "the buurt's relations changed in its own gemeente only"
    world.execute("update core.indicator_catalogue set min_base = min_base + 1 "
                  "where indicator_id = (select min(indicator_id) from core.indicator_catalogue)")
    assert reused_now(world) == [], "a threshold is part of every gemeente's method"


def test_a_buurt_without_cells_leaving_the_dimension_redoes_its_gemeente(fresh_world):
    """The attacker's audit adds a wijk = sum of its buurten only when every buurt of
    core.dim_buurt under it has a cell (quality/disclosure_audit.py, _Model). A buurt with no
    cells that leaves (or joins) the dimension so adds (or drops) that relation without changing
    any cell's key, counts or parent: the pattern made without the relation must not be kept."""
    gemeente = "GM9001"
    wijk = fresh_world.execute("select min(wijkcode) from core.dim_buurt where gemeentecode = ?", [gemeente]).fetchone()[0]
    fresh_world.execute("""insert into core.dim_buurt select * replace ('BU90019999' as buurtcode)
                     from core.dim_buurt where wijkcode = ? limit 1""", [wijk])
    indicator_assets.publish_indicator_values(fresh_world)
    assert gemeente + "/2025" in reused_now(fresh_world)
    fresh_world.execute("delete from core.dim_buurt where buurtcode = 'BU90019999'")
    assert reused_now(fresh_world) == [f"GM{SECOND}/2024", f"GM{SECOND}/2025"], \
        "the wijk's sum became known to the attacker: its gemeente is audited anew"


def test_stale_or_duplicate_cache_rows_never_reach_the_published_table(fresh_world):
    """A part's cached rows are its pattern only when they are one row per cell under the
    fingerprint it matched: a row copied twice (a restored backup, a re-run insert) or left from
    an older fingerprint must not publish a cell twice (once hidden, once shown)."""
    indicator_assets.publish_indicator_values(fresh_world)
    rows = fresh_world.execute(f"select count(*) from {PUBLISHED}").fetchall()[0][0]
    cell = fresh_world.execute(f"""select part, fingerprint, indicator_id, area_code, period from {CACHE}
                             where suppressed order by all limit 1""").fetchall()[0]
    assert cell is not None
    part, _, indicator_id, area, period = cell
    fresh_world.execute(f"insert into {CACHE} values (?, 'an older fingerprint', ?, ?, ?, false)",
                  [part, indicator_id, area, period]).fetchall()
    fresh_world.execute(f"insert into {CACHE} select * from {CACHE} where part = ?", [part]).fetchall()
    indicator_assets.publish_indicator_values(fresh_world)
    assert fresh_world.execute(f"select count(*) from {PUBLISHED}").fetchall()[0][0] == rows
    assert fresh_world.execute(f"""select bool_and(suppressed) from {PUBLISHED}
                             where indicator_id = ? and area_code = ? and period = ?""",
                         [indicator_id, area, period]).fetchall()[0][0]
    assert derivable_cells(fresh_world) == [] and small_visible_cells(fresh_world) == 0


def hidden_in(con, table: str, area: str, year: str) -> set[tuple]:
    return set(con.execute(f"""select indicator_id, area_code, period from {table}
                               where suppressed and area_code like ? and period like ?""",
                           [f"__{area}%", f"{year}%"]).fetchall())


def test_a_corrected_gemeente_year_starts_from_its_last_pattern(fresh_world):
    """A correction (counts changed, no cell came or went) publishes its gemeente-year anew from
    the pattern it had: what it hid stays hidden, the audit still finds nothing. Here the last
    pattern hid a large count a fresh publication shows, so the two differ in that cell."""
    w = fresh_world
    indicator_assets.publish_indicator_values(w)
    large = w.execute(f"""select indicator_id, area_code, period from {PUBLISHED}
                          where not suppressed and area_code like 'BU{SECOND}%' and period like '2024%'
                          order by numerator desc nulls last, indicator_id, area_code, period limit 1""").fetchall()[0]
    w.execute(f"update {CACHE} set suppressed = true where (indicator_id, area_code, period) = (?, ?, ?)",
              list(large))
    last = hidden_in(w, CACHE, SECOND, "2024")
    w.execute(f"""update marts.indicator_values set numerator = 2 * numerator, denominator = 2 * denominator
                  where area_code like '__{SECOND}%' and period like '2024%'""")
    corrected = indicator_assets.publish_indicator_values(w)["audit"]
    assert (corrected.parts, corrected.reused, corrected.restarted) == (1, 2, 1)
    assert last <= hidden_in(w, PUBLISHED, SECOND, "2024"), "what the last pattern hid stays hidden"
    assert derivable_cells(w) == [] and small_visible_cells(w) == 0
    indicator_assets.publish_indicator_values(w, reuse=False)
    assert large not in hidden_in(w, PUBLISHED, SECOND, "2024"), "afresh, the large count is shown"

    # Cells that came or went (a new month, a buurt without data) make a gemeente-year new: it
    # starts afresh, as a first publication does.
    w.execute("""delete from marts.indicator_values where (indicator_id, area_code, period) in
                 (select indicator_id, area_code, period from marts.indicator_values
                  where area_code like 'BU9001%' order by all limit 1)""")
    assert indicator_assets.reusable_parts(w) == [f"GM{SECOND}/2024", f"GM{SECOND}/2025"]
    pattern_cache.cells_to_publish(w, "marts.indicator_values", "_to_publish")
    assert pattern_cache.restart_from_last(w, "_to_publish", "_start") == 0
    assert pattern_cache.restart_from_last(w, "marts.indicator_values", "_start", restart=False) == 0


def _corrected_incidents(con) -> None:
    """A correction in GM9001: its incidents doubled (an events measure: every sum still holds,
    and so does each part of them <= the incidents). Its other counts stay as they were."""
    con.execute("""update marts.indicator_values set numerator = 2 * numerator
                   where area_code like '__9001%' and indicator_id = 'incidenten_per_1000'""")


def test_a_corrected_gemeente_year_proves_its_pattern_with_the_points_of_its_last(fresh_world, tmp_path_factory,
                                                                                  monkeypatch):
    """A corrected gemeente-year's first audit checks the points its last pattern was proven
    with: a point the correction did not break proves its targets again without an LP. Against
    the same correction published without those points: fewer LPs, and both hold."""
    def corrected(con) -> tuple:
        indicator_assets.publish_indicator_values(con)
        _corrected_incidents(con)
        audit = indicator_assets.publish_indicator_values(con)["audit"]
        assert (audit.restarted, audit.parts) == (1, 1)
        assert derivable_cells(con) == [] and small_visible_cells(con) == 0
        return audit, hidden_in(con, PUBLISHED, "9001", "2025")

    with_points, pattern = corrected(fresh_world)
    assert 0 < with_points.certified <= with_points.targets

    def no_points(con, into: str) -> None:
        con.execute(f"create or replace temp table {into} (part varchar, fingerprint varchar)")
    monkeypatch.setattr(pattern_cache, "witnesses_of_restarted_parts", no_points)
    other = _world(tmp_path_factory)
    try:
        without, pattern_without = corrected(next(other))
    finally:
        other.close()
    assert without.certified == 0
    assert with_points.lps < without.lps, (with_points.lps, without.lps)
    assert pattern == pattern_without, "the points spare LPs; the pattern is the same"


def test_a_sum_of_euros_rebuilt_with_other_last_bits_is_no_new_release(fresh_world):
    """Two builds of the same data differ in the last bits of a sum of euros (parallel float
    sums). The record of releases compares counts as the audit reads them, so a rebuild adds no
    rows to it (a killed run, rerun, once recorded every such cell again)."""
    w = fresh_world
    indicator_assets.publish_indicator_values(w)
    recorded = w.execute(f"select count(*) from {RELEASED}").fetchall()[0][0]
    changed = w.execute("""update marts.indicator_values set numerator = numerator * (1 + 1e-13)
                           where numerator > 0 and indicator_id in (select indicator_id from core.indicator_catalogue
                                                  where not numerator_rounded and min_count is null)""").fetchall()[0][0]
    assert changed > 0
    indicator_assets.publish_indicator_values(w)
    assert w.execute(f"select count(*) from {RELEASED}").fetchall()[0][0] == recorded


def test_every_module_that_shapes_a_pattern_is_in_its_method():
    """The catalogue's parser decides which counts are one measure (shared between indicators,
    audited once), which are rounded and which time relation they have: it shapes every pattern
    as the yaml does."""
    from pathlib import Path
    names = {Path(p).resolve().relative_to(Path(indicator_assets.__file__).resolve().parents[1]).as_posix()
             for p in indicator_assets.PATTERN_INPUTS}
    assert "sources/indicators.py" in names


def test_the_cache_holds_no_function_of_the_counts_an_attacker_can_invert(fresh_world):
    """A part's fingerprint is kept beside its pattern. Kept as the XOR and the sum of its cells'
    hashes (DuckDB's hash: unkeyed, the same everywhere), two versions of the cache table (a
    backup before a partner's correction and one after) give hash(old cell) XOR hash(new cell) of
    the corrected cell, whose key and parent are public: trying counts 0..N finds its true counts
    before and after, a hidden cell's too. Only a one-way digest of the fingerprint may be kept."""
    w = fresh_world
    indicator_assets.publish_indicator_values(w)
    part = "GM9001/2025"
    before = w.execute(f"select any_value(fingerprint) from {CACHE} where part = ?", [part]).fetchall()[0][0]
    cell = w.execute(f"""select p.indicator_id, p.area_code, p.period, iv.numerator, iv.denominator
                         from {CACHE} as p inner join marts.indicator_values as iv using (indicator_id, area_code, period)
                         inner join core.indicator_catalogue as c using (indicator_id)
                         where p.part = ? and p.suppressed and c.min_count is not null and iv.numerator > 0
                         order by all limit 1""", [part]).fetchall()[0]
    indicator_id, area, period, numerator, denominator = cell
    w.execute("""update marts.indicator_values set numerator = numerator + 1
                 where indicator_id = ? and area_code = ? and period = ?""", [indicator_id, area, period]).fetchall()
    indicator_assets.publish_indicator_values(w)
    after = w.execute(f"select any_value(fingerprint) from {CACHE} where part = ?", [part]).fetchall()[0][0]
    parent = w.execute("select wijkcode from core.dim_buurt where buurtcode = ?", [area]).fetchall()
    parent = parent[0][0] if parent else w.execute(
        "select any_value(gemeentecode) from core.dim_buurt where wijkcode = ?", [area]).fetchall()[0][0]

    def xor_of(fingerprint: str) -> int | None:
        fields = fingerprint.split(":")
        return int(fields[2]) if len(fields) > 2 and fields[2].isdigit() else None

    leaked = None
    if xor_of(before) is not None and xor_of(after) is not None:
        delta = xor_of(before) ^ xor_of(after)
        guesses = w.execute("""
            select old.n from range(0, 200) as old(n), range(0, 200) as new(n)
            where xor(hash(?, ?, ?, round(old.n::double, 6), round(?::double, 6), ?),
                      hash(?, ?, ?, round(new.n::double, 6), round(?::double, 6), ?)) = ?::ubigint""",
            [indicator_id, area, period, denominator, parent,
             indicator_id, area, period, denominator, parent, str(delta)]).fetchall()
        leaked = [g[0] for g in guesses]
    assert leaked is None or numerator not in leaked, \
        f"a hidden count ({numerator}) recovered from two versions of the cache: {leaked}"


def test_what_a_release_shows_is_remembered_and_the_check_audits_with_that_memory(fresh_world):
    """quality/releases.py: every cell a publication shows is recorded with its exact counts; the
    check audits the table as an attacker who kept every release knows it. Here the record says
    a release showed every cell hidden around a buurt's small count in its month (the other
    buurten, the wijk, the gemeente), so the count is the wijk's less what is known. The check
    audits the gemeente-year again (it was covered before) and finds it. After a publication
    made since, those cells give the count away whatever it hid: the check sets it aside and
    counts it. The memory of a pattern's own release changes nothing: published anew, it is the
    same pattern."""
    con = fresh_world
    indicator_assets.publish_indicator_values(con)
    assert con.execute(f"""
        select count(*) from {PUBLISHED} as p
        inner join ({counts_as_audited("marts.indicator_values")}) as v using (indicator_id, area_code, period)
        full join {RELEASED} as r using (indicator_id, area_code, period)
        where (not p.suppressed) is distinct from (r.indicator_id is not null)
           or r.indicator_id is not null and (r.numerator is distinct from v.numerator
                                              or r.denominator is distinct from v.denominator)
        """).fetchone()[0] == 0, "the record holds exactly the cells shown, with their counts (as audited)"
    shown = published(con)
    indicator_assets.publish_indicator_values(con, reuse=False)
    assert published(con) == shown, "remembering its own release, the same pattern"
    assert derivable_cells_since_last_audit(con)[:2] == ([], 3)
    assert hidden_but_known(con, PUBLISHED) == 0

    # A small count of a buurt that the pattern hides, and a record of every other cell hidden
    # in its wijk and month (buurten, wijk, gemeente): the buurt's count is the wijk's less what
    # is known.
    indicator_id, month, wijk, buurt = con.execute(f"""
        select p.indicator_id, p.period, b.wijkcode, min(p.area_code)
        from {PUBLISHED} as p
        inner join marts.indicator_values as v using (indicator_id, area_code, period)
        inner join core.dim_buurt as b on b.buurtcode = p.area_code
        inner join core.indicator_catalogue as c using (indicator_id)
        where length(p.period) = 7 and c.min_count is not null and p.suppressed
          and v.numerator between 1 and 9
        group by all order by all limit 1""").fetchone()
    recorded = [r[0] for r in con.execute(f"""
        select area_code from {PUBLISHED}
        where indicator_id = ? and period = ? and suppressed and area_code != ?
          and area_code in (select buurtcode from core.dim_buurt where wijkcode = ?
                            union all select wijkcode from core.dim_buurt where wijkcode = ?
                            union all select gemeentecode from core.dim_buurt where wijkcode = ?)""",
        [indicator_id, month, buurt, wijk, wijk, wijk]).fetchall()]
    con.execute(f"""insert into {RELEASED}
                    select indicator_id, area_code, period, numerator, denominator, now()
                    from marts.indicator_values where indicator_id = ? and area_code in ? and period = ?""",
                [indicator_id, recorded, month])
    assert hidden_but_known(con, PUBLISHED) == len(recorded)   # the publication's metadata reports these
    findings, audited, *_ = derivable_cells_since_last_audit(con)
    assert audited == 1, "the gemeente-year is audited again: its pattern as the attacker knows it changed"
    pinned = {f.target[1][0] for f in findings if f.target[0] == "cell" and f.target[1][1:] == (buurt, month)}
    assert pinned, "the buurt's count, pinned down with the record"
    assert not [f for f in findings if f.target[0] == "cell" and f.target[1][0] in pinned
                and f.target[1][2] == month and f.target[1][1] in recorded], "a count shown is no target"
    # Published again after that record, the publication could not take it back: every cell
    # pinning the buurt's count was released before it. The check sets them aside and counts them.
    indicator_assets.publish_indicator_values(con)
    assert derivable_cells_since_last_audit(con)[0] == []
    assert indicator_assets.audit_indicator_cells(con, PUBLISHED).given_away >= len(pinned)


def test_kept_points_of_another_layout_or_other_types_are_dropped_not_read():
    """The kept points are a shortcut for the check (it proves by LP what they do not): a table
    of an earlier layout, with a value as text, a view, or a table whose name differs only in case
    (outside attacks that made the check error instead of proving) is replaced by an empty table
    of the right types."""
    import duckdb
    con = duckdb.connect()
    con.execute("create schema marts")
    for ddl in ("part varchar, fingerprint varchar, point integer, cell integer, move varchar",
                "part varchar, point integer, cell integer, move double",
                # points as values, not moves, as kept before a correction's first audit carried
                # them over: read as moves they would only fail the check, but cost its LPs
                "part varchar, fingerprint varchar, point integer, cell integer, value double"):
        con.execute(f"create or replace table {pattern_cache.WITNESSES} ({ddl})")
        con.execute(f"insert into {pattern_cache.WITNESSES} select * from (values "
                    f"{'(1, 2, 3, 4)' if ddl.count(',') == 3 else '(1, 2, 3, 4, 5)'}) ")
        pattern_cache._ensure_witnesses(con)
        assert con.execute("select column_name, data_type from information_schema.columns "
                           "where table_name = 'disclosure_witnesses'").fetchall() == [
            ("part", "VARCHAR"), ("fingerprint", "VARCHAR"), ("point", "INTEGER"),
            ("cell", "INTEGER"), ("move", "DOUBLE")]
        assert con.execute(f"select count(*) from {pattern_cache.WITNESSES}").fetchone() == (0,)
    # a view, even of the right types (it may fail when read), and a table whose name differs
    # only in case (DuckDB finds it by the lower-case name): both replaced by the table
    con.execute("create table marts.kept as select * from (values ('p', 'f', 1, 2, 'y')) t(part, fingerprint, point, cell, move)")
    attacks = ["create view {w} as select part, fingerprint, point, cell, cast(move as double) as move from marts.kept",
               "create view {w} as select part, fingerprint, point, cell::bigint as cell, 1.0::double as move from marts.kept",
               'create table marts."Disclosure_Witnesses" (part varchar, fingerprint varchar, point integer, '
               'cell hugeint, move varchar)']
    for attack in attacks:
        con.execute(f"drop table {pattern_cache.WITNESSES}")
        con.execute(attack.format(w=pattern_cache.WITNESSES))
        pattern_cache._ensure_witnesses(con)
        assert con.execute("select table_name, table_type from information_schema.tables "
                           "where lower(table_name) = 'disclosure_witnesses'").fetchall() == [
            ("disclosure_witnesses", "BASE TABLE")], attack
        assert con.execute(f"select count(*) from {pattern_cache.WITNESSES}").fetchone() == (0,)
    con.execute(f"insert into {pattern_cache.WITNESSES} values ('p', 'f', 1, 2, 3.0)")
    pattern_cache._ensure_witnesses(con)   # the right layout: its points stay
    assert con.execute(f"select count(*) from {pattern_cache.WITNESSES}").fetchone() == (1,)


def test_kept_points_are_read_only_for_the_parts_asked_and_under_their_fingerprint():
    """What a part's first audit or the check reads (pattern_cache.kept_points): the points kept
    under the fingerprint asked for, not those of the part's earlier cells nor of other parts."""
    import duckdb
    con = duckdb.connect()
    con.execute("create schema marts")
    pattern_cache._ensure_witnesses(con)
    con.execute(f"""insert into {pattern_cache.WITNESSES} values
        ('GM0599/2025', 'new', 0, 7, 1.0), ('GM0599/2025', 'new', 0, 8, -1.0), ('GM0599/2025', 'old', 0, 9, 2.0),
        ('GM0599/2026', 'new', 1, 3, 4.0), ('GM0363/2025', 'other', 0, 5, 6.0)""")
    con.execute("create table asked as select * from (values ('GM0599/2025', 'new'), ('GM0599/2026', 'gone'), "
                "('GM0518/2025', 'new')) t(part, fingerprint)")
    points = pattern_cache.kept_points(con, "asked")
    assert list(points) == ["GM0599/2025"], "a part without points under its fingerprint has none"
    point, cell, move = points["GM0599/2025"]
    assert sorted(zip(point.tolist(), cell.tolist(), move.tolist())) == [(0, 7, 1.0), (0, 8, -1.0)]


def test_a_witness_table_with_a_collation_default_generated_column_or_constraint_is_replaced():
    """information_schema shows these columns as the right names and types; under `collate
    nocase` a part's kept points took in those of another part and fingerprint (an outside attack,
    December 2026). Each is replaced by the table WITNESSES_DDL makes, its rows dropped."""
    import duckdb
    con = duckdb.connect()
    con.execute("create schema marts")
    plain = "part varchar, fingerprint varchar, point integer, cell integer, move double"
    for ddl in (plain.replace("part varchar", "part varchar collate nocase"),
                plain.replace("fingerprint varchar", "fingerprint varchar collate nocase.noaccent"),
                plain.replace("move double", "move double default 1.0"),
                plain.replace("move double", "move double generated always as (1.0)"),
                plain + ", check (cell >= 0)"):
        con.execute(f"drop table if exists {pattern_cache.WITNESSES}")
        con.execute(f"create table {pattern_cache.WITNESSES} ({ddl})")
        con.execute(f"insert into {pattern_cache.WITNESSES} (part, fingerprint, point, cell) values ('p', 'f', 1, 2)")
        pattern_cache._ensure_witnesses(con)
        assert con.execute(f"select count(*) from {pattern_cache.WITNESSES}").fetchone() == (0,), ddl
        con.execute(f"insert into {pattern_cache.WITNESSES} values ('GM1/2024', 'abc', 0, 1, 1.0), "
                    "('gm1/2024', 'ABC', 0, 2, 1.0)")
        con.execute("create or replace table asked as select 'GM1/2024' as part, 'abc' as fingerprint")
        assert pattern_cache.kept_points(con, "asked")["GM1/2024"][1].tolist() == [1], ddl
