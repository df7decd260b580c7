"""The placement planner: spread N placements of a doelgroep over buurten with an integer
programme (HiGHS through scipy.optimize.milp) so that no buurt and no wijk passes its threshold.

Reads the unpublished core.placement_capacity_cells of the newest month inside the warehouse. Its
output is for the housing corporation's allocation team, not for publication: shares in whole
percent, no counts of tenants, never per complex (docs/placement.md).

The programme. One binary variable x[i,k] per buurt i and k-th placement there (k = 1 .. ub[i],
ub = min(capacity, expected free units, max_per_buurt); 0 for a buurt in significant decline when
that is excluded). Maximise sum fit[i,k] x[i,k] where
    fit[i,k] = w.room    x (room[i] - k) / (threshold[i] x tenancies[i])   headroom left after it
             + w.free    x free[i] / tenancies[i], scaled to [0, 1] over the candidates
             + w.support x (care_nearby[i] + wijkteam_nearby[i]) / 2
             - w.decline x significant_decline[i]
subject to sum x = N and, per wijk, sum x <= the wijk's room under its threshold. fit falls with
k, so a buurt's second placement is worth less than its first: placements spread.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array

from engine.warehouse import scalar
from sources.placement import PlacementConfig, Weights


class PlanDoesNotFit(ValueError):
    """More placements asked than the buurten have room for; `fits` says how many do."""

    def __init__(self, asked: int, fits: int) -> None:
        super().__init__(f"{asked} placements do not fit: the buurten have room for {fits} "
                         "without passing a threshold")
        self.asked, self.fits = asked, fits


@dataclass(frozen=True)
class Candidates:
    """The buurten of one month, one array entry per buurt, and the room of their wijken."""
    period: str
    buurtcode: np.ndarray
    wijkcode: np.ndarray
    tenancies: np.ndarray
    vulnerable: np.ndarray
    threshold: np.ndarray
    capacity: np.ndarray
    expected_free: np.ndarray
    care_nearby: np.ndarray
    wijkteam_nearby: np.ndarray
    significant_decline: np.ndarray
    wijk_room: dict[str, int]


@dataclass(frozen=True)
class Plan:
    candidates: Candidates
    placements: np.ndarray  # per buurt
    fits: int               # the most placements the buurten have room for
    solve_seconds: float

    def rows(self) -> list[dict]:
        """Buurten that receive placements, most first: the allocation team's view."""
        c = self.candidates
        chosen = np.flatnonzero(self.placements)
        chosen = chosen[np.lexsort((c.buurtcode[chosen], -self.placements[chosen]))]
        return [{"buurtcode": str(c.buurtcode[i]), "placements": int(self.placements[i]),
                 "share_before": round(float(c.vulnerable[i] / c.tenancies[i]), 2),
                 "share_after": round(float((c.vulnerable[i] + self.placements[i]) / c.tenancies[i]), 2),
                 "threshold": float(c.threshold[i])} for i in chosen]


def load_candidates(con, period: str | None = None) -> Candidates:
    """The plannable buurten of `period` (default: the newest month) from the unpublished cells."""
    period = period or scalar(con, "select max(period) from core.placement_capacity_cells")
    buurten = con.sql("""
        select cells.area_code, cells.parent_code, cells.tenancies, cells.vulnerable_tenancies,
               cells.threshold_share, cells.capacity, cells.expected_free_units, cells.care_nearby,
               cells.wijkteam_nearby, cells.significant_decline
        from core.placement_capacity_cells as cells
        where cells.area_level = 'buurt' and cells.period = $period and cells.plannable
        order by cells.area_code""", params={"period": period}).fetchnumpy()
    wijken = con.execute("select area_code, room from core.placement_capacity_cells "
                         "where area_level = 'wijk' and period = ?", [period]).fetchall()
    return Candidates(
        period=period, buurtcode=np.asarray(buurten["area_code"], dtype=str),
        wijkcode=np.asarray(buurten["parent_code"], dtype=str),
        tenancies=np.asarray(buurten["tenancies"], dtype=np.int64),
        vulnerable=np.asarray(buurten["vulnerable_tenancies"], dtype=np.int64),
        threshold=np.asarray(buurten["threshold_share"], dtype=float),
        capacity=np.asarray(buurten["capacity"], dtype=np.int64),
        expected_free=np.asarray(buurten["expected_free_units"], dtype=np.int64),
        care_nearby=np.asarray(buurten["care_nearby"], dtype=bool),
        wijkteam_nearby=np.asarray(buurten["wijkteam_nearby"], dtype=bool),
        significant_decline=np.asarray(buurten["significant_decline"], dtype=bool),
        wijk_room={code: int(room) for code, room in wijken})


