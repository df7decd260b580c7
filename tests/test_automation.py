"""Partitions and declarative automation: a correction to an old month recomputes that month and
what depends on it, and nothing else."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from assets.intake import LEDGER_KEY
from pipelines.definitions import build_definitions
from pipelines import runner
from pipelines.runner import run_pipeline
from pipelines.sensors import INTAKE_JOB
from engine.sqlmodels import discover
from engine.warehouse import open_warehouse
from sources.contracts import load_registry
from tests.conftest import CONTRACTS_HEADER, UNITS_HEADER, contract_rows, units_rows

ARREARS = dg.AssetKey(["staging", "wonen__huurachterstand"])
ARREARS_HEADER = ["contract_id", "maand", "achterstand_eur", "maanden_achterstand"]
MONTHS = ["2025-04", "2025-05", "2025-06"]


def deliver_arrears(deliver, month: str, amount: str = "100,00") -> None:
    deliver("havensteder", f"havensteder__huurachterstand__{month}.csv", ARREARS_HEADER,
            [[f"HC-{i:05d}", month, amount, "1"] for i in range(20)])


@pytest.fixture
def delivered(home, deliver):
    deliver("havensteder", "havensteder__verhuureenheden__2025-06-30.csv", UNITS_HEADER, units_rows())
    deliver("havensteder", "havensteder__huurcontracten__2025-06.csv", CONTRACTS_HEADER, contract_rows())
    for month in MONTHS:
        deliver_arrears(deliver, month)
    return home


def arrears_by_month(home) -> dict[str, tuple]:
    with open_warehouse(home.warehouse, read_only=True) as con:
        return {month: (total, built) for month, total, built in con.execute("""
            select strftime(maand, '%Y-%m'), sum(achterstand_eur), any_value(builds.built_at)
            from staging.wonen__huurachterstand
            join staging._partition_builds as builds
              on builds.model = 'wonen__huurachterstand' and builds.partition = delivery_period
            group by 1""").fetchall()}


def staging_partitions(run) -> set[tuple[str, str | None]]:
    return {(e.asset_key.to_user_string(), e.partition) for r in run.results
            for e in r.get_asset_materialization_events() if e.asset_key.path[0] == "staging"}


def test_a_correction_rebuilds_only_its_month(delivered, deliver):
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    first = run_pipeline(defs, instance, delivered)
    assert first.success and first.staging_months == {"wonen__huurachterstand": MONTHS}
    before = arrears_by_month(delivered)
    deliver_arrears(deliver, "2025-05", amount="250,00")
    second = run_pipeline(defs, instance, delivered)
    assert second.success and second.staging_months == {"wonen__huurachterstand": ["2025-05"]}
    partitioned = {(key, p) for key, p in staging_partitions(second) if p is not None}
    assert partitioned == {("staging/wonen__huurachterstand", "2025-05")}
    after = arrears_by_month(delivered)
    assert {m: total for m, (total, _) in after.items()} == {"2025-04": 2000, "2025-05": 5000, "2025-06": 2000}
    assert after["2025-04"][1] == before["2025-04"][1] and after["2025-06"][1] == before["2025-06"][1]
    assert after["2025-05"][1] > before["2025-05"][1]
    # the same file sent again: a duplicate, which no reader of the ledger looks at, rebuilds nothing
    deliver_arrears(deliver, "2025-05", amount="250,00")
    third = run_pipeline(defs, instance, delivered)
    assert third.success and len(third.results) == 1 and not third.staging_months
    assert arrears_by_month(delivered) == after


def test_a_run_killed_after_the_intake_is_caught_up_by_the_next(delivered):
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered, stages=("intake",)).success  # then "killed"
    caught_up = run_pipeline(defs, instance, delivered)
    assert caught_up.staging_months == {"wonen__huurachterstand": MONTHS}
    assert {m: total for m, (total, _) in arrears_by_month(delivered).items()} == dict.fromkeys(MONTHS, 2000)


def tick_and_run(defs, instance, cursor):
    """One automation tick, as the daemon's sensor does it, then its runs: returns what the tick
    requested as {(key, partition)} and the new cursor."""
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    requested = requested_by(tick, defs.resolve_asset_graph())
    run_requested(defs, instance, requested)
    return requested, tick.cursor


def requested_by(tick, graph) -> set:
    return {(key, p) for key in graph.get_all_asset_keys() for p in tick.get_requested_partitions(key)}


def run_requested(defs, instance, requested: set) -> None:
    every_asset = defs.resolve_implicit_global_asset_job_def()
    for key, partition in sorted((k, p) for k, p in requested if p is not None):
        assert every_asset.execute_in_process(instance=instance, partition_key=partition,
                                              asset_selection=[key]).success
    unpartitioned = [key for key, p in requested if p is None]
    if unpartitioned:
        assert every_asset.execute_in_process(instance=instance, asset_selection=unpartitioned).success


def latest_storage_id(instance, key, partition=None) -> int:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None), limit=1)
    return records.records[0].storage_id


def built_before_the_month(instance, graph, month: str) -> list[str]:
    """The assets above the arrears that were last built before `month` of it was."""
    corrected = latest_storage_id(instance, ARREARS, month)
    above_month = dg.AssetSelection.assets(ARREARS).downstream(include_self=False).resolve(graph)
    return sorted(k.to_user_string() for k in above_month if latest_storage_id(instance, k) < corrected)


def builds_after(instance, graph, storage_id: int) -> Counter:
    """Materializations per asset (and partition) recorded after `storage_id`."""
    built = Counter()
    for key in graph.get_all_asset_keys():
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, after_storage_id=storage_id), limit=100).records
        built.update(f"{key.to_user_string()}[{r.partition_key}]" if r.partition_key else key.to_user_string()
                     for r in records)
    return built


def test_automation_follows_a_correction_to_its_month_and_what_depends_on_it(delivered, deliver):
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    _, cursor = tick_and_run(defs, instance, None)
    deliver_arrears(deliver, "2025-04", amount="300,00")  # an old month, not the latest
    assert defs.resolve_job_def(INTAKE_JOB).execute_in_process(instance=instance).success

    done: set = set()
    for _ in range(5):  # until automation settles
        requested, cursor = tick_and_run(defs, instance, cursor)
        if not requested:
            break
        done |= requested
    assert not requested, "automation settles"
    graph = defs.resolve_asset_graph()
    above_month = dg.AssetSelection.assets(ARREARS).downstream(include_self=False).resolve(graph)
    reads_ledger = dg.AssetSelection.assets(LEDGER_KEY).downstream(include_self=False).resolve(graph)
    assert {(k, p) for k, p in done if p is not None} == {(ARREARS, "2025-04")}, "that month only"
    assert {k for k, p in done if p is None} <= above_month | reads_ledger, "nothing unrelated"
    corrected = latest_storage_id(instance, ARREARS, "2025-04")
    stale = [k.to_user_string() for k in above_month if latest_storage_id(instance, k) < corrected]
    assert not stale, "everything above the corrected month is rebuilt after it"
    assert {m: total for m, (total, _) in arrears_by_month(delivered).items()} == {
        "2025-04": 6000, "2025-05": 2000, "2025-06": 2000}
    intake_done = latest_storage_id(instance, LEDGER_KEY)
    built = builds_after(instance, graph, intake_done)
    assert built and max(built.values()) == 1, f"one delivery builds every asset once: {built}"


def test_a_run_leaves_the_next_evaluation_nothing_to_build(delivered, deliver):
    """A CLI run ends on a tick that requests nothing: the next run's evaluation (from the cursor
    this run saved) must find nothing left of it to build."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    deliver_arrears(deliver, "2025-05", amount="250,00")
    corrected = run_pipeline(defs, instance, delivered)
    rebuilt = {e.asset_key for r in corrected.results for e in r.get_asset_materialization_events()}
    above_month = dg.AssetSelection.assets(ARREARS).downstream(include_self=False).resolve(
        defs.resolve_asset_graph())
    assert corrected.success and above_month <= rebuilt
    requested, _ = tick_and_run(defs, instance, runner._load_cursor(instance))
    assert not requested, "the parents built in the same run as their children request nothing"
    again = run_pipeline(defs, instance, delivered)
    assert again.success and len(again.results) == 1, "a run with nothing new runs the intake only"


