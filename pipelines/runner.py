"""One whole run, as `wijkwijzer run` does it: the intake, then the staging months that are stale,
then every unpartitioned model, mart and report.

Stale months come from the warehouse (loads newer than the partition's last build), not from
Dagster's event log, so a run killed between the intake and staging is caught up by the next.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from pipelines.partitions import contiguous_ranges
from pipelines.sensors import ALL_JOB, INTAKE_JOB
from pipelines.sqlmodels import stale_staging
from pipelines.warehouse import open_warehouse

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


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



def run_pipeline(defs: dg.Definitions, instance: dg.DagsterInstance, home, tags: dict | None = None,
                 run_config: dict | None = None, stages: tuple[str, ...] = ("intake", "staging", "rest"),
                 ) -> PipelineRun:
    """Run the stages in order; a failed stage stops the ones after it (what they read is suspect)."""
    run = PipelineRun()
    options = {"instance": instance, "raise_on_error": False, "run_config": run_config}
    if "intake" in stages:
        run.results.append(defs.resolve_job_def(INTAKE_JOB).execute_in_process(tags=tags, **options))
        if not run.success:
            return run
    if "staging" in stages:
        with open_warehouse(home.warehouse) as con:
            run.staging_months = {model.name: months for model, months in stale_staging(con).items()}
        every_asset = defs.resolve_implicit_global_asset_job_def()
        months = [m for ms in run.staging_months.values() for m in ms]
        for first, last in contiguous_ranges(months):
            models = [name for name, ms in run.staging_months.items() if any(first <= m <= last for m in ms)]
            run.results.append(every_asset.execute_in_process(
                asset_selection=[dg.AssetKey(["staging", name]) for name in models],
                tags={**(tags or {}), RANGE_START: first, RANGE_END: last}, **options))
            if not run.success:
                return run
    if "rest" in stages:
        run.results.append(defs.resolve_job_def(ALL_JOB).execute_in_process(tags=tags, **options))
    return run
