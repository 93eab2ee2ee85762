"""The team's store in the app: saving the files as a snapshot, opening a saved one read-only, the team's rules
and saved column corrections, retention. Pages call these; the store itself is ``cpd.store``.

The store is opened once per process and database (``st.cache_resource``): an engine and its connection pool,
no staff data. What a session reads from it (snapshots, standings, diffs) lives in that session's bounded caches
(``_shared._remember``). Any store failure (locked, read-only, full, unreachable) becomes one sentence on the
page and the dashboard keeps working on the uploaded files.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

import cpd
from app_pages import _shared
from cpd import history

log = logging.getLogger("recert")
T = TypeVar("T")

SNAPSHOT = "_snapshot"  # id of the saved snapshot shown read-only, absent when showing the uploaded files
STORE_PROBLEM = "_store_problem"  # the last store failure's sentence
SAVED = "_saved"  # {files key: sentence}: what "Save as snapshot" said for these files
APPLIED = (
    "_applied_corrections"  # {(file, sheet): sentence}: saved column corrections applied to a new upload
)
KEEP_LAST, KEEP_DAYS = "_keep_last", "_keep_days"  # retention settings of this session (0: keep all)
_SNAPSHOTS = "_snapshot_cache"  # loaded snapshots (bounded LRU)
_DIFFS = "_diffs"
_INFOS = "_snapshot_infos"
BUNDLED_RULES = "credentials: []\n"  # the team's rules when they are the bundled ones (no override)
TEAM_RULES = "_team_rules"  # the team's saved rules text (None: the bundled rules), read at the session's start  # the list of snapshots, refreshed after a save or delete
RETRY_SECONDS = 30  # a store that failed to open is tried again after this long, not on every rerun
FAILED = (
    "The saved snapshots cannot be reached ({why}); Recert keeps working on the files you upload, "
    "without saving."
)


def database_url() -> str:
    return os.environ.get("RECERT_DATABASE_URL", "")


def configured() -> bool:
    """Whether there is a store to read: RECERT_DATABASE_URL is set, or the default SQLite file exists.

    Reading never creates the default file (a session that only looks, or a test, leaves no data/recert.db
    behind); the first save does.
    """
    if database_url().strip():
        return True
    from cpd.store import default_url

    return Path(default_url().removeprefix("sqlite:///")).exists()


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str) -> Any:  # an engine per database for the whole process; it holds no staff data
    from cpd.store import open_store

    return open_store(url or None)


def _problem(exc: BaseException) -> None:
    why = str(exc) if isinstance(exc, cpd.RecertError) else type(exc).__name__
    st.session_state[STORE_PROBLEM] = FAILED.format(why=why.rstrip("."))
    st.session_state["_store_failed_at"] = time.monotonic()
    log.warning("store failed: %s", type(exc).__name__)


def store() -> Any | None:
    """The team's store, or None (the failure said once in the session) when it cannot be opened."""
    ss = st.session_state
    failed_at = ss.get("_store_failed_at")
    if failed_at is not None and time.monotonic() - failed_at < RETRY_SECONDS:
        return None
    try:
        opened = _open(database_url())
    except Exception as exc:  # noqa: BLE001 - any failure of the database must leave the dashboard working
        _problem(exc)
        return None
    ss.pop("_store_failed_at", None)
    return opened


def call(action: Callable[[Any], T], default: T) -> T:
    """``action(store)``, or ``default`` with the failure's sentence kept for the page."""
    s = store()
    if s is None:
        return default
    try:
        result = action(s)
    except Exception as exc:  # noqa: BLE001
        _problem(exc)
        return default
    st.session_state.pop(STORE_PROBLEM, None)
    return result


def problem() -> str:
    return st.session_state.get(STORE_PROBLEM, "")


