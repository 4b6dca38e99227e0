"""The maps' key (deck.gl draws none): what a circle, a ring, a dot and a line mean, in words, as escaped HTML.
Swatches are styled spans: st.html keeps no inline SVG."""

from __future__ import annotations

from html import escape

import pandas as pd

from components.views import palette
from components.views.maps import EVENT_COLOUR

GREY = "#8C8C96"
CIRCLE = "display:inline-block;flex:none;border-radius:50%;box-sizing:border-box;margin-right:0.4rem"
LINE = "display:inline-block;flex:none;width:1.8rem;height:0;margin-right:0.4rem"


def _item(swatch_style: str, words: str) -> str:
    return (
        '<span style="display:inline-flex;align-items:center;margin:0 1rem 0.25rem 0">'
        f'<span aria-hidden="true" style="{swatch_style}"></span><span>{escape(words)}</span></span>'
    )


def drawn_legs(arcs: pd.DataFrame, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """The (group_id, label, direction) of the legs among `arcs`, in the groups' order, deployment first."""
    drawn = set(zip(arcs["group_id"], arcs["direction"], strict=True))
    return [
        (group, label, direction)
        for group, label in labels.items()
        for direction in ("deployment", "withdrawal")
        if (group, direction) in drawn
    ]


def map_key(legs: list[tuple[str, str, str]]) -> str:
    """HTML for the maps' key. `legs` are the (group_id, label, direction) of the legs the selection draws, in
    the order to list them; labels come from data, so everything shown is escaped."""
    items = [
        _item(
            f"{CIRCLE};width:0.85rem;height:0.85rem;background:{EVENT_COLOUR}",
            "Events at a place: the larger the circle, the more deaths reported",
        ),
        _item(
            f"{CIRCLE};width:0.75rem;height:0.75rem;border:2.5px solid {EVENT_COLOUR}",
            "Events, no death figure reported",
        ),
        _item(f"{CIRCLE};width:0.35rem;height:0.35rem;background:{GREY}", "Place with no event in this selection"),
    ]
    border = {"deployment": "solid", "withdrawal": "dashed"}
    for group_id, label, direction in legs:
        style = f"{LINE};border-top:4px {border[direction]} {palette.colour(group_id)}"
        items.append(_item(style, f"{label}: {direction}"))
    return f'<div style="font-size:0.85rem;line-height:1.6;display:flex;flex-wrap:wrap">{"".join(items)}</div>'
