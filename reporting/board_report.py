"""The board report: one self-contained HTML (and its PDF) per period and language.

Reads only what may be published: the suppressed marts (`marts.indicator_values_published`,
`marts.liveability_index`, `marts.cost_per_outcome`, `marts.cost_per_tenancy_month`,
`marts.rate_card_comparison`, `marts.social_return`, `marts.delivery_status`), the buurt
geography (`core.dim_buurt`) and the load ledger's decisions and reason texts. Nothing personal,
nothing per complex. Each section is one function returning plain dicts and lists; the template
(`templates/board_report.html.j2`, autoescaped) turns them into HTML.

How suppression is kept: a suppressed cell never carries a number into the template context. The
functions here drop the value of every row marked suppressed (even if a mart left one in), and an
index score is only shown for an area and period with at least one published indicator (the
index is a mean of relative rates, so it discloses nothing its published inputs do not).
"""
from __future__ import annotations

import csv
import importlib
import json
import logging
import math
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import duckdb
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from quality import publication
from reporting import browser, charts
from reporting.maps import BAND_COLOURS, BAND_TEXT, BANDS, MISSING, Area, svg_map

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
REPO = HERE.parent
TEMPLATES = HERE / "templates"
STRINGS_FILE = HERE / "strings.yaml"
INDICATORS_FILE = REPO / "sources" / "indicators.yaml"
OUTCOMES_FILE = REPO / "sources" / "outcomes.yaml"
UNIT_COSTS_FILE = REPO / "sources" / "unit_costs.yaml"
REFERENCE = REPO / "sources" / "reference"
LBM_BUURTEN = REFERENCE / "lbm_2024_rotterdam_buurten.csv"
LBM_WIJKEN = REFERENCE / "lbm_2002_2024_rotterdam_wijken.csv"

LANGS = ("nl", "en")
# The liveability themes; the zorgvraag panel measures need, not liveability, and is not a theme
# here (issue 15; issue 18 gives it its own place in the report).
DIMENSIONS = ("totaal", "wonen", "veiligheid", "sociaal")
TREND_PERIODS = 8
MOVERS = 5
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
MONTH = re.compile(r"^(\d{4})-(\d{2})")
SUSTAINED = re.compile(r"^tenancy_sustained_(\d+)m$")

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# ----------------------------------------------------------------------------- strings, numbers

def load_strings(path: Path = STRINGS_FILE) -> dict[str, dict[str, str]]:
    strings = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, texts in strings.items():
        missing = [lang for lang in LANGS if not isinstance(texts, dict) or not texts.get(lang)]
        if missing:
            raise ValueError(f"{path.name}: '{key}' has no text for {', '.join(missing)}")
    return strings


class Strings:
    """`t(key, name=...)`: the label in the report's language, with {placeholders} filled."""

    def __init__(self, lang: str, strings: dict[str, dict[str, str]] | None = None,
                 dimensions: dict[str, dict] | None = None):
        self.lang = lang
        self._strings = strings or load_strings()
        self._dimensions = dimensions or {}

    def __call__(self, key: str, **values: Any) -> str:
        text = self._strings[key][self.lang]
        return text.format(**values) if values else text

    def dim(self, dimension: str) -> str:
        """A theme's name: from the indicator catalogue, else from the report's strings."""
        return text_in(self._dimensions.get(dimension), self.lang) or self(f"dim_{dimension}")


def text_in(value: Any, lang: str) -> str:
    """A catalogue text: either a plain string or {nl: ..., en: ...}."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("nl") or value.get("en") or "")
    return "" if value is None else str(value)


class Fmt:
    """Numbers the way a reader of the language expects: 1.234,5 (nl) or 1,234.5 (en)."""

    MINUS = "\u2212"

    def __init__(self, lang: str):
        self.lang = lang

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = f"{abs(float(value)):,.{decimals}f}"
        if self.lang == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        sign = self.MINUS if float(value) < 0 and any(c in "123456789" for c in text) else ""
        return sign + text

    def signed(self, value: float | None, decimals: int = 1) -> str:
        if value is None:
            return "–"
        shown = self.number(abs(value), decimals)
        if shown.strip("0,.") == "":
            return "±" + shown
        return ("+" if value > 0 else self.MINUS) + shown

    def eur(self, value: float | None) -> str:
        if value is None:
            return "–"
        return ("€\u00a0" if self.lang == "nl" else "€") + self.number(float(value), 0)

    def pct(self, rate: float | None, decimals: int = 0) -> str:
        if rate is None:
            return "–"
        return self.number(100 * float(rate), decimals) + "%"

    def ratio(self, value: float | None, decimals: int = 2) -> str:
        return "–" if value is None else self.number(float(value), decimals)

    def period(self, period: str | None, t: Strings) -> str:
        if not period:
            return "–"
        quarter = QUARTER.match(period)
        if quarter:
            return t("period_quarter", n=quarter.group(2), year=quarter.group(1))
        return period


# ----------------------------------------------------------------------------- periods

def quarter_months(period: str) -> list[str]:
    """'2026-Q3' → ['2026-07', '2026-08', '2026-09']; a year → its 12 months."""
    quarter = QUARTER.match(period)
    if quarter:
        year, q = int(quarter.group(1)), int(quarter.group(2))
        return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
    year = YEAR.match(period)
    if year:
        return [f"{period}-{m:02d}" for m in range(1, 13)]
    raise ValueError(f"not a period: {period!r} (expected e.g. 2026-Q3 or 2026)")


def quarter_of_month(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year:04d}-Q{(m - 1) // 3 + 1}"


def previous_quarter(period: str) -> str:
    year, q = int(period[:4]), int(period[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def period_bounds(period: str) -> tuple[date, date]:
    """First day of the period and first day after it."""
    months = quarter_months(period)
    start = date(int(months[0][:4]), int(months[0][5:7]), 1)
    last_year, last_month = int(months[-1][:4]), int(months[-1][5:7])
    end = date(last_year + (last_month == 12), last_month % 12 + 1, 1)
    return start, end


def check_period(period: str) -> str:
    """Only '2026-Q3' or '2026': the period also names the output folder."""
    if not (QUARTER.match(period) or YEAR.match(period)):
        raise ValueError(f"not a report period: {period!r} (expected e.g. 2026-Q3 or 2026)")
    return period


# ----------------------------------------------------------------------------- small queries

def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns of a table the report reads; only tables inside the publication boundary."""
    schema, name = publication.require(table).split(".", 1)
    rows = con.execute("select column_name from information_schema.columns "
                       "where table_schema = ? and table_name = ?", [schema, name]).fetchall()
    return {r[0] for r in rows}


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """All rows as dicts, the result fully consumed (DuckDB 2.0: no open results)."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _select(columns: set[str], wanted: dict[str, str]) -> str:
    """`col` when the table has it, else `null as col` (marts still growing)."""
    return ", ".join(name if name in columns else f"{default} as {name}"
                     for name, default in wanted.items())


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


# ----------------------------------------------------------------------------- catalogues

@dataclass
class IndicatorCatalogue:
    """sources/indicators.yaml as plain data: indicators (dicts with at least `id`), units and
    dimensions ({key: {nl, en, ...}}), and the index settings (base period, score cap, bands)."""
    indicators: list[dict]
    units: dict[str, dict]
    dimensions: dict[str, dict]
    index: dict

    def unit(self, indicator: dict, lang: str) -> str:
        unit = indicator.get("unit")
        return text_in(self.units.get(unit), lang) if isinstance(unit, str) and unit in self.units \
            else text_in(unit, lang)

    def decimals(self, indicator: dict) -> int:
        """What the report shows: at most one decimal (the marts publish more)."""
        unit = self.units.get(indicator.get("unit")) if isinstance(indicator.get("unit"), str) else None
        return min(int((unit or {}).get("decimals", 1)), 1)


def load_indicator_catalogue(path: Path = INDICATORS_FILE) -> IndicatorCatalogue:
    """The indicator catalogue (empty when it is not there yet). Accepts a top-level list, or a
    mapping with an `indicators` list or id → entry mapping."""
    if not path.is_file():
        return IndicatorCatalogue([], {}, {}, {})
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("indicators", data) if isinstance(data, dict) else data
    if isinstance(entries, dict):
        entries = [{"id": key, **(value or {})} for key, value in entries.items()]
    indicators = [e for e in entries or [] if isinstance(e, dict) and e.get("id")]
    meta = data if isinstance(data, dict) else {}
    return IndicatorCatalogue(indicators, dict(meta.get("units") or {}),
                              dict(meta.get("dimensions") or {}), dict(meta.get("index") or {}))


def load_outcome_catalogue(path: Path = OUTCOMES_FILE) -> list[dict]:
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("outcomes") or [])


def load_unit_costs(path: Path = UNIT_COSTS_FILE) -> list[dict]:
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("unit_costs") or [])


# ----------------------------------------------------------------------------- latest quarter

def latest_quarter(con: duckdb.DuckDBPyConnection, today: date | None = None) -> str:
    """The latest complete quarter in the data: the quarter of the newest month with data if that
    month closes its quarter, else the quarter before; capped by the quarters the liveability
    index has. Months come from the published indicators, else from accepted deliveries. Without
    any data: the quarter before today's."""
    months: list[str] = []
    indicator_cols = table_columns(con, "marts.indicator_values_published")
    if {"period_type", "period"} <= indicator_cols:
        months = [r[0] for r in con.execute(
            "select distinct period from marts.indicator_values_published "
            "where period_type = 'month'").fetchall() if r[0] and MONTH.match(r[0])]
        quarters = [r[0] for r in con.execute(
            "select distinct period from marts.indicator_values_published "
            "where period_type = 'quarter'").fetchall() if r[0] and QUARTER.match(r[0])]
        months += [quarter_months(q)[-1] for q in quarters]
    if not months and "period" in table_columns(con, "raw.load_ledger"):
        months = [r[0][:7] for r in con.execute(
            "select distinct period from raw.load_ledger "
            "where decision in ('accepted', 'accepted_with_warnings') and period is not null"
        ).fetchall() if MONTH.match(r[0] or "") and len(r[0]) >= 7]
    complete: str | None = None
    if months:
        newest = max(months)[:7]
        quarter = quarter_of_month(newest)
        complete = quarter if quarter_months(quarter)[-1] == newest else previous_quarter(quarter)
    if "period" in table_columns(con, "marts.liveability_index"):
        indexed = [r[0] for r in con.execute(
            "select distinct period from marts.liveability_index").fetchall()
            if r[0] and QUARTER.match(r[0])]
        usable = [q for q in indexed if complete is None or q <= complete]
        if usable:
            return max(usable)
    if complete:
        return complete
    today = today or date.today()
    return previous_quarter(quarter_of_month(f"{today:%Y-%m}"))


