"""What the two maps share: boundary layers, events gathered by place, tooltips.

Maps draw without basemap tiles (`map_provider=None`): the boundary layers carry the geography,
so nothing is fetched from a tile server and the maps work offline.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components.data.citations import cite
from components.data.dataset import Dataset
from components.page import static_files
from components.views import palette

TOOLTIP_LINES = 6
# Plain text: data never reaches the tooltip as HTML. deck.gl places its tooltip at the pointer, inside the map's
# box, which clips it ("Nur-Sultan: 6 eve" on a phone); its style cannot depend on where the pointer is. So the
# tooltip is a card fixed to a corner of the window instead (`position: fixed` takes it out of the map's clipping
# box): always inside the viewport, at any width, wherever the map has been dragged.
TOOLTIP_CARD = {
    "position": "fixed",
    "transform": "none",
    "top": "auto",
    "bottom": "16px",
    "boxSizing": "border-box",
    "maxWidth": "min(26rem, calc(100vw - 32px))",
    "maxHeight": "calc(100vh - 96px)",
    "overflow": "hidden",
    "whiteSpace": "normal",
    "overflowWrap": "anywhere",
    "fontFamily": "Source Sans Pro, Helvetica, Arial, sans-serif",
    "fontSize": "13px",
    "lineHeight": "1.35",
    "padding": "8px 10px",
    "borderRadius": "6px",
    "color": "#f0f2f6",
    "backgroundColor": "rgba(38, 39, 48, 0.94)",
    "boxShadow": "0 2px 8px rgba(0, 0, 0, 0.35)",
    "zIndex": "1000",
}
# On a desktop each map's card sits on the side away from it (the national map, on the left, shows its card at
# the right), so it covers the other map rather than the one being read; on a phone it spans the screen.
TOOLTIP_SIDES = {
    "left": {"left": "16px", "right": "auto"},
    "right": {"left": "auto", "right": "16px"},
    "across": {"left": "16px", "right": "16px", "maxWidth": "none"},
}


def tooltip(side: str) -> dict:
    """The maps' tooltip: the hovered object's `tooltip` text on a card at the window's bottom `side`."""
    return {"text": "{tooltip}", "style": {**TOOLTIP_CARD, **TOOLTIP_SIDES[side]}}


# Literals: pydeck reads bare strings as accessor expressions.
PIXELS = pdk.types.String("pixels")
FONT_FAMILY = pdk.types.String("Source Sans Pro, Helvetica, Arial, sans-serif")


def pixel_degrees(zoom: float) -> float:
    """Degrees of longitude one screen pixel spans at a map zoom (deck.gl's world is 512 pixels wide at zoom 0)."""
    return 360 / (512 * 2**zoom)


def screen_point(longitude: float, latitude: float, zoom: float) -> tuple[float, float]:
    """Where a coordinate lands in deck.gl's Web Mercator world at `zoom`, in pixels: x east, y south."""
    x, y = mercator([longitude, latitude])
    scale = 1 / pixel_degrees(zoom)
    return x * scale, -y * scale


MINIMUM_SPAN = 0.02  # degrees of longitude a fitted view shows at least (about 2 km): a single point has no size


def fit_view(
    bounds: tuple[float, float, float, float], width: float, height: float, padding: float = 0
) -> dict[str, float]:
    """The view (centre and zoom) that shows `bounds` (west, south, east, north) as large as a `width` x `height`
    map allows with `padding` pixels on every side. Zoom is rounded down to a hundredth."""
    west, south, east, north = bounds
    (x1, y1), (x2, y2) = mercator([west, south]), mercator([east, north])
    span = max(x2 - x1, (y2 - y1) * (width - 2 * padding) / (height - 2 * padding), MINIMUM_SPAN)
    degrees_per_pixel = span / (width - 2 * padding)
    zoom = math.floor(math.log2(360 / 512 / degrees_per_pixel) * 100) / 100
    centre_y = math.radians((y1 + y2) / 2)
    latitude = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {"longitude": round(float(west + east) / 2, 4), "latitude": round(float(latitude), 4), "zoom": zoom}


def frame_bounds(view: dict[str, float], width: float, height: float) -> tuple[float, float, float, float]:
    """The (west, south, east, north) a `width` x `height` map shows around `view`."""
    x, y = screen_point(view["longitude"], view["latitude"], view["zoom"])
    degrees = pixel_degrees(view["zoom"])

    def latitude(screen_y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(math.radians(-screen_y * degrees))) - math.pi / 2)

    west, east = (x - width / 2) * degrees, (x + width / 2) * degrees
    return west, latitude(y + height / 2), east, latitude(y - height / 2)