# Snapshots -------------------------------------------------------------------------------------------------------
def infos(*, refresh: bool = False) -> list[Any]:
    """The saved snapshots, oldest first (read once per session until a save or delete changes them)."""
    ss = st.session_state
    if not configured():
        return []
    if refresh or _INFOS not in ss:
        got = call(lambda s: s.snapshots(), None)
        if got is None:
            return []
        ss[_INFOS] = got
    return ss[_INFOS]


def viewing() -> str | None:
    return st.session_state.get(SNAPSHOT)


def viewing_info() -> Any | None:
    sid = viewing()
    return next((i for i in infos() if i.id == sid), None) if sid else None


def snapshot(sid: str) -> Any | None:
    """A saved snapshot (roster, rules, window) from this session's small cache, or from the store."""
    found = _shared._remember(
        _SNAPSHOTS, sid, lambda: call(lambda s: s.load(sid), None), size=2, derived=False
    )
    if found is None:  # a failure is not remembered: the next run tries again
        st.session_state.get(_SNAPSHOTS, {}).pop(sid, None)
    return found


def catalogue_of(snap: Any) -> tuple[cpd.Catalogue, str]:
    """The rules saved with a snapshot (the bundled ones when none were saved)."""
    text = snap.rules_text or ""

    def make() -> tuple[cpd.Catalogue, str]:
        try:
            return (cpd.load_catalogue(rules_text=text) if text else cpd.load_catalogue()), ""
        except cpd.RecertError as exc:
            return cpd.load_catalogue(), str(exc)

    return _shared._remember(_shared._CATALOGUES, text, make, size=2, derived=False)


def snapshot_standing(sid: str, as_of: date, window: int) -> cpd.Standing | None:
    """A saved snapshot's standing at ``as_of``, with its own rules, from the session's standings cache."""
    snap = snapshot(sid)
    if snap is None:
        return None
    cat, _ = catalogue_of(snap)
    return _shared._remember(
        _shared._STANDINGS,
        (("snapshot", sid), as_of, window),
        lambda: cpd.compute_standing(snap.roster, cat, as_of=as_of, window=window),
        size=2,
    )


def open_snapshot(sid: str) -> None:
    """Button callback: show a saved snapshot read-only on every page, at its own as-of date and risk window."""
    info = next((i for i in infos() if i.id == sid), None)
    snap = snapshot(sid)
    if info is None or snap is None:
        return
    ss = st.session_state
    ss[SNAPSHOT] = sid
    ss["as_of"] = info.as_of
    ss["window"] = int(snap.window)
    ss.pop("_loaded", None)


def close_snapshot() -> None:
    """Back to the uploaded files (and today's date)."""
    ss = st.session_state
    ss.pop(SNAPSHOT, None)
    ss["as_of"] = date.today()
    ss.pop("_loaded", None)


def on_start() -> None:
    """With snapshots saved and no files uploaded, a new session opens on the latest one (once per session)."""
    ss = st.session_state
    if ss.get("_store_start_done"):
        return
    ss["_store_start_done"] = True
    if not configured():
        return
    team = call(lambda s: s.team_rules(), None) or None
    team = None if team == BUNDLED_RULES else team
    ss[TEAM_RULES] = team
    if not ss.get(_shared.FILES) and not viewing():
        saved = infos()
        if saved:
            open_snapshot(saved[-1].id)
    if ss.get(_shared.RULES) is None:
        ss[_shared.RULES] = team


def delete_snapshot(sid: str) -> None:
    """Button callback (after the confirmation): delete one snapshot; leave it first when it is open."""
    ss = st.session_state
    from app_pages import _access

    if not _access.is_admin():  # issue 14: only admins change what is saved
        return
    if call(lambda s: (s.delete(sid), True)[1], False):
        _access.audit("snapshot_deleted", sid)
        if viewing() == sid:
            close_snapshot()
        ss.pop(_SNAPSHOTS, None)
        ss.pop(_DIFFS, None)
        ss["_history_notice"] = "The snapshot was deleted."
        infos(refresh=True)


