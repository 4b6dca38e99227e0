"""The page as Streamlit runs it (AppTest): real data, and a broken package."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.loader import DATA_DIR_VARIABLE
from tests.conftest import ROOT

APP = str(ROOT / "dashboard.py")


def run_app(timeout: float = 30) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=timeout)
    return app.run()


def test_default_page_summarises_the_validated_data(dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    app = run_app()
    assert not app.exception
    assert not app.error
    assert "all validated" in app.caption[0].value
    table = app.dataframe[0].value
    assert len(table) == len(dataset.descriptor["resources"])
    counts = dict(zip(table["File"], table["Rows"], strict=True))
    assert counts["data/quotes.csv"] == len(dataset["quotes"])


def test_broken_package_shows_the_report_and_no_data(mini_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = mini_package / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("almaty-airport", "nowhere", 1), encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(mini_package))
    app = run_app()
    assert not app.exception
    assert "failed validation" in app.error[0].value
    assert "events.csv:2:place_id: `nowhere` matches no place_id in places.csv" in app.code[0].value
    assert len(app.dataframe) == 0
