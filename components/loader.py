"""The dashboard's one cached entry point to the data: loaded and validated once per process."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from components import casualty_chart, downloads, force_chart, map_almaty, map_kazakhstan, maps, quote_table
from components.citations import citations, corrections_table
from components.dataset import DATA_DIR, Dataset, DatasetError, load_dataset, report
from components.html_table import html_table

DATA_DIR_VARIABLE = "DASHBOARD_DATA_DIR"


@dataclass(frozen=True)
class LoadResult:
    dataset: Dataset | None
    problem_report: str | None


def data_dir() -> Path:
    """The package to serve: `data/` unless an operator points DASHBOARD_DATA_DIR elsewhere."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or DATA_DIR)


@st.cache_resource(show_spinner=False)
def load(path: str) -> LoadResult:
    try:
        return LoadResult(load_dataset(Path(path)), None)
    except DatasetError as error:
        return LoadResult(None, report(error.problems))


@st.cache_resource(show_spinner=False)
def freeze_long_lived_objects() -> bool:
    """Move everything alive after the first full run (libraries, the dataset, the caches below) out of the
    garbage collector's reach. Streamlit runs a full collection after every script run; walking these objects
    each time cost 60-100 ms a run and held the lock the server needs to send the run's last messages."""
    gc.collect()
    gc.freeze()
    return True


# Derived once per process: the same for every reader and every selection.


@st.cache_resource(show_spinner=False)
def kazakhstan_base(path: str, static_dir: Path | None = None) -> tuple[str, ...]:
    return map_kazakhstan.base_layers(load(path).dataset, static_dir)


@st.cache_resource(show_spinner=False)
def almaty_base(path: str, static_dir: Path | None = None) -> tuple[str, ...]:
    return map_almaty.base_layers(load(path).dataset, static_dir)


@st.cache_resource(show_spinner=False)
def citation_lookup(path: str) -> dict[str, str]:
    return citations(load(path).dataset)


@st.cache_resource(show_spinner=False)
def corrections(path: str) -> str:
    """The corrections as one HTML table."""
    table = corrections_table(load(path).dataset, citation_lookup(path))
    return html_table(table, "Corrections: what the dataset changed from its sources, and why")


@st.cache_resource(show_spinner=False)
def quotes(path: str) -> pd.DataFrame:
    return quote_table.quotes_frame(load(path).dataset)


@st.cache_resource(show_spinner=False)
def package_zip(path: str) -> bytes:
    return downloads.package_zip(Path(path))


@st.cache_resource(show_spinner=False)
def actor_names(path: str) -> dict[str, str]:
    actors = load(path).dataset["actors"]
    return dict(zip(actors["actor_id"], actors["name"], strict=True))


@st.cache_resource(show_spinner=False)
def casualty_claims(path: str) -> pd.DataFrame:
    return casualty_chart.prepare(load(path).dataset, actor_names(path), citation_lookup(path))


@st.cache_resource(show_spinner=False)
def force_claims(path: str) -> pd.DataFrame:
    return force_chart.prepare(load(path).dataset, actor_names(path), citation_lookup(path))


@st.cache_resource(show_spinner=False)
def place_positions(path: str) -> pd.DataFrame:
    return maps.place_positions(load(path).dataset)


@st.cache_resource(show_spinner=False)
def contingent_arcs(path: str) -> pd.DataFrame:
    """An arc for every contingent leg with coordinates at both ends; a selection picks among them."""
    dataset = load(path).dataset
    every_arc, _ = map_kazakhstan.arcs(
        dataset["contingent_movements"], place_positions(path), dataset, citation_lookup(path)
    )
    return every_arc
