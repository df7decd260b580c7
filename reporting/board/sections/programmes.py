"""Programmes from pooled cohorts (four quarters of starts together, issue 16): sustainment over
time with its intervals and censoring marks, where people are after 12 months (same home / moved
on / lost housing), cost per outcome with transfers apart, who pays and who gains, the rate card
and the net social return. A cohort still under observation is provisional: marked, never set
beside a complete one as if comparable. City totals only; a suppressed cell carries no number."""
from __future__ import annotations

import re

from reporting import charts
from reporting.board.text import Fmt, Strings

SUSTAINED = re.compile(r"^tenancy_sustained_(\d+)m$")
POOL = "pool"
HEADLINE = "tenancy_sustained_12m"


def programme_name(code: str, t: Strings) -> str:
    return t(f"prog_{code}") if t.has(f"prog_{code}") else code.replace("_", " ").capitalize()


def _shown(r: dict) -> bool:
    return not r["suppressed"] and bool(r["n_persons"]) and r["outcome_rate"] is not None


def rate_text(r: dict, fmt: Fmt) -> dict:
    """'85% (70–94%)' with n, the provisional mark; or why there is no number."""
    if r["suppressed"]:
        return {"state": "suppressed"}
    if not _shown(r):
        return {"state": "too_early"}
    return {"state": "shown", "rate": fmt.pct(r["outcome_rate"]),
            "interval": fmt.span(r["outcome_rate_low"], r["outcome_rate_high"], fmt.pct),
            "n": fmt.number(r["n_persons"]), "provisional": bool(r["provisional"]),
            "cost": fmt.eur_per_person(r["cost_per_outcome_eur"]),
            "cost_interval": fmt.span(r["cost_per_outcome_low_eur"], r["cost_per_outcome_high_eur"], fmt.eur)}


def curves(rows: list[dict], t: Strings) -> list[tuple[str, list[charts.Milestone]]]:
    out = []
    for cohort in sorted({r["cohort"] for r in rows}):
        points = [charts.Milestone(int(SUSTAINED.match(r["outcome_id"]).group(1)), r["outcome_rate"],
                                   r["outcome_rate_low"], r["outcome_rate_high"],
                                   censored(r), bool(r["provisional"]))
                  for r in rows if r["cohort"] == cohort and SUSTAINED.match(r["outcome_id"]) and _shown(r)]
        if points:
            out.append((cohort, points))
    return out


def censored(r: dict) -> int | None:
    """Persons not yet followed this long; None when the count is hidden (a provisional milestone
    then still shows hollow, the count is left out)."""
    if r["n_censored"] is None:
        return None if r["provisional"] else 0
    return int(r["n_censored"])


PATHS = ("same_home", "moved_on", "lost_housing", "died")


def _path_part(r: dict, key: str, t: Strings, fmt: Fmt) -> dict:
    count, total = r[f"n_{key}"], r["n_persons"]
    if count is None:
        return {"key": key, "label": t(f"path_{key}"), "count": t("suppressed_short"),
                "share": t("suppressed_short"), "width": 0, "hidden": True,
                "title": t("breakdown_hidden_title")}
    return {"key": key, "label": t(f"path_{key}"), "count": fmt.number(count),
            "share": fmt.pct(count / total) if total else "–",
            "width": round(100 * count / total, 1) if total else 0, "hidden": False}


def paths(rows: list[dict], t: Strings, fmt: Fmt) -> list[dict]:
    """Where the cohort is after 12 months: same home, moved on, lost housing, died. A path count
    hidden by the disclosure control (1-9, or one that would give such a count back) shows the
    suppression mark, never a number or 0; a row with every path hidden is left out."""
    return [{"cohort": fmt.cohort(r["cohort"], t), "n": fmt.number(r["n_persons"]),
             "provisional": bool(r["provisional"]), "parts": [_path_part(r, key, t, fmt) for key in PATHS]}
            for r in rows
            if r["outcome_id"] == HEADLINE and _shown(r) and any(r[f"n_{key}"] is not None for key in PATHS)]


