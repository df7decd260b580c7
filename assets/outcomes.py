"""Outcomes and cost per outcome: the configuration tables the SQL models join, the published
cost tables (through the shared disclosure control), and the checks that guard the person level.

The SQL lives in sql/core/person_*.sql, sql/core/*_cells.sql and sql/marts/*.sql (one asset per
file, see assets/models.py). This module adds what SQL cannot do:
- load sources/outcomes.yaml, unit_costs.yaml, rate_card.yaml and concentration.yaml into core
  tables (asset `outcome_config`);
- publish marts.cost_per_outcome and marts.cost_per_tenancy_month from their unsuppressed
  core.*_cells through quality/disclosure.py: primary suppression of cells with 1-9 persons
  (decided, or in the cohort cell at all) and (cost per outcome) 1-9 outcomes or failures,
  complementary suppression over totaal > gemeente > wijk > buurt and (cost per outcome) over
  start quarter > pooled cohort, and the linear-algebra audit; the breakdowns of cost per
  outcome under the count rule (assets/outcome_breakdowns.py);
- checks: no model links police or survey data to persons; costs are never negative;
  n_outcomes <= n_persons; no published cell gives a small or hidden count away.
"""
from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from assets.metadata import table_metadata
from assets.reference import WAREHOUSE_POOL, yaml_config_asset
from engine.resources import WarehouseResource
from engine.sqlmodels import SqlModel, discover
from engine.warehouse import first_row, scalar
from assets import outcome_breakdowns
from quality import disclosure
from quality.magnitudes import round_amounts
from sources import outcome_config

AREA = "area_code"
COHORT = "cohort"
# internal columns of the cells: the parent of each coordinate, never published
PARENTS = {AREA: "parent_code", COHORT: "cohort_parent"}


@dataclass(frozen=True)
class Publication:
    """A published table: the unsuppressed cells it is made from and how they are protected."""
    target: str
    source: str
    by: tuple[str, ...]
    protect: tuple[str, ...]
    counts: tuple[str, ...]
    blank: tuple[str, ...]
    ratio: tuple[str, str]      # the cost per (column, over this count), from the rounded total
    bounds: tuple[str, ...] = ()   # the ratio's interval, if it has one
    breakdowns: bool = False   # assets/outcome_breakdowns.py decides the detail counts
    quarters_of_pools: bool = False   # quarterly cohorts whose pools another table shows


# Costs summed over a cell's persons, published at a grain one person stays open in between two
# releases (quality/magnitudes.py): each part at the grain of the largest amount one entry adds
# to it anywhere in the programme (core.outcome_cells largest_*, never published), the total
# their sum, transfers apart.
COST_PARTS = ("cost_wonen_eur", "cost_zorg_eur", "cost_welzijn_eur")
COST_TOTAL = "total_cost_eur"
COSTS_APART = ("cost_transfers_eur",)
COST_LARGEST = {"cost_wonen_eur": "largest_wonen_eur", "cost_zorg_eur": "largest_zorg_eur",
                "cost_welzijn_eur": "largest_welzijn_eur", "total_cost_eur": "largest_total_eur",
                "cost_transfers_eur": "largest_transfers_eur"}


