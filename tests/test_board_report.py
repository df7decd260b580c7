"""The board report: sections, languages, suppression, escaping, self-containment, and the real
thing in headless Chromium (offline DOM, screenshot, console) and its PDF read back with pypdf."""
from __future__ import annotations

import json
import re
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg
import pytest
from pypdf import PdfReader

from engine.home import DataHome
from quality.intake import LEDGER_DDL
from engine.resources import resources_for
from engine.warehouse import open_warehouse
from reporting import browser
from reporting.board_report import (Fmt, Strings, check_period, latest_quarter, load_strings,
                                    render_board_report)
from sources.geography import load_rotterdam_buurten, to_arrow_table
from tests.conftest import REPO_ROOT

ARTEFACTS = REPO_ROOT / "tests" / "artefacts"
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
CITY = "GM0599"
CENTRUM, DELFSHAVEN = "WK059901", "WK059903"
OUDE_WESTEN, BOSPOLDER, SPANGEN, WITTE_DORP = "BU05990111", "BU05990321", "BU05990323", "BU05990328"
LEAKED_COST = 987654.32  # a suppressed cell that (wrongly) still carries numbers in the mart
PERIODS = ("2026-Q1", "2026-Q2", "2026-Q3")
DIMENSIONS = ("totaal", "wonen", "veiligheid", "sociaal", "zorg")


def _band(score: float) -> str:
    return ("ver_onder_gemiddeld" if score < 70 else "onder_gemiddeld" if score < 90
            else "gemiddeld" if score <= 110 else "boven_gemiddeld")


