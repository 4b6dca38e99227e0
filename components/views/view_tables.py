"""Each chart's and map's data as a table a screen reader can read: exactly the rows the view draws.

A chart draws every claim with a number in its dates (up to the day shown, in a view of one day) and dims those
outside the selection, so its table has every drawn claim and says which are selected. A map draws the selection's
events at places with a coordinate and the contingent legs with both ends located; its tables list those, one row
per event or leg, with the point it is drawn at. tests/test_view_tables.py compares these rows with the charts'
traces and the maps' layers.
"""

from __future__ import annotations

import pandas as pd

from components.data.citations import cite
from components.data.filters import Selection
from components.views import casualty_chart, charts, force_chart, map_kazakhstan

EVERY_SOURCE = 1_000  # a table lists every source of a row, where a tooltip shows the first three
IN_SELECTION = {True: "yes", False: "no (dimmed)"}


CLAIM_COLUMNS = ["Claimant", "Made public", "Figure as stated", "Status", "Sources", "In selection"]


def drawn_claims(marked: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """A claims chart's points: claims with a number, in the selection's dates or among the later reports when those
    are included, and made public by the day shown, if one is (the charts' own rule, claims_grid.figure). `marked`
    comes from filters.mark_selected."""
    day = marked["day"]
    later = day > selection.window_end
    shown = marked["value_high"].notna() & (day >= selection.start)
    shown &= (day <= selection.end) | (later & selection.include_later)
    if selection.day is not None:
        shown &= day <= selection.day
    return marked[shown]


def _claims_table(
    marked: pd.DataFrame,
    selection: Selection,
    panels: dict[str, str],
    panel_column: str,
    actor_names: dict[str, str],
    citation_lookup: dict[str, str],
    extra: dict | None = None,
) -> pd.DataFrame:
    """One row per point of a claims chart, panel by panel in the chart's order, then by date; `extra` names more
    columns, each read from a column of the claims."""
    order = {category: place for place, category in enumerate(panels)}
    drawn = drawn_claims(marked, selection)
    drawn = drawn.assign(panel=drawn["category"].map(order)).sort_values(["panel", "date", "figure_id"])
    rows = [
        {
            panel_column: panels[claim["category"]],
            "Claimant": actor_names[claim["claimant_actor_id"]],
            "Made public": charts.date_text(claim),
            "Figure as stated": claim["figure_as_stated"],
            "Status": charts.STATUS_LABELS[claim["status"]],
            "Sources": cite(claim["source_ids"], citation_lookup, limit=EVERY_SOURCE),
            "In selection": IN_SELECTION[bool(claim["selected"])],
            **{name: claim[column] for name, column in (extra or {}).items()},
            "ID": claim["figure_id"],
        }
        for claim in drawn.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=[panel_column, *CLAIM_COLUMNS, *(extra or {}), "ID"])


def casualty_table(
    marked: pd.DataFrame, selection: Selection, actor_names: dict[str, str], citation_lookup: dict[str, str]
) -> pd.DataFrame:
    """One row per point of the casualty chart, with what each figure covers."""
    return _claims_table(
        marked, selection, casualty_chart.CATEGORY_TITLES, "Panel", actor_names, citation_lookup, {"Covers": "coverage"}
    )


def force_table(
    marked: pd.DataFrame, selection: Selection, actor_names: dict[str, str], citation_lookup: dict[str, str]
) -> pd.DataFrame:
    """One row per point of the force chart, contingent by contingent (the chart's panels, the whole force first)."""
    return _claims_table(marked, selection, force_chart.ROWS, "Contingent", actor_names, citation_lookup)


EVENT_COLUMNS = ["Date", "Event", "Place", "Drawn at", "Deaths reported", "Sources", "ID"]


def event_table(events: pd.DataFrame, positions: pd.DataFrame, citation_lookup: dict[str, str]) -> pd.DataFrame:
    """One row per event a map draws (the events at places with a coordinate, as maps.events_by_place gathers
    them), by date. "Drawn at" names the point: a site without a coordinate of its own is drawn at its city's."""
    where = positions.set_index("place_id")
    mapped = events[events["place_id"].isin(where.index)].sort_values(["date", "event_id"])
    rows = [
        {
            "Date": charts.date_text(event),
            "Event": event["title"],
            "Place": where.at[event["place_id"], "name"],
            "Drawn at": where.at[event["place_id"], "point_name"],
            "Deaths reported": "unknown" if pd.isna(event["deaths_reported"]) else f"{int(event['deaths_reported']):,}",
            "Sources": cite(event["source_ids"], citation_lookup, limit=EVERY_SOURCE),
            "ID": event["event_id"],
        }
        for event in mapped.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


LEG_COLUMNS = ["Contingent", "Unit", "Movement", "Date", "From", "To", "Sources", "ID"]


def leg_table(
    arc_rows: pd.DataFrame, movements: pd.DataFrame, positions: pd.DataFrame, citation_lookup: dict[str, str]
) -> pd.DataFrame:
    """One row per contingent leg the national map draws as an arc (`arc_rows`, from map_kazakhstan.arcs), by
    date; `movements` is the contingent_movements table."""
    names = positions.set_index("place_id")["point_name"]
    legs = movements[movements["movement_id"].isin(set(arc_rows["movement_id"]))].sort_values(["date", "movement_id"])
    rows = [
        {
            "Contingent": map_kazakhstan.CONTRIBUTOR_NAMES[leg["contributor"]],
            "Unit": leg["unit"],
            "Movement": "deployment" if leg["direction"] == "deployment" else "withdrawal",
            "Date": charts.date_text(leg),
            "From": names[leg["origin_place_id"]],
            "To": names[leg["destination_place_id"]],
            "Sources": cite(leg["source_ids"], citation_lookup, limit=EVERY_SOURCE),
            "ID": leg["movement_id"],
        }
        for leg in legs.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=LEG_COLUMNS)