# Counts are not rounded (rounding=1): the published cost per outcome and outcome rate are
# exact ratios, so total / cost_per_outcome would give a rounded count back exactly. Small cells
# are protected by suppression, complementary suppression and the audit instead.
# marts.cost_per_outcome: cohort is a second hierarchy (quarter → pool) crossing the area tree,
# so a hidden quarter cannot be recomputed from its pool and the other quarters.
# The count rule (issue 14; docs/outcomes.md "Breakdowns"): a cell is a primary suppression when
# its entries, persons decided, outcomes or failures (n_persons - n_outcomes: lost housing for the
# sustainment rules, which the rate gives back) are 1-9, and so is one in which nobody decided had
# the outcome (0 of 10 or more: 'all of them lost their home' holds for each of them; group
# disclosure), alone or as the hidden quarters or areas under a visible total. Outcomes that
# judge the same entries (tenancy_sustained at one horizon: 12 months housed and 12 months same
# home) share persons and paths, so they share one suppression pattern (`judged_group`). The
# breakdowns (entries, censored, excluded, housing paths and the shares made from them) are
# detail: published only in the pooled city totals the board reads, a breakdown of 1-9 hidden
# there with what would give it back (assets/outcome_breakdowns.py); a cell whose breakdown only
# its headline gives back is suppressed whole.
PUBLICATIONS = {
    "marts.cost_per_outcome": Publication(
        target="marts.cost_per_outcome", source="core.cost_per_outcome_cells",
        by=("programme", "outcome_id"), protect=("n_persons", "n_cohort", "n_outcomes", "n_failures"),
        counts=("n_cohort", "n_persons", "n_outcomes", "n_censored", "n_excluded", "n_same_home",
                "n_moved_on", "n_lost_housing", "n_died"),
        blank=("provisional", "outcome_rate", "outcome_rate_low", "outcome_rate_high",
               "excluded_share", "outcome_rate_excluded_as_failure", "cost_wonen_eur",
               "cost_zorg_eur", "cost_welzijn_eur", "total_cost_eur", "cost_transfers_eur",
               "cost_per_outcome_eur", "cost_per_outcome_low_eur", "cost_per_outcome_high_eur"),
        ratio=("cost_per_outcome_eur", "n_outcomes"),
        bounds=("cost_per_outcome_low_eur", "cost_per_outcome_high_eur"), breakdowns=True),
    "marts.cost_per_tenancy_month": Publication(
        target="marts.cost_per_tenancy_month", source="core.cost_per_tenancy_month_cells",
        by=("programme", "cohort"), protect=("n_persons",),
        counts=("n_persons", "tenancy_months"),
        blank=("cost_wonen_eur", "cost_zorg_eur", "cost_welzijn_eur", "total_cost_eur",
               "cost_transfers_eur", "cost_per_tenancy_month_eur"),
        ratio=("cost_per_tenancy_month_eur", "tenancy_months"), quarters_of_pools=True),
}
# columns the suppression works with that are never published
INTERNAL = ("n_failures", "judged_group", "headline_flagged")
MAX_BREAKDOWN_ROUNDS = 20


def area_hierarchy_of(con, source: str) -> disclosure.Hierarchy:
    """The area tree of the cells themselves (buurt → wijk → gemeente → totaal, unknown areas
    included): every area code with its one parent."""
    pairs = con.execute(f"select distinct area_code, parent_code from {source}").fetchall()
    return disclosure.Hierarchy(AREA, dict(pairs))


def hierarchies_of(con, source: str) -> list[disclosure.Hierarchy]:
    """The area tree, and the cohort tree (quarter → pool) when the cells have one."""
    hierarchies = [area_hierarchy_of(con, source)]
    if PARENTS[COHORT] in (_columns(con, source) or ()):
        pairs = con.execute(f"select distinct cohort, cohort_parent from {source}").fetchall()
        hierarchies.append(disclosure.Hierarchy(COHORT, dict(pairs)))
    return hierarchies