# ----------------------------------------------------------------------------- the index

# The bands of sources/indicators.yaml (index.bands) → the report's four colour classes.
CATALOGUE_BANDS = {"ver_onder_gemiddeld": "far_below", "onder_gemiddeld": "below",
                   "gemiddeld": "average", "boven_gemiddeld": "above"}


def band_of(band: Any, score: float | None) -> str | None:
    """One of BANDS: the mart's band (the catalogue's names), else from the score (70/90/110)."""
    if band is not None:
        text = str(band).strip().lower().replace("-", "_").replace(" ", "_")
        if text in CATALOGUE_BANDS:
            return CATALOGUE_BANDS[text]
        if text in BANDS:
            return text
    if score is None:
        return None
    return "far_below" if score < 70 else "below" if score < 90 else "average" if score <= 110 else "above"


@dataclass
class IndexData:
    """The liveability index for the report period and the periods before it, reduced to what may
    be shown: (level, code, period, dimension) → {score, band, change_previous, change_base}."""
    period: str
    periods: list[str]
    cells: dict[tuple[str, str, str, str], dict]
    hidden: set[tuple[str, str, str, str]]  # cells that exist but are not shown
    base_period: str | None = None

    def get(self, level: str, code: str, dimension: str, period: str | None = None) -> dict | None:
        return self.cells.get((level, code, period or self.period, dimension))

    def state(self, level: str, code: str, dimension: str, period: str | None = None) -> str:
        key = (level, code, period or self.period, dimension)
        return "shown" if key in self.cells else "suppressed" if key in self.hidden else "none"

    def series(self, level: str, code: str, dimension: str = "totaal") -> list[float | None]:
        return [(self.cells.get((level, code, p, dimension)) or {}).get("score") for p in self.periods]



def _published_areas(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]] | None:
    """(level, code, period) with at least one published indicator value; monthly values count
    for their quarter too. None when the published indicators are not there."""
    columns = table_columns(con, "marts.indicator_values_published")
    if not {"area_level", "area_code", "period", "value"} <= columns:
        return None
    suppressed = "not coalesce(suppressed, false)" if "suppressed" in columns else "true"
    period_type = "period_type" if "period_type" in columns else "null"
    rows = con.execute(f"""
        select distinct area_level, area_code, period, {period_type}
        from marts.indicator_values_published
        where value is not null and {suppressed}""").fetchall()
    found = set()
    for level, code, period, kind in rows:
        if period is None:
            continue
        found.add((level, code, period))
        if (kind == "month" or (kind is None and re.match(r"^\d{4}-\d{2}$", period))) \
                and MONTH.match(period):
            found.add((level, code, quarter_of_month(period)))
        if YEAR.match(period):  # yearly values (the survey) enter the quarters of their year
            found.update((level, code, f"{period}-Q{q}") for q in range(1, 5))
    return found


