"""The inbox sensor: one run per file dropped in the inbox, keyed by its partner, name, bytes and
modification time (`partner:name:sha256:mtime`). A file waiting in the inbox keeps its key, so it
starts one run however many ticks see it; every drop starts its own, whose intake decides: a
duplicate (with its receipt), another delivery under another name (an empty month after an empty
month), or a correction back (an earlier version sent again after its correction). A name that
could hold personal data is only its length there, as on receipts."""

import dagster as dg

from quality.intake import inbox_candidates, sha256_of
from quality.validate import reported_file_name
from engine.resources import DataHomeResource
from sources.contracts import load_registry

INTAKE_JOB = "wijkwijzer_intake"
ALL_JOB = "wijkwijzer_rebuild"


@dg.sensor(job_name=INTAKE_JOB, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run for every new stable file in inbox/<partner>/. A file waiting "
                       "in the inbox keeps its run key: one run per drop.")
def inbox_sensor(context: dg.SensorEvaluationContext, data_home: DataHomeResource):
    candidates = inbox_candidates(data_home.home)
    if not candidates:
        yield dg.SkipReason("No stable files in the inbox.")
        return
    for partner, path in candidates:
        name = reported_file_name(path.name, load_registry())
        yield dg.RunRequest(run_key=f"{partner}:{name}:{sha256_of(path)}:{path.stat().st_mtime_ns}",
                            tags={"wijkwijzer/partner": partner})
