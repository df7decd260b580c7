"""Great Expectations 1.x → Dagster asset checks, built from the same contract YAML.

GX validates pandas batches per delivery (DESIGN.md: GX cannot validate DuckDB through
SQLAlchemy). It is the independent second opinion on what intake loaded: row rules decided in
SQL which rows went in; GX confirms the loaded delivery meets the contract. Unexpected values
are never read from GX results (they could identify): only counts.

It also sees what row rules cannot: a delivery against the partner's own history (the profiles
of its last deliveries in `raw.delivery_profiles`): row count, share of empty values per
column, category mix and mean amounts. Those are warnings, told on the receipt in words.
"""
from __future__ import annotations

import logging
import math
import os
import statistics
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no telemetry, no network


from quality.contract_sql import BUURTCODE_PATTERN, ID_PATTERN, PSEUDONYM_PATTERN  # noqa: E402
from quality.profiles import Profile, category_columns, empty_columns, mean_columns  # noqa: E402
from sources.contracts import Contract  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd
    import great_expectations as gx
    import great_expectations.expectations as gxe

logging.getLogger("great_expectations").setLevel(logging.WARNING)


def _great_expectations():
    """(great_expectations, great_expectations.expectations), imported on first use: the import
    costs about 8 CPU seconds, which every process that loads the definitions paid (the CLI, the
    code server, each run the daemon starts), while only an intake that validates a delivery
    needs it."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    return gx, gxe


@dataclass(frozen=True)
class ExpectationOutcome:
    rule: str
    severity: str
    success: bool
    unexpected: int


def expectations_for(contract: Contract) -> list[tuple[str, str, gxe.Expectation]]:
    """(rule name, severity, expectation) mirroring the contract's column rules."""
    _, gxe = _great_expectations()
    found = []
    for c in contract.columns:
        if c.required:
            found.append((f"{c.name}.required", "fatal", gxe.ExpectColumnValuesToNotBeNull(column=c.name)))
        if c.type == "id":
            found.append((f"{c.name}.format", "fatal",
                          gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=ID_PATTERN)))
        if c.type == "pseudonym":
            found.append((f"{c.name}.format", "fatal",
                          gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=PSEUDONYM_PATTERN)))
        if c.type == "buurtcode":
            found.append((f"{c.name}.format", c.severity,
                          gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=BUURTCODE_PATTERN)))
        if c.values:
            found.append((f"{c.name}.allowed", c.severity,
                          gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=[v.lower() for v in c.values])))
        if c.min is not None or c.max is not None:
            found.append((f"{c.name}.range", c.severity,
                          gxe.ExpectColumnValuesToBeBetween(column=c.name, min_value=c.min, max_value=c.max)))
    # Batches hold several deliveries; keys are unique within one (`_sha256`).
    found.append(("key.unique", "error",
                  gxe.ExpectCompoundColumnsToBeUnique(column_list=[*contract.key, "_sha256"])))
    return found


HISTORY_DELIVERIES = 6   # the yardstick: the partner's last six deliveries of the dataset
MIN_HISTORY = 3          # fewer deliveries than this are no yardstick yet
ROW_TOLERANCE = 0.25     # row count within ±25% of the history's mean
EMPTY_TOLERANCE = 0.15   # share of empty values within ±15 points of the history's mean share
MEAN_TOLERANCE = 0.25    # mean amount within ±25% of the history's mean
MIX_MAX_KL = 0.1         # KL divergence of the category mix (50/50 → 75/25 is about 0.13)
MIX_SMOOTHING = 0.01     # weight for a value the history never showed, so KL stays finite
# The tolerances above are for large deliveries. A small one varies by chance alone (54 nuisance
# reports one month, 38 the next), so each band is widened to what chance allows at this size:
# Z standard errors (Poisson for a count, binomial for an empty share, the spread between the past
# deliveries), and for the category mix the 99.9% point of 2n·KL ~ chi²(k-1) under an unchanged mix.
# Without this, a synthetic world with no change at all warned on 6% of deliveries.
NOISE_Z = 3.0
MIX_ALPHA = 0.001
# Dagster asset check per kind of history expectation.
HISTORY_CHECKS = {"row_count": "history_row_count", "empty_share": "history_empty_shares",
                  "category_mix": "history_category_mix", "mean": "history_mean_amounts"}
NUMBER_WORDS = {"nl": ["", "één", "twee", "drie", "vier", "vijf", "zes"],
                "en": ["", "one", "two", "three", "four", "five", "six"]}


