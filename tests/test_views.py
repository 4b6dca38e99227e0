"""The view builders, on the real dataset: what each draws for a known selection."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import zipfile
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import pytest

from components.data import citations, filters, geo
from components.data.dataset import Dataset
from components.page import downloads, html_table
from components.views import (
    casualty_chart,
    charts,
    force_chart,
    map_almaty,
    map_kazakhstan,
    maps,
    palette,
    plotly_view,
    quote_table,
)
from tests.conftest import DATA_DIR, quotes_shown

ALL = filters.Selection()


@pytest.fixture(scope="module")
def lookup(dataset: Dataset) -> dict[str, str]:
    return citations.citations(dataset)


@pytest.fixture(scope="module")
def names(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset["actors"]["actor_id"], dataset["actors"]["name"], strict=True))


@pytest.fixture(scope="module")
def prepared(dataset: Dataset, names, lookup) -> pd.DataFrame:
    return casualty_chart.prepare(dataset, names, lookup)


def casualty(dataset: Dataset, prepared: pd.DataFrame, selection: filters.Selection, narrow: bool = False) -> go.Figure:
    """The chart's spec, checked against Plotly's schema as go.Figure loads it."""
    return go.Figure(
        casualty_chart.casualty_figure(
            prepared, casualty_chart.milestones(dataset), selection, filters.group_labels(dataset), narrow
        )
    )


def groups_of(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset["actors"]["actor_id"], dataset["actors"]["group_id"], strict=True))


def marker_points(figure) -> int:
    return sum(len(trace.x) for trace in figure.data if trace.mode == "markers" and trace.x[0] is not None)


# --- filters ---------------------------------------------------------------------------------------------


def test_no_selection_keeps_every_event(dataset: Dataset) -> None:
    assert len(filters.filter_events(dataset, ALL)) == len(dataset["events"])


@pytest.mark.parametrize("group", ["protesters", "russia-csto", "us"])
def test_events_kept_when_any_actor_is_in_the_group(dataset: Dataset, group: str) -> None:
    groups = groups_of(dataset)
    expected = {row.event_id for row in dataset["events"].itertuples() if group in {groups[a] for a in row.actor_ids}}
    kept = filters.filter_events(dataset, filters.Selection(groups=(group,)))
    assert set(kept["event_id"]) == expected and expected
    assert set(kept["group_id"]) == {group}, "an event is coloured by the selected group it involves"


def test_date_window_and_later_reports(dataset: Dataset) -> None:
    events = dataset["events"]
    days = events["date"].dt.date
    window = filters.Selection(start=date(2022, 1, 5), end=date(2022, 1, 7), include_later=False)
    kept = filters.filter_events(dataset, window)
    assert set(kept["event_id"]) == set(events.loc[(days >= date(2022, 1, 5)) & (days <= date(2022, 1, 7)), "event_id"])
    with_later = filters.filter_events(dataset, filters.Selection(start=date(2022, 1, 5), end=date(2022, 1, 7)))
    later = set(events.loc[days > date(2022, 1, 19), "event_id"])
    assert later and set(with_later["event_id"]) == set(kept["event_id"]) | later


def test_search_matches_every_word_case_insensitively_and_literally() -> None:
    frame = pd.DataFrame({"text": ["Once Russians are in your house", "Shoot without warning", "a (b"]})
    assert list(filters.search_mask(frame, ["text"], "russians HOUSE")) == [True, False, False]
    assert list(filters.search_mask(frame, ["text"], "(b")) == [False, False, True]
    assert filters.search_mask(frame, ["text"], "  ").all()


def test_movements_follow_the_contributor_group(dataset: Dataset) -> None:
    movements = dataset["contingent_movements"]
    russian = filters.filter_movements(dataset, filters.Selection(groups=("russia-csto",)))
    others = filters.filter_movements(dataset, filters.Selection(groups=("csto-members",)))
    assert set(russian["contributor"]) == {"RUS"}
    assert set(others["contributor"]) == set(movements["contributor"]) - {"RUS"}
    assert filters.filter_movements(dataset, filters.Selection(groups=("us",))).empty


# --- maps ------------------------------------------------------------------------------------------------


def test_events_are_gathered_by_place_with_sources_and_unknown_deaths(dataset: Dataset, lookup) -> None:
    events = filters.filter_events(dataset, ALL)
    points = maps.events_by_place(events, maps.place_positions(dataset), lookup)
    positions = maps.place_positions(dataset)
    locatable = events[events["place_id"].isin(positions["place_id"])]
    assert points["events"].sum() == len(locatable)
    assert len(locatable) < len(events), "nationwide events have no point"
    assert points["tooltip"].str.contains("Sources: ").all()
    with_deaths = events[events["deaths_reported"].notna()]
    assert points["deaths_known"].notna().sum() == with_deaths["place_id"].nunique()
    assert points["deaths_known"].isna().any(), "places with no death figure stay unknown, not zero"


def test_sites_without_a_coordinate_use_their_citys_point(dataset: Dataset) -> None:
    places = dataset["places"].set_index("place_id")
    positions = maps.place_positions(dataset).set_index("place_id")
    site = positions.loc["almaty-knb-department"]
    assert pd.isna(places.loc["almaty-knb-department", "latitude"])
    assert (site["latitude"], site["longitude"]) == (
        places.loc["almaty", "latitude"],
        places.loc["almaty", "longitude"],
    )
    assert site["located_at"] == "city" and site["point_name"] == "Almaty"
    assert "kazakhstan" not in positions.index


def test_rounded_boundaries_are_smaller_and_keep_every_feature(dataset: Dataset) -> None:
    layer = dataset.boundaries["csto_countries"]
    rounded = maps.rounded_geojson(layer, map_kazakhstan.GEOMETRY_DECIMALS, map_kazakhstan.GEOMETRY_TOLERANCE)
    assert len(rounded["features"]) == len(layer["features"])
    assert len(json.dumps(rounded)) < len(json.dumps(layer)) / 3
    for feature in rounded["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in polygon), "rings stay closed"


def test_simplified_outlines_stay_within_a_pixel_of_the_source(dataset: Dataset) -> None:
    tolerance = map_kazakhstan.GEOMETRY_TOLERANCE
    assert tolerance == pytest.approx(360 / 512 / 2 ** map_kazakhstan.VIEW["zoom"])  # one pixel at the map's zoom
    kept_total = source_total = 0
    for feature in dataset.boundaries["kazakhstan_regions"]["features"]:
        for ring in (ring for polygon in geo.polygons_of(feature["geometry"]) for ring in polygon):
            kept = maps.simplified_ring(ring, tolerance)
            indices, position = [], 0
            for point in kept:  # the kept vertices are a subsequence of the ring, ends included
                while ring[position] != point:
                    position += 1
                indices.append(position)
                position += 1
            assert indices[0] == 0 and indices[-1] == len(ring) - 1
            for start, end in itertools.pairwise(indices):
                (x1, y1), (x2, y2) = maps.mercator(ring[start]), maps.mercator(ring[end])
                for point in ring[start + 1 : end]:
                    x, y = maps.mercator(point)
                    length = math.hypot(x2 - x1, y2 - y1)  # zero where a span starts and ends at one point
                    offset = (
                        abs((y2 - y1) * (x - x1) - (x2 - x1) * (y - y1)) / length
                        if length
                        else math.hypot(x - x1, y - y1)
                    )
                    assert offset <= tolerance, f"{feature['properties']} moved {offset / tolerance:.2f} pixels"
            kept_total, source_total = kept_total + len(kept), source_total + len(ring)
    assert kept_total < source_total / 4, (kept_total, source_total)


def test_boundaries_are_drawn_as_a_fill_and_the_edges_of_every_ring(dataset: Dataset) -> None:
    districts = maps.rounded_geojson(dataset.boundaries["almaty_districts"], 4)
    fill, outline = (
        json.loads(layer) for layer in maps.serialized(maps.boundary_layers("d", districts, [1, 2, 3, 4], [5, 6, 7, 8]))
    )
    assert fill["@@type"] == "GeoJsonLayer" and fill["data"] == districts and not fill["stroked"]
    rings = [
        ring for feature in districts["features"] for polygon in feature["geometry"]["coordinates"] for ring in polygon
    ]
    assert outline["@@type"] == "LineLayer" and len(outline["data"]) == sum(len(ring) - 1 for ring in rings)
    assert outline["data"][0] == {"s": rings[0][0], "t": rings[0][1]} and outline["data"][-1]["t"] == rings[-1][-1]
    assert (outline["getSourcePosition"], outline["getTargetPosition"]) == ("@@=s", "@@=t")
    assert [
        json.loads(layer)["id"] for layer in maps.serialized(maps.boundary_layers("d", districts, [1, 2, 3, 4]))
    ] == ["d"]


def test_boundary_geometry_is_published_once_and_named_by_its_content(dataset: Dataset, tmp_path) -> None:
    static_dir = tmp_path / "static"
    layers = map_kazakhstan.base_layers(dataset, static_dir)
    urls = [json.loads(layer)["data"] for layer in layers]
    assert all(isinstance(url, str) and url.startswith("app/static/") for url in urls), urls
    assert sorted(url.removeprefix("app/static/") for url in urls) == sorted(path.name for path in static_dir.iterdir())
    inline = [json.loads(layer)["data"] for layer in map_kazakhstan.base_layers(dataset)]
    for url, data in zip(urls, inline, strict=True):
        assert json.loads((static_dir / url.removeprefix("app/static/")).read_text()) == data
    assert [json.loads(layer)["data"] for layer in map_kazakhstan.base_layers(dataset, static_dir)] == urls


def test_arcs_for_every_located_leg(dataset: Dataset, lookup) -> None:
    movements = dataset["contingent_movements"]
    positions = set(maps.place_positions(dataset)["place_id"])
    located = movements[
        movements["origin_place_id"].isin(positions) & movements["destination_place_id"].isin(positions)
    ]
    arcs, undrawn = map_kazakhstan.arcs(movements, maps.place_positions(dataset), dataset, lookup)
    assert len(arcs) == len(located) and undrawn == len(movements) - len(located)
    assert arcs["tooltip"].str.contains("Sources: ").all()
    widths = arcs.groupby("contributor")["width"].first()
    figures = map_kazakhstan.reference_figures(dataset).set_index("contributor")["personnel"]
    order = figures.loc[widths.index].sort_values().index
    assert list(widths.loc[order]) == sorted(widths), "wider arcs for larger claimed contingents"


def test_a_selection_picks_its_arcs_from_those_built_once(dataset: Dataset, lookup) -> None:
    movements = dataset["contingent_movements"]
    every_arc, undrawn = map_kazakhstan.arcs(movements, maps.place_positions(dataset), dataset, lookup)
    belarus = movements[movements["contributor"] == "BLR"]
    chosen, missing = map_kazakhstan.selected_arcs(every_arc, belarus)
    assert set(chosen["contributor"]) == {"BLR"} and len(chosen) + missing == len(belarus)
    assert missing == undrawn >= 1, "the Belarusian leg to Zhetygen has no sourced coordinate"
    assert map_kazakhstan.selected_arcs(every_arc, movements.iloc[0:0])[1] == 0


def test_arc_width_uses_official_figures_before_media_ones(dataset: Dataset) -> None:
    figures = map_kazakhstan.reference_figures(dataset).set_index("contributor")
    claims = dataset["force_deployments"]
    assert figures.loc["ARM", "status"] == "official"
    russia = claims[claims["contributor"] == "RUS"]
    assert not (russia["status"] == "official").any() and (russia["status"] == "media_outlier").all()
    assert figures.loc["RUS", "status"] == "upper_bound", (
        "no supported Russian figure: the whole force's total bounds it"
    )
    assert figures.loc["RUS", "personnel"] == figures.loc["CSTO", "personnel"]


def test_kazakhstan_deck_draws_offline_with_a_plain_text_tooltip(dataset: Dataset, lookup) -> None:
    events = filters.filter_events(dataset, ALL)
    positions = maps.place_positions(dataset)
    arcs, _ = map_kazakhstan.arcs(dataset["contingent_movements"], positions, dataset, lookup)
    points = maps.events_by_place(events, maps.gathered_in_cities(positions, dataset), lookup)
    marked = map_kazakhstan.places_to_name(points, arcs, maps.gathered_in_cities(positions, dataset))
    labels = map_kazakhstan.label_layers(dataset, marked, False, list(arcs["path"]))
    deck = map_kazakhstan.kazakhstan_deck(map_kazakhstan.base_layers(dataset), points, arcs, False, labels)
    spec = json.loads(deck.to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[:7] == [
        "neighbours",
        "csto-countries-fill",
        "csto-countries",
        "regions",
        "kazakhstan-fill",
        "kazakhstan",
        "places",
    ], "context first, Kazakhstan over it, then the places' dots"
    assert ids[7:] == [
        "csto-arcs",
        "csto-withdrawals",
        "events-unknown-deaths",
        "events-known-deaths",
        "place-names",
    ], "legs under the event circles, so a circle where legs end is what the pointer picks; labels over all"
    assert spec.get("mapProvider") is None and "mapbox" not in deck.to_json() and "carto" not in deck.to_json()
    assert deck._tooltip["text"] == "{tooltip}" and set(deck._tooltip) == {"text", "style"}, (
        "plain text: tooltips never render data as HTML"
    )
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["csto-arcs"]["widthUnits"] == "pixels", "units are literals, not accessor expressions"
    assert "extensions" not in layers["csto-arcs"]
    assert layers["csto-withdrawals"]["extensions"] == [{"@@type": "PathStyleExtension", "dash": True}]
    assert layers["place-names"]["@@type"] == "TextLayer" and len(layers["place-names"]["data"]) >= 15


def test_narrow_screens_get_a_wider_view() -> None:
    assert map_kazakhstan.NARROW_VIEW["zoom"] < map_kazakhstan.VIEW["zoom"]


def test_almaty_map_shows_only_city_events(dataset: Dataset, lookup) -> None:
    places = dataset["places"]
    city = set(places.loc[places["within_place_id"] == "almaty", "place_id"]) | {"almaty"}
    events = map_almaty.in_almaty(filters.filter_events(dataset, ALL), dataset)
    assert set(events["place_id"]) <= city and len(events) >= 10
    positions = maps.place_positions(dataset)
    points = maps.events_by_place(events, positions, lookup)
    sites = map_almaty.mapped_sites(dataset, positions)
    labels = map_almaty.label_layers(dataset, sites, points)
    deck = json.loads(
        map_almaty.almaty_deck(map_almaty.base_layers(dataset), points, map_almaty.view(sites), labels).to_json()
    )
    assert [layer["id"] for layer in deck["layers"]] == [
        "almaty-districts-fill",
        "almaty-districts",
        "sites",
        "sites-unknown-deaths",
        "sites-known-deaths",
        "site-names",
    ]


# --- charts ----------------------------------------------------------------------------------------------


def test_on_a_phone_each_milestone_label_has_a_line_of_its_own_inside_the_chart(dataset: Dataset, prepared) -> None:
    wide, narrow = casualty(dataset, prepared, ALL), casualty(dataset, prepared, ALL, narrow=True)

    def milestone_labels(figure: go.Figure) -> list:
        return [note for note in figure.layout.annotations if note.xref == "x" and note.yref == "paper"]

    labels = milestone_labels(narrow)
    assert len(labels) == len(milestone_labels(wide)) >= 5
    assert len({note.yshift for note in labels}) == len(labels), "one line each"
    assert len({note.yshift for note in milestone_labels(wide)}) == 3, "on a wide screen they take turns on three"
    middle = sum(narrow.layout.xaxis.range) / 2
    assert all((note.xanchor == "left") == (note.x < middle) for note in labels), "each runs towards the chart"
    highest = max(note.yshift for note in labels)
    assert narrow.layout.margin.t >= highest + 15 > wide.layout.margin.t, "the top margin holds every line"
    columns = {len({f.layout[key].domain[0] for key in f.layout if key.startswith("xaxis")}) for f in (wide, narrow)}
    assert columns == {4, 2}, "the small panels sit four across on a desktop, two on a phone"


def test_casualty_chart_draws_every_numbered_claim(dataset: Dataset, prepared) -> None:
    figure = casualty(dataset, prepared, ALL)
    numbered = dataset["casualty_reports"]["value_high"].notna().sum()
    assert marker_points(figure) == numbered
    hovers = " ".join(text for trace in figure.data if trace.hovertext is not None for text in trace.hovertext)
    assert "“164 dead”" in hovers and "Official figure, retracted" in hovers
    claims = dataset["casualty_reports"].set_index("report_id")
    drawn = [
        (report, symbol)
        for trace in figure.data
        if trace.mode == "markers" and trace.customdata is not None
        for report, symbol in zip(trace.customdata, trace.marker.symbol, strict=True)
    ]
    expected = {
        report: casualty_chart.REPEAT_SYMBOL
        if pd.notna(claim["repeats_report_id"])
        else charts.STATUS_SYMBOLS[claim["status"]]
        for report, claim in claims.iterrows()
    }
    assert drawn and all(symbol == expected[report] for report, symbol in drawn), "repeats have their own symbol"
    assert charts.STATUS_SYMBOLS["official_retracted"] in {symbol for _, symbol in drawn}
    labels = [annotation.text for annotation in figure.layout.annotations]
    assert {"CSTO request", "Shoot-without-warning order", "CSTO withdrawal begins"} <= set(labels)
    retracted = claims[(claims["status"] == "official_retracted") & (claims["scope"] == "national")]
    assert labels.count("withdrawn") == len(retracted) >= 1, "withdrawn national figures are labelled"


def test_casualty_chart_dims_claims_outside_the_selection(dataset: Dataset, prepared) -> None:
    officials = casualty(dataset, prepared, filters.Selection(groups=("kz-officials",)))
    colours = [
        colour
        for trace in officials.data
        if trace.mode == "markers" and trace.x[0] is not None
        for colour in trace.marker.color
    ]
    assert palette.colour("kz-officials") in colours and palette.DIMMED in colours
    us = casualty(dataset, prepared, filters.Selection(groups=("us",)))
    us_colours = {
        colour
        for trace in us.data
        if trace.mode == "markers" and trace.x[0] is not None
        for colour in trace.marker.color
    }
    assert us_colours == {palette.DIMMED}


def claim_positions(figure, dataset: Dataset) -> list[tuple[pd.Timestamp, float]]:
    """(date, x) of every claim drawn, from each point's report id."""
    dates = dataset["casualty_reports"].set_index("report_id")["date"]
    return [
        (dates[report], x)
        for trace in figure.data
        if trace.mode == "markers" and trace.customdata is not None
        for report, x in zip(trace.customdata, trace.x, strict=True)
    ]


