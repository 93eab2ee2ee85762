"""Trainer: one person's certifications, what each still needs, and the CE that counted toward them."""

import pandas as pd
import streamlit as st

from app_pages import _shared
from cpd import charts
from cpd.fmt import DAY_COLUMN, capitalised, day, number, status_label
from cpd.views import trainer
from cpd.views.escape import md_escape

ss = st.session_state
BADGE = {
    "expired": "red",
    "grace": "red",
    "at_risk": "orange",
    "behind": "yellow",
    "on_track": "blue",
    "met": "green",
    "missing": "gray",
}

loaded, view = _shared.page("Trainer")

choices = trainer.trainer_choices(view)
if choices.empty:
    st.info("No trainer matches the filters.", icon=":material/filter_alt:")
    st.stop()
labels = dict(zip(choices["trainer_id"], choices["label"], strict=True))
ids = choices["trainer_id"].tolist()
if ss.get("trainer_pick") not in labels:  # keep the last trainer across pages; else the most urgent one
    ss["trainer_pick"] = ss.get(_shared.TRAINER) if ss.get(_shared.TRAINER) in labels else ids[0]
tid = st.selectbox(
    "Trainer",
    ids,
    key="trainer_pick",
    format_func=labels.get,
    help="Type to search. Listed most urgent first.",
)
ss[_shared.TRAINER] = tid

who = trainer.trainer_summary(view, tid)
status = who["status"]
head = st.container(horizontal=True, vertical_alignment="center")
head.subheader(md_escape(who["trainer"]), anchor=False)  # no "#name" link made from file text
head.badge(status_label(status), color=BADGE.get(status, "gray"))
head.badge(
    "Compliant" if who["compliant"] else "Not compliant",
    color="green" if who["compliant"] else "red",
    icon=":material/check:" if who["compliant"] else ":material/close:",
)
facts = [who["club"], who["role"], who["email"]]
st.text(" · ".join(f for f in facts if f) or " ")  # plain text: the email address copies as it is in the file

certs = trainer.trainer_certifications(view, tid, loaded.names)
if certs.empty:
    st.info("No certification on file for this trainer.", icon=":material/badge:")

for _, c in certs.iterrows():
    with st.container(border=True):
        top = st.container(horizontal=True, vertical_alignment="center")
        top.markdown(f"**{md_escape(c['Certification'])}**")
        top.badge(c["Status"], color=BADGE.get(c["status"], "gray"))
        m = st.columns(4)
        if pd.notna(c["Required"]) and pd.notna(c["Earned"]):
            m[0].metric(
                "Credits",
                f"{number(c['Earned'])} of {number(c['Required'])}",
                delta=f"{md_escape(c['Unit'])} · {number(c['Remaining'])} to go"
                if c["Remaining"] > 0
                else f"{md_escape(c['Unit'])} · requirement met",
                delta_color="off",
                delta_arrow="off",
            )
        else:
            m[0].metric("Credits", "Not checked" if pd.isna(c["Required"]) else "Not recorded")
        days = int(c["Days left"])
        m[1].metric(
            "Days left" if days >= 0 else "Expired", f"{days:,}" if days >= 0 else f"{-days:,} days ago"
        )
        m[2].metric("Expires", day(c["Expires"]))
        m[3].metric(
            "CPR/AED", c["cpr_value"], delta=c["cpr_detail"] or None, delta_color="off", delta_arrow="off"
        )
        if pd.notna(c["Progress"]):
            st.progress(
                int(c["Progress"]), text=f"{int(c['Progress'])}% of the required credits"
            )  # a percent
        if c["reasons"]:
            st.markdown("\n".join(f"- {md_escape(capitalised(r))}" for r in c["reasons"]))
        if pd.notna(c["Required"]) and pd.notna(c["Earned"]):
            st.plotly_chart(
                charts.credit_timeline(view, tid, c["cert_key"]),
                key=f"timeline_{c['cert_key']}",
                config=_shared.PLOTLY_CONFIG,
            )

st.subheader("CE activities")
acts = trainer.trainer_activities(view, tid, loaded.names)
if acts.empty:
    st.caption("No CE activity on file for this trainer.")
else:
    st.dataframe(
        acts,
        hide_index=True,
        width="stretch",
        column_config={
            "Date": st.column_config.DateColumn(format=DAY_COLUMN),
            "Counted toward": st.column_config.TextColumn(width="large"),
        },
    )

cards = view.cpr_cards[view.cpr_cards["trainer_id"].eq(tid)]
if len(cards):
    st.subheader("CPR/AED cards")
    st.dataframe(
        pd.DataFrame(
            {
                "Issued": cards["issued"].map(day),
                "Expires": cards["expires"].map(day),
                "Current": cards["current"].astype(bool),
                "From": cards["source"].astype(str),
                "File": cards["file"].astype(str),
            }
        ),
        hide_index=True,
        width="stretch",
    )
