"""Each chart's and map's data as a table a screen reader can read: exactly the rows the view draws.

A chart draws every claim with a number in its dates and dims those outside the selection, so its table has every
drawn claim and says which are selected. A map draws the selection's events at places with a coordinate and the
contingent legs with both ends located; its tables list those, one row per event or leg, with the point it is drawn
at. tests/test_view_tables.py compares these rows with the charts' traces and the maps' layers.
"""

from __future__ import annotations

import pandas as pd

from components import casualty_chart, charts, force_chart, map_kazakhstan
from components.citations import cite
from components.filters import Selection

EVERY_SOURCE = 1_000  # a table lists every source of a row, where a tooltip shows the first three
IN_SELECTION = {True: "yes", False: "no (dimmed)"}


def _claim_columns(claim: dict, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> dict:
    return {
        "Claimant": actor_names[claim["claimant_actor_id"]],
        "Made public": charts.date_text(claim),
        "Figure as stated": claim["figure_as_stated"],
        "Status": charts.STATUS_LABELS[claim["status"]],
        "Sources": cite(claim["source_ids"], citation_lookup, limit=EVERY_SOURCE),
        "In selection": IN_SELECTION[bool(claim["selected"])],
    }


def drawn_casualty_claims(marked: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The casualty chart's points: claims with a number, in the selection's dates or among the later reports
    when those are included (the chart's own rule, casualty_chart.casualty_figure). `marked` comes from
    filters.mark_selected."""
    day = marked["day"]
    later = day > selection.window_end
    shown = (
        marked["value_high"].notna()
        & (day >= selection.start)
        & ((day <= selection.end) | (later & selection.include_later))
    )
    return marked[shown]


def casualty_table(
    marked: pd.DataFrame, selection: Selection, actor_names: dict[str, str], citation_lookup: dict[str, str]
) -> pd.DataFrame:
    """One row per point of the casualty chart, panel by panel (the chart's order), then by date."""
    panels = {category: order for order, category in enumerate(casualty_chart.CATEGORY_TITLES)}
    drawn = drawn_casualty_claims(marked, selection)
    drawn = drawn.assign(panel=drawn["category"].map(panels)).sort_values(["panel", "date", "report_id"])
    rows = [
        {
            "Panel": casualty_chart.CATEGORY_TITLES[claim["category"]],
            **_claim_columns(claim, actor_names, citation_lookup),
            "Scope": claim["scope"],
            "ID": claim["report_id"],
        }
        for claim in drawn.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=CASUALTY_COLUMNS)


CLAIM_COLUMNS = ["Claimant", "Made public", "Figure as stated", "Status", "Sources", "In selection"]
CASUALTY_COLUMNS = ["Panel", *CLAIM_COLUMNS, "Scope", "ID"]
FORCE_COLUMNS = ["Contingent", *CLAIM_COLUMNS, "ID"]


def force_table(marked: pd.DataFrame, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> pd.DataFrame:
    """One row per point of the force chart (every claim with a number), contingent by contingent (the chart's rows,
    top first), then by date."""
    rows_order = {contributor: order for order, contributor in enumerate(force_chart.ROWS)}
    drawn = marked[marked["personnel_high"].notna()]
    drawn = drawn.assign(row=drawn["contributor"].map(rows_order)).sort_values(["row", "date", "claim_id"])
    rows = [
        {
            "Contingent": force_chart.ROWS[claim["contributor"]],
            **_claim_columns(claim, actor_names, citation_lookup),
            "ID": claim["claim_id"],
        }
        for claim in drawn.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=FORCE_COLUMNS)


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