def test_casualty_chart_without_later_reports_stops_at_the_window(dataset: Dataset, prepared) -> None:
    figure = casualty(dataset, prepared, filters.Selection(include_later=False))
    claims = dataset["casualty_reports"]
    in_window = claims[claims["value_high"].notna() & (claims["date"] <= "2022-01-19")]
    assert marker_points(figure) == len(in_window)
    assert max(day for day, _ in claim_positions(figure, dataset)) <= pd.Timestamp("2022-01-19")
    assert figure.layout.xaxis.range[1] == 18.5, "the axis ends half a day after 19 January"
    assert not [shape for shape in figure.layout.shapes if shape.type == "rect"], "no break without later reports"


def test_casualty_chart_places_later_reports_past_a_break_in_date_order(dataset: Dataset, prepared) -> None:
    figure = casualty(dataset, prepared, filters.Selection(start=date(2022, 1, 3), end=date(2022, 1, 12)))
    positions = claim_positions(figure, dataset)
    in_window = [x for day, x in positions if day <= pd.Timestamp("2022-01-19")]
    later = [x for day, x in positions if day > pd.Timestamp("2022-01-19")]
    assert in_window and later
    assert {day for day, _ in positions if day <= pd.Timestamp("2022-01-19")} <= set(
        pd.date_range("2022-01-03", "2022-01-12")
    ), "the date window trims the claims drawn"
    # One unit a day in the window, the first selected day at 0; later reports keep their order after the break.
    assert all(x == (day - pd.Timestamp("2022-01-03")).days for day, x in positions if x in in_window)
    ordered = sorted(positions)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(ordered)), "x follows the date"
    bands = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    panels = [key for key in figure.layout if key.startswith("xaxis")]
    assert len(bands) == len(panels), "a break in every panel"
    (band,) = [shape for shape in bands if shape.xref == "x"]
    assert max(in_window) < band.x0 < band.x1 < min(later)
    axis = figure.layout.xaxis
    assert axis.ticktext[0] == "3 Jan" and "Feb 2022" in axis.ticktext and axis.range[1] > max(later)
    panels = [figure.layout[key] for key in figure.layout if key.startswith("xaxis")]
    assert all(panel.range == axis.range for panel in panels), "every panel keeps the same time scale"
    assert all(len(panel.tickvals) >= 3 for panel in panels), "every panel labels its own dates"


