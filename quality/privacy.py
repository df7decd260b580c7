"""The privacy guard: refuse an export that contains personal data, before anything is loaded.

Implements "Privacy rules" of docs/partner-exports.md. The only person identifier allowed is
`persoon_pseudoniem` (64 lower-case hex characters). Never in a file: a BSN, names, street
addresses or postcode-6 with house number, phone numbers, e-mail addresses, exact dates of
birth, free-text notes. Any finding refuses the whole file.

Checks are vectorised polars string expressions so that a million-row file scans in seconds.
Findings carry a masked example only: the receipt tells the partner where to look without
repeating the personal data back.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

import polars as pl
from stdnum.nl import bsn as stdnum_bsn

PSEUDONYM = r"^[0-9a-f]{64}$"

# --- value patterns (Rust regex syntax: no look-around, so word boundaries do the work) -------
# Word boundaries are ASCII-only ("(?-u:\b)"): Unicode boundaries make the regex engine five
# times slower on a million rows, and every pattern here is anchored on ASCII digits or letters.
B = r"(?-u:\b)"
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
PHONE = "|".join([
    rf"{B}06[ \-]?[0-9]{{8}}{B}",                            # 0612345678, 06-12345678
    rf"{B}06[ \-]?[0-9]{{4}} [0-9]{{4}}{B}",                 # 06 1234 5678
    rf"{B}06[ \-]?[0-9]{{2}}( [0-9]{{2}}){{3}}{B}",          # 06 12 34 56 78
    rf"(\+|{B}00)31[ \-]?(\(0\)[ \-]?)?[1-9]([ \-]?[0-9]){{8}}{B}",  # +31 6 12345678
    rf"{B}0[1-9][0-9][ \-][0-9]{{7}}{B}",                    # 010-1234567
    rf"{B}0[1-9][0-9]{{2}}[ \-][0-9]{{6}}{B}",               # 0180-123456
    rf"\(0[1-9][0-9]{{1,2}}\) ?[0-9]{{6,7}}{B}",             # (010) 1234567
])
POSTCODE_HOUSE_NUMBER = (                                    # 3024 AB 12, 3024AB12a, 3024ab 12
    rf"{B}[1-9][0-9]{{3}}( ?[A-Z]{{2}}[ ,]*|[a-z]{{2}}[ ,]+)[0-9]{{1,5}}[a-zA-Z]?{B}"
)
STREET_SUFFIXES = (
    "straat|laan|weg|plein|kade|singel|dijk|gracht|hof|park|dreef|steeg|pad|markt|wal|"
    "boulevard|plantsoen|haven"
)
ADDRESS = (                                                   # Schiedamseweg 12, Mathenesserlaan 110b
    rf"{B}\p{{Lu}}[\p{{L}}'.\-]*({STREET_SUFFIXES}) +[0-9]{{1,5}}( ?[a-zA-Z]{B}|{B})"
)

# --- BSN ----------------------------------------------------------------------------------------
BSN_CELL = r"^([0-9]{8,9}|[0-9]{4}\.[0-9]{2}\.[0-9]{3}|[0-9]{3}[. ][0-9]{3}[. ][0-9]{3})$"
BSN_TOKEN = rf"{B}([0-9]{{9}}|[0-9]{{4}}\.[0-9]{{2}}\.[0-9]{{3}}|[0-9]{{3}}[. ][0-9]{{3}}[. ][0-9]{{3}}){B}"
BSN_ANY = rf"{B}([0-9]{{8,9}}|[0-9]{{4}}\.[0-9]{{2}}\.[0-9]{{3}}|[0-9]{{3}}[. ][0-9]{{3}}[. ][0-9]{{3}}){B}"
BSN_CONTEXT = rf"(?i){B}(bsn|burgerservice|sofi)"
BSN_CHANCE = 1 / 11        # share of random numbers that pass the 11-test
BSN_Z = 5.0                # one-sided margin above chance; false alarm odds ~1 in 3.5 million
BSN_SAMPLE = 20_000        # distinct candidates tested per column to decide

# --- dates of birth -----------------------------------------------------------------------------
FULL_DATE = r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{4})([ T].*)?$"

# --- free text ----------------------------------------------------------------------------------
NOTE_WORDS = 12            # one value this long is a note, never a category label
TEXT_MEDIAN_WORDS, TEXT_MEDIAN_CHARS = 5, 25  # a column whose typical value is a sentence
SENTENCE_WORDS, SENTENCE_CHARS = 6, 40
SENTENCE_DISTINCT = 3

# --- names by value -----------------------------------------------------------------------------
TUSSENVOEGSEL = r"(van|de|der|den|het|ter|ten|te|op|in|'t|van de|van der|van den|van het|in 't|op de)"
CAPITALISED = r"\p{Lu}\p{Ll}+(-\p{Lu}\p{Ll}+)?"
PERSON_NAME = rf"^(({CAPITALISED} ){{1,2}}|(\p{{Lu}}\. ?)+)({TUSSENVOEGSEL} )?{CAPITALISED}$"
NAME_MIN_VALUES, NAME_SHARE, NAME_DISTINCT_SHARE = 5, 0.8, 0.8

# --- column names -------------------------------------------------------------------------------
# Checked in this order: 'E-mail adres' is an e-mail column before it is an address.
FORBIDDEN_NAMES = {
    "bsn": {"bsn", "burgerservicenummer", "sofinummer", "sofi", "bsnnummer"},
    "email": {"email", "emailadres", "mail", "mailadres", "emailaddress"},
    "phone": {
        "telefoon", "telefoonnummer", "telnr", "tel", "mobiel", "mobielnummer", "gsm", "phone",
        "phonenumber", "mobile", "telephone",
    },
    "birth_date": {
        "geboortedatum", "gebdatum", "geboortedag", "dob", "birthdate", "dateofbirth", "birthday",
    },
    "name": {
        "naam", "namen", "name", "voornaam", "voornamen", "achternaam", "roepnaam",
        "geslachtsnaam", "familienaam", "meisjesnaam", "tussenvoegsel", "tussenvoegsels",
        "voorletters", "initialen", "firstname", "lastname", "surname", "fullname", "givenname",
        "contactpersoon",
    },
    "address": {
        "straat", "straatnaam", "adres", "address", "woonadres", "postadres", "huisnummer",
        "huisnr", "huisletter", "huisnummertoevoeging", "postcode", "zipcode", "postalcode",
        "streetaddress", "street",
    },
}
# "naam" next to one of these names a place or organisation, not a person (buurt_naam).
ENTITY_WORDS = (
    "buurt", "wijk", "gemeente", "stadsdeel", "stad", "plaats", "complex", "project", "locatie",
    "organisatie", "bedrijf", "instelling", "team", "bestand", "product", "regio", "aanbieder",
    "corporatie", "dataset", "vraag", "categorie", "school", "voorziening", "sheet", "kolom",
    "soort", "type", "status", "label", "omschrijving", "partner",
)
# Compound person words such as klantnaam, huurdernaam.
PERSON_PREFIXES = (
    "klant", "client", "huurder", "bewoner", "persoon", "persoons", "patient", "melder",
    "contact", "ouder", "moeder", "vader", "eigenaar", "medewerker", "behandelaar",
)
COARSE_POSTCODE_NAMES = {"pc4", "postcode4", "postcode_4", "pc_4", "postcode_pc4"}
BIRTH_PREFIXES = ("geboorte", "geboren", "gebdat", "dob", "birth")

RULE_TEXT = {
    "bsn": ("een BSN", "a BSN (citizen service number)"),
    "name": ("namen", "names"),
    "address": ("straatadressen", "street addresses"),
    "postcode_huisnummer": ("postcode met huisnummer", "postcodes with house numbers"),
    "phone": ("telefoonnummers", "phone numbers"),
    "email": ("e-mailadressen", "e-mail addresses"),
    "birth_date": ("exacte geboortedata", "exact dates of birth"),
    "free_text": ("vrije tekst", "free-text notes"),
}


@dataclass(frozen=True)
class PrivacyFinding:
    rule: str
    column: str
    count: int
    example: str
    message_nl: str
    message_en: str


def scan(
    frame: pl.DataFrame,
    pseudonym_columns: Collection[str] = frozenset({"persoon_pseudoniem"}),
    allowed_columns: Collection[str] | None = None,
) -> list[PrivacyFinding]:
    """All privacy findings in an all-string frame; an empty list means the file may load."""
    frame = frame.select(pl.all().cast(pl.String))
    pseudonyms = {_key(name) for name in pseudonym_columns}
    allowed = {_key(name) for name in allowed_columns or ()}
    pseudonym_cols = [c for c in frame.columns if _key(c) in pseudonyms]
    value_cols = [c for c in frame.columns if _key(c) not in pseudonyms]

    findings: list[PrivacyFinding] = []
    for column in pseudonym_cols:
        findings += _pseudonym_findings(frame, column)
    for column in value_cols:
        findings += _column_name_findings(frame, column, allowed)
    named = {finding.column for finding in findings}
    findings += _pattern_findings(frame, value_cols)
    for column in frame.columns:  # a BSN is forbidden in any column, pseudonym columns included
        findings += _bsn_findings(frame, column)
    for column in value_cols:
        findings += _free_text_findings(frame, column)
        if column not in named:  # a 'naam' column is already refused by its name
            findings += _person_name_findings(frame, column)
    order = {name: position for position, name in enumerate(frame.columns)}
    return sorted(findings, key=lambda finding: order[finding.column])


# --------------------------------------------------------------------------------------------
# Masking and messages
# --------------------------------------------------------------------------------------------

def mask(value: str, rule: str) -> str:
    """A recognisable but non-identifying stand-in for a personal value."""
    value = str(value).strip()
    digits = "".join(ch for ch in value if ch.isdigit())
    if rule == "bsn":
        return digits.zfill(9)[:4] + "*****"
    if rule == "email":
        local, _, domain = value.partition("@")
        tld = domain.rsplit(".", 1)[-1] if "." in domain else "***"
        return f"{local[:1]}***@***.{tld}"
    if rule == "phone":
        prefix = "+31" if value.startswith(("+", "00")) else digits[:2]
        return f"{prefix}-****{digits[-4:]}" if len(digits) >= 8 else "****"
    if rule == "postcode_huisnummer":
        return digits[:4] + " ** **"
    if rule == "address":
        word = value.split()[0] if value.split() else value
        return f"{word[:1]}***{_street_suffix(word)} **"
    if rule == "name":
        return " ".join(part[:1] + "***" for part in value.split())
    if rule == "birth_date":
        year = next((part for part in _date_parts(value) if len(part) == 4), "****")
        return f"{year}-**-**"
    if rule == "free_text":
        return f"[{len(value.split())} words, {len(value)} characters]"
    if rule == "pseudonym_malformed":
        return value[:4] + "…"
    return (value[:1] + "***") if value else ""


def _street_suffix(word: str) -> str:
    for suffix in STREET_SUFFIXES.split("|"):
        if word.endswith(suffix):
            return suffix
    return ""


def _date_parts(value: str) -> list[str]:
    for separator in "-/.":
        value = value.replace(separator, " ")
    return value.split()


def _finding(rule: str, column: str, count: int, example: str, fix_en: str, fix_nl: str) -> PrivacyFinding:
    what_nl, what_en = RULE_TEXT.get(rule, (rule, rule))
    rows_en = "row" if count == 1 else "rows"
    rows_nl = "rij" if count == 1 else "rijen"
    shown = f" (for example {example})" if example else ""
    shown_nl = f" (bijvoorbeeld {example})" if example else ""
    return PrivacyFinding(
        rule=rule,
        column=column,
        count=count,
        example=example,
        message_nl=f"Kolom '{column}' bevat {what_nl} in {count} {rows_nl}{shown_nl}. {fix_nl}",
        message_en=f"Column '{column}' contains {what_en} in {count} {rows_en}{shown}. {fix_en}",
    )


FIX_REMOVE = (
    "Remove these values (or the column) from the export; personal data may not be delivered.",
    "Verwijder deze waarden (of de kolom) uit de levering; persoonsgegevens mogen niet worden "
    "aangeleverd.",
)


# --------------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------------

def _key(name: str) -> str:
    return str(name).strip().lower()


def _name_words(name: str) -> list[str]:
    """Lower-case ASCII words of a column name: 'E-mail adres' -> ['e', 'mail', 'adres']."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return words


