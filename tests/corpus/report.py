"""`python -m tests.corpus.report`: run the corpus and print the table for the issue note."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.corpus.harness import discover_cases, run_corpus, table


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir:
        results = run_corpus(discover_cases(), Path(workdir))
    print(table(results))
    bad = [r for r in results if r.leaks or not r.decided_as_expected]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
