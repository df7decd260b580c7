"""Time the board reports of one run (issue 20) on an existing warehouse, read-only: every
gemeente with published data, both languages, the national summary and every PDF in one Chromium
session, as the `reports/board_report_*` step does.

    python -m benchmarks.reports "$WIJKWIJZER_HOME/warehouse.duckdb" [--out DIR] [--no-pdf]

Prints seconds (wall and CPU of this process; Chromium's own CPU is not in it), split into
reading, HTML and the wait for the last PDFs (they print while the HTML is written), per
gemeente, and the PDFs that could not be made. Reports go to a
temporary folder unless --out is given.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from engine.warehouse import open_warehouse
from reporting.board import render_board_reports
from reporting.board.text import LANGS


def measure(warehouse: Path, out: Path, pdf: bool = True, langs: tuple[str, ...] = LANGS) -> dict:
    cpu = time.process_time()
    with open_warehouse(warehouse, read_only=True) as con:
        run = render_board_reports(con, out, langs=langs, pdf=pdf)
    documents = run["reports"] + list(run["summary"].values())
    reported = max(run["gemeenten_reported"], 1)
    return {"period": run["period"], "gemeenten": run["gemeenten"], "gemeenten_reported": run["gemeenten_reported"],
            "documents": len(documents), "seconds": run["seconds"], "cpu_seconds": round(time.process_time() - cpu, 2),
            "read_seconds": run["read_seconds"], "html_seconds": round(run["html_seconds"] - run["read_seconds"], 3),
            "pdf_wait_seconds": run["pdf_wait_seconds"], "seconds_per_gemeente": round(run["seconds"] / reported, 3),
            "pdfs": sum(d["pdf"] is not None for d in documents),
            "pdfs_failed": sum(d["pdf_wanted"] and d["pdf"] is None for d in documents),
            "largest_html_bytes": max((d["html_bytes"] or 0 for d in documents), default=0),
            "largest_pdf_bytes": max((d["pdf_bytes"] or 0 for d in documents), default=0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reports", description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--out", type=Path, help="where the reports go (default: a temporary folder)")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false")
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        print(f"benchmarks.reports: no warehouse at {args.warehouse}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-reports-") as folder:
        print(json.dumps(measure(args.warehouse, args.out or Path(folder), args.pdf), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
