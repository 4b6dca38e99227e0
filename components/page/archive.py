"""The archival edition: the whole record as a folder of static files that opens from `file://` with no network.

    python -m components.page.archive DIR

builds DIR/index.html with both maps, both charts and every quote for the default selection (the whole record),
their captions and colour key, the sources, the corrections log, licences and credits, the data package as a zip,
and SHA256SUMS. Every script it runs is in DIR/assets, once: Plotly's basic bundle and deck.gl's standalone
bundle (components/assets/, with their licences) and a small script that draws the specs the live page draws. The
page's text is written here, escaped; the figures and decks come from the same components the live page uses.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pandas as pd

from components.data.filters import Selection
from components.page import links, loader
from components.page.html_table import html_table
from components.views import casualty_chart, force_chart, legend, map_kazakhstan, plotly_view, summaries

ASSETS = Path(__file__).parent.parent / "assets"
DECK_BUNDLE = ASSETS / "deck.gl-9.4.0.min.js"
BUNDLES = {  # file in the folder's assets/ → (source, its licence)
    plotly_view.BUNDLE.name: (plotly_view.BUNDLE, ASSETS / "plotly.js-LICENSE"),
    DECK_BUNDLE.name: (DECK_BUNDLE, ASSETS / "deck.gl-LICENSE"),
}
PACKAGE_ZIP = "data/kazakhstan-january-2022.zip"
SUMS = "SHA256SUMS"
MAX_BYTES = 15 * 1024 * 1024
CHART_CONFIG = {**plotly_view.CONFIG, "responsive": True}

# The deck layer types the maps use; the script builds only these (it has no general JSON converter to trust).
DECK_TYPES = (
    "MapView",
    "GeoJsonLayer",
    "LineLayer",
    "ArcLayer",
    "PathLayer",
    "ScatterplotLayer",
    "TextLayer",
    "PathStyleExtension",
)

SCRIPT = r"""
"use strict";
__THEME__

// pydeck's JSON: "@@type" names a class, "@@=name" reads a row's field, "@@=[a, b]" reads several.
const TYPES = Object.fromEntries(__DECK_TYPES__.map((name) => [name, deck[name]]));
function accessor(expression) {
  const field = /^\s*([A-Za-z_]\w*)\s*$/.exec(expression);
  if (field) return (row) => row[field[1]];
  const fields = /^\s*\[\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\]\s*$/.exec(expression);
  if (fields) {
    const names = fields[1].split(',').map((name) => name.trim());
    return (row) => names.map((name) => row[name]);
  }
  throw new Error('unsupported expression ' + expression);
}
function converted(value) {
  if (Array.isArray(value)) return value.map(converted);
  if (typeof value === 'string' && value.startsWith('@@=')) return accessor(value.slice(3));
  if (!value || typeof value !== 'object') return value;
  const props = {};
  for (const [key, item] of Object.entries(value)) {
    if (key !== '@@type') props[key] = key === 'data' ? item : converted(item);
  }
  if (!('@@type' in value)) return props;
  const Type = TYPES[value['@@type']];
  if (!Type) throw new Error('unsupported type ' + value['@@type']);
  return new Type(props);
}