def mercator(point: list) -> tuple[float, float]:
    """Web Mercator with both axes in degrees of longitude, so distances are proportional to screen pixels."""
    lon, lat = point[0], point[1]
    return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def simplified_ring(points: list, tolerance: float) -> list:
    """The vertices of a closed ring that Douglas–Peucker keeps: every vertex dropped lies within `tolerance` (in
    degrees of longitude, measured on the Web Mercator map, so a fixed number of pixels at a given zoom at any
    latitude) of the line between the kept vertices either side of it."""
    projected = [mercator(point) for point in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        (x1, y1), (x2, y2) = projected[first], projected[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = projected[index]
            offset = abs(dy * (x - x1) - dx * (y - y1)) / length if length else math.hypot(x - x1, y - y1)
            if offset > distance:
                farthest, distance = index, offset
        if farthest is not None:
            keep[farthest] = True
            spans += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def rounded_geojson(layer: dict, decimals: int, tolerance: float = 0.0) -> dict:
    """A lighter copy of a FeatureCollection for drawing: rings simplified to within `tolerance` degrees
    (simplified_ring; pass pixel_degrees(zoom) for one pixel at that zoom), coordinates rounded to `decimals`.
    Rings that collapse are left out, and so are the features' properties: outlines are not pickable, so the
    browser never reads them."""

    def ring(points: list) -> list:
        out: list = []
        for lon, lat, *_ in simplified_ring(points, tolerance)[:-1] if tolerance else points[:-1]:
            point = [round(lon, decimals), round(lat, decimals)]
            if not out or point != out[-1]:
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
        {"type": "Feature", "properties": {}, "geometry": geometry(feature["geometry"])}
        for feature in layer["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def ring_segments(geojson: dict, bounds: tuple[float, float, float, float] | None = None) -> list[dict]:
    """Every edge of every ring of a FeatureCollection's (Multi)Polygons, as {"s": start, "t": end}; given
    `bounds` (west, south, east, north), only the edges with an end inside them."""

    def inside(point: list) -> bool:
        return bounds is None or (bounds[0] <= point[0] <= bounds[2] and bounds[1] <= point[1] <= bounds[3])

    return [
        {"s": start, "t": end}
        for feature in geojson["features"]
        for polygon in feature["geometry"]["coordinates"]
        for ring in polygon
        for start, end in zip(ring, ring[1:], strict=False)
        if inside(start) or inside(end)
    ]


def boundary_layers(
    layer_id: str,
    geojson: dict,
    line_rgba: list[int],
    fill_rgba: list[int] | None = None,
    width_pixels: float = 1,
    static_dir: Path | None = None,
    outline_bounds: tuple[float, float, float, float] | None = None,
) -> list[pdk.Layer]:
    """A boundary: its fill (layer `<id>-fill`, if it has one), then its outline (layer `<id>`).

    The outline is a LineLayer of the rings' edges, not the GeoJsonLayer's own PathLayer: where the browser
    draws WebGL without a GPU (software rendering), it waits for each map frame, and with the PathLayer's
    outlines that wait was about 170 ms per filter change for the two maps; with these lines it is about 70 ms,
    with no visible difference at one or two pixels wide. Given
    `static_dir`, both layers' data are published there (components/page/static_files.py) and the layers name their
    URLs: the maps' spec, sent on every run, then carries no geometry, and the browser fetches it once. Given
    `outline_bounds`, the outline keeps only the edges that reach into them (ring_segments).
    """

    def data(stem: str, value: object) -> object:
        if static_dir is None:
            return value
        text = json.dumps(value, separators=(",", ":"))
        name = static_files.content_name(f"{layer_id}-{stem}", text, ".json")
        return static_files.publish(static_dir, name, lambda: text) or value

    layers = []
    if fill_rgba is not None:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                id=f"{layer_id}-fill",
                data=data("fill", geojson),
                stroked=False,
                filled=True,
                get_fill_color=fill_rgba,
                pickable=False,
            )
        )
    layers.append(
        pdk.Layer(
            "LineLayer",
            id=layer_id,
            data=data("outline", ring_segments(geojson, outline_bounds)),
            get_source_position="s",
            get_target_position="t",
            get_color=line_rgba,
            get_width=width_pixels,
            width_units=PIXELS,
            pickable=False,
        )
    )
    return layers


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


def gathered_in_cities(positions: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """place_positions with every site inside a city moved to the city's point, as the national map shows them:
    at its scale a city's sites are a few pixels apart and would cover one another."""
    within = dataset["places"].set_index("place_id")["within_place_id"]
    by_id = positions.set_index("place_id")
    rows = []
    for row in positions.to_dict("records"):
        city = within.get(row["place_id"])
        if pd.notna(city) and city in by_id.index:
            row = {
                **row,
                "point_name": by_id.loc[city, "name"],
                "longitude": by_id.loc[city, "longitude"],
                "latitude": by_id.loc[city, "latitude"],
                "located_at": "city",
            }
        rows.append(row)
    return pd.DataFrame(rows, columns=positions.columns)


# Every event circle has one colour: what a circle says is where events happened, how many deaths were reported
# there (its size) or that none were (a ring). Actor groups colour the contingents' arcs, not the places.
EVENT_COLOUR = "#D55E00"  # Okabe-Ito vermillion: apart from the arcs' blues, legible on light and dark
POINT_COLUMNS = ["place_id", "name", "longitude", "latitude", "events", "deaths_known", "group_id", "colour", "tooltip"]


def point_radius(deaths_known: float | None, base_radius: float) -> float:
    """A circle's radius in pixels: the base for a ring (no death figure), growing with the square root of the
    deaths reported, so that area follows the number."""
    return base_radius if deaths_known is None or pd.isna(deaths_known) else base_radius + 2.5 * deaths_known**0.5


def dot_layer(layer_id: str, places: pd.DataFrame, radius: float) -> pdk.Layer:
    """Small grey dots at places that are marked but not picked: where a label points when no event is there."""
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=places[["longitude", "latitude"]].to_dict("records"),
        get_position=["longitude", "latitude"],
        get_radius=radius,
        radius_units=PIXELS,
        get_fill_color=[140, 140, 150, 220],
        pickable=False,
    )


def events_by_place(
    events: pd.DataFrame, positions: pd.DataFrame, citation_lookup: dict[str, str], day: date | None = None
) -> pd.DataFrame:
    """One row per mapped point: the events there, their reported deaths, colour and tooltip. With a `day` (the
    record as it stood at its end), a point with an event that day stands out and the others recede.

    `events` must carry `group_id` (see filters.filter_events); `positions` comes from place_positions. Events
    at places without any coordinate (regions, the whole country) are not mapped; the caller reports how many.
    Sites without their own coordinate share their city's point, so events are gathered by point, not place.
    """
    where = {row["place_id"]: row for row in positions.to_dict("records")}
    at_points: dict[tuple[float, float], list[tuple[dict, dict]]] = {}
    for event in events.sort_values(["date", "event_id"]).to_dict("records"):
        place = where.get(event["place_id"])
        if place is not None:
            at_points.setdefault((place["longitude"], place["latitude"]), []).append((event, place))
    rows = []
    for (longitude, latitude), items in at_points.items():
        name = items[0][1]["point_name"]
        known = [int(event["deaths_reported"]) for event, _ in items if not pd.isna(event["deaths_reported"])]
        group_counts: dict[str, int] = {}
        for event, _ in items:
            group_counts[event["group_id"]] = group_counts.get(event["group_id"], 0) + 1
        main_group = max(group_counts, key=group_counts.get)  # the first of equals, in date order
        lines = [
            f"{event['date']:%-d %b %Y}: {event['title']}"
            + (f" ({place['name']})" if place["located_at"] == "city" else "")
            for event, place in items
        ]
        if len(lines) > TOOLTIP_LINES:
            lines = lines[:TOOLTIP_LINES] + [f"… and {len(lines) - TOOLTIP_LINES} more"]
        source_ids = list(dict.fromkeys(source for event, _ in items for source in event["source_ids"]))
        deaths = f"Deaths reported: {sum(known)}" if known else "Deaths reported: unknown"
        rows.append(
            {
                "place_id": items[0][1]["place_id"],
                "name": name,
                "longitude": float(longitude),
                "latitude": float(latitude),
                "events": len(items),
                "deaths_known": sum(known) if known else None,
                "group_id": main_group,
                "colour": palette.rgba(EVENT_COLOUR, point_alpha(items, day)),
                "tooltip": "\n".join(
                    [f"{name}: {len(items)} event(s)", *lines, deaths, "Sources: " + cite(source_ids, citation_lookup)]
                ),
            }
        )
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def point_alpha(items: list[tuple[dict, dict]], day: date | None) -> int:
    """Full strength for a point with an event on the day shown (or for every point, with no day); faint for a
    point whose events are all earlier."""
    if day is None or any(event["date"].date() == day for event, _ in items):
        return 220
    return RECEDED_ALPHA


RECEDED_ALPHA = 70
POINT_LAYER_COLUMNS = ["longitude", "latitude", "colour", "tooltip"]  # what the browser draws; nothing more is sent


def point_layers(points: pd.DataFrame, layer_prefix: str, base_radius: float) -> list[pdk.Layer]:
    """Filled circles sized by reported deaths; rings where no death figure is known (unknown is not zero)."""
    known = points[points["deaths_known"].notna()]
    unknown = points[points["deaths_known"].isna()]
    sized = known[POINT_LAYER_COLUMNS].assign(
        radius=[point_radius(float(deaths), base_radius) for deaths in known["deaths_known"]]
    )
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
            data=unknown[POINT_LAYER_COLUMNS].to_dict("records"),
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
            data=sized.to_dict("records"),
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


def compact_json(value: object) -> str:
    """pydeck's own serialization, without the indentation it adds by default (six times the bytes)."""
    return json.dumps(value, sort_keys=True, default=default_serialize, separators=(",", ":"))


def serialized(layers: list[pdk.Layer]) -> tuple[str, ...]:
    """Layers as JSON, once: the boundary layers are most of a map's bytes and the same for every reader."""
    return tuple(compact_json(layer) for layer in layers)


# The wheel scrolls the page, not the map: a reader scrolling past would otherwise be caught by it. Drag, pinch,
# double-click and the keyboard still move and zoom the map; it never zooms out past its first view, which frames
# what it shows and keeps the labels apart (components/views/map_labels.py).
CONTROLLER = {"scrollZoom": False, "dragRotate": False, "touchRotate": False}
MAX_ZOOM_IN = 4  # zoom levels a reader can go in from the first view


@functools.cache
def _view_spec(longitude: float, latitude: float, zoom: float, tooltip_side: str) -> tuple[str, str]:
    """A deck's JSON around its layer list, split there: pydeck's own spec for the view, built once per view
    (building a pdk.Deck costs milliseconds, on every run)."""
    view = pdk.ViewState(
        longitude=longitude,
        latitude=latitude,
        zoom=zoom,
        min_zoom=zoom,
        max_zoom=zoom + MAX_ZOOM_IN,
        pitch=0,
        bearing=0,
    )
    deck = pdk.Deck(
        layers=[],
        views=[pdk.View(type="MapView", controller=CONTROLLER)],
        initial_view_state=view,
        map_provider=None,
        tooltip=tooltip(tooltip_side),
    )
    spec = compact_json(deck)
    before, marker, after = spec.partition('"layers":[]')
    if not marker:
        raise ValueError(f"pydeck's spec has no empty layer list to fill: {spec[:200]}")
    return before + '"layers":[', "]" + after


@dataclass
class DeckSpec:
    """What st.pydeck_chart reads from a pydeck Deck (its JSON and tooltip), with the fixed layers serialized
    once per process and only the selection's layers on each run. `overlay_layers` are fixed layers drawn over
    the selection's (labels)."""

    fixed_layers: tuple[str, ...]
    layers: list[pdk.Layer]
    longitude: float
    latitude: float
    zoom: float
    overlay_layers: tuple[str, ...] = ()
    tooltip_side: str = "left"
    mapbox_key: None = None
    deck_widget: None = None
    width: None = None

    _json: str | None = field(default=None, repr=False, compare=False)

    @property
    def _tooltip(self) -> dict:
        return tooltip(self.tooltip_side)

    def to_json(self) -> str:
        """Serialized once: a deck is built once per selection (components/page/loader.py) and drawn on every run."""
        if self._json is None:
            head, tail = _view_spec(self.longitude, self.latitude, self.zoom, self.tooltip_side)
            selection = [compact_json(layer) for layer in self.layers]
            self._json = head + ",".join([*self.fixed_layers, *selection, *self.overlay_layers]) + tail
        return self._json
