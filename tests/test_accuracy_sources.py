"""The sources as a news desk would audit them, checked as invariants over the real data.

Each test states a rule the whole package keeps: one address per source, addresses that lead to an article,
copies that name whose text they carry, state outlets labelled, nothing stated as fact on state media alone,
and place notes that agree with their own row.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pandas as pd
import pytest

from components.data.rules import NO_INDEPENDENT_REPORT, STATE_ONLY

# Feeds, tag, category, search and random-post pages are lists of items, not the article a row cites.
LISTING_URL = re.compile(
    r"(?:/(?:feed|rss|atom|tag|tags|category|categories|search|topics?)(?:/|$|\?))|\.(?:rss|xml)(?:\?|$)"
    r"|[?&](?:s|q|query|random-post|feed|format=rss)(?:=|&|$)",
    re.IGNORECASE,
)
# Outlets whose state ownership or propaganda role is publicly documented, as they appear in the data.
STATE_CONTROLLED_NAMES = re.compile(
    r"\b(?:TASS|RIA Novosti|Sputnik|RT|RT France|Kazinform|Khabar|Qazaq TV|Jibek Joly|Kazakhstanskaya Pravda"
    r"|BelTA|SB\.by|CGTN|Xinhua|People's Daily|TRT World|Mir 24|Prensa Latina|Al-Alam)\b"
)
PROPAGANDA_NAMES = re.compile(r"\b(?:SouthFront|News Front)\b")
STATE_FUNDED_NAMES = re.compile(r"\b(?:RFE/RL|Azattyq|Azatutyun|Belsat)\b")
# "re-publishing Sputnik", "copy of a BBC News report": the outlet named (a language such as "Russian" is not one).
COPY_NOTE = re.compile(
    r"\b(?:re-publishing|re-publication of an?|copy of an?|translation of an?)\s+"
    r"(?![A-Z][a-z]+(?:ian|ish|ese|-language)\b)([A-Z][\w/-]*(?:\.[a-z]+)?)"
)
EMPTY_COORDINATE_NOTE = re.compile(r"left empty|no sourced coordinate|not mapped", re.IGNORECASE)
ATTRIBUTION = re.compile(r"\b(?:said|says|reported|listed|according to)\b", re.IGNORECASE)
URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?=[/-])")


def named(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].fillna("")


def normalised_address(url: str) -> str:
    """The same page reached through www., m., amp or a trailing slash counts once."""
    parts = urlsplit(url.lower())
    host = re.sub(r"^(www|m|amp)\.", "", parts.hostname or "")
    path = re.sub(r"/(amp/?)?$", "", parts.path)
    return f"{host}{path}?{parts.query}"


@pytest.fixture(scope="module")
def sources(dataset) -> pd.DataFrame:
    return dataset["sources"]


def test_no_two_sources_share_an_address(sources: pd.DataFrame) -> None:
    addresses = sources.dropna(subset=["url"])
    keys = addresses["url"].map(normalised_address)
    shared = addresses[keys.duplicated(keep=False)]
    assert shared.empty, shared[["source_id", "url"]].to_string()


def test_no_address_is_a_feed_tag_category_or_search_page(sources: pd.DataFrame) -> None:
    listings = sources[named(sources, "url").str.contains(LISTING_URL)]
    assert listings.empty, listings[["source_id", "url"]].to_string()


def test_a_source_without_an_address_says_why(sources: pd.DataFrame) -> None:
    silent = sources[sources["url"].isna() & (named(sources, "reliability_note").str.len() < 40)]
    assert silent.empty, silent[["source_id", "reliability_note"]].to_string()


def test_every_copy_names_whose_text_it_carries(sources: pd.DataFrame) -> None:
    """An aggregator names its original publisher, or its note says the original outlet is not named."""
    copies = sources[sources["publisher_type"] == "aggregator"]
    assert len(copies) > 20
    anonymous = copies[
        (named(copies, "original_publisher") == "") & ~named(copies, "reliability_note").str.contains("not named")
    ]
    assert anonymous.empty, anonymous[["source_id", "publisher", "reliability_note"]].to_string()


def test_an_outlet_a_note_names_as_the_original_is_the_original_publisher(sources: pd.DataFrame) -> None:
    mismatched = []
    for row in sources.itertuples():
        for outlet in COPY_NOTE.findall(row.reliability_note if isinstance(row.reliability_note, str) else ""):
            if outlet not in (row.original_publisher if isinstance(row.original_publisher, str) else ""):
                mismatched.append((row.source_id, outlet, row.original_publisher))
    assert mismatched == []


def test_known_state_and_propaganda_outlets_are_labelled(sources: pd.DataFrame) -> None:
    texts = named(sources, "original_publisher").where(
        named(sources, "original_publisher") != "", named(sources, "publisher")
    )
    state = sources[texts.str.contains(STATE_CONTROLLED_NAMES)]
    assert len(state) > 40
    unlabelled = state[~state["outlet_control"].isin(STATE_ONLY)]
    assert unlabelled.empty, unlabelled[["source_id", "publisher", "outlet_control"]].to_string()
    on_propaganda_sites = sources[named(sources, "publisher").str.contains(PROPAGANDA_NAMES)]
    assert (on_propaganda_sites["outlet_control"] == "propaganda").all()
    funded = sources[texts.str.contains(STATE_FUNDED_NAMES)]
    assert funded["outlet_control"].isin(["state_funded", *STATE_ONLY]).all()


def test_a_labelled_outlet_names_its_state_and_an_independent_one_does_not(sources: pd.DataFrame) -> None:
    independent = sources[sources["outlet_control"] == "independent"]
    assert independent["controlling_state"].isna().all()
    labelled = sources[sources["outlet_control"].isin(["state_funded", *STATE_ONLY])]
    # Only an interstate broadcaster (several states share control) goes without one state.
    stateless = labelled[labelled["controlling_state"].isna()]
    assert stateless["original_publisher"].fillna(stateless["publisher"]).str.contains("Mir 24").all()


def facts_on_state_media_alone(dataset) -> list[str]:
    control = dataset["sources"].set_index("source_id")["outlet_control"]

    def state_only(ids: list[str]) -> bool:
        return all(control[source_id] in STATE_ONLY for source_id in ids)

    events = dataset["events"]
    places = dataset["places"]
    movements = dataset["contingent_movements"]
    stated = [
        *events.loc[events["account"] == "reported", ["event_id", "source_ids"]].itertuples(index=False),
        *places.loc[
            places["latitude"].notna() & ~named(places, "notes").str.contains(NO_INDEPENDENT_REPORT),
            ["place_id", "source_ids"],
        ].itertuples(index=False),
        *movements.loc[
            ~named(movements, "notes").str.contains(NO_INDEPENDENT_REPORT), ["movement_id", "source_ids"]
        ].itertuples(index=False),
    ]
    return [row_id for row_id, ids in stated if state_only(ids)]


def test_no_fact_stated_by_the_page_rests_on_state_media_alone(dataset) -> None:
    assert facts_on_state_media_alone(dataset) == []


def test_a_claimed_event_names_who_makes_the_claim(dataset) -> None:
    events = dataset["events"]
    claimed = events[events["account"] == "claimed"]
    assert len(claimed) > 5
    unattributed = claimed[~claimed["summary"].str.contains(ATTRIBUTION)]
    assert unattributed.empty, unattributed[["event_id", "summary"]].to_string()


def test_place_notes_do_not_call_a_coordinate_missing_when_the_row_has_one(dataset) -> None:
    places = dataset["places"]
    contradicted = places[places["latitude"].notna() & named(places, "notes").str.contains(EMPTY_COORDINATE_NOTE)]
    assert contradicted.empty, contradicted[["place_id", "notes"]].to_string()


def test_a_dated_address_agrees_with_the_publication_date(sources: pd.DataFrame) -> None:
    """A copy may appear a few days after the original's date, never before it."""
    disagreeing = []
    for row in sources.dropna(subset=["url", "published"]).itertuples():
        found = URL_DATE.search(row.url)
        if not found or len(row.published) != 10:
            continue
        in_address, published = date(*map(int, found.groups())), date.fromisoformat(row.published)
        if not published <= in_address <= published + timedelta(days=3):
            disagreeing.append((row.source_id, row.published, row.url))
    assert disagreeing == []
