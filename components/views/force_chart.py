"""Every claim about the size of the CSTO force and its national contingents, over time.

The whole force leads, full width, with the story's milestones: its official figures as a dark step line, labelled
where it was announced and where it stood once deployed, and every media figure around it. Each national contingent
follows in a small panel of its own (claims_grid). Each claim is a point at the date it was made public, coloured by
the claimant's group and shaped by its status, so official figures, media reports and outliers read apart; a range
is a vertical bar; a media report repeating an official figure has its own mark and a dotted line to it.
"""

from __future__ import annotations

import pandas as pd

from components.data.dataset import Dataset
from components.data.filters import Selection, with_claimant_group
from components.views import charts, claims_grid
from components.views.claims_grid import Timeline

ROWS = {
    "CSTO": "Whole CSTO force",
    "RUS": "Russia",
    "BLR": "Belarus",
    "ARM": "Armenia",
    "KGZ": "Kyrgyzstan",
    "TJK": "Tajikistan",
}
PHASE_LABELS = {
    "announced": "announced",
    "deployed": "deployed",
    "withdrawing": "withdrawing",
    "standing": "standing force",
}
STANDING = "standing"
# How to read the chart, under its heading (the page and the archival edition).
HOW_TO_READ = (
    "Each point is one claim at the date it was made public: filled markers are official figures, open ones media "
    "reports, triangles media figures above every official figure for the whole force."
)


def phase_labels(claims: list[dict], timeline: Timeline) -> list[dict]:
    """Labels for the whole force's first official announcement (to its left) and its latest official deployed
    figure (below and to its left, under the step down to it), where no other claim is drawn."""
    official = sorted(
        (c for c in claims if c["status"] == "official" and not c["partial"] and pd.isna(c["repeats"])),
        key=lambda claim: (claim["day"], claim["figure_id"]),
    )
    labels = []
    for phase, pick, below in (("announced", 0, False), ("deployed", -1, True)):
        of_phase = [claim for claim in official if claim["phase"] == phase]
        if not of_phase:
            continue
        claim = of_phase[pick]
        labels.append(
            {
                "x": timeline.x(claim["day"]),
                "y": float(claim["value_high"]),
                "text": f"{phase}: {int(claim['value_high']):,}",
                "showarrow": False,
                "xanchor": "right",
                "xshift": -9,
                "yanchor": "top" if below else "middle",
                "yshift": -8 if below else 0,
                "font": {"size": 12},
            }
        )
    return labels


SPEC = claims_grid.GridSpec(
    titles=ROWS,
    lead="CSTO",
    official_label="",  # the phases' labels name the official figures
    partial_key="Small: another force, not the one sent",
    lead_notes=phase_labels,
)


def prepare(dataset: Dataset, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> pd.DataFrame:
    """Everything about each claim that does not depend on the selection, computed once: its claimant's group,
    day, hover text and the point of the claim it repeats, in the columns claims_grid draws."""
    claims = with_claimant_group(dataset["force_deployments"], dataset, "claimant_actor_id")
    claims = claims.sort_values(["contributor", "date", "claim_id"]).reset_index(drop=True)
    claims = claims.assign(
        figure_id=claims["claim_id"],
        category=claims["contributor"],
        value_low=claims["personnel_low"],
        value_high=claims["personnel_high"],
        repeats=claims["repeats_claim_id"],
        day=claims["date"].dt.date,
        partial=claims["phase"] == STANDING,
    )
    by_id = claims.set_index("claim_id")
    claims["hover"] = [
        "".join(f"{charts.escape_plotly(line)}<br>" for line in caveats(row, by_id, actor_names))
        + charts.hover_text(row, actor_names, citation_lookup)
        + f"<br>Phase: {PHASE_LABELS[row['phase']]}"
        for _, row in claims.iterrows()
    ]
    return claims_grid.with_links(claims, None, "repeats_claim_id")


def caveats(claim: pd.Series, by_id: pd.DataFrame, actor_names: dict[str, str]) -> list[str]:
    """The lines a hover opens with for a figure of another force, or a repeat of an earlier figure."""
    lines = ["Another force: the CSTO's standing peacekeeping force, not the force sent."] if claim["partial"] else []
    if pd.notna(claim["repeats"]):
        lines.append(claims_grid.repeat_line(by_id.loc[claim["repeats"]], actor_names))
    return lines


def force_figure(
    prepared: pd.DataFrame, selection: Selection, group_labels: dict[str, str], milestones=None, narrow: bool = False
) -> dict:
    """The chart for a selection (claims_grid.figure); claims outside it stay, dimmed."""
    marks = milestones if milestones is not None else pd.DataFrame(columns=["date", "milestone"])
    return claims_grid.figure(prepared, SPEC, marks, selection, group_labels, narrow)


def claims_without_numbers(claims: pd.DataFrame) -> pd.DataFrame:
    """Selected claims that give no number (e.g. "one company"), written out under the chart; `claims` comes
    from filters.mark_selected."""
    return claims[claims["selected"] & claims["personnel_high"].isna()]