def load_index(con: duckdb.DuckDBPyConnection, period: str) -> IndexData | None:
    columns = table_columns(con, "marts.liveability_index")
    if not {"area_level", "area_code", "period", "dimension", "score"} <= columns:
        return None
    same_kind = QUARTER if QUARTER.match(period) else YEAR
    select = _select(columns, {"area_level": "null", "area_code": "null", "period": "null",
                               "dimension": "null", "score": "null", "band": "null",
                               "change_previous": "null", "change_base": "null",
                               "suppressed": "false", "base_period": "null"})
    kind = "and period_type = ?" if "period_type" in columns else ""
    params = [period] + (["quarter" if QUARTER.match(period) else "year"] if kind else [])
    rows = rows_of(con, f"select {select} from marts.liveability_index where period <= ? {kind}", params)
    periods = sorted({r["period"] for r in rows if r["period"] and same_kind.match(r["period"])})
    periods = periods[-TREND_PERIODS:]
    published = _published_areas(con)
    cells: dict[tuple, dict] = {}
    hidden: set[tuple] = set()
    for r in rows:
        if r["period"] not in periods or r["dimension"] not in DIMENSIONS:
            continue
        key = (r["area_level"], r["area_code"], r["period"], r["dimension"])
        score = _num(r["score"])
        inputs_published = published is not None and (r["area_level"], r["area_code"], r["period"]) in published
        if r["suppressed"] or score is None or not inputs_published:
            hidden.add(key)
            continue
        cells[key] = {"score": score, "band": band_of(r["band"], score),
                      "change_previous": _num(r["change_previous"]),
                      "change_base": _num(r["change_base"])}
    # A change against a hidden earlier score would give that score away: drop it.
    for (level, code, p, dimension), cell in cells.items():
        index = periods.index(p)
        earlier = periods[index - 1] if index > 0 else None
        if earlier is None or (level, code, earlier, dimension) not in cells:
            if level != "gemeente":
                cell["change_previous"] = None
        if level != "gemeente":
            cell["change_base"] = None
    base = next((r["base_period"] for r in rows if r["base_period"]), None)
    return IndexData(period, periods, cells, hidden, base)


def _city_code(con: duckdb.DuckDBPyConnection) -> str:
    return (con.execute("select min(gemeentecode) from core.dim_buurt").fetchall() or [[None]])[0][0] \
        or "GM0599"


def _arrow(change: float | None) -> str:
    if change is None:
        return ""
    return "▲" if change > 0.05 else "▼" if change < -0.05 else "▶"


def _direction(change: float | None, t: Strings) -> str:
    if change is None:
        return t("no_change_data")
    return t("up") if change > 0.05 else t("down") if change < -0.05 else t("same")


def _score_cell(index: IndexData | None, level: str, code: str, dimension: str, t: Strings,
                fmt: Fmt) -> dict:
    """What a table cell shows for an index score: the number and its band, or why not."""
    if index is None:
        return {"state": "none", "text": t("not_available"), "title": t("no_data")}
    state = index.state(level, code, dimension)
    if state != "shown":
        return {"state": state, "text": t("suppressed_short") if state == "suppressed" else t("not_available"),
                "title": t("suppressed_title") if state == "suppressed" else t("no_data")}
    cell = index.get(level, code, dimension)
    band = cell["band"]
    return {"state": "shown", "text": fmt.number(cell["score"]), "band": band,
            "colour": BAND_COLOURS.get(band, MISSING), "ink": BAND_TEXT.get(band, "#1a1a1a"),
            "title": t(f"band_{band}") if band else ""}


# ----------------------------------------------------------------------------- sections

def summary_section(con, index: IndexData | None, programmes: dict, delivery: dict, t: Strings,
                    fmt: Fmt) -> dict:
    """Page one: the city per dimension with its trend, the largest movers among buurten, the
    programmes at a glance and the delivery in one line."""
    city = _city_code(con)
    cards = []
    for dimension in DIMENSIONS:
        cell = index.get("gemeente", city, dimension) if index else None
        values = index.series("gemeente", city, dimension) if index else []
        labels = [fmt.period(p, t) for p in index.periods] if index else []
        change = cell["change_previous"] if cell else None
        cards.append({
            "dimension": dimension, "name": t.dim(dimension),
            "score": fmt.number(cell["score"]) if cell else t("not_available"),
            "band": cell["band"] if cell else None,
            "band_label": t(f"band_short_{cell['band']}") if cell and cell["band"] else t("no_data"),
            "colour": BAND_COLOURS.get(cell["band"], MISSING) if cell else MISSING,
            "ink": BAND_TEXT.get(cell["band"], "#1a1a1a") if cell else "#1a1a1a",
            "arrow": _arrow(change), "change": fmt.signed(change) if change is not None else "",
            "direction": _direction(change, t),
            "change_base": fmt.signed(cell["change_base"]) if cell and cell["change_base"] is not None else "",
            "base_period": fmt.period(index.base_period, t) if index and index.base_period else "",
            "spark": charts.sparkline(values, labels, t("trend_title", name=f"{t('city')} — {t.dim(dimension)}"),
                                      fmt=fmt.number, width=150, height=26) if values else "",
        })
    key_points = []
    total = index.get("gemeente", city, "totaal") if index else None
    if total:
        band = t(f"band_short_{total['band']}") if total["band"] else ""
        if total["change_previous"] is not None:
            key_points.append(t("kp_city", score=fmt.number(total["score"]), band=band,
                                change=fmt.signed(total["change_previous"])))
        else:
            key_points.append(t("kp_city_nochange", score=fmt.number(total["score"]), band=band))
        far = sum(1 for (level, _, p, dim), c in index.cells.items()
                  if level == "buurt" and p == index.period and dim == "totaal" and c["band"] == "far_below")
        key_points.append(t("kp_far_below", n=far))
        weakest = min((d for d in DIMENSIONS[1:] if index.get("gemeente", city, d)),
                      key=lambda d: index.get("gemeente", city, d)["score"], default=None)
        if weakest:
            key_points.append(t("kp_weakest", dimension=t.dim(weakest),
                                score=fmt.number(index.get("gemeente", city, weakest)["score"])))
    rows = [r for r in programmes.get("glance", []) if r["rate_12m"] is not None]
    shown = [r for r in rows if not r["comparison"]]
    if shown:
        def span(values, show):
            low, high = min(values), max(values)
            return show(low) if show(low) == show(high) else f"{show(low)}–{show(high)}"
        rates = span([r["rate_12m"] for r in shown], fmt.pct)
        costs = [r["cost_12m"] for r in shown if r["cost_12m"] is not None]
        comparison = next((r for r in rows if r["comparison"]), None)
        key_points.append(t("kp_programmes", n=len(shown), rates=rates,
                            costs=span(costs, fmt.eur) if costs else "–")
                          + (" " + t("kp_comparison", rate=fmt.pct(comparison["rate_12m"]))
                             if comparison else ""))
    return {"cards": cards, "movers": movers(con, index, t, fmt), "key_points": key_points,
            "programmes": programmes.get("glance", []), "delivery": delivery.get("summary", "")}


def movers(con, index: IndexData | None, t: Strings, fmt: Fmt, n: int = MOVERS) -> dict:
    """The buurten whose overall index rose or fell most since the previous quarter (published
    in both quarters only)."""
    if index is None:
        return {"improved": [], "declined": []}
    names = dict(con.execute("select buurtcode, buurtnaam from core.dim_buurt").fetchall())
    changes = [(code, cell) for (level, code, p, dim), cell in index.cells.items()
               if level == "buurt" and p == index.period and dim == "totaal"
               and cell["change_previous"] is not None]

    def item(code, cell):
        return {"name": names.get(code) or code, "score": fmt.number(cell["score"]),
                "change": fmt.signed(cell["change_previous"]), "arrow": _arrow(cell["change_previous"]),
                "band": cell["band"], "colour": BAND_COLOURS.get(cell["band"], MISSING),
                "ink": BAND_TEXT.get(cell["band"], "#1a1a1a")}

    up = sorted((c for c in changes if c[1]["change_previous"] > 0), key=lambda c: -c[1]["change_previous"])
    down = sorted((c for c in changes if c[1]["change_previous"] < 0), key=lambda c: c[1]["change_previous"])
    return {"improved": [item(*c) for c in up[:n]], "declined": [item(*c) for c in down[:n]]}


