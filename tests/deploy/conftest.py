"""Tests of the deployment: the stack deploy/up.sh starts (nginx in front of Streamlit replicas), driven over
HTTP and in Chromium with the browser tests' harness, and the repository's readiness for Community Cloud.

nginx is Debian's package (`apt-get install -y nginx`) or the binary in NGINX_PATH. Without it the proxy tests
skip and say how to install it, except under CI=true, where a missing nginx fails the run, as a missing Chromium
does.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The browser tests' Chromium lookup and failure report hook, shared rather than written again.
from tests.browser.conftest import chromium_path, pytest_runtest_makereport  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deploy: starts nginx and Streamlit replicas (tests/deploy)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the deploy tests that drive Chromium before the browser tests (see `browser` below)."""
    first = [item for item in items if "tests/deploy" in str(item.fspath) and item.get_closest_marker("browser")]
    chosen = set(first)
    items[:] = first + [item for item in items if item not in chosen]


@pytest.fixture(scope="module")
def browser(chromium_path: str):  # noqa: F811
    """Chromium for one module. Playwright's sync API allows one instance per thread, and the browser tests keep
    theirs open for the whole session, so the deploy tests run first and close this one when they are done."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def nginx_path() -> str:
    found = os.environ.get("NGINX_PATH") or shutil.which("nginx") or "/usr/sbin/nginx"
    if Path(found).exists():
        return found
    message = f"no nginx at {found}: install Debian's package with `apt-get install -y nginx`, or set NGINX_PATH"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
