"""The page as Streamlit runs it (AppTest): every view drawn, filters restored from the URL, bad links and
broken data handled. Plotly and pydeck specs are read from the element protos."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.data.dataset import Dataset
from components.page import cite, links
from components.page.loader import DATA_DIR_VARIABLE
from components.views import map_kazakhstan, plotly_view
from tests.conftest import ROOT, group_label, quotes_shown, run_validate
from tests.test_validation import CASES

APP = str(ROOT / "dashboard.py")
CHART = plotly_view.ELEMENT_TYPE


@pytest.fixture(autouse=True)
def real_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)


def run_app(query: dict[str, str | list[str]] | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def decks(app: AppTest) -> list[dict]:
    return [json.loads(element.proto.json) for element in app.get("deck_gl_json_chart")]


def figures(app: AppTest) -> list[dict]:
    return plotly_view.mounted_figures(app.get(plotly_view.ELEMENT_TYPE))


def layer(deck: dict, layer_id: str) -> dict:
    return next(item for item in deck["layers"] if item["id"] == layer_id)


def caption_with(app: AppTest, words: str) -> str:
    return next(caption.value for caption in app.caption if words in caption.value)


def marker_count(figure: dict) -> int:
    return sum(
        len(trace["x"]) if isinstance(trace["x"], list) else 1
        for trace in figure["data"]
        if trace.get("mode") == "markers" and trace["x"] != [None]
    )


class TableCells(HTMLParser):
    """The header and the rows of an HTML table, as the text of each cell."""

    def __init__(self, table: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.feed(table)

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(table: str) -> list[dict[str, str]]:
    header, *rows = TableCells(table).rows
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_default_page_draws_every_view(dataset: Dataset) -> None:
    app = run_app()
    assert not app.exception and not app.error and not app.warning
    national, city = decks(app)
    assert {"csto-arcs", "events-unknown-deaths"} <= {item["id"] for item in national["layers"]}
    assert layer(city, "almaty-districts")
    assert len(figures(app)) == 2
    quotes = len(quotes_shown(dataset))
    assert caption_with(app, "quotes").startswith(f"{quotes} of {quotes} quotes")
    assert len(app.dataframe[0].value) == quotes
    assert len(app.get("download_button")) == 5


def test_actor_filter_from_the_url_changes_every_view(dataset: Dataset) -> None:
    label = group_label(dataset, "us")
    app = run_app({"actor": label})
    assert not app.exception and not app.warning
    assert app.multiselect[0].value == [label]
    shown = quotes_shown(dataset)
    us_quotes = shown["speaker_actor_id"].map(dataset["actors"].set_index("actor_id")["group_id"]) == "us"
    assert caption_with(app, "quotes").startswith(f"{us_quotes.sum()} of {len(shown)} quotes")
    assert set(app.dataframe[0].value["actor_group"]) == {label}
    assert not decks(app), "no map for a selection with nothing to map"
    assert any("so the map is left out" in text.value and label in text.value for text in app.markdown)
    left_out = [text.value for text in app.markdown if "so the chart is left out" in text.value]
    assert len(left_out) == 2 and not figures(app), "a chart with nothing from the selection gives up its space"
    assert all(label in text for text in left_out), "the sentence names the selection"
    officials = run_app({"actor": group_label(dataset, "kz-officials")})
    casualty, *_ = figures(officials)
    assert marker_count(casualty) > 0, "a selection with figures keeps the chart, others' figures dimmed"


def test_contributor_groups_filter_the_arcs(dataset: Dataset) -> None:
    movements = dataset["contingent_movements"]
    everyone = layer(decks(run_app())[0], "csto-arcs")["data"]
    others = layer(decks(run_app({"actor": group_label(dataset, "csto-members")}))[0], "csto-arcs")["data"]
    names = map_kazakhstan.CONTRIBUTOR_NAMES
    drawn = {arc["tooltip"].split(":", 1)[0] for arc in others}
    assert drawn == {names[contributor] for contributor in set(movements["contributor"]) - {"RUS"}}
    assert len(others) < len(everyone)


def test_date_window_from_the_url(dataset: Dataset) -> None:
    app = run_app({"dates": ["2022-01-05", "2022-01-07"], "later": "false"})
    assert not app.exception and not app.warning
    assert [str(day) for day in app.slider[0].value] == ["2022-01-05", "2022-01-07"]
    assert app.toggle[0].value is False
    events = dataset["events"]
    inside = events["date"].between("2022-01-05", "2022-01-07").sum()
    assert caption_with(app, "events at").startswith(f"{inside} of {len(events)} events")


def test_search_from_the_url_narrows_the_quotes() -> None:
    app = run_app({"q": "Russians"})
    assert app.text_input[0].value == "Russians"
    table = app.dataframe[0].value
    assert 0 < len(table) < 20 and "Q52" in set(table["quote_id"])
    everything = run_app().dataframe[0].value
    assert len(table) < len(everything)


def test_closed_panels_send_nothing_and_a_link_opens_them(dataset: Dataset) -> None:
    closed = run_app()
    labels = [expander.label for expander in closed.expander]
    sources_label = next(label for label in labels if label.startswith("Sources used by this view"))
    assert "Data dictionary" in labels
    assert [len(frame.value) for frame in closed.dataframe] == [len(quotes_shown(dataset))], "only the quote grid"
    assert not [block for block in closed.get("html") if "<table" in block.proto.body], "the corrections log is closed"
    assert f"Corrections and departures from sources ({len(dataset['corrections'])})" in labels

    opened = run_app(
        {"sources": "true", "corrections": "true", "dictionary": "true", "actor": group_label(dataset, "us")}
    )
    (corrections,) = (table_rows(block.proto.body) for block in opened.get("html") if "<table" in block.proto.body)
    assert [row["Correction"].split()[0] for row in corrections] == list(dataset["corrections"]["correction_id"])
    assert all(row["Sources"] for row in corrections), "every correction names its sources"
    assert not opened.warning
    quotes, sources, dictionary = (frame.value for frame in opened.dataframe)
    assert f"({len(sources)})" in next(e.label for e in opened.expander if e.label.startswith("Sources used"))
    assert len(sources) < int(sources_label.rsplit("(", 1)[1].rstrip(")")), "the selection's sources only"
    us_quotes = set(quotes["quote_id"])
    quoted = dataset["quotes"][dataset["quotes"]["quote_id"].isin(us_quotes)]
    assert {source for ids in quoted["source_ids"] for source in ids} <= set(sources["source_id"])
    fields = sum(len(resource["schema"]["fields"]) for resource in dataset.descriptor["resources"])
    assert len(dictionary) == fields
    share = next(field.value for field in opened.text_input if field.label == "Link to this view")
    assert "sources=true" in share and "corrections=true" in share and "dictionary=true" in share


def view_positions(app: AppTest) -> dict[tuple[int, ...], str]:
    """Where each map, chart and table sits in the page's element tree, by its path of child indices."""
    found: dict[tuple[int, ...], str] = {}

    def walk(node, path: tuple[int, ...]) -> None:
        for index, child in getattr(node, "children", {}).items():
            if child.type in ("deck_gl_json_chart", CHART, "arrow_data_frame", "dataframe"):
                found[(*path, index)] = child.type
            walk(child, (*path, index))

    walk(app.main, ())
    return found


