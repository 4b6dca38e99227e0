"""The national map: boundaries, events by place, and the CSTO contingents' arcs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pydeck as pdk

from components import maps, palette
from components.citations import cite
from components.dataset import Dataset
from components.filters import contributor_group

CONTRIBUTOR_NAMES = {"RUS": "Russia", "BLR": "Belarus", "ARM": "Armenia", "KGZ": "Kyrgyzstan", "TJK": "Tajikistan"}
VIEW = {"longitude": 55.0, "latitude": 48.0, "zoom": 2.0}
# A phone: Kazakhstan as large as the contingents' origins in Russia and Belarus allow, on a shorter map, since the
# countries south of it are not drawn and would leave an empty band.
NARROW_VIEW = {"longitude": 60.5, "latitude": 55.0, "zoom": 1.75}
HEIGHT, NARROW_HEIGHT = 460, 320  # the Almaty map beside it on a desktop takes HEIGHT too
GEOMETRY_DECIMALS = 2  # about 1 km: finer than a pixel at the national zoom
# Outlines are simplified to within a pixel at the national zoom, the contributing countries (context only) to
# within two. Where the browser draws without a GPU, each filter change redraws every edge in software: about 7 ms
# per thousand edges, and these tolerances keep about a third of the edges that a fixed 0.12° / 0.3° step kept.
GEOMETRY_TOLERANCE = maps.pixel_degrees(VIEW["zoom"])
CONTEXT_TOLERANCE = 2 * maps.pixel_degrees(VIEW["zoom"])
CONTEXT_DECIMALS = 1  # about 10 km, under a pixel
ARC_LAYER_COLUMNS = ["source", "target", "width", "colour", "tooltip"]  # what the browser draws
ARC_COLUMNS = ["movement_id", "contributor", "group_id", "direction", "source", "target", "width", "colour", "tooltip"]


def base_layers(dataset: Dataset, static_dir: Path | None = None) -> tuple[str, ...]:
    """Country and region boundaries, serialized: the same for every selection, so built once. Given
    `static_dir`, their geometry is published there (maps.boundary_layers)."""
    layers = dataset.boundaries
    return maps.serialized(
        [
            *maps.boundary_layers(
                "csto-countries",
                maps.rounded_geojson(layers["csto_countries"], CONTEXT_DECIMALS, CONTEXT_TOLERANCE),
                [120, 120, 140, 160],
                fill_rgba=[68, 119, 170, 18],
                static_dir=static_dir,
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
    movements: pd.DataFrame, positions: pd.DataFrame, dataset: Dataset, citation_lookup: dict[str, str]
) -> tuple[pd.DataFrame, int]:
    """Arc rows for the selected legs, and how many legs could not be drawn for want of a coordinate.
    `positions` comes from maps.place_positions."""
    positions = positions.set_index("place_id")
    figures = reference_figures(dataset).set_index("contributor")
    actors = dataset["actors"].set_index("actor_id")["name"]
    rows, undrawn = [], 0
    for _, leg in movements.iterrows():
        if leg["origin_place_id"] not in positions.index or leg["destination_place_id"] not in positions.index:
            undrawn += 1
            continue
        origin, destination = positions.loc[leg["origin_place_id"]], positions.loc[leg["destination_place_id"]]
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
        colour = palette.rgba(palette.colour(contributor_group(leg["contributor"])), 230 if deploying else 90)
        rows.append(
            {
                "movement_id": leg["movement_id"],
                "contributor": leg["contributor"],
                "group_id": contributor_group(leg["contributor"]),
                "direction": leg["direction"],
                "source": [float(origin["longitude"]), float(origin["latitude"])],
                "target": [float(destination["longitude"]), float(destination["latitude"])],
                "width": 1.5 + 0.2 * (personnel or 0) ** 0.5,
                "colour": colour,
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


def arc_layer(arc_rows: pd.DataFrame) -> pdk.Layer:
    return pdk.Layer(
        "ArcLayer",
        id="csto-arcs",
        data=arc_rows[ARC_LAYER_COLUMNS].to_dict("records"),
        get_source_position="source",
        get_target_position="target",
        get_source_color="colour",
        get_target_color="colour",
        get_width="width",
        width_units=maps.PIXELS,
        great_circle=True,
        get_tilt=15,
        pickable=True,
        auto_highlight=True,
    )


def height(narrow: bool = False) -> int:
    """The map's height in pixels: shorter on a phone, where NARROW_VIEW frames it."""
    return NARROW_HEIGHT if narrow else HEIGHT


def kazakhstan_deck(
    base: tuple[str, ...], points: pd.DataFrame, arc_rows: pd.DataFrame, narrow: bool = False
) -> maps.DeckSpec:
    layers = []
    if len(arc_rows):
        layers.append(arc_layer(arc_rows))
    layers += maps.point_layers(points, "events", base_radius=5)
    return maps.DeckSpec(base, layers, **(NARROW_VIEW if narrow else VIEW))
