"""The breakdown counts of marts.cost_per_outcome under the count rule (issue 14): censored,
excluded, the housing paths and the cohort size beside the headline (persons decided, outcomes,
failures), and the shares made from them.

The decision (docs/outcomes.md, "Breakdowns"): the headline of a cell is protected by the cell's
own suppression (quality/disclosure.py; persons, outcomes, failures and entries of 1-9 are a
primary suppression). The breakdowns are detail: they are published only in the city total of a
pooled cohort (area_level 'totaal', cohort_kind 'pool': what the board reads), where no published
row below or beside them sums to them, and there a breakdown of 1-9 is hidden on its own with
the others its families would give it back through (quality/row_disclosure.py), rather than the
whole programme cell. The families an attacker knows, per published row:

    n_cohort        = n_persons + n_censored + n_excluded
    n_outcomes      = sum of the success paths       (tenancy_sustained rules)
    n_persons - n_outcomes = sum of the failure paths
    n_excluded      = sum of the excluded paths (died)

and the same count in several rows: n_cohort in every outcome of the cohort; n_censored in every
outcome decided after the same months from the same deliveries; n_excluded and the paths in every
tenancy_sustained outcome of the same horizon and excluded paths (e.g. tenancy_sustained_12m and
same_home_12m). Such a count is one unknown, hidden in all its rows or in none. A hidden
n_excluded hides excluded_share and outcome_rate_excluded_as_failure (both give it back). A
breakdown that only the headline itself gives back (e.g. moved on = housed at 12 months minus
same home at 12 months) cannot be hidden: its cell becomes a primary suppression instead.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter

import polars as pl

from quality.disclosure import THRESHOLD, determined_cells
from quality.row_disclosure import Family, hide_details

PATHS = ("same_home", "moved_on", "lost_housing", "died")
DETAIL = ("n_cohort", "n_censored", "n_excluded", *(f"n_{p}" for p in PATHS))
SHARES = {"excluded_share": "n_excluded", "outcome_rate_excluded_as_failure": "n_excluded"}
PUBLISHED_AT = "area_level = 'totaal' and cohort_kind = 'pool'"
CELL = ("programme", "outcome_id", "cohort", "area_code")
GROUP = ("programme", "cohort", "area_code")   # a cell's outcomes, whose counts are shared


@dataclass
class Breakdowns:
    hidden: dict[tuple, set[str]]   # cell (CELL) → breakdown columns to publish as NULL
    flagged: set[tuple]              # cells whose headline must be suppressed


def rows_sql(cells: str, target: str) -> str:
    """Every cell with its true counts, whether it is suppressed, its judged
    group (outcomes judging the same entries the same way: assets/outcomes.py) and the rule
    parameters that say which counts it shares with other outcomes."""
    return f"""
        select {", ".join(f"cells.{c}" for c in CELL)}, published.suppressed, cells.judged_group,
               cells.in_pooled_total,
               cells.n_persons, cells.n_outcomes, {", ".join(f"cells.{c}" for c in DETAIL)},
               definitions.decided_after_months, definitions.source_datasets,
               definitions.success_paths, definitions.excluded_paths
        from (select *, {PUBLISHED_AT} as in_pooled_total from {cells}) as cells
        join {target} as published using ({", ".join(CELL)})
        join core.outcome_definitions as definitions using (outcome_id)"""


def decide_in(con, cells: str, target: str, public_cohorts: set[tuple[str, str, str]] = frozenset(),
              earlier: dict | None = None) -> Breakdowns:
    """`decide` over the rows of `rows_sql(cells, target)`, reading in full only the groups that
    `earlier` has not decided with the same cells suppressed: after its first round a national
    publication suppresses few groups anew, and making every row a Python dict each round took
    10 s of the bench's 29 (20 gemeenten). The groups come from each cell's key and whether it is
    suppressed; the rest of a group's rows only when it is decided here."""
    earlier = {} if earlier is None else earlier
    query = rows_sql(cells, target)
    by_group: dict[tuple, set[tuple]] = {}   # each group with its suppressed cells
    group_of_cell = itemgetter(*(CELL.index(c) for c in GROUP))
    for *cell, suppressed in con.execute(f"select {', '.join(CELL)}, suppressed from ({query})").fetchall():
        hidden = by_group.setdefault(group_of_cell(cell), set())
        if suppressed:
            hidden.add(tuple(cell))
    states = {key: (key, frozenset(cells), key in public_cohorts) for key, cells in by_group.items()}
    anew = [key for key, state in states.items() if state not in earlier]
    rows = []
    if anew:
        con.register("_groups_anew", pl.DataFrame(anew, schema=list(GROUP), orient="row").to_arrow())
        try:
            rows = con.sql(f"select * from ({query}) as row semi join _groups_anew as anew on "
                           + " and ".join(f"row.{c} is not distinct from anew.{c}" for c in GROUP)).pl().to_dicts()
        finally:
            con.unregister("_groups_anew")
    decision = decide(rows, public_cohorts, earlier)
    for key in states.keys() - set(anew):
        group_hidden, group_flagged = earlier[states[key]]
        decision.hidden.update(group_hidden)
        decision.flagged |= group_flagged
    return decision


