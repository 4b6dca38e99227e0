"""A citation for exactly what a reader sees: as plain text (APA-like), BibTeX and CSL-JSON, and the iframe code
that embeds the same view in another page.

Everything here is plain text for `st.code` blocks; nothing is rendered as HTML or Markdown on the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd

# The project's authors as its licence names them; CITATION.cff names the same (tests/test_cite.py checks).
PUBLISHER = "The Kazakhstan January 2022 dashboard contributors"
IFRAME_WIDTH, IFRAME_HEIGHT = "100%", 900  # the whole page scrolls inside its frame
# Each single view's height in an iframe 600 px wide (Streamlit's embed padding, caption, view, source line and
# its two buttons), measured in Chromium for the whole record and rounded up: the frame then needs no scrolling.
VIEW_HEIGHTS = {"kazakhstan": 1080, "almaty": 1020, "casualties": 2360, "forces": 1180, "quotes": 960}
# json.dumps's indented date: one number a line. Raw newlines never occur inside a JSON string, so text is safe.
DATE_PARTS_SPREAD = re.compile(r"\[\n\s*\[\n\s*(\d+),\n\s*(\d+),\n\s*(\d+)\n\s*\]\n\s*\]")
BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class CitedView:
    """What a citation names: the dataset, the view (None for the whole page), the version, the filters in words,
    the link that reopens the view, and the day (UTC) it was read."""

    title: str
    view_title: str | None
    version: str
    created: date
    filters: str
    url: str
    accessed: date
    publisher: str = PUBLISHER

    @property
    def full_title(self) -> str:
        return f"{self.title} — {self.view_title}" if self.view_title else self.title

    @property
    def key(self) -> str:
        """A BibTeX key and CSL id: the package's name, version and access day, stable for one view on one day."""
        return f"kazakhstan-january-2022-v{self.version}-{self.accessed:%Y%m%d}"


def filters_in_words(
    actor_labels: list[str], start: date, end: date, include_later: bool, search: str, day: date | None = None
) -> str:
    """The selection as a reader would say it: groups, window, later reports (or the day shown), search."""
    groups = "all actor groups" if not actor_labels else "actor groups: " + ", ".join(actor_labels)
    if start == end:
        window = long_date(start)
    elif (start.year, start.month) == (end.year, end.month):
        window = f"{start:%-d}–{end:%-d %B %Y}"
    else:
        window = f"{start:%-d %B %Y}–{end:%-d %B %Y}"
    if day is not None:
        parts = [groups, window, f"as the record stood at the end of {long_date(day)}"]
    else:
        parts = [
            groups,
            window,
            "with what was made public after 19 January" if include_later else "without later reports",
        ]
    if search:
        parts.append(f"quotes matching “{search}”")
    return "; ".join(parts)


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


def plain_text(view: CitedView) -> str:
    """APA-like: author (year). Title [kind, version; filters]. Publisher. Retrieved day (UTC), from URL"""
    return (
        f"{view.publisher}. ({view.created.year}). {view.full_title} [Data set and interactive dashboard, "
        f"version {view.version}; {view.filters}]. Retrieved {long_date(view.accessed)} (UTC), from {view.url}"
    )


def bibtex_text(text: str) -> str:
    return "".join(BIBTEX_SPECIALS.get(character, character) for character in text)


def bibtex(view: CitedView) -> str:
    """A @misc entry (BibTeX and biblatex read it); the URL as written, every other field escaped."""
    fields = [
        ("author", "{" + bibtex_text(view.publisher) + "}"),
        ("title", "{" + bibtex_text(view.full_title) + "}"),
        ("year", str(view.created.year)),
        ("version", bibtex_text(view.version)),
        ("howpublished", "Data set and interactive dashboard"),
        ("note", bibtex_text(f"Filters: {view.filters}. Accessed {view.accessed.isoformat()} (UTC)")),
        ("url", view.url.replace("{", "%7B").replace("}", "%7D")),
        ("urldate", view.accessed.isoformat()),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{view.key},\n{body}\n}}"


def date_parts(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(view: CitedView) -> str:
    """A one-item CSL-JSON list, as reference managers (Zotero, pandoc) import it."""
    item = {
        "id": view.key,
        "type": "dataset",
        "title": view.full_title,
        "author": [{"literal": view.publisher}],
        "publisher": view.publisher,
        "version": view.version,
        "issued": date_parts(view.created),
        "accessed": date_parts(view.accessed),
        "URL": view.url,
        "note": f"Filters: {view.filters}",
    }
    text = json.dumps([item], ensure_ascii=False, indent=2)
    # Each date on one line, as people write CSL-JSON by hand.
    return DATE_PARTS_SPREAD.sub(r"[[\1, \2, \3]]", text)


def source_line(sources: pd.DataFrame, every_source: pd.DataFrame, title: str, version: str, named: int = 4) -> str:
    """One line under a view: the dataset and its version, and the publishers its rows cite most (`sources` as
    citations.sources_used gives them). A copy is named by the publisher whose text it carries; a publisher that
    `every_source` (the sources table) classes as state media is labelled so, copies of it included."""
    original = sources["original_publisher"].where(sources["original_publisher"].notna(), sources["publisher"])
    direct = every_source["original_publisher"].isna() & (every_source["publisher_type"] == "state_media")
    state_media = set(every_source.loc[direct, "publisher"])
    names = original.map(lambda name: f"{name} (state media)" if name in state_media else name)
    counts = sources.assign(name=names).groupby("name", sort=False)["rows_citing"].sum()
    publishers = sorted(counts.index, key=lambda name: (-counts[name], name))
    line = f"Source: “{title}”, data version {version}"
    if not publishers:
        return line + "."
    rest = len(publishers) - named
    more = f" and {rest} more" if rest > 0 else ""
    count = f"{len(sources)} source" + ("s" if len(sources) != 1 else "")
    return f"{line}, from {count}; most cited: {', '.join(publishers[:named])}{more}."


def embed_url(url: str) -> str:
    """The link with Streamlit's `embed=true`: the page without its sidebar and menu, for an iframe."""
    return url + ("&" if "?" in url else "?") + "embed=true"


def iframe(url: str, title: str, view: str | None = None) -> str:
    """The HTML to paste into another page, as tall as `view` needs; the title names the frame for screen
    readers."""
    height = VIEW_HEIGHTS.get(view, IFRAME_HEIGHT)
    return (
        f'<iframe src="{escape(embed_url(url))}" title="{escape(title)}" width="{IFRAME_WIDTH}" '
        f'height="{height}" style="border:0" loading="lazy"></iframe>'
    )
