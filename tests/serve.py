"""Start the real app (`streamlit run app.py`) and Debian's Chromium: one helper for browser tests and benchmarks.

The browser tests (tests/browser/) and the browser benchmarks (benchmarks/bench_browser.py,
benchmarks/bench_session_memory.py) all need the same thing: a server on a free loopback port, started without
demo data and without a file watcher (an edit elsewhere in the checkout must not reload modules in the middle of
a test or a measurement), polled until it answers its health check, and stopped afterwards. Benchmarks import it
as ``tests.serve`` after putting the repository root on ``sys.path``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's package; a browser is never downloaded
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"  # the script run is over
START_TIMEOUT = 60.0  # seconds for the server to answer /_stcore/health
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    *,
    ttl: int | None = None,
    env_extra: dict[str, str] | None = None,
    log: Path | None = None,
    root: Path = ROOT,
) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port, without demo data; returns (process, url) once healthy.

    ``ttl`` sets ``server.disconnectedSessionTTL``; ``log`` receives the server's output (its tail is in the error
    when the server does not start); ``root`` serves another copy of the app (a before/after measurement).
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "RECERT_DEMO"} | (env_extra or {})
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    if ttl is not None:
        cmd += ["--server.disconnectedSessionTTL", str(ttl)]
    out = log.open("w") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log:
            out.close()  # the child holds its own descriptor
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    tail = log.read_text(errors="replace")[-2000:] if log else ""
    raise RuntimeError(f"streamlit did not start within {START_TIMEOUT:.0f} s: {tail}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def served(**kwargs) -> Iterator[tuple[subprocess.Popen, str]]:
    """``serve`` as a context manager: the server is stopped however the block ends."""
    proc, url = serve(**kwargs)
    try:
        yield proc, url
    finally:
        stop(proc)


def launch(playwright):
    """Headless Chromium from /usr/bin/chromium, with its background network traffic switched off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
