"""The synthetic partner world: names, dialects, privacy, determinism, and truth.json checked
against an independent read of the written files (polars/DuckDB, honouring each dialect)."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pytest
from stdnum.nl import bsn

from sources.synthetic import generate

REFERENCE = Path(__file__).resolve().parents[1] / "sources" / "reference"
END = "2026-10"
MONTHS = 3
FILE_NAME = re.compile(r"^(?P<partner>[a-z0-9_]+?)__(?P<dataset>[a-z_]+)__"
                       r"(?P<period>\d{4}(-\d{2}(-\d{2})?)?)\.(?P<ext>csv|xlsx|parquet)$")
DOMAIN = {"verhuureenheden": "wonen", "huurcontracten": "wonen", "huurachterstand": "wonen",
          "overlastmeldingen": "wonen", "woonkosten": "wonen", "trajecten": "zorg",
          "zorgkosten": "zorg", "zrm_metingen": "zorg", "crisismomenten": "zorg",
          "voorzieningen": "welzijn", "welzijnskosten": "welzijn", "incidenten": "veiligheid",
          "bewonersenquete": "bewoners"}
FULL_HISTORY = ("huurcontracten", "trajecten", "voorzieningen")
# Allowed values as docs/partner-exports.md states them.
ALLOWED = {
    "woningtype": {"eengezins", "meergezins", "kamer", "overig"},
    "energielabel": {"A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G", "onbekend"},
    "status": {"verhuurd", "leegstand", "renovatie", "verkocht"},
    "einde_reden": {"verhuizing", "overlijden", "ontbinding", "huisuitzetting", "anders",
                    "doel_bereikt", "uitval", "overig"},
    "doelgroep": {"regulier", "housing_first", "uitstroom_bw", "uitstroom_mo", "skaeve_huse",
                  "statushouder", "overig_kwetsbaar"},
    "begeleidingsafspraak": {"ja", "nee"},
    "kostensoort": {"sociaal_beheer", "huurderving", "schadeherstel", "juridisch", "ontruiming"},
    "categorie": {"geluid", "vervuiling", "agressie", "verward_gedrag", "drugs", "woonfraude",
                  "overig"},
    "zorgvorm": {"beschermd_wonen", "housing_first_begeleiding", "ambulante_begeleiding", "fact",
                 "verslavingszorg"},
    "soort": {"crisisopname", "crisisdienst", "politie_inzet", "wmo_begeleiding", "dagbesteding",
              "schuldhulp", "bijstand", "wijkteam"},
    "incidentsoort": {"verward_persoon", "overlast_jeugd", "burenruzie", "woninginbraak",
                      "geweld", "vernieling", "drugsoverlast"},
    "vraag": {"veiligheidsgevoel", "tevredenheid_buurt", "sociale_cohesie", "overlast_ervaren"},
}
AMOUNTS = ("netto_huur", "achterstand_eur", "bedrag_eur")
DATES = ("startdatum", "einddatum", "meldingsdatum", "afgehandeld_op", "meetdatum", "datum")
ZRM = ("financien", "werk_opleiding", "tijdsbesteding", "huisvesting", "huiselijke_relaties",
       "geestelijke_gezondheid", "lichamelijke_gezondheid", "middelengebruik", "basale_adl",
       "instrumentele_adl", "sociaal_netwerk", "maatschappelijke_participatie", "justitie")


# --- an independent reader of the deliveries ----------------------------------------------------

def dialect_of(partner: str) -> str:
    if partner in ("havensteder", "woonstad") or partner.startswith("corporatie"):
        return "wonen"
    return partner.split("_")[0].rstrip("0123456789")


def parse_cents(text: pl.Expr, decimal: str) -> pl.Expr:
    """"1.234,56" (decimal comma, Excel thousands) or "1234.56" → integer cents."""
    if decimal == ",":
        text = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    parts = text.str.split(".")
    return (parts.list.get(0).cast(pl.Int64) * 100
            + parts.list.get(1, null_on_oob=True).fill_null("0").str.pad_end(2, "0")
            .cast(pl.Int64))


def read_delivery(path: Path) -> pl.DataFrame:
    """One file → typed frame: lower-case columns, dates as pl.Date, amounts as cents."""
    match = FILE_NAME.match(path.name)
    partner, dataset = match["partner"], match["dataset"]
    dialect = dialect_of(partner)
    if path.suffix == ".parquet":
        frame = duckdb.sql(f"select * from read_parquet('{path}')").pl()
        return frame.rename(str.lower)
    if path.suffix == ".xlsx":
        frame = pl.read_excel(path, sheet_name=dataset, infer_schema_length=0,
                              raise_if_empty=False)
        frame = frame.rename(str.lower).with_columns(
            [(pl.col(c).cast(pl.Float64) * 100).round().cast(pl.Int64) for c in AMOUNTS
             if c in frame.columns]
            + [pl.col(c).str.to_date("%Y-%m-%d") for c in DATES if c in frame.columns]
            + [pl.col(c).cast(pl.Float64).cast(pl.Int64) for c in ZRM if c in frame.columns])
        return frame
    raw = path.read_bytes()
    encoding, separator, decimal, date_format = {
        "wonen": ("cp1252", ";", ",", "%d-%m-%Y"),
        "gemeente": ("utf-8-sig", ",", ".", "%Y-%m-%d"),
        "bewonerspanel": ("utf-8", ";", ",", "%Y-%m-%d"),
    }[dialect]
    text = raw.decode(encoding)
    frame = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)
    frame = frame.rename(lambda c: c.strip().lower())
    casts = [parse_cents(pl.col(c), decimal).alias(c) for c in AMOUNTS if c in frame.columns]
    casts += [pl.col(c).str.to_date(date_format) for c in DATES if c in frame.columns]
    casts += [pl.col(c).cast(pl.Int64) for c in ("bouwjaar", "maanden_achterstand", "jaar",
                                                 "n_respondenten", "aantal")
              if c in frame.columns]
    if "score" in frame.columns:
        casts.append(pl.col("score").str.replace(decimal, ".", literal=True).cast(pl.Float64))
    return frame.with_columns(casts)


class Deliveries:
    """All files of one generated world, read once."""

    def __init__(self, out: Path):
        self.out = out
        self.truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
        self.files: dict[tuple[str, str, str], Path] = {}
        for path in sorted(out.glob("*/*__*__*.*")):
            match = FILE_NAME.match(path.name)
            assert match, path.name
            assert match["partner"] == path.parent.name
            self.files[(match["partner"], match["dataset"], match["period"])] = path
        self._cache: dict[Path, pl.DataFrame] = {}

    def frame(self, key) -> pl.DataFrame:
        path = self.files[key]
        if path not in self._cache:
            self._cache[path] = read_delivery(path)
        return self._cache[path]

    def of(self, dataset: str) -> list[tuple[str, str, pl.DataFrame]]:
        return [(p, period, self.frame((p, d, period)))
                for (p, d, period) in sorted(self.files) if d == dataset]

    def last(self, dataset: str) -> pl.DataFrame:
        """The newest full-history file of each partner, stacked."""
        newest = {}
        for p, d, period in self.files:
            if d == dataset and period > newest.get(p, ""):
                newest[p] = period
        return pl.concat([self.frame((p, dataset, period)) for p, period in newest.items()])


def generated(tmp_path_factory, name: str, **kwargs) -> Path:
    out = tmp_path_factory.mktemp(name)
    summary = generate(out=out, end_month=END, **kwargs)
    assert summary["files"] > 0 and summary["rows"] > 0 and summary["seconds"] >= 0
    return out


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Deliveries:
    return Deliveries(generated(tmp_path_factory, "city", scale="city", months=MONTHS, seed=7))


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Deliveries:
    return Deliveries(generated(tmp_path_factory, "national", scale="national", months=2,
                                seed=7, national_fraction=0.001))


def known_buurtcodes(world: Deliveries) -> set[str]:
    national_reference = world.out / "reference" / "buurten_national.csv"
    if national_reference.exists():
        return set(pl.read_csv(national_reference, columns=["bu_code"])["bu_code"])
    return set(pl.read_csv(REFERENCE / "kwb_2025_rotterdam_buurten.csv")["bu_code"])


# --- file names and periods -----------------------------------------------------------------------

def expected_files(partners: dict[str, str], months: list[str], years: list[str],
                   snapshot: str) -> set[tuple[str, str, str]]:
    expected = set()
    for partner, domain in partners.items():
        for dataset in [d for d, dom in DOMAIN.items() if dom == domain]:
            if dataset == "verhuureenheden":
                periods = [snapshot]
            elif dataset == "bewonersenquete":
                periods = years
            else:
                periods = months
            expected |= {(partner, dataset, p) for p in periods}
    return expected


def test_city_files_are_named_and_placed_as_partners_drop_them(city):
    partners = {"havensteder": "wonen", "woonstad": "wonen", "zorgaanbieder": "zorg",
                "gemeente": "welzijn", "politie": "veiligheid", "bewonerspanel": "bewoners"}
    months = ["2026-08", "2026-09", "2026-10"]
    assert set(city.files) == expected_files(partners, months, ["2026"], "2026-10-31")
    assert {p.name for p in city.out.iterdir()} == set(partners) | {"truth.json"}


def test_national_files_partner_list_and_reference(national):
    listing = json.loads((national.out / "partners_national.json").read_text())
    partners = {p["name"]: p["domain"] for p in listing["partners"]}
    assert sum(d == "wonen" for d in partners.values()) == 20
    assert sum(d == "zorg" for d in partners.values()) == 5
    assert all(name.startswith("gemeente_") for name, d in partners.items() if d == "welzijn")
    assert set(national.files) == expected_files(partners, ["2026-09", "2026-10"], ["2026"],
                                                 "2026-10-31")
    for p in listing["partners"]:
        assert p["datasets"] == [d for d, dom in DOMAIN.items() if dom == p["domain"]]
    reference = pl.read_csv(national.out / "reference" / "buurten_national.csv")
    assert reference.columns == ["bu_code", "bu_naam", "wk_code", "gm_code", "gm_naam",
                                 "inhabitants", "households", "geometry_wkt"]
    assert 14_000 <= reference.height <= 15_000
    assert 320 <= reference["gm_code"].n_unique() <= 360
    assert reference["bu_code"].str.contains(r"^BU[0-9]{4}[0-9A-Z]{4}$").all()
    assert reference["bu_code"].is_unique().all()
    assert reference["geometry_wkt"].str.contains(r"^(MULTI)?POLYGON \(").all()
    assert (reference["bu_code"].str.slice(2, 6) == reference["wk_code"].str.slice(2, 6)).all()
    rotterdam = reference.filter(pl.col("gm_code") == "GM0599")
    assert rotterdam.height == 87 and "Stadsdriehoek" in rotterdam["bu_naam"].to_list()
    assert 15e6 <= reference["inhabitants"].sum() <= 20e6


# --- dialects -----------------------------------------------------------------------------------

def test_housing_dialect_semicolon_cp1252_decimal_comma_dutch_dates(city):
    for partner, header in (("havensteder", "contract_id;persoon_pseudoniem;vhe_id"),
                            ("woonstad", "Contract_ID;Persoon_Pseudoniem;VHE_ID")):
        raw = city.files[(partner, "huurcontracten", "2026-10")].read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("cp1252")
        assert text.startswith(header)
        assert re.search(r";\d{2}-\d{2}-\d{4};", text)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
        units = city.files[(partner, "verhuureenheden", "2026-10-31")].read_text("cp1252")
        assert re.search(r";\d{3},\d{2};", units)  # netto_huur with a decimal comma
    costs = "".join(p.read_text("cp1252") for (partner, d, _), p in city.files.items()
                    if d in ("woonkosten", "huurachterstand"))
    assert re.search(r";\d{1,3}\.\d{3},\d{2}(\r?\n|;)", costs)  # Excel thousands separator


def test_care_provider_xlsx_has_a_sheet_named_after_the_dataset_and_iso_dates(city):
    for (partner, dataset, period), path in city.files.items():
        if partner != "zorgaanbieder":
            continue
        with zipfile.ZipFile(path) as xlsx:
            workbook = xlsx.read("xl/workbook.xml").decode()
        assert re.findall(r'<sheet name="([^"]+)"', workbook) == [dataset]
        frame = pl.read_excel(path, sheet_name=dataset, infer_schema_length=0,
                              raise_if_empty=False)
        for column in set(DATES) & set(frame.columns):
            assert frame[column].drop_nulls().str.contains(r"^\d{4}-\d{2}-\d{2}$").all()


def test_municipality_bom_comma_and_panel_semicolon_and_police_parquet(city):
    raw = city.files[("gemeente", "welzijnskosten", "2026-10")].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "voorziening_id,maand,bedrag_eur"
    assert re.search(r",\d+\.\d{2}\n", text) and not re.search(r"\d,\d{2}\n", text)
    voorzieningen = city.files[("gemeente", "voorzieningen", "2026-10")].read_text("utf-8-sig")
    assert re.search(r",\d{4}-\d{2}-\d{2},", voorzieningen)
    panel = city.files[("bewonerspanel", "bewonersenquete", "2026")].read_bytes()
    assert not panel.startswith(b"\xef\xbb\xbf")
    assert panel.decode("utf-8").startswith("buurtcode;jaar;vraag;n_respondenten;score")
    assert re.search(rb";\d{1,2},\d\n", panel)
    incidents = pl.read_parquet(city.files[("politie", "incidenten", "2026-10")])
    assert incidents.columns == ["buurtcode", "maand", "incidentsoort", "aantal"]
    assert (incidents["aantal"] > 0).all()


# --- values are valid per the spec --------------------------------------------------------------

@pytest.mark.parametrize("world_name", ["city", "national"])
def test_every_value_is_valid_except_the_one_planted_bad_row(world_name, request):
    world: Deliveries = request.getfixturevalue(world_name)
    known = known_buurtcodes(world)
    unknown_rows = []
    for (partner, dataset, period), path in world.files.items():
        frame = world.frame((partner, dataset, period))
        for column, allowed in ALLOWED.items():
            if column in frame.columns:
                assert set(frame[column].drop_nulls().unique()) <= allowed, (path.name, column)
        for column in AMOUNTS:
            if column in frame.columns:
                assert (frame[column] > 0).all(), (path.name, column)
        for column in set(ZRM) & set(frame.columns):
            assert frame[column].drop_nulls().is_between(1, 5).all()
        if "buurtcode" in frame.columns:
            bad = frame.filter(~pl.col("buurtcode").is_in(list(known)))
            unknown_rows += [(partner, dataset, period, row) for row in bad.iter_rows(named=True)]
        if "maand" in frame.columns:
            assert (frame["maand"] == period).all(), path.name
        if "jaar" in frame.columns:
            assert (frame["jaar"] == int(period)).all()
        if dataset in FULL_HISTORY:
            month_end = pl.date(int(period[:4]), int(period[5:7]), 1).dt.month_end()
            assert frame.filter(pl.col("startdatum") > month_end).is_empty()
            assert frame.filter(pl.col("einddatum") < pl.col("startdatum")).is_empty()
            assert frame.filter(pl.col("einddatum") > month_end).is_empty()
            if "einde_reden" in frame.columns:
                assert (frame["einddatum"].is_null() == frame["einde_reden"].is_null()).all()
        for column in ("meldingsdatum", "meetdatum", "datum"):
            if column in frame.columns:
                assert (frame[column].dt.strftime("%Y-%m") == period).all(), path.name
        if "afgehandeld_op" in frame.columns:
            handled = frame.drop_nulls("afgehandeld_op")
            assert (handled["afgehandeld_op"] >= handled["meldingsdatum"]).all()
            assert (handled["afgehandeld_op"].dt.strftime("%Y-%m") == period).all()
    planted = world.truth["planted_bad_rows"]
    assert len(planted) == 1 and len(unknown_rows) == 1
    partner, dataset, period, row = unknown_rows[0]
    assert (partner, dataset, period) == (planted[0]["partner"], planted[0]["dataset"],
                                          planted[0]["period"])
    assert row["melding_id"] == planted[0]["key"]["melding_id"]
    assert row["buurtcode"] == planted[0]["value"]


# --- privacy ------------------------------------------------------------------------------------

def file_text(path: Path) -> str:
    """Everything a file holds, as text: CSV as is, every XLSX part, Parquet values."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as xlsx:
            return "\n".join(xlsx.read(name).decode("utf-8", "replace")
                             for name in xlsx.namelist())
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        return frame.select(pl.all().cast(pl.String)).write_csv()
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize("world_name", ["city", "national"])
def test_no_bsn_like_value_anywhere(world_name, request):
    world: Deliveries = request.getfixturevalue(world_name)
    paths = [*world.files.values(), world.out / "truth.json"]
    paths += list(world.out.glob("*.json")) + list(world.out.glob("reference/*.csv"))
    for path in paths:
        for token in re.findall(r"[0-9A-Za-z]+", file_text(path)):
            if len(token) == 9 and token.isdigit():
                assert not bsn.is_valid(token), f"BSN-like {token} in {path.name}"


