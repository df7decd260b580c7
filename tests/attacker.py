"""An honest outsider: what can be learnt from the Parquet exports and the public buurt map alone.

It never opens the warehouse. It knows what anyone knows: the published files, the CBS buurt map
(buurt → wijk → gemeente), and the published method (sources/indicators.yaml: how a quarter relates
to its months, which counts are parts of which). Visible counts are rounded to 5, so a visible
count r lies in [r - 2.5, r + 2.5]; hidden counts are at least 0.

Three attacks:
- `exact_from_values`: a value with decimals next to rounded counts — which whole counts
  (n, d) within the rounding intervals reproduce every published value? One candidate = recovered
  (unless the value equals the ratio of the rounded counts: then it may be made from them and
  proves nothing).
- `bounds`: per hidden count, the smallest and largest value consistent with everything
  published, by linear programming (HiGHS), written here from scratch so it does not share the
  warehouse's own audit code. The running tenancies that concentration and placement capacity
  show are the indicators' tenancy base: it reads them as the same count (SAME_COUNT).
- `invert_estimates`: a hidden cell's published estimate and 90% interval are a known formula of its
  count and base ((y + a) / (n + b), the methodology's), so the attacker tries every count within
  the bounds above and keeps those whose estimate, low and high round to what is published. Here
  the attacker is stronger than any outsider: it is handed the prior (a, b) and the other term
  exactly. The index scores are computed from the published estimates only (a hidden cell without
  one borrows its wijk's), so they add nothing beyond them.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import highspy
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from assets.estimates import PRECISIONS, interval_z, posterior, round_significant
from sources.geography import load_rotterdam_buurten
from sources.indicators import load_catalogue

HALF = 2.5
# Marts that show the indicators' tenancy base as running tenancies per area and month (the
# method says they are one count): (export, area column, count column). Each shows it rounded
# under its own pattern, so the attacker takes the narrowest interval any of them gives.
TENANCY_BASE = "mutatiegraad_pct.denominator"
SAME_COUNT = (("concentration", "buurtcode", "running"), ("placement_capacity", "area_code", "tenancies"))


def public_area_parents() -> dict[str, str]:
    """The public CBS map: every buurt's wijk and every wijk's gemeente."""
    frame = load_rotterdam_buurten()
    parents = dict(zip(frame["buurtcode"], frame["wijkcode"]))
    parents.update(dict(zip(frame["wijkcode"], frame["gemeentecode"])))
    return parents


def read(exports: Path, name: str) -> list[dict]:
    cursor = duckdb.sql(f"select * from read_parquet('{exports / (name + '.parquet')}')")
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def exact_from_values(exports: Path) -> list[tuple[str, str, str, str, int]]:
    """(indicator, area, period, 'numerator'|'denominator', count) the published values give
    back exactly: the only whole counts within the rounding intervals that reproduce the value."""
    catalogue = load_catalogue()
    found = []
    for row in read(exports, "indicator_values_published"):
        if row["suppressed"] or row["value"] is None or row["denominator"] is None:
            continue
        indicator = catalogue.by_id(row["indicator_id"])
        scale, decimals = indicator.unit.scale, indicator.unit.decimals
        if row["numerator"] is None:
            continue   # a mean without its sum: nothing to divide
        n5, d5 = row["numerator"], row["denominator"]
        if d5 and round(scale * n5 / d5, decimals) == row["value"]:
            continue   # the value may come from the rounded counts themselves: it proves nothing
        candidates = [(n, d) for n in range(max(0, int(n5 - 2)), int(n5 + 3))
                      for d in range(max(1, int(d5 - 2)), int(d5 + 3))
                      if round(scale * n / d, decimals) == row["value"]]
        if len(candidates) == 1:
            n, d = candidates[0]
            found.append((row["indicator_id"], row["area_code"], row["period"], "numerator", n))
            found.append((row["indicator_id"], row["area_code"], row["period"], "denominator", d))
    return found


def _children(period: str) -> list[str]:
    if len(period) == 7 and period[5] == "Q":
        q = int(period[6])
        return [f"{period[:4]}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    if len(period) == 4:
        return [f"{period}-Q{q}" for q in range(1, 5)]
    return []


def _following(period: str) -> str:
    """The next period of the same kind. The outsider's own, not the audit's
    (quality/disclosure_audit.py _next_period): it must not share the code it attacks."""
    year = int(period[:4])
    if len(period) == 4:
        return str(year + 1)
    if period[5] == "Q":
        return f"{year}-Q{int(period[6]) + 1}" if period[6] != "4" else f"{year + 1}-Q1"
    return f"{year}-{int(period[5:]) + 1:02d}" if period[5:] != "12" else f"{year + 1}-01"


# What ran in a period is what ran in its last part plus what ended in the parts before, and what
# ran and did not end runs in the next period (the published method says so; sources/
# indicators.yaml declares it under stock_exits for the audit): the attacker knows it unless told
# otherwise (`stock_exits=()`), across years too, from both sides (the audit, a year at a time, knows
# December's side only).
STOCK_EXITS = (("mutatiegraad_pct.denominator", "mutatiegraad_pct.numerator"),)


def bounds(exports: Path, targets=None, wide_enough=None,
           stock_exits=STOCK_EXITS) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Per hidden count (measure, area, period), or only those in `targets`: the attacker's
    (low, high). With `wide_enough(key, low, high)`, a count that points the attacker finds
    feasible show wide enough gets the range those points span (inside its bounds, so still wide
    enough) instead of its exact bounds, and one that is not gets its exact bounds: LPs of its
    own only where they decide. `stock_exits`: (stock, exits) term pairs the attacker also knows
    (see STOCK_EXITS)."""
    catalogue = load_catalogue()
    term_of = {}
    for indicator in catalogue.indicators:
        for which in ("numerator", "denominator"):
            term = getattr(indicator, which)
            if term.rounded:
                term_of[(indicator.id, which)] = term
    cells: dict[tuple, tuple[float, float]] = {}   # measure cell → interval known
    for row in read(exports, "indicator_values_published"):
        for which in ("numerator", "denominator"):
            term = term_of.get((row["indicator_id"], which))
            if term is None:
                continue
            key = (term.measure, row["area_code"], row["period"])
            shown = row[which]
            interval = ((0.0, np.inf) if shown is None
                        else (max(0.0, shown - HALF), shown + HALF))
            before = cells.get(key, (0.0, np.inf))
            cells[key] = (max(before[0], interval[0]), min(before[1], interval[1]))
    base = catalogue.term(TENANCY_BASE).measure
    for name, area, column in SAME_COUNT:
        if not (exports / f"{name}.parquet").exists():
            continue
        for row in read(exports, name):
            key = (base, row[area], row["period"])
            if row[column] is not None and key in cells:
                low, high = cells[key]
                cells[key] = (max(low, row[column] - HALF), min(high, row[column] + HALF))
    measures = sorted({k[0] for k in cells})
    relation = {t.measure: t.time_relation for t in term_of.values()}
    subsets = [(catalogue.term(r.part).measure, catalogue.term(r.whole).measure)
               for r in catalogue.relations]
    exits = {catalogue.term(stock).measure: catalogue.term(left).measure for stock, left in stock_exits}
    parents = public_area_parents()
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    # one LP system per group of measures linked by subset relations
    group = {m: m for m in measures}

    def root(m):
        while group[m] != m:
            m = group[m]
        return m

    for part, whole in [*subsets, *exits.items()]:
        if part in group and whole in group:
            group[root(part)] = root(whole)
    out = {}
    for g in sorted({root(m) for m in measures}):
        members = [m for m in measures if root(m) == g]
        keys = [k for k in cells if k[0] in members]
        index = {k: i for i, k in enumerate(keys)}
        eq, ub = [], []
        for (m, a, p), i in index.items():
            kids = [index.get((m, c, p)) for c in children.get(a, [])]
            if kids and None not in kids:
                eq.append({i: 1.0, **{k: -1.0 for k in kids}})
            periods = [index.get((m, a, c)) for c in _children(p)]
            if periods and None not in periods:
                kind = relation[m]
                if kind == "events":
                    eq.append({i: 1.0, **{k: -1.0 for k in periods}})
                elif kind == "distinct":
                    ub.extend({k: 1.0, i: -1.0} for k in periods)
                    ub.append({i: 1.0, **{k: -1.0 for k in periods}})
                    left = [index.get((exits.get(m), a, c)) for c in _children(p)[:-1]]
                    if m in exits and None not in left:   # last part + what ended before
                        eq.append({i: 1.0, periods[-1]: -1.0, **{k: -1.0 for k in left}})
                elif kind == "stock":
                    eq.append({i: 1.0, periods[-1]: -1.0})
            following, ended = index.get((m, a, _following(p))), index.get((exits.get(m), a, p))
            if following is not None and ended is not None:   # next >= this - what ended in it
                ub.append({i: 1.0, ended: -1.0, following: -1.0})
        for part, whole in subsets:
            for (m, a, p), i in index.items():
                if m == part and (whole, a, p) in index:
                    ub.append({i: 1.0, index[(whole, a, p)]: -1.0})

        for k, low_high in _solve_bounds(keys, eq, ub, cells, targets, wide_enough).items():
            out[k] = low_high
    return out