@dataclass(frozen=True)
class HistoryFinding:
    """One history expectation on one delivery; `nl`/`en` say it in words for the receipt."""
    kind: str                # a key of HISTORY_CHECKS
    column: str | None
    success: bool
    observed: float | None
    expected: float
    deliveries: int          # how many earlier deliveries the yardstick is made of
    nl: str
    en: str

    @property
    def check_name(self) -> str:
        return HISTORY_CHECKS[self.kind]


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _row_band(past_rows: list[int]) -> float:
    """How far a delivery's row count may lie from the past mean: the relative tolerance, or what
    chance gives at this size (Poisson) or between the past deliveries, whichever is widest."""
    mean = sum(past_rows) / len(past_rows)
    spread = statistics.stdev(past_rows) if len(past_rows) > 1 else 0.0
    return max(ROW_TOLERANCE * mean, NOISE_Z * math.sqrt(mean), NOISE_Z * spread)


def history_expectations(contract: Contract, past: list[Profile], rows_now: int
                         ) -> list[tuple[str, str | None, float, gxe.Expectation]]:
    """(kind, column, expected value, expectation) from the profiles of earlier deliveries, for a
    delivery of `rows_now` rows."""
    _, gxe = _great_expectations()
    rows = _mean([p.rows for p in past])
    band = _row_band([p.rows for p in past])
    found = [("row_count", None, rows, gxe.ExpectTableRowCountToBeBetween(
        min_value=max(0, math.floor(rows - band)), max_value=math.ceil(rows + band)))]
    for column in empty_columns(contract):
        share = _mean([p.empty_shares.get(column) for p in past])
        if share is not None:
            tolerance = max(EMPTY_TOLERANCE,
                            NOISE_Z * math.sqrt(share * (1 - share) / max(rows_now, 1)))
            found.append(("empty_share", column, share, gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(
                column=column, min_value=max(0.0, 1 - share - tolerance),
                max_value=min(1.0, 1 - share + tolerance))))
    for column in category_columns(contract):
        values = sorted({v.lower() for v in contract.column(column).values}
                        | {v for p in past for v in p.category_shares.get(column, {})})
        shares = [_mean([p.category_shares.get(column, {}).get(v, 0.0) for p in past
                         if p.category_shares.get(column)]) or 0.0 for v in values]
        if sum(shares) == 0:
            continue  # the column was always empty: no mix to compare with
        weights = [(s + MIX_SMOOTHING) / (sum(shares) + MIX_SMOOTHING * len(values)) for s in shares]
        from scipy import stats  # here, not at the top: the import costs every process ~1 s
        threshold = max(MIX_MAX_KL, stats.chi2.ppf(1 - MIX_ALPHA, len(values) - 1) / (2 * max(rows_now, 1)))
        found.append(("category_mix", column, threshold, gxe.ExpectColumnKLDivergenceToBeLessThan(
            column=column, partition_object={"values": values, "weights": weights}, threshold=threshold)))
    for column in mean_columns(contract):
        mean = _mean([p.means.get(column) for p in past])
        if mean:
            low, high = sorted((mean * (1 - MEAN_TOLERANCE), mean * (1 + MEAN_TOLERANCE)))
            found.append(("mean", column, mean, gxe.ExpectColumnMeanToBeBetween(
                column=column, min_value=low, max_value=high)))
    return found


def _dutch(amount: float) -> str:
    """An amount as a Dutch receipt writes it: 2.469,12, not 2,469.12."""
    return f"{amount:,.2f}".translate(str.maketrans(",.", ".,"))


def _in_words(kind: str, column: str | None, observed: float | None, expected: float,
              deliveries: int, frame: pd.DataFrame, past: list[Profile]) -> tuple[str, str]:
    n_nl, n_en = (NUMBER_WORDS[lang][deliveries] for lang in ("nl", "en"))
    last_nl, last_en = f"de laatste {n_nl} leveringen", f"the last {n_en} deliveries"
    if kind == "row_count":
        if not expected:   # the last deliveries were empty: no share to speak of
            return (f"{observed or 0:.0f} rijen, tegen geen enkele in {last_nl}",
                    f"{observed or 0:.0f} rows, against none in {last_en}")
        change = (observed or 0) / expected - 1
        return (f"{abs(change):.0%} {'minder' if change < 0 else 'meer'} rijen dan {last_nl} "
                f"({observed or 0:.0f} tegen gemiddeld {expected:.0f})",
                f"{abs(change):.0%} {'fewer' if change < 0 else 'more'} rows than {last_en} "
                f"({observed or 0:.0f} against {expected:.0f} on average)")
    if kind == "empty_share":
        empty = 1 - (observed or 0)
        return (f"{column}: {empty:.0%} leeg, tegen {expected:.0%} in {last_nl}",
                f"{column}: {empty:.0%} empty, against {expected:.0%} in {last_en}")
    if kind == "category_mix":
        now = frame[column].value_counts(normalize=True).to_dict()
        before = {v: _mean([p.category_shares.get(column, {}).get(v, 0.0) for p in past]) or 0.0
                  for v in set(now) | {v for p in past for v in p.category_shares.get(column, {})}}
        value = max(sorted(before), key=lambda v: abs(now.get(v, 0.0) - before[v]))  # ties: by name
        return (f"{column}: de verdeling wijkt af van {last_nl} ({value}: nu {now.get(value, 0.0):.0%}, "
                f"eerder {before[value]:.0%})",
                f"{column}: the mix of values differs from {last_en} ({value}: {now.get(value, 0.0):.0%} "
                f"now, {before[value]:.0%} before)")
    if observed is None:   # every amount of the column empty in this delivery
        return (f"{column}: geen enkel bedrag ingevuld, tegen gemiddeld {_dutch(expected)} in {last_nl}",
                f"{column}: no amount filled in, against {expected:,.2f} on average in {last_en}")
    change = observed / expected - 1
    return (f"{column}: gemiddeld {abs(change):.0%} {'lager' if change < 0 else 'hoger'} dan in {last_nl} "
            f"({_dutch(observed)} tegen {_dutch(expected)})",
            f"{column}: on average {abs(change):.0%} {'lower' if change < 0 else 'higher'} than in "
            f"{last_en} ({observed:,.2f} against {expected:,.2f})")


