"""Intake: inbox → landing (immutable, named by SHA-256) → validated load into raw, or quarantine.

Every decision is one ledger row; a load (delete the period, insert, rejects, ledger row) is one
transaction, so a crash leaves either the old or the new period, never half of one.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from engine.home import DataHome
from engine.warehouse import checkpoints_deferred, scalar
from quality.contract_sql import quote
from quality.masking import shape_expr
from quality.history import Judge, early_judge, judge_against_history, record_profile, warm_up
from quality.profiles import PROFILES_DDL
from quality.receipts import write_receipts
from quality.validate import (VALIDATED, Inspection, Outcome, inspect, rejected_rule_names,
                              reported_file_name, validate)
from sources.contracts import BadFileName, Contract, Registry, load_registry, parse_file_name
from sources.geography import rotterdam_buurtcodes

log = logging.getLogger(__name__)
SAFE_FOLDER = re.compile(r"^[a-z0-9_]{1,64}$")
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", "~")
MAX_LANDED_NAME_BYTES = 180  # a file name holds 255 bytes: the hash, '__' and this
STABLE_AFTER_S = 2.0  # a file whose size or mtime changed this recently is still being written
JUDGE_APART_FROM = 20  # files in a run from which GX judges in a worker process (history.Judge)

LEDGER_DDL = """
create table if not exists raw.load_ledger (
    file_name varchar, sha256 varchar, partner varchar, dataset varchar, period varchar,
    detected json, rows_read bigint, rows_loaded bigint, rows_rejected bigint, rows_warned bigint,
    decision varchar, reasons json, rule_results json, run_id varchar, decided_at timestamptz,
    drop_id varchar
)"""
LEDGER_COLUMNS = ("file_name, sha256, partner, dataset, period, detected, rows_read, rows_loaded, "
                  "rows_rejected, rows_warned, decision, reasons, rule_results, run_id, decided_at, drop_id")
REJECTS_DDL = """
create table if not exists raw.rejects (
    sha256 varchar, partner varchar, dataset varchar, period varchar, source_row bigint,
    rules varchar[], record json, rejected_at timestamptz
)"""
METADATA_COLUMNS = ("_partner varchar, _period varchar, _source_file varchar, _sha256 varchar, "
                    "_source_row bigint, _loaded_at timestamptz")


@dataclass(frozen=True)
class Landed:
    path: Path
    sha256: str
    partner_folder: str
    original_name: str
    drop_id: str | None = field(default=None, compare=False)  # this drop of it (see _mark_dropped)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_stable(path: Path, now: float | None = None) -> bool:
    """Taken only once nothing has written to it for a moment (uploads in progress are skipped)."""
    return (now or time.time()) - path.stat().st_mtime >= STABLE_AFTER_S


def inbox_candidates(home: DataHome) -> list[tuple[str, Path]]:
    """(partner folder, file) for every stable regular file in inbox/<partner>/."""
    found = []
    if not home.inbox.exists():
        return found
    for folder in sorted(home.inbox.iterdir()):
        if not folder.is_dir() or folder.is_symlink() or not SAFE_FOLDER.match(folder.name):
            continue
        for path in sorted(folder.iterdir()):
            if (path.is_symlink() or not path.is_file() or path.name.startswith(".")
                    or path.name.endswith(IGNORED_SUFFIXES) or not is_stable(path)):
                continue
            found.append((folder.name, path))
    return found


def copy_atomically(source: Path, target: Path) -> None:
    """Copy so that `target` either does not exist or holds all the bytes, even after SIGKILL.

    The partial file has a unique name, so two runs landing the same file cannot collide.
    """
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix="." + target.name[:40], suffix=".partial")
    try:
        with source.open("rb") as src, os.fdopen(handle, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _copy_hashing(source: Path, target_dir: Path) -> tuple[Path, str]:
    """Copy into a partial file (fsynced) and hash the very bytes written, in one read."""
    digest = hashlib.sha256()
    handle, partial = tempfile.mkstemp(dir=target_dir, prefix="." + source.name[:40], suffix=".partial")
    try:
        with source.open("rb") as src, os.fdopen(handle, "wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Path(partial), digest.hexdigest()


def land(home: DataHome, partner_folder: str, path: Path) -> tuple[Landed, bool]:
    """Copy to landing/<partner>/<sha256>__<name> atomically, then remove it from the inbox.

    Returns the landed file and whether these bytes under this name are new to landing.
    The name's hash is of the bytes copied (one read of the file, not three); the inbox copy
    is dropped only when it did not change while it was read and landing holds those bytes.
    """
    target_dir = home.landing / partner_folder
    target_dir.mkdir(parents=True, exist_ok=True)
    before = path.stat()
    partial, sha = _copy_hashing(path, target_dir)
    target = target_dir / f"{sha}__{_within_name_limit(path.name)}"
    new = not target.exists()
    if new:
        os.replace(partial, target)
    else:
        partial.unlink(missing_ok=True)
    after = path.stat()
    unchanged = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
    drop_id = None
    if unchanged and (new or sha256_of(target) == sha):
        drop_id = _mark_dropped(target, before.st_mtime_ns)
        path.unlink(missing_ok=True)  # another run may have taken it at the same moment
    return Landed(target, sha, partner_folder, target.name.partition("__")[2], drop_id), new


def _within_name_limit(name: str) -> str:
    """The name as landing keeps it beside its hash: cut (its extension kept) where the two would
    not fit in a file name. No agreed name comes near; a cut one is refused like any other
    unknown name, and the receipt shows it by its length only."""
    suffix = Path(name).suffix if len(Path(name).suffix) <= 8 else ""
    stem = name[:len(name) - len(suffix)]
    while len((stem + suffix).encode()) > MAX_LANDED_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _drop_marker(landed_path: Path) -> Path:
    """Named by a hash of the landed name: the name itself may hold personal data or be too long."""
    return landed_path.parent / ".dropped" / hashlib.sha256(landed_path.name.encode()).hexdigest()


def _mark_dropped(landed_path: Path, dropped_ns: int) -> str:
    """Note, before the inbox copy goes, that this landed file was dropped and awaits a decision;
    returns the drop's id, which its ledger row will carry.

    The ledger knows a delivery by (sha256, name), and the same bytes may land in two folders or
    twice (a correction back): only the drop's own id says that *this* drop was decided. The
    marker is on disk (fsynced) before the inbox copy is removed, so a killed run loses nothing."""
    marker = _drop_marker(landed_path)
    marker.parent.mkdir(exist_ok=True)
    drop_id = uuid.uuid4().hex
    partial = marker.with_name(marker.name + ".partial")
    with partial.open("w") as out:
        out.write(json.dumps({"drop_id": drop_id, "dropped_ns": dropped_ns}))
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, marker)
    directory = os.open(marker.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return drop_id


def _drop_of(landed_path: Path) -> tuple[str | None, int | None] | None:
    """(drop id, drop time) from the landed file's marker; None without a marker. A marker that
    cannot be read (cut short by a crash) gives (None, None): the file counts as undecided."""
    try:
        text = _drop_marker(landed_path).read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return None, None
    try:
        drop = json.loads(text)
        return str(drop["drop_id"]), int(drop["dropped_ns"])
    except (ValueError, TypeError, KeyError):
        return None, None


def landed_files(home: DataHome) -> list[Landed]:
    found = []
    for folder in sorted(p for p in home.landing.glob("*") if p.is_dir()):
        for path in sorted(folder.glob("*__*")):
            if path.name.startswith("."):
                continue
            sha, _, name = path.name.partition("__")
            found.append(Landed(path, sha, folder.name, name))
    return found


def ensure_tables(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    con.execute(LEDGER_DDL)
    con.execute("alter table raw.load_ledger add column if not exists drop_id varchar")  # before 2026-12
    con.execute(REJECTS_DDL)
    con.execute(PROFILES_DDL)
    for contract in registry.contracts.values():
        columns = ", ".join(f"{quote(c.name)} {c.duckdb_type}" for c in contract.columns)
        con.execute(f"create table if not exists raw.{quote(contract.table)} "
                    f"({columns}, {METADATA_COLUMNS})")


def register_known_buurten(con: duckdb.DuckDBPyConnection) -> None:
    """The buurt map rows are checked against: the warehouse's, or the shipped reference."""
    has_dim = scalar(con, "select count(*) from information_schema.tables "
                          "where table_schema = 'core' and table_name = 'dim_buurt'")
    # A temp table: every file's validation looks codes up in it, and a registered pandas frame
    # or a view over the warehouse would be scanned anew each time.
    if has_dim:
        con.execute("create or replace temp table known_buurten as "
                    "select distinct buurtcode from core.dim_buurt")
    else:
        con.execute("create or replace temp table known_buurten as "
                    "select distinct unnest(?::varchar[]) as buurtcode", [rotterdam_buurtcodes()])