def test_force_chart_labels_announced_and_deployed(dataset: Dataset, names, lookup) -> None:
    labels = filters.group_labels(dataset)
    prepared_forces = force_chart.prepare(dataset, names, lookup)
    figure = go.Figure(force_chart.force_figure(prepared_forces, ALL, labels))
    assert marker_points(figure) == dataset["force_deployments"]["personnel_high"].notna().sum()
    texts = {annotation.text for annotation in figure.layout.annotations}
    assert {"announced: 2,500", "deployed: 2,030"} <= texts
    unnumbered = force_chart.claims_without_numbers(filters.mark_selected(prepared_forces, ALL))
    assert set(unnumbered["contributor"]) == {"BLR"}


# --- quotes, citations, downloads ------------------------------------------------------------------------


def test_quotes_filtered_by_group_date_and_search(dataset: Dataset) -> None:
    frame = quote_table.quotes_frame(dataset)
    us = quote_table.filter_quotes(frame, filters.Selection(groups=("us",)))
    groups = groups_of(dataset)
    assert len(us) == sum(groups[a] == "us" for a in quotes_shown(dataset)["speaker_actor_id"])
    assert set(us["speaker"]) >= {"Antony Blinken", "BBC News, reporting Antony Blinken"}
    found = quote_table.filter_quotes(frame, filters.Selection(search="russians house"))
    assert "Q52" in set(found["quote_id"])
    none = quote_table.filter_quotes(frame, filters.Selection(search="zzqqxx"))
    assert none.empty
    assert list(quote_table.table(us).columns)[:3] == ["when", "speaker", "quote"]


