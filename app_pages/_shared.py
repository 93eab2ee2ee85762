"""Session state and the sidebar shared by every page.

Staff data is personal, so everything lives in ``st.session_state`` (one browser session), never in module
globals or ``st.cache_data``'s global scope. The expensive step (reading files) is keyed on the files' digests,
the date order, the rules and the mapping corrections; as-of and the risk window only recompute the standing;
a filter only slices the standing (``cpd.views.filters.filter_standing``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import streamlit as st

import cpd
from app_pages import _memory
from cpd.asof import AS_OF_MAX, AS_OF_MIN
from cpd.fmt import status_label
from cpd.model import SheetMapping
from cpd.views import filters, upload
from cpd.views.escape import md_escape
from cpd.views.table import apply_editor_state

log = logging.getLogger("recert")
FILES = "_files"  # list[(name, bytes, digest)]: the sources of this session
ORIGIN = "_origin"  # "sample" | "upload"
OVERRIDES = "_overrides"  # {(file, sheet): {header: field or ""}}
RULES = "_rules_text"  # edited rules (YAML) or None
TRAINER = "_trainer"  # last trainer opened on the Trainer page
_ROSTERS = "_rosters"  # small LRU of read files
_STANDINGS = "_standings"  # small LRU of standings
_CATALOGUES = "_catalogues"
_DERIVED = (
    "_derived_stores"  # names of the _remember stores computed from the files (dropped when they change)
)
_NOTICE = "_files_notice"  # a sentence about files that were not taken (over the session's size limit)
UPLOADER = "uploader"  # the uploader widget's key; "uploader_<n>" after it was emptied n times
READ_TYPES = (
    "xlsx",
    "xlsm",
    "xls",
    "xlsb",
    "ods",
    "csv",
    "tsv",
    "txt",
)  # what Recert reads (by content; the name only filters)
UPLOAD_TYPES = READ_TYPES
SESSION_MB = _memory.SESSION_FILE_BYTES // _memory.MB
ACCEPTED_SENTENCE = "Recert reads .xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv and .txt files."
_UPLOADER_GEN = "_uploader_gen"
FILTER_KEYS = ("f_clubs", "f_roles", "f_bodies", "f_credentials", "f_statuses")
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False}  # the toolbar hid legends; zoom is off anyway
GENERIC_FAILURE = (
    "could not be read because of an unexpected problem in Recert; the other files were read. "
    "Try saving it again as .xlsx or .csv."
)


@dataclass
class Loaded:
    """What the pages need for this run: the full standing, the filtered view and how it was obtained."""

    standing: cpd.Standing | None = None
    view: cpd.Standing | None = None
    catalogue: cpd.Catalogue | None = None
    names: dict[str, str] = field(default_factory=dict)  # credential id -> short label
    problems: list[str] = field(default_factory=list)  # unreadable files, one sentence each
    rules_error: str = ""
    filtered: bool = False
    key: tuple = ()  # what the standing was computed from (files, settings): keys derived values


def init_state() -> None:
    """Defaults for a new session; with RECERT_DEMO=1 the bundled sample is loaded once."""
    ss = st.session_state
    ss.setdefault(FILES, [])
    ss.setdefault(OVERRIDES, {})
    ss.setdefault(RULES, None)
    _memory.watch_session()  # ends this session's data once its tab has been gone for the disconnect TTL
    _memory.prune_widget_metadata()  # gone widgets' callbacks would keep earlier uploads alive
    from app_pages import _store  # the store's session logic (it imports this module)

    _store.on_start()  # once per session: the team's rules; the latest snapshot when nothing is uploaded
    if os.environ.get("RECERT_DEMO") == "1" and not ss.get("_demo_done"):
        ss["_demo_done"] = True
        if not ss[FILES] and not _store.viewing():
            load_sample()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def set_files(named: Sequence[tuple[str, bytes]], origin: str) -> None:
    """Replace this session's sources; what the previous files produced, and mapping corrections of files no
    longer present, are dropped (before the new files are read, so the two never sit in memory together)."""
    ss = st.session_state
    files = [(name, data, _digest(data)) for name, data in named]
    changed = [d for *_, d in files] != [d for *_, d in ss.get(FILES) or []]
    ss[FILES] = files
    ss[ORIGIN] = origin
    ss.pop(_NOTICE, None)
    names = {n for n, _ in named}
    ss[OVERRIDES] = {k: v for k, v in ss.get(OVERRIDES, {}).items() if k[0] in names}
    if changed:
        drop_derived()


def drop_derived() -> None:
    """Forget every result computed from the files (rosters, standings, filter options), then free the memory."""
    ss = st.session_state
    for store in ss.get(_DERIVED) or ():
        ss.pop(store, None)
    ss.pop("_loaded", None)
    _memory.release()


def load_sample() -> None:
    """The bundled sample, generated for the current as-of so every status shows."""
    from cpd.samples import build_sample

    anchor = st.session_state.get("as_of") or date.today()
    set_files(list(build_sample(anchor).items()), "sample")


def uploader_key() -> str:
    """The uploader's current key: a new key is a new, empty uploader (Streamlit's cannot be emptied otherwise)."""
    gen = st.session_state.get(_UPLOADER_GEN, 0)
    return UPLOADER if not gen else f"{UPLOADER}_{gen}"


def _empty_uploader() -> None:
    """Show a new, empty uploader and delete the old one's files from Streamlit's upload store now."""
    ss = st.session_state
    old = ss.get(uploader_key()) or []
    ss[_UPLOADER_GEN] = ss.get(_UPLOADER_GEN, 0) + 1
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None and runtime.exists():
        store = runtime.get_instance().uploaded_file_mgr
        for f in old:
            store.remove_file(ctx.session_id, f.file_id)


def on_upload() -> None:
    """Uploader callback: the uploader's files become the sources (removing them all clears the data).

    Files adding up to more than a session may hold are not taken: the uploader is emptied (freeing them), the
    files already loaded stay, and a sentence says what to do.
    """
    files = st.session_state.get(uploader_key()) or []
    total = sum(f.size for f in files)
    if total > _memory.SESSION_FILE_BYTES:
        _empty_uploader()
        st.session_state[_NOTICE] = _memory.files_too_large_sentence(total)
        return
    set_files([(f.name, f.getvalue()) for f in files], "upload")


def clear_files() -> None:
    """Remove all files: the data, and the files still listed in the uploader."""
    _empty_uploader()
    set_files([], "upload")


def apply_mapping(key: str, mapping: SheetMapping) -> None:
    """Upload page's button callback: the edited table (from the editor's own state) becomes the sheet's overrides.

    A module function, not one defined in the page: Streamlit keeps a widget's callback for the rest of the
    session, and a page function would keep that run's page globals (its standing) alive with it.
    """
    ss = st.session_state
    edited = apply_editor_state(upload.mapping_rows(mapping), ss.get(key))
    change = upload.overrides_from_edit(mapping, edited)
    overrides = dict(ss.get(OVERRIDES) or {})
    merged = {**overrides.get((mapping.file, mapping.sheet), {}), **change}
    if merged:
        overrides[(mapping.file, mapping.sheet)] = merged
    ss[OVERRIDES] = overrides


def reset_mapping(file: str, sheet: str) -> None:
    """Upload page's button callback: forget the corrections of one sheet."""
    overrides = dict(st.session_state.get(OVERRIDES) or {})
    overrides.pop((file, sheet), None)
    st.session_state[OVERRIDES] = overrides