def _buurt_rows(con) -> list[dict]:
    return rows_of(con, """
        select buurtcode, buurtnaam, wijkcode, wijknaam, inwoners, geometry_wkb
        from core.dim_buurt order by wijkcode, buurtnaam""")


def maps_section(con, index: IndexData | None, t: Strings, fmt: Fmt) -> dict:
    """The overall index by buurt on the real geometry, and one smaller map per dimension, coloured
    by band; grey where there is no published score."""
    buurten = _buurt_rows(con)
    legend = [{"colour": BAND_COLOURS[b], "label": t(f"band_{b}")} for b in reversed(BANDS)]
    legend.append({"colour": MISSING, "label": t("no_data")})
    maps = []
    for dimension in DIMENSIONS:
        areas, colours = [], {}
        for b in buurten:
            cell = index.get("buurt", b["buurtcode"], dimension) if index else None
            state = index.state("buurt", b["buurtcode"], dimension) if index else "none"
            if cell and cell["band"]:
                label = f"{fmt.number(cell['score'])} ({t('band_short_' + cell['band'])})"
            else:
                label = t("suppressed") if state == "suppressed" else t("no_data")
            area = Area(b["buurtcode"], b["buurtnaam"] or b["buurtcode"], b["geometry_wkb"],
                        cell["score"] if cell else None, label)
            colours[b["buurtcode"]] = BAND_COLOURS.get(cell["band"], MISSING) if cell else MISSING
            areas.append(area)
        if not areas:
            continue
        name = t.dim(dimension)
        title = (t("map_overall", period=fmt.period(index.period if index else "", t))
                 if dimension == "totaal" else t("map_dimension", dimension=name))
        maps.append({"dimension": dimension, "name": name, "title": title,
                     "svg": svg_map(areas, title, width=720 if dimension == "totaal" else 360,
                                    colour_of=lambda a, c=colours: c[a.code],
                                    css_class="map" if dimension == "totaal" else "map small",
                                    stroke_width=0.6 if dimension == "totaal" else 0.4)})
    wijken = []
    seen = set()
    for b in buurten:
        code = b["wijkcode"]
        if code in seen or index is None:
            continue
        seen.add(code)
        cells = [_score_cell(index, "wijk", code, d, t, fmt) for d in DIMENSIONS]
        if any(c["state"] != "none" for c in cells):
            cell = index.get("wijk", code, "totaal")
            change = cell["change_previous"] if cell else None
            wijken.append({"name": b["wijknaam"] or t("no_wijk_name"), "cells": cells,
                           "arrow": _arrow(change), "change": fmt.signed(change) if change is not None else "",
                           "css": "up" if change and change > 0.05 else "down" if change and change < -0.05 else "same"})
    city = _city_code(con)
    total = index.get("gemeente", city, "totaal") if index else None
    change = total["change_previous"] if total else None
    return {"maps": maps, "legend": legend, "wijken": wijken,
            "city_change": {"arrow": _arrow(change), "change": fmt.signed(change) if change is not None else "",
                            "css": "up" if change and change > 0.05 else "down" if change and change < -0.05 else "same"},
            "city_cells": [_score_cell(index, "gemeente", city, d, t, fmt) for d in DIMENSIONS],
            "dimensions": [{"id": d, "name": t.dim(d)} for d in DIMENSIONS]}


def _read_lbm(path: Path, code_column: str, year: int = 2024) -> dict[str, dict]:
    """Leefbaarometer scores from the shipped reference CSV (public, not personal)."""
    if not path.is_file():
        return {}
    found = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if str(row.get("jaar")) != str(year):
                continue
            try:
                found[row[code_column]] = {"lbm": float(row["lbm"]), "afw": float(row["afw"])}
            except (TypeError, ValueError, KeyError):
                continue
    return found


def leefbaarometer(con) -> tuple[dict[str, dict], dict[str, dict]]:
    """Leefbaarometer 2024 per buurt and per wijk: from a warehouse table when one exists
    (core.leefbaarometer: buurtcode, jaar, lbm, afw), else the reference CSVs. Public open data."""
    columns = table_columns(con, "core.leefbaarometer")
    code = next((c for c in ("buurtcode", "area_code", "bu_code") if c in columns), None)
    if "lbm" in columns and code:
        year = "jaar" if "jaar" in columns else "year" if "year" in columns else None
        afw = "afw" if "afw" in columns else "null"
        where = f"where {year} = 2024" if year else ""
        rows = con.execute(f"select {code}, lbm, {afw} from core.leefbaarometer {where}").fetchall()
        table = {c: {"lbm": _num(l), "afw": _num(a)} for c, l, a in rows if l is not None}
        buurten = {c: v for c, v in table.items() if str(c).startswith("BU")}
        wijken = {c: v for c, v in table.items() if str(c).startswith("WK")}
        if buurten:
            return buurten, wijken or _read_lbm(LBM_WIJKEN, "wk_code")
    return _read_lbm(LBM_BUURTEN, "bu_code"), _read_lbm(LBM_WIJKEN, "wk_code")


def _lbm_cell(value: dict | None, fmt: Fmt) -> dict:
    if not value or value.get("lbm") is None:
        return {"text": "–", "afw": ""}
    return {"text": fmt.number(value["lbm"], 2),
            "afw": fmt.signed(value["afw"], 2) if value.get("afw") is not None else ""}


def indicator_values(con, period: str, level: str) -> dict[tuple[str, str], dict]:
    """Published indicator values for the period at one area level: (indicator, area) → row.
    Prefers the period itself, then its last month, then its year."""
    columns = table_columns(con, "marts.indicator_values_published")
    if not {"indicator_id", "area_level", "area_code", "period", "value"} <= columns:
        return {}
    months = quarter_months(period)
    candidates = [period, months[-1], period[:4]]
    select = _select(columns, {"indicator_id": "null", "area_code": "null", "period": "null",
                               "value": "null", "suppressed": "false"})
    rows = rows_of(con, f"""select {select} from marts.indicator_values_published
                            where area_level = ? and period in (?, ?, ?)""", [level, *candidates])
    chosen: dict[tuple[str, str], dict] = {}
    for r in sorted(rows, key=lambda r: candidates.index(r["period"]), reverse=True):
        value = None if r["suppressed"] else _num(r["value"])
        chosen[(r["indicator_id"], r["area_code"])] = {"value": value, "suppressed": bool(r["suppressed"]),
                                                       "period": r["period"]}
    return chosen


