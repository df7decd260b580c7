"""The maps: the overall index per buurt, the buurten with a significant change, one small map per
theme. Every buurt carries its number as text on the map and in the key beside it (names on hover
do not print or reach a phone); areas without homes (harbour, industry) are told apart from
suppressed ones; legends in words."""
from __future__ import annotations

from reporting.board.index import DIMENSIONS, Index
from reporting.board.sections.cells import arrow, direction_css, score_cell
from reporting.board.text import Fmt, Strings
from shapely import wkb

from reporting.maps import BAND_COLOURS, BANDS, Area, core_bounds, svg_map

SUPPRESSED = "#9e9e9e"     # a buurt with homes whose figures are hidden: mid grey
NO_HOMES = "#dcebf5"       # harbour, industry, parks: pale blue, not grey
NO_DATA = "#f0f0f0"
IMPROVED, DECLINED, STEADY = "#2c7bb6", "#d7191c", "#ffffbf"
FEW_INHABITANTS = 50       # below this a buurt counts as 'no homes' (CBS: harbour and industry)


def has_homes(buurt: dict) -> bool:
    return (buurt["inwoners"] or 0) >= FEW_INHABITANTS


def numbering(buurten: list[dict]) -> dict[str, str]:
    """Buurtcode → its number on the maps, in the order of the key (wijk, then name)."""
    return {b["buurtcode"]: str(n) for n, b in enumerate(buurten, start=1)}


def key(buurten: list[dict], numbers: dict[str, str], t: Strings) -> list[dict]:
    """The map's key per wijk: number and name as text."""
    wijken: dict[str, dict] = {}
    for b in buurten:
        wijk = wijken.setdefault(b["wijkcode"], {"name": b["wijknaam"] or t("no_wijk_name"), "buurten": []})
        wijk["buurten"].append({"number": numbers[b["buurtcode"]], "name": b["buurtnaam"] or b["buurtcode"]})
    return list(wijken.values())


def _state_colour(buurt: dict, state: str) -> tuple[str, str]:
    if state == "suppressed" and has_homes(buurt):
        return SUPPRESSED, "suppressed"
    if not has_homes(buurt):
        return NO_HOMES, "no_homes"
    return NO_DATA, "no_data"


def two_views(areas: list[Area], colours: dict[str, str], title: str, numbers: dict[str, str], t: Strings) -> dict:
    """The whole municipality (numbers on the outlying buurten) and the dense core zoomed in
    (numbers on its buurten): one map at phone width would pile the numbers on each other."""
    if not any(a.geometry_wkb for a in areas):
        return {"overview": "", "core": ""}
    bounds = core_bounds([a for a in areas if colours[a.code] != NO_HOMES and a.geometry_wkb] or areas)
    inside = {a.code for a in areas if a.geometry_wkb and _within(a, bounds)}
    fill = lambda a: colours[a.code]  # noqa: E731
    return {"overview": svg_map(areas, f"{title} — {t('map_overview')}", colour_of=fill, css_class="map overview",
                                labels={c: n for c, n in numbers.items() if c not in inside}, label_size=16),
            "core": svg_map(areas, f"{title} — {t('map_core')}", colour_of=fill, css_class="map core",
                            labels={c: n for c, n in numbers.items() if c in inside}, label_size=13, bounds=bounds)}


def _within(area: Area, bounds: tuple[float, float, float, float]) -> bool:
    x, y = wkb.loads(area.geometry_wkb).representative_point().coords[0]
    return bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]


def _band_areas(buurten: list[dict], index: Index, dimension: str, t: Strings, fmt: Fmt):
    areas, colours = [], {}
    for b in buurten:
        code = b["buurtcode"]
        cell = index.get("buurt", code, dimension)
        if cell and cell["band"]:
            colours[code] = BAND_COLOURS[cell["band"]]
            label = f"{fmt.number(cell['score'])} ({t('band_short_' + cell['band'])})"
        else:
            colours[code], why = _state_colour(b, index.state("buurt", code, dimension))
            label = t(f"map_{why}")
        areas.append(Area(code, b["buurtnaam"] or code, b["geometry_wkb"], cell["score"] if cell else None, label))
    return areas, colours


