"""Placement configuration (sources/placement.yaml): checked here and written to core tables so
sql/core/placement_capacity_cells.sql can join it; the planner reads its weights from here too.

Nothing in this module knows a number: every figure lives in the YAML with its rationale.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.yaml_files import read_yaml
from sources.outcome_config import DOELGROEPEN, ConfigError

PLACEMENT_FILE = Path(__file__).with_name("placement.yaml")
WEIGHT_TERMS = ("room", "free", "support", "decline")


@dataclass(frozen=True)
class Weights:
    room: float
    free: float
    support: float
    decline: float


@dataclass(frozen=True)
class PlacementConfig:
    vulnerable_doelgroepen: tuple[str, ...]
    statushouders_doelgroep: str
    threshold_share: float
    threshold_rationale: str
    wijk_threshold_share: float
    months: int
    turnover_prior_tenancies: float
    support_min_persons: int
    support_voorzieningen: tuple[str, ...]
    min_tenancies: int
    source_title: str
    source_date: str
    exclude_significant_decline: bool
    max_per_buurt: int
    weights: dict[str, Weights]

    def weights_for(self, doelgroep: str) -> Weights:
        return self.weights.get(doelgroep, self.weights["default"])


def _require(ok: bool, where: str, message: str) -> None:
    if not ok:
        raise ConfigError(f"{where}: {message}")


def _share(value, where: str) -> float:
    _require(isinstance(value, (int, float)) and 0 < value < 1, where, "must be a share in (0, 1)")
    return float(value)


def _count(value, where: str, minimum: int = 1) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool) and value >= minimum, where,
             f"must be a whole number >= {minimum}")
    return value


def load(path: Path = PLACEMENT_FILE) -> PlacementConfig:
    """Read and check the placement configuration; raises ConfigError naming the entry."""
    where = path.name
    doc = read_yaml(path) or {}
    p, planner = doc.get("placement") or {}, doc.get("planner") or {}
    vulnerable = tuple(p.get("vulnerable_doelgroepen") or ())
    _require(bool(vulnerable) and set(vulnerable) <= set(DOELGROEPEN) - {"regulier"}, where,
             f"vulnerable_doelgroepen must be doelgroepen other than regulier: {', '.join(DOELGROEPEN)}")
    statushouders = p.get("statushouders_doelgroep")
    _require(statushouders in DOELGROEPEN and statushouders not in vulnerable, where,
             "statushouders_doelgroep must be a doelgroep not counted as vulnerable")
    rationale = " ".join(str(p.get("threshold_rationale") or "").split())
    _require(bool(rationale), where, "threshold_rationale is required: say why this threshold")
    source = p.get("source") or {}
    _require(bool(source.get("title")) and bool(source.get("date")), where, "source needs a title and a date")
    weights = {}
    for name, terms in (planner.get("weights") or {}).items():
        _require(isinstance(terms, dict) and set(terms) == set(WEIGHT_TERMS)
                 and all(isinstance(v, (int, float)) and v >= 0 for v in terms.values()),
                 where, f"planner weights {name}: give {', '.join(WEIGHT_TERMS)}, each >= 0")
        _require(name == "default" or name in vulnerable, where,
                 f"planner weights {name}: not a vulnerable doelgroep")
        weights[name] = Weights(**{k: float(v) for k, v in terms.items()})
    _require("default" in weights, where, "planner weights need a default")
    return PlacementConfig(
        vulnerable_doelgroepen=vulnerable, statushouders_doelgroep=statushouders,
        threshold_share=_share(p.get("threshold_share"), f"{where} threshold_share"),
        threshold_rationale=rationale,
        wijk_threshold_share=_share(p.get("wijk_threshold_share"), f"{where} wijk_threshold_share"),
        months=_count(p.get("months"), f"{where} months"),
        turnover_prior_tenancies=float(_count(p.get("turnover_prior_tenancies"),
                                              f"{where} turnover_prior_tenancies", 0)),
        support_min_persons=_count(p.get("support_min_persons"), f"{where} support_min_persons"),
        support_voorzieningen=tuple(p.get("support_voorzieningen") or ()),
        min_tenancies=_count(p.get("min_tenancies"), f"{where} min_tenancies"),
        source_title=" ".join(str(source["title"]).split()), source_date=str(source["date"]),
        exclude_significant_decline=bool(planner.get("exclude_significant_decline", True)),
        max_per_buurt=_count(planner.get("max_per_buurt"), f"{where} max_per_buurt"),
        weights=weights)


def write_tables(con, config: PlacementConfig | None = None) -> dict[str, int]:
    """(Re)create core.placement_settings (one row) and core.placement_doelgroepen (doelgroep,
    role) in one transaction; row counts."""
    c = config or load()
    con.execute("begin transaction")
    try:
        con.execute("""create or replace table core.placement_settings (
            threshold_share double, threshold_rationale varchar, wijk_threshold_share double,
            months integer, turnover_prior_tenancies double, support_min_persons integer,
            support_voorzieningen varchar[], min_tenancies integer, source_title varchar,
            source_date varchar)""")
        con.execute("insert into core.placement_settings values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [c.threshold_share, c.threshold_rationale, c.wijk_threshold_share, c.months,
                     c.turnover_prior_tenancies, c.support_min_persons, list(c.support_voorzieningen),
                     c.min_tenancies, c.source_title, c.source_date])
        con.execute("create or replace table core.placement_doelgroepen (doelgroep varchar, role varchar)")
        roles = [(d, "vulnerable") for d in c.vulnerable_doelgroepen] + [(c.statushouders_doelgroep, "statushouder")]
        con.executemany("insert into core.placement_doelgroepen values (?, ?)", roles)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return {"placement_settings": 1, "placement_doelgroepen": len(roles)}
