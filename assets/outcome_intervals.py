"""Bootstrap intervals for the cost per outcome: what SQL cannot do in one statement.

The cost per outcome of a cell is a ratio of two sums over the same persons (their costs, their
successes), so its uncertainty comes from which persons happened to be in the cohort. A
percentile bootstrap over persons (scipy.stats.bootstrap, paired, vectorised) resamples the
decided persons of a cell with replacement and recomputes the ratio. Seeded per cell from the
configured seed and the cell's key, so a rebuild, or a different cell order, gives the same
interval. City totals only (area 'totaal'): per buurt the cells are too small to mean anything.

Writes core.cost_per_outcome_intervals (programme, cohort, outcome_id, n_persons,
cost_per_outcome_low_eur, cost_per_outcome_high_eur); core.cost_per_outcome_cells joins it.
"""
from __future__ import annotations

import warnings
import zlib

import dagster as dg
import numpy as np
import polars as pl

from assets.metadata import table_metadata
from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from engine.warehouse import first_row

TABLE = "core.cost_per_outcome_intervals"
KEY = ("programme", "cohort", "outcome_id")
SCHEMA = {"programme": pl.String, "cohort": pl.String, "outcome_id": pl.String,
          "n_persons": pl.Int64, "cost_per_outcome_low_eur": pl.Float64,
          "cost_per_outcome_high_eur": pl.Float64}

# The decided persons of every programme and comparison cell, in their quarter and their pool:
# the same population and costs as core.outcome_cells at area 'totaal'.
PERSONS = """
    select programme, cohort, outcome_id, status = 'success' as success, cost_total_eur
    from core.person_outcomes
    where observed_from_start and programme_role in ('programme', 'comparison')
        and status in ('success', 'failure')
    union all
    select programme, cohort_pool, outcome_id, status = 'success', cost_total_eur
    from core.person_outcomes
    where observed_from_start and programme_role in ('programme', 'comparison')
        and status in ('success', 'failure')
"""


def _ratio(costs: np.ndarray, successes: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return costs.sum(axis=axis) / successes.sum(axis=axis)


def _seed(seed: int, key: tuple[str, ...]) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("\x1f".join(key).encode())])


def interval(costs: np.ndarray, successes: np.ndarray, *, replicates: int, seed: int,
             key: tuple[str, ...], confidence: float) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval of sum(costs) / sum(successes) over persons; None where
    it cannot be given (fewer than 2 persons, no success, or resamples without a success
    pushing a bound to infinity)."""
    if costs.size < 2 or successes.sum() == 0:
        return None, None
    from scipy.stats import bootstrap  # here, not at the top: the import costs every process ~1 s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate samples (all equal) are handled below
        result = bootstrap((costs, successes.astype(float)), _ratio, paired=True, vectorized=True,
                           n_resamples=replicates, confidence_level=confidence,
                           method="percentile", rng=_seed(seed, key))
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    return (low if np.isfinite(low) else None), (high if np.isfinite(high) else None)


def cost_per_outcome_intervals(persons: pl.DataFrame, *, replicates: int, seed: int,
                               confidence: float) -> pl.DataFrame:
    rows = []
    # The resampling draws positions, so the persons of a cell are put in one order (the query
    # returns them in whatever order its threads finish): persons equal in both are interchangeable.
    for key, group in persons.sort([*KEY, "success", "cost_total_eur"]).group_by(KEY, maintain_order=True):
        costs = group["cost_total_eur"].cast(pl.Float64).to_numpy()
        successes = group["success"].cast(pl.Int8).to_numpy()
        low, high = interval(costs, successes, replicates=replicates, seed=seed,
                             key=tuple(str(k) for k in key), confidence=confidence)
        rows.append({**dict(zip(KEY, key)), "n_persons": group.height,
                     "cost_per_outcome_low_eur": low, "cost_per_outcome_high_eur": high})
    return pl.DataFrame(rows, schema=SCHEMA, orient="row") if rows else pl.DataFrame(schema=SCHEMA)


def write_intervals(con) -> int:
    """(Re)build core.cost_per_outcome_intervals from core.person_outcomes; returns its rows."""
    replicates, seed, confidence = first_row(
        con, "select bootstrap_replicates, bootstrap_seed, confidence from core.outcome_settings")
    frame = cost_per_outcome_intervals(con.sql(PERSONS).pl(), replicates=replicates, seed=seed,
                                       confidence=confidence)
    con.register("_intervals", frame.to_arrow())
    try:
        con.execute(f"create or replace table {TABLE} as select * from _intervals")
    finally:
        con.unregister("_intervals")
    return frame.height


@dg.asset(key=TABLE.split("."), group_name="core", pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(["core", "person_outcomes"]), dg.AssetKey(["core", "outcome_settings"])],
          description="Percentile bootstrap interval over persons for the cost per outcome of "
                      "every programme and comparison cohort (quarter and pool), city totals "
                      "(assets/outcome_intervals.py).")
def cost_per_outcome_intervals_table(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        write_intervals(con)
        return dg.MaterializeResult(metadata=table_metadata(con, TABLE))