def band_map(buurten: list[dict], index: Index, dimension: str, title: str, t: Strings, fmt: Fmt) -> str:
    """A small map of one theme, without numbers (the key is on the large maps)."""
    areas, colours = _band_areas(buurten, index, dimension, t, fmt)
    return svg_map(areas, title, width=360, colour_of=lambda a: colours[a.code], css_class="map small",
                   stroke_width=0.4)


def _change_areas(buurten: list[dict], index: Index, t: Strings, fmt: Fmt):
    areas, colours = [], {}
    for b in buurten:
        code = b["buurtcode"]
        cell = index.get("buurt", code, "totaal")
        if cell and cell["change_year"] is not None:
            change = cell["change_year"]
            kind = ("improved" if change > 0 else "declined") if cell["significant"] else "steady"
            colours[code] = {"improved": IMPROVED, "declined": DECLINED, "steady": STEADY}[kind]
            label = f"{fmt.signed(change)} ({t('change_' + kind)})"
        else:
            colours[code], why = _state_colour(b, index.state("buurt", code, "totaal"))
            label = t(f"map_{why}")
        areas.append(Area(code, b["buurtnaam"] or code, b["geometry_wkb"], None, label))
    return areas, colours


def build(buurten: list[dict], index: Index, city: str, t: Strings, fmt: Fmt,
          theme_names: dict[str, str]) -> dict:
    numbers = numbering(buurten)
    period = fmt.period(index.period, t)
    legend = [{"colour": BAND_COLOURS[b], "label": t(f"band_{b}")} for b in reversed(BANDS)]
    legend += [{"colour": SUPPRESSED, "label": t("map_suppressed")},
               {"colour": NO_HOMES, "label": t("map_no_homes")},
               {"colour": NO_DATA, "label": t("map_no_data")}]
    change_legend = [{"colour": IMPROVED, "label": t("change_improved")},
                     {"colour": DECLINED, "label": t("change_declined")},
                     {"colour": STEADY, "label": t("change_steady")},
                     {"colour": SUPPRESSED, "label": t("map_suppressed")},
                     {"colour": NO_HOMES, "label": t("map_no_homes")}]
    overall_title = t("map_overall", period=period)
    change_title = t("map_change", period=period)
    themes = [{"name": theme_names[d], "svg": band_map(buurten, index, d, theme_names[d], t, fmt)}
              for d in DIMENSIONS[1:]]
    wijken, seen = [], set()
    for b in buurten:
        code = b["wijkcode"]
        if code in seen:
            continue
        seen.add(code)
        cells = [score_cell(index, "wijk", code, d, t, fmt) for d in DIMENSIONS]
        if any(c["state"] != "none" for c in cells):
            cell = index.get("wijk", code, "totaal")
            change = cell["change_year"] if cell else None
            significant = bool(cell and cell["significant"])
            wijken.append({"name": b["wijknaam"] or t("no_wijk_name"), "cells": cells,
                           "arrow": arrow(change) if significant else "",
                           "change": fmt.signed(change) if change is not None else "",
                           "css": direction_css(change) if significant else "same"})
    total = index.get("gemeente", city, "totaal")
    change = total["change_year"] if total else None
    return {"overall": two_views(*_band_areas(buurten, index, "totaal", t, fmt), overall_title, numbers, t),
            "overall_title": overall_title, "legend": legend,
            "change": two_views(*_change_areas(buurten, index, t, fmt), change_title, numbers, t),
            "change_title": change_title, "change_legend": change_legend,
            "themes": themes, "key": key(buurten, numbers, t), "wijken": wijken,
            "city_cells": [score_cell(index, "gemeente", city, d, t, fmt) for d in DIMENSIONS],
            "city_change": {"arrow": arrow(change) if total and total["significant"] else "",
                            "change": fmt.signed(change) if change is not None else "",
                            "css": direction_css(change) if total and total["significant"] else "same"},
            "dimensions": [theme_names[d] for d in DIMENSIONS]}
