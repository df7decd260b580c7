"""The board report end to end on a warehouse built from the publication contract: sections,
languages, suppression, escaping, self-containment, the contract failing loudly, the Dagster
assets and the blocking check, and the real thing in headless Chromium at 1280 and 390 px
(offline, no console errors, no sideways overflow, sections and map labels, screenshots kept
under tests/artefacts/) and its PDF read back with pypdf."""
from __future__ import annotations

import re
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from pypdf import PdfReader

from engine.home import DataHome
from engine.resources import resources_for
from engine.warehouse import open_warehouse
from quality.publication import ContractBroken
from reporting import browser
from reporting.board import check_period, latest_quarter, render_board_report, render_board_reports
from reporting.board.text import Fmt, Strings, load_strings
from sources.geography import load_rotterdam_buurten, to_arrow_table
from tests.board_warehouse import ESCAPED, EVIL, build_warehouse, create_declared
from tests.conftest import REPO_ROOT

ARTEFACTS = REPO_ROOT / "tests" / "artefacts"
SECTIONS = ("samenvatting", "kaarten", "mix", "profielen", "programmas", "levering", "werkwijze")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("board") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def rendered(warehouse, tmp_path_factory) -> dict:
    """nl with its PDF (when Chromium is there), en HTML only."""
    out = tmp_path_factory.mktemp("reports")
    with open_warehouse(warehouse, read_only=True) as con:
        return {lang: render_board_report(con, out, lang=lang, pdf=lang == "nl") for lang in ("nl", "en")}


def html(rendered, lang="nl") -> str:
    return rendered[lang]["html"].read_text(encoding="utf-8")


def section(page: str, name: str) -> str:
    start = page.index(f'id="{name}"')
    following = [page.index(f'id="{s}"') for s in SECTIONS if page.index(f'id="{s}"') > start]
    return page[start:min(following, default=len(page))]


# --- content ------------------------------------------------------------------------------------

def test_latest_quarter_and_output_paths(warehouse, rendered):
    with open_warehouse(warehouse, read_only=True) as con:
        assert latest_quarter(con) == "2026-Q3"
    for lang in ("nl", "en"):
        result = rendered[lang]
        assert result["period"] == "2026-Q3"
        assert result["html"].name == f"board_report.{lang}.html" and result["html"].parent.name == "2026-Q3"


def test_every_section_in_dutch(rendered):
    page = html(rendered, "nl")
    assert '<html lang="nl">' in page
    for name in SECTIONS:
        assert f'id="{name}"' in page, name
    for label in ("Samenvatting", "Kaarten: leefbaarheid per buurt", "De mix: concentratie en plaatsingsruimte",
                  "Wijk- en buurtprofielen", "Gegevenslevering", "Werkwijze en bronnen", "3e kwartaal 2026",
                  "Aantoonbaar vooruit", "Aantoonbaar achteruit", "Wanneer is het opgelost?",
                  "Maatschappelijk rendement", "Wie betaalt en wie wint", "Waar staan mensen na 12 maanden?"):
        assert label in page, label
    assert "niet de officiële Wijkprofiel-berekening" in page
    assert "Geen cel telt minder dan 10 personen" in page and "afgerond op 5" in page
    assert "Bron: CBS (CC BY 4.0); Leefbaarometer, Ministerie van BZK" in page
    # a cost per outcome of 12,345 at two significant digits: its total is published coarsely
    assert "€\u00a012.000" in page and "€\u00a012.345" not in page


def test_every_section_in_english(rendered):
    page = html(rendered, "en")
    assert '<html lang="en">' in page
    for label in ("Summary", "The mix: concentration and room for placements", "Q3 2026",
                  "Improved beyond chance", "When is it solved?", "Who pays and who gains"):
        assert label in page, label
    for dutch in ("Samenvatting", "Gegevenslevering", "Aantoonbaar vooruit", "gehaald"):
        assert dutch not in page, dutch
    assert "€12,000" in page and "€12,345" not in page


def test_the_method_names_an_indicator_the_index_leaves_out(rendered):
    for lang, line in (("nl", "Niet in de index: Huisuitzettingen (wonen). Voor de basisperiode (2025)"),
                       ("en", "Not in the index: Evictions (housing). The base period (2025)")):
        method = section(html(rendered, lang), "werkwijze")
        assert line in method, lang
        assert "Huurachterstand (wonen)" not in method and "Rent arrears (housing)" not in method


