"""Per wijk: the index of the wijk, its buurten and the city per theme (with the interval of the
total), the objective half (registrations) and the survey half apart, the need panel (zorgvraag)
apart from liveability, one sparkline scale per table, the Leefbaarometer's own class and the
wijk's Leefbaarometer series 2002–2024, and the published indicators against the city."""
from __future__ import annotations

from reporting import charts
from reporting.board.index import DIMENSIONS, NEED, Index
from reporting.board.sections.cells import score_cell
from reporting.board.text import Fmt, Strings, decimals_as_stored
from sources.indicators import Catalogue


def halves(index: Index, level: str, code: str, t: Strings, fmt: Fmt) -> list[dict]:
    """The overall index's objective and survey halves, each with its interval, or why not."""
    cell = index.get(level, code, "totaal")
    out = []
    for half in ("objective", "subjective"):
        value = cell[half] if cell else None
        out.append({"state": "shown" if value is not None else index.state(level, code, "totaal"),
                    "text": fmt.number(value) if value is not None else t("not_available"),
                    "interval": fmt.span(cell[f"{half}_low"], cell[f"{half}_high"], fmt.number) if value is not None else "",
                    "title": ""})
    return out


def indicator_value(row: dict | None, decimals: int, t: Strings, fmt: Fmt) -> dict:
    """A published indicator estimate with its interval, or why there is none."""
    if row is None:
        return {"state": "none", "text": t("not_available"), "interval": "", "title": t("no_data")}
    value = row["estimate"] if row["estimate"] is not None else row["value"]
    if row["suppressed"] or value is None:
        return {"state": "suppressed", "text": t("suppressed_short"), "interval": "", "title": t("suppressed_title")}
    # at the precision it was published with, as the summary's targets (text.decimals_as_stored)
    decimals = decimals_as_stored([value, row["value_low"], row["value_high"]], most=decimals)
    show = lambda v: fmt.number(v, decimals)  # noqa: E731
    return {"state": "shown", "text": show(value), "title": "",
            "interval": fmt.span(row["value_low"], row["value_high"], show)}


def _chosen(indicators: list[dict], period: str, level: str) -> dict[tuple[str, str], dict]:
    """Per (indicator, area) the value of the period itself, else its last month, else its year,
    else the year before (the survey)."""
    def rank(r):
        return 0 if r["period"] == period else 1 if len(r["period"]) == 7 else 2 if r["period"] == period[:4] else 3
    chosen = {}
    for r in sorted((r for r in indicators if r["area_level"] == level), key=rank, reverse=True):
        chosen[(r["indicator_id"], r["area_code"])] = r
    return chosen


def lbm_cells(rows: list[dict], t: Strings) -> tuple[dict[str, dict], dict[str, list]]:
    """The Leefbaarometer 2024 class per area, and per wijk its yearly series of the total."""
    latest = {r["area_code"]: r for r in rows if r["jaar"] == 2024}
    series: dict[str, list] = {}
    for r in rows:
        if r["area_level"] == "wijk":
            series.setdefault(r["area_code"], []).append((r["jaar"], r["afw"]))
    return ({code: {"text": t.pick(r["klasse_nl"], r["klasse_en"]) or t("not_available"), "klasse": r["klasse"]}
             for code, r in latest.items()}, series)


def build(buurten: list[dict], index: Index, city: str, indicators: list[dict], catalogue: Catalogue,
          lbm_rows: list[dict], t: Strings, fmt: Fmt, theme_names: dict[str, str],
          city_name: str | None = None) -> dict:
    lbm, lbm_series = lbm_cells(lbm_rows, t)
    wijk_values = _chosen(indicators, index.period, "wijk")
    city_values = _chosen(indicators, index.period, "gemeente")
    labels = [fmt.period(p, t) for p in index.periods]
    none = {"text": t("not_available"), "klasse": None}

    def area(level, code, name, inwoners):
        return {"code": code, "name": name, "inwoners": fmt.number(inwoners) if inwoners is not None else "–",
                "cells": [score_cell(index, level, code, d, t, fmt, interval=d == "totaal") for d in DIMENSIONS],
                "halves": halves(index, level, code, t, fmt),
                "need": score_cell(index, level, code, NEED, t, fmt),
                "series": index.series(level, code), "lbm": lbm.get(code, none)}

    wijken: dict[str, dict] = {}
    for b in buurten:
        code = b["wijkcode"]
        if code not in wijken:
            wijken[code] = {**area("wijk", code, b["wijknaam"] or t("no_wijk_name"), 0), "buurten": [],
                            "population": 0}
        wijken[code]["population"] += b["inwoners"] or 0
        wijken[code]["buurten"].append(area("buurt", b["buurtcode"], b["buurtnaam"] or b["buurtcode"], b["inwoners"]))
    city_row = area("gemeente", city, city_name or t("city"), None)
    shown = []
    for wijk in wijken.values():
        rows = [wijk, *wijk["buurten"], city_row]
        # one honest scale per table: every sparkline of this wijk's table on the same y range
        known = [v for r in rows for v in r["series"] if v is not None] + [100.0]
        lo, hi = min(known), max(known)
        wijk["sparks"] = [charts.sparkline(r["series"], labels, t("trend_title", name=r["name"]), fmt=fmt.number,
                                           width=110, height=22, lo=lo, hi=hi) for r in rows]
        wijk["scale"] = t("spark_scale", lo=fmt.number(lo), hi=fmt.number(hi))
        wijk["inwoners"] = fmt.number(wijk["population"])
        series = sorted(lbm_series.get(wijk["code"], []))
        wijk["lbm_spark"] = charts.sparkline([v for _, v in series], [str(y) for y, _ in series],
                                             t("lbm_series_title", name=wijk["name"]),
                                             fmt=lambda v: fmt.signed(v, 2), width=150, height=26,
                                             reference=0.0) if series else ""
        wijk["lbm_years"] = f"{series[0][0]}–{series[-1][0]}" if series else ""
        wijk["indicators"] = [{
            "need": (catalogue.dimensions.get(i.dimension) or {}).get("panel") == NEED,
            "name": t.pick(i.name_nl, i.name_en),
            "half": t(f"kind_{i.kind}"), "theme": theme_names.get(i.dimension, i.dimension),
            "unit": t.pick(i.unit.nl, i.unit.en),
            "wijk": indicator_value(wijk_values.get((i.id, wijk["code"])), min(i.unit.decimals, 1), t, fmt),
            "city": indicator_value(city_values.get((i.id, city)), min(i.unit.decimals, 1), t, fmt),
        } for i in catalogue.indicators if (i.id, wijk["code"]) in wijk_values]
        # the need panel's indicators in their own table: need is not liveability
        wijk["indicator_tables"] = [
            {"title": title, "rows": [i for i in wijk["indicators"] if i["need"] == need]}
            for need, title in ((False, t("indicators_liveability")), (True, t("indicators_need")))
            if any(i["need"] == need for i in wijk["indicators"])]
        if any(c["state"] != "none" for r in rows[:-1] for c in r["cells"]):
            shown.append(wijk)
    return {"dimensions": [theme_names[d] for d in DIMENSIONS], "need_name": theme_names.get(NEED, NEED),
            "city": city_row, "wijken": shown, "has_index": bool(shown)}
