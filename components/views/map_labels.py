"""Map labels that never overlap: each label takes the first of its candidate spots where its box stays inside
the frame and clear of every marker and every label placed before it; a label with no such spot is left out.

Placement is computed here rather than by deck.gl's CollisionFilterExtension, which Streamlit's deck.gl build
registers: the extension hides colliding labels by drawing a collision map each frame, a pass a browser without a
GPU pays for on every redraw (bench/README.md), and which labels win would be the browser's choice, not a tested
rule. Boxes are in deck.gl's world pixels at a fixed zoom; the maps do not zoom out past their first view, and
zooming in only moves labels apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pydeck as pdk

from components.data import geo
from components.views import maps

# Box estimates for the maps' font (Source Sans Pro, else Helvetica or Arial) in em: wide enough for Arial, the
# widest of the three, as the browser test measures.
CHARACTER_WIDTH = {"lower": 0.59, "upper": 0.74, "wide": 0.95, "other": 0.6}
WIDE_LETTERS = set("MWmw")
LINE_HEIGHT = 1.2
GAP = 3  # pixels between a marker's edge and its label
FURTHER = 6  # pixels further out for a label's second choice of spots
MARGIN = 2  # pixels a label keeps from the frame's edge

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in world pixels (y down)


@dataclass(frozen=True)
class Spot:
    """One place a label may go: its anchor coordinate, which side of the text sits there, and a pixel offset."""

    longitude: float
    latitude: float
    anchor: str = "middle"  # deck.gl's text anchor: start, middle or end
    baseline: str = "center"  # deck.gl's alignment baseline: top, center or bottom
    dx: float = 0
    dy: float = 0


@dataclass(frozen=True)
class Label:
    text: str  # lines separated by "\n"
    size: int  # pixels
    spots: tuple[Spot, ...]
    kind: str = "place"


def text_size(text: str, size: float) -> tuple[float, float]:
    """Estimated width and height in pixels of `text` at `size`, one line per "\n"."""
    lines = text.split("\n")

    def kind(character: str) -> str:
        if character in WIDE_LETTERS:
            return "wide"
        return "upper" if character.isupper() else "lower" if character.islower() else "other"

    def width(line: str) -> float:
        return sum(CHARACTER_WIDTH[kind(character)] for character in line) * size

    return max(width(line) for line in lines), len(lines) * size * LINE_HEIGHT


def around(longitude: float, latitude: float, radius: float) -> tuple[Spot, ...]:
    """Spots beside a round marker: right, left, above, below, the diagonals, then the same a little further
    out (a label there still reads as the marker's, with nothing between them)."""
    spots = []
    for reach in (radius + GAP, radius + GAP + FURTHER):
        slant = reach * 0.7
        spots += [
            Spot(longitude, latitude, "start", "center", reach, 0),
            Spot(longitude, latitude, "end", "center", -reach, 0),
            Spot(longitude, latitude, "middle", "bottom", 0, -reach),
            Spot(longitude, latitude, "middle", "top", 0, reach),
            Spot(longitude, latitude, "start", "bottom", slant, -slant),
            Spot(longitude, latitude, "start", "top", slant, slant),
            Spot(longitude, latitude, "end", "bottom", -slant, -slant),
            Spot(longitude, latitude, "end", "top", -slant, slant),
        ]
    return tuple(spots)


def label_box(spot: Spot, text: str, size: float, zoom: float) -> Box:
    x, y = maps.screen_point(spot.longitude, spot.latitude, zoom)
    x, y = x + spot.dx, y + spot.dy
    width, height = text_size(text, size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[spot.anchor]
    top = {"top": y, "center": y - height / 2, "bottom": y - height}[spot.baseline]
    return left, top, left + width, top + height


def frame_box(view: dict[str, float], width: float, height: float) -> Box:
    x, y = maps.screen_point(view["longitude"], view["latitude"], view["zoom"])
    return x - width / 2, y - height / 2, x + width / 2, y + height / 2


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def touches_circle(box: Box, x: float, y: float, radius: float) -> bool:
    nearest_x, nearest_y = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    return math.hypot(nearest_x - x, nearest_y - y) < radius


def line_points(lines: list[list[list[float]]], zoom: float, step: float = 2) -> list[tuple[float, float]]:
    """Points every `step` pixels or closer along each line (a list of [longitude, latitude]), in world pixels."""
    points = []
    for line in lines:
        screen = [maps.screen_point(lon, lat, zoom) for lon, lat in line]
        for (x1, y1), (x2, y2) in zip(screen, screen[1:], strict=False):
            count = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / step))
            points += [(x1 + (x2 - x1) * k / count, y1 + (y2 - y1) * k / count) for k in range(count)]
        points += screen[-1:]
    return points


