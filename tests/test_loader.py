"""The loader derives each selection's views once and shares them: what it shares must be what the components
compute for that selection, and no run may change it."""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from components.data import filters
from components.page import loader
from components.views import casualty_chart, force_chart, maps, quote_table
from tests.conftest import ROOT

PATH = str(loader.data_dir())
STATIC_DIR = ROOT / "static"  # the dashboard's, so a test and the page share the same maps
FIRST_DAY, LAST_DAY = filters.study_window(loader.load(PATH).dataset)
DEFAULT = filters.Selection(start=FIRST_DAY, end=LAST_DAY, window_end=LAST_DAY)  # the page's, with no filter
GOVERNMENT = filters.Selection(groups=("kz-gov",), start=date(2022, 1, 4), end=date(2022, 1, 12), window_end=LAST_DAY)


def derived(selection: filters.Selection) -> dict[str, object]:
    """Every view the loader derives for a selection, as the dashboard asks for it."""
    return {
        "quotes": loader.selected_quotes(PATH, selection),
        "quote rows": loader.quote_rows(PATH, selection),
        "events": loader.selected_events(PATH, selection),
        "movements": loader.selected_movements(PATH, selection),
        "national points": loader.national_points(PATH, selection),
        "almaty points": loader.almaty_points(PATH, selection),
        "arcs": loader.selected_arcs(PATH, selection),
        "national map": loader.kazakhstan_deck(PATH, STATIC_DIR, selection, False).to_json(),
        "almaty map": loader.almaty_deck(PATH, STATIC_DIR, selection).to_json(),
        "casualty claims": loader.marked_casualty_claims(PATH, selection),
        "casualty chart": loader.casualty_figure(PATH, selection),
        "force claims": loader.marked_force_claims(PATH, selection),
        "force chart": loader.force_figure(PATH, selection),
        "sources": loader.sources_used(PATH, selection),
    }


PER_SELECTION = [
    loader.selected_quotes,
    loader.quote_rows,
    loader.selected_events,
    loader.selected_movements,
    loader.national_points,
    loader.almaty_points,
    loader.selected_arcs,
    loader.kazakhstan_deck,
    loader.almaty_deck,
    loader.marked_casualty_claims,
    loader.casualty_figure,
    loader.marked_force_claims,
    loader.force_figure,
    loader.sources_used,
]


def same(first: object, second: object) -> bool:
    if isinstance(first, pd.DataFrame):
        return first.equals(second)
    if isinstance(first, tuple):
        return len(first) == len(second) and all(same(a, b) for a, b in zip(first, second, strict=True))
    return first == second


def test_a_selection_is_derived_once_and_equal_selections_share_it() -> None:
    first = loader.casualty_figure(PATH, GOVERNMENT)
    assert loader.casualty_figure(PATH, filters.Selection(**vars(GOVERNMENT))) is first
    assert loader.casualty_figure(PATH, DEFAULT) != first
    deck = loader.kazakhstan_deck(PATH, None, GOVERNMENT, False)
    assert loader.kazakhstan_deck(PATH, None, GOVERNMENT, True) is not deck, "phones get their own view"


def test_shared_views_are_what_the_components_compute() -> None:
    dataset = loader.load(PATH).dataset
    labels = filters.group_labels(dataset)
    views = derived(GOVERNMENT)
    events = filters.filter_events(dataset, GOVERNMENT)
    shown_quotes = quote_table.filter_quotes(loader.quotes(PATH), GOVERNMENT)
    fresh = {
        "quotes": shown_quotes,
        "quote rows": quote_table.table(shown_quotes),
        "events": events,
        "national points": maps.events_by_place(
            events, maps.gathered_in_cities(loader.place_positions(PATH), dataset), loader.citation_lookup(PATH)
        ),
        "casualty chart": casualty_chart.casualty_figure(
            loader.casualty_claims(PATH), casualty_chart.milestones(dataset), GOVERNMENT, labels
        ),
        "force chart": force_chart.force_figure(
            loader.force_claims(PATH), GOVERNMENT, labels, casualty_chart.milestones(dataset)
        ),
    }
    assert 0 < len(views["events"]) < len(dataset["events"]), "the selection narrows the events"
    for name, value in fresh.items():
        assert same(views[name], value), name


def test_a_run_leaves_the_shared_views_as_it_found_them() -> None:
    for function in PER_SELECTION:
        function.clear()  # a run in another test may already have filled them
    before = {name: copy.deepcopy(value) for name, value in derived(DEFAULT).items()}
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for query in ({}, {"actor": "Kazakh government"}, {}):
        app.query_params.clear()
        app.query_params.update(query)
        app.run()
        assert not app.exception
    after = derived(DEFAULT)
    changed = [name for name, value in before.items() if not same(value, after[name])]
    assert not changed, f"a run changed the shared {changed}"