def _cells_view(con, publication: Publication) -> None:
    """`_outcome_cells`: the cells without their parent columns; with breakdowns also the failure
    count, the judged group and whether a breakdown forced the headline's suppression."""
    parents = [c for c in PARENTS.values() if c in (_columns(con, publication.source) or ())]
    if not publication.breakdowns:
        con.execute("create or replace temp table _quarters_forced "
                    "(programme varchar, cohort varchar, area_code varchar)")
        con.execute(f"""
            create or replace temp view _outcome_cells as
            select cells.*{f" exclude ({', '.join(parents)})" if parents else ""},
                   forced.programme is not null as quarter_forced
            from {publication.source} as cells
            left join (select distinct * from _quarters_forced) as forced
                using (programme, cohort, area_code)""")
        return
    con.execute("create temp table if not exists _outcome_flags "
                "(programme varchar, outcome_id varchar, cohort varchar, area_code varchar)")
    con.execute(f"""
        create or replace temp view _outcome_cells as
        select cells.* exclude ({', '.join(parents)}),
               cells.n_persons - cells.n_outcomes as n_failures,
               -- outcomes judging the same entries the same way: same persons, exclusions, paths
               case when definitions.rule_type = 'tenancy_sustained'
                    then concat_ws('|', definitions.rule_type, definitions.months,
                                   definitions.decided_after_months,
                                   array_to_string(definitions.excluded_paths, ','))
                    else cells.outcome_id end as judged_group,
               flags.programme is not null as headline_flagged
        from {publication.source} as cells
        join core.outcome_definitions as definitions using (outcome_id)
        left join _outcome_flags as flags using (programme, outcome_id, cohort, area_code)""")


@dataclass
class PublicationReport:
    suppression: disclosure.SuppressionReport
    breakdowns_hidden: int = 0          # breakdown values published as NULL in pooled city totals
    headlines_for_breakdowns: int = 0   # cells suppressed because only their headline hid one

    def as_metadata(self) -> dict:
        return {**self.suppression.as_metadata(), "breakdowns_hidden": self.breakdowns_hidden,
                "headlines_suppressed_for_breakdowns": self.headlines_for_breakdowns}


def publish(con, publication: Publication) -> PublicationReport:
    """Write the published table from its cells; the parent columns stay internal. With
    breakdowns: suppress, decide the breakdowns, and suppress again with the cells whose
    breakdown only the headline gives back as primary, until none is left."""
    _cells_view(con, publication)
    protect = list(publication.protect)
    try:
        if not publication.breakdowns:
            primary = " or ".join([f"coalesce({c}, 0) between 1 and {disclosure.THRESHOLD - 1}"
                                   for c in protect] + ["quarter_forced"])
            for _ in range(MAX_BREAKDOWN_ROUNDS):
                report = disclosure.suppress(
                    con, "_outcome_cells", publication.target,
                    hierarchies=hierarchies_of(con, publication.source), by=list(publication.by),
                    base="n_persons", protect=protect, primary=primary, counts=list(publication.counts),
                    blank=list(publication.blank), rounding=1)
                more = (con.execute(_second_quarters(publication.target)).fetchall()
                        if publication.quarters_of_pools else [])
                if not more:
                    break
                con.executemany("insert into _quarters_forced values (?, ?, ?)", more)
            else:
                raise RuntimeError("the quarters of the pools did not settle")
            con.execute(f"alter table {publication.target} drop column quarter_forced")
            _round_costs(con, publication)
            return PublicationReport(report)
        con.execute("delete from _outcome_flags")
        con.execute(f"insert into _outcome_flags {_pools_that_pin_a_quarter(publication.source)}")
        primary = " or ".join([f"coalesce({c}, 0) between 1 and {disclosure.THRESHOLD - 1}"
                               for c in protect] + ["headline_flagged"])
        public_cohorts = _cohort_sizes_published(con, publication.source)
        decided: dict = {}   # per group and its suppressed cells, over the rounds
        for _ in range(MAX_BREAKDOWN_ROUNDS):
            report = disclosure.suppress(
                con, "_outcome_cells", publication.target,
                hierarchies=hierarchies_of(con, publication.source),
                by=["programme", "judged_group", *publication.by[1:]],
                shared_by=["programme", "judged_group"], base="n_persons", protect=protect,
                primary=primary, counts=list(publication.counts), blank=list(publication.blank),
                rounding=1, none_of=("n_outcomes", "n_persons"))
            decision = outcome_breakdowns.decide_in(con, "_outcome_cells", publication.target,
                                                    public_cohorts=public_cohorts, earlier=decided)
            # the quarter rows now shown bound their quarters' entries from below
            pinned = {tuple(r) for r in con.execute(
                f"{_pools_that_pin_a_quarter(publication.source, publication.target)} "
                "except select * from _outcome_flags").fetchall()}
            if not decision.flagged | pinned:
                break
            con.executemany("insert into _outcome_flags values (?, ?, ?, ?)", sorted(decision.flagged | pinned))
        else:
            raise RuntimeError("breakdown suppression did not settle")
        _blank_breakdowns(con, publication.target, decision)
        for column in INTERNAL:
            con.execute(f"alter table {publication.target} drop column {column}")
        _round_costs(con, publication)
        return PublicationReport(report, sum(len(c) for c in decision.hidden.values()),
                                 scalar(con, "select count(*) from _outcome_flags"))
    finally:
        con.execute("drop view if exists _outcome_cells")
        con.execute("drop table if exists _outcome_flags")
        con.execute("drop table if exists _quarters_forced")


