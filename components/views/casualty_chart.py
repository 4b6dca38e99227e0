"""Every reported casualty, detention and crowd figure over time, by who claimed it.

The death toll leads, full width: the official national toll as a dark step line, every other count around it. The
other measures follow as small panels, four across on a desktop and two on a phone, each with its own date labels,
so that the whole chart fits a desktop screen (claims_grid). Partial counts (a city, hospitals only…) are drawn
small, and a repeat of an earlier figure, a withdrawn one above all, has its own mark and a dotted line to it.
"""

from __future__ import annotations

import pandas as pd

from components.data.dataset import Dataset
from components.data.filters import Selection, with_claimant_group
from components.views import charts, claims_grid
from components.views.claims_grid import PARTIAL_SIZE, REPEAT_SYMBOL, milestones
from components.views.claims_grid import WHOLE_SIZE as NATIONAL_SIZE

__all__ = ["NATIONAL_SIZE", "PARTIAL_SIZE", "REPEAT_SYMBOL", "casualty_figure", "milestones", "prepare"]

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
SPEC = claims_grid.GridSpec(
    # The small panels' titles: a phone's panel is about 150 pixels wide.
    titles={
        "deaths_total": "Deaths, all",
        "deaths_security_forces": "Security forces killed",
        "deaths_attackers": "Killed as “attackers”",
        "deaths_civilians": "Civilians killed",
        "injured": "Injured or treated",
        "injured_security_forces": "Security forces injured",
        "detained": "Detained",
        "participants": "People at the protests",
        "attackers": "Said to be “attackers”",
    },
    lead="deaths_total",
    official_label="Official national toll",
    partial_key="Small: partial count (a city, hospitals only…)",
)
NATIONAL = "national"
# How to read the chart, under its heading (the page and the archival edition).
HOW_TO_READ = (
    "Each point is one claim at the date it was made public; a grey line joins a claim to the earlier one it revised, "
    "a dotted one a repeat to what it repeats. Ranges are drawn as vertical bars."
)
LATER_NOTE = " Reports after 19 January sit past the shaded break, on a compressed time scale."
# How a partial count is named in its hover and table row: what it leaves out is the point.
SCOPE_PHRASES = {
    "region": "{place} only",
    "city": "{place} only",
    "hospitals": "counted in hospitals only",
    "incident": "one incident only ({place})",
    "one_force": "one force's own personnel only",
    "subset": "one part of the count only",
}


def scope_phrase(scope: str, place: str) -> str:
    """ "" for a national count; otherwise what the count covers, e.g. "Almaty only", "counted in hospitals only"."""
    return "" if scope == NATIONAL else SCOPE_PHRASES[scope].format(place=place)


def prepare(dataset: Dataset, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> pd.DataFrame:
    """Everything about each claim that does not depend on the selection, computed once: its claimant's group,
    what it covers, hover text, day, and the points of the claim it revises and of the claim it repeats (for the
    lines drawn between them), in the columns claims_grid draws."""
    claims = with_claimant_group(dataset["casualty_reports"], dataset, "claimant_actor_id")
    place_names = dataset["places"].set_index("place_id")["name"]
    claims = claims.assign(
        figure_id=claims["report_id"],
        repeats=claims["repeats_report_id"],
        place=claims["scope_place_id"].map(place_names),
        day=claims["date"].dt.date,
        partial=claims["scope"] != NATIONAL,
    )
    claims["coverage"] = [scope_phrase(*pair) for pair in zip(claims["scope"], claims["place"], strict=True)]
    by_id = claims.set_index("report_id")
    claims["hover"] = [
        "".join(f"{charts.escape_plotly(line)}<br>" for line in caveats(row, by_id, actor_names))
        + charts.hover_text(row, actor_names, citation_lookup)
        for _, row in claims.iterrows()
    ]
    return claims_grid.with_links(claims, "revises_report_id", "repeats_report_id")


def caveats(claim: pd.Series, by_id: pd.DataFrame, actor_names: dict[str, str]) -> list[str]:
    """The lines a hover opens with when a claim is not a national count, or not a new one."""
    lines = [f"Partial count: {claim['coverage']}. Not a national total."] if claim["partial"] else []
    if pd.notna(claim["repeats_report_id"]):
        lines.append(claims_grid.repeat_line(by_id.loc[claim["repeats_report_id"]], actor_names))
    return lines


def casualty_figure(
    prepared: pd.DataFrame,
    milestones: pd.DataFrame,
    selection: Selection,
    group_labels: dict[str, str],
    narrow: bool = False,
) -> dict:
    """The chart for a selection (claims_grid.figure); claims outside it stay, dimmed."""
    return claims_grid.figure(prepared, SPEC, milestones, selection, group_labels, narrow)


def claims_without_numbers(claims: pd.DataFrame) -> pd.DataFrame:
    """Selected claims the chart cannot place because no number was given (e.g. "dozens"); `claims` comes from
    filters.mark_selected."""
    return claims[claims["selected"] & claims["value_high"].isna()]
