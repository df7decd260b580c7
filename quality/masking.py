"""Masked shapes: what a receipt, a ledger row or the rejects table may say about a value.

A refused value may be personal data (a phone number typed into a category column, a name in an
id), so no part of it is ever shown: not a prefix, not its last digits. What is shown is its
shape: `[9 cijfers]`, `[e-mail]`, `[IBAN]`, `[tekst, 14 tekens]`. That is enough for a partner
to find the row (the receipt also gives the row number) and never enough to identify anyone.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

import polars as pl

from quality.header_words import ENTITY_WORDS, FORBIDDEN_NAMES, PERSON_PREFIXES
from sources.contracts import load_registry

# Numbers as people write them: digits with spaces, dots, dashes, slashes, plus or brackets.
NUMBER_LIKE = r"^[0-9\s.,\-/+()]+$"
EMAIL_LIKE = r"@|(?i)[(\[{<]\s*at\s*[)\]}>]"
IBAN_LIKE = r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{11,30}$"


def shape_expr(expr: pl.Expr) -> pl.Expr:
    """The masked shape of every value of a string expression (null stays null)."""
    text = expr.cast(pl.String).str.strip_chars()
    compact = text.str.replace_all(r"\s", "")
    digits = text.str.count_matches(r"[0-9]")
    return (
        pl.when(text.is_null() | (text == "")).then(pl.lit(None, dtype=pl.String))
        .when(text.str.contains(EMAIL_LIKE)).then(pl.lit("[e-mail]"))
        .when(compact.str.contains(IBAN_LIKE)).then(pl.lit("[IBAN]"))
        .when(text.str.contains(NUMBER_LIKE) & (digits > 0))
        .then(pl.format("[{} cijfers]", digits))
        .otherwise(pl.format("[tekst, {} tekens]", text.str.len_chars()))
    )


def shape(value: object) -> str | None:
    """The masked shape of one value: `[9 cijfers]`, `[e-mail]`, `[tekst, 14 tekens]`."""
    if value is None:
        return None
    series = pl.Series("v", [str(value)], dtype=pl.String)
    return series.to_frame().select(shape_expr(pl.col("v"))).item()


# The masks in English, for the English receipt (the ledger, the rejects table and the JSON
# receipt keep the Dutch ones, one form to search for).
_ENGLISH_MASKS = [
    (r"\[(\d+) cijfers\]", r"[\1 digits]"), (r"\[tekst, (\d+) tekens\]", r"[text, \1 characters]"),
    (r"\[bestandsnaam, (\d+) tekens\]", r"[file name, \1 characters]"),
    (r"\[64 hexadecimale tekens\]", "[64 hexadecimal characters]"), (r"\[telefoonnummer\]", "[phone number]"),
    (r"\[kenteken\]", "[licence plate]"), (r"\[postcode \+ huisnummer\]", "[postcode + house number]"),
    (r"\[adres\]", "[address]"), (r"\[naam\]", "[name]"), (r"\[datum\]", "[date]"), (r"\[leeg\]", "[empty]"),
]


def in_english(text: str) -> str:
    """A text with its masked shapes in English: '[9 cijfers]' -> '[9 digits]'."""
    for dutch, english in _ENGLISH_MASKS:
        text = re.sub(dutch, english, text)
    return text


# Words a header is quoted with besides those of the agreed column names and of the headers the
# privacy rules know: what partners write above a column, and the labels the file scan gives the
# parts of a workbook (`hidden:naam`, `sheet:...`).
HEADER_WORDS = frozenset({
    "opmerking", "opmerkingen", "notitie", "notities", "toelichting", "memo", "omschrijving",
    "beschrijving", "commentaar", "reden", "datum", "nummer", "nr", "code", "id", "e", "adres",
    "cliënt", "clienten", "cliënten", "klanten", "bewoners", "hidden", "sheet", "comment",
    "werkblad", "extra", "oud", "nieuw", "totaal", "bedrag", "aantal", "van", "de", "het", "en",
    "kenmerk", "kenmerken", "referentie", "dossier", "veld", "waarde", "info", "informatie",
    "gegevens", "notes", "note", "remarks", "description", "number", "date", "amount",
})


# A prefix and one word is how a surname reads ('van wijk', 'de boer', 'van der meer': a header
# row that was a data row), whatever column words it holds (an outside attack had 'van Wijk' quoted).
SURNAME_SHAPE = re.compile(r"^(van|de|der|den|het|ter|ten|te|op|in|'t)( (de|der|den|het|'t))?[ _-][a-zäëïöüé]+$")


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Every word a quoted header may hold."""
    words = set(HEADER_WORDS) | set(ENTITY_WORDS) | set(PERSON_PREFIXES)
    words |= {word for names in FORBIDDEN_NAMES.values() for word in names}
    words |= {word for contract in load_registry().contracts.values()
              for column in contract.column_names for word in _words(column)}
    return frozenset(words)


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[\s_\-:]+", name.lower()) if word]


def safe_column_name(name: str) -> str:
    """A header as a receipt may quote it: plain words it knows, otherwise its shape.

    A header row can be a data row (a file without header) and a sheet can be named after a
    client ('dossier jan de vries'), so a header is quoted only when it reads like a column name
    (lower-case letters, spaces, dashes, underscores and colons, no digits) *and* every word in it
    is one a column name is made of: of the agreed column names, the headers the privacy rules
    know, or HEADER_WORDS (an outside attack, December 2026, had names quoted back otherwise).
    """
    text = str(name).strip()
    if (text and len(text) <= 40 and all(ch.isalpha() and ch.islower() or ch in "_-: " for ch in text)
            and all(_known(word) for word in _words(text)) and not SURNAME_SHAPE.match(text)):
        return text
    return shape(text) or "[leeg]"


# The names Excel gives a new sheet (Dutch, English, German, French, Spanish, Italian): no
# person's, so a receipt may quote them.
EXCEL_SHEET_NAME = re.compile(r"^(Blad|Sheet|Tabelle|Feuil|Hoja|Foglio)[1-9][0-9]{0,2}$")


def safe_sheet_name(name: str) -> str:
    """A sheet's name as a receipt may quote it: Excel's own names ('Blad1'), a dataset's name
    ('Huurachterstand', where partners put their data), and a name that safe_column_name quotes
    once in lower case, as written; otherwise its shape. A sheet named after a client ('Jansen',
    'Van Wijk') stays masked."""
    text = str(name).strip()
    lower = text.lower()
    if EXCEL_SHEET_NAME.match(text) or lower in _dataset_names() or safe_column_name(lower) == lower != "":
        return text
    return safe_column_name(text)


@lru_cache(maxsize=1)
def _dataset_names() -> frozenset[str]:
    return frozenset(contract.dataset for contract in load_registry().contracts.values())


def _known(word: str) -> bool:
    """A word of a column name, or a long one a typo away from it ('achterstnad')."""
    return word in _known_words() or (
        len(word) >= 8 and bool(difflib.get_close_matches(word, _known_words(), n=1, cutoff=0.85)))


__all__ = ["shape", "shape_expr", "safe_column_name", "safe_sheet_name", "in_english"]
