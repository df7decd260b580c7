"""Partner registry and dataset contracts, loaded from the YAML data beside this module.

The YAML is the agreement with partners (docs/partner-exports.md); this module only gives it
types. Rules are data: every column check and every row rule carries a severity:
- fatal: the row cannot be trusted; if more than `MAX_FATAL_SHARE` of rows fail, the file is refused;
- error: the row is kept aside in the rejects table, the file loads with warnings;
- warning: the row loads, and the receipt says what to look at.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from engine.yaml_files import read_yaml

SOURCES_DIR = Path(__file__).parent
CONTRACTS_DIR = SOURCES_DIR / "contracts"
REGISTRY_FILE = SOURCES_DIR / "partners.yaml"
SEVERITIES = ("fatal", "error", "warning")
MAX_FATAL_SHARE = 0.02  # "more than a small share of rows failing a fatal rule" refuses the file

# Column types → DuckDB types of the loaded (raw) table.
DUCKDB_TYPES = {
    "id": "varchar", "pseudonym": "varchar", "buurtcode": "varchar", "category": "varchar",
    "date": "date", "month": "date", "integer": "bigint", "amount": "decimal(18,2)",
    "decimal": "double",
}
# What a failed parse means per type (a wrong date is worse than an odd category).
DEFAULT_SEVERITY = {"category": "error", "buurtcode": "error"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    severity: str = "error"  # for value checks: allowed values, range, known buurt
    group: str | None = None
    place: bool = False  # an id of a building or complex: it may be named (after its street)

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Rule:
    name: str
    check: str  # a DuckDB boolean expression over typed columns, period_start and period_end
    severity: str
    nl: str
    en: str


@dataclass(frozen=True)
class Contract:
    domain: str
    dataset: str
    title_nl: str
    title_en: str
    period: str  # monthly | yearly | snapshot
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = ()
    full_history: bool = False
    persons: bool = True

    @property
    def table(self) -> str:
        """Table name in every layer: `<domain>__<dataset>`."""
        return f"{self.domain}__{self.dataset}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Partner:
    name: str
    title: str
    domain: str
    datasets: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    partners: dict[str, Partner]
    contracts: dict[str, Contract] = field(repr=False)  # by table name

    def contract_for(self, partner: str, dataset: str) -> Contract:
        """The contract a partner delivers for a dataset; KeyError with a plain reason otherwise."""
        if partner not in self.partners:
            raise KeyError(f"unknown partner '{partner}'")
        entry = self.partners[partner]
        if dataset not in entry.datasets:
            raise KeyError(f"partner '{partner}' does not deliver dataset '{dataset}' "
                           f"(registered: {', '.join(entry.datasets)})")
        return self.contracts[f"{entry.domain}__{dataset}"]


def _column(name: str, spec: dict) -> Column:
    severity = spec.get("severity", DEFAULT_SEVERITY.get(spec["type"], "error"))
    if spec["type"] not in DUCKDB_TYPES or severity not in SEVERITIES:
        raise ValueError(f"column {name}: unknown type or severity in {spec}")
    values = spec.get("values")
    return Column(name=name, type=spec["type"], required=bool(spec.get("required", False)),
                  values=tuple(str(v) for v in values) if values else None,
                  min=spec.get("min"), max=spec.get("max"), severity=severity,
                  group=spec.get("group"), place=bool(spec.get("place", False)))


def load_contract(path: Path) -> Contract:
    spec = read_yaml(path)
    rules = tuple(Rule(r["name"], r["check"], r["severity"], r["nl"], r["en"])
                  for r in spec.get("rules", []))
    contract = Contract(
        domain=spec["domain"], dataset=spec["dataset"], title_nl=spec["title"]["nl"],
        title_en=spec["title"]["en"], period=spec["period"], key=tuple(spec["key"]),
        columns=tuple(_column(n, s) for n, s in spec["columns"].items()), rules=rules,
        full_history=bool(spec.get("full_history", False)), persons=spec.get("persons", True),
    )
    if path.stem != contract.table:
        raise ValueError(f"{path.name}: file name must be {contract.table}.yaml")
    return contract


@lru_cache(maxsize=4)
def load_registry(registry_file: Path = REGISTRY_FILE, contracts_dir: Path = CONTRACTS_DIR) -> Registry:
    contracts = {c.table: c for c in map(load_contract, sorted(contracts_dir.glob("*.yaml")))}
    raw = read_yaml(registry_file)["partners"]
    partners = {name: Partner(name, p["title"], p["domain"], tuple(p["datasets"]))
                for name, p in raw.items()}
    for partner in partners.values():
        for dataset in partner.datasets:
            if f"{partner.domain}__{dataset}" not in contracts:
                raise ValueError(f"partner {partner.name}: no contract {partner.domain}__{dataset}")
    return Registry(partners=partners, contracts=contracts)


@lru_cache(maxsize=None)  # asked per delivery and per ledger row; the file changes with a release
def first_delivery_month(table: str | None = None, registry_file: Path = REGISTRY_FILE) -> str:
    """The first month with a partition: for a dataset (raw table `<domain>__<dataset>`), the
    earliest first delivery of the partners that deliver it; without one, the registry's default."""
    spec = read_yaml(registry_file)
    default = str(spec["first_delivery_month"])
    if table is None:
        return default
    starts = [str(p.get("first_delivery_month", default)) for p in spec["partners"].values()
              if any(f"{p['domain']}__{d}" == table for d in p["datasets"])]
    return min(starts, default=default)