def _group_of(row: dict) -> tuple:
    return tuple(row[c] for c in GROUP)


def decide(rows: list[dict], public_cohorts: set[tuple[str, str, str]] = frozenset(),
           earlier: dict | None = None) -> Breakdowns:
    """Which breakdowns to hide in each pooled city total, and which cells can only be protected
    by suppressing their headline: there, a breakdown nothing else can hide; elsewhere (where no
    breakdown is published) one of 1-9 that the headlines give back all the same (e.g. moved on
    = housed minus same home). `public_cohorts`: (programme, cohort, area) whose n_cohort another
    published table gives away (it is then known, never a hiding place).

    `earlier`, a dict kept over the rounds of one publication (same cells, same counts): a group
    whose cells are suppressed as in an earlier round is decided as it was then. Only a round's
    newly suppressed groups are decided again (nationally most groups never change)."""
    groups = defaultdict(list)
    for row in rows:
        groups[_group_of(row)].append(row)
    hidden, flagged = {}, set()
    for key, group in groups.items():
        suppressed = frozenset(tuple(r[c] for c in CELL) for r in group if r["suppressed"])
        state = (key, suppressed, key in public_cohorts)
        if earlier is not None and state in earlier:
            group_hidden, group_flagged = earlier[state]
        else:
            system = _System(group, key in public_cohorts)
            if group[0]["in_pooled_total"]:
                group_hidden, group_flagged = system.decide_published()
            else:
                group_hidden, group_flagged = {}, system.small_counts_given_back()
            if earlier is not None:
                earlier[state] = (group_hidden, group_flagged)
        hidden.update(group_hidden)
        flagged |= group_flagged
    return Breakdowns(hidden, flagged)


