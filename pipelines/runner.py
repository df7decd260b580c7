"""One whole run, as `wijkwijzer run` does it: the intake, then the staging months that are stale,
then what the daemon's automation would build, until a tick requests nothing (see _automation_ticks).

Stale months come from the warehouse (loads newer than the partition's last build), not from
Dagster's event log, so a run killed between the intake and staging is caught up by the next; the
intake announces those months as changed too, so the daemon sees the same months. Everything after
that is decided by the same automation conditions the daemon evaluates (pipelines/automation.py):
the CLI and the daemon share one notion of what is stale, and a CLI run leaves the daemon nothing
to redo (Dagster's conditions compare update times, so an asset built after its inputs is done).
Only after the last tick does the CLI look at build times itself: what is above a month but was
last built by a run that started before that month's last build is built then (a change the
conditions lost, see _behind_a_month_below), which the conditions would have asked for.

Tests and benchmarks build tables the same way (`materialize_tables`): a selection of the same
definitions, so there is one graph, walked by Dagster only.
"""
from __future__ import annotations

import dataclasses
import gc
import logging
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterable

import dagster as dg
from dagster._core.definitions.asset_daemon_cursor import AssetDaemonCursor
from dagster._core.definitions.declarative_automation.automation_condition_evaluator import (
    AutomationConditionEvaluator,
)
from dagster._core.definitions.declarative_automation.automation_condition_tester import (
    EvaluateAutomationConditionsResult,
)
from dagster._core.definitions.partitions.context import partition_loading_context
from dagster._serdes import deserialize_value, serialize_value

from engine.home import DataHome
from engine.partitions import contiguous_ranges
from engine.resources import WarehouseResource, resources_for
from engine.sqlmodels import stale_staging
from engine.warehouse import open_warehouse
from pipelines.definitions import build_definitions
from pipelines.sensors import ALL_JOB, INTAKE_JOB
from sources.contracts import load_registry

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
# The CLI's own automation cursor, in the instance's key-value store: what it has already handled.
CURSOR_KEY = "wijkwijzer/cli_automation_cursor"
MAX_TICKS = 10  # after a change a run takes two ticks (build, then nothing left), three when the first built months


@dataclass
class PipelineRun:
    results: list[dg.ExecuteInProcessResult] = field(default_factory=list)
    staging_months: dict[str, list[str]] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def intake_run_id(self) -> str:
        return self.results[0].run_id

    @property
    def run_ids(self) -> list[str]:
        return [r.run_id for r in self.results]

    @property
    def failed_steps(self) -> list[str]:
        return [e.step_key for r in self.results for e in r.all_events if e.is_step_failure]

    def add(self, result: dg.ExecuteInProcessResult) -> bool:
        self.results.append(result)
        return result.success


def _month_ranges(months_by_key: dict[dg.AssetKey, list[str]]):
    """(keys, first, last): one single run per range of consecutive months, as a backfill does."""
    months = [m for ms in months_by_key.values() for m in ms]
    for first, last in contiguous_ranges(months):
        yield [k for k, ms in months_by_key.items() if any(first <= m <= last for m in ms)], first, last


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for a burst of short-lived objects, on again after
    it (what the burst left in cycles is collected then). A tick builds a tree of evaluations
    for 5,300 condition nodes and a cursor of 1.7 MB from it; the full collections that set off,
    each over the half a million objects of the loaded definitions, took 0.05-0.9 s of a tick of
    0.7-1.8 s. Paused, a tick takes 0.6-0.7 s and the process grows by about 5 MB."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _load_cursor(instance: dg.DagsterInstance) -> AssetDaemonCursor | None:
    stored = instance.run_storage.get_cursor_values({CURSOR_KEY}).get(CURSOR_KEY)
    with _collector_paused():
        return deserialize_value(stored, AssetDaemonCursor) if stored else None


