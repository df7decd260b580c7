"""Regions side by side: one data home (and warehouse) per region, run in parallel by Dagster.

DuckDB allows one writer per file, so a region (a gemeente, or a group of them) is the unit of
scale-out: each has its own data home, and `regions_run` fans out one `wijkwijzer run` per region
over the multiprocess executor here (two at a time on this 2-core machine), or over Celery workers
(`regions_run_celery`, a Redis broker) or the Kubernetes executor in a deployment. Anything national reads the regions' Parquet exports.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from engine.warehouse import CORES_ENV, cores


class RegionsConfig(dg.Config):
    homes: list[str]  # one data home per region


@dg.op(out=dg.DynamicOut(str), description="One output per region's data home.")
def each_region(config: RegionsConfig):
    for home in config.homes:
        yield dg.DynamicOutput(home, mapping_key=re.sub(r"[^A-Za-z0-9_]", "_", Path(home).name))


def region_env(home: str, cores: int | None) -> dict[str, str]:
    """The environment of a region's `wijkwijzer run`: its own data home and instance, and its
    share of the cores when it has one."""
    env = {**os.environ, "WIJKWIJZER_HOME": home, "DAGSTER_HOME": str(Path(home) / "dagster")}
    if cores:
        env[CORES_ENV] = str(cores)
    return env


# The run's tag for each region's share of the cores: a job that runs regions side by side on
# this machine sets it, so that two regions do not each take every core (nor one region's audit
# an idle core's helper thread while the other region still works). A job that places each
# region on a machine of its own (Celery, Kubernetes) leaves it out.
CORES_TAG = "wijkwijzer/cores_per_region"


@dg.op(description="`wijkwijzer run` in the region's own data home, in its own process.")
def run_region(context: dg.OpExecutionContext, home: str) -> dict:
    cores = context.run.tags.get(CORES_TAG)
    env = region_env(home, int(cores) if cores else None)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], env=env,
                            capture_output=True, text=True)
    seconds = round(time.perf_counter() - started, 1)
    if result.returncode != 0:
        raise dg.Failure(description=f"The run of region {Path(home).name} failed.",
                         metadata={"stderr": result.stderr[-3000:]})
    context.log.info("Region %s done in %.1f s", Path(home).name, seconds)
    return {"region": Path(home).name, "seconds": seconds}


@dg.op(description="Every region's time.")
def regions_done(results: list[dict]) -> dict:
    return {r["region"]: r["seconds"] for r in results}


def regions_job(parallel: int = 2, executor: dg.ExecutorDefinition | None = None,
                name: str | None = None) -> dg.JobDefinition:
    """`parallel` regions at a time on this machine's multiprocess executor, each with its share
    of the cores; or on `executor`, which places them elsewhere."""
    @dg.job(name=name or ("regions_run" if parallel == 2 else f"regions_run_{parallel}"),
            executor_def=executor or dg.multiprocess_executor.configured({"max_concurrent": parallel}),
            tags={} if executor else {CORES_TAG: str(max(1, cores() // parallel))},
            description="One `wijkwijzer run` per region's data home, in parallel.")
    def _job():
        regions_done(each_region().map(run_region).collect())
    return _job


regions_run = regions_job(2)


def on_celery() -> dg.JobDefinition:
    """The same fan-out with each region a Celery task: as many at a time as there are workers,
    on any machine that reaches the broker and the instance (PostgreSQL) and mounts the homes.
    Broker and backend come from the run config (`execution: config: broker: redis://…`)."""
    from dagster_celery import celery_executor  # only where Celery is used
    return regions_job(executor=celery_executor, name="regions_run_celery")


def two_at_a_time() -> dg.JobDefinition:  # for dg.reconstructable: the executor's child processes
    return regions_run                      # import this module to find the job


def one_at_a_time() -> dg.JobDefinition:  # the same job, one region after the other (the baseline)
    return regions_job(1)
