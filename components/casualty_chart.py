"""Every reported casualty, detention and crowd figure over time, by who claimed it.

One panel per category; each claim is a point at the date it was made public, coloured by the
claimant's group and shaped by its status. A thin line joins each claim to the earlier claim it
revises, so the path of the official toll (including the retracted 164) can be read.
Later reports (after the study window) get a compressed column of their own on the right.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from components import charts
from components.dataset import Dataset
from components.filters import Selection, mark_selected, with_claimant_group

CATEGORY_TITLES = {
    "deaths_total": "Deaths, all",
    "deaths_security_forces": "Security forces killed",
    "deaths_attackers": "“Attackers” killed (the authorities’ label)",
    "deaths_civilians": "Civilians killed",
    "injured": "Injured or treated",
    "injured_security_forces": "Security forces injured",
    "detained": "Detained",
    "participants": "People at the protests",
    "attackers": "“Attackers” (a claimant’s label)",
}
PANEL_HEIGHT = 170


NATIONWIDE = "kazakhstan"


def prepare(dataset: Dataset, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> pd.DataFrame:
    """Everything about each claim that does not depend on the selection, computed once: its claimant's group,
    scope, hover text, ISO date, and the point of the claim it revises (for the revision lines)."""
    claims = with_claimant_group(dataset["casualty_reports"], dataset, "claimant_actor_id")
    place_names = dataset["places"].set_index("place_id")["name"]
    claims = claims.assign(
        scope=claims["scope_place_id"].map(place_names),
        day=claims["date"].dt.date,
        iso=claims["date"].dt.strftime("%Y-%m-%d"),
    )
    claims["hover"] = [
        ("" if row["scope_place_id"] == NATIONWIDE else f"{charts.escape_plotly(row['scope'])} only<br>")
        + charts.hover_text(row, actor_names, citation_lookup)
        for _, row in claims.iterrows()
    ]
    revised = claims.set_index("report_id")[["iso", "day", "value_high"]]
    earlier = claims["revises_report_id"].map(lambda report: report if report in revised.index else None)
    claims["revised_iso"] = earlier.map(revised["iso"])
    claims["revised_day"] = earlier.map(revised["day"])
    claims["revised_value"] = earlier.map(revised["value_high"]).astype("Float64")
    return claims


def revision_segments(claims: list[dict], window_end: date) -> tuple[list, list]:
    """x and y of the lines from each revised claim to the claim that revises it (None-separated); a revision
    that crosses from the study window to the later reports has no line, as the two sit in different panels."""
    xs, ys = [], []
    for claim in claims:
        if claim["revised_iso"] is None or pd.isna(claim["revised_value"]) or pd.isna(claim["value_high"]):
            continue
        if (claim["revised_day"] <= window_end) != (claim["day"] <= window_end):
            continue
        xs += [claim["revised_iso"], claim["iso"], None]
        ys += [float(claim["revised_value"]), float(claim["value_high"]), None]
    return xs, ys


def casualty_figure(
    prepared: pd.DataFrame, milestones: pd.DataFrame, selection: Selection, group_labels: dict[str, str]
) -> go.Figure:
    """The chart for a selection; claims outside it stay, dimmed.

    The figure is assembled as one spec (axes, shapes and annotations laid out here) from the prepared claims,
    rather than through make_subplots and per-panel updates, which cost over a second per rerun for nine panels.
    """
    claims = mark_selected(prepared, selection)
    records = [claim for claim in claims.to_dict("records") if not pd.isna(claim["value_high"])]
    # Dimmed claims keep the date axis honest; only the selection's date window trims it.
    visible = [
        claim
        for claim in records
        if claim["day"] >= selection.start
        and (claim["day"] <= selection.end or (claim["day"] > selection.window_end and selection.include_later))
    ]
    categories = [category for category in CATEGORY_TITLES if any(c["category"] == category for c in visible)]
    later_days = [claim["day"] for claim in visible if claim["day"] > selection.window_end]
    columns = 2 if selection.include_later and later_days else 1
    rows = max(len(categories), 1)
    panel = Panels(rows, columns)

    traces: list[dict] = []
    annotations: list[dict] = []
    layout: dict = {}
    pad = timedelta(hours=12)
    for row, category in enumerate(categories, start=1):
        own = [claim for claim in visible if claim["category"] == category]
        top = max(float(claim["value_high"]) for claim in own) * 1.15
        annotations.append(panel.title(row, CATEGORY_TITLES[category]))
        for column in range(1, columns + 1):
            x_name, y_name = panel.axes(row, column)
            if column == 1:
                x_range = [str(selection.start - pad), str(selection.end + pad)]
                x_axis = {"dtick": 86400000 * 2, "tickformat": "%-d %b"}
            else:
                x_range = [str(min(later_days) - timedelta(days=30)), str(max(later_days) + timedelta(days=30))]
                x_axis = {"tickformat": "%b %Y", "nticks": 4}
            layout[panel.layout_key(x_name)] = {
                **x_axis,
                "type": "date",
                "range": x_range,
                "domain": panel.x_domain(column),
                "anchor": y_name,
                "showticklabels": row == len(categories),
            }
            layout[panel.layout_key(y_name)] = {
                "range": [0, top],
                "domain": panel.y_domain(row),
                "anchor": x_name,
                "tickformat": ",d",
                "showticklabels": column == 1,
            }
            part = [claim for claim in own if (claim["day"] <= selection.window_end) == (column == 1)]
            lines_x, lines_y = revision_segments(part, selection.window_end)
            if lines_x:
                traces.append(
                    {
                        "type": "scatter",
                        "x": lines_x,
                        "y": lines_y,
                        "mode": "lines",
                        "hoverinfo": "skip",
                        "showlegend": False,
                        "line": {"color": "#9a9a9a", "width": 1},
                        "xaxis": x_name,
                        "yaxis": y_name,
                    }
                )
            for status in charts.STATUS_SYMBOLS:
                of_status = [claim for claim in part if claim["status"] == status]
                if of_status:
                    traces.append({**_points(of_status, status, category), "xaxis": x_name, "yaxis": y_name})
            for claim in part:
                if claim["status"] == "official_retracted" and claim["scope_place_id"] == NATIONWIDE:
                    annotations.append(
                        {
                            "x": claim["iso"],
                            "y": float(claim["value_high"]),
                            "xref": x_name,
                            "yref": y_name,
                            "text": "retracted",
                            "showarrow": False,
                            "xanchor": "left",
                            "xshift": 9,
                            "font": {"size": 11, "color": "#888888"},
                        }
                    )
    shapes, milestone_labels = _milestones(milestones, selection, panel)
    annotations += milestone_labels
    shown_groups = list(dict.fromkeys(claim["group_id"] for claim in visible if claim["selected"]))
    statuses = [status for status in charts.STATUS_SYMBOLS if any(c["status"] == status for c in visible)]
    traces += charts.legend_traces(shown_groups, group_labels, statuses)
    layout.update(
        {
            "height": PANEL_HEIGHT * rows + 180,
            "margin": {"l": 10, "r": 10, "t": 100, "b": 10},
            "legend": {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "font": {"size": 12}},
            "hovermode": "closest",
            "font": charts.FONT,
            "annotations": annotations,
            "shapes": shapes,
        }
    )
    # The spec is built from known keys only, so plotly's per-property validation is skipped.
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


class Panels:
    """Axis names and domains for a grid of `rows` × `columns` panels, the first row at the top."""

    GAP_X, GAP_Y = 0.03, 0.045
    WIDTHS = {1: [1.0], 2: [0.72, 0.28]}

    def __init__(self, rows: int, columns: int):
        self.rows, self.columns = rows, columns

    def axes(self, row: int, column: int) -> tuple[str, str]:
        number = (row - 1) * self.columns + column
        suffix = "" if number == 1 else str(number)
        return f"x{suffix}", f"y{suffix}"

    @staticmethod
    def layout_key(axis: str) -> str:
        return f"{axis[0]}axis{axis[1:]}"

    def x_domain(self, column: int) -> list[float]:
        widths = self.WIDTHS[self.columns]
        usable = 1 - self.GAP_X * (self.columns - 1)
        start = sum(widths[: column - 1]) * usable + self.GAP_X * (column - 1)
        return [start, start + widths[column - 1] * usable]

    def y_domain(self, row: int) -> list[float]:
        height = (1 - self.GAP_Y * (self.rows - 1)) / self.rows
        top = 1 - (row - 1) * (height + self.GAP_Y)
        return [max(top - height, 0.0), top]

    def title(self, row: int, text: str) -> dict:
        left, right = self.x_domain(1)[0], self.x_domain(self.columns)[1]
        return {
            "text": text,
            "x": (left + right) / 2 if self.columns == 1 else sum(self.x_domain(1)) / 2,
            "y": self.y_domain(row)[1],
            "xref": "paper",
            "yref": "paper",
            "xanchor": "center",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 14},
        }


def _points(claims: list[dict], status: str, category: str) -> dict:
    colours = [charts.claim_colour(claim) for claim in claims]
    ranges = [float(claim["value_high"]) - float(claim["value_low"]) for claim in claims]
    return {
        "type": "scatter",
        "x": [claim["iso"] for claim in claims],
        "y": [float(claim["value_high"]) for claim in claims],
        "mode": "markers",
        "showlegend": False,
        "name": f"{CATEGORY_TITLES[category]}: {charts.STATUS_LABELS[status]}",
        "customdata": [claim["report_id"] for claim in claims],
        # Figures for one city or region are drawn smaller than nationwide ones.
        "marker": {
            "symbol": charts.STATUS_SYMBOLS[status],
            "color": colours,
            "size": [11 if claim["scope_place_id"] == NATIONWIDE else 6 for claim in claims],
            "opacity": [charts.claim_opacity(claim) for claim in claims],
            "line": {"width": 2, "color": colours},
        },
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [0] * len(claims),
            "arrayminus": ranges,
            "visible": any(ranges),
            "width": 0,
        },
        "hovertext": [claim["hover"] for claim in claims],
        "hoverinfo": "text",
    }


def milestones(dataset: Dataset) -> pd.DataFrame:
    """The events the data marks as turning points, for the charts' timelines."""
    events = dataset["events"]
    return events[events["milestone"].notna()]


