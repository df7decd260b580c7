"""Headless Chromium for the report: print the HTML to PDF (and, in tests, screenshot it).

All PDFs of a run come from one Chromium session (`print_pdfs`): starting Chromium costs more
than printing a report. Chromium runs offline: a fresh profile per session or call, no background
networking, no component updates, no QUIC, and every connection sent to a closed port with no
host name looked up (OFFLINE_FLAGS); the page itself forbids every load through its
Content-Security-Policy, which does not govern a navigation: a page that asks to open another is
not printed (PdfSession.print). When Chromium is missing the caller gets None and a clear
warning, never an exception: a report without PDF is still a report.
"""
from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

CHROMIUM_ENV = "WIJKWIJZER_CHROMIUM"
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "chrome")
OFFLINE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--disable-dev-shm-usage", "--mute-audio",
    "--hide-scrollbars", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
    # Offline whatever the page holds: the report's Content-Security-Policy forbids every load, but
    # a meta refresh is a navigation, which that policy does not govern (an outside attack sent one
    # to a local listener). Every connection goes to a proxy on a closed port, loopback included,
    # no host name is looked up, and WebRTC sends no UDP past the proxy.
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
)


# PDFs are printed by chromium-headless-shell when it is there: Chromium's headless mode as a
# binary of its own, made for automation (`make browser` installs both). It starts in 0.15 s
# against 0.4 s and prints the city's board report in 1.7 s against 2.4 s, with the same 58
# pages, fonts, tags and language. The layout probe and screenshots keep the full browser: what
# a reader's browser lays out.
PRINTER_CANDIDATES = ("/usr/bin/chromium-headless-shell", "chromium-headless-shell")


def _first_executable(candidates: Iterable[str]) -> str | None:
    for candidate in candidates:
        found = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
    return None


def find_chromium() -> str | None:
    """$WIJKWIJZER_CHROMIUM when it is set (None when it names no executable: a typo must not
    fall back to another browser unnoticed), else /usr/bin/chromium (installed by `make
    browser`), else on PATH."""
    wanted = os.environ.get(CHROMIUM_ENV)
    return _first_executable((wanted,) if wanted else CANDIDATES)


def find_printer() -> str | None:
    """The Chromium that prints PDFs: the one $WIJKWIJZER_CHROMIUM names when it is set, else
    chromium-headless-shell, else find_chromium()."""
    if os.environ.get(CHROMIUM_ENV):
        return find_chromium()
    return _first_executable(PRINTER_CANDIDATES) or find_chromium()


def why_no_chromium() -> str:
    """Why find_chromium() or find_printer() found none, in the words a warning or error gives."""
    if os.environ.get(CHROMIUM_ENV):
        return f"{CHROMIUM_ENV} names no executable Chromium"
    return f"Chromium not found (install it with `make browser`, or set {CHROMIUM_ENV})"


def run_chromium(args: list[str], timeout_s: float = 120.0) -> subprocess.CompletedProcess:
    """Chromium with the offline flags and a fresh, temporary profile. Raises FileNotFoundError
    when there is no Chromium, subprocess.TimeoutExpired on a hang (the process is killed)."""
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError(why_no_chromium())
    with tempfile.TemporaryDirectory(prefix="wijkwijzer-chromium-") as profile:
        command = [binary, *OFFLINE_FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)


def print_pdf(html: Path, pdf: Path, timeout_s: float = 120.0) -> Path | None:
    """Print `html` to `pdf` (A4 through the page's print CSS). None, with a warning, when
    Chromium is missing, fails or hangs: the pipeline never fails for the PDF."""
    return print_pdfs([(html, pdf)], timeout_s)[0]


