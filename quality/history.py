"""A delivery against its partner's own history: judged before the receipt, profiled at load.

`judge_against_history` runs the Great Expectations history suite on the rows about to load and
puts what it finds on the outcome (a warning line per finding on the receipt); `record_profile`
writes the delivery's profile in the load's transaction, so the next delivery has a yardstick.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import TYPE_CHECKING, Callable

import duckdb

from engine.workers import worker_started
from quality.contract_sql import sql_string
from quality.gx_bridge import HISTORY_DELIVERIES, MIN_HISTORY, shared_validator
from quality.profiles import history, history_frame_sql, profile_of, write_profile
from quality.validate import VALIDATED, Outcome, RuleResult, rejected_rule_names
from sources.contracts import Contract

if TYPE_CHECKING:
    import pyarrow as pa


log = logging.getLogger(__name__)
NOT_JUDGED = ("Deze levering kon niet met de vorige leveringen worden vergeleken; het datateam is "
              "gewaarschuwd. De rijen zijn wel geladen.",
              "This delivery could not be compared with the earlier deliveries; the data team has been "
              "told. Its rows were loaded all the same.")


def _loaded_rows(contract: Contract) -> str:
    """SQL condition on the validated table: the rows a load keeps."""
    return f"not list_has_any(_failures, [{', '.join(map(sql_string, rejected_rule_names(contract)))}])"


def warm_up() -> None:
    """Import GX and make the run's context in a background thread, while the intake's first
    files (none of them with a history yet: the oldest go first) are read, checked and loaded;
    the import holds the main thread about 3 s of the city intake's 30 s otherwise. The first
    judgement simply waits for it (Python's import lock)."""
    threading.Thread(target=shared_validator()._gx, name="gx-import", daemon=True).start()


def _validate(contract: Contract, frame) -> list:
    """The contract's suite on `frame` (a raw table's check), in a judge's worker process: the
    frame DuckDB's `.df()` made, pickled across, so GX sees what it sees here."""
    return shared_validator().validate(contract, frame)


def _judge(contract: Contract, rows: pa.Table, past: list) -> list:
    """The history suite, in a judge's worker process or here (its own GX context, made on first
    use). `rows` come as Arrow: the caller reads them without making Python objects, and they
    cross to the worker as buffers; the pandas frame GX needs is made here, with integer columns
    as DuckDB's `.df()` gives them (nullable, not float with NaN). pandas is imported here, not
    by every process that loads the definitions."""
    import pandas as pd
    import pyarrow as pa
    as_duckdb_gives = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                       pa.int64(): pd.Int64Dtype()}
    frame = rows.to_pandas(types_mapper=as_duckdb_gives.get, use_threads=False)
    return shared_validator().validate_history(contract, frame, past)


def _warm_worker(parent: int) -> None:
    worker_started(parent)   # its signals, and it ends with the intake (engine/workers.py)
    shared_validator()._gx()


