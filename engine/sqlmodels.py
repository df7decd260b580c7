"""SQL models: one `select` per file under sql/<layer>/<name>.sql becomes table <layer>.<name>.

Dependencies are read from the SQL itself (every `<layer>.<table>` it mentions), so adding a
model is adding a file.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from engine.warehouse import LAYERS, scalar

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
MODEL_LAYERS = ("staging", "core", "marts")
_REFERENCE = re.compile(r"\b(" + "|".join(LAYERS) + r")\.\"?([a-z0-9_]+)\"?", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")
_PARTITION_COLUMN = re.compile(r"^-- partition column: ([a-z_]+)", re.MULTILINE)
# A model per period (columns period_type and period of core.calendar_periods, which it reads
# its periods from, each row from its own period alone) that a month of a partitioned staging
# model touches only in the periods holding that month (its contract keeps every row in its
# delivery month): when those months are all that changed in what it reads, only the periods
# holding them are rebuilt (build_or_keep).
_PERIODS_TOUCHED = re.compile(r"^-- periods touched by a month of: staging\.([a-z0-9_]+)", re.MULTILINE)
_HEADER_MARKS = (_PARTITION_COLUMN, _PERIODS_TOUCHED)
_CALENDAR_PERIODS = re.compile(r"\bcore\.calendar_periods\b")

# When each partition of a partitioned model was last built, in the warehouse itself: written in
# the same transaction as the partition, so what is stale survives a killed run.
BUILDS_DDL = """create table if not exists staging._partition_builds (
    model varchar, partition varchar, built_at timestamptz, primary key (model, partition))"""
LOADING_DECISIONS = ("accepted", "accepted_with_warnings")

# Each unpartitioned model's last build, written in the build's transaction: the digest of its SQL,
# the version of every table it read, and its own version. A build that would read the same
# versions with the same SQL makes the same table, so the table is kept (a corrected month leaves
# the calendar as it was, and with it `unit_periods` and `resident_periods`). A small table's
# version is a digest of its content (SMALL_TABLE rows: the calendar comes out the same after a
# correction although it was rebuilt); a larger one's is new at every build, as hashing it would
# cost what keeping saves (README). A table no model builds (raw, reference data, a Python asset's
# mart) has no version, so what reads it is always rebuilt. A partitioned staging model's version is
# when its months were last built and how many (or its SQL while no month was).
MODEL_BUILDS_DDL = """create table if not exists staging._model_builds (
    model varchar primary key, built_at timestamptz, sql_digest varchar, inputs varchar, version varchar)"""
SMALL_TABLE = 10_000


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
            if not any(mark.match(line) for mark in _HEADER_MARKS):
                lines.append(line.lstrip("- ").rstrip())
        return " ".join(lines)

    @property
    def partition_column(self) -> str | None:
        """The column holding the delivery month ('YYYY-MM') when the model is built per month."""
        found = _PARTITION_COLUMN.search(self.sql)
        return found.group(1) if found else None

    @property
    def months_touch_periods_of(self) -> str | None:
        """The partitioned staging model whose months touch only the periods holding them (see
        _PERIODS_TOUCHED), or None."""
        found = _PERIODS_TOUCHED.search(self.sql)
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
    _ensure_build_records(con)
    return _build(con, model, None if model.partition_column else _input_versions(con, model)[0])


def _build(con, model: SqlModel, inputs: str | None) -> int:
    """build, given the versions of what an unpartitioned model reads (recorded with it)."""
    con.execute("begin transaction")
    try:
        con.execute(f'create or replace table {model.layer}."{model.name}" as\n{model.sql}')
        if model.partition_column:
            _record_builds(con, model, _months_in_table(con, model))
        else:
            _record_model_build(con, model, inputs)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return scalar(con, f'select count(*) from {model.layer}."{model.name}"')


KEPT = "kept"


def build_or_keep(con: duckdb.DuckDBPyConnection, model: SqlModel) -> str | list[str] | None:
    """Rebuild an unpartitioned model's table unless its last build read the same versions of the
    same tables with the same SQL (MODEL_BUILDS_DDL): then KEPT. A model per period whose by-month
    input (_PERIODS_TOUCHED) changed alone, in some months, is rebuilt in the periods holding them:
    those periods are returned. None when the whole table was built."""
    _ensure_build_records(con)
    inputs, last = _input_versions(con, model)
    exists = scalar(con, "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                    [model.layer, model.name])
    if inputs is not None and last is not None and last[0] == _sql_digest(model) and exists:
        if last[1] == inputs:
            return KEPT
        months = _months_changed_alone(con, model, last[1], inputs)
        if months:
            return _build_periods(con, model, inputs, months)
    _build(con, model, inputs)
    return None


def _months_changed_alone(con, model: SqlModel, last_inputs: str | None, inputs: str) -> list[str]:
    """The months of the model's by-month input (_PERIODS_TOUCHED) rebuilt since the model's last
    build, when that input is all that changed in what it reads; else none."""
    source = model.months_touch_periods_of
    if source is None or last_inputs is None:
        return []
    now, then = (dict(line.split("=", 1) for line in text.splitlines()) for text in (inputs, last_inputs))
    if {name for name in now.keys() | then.keys() if now.get(name) != then.get(name)} != {f"staging.{source}"}:
        return []
    return [row[0] for row in con.execute("""
        select partition from staging._partition_builds
        where model = ? and built_at > (select built_at from staging._model_builds where model = ?)
        order by partition""", [source, model.table]).fetchall()]


def _build_periods(con, model: SqlModel, inputs: str, months: list[str]) -> list[str]:
    """Rebuild the model's rows of the periods holding `months` ('YYYY-MM') in one transaction,
    recorded as a build (a new version: what reads it is rebuilt); returns those periods."""
    table = f'{model.layer}."{model.name}"'
    con.execute("begin transaction")
    try:
        con.execute("""
            create or replace temp table _periods_touched as
            select * from core.calendar_periods as periods
            where exists (select 1 from unnest(?::varchar[]) as touched(month)
                          where strptime(touched.month, '%Y-%m')::date between periods.period_start and periods.period_end)""",
                    [months])
        con.execute(f"delete from {table} as model using _periods_touched as touched "
                    "where model.period_type = touched.period_type and model.period = touched.period")
        # The model over those periods alone: it reads them in place of the whole calendar (its
        # row for a period depends on that period only; filtering its result instead computed
        # every period, 0.3 s against 0.05 s for the city's tenancies).
        con.execute(f"insert into {table} {_CALENDAR_PERIODS.sub('_periods_touched', model.sql)}")
        _record_model_build(con, model, inputs)
        periods = [row[0] for row in con.execute("select period from _periods_touched order by period").fetchall()]
        con.execute("drop table _periods_touched")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return periods


def _ensure_build_records(con) -> None:
    con.execute(BUILDS_DDL)
    con.execute(MODEL_BUILDS_DDL)


def _sql_digest(model: SqlModel) -> str:
    # DuckDB's version too: a function's meaning may change with it
    return hashlib.sha256(f"{duckdb.__version__}\n{model.sql}".encode()).hexdigest()


def _input_versions(con, model: SqlModel) -> tuple[str | None, tuple[str, str] | None]:
    """The versions of the tables the model reads, as one text (None when one has none), and the
    model's last build: its SQL digest and the versions it read then (None if never built)."""
    partitioned = _partitioned_names()
    wanted = [f"{layer}.{name}" for layer, name in model.depends_on
              if not (layer == "staging" and name in partitioned)]
    by_month = [name for layer, name in model.depends_on if layer == "staging" and name in partitioned]
    rows = con.execute("""
        select model, version, sql_digest, inputs from staging._model_builds
        where model in (select unnest(?::varchar[]))
        union all
        select 'staging.' || model, max(built_at)::varchar || '/' || count(*), null, null
        from staging._partition_builds where model in (select unnest(?::varchar[])) group by model""",
                       [[*wanted, model.table], by_month]).fetchall() if by_month or wanted else []
    found = {name: (version, digest, inputs) for name, version, digest, inputs in rows}
    # a partitioned staging model no month was built for is the empty table its SQL makes
    found |= {f"staging.{name}": (f"no month built/{_sql_digest(partitioned[name])}", None, None)
              for name in by_month if f"staging.{name}" not in found}
    needed = [*wanted, *(f"staging.{name}" for name in by_month)]
    versions = [f"{name}={found[name][0]}" for name in sorted(needed) if name in found and found[name][0]]
    last = found.get(model.table)
    return ("\n".join(versions) if len(versions) == len(needed) else None,
            (last[1], last[2]) if last else None)


@lru_cache(maxsize=1)
def _partitioned_names() -> dict[str, SqlModel]:
    return {m.name: m for m in discover() if m.partition_column}


def _record_model_build(con, model: SqlModel, inputs: str | None) -> None:
    """The build's row in staging._model_builds (inside the build's transaction)."""
    table = f'{model.layer}."{model.name}"'
    rows = scalar(con, f"select count(*) from {table}")
    version = None
    if rows <= SMALL_TABLE:
        columns = ",".join(f"{name} {type_}" for name, type_ in _columns(con, table))
        version = f"{rows}/{scalar(con, f'select sum(hash(t)) from {table} as t')}/{columns}"
    con.execute("insert or replace into staging._model_builds values "
                "(?, current_timestamp, ?, ?, coalesce(?, gen_random_uuid()::varchar))",
                [model.table, _sql_digest(model), inputs, version])


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
