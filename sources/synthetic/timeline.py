"""Calendar arithmetic on integer days (since 1970-01-01) and month numbers (months since 1970-01).

Integers keep the world model vectorised: a date column is an int32 numpy array, and polars turns
it into `pl.Date` only when a file is written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

OPEN_END = np.int32(2**31 - 1)  # "no end date yet" inside the model; written as an empty cell
EPOCH = date(1970, 1, 1)


def parse_month(label: str) -> int:
    year, month = (int(part) for part in label.split("-"))
    return (year - 1970) * 12 + month - 1


def month_label(month: int) -> str:
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def month_year(month: int) -> int:
    return 1970 + month // 12


def first_day(month) -> np.ndarray:
    return np.asarray(month, dtype="int64").astype("datetime64[M]").astype("datetime64[D]").astype(
        np.int32)


def last_day(month) -> np.ndarray:
    return first_day(np.asarray(month) + 1) - 1


def month_of(days) -> np.ndarray:
    return np.asarray(days, dtype="int64").astype("datetime64[D]").astype("datetime64[M]").astype(
        np.int32)


def to_date(day: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(day))


@dataclass(frozen=True)
class Timeline:
    """The delivered range (`first_month`..`last_month`) and the start of the tenancy history."""

    first_month: int
    last_month: int
    history_start_month: int

    @classmethod
    def ending(cls, end_month: str, months: int) -> "Timeline":
        if months < 1:
            raise ValueError("months must be at least 1")
        last = parse_month(end_month)
        first = last - months + 1
        # The history reaches back at least 24 months so a 12-month outcome of a cohort that
        # started a year before the end can always be read from the delivered files.
        return cls(first, last, min(first, last - 23))

    @property
    def months(self) -> list[int]:
        return list(range(self.first_month, self.last_month + 1))

    @property
    def start_day(self) -> int:
        return int(first_day(self.first_month))

    @property
    def end_day(self) -> int:
        return int(last_day(self.last_month))

    @property
    def history_start_day(self) -> int:
        return int(first_day(self.history_start_month))

    @property
    def years(self) -> list[int]:
        return sorted({month_year(m) for m in self.months})