def _solve_bounds(keys: list, eq: list[dict], ub: list[dict], cells: dict, targets, wide_enough=None) -> dict:
    """(low, high) per hidden key (or only those in `targets`) under `eq` (= 0) and `ub` (<= 0)
    rows over `keys`, each key within its interval. The rows fall apart into independent systems
    (found here from the rows themselves: nothing is assumed about which areas or years relate),
    and a hidden count's bounds are those of its own system, so each is one LP model, passed to
    HiGHS once and re-solved from its last basis for every objective (a model per count over
    every cell had not bounded 2,041 of the demo's counts after 15 minutes). A count in no row
    is bounded by its interval alone."""
    rows = [(row, True) for row in eq] + [(row, False) for row in ub]
    lower = np.array([cells[k][0] for k in keys])
    upper = np.array([min(cells[k][1], 1e6) for k in keys])
    wanted = np.array([not np.isfinite(cells[k][1]) and (targets is None or k in targets) for k in keys])
    in_a_row = np.zeros(len(keys), dtype=bool)
    in_a_row[[i for row, _ in rows for i in row]] = True
    out = {keys[i]: (lower[i], upper[i]) for i in np.flatnonzero(wanted & ~in_a_row)}
    if not rows:
        return out
    r_, c_, v_ = zip(*[(r, i, c) for r, (row, _) in enumerate(rows) for i, c in row.items()])
    a = coo_matrix((v_, (r_, c_)), shape=(len(rows), len(keys))).tocsr()
    equality = np.array([is_eq for _, is_eq in rows])
    # keys sharing a row are in one system
    linked = (abs(a).T @ abs(a)).tocsr()
    _, system = connected_components(linked, directed=False)
    row_system = system[a.indices[a.indptr[:-1]]]
    for label in np.unique(system[wanted & in_a_row]):
        columns = np.flatnonzero(system == label)
        selected = np.flatnonzero(row_system == label)
        solve = _model(a[selected][:, columns].tocsc(), equality[selected], lower[columns], upper[columns])
        positions = np.flatnonzero(wanted[columns])
        if wide_enough is not None:
            out.update(_witnessed(solve, len(columns), [keys[columns[p]] for p in positions], positions,
                                  wide_enough))
            continue
        for position in positions:
            costs = np.zeros(len(columns))
            costs[position] = 1.0
            low = solve(costs)[0]
            costs[position] = -1.0
            out[keys[columns[position]]] = (low, -solve(costs)[0])
    return out


