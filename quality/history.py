"""A delivery against its partner's own history: judged before the receipt, profiled at load.

`judge_against_history` runs the Great Expectations history suite on the rows about to load and
puts what it finds on the outcome (a warning line per finding on the receipt); `record_profile`
writes the delivery's profile in the load's transaction, so the next delivery has a yardstick.
"""
from __future__ import annotations

import threading
from datetime import datetime

import duckdb

from quality.contract_sql import sql_string
from quality.gx_bridge import HISTORY_DELIVERIES, MIN_HISTORY, shared_validator
from quality.profiles import history, history_frame_sql, profile_of, write_profile
from quality.validate import VALIDATED, Outcome, RuleResult, rejected_rule_names
from sources.contracts import Contract


def _loaded_rows(contract: Contract) -> str:
    """SQL condition on the validated table: the rows a load keeps."""
    return f"not list_has_any(_failures, [{', '.join(map(sql_string, rejected_rule_names(contract)))}])"


def warm_up() -> None:
    """Import GX and make the run's context in a background thread, while the intake's first
    files (none of them with a history yet: the oldest go first) are read, checked and loaded;
    the import holds the main thread about 3 s of the city intake's 30 s otherwise. The first
    judgement simply waits for it (Python's import lock)."""
    threading.Thread(target=shared_validator()._gx, name="gx-import", daemon=True).start()


def judge_against_history(con: duckdb.DuckDBPyConnection, outcome: Outcome) -> None:
    """GX on the rows about to load against the partner's last deliveries; findings on the outcome."""
    contract, delivery = outcome.contract, outcome.delivery
    past = history(con, delivery.partner, delivery.dataset, outcome.sha256, HISTORY_DELIVERIES)
    if len(past) < MIN_HISTORY:
        return
    frame = con.sql(f"select {history_frame_sql(contract)} from {VALIDATED} "
                    f"where {_loaded_rows(contract)}").df()
    outcome.history = shared_validator().validate_history(contract, frame, past)
    for finding in outcome.history:
        if not finding.success:
            outcome.rules.append(RuleResult(f"history.{finding.kind}", finding.column, "warning",
                                            len(frame), None, None, finding.nl, finding.en))


def record_profile(con: duckdb.DuckDBPyConnection, outcome: Outcome, loaded_at: datetime) -> None:
    """The loaded rows' profile into raw.delivery_profiles (call inside the load's transaction)."""
    d = outcome.delivery
    profile = profile_of(con, VALIDATED, outcome.contract, _loaded_rows(outcome.contract))
    write_profile(con, profile, outcome.sha256, d.partner, d.dataset, d.period, loaded_at)
