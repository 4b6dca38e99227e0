"""The national map: boundaries, events by place, and the CSTO contingents' arcs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pydeck as pdk

from components.data.citations import cite
from components.data.dataset import Dataset
from components.data.filters import contributor_group
from components.views import map_labels, maps, palette

CONTRIBUTOR_NAMES = {"RUS": "Russia", "BLR": "Belarus", "ARM": "Armenia", "KGZ": "Kyrgyzstan", "TJK": "Tajikistan"}
# The frame is Kazakhstan's: it fills the map's width, with room south for the Tajik contingent's origin. The
# contingents from Russia, Belarus and Armenia set out beyond its west edge; a reader can drag the map to follow
# them. Frames are fitted to a map a little narrower than the page gives at 1400 px (730 px) and on a phone (343).
FRAME_BOUNDS = (46.4, 38.2, 87.4, 55.5)  # west, south, east, north: Kazakhstan (46.5-87.3, 40.6-55.4) and Hisor
WIDE, NARROW = (715, 440), (335, 300)  # width and height the views are fitted to
HEIGHT, NARROW_HEIGHT = 440, 300  # the Almaty map beside it on a desktop takes HEIGHT too
FRAME_PADDING = 6
VIEW = maps.fit_view(FRAME_BOUNDS, *WIDE, FRAME_PADDING)
NARROW_VIEW = maps.fit_view(FRAME_BOUNDS, *NARROW, FRAME_PADDING)
GEOMETRY_DECIMALS = 2  # about 1 km: finer than a pixel at the national zoom
# Outlines are simplified to within a pixel at the national zoom, the other countries (context only) to within
# two. Where the browser draws without a GPU, each filter change redraws every edge in software: about 7 ms per
# thousand edges.
GEOMETRY_TOLERANCE = maps.pixel_degrees(VIEW["zoom"])
CONTEXT_TOLERANCE = 2 * maps.pixel_degrees(VIEW["zoom"])
CONTEXT_DECIMALS = 1  # about 10 km, under a pixel
# The other countries' outlines are kept where a reader dragging the map around the frame can see them: Russia's
# far east and Arctic coast would be 80% of their edges. Beyond, their fills still show without an outline. With
# this, the national map draws about 2,550 edges (5,250 without), against 1,960 before the neighbours were added.
CONTEXT_BOUNDS = (25.0, 30.0, 105.0, 62.0)
ARC_LAYER_COLUMNS = ["path", "width", "colour", "tooltip"]  # what the browser draws
ARC_COLUMNS = [
    "movement_id",
    "contributor",
    "group_id",
    "direction",
    "source_id",
    "target_id",
    "source",
    "target",
    "path",
    "width",
    "colour",
    "tooltip",
]
# Legs bend to the left of their direction of travel, so a withdrawal runs on the other side of the deployment it
# reverses; legs with the same ends bend further each, so none hides another.
BEND, BEND_STEP = 0.14, 0.11
END_GAP = 4  # pixels a leg stops short of its ends, so it never covers the marker there
PATH_STEPS = 32
DEPLOYMENT_ALPHA, WITHDRAWAL_ALPHA = 230, 170
DASH = [3, 2]  # withdrawals: dashes and gaps, in multiples of the line's width
BASE_RADIUS = 5
ENDPOINT_RADIUS = 2.5  # the dot at a leg's end that is not an event place
LABEL_COLOURS = {"country": [145, 145, 158, 230], "host": [128, 128, 140, 255], "place": [122, 122, 136, 255]}
COUNTRY_SIZE, HOST_SIZE, PLACE_SIZE = 11, 14, 12
NARROW_SIZES = {"country": 10, "host": 12, "place": 11}  # a phone's map is at a smaller scale
NARROW_WIDTH_SCALE = 0.7  # and its legs are thinner
# Labels name places by their first name; the tooltips give the full one.
SHORT_NAMES = {"almaty-chp-3": "CHP-3", "zvartnots-airport": "Yerevan", "machulishchy-airfield": "Machulishchy"}


def base_layers(dataset: Dataset, static_dir: Path | None = None) -> tuple[str, ...]:
    """Country and region boundaries, serialized: the same for every selection, so built once. Given
    `static_dir`, their geometry is published there (maps.boundary_layers)."""
    layers = dataset.boundaries
    return maps.serialized(
        [
            *maps.boundary_layers(
                "neighbours",
                maps.rounded_geojson(layers["neighbours"], CONTEXT_DECIMALS, CONTEXT_TOLERANCE),
                [150, 150, 160, 120],
                static_dir=static_dir,
                outline_bounds=CONTEXT_BOUNDS,
            ),
            *maps.boundary_layers(
                "csto-countries",
                maps.rounded_geojson(layers["csto_countries"], CONTEXT_DECIMALS, CONTEXT_TOLERANCE),
                [120, 120, 140, 160],
                fill_rgba=[68, 119, 170, 18],
                static_dir=static_dir,
                outline_bounds=CONTEXT_BOUNDS,
            ),
            *maps.boundary_layers(
                "regions",
                maps.rounded_geojson(layers["kazakhstan_regions"], GEOMETRY_DECIMALS, GEOMETRY_TOLERANCE),
                [150, 150, 150, 140],
                static_dir=static_dir,
            ),
            *maps.boundary_layers(
                "kazakhstan",
                maps.rounded_geojson(layers["kazakhstan"], GEOMETRY_DECIMALS, GEOMETRY_TOLERANCE),
                [128, 128, 128, 255],
                fill_rgba=[230, 159, 0, 14],
                width_pixels=2,
                static_dir=static_dir,
            ),
        ]
    )


def short_name(place_id: str, name: str) -> str:
    """A place's name for a label: "Uralsk (Oral)" is "Uralsk"."""
    return SHORT_NAMES.get(place_id) or name.split(" (")[0]


