"""The curated dataset: it validates, meets the coverage the dashboard needs, and carries the seed's figures."""

from __future__ import annotations

import pandas as pd
import pytest

from components.data.dataset import Dataset

STUDY_START, STUDY_END = pd.Timestamp("2022-01-01"), pd.Timestamp("2022-01-19")
CONTRIBUTORS = {"RUS", "BLR", "ARM", "KGZ", "TJK"}


def with_groups(dataset: Dataset, frame: pd.DataFrame, actor_column: str) -> pd.DataFrame:
    actors = dataset["actors"][["actor_id", "group_id"]]
    return frame.merge(actors, left_on=actor_column, right_on="actor_id", how="left")


def test_tables_are_typed_from_the_descriptor(dataset: Dataset) -> None:
    events = dataset["events"]
    assert str(events["deaths_reported"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert all(isinstance(value, tuple) and value for value in events["source_ids"])
    assert str(dataset["places"]["latitude"].dtype) == "Float64"


def test_quotes_cover_many_actor_groups(dataset: Dataset) -> None:
    quotes = with_groups(dataset, dataset["quotes"], "speaker_actor_id")
    assert len(quotes) >= 60
    assert quotes["group_id"].nunique() >= 10
    assert quotes["group_id"].notna().all()


def test_places_with_coordinates(dataset: Dataset) -> None:
    places = dataset["places"]
    located = places[places["latitude"].notna()]
    assert len(located) >= 30

    events = dataset["events"]
    protester_ids = set(dataset["actors"].query("group_id == 'protesters'")["actor_id"])
    with_protesters = events["actor_ids"].map(lambda ids: bool(protester_ids.intersection(ids)))
    protest_places = set(events.loc[with_protesters, "place_id"])
    site_parent = places.set_index("place_id")["within_place_id"]
    protest_cities = {site_parent.get(place) if pd.notna(site_parent.get(place)) else place for place in protest_places}
    kazakh_cities = located[(located["kind"] == "city") & (located["country"] == "KAZ")]
    assert len(set(kazakh_cities["place_id"]) & protest_cities) >= 16

    almaty_sites = located[(located["kind"].isin(["site", "airfield"])) & (located["within_place_id"] == "almaty")]
    assert len(almaty_sites) >= 8
    for site in ("almaty-republic-square", "almaty-akimat", "almaty-airport", "almaty-presidential-residence"):
        assert site in set(almaty_sites["place_id"]), site


def test_every_csto_origin_is_located_in_its_own_country(dataset: Dataset) -> None:
    movements = dataset["contingent_movements"]
    deployments = movements[movements["direction"] == "deployment"]
    assert set(deployments["contributor"]) == CONTRIBUTORS
    places = dataset["places"].set_index("place_id")
    origins = places.loc[deployments["origin_place_id"]]
    assert origins["latitude"].notna().all(), "every origin needs a coordinate for the arcs"
    assert list(origins["country"]) == list(deployments["contributor"])


def test_events_span_the_study_window_and_later_reports(dataset: Dataset) -> None:
    events = dataset["events"]
    in_window = events[events["date"].between(STUDY_START, STUDY_END)]
    assert len(in_window) >= 35
    assert in_window["date"].dt.day.nunique() >= 15, "events spread over the whole window"
    later = events[events["date"] > STUDY_END]
    assert (later["category"] == "official_report").sum() >= 3


def test_force_claims_for_every_contributor_and_the_total(dataset: Dataset) -> None:
    claims = dataset["force_deployments"]
    assert set(claims["contributor"]) == CONTRIBUTORS | {"CSTO"}
    total = claims[claims["contributor"] == "CSTO"]
    deployed = total[(total["personnel_low"] == 2030) & (total["vehicles"] == 250)]
    assert not deployed.empty and set(deployed["claimant_actor_id"]) >= {"tokayev"}
    assert (deployed["date"] == "2022-01-10").any()
    assert (total["status"] == "media_outlier").any(), "media outliers are kept and labelled"
    official = claims[claims["status"] == "official"]
    assert set(official["contributor"]) >= CONTRIBUTORS - {"RUS"}, "official figures for the four smaller contingents"


def test_casualty_claims_show_how_the_toll_moved(dataset: Dataset) -> None:
    reports = dataset["casualty_reports"]
    totals = reports[(reports["category"] == "deaths_total") & (reports["scope_place_id"] == "kazakhstan")]
    retracted = totals[totals["status"] == "official_retracted"]
    assert list(retracted["value_low"]) == [164]
    revisers = reports[reports["revises_report_id"].isin(retracted["report_id"])]
    assert not revisers.empty, "the claim after the retracted 164 says it revises it"
    assert {225, 230, 232, 238} <= set(totals.loc[totals["status"] == "official", "value_low"].dropna())
    for category in ("deaths_security_forces", "injured", "detained", "deaths_civilians"):
        assert (reports["category"] == category).sum() >= 1, category


@pytest.mark.parametrize(
    ("category", "value", "claimant", "when"),
    [
        ("deaths_attackers", 26, "kz-interior-ministry", "2022-01-07"),
        ("deaths_security_forces", 18, "kz-interior-ministry", "2022-01-07"),
        ("attackers", 20000, "tokayev", "2022-01-07"),
    ],
)
def test_seed_casualty_figures(dataset: Dataset, category: str, value: int, claimant: str, when: str) -> None:
    reports = dataset["casualty_reports"]
    match = reports[
        (reports["category"] == category)
        & (reports["value_low"] == value)
        & (reports["claimant_actor_id"] == claimant)
        & (reports["date"] == when)
    ]
    assert len(match) == 1, f"{value} {category} by {claimant} on {when}"


def test_seed_force_figure(dataset: Dataset) -> None:
    claims = dataset["force_deployments"]
    zas = claims[(claims["claimant_actor_id"] == "zas") & (claims["personnel_low"] == 2500)]
    assert len(zas) == 1
    assert zas.iloc[0]["contributor"] == "CSTO"
    assert zas.iloc[0]["date"] == pd.Timestamp("2022-01-06")


def test_seed_quotes_are_attributed(dataset: Dataset) -> None:
    quotes = dataset["quotes"]
    seed = quotes[quotes["source_ids"].map(lambda ids: "S01" in ids)]
    assert set(seed["speaker_actor_id"]) >= {"tokayev", "blinken"}
    only_seed = seed[seed["source_ids"].map(lambda ids: tuple(ids) == ("S01",))]
    assert (only_seed["translation"] == "machine_retranslation").all(), "wording known only from the seed is flagged"
    blinken = seed[seed["speaker_actor_id"] == "blinken"]
    assert blinken["text"].str.contains("once Russians enter your home").any()
    assert blinken["variant_of_quote_id"].notna().any(), "the seed's wording points at the original English"


def test_every_row_cites_a_known_source(dataset: Dataset) -> None:
    known = set(dataset["sources"]["source_id"])
    for name, frame in dataset.tables.items():
        if "source_ids" not in frame:
            continue
        for ids in frame["source_ids"]:
            assert ids and set(ids) <= known, name
