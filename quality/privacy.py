"""The privacy guard: refuse an export that contains personal data, before anything is loaded.

Implements "Privacy rules" of docs/partner-exports.md. The only person identifier allowed is
`persoon_pseudoniem` (64 lower-case hex characters). Never in a file: a BSN, names, street
addresses or postcode-6 with house number, phone numbers, e-mail addresses, IBANs, licence
plates, exact dates of birth, free-text notes. Any finding refuses the whole file.

Every value is judged after normalising it (separators, case, obfuscated "(at)", Excel numbers),
and where a pattern can match by chance (the 11-test, mod-97, codes shaped like postcodes or
phone numbers) the column's distribution decides, not the single cell.

Checks are vectorised polars string expressions on each column's distinct values, so that a
million-row file scans in seconds. Findings carry a masked shape only (`[9 cijfers]`): the
receipt tells the partner where to look without repeating any part of the personal data.
"""
from __future__ import annotations

import base64
import math
import os
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import numpy as np
import phonenumbers
import polars as pl
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from quality.contract_sql import ID_PATTERN
from quality.header_words import ENTITY_WORDS, FORBIDDEN_NAMES, PERSON_PREFIXES
from quality.masking import safe_column_name, shape
from quality.unkeyed_hashes import unkeyed_bsn_hashes
from sources.geography import rotterdam_place_names

PSEUDONYM = r"^[0-9a-f]{64}$"
# A keyed hash (HMAC-SHA256 of the trusted third party) looks random: about 24 of its 64 hex
# characters are a-f, no character repeats long, and it is no text. Well-formed values that are
# not (at most 2 of a-f, 12 equal characters in a row, or every other character 2-7: printable
# ASCII written as hex) come by chance about once in 10^10 values: a number or text written as
# hex, such as a BSN padded with zeros (an outside attack, December 2026).
NOT_HASHED = (r"^[0-9]*(?:[a-f][0-9]*){0,2}$|" + "|".join(f"{c}{{12}}" for c in "0123456789abcdef")
              + r"|^(?:[2-7][0-9a-f]){32}$")

# --- value patterns (Rust regex syntax: no look-around, so word boundaries do the work) -------
# Word boundaries are ASCII-only ("(?-u:\b)"): Unicode boundaries make the regex engine five
# times slower on a million rows, and every pattern here is anchored on ASCII digits or letters.
# Values are normalised before they are judged (see `_normalised_*`): separators, case, an
# obfuscated "(at)" or " dot ", Excel's 1.23456782E8. The patterns below run on those forms.
B = r"(?-u:\b)"
# Letters of any script, not ASCII only: pawel.michał@wp.pl, m.yazıcı@hotmail.com (ı and ł have no
# accent to take off) and domains such as yıldız.com.tr are addresses all the same (an outside
# attack, December 2026).
# The domain may be an IP address, bracketed as mail servers write it (jan@[192.168.1.1]).
EMAIL = (r"[\p{L}\p{N}._%+\-]+@(?:[\p{L}\p{N}\-]+(\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}"
         r"|\[?[0-9]{1,3}(?:\.[0-9]{1,3}){3}\]?)")
# E-mail obfuscations people type to fool harvesters: (at) [at] {at} <at> " at " -at-
# apenstaartje (and (a), see AT_LETTER), and a dot as (dot), " dot ", -punt-, %2E or " . "
# (spaces around the @ and the dots: 'j.jansen @ example . nl').
# Also URL and HTML escapes (%40, &#64;), a URL escape escaped again (%2540) and quoted-printable
# (=40, as a mail's source writes it); full-width forms are folded by NFKC first, a circled a
# (Ⓐ, ⓐ) is read as an @ before that (_folded).
# Brackets around an (at) or a (dot): ASCII, and the CJK and mathematical ones (【.】〔at〕⟨.⟩)
# that NFKC leaves as they are (an outside attack, December 2026).
OPEN = r"[(\[{<\u3008\u300a\u300c\u300e\u3010\u3014\u3016\u27e8]"
CLOSE = r"[)\]}>\u3009\u300b\u300d\u300f\u3011\u3015\u3017\u27e9]"
AT_WORD = (rf"(?i)\s*{OPEN}\s*(at|@|apenstaartje)\s*{CLOSE}\s*|[\s\-_]+(at|apenstaartje)[\s\-_]+|\s*@\s*"
           r"|%(?:25)?40|=40|&#0*64;|&#x0*40;|&commat;")
EMAIL_HINT = r"(?i)@|at|apenstaartje|[(\[]a[)\]]|%(?:25)?40|=40|&#|&commat;|\uff20|\ufe6b"
# '(a)' for the @ only between the address's letters (j.jansen(a)example.nl), not 'Groep (A) 2.'
AT_LETTER = r"(?i)([a-z0-9])[(\[]a[)\]]([a-z0-9])"
# A dot as a word (also d0t), bracketed, URL- or HTML-escaped (&#46; &#x2E; &period;), or spaced.
DOT_WORD = (rf"(?i)\s*{OPEN}\s*(dot|d0t|punt|\.)\s*{CLOSE}\s*|[\s\-_]+(dot|d0t|punt)[\s\-_]+|%(?:25)?2e|=2e"
            r"|&#0*46;|&#x0*2e;|&period;|\s+\.\s*|\s*\.\s+")
# The top-level domain with its dot inside the brackets: j.jansen@ziggo[.nl]
DOT_IN_BRACKETS = rf"\s*{OPEN}\s*\.\s*(\p{{L}}{{2,}})\s*{CLOSE}"
# The last dot of the domain written as a comma or a dash (a middle dot is read as a dash, see
# _folded) before a common top-level domain, behind an @: j.jansen@ziggo,nl; jansen@ziggo·nl.
TLD_AFTER_OTHER_DOT = r"(?i)(@[\p{L}\p{N}\-]+?)\s*[,\-]\s*(nl|com|net|org|eu|be|de|fr|uk|info|nu|biz)(?-u:\b)"
# Dates and times are blanked before phone numbers are sought: 06-12-2023 10:00 is no number.
# Only what can be one: a day and month of 1-31 (either order), a year of 19xx or 20xx, a time
# of the day ('00-44-7911-123456' is a phone number dialled abroad, not 00-44-7911; an outside
# attack).
DAY = r"(0?[1-9]|[12][0-9]|3[01])"
YEAR = r"(19|20)[0-9]{2}"
DATE_OR_TIME = (
    rf"{B}{DAY}[\-/.]{DAY}[\-/.]{YEAR}{B}|{B}{YEAR}-{DAY}-{DAY}{B}"
    rf"|{B}([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?{B}"
    # joined by underscores inside an id (TR_01_03_2025_7): no word boundary there, so no digit
    # may run on either side
    rf"|(?:^|[^0-9])({DAY}_{DAY}_{YEAR}|{YEAR}_{DAY}_{DAY})(?:[^0-9]|$)"
    # or written without separators as an id's first part (01012024-00 is no 010 number)
    r"|(?:^|[^0-9])((0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])(19|20)[0-9]{2}"
    r"|(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]))(?:[^0-9]|$)"
)
# A Dutch number in any notation: +31 / 0031 / 0, then nine digits with spaces, dots, dashes,
# slashes, brackets or apostrophes between them (06-12345678, 010 - 123 45 67, +31 (0)6 1234 5678, 06.12.34.56.78).
SEP = r"[ .\-_/()']{0,3}"
PHONE = (
    rf"(\+31|{B}0031){SEP}(\(0\){SEP})?[1-9]({SEP}[0-9]){{8}}{B}"
    rf"|{B}31{SEP}6({SEP}[0-9]){{8}}{B}"  # a mobile number as E.164 without its plus: 31612345678
    rf"|{B}0{SEP}[1-9]({SEP}[0-9]){{8}}{B}"
)
# Postcode-6 + house number, also glued into an id (3024AB12, 3024-ab-12, 3024_AB_0012a).
POSTCODE_HOUSE_NUMBER = (
    rf"{B}(?<pc>[1-9][0-9]{{3}})(?<sep>[ \-_.]?)(?<letters>[A-Z]{{2}}|[a-z]{{2}})"
    rf"[ \-_.,/]*(?<number>[0-9]{{1,5}})([ \-]?[A-Za-z]{B}|{B})"
)
# Hex codes (UUIDs, hashes) hold the shape of a postcode, a glued phone number, a BSN, an IBAN or a
# compact date by chance: 3188ea6c-... reads as 3188 EA 6c, ...-3F0691657580 as F + 06-91657580,
# ...4a23091957c8 as 23-09-1957; almost every column of 500 random UUIDs held a postcode (a check of
# false refusals, 5 December 2026). In a column of them, such shapes in values of their form count
# only beyond chance (see _hex_codes_of); a value of another form among them is judged as ever.
# A code may stand behind the scheme's letters (HC-3188ea6c-...) or in braces ({3188ea6c-...}, how
# Windows writes a GUID): an outside attack saw every clean column of such UUIDs refused. (A space:
# the joined rules read TRJ_3188... as TRJ 3188..., see JOINED.)
HEX_CODE = r"^(?<prefix>[A-Za-z]{1,8}[-_.:/ ])??\{?(?<body>[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*)\}?$"
# Codes of random letters and digits (base 32, base 36) hold a postcode's shape by chance as well.
RANDOM_CODE = r"^(?<prefix>[A-Za-z]{1,8}[-_.:/ ])??(?<body>[0-9A-Za-z]{6,40})$"
RANDOM_CODE_SHAPES = 10       # where letters and digits stand: random codes differ, schemes do not
HEX_CODE_SHARE = 0.8          # 1 - PASTED_SHARE: the rest may be pasted in
HEX_CODE_MIN = 20             # a column of fewer is no scheme: 3024AB12 alone is a postcode
# ... and how many of its codes may hold a shape by chance: a random UUID holds a postcode's 3.2%
# of the time (200,000 tried), a glued mobile number's 0.01%. More is no chance: a column whose
# every UUID ends in a BSN or starts with a postcode (an outside attack) is judged as any other.
HEX_CHANCE_SHARE, HEX_CHANCE_MIN = 0.1, 3
# The same glued behind an id's letters (HC3024AB12, an outside attack): as the odd shape out of
# its column only (PASTED_SHARE), as VHE2024AB12 may be a scheme of year and block.
POSTCODE_GLUED = (   # the whole value: random codes hold the shape by chance (1% of 24 hex digits)
    r"^\p{L}{1,4}(?<pc>[1-9][0-9]{3})(?<sep>[\-_.]?)(?<letters>[A-Z]{2}|[a-z]{2})[\-_.]?"
    r"(?<number>[1-9][0-9]{0,4})[A-Za-z]?$"
)
STREET_SUFFIXES = (
    "straat|laan|weg|plein|kade|singel|dijk|gracht|hof|park|dreef|steeg|pad|markt|wal|"
    "boulevard|plantsoen|haven"
)
ADDRESS = (                                                   # Schiedamseweg 12, Mathenesserlaan 110b
    rf"{B}\p{{Lu}}[\p{{L}}'.\-]*({STREET_SUFFIXES}) +[1-9][0-9]{{0,4}}( ?[a-zA-Z]{B}|{B})"
)
ADDRESS_SUFFIX_NUMBER = rf"({STREET_SUFFIXES}) +[0-9]"  # plain words: a fast first pass
# The same as a code (a VHE key): any case, the number glued or after a dash or underscore
# (SCHIEDAMSEWEG-12B, ZWART_JANSTRAAT_3, Mathenesserlaan_110); a letter before the suffix. A
# house number never starts with 0: CX-Delfshaven-012 is a district's complex 12, not an address.
ADDRESS_CODE = rf"(?i)\p{{L}}({STREET_SUFFIXES})[\-_]?[1-9][0-9]{{0,4}}[a-z]?([^0-9a-z]|$)"
ADDRESS_CODE_SUFFIX_NUMBER = rf"(?i)({STREET_SUFFIXES})[\-_]?[0-9]"
# ... and a street without such a suffix (Slinge-300, Zwaanshals-12a, Hillevliet-112b among
# complexes named after their streets: an outside attack, December 2026, loaded them) where the
# word is not the ids' scheme: a word of five letters or more with a vowel, a dash or underscore,
# and a house number ending the id.
ID_WORD_NUMBER = r"\p{L}[\-_][0-9]"
ID_STREET_NUMBER = r"(?<street>\p{L}{5,})[\-_][1-9][0-9]{0,3}(?:[\-_]?\p{L}|[\-_][0-9]{1,3})?$"
# IBAN: country, check digits, 11-30 letters or digits, printed in groups of four or not at all.
IBAN_TOKEN = rf"{B}[A-Z]{{2}}[0-9]{{2}}( ?[A-Z0-9]{{4}}){{2,7}}( ?[A-Z0-9]{{1,3}})?{B}"
IBAN_CHANCE = 1 / 97       # a random string of IBAN shape passes mod-97 about once in 97
IBAN_MIN_LENGTH = 15       # the shortest IBAN (Norway): what fewer letters and digits hold is none
# An IBAN glued inside an id ('HCNL91ABNA0417164300', 'HC-0000025NL91ABNA0417164300'): a letter
# or digit right before its country code, so no word boundary; or at the start of a value grouped
# otherwise than in fours ('NL9 1AB NA0 417 164 300', an outside attack). Read with the separators
# taken out, a fast first pass finds such a run (15 letters and digits at least: the shortest
# IBAN); every start inside it is then tried.
IBAN_GLUED = r"(^|[A-Z0-9])[A-Z]{2}[0-9]{2}[A-Z0-9]{11}"
IBAN_GLUED_STARTS = re.compile(r"(?:^|(?<=[A-Z0-9]))(?=([A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}))")
# Dutch licence plates by sidecode (RDW), '·' marking the dash. Sidecodes 4-14 use no vowels.
L, C = "[A-Z]", "[BDFGHJKLMNPRSTVWXZ]"  # no vowels, no C or Q from sidecode 4 on
SIDECODES = {
    1: f"{L}{{2}}·[0-9]{{2}}·[0-9]{{2}}", 2: f"[0-9]{{2}}·[0-9]{{2}}·{L}{{2}}",
    3: f"[0-9]{{2}}·{L}{{2}}·[0-9]{{2}}", 4: f"{C}{{2}}·[0-9]{{2}}·{C}{{2}}",
    5: f"{C}{{2}}·{C}{{2}}·[0-9]{{2}}", 6: f"[0-9]{{2}}·{C}{{2}}·{C}{{2}}",
    7: f"[0-9]{{2}}·{C}{{3}}·[0-9]", 8: f"[0-9]·{C}{{3}}·[0-9]{{2}}",
    9: f"{C}{{2}}·[0-9]{{3}}·{C}", 10: f"{C}·[0-9]{{3}}·{C}{{2}}",
    11: f"{C}{{3}}·[0-9]{{2}}·{C}", 12: f"{C}·[0-9]{{2}}·{C}{{3}}",
    13: f"[0-9]·{C}{{2}}·[0-9]{{3}}", 14: f"[0-9]{{3}}·{C}{{2}}·[0-9]",
}
# Written with its dashes (or spaces) a modern plate is unmistakable; glued (AB1234) or an old
# sidecode, it could be any code, so that is judged over the column (varied letters, most rows).
PLATE_DASHED = B + "(" + "|".join(SIDECODES[n].replace("·", "[- ]") for n in range(4, 15)) + ")" + B
PLATE_ANY = "^(" + "|".join(code.replace("·", "") for code in SIDECODES.values()) + ")$"
PLATE_SHARE = 0.5
# Titles before a name: dhr. Jansen, mevr. de Vries, Mw. J. Bakker, de heer El Amrani.
TITLED_NAME = (
    r"(?i:" + B + r"(dhr|mevr|mevrouw|mw|mr|meneer|de heer|hr|fam|familie)" + B + r")\.? *"
    r"(\p{Lu}|(?i:van|de|der|den|ter|ten|el)" + B + ")"
)
INITIALS_NAME = (r"^(\p{Lu}\. ?){1,4}((van|de|der|den|het|ter|ten|te|op|in|el) ){0,3}"
                 r"\p{Lu}\p{Ll}+(-\p{Lu}\p{Ll}+)?$")