def test_notes_that_come_and_go_never_move_the_views(dataset: Dataset) -> None:
    # A view whose position changes is a new element to the browser, which then redraws it from scratch.
    default = view_positions(run_app())
    assert sorted(default.values()).count(CHART) == 2 and len(default) >= 5
    charts = {path for path, kind in default.items() if kind == CHART}
    for group_id in ("kz-gov", "us", "csto-members", "opposition"):
        selected = view_positions(run_app({"actor": group_label(dataset, group_id)}))
        assert selected.items() <= default.items(), f"{group_id}: a view moved"
        assert selected.keys() & charts == {path for path in charts if path in selected}, f"{group_id}"


@pytest.mark.parametrize(
    "group_id",
    [
        "kz-gov",
        "kz-officials",
        "russia-csto",
        "csto-members",
        "us",
        "intl",
        "rights",
        "opposition",
        "protesters",
        "residents",
        "media",
    ],
)
def test_every_actor_group_renders(dataset: Dataset, group_id: str) -> None:
    app = run_app({"actor": group_label(dataset, group_id)})
    assert not app.exception
    groups = dataset["actors"].set_index("actor_id")["group_id"]
    has_figures = [
        (dataset[name]["claimant_actor_id"].map(groups) == group_id).any()
        for name in ("casualty_reports", "force_deployments")
    ]
    left_out = [text.value for text in app.markdown if "so the chart is left out" in text.value]
    assert len(figures(app)) == sum(has_figures) and len(left_out) == 2 - sum(has_figures), "drawn where it has any"


def test_a_view_with_nothing_to_show_says_so() -> None:
    app = run_app({"q": "no quote says this"})
    assert any(info.value == "No quotes match this selection." for info in app.info)
    assert all("quote" not in frame.value.columns for frame in app.dataframe), "no empty quote table"


