"""The store when things go wrong: killed mid-save, locked, read-only, full, unreachable, two processes at once,
an older schema; and the frame codec on generated frames (hypothesis)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import redirect_stderr
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cpd.store as store_module
from cpd import Source, load_catalogue, read_sources
from cpd.cli import main
from cpd.model import Roster
from cpd.samples import DEFAULT_ANCHOR, build_chain_workbook, build_sample
from cpd.store import StoreError, open_store
from cpd.store import frames as fr
from tests.test_store import assert_same_roster

ROOT = Path(__file__).resolve().parents[1]
CHAIN = ROOT / "benchmarks" / "data" / "chain_10000.xlsx"
V1_FIXTURE = ROOT / "tests" / "data" / "store_v1.db"
V1_AS_OF = date(2026, 3, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'recert.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory) -> Path:
    """The 10k-trainer chain workbook (the benchmark's, or built once here)."""
    if CHAIN.exists():
        return CHAIN
    path = tmp_path_factory.mktemp("chain") / "chain_10000.xlsx"
    path.write_bytes(build_chain_workbook(10_000, anchor=DEFAULT_ANCHOR))
    return path


def _sample_sources() -> list[Source]:
    return [Source(n, d) for n, d in build_sample(DEFAULT_ANCHOR).items()]


def _cli_err(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def _save_lock_held(url: str) -> bool:
    """Another process holds the store's write lock (is in the middle of a save)."""
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            con.close()
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return bool(
                conn.execute(
                    sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
                ).scalar()
            )
    finally:
        eng.dispose()


# Killed in the middle of a save ------------------------------------------------------------------------------
def test_kill_9_during_import_leaves_older_snapshots_and_no_half_snapshot(tmp_path, db_url, chain_file):
    sources = _sample_sources()
    roster = read_sources(sources, catalogue=load_catalogue())
    with open_store(db_url) as store:
        older, _ = store.save(roster, sources, as_of=DEFAULT_ANCHOR, label="older")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpd", "import", str(chain_file), "--db", db_url, "--as-of", "2026-11-27"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    killed_mid_save = False
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if _save_lock_held(db_url):
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_save = True
            break
        time.sleep(0.01)
    proc.wait(timeout=60)
    assert killed_mid_save and proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    with open_store(db_url) as store:
        assert [i.id for i in store.snapshots()] == [older.id]
        assert_same_roster(roster, store.load(older.id).roster)
        with store.engine.connect() as conn:
            layouts = conn.execute(sa.text("SELECT count(*) FROM recert_frames")).scalar()
            files = conn.execute(sa.text("SELECT count(*) FROM recert_files")).scalar()
            unused = conn.execute(
                sa.text(
                    "SELECT count(*) FROM recert_blocks WHERE id NOT IN "
                    "(SELECT block_id FROM recert_frame_blocks)"
                )
            ).scalar()
            if db_url.startswith("sqlite"):
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert (layouts, files, unused) == (len(fr.FRAMES), len(sources), 0)
        again, created = store.save(roster, [Source("next.csv", b"next")], as_of=DEFAULT_ANCHOR, summary={})
        assert created and [i.id for i in store.snapshots()] == [older.id, again.id]


def test_two_import_processes_at_once_both_land(tmp_path, db_url):
    files = build_sample(DEFAULT_ANCHOR)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(files["recert_roster.csv"])
    b.write_bytes(files["recert_roster.csv"] + b"\r\n")
    open_store(db_url).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cpd", "import", str(p), "--db", db_url],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for p in (a, b)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with open_store(db_url) as store:
        assert sorted(i.files for i in store.snapshots()) == [("a.csv",), ("b.csv",)]


# Locked, read-only, full, unreachable, not a database -------------------------------------------------------------
def test_locked_sqlite_gets_one_sentence_after_the_busy_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 1)
    path = tmp_path / "recert.db"
    sources = _sample_sources()
    roster = read_sources(sources, catalogue=load_catalogue())
    with open_store(f"sqlite:///{path}") as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match=r"^The database .* is busy with another save .*\.$"):
                store.save(roster, sources, as_of=DEFAULT_ANCHOR, summary={})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.snapshots() == []
        assert store.save(roster, sources, as_of=DEFAULT_ANCHOR, summary={})[1]  # works once released


