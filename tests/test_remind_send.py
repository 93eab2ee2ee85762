"""Sending reminders to a real SMTP server on loopback (aiosmtpd, TLS on a self-signed certificate, AUTH), with
the sent log in a real database (SQLite in a temporary file; the table made by the store's migration)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from email.utils import getaddresses

import icalendar
import pytest
import sqlalchemy as sa

from cpd.mail import Mailer, MailSettingsError, smtp_settings
from cpd.remind import RemindSettings
from cpd.remind.run import prepare, send_all
from cpd.store.sent import SentLog, reminder_log
from tests.hostile import HOSTILE_NAMES
from tests.remind_data import cert, standing
from tests.smtp import SENDER, SmtpServer, free_port

SETTINGS = RemindSettings()
# aiosmtpd warns about AUTH "without TLS" on a connection that is TLS from its first byte (the ssl variant)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def make_log(url: str) -> SentLog:
    from tests.remind_store import migrated_engine

    return SentLog(migrated_engine(url))


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'recert.db'}"


@pytest.fixture
def log(db_url):
    return make_log(db_url)


def roster(n: int = 3, **kw):
    rows = [cert(f"t{i}", trainer=f"Trainer {i}", days_left=20 + i, **kw) for i in range(n)]
    return standing(rows)


def run(st_, log, env, **kw):
    plan = prepare(st_, settings=SETTINGS, managers=kw.pop("managers", {}), done=log.done())
    return send_all(plan, log=log, smtp=smtp_settings(env), settings=SETTINGS, **kw)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_messages_arrive_and_parse_back_with_the_calendar(tmp_path, log, security):
    st_ = roster(2, cpr_required=True, cpr_days=200)
    with SmtpServer(tmp_path, security=security) as server:
        summary = run(st_, log, server.env())
    assert summary.as_json() == {"sent": 2, "skipped": [], "failed": [], "digests": 0}
    got = sorted(server.received, key=lambda r: r.rcpt_tos)
    assert [r.rcpt_tos for r in got] == [["t0@example.com"], ["t1@example.com"]]
    assert all(r.mail_from == SENDER for r in got)
    msg = got[0].message
    assert msg["To"].addresses[0].addr_spec == "t0@example.com"
    assert msg["To"].addresses[0].display_name == "Trainer 0"
    assert msg["Subject"] == "Your NASM CPT expires on 21 Jun 2026: action needed"
    text = msg.get_body(("plain",)).get_content()
    assert "0.3 CEUs (3 hours)" in text and "21 Jun 2026" in text and "CPR/AED" in text
    assert "needs 0.3 more CEUs" in text  # the reasons, in plain words
    assert "<li>NASM CPT: expires on 21 Jun 2026" in msg.get_body(("html",)).get_content()
    ics = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(ics) == 1 and ics[0].get_filename() == "recert-deadlines.ics"
    cal = icalendar.Calendar.from_ical(
        ics[0].get_content() if isinstance(ics[0].get_content(), bytes) else ics[0].get_content().encode()
    )
    events = [e for e in cal.walk("VEVENT")]
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "Trainer 0: CPR/AED card expires",
        "Trainer 0: NASM CPT expires",
    ]


def test_a_second_run_the_same_day_sends_nothing(tmp_path, log):
    st_ = roster(3)
    with SmtpServer(tmp_path) as server:
        first = run(st_, log, server.env())
        second = run(st_, log, server.env())
    assert (first.sent, second.sent, len(server.received)) == (3, 0, 3)


_EVIL = "evil@attacker.example"
HOSTILE = [
    *HOSTILE_NAMES,
    f"Eve\r\nBcc: {_EVIL}",
    f"Eve\nCc: {_EVIL}",
    f"Eve%0ABcc:{_EVIL}",
    f"Eve?bcc={_EVIL}",
    f"Eve <{_EVIL}>",
    f'"Eve" <{_EVIL}>, x',
    "Eve\x00\x1b[31m",
    "É\u202eve",
]


def test_hostile_names_and_courses_add_no_header_or_recipient(tmp_path, log):
    rows = [
        cert(
            f"h{i}",
            trainer=name,
            name=f"NASM\r\nBcc: {_EVIL} %0ABcc:{_EVIL}",
            club="Club\r\nX-Evil: 1",
            reasons=(f"reason\r\nBcc: {_EVIL}",),
        )
        for i, name in enumerate(HOSTILE)
    ]
    st_ = standing(rows)
    with SmtpServer(tmp_path) as server:
        summary = run(
            st_,
            log,
            server.env(),
            managers={"Club X-Evil: 1": [f"boss@example.com?bcc={_EVIL}", "boss@example.com"]},
        )
    assert summary.failed == []
    assert summary.sent == len(HOSTILE) and summary.digests == 1
    assert summary.skipped == [
        {
            "trainer": "digest for Club X-Evil: 1",
            "reason": f"the email address is not valid: 'boss@example.com?bcc={_EVIL}'",
        }
    ]
    for r in server.received:
        assert len(r.rcpt_tos) == 1 and _EVIL not in r.rcpt_tos[0]
        msg = r.message
        assert sorted(k.lower() for k in msg) == [
            "auto-submitted",
            "content-type",
            "date",
            "from",
            "message-id",
            "mime-version",
            "subject",
            "to",
        ]
        addrs = getaddresses(msg.get_all("To", []) + msg.get_all("From", []))
        assert [a for _, a in addrs if _EVIL in a] == []
        assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])
        html_part = msg.get_body(("html",)).get_content()
        assert "<img" not in html_part and "src=" not in html_part.replace("src=x", "")  # escaped text only
    names = sorted(
        str(r.message["To"].addresses[0].display_name)
        for r in server.received
        if r.rcpt_tos != ["boss@example.com"]
    )
    assert "<img src=x onerror=alert(1)>" in names  # stays text, as written
    html_img = [
        r.message.get_body(("html",)).get_content() for r in server.received if "img" in str(r.message["To"])
    ]
    assert "Hi &lt;img," in html_img[0] and "<img" not in html_img[0]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("", "no email address on file"),
        ("not an address", "the email address is not valid"),
        (f"t@example.com?bcc={_EVIL}", "the email address is not valid"),
        (f"t@example.com\r\nBcc: {_EVIL}", "the email address holds line breaks or control characters"),
        (f"t@example.com, {_EVIL}", "the email address is not valid"),
        (f"Ana <{_EVIL}>", "the email address is not valid"),
        ("t%0Abcc@example", "the email address is not valid"),
        ("josé@example.com", "the email address holds characters outside ASCII"),
        ("a" * 250 + "@example.com", "the email address is longer than 254 characters"),
    ],
)
def test_missing_or_invalid_addresses_are_skipped_with_the_reason(tmp_path, log, address, reason):
    st_ = standing([cert("t1", trainer="Ana Silva"), cert("t2", trainer="Bo Lind")], emails={"t1": address})
    with SmtpServer(tmp_path) as server:
        summary = run(st_, log, server.env())
    assert summary.as_json() == {
        "sent": 1,
        "skipped": [{"trainer": "Ana Silva", "reason": reason}],
        "failed": [],
        "digests": 0,
    }
    assert [r.rcpt_tos for r in server.received] == [["t2@example.com"]]


def test_a_server_that_drops_the_connection_the_rest_go_next_run_none_twice(tmp_path, log):
    st_ = roster(5)
    (tmp_path / "a").mkdir()
    with SmtpServer(tmp_path / "a", drop_after=2) as flaky:
        first = run(st_, log, flaky.env())
    assert first.sent == 2 and len(first.failed) == 3 and first.exit_code == 1
    assert all("closed the connection" in f["reason"] for f in first.failed)
    (tmp_path / "b").mkdir()
    with SmtpServer(tmp_path / "b") as server:
        second = run(st_, log, server.env())
        third = run(st_, log, server.env())
    assert (second.sent, second.failed, third.sent) == (3, [], 0)
    got = [r.rcpt_tos[0] for r in flaky.received + server.received]
    assert sorted(got) == [f"t{i}@example.com" for i in range(5)]


def test_smtp_down_is_one_sentence_and_everything_goes_next_run(tmp_path, log):
    st_ = roster(2)
    env = {
        "RECERT_SMTP_HOST": "127.0.0.1",
        "RECERT_SMTP_PORT": str(free_port()),
        "RECERT_SMTP_SECURITY": "starttls",
        "RECERT_MAIL_FROM": SENDER,
        "RECERT_SMTP_TIMEOUT": "5",
    }
    down = run(st_, log, env)
    assert down.sent == 0 and down.exit_code == 1
    assert {f["reason"] for f in down.failed} == {
        f"not sent: Cannot send through 127.0.0.1:{env['RECERT_SMTP_PORT']} (starttls): the SMTP server refused "
        "the connection."
    }
    with SmtpServer(tmp_path) as server:
        assert run(st_, log, server.env()).sent == 2
    assert len(server.received) == 2


def test_the_certificate_is_verified_by_default(tmp_path, log):
    with SmtpServer(tmp_path) as server:
        env = server.env()
        del env["RECERT_SMTP_CA_FILE"]
        summary = run(roster(1), log, env)
    assert server.received == [] and summary.exit_code == 1
    assert "certificate could not be verified" in summary.failed[0]["reason"]


def test_a_wrong_password_is_one_sentence(tmp_path, log):
    with SmtpServer(tmp_path) as server:
        summary = run(roster(1), log, server.env(RECERT_SMTP_PASSWORD="wrong"))
    assert server.received == []
    assert summary.failed[0]["reason"].endswith("the SMTP server refused the user name or password.")


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        ({}, "Set RECERT_SMTP_HOST"),
        (
            {"RECERT_SMTP_HOST": "h", "RECERT_MAIL_FROM": "x"},
            "RECERT_MAIL_FROM: the email address is not valid.",
        ),
        ({"RECERT_SMTP_HOST": "h", "RECERT_MAIL_FROM": SENDER, "RECERT_SMTP_SECURITY": "tls"}, "must be ssl"),
        (
            {"RECERT_SMTP_HOST": "h", "RECERT_MAIL_FROM": SENDER, "RECERT_SMTP_PORT": "99999"},
            "from 1 to 65535",
        ),
        (
            {
                "RECERT_SMTP_HOST": "h",
                "RECERT_MAIL_FROM": SENDER,
                "RECERT_SMTP_SECURITY": "none",
                "RECERT_SMTP_USER": "u",
                "RECERT_SMTP_PASSWORD": "p",
            },
            "Refusing to send the SMTP password unencrypted",
        ),
        ({"RECERT_SMTP_HOST": "evil.example/x", "RECERT_MAIL_FROM": SENDER}, "host name"),
        (
            {"RECERT_SMTP_HOST": "h", "RECERT_MAIL_FROM": SENDER, "RECERT_SMTP_CA_FILE": "/nonexistent"},
            "not a file",
        ),
    ],
)
def test_bad_smtp_settings_are_one_sentence(env, sentence):
    with pytest.raises(MailSettingsError, match=sentence.replace("(", r"\(")):
        smtp_settings(env)


def test_a_stale_claim_left_by_a_crash_is_retried_a_fresh_one_is_not(tmp_path, log):
    st_ = roster(2)
    plan = prepare(st_, settings=SETTINGS, managers={}, done=log.done())
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    a, b = plan.messages
    assert log.claim(
        a.keys, kind="trainer", recipient=a.to, subject=a.subject, run_id="crashed", now=long_ago
    )
    assert log.claim(b.keys, kind="trainer", recipient=b.to, subject=b.subject, run_id="running")
    with SmtpServer(tmp_path) as server:
        summary = run(st_, log, server.env())
    assert summary.sent == 1 and [r.rcpt_tos for r in server.received] == [[a.to]]


def test_the_log_records_each_message_sent(tmp_path, log, db_url):
    with SmtpServer(tmp_path) as server:
        run(roster(2), log, server.env())
    rows = [e for e in log.entries()]
    assert sorted((e.trainer_id, e.status, e.step, e.recipient) for e in rows) == [
        ("t0", "sent", -30, "t0@example.com"),
        ("t1", "sent", -30, "t1@example.com"),
    ]
    assert all(e.sent_at is not None for e in rows)
    with sa.create_engine(db_url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(reminder_log)).scalar() == 2


def _child(url: str, env: dict, n: int, start) -> None:
    start.wait(30)
    log = make_log(url)
    run(roster(n), log, env)


def test_two_concurrent_runs_send_each_message_once(tmp_path, db_url):
    make_log(db_url)
    ctx = multiprocessing.get_context("spawn")
    n = 12
    with SmtpServer(tmp_path) as server:
        start = ctx.Event()
        procs = [ctx.Process(target=_child, args=(db_url, server.env(), n, start)) for _ in range(2)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0, 0]
    got = sorted(r.rcpt_tos[0] for r in server.received)
    assert got == sorted(f"t{i}@example.com" for i in range(n))


def test_digest_goes_to_each_club_manager_with_only_their_club(tmp_path, log):
    rows = [
        cert("a1", trainer="Ana Silva", club="Downtown", days_left=20),
        cert("a2", trainer="Bo Lind", club="Downtown", days_left=-10, status="grace", grace_days=90),
        cert("b1", trainer="Cy Park", club="Uptown", days_left=15),
        cert("b2", trainer="Di Ross", club="Uptown", days_left=300, status="met"),
    ]
    st_ = standing(rows)
    managers = {"Downtown": ["down@example.com"], "Uptown": ["up@example.com"]}
    with SmtpServer(tmp_path) as server:
        first = run(st_, log, server.env(), managers=managers)
        again = run(st_, log, server.env(), managers=managers)
    assert (first.digests, again.digests) == (2, 0)
    digests = {
        r.rcpt_tos[0]: r.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        for r in server.received
        if r.rcpt_tos[0] in ("down@example.com", "up@example.com")
    }
    assert "Ana Silva" in digests["down@example.com"] and "Bo Lind" in digests["down@example.com"]
    assert "Cy Park" not in digests["down@example.com"]
    assert "Cy Park" in digests["up@example.com"] and "Ana Silva" not in digests["up@example.com"]
    assert "Di Ross" not in digests["up@example.com"]  # met: not in a digest
    assert "Lapsed:\n- Bo Lind" in digests["down@example.com"]


def test_the_mailer_only_ever_connects_to_the_configured_host(tmp_path, monkeypatch):
    import socket

    seen = []
    real = socket.create_connection

    def spy(address, *a, **kw):
        seen.append(address)
        return real(address, *a, **kw)

    monkeypatch.setattr(socket, "create_connection", spy)
    with SmtpServer(tmp_path) as server, Mailer(smtp_settings(server.env())):
        pass
    assert seen == [("127.0.0.1", server.port)]


def test_on_postgresql_two_concurrent_runs_then_a_third_send_each_message_once(tmp_path, pg_url):
    make_log(pg_url)
    ctx = multiprocessing.get_context("spawn")
    n = 8
    with SmtpServer(tmp_path) as server:
        start = ctx.Event()
        procs = [ctx.Process(target=_child, args=(pg_url, server.env(), n, start)) for _ in range(2)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0, 0]
        assert run(roster(n), make_log(pg_url), server.env()).sent == 0
    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(f"t{i}@example.com" for i in range(n))
