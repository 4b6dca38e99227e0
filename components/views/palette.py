"""One colour per actor group, the same in every view.

Colours come from Paul Tol's colour-blind-safe "muted" scheme (nine hues), with Tol's brighter blue in
place of its indigo (too dark on the dark theme), Okabe-Ito orange and a mid grey for the last two groups.
"""

from __future__ import annotations

GROUP_COLOURS = {
    "kz-gov": "#882255",
    "kz-officials": "#CC6677",
    "russia-csto": "#4477AA",
    "csto-members": "#88CCEE",
    "us": "#117733",
    "intl": "#44AA99",
    "rights": "#DDCC77",
    "opposition": "#999933",
    "protesters": "#AA4499",
    "residents": "#E69F00",
    "media": "#8C8C8C",
}
DIMMED = "#C8C8C8"
UNKNOWN = "#8C8C8C"


def colour(group_id: str) -> str:
    return GROUP_COLOURS.get(group_id, UNKNOWN)


def rgba(hex_colour: str, alpha: int = 220) -> list[int]:
    """Hex colour to the [r, g, b, a] list deck.gl layers take."""
    value = hex_colour.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]
