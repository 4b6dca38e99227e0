"""The maps' pure parts on the real dataset: frames, labels, legs, layers, the key and the neighbours' layer."""

from __future__ import annotations

import itertools
import json
import math

import pandas as pd
import pytest

from components.data import citations, filters, geo, topojson
from components.data.dataset import Dataset
from components.views import legend, map_almaty, map_kazakhstan, map_labels, maps

ALL = filters.Selection()
PAGE_WIDTHS = {"national": (730, 343), "almaty": (484, 343)}  # measured at 1400 px and on a 375 px phone


@pytest.fixture(scope="module")
def lookup(dataset: Dataset) -> dict[str, str]:
    return citations.citations(dataset)


@pytest.fixture(scope="module")
def national(dataset: Dataset, lookup) -> dict:
    positions = maps.place_positions(dataset)
    gathered = maps.gathered_in_cities(positions, dataset)
    arcs, _ = map_kazakhstan.arcs(dataset["contingent_movements"], positions, dataset, lookup)
    points = maps.events_by_place(filters.filter_events(dataset, ALL), gathered, lookup)
    return {"arcs": arcs, "points": points, "marked": map_kazakhstan.places_to_name(points, arcs, gathered)}


@pytest.fixture(scope="module")
def almaty(dataset: Dataset, lookup) -> dict:
    positions = maps.place_positions(dataset)
    points = maps.events_by_place(map_almaty.in_almaty(filters.filter_events(dataset, ALL), dataset), positions, lookup)
    return {"sites": map_almaty.mapped_sites(dataset, positions), "points": points}


def bounds_of(geometry: dict) -> tuple[float, float, float, float]:
    points = [point for polygon in geo.polygons_of(geometry) for ring in polygon for point in ring]
    return (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )


# --- frames ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("narrow", [False, True])
def test_kazakhstan_fills_the_national_frame_at_both_widths(dataset: Dataset, narrow: bool) -> None:
    width, height = map_kazakhstan.NARROW if narrow else map_kazakhstan.WIDE
    assert width <= PAGE_WIDTHS["national"][narrow], "fitted to no more than the page gives the map"
    assert height == map_kazakhstan.height(narrow)
    west, south, east, north = maps.frame_bounds(map_kazakhstan.view(narrow), width, height)
    kz_west, kz_south, kz_east, kz_north = bounds_of(dataset.boundaries["kazakhstan"]["features"][0]["geometry"])
    assert west < kz_west and kz_east < east and south < kz_south and kz_north < north, "all of Kazakhstan in frame"
    assert (kz_east - kz_west) / (east - west) > 0.93, "and it fills the frame's width"
    hisor = dataset["places"].set_index("place_id").loc["hisor"]
    assert south < hisor["latitude"], "the Tajik contingent's origin is in frame too"


def test_the_almaty_frame_holds_every_mapped_site_and_only_sourced_ones(dataset: Dataset, almaty) -> None:
    sites = almaty["sites"]
    places = dataset["places"].set_index("place_id")
    in_city = places[(places["within_place_id"] == "almaty") & places["latitude"].notna()].index
    assert set(sites["place_id"]) == {*in_city, "almaty"}, "every site with a sourced coordinate, none without"
    assert sites["place_id"].iloc[0] == "almaty-airport", "the airport first"
    for row in sites.itertuples():
        assert (row.longitude, row.latitude) == (
            places.loc[row.place_id, "longitude"],
            places.loc[row.place_id, "latitude"],
        )
    view = map_almaty.view(sites)
    frame = map_labels.frame_box(view, *map_almaty.FRAME)
    for row in sites.itertuples():
        x, y = maps.screen_point(row.longitude, row.latitude, view["zoom"])
        inside = min(x - frame[0], frame[2] - x, y - frame[1], frame[3] - y)
        assert inside >= map_almaty.PADDING - 1, f"{row.label} is {inside:.0f} px from the frame's edge"
    assert map_almaty.FRAME[0] <= min(PAGE_WIDTHS["almaty"])


