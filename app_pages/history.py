"""History: the saved snapshots, the trend of compliance and of each status, and what changed between two."""

import streamlit as st

from app_pages import _access, _shared, _store
from cpd import history, trend_charts
from cpd.fmt import day
from cpd.views import history as view
from cpd.views.escape import md_escape

ss = st.session_state
loaded = _shared.current()
_SCOPED = "_history_scoped_infos"


def _scoped_infos(infos: list, access) -> list:
    """The snapshots' infos as ``access`` sees them (``history.scoped_info``: each snapshot's standing narrowed and
    summarised again), remembered for this session per snapshot and scope; a snapshot that cannot be read is
    left out."""
    memo = ss.setdefault(_SCOPED, {})
    out = []
    for info in infos:
        key = (info.id, access.role, access.clubs)
        if key not in memo:
            snap = _store.snapshot(info.id)
            standing = (
                None if snap is None else _store.snapshot_standing(info.id, info.as_of, int(snap.window))
            )
            if standing is None:
                continue
            memo[key] = history.scoped_info(info, standing, access)
        out.append(memo[key])
    return out


st.title("History")
st.markdown(
    "Every snapshot saved from the Upload page (or with `recert import`): how compliance moved, and what "
    "changed from one to the next."
)
if ss.get("_history_notice"):
    st.success(ss.pop("_history_notice"), icon=":material/check_circle:")

infos = _store.infos(refresh=True)
if _store.problem():
    if _store.problem_not_shown():
        st.warning(md_escape(_store.problem()), icon=":material/warning:")
    st.stop()
if not infos:
    st.info(
        "No snapshots saved yet. Upload this month's files, then press **Save as snapshot** on the Upload "
        "page; next month's upload saved the same way shows here with what changed.",
        icon=":material/history:",
    )
    st.page_link("app_pages/upload.py", label="Go to Upload", icon=":material/upload:")
    st.stop()

access = _access.current()
if not access.all_clubs:  # a manager or viewer: every figure of their clubs only (issue 14)
    infos = _scoped_infos(infos, access)
    if not infos:
        st.warning("The saved snapshots could not be read.", icon=":material/warning:")
        st.stop()
by_id = {i.id: i for i in infos}
clubs = list(ss.get("f_clubs") or [])


# Trend ------------------------------------------------------------------------------------------------------------
def trend_figures() -> tuple:
    trend = history.trend(infos)
    club_trend = history.club_trend(infos)
    return (
        trend_charts.compliance_over_time(trend, club_trend, chosen=clubs),
        trend_charts.statuses_over_time(view.trend_of_clubs(club_trend, trend, clubs)),
    )


# The figures of these snapshots and clubs, from the session's cache (a rerun does not rebuild them).
compliance_fig, status_fig = _shared._remember(
    "_trend_figures", (tuple(i.id for i in infos), tuple(clubs)), trend_figures, size=2, derived=False
)


def on_trend_click() -> None:
    picked = trend_charts.club_from_trend_selection(ss.get("trend_chart"))
    if picked:
        ss["f_clubs"] = picked


scope = f" · {', '.join(md_escape(c) for c in clubs)}" if clubs else ""
st.subheader("Trend")
st.caption(f"{len(infos)} snapshot{'s' if len(infos) != 1 else ''}, each at its own as-of date{scope}.")
left, right = st.columns(2, gap="large")
with left:
    st.markdown("**Trainers compliant**")
    st.plotly_chart(
        compliance_fig,
        key="trend_chart",
        on_select=on_trend_click,
        selection_mode=("points",),
        config=_shared.PLOTLY_CONFIG,
    )
    st.caption("The dark line is every trainer; click a club's line to show only that club.")
with right:
    st.markdown("**Trainers by status**")
    st.plotly_chart(status_fig, key="status_trend_chart", config=_shared.PLOTLY_CONFIG)
    st.caption("Each trainer counted once, at their most urgent certification's status.")

# What changed ------------------------------------------------------------------------------------------------------
st.subheader("What changed")
if len(infos) < 2:
    st.info("One snapshot saved so far: save next month's files to see what changed.", icon=":material/info:")
