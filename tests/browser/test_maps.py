"""The maps in Chromium: labels drawn and apart, tooltips inside the window, the wheel scrolls the page."""

from __future__ import annotations

import io
import itertools
import json
import statistics

import pytest
from PIL import Image

from components.data import citations, filters
from components.data.dataset import Dataset
from components.views import map_almaty, map_kazakhstan, map_labels, maps
from tests.browser.conftest import DESKTOP, PHONE, PHONE_AGENT

SCREENS = {"desktop": (DESKTOP, None), "phone": (PHONE, PHONE_AGENT)}
MAP = "[data-testid=stDeckGlJsonChart]"
# The widest text of a label in the page: its lines measured in the deck's font stack and in each of its fallbacks,
# since the labels may be drawn before the page's own font has loaded.
MEASURE = """([lines, size]) => {
    const context = document.createElement('canvas').getContext('2d');
    const families = ['Source Sans Pro, Helvetica, Arial, sans-serif', 'Helvetica', 'Arial', 'sans-serif'];
    return Math.max(...lines.flatMap(line => families.map(family => {
        context.font = `600 ${size}px ${family}`;
        return context.measureText(line).width;
    })));
}"""
VISIBLE_TOOLTIP = """() => {
    const tip = [...document.querySelectorAll('.deck-tooltip')].find(t => t.style.display !== 'none' && t.innerText);
    if (!tip) return null;
    const box = tip.getBoundingClientRect();
    return {text: tip.innerText, left: box.left, right: box.right, top: box.top, bottom: box.bottom};
}"""


@pytest.fixture(scope="module")
def map_layers(dataset: Dataset) -> dict:
    """What each map draws for the default page, computed as the page's loader computes it."""
    lookup = citations.citations(dataset)
    positions = maps.place_positions(dataset)
    gathered = maps.gathered_in_cities(positions, dataset)
    events = filters.filter_events(dataset, filters.Selection())
    arcs, _ = map_kazakhstan.arcs(dataset["contingent_movements"], positions, dataset, lookup)
    points = maps.events_by_place(events, gathered, lookup)
    marked = map_kazakhstan.places_to_name(points, arcs, gathered)
    sites = map_almaty.mapped_sites(dataset, positions)
    city_points = maps.events_by_place(map_almaty.in_almaty(events, dataset), positions, lookup)
    return {
        "national": {
            narrow: {
                "view": map_kazakhstan.view(narrow),
                "labels": map_kazakhstan.placed_labels(dataset, marked, narrow, list(arcs["path"])),
                "points": points,
            }
            for narrow in (False, True)
        },
        "almaty": {
            "view": map_almaty.view(sites),
            "labels": map_almaty.placed_labels(dataset, sites, city_points),
            "points": city_points,
        },
    }


def open_page(open_session, screen: str):
    """The page on a screen; `session.decks` collects the maps' specs as the server sends them."""
    viewport, agent = SCREENS[screen]
    session = open_session(viewport, agent)
    session.frames = []
    session.page.on(
        "websocket", lambda socket: socket.on("framereceived", lambda payload: session.frames.append(payload))
    )
    session.open()
    session.page.wait_for_timeout(1500)  # deck.gl builds its font atlas after the first frame
    return session


def sent_decks(session) -> list[dict]:
    """Every map spec the server sent, in order: each is JSON inside a protobuf message, read up to its end."""
    decks = []
    for frame in session.frames:
        if not isinstance(frame, bytes):
            continue
        start = frame.find(b'{"initialViewState"')
        while start != -1:
            spec, _ = json.JSONDecoder().raw_decode(frame[start:].decode("utf-8", errors="replace"))
            decks.append(spec)
            start = frame.find(b'{"initialViewState"', start + 1)
    return decks


def layer(deck: dict, layer_id: str) -> dict:
    return next(layer for layer in deck["layers"] if layer["id"] == layer_id)


