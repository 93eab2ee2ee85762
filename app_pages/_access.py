"""Sign-in and scope in the app: who is signed in (``st.user``), what they may see (``cpd.access``), the audit log.

Without ``[auth]`` in ``.streamlit/secrets.toml`` Recert is a single-user local tool: the scope is every club and
nothing is asked; started on a non-loopback address it refuses to serve (one sentence naming the setting) unless
``RECERT_ALLOW_UNAUTHENTICATED=1`` says a proxy in front signs people in.

With ``[auth]``: a person who is not signed in sees the sign-in page only; a signed-in person's grant is read from
the store on every run (cached ``GRANT_TTL`` seconds per process: grants, not staff data), so revoking takes effect
on their next interaction. The scope is kept in the session for ``_shared.load``, which narrows the Standing once
(``cpd.access.narrow``) for every page, chart, filter option and download.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import streamlit as st

from cpd.access import EVERYTHING, Grant, Scope, scope_for
from cpd.views import access as view
from cpd.views.escape import md_escape

log = logging.getLogger("recert")
SCOPE = "_scope"
SIGNED_IN = "_signed_in_logged"  # the email whose sign-in was written to the audit log in this session
GRANT_TTL = 3.0  # seconds a process reuses the grants it read (revocation reaches everyone within this)
PROVIDER_TTL = 15.0  # seconds a provider check is reused
CONTACT_ENV = "RECERT_ACCESS_CONTACT"  # who a person without a grant should ask (default: the admins' emails)
GROUPS_CLAIM_ENV = "RECERT_GROUPS_CLAIM"  # the claim holding the provider's groups (default "groups")
ADMIN_ONLY = frozenset({"upload", "rules", "access"})  # url paths only admins get (History is scoped)
NOBODY = Scope("viewer", frozenset())  # sign-in configured but no scope known: nothing is visible
_lock = threading.Lock()
_grants: dict[str, tuple[float, list[Grant]]] = {}
_providers: dict[str, tuple[float, str]] = {}
_warned: set[str] = set()


def auth_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` (or AppTest's secrets) has an ``[auth]`` section."""
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 - no secrets file, or one that does not parse: no sign-in
        return False


def current() -> Scope:
    """This run's scope: every club without sign-in; nothing when sign-in is on and no grant was found."""
    if not auth_configured():
        return EVERYTHING
    return st.session_state.get(SCOPE) or NOBODY


def is_admin() -> bool:
    return current().admin


def refuse_unsafe_bind() -> None:
    """Stop with one sentence when Recert would serve every club to a network without sign-in."""
    from streamlit import config

    address = config.get_option("server.address")  # the effective value: config.toml, --server.address, env
    said = view.unsafe_bind_sentence(
        address, auth=auth_configured(), override=os.environ.get(view.OVERRIDE_ENV)
    )
    if said:
        if said not in _warned:
            _warned.add(said)
            log.error(said)
        st.error(said, icon=":material/block:")
        st.stop()


def _store() -> Any | None:
    from app_pages import _store as store_page

    return store_page.store()


def grants(store: Any, *, fresh: bool = False) -> list[Grant]:
    """The store's grants, reused for ``GRANT_TTL`` seconds by every session of this process."""
    from cpd.store import access as stored

    now = time.monotonic()
    with _lock:
        hit = _grants.get(store.url)
    if hit and not fresh and now - hit[0] < GRANT_TTL:
        return hit[1]
    got = stored.grants(store)
    with _lock:
        _grants[store.url] = (now, got)
    return got


def forget_grants() -> None:
    with _lock:
        _grants.clear()


def _provider_problem() -> str:
    """One sentence when the provider's metadata cannot be fetched (checked at most every PROVIDER_TTL s)."""
    try:
        auth = st.secrets["auth"]
        url = str(
            auth.get("server_metadata_url")
            or next((v.get("server_metadata_url") for v in auth.values() if hasattr(v, "get")), "")
            or ""
        )
    except Exception:  # noqa: BLE001
        return ""
    if not url:
        return ""
    now = time.monotonic()
    with _lock:
        hit = _providers.get(url)
    if hit and now - hit[0] < PROVIDER_TTL:
        return hit[1]
    said = ""
    try:
        with urllib.request.urlopen(url, timeout=4) as r:  # noqa: S310 - the address is the admin's setting
            r.read(1)
    except Exception:  # noqa: BLE001 - any failure: the sign-in service is not there
        host = urllib.parse.urlsplit(url).hostname or "the provider"
        said = (
            f"The sign-in service ({host}) cannot be reached right now, so nobody can sign in: try again in a "
            "few minutes, or tell whoever runs Recert."
        )
    with _lock:
        _providers[url] = (now, said)
    return said


def _login() -> None:
    try:
        st.login()
    except Exception as exc:  # noqa: BLE001 - a misconfigured [auth] section: a sentence, not a traceback
        log.error("sign-in could not start: %s", type(exc).__name__)
        st.session_state["_login_problem"] = (
            "Sign-in is not set up correctly on this server "
            f"({type(exc).__name__}); tell whoever runs Recert."
        )


def sign_in_page() -> None:
    """The only thing a signed-out person sees: one button (or one sentence when the provider is down)."""
    st.title("Recert")
    problem = _provider_problem()
    if problem:
        st.warning(problem, icon=":material/cloud_off:")
        return
    st.write("Sign in to see your team's certifications.")
    st.button("Sign in", on_click=_login, type="primary", icon=":material/login:", key="sign_in")
    if st.session_state.get("_login_problem"):
        st.error(st.session_state["_login_problem"], icon=":material/error:")