def _indicator_text(value: dict | None, decimals: int, t: Strings, fmt: Fmt, period: str) -> dict:
    """A published indicator value, or why there is none (a suppressed value never gets here:
    `indicator_values` drops it)."""
    if value is None:
        return {"state": "none", "text": t("not_available"), "title": t("no_data")}
    if value["suppressed"] or value["value"] is None:
        return {"state": "suppressed", "text": t("suppressed_short"), "title": t("suppressed_title")}
    note = f" ({value['period']})" if value["period"] != period else ""
    return {"state": "shown", "text": fmt.number(value["value"], decimals) + note, "title": ""}


def profiles_section(con, index: IndexData | None, catalogue: IndicatorCatalogue, period: str,
                     t: Strings, fmt: Fmt) -> dict:
    """Per wijk: its dimension scores against the city, its trend, the Leefbaarometer 2024 score,
    its published indicators against the city; then every buurt of the wijk likewise."""
    city = _city_code(con)
    lbm_buurten, lbm_wijken = leefbaarometer(con)
    buurten = _buurt_rows(con)
    wijk_values = indicator_values(con, period, "wijk")
    city_values = indicator_values(con, period, "gemeente")
    labels = [fmt.period(p, t) for p in index.periods] if index else []
    city_cells = [_score_cell(index, "gemeente", city, d, t, fmt) for d in DIMENSIONS]
    order = {d: n for n, d in enumerate(DIMENSIONS)}
    ranked = sorted(catalogue.indicators, key=lambda i: order.get(i.get("dimension"), len(order)))
    wijken: dict[str, dict] = {}
    for b in buurten:
        code = b["wijkcode"]
        if code not in wijken:
            name = b["wijknaam"] or t("no_wijk_name")
            wijken[code] = {
                "code": code, "name": name,
                "cells": [_score_cell(index, "wijk", code, d, t, fmt) for d in DIMENSIONS],
                "series": index.series("wijk", code) if index else [],
                "lbm": _lbm_cell(lbm_wijken.get(code), fmt),
                "buurten": [], "inwoners": 0,
                "indicators": [{
                    "name": text_in(i.get("name"), t.lang),
                    "dimension": t.dim(i.get("dimension")) if i.get("dimension") else "",
                    "unit": catalogue.unit(i, t.lang),
                    "wijk": _indicator_text(wijk_values.get((i["id"], code)), catalogue.decimals(i), t, fmt, period),
                    "city": _indicator_text(city_values.get((i["id"], city)), catalogue.decimals(i), t, fmt, period),
                } for i in ranked if (i["id"], code) in wijk_values],
            }
        name = b["buurtnaam"] or b["buurtcode"]
        wijken[code]["inwoners"] += b["inwoners"] or 0
        wijken[code]["buurten"].append({
            "code": b["buurtcode"], "name": name,
            "inwoners": fmt.number(b["inwoners"]) if b["inwoners"] is not None else "–",
            "cells": [_score_cell(index, "buurt", b["buurtcode"], d, t, fmt) for d in DIMENSIONS],
            "series": index.series("buurt", b["buurtcode"]) if index else [],
            "lbm": _lbm_cell(lbm_buurten.get(b["buurtcode"]), fmt),
        })
    city_series = index.series("gemeente", city) if index else []

    def spark(series: list, name: str, lo: float, hi: float):
        return charts.sparkline(series, labels, t("trend_title", name=name), fmt=fmt.number,
                                width=110, height=22, lo=lo, hi=hi) if index else ""

    shown = []
    for wijk in wijken.values():
        # one y scale per wijk table (its buurten, the wijk, the city): slopes compare within it
        known = [v for series in [wijk["series"], city_series] + [b["series"] for b in wijk["buurten"]]
                 for v in series if v is not None] + [100.0]
        lo, hi = min(known), max(known)
        wijk["spark"] = spark(wijk["series"], wijk["name"], lo, hi)
        wijk["city_spark"] = spark(city_series, t("city"), lo, hi)
        for b in wijk["buurten"]:
            b["spark"] = spark(b["series"], b["name"], lo, hi)
        half = (len(wijk["indicators"]) + 1) // 2
        wijk["indicator_columns"] = [c for c in (wijk["indicators"][:half], wijk["indicators"][half:]) if c]
        has_data = any(c["state"] != "none" for c in wijk["cells"]) or any(
            c["state"] != "none" for b in wijk["buurten"] for c in b["cells"])
        if has_data:
            wijk["inwoners"] = fmt.number(wijk["inwoners"])
            shown.append(wijk)
    return {"dimensions": [{"id": d, "name": t.dim(d)} for d in DIMENSIONS],
            "city_cells": city_cells, "wijken": shown, "has_index": bool(shown)}


def _programme_name(code: str, t: Strings) -> str:
    try:
        return t(f"prog_{code}")
    except KeyError:
        return code.replace("_", " ")


