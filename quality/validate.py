"""One validation for a partner file, used by intake and by `wijkwijzer check` alike.

Order: file name → registry → read (dialect detection) → columns → privacy guard → contract
rules in DuckDB. The first four refuse the whole file; contract rules refuse it only when more
than a small share of rows fail a fatal rule, otherwise bad rows are set aside with their reason.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from quality.contract_sql import KEY_REPEATED, RuleSpec, all_checks, quote, sql_string, validation_query
from quality.file_scan import UncheckablePart, outside_the_columns, scan_file_extras
from quality.masking import safe_column_name, safe_sheet_name, shape
from quality.harm import delivery_problems, period_problem
from quality.privacy import scan as privacy_scan
from sources.contracts import (MAX_FATAL_SHARE, BadFileName, Contract, Delivery, Registry,
                               first_delivery_month, month_partition,
                               check_period_kind, parse_file_name)
from sources.parsing import parse_columns
from sources.readers import UnreadableFile, read_export

VALIDATED = "_validated"


@dataclass(frozen=True)
class Problem:
    """A reason a whole file is refused, in both languages, never holding a raw value."""
    code: str
    nl: str
    en: str


@dataclass
class RuleResult:
    rule: str
    column: str | None
    severity: str
    failed_rows: int
    example: str | None
    first_row: int | None
    nl: str
    en: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class Outcome:
    file_name: str
    sha256: str
    delivery: Delivery | None = None
    contract: Contract | None = None
    detected: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rules: list[RuleResult] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    duplicate: bool = False  # these exact bytes were decided on before
    history: list = field(default_factory=list)  # gx_bridge.HistoryFinding, judged at intake only
    # The delivery of this period loaded before (sha256, rows_loaded, decided_at), set at intake:
    # what an accepted file replaces, or what stays in use when it is refused.
    loaded_before: dict | None = None

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def rows_loaded(self) -> int:
        return 0 if self.refused or self.duplicate else self.rows_read - self.rows_rejected

    @property
    def decision(self) -> str:
        if self.duplicate:
            return "duplicate"
        if self.refused:
            return "refused"
        # Warnings: rows set aside or warned about, and history findings (or a history that
        # could not be judged), which are all on `rules` as warnings.
        if self.rows_rejected or self.rows_warned or any(r.severity == "warning" for r in self.rules):
            return "accepted_with_warnings"
        return "accepted"

    def refuse(self, code: str, nl: str, en: str) -> "Outcome":
        self.problems.append(Problem(code, nl, en))
        return self


def mask_example(value: str | None, column_type: str | None = None) -> str | None:
    """Receipts show the shape of what was wrong, never the value or any part of it: a value
    that breaks a contract rule may be personal data typed into the wrong column."""
    return shape(value)


def _check_columns(outcome: Outcome, headers: list[str], contract: Contract) -> None:
    missing = [c for c in contract.required_columns if c not in headers]
    unknown = [h for h in headers if h not in contract.column_names]
    if headers and len(unknown) == len(headers):
        # Not one agreed name: the first line is data, not a header. Never quote it back.
        outcome.refuse("no_header",
                       f"De eerste regel bevat geen kolomnamen uit de afspraak; is de kopregel "
                       f"vergeten? Begin het bestand met de kolomnamen: "
                       f"{', '.join(contract.column_names)}.",
                       f"The first line holds none of the agreed column names; is the header row "
                       f"missing? Start the file with the column names: "
                       f"{', '.join(contract.column_names)}.")
        return
    if missing:
        outcome.refuse("missing_columns",
                       f"Verplichte kolommen ontbreken: {', '.join(missing)}.",
                       f"Required columns are missing: {', '.join(missing)}.")
    if unknown:
        # By position as well: a header the receipt does not know is shown by its shape only.
        named = [(safe_column_name(h), headers.index(h) + 1) for h in unknown[:5]]
        shown_nl = ", ".join(f"{name} (kolom {position})" for name, position in named)
        shown_en = ", ".join(f"{name} (column {position})" for name, position in named)
        outcome.refuse("unknown_columns",
                       f"Onbekende kolommen ({len(unknown)}), bijvoorbeeld: {shown_nl}. Lever alleen de "
                       f"kolommen uit de afspraak: {', '.join(contract.column_names)}.",
                       f"Unknown columns ({len(unknown)}), for example: {shown_en}. Deliver only the "
                       f"agreed columns: {', '.join(contract.column_names)}.")


def reported_file_name(name: str, registry: Registry) -> str:
    """The file name as receipts and the ledger record it: as delivered when it names an agreed
    delivery, otherwise only its length (a care worker may name a file after a client)."""
    try:
        delivery = parse_file_name(name)
        registry.contract_for(delivery.partner, delivery.dataset)
        return name
    except (BadFileName, KeyError):
        return f"[bestandsnaam, {len(name)} tekens]"


def _quoted_names_masked(message: str) -> str:
    """A reader message quotes sheet and column names ('column 'x' appears twice'); in a file
    without a header row those are data, so they are quoted only when they read as names."""
    return re.sub(r"'([^']*)'", lambda m: f"'{safe_column_name(m.group(1))}'", message)


@dataclass
class Inspection:
    """A file judged as far as it can be without the warehouse: the outcome so far and, unless
    it is already refused, its rows parsed to the contract's types."""
    outcome: Outcome
    parsed: pl.DataFrame | None = None