def _claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001
        return {}


def _email(claims: dict[str, Any]) -> str:
    """The signed-in email; none when the provider says it is not verified."""
    if claims.get("email_verified") is False:
        return ""
    return str(claims.get("email") or "")


def _groups(claims: dict[str, Any]) -> list[str]:
    value = claims.get(os.environ.get(GROUPS_CLAIM_ENV, "groups") or "groups")
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def gate() -> Scope:
    """Run before anything else: without sign-in configured, every club (after the bind check); otherwise the
    signed-in person's scope, or the sign-in page / one sentence and ``st.stop()``."""
    ss = st.session_state
    if not auth_configured():
        refuse_unsafe_bind()
        return EVERYTHING
    claims = _claims()
    if not claims.get("is_logged_in"):
        ss.pop(SCOPE, None)
        sign_in_page()
        st.stop()
    email = _email(claims)
    store = _store()
    if store is None:
        ss.pop(SCOPE, None)
        from app_pages import _store as store_page

        st.error(
            md_escape(
                "Recert cannot check who may see what right now: "
                + (store_page.problem() or "the database cannot be reached.")
            ),
            icon=":material/error:",
        )
        sign_out_button(main=True)
        st.stop()
    try:
        scope = scope_for(email, _groups(claims), grants(store))
    except Exception as exc:  # noqa: BLE001 - a failing database: no data, one sentence
        ss.pop(SCOPE, None)
        log.warning("grants could not be read: %s", type(exc).__name__)
        st.error(
            "Recert cannot check who may see what right now; try again in a minute.", icon=":material/error:"
        )
        sign_out_button(main=True)
        st.stop()
    if scope is None:
        ss.pop(SCOPE, None)
        admins = [g.email for g in grants(store) if g.role == "admin" and g.email]
        st.title("Recert")
        st.info(
            md_escape(view.no_grant_sentence(email, admins, os.environ.get(CONTACT_ENV, ""))),
            icon=":material/lock:",
        )
        sign_out_button(main=True)
        st.stop()
    previous = ss.get(SCOPE)
    ss[SCOPE] = scope
    if previous is not None and previous != scope:
        ss.pop("_loaded", None)
    if ss.get(SIGNED_IN) != email:
        ss[SIGNED_IN] = email
        audit("signed_in", "", scope=scope)
    return scope


def sign_out_button(*, main: bool = False) -> None:
    where = st if main else st.sidebar
    where.button(
        "Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out_main" if main else "sign_out"
    )


def sidebar() -> None:
    """Who is signed in and the sign-out button; without sign-in, the single-user caption."""
    if not auth_configured():
        override = os.environ.get(view.OVERRIDE_ENV, "").strip() == "1"
        st.sidebar.caption(view.PROXY_CAPTION if override else view.LOCAL_CAPTION)
        return
    scope = current()
    st.sidebar.caption(md_escape(view.scope_caption(scope.email, scope)))
    sign_out_button()


def who() -> str:
    scope = current()
    return scope.email or ("local" if not auth_configured() else "")


def audit(action: str, what: str = "", *, scope: Scope | None = None) -> None:
    """Write one audit entry (only when sign-in is on: a single-user tool has no one to tell apart). A failure
    is logged, never shown: the action itself already happened."""
    if not auth_configured():
        return
    scope = scope or current()
    store = _store()
    if store is None:
        return
    _write(store, scope.email, action, what, scope.label())


def _write(store: Any, email: str, action: str, what: str, label: str) -> None:
    from cpd.store import access as stored

    try:
        stored.audit(store, email, action, what, label)
    except Exception as exc:  # noqa: BLE001
        log.warning("audit entry not written: %s", type(exc).__name__)


def audited(build: Callable[[], Any], file_name: str) -> Callable[[], Any]:
    """A download's data callable that writes 'downloaded FILE' to the audit log when the file is built (the
    click). Who and the scope are taken now: Streamlit builds the file outside this script run."""
    if not auth_configured():
        return build
    scope, store = current(), _store()

    def run() -> Any:
        data = build()
        if store is not None:
            _write(store, scope.email, "downloaded", file_name, scope.label())
        return data

    return run


def grant(g: Grant) -> list[str]:
    """Access page: give a grant; returns the warnings (unknown clubs)."""
    from cpd.access import grant_warnings
    from cpd.store import access as stored

    store = _store()
    if store is None:
        raise RuntimeError("no store")
    stored.grant(store, g, by=current().email)
    forget_grants()
    return grant_warnings(g, stored.known_clubs(store)) if g.clubs else []


def revoke(email: str = "", group: str = "") -> bool:
    from cpd.store import access as stored

    store = _store()
    if store is None:
        raise RuntimeError("no store")
    gone = stored.revoke(store, email, group=group, by=current().email)
    forget_grants()
    return gone


def viewing_caption() -> None:
    """For managers and viewers: which saved snapshot they read (no way to leave it: they do not upload)."""
    from app_pages import _store as store_page
    from cpd.fmt import day

    info = store_page.viewing_info()
    if info is not None:
        st.caption(f"Saved snapshot of {day(info.as_of)}.")