def test_read_only_sqlite_reads_but_a_save_gets_one_sentence(tmp_path):
    path = tmp_path / "recert.db"
    sources = _sample_sources()
    roster = read_sources(sources, catalogue=load_catalogue())
    with open_store(f"sqlite:///{path}") as store:
        first, _ = store.save(roster, sources, as_of=DEFAULT_ANCHOR, summary={})
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    with open_store(url) as store:
        assert [i.id for i in store.snapshots()] == [first.id]
        with pytest.raises(StoreError, match="read-only"):
            store.save(roster, [Source("other.csv", b"x")], as_of=DEFAULT_ANCHOR, summary={})
    code, err = _cli_err(["import", str(_write(tmp_path, "r.csv", sources[-1].data)), "--db", url])
    assert code == 1 and "read-only" in err and err.count("\n") == 1


def _write(folder: Path, name: str, data: bytes) -> Path:
    (folder / name).write_bytes(data)
    return folder / name


def test_full_sqlite_keeps_older_snapshots_and_says_full(tmp_path):
    path = tmp_path / "recert.db"
    sources = _sample_sources()
    roster = read_sources(sources, catalogue=load_catalogue())
    chain = [Source("chain.xlsx", build_chain_workbook(1500, anchor=DEFAULT_ANCHOR))]
    big = read_sources(chain, catalogue=load_catalogue())
    with open_store(f"sqlite:///{path}") as store:
        first, _ = store.save(roster, sources, as_of=DEFAULT_ANCHOR, summary={})
        pages = int(sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0])

        @sa.event.listens_for(store.engine, "connect")
        def _small(dbapi_conn, _record):  # the disk is full 20 pages from now
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 20}")

        store.engine.dispose()
        with pytest.raises(StoreError, match=r"is full \(no space left\): nothing was saved"):
            store.save(big, chain, as_of=DEFAULT_ANCHOR, summary={})
        assert [i.id for i in store.snapshots()] == [first.id]
        assert_same_roster(roster, store.load(first.id).roster)


def test_unreachable_postgresql_gets_one_sentence_and_cli_exit_1(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    url = f"postgresql+psycopg://recert:secret@127.0.0.1:{port}/recert"
    with pytest.raises(StoreError, match="cannot be reached") as e:
        open_store(url)
    assert "secret" not in str(e.value)
    code, err = _cli_err(["snapshots", "--db", url])
    assert code == 1 and "cannot be reached" in err and "secret" not in err and err.count("\n") == 1
    csv = _write(tmp_path, "r.csv", build_sample(DEFAULT_ANCHOR)["recert_roster.csv"])
    code, err = _cli_err(["import", str(csv), "--db", url])
    assert code == 1 and "cannot be reached" in err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"this is not a database at all" * 100, "not a Recert database"),
    ],
)
def test_a_file_that_is_not_a_database_gets_one_sentence(tmp_path, content, said):
    path = tmp_path / "recert.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=said):
        open_store(f"sqlite:///{path}")


def test_other_database_kinds_are_refused_in_one_sentence():
    with pytest.raises(StoreError, match="SQLite or PostgreSQL, not mysql"):
        open_store("mysql://u@h/db")
    with pytest.raises(StoreError, match="not a valid SQLAlchemy URL"):
        open_store("no url at all")


# An older schema upgrades with its data ------------------------------------------------------------------------
def make_store_v1(path: Path) -> None:
    """The fixture: a database made by the first migration only, holding the sample as of ``V1_AS_OF``
    (kept in tests/data/store_v1.db; rebuild with ``python -m tests.test_store_faults``)."""
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    store_module._sqlite_events(engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store_module.__file__).parent / "migrations"))
    with engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    store = store_module.Store(engine, url)
    sources = [Source(n, d) for n, d in build_sample(V1_AS_OF).items()]
    roster = read_sources(sources, catalogue=load_catalogue())
    store.save(roster, sources, as_of=V1_AS_OF, label="made by migration 0001", note="fixture")
    engine.dispose()


def test_a_database_made_by_the_first_migration_upgrades_with_its_data_intact(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1_FIXTURE, path)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'reminder_log'").fetchall()
    with open_store(f"sqlite:///{path}") as store:
        infos = store.snapshots()
        assert [(i.label, i.as_of) for i in infos] == [("made by migration 0001", V1_AS_OF)]
        snap = store.load(infos[0].id)
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM reminder_log")).scalar() == 0
            head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    sources = [Source(n, d) for n, d in build_sample(V1_AS_OF).items()]
    assert_same_roster(read_sources(sources, catalogue=load_catalogue()), snap.roster)
    assert head != "0001"


