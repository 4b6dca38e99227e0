"""The page's first run waits for its layout to be drawn; later runs do not wait."""

from components.page import layout


def test_only_a_sessions_first_run_waits_for_the_layout() -> None:
    state: dict = {}
    waits: list[float] = []
    assert layout.hold_for_layout(state, waits.append) is True
    assert layout.hold_for_layout(state, waits.append) is False
    assert layout.hold_for_layout(state, waits.append) is False
    assert waits == [layout.LAYOUT_SETTLE_SECONDS]
    assert 0 < layout.LAYOUT_SETTLE_SECONDS <= 0.2, "a wait a reader does not notice"


def test_a_new_session_waits_again() -> None:
    waits: list[float] = []
    layout.hold_for_layout({}, waits.append)
    layout.hold_for_layout({}, waits.append)
    assert len(waits) == 2
