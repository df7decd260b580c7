"""The liveability indicator catalogue (`sources/indicators.yaml`): loading, validation, and the
SQL generated from it.

The catalogue is the single source of every indicator's definition. From it come:
- `sql/core/indicator_buurt_values.sql`: numerator and denominator of every indicator per buurt
  and period, one CTE per indicator, generated (`python -m sources.indicators`; `--check` fails
  when the committed file is stale);
- `core.indicator_catalogue` and `core.index_settings`, the tables the marts read
  (`catalogue_rows`, `index_settings_row`);
- the methodology document (`reporting.methodology`).
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from statistics import NormalDist

from engine.yaml_files import read_yaml

CATALOGUE_PATH = Path(__file__).with_name("indicators.yaml")
REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATED_SQL = REPO_ROOT / "sql" / "core" / "indicator_buurt_values.sql"
STAGING_DIR = REPO_ROOT / "sql" / "staging"

KINDS = ("objective", "subjective")
DIRECTIONS = ("higher_is_better", "higher_is_worse", "higher_is_more_need")
POOLING = ("rolling_12_months",)
PANELS = ("leefbaarheid", "zorgvraag")
COUNTS = {"persons": True, "homes": True, "events": True, "respondents": True,
          "euros": False, "points": False}  # True: a count, rounded to 5 when published
# How a quarter relates to its months (and a year to its quarters); see sources/indicators.yaml.
TIME_RELATIONS = ("events", "distinct", "stock", "none")
FACT_TABLES = ("core.tenancy_periods", "core.unit_periods", "core.buurt_periods",
               "core.resident_periods", "core.survey_periods")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BASE_PERIOD = re.compile(r"^(auto|\d{4}|\d{4}-Q[1-4])$")


class CatalogueError(ValueError):
    """The catalogue breaks one of its own rules."""


@dataclass(frozen=True)
class Term:
    """A numerator or denominator: words and the SQL aggregate over a fact table."""
    nl: str
    en: str
    table: str
    sql: str
    counts: str
    time_relation: str
    public: bool = False
    largest: str | None = None   # a sum of euros: the aggregate of its largest single amount

    @property
    def rounded(self) -> bool:
        return COUNTS[self.counts]

    @property
    def measure(self) -> str:
        """The count this term is, across indicators: identical table and sql are one count."""
        return f"{self.table}: {self.sql}"


@dataclass(frozen=True)
class Unit:
    key: str
    scale: float
    decimals: int
    min: float | None
    max: float | None
    nl: str
    en: str


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    kind: str
    name_nl: str
    name_en: str
    definition_nl: str
    definition_en: str
    unit: Unit
    direction: str
    sources: tuple[str, ...]
    numerator: Term
    denominator: Term
    population: str
    min_base: int
    min_count: int | None
    disclosure_group: str
    order: int
    pooling: str | None = None

    @property
    def objective(self) -> bool:
        return self.kind == "objective"


@dataclass(frozen=True)
class Relation:
    """part <= whole in every area and period (terms as `<indicator>.numerator|denominator`)."""
    part: str
    whole: str


@dataclass(frozen=True)
class StockExits:
    """stock(period) = stock(its last part) + exits(each part before it), in every area: what
    ran in a quarter is what ran in its last month plus what ended in the two months before."""
    stock: str
    exits: str


@dataclass(frozen=True)
class Band:
    band: str
    lower: float | None      # score >= lower (or > lower when lower_open)
    lower_open: bool
    upper: float | None      # score <= upper (or < upper when upper_open)
    upper_open: bool
    nl: str
    en: str


@dataclass(frozen=True)
class BaseDecision:
    """One versioned decision on the index's base period."""
    version: int
    base_period: str
    decided: str
    nl: str
    en: str


@dataclass(frozen=True)
class Theme:
    """The fixed composition of a theme: the indicators of each half, scored only when all are there."""
    dimension: str
    panel: str
    objective: tuple[str, ...]
    subjective: tuple[str, ...]

    @property
    def indicators(self) -> tuple[str, ...]:
        return self.objective + self.subjective


