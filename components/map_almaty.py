"""The Almaty map: district outlines and the sites where events happened."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pydeck as pdk

from components import maps
from components.dataset import Dataset

CITY = "almaty"
VIEW = {"longitude": 76.93, "latitude": 43.275, "zoom": 10.4}
GEOMETRY_DECIMALS = 4


def in_almaty(events: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Events at Almaty itself or at a site filed within it."""
    places = dataset["places"]
    city_places = set(places.loc[places["within_place_id"] == CITY, "place_id"]) | {CITY}
    return events[events["place_id"].isin(city_places)]


def district_labels(dataset: Dataset) -> pd.DataFrame:
    """A label point per district: the mean of its outer ring's vertices (inside for these compact shapes)."""
    rows = []
    for feature in dataset.boundaries["almaty_districts"]["features"]:
        geometry = feature["geometry"]
        ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
        rows.append(
            {
                "label": feature["properties"]["name_en"].removesuffix(" District"),
                "longitude": sum(point[0] for point in ring) / len(ring),
                "latitude": sum(point[1] for point in ring) / len(ring),
            }
        )
    return pd.DataFrame(rows)


def base_layers(dataset: Dataset, static_dir: Path | None = None) -> tuple[str, ...]:
    """District boundaries and names, serialized: the same for every selection. Given `static_dir`, the
    boundaries' geometry is published there (maps.boundary_layers)."""
    districts = maps.rounded_geojson(dataset.boundaries["almaty_districts"], GEOMETRY_DECIMALS)
    return maps.serialized(
        [
            *maps.boundary_layers(
                "almaty-districts",
                districts,
                [120, 120, 120, 200],
                fill_rgba=[230, 159, 0, 12],
                static_dir=static_dir,
            ),
            pdk.Layer(
                "TextLayer",
                id="district-names",
                data=district_labels(dataset),
                get_position=["longitude", "latitude"],
                get_text="label",
                get_size=12,
                size_units=maps.PIXELS,
                font_family=maps.FONT_FAMILY,
                get_color=[110, 110, 110, 220],
                pickable=False,
            ),
        ]
    )


def almaty_deck(base: tuple[str, ...], points: pd.DataFrame) -> maps.DeckSpec:
    return maps.DeckSpec(base, maps.point_layers(points, "sites", base_radius=7), **VIEW)