def test_tampered_link_gives_a_notice_and_the_rest_of_the_page(dataset: Dataset) -> None:
    label = group_label(dataset, "us")
    app = run_app(
        {
            "actor": [label, "Martians"],
            "dates": ["2022-13-01", "x"],
            "later": "maybe",
            "utm_source": "<script>alert(1)</script>",
        }
    )
    assert not app.exception
    notice = app.warning[0].value
    for ignored in ("Martians", "dates", "later", "utm\\_source"):
        assert ignored in notice
    assert "<script>" not in notice, "link values are shown as inert text"
    assert app.multiselect[0].value == [label], "the valid part of the link still applies"
    assert len(figures(app)) + sum("so the chart is left out" in text.value for text in app.markdown) == 2


def test_reversed_dates_are_read_in_order(dataset: Dataset) -> None:
    app = run_app({"dates": ["2022-01-10", "2022-01-03"]})
    assert not app.exception
    assert "reversed" in app.warning[0].value
    assert "3–10 January 2022" in caption_with(app, "Showing")


FAULT_CLASSES = [
    "missing file",
    "missing column",
    "unknown column",
    "wrong type",
    "duplicate key",
    "dangling foreign key",
    "coordinate outside its country",
    "low above high",
    "date outside the study window",
    "row without a source",
    "unclosed quote",
    "non-UTF-8 bytes",
    "empty file",
    "malformed datapackage.json",
]


@pytest.mark.parametrize("fault", FAULT_CLASSES)
def test_each_broken_data_fault_stops_the_page_with_its_report(
    mini_package: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    apply, location, words = CASES[fault]
    apply(mini_package)
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(mini_package))
    app = run_app()
    assert not app.exception
    assert "failed validation" in app.error[0].value
    report = app.code[0].value
    assert any(line.startswith(location + ":") and words in line for line in report.splitlines()), report
    assert not figures(app) and not app.get("deck_gl_json_chart") and len(app.dataframe) == 0
    cli = run_validate(mini_package)
    assert cli.returncode == 1 and report in cli.stderr, "the command prints the same report"


def test_the_small_valid_package_draws_the_page(mini_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(mini_package))
    app = run_app()
    assert not app.exception and not app.error
    assert len(figures(app)) == 2 and len(app.get("deck_gl_json_chart")) >= 1


def test_broken_package_shows_the_report_and_no_data(mini_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = mini_package / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace("almaty-airport", "nowhere", 1), encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(mini_package))
    app = run_app()
    assert not app.exception
    assert "failed validation" in app.error[0].value
    assert "events.csv:2:place_id: `nowhere` matches no place_id in places.csv" in app.code[0].value
    assert len(app.dataframe) == 0 and not figures(app) and not app.get("deck_gl_json_chart")


def preloads(app: AppTest) -> list[str]:
    """The bodies of the page's script-only HTML elements that load Plotly (plotly_view.preload)."""
    return [
        element.proto.body
        for element in app.get("html")
        if element.proto.unsafe_allow_javascript and "plotlyFrom(" in element.proto.body
    ]


def test_the_filters_start_loading_plotlys_bundle_with_the_charts_loader() -> None:
    app = run_app()
    (body,) = preloads(app)
    bundle_url = plotly_view.published_bundle(ROOT / "static")
    assert body.startswith("<script>") and f'plotlyFrom("{bundle_url}")' in body
    # The charts load the bundle through the same function, so the page fetches it once.
    assert plotly_view.LOADER in body and plotly_view.LOADER in plotly_view.SCRIPT


def test_charts_fall_back_to_st_plotly_chart_where_plotlys_bundle_cannot_be_published(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plotly_view, "published_bundle", lambda static_dir: None)
    app = run_app()
    assert not app.exception and not figures(app) and not preloads(app)
    fallback = [json.loads(element.proto.spec) for element in app.get("plotly_chart")]
    assert len(fallback) == 2 and all(len(figure["data"]) > 5 for figure in fallback)


def test_a_day_in_the_link_shows_the_record_as_it_stood_that_day(dataset: Dataset) -> None:
    app = run_app({"day": "2022-01-09"})
    assert not app.exception and not app.warning
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Dead, official toll"] == "No total yet", "the toll posted on 9 January was withdrawn that day"
    assert any("posted and withdrawn on 9 January" in caption.value for caption in app.caption)
    casualty, force = figures(app)
    dates = dataset["casualty_reports"].set_index("report_id")["date"]
    drawn = [report for trace in casualty["data"] if trace.get("customdata") for report in trace["customdata"]]
    assert drawn and max(dates[report] for report in drawn) <= pd.Timestamp("2022-01-09"), "later claims are absent"
    assert any(shape["type"] == "line" and shape["line"]["width"] == 2 for shape in casualty["layout"]["shapes"])
    shown = app.dataframe[0].value
    assert pd.to_datetime(shown["when"], format="%d %b %Y", errors="coerce").max() <= pd.Timestamp("2022-01-09")
    share = next(field.value for field in app.text_input if field.label == "Link to this view")
    assert "day=2022-01-09" in share
    whole = run_app()
    assert {metric.label: metric.value for metric in whole.metric}["Dead, official toll"] == "238"