def test_quotes_show_english_and_keep_the_original(dataset: Dataset) -> None:
    frame = quote_table.quotes_frame(dataset).set_index("quote_id")
    assert frame.loc["Q88", "original"].startswith("Слышны")
    assert frame.loc["Q88", "quote"] == dataset["quotes"].set_index("quote_id").loc["Q88", "text_en"]
    assert frame.loc["Q88", "translated"] == "Translated for this dataset"


def test_citations_name_the_original_publisher_first_then_the_copy_and_date(dataset: Dataset, lookup) -> None:
    assert lookup["S02"] == "BBC News, via newyorkglobe.org, 2022-01-08"
    assert lookup["S04"] == "Irish Times, 2022-01-07"
    assert citations.cite(["S02", "S04", "S06", "S07"], lookup, limit=2).endswith("and 2 more")


def test_citations_label_state_controlled_state_funded_and_propaganda_outlets(lookup) -> None:
    assert lookup["S12"] == "TASS (Russian state-controlled), 2022-01-10"
    assert lookup["S23"] == "Sputnik (Russian state-controlled), via UrduPoint, 2022-01-07"
    assert lookup["S95"] == "RFE/RL (US state-funded), 2022-11-02"
    assert lookup["S46"] == "RIA Novosti, via News Front (Russian propaganda outlet), 2022-01-14"