# --- labels ----------------------------------------------------------------------------------------------


def assert_apart(placed: pd.DataFrame, frame: map_labels.Box, markers: list[tuple[float, float, float]], zoom: float):
    boxes = list(placed["box"])
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert not map_labels.overlaps(a, b), f"{placed['text'].iloc[i]!r} overlaps {placed['text'].iloc[j]!r}"
    for text, box in zip(placed["text"], boxes, strict=True):
        assert frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3], text
        for lon, lat, radius in markers:
            x, y = maps.screen_point(lon, lat, zoom)
            assert not map_labels.touches_circle(box, x, y, radius), f"{text!r} covers a marker"


@pytest.mark.parametrize("narrow", [False, True])
def test_national_labels_are_apart_inside_the_frame_and_name_the_places(dataset: Dataset, national, narrow) -> None:
    marked = national["marked"]
    placed = map_kazakhstan.placed_labels(dataset, marked, narrow, list(national["arcs"]["path"]))
    view = map_kazakhstan.view(narrow)
    frame = map_labels.frame_box(view, *(map_kazakhstan.NARROW if narrow else map_kazakhstan.WIDE))
    markers = list(zip(marked["longitude"], marked["latitude"], marked["radius"], strict=True))
    assert_apart(placed, frame, markers, view["zoom"])
    named = {line for text in placed["text"] for line in text.split("\n")}
    countries = {name.upper() for _, name in map_kazakhstan.country_names(dataset).values()}
    assert "KAZAKHSTAN" in named and "CHINA" in named and len(named & countries) >= 4, named & countries
    event_places = set(marked.loc[marked["events"] > 0, "name"])
    assert {"Almaty", "Nur-Sultan", "Zhanaozen", "Aktau"} <= named
    assert event_places <= named, f"unnamed: {event_places - named}"


def test_every_almaty_site_is_named_and_no_district_name_is_cut(dataset: Dataset, almaty) -> None:
    sites = almaty["sites"]
    placed = map_almaty.placed_labels(dataset, sites, almaty["points"])
    view = map_almaty.view(sites)
    frame = map_labels.frame_box(view, *map_almaty.FRAME)
    radius = {
        (p.longitude, p.latitude): maps.point_radius(p.deaths_known, map_almaty.BASE_RADIUS)
        for p in almaty["points"].itertuples()
    }
    markers = [
        (lon, lat, radius.get((lon, lat), map_almaty.SITE_RADIUS))
        for lon, lat in zip(sites["longitude"], sites["latitude"], strict=True)
    ]
    assert_apart(placed, frame, markers, view["zoom"])
    site_lines = [line for text in placed.loc[placed["kind"] == "place", "text"] for line in text.split("\n")]
    assert sorted(site_lines) == sorted(sites["label"]), "each site named once"
    assert placed["text"].iloc[0] == "Airport"
    assert (placed["kind"] == "district").sum() >= 6, "most districts named where their names fit"


def test_a_label_moves_off_a_taken_spot_and_is_left_out_where_none_is_free() -> None:
    zoom = 5
    first = map_labels.Label("Alpha", 12, map_labels.around(70, 45, 5))
    second = map_labels.Label("Alpha", 12, map_labels.around(70, 45, 5))
    third = map_labels.Label("Gamma", 12, map_labels.around(70, 45, 5)[:2])
    placed = map_labels.place([first, second, third], [(70, 45, 5)], zoom)
    assert list(placed["text"]) == ["Alpha", "Alpha"], "the third has only the two spots taken"
    assert list(placed["anchor"]) == ["start", "end"], "the second took the next spot: left of the marker"
    frame = map_labels.frame_box({"longitude": 70, "latitude": 45, "zoom": zoom}, 60, 60)
    assert map_labels.place(
        [map_labels.Label("Far too long to fit", 12, (map_labels.Spot(70, 45),))], [], zoom, frame
    ).empty
    crossing = [[[69, 45], [71, 45]]]  # a line right through the marker, east to west
    moved = map_labels.place([map_labels.Label("Beta", 12, map_labels.around(70, 45, 5))], [], zoom, None, crossing)
    assert moved["baseline"].iloc[0] == "bottom", "it leaves the spots the line crosses for the one above"