# Ids prefixed with a CBS gemeente code (0599-1234567, also after the id's letters:
# VHE-0599-001234) are codes, not phone numbers: judged over the column (one shared 4-digit
# prefix before a separator in almost every value).
GEMEENTE_PREFIX = r"^(?:[A-Za-z]+[ \-_./]?)?(?<prefix>0[0-9]{3})[ \-_./]"
GEMEENTE_PREFIX_SHARE, GEMEENTE_PREFIX_MIN = 0.9, 5

# Characters that show nothing but split a number or address for a regex.
# Invisible inside a number or a word: soft hyphen, zero-width characters, bidi controls, the
# Mongolian vowel separator, word joiners and variation selectors (an outside attack split a BSN
# with U+202C and U+FE0F, a phone number with U+180E; a second one with U+061C and U+E0100).
# Also the Hangul fillers and the blank braille pattern, letters that show nothing (an outside
# attack put them between a BSN's groups, December 2026).
INVISIBLE = (r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff"
             r"\u115f\u1160\u3164\uffa0\u2800"
             r"\U000e0000-\U000e01ef]")   # and the tag and supplementary variation selector blocks
# Marks that look like an apostrophe, read as one (see _folded).
APOSTROPHES = r"[\u2018\u2019\u201b\u2032\u02b9\u02bb\u02bc\u02c8\ua78c\u05f3]"
# Letters that look like Latin ones but are others, read as the Latin letter they show: Greek and
# Cyrillic letters that share a Latin letter's shape, and Latin letters with a stroke or a dotless
# i, which have no accent to take off (an outside attack wrote IBANs, plates and postcodes with
# them, December 2026: "ΝL91 ABNA ...", "12-ΚLΜ-3", "12-klм-3"). By shape, not by sound (Cyrillic
# В is read B, not V), and only these: Unicode's full confusables also map Latin letters onto
# each other ("rn" for "m"), which would change ordinary text.
LOOKALIKES = {
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")),   # Greek capitals
    **dict(zip("αεικνορτυχ", "aeikvoptux")),   # Greek small letters
    **dict(zip("АВЕКМНОРСТХІЈЅУ", "ABEKMHOPCTXIJSY")),   # Cyrillic capitals
    **dict(zip("аеорсхуіјѕкмтнвь", "aeopcxyijskmthbb")),   # Cyrillic small letters
    **dict(zip("ŁłØøĐđĦħŦŧƵƶıƗɨɃƀ", "LlOoDdHhTtZziIiBb")),   # strokes, and the dotless i
}
# ... but only in a value where one stands next to a Latin letter or digit (at most a space or
# dash between), as in a code written to slip past: a Greek or Ukrainian sentence is left as it
# is ("АТ Укрпошта" is a company, not " at ", which reads as an e-mail's @; a second attack).
_LOOKALIKE = "[" + "".join(LOOKALIKES) + "]"
LOOKALIKE_IN_A_CODE = rf"[A-Za-z0-9][ \-]?{_LOOKALIKE}|{_LOOKALIKE}[ \-]?[A-Za-z0-9]"
# Any international number: +32 470 12 34 56, +49 30 1234567 (a Dutch one is matched above too).
PHONE_INTERNATIONAL = rf"\+[1-9]({SEP}[0-9]){{8,13}}{B}"
# ... or dialled from here with 00 (0032 470 12 34 56, 0040-721-234-567): zero-padded ids start
# with 00 too, so such a value counts only as the odd shape out of its column, and only when it is
# a valid number of its country's numbering plan (phonenumbers, Google's libphonenumber data: a
# hand-kept list of country codes let 0040, 0030, 001 and 0061 through, an outside attack).
PHONE_DIALLED_ABROAD = rf"(?:^|[^0-9])00{SEP}[1-9]({SEP}[0-9]){{7,13}}{B}"   # also behind letters (TEL0044…)
PHONE_MIN_DIGITS = 9       # the fewest digits any of the notations above holds
# Mobile numbers pasted among codes of another form: glued to the letters of an id
# (HC0612345678, HC31612345678, HC0031612345678 among HC204017..), or a number that lost its
# leading 0 (Excel reads 0612345678 as 612345678, among VHE-00017..). Without a checksum such a
# value is told from a numbering scheme only by being the odd shape out: judged where at most
# PASTED_SHARE of the column's values have its shape (a column of VHE0612345678.. is a scheme,
# a column of 9-digit contract numbers holds 61.. to 69.. by chance).
PHONE_GLUED = (r"\p{L}(0031|31|0)6[1-9][0-9]{7}([^0-9]|$)"
               # ... or with letters after it (TRJ-0612345678ab, …-0655680564f2: a third attack)
               r"|(^|[^0-9])(0031|31|0)6[1-9][0-9]{7}\p{L}")
PHONE_ZERO_LOST = r"^6[1-9][0-9]{7}$"
PASTED_SHARE = 0.2

# --- BSN ----------------------------------------------------------------------------------------
# What may stand between the digits of a number or the groups of an IBAN typed by hand: a space,
# what an id may hold besides letters and digits (contract_sql.ID_PATTERN: - . _ : /), a plus, a
# bar, a middle dot, a tab or an apostrophe (111_222_333, 111 - 222 - 333, 111+222+333,
# 444 ' 978 ' 690, NL91'ABNA'...: outside attacks).
HAND_TYPED_SEPARATORS = r" .\-_/:+|\u00b7\t'"
# Between the digits of a number: one of those (DIGIT_SEPARATORS: one to three, 111..222..333).
# Not ; ~ = or #: lists and ranges in a cell (1614;2743, 10:15~20:15, REF=9065=4043) hold eight
# digits that pass the 11-test one time in eleven, which refused one small clean file in ten (an
# outside review, December 2026); and a date is blanked to ' # ', a wall between digits.
DIGIT_JOINER = rf"[{HAND_TYPED_SEPARATORS}]"
# Between the groups of an IBAN: those, or a semicolon, tilde, hash, equals sign or comma
# (NL91|ABNA|..., DK50;0040;...); a token needs letters and mod-97, so lists do not read as one.
IBAN_SEPARATOR = rf"[{HAND_TYPED_SEPARATORS};~#=,]"
# How every IBAN starts: country code and check digits, perhaps split ('NL9 1AB NA0 ...', 'NL:91:AB').
IBAN_START = rf"[A-Za-z]{IBAN_SEPARATOR}*[A-Za-z]{IBAN_SEPARATOR}*[0-9]{IBAN_SEPARATOR}*[0-9]"
DIGIT_SEPARATORS = rf"{DIGIT_JOINER}{{1,3}}"
# Those, or a thousands comma or apostrophe (799,642,630; 799'642'630 as Swiss spreadsheets write
# it; a typographic apostrophe is read as one, see _folded): what a number written out may hold
# between digits.
THOUSANDS = ",'"
NUMBER_SEPARATOR = rf"[{HAND_TYPED_SEPARATORS}{THOUSANDS}]"
# Candidates: a number of 8-9 digits written whole or in groups (123 456 782, 1234.56.782,
# 123-45-6782), and 9 digits at the start or end of a longer digit run (a BSN glued to a
# sequence number: 12345678201). Each kind is judged on its own against chance.
BSN_GROUPED = rf"{B}[0-9]{{2,4}}([ .\-][0-9]{{2,4}}){{1,3}}{B}"
# The same with any DIGIT_SEPARATORS. Both are read: the wide one alone would take a neighbouring
# group into the number (2024/799.642.630 is 13 digits to it, 799.642.630 to the narrow one).
BSN_GROUPED_WIDE = rf"{B}[0-9]{{2,4}}({DIGIT_SEPARATORS}[0-9]{{2,4}}){{1,3}}{B}"
# A number with thousands commas, as an English-locale spreadsheet writes it: 799,642,630 (or a
# Swiss one: 799'642'630; or the two mixed, 444,978'690, as a hand edit leaves it: an outside
# attack, December 2026).
BSN_THOUSANDS = rf"{B}[0-9]{{1,3}}([{THOUSANDS}][0-9]{{3}}){{2}}{B}"
# A year and four digits (a sequence number, or a year range: 2024/0004, 2024-2025) is never how
# a BSN is written, while about one in eleven passes the 11-test as 8 digits.
YEAR_AND_FOUR = rf"(19|20)[0-9]{{2}}{DIGIT_SEPARATORS}[0-9]{{4}}"
BSN_RUN = r"[0-9]+"
EXCEL_NUMBER = r"^[0-9]([.,][0-9]+)?[eE]\+?[0-9]{1,2}$|^[0-9]{8,9}[.,]0+$"
# A cell is also read with DIGIT_SEPARATORS removed between any two digits (A111_222_333,
# 1-1-1-2-2-2-3-3-3 hold 111222333), dates and times blanked first: 15/10/2023 is no number.
# What every candidate above holds once written out: a digit 1-9 and seven more digits, at most
# three separators (or a thousands comma) between two digits (a candidate is 8-9 digits not
# starting with "00"). A cell without it, and not an Excel number, cannot hide a BSN: most ids
# are dropped by this one pass.
BSN_DIGITS = rf"[1-9]({NUMBER_SEPARATOR}{{0,3}}[0-9]){{7}}"
# A cell that is one date and nothing else (21-11-1979, 1979-11-21) holds eight digits with
# separators, but no candidate: its groups are read as a date, its runs are four digits at most,
# and it is blanked before its digits are joined (test_privacy checks this over every date).
# Every date column opened the BSN rule, a fifth of the city intake's privacy scan.
WHOLE_DATE = rf"^({DAY}[\-/.]{DAY}[\-/.]{YEAR}|{YEAR}-{DAY}-{DAY})$"
BSN_CONTEXT = rf"(?i){B}(bsn|burgerservice|sofi)"
BSN_CHANCE = 1 / 11        # share of random numbers that pass the 11-test
BSN_Z = 5.0                # one-sided margin above chance; false alarm odds ~1 in 3.5 million
BSN_FALSE_ALARM = 2.87e-7  # ... those odds, for an exact binomial tail (see _beyond_chance)
BSN_SAMPLE = 20_000        # distinct candidates tested per column to decide
BSN_GLUED_MIN = 3          # a glued BSN needs this many distinct values before it is judged
BSN_OUTLIER_CELLS = 10     # ...unless the rest of the column (this many cells) has no such run

# --- dates of birth -----------------------------------------------------------------------------
FULL_DATE = r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{4})([ T].*)?$"

# A full date, ISO or Dutch, also inside an id (2019-03-12-01): its year is what is judged.
# Underscores join a date too (KB_12_03_1985, an outside attack): no word boundary there, so
# the digits on either side are what may not run on.
# A month written as a word (12mrt1985, 12-maart-1985, KB_12_MAR_1985) is a date too.
MONTH_WORD = r"(?i:jan|feb|mrt|maa|mar|apr|mei|may|jun|jul|aug|sep|okt|oct|nov|dec)\p{L}*\.?"
STRAY_DATE = (
    r"(?:^|[^0-9])(?:[0-9]{1,2}[\-/._][0-9]{1,2}[\-/._]((?:19|20)[0-9]{2})"
    r"|((?:19|20)[0-9]{2})[\-_][0-9]{1,2}[\-_][0-9]{1,2}"
    rf"|[0-9]{{1,2}}[\-/._ ]?{MONTH_WORD}[\-/._ ]?((?:19|20)[0-9]{{2}}))(?:[^0-9]|$)"
)
# What each form of STRAY_DATE holds: a year with a date separator or a month word's letter beside it.
STRAY_DATE_HINT = r"[\-/._\p{L}](19|20)[0-9]{2}|(19|20)[0-9]{2}[\-_]"
STRAY_DATE_MIN_AGE = 12
# The same date written without separators, glued to the letters of a client code (JV19850312,
# KB12031985: initials and a date of birth, as older care systems build them). Eight digits after
# a letter are also a counter's shape, so such a value counts only as the odd shape out of its
# column (PASTED_SHARE), and only when the digits read as a real date (yyyymmdd or ddmmyyyy).
COMPACT_DATE = r"(?:\p{L}[\-_.]?|^\{?)([0-9]{8})([^0-9]|$)"   # HC-12031985, 12031985-01, {12031985-…} too
# A date with a two-digit year as the whole value (12-03-85 as a veroorzaker's id: an outside
# attack, December 2026, loaded): no code has that shape, and the year cannot tell old from new,
# so such a value counts where it is the odd shape out of its column (PASTED_SHARE).
SHORT_YEAR_DATE = r"^[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{2}$"