def _name_variants(words: list[str]) -> set[str]:
    """Words, neighbouring pairs and the whole name glued: geb_datum and e-mail still match."""
    pairs = {a + b for a, b in zip(words, words[1:])}
    return set(words) | pairs | {"".join(words)}


def personal_column_kind(name: str) -> str | None:
    """Which kind of personal data a column name announces, or None."""
    words = _name_words(name)
    if not words or "_".join(words) in COARSE_POSTCODE_NAMES or "".join(words) in COARSE_POSTCODE_NAMES:
        return None
    variants = _name_variants(words)
    for kind, names in FORBIDDEN_NAMES.items():
        hits = variants & names
        if kind == "name" and hits <= {"naam", "namen", "name"} and hits:
            if any(word.startswith(ENTITY_WORDS) for word in words):
                continue
        if hits:
            return kind
    if any(word.endswith(("naam", "name")) and word.startswith(PERSON_PREFIXES) for word in words):
        return "name"
    return None


def _is_birth_column(name: str) -> bool:
    """geboortedatum, geb_datum, geboren_op, dob, birth_date (not gebied, gebruik, gebouw)."""
    words = _name_words(name)
    return (
        any(word == "geb" or word.startswith(BIRTH_PREFIXES) for word in words)
        or "dateofbirth" in "".join(words)
    )


