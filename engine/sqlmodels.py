"""SQL models: one `select` per file under sql/<layer>/<name>.sql becomes table <layer>.<name>.

Dependencies are read from the SQL itself (every `<layer>.<table>` it mentions), so adding a
model is adding a file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


def build(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int:
    """Rebuild the model's table in one transaction; returns its row count."""
    if model.partition_column:
        con.execute(BUILDS_DDL)
    con.execute("begin transaction")
    try:
        con.execute(f'create or replace table {model.layer}."{model.name}" as\n{model.sql}')
        if model.partition_column:
            _record_builds(con, model, _months_in_table(con, model))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return scalar(con, f'select count(*) from {model.layer}."{model.name}"')


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
