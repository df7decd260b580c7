"""Pseudonyms that are a SHA-256 of the BSN without the trusted third party's key.

The agreed pseudonym is HMAC-SHA256 of the BSN under the trusted third party's key
(spec/partner-exports.md). A partner that hashes the BSN itself, without that key, delivers 64
random-looking hex characters that pass every test of form, yet anyone can compute the BSN back:
there are only some 90 million BSNs to hash. Hashing them all for each file is out of reach;
hashing one in SAMPLE_EVERY of them is not: about 900,000, once per process (under a second).

A keyed hash lands in that sample with odds of about 2^-256, so one pseudonym found there, checked
on its whole hash, proves the column unkeyed. A column of n distinct unkeyed pseudonyms has none
of its persons' BSNs in the sample with odds (1 - 1/SAMPLE_EVERY)^n: 37% at 100 persons, 5% at
300, under 0.01% at 1,000. A partner's next delivery of the same persons has the same odds, not
new ones: a small file may pass this check.

The BSN is hashed as its nine digits (leading zeros kept, as it is written) and, for one that
starts with a zero, without that zero (as a number loses it). The sample: the BSNs whose first
eight digits end in SAMPLE_ENDING, spread evenly over every range the BSN is issued in.
"""
from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
import polars as pl

SAMPLE_EVERY = 100
SAMPLE_ENDING = 42   # the 7th and 8th digit of every BSN in the sample
ELEVEN_TEST_WEIGHTS = np.arange(9, 1, -1)   # the first eight digits' weights; the ninth's is -1


def sample_bsns() -> np.ndarray:
    """Every valid BSN (the 11-test, not starting with 00) whose first eight digits end in
    SAMPLE_ENDING, in increasing order."""
    first_eight = np.arange(SAMPLE_ENDING, 10**8, SAMPLE_EVERY, dtype=np.int64)
    digits = (first_eight[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    check = (digits @ ELEVEN_TEST_WEIGHTS) % 11   # the ninth digit that makes the sum 0 mod 11
    valid = (check <= 9) & (first_eight >= 10**6)
    return first_eight[valid] * 10 + check[valid]


def _as_written(bsn: int) -> list[bytes]:
    """The texts a BSN is hashed as: nine digits, and without its leading zero when it has one."""
    padded = b"%09d" % bsn
    return [padded, padded[1:]] if padded.startswith(b"0") else [padded]


@cache
def _sample_hashes() -> tuple[np.ndarray, np.ndarray]:
    """(the first 8 bytes of each sample hash as an unsigned integer, sorted; the BSN it is of)."""
    bsns = sample_bsns()
    texts = [b"%09d" % bsn for bsn in bsns.tolist()]
    leading_zero = bsns < 10**8
    texts += [text[1:] for text in np.asarray(texts, dtype=object)[leading_zero]]
    sha256 = hashlib.sha256
    head = np.frombuffer(b"".join([sha256(text).digest()[:8] for text in texts]), dtype=">u8").astype(np.uint64)
    order = np.argsort(head)
    return head[order], np.concatenate([bsns, bsns[leading_zero]])[order]


def unkeyed_bsn_hashes(distinct: pl.Series) -> pl.Series:
    """The values of `distinct` (well-formed pseudonyms, each once) proven to be an unkeyed SHA-256
    of a BSN: their first 16 hex characters match a sample hash, and their whole hash is
    that BSN's."""
    if distinct.len() == 0:
        return distinct
    heads, bsns = _sample_hashes()
    wanted = distinct.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False).to_numpy()
    # looked up in increasing order: ten times faster than in the column's order on a million
    ordered = np.sort(wanted)
    at = np.minimum(np.searchsorted(heads, ordered), len(heads) - 1)
    matched = ordered[heads[at] == ordered]
    proven = [i for i in np.flatnonzero(np.isin(wanted, matched)).tolist()
              if any(hashlib.sha256(text).hexdigest() == distinct[i]
                     for j in _same_head(heads, int(np.searchsorted(heads, wanted[i])))
                     for text in _as_written(int(bsns[j])))]
    return distinct.gather(proven)


def _same_head(heads: np.ndarray, first: int) -> range:
    """Positions of the sample hashes sharing the head at `first` (a head may repeat)."""
    last = first
    while last + 1 < len(heads) and heads[last + 1] == heads[first]:
        last += 1
    return range(first, last + 1)


__all__ = ["unkeyed_bsn_hashes", "sample_bsns", "SAMPLE_EVERY"]
