"""The opening's headline figures, day by day, checked against the data; and the day control's stepping."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from components.data.citations import citations
from components.data.dataset import Dataset
from components.data.filters import study_window
from components.views import headline, timeline


@pytest.fixture(scope="module")
def names(dataset: Dataset) -> dict[str, str]:
    return dict(zip(dataset["actors"]["actor_id"], dataset["actors"]["name"], strict=True))


@pytest.fixture(scope="module")
def lookup(dataset: Dataset) -> dict[str, str]:
    return citations(dataset)


def window(dataset: Dataset) -> list[date]:
    return timeline.days(*study_window(dataset))


def official_totals(dataset: Dataset, category: str) -> pd.DataFrame:
    claims = dataset["casualty_reports"]
    return claims[
        (claims["category"] == category)
        & (claims["scope"] == "national")
        & (claims["status"] == "official")
        & claims["repeats_report_id"].isna()
    ]


def test_the_toll_each_day_is_the_latest_official_national_total_made_public_by_then(dataset, names, lookup):
    totals = official_totals(dataset, "deaths_total")
    withdrawn = set(dataset["casualty_reports"].query("status == 'official_retracted'")["value_high"].dropna())
    for day in [*window(dataset), None]:
        toll = headline.death_toll(dataset, day, names, lookup)
        known = totals if day is None else totals[totals["date"].dt.date <= day]
        if known.empty:
            assert toll.number is None and toll.value == "No total yet", day
            continue
        latest = known.sort_values(["date", "report_id"]).iloc[-1]
        assert toll.number == latest["value_high"], day
        assert toll.number not in withdrawn or toll.number in set(known["value_high"]), "never a withdrawn figure"


def test_on_9_january_the_withdrawn_toll_is_named_but_not_shown_and_on_10_january_the_next_official_one_is(
    dataset, names, lookup
):
    claims = dataset["casualty_reports"]
    withdrawn = claims[(claims["status"] == "official_retracted") & (claims["scope"] == "national")].iloc[0]
    day = withdrawn["date"].date()
    on_the_day = headline.death_toll(dataset, day, names, lookup)
    assert on_the_day.number != withdrawn["value_high"]
    assert f"{int(withdrawn['value_high']):,} was posted and withdrawn" in on_the_day.context
    next_day = headline.death_toll(dataset, day + timedelta(days=1), names, lookup)
    revision = claims[claims["revises_report_id"] == withdrawn["report_id"]].iloc[0]
    assert next_day.number == revision["value_high"] and names[revision["claimant_actor_id"]] in next_day.attribution


def test_detentions_each_day_are_the_latest_official_count_not_yet_superseded(dataset, names, lookup):
    counts = official_totals(dataset, "detained")
    for day in window(dataset):
        shown = headline.detained(dataset, day, names, lookup)
        known = counts[counts["date"].dt.date <= day]
        revised = set(dataset["casualty_reports"].query("date <= @pd.Timestamp(@day)")["revises_report_id"].dropna())
        standing = known[~known["report_id"].isin(revised)]
        if standing.empty:
            assert shown.number is None
        else:
            latest = standing.sort_values(["date", "report_id"]).iloc[-1]
            assert shown.number == latest["value_high"], day


def test_no_troops_before_the_first_landing_or_after_the_last_departure(dataset, names, lookup):
    legs, events = dataset["contingent_movements"], dataset["events"]
    landed = legs.loc[legs["direction"] == "deployment", "date"].min().date()
    gone = events.loc[events["category"] == "csto_withdrawal", "date"].max().date()
    figures = dataset["force_deployments"].query("contributor == 'CSTO' and status == 'official'")
    for day in window(dataset):
        shown = headline.troops(dataset, day, names, lookup)
        if day < landed or day >= gone:
            assert shown.number == 0 and shown.value == "None", day
        elif shown.number is not None:
            made = figures[figures["date"].dt.date <= day]
            assert shown.number == made.sort_values(["date", "claim_id"]).iloc[-1]["personnel_high"], day


def test_the_change_against_the_day_before_is_the_difference_of_the_numbers(dataset, names, lookup):
    first_day, _ = study_window(dataset)
    changes = []
    for day in window(dataset):
        before = headline.day_before(day, first_day)
        for today, yesterday in zip(
            headline.headlines(dataset, day, names, lookup),
            headline.headlines(dataset, before, names, lookup) if before else [None] * 3,
            strict=True,
        ):
            text = headline.change(today, yesterday)
            if text:
                changes.append(text)
                assert int(text.split()[0].replace(",", "")) == today.number - yesterday.number
    assert changes, "the figures move over the window"


def test_every_key_fact_links_its_rows_to_the_section_that_draws_them(dataset):
    facts = headline.key_facts(dataset.descriptor)
    assert len(facts["settled"]) >= 3 and len(facts["disputed"]) >= 3
    for text, rows in facts["settled"] + facts["disputed"]:
        line = headline.fact_line(text, rows)
        for table, record in rows:
            assert f"[{record}](#{headline.SECTION_OF[table]})" in line


def test_play_starts_at_the_first_day_steps_once_a_second_and_stops_at_the_last(dataset):
    first_day, last_day = study_window(dataset)
    state: dict = {timeline.DAY_KEY: None}
    timeline.start(state, first_day, last_day, now=100.0)
    assert state[timeline.DAY_KEY] == first_day and state[timeline.PLAYING_KEY]
    assert not timeline.step(state, last_day, now=100.2), "not before a step's time has passed"
    shown = [state[timeline.DAY_KEY]]
    clock = 100.0
    while state[timeline.PLAYING_KEY]:
        clock += timeline.STEP_SECONDS
        assert timeline.step(state, last_day, now=clock)
        shown.append(state[timeline.DAY_KEY])
    assert shown == window(dataset), "every day once, in order, stopping at the last"
    timeline.start(state, first_day, last_day, now=clock)
    assert state[timeline.DAY_KEY] == first_day, "playing again from the last day starts over"
    state[timeline.DAY_KEY] = date(2022, 1, 9)
    state[timeline.PLAYING_KEY] = False
    timeline.start(state, first_day, last_day, now=clock)
    assert state[timeline.DAY_KEY] == date(2022, 1, 9), "from a day mid-window, playing goes on from there"
