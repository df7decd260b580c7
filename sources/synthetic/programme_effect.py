"""A planted programme effect: a small world in which a programme's true effect and the
comparison group's counterfactual are known, so the social-return method can be checked against
the truth (tests/test_outcomes.py).

Two groups start tenancies over the same four quarters in one buurt: the programme
(`housing_first`) and a comparison group (`overig_kwetsbaar`, configured as the comparison) that
stands for what would have happened without the programme. Each person is housed on start + 12
months with the group's true probability (`housed_programme`, `housed_counterfactual`); everyone
else loses the home before then (huisuitzetting, ontbinding, or a move without a next home).
The true effect per decided person is the difference of the two probabilities; the realised
counts are recorded from the rows as written, like truth.json of the city world.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

PROGRAMME, COMPARISON = "housing_first", "overig_kwetsbaar"
LOST_REASONS = ("huisuitzetting", "ontbinding", "verhuizing")


@dataclass(frozen=True)
class EffectWorld:
    contracts: list[dict]  # huurcontracten rows (persoon_pseudoniem filled in by the caller's key)
    truth: dict


def _add_months(day: date, months: int) -> date:
    """Calendar months as DuckDB `date + interval k month` (clamped to the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def effect_world(*, persons_per_group: int = 400, housed_programme: float = 0.80,
                 housed_counterfactual: float = 0.55, first_start: date = date(2024, 7, 1),
                 start_days: int = 365, seed: int = 16) -> EffectWorld:
    """Tenancies of both groups with planted 12-month outcomes; truth holds the true rates, the
    true net effect per decided programme person and the realised counts."""
    g = np.random.default_rng(seed)
    rows, realised = [], {}
    for group, housed_share in ((PROGRAMME, housed_programme), (COMPARISON, housed_counterfactual)):
        starts = g.integers(0, start_days, persons_per_group)
        housed = g.random(persons_per_group) < housed_share
        reasons = g.integers(0, len(LOST_REASONS), persons_per_group)
        lost_after = g.integers(14, 330, persons_per_group)  # days: always before start + 12 months
        for i in range(persons_per_group):
            start = first_start + timedelta(days=int(starts[i]))
            end, reason = (None, None) if housed[i] else (
                start + timedelta(days=int(lost_after[i])), LOST_REASONS[reasons[i]])
            assert end is None or end < _add_months(start, 12)
            rows.append({"contract_id": f"HC-{group[:2].upper()}{i:05d}", "person": f"{group}-{i}",
                         "vhe_id": f"VHE-{group[:2].upper()}{i:05d}", "startdatum": start,
                         "einddatum": end, "einde_reden": reason, "doelgroep": group,
                         "begeleidingsafspraak": "ja"})
        realised[group] = {"n": persons_per_group, "housed_12m": int(housed.sum())}
    truth = {
        "programme": PROGRAMME, "comparison": COMPARISON, "outcome_id": "tenancy_sustained_12m",
        "true_housed_rate": {PROGRAMME: housed_programme, COMPARISON: housed_counterfactual},
        "true_effect_per_person": housed_programme - housed_counterfactual,
        "true_net_outcomes": persons_per_group * (housed_programme - housed_counterfactual),
        "realised": realised,
        "rule": ("housed on start + 12 months with the group's probability; the comparison group "
                 "is the counterfactual; net outcomes = programme persons x (true programme rate "
                 "- true counterfactual rate)"),
    }
    return EffectWorld(rows, truth)
