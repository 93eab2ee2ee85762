"""What a session may keep, and giving memory back (app_pages/_memory.py; issue 10, item 8).

The AppTest side (only the last files' results held, caches bounded, the session's byte cap) is in
tests/test_app.py; the real server in Chromium is tests/browser/test_session_memory.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import weakref
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from app_pages import _memory

ROOT = Path(__file__).resolve().parents[1]


# approx_bytes ---------------------------------------------------------------------------------------------
def _strings(n: int, width: int = 40) -> pd.Series:
    """An object column (pandas 3 would make plain strings an Arrow column)."""
    return pd.Series([f"{i:0{width}d}" for i in range(n)], dtype=object)


SIZES = [  # (what, object, exact size by another route)
    ("float column", pd.DataFrame({"x": np.arange(1_000_000.0)}), 8_000_000),
    (
        "distinct strings",
        pd.DataFrame({"s": _strings(100_000)}),
        8 * 100_000 + sum(sys.getsizeof(v) for v in _strings(100_000)),
    ),
    (
        "one string repeated",
        pd.DataFrame({"s": pd.Series(["accepted"] * 100_000, dtype=object)}),
        8 * 100_000 + sys.getsizeof("accepted"),
    ),
    (
        "Arrow strings",
        pd.DataFrame({"s": pd.array([f"name {i}" for i in range(100_000)], dtype="str")}),
        int(
            pd.DataFrame({"s": pd.array([f"name {i}" for i in range(100_000)], dtype="str")})
            .memory_usage(deep=True, index=False)
            .sum()
        ),
    ),
    ("bytes", b"x" * 5_000_000, 5_000_000),
]


@pytest.mark.parametrize(("what", "obj", "exact"), SIZES, ids=[s[0] for s in SIZES])
def test_approx_bytes_is_within_a_quarter_of_the_real_size(what, obj, exact):
    assert 0.75 * exact <= _memory.approx_bytes(obj) <= 1.25 * exact + 1024, what


def test_approx_bytes_counts_an_object_shared_by_two_results_once():
    df = pd.DataFrame({"x": np.arange(1_000_000.0)})
    one = _memory.approx_bytes(df)
    assert _memory.approx_bytes((df, df, {"again": df})) < one * 1.01


def test_approx_bytes_of_a_standing_is_cheap_and_counts_its_frames(sample_standing):
    start = time.perf_counter()
    size = _memory.approx_bytes(sample_standing)
    assert time.perf_counter() - start < 0.5
    assert size >= int(sample_standing.standings.memory_usage(index=False).sum())


def test_approx_bytes_of_a_million_row_text_column_takes_milliseconds():
    df = pd.DataFrame({"s": _strings(1_000_000, 12)})
    assert df["s"].dtype == object
    start = time.perf_counter()
    _memory.approx_bytes(df)
    assert time.perf_counter() - start < 0.2  # deep memory_usage takes ~0.1 s per million objects


# release ----------------------------------------------------------------------------------------------------
def test_release_returns_freed_frames_to_the_system():
    """In a fresh process: frames freed by Python stay resident until release() (Arrow pool, malloc_trim)."""
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        def rss():
            for line in open("/proc/self/status"):
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
        from app_pages import _memory
        import numpy as np, pandas as pd
        base = rss()
        frames = [pd.DataFrame({"name": pd.array([f"trainer {i} {j}" for i in range(20000)], dtype="str"),
                                "obj": np.array([f"x{i}{j}" for i in range(20000)], dtype=object),
                                "n": np.arange(20000.0)}) for j in range(30)]
        held = rss()
        del frames
        freed = rss()
        _memory.release()
        print(base, held, freed, rss())
    """)
    out = subprocess.run(
        [sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, timeout=120
    )
    base, held, freed, released = map(float, out.stdout.split())
    assert held - base > 30  # the frames took memory
    assert released <= freed - 0.5 * (held - base), (base, held, freed, released)


# the janitor ------------------------------------------------------------------------------------------------
class FakeState(dict):
    """What the janitor uses of Streamlit's SafeSessionState: its keys and deleting them."""

    @property
    def filtered_state(self) -> dict:
        return dict(self)


class FakeRuntime:
    def __init__(self) -> None:
        self.active: set[str] = set()
        self.closed: list[str] = []
        self.removed: list[str] = []
        self.media: list[str] = []
        self.uploaded_file_mgr = SimpleNamespace(remove_session_files=self.removed.append)
        self.media_file_mgr = SimpleNamespace(
            clear_session_refs=self.media.append, remove_orphaned_files=lambda: self.media.append("orphans")
        )
        self.dataframe_source_mgr = SimpleNamespace(clear_all_for_session=self.media.append)

    def is_active_session(self, sid: str) -> bool:
        return sid in self.active

    def clear_user_info_for_session(self, sid: str) -> None:
        self.closed.append(sid)


@pytest.fixture
def watched(monkeypatch):
    """Register sessions with the janitor; returns a function (sid) -> (state, handle)."""
    monkeypatch.setattr(_memory, "_watched", {})
    keep = []

    def add(sid: str) -> FakeState:
        state = FakeState(_files=[("a.csv", b"x" * 1000, "d")], _standings={"k": ("standing", 1)})
        handle = _memory._Handle(state)
        state[_memory.HANDLE] = handle
        keep.append(handle)
        _memory._watched[sid] = _memory._Watched(weakref.ref(handle))
        return state

    return add


TTL = 60.0
GRACE = TTL - 2 * _memory.tick_seconds(TTL)


def test_a_connected_session_is_never_ended(watched):
    rt, state = FakeRuntime(), watched("s1")
    rt.active.add("s1")
    for t in (0, 1000, 10_000):
        assert _memory.sweep(rt, t, TTL) == []
    assert state["_files"] and not rt.closed


@pytest.mark.parametrize(
    ("seconds_gone", "ended"), [(0, False), (GRACE - 1, False), (GRACE, True), (TTL, True)]
)
def test_a_disconnected_session_ends_just_before_the_ttl_and_its_data_goes(watched, seconds_gone, ended):
    rt, state = FakeRuntime(), watched("s1")
    assert _memory.sweep(rt, 100.0, TTL) == []  # first seen disconnected
    assert _memory.sweep(rt, 100.0 + seconds_gone, TTL) == (["s1"] if ended else [])
    assert (rt.closed, rt.removed) == ((["s1"], ["s1"]) if ended else ([], []))
    assert rt.media == (["s1", "orphans", "s1"] if ended else [])  # download callables, lazy frame sources
    assert (len(state) == 0) is ended
    assert _memory.watched_count() == (0 if ended else 1)


def test_a_session_that_reconnects_starts_its_grace_again(watched):
    rt, state = FakeRuntime(), watched("s1")
    _memory.sweep(rt, 0.0, TTL)
    rt.active.add("s1")
    _memory.sweep(rt, GRACE - 5, TTL)
    rt.active.discard("s1")
    assert _memory.sweep(rt, GRACE, TTL) == []  # disconnected again just now
    assert _memory.sweep(rt, 2 * GRACE, TTL) == ["s1"] and not state


def test_a_session_whose_state_is_gone_is_ended_at_once(monkeypatch):
    monkeypatch.setattr(_memory, "_watched", {})
    handle = _memory._Handle(FakeState())
    _memory._watched["gone"] = _memory._Watched(weakref.ref(handle))
    del handle
    rt = FakeRuntime()
    assert _memory.sweep(rt, 0.0, TTL) == ["gone"] and rt.removed == ["gone"]


def test_only_the_disconnected_one_of_two_sessions_is_ended(watched):
    rt, one, two = FakeRuntime(), watched("one"), watched("two")
    rt.active.add("two")
    _memory.sweep(rt, 0.0, TTL)
    assert _memory.sweep(rt, TTL, TTL) == ["one"]
    assert not one and two["_files"]
