"""The page's URL is its public API: the parameters, what a link may carry, and what was ignored.

Parameters (all optional; a missing one means its default):
    actor   an actor group's label, repeatable       ?actor=United+States&actor=Opposition
    dates   first and last day of the window (ISO)   ?dates=2022-01-05&dates=2022-01-10
    later   include figures and reports made public after the window (`true` by default)   ?later=false
    q       quote search text                        ?q=terrorists
    day     the record as it stood at the end of one day, 1-19 January (absent: the whole record)   ?day=2022-01-09
    sources, corrections, dictionary
                          open the list of sources the view uses, the corrections log, or the data dictionary
                                                     ?corrections=true
    view    one view alone, with its caption, key and source line (VIEWS)   ?view=casualties
    national_table, almaty_table, casualty_table, force_table
                          open a view's data as a table (the national map, the Almaty map, the two charts)
                                                     ?casualty_table=true

Streamlit binds the widgets to these parameters and silently drops values it cannot use; this
module finds those values first, so the page can say what it ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

ACTOR, DATES, LATER, SEARCH, DAY = "actor", "dates", "later", "q", "day"
SOURCES, CORRECTIONS, DICTIONARY = "sources", "corrections", "dictionary"
NATIONAL_TABLE, ALMATY_TABLE = "national_table", "almaty_table"
CASUALTY_TABLE, FORCE_TABLE = "casualty_table", "force_table"
# Closed by default; their contents are built only when open. In page order: a shared link lists them so.
PANELS = (NATIONAL_TABLE, ALMATY_TABLE, CASUALTY_TABLE, FORCE_TABLE, SOURCES, CORRECTIONS, DICTIONARY)
VIEW = "view"
# The views a link may show alone, and their titles on the page.
VIEWS = {
    "kazakhstan": "Kazakhstan and the CSTO contingents",
    "almaty": "Almaty",
    "casualties": "How the toll was counted",
    "forces": "How many troops the CSTO sent",
    "quotes": "What they said",
}
KNOWN = {ACTOR, DATES, LATER, SEARCH, DAY, VIEW, *PANELS}
# An embedded single view (`view=…&embed=true`) hides the sidebar and its toggle; the filters still apply.
EMBEDDED_VIEW_STYLE = '[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"] { display: none; }'
RESERVED = {"embed", "embed_options"}  # Streamlit's own display options
SEARCH_MAX_CHARS = 200
SHOWN_CHARS = 40
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def markdown_literal(text: str) -> str:
    """Text that Markdown shows exactly as written: no links, emphasis, HTML or maths."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def shown(value: str) -> str:
    """A value from a link, cut short and with Markdown disarmed, safe to quote in a notice."""
    value = " ".join(value.split())
    if len(value) > SHOWN_CHARS:
        value = value[:SHOWN_CHARS] + "…"
    return markdown_literal(value) or "(empty)"


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class LinkReading:
    """What a link asked for, after ignoring what it could not ask for."""

    notices: tuple[str, ...]
    dates: tuple[date, date] | None  # the window read from the link, in order, when it was usable
    open_panels: tuple[str, ...] = ()  # the panels the link opens (as the bound expanders read it: the last value)
    day: date | None = None  # the day the link shows the record at, when it names a usable one
    view: str | None = None  # the one view the link shows alone, or None for the whole page


def read_link(params: dict[str, list[str]], actor_labels: list[str], first_day: date, last_day: date) -> LinkReading:
    notices: list[str] = []
    for key in params:
        if key not in KNOWN | RESERVED:
            notices.append(f"the unknown setting “{shown(key)}”")

    unknown_actors = [value for value in params.get(ACTOR, []) if value and value not in actor_labels]
    notices += [f"actor “{shown(value)}”, which is not one of the actor groups" for value in unknown_actors]

    window = None
    if DATES in params:
        days = [parse_day(value) for value in params[DATES]]
        span = span_of(first_day, last_day)
        if len(days) != 2 or None in days:
            notices.append(f"dates “{shown(' '.join(params[DATES]))}”: a window is two dates (YYYY-MM-DD) from {span}")
        elif not all(first_day <= day <= last_day for day in days):
            notices.append(f"dates “{shown(' '.join(params[DATES]))}”, which fall outside {span}")
        else:
            window = (min(days), max(days))
            if days[0] > days[1]:
                notices.append(
                    f"the order of the dates, which were reversed (read as {window[0]:%-d} to {window[1]:%-d %B})"
                )

    for switch in (LATER, *PANELS):
        values = params.get(switch, [])
        if values and (len(values) != 1 or values[0] not in ("true", "false")):
            notices.append(f"{switch} “{shown(' '.join(values))}”: it takes `true` or `false`")

    search = params.get(SEARCH, [])
    if len(search) > 1:
        notices.append("all but the last of several searches")
    if search and len(search[-1]) > SEARCH_MAX_CHARS:
        notices.append(f"a search longer than {SEARCH_MAX_CHARS} characters")
    view = read_view(params.get(VIEW, []))
    if params.get(VIEW) and view is None:
        notices.append(f"view “{shown(' '.join(params[VIEW]))}”: it takes one of {', '.join(VIEWS)}")
    open_panels = tuple(panel for panel in PANELS if params.get(panel, [])[-1:] == ["true"])
    day = None
    if params.get(DAY):
        value = params[DAY][-1]
        parsed = parse_day(value)
        if parsed is None or len(params[DAY]) > 1:
            asked = shown(" ".join(params[DAY]))
            notices.append(f"day “{asked}”: a day is one date (YYYY-MM-DD) from {span_of(first_day, last_day)}")
        elif not first_day <= parsed <= last_day:
            notices.append(f"day “{shown(value)}”, which falls outside {span_of(first_day, last_day)}")
        else:
            day = parsed
    return LinkReading(tuple(notices), window, open_panels, day, view)


def span_of(first_day: date, last_day: date) -> str:
    return f"{first_day:%-d %B} to {last_day:%-d %B %Y}"


def read_view(values: list[str]) -> str | None:
    """The one view a link's `view` values name, or None (the whole page) for none, several or an unknown one."""
    return values[0] if len(values) == 1 and values[0] in VIEWS else None


def shows(view: str | None, name: str) -> bool:
    """Whether the page draws the view `name`: every view on the whole page, only the chosen one otherwise."""
    return view is None or view == name


def share_query(
    actors: list[str],
    window: tuple[date, date],
    default_window: tuple[date, date],
    include_later: bool,
    search: str,
    open_panels: tuple[str, ...] = (),
    day: date | None = None,
    view: str | None = None,
) -> str:
    """The query string for a view, in the same form the bound widgets write, defaults left out."""
    pairs: list[tuple[str, str]] = [(ACTOR, label) for label in actors]
    if tuple(window) != tuple(default_window):
        pairs += [(DATES, edge.isoformat()) for edge in window]
    if not include_later:
        pairs.append((LATER, "false"))
    if search:
        pairs.append((SEARCH, search))
    if day is not None:
        pairs.append((DAY, day.isoformat()))
    pairs += [(panel, "true") for panel in PANELS if panel in open_panels]
    if view is not None:
        pairs.append((VIEW, view))
    return urlencode(pairs)
