"""Every reported casualty, detention and crowd figure over time, by who claimed it.

One panel per category; each claim is a point at the date it was made public, coloured by the
claimant's group and shaped by its status. A thin line joins each claim to the earlier claim it
revises, so the path of the official toll (including the retracted 164) can be read.
Later reports (after the study window) sit to the right of it, past a shaded break, on a compressed time scale of
their own: each panel has one x axis for both (Timeline), which Plotly draws in about three quarters of the time
that two columns of panels took.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from components import charts
from components.dataset import Dataset
from components.filters import Selection, mark_selected, with_claimant_group

CATEGORY_TITLES = {
    "deaths_total": "Deaths, all",
    "deaths_security_forces": "Security forces killed",
    "deaths_attackers": "“Attackers” killed (the authorities’ label)",
    "deaths_civilians": "Civilians killed",
    "injured": "Injured or treated",
    "injured_security_forces": "Security forces injured",
    "detained": "Detained",
    "participants": "People at the protests",
    "attackers": "“Attackers” (a claimant’s label)",
}
PANEL_HEIGHT = 170
HEADROOM = 1.15  # each panel's value axis reaches this far above its largest figure
TOP_MARGIN, BOTTOM_MARGIN = 100, 30  # the milestones' labels above; the legend pushes the bottom down itself
MILESTONE_LINE = 15  # pixels between the lines of milestone labels


NATIONAL = "national"
# How a partial count is named in its hover and table row: what it leaves out is the point.
SCOPE_PHRASES = {
    "region": "{place} only",
    "city": "{place} only",
    "hospitals": "counted in hospitals only",
    "incident": "one incident only ({place})",
    "one_force": "one force's own personnel only",
    "subset": "one part of the count only",
}
PARTIAL_SIZE, NATIONAL_SIZE = 6, 11
REPEAT_SYMBOL = "circle-open-dot"


def scope_phrase(scope: str, place: str) -> str:
    """ "" for a national count; otherwise what the count covers, e.g. "Almaty only", "counted in hospitals only"."""
    return "" if scope == NATIONAL else SCOPE_PHRASES[scope].format(place=place)


def prepare(dataset: Dataset, actor_names: dict[str, str], citation_lookup: dict[str, str]) -> pd.DataFrame:
    """Everything about each claim that does not depend on the selection, computed once: its claimant's group,
    what it covers, hover text, day, and the points of the claim it revises and of the claim it repeats (for the
    lines drawn between them)."""
    claims = with_claimant_group(dataset["casualty_reports"], dataset, "claimant_actor_id")
    place_names = dataset["places"].set_index("place_id")["name"]
    claims = claims.assign(
        place=claims["scope_place_id"].map(place_names),
        day=claims["date"].dt.date,
        partial=claims["scope"] != NATIONAL,
    )
    claims["coverage"] = [
        scope_phrase(scope, place) for scope, place in zip(claims["scope"], claims["place"], strict=True)
    ]
    by_id = claims.set_index("report_id")
    repeated = claims["repeats_report_id"].map(lambda report: report if report in by_id.index else None)
    claims["repeats_withdrawn"] = repeated.map(by_id["status"]).eq("official_retracted")
    claims["hover"] = [
        "<br>".join(
            charts.escape_plotly(line)
            for line in [
                *([f"Partial count: {row['coverage']}. Not a national total."] if row["partial"] else []),
                *(
                    [repeat_line(by_id.loc[row["repeats_report_id"]], actor_names)]
                    if pd.notna(row["repeats_report_id"])
                    else []
                ),
            ]
        )
        + ("<br>" if row["partial"] or pd.notna(row["repeats_report_id"]) else "")
        + charts.hover_text(row, actor_names, citation_lookup)
        for _, row in claims.iterrows()
    ]
    earlier = claims["revises_report_id"].map(lambda report: report if report in by_id.index else None)
    claims["revised_day"] = earlier.map(by_id["day"])
    claims["revised_value"] = earlier.map(by_id["value_high"]).astype("Float64")
    claims["repeated_day"] = repeated.map(by_id["day"])
    claims["repeated_value"] = repeated.map(by_id["value_high"]).astype("Float64")
    return claims


def caveats(claim: pd.Series, by_id: pd.DataFrame, actor_names: dict[str, str]) -> list[str]:
    """The lines a hover opens with when a claim is not a national count, or not a new one."""
    lines = [f"Partial count: {claim['coverage']}. Not a national total."] if claim["partial"] else []
    if pd.notna(claim["repeats_report_id"]):
        lines.append(repeat_line(by_id.loc[claim["repeats_report_id"]], actor_names))
    return lines


def repeat_line(repeated: pd.Series, actor_names: dict[str, str]) -> str:
    """The hover's first line for a repeat: what it repeats and, for a withdrawn figure, that it was withdrawn."""
    who = actor_names[repeated["claimant_actor_id"]]
    if repeated["status"] == "official_retracted":
        return f"Repeats the figure {who} withdrawn on {repeated['date']:%-d %B %Y}: not new evidence."
    return f"Repeats the figure {who} gave on {repeated['date']:%-d %B %Y}: not a new count."


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

    def axis(self) -> dict:
        """Range and ticks: every other selected day, and up to three month starts among the later reports (more
        would collide at desktop width)."""
        days = [self.start + timedelta(days=offset) for offset in range(0, int(self.window_right) + 1, 2)]
        values, texts = [self.x(day) for day in days], [f"{day:%-d %b}" for day in days]
        if self.later_from is not None:
            months = []
            month = date(self.later_from.year, self.later_from.month, 1)
            while month <= self.later_to:
                if self.later_from + timedelta(days=15) <= month <= self.later_to - timedelta(days=15):
                    months.append(month)  # not at the very edges, where a label would be cut off
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            for month in months[:: -(-len(months) // 3)]:
                values.append(self.x(month))
                texts.append(f"{month:%b %Y}")
        return {"type": "linear", "range": [-self.PAD, self.right], "tickvals": values, "ticktext": texts}

    def break_band(self, bottom: float, top: float) -> dict | None:
        """A shaded band down every panel where the time scale breaks, or None without later reports."""
        if self.later_from is None:
            return None
        return {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": self.window_right,
            "x1": self.later_left,
            "y0": bottom,
            "y1": top,
            "layer": "below",
            "line": {"width": 0},
            "fillcolor": "rgba(136, 136, 136, 0.15)",
        }


def casualty_figure(
    prepared: pd.DataFrame,
    milestones: pd.DataFrame,
    selection: Selection,
    group_labels: dict[str, str],
    narrow: bool = False,
) -> dict:
    """The chart for a selection, as the plain spec Plotly draws (charts.py); claims outside it stay, dimmed. On a
    narrow screen (a phone) each milestone's label has a line of its own above the panels.

    The figure is assembled as one spec (axes, shapes and annotations laid out here) from the prepared claims,
    rather than through make_subplots and per-panel updates, which cost over a second per rerun for nine panels.
    """
    claims = mark_selected(prepared, selection)
    records = [claim for claim in claims.to_dict("records") if not pd.isna(claim["value_high"])]
    # Dimmed claims keep the date axis honest; only the selection's date window trims it.
    visible = [
        claim
        for claim in records
        if claim["day"] >= selection.start
        and (claim["day"] <= selection.end or (claim["day"] > selection.window_end and selection.include_later))
    ]
    categories = [category for category in CATEGORY_TITLES if any(c["category"] == category for c in visible)]
    later_days = [claim["day"] for claim in visible if claim["day"] > selection.window_end]
    timeline = Timeline(selection.start, selection.end, selection.window_end, later_days)
    rows = max(len(categories), 1)
    panel = Panels(rows)

    traces: list[dict] = []
    annotations: list[dict] = []
    layout: dict = {}
    x_axis = timeline.axis()
    for row, category in enumerate(categories, start=1):
        own = [claim for claim in visible if claim["category"] == category]
        top = max(float(claim["value_high"]) for claim in own) * HEADROOM
        annotations.append(panel.title(row, CATEGORY_TITLES[category]))
        x_name, y_name = panel.axes(row)
        layout[panel.layout_key(x_name)] = {
            **x_axis,
            "anchor": y_name,
            "showticklabels": row == len(categories),
            "automargin": False,
        }
        layout[panel.layout_key(y_name)] = {
            "range": [0, top],
            "domain": panel.y_domain(row),
            "anchor": x_name,
            "tickformat": ",d",
            "automargin": False,
        }
        for (lines_x, lines_y), dash in (
            (revision_segments(own, timeline), "solid"),
            (repeat_segments(own, timeline), "dot"),
        ):
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
        traces.append({**_points(own, category, timeline), "xaxis": x_name, "yaxis": y_name})
        for claim in own:
            if claim["status"] == "official_retracted" and not claim["partial"]:
                annotations.append(
                    {
                        "x": timeline.x(claim["day"]),
                        "y": float(claim["value_high"]),
                        "xref": x_name,
                        "yref": y_name,
                        "text": "retracted",
                        "showarrow": False,
                        "xanchor": "left",
                        "xshift": 9,
                        "font": {"size": 11, "color": "#888888"},
                    }
                )
    plot_height = PANEL_HEIGHT * rows + 50  # the panels and the gaps between them
    shapes, milestone_labels = _milestones(milestones, selection, panel, timeline, narrow)
    annotations += milestone_labels
    band = timeline.break_band(*panel.span())
    if band:
        shapes.append(band)
    shown_groups = list(dict.fromkeys(claim["group_id"] for claim in visible if claim["selected"]))
    statuses = [status for status in charts.STATUS_SYMBOLS if any(c["status"] == status for c in visible)]
    traces += charts.legend_traces(shown_groups, group_labels, statuses)
    traces += mark_legend_traces(visible)
    top = top_margin(milestone_labels)
    layout.update(
        {
            "height": plot_height + top + BOTTOM_MARGIN,
            # Fixed margins wide enough for the tick labels (charts.label_margin), not Plotly's automargin.
            "margin": {"l": tick_label_margin(visible), "r": 10, "t": top, "b": BOTTOM_MARGIN},
            # Below the date labels, which a narrow screen turns upright: 85 pixels under the panels.
            "legend": {"orientation": "h", "y": -85 / plot_height, "yanchor": "top", "x": 0, "font": {"size": 12}},
            "hovermode": "closest",
            "font": charts.FONT,
            "annotations": annotations,
            "shapes": shapes,
        }
    )
    return {"data": traces, "layout": layout}


def top_margin(milestone_labels: list[dict]) -> int:
    """Room above the panels for the milestones' labels: the highest label's shift and a line of text."""
    highest = max((label["yshift"] for label in milestone_labels), default=0)
    return max(TOP_MARGIN, highest + MILESTONE_LINE + 12)


def tick_label_margin(claims: list[dict]) -> int:
    """Room for the widest value-axis label: no tick exceeds the largest value plus the headroom."""
    largest = max((float(claim["value_high"]) * HEADROOM for claim in claims), default=0)
    return charts.label_margin([f"{int(largest):,}"])


class Panels:
    """Axis names and domains for a column of `rows` panels, the first at the top."""

    GAP_Y = 0.045

    def __init__(self, rows: int):
        self.rows = rows

    @staticmethod
    def axes(row: int) -> tuple[str, str]:
        suffix = "" if row == 1 else str(row)
        return f"x{suffix}", f"y{suffix}"

    @staticmethod
    def layout_key(axis: str) -> str:
        return f"{axis[0]}axis{axis[1:]}"

    def y_domain(self, row: int) -> list[float]:
        height = (1 - self.GAP_Y * (self.rows - 1)) / self.rows
        top = 1 - (row - 1) * (height + self.GAP_Y)
        return [max(top - height, 0.0), top]

    def span(self) -> tuple[float, float]:
        """The bottom of the lowest panel and the top of the highest, in paper coordinates."""
        return self.y_domain(self.rows)[0], self.y_domain(1)[1]

    def title(self, row: int, text: str) -> dict:
        return {
            "text": text,
            "x": 0.5,
            "y": self.y_domain(row)[1],
            "xref": "paper",
            "yref": "paper",
            "xanchor": "center",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 14},
        }


STATUS_ORDER = {status: order for order, status in enumerate(charts.STATUS_SYMBOLS)}


def _points(claims: list[dict], category: str, timeline: Timeline) -> dict:
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
        "name": CATEGORY_TITLES[category],
        "customdata": [claim["report_id"] for claim in claims],
        "marker": {
            "symbol": [point_symbol(claim) for claim in claims],
            "color": colours,
            "size": [PARTIAL_SIZE if claim["partial"] else NATIONAL_SIZE for claim in claims],
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
    return REPEAT_SYMBOL if pd.notna(claim["repeats_report_id"]) else charts.STATUS_SYMBOLS[claim["status"]]


def mark_legend_traces(claims: list[dict]) -> list[dict]:
    """Keys for the marks that are not statuses: repeats and partial counts, when the chart draws any."""
    marks = []
    if any(pd.notna(claim["repeats_report_id"]) for claim in claims):
        marks.append(("Repeat of an earlier figure (dotted line to it)", REPEAT_SYMBOL, NATIONAL_SIZE))
    if any(claim["partial"] for claim in claims):
        marks.append(
            ("Small: partial count (one city or region, hospitals only, one incident…)", "circle", PARTIAL_SIZE)
        )
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


def _milestones(
    milestones: pd.DataFrame, selection: Selection, panel: Panels, timeline: Timeline, narrow: bool = False
) -> tuple[list[dict], list[dict]]:
    """A dotted line down the panels at each milestone event in the window, labelled above the top panel. One line
    spans every row (the rows share their dates), rather than one per panel: a ninth of the shapes to draw.

    Labels take turns on three lines, centred on their dates. On a phone a day is a few pixels wide, so each label
    has a line of its own, running right from its date in the left half of the chart and left from it in the
    right half, so that it stays inside the chart."""
    shapes, labels = [], []
    bottom, top = panel.span()
    shown = 0
    for index, (_, event) in enumerate(milestones.iterrows()):
        day = event["date"].date()
        if not selection.start <= day <= min(selection.end, selection.window_end):
            continue
        x = timeline.x(day)
        if narrow:
            line, anchor = shown, "left" if x < (timeline.right - Timeline.PAD) / 2 else "right"
        else:
            line, anchor = index % 3, "center"
        shown += 1
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": bottom,
                "y1": top,
                "layer": "below",
                "line": {"width": 1, "dash": "dot", "color": "#888888"},
            }
        )
        labels.append(
            {
                "x": x,
                "y": 1,
                "yshift": 28 + MILESTONE_LINE * line,
                "xref": "x",
                "yref": "paper",
                "text": charts.escape_plotly(event["milestone"]),
                "showarrow": False,
                "xanchor": anchor,
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#666666"},
            }
        )
    return shapes, labels


def claims_without_numbers(claims: pd.DataFrame) -> pd.DataFrame:
    """Selected claims the chart cannot place because no number was given (e.g. "dozens"); `claims` comes from
    filters.mark_selected."""
    return claims[claims["selected"] & claims["value_high"].isna()]
