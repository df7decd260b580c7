"""Text and numbers of the board report: the labels of strings.yaml in the report's language, and
numbers the way a reader of that language expects. Nothing here reads the warehouse."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.yaml_files import read_yaml

STRINGS_FILE = Path(__file__).resolve().parents[1] / "strings.yaml"
LANGS = ("nl", "en")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
MINUS = "\u2212"
MISSING = "–"


def load_strings(path: Path = STRINGS_FILE) -> dict[str, dict[str, str]]:
    strings = read_yaml(path)
    for key, texts in strings.items():
        missing = [lang for lang in LANGS if not isinstance(texts, dict) or not texts.get(lang)]
        if missing:
            raise ValueError(f"{path.name}: '{key}' has no text for {', '.join(missing)}")
    return strings


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    return load_strings()


class Strings:
    """`t(key, name=...)`: the label in the report's language, with {placeholders} filled. A key
    that strings.yaml lacks raises KeyError: a board document never shows a raw key."""

    def __init__(self, lang: str, strings: dict[str, dict[str, str]] | None = None):
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
        self.lang = lang
        self._strings = strings or _strings()

    def __call__(self, key: str, **values: Any) -> str:
        text = self._strings[key][self.lang]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._strings

    def pick(self, nl: str | None, en: str | None) -> str:
        """A catalogue's own text in the report's language (Dutch when English is missing)."""
        return (en if self.lang == "en" and en else nl) or ""


def decimals_as_stored(values: Iterable[float | None], most: int = 1) -> int:
    """The fewest decimals, at most `most`, that show every value as it is stored: an estimate
    published rounded to whole units to protect a small count (2.0, interval 2.0-3.0) reads
    "2 (2–3)", not "2,0", which claims a precision it was denied."""
    values = list(values)
    for decimals in range(most):
        if all(v is None or abs(v - round(v, decimals)) < 1e-9 for v in values):
            return decimals
    return most


class Fmt:
    """Numbers the way a reader of the language expects: 1.234,5 (nl) or 1,234.5 (en)."""

    def __init__(self, lang: str):
        self.lang = lang

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        text = f"{abs(float(value)):,.{decimals}f}"
        if self.lang == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        sign = MINUS if float(value) < 0 and any(c in "123456789" for c in text) else ""
        return sign + text

    def signed(self, value: float | None, decimals: int = 1) -> str:
        if value is None:
            return MISSING
        shown = self.number(abs(value), decimals)
        if shown.strip("0,.") == "":
            return "±" + shown
        return ("+" if value > 0 else MINUS) + shown

    def eur(self, value: float | None) -> str:
        if value is None:
            return MISSING
        return ("€\u00a0" if self.lang == "nl" else "€") + self.number(float(value), 0)

    def eur_per_person(self, value: float | None) -> str:
        """A cost per person or per outcome to two significant digits (12.727 reads 13.000): the
        totals it is divided from are published at coarse steps, so one person's costs stay open
        (quality/magnitudes.py), and its last digits would claim a precision they do not have."""
        if value is None or float(value) == 0:
            return self.eur(value)
        step = 10.0 ** max(0, math.floor(math.log10(abs(float(value)))) - 1)
        return self.eur(round(float(value) / step) * step)

    def pct(self, rate: float | None, decimals: int = 0) -> str:
        if rate is None:
            return MISSING
        return self.number(100 * float(rate), decimals) + "%"

    def ratio(self, value: float | None, decimals: int = 2) -> str:
        return MISSING if value is None else self.number(float(value), decimals)

    def span(self, low: float | None, high: float | None, show) -> str:
        """An interval as 'low–high' (one value when both show the same)."""
        if low is None or high is None:
            return ""
        a, b = show(low), show(high)
        return a if a == b else f"{a}–{b}"

    def period(self, period: str | None, t: Strings) -> str:
        if not period:
            return MISSING
        quarter = QUARTER.match(period)
        if quarter:
            return t("period_quarter", n=quarter.group(2), year=quarter.group(1))
        return period

    def cohort(self, cohort: str | None, t: Strings) -> str:
        """'2024-Q4..2025-Q3' → '4e kwartaal 2024 – 3e kwartaal 2025'."""
        if not cohort:
            return MISSING
        return " – ".join(self.period(part, t) for part in cohort.split(".."))