class Judge:
    """Great Expectations for the history's judgements of one intake run, in a worker process of
    its own: GX is Python through and through, so in a thread it held the GIL that the load's
    DuckDB calls and the next file's inspection need (tried: no gain). In a process it judges one
    file while the main thread loads that file's rows; the receipt and ledger row wait for it.
    Forked as the intake starts, before its other threads (`spawn` would run the caller's main
    module again), as the audit's workers are, or as a command starts (judge_from_the_start); it
    touches neither DuckDB nor polars. It makes its GX context as it starts, while the first files
    (none with a history yet) are loaded. It also runs the raw tables' contract checks (validate)."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                         initializer=_warm_worker, initargs=(os.getpid(),))
        self._pool.submit(int)   # fork the worker now, not at the first judgement

    @staticmethod
    def possible() -> bool:
        return "fork" in multiprocessing.get_all_start_methods()

    def submit(self, contract: Contract, rows: pa.Table, past: list) -> Future:
        return self._pool.submit(_judge, contract, rows, past)

    def validate(self, contract: Contract, frame) -> list:
        """The contract's suite on `frame` (GX's ExpectationOutcomes), in the worker; here when
        the worker is gone (killed: the check still runs)."""
        try:
            return self._pool.submit(_validate, contract, frame).result()
        except BrokenProcessPool:
            return _validate(contract, frame)

    def ready(self) -> None:
        """Wait until the worker has imported GX and made its context (its initializer)."""
        self._pool.submit(int).result()

    def __enter__(self) -> "Judge":
        return self

    def __exit__(self, *_) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


_early: Judge | None = None


@contextmanager
def judge_from_the_start():
    """A judge forked as a command starts (`wijkwijzer run`, `demo`), before its threads and its
    run lock: GX's import (1.5-2.3 s) then runs in the worker beside the command's own start
    (Dagster's import, the definitions, the instance), not in the intake's way; the intake judges
    in it whatever its number of files, and the raw tables' contract checks run there too, so
    the command's own process never imports GX. Ends with the command; nested, the outer one
    serves."""
    global _early
    if _early is not None or not Judge.possible():
        yield
        return
    _early = Judge()
    try:
        with _early:
            yield
    finally:
        _early = None


def early_judge() -> Judge | None:
    """The judge `judge_from_the_start` forked, while its command runs."""
    return _early


def contract_outcomes(contract: Contract, frame) -> list:
    """The contract's GX suite on `frame` (a raw table's check): in the command's judge when it
    forked one, where GX is imported already, else here."""
    return _early.validate(contract, frame) if _early else _validate(contract, frame)


def judge_against_history(con: duckdb.DuckDBPyConnection, outcome: Outcome,
                          judge: Judge | None = None) -> Callable[[], None]:
    """GX on the rows about to load against the partner's last deliveries. What it reads from the
    warehouse it reads now, in the caller's thread (the one that holds the connection); GX itself
    runs in `judge`'s worker while the caller goes on (loading the rows), or here, in the wait.
    Returns the wait that puts the findings on the outcome: the receipt and the ledger row come
    after it.

    A judgement that fails is a warning on the receipt, never a failed intake: the history only
    ever warns, and a run that failed on one delivery failed on it again in every later run, with
    every file dropped after it left undecided (fifth outside attack)."""
    contract, delivery = outcome.contract, outcome.delivery
    past = history(con, delivery.partner, delivery.dataset, outcome.sha256, HISTORY_DELIVERIES)
    if len(past) < MIN_HISTORY:
        return lambda: None
    rows = con.sql(f"select {history_frame_sql(contract)} from {VALIDATED} "
                   f"where {_loaded_rows(contract)}").fetch_arrow_table()
    try:
        judged = judge.submit(contract, rows, past) if judge else None
    except BrokenProcessPool:   # the worker is gone (killed): judged here, in the wait
        judged = None

    def findings() -> list:
        """The worker's findings; judged here when there is no worker or it died, before or with
        the job (killed: a judge that lives as long as its command may be; an outside attack)."""
        if judged is not None:
            try:
                return judged.result()
            except BrokenProcessPool:
                pass
        return _judge(contract, rows, past)

    def put_on_the_outcome() -> None:
        try:
            outcome.history = findings()
        except Exception as error:  # noqa: BLE001 - see above; the message could quote a value
            log.error("The history judgement of a %s delivery failed with %s; it is loaded with a "
                      "warning instead", delivery.dataset, type(error).__name__)
            outcome.history = []
            outcome.rules.append(RuleResult("history.not_judged", None, "warning", len(rows), None, None,
                                            *NOT_JUDGED))
            return
        for finding in outcome.history:
            if not finding.success:
                outcome.rules.append(RuleResult(f"history.{finding.kind}", finding.column, "warning",
                                                len(rows), None, None, finding.nl, finding.en))
    return put_on_the_outcome


def record_profile(con: duckdb.DuckDBPyConnection, outcome: Outcome, loaded_at: datetime) -> None:
    """The loaded rows' profile into raw.delivery_profiles (call inside the load's transaction)."""
    d = outcome.delivery
    profile = profile_of(con, VALIDATED, outcome.contract, _loaded_rows(outcome.contract))
    write_profile(con, profile, outcome.sha256, d.partner, d.dataset, d.period, loaded_at)
