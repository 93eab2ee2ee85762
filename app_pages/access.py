"""Access (admins only): who may see which clubs, granting and revoking, and the audit log."""

import streamlit as st

from app_pages import _access, _shared
from cpd.access import AccessError, Grant
from cpd.views import access as view
from cpd.views.escape import md_escape

ss = st.session_state
st.title("Access")
if not _access.is_admin():  # the navigation already leaves this page out for everyone else
    st.stop()
store = _access._store()
if store is None:
    from app_pages import _store

    st.warning(md_escape(_store.problem() or "The database cannot be reached."), icon=":material/warning:")
    st.stop()


def on_grant() -> None:
    clubs = list(ss.get("grant_clubs") or [])
    try:
        g = Grant.make(
            ss.get("grant_email", ""), ss.get("grant_role", "viewer"), clubs, ss.get("grant_group", "")
        )
        said = _access.grant(g)
    except AccessError as exc:
        ss["_access_notice"] = ("error", str(exc))
        return
    except Exception:  # noqa: BLE001
        ss["_access_notice"] = ("error", "The grant could not be saved: the database cannot be written.")
        return
    who = f"group {g.group}" if g.group else g.email
    ss["_access_notice"] = (
        "ok",
        " ".join(
            [
                f"{who} is now {g.role}" + (f" of {', '.join(g.clubs)}." if g.clubs else " of every club."),
                *said,
            ]
        ),
    )


def on_revoke() -> None:
    pick = ss.get("revoke_pick") or ""
    kind, _, subject = pick.partition(":")
    try:
        gone = _access.revoke(
            email=subject if kind == "email" else "", group=subject if kind == "group" else ""
        )
    except Exception:  # noqa: BLE001
        ss["_access_notice"] = ("error", "The grant could not be revoked: the database cannot be written.")
        return
    ss["_access_notice"] = ("ok", f"{subject}'s access was revoked." if gone else f"{subject} had no grant.")


notice = ss.pop("_access_notice", None)
if notice:
    (st.success if notice[0] == "ok" else st.error)(md_escape(notice[1]))

grants = _access.grants(store, fresh=True)
st.subheader("Who may see what")
st.dataframe(
    view.grants_table(grants),
    hide_index=True,
    width="stretch",
    column_config={"who": "Email or group", "role": "Role", "clubs": "Clubs"},
)

loaded = _shared.current()
known = (
    []
    if loaded.standing is None
    else sorted(
        {str(c) for c in loaded.standing.trainers["club"].dropna() if str(c).strip()}, key=str.casefold
    )
)
with st.form("grant_form", clear_on_submit=True):
    st.markdown("**Grant access**")
    c1, c2 = st.columns(2)
    c1.text_input("Email", key="grant_email", max_chars=320, placeholder="ana@example.com")
    c2.text_input("or a group from the provider's groups claim", key="grant_group", max_chars=200)
    c3, c4 = st.columns([1, 2])
    c3.selectbox(
        "Role",
        ("manager", "viewer", "admin"),
        key="grant_role",
        help="admin: every club, uploads, snapshots, rules and access; manager: their clubs; viewer: their "
        "clubs, read only.",
    )
    c4.multiselect(
        "Clubs",
        known,
        key="grant_clubs",
        accept_new_options=True,
        placeholder="Pick or type club names (not needed for an admin)",
    )
    st.form_submit_button(
        "Grant", on_click=on_grant, type="primary", icon=":material/person_add:", key="grant_submit"
    )

if grants:
    options = {
        (f"group:{g.group}" if g.group else f"email:{g.email}"): (f"group {g.group}" if g.group else g.email)
        for g in grants
    }
    r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
    r1.selectbox("Revoke the access of", list(options), format_func=options.get, key="revoke_pick")
    r2.button("Revoke", on_click=on_revoke, icon=":material/person_remove:", width="stretch")

st.subheader("Audit log")
from cpd.store import access as stored  # noqa: E402

try:
    entries = stored.audit_log(store)
except Exception:  # noqa: BLE001
    st.warning("The audit log cannot be read right now.", icon=":material/warning:")
    st.stop()
st.caption(f"The newest {len(entries)} entries (at most {stored.AUDIT_SHOWN}), times in UTC.")
st.download_button(
    "Download the audit log (CSV)",
    data=_access.audited(lambda: view.audit_csv(entries), "recert-audit-log.csv"),
    file_name="recert-audit-log.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
st.dataframe(
    view.audit_table(entries),
    hide_index=True,
    width="stretch",
    column_config={
        "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        "who": "Who",
        "action": "Action",
        "what": "What",
        "scope": "Scope",
    },
)
