"""What the two claim charts share: marker styles, dimming, hover text and the legend.

Both charts are built as the plain spec Plotly's JavaScript draws ({"data": [...], "layout": {...}}, of JSON types
only), not as plotly.graph_objects: building a Figure and serializing it again took over half of a warm script
run. The tests load each spec into go.Figure, which checks every property against Plotly's schema.
"""

from __future__ import annotations

import pandas as pd

from components.data.citations import cite
from components.views import palette

STATUS_SYMBOLS = {
    "official": "circle",
    "official_retracted": "x-thin-open",
    "independent": "diamond",
    "media": "square-open",
    "media_outlier": "triangle-up-open",
}
STATUS_LABELS = {
    "official": "Official figure",
    "official_retracted": "Official figure, retracted",
    "independent": "Independent count",
    "media": "Media report",
    "media_outlier": "Media report far from every official figure",
}
DIMMED_OPACITY = 0.45
TEXT_COLOURED = "text-coloured"  # a trace's `meta`: plotly_view draws its line in the theme's text colour
FONT = {"family": "Source Sans Pro, sans-serif"}


def date_text(row: pd.Series, short: bool = False) -> str:
    """The date as precisely as it is known: "January 2022", "about 5 January 2022", "5 Jan 2022" (short)."""
    month = "%b" if short else "%B"
    if row["date_precision"] == "month":
        return f"{row['date']:{month} %Y}"
    text = f"{row['date']:%-d {month} %Y}"
    return f"about {text}" if row["date_precision"] == "approximate" else text


def hover_text(row: pd.Series, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> str:
    """Figure as stated, who claimed it, when, its status and its sources; plain text with <br> breaks."""
    lines = [
        f"“{row['figure_as_stated']}”",
        f"{actor_names[row['claimant_actor_id']]}, {date_text(row)}",
        STATUS_LABELS[row["status"]],
        "Sources: " + cite(row["source_ids"], citation_lookup),
    ]
    return "<br>".join(escape_plotly(line) for line in lines)


def escape_plotly(text: str) -> str:
    """Plotly renders a small HTML subset in hover text; data must not inject tags."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def claim_colour(claim: dict) -> str:
    """A claim's marker colour: its claimant's group when selected, grey when dimmed."""
    return palette.colour(claim["group_id"]) if claim["selected"] else palette.DIMMED


def claim_opacity(claim: dict) -> float:
    return 1 if claim["selected"] else DIMMED_OPACITY


def legend_traces(groups: list[str], labels: dict[str, str], statuses: list[str]) -> list[dict]:
    """Legend-only entries (plotly trace specs): one per actor group present, one per claim status present."""
    traces = [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": labels.get(group, group),
            "legendgroup": "groups",
            "legendgrouptitle": {"text": "Claimant"},
            "marker": {"color": palette.colour(group), "size": 10},
        }
        for group in groups
    ]
    traces += [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": STATUS_LABELS[status],
            "legendgroup": "status",
            "legendgrouptitle": {"text": "Kind of figure"},
            "marker": {
                "symbol": STATUS_SYMBOLS[status],
                "color": "#555555",
                "size": 10,
                "line": {"width": 2, "color": "#555555"},
            },
        }
        for status in statuses
    ]
    return traces


def label_margin(labels: list[str]) -> int:
    """Pixels beside a chart's panels for its widest axis label, at about 7 pixels a character in the charts'
    12-pixel font. The charts set their margins so, rather than by Plotly's automargin (the charts' theme default),
    which lays the figure out a second time once the labels are measured: about a quarter of a first draw."""
    return 14 + 7 * max((len(label) for label in labels), default=0)
