"""Every claim about the size of the CSTO force and its national contingents.

One row per contributor (the whole force first); each claim is a point at its figure (a line where
a range is given), coloured by the claimant's group and shaped by its status, so official figures,
media reports and outliers read apart. The whole force's latest announced and deployed official
figures are labelled.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from components import charts
from components.dataset import Dataset
from components.filters import Selection, selected_claims, with_claimant_group

ROWS = {
    "CSTO": "Whole CSTO force",
    "RUS": "Russia",
    "BLR": "Belarus",
    "ARM": "Armenia",
    "KGZ": "Kyrgyzstan",
    "TJK": "Tajikistan",
}
LOG_TICKS = [50, 100, 200, 500, 1000, 2000, 5000]
PHASE_LABELS = {
    "announced": "announced",
    "deployed": "deployed",
    "withdrawing": "withdrawing",
    "standing": "standing force",
}


def claims_frame(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    claims = with_claimant_group(dataset["force_deployments"], dataset, "claimant_actor_id")
    return claims.assign(selected=selected_claims(claims, selection))


def _row_positions(claims: pd.DataFrame) -> pd.Series:
    """A y position per claim: its contributor's row, spread a little so claims of equal size don't hide."""
    order = {contributor: index for index, contributor in enumerate(reversed(list(ROWS)))}
    rank = claims.groupby("contributor").cumcount()
    size = claims.groupby("contributor")["claim_id"].transform("count")
    spread = (rank - (size - 1) / 2) * (0.78 / size.clip(lower=2))
    return claims["contributor"].map(order) + spread


def force_figure(
    dataset: Dataset,
    selection: Selection,
    actor_names: dict[str, str],
    citation_lookup: dict[str, str],
    group_labels: dict[str, str],
) -> go.Figure:
    claims = claims_frame(dataset, selection).sort_values(["contributor", "date", "claim_id"])
    numbered = claims[claims["personnel_high"].notna()].copy()
    numbered["y"] = _row_positions(numbered)
    figure = go.Figure()
    for _, claim in numbered[numbered["personnel_high"] > numbered["personnel_low"]].iterrows():
        figure.add_trace(
            go.Scatter(
                x=[claim["personnel_low"], claim["personnel_high"]],
                y=[claim["y"], claim["y"]],
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"width": 3, "color": charts.marker_colours(claim.to_frame().T)[0]},
                opacity=1 if claim["selected"] else charts.DIMMED_OPACITY,
            )
        )
    for status, group in numbered.groupby("status"):
        figure.add_trace(
            go.Scatter(
                x=group["personnel_high"].astype(float),
                y=group["y"],
                mode="markers",
                showlegend=False,
                name=charts.STATUS_LABELS[status],
                customdata=group["claim_id"],
                marker={
                    "symbol": charts.STATUS_SYMBOLS[status],
                    "size": 12,
                    "color": charts.marker_colours(group),
                    "opacity": [1 if selected else charts.DIMMED_OPACITY for selected in group["selected"]],
                    "line": {"width": 2, "color": charts.marker_colours(group)},
                },
                hovertext=[
                    charts.hover_text(row, actor_names, citation_lookup) + f"<br>Phase: {PHASE_LABELS[row['phase']]}"
                    for _, row in group.iterrows()
                ],
                hoverinfo="text",
            )
        )
    _label_whole_force(figure, numbered)
    shown_groups = list(dict.fromkeys(numbered.loc[numbered["selected"], "group_id"]))
    for trace in charts.legend_traces(shown_groups, group_labels, list(dict.fromkeys(numbered["status"]))):
        figure.add_trace(trace)
    ticks = list(range(len(ROWS)))
    figure.update_yaxes(
        tickvals=ticks,
        ticktext=list(reversed(ROWS.values())),
        range=[-0.6, len(ROWS) - 0.4],
        showgrid=False,
        fixedrange=True,
    )
    # A log scale: contingents of 70 and a force of 2,500 both need to be readable.
    figure.update_xaxes(
        title_text="Personnel (log scale)",
        type="log",
        tickvals=LOG_TICKS,
        ticktext=[f"{tick:,}" for tick in LOG_TICKS],
        range=[1.6, 3.85],
    )
    figure.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        hovermode="closest",
        legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0, "font": {"size": 12}},
        font=charts.FONT,
    )
    return figure


def _label_whole_force(figure: go.Figure, numbered: pd.DataFrame) -> None:
    """Label the whole force's first official announcement and its latest official deployed figure."""
    whole = numbered[(numbered["contributor"] == "CSTO") & (numbered["status"] == "official")].sort_values(
        ["date", "claim_id"]
    )
    for phase, pick, shift in (("announced", 0, -38), ("deployed", -1, 38)):
        of_phase = whole[whole["phase"] == phase]
        if of_phase.empty:
            continue
        claim = of_phase.iloc[pick]
        figure.add_annotation(
            x=math.log10(float(claim["personnel_high"])),  # annotations on a log axis take the exponent
            y=claim["y"],
            ax=-70,
            ay=shift,
            showarrow=True,
            arrowhead=0,
            text=f"{phase}: {int(claim['personnel_high']):,}",
            font={"size": 12},
        )


def claims_without_numbers(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Selected claims that give no number (e.g. "one company"): written out under the chart."""
    claims = claims_frame(dataset, selection)
    return claims[claims["selected"] & claims["personnel_high"].isna()]
