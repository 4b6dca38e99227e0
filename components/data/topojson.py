"""TopoJSON to GeoJSON, for the neighbouring countries' layer (data/geo/neighbours.geojson).

Run once by hand, not by the dashboard: `npm pack world-atlas@2.0.2`, unpack it, then
`python -m components.data.topojson package/countries-50m.json > data/geo/neighbours.geojson`.
data/geo/SOURCES.md records the run.
"""

from __future__ import annotations

import json
import sys

# Natural Earth's countries by their ISO 3166-1 numeric id, as world-atlas keys them: the countries around
# Kazakhstan's frame that the other layers do not draw (Kazakhstan and the five contributing states have their own).
NEIGHBOURS = {
    "156": ("CHN", "China"),
    "496": ("MNG", "Mongolia"),
    "860": ("UZB", "Uzbekistan"),
    "795": ("TKM", "Turkmenistan"),
    "004": ("AFG", "Afghanistan"),
    "364": ("IRN", "Iran"),
    "031": ("AZE", "Azerbaijan"),
    "268": ("GEO", "Georgia"),
    "586": ("PAK", "Pakistan"),
    "356": ("IND", "India"),
    "792": ("TUR", "Turkey"),
}
DECIMALS = 3  # about 100 m, far finer than the 1:50m source


def decoded_arcs(topology: dict) -> list[list[list[float]]]:
    """Every arc as absolute longitude/latitude: quantized arcs are delta-encoded integers, scaled and shifted
    by the topology's transform."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([list(point[:2]) for point in arc])
            continue
        (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append([x * scale_x + shift_x, y * scale_y + shift_y])
        arcs.append(points)
    return arcs


def ring(arc_indexes: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    """A closed ring from its arcs: a negative index ~i means arc i reversed; consecutive arcs share an end
    point, which is kept once."""
    points: list[list[float]] = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def geometry(shape: dict, arcs: list[list[list[float]]]) -> dict:
    if shape["type"] == "Polygon":
        polygons = [shape["arcs"]]
    elif shape["type"] == "MultiPolygon":
        polygons = shape["arcs"]
    else:
        raise ValueError(f"unsupported TopoJSON geometry {shape['type']!r}")
    return {"type": "MultiPolygon", "coordinates": [[ring(rings, arcs) for rings in polygon] for polygon in polygons]}


def countries(topology: dict, wanted: dict[str, tuple[str, str]]) -> dict:
    """The `countries` object's features whose id is in `wanted`, as a GeoJSON FeatureCollection with
    `iso_a3` and `name` from `wanted` and coordinates rounded to DECIMALS."""
    arcs = decoded_arcs(topology)
    features = []
    for shape in topology["objects"]["countries"]["geometries"]:
        if shape.get("id") not in wanted:
            continue
        code, name = wanted[shape["id"]]
        shape_geometry = geometry(shape, arcs)
        shape_geometry["coordinates"] = [
            [[[round(lon, DECIMALS), round(lat, DECIMALS)] for lon, lat in points] for points in polygon]
            for polygon in shape_geometry["coordinates"]
        ]
        features.append({"type": "Feature", "properties": {"iso_a3": code, "name": name}, "geometry": shape_geometry})
    features.sort(key=lambda feature: feature["properties"]["iso_a3"])
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(json.dumps(countries(json.load(handle), NEIGHBOURS), separators=(",", ":")))
