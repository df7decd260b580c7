"""Rendering apart: the sections' plain data through the autoescaped templates into one
self-contained HTML file, written atomically. The PDFs: reporting.browser.PdfPrinter."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
REPORT, SUMMARY = "board_report", "national_summary"


def render_html(context: dict, document: str = REPORT) -> str:
    return _env.get_template(f"{document}.html.j2").render(**context)


# Where a report says when it was made: rendered as this token, filled in by write() (its <meta
# name="wijkwijzer-generated"> repeats it, so a later run can tell what else changed).
GENERATED = "@@generated@@"
_GENERATED_META = re.compile(r'<meta name="wijkwijzer-generated" content="([^"]*)">')


def write(html: str, folder: Path, lang: str, document: str = REPORT) -> Path:
    """The report's file, with the present time where `html` has GENERATED. Rewritten only when
    it reads otherwise than the file there, apart from that time: an unchanged report keeps the
    time it was first made and its modification time, which tells whether its PDF is current
    (pdf_is_current)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{document}.{lang}.html"
    if path.is_file():
        before = path.read_text(encoding="utf-8")
        made = _GENERATED_META.search(before)
        if made and html.replace(GENERATED, made.group(1)) == before:
            return path
    partial = folder / f".{path.name}.partial"
    partial.write_text(html.replace(GENERATED, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
                       encoding="utf-8")
    partial.replace(path)
    return path


def pdf_is_current(html: Path) -> bool:
    """Whether the PDF beside `html` was printed from its present text: printed after the file was
    last written (write() leaves an unchanged file alone). The file is self-contained, so the same
    text prints the same PDF; a correction that changes no published figure prints nothing."""
    pdf = html.with_suffix(".pdf")
    return pdf.is_file() and pdf.stat().st_mtime_ns > html.stat().st_mtime_ns