# --- free text ----------------------------------------------------------------------------------
NOTE_WORDS = 12            # one value this long is a note, never a category label
TEXT_MEDIAN_WORDS, TEXT_MEDIAN_CHARS = 5, 25  # a column whose typical value is a sentence
SENTENCE_WORDS, SENTENCE_CHARS = 6, 40
SENTENCE_DISTINCT = 3
CATEGORY_NOTE_WORDS = 3    # an unlisted value this long in a category column is typed text

# --- names by value -----------------------------------------------------------------------------
TUSSENVOEGSEL = r"(van|de|der|den|het|ter|ten|te|op|in|'t|van de|van der|van den|van het|in 't|op de)"
CAPITALISED = r"\p{Lu}\p{Ll}+(-\p{Lu}\p{Ll}+)?"
SURNAME = r"(\p{Lu}\p{Ll}+|\p{Lu}{2,})"   # capitalised, or in capitals
PERSON_NAME = rf"^(({CAPITALISED} ){{1,2}}|(\p{{Lu}}\. ?)+)({TUSSENVOEGSEL} )?{CAPITALISED}$"
# A surname before its initials, as registers list people ('Jansen, J.', 'DE VRIES, J.P.',
# 'Jansen J.P.'; an outside attack typed them into category columns): a name in any column.
# Without a comma one initial reads as a category does ('Blok C.', 'Fase B', 'LABEL A': a second
# attack's false refusals), so it takes two, with dots.
# a surname with its tussenvoegsels, one or two of them ('van der Berg-de Vries')
FULL_SURNAME = rf"((?i:{TUSSENVOEGSEL}) )?{SURNAME}([\- ]((?i:{TUSSENVOEGSEL}) )?{SURNAME})?"
SURNAME_INITIALS = "^" + FULL_SURNAME + r"(, ?(\p{Lu}\.? ?){1,4}| (\p{Lu}\. ?){2,4})$"
NAME_MIN_VALUES, NAME_SHARE, NAME_DISTINCT_SHARE = 5, 0.8, 0.8
# A name as registers write one, within a text a person wrote (a cell's note, a text box, a
# chart's title, a page header, a cell of another sheet): 'Cliënt: Jansen, J.', 'zie Jansen
# J.P.', 'J.P. de Vries belde', 'met J. de Vries'; an outside attack had each accepted in a short
# note (a long one is refused as free text). Within a text an initial takes its dot. One initial
# before a capitalised word is how a label reads too ('Wijk: C. Centrum', 'bijlage B.
# Toelichting', 'Prioriteit: A. Hoog': a second attack's false refusals), so it counts with a
# tussenvoegsel between them or after a word that says a person follows ('door J. Bakker', 'huurder
# J. Yilmaz', 'zoon van J. Jansen'). After a role a capitalised word alone is an organisation or
# a language as often ('mentor Pameijer', 'huurder Turkstalig', 'cliënt van Antes': a third
# attack's), so there it takes initials or a tussenvoegsel other than 'van' ('cliënt: de Vries');
# after a preposition not even that ('aan de Mathenesserlaan').
NAME_START = r"(?:^|[^\p{L}\p{N}.'])"
PERSON_ROLE = (r"(?i:cli[eë]nt|huurder|bewoner|mentor|begeleider|behandelaar|hulpverlener|casemanager|melder"
               r"|moeder|vader|zoon|dochter|broer|zus|buurman|buurvrouw|naam)")
PERSON_FOLLOWS = rf"(?i:door|met|aan|bel|bellen|gebeld|gesproken|t\.a\.v\.|tav|{PERSON_ROLE})"
PARTICLE = r"(El|Al|Abu|Ben|Ait)"   # capitalised parts of a surname ('M. El Amrani')
NOT_VAN = r"(de|der|den|het|ter|ten|te|'t|van de|van der|van den|van het|in 't|op de)"
NAME_WITHIN = "|".join((
    rf"{NAME_START}{FULL_SURNAME} *, *(\p{{Lu}}\. ?){{1,4}}",                               # Jansen, J.
    rf"{NAME_START}{FULL_SURNAME} (\p{{Lu}}\. ?){{1,3}}\p{{Lu}}(\.|$|[^\p{{L}}])",            # Jansen J.P
    rf"{NAME_START}(\p{{Lu}}\. ?){{2,4}}({TUSSENVOEGSEL} ){{0,3}}{CAPITALISED}",              # J.P. (de) Vries
    rf"{NAME_START}\p{{Lu}}\. ?({TUSSENVOEGSEL} |{PARTICLE} ){{1,3}}{CAPITALISED}",            # J. de Vries
    rf"{NAME_START}{PERSON_FOLLOWS} *[:/\-]? *(van )?\p{{Lu}}\. ?{CAPITALISED}",               # door J. Bakker
    rf"{NAME_START}{PERSON_ROLE} *[:/\-]? *{NOT_VAN} {CAPITALISED}",                            # cliënt: de Vries
))
# Abbreviations, legal forms and bodies written with dots are no initials ('N.B. Dit geldt',
# 'Havensteder B.V.', 'overleg met G.G.D. Rotterdam', 'Zorgaanbieder, K.v.K. 24123456': attacks'
# false refusals) and read as a blank before names are looked for; after a comma, those that can
# be initials are a person's ('Jansen, N.V.'). T.a.v. stays: a name follows it. Nor are initials
# before a point of the compass, a centre or the city ('Afdeling: W.B. Noord', 'met H.F.
# Rotterdam'). The first pattern runs twice: a match takes the character before the next one.
ABBREVIATIONS = ("NB", "PS", "BV", "NV", "CV", "VOF", "NVT", "MVG", "AUB", "GGD", "GGZ", "UWV", "SVB", "CBS",
                 "OBI", "CAK", "CJG", "RET", "WMO", "WLZ", "PGB", "IND", "DUO", "AVG", "ZRM")
_ABBREVIATION = (r"(^|[^,] |[^\p{L}, ])(?i:" + "|".join(r"\. ?".join(word) for word in ABBREVIATIONS) + r")\.", "$1 ")
NOT_INITIALS = (
    _ABBREVIATION, _ABBREVIATION,
    (r"K\. ?v\. ?K\.?", " "),   # a small v is no initial: after a comma too
    (r"(^|[^\p{L}])(\p{L}\. ?)+(Noord|Zuid|Oost|West|Centrum|Midden|Rotterdam)([^\p{L}]|$)", "$1 "),
)
# A word in an id (HC-jansen-01, HC-JDEVRIES, VHE-Jan.de.Vries, Fam-Yilmaz: an outside attack had
# each accepted): ids are codes, and a word of three or more letters that the column's other ids
# do not share is taken for a name. Judged as the odd shape out (at most PASTED_SHARE of the
# distinct ids hold such a word: a column of building names is a scheme); a word in more than that
# share of the ids (the prefix VHE, a district) is the scheme's own, and in a column of hex codes
# a word of hex letters only (a-f) is a random code's chance. A few words stand for "no id" and
# are no name. A street's name is not spared (CX-Mathenesserlaan alone among numbers is refused):
# van Dijk and van der Wal end as streets do. An id not of an id's form (contract_sql.ID_PATTERN:
# a space, a formula) never loads: the contract sets its row aside.
ID_WORD = r"\p{L}{3,}"
# A word in one id alone is never the scheme's: in a column of four ids or fewer (a month with
# two veroorzakers) one id is more than PASTED_SHARE of them, and HC-FatimaElAmrani beside
# HC-0005356, or alone, passed for the scheme (own attack, December 2026). There a short word
# that starts the id (VHE-000123, OVL-, at most SCHEME_PREFIX_LETTERS) is still taken for the
# scheme's prefix: such a column cannot show its scheme otherwise. (A surname of three or four
# letters opening an id of such a column, Bos-01, goes through.)
SCHEME_PREFIX_LETTERS = 4
# ... and in the ids of records (a contract, a trajectory, a report), where the odd words are most
# of the ids: names, when there is about one word for each id and they read as words (a second
# outside attack: every melding_id a surname and a number, every veroorzaker id a surname, a lone
# one alone in its file). Dutch and other names hold a vowel in about two letters of five; the
# letters of a random code (base 32) one in four. A place's id may be named (a complex after its
# street): the contract marks it (`place: true`).
ID_NAMES_PER_ID = 0.5    # a surname in two ids at most on average; 45 buurt names in 150 ids are 0.3
ID_NAME_VOWELS = 0.32
VOWEL = "[aeiouyàáâäãåèéêëìíîïòóôöõùúûüÿ]"
# ... nor are the words of a place or an object a corporation lets: a Rotterdam buurt or wijk
# (VHE-Tarwewijk-0001, OM-OudIJsselmonde-0001: each name in a few ids, as names are) or a garage
# among homes (HC-GARAGE-0007 among HC-0000123; outside attacks, December 2026: refused as names).
ID_OBJECT_WORDS = ("garage", "berging", "bog", "mog", "parkeerplaats", "parkeerplek", "winkel", "kantoor",
                   "bedrijfsruimte", "opslag", "carport", "stalling", "kamer", "woning", "woonwagen",
                   "standplaats", "atelier", "praktijk", "bedrijf", "maatschappelijk",
                   # homes by kind, and care units (VHE-ZORGUNIT-0001: a third attack's false refusal)
                   "zorgunit", "zorgwoning", "zorgeenheid", "groepswoning", "wooneenheid", "unit",
                   "studio", "appartement", "maisonnette", "eengezinswoning", "seniorenwoning",
                   # contract series by target group (HC-CAMPUS-0001 among HC-0000123: a fourth
                   # attack's false refusal)
                   "campus", "jongeren", "jongerenwoning", "student", "studenten", "senioren",
                   "starters", "tijdelijk", "flex", "flexwonen")


@lru_cache(maxsize=1)
def _id_place_words() -> frozenset[str]:
    """Each shipped place name as one word, lower-case, accents off ('Oud-IJsselmonde':
    oudijsselmonde). Not its parts: 'Prins Alexander' holds a first name."""
    words = set(ID_OBJECT_WORDS)
    for name in rotterdam_place_names():
        plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
        words.add(re.sub(r"[^a-z]", "", plain))
    return frozenset(words)


ID_PLACEHOLDER_WORDS = ("onbekend", "unknown", "nvt", "geen", "none", "null", "nil", "leeg", "empty",
                        "anoniem", "anonymous", "test", "dummy", "tijdelijk", "temp", "oud", "nieuw",
                        "new", "old", "vervallen", "overig", "other")

# --- column names -------------------------------------------------------------------------------
# The header words (FORBIDDEN_NAMES, ENTITY_WORDS, PERSON_PREFIXES) are in quality/header_words.py.
COARSE_POSTCODE_NAMES = {"pc4", "postcode4", "postcode_4", "pc_4", "postcode_pc4"}
# A word of birth beside a date in a date column ('geb. 12-03-1985'): _noted_birth_date_findings.
BIRTH_NOTE = r"(?i)(^|[^\p{L}])(geb|geboren|born|dob|(geboorte|gebdat|birth)\p{L}*)([^\p{L}]|$)"
BIRTH_PREFIXES = ("geboorte", "geboren", "gebdat", "dob", "birth")

RULE_TEXT = {
    "bsn": ("een BSN", "a BSN (citizen service number)"),
    "name": ("namen", "names"),
    "address": ("straatadressen", "street addresses"),
    "postcode_huisnummer": ("postcode met huisnummer", "postcodes with house numbers"),
    "phone": ("telefoonnummers", "phone numbers"),
    "email": ("e-mailadressen", "e-mail addresses"),
    "iban": ("bankrekeningnummers (IBAN)", "bank account numbers (IBAN)"),
    "kenteken": ("kentekens", "licence plates"),
    "birth_date": ("exacte geboortedata", "exact dates of birth"),
    "free_text": ("vrije tekst", "free-text notes"),
    "pseudonym_not_hashed": ("waarden die geen pseudoniem van de vertrouwde derde partij kunnen zijn "
                             "(een nummer of tekst, als hexadecimaal geschreven)",
                             "values that cannot be a pseudonym from the trusted third party (a number or "
                             "text written as hex)"),
    "pseudonym_unkeyed": ("pseudoniemen die een SHA-256 van een BSN zonder sleutel zijn (het BSN is terug "
                          "te rekenen)",
                          "pseudonyms that are a SHA-256 of a BSN without a key (the BSN can be computed "
                          "back)"),
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
    date_columns: Collection[str] | None = None,
    categories: Mapping[str, Collection[str]] | None = None,
    id_columns: Collection[str] = (),
    place_id_columns: Collection[str] = (),
    written_columns: Collection[str] = (),
) -> list[PrivacyFinding]:
    """All privacy findings in an all-string frame; an empty list means the file may load.

    `date_columns`: the columns agreed to hold dates; when given, an old full date anywhere else
    is taken for a date of birth. `categories`: agreed values per category column; a value
    outside the list that reads as a person's name is a name. `id_columns`: the columns agreed
    to hold codes; a word only a few of their values hold is a name, and so are words that read
    as words and each stand in about one id, unless the id is a place's (`place_id_columns`, of
    `id_columns`: a complex may be named after its street). `written_columns`: columns of texts
    a person wrote (a workbook's notes, text boxes, other sheets), where a name written as
    registers write one counts within the text too ('Cliënt: Jansen, J.').
    """
    frame = _folded(frame.select(pl.all().cast(pl.String)))
    pseudonyms = {_key(name) for name in pseudonym_columns}
    allowed = {_key(name) for name in allowed_columns or ()}
    pseudonym_cols = [c for c in frame.columns if _key(c) in pseudonyms]
    value_cols = [c for c in frame.columns if _key(c) not in pseudonyms]

    findings: list[PrivacyFinding] = []
    # A pseudonym column's values that are not pseudonyms: only these can hide a BSN there.
    not_pseudonyms = {}
    for column in pseudonym_cols:
        found, not_pseudonyms[column] = _pseudonym_findings(frame, column)
        findings += found
    for column in value_cols:
        findings += _column_name_findings(frame, column, allowed)
    named = {finding.column for finding in findings}
    # Each column's distinct values, computed once (all columns in one parallel polars call):
    # the value rules and the date rule share them.
    distinct = dict(zip(value_cols, (result.to_series() for result in pl.collect_all(
        [frame.lazy().select(pl.col(column).drop_nulls().unique()) for column in value_cols]))))
    gates = _open_gates(distinct)
    findings += _pattern_findings(frame, value_cols, distinct, gates)
    for column in frame.columns:  # a BSN is forbidden in any column, pseudonym columns included
        if column in not_pseudonyms:
            if not_pseudonyms[column].len():
                findings += _bsn_findings(frame, column, not_pseudonyms[column].unique())
        elif "bsn" in gates[column]:
            findings += _bsn_findings(frame, column, distinct[column])
    for column in value_cols:
        agreed = (categories or {}).get(column)
        if "free_text" in gates[column]:
            findings += _free_text_findings(frame, column, agreed)
        if column not in named and "person_name" in gates[column]:  # 'naam' is refused by name
            findings += _person_name_findings(frame, column, agreed, within_text=column in written_columns)
        if date_columns is not None and column not in named and "birth_date" in gates[column]:
            findings += (_noted_birth_date_findings if column in date_columns
                         else _stray_birth_date_findings)(frame, column, distinct[column])
        if column in id_columns and column not in named and "id_word" in gates[column]:
            findings += _word_in_id_findings(frame, column, distinct[column],
                                             record=column not in place_id_columns)
    for column in id_columns:
        if column in distinct and column not in named:
            findings += _encoded_text_findings(column, distinct[column])
    order = {name: position for position, name in enumerate(frame.columns)}
    return sorted(findings, key=lambda finding: order[finding.column])