def test_each_of_two_corrections_in_a_row_rebuilds_everything_above_its_month(delivered, deliver):
    """The second correction's run must not take the first's builds for its own: Dagster's eager
    condition forgets a trigger seen in the same evaluation as the asset's last request or build."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    above_month = dg.AssetSelection.assets(ARREARS).downstream(include_self=False).resolve(
        defs.resolve_asset_graph())
    for amount in ("250,00", "260,00", "270,00"):
        deliver_arrears(deliver, "2025-05", amount=amount)
        corrected = run_pipeline(defs, instance, delivered)
        rebuilt = {e.asset_key for r in corrected.results for e in r.get_asset_materialization_events()}
        assert corrected.success and above_month <= rebuilt, f"the correction to {amount}"
        with open_warehouse(delivered.warehouse, read_only=True) as con:
            arrears = con.execute("""select max(arrears_eur) from core.tenancy_periods
                                     where period_type = 'month' and period = '2025-05'""").fetchone()[0]
        assert float(arrears) == float(amount.replace(",", ".")), "the tenancies above carry the correction"


def test_a_month_without_a_partition_is_refused(home, deliver):
    deliver_arrears(deliver, "2017-12")
    run = run_pipeline(build_definitions(home), dg.DagsterInstance.ephemeral(), home, stages=("intake",))
    assert run.success
    with open_warehouse(home.warehouse, read_only=True) as con:
        decision, reasons = con.execute("select decision, reasons from raw.load_ledger").fetchone()
    assert decision == "refused" and "period_out_of_range" in reasons


def requested_checks(tick) -> set[str]:
    return {r.key.name for r in tick.results if isinstance(r.key, dg.AssetCheckKey) and r.true_subset.size}


def freshness_checks_requested(tick) -> int:
    return sum(1 for r in tick.results if isinstance(r.key, dg.AssetCheckKey)
               and r.key.name == "delivery_freshness" and r.true_subset.size)


def test_freshness_checks_run_after_every_intake_and_daily(home, deliver):
    defs, instance = build_definitions(home), dg.DagsterInstance.ephemeral()
    expected = len(load_registry().contracts)
    now = datetime.now(ZoneInfo("Europe/Amsterdam"))
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, evaluation_time=now)
    deliver_arrears(deliver, "2025-06")
    assert defs.resolve_job_def(INTAKE_JOB).execute_in_process(instance=instance).success
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor,
                                             evaluation_time=now + timedelta(minutes=1))
    assert freshness_checks_requested(tick) == expected, "after the intake"
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor,
                                             evaluation_time=now + timedelta(minutes=2))
    assert freshness_checks_requested(tick) == 0, "once"
    next_morning = datetime.combine(now.date() + timedelta(days=1), time(7, 1), now.tzinfo)
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor,
                                             evaluation_time=next_morning)
    assert freshness_checks_requested(tick) == expected, "every morning, without a delivery"
    assert requested_checks(tick) == {"delivery_freshness"}


def test_the_freshness_checks_say_per_dataset_what_the_delivery_status_says_in_one_step(home, deliver):
    """Every raw table's delivery_freshness check, run in one step that reads the delivery status
    once: each passes exactly when no partner is overdue with its dataset, and names those who
    are. A check requested alone (as the automation may) runs alone."""
    from datetime import date

    from assets.intake import raw_key
    from sources.freshness import delivery_status
    defs, instance = build_definitions(home), dg.DagsterInstance.ephemeral()
    deliver_arrears(deliver, "2025-06")
    assert defs.resolve_job_def(INTAKE_JOB).execute_in_process(instance=instance).success
    contracts = load_registry().contracts.values()
    keys = sorted((k for k in defs.resolve_asset_graph().asset_check_keys if k.name == "delivery_freshness"), key=str)
    assert {k.asset_key for k in keys} == {raw_key(c.table) for c in contracts}
    every_asset = defs.resolve_implicit_global_asset_job_def()

    def evaluations(chosen) -> tuple[list, int]:
        run = every_asset.get_subset(asset_selection=set(), asset_check_selection=set(chosen)).execute_in_process(
            instance=instance)
        assert run.success
        return ([e.event_specific_data for e in run.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"],
                sum(1 for e in run.all_events if e.is_step_success))
    alone, _ = evaluations(keys[:1])
    assert [(e.asset_key, e.check_name) for e in alone] == [(keys[0].asset_key, keys[0].name)]
    found, steps = evaluations(keys)
    assert steps == 1 and len(found) == len(keys)
    with open_warehouse(home.warehouse, read_only=True) as con:
        status = delivery_status(con, date.today())
    for evaluation in found:
        dataset = next(c.dataset for c in contracts if raw_key(c.table) == evaluation.asset_key)
        overdue = {r.partner for r in status if r.dataset == dataset and r.overdue}
        said = evaluation.metadata["overdue"].value
        assert evaluation.passed == (not overdue) and (set(said) if overdue else said) == (overdue or "none")
    assert any(not e.passed for e in found), "nothing overdue: this test would check only one side"


def test_the_monthly_rebuild_is_on_and_reference_data_has_its_own_group():
    defs = build_definitions()
    assert defs.get_schedule_def("monthly_rebuild").default_status == dg.DefaultScheduleStatus.RUNNING
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["core/dim_buurt"] == groups["core/leefbaarometer"] == "reference"
    assert groups["core/tenancies"] == "core" and groups["raw/load_ledger"] == "raw"
    assert all(graph.get(dg.AssetKey(key.split("/"))).parent_keys == set()
               for key, group in groups.items() if group == "reference"), "reference reads no asset"


def test_a_month_waits_only_for_what_no_run_builds():
    """A month is stale when its raw month is newly updated (pipelines/automation.py, MONTH_STALE):
    `any_deps_updated` without its requested-with-it and built-by-a-run parts, which never hold
    for a dependency that no run builds. So every month depends on such dependencies only."""
    graph = build_definitions().resolve_asset_graph()
    months = [key for key in graph.get_all_asset_keys()
              if graph.get(key).partitions_def is not None and graph.get(key).is_executable]
    assert months and all(graph.get(key).parent_keys for key in months)
    built_by_a_run = {key.to_user_string(): [dep.to_user_string() for dep in graph.get(key).parent_keys
                                             if graph.get(dep).is_executable] for key in months}
    assert not any(built_by_a_run.values()), built_by_a_run


def test_a_correction_taken_in_while_the_last_rebuild_is_pending_is_built_after_it(delivered, deliver):
    """Under the daemon: a tick requests the assets above a corrected month; before that run
    builds them, a second correction of the month is taken in and its staging month rebuilt. The
    first run read the older month, so the ticks after it must build everything above once more
    (Dagster's eager takes an asset built after the trigger for a build that saw it)."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    graph = defs.resolve_asset_graph()
    intake = defs.resolve_job_def(INTAKE_JOB)
    every_asset = defs.resolve_implicit_global_asset_job_def()
    cursor = runner._load_cursor(instance)
    deliver_arrears(deliver, "2025-05", amount="250,00")
    assert intake.execute_in_process(instance=instance).success
    requested, cursor = tick_and_run(defs, instance, cursor)
    assert {(k, p) for k, p in requested if p} == {(ARREARS, "2025-05")}
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    pending = [k for k in graph.get_all_asset_keys() if None in tick.get_requested_partitions(k)]
    assert pending, "the tick after the month requests what is above it"
    cursor = tick.cursor
    # the second correction comes in before that run has built anything
    deliver_arrears(deliver, "2025-05", amount="260,00")
    assert intake.execute_in_process(instance=instance).success
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    assert tick.get_requested_partitions(ARREARS) == {"2025-05"}
    cursor = tick.cursor
    # the pending run builds, from the first correction's month; then the second's month
    assert every_asset.execute_in_process(instance=instance, asset_selection=pending).success
    assert every_asset.execute_in_process(instance=instance, partition_key="2025-05",
                                          asset_selection=[ARREARS]).success
    for _ in range(5):
        requested, cursor = tick_and_run(defs, instance, cursor)
        if not requested:
            break
    assert not requested, "automation settles"
    stale = built_before_the_month(instance, graph, "2025-05")
    assert not stale, f"built before the second correction's month, and not after it: {stale}"
    with open_warehouse(delivered.warehouse, read_only=True) as con:
        assert con.execute("""select max(arrears_eur) from core.tenancy_periods
                              where period_type = 'month' and period = '2025-05'""").fetchone()[0] == 260


def test_a_correction_taken_in_just_after_its_months_last_build_rebuilds_the_month(delivered, deliver):
    """Under the daemon: the month is built for one correction, and a second correction of the
    month comes in before the next tick (runs on the warehouse take turns, so it lands as soon as
    that build is done). The tick sees both; the month must be built again, from the second."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    intake = defs.resolve_job_def(INTAKE_JOB)
    every_asset = defs.resolve_implicit_global_asset_job_def()
    cursor = runner._load_cursor(instance)
    deliver_arrears(deliver, "2025-05", amount="250,00")
    assert intake.execute_in_process(instance=instance).success
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    assert tick.get_requested_partitions(ARREARS) == {"2025-05"}
    assert every_asset.execute_in_process(instance=instance, partition_key="2025-05",
                                          asset_selection=[ARREARS]).success
    deliver_arrears(deliver, "2025-05", amount="260,00")
    assert intake.execute_in_process(instance=instance).success
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
    assert tick.get_requested_partitions(ARREARS) == {"2025-05"}, "the month again, for the second"


def test_a_run_killed_before_its_closing_tick_leaves_the_next_correction_built(delivered, deliver, monkeypatch):
    """A `wijkwijzer run` killed after it built what is above a corrected month but before the
    tick that would have seen those builds: the next run's correction must still be built through
    to everything above its month (the cursor saved is the last finished run's)."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    deliver_arrears(deliver, "2025-05", amount="250,00")
    evaluations = []
    real_evaluate = runner._evaluate

    def killed_at_the_closing_tick(*args, **kwargs):
        if evaluations:
            raise KeyboardInterrupt("killed")
        evaluations.append(1)
        return real_evaluate(*args, **kwargs)
    monkeypatch.setattr(runner, "_evaluate", killed_at_the_closing_tick)
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(defs, instance, delivered)
    monkeypatch.setattr(runner, "_evaluate", real_evaluate)
    deliver_arrears(deliver, "2025-05", amount="260,00")
    assert run_pipeline(defs, instance, delivered).success
    graph = defs.resolve_asset_graph()
    stale = built_before_the_month(instance, graph, "2025-05")
    assert not stale, f"built before the second correction's month, and not after it: {stale}"


def test_a_request_the_saved_cursor_holds_unseen_is_built_after_all(delivered, deliver):
    """A saved cursor that holds a tick's requests but no tick that saw their builds (what a run
    killed before its closing tick left while the CLI saved every tick's cursor; now only the
    closing tick's is saved): the next run's correction is still built through to everything
    above its month, by _behind_a_month_below, as Dagster's conditions then see nothing new."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    deliver_arrears(deliver, "2025-05", amount="250,00")
    assert run_pipeline(defs, instance, delivered, stages=("intake", "staging")).success
    tick = runner._evaluate(defs, instance, runner._load_cursor(instance))
    run_requested(defs, instance, requested_by(tick, defs.resolve_asset_graph()))
    runner._save_cursor(instance, tick.cursor)   # ... and killed before the next tick
    deliver_arrears(deliver, "2025-05", amount="260,00")
    assert run_pipeline(defs, instance, delivered).success
    stale = built_before_the_month(instance, defs.resolve_asset_graph(), "2025-05")
    assert not stale, f"built before the second correction's month, and not after it: {stale}"


def test_an_intake_between_a_readers_request_and_the_next_tick_is_requested_again(delivered, deliver):
    """Under the daemon: a tick requests what reads the ledger after one delivery; a second
    delivery's intake lands before the next tick. The run requested first may have read the
    ledger before it, so the next tick requests the readers again."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    intake = defs.resolve_job_def(INTAKE_JOB)
    status = dg.AssetKey(["marts", "delivery_status"])
    assert LEDGER_KEY in defs.resolve_asset_graph().get(status).parent_keys
    cursor = runner._load_cursor(instance)
    deliver_arrears(deliver, "2025-05", amount="250,00")
    assert intake.execute_in_process(instance=instance).success
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    assert tick.get_requested_partitions(status) == {None}, "the ledger's reader after the intake"
    deliver_arrears(deliver, "2025-06", amount="260,00")
    assert intake.execute_in_process(instance=instance).success
    tick = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
    assert tick.get_requested_partitions(status) == {None}, "again, for the intake after its request"


def test_a_tick_runs_with_the_cyclic_collector_paused_and_leaves_it_on(monkeypatch):
    """The collector is off while a tick evaluates (its full collections over the loaded
    definitions were half a tick's time) and on again after it, also after a tick that failed."""
    import gc
    seen = []

    def failing_tick(*args, **kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("the instance went away")
    monkeypatch.setattr(runner, "_tick", failing_tick)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="went away"):
        runner._evaluate(dg.Definitions(), dg.DagsterInstance.ephemeral(), None)
    assert seen == [False] and gc.isenabled()
    gc.disable()   # a caller that paused it itself keeps it paused
    try:
        with pytest.raises(RuntimeError):
            runner._evaluate(dg.Definitions(), dg.DagsterInstance.ephemeral(), None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_runners_tick_is_dagsters_evaluation_without_the_cursors_round_trip(delivered, deliver):
    """The CLI's tick (runner._tick, Dagster's evaluator called without the test helper's round
    trip of the cursor through its serialized form) requests what `dg.evaluate_automation_conditions`
    requests, tick by tick through a correction, and leaves the same cursor; the cursor it was
    given can still be written (Dagster caches a lookup on the cursor it reads)."""
    import re
    from dagster._serdes import serialize_value

    def untimed(cursor) -> str:  # the two evaluations ran at different times
        return re.sub(r"\b1[6-9][0-9]{8}\.[0-9]+", "T", serialize_value(cursor))  # epoch seconds

    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    graph = defs.resolve_asset_graph()
    assert run_pipeline(defs, instance, delivered).success
    cursor = runner._load_cursor(instance)
    deliver_arrears(deliver, "2025-05", amount="250,00")
    assert defs.resolve_job_def(INTAKE_JOB).execute_in_process(instance=instance).success
    asked = []
    for _ in range(3):
        theirs = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
        ours = runner._evaluate(defs, instance, cursor)
        serialize_value(cursor)   # the cursor given can still be written (raises otherwise)
        assert requested_by(ours, graph) == requested_by(theirs, graph)
        assert [(r.key, r.true_subset.size) for r in ours.results] == [
            (r.key, r.true_subset.size) for r in theirs.results]
        assert untimed(ours.cursor) == untimed(theirs.cursor)
        asked.append(requested_by(ours, graph))
        run_requested(defs, instance, asked[-1])
        cursor = ours.cursor
    assert (ARREARS, "2025-05") in asked[0] and not asked[-1], "a correction's tick, then a settled one"


def kept_models(run) -> set[str]:
    return {e.asset_key.to_user_string() for r in run.results for e in r.get_asset_materialization_events()
            if e.materialization.metadata.get("kept") is not None}


def periods_rebuilt(run) -> dict[str, str]:
    return {e.asset_key.to_user_string(): e.materialization.metadata["periods_rebuilt"].value
            for r in run.results for e in r.get_asset_materialization_events()
            if "periods_rebuilt" in e.materialization.metadata}


def models_as_built_anew(home) -> dict[str, int]:
    """Per unpartitioned SQL model, the rows in which its table and its SQL run now differ."""
    with open_warehouse(home.warehouse, read_only=True) as con:
        return {model.table: con.execute(f"""select count(*) from (
                    (select * from {model.table} except all select * from ({model.sql}))
                    union all (select * from ({model.sql}) except all select * from {model.table}))""").fetchone()[0]
                for model in discover() if not model.partition_column}


def test_a_model_whose_tables_read_are_as_they_were_is_kept_and_the_same_as_built_anew(delivered, deliver):
    """A corrected month rebuilds the calendar, which comes out the same: what reads only it and
    tables no run rebuilt keeps its table. Every table is then what its SQL makes now, and a new
    month (a calendar that changes) rebuilds them."""
    defs, instance = build_definitions(delivered), dg.DagsterInstance.ephemeral()
    assert run_pipeline(defs, instance, delivered).success
    deliver_arrears(deliver, "2025-05", amount="250,00")
    corrected = run_pipeline(defs, instance, delivered)
    assert corrected.success and {"core/unit_periods", "core/resident_periods"} <= kept_models(corrected)
    assert "core/calendar_months" not in kept_models(corrected)   # it reads the corrected month
    assert "core/tenancy_periods" not in kept_models(corrected)
    # the corrected month's arrears touch only the periods holding it: those alone are rebuilt
    assert periods_rebuilt(corrected) == {"core/tenancy_periods": "2025-05, 2025-Q2"}
    assert not any(models_as_built_anew(delivered).values())
    deliver_arrears(deliver, "2025-07")
    extended = run_pipeline(defs, instance, delivered)
    assert extended.success and not {"core/unit_periods", "core/resident_periods"} & kept_models(extended)
    assert periods_rebuilt(extended) == {}   # a new month: a new calendar, the whole table
    differing = models_as_built_anew(delivered)
    assert not any(differing.values()) and "core.unit_periods" in differing
    with open_warehouse(delivered.warehouse, read_only=True) as con:
        assert con.execute("select max(period) from core.unit_periods where period_type = 'month'").fetchone() == ("2025-07",)
