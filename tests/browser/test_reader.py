"""The dashboard as a reader uses it, in Chromium: every scenario asserts what the page shows."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlparse

from components.data import filters
from components.data.citations import citations
from components.data.dataset import Dataset
from components.views import map_kazakhstan, plotly_view, quote_table
from components.views.maps import place_positions
from tests.browser.conftest import CHART, DESKTOP, PHONE, PHONE_AGENT, open_actor_menu
from tests.conftest import group_label


def count(text: str) -> int:
    """The first number in a caption such as "11 of 108 quotes"."""
    return int(re.search(r"\d[\d,]*", text).group().replace(",", ""))


def query(session) -> dict[str, list[str]]:
    return parse_qs(urlparse(session.page.url).query)


def choose_actor(session, label: str) -> None:
    def pick() -> None:
        open_actor_menu(session.page)
        session.page.get_by_role("option", name=label, exact=True).click()
        session.page.keyboard.press("Escape")

    session.rerun(pick)


def legend_entries(session, chart_index: int) -> list[str]:
    chart = session.page.locator(CHART).nth(chart_index)
    return chart.locator(".legend .traces .legendtext").all_inner_texts()


def test_default_page_draws_every_view(open_session, server_log: Path) -> None:
    session = open_session()
    bundle_requests: list[str] = []
    session.page.on("request", lambda request: plotly_view.bundle_name() in request.url and bundle_requests.append(1))
    session.open()
    page = session.page
    assert len(bundle_requests) == 1, "the preload and both charts share one request for Plotly's bundle"
    assert page.locator("[data-testid=stDeckGlJsonChart] canvas").count() >= 2
    assert page.locator(CHART).count() == 2
    for chart in page.locator(CHART).all():
        assert chart.locator(".scatterlayer .trace .point").count() > 10
    assert page.locator("[data-testid=stDataFrame] [role=gridcell]").count() > 20
    assert count(session.caption("quotes")) == count(session.caption("quotes").split(" of ")[1])
    assert session.errors == [], session.errors
    log = server_log.read_text()
    assert "Traceback" not in log and "Error" not in log, log


def test_choosing_an_actor_changes_the_url_and_every_view(open_session, dataset: Dataset) -> None:
    session = open_session()
    session.open()
    before = {words: session.caption(words) for words in ("quotes", "events at", "force-size claims")}
    claimants_before = legend_entries(session, 1)
    choose_actor(session, "Other CSTO governments")
    assert query(session)["actor"] == ["Other CSTO governments"]
    after = {words: session.caption(words) for words in before}
    assert all(after[words] != before[words] for words in before), (before, after)
    assert count(after["quotes"]) < count(before["quotes"])
    # The grid takes the new rows in place; its accessible copy (a header row, then the rows in view) follows.
    session.page.wait_for_function(
        """(shown) => {
            const rows = document.querySelector('[data-testid=stDataFrame]').querySelectorAll('[role=row]');
            return rows.length > 1 && rows.length - 1 <= shown;
        }""",
        arg=count(after["quotes"]),
        timeout=10_000,
    )
    assert legend_entries(session, 1) != claimants_before, "the force chart's legend lists only the selection"
    legs = dataset["contingent_movements"]
    drawn, _ = map_kazakhstan.arcs(
        legs[legs["contributor"] != "RUS"], place_positions(dataset), dataset, citations(dataset)
    )
    assert f"{len(drawn)} contingent legs" in after["events at"]


def test_the_charts_redraw_in_place_once_per_filter_change(open_session) -> None:
    session = open_session()
    session.open()
    page = session.page
    charts = page.locator(CHART)
    alt_before = [chart.get_attribute("aria-label") for chart in charts.all()]
    legend_before = legend_entries(session, 1)
    page.evaluate(
        """(selector) => document.querySelectorAll(selector).forEach((chart) => {
            chart.dataset.marked = 'before';
            chart.dataset.draws = '0';
            chart.on('plotly_afterplot', () => { chart.dataset.draws = String(Number(chart.dataset.draws) + 1); });
        })""",
        CHART,
    )
    choose_actor(session, "Kazakh government")  # a group with figures in both charts: both stay drawn
    assert page.locator(f"{CHART}[data-marked=before]").count() == 2, "the same plots took the new figures"
    assert [chart.get_attribute("data-draws") for chart in charts.all()] == ["1", "1"], "one draw per chart"
    assert legend_entries(session, 1) != legend_before, "the force chart's legend lists only the selection"
    alt_after = [chart.get_attribute("aria-label") for chart in charts.all()]
    assert len(alt_after) == 2 and all(after and "from the selected" in after for after in alt_after), alt_after
    assert alt_after[0] != alt_before[0] and alt_after[1] != alt_before[1], "the text alternatives follow the figures"


def test_the_charts_follow_a_dark_theme(open_session) -> None:
    session = open_session(color_scheme="dark")
    session.open()
    page = session.page
    tick = page.locator(f"{CHART} .ytick text").first
    red, green, blue = (int(part) for part in re.findall(r"\d+", tick.evaluate("t => getComputedStyle(t).fill"))[:3])
    assert min(red, green, blue) > 150, "tick labels are light on the dark page"
    background = page.locator(f"{CHART} .main-svg").first.evaluate("svg => getComputedStyle(svg).background")
    assert "rgba(0, 0, 0, 0)" in background, "the chart lets the page's background through"


def test_the_quote_table_updates_in_place_and_drops_a_selection_its_rows_no_longer_hold(
    open_session, dataset: Dataset
) -> None:
    session = open_session()
    session.open()
    page = session.page
    page.locator("[data-testid=stDataFrame]").first.evaluate("grid => { grid.dataset.marked = 'before'; }")
    choose_actor(session, "United States")
    # No row was selected: the same grid takes the new rows (a new grid would be drawn from scratch).
    assert page.locator("[data-testid=stDataFrame][data-marked=before]").count() == 1
    shown = count(session.caption("quotes"))
    actors = dataset["actors"].set_index("actor_id")
    speakers = actors["name"][actors.index.isin(dataset["quotes"]["speaker_actor_id"])]
    us_speakers = set(speakers[actors["group_id"] == "us"])
    # The grid's accessible copy of its cells, what a screen reader reads, follows the new rows too.
    page.wait_for_function(
        """([rows, wanted, everyone]) => {
            const grid = document.querySelector('[data-testid=stDataFrame] table[role=grid]');
            const named = [...document.querySelectorAll('[data-testid=stDataFrame] [role=gridcell]')]
                .map((cell) => cell.textContent.trim()).filter((text) => everyone.includes(text));
            return grid && Number(grid.getAttribute('aria-rowcount')) === rows + 1
                && named.length > 0 && named.every((text) => wanted.includes(text));
        }""",
        arg=[shown, sorted(us_speakers), sorted(set(speakers))],
        timeout=10_000,
    )

    first_quote = session.read_first_quote()
    us_quotes = quote_table.filter_quotes(quote_table.quotes_frame(dataset), filters.Selection(groups=("us",)))
    assert first_quote.strip() == us_quotes["quote"].iloc[0].strip()
    choose_actor(session, "Kazakh government")
    # The selected row was a position in rows that have changed: nothing stays selected, no quote is shown.
    assert count(session.caption("quotes")) > shown
    assert page.locator("[data-testid=stMarkdownContainer] blockquote").count() == 0


def test_a_shared_link_reproduces_the_view_in_a_fresh_browser(open_session) -> None:
    first = open_session()
    first.open()
    choose_actor(first, "United States")
    first.search_quotes("Russians")
    link = first.page.url
    shared = first.page.get_by_label("Link to this view").input_value()
    assert parse_qs(urlparse(shared).query) == parse_qs(urlparse(link).query), "the share box shows this view"
    expected = {words: first.caption(words) for words in ("quotes",)}
    left_out = first.page.get_by_text("so the chart is left out").all_inner_texts()

    second = open_session()
    second.page.goto(shared)
    second.wait_until_drawn()
    assert second.page.locator("[data-testid=stMultiSelect]").first.inner_text().count("United States") == 1
    assert second.page.get_by_label("Search quotes").input_value() == "Russians"
    assert {words: second.caption(words) for words in expected} == expected
    assert second.page.get_by_text("so the chart is left out").all_inner_texts() == left_out


def test_a_tampered_link_shows_the_notice_and_the_page(open_session) -> None:
    session = open_session()
    session.open(
        "actor=United+States&actor=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&dates=2022-02-30&later=perhaps"
        "&embed_options=dark_theme&zzz=1"
    )
    notice = session.page.locator("[data-testid=stAlertContentWarning]").inner_text()
    for ignored in ("img src", "dates", "later", "zzz"):
        assert ignored in notice, notice
    assert session.page.locator("img[src=x]").count() == 0
    left_out = session.page.get_by_text("so the chart is left out").count()
    assert session.page.locator(CHART).count() + left_out == 2, "each chart drawn, or one sentence saying why not"
    assert query(session)["actor"] == ["United States"]


def test_quote_search_narrows_the_table_and_clearing_restores_it(open_session) -> None:
    session = open_session()
    session.open()
    full = count(session.caption("quotes"))
    session.search_quotes("terrorists")
    narrowed = count(session.caption("quotes"))
    assert 0 < narrowed < full and query(session)["q"] == ["terrorists"]
    session.search_quotes("")
    assert count(session.caption("quotes")) == full and "q" not in query(session)


def test_download_gives_the_rows_of_the_filtered_table(open_session, dataset: Dataset) -> None:
    session = open_session()
    session.open("actor=United+States")
    shown = count(session.caption("quotes"))
    with session.page.expect_download() as download:
        session.page.get_by_role("button", name=re.compile(r"quotes \(CSV\)")).click()
    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    groups = dataset["actors"].set_index("actor_id")["group_id"]
    assert len(rows) == shown
    assert {groups[row["speaker_actor_id"]] for row in rows} == {"us"}
    assert list(rows[0]) == [field["name"] for field in dataset.descriptor["resources"][8]["schema"]["fields"]]


# Every axis label inside its chart, and the tick labels clear of the legend below them: the charts set their
# margins themselves (components/views/charts.label_margin) rather than leave them to Plotly's automargin.
LABELS_FIT = """(chart) => {
  const frame = chart.querySelector('.main-svg').getBoundingClientRect();
  const boxes = (selector) => [...chart.querySelectorAll(selector)].map((node) => node.getBoundingClientRect())
    .filter((box) => box.width > 0);
  const ticks = boxes('.xaxislayer-above text, .yaxislayer-above text');  // every subplot's axes
  const legend = boxes('.legend .traces, .legend .legendtitletext');
  // Text placed on the chart (panel titles, milestone labels, "retracted"): no two may cross, and none may leave it.
  const notes = boxes('.annotation-text');
  const crossing = notes.flatMap((box, k) => notes.slice(k + 1).filter((other) => box.left < other.right - 1
    && other.left < box.right - 1 && box.top < other.bottom - 1 && other.top < box.bottom - 1));
  return {
    ticks: ticks.length,
    notes: notes.length,
    notesCrossing: crossing.length,
    notesOutside: notes.filter((box) => box.left < frame.left - 0.5 || box.right > frame.right + 0.5
      || box.top < frame.top - 0.5).length,
    outside: ticks.filter((box) => box.left < frame.left - 0.5 || box.right > frame.right + 0.5).length,
    lowestTick: Math.max(...boxes('.xaxislayer-above text').map((box) => box.bottom)),
    legendTop: Math.min(...legend.map((box) => box.top)),
  };
}"""


def test_chart_labels_fit_inside_the_charts_at_desktop_and_phone_width(open_session) -> None:
    for viewport, agent in ((DESKTOP, None), (PHONE, PHONE_AGENT)):
        session = open_session(viewport, agent)
        session.open()
        for chart in session.page.locator(CHART).all():
            fit = chart.evaluate(LABELS_FIT)
            assert fit["ticks"] > 10 and fit["outside"] == 0, (viewport, fit)
            assert fit["lowestTick"] <= fit["legendTop"], (viewport, "tick labels run into the legend", fit)
            assert fit["notesCrossing"] == 0 and fit["notesOutside"] == 0, (
                viewport,
                "labels on the chart collide",
                fit,
            )


def test_phone_width_has_no_sideways_overflow_and_reachable_filters(open_session) -> None:
    session = open_session(PHONE, PHONE_AGENT)
    session.open()
    page = session.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth") <= PHONE["width"]
    for frame in page.locator("[data-testid=stDeckGlJsonChart]").all():
        assert 300 <= frame.bounding_box()["height"] <= 600, "maps keep a sensible height"
    # The filters are in the page, in plain sight: no sidebar to find and open first.
    assert page.locator("[data-testid=stSidebar]").count() == 0
    box = page.locator("[data-testid=stMain] [data-testid=stMultiSelect]").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_on_a_phone_every_chosen_group_and_the_switch_label_read_in_full(open_session, dataset: Dataset) -> None:
    session = open_session(PHONE, PHONE_AGENT)
    chosen = [group_label(dataset, group) for group in ("kz-officials", "rights", "opposition")]
    session.open("&".join(f"actor={quote_plus(label)}" for label in chosen))
    page = session.page
    tags = page.locator("[data-testid=stMultiSelectTagsContainer] span[title]")
    assert sorted(tags.all_inner_texts()) == sorted(chosen)
    box = page.locator("[data-testid=stMultiSelectTagsContainer]").bounding_box()
    for tag in tags.all():
        # Not cut short with an ellipsis, and not scrolled out of the box's sight.
        assert tag.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), tag.inner_text()
        shown = tag.bounding_box()
        assert box["x"] <= shown["x"] and shown["x"] + shown["width"] <= box["x"] + box["width"] + 1
        assert box["y"] <= shown["y"] and shown["y"] + shown["height"] <= box["y"] + box["height"] + 1
    switch = page.locator("[data-testid=stCheckbox] .stMarkdownEllipsis").first
    assert "after 19 January" in switch.inner_text()
    assert switch.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), "the switch's label reads in full"


def pixel(longitude: float, latitude: float, view: dict, width: float, height: float) -> tuple[float, float]:
    """Web Mercator, as deck.gl projects it with no pitch or bearing."""
    size = 512 * 2 ** view["zoom"]

    def world(lon: float, lat: float) -> tuple[float, float]:
        phi = math.radians(lat)
        return size * (lon + 180) / 360, size * (0.5 - math.log(math.tan(math.pi / 4 + phi / 2)) / (2 * math.pi))

    x, y = world(longitude, latitude)
    centre_x, centre_y = world(view["longitude"], view["latitude"])
    return width / 2 + x - centre_x, height / 2 + y - centre_y


def test_map_tooltip_names_its_sources(open_session, dataset: Dataset) -> None:
    session = open_session()
    session.open()
    page = session.page
    canvas = page.locator("[data-testid=stDeckGlJsonChart] canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    almaty = dataset["places"].set_index("place_id").loc["almaty"]
    x, y = pixel(almaty["longitude"], almaty["latitude"], map_kazakhstan.VIEW, box["width"], box["height"])
    page.mouse.move(box["x"] + x + 1, box["y"] + y + 1)
    text = page.wait_for_function(
        """() => [...document.querySelectorAll('.deck-tooltip')]
            .map(tip => tip.style.display !== 'none' ? tip.innerText : '').find(text => text.length > 0)""",
        timeout=10_000,
    ).json_value()
    # Almaty is both a mapped place and where the contingents' arcs land: either tooltip names its sources.
    assert "Almaty" in text and "Sources: " in text, text


def test_chart_hover_names_the_claim_and_its_sources(open_session) -> None:
    session = open_session()
    session.open()
    page = session.page
    point = page.locator(CHART).first.locator(".scatterlayer .trace .point").first
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    text = page.locator(CHART).first.locator(".hoverlayer .hovertext").first
    text.wait_for(state="visible", timeout=10_000)
    words = text.text_content()  # SVG text: Plotly draws its hover label in the chart's SVG
    assert "“" in words and "Sources: " in words, words


def tab_to(page, test_id: str, what: str) -> None:
    """Press Tab until the focus is on the field of the element with this data-testid (not its help button), as a
    keyboard user would."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"!!document.activeElement.closest('[data-testid={test_id}]') && document.activeElement.tagName === 'INPUT'"
        ):
            return
    raise AssertionError(f"Tab never reached {what}")