def test_a_day_the_page_cannot_use_is_named_and_the_whole_record_shown() -> None:
    app = run_app({"day": "2022-02-30"})
    assert not app.exception
    assert "day “2022\\-02\\-30”" in app.warning[0].value, "the value is named, Markdown disarmed"
    assert app.select_slider[0].value is None


# ONE VIEW ALONE (view=) ------------------------------------------------------------------------------------


def view_parts(app: AppTest, view: str) -> list:
    """What a view draws: its deck, its chart's figure or its quote rows, as the page's element protos give them."""
    main_decks, main_figures = decks(app), figures(app)
    parts = {
        "kazakhstan": lambda: main_decks[:1],
        "almaty": lambda: main_decks[-1:],
        "casualties": lambda: main_figures[:1],
        "forces": lambda: main_figures[-1:],
        "quotes": lambda: [app.dataframe[0].value.to_dict("records")] if len(app.dataframe) else [],
    }
    return parts[view]()


@pytest.mark.parametrize("view", list(links.VIEWS))
def test_a_link_shows_one_view_alone_with_its_filters(dataset: Dataset, view: str) -> None:
    filters = {"actor": group_label(dataset, "kz-gov"), "dates": ["2022-01-04", "2022-01-12"]}
    whole = run_app(filters)
    alone = run_app({**filters, "view": view})
    assert not alone.exception and not alone.warning
    headings = [heading.value for heading in [*alone.main.header, *alone.main.subheader]]
    assert headings == [links.VIEWS[view]], "the view's title and nothing else's"
    assert view_parts(alone, view) == view_parts(whole, view) != view_parts(run_app({"view": view}), view), (
        "the same drawing as on the whole page with these filters, and not the unfiltered one"
    )
    drawn = len(decks(alone)), len(figures(alone)), len(alone.dataframe)
    assert drawn == {"kazakhstan": (1, 0, 0), "almaty": (1, 0, 0), "quotes": (0, 0, 1)}.get(view, (0, 1, 0))
    captions = [caption.value for caption in alone.main.caption]
    whole_captions = [caption.value for caption in whole.main.caption]
    view_caption = next(caption for caption in captions if "Showing" not in caption and "Source" not in caption)
    assert view_caption in whole_captions, "the view keeps its caption"
    assert captions[-1].startswith("Source\\: “Kazakhstan, January 2022\\: the unrest"), "and ends on its source line"
    keys = [element for element in alone.main.get("html") if "border-radius:50%" in element.proto.body]
    assert bool(keys) == (view in ("kazakhstan", "almaty")), "a map keeps its colour key"
    (back,) = alone.get("link_button")
    assert back.proto.url == "./?" + links.share_query(
        [filters["actor"]], (date(2022, 1, 4), date(2022, 1, 12)), (date(2022, 1, 1), date(2022, 1, 19)), True, ""
    ), "the link back is the same query without the view"
    assert not alone.get("download_button") and "Sources & method" not in [h.value for h in alone.header]
    assert alone.button(key="cite-view").label == "Cite or embed this view"


def test_an_unknown_view_gets_a_notice_and_the_whole_page() -> None:
    app = run_app({"view": "everything"})
    assert not app.exception
    assert "view “everything”" in app.warning[0].value
    assert len(decks(app)) == 2 and len(figures(app)) == 2 and len(app.dataframe) == 1


def test_the_cite_dialog_gives_each_form_for_the_current_view(dataset: Dataset) -> None:
    app = run_app({"view": "forces", "later": "false"})
    app.button(key="cite-view").click().run()
    plain, bibtex, csl, iframe = (block.value for block in app.code)
    assert "How many troops the CSTO sent" in plain and "without later reports" in plain
    assert f"version {dataset.descriptor['version']}" in plain and "(UTC)" in plain
    assert bibtex.startswith("@misc{") and json.loads(csl)[0]["type"] == "dataset"
    assert plain.endswith("?later=false&view=forces")
    assert 'src="?later=false&amp;view=forces&amp;embed=true"' in iframe and 'title="Kazakhstan' in iframe
    assert f'height="{cite.VIEW_HEIGHTS["forces"]}"' in iframe
