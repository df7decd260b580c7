"""SQL models: one `select` per file under sql/<layer>/<name>.sql becomes table <layer>.<name>.

Dependencies are read from the SQL itself (every `<layer>.<table>` it mentions), so adding a
model is adding a file.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import duckdb

from engine.warehouse import LAYERS, scalar

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
MODEL_LAYERS = ("staging", "core", "marts")
_REFERENCE = re.compile(r"\b(" + "|".join(LAYERS) + r")\.\"?([a-z0-9_]+)\"?", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")
_PARTITION_COLUMN = re.compile(r"^-- partition column: ([a-z_]+)", re.MULTILINE)

# When each partition of a partitioned model was last built, in the warehouse itself: written in
# the same transaction as the partition, so what is stale survives a killed run.
BUILDS_DDL = """create table if not exists staging._partition_builds (
    model varchar, partition varchar, built_at timestamptz, primary key (model, partition))"""
LOADING_DECISIONS = ("accepted", "accepted_with_warnings")
# What each unpartitioned model's last build read and made, so that a build which would make the
# same table is skipped (`up_to_date`): a corrected month of rent arrears rebuilt the calendar,
# and after it every model that reads periods, though the calendar came out the same. `inputs`
# digests the model's SQL, DuckDB's version, the warehouse's macros and the content of every table
# it reads; `made` is the content of the table it made. Written in the build's transaction.
MODEL_BUILDS_DDL = """create table if not exists staging._model_builds (
    model varchar primary key, inputs varchar, made varchar)"""


@dataclass(frozen=True)
class SqlModel:
    layer: str
    name: str
    path: Path

    @property
    def table(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def description(self) -> str:
        """The leading comment block: what the model is and why."""
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            if not _PARTITION_COLUMN.match(line):
                lines.append(line.lstrip("- ").rstrip())
        return " ".join(lines)

    @property
    def partition_column(self) -> str | None:
        """The column holding the delivery month ('YYYY-MM') when the model is built per month."""
        found = _PARTITION_COLUMN.search(self.sql)
        return found.group(1) if found else None

    @property
    def raw_source(self) -> str | None:
        """The raw table a staging model reads (staging models read exactly one)."""
        raw = [name for layer, name in self.depends_on if layer == "raw"]
        return raw[0] if len(raw) == 1 else None

    @property
    def depends_on(self) -> list[tuple[str, str]]:
        body = _COMMENT.sub("", self.sql)
        found = {(m.group(1).lower(), m.group(2).lower()) for m in _REFERENCE.finditer(body)}
        found.discard((self.layer, self.name))
        return sorted(found)


def discover(sql_dir: Path = SQL_DIR) -> list[SqlModel]:
    return [SqlModel(layer, path.stem, path)
            for layer in MODEL_LAYERS for path in sorted((sql_dir / layer).glob("*.sql"))]


def build(con: duckdb.DuckDBPyConnection, model: SqlModel, inputs: str | None = None) -> int:
    """Rebuild the model's table in one transaction; returns its row count. `inputs`: the digest
    of what it reads, when the caller has just taken it (build_unless_up_to_date)."""
    con.execute(BUILDS_DDL if model.partition_column else MODEL_BUILDS_DDL)
    con.execute("begin transaction")
    try:
        if not model.partition_column:
            inputs = inputs or _inputs(con, model)
        con.execute(f'create or replace table {model.layer}."{model.name}" as\n{model.sql}')
        if model.partition_column:
            _record_builds(con, model, _months_in_table(con, model))
        else:
            made, = content_stamps(con, [(model.layer, model.name)])
            con.execute("insert or replace into staging._model_builds values (?, ?, ?)",
                        [model.table, inputs, made])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return scalar(con, f'select count(*) from {model.layer}."{model.name}"')


def up_to_date(con: duckdb.DuckDBPyConnection, model: SqlModel) -> bool:
    """Whether building this unpartitioned model again would make the table it holds: the table
    is as its last build made it, and its SQL, DuckDB, the macros and every table it reads are as
    that build found them. (A partitioned model is rebuilt by the months it is asked for.)"""
    return not model.partition_column and _last_build_holds(con, model, _inputs(con, model))


def build_unless_up_to_date(con: duckdb.DuckDBPyConnection, model: SqlModel) -> bool:
    """Build the unpartitioned `model` unless it is up to date; returns whether it was built."""
    inputs = _inputs(con, model)
    if _last_build_holds(con, model, inputs):
        return False
    build(con, model, inputs)
    return True


def _last_build_holds(con: duckdb.DuckDBPyConnection, model: SqlModel, inputs: str | None) -> bool:
    con.execute(MODEL_BUILDS_DDL)
    last = con.execute("select inputs, made from staging._model_builds where model = ?", [model.table]).fetchall()
    if inputs is None or not last or last[0][0] != inputs:
        return False
    made = content_stamps(con, [(model.layer, model.name)])   # None: dropped since
    return made is not None and made[0] == last[0][1]


def content_stamps(con: duckdb.DuckDBPyConnection, tables: Sequence[tuple[str, str]]) -> list[str] | None:
    """Per table (layer, name), its content in a line: its columns and their types, its rows and
    the sum of the rows' hashes, in any order. Two tables with the same line differ only by a
    collision of 64-bit hashes. Two queries for all (740,000 rows: 12 ms); None when one is missing."""
    if not tables:
        return []
    names = [f"{layer}.{name}" for layer, name in tables]
    columns = dict(con.execute("""
        select schema_name || '.' || table_name, list((column_name, data_type) order by column_index)
        from duckdb_columns()
        where database_name = current_database() and list_contains(?, schema_name || '.' || table_name)
        group by all""", [names]).fetchall())
    if len(columns) < len(set(names)):
        return None
    counted = dict((i, (rows, hashed)) for i, rows, hashed in con.execute(" union all ".join(
        f'select {i}, count(*), sum(hash(t)::hugeint) from {layer}."{name}" as t'
        for i, (layer, name) in enumerate(tables))).fetchall())
    return [f"{columns[name]}|{counted[i][0]}|{counted[i][1]}" for i, name in enumerate(names)]


def _inputs(con: duckdb.DuckDBPyConnection, model: SqlModel) -> str | None:
    """The digest of what a build of `model` reads (MODEL_BUILDS_DDL); None when a table it reads
    is missing (the build then says which)."""
    macros = con.execute("select schema_name, function_name, macro_definition from duckdb_functions() "
                         "where function_type like '%macro' and not internal order by all").fetchall()
    stamps = content_stamps(con, model.depends_on)
    if stamps is None:
        return None
    parts = [model.sql, duckdb.__version__, repr(macros)]
    parts += [f"{layer}.{name}: {stamp}" for (layer, name), stamp in zip(model.depends_on, stamps)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _months_in_table(con, model: SqlModel) -> list[str]:
    return [row[0] for row in con.execute(
        f'select distinct "{model.partition_column}" from {model.layer}."{model.name}"').fetchall()]


def _record_builds(con, model: SqlModel, months: list[str]) -> None:
    con.execute("insert or replace into staging._partition_builds "
                "select ?, unnest(?::varchar[]), current_timestamp", [model.name, months])


def _columns(con, relation_sql: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"describe {relation_sql}").fetchall()]


def build_months(con: duckdb.DuckDBPyConnection, model: SqlModel, months: list[str]) -> int:
    """Rebuild only these delivery months of a partitioned model, in one transaction; returns the
    rows now in those months. A missing table or changed columns rebuild the whole table instead
    (its other months would no longer fit)."""
    table = f'{model.layer}."{model.name}"'
    column = model.partition_column
    con.execute(BUILDS_DDL)  # before the transaction: DDL and the delete/insert stay apart
    exists = scalar(con, "select count(*) from information_schema.tables where table_schema = ? "
                         "and table_name = ?", [model.layer, model.name])
    if not exists or _columns(con, table) != _columns(con, f"({model.sql})"):
        build(con, model)
    else:
        con.execute("begin transaction")
        try:
            con.execute(f'delete from {table} where "{column}" in (select unnest(?::varchar[]))', [months])
            con.execute(f'insert into {table} select * from ({model.sql}) as model '
                        f'where model."{column}" in (select unnest(?::varchar[]))', [months])
            _record_builds(con, model, months)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return scalar(con, f'select count(*) from {table} where "{column}" in (select unnest(?::varchar[]))',
                  [months])


def ensure_table(con: duckdb.DuckDBPyConnection, model: SqlModel) -> None:
    """An empty table for a partitioned model no month was delivered for yet: what reads it needs
    it to exist (an unpartitioned model always does, from its full build)."""
    con.execute(f'create table if not exists {model.layer}."{model.name}" as '
                f'select * from ({model.sql}) as model where false')


def stale_months(con: duckdb.DuckDBPyConnection, model: SqlModel, dataset: str) -> list[str]:
    """Delivery months loaded into the model's raw table after the model's partition was last
    built (or never built): what the next run must rebuild, even if a run was killed in between."""
    con.execute(BUILDS_DDL)
    has_ledger = scalar(con, "select count(*) from information_schema.tables "
                             "where table_schema = 'raw' and table_name = 'load_ledger'")
    if not has_ledger:
        return []
    return [row[0] for row in con.execute("""
        select loads.period
        from (select period, max(decided_at) as loaded_at from raw.load_ledger
              where dataset = ? and decision in (select unnest(?::varchar[])) group by period) as loads
        left join staging._partition_builds as builds
            on builds.model = ? and builds.partition = loads.period
        where builds.built_at is null or builds.built_at < loads.loaded_at
        order by loads.period""", [dataset, list(LOADING_DECISIONS), model.name]).fetchall()]


def stale_staging(con: duckdb.DuckDBPyConnection, registry) -> dict[SqlModel, list[str]]:
    """Every partitioned staging model with the delivery months it must rebuild. `registry` is the
    partner registry (sources.contracts.Registry): the engine reads it, it does not load it."""
    by_table = {c.table: c for c in registry.contracts.values()}
    return {model: months for model in discover()
            if model.partition_column and model.raw_source in by_table
            and (months := stale_months(con, model, by_table[model.raw_source].dataset))}
