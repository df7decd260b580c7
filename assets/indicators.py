"""Liveability indicators: the catalogue and open data in the warehouse, disclosure control of the
indicator values, and the checks on the marts.

The indicator SQL lives in sql/core/*_periods.sql, the generated sql/core/indicator_buurt_values.sql
and sql/marts/{indicator_values,liveability_index,buurt_profile}.sql (one asset per file, see
assets/models.py). This module adds what SQL cannot do:
- load sources/indicators.yaml into core.indicator_catalogue and core.index_settings,
- load the Leefbaarometer 2024 buurt scores into core.leefbaarometer,
- publish marts.indicator_values_published through quality.disclosure (iterative),
- check the marts.
"""

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import polars as pl

from assets.estimates import ESTIMATES_KEY, TWO_SIDED_P, publish_estimates, released_means
from assets.reference import WAREHOUSE_POOL
from engine.resources import WarehouseResource
from engine.warehouse import first_row, scalar
from quality.disclosure import SuppressionReport, area_hierarchy, period_hierarchy, suppress
from quality import pattern_cache, releases
from quality.disclosure_audit import AuditResult, SplitAuditor
from sources.geography import REFERENCE_DIR
from sources.indicators import Catalogue, catalogue_rows, index_settings_row, load_catalogue, theme_rows

CATALOGUE_KEY = dg.AssetKey(["core", "indicator_catalogue"])
SETTINGS_KEY = dg.AssetKey(["core", "index_settings"])
THEMES_KEY = dg.AssetKey(["core", "index_themes"])
LBM_KEY = dg.AssetKey(["core", "leefbaarometer"])
VALUES_KEY = dg.AssetKey(["marts", "indicator_values"])
PUBLISHED_KEY = dg.AssetKey(["marts", "indicator_values_published"])
INDEX_KEY = dg.AssetKey(["marts", "liveability_index"])
PROFILE_KEY = dg.AssetKey(["marts", "buurt_profile"])
LBM_CSV = REFERENCE_DIR / "lbm_2024_rotterdam_buurten.csv"
PUBLISHED = "marts.indicator_values_published"
BAND_FIELDS = "struct(band varchar, lower double, lower_open boolean, upper double, upper_open boolean)"


# --- the catalogue ------------------------------------------------------------------------------

def write_catalogue(con: duckdb.DuckDBPyConnection) -> int:
    catalogue = load_catalogue()
    rows = pl.DataFrame(catalogue_rows(catalogue), schema_overrides={
        "value_min": pl.Float64, "value_max": pl.Float64, "min_count": pl.Int64,
        "pooling": pl.String})
    themes = pl.DataFrame(theme_rows(catalogue))
    settings = index_settings_row(catalogue)
    bands = [{"band": b.band, "lower": b.lower, "lower_open": b.lower_open, "upper": b.upper,
              "upper_open": b.upper_open} for b in catalogue.index.bands]
    con.execute("create or replace table core.indicator_catalogue as select * from rows")
    con.execute(TWO_SIDED_P)   # used by the index and change models that read the settings
    con.execute("create or replace table core.index_themes as select * from themes")
    con.execute(f"""create or replace table core.index_settings as
                    select ?::varchar as base_period, ?::double as score_min, ?::double as score_max,
                           ?::double as points_per_sd, ?::double as interval,
                           ?::double as change_fdr, ?::double as interval_z,
                           ?::{BAND_FIELDS}[] as bands""",
                [settings["base_period"], settings["score_min"], settings["score_max"],
                 settings["points_per_sd"], settings["interval"], settings["change_fdr"],
                 settings["interval_z"], bands])
    return rows.height


@dg.multi_asset(
    name="indicator_catalogue",
    specs=[dg.AssetSpec(CATALOGUE_KEY, group_name="core", metadata={"source": "sources/indicators.yaml"},
                        description="One row per liveability indicator from sources/indicators.yaml: "
                                    "dimension, kind, unit and scale, direction, sources, population, "
                                    "minimum base and count for publication, disclosure group."),
           dg.AssetSpec(SETTINGS_KEY, group_name="core", metadata={"source": "sources/indicators.yaml"},
                        description="Index settings from sources/indicators.yaml: the pinned base "
                                    "period, the scale, interval, false-discovery rate and bands."),
           dg.AssetSpec(THEMES_KEY, group_name="core", metadata={"source": "sources/indicators.yaml"},
                        description="The fixed composition of every theme (and the zorgvraag "
                                    "panel): one row per theme, half and indicator.")],
    pool=WAREHOUSE_POOL,
)
def indicator_catalogue(warehouse: WarehouseResource):
    with warehouse.connect() as con:
        n = write_catalogue(con)
    yield dg.MaterializeResult(asset_key=CATALOGUE_KEY, metadata={"indicators": n})
    yield dg.MaterializeResult(asset_key=SETTINGS_KEY)
    yield dg.MaterializeResult(asset_key=THEMES_KEY)


# --- open data ----------------------------------------------------------------------------------

