"""The publication boundary (sources/publication.yaml): every table or file that leaves the
warehouse, with the disclosure rule of every column. Exports and reports read through it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.yaml_files import read_yaml

BOUNDARY_PATH = Path(__file__).resolve().parents[1] / "sources" / "publication.yaml"
# Which rows leave the warehouse, per table (`rows:` in sources/publication.yaml; all when absent).
# visible_below_city: a table whose rows exist only where someone is (a programme's entries per
# buurt and quarter) would say "someone is here" with every suppressed buurt or wijk row, so those
# rows stay inside; a reader cannot tell an absent row (nobody) from a hidden one.
ROW_RULES = {"visible_below_city": "not (suppressed and area_level in ('buurt', 'wijk'))"}
# The rules, as the catalogue (the Dagster UI's column descriptions) says them: the header of
# sources/publication.yaml in one line each.
RULES = {
    "key": "identifies the cell (area, period, indicator, programme, cohort, outcome); public",
    "count": "a count of persons, tenancies, homes, events or respondents: empty where suppressed "
             "(1-9 persons, complementary cells, the attacker's audit); rounded to 5",
    "count_exact": "a count published unrounded for an exact ratio: empty where suppressed, "
                   "every 1-9 hidden",
    "ratio": "computed only from the published counts of the same row",
    "mean": "a mean of euros or marks, published without its sum, rounded to a grain one person "
            "stays open in between releases; empty where suppressed",
    "amount": "euros summed over the cell's persons, rounded to the grain of the largest amount one "
              "person adds; empty where suppressed",
    "derived": "computed from other published values only",
    "flag": "whether the row is suppressed (never why)",
    "reference": "public open data or configuration",
    "operational": "delivery metadata; nothing about persons",
}
# The declared type of a column a report reads, and the DuckDB types each one admits: a family,
# so a round() that turns DOUBLE into DECIMAL is not a break, but text where a number was is.
TYPES = {
    "text": ("VARCHAR",),
    "integer": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                "UINTEGER", "UBIGINT"),
    "number": ("DOUBLE", "FLOAT", "DECIMAL"),
    "boolean": ("BOOLEAN",),
    "date": ("DATE",),
    "timestamp": ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE"),
    "bytes": ("BLOB",),
    "json": ("JSON", "VARCHAR"),
}


class NotPublished(PermissionError):
    """A table outside the publication boundary was about to leave the warehouse."""


class ContractBroken(RuntimeError):
    """A published table lacks a declared column or holds it in another type."""


@dataclass(frozen=True)
class PublishedTable:
    name: str                      # 'schema.table'
    export: bool
    report: bool
    columns: dict[str, str]        # column → rule; empty when all_columns is set
    all_columns: str | None = None
    types: dict[str, str] | None = None  # column → one of TYPES; every column of a report table
    rows: str | None = None        # a key of ROW_RULES: which rows leave the warehouse

    def rule(self, column: str) -> str | None:
        return self.all_columns or self.columns.get(column)


@lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> dict[str, PublishedTable]:
    raw = read_yaml(path)
    tables = {}
    for name, spec in raw["tables"].items():
        # a column is `rule` or `[rule, type]`; all_columns tables list their typed columns apart
        columns, types = {}, dict(spec.get("types") or {})
        for column, declared in (spec.get("columns") or {}).items():
            rule, *typed = declared if isinstance(declared, list) else [declared]
            columns[column] = rule
            if typed:
                types[column] = typed[0]
        everything = spec.get("all_columns")
        if not name.count(".") == 1 or bool(columns) == bool(everything):
            raise ValueError(f"{name}: give 'schema.table' and either columns or all_columns")
        unknown = {r for r in [*columns.values(), everything] if r} - set(RULES)
        if unknown:
            raise ValueError(f"{name}: unknown rules {sorted(unknown)}; rules are {', '.join(RULES)}")
        wrong = {t for t in types.values() if t not in TYPES}
        if wrong:
            raise ValueError(f"{name}: unknown types {sorted(wrong)}; types are {', '.join(TYPES)}")
        untyped = [c for c in columns if c not in types]
        if spec["report"] and (untyped or not types):
            raise ValueError(f"{name}: a table reports read declares the type of every column "
                             f"(missing: {', '.join(untyped) or 'all'})")
        if spec.get("rows") is not None and spec["rows"] not in ROW_RULES:
            raise ValueError(f"{name}: unknown rows rule {spec['rows']!r}; rules are {', '.join(ROW_RULES)}")
        tables[name] = PublishedTable(name, bool(spec["export"]), bool(spec["report"]), columns,
                                      everything, types or None, spec.get("rows"))
    return tables


def boundary(path: Path = BOUNDARY_PATH) -> dict[str, PublishedTable]:
    return _load(str(path), path.stat().st_mtime)


def column_descriptions(table: str) -> dict[str, str]:
    """Per column of a published `table`: its disclosure rule in words (none for other tables)."""
    declared = boundary().get(table)
    if declared is None:
        return {}
    return {column: f"{rule}: {RULES[rule]}" for column, rule in declared.columns.items()}


def exported() -> list[str]:
    """The marts written to exports/marts/<name>.parquet (names without the schema)."""
    return [t.name.split(".", 1)[1] for t in boundary().values() if t.export]


def rows_leaving(table: str) -> str:
    """The SQL condition on the rows of `table` that may leave the warehouse ('true': all)."""
    declared = boundary().get(table)
    return ROW_RULES[declared.rows] if declared is not None and declared.rows else "true"


def require(table: str) -> str:
    """`table` when a report may read it; raises NotPublished otherwise."""
    declared = boundary().get(table)
    if declared is None or not declared.report:
        raise NotPublished(f"{table} is not inside the publication boundary "
                           "(sources/publication.yaml) for reports")
    return table


def undeclared_columns(table: str, columns: list[str]) -> list[str]:
    """Columns of a published table that carry no rule (a test fails on any)."""
    declared = boundary().get(table)
    if declared is None:
        return list(columns)
    return [c for c in columns if declared.rule(c) is None]


def _duckdb_family(data_type: str) -> str:
    """'DECIMAL(18,3)' → 'DECIMAL', 'VARCHAR[]' stays a list (no family admits it)."""
    return data_type.split("(", 1)[0].strip().upper()


def schema_problems(con, table: str) -> list[str]:
    """What the warehouse's `table` breaks of its declared columns and types: a missing table, a
    missing column, or a column of another type. Empty when it keeps the contract."""
    declared = boundary().get(table)
    if declared is None or not declared.types:
        return [f"{table}: no typed columns declared in sources/publication.yaml"]
    schema, name = table.split(".", 1)
    found = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_schema = ? and table_name = ?", [schema, name]).fetchall())
    if not found:
        return [f"{table}: the table does not exist"]
    problems = []
    for column, kind in declared.types.items():
        if column not in found:
            problems.append(f"{table}.{column}: missing (declared {kind})")
        elif _duckdb_family(found[column]) not in TYPES[kind]:
            problems.append(f"{table}.{column}: {found[column]}, declared {kind}")
    return problems


def read(con, table: str, where: str = "", params: list | None = None, order_by: str = "",
         columns: list[str] | None = None, distinct: bool = False) -> list[dict]:
    """The declared columns (all, or `columns`) of a report table as dicts, after checking the
    warehouse keeps the contract: a missing or retyped column raises ContractBroken (never a
    blank substitute), and so does asking for a column the contract does not declare. `where` and
    `order_by` are SQL written in code; values go in `params`."""
    declared = boundary().get(require(table))
    problems = schema_problems(con, table)
    wanted = list(columns or declared.types)
    problems += [f"{table}.{c}: not declared" for c in wanted if c not in declared.types]
    if problems:
        raise ContractBroken("; ".join(problems))
    schema, name = table.split(".", 1)
    selected = ", ".join(f'"{c}"' for c in wanted)
    sql = f'select {"distinct " if distinct else ""}{selected} from "{schema}"."{name}"'
    sql += f" where ({rows_leaving(table)})" + (f" and ({where})" if where else "")
    sql += f" order by {order_by}" if order_by else ""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