# Saving ----------------------------------------------------------------------------------------------------------
def files_key() -> tuple:
    ss = st.session_state
    return (
        tuple(d for *_, d in ss.get(_shared.FILES) or []),
        _shared._frozen(ss.get(_shared.OVERRIDES) or {}),
        ss.get(_shared.RULES) or "",
    )


def retention() -> tuple[int | None, int | None]:
    """Keep the last N snapshots / the snapshots of the last N days (None: keep all): the History page's setting
    for this session, else RECERT_KEEP_LAST / RECERT_KEEP_DAYS from the environment."""
    ss = st.session_state

    def value(key: str, env: str) -> int | None:
        raw = ss.get(key)
        if raw is None:
            try:
                raw = int(os.environ.get(env, "0") or 0)
            except ValueError:
                raw = 0
        return int(raw) if raw and int(raw) > 0 else None

    return value(KEEP_LAST, "RECERT_KEEP_LAST"), value(KEEP_DAYS, "RECERT_KEEP_DAYS")


def set_retention(widget: str, key: str) -> None:
    """Retention widget callback: kept under a key of its own (a widget's state goes when its page is left)."""
    st.session_state[key] = int(st.session_state.get(widget) or 0)


def apply_retention_now() -> None:
    """History page button: apply the retention setting to the saved snapshots now."""
    keep_last, keep_days = retention()
    from app_pages import _access

    if not _access.is_admin():  # issue 14: only admins delete snapshots
        return
    if not (keep_last or keep_days):
        st.session_state["_history_notice"] = "Every snapshot is kept (both settings are 0)."
        return
    gone = call(
        lambda s: s.apply_retention(keep_last=keep_last, keep_days=keep_days, today=date.today()), None
    )
    if gone is not None:
        for sid in gone:
            _access.audit("snapshot_deleted", f"{sid} (retention)")
        st.session_state["_history_notice"] = (
            f"{len(gone)} snapshot{'s' if len(gone) != 1 else ''} deleted by the retention setting."
            if gone
            else "No snapshot was due for deletion."
        )
        if viewing() in gone:
            close_snapshot()
        st.session_state.pop(_SNAPSHOTS, None)
        st.session_state.pop(_DIFFS, None)
        infos(refresh=True)


def save_as_of_key(shown: date) -> str:
    """The save box's date widget, one per sidebar as-of: it starts at the date the pages show."""
    return f"save_as_of_{shown.isoformat()}"


def save_snapshot() -> None:
    """'Save as snapshot' callback: the files read in this session, with their corrections and rules, saved as
    of the date picked, then the retention setting applied. Says what happened on the Upload page."""
    ss = st.session_state
    loaded = _shared.current()
    files = ss.get(_shared.FILES) or []
    from app_pages import _access

    if loaded.standing is None or not files or viewing() or not _access.is_admin():  # issue 14: admins save
        return
    as_of = ss.get(save_as_of_key(loaded.standing.as_of)) or loaded.standing.as_of
    roster = _roster()
    if roster is None:
        return
    cat = loaded.catalogue
    window = int(loaded.standing.window)
    summary = history.summarise(cpd.compute_standing(roster, cat, as_of=as_of, window=window))
    sources = [cpd.Source(name, data) for name, data, _ in files]

    def save(s: Any) -> tuple[Any, bool]:
        out = s.save(
            roster,
            sources,
            as_of=as_of,
            label=(ss.get("save_label") or "").strip(),
            note=(ss.get("save_note") or "").strip(),
            overrides=ss.get(_shared.OVERRIDES) or {},
            rules_text=ss.get(_shared.RULES),
            window=window,
            date_order=ss.get("date_order", "auto"),
            summary=summary,
        )
        save_corrections(s, roster, ss.get(_shared.OVERRIDES) or {})
        keep_last, keep_days = retention()
        if out[1] and (keep_last or keep_days):
            s.apply_retention(keep_last=keep_last, keep_days=keep_days, today=date.today())
        return out

    result = call(save, None)
    if result is None:
        return
    info, created = result
    from app_pages import _access
    from cpd.views import history as view

    if created:
        _access.audit("snapshot_saved", f"{info.id} {info.label}".strip())

    ss.setdefault(SAVED, {})[files_key()] = view.saved_sentence(info, created)
    infos(refresh=True)