def _column_name_findings(frame: pl.DataFrame, column: str, allowed: set[str]) -> list[PrivacyFinding]:
    """Birth-named columns with full dates, and columns whose name alone is personal."""
    values = frame[column].drop_nulls()
    if _is_birth_column(column):
        dates = values.filter(values.str.contains(FULL_DATE))
        if dates.len():
            return [_finding(
                "birth_date", column, dates.len(), mask(dates[0], "birth_date"),
                "Deliver the birth year only (e.g. a column 'geboortejaar'), never the full date.",
                "Lever alleen het geboortejaar aan (bijv. een kolom 'geboortejaar'), nooit de "
                "volledige datum.",
            )]
    kind = personal_column_kind(column)
    if kind is None or _key(column) in allowed:
        return []
    what_nl, what_en = RULE_TEXT.get(kind, (kind, kind))
    example = mask(values[0], kind) if values.len() else ""
    shown = f" (for example {example})" if example else ""
    shown_nl = f" (bijvoorbeeld {example})" if example else ""
    return [PrivacyFinding(
        rule="forbidden_column",
        column=column,
        count=values.len(),
        example=example,
        message_nl=(
            f"De kolomnaam '{column}' wijst op {what_nl}; {values.len()} rijen zijn gevuld"
            f"{shown_nl}. Verwijder deze kolom uit de levering."
        ),
        message_en=(
            f"The column name '{column}' indicates {what_en}; {values.len()} rows are filled"
            f"{shown}. Remove this column from the export."
        ),
    )]


