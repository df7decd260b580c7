"""Reference geography: the CBS buurt dimension from the shipped real data."""

import dagster as dg

from assets.metadata import table_metadata
from engine.resources import WarehouseResource
from engine.warehouse import first_row, scalar
from sources.geography import load_rotterdam_buurten, to_arrow_table

WAREHOUSE_POOL = "warehouse"


def yaml_config_asset(name: str, keys: dict[str, dg.AssetKey], files: dict, descriptions: dict,
                      load, write_tables) -> dg.AssetsDefinition:
    """One multi-asset that checks a YAML configuration (`load`) and writes it to core tables
    (`write_tables(con, config)` → rows per table); a broken file fails here, naming the entry.
    `keys`, `files` and `descriptions` are per table."""
    @dg.multi_asset(
        name=name,
        specs=[dg.AssetSpec(key, group_name="core", description=descriptions[table],
                            metadata={"yaml": dg.MetadataValue.path(str(files[table]))})
               for table, key in keys.items()],
        pool=WAREHOUSE_POOL,
    )
    def _config_tables(warehouse: WarehouseResource):
        config = load()
        with warehouse.connect() as con:
            tables = write_tables(con, config)
            metadata = {table: table_metadata(con, ".".join(keys[table].path)) for table in tables}
        for table in tables:
            yield dg.MaterializeResult(asset_key=keys[table], metadata=metadata[table])

    return _config_tables


@dg.asset(key=["core", "dim_buurt"], group_name="core", pool=WAREHOUSE_POOL,
          description="CBS buurten 2022 of Rotterdam (EPSG:28992, repaired) with KWB 2025 "
                      "inhabitants and households. Bron: CBS (CC BY 4.0).")
def dim_buurt(warehouse: WarehouseResource) -> dg.MaterializeResult:
    buurten = to_arrow_table(load_rotterdam_buurten())
    with warehouse.connect() as con:
        con.execute("create or replace table core.dim_buurt as select * from buurten")
        missing = scalar(con, "select count(*) from core.dim_buurt where inwoners is null")
        return dg.MaterializeResult(metadata={"without_inhabitants": missing,
                                              **table_metadata(con, "core.dim_buurt")})


@dg.asset_check(pool=WAREHOUSE_POOL, asset=dim_buurt, blocking=True, description="Every buurt code is a valid CBS code, once.")
def dim_buurt_codes_valid(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        bad, dupes = first_row(con, """
            select count(*) filter (where not regexp_full_match(buurtcode, '^BU[0-9]{4}[0-9A-Z]{4}$')),
                   count(*) - count(distinct buurtcode)
            from core.dim_buurt""")
    return dg.AssetCheckResult(passed=bad == 0 and dupes == 0,
                               metadata={"invalid_codes": bad, "duplicate_codes": dupes})