def _round_costs(con, publication: Publication) -> None:
    round_amounts(con, publication.target, largest=COST_LARGEST, within=["programme"], parts=COST_PARTS,
                  total=COST_TOTAL, apart=COSTS_APART, ratio=publication.ratio, bounds=publication.bounds)


def _hidden_quarters_by_pool(target: str, decided_in: str | None = None) -> str:
    """SQL: per (programme, pool, area), each quarter with entries, its entries, whether `target`
    (marts.cost_per_tenancy_month) hides it (a hidden buurt or wijk row is left out), and the
    fewest entries anyone knows it holds: 1 (it has entries: its row says so at city level, and
    we grant that below), or the most persons decided that a visible quarter row of `decided_in`
    (marts.cost_per_outcome as published so far) shows, as they are some of its entries."""
    least, decided = "1", ""
    if decided_in:
        least = "greatest(1, coalesce(decided.n_persons, 0))"
        decided = f"""left join (
            select programme, cohort, area_code, max(n_persons) as n_persons from {decided_in}
            where cohort_kind = 'quarter' and not suppressed group by all) as decided
            using (programme, cohort, area_code)"""
    return f"""
        with pool_of as (
            select distinct programme, cohort, cohort_parent as pool, area_code
            from core.cost_per_outcome_cells where cohort_kind = 'quarter')
        select pool_of.programme, pool_of.pool, pool_of.area_code, pool_of.cohort,
               entries.n_persons, coalesce(shown.suppressed, true) as hidden, {least} as least
        from pool_of
        inner join core.cost_per_tenancy_month_cells as entries using (programme, cohort, area_code)
        left join {target} as shown using (programme, cohort, area_code)
        {decided}
        where entries.n_persons > 0"""


# A pool's hidden quarters are protected when more than one is hidden and each may hold 10 or
# more: their entries less the fewest the others are known to hold. Tightest for the quarter
# known to hold the fewest itself, as the others' fewest then add up to the most.
UNPROTECTED_QUARTERS = f"""
    count(*) filter (where hidden) = 1
    or sum(n_persons) filter (where hidden) - sum(least) filter (where hidden)
       + min(least) filter (where hidden) < {disclosure.THRESHOLD}"""


def _second_quarters(target: str) -> str:
    """SQL: (programme, quarter, area) to hide next in marts.cost_per_tenancy_month. A pool's
    entries are its quarters' added up, and marts.cost_per_outcome may show them: a quarter alone
    hidden in its pool, or hidden quarters holding fewer than 10 beyond what each is known to hold
    (1: it has entries), would come back from the pool less the quarters shown, or be known to
    lie under 10. Per such pool its smallest shown quarter is hidden too, until every hidden
    quarter may hold 10 or more."""
    return f"""
        with quarters as ({_hidden_quarters_by_pool(target)}),
        gaps as (
            select programme, pool, area_code from quarters group by all
            having count(*) filter (where hidden) >= 1 and ({UNPROTECTED_QUARTERS}))
        select programme, cohort, area_code from quarters inner join gaps using (programme, pool, area_code)
        where not hidden
        qualify row_number() over (partition by programme, pool, area_code order by n_persons, cohort) = 1"""


