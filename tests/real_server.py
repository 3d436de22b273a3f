"""The real server, started the way the README starts it (``make run``), as a
separate process group with its own instance folder and port.

Used by the browser journeys and by the concurrency test: they see what only a
real server shows (worker processes, threads, crashes), which the Flask test
client in one process hides.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from socialmap.config import PROJECT_ROOT

LOCAL_TILES = "/kaart/leeg/{z}/{x}/{y}.png"
START_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class RealServer:
    base: str
    process: subprocess.Popen
    log_path: Path
    instance: Path
    started_workers: list[int] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return self.base + path

    def master_pid(self) -> int | None:
        """Gunicorn's master: the child of ``make`` that runs gunicorn."""
        for pid in [self.process.pid, *_children(self.process.pid)]:
            if "gunicorn" in _cmdline(pid):
                return pid
        return None

    def worker_pids(self) -> list[int]:
        master = self.master_pid()
        return sorted(_children(master)) if master else []

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None and self.master_pid() is not None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def health(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + "/health", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def expected_workers(env: dict[str, str]) -> int:
    return int(env.get("SOCIALMAP_WEB_WORKERS") or (os.cpu_count() or 1) * 2 + 1)


def start(tmp: Path, extra_env: dict[str, str] | None = None) -> RealServer:
    """``make run`` on a free port with the demo region in ``tmp``; returns once
    /health says ok (or raises with the server's log)."""
    port = free_port()
    instance = tmp / "instance"
    log_path = tmp / "server.log"
    env = {
        **os.environ,
        "SOCIALMAP_INSTANCE_DIR": str(instance),
        "SOCIALMAP_TILE_URL": LOCAL_TILES,
        "SOCIALMAP_SECRET_KEY": "real-server-test",
        "SOCIALMAP_PUBLIC_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    for name in ("SOCIALMAP_DATABASE_URL", "SOCIALMAP_SEARCH_INDEX_DIR"):
        env.pop(name, None)
    with log_path.open("wb") as log:  # the child keeps its own copy of the handle
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    server = RealServer(f"http://127.0.0.1:{port}", process, log_path, instance)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`make run` exited with {process.returncode}:\n{server.log()[-4000:]}")
        try:
            status, _body = health(server.base)
        except (OSError, ValueError):
            status = 0
        if status == 200 and len(server.worker_pids()) >= expected_workers(env):
            server.started_workers = server.worker_pids()
            return server
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"the server did not become healthy in {START_TIMEOUT_S} s:\n{server.log()[-4000:]}")