def build_warehouse(path: Path) -> Path:
    """A small warehouse with hand-made published marts: the real buurt geometry, two wijken with
    index scores, suppressed cells (one leaking numbers), hostile names, a refused delivery."""
    buurten = to_arrow_table(load_rotterdam_buurten())
    with open_warehouse(path) as con:
        con.execute("create table core.dim_buurt as select * from buurten")
        con.execute("update core.dim_buurt set buurtnaam = 'Spangen ' || ? where buurtcode = ?",
                    [EVIL, SPANGEN])
        codes = con.execute("select buurtcode, wijkcode from core.dim_buurt where wijkcode in (?, ?) "
                            "order by buurtcode", [CENTRUM, DELFSHAVEN]).fetchall()

        # published indicator values: every area published, except Witte Dorp (all suppressed)
        con.execute("""create table marts.indicator_values_published (
            indicator_id varchar, area_level varchar, area_code varchar, area_name varchar,
            period_type varchar, period varchar, numerator double, denominator double,
            value double, suppressed boolean)""")
        indicator_rows = []
        areas = [("gemeente", CITY), ("wijk", CENTRUM), ("wijk", DELFSHAVEN)] + [("buurt", b) for b, _ in codes]
        for period in PERIODS:
            for level, code in areas:
                for indicator, value in (("huurachterstand_pct", 5.5), ("incidenten_per_1000", 9.6)):
                    hidden = code == WITTE_DORP or (code == DELFSHAVEN and indicator == "incidenten_per_1000")
                    indicator_rows.append((indicator, level, code, None, "quarter", period,
                                           None if hidden else 55.0, None if hidden else 1000.0,
                                           None if hidden else value, hidden))
        con.executemany("insert into marts.indicator_values_published values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        indicator_rows)

        # the index (its own standardisation lives in the indicators engineer's SQL)
        con.execute("""create table marts.liveability_index (
            area_level varchar, area_code varchar, area_name varchar, period_type varchar,
            period varchar, dimension varchar, score double, band varchar,
            change_previous double, change_base double, base_period varchar)""")
        index_rows = []
        scores = {CITY: 100.0, CENTRUM: 120.0, DELFSHAVEN: 85.0}
        for n, (buurt, wijk) in enumerate(codes):
            scores[buurt] = 60.0 + 9 * n
        for p, period in enumerate(PERIODS):
            for level, code in areas:
                for d, dimension in enumerate(DIMENSIONS):
                    score = scores[code] + 4 * p * (1 if code != OUDE_WESTEN else -2) + d
                    change = None if p == 0 else 4.0 * (1 if code != OUDE_WESTEN else -2)
                    index_rows.append((level, code, None, "quarter", period, dimension, score,
                                       _band(score), change, 0.0 if p == 0 else change, "2026-Q1"))
        con.executemany("insert into marts.liveability_index values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        index_rows)

        # programmes: one suppressed cell leaks a cost; one cohort is too early for 24 months
        con.execute("""create table marts.cost_per_outcome (
            programme varchar, programme_role varchar, cohort varchar, area_level varchar,
            area_code varchar, outcome_id varchar, outcome_nl varchar, outcome_en varchar,
            window_months integer, n_persons bigint, n_outcomes bigint, n_censored bigint,
            n_excluded bigint, outcome_rate double, total_cost_eur double,
            cost_per_outcome_eur double, suppressed boolean)""")
        cost_rows = []
        for programme, role in (("housing_first", "programme"), ("regulier", "comparison")):
            for cohort in ("2024-Q4", "2025-Q1"):
                for months, rate in ((3, .95), (6, .9), (12, .85), (18, .8), (24, .75)):
                    oid = f"tenancy_sustained_{months}m"
                    suppressed = programme == "housing_first" and cohort == "2025-Q1" and months == 6
                    too_early = cohort == "2025-Q1" and months == 24
                    persons = 0 if too_early else 40
                    achieved = round(persons * rate)
                    cost = 12345.0 * months / 12
                    cost_rows.append((programme, role, cohort, "totaal", "totaal", oid, None, None, months,
                                      persons, achieved, 40 if too_early else 0, 0,
                                      None if too_early else rate, cost * achieved,
                                      LEAKED_COST if suppressed else (None if too_early else cost),
                                      suppressed))
        con.executemany("insert into marts.cost_per_outcome values "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cost_rows)
        con.execute("""create table marts.rate_card_comparison as select
            'housing_first' as programme, 'programme' as programme_role, '2024-Q4' as cohort,
            'totaal' as area_level, 'totaal' as area_code, 'tenancy_sustained_12m' as outcome_id,
            2500.0 as price_eur, 5500.0 as cumulative_price_eur, 12345.0 as cost_per_outcome_eur,
            6845.0 as cost_above_cumulative_price_eur, 'illustrative' as rate_card_status,
            false as suppressed""")
        con.execute("""create table marts.cost_per_tenancy_month as select
            'housing_first' as programme, '2024-Q4' as cohort, 'totaal' as area_level,
            'totaal' as area_code, 480 as tenancy_months, 1234.5 as cost_per_tenancy_month_eur,
            false as suppressed""")
        con.execute("""create table marts.social_return as
            select 'housing_first' as programme, '2024-Q4' as cohort, 'totaal' as outcome_id,
                   'to_confirm' as unit_cost_status, 250000.0 as programme_cost_eur,
                   600000.0 as avoided_mid_eur, 0.9 as return_low, 2.4 as return_mid,
                   3.5 as return_high, false as suppressed
            union all
            select 'housing_first', '2025-Q1', 'totaal', 'to_confirm', null, null, null, null, null, true""")

        # deliveries: accepted, one refused with a hostile reason, one from an unknown partner
        con.execute(LEDGER_DDL)
        ledger = [("havensteder", "huurcontracten", m, "accepted", []) for m in ("2026-07", "2026-08", "2026-09")]
        ledger.append(("woonstad", "huurachterstand", "2026-08", "refused",
                       [{"code": "privacy", "nl": f"Persoonsgegevens gevonden {EVIL}",
                         "en": f"Personal data found {EVIL}"}]))
        ledger.append((EVIL, "huurcontracten", "2026-09", "refused",
                       [{"code": "unknown_partner", "nl": "Onbekende partner", "en": "Unknown partner"}]))
        for partner, dataset, period, decision, reasons in ledger:
            con.execute("""insert into raw.load_ledger (file_name, sha256, partner, dataset, period,
                               decision, reasons, decided_at)
                           values (?, ?, ?, ?, ?, ?, ?, ?)""",
                        [f"{partner}__{dataset}__{period}.csv", "0" * 64, partner, dataset, period,
                         decision, json.dumps(reasons), datetime(2026, 10, 5, tzinfo=timezone.utc)])
        con.execute("""create table marts.delivery_status as select
            'politie' as partner, 'incidenten' as dataset, '2026-09' as expected_period,
            '2026-08' as latest_period, date '2026-10-10' as due_date, true as overdue,
            12 as days_overdue""")
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("board") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def rendered(warehouse, tmp_path_factory) -> dict:
    """nl and en, HTML only (the Chromium tests render their own PDF)."""
    out = tmp_path_factory.mktemp("reports")
    with open_warehouse(warehouse, read_only=True) as con:
        return {lang: render_board_report(con, out, lang=lang, pdf=False) for lang in ("nl", "en")}


def html(rendered, lang="nl") -> str:
    return rendered[lang]["html"].read_text(encoding="utf-8")


# --- content ------------------------------------------------------------------------------------

def test_latest_quarter_and_output_paths(warehouse, rendered):
    with open_warehouse(warehouse, read_only=True) as con:
        assert latest_quarter(con) == "2026-Q3"
    for lang in ("nl", "en"):
        result = rendered[lang]
        assert result["period"] == "2026-Q3" and result["pdf"] is None
        assert result["html"].name == f"board_report.{lang}.html"
        assert result["html"].parent.name == "2026-Q3" and result["seconds"] > 0


def test_every_section_in_dutch(rendered):
    page = html(rendered, "nl")
    assert '<html lang="nl">' in page
    for section in ("samenvatting", "kaarten", "profielen", "programmas", "levering", "werkwijze", "bijlage"):
        assert f'id="{section}"' in page, section
    for label in ("Samenvatting", "Kaarten: leefbaarheid per buurt", "Wijk- en buurtprofielen",
                  "Programma&#39;s: resultaat en kosten", "Gegevenslevering", "Werkwijze en bronnen",
                  "3e kwartaal 2026", "Grootste verbeteringen", "Grootste achteruitgang",
                  "Leefbaarometer 2024", "Maatschappelijk rendement"):
        assert label in page, label
    # the standardisation is ours, and says so; disclosure control and attribution are stated
    assert "niet de officiële Wijkprofiel-berekening" in page
    assert "Geen cel telt minder dan 10 personen" in page and "afgerond op 5" in page
    assert "Bron: CBS (CC BY 4.0); Leefbaarometer, Ministerie van BZK" in page
    # Dutch numbers: thousands with a dot, decimals with a comma
    assert "€\u00a012.345" in page and "+4,0" in page


def test_every_section_in_english(rendered):
    page = html(rendered, "en")
    assert '<html lang="en">' in page
    for label in ("Summary", "Maps: liveability by neighbourhood", "District and neighbourhood profiles",
                  "Programmes: results and costs", "Data delivery", "Method and sources", "Q3 2026",
                  "Largest improvements", "not the official Wijkprofiel calculation"):
        assert label in page, label
    for dutch in ("Samenvatting", "Gegevenslevering", "Grootste verbeteringen"):
        assert dutch not in page, dutch
    assert "€12,345" in page
    # names and definitions from the catalogues in English
    # the outcome is named for what it now measures (issue 16): housed, same home or moved on
    assert "Housed after 12 months" in page and "Rent arrears" in page


def test_every_label_exists_in_both_languages():
    strings = load_strings()
    assert all(set(texts) >= {"nl", "en"} and texts["nl"] and texts["en"] for texts in strings.values())
    used = set()
    for path in (REPO_ROOT / "reporting").rglob("*"):
        if path.suffix in (".py", ".j2"):
            used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']\s*[,)]""", path.read_text()))
    assert used and used <= set(strings), used - set(strings)


def test_map_uses_the_real_geometry_and_the_bands(rendered):
    page = html(rendered)
    assert page.count('data-code="BU05990321"') == 5  # summary, maps page overall, three liveability themes (zorg is need, issue 15)
    assert page.count("<path d=") >= 5 * 91   # summary map and the maps of total and three themes
    for colour in ("#d7191c", "#fdae61", "#ffffbf", "#2c7bb6", "#d9d9d9"):
        assert colour in page
    assert 'role="img"' in page and "aria-label=" in page and "<figcaption" in page


def test_suppressed_cells_never_show_a_number(rendered):
    for lang in ("nl", "en"):
        page = html(rendered, lang)
        # the suppressed programme cell leaked a cost into the mart: the report drops it
        assert "987" not in page
        # Witte Dorp has no published indicator: its index scores exist but are never shown
        row = re.search(r"<th scope=\"row\">Witte Dorp</th>(.*?)</tr>", page, re.S).group(1)
        # the total and the three liveability themes (zorg is need, not a theme: issue 15)
        assert row.count('class="supp"') == 4 and "chip" not in row
        witte_dorp = re.search(r'data-code="BU05990328"><title>(.*?)</title>', page).group(1)
        assert witte_dorp.endswith({"nl": "onderdrukt", "en": "suppressed"}[lang])
        # the suppressed wijk indicator value shows the mark, not a number
        delfshaven = page[page.index("Indicatoren — Delfshaven" if lang == "nl" else "Indicators — Delfshaven"):]
        incidents = re.search(r"(Incidenten|Incidents) <span.*?</th>(.*?)</tr>", delfshaven, re.S).group(2)
        assert 'class="supp"' in incidents and "9,6" not in incidents.split("</td>")[0]


def test_changes_and_movers(rendered):
    page = html(rendered)
    summary = page[page.index('id="samenvatting"'):page.index('id="kaarten"')]
    improved = summary[summary.index("Grootste verbeteringen"):summary.index("Grootste achteruitgang")]
    declined = summary[summary.index("Grootste achteruitgang"):]
    assert "Oude Westen" in declined and "Oude Westen" not in improved
    assert "Witte Dorp" not in improved + declined  # suppressed buurten are never movers
    assert "▲" in improved and "▼" in declined


def test_hostile_names_and_reasons_are_text(rendered):
    for lang in ("nl", "en"):
        page = html(rendered, lang)
        assert "<script" not in page.lower()
        assert "Spangen " + ESCAPED in page  # buurt name in tables and map titles
        assert page.count(ESCAPED) >= 4  # buurt name, partner name, refusal reason
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
    page = html(rendered)
    delivery = page[page.index('id="levering"'):page.index('id="werkwijze"')]
    assert "Havensteder (woningcorporatie)" in delivery and "huurcontracten" in delivery
    assert delivery.count('class="dec-accepted"') == 3 and delivery.count('class="dec-refused"') == 1
    assert "Geweigerde bestanden en waarom" in delivery and "Persoonsgegevens gevonden" in delivery
    assert "Politie eenheid Rotterdam" in delivery and "incidenten" in delivery  # overdue
    # nothing but decisions and reasons: no file contents, no hashes
    assert "0" * 64 not in page


def test_programmes_section(rendered):
    page = html(rendered)
    programmes = page[page.index('id="programmas"'):page.index('id="levering"')]
    assert "Housing First" in programmes and "Regulier (vergelijking)" in programmes
    assert programmes.count('class="chart line-chart"') == 2
    assert "te vroeg" in programmes and 'class="supp"' in programmes
    assert "0,90 – 3,50" in page  # social return low-high on the summary page
    assert "Illustratieve prijzen" in programmes and 'class="chart range-chart"' in programmes


def test_a_provisional_cohort_is_never_set_beside_a_complete_one():
    """Issue 16: a cohort still under observation shows no rate or cost, and the net social
    return of a provisional cohort is not on the board."""
    import duckdb

    from reporting.board_report import programmes_section
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("""create table marts.cost_per_outcome as select * from (values
        ('housing_first', 'programme', '2024-Q4..2025-Q3', 'totaal', 'tenancy_sustained_12m', 34, 29,
         0, 0.853, 21071.46, false, false),
        ('housing_first', 'programme', '2025-Q4..2026-Q3', 'totaal', 'tenancy_sustained_12m', 12, 11,
         30, 0.917, 9000.0, true, false))
        as t(programme, programme_role, cohort, area_level, outcome_id, n_persons, n_outcomes,
             n_censored, outcome_rate, cost_per_outcome_eur, provisional, suppressed)""")
    con.execute("""create table marts.social_return as select * from (values
        ('housing_first', '2024-Q4..2025-Q3', 'tenancy_sustained_12m', 'cited', 611072.2, 282000.0,
         0.324, 0.461, 0.539, false, false),
        ('housing_first', '2025-Q4..2026-Q3', 'tenancy_sustained_12m', 'cited', 100000.0, 90000.0,
         0.8, 0.9, 1.0, true, false))
        as t(programme, cohort, outcome_id, unit_cost_status, programme_cost_eur, avoided_net_mid,
             return_low, return_mid, return_high, provisional, suppressed)""")
    section = programmes_section(con, [], Strings("en"), Fmt("en"))
    glance = section["glance"][0]
    assert glance["cohort_12m"] == "2024-Q4..2025-Q3", "the newest complete cohort, not the provisional one"
    table = section["programmes"][0]
    assert table["cohorts"] == ["2024-Q4..2025-Q3"], "no column for the provisional cohort"
    assert [r["cohort"] for r in section["social"]["rows"] if r["shown"]] == ["2024-Q4..2025-Q3"]


def test_period_is_checked_and_formats():
    for bad in ("../etc", "2026-Q5", "2026-07", "", "2026-Q3/x"):
        with pytest.raises(ValueError):
            check_period(bad)
    assert check_period("2026-Q3") == "2026-Q3" and check_period("2026") == "2026"
    nl, en = Fmt("nl"), Fmt("en")
    assert nl.number(1234.5, 1) == "1.234,5" and en.number(1234.5, 1) == "1,234.5"
    assert nl.signed(-2.25, 1) == "\u22122,2" or nl.signed(-2.25, 1) == "\u22122,3"
    assert nl.signed(0.0) == "±0,0" and en.pct(0.914) == "91%" and nl.eur(None) == "–"
    assert Strings("en")("period_quarter", n=3, year=2026) == "Q3 2026"


def test_an_empty_warehouse_still_renders(tmp_path):
    """Only the geography (a fresh pipeline on a tiny delivery): every section says so, no error."""
    buurten = to_arrow_table(load_rotterdam_buurten())
    with open_warehouse(tmp_path / "w.duckdb") as con:
        con.execute("create table core.dim_buurt as select * from buurten")
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
    assert not list(tmp_path.rglob("*.pdf"))
    assert any("PDF skipped" in r.message for r in caplog.records)


def test_dagster_assets_write_both_languages(warehouse, tmp_path):
    from assets.reports import board_report_assets
    home = DataHome(tmp_path / "home").ensure()
    home.warehouse.write_bytes(warehouse.read_bytes())
    result = dg.materialize(board_report_assets, resources=resources_for(home),
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        assert metadata["period"].value == "2026-Q3"
        assert Path(metadata["path"].value).is_file() and metadata["html_bytes"].value > 10_000
    assert {p.name for p in (home.reports / "2026-Q3").iterdir()} >= {
        "board_report.nl.html", "board_report.en.html"}


# --- the real browser ---------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(browser.find_chromium() is None,
                                    reason="Chromium is not installed (`make browser` installs it)")


@pytest.fixture(scope="module")
def with_pdf(warehouse, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("pdf")
    with open_warehouse(warehouse, read_only=True) as con:
        return {lang: render_board_report(con, out, lang=lang, pdf=True) for lang in ("nl", "en")}


@needs_chromium
def test_pdf_has_the_report(with_pdf):
    for lang, title in (("nl", "Wijkrapport WijkWijzer"), ("en", "WijkWijzer neighbourhood report")):
        pdf = with_pdf[lang]["pdf"]
        assert pdf is not None and pdf.name == f"board_report.{lang}.pdf" and pdf.stat().st_size > 20_000
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 3
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        assert title in text and "Oude Westen" in text and "Bospolder" in text
        assert "987" not in text
        # the hostile name is printed as text, not run (table cells may wrap it)
        assert "Spangen" + EVIL in re.sub(r"\s+", "", text)


@needs_chromium
def test_html_renders_offline_in_chromium_without_errors(with_pdf):
    page = with_pdf["nl"]["html"]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTEFACTS / "board_report.png"
    screenshot.unlink(missing_ok=True)
    shot = browser.run_chromium(["--enable-logging=stderr", "--v=0", "--window-size=1280,2200",
                                 f"--screenshot={screenshot}", page.resolve().as_uri()], timeout_s=120)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.is_file() and screenshot.stat().st_size > 50_000
    dom = browser.run_chromium(["--enable-logging=stderr", "--v=0", "--dump-dom",
                                page.resolve().as_uri()], timeout_s=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered_dom = dom.stdout
    # as many maps as the HTML source holds (five since zorg became the need panel): none lost in rendering
    maps = page.read_text(encoding="utf-8").count('data-code="BU05990321"')
    assert maps == 5 and rendered_dom.count('data-code="BU05990321"') == maps
    assert rendered_dom.count("<path d=") >= maps * 91
    assert "<polyline" in rendered_dom and 'class="chart line-chart"' in rendered_dom
    assert "<script" not in rendered_dom.lower()
    console = [line for line in (shot.stderr + dom.stderr).splitlines() if "CONSOLE" in line
               or "Uncaught" in line or "Refused to" in line]
    assert console == []


@needs_chromium
def test_chromium_flags_keep_it_offline():
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in browser.OFFLINE_FLAGS
    result = browser.run_chromium(["--version"], timeout_s=60)
    assert isinstance(result, subprocess.CompletedProcess)


def test_report_assets_run_after_every_mart_they_read():
    from pipelines.definitions import defs
    graph = defs.resolve_asset_graph()
    expected = {dg.AssetKey(k) for k in (
        ["marts", "indicator_values_published"], ["marts", "liveability_index"],
        ["marts", "cost_per_outcome"], ["marts", "cost_per_tenancy_month"],
        ["marts", "rate_card_comparison"], ["marts", "social_return"], ["marts", "delivery_status"],
        ["core", "dim_buurt"], ["raw", "load_ledger"])}
    for lang in ("nl", "en"):
        node = graph.get(dg.AssetKey(["reports", f"board_report_{lang}"]))
        assert expected <= set(node.parent_keys), expected - set(node.parent_keys)
        assert node.assets_def.op.pool == "warehouse"
