"""Kazakhstan, January 2022: the unrest and the CSTO deployment."""

import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import streamlit as st

from components.data import filters
from components.data.dictionary import dictionary_rows
from components.page import cite, downloads, layout, links, loader
from components.page.html_table import html_table
from components.views import (
    casualty_chart,
    force_chart,
    headline,
    legend,
    map_kazakhstan,
    plotly_view,
    quote_table,
    summaries,
    timeline,
)

st.set_page_config(page_title="Kazakhstan, January 2022", page_icon="🗺️", layout="wide")

# Files Streamlit serves at app/static/ (server.enableStaticServing): Plotly's bundle, the maps' boundaries.
STATIC_DIR = Path(__file__).with_name("static")
ASSETS = Path(__file__).with_name("components") / "assets"
st.html(ASSETS / "page.css")  # focus outlines and reduced motion; style alone takes no space on the page
layout.hold_for_layout(st.session_state)  # a session's first run: the wide layout is drawn before any view

# LOAD THE DATA ONCE ---------------------------------------------------------------------------------
DATA = str(loader.data_dir())
result = loader.load(DATA)

view = links.read_view(st.query_params.get_all(links.VIEW))  # one view alone (an embed), or None: the whole page
if view is None:
    st.title("Kazakhstan, January 2022")
elif st.context.is_embedded:
    # An embedded view is read, not filtered: the link at its foot opens the page with its filters.
    st.html(f"<style>{links.EMBEDDED_VIEW_STYLE}</style>")
if result.dataset is None:
    st.error("The dashboard cannot show the data: the data package failed validation.")
    st.code(result.problem_report, language=None)
    st.stop()

dataset = result.dataset
descriptor = dataset.descriptor
if view is None:
    st.markdown(descriptor["x-summary"])

# FILTERS, BOUND TO THE URL ----------------------------------------------------------------------------
labels = loader.group_labels(DATA)
first_day, last_day = filters.study_window(dataset)
reading = links.read_link(
    {key: st.query_params.get_all(key) for key in st.query_params}, list(labels.values()), first_day, last_day
)

# THE RECORD AS IT STOOD ON A DAY ------------------------------------------------------------------------
# The day is held by the control and written to the link only when the reader moves it or pauses (not while it
# plays): the control is not bound to the URL as the filters are.
if timeline.DAY_KEY not in st.session_state:
    st.session_state[timeline.DAY_KEY] = reading.day


def write_day_to_link() -> None:
    st.session_state[timeline.PLAYING_KEY] = False
    shown = st.session_state[timeline.DAY_KEY]
    if shown is None:
        st.query_params.pop(links.DAY, None)
    else:
        st.query_params[links.DAY] = shown.isoformat()


def play_or_pause() -> None:
    if st.session_state.get(timeline.PLAYING_KEY):
        write_day_to_link()
    else:
        timeline.start(st.session_state, first_day, last_day, time.monotonic())


playing = bool(st.session_state.get(timeline.PLAYING_KEY))
day = st.session_state[timeline.DAY_KEY]  # a single view shows the linked day without the control


@st.fragment(run_every=timeline.STEP_SECONDS if playing else None)
def day_player() -> None:
    """While playing, each tick of the timer moves the day on and draws the whole page for it."""
    if timeline.step(st.session_state, last_day, time.monotonic()):
        if not st.session_state[timeline.PLAYING_KEY]:
            write_day_to_link()  # the last day: playing stopped there, as a pause would
        st.rerun(scope="app")


