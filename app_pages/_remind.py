"""The Reminders page's part of issue 15: what Recert sent, per trainer, and "Send the due ones now".

Shown only with a store (the sent log lives there). Sending is offered to an admin (everyone when sign-in is not
configured) when SMTP is configured (``RECERT_SMTP_HOST``), for today's date only, after a confirmation; it is
exactly ``recert remind`` on the standing shown (the sidebar filters apply): the same schedule, the same sent log,
so nothing the scheduled job sent goes out twice.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import _store
from cpd.fmt import DAY_COLUMN
from cpd.views import reminders as reminders_view
from cpd.views.escape import md_escape

CONFIRM = "_remind_confirm"


def _is_admin() -> bool:
    try:
        from app_pages import _access
    except ImportError:  # no sign-in in this version: a single-user local tool
        return True
    return _access.is_admin()


def section(view) -> None:
    """Render the "Sent by Recert" table and, where allowed, the send button."""
    if not _store.configured():
        st.caption(
            "With a saved store and SMTP settings, `recert remind` sends these by itself on a schedule "
            "(see the README)."
        )
        return
    from cpd.store.sent import SentLog

    entries = _store.call(lambda s: SentLog(s.engine).entries(), None)
    if entries is None:
        if _store.problem():
            st.warning(md_escape(_store.problem()), icon=":material/database:")
        return
    s = view.standings
    labels = {
        (str(t), str(c)): str(n)
        for t, c, n in zip(s["trainer_id"], s["credential"], s["credential_name"], strict=True)
    }
    table = reminders_view.sent_table(entries, view.trainers, labels)
    st.subheader("Sent by Recert")
    if table.empty:
        st.caption("Nothing has been sent to the trainers shown yet.")
    else:
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="sent_log",
            column_config={
                "trainer": "Trainer",
                "club": "Club",
                "what": "Certification",
                "step": "Reminder",
                "status": "Status",
                "to": "To",
                "reason": "Why not sent",
                "deadline": st.column_config.DateColumn("Deadline", format=DAY_COLUMN),
                "when": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm"),
            },
        )
    from cpd.mail import smtp_configured

    if smtp_configured() and _is_admin():
        _send(view)


def _send(view) -> None:
    from cpd.mail import MailSettingsError, smtp_settings
    from cpd.remind.cli import _manager_grants
    from cpd.remind.run import prepare, send_all
    from cpd.remind.settings import SettingsError, load_settings, manager_addresses
    from cpd.store.sent import SentLog

    ss = st.session_state
    if view.as_of != date.today():
        st.caption("Sending uses today's date: set the as-of date to today to send the reminders due now.")
        return
    if not ss.get(CONFIRM):
        st.button(
            "Send the due ones now…",
            key="remind_start",
            icon=":material/send:",
            on_click=lambda: ss.__setitem__(CONFIRM, True),
        )
        return
    try:
        settings = load_settings()
        smtp = smtp_settings()
    except (SettingsError, MailSettingsError) as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return

    def plan_of(store):
        managers = manager_addresses(
            view.trainers["club"].dropna().astype(str).tolist(),
            settings=settings,
            grants=_manager_grants(store),
        )
        log = SentLog(store.engine)
        return log, prepare(view, settings=settings, managers=managers, done=log.done())

    got = _store.call(plan_of, None)
    if got is None:
        return
    log, plan = got
    trainers = sum(m.kind == "trainer" for m in plan.messages)
    if not plan.messages:
        st.info(
            "Nothing is due today: every reminder on the schedule has been sent.", icon=":material/done_all:"
        )
        ss.pop(CONFIRM, None)
        return
    st.warning(
        f"Send {trainers} reminder(s) and {len(plan.messages) - trainers} digest(s) now through "
        f"{md_escape(smtp.describe())}? {len(plan.skipped)} trainer(s) have no usable address.",
        icon=":material/mail:",
    )
    c1, c2 = st.columns(2)
    if c2.button("Cancel", key="remind_cancel"):
        ss.pop(CONFIRM, None)
        st.rerun()
    if c1.button("Yes, send them", key="remind_send", type="primary"):
        with st.spinner("Sending…"):
            summary = _store.call(lambda _s: send_all(plan, log=log, smtp=smtp, settings=settings), None)
        ss.pop(CONFIRM, None)
        if summary is None:
            return
        done = f"Sent {summary.sent} reminder(s) and {summary.digests} digest(s)."
        if summary.failed:
            st.warning(
                md_escape(
                    f"{done} {len(summary.failed)} could not be sent ({summary.failed[0]['reason']}); "
                    "they go out on the next run."
                ),
                icon=":material/warning:",
            )
        else:
            st.success(done, icon=":material/check_circle:")