def test_pseudonyms_are_hmac_hex_and_the_same_person_across_partners(city):
    persons = defaultdict(set)
    for (partner, dataset, period), path in city.files.items():
        frame = city.frame((partner, dataset, period))
        if "persoon_pseudoniem" in frame.columns:
            assert frame["persoon_pseudoniem"].str.contains(r"^[0-9a-f]{64}$").all()
            persons[DOMAIN[dataset]] |= set(frame["persoon_pseudoniem"])
    contracts, trajecten = city.last("huurcontracten"), city.last("trajecten")
    # Housing First support only exists for Housing First tenants: the care provider's person
    # key must find them in the corporations' files.
    hf_support = set(trajecten.filter(pl.col("zorgvorm") == "housing_first_begeleiding")
                     ["persoon_pseudoniem"])
    hf_tenants = set(contracts.filter(pl.col("doelgroep") == "housing_first")
                     ["persoon_pseudoniem"])
    assert hf_support and hf_support <= hf_tenants
    assert len(persons["welzijn"] & persons["wonen"]) > 1000
    assert contracts["persoon_pseudoniem"].is_unique().all()


# --- determinism and full history ---------------------------------------------------------------

def digest_tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_national_world_of_fewer_gemeenten_is_a_part_of_the_whole(national, tmp_path):
    """The benchmark's smaller national world: Rotterdam and the first other gemeenten by code,
    with the very buurten they have in the whole country, and only the partners serving them."""
    generate(scale="national", months=1, seed=7, out=tmp_path, end_month=END,
             national_fraction=0.001, national_gemeenten=3)
    whole = pl.read_csv(national.out / "reference" / "buurten_national.csv", infer_schema=False)
    part = pl.read_csv(tmp_path / "reference" / "buurten_national.csv", infer_schema=False)
    others = sorted(set(whole["gm_code"]) - {"GM0599"})[:2]
    assert sorted(set(part["gm_code"])) == sorted(["GM0599", *others])
    assert part.sort("bu_code").equals(whole.filter(pl.col("gm_code").is_in(part["gm_code"].unique()))
                                       .sort("bu_code"))
    partners = {p["name"] for p in json.loads((tmp_path / "partners_national.json").read_text())["partners"]}
    assert {p.name for p in tmp_path.iterdir() if p.is_dir() and p.name != "reference"} == partners
    assert "gemeente_rotterdam" in partners and len(partners) < len(
        json.loads((national.out / "partners_national.json").read_text())["partners"])
    served = Deliveries(tmp_path)
    homes_in = {b for _, _, frame in served.of("verhuureenheden") for b in frame[next(
        c for c in frame.columns if c.lower() == "buurtcode")]}
    assert homes_in and homes_in <= set(part["bu_code"])
    with pytest.raises(ValueError, match="national_gemeenten"):
        generate(scale="national", months=1, seed=7, out=tmp_path / "none", national_gemeenten=0)