def programmes_section(con, outcomes: list[dict], t: Strings, fmt: Fmt) -> dict:
    """Per programme: sustainment curves per cohort, cost per outcome per cohort, the rate-card
    comparison, cost per tenancy month, and the social return low–high. City totals only
    (area_level 'totaal'); suppressed cells carry no numbers."""
    columns = table_columns(con, "marts.cost_per_outcome")
    if not {"programme", "cohort", "outcome_id", "area_level"} <= columns:
        return {"available": False, "programmes": [], "glance": []}
    select = _select(columns, {"programme": "null", "programme_role": "'programme'", "cohort": "null",
                               "outcome_id": "null", "n_persons": "null", "n_outcomes": "null",
                               "n_censored": "null", "outcome_rate": "null",
                               "cost_per_outcome_eur": "null", "provisional": "false",
                               "suppressed": "false"})
    rows = rows_of(con, f"""select {select} from marts.cost_per_outcome
                            where area_level = 'totaal' order by programme, cohort""")
    catalogue = {o["id"]: o for o in outcomes}
    order = [o["id"] for o in outcomes]
    outcome_ids = sorted({r["outcome_id"] for r in rows},
                         key=lambda o: (order.index(o) if o in order else len(order), o))

    def outcome_name(oid: str) -> str:
        return text_in(catalogue.get(oid, {}).get("name"), t.lang) or oid

    cells: dict[tuple[str, str, str], dict] = {}
    roles: dict[str, str] = {}
    for r in rows:
        roles.setdefault(r["programme"], r["programme_role"] or "programme")
        if r["suppressed"]:
            cells[(r["programme"], r["cohort"], r["outcome_id"])] = {"state": "suppressed"}
            continue
        persons = r["n_persons"]
        rate = _num(r["outcome_rate"])
        if rate is None and persons:
            rate = (r["n_outcomes"] or 0) / persons
        if not persons or r["provisional"]:
            # still under observation: never set beside a complete cohort
            cells[(r["programme"], r["cohort"], r["outcome_id"])] = {"state": "too_early"}
            continue
        cells[(r["programme"], r["cohort"], r["outcome_id"])] = {
            "state": "shown", "rate": rate, "cost": _num(r["cost_per_outcome_eur"]),
            "persons": persons}

    social = social_return(con, t, fmt)
    rate_card = rate_card_rows(con, outcome_name, t, fmt)
    per_month = cost_per_tenancy_month(con, t, fmt)
    programmes, glance = [], []
    ordered = sorted(roles, key=lambda p: (roles[p] != "programme", p))
    for programme in ordered:
        name = _programme_name(programme, t)
        cohorts = sorted({c for (p, c, _) in cells if p == programme})
        published = [c for c in cohorts if any(cells.get((programme, c, o), {}).get("state") == "shown"
                                               for o in outcome_ids)]
        table_cohorts = published[-6:]
        table = []
        for oid in outcome_ids:
            row = {"name": outcome_name(oid), "cells": []}
            for cohort in table_cohorts:
                cell = cells.get((programme, cohort, oid), {"state": "none"})
                if cell["state"] == "shown":
                    row["cells"].append({"state": "shown",
                                         "text": fmt.eur(cell["cost"]) if cell["cost"] is not None else "–",
                                         "rate": fmt.pct(cell["rate"])})
                elif cell["state"] == "suppressed":
                    row["cells"].append({"state": "suppressed", "text": t("suppressed_short"),
                                         "title": t("suppressed_title")})
                elif cell["state"] == "too_early":
                    row["cells"].append({"state": "too_early", "text": t("too_early")})
                else:
                    row["cells"].append({"state": "none", "text": "–"})
            table.append(row)
        series = []
        for cohort in cohorts[::-1]:
            points = []
            for oid in outcome_ids:
                match = SUSTAINED.match(oid)
                cell = cells.get((programme, cohort, oid), {})
                if match and cell.get("state") == "shown" and cell.get("rate") is not None:
                    points.append((int(match.group(1)), 100 * cell["rate"]))
            if points:
                series.append(charts.Series(cohort, points))
            if len(series) == 6:
                break
        series = series[::-1]
        months = sorted({int(SUSTAINED.match(o).group(1)) for o in outcome_ids if SUSTAINED.match(o)})
        curve = charts.line_chart(
            series, months or [3, 6, 12, 18, 24], t("chart_sustainment", programme=name),
            t("months_since_start"), t("share_sustained"), fmt_x=lambda v: f"{v:g}",
            fmt_y=lambda v: fmt.number(v) + "%", y_min=0, y_max=100, width=420,
            height=210) if series else ""
        # at a glance: the newest cohort with a published 12-month sustainment
        latest_12 = next(((c, cells[(programme, c, "tenancy_sustained_12m")]) for c in reversed(cohorts)
                          if cells.get((programme, c, "tenancy_sustained_12m"), {}).get("state") == "shown"),
                         (None, None))
        sr = next((s for s in reversed(social["rows"]) if s["programme"] == programme and s["shown"]), None)
        glance.append({"programme": programme, "name": name, "comparison": roles[programme] != "programme",
                       "cohort_12m": latest_12[0] or "–",
                       "rate_12m": latest_12[1]["rate"] if latest_12[1] else None,
                       "cost_12m": latest_12[1]["cost"] if latest_12[1] else None,
                       "rate_12m_text": fmt.pct(latest_12[1]["rate"]) if latest_12[1] else "–",
                       "cost_12m_text": fmt.eur(latest_12[1]["cost"]) if latest_12[1] and latest_12[1]["cost"] is not None else "–",
                       "return_text": f"{sr['low']} – {sr['high']}" if sr else "–",
                       "return_cohort": sr["cohort"] if sr else "",
                       "return_status": sr["status"] if sr and sr["status_id"] == "to_confirm" else ""})
        programmes.append({"programme": programme, "name": name,
                           "comparison": roles[programme] != "programme", "cohorts": table_cohorts,
                           "table": table, "curve": curve,
                           "rate_card": [r for r in rate_card["rows"] if r["programme"] == programme],
                           "per_month": [r for r in per_month if r["programme"] == programme]})
    return {"available": True, "programmes": programmes, "glance": glance, "social": social,
            "rate_card_status": rate_card["status"]}


def social_return(con, t: Strings, fmt: Fmt) -> dict:
    """Per programme and cohort: avoided cost per euro of programme cost, low–mid–high (net of
    deadweight: one row per programme and cohort, its one counterfactual path)."""
    columns = table_columns(con, "marts.social_return")
    if not {"programme", "cohort", "outcome_id"} <= columns:
        return {"rows": [], "chart": ""}
    select = _select(columns, {"programme": "null", "cohort": "null", "unit_cost_status": "null",
                               "programme_cost_eur": "null", "avoided_mid_eur": "null",
                               "avoided_net_mid": "null", "return_low": "null", "return_mid": "null",
                               "return_high": "null", "provisional": "false", "suppressed": "false"})
    rows = rows_of(con, f"""select {select} from marts.social_return order by programme, cohort""")
    out, chart_rows = [], []
    for r in rows:
        shown = (not r["suppressed"] and not r["provisional"] and r["return_low"] is not None
                 and r["return_high"] is not None)
        label = f"{_programme_name(r['programme'], t)} {r['cohort']}"
        item = {"programme": r["programme"], "name": _programme_name(r["programme"], t),
                "cohort": r["cohort"], "shown": shown,
                "status_id": r["unit_cost_status"],
                "status": t(f"unit_cost_status_{r['unit_cost_status']}")
                if r["unit_cost_status"] in ("cited", "to_confirm") else (r["unit_cost_status"] or "")}
        if shown:
            item.update(low=fmt.ratio(r["return_low"]), mid=fmt.ratio(r["return_mid"]),
                        high=fmt.ratio(r["return_high"]), cost=fmt.eur(_num(r["programme_cost_eur"])),
                        avoided=fmt.eur(_num(r["avoided_net_mid"] if r["avoided_net_mid"] is not None
                                             else r["avoided_mid_eur"])))
            chart_rows.append(charts.RangeRow(label, _num(r["return_low"]), _num(r["return_mid"]),
                                              _num(r["return_high"])))
        out.append(item)
    chart = charts.range_chart(chart_rows, t("chart_social_return"), fmt=lambda v: fmt.number(v, 1),
                               reference=1.0, reference_label=t("break_even")) if chart_rows else ""
    return {"rows": out, "chart": chart, "published": [r for r in out if r["shown"]]}


def rate_card_rows(con, outcome_name: Callable[[str], str], t: Strings, fmt: Fmt) -> dict:
    """Per programme and priced milestone: the newest published cohort's cost per outcome beside
    the cumulative price a funder would pay."""
    columns = table_columns(con, "marts.rate_card_comparison")
    if not {"programme", "cohort", "outcome_id"} <= columns:
        return {"rows": [], "status": ""}
    select = _select(columns, {"programme": "null", "cohort": "null", "outcome_id": "null",
                               "price_eur": "null", "cumulative_price_eur": "null",
                               "cost_per_outcome_eur": "null",
                               "rate_card_status": "null", "suppressed": "false"})
    where = "where area_level = 'totaal'" if "area_level" in columns else ""
    rows = rows_of(con, f"""select {select} from marts.rate_card_comparison {where}
                            order by programme, outcome_id, cohort""")
    newest: dict[tuple[str, str], dict] = {}
    status = ""
    for r in rows:
        status = r["rate_card_status"] or status
        if r["suppressed"] or r["cost_per_outcome_eur"] is None:
            continue
        newest[(r["programme"], r["outcome_id"])] = r  # ordered by cohort: the last one wins
    out = []
    for (programme, oid), r in sorted(newest.items(), key=lambda kv: (
            kv[0][0], int(SUSTAINED.match(kv[0][1]).group(1)) if SUSTAINED.match(kv[0][1]) else 999)):
        cumulative = _num(r["cumulative_price_eur"]) or _num(r["price_eur"])
        milestone = SUSTAINED.match(oid)
        out.append({"programme": programme, "cohort": r["cohort"],
                    "outcome": t("sustained_months", n=milestone.group(1)) if milestone else outcome_name(oid),
                    "price": fmt.eur(cumulative), "cost": fmt.eur(_num(r["cost_per_outcome_eur"]))})
    status_text = t(f"rate_card_status_{status}") if status in ("illustrative", "contracted") else ""
    return {"rows": out, "status": status_text}