def costs(rows: list[dict], t: Strings, fmt: Fmt) -> list[dict]:
    """Cost per person housed after 12 months by domain, with the transfers (benefits) apart."""
    out = []
    for r in rows:
        if r["outcome_id"] != HEADLINE or not _shown(r) or not r["n_outcomes"]:
            continue
        def per(v, n=r["n_outcomes"]):
            return fmt.eur_per_person(v / n) if v is not None else "–"
        out.append({"cohort": fmt.cohort(r["cohort"], t), "provisional": bool(r["provisional"]),
                    "wonen": per(r["cost_wonen_eur"]), "zorg": per(r["cost_zorg_eur"]),
                    "welzijn": per(r["cost_welzijn_eur"]), "total": fmt.eur_per_person(r["cost_per_outcome_eur"]),
                    "interval": fmt.span(r["cost_per_outcome_low_eur"], r["cost_per_outcome_high_eur"], fmt.eur),
                    "transfers": per(r["cost_transfers_eur"])})
    return out


def stakeholders(rows: list[dict], programme: str, t: Strings, fmt: Fmt) -> dict:
    """Who pays and who gains, for the newest complete pooled cohort."""
    mine = [r for r in rows if r["programme"] == programme and r["cohort_kind"] == POOL
            and not r["suppressed"] and not r["provisional"]]
    if not mine:
        return {"cohort": "", "rows": []}
    cohort = max(r["cohort"] for r in mine)
    return {"cohort": fmt.cohort(cohort, t), "rows": [{
        "payer": t.pick(r["payer_nl"], r["payer_en"]), "cost": fmt.eur(r["cost_eur"]),
        "transfers": fmt.eur(r["transfers_eur"]), "avoided": fmt.eur(r["avoided_net_mid_eur"]),
        "balance": fmt.eur(r["balance_mid_eur"]),
        "css": "up" if (r["balance_mid_eur"] or 0) > 0 else "down" if (r["balance_mid_eur"] or 0) < 0 else "same"}
        for r in mine if r["cohort"] == cohort]}


def social(rows: list[dict], t: Strings, fmt: Fmt) -> dict:
    """Net social return (avoided cost net of deadweight per euro), pooled cohorts; provisional
    ones marked and kept out of the chart."""
    out, bars = [], []
    for r in rows:
        if r["cohort_kind"] != POOL:
            continue
        name = programme_name(r["programme"], t)
        shown = not r["suppressed"] and r["return_low"] is not None and r["return_high"] is not None
        item = {"programme": r["programme"], "name": name, "cohort": fmt.cohort(r["cohort"], t), "shown": shown,
                "provisional": bool(r["provisional"]),
                "status": t(f"unit_cost_status_{r['unit_cost_status']}") if r["unit_cost_status"] in ("cited", "to_confirm") else ""}
        if shown:
            item.update(low=fmt.ratio(r["return_low"]), mid=fmt.ratio(r["return_mid"]),
                        high=fmt.ratio(r["return_high"]), cost=fmt.eur(r["programme_cost_eur"]),
                        avoided=fmt.eur(r["avoided_net_mid"]), transfers=fmt.eur(r["cost_transfers_eur"]),
                        deadweight=fmt.pct(r["deadweight_share"]) if r["deadweight_share"] is not None else "–")
            if not r["provisional"]:
                bars.append(charts.RangeRow(f"{name} {r['cohort'][:4]}–{r['cohort'][-7:-3]}", r["return_low"],
                                            r["return_mid"], r["return_high"]))
        out.append(item)
    chart = charts.range_chart(bars, t("chart_social_return"), fmt=lambda v: fmt.number(v, 1),
                               reference=1.0, reference_label=t("break_even"), width=440,
                               label_width=170) if bars else ""
    return {"rows": [r for r in out if r["shown"]], "chart": chart}


def rate_card(rows: list[dict], programme: str, t: Strings, fmt: Fmt) -> list[dict]:
    """Per priced milestone: the newest complete pooled cohort's cost beside the cumulative price."""
    newest: dict[str, dict] = {}
    for r in rows:
        if (r["programme"] == programme and r["cohort_kind"] == POOL and not r["suppressed"]
                and not r["provisional"] and r["cost_per_outcome_eur"] is not None):
            newest[r["outcome_id"]] = r
    def order(oid):
        match = SUSTAINED.match(oid)
        return int(match.group(1)) if match else 999
    return [{"outcome": t("sustained_months", n=SUSTAINED.match(oid).group(1)) if SUSTAINED.match(oid) else oid,
             "cohort": fmt.cohort(r["cohort"], t), "price": fmt.eur(r["cumulative_price_eur"] or r["price_eur"]),
             "cost": fmt.eur_per_person(r["cost_per_outcome_eur"]),
             "status": t(f"rate_card_status_{r['rate_card_status']}") if r["rate_card_status"] in ("illustrative", "contracted") else ""}
            for oid, r in sorted(newest.items(), key=lambda kv: order(kv[0]))]


