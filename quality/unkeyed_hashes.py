"""Pseudonyms that are a SHA-256 of the BSN without the trusted third party's key.

The agreed pseudonym is HMAC-SHA256 of the BSN under the trusted third party's key
(spec/partner-exports.md). A partner that hashes the BSN itself, without that key, delivers 64
random-looking hex characters that pass every test of form, yet anyone can compute the BSN back:
there are only some 90 million BSNs to hash. Hashing them all for each file is out of reach;
hashing a sample of them is not: about two million hashes, once per process (about a second).

A keyed hash lands in that sample with odds of about 2^-256, so one pseudonym found there, checked
on its whole hash, proves the column unkeyed. The BSN is hashed as it is written (NOTATIONS):
- as its nine digits, and without a leading zero (as a number loses it): one BSN in
  SAMPLE_EVERY, those whose first eight digits end in SAMPLE_ENDING (spread evenly over every
  range the BSN is issued in);
- as a shell's `echo $bsn | sha256sum` (a newline after it), a fixed-width text column (a space
  after it), SQL Server's NVARCHAR (UTF-16) and its INT (four bytes): one BSN in
  SAMPLE_EVERY * RARER, a part of the same sample (an outside attack had each accepted).
A column of n distinct unkeyed pseudonyms has none of its persons' BSNs in the sample with odds
(1 - 1/SAMPLE_EVERY)^n: 37% at 100 persons, 5% at 300, under 0.01% at 1,000; in a rarer notation
(1 - 1/400)^n: 47% at 300, 8% at 1,000. A partner's next delivery of the same persons has the same
odds, not new ones: a small file may pass. A salted hash, a double one, another hash function or
HMAC under a guessable key pass this check: only the trusted third party's process prevents them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import polars as pl

SAMPLE_EVERY = 100
SAMPLE_ENDING = 42   # the 7th and 8th digit of every BSN in the sample
RARER = 4            # the rarer notations hash one in this many of the sample's BSNs


def sample_bsns() -> np.ndarray:
    """Every valid BSN (the 11-test, not starting with 00) whose first eight digits end in
    SAMPLE_ENDING, in increasing order."""
    first_eight = np.arange(SAMPLE_ENDING, 10**8, SAMPLE_EVERY, dtype=np.int64)
    weighted, rest = np.zeros_like(first_eight), first_eight.copy()
    for weight in range(2, 10):   # digit by digit from the last (weight 2) to the first (9)
        weighted += weight * (rest % 10)
        rest //= 10
    check = weighted % 11   # the ninth digit that makes the sum 0 mod 11
    valid = (check <= 9) & (first_eight >= 10**6)
    return first_eight[valid] * 10 + check[valid]


def _nine_digits(bsns: np.ndarray) -> np.ndarray:
    """Each BSN's nine ASCII digits, a row of bytes each (a column at a time: a million rows of
    nine 64-bit digits at once took 65 MB)."""
    rows, rest = np.empty((len(bsns), 9), dtype=np.uint8), bsns.copy()
    for place in range(8, -1, -1):
        rows[:, place] = rest % 10 + ord("0")
        rest //= 10
    return rows


def _rarer(bsns: np.ndarray) -> np.ndarray:
    """One in RARER of the sample: first eight digits that end in SAMPLE_ENDING modulo
    SAMPLE_EVERY * RARER."""
    return (bsns // 10) % (SAMPLE_EVERY * RARER) == SAMPLE_ENDING


def _with(rows: np.ndarray, byte: int) -> np.ndarray:
    return np.hstack([rows, np.full((len(rows), 1), byte, dtype=np.uint8)])


class Notation(NamedTuple):
    """How a BSN is written before it is hashed."""
    name: str
    chosen: Callable[[np.ndarray], np.ndarray]   # which of the sample's BSNs are hashed so
    rows: Callable[[np.ndarray], np.ndarray]     # their bytes, a row each
    text: Callable[[int], bytes]                 # one BSN's bytes (to prove a match)


NOTATIONS = tuple(Notation(*notation) for notation in (
    ("nine digits", lambda b: np.ones(len(b), bool), _nine_digits, lambda b: b"%09d" % b),
    ("without its leading zero", lambda b: b < 10**8, lambda b: _nine_digits(b)[:, 1:], lambda b: b"%d" % b),
    ("with a newline", _rarer,
     lambda b: _with(_nine_digits(b), ord("\n")), lambda b: b"%09d\n" % b),
    ("with a space", _rarer,
     lambda b: _with(_nine_digits(b), ord(" ")), lambda b: b"%09d " % b),
    ("as UTF-16", _rarer,
     lambda b: np.stack([_nine_digits(b), np.zeros((len(b), 9), np.uint8)], axis=2).reshape(len(b), 18),
     lambda b: (b"%09d" % b).decode().encode("utf-16-le")),
    ("as a four-byte integer", _rarer,
     lambda b: b.astype(">u4").view(np.uint8).reshape(len(b), 4), lambda b: int(b).to_bytes(4, "big")),
))


@cache
def _sample_hashes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the first 8 bytes of each sample hash as an unsigned integer, sorted; the BSN it is of;
    the notation it is written in, an index into NOTATIONS). Hashed by DuckDB, on every core."""
    bsns = sample_bsns()
    heads, of, how = [], [], []
    with duckdb.connect() as con:
        for number, notation in enumerate(NOTATIONS):
            chosen = bsns[notation.chosen(bsns)]
            rows = np.ascontiguousarray(notation.rows(chosen))
            texts = pa.FixedSizeBinaryArray.from_buffers(pa.binary(rows.shape[1]), len(rows),
                                                         [None, pa.py_buffer(rows.tobytes())])
            con.register("texts", pa.table({"text": texts.cast(pa.binary())}))
            heads.append(con.execute("select ('0x' || left(sha256(text), 16))::ubigint as head from texts"
                                     ).fetchnumpy()["head"])
            con.unregister("texts")
            of.append(chosen)
            how.append(np.full(len(chosen), number, dtype=np.uint8))
    head = np.concatenate(heads)
    order = np.argsort(head)
    return head[order], np.concatenate(of)[order], np.concatenate(how)[order]


def unkeyed_bsn_hashes(distinct: pl.Series) -> pl.Series:
    """The values of `distinct` (well-formed pseudonyms, each once) proven to be an unkeyed SHA-256
    of a BSN: their first 16 hex characters match a sample hash, and their whole hash is that
    BSN's in that notation."""
    if distinct.len() == 0:
        return distinct
    heads, bsns, notations = _sample_hashes()
    wanted = distinct.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False).to_numpy()
    # looked up in increasing order: ten times faster than in the column's order on a million
    ordered = np.sort(wanted)
    at = np.minimum(np.searchsorted(heads, ordered), len(heads) - 1)
    matched = ordered[heads[at] == ordered]
    proven = [i for i in np.flatnonzero(np.isin(wanted, matched)).tolist()
              if any(hashlib.sha256(NOTATIONS[notations[j]].text(int(bsns[j]))).hexdigest() == distinct[i]
                     for j in _same_head(heads, int(np.searchsorted(heads, wanted[i]))))]
    return distinct.gather(proven)


def _same_head(heads: np.ndarray, first: int) -> range:
    """Positions of the sample hashes sharing the head at `first` (a head may repeat)."""
    last = first
    while last + 1 < len(heads) and heads[last + 1] == heads[first]:
        last += 1
    return range(first, last + 1)


__all__ = ["unkeyed_bsn_hashes", "sample_bsns", "NOTATIONS", "SAMPLE_EVERY", "RARER"]
