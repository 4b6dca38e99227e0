"""Start and stop N Streamlit replicas of the dashboard behind nginx, on loopback.

    deploy/up.sh [N] [PORT]     N replicas (default 2), nginx on 127.0.0.1:PORT (default 8080)
    deploy/down.sh              stop everything up.sh started
    .venv/bin/python deploy/stack.py status

Everything lives in one runtime directory: the rendered nginx.conf, pid files, logs, nginx's temp files, a
precompressed copy of Streamlit's static bundle, and stack.json, which describes the running stack for
scripts and tests. Nothing is written to the repository. Replicas run with the repository's .venv Python;
nginx is Debian's (`apt-get install -y nginx`), run as a private instance with its own prefix, never as the
system service.

Environment: DEPLOY_RUN_DIR (runtime directory, default /tmp/kz2022-deploy), NGINX_PATH (nginx binary),
REPLICA_BASE_PORT (first replica port, default PORT+1), DEPLOY_APP (main file, default dashboard.py),
DEPLOY_COOKIE_ATTRIBUTES (of the replica cookie, default "SameSite=Lax").
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
PYTHON = ROOT / ".venv" / "bin" / "python"
RUN_DIR = Path(os.environ.get("DEPLOY_RUN_DIR") or "/tmp/kz2022-deploy")
HOST = "127.0.0.1"
DEFAULT_REPLICAS = 2
DEFAULT_PORT = 8080
COOKIE = "kzreplica"
# Text files of Streamlit's bundle worth compressing; fonts and images are compressed already.
COMPRESSIBLE = {".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt", ".html"}
STARTUP_SECONDS = 60


class StackError(RuntimeError):
    pass


def nginx_binary() -> str:
    found = os.environ.get("NGINX_PATH") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise StackError("no nginx: install Debian's package with `apt-get install -y nginx`, or set NGINX_PATH")
    return found


def mime_types(nginx: str) -> Path:
    """The MIME table next to the distribution's nginx.conf (Debian: /etc/nginx/mime.types)."""
    version = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
    match = re.search(r"--conf-path=(\S+)", version)
    candidates = [Path(match.group(1)).parent / "mime.types"] if match else []
    candidates.append(Path("/etc/nginx/mime.types"))
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise StackError(f"nginx's mime.types not found (looked at {', '.join(map(str, candidates))})")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def consecutive_free_ports(count: int, start: int, avoid: int) -> list[int]:
    """The first block of `count` consecutive free loopback ports at or above `start`."""
    base = start
    while base + count <= 65535:
        block = list(range(base, base + count))
        busy = [port for port in block if port == avoid or not port_is_free(port)]
        if not busy:
            return block
        base = busy[-1] + 1
    raise StackError(f"no {count} consecutive free ports above {start}")


def http_ok(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; it only waits for its parent to collect it
        return not Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].startswith("Z")
    except OSError:
        return False


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def render_nginx_conf(
    run_dir: Path,
    listen_port: int,
    replica_ports: list[int],
    static_root: Path,
    mime: Path,
    cookie_attributes: str = "SameSite=Lax",
) -> str:
    """nginx.conf for these replicas: the template with every placeholder filled."""
    health = "max_fails=2 fail_timeout=10s"
    addresses = [f"{HOST}:{port}" for port in replica_ports]
    names = [f"r{index}" for index in range(len(replica_ports))]
    pool = "\n".join(f"        server {address} {health};" for address in addresses)
    groups = []
    for name, address in zip(names, addresses, strict=True):
        lines = [
            f"    upstream streamlit_{name} {{",
            f"        zone streamlit_{name} 64k;",
            f"        server {address} {health};",
        ]
        lines += [f"        server {other} backup;" for other in addresses if other != address]
        lines.append("    }")
        groups.append("\n".join(lines))
    cookie_map = "\n".join(f"        {name} streamlit_{name};" for name in names)
    address_map = "\n".join(
        f'        "~(^|, ){re.escape(address)}$" {name};' for name, address in zip(names, addresses, strict=True)
    )
    values = {
        "RUN_DIR": str(run_dir),
        "MIME_TYPES": str(mime),
        "LISTEN": f"{HOST}:{listen_port}",
        "STATIC_ROOT": str(static_root),
        "POOL_SERVERS": pool,
        "REPLICA_UPSTREAMS": "\n\n".join(groups),
        "COOKIE_TO_UPSTREAM": cookie_map,
        "ADDRESS_TO_REPLICA": address_map,
        "COOKIE_ATTRIBUTES": cookie_attributes,
        "NOFILE": str(open_files_limit()),
    }
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise StackError(f"unfilled placeholders in the nginx template: {left}")
    return text