@dataclass(frozen=True)
class IndexSettings:
    base_period: str
    score_min: float
    score_max: float
    bands: tuple[Band, ...]
    points_per_sd: float = 10.0
    interval: float = 0.90
    change_fdr: float = 0.05
    base_period_history: tuple[BaseDecision, ...] = ()
    themes: tuple[Theme, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    version: int
    index: IndexSettings
    units: dict[str, Unit]
    dimensions: dict[str, dict[str, str]]
    populations: dict[str, dict[str, str]]
    indicators: tuple[Indicator, ...]
    relations: tuple[Relation, ...] = ()
    stock_exits: tuple[StockExits, ...] = ()

    def term(self, reference: str) -> Term:
        """`<indicator>.numerator` or `<indicator>.denominator` → its Term."""
        indicator_id, _, which = reference.partition(".")
        return getattr(self.by_id(indicator_id), which)

    def by_id(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def in_dimension(self, dimension: str) -> list[Indicator]:
        return [i for i in self.indicators if i.dimension == dimension]


def _text(spec: dict, key: str, where: str) -> dict[str, str]:
    value = spec.get(key)
    if not isinstance(value, dict) or not value.get("nl") or not value.get("en"):
        raise CatalogueError(f"{where}: `{key}` needs both nl and en")
    return value


def _term(spec: dict, where: str) -> Term:
    if not isinstance(spec, dict):
        raise CatalogueError(f"{where}: missing")
    for key in ("nl", "en", "from", "sql", "counts", "time_relation"):
        if not spec.get(key):
            raise CatalogueError(f"{where}: `{key}` is required")
    if spec["from"] not in FACT_TABLES:
        raise CatalogueError(f"{where}: `from` must be one of {', '.join(FACT_TABLES)}")
    if spec["counts"] not in COUNTS:
        raise CatalogueError(f"{where}: `counts` must be one of {', '.join(COUNTS)}")
    if ";" in spec["sql"] or "--" in spec["sql"]:
        raise CatalogueError(f"{where}: `sql` is one aggregate expression")
    if spec["time_relation"] not in TIME_RELATIONS:
        raise CatalogueError(f"{where}: `time_relation` must be one of {', '.join(TIME_RELATIONS)}")
    # The published mean of a sum of euros is rounded to a grain set by its largest single amount
    # (assets/estimates.py release_grain), so the sum must say how to find that amount.
    if spec["counts"] == "euros" and not spec.get("largest"):
        raise CatalogueError(f"{where}: a sum of euros needs `largest` (the aggregate of its largest amount)")
    if ";" in spec.get("largest", "") or "--" in spec.get("largest", ""):
        raise CatalogueError(f"{where}: `largest` is one aggregate expression")
    return Term(spec["nl"], spec["en"], spec["from"], " ".join(spec["sql"].split()), spec["counts"],
                spec["time_relation"], bool(spec.get("public", False)),
                " ".join(spec["largest"].split()) if spec.get("largest") else None)


def _band(spec: dict) -> Band:
    lower, lower_open = (spec["above"], True) if "above" in spec else (spec.get("from"), False)
    upper, upper_open = (spec["below"], True) if "below" in spec else (spec.get("to"), False)
    return Band(spec["band"], lower, lower_open, upper, upper_open, spec["nl"], spec["en"])


def parse(raw: dict) -> Catalogue:
    units = {key: Unit(key, float(u["scale"]), int(u["decimals"]), u.get("min"), u.get("max"),
                       u["nl"], u["en"]) for key, u in raw["units"].items()}
    dimensions = raw["dimensions"]
    populations = raw["populations"]
    index = raw["index"]
    if not _BASE_PERIOD.match(str(index["base_period"])) or index["base_period"] == "auto":
        raise CatalogueError("index.base_period is pinned: YYYY or YYYY-Qn (never auto)")
    history = tuple(BaseDecision(int(h["version"]), str(h["base_period"]), str(h["decided"]),
                                 h["nl"], h["en"]) for h in index.get("base_period_history", []))
    if not history or history[-1].base_period != str(index["base_period"]):
        raise CatalogueError("index.base_period_history must end with the current base_period: "
                             "changing the base is a recorded, versioned decision")
    settings = IndexSettings(str(index["base_period"]), float(index["score_min"]),
                             float(index["score_max"]), tuple(_band(b) for b in index["bands"]),
                             float(index["points_per_sd"]), float(index["interval"]),
                             float(index["change_fdr"]), history,
                             tuple(Theme(d, dimensions.get(d, {}).get("panel", ""),
                                         tuple(t.get("objective") or ()),
                                         tuple(t.get("subjective") or ()))
                                   for d, t in index["themes"].items()))
    if not 0 <= settings.score_min < 100 < settings.score_max:
        raise CatalogueError("index: score_min < 100 < score_max")
    if not 0 < settings.interval < 1 or not 0 < settings.change_fdr < 1:
        raise CatalogueError("index: interval and change_fdr are between 0 and 1")
    staging = {p.stem for p in STAGING_DIR.glob("*.sql")}
    indicators, seen = [], set()
    for order, spec in enumerate(raw["indicators"], start=1):
        where = f"indicator {spec.get('id', order)!r}"
        ident = spec.get("id", "")
        if not _ID.match(ident) or ident in seen:
            raise CatalogueError(f"{where}: id must be unique snake_case")
        seen.add(ident)
        if spec.get("dimension") not in dimensions:
            raise CatalogueError(f"{where}: dimension must be one of {', '.join(dimensions)}")
        if spec.get("kind") not in KINDS:
            raise CatalogueError(f"{where}: kind must be objective or subjective")
        if spec.get("unit") not in units:
            raise CatalogueError(f"{where}: unit must be one of {', '.join(units)}")
        if spec.get("direction") not in DIRECTIONS:
            raise CatalogueError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
        if spec.get("pooling") not in (None, *POOLING):
            raise CatalogueError(f"{where}: pooling must be one of {', '.join(POOLING)} or absent")
        unknown = [s for s in spec.get("sources", []) if s not in staging]
        if not spec.get("sources") or unknown:
            raise CatalogueError(f"{where}: sources must name staging datasets (unknown: {unknown})")
        if spec.get("population") not in populations:
            raise CatalogueError(f"{where}: population must be one of {', '.join(populations)}")
        min_base, min_count = spec.get("min_base"), spec.get("min_count")
        if not isinstance(min_base, int) or min_base < 10:
            raise CatalogueError(f"{where}: min_base is a whole number of at least 10")
        if min_count is not None and (not isinstance(min_count, int) or min_count < 1):
            raise CatalogueError(f"{where}: min_count is a positive whole number or absent")
        name, definition = _text(spec, "name", where), _text(spec, "definition", where)
        numerator = _term(spec.get("numerator"), f"{where} numerator")
        denominator = _term(spec.get("denominator"), f"{where} denominator")
        if not denominator.rounded:
            raise CatalogueError(f"{where}: the denominator must count persons, homes or respondents")
        indicators.append(Indicator(
            ident, spec["dimension"], spec["kind"], name["nl"], name["en"], definition["nl"],
            definition["en"], units[spec["unit"]], spec["direction"], tuple(spec["sources"]),
            numerator, denominator, spec["population"], min_base, min_count,
            spec.get("disclosure_group", ident), order, spec.get("pooling")))
    by_population: dict[str, Indicator] = {}
    for indicator in indicators:
        first = by_population.setdefault(indicator.population, indicator)
        if (first.denominator.table, first.denominator.sql, first.min_base) != (
                indicator.denominator.table, indicator.denominator.sql, indicator.min_base):
            raise CatalogueError(f"indicators {first.id} and {indicator.id} share population "
                                 f"{indicator.population} but not its denominator or min_base")
    _check_themes(settings.themes, dimensions, {i.id: i for i in indicators})
    measures: dict[str, Term] = {}
    for indicator in indicators:
        for term in (indicator.numerator, indicator.denominator):
            first = measures.setdefault(term.measure, term)
            if (first.time_relation, first.public, first.counts) != (term.time_relation, term.public,
                                                                      term.counts):
                raise CatalogueError(f"indicator {indicator.id}: the count {term.measure} is declared "
                                     "elsewhere with another time_relation, public or counts")
    catalogue = Catalogue(int(raw["version"]), settings, units, dimensions, populations,
                          tuple(indicators))
    relations = []
    for spec in raw.get("relations") or []:
        relation = Relation(str(spec.get("part")), str(spec.get("whole")))
        _check_references(f"relation {relation}", (relation.part, relation.whole), seen)
        if catalogue.term(relation.part).measure == catalogue.term(relation.whole).measure:
            raise CatalogueError(f"relation {relation}: part and whole are the same count")
        relations.append(relation)
    stock_exits = []
    for spec in raw.get("stock_exits") or []:
        pair = StockExits(str(spec.get("stock")), str(spec.get("exits")))
        _check_references(f"stock_exits {pair}", (pair.stock, pair.exits), seen)
        stock, exits = catalogue.term(pair.stock), catalogue.term(pair.exits)
        if (stock.time_relation, exits.time_relation) != ("distinct", "events"):
            raise CatalogueError(f"stock_exits {pair}: the stock must be distinct and the exits "
                                 "events (what ran in a period; what ended in it)")
        stock_exits.append(pair)
    return Catalogue(catalogue.version, settings, units, dimensions, populations,
                     tuple(indicators), tuple(relations), tuple(stock_exits))


def _check_references(owner: str, references: tuple[str, ...], indicator_ids: set[str]) -> None:
    for reference in references:
        indicator_id, _, which = reference.partition(".")
        if indicator_id not in indicator_ids or which not in ("numerator", "denominator"):
            raise CatalogueError(f"{owner}: {reference!r} is not "
                                 "<indicator>.numerator or <indicator>.denominator")


def _check_themes(themes: tuple[Theme, ...], dimensions: dict, by_id: dict[str, Indicator]) -> None:
    if sorted(t.dimension for t in themes) != sorted(dimensions):
        raise CatalogueError("index.themes must list every dimension once")
    for theme in themes:
        if theme.panel not in PANELS:
            raise CatalogueError(f"dimension {theme.dimension}: panel must be one of {', '.join(PANELS)}")
        if not theme.indicators:
            raise CatalogueError(f"theme {theme.dimension} has no indicators")
        for half, ids in (("objective", theme.objective), ("subjective", theme.subjective)):
            for ident in ids:
                indicator = by_id.get(ident)
                if indicator is None or indicator.dimension != theme.dimension or indicator.kind != half:
                    raise CatalogueError(f"theme {theme.dimension}: {ident} is not a {half} "
                                         f"indicator of that dimension")
        need = theme.panel == "zorgvraag"
        if any((by_id[i].direction == "higher_is_more_need") != need for i in theme.indicators):
            raise CatalogueError(f"theme {theme.dimension}: higher_is_more_need belongs to the "
                                 "zorgvraag panel and only there")


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> Catalogue:
    return parse(read_yaml(path))


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    return _load_cached(str(path), path.stat().st_mtime)


# --- the generated SQL ----------------------------------------------------------------------------

def _cte(indicator: Indicator) -> str:
    num, den = indicator.numerator, indicator.denominator
    head = (f"{indicator.id} as (\n"
            f"    -- {indicator.name_en}: {num.en} / {den.en}\n")
    # a sum of euros: its largest single amount, which sets its published mean's grain
    largest = f"cast({num.largest} as double)" if num.largest else "cast(null as double)"
    if num.table == den.table:
        return head + (
            f"    select '{indicator.id}' as indicator_id, buurtcode, period_type, period,\n"
            f"        coalesce(cast({num.sql} as double), 0) as numerator,\n"
            f"        coalesce(cast({den.sql} as double), 0) as denominator,\n"
            f"        {largest} as largest\n"
            f"    from {num.table}\n"
            f"    group by buurtcode, period_type, period\n"
            f")")
    return head + (
        f"    select '{indicator.id}' as indicator_id, buurtcode, period_type, period,\n"
        f"        sum(numerator) as numerator, sum(denominator) as denominator, max(largest) as largest\n"
        f"    from (\n"
        f"        select buurtcode, period_type, period,\n"
        f"            coalesce(cast({num.sql} as double), 0) as numerator, 0.0 as denominator,\n"
        f"            {largest} as largest\n"
        f"        from {num.table}\n"
        f"        group by buurtcode, period_type, period\n"
        f"        union all\n"
        f"        select buurtcode, period_type, period,\n"
        f"            0.0, coalesce(cast({den.sql} as double), 0), cast(null as double)\n"
        f"        from {den.table}\n"
        f"        group by buurtcode, period_type, period\n"
        f"    )\n"
        f"    group by buurtcode, period_type, period\n"
        f")")


def render_buurt_values_sql(catalogue: Catalogue | None = None) -> str:
    catalogue = catalogue or load_catalogue()
    ctes = ",\n\n".join(_cte(i) for i in catalogue.indicators)
    union = "\n    union all\n".join(f"    select * from {i.id}" for i in catalogue.indicators)
    return (
        "-- Numerator and denominator of every liveability indicator per buurt and period, one CTE per\n"
        "-- indicator, in long format (marts.indicator_values adds empty buurten, wijken, the gemeente).\n"
        "-- GENERATED from sources/indicators.yaml by `python -m sources.indicators`: edit the\n"
        "-- catalogue, not this file.\n"
        f"with {ctes},\n\n"
        f"final as (\n{union}\n)\n\n"
        "select * from final\n")


# --- rows for the warehouse -----------------------------------------------------------------------

def catalogue_rows(catalogue: Catalogue | None = None) -> list[dict]:
    catalogue = catalogue or load_catalogue()
    return [{
        "indicator_id": i.id, "sort_order": i.order, "dimension": i.dimension, "kind": i.kind,
        "objective": i.objective, "name_nl": i.name_nl, "name_en": i.name_en, "unit": i.unit.key,
        "scale": i.unit.scale, "decimals": i.unit.decimals,
        "value_min": None if i.unit.min is None else float(i.unit.min),
        "value_max": None if i.unit.max is None else float(i.unit.max),
        "direction": i.direction, "sources": list(i.sources), "population": i.population,
        "min_base": i.min_base, "min_count": i.min_count, "disclosure_group": i.disclosure_group,
        "numerator_rounded": i.numerator.rounded, "denominator_rounded": i.denominator.rounded,
        "numerator_counts": i.numerator.counts, "pooling": i.pooling,
        "numerator_time_relation": i.numerator.time_relation,
        "denominator_time_relation": i.denominator.time_relation,
    } for i in catalogue.indicators]


def theme_rows(catalogue: Catalogue | None = None) -> list[dict]:
    """core.index_themes: the fixed composition, one row per (theme, indicator)."""
    catalogue = catalogue or load_catalogue()
    return [{"dimension": t.dimension, "panel": t.panel, "indicator_id": ident, "half": half,
             "n_in_half": len(ids)}
            for t in catalogue.index.themes
            for half, ids in (("objective", t.objective), ("subjective", t.subjective))
            for ident in ids]


def index_settings_row(catalogue: Catalogue | None = None) -> dict:
    catalogue = catalogue or load_catalogue()
    index = catalogue.index
    return {"base_period": index.base_period, "score_min": index.score_min,
            "score_max": index.score_max, "points_per_sd": index.points_per_sd,
            "interval": index.interval, "change_fdr": index.change_fdr,
            # the normal quantile of the two-sided interval (0.90 → 1.645)
            "interval_z": NormalDist().inv_cdf(0.5 + index.interval / 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Write {GENERATED_SQL.relative_to(REPO_ROOT)} "
                                                 "from the indicator catalogue.")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    sql = render_buurt_values_sql()
    if args.check:
        stale = not GENERATED_SQL.exists() or GENERATED_SQL.read_text(encoding="utf-8") != sql
        print(f"{GENERATED_SQL} is {'stale' if stale else 'up to date'}")
        return 1 if stale else 0
    GENERATED_SQL.write_text(sql, encoding="utf-8")
    print(GENERATED_SQL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
