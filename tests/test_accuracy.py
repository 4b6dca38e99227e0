"""Accuracy, as an editor checks it: invariants over the real data that fail when a kind of error comes back.

Each test names a kind of error a newsroom would have to correct, and checks every row for it rather than a list of
known rows. The package is also checked by the Frictionless Framework's own validator.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from frictionless import validate

from components.data import filters
from components.data.dataset import Dataset
from components.views import casualty_chart, quote_table
from tests.conftest import DATA_DIR, ROOT

# The seed article as the project received it, when the research folder sits beside the repository.
SEED_DIRS = [ROOT.parent / "shared" / "seed", ROOT.parent.parent / "shared" / "seed"]
# Words in a figure as stated that say it covers part of the count only.
PARTIAL_WORDS = re.compile(
    r"\bin (?:Almaty|Shymkent|Taraz|Kyzylorda)(?: region)?$|hospital|medical|at the border|in custody|behind bars"
    r"|formally arrested|past 24 hours|National Guard troops",
    re.IGNORECASE,
)
SHORTHAND = re.compile(r"\bseed\b|fact base", re.IGNORECASE)
SOURCE_ID = re.compile(r"\bS\d{2,3}\b")  # meaningful to readers only beside the sources list's ID column


def test_the_package_is_valid_by_the_frictionless_validator() -> None:
    report = validate(str(DATA_DIR / "datapackage.json"))
    problems = [
        f"{task.name}: row {error.get('rowNumber')}, {error.get('fieldName')}: {error['message']}"
        for task in report.tasks
        for error in task.errors
    ] + [error.message for error in report.errors]
    assert report.valid, "\n".join(problems)


# 1. A withdrawn figure repeated later ----------------------------------------------------------------------------


def test_a_figure_equal_to_a_withdrawn_one_and_published_later_points_at_the_withdrawal(dataset: Dataset) -> None:
    claims = dataset["casualty_reports"]
    withdrawn = claims[claims["status"] == "official_retracted"]
    for _, figure in withdrawn.iterrows():
        later = claims[
            (claims["date"] > figure["date"])
            & (claims["category"] == figure["category"])
            & (claims["value_high"] == figure["value_high"])
            & (claims["status"] != "official_retracted")
        ]
        for _, repeat in later.iterrows():
            assert repeat["repeats_report_id"] == figure["report_id"], (
                f"{repeat['report_id']} repeats the withdrawn {figure['report_id']} without saying so"
            )


def test_a_repeat_is_drawn_as_a_repeat_and_its_hover_says_what_it_repeats(dataset: Dataset, prepared) -> None:
    figure = casualty_chart.casualty_figure(
        prepared, casualty_chart.milestones(dataset), filters.Selection(), {}, False
    )
    drawn = {
        report: (symbol, hover)
        for trace in figure["data"]
        if trace.get("customdata")
        for report, symbol, hover in zip(
            trace["customdata"], trace["marker"]["symbol"], trace["hovertext"], strict=True
        )
    }
    claims = dataset["casualty_reports"].set_index("report_id")
    repeats = claims[claims["repeats_report_id"].notna() & claims["value_high"].notna()]
    assert len(repeats) >= 1
    for report, claim in repeats.iterrows():
        symbol, hover = drawn[report]
        assert symbol == casualty_chart.REPEAT_SYMBOL, report
        withdrawn = claims.loc[claim["repeats_report_id"], "status"] == "official_retracted"
        assert ("withdrawn on" in hover) == withdrawn and "Repeats the figure" in hover, report


# 2. Partial counts -----------------------------------------------------------------------------------------------


def test_a_figure_whose_words_say_it_is_partial_is_not_filed_as_national(dataset: Dataset) -> None:
    claims = dataset["casualty_reports"]
    worded = claims[claims["figure_as_stated"].str.contains(PARTIAL_WORDS)]
    assert len(worded) >= 5
    national = worded[worded["scope"] == "national"]
    assert national.empty, f"partial by their own words, filed as national: {list(national['report_id'])}"


def test_a_figure_for_one_place_is_not_national(dataset: Dataset) -> None:
    claims = dataset["casualty_reports"]
    elsewhere = claims[claims["scope_place_id"] != "kazakhstan"]
    assert (elsewhere["scope"] != "national").all()


def test_the_chart_draws_partial_counts_small_and_links_only_counts_of_one_scope(dataset: Dataset, prepared) -> None:
    figure = casualty_chart.casualty_figure(
        prepared, casualty_chart.milestones(dataset), filters.Selection(), {}, False
    )
    claims = dataset["casualty_reports"].set_index("report_id")
    for trace in figure["data"]:
        for report, size, hover in zip(
            trace.get("customdata") or [],
            trace["marker"]["size"] if trace.get("customdata") else [],
            trace.get("hovertext") or [],
            strict=True,
        ):
            national = claims.loc[report, "scope"] == "national"
            assert size == (casualty_chart.NATIONAL_SIZE if national else casualty_chart.PARTIAL_SIZE), report
            assert hover.startswith("Partial count:") != national, report
    revised = claims[claims["revises_report_id"].notna()]
    for report, claim in revised.iterrows():
        assert claims.loc[claim["revises_report_id"], "scope"] == claim["scope"], report
    legend = {trace.get("name") for trace in figure["data"] if trace.get("x") == [None]}
    assert any(name and name.startswith("Small: partial count") for name in legend)


# 3. Dated by publication -----------------------------------------------------------------------------------------


def test_no_figure_is_dated_before_the_end_of_what_it_describes(dataset: Dataset) -> None:
    claims = dataset["casualty_reports"].dropna(subset=["refers_to"])
    assert len(claims) >= 3
    for _, claim in claims.iterrows():
        end = date.fromisoformat(claim["refers_to"].split("/")[-1])
        assert claim["date"].date() >= end, claim["report_id"]


def test_an_approximate_date_says_its_range(dataset: Dataset) -> None:
    for name in ("casualty_reports", "force_deployments", "quotes", "events"):
        table = dataset[name]
        vague = table[table["date_precision"] == "approximate"]
        assert vague["notes"].notna().all(), f"{name}: approximate dates without a note giving the range"


def test_a_figure_published_after_the_window_is_a_later_report(dataset: Dataset) -> None:
    """Sources that say a figure was published after 19 January date it after the window, so the switch for later
    reports includes it. A claim dated inside the window on the strength of sources all published later must say in
    its note on which day it was made public."""
    claims, sources = dataset["casualty_reports"], dataset["sources"].set_index("source_id")
    window_end = pd.Timestamp(dataset.descriptor["x-study-window"]["end"])
    for _, claim in claims.iterrows():
        published = [sources.loc[source, "published"] for source in claim["source_ids"]]
        days = [pd.Timestamp(day) for day in published if isinstance(day, str) and len(day) == 10]
        if len(days) == len(published) and min(days) > window_end and claim["date"] <= window_end:
            assert f"{claim['date']:%-d %B}" in str(claim["notes"]), claim["report_id"]


# 4. Paraphrases --------------------------------------------------------------------------------------------------


def test_a_paraphrase_is_shown_as_the_outlets_sentence(dataset: Dataset) -> None:
    quotes = dataset["quotes"]
    paraphrases = quotes[quotes["form"] == "paraphrase"]
    assert len(paraphrases) >= 3 and paraphrases["reported_by"].notna().all()
    shown = quote_table.quotes_frame(dataset).set_index("quote_id")
    names = dataset["actors"].set_index("actor_id")["name"]
    for quote_id, quote in paraphrases.set_index("quote_id").iterrows():
        if quote_id in shown.index:
            expected = f"{quote['reported_by']}, reporting {names[quote['speaker_actor_id']]}"
            assert shown.loc[quote_id, "speaker"] == expected
    assert (quotes.loc[quotes["form"] != "paraphrase", "reported_by"].isna()).all()


def test_a_re_translation_is_not_shown_beside_its_original(dataset: Dataset) -> None:
    quotes = dataset["quotes"]
    variants = quotes[quotes["variant_of_quote_id"].notna()]
    assert (variants["translation"] == "machine_retranslation").all(), "the table calls every variant a re-translation"
    shown = quote_table.quotes_frame(dataset)
    assert not set(variants["quote_id"]) & set(shown["quote_id"])
    carried = shown.dropna(subset=["also_as"]).set_index("quote_id")["also_as"]
    for _, variant in variants.iterrows():
        assert variant["text"] in carried[variant["variant_of_quote_id"]]


# 5. The seed, fully carried --------------------------------------------------------------------------------------


def seed_paragraphs() -> list[str] | None:
    for folder in SEED_DIRS:
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return [line.strip() for line in files[0].read_text(encoding="utf-8").splitlines() if line.strip()]
    return None


def test_every_paragraph_of_the_seed_is_mapped_in_order(dataset: Dataset) -> None:
    seed_map = dataset["seed_map"].sort_values("paragraph")
    assert list(seed_map["paragraph"]) == list(range(1, len(seed_map) + 1))
    saying = seed_map[~seed_map["kind"].isin(["heading", "caption"])]
    assert saying["rows"].map(len).gt(0).all()
    paragraphs = seed_paragraphs()
    if paragraphs is None:
        pytest.skip("the seed article is not beside the repository; the mapping's own order was checked")
    assert len(paragraphs) == len(seed_map)
    for (_, row), paragraph in zip(seed_map.iterrows(), paragraphs, strict=True):
        assert paragraph.startswith(row["opening"]), row["paragraph"]


def test_every_fact_and_quote_of_the_seed_has_a_row_that_cites_it_or_its_original(dataset: Dataset) -> None:
    seed_map = dataset["seed_map"]
    cited = {"S01", "S02", "S401"}  # the seed, and the BBC's English of the two reports it re-translates
    for _, row in seed_map[seed_map["kind"].isin(["quote", "paraphrase"])].iterrows():
        quotes = [item.split(":")[1] for item in row["rows"] if item.startswith("quotes:")]
        table = dataset["quotes"].set_index("quote_id")
        assert any(cited & set(table.loc[quote, "source_ids"]) for quote in quotes), row["paragraph"]


# 7. One status rule for force figures ----------------------------------------------------------------------------


def test_media_outliers_are_exactly_the_media_figures_above_the_official_total(dataset: Dataset) -> None:
    claims = dataset["force_deployments"]
    ceiling = claims[(claims["status"] == "official") & (claims["contributor"] == "CSTO")]["personnel_high"].max()
    media = claims[claims["status"].isin(["media", "media_outlier"]) & (claims["phase"] != "standing")]
    above = media["personnel_high"].fillna(0) > ceiling
    assert (above == (media["status"] == "media_outlier")).all()


# 8. Duplicates ---------------------------------------------------------------------------------------------------


def test_no_claim_is_stored_twice(dataset: Dataset) -> None:
    claims = dataset["casualty_reports"]
    key = ["claimant_actor_id", "category", "scope", "scope_place_id", "value_high", "date"]
    twice = claims[claims.duplicated(key, keep=False) & claims["repeats_report_id"].isna()]
    assert twice.groupby(key, dropna=False).size().le(1).all(), list(twice["report_id"])


def test_counts_that_may_hold_the_same_people_name_each_other(dataset: Dataset) -> None:
    claims = dataset["casualty_reports"].set_index("report_id")
    linked = claims["may_overlap_report_ids"].dropna()
    assert len(linked) >= 2
    for report, others in linked.items():
        for other in others:
            assert report in claims.loc[other, "may_overlap_report_ids"]
            assert other in claims.loc[report, "notes"], f"{report}'s note says why it may overlap {other}"


# 10. Corrections for readers -------------------------------------------------------------------------------------


def test_corrections_are_written_for_readers_and_name_real_rows(dataset: Dataset) -> None:
    corrections = dataset["corrections"]
    keys = {
        resource["name"]: set(dataset[resource["name"]][resource["primaryKey"][0]])
        for resource in dataset.descriptor["resources"]
        if resource.get("primaryKey")
    }
    for _, correction in corrections.iterrows():
        for column in ("was", "now", "reason"):
            text = correction[column]
            assert not SHORTHAND.search(text), f"{correction['correction_id']}.{column}"
            assert correction["resource"] == "sources" or not SOURCE_ID.search(text), correction["correction_id"]
        if pd.notna(correction["record_id"]) and correction["resource"] in keys:
            for record in correction["record_id"].split(";"):
                assert record in keys[correction["resource"]], f"{correction['correction_id']}: {record}"


@pytest.fixture(scope="module")
def prepared(dataset: Dataset) -> pd.DataFrame:
    from components.data.citations import citations

    names = dataset["actors"].set_index("actor_id")["name"].to_dict()
    return casualty_chart.prepare(dataset, names, citations(dataset))