def _pools_that_pin_a_quarter(source: str, decided_in: str | None = None) -> str:
    """SQL: every outcome of a pooled cell whose entries would pin a quarter that
    marts.cost_per_tenancy_month hides. A pool's entries are its quarters' added up, so its
    n_cohort (or n_persons + n_censored + n_excluded of any row) less the quarters shown there is
    what the hidden ones hold: exactly, for one hidden quarter (the demo's 8 entries of
    uitstroom_mo in 2025-Q1 came back so), or under 10 for one of them once the least the others
    hold is taken off: at least 1 each, and at least the persons decided a visible quarter row
    of `decided_in` (marts.cost_per_outcome as published so far) shows (an outsider pinned the
    demo's uitstroom_mo 2026-Q1 to 1-6 entries: 16 hidden in two quarters, 10 decided in the
    other). Such a pool is hidden whole, as a primary cell."""
    return f"""
        with quarters as ({_hidden_quarters_by_pool("marts.cost_per_tenancy_month", decided_in)}),
        unprotected as (
            select programme, pool, area_code from quarters where hidden group by all
            having {UNPROTECTED_QUARTERS})
        select distinct cells.programme, cells.outcome_id, cells.cohort, cells.area_code
        from {source} as cells
        inner join unprotected
            on unprotected.programme = cells.programme and unprotected.pool = cells.cohort
            and unprotected.area_code = cells.area_code
        where cells.cohort_kind = 'pool'"""


def _cohort_sizes_published(con, source: str) -> set[tuple[str, str, str]]:
    """(programme, cohort, area) whose n_cohort anyone can read or add up from
    marts.cost_per_tenancy_month: its persons are the entries of a start quarter per area, so a
    quarter's is shown there, and a pool's where every quarter of the pool shows (a quarter
    without entries has no row: 0). Before that table exists, every cohort."""
    quarters = f"""select distinct programme, cohort, cohort_parent as pool, area_code from {source}
                   where cohort_kind = 'quarter'"""
    if not _exists(con, "marts.cost_per_tenancy_month"):
        return {tuple(r) for r in con.execute(f"""
            select programme, cohort, area_code from ({quarters})
            union select programme, pool, area_code from ({quarters})""").fetchall()}
    return {tuple(r) for r in con.execute(f"""
        with quarters as ({quarters}),
        shown as (
            select quarters.*, coalesce(months.n_persons is not null, false) as shown
            from quarters
            left join marts.cost_per_tenancy_month as months using (programme, cohort, area_code))
        select programme, cohort, area_code from shown where shown
        union
        select programme, pool, area_code from shown group by all having bool_and(shown)""").fetchall()}


def _blank_breakdowns(con, target: str, decision: outcome_breakdowns.Breakdowns) -> None:
    """NULL every breakdown outside the pooled city totals, and the hidden ones inside."""
    every = [*outcome_breakdowns.DETAIL, *outcome_breakdowns.SHARES]
    con.execute(f"update {target} set {', '.join(f'{c} = null' for c in every)} "
                f"where not ({outcome_breakdowns.PUBLISHED_AT})")
    for column in outcome_breakdowns.DETAIL:
        cells = [cell for cell, columns in decision.hidden.items() if column in columns]
        shares = [s for s, source in outcome_breakdowns.SHARES.items() if source == column]
        if not cells:
            continue
        con.executemany(
            f"update {target} set {', '.join(f'{c} = null' for c in (column, *shares))} "
            f"where {' and '.join(f'{c} = ?' for c in outcome_breakdowns.CELL)}", cells)


