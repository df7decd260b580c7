"""The inbox sensor: one run per new stable file, deduplicated forever by `partner:sha256`."""

import dagster as dg

from quality.intake import inbox_candidates, sha256_of
from engine.resources import DataHomeResource

INTAKE_JOB = "wijkwijzer_intake"
ALL_JOB = "wijkwijzer_rebuild"


@dg.sensor(job_name=INTAKE_JOB, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run for every new stable file in inbox/<partner>/. Identical "
                       "bytes have the same run key, so a re-delivery starts nothing.")
def inbox_sensor(context: dg.SensorEvaluationContext, data_home: DataHomeResource):
    candidates = inbox_candidates(data_home.home)
    if not candidates:
        yield dg.SkipReason("No stable files in the inbox.")
        return
    for partner, path in candidates:
        yield dg.RunRequest(run_key=f"{partner}:{sha256_of(path)}",
                            tags={"wijkwijzer/partner": partner})
