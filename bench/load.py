"""Many readers at once on one server: a bounded load test over Streamlit's own websocket protocol.

    .venv/bin/python -m bench.load [--sessions 30] [--seconds 60] [--rounds 3]

Starts `streamlit run dashboard.py` on a free loopback port and runs ROUNDS rounds. In each, SESSIONS readers
arrive over 15 s, open the page's websocket session, and change the actor filter every 3–8 s until SECONDS have
passed, exactly as deploy/load_trial.py's readers do through the proxy (real sessions, widget-state reruns).
Real websocket sessions rather than browser contexts: thirty Chromium contexts would need ~14 GB and both
cores for drawing, so the browser, not the server, would be measured.

It reports sessions held, reruns done, errors (target 0), exceptions in the server log (target 0), p50/p95 rerun
latency, and the server's memory at the start, in the middle of each round (every reader connected) and at its end
(target: no growth across the rounds), and writes bench/results/load.json. Traffic goes to 127.0.0.1 only;
sessions and time are capped.

A round ends once its readers have left and the server has released their sessions. Streamlit keeps a closed
session for `server.disconnectedSessionTTL` seconds (120 by default) so that a reader whose connection drops can
resume it; the server here keeps them for SESSION_TTL seconds instead. Its store drops expired sessions only when
it next stores one, so each measurement follows a one-second visit that makes it do so: every round then starts
from the same state (one stored visit), and growth from one round's end to the next is memory never returned.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import Server  # noqa: E402
from deploy.load_trial import Reader, percentile, read_the_dashboard  # noqa: E402

MAX_SESSIONS, MAX_SECONDS, MAX_ROUNDS = 60, 180, 5
ARRIVAL_SECONDS = 15
SESSION_TTL = 10  # seconds a closed session is kept for a reconnect (Streamlit's default: 120)
RELEASE_SECONDS = SESSION_TTL + 10  # Streamlit sweeps closed sessions a few seconds after their TTL
RESULTS = ROOT / "bench" / "results"


async def one_round(base: str, sessions: int, seconds: float, first_index: int, server: Server | None = None):
    """The round's readers, and the server's memory (MB) halfway through, when every reader is connected."""
    readers = [Reader(first_index + index) for index in range(sessions)]
    now = time.monotonic()
    leave_at = now + seconds

    async def middle() -> float | None:
        await asyncio.sleep(max(seconds / 2, min(ARRIVAL_SECONDS, seconds)))
        return round(server.rss_bytes() / 2**20, 1) if server else None

    *_, halfway = await asyncio.gather(
        *(
            read_the_dashboard(reader, base, now + ARRIVAL_SECONDS * index / max(sessions, 1), leave_at)
            for index, reader in enumerate(readers)
        ),
        middle(),
    )
    return readers, halfway


def settled_memory(base: str, server: Server) -> float:
    """Server memory (MB) once every reader has left and their sessions have expired and been dropped."""
    time.sleep(RELEASE_SECONDS)
    asyncio.run(one_round(base, 1, 1, -2))  # the visit whose session, stored on leaving, evicts the expired ones
    time.sleep(2)
    return round(server.rss_bytes() / 2**20, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sessions = min(args.sessions, MAX_SESSIONS)
    seconds = min(args.seconds, MAX_SECONDS)
    rounds = min(args.rounds, MAX_ROUNDS)

    RESULTS.mkdir(parents=True, exist_ok=True)
    server = Server(ROOT / "dashboard.py", "load", {"server.disconnectedSessionTTL": str(SESSION_TTL)})
    server.wait_healthy()
    base = server.base
    per_round = []
    try:
        asyncio.run(one_round(base, 1, 1, -1))  # warm: the first session imports the libraries and loads the data
        start = settled_memory(base, server)
        all_readers: list[Reader] = []
        for round_number in range(rounds):
            readers, halfway = asyncio.run(one_round(base, sessions, seconds, round_number * sessions, server))
            end = settled_memory(base, server)
            all_readers += readers
            latencies = [change * 1000 for reader in readers for change in reader.changes]
            per_round.append(
                {
                    "sessions_held": sum(reader.held for reader in readers),
                    "reruns": len(latencies),
                    "rerun_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
                    "rerun_ms_p95": round(percentile(latencies, 0.95), 1) if latencies else None,
                    "memory_mb_middle": halfway,
                    "memory_mb_end": end,
                }
            )
            print(f"round {round_number + 1}: {per_round[-1]}", flush=True)
    finally:
        server.stop()

    latencies = [change * 1000 for reader in all_readers for change in reader.changes]
    log = server.log_path.read_text()
    figures = {
        "sessions_per_round": sessions,
        "seconds_per_round": seconds,
        "rounds": rounds,
        "sessions_held": sum(reader.held for reader in all_readers),
        "sessions_started": len(all_readers),
        "reruns": len(latencies),
        "errors": sum(len(reader.errors) for reader in all_readers),
        "error_samples": [error for reader in all_readers for error in reader.errors][:5],
        "server_log_exceptions": log.count("Traceback"),
        "rerun_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "rerun_ms_p95": round(percentile(latencies, 0.95), 1) if latencies else None,
        "memory_mb_start": start,
        "memory_mb_middle_of_each_round": [figures["memory_mb_middle"] for figures in per_round],
        "memory_mb_end_of_each_round": [figures["memory_mb_end"] for figures in per_round],
        "memory_growth_mb_first_to_last_round_end": round(
            per_round[-1]["memory_mb_end"] - per_round[0]["memory_mb_end"], 1
        ),
        "rounds_detail": per_round,
    }
    (RESULTS / "load.json").write_text(json.dumps(figures, indent=2) + "\n")
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    return 0 if figures["errors"] == 0 and figures["server_log_exceptions"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