actor_names = loader.actor_names(DATA)
if view is None:
    day_column, play_column = st.columns([5, 1], vertical_alignment="bottom")
    day = day_column.container(
        height=layout.DAY_CONTROL_HEIGHT, border=False, key=layout.DAY_CONTROL_KEY
    ).select_slider(
        "Show the record as it stood at the end of a day",
        options=[None, *timeline.days(first_day, last_day)],
        format_func=timeline.label,
        key=timeline.DAY_KEY,
        on_change=write_day_to_link,
        help="Every view shows what had been made public by the end of that day: later claims, events and quotes "
        "are left out. Play steps through 1 to 19 January, a day a second.",
    )
    play_column.button(
        "Pause" if playing else "Play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=play_or_pause,
        width="stretch",
        help="Step through the days; pausing puts the day in the link.",
    )
    day_player()

    # HEADLINE FIGURES -----------------------------------------------------------------------------------
    st.markdown(f"**{timeline.heading(day)}**")
    for column, today, yesterday in zip(
        st.container(key=layout.HEADLINE_FIGURES_KEY).columns(3),
        loader.headlines(DATA, day),
        loader.headlines(DATA, headline.day_before(day, first_day)) if day else [None] * 3,
        strict=True,
    ):
        with column:
            st.metric(
                today.label,
                today.value,
                delta=headline.change(today, yesterday),
                delta_color="off",
                border=True,
                height=layout.HEADLINE_FIGURE_HEIGHT,
            )
            st.caption(" ".join(filter(None, [today.context, today.attribution])))

    # WHAT IS KNOWN, AND WHAT IS NOT ---------------------------------------------------------------------
    with st.container(border=True):
        st.markdown("**What is known, and what is not**")
        settled, disputed = st.columns(2)
        facts = headline.key_facts(descriptor)
        for column, side, title in (
            (settled, "settled", "The record settles"),
            (disputed, "disputed", "Disputed or unproven"),
        ):
            column.markdown(
                f"*{title}*\n\n" + "\n".join(f"- {headline.fact_line(text, rows)}" for text, rows in facts[side])
            )
    st.caption(
        f"Data version {descriptor['version']}, {descriptor['created'][:10]}. Numbers are claims: every figure "
        "shows who made it, when, and the source that reported it."
    )

# FILTERS, BOUND TO THE URL ----------------------------------------------------------------------------
# In the page, not a sidebar: a phone folds a sidebar away behind an unlabelled button, and a sidebar that opens after
# the first paint pushes the whole page sideways.
contents = loader.group_contents(DATA)
with st.container(border=True, key="page-filters") if view is None else st.sidebar:
    st.markdown("**Filter the page**")
    actor_column, dates_column = st.columns([3, 2])
    chosen_labels = actor_column.multiselect(
        "Actor groups",
        list(labels.values()),
        key=links.ACTOR,
        bind="query-params",
        placeholder="All actor groups",
        # The counts go in the help, not the options: a bound widget writes its options' display text to the link.
        help="What each group holds (a quote is its speaker's, an event belongs to every group involved, a figure "
        "to its claimant's):\n\n" + "\n".join(f"- **{label}**: {held}" for label, held in contents.items()),
    )
    window = dates_column.slider(
        "Dates, January 2022",
        min_value=first_day,
        max_value=last_day,
        value=(first_day, last_day),
        format="D MMM",
        key=links.DATES,
        bind="query-params",
    )
    search_column, later_column = st.columns([3, 2], vertical_alignment="bottom")
    search = search_column.text_input(
        "Search quotes",
        key=links.SEARCH,
        bind="query-params",
        max_chars=links.SEARCH_MAX_CHARS,
        placeholder="a word or a name",
    )
    include_later = later_column.toggle(
        "Include what was made public after 19 January",
        value=True,
        key=links.LATER,
        bind="query-params",
        help="Official tolls, human-rights reports and media counts published later, dated by publication.",
    )
    share = links.share_query(
        chosen_labels, window, (first_day, last_day), include_later, search, reading.open_panels, day, view
    )
    # A plain text field: readers select and copy it, and it needs no extra script in the browser.
    st.text_input("Link to this view", value=f"{st.context.url or ''}{'?' + share if share else ''}")
    cite_button = st.button("Cite or embed this view", icon=":material/format_quote:", key="cite-sidebar")
    plotly_view.preload(STATIC_DIR)  # shows nothing; its element takes the container's last gap

