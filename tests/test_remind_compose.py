"""The messages and the settings file, pure: no server, no database."""

from __future__ import annotations

import email
import email.policy
from email.headerregistry import Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpd.remind import RemindSettings, SettingsError, due, manager_addresses
from cpd.remind.compose import (
    AddressProblem,
    _header,
    parse_address,
    plan_messages,
    subject_header,
    to_bytes,
    to_header,
)
from cpd.remind.settings import load_settings, parse_manager_option, parse_settings
from tests.remind_data import AS_OF, cert, standing

SENDER = "reminders@club.example.com"


def messages(rows, **kw):
    st_ = standing(rows, **kw)
    return plan_messages(st_, due(st_, set(), as_of=AS_OF), settings=RemindSettings(), managers={})


def parsed(o):
    return email.message_from_bytes(
        to_bytes(o, sender=SENDER, sender_name="Recert"), policy=email.policy.default
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            cert(days_left=30, unit="CEU", hours_per_unit=10, required=2, earned=1.7),
            "Still needed: 0.3 CEUs (3 hours) of continuing education (you have 1.7 of 2 CEUs).",
        ),
        (
            cert(days_left=30, unit="CEU", hours_per_unit=1, required=20, earned=16),
            "Still needed: 4 CEUs (4 hours) of continuing education (you have 16 of 20 CEUs).",
        ),
        (
            cert(days_left=30, unit="hours", hours_per_unit=1, required=30, earned=29),
            "Still needed: 1 hour of continuing education (you have 29 of 30 hours).",
        ),
        (
            cert(days_left=30, required=2, earned=2.5),
            "Your credits are complete: submit the renewal before the deadline.",
        ),
        (cert(days_left=30, required=None, earned=None), "Credits are not recorded here"),
        (
            cert(days_left=-3, status="grace", grace_days=180),
            "NASM CPT: lapsed on 29 May 2026. It can still be renewed late until 25 Nov 2026",
        ),
        (
            cert(days_left=30, cpr_required=True, cpr_days=None),
            "CPR/AED: no card on file, and NASM CPT requires one",
        ),
        (
            cert(days_left=30, cpr_required=True, cpr_days=10),
            "CPR/AED: your card runs out on 11 Jun 2026, before this renewal",
        ),
    ],
)
def test_the_trainer_message_says_what_is_missing_by_when(row, expected):
    (m,), skipped = messages([row])
    assert skipped == []
    assert expected in m.text
    assert "needs 0.3 more CEUs" in m.text  # the engine's reasons, in plain words


def test_html_is_escaped_and_loads_nothing():
    (m,), _ = messages(
        [
            cert(
                trainer="<script>alert(1)</script> Bo",
                name='<b>NASM</b> & "CPT"',
                reasons=("<a href='https://evil.example'>click</a>",),
            )
        ]
    )
    assert "<script>" not in m.html and "<b>NASM" not in m.html and "<a href" not in m.html
    assert "&lt;b&gt;NASM&lt;/b&gt; &amp; &quot;CPT&quot;" in m.html
    for remote in ("http://", "https://", "src=", "<img", "<link", "url("):
        assert remote not in m.html.replace("&lt;a href=&#x27;https://evil.example&#x27;&gt;", "")


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: x@evil.example",
        "Eve\x00\x07\x1b[2J",
        "A\u2028B\u0085C",
        "=?utf-8?q?Bcc=3A_x@evil.example?=",
        "Ève Ñúñez",
        "x" * 500,
    ],
)
def test_a_hostile_name_is_one_display_name_and_nothing_else(name):
    (m,), _ = messages([cert(trainer=name, name=f"NASM\r\nX-Evil: {name}")])
    msg = parsed(m)
    assert sorted(msg.keys()) == [
        "Auto-Submitted",
        "Content-Type",
        "Date",
        "From",
        "MIME-Version",
        "Message-ID",
        "Subject",
        "To",
    ]
    (addr,) = msg["To"].addresses
    assert addr.addr_spec == "t1@example.com"
    assert "\n" not in addr.display_name and "\r" not in addr.display_name
    assert "\r" not in str(msg["Subject"]) and "\n" not in str(msg["Subject"])


_NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=300)
@given(_NAMES, st.from_regex(r"[a-z0-9]{1,20}@[a-z]{1,20}\.example", fullmatch=True))
def test_the_direct_to_line_is_what_the_email_package_writes(name, addr):
    from cpd.remind.compose import header_text

    assert to_header(name, addr) == _header(
        "To", Address(display_name=header_text(name, 120), addr_spec=addr)
    )


