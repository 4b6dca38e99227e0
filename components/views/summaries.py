"""Sentences that say what each view shows for a selection: captions, alt text and empty states."""

from __future__ import annotations

import pandas as pd


def count_of(shown: int, total: int, noun: str) -> str:
    return f"{shown:,} of {total:,} {noun}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def is_narrow_screen(user_agent: str | None) -> bool:
    """Phones announce themselves with "Mobi" in the user agent (the convention browsers follow)."""
    return bool(user_agent) and "Mobi" in user_agent


def selection_phrase(labels: list[str]) -> str:
    if not labels:
        return "all actor groups"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def national_map_caption(events: int, all_events: int, points: pd.DataFrame, legs: int, undrawn_legs: int) -> str:
    """What the map of Kazakhstan draws of the selection's `events` (of `all_events`), and how to read its legs."""
    unmapped = events - int(points["events"].sum()) if len(points) else events
    return (
        f"{count_of(events, all_events, 'events')} at {plural(len(points), 'place')} ({unmapped} nationwide or "
        f"without a location are not mapped); {plural(legs, 'contingent leg')}"
        + (f", {undrawn_legs} without a sourced coordinate not drawn" if undrawn_legs else "")
        + ". "
        + (
            "Each leg's width follows the contingent's claimed size; a withdrawal is dashed and bends the other way "
            "from the deployment it reverses. Legs from Russia, Belarus and Armenia start beyond the map's west edge: "
            "drag the map to follow them. "
            if legs
            else ""
        )
        + f"Point at a circle{' or a leg' if legs else ''} for details and sources."
    )


def almaty_map_caption(points: pd.DataFrame) -> str:
    events = int(points["events"].sum()) if len(points) else 0
    return (
        f"{plural(events, 'event')} at {plural(len(points), 'place')} in the city; sites without a sourced coordinate "
        "are shown at the city centre."
    )


def map_alt(points: pd.DataFrame, arcs: pd.DataFrame | None, place: str) -> str:
    text = f"Map of {place} with {len(points)} marked places"
    if arcs is not None:
        text += f" and {len(arcs)} CSTO contingent routes"
    busiest = points.sort_values("events", ascending=False).head(3)
    if len(busiest):
        text += "; most events at " + ", ".join(f"{row['name']} ({row['events']})" for _, row in busiest.iterrows())
    return text + "."


def claims_alt(claims: pd.DataFrame, what: str, figure: dict) -> str:
    """The chart's text alternative: how many claims it draws (those with a number, in the dates shown) and how many
    of them are the selection's."""
    drawn = {point for trace in figure["data"] for point in trace.get("customdata") or []}
    id_column = "report_id" if "report_id" in claims else "claim_id"
    selected = claims[claims["selected"] & claims[id_column].isin(drawn)]
    return (
        f"Chart of {len(drawn)} {what}, {len(selected)} of them from the selected claimants, "
        "each placed at the date it was made public and marked by who made it."
    )


def unnumbered(claims: pd.DataFrame, actor_names: dict[str, str], lead: str) -> str:
    """A sentence listing claims that gave no number, with who said them and when."""
    said = "; ".join(
        f"“{row['figure_as_stated']}” ({actor_names[row['claimant_actor_id']]}, {row['date']:%-d %b %Y})"
        for _, row in claims.iterrows()
    )
    return f"{lead}: {said}."


def group_contents(dataset, labels: dict[str, str], groups_of: dict[str, str]) -> dict[str, str]:
    """Label → "9 quotes, 2 events, 3 figures": what choosing the group keeps (filters' rules: a quote by its speaker,
    an event by any actor involved, a figure by its claimant)."""
    quotes = dataset["quotes"]
    quotes = quotes[quotes["variant_of_quote_id"].isna()]["speaker_actor_id"].map(groups_of).value_counts()
    events = (
        dataset["events"]["actor_ids"].map(lambda ids: {groups_of[actor] for actor in ids}).explode().value_counts()
    )
    claims = (
        pd.concat([dataset[name]["claimant_actor_id"] for name in ("casualty_reports", "force_deployments")])
        .map(groups_of)
        .value_counts()
    )
    return {
        label: ", ".join(
            plural(int(counts.get(group, 0)), noun)
            for counts, noun in ((quotes, "quote"), (events, "event"), (claims, "figure"))
        )
        for group, label in labels.items()
    }


def no_national_map(phrase: str, events: int) -> str:
    """One sentence in place of the national map when the selection has nothing to draw on it."""
    if events == 1:
        happened = f"The one event involving {phrase} in these dates has no place on the map"
    elif events:
        happened = f"None of the {events:,} events involving {phrase} in these dates has a place on the map"
    else:
        happened = f"No event involving {phrase} falls in these dates"
    return f"{happened}, and no contingent of theirs moved, so the map is left out."


def no_city_map(phrase: str) -> str:
    return f"No event involving {phrase} took place in Almaty in these dates, so the city's map is left out."
