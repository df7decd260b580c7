"""The publication boundary (sources/publication.yaml): every table or file that leaves the
warehouse, with the disclosure rule of every column. Exports and reports read through it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

BOUNDARY_PATH = Path(__file__).resolve().parents[1] / "sources" / "publication.yaml"
RULES = ("key", "count", "count_exact", "ratio", "mean", "amount", "derived", "flag", "reference",
         "operational")


class NotPublished(PermissionError):
    """A table outside the publication boundary was about to leave the warehouse."""


@dataclass(frozen=True)
class PublishedTable:
    name: str                      # 'schema.table'
    export: bool
    report: bool
    columns: dict[str, str]        # column → rule; empty when all_columns is set
    all_columns: str | None = None

    def rule(self, column: str) -> str | None:
        return self.all_columns or self.columns.get(column)


@lru_cache(maxsize=2)
def _load(path: str, mtime: float) -> dict[str, PublishedTable]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    tables = {}
    for name, spec in raw["tables"].items():
        columns = dict(spec.get("columns") or {})
        everything = spec.get("all_columns")
        if not name.count(".") == 1 or bool(columns) == bool(everything):
            raise ValueError(f"{name}: give 'schema.table' and either columns or all_columns")
        unknown = {r for r in [*columns.values(), everything] if r} - set(RULES)
        if unknown:
            raise ValueError(f"{name}: unknown rules {sorted(unknown)}; rules are {', '.join(RULES)}")
        tables[name] = PublishedTable(name, bool(spec["export"]), bool(spec["report"]), columns,
                                      everything)
    return tables


def boundary(path: Path = BOUNDARY_PATH) -> dict[str, PublishedTable]:
    return _load(str(path), path.stat().st_mtime)


def exported() -> list[str]:
    """The marts written to exports/marts/<name>.parquet (names without the schema)."""
    return [t.name.split(".", 1)[1] for t in boundary().values() if t.export]


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
