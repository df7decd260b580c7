"""A delivery against its partner's own history: judged before the receipt, profiled at load.

`HistoryJudge` runs the Great Expectations history suite on the rows about to load and puts what
it finds on the outcome (a warning line per finding on the receipt); `record_profile` writes the
delivery's profile in the load's transaction, so the next delivery has a yardstick.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from functools import lru_cache

import duckdb

from quality.contract_sql import sql_string
from quality.gx_bridge import HISTORY_DELIVERIES, MIN_HISTORY, ContractValidator
from quality.profiles import history, history_frame_sql, profile_of, write_profile
from quality.validate import VALIDATED, Outcome, RuleResult, rejected_rule_names
from sources.contracts import Contract

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _validator() -> ContractValidator:
    """One ephemeral GX context per process (making one costs about a second)."""
    return ContractValidator()


def _loaded_rows(contract: Contract) -> str:
    """SQL condition on the validated table: the rows a load keeps."""
    return f"not list_has_any(_failures, [{', '.join(map(sql_string, rejected_rule_names(contract)))}])"


def _yardstick(con: duckdb.DuckDBPyConnection, outcome: Outcome):
    """(rows about to load, the partner's last deliveries), or None while there are too few."""
    contract, delivery = outcome.contract, outcome.delivery
    past = history(con, delivery.partner, delivery.dataset, outcome.sha256, HISTORY_DELIVERIES)
    if len(past) < MIN_HISTORY:
        return None
    return con.sql(f"select {history_frame_sql(contract)} from {VALIDATED} "
                   f"where {_loaded_rows(contract)}").df(), past


def _put_findings(outcome: Outcome, rows: int, findings: list) -> None:
    outcome.history = findings
    for finding in findings:
        if not finding.success:
            outcome.rules.append(RuleResult(f"history.{finding.kind}", finding.column, "warning",
                                            rows, None, None, finding.nl, finding.en))


def _judge(contract: Contract, frame, past) -> list:
    return _validator().validate_history(contract, frame, past)


def _worker_starts() -> None:
    """A forked worker inherits its parent's signal handlers (inside a Dagster run a SIGTERM
    becomes an exception wherever the worker is, also while it holds the pool's queue lock): the
    worker ends on SIGTERM and ignores SIGINT, the parent decides. It ends with its parent, also
    one killed outright (it would wait for work forever), and never collects what it inherited
    (the parent's warehouse connection among it). GX is imported at the first judgement: an
    intake without one, most small ones, never pays for it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    parent = multiprocessing.parent_process()
    threading.Thread(target=lambda: (parent.join(), os._exit(1)), daemon=True).start()


class HistoryJudge:
    """The history judgement of one intake's deliveries. GX is pure Python and costs some 40 ms a
    delivery, as much as the load itself: with `worker`, it runs in a process forked at the start
    (before the intake reads a file, so no reading thread is copied mid-work), while the intake
    loads the delivery in DuckDB, and the findings are taken just before the ledger row. The
    frame and the yardstick are read here, in the intake's order, so a delivery is judged against
    exactly the deliveries loaded before it. Without `worker` (or fork), or when the worker dies,
    the judgement runs in this process: the same findings, later."""

    def __init__(self, worker: bool = False):
        self._pool = None
        if worker and "fork" in multiprocessing.get_all_start_methods():
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_worker_starts)
            self._pool.submit(int)  # forks the worker now, not at the first judgement

    def start(self, con: duckdb.DuckDBPyConnection, outcome: Outcome) -> Callable[[], None]:
        """Begin judging `outcome`; returns what waits for the findings and puts them on it."""
        yardstick = _yardstick(con, outcome)
        if yardstick is None:
            return lambda: None
        frame, past = yardstick
        judging = self._submit(outcome.contract, frame, past)

        def finish() -> None:
            findings = self._result(judging) if judging is not None else None
            if findings is None:
                findings = _judge(outcome.contract, frame, past)
            _put_findings(outcome, len(frame), findings)
        return finish

    def _submit(self, contract: Contract, frame, past) -> Future | None:
        if self._pool is None:
            return None
        try:
            return self._pool.submit(_judge, contract, frame, past)
        except BrokenProcessPool:
            self._lost()
            return None

    def _result(self, judging: Future) -> list | None:
        try:
            return judging.result()
        except BrokenProcessPool:
            self._lost()
            return None

    def _lost(self) -> None:
        log.warning("The history worker ended unexpectedly; the intake judges history itself")
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> HistoryJudge:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def record_profile(con: duckdb.DuckDBPyConnection, outcome: Outcome, loaded_at: datetime) -> None:
    """The loaded rows' profile into raw.delivery_profiles (call inside the load's transaction)."""
    d = outcome.delivery
    profile = profile_of(con, VALIDATED, outcome.contract, _loaded_rows(outcome.contract))
    write_profile(con, profile, outcome.sha256, d.partner, d.dataset, d.period, loaded_at)
