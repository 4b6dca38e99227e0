"""Browser tests: the dashboard served by Streamlit and driven in Debian's Chromium through Playwright.

The browser is never downloaded: it is `/usr/bin/chromium` (Debian's `chromium` package) or the path in
CHROMIUM_PATH. Without one the tests skip and say how to install it, except under CI=true, where a missing
browser fails the run. On failure a screenshot lands in test-results/ beside the server's log.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from components.views import plotly_view
from tests.conftest import ROOT

RESULTS = ROOT / "test-results"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
READY = "[data-testid=stApp][data-test-script-state=notRunning][data-test-connection-state=CONNECTED]"
DESKTOP = {"width": 1400, "height": 900}
CHART = f".{plotly_view.ROOT_CLASS}"  # a chart drawn by components/views/plotly_view.py
PHONE = {"width": 375, "height": 812}
# A phone's browser: the page lays some views out for a phone by its user agent.
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"
)
# Records every change of the app's script state, so a test can wait for a rerun to finish rather than
# racing the "notRunning" state that is still showing right after a click.
# Script runs, counted as the server reports each one ended: a ForwardMsg whose `script_finished` field is set
# (read from the top-level protobuf fields of every websocket frame). `window.__finished` holds the count and the
# time the last one arrived; the benchmark's probe reads it too. Counting the page's "running" state instead
# missed runs fast enough that React never showed that state.
RERUN_COUNTER = """
const finished = window.__finished = {count: 0, at: null};
Object.defineProperty(window, '__reruns', {get: () => finished.count});
const isScriptFinished = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let i = 0;
  const varint = () => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  while (i < bytes.length) {
    const key = varint(), wire = key % 8;
    if (Math.floor(key / 8) === __FINISHED_FIELD__ && wire === 0) return true;
    if (wire === 0) varint();
    else if (wire === 2) { const length = varint(); i += length; }
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else return false;
  }
  return false;
};
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (event) => {
      if (event.data instanceof ArrayBuffer && isScriptFinished(event.data)) {
        finished.count += 1;
        finished.at = performance.now();
      }
    });
  }
};
// When the page last changed at all: views keep drawing after a run has ended (Plotly draws each changed chart
// twice, the grid rebuilds its accessible cells), and the tests act, as a reader would, once the page is still.
window.__lastChange = 0;
new MutationObserver(() => { window.__lastChange = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
""".replace("__FINISHED_FIELD__", str(ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = (
        f"no Chromium at {CHROMIUM}: install Debian's browser with `apt-get install -y chromium`, or set CHROMIUM_PATH"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def server_log() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS / "streamlit-server.log"


@contextmanager
def serve(log_path: Path, data_dir: Path | None = None, port: int | None = None) -> Iterator[str]:
    """`streamlit run dashboard.py` on a loopback port (free unless given), serving `data_dir` or data/."""
    port = port or free_port()
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    environment.pop("DASHBOARD_DATA_DIR", None)
    if data_dir is not None:
        environment["DASHBOARD_DATA_DIR"] = str(data_dir)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log_path.open("a") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=environment)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, process, log_path)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def became_healthy(base: str, process: subprocess.Popen, seconds: float = 60) -> bool:
    """Whether the server at `base` answers /_stcore/health within `seconds`, while its process lives."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def wait_healthy(base: str, process: subprocess.Popen, log_path: Path, seconds: float = 60) -> None:
    if not became_healthy(base, process, seconds):
        process.kill()
        pytest.fail(f"the Streamlit server did not become healthy; its log: {log_path}")


@pytest.fixture(scope="session")
def server(chromium_path: str, server_log: Path) -> Iterator[str]:
    """The dashboard on the real data, for the whole session."""
    server_log.write_text("")
    with serve(server_log) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path)
        yield launched
        launched.close()


class Session:
    """A fresh browser context on the dashboard, with the console errors it logged."""

    def __init__(
        self,
        browser,
        base: str,
        viewport: dict,
        user_agent: str | None = None,
        color_scheme: str = "light",
        reduced_motion: str = "no-preference",
    ):
        options = {
            "viewport": viewport,
            "accept_downloads": True,
            "color_scheme": color_scheme,
            "reduced_motion": reduced_motion,
        }
        if user_agent:
            options["user_agent"] = user_agent
        self.context = browser.new_context(**options)
        self.context.add_init_script(RERUN_COUNTER)
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{'?' + query if query else ''}")
        self.wait_until_drawn()

    def wait_until_drawn(self) -> None:
        """Script idle is not enough: wait for the lazily loaded maps, charts and grid to draw."""
        page = self.page
        page.wait_for_function("window.__reruns >= 1", timeout=60_000)  # the page's first script run has ended
        page.wait_for_selector(READY, timeout=60_000)
        page.wait_for_function(
            """(chart) => {
                const frames = [...document.querySelectorAll('[data-testid=stDeckGlJsonChart]')];
                const charts = [...document.querySelectorAll(chart)];
                const grids = [...document.querySelectorAll('[data-testid=stDataFrame]')]
                    .filter(g => g.checkVisibility() && g.getBoundingClientRect().height > 0);
                // Both charts, unless the selection has no figure for one ("... so the chart is left out") or the
                // link shows a single view (?view=), which has only that view's section.
                const leftOut = (document.body.innerText.match(/so the chart is left out/g) || []).length;
                const single = new URL(location.href).searchParams.has('view');
                const shows = (heading) => document.getElementById(heading) !== null;
                return frames.every(f => f.querySelector('canvas'))
                    && (single || charts.length + leftOut >= 2)
                    && charts.every(c => c.querySelector('.main-svg .scatterlayer .trace'))
                    && grids.every(g => g.querySelector('[role=gridcell]'))
                    // the quote table (on a phone, an HTML table of blocks), unless no quote matches
                    && (grids.length > 0 || !shows('what-they-said')
                        || document.querySelector('table[aria-label^="Table of"][aria-label$=" quotes"]') !== null
                        || document.body.innerText.includes('No quotes match this selection.'));
            }""",
            arg=CHART,
            timeout=60_000,
        )
        page.wait_for_function("performance.now() - window.__lastChange > 300", timeout=30_000, polling=100)

    def rerun(self, action) -> None:
        """Do something that reruns the script and wait until the rerun has finished and drawn."""
        before = self.page.evaluate("window.__reruns")
        action()
        self.page.wait_for_function(f"window.__reruns > {before}", timeout=30_000)
        self.wait_until_drawn()

    def search_quotes(self, words: str) -> None:
        """Type `words` into the quote search and press Enter, as a reader does, and wait for the rerun.

        Typed text is checked before Enter: a field Streamlit re-renders at that moment can drop a value just
        typed, and Enter then submits nothing new, so the text is typed again until the field holds it."""
        box = self.page.get_by_label("Search quotes")

        def submit() -> None:
            for _ in range(3):
                box.fill(words)
                if box.input_value() == words:
                    break
                self.page.wait_for_timeout(200)
            box.press("Enter")

        self.rerun(submit)

    def read_first_quote(self) -> str:
        """Select the quote table's first row and return the full quote the page then shows under the table."""
        page = self.page
        grid = page.locator("[data-testid=stDataFrame]").first
        full_quote = page.locator("[data-testid=stMarkdownContainer] blockquote")
        # The grid draws on a canvas: tick the first row's selection box (left column, first row under the header).
        # Selecting a row reruns only the quote section (a fragment); wait for the full quote to appear.
        for _ in range(3):
            grid.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
            try:
                full_quote.wait_for(state="visible", timeout=15_000)
                break
            except Exception:  # the click landed before the grid settled: try again
                continue
        assert full_quote.count() == 1, "selecting a row shows its full quote"
        return full_quote.inner_text()

    def caption(self, words: str) -> str:
        return self.page.locator("[data-testid=stCaptionContainer]", has_text=words).first.inner_text()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(request: pytest.FixtureRequest, browser, server: str, server_log: Path):
    sessions: list[Session] = []

    def start(
        viewport: dict = DESKTOP,
        user_agent: str | None = None,
        base: str | None = None,
        color_scheme: str = "light",
        reduced_motion: str = "no-preference",
    ) -> Session:
        session = Session(browser, base or server, viewport, user_agent, color_scheme, reduced_motion)
        sessions.append(session)
        return session

    yield start
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for index, session in enumerate(sessions):
        if failed:
            shot = RESULTS / f"{request.node.name}-{index}.png"
            session.page.screenshot(path=str(shot), full_page=True)
            print(f"\nscreenshot: {shot}\nserver log: {server_log}")
        session.close()


def open_actor_menu(page, attempts: int = 3) -> None:
    """Open the actor filter's menu. The filter sits in the page, so it is scrolled to first; a menu opened while the
    page still settles after that scroll can close again, so the click is repeated until the options show."""
    box = page.locator("[data-testid=stMultiSelect]").first
    for attempt in range(attempts):
        box.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        box.locator("input").click()
        try:
            page.get_by_role("option").first.wait_for(timeout=3_000)
            return
        except Exception:  # noqa: BLE001 - tried again below, and the last failure is raised
            if attempt == attempts - 1:
                raise
