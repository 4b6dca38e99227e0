"""Each view's table holds exactly what the view draws: the charts' points, the maps' circles and arcs."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from components.data import filters
from components.page import links, loader
from components.page.html_table import html_table
from components.views import charts, view_tables

PATH = str(loader.data_dir())
DATASET = loader.load(PATH).dataset
FIRST_DAY, LAST_DAY = filters.study_window(DATASET)
SELECTIONS = {
    "everything": filters.Selection(start=FIRST_DAY, end=LAST_DAY, window_end=LAST_DAY),
    "government, 4-12 January": filters.Selection(
        groups=("kz-gov",), start=date(2022, 1, 4), end=date(2022, 1, 12), window_end=LAST_DAY
    ),
    "Russia and the CSTO, no later reports": filters.Selection(
        groups=("russia-csto", "csto-members"), start=FIRST_DAY, end=LAST_DAY, include_later=False, window_end=LAST_DAY
    ),
    "protesters, 5-7 January": filters.Selection(
        groups=("protesters",), start=date(2022, 1, 5), end=date(2022, 1, 7), window_end=LAST_DAY
    ),
    "one quiet day": filters.Selection(start=date(2022, 1, 1), end=date(2022, 1, 1), window_end=LAST_DAY),
    "the record as it stood on 7 January": filters.Selection(
        start=FIRST_DAY, end=LAST_DAY, window_end=LAST_DAY, day=date(2022, 1, 7)
    ),
}
POINT_LAYERS = re.compile(r"-(unknown|known)-deaths$")


def drawn_ids(figure: dict) -> list[str]:
    """The ids of the points a chart draws: the `customdata` of its marker traces."""
    return [point for trace in figure["data"] for point in trace.get("customdata", [])]


def deck_layers(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


def drawn_points(deck) -> Counter:
    """Each circle a map draws, at its position, with the number of events its tooltip says it stands for."""
    points = Counter()
    for layer_id, layer in deck_layers(deck).items():
        if POINT_LAYERS.search(layer_id):
            for point in layer["data"]:
                events = int(re.match(r".*?: (\d+) event", point["tooltip"]).group(1))
                points[(point["longitude"], point["latitude"])] += events
    return points


def table_points(table, positions) -> Counter:
    """The positions a map table's events are drawn at, by its events' places (`positions`: as that map draws them)."""
    positions = positions.set_index("place_id")
    place_of = DATASET["events"].set_index("event_id")["place_id"]
    return Counter(
        (float(positions.at[place_of[event], "longitude"]), float(positions.at[place_of[event], "latitude"]))
        for event in table["ID"]
    )


@pytest.mark.parametrize("name", SELECTIONS)
def test_the_casualty_table_has_the_charts_points(name: str) -> None:
    selection = SELECTIONS[name]
    table = loader.casualty_table(PATH, selection)
    drawn = drawn_ids(loader.casualty_figure(PATH, selection))
    assert len(drawn) > 0 or name == "one quiet day"
    assert sorted(table["ID"]) == sorted(drawn)
    claims = loader.marked_casualty_claims(PATH, selection).set_index("report_id")
    for row in table.to_dict("records"):
        claim = claims.loc[row["ID"]]
        assert row["Figure as stated"] == claim["figure_as_stated"]
        assert row["Status"] == charts.STATUS_LABELS[claim["status"]]
        assert row["Claimant"] == loader.actor_names(PATH)[claim["claimant_actor_id"]]
        assert row["In selection"] == view_tables.IN_SELECTION[bool(claim["selected"])]
        assert all(loader.citation_lookup(PATH)[source] in row["Sources"] for source in claim["source_ids"])


@pytest.mark.parametrize("name", SELECTIONS)
def test_the_force_table_has_the_charts_points(name: str) -> None:
    selection = SELECTIONS[name]
    table = loader.force_table(PATH, selection)
    assert len(table) > 0
    assert sorted(table["ID"]) == sorted(drawn_ids(loader.force_figure(PATH, selection)))
    claims = loader.marked_force_claims(PATH, selection).set_index("claim_id")
    selected = table["In selection"] == view_tables.IN_SELECTION[True]
    assert sorted(table.loc[selected, "ID"]) == sorted(
        claims.index[claims["selected"] & claims["personnel_high"].notna()]
    )


@pytest.mark.parametrize("name", SELECTIONS)
def test_the_map_tables_have_the_maps_circles_and_arcs(name: str) -> None:
    selection = SELECTIONS[name]
    national = loader.kazakhstan_deck(PATH, None, selection, False)
    national_positions = loader.national_positions(PATH)
    assert table_points(loader.national_event_table(PATH, selection), national_positions) == drawn_points(national)
    assert table_points(loader.almaty_event_table(PATH, selection), loader.place_positions(PATH)) == drawn_points(
        loader.almaty_deck(PATH, None, selection)
    )

    layers = deck_layers(national)
    drawn = sum(len(layers.get(leg_layer, {"data": []})["data"]) for leg_layer in ("csto-arcs", "csto-withdrawals"))
    legs = loader.leg_table(PATH, selection)
    arc_rows, _ = loader.selected_arcs(PATH, selection)
    assert len(legs) == drawn and set(legs["ID"]) == set(arc_rows["movement_id"]), "a row for every leg drawn"
    if name == "Russia and the CSTO, no later reports":
        assert len(legs) > 0 and set(legs["Movement"]) == {"deployment", "withdrawal"}


def test_the_tables_show_every_cell_escaped_and_named_for_screen_readers() -> None:
    table = loader.casualty_table(PATH, SELECTIONS["everything"])
    markup = html_table(table, "Casualty claims drawn")
    assert markup.count("<tr>") == len(table) + 1
    assert 'aria-label="Casualty claims drawn"' in markup and '<th scope="col">Figure as stated</th>' in markup
    assert "<script" not in html_table(table.assign(Panel="<script>alert(1)</script>"), "x")


def test_a_link_opens_each_views_table_and_closed_tables_are_not_sent() -> None:
    from tests.test_app import run_app, table_rows

    def shown_tables(app) -> dict[str, list[str]]:
        """The page's HTML tables other than the corrections, by their label: the IDs of their rows."""
        tables = {}
        for block in app.get("html"):
            label = re.search(r'<table aria-label="([^"]*)"', block.proto.body)
            if label and not label.group(1).startswith("Corrections"):
                tables[label.group(1)] = [row["ID"] for row in table_rows(block.proto.body)]
        return tables

    assert shown_tables(run_app()) == {}
    query = {
        panel: "true" for panel in (links.NATIONAL_TABLE, links.ALMATY_TABLE, links.CASUALTY_TABLE, links.FORCE_TABLE)
    }
    app = run_app({**query, "actor": "Kazakh government", "dates": ["2022-01-04", "2022-01-12"]})
    assert not app.exception and not app.warning
    selection = SELECTIONS["government, 4-12 January"]
    expected = {
        loader.national_event_table: "Events drawn on the map of Kazakhstan",
        loader.leg_table: "CSTO contingent legs drawn on the map of Kazakhstan",
        loader.almaty_event_table: "Events drawn on the map of Almaty",
        loader.casualty_table: "The casualty, detention and crowd figures drawn in the chart",
        loader.force_table: "The force-size claims drawn in the chart",
    }
    tables = shown_tables(app)
    assert len(tables) >= 4, tables.keys()
    for table, label in expected.items():
        rows = list(table(PATH, selection)["ID"])
        assert tables.get(label) == rows or (not rows and label not in tables), label
    share = next(field.value for field in app.text_input if field.label == "Link to this view")
    assert all(f"{panel}=true" in share for panel in query)
