"""The archival edition opened from disk in Chromium with the network refused: nothing asks for it, and both maps,
both charts and every quote are drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.data.dataset import Dataset
from components.page import archive
from tests.conftest import quotes_shown


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive") / "edition"
    return archive.build(folder)


@pytest.mark.parametrize("width", [1400, 375])
def test_the_archive_draws_everything_offline(browser, edition: Path, dataset: Dataset, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    refused: list[str] = []
    errors: list[str] = []

    def route(handled) -> None:
        if handled.request.url.startswith("file://"):
            handled.continue_()
        else:
            refused.append(handled.request.url)
            handled.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(edition.as_uri())
    views = "[data-view]"
    page.wait_for_function(
        f"[...document.querySelectorAll('{views}')].every((e) => e.dataset.drawn || e.dataset.failed)", timeout=60_000
    )
    assert refused == [], "the page asked for nothing outside its folder"
    assert errors == []
    state = page.eval_on_selector_all(views, "els => els.map(e => [e.id, e.dataset.drawn, e.dataset.failed])")
    assert state == [
        ["map-kazakhstan", "true", None],
        ["map-almaty", "true", None],
        ["chart-casualties", "true", None],
        ["chart-forces", "true", None],
    ]
    for name in ("kazakhstan", "almaty"):
        width_px, height_px = page.eval_on_selector(f"#map-{name} canvas", "c => [c.clientWidth, c.clientHeight]")
        assert width_px > 300 and height_px > 300, f"the {name} map's canvas fills its box"
    for name in ("casualties", "forces"):
        markers = page.locator(f"#chart-{name} svg.main-svg .scatterlayer .point").count()
        assert markers > 5, f"the {name} chart draws its claims"
    quotes = len(quotes_shown(dataset))
    table = page.locator(
        f'table[aria-label="Table of {quotes} quotes with date, speaker, quote, actor group, role and source."]'
    )
    assert table.locator("tbody tr").count() == quotes
    context.close()