class Settled:
    """The deliveries (sha256, file name) that, sent again, are a duplicate: per partner, dataset
    and period the one in use. A delivery is its bytes *and* its name: the same bytes under another
    name are another delivery (an empty month after an empty month, byte for byte the same). An
    earlier version sent again after its correction replaces the correction: a correction back. A
    refused file sent again is judged again: its receipt says why it is still refused (and a copy
    that was refused in another partner's folder does not stop the right partner's delivery). A
    copy of the delivery in use dropped in another partner's folder is not a duplicate either: it
    is judged, and refused as misfiled."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.in_use = {(partner, dataset, period): (sha, name) for partner, dataset, period, sha, name in con.sql("""
            select partner, dataset, period, sha256, file_name from raw.load_ledger
            where decision in ('accepted', 'accepted_with_warnings')
            qualify row_number() over (partition by partner, dataset, period order by decided_at desc) = 1
            """).fetchall()}

    def is_duplicate(self, partner_folder: str, delivery: tuple[str, str]) -> bool:
        """Whether `delivery`, dropped in this folder, is the one in use for the period its name
        names (a name that names none was never loaded)."""
        try:
            d = parse_file_name(delivery[1])
        except BadFileName:
            return False
        return d.partner == partner_folder and self.in_use.get((d.partner, d.dataset, d.period)) == delivery

    def record(self, outcome: Outcome, delivery: tuple[str, str]) -> None:
        """What deciding on `delivery` settled: a loaded delivery is now the one in use."""
        if not (outcome.refused or outcome.duplicate) and outcome.delivery is not None:
            d = outcome.delivery
            self.in_use[(d.partner, d.dataset, d.period)] = delivery


def delivery_of(landed: Landed, registry: Registry) -> tuple[str, str]:
    """A landed file as Settled knows deliveries (its name as the ledger records it)."""
    return landed.sha256, reported_file_name(landed.original_name, registry)


def loaded_before(con: duckdb.DuckDBPyConnection, outcome: Outcome) -> dict | None:
    """The delivery in use for this file's partner, dataset and period (the last one loaded), or
    None: what loading this file replaces (_load deletes exactly that period)."""
    d = outcome.delivery
    if d is None:
        return None
    row = con.execute("""
        select sha256, rows_loaded, decided_at from raw.load_ledger
        where partner = ? and dataset = ? and period = ? and decision in ('accepted', 'accepted_with_warnings')
        order by decided_at desc limit 1""", [d.partner, d.dataset, d.period]).fetchall()
    if not row:
        return None
    sha256, rows, decided_at = row[0]
    return {"sha256": sha256, "rows_loaded": rows,
            "decided_at": decided_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _ledger_row(con, outcome: Outcome, run_id: str, reasons: list[dict], drop_id: str | None) -> None:
    d = outcome.delivery
    con.execute(f"insert into raw.load_ledger ({LEDGER_COLUMNS}) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        outcome.file_name, outcome.sha256, d.partner if d else None, d.dataset if d else None,
        d.period if d else None, json.dumps(outcome.detected), outcome.rows_read,
        outcome.rows_loaded, outcome.rows_rejected, outcome.rows_warned, outcome.decision,
        json.dumps(reasons),
        json.dumps([r.as_dict() for r in outcome.rules]), run_id, datetime.now(timezone.utc), drop_id])


def _load(con: duckdb.DuckDBPyConnection, outcome: Outcome, contract: Contract, run_id: str,
          drop_id: str | None, before_the_ledger: Callable[[], None] = lambda: None) -> None:
    """Replace the delivery's period for this partner, in one transaction with its ledger row;
    `before_the_ledger` (the history's judgement and the receipts) runs once the rows are in,
    before the ledger row and the commit."""
    d = outcome.delivery
    table = f"raw.{quote(contract.table)}"
    rejected = ", ".join(f"'{name}'" for name in rejected_rule_names(contract))
    columns = ", ".join(quote(c) for c in contract.column_names)
    records = _masked_rejects(con, contract, rejected) if outcome.rows_rejected else None
    now = datetime.now(timezone.utc)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {table} where _partner = ? and _period = ?", [d.partner, d.period])
        con.execute("delete from raw.rejects where partner = ? and dataset = ? and period = ?",
                    [d.partner, d.dataset, d.period])
        con.execute(f"""
            insert into {table}
            select {columns}, ?, ?, ?, ?, _row, ?
            from {VALIDATED} where not list_has_any(_failures, [{rejected}])""",
                    [d.partner, d.period, outcome.file_name, outcome.sha256, now])
        if records is not None:
            con.register("_masked_rejects", records.to_arrow())
            con.execute("""
                insert into raw.rejects
                select ?, ?, ?, ?, _row, _failures, record::json, ? from _masked_rejects""",
                        [outcome.sha256, d.partner, d.dataset, d.period, now])
            con.unregister("_masked_rejects")
        record_profile(con, outcome, now)
        before_the_ledger()
        _ledger_row(con, outcome, run_id, [], drop_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _masked_rejects(con: duckdb.DuckDBPyConnection, contract: Contract, rejected: str) -> pl.DataFrame:
    """Rejected rows as the rejects table keeps them: row number, failed rules and, per column,
    only the masked shape of the value (`[9 cijfers]`); a rejected value may be personal data."""
    raw = ", ".join(quote("raw_" + c) for c in contract.column_names)
    rows = con.sql(f"select _row, _failures, {raw} from {VALIDATED} "
                   f"where list_has_any(_failures, [{rejected}])").pl()
    shapes = [shape_expr(pl.col("raw_" + c)).alias(c) for c in contract.column_names]
    return rows.select("_row", "_failures", record=pl.struct(shapes).struct.json_encode())


def _quarantine(home: DataHome, landed: Landed) -> Path:
    target_dir = home.quarantine / landed.partner_folder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / landed.path.name
    if not target.exists():
        copy_atomically(landed.path, target)
    return target


def _unjudgeable(landed: Landed, error: Exception, registry: Registry) -> Outcome:
    """A file that breaks the validation itself is refused and quarantined, never loaded, and
    never left pending in landing/ to break every later run."""
    return cannot_check(landed.original_name, landed.sha256, error, registry, f"a {landed.partner_folder} file")


def cannot_check(file_name: str, sha256: str, error: Exception, registry: Registry, what: str = "a file") -> Outcome:
    """The refusal of a file that broke the validation itself (the intake's and `check`'s). The
    log names the error's type only: its message could quote the file's content."""
    log.error("Validation of %s failed with %s; the file is refused", what, type(error).__name__)
    outcome = Outcome(file_name=reported_file_name(file_name, registry), sha256=sha256)
    return outcome.refuse("unreadable:cannot_check",
                          "Het bestand kon niet worden gecontroleerd en is daarom niet geladen; "
                          "neem contact op met het datateam.",
                          "The file could not be checked and was therefore not loaded; contact "
                          "the data team.")


def process(con: duckdb.DuckDBPyConnection, home: DataHome, landed: Landed, run_id: str,
            registry: Registry | None = None, already: Settled | None = None,
            inspected: Callable[[], Inspection] | None = None, judge: Judge | None = None) -> Outcome:
    """Decide on one landed file; returns the outcome (receipts written, ledger updated).

    `inspected`: this file's `validate.inspect`, when it was started ahead (see run_intake).
    `judge`: the worker that judges the file against its history while its rows load."""
    registry = registry or load_registry()
    already = Settled(con) if already is None else already
    delivery = delivery_of(landed, registry)
    if already.is_duplicate(landed.partner_folder, delivery):
        name = delivery[1]
        outcome = Outcome(file_name=name, sha256=landed.sha256, duplicate=True)
        if name == landed.original_name:
            outcome.delivery = parse_file_name(name)
        write_receipts(home, landed.partner_folder, outcome)
        _ledger_row(con, outcome, run_id, [], landed.drop_id)
        return outcome
    try:
        outcome = validate(landed.path, registry, con, landed.sha256, file_name=landed.original_name,
                           partner_folder=landed.partner_folder, inspected=inspected)
    except Exception as error:  # noqa: BLE001 - see _unjudgeable
        outcome = _unjudgeable(landed, error, registry)
    # GX: this delivery against the partner's own history (in `judge`'s worker, beside the load)
    judged = judge_against_history(con, outcome, judge) if not outcome.refused else None
    outcome.loaded_before = loaded_before(con, outcome)
    # Quarantine and receipts come before the ledger commit: a crash in between means the file is
    # still pending, is decided again, and both are rewritten; never a decision without a receipt.
    if outcome.refused:
        _quarantine(home, landed)
        write_receipts(home, landed.partner_folder, outcome)
        _ledger_row(con, outcome, run_id,
                    [{"code": p.code, "nl": p.nl, "en": p.en} for p in outcome.problems], landed.drop_id)
    else:
        def judged_and_receipted() -> None:
            judged()
            write_receipts(home, landed.partner_folder, outcome)
        _load(con, outcome, outcome.contract, run_id, landed.drop_id, judged_and_receipted)
    con.execute(f"drop table if exists {VALIDATED}")
    already.record(outcome, delivery)
    return outcome


def pending(con: duckdb.DuckDBPyConnection, home: DataHome,
            registry: Registry | None = None) -> list[tuple[int, Landed]]:
    """(drop time, landed file) for each landed file without a decision (left by a killed run):
    a drop whose id has no ledger row, or, for a file landed before drops had ids, bytes and name
    never decided. A marker of a drop that was decided (the run was killed before removing it)
    is removed here."""
    registry = registry or load_registry()
    decided_drops = {row[0] for row in con.sql(
        "select drop_id from raw.load_ledger where drop_id is not null").fetchall()}
    decided = {(row[0], row[1]) for row in con.sql("select sha256, file_name from raw.load_ledger").fetchall()}
    found = []
    for landed in landed_files(home):
        drop = _drop_of(landed.path)
        if drop is None:
            if delivery_of(landed, registry) not in decided:
                found.append((landed.path.stat().st_mtime_ns, landed))
        elif drop[0] in decided_drops:
            _drop_marker(landed.path).unlink(missing_ok=True)
        else:
            drop_id, dropped_ns = drop
            found.append((dropped_ns or landed.path.stat().st_mtime_ns,
                          replace(landed, drop_id=drop_id)))
    return found


def run_intake(con: duckdb.DuckDBPyConnection, home: DataHome, run_id: str,
               registry: Registry | None = None, on_decided=None) -> list[Outcome]:
    """Land every stable inbox file, then decide on each of them and on any landed file a killed
    run left undecided, oldest first.

    `on_decided(outcome, seconds)`, when given, hears each decision and how long it took
    (the benchmark's throughput per file format)."""
    registry = registry or load_registry()
    ensure_tables(con, registry)
    register_known_buurten(con)
    # We hold the warehouse's write lock, so no other intake is copying: partial copies are
    # leftovers of a killed run.
    for stale in [*home.landing.glob("*/.*.partial"), *home.landing.glob("*/.dropped/*.partial")]:
        stale.unlink(missing_ok=True)
    # Every file taken from the inbox is decided, in the order it was dropped (ties: inbox
    # order), new or landed before (a duplicate with its receipt, or a correction back): a file
    # never leaves the inbox without a decision, and of two versions the later one ends in use.
    # Files a killed run landed but did not decide are among them, in the order they were dropped
    # (at equal times before this run's, which were landed later).
    dropped = []
    for order, (partner_folder, path) in enumerate(inbox_candidates(home)):
        when = path.stat().st_mtime_ns
        dropped.append((when, 1, order, land(home, partner_folder, path)[0]))
    taken = {landed.path for *_, landed in dropped}
    dropped += [(when, 0, order, landed) for order, (when, landed) in enumerate(pending(con, home, registry))
                if landed.path not in taken]
    todo = [landed for *_, landed in sorted(dropped, key=lambda d: d[:3])]
    already = Settled(con)
    # Many files: GX judges in a worker process beside the loads (history.Judge); a few: here,
    # its import started in a thread (a worker's start would cost more than it saves), unless
    # the command forked its judge as it started (history.judge_from_the_start).
    early = early_judge()
    apart = early is None and len(todo) >= JUDGE_APART_FROM and Judge.possible()
    judging = Judge() if apart else nullcontext(early)
    if len(todo) > 1 and early is None and not apart:
        warm_up()
    outcomes = []
    # The next file is read, privacy-scanned and parsed in a second thread while this one goes
    # through DuckDB, GX and the receipts: polars and DuckDB release the GIL, so both cores
    # work. One file ahead at most: memory stays bounded by two files. The warehouse is only
    # ever touched here, one file and one transaction at a time, in the order of `todo`.
    with checkpoints_deferred(con), ThreadPoolExecutor(max_workers=1, thread_name_prefix="inspect") as ahead, \
            judging as judge:
        def start(landed: Landed) -> Future | None:
            if already.is_duplicate(landed.partner_folder, delivery_of(landed, registry)):
                return None  # a duplicate needs no inspection
            return ahead.submit(inspect, landed.path, registry, landed.sha256,
                                landed.original_name, landed.partner_folder)

        upcoming = start(todo[0]) if todo else None
        for position, landed in enumerate(todo):
            started = time.perf_counter()
            current = upcoming
            upcoming = start(todo[position + 1]) if position + 1 < len(todo) else None
            outcomes.append(process(con, home, landed, run_id, registry, already,
                                    current.result if current else None, judge))
            _drop_marker(landed.path).unlink(missing_ok=True)  # decided: the ledger says so now
            if on_decided:
                on_decided(outcomes[-1], time.perf_counter() - started)
    return outcomes
