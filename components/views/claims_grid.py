"""Claims over time, as a grid of panels: what the casualty chart and the force chart share.

The lead category takes the full width at the top, with the milestones of the story and the official figure as a
dark step line; the other categories follow as small panels four across (two on a phone), each with its own date
labels. Each claim is a point at the date it was made public, coloured by the claimant's group and shaped by its
status; a partial count is small, and a repeat of an earlier figure has its own mark and a dotted line to it. A thin
line joins each claim to the earlier claim it revises. Later reports (after the study window) sit to the right, past
a shaded break, on a compressed time scale of their own: each panel has one x axis for both (Timeline).

The prepared claims carry these columns: figure_id, category, value_low, value_high, day, status, partial, repeats
(the id of the claim repeated, or empty), revised_day, revised_value, repeated_day, repeated_value, group_id, hover;
and `selected` once filters.mark_selected has marked them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from components.data.dataset import Dataset
from components.data.filters import Selection, mark_selected
from components.views import charts

HEADROOM = 1.15  # each panel's value axis reaches this far above its largest figure
TOP_MARGIN, BOTTOM_MARGIN = 60, 30  # the milestones' labels above; the legend pushes the bottom down itself
MILESTONE_BASE, MILESTONE_LINE = 6, 15  # pixels above the lead panel to the first milestone label; between lines
LEGEND_ROOM = 40  # pixels between the last row's date labels and the legend
PARTIAL_SIZE, WHOLE_SIZE = 6, 11
REPEAT_SYMBOL = "circle-open-dot"
STATUS_ORDER = {status: order for order, status in enumerate(charts.STATUS_SYMBOLS)}


@dataclass(frozen=True)
class GridSpec:
    """What one chart draws: its categories in order with their panel titles, the one that leads, the name of its
    official line, the legend's words for a partial figure, and any labels the lead adds."""

    titles: dict[str, str]
    lead: str
    official_label: str
    partial_key: str
    lead_notes: Callable[[list[dict], Timeline], list[dict]] = field(default=lambda claims, timeline: [])


def repeat_line(repeated: pd.Series, actor_names: dict[str, str]) -> str:
    """The hover's first line for a repeat: what it repeats and, for a withdrawn figure, that it was withdrawn."""
    who = actor_names[repeated["claimant_actor_id"]]
    if repeated["status"] == "official_retracted":
        return f"Repeats the figure {who} withdrawn on {repeated['date']:%-d %B %Y}: not new evidence."
    return f"Repeats the figure {who} gave on {repeated['date']:%-d %B %Y}: not a new count."


def with_links(claims: pd.DataFrame, revises: str, repeats: str | None) -> pd.DataFrame:
    """The claims with the day and value of the claim each revises and of the claim each repeats (the ends of the
    lines drawn between them), from the named id columns; `figure_id` identifies every claim."""
    by_id = claims.set_index("figure_id")
    links = {"revised": revises, "repeated": repeats}
    columns = {}
    for link, column in links.items():
        other = claims[column].map(lambda figure: figure if figure in by_id.index else None) if column else None
        columns[f"{link}_day"] = other.map(by_id["day"]) if other is not None else None
        values = other.map(by_id["value_high"]) if other is not None else pd.Series(pd.NA, index=claims.index)
        columns[f"{link}_value"] = values.astype("Float64")
    return claims.assign(**columns)


def revision_segments(claims: list[dict], timeline: Timeline) -> tuple[list, list]:
    """x and y of the lines from each revised claim to the claim that revises it (None-separated); a revision
    that crosses from the study window to the later reports has no line, as the break between them is not to
    scale."""
    return linked_segments(claims, timeline, "revised")


def repeat_segments(claims: list[dict], timeline: Timeline) -> tuple[list, list]:
    """The same, from each repeated claim to its repeat (drawn dotted)."""
    return linked_segments(claims, timeline, "repeated")


