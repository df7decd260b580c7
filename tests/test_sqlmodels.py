"""SQL models skip a build that would make the table they hold (engine/sqlmodels.py: up_to_date)."""
from __future__ import annotations

import duckdb
import pytest

from engine.sqlmodels import SqlModel, build, build_unless_up_to_date, up_to_date


@pytest.fixture
def warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for schema in ("staging", "core"):
        con.execute(f"create schema {schema}")
    con.execute("create table staging.months as select * from (values ('2025-01', 3), ('2025-02', 4)) t(month, n)")
    con.execute("create macro doubled(x) as 2 * x")
    (tmp_path / "core").mkdir()
    path = tmp_path / "core" / "totals.sql"
    path.write_text("select month, doubled(n) as n2 from staging.months\n")
    yield con, SqlModel("core", "totals", path)
    con.close()


def rows(con) -> list:
    return con.execute("select * from core.totals order by all").fetchall()


def test_a_model_is_up_to_date_only_after_a_build_and_while_nothing_it_reads_changes(warehouse):
    con, model = warehouse
    assert not up_to_date(con, model), "never built"
    build(con, model)
    assert up_to_date(con, model)
    assert rows(con) == [("2025-01", 6), ("2025-02", 8)]
    con.execute("update staging.months set n = 5 where month = '2025-02'")
    assert not up_to_date(con, model), "a value it reads changed"
    build(con, model)
    assert up_to_date(con, model) and rows(con) == [("2025-01", 6), ("2025-02", 10)]
    con.execute("insert into staging.months values ('2025-02', 5)")
    assert not up_to_date(con, model), "a row twice is a change too"
    assert build_unless_up_to_date(con, model) and rows(con)[-1] == ("2025-02", 10) and len(rows(con)) == 3
    con.execute("delete from core.totals")   # would show, were the build not skipped
    con.execute("insert into core.totals values ('x', 0)")
    assert build_unless_up_to_date(con, model), "its table was altered: built again"
    assert not build_unless_up_to_date(con, model) and len(rows(con)) == 3, "then kept"


def test_its_sql_a_macro_or_its_own_table_changed_make_it_stale(warehouse):
    con, model = warehouse
    build(con, model)
    con.execute("create or replace macro doubled(x) as 3 * x")
    assert not up_to_date(con, model), "a macro it calls was redefined"
    build(con, model)
    model.path.write_text("select month, doubled(n) as n3 from staging.months\n")
    assert not up_to_date(con, model), "its SQL changed"
    build(con, model)
    con.execute("delete from core.totals where month = '2025-01'")
    assert not up_to_date(con, model), "its table no longer holds what the build made"
    build(con, model)
    con.execute("alter table core.totals rename column n3 to n4")
    assert not up_to_date(con, model), "nor the columns"
    con.execute("drop table core.totals")
    assert not up_to_date(con, model)


def test_a_column_renamed_in_what_it_reads_or_a_table_missing_make_it_stale(warehouse):
    con, model = warehouse
    build(con, model)
    con.execute("alter table staging.months rename column n to count")
    assert not up_to_date(con, model), "same values under another name"
    con.execute("drop table staging.months")
    assert not up_to_date(con, model)
    with pytest.raises(duckdb.CatalogException, match="months"):
        build(con, model)


def test_a_partitioned_model_is_never_taken_as_up_to_date(warehouse, tmp_path):
    con, _ = warehouse
    path = tmp_path / "core" / "by_month.sql"
    path.write_text("-- partition column: month\nselect month, n from staging.months\n")
    model = SqlModel("core", "by_month", path)
    build(con, model)
    assert not up_to_date(con, model), "its months are rebuilt as asked (build_months)"
