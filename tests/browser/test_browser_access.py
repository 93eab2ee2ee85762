"""Real Chromium against a real OpenID provider on loopback (tests/oidc.py): sign in as an admin, as managers of
one club, as a viewer and as someone without a grant; sign out; a tampered cookie; the provider down; and the
bind check without sign-in.

Leak checks read everything the browser received, not one element: every WebSocket frame (Streamlit sends table
cells, chart data and select options as Arrow/protobuf bytes; a table is drawn on a canvas, so it is not in the
HTML), the page HTML and text, and every cell/line of each download. Each check has a positive control (the
manager's own trainers do appear), so it can fail. Screenshots go to tests/artifacts/access-*.png.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright import sync_api

import cpd
from cpd.access import Grant
from cpd.model import memberships_of
from cpd.samples import build_sample
from cpd.store import access as stored
from cpd.store import open_store
from tests.helpers import csv_bytes
from tests.oidc import app_with_sign_in, provider, sign_in, write_secrets
from tests.serve import CHROMIUM, IDLE, ROOT, free_port, launch

ARTIFACTS = ROOT / "tests" / "artifacts"
AS_OF = date(2026, 6, 1)
MARCH = date(2026, 3, 1)
# A trainer at two clubs (one cell): in the Downtown manager's and the Riverside viewer's scope, each at theirs.
TWO_CLUB = cpd.Source(
    "two-clubs.csv",
    csv_bytes(
        [
            ["Name", "Club", "Certification", "Expires"],
            ["Zed Quill", "Downtown / Riverside", "NASM CPT", "2026-06-20"],
        ]
    ),
)
ADMIN, DT, NG, VIEW, STRANGER = (
    "boss@example.com",
    "dt.manager@example.com",
    "ng.manager@example.com",
    "river.viewer@example.com",
    "stranger@example.com",
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("access")
    url = f"sqlite:///{tmp / 'recert.db'}"
    cat = cpd.load_catalogue()
    sources = [cpd.Source(n, d) for n, d in build_sample(AS_OF).items()] + [TWO_CLUB]
    roster = cpd.read_sources(sources, catalogue=cat, on_error="collect")
    standing = cpd.compute_standing(roster, cat, as_of=AS_OF)
    march = [cpd.Source(n, d) for n, d in build_sample(MARCH).items()]  # History: a trend and a diff
    with open_store(url) as s:
        s.save(cpd.read_sources(march, catalogue=cat, on_error="collect"), march, as_of=MARCH, label="March")
        s.save(roster, sources, as_of=AS_OF, label="June")
        for g in (
            Grant.make(ADMIN, "admin"),
            Grant.make(DT, "manager", ["Downtown"]),
            Grant.make(NG, "manager", ["Northgate"]),
            Grant.make(VIEW, "viewer", ["Riverside"]),
        ):
            stored.grant(s, g, by="test")
    port = free_port()
    with provider() as (idp, issuer):
        secrets_file = write_secrets(tmp / "secrets.toml", app_port=port, issuer=issuer)
        with (
            app_with_sign_in(
                secrets_file, port=port, env_extra={"RECERT_DATABASE_URL": url}, log=tmp / "streamlit.log"
            ) as (_, app),
            sync_api.sync_playwright() as p,
        ):
            browser = launch(p)
            yield {"app": app, "browser": browser, "standing": standing, "db": url, "idp": idp, "tmp": tmp}
            browser.close()


def _context(world):
    ctx = world["browser"].new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(90_000)  # a loaded 2-core machine
    page.frames_in = []  # every WebSocket message the page received

    def on_ws(ws):
        ws.on(
            "framereceived",
            lambda payload: page.frames_in.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", on_ws)
    return ctx, page


def _idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_timeout(300)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)  # charts and tables finish drawing after the script run
    page.screenshot(path=str(ARTIFACTS / f"access-{name}.png"))


def _values(standing: cpd.Standing, clubs: set[str], *, inside: bool) -> dict[str, list[str]]:
    """Names, ids, emails and clubs of the trainers with a club in ``clubs`` (inside) or with none (outside);
    a trainer at two clubs is inside either, and the clubs outside are every other club."""
    t, m = standing.trainers, memberships_of(standing)
    ids = set(m.loc[m["club"].isin(clubs), "trainer_id"])
    rows = t[t["trainer_id"].isin(ids) == inside]
    out = {col: [v for v in rows[col] if v] for col in ("trainer", "trainer_id", "email")}
    out["club"] = sorted({c for c in m["club"] if (c in clubs) == inside})
    return out


def _forms(value: str) -> list[bytes]:
    """The byte spellings a value can take in what the browser receives (UTF-8, HTML-escaped)."""
    return list({value.encode(), html.escape(value).encode(), html.escape(value, quote=False).encode()})


def _leaks(blob: bytes, values: dict[str, list[str]]) -> list[str]:
    return [v for vs in values.values() for v in vs if any(f in blob for f in _forms(v))]


def _xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    parts = [ws.title for ws in wb.worksheets]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            parts += [str(c.value) for c in row if c.value is not None]
        parts += [str(ws.oddHeader.center.text or ""), str(ws.oddFooter.center.text or "")]
    return "\n".join(parts)


def _download(page, name: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name=name).click()
    d = got.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def _visit(page, app: str, path: str) -> bytes:
    page.goto(f"{app}/{'' if path == 'team' else path}")  # Team is a manager's default page: its URL is /
    _idle(page)
    assert not page.get_by_role("dialog").count(), (
        f"a dialog on {path}: {page.get_by_role('dialog').inner_text()}"
    )
    return (page.content() + "\n" + page.inner_text("body")).encode()


def test_manager_sees_and_downloads_only_their_club(world):
    app, standing = world["app"], world["standing"]
    others = _values(standing, {"Downtown"}, inside=False)
    mine = _values(standing, {"Downtown"}, inside=True)
    ctx, page = _context(world)
    sign_in(page, app, DT)
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert "Team" in nav and "Upload" not in nav and "Access" not in nav and "History" in nav
    received = b""
    for path in ("team", "trainer", "reminders", "history"):
        seen = _visit(page, app, path)
        assert not page.get_by_test_id("stException").count(), path
        assert not _leaks(seen, others), (path, _leaks(seen, others)[:5])
        received += seen
        _shot(page, f"manager-{path}")
    files: dict[str, bytes] = {}
    page.goto(app)  # Team
    _idle(page)
    for label in ("Excel report", "CSV of standings", "Calendar of expiries"):
        name, data = _download(page, label)
        files[name] = data
    page.goto(f"{app}/reminders")
    _idle(page)
    name, data = _download(page, "Download all drafts (CSV)")
    files[name] = data
    assert {n.rsplit(".", 1)[-1] for n in files} == {"xlsx", "csv", "ics"} and len(files) == 4
    for name, data in files.items():
        text = _xlsx_text(data).encode() if name.endswith(".xlsx") else data
        assert not _leaks(text, others), (name, _leaks(text, others)[:5])
        assert any(v.encode() in text for v in mine["trainer"]), (
            name
        )  # the control: their own people are there
    frames = b"\n".join(page.frames_in)
    assert frames and not _leaks(frames, others), _leaks(frames, others)[:5]
    assert b"Zed Quill" in frames  # the control: their trainer at two clubs is theirs too
    assert sum(v.encode() in frames for v in mine["trainer"]) >= len(mine["trainer"]) // 2  # control
    with open_store(world["db"]) as s:
        log = [(e.who, e.action, e.what) for e in stored.audit_log(s)]
    assert {(DT, "downloaded", n) for n in files} <= set(log) and (DT, "signed_in", "") in log
    ctx.close()


def test_two_managers_at_once_see_nothing_of_each_other(world):
    app, standing = world["app"], world["standing"]
    a_ctx, a = _context(world)
    b_ctx, b = _context(world)
    sign_in(a, app, DT)
    sign_in(b, app, NG)
    seen = {id(a): b"", id(b): b""}
    for path in ("team", "trainer", "reminders", "team"):
        for page in (a, b):  # interleaved: both sessions live on one server
            seen[id(page)] += _visit(page, app, path)
    _shot(a, "two-managers-downtown")
    _shot(b, "two-managers-northgate")
    for page, club, other in ((a, "Downtown", "Northgate"), (b, "Northgate", "Downtown")):
        blob = seen[id(page)] + b"\n".join(page.frames_in)
        theirs = _values(standing, {other}, inside=True)
        assert not _leaks(blob, theirs), (club, _leaks(blob, theirs)[:5])
        assert any(v.encode() in blob for v in _values(standing, {club}, inside=True)["trainer"])
    a_ctx.close()
    b_ctx.close()


def test_viewer_reads_only_and_signs_out(world):
    app, standing = world["app"], world["standing"]
    ctx, page = _context(world)
    sign_in(page, app, VIEW)
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert "Team" in nav and "Upload" not in nav and "Rules" not in nav
    assert "read only" in page.get_by_test_id("stSidebar").inner_text()
    seen = _visit(page, app, "team") + _visit(page, app, "history")
    blob = seen + b"\n".join(page.frames_in)
    assert not _leaks(blob, _values(standing, {"Riverside"}, inside=False))
    assert b"Zed Quill" in blob  # the control: the trainer at Downtown and Riverside is at Riverside too
    assert not page.get_by_role("checkbox", name="Delete").count()  # read only: History has no delete
    _shot(page, "viewer-team")
    page.get_by_role("button", name="Sign out").click()
    # Streamlit clears its cookie and sends the browser to the provider's end-session page (RP-initiated logout)
    page.wait_for_url(re.compile(r".*/oauth2/end_session.*|^" + re.escape(app) + r"/?$"))
    _shot(page, "provider-end-session")
    if "end_session" in page.url:
        page.get_by_role("button", name="End session").click()
    page.wait_for_selector("text=Sign in to see")
    _idle(page)
    assert page.get_by_role("button", name="Sign in").count() == 1
    _shot(page, "signed-out")
    page.goto(f"{app}/trainer")  # the cookie is gone: a reload stays signed out
    _idle(page)
    assert page.get_by_role("button", name="Sign in").count() == 1
    ctx.close()


def test_admin_has_upload_and_access_and_sees_every_club(world):
    app = world["app"]
    ctx, page = _context(world)
    sign_in(page, app, ADMIN)
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    for title in ("Upload", "Team", "Rules", "History", "Access"):
        assert title in nav
    page.goto(f"{app}/access")
    _idle(page)
    text = page.inner_text("body")
    assert "Who may see what" in text and "Audit log" in text
    _shot(page, "admin-access")
    ctx.close()


def test_someone_without_a_grant_reads_one_sentence_and_no_data(world):
    app, standing = world["app"], world["standing"]
    ctx, page = _context(world)
    sign_in(page, app, STRANGER)
    text = page.inner_text("body").replace("\u2060", "")
    assert "has no access to Recert yet" in text and ADMIN in text
    blob = page.content().encode() + b"\n".join(page.frames_in)
    assert not _leaks(blob, _values(standing, set(), inside=False))  # no club's data at all
    _shot(page, "no-grant")
    ctx.close()


def test_a_tampered_cookie_is_signed_out_not_an_error(world):
    app = world["app"]
    ctx, page = _context(world)
    sign_in(page, app, DT)
    cookies = ctx.cookies()
    user = [c for c in cookies if c["name"].startswith("_streamlit_user")]
    assert user
    ctx.clear_cookies()
    ctx.add_cookies([{**c, "value": re.sub(r"[A-Za-z]", "A", c["value"][:-8]) + "AAAAAAAA"} for c in user])
    page.goto(app)
    _idle(page)
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert not page.get_by_test_id("stException").count()
    _shot(page, "tampered-cookie")
    ctx.close()


def test_provider_down_is_one_sentence(world):
    """Runs last in this module: it stops the provider."""
    world["idp"].terminate()
    world["idp"].wait(10)
    import time

    time.sleep(16)  # the app re-checks the provider at most every 15 s
    ctx, page = _context(world)
    page.goto(world["app"])
    _idle(page)
    text = page.inner_text("body")
    assert "cannot be reached right now" in text and page.get_by_role("button", name="Sign in").count() == 0
    _shot(page, "provider-down")
    ctx.close()


def test_without_sign_in_a_network_address_refuses(world, tmp_path):
    port = free_port()
    with app_with_sign_in(
        None,
        port=port,
        address="0.0.0.0",
        log=tmp_path / "streamlit.log",
        env_extra={"RECERT_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"},
    ) as (_, app):
        ctx, page = _context(world)
        page.goto(app)
        _idle(page)
        text = page.inner_text("body")
        assert "Recert will not start" in text and "server.address" in text
        assert not page.get_by_test_id("stSidebarNav").count()
        _shot(page, "refused-bind")
        ctx.close()
    assert "Recert will not start" in (tmp_path / "streamlit.log").read_text()
