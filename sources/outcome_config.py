"""Outcome, unit-cost, rate-card and concentration configuration: YAML beside this module,
checked here and written to `core.*` tables so the SQL models can join them.

Nothing in this module knows a number: every figure lives in the YAML with its source and date
(`outcomes.yaml`, `unit_costs.yaml`, `rate_card.yaml`, `concentration.yaml`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import re

import polars as pl

from engine.yaml_files import read_yaml

SOURCES_DIR = Path(__file__).parent
OUTCOMES_FILE = SOURCES_DIR / "outcomes.yaml"
UNIT_COSTS_FILE = SOURCES_DIR / "unit_costs.yaml"
RATE_CARD_FILE = SOURCES_DIR / "rate_card.yaml"
CONCENTRATION_FILE = SOURCES_DIR / "concentration.yaml"

DOELGROEPEN = ("regulier", "housing_first", "uitstroom_bw", "uitstroom_mo", "skaeve_huse",
               "statushouder", "overig_kwetsbaar")
EINDE_REDENEN = ("verhuizing", "overlijden", "ontbinding", "huisuitzetting", "anders")
CRISIS_SOORTEN = ("crisisopname", "crisisdienst", "politie_inzet")
OVERLAST_CATEGORIEEN = ("geluid", "vervuiling", "agressie", "verward_gedrag", "drugs", "woonfraude",
                        "overig")
EVENTS = {"crisis": CRISIS_SOORTEN, "nuisance_causer": OVERLAST_CATEGORIEEN}
POPULATIONS = ("all", "in_tenancy_at_from")
UNIT_COST_STATUSES = ("cited", "to_confirm")
HOUSING_PATHS = ("same_home", "moved_on", "lost_housing", "died")
ZORGVORMEN = ("beschermd_wonen", "housing_first_begeleiding", "ambulante_begeleiding", "fact",
              "verslavingszorg")
COST_DOMAINS = ("wonen", "zorg", "welzijn")
POOLINGS = ("trailing_four_quarters", "calendar_year")
DEADWEIGHT_METHODS = ("comparison", "configured", "unknown")
RATE_CARD_STATUSES = ("illustrative", "contracted")

# Parameters each rule type needs (besides window_months); one SQL model per rule type reads them.
RULE_PARAMETERS = {
    "tenancy_sustained": ("months",),  # optional: success_paths, excluded_paths
    "no_end_reason": ("months", "end_reasons"),
    "zrm_improvement": ("intake_tolerance_months", "followup_months", "followup_tolerance_months",
                        "min_domains_up", "max_domains_down"),
    "no_event": ("event", "subtypes", "from_months", "to_months", "population"),
}

# Every table written, with its exact schema (empty lists keep their type).
SOURCE_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
TEXT_LIST = pl.List(pl.String)
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "outcome_definitions": {
        "outcome_id": pl.String, "sort_order": pl.Int32, "name_nl": pl.String,
        "name_en": pl.String, "definition_nl": pl.String, "definition_en": pl.String,
        "rule_type": pl.String, "window_months": pl.Int32, "decided_after_months": pl.Int32,
        "source_datasets": TEXT_LIST, "months": pl.Int32, "success_paths": TEXT_LIST,
        "excluded_paths": TEXT_LIST, "end_reasons": TEXT_LIST,
        "intake_tolerance_months": pl.Int32, "followup_months": pl.Int32,
        "followup_tolerance_months": pl.Int32, "min_domains_up": pl.Int32,
        "max_domains_down": pl.Int32, "event": pl.String, "subtypes": TEXT_LIST,
        "from_months": pl.Int32, "to_months": pl.Int32, "population": pl.String,
        "benchmark_rate": pl.Float64, "benchmark_what_nl": pl.String, "benchmark_what_en": pl.String,
        "benchmark_source": pl.String,
    },
    "outcome_settings": {
        "moved_on_within_days": pl.Int32, "housing_with_care": TEXT_LIST, "pooling": pl.String,
        "reentry_months": pl.Int32, "confidence": pl.Float64, "z_value": pl.Float64,
        "bootstrap_replicates": pl.Int32, "bootstrap_seed": pl.Int64,
    },
    "cost_transfers": {"domain": pl.String, "cost_type": pl.String},
    "programmes": {"doelgroep": pl.String, "programme_role": pl.String},
    "unit_costs": {
        "unit_cost_id": pl.String, "name_nl": pl.String, "name_en": pl.String,
        "unit_nl": pl.String, "unit_en": pl.String, "low_eur": pl.Float64, "mid_eur": pl.Float64,
        "high_eur": pl.Float64, "price_year": pl.Int32, "status": pl.String,
        "source_title": pl.String, "source_publisher": pl.String, "source_date": pl.String,
        "source_url": pl.String, "notes": pl.String,
    },
    "outcome_valuations": {
        "programme": pl.String, "outcome_id": pl.String, "unit_cost_id": pl.String,
        "quantity": pl.Float64, "deadweight_method": pl.String,
        "counterfactual_rate_low": pl.Float64, "counterfactual_rate_mid": pl.Float64,
        "counterfactual_rate_high": pl.Float64, "deadweight_status": pl.String,
        "deadweight_source": pl.String, "why": pl.String,
    },
    "unit_cost_payers": {"unit_cost_id": pl.String, "payer": pl.String, "share": pl.Float64},
    "payers": {"payer": pl.String, "name_nl": pl.String, "name_en": pl.String,
               "domains": TEXT_LIST},
    "rate_card": {
        "outcome_id": pl.String, "price_eur": pl.Float64, "rate_card_name": pl.String,
        "rate_card_date": pl.Date, "status": pl.String, "source_title": pl.String,
        "source_publisher": pl.String, "source_date": pl.String, "source_url": pl.String,
    },
    "concentration_settings": {
        "months": pl.Int32, "signal_share": pl.Float64, "signal_trend_12m": pl.Float64,
        "source_title": pl.String, "source_date": pl.String,
    },
}
TABLES = tuple(SCHEMAS)


class ConfigError(ValueError):
    """The configuration YAML breaks a rule; the message names the file and the entry."""


def _read(path: Path) -> dict:
    return read_yaml(path) or {}


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{where}: {message}")


def _as_date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from error


def _texts(value, allowed: tuple[str, ...] | None, where: str) -> list[str] | None:
    if value is None:
        return None
    _require(isinstance(value, list) and all(isinstance(v, str) for v in value), where,
             "must be a list of names")
    if allowed is not None:
        unknown = sorted(set(value) - set(allowed))
        _require(not unknown, where, f"unknown value(s) {unknown}; allowed: {list(allowed)}")
    return list(value)


def _months(value, where: str, minimum: int = 0) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool) and value >= minimum, where,
             f"must be a whole number of months >= {minimum}, not {value!r}")
    return value


@dataclass(frozen=True)
class OutcomeConfig:
    """Every configuration table as a polars frame, keyed by table name under `core`."""

    frames: dict[str, pl.DataFrame]

    def __getitem__(self, table: str) -> pl.DataFrame:
        return self.frames[table]


def _settings(doc: dict, where: str) -> tuple[list[dict], list[dict]]:
    """core.outcome_settings (housing paths, pooling, intervals) and core.cost_transfers."""
    paths = doc.get("housing_paths") or {}
    cohorts = doc.get("cohorts") or {}
    intervals = doc.get("intervals") or {}
    pooling = cohorts.get("pooling", "trailing_four_quarters")
    _require(pooling in POOLINGS, where, f"cohorts.pooling must be one of {list(POOLINGS)}")
    confidence = intervals.get("confidence", 0.95)
    _require(isinstance(confidence, float) and 0.5 <= confidence < 1, where,
             "intervals.confidence must be within [0.5, 1)")
    from scipy.stats import norm  # here, not at the top: the import costs every process ~1 s
    settings = {
        "moved_on_within_days": _months(paths.get("moved_on_within_days", 31),
                                        f"{where} housing_paths.moved_on_within_days"),
        "housing_with_care": _texts(paths.get("housing_with_care", []), ZORGVORMEN,
                                    f"{where} housing_paths.housing_with_care"),
        "pooling": pooling,
        "reentry_months": _months(cohorts.get("reentry_months", 12), f"{where} cohorts.reentry_months"),
        "confidence": confidence,
        # the normal quantile for the Wilson interval, computed once here instead of in SQL
        "z_value": float(norm.ppf((1 + confidence) / 2)),
        "bootstrap_replicates": _months(intervals.get("bootstrap_replicates", 2000),
                                        f"{where} intervals.bootstrap_replicates", 100),
        "bootstrap_seed": _months(intervals.get("bootstrap_seed", 0), f"{where} intervals.bootstrap_seed"),
    }
    transfers = []
    for entry in (doc.get("costs") or {}).get("transfers") or []:
        _require(entry.get("domain") in COST_DOMAINS and isinstance(entry.get("cost_type"), str),
                 where, f"costs.transfers entries need a domain {list(COST_DOMAINS)} and a cost_type")
        transfers.append({"domain": entry["domain"], "cost_type": entry["cost_type"]})
    return [settings], transfers


def _benchmark(entry: dict, here: str) -> dict:
    benchmark = entry.get("benchmark")
    if benchmark is None:
        return {}
    rate, what = benchmark.get("rate"), benchmark.get("what") or {}
    _require(isinstance(rate, float) and 0 <= rate <= 1, here, "benchmark.rate must be within 0..1")
    _require(bool(what.get("nl") and what.get("en")), here, "benchmark.what needs nl and en")
    source = _source(benchmark, f"{here} benchmark")
    cited = f"{' '.join(source['title'].split())} ({source.get('publisher')}, {source['date']})"
    return {"benchmark_rate": rate, "benchmark_what_nl": what["nl"], "benchmark_what_en": what["en"],
            "benchmark_source": cited}


def _outcomes(doc: dict, where: str) -> tuple[list[dict], list[dict]]:
    programmes = doc.get("programmes") or {}
    roles = []
    for role, key in (("programme", "programmes"), ("comparison", "comparison")):
        for doelgroep in _texts(programmes.get(key) or [], DOELGROEPEN, f"{where} programmes.{key}"):
            roles.append({"doelgroep": doelgroep, "programme_role": role})
    _require(len({r["doelgroep"] for r in roles}) == len(roles), where,
             "a doelgroep is both a programme and the comparison")
    _require(any(r["programme_role"] == "programme" for r in roles), where, "no programmes")

    paths = doc.get("housing_paths") or {}
    success = _texts(paths.get("success_paths", ["same_home", "moved_on"]), HOUSING_PATHS,
                     f"{where} housing_paths.success_paths")
    excluded = _texts(paths.get("excluded_paths", ["died"]), HOUSING_PATHS,
                      f"{where} housing_paths.excluded_paths")

    rows, seen = [], set()
    for order, entry in enumerate(doc.get("outcomes") or []):
        oid = entry.get("id")
        here = f"{where} outcome {oid or order}"
        _require(isinstance(oid, str) and oid.isidentifier() and oid == oid.lower(), here,
                 "id must be a lower-case identifier")
        _require(oid not in seen and oid != "tenancy_month", here, "id is not unique (or reserved)")
        seen.add(oid)
        name, definition = entry.get("name") or {}, entry.get("definition") or {}
        for key, texts in (("name", name), ("definition", definition)):
            _require(all(isinstance(texts.get(lang), str) and texts.get(lang).strip()
                         for lang in ("nl", "en")), here, f"{key} needs nl and en")
        rule = entry.get("rule") or {}
        kind = rule.get("type")
        _require(kind in RULE_PARAMETERS, here, f"rule.type must be one of {list(RULE_PARAMETERS)}")
        missing = [p for p in RULE_PARAMETERS[kind] if p not in rule]
        _require(not missing, here, f"rule {kind} needs {missing}")
        unknown = sorted(set(rule) - set(RULE_PARAMETERS[kind]) - {"type", "success_paths",
                                                                   "excluded_paths"})
        _require(not unknown, here, f"rule {kind} does not take {unknown}")
        window = _months(entry.get("window_months"), f"{here} window_months", 1)
        decided = _months(entry.get("decided_after_months", window),
                          f"{here} decided_after_months", window)
        sources = _texts(entry.get("sources"), None, f"{here} sources")
        _require(bool(sources), here, "sources: name the datasets the outcome reads")
        row = {c: None for c in SCHEMAS["outcome_definitions"]}
        row.update(outcome_id=oid, sort_order=order, name_nl=name["nl"].strip(),
                   name_en=name["en"].strip(), definition_nl=" ".join(definition["nl"].split()),
                   definition_en=" ".join(definition["en"].split()), rule_type=kind,
                   window_months=window, decided_after_months=decided, source_datasets=sources)
        row.update(_benchmark(entry, here))
        if kind == "tenancy_sustained":
            row["months"] = _months(rule["months"], f"{here} months", 1)
            row["success_paths"] = _texts(rule.get("success_paths", success), HOUSING_PATHS,
                                          f"{here} success_paths")
            row["excluded_paths"] = _texts(rule.get("excluded_paths", excluded), HOUSING_PATHS,
                                           f"{here} excluded_paths")
            _require(not set(row["success_paths"]) & set(row["excluded_paths"]), here,
                     "a housing path cannot be both a success and excluded")
            _require("lost_housing" not in row["success_paths"] + row["excluded_paths"], here,
                     "lost_housing is always a failure")
            _require(row["months"] <= decided, here, "months beyond decided_after_months")
        elif kind == "no_end_reason":
            row["months"] = _months(rule["months"], f"{here} months", 1)
            row["end_reasons"] = _texts(rule["end_reasons"], EINDE_REDENEN, f"{here} end_reasons")
            _require(bool(row["end_reasons"]), here, "end_reasons is empty")
            _require(row["months"] <= decided, here, "months beyond decided_after_months")
        elif kind == "zrm_improvement":
            for key in RULE_PARAMETERS[kind]:
                row[key] = _months(rule[key], f"{here} {key}")
            _require(row["min_domains_up"] >= 1 and row["min_domains_up"] <= 13, here,
                     "min_domains_up must be 1..13 (ZRM has 13 domains)")
            _require(row["followup_months"] + row["followup_tolerance_months"] <= decided, here,
                     "the follow-up window ends after decided_after_months")
        elif kind == "no_event":
            _require(rule["event"] in EVENTS, here, f"event must be one of {list(EVENTS)}")
            row["event"] = rule["event"]
            row["subtypes"] = _texts(rule["subtypes"], EVENTS[rule["event"]], f"{here} subtypes")
            row["from_months"] = _months(rule["from_months"], f"{here} from_months")
            row["to_months"] = _months(rule["to_months"], f"{here} to_months", 1)
            _require(row["from_months"] < row["to_months"] <= decided, here,
                     "needs from_months < to_months <= decided_after_months")
            _require(rule["population"] in POPULATIONS, here,
                     f"population must be one of {list(POPULATIONS)}")
            row["population"] = rule["population"]
        rows.append(row)
    _require(bool(rows), where, "no outcomes")
    return rows, roles


def _source(entry: dict, here: str) -> dict:
    """A source needs a title and a date (YYYY, YYYY-MM or YYYY-MM-DD); the date comes back as text."""
    source = dict(entry.get("source") or {})
    _require(isinstance(source.get("title"), str) and source["title"].strip(), here,
             "source.title is required")
    when = source.get("date")
    text = when.isoformat() if isinstance(when, date) else str(when or "")
    _require(bool(SOURCE_DATE.match(text)), here,
             f"source.date must be YYYY, YYYY-MM or YYYY-MM-DD, not {when!r}")
    source["date"] = text
    return source


def _unit_costs(doc: dict, outcome_ids: set[str], programmes: set[str], where: str
                ) -> dict[str, list[dict]]:
    """core.unit_costs, unit_cost_payers, outcome_valuations (one counterfactual path per
    programme) and payers."""
    payer_doc = doc.get("payers") or {}
    names = payer_doc.get("names") or {}
    _require(bool(names) and all(n.get("nl") and n.get("en") for n in names.values()), where,
             "payers.names: every payer needs an nl and en name")
    domains = payer_doc.get("domains") or {}
    _require(set(domains) == set(COST_DOMAINS) | {"transfers"}, where,
             f"payers.domains must name the payer of {list(COST_DOMAINS) + ['transfers']}")
    _require(set(domains.values()) <= set(names), where, "payers.domains names an unknown payer")
    payers = [{"payer": payer, "name_nl": text["nl"], "name_en": text["en"],
               "domains": sorted(d for d, p in domains.items() if p == payer)}
              for payer, text in names.items()]

    rows, shares, seen = [], [], set()
    for entry in doc.get("unit_costs") or []:
        uid = entry.get("id")
        here = f"{where} unit cost {uid}"
        _require(isinstance(uid, str) and uid not in seen, here, "id missing or not unique")
        seen.add(uid)
        source = _source(entry, here)
        low, high = entry.get("low"), entry.get("high")
        _require(all(isinstance(v, (int, float)) and v >= 0 for v in (low, high)) and low <= high,
                 here, "needs low <= high, both >= 0")
        mid = entry.get("mid", (low + high) / 2)
        _require(isinstance(mid, (int, float)) and low <= mid <= high, here, "mid outside low..high")
        _require(entry.get("status") in UNIT_COST_STATUSES, here,
                 f"status must be one of {list(UNIT_COST_STATUSES)}")
        name, unit = entry.get("name") or {}, entry.get("unit") or {}
        _require(all(name.get(k) and unit.get(k) for k in ("nl", "en")), here,
                 "name and unit need nl and en")
        split = entry.get("payers") or {}
        _require(bool(split) and set(split) <= set(names)
                 and abs(sum(split.values()) - 1) < 1e-9, here,
                 "payers: shares per known payer adding up to 1")
        shares.extend({"unit_cost_id": uid, "payer": payer, "share": float(share)}
                      for payer, share in split.items())
        rows.append({"unit_cost_id": uid, "name_nl": name["nl"], "name_en": name["en"],
                     "unit_nl": unit["nl"], "unit_en": unit["en"], "low_eur": float(low),
                     "mid_eur": float(mid), "high_eur": float(high),
                     "price_year": int(entry["price_year"]), "status": entry["status"],
                     "source_title": " ".join(source["title"].split()),
                     "source_publisher": source.get("publisher"),
                     "source_date": source["date"], "source_url": source.get("url"),
                     "notes": " ".join(str(entry.get("notes") or "").split()) or None})
    valuations, valued = [], set()
    for entry in doc.get("counterfactual_paths") or []:
        here = f"{where} counterfactual path {entry.get('programmes')}"
        listed = _texts(entry.get("programmes"), None, f"{here} programmes") or []
        _require(set(listed) <= programmes, here, "programmes must be programmes of outcomes.yaml")
        _require(not set(listed) & valued, here,
                 "one counterfactual path per programme (a second would count a person twice)")
        valued |= set(listed)
        _require(entry.get("outcome_id") in outcome_ids, here, "unknown outcome_id")
        _require(entry.get("unit_cost_id") in seen, here, "unknown unit_cost_id")
        quantity = entry.get("quantity", 1)
        _require(isinstance(quantity, (int, float)) and quantity >= 0, here, "quantity < 0")
        deadweight = entry.get("deadweight") or {}
        method = deadweight.get("method")
        _require(method in DEADWEIGHT_METHODS, here,
                 f"deadweight.method must be one of {list(DEADWEIGHT_METHODS)}")
        rates, cited, status = {"low": None, "mid": None, "high": None}, None, None
        if method == "configured":
            given = deadweight.get("counterfactual_rate") or {}
            rates = {k: given.get(k) for k in ("low", "mid", "high")}
            _require(all(isinstance(v, float) and 0 <= v <= 1 for v in rates.values())
                     and rates["low"] <= rates["mid"] <= rates["high"], here,
                     "deadweight.counterfactual_rate needs low <= mid <= high within 0..1")
            source = _source(deadweight, f"{here} deadweight")
            _require(deadweight.get("status") in UNIT_COST_STATUSES, here,
                     f"deadweight.status must be one of {list(UNIT_COST_STATUSES)}")
            status = deadweight["status"]
            cited = f"{' '.join(source['title'].split())} ({source.get('publisher')}, {source['date']})"
        elif method == "comparison":
            cited, status = "comparison group of sources/outcomes.yaml (same outcome, same cohort)", "cited"
        else:
            cited, status = "unknown: sensitivity and break-even only", "to_confirm"
        valuations.extend({"programme": programme, "outcome_id": entry["outcome_id"],
                           "unit_cost_id": entry["unit_cost_id"], "quantity": float(quantity),
                           "deadweight_method": method, "counterfactual_rate_low": rates["low"],
                           "counterfactual_rate_mid": rates["mid"],
                           "counterfactual_rate_high": rates["high"], "deadweight_status": status,
                           "deadweight_source": cited,
                           "why": " ".join(str(entry.get("why") or "").split()) or None}
                          for programme in listed)
    return {"unit_costs": rows, "unit_cost_payers": shares, "outcome_valuations": valuations,
            "payers": payers}


def _rate_card(doc: dict, outcome_ids: set[str], where: str) -> list[dict]:
    card = doc.get("rate_card") or {}
    _require(card.get("status") in RATE_CARD_STATUSES, where,
             f"rate_card.status must be one of {list(RATE_CARD_STATUSES)}")
    _require(card.get("currency", "EUR") == "EUR", where, "prices must be in EUR")
    source = _source(card, where)
    card_date = _as_date(card.get("date"), f"{where} rate_card.date")
    rows, seen = [], set()
    for entry in card.get("prices") or []:
        oid = entry.get("outcome_id")
        here = f"{where} price {oid}"
        _require(oid in outcome_ids and oid not in seen, here, "unknown or repeated outcome_id")
        seen.add(oid)
        price = entry.get("price_eur")
        _require(isinstance(price, (int, float)) and price >= 0, here, "price_eur must be >= 0")
        rows.append({"outcome_id": oid, "price_eur": float(price), "rate_card_name": card.get("name"),
                     "rate_card_date": card_date, "status": card["status"],
                     "source_title": " ".join(source["title"].split()),
                     "source_publisher": source.get("publisher"), "source_date": str(source["date"]),
                     "source_url": source.get("url")})
    return rows


def _concentration(doc: dict, where: str) -> list[dict]:
    c = doc.get("concentration") or {}
    months = _months(c.get("months"), f"{where} months", 1)
    share, trend = c.get("signal_share"), c.get("signal_trend_12m")
    _require(isinstance(share, (int, float)) and 0 < share <= 1, where, "signal_share must be in (0, 1]")
    _require(isinstance(trend, (int, float)) and 0 < trend <= 1, where,
             "signal_trend_12m must be in (0, 1]")
    source = _source(c, where)
    return [{"months": months, "signal_share": float(share), "signal_trend_12m": float(trend),
             "source_title": " ".join(source["title"].split()),
             "source_date": source["date"]}]


def load(outcomes: Path = OUTCOMES_FILE, unit_costs: Path = UNIT_COSTS_FILE,
         rate_card: Path = RATE_CARD_FILE, concentration: Path = CONCENTRATION_FILE
         ) -> OutcomeConfig:
    """Read and check every configuration file; raises ConfigError naming what is wrong."""
    outcome_doc = _read(outcomes)
    definitions, roles = _outcomes(outcome_doc, outcomes.name)
    settings, transfers = _settings(outcome_doc, outcomes.name)
    ids = {row["outcome_id"] for row in definitions}
    programmes = {r["doelgroep"] for r in roles if r["programme_role"] == "programme"}
    rows = {
        "outcome_definitions": definitions, "programmes": roles, "outcome_settings": settings,
        "cost_transfers": transfers,
        **_unit_costs(_read(unit_costs), ids, programmes, unit_costs.name),
        "rate_card": _rate_card(_read(rate_card), ids, rate_card.name),
        "concentration_settings": _concentration(_read(concentration), concentration.name),
    }
    return OutcomeConfig({table: pl.DataFrame(rows[table], schema=SCHEMAS[table], orient="row")
                          if rows[table] else pl.DataFrame(schema=SCHEMAS[table])
                          for table in TABLES})


def write_tables(con, config: OutcomeConfig | None = None) -> dict[str, int]:
    """(Re)create core.<table> for every configuration table in one transaction; row counts."""
    config = config or load()
    counts = {}
    con.execute("begin transaction")
    try:
        for table in TABLES:
            con.register("_outcome_config_frame", config[table].to_arrow())
            try:
                con.execute(f"create or replace table core.{table} as "
                            "select * from _outcome_config_frame")
            finally:
                con.unregister("_outcome_config_frame")
            counts[table] = config[table].height
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts
