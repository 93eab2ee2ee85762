"""Access rules in the app, through AppTest with a faked st.user and [auth] secrets: the sign-in page, no
grant, a manager's and a viewer's scope on every page, revocation on the next run, the Access page, and the
single-user bind check."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

import cpd
from app_pages import _access
from cpd.access import Grant
from cpd.samples import build_sample
from cpd.store import access as stored
from cpd.store import open_store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
AS_OF = date(2026, 6, 1)
AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "recert",
        "client_secret": "s" * 16,
    }
}
ADMIN, DT, NG, VIEW = "boss@example.com", "dt@example.com", "ng@example.com", "view@example.com"


@pytest.fixture(scope="module")
def sample():
    files = build_sample(AS_OF)
    cat = cpd.load_catalogue()
    sources = [cpd.Source(n, d) for n, d in files.items()]
    roster = cpd.read_sources(sources, catalogue=cat, on_error="collect")
    return roster, sources, cpd.compute_standing(roster, cat, as_of=AS_OF)


@pytest.fixture
def db(tmp_path, monkeypatch, sample):
    url = f"sqlite:///{tmp_path / 'recert.db'}"
    monkeypatch.setenv("RECERT_DATABASE_URL", url)
    monkeypatch.delenv("RECERT_DEMO", raising=False)
    monkeypatch.delenv(_access.CONTACT_ENV, raising=False)
    roster, sources, _ = sample
    with open_store(url) as s:
        s.save(roster, sources, as_of=AS_OF, label="June")
        for g in (
            Grant.make(ADMIN, "admin"),
            Grant.make(DT, "manager", ["Downtown"]),
            Grant.make(NG, "manager", ["northgate"]),
            Grant.make(VIEW, "viewer", ["Riverside"]),
        ):
            stored.grant(s, g, by="test")
    _access.forget_grants()
    yield url
    _access.forget_grants()


def _app(user: dict, *, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = AUTH if secrets is None else secrets
    at.user = user
    return at.run()


def _signed(email: str) -> dict:
    return {"is_logged_in": True, "email": email, "email_verified": True}


def _plain(value: object) -> str:
    """Text as a person reads it: without md_escape's word joiners and backslashes."""
    return str(value).replace("\u2060", "").replace("\\", "")


def _text(at: AppTest) -> str:
    """Everything the run drew that holds text: markdown, captions, alerts, metrics, every dataframe cell,
    select options."""
    parts: list[str] = []
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
    for kind in kinds:
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.astype(str).to_csv() for df in at.dataframe]
    parts += [" ".join(map(str, ms.options)) for ms in at.multiselect]
    parts += [" ".join(map(str, sb.options)) for sb in at.selectbox]
    return _plain("\n".join(parts))


def _others(standing: cpd.Standing, clubs: set[str]) -> list[str]:
    t = standing.trainers
    out = t[~t["club"].isin(clubs)]
    return [v for col in ("trainer", "trainer_id", "email", "club") for v in out[col] if v]


@pytest.mark.usefixtures("db")
def test_signed_out_sees_only_the_sign_in_button():
    at = _app({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.metric and not at.sidebar.multiselect
    assert "Sign in to see" in _text(at)


@pytest.mark.usefixtures("db")
def test_provider_down_is_one_sentence_and_no_button():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    secrets = {"auth": {**AUTH["auth"], "server_metadata_url": f"http://127.0.0.1:{port}/.well-known/x"}}
    at = _app({"is_logged_in": False}, secrets=secrets)
    assert not at.button and len(at.warning) == 1 and "cannot be reached" in at.warning[0].value
    assert not at.exception


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "stranger@example.com"},
        {"is_logged_in": True, "email": DT, "email_verified": False},  # an unverified address is no address
        {"is_logged_in": True},
    ],
)
def test_no_grant_is_one_sentence_naming_who_to_ask_and_no_data(user):
    at = _app(user)
    said = _plain(at.info[0].value) if len(at.info) == 1 else ""
    assert "no access to Recert" in said and ADMIN in said
    assert not at.dataframe and not at.metric and not at.exception
    assert [b.label for b in at.button] == ["Sign out"]


@pytest.mark.usefixtures("db")
def test_no_grant_names_the_configured_contact(monkeypatch):
    monkeypatch.setenv(_access.CONTACT_ENV, "the HR desk (hr@example.com)")
    at = _app(_signed("stranger@example.com"))
    said = _plain(at.info[0].value)
    assert "the HR desk (hr@example.com)" in said and ADMIN not in said


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("email", "clubs"), [(DT, {"Downtown"}), (NG, {"Northgate"}), (VIEW, {"Riverside"})])
def test_manager_and_viewer_see_only_their_clubs_on_every_page(sample, email, clubs):
    at = _app(_signed(email))
    assert not at.exception
    assert at.title[0].value == "Team"  # their landing page: no Upload
    others = _others(sample[2], clubs)
    for page in ("app_pages/team.py", "app_pages/trainer.py", "app_pages/reminders.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        text = _text(at)
        leaked = [v for v in others if v in text]
        assert not leaked, (page, leaked[:5])
    at.switch_page("app_pages/team.py").run()
    assert set(at.sidebar.multiselect(key="f_clubs").options) == clubs
    mine = sample[2].trainers[sample[2].trainers["club"].isin(clubs)]
    assert at.metric[0].value == str(len(mine))


@pytest.mark.usefixtures("db")
def test_admin_only_pages_are_not_in_a_managers_navigation():
    at = _app(_signed(DT))
    for page in ("app_pages/upload.py", "app_pages/rules.py", "app_pages/access.py"):  # History is scoped
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    at.switch_page("app_pages/trainer.py").run()
    assert at.title[0].value == "Trainer"


def test_revoking_takes_effect_on_the_next_run(db):
    at = _app(_signed(DT))
    assert at.metric and not at.info
    with open_store(db) as s:
        stored.revoke(s, DT, by=ADMIN)
    _access.forget_grants()  # the process cache (GRANT_TTL seconds) is what a real session waits out
    at.run()
    assert len(at.info) == 1 and "no access" in at.info[0].value and not at.metric and not at.dataframe


def test_changing_a_managers_clubs_changes_what_they_see_on_the_next_run(db):
    at = _app(_signed(DT))
    assert set(at.sidebar.multiselect(key="f_clubs").options) == {"Downtown"}
    with open_store(db) as s:
        stored.grant(s, Grant.make(DT, "manager", ["Riverside"]), by=ADMIN)
    _access.forget_grants()
    at.run()
    assert set(at.sidebar.multiselect(key="f_clubs").options) == {"Riverside"}


def test_admin_sees_every_club_and_grants_on_the_access_page(db, sample):
    at = _app(_signed(ADMIN))
    assert not at.exception and at.title[0].value == "Recert"  # the Upload page
    at.switch_page("app_pages/team.py").run()
    assert set(at.sidebar.multiselect(key="f_clubs").options) == set(sample[2].trainers["club"])
    at.switch_page("app_pages/access.py").run()
    assert at.title[0].value == "Access" and not at.exception
    at.text_input(key="grant_email").set_value("New@Example.com")
    at.selectbox(key="grant_role").set_value("viewer")
    at.multiselect(key="grant_clubs").set_value(["Downtown", "Atlantis"])
    at.button(key="grant_submit").click()
    at.run()
    assert not at.exception
    said = _plain(" ".join(s.value for s in at.success))
    assert "new@example.com is now viewer" in said and "Atlantis" in said  # unknown club: kept, warned
    with open_store(db) as s:
        assert Grant.make("new@example.com", "viewer", ["Downtown", "Atlantis"]) in stored.grants(s)
        actions = [e.action for e in stored.audit_log(s)]
    assert "access_granted" in actions and "signed_in" in actions


def test_sign_ins_are_audited_once_per_session(db):
    at = _app(_signed(VIEW))
    at.run()
    at.run()
    with open_store(db) as s:
        log = [e for e in stored.audit_log(s) if e.action == "signed_in"]
    assert [(e.who, e.scope) for e in log] == [(VIEW, "Riverside")]


def test_without_auth_the_local_tool_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("RECERT_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    at = _app({}, secrets={})
    assert not at.exception and at.title[0].value == "Recert"  # the Upload page
    assert any("Single-user mode" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize(
    ("address", "override", "refused"),
    [
        ("0.0.0.0", None, True),
        ("", None, True),
        ("192.168.1.20", None, True),
        ("::", None, True),
        ("127.0.0.1", None, False),
        ("localhost", None, False),
        ("::1", None, False),
        ("0.0.0.0", "1", False),
        ("0.0.0.0", "yes", True),
    ],
)
def test_without_auth_a_network_address_refuses_with_one_sentence(
    monkeypatch, tmp_path, address, override, refused
):
    monkeypatch.setenv("RECERT_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    if override is None:
        monkeypatch.delenv("RECERT_ALLOW_UNAUTHENTICATED", raising=False)
    else:
        monkeypatch.setenv("RECERT_ALLOW_UNAUTHENTICATED", override)
    with patch_config_options({"server.address": address or None}):
        at = _app({}, secrets={})
    assert not at.exception
    if refused:
        assert len(at.error) == 1 and "server.address" in at.error[0].value
        assert "RECERT_ALLOW_UNAUTHENTICATED" in at.error[0].value
        assert not at.title and not at.sidebar.date_input
    else:
        assert not at.error and at.title[0].value == "Recert"  # the Upload page


def test_an_admin_saving_the_team_rules_is_audited(db):
    at = _app(_signed(ADMIN))
    at.button(key="close_snapshot").click().run()  # back to (no) files: saving rules is offered
    at.session_state["_rules_text"] = (
        cpd.load_catalogue().to_yaml()
    )  # rules in force that differ from the team's
    at.switch_page("app_pages/rules.py").run()
    save = next(b for b in at.button if b.label == "Save as the team's rules")
    save.click().run()
    assert not at.exception
    with open_store(db) as s:
        log = [(e.who, e.action) for e in stored.audit_log(s)]
    assert (ADMIN, "rules_saved") in log
