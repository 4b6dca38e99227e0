"""The page's opening: the headline figures as the record stood at the end of a day (or in full), and the short
list of what the record settles and what stays disputed.

Each headline figure is a claim from the data, never a sum or an estimate of the page's own: the latest official
national figure made public by then, not withdrawn and not superseded, with who gave it, when, and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from components.data.dataset import Dataset

OFFICIAL = "official"
NATIONAL = "national"
WHOLE_FORCE = "CSTO"
# Where a key fact's rows are drawn on the page: the anchors of the sections' headings.
SECTION_OF = {
    "casualty_reports": "how-the-toll-was-counted",
    "force_deployments": "how-many-troops-the-csto-sent",
    "contingent_movements": "where-it-happened",
    "events": "where-it-happened",
    "quotes": "what-they-said",
}


@dataclass(frozen=True)
class Headline:
    """One headline figure: its label, its value as the page shows it, the number behind it (None when there is
    none), who gave it and when, the source, and a line of context."""

    label: str
    value: str
    number: int | None
    attribution: str
    context: str = ""


def amount(claim: pd.Series) -> str:
    """The figure as a reader should see it: "238", "over 150", "almost 10,000"."""
    note = claim["notes"] if isinstance(claim["notes"], str) else ""
    number = f"{int(claim['value_high']):,}"
    if note.startswith("Lower bound"):
        return f"over {number}"
    if note.startswith("Upper bound"):
        return f"almost {number}"
    return number


def made_public_by(frame: pd.DataFrame, day: date | None) -> pd.DataFrame:
    return frame if day is None else frame[frame["date"].dt.date <= day]


def standing(claims: pd.DataFrame, category: str, day: date | None) -> pd.DataFrame:
    """The official national figures for a category that stood at the end of `day`: made public by then, not
    withdrawn, not repeats, not revised by another figure made public by then; latest first."""
    known = made_public_by(claims, day)
    own = known[
        (known["category"] == category)
        & (known["scope"] == NATIONAL)
        & (known["status"] == OFFICIAL)
        & known["repeats_report_id"].isna()
        & known["value_high"].notna()
    ]
    revised = set(known["revises_report_id"].dropna())
    return own[~own["report_id"].isin(revised)].sort_values(["date", "report_id"], ascending=False)


def attribution(claim: pd.Series, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> str:
    when = f"{claim['date']:%B %Y}" if claim["date_precision"] == "month" else f"{claim['date']:%-d %B %Y}"
    return f"{actor_names[claim['claimant_actor_id']]}, {when}. Source: {citation_lookup[claim['source_ids'][0]]}"


TOLL, DETAINED, TROOPS = "Dead, official toll", "Detained, official count", "CSTO troops in Kazakhstan"


def death_toll(dataset: Dataset, day: date | None, names: dict[str, str], lookup: dict[str, str]) -> Headline:
    """The death toll as it officially stood, with the range of the other national counts made public by then."""
    claims = dataset["casualty_reports"]
    official = standing(claims, "deaths_total", day)
    known = made_public_by(claims, day)
    totals = known[(known["category"] == "deaths_total") & (known["scope"] == NATIONAL) & known["value_high"].notna()]
    withdrawn = totals[totals["status"] == "official_retracted"]
    others = totals[totals["status"].isin(["independent", "media"]) & totals["repeats_report_id"].isna()]
    notes = []
    if len(others):
        low, high = int(others["value_high"].min()), int(others["value_high"].max())
        counts = f"{low:,}" if low == high else f"{low:,} to {high:,}"
        notes.append(f"Independent and media counts{' by then' if day else ''}: {counts}.")
    if len(withdrawn) and (official.empty or withdrawn["date"].max() >= official["date"].max()):
        latest = withdrawn.sort_values("date").iloc[-1]
        notes.append(f"A toll of {int(latest['value_high']):,} was posted and withdrawn on {latest['date']:%-d %B}.")
    if official.empty:
        return Headline(
            TOLL,
            "No total yet",
            None,
            "No official national total had been given.",
            " ".join([*partial_tolls(claims, day), *notes]),
        )
    claim = official.iloc[0]
    return Headline(TOLL, amount(claim), int(claim["value_high"]), attribution(claim, names, lookup), " ".join(notes))


def partial_tolls(claims: pd.DataFrame, day: date | None) -> list[str]:
    """Before any national total: what the officials had counted instead, category by category."""
    counted = [
        f"{amount(figures.iloc[0])} {label}"
        for category, label in (("deaths_security_forces", "security personnel"), ("deaths_attackers", "“attackers”"))
        if len(figures := standing(claims, category, day))
    ]
    return [f"Officials had counted {' and '.join(counted)} dead."] if counted else []


def detained(dataset: Dataset, day: date | None, names: dict[str, str], lookup: dict[str, str]) -> Headline:
    """The latest official national count of people detained."""
    official = standing(dataset["casualty_reports"], "detained", day)
    if official.empty:
        return Headline(DETAINED, "None given yet", None, "No official national count had been given.")
    claim = official.iloc[0]
    return Headline(DETAINED, amount(claim), int(claim["value_high"]), attribution(claim, names, lookup))


def troops(dataset: Dataset, day: date | None, names: dict[str, str], lookup: dict[str, str]) -> Headline:
    """CSTO personnel in Kazakhstan at the end of a day: none before the first contingent landed or after the last
    left; in between, the latest official figure for the whole force made public by then."""
    # The legs record where units flew from and to, not every flight: the first landing and the first departure
    # are their dates, the last departure is the last withdrawal event (the last Russian flights, 19 January).
    legs, events = dataset["contingent_movements"], dataset["events"]
    landed = first_date(legs.loc[legs["direction"] == "deployment", "date"])
    leaving = first_date(legs.loc[legs["direction"] == "withdrawal", "date"])
    gone = first_date(events.loc[events["category"] == "csto_withdrawal", "date"], last=True)
    if day is not None and day < landed:
        return Headline(TROOPS, "None", 0, f"The first contingents landed on {landed:%-d %B}.")
    if day is not None and day >= gone:
        return Headline(TROOPS, "None", 0, f"The last contingents left on {gone:%-d %B}.")
    claims = made_public_by(dataset["force_deployments"], day)
    official = claims[
        (claims["contributor"] == WHOLE_FORCE)
        & (claims["status"] == OFFICIAL)
        & claims["personnel_high"].notna()
        & claims["phase"].isin(["announced", "deployed"])
    ].sort_values(["date", "claim_id"], ascending=False)
    if official.empty:
        return Headline(TROOPS, "Arriving", None, "No official figure had been given.")
    claim = official.iloc[0]
    if day is None:
        context = f"At full strength, from five countries; all had left by {gone:%-d %B}."
    elif day >= leaving:
        # No official count of those still there was given while they left: the last figure is the full strength.
        at_full = f"{int(claim['personnel_high']):,} at full strength; the withdrawal began on {leaving:%-d %B}."
        return Headline(
            TROOPS, "Leaving", None, attribution(claim.rename({"personnel_high": "value_high"}), names, lookup), at_full
        )
    else:
        context = f"The {claim['phase']} figure."
    figure = claim.rename({"personnel_high": "value_high"})
    return Headline(TROOPS, amount(figure), int(claim["personnel_high"]), attribution(figure, names, lookup), context)


def first_date(dates: pd.Series, last: bool = False) -> date:
    """The earliest (or latest) of some dates; when there are none, a date no day reaches."""
    if dates.empty:
        return date.max
    return (dates.max() if last else dates.min()).date()


def headlines(dataset: Dataset, day: date | None, names: dict[str, str], lookup: dict[str, str]) -> list[Headline]:
    return [figure(dataset, day, names, lookup) for figure in (death_toll, detained, troops)]


def change(today: Headline, yesterday: Headline | None) -> str | None:
    """The change against the day before, in words, when both days have a number and it moved."""
    if yesterday is None or today.number is None or yesterday.number is None or today.number == yesterday.number:
        return None
    return f"{today.number - yesterday.number:+,} on the day before"


def day_before(day: date | None, first_day: date) -> date | None:
    return None if day is None or day <= first_day else day - timedelta(days=1)


def key_facts(descriptor: dict) -> dict[str, list[tuple[str, list[tuple[str, str]]]]]:
    """`x-known`: for each of "settled" and "disputed", each line's text and its rows as (table, id)."""
    known = descriptor["x-known"]
    return {
        side: [(item["text"], [tuple(row.split(":", 1)) for row in item["rows"]]) for item in known[side]]
        for side in ("settled", "disputed")
    }


def fact_line(text: str, rows: list[tuple[str, str]]) -> str:
    """A key fact in Markdown, its row ids linked to the section of the page that draws them."""
    links = ", ".join(f"[{record}](#{SECTION_OF.get(table, 'sources-method')})" for table, record in rows)
    return f"{text} ({links})" if links else text
