"""Shared links are input from strangers: generated query strings never break the page, and every ignored part
is named in the notice."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components.data.dataset import Dataset
from components.page import links
from components.page.loader import DATA_DIR_VARIABLE
from components.views import plotly_view
from tests.conftest import ROOT

FIRST, LAST = date(2022, 1, 1), date(2022, 1, 19)
LABELS = ["Kazakh government", "United States", "Russia & CSTO", "Opposition"]
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "%00",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "😀" * 5,
    "x" * 10_000,
    "",
    " ",
    "embed",
    "..\\..",
]
values = st.one_of(
    st.sampled_from(LABELS + HOSTILE),
    st.text(max_size=30),
    st.dates(date(2021, 12, 1), date(2022, 2, 28)).map(str),
    st.sampled_from(["2022-13-01", "2022-01-32", "01/05/2022", "true", "false", "TRUE", "1"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            *("actor", "dates", "later", "q", "day", "view", "sources", "corrections", "dictionary"),
            *("embed", "embed_options", "utm_source"),
        ]
    ),
    st.text(min_size=1, max_size=12),
)
queries = st.dictionaries(keys, st.lists(values, min_size=1, max_size=3), max_size=6)


@settings(max_examples=600, deadline=None)
@given(queries)
def test_every_ignored_part_of_a_link_is_named(params: dict[str, list[str]]) -> None:
    reading = links.read_link(params, LABELS, FIRST, LAST)
    text = " ".join(reading.notices)
    for key in params:
        if key not in links.KNOWN | links.RESERVED:
            assert links.shown(key) in text
    for value in params.get("actor", []):
        if value and value not in LABELS:
            assert links.shown(value) in text
        elif value in LABELS:
            assert f"actor “{links.shown(value)}”" not in text, "a known actor group is never named as ignored"
    if reading.dates is not None:
        assert FIRST <= reading.dates[0] <= reading.dates[1] <= LAST
    elif "dates" in params:
        assert "dates" in text
    for switch in ("later", *links.PANELS):
        if switch in params and params[switch] not in (["true"], ["false"]):
            assert f"{switch} “" in text
    if reading.day is not None:
        assert FIRST <= reading.day <= LAST and params["day"] == [reading.day.isoformat()]
    elif any(params.get("day", [])):
        assert "day “" in text, "an unusable day is named"
    if params.get("view") and reading.view is None:
        assert "view “" in text
    assert reading.view in (None, *links.VIEWS)
    for notice in reading.notices:
        assert "<" not in notice.replace("\\<", "") and len(notice) < 400, "notices are short, inert text"


def test_valid_links_raise_no_notice() -> None:
    params = {
        "actor": ["United States", "Opposition"],
        "dates": ["2022-01-05", "2022-01-09"],
        "later": ["false"],
        "q": ["Russians"],
        "sources": ["true"],
        "dictionary": ["false"],
        "embed": ["true"],
        "day": ["2022-01-09"],
    }
    reading = links.read_link(params, LABELS, FIRST, LAST)
    assert reading.notices == () and reading.dates == (date(2022, 1, 5), date(2022, 1, 9))
    assert reading.day == date(2022, 1, 9)


def test_share_query_round_trips_through_the_reader() -> None:
    from urllib.parse import parse_qs

    window = (date(2022, 1, 3), date(2022, 1, 8))
    query = links.share_query(
        ["United States"], window, (FIRST, LAST), False, "a b", (links.DICTIONARY,), date(2022, 1, 7)
    )
    params = parse_qs(query)
    assert params == {
        "actor": ["United States"],
        "dates": ["2022-01-03", "2022-01-08"],
        "later": ["false"],
        "q": ["a b"],
        "day": ["2022-01-07"],
        "dictionary": ["true"],
    }
    assert links.read_link(params, LABELS, FIRST, LAST).notices == ()
    assert links.share_query([], (FIRST, LAST), (FIRST, LAST), True, "") == ""


def test_view_names_one_view_or_the_whole_page() -> None:
    for name in links.VIEWS:
        reading = links.read_link({"view": [name]}, LABELS, FIRST, LAST)
        assert reading.view == name and reading.notices == ()
        assert links.shows(name, name) and links.shows(None, name)
        assert not any(links.shows(name, other) for other in links.VIEWS if other != name)
    for bad in (["map"], ["quotes", "forces"], [""], ["<b>x</b>"]):
        reading = links.read_link({"view": bad}, LABELS, FIRST, LAST)
        assert reading.view is None, "an unusable view gives the whole page"
        assert (
            reading.notices and "it takes one of kazakhstan, almaty, casualties, forces, quotes" in reading.notices[0]
        )
    query = links.share_query(["Opposition"], (FIRST, LAST), (FIRST, LAST), True, "", (), view="almaty")
    assert query == "actor=Opposition&view=almaty"


def test_labels_used_here_are_the_datas(dataset: Dataset) -> None:
    assert set(LABELS) <= set(dataset["actor_groups"]["label"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=queries)
def test_the_page_survives_generated_links(params: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    charts = plotly_view.mounted_figures(app.get(plotly_view.ELEMENT_TYPE))
    left_out = [text for text in app.markdown if "so the chart is left out" in text.value]
    assert len(charts) + len(left_out) == 2, "each chart is drawn or says in one sentence why not"
    if any(key not in links.KNOWN | links.RESERVED for key in params):
        assert app.warning and "ignored" in app.warning[0].value