def linked_segments(claims: list[dict], timeline: Timeline, link: str) -> tuple[list, list]:
    xs, ys = [], []
    for claim in claims:
        if pd.isna(claim[f"{link}_value"]) or pd.isna(claim["value_high"]):
            continue
        if timeline.is_later(claim[f"{link}_day"]) != timeline.is_later(claim["day"]):
            continue
        xs += [timeline.x(claim[f"{link}_day"]), timeline.x(claim["day"]), None]
        ys += [float(claim[f"{link}_value"]), float(claim["value_high"]), None]
    return xs, ys


class Timeline:
    """The x position of a date: the selected days one unit apart (the first at 0), then, past a break, the later
    reports on a compressed scale whose span (a month either side of them) takes LATER_SHARE of the width."""

    BREAK = 1.2  # units between the window's edge and the later reports' span
    LATER_SHARE = 0.28
    PAD = 0.5  # half a day either side of the selected days

    def __init__(self, start: date, end: date, window_end: date, later_days: list[date]):
        self.start, self.window_end = start, window_end
        self.window_right = (end - start).days + self.PAD
        self.later_from = min(later_days) - timedelta(days=30) if later_days else None
        self.right = self.window_right
        if later_days:
            self.later_to = max(later_days) + timedelta(days=30)
            later_span = (self.later_to - self.later_from).days
            window_width = self.window_right + self.PAD
            self.later_left = self.window_right + self.BREAK
            self.scale = window_width * self.LATER_SHARE / (1 - self.LATER_SHARE) / later_span
            self.right = self.later_left + later_span * self.scale

    def is_later(self, day: date) -> bool:
        return day > self.window_end

    def x(self, day: date) -> float:
        if not self.is_later(day):
            return float((day - self.start).days)
        return self.later_left + (day - self.later_from).days * self.scale

    def axis(self, step: int = 2, months_shown: int = 3) -> dict:
        """Range and ticks: every `step`-th selected day, and up to three month starts among the later reports (more
        would collide), or only the middle one when `months_shown` is 1."""
        days = [self.start + timedelta(days=offset) for offset in range(0, int(self.window_right) + 1, step)]
        values, texts = [self.x(day) for day in days], [f"{day:%-d %b}" for day in days]
        if self.later_from is not None:
            months = []
            month = date(self.later_from.year, self.later_from.month, 1)
            while month <= self.later_to:
                if self.later_from + timedelta(days=15) <= month <= self.later_to - timedelta(days=15):
                    months.append(month)  # not at the very edges, where a label would be cut off
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            # One month: the middle one, clear of the break's edge and of the last selected day's label.
            if months_shown == 1:
                chosen = months[len(months) // 2 :][:1]
            else:
                chosen = months[:: -(-len(months) // 3)] if months_shown else []
            for month in chosen:
                values.append(self.x(month))
                texts.append(f"{month:%b %Y}")
        return {"type": "linear", "range": [-self.PAD, self.right], "tickvals": values, "ticktext": texts}

    def break_band(self, x_axis: str, y_axis: str) -> dict | None:
        """A shaded band down one panel where the time scale breaks, or None without later reports."""
        if self.later_from is None:
            return None
        return {
            "type": "rect",
            "xref": x_axis,
            "yref": f"{y_axis} domain",
            "x0": self.window_right,
            "x1": self.later_left,
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "line": {"width": 0},
            "fillcolor": "rgba(136, 136, 136, 0.15)",
        }


class Grid:
    """Where each panel sits, laid out in pixels and given to Plotly as fractions of the plot area: the lead panel
    full width at the top, then the other measures `columns` across, each with its title above and its date labels
    below."""

    LEAD_HEIGHT, NARROW_LEAD_HEIGHT = 280, 220
    PANEL_HEIGHT = 110
    TITLE_ROOM, TICK_ROOM = 26, 30
    GAP_X, NARROW_GAP_X = 0.06, 0.14  # room for the small panels' value labels

    def __init__(self, measures: int, narrow: bool):
        self.columns = 2 if narrow else 4
        self.rows = -(-measures // self.columns)
        self.narrow = narrow
        self.lead_height = self.NARROW_LEAD_HEIGHT if narrow else self.LEAD_HEIGHT
        self.gap = self.NARROW_GAP_X if narrow else self.GAP_X
        self.row_height = self.TITLE_ROOM + self.PANEL_HEIGHT + self.TICK_ROOM
        self.height = self.lead_height + self.TICK_ROOM + self.rows * self.row_height

    @staticmethod
    def axes(index: int) -> tuple[str, str]:
        suffix = "" if index == 0 else str(index + 1)
        return f"x{suffix}", f"y{suffix}"

    @staticmethod
    def layout_key(axis: str) -> str:
        return f"{axis[0]}axis{axis[1:]}"

    def domain(self, index: int) -> tuple[list[float], list[float]]:
        """x and y domains of panel `index` (0: the lead)."""
        if index == 0:
            return [0.0, 1.0], [1 - self.lead_height / self.height, 1.0]
        row, column = divmod(index - 1, self.columns)
        top = self.lead_height + self.TICK_ROOM + row * self.row_height + self.TITLE_ROOM
        width = (1 - self.gap * (self.columns - 1)) / self.columns
        left = column * (width + self.gap)
        return [left, left + width], [1 - (top + self.PANEL_HEIGHT) / self.height, 1 - top / self.height]

    def ticks(self, lead: bool) -> tuple[int, int]:
        """(every how many days a date label, how many month labels among the later reports)."""
        if lead:
            return (6, 1) if self.narrow else (2, 3)
        return (9, 0) if self.narrow else (9, 1)

    def title(self, index: int, text: str, narrow: bool) -> dict:
        """A small panel's title, above it at its left edge."""
        x_domain, y_domain = self.domain(index)
        return {
            "text": text,
            "x": x_domain[0],
            "y": y_domain[1],
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "bottom",
            "yshift": 2,
            "showarrow": False,
            "font": {"size": 11 if narrow else 12},
        }


def figure(
    prepared: pd.DataFrame,
    spec: GridSpec,
    milestones: pd.DataFrame,
    selection: Selection,
    group_labels: dict[str, str],
    narrow: bool = False,
) -> dict:
    """The chart for a selection, as the plain spec Plotly draws (charts.py); claims outside it stay, dimmed. The
    lead category leads, full width, with the milestones; the others follow in a grid of small panels. On a narrow
    screen (a phone) the grid is two across and each milestone's label has a line of its own.

    The figure is assembled as one spec (axes, shapes and annotations laid out here) from the prepared claims,
    rather than through make_subplots and per-panel updates, which cost over a second per rerun.
    """
    claims = mark_selected(prepared, selection)
    records = [claim for claim in claims.to_dict("records") if not pd.isna(claim["value_high"])]
    # Dimmed claims keep the date axis honest; only the selection's date window trims it.
    visible = [
        claim
        for claim in records
        if claim["day"] >= selection.start
        and (claim["day"] <= selection.end or (claim["day"] > selection.window_end and selection.include_later))
        and (selection.day is None or claim["day"] <= selection.day)  # not yet made public: not drawn at all
    ]
    present = [category for category in spec.titles if any(c["category"] == category for c in visible)]
    measures = [category for category in present if category != spec.lead]
    later_days = [claim["day"] for claim in visible if claim["day"] > selection.window_end]
    timeline = Timeline(selection.start, selection.end, selection.window_end, later_days)
    grid = Grid(len(measures), narrow)

    traces: list[dict] = []
    official_key: list[dict] = []
    annotations: list[dict] = []
    shapes: list[dict] = []
    layout: dict = {}
    panels = ([spec.lead] if spec.lead in present else []) + measures
    for category in panels:
        index = 0 if category == spec.lead else measures.index(category) + 1
        own = [claim for claim in visible if claim["category"] == category]
        x_name, y_name = grid.axes(index)
        x_domain, y_domain = grid.domain(index)
        lead = category == spec.lead
        layout[grid.layout_key(x_name)] = {
            **timeline.axis(*grid.ticks(lead)),
            "domain": x_domain,
            "anchor": y_name,
            "automargin": False,
            "tickangle": 0,
            "tickfont": {"size": 12 if lead else 10},
        }
        top = max(float(claim["value_high"]) for claim in own) * HEADROOM
        values = nice_ticks(top, 6 if lead else 4)
        ticks = {"tickvals": values, "ticktext": [f"{value:,.0f}" if lead else si(value) for value in values]}
        layout[grid.layout_key(y_name)] = {
            "range": [0, top],
            "domain": y_domain,
            "anchor": x_name,
            **ticks,
            "automargin": False,
            "tickfont": {"size": 12 if lead else 10},
        }
        if not lead:  # the lead is the section's subject, named by its heading; its own title would sit on its lines
            annotations.append(grid.title(index, spec.titles[category], narrow))
        links = ((revision_segments(own, timeline), "solid"), (repeat_segments(own, timeline), "dot"))
        for (lines_x, lines_y), dash in links:
            if lines_x:
                traces.append(
                    {
                        "type": "scatter",
                        "x": lines_x,
                        "y": lines_y,
                        "mode": "lines",
                        "hoverinfo": "skip",
                        "showlegend": False,
                        "line": {"color": "#9a9a9a", "width": 1, "dash": dash},
                        "xaxis": x_name,
                        "yaxis": y_name,
                    }
                )
        if lead:
            line, label = official_line(own, timeline, spec.official_label)
            if line:
                traces.append({**line, "xaxis": x_name, "yaxis": y_name})
                official_key = line_key(line)
            if label and not narrow:  # on a phone a day is a few pixels wide: the key names the line instead
                annotations.append({**label, "xref": x_name, "yref": y_name})
            annotations += [{**note, "xref": x_name, "yref": y_name} for note in spec.lead_notes(own, timeline)]
        traces.append({**points(own, spec.titles[category], timeline), "xaxis": x_name, "yaxis": y_name})
        for claim in own:
            if claim["status"] == "official_retracted" and not claim["partial"]:
                annotations.append(
                    {
                        "x": timeline.x(claim["day"]),
                        "y": float(claim["value_high"]),
                        "xref": x_name,
                        "yref": y_name,
                        "text": "withdrawn",
                        "showarrow": False,
                        "xanchor": "right",  # to the left: a repeat's dotted line may run right from it
                        "xshift": -9,
                        "font": {"size": 11},
                    }
                )
        band = timeline.break_band(x_name, y_name)
        if band:
            shapes.append(band)
        if selection.day is not None and selection.start <= selection.day <= selection.end:
            shapes.append(day_marker(timeline.x(selection.day), x_name, y_name))
    milestone_lines, milestone_labels = milestone_marks(milestones, selection, timeline, narrow)
    if spec.lead in present:
        shapes += milestone_lines
        annotations += milestone_labels
    shown_groups = list(dict.fromkeys(claim["group_id"] for claim in visible if claim["selected"]))
    statuses = [status for status in charts.STATUS_SYMBOLS if any(c["status"] == status for c in visible)]
    traces += charts.legend_traces(shown_groups, group_labels, statuses)
    traces += official_key + mark_legend_traces(visible, spec.partial_key)
    top = top_margin(milestone_labels if spec.lead in present else [])
    layout.update(
        {
            "height": grid.height + top + BOTTOM_MARGIN,
            # Fixed margins wide enough for the tick labels (charts.label_margin), not Plotly's automargin.
            "margin": {"l": tick_label_margin(visible, spec.lead), "r": 10, "t": top, "b": BOTTOM_MARGIN},
            "legend": {
                "orientation": "h",
                "y": -LEGEND_ROOM / grid.height,
                "yanchor": "top",
                "x": 0,
                "font": {"size": 12},
            },
            "hovermode": "closest",
            "font": charts.FONT,
            "annotations": annotations,
            "shapes": shapes,
        }
    )
    return {"data": traces, "layout": layout}


def official_line(claims: list[dict], timeline: Timeline, label_text: str) -> tuple[dict | None, dict | None]:
    """The official figure as it stood over time: a dark step line through the official figures that count the
    whole (not partial, not withdrawn, not repeats), and its label, under the line's first step."""
    whole = [claim for claim in claims if not claim["partial"] and pd.isna(claim["repeats"])]
    steps = sorted((claim for claim in whole if claim["status"] == "official"), key=lambda claim: claim["day"])
    if not steps:
        return None, None
    line = {
        "type": "scatter",
        "x": [timeline.x(claim["day"]) for claim in steps],
        "y": [float(claim["value_high"]) for claim in steps],
        "mode": "lines",
        "line": {"color": "#555555", "width": 2.5, "shape": "hv"},
        "meta": charts.TEXT_COLOURED,
        "hoverinfo": "skip",
        "showlegend": False,
        "name": label_text,
    }
    if not label_text:
        return line, None
    label = {
        "x": timeline.x(steps[0]["day"]),
        "y": float(steps[0]["value_high"]),
        "text": label_text,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top",
        "xshift": 6,
        "yshift": -6,
        "font": {"size": 12},
    }
    return line, label


def day_marker(x: float, x_axis: str, y_axis: str) -> dict:
    """The chosen day: a solid line down the panel at the day's position, through that day's claims, the last
    drawn."""
    return {
        "type": "line",
        "xref": x_axis,
        "yref": f"{y_axis} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "layer": "below",
        "line": {"width": 2, "color": "rgba(11, 83, 148, 0.55)"},
    }


def line_key(line: dict) -> list[dict]:
    """The official line's entry in the key, with the marks' kinds."""
    return [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "name": line["name"] or "Official figure as it stood, day by day",  # not the marks' "Official figure"
            "legendgroup": "status",
            "line": {"color": line["line"]["color"], "width": line["line"]["width"]},
            "meta": charts.TEXT_COLOURED,
        }
    ]


def top_margin(milestone_labels: list[dict]) -> int:
    """Room above the panels for the milestones' labels: the highest label's shift and a line of text."""
    highest = max((label["yshift"] for label in milestone_labels), default=0)
    return max(TOP_MARGIN, highest + MILESTONE_LINE + 12)


def tick_label_margin(claims: list[dict], lead: str) -> int:
    """Room for the lead panel's widest value label: no tick exceeds the largest value plus the headroom. The small
    panels' labels are short (SI: "16k") and sit in the gaps between them."""
    values = [float(claim["value_high"]) * HEADROOM for claim in claims if claim["category"] == lead]
    return charts.label_margin([f"{int(max(values, default=0)):,}", "16k"])


def points(claims: list[dict], name: str, timeline: Timeline) -> dict:
    """One panel's claims as one trace, each point shaped by its status (a repeat by its own symbol) and sized by
    its coverage (partial counts small): Plotly's time to draw grows with the number of traces. The points go in
    the order of the statuses, so later kinds are drawn on top, as before."""
    claims = sorted(claims, key=lambda claim: STATUS_ORDER[claim["status"]])
    colours = [charts.claim_colour(claim) for claim in claims]
    ranges = [float(claim["value_high"]) - float(claim["value_low"]) for claim in claims]
    return {
        "type": "scatter",
        "x": [timeline.x(claim["day"]) for claim in claims],
        "y": [float(claim["value_high"]) for claim in claims],
        "mode": "markers",
        "showlegend": False,
        "name": name,
        "customdata": [claim["figure_id"] for claim in claims],
        "marker": {
            "symbol": [point_symbol(claim) for claim in claims],
            "color": colours,
            "size": [PARTIAL_SIZE if claim["partial"] else WHOLE_SIZE for claim in claims],
            "opacity": [charts.claim_opacity(claim) for claim in claims],
            "line": {"width": 2, "color": colours},
        },
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [0] * len(claims),
            "arrayminus": ranges,
            "visible": any(ranges),
            "width": 0,
        },
        "hovertext": [claim["hover"] for claim in claims],
        "hoverinfo": "text",
    }


def point_symbol(claim: dict) -> str:
    """A repeat is never drawn as a claim of its own kind: it has its own symbol, whatever its status."""
    return REPEAT_SYMBOL if pd.notna(claim["repeats"]) else charts.STATUS_SYMBOLS[claim["status"]]


def mark_legend_traces(claims: list[dict], partial_key: str) -> list[dict]:
    """Keys for the marks that are not statuses: repeats and partial counts, when the chart draws any."""
    marks = []
    if any(pd.notna(claim["repeats"]) for claim in claims):
        marks.append(("Repeat of an earlier figure (dotted line to it)", REPEAT_SYMBOL, WHOLE_SIZE))
    if any(claim["partial"] for claim in claims):
        marks.append((partial_key, "circle", PARTIAL_SIZE))
    return [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": name,
            "legendgroup": "status",
            "marker": {"symbol": symbol, "color": "#555555", "size": size, "line": {"width": 2, "color": "#555555"}},
        }
        for name, symbol, size in marks
    ]


def milestones(dataset: Dataset) -> pd.DataFrame:
    """The events the data marks as turning points, for the charts' timelines."""
    events = dataset["events"]
    return events[events["milestone"].notna()]


def edge_anchor(x: float, timeline: Timeline) -> str:
    """A label centred on its date, unless that would push it past the chart's edge."""
    share = (x + Timeline.PAD) / (timeline.right + Timeline.PAD)
    return "left" if share < 0.1 else "right" if share > 0.9 else "center"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Up to `count` round values between 0 and `top`, without 0: a 0 would sit on the panel's first date."""
    raw = top / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * n for n in range(1, count + 1) if step * n <= top]