else:
    ids = [i.id for i in infos]
    c1, c2, c3 = st.columns([2, 2, 1])
    from_id = c1.selectbox(
        "From", ids, index=len(ids) - 2, key="diff_from", format_func=lambda i: view.snapshot_name(by_id[i])
    )
    to_id = c2.selectbox(
        "To", ids, index=len(ids) - 1, key="diff_to", format_func=lambda i: view.snapshot_name(by_id[i])
    )
    as_of = c3.date_input(
        "Judged as of",
        value=by_id[to_id].as_of,
        key=f"diff_as_of_{to_id}",
        format="YYYY-MM-DD",
        help="Both snapshots are judged at this date (the later one's by default), so a change "
        "means the data changed, not the calendar.",
    )
    if from_id == to_id:
        st.info("Pick two different snapshots.", icon=":material/info:")
    else:
        d = _store.changes(from_id, to_id, as_of)
        if d is None:
            st.warning(
                md_escape(_store.problem() or "These snapshots could not be read."), icon=":material/warning:"
            )
        else:
            d = view.filter_diff(d, clubs)
            st.caption(
                f"From {md_escape(view.snapshot_name(by_id[from_id]))} to "
                f"{md_escape(view.snapshot_name(by_id[to_id]))}, both judged as of {day(as_of)}{scope}."
            )
            counts = view.diff_counts(d)
            cols = st.columns(4) + st.columns(4)  # two rows: the labels stay whole
            for col, (label, n, help_) in zip(cols, counts, strict=True):
                col.metric(label, f"{n:,}", help=help_, border=True)
            if d.empty:
                st.success("Nothing changed between these two snapshots.", icon=":material/check_circle:")
            for name, (label, _help) in view.DIFF_SECTIONS.items():
                table = view.diff_table(d, name, loaded.names)
                if table.empty:
                    continue
                with st.expander(
                    f"{label} ({len(table):,})", expanded=name in ("newly_lapsed", "newly_at_risk")
                ):
                    st.dataframe(
                        table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 420)
                    )

# The snapshots -----------------------------------------------------------------------------------------------------
st.subheader("Saved snapshots")
table = view.snapshots_table(infos)
hidden = {"snapshot"} if access.admin else {"snapshot", "Files", "Note"}  # file names may name other clubs
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_order=[c for c in table.columns if c not in hidden],
    column_config={
        "As of": st.column_config.DateColumn(format="D MMM YYYY"),
        "Saved": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
        "Compliant": st.column_config.NumberColumn(format="%.1f%%"),
        "Files": st.column_config.TextColumn(width="large"),
    },
)
ids_newest = list(table["snapshot"])
pick = st.selectbox(
    "Snapshot", ids_newest, key="history_pick", format_func=lambda i: view.snapshot_name(by_id[i])
)
b1, b2, _ = st.columns([1, 1, 2])
b1.button(
    "Open as it was",
    key="open_snapshot",
    on_click=_store.open_snapshot,
    args=(pick,),
    icon=":material/history:",
    type="primary",
    disabled=_store.viewing() == pick,
    help="Every page shows this snapshot, read-only, at its own as-of date.",
)
if not access.admin:  # deleting snapshots and keeping fewer are an admin's
    st.stop()
confirm = b2.checkbox("Delete…", key=f"confirm_delete_{pick}", help="Tick to delete this snapshot.")
if confirm:
    st.warning(
        f"Delete the snapshot {md_escape(view.snapshot_name(by_id[pick]))}? Its files, standing and "
        "history are removed for good.",
        icon=":material/delete_forever:",
    )
    st.button(
        "Delete this snapshot",
        key="delete_snapshot",
        on_click=_store.delete_snapshot,
        args=(pick,),
        icon=":material/delete_forever:",
        type="primary",
    )

with st.expander("Keep how many snapshots"):
    st.caption("Applied each time a snapshot is saved. 0 keeps everything.")
    keep_last, keep_days = _store.retention()
    r1, r2 = st.columns(2)
    r1.number_input(
        "Keep the last N snapshots",
        min_value=0,
        max_value=10_000,
        step=1,
        value=keep_last or 0,
        key="keep_last_input",
        on_change=_store.set_retention,
        args=("keep_last_input", _store.KEEP_LAST),
    )
    r2.number_input(
        "Keep the snapshots of the last N days",
        min_value=0,
        max_value=36_500,
        step=30,
        value=keep_days or 0,
        key="keep_days_input",
        on_change=_store.set_retention,
        args=("keep_days_input", _store.KEEP_DAYS),
    )
    st.button(
        "Apply now", key="apply_retention", on_click=_store.apply_retention_now, icon=":material/cleaning:"
    )
