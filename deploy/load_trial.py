"""A bounded load trial through nginx: real Streamlit sessions, 1 replica against 2, and the bytes of a first visit.

    .venv/bin/python deploy/load_trial.py [--sessions 30] [--seconds 60] [--replicas 1 2]

For each replica count it starts the stack (deploy/stack.py, its own runtime directory under /tmp), warms each
replica with one session, then lets SESSIONS readers arrive over the first 15 s and hold their session until
SECONDS have passed. A reader does on the wire what the browser does: it loads the page through the proxy (which
pins it to a replica with the kzreplica cookie), checks /_stcore/health and /_stcore/host-config, opens the
websocket, asks for the first script run, then every 3-8 s changes the actor filter (a widget-state rerun, with
the message hashes it already holds, as the front end sends them). It reads every message until the run ends.
It does not fetch Streamlit's bundle, which nginx serves from disk; a Chromium visit measures that separately:
the bytes a first visit transfers through the proxy and directly from a replica.

Figures: sessions held to the end, p50/p95/max time to the first script run (page request to last message) and
per filter change, errors, and each replica's memory and CPU time, from which deploy/README.md sizes a larger
deployment. All traffic goes to 127.0.0.1; sessions and duration are capped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets  # a dependency of Streamlit's server, so it is in the runtime environment already
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import stack  # noqa: E402  (the repository root is on the path from here on)

MAX_SESSIONS = 60
MAX_SECONDS = 180
ARRIVAL_SECONDS = 15
THINK_SECONDS = (3.0, 8.0)
RUN_TIMEOUT = 60
ACTOR_LABEL = "Actor groups"
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Reader:
    index: int
    replica: str = ""
    opened: float | None = None  # seconds from the page request to the end of the first script run
    changes: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    held: bool = False
    first_bytes: int = 0  # websocket payload of the first run (decompressed)
    change_bytes: list[int] = field(default_factory=list)


def http_get(url: str, cookie: str = "") -> tuple[int, list[str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status, response.headers.get_all("Set-Cookie") or []


def merge_cookies(jar: dict[str, str], headers: list[str]) -> dict[str, str]:
    for header in headers:
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return jar


class Connection:
    """One websocket session, speaking Streamlit's protocol as the front end does."""

    def __init__(self, socket, reader: Reader):
        self.socket = socket
        self.reader = reader
        self.cached: set[str] = set()
        self.actor_widget: str | None = None
        self.actor_options: list[str] = []

    async def run_script(self, query: str = "", actor: list[str] | None = None) -> tuple[float, int]:
        """Ask for a script run; (seconds until it finished, payload bytes received meanwhile)."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        state.cached_message_hashes.extend(sorted(self.cached))
        if actor is not None and self.actor_widget:
            widget = state.widget_states.widgets.add()
            widget.id = self.actor_widget
            widget.string_array_value.data.extend(actor)
        started = time.monotonic()
        received = 0
        await self.socket.send(message.SerializeToString())
        while True:
            data = await asyncio.wait_for(self.socket.recv(), timeout=RUN_TIMEOUT)
            received += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if forward.metadata.cacheable and forward.hash:
                self.cached.add(forward.hash)
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "exception":
                    self.reader.errors.append(f"script exception: {element.exception.message[:200]}")
                elif element.WhichOneof("type") == "multiselect" and element.multiselect.label == ACTOR_LABEL:
                    self.actor_widget = element.multiselect.id
                    self.actor_options = list(element.multiselect.options)
            elif kind == "script_finished":
                if forward.script_finished not in (ForwardMsg.FINISHED_SUCCESSFULLY,):
                    self.reader.errors.append(f"script finished with status {forward.script_finished}")
                return time.monotonic() - started, received


async def read_the_dashboard(reader: Reader, proxy: str, arrive_at: float, leave_at: float, pin: str = "") -> None:
    await asyncio.sleep(max(0.0, arrive_at - time.monotonic()))
    started = time.monotonic()
    randomness = random.Random(reader.index)
    try:
        jar = {"kzreplica": pin} if pin else {}
        status, headers = await asyncio.to_thread(http_get, f"{proxy}/", "; ".join(f"{k}={v}" for k, v in jar.items()))
        if status != 200:
            reader.errors.append(f"page status {status}")
            return
        merge_cookies(jar, headers)
        for path in ("/_stcore/health", "/_stcore/host-config"):
            cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
            status, headers = await asyncio.to_thread(http_get, f"{proxy}{path}", cookie)
            merge_cookies(jar, headers)
            if status != 200:
                reader.errors.append(f"{path} status {status}")
                return
        reader.replica = jar.get("kzreplica", "?")
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        async with websockets.connect(
            proxy.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie, "Origin": proxy},
            max_size=None,
            ping_interval=None,  # the browser never pings; it answers the server's pings, as this client does
            open_timeout=30,
        ) as socket:
            connection = Connection(socket, reader)
            _, reader.first_bytes = await connection.run_script()
            reader.opened = time.monotonic() - started
            while True:
                pause = randomness.uniform(*THINK_SECONDS)
                if time.monotonic() + pause >= leave_at:
                    break
                await asyncio.sleep(pause)
                options = connection.actor_options
                actor = [randomness.choice(options)] if options and randomness.random() < 0.8 else []
                query = urllib.parse.urlencode([("actor", label) for label in actor])
                seconds_taken, received = await connection.run_script(query, actor)
                reader.changes.append(seconds_taken)
                reader.change_bytes.append(received)
            await asyncio.sleep(max(0.0, leave_at - time.monotonic()))
            reader.held = socket.state is websockets.protocol.State.OPEN
    except Exception as error:  # every failure is a finding: count it, keep the other readers going
        reader.errors.append(f"{type(error).__name__}: {error}"[:300])


def process_figures(pid: int) -> tuple[float, float]:
    """(resident memory in MB, CPU seconds used so far) of one process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return rss_kb / 1024, (int(fields[11]) + int(fields[12])) / CLK_TCK


