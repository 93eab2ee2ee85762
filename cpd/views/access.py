"""The Access page's tables and the sentences of sign-in (pure: frames and text from grants and audit entries)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from cpd.access import Grant, Scope
from cpd.export import write_csv

AUDIT_COLUMNS = ["at", "who", "action", "what", "scope"]
ACTION_LABELS = {
    "signed_in": "signed in",
    "snapshot_saved": "saved a snapshot",
    "snapshot_deleted": "deleted a snapshot",
    "rules_saved": "saved the team's rules",
    "access_granted": "granted access",
    "access_revoked": "revoked access",
    "downloaded": "downloaded",
}
OVERRIDE_ENV = "RECERT_ALLOW_UNAUTHENTICATED"


def grants_table(grants: Iterable[Grant]) -> pd.DataFrame:
    """One row per grant: who (email or 'group NAME'), role, clubs."""
    rows = [
        {
            "who": f"group {g.group}" if g.group else g.email,
            "role": g.role,
            "clubs": ", ".join(g.clubs) if g.clubs else "every club",
        }
        for g in grants
    ]
    return pd.DataFrame(rows, columns=["who", "role", "clubs"])


def audit_table(entries: Iterable[Any]) -> pd.DataFrame:
    """The audit entries as a table, newest first (times in UTC)."""
    rows = [
        {
            "at": pd.Timestamp(e.at).tz_convert("UTC").tz_localize(None),
            "who": e.who,
            "action": ACTION_LABELS.get(e.action, e.action),
            "what": e.what,
            "scope": e.scope,
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def audit_csv(entries: Iterable[Any]) -> str:
    """The audit log as CSV (``cpd.export.write_csv``: every text neutralised), times ISO-8601 UTC."""
    rows = [
        (pd.Timestamp(e.at).tz_convert("UTC").isoformat(), e.who, e.action, e.what, e.scope) for e in entries
    ]
    return write_csv(["at_utc", "who", "action", "what", "scope"], rows)


def scope_caption(email: str, scope: Scope) -> str:
    """Who is signed in and what they see, for the sidebar."""
    if scope.admin:
        return f"Signed in as {email}: admin, every club."
    what = "read only" if scope.read_only else "manager"
    return f"Signed in as {email}: {what}, {scope.label()}."


def no_grant_sentence(email: str, admins: Sequence[str], contact: str = "") -> str:
    """The one sentence a signed-in person without a grant reads (who to ask)."""
    ask = contact.strip() or (", ".join(admins[:3]) if admins else "whoever runs Recert for your team")
    return f"{email or 'This account'} has no access to Recert yet: ask {ask} to grant it."


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'; an unset address (every interface) is not."""
    if not address:
        return False
    text = address.strip().strip("[]")
    if text.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def unsafe_bind_sentence(address: str | None, *, auth: bool, override: str | None) -> str:
    """The sentence Recert stops with when it would serve everyone's data without sign-in, else ''."""
    if auth or is_loopback(address) or (override or "").strip() == "1":
        return ""
    where = (
        f"server.address is {address}" if address else "server.address is not set (every network interface)"
    )
    return (
        f"Recert will not start: {where} but sign-in is not configured ([auth] in .streamlit/secrets.toml); "
        f"set server.address to 127.0.0.1, configure sign-in, or set {OVERRIDE_ENV}=1 if your own proxy "
        "signs people in."
    )


LOCAL_CAPTION = (
    "Single-user mode: no sign-in is configured, so Recert serves only this computer (127.0.0.1) "
    "and shows every club."
)
PROXY_CAPTION = (
    f"No sign-in is configured and {OVERRIDE_ENV}=1: whoever your proxy lets through sees every club."
)
