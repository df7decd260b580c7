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

from quality.row_disclosure import Family, hide_details

PATHS = ("same_home", "moved_on", "lost_housing", "died")
DETAIL = ("n_cohort", "n_censored", "n_excluded", *(f"n_{p}" for p in PATHS))
SHARES = {"excluded_share": "n_excluded", "outcome_rate_excluded_as_failure": "n_excluded"}
PUBLISHED_AT = "area_level = 'totaal' and cohort_kind = 'pool'"
CELL = ("programme", "outcome_id", "cohort", "area_code")


@dataclass
class Breakdowns:
    hidden: dict[tuple, set[str]]   # cell (CELL) → breakdown columns to publish as NULL
    flagged: set[tuple]              # cells whose headline must be suppressed


def rows_sql(cells: str, target: str) -> str:
    """Every city-total pooled cell with its true counts, whether it is suppressed, its judged
    group (outcomes judging the same entries the same way: assets/outcomes.py) and the rule
    parameters that say which counts it shares with other outcomes."""
    return f"""
        select {", ".join(f"cells.{c}" for c in CELL)}, published.suppressed, cells.judged_group,
               cells.n_persons, cells.n_outcomes, {", ".join(f"cells.{c}" for c in DETAIL)},
               definitions.decided_after_months, definitions.source_datasets,
               definitions.success_paths, definitions.excluded_paths
        from (select * from {cells} where {PUBLISHED_AT}) as cells
        join {target} as published using ({", ".join(CELL)})
        join core.outcome_definitions as definitions using (outcome_id)"""


def decide(rows: list[dict], public_cohorts: set[tuple[str, str]] = frozenset()) -> Breakdowns:
    """Which breakdowns to hide in each city-total pooled cell, and which cells can only be
    protected by suppressing their headline. `public_cohorts`: (programme, pool) whose n_cohort
    another published table gives away (it is then known, never a hiding place)."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row["programme"], row["cohort"])].append(row)
    hidden, flagged = {}, set()
    for key, group in groups.items():
        group_hidden, group_flagged = _decide_group(group, key in public_cohorts)
        hidden.update(group_hidden)
        flagged |= group_flagged
    return Breakdowns(hidden, flagged)


def _decide_group(rows: list[dict], cohort_public: bool) -> tuple[dict[tuple, set[str]], set[tuple]]:
    values: dict[tuple, int] = {}
    owner: dict[tuple, list[tuple]] = defaultdict(list)   # unknown → (cell, column) it stands for

    def unknown(row: dict, column: str, *key) -> tuple:
        """One unknown per count, shared by the rows where that count is the same number."""
        name = (column, *key)
        if name in values and values[name] != row[column]:
            name = (*name, row["outcome_id"])   # not the same after all: its own unknown
        values[name] = row[column]
        owner[name].append((tuple(row[c] for c in CELL), column))
        return name

    families, family_cells, shown, quiet = [], [], set(), set()
    for row in rows:
        cell = tuple(row[c] for c in CELL)
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
            row_families = [Family(cohort, (persons, censored, excluded)),
                            Family(persons, (outcomes, failures))]
            if paths:
                row_families += [Family(outcomes, tuple(success)), Family(failures, tuple(failure))]
        else:
            shown |= {cohort, censored, excluded, *paths.values()}
            if not row["n_censored"]:
                quiet.add(censored)  # none censored is public: `provisional` says so
            row_families = [Family(cohort, (censored, excluded))]
            if paths:
                row_families += [Family(None, tuple(success)), Family(None, tuple(failure))]
        if paths and excluded_paths:
            row_families.append(Family(excluded, tuple(excluded_paths)))
        families += row_families
        family_cells += [cell] * len(row_families)
    # a count shown in any row is known; one only a suppressed row holds is hidden from the start
    if cohort_public:
        quiet.add(("n_cohort",))
    hideable = shown - quiet
    pattern = hide_details(values, families, hideable=hideable, hidden=set(values) - shown)
    suppressed = {tuple(r[c] for c in CELL) for r in rows if r["suppressed"]}
    at_stake = {family_cells[i] for i in pattern.unprotectable}
    flagged = at_stake - suppressed
    if at_stake & suppressed:
        pattern.hidden |= hideable   # only a hidden headline is at stake: hide every breakdown
    hidden: dict[tuple, set[str]] = defaultdict(set)
    for name in pattern.hidden:
        for cell, column in owner[name]:
            if column in DETAIL and cell not in suppressed:   # a suppressed row shows nothing
                hidden[cell].add(column)
    return dict(hidden), flagged
