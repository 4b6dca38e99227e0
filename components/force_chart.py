"""Every claim about the size of the CSTO force and its national contingents.

One row per contributor (the whole force first); each claim is a point at its figure (a line where
a range is given), coloured by the claimant's group and shaped by its status, so official figures,
media reports and outliers read apart. The whole force's latest announced and deployed official
figures are labelled.
"""

from __future__ import annotations

import math

import pandas as pd

from components import charts
from components.dataset import Dataset
from components.filters import Selection, mark_selected, with_claimant_group

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


def prepare(dataset: Dataset, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> pd.DataFrame:
    """Everything about each claim that does not depend on the selection, computed once: its claimant's group,
    its row position (numbered claims only) and hover text; in drawing order."""
    claims = with_claimant_group(dataset["force_deployments"], dataset, "claimant_actor_id")
    claims = claims.sort_values(["contributor", "date", "claim_id"]).reset_index(drop=True)
    numbered = claims["personnel_high"].notna()
    claims.loc[numbered, "y"] = _row_positions(claims[numbered])
    claims["hover"] = [
        charts.hover_text(row, actor_names, citation_lookup) + f"<br>Phase: {PHASE_LABELS[row['phase']]}"
        for _, row in claims.iterrows()
    ]
    return claims


def _row_positions(claims: pd.DataFrame) -> pd.Series:
    """A y position per claim: its contributor's row, spread a little so claims of equal size don't hide."""
    order = {contributor: index for index, contributor in enumerate(reversed(list(ROWS)))}
    rank = claims.groupby("contributor").cumcount()
    size = claims.groupby("contributor")["claim_id"].transform("count")
    spread = (rank - (size - 1) / 2) * (0.78 / size.clip(lower=2))
    return claims["contributor"].map(order) + spread


def force_figure(prepared: pd.DataFrame, selection: Selection, group_labels: dict[str, str]) -> dict:
    """The chart for a selection, as the plain spec Plotly draws (charts.py); claims outside it stay, dimmed."""
    claims = mark_selected(prepared, selection)
    numbered = [claim for claim in claims.to_dict("records") if not pd.isna(claim["personnel_high"])]
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": [float(claim["personnel_low"]), float(claim["personnel_high"])],
            "y": [claim["y"], claim["y"]],
            "mode": "lines",
            "hoverinfo": "skip",
            "showlegend": False,
            "line": {"width": 3, "color": charts.claim_colour(claim)},
            "opacity": charts.claim_opacity(claim),
        }
        for claim in numbered
        if claim["personnel_high"] > claim["personnel_low"]
    ]
    statuses = list(dict.fromkeys(claim["status"] for claim in numbered))
    for status in sorted(statuses):
        group = [claim for claim in numbered if claim["status"] == status]
        colours = [charts.claim_colour(claim) for claim in group]
        traces.append(
            {
                "type": "scatter",
                "x": [float(claim["personnel_high"]) for claim in group],
                "y": [claim["y"] for claim in group],
                "mode": "markers",
                "showlegend": False,
                "name": charts.STATUS_LABELS[status],
                "customdata": [claim["claim_id"] for claim in group],
                "marker": {
                    "symbol": charts.STATUS_SYMBOLS[status],
                    "size": 12,
                    "color": colours,
                    "opacity": [charts.claim_opacity(claim) for claim in group],
                    "line": {"width": 2, "color": colours},
                },
                "hovertext": [claim["hover"] for claim in group],
                "hoverinfo": "text",
            }
        )
    shown_groups = list(dict.fromkeys(claim["group_id"] for claim in numbered if claim["selected"]))
    traces += charts.legend_traces(shown_groups, group_labels, statuses)
    layout = {
        "height": 560,
        # Fixed margins wide enough for the labels (charts.label_margin), not Plotly's automargin: the countries'
        # names on the left; the personnel figures and the axis title below.
        "margin": {"l": charts.label_margin(list(ROWS.values())), "r": 10, "t": 10, "b": 60},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0, "font": {"size": 12}},
        "font": charts.FONT,
        "yaxis": {
            "tickvals": list(range(len(ROWS))),
            "ticktext": list(reversed(ROWS.values())),
            "range": [-0.6, len(ROWS) - 0.4],
            "showgrid": False,
            "fixedrange": True,
            "automargin": False,
        },
        # A log scale: contingents of 70 and a force of 2,500 both need to be readable.
        "xaxis": {
            "title": {"text": "Personnel (log scale)"},
            "type": "log",
            "tickvals": LOG_TICKS,
            "ticktext": [f"{tick:,}" for tick in LOG_TICKS],
            "range": [1.6, 3.85],
            "automargin": False,
        },
        "annotations": _whole_force_labels(numbered),
    }
    return {"data": traces, "layout": layout}


def _whole_force_labels(numbered: list[dict]) -> list[dict]:
    """Labels for the whole force's first official announcement and its latest official deployed figure."""
    whole = sorted(
        (claim for claim in numbered if claim["contributor"] == "CSTO" and claim["status"] == "official"),
        key=lambda claim: (claim["date"], claim["claim_id"]),
    )
    labels = []
    for phase, pick, shift in (("announced", 0, -38), ("deployed", -1, 38)):
        of_phase = [claim for claim in whole if claim["phase"] == phase]
        if not of_phase:
            continue
        claim = of_phase[pick]
        labels.append(
            {
                "x": math.log10(float(claim["personnel_high"])),  # annotations on a log axis take the exponent
                "y": claim["y"],
                "ax": -70,
                "ay": shift,
                "showarrow": True,
                "arrowhead": 0,
                "text": f"{phase}: {int(claim['personnel_high']):,}",
                "font": {"size": 12},
            }
        )
    return labels


def claims_without_numbers(claims: pd.DataFrame) -> pd.DataFrame:
    """Selected claims that give no number (e.g. "one company"), written out under the chart; `claims` comes
    from filters.mark_selected."""
    return claims[claims["selected"] & claims["personnel_high"].isna()]