# Ids that are text encoded as base64 or hex behind the scheme's letters (HC-MTExMjIyMzMz is
# HC- and base64 of 111222333; a third outside attack had a column of them, and an id of a name
# and phone number in hex, accepted). Text of printable ASCII has a shape in either: each byte's
# first hex digit is 2-7, and each base64 group of four starts with I-Z or a-f. Only such bodies
# are decoded, and their text is scanned as the column's own.
# Zero bytes may pad the hex on either side (an e-mail in hex padded to 64 digits, a pseudonym's
# length: an outside attack, December 2026, loaded); they are dropped before the text is read.
ENCODED_WORDS = r"[A-Za-z][A-Za-z .'\-]{4,}[A-Za-z]"
ENCODED_ID = (r"^(?:[A-Za-z]{1,8}[-_.:/ ])?(?<body>(?:00)*(?:[2-7][0-9A-Fa-f]){4,}(?:00)*"
              r"|(?:[I-Za-f][A-Za-z0-9+/]{3})+(?:[I-Za-f][A-Za-z0-9+/]{2}=|[I-Za-f][A-Za-z0-9+/]==)?)$")


def _encoded_text_findings(column: str, distinct: pl.Series) -> list[PrivacyFinding]:
    """The findings in the text the ids of `column` (its distinct values) encode (ENCODED_ID)."""
    bodies = distinct.str.extract(ENCODED_ID, 1).drop_nulls()
    texts, hexed = [], []
    for body in bodies.to_list():
        is_hex = len(body) % 2 == 0 and re.fullmatch("[0-9A-Fa-f]+", body)
        try:
            raw = bytes.fromhex(body) if is_hex else base64.b64decode(body, validate=True)
        except ValueError:
            continue
        raw = raw.strip(b"\0")
        if raw.isascii() and raw.decode("ascii").isprintable():
            texts.append(raw.decode("ascii"))
            if is_hex and re.search("[A-Fa-f]", body):
                hexed.append(texts[-1])   # (a number's digits are no hex: 12 random digits read as letters too often)
    if not texts:
        return []
    findings = [replace(finding, column=column) for finding in
                scan(pl.DataFrame({column: texts}), pseudonym_columns=(), date_columns=())]
    # Words in hex are text, whatever they are (HC- and 'Jan Jansen' in hex: an outside attack,
    # December 2026, loaded; a name without initials is no finding in text): six or more letters,
    # spaces, dots, hyphens, from hex with a letter in it (twelve random hex digits decode so about
    # once in 10,000; base64 of random letters and a number's digits far more often), unless the
    # column's ids are hex codes, where that is chance too.
    worded = [text for text in hexed if re.fullmatch(ENCODED_WORDS, text)]
    if findings or not worded or _hex_codes_of(distinct).len():
        return findings
    return [_finding(
        "free_text", column, len(worded), mask(worded[0], "free_text"),
        "An id holds text written as hex; an id is a code, never text (a name, an address). "
        "Take the text out of it.",
        "Een code bevat tekst, als hexadecimaal geschreven; een code is nooit tekst (een naam, een "
        "adres). Haal de tekst eruit.")]


@lru_cache(maxsize=1)
def _other_digits() -> tuple[list[str], list[str]]:
    """Decimal digits of other scripts, which NFKC leaves as they are (Arabic-Indic, Devanagari,
    Osmanya, ...), and their ASCII digits: all 650 lie below U+20000 (found once, when a file
    holds non-ASCII text: 26 ms)."""
    digits = [chr(c) for c in range(0x80, 0x20000) if unicodedata.category(chr(c)) == "Nd"]
    return digits, [str(unicodedata.digit(c)) for c in digits]


def _ascii_digits(values: pl.Expr) -> pl.Expr:
    return values.str.replace_many(*_other_digits())


def _folded(frame: pl.DataFrame) -> pl.DataFrame:
    """Unicode tricks undone before any rule looks: full-width digits and letters folded (NFKC),
    accents and dots taken off letters (ṄL91 ABNA..., 5-ŻD-123 read as an IBAN and a plate, as a
    reader reads them), look-alike letters in a code read as the Latin ones they show (LOOKALIKES),
    zero-width characters and soft hyphens removed, no-break spaces made spaces. Only columns
    holding non-ASCII text pay for it."""
    # A non-ASCII character takes more than one byte: comparing lengths finds those columns
    # without a regex over every byte (all columns in one call).
    if frame.width == 0:
        return frame
    non_ascii = frame.select((pl.all().str.len_bytes() != pl.all().str.len_chars()).any()).row(0)
    folded = []
    for column, has_non_ascii in zip(frame.columns, non_ascii):
        values = pl.col(column)
        if has_non_ascii:
            # decomposed first, so a letter's accents are marks of their own (\p{Mn}) to drop, as
            # are enclosing marks (\p{Me}: U+20E3 makes a digit a keycap)
            values = (_ascii_digits(values.str.replace_all("[\u24b6\u24d0]", "@")   # Ⓐ ⓐ, before NFKC reads an A
                                    .str.normalize("NFKD").str.replace_all(r"[\p{Mn}\p{Me}]", "")
                                    .str.normalize("NFKC")).str.replace_all(INVISIBLE, "")
                      .str.replace_all(r"[\u00a0\u2007\u202f\u1680\u2028\u2029]", " ")   # spaces NFKC keeps
                      # typographic dashes, and a middle dot between groups as a dash (not a
                      # bullet: that ends an item of a list, '3046 • 3087', which is no BSN)
                      .str.replace_all(r"[\u2010-\u2015\u2212\u00b7\u30fb]", "-")
                      # marks that look like an apostrophe as one (444ʼ978‘690: autocorrect and
                      # keyboard layouts write them; an outside attack, December 2026), and an
                      # ideographic full stop as a dot (jansen@ziggo。nl)
                      .str.replace_all(APOSTROPHES, "'").str.replace_all("\u3002", ".", literal=True))
            values = (pl.when(values.str.contains(LOOKALIKE_IN_A_CODE))
                      .then(values.str.replace_many(list(LOOKALIKES), list(LOOKALIKES.values())))
                      .otherwise(values))
        folded.append(values)
    return frame.select(folded)


# Gates: for each rule, a condition every value it could find must meet (each rule's own first
# pass, or looser). All gates of all columns run in one parallel polars call; a rule then runs
# only on the columns whose gate is open. Small files spent most of their time in the fixed
# cost of hundreds of tiny polars calls that found nothing; a gate never decides a finding.
GATES = {
    "email": lambda v: v.str.contains(EMAIL_HINT),
    "phone": lambda v: v.str.contains(r"[0-9](?:[^0-9]*[0-9]){%d}" % (PHONE_MIN_DIGITS - 1)),
    # A token is IBAN_MIN_LENGTH letters and digits of the upper-cased value, and no character
    # upper-cases to more of them than its UTF-8 bytes (test_privacy checks each): HC-0000001
    # holds none.
    "iban": lambda v: v.str.contains(IBAN_START) & (v.str.len_bytes() >= IBAN_MIN_LENGTH),
    "kenteken": lambda v: _may_be_plate(v),
    "postcode_huisnummer": lambda v: v.str.contains(r"[1-9][0-9]{3}[ \-_.]?[A-Za-z]{2}"),
    "address": lambda v: v.str.contains(ADDRESS_SUFFIX_NUMBER) | v.str.contains(ADDRESS_CODE_SUFFIX_NUMBER),
    "name": lambda v: v.str.contains(TITLED_NAME),
    "bsn": lambda v: _may_hold_bsn(v),
    "birth_date": lambda v: v.str.contains(rf"{STRAY_DATE_HINT}|[0-9]{{8}}|{SHORT_YEAR_DATE}"),   # or a compact or short one
    "person_name": lambda v: v.str.contains(r"\p{Lu}\p{Ll}|\p{Lu}, ?\p{Lu}|\p{Lu} \p{Lu}\."),
    "id_word": lambda v: v.str.contains(ID_WORD),
    # A finding needs a value of at least three words (CATEGORY_NOTE_WORDS, the fewest).
    "free_text": lambda v: v.str.count_matches(" ", literal=True) >= CATEGORY_NOTE_WORDS - 1,
}


def _open_gates(distinct: Mapping[str, pl.Series], rules: Collection[str] = GATES) -> dict[str, set[str]]:
    """Per column, those of `rules` whose gate some distinct value passes. Every column's values
    stand in one frame, grouped by column: each gate's regex is compiled once a file, not once a
    column (a query per column took 4.2 ms for the seven columns of a small file, this 1.6 ms)."""
    opened: dict[str, set[str]] = {column: set() for column in distinct}
    if not opened:
        return opened
    columns = list(distinct)
    lengths = [series.len() for series in distinct.values()]
    values = pl.DataFrame({
        "value": pl.concat([series.rename("value") for series in distinct.values()]),
        "column": np.repeat(np.arange(len(columns), dtype=np.uint32), lengths)})
    value = pl.col("value")
    for row in values.lazy().group_by("column").agg(
            **{rule: GATES[rule](value).any() for rule in rules}).collect().iter_rows(named=True):
        column = columns[row.pop("column")]
        opened[column] = {rule for rule, open_ in row.items() if open_}
    return opened


# --------------------------------------------------------------------------------------------
# Masking and messages
# --------------------------------------------------------------------------------------------

MASKS = {
    "bsn": "[9 cijfers]", "email": "[e-mail]", "phone": "[telefoonnummer]", "iban": "[IBAN]",
    "kenteken": "[kenteken]", "postcode_huisnummer": "[postcode + huisnummer]",
    "address": "[adres]", "name": "[naam]", "birth_date": "[datum]",
    "pseudonym_not_hashed": "[64 hexadecimale tekens]", "pseudonym_unkeyed": "[64 hexadecimale tekens]",
}


def mask(value: str, rule: str) -> str:
    """The shape of a personal value as a finding shows it: never any part of the value."""
    if rule in MASKS:
        return MASKS[rule]
    return shape(value) or ""


def _finding(rule: str, column: str, count: int, example: str, fix_en: str, fix_nl: str) -> PrivacyFinding:
    what_nl, what_en = RULE_TEXT.get(rule, (rule, rule))
    rows_en = "row" if count == 1 else "rows"
    rows_nl = "rij" if count == 1 else "rijen"
    shown = f" (for example {example})" if example else ""
    shown_nl = f" (bijvoorbeeld {example})" if example else ""
    named = safe_column_name(column)  # a header can be data (no header row): quoted only if a name
    return PrivacyFinding(
        rule=rule,
        column=column,
        count=count,
        example=example,
        message_nl=f"Kolom '{named}' bevat {what_nl} in {count} {rows_nl}{shown_nl}. {fix_nl}",
        message_en=f"Column '{named}' contains {what_en} in {count} {rows_en}{shown}. {fix_en}",
    )