@settings(max_examples=300)
@given(_NAMES)
def test_the_direct_subject_line_is_what_the_email_package_writes(subject):
    from cpd.remind.compose import header_text

    assert subject_header(subject) == _header("Subject", header_text(subject))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana.silva@example.com", "ana.silva@example.com"),
        ("  Ana.Silva+cpd@Club-1.example.co.uk ", "Ana.Silva+cpd@Club-1.example.co.uk"),
        ("ivan@xn--80ak6aa92e.xn--p1ai", "ivan@xn--80ak6aa92e.xn--p1ai"),  # an IDN domain in its ASCII form
        ("o'brien@example.ie", "o'brien@example.ie"),
    ],
)
def test_plain_addresses_are_accepted(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ana@localhost",
        "ana@example.c0m",
        "ana@-example.com",
        "ana..silva@example.com",
        ".ana@example.com",
        "ana@[127.0.0.1]",
        '"ana silva"@example.com',
        "ana@example.com.",
        "ana@@example.com",
        "ana@exa mple.com",
        "mailto:ana@example.com",
    ],
)
def test_unusual_or_broken_addresses_are_refused(text):
    with pytest.raises(AddressProblem):
        parse_address(text)


@given(st.text(max_size=300))
def test_parse_address_returns_one_plain_address_or_a_reason(text):
    try:
        a = parse_address(text)
    except AddressProblem as exc:
        assert str(exc)
    else:
        assert Address(addr_spec=a).addr_spec == a and a.count("@") == 1 and a.isascii() and a.isprintable()
        assert not any(c in a for c in ' ,<>\r\n"[]')


# ------------------------------------------------------------------------------------------ the settings file
def test_a_settings_file_sets_the_schedule_managers_and_sign_off():
    s = parse_settings(b"""
[schedule]
days_before = [45, 10, 45]
grace_every = 7
[digest]
every = 1
[message]
sign_off = "Sam\\nFitness Manager"
[sending]
retry_pending_after = 15
[managers]
"Downtown" = ["sam@example.com", "lee@example.com"]
"Uptown" = "kim@example.com"
""")
    assert s.schedule.days_before == (45, 10) and s.schedule.grace_every == 7 and s.digest_every == 1
    assert s.sign_off == "Sam Fitness Manager" and s.retry_pending_after == 15
    assert manager_addresses(
        ["downtown ", "Uptown", "Eastside"], settings=s, options=[("UPTOWN", "x@example.com")]
    ) == {"downtown ": ("sam@example.com", "lee@example.com"), "Uptown": ("kim@example.com", "x@example.com")}


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            b"[schedule]\ndays_before = [90, -1]\n",
            "each of schedule.days_before must be a whole number from 0 to 3650",
        ),
        (b"[schedule]\ndays_before = [true]\n", "must be a whole number"),
        (b"[schedule]\ndays_before = " + str(list(range(21))).encode() + b"\n", "at most 20"),
        (b"[schedule]\ngrace_every = 400\n", "schedule.grace_every must be a whole number from 0 to 365"),
        (b"[schedule]\nevery = 3\n", "unknown setting 'schedule.every'"),
        (b"[smtp]\nhost = 'x'\n", "unknown section 'smtp'"),
        (b"schedule = 3\n", "must be a [section]"),
        (b"[schedule\n", "is not valid TOML"),
        (b"\xff\xfe", "is not UTF-8 text"),
        (b"#" * (64 * 1024 + 1), "larger than 64 KB"),
        (b"[managers]\nDowntown = 3\n", "must be an address or a list"),
        (b"[managers]\nDowntown = []\n", "must be an address or a list"),
        (b"[message]\nsign_off = '" + b"x" * 201 + b"'\n", "at most 200 characters"),
        (b"[sending]\nretry_pending_after = 0\n", "from 1 to 10080"),
    ],
)
def test_a_bad_settings_file_is_one_sentence(text, sentence):
    with pytest.raises(SettingsError) as exc:
        parse_settings(text)
    assert sentence in str(exc.value) and "\n" not in str(exc.value)


def test_settings_come_from_the_environment_when_no_file_is_given(tmp_path):
    f = tmp_path / "remind.toml"
    f.write_text("[schedule]\ndays_before = [5]\n")
    assert load_settings(env={"RECERT_REMIND_SETTINGS": str(f)}).schedule.days_before == (5,)
    assert load_settings(env={}) == RemindSettings()
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Downtown=sam@example.com", ("Downtown", "sam@example.com")),
        ("Club = A=sam@example.com", ("Club = A", "sam@example.com")),
        ("  Uptown =  kim@example.com ", ("Uptown", "kim@example.com")),
    ],
)
def test_manager_option_is_club_equals_email(text, expected):
    assert parse_manager_option(text) == expected


@pytest.mark.parametrize("text", ["Downtown", "=a@b.com", "Downtown=", ""])
def test_a_bad_manager_option_is_one_sentence(text):
    with pytest.raises(SettingsError, match="CLUB=EMAIL"):
        parse_manager_option(text)