# --------------------------------------------------------------------------------------------
# Value patterns: e-mail, phone, postcode + house number, street address
# --------------------------------------------------------------------------------------------

PATTERNS = {
    "email": EMAIL,
    "phone": PHONE,
    "postcode_huisnummer": POSTCODE_HOUSE_NUMBER,
    "address": ADDRESS,
}


def _pattern_findings(frame: pl.DataFrame, columns: list[str]) -> list[PrivacyFinding]:
    """Zero tolerance: one matching cell in any column is a finding.

    One combined regex per column first (a single pass; almost every column has no hit),
    then the separate rules only for the columns that matched.
    """
    if not columns or frame.height == 0:
        return []
    any_rule = "|".join(f"(?:{pattern})" for pattern in PATTERNS.values())
    flagged = frame.select(pl.col(column).str.contains(any_rule).any() for column in columns)
    findings = []
    for column in (name for name, hit in flagged.row(0, named=True).items() if hit):
        for rule, pattern in PATTERNS.items():
            hits = frame[column].filter(frame[column].str.contains(pattern))
            if hits.len():
                example = hits.str.extract(f"({pattern})", 1)[0]
                findings.append(_finding(rule, column, hits.len(), mask(example, rule), *FIX_REMOVE))
    return findings


# --------------------------------------------------------------------------------------------
# BSN
# --------------------------------------------------------------------------------------------