narrow = summaries.is_narrow_screen(st.context.headers.get("User-Agent"))  # a phone: some views lay out for it
label_to_group = {label: group for group, label in labels.items()}
selection = filters.Selection(
    groups=tuple(label_to_group[label] for label in chosen_labels),
    start=min(window),
    end=max(window),
    include_later=include_later,
    search=search[: links.SEARCH_MAX_CHARS],
    window_end=last_day,
    day=day,
)
# Optional notes sit in containers of their own (or at the end of one), so a note that comes and goes never shifts
# the elements after it: Streamlit would take those for new elements and redraw them from scratch.
with st.container():
    if reading.notices:
        st.warning("This link asked for things the page cannot show, so it ignored " + "; ".join(reading.notices) + ".")
st.caption(
    f"Showing **{summaries.selection_phrase(chosen_labels)}**, {selection.start:%-d}–{selection.end:%-d %B %Y}"
    + (f", as the record stood at the end of {day:%-d %B}" if day else "")
    + (", with what was made public later" if include_later and not day else "")
    + ". "
    "Maps and the quote table show only the selection; the charts keep every claim and dim those from other "
    "actor groups, so the selected figures can be read against the whole record."
)


def table_panel(key: str, label: str, *tables) -> None:
    """A view's data as tables a screen reader reads, in a panel closed until asked for (its state is in the URL):
    each of `tables` is a caption and a function giving the rows the view draws, called only when open."""
    panel = st.expander(label, key=key, bind="query-params")
    if panel.open:
        for caption, rows in tables:
            frame = rows()
            if len(tables) > 1:
                panel.caption(caption)
            if len(frame):
                panel.html(html_table(frame, caption))
            else:
                panel.caption(f"{caption}: none in this selection.")


def claims_chart(
    key: str, figure, claims, unnumbered, noun: str, how_to_read: str, none_selected: str, table_key: str, table
) -> None:
    """A chart of claims: how many the selection holds and how to read them, the chart, and the selected claims
    it cannot draw for want of a number. When the selection holds none, one sentence says so in its place. The
    notes that come and go sit in containers of their own."""
    chosen = int(claims["selected"].sum())
    with st.container():  # the elements after it keep their places whether the chart is drawn or not
        if not chosen:
            st.markdown(none_selected)
            return
        st.caption(f"{summaries.count_of(chosen, len(claims), noun)} are from the selection. {how_to_read}")
        plotly_view.show(figure, key=key, alt=summaries.claims_alt(claims, noun, figure), static_dir=STATIC_DIR)
        table_panel(table_key, f"Table: the {noun} in this chart", (f"The {noun} drawn in the chart", table))
        with st.container():
            if len(unnumbered):
                st.caption(summaries.unnumbered(unnumbered, actor_names, "Claims without a number, not drawn"))


# The three views in page order. The quote table is filled first, though shown last: the data grid builds the
# accessible copy of its cells a set time after its rows arrive, so the sooner they arrive, the sooner a filter
# change has redrawn every view (about 100 ms sooner; bench/README.md).
maps_area, charts_area, quotes_area = st.container(), st.container(), st.container()

