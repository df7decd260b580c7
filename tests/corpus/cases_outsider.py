"""Cases an outsider found by attacking the intake with fresh exports (issue 13's acceptance
test, /tmp/attack/gen.py in the h13c report): what got through, plus the negatives that keep the
fixes honest.

A BSN pasted once into an id column (glued to a sequence number, or behind letters) was accepted
because glued numbers were only judged from three distinct values; a note typed into a category
column was only set aside as an unknown category. Same interface as the other cases_*.py.
"""
from __future__ import annotations

from stdnum.nl import bsn as stdnum_bsn

from tests.corpus.builders import (PERIOD, case, csv_bytes, huurcontracten, valid_bsns,
                                   verhuureenheden, with_column)

CONTRACTS = f"havensteder__huurcontracten__{PERIOD}.csv"
CONTRACTS_W = f"woonstad__huurcontracten__{PERIOD}.csv"
UNITS = "havensteder__verhuureenheden__2025-06-30.csv"

BSN = valid_bsns(3, seed=1313)


def _failing_run() -> str:
    """An 11-digit run whose first and last nine digits both fail the 11-test: an odd id, no BSN."""
    number = 31415926535
    while stdnum_bsn.is_valid(str(number)[:9]) or stdnum_bsn.is_valid(str(number)[-9:]):
        number += 1
    return str(number)


def _set(rows: list[dict], index: int, **values: str) -> list[dict]:
    rows = [dict(row) for row in rows]
    rows[index].update(values)
    return rows


def cases() -> list[dict]:
    note = "anders: overleden in ziekenhuis"
    return [
        case("outsider_bsn_glued_once_in_id", "havensteder", CONTRACTS,
             csv_bytes(_set(huurcontracten(), 3, contract_id=f"HC-{BSN[0]}01")),
             "refused", "privacy:bsn", [BSN[0], f"{BSN[0]}01"]),
        case("outsider_bsn_behind_letters_once", "havensteder", UNITS,
             csv_bytes(_set(verhuureenheden(), 8, vhe_id=f"VHE{BSN[1]}"), delimiter=","),
             "refused", "privacy:bsn", [BSN[1]]),
        case("outsider_note_in_category", "woonstad", CONTRACTS_W,
             csv_bytes(_set(huurcontracten(), 1, einddatum="31-05-2020", einde_reden=note)),
             "refused", "privacy:free_text", [note, "ziekenhuis"]),
        # Negatives: one odd long id that is no BSN, and a category written in two words.
        case("outsider_odd_long_id_no_bsn", "havensteder", CONTRACTS,
             csv_bytes(_set(huurcontracten(), 3, contract_id=f"HC-{_failing_run()}")),
             "accepted"),
        case("outsider_two_word_category_set_aside", "woonstad", CONTRACTS_W,
             csv_bytes(with_column(huurcontracten(), "doelgroep", ["housing first"], every=15)),
             "accepted"),
    ]