def test_markers_that_touch_share_one_label() -> None:
    groups = map_labels.clusters([(70, 45, 5), (70.01, 45, 5), (75, 45, 5)], zoom=5)
    assert groups == [[0, 1], [2]]


# --- legs ------------------------------------------------------------------------------------------------


def side(path: list[list[float]], source: list[float], target: list[float]) -> float:
    """Positive where the path's middle lies left of the straight line from source to target (on the map)."""
    (x0, y0), (x1, y1) = maps.mercator(source), maps.mercator(target)
    mx, my = maps.mercator(path[len(path) // 2])
    return (x1 - x0) * (my - y0) - (y1 - y0) * (mx - x0)


def test_withdrawals_run_apart_from_deployments_and_no_leg_hides_another(national) -> None:
    arcs = national["arcs"].set_index("movement_id")
    zoom = map_kazakhstan.VIEW["zoom"]
    for row in arcs.itertuples():
        assert side(row.path, row.source, row.target) > 0, f"{row.Index} bends to the left of its travel"
        start, end = (maps.screen_point(*point, zoom) for point in (row.path[0], row.path[-1]))
        source, target = (maps.screen_point(*point, zoom) for point in (row.source, row.target))
        assert (
            math.dist(start, source) >= map_kazakhstan.END_GAP - 0.5
            and math.dist(end, target) >= map_kazakhstan.END_GAP - 0.5
        )
    # Russia's six legs: three deployments and three withdrawals, two of them between the same two airfields.
    russian = arcs[arcs["contributor"] == "RUS"]
    assert sorted(russian["direction"]) == ["deployment"] * 3 + ["withdrawal"] * 3
    middles = [tuple(path[len(path) // 2]) for path in russian["path"]]
    assert len(set(middles)) == 6, "six legs, six different courses"
    assert (
        arcs.loc["M08", "source"] == arcs.loc["M10", "source"]
        and arcs.loc["M08", "target"] == arcs.loc["M10", "target"]
    )
    # A withdrawal runs on the other side of the line from the deployment it reverses.
    kyrgyz_in, kyrgyz_out = arcs.loc["M06"], arcs.loc["M12"]
    assert (
        side(kyrgyz_out["path"], kyrgyz_in["source"], kyrgyz_in["target"])
        < 0
        < side(kyrgyz_in["path"], kyrgyz_in["source"], kyrgyz_in["target"])
    )


def test_legs_to_a_citys_sites_end_at_the_citys_circle(dataset: Dataset, national) -> None:
    arcs = national["arcs"].set_index("movement_id")
    almaty = dataset["places"].set_index("place_id").loc["almaty"]
    assert arcs.loc["M01", "target_id"] == "almaty-airport"
    assert arcs.loc["M01", "target"] == [almaty["longitude"], almaty["latitude"]]
    assert "Almaty International Airport" in arcs.loc["M01", "tooltip"], "the tooltip still names the airport"


# --- decks -----------------------------------------------------------------------------------------------


def test_maps_let_the_page_scroll_and_keep_their_tooltip_in_the_window(dataset: Dataset, national) -> None:
    for narrow in (False, True):
        deck = map_kazakhstan.kazakhstan_deck(
            map_kazakhstan.base_layers(dataset), national["points"], national["arcs"], narrow
        )
        spec = json.loads(deck.to_json())
        assert spec["views"] == [{"@@type": "MapView", "controller": maps.CONTROLLER}]
        assert maps.CONTROLLER["scrollZoom"] is False
        view = spec["initialViewState"]
        assert view["minZoom"] == view["zoom"] < view["maxZoom"], "no zooming out past the frame, zooming in allowed"
        style = deck._tooltip["style"]
        assert style["position"] == "fixed" and style["transform"] == "none" and style["bottom"] == "16px"
        if narrow:
            assert style["left"] == style["right"] == "16px"
        else:
            assert "100vw" in style["maxWidth"] and style["right"] == "16px", "away from the national map, on the left"


def test_every_event_circle_has_one_colour_and_the_key_says_what_it_means(national) -> None:
    assert {tuple(colour) for colour in national["points"]["colour"]} == {tuple(maps.palette.rgba(maps.EVENT_COLOUR))}
    html = legend.map_key(
        [("russia-csto", "Russia & <CSTO>", "deployment"), ("russia-csto", "Russia & <CSTO>", "withdrawal")]
    )
    assert "the more deaths reported" in html and "no death figure reported" in html
    assert "Russia &amp; &lt;CSTO&gt;: withdrawal" in html and "<CSTO>" not in html
    assert html.count("4px dashed") == 1 and html.count("4px solid") == 1


# --- the neighbours' layer -------------------------------------------------------------------------------


def test_topojson_arcs_are_decoded_joined_and_reversed() -> None:
    # Two unit squares sharing the edge x=1, quantized on a 0.5-degree grid from (10, 20), delta-encoded.
    topology = {
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [[[2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2], [2, 0]], [[2, 0], [2, 0], [0, 2], [-2, 0]]],
        "objects": {
            "countries": {
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "001"},
                    {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "id": "002"},
                ]
            }
        },
    }
    layer = topojson.countries(topology, {"001": ("AAA", "West"), "002": ("BBB", "East")})
    west, east = (feature["geometry"]["coordinates"][0][0] for feature in layer["features"])
    assert west == [[11, 20], [11, 21], [10, 21], [10, 20], [11, 20]]
    assert east == [[11, 20], [12, 20], [12, 21], [11, 21], [11, 20]], "the shared arc, reversed, closes it"


def test_the_neighbours_layer_is_the_countries_around_kazakhstan_and_credited(dataset: Dataset) -> None:
    features = dataset.boundaries["neighbours"]["features"]
    codes = {feature["properties"]["iso_a3"] for feature in features}
    assert {"CHN", "UZB", "TKM", "MNG", "AFG", "IRN", "AZE", "GEO"} <= codes
    assert not codes & {"KAZ", "RUS", "BLR", "ARM", "KGZ", "TJK", "UKR"}, "drawn by other layers, or left out"
    shapes = {feature["properties"]["iso_a3"]: feature["geometry"] for feature in features}
    assert geo.contains(shapes["CHN"], 87.6, 43.8) and geo.contains(shapes["UZB"], 69.24, 41.3)  # Urumqi, Tashkent
    entry = next(layer for layer in dataset.descriptor["x-boundaries"] if layer["name"] == "neighbours")
    assert entry["attribution"] == "Natural Earth" and entry["license"] == "Public domain"


def test_context_outlines_keep_every_edge_the_first_views_show(dataset: Dataset) -> None:
    west, south, east, north = map_kazakhstan.CONTEXT_BOUNDS
    for narrow in (False, True):
        frame = maps.frame_bounds(
            map_kazakhstan.view(narrow), *(map_kazakhstan.NARROW if narrow else map_kazakhstan.WIDE)
        )
        assert west < frame[0] and south < frame[1] and frame[2] < east and frame[3] < north
    layer = maps.rounded_geojson(dataset.boundaries["csto_countries"], 1)
    kept = maps.ring_segments(layer, map_kazakhstan.CONTEXT_BOUNDS)
    every = maps.ring_segments(layer)
    assert len(kept) < len(every) / 3, "Russia's far east and Arctic coast are left out"
    inside = [
        edge for edge in every if any(west <= p[0] <= east and south <= p[1] <= north for p in (edge["s"], edge["t"]))
    ]
    assert kept == inside
