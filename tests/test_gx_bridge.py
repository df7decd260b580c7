"""The Great Expectations bridge: contract rules as GX expectations, results as counts only."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd

from quality.gx_bridge import ContractValidator, expectations_for
from sources.contracts import load_registry
from tests.conftest import REPO_ROOT, pseudonym

CONTRACT = load_registry().contracts["wonen__huurcontracten"]


def frame(**overrides) -> pd.DataFrame:
    rows = {"contract_id": ["HC-1", "HC-2"], "persoon_pseudoniem": [pseudonym(1), pseudonym(2)],
            "vhe_id": ["V-1", "V-2"], "startdatum": pd.to_datetime(["2020-01-01", "2021-01-01"]),
            "einddatum": [None, None], "einde_reden": [None, None],
            "doelgroep": ["regulier", "housing_first"], "begeleidingsafspraak": ["nee", "ja"],
            "_sha256": ["a", "a"]}
    rows.update(overrides)
    return pd.DataFrame(rows)


def test_every_contract_has_expectations_for_its_rules():
    names = {rule for rule, _, _ in expectations_for(CONTRACT)}
    assert {"contract_id.required", "contract_id.format", "persoon_pseudoniem.format",
            "doelgroep.allowed", "key.unique"} <= names


def test_a_clean_batch_passes():
    outcomes = ContractValidator().validate(CONTRACT, frame())
    assert outcomes and all(o.success for o in outcomes)


def test_violations_are_counted_with_their_severity():
    bad = frame(doelgroep=["regulier", "onbekend"], persoon_pseudoniem=[pseudonym(1), "ABC"],
                contract_id=["HC-1", "HC-1"])
    failed = {o.rule: (o.severity, o.unexpected) for o in ContractValidator().validate(CONTRACT, bad)
              if not o.success}
    assert failed["doelgroep.allowed"] == ("error", 1)
    assert failed["persoon_pseudoniem.format"] == ("fatal", 1)
    assert failed["key.unique"][0] == "error"


def test_the_same_key_in_two_deliveries_is_not_a_duplicate():
    two_deliveries = frame(contract_id=["HC-1", "HC-1"], _sha256=["a", "b"])
    assert all(o.success for o in ContractValidator().validate(CONTRACT, two_deliveries))


def test_loading_the_definitions_does_not_import_great_expectations():
    """Every process that loads the code location (the CLI, the code server, each run the daemon
    starts) paid GX's import, about 8 CPU seconds; only an intake that validates a delivery needs it."""
    loaded = subprocess.run([sys.executable, "-W", "ignore", "-c",
                             "import sys, pipelines.definitions; print('great_expectations' in sys.modules)"],
                            cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
    validator = ContractValidator()
    assert validator.validate(CONTRACT, frame()) and "great_expectations" in sys.modules
