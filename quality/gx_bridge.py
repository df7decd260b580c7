"""Great Expectations 1.x → Dagster asset checks, built from the same contract YAML.

GX validates pandas batches per delivery (DESIGN.md: GX cannot validate DuckDB through
SQLAlchemy). It is the independent second opinion on what intake loaded: row rules decided in
SQL which rows went in; GX confirms the loaded delivery meets the contract. Unexpected values
are never read from GX results (they could identify): only counts.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no telemetry, no network

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
import pandas as pd  # noqa: E402

from quality.contract_sql import BUURTCODE_PATTERN, ID_PATTERN, PSEUDONYM_PATTERN  # noqa: E402
from sources.contracts import Contract  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ExpectationOutcome:
    rule: str
    severity: str
    success: bool
    unexpected: int


def expectations_for(contract: Contract) -> list[tuple[str, str, gxe.Expectation]]:
    """(rule name, severity, expectation) mirroring the contract's column rules."""
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


class ContractValidator:
    """One ephemeral GX context for a run; suites are made once per contract."""

    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False}
        source = self.context.data_sources.add_pandas("wijkwijzer")
        self.batch_definition = source.add_dataframe_asset("delivery").add_batch_definition_whole_dataframe("whole")
        self.suites: dict[str, gx.ExpectationSuite] = {}

    def _suite(self, contract: Contract) -> gx.ExpectationSuite:
        if contract.table not in self.suites:
            suite = gx.ExpectationSuite(name=contract.table)
            for rule, severity, expectation in expectations_for(contract):
                expectation.meta = {"rule": rule, "severity": severity}
                suite.add_expectation(expectation)
            self.suites[contract.table] = suite
        return self.suites[contract.table]

    def validate(self, contract: Contract, frame: pd.DataFrame) -> list[ExpectationOutcome]:
        if frame.empty:
            return []
        suite = self._suite(contract)
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format="SUMMARY")
        return [ExpectationOutcome(r.expectation_config.meta["rule"], r.expectation_config.meta["severity"],
                                   bool(r.success), int(r.result.get("unexpected_count") or 0))
                for r in result.results]
