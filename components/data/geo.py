"""Boundary layers: reading the GeoJSON files and testing points against them.

Plain Python rather than shapely: the checks run once per load on a few dozen points, and the
project keeps its runtime dependencies to what the dashboard itself needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

Ring = Sequence[Sequence[float]]


def read_geojson(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def polygons_of(geometry: dict) -> list[list[Ring]]:
    """Every polygon of a Polygon or MultiPolygon, each as its list of rings (outer ring first)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unsupported geometry type {geometry['type']!r}")


def _crosses(ring: Ring, lon: float, lat: float) -> bool:
    """Even-odd ray cast: does a ray east from the point cross the ring an odd number of times?"""
    inside = False
    previous = ring[-1]
    for current in ring:
        (x1, y1), (x2, y2) = previous[:2], current[:2]
        if (y1 > lat) != (y2 > lat):
            x_at_lat = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_at_lat:
                inside = not inside
        previous = current
    return inside


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """True when the point lies inside the geometry (holes excluded)."""
    for rings in polygons_of(geometry):
        if _crosses(rings[0], lon, lat) and not any(_crosses(hole, lon, lat) for hole in rings[1:]):
            return True
    return False


def country_geometries(layers: Iterable[dict]) -> dict[str, dict]:
    """Map ISO 3166-1 alpha-3 codes to geometries, from every layer feature that carries `iso_a3`."""
    found: dict[str, dict] = {}
    for layer in layers:
        for feature in layer["features"]:
            code = feature.get("properties", {}).get("iso_a3")
            if code:
                found[code] = feature["geometry"]
    return found