def test_every_labelled_source_shows_its_label_in_the_citation(dataset: Dataset, lookup) -> None:
    sources = dataset["sources"]
    labelled = sources[sources["outlet_control"].isin(["state_controlled", "propaganda", "state_funded"])]
    assert len(labelled) > 50
    words = {"state_controlled": "state-controlled", "propaganda": "propaganda", "state_funded": "state-funded"}
    unlabelled = [
        row.source_id for row in labelled.itertuples() if words[row.outlet_control] not in lookup[row.source_id]
    ]
    assert unlabelled == []


@pytest.mark.parametrize("name", ["quotes", "events", "casualty_reports", "force_deployments", "sources"])
def test_downloads_write_rows_exactly_as_the_package_stores_them(dataset: Dataset, name: str) -> None:
    written = downloads.to_package_csv(dataset[name], dataset.descriptor, name).decode("utf-8")
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        original = list(csv.DictReader(handle))
    assert list(csv.DictReader(io.StringIO(written))) == original


def test_download_of_a_selection_has_only_its_rows(dataset: Dataset, prepared, names, lookup) -> None:
    selection = filters.Selection(groups=("us",))
    frame = quote_table.filter_quotes(quote_table.quotes_frame(dataset), selection)
    events = filters.filter_events(dataset, selection)
    tables = downloads.selection_tables(
        dataset,
        frame,
        events,
        filters.mark_selected(prepared, selection),
        filters.mark_selected(force_chart.prepare(dataset, names, lookup), selection),
    )
    by_name = {name: (label, rows) for label, name, rows in tables}
    assert sorted(by_name["quotes"][1]["quote_id"]) == sorted(frame["quote_id"])
    assert by_name["casualty_reports"][1].empty and by_name["quotes"][0].startswith(f"{len(frame)} quotes")