# QUOTES ------------------------------------------------------------------------------------------------
with quotes_area:
    if links.shows(view, "quotes"):
        st.header("What they said")
    all_quotes = loader.quotes(DATA)
    shown_quotes = loader.selected_quotes(DATA, selection)

    @st.fragment
    def quote_section() -> None:
        # A fragment: choosing a row to read shows the full quote without redrawing the maps and charts.
        st.caption(
            summaries.count_of(len(shown_quotes), len(all_quotes), "quotes")
            + (f" matching “{links.markdown_literal(selection.search)}”" if selection.search else "")
            + ". Quotes are verbatim as the source printed them; where they were translated, the column says by whom."
            + ("" if narrow else " Select a row to read the whole quote.")
        )
        if shown_quotes.empty:
            st.info("No quotes match this selection.")
            return
        if narrow:  # a phone: every quote in full, a block each, in a box of its own height
            with st.container(height=640):
                st.html(loader.quote_blocks(DATA, selection))
            return
        rows = loader.quote_rows(DATA, selection)
        picked = st.dataframe(
            rows,
            key=quote_table.table_key(st.session_state, tuple(rows["quote_id"])),
            hide_index=True,
            width="stretch",
            height=quote_table.grid_height(len(rows)),
            on_select="rerun",
            selection_mode="single-row",
            alt=f"Table of {len(rows)} quotes with date, speaker, quote, actor group, role and source.",
            column_config={
                "when": st.column_config.TextColumn("When", width=136),  # "about 12 Jan 2022" in full
                "speaker": st.column_config.TextColumn("Speaker"),
                "quote": st.column_config.TextColumn("Quote", width="large"),
                "actor_group": st.column_config.TextColumn("Actor group"),
                "role": st.column_config.TextColumn("Role"),
                "translated": st.column_config.TextColumn("Translation"),
                "quoted as": st.column_config.TextColumn("Quoted as"),
                "original": st.column_config.TextColumn("Original words"),
                "source": st.column_config.TextColumn("Source"),
                "source_url": st.column_config.LinkColumn("Link", display_text="source ↗"),
                "quote_id": st.column_config.TextColumn("ID", width="small"),
            },
        )
        if picked.selection.rows:
            chosen = shown_quotes.iloc[picked.selection.rows[0]]
            st.markdown("> " + links.markdown_literal(chosen["quote"]))
            st.caption(links.markdown_literal(quote_table.attribution(chosen)))

    if links.shows(view, "quotes"):
        quote_section()

# MAPS --------------------------------------------------------------------------------------------------
with maps_area:
    if view is None:
        st.header("Where it happened")
    events = loader.selected_events(DATA, selection)
    national_points = loader.national_points(DATA, selection)
    almaty_points = loader.almaty_points(DATA, selection)
    arc_rows, undrawn_legs = loader.selected_arcs(DATA, selection)
    with st.container():
        if view in (None, "kazakhstan", "almaty") and (len(national_points) or len(almaty_points) or len(arc_rows)):
            st.html(legend.map_key(legend.drawn_legs(arc_rows, labels)))

    has_national, has_city = bool(len(national_points) or len(arc_rows)), bool(len(almaty_points))
    phrase = summaries.selection_phrase(chosen_labels)
    if view is None and not (has_national or has_city):
        # Nothing to map: one sentence for both maps, and the section gives up their space.
        st.markdown(f"{summaries.no_national_map(phrase, len(events))} Nor did any take place in Almaty.")
    national, city = (
        st.columns([3, 2]) if view is None and has_national and has_city else (st.container(), st.container())
    )
    with national:
        if links.shows(view, "kazakhstan") and has_national:
            st.subheader("Kazakhstan and the CSTO contingents")
            st.caption(
                summaries.national_map_caption(
                    len(events), len(dataset["events"]), national_points, len(arc_rows), undrawn_legs
                )
            )
            st.pydeck_chart(
                loader.kazakhstan_deck(DATA, STATIC_DIR, selection, narrow),
                height=map_kazakhstan.height(narrow),
                alt=summaries.map_alt(national_points, arc_rows, "Kazakhstan"),
            )
        elif links.shows(view, "kazakhstan") and (view or has_city):
            st.markdown(summaries.no_national_map(phrase, len(events)))
    with city:
        if links.shows(view, "almaty") and has_city:
            st.subheader("Almaty")
            st.caption(summaries.almaty_map_caption(almaty_points))
            st.pydeck_chart(
                loader.almaty_deck(DATA, STATIC_DIR, selection, narrow),
                height=map_kazakhstan.HEIGHT,
                alt=summaries.map_alt(almaty_points, None, "Almaty"),
            )
        elif links.shows(view, "almaty") and (view or has_national):
            st.markdown(summaries.no_city_map(phrase))
    # The maps' data as tables, under both maps: beside each other, a table would have half the page's width.
    if links.shows(view, "kazakhstan") and has_national:
        table_panel(
            links.NATIONAL_TABLE,
            "Table: events and contingent legs on the map of Kazakhstan",
            ("Events drawn on the map of Kazakhstan", partial(loader.national_event_table, DATA, selection)),
            ("CSTO contingent legs drawn on the map of Kazakhstan", partial(loader.leg_table, DATA, selection)),
        )
    if links.shows(view, "almaty") and has_city:
        table_panel(
            links.ALMATY_TABLE,
            "Table: events on the map of Almaty",
            ("Events drawn on the map of Almaty", partial(loader.almaty_event_table, DATA, selection)),
        )