# The frame codec on generated frames -------------------------------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_object = st.one_of(
    _text,
    st.none(),
    st.just(float("nan")),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.booleans(),
    st.tuples(_text, _text).map(tuple),
    st.lists(_text, max_size=3).map(tuple),
)


@st.composite
def frames_(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 25))
    cols: dict[str, object] = {}
    kinds = draw(
        st.lists(
            st.sampled_from(["float", "int", "bool", "date", "str", "object", "text_object"]),
            min_size=1,
            max_size=6,
        )
    )
    for i, kind in enumerate(kinds):
        name = f"{kind}_{i}"
        if kind == "float":
            cols[name] = np.array(
                draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n)),
                dtype="float64",
            )
        elif kind == "int":
            cols[name] = np.array(
                draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)), dtype="int64"
            )
        elif kind == "bool":
            cols[name] = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        elif kind == "date":
            days = draw(st.lists(st.one_of(st.none(), st.integers(-50_000, 50_000)), min_size=n, max_size=n))
            cols[name] = pd.Series(
                [pd.NaT if d is None else pd.Timestamp("2000-01-01") + pd.Timedelta(days=d) for d in days],
                dtype="datetime64[ns]",
            )
        elif kind == "str":
            cols[name] = pd.Series(
                draw(st.lists(st.one_of(_text, st.none()), min_size=n, max_size=n)), dtype="str"
            )
        elif kind == "text_object":
            cols[name] = pd.Series(draw(st.lists(_text, min_size=n, max_size=n)), dtype=object)
        else:
            values = draw(st.lists(_object, min_size=n, max_size=n))
            arr = np.empty(n, dtype=object)
            for j, v in enumerate(values):
                arr[j] = v
            cols[name] = pd.Series(arr, dtype=object)
    cols["file"] = pd.Series(
        draw(st.lists(st.sampled_from(["a.xlsx", "b.csv", "c'd.csv"]), min_size=n, max_size=n)), dtype="str"
    )
    cols["row"] = np.array(draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n)), dtype="int64")
    return pd.DataFrame(
        {k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for k, v in cols.items()}
    )


def _empty_roster(df: pd.DataFrame, other: pd.DataFrame | None = None) -> Roster:
    empty = pd.DataFrame({"x": pd.Series([], dtype="str")})
    return Roster(
        trainers=df,
        certifications=other if other is not None else empty,
        activities=empty,
        cpr_cards=empty,
        ledger=df.copy(),
        mappings=(),
        warnings=(),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(a=frames_(), b=frames_())
def test_generated_frames_round_trip_exactly_through_the_database(tmp_path, a, b):
    path = tmp_path / "h.db"
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    with open_store(f"sqlite:///{path}") as store:
        first, _ = store.save(_empty_roster(a), [Source("a", b"a")], as_of=date(2026, 1, 1), summary={})
        second, _ = store.save(
            _empty_roster(a.iloc[::-1], b), [Source("b", b"b")], as_of=date(2026, 2, 1), summary={}
        )
        got_a, got_b = store.load(first.id).roster, store.load(second.id).roster
    pd.testing.assert_frame_equal(got_a.trainers, a, check_exact=True)
    pd.testing.assert_frame_equal(got_a.ledger, a, check_exact=True)
    pd.testing.assert_frame_equal(got_b.trainers, a.iloc[::-1], check_exact=True)
    pd.testing.assert_frame_equal(got_b.certifications, b, check_exact=True)


def test_a_value_the_codec_does_not_know_is_refused_not_approximated():
    df = pd.DataFrame({"x": pd.Series([object()], dtype=object)})
    with pytest.raises(TypeError, match="cannot be stored"):
        fr.encode_block(df)


if __name__ == "__main__":  # rebuild the fixture of the first schema
    V1_FIXTURE.unlink(missing_ok=True)
    V1_FIXTURE.parent.mkdir(exist_ok=True)
    make_store_v1(V1_FIXTURE)
    with sqlite3.connect(V1_FIXTURE) as c:
        c.execute("PRAGMA journal_mode = DELETE")
    print(f"wrote {V1_FIXTURE} ({V1_FIXTURE.stat().st_size:,} bytes)")
