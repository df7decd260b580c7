"""What a table cell shows for an index score: the number and its band, or why there is none. A
suppressed or hidden cell never carries a number."""
from __future__ import annotations

from reporting.board.index import Index
from reporting.board.text import Fmt, Strings
from reporting.maps import BAND_COLOURS, BAND_TEXT, MISSING


def score_cell(index: Index, level: str, code: str, dimension: str, t: Strings, fmt: Fmt,
               interval: bool = False) -> dict:
    state = index.state(level, code, dimension)
    if state != "shown":
        return {"state": state, "text": t("suppressed_short") if state == "suppressed" else t("not_available"),
                "title": t("suppressed_title") if state == "suppressed" else t("no_data")}
    cell = index.get(level, code, dimension)
    band = cell["band"]
    return {"state": "shown", "text": fmt.number(cell["score"]), "band": band,
            "interval": fmt.span(cell["low"], cell["high"], fmt.number) if interval else "",
            "colour": BAND_COLOURS.get(band, MISSING), "ink": BAND_TEXT.get(band, "#1a1a1a"),
            "title": t(f"band_{band}") if band else ""}


def arrow(change: float | None) -> str:
    if change is None:
        return ""
    return "▲" if change > 0.05 else "▼" if change < -0.05 else "▶"


def direction_css(change: float | None) -> str:
    return "up" if change and change > 0.05 else "down" if change and change < -0.05 else "same"
