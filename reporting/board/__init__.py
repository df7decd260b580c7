"""The board report: one self-contained HTML (and its PDF) per period and language.

A thin consumer of declared marts. `data.load` reads the tables of sources/publication.yaml with
`report: true` through the contract's typed reader (a missing or retyped column raises) and the
catalogues through sources/; each module of `sections/` turns plain data into what its part of the
report shows; `text` holds words and number formats; `render` writes HTML and PDF. Nothing here
holds a business rule the marts already apply: suppression, intervals, significance, provisional
cohorts and capacity come from the marts; the report only refuses to show a hidden number.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from reporting.board import data, render
from reporting.board.index import DIMENSIONS, NEED, build_index
from reporting.board.periods import check_period
from reporting.board.sections import delivery, maps, method, mix, profiles, programmes, summary
from reporting.board.text import LANGS, Fmt, Strings
from reporting.maps import BAND_COLOURS, BAND_TEXT, BANDS
from sources.placement import load as load_placement

latest_quarter = data.latest_quarter
__all__ = ["render_board_report", "latest_quarter", "check_period", "context"]


def theme_names(d: data.ReportData, t: Strings) -> dict[str, str]:
    names = {"totaal": t("dim_totaal")}
    for dimension in (*DIMENSIONS[1:], NEED):
        spec = d.catalogue.dimensions.get(dimension) or {}
        names[dimension] = t.pick(spec.get("nl"), spec.get("en")) or t(f"dim_{dimension}")
    return names


def context(d: data.ReportData, lang: str) -> dict:
    """Everything the templates show, as plain data."""
    t, fmt = Strings(lang), Fmt(lang)
    names = theme_names(d, t)
    index = build_index(d.index, d.published_areas, d.period)
    city = next((b["gemeentecode"] for b in d.buurten if b["gemeentecode"]), "GM0599")
    buurt_names = {b["buurtcode"]: b["buurtnaam"] for b in d.buurten}
    outcome_rows = d.outcomes.frames["outcome_definitions"].sort("sort_order").to_dicts()
    outcome_names = {o["outcome_id"]: t.pick(o["name_nl"], o["name_en"]) for o in outcome_rows}
    deliveries = delivery.build(d.ledger, d.delivery_status, d.registry, d.period, t, fmt)
    progs = programmes.build(d.cost_per_outcome, d.social_return, d.rate_card, d.stakeholder_balance,
                             outcome_names, t, fmt)
    map_data = maps.build(d.buurten, index, city, t, fmt, names)
    settings = d.outcomes.frames["concentration_settings"].to_dicts()[0]
    return {
        "lang": lang, "t": t, "period_label": fmt.period(d.period, t),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "summary": summary.build(index, city, buurt_names, d.targets, d.target_names, progs, deliveries,
                                 t, fmt, names),
        "maps": map_data,
        "mix": mix.build(d.concentration, d.placement, d.buurten, maps.numbering(d.buurten), settings,
                         load_placement(), t, fmt),
        "profiles": profiles.build(d.buurten, index, city, d.indicators, d.catalogue, d.leefbaarometer,
                                   t, fmt, names),
        "programmes": progs,
        "delivery": deliveries,
        "method": method.build(d.catalogue, outcome_rows, d.outcomes.frames["unit_costs"].to_dicts(),
                               t, fmt, names),
        "confidence": {"index": fmt.pct(d.catalogue.index.interval),
                       "programmes": fmt.pct(d.outcomes.frames["outcome_settings"]["confidence"][0])},
        "bands": [{"colour": BAND_COLOURS[b], "ink": BAND_TEXT[b], "label": t(f"band_{b}")} for b in BANDS],
    }


def render_board_report(con, reports_dir: Path, period: str | None = None, lang: str = "nl",
                        pdf: bool = True) -> dict:
    """Write reports/<period>/board_report.<lang>.html (and .pdf through headless Chromium). The
    PDF is None when Chromium is missing or fails: logged, never raised. A published table that
    breaks its contract raises quality.publication.ContractBroken before anything is written."""
    started = time.perf_counter()
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    period = check_period(period or data.latest_quarter(con))
    report_data = data.load(con, period)
    read_seconds = time.perf_counter() - started
    html_path = render.write(render.render_html(context(report_data, lang)), Path(reports_dir) / period, lang)
    html_seconds = time.perf_counter() - started
    pdf_path = render.write_pdf(html_path) if pdf else None
    return {"period": period, "lang": lang, "html": html_path, "pdf": pdf_path,
            "seconds": round(time.perf_counter() - started, 3),
            "read_seconds": round(read_seconds, 3), "html_seconds": round(html_seconds, 3),
            "html_bytes": html_path.stat().st_size,
            "pdf_bytes": pdf_path.stat().st_size if pdf_path else None}