def write_leefbaarometer(con: duckdb.DuckDBPyConnection, path: Path = LBM_CSV) -> int:
    frame = pl.read_csv(path, null_values=["NA", ""]).rename({"bu_code": "buurtcode",
                                                              "bu_naam": "buurtnaam"})
    con.execute("create or replace table core.leefbaarometer as select * from frame")
    return frame.height


@dg.asset(key=LBM_KEY, group_name="core", pool=WAREHOUSE_POOL,
          description="Leefbaarometer 3.0 scores 2024 per buurt (lbm, deviation afw and the "
                      "dimensions fys onv soc vrz won). Bron: Leefbaarometer, Ministerie van BZK.")
def leefbaarometer(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        n = write_leefbaarometer(con)
    return dg.MaterializeResult(metadata={"buurten": n})


# --- disclosure control -------------------------------------------------------------------------

# Counts whose hidden cells need a protection interval: persons and respondents, and any count an
# indicator holds to a minimum (crisis events of tenants). Incidents, reports and homes follow
# the catalogue's base rule only; public counts (CBS inhabitants) are known to everyone.
PROTECTED_COUNTS = ("persons", "respondents")
MAX_AUDIT_ROUNDS = 50      # suppress() runs, each followed by audits until the pattern holds
MAX_EXTENSION_ROUNDS = 500  # audits per run of suppress(), each hiding one cell per finding
STALLED_ROUNDS = 5          # rounds without fewer findings before the exact audit is asked
# What a gemeente's kept suppression pattern depends on besides its cells (quality/pattern_cache.py):
# the code that makes and audits patterns and the configuration it reads.
PATTERN_INPUTS = [Path(__file__), *(Path(__file__).parents[1] / "quality" / name for name in (
                      "disclosure.py", "disclosure_audit.py", "pattern_cache.py", "releases.py")),
                  *(Path(__file__).parents[1] / "sources" / name for name in (
                      "indicators.yaml", "indicators.py", "publication.yaml"))]
CELL_INPUTS = ("indicator_id", "area_code", "period", "numerator", "denominator")
# A numerator decides what is hidden only when it is a count (rounded) or held to a minimum; a sum
# of euros or marks never does, and its last bits differ between runs (parallel float sums), so
# it is left out of the fingerprint, as out of the record of releases (releases.counts_as_audited).
PATTERN_INPUTS_VIEW = ("create or replace temp view _pattern_inputs as "
                       + releases.counts_as_audited("marts.indicator_values"))


def _measures(catalogue: Catalogue) -> tuple[list[tuple[str, str, str]], dict[str, dict]]:
    """(indicator_id, numerator|denominator, measure) for every count term, and per measure its
    time relation, whether it is protected and whether it is public."""
    terms, measures = [], {}
    for indicator in catalogue.indicators:
        for which in ("numerator", "denominator"):
            term = getattr(indicator, which)
            if not term.rounded:
                continue
            terms.append((indicator.id, which, term.measure))
            info = measures.setdefault(term.measure, {"time_relation": term.time_relation,
                                                      "public": term.public, "protected": False})
            info["protected"] |= (term.counts in PROTECTED_COUNTS
                                  or (which == "numerator" and indicator.min_count is not None))
    return terms, measures


class _SharedPattern:
    """What hiding one count does to the others before suppress() runs again, so the audit loop
    sees nearly the pattern suppress() will make: every indicator holding the count is hidden
    there, and with it every indicator of its disclosure group (one pattern per group); a count
    is hidden when every indicator holding it is."""

    def __init__(self, con: duckdb.DuckDBPyConnection, pattern: str, catalogue: Catalogue, terms):
        self.group = {i.id: i.disclosure_group for i in catalogue.indicators}
        self.members: dict[str, list[str]] = {}
        for indicator in catalogue.indicators:
            self.members.setdefault(indicator.disclosure_group, []).append(indicator.id)
        self.holders: dict[str, list[str]] = {}
        self.counts_of: dict[str, list[str]] = {}
        for indicator_id, _, measure in terms:
            self.holders.setdefault(measure, []).append(indicator_id)
            self.counts_of.setdefault(indicator_id, []).append(measure)
        self.hidden = set(con.execute(f"select indicator_id, area_code, period from {pattern} "
                                      "where suppressed").fetchall())

    def hide(self, measure: str, area: str, period: str) -> list[tuple[str, str, str]]:
        """Hide a count; the counts (measure, area, period) hidden as a result, itself included."""
        indicators = {i for holder in self.holders[measure] for i in self.members[self.group[holder]]}
        self.hidden.update((i, area, period) for i in indicators)
        counts = {m for i in indicators for m in self.counts_of.get(i, ())}
        return sorted((m, area, period) for m in counts
                      if all((i, area, period) in self.hidden for i in self.holders[m]))


@dataclass
class MeasureCells:
    """Every count of marts.indicator_values once, as (measure, area, period) keys with their true
    counts and whether a pattern hides them. Keys share their strings (one object per measure,
    area and period): at national scale that is seven million keys."""
    keys: list[tuple[str, str, str]]
    values: np.ndarray
    hidden: np.ndarray


def _measure_cells(con: duckdb.DuckDBPyConnection, pattern: str, terms,
                   source: str = "marts.indicator_values") -> MeasureCells:
    """Each count of `source` (marts.indicator_values or some of its gemeenten), hidden when every
    indicator holding it hides it in `pattern` (indicator_id, area_code, period, suppressed)."""
    frame = pl.DataFrame(terms, schema=["indicator_id", "which", "measure"], orient="row")
    con.register("_audit_terms", frame)
    try:
        rows = con.sql(f"""
            select terms.measure, iv.area_code, iv.period,
                   max(case terms.which when 'numerator' then iv.numerator else iv.denominator end) as value,
                   min(case terms.which when 'numerator' then iv.numerator else iv.denominator end) as low,
                   bool_and(pattern.suppressed) as hidden
            from {source} as iv
            inner join {pattern} as pattern using (indicator_id, area_code, period)
            inner join _audit_terms as terms using (indicator_id)
            group by all
            order by all""").pl()
    finally:
        con.unregister("_audit_terms")
    differing = rows.filter(pl.col("value") != pl.col("low")).height
    if differing:
        raise ValueError(f"{differing} cells where one count differs between indicators")
    columns = []
    for name in ("measure", "area_code", "period"):
        names = rows[name].unique().to_list()
        codes = rows[name].cast(pl.Enum(names)).to_physical().to_list()
        columns.append([names[c] for c in codes])
    return MeasureCells(list(zip(*columns)), rows["value"].to_numpy().astype(float),
                        rows["hidden"].to_numpy().astype(bool))


def indicator_auditor(con: duckdb.DuckDBPyConnection, cells: MeasureCells,
                      catalogue: Catalogue, known: np.ndarray | None = None) -> SplitAuditor:
    """The attacker's audit of the indicator counts, gemeente by gemeente; `known`: per count,
    whether an earlier release showed it as it is now (see known_counts)."""
    terms, measures = _measures(catalogue)
    subsets = [(catalogue.term(r.part).measure, catalogue.term(r.whole).measure)
               for r in catalogue.relations]
    return SplitAuditor(cells.keys, cells.values, beyond=_stock_januaries(con, catalogue, terms),
                   protected=lambda m: measures[m]["protected"],
                   public=lambda m: measures[m]["public"],
                   area_parents=area_hierarchy(con, "area_code").parents,
                   time_relation={m: i["time_relation"] for m, i in measures.items()},
                   subsets=subsets, known=known,
                   stock_exits={catalogue.term(p.stock).measure: catalogue.term(p.exits).measure
                                for p in catalogue.stock_exits})


def _stock_januaries(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, terms) -> dict:
    """The true counts of every declared stock in each January, from all of
    marts.indicator_values: what the audit of a gemeente's year before it takes the attacker to
    know (SplitAuditor), also when only some parts are published anew."""
    stocks = {catalogue.term(pair.stock).measure for pair in catalogue.stock_exits}
    stock_terms = [term for term in terms if term[2] in stocks]
    if not stock_terms:
        return {}
    con.execute("""
        create or replace temp view _januaries as
        select indicator_id, area_code, period, false as suppressed from marts.indicator_values
        where substr(period, 6) = '01'""")
    try:
        cells = _measure_cells(con, "_januaries", stock_terms)
    finally:
        con.execute("drop view if exists _januaries")
    return dict(zip(cells.keys, cells.values.tolist()))


def known_counts(con: duckdb.DuckDBPyConnection, cells: str, terms, keys: list,
                 source: str = "marts.indicator_values", before_the_last: bool = False) -> np.ndarray:
    """Per count of the cells in `cells`, in the order of `keys` (their _measure_cells): does the
    attacker know it from an earlier release (quality/releases.py; one before the last, with
    `before_the_last`)? A count is known when any indicator holding it was shown with its
    present counts."""
    view = releases.known_to_the_attacker(con, cells, "_known_cells", source, before_the_last)
    counts = _measure_cells(con, view, terms, source)
    for name in ("_known_cells", "_every_cell_hidden"):
        con.execute(f"drop view if exists {name}")
    if counts.keys != keys:
        raise RuntimeError("the counts known from earlier releases are not those audited")
    return ~counts.hidden


def witness_rows(auditor: SplitAuditor) -> pl.DataFrame:
    """The points the auditor proved its last patterns with (SplitAuditor.witnesses), one row per
    cell a point moves: part ('gemeente/year', as quality/pattern_cache.py names it), point, cell
    (its position among the part's keys) and move (from the true count). Numbers only: a city's run
    keeps millions."""
    frames = [pl.DataFrame({"point": point, "cell": cell, "move": move},
                           schema={"point": pl.Int32, "cell": pl.Int32, "move": pl.Float64}
                           ).with_columns(part=pl.lit(f"{root}/{year}"))
              for (root, year), (point, cell, move) in auditor.witnesses().items()]
    columns = {"part": pl.String, "point": pl.Int32, "cell": pl.Int32, "move": pl.Float64}
    return pl.concat(frames).select(*columns) if frames else pl.DataFrame(schema=columns)


def _witnesses_by_part(con: duckdb.DuckDBPyConnection, wanted: str) -> dict[tuple[str, str], tuple[np.ndarray, ...]]:
    """The kept points of the parts in `wanted` (quality/pattern_cache.py: kept_points) as
    SplitAuditor.audit takes them: per part (gemeente, year), its points' rows."""
    return {tuple(part.split("/")): rows for part, rows in pattern_cache.kept_points(con, wanted).items()}


def audit_indicator_cells(con: duckdb.DuckDBPyConnection, pattern: str, *, lp: bool = True,
                          catalogue: Catalogue | None = None, witnesses: str | None = None) -> AuditResult:
    """The attacker's audit (quality/disclosure_audit.py) of a suppression pattern over
    marts.indicator_values: `pattern` has indicator_id, area_code, period, suppressed. A count an
    earlier release showed as it is now is visible to him (quality/releases.py). `witnesses`: the
    parts whose kept points to check first (quality/pattern_cache.py: kept_points): a target they
    prove wide needs no LP."""
    catalogue = catalogue or load_catalogue()
    terms = _measures(catalogue)[0]
    cells = _measure_cells(con, pattern, terms)
    known = known_counts(con, pattern, terms, cells.keys)
    # One audit, not a round of a loop: its workers are forked once, worth it from two parts.
    auditor = indicator_auditor(con, cells, catalogue, known)
    points = _witnesses_by_part(con, witnesses) if witnesses else None
    result = auditor.audit(cells.hidden & ~known, lp=lp, fork_from=2, witnesses=points)
    # A count that what was released before the last publication gives away, whatever that
    # publication hid, is set aside (counted as given away) rather than failed: the last
    # publication could not protect it. One that it could have protected stays a finding.
    # (An audit proves by LP only what propagation does not find: setting those aside may leave
    # more for the LP.)
    if result.findings and lp and releases.publications_recorded(con):
        earlier = known_counts(con, pattern, terms, cells.keys, before_the_last=True)
        while result.findings and auditor.set_aside(earlier):
            result = auditor.audit(cells.hidden & ~known, lp=lp, fork_from=2)
    return result


def _suppress_and_audit(con: duckdb.DuckDBPyConnection, source: str, catalogue: Catalogue,
                        progress: Callable[[str], None], start: str | None = None,
                        start_witnesses: str | None = None) -> dict:
    """The suppression pattern of the cells in `source` (whole gemeenten of
    marts.indicator_values) as temp table `_indicator_published`, in two passes:

    1. per population (what a denominator counts), over the distinct denominators: a base under
       the indicator's min_base is hidden, with complementary cells, so a small base stays hidden
       in every indicator that shares it;
    2. per indicator, starting from that pattern: a numerator of 1..min_count-1 persons is hidden
       too, with complementary cells; indicators of one disclosure group share the pattern.
    Both passes protect the area hierarchy (buurt → wijk → gemeente) and the time hierarchy
    (month → quarter → year) together, and repeat until the attacker's audit finds nothing.
    The cells of `start` (indicator_id, area_code, period: a corrected part's last pattern) are
    hidden in the second pass from its first run on; the first audit checks the points that
    proved it first (`start_witnesses`: its part and fingerprint, pattern_cache.kept_points).
    """
    periods = [r[0] for r in con.execute(
        f"select distinct period from {source}").fetchall()]
    hierarchies = [area_hierarchy(con, "area_code"), period_hierarchy(periods, "period")]
    con.execute(f"""
        create or replace temp table _population_cells as
        select catalogue.population, iv.area_code, iv.period,
               max(iv.denominator) as base, min(iv.denominator) as base_low,
               max(catalogue.min_base) as min_base
        from {source} as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        group by all""")
    disagree = scalar(con, "select count(*) from _population_cells where base <> base_low")
    if disagree:
        raise ValueError(f"{disagree} cells where indicators of one population have different "
                         "denominators: fix the catalogue's population or the fact tables")
    reports = {"populations": suppress(
        con, "_population_cells", "_population_published", hierarchies=hierarchies,
        by=["population"], base="base", protect=["base"], primary="base > 0 and base < min_base",
        rounding=1)}
    terms, _ = _measures(catalogue)
    # What earlier releases showed the attacker knows: the audit takes it as visible and never
    # picks it to hide (quality/releases.py). Same cells as every round's (checked there).
    known = None
    con.execute("create or replace temp table _forced_cells "
                "(indicator_id varchar, area_code varchar, period varchar)")
    if start:
        con.execute(f"insert into _forced_cells select indicator_id, area_code, period from {start}")
    audit, auditor, audits = AuditResult(), None, 0
    for audit_round in range(MAX_AUDIT_ROUNDS):
        con.execute(f"""
            create or replace temp table _indicator_cells as
            select iv.indicator_id, catalogue.disclosure_group, iv.area_code, iv.period,
                   iv.numerator, iv.denominator, catalogue.min_count,
                   populations.suppressed or forced.indicator_id is not null as base_hidden,
                   case when catalogue.min_count is not null then iv.numerator else 0 end
                       as protected_count
            from {source} as iv
            inner join core.indicator_catalogue as catalogue using (indicator_id)
            inner join _population_published as populations
                on populations.population = catalogue.population
                and populations.area_code = iv.area_code
                and populations.period = iv.period
            left join (select distinct * from _forced_cells) as forced
                on forced.indicator_id = iv.indicator_id
                and forced.area_code = iv.area_code
                and forced.period = iv.period""")
        reports["indicators"] = suppress(
            con, "_indicator_cells", "_indicator_published", hierarchies=hierarchies,
            by=["disclosure_group", "indicator_id"], shared_by=["disclosure_group"],
            base="denominator", protect=["protected_count"],
            primary="base_hidden or (min_count is not null and numerator between 1 and min_count - 1)",
            rounding=1)
        # The attacker's audit of what suppress() made. Only an audit of that pattern that finds
        # nothing ends the loop; otherwise each gemeente-year is extended until it holds
        # (_extend_until_it_holds) and the counts it hid go to suppress() as primary cells (hidden
        # in every indicator holding them, with their complementary cells).
        cells = _measure_cells(con, "_indicator_published", terms, source)
        if known is None:
            known = known_counts(con, source, terms, cells.keys, source)
        auditor = auditor or indicator_auditor(con, cells, catalogue, known)
        if cells.keys != auditor.keys:
            raise RuntimeError("the counts changed between audit rounds")
        hidden = cells.hidden & ~known   # a count the attacker knows is visible to him
        del cells
        points = _witnesses_by_part(con, start_witnesses) if start_witnesses and audit_round == 0 else None
        audit = auditor.audit(hidden, local=True, witnesses=points)
        audits += 1
        progress(f"suppression run {audit_round + 1}: {int(hidden.sum()):,} of {len(hidden):,} counts "
                 f"hidden; the audit finds {len(audit.findings):,} too narrow")
        if not audit.findings:
            break
        shared = _SharedPattern(con, "_indicator_published", catalogue, terms)
        settled = 0

        def one_settled(part: tuple[str, str], part_audits: int) -> None:
            nonlocal settled
            settled += 1
            if part_audits >= 10 or settled % 25 == 0:   # the slow ones, and a pulse nationally
                progress(f"gemeente {part[0]} {part[1]} holds after {part_audits} audits "
                         f"({settled:,} gemeente-years settled in this run)")
        _, forced_by_part, most = auditor.settle(
            hidden, functools.partial(_extend_until_it_holds, shared), on_settled=one_settled)
        audits += most
        to_force = set().union(*forced_by_part)
        forced = pl.DataFrame([(i, a, p) for m, a, p in sorted(to_force)
                               for i, _, measure in terms if measure == m],
                              schema=["indicator_id", "area_code", "period"], orient="row")
        con.execute("insert into _forced_cells select * from forced")
        # Keep what suppress() hid too, so the next pattern contains this one and the auditor
        # need not prove again what it proved (a cell shown again would undo its proofs).
        con.execute("insert into _forced_cells select indicator_id, area_code, period "
                    "from _indicator_published where suppressed")
    else:
        raise RuntimeError(f"the disclosure audit did not settle in {MAX_AUDIT_ROUNDS} rounds")
    # The points that prove the pattern, for the published table's check to verify (kept with
    # the pattern: quality/pattern_cache.py).
    witnesses = witness_rows(auditor)
    con.execute("create or replace temp table _audit_witnesses as select * from witnesses")
    audit.rounds = audits
    reports["audit"] = audit
    return reports


def _extend_until_it_holds(shared: _SharedPattern, auditor, hidden: np.ndarray, known: np.ndarray,
                           audit: AuditResult) -> tuple[np.ndarray, AuditResult, bool, int, set]:
    """One gemeente-year's pattern `hidden`, extended until its audit finds nothing: one more
    hidden count next to every count whose interval is too narrow (`audit` the last audit's
    findings), audited again (cheap: the auditor re-proves only what changed). Returns the
    pattern, its last audit, whether that audit was local, the audits made and the counts hidden
    (for suppress() as primary cells). Runs in a forked worker: `shared` is its own copy."""
    to_force: set[tuple[str, str, str]] = set()
    fewest, stalled, exact, audits = math.inf, 0, False, 0
    if known.any() and audit.findings and auditor.set_aside(audit.findings):
        # Counts that what earlier releases showed gives away whatever is hidden now: the search
        # for a cell to hide next to them went through their whole component, round after round
        # (a city warehouse published before the stock and its exits were declared: 6 minutes).
        audit = auditor.audit(hidden, local=True)
        audits += 1
    for _ in range(MAX_EXTENSION_ROUNDS):
        if not audit.findings:
            return hidden, audit, not exact, audits, to_force
        if len(audit.findings) < fewest:
            fewest, stalled = len(audit.findings), 0
        else:
            stalled += 1
        if audit.to_hide:
            to_force.update(audit.to_hide)
            for key in audit.to_hide:
                positions = (auditor.position(k) for k in shared.hide(*key))
                hidden[[p for p in positions if p is not None]] = True
            hidden &= ~known   # hidden with a count the attacker knows: visible to him
        elif exact and not auditor.set_aside(audit.findings):
            # not even earlier releases alone give them away: the pattern could protect them
            raise RuntimeError(f"{len(audit.findings)} hidden counts too narrow and no cell left to hide")
        # A count narrow within its local ball may be wide in its whole component: when the
        # local audit finds no cell left to hide, or its findings stop falling, the exact one
        # decides (hiding ever further out did not settle with a stock and its exits declared).
        exact = not audit.to_hide or stalled >= STALLED_ROUNDS
        audit = auditor.audit(hidden, local=not exact)
        audits += 1
    raise RuntimeError(f"the disclosure audit did not settle in {MAX_EXTENSION_ROUNDS} rounds")


def _fingerprint_parts(con: duckdb.DuckDBPyConnection) -> None:
    """Temp tables `_cell_part` and `_part_fingerprints`: the gemeente-years of
    marts.indicator_values and what their patterns depend on (quality/pattern_cache.py)."""
    method = pattern_cache.method_fingerprint(con, PATTERN_INPUTS, ["core.indicator_catalogue"])
    con.execute(PATTERN_INPUTS_VIEW)
    pattern_cache.fingerprint_parts(con, "_pattern_inputs", CELL_INPUTS, method)


def _forget_parts(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what _fingerprint_parts and the pattern cache's steps left behind."""
    con.execute("drop view if exists _pattern_inputs")
    pattern_cache.drop_temp_tables(con)


def reusable_parts(con: duckdb.DuckDBPyConnection, reuse: bool = True) -> list[str]:
    """The gemeente-years of marts.indicator_values whose kept pattern still holds (their cells
    and the method unchanged); leaves the temp tables pattern_cache's later steps read."""
    _fingerprint_parts(con)
    return pattern_cache.choose_reused(con, reuse)


def publish_indicator_values(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] = lambda line: None,
                             reuse: bool = True) -> dict[str, SuppressionReport]:
    """marts.indicator_values → marts.indicator_values_published: suppression and the attacker's
    audit (see `_suppress_and_audit`) for every gemeente-year whose cells changed since its pattern
    was made, the kept pattern for the others (quality/pattern_cache.py; `reuse=False` redoes all
    afresh). A corrected gemeente-year (its cells the same, their counts not) starts from its
    last pattern.
    Visible counts are rounded to 5, values to the unit's decimals; hidden cells are NULL.
    """
    catalogue = load_catalogue()
    reused = reusable_parts(con, reuse)
    todo = pattern_cache.cells_to_publish(con, "marts.indicator_values", "_cells_to_publish")
    progress(f"disclosure control: {len(reused):,} gemeente-years unchanged (pattern kept), "
             f"{todo:,} cells to publish anew")
    # A corrected gemeente-year starts from its last pattern: what it hid stays hidden, so a
    # correction does not move cells between hidden and shown, and the audit, which still audits the
    # whole pattern, mostly finds it holding (pattern_cache.restart_from_last).
    restarted = pattern_cache.restart_from_last(con, "_cells_to_publish", "_last_pattern", reuse)
    if restarted:
        progress(f"disclosure control: {restarted:,} corrected gemeente-years start from their last pattern")
        # ... and their first audit checks the points that proved those patterns: those the
        # correction did not break prove their targets again without an LP.
        pattern_cache.witnesses_of_restarted_parts(con, "_last_witnesses")
    if todo:
        reports = _suppress_and_audit(con, "_cells_to_publish", catalogue, progress, "_last_pattern",
                                      "_last_witnesses" if restarted else None)
        con.execute("drop table if exists _last_witnesses")
    else:
        reports = {"populations": SuppressionReport(), "indicators": SuppressionReport(),
                   "audit": AuditResult(parts=0)}
        con.execute(f"create or replace temp table _indicator_published as "
                    f"select indicator_id, area_code, period, suppressed from {pattern_cache.CACHE} limit 0")
        con.execute("create or replace temp table _audit_witnesses "
                    "(part varchar, point integer, cell integer, move double)")
    reports["audit"].reused, reports["audit"].restarted = len(reused), restarted
    pattern_cache.store(con, "_indicator_published", "_audit_witnesses")
    con.execute(f"insert into _indicator_published by name {pattern_cache.cached_patterns()}")
    missing = scalar(con, """select count(*) from marts.indicator_values as iv
        anti join _indicator_published as p using (indicator_id, area_code, period)""")
    if missing:
        raise RuntimeError(f"{missing} cells without a suppression pattern")
    released = released_means(con)  # noqa: F841 (read by the query below)
    con.execute(f"""
        create or replace table {PUBLISHED} as
        select
            iv.indicator_id,
            iv.area_level,
            iv.area_code,
            iv.area_name,
            iv.period_type,
            iv.period,
            case when published.suppressed or not catalogue.numerator_rounded then null
                 else rounded.numerator end as numerator,
            case when published.suppressed then null else rounded.denominator end as denominator,
            -- Rounding that holds: a ratio of two counts is computed from the published (rounded)
            -- counts, so it tells nothing they do not; a mean of euros or marks is published
            -- without its sum (from which sum / mean would give the count back), rounded to the
            -- grain that keeps one person's amount open between two releases (assets/estimates.py
            -- release_grain), the mean the estimates are computed from.
            case when published.suppressed then null
                 when catalogue.numerator_rounded and rounded.denominator > 0
                     then round(catalogue.scale * rounded.numerator / rounded.denominator,
                                cast(catalogue.decimals as integer))
                 when catalogue.numerator_rounded then null
                 else released.released_mean end as value,
            published.suppressed
        from marts.indicator_values as iv
        inner join core.indicator_catalogue as catalogue using (indicator_id)
        cross join lateral (
            select cast(round(iv.numerator / 5) * 5 as double) as numerator,
                   cast(round(iv.denominator / 5) * 5 as double) as denominator) as rounded
        inner join _indicator_published as published
            on published.indicator_id = iv.indicator_id
            and published.area_code = iv.area_code
            and published.period = iv.period
        left join released
            on released.indicator_id = iv.indicator_id
            and released.area_code = iv.area_code
            and released.period = iv.period
        order by catalogue.sort_order, iv.period_type, iv.period, iv.area_level,
            iv.area_code""")
    releases.record_released(con, PUBLISHED)
    for table in ("_population_cells", "_population_published", "_indicator_cells",
                  "_indicator_published", "_forced_cells", "_cells_to_publish", "_last_pattern",
                  "_audit_witnesses"):
        con.execute(f"drop table if exists {table}")
    _forget_parts(con)
    return reports


@dg.asset(key=PUBLISHED_KEY, group_name="marts", pool=WAREHOUSE_POOL,
          deps=[VALUES_KEY, CATALOGUE_KEY, ESTIMATES_KEY, dg.AssetKey(["core", "dim_buurt"])],
          description="marts.indicator_values after disclosure control, the only indicator table "
                      "reports read: no cell under 10 persons or homes (or the indicator's minimum "
                      "base), complementary suppression over area and time so no hidden cell can be "
                      "recomputed, counts rounded to 5; hidden cells are NULL with suppressed = true.")
def indicator_values_published(context: dg.AssetExecutionContext,
                               warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        started = time.perf_counter()
        reports = publish_indicator_values(con, progress=context.log.debug)
        seconds = round(time.perf_counter() - started, 1)
        estimates = publish_estimates(con)
        rows, hidden = first_row(con, f"select count(*), count(*) filter (where suppressed) from {PUBLISHED}")
        memory = {"hidden_shown_before": releases.hidden_but_known(con, PUBLISHED),
                  "released_cells_remembered": scalar(con, f"select count(*) from {releases.RELEASED}")}
    audit = reports["audit"]
    context.log.info(f"Disclosure control: {hidden:,} of {rows:,} cells hidden "
                     f"({hidden / max(rows, 1):.1%}) in {seconds} s; after {audit.rounds} rounds the "
                     f"attacker's audit finds every hidden count wide"
                     + (f" in each of {audit.parts} gemeente-years" if audit.parts > 1 else "")
                     + (f"; the patterns of {audit.reused} unchanged gemeente-years were kept" if audit.reused else "")
                     + (f"; {audit.restarted} corrected gemeente-years started from their last pattern"
                        if audit.restarted else ""))
    if audit.given_away:
        context.log.warning(f"{audit.given_away:,} hidden counts are given away by what earlier releases "
                            "showed (a release made before a relation was declared): no pattern can "
                            "protect them any more (docs/methodology.md)")
    return dg.MaterializeResult(metadata={**estimates, **memory,
        "rows": rows, "suppressed": hidden, "disclosure_seconds": seconds,
        "suppressed_share": round(hidden / rows, 4) if rows else 0.0,
        **{f"{name}_{k}": v for name, r in reports.items() for k, v in r.as_metadata().items()}})


# --- checks -------------------------------------------------------------------------------------

def missing_buurten(con) -> int:
    """(indicator, period) combinations that lack a buurt of core.dim_buurt."""
    return scalar(con, """
        select count(*) from (
            select indicator_id, period_type, period, count(distinct area_code) as buurten
            from marts.indicator_values where area_level = 'buurt' group by all)
        where buurten <> (select count(*) from core.dim_buurt)""")


def out_of_range(con, table: str = "marts.indicator_values") -> int:
    return scalar(con, f"""
        select count(*) from {table} as v
        inner join core.indicator_catalogue as c using (indicator_id)
        where v.numerator < 0 or v.denominator < 0
           or v.value < coalesce(c.value_min, 0) or v.value > coalesce(c.value_max, 'infinity'::double)
           or isnan(v.value) or isinf(v.value)""")


@dg.asset_check(pool=WAREHOUSE_POOL, asset=VALUES_KEY, description="Every buurt of core.dim_buurt is present for every "
                                              "indicator and period.")
def indicator_values_every_buurt(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        missing = missing_buurten(con)
    return dg.AssetCheckResult(passed=missing == 0, metadata={"incomplete_indicator_periods": missing})


@dg.asset_check(pool=WAREHOUSE_POOL, asset=VALUES_KEY, description="Values in their unit's range (percent 0-100, rates "
                                              "and euros >= 0, survey marks 0-10), counts >= 0.")
def indicator_values_in_range(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = out_of_range(con)
    return dg.AssetCheckResult(passed=bad == 0, metadata={"rows_out_of_range": bad})


def small_visible_cells(con) -> int:
    return scalar(con, f"""
        select count(*) from marts.indicator_values as v
        inner join {PUBLISHED} as p using (indicator_id, area_code, period)
        inner join core.indicator_catalogue as c using (indicator_id)
        where not p.suppressed
          and ((v.denominator > 0 and v.denominator < c.min_base)
               or (c.min_count is not null and v.numerator between 1 and c.min_count - 1))""")


def derivable_cells(con) -> list:
    """Hidden counts of the published table that an attacker can pin down too narrowly, by
    interval propagation and linear programming over every published cell and the catalogue's
    relations (quality/disclosure_audit.py). Should be []."""
    return audit_indicator_cells(con, PUBLISHED).findings


def derivable_cells_since_last_audit(con) -> tuple[list, int, int, AuditResult]:
    """derivable_cells for the gemeente-years that no earlier fresh audit covers in their present
    state (cells, method and published pattern: quality/pattern_cache.py), recorded as covered
    when it finds nothing. Returns (findings, gemeente-years audited now, covered before, the
    audit's result: its targets, how many the publication's points proved, its LPs)."""
    _fingerprint_parts(con)
    # The pattern as the attacker knows it (earlier releases included): a part is covered only
    # in that state, so a release that shows a hidden cell of it makes it audited again.
    todo = pattern_cache.parts_not_audited(con, releases.as_the_attacker_knows(con, PUBLISHED, "_published_as_known"))
    covered = scalar(con, "select count(*) from _part_fingerprints") - len(todo)
    con.execute(f"""
        create or replace temp view _pattern_to_audit as
        select p.indicator_id, p.area_code, p.period, p.suppressed
        from {PUBLISHED} as p inner join _cell_part as parts using (area_code, period)
        where parts.part in (select part from _parts_to_audit)""")
    # The points the publication proved its patterns with are checked first, against this
    # audit's own model of the published table; what they do not prove is proven by LP here.
    pattern_cache.witnesses_of_parts_to_audit(con, "_witnesses_to_check")
    result = audit_indicator_cells(con, "_pattern_to_audit", witnesses="_witnesses_to_check") \
        if todo else AuditResult(parts=0)
    findings = result.findings
    if not findings:
        pattern_cache.record_audited(con)
    for view in ("_pattern_to_audit", "_published_as_known"):
        con.execute(f"drop view if exists {view}")
    con.execute("drop table if exists _witnesses_to_check")
    _forget_parts(con)
    return findings, len(todo), covered, result


@dg.asset_check(pool=WAREHOUSE_POOL, asset=PUBLISHED_KEY, blocking=True,
                description="No visible cell under its minimum base or count, and no hidden count "
                            "an attacker can bound within its protection interval (a fresh audit "
                            "over area, time and subset relations of every gemeente-year that no "
                            "earlier one covers in its present cells and pattern: the points the "
                            "publication proved it with, checked against every relation, and LPs "
                            "for what they do not prove).")
def indicator_values_published_safe(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        small = small_visible_cells(con)
        derivable, audited, covered, audit = derivable_cells_since_last_audit(con)
    return dg.AssetCheckResult(passed=small == 0 and not derivable,
                               metadata={"small_visible_cells": small,
                                         "derivable_hidden_cells": len(derivable),
                                         "gemeente_years_audited": audited,
                                         "gemeente_years_audited_before": covered,
                                         "protected_targets": audit.targets,
                                         "targets_proven_by_the_publications_points": audit.certified,
                                         "lps": audit.lps})


@dg.asset_check(pool=WAREHOUSE_POOL, asset=INDEX_KEY, description="Every score finite and within the cap; every band set.")
def liveability_index_scores_finite(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = scalar(con, """
            select count(*) from marts.liveability_index, core.index_settings
            where score is null or isnan(score) or isinf(score) or band is null
               or score < score_min or score > score_max""")
    return dg.AssetCheckResult(passed=bad == 0, metadata={"bad_scores": bad})


def city_base_scores(con) -> list[tuple[str, float]]:
    return con.execute("""
        select dimension, score from marts.liveability_index
        where area_level = 'gemeente' and period = base_period order by dimension""").fetchall()


@dg.asset_check(pool=WAREHOUSE_POOL, asset=INDEX_KEY, description="The city's index is exactly 100 in the base period, "
                                             "for the total and every theme.")
def liveability_index_city_is_100(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        scores = city_base_scores(con)
        empty = not scalar(con, "select count(*) from marts.liveability_index")
    off = {d: s for d, s in scores if s != 100.0}
    return dg.AssetCheckResult(passed=(bool(scores) or empty) and not off,
                               metadata={"dimensions": len(scores), "not_100": str(off)})