function spec(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

function drawMap(element) {
  const json = spec(element.dataset.spec);
  element.deck = new deck.Deck({
    parent: element,
    width: '100%',
    height: '100%',
    initialViewState: json.initialViewState,
    views: converted(json.views),
    layers: converted(json.layers),
    getTooltip: ({ object }) => (object && object.tooltip ? { text: object.tooltip } : null),
    onAfterRender: () => { element.dataset.drawn = 'true'; },
    onError: (error) => { element.dataset.failed = String(error); },
  });
}

function drawChart(element) {
  const json = spec(element.dataset.spec);
  const config = spec('chart-config');
  return Plotly.newPlot(element, json.data, themed(json.layout || {}, element), config).then(() => {
    element.dataset.drawn = 'true';
  });
}

for (const element of document.querySelectorAll('[data-view="map"]')) {
  try { drawMap(element); } catch (problem) { element.dataset.failed = String(problem); console.error(problem); }
}
for (const element of document.querySelectorAll('[data-view="chart"]')) {
  drawChart(element).catch((problem) => { element.dataset.failed = String(problem); console.error(problem); });
}
""".replace("__THEME__", plotly_view.THEME).replace("__DECK_TYPES__", json.dumps(list(DECK_TYPES)))

STYLE = """
:root { color-scheme: light dark; --st-text-color: #31333f; --st-background-color: #ffffff; --muted: #5c5f6b; }
@media (prefers-color-scheme: dark) {
  :root { --st-text-color: #fafafa; --st-background-color: #0e1117; --muted: #b0b3bd; }
}
body { margin: 0; font: 16px/1.6 "Source Sans Pro", Helvetica, Arial, sans-serif;
  color: var(--st-text-color); background: var(--st-background-color); }
main { max-width: 1600px; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 2.2rem; line-height: 1.2; margin: 0 0 0.25rem; }
h2 { font-size: 1.6rem; margin: 2.5rem 0 0.5rem; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 0.25rem; }
a { color: inherit; }
.caption, .edition { color: var(--muted); font-size: 0.875rem; }
.edition { border: 1px solid color-mix(in srgb, currentColor 20%, transparent); border-radius: 0.5rem;
  padding: 0.5rem 0.75rem; }
.maps { display: grid; grid-template-columns: 3fr 2fr; gap: 1.5rem; }
@media (max-width: 800px) { .maps { grid-template-columns: 1fr; } }
.map { position: relative; width: 100%; }
.deck-tooltip { max-width: min(24rem, 80vw); white-space: pre-wrap; }
.chart { width: 100%; }
/* The tables fill the page; a quote keeps room to be read, and a link's words stay together. */
@media (min-width: 641px) {
  main .static-table table { width: 100%; }
  #quotes td[data-column="Quote"] { min-width: 15rem; }
}
.static-table td[data-column="Link"] a { white-space: nowrap; }
"""


@dataclass(frozen=True)
class Edition:
    """What the page says about its build: the data version, the package's date, the build's time (UTC)."""

    version: str
    created: str
    built: datetime


def script_json(value: object) -> str:
    """JSON to sit inside a <script type="application/json">: no `<`, `>` or `&` that HTML would read."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def paragraph(text: str, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"


def claims_caption(claims: pd.DataFrame, noun: str, how_to_read: str) -> str:
    chosen = int(claims["selected"].sum())
    return f"{summaries.count_of(chosen, len(claims), noun)} are from the selection. {how_to_read}"


def sections(data: str, selection: Selection) -> list[str]:
    """The page's body, view by view, for `selection` (the whole record by default)."""
    dataset = loader.load(data).dataset
    descriptor = dataset.descriptor
    labels = loader.group_labels(data)
    actor_names = loader.actor_names(data)
    body: list[str] = []

    # Maps
    events = loader.selected_events(data, selection)
    national_points = loader.national_points(data, selection)
    almaty_points = loader.almaty_points(data, selection)
    arc_rows, undrawn_legs = loader.selected_arcs(data, selection)
    national_caption = summaries.national_map_caption(
        len(events), len(dataset["events"]), national_points, len(arc_rows), undrawn_legs
    )
    kazakhstan_deck = loader.kazakhstan_deck(data, None, selection, False)
    almaty_deck = loader.almaty_deck(data, None, selection)
    body += [
        '<section id="maps"><h2>Where it happened</h2>',
        legend.map_key(legend.drawn_legs(arc_rows, labels)),
        '<div class="maps"><div>',
        f"<h3>{escape(links.VIEWS['kazakhstan'])}</h3>",
        paragraph(national_caption, "caption"),
        map_element(
            "kazakhstan", summaries.map_alt(national_points, arc_rows, "Kazakhstan"), kazakhstan_deck.to_json()
        ),
        "</div><div>",
        f"<h3>{escape(links.VIEWS['almaty'])}</h3>",
        paragraph(summaries.almaty_map_caption(almaty_points), "caption"),
        map_element("almaty", summaries.map_alt(almaty_points, None, "Almaty"), almaty_deck.to_json()),
        "</div></div></section>",
    ]

    # Charts
    casualty_claims = loader.marked_casualty_claims(data, selection)
    force_claims = loader.marked_force_claims(data, selection)
    charts = [
        (
            "casualties",
            loader.casualty_figure(data, selection),
            casualty_claims,
            casualty_chart.claims_without_numbers(casualty_claims),
            "casualty, detention and crowd figures",
            casualty_chart.HOW_TO_READ + (casualty_chart.LATER_NOTE if selection.include_later else ""),
        ),
        (
            "forces",
            loader.force_figure(data, selection),
            force_claims,
            force_chart.claims_without_numbers(force_claims),
            "force-size claims",
            force_chart.HOW_TO_READ,
        ),
    ]
    for name, figure, claims, unnumbered, noun, how_to_read in charts:
        body += [
            f'<section id="{name}"><h2>{escape(links.VIEWS[name])}</h2>',
            paragraph(claims_caption(claims, noun, how_to_read), "caption"),
            chart_element(name, summaries.claims_alt(claims, noun, figure), figure),
        ]
        if len(unnumbered):
            without = summaries.unnumbered(unnumbered, actor_names, "Claims without a number, not drawn")
            body.append(paragraph(without, "caption"))
        body.append("</section>")

    # Quotes: every row, as a table that needs no script.
    quote_rows = loader.quote_rows(data, selection)
    body += [
        f'<section id="quotes"><h2>{escape(links.VIEWS["quotes"])}</h2>',
        paragraph(
            summaries.count_of(len(quote_rows), len(loader.quotes(data)), "quotes")
            + ". Quotes are verbatim as the source printed them; where they were translated, the column says by whom.",
            "caption",
        ),
        html_table(
            quote_rows.rename(columns=QUOTE_COLUMNS).fillna(""),
            f"Table of {len(quote_rows)} quotes with date, speaker, quote, actor group, role and source.",
            link_column="Link",
        ),
        "</section>",
    ]

    # Sources, corrections, licences
    shown_sources = loader.sources_used(data, selection)
    body += [
        '<section id="sources"><h2>Sources &amp; method</h2>',
        paragraph(descriptor["description"]),
        f"<h3>Sources used ({len(shown_sources)})</h3>",
        html_table(
            shown_sources[list(SOURCE_COLUMNS)].rename(columns=SOURCE_COLUMNS).fillna("").astype(str),
            f"Table of the {len(shown_sources)} sources the views cite.",
            link_column="Link",
        ),
        "<h3>Corrections and departures from sources</h3>",
        loader.corrections(data),
        "<h3>Licences and credits</h3>",
        "<ul>",
        *[
            f'<li>{escape(licence["title"])} (<a href="{escape(licence["path"])}">{escape(licence["name"])}</a>)</li>'
            for licence in descriptor["licenses"]
        ],
        *[f"<li>{escape(note)}</li>" for note in descriptor["x-rights-notes"]],
        *[
            f"<li>Map layer “{escape(layer['title'])}”: {escape(layer['attribution'])}.</li>"
            for layer in descriptor["x-boundaries"]
        ],
        *[
            f'<li>Scripts: <a href="assets/{escape(name)}">{escape(name)}</a> under its licence, '
            f'<a href="assets/{escape(licence.name)}">{escape(licence.name)}</a>.</li>'
            for name, (_, licence) in BUNDLES.items()
        ],
        "</ul></section>",
    ]
    return body


QUOTE_COLUMNS = {
    "when": "When",
    "speaker": "Speaker",
    "quote": "Quote",
    "actor_group": "Actor group",
    "role": "Role",
    "translated": "Translation",
    "quoted as": "Quoted as",
    "original": "Original words",
    "source": "Source",
    "source_url": "Link",
    "quote_id": "ID",
}
SOURCE_COLUMNS = {
    "source_id": "ID",
    "publisher": "Publisher",
    "original_publisher": "Text from",
    "publisher_type": "Kind",
    "title": "Title",
    "published": "Published",
    "language": "Language",
    "url": "Link",
    "reliability_note": "Read with care because",
    "rows_citing": "Rows citing",
}


def map_element(name: str, alt: str, deck_json: str) -> str:
    height = map_kazakhstan.HEIGHT
    return (
        f'<script type="application/json" id="deck-{name}">{script_json(json.loads(deck_json))}</script>'
        f'<div class="map" id="map-{name}" data-view="map" data-spec="deck-{name}" role="img" '
        f'aria-label="{escape(alt)}" style="height:{height}px"></div>'
    )


def chart_element(name: str, alt: str, figure: dict) -> str:
    height = (figure.get("layout") or {}).get("height")
    style = f' style="min-height:{int(height)}px"' if height else ""
    return (
        f'<script type="application/json" id="chart-{name}-spec">{script_json(figure)}</script>'
        f'<div class="chart" id="chart-{name}" data-view="chart" data-spec="chart-{name}-spec" role="img" '
        f'aria-label="{escape(alt)}"{style}></div>'
    )


def page(data: str, edition: Edition, selection: Selection | None = None) -> str:
    descriptor = loader.load(data).dataset.descriptor
    body = sections(data, selection or Selection())
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(descriptor['title'])} (archival edition {escape(edition.version)})</title>",
            '<link rel="stylesheet" href="assets/archive.css">',
            "</head><body><main>",
            f"<h1>{escape(descriptor['title'])}</h1>",
            paragraph(descriptor["x-summary"]),
            '<p class="edition">'
            + escape(
                f"Archival edition of the whole record: data version {edition.version} ({edition.created}), built "
                f"{edition.built:%Y-%m-%d %H:%M} UTC. It opens from disk with no network; the live page adds "
                "filters, search and downloads of a selection. "
            )
            + f'<a href="{escape(PACKAGE_ZIP)}">The data package (zip)</a>; '
            + f'<a href="{SUMS}">SHA-256 checksums</a> of every file.</p>',
            *body,
            f'<script type="application/json" id="chart-config">{script_json(CHART_CONFIG)}</script>',
            *[f'<script src="assets/{escape(name)}"></script>' for name in BUNDLES],
            '<script src="assets/archive.js"></script>',
            "</main></body></html>",
        ]
    )