def _publication_asset(publication: Publication) -> dg.AssetsDefinition:
    layer, name = publication.target.split(".")

    @dg.asset(key=[layer, name], group_name=layer, pool=WAREHOUSE_POOL,
              deps=[dg.AssetKey(publication.source.split("."))]
              + ([dg.AssetKey(["core", "outcome_definitions"]),   # which counts outcomes share
                  dg.AssetKey(["marts", "cost_per_tenancy_month"])]  # the cohort sizes it shows
                 if publication.breakdowns else [])
              + ([dg.AssetKey(["core", "cost_per_outcome_cells"])]  # which pool holds a quarter
                 if publication.quarters_of_pools else []),
              description=f"{publication.source} as published: cells with 1-9 "
                          f"{', '.join(publication.protect)} suppressed, "
                          "with complementary suppression over totaal > gemeente > wijk > buurt "
                          "and quarter > pooled cohort where the cells have pools "
                          "(quality/disclosure.py); suppressed rows show no counts or costs."
                          + (" Breakdowns only in pooled city totals, none of 1-9 shown "
                             "(assets/outcome_breakdowns.py)." if publication.breakdowns else ""))
    def _asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            report = publish(con, publication)
            schema = table_metadata(con, publication.target)
        return dg.MaterializeResult(metadata={**report.as_metadata(), **schema})

    return _asset


published_cost_tables = [_publication_asset(p) for p in PUBLICATIONS.values()]

CONFIG_KEYS = {table: dg.AssetKey(["core", table]) for table in outcome_config.TABLES}
CONFIG_FILES = {"outcome_definitions": outcome_config.OUTCOMES_FILE,
                "programmes": outcome_config.OUTCOMES_FILE,
                "outcome_settings": outcome_config.OUTCOMES_FILE,
                "cost_transfers": outcome_config.OUTCOMES_FILE,
                "unit_costs": outcome_config.UNIT_COSTS_FILE,
                "unit_cost_payers": outcome_config.UNIT_COSTS_FILE,
                "outcome_valuations": outcome_config.UNIT_COSTS_FILE,
                "payers": outcome_config.UNIT_COSTS_FILE,
                "rate_card": outcome_config.RATE_CARD_FILE,
                "concentration_settings": outcome_config.CONCENTRATION_FILE}
CONFIG_DESCRIPTIONS = {
    "outcome_definitions": "Outcome definitions from sources/outcomes.yaml: id, nl/en name and "
                           "definition, window, rule type and its parameters, source datasets, "
                           "benchmark with its source.",
    "programmes": "Which tenancy target groups are programmes and which is the comparison group "
                  "(sources/outcomes.yaml).",
    "outcome_settings": "Housing paths (moved on within n days, housing with care), cohort "
                        "pooling and re-entry, interval settings (sources/outcomes.yaml).",
    "cost_transfers": "Cost lines that are transfers (e.g. bijstand): shown apart, not a social "
                      "cost (sources/outcomes.yaml).",
    "unit_costs": "Unit costs with low/mid/high, price year, status and cited source "
                  "(sources/unit_costs.yaml).",
    "unit_cost_payers": "Who would have paid each avoided unit cost (sources/unit_costs.yaml).",
    "outcome_valuations": "One counterfactual path per programme: outcome, unit cost avoided and "
                          "deadweight (method, counterfactual rate, source) (sources/unit_costs.yaml).",
    "payers": "Payers (stakeholders) and the cost domains each pays (sources/unit_costs.yaml).",
    "rate_card": "Price per outcome milestone with source and date (sources/rate_card.yaml).",
    "concentration_settings": "Concentration signal thresholds (sources/concentration.yaml).",
}

# Aggregated-only datasets: never joined to a person.
AGGREGATED_ONLY = (("staging", "veiligheid__incidenten"), ("staging", "bewoners__bewonersenquete"),
                   ("raw", "veiligheid__incidenten"), ("raw", "bewoners__bewonersenquete"))
