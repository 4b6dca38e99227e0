"""What keeps the page still from its first paint.

A browser opening the page draws Streamlit's frame in its narrow, centred layout before the page's first message
arrives. The page's wide layout moves that frame a quarter of the window's width to the left; if the first elements
arrive in the same frame, everything they hold moves with it (a layout shift of about 0.24 at 1400 × 900). On a
session's first run the page therefore waits a moment after asking for its layout, so the browser applies the layout
to an empty frame first.

Most of Streamlit's widgets are drawn by code the browser fetches when the widget first appears; until it arrives, a
placeholder of one line's height stands in. Where the widget is taller, everything under it moves when it arrives.
The views at the top of the page are given their final heights up front.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from typing import Any

LAID_OUT_KEY = "page_laid_out"
# Long enough for the layout message to reach the browser and be painted before the next one (20–30 ms was not, on
# a loaded machine, in one load of three); short beside a page load of 2–4 s.
LAYOUT_SETTLE_SECONDS = 0.08

# A headline figure's card: its label, its value and a line for the change since the day before (shown only when a
# day is chosen; the card keeps its height without it, so the page does not move as Play steps through the days).
HEADLINE_FIGURE_HEIGHT = 135
# The day control: its label, the slider and the day's name under the thumb.
DAY_CONTROL_HEIGHT = 68
# Their containers' keys (Streamlit gives each a class, st-key-<key>, which the browser tests measure).
HEADLINE_FIGURES_KEY = "headline-figures"
DAY_CONTROL_KEY = "day-control"


def hold_for_layout(state: MutableMapping[str, Any], sleep: Callable[[float], None] = time.sleep) -> bool:
    """On a session's first run, wait for the page's layout to reach the browser first. True when it waited."""
    if state.get(LAID_OUT_KEY):
        return False
    state[LAID_OUT_KEY] = True
    sleep(LAYOUT_SETTLE_SECONDS)
    return True