def month_partition(period: str, today: date | None = None, table: str | None = None) -> str | None:
    """The partition key of a monthly delivery period ('2025-06') of a dataset, or None when it has
    none (before the dataset's first delivery month, or a month still to come)."""
    if len(period) != 7:
        return None
    today = today or date.today()
    return period if first_delivery_month(table) <= period <= f"{today:%Y-%m}" else None


# File names: <partner>__<dataset>__<period>.<ext>
FILE_NAME = re.compile(
    r"^(?P<partner>[a-z0-9_]+?)__(?P<dataset>[a-z0-9_]+?)__(?P<period>\d{4}(?:-\d{2}(?:-\d{2})?)?)"
    r"\.(?P<ext>csv|xlsx|parquet)$")
EXTENSIONS = ("csv", "xlsx", "parquet")


@dataclass(frozen=True)
class Delivery:
    partner: str
    dataset: str
    period: str
    ext: str

    @property
    def period_kind(self) -> str:
        return {4: "yearly", 7: "monthly", 10: "snapshot"}[len(self.period)]

    def period_bounds(self) -> tuple[date, date]:
        """First and last day the period covers (a snapshot covers everything up to its date)."""
        parts = [int(p) for p in self.period.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            year, month = parts
            nxt = date(year + month // 12, month % 12 + 1, 1)
            return date(year, month, 1), date.fromordinal(nxt.toordinal() - 1)
        return date(1900, 1, 1), date(*parts)


class BadFileName(ValueError):
    """What is wrong with a file name, in English (the exception's text) and in Dutch."""

    def __init__(self, message: str, message_nl: str):
        super().__init__(message)
        self.message_nl = message_nl


PERIOD_KIND_NL = {"monthly": "maandelijks", "yearly": "jaarlijks", "snapshot": "als stand op een dag"}


def parse_file_name(name: str) -> Delivery:
    """Partner, dataset and period from a file name, or BadFileName saying what is expected."""
    match = FILE_NAME.match(name.lower() if name.lower().endswith(tuple(EXTENSIONS)) else name)
    if not match or "/" in name or "\\" in name:
        raise BadFileName(
            "the file name must be <partner>__<dataset>__<period>.<csv|xlsx|parquet>, "
            "for example havensteder__huurcontracten__2025-06.csv",
            "de bestandsnaam moet <partner>__<dataset>__<periode>.<csv|xlsx|parquet> zijn, "
            "bijvoorbeeld havensteder__huurcontracten__2025-06.csv")
    delivery = Delivery(**match.groupdict())
    try:
        delivery.period_bounds()
    except ValueError as error:
        raise BadFileName(f"the period in the file name is not a valid date: {error}",
                          "de periode in de bestandsnaam is geen geldige datum") from None
    return delivery


def check_period_kind(delivery: Delivery, contract: Contract) -> None:
    if delivery.period_kind != contract.period:
        expected = {"monthly": "YYYY-MM", "yearly": "YYYY", "snapshot": "YYYY-MM-DD"}[contract.period]
        raise BadFileName(f"dataset '{contract.dataset}' is delivered {contract.period}: "
                          f"the period in the file name must look like {expected}",
                          f"dataset '{contract.dataset}' wordt {PERIOD_KIND_NL[contract.period]} "
                          f"geleverd: de periode in de bestandsnaam moet eruitzien als {expected}")