def cost_per_tenancy_month(con, t: Strings, fmt: Fmt) -> list[dict]:
    columns = table_columns(con, "marts.cost_per_tenancy_month")
    if not {"programme", "cohort", "area_level"} <= columns:
        return []
    select = _select(columns, {"programme": "null", "cohort": "null", "tenancy_months": "null",
                               "cost_per_tenancy_month_eur": "null", "suppressed": "false"})
    rows = rows_of(con, f"""select {select} from marts.cost_per_tenancy_month
                            where area_level = 'totaal' order by programme, cohort""")
    return [{"programme": r["programme"], "cohort": r["cohort"],
             "months": fmt.number(r["tenancy_months"]), "cost": fmt.eur(_num(r["cost_per_tenancy_month_eur"]))}
            for r in rows if not r["suppressed"] and r["cost_per_tenancy_month_eur"] is not None][-4:]


def _reasons(value: Any, lang: str) -> list[str]:
    """The Dutch or English reason texts of a ledger row (never raw values: intake masks them)."""
    if value is None:
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return []
    texts = []
    for item in items or []:
        text = item.get(lang) or item.get("nl") or item.get("code") if isinstance(item, dict) else None
        if text and text not in texts:
            texts.append(str(text))
    return texts


DECISION_SYMBOL = {"accepted": "✓", "accepted_with_warnings": "!", "refused": "✗", "missing": "–"}


def delivery_section(con, period: str, t: Strings, fmt: Fmt) -> dict:
    """Per partner and dataset of the registry: what arrived for each month of the period (✓ ! ✗ –),
    the refused files with their reasons, and what is overdue."""
    from sources.contracts import load_registry

    registry = load_registry()
    months = quarter_months(period)
    start, end = period_bounds(period)
    next_end = end + timedelta(days=92)
    ledger_cols = table_columns(con, "raw.load_ledger")
    ledger: list[dict] = []
    if {"partner", "dataset", "period", "decision"} <= ledger_cols:
        select = _select(ledger_cols, {"partner": "null", "dataset": "null", "period": "null",
                                       "decision": "null", "reasons": "null", "decided_at": "null"})
        ledger = rows_of(con, f"""
            select {select} from raw.load_ledger
            where substr(period, 1, 7) in ({", ".join("?" * len(months))})
               or period in (?, ?)
               or (period is null and decided_at >= ? and decided_at < ?)
            order by decided_at""", [*months, period[:4], str(int(period[:4]) - 1), start, next_end])
    status: dict[tuple[str, str, str], str] = {}
    rank = {"accepted": 3, "accepted_with_warnings": 2, "refused": 1}
    for r in ledger:
        if r["decision"] not in rank or not r["period"]:
            continue
        slot = r["period"][:7] if MONTH.match(r["period"]) and len(r["period"]) >= 7 else r["period"][:4]
        key = (r["partner"], r["dataset"], slot)
        if rank[r["decision"]] > rank.get(status.get(key, ""), 0):
            status[key] = r["decision"]
    rows = []
    snapshots: dict[tuple[str, str], str] = {}
    if {"partner", "dataset", "period", "decision"} <= ledger_cols:
        # the newest accepted snapshot: a later snapshot supersedes the months before it
        snapshots = {(p, d): newest for p, d, newest in con.execute("""
            select partner, dataset, max(period) from raw.load_ledger
            where decision in ('accepted', 'accepted_with_warnings')
              and regexp_full_match(period, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
            group by partner, dataset""").fetchall()}
    expected = delivered = 0
    for partner in registry.partners.values():
        first = True
        for dataset in partner.datasets:
            kind = registry.contract_for(partner.name, dataset).period
            row = {"partner": partner.title or partner.name, "dataset": dataset, "cells": [],
                   "kind": kind, "first": first,
                   "span": len(partner.datasets) if first else 0}
            first = False
            expected += 1 if kind in ("yearly", "snapshot") else len(months)
            if kind == "yearly":
                year = next((y for y in (period[:4], str(int(period[:4]) - 1))
                             if status.get((partner.name, dataset, y)) in ("accepted", "accepted_with_warnings")),
                            None)
                decision = status.get((partner.name, dataset, year)) if year else (
                    status.get((partner.name, dataset, period[:4])) or "missing")
                delivered += decision in ("accepted", "accepted_with_warnings")
                row["cells"].append({"decision": decision, "symbol": DECISION_SYMBOL[decision],
                                     "label": f"{year or period[:4]}: {t('decision_' + decision)}",
                                     "text": f"{t('yearly')} {year}" if year else t("yearly")})
            elif kind == "snapshot":
                newest = snapshots.get((partner.name, dataset))
                decision = "accepted" if newest and newest[:7] >= months[0] else "missing"
                delivered += decision == "accepted"
                row["cells"].append({"decision": decision, "symbol": DECISION_SYMBOL[decision],
                                     "label": f"{t('snapshot')} {newest or '–'}: {t('decision_' + decision)}",
                                     "text": f"{t('snapshot')} {newest}" if newest else t("snapshot")})
            else:
                for month in months:
                    decision = status.get((partner.name, dataset, month), "missing")
                    delivered += decision in ("accepted", "accepted_with_warnings")
                    row["cells"].append({"decision": decision, "symbol": DECISION_SYMBOL[decision],
                                         "label": f"{month}: {t('decision_' + decision)}", "text": ""})
            rows.append(row)
    accepted_keys = {(r["partner"], r["dataset"], r["period"]) for r in ledger
                     if r["decision"] in ("accepted", "accepted_with_warnings")}
    refused = []
    for r in ledger:
        if r["decision"] != "refused":
            continue
        partner = registry.partners.get(r["partner"])
        refused.append({"partner": (partner.title if partner else None) or r["partner"] or "–",
                        "dataset": r["dataset"] or "–", "period": r["period"] or "–",
                        "reasons": _reasons(r["reasons"], t.lang),
                        "corrected": (r["partner"], r["dataset"], r["period"]) in accepted_keys})
    overdue = overdue_rows(con, registry, t, fmt)
    summary = t("delivery_summary_text", delivered=delivered, expected=expected, refused=len(refused),
                overdue=len(overdue))
    return {"months": months, "rows": rows, "refused": refused, "overdue": overdue,
            "summary": summary}