def _save_cursor(instance: dg.DagsterInstance, cursor: AssetDaemonCursor) -> None:
    with _collector_paused():
        serialized = serialize_value(cursor)
    instance.run_storage.set_cursor_values({CURSOR_KEY: serialized})


def _evaluate(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: AssetDaemonCursor | None):
    with warnings.catch_warnings(), _collector_paused():
        warnings.simplefilter("ignore", dg.BetaWarning)  # Dagster's evaluator warns about its own beta parameter
        return _tick(defs.resolve_asset_graph(), instance, cursor)


def _tick(graph, instance: dg.DagsterInstance, cursor: AssetDaemonCursor | None) -> EvaluateAutomationConditionsResult:
    """`dg.evaluate_automation_conditions` without its test-only round trip of the cursor through
    its serialized form ("to simulate actual usage"); the CLI already reads the cursor from its
    serialized form and writes it back. A tick on the demo's instance took 0.48-0.55 s against
    0.58-0.83 s; a corrected month's two ticks 1.2-1.6 s against 1.8-2.1 s. Every automated asset
    and check, as there. Dagster's own (private) classes, of the pinned 1.13: a test holds this
    to the public function tick by tick. The cursor is copied first: Dagster caches a lookup on
    the cursor it reads, which its serializer cannot then write."""
    cursor = dataclasses.replace(cursor) if cursor else AssetDaemonCursor.empty()
    automated = {key for key in graph.get_all_asset_keys() | graph.asset_check_keys
                 if graph.get(key).automation_condition is not None} | graph.automatable_asset_job_keys
    evaluator = AutomationConditionEvaluator(
        asset_graph=graph, instance=instance, entity_keys=automated, emit_backfills=False, cursor=cursor,
        evaluation_id=cursor.evaluation_id, logger=logging.getLogger("wijkwijzer.automation"))
    results, requested = evaluator.evaluate()
    with partition_loading_context(dynamic_partitions_store=instance) as context:
        return EvaluateAutomationConditionsResult(
            cursor=cursor.with_updates(
                evaluation_timestamp=time.time(), newly_observe_requested_asset_keys=[],
                evaluation_id=cursor.evaluation_id + 1, asset_graph=graph,
                condition_cursors=[result.get_new_cursor() for result in results]),
            requested_subsets=requested, results=results, partition_loading_context=context)


def note_automation_state(defs: dg.Definitions, instance: dg.DagsterInstance) -> None:
    """Take the automation's first note of an instance whose assets a caller built itself (the
    bench builds every asset in one run, around its own buurt map), without running anything:
    the next `run_pipeline` then rebuilds only what changes after this. (A later evaluation would
    request work: only the first one, which requests nothing, may be taken without running it.)"""
    if _load_cursor(instance) is None:
        _save_cursor(instance, _evaluate(defs, instance, None).cursor)