class _System:
    """The counts of one programme, cohort and area over all outcomes as unknowns, and the
    families between them (see the module docstring)."""

    def __init__(self, rows: list[dict], cohort_public: bool):
        self.values: dict[tuple, int] = {}
        self.owner: dict[tuple, list[tuple]] = defaultdict(list)  # unknown → (cell, column)
        self.families, self.family_cells, self.shown, self.quiet = [], [], set(), set()
        self.suppressed = {tuple(r[c] for c in CELL) for r in rows if r["suppressed"]}
        for row in rows:
            self._add(row)
        if cohort_public:
            self.quiet.add(("n_cohort",))

    def _unknown(self, row: dict, column: str, *key) -> tuple:
        """One unknown per count, shared by the rows where that count is the same number."""
        name = (column, *key)
        if name in self.values and self.values[name] != row[column]:
            name = (*name, row["outcome_id"])   # not the same after all: its own unknown
        self.values[name] = row[column]
        self.owner[name].append((tuple(row[c] for c in CELL), column))
        return name

    def _add(self, row: dict) -> None:
        unknown = self._unknown
        judged = row["judged_group"]
        cohort = unknown(row, "n_cohort")
        censored = unknown(row, "n_censored", row["decided_after_months"],
                           tuple(sorted(row["source_datasets"] or ())))
        excluded = unknown(row, "n_excluded", judged)
        paths = {}
        if row["n_same_home"] is not None:
            paths = {p: unknown(row, f"n_{p}", judged) for p in PATHS}
        success = [paths[p] for p in PATHS if paths and p in (row["success_paths"] or ())]
        excluded_paths = [paths[p] for p in PATHS if paths and p in (row["excluded_paths"] or ())]
        failure = [paths[p] for p in PATHS if paths and paths[p] not in success + excluded_paths]
        if row["suppressed"]:
            # the headline is hidden too: unknowns of its own, in the families it is part of
            row = {**row, "n_failures": row["n_persons"] - row["n_outcomes"]}
            persons = unknown(row, "n_persons", judged)
            outcomes = unknown(row, "n_outcomes", row["outcome_id"])
            failures = unknown(row, "n_failures", row["outcome_id"])
            families = [Family(cohort, (persons, censored, excluded)),
                        Family(persons, (outcomes, failures))]
            if paths:
                families += [Family(outcomes, tuple(success)), Family(failures, tuple(failure))]
        else:
            self.shown |= {cohort, censored, excluded, *paths.values()}
            if not row["n_censored"]:
                self.quiet.add(censored)  # none censored is public: `provisional` says so
            if row["n_persons"] == 0 and row["n_excluded"] == 0:
                # none decided: every entry censored, which the start dates and the newest delivery
                # tell anyone (censoring comes before exclusion), so none excluded is public too and
                # the censored are the cohort (an outsider read the pool's entries off so)
                self.quiet.add(excluded)
            families = [Family(cohort, (censored, excluded))]
            if paths:
                families += [Family(None, tuple(success)), Family(None, tuple(failure))]
        if paths and excluded_paths:
            families.append(Family(excluded, tuple(excluded_paths)))
        self.families += families
        self.family_cells += [tuple(row[c] for c in CELL)] * len(families)

    def decide_published(self) -> tuple[dict[tuple, set[str]], set[tuple]]:
        """A pooled city total: the breakdowns to hide, and the cells to suppress whole."""
        # a count shown in any row is known; one only a suppressed row holds is hidden already
        hideable = self.shown - self.quiet
        pattern = hide_details(self.values, self.families, hideable=hideable,
                               hidden=set(self.values) - self.shown)
        at_stake = {self.family_cells[i] for i in pattern.unprotectable}
        if at_stake & self.suppressed:
            pattern.hidden |= hideable   # only a hidden headline is at stake: hide every breakdown
        hidden: dict[tuple, set[str]] = defaultdict(set)
        for name in pattern.hidden:
            for cell, column in self.owner[name]:
                if column in DETAIL and cell not in self.suppressed:  # a suppressed row shows nothing
                    hidden[cell].add(column)
        return dict(hidden), at_stake - self.suppressed

    def small_counts_given_back(self) -> set[tuple]:
        """Elsewhere no breakdown is shown: the cells whose headlines give one of 1-9 back, or
        give hidden ones of a known whole (a public cohort) that add up to 1-9."""
        hidden = set(self.values) - self.quiet
        index = {name: i for i, name in enumerate(self.values)}
        names = list(self.values)
        rows = [(f, index[m], m == family.parent) for f, family in enumerate(self.families)
                for m in family.members if m in hidden]
        flagged = set()
        for name in (names[i] for i in determined_cells(rows)):
            if 1 <= self.values[name] < THRESHOLD:
                flagged |= {self.family_cells[f] for f, family in enumerate(self.families)
                            if name in family.members} - self.suppressed
        # hidden parts of a known whole (a public cohort less the persons decided is censored +
        # excluded) that add up to 1-9: each is known to lie under 10
        for f, family in enumerate(self.families):
            remainder = family.hidden_remainder(hidden, self.values)
            if remainder is not None and 1 <= remainder < THRESHOLD \
                    and sum(m in hidden for m in family.children) > 1:
                flagged |= {self.family_cells[f]} - self.suppressed
        return flagged
