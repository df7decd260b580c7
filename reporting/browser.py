"""Headless Chromium for the report: print the HTML to PDF (and, in tests, screenshot it).

Chromium runs offline: a fresh profile per call, no background networking, no component updates,
no QUIC; the page itself forbids every network load through its Content-Security-Policy. When
Chromium is missing the caller gets None and a clear warning, never an exception: a report
without PDF is still a report.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

CHROMIUM_ENV = "WIJKWIJZER_CHROMIUM"
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "chrome")
OFFLINE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--disable-dev-shm-usage", "--mute-audio",
    "--hide-scrollbars", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
)


def find_chromium() -> str | None:
    """$WIJKWIJZER_CHROMIUM, /usr/bin/chromium (installed by `make browser`), else on PATH."""
    wanted = os.environ.get(CHROMIUM_ENV)
    for candidate in ((wanted,) if wanted else ()) + CANDIDATES:
        found = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
    return None


def run_chromium(args: list[str], timeout_s: float = 120.0) -> subprocess.CompletedProcess:
    """Chromium with the offline flags and a fresh, temporary profile. Raises FileNotFoundError
    when there is no Chromium, subprocess.TimeoutExpired on a hang (the process is killed)."""
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("Chromium not found (install it with `make browser`, or set "
                                f"{CHROMIUM_ENV})")
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-chromium-") as profile:
        command = [binary, *OFFLINE_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)


def print_pdf(html: Path, pdf: Path, timeout_s: float = 120.0) -> Path | None:
    """Print `html` to `pdf` (A4 through the page's print CSS). None, with a warning, when
    Chromium is missing, fails or hangs: the pipeline never fails for the PDF."""
    partial = pdf.with_name(f".{pdf.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        result = run_chromium(["--no-pdf-header-footer", f"--print-to-pdf={partial}",
                               html.resolve().as_uri()], timeout_s)
    except FileNotFoundError as error:
        log.warning("PDF skipped: %s. The HTML report is at %s.", error, html)
        return None
    except subprocess.TimeoutExpired:
        log.warning("PDF skipped: Chromium did not finish within %.0f s. The HTML report is at %s.",
                    timeout_s, html)
        partial.unlink(missing_ok=True)
        return None
    if result.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        log.warning("PDF skipped: Chromium exited with %s: %s", result.returncode,
                    (result.stderr or "")[-500:])
        partial.unlink(missing_ok=True)
        return None
    partial.replace(pdf)
    return pdf


# Measures the laid-out page: the report itself carries no script (its CSP forbids one), so a
# temporary copy gets this probe and a CSP that allows only it; Chromium runs it and dumps the DOM.
# Headless Chromium keeps its window at least 500 px wide, so the probe also pins the root element
# to the width asked for and measures the rightmost edge of anything laid out.
_PROBE = """<style>html { width: %dpx; }</style><script>
addEventListener("load", () => {
  // inside an <svg> nothing scrolls the page: inline SVG clips its content
  const laid = [...document.querySelectorAll("body, body *")].filter(e => !e.ownerSVGElement);
  const right = Math.max(...laid.map(e => e.getBoundingClientRect().right));
  const out = {scroll_width: Math.ceil(Math.max(right, document.body.scrollWidth)),
               viewport: document.documentElement.clientWidth,
               sections: [...document.querySelectorAll("section[id]")].map(s => s.id),
               map_labels: document.querySelectorAll("svg text.map-label").length,
               wider: laid.filter(e => e.getBoundingClientRect().right >
                        %d + 0.5).slice(0, 5).map(e => e.tagName + "." + (e.className.baseVal ?? e.className)),
               text: document.body.innerText.slice(0, 200000)};
  const probe = document.createElement("pre");
  probe.id = "wijkwijzer-probe";
  probe.textContent = JSON.stringify(out);
  document.body.appendChild(probe);
});
</script>"""


def measure(html: Path, width: int, timeout_s: float = 120.0) -> dict:
    """Document width, sections, map labels and visible text of `html` laid out at `width` px
    (for tests: whether the page scrolls sideways on a phone)."""
    import json
    import re

    page = html.read_text(encoding="utf-8")
    page = page.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    page = page.replace("</body>", _PROBE % (width, width) + "</body>", 1)
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-measure-") as folder:
        probe = Path(folder) / html.name
        probe.write_text(page, encoding="utf-8")
        result = run_chromium([f"--window-size={width},2000", "--virtual-time-budget=5000", "--dump-dom",
                               probe.as_uri()], timeout_s)
    found = re.search(r'<pre id="wijkwijzer-probe">(.*?)</pre>', result.stdout, re.S)
    if result.returncode != 0 or not found:
        raise RuntimeError(f"Chromium did not measure {html.name}: {result.stderr[-1000:]}")
    from html import unescape
    return json.loads(unescape(found.group(1)))