def _roster() -> cpd.Roster | None:
    """The roster read from this session's files (the one the pages show)."""
    loaded = _shared.current()
    if not loaded.key:
        return None
    entry = (st.session_state.get(_shared._ROSTERS) or {}).get(loaded.key[0])
    return entry[0][0] if entry else None


def saved_sentence() -> str:
    return (st.session_state.get(SAVED) or {}).get(files_key(), "")


def save_team_rules() -> None:
    """Rules page callback: the rules in force in this session become the team's rules."""
    text = st.session_state.get(_shared.RULES)
    from app_pages import _access

    if not _access.is_admin():  # issue 14: only admins change the team's rules
        return
    if call(lambda s: (s.save_team_rules(text or BUNDLED_RULES), True)[1], False):
        _access.audit("rules_saved", "bundled rules" if not text else f"{len(text)} characters")
        st.session_state[TEAM_RULES] = text or None
        st.session_state["_rules_saved"] = (
            "Saved as the team's rules: every new session starts with them."
            if text
            else "The team's rules are now the bundled rules."
        )


def load_snapshot(out: _shared.Loaded, as_of: date, window: int) -> _shared.Loaded:
    """``_shared.load`` while a saved snapshot is open: its roster and rules instead of the uploaded files."""
    sid = viewing()
    snap = snapshot(sid) if sid else None
    if snap is None:
        st.session_state.pop(SNAPSHOT, None)
        out.problems.append(problem() or "The saved snapshot could not be opened; showing your files.")
        return out
    from cpd.views.filters import credential_labels

    cat, rules_error = catalogue_of(snap)
    out.catalogue, out.names, out.rules_error = cat, credential_labels(cat), rules_error
    out.standing = snapshot_standing(sid, as_of, window)
    out.key = (("snapshot", sid), as_of, window)
    return out


def changes(from_id: str, to_id: str, as_of: date) -> history.Diff | None:
    """What changed between two saved snapshots, both judged at ``as_of`` with the later one's risk window
    (``history.compare``), from this session's cache."""

    def make() -> history.Diff | None:
        after = snapshot(to_id)
        if after is None or snapshot(from_id) is None:
            return None
        window = int(after.window)
        later = snapshot_standing(to_id, as_of, window)
        earlier = snapshot_standing(from_id, as_of, window)
        if later is None or earlier is None:
            return None
        return history.scoped_diff(earlier, later, scope)  # issue 14: only the clubs in scope

    from app_pages import _access

    scope = _access.current()
    key = (from_id, to_id, as_of, scope.role, scope.clubs)
    found = _shared._remember(_DIFFS, key, make, size=2, derived=False)
    if found is None:  # a failure is not remembered: the next run tries again
        st.session_state.get(_DIFFS, {}).pop(key, None)
    return found


def banner() -> None:
    """Above every page: which snapshot is shown read-only (with the way back), and a store failure's sentence."""
    from cpd.views import history as view
    from cpd.views.escape import md_escape

    info = viewing_info()
    if info is not None:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.info(md_escape(view.viewing_sentence(info)), icon=":material/history:")
        files = st.session_state.get(_shared.FILES)
        right.button(
            "Back to my files" if files else "Upload files instead",
            key="close_snapshot",
            on_click=close_snapshot,
            icon=":material/undo:",
            width="stretch",
        )
    st.session_state["_store_problem_shown"] = problem()
    if problem():
        st.warning(md_escape(problem()), icon=":material/warning:")


