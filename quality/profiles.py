"""Per-delivery profiles: the partner's own history that each new delivery is held against.

At load, one row per delivery goes into `raw.delivery_profiles` (in the load's transaction):
its row count, the share of empty values per optional column, the share of each value per
category column and the mean per amount column. Only aggregates: no value of a row. The Great
Expectations history checks (quality/gx_bridge.py) read the last deliveries from here, never
old files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb

from engine.warehouse import first_row
from quality.contract_sql import quote
from sources.contracts import Contract

PROFILES_DDL = """
create table if not exists raw.delivery_profiles (
    sha256 varchar, partner varchar, dataset varchar, period varchar, loaded_at timestamptz,
    rows bigint, empty_shares json, category_shares json, means json
)"""
NUMERIC_TYPES = ("amount", "decimal")


@dataclass(frozen=True)
class Profile:
    rows: int
    empty_shares: dict[str, float]                 # optional column → share of empty values
    category_shares: dict[str, dict[str, float]]   # category column → value → share of non-empty
    means: dict[str, float | None]                 # amount column → mean


def empty_columns(contract: Contract) -> list[str]:
    """Columns whose share of empty values can move: the optional ones."""
    return [c.name for c in contract.columns if not c.required]


def category_columns(contract: Contract) -> list[str]:
    return [c.name for c in contract.columns if c.type == "category" and c.values]


def mean_columns(contract: Contract) -> list[str]:
    return [c.name for c in contract.columns if c.type in NUMERIC_TYPES]


def history_frame_sql(contract: Contract) -> str:
    """The select list a delivery's GX history batch needs (amounts as double for pandas)."""
    numeric = mean_columns(contract)
    columns = sorted(set(empty_columns(contract) + category_columns(contract) + numeric))
    return ", ".join(f"{quote(c)}::double as {quote(c)}" if c in numeric else quote(c)
                     for c in columns) or "1 as _one"


def profile_of(con: duckdb.DuckDBPyConnection, relation: str, contract: Contract,
               where: str = "true", params: list | None = None) -> Profile:
    """The profile of the rows of `relation` matching `where` (typed contract columns), in one scan."""
    empties, means, categories = empty_columns(contract), mean_columns(contract), category_columns(contract)
    parts = ["count(*)"]
    parts += [f"coalesce(avg(({quote(c)} is null)::int), 0)" for c in empties]
    parts += [f"avg({quote(c)})::double" for c in means]
    parts += [f"histogram({quote(c)})" for c in categories]  # value → count, empty values left out
    row = first_row(con, f"select {', '.join(parts)} from {quote(relation)} where {where}", params)
    values = list(row[1:])
    shares = {}
    for column, counts in zip(categories, values[len(empties) + len(means):]):
        total = sum((counts or {}).values())
        shares[column] = {value: n / total for value, n in counts.items()} if total else {}
    return Profile(row[0], dict(zip(empties, values)), shares,
                   dict(zip(means, values[len(empties):len(empties) + len(means)])))


def write_profile(con: duckdb.DuckDBPyConnection, profile: Profile, sha256: str, partner: str,
                  dataset: str, period: str, loaded_at: datetime) -> None:
    con.execute("delete from raw.delivery_profiles where sha256 = ?", [sha256])
    con.execute("insert into raw.delivery_profiles values (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        sha256, partner, dataset, period, loaded_at, profile.rows, json.dumps(profile.empty_shares),
        json.dumps(profile.category_shares), json.dumps(profile.means)])


def history(con: duckdb.DuckDBPyConnection, partner: str, dataset: str, exclude_sha256: str,
            limit: int) -> list[Profile]:
    """The partner's last `limit` loaded deliveries of this dataset, newest first."""
    try:  # cheaper than asking information_schema first, once per delivery
        rows = con.execute("""
            select rows, empty_shares, category_shares, means from raw.delivery_profiles
            where partner = ? and dataset = ? and sha256 <> ?
            order by loaded_at desc limit ?""", [partner, dataset, exclude_sha256, limit]).fetchall()
    except duckdb.CatalogException:  # no delivery profiled yet
        return []
    return [Profile(n, json.loads(e), json.loads(c), json.loads(m)) for n, e, c, m in rows]