def test_same_seed_gives_byte_identical_files(city, tmp_path):
    again = tmp_path / "again"
    generate(scale="city", months=MONTHS, seed=7, out=again, end_month=END)
    assert digest_tree(again) == digest_tree(city.out)
    other = tmp_path / "other"
    generate(scale="city", months=1, seed=8, out=other, end_month=END)
    name = "havensteder/havensteder__huurcontracten__2026-10.csv"
    assert (other / name).read_bytes() != (city.out / name).read_bytes()


def test_national_generation_is_deterministic_too(national, tmp_path):
    generate(scale="national", months=2, seed=7, out=tmp_path, end_month=END,
             national_fraction=0.001)
    assert digest_tree(tmp_path) == digest_tree(national.out)


def test_full_history_files_grow_monotonically(city):
    keys = {"huurcontracten": "contract_id", "trajecten": "traject_id",
            "voorzieningen": "voorziening_id"}
    for dataset, key in keys.items():
        per_partner = defaultdict(list)
        for partner, period, frame in city.of(dataset):
            per_partner[partner].append(frame)
        for partner, frames in per_partner.items():
            for earlier, later in zip(frames, frames[1:]):
                assert later.height >= earlier.height
                joined = earlier.join(later, on=key, how="left", suffix="_later")
                assert joined["startdatum_later"].null_count() == 0  # nothing disappears
                ended = joined.drop_nulls("einddatum")
                assert (ended["einddatum"] == ended["einddatum_later"]).all()
                assert earlier["startdatum"].max() <= later["startdatum"].max()