def nginx_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master] + [int(pid) for pid in children.read_text().split()] if children.exists() else [master]


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]  # nearest rank


async def trial(description: dict, sessions: int, seconds: float) -> dict:
    proxy = description["proxy"]
    replicas = description["replicas"]
    # Warm each replica: its first session imports the libraries and loads the data package.
    warm = [Reader(-1 - i) for i in range(len(replicas))]
    now = time.monotonic()
    await asyncio.gather(
        *(
            read_the_dashboard(reader, proxy, now, now, pin=replica["name"])
            for reader, replica in zip(warm, replicas, strict=True)
        )
    )
    if any(reader.errors for reader in warm):
        raise RuntimeError(f"warm-up failed: {[reader.errors for reader in warm]}")
    await asyncio.sleep(2)
    before = {replica["name"]: process_figures(replica["pid"]) for replica in replicas}
    nginx_before = sum(process_figures(pid)[1] for pid in nginx_pids(description["nginx_pid"]))
    peak = {name: figures[0] for name, figures in before.items()}

    start = time.monotonic()
    leave_at = start + seconds
    readers = [Reader(index) for index in range(sessions)]
    tasks = [
        asyncio.create_task(read_the_dashboard(reader, proxy, start + ARRIVAL_SECONDS * index / sessions, leave_at))
        for index, reader in enumerate(readers)
    ]
    while not all(task.done() for task in tasks):
        for replica in replicas:
            peak[replica["name"]] = max(peak[replica["name"]], process_figures(replica["pid"])[0])
        await asyncio.sleep(1)
        if time.monotonic() > leave_at + RUN_TIMEOUT + 30:
            break
    held_at_end = {replica["name"]: process_figures(replica["pid"]) for replica in replicas}
    for task in tasks:
        task.cancel()
    nginx_cpu = sum(process_figures(pid)[1] for pid in nginx_pids(description["nginx_pid"])) - nginx_before

    opens = [reader.opened for reader in readers if reader.opened is not None]
    changes = [value for reader in readers for value in reader.changes]
    errors = [error for reader in readers for error in reader.errors]
    runs = len(opens) + len(changes)
    cpu = {name: held_at_end[name][1] - before[name][1] for name in before}
    rss_growth = sum(held_at_end[name][0] - before[name][0] for name in before)
    return {
        "replicas": len(replicas),
        "sessions": sessions,
        "seconds": seconds,
        "load_average_before": Path("/proc/loadavg").read_text().split()[:3],
        "sessions_held": sum(reader.held for reader in readers),
        "sessions_per_replica": {
            replica["name"]: sum(reader.replica == replica["name"] for reader in readers) for replica in replicas
        },
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:5],
        "first_run_s": summary(opens),
        "filter_change_s": summary(changes),
        "script_runs": runs,
        "replica_cpu_s": {name: round(value, 1) for name, value in cpu.items()},
        "cpu_s_per_script_run": round(sum(cpu.values()) / runs, 3) if runs else None,
        "nginx_cpu_s": round(nginx_cpu, 2),
        "replica_rss_mb_warm": {name: round(figures[0]) for name, figures in before.items()},
        "replica_rss_mb_peak": {name: round(value) for name, value in peak.items()},
        "replica_rss_mb_held": {name: round(figures[0]) for name, figures in held_at_end.items()},
        "rss_mb_per_session": round(rss_growth / max(1, sessions), 2),
        "payload_kb_first_run": summary([reader.first_bytes / 1024 for reader in readers if reader.opened]),
        "payload_kb_filter_change": summary([value / 1024 for reader in readers for value in reader.change_bytes]),
    }