def test_filters_work_from_the_keyboard(open_session) -> None:
    session = open_session()
    session.open()
    page = session.page
    tab_to(page, "stMultiSelect", "the actor filter")

    def pick() -> None:
        page.keyboard.type("Opposition")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")

    session.rerun(pick)
    assert query(session)["actor"] == ["Opposition"]
    tab_to(page, "stSlider", "the date slider")
    session.rerun(lambda: page.keyboard.press("ArrowRight"))
    assert query(session)["dates"] == ["2022-01-02", "2022-01-19"]


def test_the_casualty_chart_fits_a_desktop_screen_and_empty_views_give_up_their_space(open_session) -> None:
    session = open_session()
    session.open()
    chart = session.page.locator(CHART).first.bounding_box()
    assert chart["height"] <= DESKTOP["height"], "the lead and every other measure fit one screen at 1400 x 900"
    us = open_session()
    us.open("actor=United+States")
    page = us.page
    assert page.locator(CHART).count() == 0 and page.locator("[data-testid=stDeckGlJsonChart]").count() == 0
    sentences = page.get_by_text(re.compile(r"so the (chart|map) is left out")).all_inner_texts()
    assert len(sentences) == 3 and all("United States" in sentence for sentence in sentences)
    top = page.get_by_role("heading", name="Where it happened").bounding_box()["y"]
    grid = page.locator("[data-testid=stDataFrame]").first.bounding_box()["y"]
    assert grid - top < DESKTOP["height"] * 0.75, "the selection's quotes follow within the screen after the maps"