def view(narrow: bool = False) -> dict[str, float]:
    return NARROW_VIEW if narrow else VIEW


def country_names(dataset: Dataset) -> dict[str, tuple[dict, str]]:
    """Every drawn country's geometry and name, by ISO code, Kazakhstan first."""
    countries = {"KAZ": (dataset.boundaries["kazakhstan"]["features"][0]["geometry"], "Kazakhstan")}
    for layer in ("csto_countries", "neighbours"):
        simplified = maps.rounded_geojson(dataset.boundaries[layer], CONTEXT_DECIMALS, CONTEXT_TOLERANCE)
        for feature, shape in zip(dataset.boundaries[layer]["features"], simplified["features"], strict=True):
            feature = {**feature, "geometry": shape["geometry"]}  # as drawn, and quicker to test points against
            properties = feature["properties"]
            countries[properties["iso_a3"]] = (feature["geometry"], properties["name"])
    return countries


def places_to_name(points: pd.DataFrame, arc_rows: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """The places the map marks whatever the selection: every event place (its circle as large as it is with
    nothing filtered out) and every leg's ends. Columns: place_id, name, longitude, latitude, radius, events."""
    rows = [
        {
            "place_id": row["place_id"],
            "name": short_name(row["place_id"], row["name"]),
            "longitude": row["longitude"],
            "latitude": row["latitude"],
            "radius": maps.point_radius(row["deaths_known"], BASE_RADIUS),
            "events": row["events"],
        }
        for row in points.to_dict("records")
    ]
    marked = {(row["longitude"], row["latitude"]) for row in rows}
    by_id = positions.set_index("place_id")
    for place_id in dict.fromkeys([*arc_rows["source_id"], *arc_rows["target_id"]]):
        place = by_id.loc[place_id]
        if (place["longitude"], place["latitude"]) not in marked:
            marked.add((place["longitude"], place["latitude"]))
            rows.append(
                {
                    "place_id": place_id,
                    "name": short_name(place_id, place["point_name"]),
                    "longitude": place["longitude"],
                    "latitude": place["latitude"],
                    "radius": ENDPOINT_RADIUS,
                    "events": 0,
                }
            )
    return pd.DataFrame(rows, columns=["place_id", "name", "longitude", "latitude", "radius", "events"])


def placed_labels(
    dataset: Dataset, marked: pd.DataFrame, narrow: bool = False, legs: list[list[list[float]]] = ()
) -> pd.DataFrame:
    """Labels for the national map at its first view: Kazakhstan's name, then the marked places (the busiest
    first; markers that touch share one label), then the neighbouring countries', each where it fits."""
    frame_view = view(narrow)
    zoom = frame_view["zoom"]
    frame = map_labels.frame_box(frame_view, *(NARROW if narrow else WIDE))
    markers = list(zip(marked["longitude"], marked["latitude"], marked["radius"], strict=True))
    countries = country_names(dataset)
    host_geometry, host_name = countries.pop("KAZ")
    sizes = NARROW_SIZES if narrow else {"country": COUNTRY_SIZE, "host": HOST_SIZE, "place": PLACE_SIZE}
    labels = [
        map_labels.Label(
            host_name.upper(), sizes["host"], map_labels.interior_spots(host_geometry, frame, zoom), "host"
        )
    ]
    order = marked.sort_values("events", ascending=False, kind="stable").index
    for group in map_labels.clusters([markers[i] for i in order], zoom):
        members = [marked.loc[order[i]] for i in group]
        longitude = sum(m["longitude"] for m in members) / len(members)
        latitude = sum(m["latitude"] for m in members) / len(members)
        x, y = maps.screen_point(longitude, latitude, zoom)
        reach = max(
            math.hypot(
                *(a - b for a, b in zip(maps.screen_point(m["longitude"], m["latitude"], zoom), (x, y), strict=True))
            )
            + m["radius"]
            for m in members
        )
        text = "\n".join(dict.fromkeys(m["name"] for m in members))
        labels.append(map_labels.Label(text, sizes["place"], map_labels.around(longitude, latitude, reach)))
    for geometry, name in countries.values():
        spots = map_labels.interior_spots(geometry, frame, zoom)
        if spots:
            labels.append(map_labels.Label(name.upper(), sizes["country"], spots, "country"))
    return map_labels.place(labels, markers, zoom, frame, legs)


def label_layers(
    dataset: Dataset, marked: pd.DataFrame, narrow: bool = False, legs: list[list[list[float]]] = ()
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The marked places' dots (drawn under the selection's circles, so a place with no event selected still
    shows where its label points) and the labels (drawn over everything, clear of the `legs` where they can
    be), serialized."""
    dots = maps.dot_layer("places", marked, ENDPOINT_RADIUS)
    labels = map_labels.text_layer("place-names", placed_labels(dataset, marked, narrow, legs), LABEL_COLOURS)
    return maps.serialized([dots]), maps.serialized([labels])


def reference_figures(dataset: Dataset) -> pd.DataFrame:
    """Per contributor, the personnel figure that sets its arcs' width: the latest official figure, else the
    latest media figure that is not an outlier. A contributor with neither (Russia: no official national figure,
    and every media figure exceeds the whole force's official total) gets that total as an upper bound, status
    `upper_bound`. Columns: contributor, personnel, figure_as_stated, status, claimant, source_ids."""
    claims = dataset["force_deployments"]
    numbered = claims[claims["personnel_high"].notna() & (claims["phase"] != "standing")]
    usable = numbered[numbered["status"] != "media_outlier"]
    rows = []
    for contributor, own in usable.groupby("contributor"):
        official = own[own["status"] == "official"]
        chosen = (official if len(official) else own).sort_values("date").iloc[-1]
        rows.append(reference_row(contributor, chosen, chosen["status"]))
    whole = usable[(usable["contributor"] == "CSTO") & (usable["status"] == "official")].sort_values("date")
    for contributor in sorted(set(numbered["contributor"]) - set(usable["contributor"])):
        if len(whole):
            rows.append(reference_row(contributor, whole.iloc[-1], "upper_bound"))
    return pd.DataFrame(rows)


def leg_path(
    source: tuple[float, float], target: tuple[float, float], bend: float, zoom: float, gap: float = END_GAP
) -> list[list[float]]:
    """A leg's curve from source to target (longitude, latitude): a quadratic curve on the Web Mercator map whose
    middle lies `bend` times the leg's length to the left of the straight line, stopping `gap` pixels (at `zoom`)
    short of either end. Drawn flat, it keeps its shape when seen from above, which a raised ArcLayer does not."""
    (x0, y0), (x2, y2) = maps.mercator(list(source)), maps.mercator(list(target))
    dx, dy = x2 - x0, y2 - y0
    length = math.hypot(dx, dy)
    x1, y1 = (x0 + x2) / 2 - dy * bend * 2, (y0 + y2) / 2 + dx * bend * 2  # the control point: twice the bulge
    gap_degrees = gap * maps.pixel_degrees(zoom)
    points = []
    for step in range(PATH_STEPS + 1):
        t = step / PATH_STEPS
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t**2 * x2
        y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * y1 + t**2 * y2
        if length and min(math.hypot(x - x0, y - y0), math.hypot(x - x2, y - y2)) < gap_degrees:
            continue
        latitude = math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)
        points.append([round(x, 4), round(latitude, 4)])
    return points


def reference_row(contributor: str, claim: pd.Series, status: str) -> dict:
    return {
        "contributor": contributor,
        "personnel": int(claim["personnel_high"]),
        "figure_as_stated": claim["figure_as_stated"],
        "status": status,
        "claimant": claim["claimant_actor_id"],
        "source_ids": claim["source_ids"],
    }


def arcs(
    movements: pd.DataFrame,
    positions: pd.DataFrame,
    dataset: Dataset,
    citation_lookup: dict[str, str],
    drawn_at: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """Arc rows for the selected legs, and how many legs could not be drawn for want of a coordinate.
    `positions` comes from maps.place_positions and names the ends; `drawn_at` (maps.gathered_in_cities, by
    default) places them, so that a leg to a city's airport meets the city's circle on the national map."""
    if drawn_at is None:
        drawn_at = maps.gathered_in_cities(positions, dataset)
    drawn_at = drawn_at.set_index("place_id")
    positions = positions.set_index("place_id")
    figures = reference_figures(dataset).set_index("contributor")
    actors = dataset["actors"].set_index("actor_id")["name"]
    rows, undrawn = [], 0
    same_ends: dict[tuple, int] = {}
    for _, leg in movements.iterrows():
        if leg["origin_place_id"] not in positions.index or leg["destination_place_id"] not in positions.index:
            undrawn += 1
            continue
        origin, destination = positions.loc[leg["origin_place_id"]], positions.loc[leg["destination_place_id"]]
        start, end = drawn_at.loc[leg["origin_place_id"]], drawn_at.loc[leg["destination_place_id"]]
        source = (float(start["longitude"]), float(start["latitude"]))
        target = (float(end["longitude"]), float(end["latitude"]))
        figure = figures.loc[leg["contributor"]] if leg["contributor"] in figures.index else None
        personnel = int(figure["personnel"]) if figure is not None else None
        if figure is None:
            size_line = "Width: no figure with a number"
        elif figure["status"] == "upper_bound":
            size_line = (
                f"Contingent: no official figure; at most the whole force's {figure['figure_as_stated']} "
                f"({actors[figure['claimant']]}). Media figures above that total are not used"
            )
        else:
            size_line = (
                f"Contingent: {figure['figure_as_stated']} ({actors[figure['claimant']]}, "
                f"{'official' if figure['status'] == 'official' else 'media report'})"
            )
        deploying = leg["direction"] == "deployment"
        earlier = same_ends.get((source, target), 0)
        same_ends[(source, target)] = earlier + 1
        alpha = DEPLOYMENT_ALPHA if deploying else WITHDRAWAL_ALPHA
        rows.append(
            {
                "movement_id": leg["movement_id"],
                "contributor": leg["contributor"],
                "group_id": contributor_group(leg["contributor"]),
                "direction": leg["direction"],
                "source_id": leg["origin_place_id"],
                "target_id": leg["destination_place_id"],
                "source": list(source),
                "target": list(target),
                "path": leg_path(source, target, BEND + BEND_STEP * earlier, VIEW["zoom"]),
                "width": 1 + 0.08 * (personnel or 0) ** 0.5,
                "colour": palette.rgba(palette.colour(contributor_group(leg["contributor"])), alpha),
                "tooltip": "\n".join(
                    [
                        f"{CONTRIBUTOR_NAMES[leg['contributor']]}: {leg['unit']}",
                        f"{'Deployment' if deploying else 'Withdrawal'}, {leg['date']:%-d %b %Y}: "
                        f"{origin['point_name']} → {destination['point_name']}",
                        size_line,
                        "Sources: " + cite(leg["source_ids"], citation_lookup),
                    ]
                ),
            }
        )
    return pd.DataFrame(rows, columns=ARC_COLUMNS), undrawn


def selected_arcs(every_arc: pd.DataFrame, movements: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The arcs of the selected legs, from `arcs` built once for every leg, and how many selected legs have no
    arc for want of a coordinate."""
    chosen = every_arc[every_arc["movement_id"].isin(set(movements["movement_id"]))]
    return chosen, len(movements) - len(chosen)


def arc_layers(arc_rows: pd.DataFrame, narrow: bool = False) -> list[pdk.Layer]:
    """Deployments as solid lines (layer `csto-arcs`), withdrawals dashed (`csto-withdrawals`)."""
    common = {
        "width_scale": NARROW_WIDTH_SCALE if narrow else 1,
        "get_path": "path",
        "get_color": "colour",
        "get_width": "width",
        "width_units": maps.PIXELS,
        "cap_rounded": True,
        "joint_rounded": True,
        "pickable": True,
        "auto_highlight": True,
    }
    layers = []
    deployments = arc_rows[arc_rows["direction"] == "deployment"]
    withdrawals = arc_rows[arc_rows["direction"] != "deployment"]
    if len(deployments):
        layers.append(
            pdk.Layer("PathLayer", id="csto-arcs", data=deployments[ARC_LAYER_COLUMNS].to_dict("records"), **common)
        )
    if len(withdrawals):
        layers.append(
            pdk.Layer(
                "PathLayer",
                id="csto-withdrawals",
                data=withdrawals[ARC_LAYER_COLUMNS].to_dict("records"),
                extensions=[{"@@type": "PathStyleExtension", "dash": True}],
                get_dash_array=DASH,
                dash_justified=True,
                **{**common, "cap_rounded": False},
            )
        )
    return layers


def height(narrow: bool = False) -> int:
    """The map's height in pixels: shorter on a phone, where NARROW_VIEW frames it."""
    return NARROW_HEIGHT if narrow else HEIGHT


def kazakhstan_deck(
    base: tuple[str, ...],
    points: pd.DataFrame,
    arc_rows: pd.DataFrame,
    narrow: bool = False,
    labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> maps.DeckSpec:
    """The national map: `base` boundaries and the marked places' dots (`labels`, from label_layers), the
    selection's legs, its event circles over them (drawn, and picked, first where they meet a leg), then the
    labels."""
    dots, names = labels
    layers = [*arc_layers(arc_rows, narrow), *maps.point_layers(points, "events", base_radius=BASE_RADIUS)]
    return maps.DeckSpec(
        (*base, *dots), layers, **view(narrow), overlay_layers=names, tooltip_side="across" if narrow else "right"
    )