# CHARTS ------------------------------------------------------------------------------------------------
with charts_area:
    # Casualty claims
    casualty_claims = loader.marked_casualty_claims(DATA, selection)
    if links.shows(view, "casualties"):
        st.header("How the toll was counted")
        claims_chart(
            "casualty_chart",
            loader.casualty_figure(DATA, selection, narrow),
            casualty_claims,
            casualty_chart.claims_without_numbers(casualty_claims),
            "casualty, detention and crowd figures",
            casualty_chart.HOW_TO_READ + (casualty_chart.LATER_NOTE if include_later and not day else ""),
            f"No casualty, detention or crowd figure was claimed by {summaries.selection_phrase(chosen_labels)} in "
            "these dates, so the chart is left out.",
            links.CASUALTY_TABLE,
            partial(loader.casualty_table, DATA, selection),
        )

    # Force-size claims
    force_claims = loader.marked_force_claims(DATA, selection)
    if links.shows(view, "forces"):
        st.header("How many troops the CSTO sent")
        claims_chart(
            "force_chart",
            loader.force_figure(DATA, selection, narrow),
            force_claims,
            force_chart.claims_without_numbers(force_claims),
            "force-size claims",
            force_chart.HOW_TO_READ,
            f"No figure for the size of the CSTO force was given by {summaries.selection_phrase(chosen_labels)} in "
            "these dates, so the chart is left out.",
            links.FORCE_TABLE,
            partial(loader.force_table, DATA, selection),
        )

# ONE VIEW ALONE: its source line, the way back to the whole page, and the citation -------------------------
cited = cite.CitedView(
    title=descriptor["title"],
    view_title=links.VIEWS.get(view),
    version=descriptor["version"],
    created=datetime.fromisoformat(descriptor["created"]).date(),
    filters=cite.filters_in_words(
        chosen_labels, selection.start, selection.end, include_later, selection.search, selection.day
    ),
    url=f"{st.context.url or ''}{'?' + share if share else ''}",
    accessed=datetime.now(UTC).date(),
)


@st.dialog("Cite or embed this view", width="large")
def cite_dialog() -> None:
    st.caption(f"For what this view shows now: {links.markdown_literal(cited.filters)}. Each form's link reopens it.")
    st.markdown("**Citation** (APA style)")
    st.code(cite.plain_text(cited), language=None, wrap_lines=True)
    st.markdown("**BibTeX**")
    st.code(cite.bibtex(cited), language="latex", wrap_lines=True)
    st.markdown("**CSL-JSON** (Zotero, pandoc)")
    st.code(cite.csl_json(cited), language="json")
    st.markdown("**Embed** this view in another page")
    st.code(cite.iframe(cited.url, cited.full_title, view), language="html", wrap_lines=True)


if view is not None:
    sources_line = cite.source_line(
        loader.view_sources(DATA, selection, view), dataset["sources"], cited.title, cited.version
    )
    st.caption(links.markdown_literal(sources_line))
    full_page = links.share_query(
        chosen_labels, window, (first_day, last_day), include_later, search, reading.open_panels, day
    )
    back, cite_column = st.columns(2)
    back.link_button(
        "Open the full page",
        f"{st.context.url or './'}{'?' + full_page if full_page else ''}",
        icon=":material/open_in_new:",
    )
    cite_button |= cite_column.button("Cite or embed this view", icon=":material/format_quote:", key="cite-view")
if cite_button:
    cite_dialog()
if view is not None:
    loader.freeze_long_lived_objects()
    st.stop()  # a single view ends here: no downloads, sources or method