def upper_bounds(c: Candidates, max_per_buurt: int, exclude_decline: bool) -> np.ndarray:
    ub = np.minimum(np.minimum(c.capacity, np.maximum(c.expected_free, 0)), max_per_buurt)
    if exclude_decline:
        ub = np.where(c.significant_decline, 0, ub)
    return np.maximum(ub, 0)


def room_for(c: Candidates, ub: np.ndarray) -> int:
    """The most placements that fit: per wijk the smaller of its own room and its buurten's."""
    per_wijk: dict[str, int] = {}
    for wijk, bound in zip(c.wijkcode, ub):
        per_wijk[wijk] = per_wijk.get(wijk, 0) + int(bound)
    return sum(min(total, max(c.wijk_room.get(wijk, total), 0)) for wijk, total in per_wijk.items())


def solve(c: Candidates, n: int, weights: Weights, max_per_buurt: int,
          exclude_decline: bool = True) -> Plan:
    """The plan for `n` placements; raises PlanDoesNotFit when they do not fit."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: ~1 s that only a plan needs
    ub = upper_bounds(c, max_per_buurt, exclude_decline)
    fits = room_for(c, ub)
    if n > fits:
        raise PlanDoesNotFit(n, fits)
    started = time.perf_counter()
    buurt = np.repeat(np.arange(ub.size), ub)                      # one variable per placement step
    step = np.arange(buurt.size) - np.repeat(np.cumsum(ub) - ub, ub) + 1  # k = 1 .. ub[i]
    limit = c.threshold * c.tenancies
    room_after = (np.floor(limit + 1e-9) - c.vulnerable)[buurt] - step
    free = np.maximum(c.expected_free, 0) / np.maximum(c.tenancies, 1)
    free = free / free.max() if free.size and free.max() > 0 else free
    fit = (weights.room * room_after / limit[buurt] + weights.free * free[buurt]
           + weights.support * (c.care_nearby[buurt].astype(float) + c.wijkteam_nearby[buurt]) / 2
           - weights.decline * c.significant_decline[buurt])
    wijken, wijk_of = np.unique(c.wijkcode, return_inverse=True)
    rows = np.concatenate([np.zeros(buurt.size, dtype=np.int64), 1 + wijk_of[buurt]])
    cols = np.concatenate([np.arange(buurt.size), np.arange(buurt.size)])
    matrix = csr_array((np.ones(rows.size), (rows, cols)), shape=(1 + wijken.size, buurt.size))
    wijk_room = np.array([max(c.wijk_room.get(w, n), 0) for w in wijken], dtype=float)
    constraint = LinearConstraint(matrix, np.concatenate([[n], np.full(wijken.size, -np.inf)]),
                                  np.concatenate([[n], wijk_room]))
    # The matrix (one total row, disjoint wijk rows, bounds 0..1) is totally unimodular, so the
    # LP relaxation's optimum is already integral: HiGHS solves it first (1.7 s at 14,500 buurten)
    # and the integer programme runs only when a solution is not whole (28 s there, mostly root
    # work that cannot improve a TU optimum; HiGHS's MIP presolve alone took 23 s at 2,000).
    for integrality in (np.zeros(buurt.size), np.ones(buurt.size)):
        result = milp(-fit, constraints=constraint, integrality=integrality, bounds=Bounds(0, 1),
                      options={"presolve": False})
        if result.status != 0 or np.abs(result.x - np.round(result.x)).max(initial=0) < 1e-6:
            break
    seconds = time.perf_counter() - started
    if result.status != 0:  # cannot happen when n <= fits (the wijk rows form a laminar family)
        raise RuntimeError(f"the solver found no plan: {result.message}")
    placements = np.bincount(buurt, weights=np.round(result.x), minlength=ub.size).astype(np.int64)
    return Plan(c, placements, fits, seconds)


def plan_placements(con, config: PlacementConfig, n: int, doelgroep: str,
                    period: str | None = None) -> Plan:
    """Load the month's candidates and solve with the doelgroep's weights."""
    return solve(load_candidates(con, period), n, config.weights_for(doelgroep),
                 config.max_per_buurt, config.exclude_significant_decline)