def validate(path: Path, registry: Registry, con: duckdb.DuckDBPyConnection, sha256: str,
             file_name: str | None = None, partner_folder: str | None = None,
             inspected: Callable[[], Inspection] | None = None) -> Outcome:
    """Validate a file; on success leaves temp table `_validated` in `con` (typed rows + failures).

    `con` must have a relation `known_buurten(buurtcode)`. `inspected`, when given, returns
    this file's `inspect` done elsewhere (intake inspects the next file while loading this one).
    """
    if inspected is None:
        inspection = inspect(path, registry, sha256, file_name, partner_folder)
    else:
        inspection = inspected()
    outcome = inspection.outcome
    if inspection.parsed is None:
        return outcome
    delivery, contract = outcome.delivery, outcome.contract
    _apply_contract(outcome, inspection.parsed, contract, delivery, con)
    for problem in delivery_problems(con, VALIDATED, contract, outcome.rows_read, outcome.rows_rejected,
                                     delivery.period_bounds()[1], outcome.refused):
        outcome.refuse(*problem)
    return outcome


def inspect(path: Path, registry: Registry, sha256: str, file_name: str | None = None,
            partner_folder: str | None = None) -> Inspection:
    """File name → registry → read → columns → privacy guard → typed parse: all before DuckDB.

    Touches no connection and no shared state, so it may run in another thread."""
    found = _inspect(path, registry, sha256, file_name, partner_folder)
    if isinstance(found, Outcome):
        return Inspection(found)
    outcome, frame = found
    parsed = parse_columns(frame, outcome.contract.columns, outcome.detected.get("decimal"),
                           typed_source=outcome.detected.get("format") == "parquet")
    parsed = parsed.with_columns(pl.struct(list(outcome.contract.key)).is_duplicated().alias(KEY_REPEATED))
    return Inspection(outcome, parsed)


