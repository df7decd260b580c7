"""Run the adversarial corpus through the real intake and search every byte it left behind.

Cases come from every `tests/corpus/cases_*.py` (discovered by glob, so new modules plug in).
Cases are batched into data homes so that no home holds two cases of the same partner and
dataset (their decisions could depend on each other's history); a case with earlier deliveries
(`before`) has its partner to itself. Per home: the `before` files are taken in first, then the
cases, each through the intake (landing, validation, load or quarantine, receipts, ledger; the
first home as the Dagster job, so its event log and asset-check metadata are searched too) and
through `wijkwijzer check` (its stdout). Then every file under the home outside quarantine/ and
landing/ is searched byte for byte for every planted value in several notations, and so is a
text dump of every table in the warehouse (DuckDB compresses strings, so raw bytes alone could
miss one), the captured log records and the `check` output.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.check import check_file
from engine.home import DataHome
from quality.intake import run_intake
from engine.warehouse import open_warehouse
from sources.contracts import load_registry

CORPUS_DIR = Path(__file__).parent
KEPT = ("quarantine", "landing")  # the only places original bytes may stay
ACCEPTED = ("accepted", "accepted_with_warnings")


@dataclass
class Result:
    case: dict
    decision: str
    reasons: list[str]
    leaks: list[str] = field(default_factory=list)  # "<notation> in <place>"
    check_exit: int | None = None

    @property
    def decided_as_expected(self) -> bool:
        accepted = self.decision in ACCEPTED
        if self.case["expect"] == "accepted":
            return accepted
        reason = self.case.get("reason")
        return self.decision == "refused" and (not reason or any(reason in r for r in self.reasons))

    @property
    def kind(self) -> str:
        """TP/TN as expected; FP = a must-be-accepted file refused; FN = a must-be-refused file
        loaded (or refused for another reason than the one planted)."""
        if self.case["expect"] == "accepted":
            return "TN" if self.decided_as_expected else "FP"
        return "TP" if self.decided_as_expected else "FN"


def discover_cases() -> list[dict]:
    found = []
    for module_path in sorted(CORPUS_DIR.glob("cases_*.py")):
        module = importlib.import_module(f"tests.corpus.{module_path.stem}")
        found += module.cases()
    ids = [c["id"] for c in found]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate corpus case ids: {sorted(duplicates)}")
    return found


def batches(cases: list[dict]) -> list[list[dict]]:
    """Fewest homes such that no two cases in a home share partner and dataset (or, for a case
    with earlier deliveries, the partner)."""
    homes: list[tuple[set, list[dict]]] = []
    for case in cases:
        # identical bytes in one home would be a re-delivery, decided as a duplicate
        keys = {(case["partner"], _dataset(case["filename"])), ("sha256", _sha(case["content"]))}
        if case.get("before"):
            keys.add((case["partner"], "*"))
        for taken, members in homes:
            clash = keys & taken or (case["partner"], "*") in taken or (
                case.get("before") and any(k[0] == case["partner"] for k in taken))
            if not clash:
                taken.update(keys)
                members.append(case)
                break
        else:
            homes.append((set(keys), [case]))
    return [members for _, members in homes]


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _dataset(filename: str) -> str:
    parts = filename.split("__")
    return parts[1] if len(parts) > 2 else filename


def run_corpus(cases: list[dict], workdir: Path, through_dagster: int = 1) -> list[Result]:
    """The first `through_dagster` homes run the intake as the Dagster job does (event log,
    compute logs and asset-check metadata then lie in the home and are searched too); the rest
    call the same intake directly, which is faster."""
    homes = batches(cases)  # the homes with most accepted files first: their checks run in Dagster
    homes.sort(key=lambda members: -sum(c["expect"] == "accepted" for c in members))
    results = []
    for number, members in enumerate(homes):
        results += _run_home(members, workdir / f"home{number:02d}", number < through_dagster)
    return results


def _deliver(home: DataHome, partner: str, filename: str, content: bytes) -> Path:
    folder = home.partner_inbox(partner)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_bytes(content)
    os.utime(path, (0, 0))  # settled: the inbox takes files that stopped changing
    return path


def _intake(home: DataHome, run_id: str, dagster: bool) -> None:
    if not dagster:
        with open_warehouse(home.warehouse) as con:
            run_intake(con, home, run_id)
        return
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.sensors import INTAKE_JOB

    with dg.instance_for_test(temp_dir=str(home.dagster_home)) as instance:
        result = build_definitions(home).resolve_job_def(INTAKE_JOB).execute_in_process(
            instance=instance, raise_on_error=False, tags={"corpus": run_id})
    if not result.success:
        raise RuntimeError(f"the Dagster intake job failed in {home.root}")


def _decisions(home: DataHome) -> dict[str, tuple[str, list[str]]]:
    """SHA-256 -> (decision, refusal codes), from the ledger: the record of every decision (by
    hash: the ledger keeps an unagreed file name only as its length)."""
    with open_warehouse(home.warehouse, read_only=True) as con:
        rows = con.sql("select sha256, decision, reasons from raw.load_ledger "
                       "order by decided_at").fetchall()
    return {sha: (decision, [r["code"] for r in json.loads(reasons or "[]")])
            for sha, decision, reasons in rows}


def _run_home(members: list[dict], root: Path, dagster: bool = False) -> list[Result]:
    home = DataHome(root).ensure(list(load_registry().partners))
    records = _LogCapture()
    logging.getLogger().addHandler(records)
    previous_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        earlier = [(c["partner"], name, data) for c in members for name, data in c.get("before", [])]
        for partner, name, data in earlier:
            _deliver(home, partner, name, data)
        if earlier:
            _intake(home, "corpus-before", dagster)
        for case in members:
            _deliver(home, case["partner"], case["filename"], case["content"])
        _intake(home, "corpus", dagster)
        decisions = _decisions(home)
        check_output = {}
        for case in members:
            checked = root.parent / f"check-{case['id']}" / case["filename"]
            checked.parent.mkdir(parents=True, exist_ok=True)
            checked.write_bytes(case["content"])
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                # JSON holds every text a receipt renders (nl and en), so one run covers both
                exit_code = check_file(checked, as_json=True)
            check_output[case["id"]] = (out.getvalue(), exit_code)
    finally:
        logging.getLogger().removeHandler(records)
        logging.getLogger().setLevel(previous_level)
    places = _searchable(home) + [("logs", records.text())]
    results = []
    for case in members:
        decision, reasons = decisions.get(_sha(case["content"]), ("not_decided", []))
        result = Result(case, decision, reasons, check_exit=check_output[case["id"]][1])
        result.leaks = _leaks(case, places + [("check output", check_output[case["id"]][0])])
        results.append(result)
    return results


class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


def _searchable(home: DataHome) -> list[tuple[str, str]]:
    """(place, text) for every file outside quarantine/ and landing/, and the warehouse dump."""
    places = []
    for path in sorted(home.root.rglob("*")):
        relative = path.relative_to(home.root)
        if not path.is_file() or relative.parts[0] in KEPT:
            continue
        places.append((str(relative), path.read_bytes().decode("latin-1")))
    if home.warehouse.exists():
        with open_warehouse(home.warehouse, read_only=True) as con:
            tables = con.sql("select table_schema, table_name from information_schema.tables").fetchall()
            dump = []
            for schema, table in tables:
                rows = con.sql(f'select * from "{schema}"."{table}"').fetchall()
                dump.append(f"{schema}.{table}: {rows!r}")
        places.append(("warehouse tables", "\n".join(dump)))
    return places


def notations(value: str) -> set[str]:
    """A planted value as it could end up somewhere: as written, lower-case, without spaces,
    letters and digits only, digits only (long enough to mean something)."""
    forms = {value, value.lower(), value.replace(" ", ""), value.lower().replace(" ", "")}
    alnum = re.sub(r"[^0-9a-z]", "", value.lower())
    digits = re.sub(r"[^0-9]", "", value)
    if len(alnum) >= 6:
        forms.add(alnum)
    if len(digits) >= 7:
        forms.add(digits)
    return {form for form in forms if len(form) >= 4}


def _leaks(case: dict, places: list[tuple[str, str]]) -> list[str]:
    found = []
    for value in case.get("never", []):
        for form in notations(value):
            for place, text in places:
                if form in text or form.lower() in text.lower():
                    found.append(f"{form!r} in {place}")
    return found


def table(results: list[Result]) -> str:
    """The note's table: case, expected, decision, reasons, kind, leaks; then the counts."""
    lines = [f"{'case':45} {'expect':9} {'decision':23} {'kind':4} {'leaks':5} reasons"]
    for r in results:
        lines.append(f"{r.case['id']:45} {r.case['expect']:9} {r.decision:23} {r.kind:4} "
                     f"{len(r.leaks):5} {','.join(r.reasons)}")
    counts = {kind: sum(r.kind == kind for r in results) for kind in ("TP", "TN", "FP", "FN")}
    leaking = sum(bool(r.leaks) for r in results)
    lines.append(f"\n{len(results)} cases: {counts['TP']} refused as expected, {counts['TN']} accepted "
                 f"as expected, {counts['FP']} false positives, {counts['FN']} false negatives, "
                 f"{leaking} cases with a planted value outside quarantine/ and landing/")
    return "\n".join(lines)
