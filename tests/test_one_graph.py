"""One graph: tests and benchmarks build tables as selections of the production definitions
(pipelines.runner.materialize_tables), so what they need is read from Dagster's asset graph."""
from __future__ import annotations

import pytest

from pipelines.runner import PROVIDED, _production_definitions, tables_to_build


@pytest.fixture(scope="module")
def defs():
    return _production_definitions()


def names(keys) -> set[str]:
    return {".".join(key.path) for key in keys}


def test_what_a_table_needs_comes_from_the_graph_and_stops_at_what_is_provided(defs):
    everything = names(tables_to_build(defs, ["marts.liveability_index"]))
    assert {"marts.indicator_values_published", "marts.indicator_estimates", "marts.indicator_values",
            "core.indicator_buurt_values", "core.tenancies"} <= everything
    assert not {t for t in everything if t.startswith(("raw.", "staging."))} and "core.dim_buurt" not in everything
    given = names(tables_to_build(defs, ["marts.liveability_index"],
                                  (*PROVIDED, "marts.indicator_values", "core.calendar_periods")))
    assert "marts.indicator_estimates" in given
    assert not {"marts.indicator_values", "core.indicator_buurt_values", "core.tenancies"} & given, \
        "what only the provided table needs is not rebuilt"


def test_a_multi_asset_from_one_file_is_built_whole(defs):
    built = names(tables_to_build(defs, ["core.outcome_definitions"]))
    assert {"core.outcome_definitions", "core.unit_costs", "core.programmes", "core.rate_card"} <= built