def on_screen(canvas_box: dict, view: dict, longitude: float, latitude: float) -> tuple[float, float]:
    """Where a coordinate is drawn in the page, from the map's view and its canvas's box."""
    x, y = maps.screen_point(longitude, latitude, view["zoom"])
    centre_x, centre_y = maps.screen_point(view["longitude"], view["latitude"], view["zoom"])
    return canvas_box["x"] + canvas_box["width"] / 2 + x - centre_x, canvas_box["y"] + canvas_box[
        "height"
    ] / 2 + y - centre_y


def drawn_boxes(page, canvas_box: dict, view: dict, labels: list[dict]) -> list[tuple[str, tuple]]:
    """Each label's box in the page: its width measured by the browser, its height as placement estimated it
    (LINE_HEIGHT times the size a line)."""
    boxes = []
    for label in labels:
        lines = label["text"].split("\n")
        width = page.evaluate(MEASURE, [lines, label["size"]])
        height = len(lines) * label["size"] * map_labels.LINE_HEIGHT
        x, y = on_screen(canvas_box, view, *label["position"])
        x, y = x + label["offset"][0], y + label["offset"][1]
        left = {"start": x, "middle": x - width / 2, "end": x - width}[label["anchor"]]
        top = {"top": y, "center": y - height / 2, "bottom": y - height}[label["baseline"]]
        boxes.append((label["text"], (left, top, left + width, top + height)))
    return boxes


def ink(image: Image.Image, box: tuple) -> float:
    """The share of a box's pixels (in the image's coordinates) that are grey, as the labels are, and clearly
    darker than the box's background, taken as its brightest tenth: text on the light theme's map. The legs and
    circles are coloured, so they do not count; outlines do, but are a pixel or two wide."""
    pixels = list(image.crop(tuple(round(v) for v in box)).convert("RGB").get_flattened_data())
    if not pixels:
        return 0
    brightness = sorted(sum(pixel) / 3 for pixel in pixels)
    background = brightness[int(len(brightness) * 0.9)]
    grey = [pixel for pixel in pixels if max(pixel) - min(pixel) <= 24 and sum(pixel) / 3 < background - 40]
    return len(grey) / len(pixels)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_map_labels_are_drawn_inside_their_maps_and_never_collide(open_session, map_layers, screen: str) -> None:
    session = open_page(open_session, screen)
    page = session.page
    narrow = screen == "phone"
    decks = sent_decks(session)
    assert len(decks) == 2, "the page sent both maps once"
    for index, (name, layer_id, expected) in enumerate(
        [
            ("national", "place-names", map_layers["national"][narrow]["labels"]),
            ("almaty", "site-names", map_layers["almaty"]["labels"]),
        ]
    ):
        deck = decks[index]
        labels = [
            {**label, "position": [label["longitude"], label["latitude"]]} for label in layer(deck, layer_id)["data"]
        ]
        assert [label["text"] for label in labels] == list(expected["text"]), f"{name}: the labels placement chose"
        canvas = page.locator(MAP).nth(index).locator("canvas").first
        canvas.scroll_into_view_if_needed()
        page.mouse.move(1, 1)  # no hover highlight in the picture
        page.wait_for_timeout(300)
        box = canvas.bounding_box()
        boxes = drawn_boxes(page, box, deck["initialViewState"], labels)
        for (text, (left, top, right, bottom)), placed in zip(boxes, expected["box"], strict=True):
            assert right - left <= placed[2] - placed[0], f"{name}: {text!r} is wider in the browser than placed"
            assert box["x"] <= left and right <= box["x"] + box["width"], f"{name}: {text!r} leaves the map sideways"
            assert box["y"] <= top and bottom <= box["y"] + box["height"], f"{name}: {text!r} leaves the map"
        for (text_a, a), (text_b, b) in itertools.combinations(boxes, 2):
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, f"{name}: {text_a!r} and {text_b!r} overlap"
        # Drawn: each label's box holds text, and on average far more than the same box a line lower.
        shot = Image.open(io.BytesIO(canvas.screenshot())).resize((round(box["width"]), round(box["height"])))
        inside, below = [], []
        for _, (left, top, right, bottom) in boxes:
            left, top, right, bottom = left - box["x"], top - box["y"], right - box["x"], bottom - box["y"]
            inside.append(ink(shot, (left, top, right, bottom)))
            below.append(ink(shot, (left, top + 30, right, bottom + 30)))
        assert statistics.mean(inside) > 2 * statistics.mean(below), (name, inside, below)
        faint = [label["text"] for label, share in zip(labels, inside, strict=True) if share < 0.1]
        assert not faint, f"{name}: nothing like text drawn where these labels are: {faint}"
    assert session.errors == [], session.errors


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_map_tooltips_stay_inside_the_window(open_session, map_layers, screen: str) -> None:
    session = open_page(open_session, screen)
    page = session.page
    viewport = page.viewport_size
    narrow = screen == "phone"
    checked = 0
    for index, layers in enumerate([map_layers["national"][narrow], map_layers["almaty"]]):
        canvas = page.locator(MAP).nth(index).locator("canvas").first
        canvas.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box = canvas.bounding_box()
        points = layers["points"]
        # The points nearest each edge of the map, where a tooltip at the pointer was cut off.
        chosen = {
            points["longitude"].idxmin(),
            points["longitude"].idxmax(),
            points["latitude"].idxmin(),
            points["latitude"].idxmax(),
            points["events"].idxmax(),
        }
        for point in points.loc[sorted(chosen)].to_dict("records"):
            x, y = on_screen(box, layers["view"], point["longitude"], point["latitude"])
            if not (box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]):
                continue
            if not (0 < y < viewport["height"]):
                canvas.scroll_into_view_if_needed()
            page.mouse.move(x, y)
            tip = page.wait_for_function(VISIBLE_TOOLTIP, timeout=10_000).json_value()
            assert tip["text"].startswith(f"{point['name']}:"), (
                f"pointing at {point['name']} shows {tip['text'][:60]!r}"
            )
            assert 0 <= tip["left"] and tip["right"] <= viewport["width"], tip
            assert 0 <= tip["top"] and tip["bottom"] <= viewport["height"], tip
            page.mouse.move(1, 1)
            page.wait_for_timeout(150)
            checked += 1
    assert checked >= 6


