"""Production settings: read by Streamlit itself from .streamlit/config.toml, and nothing secret in the repository."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from streamlit import config

from tests.conftest import ROOT

EXPECTED = {
    "global.developmentMode": False,
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "server.maxUploadSize": 1,
    "server.fileWatcherType": "none",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "browser.gatherUsageStats": False,
    "runner.magicEnabled": False,
    "runner.postScriptGC": False,
}


@pytest.fixture(scope="module")
def options():
    # Streamlit reads .streamlit/config.toml from the working directory, as `streamlit run` does.
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        yield {name: config.get_option(name) for name in EXPECTED}
    finally:
        os.chdir(previous)
        config.get_config_options(force_reparse=True)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_production_setting(options: dict, name: str) -> None:
    assert options[name] == EXPECTED[name]


def test_no_file_uploader_anywhere() -> None:
    sources = [ROOT / "dashboard.py", *(ROOT / "components").rglob("*.py")]
    assert not [path for path in sources if "file_uploader" in path.read_text(encoding="utf-8")]


def test_no_secrets_in_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    names = tracked.split()
    assert not [name for name in names if name.endswith("secrets.toml") or name.endswith(".env")]
    pattern = re.compile(r"(api[_-]?key|secret|password|token)\s*[=:]\s*['\"][^'\"]{8,}", re.I)
    leaks = []
    for name in names:
        path = ROOT / name
        if path.suffix in {".py", ".toml", ".md", ".json", ".sh", ".cfg", ".ini", ".yml", ".yaml"} and path.is_file():
            if pattern.search(path.read_text(encoding="utf-8", errors="ignore")):
                leaks.append(name)
    assert leaks == []