def place(
    labels: list[Label],
    markers: list[tuple[float, float, float]],
    zoom: float,
    frame: Box | None = None,
    lines: list[list[list[float]]] = (),
) -> pd.DataFrame:
    """The labels that fit, in the order given (the most important first), each at its first free spot.

    `markers` are (longitude, latitude, radius in pixels): no label may cover one. A label avoids `lines` too
    (lists of [longitude, latitude], such as the contingents' legs) where one of its spots allows, and crosses
    one only where none does. Columns: text, size, longitude, latitude, anchor, baseline, offset ([dx, dy]),
    kind, and box (world pixels, for tests)."""
    circles = [(*maps.screen_point(lon, lat, zoom), radius + 1) for lon, lat, radius in markers]
    crossing = line_points(list(lines), zoom)
    placed: list[Box] = []
    rows = []

    def free(box: Box) -> bool:
        if frame is not None and not (
            frame[0] + MARGIN <= box[0]
            and box[2] <= frame[2] - MARGIN
            and frame[1] + MARGIN <= box[1]
            and box[3] <= frame[3] - MARGIN
        ):
            return False
        return not any(overlaps(box, other) for other in placed) and not any(touches_circle(box, *c) for c in circles)

    def clear_of_lines(box: Box) -> bool:
        return not any(box[0] - 2 <= x <= box[2] + 2 and box[1] - 2 <= y <= box[3] + 2 for x, y in crossing)

    for label in labels:
        boxes = [(spot, label_box(spot, label.text, label.size, zoom)) for spot in label.spots]
        fitting = [(spot, box) for spot, box in boxes if free(box)]
        chosen = next(((spot, box) for spot, box in fitting if clear_of_lines(box)), fitting[0] if fitting else None)
        if chosen is not None:
            spot, box = chosen
            placed.append(box)
            rows.append(
                {
                    "text": label.text,
                    "size": label.size,
                    "longitude": spot.longitude,
                    "latitude": spot.latitude,
                    "anchor": spot.anchor,
                    "baseline": spot.baseline,
                    "offset": [spot.dx, spot.dy],
                    "kind": label.kind,
                    "box": box,
                }
            )
    columns = ["text", "size", "longitude", "latitude", "anchor", "baseline", "offset", "kind", "box"]
    return pd.DataFrame(rows, columns=columns)


def clusters(points: list[tuple[float, float, float]], zoom: float) -> list[list[int]]:
    """Indexes of markers (longitude, latitude, radius) grouped where their circles come within GAP pixels of
    each other, in first-seen order: one label names a group, since separate labels would not fit beside it."""
    screen = [(*maps.screen_point(lon, lat, zoom), radius) for lon, lat, radius in points]
    group_of = list(range(len(points)))

    def root(index: int) -> int:
        while group_of[index] != index:
            index = group_of[index]
        return index

    for i, (x1, y1, r1) in enumerate(screen):
        for j in range(i):
            x2, y2, r2 = screen[j]
            if math.hypot(x1 - x2, y1 - y2) < r1 + r2 + GAP:
                group_of[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for index in range(len(points)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())


def interior_spots(geometry: dict, frame: Box, zoom: float, steps: int = 24, limit: int = 40) -> tuple[Spot, ...]:
    """Centred spots for naming an area: points of a grid over the frame that lie inside `geometry`, nearest
    first to the centre of the area's visible part. None if no part of it is in the frame."""
    degrees = maps.pixel_degrees(zoom)
    inside = []
    for i in range(steps):
        for j in range(steps):
            x = frame[0] + (i + 0.5) * (frame[2] - frame[0]) / steps
            y = frame[1] + (j + 0.5) * (frame[3] - frame[1]) / steps
            longitude = x * degrees
            latitude = math.degrees(2 * math.atan(math.exp(math.radians(-y * degrees))) - math.pi / 2)
            if geo.contains(geometry, longitude, latitude):
                inside.append((x, y, longitude, latitude))
    if not inside:
        return ()
    centre_x = sum(point[0] for point in inside) / len(inside)
    centre_y = sum(point[1] for point in inside) / len(inside)
    inside.sort(key=lambda point: math.hypot(point[0] - centre_x, point[1] - centre_y))
    return tuple(Spot(round(lon, 4), round(lat, 4)) for _, _, lon, lat in inside[:limit])


LAYER_COLUMNS = ["text", "size", "longitude", "latitude", "anchor", "baseline", "offset", "colour"]


def text_layer(layer_id: str, placed: pd.DataFrame, colours: dict[str, list[int]]) -> pdk.Layer:
    """A TextLayer of placed labels, coloured by their kind."""
    data = placed.assign(colour=placed["kind"].map(colours))[LAYER_COLUMNS].to_dict("records")
    return pdk.Layer(
        "TextLayer",
        id=layer_id,
        data=data,
        get_position=["longitude", "latitude"],
        get_text="text",
        get_size="size",
        size_units=maps.PIXELS,
        get_text_anchor="anchor",
        get_alignment_baseline="baseline",
        get_pixel_offset="offset",
        get_color="colour",
        line_height=LINE_HEIGHT,
        font_family=maps.FONT_FAMILY,
        font_weight=600,
        pickable=False,
    )
