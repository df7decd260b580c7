"""Declarative automation: what the daemon's `automation` sensor rebuilds, and when.

- A staging month follows its raw month, any month (a correction to an old month included), not
  only the latest.
- Everything unpartitioned follows any change below once nothing it reads is being written, and
  waits while a month of a partitioned asset anywhere below it is requested or being built: the
  intake announces the ledger and the raw months of one delivery together, and an asset that reads
  the ledger (directly or through another model) would otherwise build once right away, from
  staging that is not rebuilt yet, and once more after it. So one delivery builds every asset once.
- A change is handled only by what comes after it, so a correction that comes in while the last
  one is being built is built after it (HANDLED, below).
- The delivery freshness checks carry their own condition (assets/freshness.py): after every
  intake and every morning.
"""
from __future__ import annotations

import dagster as dg

from assets.intake import LEDGER_KEY

# A dependency updated since the last tick, with the time of its update (unlike eager's
# `any_deps_updated`, an `Or` of several parts, which Dagster gives no times): for a month, its raw month.
DEP_UPDATED = dg.AutomationCondition.any_deps_match(dg.AutomationCondition.newly_updated())

# A month whose raw month changed after the month was last built, or whose build is running. (Not
# `will_be_requested`: Dagster only sees that for assets that can run in the same run, and a
# partitioned month and an unpartitioned mart cannot.) A failed build keeps the month stale, so what
# is above waits rather than build from the old month. A month's only dependency is its raw month,
# which no run builds (the intake reports it), so `any_deps_updated` comes down to the raw month
# newly updated, said here without the parts that never hold for it: this is evaluated for every
# month below every other asset, and the shorter form takes 10 nodes a month instead of 15.
MONTH_STALE = DEP_UPDATED.since(dg.AutomationCondition.newly_updated())
BEING_BUILT = (MONTH_STALE | dg.AutomationCondition.in_progress()).with_label("stale or building")

# Dagster's eager takes a change below as handled once the asset is requested or *built* after the
# change's tick. But a build that read the month before a correction came in may end after it
# (runs on the warehouse take turns), and the first tick that sees the correction often sees that
# build too: the correction was then never built. Here a change is handled only by what came after
# it. A month compares times, which Dagster keeps for a single operand on each side of `since`: the
# raw month against the month's last build, and against its last request. What is above a month
# has no such times (its trigger combines many), so only a request handles its changes; the CLI
# ends each run on a tick that sees its builds, so a run's requests are not taken for the next's.
MONTH_FOLLOWS_RAW = (
    ((MONTH_STALE & DEP_UPDATED.since(dg.AutomationCondition.newly_requested())).with_label("raw month newer")
     | dg.AutomationCondition.newly_missing().since_last_handled())
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()).with_label("follows its raw month")
HANDLED = (dg.AutomationCondition.newly_requested()
           | dg.AutomationCondition.initial_evaluation()).with_label("requested since")
# The ledger is only ever written by the intake, never in a run with its readers, so its update
# and a reader's last request can be ordered by time as a month's are: an intake that lands
# between the tick that requested a reader and the next one is not taken as handled by it.
LEDGER_NEWER = DEP_UPDATED.allow(dg.AssetSelection.assets(LEDGER_KEY)).since(
    dg.AutomationCondition.newly_requested()).with_label("ledger newer than the last request")


def follows_upstream(reads_ledger: bool) -> dg.AutomationCondition:
    """Dagster's eager (without its wait for missing dependencies), a change handled by a request
    after it; for a reader of the ledger, also a ledger written after its last request."""
    changed = (dg.AutomationCondition.newly_missing()
               | dg.AutomationCondition.any_deps_updated()).since(HANDLED)
    if reads_ledger:
        changed = changed | LEDGER_NEWER
    return (dg.AutomationCondition.in_latest_time_window() & changed
            & ~dg.AutomationCondition.any_deps_in_progress()
            & ~dg.AutomationCondition.in_progress()).with_label("eager, a change handled by a request after it")


def waits_for_months(partitioned_below: list[dg.AssetKey], reads_ledger: bool = False) -> dg.AutomationCondition:
    """follows_upstream, but not while one of these partitioned assets is requested or building."""
    if not partitioned_below:
        return follows_upstream(reads_ledger)
    building = dg.AutomationCondition.asset_matches(partitioned_below[0], BEING_BUILT)
    for key in partitioned_below[1:]:
        building = building | dg.AutomationCondition.asset_matches(key, BEING_BUILT)
    return (follows_upstream(reads_ledger) & ~building.with_label("a month below is being built")).with_label(
        "follows upstream, once the months below are built")


def _specs(asset) -> list[dg.AssetSpec]:
    return list(asset.specs) if isinstance(asset, dg.AssetsDefinition) else [asset]


def partitioned_below(assets_defs: list) -> dict[dg.AssetKey, list[dg.AssetKey]]:
    """Per asset, the executable partitioned assets anywhere upstream of it."""
    deps = {spec.key: [dep.asset_key for dep in spec.deps] for a in assets_defs for spec in _specs(a)}
    built_by_month = {spec.key for a in assets_defs if isinstance(a, dg.AssetsDefinition)
                      and a.is_executable for spec in a.specs if spec.partitions_def}
    found: dict[dg.AssetKey, set[dg.AssetKey]] = {}

    def upstream(key: dg.AssetKey) -> set[dg.AssetKey]:
        if key not in found:
            found[key] = set()  # the graph is acyclic; this only guards the recursion
            for dep in deps.get(key, []):
                found[key] |= upstream(dep) | ({dep} & built_by_month)
        return found[key]

    return {key: sorted(upstream(key) & built_by_month, key=str) for key in deps}


def automate(assets_defs: list) -> list:
    """Every asset but the intake (the inbox sensor starts it) and the raw tables (the intake writes
    them) with its automation condition."""
    below = partitioned_below(assets_defs)

    def _automated(asset):
        if not isinstance(asset, dg.AssetsDefinition) or LEDGER_KEY in asset.keys or not asset.is_executable:
            return asset
        return asset.map_asset_specs(lambda spec: spec.replace_attributes(
            automation_condition=MONTH_FOLLOWS_RAW if spec.partitions_def else waits_for_months(
                below[spec.key], any(dep.asset_key == LEDGER_KEY for dep in spec.deps))))

    return [_automated(a) for a in assets_defs]