def _suite(gx, name: str, expectations: list) -> gx.ExpectationSuite:
    """A suite of `expectations`, each one of them in it. Passed to the constructor, not added one
    by one: add_expectation compares each new one with every one before it (a pydantic dict of
    both per pair) to leave out a duplicate, 91 pairs for each delivery of ZRM measurements (14
    history expectations), and ours are distinct by construction (one per rule or column)."""
    return gx.ExpectationSuite(name=name, expectations=expectations)


class ContractValidator:
    """One ephemeral GX context for a run; suites are made once per contract."""

    def __init__(self) -> None:
        self.suites: dict[str, gx.ExpectationSuite] = {}
        self._batch_definition = None
        self._making = threading.Lock()   # the intake may make the context ahead, in a thread

    def _gx(self):
        """great_expectations, with this validator's context made on first use (an intake with
        nothing to validate never imports GX) and active, as a suite needs."""
        gx, _ = _great_expectations()
        with self._making:
            if self._batch_definition is None:
                context = gx.get_context(mode="ephemeral")
                context.variables.progress_bars = {"globally": False}
                source = context.data_sources.add_pandas("wijkwijzer")
                self._batch_definition = source.add_dataframe_asset("delivery").add_batch_definition_whole_dataframe("whole")
        return gx

    def _batch(self, frame: pd.DataFrame):
        self._gx()
        return self._batch_definition.get_batch(batch_parameters={"dataframe": frame})

    def _suite(self, contract: Contract) -> gx.ExpectationSuite:
        if contract.table not in self.suites:
            expectations = []
            for rule, severity, expectation in expectations_for(contract):
                expectation.meta = {"rule": rule, "severity": severity}
                expectations.append(expectation)
            self.suites[contract.table] = _suite(self._gx(), contract.table, expectations)
        return self.suites[contract.table]

    def validate(self, contract: Contract, frame: pd.DataFrame) -> list[ExpectationOutcome]:
        if frame.empty:
            return []
        suite = self._suite(contract)
        batch = self._batch(frame)
        result = batch.validate(suite, result_format="SUMMARY")
        return [ExpectationOutcome(r.expectation_config.meta["rule"], r.expectation_config.meta["severity"],
                                   bool(r.success), int(r.result.get("unexpected_count") or 0))
                for r in result.results]

    def validate_history(self, contract: Contract, frame: pd.DataFrame,
                         past: list[Profile]) -> list[HistoryFinding]:
        """This delivery (typed contract columns) against the profiles of earlier deliveries,
        newest first; nothing when there are fewer than MIN_HISTORY of them."""
        past = past[:HISTORY_DELIVERIES]
        if len(past) < MIN_HISTORY:
            return []
        expected, expectations = {}, []
        for index, (kind, column, value, expectation) in enumerate(history_expectations(contract, past, len(frame))):
            expectation.meta = {"index": index}
            expected[index] = (kind, column, value)
            expectations.append(expectation)
        suite = _suite(self._gx(), f"{contract.table}__history", expectations)
        batch = self._batch(frame)
        findings = []
        for result in batch.validate(suite, result_format="SUMMARY").results:
            kind, column, value = expected[result.expectation_config.meta["index"]]
            observed = result.result.get("observed_value")
            observed = float(observed) if observed is not None else None
            nl, en = _in_words(kind, column, observed, value, len(past), frame, past)
            findings.append(HistoryFinding(kind, column, bool(result.success), observed, value,
                                           len(past), nl, en))
        return findings


@lru_cache(maxsize=1)
def shared_validator() -> ContractValidator:
    """One ephemeral GX context per process (making one costs about a second): the intake's history
    judgements and the raw tables' checks, in every run the process executes, share it."""
    return ContractValidator()
