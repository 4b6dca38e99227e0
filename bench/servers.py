"""Streamlit servers for the benchmark, each on a free loopback port, and their memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import became_healthy, free_port
from tests.conftest import ROOT

LOGS = ROOT / "bench" / "results"


class Server:
    """`streamlit run PAGE` headless on 127.0.0.1, as the browser tests start it."""

    def __init__(self, page: Path, name: str, options: dict[str, str] | None = None):
        self.page, self.name = page, name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"server-{name}.log"
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        environment.pop("DASHBOARD_DATA_DIR", None)
        command = [
            sys.executable, "-m", "streamlit", "run", str(page),
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            *(part for option, value in (options or {}).items() for part in (f"--{option}", value)),
        ]  # fmt: skip
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=environment)

    def wait_healthy(self, timeout: float = 60) -> None:
        if not became_healthy(self.base, self.process, timeout):
            self.stop()
            raise RuntimeError(f"{self.name}: the Streamlit server did not become healthy; see {self.log_path}")

    def rss_bytes(self) -> int:
        """Resident memory of the server and any processes it started (VmRSS from /proc)."""
        return sum(vm_rss(pid) for pid in [self.process.pid, *descendants(self.process.pid)])

    def cpu_seconds(self) -> float:
        """User and system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_problems(self) -> list[str]:
        if not self._log.closed:
            self._log.flush()
        return [line for line in self.log_path.read_text().splitlines() if "Traceback" in line or "Error" in line]

    def log_tail(self, lines: int = 30) -> str:
        if not self._log.closed:
            self._log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def vm_rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found
