"""Reports per gemeente (issue 20): the board-report warehouse with a second gemeente (a copy of
Rotterdam's rows under GM9002, 'Tweestad', ten index points higher) and a third with buurten but
only suppressed figures (GM9003, 'Leegdorp'). One report per gemeente with published data, each
with only its own buurten; a national summary listing all three, with links; no report for the
gemeente without data; every PDF of the run from one Chromium."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine.warehouse import open_warehouse
from reporting import browser
from reporting.board import data, render, render_board_report, render_board_reports
from tests.board_warehouse import build_warehouse

TWEESTAD, LEEGDORP = "GM9002", "GM9003"
HIDDEN_SCORE = 4321.0   # Leegdorp's index: in the mart, never published
PERIOD = "2026-Q3"


def _recode(column: str, digits: str) -> str:
    """SQL: a Rotterdam code (BU0599…, WK0599…, GM0599) under the gemeente `digits`."""
    return f"case when {column} like '__0599%' then substr({column}, 1, 2) || '{digits}' || substr({column}, 7) " \
           f"else {column} end"


def add_gemeenten(path: Path) -> None:
    with open_warehouse(path) as con:
        buurt, wijk, gm = (_recode(c, "9002") for c in ("buurtcode", "wijkcode", "gemeentecode"))
        con.execute(f"""insert into core.dim_buurt select * replace ({buurt} as buurtcode, {wijk} as wijkcode,
                        {gm} as gemeentecode, 'Tweestad' as gemeentenaam, buurtnaam || ' (Tweestad)' as buurtnaam)
                        from core.dim_buurt where gemeentecode = 'GM0599'""")
        area = _recode("area_code", "9002")
        con.execute(f"""insert into marts.liveability_index select * replace ({area} as area_code,
                        score + 10 as score, score_low + 10 as score_low, score_high + 10 as score_high)
                        from marts.liveability_index""")
        for table in ("marts.indicator_values_published", "marts.leefbaarometer", "marts.placement_capacity"):
            con.execute(f"insert into {table} select * replace ({area} as area_code) from {table}")
        con.execute(f"""insert into marts.concentration select * replace ({_recode('buurtcode', '9002')} as buurtcode,
                        {_recode('wijkcode', '9002')} as wijkcode) from marts.concentration""")
        # Leegdorp: three buurten, an index in the mart, every indicator suppressed
        buurt, wijk, gm = (_recode(c, "9003") for c in ("buurtcode", "wijkcode", "gemeentecode"))
        con.execute(f"""insert into core.dim_buurt select * replace ({buurt} as buurtcode, {wijk} as wijkcode,
                        {gm} as gemeentecode, 'Leegdorp' as gemeentenaam) from core.dim_buurt
                        where gemeentecode = 'GM0599' order by buurtcode limit 3""")
        area = _recode("area_code", "9003")
        con.execute(f"""insert into marts.liveability_index select * replace ({area} as area_code,
                        {HIDDEN_SCORE} as score) from marts.liveability_index where area_code = 'GM0599'""")
        con.execute(f"""insert into marts.indicator_values_published select * replace ({area} as area_code,
                        true as suppressed, null as value, null as estimate) from marts.indicator_values_published
                        where area_code = 'GM0599'""")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = build_warehouse(tmp_path_factory.mktemp("gemeenten") / "warehouse.duckdb")
    add_gemeenten(path)
    return path


@pytest.fixture(scope="module")
def launches():
    """Counts Chromium starts for the run below."""
    started = []
    real = browser._start_chromium

    def counting(*args, **kwargs):
        started.append(args)
        return real(*args, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(browser, "_start_chromium", counting)
        yield started


@pytest.fixture(scope="module")
def run(warehouse, launches, tmp_path_factory) -> dict:
    """One run, Dutch, with its PDFs (when Chromium is there)."""
    with open_warehouse(warehouse, read_only=True) as con:
        return render_board_reports(con, tmp_path_factory.mktemp("reports"), langs=("nl",), pdf=True)


def page(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def report_of(run: dict, gemeente: str) -> Path:
    return next(r["html"] for r in run["reports"] if r["gemeentecode"] == gemeente)


def test_one_report_per_gemeente_with_published_data(run):
    assert run["several_gemeenten"] and run["gemeenten"] == 3
    assert {r["gemeentecode"] for r in run["reports"]} == {"GM0599", TWEESTAD}
    folder = report_of(run, "GM0599").parents[1]
    assert folder.name == PERIOD
    for code in ("GM0599", TWEESTAD):
        assert report_of(run, code) == folder / code / "board_report.nl.html"
    assert not (folder / LEEGDORP).exists() and not (folder / "board_report.nl.html").exists()


def test_each_report_shows_only_its_own_buurten(run):
    rotterdam, tweestad = page(report_of(run, "GM0599")), page(report_of(run, TWEESTAD))
    assert 'data-code="BU05990321"' in rotterdam and "BU9002" not in rotterdam and "Tweestad" not in rotterdam
    assert 'data-code="BU90020321"' in tweestad and "BU0599" not in tweestad
    assert "Bospolder (Tweestad)" in tweestad and '<tr class="city"><th scope="row">Tweestad</th>' in tweestad
    assert "<title>Wijkrapport WijkWijzer — Tweestad — 3e kwartaal 2026</title>" in tweestad
    # programme figures are totals over all gemeenten: each report says so
    for text in (rotterdam, tweestad):
        assert "gelden voor alle gemeenten in deze gegevens samen" in text


def test_the_summary_lists_every_gemeente_with_its_figures_and_a_link(run):
    summary = run["summary"]["nl"]["html"]
    assert summary.name == "national_summary.nl.html" and summary.parent.name == PERIOD
    text = page(summary)
    assert 'href="GM0599/board_report.nl.html"' in text and f'href="{TWEESTAD}/board_report.nl.html"' in text
    assert (summary.parent / TWEESTAD / "board_report.nl.html").is_file()
    rows = {code: row for code, row in re.findall(r'<span class="muted small">(GM\d{4})</span></th>(.*?)</tr>',
                                                  text, re.S)}
    assert set(rows) == {"GM0599", TWEESTAD, LEEGDORP}
    assert ">102</span><span class=\"ci\">98–106<" in rows["GM0599"]        # total with its interval
    assert rows["GM0599"].count('class="ci"') == 4                        # and every theme
    assert ">112</span><span class=\"ci\">108–116<" in rows[TWEESTAD]
    assert "href" not in rows[LEEGDORP] and "geen gepubliceerde cijfers" in rows[LEEGDORP]
    assert "4.321" not in text and "4321" not in text                     # never published
    assert "BU0599" not in text and "Bospolder" not in text               # no buurten
    assert "2 gemeenten met een eigen rapport; 1 zonder" in text


def test_the_summary_in_english_on_request(warehouse, tmp_path):
    with open_warehouse(warehouse, read_only=True) as con:
        result = render_board_report(con, tmp_path, lang="en", pdf=False)
    assert result["html"].name == "national_summary.en.html"
    text = page(result["html"])
    assert '<html lang="en">' in text and "WijkWijzer national overview" in text and "open report" in text
    assert f'href="{TWEESTAD}/board_report.en.html"' in text and "Landelijk" not in text
    assert (tmp_path / PERIOD / TWEESTAD / "board_report.en.html").is_file()


def test_a_gemeente_by_name_reads_only_its_own_rows(warehouse, tmp_path):
    with open_warehouse(warehouse, read_only=True) as con:
        loaded = data.load(con, PERIOD, TWEESTAD)
        assert {b["gemeentecode"] for b in loaded.buurten} == {TWEESTAD}
        assert loaded.index and all(r["area_code"][2:6] == "9002" for r in loaded.index)
        assert all(code[2:6] == "9002" for _, code, _ in loaded.published_areas)
        assert not data.load(con, PERIOD, LEEGDORP).has_published_data
        result = render_board_report(con, tmp_path, lang="nl", pdf=False, gemeente=TWEESTAD)
        assert result["html"] == tmp_path / PERIOD / TWEESTAD / "board_report.nl.html"
        with pytest.raises(ValueError, match="GM9999"):
            render_board_report(con, tmp_path, pdf=False, gemeente="GM9999")


needs_chromium = pytest.mark.skipif(browser.find_chromium() is None,
                                    reason="Chromium is not installed (`make browser` installs it)")


@needs_chromium
def test_every_pdf_of_the_run_from_one_chromium(run, launches):
    documents = [r["pdf"] for r in run["reports"]] + [run["summary"]["nl"]["pdf"]]
    assert len(documents) == 3 and all(p is not None and p.read_bytes()[:5] == b"%PDF-" for p in documents)
    assert len(launches) == 1


@needs_chromium
def test_the_summary_reads_on_a_phone(run):
    layout = browser.measure(run["summary"]["nl"]["html"], 390)
    assert layout["scroll_width"] <= 390, (layout["scroll_width"], layout["wider"])  # no sideways scrolling
    assert "Tweestad" in layout["text"] and "Leegdorp" in layout["text"]


@needs_chromium
def test_a_failing_pdf_costs_only_its_own(tmp_path, monkeypatch, caplog):
    starts = []
    real = browser._start_chromium
    monkeypatch.setattr(browser, "_start_chromium", lambda *a: starts.append(a) or real(*a))
    pages = [tmp_path / f"{name}.html" for name in ("a", "missing", "b")]
    for path in (pages[0], pages[2]):
        path.write_text(f"<!doctype html><title>{path.stem}</title><p>{path.stem}</p>", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="reporting.browser"):
        printed = browser.print_pdfs([(p, p.with_suffix(".pdf")) for p in pages], timeout_s=30)
    assert printed == [pages[0].with_suffix(".pdf"), None, pages[2].with_suffix(".pdf")]
    assert len(starts) == 2  # restarted once, after the failure
    assert any("PDF skipped" in r.message for r in caplog.records)
    assert not list(tmp_path.glob(".*.partial"))


def test_with_several_gemeenten_the_run_prints_dutch_reports_and_every_summary(warehouse, tmp_path, monkeypatch):
    queued = []

    class Recording(browser.PdfPrinter):
        def add(self, html):
            queued.append(html.relative_to(tmp_path / PERIOD).as_posix())
    monkeypatch.setattr(browser, "PdfPrinter", Recording)
    with open_warehouse(warehouse, read_only=True) as con:
        render_board_reports(con, tmp_path, langs=("nl", "en"), pdf=True)
    assert sorted(queued) == ["GM0599/board_report.nl.html", f"{TWEESTAD}/board_report.nl.html",
                              "national_summary.en.html", "national_summary.nl.html"]


def test_the_dagster_step_writes_every_gemeente_and_points_at_the_summary(warehouse, tmp_path):
    import dagster as dg

    from assets.reports import board_report_assets
    from engine.home import DataHome
    from engine.resources import resources_for
    home = DataHome(tmp_path / "home").ensure()
    home.warehouse.write_bytes(warehouse.read_bytes())
    result = dg.materialize(board_report_assets, resources=resources_for(home),
                            instance=dg.DagsterInstance.ephemeral(),
                            run_config={"ops": {"board_reports": {"config": {"pdf": False}}}})
    assert result.success
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        lang = event.asset_key.path[-1][-2:]
        assert metadata["path"].value == str(home.reports / PERIOD / f"national_summary.{lang}.html")
        assert metadata["gemeenten_reported"].value == 2 and metadata["pdf"].value == "skipped"
    assert sorted(p.relative_to(home.reports / PERIOD).as_posix() for p in home.reports.rglob("*.html")) == [
        "GM0599/board_report.en.html", "GM0599/board_report.nl.html", f"{TWEESTAD}/board_report.en.html",
        f"{TWEESTAD}/board_report.nl.html", "national_summary.en.html", "national_summary.nl.html"]


@pytest.mark.parametrize("taken", [1, 3])
def test_a_broken_printer_never_stops_the_run(tmp_path, monkeypatch, taken):
    """The printer failing after some or all of the jobs: every PDF None, the run goes on."""
    import itertools
    import threading

    def broken(jobs, timeout_s, start_at_once=False):
        list(itertools.islice(jobs, taken)) if taken < 3 else list(jobs)
        raise RuntimeError("printer broke")
    monkeypatch.setattr(browser, "print_pdfs", broken)
    results = {}

    def run():
        with browser.PdfPrinter() as printer:
            for name in "abc":
                printer.add(tmp_path / f"{name}.html")
        results.update(printer.results())
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive() and len(results) == 3 and set(results.values()) == {None}


def test_the_printer_starts_chromium_before_its_first_report_comes(tmp_path, monkeypatch):
    """PdfPrinter starts Chromium as it is entered, while the caller still reads its data and
    writes its first report; that one session prints every report after it."""
    import threading
    started, printed = threading.Event(), []

    class Session:
        def print(self, html, timeout_s):
            printed.append(html.name)
            return b"%PDF " + html.read_bytes()

        def close(self):
            pass
    starts = []
    monkeypatch.setattr(browser, "find_chromium", lambda: "chromium")
    monkeypatch.setattr(browser, "_start_chromium", lambda *a: starts.append(a) or started.set() or Session())
    pages = [tmp_path / f"{name}.html" for name in "ab"]
    for path in pages:
        path.write_text(f"<p>{path.stem}</p>", encoding="utf-8")
    with browser.PdfPrinter() as printer:
        assert started.wait(10), "Chromium was not started before the first report came"
        for path in pages:
            printer.add(path)
    assert len(starts) == 1 and printed == ["a.html", "b.html"]
    assert printer.results() == {p: p.with_suffix(".pdf") for p in pages}


def test_a_pdf_is_printed_again_only_when_its_report_text_changed(warehouse, tmp_path, monkeypatch):
    """A run whose reports read as before (a correction that moves no published figure) keeps
    their PDFs; a report whose text changed, or whose PDF is gone, is printed again."""
    printed = []

    def printing(jobs, timeout_s, start_at_once=False):
        done = []
        for html, pdf in jobs:
            printed.append(html.relative_to(tmp_path / PERIOD).as_posix())
            pdf.write_bytes(b"%PDF of " + html.read_bytes()[:64])
            done.append(pdf)
        return done
    monkeypatch.setattr(browser, "print_pdfs", printing)

    def run() -> dict:
        printed.clear()
        with open_warehouse(warehouse, read_only=True) as con:
            return render_board_reports(con, tmp_path, langs=("nl", "en"), pdf=True)
    first = run()
    every = sorted(printed)
    assert len(every) == 4 and first["pdfs_kept"] == 0
    written = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.*")}
    made = re.search(r"Gemaakt op (\d{4}-\d\d-\d\d \d\d:\d\d UTC)", page(report_of(first, TWEESTAD))).group(1)

    class NextDay(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(days=1)
    monkeypatch.setattr(render, "datetime", NextDay)
    again = run()   # a day later: only the time it would say it was made differs
    assert printed == [] and again["pdfs_kept"] == 4
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.*")} == written, "nothing rewritten"
    assert f"Gemaakt op {made}" in page(report_of(again, TWEESTAD)), "it says when it was first made"
    assert all(r["pdf"] and r["pdf"].is_file() for r in again["reports"] if r["pdf_wanted"])
    assert all(s["pdf"].is_file() for s in again["summary"].values())

    changed = report_of(first, TWEESTAD)
    changed.write_text(page(changed).replace("Tweestad", "Tweestad (oud)"), encoding="utf-8")
    (tmp_path / PERIOD / "national_summary.en.pdf").unlink()
    third = run()
    assert sorted(printed) == [f"{TWEESTAD}/board_report.nl.html", "national_summary.en.html"]
    assert third["pdfs_kept"] == 2 and "(oud)" not in page(changed)
    assert f"Gemaakt op {made}" not in page(changed), "a report that changed says when it was made anew"
    assert "@@" not in page(changed) and render.GENERATED not in page(report_of(third, "GM0599"))
