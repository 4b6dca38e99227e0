"""The Almaty map: district outlines, every mapped site named, and the selection's events at them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from components.data.dataset import Dataset
from components.views import map_labels, maps

CITY = "almaty"
GEOMETRY_DECIMALS = 4
# The frame fits every mapped site, with room beside them for their names, on a map a little narrower than the
# page gives at 1400 px (484 px) and on a phone (343 px); it is as tall as the national map beside it.
FRAME = (335, 440)  # width, height: map_kazakhstan.HEIGHT
PADDING = 34
BASE_RADIUS = 7
SITE_RADIUS = 3  # a site's dot, drawn whatever the selection
# Labels name sites briefly; tooltips give the full name. The airport comes first: the seizure of 5 January and
# the CSTO landings happened there.
SHORT_NAMES = {
    "almaty-airport": "Airport",
    "almaty": "City centre",
    "almaty-akimat": "Akimat",
    "almaty-republic-square": "Republic Square",
    "almaty-presidential-residence": "Presidential residence",
    "almaty-astana-square": "Astana Square",
    "almaty-arena": "Almaty Arena",
    "almaty-chp-1": "CHP-1 power plant",
    "almaty-chp-2": "CHP-2 power plant",
    "almaty-first-president-park": "First President's Park",
}
FIRST = ("almaty-airport",)
LABEL_COLOURS = {"place": [122, 122, 136, 255], "district": [145, 145, 158, 220]}
SITE_SIZE, DISTRICT_SIZE = 12, 11


def in_almaty(events: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Events at Almaty itself or at a site filed within it."""
    places = dataset["places"]
    city_places = set(places.loc[places["within_place_id"] == CITY, "place_id"]) | {CITY}
    return events[events["place_id"].isin(city_places)]


def mapped_sites(dataset: Dataset, positions: pd.DataFrame) -> pd.DataFrame:
    """Every point the Almaty map can show: the city's centre (where sites without a coordinate of their own are
    drawn) and each site filed within the city that has one, the airport first. Columns: place_id, label,
    longitude, latitude."""
    places = dataset["places"].set_index("place_id")
    own = positions[positions["located_at"] == "site"]
    rows = [
        {
            "place_id": row["place_id"],
            "label": SHORT_NAMES.get(row["place_id"], row["name"].split(" (")[0].removesuffix(", Almaty")),
            "longitude": row["longitude"],
            "latitude": row["latitude"],
        }
        for row in own.to_dict("records")
        if row["place_id"] == CITY
        or places.loc[row["place_id"], "within_place_id"] is not pd.NA
        and places.loc[row["place_id"], "within_place_id"] == CITY
    ]
    rows.sort(key=lambda row: (row["place_id"] not in FIRST, row["place_id"] != CITY))  # stable otherwise
    return pd.DataFrame(rows, columns=["place_id", "label", "longitude", "latitude"])


def view(sites: pd.DataFrame) -> dict[str, float]:
    bounds = (sites["longitude"].min(), sites["latitude"].min(), sites["longitude"].max(), sites["latitude"].max())
    return maps.fit_view(bounds, *FRAME, PADDING)


def placed_labels(dataset: Dataset, sites: pd.DataFrame, all_points: pd.DataFrame) -> pd.DataFrame:
    """Every site's name (sites whose markers touch share one label, a line each), then the districts' names
    where they fit. Markers are as large as they are with nothing filtered out (`all_points`)."""
    frame_view = view(sites)
    zoom = frame_view["zoom"]
    frame = map_labels.frame_box(frame_view, *FRAME)
    radius = {
        (row["longitude"], row["latitude"]): maps.point_radius(row["deaths_known"], BASE_RADIUS)
        for row in all_points.to_dict("records")
    }
    markers = [
        (lon, lat, radius.get((lon, lat), SITE_RADIUS))
        for lon, lat in zip(sites["longitude"], sites["latitude"], strict=True)
    ]
    labels = []
    for group in map_labels.clusters(markers, zoom):
        members = sites.iloc[group]
        longitude, latitude = members["longitude"].mean(), members["latitude"].mean()
        centre = maps.screen_point(longitude, latitude, zoom)
        reach = max(
            ((x - centre[0]) ** 2 + (y - centre[1]) ** 2) ** 0.5 + markers[index][2]
            for index in group
            for x, y in [maps.screen_point(markers[index][0], markers[index][1], zoom)]
        )
        text = "\n".join(members["label"])
        labels.append(map_labels.Label(text, SITE_SIZE, map_labels.around(longitude, latitude, reach)))
    for feature in dataset.boundaries["almaty_districts"]["features"]:
        name = feature["properties"]["name_en"].removesuffix(" District")
        spots = map_labels.interior_spots(feature["geometry"], frame, zoom, steps=30)
        if spots:
            labels.append(map_labels.Label(name, DISTRICT_SIZE, spots, "district"))
    return map_labels.place(labels, markers, zoom, frame)


def base_layers(dataset: Dataset, static_dir: Path | None = None) -> tuple[str, ...]:
    """District boundaries, serialized: the same for every selection. Given `static_dir`, the boundaries'
    geometry is published there (maps.boundary_layers)."""
    districts = maps.rounded_geojson(dataset.boundaries["almaty_districts"], GEOMETRY_DECIMALS)
    return maps.serialized(
        maps.boundary_layers(
            "almaty-districts", districts, [120, 120, 120, 200], fill_rgba=[230, 159, 0, 12], static_dir=static_dir
        )
    )


def label_layers(
    dataset: Dataset, sites: pd.DataFrame, all_points: pd.DataFrame
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every site's dot (under the selection's circles) and the labels (over them), serialized."""
    dots = maps.dot_layer("sites", sites, SITE_RADIUS)
    names = map_labels.text_layer("site-names", placed_labels(dataset, sites, all_points), LABEL_COLOURS)
    return maps.serialized([dots]), maps.serialized([names])


def almaty_deck(
    base: tuple[str, ...],
    points: pd.DataFrame,
    frame_view: dict[str, float],
    labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    narrow: bool = False,
) -> maps.DeckSpec:
    dots, names = labels
    return maps.DeckSpec(
        (*base, *dots),
        maps.point_layers(points, "sites", base_radius=BASE_RADIUS),
        **frame_view,
        overlay_layers=names,
        tooltip_side="across" if narrow else "left",
    )
