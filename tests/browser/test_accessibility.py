"""Accessibility in Chromium: axe-core finds no serious or critical problem in any state of the page; the keyboard
reaches the day control, the filters, every view and its table, the quotes and the downloads in page order, each
with a focus one can see; nothing moves by itself, and a reader who asks for reduced motion gets none.

axe-core comes bundled with axe-playwright-python. Streamlit scrolls the page inside its main element, and axe leaves
out what that element has scrolled out of sight, so each state is checked in a window as tall as the whole page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe

from components.page import links
from tests.browser.conftest import DESKTOP, PHONE, PHONE_AGENT, RESULTS

TABLES = "&".join(f"{panel}=true" for panel in links.PANELS if panel.endswith("_table"))
EVERY_PANEL = "&".join(f"{panel}=true" for panel in links.PANELS)
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class State:
    query: str = ""
    viewport: dict = field(default_factory=lambda: DESKTOP)
    user_agent: str | None = None
    color_scheme: str = "light"


# Every state a reader can put the page in that shows something the others do not. Closed panels are not built,
# so the panels are checked open.
STATES = {
    "default page": State(),
    "filtered link": State("actor=Other+CSTO+governments&dates=2022-01-04&dates=2022-01-12&later=false&q=troops"),
    "sources, corrections and data dictionary open": State(
        f"{links.SOURCES}=true&{links.CORRECTIONS}=true&{links.DICTIONARY}=true"
    ),
    "every view's table open": State(TABLES),
    "dark theme, every panel open": State(EVERY_PANEL, color_scheme="dark"),
    "phone at 375 px, every view's table open": State(TABLES, PHONE, PHONE_AGENT),
    "embedded (?embed=true)": State("embed=true"),
    "the record on one day (?day=)": State("day=2022-01-07"),
    "one view embedded, its table open": State(f"view=casualties&embed=true&{links.CASUALTY_TABLE}=true"),
}


def show_whole_page(page) -> None:
    """Make the window as tall as the page, so nothing is scrolled out of axe's sight, and wait until it is still."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
    page.wait_for_function("performance.now() - window.__lastChange > 500", timeout=30_000, polling=100)


def findings(violations: list[dict], state: str, impacts: tuple[str, ...]) -> list[str]:
    """One line per element with a violation of one of `impacts`: the state, the rule, the element and why."""
    return [
        f"{state}: {violation['id']} ({violation['impact']}) on {' '.join(map(str, node['target']))}: "
        f"{node['html'][:160]} — {' '.join(node.get('failureSummary', '').split())[:300]}"
        for violation in violations
        if violation["impact"] in impacts
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("state", STATES)
def test_axe_finds_no_serious_problem(open_session, state: str) -> None:
    setting = STATES[state]
    session = open_session(setting.viewport, setting.user_agent, color_scheme=setting.color_scheme)
    session.open(setting.query)
    show_whole_page(session.page)
    violations = Axe().run(session.page).response["violations"]
    RESULTS.mkdir(exist_ok=True)
    counts = {
        impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
        for impact in ("critical", "serious", "moderate", "minor")
    }
    (RESULTS / f"axe-{re.sub(r'[^a-z0-9]+', '-', state.lower()).strip('-')}.json").write_text(
        json.dumps({"state": state, "query": setting.query, "elements": counts, "violations": violations}, indent=1)
    )
    # Each chart and map says what it shows for the selection, in its text alternative.
    labels = session.page.eval_on_selector_all(
        "[data-testid=stDeckGlJsonChart], .plotly-view", "views => views.map(v => v.getAttribute('aria-label'))"
    )
    assert len(labels) >= 1 and all(label and any(c.isdigit() for c in label) for label in labels), labels
    problems = findings(violations, state, BLOCKING)
    assert not problems, "\n".join(problems)


# What each stop of the keyboard's walk belongs to, read from the focused element; null for anything else (the
# skip link, the menu, headings' anchors, Plotly's buttons).
STOP = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return null;
  const within = (selector) => focused.closest(selector) !== null;
  let name = null;
  if (within('.st-key-day_shown')) name = 'day control';
  else if (within('[data-testid=stButton]') && /Play|Pause/.test(focused.innerText)) name = 'play button';
  else if (within('.st-key-actor')) name = 'actor filter';
  else if (within('.st-key-dates')) name = 'dates filter';
  else if (within('.st-key-later')) name = 'later reports switch';
  else if (within('.st-key-q')) name = 'quote search';
  else if (focused.getAttribute('aria-label') === 'Link to this view') name = 'share link';
  else if (within('[data-testid=stDeckGlJsonChart]') && !within('[data-testid=stElementToolbar]')) {
    const map = focused.closest('[data-testid=stDeckGlJsonChart]').getAttribute('aria-label') || '';
    name = map.startsWith('Map of Almaty') ? 'Almaty map' : 'national map';
  }
  else if (within('.st-key-national_table')) name = 'national map table';
  else if (within('.st-key-almaty_table')) name = 'Almaty map table';
  else if (focused.matches('.st-key-casualty_chart .plotly-view')) name = 'casualty chart';
  else if (within('.st-key-casualty_table')) name = 'casualty chart table';
  else if (focused.matches('.st-key-force_chart .plotly-view')) name = 'force chart';
  else if (within('.st-key-force_table')) name = 'force chart table';
  else if (within('[class*=st-key-quote-table]')) name = 'quote table';
  else if (within('[data-testid=stDownloadButton]')) {
    name = 'download: ' + focused.innerText.replace(/\\s+/g, ' ').trim();
  }
  return {name, tag: focused.tagName};
}"""
WALK = [
    "day control",
    "play button",
    "actor filter",
    "dates filter",
    "quote search",
    "later reports switch",
    "share link",
    "national map",
    "Almaty map",
    "national map table",
    "Almaty map table",
    "casualty chart",
    "casualty chart table",
    "force chart",
    "force chart table",
    "quote table",
]
MOST_STOPS = 200  # the page has about 80; a trap would keep the focus past this


def focus_shows(page) -> bool:
    """Whether the focused element looks different from the same element unfocused: a picture of it and its
    surroundings with the focus, then without (the focus is then put back, for the next Tab)."""
    box = page.evaluate(
        """() => { const r = document.activeElement.getBoundingClientRect();
                   return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
    )
    viewport = page.viewport_size
    left, top = max(box["x"] - 8, 0), max(box["y"] - 8, 0)
    clip = {
        "x": left,
        "y": top,
        "width": max(min(box["x"] + box["width"] + 8, viewport["width"]) - left, 1),
        "height": max(min(box["y"] + box["height"] + 8, viewport["height"]) - top, 1),
    }
    page.wait_for_timeout(400)  # Plotly fades its buttons in over 0.3 s
    focused = page.screenshot(clip=clip)
    page.evaluate("window.__walked = document.activeElement; window.__walked.blur()")
    page.wait_for_timeout(400)
    unfocused = page.screenshot(clip=clip)
    page.evaluate("window.__walked.focus({preventScroll: true})")
    return focused != unfocused