def test_no_raw_field_names_or_sql(rendered):
    for lang in ("nl", "en"):
        text = re.sub(r"<[^>]+>", " ", html(rendered, lang))  # what a reader sees (no attributes)
        for raw in ("tenancy_sustained", "housing_first", "outcome_rate", "n_persons", "area_code",
                    "select ", " from marts"):
            assert raw not in text, (lang, raw)
        assert not re.search(r"\b(None|nan|NaN)\b", text), lang


def test_every_label_exists_in_both_languages():
    strings = load_strings()
    assert all(set(texts) >= {"nl", "en"} and texts["nl"] and texts["en"] for texts in strings.values())
    used = set()
    for path in (REPO_ROOT / "reporting").rglob("*"):
        if path.suffix in (".py", ".j2"):
            used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']\s*[,)]""", path.read_text()))
    assert used and used <= set(strings), used - set(strings)


def test_map_carries_buurt_names_as_text_and_tells_no_homes_from_suppressed(rendered):
    page = html(rendered)
    maps = section(page, "kaarten")
    # each buurt's number is text on the map and in the key beside its name
    assert maps.count('class="map-label"') >= 2 * 91
    number = re.search(r'data-for="BU05990321">(\d+)</text>', maps).group(1)
    assert f"<b>{number}</b>&nbsp;Bospolder" in maps
    assert "(vrijwel) geen woningen" in maps and "onderdrukt (te weinig personen)" in maps
    harbour = re.search(r'data-code="BU05991971"[^>]*>', maps)  # Waalhaven: no homes
    if harbour:
        assert "#dcebf5" in page[harbour.start() - 200:harbour.start()]
    witte_dorp = re.search(r'fill="([^"]+)"[^>]*data-code="BU05990328"', maps).group(1)
    assert witte_dorp == "#9e9e9e"  # suppressed: dark grey, not the pale blue of no homes
    assert "Echte verandering van de totaalindex" in maps


def test_suppressed_cells_never_show_a_number(rendered):
    for lang in ("nl", "en"):
        page = html(rendered, lang)
        assert "987" not in page  # the suppressed programme cell leaked a cost into the mart
        row = re.search(r'<th scope="row">Witte Dorp</th>(.*?)</tr>', section(page, "profielen"), re.S).group(1)
        assert row.count('class="supp"') >= 4 and "chip" not in row
        # the hidden concentration of Spangen shows no share
        assert "Spangen" not in section(page, "mix").split("Buurten met een signaal" if lang == "nl" else "Neighbourhoods with a signal")[1].split("</table>")[0]


def test_only_significant_movers_with_intervals(rendered):
    summary = section(html(rendered), "samenvatting")
    improved = summary[summary.index("Aantoonbaar vooruit"):summary.index("Aantoonbaar achteruit")]
    declined = summary[summary.index("Aantoonbaar achteruit"):summary.index("Wanneer is het opgelost?")]
    assert "Bospolder" in improved and "Oude Westen" in declined
    assert "Witte Dorp" not in improved + declined  # significant, but its figures are suppressed
    assert "Spangen" not in improved + declined     # changed, but within the noise
    assert 'class="ci"' in improved and "▲" in improved and "▼" in declined


def test_programmes_pooled_with_n_interval_and_provisional_marks(rendered):
    page = html(rendered)
    summary = section(page, "samenvatting")
    assert "n=40" in summary and "75%–90%" in summary and "0,90–3,50" in summary
    assert "nieuwer cohort nog in beeld (voorlopig)" in summary
    programmes = section(page, "programmas")
    assert programmes.count('class="chart sustainment-chart"') == 2
    assert 'class="censor"' in programmes and "voorlopig" in programmes
    assert "Uitkeringen (apart)" in programmes and "Woningcorporatie" in programmes
    assert "Illustratieve prijzen" in programmes and 'class="chart range-chart"' in programmes


def test_a_target_line_carries_its_measured_interval(rendered):
    summary = section(html(rendered), "samenvatting")
    targets = summary[summary.index("Wanneer is het opgelost?"):]
    line = targets[targets.index("Housing First - na 12 maanden"):]
    line = line[:line.index("</tr>")]
    assert '85%<span class="ci">78%–90%</span>' in line and "≥ 73%" in line
    assert "gehaald" in line and "nog niet zeker" not in line   # 78% is past the goal too


def test_the_mix_section(rendered):
    mix = section(html(rendered), "mix")
    assert "Bospolder" in mix and "20%" in mix and "signaal" in mix
    assert "Delfshaven" in mix and "150" in mix          # room per wijk
    assert "Voorbeeld: zo zou een plan" in mix and 'class="map-label"' in mix