def print_pdfs(jobs: Iterable[tuple[Path, Path]], timeout_s: float = 120.0,
               start_at_once: bool = False) -> list[Path | None]:
    """Print each (html, pdf) in one Chromium session: one start for all PDFs of a run. Per PDF
    None, with a warning, when it fails or takes longer than `timeout_s`; Chromium is then
    restarted for the PDFs after it. Every PDF None (one warning) when Chromium is missing. Jobs
    are taken one by one, so they may still be coming (PdfPrinter). `start_at_once`: Chromium
    starts before the first job comes, not when it does (a failed start is tried again then)."""
    binary = find_printer()
    printed: list[Path | None] = []
    session: PdfSession | None = None
    if binary is not None and start_at_once:
        try:
            session = _start_chromium(binary, timeout_s)
        except (TimeoutError, BrowserFailed, OSError):
            session = None   # the first job starts it again, and says why when that fails too
    try:
        for html, pdf in jobs:
            if binary is None:
                if not printed:
                    log.warning("PDF skipped: %s. The HTML report is at %s.", why_no_chromium(), html)
                printed.append(None)
                continue
            partial = pdf.with_name(f".{pdf.name}.partial")
            partial.unlink(missing_ok=True)
            try:
                session = session or _start_chromium(binary, timeout_s)
                partial.write_bytes(session.print(html, timeout_s))
            except (TimeoutError, BrowserFailed, OSError) as error:
                log.warning("PDF skipped for %s: %s", html, error)
                partial.unlink(missing_ok=True)
                if session is not None:
                    session.close()
                session = None
                printed.append(None)
                continue
            partial.replace(pdf)
            printed.append(pdf)
    finally:
        if session is not None:
            session.close()
    return printed


class PdfPrinter:
    """print_pdfs in a background thread, fed while the caller writes the next report: Chromium
    lays out one report on the other core while Python renders the next (the thread itself only
    waits on the pipe). Chromium starts as the printer does, while the caller still reads and
    writes its first report (city report: about 0.3 s of start and a first page's warm-up). `add`
    inside the with-block; `results()` after it: html → pdf or None."""

    def __init__(self, timeout_s: float = 120.0):
        self._queue: queue.Queue = queue.Queue()
        self._added: list[Path] = []
        self._printed: list[Path | None] = []
        self._all_taken = False
        self._timeout_s = timeout_s
        self._thread = threading.Thread(target=self._work, name="wijkwijzer-pdf", daemon=True)

    def __enter__(self) -> PdfPrinter:
        self._thread.start()
        return self

    def add(self, html: Path) -> None:
        self._added.append(html)
        self._queue.put((html, html.with_suffix(".pdf")))

    def _jobs(self):
        while (job := self._queue.get()) is not None:
            yield job
        self._all_taken = True

    def _work(self) -> None:
        try:
            self._printed = print_pdfs(self._jobs(), self._timeout_s, start_at_once=True)
        except Exception:  # never fail the run for a PDF: the HTML is there
            log.exception("PDFs skipped: the printer failed")
            while not self._all_taken and self._queue.get() is not None:
                pass  # take what is still coming, so the caller is not kept waiting

    def __exit__(self, *exc) -> None:
        self._queue.put(None)
        self._thread.join()

    def results(self) -> dict[Path, Path | None]:
        return {html: (self._printed[n] if n < len(self._printed) else None) for n, html in enumerate(self._added)}


class BrowserFailed(RuntimeError):
    """Chromium answered with an error, or went away."""


