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
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import DESKTOP, RESULTS, Session, free_port
from tests.conftest import ROOT

pytestmark = [pytest.mark.deploy, pytest.mark.browser]

DEPLOY = ROOT / "deploy"
LONG_CACHE = "public, max-age=31536000, immutable"
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

    def log(self) -> list[dict]:
        return [match.groupdict() for match in map(LOG_LINE.search, self.access_log.read_text().splitlines()) if match]


def running(pid: int) -> bool:
    """Whether a process is alive (a zombie waiting for its parent to reap it is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


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
    environment = {**os.environ, "DEPLOY_RUN_DIR": str(run_dir), "NGINX": nginx_path}
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
        assert headers.get("cache-control") == LONG_CACHE, (asset, headers)
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
    asset = max(path for path in copy.glob("*.js"))
    (copy / asset.name).unlink()
    (copy / f"{asset.name}.gz").unlink()
    status, headers, body = fetch(f"{stack.proxy}/static/js/{asset.name}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    assert headers.get("cache-control") == LONG_CACHE, headers
    assert gzip.decompress(body) == fetch(f"{stack.replicas[0]['url']}/static/js/{asset.name}")[2]
    line = [line for line in stack.log() if line["path"] == f"/static/js/{asset.name}"][-1]
    assert line["upstream"] in {stack.address(replica["name"]) for replica in stack.replicas}


def replica_cookie(session: Session) -> str:
    return next(cookie["value"] for cookie in session.context.cookies() if cookie["name"] == "kzreplica")


def count(text: str) -> int:
    return int(re.search(r"\d[\d,]*", text).group().replace(",", ""))


def test_readers_are_spread_over_both_replicas_and_each_stays_on_its_own(stack: Stack, browser) -> None:
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
            first.page.locator("[data-testid=stMultiSelect]").first.click()
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
    while len([line for line in stack.log() if line["path"] == "/_stcore/stream"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = stack.log()
    sockets = [line for line in lines if line["path"] == "/_stcore/stream"]
    assert len(sockets) == 2 and all(line["status"] == "101" for line in sockets), sockets
    assert {line["upstream"] for line in sockets} == {stack.address("r0"), stack.address("r1")}
    pinned_requests = [line for line in lines if line["cookie"] in {"r0", "r1"}]
    assert any(line["path"].startswith("/media/") for line in pinned_requests), "the download went through the proxy"
    for line in pinned_requests:
        if line["upstream"] != "-":
            assert line["upstream"] == stack.address(line["cookie"]), f"a pinned request left its replica: {line}"


def test_a_reader_whose_replica_dies_is_moved_to_the_other(stack: Stack) -> None:
    dead = stack.replicas[0]
    os.kill(dead["pid"], 9)
    deadline = time.monotonic() + 10
    while running(dead["pid"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    # The front end checks /_stcore/health before it reconnects its websocket.
    cookies = set_cookies(f"{stack.proxy}/_stcore/health", {"Cookie": "kzreplica=r0"})
    assert any(cookie.startswith("kzreplica=r1;") for cookie in cookies), cookies
    line = stack.log()[-1]
    assert line["path"] == "/_stcore/health" and line["status"] == "200"
    assert line["upstream"].endswith(stack.address("r1")), line
    assert fetch(f"{stack.proxy}/", {"Cookie": "kzreplica=r0"})[0] == 200
