"""The board report: one self-contained HTML (and its PDF) per period, language and gemeente,
and with several gemeenten a national summary that links to them.

A thin consumer of declared marts. `data.load_all` reads the tables of sources/publication.yaml
with `report: true` through the contract's typed reader (a missing or retyped column raises), once
per run for every gemeente, and the catalogues through sources/; each module of `sections/` turns
plain data into what its part of the report shows, `national` the summary over the gemeenten;
`text` holds words and number formats; `render` writes the HTML, reporting.browser prints the PDFs
in one Chromium session. Nothing here
holds a business rule the marts already apply: suppression, intervals, significance, provisional
cohorts and capacity come from the marts; the report only refuses to show a hidden number.
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

from reporting import browser
from reporting.board import data, national, render
from reporting.board.index import DIMENSIONS, NEED, build_index
from reporting.board.periods import check_period
from reporting.board.sections import delivery, maps, method, mix, profiles, programmes, summary
from reporting.board.text import LANGS, Fmt, Strings
from reporting.maps import BAND_COLOURS, BAND_TEXT, BANDS

latest_quarter = data.latest_quarter
# A run prints the Dutch PDFs; English stays HTML, its PDF on request (`wijkwijzer report --lang en`,
# or the English asset alone): a PDF costs Chromium ~0.35 s per gemeente nationally (680 of them)
# and about 3 s for the city's 58 pages, in every run whose report changed.
RUN_PDF_LANGS = ("nl",)
__all__ = ["render_board_report", "render_board_reports", "latest_quarter", "check_period", "context", "RUN_PDF_LANGS"]


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
    city, city_name = d.gemeentecode, d.gemeentenaam or t("city")
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
        "generated": render.GENERATED,   # the time write() fills in
        "city_name": city_name, "programmes_cover_all": d.several_gemeenten,
        "summary": summary.build(index, city, city_name, buurt_names, d.targets, d.target_names, progs,
                                 deliveries, t, fmt, names),
        "maps": map_data,
        "mix": mix.build(d.concentration, d.placement, d.buurten, maps.numbering(d.buurten), settings,
                         d.placement_config, t, fmt),
        "profiles": profiles.build(d.buurten, index, city, d.indicators, d.catalogue, d.leefbaarometer,
                                   t, fmt, names, city_name=city_name),
        "programmes": progs,
        "delivery": deliveries,
        "method": method.build(d.catalogue, d.index_composition, outcome_rows,
                               d.outcomes.frames["unit_costs"].to_dicts(), t, fmt, names),
        "confidence": {"index": fmt.pct(d.catalogue.index.interval),
                       "programmes": fmt.pct(d.outcomes.frames["outcome_settings"]["confidence"][0])},
        "bands": [{"colour": BAND_COLOURS[b], "ink": BAND_TEXT[b], "label": t(f"band_{b}")} for b in BANDS],
    }


def summary_context(loaded: dict[str, data.ReportData], names: dict[str, str | None], reported: set[str],
                    lang: str) -> dict:
    """What the national summary shows, as plain data."""
    t, fmt = Strings(lang), Fmt(lang)
    first = next(iter(loaded.values()))
    period = first.period
    return {"lang": lang, "t": t, "period_label": fmt.period(period, t),
            "generated": render.GENERATED,   # the time write() fills in
            "national": national.build(loaded, names, reported, t, fmt),
            "dimensions": [theme_names(first, t)[d] for d in DIMENSIONS],
            "confidence": fmt.pct(first.catalogue.index.interval),
            "bands": [{"colour": BAND_COLOURS[b], "label": t(f"band_{b}")} for b in BANDS]}


def _size(path: Path | None) -> int | None:
    return path.stat().st_size if path else None


def _print_unless_current(printer: browser.PdfPrinter, html: Path, kept: dict[Path, Path]) -> None:
    """Queue `html` for its PDF, or keep the PDF printed from the same text before (in `kept`)."""
    if render.pdf_is_current(html):
        kept[html] = html.with_suffix(".pdf")
    else:
        printer.add(html)


def render_board_reports(con, reports_dir: Path, period: str | None = None, langs: tuple[str, ...] = LANGS,
                         pdf: bool = True, only: list[str] | None = None) -> dict:
    """Every report of a run: the data read once, every PDF printed in one Chromium session while
    the next HTML is written; a PDF printed from the same text before is kept (`pdfs_kept`).

    One gemeente on the buurt map (the demo): reports/<period>/board_report.<lang>.html as always.
    Several: reports/<period>/<gemeentecode>/board_report.<lang>.html for each gemeente with
    published data in the period (or each of `only`, asked for by name), and
    reports/<period>/national_summary.<lang>.html linking to them. PDFs beside each HTML (None
    when Chromium is missing or fails: logged, never raised): of a report only in RUN_PDF_LANGS,
    unless one language or gemeenten by name were asked for; of the summary in every language. A
    published table that breaks its contract raises quality.publication.ContractBroken before
    anything is written."""
    started = time.perf_counter()
    for lang in langs:
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    period = check_period(period or data.latest_quarter(con))
    names = data.gemeenten(con)
    unknown = sorted(set(only or ()) - set(names))
    if unknown:
        raise ValueError(f"not a gemeente on the buurt map: {', '.join(unknown)}")
    several = len(names) > 1
    printer = browser.PdfPrinter() if pdf else None
    # Chromium starts while the data is read; each PDF is printed while the next HTML is written.
    with printer or contextlib.nullcontext():
        loaded = data.load_all(con, period, list(only or names) or [data.DEFAULT_GEMEENTE])
        read_seconds = time.perf_counter() - started
        folder = Path(reports_dir) / period
        reports, summaries, kept = [], {}, {}
        pdf_langs = set(langs) if len(langs) == 1 or only else set(langs) & set(RUN_PDF_LANGS)
        for code, report_data in loaded.items():
            if several and not only and not report_data.has_published_data:
                continue  # nothing published for this gemeente in the period: no report
            for lang in langs:
                html = render.write(render.render_html(context(report_data, lang)),
                                    folder / code if several else folder, lang)
                wanted = bool(printer) and lang in pdf_langs
                reports.append({"gemeentecode": code, "lang": lang, "html": html, "pdf_wanted": wanted})
                if wanted:
                    _print_unless_current(printer, html, kept)
        if several and not only:
            reported = {r["gemeentecode"] for r in reports}
            for lang in langs:
                summaries[lang] = render.write(render.render_html(summary_context(loaded, names, reported, lang),
                                                                  render.SUMMARY), folder, lang, render.SUMMARY)
                if printer:  # one page per language: always worth its PDF
                    _print_unless_current(printer, summaries[lang], kept)
        html_seconds = time.perf_counter() - started
    pdfs = (printer.results() if printer else {}) | kept
    for r in reports:
        r.update(pdf=pdfs.get(r["html"]), html_bytes=_size(r["html"]), pdf_bytes=_size(pdfs.get(r["html"])))
    return {"period": period, "langs": list(langs), "several_gemeenten": several, "reports": reports,
            "summary": {lang: {"html": path, "pdf": pdfs.get(path), "pdf_wanted": bool(printer), "html_bytes": _size(path),
                               "pdf_bytes": _size(pdfs.get(path))} for lang, path in summaries.items()},
            "pdfs_kept": len(kept), "gemeenten": len(names), "gemeenten_reported": len({r["gemeentecode"] for r in reports}),
            "seconds": round(time.perf_counter() - started, 3), "read_seconds": round(read_seconds, 3),
            "html_seconds": round(html_seconds, 3), "pdf_wait_seconds": round(time.perf_counter() - started - html_seconds, 3)}


def render_board_report(con, reports_dir: Path, period: str | None = None, lang: str = "nl",
                        pdf: bool = True, gemeente: str | None = None) -> dict:
    """One language: reports/<period>/board_report.<lang>.html (and .pdf through headless
    Chromium) with one gemeente on the buurt map; with several, `gemeente`'s report under
    reports/<period>/<gemeentecode>/, or without `gemeente` every gemeente with data and the
    national summary (`html` and `pdf` are then the summary's). See render_board_reports."""
    run = render_board_reports(con, reports_dir, period, (lang,), pdf, only=[gemeente] if gemeente else None)
    if run["summary"]:
        chosen = run["summary"][lang]
    elif run["reports"]:
        chosen = run["reports"][0]
    else:
        chosen = {"html": None, "pdf": None, "html_bytes": None, "pdf_bytes": None}
    return {"period": run["period"], "lang": lang, "html": chosen["html"], "pdf": chosen["pdf"],
            "seconds": run["seconds"], "read_seconds": run["read_seconds"], "html_seconds": run["html_seconds"],
            "html_bytes": chosen["html_bytes"], "pdf_bytes": chosen["pdf_bytes"], "reports": run["reports"],
            "gemeenten": run["gemeenten"]}