class PdfSession:
    """One headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
    messages are JSON ended by a NUL byte, Chromium reads fd 3 and writes fd 4; no port is
    opened). One tab navigates from report to report; Page.printToPDF with the options of
    Chromium's own --print-to-pdf (backgrounds, the page's CSS page size, no header or footer)."""

    def __init__(self, binary: str, timeout_s: float):
        self._profile = tempfile.TemporaryDirectory(prefix="wijkwijzer-chromium-", ignore_cleanup_errors=True)
        to_chromium, self._commands = os.pipe()
        self._answers, from_chromium = os.pipe()
        # above the standard streams and fds 3/4 themselves, so the dup2s below cannot collide
        ours = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chromium, from_chromium)]
        os.close(to_chromium)
        os.close(from_chromium)
        # Python's subprocess cannot put an fd at a given number: a two-line trampoline does
        trampoline = (f"import os, sys; os.dup2({ours[0]}, 3); os.dup2({ours[1]}, 4); "
                      f"os.close({ours[0]}); os.close({ours[1]}); os.execv(sys.argv[1], sys.argv[1:])")
        self._stderr = open(Path(self._profile.name) / "stderr.log", "w+b")  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", trampoline, binary, *OFFLINE_FLAGS, "--remote-debugging-pipe",
                 f"--user-data-dir={self._profile.name}", "about:blank"],
                pass_fds=ours, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
                # a group of its own: Debian's chromium-headless-shell is a script that starts the
                # browser as its child (no exec), which a kill of the script alone leaves running
                start_new_session=True)
        finally:
            for fd in ours:
                os.close(fd)
        self._buffer = bytearray()
        self._events: list[dict] = []
        self._next_id = 0
        deadline = time.monotonic() + timeout_s
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
            self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                       deadline=deadline)["sessionId"]
            self._call("Page.enable", session=True, deadline=deadline)
        except BaseException:
            self.close()
            raise

    def print(self, html: Path, timeout_s: float) -> bytes:
        """The PDF of `html` as bytes."""
        deadline = time.monotonic() + timeout_s
        self._events.clear()
        navigated = self._call("Page.navigate", {"url": html.resolve().as_uri()}, session=True,
                               deadline=deadline)
        if navigated.get("errorText"):
            raise BrowserFailed(f"Chromium could not open {html.name}: {navigated['errorText']}")
        # Chromium's own id of this navigation: a URL it writes back may be escaped otherwise
        ours = navigated.get("loaderId")
        self._wait_for_load_of(ours, deadline)
        self._refuse_if_it_left(ours, html)   # before the print, and after it (below)
        stream = self._call("Page.printToPDF", {
            "printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False,
            "transferMode": "ReturnAsStream"}, session=True, deadline=deadline)["stream"]
        pdf = bytearray()
        while True:  # in chunks: a large map can make a PDF larger than one message should be
            chunk = self._call("IO.read", {"handle": stream, "size": 1 << 20}, session=True,
                               deadline=deadline)
            pdf += base64.b64decode(chunk["data"]) if chunk.get("base64Encoded") else chunk["data"].encode()
            if chunk.get("eof"):
                break
        self._call("IO.close", {"handle": stream}, session=True, deadline=deadline)
        self._refuse_if_it_left(ours, html)
        if not pdf:
            raise BrowserFailed(f"Chromium printed an empty PDF of {html.name}")
        return bytes(pdf)

    def close(self) -> None:
        try:  # Chromium closes in a tenth of a second; one that does not answer is not waited for
            self._send("Browser.close", {})
            self._process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:  # whatever of the group is left: the browser under a wrapper script, its helpers
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._process.wait()
        for fd in (self._commands, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        self._profile.cleanup()

    def _send(self, method: str, params: dict, session: bool = False) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _call(self, method: str, params: dict | None = None, session: bool = False,
              deadline: float = 0.0) -> dict:
        wanted = self._send(method, params or {}, session)
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserFailed(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _wait_for_load_of(self, loader: str | None, deadline: float) -> None:
        """Until the page of navigation `loader` has loaded and stopped loading, after it arrived
        (not the load of a page the last one went on to open). A meta refresh is scheduled
        between the two: waiting for both is what lets _refuse_if_it_left see it every time."""
        def loaded() -> bool:
            arrived = [n for n, e in enumerate(self._events) if e["method"] == "Page.frameNavigated"
                       and _loader(e) == loader and not e["params"]["frame"].get("parentId")]
            since = {e["method"] for e in self._events[arrived[0]:]} if arrived else set()
            return {"Page.loadEventFired", "Page.frameStoppedLoading"} <= since
        while not loaded():
            message = self._receive(deadline)
            if "method" in message:
                self._events.append(message)

    def _refuse_if_it_left(self, loader: str | None, html: Path) -> None:
        """A page that asked to open another (a meta refresh: the CSP does not govern navigation)
        or opened one is not printed: what was printed may be that other page, a local file."""
        for event in self._events:
            if event["method"] in LEAVING or (event["method"] in ARRIVING and _loader(event) != loader):
                raise BrowserFailed(f"{html.name} asked to open another page ({event['method']}): not printed")

    def _receive(self, deadline: float) -> dict:
        while (end := self._buffer.find(b"\0")) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                self._stderr.seek(0)
                raise BrowserFailed(f"Chromium exited: {self._stderr.read()[-500:].decode(errors='replace')}")
            self._buffer += chunk
        message = json.loads(self._buffer[:end])
        del self._buffer[:end + 1]
        return message


# A page asking to go elsewhere (scheduled: a meta refresh; requested: by the renderer), and a
# frame starting or finishing a navigation, which must then be the report's own.
LEAVING = {"Page.frameScheduledNavigation", "Page.frameRequestedNavigation"}
ARRIVING = {"Page.frameStartedNavigating", "Page.frameNavigated"}


def _loader(event: dict) -> str | None:
    """The navigation an ARRIVING event belongs to."""
    params = event.get("params", {})
    return params.get("loaderId", params.get("frame", {}).get("loaderId"))


def _start_chromium(binary: str, timeout_s: float) -> PdfSession:
    """One Chromium process (tests count the calls)."""
    return PdfSession(binary, timeout_s)


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
