"""Contract rules → one DuckDB query that lists each row's failures.

Rules are data in `sources/contracts/`; this module only turns them into SQL. Typing is not done
here: `sources.parsing.parse_columns` gives each column typed, as text (`raw_<name>`) and with the
reason a value could not be typed (`_issue_<name>`), so `check` and the load share one parser.
Identifiers come from the contract (ours) and are quoted anyway; values from files are never
spliced into SQL: they arrive as a registered Arrow table, and the period bounds as bound parameters.
"""
from __future__ import annotations

from dataclasses import dataclass

from sources.contracts import Contract, Column
from sources.parsing import AMBIGUOUS_NUMBER, INVALID, NOT_WHOLE, TWO_DIGIT_YEAR

BUURTCODE_PATTERN = "^BU[0-9]{4}[0-9A-Z]{4}$"
PSEUDONYM_PATTERN = "^[0-9a-f]{64}$"
# Ids are codes, not text: this keeps formulas (=HYPERLINK(...)), SQL and names out of every
# export that repeats an id.
# Latin letters with diacritics (Zoë-123 from a Windows-1252 export) are letters too; the ranges
# are spelled out because DuckDB (RE2) and GX (Python re) disagree on \w and \p{L}.
ID_LETTERS = "A-Za-z0-9À-ÖØ-öø-ÿĀ-ſ"
ID_PATTERN = f"^[{ID_LETTERS}][{ID_LETTERS}_.:/-]{{0,63}}$"
# Set on each row whose key occurs more than once in the file, by the caller (a hash in polars:
# a window over the key in SQL sorted every delivery, and its order had to be restored after).
KEY_REPEATED = "_key_repeated"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sql_string(value: str) -> str:
    """A literal from the contract (allowed category values); never used for file content."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class RuleSpec:
    """One check as it appears in ledgers, receipts and asset checks."""
    name: str
    column: str | None
    severity: str
    nl: str
    en: str


# Why the parser could not type a value (sources.parsing), one rule each:
# (column types, issue, rule suffix, severity, nl, en).
PARSE_RULES = (
    (("integer", "amount", "decimal", "date", "month"), INVALID, "type", "fatal",
     "is geen geldige {type}", "is not a valid {type}"),
    (("date", "month"), TWO_DIGIT_YEAR, "two_digit_year", "fatal",
     "heeft een jaartal van twee cijfers; schrijf het jaar voluit (31-01-2025 of 2025-01-31)",
     "has a two-digit year; write the year in full (31-01-2025 or 2025-01-31)"),
    (("integer", "amount", "decimal"), AMBIGUOUS_NUMBER, "ambiguous_number", "fatal",
     "laat niet zien of een punt of komma decimalen of duizendtallen scheidt (zoals 1.250); "
     "schrijf bedragen met decimalen (1.250,00 of 1250.00)",
     "does not show whether a point or comma separates decimals or thousands (as in 1.250); "
     "write amounts with decimals (1.250,00 or 1250.00)"),
    (("integer",), NOT_WHOLE, "whole_number", "error",
     "is een aantal maar heeft decimalen", "is a count but has decimals"),
)


def column_checks(column: Column) -> list[tuple[RuleSpec, str]]:
    """(rule, SQL condition that is TRUE when the row FAILS) for one column."""
    name, raw, typed = column.name, f"raw_{column.name}", column.name
    q_raw, q_typed = quote(raw), quote(typed)
    checks: list[tuple[RuleSpec, str]] = []
    if column.required:
        checks.append((RuleSpec(f"{name}.required", name, "fatal",
                                f"{name} is leeg maar verplicht", f"{name} is empty but required"),
                       f"{q_raw} is null"))
    q_issue = quote(f"_issue_{name}")
    for types, issue, suffix, severity, nl, en in PARSE_RULES:
        if column.type in types:
            checks.append((RuleSpec(f"{name}.{suffix}", name, severity, f"{name} {nl.format(type=column.type)}",
                                    f"{name} {en.format(type=column.type)}"),
                           f"{q_issue} = '{issue}'"))
    if column.type == "id":
        checks.append((RuleSpec(f"{name}.format", name, "fatal",
                                f"{name} is geen code (letters, cijfers en - _ . : /, hooguit 64 tekens)",
                                f"{name} is not a code (letters, digits and - _ . : /, at most 64 characters)"),
                       f"not regexp_full_match({q_typed}, '{ID_PATTERN}')"))
    if column.type == "pseudonym":
        checks.append((RuleSpec(f"{name}.format", name, "fatal",
                                f"{name} is geen pseudoniem van 64 hexadecimale tekens",
                                f"{name} is not a 64-character hexadecimal pseudonym"),
                       f"not regexp_full_match({q_typed}, '{PSEUDONYM_PATTERN}')"))
    if column.type == "buurtcode":
        checks.append((RuleSpec(f"{name}.format", name, column.severity,
                                f"{name} is geen CBS-buurtcode (BU + 8 tekens)",
                                f"{name} is not a CBS buurt code (BU + 8 characters)"),
                       f"not regexp_full_match({q_typed}, '{BUURTCODE_PATTERN}')"))
        checks.append((RuleSpec(f"{name}.known", name, column.severity,
                                f"{name} is een onbekende buurt in de buurtindeling",
                                f"{name} is not a known buurt in the buurt map"),
                       f"regexp_full_match({q_typed}, '{BUURTCODE_PATTERN}')"
                       f" and {q_typed} not in (select buurtcode from known_buurten)"))
    if column.values:
        allowed = ", ".join(sql_string(v.lower()) for v in column.values)
        checks.append((RuleSpec(f"{name}.allowed", name, column.severity,
                                f"{name} heeft een waarde buiten de lijst: {', '.join(column.values)}",
                                f"{name} has a value outside the list: {', '.join(column.values)}"),
                       f"{q_typed} not in ({allowed})"))
    if column.min is not None or column.max is not None:
        low = column.min if column.min is not None else "-1e18"
        high = column.max if column.max is not None else "1e18"
        checks.append((RuleSpec(f"{name}.range", name, column.severity,
                                f"{name} ligt buiten het bereik {column.min} – {column.max}",
                                f"{name} is outside the range {column.min} – {column.max}"),
                       f"{q_typed} not between {low} and {high}"))
    return checks


def all_checks(contract: Contract) -> list[tuple[RuleSpec, str]]:
    checks = [c for column in contract.columns for c in column_checks(column)]
    for rule in contract.rules:
        checks.append((RuleSpec(rule.name, None, rule.severity, rule.nl, rule.en),
                       f"not coalesce(({rule.check}), true)"))
    checks.append((RuleSpec("key.unique", None, "error",
                            f"de sleutel ({', '.join(contract.key)}) komt vaker voor in het bestand",
                            f"the key ({', '.join(contract.key)}) occurs more than once in the file"),
                   quote(KEY_REPEATED)))
    return checks


def validation_query(contract: Contract, source: str = "delivery") -> str:
    """Rows of `source` (from `parse_columns`) and `_failures`: the rules each row fails;
    `raw_<name>` (the text as delivered) is kept on failing rows only.

    Needs a relation `known_buurten(buurtcode)` and parameters $period_start, $period_end;
    `source` has the column KEY_REPEATED. Rows keep the source's order (DuckDB preserves
    insertion order where no window or sort intervenes), so no sort by `_row` is needed.
    """
    conditions = ",\n        ".join(
        f"case when coalesce({condition}, false) then {sql_string(rule.name)} end"
        for rule, condition in all_checks(contract))
    # The parse issues live on in `_failures`; not keeping them saves memory on large files.
    dropped = ", ".join(["period_start", "period_end", quote(KEY_REPEATED)]
                        + [quote(f"_issue_{c.name}") for c in contract.columns])
    # The text as delivered is read back only for rows that fail a rule (examples, rejects):
    # the other rows need not hold every value twice.
    raw_on_failure = ", ".join(
        f"case when len(_failures) > 0 then {quote('raw_' + c.name)} end as {quote('raw_' + c.name)}"
        for c in contract.columns)
    return f"""
with typed as (
    select *, $period_start::date as period_start, $period_end::date as period_end
    from {quote(source)}
),
checked as (
    select *, list_filter([
        {conditions}
    ], lambda x: x is not null) as _failures
    from typed
)
select * exclude ({dropped}) replace ({raw_on_failure}) from checked
"""
