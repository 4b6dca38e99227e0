"""The dashboard's one cached entry point to the data: loaded and validated once per process."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from components.data import citations, filters
from components.data.dataset import DATA_DIR, Dataset, DatasetError, load_dataset, report
from components.data.filters import Selection
from components.page import downloads
from components.page.html_table import html_table
from components.views import (
    casualty_chart,
    force_chart,
    headline,
    map_almaty,
    map_kazakhstan,
    maps,
    quote_table,
    summaries,
    view_tables,
)

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
    return citations.citations(load(path).dataset)


@st.cache_resource(show_spinner=False)
def corrections(path: str) -> str:
    """The corrections as one HTML table."""
    table = citations.corrections_table(load(path).dataset, citation_lookup(path))
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
def group_labels(path: str) -> dict[str, str]:
    """Actor group ID → its label, in the filter's order (shared: read, never changed)."""
    return filters.group_labels(load(path).dataset)


@st.cache_resource(show_spinner=False)
def milestones(path: str) -> pd.DataFrame:
    """The events both charts mark along their time axis."""
    return casualty_chart.milestones(load(path).dataset)


@st.cache_resource(show_spinner=False)
def group_contents(path: str) -> dict[str, str]:
    """Actor group label → what the group holds, in words ("9 quotes, 2 events, 3 figures"), for the filter."""
    dataset = load(path).dataset
    return summaries.group_contents(dataset, group_labels(path), filters.actor_groups(dataset))


@st.cache_resource(show_spinner=False)
def headlines(path: str, day: date | None) -> list[headline.Headline]:
    return headline.headlines(load(path).dataset, day, actor_names(path), citation_lookup(path))


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
def national_positions(path: str) -> pd.DataFrame:
    """Places as the national map draws them: a city's sites at the city's point."""
    return maps.gathered_in_cities(place_positions(path), load(path).dataset)