def _remember(
    store: str,
    key: Any,
    make: Callable[[], Any],
    size: int = 3,
    *,
    derived: bool = True,
    max_bytes: int | None = None,
) -> Any:
    """A tiny per-session LRU: the last few results, so flipping a setting back is instant.

    Bounded by count (``size``) and by memory (``max_bytes``, default ``_memory.STORE_BYTES``, estimated; the
    newest entry is always kept).
    ``derived`` stores are computed from the files and are dropped when the files change.
    """
    ss = st.session_state
    if derived:
        ss.setdefault(_DERIVED, set()).add(store)
    cache: OrderedDict = ss.setdefault(store, OrderedDict())  # key -> (value, estimated bytes)
    if key in cache:
        cache.move_to_end(key)
        return cache[key][0]
    value = make()
    cache[key] = (value, _memory.approx_bytes(value))
    limit = _memory.STORE_BYTES if max_bytes is None else max_bytes
    while len(cache) > size or (len(cache) > 1 and sum(b for _, b in cache.values()) > limit):
        cache.popitem(last=False)
    return value


def catalogue() -> tuple[cpd.Catalogue, str]:
    """The bundled rules with this session's edits; a rules error falls back to the bundled rules."""
    text = st.session_state.get(RULES)

    def make() -> tuple[cpd.Catalogue, str]:
        if not text:
            return cpd.load_catalogue(), ""
        try:
            return cpd.load_catalogue(rules_text=text), ""
        except cpd.RecertError as exc:
            return cpd.load_catalogue(), str(exc)

    return _remember(_CATALOGUES, text or "", make, size=2, derived=False)


