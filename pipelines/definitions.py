"""The Dagster code location: assets, checks, jobs, sensors, schedules and resources."""
from __future__ import annotations

import warnings

import dagster as dg

import assets
from assets.intake import LEDGER_KEY, raw_tables
from assets.metadata import described
from pipelines.automation import automate
from engine.home import DataHome
from pipelines.progress import PROGRESS_LOGGER, progress_logger
from pipelines.regions import on_celery, regions_run
from engine.resources import resources_for
from engine.sqlmodels import discover
from pipelines.sensors import ALL_JOB, INTAKE_JOB, inbox_sensor
# The placement planner (issue 17): a job run on demand with its PlanConfig, never automated.
from assets.placement import placement_plan

PARTITIONED_STAGING = dg.AssetSelection.assets(*(["staging", m.name] for m in discover() if m.partition_column))
# Only the ledger: the buurt map changes with a release, not with a delivery (a rebuild makes it).
intake_job = dg.define_asset_job(INTAKE_JOB, selection=dg.AssetSelection.assets(LEDGER_KEY),
                                 description="The inbox into raw; automation takes it from there.")
rebuild_job = dg.define_asset_job(ALL_JOB, selection=dg.AssetSelection.all() - dg.AssetSelection.groups("raw")
                                  - PARTITIONED_STAGING,
                                  description="Every unpartitioned model, mart and report (staging "
                                              "months are rebuilt by automation or a backfill).")

# After the delivery deadline (the 10th), rebuild the marts and reports once more for the month:
# the freshness verdicts change with the date even when no file arrives. On unless switched off.
monthly_rebuild = dg.ScheduleDefinition(name="monthly_rebuild", job=rebuild_job,
                                        cron_schedule="0 6 11 * *", execution_timezone="Europe/Amsterdam",
                                        default_status=dg.DefaultScheduleStatus.RUNNING)

# `use_user_code_server` is a beta parameter in Dagster 1.13, chosen: its warning is not shown.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)
    automation_sensor = dg.AutomationConditionSensorDefinition(
        "automation", target=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=30, use_user_code_server=False)


def build_definitions(home: DataHome | None = None) -> dg.Definitions:
    home = home or DataHome.from_env()
    return dg.Definitions(
        # Every asset and check in the `assets` package: adding a module is adding it here.
        assets=automate([described(a) for a in (*dg.load_assets_from_package_module(assets), *raw_tables)]),
        asset_checks=dg.load_asset_checks_from_package_module(assets),
        jobs=[intake_job, rebuild_job, regions_run, on_celery(), placement_plan],
        sensors=[inbox_sensor, automation_sensor],
        schedules=[monthly_rebuild],
        resources=resources_for(home),
        # The console logger stays the default; `wijkwijzer run` selects `progress` instead.
        loggers={"console": dg.colored_console_logger, PROGRESS_LOGGER: progress_logger},
        # One writer at a time anyway (DuckDB); in-process saves ~5 s of process start per run.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