def checksums(folder: Path) -> str:
    """`sha256sum` format, every file but the list itself, sorted by path."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != SUMS):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def build(folder: Path, data: str | None = None, built: datetime | None = None) -> Path:
    """Write the archive into `folder` (created; it must be empty or absent) and return index.html's path."""
    data = data or str(loader.data_dir())
    result = loader.load(data)
    if result.dataset is None:
        raise ValueError("the data package failed validation:\n" + (result.problem_report or ""))
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty; the archive is built into a new or empty folder")
    descriptor = result.dataset.descriptor
    edition = Edition(descriptor["version"], descriptor["created"][:10], built or datetime.now(UTC))
    (folder / "assets").mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    for name, (bundle, licence) in BUNDLES.items():
        shutil.copyfile(bundle, folder / "assets" / name)
        shutil.copyfile(licence, folder / "assets" / licence.name)
    (folder / "assets" / "archive.js").write_text(SCRIPT, encoding="utf-8")
    (folder / "assets" / "archive.css").write_text(STYLE, encoding="utf-8")
    (folder / PACKAGE_ZIP).write_bytes(loader.package_zip(data))
    index = folder / "index.html"
    index.write_text(page(data, edition), encoding="utf-8")
    (folder / SUMS).write_text(checksums(folder), encoding="utf-8")
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    if size > MAX_BYTES:
        raise ValueError(f"the archive is {size:,} bytes, over its limit of {MAX_BYTES:,}")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m components.page.archive", description="Build the archival edition into a new folder."
    )
    parser.add_argument("folder", type=Path, help="a new or empty folder")
    parser.add_argument("--data", help="the data package's folder (default: data/, or DASHBOARD_DATA_DIR)")
    arguments = parser.parse_args(argv)
    try:
        index = build(arguments.folder, arguments.data)
    except (ValueError, FileExistsError) as problem:
        print(f"archive: {problem}", file=sys.stderr)
        return 1
    size = sum(path.stat().st_size for path in arguments.folder.rglob("*") if path.is_file())
    print(f"{index} ({size:,} bytes in {arguments.folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
