"""Sources as readers see them: one-line citations for hovers and tooltips, the list of sources used, and the
corrections with the sources behind them."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from components.data.dataset import Dataset

# Adjectives for `controlling_state` codes, as the citation names the state behind an outlet.
STATE_ADJECTIVES = {
    "ARM": "Armenian",
    "BLR": "Belarusian",
    "CHN": "Chinese",
    "CUB": "Cuban",
    "DEU": "German",
    "ESP": "Spanish",
    "FRA": "French",
    "IRN": "Iranian",
    "KAZ": "Kazakh",
    "POL": "Polish",
    "RUS": "Russian",
    "TUR": "Turkish",
    "USA": "US",
}
CONTROL_LABELS = {
    "state_controlled": "state-controlled",
    "state_funded": "state-funded",
    "propaganda": "propaganda outlet",
}


def control_label(source: pd.Series) -> str:
    """e.g. "Russian state-controlled"; empty for independent outlets and official statements."""
    label = CONTROL_LABELS.get(source.get("outlet_control"))
    if label is None:
        return ""
    state = source.get("controlling_state")
    return f"{STATE_ADJECTIVES.get(state, state)} {label}" if pd.notna(state) and state else label


def citation(source: pd.Series) -> str:
    """The original publisher first, then the copy, the outlet's control and the date, e.g.
    "TASS (Russian state-controlled), 2022-01-10", "BBC News, via newyorkglobe.org, 2022-01-08" or
    "Sputnik (Russian state-controlled), via UrduPoint, 2022-01-07". A propaganda label names the site that ran
    the text, so it follows the copy: "RIA Novosti, via News Front (Russian propaganda outlet), 2022-01-14"."""
    label = control_label(source)
    original = source["original_publisher"]
    if pd.isna(original) or not original:
        names = f"{source['publisher']} ({label})" if label else source["publisher"]
    elif source.get("outlet_control") == "propaganda":
        names = f"{original}, via {source['publisher']} ({label})"
    else:
        names = (
            f"{original} ({label}), via {source['publisher']}" if label else f"{original}, via {source['publisher']}"
        )
    return f"{names}, {source['published']}" if pd.notna(source["published"]) else names


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
