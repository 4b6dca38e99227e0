"""What the two maps share: boundary layers, events gathered by place, tooltips.

Maps draw without basemap tiles (`map_provider=None`): the boundary layers carry the geography,
so nothing is fetched from a tile server and the maps work offline.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from components import palette
from components.citations import cite
from components.dataset import Dataset

TOOLTIP_LINES = 6
TOOLTIP = {"text": "{tooltip}"}  # plain text: data never reaches the tooltip as HTML
# Literals: pydeck reads bare strings as accessor expressions.
PIXELS = pdk.types.String("pixels")
FONT_FAMILY = pdk.types.String("Source Sans Pro, Helvetica, Arial, sans-serif")


def rounded_geojson(layer: dict, decimals: int, min_step: float = 0.0) -> dict:
    """A lighter copy of a FeatureCollection for drawing: coordinates rounded to `decimals`, and vertices closer
    than `min_step` degrees to the last one kept dropped (radial-distance simplification). Rings that collapse
    are left out."""

    def ring(points: list) -> list:
        out: list = []
        for lon, lat, *_ in points[:-1]:
            point = [round(lon, decimals), round(lat, decimals)]
            if not out or max(abs(point[0] - out[-1][0]), abs(point[1] - out[-1][1])) >= max(min_step, 10**-decimals):
                out.append(point)
        return [*out, out[0]] if len(out) >= 3 else []

    def geometry(shape: dict) -> dict:
        polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
        kept = []
        for outer, *holes in polygons:
            simplified = ring(outer)
            if simplified:  # a polygon whose outline collapses is too small to see
                kept.append([simplified, *(h for h in (ring(hole) for hole in holes) if h)])
        return {"type": "MultiPolygon", "coordinates": kept}

    features = [
        {"type": "Feature", "properties": feature.get("properties", {}), "geometry": geometry(feature["geometry"])}
        for feature in layer["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def outline_layer(
    layer_id: str, geojson: dict, line_rgba: list[int], fill_rgba: list[int] | None = None, width_pixels: float = 1
) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data=geojson,
        stroked=True,
        filled=fill_rgba is not None,
        get_fill_color=fill_rgba or [0, 0, 0, 0],
        get_line_color=line_rgba,
        line_width_units=PIXELS,
        get_line_width=width_pixels,
        pickable=False,
    )


def place_positions(dataset: Dataset) -> pd.DataFrame:
    """Every place's coordinate, falling back to its city's when the place itself has none.

    Columns: place_id, name, point_name (the city's name when its point stands in), longitude, latitude,
    located_at ("site", or "city" when the city's point stands in).
    """
    places = dataset["places"].set_index("place_id")
    rows = []
    for place_id, place in places.iterrows():
        located_at, point_name = "site", place["name"]
        if pd.isna(place["latitude"]) and pd.notna(place["within_place_id"]):
            parent = places.loc[place["within_place_id"]]
            lon, lat, located_at, point_name = parent["longitude"], parent["latitude"], "city", parent["name"]
        else:
            lon, lat = place["longitude"], place["latitude"]
        rows.append(
            {
                "place_id": place_id,
                "name": place["name"],
                "point_name": point_name,
                "longitude": lon,
                "latitude": lat,
                "located_at": located_at,
            }
        )
    positions = pd.DataFrame(rows)
    return positions[positions["latitude"].notna()].reset_index(drop=True)


def events_by_place(events: pd.DataFrame, dataset: Dataset, citation_lookup: dict[str, str]) -> pd.DataFrame:
    """One row per mapped point: the events there, their reported deaths, colour and tooltip.

    `events` must carry `group_id` (see filters.filter_events). Events at places without any
    coordinate (regions, the whole country) are not mapped; the caller reports how many.
    """
    positions = place_positions(dataset)
    located = events.merge(positions, on="place_id", how="inner")
    # Sites without their own coordinate share their city's point: gather by the point, not the place.
    located["point"] = located["longitude"].astype(str) + "," + located["latitude"].astype(str)
    rows = []
    for _, at_point in located.sort_values(["date", "event_id"]).groupby("point", sort=False):
        first = at_point.iloc[0]
        known_deaths = at_point["deaths_reported"].dropna()
        groups = at_point["group_id"].value_counts()
        lines = [
            f"{event['date']:%-d %b %Y}: {event['title']}"
            + (f" ({event['name']})" if event["located_at"] == "city" else "")
            for _, event in at_point.iterrows()
        ]
        if len(lines) > TOOLTIP_LINES:
            lines = lines[:TOOLTIP_LINES] + [f"… and {len(lines) - TOOLTIP_LINES} more"]
        source_ids = list(dict.fromkeys(source for ids in at_point["source_ids"] for source in ids))
        deaths = f"Deaths reported: {int(known_deaths.sum())}" if len(known_deaths) else "Deaths reported: unknown"
        name = first["point_name"]
        rows.append(
            {
                "place_id": first["place_id"],
                "name": name,
                "longitude": float(first["longitude"]),
                "latitude": float(first["latitude"]),
                "events": len(at_point),
                "deaths_known": int(known_deaths.sum()) if len(known_deaths) else None,
                "group_id": groups.index[0],
                "colour": palette.rgba(palette.colour(groups.index[0])),
                "tooltip": "\n".join(
                    [
                        f"{name}: {len(at_point)} event(s)",
                        *lines,
                        deaths,
                        "Sources: " + cite(source_ids, citation_lookup),
                    ]
                ),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "place_id",
            "name",
            "longitude",
            "latitude",
            "events",
            "deaths_known",
            "group_id",
            "colour",
            "tooltip",
        ],
    )


def point_layers(points: pd.DataFrame, layer_prefix: str, base_radius: float) -> list[pdk.Layer]:
    """Filled circles sized by reported deaths; rings where no death figure is known (unknown is not zero)."""
    known = points[points["deaths_known"].notna()].copy()
    unknown = points[points["deaths_known"].isna()].copy()
    known["radius"] = base_radius + 2.5 * known["deaths_known"].astype(float) ** 0.5
    common = {
        "get_position": ["longitude", "latitude"],
        "radius_units": PIXELS,
        "pickable": True,
        "auto_highlight": True,
    }
    return [
        pdk.Layer(
            "ScatterplotLayer",
            id=f"{layer_prefix}-unknown-deaths",
            data=unknown,
            stroked=True,
            filled=True,
            get_fill_color=[255, 255, 255, 160],
            get_line_color="colour",
            line_width_units=PIXELS,
            get_line_width=2.5,
            get_radius=base_radius,
            **common,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id=f"{layer_prefix}-known-deaths",
            data=known,
            stroked=True,
            filled=True,
            get_fill_color="colour",
            get_line_color=[255, 255, 255, 200],
            line_width_units=PIXELS,
            get_line_width=1,
            get_radius="radius",
            **common,
        ),
    ]


def deck(layers: list[pdk.Layer], longitude: float, latitude: float, zoom: float) -> pdk.Deck:
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=longitude, latitude=latitude, zoom=zoom, pitch=0, bearing=0),
        map_provider=None,
        tooltip=TOOLTIP,
    )