def _milestones(milestones: pd.DataFrame, selection: Selection, panel: Panels) -> tuple[list[dict], list[dict]]:
    """A dotted line down the first column at each milestone event, labelled above the top panel. One line spans
    every row (the rows share their dates), rather than one per panel: a ninth of the shapes to draw."""
    shapes, labels = [], []
    bottom, top = panel.y_domain(panel.rows)[0], panel.y_domain(1)[1]
    for index, (_, event) in enumerate(milestones.iterrows()):
        day = event["date"].date()
        if not selection.start <= day <= min(selection.end, selection.window_end):
            continue
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": day.isoformat(),
                "x1": day.isoformat(),
                "y0": bottom,
                "y1": top,
                "layer": "below",
                "line": {"width": 1, "dash": "dot", "color": "#888888"},
            }
        )
        labels.append(
            {
                "x": day.isoformat(),
                "y": 1,
                "yshift": 28 + 15 * (index % 3),
                "xref": "x",
                "yref": "paper",
                "text": charts.escape_plotly(event["milestone"]),
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#666666"},
            }
        )
    return shapes, labels


def claims_without_numbers(claims: pd.DataFrame) -> pd.DataFrame:
    """Selected claims the chart cannot place because no number was given (e.g. "dozens"); `claims` comes from
    filters.mark_selected."""
    return claims[claims["selected"] & claims["value_high"].isna()]
