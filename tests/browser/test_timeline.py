"""The day control in the browser: Play steps through the days, the maps keep their canvases and WebGL contexts
throughout, the link is written only on pause, and a reloaded day= link restores the view."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

from components.data.citations import citations
from components.views import headline

# Counts every WebGL context the page creates and every one it loses, before any page script runs.
CONTEXTS = """
window.__webgl = {created: 0, lost: 0};
const getContext = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  const context = getContext.call(this, kind, ...rest);
  if (context && /webgl/.test(kind) && !this.__counted) {
    this.__counted = true;
    window.__webgl.created += 1;
    this.addEventListener('webglcontextlost', () => { window.__webgl.lost += 1; });
  }
  return context;
};
"""


def day_in_url(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("day", [])


def metric(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text()


def test_play_steps_through_the_days_keeps_the_maps_and_writes_the_link_only_on_pause(open_session) -> None:
    session = open_session()
    session.context.add_init_script(CONTEXTS)
    session.open("day=2022-01-12")
    page = session.page
    canvases = page.locator("[data-testid=stDeckGlJsonChart] canvas").count()
    created = page.evaluate("window.__webgl.created")
    assert canvases == 2 and created >= 2
    page.evaluate("window.__canvasesAtStart = [...document.querySelectorAll('[data-testid=stDeckGlJsonChart] canvas')]")
    page.get_by_role("button", name="Play").click()
    # Playing on from 12 January: a day a second until the last day, where it stops by itself.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
        ".some((el) => el.innerText.includes('end of Thursday 13 January 2022'))",
        timeout=20_000,
    )
    assert day_in_url(page) == ["2022-01-12"], "the link is not rewritten while playing"
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
        ".some((el) => el.innerText.includes('end of Wednesday 19 January 2022'))",
        timeout=30_000,
    )
    page.wait_for_function("() => new URL(location.href).searchParams.get('day') === '2022-01-19'", timeout=10_000)
    assert page.get_by_role("button", name="Play").count() == 1, "playing stopped at the last day"
    assert metric(page, "CSTO troops in Kazakhstan") == "None", "none left after the last departure"
    same = page.evaluate(
        "() => { const now = [...document.querySelectorAll('[data-testid=stDeckGlJsonChart] canvas')];"
        " return now.length === window.__canvasesAtStart.length"
        " && now.every((canvas, k) => canvas === window.__canvasesAtStart[k]); }"
    )
    assert same, "each map kept its canvas through the playback"
    assert page.evaluate("window.__webgl") == {"created": created, "lost": 0}, "no new and no lost WebGL context"


def test_pausing_writes_the_day_and_a_reloaded_link_restores_it(open_session) -> None:
    session = open_session()
    session.open("day=2022-01-08")
    page = session.page
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]"
        ".some((el) => el.innerText.includes('end of Sunday 9 January 2022'))",
        timeout=20_000,
    )
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('day') !== '2022-01-08'", timeout=10_000)
    paused_at = day_in_url(page)[0]
    toll = metric(page, "Dead, official toll")
    fresh = open_session()
    fresh.open(f"day={paused_at}")
    assert metric(fresh.page, "Dead, official toll") == toll, "the link shows the same day's figures"
    heading = f"end of {date.fromisoformat(paused_at):%A %-d %B %Y}"
    assert fresh.page.get_by_text(heading).count() == 1


def test_the_day_control_works_from_the_keyboard(open_session, dataset) -> None:
    names = dict(zip(dataset["actors"]["actor_id"], dataset["actors"]["name"], strict=True))

    def toll(day: date) -> str:
        return headline.death_toll(dataset, day, names, citations(dataset)).value

    session = open_session()
    session.open("day=2022-01-09")
    page = session.page
    assert metric(page, "Dead, official toll") == toll(date(2022, 1, 9))
    session.rerun(lambda: page.locator("[data-testid=stSlider] input[type=range]").first.press("ArrowRight"))
    page.wait_for_function("() => new URL(location.href).searchParams.get('day') === '2022-01-10'", timeout=10_000)
    assert metric(page, "Dead, official toll") == toll(date(2022, 1, 10)) != toll(date(2022, 1, 9))
