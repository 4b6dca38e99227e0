"""Page loads, filter changes and first-load bytes in Chromium, timed inside the page.

A probe injected before any page script runs checks, on every animation frame, whether the page's
title text is visible and whether every view is drawn, and records `performance.now()` (milliseconds
since the navigation started) the first time each holds. After a filter change it records the first
frame at which the rerun has finished (its `script_finished` message has arrived over the websocket),
no element is stale any more and every view is drawn again, together with the time of the reader's
input (pointer or key down) that started it and the time the run's last message arrived.
"""

from __future__ import annotations

import json
import statistics
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlparse

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.servers import LOGS
from components.views import plotly_view
from tests.browser.conftest import CHART, DESKTOP, READY, Session, open_actor_menu

PROBE = """
(() => {
  const spec = __SPEC__;
  const marks = window.__marks = {text: null, drawn: null, drawnPainted: null, redraws: [], cls: 0, clsAfterText: 0};
  // Layout shift as Chrome's CLS sums it (shifts with no recent input), in all and after the title text is first
  // visible: before it, Streamlit shows its own placeholder, laid out narrow until the page's layout arrives.
  new PerformanceObserver((entries) => {
    for (const entry of entries.getEntries()) {
      if (entry.hadRecentInput) continue;
      marks.cls += entry.value;
      if (marks.text !== null) marks.clsAfterText += entry.value;
    }
  }).observe({type: 'layout-shift', buffered: true});
  window.__lastInput = null;
  // Every Plotly draw (its 'plotly_afterplot' event): Plotly gives each chart's node an `emit` method, caught here.
  // Each chart also keeps the time of its last draw, so a chart updated in place (same node, new figure) counts as
  // redrawn only once it has drawn after the input, as a chart rebuilt from scratch would.
  const plots = window.__plots = {count: 0};
  Object.defineProperty(HTMLElement.prototype, 'emit', {
    configurable: true,
    get() { return this.__plotlyEmit; },
    set(emit) {
      this.__plotlyEmit = function (event, ...rest) {
        if (event === 'plotly_afterplot') { plots.count += 1; this.__plotlyDrawnAt = performance.now(); }
        return emit.call(this, event, ...rest);
      };
    },
  });
  const chartsRedrawn = () => [...document.querySelectorAll(__CHART__)].slice(0, spec.changedCharts)
    .filter((chart) => chart.__plotlyDrawnAt > window.__lastInput).length;
  // Each grid whose rows a change alters (the first spec.changedGrids on the page) as it was at the last input: what
  // its canvas showed and the accessible copy of its cells. The grid counts as redrawn only once they differ,
  // whether it was rebuilt or updated in place; as on a load, the canvas (what a reader sees) changes first.
  const changingGrids = () => [...document.querySelectorAll('[data-testid=stDataFrame]')].slice(0, spec.changedGrids);
  const cellText = (grid) => [...grid.querySelectorAll('[role=gridcell]')]
    .map((cell) => cell.textContent).join('\u241f');
  const canvasPrint = (grid) => {
    let print = 0;
    for (const canvas of grid.querySelectorAll('canvas')) {
      if (!canvas.width || !canvas.height) continue;
      const pixels = canvas.getContext('2d')
        .getImageData(0, 0, Math.min(canvas.width, 800), Math.min(canvas.height, 400)).data;
      for (let k = 0; k < pixels.length; k += 8) print = (print * 31 + pixels[k]) | 0;
    }
    return print;
  };
  let atInput = {texts: [], prints: []};
  for (const kind of ['pointerdown', 'keydown'])
    addEventListener(kind, () => {
      window.__lastInput = performance.now();
      plots.atInput = plots.count;
      atInput = {texts: changingGrids().map(cellText), prints: changingGrids().map(canvasPrint)};
    }, true);

  // Script runs as the server reports them ended (tests/browser/conftest.py, RERUN_COUNTER, added first).
  const finished = window.__finished;

  const visible = (el) => el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const textShown = () => spec.texts.every(([selector, words]) =>
    [...document.querySelectorAll(selector)].some((el) => el.textContent.includes(words) && visible(el)));
  const count = (selector, inner, onlyVisible) => [...document.querySelectorAll(selector)]
    .filter((el) => (!onlyVisible || visible(el)) && el.querySelector(inner)).length;
  // A grid is painted when its canvas shows something other than its background: the cells a reader sees.
  // Its [role=gridcell] elements, the accessible mirror screen readers use, arrive later.
  const painted = (grid) => [...grid.querySelectorAll('canvas')].some((canvas) => {
    const context = canvas.width && canvas.height ? canvas.getContext('2d') : null;
    if (!context) return false;
    const pixels = context.getImageData(0, 0, Math.min(canvas.width, 400), Math.min(canvas.height, 80)).data;
    let differing = 0;
    for (let k = 4; k < pixels.length; k += 4)
      if (Math.abs(pixels[k] - pixels[0]) + Math.abs(pixels[k + 1] - pixels[1]) + Math.abs(pixels[k + 2] - pixels[2])
          + Math.abs(pixels[k + 3] - pixels[3]) > 60) differing += 1;
    return differing > 20;
  });
  const paintedGrids = () => [...document.querySelectorAll('[data-testid=stDataFrame]')]
    .filter((grid) => visible(grid) && painted(grid)).length;
  const state = () => ({
    ready: document.querySelector(__READY__) !== null,
    stale: document.querySelectorAll('[data-stale=true]').length,
    text: textShown(),
    maps: count('[data-testid=stDeckGlJsonChart]', 'canvas', false),
    charts: count(__CHART__, '.main-svg .scatterlayer .trace', false),
    grids: count('[data-testid=stDataFrame]', '[role=gridcell]', true),
    gridsPainted: marks.drawnPainted === null && spec.grids > 0 ? paintedGrids() : spec.grids,
    gridsRepainted: marks.drawn === null ? 0 : changingGrids()
      .filter((grid, k) => painted(grid) && canvasPrint(grid) !== atInput.prints[k]).length,
    gridsChanged: marks.drawn === null ? 0 : changingGrids()
      .filter((grid, k) => cellText(grid) && cellText(grid) !== atInput.texts[k]).length,
    chartsRedrawn: marks.drawn === null ? 0 : chartsRedrawn(),
    finished: finished.count,
  });
  const kinds = ['maps', 'charts', 'grids', 'gridsPainted'].filter((kind) => spec[kind.replace('Painted', '')] > 0);
  const wanted = (kind) => spec[kind.replace('Painted', '')];
  const complete = (now, strict) => now.finished > 0 && now.ready && now.stale === 0 && now.text
    && kinds.every((kind) => kind === (strict ? 'gridsPainted' : 'grids') || now[kind] >= wanted(kind));
  const repainted = (now) => complete(now, false) && now.gridsRepainted >= spec.changedGrids
    && now.chartsRedrawn >= spec.changedCharts;
  const redrawn = (now) => complete(now, true) && now.gridsChanged >= spec.changedGrids
    && now.chartsRedrawn >= spec.changedCharts;
  let paintedAt = null;  // the first frame of the pending redraw at which every changed grid was repainted
  window.__why = state;
  marks.kinds = {};  // the first frame at which each kind of view was all drawn
  let seen = 0;
  const tick = () => {
    if (document.body) {
      const time = performance.now();
      if (marks.text === null && textShown()) marks.text = time;
      if (marks.drawn === null || marks.drawnPainted === null) {
        const now = state();
        for (const kind of kinds) if (!(kind in marks.kinds) && now[kind] >= wanted(kind)) marks.kinds[kind] = time;
        if (marks.drawnPainted === null && complete(now, false)) marks.drawnPainted = time;
        if (marks.drawn === null && complete(now, true)) { marks.drawn = time; seen = finished.count; }
      } else if (finished.count > seen) {
        const now = state();
        if (paintedAt === null && repainted(now)) paintedAt = time;
        if (paintedAt !== null && redrawn(now)) {
          const runs = finished.count - seen;
          marks.redraws.push({
            drawn: time, painted: paintedAt, finished: finished.at, input: window.__lastInput, runs,
            plotlyDraws: plots.count - plots.atInput,
          });
          seen = finished.count;
          paintedAt = null;
        }
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


@dataclass(frozen=True)
class PageSpec:
    """What "every view drawn" means on one page, and the text that must be visible first."""

    name: str
    maps: int
    charts: int
    grids: int
    texts: list[tuple[str, str]]  # (CSS selector, words its text contains)
    changed_grids: int = 0  # the first grids on the page, whose rows the benchmark's filter change alters
    changed_charts: int = 0  # the first charts on the page, whose figures the filter change alters

    def probe(self) -> str:
        spec = {
            "maps": self.maps, "charts": self.charts, "grids": self.grids, "texts": self.texts,
            "changedGrids": self.changed_grids, "changedCharts": self.changed_charts,
        }  # fmt: skip
        return (
            PROBE.replace("__SPEC__", json.dumps(spec))
            .replace("__READY__", json.dumps(READY))
            .replace("__CHART__", json.dumps(CHART))
        )


@dataclass
class Load:
    page: str
    text_ms: float
    drawn_ms: float
    drawn_painted_ms: float  # the same, with each grid counted once its canvas shows cells
    wall_drawn_ms: float  # measured from Python, goto to the probe's answer, for comparison
    kinds_ms: dict[str, float]  # when all the maps, all the charts, all the grids were drawn
    cls: float  # cumulative layout shift until the network is idle after every view was drawn
    cls_after_text: float  # the same, from the frame at which the title text was first visible
    http_requests: int
    http_body_bytes: int  # uncompressed bodies
    http_transferred_bytes: int  # bodies as sent on the wire, plus response headers
    ws_frames: int
    ws_bytes: int
    ws_deflated_bytes: int  # the same frames under permessage-deflate, as server.enableWebsocketCompression would send
    ws_by_kind: dict[str, int] = field(default_factory=dict)
    largest: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_session(browser, base: str, spec: PageSpec) -> Session:
    session = Session(browser, base, DESKTOP)
    session.context.add_init_script(spec.probe())
    return session


def open_drawn(browser, base: str, spec: PageSpec, query: str = "") -> tuple[Session, list[int]]:
    """A session on the page with every view drawn and the page still, and its running count of websocket bytes."""
    session = open_session(browser, base, spec)
    received = count_received(session.page)
    session.page.goto(base + "/" + query, wait_until="commit")
    session.page.wait_for_function("window.__marks && window.__marks.drawn !== null", timeout=90_000, polling=100)
    settle(session.page)
    return session, received


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def change_figures(samples: list[dict]) -> dict:
    """Medians (and p95 of the timings) over filter changes from filter_change()."""

    def median(key: str) -> float:
        return statistics.median(sample[key] for sample in samples)

    return {
        "samples": samples,
        "median_ms": median("ms"),
        "p95_ms": p95([sample["ms"] for sample in samples]),
        "painted_median_ms": median("painted_ms"),
        "painted_p95_ms": p95([sample["painted_ms"] for sample in samples]),
        "until_run_finished_median_ms": median("until_run_finished_ms"),
        "drawing_median_ms": median("drawing_ms"),
        "ws_bytes_median": median("ws_bytes"),
        "plotly_draws_median": median("plotly_draws"),
    }


def cold_load(browser, base: str, spec: PageSpec, timeout_ms: int = 60_000) -> Load:
    """One load in a fresh browser context (empty HTTP cache): timings and every byte received."""
    session = open_session(browser, base, spec)
    page = session.page
    responses = []
    frames: list[bytes] = []
    page.on("response", lambda response: responses.append(response))

    def watch(socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on(
                "framereceived",
                lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode()),
            )

    page.on("websocket", watch)
    started = time.perf_counter()
    page.goto(base + "/", wait_until="commit")
    try:
        page.wait_for_function(
            "(window.__marks && window.__marks.drawn !== null && window.__marks.drawnPainted !== null)"
            " || document.querySelector('[data-testid=stException]') !== null",
            timeout=timeout_ms,
            polling=100,
        )
        failed = page.locator("[data-testid=stException]").count() > 0
    except Exception as error:  # noqa: BLE001 - reported below with what the page showed
        failed, cause = True, error
    else:
        cause = None
    if failed:
        state = page.evaluate("window.__why ? window.__why() : null")
        shot = LOGS / f"failed-{spec.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        session.close()
        raise RuntimeError(
            f"{spec.name}: not drawn within {timeout_ms} ms or the script raised: {state}; screenshot {shot}; "
            "see the server's log"
        ) from cause
    wall = (time.perf_counter() - started) * 1000
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # noqa: BLE001 - the bytes counted so far still stand
        pass
    page.wait_for_timeout(1000)  # late shifts: fonts, the last grid rows
    marks = page.evaluate("window.__marks")
    body = transferred = 0
    for response in responses:
        try:
            body += len(response.body())
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            pass
        sizes = response.request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    load = Load(
        page=spec.name,
        text_ms=marks["text"],
        drawn_ms=marks["drawn"],
        drawn_painted_ms=marks["drawnPainted"],
        wall_drawn_ms=wall,
        kinds_ms=marks["kinds"],
        cls=marks["cls"],
        cls_after_text=marks["clsAfterText"],
        http_requests=len(responses),
        http_body_bytes=body,
        http_transferred_bytes=transferred,
        ws_frames=len(frames),
        ws_bytes=sum(len(frame) for frame in frames),
        ws_deflated_bytes=deflated(frames),
        ws_by_kind=payload_by_kind(frames),
        largest=largest_elements(frames),
        errors=list(session.errors),
    )
    session.close()
    return load


def deflated(frames: list[bytes]) -> int:
    """Bytes of the frames compressed as permessage-deflate does it (raw deflate, context kept between frames)."""
    compressor = zlib.compressobj(wbits=-15)
    return sum(len(compressor.compress(frame) + compressor.flush(zlib.Z_SYNC_FLUSH)) - 4 for frame in frames)


def largest_elements(frames: list[bytes], keep: int = 8) -> list[dict]:
    """The biggest elements sent, with the layers of a map and the traces of a chart where that explains the size."""
    found = []
    for frame in frames:
        message = ForwardMsg.FromString(frame)
        if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
            continue
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        entry = {"kind": kind, "bytes": len(frame), "path": list(message.metadata.delta_path)}
        if kind == "deck_gl_json_chart":
            spec = json.loads(element.deck_gl_json_chart.json)
            entry["parts"] = [
                {"what": f"{layer.get('@@type')} {layer.get('id', '')}".strip(), "bytes": size(layer)}
                for layer in spec.get("layers", [])
            ]
        elif kind == plotly_view.ELEMENT_TYPE and element.bidi_component.component_name == plotly_view.COMPONENT_NAME:
            spec = plotly_view.mounted_figures([element.bidi_component])[0]
            entry["parts"] = [
                {"what": f"{trace.get('type', 'trace')} {trace.get('name', '')}".strip(), "bytes": size(trace)}
                for trace in spec.get("data", [])
            ] + [{"what": "layout", "bytes": size(spec.get("layout", {}))}]
        found.append(entry)
    found.sort(key=lambda entry: -entry["bytes"])
    for entry in found:
        if "parts" in entry:
            entry["parts"] = sorted(entry["parts"], key=lambda part: -part["bytes"])[:6]
    return found[:keep]


def size(part) -> int:
    return len(json.dumps(part, separators=(",", ":")))


def payload_by_kind(frames: list[bytes]) -> dict[str, int]:
    """Websocket bytes by what each message carries: the element type for deltas, else the message type."""
    kinds: dict[str, int] = {}
    for frame in frames:
        message = ForwardMsg.FromString(frame)
        kind = message.WhichOneof("type") or "other"
        if kind == "delta":
            delta = message.delta
            kind = delta.WhichOneof("type")
            if kind == "new_element":
                kind = delta.new_element.WhichOneof("type")
        kinds[kind] = kinds.get(kind, 0) + len(frame)
    return dict(sorted(kinds.items(), key=lambda item: -item[1]))


def count_received(page) -> list[int]:
    """A running total of the bytes the page receives over Streamlit's websocket, as a one-item list."""
    total = [0]

    def watch(socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framereceived", lambda payload: total.__setitem__(0, total[0] + len(payload)))

    page.on("websocket", watch)
    return total


def filter_change(session: Session, label: str, add: bool, received: list[int] | None = None) -> dict:
    """Add or remove one actor group in the sidebar multiselect; milliseconds from the input to every view redrawn,
    split at the moment the script run's last message arrived."""
    page = session.page
    bytes_before = received[0] if received else 0
    before = page.evaluate("window.__marks.redraws.length")
    if add:
        open_actor_menu(page)
        page.get_by_role("option", name=label, exact=True).click()
    else:
        page.get_by_role("button", name=f"Remove {label}").click()
    try:
        page.wait_for_function(f"window.__marks.redraws.length > {before}", timeout=60_000, polling=100)
    except Exception as error:
        state = page.evaluate("({why: window.__why(), marks: window.__marks})")
        shot = LOGS / "failed-filter-change.png"
        page.screenshot(path=str(shot), full_page=True)
        raise RuntimeError(f"{session.base}: no redraw after changing {label}: {state}; screenshot {shot}") from error
    redraw = page.evaluate(f"window.__marks.redraws[{before}]")
    if add:
        page.keyboard.press("Escape")
    settle(page)
    chosen = parse_qs(urlparse(page.url).query).get("actor", [])
    if (label in chosen) != add:
        raise RuntimeError(
            f"{session.base}: after {'adding' if add else 'removing'} {label} the URL has actor={chosen}"
        )
    return {
        "ms": redraw["drawn"] - redraw["input"],
        "painted_ms": redraw["painted"] - redraw["input"],  # the changed grids' canvases repainted
        "until_run_finished_ms": redraw["finished"] - redraw["input"],
        "drawing_ms": redraw["drawn"] - redraw["finished"],
        "script_runs": redraw["runs"],
        "plotly_draws": redraw["plotlyDraws"],  # by the time every view was redrawn
        "ws_bytes": (received[0] - bytes_before) if received else None,
    }


DAY_STEP_WATCH = """([words, chart, wanted]) => new Promise((done) => {
  // From the key press to the first frame at which the page names the new day, both charts have drawn since the
  // press and the quote grid's cells have changed: every view redrawn for the new day. (A run started by the day
  // control's callback, which writes the link, does not announce its end the way a filter's run does, so the
  // probe's run counter cannot time it.) The grid's rows are counted, not read: the new day's quotes come last.
  const start = window.__lastInput;
  const grid = () => document.querySelector('[data-testid=stDataFrame] table[role=grid]');
  const rows = () => grid()?.getAttribute('aria-rowcount');
  const before = window.__rowsAtInput;
  const tick = () => {
    const named = document.body.innerText.includes(words);
    const charts = [...document.querySelectorAll(chart)];
    const drawn = charts.length >= wanted && charts.every((node) => node.__plotlyDrawnAt > start);
    if (named && drawn && rows() && rows() !== before) done({ms: performance.now() - start});
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def day_step(session: Session, forward: bool, received: list[int] | None = None) -> dict:
    """Move the day control one day with the keyboard, as Play does each second (one run of the whole page for the
    new day); milliseconds from the key press to every view redrawn for that day."""
    page = session.page
    bytes_before = received[0] if received else 0
    slider = page.locator("[data-testid=stSlider] input[type=range]").first
    shown = slider.get_attribute("aria-valuetext")
    page.evaluate(
        "() => { window.__rowsAtInput = document.querySelector('[data-testid=stDataFrame] table[role=grid]')"
        "?.getAttribute('aria-rowcount'); }"
    )
    slider.press("ArrowRight" if forward else "ArrowLeft")
    day = slider.get_attribute("aria-valuetext")
    if day == shown:
        raise RuntimeError(f"{session.base}: the day control did not move from {shown}")
    words = f"end of {datetime.strptime(day + ' 2022', '%d %b %Y'):%A %-d %B %Y}"
    timing = page.evaluate(DAY_STEP_WATCH, [words, CHART, 2])
    settle(page)
    return {
        "ms": timing["ms"],
        "painted_ms": timing["ms"],  # the grid's accessible rows are checked, not its canvas
        "until_run_finished_ms": timing["ms"],
        "drawing_ms": 0.0,
        "script_runs": None,
        "plotly_draws": None,
        "ws_bytes": (received[0] - bytes_before) if received else None,
    }


def settle(page, quiet_ms: int = 300) -> None:
    """Wait until no script run has finished for `quiet_ms` and none is running, so changes never overlap."""
    page.wait_for_selector(READY, timeout=60_000)
    while True:
        runs = page.evaluate("window.__finished.count")
        page.wait_for_timeout(quiet_ms)
        if page.evaluate("window.__finished.count") == runs and page.locator(READY).count():
            return


def profile_filter_changes(session: Session, label: str, changes: int = 4) -> dict:
    """Where the page's main thread spends a filter change: Chromium's sampling profiler, by script."""
    cdp = session.context.new_cdp_session(session.page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 500})
    cdp.send("Profiler.start")
    elapsed = sum(filter_change(session, label, add=change % 2 == 0)["ms"] for change in range(changes))
    profile = cdp.send("Profiler.stop")["profile"]
    cdp.detach()
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    by_script: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[sample]
        name = urlparse(frame["url"]).path.rsplit("/", 1)[-1].split(".")[0] or frame["functionName"] or "(native)"
        by_script[name] = by_script.get(name, 0) + delta / 1000 / changes
    ranked = sorted(by_script.items(), key=lambda item: -item[1])
    return {
        "changes": changes,
        "change_ms": elapsed / changes,
        "main_thread_ms_per_change": {name: round(ms, 1) for name, ms in ranked[:12]},
    }