def _inspect(path: Path, registry: Registry, sha256: str, file_name: str | None,
             partner_folder: str | None) -> Outcome | tuple[Outcome, pl.DataFrame]:
    """The outcome when the file is refused before its rows are typed, else (outcome, frame)."""
    file_name = file_name or path.name
    outcome = Outcome(file_name=reported_file_name(file_name, registry), sha256=sha256)
    try:
        delivery = parse_file_name(file_name)
    except BadFileName as error:
        return outcome.refuse("bad_file_name", f"Bestandsnaam klopt niet: {error.message_nl}.",
                              f"File name is not as agreed: {error}.")
    if delivery.partner not in registry.partners:
        return outcome.refuse("unknown_dataset",
                              "Niet afgesproken levering: de bestandsnaam noemt geen bekende partner.",
                              "Not an agreed delivery: the file name names no known partner.")
    if partner_folder is not None and partner_folder != delivery.partner:
        return outcome.refuse("wrong_folder",
                              f"Het bestand staat in de map van '{partner_folder}' maar noemt partner "
                              f"'{delivery.partner}'.",
                              f"The file is in the folder of '{partner_folder}' but names partner "
                              f"'{delivery.partner}'.")
    try:
        contract = registry.contract_for(delivery.partner, delivery.dataset)
    except KeyError:
        # The dataset part of the name is the partner's text: it is not repeated.
        datasets = ", ".join(registry.partners[delivery.partner].datasets)
        return outcome.refuse("unknown_dataset",
                              f"Niet afgesproken levering: {delivery.partner} levert deze dataset "
                              f"niet (afgesproken: {datasets}).",
                              f"Not an agreed delivery: {delivery.partner} does not deliver this "
                              f"dataset (agreed: {datasets}).")
    outcome.delivery = delivery
    try:
        check_period_kind(delivery, contract)
    except BadFileName as error:
        return outcome.refuse("unknown_dataset", f"Niet afgesproken levering: {error.message_nl}.",
                              f"Not an agreed delivery: {error}.")
    outcome.contract = contract
    if problem := period_problem(contract, delivery):
        return outcome.refuse(*problem)
    if contract.period == "monthly" and month_partition(delivery.period, table=contract.table) is None:
        first = first_delivery_month(contract.table)
        return outcome.refuse("period_out_of_range",
                              f"De maand {delivery.period} valt buiten de afgesproken periode "
                              f"(vanaf {first} tot en met de huidige maand).",
                              f"The month {delivery.period} is outside the agreed range "
                              f"(from {first} up to the current month).")
    try:
        result = read_export(path, dataset=delivery.dataset)
    except UnreadableFile as error:
        return outcome.refuse(f"unreadable:{error.reason_code}",
                              f"Het bestand is niet te lezen: {_quoted_names_masked(error.message_nl)}.",
                              f"The file cannot be read: {_quoted_names_masked(error.message)}.")
    outcome.detected = result.detected.as_dict()
    if outcome.detected.get("sheet"):  # a sheet name is partner text too
        outcome.detected["sheet"] = safe_sheet_name(outcome.detected["sheet"])
    frame = result.frame
    outcome.rows_read = frame.height
    if frame.height == 0 and (contract.full_history or contract.period == "snapshot"):
        # A newest delivery replaces the whole history: an empty one would erase it.
        return outcome.refuse("no_rows", "Het bestand bevat geen rijen, maar deze levering vervangt "
                              "de hele geschiedenis. Lever het volledige bestand.",
                              "The file has no rows, but this delivery replaces the whole history. "
                              "Deliver the complete file.")
    _check_columns(outcome, frame.columns, contract)
    pseudonyms = {c.name for c in contract.columns if c.type == "pseudonym"}
    dates = {c.name for c in contract.columns if c.type in ("date", "month")}
    categories = {c.name: c.values for c in contract.columns if c.values}
    ids = {c.name for c in contract.columns if c.type == "id"}
    places = {c.name for c in contract.columns if c.type == "id" and c.place}
    findings = privacy_scan(frame, pseudonym_columns=pseudonyms,
                            allowed_columns=set(contract.column_names), date_columns=dates,
                            categories=categories, id_columns=ids, place_id_columns=places)
    try:
        findings += scan_file_extras(path, result.detected.sheet, result.original_headers,
                                     result.sheet_names)
    except UncheckablePart as part:
        return outcome.refuse("unreadable:uncheckable_part", part.message_nl, part.message_en)
    except Exception:  # a part we cannot inspect could hold anything: never load it unseen
        return outcome.refuse("unreadable:hidden_parts",
                              "Niet alles in het bestand is te lezen (werkbladen, opmerkingen); "
                              "lever alleen het werkblad met de gegevens aan.",
                              "Not everything in the file can be read (sheets, comments); deliver "
                              "only the sheet with the data.")
    for finding in findings:
        outcome.refuse(f"privacy:{finding.rule}", finding.message_nl, finding.message_en)
        # a finding outside the columns names no column of the partner's: its message says where
        column = "—" if outside_the_columns(finding) else safe_column_name(finding.column)
        outcome.rules.append(RuleResult(f"privacy.{finding.rule}", column, "fatal",
                                        finding.count, finding.example, None,
                                        finding.message_nl, finding.message_en))
    if outcome.refused:
        return outcome
    return outcome, frame