def test_package_zip_holds_descriptor_tables_and_boundaries(dataset: Dataset) -> None:
    archive = zipfile.ZipFile(io.BytesIO(downloads.package_zip(DATA_DIR)))
    names = {name.split("/", 1)[1] for name in archive.namelist()}
    expected = {resource["path"] for resource in dataset.descriptor["resources"]}
    assert {"datapackage.json", "README.md", "geo/kazakhstan.geojson"} | expected <= names


def test_the_quote_table_keeps_its_key_unless_its_rows_change_under_a_selection() -> None:
    state: dict = {}
    key = quote_table.table_key(state, ("Q1", "Q2"))
    assert quote_table.table_key(state, ("Q1",)) == key, "new rows, nothing selected: the same grid takes them"
    state[key] = {"selection": {"rows": [0], "columns": []}}
    assert quote_table.table_key(state, ("Q1",)) == key, "a selection stays while its rows do"
    moved = quote_table.table_key(state, ("Q2",))
    assert moved != key and moved not in state, "rows changed under a selection: a new grid, nothing selected"
    assert quote_table.table_key(state, ("Q1", "Q2")) == moved


def test_corrections_read_as_written_in_an_escaped_html_table(dataset: Dataset, lookup) -> None:
    hostile = dataset["corrections"].assign(reason='<img src=x onerror="alert(1)"> & [read more](javascript:alert(1))')
    package = Dataset(dataset.descriptor, {**dataset.tables, "corrections": hostile}, dataset.boundaries)
    table = citations.corrections_table(package, lookup)
    assert len(table) == len(dataset["corrections"]) and list(table.columns)[0] == "Correction"
    page = html_table.html_table(table, 'Corrections "as made"')
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; [read more]"
    assert "<img" not in page and page.count(escaped) == len(table)
    assert 'aria-label="Corrections &quot;as made&quot;"' in page
    assert page.count("<tr>") == len(table) + 1 and page.count("<td ") == len(table) * len(table.columns)
    assert page.count('<td data-column="Why">') == len(table), "a phone shows each value under its column's name"