def _automation_ticks(defs: dg.Definitions, instance: dg.DagsterInstance, run: PipelineRun, options: dict,
                      tags: dict) -> None:
    """Evaluate the automation conditions and run what they request, until a tick requests
    nothing. The cursor is saved at that tick only: a run killed before it is evaluated again from
    where the last finished run left it, and builds once more what it had built. (Writing the
    1.7 MB cursor took 0.15 s a tick in the city, one tick in two of a corrected month.)"""
    graph = defs.resolve_asset_graph()
    every_asset = defs.resolve_implicit_global_asset_job_def()
    cursor = _load_cursor(instance)
    if cursor is None:
        # Dagster's first evaluation only takes note of the state (it requests nothing), so the
        # first run on an instance builds every unpartitioned asset, then takes that note.
        if not run.add(defs.resolve_job_def(ALL_JOB).execute_in_process(tags=tags, **options)):
            return
    for _ in range(MAX_TICKS):
        tick = _evaluate(defs, instance, cursor)
        requested = {key: tick.get_requested_partitions(key) for key in graph.get_all_asset_keys()}
        by_month = {k: sorted(p for p in ps if p) for k, ps in requested.items() if ps and None not in ps}
        whole = {k for k, ps in requested.items() if None in ps}
        # Checks requested on their own (freshness), with every check of the assets built.
        checks = {r.key for r in tick.results if isinstance(r.key, dg.AssetCheckKey) and r.true_subset.size}
        checks |= {key for key in graph.asset_check_keys if key.asset_key in whole}
        for keys, first, last in _month_ranges(by_month):
            if not run.add(every_asset.get_subset(asset_selection=set(keys)).execute_in_process(
                    tags={**tags, RANGE_START: first, RANGE_END: last}, **options)):
                return
            for key in keys:
                run.staging_months.setdefault(key.path[-1], []).extend(
                    m for m in by_month[key] if first <= m <= last)
        if whole or checks:
            if not run.add(every_asset.get_subset(asset_selection=whole, asset_check_selection=checks)
                           .execute_in_process(tags=tags, **options)):
                return
        cursor = tick.cursor
        if not (by_month or whole or checks):
            _save_cursor(instance, cursor)
            # The run ends on a tick that requests nothing, as the daemon's next tick would be. A
            # tick that requested something must be followed by one that sees those requests:
            # a change below is forgotten when the same evaluation also sees the asset's last
            # request (pipelines/automation.py, HANDLED), so the next run's first tick would take
            # a new correction below for this run's request and build nothing above it.
            behind = _behind_a_month_below(graph, instance)
            if not behind:
                return
            # Should a saved cursor hold such a request all the same (the CLI saved every tick's
            # cursor before, and a run killed before its closing tick left one), what is above a
            # month built after it is built here, and the next tick sees it.
            checks = {key for key in graph.asset_check_keys if key.asset_key in behind}
            if not run.add(every_asset.get_subset(asset_selection=behind, asset_check_selection=checks)
                           .execute_in_process(tags=tags, **options)):
                return
    raise RuntimeError(f"Automation did not settle after {MAX_TICKS} evaluations.")


def _behind_a_month_below(graph, instance: dg.DagsterInstance) -> set[dg.AssetKey]:
    """The unpartitioned assets (and all above them) last built by a run that started before the
    latest build of a month below them: a change the automation lost, whatever lost it. Read from
    the instance's latest materializations, not from the automation's memory of them."""
    automated = {key for key in graph.get_all_asset_keys() if graph.get(key).automation_condition is not None}
    months = [key for key in automated if graph.get(key).partitions_def is not None]

    def above(keys) -> set[dg.AssetKey]:
        return {key for key in dg.AssetSelection.assets(*keys).downstream(include_self=False).resolve(graph)
                if key in automated and graph.get(key).partitions_def is None}

    last = {record.asset_entry.asset_key: record.asset_entry.last_materialization_record
            for record in instance.get_asset_records([*months, *above(months)])}
    started: dict[str, float] = {}

    def run_started(run_id: str) -> float:  # a run deleted from the instance: as if long ago
        if run_id not in started:
            record = instance.get_run_record_by_id(run_id)
            started[run_id] = (record.start_time if record else None) or 0.0
        return started[run_id]

    behind = {key for month in months if last.get(month) for key in above([month])
              if last.get(key) and run_started(last[key].run_id) < last[month].timestamp}
    behind |= above(behind) if behind else set()
    # with the tables that one step builds together (a YAML file of models cannot be subset)
    return {other for key in behind for other in graph.get(key).execution_set_asset_keys}


