"""Hostile text in the data or in a link renders as inert text: no dialog, no script, no outbound request."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from tests.browser.conftest import RESULTS, serve
from tests.conftest import make_mini_package

SCRIPT = "<script>window.__pwned = 'script'; alert('script')</script>"
IMAGE = "<img src=\"https://tracker.invalid/pixel.gif\" onerror=\"window.__pwned = 'img'; alert('img')\">"
LINK = "[read more](javascript:alert('link'))"
PAYLOAD = f"{SCRIPT} {IMAGE} {LINK}"


def poison(package: Path) -> None:
    """Put the payload into every kind of text the page shows: quotes, events, actors, places, claims, sources."""
    targets = {
        "quotes.csv": ["text", "speaker_role", "context"],
        "events.csv": ["title", "summary"],
        "actors.csv": ["name", "role"],
        "places.csv": ["name"],
        "casualty_reports.csv": ["figure_as_stated"],
        "force_deployments.csv": ["figure_as_stated"],
        "sources.csv": ["title", "publisher"],
        "actor_groups.csv": ["description"],
        "corrections.csv": ["reason"],
    }
    for name, columns in targets.items():
        path = package / name
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        for row in rows:
            for column in columns:
                row[column] = f"{row[column]} {PAYLOAD}".strip()
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


@pytest.fixture(scope="module")
def poisoned_server(tmp_path_factory, chromium_path: str):
    package = make_mini_package(tmp_path_factory.mktemp("poisoned") / "package")
    poison(package)
    RESULTS.mkdir(exist_ok=True)
    with serve(RESULTS / "streamlit-poisoned-server.log", data_dir=package) as base:
        yield base


def test_hostile_data_and_link_stay_inert(open_session, poisoned_server: str) -> None:
    session = open_session(base=poisoned_server)
    page = session.page
    dialogs: list[str] = []
    outbound: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            urlparse(request.url).hostname not in ("127.0.0.1", None)
            and not request.url.startswith("data:")
            and outbound.append(request.url)
        ),
    )
    session.open(f"q={quote(SCRIPT)}&actor={quote(IMAGE)}&corrections=true")  # the corrections log open too

    assert page.locator("[data-testid=stAlertContentWarning]").count() == 1, "the link's actor is ignored"
    assert page.locator("table[aria-label^=Corrections] td", has_text="window.__pwned").count() > 0, "shown as text"
    session.read_first_quote()
    # Reading a quote in full goes through Markdown: the payload must come out as text.
    visible_text = page.locator("[data-testid=stMain]").inner_text()
    assert "<script>" in visible_text or "\\<script\\>" in visible_text or "window.__pwned" in visible_text

    canvas = page.locator("[data-testid=stDeckGlJsonChart] canvas").first
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)

    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert outbound == []
    assert page.locator("img[src*='tracker.invalid']").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert session.errors == [] or all("tracker.invalid" not in error for error in session.errors)
