"""What the Dagster UI and catalogue tools read about every asset: group, kinds, owners, and after a
build the table's row count and column schema under Dagster's own keys.

Applied to every asset in one place (pipelines/definitions.py) so an asset module only says what
its asset does.
"""
from __future__ import annotations

import dagster as dg
import duckdb

from engine.warehouse import scalar
from quality.publication import column_descriptions

# Who answers for the warehouse in the catalogue: one team runs it for all partners.
OWNERS = ["team:wijkwijzer-data"]
# Shipped reference data (CBS geography, Leefbaarometer, catalogues and settings from sources/):
# read from the repository, not from a delivery, so drawn left of raw.
REFERENCE_GROUP = "reference"
ROW_COUNT = "dagster/row_count"


def _kinds(spec: dg.AssetSpec) -> set[str]:
    """Every asset is a DuckDB table (reports read one); SQL models are SQL, the rest Python."""
    return {"duckdb", "sql" if "sql" in spec.metadata else "python"}


def _is_reference(spec: dg.AssetSpec) -> bool:
    """Built from files in the repository alone: no upstream asset and not a SQL model."""
    return not spec.deps and "sql" not in spec.metadata and spec.group_name != "raw"


def _described(spec: dg.AssetSpec) -> dg.AssetSpec:
    return spec.replace_attributes(
        kinds=spec.kinds | _kinds(spec), owners=spec.owners or OWNERS,
        group_name=REFERENCE_GROUP if _is_reference(spec) else spec.group_name)


def described(asset: dg.AssetsDefinition | dg.AssetSpec) -> dg.AssetsDefinition | dg.AssetSpec:
    """The asset with its group, kinds and owners as the catalogue shows them."""
    if isinstance(asset, dg.AssetSpec):
        return _described(asset)
    return asset.map_asset_specs(_described)


def table_metadata(con: duckdb.DuckDBPyConnection, table: str, where: str = "",
                   params: list | None = None) -> dict:
    """Row count (of the rows matching `where`, e.g. one month) and column schema of a warehouse
    table `<schema>.<name>`, read back after it was written; a published mart's columns are
    described by their disclosure rule (sources/publication.yaml)."""
    schema, name = table.split(".")
    rules = column_descriptions(table)   # a published mart's columns say their disclosure rule
    columns = [dg.TableColumn(column, data_type, rules.get(column)) for column, data_type in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position", [schema, name]).fetchall()]
    rows = scalar(con, f'select count(*) from "{schema}"."{name}" {where}', params)
    return {ROW_COUNT: dg.MetadataValue.int(int(rows)),
            "dagster/column_schema": dg.TableSchema(columns=columns)}
