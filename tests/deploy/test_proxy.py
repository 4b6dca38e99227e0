"""Two replicas behind nginx, started and stopped by the deploy commands, read through the proxy as a reader
would: the page and its bundle, the websocket and a filter change in Chromium, compression and cache headers,
readers spread over both replicas and each kept on its own, and a reader moved when its replica dies."""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from components.views import plotly_view
from tests.browser.conftest import DESKTOP, READY, RESULTS, Session, free_port, open_actor_menu
from tests.conftest import ROOT

pytestmark = [pytest.mark.deploy, pytest.mark.browser]

DEPLOY = ROOT / "deploy"
LONG_CACHE = {"public", "max-age=31536000", "immutable"}
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) bytes=(?P<bytes>\d+) upstream=(?P<upstream>.*?) '
    r"replica_cookie=(?P<cookie>\S+) set=(?P<set>\S*) rt="
)


class Stack:
    """What deploy/up.sh reports in stack.json, with helpers to read through the proxy and its log."""

    def __init__(self, description: dict):
        self.proxy: str = description["proxy"]
        self.replicas: list[dict] = description["replicas"]
        self.access_log = Path(description["access_log"])
        self.run_dir = Path(description["run_dir"])

    def address(self, name: str) -> str:
        return next(replica["url"] for replica in self.replicas if replica["name"] == name).removeprefix("http://")

    def log(self, since: int = 0) -> list[dict]:
        """The proxy's access log, parsed; `since` skips the lines an earlier `lines()` counted."""
        lines = self.access_log.read_text().splitlines()[since:]
        return [match.groupdict() for match in map(LOG_LINE.search, lines) if match]

    def lines(self) -> int:
        return len(self.access_log.read_text().splitlines())