def test_the_keyboard_walks_the_page_in_order_with_a_visible_focus(open_session) -> None:
    session = open_session()
    session.open()
    page = session.page
    downloads = page.locator("[data-testid=stDownloadButton] button").count()
    walked: list[str] = []
    unseen: list[str] = []
    for _ in range(MOST_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(STOP)
        if stop is None:  # past the page's last control: the focus has left the page
            break
        name = stop["name"]
        if name is None or (walked and walked[-1] == name):
            continue
        walked.append(name)
        if not focus_shows(page):
            unseen.append(name)
    else:
        pytest.fail(f"after {MOST_STOPS} presses of Tab the focus had not left the page: a trap? {walked[-5:]}")
    assert walked[: len(WALK)] == WALK, f"the walk, in page order: {walked}"
    download_stops = [name for name in walked if name.startswith("download: ")]
    assert walked[len(WALK) :] == download_stops and len(download_stops) == downloads >= 2, walked
    assert not unseen, f"focus not visible on: {unseen}"


# Records every animation or transition longer than a millisecond that runs in the page, from its first script on.
MOTION_RECORDER = """
window.__moving = new Set();
(function watch() {
  for (const animation of document.getAnimations()) {
    const timing = animation.effect.getComputedTiming();
    if (animation.playState === 'running' && timing.duration > 1) {
      const target = animation.effect.target;
      const what = animation.animationName || animation.transitionProperty || 'a scripted animation';
      window.__moving.add(`${what} (${timing.duration} ms) on ${target.dataset.testid || target.className}`);
    }
  }
  requestAnimationFrame(watch);
})();
"""


def test_nothing_moves_by_itself(open_session) -> None:
    session = open_session()
    session.context.add_init_script(MOTION_RECORDER)
    session.open()
    page = session.page
    page.evaluate("window.__moving.clear()")
    page.wait_for_timeout(3000)
    assert page.evaluate("[...window.__moving]") == [], "the drawn page is still until a reader acts"


def test_a_reader_who_asks_for_reduced_motion_sees_none(open_session) -> None:
    session = open_session(reduced_motion="reduce")
    session.context.add_init_script(MOTION_RECORDER)
    session.open()
    page = session.page
    # From the first run on: the status widget's fade as the first run starts comes before the page's style does.
    page.evaluate("window.__moving.clear()")
    session.search_quotes("troops")  # a rerun: Streamlit fades the views while it runs
    session.rerun(lambda: page.locator(f".st-key-{links.CASUALTY_TABLE} summary").click())  # a panel opens
    page.locator(".st-key-casualty_chart .plotly-view").hover()  # Plotly's buttons appear
    page.wait_for_timeout(1000)
    assert page.evaluate("[...window.__moving]") == []


def test_a_table_opens_from_the_keyboard_into_the_url_and_takes_the_focus_next(open_session) -> None:
    session = open_session()
    session.open()
    page = session.page
    summary = page.locator(f".st-key-{links.CASUALTY_TABLE} summary")
    summary.focus()
    session.rerun(lambda: page.keyboard.press("Enter"))
    assert f"{links.CASUALTY_TABLE}=true" in page.url
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.getAttribute('role'), document.activeElement.getAttribute('aria-label')]"
    )
    assert focused == ["region", "The casualty, detention and crowd figures drawn in the chart"]
    assert focus_shows(page)
    rows = page.locator(f".st-key-{links.CASUALTY_TABLE} table tbody tr").count()
    points = page.locator(".st-key-casualty_chart .scatterlayer .trace .point").count()
    assert rows == points > 10, "the table has a row for every point the chart draws"