def _bsn_findings(frame: pl.DataFrame, column: str) -> list[PrivacyFinding]:
    """A column is a BSN column when its 8/9-digit values pass the 11-test far above chance."""
    cells = frame.select(pl.col(column).alias("cell"), pl.int_range(pl.len()).alias("row"))
    cells = cells.filter(pl.col("cell").str.contains(BSN_ANY))
    if cells.height == 0:
        return []
    candidates = _bsn_candidates(cells)
    if candidates.height == 0:
        return []
    distinct = candidates["number"].unique()
    sample = distinct.sample(BSN_SAMPLE, seed=0) if distinct.len() > BSN_SAMPLE else distinct
    passing_sample = _passing(sample)
    if _beyond_chance(passing_sample.len(), sample.len()):
        valid = _passing(distinct) if sample.len() < distinct.len() else passing_sample
        hits = candidates.filter(pl.col("number").is_in(valid.implode()))
    else:
        # Beside the word "bsn" a single valid number is enough (zero tolerance).
        in_context = candidates.filter(pl.col("context"))
        valid = _passing(in_context["number"].unique())
        hits = in_context.filter(pl.col("number").is_in(valid.implode()))
    if hits.height == 0:
        return []
    count = hits["row"].n_unique()
    return [_finding(
        "bsn", column, count, mask(hits["number"][0], "bsn"),
        "Replace every BSN by the pseudonym (persoon_pseudoniem) from the trusted third party.",
        "Vervang elk BSN door het pseudoniem (persoon_pseudoniem) van de vertrouwde derde partij.",
    )]


def _bsn_candidates(cells: pl.DataFrame) -> pl.DataFrame:
    """Whole-cell numbers and number tokens inside text, as 9-digit strings with their row."""
    whole = cells.filter(pl.col("cell").str.contains(BSN_CELL)).select(
        "row", number=pl.col("cell"), context=pl.lit(False)
    )
    text = cells.filter(~pl.col("cell").str.contains(BSN_CELL))
    tokens = text.select(
        "row",
        number=pl.col("cell").str.extract_all(BSN_TOKEN),
        context=pl.col("cell").str.contains(BSN_CONTEXT),
    ).explode("number").drop_nulls("number")
    both = pl.concat([whole, tokens])
    return both.with_columns(
        number=pl.col("number").str.replace_all(r"[. ]", "").str.zfill(9)
    )


def _passing(numbers: pl.Series) -> pl.Series:
    """Numbers passing the 11-test, checked by python-stdnum (the maintained reference)."""
    if numbers.len() == 0:
        return numbers
    return numbers.filter(numbers.map_elements(stdnum_bsn.is_valid, return_dtype=pl.Boolean))


def _beyond_chance(passing: int, total: int) -> bool:
    """True when the share passing the 11-test cannot be explained by chance (~1 in 11).

    Few values: all must pass (two random numbers both pass 1 time in 121). From three values:
    half passing, or more than five standard deviations above the chance rate, which finds a
    BSN column mixed into an id column while 10,000 random ids (about 9% passing) stay clear.
    """
    if total == 0 or passing == 0:
        return False
    if total < 3:
        return passing == total
    if passing >= 0.5 * total:
        return True
    expected = total * BSN_CHANCE
    spread = math.sqrt(total * BSN_CHANCE * (1 - BSN_CHANCE))
    return passing > expected + BSN_Z * spread


