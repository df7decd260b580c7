"""The liveability index as the report may show it: (level, code, period, dimension) → its score,
interval, band, halves and changes, reduced to what is published. A pure function of rows."""
from __future__ import annotations

from dataclasses import dataclass

from reporting.maps import BANDS

# The liveability themes; zorgvraag measures need, not liveability (issue 15): its own panel.
DIMENSIONS = ("totaal", "wonen", "veiligheid", "sociaal")
NEED = "zorgvraag"
# sources/indicators.yaml's band names → the report's four colour classes
CATALOGUE_BANDS = {"ver_onder_gemiddeld": "far_below", "onder_gemiddeld": "below",
                   "gemiddeld": "average", "boven_gemiddeld": "above"}


def band_of(band: str | None, score: float | None) -> str | None:
    """One of BANDS: the mart's band, else from the score (70/90/110)."""
    if band in CATALOGUE_BANDS:
        return CATALOGUE_BANDS[band]
    if band in BANDS:
        return band
    if score is None:
        return None
    return "far_below" if score < 70 else "below" if score < 90 else "average" if score <= 110 else "above"


@dataclass
class Index:
    period: str
    periods: list[str]
    cells: dict[tuple[str, str, str, str], dict]
    hidden: set[tuple[str, str, str, str]]
    base_period: str | None = None

    def get(self, level: str, code: str, dimension: str, period: str | None = None) -> dict | None:
        return self.cells.get((level, code, period or self.period, dimension))

    def state(self, level: str, code: str, dimension: str) -> str:
        key = (level, code, self.period, dimension)
        return "shown" if key in self.cells else "suppressed" if key in self.hidden else "none"

    def series(self, level: str, code: str, dimension: str = "totaal") -> list[float | None]:
        return [(self.cells.get((level, code, p, dimension)) or {}).get("score") for p in self.periods]


def build_index(rows: list[dict], published: set[tuple[str, str, str]], period: str) -> Index:
    """Only a score whose area has a published indicator in that period is shown (the index is a
    mean of relative rates: it then discloses nothing its published inputs do not). A change
    against a hidden earlier score would give that score away: it is dropped below the city."""
    periods = sorted({r["period"] for r in rows if r["period"] <= period})
    cells: dict[tuple, dict] = {}
    hidden: set[tuple] = set()
    for r in rows:
        if r["dimension"] not in (*DIMENSIONS, NEED) or r["period"] not in periods:
            continue
        key = (r["area_level"], r["area_code"], r["period"], r["dimension"])
        if r["score"] is None or (r["area_level"], r["area_code"], r["period"]) not in published:
            hidden.add(key)
            continue
        cells[key] = {
            "score": r["score"], "low": r["score_low"], "high": r["score_high"],
            "band": band_of(r["band"], r["score"]),
            "objective": r["objective_score"], "subjective": r["subjective_score"],
            "objective_low": r["objective_low"], "objective_high": r["objective_high"],
            "subjective_low": r["subjective_low"], "subjective_high": r["subjective_high"],
            "change_previous": r["change_previous"], "change_year": r["change_year"],
            "significant": bool(r["change_significant"]), "change_base": r["change_base"]}
    for (level, code, p, dimension), cell in cells.items():
        if level == "gemeente":
            continue
        earlier = periods[periods.index(p) - 1] if periods.index(p) > 0 else None
        if earlier is None or (level, code, earlier, dimension) not in cells:
            cell["change_previous"] = None
        year_before = f"{int(p[:4]) - 1}{p[4:]}"
        if (level, code, year_before, dimension) in hidden:
            cell["change_year"], cell["significant"] = None, False
        cell["change_base"] = None
    base = next((r["base_period"] for r in rows if r["base_period"]), None)
    return Index(period, periods, cells, hidden, base)