PROGRESS_MIN_BYTES = 1024 * 1024  # smaller uploads are read before a progress bar could be seen


@contextmanager
def _progress(files: list[tuple[str, bytes, str]]) -> Iterator[cpd.Progress | None]:
    """A status box with a progress bar while big files are read (cpd reports, Streamlit shows); gone after."""
    if sum(len(data) for _, data, _ in files) < PROGRESS_MIN_BYTES:
        yield None
        return
    slot = st.empty()
    box = slot.status("Reading the files…", expanded=True)
    bar = box.progress(0.0)
    from cpd.charts import warm_up

    box.plotly_chart(warm_up(), config=PLOTLY_CONFIG)  # Plotly's code loads while the server reads

    def tell(share: float, what: str) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=md_escape(what))  # file names are data

    try:
        yield tell
    finally:
        slot.empty()


def _read(
    files: list[tuple[str, bytes, str]], cat: cpd.Catalogue, date_order: str, overrides: dict
) -> tuple[cpd.Roster, tuple[str, ...]]:
    """Read every file, logging counts, digests and the time taken only (never names: staff data is personal)."""
    start = time.perf_counter()
    with _progress(files) as progress:
        roster, problems = _read_all(files, cat, date_order, overrides, progress)
    counts = roster.ledger["fate"].value_counts()
    log.info(
        "read %d file(s) sha256=%s rows=%d accepted=%d rejected=%d blank=%d unreadable=%d in %.2f s",
        len(files),
        ",".join(d[:12] for *_, d in files),
        len(roster.ledger),
        counts.get("accepted", 0),
        counts.get("rejected", 0),
        counts.get("blank", 0),
        len(problems) + len(roster.unreadable),
        time.perf_counter() - start,
    )
    return roster, problems


def _read_all(
    files: list[tuple[str, bytes, str]],
    cat: cpd.Catalogue,
    date_order: str,
    overrides: dict,
    progress: cpd.Progress | None = None,
) -> tuple[cpd.Roster, tuple[str, ...]]:
    """Read every file; one that breaks the reader is set aside with a sentence, never crashing the page."""
    sources = [cpd.Source(name, data) for name, data, _ in files]
    try:
        return cpd.read_sources(
            sources,
            catalogue=cat,
            date_order=date_order,
            overrides=overrides,
            on_error="collect",
            progress=progress,
        ), ()
    except cpd.RecertError as exc:
        if len(sources) == 1:
            return _empty_roster(cat, date_order), (str(exc),)
    except Exception:  # noqa: BLE001 - a bug in a reader must not take the page down
        if len(sources) == 1:
            return _empty_roster(cat, date_order), (f"{sources[0].name} {GENERIC_FAILURE}",)
    good, bad = [], []
    for src in sources:
        try:
            cpd.read_sources(
                [src], catalogue=cat, date_order=date_order, overrides=overrides, on_error="collect"
            )
            good.append(src)
        except cpd.RecertError as exc:
            bad.append(str(exc))
        except Exception:  # noqa: BLE001
            bad.append(f"{src.name} {GENERIC_FAILURE}")
    try:
        roster = cpd.read_sources(
            good,
            catalogue=cat,
            date_order=date_order,
            overrides=overrides,
            on_error="collect",
            progress=progress,
        )
    except Exception:  # noqa: BLE001 - the files only fail together: show none rather than crash
        return _empty_roster(cat, date_order), tuple(bad) + ("These files could not be read together.",)
    return roster, tuple(bad)


def _empty_roster(cat: cpd.Catalogue, date_order: str) -> cpd.Roster:
    return cpd.read_sources([], catalogue=cat, date_order=date_order, on_error="collect")


def _frozen(overrides: dict) -> tuple:
    return tuple(sorted((k, tuple(sorted(v.items()))) for k, v in overrides.items()))