def si(value: float) -> str:
    """12000 → "12k", 2500 → "2.5k", 150 → "150"."""
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def milestone_marks(
    milestones: pd.DataFrame, selection: Selection, timeline: Timeline, narrow: bool = False
) -> tuple[list[dict], list[dict]]:
    """A dotted line down the lead panel at each milestone event in the window, labelled above it.

    Labels take turns on three lines, centred on their dates. On a phone a day is a few pixels wide, so each label
    has a line of its own, running right from its date in the left half of the chart and left from it in the
    right half, so that it stays inside the chart."""
    shapes, labels = [], []
    shown = 0
    for index, (_, event) in enumerate(milestones.iterrows()):
        day = event["date"].date()
        if not selection.start <= day <= min(selection.end, selection.window_end):
            continue
        x = timeline.x(day)
        if narrow:
            line, anchor = shown, "left" if x < (timeline.right - Timeline.PAD) / 2 else "right"
        else:
            line, anchor = index % 3, edge_anchor(x, timeline)
        shown += 1
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "y domain",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "layer": "below",
                "line": {"width": 1, "dash": "dot", "color": "#888888"},
            }
        )
        labels.append(
            {
                "x": x,
                "y": 1,
                "yshift": MILESTONE_BASE + MILESTONE_LINE * line,
                "xref": "x",
                "yref": "paper",
                "text": charts.escape_plotly(event["milestone"]),
                "showarrow": False,
                "xanchor": anchor,
                "yanchor": "bottom",
                "font": {"size": 11},
            }
        )
    return shapes, labels
