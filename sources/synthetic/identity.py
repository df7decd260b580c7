"""Randomness, simulated BSNs and their pseudonyms, and record ids.

BSNs exist only in memory: they are drawn here, turned into pseudonyms as the trusted third party
would (HMAC-SHA256 under a key), and never written anywhere.
"""
from __future__ import annotations

import hashlib
import hmac
import zlib

import numpy as np
import polars as pl

BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)


def rng(seed: int, *names: object) -> np.random.Generator:
    """An independent, order-free random stream per component (seed + names)."""
    words = [seed] + [zlib.crc32(str(name).encode()) for name in names]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words)))


def pseudonym_key(seed: int) -> bytes:
    """The demo stands in for the trusted third party: its key follows from the seed."""
    return b"wijkwijzer-demo-key-" + str(seed).encode()


def draw_bsns(generator: np.random.Generator, n: int) -> np.ndarray:
    """n distinct 9-digit numbers passing the 11-test (BSN elfproef), as int64."""
    found = np.empty(0, dtype=np.int64)
    while found.size < n:
        want = int((n - found.size) * 1.25) + 64
        # Leading digit 1-9: real BSNs of living people mostly start above 0, and the 9-digit
        # width must hold without padding.
        digits = generator.integers(0, 10, size=(want, 8), dtype=np.int64)
        digits[:, 0] = generator.integers(1, 10, size=want)
        check = (digits @ BSN_WEIGHTS) % 11  # Σ w·d − check ≡ 0 (mod 11) with weight −1
        keep = check <= 9
        number = digits[keep] @ (10 ** np.arange(8, 0, -1, dtype=np.int64)) + check[keep]
        found = np.unique(np.concatenate([found, number]))
    # np.unique sorted them; shuffle so person order says nothing about the number.
    return generator.permutation(found)[:n]


def pseudonyms(bsns: np.ndarray, key: bytes) -> pl.Series:
    """HMAC-SHA256(key, BSN as 9 ASCII digits), lower-case hex; one per BSN."""
    digest = hmac.digest
    return pl.Series("persoon_pseudoniem",
                     [digest(key, b"%09d" % b, hashlib.sha256).hex() for b in bsns.tolist()],
                     dtype=pl.String)


def format_ids(prefix: str, numbers, width: int = 7) -> pl.Series:
    """Record ids like `HC-0001234`: a letter prefix and 6-7 digits, so never a 9-digit token."""
    series = pl.Series("id", np.asarray(numbers, dtype=np.int64))
    if series.len() and int(series.max()) >= 10**width:
        raise ValueError(f"{prefix} ids overflow {width} digits")
    return (prefix + "-" + series.cast(pl.String).str.zfill(width)).alias(prefix)