def load(as_of: date, window: int, date_order: str) -> Loaded:
    """The standing for this session's files and settings, from the session cache when nothing changed."""
    ss = st.session_state
    files = ss.get(FILES) or []
    cat, rules_error = catalogue()
    out = Loaded(catalogue=cat, names=filters.credential_labels(cat), rules_error=rules_error)
    notice = [ss[_NOTICE]] if ss.get(_NOTICE) else []
    out.problems = list(notice)
    from app_pages import _store

    if _store.viewing():  # a saved snapshot, read-only, instead of the files
        return scoped(_store.load_snapshot(out, as_of, window))
    if not files:
        return out
    overrides = ss.get(OVERRIDES) or {}
    read_key = (tuple((n, d) for n, _, d in files), date_order, cat.version, _frozen(overrides))
    fresh = ss.get(_ROSTERS, {}).get(read_key) is None
    roster, crashed = _remember(_ROSTERS, read_key, lambda: _read(files, cat, date_order, overrides), size=1)
    if fresh:  # the read's own peak (cell grids, parsing) is freed now: give it back to the system
        _memory.release(collect=False)
        if _store.apply_saved_corrections(roster):  # saved corrections for these headers: read with them
            return load(as_of, window, date_order)

    def compute() -> cpd.Standing | str:
        start = time.perf_counter()
        try:
            result = cpd.compute_standing(roster, cat, as_of=as_of, window=window)
            log.info("standing trainers=%d in %.2f s", len(result.trainers), time.perf_counter() - start)
            return result
        except Exception:  # noqa: BLE001
            log.exception(
                "standing failed (session rules in force: %s)", bool(ss.get(RULES) and not rules_error)
            )
            if (
                ss.get(RULES) and not rules_error
            ):  # the session's own rules are in force: they, not the files, differ
                return (
                    "Recert could not work out the standing with the rules edited in this session; your files "
                    "were read. Go back to the bundled rules on the Rules page, and please report those rules "
                    "to us."
                )
            return "Recert could not work out the standing for these files; please report this file to us."

    result = _remember(_STANDINGS, (read_key, as_of, window), compute, size=2)
    out.problems = notice + list(crashed)
    if isinstance(result, str):
        out.problems.append(result)
        return out
    out.problems = list(result.unreadable) + out.problems
    if len(result.trainers) or len(result.ledger):
        out.standing = result
        out.key = (read_key, as_of, window)
    return scoped(out)


def scoped(out: Loaded) -> Loaded:
    """THE place access applies (issue 14): the standing every page, chart, filter option and download reads is
    narrowed to the signed-in person's clubs (``cpd.access.narrow``; every club without sign-in). The scope is
    part of the key, so values derived from the standing (filter options) never outlive a change of grant."""
    from app_pages import _access
    from cpd.access import narrow

    if out.standing is not None:
        scope = _access.current()
        out.standing = narrow(out.standing, scope)
        out.key = (*out.key, scope.role, scope.clubs)
    return out


def _keep_valid(key: str, options: Sequence[str]) -> None:
    """Drop chosen values that the new data no longer has (e.g. after loading other files)."""
    chosen = st.session_state.get(key)
    if chosen:
        allowed = set(options)
        st.session_state[key] = [v for v in chosen if v in allowed]


