"""A colour key for the maps (deck.gl draws none): one swatch per actor group, as escaped HTML."""

from __future__ import annotations

from html import escape

from components import palette


def colour_key(groups: list[tuple[str, str]]) -> str:
    """HTML for (group_id, label) pairs; labels come from data, so they are escaped."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin:0 0.9rem 0.2rem 0;white-space:nowrap">'
        f'<span style="width:0.8rem;height:0.8rem;border-radius:50%;background:{palette.colour(group_id)};'
        f'display:inline-block;margin-right:0.35rem"></span>{escape(label)}</span>'
        for group_id, label in groups
    )
    return f'<div style="font-size:0.85rem;line-height:1.6;display:flex;flex-wrap:wrap">{items}</div>'
