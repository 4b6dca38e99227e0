"""The page keeps still once its text shows: layout shift as Chrome counts it, from the frame at which the title is
first visible, stays within Chrome's "good" (0.1), on loads of the default view, a day and a filtered view, and while
Play steps through the days; and the views at the top keep the heights they had in that first frame."""

from __future__ import annotations

import pytest

from components.page import layout
from tests.browser.conftest import DESKTOP, PHONE, PHONE_AGENT

GOOD = 0.1  # Chrome's threshold for a good cumulative layout shift

# Sums every layout shift Chrome reports without recent input, from the first frame at which the page's title is
# visible, and records the heights of the views drawn by code the browser fetches when they first appear (the day
# control, the three headline figures' cards) in the first frame they show in: they must have their final height
# from then on, whether their code has arrived or a placeholder stands in for it.
SHIFTS = """
window.__layout = {afterTitle: 0, shifts: [], firstHeights: null};
const heights = (selector) => [...document.querySelectorAll(selector)]
  .map((view) => Math.round(view.getBoundingClientRect().height)).filter((height) => height > 0);
const topViews = () => ({
  dayControl: heights('.st-key-__DAY__'),
  figureCards: heights('.st-key-__FIGURES__ [data-testid=stColumn] [data-testid=stElementContainer]:first-child'),
});
const titleShown = () => [...document.querySelectorAll('h1')].some((el) => el.textContent.includes('Kazakhstan'));
const watch = () => {
  if (titleShown()) {
    const first = (window.__layout.firstHeights ??= {});
    const now = topViews();
    if (!first.dayControl && now.dayControl.length === 1) first.dayControl = now.dayControl;
    if (!first.figureCards && now.figureCards.length === 3) first.figureCards = now.figureCards;
  }
  requestAnimationFrame(watch);
};
requestAnimationFrame(watch);
new PerformanceObserver((entries) => {
  for (const entry of entries.getEntries()) {
    if (entry.hadRecentInput || window.__layout.firstHeights === null) continue;
    window.__layout.afterTitle += entry.value;
    window.__layout.shifts.push({at: Math.round(entry.startTime), value: entry.value,
      nodes: entry.sources.map((source) => source.node && source.node.parentElement
        ? (source.node.closest('[data-testid]') || source.node).getAttribute('data-testid') : '?')});
  }
}).observe({type: 'layout-shift', buffered: true});
window.__topViews = topViews;
""".replace("__FIGURES__", layout.HEADLINE_FIGURES_KEY).replace("__DAY__", layout.DAY_CONTROL_KEY)


def measured(session) -> dict:
    return session.page.evaluate("({...window.__layout, lastHeights: window.__topViews()})")


@pytest.mark.parametrize(
    "query",
    ["", "day=2022-01-09", "actor=Kazakh+government&dates=2022-01-04&dates=2022-01-12"],
    ids=["default", "a day", "filtered"],
)
def test_the_page_does_not_move_after_its_text_first_shows(open_session, query: str) -> None:
    session = open_session()
    session.context.add_init_script(SHIFTS)
    session.open(query)
    shown = measured(session)
    assert shown["afterTitle"] <= GOOD, f"layout shift after the title showed: {shown['shifts']}"
    assert shown["firstHeights"] == shown["lastHeights"], "the headline figures and the day control keep their height"
    assert shown["lastHeights"] == {
        "dayControl": [layout.DAY_CONTROL_HEIGHT],
        "figureCards": [layout.HEADLINE_FIGURE_HEIGHT] * 3,
    }
    assert session.page.locator("[data-testid=stMetric]").count() == 3
    assert session.errors == []


def test_a_phone_does_not_move_after_its_text_first_shows(open_session) -> None:
    session = open_session(viewport=PHONE, user_agent=PHONE_AGENT)
    session.context.add_init_script(SHIFTS)
    session.open()
    shown = measured(session)
    assert shown["afterTitle"] <= GOOD, f"layout shift after the title showed: {shown['shifts']}"
    assert shown["firstHeights"] == shown["lastHeights"]


def test_playing_the_days_does_not_move_the_page(open_session) -> None:
    session = open_session(viewport=DESKTOP)
    session.context.add_init_script(SHIFTS)
    session.open("day=2022-01-14")
    page = session.page
    before, before_heights = measured(session)["afterTitle"], measured(session)["lastHeights"]
    page.get_by_role("button", name="Play").click()
    # Five steps at a second each, none of them started by the reader's input.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
        ".some((el) => el.innerText.includes('end of Wednesday 19 January 2022'))",
        timeout=30_000,
    )
    session.wait_until_drawn()
    shown = measured(session)
    assert shown["afterTitle"] - before <= GOOD, f"layout shift while playing: {shown['shifts']}"
    assert shown["lastHeights"] == before_heights, "the headline figures and the day control keep their height"
