"""Every reported casualty, detention and crowd figure over time, by who claimed it.

One panel per category; each claim is a point at the date it was made public, coloured by the
claimant's group and shaped by its status. A thin line joins each claim to the earlier claim it
revises, so the path of the official toll (including the retracted 164) can be read.
Later reports (after the study window) get a compressed column of their own on the right.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components import charts
from components.dataset import Dataset
from components.filters import Selection, selected_claims, with_claimant_group

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


def claims_frame(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """All casualty claims with the claimant's group, the scope's name and whether the selection keeps them."""
    claims = with_claimant_group(dataset["casualty_reports"], dataset, "claimant_actor_id")
    place_names = dataset["places"].set_index("place_id")["name"]
    return claims.assign(selected=selected_claims(claims, selection), scope=claims["scope_place_id"].map(place_names))


def revision_segments(claims: pd.DataFrame) -> tuple[list, list]:
    """x and y of the lines from each revised claim to the claim that revises it (None-separated)."""
    by_id = claims.set_index("report_id")
    xs, ys = [], []
    for _, claim in claims[claims["revises_report_id"].notna()].iterrows():
        if claim["revises_report_id"] not in by_id.index or pd.isna(claim["value_high"]):
            continue
        earlier = by_id.loc[claim["revises_report_id"]]
        if pd.isna(earlier["value_high"]):
            continue
        xs += [earlier["date"], claim["date"], None]
        ys += [earlier["value_high"], claim["value_high"], None]
    return xs, ys


def casualty_figure(
    dataset: Dataset,
    selection: Selection,
    actor_names: dict[str, str],
    citation_lookup: dict[str, str],
    group_labels: dict[str, str],
) -> go.Figure:
    """The chart for a selection; claims outside it stay, dimmed. Raises nothing for an empty selection."""
    claims = claims_frame(dataset, selection)
    plotted = claims[claims["value_high"].notna()]
    in_window = plotted["date"].dt.date <= selection.window_end
    # Dimmed claims keep the date axis honest; only the selection's date window trims it.
    visible = plotted[
        (plotted["date"].dt.date >= selection.start)
        & ((plotted["date"].dt.date <= selection.end) | (~in_window & selection.include_later))
    ]
    categories = [category for category in CATEGORY_TITLES if (visible["category"] == category).any()]
    later = selection.include_later and (visible["date"].dt.date > selection.window_end).any()
    columns = 2 if later else 1
    figure = make_subplots(
        rows=max(len(categories), 1),
        cols=columns,
        column_widths=[0.72, 0.28] if later else [1.0],
        horizontal_spacing=0.03,
        vertical_spacing=0.045,
        subplot_titles=[
            title
            for category in categories
            for title in ([CATEGORY_TITLES[category], ""] if later else [CATEGORY_TITLES[category]])
        ],
    )
    for row, category in enumerate(categories, start=1):
        own = visible[visible["category"] == category]
        for column in range(1, columns + 1):
            part = own[(own["date"].dt.date <= selection.window_end) == (column == 1)]
            lines_x, lines_y = revision_segments(part)
            if lines_x:
                figure.add_trace(
                    go.Scatter(
                        x=lines_x,
                        y=lines_y,
                        mode="lines",
                        hoverinfo="skip",
                        showlegend=False,
                        line={"color": "#9a9a9a", "width": 1},
                    ),
                    row=row,
                    col=column,
                )
            for status, claims_of_status in part.groupby("status"):
                figure.add_trace(
                    _points(claims_of_status, status, category, actor_names, citation_lookup), row=row, col=column
                )
            for _, retracted in part[
                (part["status"] == "official_retracted") & (part["scope_place_id"] == NATIONWIDE)
            ].iterrows():
                figure.add_annotation(
                    x=retracted["date"],
                    y=float(retracted["value_high"]),
                    text="retracted",
                    showarrow=False,
                    xanchor="left",
                    xshift=9,
                    font={"size": 11, "color": "#888888"},
                    row=row,
                    col=column,
                )
    _axes(figure, selection, visible, categories, columns)
    _milestones(figure, dataset, selection)
    shown_groups = list(dict.fromkeys(visible.loc[visible["selected"], "group_id"]))
    for trace in charts.legend_traces(shown_groups, group_labels, list(dict.fromkeys(visible["status"]))):
        figure.add_trace(trace)
    figure.update_layout(
        height=PANEL_HEIGHT * max(len(categories), 1) + 180,
        margin={"l": 10, "r": 10, "t": 100, "b": 10},
        legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "font": {"size": 12}},
        hovermode="closest",
        font=charts.FONT,
    )
    return figure


def _points(
    claims: pd.DataFrame, status: str, category: str, actor_names: dict[str, str], citation_lookup: dict[str, str]
) -> go.Scatter:
    low, high = claims["value_low"].astype(float), claims["value_high"].astype(float)
    ranged = (high - low) > 0
    return go.Scatter(
        x=claims["date"],
        y=high,
        mode="markers",
        showlegend=False,
        name=f"{CATEGORY_TITLES[category]}: {charts.STATUS_LABELS[status]}",
        customdata=claims["report_id"],
        # Figures for one city or region are drawn smaller than nationwide ones.
        marker={
            "symbol": charts.STATUS_SYMBOLS[status],
            "color": charts.marker_colours(claims),
            "size": [11 if scope == NATIONWIDE else 6 for scope in claims["scope_place_id"]],
            "opacity": [1 if selected else charts.DIMMED_OPACITY for selected in claims["selected"]],
            "line": {"width": 2, "color": charts.marker_colours(claims)},
        },
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [0] * len(claims),
            "arrayminus": (high - low).where(ranged, 0).tolist(),
            "visible": bool(ranged.any()),
            "width": 0,
        },
        hovertext=[
            ("" if row["scope_place_id"] == NATIONWIDE else f"{charts.escape_plotly(row['scope'])} only<br>")
            + charts.hover_text(row, actor_names, citation_lookup)
            for _, row in claims.iterrows()
        ],
        hoverinfo="text",
    )


def _axes(figure: go.Figure, selection: Selection, visible: pd.DataFrame, categories: list[str], columns: int) -> None:
    """Explicit ranges: each row's y axis spans its own claims, in both columns; x spans the window and the later
    reports."""
    pad = timedelta(hours=12)
    later = visible[visible["date"].dt.date > selection.window_end]["date"]
    for row, category in enumerate(categories, start=1):
        top = float(visible.loc[visible["category"] == category, "value_high"].max()) * 1.15
        last_row = row == len(categories)
        figure.update_xaxes(
            range=[selection.start - pad, selection.end + pad],
            row=row,
            col=1,
            dtick=86400000 * 2,
            tickformat="%-d %b",
            showticklabels=last_row,
        )
        figure.update_yaxes(range=[0, top], tickformat=",d", row=row, col=1)
        if columns == 2:
            figure.update_xaxes(
                range=[later.min() - timedelta(days=30), later.max() + timedelta(days=30)],
                tickformat="%b %Y",
                nticks=4,
                row=row,
                col=2,
                showticklabels=last_row,
            )
            figure.update_yaxes(range=[0, top], showticklabels=False, row=row, col=2)


def _milestones(figure: go.Figure, dataset: Dataset, selection: Selection) -> None:
    """Dotted lines at the events the data marks as milestones, labelled once on the top panel."""
    events = dataset["events"]
    milestones = events[events["milestone"].notna()]
    for index, (_, event) in enumerate(milestones.iterrows()):
        day = event["date"].date()
        if not selection.start <= day <= min(selection.end, selection.window_end):
            continue
        figure.add_vline(
            x=pd.Timestamp(day).timestamp() * 1000,
            line={"width": 1, "dash": "dot", "color": "#888888"},
            col=1,
            row="all",
        )
        figure.add_annotation(
            x=pd.Timestamp(day),
            y=1,
            yshift=28 + 15 * (index % 3),
            xref="x",
            yref="paper",
            text=charts.escape_plotly(event["milestone"]),
            showarrow=False,
            yanchor="bottom",
            font={"size": 11, "color": "#666666"},
        )


def claims_without_numbers(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Selected claims the chart cannot place because no number was given (e.g. "dozens")."""
    claims = claims_frame(dataset, selection)
    return claims[claims["selected"] & claims["value_high"].isna()]
