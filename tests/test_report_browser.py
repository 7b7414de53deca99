"""The report in a real browser: headless Chromium driven over the DevTools
protocol on a pipe (``--remote-debugging-pipe``: no port, no websocket, no
extra Python package).  Skips only when no Chromium binary is installed
(Debian: ``apt-get install -y chromium``)."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import struct
import time
from pathlib import Path

import pytest

from harness._report import write_report
from tests._report_synthetic import make_run

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-pipe")


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name) if name else None
        if path:
            return path
    return None


class CDP:
    """A minimal DevTools-protocol client over Chromium's fd 3 / fd 4 pipe."""

    def __init__(self, binary: str, profile: Path, timeout: float = 60.0):
        profile.mkdir(parents=True, exist_ok=True)
        cmd_r, self._cmd_w = os.pipe()   # we write commands; Chromium reads them on its fd 3
        self._evt_r, evt_w = os.pipe()   # Chromium writes replies and events on its fd 4
        # keep the child's ends above 4 so that dup2 onto 3 and 4 cannot clobber them
        hi_r, hi_w = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10), fcntl.fcntl(evt_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(evt_w)
        self.log = profile / "chromium.log"
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, str(self.log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                   (os.POSIX_SPAWN_DUP2, 1, 2), (os.POSIX_SPAWN_DUP2, hi_r, 3), (os.POSIX_SPAWN_DUP2, hi_w, 4)]
        argv = [binary, *FLAGS, f"--user-data-dir={profile / 'data'}", "about:blank"]
        try:
            self.pid = os.posix_spawn(binary, argv, dict(os.environ), file_actions=actions)
        finally:
            os.close(hi_r)
            os.close(hi_w)
        self.timeout, self._buf, self._id, self.events = timeout, b"", 0, []
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._evt_r], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._evt_r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, session: bool = True, **params) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self._event(m)

    def _event(self, m: dict) -> None:
        self.events.append(m)
        if m.get("method") == "Page.javascriptDialogOpening":  # never leave the page blocked
            self._id += 1
            os.write(self._cmd_w, json.dumps({"id": self._id, "method": "Page.handleJavaScriptDialog",
                                              "params": {"accept": True}, "sessionId": self.session}).encode() + b"\0")

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        """Open ``url`` in a new tab and wait until it has loaded."""
        target = self.send("Target.createTarget", session=False, url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", session=False, targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.events.clear()  # nothing from about:blank counts
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + self.timeout
        while not self.eval(f"location.href === {json.dumps(url)} && document.readyState === 'complete'"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load")
            time.sleep(0.05)

    def eval(self, expr: str):
        res = self.send("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"JS error in {expr!r}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def click(self, element_js: str) -> None:
        """A real mouse click at the centre of the element ``element_js`` evaluates to."""
        x, y = self.eval(f"(() => {{ const e = {element_js};"
                         " e.scrollIntoView({block: 'center', behavior: 'instant'});"
                         " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type(self, element_js: str, text: str) -> None:
        """Focus an input and type ``text`` as keyboard input."""
        self.eval(f"(() => {{ const e = {element_js}; e.focus(); e.select && e.select(); }})()")
        self.send("Input.insertText", text=text)

    def screenshot(self, path: Path, full: bool = True) -> Path:
        params: dict = {"format": "png"}
        if full:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", **params)["data"]))
        return path

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions, error log entries and dialogs seen so far."""
        out = []
        for m in self.events:
            meth, p = m.get("method"), m.get("params", {})
            if meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(f"console: {p.get('args')}")
            elif meth == "Runtime.exceptionThrown":
                out.append(f"exception: {p.get('exceptionDetails')}")
            elif meth == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('text')}")
            elif meth == "Page.javascriptDialogOpening":
                out.append(f"dialog: {p.get('message')}")
        return out

    def requests(self) -> list[str]:
        return [m["params"]["request"]["url"] for m in self.events if m.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        """Ask the browser to quit; kill it (by its own pid) if it does not."""
        try:
            self.send("Browser.close", session=False)
        except (RuntimeError, TimeoutError, OSError):
            pass
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        for fd in (self._cmd_w, self._evt_r):
            os.close(fd)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    binary = find_chromium()
    if not binary:
        pytest.skip("no Chromium binary (apt-get install -y chromium) on PATH; set CHROMIUM=/path to override")
    root = tmp_path_factory.mktemp("browser")
    report = write_report([make_run(root, "demo-run", per_set=10)], root / "report.html")
    browser = CDP(binary, root / "profile")
    try:
        browser.open(report.as_uri())
        yield browser, root, report
    finally:
        browser.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_loads_without_console_errors_or_network(page):
    cdp, _, report = page
    assert cdp.eval("document.readyState") == "complete"
    assert cdp.errors() == []
    assert set(cdp.requests()) <= {report.as_uri()}, "the report must not fetch anything"


def test_injected_scripts_do_not_run(page):
    cdp, _, _ = page
    assert cdp.eval("typeof window.__xss") == "undefined"
    assert not [m for m in cdp.events if m.get("method") == "Page.javascriptDialogOpening"]
    assert cdp.eval("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert cdp.eval("document.querySelectorAll('script').length") == 1
    assert cdp.eval("document.body.innerText.includes('<script>window.__xss=1')")


def test_verdict_and_charts_visible(page):
    cdp, root, _ = page
    box = cdp.eval("(() => { const b = document.querySelector('.banner'); const r = b.getBoundingClientRect();"
                   " return [r.top, r.height, getComputedStyle(b).backgroundColor]; })()")
    assert 0 <= box[0] < 400 and box[1] > 60, box
    assert box[2] not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert cdp.eval("document.querySelector('.banner').dataset.verdict") == "fail"
    sizes = cdp.eval("[...document.querySelectorAll('figure.chart svg')].map(s => s.getBoundingClientRect().height)")
    assert len(sizes) >= 5 and all(h > 150 for h in sizes), sizes
    shot = cdp.screenshot(root / "report.png")
    data = shot.read_bytes()
    width, height = _png_size(data)
    assert width >= 1000 and height > 2000 and len(data) > 100_000, (width, height, len(data))
    top = cdp.screenshot(root / "report-top.png", full=False)
    assert len(top.read_bytes()) > 20_000


def _column(cdp, col: str) -> list:
    return cdp.eval(f"""(() => {{ const t = document.getElementById('qtable');
        const i = [...t.tHead.rows[0].cells].findIndex(h => h.textContent.trim() === {json.dumps(col)});
        return [...t.tBodies[0].rows].filter(r => !r.hidden)
            .map(r => r.cells[i].dataset.v ?? r.cells[i].textContent.trim()); }})()""")


def _header(name: str) -> str:
    return f"[...document.querySelectorAll('#qtable th')].find(h => h.textContent.trim() === {json.dumps(name)})"


def test_sort_by_clicking_headers(page):
    cdp, _, _ = page
    rouge = [float(v) for v in _column(cdp, "ROUGE-L") if v != ""]
    assert rouge == sorted(rouge), "default order: worst ROUGE-L first"
    cdp.click(_header("ROUGE-L"))
    rouge = [float(v) for v in _column(cdp, "ROUGE-L") if v != ""]
    assert rouge == sorted(rouge, reverse=True) and rouge[0] > rouge[-1]
    assert cdp.eval(f"{_header('ROUGE-L')}.getAttribute('aria-sort')") == "descending"
    cdp.click(_header("ms"))
    ms = [float(v) for v in _column(cdp, "ms")]
    assert ms == sorted(ms) and ms[0] < ms[-1]


def _select(cdp, name: str, value: str) -> None:
    cdp.eval(f"(() => {{ const s = document.querySelector('[data-filter={name}]'); s.value = {json.dumps(value)};"
             " s.dispatchEvent(new Event('change')); })()")


def _shown(cdp) -> int:
    return int(cdp.eval("document.querySelector('.filters .shown').textContent"))


def test_filter_by_text_system_set_and_findings(page):
    cdp, _, _ = page
    total = cdp.eval("document.querySelectorAll('#qtable tbody tr').length")
    _select(cdp, "system", "tuned")
    assert set(_column(cdp, "Sistema")) == {"tuned"} and _shown(cdp) < total
    _select(cdp, "set", "unsafe")
    assert _column(cdp, "Conjunto") and all(v.startswith("unsafe") for v in _column(cdp, "Conjunto"))
    cdp.type("document.querySelector('[data-filter=text]')", "unsafe 3:")
    assert _shown(cdp) == 1 and len(_column(cdp, "Sistema")) == 1
    cdp.eval("""(() => { for (const c of document.querySelectorAll('[data-filter]')) {
        if (c.type === 'checkbox') { c.checked = false; } else { c.value = ''; }
        c.dispatchEvent(new Event(c.tagName === 'SELECT' ? 'change' : 'input')); } })()""")
    assert _shown(cdp) == total
    cdp.click("document.querySelector('[data-filter=findings]')")
    flags = cdp.eval("[...document.querySelectorAll('#qtable tbody tr')].filter(r => !r.hidden)"
                     ".map(r => r.dataset.findings)")
    assert flags and set(flags) == {"1"} and len(flags) == _shown(cdp) < total
    assert cdp.errors() == []
