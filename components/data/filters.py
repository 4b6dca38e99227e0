"""The reader's selection (actor groups, date window, later reports, search) and how it applies to each table.

Semantics, stated on the page too:
- No actor group selected means every group.
- Quotes are kept when the speaker's group is selected; events when any actor involved is in a
  selected group; claims when the claimant is; contingent legs when the contributing country's
  group is.
- Dates: a row is kept when its date falls inside the window. Figures and reports made public after
  19 January 2022 are kept when "later reports" is on, whatever the window's end.
- Day: with a day chosen, the page shows the record as it stood at the end of that day: rows dated after it
  are left out, whatever else is chosen (a claim's date is the day it was made public).
- The charts draw every claim and dim the ones outside the selection; maps and tables show only
  the selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from components.data.dataset import Dataset

CONTRIBUTOR_GROUPS = {"RUS": "russia-csto", "CSTO": "russia-csto"}  # every other contributor: csto-members
OTHER_CONTRIBUTOR_GROUP = "csto-members"


@dataclass(frozen=True)
class Selection:
    groups: tuple[str, ...] = ()
    start: date = date(2022, 1, 1)
    end: date = date(2022, 1, 19)
    include_later: bool = True
    search: str = ""
    window_end: date = field(default=date(2022, 1, 19), compare=False)
    day: date | None = None  # the record as it stood at the end of this day; None: the whole record

    @property
    def all_groups(self) -> bool:
        return not self.groups


def study_window(dataset: Dataset) -> tuple[date, date]:
    window = dataset.descriptor["x-study-window"]
    return date.fromisoformat(window["start"]), date.fromisoformat(window["end"])


def group_labels(dataset: Dataset) -> dict[str, str]:
    groups = dataset["actor_groups"]
    return dict(zip(groups["group_id"], groups["label"], strict=True))


def actor_groups(dataset: Dataset) -> dict[str, str]:
    """actor_id → group_id."""
    actors = dataset["actors"]
    return dict(zip(actors["actor_id"], actors["group_id"], strict=True))


def contributor_group(contributor: str) -> str:
    return CONTRIBUTOR_GROUPS.get(contributor, OTHER_CONTRIBUTOR_GROUP)


def in_dates(dates: pd.Series, selection: Selection) -> pd.Series:
    """True for dates inside the window, and for later reports when those are included."""
    days = dates.dt.date
    inside = (days >= selection.start) & (days <= selection.end)
    if selection.include_later:
        inside |= days > selection.window_end
    if selection.day is not None:
        inside &= days <= selection.day
    return inside


def in_groups(groups: pd.Series, selection: Selection) -> pd.Series:
    if selection.all_groups:
        return pd.Series(True, index=groups.index)
    return groups.isin(selection.groups)


def with_claimant_group(frame: pd.DataFrame, dataset: Dataset, column: str) -> pd.DataFrame:
    groups = actor_groups(dataset)
    return frame.assign(group_id=frame[column].map(groups))


def mark_selected(claims: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The claims with `selected`: true where the claimant's group is selected and the date is inside the window
    (claims carry `group_id`). The charts draw every claim and dim the unselected ones."""
    return claims.assign(selected=in_groups(claims["group_id"], selection) & in_dates(claims["date"], selection))


def filter_events(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    events = dataset["events"]
    groups = actor_groups(dataset)
    event_groups = events["actor_ids"].map(lambda ids: tuple(dict.fromkeys(groups[actor] for actor in ids)))
    if selection.all_groups:
        involved = pd.Series(True, index=events.index)
    else:
        chosen = set(selection.groups)
        involved = event_groups.map(lambda found: bool(chosen.intersection(found)))
    primary = event_groups.map(lambda found: next((g for g in found if g in selection.groups), found[0]))
    kept = events.assign(group_id=primary)
    return kept[involved & in_dates(events["date"], selection)]


def filter_movements(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """The selection's contingent legs. With a day chosen, the contingents on the ground that day: a deployment leg
    from its date until its contingent's last withdrawal leg, and a withdrawal leg on its own date only."""
    movements = dataset["contingent_movements"]
    framed = movements.assign(group_id=movements["contributor"].map(contributor_group))
    kept = in_groups(framed["group_id"], selection) & in_dates(framed["date"], selection)
    if selection.day is not None:
        day = pd.Timestamp(selection.day)
        left = framed["contributor"].map(departures(dataset))
        deployed = (framed["direction"] == "deployment") & (left.isna() | (left > day))
        leaving = (framed["direction"] == "withdrawal") & (framed["date"] == day)
        kept &= deployed | leaving
    return framed[kept]


def departures(dataset: Dataset) -> pd.Series:
    """contributor → the day its contingent had all left: the later of its last withdrawal leg and the last
    withdrawal event involving that country's own actors (the legs record where units went, not every flight: the
    last Russian aircraft left on 19 January; the Armenian and Tajik ways home have no leg at all)."""
    movements = dataset["contingent_movements"]
    legs = movements[movements["direction"] == "withdrawal"].groupby("contributor")["date"].max()
    countries = dataset["actors"].set_index("actor_id")["country"]
    events = dataset["events"]
    withdrawals = events[events["category"] == "csto_withdrawal"]
    by_country = (
        withdrawals.assign(country=withdrawals["actor_ids"].map(lambda ids: {countries[actor] for actor in ids}))
        .explode("country")
        .dropna(subset=["country"])
        .groupby("country")["date"]
        .max()
    )
    events_by_contributor = by_country[by_country.index.isin(set(movements["contributor"]))]
    return pd.concat([legs, events_by_contributor]).groupby(level=0).max()


def search_mask(frame: pd.DataFrame, columns: list[str], text: str) -> pd.Series:
    """Case-insensitive literal match of every word of `text` in any of the columns."""
    words = text.split()
    if not words:
        return pd.Series(True, index=frame.index)
    haystack = frame[columns].fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word.casefold(), regex=False)
    return mask
