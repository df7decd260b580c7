"""The mix: where vulnerable tenants are concentrated (share of running tenancies per buurt against
the signal threshold, with its 12-month trend), the room each wijk still has under the placement
threshold, and an example plan that spreads placements without tipping a buurt or a wijk.

The example plan runs the allocation team's planner (reporting.planner.solve) on the *published*
capacity only (rounded counts, hidden buurten left out), and is shown per wijk: an illustration
for the board, not an allocation."""
from __future__ import annotations

import numpy as np

from reporting.planner import Candidates, PlanDoesNotFit, solve
from reporting.board.text import Fmt, Strings
from reporting.board.sections.maps import NO_HOMES, SUPPRESSED, two_views
from reporting.maps import Area
from sources.placement import PlacementConfig

EXAMPLE_PLACEMENTS = 50       # the size of the illustration; real plans: `wijkwijzer plan`
EXAMPLE_DOELGROEP = "housing_first"
ABOVE, NEAR, BELOW = "#b2182b", "#f4a582", "#f7f7f7"


def concentration(rows: list[dict], buurten: list[dict], numbers: dict[str, str],
                  signal_share: float, signal_trend: float, t: Strings, fmt: Fmt) -> dict:
    """Signal buurten (share at or above the threshold, or rising fast), largest share first;
    a map of the share against the threshold; hidden buurten carry no number."""
    by_code = {r["buurtcode"]: r for r in rows}
    colours, areas = {}, []
    for b in buurten:
        r = by_code.get(b["buurtcode"])
        if r is None or r["suppressed"] or r["share"] is None:
            hidden = r is not None and r["suppressed"]
            colours[b["buurtcode"]] = SUPPRESSED if hidden else NO_HOMES
            label = t("map_suppressed") if hidden else t("mix_no_tenancies")
        else:
            share = r["share"]
            colours[b["buurtcode"]] = ABOVE if share >= signal_share else NEAR if share >= 0.75 * signal_share else BELOW
            label = fmt.pct(share)
        areas.append(Area(b["buurtcode"], b["buurtnaam"] or b["buurtcode"], b["geometry_wkb"], None, label))
    title = t("mix_map_title", threshold=fmt.pct(signal_share))
    shown = [r for r in rows if not r["suppressed"] and r["share"] is not None]
    signals = sorted((r for r in shown if r["signal"]), key=lambda r: -r["share"])
    table = [{"number": numbers.get(r["buurtcode"], ""), "name": r["buurtnaam"], "wijk": r["wijknaam"],
              "share": fmt.pct(r["share"]), "vulnerable": fmt.number(r["vulnerable"]),
              "running": fmt.number(r["running"]),
              "trend": fmt.signed(100 * r["trend_12m"], 1) if r["trend_12m"] is not None else "",
              "above": r["share"] >= signal_share,
              "rising": r["trend_12m"] is not None and r["trend_12m"] >= signal_trend}
             for r in signals]
    return {"map": two_views(areas, colours, title, numbers, t),
            "title": title, "rows": table, "period": rows[0]["period"] if rows else "",
            "threshold": fmt.pct(signal_share),
            "n_shown": len(shown), "n_hidden": sum(1 for r in rows if r["suppressed"]),
            "legend": [{"colour": ABOVE, "label": t("mix_above", threshold=fmt.pct(signal_share))},
                       {"colour": NEAR, "label": t("mix_near")},
                       {"colour": BELOW, "label": t("mix_below")},
                       {"colour": SUPPRESSED, "label": t("map_suppressed")},
                       {"colour": NO_HOMES, "label": t("mix_no_tenancies")}]}


