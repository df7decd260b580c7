"""SQL models: one `select` per file under sql/<layer>/<name>.sql becomes table <layer>.<name>.

Dependencies are read from the SQL itself (every `<layer>.<table>` it mentions), so adding a
model is adding a file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.warehouse import LAYERS, scalar

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
MODEL_LAYERS = ("staging", "core", "marts")
_REFERENCE = re.compile(r"\b(" + "|".join(LAYERS) + r")\.\"?([a-z0-9_]+)\"?", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")


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
            lines.append(line.lstrip("- ").rstrip())
        return " ".join(lines)

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
    con.execute("begin transaction")
    try:
        con.execute(f'create or replace table {model.layer}."{model.name}" as\n{model.sql}')
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return scalar(con, f'select count(*) from {model.layer}."{model.name}"')