def test_plotly_bundle_is_published_once_under_its_version(tmp_path) -> None:
    static_dir = tmp_path / "static"
    url = plotly_view.published_bundle(static_dir)
    written = static_dir / plotly_view.bundle_name()
    assert url == f"app/static/{written.name}"
    assert written.read_bytes() == plotly_view.BUNDLE.read_bytes()
    assert [path.name for path in static_dir.iterdir()] == [written.name], "no partial file is left behind"
    written.write_text("kept")  # a later call in the process, or another replica's, does not rewrite it
    plotly_view.published_bundle.cache_clear()
    assert plotly_view.published_bundle(static_dir) == url and written.read_text() == "kept"


def test_the_vendored_plotly_bundle_matches_the_plotly_package_and_draws_every_trace(
    dataset: Dataset, prepared, names, lookup
) -> None:
    header = plotly_view.BUNDLE.read_text(encoding="utf-8")[:200]
    version = plotly.offline.get_plotlyjs_version()
    assert f"plotly.js (basic - minified) v{version}\n" in header, (
        f"the plotly package is built for plotly.js {version}: replace {plotly_view.BUNDLE.name} with "
        f"plotly-basic.min.js from `npm pack plotly.js-basic-dist-min@{version}`"
    )
    assert plotly_view.BUNDLE.name == f"plotly-basic-{version}.min.js"
    labels = filters.group_labels(dataset)
    figures = [
        casualty_chart.casualty_figure(prepared, casualty_chart.milestones(dataset), ALL, labels),
        force_chart.force_figure(force_chart.prepare(dataset, names, lookup), ALL, labels),
    ]
    drawn = {trace.get("type", "scatter") for figure in figures for trace in figure["data"]}
    assert drawn <= plotly_view.BUNDLE_TRACE_TYPES, f"traces the basic bundle cannot draw: {drawn}"


def test_plotly_bundle_in_an_unwritable_place_falls_back(tmp_path, caplog) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert plotly_view.published_bundle(blocked / "static") is None
    assert "could not be written" in caplog.text