@st.cache_resource(show_spinner=False)
def kazakhstan_labels(path: str, narrow: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The national map's place dots and labels, placed once per view for every place it can mark."""
    dataset = load(path).dataset
    every_point = maps.events_by_place(
        filters.filter_events(dataset, Selection()), national_positions(path), citation_lookup(path)
    )
    marked = map_kazakhstan.places_to_name(every_point, contingent_arcs(path), national_positions(path))
    return map_kazakhstan.label_layers(dataset, marked, narrow, list(contingent_arcs(path)["path"]))


@st.cache_resource(show_spinner=False)
def almaty_sites(path: str) -> pd.DataFrame:
    return map_almaty.mapped_sites(load(path).dataset, place_positions(path))


@st.cache_resource(show_spinner=False)
def almaty_labels(path: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Almaty map's site dots and labels, placed once for every site."""
    dataset = load(path).dataset
    in_city = map_almaty.in_almaty(filters.filter_events(dataset, Selection()), dataset)
    every_point = maps.events_by_place(in_city, place_positions(path), citation_lookup(path))
    return map_almaty.label_layers(dataset, almaty_sites(path), every_point)


@st.cache_resource(show_spinner=False)
def contingent_arcs(path: str) -> pd.DataFrame:
    """An arc for every contingent leg with coordinates at both ends; a selection picks among them."""
    dataset = load(path).dataset
    every_arc, _ = map_kazakhstan.arcs(
        dataset["contingent_movements"], place_positions(path), dataset, citation_lookup(path)
    )
    return every_arc


# Derived once per selection: readers share selections (everyone who opens the page, everyone who follows one
# shared link), and a reader going back to a selection meets it again. The objects are shared, so nothing may change
# them; each selection holds a few hundred kilobytes at most, and the least recently used are dropped.
SELECTIONS_KEPT = 64
per_selection = st.cache_resource(show_spinner=False, max_entries=SELECTIONS_KEPT)


@per_selection
def selected_quotes(path: str, selection: Selection) -> pd.DataFrame:
    return quote_table.filter_quotes(quotes(path), selection)


@per_selection
def quote_rows(path: str, selection: Selection) -> pd.DataFrame:
    return quote_table.table(selected_quotes(path, selection))


@per_selection
def quote_blocks(path: str, selection: Selection) -> str:
    """The selection's quotes as one escaped HTML table, which a phone shows as a block per quote."""
    rows = quote_rows(path, selection)
    return html_table(quote_table.for_phones(rows), f"Table of {len(rows)} quotes", link_column="Source link")


@per_selection
def selected_events(path: str, selection: Selection) -> pd.DataFrame:
    return filters.filter_events(load(path).dataset, selection)


@per_selection
def selected_movements(path: str, selection: Selection) -> pd.DataFrame:
    return filters.filter_movements(load(path).dataset, selection)


@per_selection
def national_points(path: str, selection: Selection) -> pd.DataFrame:
    events = selected_events(path, selection)
    return maps.events_by_place(events, national_positions(path), citation_lookup(path), selection.day)


@per_selection
def selected_almaty_events(path: str, selection: Selection) -> pd.DataFrame:
    return map_almaty.in_almaty(selected_events(path, selection), load(path).dataset)


@per_selection
def almaty_points(path: str, selection: Selection) -> pd.DataFrame:
    in_city = selected_almaty_events(path, selection)
    return maps.events_by_place(in_city, place_positions(path), citation_lookup(path), selection.day)


@per_selection
def selected_arcs(path: str, selection: Selection) -> tuple[pd.DataFrame, int]:
    """The selection's contingent legs with arcs, and how many legs have none."""
    return map_kazakhstan.selected_arcs(contingent_arcs(path), selected_movements(path, selection))


@per_selection
def kazakhstan_deck(path: str, static_dir: Path | None, selection: Selection, narrow: bool) -> maps.DeckSpec:
    arc_rows, _ = selected_arcs(path, selection)
    base = kazakhstan_base(path, static_dir)
    return map_kazakhstan.kazakhstan_deck(
        base, national_points(path, selection), arc_rows, narrow, kazakhstan_labels(path, narrow)
    )


@per_selection
def almaty_deck(path: str, static_dir: Path | None, selection: Selection, narrow: bool = False) -> maps.DeckSpec:
    view = map_almaty.view(almaty_sites(path))
    return map_almaty.almaty_deck(
        almaty_base(path, static_dir), almaty_points(path, selection), view, almaty_labels(path), narrow
    )


@per_selection
def marked_casualty_claims(path: str, selection: Selection) -> pd.DataFrame:
    return filters.mark_selected(casualty_claims(path), selection)


@per_selection
def casualty_figure(path: str, selection: Selection, narrow: bool = False) -> dict:
    marks, labels = milestones(path), group_labels(path)
    return casualty_chart.casualty_figure(casualty_claims(path), marks, selection, labels, narrow)


@per_selection
def marked_force_claims(path: str, selection: Selection) -> pd.DataFrame:
    return filters.mark_selected(force_claims(path), selection)


@per_selection
def force_figure(path: str, selection: Selection, narrow: bool = False) -> dict:
    return force_chart.force_figure(force_claims(path), selection, group_labels(path), milestones(path), narrow)


@per_selection
def sources_used(path: str, selection: Selection) -> pd.DataFrame:
    """The sources cited by every row the selection shows: quotes, events, contingent legs and selected claims."""
    casualties, forces = marked_casualty_claims(path, selection), marked_force_claims(path, selection)
    shown = [
        selected_quotes(path, selection),
        selected_events(path, selection),
        casualties[casualties["selected"]],
        forces[forces["selected"]],
        selected_movements(path, selection),
    ]
    return citations.sources_used(load(path).dataset, shown)


@per_selection
def view_sources(path: str, selection: Selection, view: str | None) -> pd.DataFrame:
    """The sources cited by the rows one view shows (a chart: its selected claims); the whole page's for None."""
    dataset = load(path).dataset
    if view == "kazakhstan":
        shown = [selected_events(path, selection), selected_movements(path, selection)]
    elif view == "almaty":
        shown = [selected_almaty_events(path, selection)]
    elif view == "casualties":
        claims = marked_casualty_claims(path, selection)
        shown = [claims[claims["selected"]]]
    elif view == "forces":
        claims = marked_force_claims(path, selection)
        shown = [claims[claims["selected"]]]
    elif view == "quotes":
        shown = [selected_quotes(path, selection)]
    else:
        return sources_used(path, selection)
    return citations.sources_used(dataset, shown)


# Each view's data as a table (components/views/view_tables.py), built only when a reader opens it.


@per_selection
def casualty_table(path: str, selection: Selection) -> pd.DataFrame:
    claims = marked_casualty_claims(path, selection)
    return view_tables.casualty_table(claims, selection, actor_names(path), citation_lookup(path))


@per_selection
def force_table(path: str, selection: Selection) -> pd.DataFrame:
    claims = marked_force_claims(path, selection)
    return view_tables.force_table(claims, selection, actor_names(path), citation_lookup(path))


@per_selection
def national_event_table(path: str, selection: Selection) -> pd.DataFrame:
    return view_tables.event_table(selected_events(path, selection), national_positions(path), citation_lookup(path))


@per_selection
def almaty_event_table(path: str, selection: Selection) -> pd.DataFrame:
    in_city = selected_almaty_events(path, selection)
    return view_tables.event_table(in_city, place_positions(path), citation_lookup(path))


@per_selection
def leg_table(path: str, selection: Selection) -> pd.DataFrame:
    arc_rows, _ = selected_arcs(path, selection)
    movements = load(path).dataset["contingent_movements"]
    return view_tables.leg_table(arc_rows, movements, place_positions(path), citation_lookup(path))
