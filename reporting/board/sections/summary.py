"""Page one: the city per theme with its interval and trend, the buurten whose change is real
(significant) only, progress towards the targets, the programmes at a glance from pooled cohorts,
and what data is missing."""
from __future__ import annotations

from functools import partial

from reporting import charts
from reporting.board.index import DIMENSIONS, Index
from reporting.board.sections.cells import arrow, direction_css
from reporting.board.text import Fmt, Strings, decimals_as_stored
from reporting.maps import BAND_COLOURS, BAND_TEXT, MISSING

MOVERS = 6


def city_cards(index: Index, city: str, city_name: str, t: Strings, fmt: Fmt,
               theme_names: dict[str, str]) -> list[dict]:
    labels = [fmt.period(p, t) for p in index.periods]
    # one scale for the four sparklines: slopes compare between themes
    known = [v for d in DIMENSIONS for v in index.series("gemeente", city, d) if v is not None] + [100.0]
    lo, hi = min(known), max(known)
    cards = []
    for dimension in DIMENSIONS:
        cell = index.get("gemeente", city, dimension)
        values = index.series("gemeente", city, dimension)
        change = cell["change_year"] if cell else None
        cards.append({
            "dimension": dimension, "name": theme_names[dimension],
            "score": fmt.number(cell["score"]) if cell else t("not_available"),
            "interval": fmt.span(cell["low"], cell["high"], fmt.number) if cell else "",
            "band_label": t(f"band_short_{cell['band']}") if cell and cell["band"] else t("no_data"),
            "colour": BAND_COLOURS.get(cell["band"], MISSING) if cell else MISSING,
            "ink": BAND_TEXT.get(cell["band"], "#1a1a1a") if cell else "#1a1a1a",
            "arrow": arrow(change) if cell and cell["significant"] else "",
            "change": fmt.signed(change) if change is not None else "",
            "significant": bool(cell and cell["significant"]),
            "css": direction_css(change) if cell and cell["significant"] else "same",
            "spark": charts.sparkline(values, labels, t("trend_title", name=f"{city_name} — {theme_names[dimension]}"),
                                      fmt=fmt.number, width=150, height=26, lo=lo, hi=hi)
            if any(v is not None for v in values) else "",
        })
    return cards


def movers(index: Index, names: dict[str, str], t: Strings, fmt: Fmt, n: int = MOVERS) -> dict:
    """Buurten whose overall index changed significantly against the same quarter a year before
    (Benjamini–Hochberg over all buurten, issue 15): improvements and declines, largest first."""
    changes = [(code, cell) for (level, code, p, dim), cell in index.cells.items()
               if level == "buurt" and p == index.period and dim == "totaal"
               and cell["significant"] and cell["change_year"] is not None]

    def item(code, cell):
        return {"code": code, "name": names.get(code) or code, "score": fmt.number(cell["score"]),
                "interval": fmt.span(cell["low"], cell["high"], fmt.number),
                "change": fmt.signed(cell["change_year"]), "arrow": arrow(cell["change_year"]),
                "colour": BAND_COLOURS.get(cell["band"], MISSING),
                "ink": BAND_TEXT.get(cell["band"], "#1a1a1a")}

    up = sorted((c for c in changes if c[1]["change_year"] > 0), key=lambda c: -c[1]["change_year"])
    down = sorted((c for c in changes if c[1]["change_year"] < 0), key=lambda c: c[1]["change_year"])
    tested = sum(1 for (level, _, p, dim), cell in index.cells.items()
                 if level == "buurt" and p == index.period and dim == "totaal"
                 and cell["change_year"] is not None)
    return {"improved": [item(*c) for c in up[:n]], "declined": [item(*c) for c in down[:n]],
            "n_improved": len(up), "n_declined": len(down), "n_tested": tested}


