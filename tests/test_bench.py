"""The benchmark's own pages run and hold the views they are measured on (the benchmark itself is not a test)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from components.views import plotly_view
from tests.conftest import ROOT


def test_the_bare_page_draws_the_dashboards_component_kinds() -> None:
    app = AppTest.from_file(str(ROOT / "bench" / "bare_page.py"), default_timeout=60).run()
    assert not app.exception, app.exception
    figures = plotly_view.mounted_figures(app.get(plotly_view.ELEMENT_TYPE))
    assert len(figures) == 2 and all(figure["data"][0]["x"] == [1, 2, 3] for figure in figures)
    assert len(app.get("deck_gl_json_chart")) == 2 and len(app.dataframe) == 1


def test_the_one_line_page_writes_its_line() -> None:
    app = AppTest.from_file(str(ROOT / "bench" / "one_line.py"), default_timeout=60).run()
    assert not app.exception and app.markdown[0].value == "Hello"