def test_hostile_names_and_reasons_are_text(rendered):
    for lang in ("nl", "en"):
        page = html(rendered, lang)
        assert "<script" not in page.lower()
        assert "Spangen " + ESCAPED in page
        reason = {"nl": "Persoonsgegevens gevonden ", "en": "Personal data found "}[lang]
        assert reason + ESCAPED in page


def test_self_contained_no_network(rendered):
    for lang in ("nl", "en"):
        page = html(rendered, lang)
        assert "Content-Security-Policy" in page and "default-src 'none'" in page
        assert not re.search(r"""\b(src|href|xlink:href)\s*=\s*["']?(https?:)?//""", page, re.I)
        assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
        assert "<link" not in page and "@import" not in page and "url(" not in page
        assert "<img" not in page and "<script" not in page and "<iframe" not in page


def test_delivery_section(rendered):
    delivery = section(html(rendered), "levering")
    assert "Havensteder (woningcorporatie)" in delivery
    assert delivery.count('class="dec-accepted"') == 3 and delivery.count('class="dec-refused"') == 1
    assert "Persoonsgegevens gevonden" in delivery and "Politie eenheid Rotterdam" in delivery
    assert "0" * 64 not in delivery


def test_a_renamed_column_fails_loudly(warehouse, tmp_path):
    """A mart that lost a declared column stops the report; nothing prints a blank instead."""
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    with open_warehouse(copy) as con:
        con.execute("alter table marts.cost_per_outcome rename column outcome_rate to rate")
    with open_warehouse(copy, read_only=True) as con, pytest.raises(ContractBroken, match="outcome_rate"):
        render_board_report(con, tmp_path / "reports", pdf=False)
    assert not list(tmp_path.rglob("*.html"))  # nothing written


def test_period_is_checked_and_formats():
    for bad in ("../etc", "2026-Q5", "2026-07", "", "2026-Q3/x"):
        with pytest.raises(ValueError):
            check_period(bad)
    nl, en = Fmt("nl"), Fmt("en")
    assert nl.number(1234.5, 1) == "1.234,5" and en.number(1234.5, 1) == "1,234.5"
    assert nl.signed(0.0) == "±0,0" and en.pct(0.914) == "91%" and nl.eur(None) == "–"
    assert [en.eur_per_person(v) for v in (12727.3, 1364, 8636.4, 999.6, 94.4, 0.0, -2549, None)] == [
        "€13,000", "€1,400", "€8,600", "€1,000", "€94", "€0", "€−2,500", "–"]
    assert Strings("en")("period_quarter", n=3, year=2026) == "Q3 2026"
    assert nl.cohort("2024-Q4..2025-Q3", Strings("nl")) == "4e kwartaal 2024 – 3e kwartaal 2025"


def test_an_empty_warehouse_still_renders(tmp_path):
    """The declared tables empty (a fresh pipeline): every section says so, no error."""
    from quality.intake import LEDGER_DDL
    from quality.publication import boundary
    buurten = to_arrow_table(load_rotterdam_buurten())
    with open_warehouse(tmp_path / "w.duckdb") as con:
        con.execute("create table core.dim_buurt as select * from buurten")
        con.execute(LEDGER_DDL)
        for table, spec in boundary().items():
            if spec.report and table not in ("core.dim_buurt", "raw.load_ledger"):
                create_declared(con, table)
    with open_warehouse(tmp_path / "w.duckdb", read_only=True) as con:
        assert latest_quarter(con, today=date(2026, 11, 24)) == "2026-Q3"
        result = render_board_report(con, tmp_path / "reports", period="2026-Q3", pdf=False)
    page = result["html"].read_text()
    assert "Nog geen programmacijfers." in page and 'data-code="BU05990321"' in page
    assert "Nog geen indexcijfers voor deze periode." in page


