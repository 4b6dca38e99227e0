"""Sources as readers see them: one-line citations for hovers and tooltips, the list of sources used, and the
corrections with the sources behind them."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from components.dataset import Dataset


def citation(source: pd.Series) -> str:
    """e.g. "TASS, 2022-01-07" or "newyorkglobe.org (BBC News), 2022-01-08"."""
    publisher = source["publisher"]
    if pd.notna(source["original_publisher"]):
        publisher = f"{publisher} ({source['original_publisher']})"
    return f"{publisher}, {source['published']}" if pd.notna(source["published"]) else publisher


def citations(dataset: Dataset) -> dict[str, str]:
    """source_id → citation, for every source."""
    sources = dataset["sources"].set_index("source_id", drop=False)
    return {source_id: citation(row) for source_id, row in sources.iterrows()}


def cite(ids: Iterable[str], lookup: dict[str, str], limit: int = 3) -> str:
    """The first few sources of a row, "; "-joined, with a count of the rest."""
    ids = list(ids)
    shown = "; ".join(lookup[source_id] for source_id in ids[:limit])
    return f"{shown}; and {len(ids) - limit} more" if len(ids) > limit else shown


def sources_used(dataset: Dataset, frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The sources cited by the given rows, in source order, with how many of those rows cite each."""
    counts: dict[str, int] = {}
    for frame in frames:
        for ids in frame["source_ids"]:
            for source_id in ids:
                counts[source_id] = counts.get(source_id, 0) + 1
    sources = dataset["sources"]
    used = sources[sources["source_id"].isin(counts)].copy()
    used["rows_citing"] = used["source_id"].map(counts).astype("Int64")
    return used


def corrections_table(dataset: Dataset, lookup: dict[str, str]) -> pd.DataFrame:
    """Every correction with where it applies and its sources, as plain text for a static table."""
    corrections = dataset["corrections"]
    rows = (": " + corrections["record_id"].str.replace(";", ", ")).fillna("")  # empty: no single row affected
    shown = pd.DataFrame(
        {
            "Correction": corrections["correction_id"] + " (" + corrections["date"].dt.strftime("%-d %b %Y") + ")",
            "Where": corrections["resource"] + rows + ", column " + corrections["field"],
            "Was": corrections["was"],
            "Now": corrections["now"],
            "Why": corrections["reason"],
            "Sources": corrections["source_ids"].map(lambda ids: cite(ids, lookup, limit=len(ids))),
        }
    )
    return shown.fillna("")