def test_chart_data_carries_the_figure_alt_text_and_bundle(dataset: Dataset, prepared, names, lookup) -> None:
    labels = filters.group_labels(dataset)
    figures = [
        casualty_chart.casualty_figure(prepared, casualty_chart.milestones(dataset), filters.Selection(), labels),
        force_chart.force_figure(force_chart.prepare(dataset, names, lookup), filters.Selection(), labels),
    ]
    for figure in figures:
        data = plotly_view.chart_data(figure, "Chart of claims", "app/static/plotly.min.js")
        # Strict JSON (no NaN, no numpy or date objects), so the page gets exactly the spec built.
        assert json.loads(json.dumps(data, allow_nan=False))["figure"] == figure
        assert go.Figure(figure).to_dict()["data"], "Plotly's schema accepts the spec"
        assert data["alt"] == "Chart of claims" and data["bundle"] == "app/static/plotly.min.js"
        assert data["config"]["displaylogo"] is False and data["config"]["displayModeBar"] is False


def test_on_a_phone_every_quote_is_a_block_with_its_words_in_full(dataset: Dataset) -> None:
    from html import escape

    from components.page.html_table import html_table

    selection = filters.Selection(groups=("us",))
    rows = quote_table.table(quote_table.filter_quotes(quote_table.quotes_frame(dataset), selection))
    blocks = quote_table.for_phones(rows)
    assert list(blocks.columns)[:3] == ["When", "Speaker", "Quote"] and len(blocks) == len(rows) > 0
    page = html_table(blocks, "quotes", link_column="Source link")
    for quote in rows["quote"]:
        assert escape(quote) in page, "each quote in full, not cut to a grid cell's width"
    assert page.count("<tr>") == len(rows) + 1 and page.count("open ↗") == rows["source_url"].notna().sum()


def test_with_a_day_the_map_draws_the_contingents_on_the_ground_that_day(dataset: Dataset) -> None:
    departures = filters.departures(dataset)
    movements = dataset["contingent_movements"]
    assert set(departures.index) == set(movements["contributor"]), "every contingent has a day it had all left"
    for offset in range(19):
        day = date(2022, 1, 1) + pd.Timedelta(days=offset)
        legs = filters.filter_movements(dataset, filters.Selection(day=day))
        for _, leg in legs.iterrows():
            if leg["direction"] == "deployment":
                assert leg["date"].date() <= day < departures[leg["contributor"]].date(), (day, leg["movement_id"])
            else:
                assert leg["date"].date() == day, "a way home is drawn on the day it was taken"
        arrived = movements[(movements["direction"] == "deployment") & (movements["date"].dt.date <= day)]
        on_the_ground = arrived[arrived["contributor"].map(departures).dt.date > day]
        assert set(on_the_ground["movement_id"]) <= set(legs["movement_id"]), day


def test_with_a_day_its_events_stand_out_on_the_maps_and_earlier_ones_recede(dataset: Dataset, lookup) -> None:
    day = date(2022, 1, 7)
    events = filters.filter_events(dataset, filters.Selection(day=day))
    assert events["date"].max().date() == day, "later events are absent"
    positions = maps.place_positions(dataset)
    points = maps.events_by_place(events, positions, lookup, day)
    where = positions.set_index("place_id")[["longitude", "latitude"]]
    located = events[events["place_id"].isin(where.index)]
    today = {tuple(where.loc[place]) for place in located.loc[located["date"].dt.date == day, "place_id"]}
    for _, point in points.iterrows():
        strong = point["colour"][3] > maps.RECEDED_ALPHA
        assert strong == ((point["longitude"], point["latitude"]) in today), point["name"]
    assert {point["colour"][3] for _, point in points.iterrows()} == {220, maps.RECEDED_ALPHA}


def test_the_quote_grid_holds_its_rows_without_empty_ones_up_to_its_tallest() -> None:
    heights = [quote_table.grid_height(rows) for rows in range(1, 40)]
    assert heights == sorted(heights) and max(heights) == quote_table.TALLEST_PX
    assert quote_table.grid_height(8) == 9 * quote_table.ROW_PX + quote_table.FRAME_PX < quote_table.TALLEST_PX
    assert quote_table.grid_height(103) == quote_table.TALLEST_PX


def test_each_entry_in_a_charts_key_names_a_different_mark(dataset: Dataset, prepared, names, lookup) -> None:
    forces = force_chart.force_figure(force_chart.prepare(dataset, names, lookup), ALL, filters.group_labels(dataset))
    for figure in (casualty(dataset, prepared, ALL), go.Figure(forces)):
        names = [trace.name for trace in figure.data if trace.showlegend is not False and trace.name]
        assert len(names) == len(set(names)) >= 4, names