FIX_PSEUDONYM = (
    "Deliver the pseudonym from the trusted third party (a keyed hash), never a BSN or another "
    "number padded or written as hex.",
    "Lever het pseudoniem van de vertrouwde derde partij (een sleutel-hash), nooit een BSN of "
    "ander nummer, opgevuld of als hexadecimaal geschreven.",
)
FIX_UNKEYED = (
    "Deliver the pseudonym from the trusted third party (HMAC-SHA256 under its key); never hash "
    "the BSN yourself. Checked against a sample of BSNs: the other rows are likely the same.",
    "Lever het pseudoniem van de vertrouwde derde partij (HMAC-SHA256 met haar sleutel); hash het "
    "BSN nooit zelf. Nagerekend met een steekproef van BSN's: de andere rijen zijn waarschijnlijk net zo.",
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
    named = safe_column_name(column)
    return [PrivacyFinding(
        rule="forbidden_column",
        column=column,
        count=values.len(),
        example=example,
        message_nl=(
            f"De kolomnaam '{named}' wijst op {what_nl}; {values.len()} rijen zijn gevuld"
            f"{shown_nl}. Verwijder deze kolom uit de levering."
        ),
        message_en=(
            f"The column name '{named}' indicates {what_en}; {values.len()} rows are filled"
            f"{shown}. Remove this column from the export."
        ),
    )]


# --------------------------------------------------------------------------------------------
# Value patterns: e-mail, phone, IBAN, licence plate, postcode + house number, street address
# --------------------------------------------------------------------------------------------

def _email_hits(values: pl.Series) -> pl.Series:
    """Plain and obfuscated: 'j.jansen (at) example (dot) nl' is normalised to an address."""
    values = values.filter(values.str.contains(EMAIL_HINT))  # cheap first pass over ids
    normal = (values.str.replace_all(AT_LETTER, "${1}@${2}")   # already folded (NFKC): see scan
              .str.replace_all(AT_WORD, "@").str.replace_all(DOT_IN_BRACKETS, ".${1}")
              .str.replace_all(DOT_WORD, ".").str.replace_all(TLD_AFTER_OTHER_DOT, "${1}.${2}"))
    return values.filter(normal.str.contains(EMAIL))


def _phone_hits(values: pl.Series) -> pl.Series:
    """Dutch numbers in any notation; a column of ids sharing one gemeente code prefix is not."""
    # Every notation holds at least nine digits (blanking dates only removes digits): most
    # ids and codes are dropped by this count before the long patterns run.
    candidates = values.filter(values.str.count_matches(r"[0-9]") >= PHONE_MIN_DIGITS)
    text = candidates.str.replace_all(DATE_OR_TIME, " # ")
    hits = candidates.filter(text.str.contains(PHONE) | text.str.contains(PHONE_INTERNATIONAL))
    prefix = _shared_gemeente_prefix(values) if hits.len() else None
    if prefix:   # ... unless what follows the prefix is a phone number itself (0599-0612345678:
        # an outside attack, December 2026, had a column of them accepted)
        after = hits.str.replace(GEMEENTE_PREFIX, "").str.replace_all(DATE_OR_TIME, " # ")
        hits = hits.filter(~(hits.str.extract(GEMEENTE_PREFIX, 1) == prefix).fill_null(False)
                           | after.str.contains(PHONE))
    # the odd shape out: glued to letters; or nine digits where nine-digit numbers are few
    glued = candidates.filter(candidates.str.contains(PHONE_GLUED))
    numbers = candidates.filter(candidates.str.contains(r"^[0-9]{9}$"))
    dialled = pl.DataFrame({"value": candidates, "number": text.str.extract(PHONE_DIALLED_ABROAD, 0)}
                           ).drop_nulls("number")
    codes = _hex_codes_of(values) if glued.len() or dialled.height else values.clear()
    in_glued, in_dialled = glued.is_in(codes.implode()), pl.col("value").is_in(codes.implode())
    if _by_chance_in(codes.len(), int(in_glued.sum()) + dialled.filter(in_dialled).height):
        glued, dialled = glued.filter(~in_glued), dialled.filter(~in_dialled)
    else:   # beyond chance in random codes: no scheme, however many (every UUID ending in ab06…)
        hits = pl.concat([hits, glued.filter(in_glued), dialled.filter(in_dialled)["value"]])
    pasted = [glued, numbers.filter(numbers.str.contains(PHONE_ZERO_LOST)), dialled["value"]]
    shares = [glued.len(), numbers.len(), dialled.height]
    if dialled.height <= PASTED_SHARE * values.len():   # only then worth checking each number
        pasted[2] = dialled.filter(pl.col("number").map_elements(_dialled_abroad, return_dtype=pl.Boolean))["value"]
    return pl.concat([hits, *(p for p, n in zip(pasted, shares) if n <= PASTED_SHARE * values.len())]).unique()


def _hex_codes_of(values: pl.Series) -> pl.Series:
    """The values that are hex codes of the column's usual form (HEX_CODE, with a letter in the
    code: a column of numbers is no hex code; the same prefix and length), where at least
    HEX_CODE_SHARE of the column are: shapes a random code holds by chance are no finding there.
    A value of another form (a phone number among UUIDs) is judged as any other."""
    parts = values.str.extract_groups(HEX_CODE)
    # letters of the scheme before a dash are its prefix, not the code's: C-2024-0000 is no hex
    # code (a second outside attack's C-691417775 among them was loaded, judged as a UUID's chance)
    letters = parts.struct.field("body").str.replace(r"^[A-Fa-f]{1,8}-", "").str.contains("[A-Fa-f]")
    codes = _of_usual_form(values, parts, letters.fill_null(False))
    return codes["value"]


def _random_codes_of(values: pl.Series) -> pl.Series:
    """The values that are codes of random letters and digits (RANDOM_CODE: base 32, base 36) of
    the column's usual form, where at least HEX_CODE_SHARE of the column are and their letters
    and digits stand in many different places (RANDOM_CODE_SHAPES; HC0000123 is a numbered scheme,
    with one). A random code may hold no digit (a fifth of 8-character base-32 codes) or no letter."""
    parts = values.str.extract_groups(RANDOM_CODE)
    codes = _of_usual_form(values, parts, parts.struct.field("body").is_not_null())
    shapes = codes["body"].str.replace_all("[0-9]", "0").str.replace_all("[A-Za-z]", "a").n_unique()
    return codes["value"] if shapes >= RANDOM_CODE_SHAPES else values.clear()


def _of_usual_form(values: pl.Series, parts: pl.Series, is_code: pl.Series) -> pl.DataFrame:
    """(value, body) of the codes (`is_code`; `parts`: their prefix and body) of the column's usual
    prefix and length, or none where fewer than HEX_CODE_SHARE of the column (and HEX_CODE_MIN)
    are codes."""
    forms = pl.DataFrame({"value": values, "prefix": parts.struct.field("prefix").fill_null(""),
                          "body": parts.struct.field("body"), "length": values.str.len_chars()}).filter(is_code)
    if forms.height < max(HEX_CODE_SHARE * values.len(), HEX_CODE_MIN):
        return forms.clear()
    usual = forms.group_by("prefix", "length").len().sort(
        ["len", "prefix", "length"], descending=[True, False, False]).row(0, named=True)
    return forms.filter((pl.col("prefix") == usual["prefix"]) & (pl.col("length") == usual["length"]))


def _by_chance_in(codes: int, hits: int) -> bool:
    """Are `hits` among a column's `codes` hex codes few enough to be random codes' chance?"""
    return hits <= max(HEX_CHANCE_MIN, HEX_CHANCE_SHARE * codes)


def _dialled_abroad(number: str) -> bool:
    """Is '00 40 721 234 567' a valid foreign number (country code and national number)?"""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + re.sub(r"[^0-9]", "", number)[2:]))
    except phonenumbers.NumberParseException:
        return False


def _shared_gemeente_prefix(values: pl.Series) -> str | None:
    """'0599' when (almost) every value is '0599-…': an id numbered per gemeente, not a phone."""
    prefixes = values.str.extract(GEMEENTE_PREFIX, 1)
    if (values.len() < GEMEENTE_PREFIX_MIN
            or prefixes.null_count() > (1 - GEMEENTE_PREFIX_SHARE) * values.len()):
        return None
    common = prefixes.drop_nulls().mode()
    share = (prefixes == common[0]).sum() / values.len() if common.len() == 1 else 0
    return common[0] if share >= GEMEENTE_PREFIX_SHARE else None


def _iban_hits(values: pl.Series) -> pl.Series:
    """IBAN-shaped tokens that pass mod-97 (python-stdnum), judged against chance per column; in
    a column of hex codes, its codes apart from the rest: the tokens random UUIDs hold by chance
    would hide one IBAN pasted among them, and a column of Belgian IBANs (BE68539007547034) is hex
    codes too."""
    codes = _hex_codes_of(values)
    if codes.len() == 0:
        return _iban_hits_judged(values)
    others = values.filter(~values.is_in(codes.implode()))
    return pl.concat([_iban_hits_judged(others), _iban_hits_judged(codes)])


def _iban_hits_judged(values: pl.Series) -> pl.Series:
    """The values of `values` holding an IBAN, judged against chance together. (One IBAN across a
    UUID's dashes, BE68539007547034 among 300 UUIDs, is not found: a third outside attack. Taken
    as never chance, it refused one clean column of 500 braced UUIDs in a hundred, for an Andorran
    IBAN, whose account part may hold letters, read in a UUID's hex.)"""
    values = values.filter(values.str.contains(IBAN_START))
    # Groups may be split by any separator a hand-typed IBAN holds, or two (NL91_ABNA_0417_1643_00,
    # NL91--ABNA--..., NL91|ABNA|...): each run of them is read as the one space IBAN_TOKEN expects.
    tokens = pl.DataFrame({"value": values}).with_columns(
        token=pl.col("value").str.to_uppercase().str.replace_all(rf"{IBAN_SEPARATOR}+", " ").str.extract_all(IBAN_TOKEN)
    ).explode("token").drop_nulls("token")
    tokens = pl.concat([tokens, _glued_iban_tokens(values)])
    if tokens.height == 0:
        return values.clear()
    tokens = tokens.with_columns(
        valid=pl.col("token").map_elements(_valid_iban_prefix, return_dtype=pl.Boolean))
    # A value read as a valid IBAN one way is not also a chance failure read another way
    # ('HC00012NL91ABNA…' whole, beside the IBAN from its 'NL'): one reading per value counts.
    tokens = tokens.filter(pl.col("valid") | ~pl.col("valid").any().over("value"))
    distinct = tokens.unique("token")
    if not _beyond_chance(int(distinct["valid"].sum()), distinct.height, IBAN_CHANCE):
        return values.clear()
    return tokens.filter("valid")["value"].unique()


def _glued_iban_tokens(values: pl.Series) -> pl.DataFrame:
    """(value, token) for every IBAN-shaped run that starts right after a letter or digit, or at
    the value's start, read with the separators an id allows taken out ('HC NL91 ABNA 0417 1643
    00', 'NL9 1AB NA0 417 164 300' too): each start inside the value is a token of its own,
    judged like any token against chance. Pseudonyms (64 hex digits) hold no IBAN: every
    country code has a letter past 'F'."""
    values = values.filter(~values.str.contains(PSEUDONYM))
    joined = values.str.to_uppercase().str.replace_all(rf"{IBAN_SEPARATOR}+", "")
    glued = pl.DataFrame({"value": values, "joined": joined}).filter(pl.col("joined").str.contains(IBAN_GLUED))
    # A run at the value's very start is how many ids begin ('HC-0000025…' reads 'HC0000025…'):
    # kept only when it is a valid IBAN, so it does not count as a chance failure of the column.
    pairs = [(value, match.group(1)) for value, text in glued.iter_rows()
             for match in IBAN_GLUED_STARTS.finditer(text)
             if match.start() or _valid_iban_prefix(match.group(1))]
    return pl.DataFrame(pairs, schema={"value": pl.String, "token": pl.String}, orient="row")


def _valid_iban_prefix(token: str) -> bool:
    """A token may run into the next word ('NL91 ABNA 0417 1643 00 BETAALD'): try its prefixes.
    Valid is the country's format and mod-97, not the country's own bank registry: an account at
    a bank python-stdnum does not list is an account all the same (an outside attacker's Belgian
    IBAN passed as an unknown bank's, December 2026)."""
    compact = token.replace(" ", "")
    return any(stdnum_iban.is_valid(compact[:end], check_country=False)
               for end in range(len(compact), IBAN_MIN_LENGTH - 1, -1))