PERSON_KEY = "persoon_pseudoniem"
AGGREGATE_ONLY_COLUMNS = ("incidentsoort", "vraag", "n_respondenten")
DISCLOSURE_MIN = disclosure.THRESHOLD
COST_TABLES = {  # table → cost columns that must never be negative
    "core.person_costs": ("bedrag_eur",),
    "core.person_outcomes": ("cost_wonen_eur", "cost_zorg_eur", "cost_welzijn_eur", "cost_total_eur"),
    "marts.cost_per_outcome": ("total_cost_eur", "cost_per_outcome_eur"),
    "marts.cost_per_tenancy_month": ("total_cost_eur", "cost_per_tenancy_month_eur"),
}


outcome_config_tables = yaml_config_asset("outcome_config", CONFIG_KEYS, CONFIG_FILES,
                                          CONFIG_DESCRIPTIONS, outcome_config.load,
                                          outcome_config.write_tables)


def _transitive_dependencies(models: list[SqlModel]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    direct = {(m.layer, m.name): set(m.depends_on) for m in models}
    closed: dict[tuple[str, str], set[tuple[str, str]]] = {}

    def visit(node, stack=()):
        if node in closed:
            return closed[node]
        found = set()
        for dep in direct.get(node, ()):
            if dep in stack:
                continue
            found |= {dep} | visit(dep, stack + (node,))
        closed[node] = found
        return found

    for node in direct:
        visit(node)
    return closed


def person_linked_aggregates(models: list[SqlModel] | None = None, columns_of=None,
                             transitive: bool = False) -> list[tuple[str, str]]:
    """(model, aggregated dataset) pairs where a model that reads police or survey data also has
    a person key: by its SQL text, or by its built columns when `columns_of` (table → column
    names, None when unknown) is given. Empty means no such link exists.

    Direct reads by default. `transitive=True` also follows other models, which flags models that
    only take the calendar (the months delivered) from those datasets: for review, not a gate."""
    models = models if models is not None else discover()
    reads = (_transitive_dependencies(models) if transitive
             else {(m.layer, m.name): set(m.depends_on) for m in models})
    found = []
    for model in models:
        sources = [f"{layer}.{name}" for layer, name in AGGREGATED_ONLY
                   if (layer, name) in reads[(model.layer, model.name)]]
        if not sources:
            continue
        columns = columns_of(model.table) if columns_of else None
        has_person = (PERSON_KEY in columns) if columns is not None else PERSON_KEY in model.sql
        found.extend((model.table, source) for source in sources if has_person)
    return found


def person_tables_with_aggregate_columns(con) -> list[str]:
    """Tables in core and marts holding a person key next to a column only police incidents or
    the resident survey have (incidentsoort, vraag, n_respondenten)."""
    rows = con.execute(f"""
        select table_schema || '.' || table_name
        from information_schema.columns
        where table_schema in ('core', 'marts')
        group by all
        having bool_or(column_name = '{PERSON_KEY}')
           and bool_or(column_name in ({", ".join(f"'{c}'" for c in AGGREGATE_ONLY_COLUMNS)}))
        order by 1""").fetchall()
    return [r[0] for r in rows]


def _columns(con, table: str) -> list[str] | None:
    layer, name = table.split(".", 1)
    rows = con.execute("select column_name from information_schema.columns "
                       "where table_schema = ? and table_name = ?", [layer, name]).fetchall()
    return [r[0] for r in rows] or None


@dg.asset_check(pool=WAREHOUSE_POOL, asset=dg.AssetKey(["core", "person_trajectories"]), blocking=True,
                description="No model reading police incidents or the resident survey has a person "
                            "key, and no core or marts table holds a person key next to incident or "
                            "survey columns: those data are aggregated and never linked to persons.")
def no_person_link_to_police_or_survey(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        links = person_linked_aggregates(columns_of=lambda table: _columns(con, table))
        mixed = person_tables_with_aggregate_columns(con)
    return dg.AssetCheckResult(passed=not links and not mixed,
                               metadata={"links": [f"{m} ← {s}" for m, s in links],
                                         "tables_mixing_columns": mixed})


def _exists(con, table: str) -> bool:
    return _columns(con, table) is not None


@dg.asset_check(pool=WAREHOUSE_POOL, asset=dg.AssetKey(["marts", "cost_per_outcome"]), blocking=True,
                description="Costs are never negative, anywhere from person costs to the marts.")
def costs_non_negative(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    negative = {}
    with warehouse.connect(read_only=True) as con:
        for table, columns in COST_TABLES.items():
            if _exists(con, table):
                condition = " or ".join(f"{c} < 0" for c in columns)
                negative[table] = scalar(con, f"select count(*) from {table} where {condition}")
    return dg.AssetCheckResult(passed=not any(negative.values()), metadata={"negative_rows": negative})


def disclosure_problems(con, table: str = "marts.cost_per_outcome") -> dict[str, int]:
    """What is wrong with a published cost table (all zero when it is sound): counts above their
    population, small counts shown (every count, and the failures n_persons - n_outcomes), a
    group shown in which nobody decided had the outcome, numbers in suppressed rows, hidden
    cells the visible ones give away (quality.disclosure.audit over the area tree)."""
    publication = PUBLICATIONS[table]
    shown = [*publication.counts]
    if "n_outcomes" in publication.counts:
        shown.append("n_persons - n_outcomes")
    small = " or ".join(f"{c} between 1 and {DISCLOSURE_MIN - 1}" for c in shown)
    leaking = " or ".join(f"{c} is not null" for c in publication.counts + publication.blank)
    above = "n_outcomes > n_persons" if "n_outcomes" in publication.counts else "false"
    none_had_it = "n_persons > 0 and n_outcomes = 0" if "n_outcomes" in publication.counts else "false"
    too_many, shown_small, hidden_numbers, all_failed = first_row(con, f"""
        select count(*) filter (where {above}),
               count(*) filter (where not suppressed and ({small})),
               count(*) filter (where suppressed and ({leaking})),
               count(*) filter (where not suppressed and ({none_had_it}))
        from {table}""")
    given_away = disclosure.audit(con, table, hierarchies=hierarchies_of(con, publication.source),
                                  by=list(publication.by))
    return {"n_outcomes_above_n_persons": too_many, "small_counts_shown": shown_small,
            "groups_none_of_whom_had_the_outcome_shown": all_failed,
            "suppressed_rows_with_numbers": hidden_numbers, "hidden_cells_given_away": len(given_away)}


def _disclosure_check(table: str):
    layer, name = table.split(".")

    @dg.asset_check(asset=dg.AssetKey([layer, name]), blocking=True, name="disclosure_sound",
                    pool=WAREHOUSE_POOL,
                    description="n_outcomes <= n_persons; no shown count (nor failures) of 1-9; "
                                "no shown cell in which nobody decided had the outcome; suppressed "
                                "rows show no numbers; the audit finds no hidden cell that the "
                                "visible cells give away.")
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:  # the audit needs temp tables: not read-only
            problems = disclosure_problems(con, table)
        return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)

    return _check


disclosure_checks = [_disclosure_check(table) for table in PUBLICATIONS]


@dg.asset_check(pool=WAREHOUSE_POOL, asset=dg.AssetKey(["core", "person_costs"]),
                description="Share of delivered costs that could be linked to a person (warns when "
                            "contract, traject or voorziening ids in cost files are unknown).")
def costs_linked_to_persons(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        delivered, linked = first_row(con, """
            select
                (select coalesce(sum(bedrag_eur), 0) from staging.wonen__woonkosten)
                + (select coalesce(sum(bedrag_eur), 0) from staging.zorg__zorgkosten)
                + (select coalesce(sum(bedrag_eur), 0) from staging.welzijn__welzijnskosten),
                (select coalesce(sum(bedrag_eur), 0) from core.person_costs)""")
    unlinked = float(delivered - linked)
    return dg.AssetCheckResult(passed=unlinked == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"delivered_eur": float(delivered), "linked_eur": float(linked),
                                         "unlinked_eur": round(unlinked, 2)})