def test_pdf_is_skipped_with_a_warning_without_chromium(warehouse, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(browser, "CANDIDATES", ())
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    with open_warehouse(warehouse, read_only=True) as con:
        result = render_board_report(con, tmp_path, lang="en", pdf=True)
    assert result["pdf"] is None and result["html"].is_file()
    assert any("PDF skipped" in r.message for r in caplog.records)


def test_pdfs_come_from_the_headless_shell_unless_a_chromium_is_named(tmp_path, monkeypatch):
    def executable(name):
        path = tmp_path / name
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return str(path)
    shell, full, named = executable("chromium-headless-shell"), executable("chromium"), executable("mine")
    monkeypatch.delenv(browser.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(browser, "PRINTER_CANDIDATES", (shell,))
    monkeypatch.setattr(browser, "CANDIDATES", (full,))
    assert browser.find_printer() == shell and browser.find_chromium() == full   # probes: the browser
    monkeypatch.setenv(browser.CHROMIUM_ENV, named)
    assert browser.find_printer() == named == browser.find_chromium()
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(tmp_path / "typo"))   # no other browser instead
    assert browser.find_printer() is None and browser.find_chromium() is None
    monkeypatch.delenv(browser.CHROMIUM_ENV)
    monkeypatch.setattr(browser, "PRINTER_CANDIDATES", (str(tmp_path / "not-installed"),))
    assert browser.find_printer() == full


def test_a_run_prints_the_dutch_pdf_and_the_english_one_on_request(warehouse, tmp_path, monkeypatch):
    queued = []

    class Recording(browser.PdfPrinter):
        def add(self, html):
            queued.append(html.name)
    monkeypatch.setattr(browser, "PdfPrinter", Recording)
    with open_warehouse(warehouse, read_only=True) as con:
        run = render_board_reports(con, tmp_path, langs=("nl", "en"), pdf=True)
        assert queued == ["board_report.nl.html"]
        assert {r["lang"]: r["pdf_wanted"] for r in run["reports"]} == {"nl": True, "en": False}
        queued.clear()
        render_board_report(con, tmp_path, lang="en", pdf=True)   # asked for: printed
    assert queued == ["board_report.en.html"]


def test_dagster_assets_and_the_blocking_contract_check(warehouse, tmp_path, monkeypatch):
    from assets.reports import board_report_assets, contract_checks
    monkeypatch.setattr(browser, "find_printer", lambda: None)  # the PDF is tested above; keep this fast
    home = DataHome(tmp_path / "home").ensure()
    home.warehouse.write_bytes(warehouse.read_bytes())
    result = dg.materialize(board_report_assets, resources=resources_for(home),
                            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success
    for event in result.get_asset_materialization_events():
        assert event.materialization.metadata["period"].value == "2026-Q3"
    pdfs = {e.asset_key.path[-1]: e.materialization.metadata["pdf"].value
            for e in result.get_asset_materialization_events()}
    assert pdfs == {"board_report_nl": "skipped",   # no Chromium here
                    "board_report_en": "on request: wijkwijzer report --lang en"}
    check = next(c for c in contract_checks if dg.AssetKey(["marts", "cost_per_outcome"]) in
                 {k.asset_key for k in c.check_keys})
    assert all(spec.blocking for spec in check.check_specs)
    with open_warehouse(home.warehouse) as con:
        con.execute("alter table marts.cost_per_outcome alter column n_persons type varchar")
    outcome = dg.materialize([check], resources=resources_for(home), instance=dg.DagsterInstance.ephemeral(),
                             selection=dg.AssetSelection.checks(*check.check_keys), raise_on_error=False)
    evaluation = outcome.get_asset_check_evaluations()[0]
    assert not evaluation.passed and "n_persons" in str(evaluation.metadata["problems"].value)


def test_report_assets_run_after_every_table_they_may_read():
    from pipelines.definitions import defs
    from quality.publication import boundary
    graph = defs.resolve_asset_graph()
    readable = {dg.AssetKey(name.split(".")) for name, t in boundary().items() if t.report}
    for lang in ("nl", "en"):
        node = graph.get(dg.AssetKey(["reports", f"board_report_{lang}"]))
        defined = {k for k in readable if graph.has(k)}
        assert defined and defined <= set(node.parent_keys), defined - set(node.parent_keys)
        assert node.assets_def.op.pool == "warehouse"


# --- the real browser ---------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(browser.find_chromium() is None,
                                    reason="Chromium is not installed (`make browser` installs it)")
def chromium_render(page: Path, width: int, name: str) -> tuple[subprocess.CompletedProcess, Path]:
    """A screenshot at `width` and the rendered DOM; the screenshot is kept as a test artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot_path = ARTEFACTS / f"{name}_{width}.png"
    shot_path.unlink(missing_ok=True)
    shot = browser.run_chromium(["--enable-logging=stderr", "--v=0", f"--window-size={width},2400",
                                 f"--screenshot={shot_path}", page.resolve().as_uri()], timeout_s=120)
    return shot, shot_path


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_chromium_renders_offline_without_errors_or_overflow(rendered, width):
    page = rendered["nl"]["html"]
    shot, shot_path = chromium_render(page, width, "board_report")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert shot_path.is_file() and shot_path.stat().st_size > 30_000
    layout = browser.measure(page, width)
    assert layout["scroll_width"] <= width, (layout["scroll_width"], layout["wider"])  # no sideways scrolling
    for name in SECTIONS:
        assert name in layout["sections"], name
    assert layout["map_labels"] >= 91 and "Bospolder" in layout["text"]
    console = [line for line in shot.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
               or "Refused to" in line]
    assert console == []


@needs_chromium
def test_pdf_has_pages_and_the_report(rendered):
    pdf = rendered["nl"]["pdf"]
    assert pdf is not None and pdf.name == "board_report.nl.pdf" and pdf.stat().st_size > 20_000
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 6
    first, second = (reader.pages[i].extract_text() for i in (0, 1))
    assert "Wat ontbreekt in deze cijfers" in first and "Kaarten" in second  # page one is one page
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "Wijkrapport WijkWijzer" in text and "Bospolder" in text and "De mix" in text
    assert "987" not in text and "select " not in text
    assert "Spangen" + EVIL in re.sub(r"\s+", "", text)


@needs_chromium
def test_chromium_flags_keep_it_offline():
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in browser.OFFLINE_FLAGS


@needs_chromium
def test_the_printer_reaches_no_network_whatever_the_page_holds(tmp_path):
    """The report's CSP forbids every load, but not a navigation: a page without it, loading from a
    listener on loopback and from a host name and refreshing to them, makes no connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    page = tmp_path / "hostile.html"
    page.write_text(
        f'<!doctype html><meta http-equiv="refresh" content="0;url=http://127.0.0.1:{port}/refresh">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/css"><img src="http://127.0.0.1:{port}/img">'
        f'<img src="http://wijkwijzer-test.example/img"><script>fetch("http://127.0.0.1:{port}/fetch")</script>'
        "<p>hostile</p>", encoding="utf-8")
    connections = []
    browser.print_pdfs([(page, tmp_path / "hostile.pdf")], timeout_s=30)
    deadline = time.monotonic() + 2   # a refresh may fire after the print
    while time.monotonic() < deadline:
        try:
            connections.append(listener.accept()[0].recv(200))
        except TimeoutError:
            pass
    listener.close()
    assert connections == []


def test_a_browser_behind_a_wrapper_script_is_stopped_with_it(tmp_path):
    """Debian's chromium-headless-shell is a script that starts the browser as its child: a
    browser that never answers is stopped with its whole process group, not the script alone."""
    marker = f"{time.time_ns() % 10**6}.5"
    wrapper = tmp_path / "chromium-headless-shell"
    wrapper.write_text(f"#!/bin/sh\nsleep {marker} &\nsleep {marker}\n", encoding="utf-8")
    wrapper.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        browser.PdfSession(str(wrapper), timeout_s=1)
    assert time.monotonic() - started < 8   # its timeout and a short grace to close, not 10 s more
    time.sleep(0.3)
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True).stdout
    assert left == "", f"left running: {left}"