def sidebar() -> Loaded:
    """Settings and filters, on every page; returns what the page shows."""
    with st.sidebar:
        st.header("Settings", divider="gray")
        as_of = st.date_input(
            "As of",
            value="today",
            key="as_of",
            format="YYYY-MM-DD",
            min_value=AS_OF_MIN,
            max_value=AS_OF_MAX,
            help="The date standing is worked out for. Change it to look ahead or back.",
        )
        window = st.number_input(
            "Risk window (days)",
            min_value=0,
            max_value=730,
            value=90,
            step=15,
            key="window",
            help="A certification expiring within this many days, not yet met, is at risk.",
        )
        date_order = st.selectbox(
            "Dates like 03/04/2026",
            ("auto", "mdy", "dmy"),
            key="date_order",
            format_func={
                "auto": "Work it out per column",
                "mdy": "Month first (US: 3 April)",
                "dmy": "Day first (UK/EU: 4 March)",
            }.get,
            help="How to read dates written with slashes when a column does not make it clear.",
        )
        loaded = load(as_of or date.today(), int(window), date_order)
        st.session_state["_loaded"] = loaded
        if loaded.standing is None:
            return loaded
        opts = _remember(
            "_options", loaded.key, lambda: filters.filter_options(loaded.standing, loaded.names)
        )
        st.header("Filters", divider="gray")
        for key, opt in zip(
            FILTER_KEYS, ("clubs", "roles", "bodies", "credentials", "statuses"), strict=True
        ):
            _keep_valid(key, opts[opt])
        clubs = st.multiselect("Club", opts["clubs"], key="f_clubs", placeholder="All clubs")
        roles = st.multiselect("Role", opts["roles"], key="f_roles", placeholder="All roles")
        bodies = st.multiselect("Certifying body", opts["bodies"], key="f_bodies", placeholder="All bodies")
        names = _remember(
            "_cred_names", loaded.key, lambda: filters.credential_names(loaded.standing, loaded.names)
        )
        creds = st.multiselect(
            "Credential",
            opts["credentials"],
            key="f_credentials",
            placeholder="All credentials",
            format_func=lambda c: names.get(c, c),
        )
        statuses = st.multiselect(
            "Status", opts["statuses"], key="f_statuses", placeholder="All statuses", format_func=status_label
        )
        loaded.filtered = any((clubs, roles, bodies, creds, statuses))
        loaded.view = filters.filter_standing(
            loaded.standing, clubs=clubs, roles=roles, bodies=bodies, credentials=creds, statuses=statuses
        )
        if loaded.filtered:
            st.button("Clear filters", on_click=clear_filters, icon=":material/filter_alt_off:")
    return loaded


def view_key(loaded: Loaded) -> tuple:
    """What this run's view was cut from (the standing's key and the sidebar's filters): the key under which a
    page keeps what it built from the view for the session (``_remember``), so a rerun rebuilds nothing."""
    return (loaded.key, tuple(tuple(st.session_state.get(k) or ()) for k in FILTER_KEYS))


def clear_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = []


def current() -> Loaded:
    """What the sidebar loaded in this run (pages call this)."""
    return st.session_state.get("_loaded") or Loaded()


def page(title: str) -> tuple[Loaded, cpd.Standing]:
    """A page that needs data: its title, then the loaded data, or the empty state and stop."""
    loaded = current()
    st.title(title)
    if loaded.view is None:
        no_data_yet()
        st.stop()
    return loaded, loaded.view


def no_data_yet() -> None:
    """The empty state of the pages that need data: say what to do, offer the sample."""
    from app_pages import _access

    if not _access.is_admin():  # managers and viewers read what an admin saved
        st.info(
            "No snapshot has been saved yet: an admin saves the rosters, then your clubs show here.",
            icon=":material/hourglass_empty:",
        )
        return
    st.info(
        "No spreadsheets loaded yet. Upload your rosters, certification lists or CE logs on the Upload page, "
        "or try Recert with sample data.",
        icon=":material/upload_file:",
    )
    c1, c2 = st.columns([1, 3])
    c1.page_link("app_pages/upload.py", label="Go to Upload", icon=":material/upload:")
    c2.button("Try it with sample data", on_click=load_sample, key="sample_empty", icon=":material/science:")


def export_buttons(view: cpd.Standing, cat: cpd.Catalogue, *, key: str) -> None:
    """Excel report, CSV and calendar of what is shown; each file is built only when clicked."""

    def report() -> bytes:
        from cpd.report import write_report  # openpyxl/XlsxWriter load when a report is asked for

        return write_report(view, cat)

    def calendar() -> bytes:
        from cpd.calendar import write_calendar

        return write_calendar(view)

    def csv() -> str:
        from cpd.export import standings_csv

        return standings_csv(view)

    stamp = view.as_of.isoformat()
    cols = st.columns(3)
    specs = [
        (
            "Excel report",
            "report",
            report,
            f"recert-report-{stamp}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ":material/table_view:",
        ),
        ("CSV of standings", "export", csv, f"recert-standings-{stamp}.csv", "text/csv", ":material/csv:"),
        (
            "Calendar of expiries",
            "calendar",
            calendar,
            f"recert-expiries-{stamp}.ics",
            "text/calendar",
            ":material/calendar_month:",
        ),
    ]
    from app_pages import _access

    for col, (label, module, build, name, mime, icon) in zip(cols, specs, strict=True):
        with col:
            st.download_button(
                label,
                data=_access.audited(build, name),
                file_name=name,
                mime=mime,
                icon=icon,
                key=f"{key}_{module}",
                on_click="ignore",
                width="stretch",
            )