def _apply_contract(outcome: Outcome, parsed: pl.DataFrame, contract: Contract, delivery: Delivery,
                    con: duckdb.DuckDBPyConnection) -> None:
    """`parsed`: the rows as `inspect` typed them, with KEY_REPEATED."""
    # String views as polars holds them: no copy of every text column on the way to DuckDB.
    con.register("delivery", parsed.to_arrow(compat_level=pl.CompatLevel.newest()))
    start, end = delivery.period_bounds()
    con.execute(f"create or replace temp table {VALIDATED} as " + validation_query(contract),
                {"period_start": start, "period_end": end})
    con.unregister("delivery")
    specs = {spec.name: spec for spec, _ in all_checks(contract)}
    types = {c.name: c.type for c in contract.columns}
    counts = con.sql(f"""
        select rule, count(*) as n, min(_row) as first_row
        from (select _row, unnest(_failures) as rule from {VALIDATED})
        group by rule order by rule""").fetchall()
    # Each failing rule's first failing row, all fetched in one query (masked below).
    example_columns = sorted({specs[rule].column for rule, _, _ in counts if specs[rule].column})
    examples = {}
    if example_columns:
        raw = ", ".join(quote("raw_" + c) for c in example_columns)
        for row in con.execute(f"select _row, {raw} from {VALIDATED} where _row in "
                               f"(select unnest(?::bigint[]))", [[r for _, _, r in counts]]).fetchall():
            examples[row[0]] = dict(zip(example_columns, row[1:]))
    for rule, n, first_failing_row in counts:
        spec: RuleSpec = specs[rule]
        example = None
        if spec.column:
            value = examples.get(first_failing_row, {}).get(spec.column)
            example = mask_example(value, types[spec.column])
        outcome.rules.append(RuleResult(rule, spec.column, spec.severity, n, example, first_failing_row,
                                        spec.nl, spec.en))
    # Most deliveries break no rule: then no row has a worst severity to count.
    severity_rows = dict(con.execute(f"""
        select severity, count(*) from (
            select _row, {_worst_severity_sql(specs)} as severity from {VALIDATED}
            where len(_failures) > 0)
        group by severity""").fetchall()) if counts else {}
    fatal = severity_rows.get("fatal", 0)
    outcome.rows_rejected = fatal + severity_rows.get("error", 0)
    outcome.rows_warned = severity_rows.get("warning", 0)
    if outcome.rows_read and fatal > MAX_FATAL_SHARE * outcome.rows_read:
        outcome.refuse("fatal_rows",
                       f"{fatal} van {outcome.rows_read} rijen breken een harde regel "
                       f"(meer dan {MAX_FATAL_SHARE:.0%}); zie de regels hieronder.",
                       f"{fatal} of {outcome.rows_read} rows break a fatal rule "
                       f"(more than {MAX_FATAL_SHARE:.0%}); see the rules below.")


def _worst_severity_sql(specs: dict[str, RuleSpec]) -> str:
    by_severity = {s: [n for n, spec in specs.items() if spec.severity == s]
                   for s in ("fatal", "error", "warning")}
    parts = [f"when list_has_any(_failures, [{', '.join(sql_string(n) for n in names)}]) then '{s}'"
             for s, names in by_severity.items() if names]
    return "case " + " ".join(parts) + " end"


def rejected_rule_names(contract: Contract) -> list[str]:
    """Rules whose failure keeps a row out of the warehouse (fatal and error)."""
    return [spec.name for spec, _ in all_checks(contract) if spec.severity in ("fatal", "error")]
