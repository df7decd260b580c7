"""Contract rules → one DuckDB query that types every column and lists each row's failures.

Rules are data in `sources/contracts/`; this module only turns them into SQL. Identifiers come
from the contract (ours) and are quoted anyway; values from files are never spliced into SQL:
they arrive as a registered Arrow table, and the period bounds as bound parameters.
"""
from __future__ import annotations

from dataclasses import dataclass

from sources.contracts import Contract, Column

BUURTCODE_PATTERN = "^BU[0-9]{4}[0-9A-Z]{4}$"
PSEUDONYM_PATTERN = "^[0-9a-f]{64}$"
# Ids are codes, not text: this keeps formulas (=HYPERLINK(...)), SQL and names out of every
# export that repeats an id.
ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$"


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


def _number(raw: str, decimal_comma: bool) -> str:
    # Excel writes "1.234,56" in Dutch locales; with a decimal point, "," is a thousands separator.
    if decimal_comma:
        return f"replace(replace({raw}, '.', ''), ',', '.')"
    return f"replace({raw}, ',', '')"


def typed_expression(column: Column, decimal_comma: bool) -> str:
    raw = f"nullif(trim(src.{quote(column.name)}), '')"
    match column.type:
        case "id" | "pseudonym":
            return raw
        case "buurtcode":
            return f"upper({raw})"
        case "category":
            return f"lower({raw})"
        case "date":
            return (f"coalesce(try_strptime({raw}, '%Y-%m-%d'), try_strptime({raw}, '%d-%m-%Y'),"
                    f" try_strptime({raw}, '%Y-%m-%d %H:%M:%S'))::date")
        case "month":
            return (f"date_trunc('month', coalesce(try_strptime({raw}, '%Y-%m'),"
                    f" try_strptime({raw}, '%Y-%m-%d'), try_strptime({raw}, '%d-%m-%Y')))::date")
        case "integer":
            return (f"coalesce(try_cast({raw} as bigint),"
                    f" try_cast(try_cast({_number(raw, decimal_comma)} as decimal(18,3)) as bigint))")
        case "amount":
            return f"try_cast({_number(raw, decimal_comma)} as decimal(18,2))"
        case "decimal":
            return f"try_cast({_number(raw, decimal_comma)} as double)"
    raise ValueError(f"unknown column type {column.type}")


def column_checks(column: Column) -> list[tuple[RuleSpec, str]]:
    """(rule, SQL condition that is TRUE when the row FAILS) for one column."""
    name, raw, typed = column.name, f"raw_{column.name}", column.name
    q_raw, q_typed = quote(raw), quote(typed)
    checks: list[tuple[RuleSpec, str]] = []
    if column.required:
        checks.append((RuleSpec(f"{name}.required", name, "fatal",
                                f"{name} is leeg maar verplicht", f"{name} is empty but required"),
                       f"{q_raw} is null"))
    checks.append((RuleSpec(f"{name}.type", name, "fatal",
                            f"{name} is geen geldige {column.type}",
                            f"{name} is not a valid {column.type}"),
                   f"{q_raw} is not null and {q_typed} is null"))
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
    key = ", ".join(quote(k) for k in contract.key)
    checks.append((RuleSpec("key.unique", None, "error",
                            f"de sleutel ({', '.join(contract.key)}) komt vaker voor in het bestand",
                            f"the key ({', '.join(contract.key)}) occurs more than once in the file"),
                   f"count(*) over (partition by {key}) > 1"))
    return checks


def validation_query(contract: Contract, decimal_comma: bool, source: str = "delivery") -> str:
    """Rows of `source` typed, their raw text as `raw_<column>`, and `_failures`: failed rules.

    Needs a relation `known_buurten(buurtcode)` and parameters $period_start, $period_end.
    """
    typed = ",\n        ".join(
        f"{typed_expression(c, decimal_comma)} as {quote(c.name)}, "
        f"nullif(trim(src.{quote(c.name)}), '') as {quote('raw_' + c.name)}"
        for c in contract.columns)
    conditions = ",\n        ".join(
        f"case when coalesce({condition}, false) then {sql_string(rule.name)} end"
        for rule, condition in all_checks(contract))
    return f"""
with src as (
    select row_number() over () as _row, * from {quote(source)}
),
typed as (
    select src._row,
        {typed},
        $period_start::date as period_start,
        $period_end::date as period_end
    from src
),
checked as (
    select *, list_filter([
        {conditions}
    ], lambda x: x is not null) as _failures
    from typed
)
select * exclude (period_start, period_end) from checked order by _row
"""