@needs_chromium
def test_a_page_that_asks_to_open_another_is_not_printed(tmp_path, caplog):
    """A meta refresh is a navigation, which no CSP governs: to a local file, the PDF could show
    that file instead of the report. Such a page is not printed (the next one is, by a fresh
    browser), and a PDF never shows the other page."""
    tmp_path = tmp_path / "rapporten (bestuur) é"   # a path Chromium may write back escaped otherwise
    tmp_path.mkdir()
    (tmp_path / "secret.html").write_text("<p>SECRET</p>", encoding="utf-8")
    pages = {"before": "<p>REPORT</p>", "refresh": '<meta http-equiv="refresh" content="0;url=secret.html"><p>REPORT</p>',
             "later": '<meta http-equiv="refresh" content="5;url=secret.html"><p>REPORT</p>', "after": "<p>REPORT</p>"}
    for name, body in pages.items():
        (tmp_path / f"{name}.html").write_text(f"<!doctype html>{body}", encoding="utf-8")
    printed = browser.print_pdfs([(tmp_path / f"{name}.html", tmp_path / f"{name}.pdf") for name in pages], timeout_s=30)
    assert [pdf is not None for pdf in printed] == [True, False, False, True]
    for pdf in filter(None, printed):
        assert "".join(page.extract_text() for page in PdfReader(pdf).pages).strip() == "REPORT"
    # refused before the print, as a rule; a navigation that comes during it fails the print
    skipped = [r.message for r in caplog.records if r.message.startswith("PDF skipped for")]
    assert [m.split("/")[-1].split(":")[0] for m in skipped] == ["refresh.html", "later.html"]
    assert any("asked to open another page" in m for m in skipped)