def capacity(rows: list[dict], wijk_names: dict[str, str], t: Strings, fmt: Fmt) -> dict:
    """Per wijk with homes to let: running and vulnerable tenancies (rounded), the threshold and
    the room under it. Wijken without tenancies (harbour, industry) are left out."""
    wijken = sorted((r for r in rows if r["area_level"] == "wijk" and (r["suppressed"] or r["tenancies"])),
                    key=lambda r: wijk_names.get(r["area_code"]) or r["area_name"] or "")
    city = next((r for r in rows if r["area_level"] == "gemeente"), None)

    def row(r):
        hidden = r["suppressed"]
        return {"name": wijk_names.get(r["area_code"]) or r["area_name"] or t("no_wijk_name"), "hidden": hidden,
                "tenancies": "" if hidden else fmt.number(r["tenancies"]),
                "vulnerable": "" if hidden else fmt.number(r["vulnerable_tenancies"]),
                "threshold": fmt.pct(r["threshold_share"]),
                "capacity": "" if hidden or r["capacity"] is None else fmt.number(r["capacity"]),
                "free": "" if hidden or r["expected_free_units"] is None else fmt.number(r["expected_free_units"]),
                "decline": bool(r["significant_decline"])}
    return {"wijken": [row(r) for r in wijken], "city": row(city) if city else None,
            "period": city["period"] if city else ""}


def candidates(rows: list[dict], wijk_of: dict[str, str]) -> Candidates:
    """The planner's input from the published buurt cells (hidden ones left out)."""
    buurten = [r for r in rows if r["area_level"] == "buurt" and not r["suppressed"]
               and r["capacity"] is not None and r["tenancies"]]
    wijk_room = {r["area_code"]: int(r["capacity"]) for r in rows
                 if r["area_level"] == "wijk" and not r["suppressed"] and r["capacity"] is not None}

    def column(name, dtype):
        return np.asarray([r[name] or 0 for r in buurten], dtype=dtype)
    return Candidates(
        period=rows[0]["period"] if rows else "", buurtcode=np.asarray([r["area_code"] for r in buurten], dtype=str),
        wijkcode=np.asarray([wijk_of.get(r["area_code"], "") for r in buurten], dtype=str),
        tenancies=column("tenancies", np.int64), vulnerable=column("vulnerable_tenancies", np.int64),
        threshold=column("threshold_share", float), capacity=column("capacity", np.int64),
        expected_free=column("expected_free_units", np.int64), care_nearby=column("care_nearby", bool),
        wijkteam_nearby=column("wijkteam_nearby", bool),
        significant_decline=column("significant_decline", bool), wijk_room=wijk_room)


def example_plan(rows: list[dict], buurten: list[dict], config: PlacementConfig, t: Strings,
                 n: int = EXAMPLE_PLACEMENTS, doelgroep: str = EXAMPLE_DOELGROEP) -> dict:
    wijk_of = {b["buurtcode"]: b["wijkcode"] for b in buurten}
    wijk_name = {b["wijkcode"]: b["wijknaam"] for b in buurten}
    c = candidates(rows, wijk_of)
    if not c.buurtcode.size:
        return {"n": n, "fits": 0, "wijken": [], "text": t("mix_plan_none")}
    try:
        plan = solve(c, n, config.weights_for(doelgroep), config.max_per_buurt,
                     config.exclude_significant_decline)
    except PlanDoesNotFit as error:
        return {"n": n, "fits": error.fits, "wijken": [], "text": t("mix_plan_too_many", n=n, fits=error.fits)}
    per_wijk: dict[str, list[int]] = {}
    for wijk, placed in zip(c.wijkcode, plan.placements):
        if placed:
            entry = per_wijk.setdefault(wijk, [0, 0])
            entry[0] += int(placed)
            entry[1] += 1
    wijken = sorted(({"name": wijk_name.get(w) or w, "placements": p, "buurten": b}
                     for w, (p, b) in per_wijk.items()), key=lambda r: (-r["placements"], r["name"]))
    return {"n": n, "fits": plan.fits, "wijken": wijken,
            "text": t("mix_plan_text", n=n, buurten=int((plan.placements > 0).sum()),
                      wijken=len(wijken), fits=plan.fits, most=config.max_per_buurt)}


def build(concentration_rows: list[dict], placement_rows: list[dict], buurten: list[dict],
          numbers: dict[str, str], settings: dict, config: PlacementConfig, t: Strings, fmt: Fmt) -> dict:
    return {"concentration": concentration(concentration_rows, buurten, numbers,
                                           settings["signal_share"], settings["signal_trend_12m"], t, fmt),
            "capacity": capacity(placement_rows, {b["wijkcode"]: b["wijknaam"] for b in buurten if b["wijknaam"]},
                                 t, fmt),
            "plan": example_plan(placement_rows, buurten, config, t),
            "settings_source": settings.get("source_title") or ""}