def _may_be_plate(values: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """What every hit of _plate_hits is: letters and digits, with two dashes or spaces (a dashed
    plate) or at most six characters besides them (a compact one is six once upper-cased, and
    upper-casing makes no character fewer, nor a dash or space: test_privacy checks each). An id
    such as HC-0000001 is neither."""
    separators = values.str.count_matches("-", literal=True) + values.str.count_matches(" ", literal=True)
    return (values.str.contains(r"[A-Za-z]") & values.str.contains(r"[0-9]")
            & ((separators >= 2) | (values.str.len_chars() - separators <= 6)))


def _plate_hits(values: pl.Series) -> pl.Series:
    """A dashed modern plate (sidecodes 4-14) anywhere; otherwise a column that is mostly plates
    with varied letters (constant-prefix codes such as 'HC0012' are not)."""
    values = values.filter(values.str.contains(r"[A-Za-z]") & values.str.contains(r"[0-9]"))
    upper = values.str.to_uppercase()
    # Cheap first passes (filters before the long patterns run), counting dashes and spaces
    # without a regex: a dashed plate has two of them, and a compact plate is six characters.
    separators = (upper.str.count_matches("-", literal=True)
                  + upper.str.count_matches(" ", literal=True))
    separated = values.filter(separators >= 2)
    dashed = separated.filter(separated.str.to_uppercase().str.contains(PLATE_DASHED))
    six = upper.filter((upper.str.len_bytes() - separators) == 6).str.replace_all(r"[\- ]", "")
    plates = six.filter(six.str.contains(PLATE_ANY))
    if plates.len() >= 3 and plates.len() >= PLATE_SHARE * values.len():
        letters = plates.str.replace_all("[0-9]", "")
        if letters.n_unique() >= PLATE_SHARE * plates.len():
            compact = upper.str.replace_all(r"[\- ]", "")
            return values.filter(compact.is_in(plates.implode()) | values.is_in(dashed.implode()))
    return dashed


def _postcode_hits(values: pl.Series) -> pl.Series:
    """Postcode-6 with a house number, also glued into ids (behind letters: as the odd shape out);
    not structured codes.

    A house number never starts with 0 ('2024HV0012' is a sequence number), and a column whose
    every match shares the same four digits, letters and number width is a code scheme. In a
    column of hex codes (UUIDs), hex codes whose 'postcode' letters are hex digits too are chance
    while they are few.
    """
    column, total = values, values.len()
    values = values.filter(values.str.contains(r"[1-9][0-9]{3}[ \-_.]?[A-Za-z]{2}"))
    parts = pl.DataFrame({"value": values}).with_columns(
        part=pl.col("value").str.extract_groups(POSTCODE_HOUSE_NUMBER)).unnest("part")
    glued = parts.filter(pl.col("pc").is_null()).select("value").with_columns(
        part=pl.col("value").str.extract_groups(POSTCODE_GLUED)).unnest("part").filter(pl.col("pc").is_not_null())
    if 0 < glued.height <= PASTED_SHARE * total:
        named = ["value", "pc", "sep", "letters", "number"]
        parts = pl.concat([parts.filter(pl.col("pc").is_not_null()).select(named), glued.select(named)])
    if parts.filter(pl.col("pc").is_not_null()).height == 0:
        return column.clear()
    # codes of random letters and digits (base 32: TRJ-3352du5b reads as 3352 DU 5; a third outside
    # attack saw one clean file of 300 such ids in five refused) likewise, with letters of any kind
    codes = _hex_codes_of(column)
    code_letters = "(?i)^[a-f]{2}$" if codes.len() else "(?i)^[a-z]{2}$"
    codes = codes if codes.len() else _random_codes_of(column)
    in_codes = pl.col("value").is_in(codes.implode()) & pl.col("letters").str.contains(code_letters)
    if _by_chance_in(codes.len(), parts.filter(in_codes & pl.col("pc").is_not_null())["value"].n_unique()):
        parts = parts.filter(~in_codes)
    parts = parts.filter(
        pl.col("pc").is_not_null() & ~pl.col("number").str.starts_with("0")
        # lower-case letters only glued on ('3024ab12'); '2024 en 2025' is a sentence
        & ~((pl.col("letters") == pl.col("letters").str.to_lowercase()) & (pl.col("sep") == " ")))
    width = pl.col("number").str.len_chars()
    if parts.height >= 5 and all(parts.select(
            (pl.col("pc").n_unique() == 1).alias("one_pc"),
            (pl.col("letters").str.to_uppercase().n_unique() == 1).alias("one_letters"),
            (width.n_unique() == 1).alias("one_width"), (width.min() >= 3).alias("wide")).row(0)):
        return values.clear()
    return parts["value"].unique()


def _address_hits(values: pl.Series) -> pl.Series:
    """'Schiedamseweg 12': a street word and a house number, sought only where both occur. Codes
    of random letters and digits hold one now and then (TRJ-…hof2…): there, only beyond chance."""
    candidates = values.filter(values.str.contains(ADDRESS_SUFFIX_NUMBER)
                               | values.str.contains(ADDRESS_CODE_SUFFIX_NUMBER))
    hits = candidates.filter(candidates.str.contains(ADDRESS) | candidates.str.contains(ADDRESS_CODE))
    # A Rotterdam buurt's name ends as a street does (Bloemhof, Zuiderpark): its complexes
    # numbered after it in a code (Bloemhof-1) are no address (a second outside attack's false
    # refusal); a street named after it (Bloemhofstraat 12), and any written as an address with a
    # space (Zuidplein 2: a square too), still are.
    codes_only = hits.filter(~hits.str.contains(ADDRESS))
    named = codes_only.str.extract(rf"(?i)(\p{{L}}+(?:{STREET_SUFFIXES}))[\-_]?[1-9]", 1).str.to_lowercase()
    hits = hits.filter(~hits.is_in(codes_only.filter(named.is_in(list(_id_place_words())).fill_null(False)).implode()))
    codes = _random_codes_of(values) if hits.len() else values.clear()
    in_codes = hits.is_in(codes.implode())
    return hits.filter(~in_codes) if _by_chance_in(codes.len(), int(in_codes.sum())) else hits


def _titled_name_hits(values: pl.Series) -> pl.Series:
    """'dhr. Jansen', 'mevr. de Vries', 'Mw. J. Bakker': a title before a name is a person."""
    return values.filter(values.str.contains(TITLED_NAME))


VALUE_RULES = {
    "email": _email_hits,
    "phone": _phone_hits,
    "iban": _iban_hits,
    "kenteken": _plate_hits,
    "postcode_huisnummer": _postcode_hits,
    "address": _address_hits,
    "name": _titled_name_hits,
}


# Ids join their parts with underscores, colons, dots, slashes or plus signs: HC_0612345678,
# 3024AB:12, Schiedamseweg.12B, Dhr/Jansen/01, Mathenesserlaan+110, 99.XXB.1 (two outside attacks,
# December 2026, had each loaded). Every rule also reads such values with those as spaces; a hit
# found only so counts as the odd shape out of its column (PASTED_SHARE), as a phone glued to
# letters does: a column of VHE_06... ids is a scheme.
JOINED = r"[_:./+]+"


def _joined_hits(rule: str, joined: pl.Series, spaced: pl.Series, found: pl.Series, of: int) -> pl.Series:
    """Those of the `joined` values (`spaced`: with those joining characters as spaces, and the
    rule's gate open on them) that `rule` finds only as spaced, when they are few enough among the
    column's `of` distinct values to be pasted in, else none."""
    hits = joined.filter(spaced.is_in(VALUE_RULES[rule](spaced).implode()) & ~joined.is_in(found.implode()))
    return hits if hits.len() <= PASTED_SHARE * of else joined.clear()


def _pattern_findings(frame: pl.DataFrame, columns: list[str],
                      distinct_values: Mapping[str, pl.Series],
                      gates: Mapping[str, set[str]]) -> list[PrivacyFinding]:
    """Each rule on the distinct values of each column (a category column has few), normalised
    by the rule; the findings count the rows holding a hit. `gates`: the rules that may hit."""
    findings = []
    # Per column, its values with joining characters (`joined`) and those read with them as spaces
    # (`spaced`); then the gates of every column's spaced values in one call (a column of
    # amounts, 12.50, has them all).
    joined_of, spaced_of = {}, {}
    for column in columns:
        distinct = distinct_values[column]
        joined = distinct.filter(distinct.str.contains(JOINED))
        if joined.len() == 0:
            continue
        # a date is blanked before its joins become spaces, as it is for the phone rule
        # (TR_02_03_2025_29 spaced read as 020-3202529); not in a hex code of the column's form
        # (TRJ_<uuid>), whose digits read as a date by chance and whose form the rules spare
        codes = _hex_codes_of(distinct)
        joined_of[column] = joined
        spaced_of[column] = pl.select(pl.when(joined.is_in(codes.implode())).then(joined)
                                      .otherwise(joined.str.replace_all(DATE_OR_TIME, " # "))
                                      .str.replace_all(JOINED, " ")).to_series()
    spaced_gates = _open_gates(spaced_of, VALUE_RULES)
    for column in columns:
        distinct = distinct_values[column]
        if distinct.len() == 0:
            continue
        joined, spaced = joined_of.get(column), spaced_of.get(column)
        for rule, hits_of in VALUE_RULES.items():
            hits = hits_of(distinct) if rule in gates[column] else distinct.clear()
            if rule in spaced_gates.get(column, ()):
                hits = pl.concat([hits, _joined_hits(rule, joined, spaced, hits, distinct.len())])
            if hits.len():
                count = int(frame[column].is_in(hits.implode()).sum())
                findings.append(_finding(rule, column, count, mask("", rule), *FIX_REMOVE))
    return findings


# --------------------------------------------------------------------------------------------
# BSN
# --------------------------------------------------------------------------------------------

BSN_MESSAGE = (
    "Replace every BSN by the pseudonym (persoon_pseudoniem) from the trusted third party.",
    "Vervang elk BSN door het pseudoniem (persoon_pseudoniem) van de vertrouwde derde partij.",
)


def _bsn_findings(frame: pl.DataFrame, column: str,
                  distinct: pl.Series | None = None) -> list[PrivacyFinding]:
    """A column holds BSNs when its candidates of one kind pass the 11-test far above chance.

    Kinds (see `_bsn_candidates`) are judged apart: whole numbers, numbers glued to letters, and
    the first or last nine digits of a longer run. Beside the word "bsn" one valid number is
    enough (zero tolerance).
    """
    # Distinct cells (`distinct`, when the caller has them): a column repeats its values, the
    # rules need not. Rows are counted only for the cells found.
    if distinct is None:
        values = frame[column].drop_nulls()
        distinct = values.filter(~_hashed(values)).unique()
    cells = distinct.filter(distinct.str.contains(rf"[0-9]({DIGIT_SEPARATORS})?[0-9]"))
    cells = cells.filter(~_hashed(cells))
    if cells.len() == 0:
        return []
    # In a column of UUIDs, digit runs between their letters pass the 11-test by chance (one or two
    # refused a column of 500 in about a hundred; two of a kind's four, one in forty): there, a
    # kind needs three or more that pass, at odds of chance under 1 in 3.5 million.
    codes = _hex_codes_of(distinct)
    outlier = cells.len() >= BSN_OUTLIER_CELLS
    # Only cells that can hold a candidate go on (see BSN_DIGITS): most ids stop here.
    cells = pl.DataFrame({"cell": cells.filter(_may_hold_bsn(cells))}).with_row_index("row")
    candidates = _bsn_candidates(cells)
    if codes.len():
        in_codes = cells.filter(pl.col("cell").is_in(codes.implode()))["row"]
        candidates = candidates.with_columns(kind=pl.when(pl.col("row").is_in(in_codes.implode()))
                                             .then(pl.col("kind") + "_in_hex").otherwise(pl.col("kind")))
    hits = []
    for (kind,), group in candidates.group_by("kind"):
        distinct = group["number"].unique()
        sample = distinct.sample(BSN_SAMPLE, seed=0) if distinct.len() > BSN_SAMPLE else distinct
        passing_sample = _passing(sample)
        # One or two glued numbers in a column of short ids are not its numbering scheme but
        # values pasted in (HC12345678201 among HC2001..): judged like a lone 9-digit number.
        in_hex = kind.endswith("_in_hex")
        enough = (passing_sample.len() >= BSN_GLUED_MIN if in_hex
                  else kind == "number" or distinct.len() >= BSN_GLUED_MIN or outlier)
        if enough and _beyond_chance(passing_sample.len(), sample.len(), BSN_CHANCE, few=not in_hex):
            valid = _passing(distinct) if sample.len() < distinct.len() else passing_sample
            hits.append(group.filter(pl.col("number").is_in(valid.implode())))
        else:
            in_context = group.filter(pl.col("context"))
            valid = _passing(in_context["number"].unique())
            hits.append(in_context.filter(pl.col("number").is_in(valid.implode())))
    hit_rows = pl.concat(hits)["row"].unique() if hits else pl.Series(dtype=pl.UInt32)
    hit_cells = cells.filter(pl.col("row").is_in(hit_rows.implode()))["cell"]
    count = int(frame[column].is_in(hit_cells.implode()).sum()) if hit_cells.len() else 0
    if count == 0:
        return []
    return [_finding("bsn", column, count, mask("", "bsn"), *BSN_MESSAGE)]


def _may_hold_bsn(cells: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """Can a cell hold a candidate (see BSN_DIGITS, WHOLE_DATE)? Most ids and dates cannot."""
    return (cells.str.contains(r"^[0-9]{8,9}$")
            | (cells.str.contains(BSN_DIGITS) & ~cells.str.contains(WHOLE_DATE))
            | cells.str.strip_chars().str.contains(EXCEL_NUMBER))


def _bsn_candidates(cells: pl.DataFrame) -> pl.DataFrame:
    """(row, number as 9 digits, kind, context) for every place a BSN could hide in a cell.

    number: 8-9 digits standing alone, also written in groups (123 456 782, 1234.56.782,
    123-45-6782) or as an Excel number (1.23456782E8); a lost leading zero is restored.
    glued: 8-9 digits against letters (C123456782). prefix/suffix: the first or last nine
    digits of a run of 10 or more (a BSN with a sequence number: 12345678201, 123456782000001). joined: the same once
    the separators between digits are removed (A111_222_333, 1-1-1-2-2-2-3-3-3).
    """
    plain = cells.filter(pl.col("cell").str.contains(r"^[0-9]{8,9}$"))  # most BSN columns: fast
    # Zeros far beyond a sequence number's before 8-9 digits: that number, padded (a BSN padded to
    # a 64-digit contract_id, in the shape of a pseudonym, also behind HC-: outside attacks,
    # December 2026).
    padded = cells.filter(pl.col("cell").str.contains(r"(^|[^0-9])0{6,}[1-9][0-9]{7,8}$")
                          & (pl.col("cell").str.extract(r"([0-9]+)$", 1).str.len_chars() > 14))
    cells = cells.filter(~pl.col("cell").str.contains(r"^[0-9]{8,9}$")).with_columns(
        excel=pl.col("cell").str.strip_chars().str.contains(EXCEL_NUMBER),
        context=pl.col("cell").str.contains(BSN_CONTEXT))
    excel = cells.filter("excel").select(
        "row", "context", number=pl.col("cell").str.strip_chars().str.replace(",", ".")
        .cast(pl.Float64, strict=False).cast(pl.Int64, strict=False).cast(pl.String))
    text = cells.filter(~pl.col("excel"))
    grouped = pl.concat([text.select("row", "context", number=pl.col("cell").str.extract_all(pattern))
                         for pattern in (BSN_GROUPED, BSN_GROUPED_WIDE, BSN_THOUSANDS)])
    grouped = grouped.explode("number").drop_nulls("number").filter(
        ~pl.col("number").str.contains(
            r"^[0-9]{1,2}[\-./][0-9]{1,2}[\-./][0-9]{4}$|^[0-9]{4}[\-./][0-9]{1,2}[\-./][0-9]{1,2}$"
            rf"|^{YEAR_AND_FOUR}$"))
    # The digits of a cell joined across separators (see DIGIT_SEPARATORS), where that changes
    # the cell: 8-9 of them, or the first or last nine of 10 or more. Judged as glued numbers are (a
    # year and a sequence, 2024-00123, joins to nine digits too).
    joined = text.with_columns(cell=_digits_joined(pl.col("cell"))).join(
        text.select("row", "cell"), on=["row", "cell"], how="anti")
    joined = joined.select("row", "context", number=pl.col("cell").str.extract_all(BSN_RUN)).explode(
        "number").drop_nulls("number").with_columns(length=pl.col("number").str.len_chars())
    runs = text.select("row", "context", number=pl.col("cell").str.extract_all(BSN_RUN))
    runs = runs.explode("number").drop_nulls("number").with_columns(
        length=pl.col("number").str.len_chars())
    alone = text.select("row", "context", number=pl.col("cell").str.extract_all(
        rf"{B}[0-9]{{8,9}}{B}")).explode("number").drop_nulls("number")
    short = runs.filter(pl.col("length").is_between(8, 9)).join(
        alone.select("row", "number").unique(), on=["row", "number"], how="anti")
    long = runs.filter(pl.col("length").ge(10))
    parts = [
        plain.select("row", context=pl.lit(False), number=pl.col("cell"), kind=pl.lit("number")),
        padded.select("row", context=pl.lit(False), number=pl.col("cell").str.tail(9).str.strip_chars_start("0"),
                      kind=pl.lit("number")),
        pl.concat([excel, alone, grouped.with_columns(
            number=pl.col("number").str.replace_all(NUMBER_SEPARATOR, ""))]).with_columns(kind=pl.lit("number")),
        *(part.select("row", "context", "number", kind=pl.lit("joined")) for part in (
            joined.filter(pl.col("length").is_between(8, 9)),
            joined.filter(pl.col("length").ge(10)).with_columns(number=pl.col("number").str.head(9)),
            joined.filter(pl.col("length").ge(10)).with_columns(number=pl.col("number").str.tail(9)))),
        short.select("row", "context", "number", kind=pl.lit("glued")),
        long.select("row", "context", number=pl.col("number").str.head(9), kind=pl.lit("prefix")),
        long.select("row", "context", number=pl.col("number").str.tail(9), kind=pl.lit("suffix")),
    ]
    every = pl.concat(parts, how="diagonal").select("row", "context", "number", "kind")
    every = every.filter(pl.col("number").str.len_chars().is_between(8, 9))
    # Zero-padded sequence numbers (000123456) are not BSNs: a BSN has at least eight digits.
    return every.with_columns(number=pl.col("number").str.zfill(9)).filter(
        ~pl.col("number").str.starts_with("00"))


def _digits_joined(cell: pl.Expr) -> pl.Expr:
    """`cell` with dates, times and a year with four digits blanked and the separators between
    two digits removed. Each pass joins at least every other pair of a chain, so four passes join
    the eight gaps of 9 digits."""
    joined = cell.str.replace_all(DATE_OR_TIME, " # ").str.replace_all(rf"{B}{YEAR_AND_FOUR}{B}", " # ")
    for _ in range(4):
        joined = joined.str.replace_all(rf"([0-9]){DIGIT_SEPARATORS}([0-9])", "${1}${2}")
    return joined


def _passing(numbers: pl.Series) -> pl.Series:
    """Numbers passing the 11-test, checked by python-stdnum (the maintained reference)."""
    if numbers.len() == 0:
        return numbers
    return numbers.filter(numbers.map_elements(stdnum_bsn.is_valid, return_dtype=pl.Boolean))


def _beyond_chance(passing: int, total: int, chance: float, few: bool = True) -> bool:
    """True when the share passing a checksum cannot be explained by chance (1 in 11 for the
    11-test, 1 in 97 for mod-97).

    Few values: all must pass (two random numbers both pass the 11-test 1 time in 121). From
    three values: half passing, or more than five standard deviations above the chance rate,
    which finds a BSN column mixed into an id column while 10,000 random ids (about 9% passing)
    stay clear. `few=False`: where a column offers a few candidates of a kind by chance (the digit
    runs of UUIDs: 3 of 6 passed in one column of 500 in 150), the binomial tail itself, at the
    odds five standard deviations promise: at 11 candidates the normal approximation let 6
    passing through as beyond chance, which happens once in 6,000.
    """
    if total == 0 or passing == 0:
        return False
    if not few:
        return _binomial_tail(passing, total, chance) < BSN_FALSE_ALARM
    if few and total < 3:
        return passing == total
    if few and passing >= 0.5 * total:
        return True
    expected = total * chance
    spread = math.sqrt(total * chance * (1 - chance))
    return passing > expected + BSN_Z * spread


def _binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (scipy.stats would cost the
    `check` command half a second to import)."""
    def term(j: int) -> float:
        return math.exp(math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                        + j * math.log(p) + (n - j) * math.log1p(-p))
    return sum(term(j) for j in range(k, n + 1))


# --------------------------------------------------------------------------------------------
# Pseudonyms, free text, names
# --------------------------------------------------------------------------------------------

def _hashed(values: pl.Series) -> pl.Series:
    """Per value: a pseudonym that looks like a keyed hash (PSEUDONYM, not NOT_HASHED). Those hold
    no BSN; a number padded to that shape (000...123456782) may, in any column."""
    return values.str.contains(PSEUDONYM) & ~values.str.contains(NOT_HASHED)


# A keyed hash's characters are hex digits at random, so a place in it holds PLANTED_DIGITS decimal
# digits in a row in (10/16)^8 = 2.3% of the pseudonyms, and nine that pass the 11-test in about
# (10/16)^9 / 11 = 0.13%. Far more at the same place is a number written into them: a BSN, a
# phone number or a date of birth at the end, the start or the middle of the pseudonyms (an
# outside attack, December 2026), each value well-formed and random-looking. One test per place,
# so the odds are divided by the places. A number written in at a place of its own in each
# pseudonym (the next attack) is found by how many hold such digits anywhere: eight in a row in
# about 40% of keyed hashes (exactly: _chance_of_a_run), nine passing the 11-test in at most 8%.
PLANTED_DIGITS = 8   # _planted_digits finds runs of this length by doubling
PLANTED_CHANCE = (10 / 16) ** PLANTED_DIGITS
PLANTED_BSN_CHANCE = (10 / 16) ** 9 / 10   # a tenth rather than an eleventh: on the safe side
ELEVEN_TEST_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])


def passes_eleven_test(digits: np.ndarray) -> np.ndarray:
    """The 11-test on rows of nine digits (0-9; anything else fails), for many at once (python-
    stdnum's one by one is the reference: test_privacy holds the two together)."""
    is_digits = ((digits >= 0) & (digits <= 9)).all(axis=1)
    return is_digits & (digits @ ELEVEN_TEST_WEIGHTS % 11 == 0) & ((digits[:, 0] != 0) | (digits[:, 1] != 0))


def _chance_of_a_run(length: int, of: int = 64, digit: float = 10 / 16) -> float:
    """The chance that `of` random hex characters hold `length` decimal digits in a row
    somewhere: one minus the chance that every run stops short (by the length of the run so far)."""
    short = np.zeros(length)
    short[0] = 1.0
    for _ in range(of):
        short = np.concatenate([[short.sum() * (1 - digit)], short[:-1] * digit])
    return float(1 - short.sum())


RUN_ANYWHERE_CHANCE = _chance_of_a_run(PLANTED_DIGITS)
BSN_ANYWHERE_CHANCE = (64 - 9 + 1) * PLANTED_BSN_CHANCE   # a sum over the places: at least the chance


def _planted_digits(hashed: pl.Series, distinct: pl.Series) -> pl.Series:
    """The pseudonyms holding digits at a place where more of them do than chance allows:
    PLANTED_DIGITS digits in a row, or nine that pass the 11-test; then, of the others, those
    holding such digits anywhere when more of them do than chance allows. `distinct`: `hashed`'s
    values, each once (a person's rows repeat their pseudonym: each counts once)."""
    n, places = distinct.len(), 64 - PLANTED_DIGITS + 1
    if n == 0:
        return hashed
    chars = _as_rows_of_bytes(distinct, 64)
    is_digit = chars <= ord("9")
    runs = is_digit
    for width in (1, 2, 4):   # digits at a place and the next 1, 3, 7: PLANTED_DIGITS in a row
        runs = runs[:, :-width] & runs[:, width:]
    # every place where nine digits stand, with whether they pass the 11-test
    rows, at = np.nonzero(runs[:, :64 - 9 + 1] & is_digit[:, 9 - 1:])
    bsn = passes_eleven_test(chars[rows[:, None], at[:, None] + np.arange(9)].astype(np.int64) - ord("0"))
    bsns_at = np.bincount(at[bsn], minlength=places)
    alarm = BSN_FALSE_ALARM / places
    planted = np.zeros(n, dtype=bool)
    for place, count in enumerate(runs.sum(axis=0)):
        if _beyond(int(count), n, PLANTED_CHANCE, alarm):
            planted |= runs[:, place]
        elif _beyond(int(bsns_at[place]), n, PLANTED_BSN_CHANCE, alarm):   # a few BSNs at one place
            planted[rows[bsn & (at == place)]] = True
    if _skewed_places(is_digit):
        return hashed   # not keyed hashes at all: every one of them is suspect
    rest = ~planted
    bsn_anywhere = np.zeros(n, dtype=bool)
    bsn_anywhere[rows[bsn]] = True
    for holds, chance in ((runs.any(axis=1), RUN_ANYWHERE_CHANCE), (bsn_anywhere, BSN_ANYWHERE_CHANCE)):
        if _beyond(int((holds & rest).sum()), int(rest.sum()), chance, alarm):
            planted |= holds & rest
            break
    return hashed.filter(hashed.is_in(distinct.filter(pl.Series(planted)).implode()))


def _skewed_places(is_digit: np.ndarray) -> bool:
    """Does a place of the pseudonyms hold a decimal digit far more or far less often than the
    10 in 16 of keyed hashes? A number written in with letters between its digits (1a1b1c...), in
    hex (the BSN as a hex number starts with 0-3) or as EBCDIC hex (f0f6...): a third outside
    attack had each accepted, no eight digits standing in a row. Both sides of every place are
    tested, the odds divided between them."""
    n = len(is_digit)
    alarm = BSN_FALSE_ALARM / (2 * is_digit.shape[1])
    return any(_beyond(int(digits), n, 10 / 16, alarm) or _beyond(n - int(digits), n, 6 / 16, alarm)
               for digits in is_digit.sum(axis=0))


def _as_rows_of_bytes(values: pl.Series, width: int) -> np.ndarray:
    """Values of `width` ASCII characters each (a pseudonym's 64) as one row of bytes each, read
    from Arrow's buffers without making Python strings."""
    array = values.cast(pl.Binary).rechunk().to_arrow()
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    if data.size != width * len(array):
        raise ValueError(f"values of {width} characters expected")
    return data.reshape(len(array), width)


def _beyond(count: int, total: int, chance: float, alarm: float) -> bool:
    """`count` of `total` beyond chance at odds `alarm`; the exact tail only where the count is
    four standard deviations above what is expected (it sums a term for every count up to
    `total`; below that the tail is never near `alarm`)."""
    expected = total * chance
    return (count > expected + 4 * math.sqrt(expected * (1 - chance))
            and _binomial_tail(count, total, chance) < alarm)


def _pseudonym_findings(frame: pl.DataFrame, column: str) -> tuple[list[PrivacyFinding], pl.Series]:
    """The findings for malformed pseudonyms and for well-formed ones that are no keyed hash,
    and those values (the BSN rule looks at them)."""
    values = frame[column].drop_nulls()
    well_formed, not_hashed = values.str.contains(PSEUDONYM), values.str.contains(NOT_HASHED)
    bad = values.filter(~well_formed)
    hashed = values.filter(well_formed & ~not_hashed)
    distinct = hashed.unique()   # a person's rows repeat their pseudonym: each is judged once
    unhashed = pl.concat([values.filter(well_formed & not_hashed), _planted_digits(hashed, distinct)])
    findings = [_finding("pseudonym_not_hashed", column, unhashed.len(), mask(unhashed[0], "pseudonym_not_hashed"),
                         *FIX_PSEUDONYM)] if unhashed.len() else []
    unkeyed = unkeyed_bsn_hashes(distinct)
    if unkeyed.len():
        rows = int(hashed.is_in(unkeyed.implode()).sum())
        findings.append(_finding("pseudonym_unkeyed", column, rows, mask(unkeyed[0], "pseudonym_unkeyed"),
                                 *FIX_UNKEYED))
    if bad.len() == 0:
        return findings, unhashed
    count, example = bad.len(), mask(bad[0], "pseudonym_malformed")
    rows_nl = "rij voldoet" if count == 1 else "rijen voldoen"
    rows_en = "row does" if count == 1 else "rows do"
    named = safe_column_name(column)
    return [PrivacyFinding(
        rule="pseudonym_malformed",
        column=column,
        count=count,
        example=example,
        message_nl=(
            f"Kolom '{named}' moet in elke rij een pseudoniem van 64 kleine hexadecimale tekens "
            f"bevatten; {count} {rows_nl} niet (bijvoorbeeld {example}). Lever het pseudoniem "
            "van de vertrouwde derde partij aan, nooit een BSN of ander nummer."
        ),
        message_en=(
            f"Column '{named}' must hold a pseudonym of 64 lower-case hex characters in every "
            f"row; {count} {rows_en} not (for example {example}). Deliver the pseudonym from the "
            "trusted third party, never a BSN or another number."
        ),
    ), *findings], pl.concat([bad, unhashed])


def _free_text_findings(frame: pl.DataFrame, column: str,
                        agreed: Collection[str] | None = None) -> list[PrivacyFinding]:
    """Notes are sentences: long, with many words, and different from row to row. In a category
    column a label is one term, so an unlisted value of a few words is a note typed into it
    ('anders: overleden in ziekenhuis')."""
    values = frame[column].drop_nulls()
    if values.len() == 0:
        return []
    words = values.str.count_matches(" ", literal=True) + 1
    chars = values.str.len_chars()
    sentence = (words >= SENTENCE_WORDS) & (chars >= SENTENCE_CHARS)
    if agreed:
        listed = values.str.strip_chars().str.to_lowercase().is_in(
            pl.Series([str(v).lower() for v in agreed]).implode())
        sentence = sentence | (~listed & (words >= CATEGORY_NOTE_WORDS))
    sentences = values.filter(sentence)
    is_text_column = (
        words.median() >= TEXT_MEDIAN_WORDS
        and chars.median() >= TEXT_MEDIAN_CHARS
        and values.n_unique() >= 0.5 * values.len()
    )
    has_note = (words >= NOTE_WORDS).any()
    many_sentences = sentences.n_unique() >= (1 if agreed else SENTENCE_DISTINCT)
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


def _person_name_findings(frame: pl.DataFrame, column: str,
                          agreed: Collection[str] | None = None, within_text: bool = False
                          ) -> list[PrivacyFinding]:
    """Names: most values look like 'Jan de Vries' and are mostly distinct; or any value written
    as initials and a surname ('J.P. de Vries') or the other way round ('Jansen, J.'); or, in a
    category column, any value outside the agreed list that reads as a name (one name typed among
    the categories); or, with `within_text` (texts a person wrote), such a name within a text
    (NAME_WITHIN). Abbreviations are no initials (NOT_INITIALS)."""
    values = frame[column].drop_nulls()
    # abbreviations read as blanks (NOT_INITIALS): only a value with a dot can hold one, and most
    # have none (on a million values of a text column, blanking them all cost 0.5 s of 3)
    plain, dotted = values, values.str.contains(".", literal=True)
    if dotted.any():
        blanked = values.filter(dotted)
        for pattern, blank in NOT_INITIALS:
            blanked = blanked.str.replace_all(pattern, blank)
        plain = values.clone().scatter(dotted.arg_true(), blanked)
    # Every name pattern below holds a capital followed by a small letter; codes are dropped here.
    cased = values.str.contains(r"\p{Lu}\p{Ll}")
    candidates = values.filter(cased)
    names = candidates.filter(candidates.str.contains(PERSON_NAME))
    entity = any(word.startswith(ENTITY_WORDS) or word.endswith(ENTITY_WORDS)
                 for word in _name_words(column))  # buurtnaam: 'Oud Charlois' is a place
    column_of_names = (not entity and values.len() >= NAME_MIN_VALUES
                       and names.len() >= NAME_SHARE * values.len()
                       and names.n_unique() >= NAME_DISTINCT_SHARE * names.len())
    if not column_of_names:
        stray = plain.filter(cased).str.contains(INITIALS_NAME)
        surname_first = plain.str.contains(SURNAME_INITIALS)
        if agreed is not None:  # 'Doel Bereikt' is the agreed doel_bereikt written by hand
            allowed = [value.lower().replace("_", " ") for value in agreed]
            written = candidates.str.to_lowercase().str.replace_all(r"[_\s]+", " ").str.strip_chars()
            stray = stray | (candidates.str.contains(PERSON_NAME) & ~written.is_in(allowed))
        names = pl.concat([candidates.filter(stray), values.filter(surname_first)])
    if within_text:
        within = values.filter(plain.str.contains(NAME_WITHIN))
        names = pl.concat([names, within.filter(~within.is_in(names.implode()))])
    if names.len() == 0:
        return []
    return [_finding(
        "name", column, names.len(), mask("", "name"),
        "Person names may not be delivered; remove the column and use persoon_pseudoniem.",
        "Namen van personen mogen niet worden aangeleverd; verwijder de kolom en gebruik "
        "persoon_pseudoniem.",
    )]


def _word_in_id_findings(frame: pl.DataFrame, column: str, distinct: pl.Series,
                         record: bool = True) -> list[PrivacyFinding]:
    """Ids holding a word (ID_WORD) that the column's other ids do not, where they are the odd
    shape out; or, in the ids of records (`record`: not a place's), where such words are many but
    each stands in about one id and they read as words (_read_as_names). `distinct`: the column's
    distinct values. Only ids of an id's form are judged: any other (a formula, SQL, a space) is
    set aside by the contract with only its shape kept."""
    words = (pl.DataFrame({"value": distinct.filter(distinct.str.contains(ID_PATTERN))})
             .with_columns(word=pl.col("value").str.to_lowercase().str.extract_all(ID_WORD))
             .explode("word").drop_nulls("word"))   # a word twice in one id counts twice: no matter
    if words.height and _hex_codes_of(distinct).len():   # in hex codes, a word of a-f only is chance ('Aad' is not)
        words = words.filter(pl.col("word").str.contains("[^a-f]"))
    scheme = words.group_by("word").len().filter((pl.col("len") > PASTED_SHARE * distinct.len())
                                                  & (pl.col("len") >= 2))["word"]
    if distinct.len() * PASTED_SHARE < 1:   # too few ids for a word to show itself the scheme's
        prefixes = words.filter(pl.col("value").str.to_lowercase().str.starts_with(pl.col("word"))
                                & (pl.col("word").str.len_chars() <= SCHEME_PREFIX_LETTERS))["word"]
        scheme = pl.concat([scheme, prefixes])
    odd_words = words.filter(~pl.col("word").is_in(scheme.implode())
                             & ~pl.col("word").is_in(ID_PLACEHOLDER_WORDS))
    # a place's or an object's word is no name, but it counts among the ids' own words: the odd
    # shape out is judged against them all
    many = odd_words["value"].n_unique() > PASTED_SHARE * distinct.len()
    places = list(_id_place_words())
    odd_words = odd_words.filter(~pl.col("word").is_in(places))
    # A street and a house number ending an id, where letters meeting a number is the odd shape
    # out (in HC-HAVEN-1007 and HC-0000123 it is the scheme's; there a word only a few ids hold
    # is judged below); the street may be another id (Slinge among Slinge, Meent, Putselaan).
    addresses = words.filter(~pl.col("word").is_in(ID_PLACEHOLDER_WORDS)
                             & ~pl.col("word").is_in(places)
                             & (pl.col("value").str.extract(ID_STREET_NUMBER, 1).str.to_lowercase()
                                == pl.col("word"))
                             & pl.col("word").str.contains(VOWEL))["value"].unique()
    if addresses.len() and distinct.str.contains(ID_WORD_NUMBER).sum() <= PASTED_SHARE * distinct.len():
        return [_finding(
            "address", column, int(frame[column].is_in(addresses.implode()).sum()), mask("", "address"),
            "An id ends in a street and a house number: an address. An id is a code; take the "
            "address out of it.",
            "Een code eindigt op een straat en een huisnummer: een adres. Een code is een code; "
            "haal het adres eruit.")]
    if many and not (record and _read_as_names(odd_words, odd_words["value"].n_unique())):
        # The ids' own words are a scheme of their own (districts, streets: each in a few ids),
        # not names; a word in one id alone among them is still the odd shape out, where such
        # ids are few (HC-PDEVRIES-0101 among HC-ZUID-, HC-WEST-: an outside attack, December
        # 2026, loaded it). (A name among complexes each named after its own street is one more
        # such word: without a register of streets it stays unseen.)
        lone = odd_words.group_by("word").agg(ids=pl.col("value").n_unique()).filter(pl.col("ids") == 1)
        odd_words = odd_words.filter(pl.col("word").is_in(lone["word"].implode()))
        if odd_words["value"].n_unique() > PASTED_SHARE * distinct.len():
            return []
        many = False
    if not many:
        # ... and as the odd shape out, a word without a vowel that starts the id is the scheme's
        # abbreviation (VSZ-0000093, PGB-: a care form's prefix on a few case numbers, a third
        # attack's false refusal), no name. Within an id such letters are still suspect: a
        # licence plate (HC-12KLM3), a number in hex (75BCD0E), a foreign IBAN's bank code.
        # (Among many, the vowels of them all tell names from a code's letters: _read_as_names.)
        odd_words = odd_words.filter(pl.col("word").str.contains(VOWEL)
                                     | ~pl.col("value").str.to_lowercase().str.starts_with(pl.col("word")))
    odd = odd_words["value"].unique()
    if odd.len() == 0:
        return []
    if many:   # names as the scheme (_read_as_names)
        why = ("Most ids hold a word of their own, as names do. ",
               "De meeste codes bevatten een eigen woord, zoals namen. ")
    else:
        why = ("An id holds a word that the column's other ids do not: a name? ",
               "Een code bevat een woord dat de andere codes in de kolom niet hebben: een naam? ")
    return [_finding(
        "name", column, int(frame[column].is_in(odd.implode()).sum()), mask("", "name"),
        why[0] + "An id is a code, never a name; take names and words out of it (a missing id "
        "stays empty).",
        why[1] + "Een code is nooit een naam; haal namen en woorden eruit (een ontbrekende code "
        "blijft leeg).",
    )]


def _read_as_names(words: pl.DataFrame, ids: int) -> bool:
    """Do the odd `words` (value, word) of `ids` distinct ids read as names rather than as a
    scheme's words? Names are many: about one for each id (ID_NAMES_PER_ID), where a scheme's
    districts or months each come back in many ids. And they read as words: their share of vowels
    (ID_NAME_VOWELS) is a language's, not that of random letters in a code (a base-32 id)."""
    distinct = words["word"].unique()
    # letters every word starts with are the scheme's, glued on (HCJansen0001, hcbakker0002)
    shared = os.path.commonprefix(distinct.to_list()) if distinct.len() > 1 else ""
    names = distinct.str.slice(len(shared)).filter(distinct.str.len_chars() > len(shared) + 2)
    vowels = (names.str.count_matches(VOWEL) / names.str.len_chars()).mean() if names.len() else 0.0
    return distinct.len() >= ID_NAMES_PER_ID * ids and vowels >= ID_NAME_VOWELS


def _stray_birth_date_findings(frame: pl.DataFrame, column: str,
                               distinct: pl.Series) -> list[PrivacyFinding]:
    """A full date at least twelve years old outside the agreed date columns (in an id, a
    category): a date of birth until proven otherwise. `distinct`: the column's distinct values."""
    old = pl.concat([_compact_birth_dates(distinct), _short_year_dates(distinct), _old_full_dates(distinct)])
    return _birth_date_findings(
        frame, column, old, "A full date outside the agreed date columns looks like a date of birth; deliver the "
        "birth year only (a column 'geboortejaar'), never the full date.",
        "Een volledige datum buiten de afgesproken datumkolommen lijkt op een geboortedatum; "
        "lever alleen het geboortejaar aan (een kolom 'geboortejaar'), nooit de volledige datum.")


def _birth_date_findings(frame: pl.DataFrame, column: str, old: pl.Series, fix_en: str,
                         fix_nl: str) -> list[PrivacyFinding]:
    """One finding for the rows of `column` holding a value of `old`, none when it is empty."""
    if old.len() == 0:
        return []
    return [_finding("birth_date", column, int(frame[column].is_in(old.implode()).sum()),
                     mask("", "birth_date"), fix_en, fix_nl)]


def _old_full_dates(values: pl.Series) -> pl.Series:
    """The values holding a full date (STRAY_DATE) at least STRAY_DATE_MIN_AGE years old."""
    values = values.filter(values.str.contains(STRAY_DATE_HINT))
    years = (values.str.extract(STRAY_DATE, 1).fill_null(values.str.extract(STRAY_DATE, 2))
             .fill_null(values.str.extract(STRAY_DATE, 3))).cast(pl.Int32, strict=False)
    return values.filter(years.is_not_null() & (years >= 1900)
                         & (years <= date.today().year - STRAY_DATE_MIN_AGE))


def _noted_birth_date_findings(frame: pl.DataFrame, column: str,
                               distinct: pl.Series) -> list[PrivacyFinding]:
    """In an agreed date column, an old full date with a word of birth beside it (BIRTH_NOTE:
    'geb. 12-03-1985', '12-03-1985 (geb)', 'geboren 12-03-1985': an outside attack, December
    2026): a date of birth with its note. The contract sets such a value aside, masked, but the
    file holds it. Another note ('01-03-1995 (herzien)', 'onbekend 01-01-1990': a second attack's
    false refusals) is set aside as it was."""
    noted = distinct.filter(distinct.str.contains(BIRTH_NOTE))
    return _birth_date_findings(
        frame, column, _old_full_dates(noted), "A full date with a note beside it looks like a date of "
        "birth; deliver the birth year only (a column 'geboortejaar'), never the full date, and a "
        "date column only dates.",
        "Een volledige datum met een notitie erbij lijkt op een geboortedatum; lever alleen het "
        "geboortejaar aan (een kolom 'geboortejaar'), nooit de volledige datum, en in een "
        "datumkolom alleen datums.")


def _short_year_dates(distinct: pl.Series) -> pl.Series:
    """Values that are a real date with a two-digit year (SHORT_YEAR_DATE), where they are the odd
    shape out of the column."""
    shaped = distinct.filter(distinct.str.contains(SHORT_YEAR_DATE))
    dates = shaped.filter(shaped.str.replace_all(r"[/.]", "-").str.to_date("%d-%m-%y", strict=False).is_not_null())
    return dates if 0 < dates.len() <= PASTED_SHARE * distinct.len() else distinct.clear()


def _compact_birth_dates(distinct: pl.Series) -> pl.Series:
    """Values with a date of birth glued to letters (COMPACT_DATE), where they are the odd shape out."""
    dates = pl.DataFrame({"value": distinct, "digits": distinct.str.extract(COMPACT_DATE, 1)}
                         ).drop_nulls("digits")
    newest = date.today().year - STRAY_DATE_MIN_AGE

    def of_birth(part: pl.DataFrame) -> pl.Series:
        """The values whose digits read as a date of birth (either order)."""
        return part.with_columns(ymd=pl.col("digits").str.to_date("%Y%m%d", strict=False),
                                 dmy=pl.col("digits").str.to_date("%d%m%Y", strict=False)).filter(
            pl.col("ymd").dt.year().is_between(1900, newest) | pl.col("dmy").dt.year().is_between(1900, newest)
        )["value"]
    # Most such digits read as no date (HC-00000001): then the column's hex codes, which only
    # tell which dates count, need not be sought (a regex over every value of the column).
    if of_birth(dates).len() == 0:
        return distinct.clear()
    # A random UUID holds eight digits that read as a date now and then (…4a23091957c8): in a
    # column of hex codes, dates in its codes count beyond chance, and then however many (every
    # UUID starting with a date of birth, a third outside attack); elsewhere as the odd shape out.
    codes = _hex_codes_of(distinct)
    coded = dates.filter(pl.col("value").is_in(codes.implode()))
    dates = dates.filter(~pl.col("value").is_in(codes.implode()))
    if dates.height > PASTED_SHARE * distinct.len():
        dates = dates.clear()
    found = [of_birth(part) for part in (dates, coded)]
    if _by_chance_in(codes.len(), found[1].len()):
        found[1] = found[1].clear()
    return pl.concat(found)


__all__ = ["PrivacyFinding", "scan", "mask", "personal_column_kind"]
