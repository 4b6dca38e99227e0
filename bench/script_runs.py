"""Server-side script runs of the dashboard under Streamlit's AppTest, and where a warm run spends its time.

Run as a worker in a fresh interpreter, so that "cold" means what a freshly started server meets on its
first session: empty caches, the data package read and validated, the app's libraries not yet imported.

    python -m bench.script_runs cold default|filtered   one cold run; JSON on stdout
    python -m bench.script_runs warm N                  N warm runs of each kind and a sampled profile
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
FILTER = ("actor", "Kazakh government")  # the filtered case: a group with every view, ?actor=Kazakh+government


def new_app(filtered: bool):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    if filtered:
        app.query_params[FILTER[0]] = FILTER[1]
    return app


def timed_run(app) -> float:
    started = time.perf_counter()
    app.run()
    elapsed = (time.perf_counter() - started) * 1000
    check(app)
    return elapsed


def check(app) -> None:
    """The run drew the page, and the filtered run really filtered."""
    from components.views import plotly_view

    if app.exception:
        raise RuntimeError(f"the dashboard raised: {[e.message for e in app.exception]}")
    if not app.title or app.title[0].value != "Kazakhstan, January 2022":
        raise RuntimeError("the dashboard drew no title")
    charts = plotly_view.mounted_figures(app.get(plotly_view.ELEMENT_TYPE))
    if len(charts) != 2:
        raise RuntimeError(f"expected 2 Plotly charts, found {len(charts)}")
    chosen = app.multiselect[0].value
    if app.query_params.get(FILTER[0]) and chosen != [FILTER[1]]:
        raise RuntimeError(f"the filtered run did not select {FILTER[1]}: {chosen}")


def cold(kind: str) -> dict:
    started = time.perf_counter()
    import streamlit.testing.v1  # noqa: F401 - a running server has Streamlit imported before any session

    streamlit_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    import components

    for module in pkgutil.walk_packages(components.__path__, "components."):
        importlib.import_module(module.name)
    imports_ms = (time.perf_counter() - started) * 1000
    app = new_app(kind == "filtered")
    first_ms = timed_run(app)
    return {"kind": kind, "streamlit_import_ms": streamlit_ms, "imports_ms": imports_ms, "first_run_ms": first_ms}


class Sampler:
    """Samples the script thread's stack every millisecond (as far as the GIL allows) while it runs."""

    def __init__(self, interval: float = 0.001):
        self.interval = interval
        self.lines: Counter[int] = Counter()  # dashboard.py statement being run
        self.libraries: Counter[str] = Counter()  # package of the innermost frame
        self.functions: Counter[str] = Counter()  # innermost frame from the project's components/
        self.hot: Counter[tuple[int, str]] = Counter()  # (statement, innermost library function)
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.statements = statement_starts(DASHBOARD)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = threading.get_ident()
        main = threading.main_thread().ident
        while not self._stop.is_set():
            for ident, frame in sys._current_frames().items():
                if ident in (me, main):
                    continue
                self._record(frame)
            time.sleep(self.interval)

    def _record(self, frame) -> None:
        innermost = frame
        line = None
        component = None
        while frame is not None:
            filename = frame.f_code.co_filename
            if line is None and filename == str(DASHBOARD):
                line = frame.f_lineno  # the innermost dashboard frame: a statement inside quote_section() counts
            elif component is None and "/components/" in filename:
                component = f"components/{Path(filename).name}:{frame.f_code.co_name}"
            frame = frame.f_back
        if line is None:
            return  # not the script thread, or between runs
        self.samples += 1
        self.lines[self.statements.get(line, line)] += 1
        self.libraries[library(innermost.f_code.co_filename)] += 1
        self.hot[(self.statements.get(line, line), leaf(innermost))] += 1
        if component:
            self.functions[component] += 1


def statement_starts(path: Path) -> dict[int, int]:
    """Each line of the script → the first line of the innermost simple statement holding it."""
    return {line: start for line, (start, _) in statement_spans(path).items()}


def statement_spans(path: Path) -> dict[int, tuple[int, int]]:
    """Each line of the script → (first, last) line of the innermost simple statement holding it."""
    tree = ast.parse(path.read_text())
    owner: dict[int, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(
            node, ast.If | ast.For | ast.With | ast.FunctionDef | ast.Try | ast.While
        ):
            for line in range(node.lineno, node.end_lineno + 1):
                if line not in owner or owner[line][1] - owner[line][0] > node.end_lineno - node.lineno:
                    owner[line] = (node.lineno, node.end_lineno)
    return owner


def statement_text(source: list[str], spans: dict[int, tuple[int, int]], line: int, width: int = 90) -> str:
    """The statement starting at `line`, on one line and cut to `width` characters."""
    first, last = spans.get(line, (line, line))
    text = " ".join(" ".join(source[first - 1 : last]).split()).replace("( ", "(")
    return f"dashboard.py:{line} {text[:width]}{'…' if len(text) > width else ''}"


def leaf(frame) -> str:
    """The innermost frame outside the standard library, as `package/module.py:function`."""
    while frame is not None and library(frame.f_code.co_filename) in ("python stdlib",) and frame.f_back is not None:
        frame = frame.f_back
    filename = frame.f_code.co_filename
    where = filename.split("site-packages/")[1] if "site-packages/" in filename else Path(filename).name
    return f"{where}:{frame.f_code.co_name}"


def library(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if filename.startswith(str(ROOT)):
        return str(Path(filename).relative_to(ROOT).parts[0]).removesuffix(".py")
    return "python stdlib" if "/lib/python" in filename else filename


def warm(runs: int) -> dict:
    default_app = new_app(False)
    cold_ms = timed_run(default_app)
    default_runs = [timed_run(default_app) for _ in range(runs)]
    filtered_app = new_app(True)
    filtered_first = timed_run(filtered_app)
    filtered_runs = [timed_run(filtered_app) for _ in range(runs)]
    new_sessions = []
    for _ in range(max(3, runs // 2)):
        new_sessions.append(timed_run(new_app(False)))
    source = DASHBOARD.read_text().splitlines()
    spans = statement_spans(DASHBOARD)
    with Sampler() as sampler:
        for _ in range(runs):
            timed_run(default_app)
            timed_run(filtered_app)
    total = sampler.samples or 1

    def share(counter: Counter, label) -> list[dict]:
        return [
            {"what": label(key), "share": count / total}
            for key, count in counter.most_common(12)
            if count / total >= 0.01
        ]

    return {
        "first_run_in_process_ms": cold_ms,
        "default_ms": default_runs,
        "filtered_first_ms": filtered_first,
        "filtered_ms": filtered_runs,
        "new_session_ms": new_sessions,
        "default_median_ms": statistics.median(default_runs),
        "filtered_median_ms": statistics.median(filtered_runs),
        # The fastest run: what a run costs when nothing else competes for the CPU.
        "default_min_ms": min(default_runs),
        "filtered_min_ms": min(filtered_runs),
        "profile": {
            "samples": sampler.samples,
            "by_statement": share(sampler.lines, lambda line: statement_text(source, spans, line)),
            "by_library": share(sampler.libraries, str),
            "by_component_function": share(sampler.functions, str),
            "hot_spots": share(sampler.hot, lambda key: f"dashboard.py:{key[0]} → {key[1]}"),
        },
    }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    mode = sys.argv[1]
    result = cold(sys.argv[2]) if mode == "cold" else warm(int(sys.argv[2]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
