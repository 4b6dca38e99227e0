"""Tests of the deployment: the stack deploy/up.sh starts (nginx in front of Streamlit replicas), driven over
HTTP and in Chromium with the browser tests' harness, and the repository's readiness for Community Cloud.

nginx is Debian's package (`apt-get install -y nginx`) or the binary in NGINX. Without it the proxy tests skip
and say how to install it, except under CI=true, where a missing nginx fails the run, as a missing Chromium does.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The browser tests' fixtures and failure report hook, shared rather than written again.
from tests.browser.conftest import browser, chromium_path, pytest_runtest_makereport  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deploy: starts nginx and Streamlit replicas (tests/deploy)")


@pytest.fixture(scope="session")
def nginx_path() -> str:
    found = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if Path(found).exists():
        return found
    message = f"no nginx at {found}: install Debian's package with `apt-get install -y nginx`, or set NGINX"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