def summary(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50": round(statistics.median(values), 2),
        "p95": round(percentile(values, 0.95), 2),
        "max": round(max(values), 2),
    }


def first_visit_bytes(description: dict) -> dict:
    """One fresh Chromium visit through the proxy and one straight to a replica, until the page is drawn."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, DESKTOP, Session

    access_log = Path(description["access_log"])

    def visit(browser, base: str) -> dict:
        session = Session(browser, base, DESKTOP)
        devtools = session.context.new_cdp_session(session.page)
        devtools.send("Network.enable")
        finished: dict[str, int] = {}
        frames = {"bytes": 0}
        devtools.on(
            "Network.loadingFinished",
            lambda event: finished.__setitem__(event["requestId"], event["encodedDataLength"]),
        )

        def frame(event: dict) -> None:
            payload = event["response"]["payloadData"]
            frames["bytes"] += len(payload) * 3 // 4 if event["response"]["opcode"] == 2 else len(payload.encode())

        devtools.on("Network.webSocketFrameReceived", frame)
        logged = access_log.stat().st_size
        session.open()
        time.sleep(3)  # late requests: fonts, downloads' data
        session.close()
        time.sleep(1)  # nginx writes the websocket's line when it closes
        lines = access_log.read_bytes()[logged:].decode().splitlines()
        proxied = sum(
            int(part.split("=", 1)[1]) for line in lines for part in line.split() if part.startswith("bytes=")
        )
        return {
            "requests": len(finished),
            "http_bytes": sum(finished.values()),
            "websocket_payload_bytes": frames["bytes"],
            "bytes_sent_by_nginx": proxied if base == description["proxy"] else None,
        }

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        through_proxy = visit(browser, description["proxy"])
        direct = visit(browser, description["replicas"][0]["url"])
        browser.close()
    return {"through_proxy": through_proxy, "direct": direct}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--no-bytes", action="store_true", help="skip the Chromium first-visit measurement")
    arguments = parser.parse_args(argv)
    if not 1 <= arguments.sessions <= MAX_SESSIONS or not 5 <= arguments.seconds <= MAX_SECONDS:
        parser.error(f"sessions must be 1-{MAX_SESSIONS} and seconds 5-{MAX_SECONDS}")

    run_dir = Path("/tmp/kz2022-load-trial")
    results: dict = {"machine": {"cpus": os.cpu_count(), "load_average": Path("/proc/loadavg").read_text().split()[:3]}}
    for count in arguments.replicas:
        description = stack.up(count, arguments.port, run_dir)
        try:
            if count == max(arguments.replicas) and not arguments.no_bytes:
                results["first_visit"] = first_visit_bytes(description)
            results[f"{count}_replica"] = asyncio.run(trial(description, arguments.sessions, arguments.seconds))
        finally:
            stack.down(run_dir, quiet=True)
        print(json.dumps(results[f"{count}_replica"], indent=1), flush=True)
    output = run_dir / "load-trial.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    if "first_visit" in results:
        print(json.dumps(results["first_visit"], indent=1))
    print(f"all figures: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
