"""A throw-away PostgreSQL 15 cluster for the store's tests: ``initdb`` + ``pg_ctl`` in a temporary folder.

The server listens on 127.0.0.1 only, on a free port, with its unix socket inside the folder; it runs as the
``postgres`` user when the tests run as root (``initdb`` refuses root) and is stopped at the end of the session,
also when the tests fail or are interrupted (a finalizer and ``atexit``). With pytest-xdist each worker starts
its own. Missing binaries FAIL the PostgreSQL tests with a sentence: CI must not skip them silently.

Fixtures (imported into ``tests/conftest.py``): ``pg_cluster`` (session) and ``pg_url`` (a fresh database per
test, dropped afterwards).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("RECERT_PG_BIN", "/usr/lib/postgresql/15/bin"))
MISSING = (
    f"PostgreSQL 15 is not installed ({PG_BIN}/initdb is missing): run scripts/test.sh as root, or "
    "apt-get install postgresql, so the store's tests run against a real server."
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One running server; ``url(db)`` is the SQLAlchemy URL of a database in it."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(MISSING)
        self.root = Path(tempfile.mkdtemp(prefix="recert-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        self.running = False
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
        self._run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
        )
        self._run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "log"),
                "-o",
                opts,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        self.running = True
        atexit.register(self.stop)

    def _run(self, cmd: list[str]) -> None:
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = (
                (self.root / "log").read_text(errors="replace")[-2000:]
                if (self.root / "log").exists()
                else ""
            )
            raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}{log}")

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = "t_" + secrets.token_hex(6)
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.running:
            self.running = False
            with contextlib.suppress(Exception):
                self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)


_cluster: Cluster | None = None


def cluster() -> Cluster:
    """The process's cluster, started on first use (benchmarks use it too)."""
    global _cluster
    if _cluster is None or not _cluster.running:
        _cluster = Cluster()
    return _cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        c = cluster()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    name = pg_cluster.create_database()
    try:
        yield pg_cluster.url(name)
    finally:
        for _ in range(3):
            try:
                pg_cluster.drop_database(name)
                break
            except Exception:
                time.sleep(0.5)
