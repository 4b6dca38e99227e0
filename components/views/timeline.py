"""The day control: the record as it stood at the end of each day, stepped through by a Play control.

Playing moves the day once a second from the server (a fragment re-run on a timer starts a run of the whole page),
so the maps keep their place and their drawing context, and every view shows the same day. The link is written only
when the reader moves the control or pauses, never while it plays.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date, timedelta
from typing import Any

DAY_KEY = "day_shown"  # the control's widget key; None: the whole record
PLAYING_KEY = "day_playing"
STEPPED_AT_KEY = "day_stepped_at"
STEP_SECONDS = 1.0
WHOLE_RECORD = "The whole record"


def days(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]


def label(day: date | None) -> str:
    return WHOLE_RECORD if day is None else f"{day:%-d %b}"


def heading(day: date | None) -> str:
    """What the opening's figures show, in words."""
    return "The record in full" if day is None else f"As the record stood at the end of {day:%A %-d %B %Y}"


def start(state: MutableMapping[str, Any], first_day: date, last_day: date, now: float) -> None:
    """Play: from the first day, unless a day before the last is showing, in which case from there."""
    shown = state.get(DAY_KEY)
    if shown is None or shown >= last_day:
        state[DAY_KEY] = first_day
    state[PLAYING_KEY], state[STEPPED_AT_KEY] = True, now


def step(state: MutableMapping[str, Any], last_day: date, now: float) -> bool:
    """One tick of the timer: the next day, once a step's time has passed since the last step; at the last day,
    playing stops. True when the day changed (the page must then be drawn anew)."""
    if not state.get(PLAYING_KEY) or now - state.get(STEPPED_AT_KEY, 0.0) < STEP_SECONDS * 0.9:
        return False
    shown = state.get(DAY_KEY)
    state[DAY_KEY] = min(shown + timedelta(days=1), last_day) if shown else last_day
    state[STEPPED_AT_KEY] = now
    if state[DAY_KEY] >= last_day:
        state[PLAYING_KEY] = False
    return True