def running(pid: int) -> bool:
    """Whether a process is alive (a zombie waiting for its parent to reap it is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def directives(headers: dict[str, str]) -> set[str]:
    return {part.strip() for part in headers.get("cache-control", "").split(",") if part.strip()}


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def set_cookies(url: str, headers: dict[str, str] | None = None) -> list[str]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return response.headers.get_all("Set-Cookie") or []


@pytest.fixture(scope="module")
def stack(nginx_path: str, chromium_path: str) -> Iterator[Stack]:
    """`deploy/up.sh 2 PORT` into a private runtime directory, `deploy/down.sh` afterwards."""
    run_dir = Path("/tmp") / f"kz2022-proxy-test-{uuid.uuid4().hex[:8]}"
    environment = {**os.environ, "DEPLOY_RUN_DIR": str(run_dir), "NGINX_PATH": nginx_path}
    environment.pop("DASHBOARD_DATA_DIR", None)
    started = subprocess.run(
        [str(DEPLOY / "up.sh"), "2", str(free_port())], env=environment, capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    description = json.loads((run_dir / "stack.json").read_text())
    yield Stack(description)
    stopped = subprocess.run([str(DEPLOY / "down.sh")], env=environment, capture_output=True, text=True, timeout=60)
    RESULTS.mkdir(exist_ok=True)
    for name in ("access.log", "nginx-error.log", "replica-0.log", "replica-1.log"):
        if (run_dir / name).exists():
            shutil.copy(run_dir / name, RESULTS / f"proxy-{name}")
    shutil.rmtree(run_dir, ignore_errors=True)
    assert stopped.returncode == 0, stopped.stderr
    pids = [replica["pid"] for replica in description["replicas"]] + [description["nginx_pid"]]
    assert not [pid for pid in pids if running(pid)], "down.sh leaves no process running"


def test_page_and_bundle_come_through_the_proxy_compressed_and_cacheable(stack: Stack) -> None:
    status, headers, body = fetch(f"{stack.proxy}/", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    page = gzip.decompress(body).decode()
    assert "<html" in page
    scripts = re.findall(r'src="\./(static/js/[^"]+\.js)"', page)
    styles = re.findall(r'href="\./(static/css/[^"]+\.css)"', page)
    assert scripts and styles, "the page names its hashed bundle"
    replica = stack.replicas[0]["url"]
    for asset in (scripts[0], styles[0]):
        status, headers, body = fetch(f"{stack.proxy}/{asset}", {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("content-encoding") == "gzip", (asset, headers)
        assert directives(headers) == LONG_CACHE, (asset, headers)
        assert "Accept-Encoding" in headers.get("vary", "")
        _, direct_headers, direct = fetch(f"{replica}/{asset}")
        assert "content-encoding" not in direct_headers, "Streamlit itself sends the bundle uncompressed"
        assert gzip.decompress(body) == direct, "the proxy serves the same bytes the replica does"
        assert len(body) < len(direct) / 2
        _, plain_headers, plain = fetch(f"{stack.proxy}/{asset}")
        assert "content-encoding" not in plain_headers and plain == direct, "clients without gzip get plain bytes"
    lines = [line for line in stack.log() if line["path"] == f"/{scripts[0]}"]
    assert lines and all(line["upstream"] == "-" for line in lines), "the bundle is served by nginx, not Python"


def test_a_bundle_file_missing_from_the_proxy_copy_comes_from_a_replica_still_compressed(stack: Stack) -> None:
    copy = stack.run_dir / "www" / "static" / "js"
    asset = max(copy.glob("*.js"), key=lambda path: path.stat().st_size)
    (copy / asset.name).unlink()
    (copy / f"{asset.name}.gz").unlink()
    status, headers, body = fetch(f"{stack.proxy}/static/js/{asset.name}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    assert directives(headers) == LONG_CACHE, headers
    assert gzip.decompress(body) == fetch(f"{stack.replicas[0]['url']}/static/js/{asset.name}")[2]
    line = [line for line in stack.log() if line["path"] == f"/static/js/{asset.name}"][-1]
    assert line["upstream"] in {stack.address(replica["name"]) for replica in stack.replicas}
    # A name no replica has either: Streamlit answers with its page, which must not be cached as that file.
    status, headers, _ = fetch(f"{stack.proxy}/static/js/not-in-this-release.00000000.js")
    assert "immutable" not in directives(headers) and "no-cache" in directives(headers), headers


def test_plotlys_bundle_comes_from_a_replica_compressed_and_cacheable(stack: Stack) -> None:
    url = plotly_view.published_bundle(ROOT / "static")  # the replicas write it on their first run, as here
    assert url, "static/ beside dashboard.py is writable"
    status, headers, body = fetch(f"{stack.proxy}/{url}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    assert directives(headers) == LONG_CACHE, headers
    assert "javascript" in headers.get("content-type", ""), "served as a script, which nosniff requires"
    _, _, direct = fetch(f"{stack.replicas[0]['url']}/{url}")
    assert gzip.decompress(body) == direct == (ROOT / "static" / plotly_view.bundle_name()).read_bytes()
    assert len(body) < len(direct) / 2
    # A name no replica has: a plain 404, not cached.
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(f"{stack.proxy}/app/static/plotly-0.0.0.min.js")
    assert missing.value.code == 404
    assert "immutable" not in directives({k.lower(): v for k, v in missing.value.headers.items()})


def test_the_websocket_upgrades_through_the_proxy_and_travels_compressed(stack: Stack) -> None:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    jar = dict(header.split(";", 1)[0].split("=", 1) for header in set_cookies(f"{stack.proxy}/"))
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    logged = stack.lines()
    url = stack.proxy.replace("http://", "ws://") + "/_stcore/stream"
    with connect(url, subprotocols=["streamlit"], additional_headers={"Cookie": cookie}, max_size=None) as socket:
        assert "permessage-deflate" in socket.response.headers.get("Sec-WebSocket-Extensions", "")
        rerun = BackMsg()
        rerun.rerun_script.query_string = "actor=Kazakh+government"  # a selection with every view drawn
        socket.send(rerun.SerializeToString())
        payload, kinds = 0, []
        while "script_finished" not in kinds:
            frame = socket.recv(timeout=60)
            payload += len(frame)
            kinds.append(ForwardMsg.FromString(frame).WhichOneof("type"))
    assert kinds.count("delta") >= 30 and payload > 50_000, "a whole page of elements came back"
    deadline = time.monotonic() + 10
    while not (sockets := [line for line in stack.log(logged) if line["path"] == "/_stcore/stream"]):
        assert time.monotonic() < deadline, "nginx logged the websocket"
        time.sleep(0.1)
    assert sockets[0]["status"] == "101" and sockets[0]["upstream"] == stack.address(jar["kzreplica"])
    assert int(sockets[0]["bytes"]) < payload / 3, "permessage-deflate shrinks what crosses the network"


def replica_cookie(session: Session) -> str:
    return next(cookie["value"] for cookie in session.context.cookies() if cookie["name"] == "kzreplica")


def count(text: str) -> int:
    return int(re.search(r"\d[\d,]*", text).group().replace(",", ""))


def test_readers_are_spread_over_both_replicas_and_each_stays_on_its_own(stack: Stack, browser) -> None:
    logged = stack.lines()
    first = Session(browser, stack.proxy, DESKTOP)
    second = Session(browser, stack.proxy, DESKTOP)
    try:
        # Two fresh readers arrive one after the other; both pages then load and draw at the same time.
        first.page.goto(f"{stack.proxy}/")
        second.page.goto(f"{stack.proxy}/")
        first.wait_until_drawn()
        second.wait_until_drawn()
        pinned = {replica_cookie(first), replica_cookie(second)}
        assert pinned == {"r0", "r1"}, "two new readers are placed on different replicas"

        # A filter change travels over the first reader's websocket and comes back as a redrawn page.
        quotes_before = first.caption("quotes")

        def pick() -> None:
            open_actor_menu(first.page)
            first.page.get_by_role("option", name="Other CSTO governments", exact=True).click()
            first.page.keyboard.press("Escape")

        first.rerun(pick)
        assert parse_qs(urlparse(first.page.url).query)["actor"] == ["Other CSTO governments"]
        assert count(first.caption("quotes")) < count(quotes_before)

        # A download is a file the reader's own replica holds in memory: it only works if the request gets there.
        with second.page.expect_download() as download:
            second.page.get_by_role("button", name=re.compile(r"quotes \(CSV\)")).click()
        with open(download.value.path(), encoding="utf-8", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == count(second.caption("quotes"))
        assert first.errors == [] and second.errors == [], first.errors + second.errors
    finally:
        first.close()
        second.close()

    deadline = time.monotonic() + 10  # nginx logs a websocket when it closes
    while len([line for line in stack.log(logged) if line["path"] == "/_stcore/stream"]) < 2:
        assert time.monotonic() < deadline, "nginx logged both websockets"
        time.sleep(0.1)
    lines = stack.log(logged)
    sockets = [line for line in lines if line["path"] == "/_stcore/stream"]
    assert len(sockets) == 2 and all(line["status"] == "101" for line in sockets), sockets
    assert {line["upstream"] for line in sockets} == {stack.address("r0"), stack.address("r1")}
    pinned_requests = [line for line in lines if line["cookie"] in {"r0", "r1"}]
    assert any(line["path"].startswith("/media/") for line in pinned_requests), "the download went through the proxy"
    for line in pinned_requests:
        if line["upstream"] != "-":
            assert line["upstream"] == stack.address(line["cookie"]), f"a pinned request left its replica: {line}"


def test_a_reader_whose_replica_dies_is_moved_to_the_other_and_keeps_working(stack: Stack, browser) -> None:
    reader = Session(browser, stack.proxy, DESKTOP)
    try:
        reader.open("actor=United+States")
        quotes = reader.caption("quotes")
        pinned = replica_cookie(reader)
        dead = next(replica for replica in stack.replicas if replica["name"] == pinned)
        logged = stack.lines()
        os.kill(dead["pid"], 9)
        # The front end notices, checks /_stcore/health (answered by the other replica, which resets the cookie)
        # and opens a new websocket there.
        deadline = time.monotonic() + 30
        while replica_cookie(reader) == pinned:
            assert time.monotonic() < deadline, "the reader was moved to the live replica"
            time.sleep(0.1)
        reader.page.wait_for_selector(READY, timeout=60_000)
        assert reader.caption("quotes") == quotes
        # The reconnected page is live: the new replica runs a filter change on top of the view in the URL.
        search = reader.page.get_by_label("Search quotes")
        reader.rerun(lambda: (search.fill("peacekeepers"), reader.page.keyboard.press("Enter")))
        assert parse_qs(urlparse(reader.page.url).query) == {"actor": ["United States"], "q": ["peacekeepers"]}
        assert count(reader.caption("quotes")) < count(quotes)
        assert reader.errors == [], reader.errors
        moved = replica_cookie(reader)
    finally:
        reader.close()
    assert not running(dead["pid"])
    # nginx logs each websocket when it ends: the one cut by the kill, then the new one, closed with the page.
    deadline = time.monotonic() + 10
    while not (
        sockets := [
            line
            for line in stack.log(logged)
            if line["path"] == "/_stcore/stream" and line["upstream"] == stack.address(moved)
        ]
    ):
        assert time.monotonic() < deadline, "nginx logged the new websocket, to the live replica"
        time.sleep(0.1)
    assert sockets[0]["status"] == "101" and sockets[0]["cookie"] == moved
    # Script runs, compressed (an idle websocket carries only pings of a few bytes).
    assert int(sockets[0]["bytes"]) > 4_000, "the filter change's run came over the new websocket"
    # A request that still names the dead replica is answered by the live one, which takes the reader over.
    cookies = set_cookies(f"{stack.proxy}/_stcore/health", {"Cookie": f"kzreplica={pinned}"})
    assert any(cookie.startswith(f"kzreplica={moved};") for cookie in cookies), cookies
