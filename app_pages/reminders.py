"""Reminders: a drafted message for each trainer who has something to do, ready for the manager's mail program."""

import streamlit as st

from app_pages import _access, _remind, _shared
from cpd import reminders
from cpd.fmt import DAY_COLUMN
from cpd.views import reminders as reminders_view
from cpd.views.escape import md_escape

ss = st.session_state

loaded, view = _shared.page("Reminders")
sign_off = st.text_input(
    "Sign the messages as", key="sign_off", placeholder="e.g. Sam, Fitness Manager", max_chars=80
)
try:
    drafts = reminders.drafts(view, sign_off=sign_off)
except Exception:  # noqa: BLE001 - a drafting bug must not take the page down
    st.error("The reminder drafts could not be prepared for these files.", icon=":material/error:")
    st.stop()

st.caption(
    "Drafts only: nothing is sent. Open one in your mail program, check it and send it yourself, or "
    "download them all for a mail merge. The sidebar filters apply."
)
if drafts.empty:
    st.success(
        "Nobody needs a reminder: every certification shown is on track or met.",
        icon=":material/check_circle:",
    )
    _remind.section(view)  # what Recert sent, and sending now (issue 15)
    st.stop()

drafts_name = f"recert-reminders-{view.as_of.isoformat()}.csv"
st.download_button(
    "Download all drafts (CSV)",
    data=_access.audited(lambda: reminders.drafts_csv(view, sign_off=sign_off), drafts_name),
    file_name=drafts_name,
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)

table = reminders_view.draft_table(drafts)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_order=[c for c in reminders_view.TABLE_COLUMNS if c in table],
    column_config={
        "trainer": "Trainer",
        "club": "Club",
        "email": "Email",
        "subject": "Subject",
        "deadline": st.column_config.DateColumn("Act by", format=DAY_COLUMN),
        "write": st.column_config.LinkColumn("Draft", display_text="Open in mail"),
    },
)

st.subheader("Read a draft")
labels = reminders_view.draft_labels(drafts)
pick = st.selectbox("Draft for", list(drafts.index), format_func=labels.get, key="draft_pick")
row = drafts.loc[pick]
with st.container(border=True):
    st.text(f"To: {row['email'] or '(no email on file)'}")
    st.text(f"Subject: {row['subject']}")
    st.text(row["body"])
if row["email"]:
    st.link_button("Open in my mail program", row["mailto"], icon=":material/send:")
else:
    st.caption(f"No valid email on file for {md_escape(row['trainer'])}: copy the text above.")

_remind.section(view)  # what Recert sent, and sending now (issue 15)
