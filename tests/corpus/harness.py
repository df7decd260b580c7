"""Run the adversarial corpus through the real intake and search every byte it left behind.

Cases come from every `tests/corpus/cases_*.py` (discovered by glob, so new modules plug in).
Cases are batched into data homes so that no home holds two cases of the same partner and
dataset (their decisions could depend on each other's history); a case with earlier deliveries
(`before`) has its partner to itself. Per home: the `before` files are taken in first, then the
cases, each through `run_intake` (landing, validation, load or quarantine, receipts, ledger) and
through `wijkwijzer check` (its stdout). Then every file under the home outside quarantine/ and
landing/ is searched byte for byte for every planted value in several notations, and so is a
text dump of every table in the warehouse (DuckDB compresses strings, so raw bytes alone could
miss one), the captured log records and the `check` output.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.check import check_file
from pipelines.home import DataHome
from pipelines.intake import run_intake
from pipelines.warehouse import open_warehouse
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
        keys = {(case["partner"], _dataset(case["filename"]))}
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


def _dataset(filename: str) -> str:
    parts = filename.split("__")
    return parts[1] if len(parts) > 2 else filename


def run_corpus(cases: list[dict], workdir: Path) -> list[Result]:
    results = []
    for number, members in enumerate(batches(cases)):
        results += _run_home(members, workdir / f"home{number:02d}")
    return results


def _deliver(home: DataHome, partner: str, filename: str, content: bytes) -> Path:
    folder = home.partner_inbox(partner)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_bytes(content)
    os.utime(path, (0, 0))  # settled: the inbox takes files that stopped changing
    return path


def _run_home(members: list[dict], root: Path) -> list[Result]:
    home = DataHome(root).ensure(list(load_registry().partners))
    records = _LogCapture()
    logging.getLogger().addHandler(records)
    previous_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        with open_warehouse(home.warehouse) as con:
            earlier = [(c["partner"], name, data) for c in members for name, data in c.get("before", [])]
            for partner, name, data in earlier:
                _deliver(home, partner, name, data)
            if earlier:
                run_intake(con, home, "corpus-before")
            for case in members:
                _deliver(home, case["partner"], case["filename"], case["content"])
            outcomes = {o.file_name: o for o in run_intake(con, home, "corpus")}
        check_output = {}
        for case in members:
            checked = root.parent / f"check-{case['id']}" / case["filename"]
            checked.parent.mkdir(parents=True, exist_ok=True)
            checked.write_bytes(case["content"])
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                exit_code = check_file(checked, lang="nl") + 10 * check_file(checked, "en", as_json=True)
            check_output[case["id"]] = (out.getvalue(), exit_code)
    finally:
        logging.getLogger().removeHandler(records)
        logging.getLogger().setLevel(previous_level)
    places = _searchable(home) + [("logs", records.text())]
    results = []
    for case in members:
        outcome = outcomes.get(case["filename"])
        result = Result(case, outcome.decision if outcome else "not_decided",
                        [p.code for p in outcome.problems] if outcome else [],
                        check_exit=check_output[case["id"]][1])
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
