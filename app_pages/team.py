"""Team: the compliance of everyone shown, at a glance, and the list of what needs doing first."""

import streamlit as st

from app_pages import _shared
from cpd.fmt import DAY_COLUMN, day
from cpd.views import filters, team

ss = st.session_state

loaded, view = _shared.page("Team")
# Figures, headline and table of this view, built once per session and view (a rerun rebuilds nothing).
built = _shared._remember("_team_page", _shared.view_key(loaded), lambda: team.team_page(view, loaded.names))

scope = "filtered" if loaded.filtered else "all trainers"
st.caption(f"As of {day(view.as_of)} · risk window {view.window} days · {scope}")

# Headline -------------------------------------------------------------------------------------------------------
cols = st.columns(5)
for col, kpi in zip(cols, built.kpis.values(), strict=True):
    col.metric(
        kpi.label,
        kpi.value,
        delta=kpi.detail or None,
        delta_color="off",
        delta_arrow="off",
        help=kpi.help,
        border=True,
    )

if view.standings.empty:
    st.info("No certifications match the filters.", icon=":material/filter_alt:")
    st.stop()


# Charts ---------------------------------------------------------------------------------------------------------
def on_club_click() -> None:
    """A click (or box selection) on the club chart becomes the club filter."""
    clubs = filters.club_from_selection(ss.get("club_chart"))
    if clubs:
        ss["f_clubs"] = clubs


left, right = st.columns(2, gap="large")
with left:
    st.subheader("Status by club")
    st.plotly_chart(
        built.club_chart,
        key="club_chart",
        on_select=on_club_click,
        selection_mode=("points", "box"),
        config=_shared.PLOTLY_CONFIG,
    )
    st.caption("Click a club's bar to show only that club.")
with right:
    st.subheader("Expiries over the next 12 months")
    st.plotly_chart(built.expiry_chart, key="expiry_chart", config=_shared.PLOTLY_CONFIG)

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Credit progress where it matters")
    st.plotly_chart(built.progress_chart, key="progress_chart", config=_shared.PLOTLY_CONFIG)
    st.caption(
        "Renewable certifications short of credits (up to 20): at risk first, then in grace, then behind "
        "pace. The tick shows where a steady pace would be by now."
    )
with right:
    st.subheader("Status by certifying body")
    st.plotly_chart(built.body_chart, key="body_chart", config=_shared.PLOTLY_CONFIG)

# Needs attention ----------------------------------------------------------------------------------------------
total, attention = built.attention_total, built.attention
st.subheader(f"Needs attention ({total:,})")
if attention.empty:
    st.success(
        "Nothing needs attention: every trainer shown holds a certification, each one on track or met "
        "with its CPR/AED card in order.",
        icon=":material/check_circle:",
    )
else:
    shown = (
        f"The {len(attention):,} most urgent of {total:,} are listed; the Excel report has them all. "
        if total > len(attention)
        else ""
    )
    st.caption(f"Most urgent first. {shown}Select a row to open that trainer.")
    event = st.dataframe(
        attention,
        key="attention_table",
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(attention), 560),
        on_select="rerun",
        selection_mode="single-row",
        column_order=[
            "Trainer",
            "Club",
            "Certification",
            "Status",
            "Days left",
            "Progress",
            "What to do",
            "Expires",
            "Credits",
            "CPR/AED",
        ],
        column_config={
            "Expires": st.column_config.DateColumn(format=DAY_COLUMN),
            "Days left": st.column_config.NumberColumn(format="%d", help="Negative: days since it expired"),
            "Progress": st.column_config.ProgressColumn(
                format="%d%%",
                min_value=0,
                max_value=100,
                width="small",
                help="Share of the required credits earned",
            ),
            "What to do": st.column_config.TextColumn(width="large"),
        },
    )
    picked = event.selection.rows if event else []
    if picked:
        ss[_shared.TRAINER] = built.attention_ids[picked[0]]
        ss["trainer_pick"] = ss[_shared.TRAINER]
        st.switch_page("app_pages/trainer.py")

# Exports --------------------------------------------------------------------------------------------------------
st.subheader("Export")
st.caption("Exports cover the trainers shown here (the sidebar filters apply).")
_shared.export_buttons(view, loaded.catalogue, key="team_export")
