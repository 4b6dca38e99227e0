"""The quote table: who said what, when, filtered by actor group, date and search text."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pandas as pd

from components.data.citations import citations
from components.data.dataset import Dataset
from components.data.filters import Selection, actor_groups, group_labels, in_dates, in_groups, search_mask
from components.views.charts import date_text

TRANSLATION_LABELS = {
    "none": "Spoken in English",
    "by_source": "Translated by the source",
    "by_dataset": "Translated for this dataset",
    "machine_retranslation": "Machine re-translation (seed)",
}
SEARCHED = ["text", "text_en", "speaker", "speaker_role", "context", "also_as"]


def quotes_frame(dataset: Dataset) -> pd.DataFrame:
    """Every quote the table can show, with the columns it shows and searches. A paraphrase is shown as the outlet's
    sentence ("BBC News, reporting Antony Blinken"). A variant (another rendering of a remark whose original the
    data holds, such as a machine re-translation) is not a row of its own: it travels with its original, in
    `also_as`."""
    quotes = dataset["quotes"]
    actors = dataset["actors"].set_index("actor_id")
    groups, labels = actor_groups(dataset), group_labels(dataset)
    sources = dataset["sources"].set_index("source_id")
    lookup = citations(dataset)
    first_source = quotes["source_ids"].map(lambda ids: ids[0])
    names = quotes["speaker_actor_id"].map(actors["name"])
    variants = quotes[quotes["variant_of_quote_id"].notna()]
    renderings = variants.groupby("variant_of_quote_id")["text"].agg(
        lambda texts: " / ".join(f"“{text}”" for text in texts)
    )
    quotes = quotes[quotes["variant_of_quote_id"].isna()]
    quotes = quotes.assign(
        speaker=(quotes["reported_by"] + ", reporting " + names).where(quotes["form"] == "paraphrase", names),
        also_as=quotes["quote_id"].map(renderings),
        group_id=quotes["speaker_actor_id"].map(groups),
        actor_group=quotes["speaker_actor_id"].map(groups).map(labels),
        when=quotes.apply(date_text, axis=1, short=True),
        quote=quotes["text_en"].fillna(quotes["text"]),
        original=quotes["text"].where(quotes["language"] != "en"),
        translated=quotes["translation"].map(TRANSLATION_LABELS),
        source_url=first_source.map(sources["url"]),
        source=quotes["source_ids"].map(lambda ids: "; ".join(lookup[source_id] for source_id in ids)),
    )
    return quotes


def filter_quotes(frame: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The selection's quotes, variants left out (their original stands for them)."""
    kept = (
        frame["variant_of_quote_id"].isna()
        & in_groups(frame["group_id"], selection)
        & in_dates(frame["date"], selection)
    )
    kept &= search_mask(frame, SEARCHED, selection.search)
    return frame[kept].sort_values(["date", "quote_id"])


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns shown, in order, named for readers."""
    shown = frame[
        [
            "when",
            "speaker",
            "quote",
            "actor_group",
            "speaker_role",
            "translated",
            "form",
            "original",
            "source",
            "source_url",
            "quote_id",
        ]
    ]
    return shown.rename(columns={"speaker_role": "role", "form": "quoted as"}).reset_index(drop=True)


# The data grid's measures: a row and the header are 35 px, plus its frame; past the tallest, the grid scrolls.
ROW_PX, FRAME_PX, TALLEST_PX = 35, 3, 420


def grid_height(rows: int) -> int:
    """The quote grid's height: its rows and no empty ones below them, up to the tallest, where it scrolls."""
    return min(TALLEST_PX, ROW_PX * (rows + 1) + FRAME_PX)


def for_phones(rows: pd.DataFrame) -> pd.DataFrame:
    """The table's rows as a phone reads them, a block per quote: when, who, the words in full, how it was
    translated and the source (a grid of narrow cells would show a few characters of each quote)."""
    return pd.DataFrame(
        {
            "When": rows["when"],
            "Speaker": rows["speaker"],
            "Quote": rows["quote"],
            "Translation": rows["translated"],
            "Source": rows["source"],
            "Source link": rows["source_url"].fillna(""),
        }
    )


def attribution(row: pd.Series) -> str:
    """ "Speaker, role, date; translation; source" for the full-quote panel (plain text), and the other renderings
    of the same remark the data keeps."""
    text = f"{row['speaker']}, {row['speaker_role']}, {row['when']}. {row['translated']}. Source: {row['source']}."
    if pd.notna(row["also_as"]):
        text += f" Also carried in a machine re-translation of the BBC's report: {row['also_as']}."
    return text


def table_key(state: MutableMapping[str, Any], rows: tuple[str, ...]) -> str:
    """The quote table's widget key for this run, given the reader's session state and the quote IDs shown.

    The table keeps one key while its rows change, so the browser updates the grid in place instead of building a
    new one. A selected row is held as a position, though: when the rows change under a selection, the table moves
    to a new key and starts without one, rather than leaving the position on another quote.
    """
    generation = state.get("quote_table_generation", 0)
    earlier = state.get(f"quote-table-{generation}")
    selected = bool(earlier and earlier["selection"]["rows"])
    if selected and state.get("quote_table_rows", rows) != rows:
        generation += 1
    state["quote_table_generation"], state["quote_table_rows"] = generation, rows
    return f"quote-table-{generation}"