def test_pointing_at_almaty_shows_almaty_not_a_leg_ending_there(open_session, map_layers, dataset: Dataset) -> None:
    session = open_page(open_session, "desktop")
    page = session.page
    canvas = page.locator(MAP).first.locator("canvas").first
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    almaty = dataset["places"].set_index("place_id").loc["almaty"]
    layers = map_layers["national"][False]
    x, y = on_screen(canvas.bounding_box(), layers["view"], almaty["longitude"], almaty["latitude"])
    page.mouse.move(x, y)
    tip = page.wait_for_function(VISIBLE_TOOLTIP, timeout=10_000).json_value()
    assert tip["text"].startswith("Almaty:"), tip["text"][:80]


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_wheel_over_a_map_scrolls_the_page_and_leaves_the_map_as_it_was(open_session, screen: str) -> None:
    session = open_page(open_session, screen)
    page = session.page
    frame = page.locator(MAP).first
    frame.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = frame.bounding_box()
    # A corner of the map with nothing to highlight under the pointer.
    page.mouse.move(box["x"] + box["width"] - 6, box["y"] + 6)
    page.wait_for_timeout(300)
    before = frame.screenshot()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(800)
    moved = frame.bounding_box()
    assert moved["y"] < box["y"] - 100, f"the page scrolled: the map moved from {box['y']:.0f} to {moved['y']:.0f}"
    page.mouse.move(moved["x"] + moved["width"] - 6, moved["y"] + 6)
    page.wait_for_timeout(300)
    after = Image.open(io.BytesIO(frame.screenshot())).convert("L")
    before_pixels, after_pixels = (
        Image.open(io.BytesIO(before)).convert("L").get_flattened_data(),
        after.get_flattened_data(),
    )
    changed = sum(1 for a, b in zip(before_pixels, after_pixels, strict=True) if abs(a - b) > 40) / len(after_pixels)
    assert changed < 0.01, f"the map did not zoom: {changed:.1%} of its pixels changed"
