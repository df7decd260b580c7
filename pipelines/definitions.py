"""The Dagster code location: assets, checks, jobs, sensors, schedules and resources."""
from __future__ import annotations

import dagster as dg

import assets
from pipelines.home import DataHome
from pipelines.resources import resources_for
from pipelines.sensors import INTAKE_JOB, inbox_sensor

all_assets_job = dg.define_asset_job(INTAKE_JOB, selection=dg.AssetSelection.all(),
                                     description="Intake of the inbox, then every layer and report.")

# After the delivery deadline (the 10th), rebuild everything once more for the month.
monthly_rebuild = dg.ScheduleDefinition(name="monthly_rebuild", job=all_assets_job,
                                        cron_schedule="0 6 11 * *", execution_timezone="Europe/Amsterdam")


def build_definitions(home: DataHome | None = None) -> dg.Definitions:
    home = home or DataHome.from_env()
    return dg.Definitions(
        # Every asset and check in the `assets` package: adding a module is adding it here.
        assets=dg.load_assets_from_package_module(assets),
        asset_checks=dg.load_asset_checks_from_package_module(assets),
        jobs=[all_assets_job],
        sensors=[inbox_sensor],
        schedules=[monthly_rebuild],
        resources=resources_for(home),
        # One writer at a time anyway (DuckDB); in-process saves ~5 s of process start per run.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