def problem_not_shown() -> str:
    """The store's failure sentence when the banner did not already show it in this run."""
    p = problem()
    return p if p and p != st.session_state.get("_store_problem_shown") else ""


def save_form(standing: cpd.Standing) -> None:
    """The Upload page's 'Save as snapshot' box (not while a saved snapshot is shown) and what was saved."""
    from cpd.asof import AS_OF_MAX, AS_OF_MIN
    from cpd.views.escape import md_escape

    if viewing():
        return
    st.subheader("Save as snapshot")
    said = saved_sentence()
    if said:
        st.success(md_escape(said), icon=":material/check_circle:")
    with st.form("save_snapshot"):
        st.caption(
            "Keep what was read from these files, with your column corrections and rules, so next month "
            "shows what changed. The same files saved twice are stored once."
        )
        c1, c2 = st.columns([1, 2])
        c1.date_input(
            "As of",
            value=standing.as_of,
            key=save_as_of_key(standing.as_of),
            format="YYYY-MM-DD",
            min_value=AS_OF_MIN,
            max_value=AS_OF_MAX,
            help="The date these files describe (usually the export's date).",
        )
        c2.text_input("Label", key="save_label", max_chars=200, placeholder="e.g. March HR export")
        st.text_area("Note", key="save_note", max_chars=2000, height=68, placeholder="Optional")
        st.form_submit_button(
            "Save as snapshot", on_click=save_snapshot, type="primary", icon=":material/save:"
        )


def team_rules_text() -> str | None:
    return st.session_state.get(TEAM_RULES)


# Column corrections by header signature --------------------------------------------------------------------------
def _has_header(mapping: Any) -> bool:
    """A sheet whose header Recert found: only those are recognisable by their header next month."""
    return bool(mapping.columns or mapping.ignored)


def save_corrections(s: Any, roster: cpd.Roster, overrides: dict) -> None:
    """Keep this session's column corrections by each sheet's header signature (next month's export of the same
    layout gets them by itself)."""
    from cpd.store import header_signature

    by_sheet = {(m.file, m.sheet): m for m in roster.mappings}
    for where, corrected in overrides.items():
        m = by_sheet.get(where)
        if m is not None and corrected and _has_header(m):
            s.save_mapping_corrections(header_signature(m), dict(corrected))


def apply_saved_corrections(roster: cpd.Roster) -> bool:
    """Once per set of new files: each sheet with no correction of its own gets the corrections saved for its
    header signature, with a sentence for the Upload page. True when some were applied (read again)."""
    ss = st.session_state
    files_id = tuple(d for *_, d in ss.get(_shared.FILES) or [])
    if ss.get("_corrections_checked") == files_id or viewing() or not configured():
        return False
    ss["_corrections_checked"] = files_id
    from cpd.store import header_signature

    overrides = dict(ss.get(_shared.OVERRIDES) or {})
    applied: dict[tuple[str, str], dict] = {}

    def look(s: Any) -> None:
        for m in roster.mappings:
            if (m.file, m.sheet) not in overrides and _has_header(m):
                saved = s.mapping_corrections(header_signature(m))
                if saved:
                    applied[(m.file, m.sheet)] = saved

    call(look, None)
    if not applied:
        return False
    ss[_shared.OVERRIDES] = {**overrides, **applied}
    where = [f"{file} · {sheet}" if sheet else file for file, sheet in applied]
    ss[APPLIED] = (
        files_id,
        f"Column corrections saved with an earlier upload of the same layout were applied to "
        f"{', '.join(where)}: check them under How each file was read.",
    )
    return True


def corrections_notice() -> str:
    """The sentence about saved corrections applied to the files now loaded ("" when none were)."""
    ss = st.session_state
    got = ss.get(APPLIED)
    files_id = tuple(d for *_, d in ss.get(_shared.FILES) or [])
    return got[1] if got and got[0] == files_id and not viewing() else ""