def overdue_rows(con, registry, t: Strings, fmt: Fmt) -> list[dict]:
    """marts.delivery_status when it is there (built by the freshness asset), else the same
    computation on the ledger as of today."""
    columns = table_columns(con, "marts.delivery_status")
    if {"partner", "dataset", "overdue"} <= columns:
        select = _select(columns, {"partner": "null", "dataset": "null", "expected_period": "null",
                                   "latest_period": "null", "due_date": "null", "days_overdue": "null"})
        rows = rows_of(con, f"""select {select} from marts.delivery_status where overdue
                                order by days_overdue desc nulls last, partner, dataset""")
    elif "partner" in table_columns(con, "raw.load_ledger"):
        from pipelines.freshness import delivery_status
        rows = [r.__dict__ for r in delivery_status(con, date.today(), registry) if r.overdue]
    else:
        rows = []
    out = []
    for r in rows:
        partner = registry.partners.get(r["partner"])
        out.append({"partner": (partner.title if partner else None) or r["partner"],
                    "dataset": r["dataset"], "expected": r["expected_period"] or "–",
                    "latest": r["latest_period"] or "–",
                    "due": r["due_date"].isoformat() if hasattr(r["due_date"], "isoformat") else (r["due_date"] or "–"),
                    "days": fmt.number(r["days_overdue"]) if r["days_overdue"] is not None else "–"})
    return out


def embedded_methodology(lang: str) -> Markup | None:
    """The indicators engineer's methodology (reporting/methodology.py renders Markdown from
    sources/indicators.yaml) in the report's language, as HTML: raw HTML in the Markdown is not
    passed through (markdown-it with html off escapes it), headings are moved under ours. None
    when the module or the renderer is not there or fails: the report then shows its own table."""
    try:
        methodology = importlib.import_module("reporting.methodology")
        from markdown_it import MarkdownIt  # comes with dagster (through rich)
        text = methodology.render(languages=(lang,))
    except Exception as error:  # noqa: BLE001 - a broken appendix must not stop the report
        log.warning("Methodology appendix left out: %s", error)
        return None
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not re.match(r"^#{1,2} ", line))
    # no raw HTML, and no links or images either: the report loads and points at nothing outside
    html = (MarkdownIt("commonmark", {"html": False}).enable("table")
            .disable(["link", "image", "autolink"]).render(text))
    for level in (4, 3):  # ### → h4, #### → h5: below the section's own headings
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return Markup(html)


def methodology_section(catalogue: IndicatorCatalogue, outcomes: list[dict], unit_costs: list[dict],
                        base_period: str | None, t: Strings, fmt: Fmt) -> dict:
    """The method, generated from the catalogues: the indicators per theme (name, definition,
    unit, direction), the programme outcomes, the unit costs; the bands and, as an appendix, the
    full methodology of reporting/methodology.py when it is there."""
    order = {d: n for n, d in enumerate(DIMENSIONS)}
    ranked = sorted(catalogue.indicators, key=lambda i: order.get(i.get("dimension"), len(order)))
    indicators = [{
        "dimension": t.dim(i.get("dimension")) if i.get("dimension") else "",
        "name": text_in(i.get("name"), t.lang),
        "definition": text_in(i.get("definition") or i.get("description"), t.lang),
        "unit": catalogue.unit(i, t.lang),
        "direction": _direction_label(i.get("direction"), t),
        "kind": t(f"kind_{i['kind']}") if i.get("kind") in ("objective", "subjective") else "",
    } for i in ranked]
    settings = catalogue.index
    return {
        "index_text": t("method_index_text", base=fmt.period(base_period, t) if base_period else "–",
                        low=fmt.number(settings.get("score_min", 0)),
                        high=fmt.number(settings.get("score_max", 200))),
        "appendix": embedded_methodology(t.lang),
        "indicators": indicators,
        "outcomes": [{"name": text_in(o.get("name"), t.lang), "definition": text_in(o.get("definition"), t.lang)}
                     for o in outcomes],
        "unit_costs": [{"name": text_in(u.get("name"), t.lang), "unit": text_in(u.get("unit"), t.lang),
                        "range": f"{fmt.eur(u.get('low'))} – {fmt.eur(u.get('high'))}",
                        "status": t(f"unit_cost_status_{u.get('status')}") if u.get("status") in ("cited", "to_confirm") else "",
                        "source": ", ".join(str(x) for x in ((u.get("source") or {}).get("publisher"),
                                                             (u.get("source") or {}).get("date")) if x)}
                       for u in unit_costs],
    }


def _direction_label(direction: Any, t: Strings) -> str:
    text = str(direction or "").lower()
    if text in ("higher_is_better", "higher", "up", "positive", "+", "hoger"):
        return t("direction_higher_is_better")
    if text in ("higher_is_worse", "lower_is_better", "lower", "down", "negative", "-", "lager"):
        return t("direction_lower_is_better")
    return text


# ----------------------------------------------------------------------------- render

def gather(con: duckdb.DuckDBPyConnection, period: str, lang: str) -> dict:
    """Everything the template needs, as plain data."""
    catalogue = load_indicator_catalogue()
    t, fmt = Strings(lang, dimensions=catalogue.dimensions), Fmt(lang)
    outcomes = load_outcome_catalogue()
    index = load_index(con, period)
    delivery = delivery_section(con, period, t, fmt)
    programmes = programmes_section(con, outcomes, t, fmt)
    return {
        "lang": lang, "t": t, "fmt": fmt, "period": period, "period_label": fmt.period(period, t),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "summary": summary_section(con, index, programmes, delivery, t, fmt),
        "maps": maps_section(con, index, t, fmt),
        "profiles": profiles_section(con, index, catalogue, period, t, fmt),
        "programmes": programmes,
        "delivery": delivery,
        "method": methodology_section(catalogue, outcomes, load_unit_costs(),
                                      index.base_period if index else None, t, fmt),
        "bands": [{"id": b, "colour": BAND_COLOURS[b], "ink": BAND_TEXT[b], "label": t(f"band_{b}")}
                  for b in BANDS],
        "missing_colour": MISSING,
    }


def render_html(con: duckdb.DuckDBPyConnection, period: str, lang: str = "nl") -> str:
    return _env.get_template("board_report.html.j2").render(**gather(con, period, lang))


def render_board_report(con: duckdb.DuckDBPyConnection, reports_dir: Path, period: str | None = None,
                        lang: str = "nl", pdf: bool = True) -> dict:
    """Write reports/<period>/board_report.<lang>.html (and .pdf through headless Chromium).
    The PDF is None when Chromium is missing or fails: logged, never raised."""
    started = time.perf_counter()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    period = check_period(period or latest_quarter(con))
    html = render_html(con, period, lang)
    folder = Path(reports_dir) / period
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"board_report.{lang}.html"
    partial = folder / f".{html_path.name}.partial"
    partial.write_text(html, encoding="utf-8")
    partial.replace(html_path)
    html_seconds = time.perf_counter() - started
    pdf_path = browser.print_pdf(html_path, folder / f"board_report.{lang}.pdf") if pdf else None
    return {"period": period, "lang": lang, "html": html_path, "pdf": pdf_path,
            "seconds": round(time.perf_counter() - started, 3),
            "html_seconds": round(html_seconds, 3),
            "html_bytes": html_path.stat().st_size,
            "pdf_bytes": pdf_path.stat().st_size if pdf_path else None}