def targets(rows: list[dict], names: dict[str, dict], period: str, t: Strings, fmt: Fmt) -> list[dict]:
    """Per target its newest measured value up to the report period, for the city or the
    programme (buurt targets: how many buurten reach it), with its interval, whether that interval
    leaves the status certain, and, for an indicator, its unit (`names[...]["unit"]`, as
    reporting.board.data sets it)."""
    out = []
    for target_id, spec in names.items():
        mine = [r for r in rows if r["target_id"] == target_id and r["period"][:7] <= period
                and r["value"] is not None]
        if not mine:
            out.append({"name": t.pick(spec["name_nl"], spec["name_en"]), "value": t("not_available"),
                        "interval": "", "period": "", "goal": "", "status": "none", "status_text": t("target_no_data"),
                        "not_certain": "",
                        "year": spec["target_year"], "source": spec["source"]})
            continue
        newest = max(r["period"] for r in mine)
        latest = [r for r in mine if r["period"] == newest]
        goal = latest[0]["target_value"]
        if spec["subject_kind"] == "programme_outcome":
            show = show_goal = fmt.pct
        else:   # each at its own precision: a goal of 1,2 does not give a protected 2 a decimal
            show = partial(fmt.number, decimals=decimals_as_stored(
                [r[k] for r in latest for k in ("value", "value_low", "value_high")]))
            show_goal = partial(fmt.number, decimals=decimals_as_stored([goal]))
        interval, certain = "", None
        if len(latest) == 1:
            r = latest[0]
            value, status, certain = show(r["value"]), r["status"] or "none", r["status_certain"]
            interval = fmt.span(r["value_low"], r["value_high"], show)
            if spec.get("unit"):   # an indicator's base: 2 per 1.000
                value += " " + t.pick(spec["unit"].nl, spec["unit"].en)
        else:  # one row per area: how many reach it
            reached = sum(r["status"] == "reached" for r in latest)
            value = t("target_areas_reached", n=reached, total=len(latest))
            if any(r["status_certain"] is not None for r in latest):   # its uncertainty: how many surely
                interval = t("target_areas_certain", n=sum(r["status"] == "reached" and r["status_certain"] is True
                                                          for r in latest))
            status = "reached" if reached == len(latest) else "behind" if any(
                r["status"] == "behind" for r in latest) else "on_track"
        out.append({"name": t.pick(spec["name_nl"], spec["name_en"]), "value": value, "interval": interval,
                    # marts.targets judges a programme on its complete pooled cohorts: say which
                    "period": t("target_pooled_cohort", cohort=fmt.cohort(newest, t))
                    if spec["subject_kind"] == "programme_outcome" else fmt.period(newest, t),
                    "goal": (("≥ " if spec["direction"] == "at_least" else "≤ ") + show_goal(goal)) if goal is not None else "",
                    "status": status, "status_text": t(f"target_{status}"),
                    # the interval lies on both sides of the line (or the goal): say so
                    "not_certain": t("target_not_certain") if certain is False else "",
                    "year": spec["target_year"], "source": spec["source"]})
    return out


MISSING_SHOWN = 5  # page one stays one page; the rest is in the delivery section


def missing_data(delivery: dict, t: Strings) -> list[str]:
    """What the reader should know is not in the numbers: deliveries not (correctly) in."""
    notes = []
    for row in delivery["rows"]:
        absent = [c for c in row["cells"] if c["decision"] in ("missing", "refused")]
        if absent:
            notes.append(t("missing_dataset", partner=row["partner"], dataset=row["dataset"],
                           n=len(absent), total=len(row["cells"])))
    if len(notes) > MISSING_SHOWN:
        notes = notes[:MISSING_SHOWN] + [t("missing_more", n=len(notes) - MISSING_SHOWN)]
    return notes


def build(index: Index, city: str, city_name: str, names: dict[str, str], target_rows: list[dict],
          target_names: dict[str, dict], programmes: dict, delivery: dict, t: Strings, fmt: Fmt,
          theme_names: dict[str, str]) -> dict:
    total = index.get("gemeente", city, "totaal")
    key_points = []
    if total:
        band = t(f"band_short_{total['band']}") if total["band"] else ""
        key_points.append(t("kp_city", score=fmt.number(total["score"]), band=band,
                            low=fmt.number(total["low"]), high=fmt.number(total["high"])))
        key_points.append(t("kp_city_change_significant" if total["significant"] else "kp_city_change_noise",
                            change=fmt.signed(total["change_year"])))
    moved = movers(index, names, t, fmt)
    if moved["n_tested"]:
        key_points.append(t("kp_movers", up=moved["n_improved"], down=moved["n_declined"],
                            n=moved["n_tested"]))
    return {"cards": city_cards(index, city, city_name, t, fmt, theme_names), "movers": moved,
            "key_points": key_points, "targets": targets(target_rows, target_names, index.period, t, fmt),
            "programmes": programmes["glance"], "missing": missing_data(delivery, t),
            "delivery": delivery["summary"]}