# --------------------------------------------------------------------------------------------
# Pseudonyms, free text, names
# --------------------------------------------------------------------------------------------

def _pseudonym_findings(frame: pl.DataFrame, column: str) -> list[PrivacyFinding]:
    values = frame[column].drop_nulls()
    bad = values.filter(~values.str.contains(PSEUDONYM))
    if bad.len() == 0:
        return []
    count, example = bad.len(), mask(bad[0], "pseudonym_malformed")
    rows_nl = "rij voldoet" if count == 1 else "rijen voldoen"
    rows_en = "row does" if count == 1 else "rows do"
    return [PrivacyFinding(
        rule="pseudonym_malformed",
        column=column,
        count=count,
        example=example,
        message_nl=(
            f"Kolom '{column}' moet in elke rij een pseudoniem van 64 kleine hexadecimale tekens "
            f"bevatten; {count} {rows_nl} niet (bijvoorbeeld {example}). Lever het pseudoniem "
            "van de vertrouwde derde partij aan, nooit een BSN of ander nummer."
        ),
        message_en=(
            f"Column '{column}' must hold a pseudonym of 64 lower-case hex characters in every "
            f"row; {count} {rows_en} not (for example {example}). Deliver the pseudonym from the "
            "trusted third party, never a BSN or another number."
        ),
    )]


def _free_text_findings(frame: pl.DataFrame, column: str) -> list[PrivacyFinding]:
    """Notes are sentences: long, with many words, and different from row to row."""
    values = frame[column].drop_nulls()
    if values.len() == 0:
        return []
    words = values.str.count_matches(" ", literal=True) + 1
    chars = values.str.len_chars()
    sentence = (words >= SENTENCE_WORDS) & (chars >= SENTENCE_CHARS)
    sentences = values.filter(sentence)
    is_text_column = (
        words.median() >= TEXT_MEDIAN_WORDS
        and chars.median() >= TEXT_MEDIAN_CHARS
        and values.n_unique() >= 0.5 * values.len()
    )
    has_note = (words >= NOTE_WORDS).any()
    many_sentences = sentences.n_unique() >= SENTENCE_DISTINCT
    if not (is_text_column or has_note or many_sentences):
        return []
    texty = values.filter(((words >= TEXT_MEDIAN_WORDS) & (chars >= TEXT_MEDIAN_CHARS)) | sentence)
    example = mask(texty[0], "free_text")
    return [_finding(
        "free_text", column, texty.len(), example,
        "Free-text notes may not be delivered: they can contain names and other personal "
        "details. Remove the column or replace it by a fixed category.",
        "Vrije tekst mag niet worden aangeleverd: die kan namen en andere persoonlijke details "
        "bevatten. Verwijder de kolom of vervang haar door een vaste categorie.",
    )]


def _person_name_findings(frame: pl.DataFrame, column: str) -> list[PrivacyFinding]:
    """Most values look like 'Jan de Vries' / 'J. de Vries' and are mostly distinct."""
    if any(word.startswith(ENTITY_WORDS) or word.endswith(ENTITY_WORDS) for word in _name_words(column)):
        return []
    values = frame[column].drop_nulls()
    if values.len() < NAME_MIN_VALUES:
        return []
    names = values.filter(values.str.contains(PERSON_NAME))
    if names.len() < NAME_SHARE * values.len() or names.n_unique() < NAME_DISTINCT_SHARE * names.len():
        return []
    return [_finding(
        "name", column, names.len(), mask(names[0], "name"),
        "Person names may not be delivered; remove the column and use persoon_pseudoniem.",
        "Namen van personen mogen niet worden aangeleverd; verwijder de kolom en gebruik "
        "persoon_pseudoniem.",
    )]


__all__ = ["PrivacyFinding", "scan", "mask", "personal_column_kind"]
