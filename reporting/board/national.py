"""The national summary: one page per run, a row per gemeente on the buurt map with its index per
theme and its interval (as page one of its report shows them), the change against a year before when it is real, and a link to
its own report; no buurten. Only published cells: the same index reduction (build_index) and
score cells as page one of a gemeente's report. A pure function of the loaded report data."""
from __future__ import annotations

from reporting.board.data import ReportData
from reporting.board.index import DIMENSIONS, build_index
from reporting.board.sections.cells import arrow, direction_css, score_cell
from reporting.board.text import Fmt, Strings


def report_link(gemeentecode: str, lang: str) -> str:
    """The gemeente's report relative to the summary (both under reports/<period>/)."""
    return f"{gemeentecode}/board_report.{lang}.html"


def build(loaded: dict[str, ReportData], names: dict[str, str | None], reported: set[str], t: Strings,
          fmt: Fmt) -> dict:
    rows = []
    for code, name in names.items():
        d = loaded.get(code)
        city_rows = [r for r in d.index if r["area_level"] == "gemeente"] if d else []
        index = build_index(city_rows, d.published_areas if d else set(), d.period if d else "")
        total = index.get("gemeente", code, "totaal")
        change = total["change_year"] if total else None
        significant = bool(total and total["significant"])
        rows.append({"code": code, "name": name or code,
                     "cells": [score_cell(index, "gemeente", code, dim, t, fmt, interval=True)
                               for dim in DIMENSIONS],
                     "arrow": arrow(change) if significant else "",
                     "change": fmt.signed(change) if change is not None else "",
                     "css": direction_css(change) if significant else "same",
                     "link": report_link(code, t.lang) if code in reported else None})
    rows.sort(key=lambda r: (r["name"].casefold(), r["code"]))
    return {"rows": rows, "n_reports": sum(r["link"] is not None for r in rows),
            "n_without": sum(r["link"] is None for r in rows)}
