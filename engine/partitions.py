"""Delivery months: the partitions of raw and staging for monthly datasets.

A correction to one month re-loads one raw partition and rebuilds one staging partition; the
layers above span all months (trends, cohorts, a base period) and are rebuilt whole, once.
"""
from __future__ import annotations

from functools import lru_cache

import dagster as dg


@lru_cache(maxsize=None)  # one definition per start month, shared by a raw table and its staging model
def delivery_months(first_month: str) -> dg.MonthlyPartitionsDefinition:
    """A dataset's delivery months: from its first delivery (`first_month`, from the partner
    registry: sources.contracts.first_delivery_month, so the UI's "filled" counts months that could
    have arrived) up to and including the current month (end_offset=1: a month's file may arrive
    during the month)."""
    return dg.MonthlyPartitionsDefinition(start_date=first_month, fmt="%Y-%m",
                                          end_offset=1, timezone="Europe/Amsterdam")


def contiguous_ranges(keys: list[str]) -> list[tuple[str, str]]:
    """Sorted month keys as (first, last) runs of consecutive months: one single-run backfill each."""
    ranges: list[tuple[str, str]] = []
    for key in sorted(set(keys)):
        year, month = map(int, key.split("-"))
        if ranges:
            last_year, last_month = map(int, ranges[-1][1].split("-"))
            if (year * 12 + month) - (last_year * 12 + last_month) == 1:
                ranges[-1] = (ranges[-1][0], key)
                continue
        ranges.append((key, key))
    return ranges