def run_pipeline(defs: dg.Definitions, instance: dg.DagsterInstance, home, tags: dict | None = None,
                 run_config: dict | None = None, stages: tuple[str, ...] = ("intake", "staging", "rest"),
                 on_stage=None) -> PipelineRun:
    """Run the stages in order; a failed stage stops the ones after it (what they read is suspect).
    `on_stage(name)` is called as each stage starts (the CLI's progress)."""
    run = PipelineRun()
    tags = tags or {}
    options = {"instance": instance, "raise_on_error": False, "run_config": run_config}
    announce = on_stage or (lambda name: None)
    if "intake" in stages:
        announce("intake")
        if not run.add(defs.resolve_job_def(INTAKE_JOB).execute_in_process(tags=tags, **options)):
            return run
    if "staging" in stages:
        announce("staging")
        with open_warehouse(home.warehouse) as con:
            stale = {dg.AssetKey(["staging", model.name]): months for model, months in stale_staging(con, load_registry()).items()}
        run.staging_months = {key.path[-1]: list(months) for key, months in stale.items()}
        every_asset = defs.resolve_implicit_global_asset_job_def()
        for keys, first, last in _month_ranges(stale):
            if not run.add(every_asset.execute_in_process(
                    asset_selection=keys, tags={**tags, RANGE_START: first, RANGE_END: last}, **options)):
                return run
    if "rest" in stages:
        announce("models, marts and reports")
        _automation_ticks(defs, instance, run, options, tags)
    return run


# What a caller of `materialize_tables` has written itself: the partner data (raw and staging, by
# hand or through the intake) and its own buurt map.
PROVIDED = ("raw", "staging", "core.dim_buurt")


@cache
def _production_definitions() -> dg.Definitions:
    return build_definitions(DataHome(Path(".")))  # resources are bound per call below


def tables_to_build(defs: dg.Definitions, targets: Iterable[str], provided: Iterable[str] = PROVIDED
                    ) -> set[dg.AssetKey]:
    """The `targets` ('layer.name') and what they need, upstream until a `provided` table ('layer.name')
    or group ('raw'): what the caller wrote is not rebuilt, nor what only it needs. A multi-asset
    that cannot be subset (one YAML file, many tables) is built whole."""
    graph = defs.resolve_asset_graph()
    groups = {t for t in provided if "." not in t}
    given = {dg.AssetKey(t.split(".")) for t in provided if "." in t}
    keys: set[dg.AssetKey] = set()
    todo = [dg.AssetKey(t.split(".")) for t in targets]
    while todo:
        key = todo.pop()
        node = graph.get(key)
        if key in keys or key in given or node.group_name in groups or not node.is_materializable:
            continue
        keys.add(key)
        todo.extend(node.parent_keys)
    keys |= {key for a in defs.assets if isinstance(a, dg.AssetsDefinition) and not a.can_subset
             and a.keys & keys for key in a.keys}
    return keys


def materialize_tables(warehouse: str | Path, targets: Iterable[str], provided: Iterable[str] = PROVIDED,
                       home: DataHome | None = None, checks: bool = False,
                       instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Build the tables `targets` and what they need (`tables_to_build`) in one in-process run of the
    production definitions: their assets, dependencies and order. With `checks`, the asset checks
    of the assets built run too. The warehouse may be open in this process (DuckDB shares it)."""
    defs = _production_definitions()
    selection = dg.AssetSelection.assets(*tables_to_build(defs, targets, provided))
    if not checks:
        selection = selection - dg.AssetSelection.all_asset_checks()
    home = home or DataHome(Path(warehouse).parent)
    return dg.materialize([*defs.assets, *defs.asset_checks], selection=selection,
                          instance=instance or dg.DagsterInstance.ephemeral(),
                          resources={**resources_for(home), "warehouse": WarehouseResource(path=str(warehouse))})


def step_seconds(result: dg.ExecuteInProcessResult) -> dict[str, float]:
    """Seconds per table built in a run ('layer.name', in the order Dagster built them); the tables
    of one multi-asset step share its time."""
    durations = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.get_step_success_events()}
    return {".".join(e.asset_key.path): round(durations.get(e.step_key, 0.0), 3)
            for e in result.get_asset_materialization_events()}
