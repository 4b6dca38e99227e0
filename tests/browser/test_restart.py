"""Restarting the server mid-session: the open page reconnects and a shared link still reproduces its view.
No state lives outside the URL and the data."""

from __future__ import annotations

from tests.browser.conftest import READY, RESULTS, free_port, serve

WATCHED = ("quotes", "events at", "force-size claims")


def test_page_reconnects_and_link_survives_a_restart(open_session, chromium_path: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    log = RESULTS / "streamlit-restart-server.log"
    log.write_text("")
    port = free_port()
    with serve(log, port=port) as base:
        session = open_session(base=base)
        session.open("actor=Other+CSTO+governments&dates=2022-01-06&dates=2022-01-14")
        before = {words: session.caption(words) for words in WATCHED}
        link = session.page.url
    session.page.wait_for_selector("[data-testid=stApp]:not([data-test-connection-state=CONNECTED])", timeout=30_000)

    with serve(log, port=port):
        session.page.wait_for_selector(READY, timeout=60_000)
        session.wait_until_drawn()
        assert {words: session.caption(words) for words in WATCHED} == before, "the open page shows the same view"
        # The reconnected page is live: a filter change is run by the new server.
        session.search_quotes("peacekeepers")
        assert session.caption("quotes") != before["quotes"]
        session.search_quotes("")
        assert session.caption("quotes") == before["quotes"]
        fresh = open_session(base=base)
        fresh.page.goto(link)
        fresh.wait_until_drawn()
        assert {words: fresh.caption(words) for words in WATCHED} == before, "the link reproduces the view"