def _model(a, equality: np.ndarray, lower: np.ndarray, upper: np.ndarray):
    """solve(costs) -> (minimum, point) over `a x (= or <=) 0`, `lower <= x <= upper`: one HiGHS
    model, each solve starting from the last basis."""
    n = a.shape[1]
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")   # each solve starts from the last basis
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, a.shape[0]
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_, lp.col_upper_ = lower, upper
    lp.row_lower_ = np.where(equality, 0.0, -np.inf)
    lp.row_upper_ = np.zeros(a.shape[0])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, a.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    highs.passModel(lp)
    every = np.arange(n, dtype=np.int32)

    def solve(costs: np.ndarray) -> tuple[float, np.ndarray]:
        highs.changeColsCost(n, every, costs)
        highs.run()
        status = highs.getModelStatus()
        assert status == highspy.HighsModelStatus.kOptimal, status
        return highs.getInfo().objective_function_value, np.asarray(highs.getSolution().col_value)
    return solve


def _witnessed(solve, n: int, names: list, positions: np.ndarray, wide_enough) -> dict:
    """Per count, the range that feasible points span: every open count pushed up at once, then
    down at once, while that keeps settling counts; then each count still open pushed up alone
    and, if still open, down alone (each point also widens the others). A count still open after
    both has its exact bounds: its own maximum and minimum are among the points."""
    low, high = np.full(len(positions), np.inf), np.full(len(positions), -np.inf)

    def still_open(i: int) -> bool:
        return not wide_enough(names[i], low[i], high[i])

    def record(costs: np.ndarray) -> None:
        point = solve(costs)[1][positions]
        np.minimum(low, point, out=low)
        np.maximum(high, point, out=high)

    for sign in (-1.0, 1.0):   # maximise, then minimise
        for _ in range(20):
            open_now = np.array([still_open(i) for i in range(len(positions))])
            if not open_now.any():
                break
            costs = np.zeros(n)
            costs[positions[open_now]] = sign
            record(costs)
            if sum(still_open(i) for i in range(len(positions))) > open_now.sum() - max(1, open_now.sum() // 20):
                break
    for i, position in enumerate(positions):
        for sign in (-1.0, 1.0):
            if still_open(i):
                costs = np.zeros(n)
                costs[position] = sign
                record(costs)
    return {name: (float(lo), float(hi)) for name, lo, hi in zip(names, low, high)}


def invert_estimates(exports: Path, priors: dict, known: dict, within: dict, targets=None,
                     interval: float = 0.90, widest: int = 2000) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Per hidden count (measure, area, period) with a published estimate: the smallest and largest
    count within `within` (the attacker's bounds, else 0..widest) whose estimate and interval round
    to the published ones, at any of the published precisions (or only those in `targets`).
    `priors`: (indicator, area, period_type, period) → (model, a, b, sigma, scale, direct,
    periods_pooled); `known`: the exact other term."""
    catalogue, z = load_catalogue(), interval_z(interval)
    consistent: dict[tuple, set] = {}
    for row in read(exports, "indicator_values_published"):
        if not row["suppressed"] or row["estimate"] is None:
            continue
        prior = priors.get((row["indicator_id"], row["area_code"], row["period_type"], row["period"]))
        if prior is None:
            continue
        model, a, b, sigma, scale, direct, pooled = prior
        if pooled > 1:
            continue   # the estimate of a pooled rare event is one of its 12-month sum, not the cell's
        indicator = catalogue.by_id(row["indicator_id"])
        shown = np.array([row["estimate"], row["value_low"], row["value_high"]], dtype=float)
        for which, other in (("numerator", "denominator"), ("denominator", "numerator")):
            term, other_term = getattr(indicator, which), getattr(indicator, other)
            if not term.rounded:
                continue
            key = (term.measure, row["area_code"], row["period"])
            fixed = known.get((other_term.measure, row["area_code"], row["period"]))
            if fixed is None or (targets is not None and key not in targets):
                continue
            low, high = within.get(key, (0.0, float(widest)))
            candidates = np.arange(max(0, int(np.ceil(low - 1e-6))),
                                   int(np.floor(min(high, low + widest) + 1e-6)) + 1, dtype=float)
            y, n = ((candidates, np.full_like(candidates, fixed)) if which == "numerator"
                    else (np.full_like(candidates, fixed), candidates))
            count = len(candidates)
            values = posterior(np.full(count, model), np.full(count, a), np.full(count, b),
                               np.full(count, np.nan if sigma is None else sigma), y, n,
                               np.full(count, scale), np.full(count, bool(direct)), z)
            valid = (n >= 1) & ((model != "beta") | (y <= n))
            # published at full precision, or rounded to some significant digits
            match = np.all([np.isclose(v, t, rtol=1e-9, atol=0) for v, t in zip(values, shown)], axis=0)
            for digits in PRECISIONS:
                match |= np.all([np.isclose(round_significant(v, digits), t, rtol=1e-9, atol=1e-12)
                                 for v, t in zip(values, shown)], axis=0)
            found = set(candidates[valid & match].tolist())
            consistent[key] = consistent[key] & found if key in consistent else found
    return {k: (min(v), max(v)) for k, v in consistent.items() if v}


# --- the cost per outcome family: sums and ratios inside a row, and the same count in two rows ---

HOUSING_PATHS = ("same_home", "moved_on", "lost_housing", "died")


def _quarters(pool: str) -> list[str]:
    """'2024-Q3..2025-Q2' → its four quarters; '2025' → its four quarters."""
    first, _, last = pool.partition("..")
    if not last:
        return [f"{pool}-Q{q}" for q in range(1, 5)]
    (y, q), (y2, q2) = ((int(p[:4]), int(p[-1])) for p in (first, last))
    out = []
    while (y, q) <= (y2, q2):
        out.append(f"{y}-Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def cohort_sizes(exports: Path) -> dict[tuple[str, str, str], int]:
    """(programme, cohort, area) → its entries, from marts.cost_per_tenancy_month: the persons of
    each start quarter per area (no row: no entries), added up over a pool's quarters where
    every one of them shows."""
    quarters = {(r["programme"], r["cohort"], r["area_code"]): r["n_persons"]
                for r in read(exports, "cost_per_tenancy_month")}
    sizes = {k: v for k, v in quarters.items() if v is not None}
    for r in read(exports, "cost_per_outcome"):
        if r["cohort_kind"] == "pool":
            counts = [quarters.get((r["programme"], q, r["area_code"]), 0) for q in _quarters(r["cohort"])]
            if None not in counts:
                sizes[(r["programme"], r["cohort"], r["area_code"])] = sum(counts)
    return sizes


def observation_end(exports: Path) -> date | None:
    """The last day of the newest month any partner delivered (marts.delivery_status): no
    outcome is observed beyond it, so an entry decided after it is censored. None for exports
    without deliveries (a test world that holds only the cost marts)."""
    if not (exports / "delivery_status.parquet").exists():
        return None
    months = [str(r["latest_period"])[:7] for r in read(exports, "delivery_status") if r["latest_period"]]
    if not months:
        return None
    year, month = map(int, max(months).split("-"))
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def censored_by_the_dates(row: dict, rule: dict, end: date | None) -> bool:
    """Is every entry of this cohort censored in this outcome, by the dates alone? An entry is
    decided `decided_after_months` after its start (sources/outcomes.yaml) and censored when that
    is after the observation ends; censoring comes first, so none of them is excluded either."""
    if end is None:
        return False
    first = row["cohort"].split("..")[0]            # '2025-Q1', '2024-Q4..2025-Q3' or '2025'
    start = date(int(first[:4]), 3 * int(first[-1]) - 2 if "-Q" in first else 1, 1)
    months = start.month - 1 + int(rule["decided_after_months"])
    decided = date(start.year + months // 12, months % 12 + 1, 1)
    return decided > end


def quarters_from_pools(exports: Path) -> dict[tuple[str, str, str], tuple[tuple[str, ...], float, float]]:
    """The other way round: per (programme, pool, area) of marts.cost_per_outcome with quarters
    hidden in marts.cost_per_tenancy_month, those quarters and the (low, high) of their sum. The
    pool's entries are its n_cohort where a row shows it, and at least n_persons + n_censored +
    n_excluded of any row (its entries are those three), exactly that where the dates say
    every entry is censored (then none is excluded); minus the quarters shown (a quarter
    without a row has no entries)."""
    from sources import outcome_config   # the published method, as anyone can read it
    rules = {r["outcome_id"]: r for r in outcome_config.load()["outcome_definitions"].to_dicts()}
    end = observation_end(exports)
    quarters = {(r["programme"], r["cohort"], r["area_code"]): r["n_persons"]
                for r in read(exports, "cost_per_tenancy_month")}
    pools: dict[tuple, list[float]] = {}
    for r in read(exports, "cost_per_outcome"):
        if r["cohort_kind"] != "pool":
            continue
        low, high = pools.setdefault((r["programme"], r["cohort"], r["area_code"]), [0.0, np.inf])
        if r["n_cohort"] is not None:
            low, high = max(low, r["n_cohort"]), min(high, r["n_cohort"])
        low = max(low, sum(r[c] or 0 for c in ("n_persons", "n_censored", "n_excluded")))
        if r["n_censored"] is not None and censored_by_the_dates(r, rules[r["outcome_id"]], end):
            high = min(high, r["n_censored"])
        pools[(r["programme"], r["cohort"], r["area_code"])] = [low, high]
    found = {}
    for (programme, pool, area), (low, high) in pools.items():
        keys = [(programme, q, area) for q in _quarters(pool)]
        hidden = tuple(k[1] for k in keys if k in quarters and quarters[k] is None)
        if hidden:
            shown = sum(quarters.get(k) or 0 for k in keys)
            found[(programme, pool, area)] = (hidden, max(0.0, low - shown), high - shown)
    return found


def hidden_quarter_bounds(exports: Path) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(programme, quarter, area) → (low, high) of the entries of each start quarter that
    marts.cost_per_tenancy_month hides, from its pool (quarters_from_pools) and what each hidden
    quarter holds at least: 1 (its row says it has entries) or more where marts.cost_per_outcome
    shows the quarter (persons decided are some of its entries). A hidden quarter holds its
    pool's hidden sum less the least the others hold."""
    least: dict[tuple, float] = {}
    for r in read(exports, "cost_per_tenancy_month"):
        least[(r["programme"], r["cohort"], r["area_code"])] = 1.0
    for r in read(exports, "cost_per_outcome"):
        key = (r["programme"], r["cohort"], r["area_code"])
        if r["cohort_kind"] == "quarter" and key in least:
            least[key] = max(least[key], r["n_persons"] or 0, r["n_cohort"] or 0)
    found = {}
    for (programme, _, area), (hidden, low, high) in quarters_from_pools(exports).items():
        lows = {q: least[(programme, q, area)] for q in hidden}
        for quarter in hidden:
            others = sum(lows.values()) - lows[quarter]
            own_high = high - others
            own_low = low if len(hidden) == 1 else lows[quarter]
            found[(programme, quarter, area)] = (max(own_low, lows[quarter]), own_high)
    return found


def cost_row_recoveries(exports: Path) -> list[tuple]:
    """Hidden counts of marts.cost_per_outcome that its own visible values give back exactly, by
    the published method (sources/outcomes.yaml, docs/outcomes.md): per row n_cohort = n_persons +
    n_censored + n_excluded, the success paths add up to n_outcomes, the failure paths to
    n_persons - n_outcomes, the excluded paths to n_excluded; excluded_share and
    outcome_rate_excluded_as_failure are ratios of them; a cell that is not provisional has none
    censored; n_cohort is the same in every outcome of
    a cohort and area, and the persons of marts.cost_per_tenancy_month (a quarter's, or a pool's
    quarters added up); tenancy_sustained outcomes of one horizon share their
    exclusions and paths; an outcome whose every entry is decided after the observation ends
    (the dates say so) has none decided and none excluded. Solves every relation with one unknown
    left until nothing changes. Returns (programme, cohort, area, which outcomes, count, value)
    per recovered count of a visible row, and (programme, cohort, area, counts, "sum", value) per
    relation whose hidden counts (two or more) are known to add up to value."""
    from sources import outcome_config   # the published method, as anyone can read it

    rules = {r["outcome_id"]: r for r in outcome_config.load()["outcome_definitions"].to_dicts()}
    entries = cohort_sizes(exports)
    end = observation_end(exports)
    cells: dict[tuple, list[dict]] = {}
    for row in read(exports, "cost_per_outcome"):
        if not row["suppressed"]:
            cells.setdefault((row["programme"], row["cohort"], row["area_code"]), []).append(row)
    found = []
    for (programme, cohort, area), rows in cells.items():
        known, relations = {}, []   # unknown → value; (coefficients {unknown: c}, constant) = 0
        if (programme, cohort, area) in entries:
            known[("*", "n_cohort")] = entries[(programme, cohort, area)]

        def name(row, column):
            rule = rules[row["outcome_id"]]
            if column == "n_cohort":
                return ("*", column)
            if column == "n_censored":   # censored alike when decided alike from the same files
                return (("decided", rule["decided_after_months"], tuple(sorted(rule["source_datasets"]))),
                        column)
            if rule["rule_type"] == "tenancy_sustained":
                return (("ts", rule["months"], tuple(rule["excluded_paths"] or ())), column)
            return (row["outcome_id"], column)

        for row in rows:
            rule = rules[row["outcome_id"]]
            for column in ("n_cohort", "n_persons", "n_outcomes", "n_censored", "n_excluded",
                           *(f"n_{p}" for p in HOUSING_PATHS)):
                if row.get(column) is not None:
                    known[name(row, column)] = row[column]
            if row["provisional"] is False:   # provisional = some are censored
                known[name(row, "n_censored")] = 0
            if censored_by_the_dates(row, rule, end):   # all censored: none decided, none excluded
                known[name(row, "n_excluded")] = known[name(row, "n_persons")] = 0
            persons, outcomes = name(row, "n_persons"), name(row, "n_outcomes")
            cohort_n, excluded = name(row, "n_cohort"), name(row, "n_excluded")
            relations.append(({cohort_n: 1, persons: -1, name(row, "n_censored"): -1, excluded: -1}, 0))
            if rule["rule_type"] == "tenancy_sustained":
                paths = {p: name(row, f"n_{p}") for p in HOUSING_PATHS}
                success = [paths[p] for p in rule["success_paths"]]
                excluded_paths = [paths[p] for p in rule["excluded_paths"] or ()]
                failure = [v for v in paths.values() if v not in success + excluded_paths]
                relations.append(({outcomes: 1, **{p: -1 for p in success}}, 0))
                relations.append(({persons: 1, outcomes: -1, **{p: -1 for p in failure}}, 0))
                relations.append(({excluded: 1, **{p: -1 for p in excluded_paths}}, 0))
            # ratios with one unknown count become sums once the ratio is known
            share, as_failure = row["excluded_share"], row["outcome_rate_excluded_as_failure"]
            if share is not None and 0 < share < 1 and row["n_persons"] is not None:
                known.setdefault(excluded, round(share * row["n_persons"] / (1 - share)))
            if as_failure and row["n_outcomes"] is not None and row["n_persons"] is not None:
                known.setdefault(excluded, round(row["n_outcomes"] / as_failure - row["n_persons"]))
        shown = set(known)
        changed = True
        while changed:
            changed = False
            for coefficients, constant in relations:
                open_ = [u for u in coefficients if u not in known]
                if len(open_) == 1:
                    u = open_[0]
                    rest = sum(c * known[v] for v, c in coefficients.items() if v != u) + constant
                    known[u] = round(-rest / coefficients[u])
                    changed = True
        found += [(programme, cohort, area, *u, v) for u, v in known.items() if u not in shown]
        # hidden parts of a known whole: their sum is known, and a sum of 1-9 puts each under 10
        for coefficients, constant in relations:
            open_ = sorted((u for u in coefficients if u not in known), key=str)
            if len(open_) > 1 and len({coefficients[u] for u in open_}) == 1:
                rest = sum(c * known[v] for v, c in coefficients.items() if v not in open_) + constant
                found.append((programme, cohort, area, tuple(open_), "sum",
                              round(-rest / coefficients[open_[0]])))
    return found
