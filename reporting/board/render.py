"""Rendering apart: the sections' plain data through the autoescaped templates into one
self-contained HTML file, written atomically, and its PDF through headless Chromium."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reporting import browser

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(context: dict) -> str:
    return _env.get_template("board_report.html.j2").render(**context)


def write(html: str, folder: Path, lang: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"board_report.{lang}.html"
    partial = folder / f".{path.name}.partial"
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)
    return path


def write_pdf(html_path: Path) -> Path | None:
    """None (with a warning from reporting.browser) when Chromium is missing or fails."""
    return browser.print_pdf(html_path, html_path.with_suffix(".pdf"))