def open_files_limit() -> int:
    """As many open files as nginx may ask for here: 65536, or the hard limit if that is lower."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)


def streamlit_static_dir() -> Path:
    """Streamlit's bundle directory (the one served at /static/) in the .venv."""
    found = subprocess.run(
        [str(PYTHON), "-c", "import streamlit, pathlib; print(pathlib.Path(streamlit.__file__).parent / 'static')"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout.strip()
    return Path(found) / "static"


def precompress_static(target: Path) -> Path:
    """A copy of /static/ with a .gz beside every text file, for nginx's gzip_static. Returns the root."""
    source = streamlit_static_dir()
    root = target / "www"
    destination = root / "static"
    shutil.copytree(source, destination)
    texts = [path for path in destination.rglob("*") if path.is_file() and path.suffix in COMPRESSIBLE]

    def compress(path: Path) -> None:
        packed = path.parent / (path.name + ".gz")
        # mtime=0 keeps the .gz identical from one start to the next; the file's own times keep nginx's
        # Last-Modified the same whether it sends the plain or the compressed copy.
        packed.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
        stat = path.stat()
        os.utime(packed, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(compress, texts))
    return root


def start_replica(index: int, port: int, run_dir: Path, environment: dict[str, str]) -> int:
    log = (run_dir / f"replica-{index}.log").open("w")
    command = [
        str(PYTHON),
        "-m",
        "streamlit",
        "run",
        os.environ.get("DEPLOY_APP") or str(ROOT / "dashboard.py"),
        "--server.headless",
        "true",
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        # permessage-deflate on the websocket, which nginx only tunnels: a first script run's 375 KB of
        # messages cross the network as 112 KB.
        "--server.enableWebsocketCompression",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=environment,
        start_new_session=True,
    )
    log.close()
    (run_dir / f"replica-{index}.pid").write_text(f"{process.pid}\n")
    return process.pid


def running_pids(run_dir: Path) -> list[int]:
    pids = [read_pid(path) for path in sorted(run_dir.glob("*.pid"))] if run_dir.exists() else []
    return [pid for pid in pids if pid and alive(pid)]


def launch_proxy(run_dir: Path, port: int, replica_ports: list[int], pids: list[int], nginx: str, mime: Path) -> None:
    """Precompress the bundle, wait until every replica is healthy, then start nginx and wait for it."""
    static_root = precompress_static(run_dir)

    deadline = time.monotonic() + STARTUP_SECONDS
    waiting = dict(enumerate(replica_ports))
    while waiting:
        for index, replica_port in list(waiting.items()):
            if http_ok(f"http://{HOST}:{replica_port}/_stcore/health"):
                del waiting[index]
            elif not alive(pids[index]) or time.monotonic() > deadline:
                log = (run_dir / f"replica-{index}.log").read_text()[-2000:]
                raise StackError(f"replica {index} (port {replica_port}) did not become healthy; its log:\n{log}")
        time.sleep(0.2)

    conf = run_dir / "nginx.conf"
    attributes = os.environ.get("DEPLOY_COOKIE_ATTRIBUTES") or "SameSite=Lax"
    conf.write_text(render_nginx_conf(run_dir, port, replica_ports, static_root, mime, attributes))
    nginx_command = [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "nginx-error.log")]
    checked = subprocess.run([*nginx_command, "-t", "-q"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if checked.returncode != 0:
        raise StackError(f"nginx rejected {conf}:\n{checked.stderr}")
    # nginx reads an environment variable named NGINX (inherited sockets), so it gets a clean one; its
    # output goes to a file so that the daemon holds no pipe of whoever called up.sh.
    environment = {key: value for key, value in os.environ.items() if key != "NGINX"}
    with (run_dir / "nginx-start.log").open("w") as output:
        subprocess.run(
            nginx_command, check=True, stdin=subprocess.DEVNULL, stdout=output, stderr=output, env=environment
        )
    proxy = f"http://{HOST}:{port}"
    while not http_ok(f"{proxy}/_stcore/health"):
        if time.monotonic() > deadline:
            raise StackError(f"nginx did not answer on {proxy}; see {run_dir / 'nginx-error.log'}")
        time.sleep(0.1)


def up(replicas: int, port: int, run_dir: Path = RUN_DIR) -> dict:
    if replicas < 1:
        raise StackError("at least one replica")
    if not PYTHON.exists():
        raise StackError(f"no {PYTHON}: create the environment first (see README.md)")
    nginx = nginx_binary()
    mime = mime_types(nginx)
    if running_pids(run_dir):
        raise StackError(f"a stack is already running from {run_dir}: stop it with deploy/down.sh")
    if not port_is_free(port):
        raise StackError(f"port {port} is taken on {HOST}")
    replica_ports = consecutive_free_ports(replicas, int(os.environ.get("REPLICA_BASE_PORT") or port + 1), port)

    if run_dir.exists():
        ours = any((run_dir / name).exists() for name in ("stack.json", "nginx.conf", "replica-0.log"))
        if any(run_dir.iterdir()) and not ours:
            raise StackError(f"{run_dir} holds files this script did not make; choose another DEPLOY_RUN_DIR")
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    run_dir.chmod(0o755)  # nginx's workers (not root) read the static copy and write temp files here
    (run_dir / "temp").mkdir()

    environment = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        # One secret for all replicas, so the XSRF cookie one signs is valid on any other after a failover.
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
    }
    pids = [
        start_replica(index, replica_port, run_dir, environment) for index, replica_port in enumerate(replica_ports)
    ]
    try:
        launch_proxy(run_dir, port, replica_ports, pids, nginx, mime)
    except BaseException:
        down(run_dir, quiet=True)
        raise
    stack = {
        "proxy": f"http://{HOST}:{port}",
        "run_dir": str(run_dir),
        "replicas": [
            {
                "name": f"r{index}",
                "port": replica_port,
                "url": f"http://{HOST}:{replica_port}",
                "pid": pid,
                "log": str(run_dir / f"replica-{index}.log"),
            }
            for index, (replica_port, pid) in enumerate(zip(replica_ports, pids, strict=True))
        ],
        "nginx_pid": read_pid(run_dir / "nginx.pid"),
        "access_log": str(run_dir / "access.log"),
        "cookie": COOKIE,
    }
    (run_dir / "stack.json").write_text(json.dumps(stack, indent=2) + "\n")
    return stack


def stop_pid(pid: int, marker: str, timeout: float = 10) -> None:
    """SIGTERM one process we started (checked by its command line), SIGKILL if it lingers."""
    if not alive(pid) or marker not in command_line(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def down(run_dir: Path = RUN_DIR, quiet: bool = False) -> list[int]:
    """Stop nginx (fast shutdown: open websockets are cut) and every replica. Logs stay in the run dir."""
    stopped = []
    nginx_pid = read_pid(run_dir / "nginx.pid")
    if nginx_pid and alive(nginx_pid):
        stop_pid(nginx_pid, "nginx")
        stopped.append(nginx_pid)
    for pid_file in sorted(run_dir.glob("replica-*.pid")) if run_dir.exists() else []:
        pid = read_pid(pid_file)
        if pid and alive(pid):
            stop_pid(pid, "streamlit")
            stopped.append(pid)
        pid_file.unlink(missing_ok=True)
    (run_dir / "nginx.pid").unlink(missing_ok=True)
    if not quiet:
        print(f"stopped {len(stopped)} process(es) from {run_dir}" if stopped else f"nothing running from {run_dir}")
    return stopped


def status(run_dir: Path = RUN_DIR) -> int:
    stack_file = run_dir / "stack.json"
    if not stack_file.exists() or not running_pids(run_dir):
        print(f"nothing running from {run_dir}")
        return 1
    stack = json.loads(stack_file.read_text())
    healthy = True
    for replica in stack["replicas"]:
        ok = alive(replica["pid"]) and http_ok(f"{replica['url']}/_stcore/health")
        healthy &= ok
        print(f"{replica['name']}  {replica['url']}  pid {replica['pid']}  {'healthy' if ok else 'DOWN'}")
    ok = http_ok(f"{stack['proxy']}/_stcore/health")
    print(f"nginx {stack['proxy']}  pid {stack['nginx_pid']}  {'serving' if ok else 'DOWN'}")
    return 0 if healthy and ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start N replicas and nginx")
    start.add_argument("replicas", nargs="?", type=int, default=DEFAULT_REPLICAS)
    start.add_argument("port", nargs="?", type=int, default=DEFAULT_PORT)
    commands.add_parser("down", help="stop them")
    commands.add_parser("status", help="health of each replica and of the proxy")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "up":
            stack = up(arguments.replicas, arguments.port)
            ports = [replica["port"] for replica in stack["replicas"]]
            print(f"{stack['proxy']}/  ->  {len(ports)} replica(s) on ports {', '.join(map(str, ports))}")
            print(f"logs and pid files in {stack['run_dir']}; stop with deploy/down.sh")
            return 0
        if arguments.command == "down":
            down()
            return 0
        return status()
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
