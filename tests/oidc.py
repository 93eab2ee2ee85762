"""A real OpenID Connect provider on loopback (``oidc-provider-mock``, an Authlib provider for tests) and the app
started against it with a generated ``secrets.toml`` (``--secrets.files``): what the sign-in browser tests use.

The provider's consent form takes a subject; the subject becomes the ``email`` claim, so signing in as
``ana@example.com`` means typing that address on the form.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.serve import IDLE, ROOT, START_TIMEOUT, free_port, stop


def _wait(url: str, proc: subprocess.Popen, what: str, expect: bytes | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                body = r.read()
                if expect is None or body == expect:
                    return
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT:.0f} s")


@contextmanager
def provider(port: int | None = None) -> Iterator[tuple[subprocess.Popen, str]]:
    """``python -m oidc_provider_mock`` on a loopback port; yields (process, issuer URL)."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/.well-known/openid-configuration", proc, "the OIDC provider")
        yield proc, url
    finally:
        stop(proc)


def write_secrets(path: Path, *, app_port: int, issuer: str) -> Path:
    """The ``[auth]`` section a deployment writes, pointed at the test provider."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "recert-tests"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@contextmanager
def app_with_sign_in(
    secrets_file: Path | None,
    *,
    port: int,
    env_extra: dict[str, str] | None = None,
    log: Path | None = None,
    address: str = "127.0.0.1",
) -> Iterator[tuple[subprocess.Popen, str]]:
    """``streamlit run app.py`` on ``port`` reading only ``secrets_file`` (none: no sign-in configured)."""
    env = {k: v for k, v in os.environ.items() if k not in ("RECERT_DEMO", "RECERT_ALLOW_UNAUTHENTICATED")}
    env |= env_extra or {}
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
        address,
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    if secrets_file is not None:
        cmd += ["--secrets.files", str(secrets_file)]
    else:
        cmd += ["--secrets.files", str(ROOT / "tests" / "no-such-secrets.toml")]
    out = log.open("w") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log:
            out.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/_stcore/health", proc, "streamlit", b"ok")
        yield proc, url
    finally:
        stop(proc)


def sign_in(page, url: str, email: str) -> None:
    """From the app's sign-in page through the provider's form back to the app, signed in as ``email``."""
    page.goto(url)
    page.wait_for_selector(IDLE)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name=sub]")
    page.fill("input[name=sub]", email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    page.wait_for_selector(IDLE)
