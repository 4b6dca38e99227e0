"""Where a filter change's time goes: `python -m bench.decompose`.

The dashboard is served as it is and as copies with one kind of view left out (the maps, the Plotly charts,
or both), next to the bare page; each gets the benchmark's filter change, timed the same way as in
`bench.run`. The copies are written to bench/results/variants/ from dashboard.py by replacing each call that
draws a view of that kind with one that draws nothing, so they follow the dashboard as it changes; the run
stops if a call is not found where expected. Writes bench/results/decompose.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json

from bench.browser import PageSpec, change_figures, filter_change, open_drawn
from bench.run import CHANGED, RESULTS, SPECS
from bench.servers import Server
from tests.browser.conftest import CHROMIUM
from tests.conftest import ROOT

VARIANTS = RESULTS / "variants"
# What draws each kind of view in dashboard.py, and how many times it appears there.
DRAWS = {"maps": ("st.pydeck_chart(", 2), "charts": ("plotly_view.show(", 1)}


def variant(left_out: tuple[str, ...]) -> tuple[str, PageSpec]:
    """dashboard.py without the views of the kinds `left_out`, and what "every view drawn" means for it."""
    source = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    for kind in left_out:
        call, expected = DRAWS[kind]
        found = source.count(call)
        if found != expected:
            raise SystemExit(f"dashboard.py calls {call} {found} times, expected {expected}: update bench/decompose.py")
        source = source.replace(call, "(lambda *args, **kwargs: None)(")  # the call's arguments are still built
    name = "without_" + "_and_".join(left_out) if left_out else "dashboard"
    path = VARIANTS / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = dataclasses.replace(
        SPECS["dashboard"],
        **{kind: 0 for kind in left_out},
        **({"changed_charts": 0} if "charts" in left_out else {}),
    )
    return str(path), spec


def measure(browser, page: str, spec: PageSpec, label: str, changes: int) -> dict:
    server = Server(ROOT / page, "decompose")
    try:
        server.wait_healthy()
        session, received = open_drawn(browser, server.base, spec)
        for change in range(2):  # the first changes compile the page's code paths: not counted
            filter_change(session, label, add=change % 2 == 0)
        samples = [filter_change(session, label, add=change % 2 == 0, received=received) for change in range(changes)]
        session.close()
    finally:
        server.stop()
    return change_figures(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=14, help="timed filter changes per page (≥ 10)")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    VARIANTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "dashboard": ("dashboard.py", SPECS["dashboard"], CHANGED["dashboard"]),
        **{
            name: (*variant(left_out), CHANGED["dashboard"])
            for name, left_out in {
                "without the maps": ("maps",),
                "without the charts": ("charts",),
                "without the maps and the charts": ("maps", "charts"),
            }.items()
        },
        "bare page": ("bench/bare_page.py", SPECS["bare"], CHANGED["bare"]),
    }
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for name, (page, spec, label) in pages.items():
            results[name] = measure(browser, page, spec, label, options.changes)
            r = results[name]
            print(
                f"{name:34} median {r['median_ms']:5.0f} ms (painted {r['painted_median_ms']:4.0f}), "
                f"p95 {r['p95_ms']:5.0f} ms; run handled after {r['until_run_finished_median_ms']:4.0f} ms; "
                f"Plotly draws {r['plotly_draws_median']:.0f}; {r['ws_bytes_median'] / 1e3:.0f} KB",
                flush=True,
            )
        browser.close()
    (RESULTS / "decompose.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"JSON: {RESULTS / 'decompose.json'}")


if __name__ == "__main__":
    main()