def glance(rows: list[dict], social_rows: list[dict], role: dict[str, str], t: Strings, fmt: Fmt) -> list[dict]:
    """Page one: per programme the newest complete pooled cohort's 12-month result with n and
    interval, cost per person housed, net social return; and whether a newer cohort is still
    under observation."""
    out = []
    for programme in sorted(role, key=lambda p: (role[p] != "programme", p)):
        mine = [r for r in rows if r["programme"] == programme and r["outcome_id"] == HEADLINE
                and r["cohort_kind"] == POOL]
        complete = [r for r in mine if _shown(r) and not r["provisional"]]
        newer = [r for r in mine if r["provisional"] and (not complete or r["cohort"] > complete[-1]["cohort"])]
        r = complete[-1] if complete else None
        sr = next((s for s in social_rows if s["programme"] == programme and s["cohort_kind"] == POOL
                   and r and s["cohort"] == r["cohort"] and not s["suppressed"] and s["return_low"] is not None), None)
        hidden = not r and any(x["suppressed"] for x in mine)   # suppressed, not too early
        out.append({"name": programme_name(programme, t), "comparison": role[programme] != "programme",
                    "cohort": fmt.cohort(r["cohort"], t) if r else "–",
                    "cell": rate_text(r, fmt) if r else {"state": "suppressed" if hidden else "too_early"},
                    "benchmark": fmt.pct(r["benchmark_rate"]) if r and r["benchmark_rate"] is not None else "",
                    "return": fmt.span(sr["return_low"], sr["return_high"], fmt.ratio) if sr else "",
                    "under_observation": len(newer)})
    return out


def build(cost_rows: list[dict], social_rows: list[dict], rate_rows: list[dict], balance_rows: list[dict],
          outcome_names: dict[str, str], t: Strings, fmt: Fmt) -> dict:
    pooled = [r for r in cost_rows if r["cohort_kind"] == POOL]
    role = {r["programme"]: r["programme_role"] or "programme" for r in cost_rows}
    programmes = []
    for programme in sorted(role, key=lambda p: (role[p] != "programme", p)):
        mine = [r for r in pooled if r["programme"] == programme]
        cohorts = sorted({r["cohort"] for r in mine if any(_shown(x) for x in mine if x["cohort"] == r["cohort"])})
        name = programme_name(programme, t)
        table = [{"name": outcome_names.get(oid, oid),
                  "cells": [rate_text(next((r for r in mine if r["cohort"] == c and r["outcome_id"] == oid),
                                           {"suppressed": False, "n_persons": 0, "outcome_rate": None}), fmt)
                            if any(r["cohort"] == c and r["outcome_id"] == oid for r in mine) else {"state": "none"}
                            for c in cohorts]}
                 for oid in outcome_names if any(r["outcome_id"] == oid for r in mine)]
        drawn = curves(mine, t)
        programmes.append({
            "name": name, "comparison": role[programme] != "programme",
            "cohorts": [fmt.cohort(c, t) for c in cohorts], "table": table,
            "curve": charts.sustainment_chart(
                [(fmt.cohort(c, t), points) for c, points in drawn], t("chart_sustainment", programme=name),
                t("months_since_start"), t("share_sustained"), fmt_y=fmt.pct,
                censored_label=t("censored_mark"), provisional_label=t("provisional_mark")) if drawn else "",
            "paths": paths(mine, t, fmt), "costs": costs(mine, t, fmt),
            "stakeholders": stakeholders(balance_rows, programme, t, fmt),
            "rate_card": rate_card(rate_rows, programme, t, fmt)})
    return {"programmes": programmes, "social": social(social_rows, t, fmt),
            "glance": glance(cost_rows, social_rows, role, t, fmt)}