# --- truth.json against an independent read -----------------------------------------------------

def check_truth(world: Deliveries) -> None:
    truth = world.truth
    # (d) rows per file, dataset and partner
    counts = truth["row_counts"]
    per_dataset, per_partner = defaultdict(int), defaultdict(int)
    for (partner, dataset, period), path in world.files.items():
        rows = world.frame((partner, dataset, period)).height
        assert counts["per_file"][f"{partner}/{path.name}"] == rows
        per_dataset[dataset] += rows
        per_partner[partner] += rows
    assert counts["per_dataset"] == dict(per_dataset)
    assert counts["per_partner"] == dict(per_partner)
    assert counts["total"] == sum(per_dataset.values()) and counts["files"] == len(world.files)

    # (a) the Housing First cohort, with DuckDB date arithmetic
    cohort = truth["programme_cohort"]
    contracts = world.last("huurcontracten")
    n, sustained = duckdb.sql(f"""
        select count(*), count(*) filter (
            where einddatum is null or einddatum >= startdatum + interval 12 month
               or einde_reden = 'verhuizing')
        from contracts
        where doelgroep = 'housing_first'
          and startdatum between date '{cohort['startdatum_from']}'
                             and date '{cohort['startdatum_to']}'""").fetchall()[0]
    assert (cohort["n"], cohort["sustained_12m"]) == (n, sustained)

    # (b) the buurt with rising nuisance in a flat gemeente
    trend = truth["nuisance_trend"]
    meldingen = pl.concat([f.with_columns(period=pl.lit(period))
                           for _, period, f in world.of("overlastmeldingen")])
    by_month = meldingen.group_by("period").agg(
        buurt=(pl.col("buurtcode") == trend["buurtcode"]).sum(),
        gemeente=pl.col("buurtcode").is_in(list(gemeente_buurten(world, trend["gemeentecode"])))
        .sum()).sort("period")
    assert by_month["period"].to_list() == trend["months"]
    assert by_month["buurt"].to_list() == trend["buurt_monthly_counts"]
    assert by_month["gemeente"].to_list() == trend["gemeente_monthly_counts"]
    counts_b = trend["buurt_monthly_counts"]
    assert all(b > a for a, b in zip(counts_b, counts_b[1:]))

    # (c) costs per programme and domain, joined through the person key
    person_programme = contracts.select("persoon_pseudoniem", programme="doelgroep")
    contract_programme = contracts.select("contract_id", programme="doelgroep")
    traject_person = world.last("trajecten").select("traject_id", "persoon_pseudoniem")
    provision_person = world.last("voorzieningen").select("voorziening_id", "persoon_pseudoniem")

    def costs(dataset: str, link: pl.DataFrame | None, key: str) -> pl.DataFrame:
        frame = pl.concat([f for _, _, f in world.of(dataset)])
        if link is not None:
            frame = frame.join(link, on=key, how="left")
            frame = frame.join(person_programme, on="persoon_pseudoniem", how="left")
        else:
            frame = frame.join(contract_programme, on="contract_id", how="left")
        return frame.group_by(pl.col("programme").fill_null("geen_huurcontract")).agg(
            cents=pl.col("bedrag_eur").sum())

    expected = defaultdict(dict)
    for domain, frame in (("wonen", costs("woonkosten", None, "contract_id")),
                          ("zorg", costs("zorgkosten", traject_person, "traject_id")),
                          ("welzijn", costs("welzijnskosten", provision_person,
                                            "voorziening_id"))):
        for programme, cents in frame.iter_rows():
            expected[programme][domain] = cents
    reported = truth["costs"]["per_programme"]
    for programme, domains in reported.items():
        for domain in ("wonen", "zorg", "welzijn"):
            assert round(domains[domain] * 100) == expected[programme].get(domain, 0), (
                programme, domain)
    assert set(expected) <= set(reported)
    for domain, euros in truth["costs"]["per_domain"].items():
        assert round(euros * 100) == sum(d.get(domain, 0) for d in expected.values())

    # (e) incidents of one buurt per year
    incidents = truth["incidents"]
    per_year = defaultdict(int)
    for _, period, frame in world.of("incidenten"):
        per_year[period[:4]] += int(frame.filter(pl.col("buurtcode") == incidents["buurtcode"])
                                    ["aantal"].sum())
    assert incidents["per_year"] == {y: per_year.get(y, 0) for y in incidents["per_year"]}


def gemeente_buurten(world: Deliveries, gemeentecode: str) -> set[str]:
    return {code for code in known_buurtcodes(world) if code[2:6] == gemeentecode[2:6]}


def test_truth_json_agrees_with_the_files_city(city):
    check_truth(city)
    trend = city.truth["nuisance_trend"]
    assert trend["buurtcode"] in known_buurtcodes(city) and trend["buurtnaam"]
    assert abs(trend["gemeente_trend_pct_per_month"]) < 2.0  # flat city-wide
    assert city.truth["programme_cohort"]["n"] >= 10
    assert city.truth["costs"]["per_programme"]["housing_first"]["zorg"] > 0


def test_truth_json_agrees_with_the_files_national(national):
    check_truth(national)