# DOWNLOADS ----------------------------------------------------------------------------------------------
st.header("Download the data")
st.caption("The rows in the current selection, in the data package's own format, or the whole package.")
selected_rows = downloads.selection_tables(dataset, shown_quotes, events, casualty_claims, force_claims)
download_columns = st.columns(len(selected_rows) + 1)
for column, (label, name, rows) in zip(download_columns, selected_rows, strict=False):
    column.download_button(
        label,
        partial(downloads.to_package_csv, rows, descriptor, name),  # built when clicked, not on every run
        file_name=f"{name}-selection.csv",
        mime="text/csv",
        on_click="ignore",
        width="stretch",
        icon=":material/download:",
    )
download_columns[-1].download_button(
    "Whole package (zip)",
    partial(loader.package_zip, DATA),
    file_name="kazakhstan-january-2022.zip",
    mime="application/zip",
    on_click="ignore",
    width="stretch",
    icon=":material/download:",
)

# SOURCES AND METHOD -------------------------------------------------------------------------------------
st.header("Sources & method")
st.markdown(descriptor["description"])
st.markdown(
    "**How to read the figures.** Official tolls changed from day to day and one was withdrawn on the day it "
    "appeared; media and independent counts differ again. The dataset never stores a single true number: each "
    "figure is a row with its claimant, date, status and source, and a revision points at the claim it replaced. "
    'Where a figure is a lower bound ("over 150"), the number is drawn and the words are kept. Coordinates are '
    "shown only where a source states them; places without one are not mapped or are shown at their city's centre."
)
shown_sources = loader.sources_used(DATA, selection)
# Closed panels are not built: their rows reach the browser only when a reader opens them (and the URL says so).
sources_panel = st.expander(f"Sources used by this view ({len(shown_sources)})", key=links.SOURCES, bind="query-params")
if sources_panel.open:
    sources_panel.dataframe(
        shown_sources[
            [
                "source_id",
                "publisher",
                "original_publisher",
                "publisher_type",
                "outlet_control",
                "title",
                "published",
                "language",
                "url",
                "reliability_note",
                "rows_citing",
            ]
        ].fillna(""),
        hide_index=True,
        width="stretch",
        height=320,
        column_config={
            "source_id": "ID",
            "publisher": "Publisher",
            "original_publisher": "Text from",
            "publisher_type": "Kind",
            "outlet_control": "Control",
            "title": "Title",
            "published": "Published",
            "language": "Language",
            "url": st.column_config.LinkColumn("Link", display_text="open ↗"),
            "reliability_note": "Read with care because",
            "rows_citing": "Rows citing",
        },
    )
# The log is long (a row for each departure from a source, with its reasons): closed until asked for, its count shown.
corrections_panel = st.expander(
    f"Corrections and departures from sources ({len(dataset['corrections'])})",
    key=links.CORRECTIONS,
    bind="query-params",
)
if corrections_panel.open:
    corrections_panel.html(loader.corrections(DATA))
st.subheader("Licences and credits")
st.markdown(
    "\n".join(
        [f"- {licence['title']} ([{licence['name']}]({licence['path']}))" for licence in descriptor["licenses"]]
        + [f"- {note}" for note in descriptor["x-rights-notes"]]
        + [f"- Map layer “{layer['title']}”: {layer['attribution']}." for layer in descriptor["x-boundaries"]]
    )
)
dictionary_panel = st.expander("Data dictionary", key=links.DICTIONARY, bind="query-params")
if dictionary_panel.open:
    dictionary_panel.caption(
        # No inline code here: a caption's 60% opacity takes the theme's code colour under 4.5:1 contrast.
        "Every field of every table, from datapackage.json; data/README.md has the tables' descriptions."
    )
    dictionary_panel.dataframe(dictionary_rows(descriptor), hide_index=True, width="stretch")

# Static; shows nothing: at the page's end, where its element's gap goes unseen.
st.html(ASSETS / "reduced_motion.html", unsafe_allow_javascript=True)

# Once per process, after the first full run: see loader.freeze_long_lived_objects.
loader.freeze_long_lived_objects()
