"""What one browser session may keep, and giving the memory back when it is dropped (issue 10, item 8).

Four things made a long session's memory grow and stay:

- the session kept whatever it had read before: the per-session caches of rosters and standings were bounded by
  count only, and entries of the previous files stayed until pushed out;
- Streamlit keeps the callback of every widget a session ever showed; a callback defined in a page holds that
  run's page globals, standing included (``prune_widget_metadata``);
- the allocators keep freed memory for reuse instead of returning it to the system: ``release()`` runs the
  cycle collector, empties Arrow's pool and calls glibc's ``malloc_trim(0)``;
- Streamlit keeps a closed tab's session for ``server.disconnectedSessionTTL`` seconds so a reconnect can resume
  it, but forgets it only when some other session later disconnects, and then without shutting it down: its
  session state stays in memory until then and its uploaded files stay in the upload manager for the life of the
  process. ``watch_session()`` starts a janitor thread (once per process) that ends sessions disconnected for
  about the TTL through Streamlit's public, thread-safe calls, drops what Recert stored in them, and releases.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import gc
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger("recert")
MB = 1024 * 1024
# The files one session may hold at once (sum of their sizes). The server grows by ~30-40x a workbook's size
# while it reads and holds it (a 6.3 MB chain workbook of 10,000 trainers: +180-265 MB), so this is ~2 GB at
# most per session. It equals the largest single upload (server.maxUploadSize). A manager's files are a few MB.
SESSION_FILE_BYTES = 50 * MB
# What a per-session cache of derived results (rosters, standings, filter options) may hold, by approx_bytes:
# older entries are dropped beyond it, the newest is always kept. A 10,000-trainer chain's standing is ~66 MB.
STORE_BYTES = 256 * MB
JANITOR_NAME = "recert-session-janitor"

_OBJECT_SAMPLE = 256  # elements sampled to estimate an object column's size


def files_too_large_sentence(total: int) -> str:
    return (
        f"These files add up to {total / MB:.1f} MB, more than the {SESSION_FILE_BYTES / MB:.0f} MB Recert "
        "holds for one browser session, so they were not read: upload fewer or smaller files (delete the "
        "sheets and rows Recert does not need)."
    )


# --------------------------------------------------------------------------------------------- sizes
def approx_bytes(obj: Any, _seen: set[int] | None = None, _depth: int = 0) -> int:
    """Memory an object holds, estimated in milliseconds (frames by their buffers, object columns by a sample).

    An upper-bound-ish estimate for eviction, not an exact account: objects shared between two results (a
    standing reuses its roster's frames) are counted once within one call.
    """
    seen = set() if _seen is None else _seen
    if id(obj) in seen or _depth > 8:
        return 0
    seen.add(id(obj))
    if isinstance(obj, pd.DataFrame):
        return int(obj.index.memory_usage()) + sum(_column_bytes(obj.iloc[:, i]) for i in range(obj.shape[1]))
    if isinstance(obj, pd.Series):
        return int(obj.index.memory_usage()) + _column_bytes(obj)
    if isinstance(obj, pd.Index):
        return int(obj.memory_usage())
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes) + (_objects_bytes(obj.ravel()) if obj.dtype == object else 0)
    if isinstance(obj, (bytes, bytearray, memoryview, str)):
        return sys.getsizeof(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sys.getsizeof(obj) + sum(
            approx_bytes(getattr(obj, f.name), seen, _depth + 1) for f in dataclasses.fields(obj)
        )
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(
            approx_bytes(k, seen, _depth + 1) + approx_bytes(v, seen, _depth + 1) for k, v in obj.items()
        )
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sys.getsizeof(obj) + sum(approx_bytes(v, seen, _depth + 1) for v in obj)
    return sys.getsizeof(obj)


def _column_bytes(col: pd.Series) -> int:
    if col.dtype == object:
        return 8 * len(col) + _objects_bytes(col.to_numpy())
    return int(col.memory_usage(index=False, deep=True))  # numeric, datetime, Arrow strings: buffer sizes


def _objects_bytes(values: np.ndarray) -> int:
    """Sizes of the objects an object array points to, from an evenly spaced sample (shared objects once)."""
    n = len(values)
    if not n:
        return 0
    sample = values[:: max(1, n // _OBJECT_SAMPLE)]
    distinct = {id(v): v for v in sample}
    per_item = sum(sys.getsizeof(v) for v in distinct.values()) / len(sample)
    return int(per_item * n)


# ------------------------------------------------------------------------------------------- release
def _load_malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim (returns freed heap pages of every arena to the system), or None elsewhere."""
    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return fn


_malloc_trim = _load_malloc_trim()


_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
MMAP_THRESHOLD = 1 * MB


def _fixed_mmap_threshold() -> None:
    """Blocks of 1 MB and more (numpy and pandas column buffers) come from their own mapping, returned when freed.

    glibc's default threshold starts at 128 KB but rises to the largest block freed (up to 32 MB), after which
    column buffers are carved out of the heaps and pin them. Setting it turns that off. Unlike the arena count it
    can be set at any time. Measured on a 10,000-trainer workbook read three times: 284-311 MB resident while
    held and 163-171 MB after release, against 358-389 MB and 190-211 MB with glibc's default.
    """
    if _malloc_trim is None:  # not glibc
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c")).mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


_fixed_mmap_threshold()


def release(*, collect: bool = True) -> float:
    """Hand freed memory back to the system; returns the seconds it took.

    Three allocators hold freed memory: Python's (objects in reference cycles, such as a page's functions and
    globals, wait for the collector: ``collect``), Arrow's pool under pandas' string columns (mimalloc), and
    glibc's malloc under numpy and python-calamine's threads. Measured after dropping a 10,000-trainer read:
    resident 356 MB, 299 MB after emptying Arrow's pool, 190 MB after malloc_trim (14 ms); the collector found
    no cycles there. glibc's arena count cannot be capped from here (it is fixed once threads exist): start the
    server with MALLOC_ARENA_MAX=2 for another ~25 MB (benchmarks/bench_session_memory.py --arena-max 2).
    """
    start = time.perf_counter()
    if collect:
        gc.collect()
    if "pyarrow" in sys.modules:
        with contextlib.suppress(Exception):  # an older pyarrow without release_unused: nothing to return
            sys.modules["pyarrow"].default_memory_pool().release_unused()
    if _malloc_trim is not None:
        _malloc_trim(0)
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------------- widgets
def prune_widget_metadata() -> int:
    """Forget what Streamlit keeps of widgets that are gone; returns how many. Called at the start of each run.

    Streamlit 1.67 drops a gone widget's value but keeps its metadata for the rest of the session: its callback
    and the callback's arguments. A widget whose id changes with the data (a keyed data editor per sheet, a chart
    whose id follows its figure) therefore kept every earlier upload alive through a callback defined in a page
    (whose globals hold that run's standing): +15 MB per 1,000-trainer upload. Metadata is dropped only for ids
    whose state Streamlit has already dropped (neither in this run's widget states nor in the previous run's),
    so nothing a visible widget needs is touched. Reaches into Streamlit's SessionState: when its layout
    changes this does nothing, and tests/test_app.py's memory test fails.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    parts = _internals(getattr(ctx, "session_state", None))
    if parts is None:
        return 0
    _, lock, metadata, states, old = parts
    with lock:
        stale = [wid for wid in metadata if wid not in states and wid not in old]
        for wid in stale:
            del metadata[wid]
    return len(stale)


def _internals(safe: Any) -> tuple[Any, Any, dict, dict, dict] | None:
    """(SessionState, its lock, widget metadata, widget states, previous run's state) behind Streamlit's
    SafeSessionState, or None when Streamlit's layout is not the one this was written for (1.67)."""
    state = getattr(safe, "_state", None)
    widgets = getattr(state, "_new_widget_state", None)
    old, lock = getattr(state, "_old_state", None), getattr(safe, "_lock", None)
    metadata, states = getattr(widgets, "widget_metadata", None), getattr(widgets, "states", None)
    if (
        not (isinstance(metadata, dict) and isinstance(states, dict) and isinstance(old, dict))
        or lock is None
    ):
        return None
    return state, lock, metadata, states, old


# ------------------------------------------------------------------------------------------- janitor
class _Handle:
    """Kept in the session's own state: the way back to that state for the janitor, which holds only a weak
    reference to the handle (so the janitor never keeps a session's data alive)."""

    __slots__ = ("state", "__weakref__")

    def __init__(self, state: Any) -> None:
        self.state = state  # the session state (Streamlit's wrapper of the latest run; all of them share it)


HANDLE = "_memory_handle"


@dataclasses.dataclass
class _Watched:
    handle: weakref.ref
    disconnected_at: float | None = None


_watched: dict[str, _Watched] = {}
_lock = threading.Lock()


def watch_session() -> None:
    """Called on every run of a session: remember it for the janitor (started once per process).

    Why the janitor must delete the session's data itself: after a session is closed Streamlit's event loop
    can still reference it (the loop keeps the last session it served in a local variable until another session
    sends something), so closing alone frees nothing on a quiet server.
    """
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not runtime.exists():  # AppTest and bare mode: no server, no disconnected sessions
        return
    ss = ctx.session_state
    try:
        handle = ss[HANDLE]
    except KeyError:
        handle = None
    if not isinstance(handle, _Handle):
        handle = _Handle(ss)
        ss[HANDLE] = handle
    handle.state = ss
    with _lock:
        watched = _watched.get(ctx.session_id)
        if watched is None or watched.handle() is not handle:
            _watched[ctx.session_id] = _Watched(weakref.ref(handle))
        if not any(t.name == JANITOR_NAME and t.is_alive() for t in threading.enumerate()):
            threading.Thread(target=_janitor, name=JANITOR_NAME, daemon=True).start()


def session_ttl() -> int:
    from streamlit import config

    return int(config.get_option("server.disconnectedSessionTTL"))


def tick_seconds(ttl: float) -> float:
    return min(5.0, max(0.5, ttl / 6))


def _janitor() -> None:
    from streamlit import runtime

    while runtime.exists():
        ttl = session_ttl()
        try:
            if sweep(runtime.get_instance(), time.monotonic(), ttl):
                release()
        except Exception:  # noqa: BLE001 - the janitor must outlive any one failure
            log.exception("session janitor")
        time.sleep(tick_seconds(ttl))


def sweep(rt: Any, now: float, ttl: float) -> list[str]:
    """End the sessions disconnected for about ``ttl`` seconds; returns their ids.

    A disconnected session is ended a little before Streamlit's own TTL runs out (Streamlit can only shut down a
    session it still holds; once its TTL passed it just drops it, leaving the uploads). Ending it: Streamlit
    closes it (``clear_user_info_for_session`` closes a stored session on the event loop and refuses to resume
    it), its uploaded files are removed, and every key of its state is deleted, so the memory is free even while
    Streamlit still references the session object.
    """
    grace = max(0.0, ttl - 2 * tick_seconds(ttl))
    ended = []
    with _lock:
        items = list(_watched.items())
    for sid, w in items:
        handle = w.handle()
        state = handle.state if handle is not None else None
        if rt.is_active_session(sid):
            w.disconnected_at = None
            continue
        if w.disconnected_at is None and state is not None:
            w.disconnected_at = now
        if state is not None and now - w.disconnected_at < grace:
            continue
        with _lock:
            _watched.pop(sid, None)
        if rt.is_active_session(sid):  # reconnected meanwhile: keep it
            continue
        rt.clear_user_info_for_session(sid)
        _release_runtime_refs(rt, sid)
        if state is not None:
            _drop_state(state)
        ended.append(sid)
    if ended:
        log.info("ended %d disconnected session(s)", len(ended))
    return ended


def _release_runtime_refs(rt: Any, sid: str) -> None:
    """What Streamlit's own shutdown of a session releases, done here too (all public, thread-safe calls).

    Needed when Streamlit no longer holds the session to shut it down (its TTL passed first), and seen needed
    otherwise too: a download button's deferred callable (a page function, holding that run's standing) once
    outlived a session closed through ``clear_user_info_for_session``.
    """
    rt.uploaded_file_mgr.remove_session_files(sid)
    media = getattr(rt, "media_file_mgr", None)
    if media is not None:
        media.clear_session_refs(sid)
        media.remove_orphaned_files()
    frames = getattr(rt, "dataframe_source_mgr", None)
    if frames is not None:
        frames.clear_all_for_session(sid)


def _drop_state(state: Any) -> None:
    """Delete everything an ended session's state holds: its keys (files, results, settings, widget values),
    then what the keys API cannot reach (keyless widgets, widget callbacks kept after the widget was gone)."""
    for key in list(state.filtered_state):
        try:
            del state[key]
        except Exception:  # noqa: BLE001 - a key Streamlit refuses to delete stays; the rest go
            continue
    parts = _internals(state)
    if parts is not None:
        inner, lock, metadata, _, _ = parts
        with lock:
            if callable(getattr(inner, "clear", None)):
                inner.clear()
            metadata.clear()


def watched_count() -> int:
    """Sessions the janitor knows about (for tests)."""
    with _lock:
        return len(_watched)
