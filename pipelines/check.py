"""`wijkwijzer check FILE`: exactly the intake validation, nothing loaded, receipt on stdout."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from quality.intake import cannot_check, register_known_buurten, sha256_of
from quality.receipts import receipt_data, render
from quality.validate import validate
from sources.contracts import load_registry

EXIT_ACCEPTED, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def check_file(path: Path, lang: str = "nl", as_json: bool = False) -> int:
    if not path.is_file():
        print(f"wijkwijzer check: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    registry, sha256 = load_registry(), sha256_of(path)
    with duckdb.connect() as con:  # in memory: the warehouse is never touched
        register_known_buurten(con)
        try:
            outcome = validate(path, registry, con, sha256)
        except Exception as error:  # noqa: BLE001 - refused as the intake would, never a traceback
            outcome = cannot_check(path.name, sha256, error, registry)
    if as_json:
        print(json.dumps(receipt_data(outcome), indent=2, ensure_ascii=False, default=str))
    else:
        print(render(outcome, lang, check_only=True))
    return EXIT_REFUSED if outcome.refused else EXIT_ACCEPTED
