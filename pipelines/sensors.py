"""The inbox sensor: one run per new stable file, deduplicated forever by its partner, name and
bytes (`partner:name:sha256`): the same bytes under another name are another delivery (an empty
month after an empty month), and a name that could hold personal data is only its length."""

import dagster as dg

from quality.intake import inbox_candidates, sha256_of
from quality.validate import reported_file_name
from engine.resources import DataHomeResource
from sources.contracts import load_registry

INTAKE_JOB = "wijkwijzer_intake"
ALL_JOB = "wijkwijzer_rebuild"


@dg.sensor(job_name=INTAKE_JOB, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run for every new stable file in inbox/<partner>/. Identical "
                       "bytes under the same name have the same run key, so a re-delivery starts nothing.")
def inbox_sensor(context: dg.SensorEvaluationContext, data_home: DataHomeResource):
    candidates = inbox_candidates(data_home.home)
    if not candidates:
        yield dg.SkipReason("No stable files in the inbox.")
        return
    for partner, path in candidates:
        name = reported_file_name(path.name, load_registry())
        yield dg.RunRequest(run_key=f"{partner}:{name}:{sha256_of(path)}",
                            tags={"wijkwijzer/partner": partner})
