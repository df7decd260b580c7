"""One validation for a partner file, used by intake and by `wijkwijzer check` alike.

Order: file name → registry → read (dialect detection) → columns → privacy guard → contract
rules in DuckDB. The first four refuse the whole file; contract rules refuse it only when more
than a small share of rows fail a fatal rule, otherwise bad rows are set aside with their reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.warehouse import first_row
from quality.contract_sql import RuleSpec, all_checks, quote, sql_string, validation_query
from quality.privacy import scan as privacy_scan
from sources.contracts import (MAX_FATAL_SHARE, BadFileName, Contract, Delivery, Registry,
                               first_delivery_month, month_partition,
                               check_period_kind, parse_file_name)
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
        if self.rows_rejected or self.rows_warned:
            return "accepted_with_warnings"
        return "accepted"

    def refuse(self, code: str, nl: str, en: str) -> "Outcome":
        self.problems.append(Problem(code, nl, en))
        return self


def mask_example(value: str | None, column_type: str | None) -> str | None:
    """Receipts show what was wrong without repeating anything that could identify."""
    if value is None:
        return None
    if column_type in (None, "id"):
        return value[:2] + "***" if len(value) > 2 else "***"
    if column_type == "pseudonym":
        return value[:4] + "…"
    return value[:24] + ("…" if len(value) > 24 else "")


def _check_columns(outcome: Outcome, headers: list[str], contract: Contract) -> None:
    missing = [c for c in contract.required_columns if c not in headers]
    unknown = [h for h in headers if h not in contract.column_names]
    if missing:
        outcome.refuse("missing_columns",
                       f"Verplichte kolommen ontbreken: {', '.join(missing)}.",
                       f"Required columns are missing: {', '.join(missing)}.")
    if unknown:
        shown = ", ".join(mask_example(h, "category") for h in unknown[:5])
        outcome.refuse("unknown_columns",
                       f"Onbekende kolommen ({len(unknown)}), bijvoorbeeld: {shown}. Lever alleen de "
                       f"kolommen uit de afspraak: {', '.join(contract.column_names)}.",
                       f"Unknown columns ({len(unknown)}), for example: {shown}. Deliver only the "
                       f"agreed columns: {', '.join(contract.column_names)}.")


def validate(path: Path, registry: Registry, con: duckdb.DuckDBPyConnection, sha256: str,
             file_name: str | None = None, partner_folder: str | None = None) -> Outcome:
    """Validate a file; on success leaves temp table `_validated` in `con` (typed rows + failures).

    `con` must have a relation `known_buurten(buurtcode)`.
    """
    file_name = file_name or path.name
    outcome = Outcome(file_name=file_name, sha256=sha256)
    try:
        delivery = parse_file_name(file_name)
    except BadFileName as error:
        return outcome.refuse("bad_file_name", f"Bestandsnaam klopt niet: {error}.",
                              f"File name is not as agreed: {error}.")
    outcome.delivery = delivery
    if partner_folder is not None and partner_folder != delivery.partner:
        return outcome.refuse("wrong_folder",
                              f"Het bestand staat in de map van '{partner_folder}' maar noemt partner "
                              f"'{delivery.partner}'.",
                              f"The file is in the folder of '{partner_folder}' but names partner "
                              f"'{delivery.partner}'.")
    try:
        contract = registry.contract_for(delivery.partner, delivery.dataset)
        check_period_kind(delivery, contract)
    except (KeyError, BadFileName) as error:
        reason = str(error).strip("'\"")
        return outcome.refuse("unknown_dataset", f"Niet afgesproken levering: {reason}.",
                              f"Not an agreed delivery: {reason}.")
    outcome.contract = contract
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
                              f"Het bestand is niet te lezen: {error}.",
                              f"The file cannot be read: {error}.")
    outcome.detected = result.detected.as_dict()
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
    for finding in privacy_scan(frame, pseudonym_columns=pseudonyms,
                                allowed_columns=set(contract.column_names)):
        outcome.refuse(f"privacy:{finding.rule}", finding.message_nl, finding.message_en)
        outcome.rules.append(RuleResult(f"privacy.{finding.rule}", finding.column, "fatal",
                                        finding.count, finding.example, None,
                                        finding.message_nl, finding.message_en))
    if outcome.refused:
        return outcome
    _apply_contract(outcome, frame, contract, delivery, con)
    return outcome


def _apply_contract(outcome: Outcome, frame, contract: Contract, delivery: Delivery,
                    con: duckdb.DuckDBPyConnection) -> None:
    for name in contract.column_names:  # optional columns a partner left out
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    con.register("delivery", frame.select(contract.column_names).to_arrow())
    start, end = delivery.period_bounds()
    decimal_comma = outcome.detected.get("decimal") == ","
    con.execute(f"create or replace temp table {VALIDATED} as "
                + validation_query(contract, decimal_comma),
                {"period_start": start, "period_end": end})
    con.unregister("delivery")
    specs = {spec.name: spec for spec, _ in all_checks(contract)}
    types = {c.name: c.type for c in contract.columns}
    counts = con.sql(f"""
        select rule, count(*) as n, min(_row) as first_row
        from (select _row, unnest(_failures) as rule from {VALIDATED})
        group by rule order by rule""").fetchall()
    for rule, n, first_failing_row in counts:
        spec: RuleSpec = specs[rule]
        example = None
        if spec.column:
            example = first_row(con, f"select {quote('raw_' + spec.column)} from {VALIDATED} "
                                  "where _row = ?", [first_failing_row])
            example = mask_example(example[0] if example else None, types[spec.column])
        outcome.rules.append(RuleResult(rule, spec.column, spec.severity, n, example, first_failing_row,
                                        spec.nl, spec.en))
    severity_rows = dict(con.execute(f"""
        select severity, count(*) from (
            select _row, {_worst_severity_sql(specs)} as severity from {VALIDATED}
            where len(_failures) > 0)
        group by severity""").fetchall())
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
