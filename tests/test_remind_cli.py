"""``recert remind`` end to end: a snapshot saved by ``recert import``, a real SMTP server on loopback, the CLI in
fresh processes (as cron runs it), the JSON summary and exit codes of interfaces.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "recert_workbook.xlsx"
AS_OF = "2026-12-01"
_EVIL = "evil@attacker.example"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def recert(*args: str, env: dict | None = None, db: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("RECERT_")}
    full.update(env or {})
    full["RECERT_DATABASE_URL"] = db
    return subprocess.run(
        [sys.executable, "-m", "cpd", *args], capture_output=True, text=True, env=full, cwd=ROOT, timeout=300
    )


def start(*args: str, env: dict, db: str) -> subprocess.Popen:
    full = {k: v for k, v in os.environ.items() if not k.startswith("RECERT_")}
    full.update(env, RECERT_DATABASE_URL=db)
    return subprocess.Popen(
        [sys.executable, "-m", "cpd", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A database holding one snapshot of the sample workbook (copied per test)."""
    folder = tmp_path_factory.mktemp("remind-db")
    db = f"sqlite:///{folder / 'seed.db'}"
    r = recert("import", str(SAMPLE), "--as-of", AS_OF, "--format", "json", db=db)
    assert r.returncode == 0, r.stderr
    return folder / "seed.db"


@pytest.fixture
def db(saved, tmp_path):
    target = tmp_path / "recert.db"
    target.write_bytes(saved.read_bytes())
    return f"sqlite:///{target}"


def summary(r: subprocess.CompletedProcess) -> dict:
    doc = json.loads(r.stdout)
    assert list(doc) == ["sent", "skipped", "failed", "digests"]
    return doc


def test_dry_run_prints_what_would_go_out_and_records_nothing(db, tmp_path):
    dry = recert("remind", "--as-of", AS_OF, "--dry-run", "--format", "json", db=db)
    assert dry.returncode == 0, dry.stderr
    planned = summary(dry)
    assert planned["sent"] > 0 and planned["failed"] == []
    text = recert("remind", "--as-of", AS_OF, "--dry-run", db=db)
    assert text.stdout.count("\nTo: ") + text.stdout.startswith("To: ") == planned["sent"]
    assert "nothing was sent or recorded" in text.stdout
    with SmtpServer(tmp_path) as server:
        sent = recert("remind", "--as-of", AS_OF, "--format", "json", env=server.env(), db=db)
    assert sent.returncode == 0, sent.stderr
    assert summary(sent)["sent"] == planned["sent"] == len(server.received)  # the dry run recorded nothing


def test_a_run_sends_a_second_run_the_same_day_sends_nothing(db, tmp_path):
    with SmtpServer(tmp_path) as server:
        first = recert(
            "remind",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--manager-email",
            "Downtown=boss@example.com",
            env=server.env(),
            db=db,
        )
        second = recert(
            "remind",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--manager-email",
            "Downtown=boss@example.com",
            env=server.env(),
            db=db,
        )
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    a, b = summary(first), summary(second)
    assert a["digests"] == 1 and a["sent"] == len(server.received) - 1
    assert b == {"sent": 0, "skipped": [], "failed": [], "digests": 0}
    recipients = [r.rcpt_tos[0] for r in server.received]
    assert len(recipients) == len(set(recipients))


def test_two_runs_at_once_send_each_message_once(db, tmp_path):
    planned = summary(recert("remind", "--as-of", AS_OF, "--dry-run", "--format", "json", db=db))["sent"]
    with SmtpServer(tmp_path) as server:
        procs = [
            start("remind", "--as-of", AS_OF, "--format", "json", env=server.env(), db=db) for _ in range(2)
        ]
        outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sum(json.loads(o)["sent"] for o, _ in outs) == planned
    recipients = [r.rcpt_tos[0] for r in server.received]
    assert len(recipients) == planned == len(set(recipients))


def test_a_server_that_drops_mid_run_exit_1_the_rest_go_next_run(db, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with SmtpServer(tmp_path / "a", drop_after=3) as flaky:
        first = recert("remind", "--as-of", AS_OF, "--format", "json", env=flaky.env(), db=db)
    assert first.returncode == 1
    doc = summary(first)
    assert doc["sent"] == 3 and doc["failed"]
    assert first.stderr.count("\n") == 1 and "they go out on the next run" in first.stderr
    with SmtpServer(tmp_path / "b") as server:
        second = recert("remind", "--as-of", AS_OF, "--format", "json", env=server.env(), db=db)
    assert second.returncode == 0, second.stderr
    assert summary(second)["sent"] == len(doc["failed"])
    got = [r.rcpt_tos[0] for r in flaky.received + server.received]
    assert len(got) == len(set(got)) == 3 + len(doc["failed"])


def test_smtp_down_is_one_sentence_and_exit_1(db):
    port = str(free_port())
    r = recert(
        "remind",
        "--as-of",
        AS_OF,
        "--format",
        "json",
        db=db,
        env={
            "RECERT_SMTP_HOST": "127.0.0.1",
            "RECERT_SMTP_PORT": port,
            "RECERT_SMTP_SECURITY": "starttls",
            "RECERT_MAIL_FROM": "reminders@club.example.com",
            "RECERT_SMTP_TIMEOUT": "5",
        },
    )
    assert r.returncode == 1
    assert r.stderr.startswith(
        f"Cannot send through 127.0.0.1:{port} (starttls): the SMTP server refused the connection."
    )
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert summary(r)["sent"] == 0


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        (["--manager-email", "Downtown"], {}, "--manager-email takes CLUB=EMAIL"),
        (["--only", f"a@example.com?bcc={_EVIL}"], {}, "--only: the email address is not valid."),
        (["--settings", "/nonexistent/remind.toml"], {}, "does not exist"),
        ([], {}, "Set RECERT_SMTP_HOST"),
        (
            [],
            {
                "RECERT_SMTP_HOST": "127.0.0.1",
                "RECERT_MAIL_FROM": "x@example.com",
                "RECERT_SMTP_SECURITY": "tls",
            },
            "must be ssl, starttls or none",
        ),
        (["--as-of", "2026-13-01"], {}, "is not a date"),
    ],
)
def test_usage_errors_exit_2_with_one_sentence(db, args, env, sentence):
    r = recert("remind", *args, env=env, db=db)
    assert r.returncode == 2
    assert sentence in r.stderr and "Traceback" not in r.stderr


def test_a_bad_settings_file_is_a_usage_error(db, tmp_path):
    f = tmp_path / "remind.toml"
    f.write_text("[schedule]\ndays_before = [90, 'soon']\n")
    r = recert("remind", "--settings", str(f), "--dry-run", db=db)
    assert r.returncode == 2 and "schedule.days_before must be a whole number" in r.stderr


def test_no_snapshot_is_one_sentence(tmp_path):
    r = recert("remind", "--dry-run", db=f"sqlite:///{tmp_path / 'empty.db'}")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_only_sends_to_that_address_or_a_test_message(db, tmp_path):
    dry = recert("remind", "--as-of", AS_OF, "--dry-run", db=db).stdout
    first_to = dry.split("\n", 1)[0].rsplit("<", 1)[1].rstrip(">")
    with SmtpServer(tmp_path) as server:
        one = recert(
            "remind", "--as-of", AS_OF, "--only", first_to, "--format", "json", env=server.env(), db=db
        )
        test = recert(
            "remind",
            "--as-of",
            AS_OF,
            "--only",
            "me@example.com",
            "--format",
            "json",
            env=server.env(),
            db=db,
        )
    assert summary(one)["sent"] == 1 and summary(test)["sent"] == 1
    assert [r.rcpt_tos for r in server.received] == [[first_to], ["me@example.com"]]
    assert server.received[1].message["Subject"] == "Recert: test message"


def test_hostile_roster_through_the_cli_adds_no_recipient_or_header(tmp_path):
    roster = tmp_path / "hostile.csv"
    roster.write_text(
        "Trainer,Club,Email,Certification,Expires,CEUs earned\n"
        f'"Eve\nBcc: {_EVIL}",Downtown,eve@example.com,NASM CPT,2026-12-20,1\n'
        f'"Mal?bcc={_EVIL}",Downtown,mal@example.com?bcc={_EVIL},NASM CPT,2026-12-20,1\n'
        f'"Zed%0ABcc:{_EVIL}",Downtown,zed@example.com,"NASM CPT",2026-12-20,1\n'
        '"<img src=x onerror=alert(1)>",Downtown,img@example.com,NASM CPT,2026-12-20,1\n'
        "Ana Silva,Downtown,,NASM CPT,2026-12-20,1\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert recert("import", str(roster), "--as-of", AS_OF, db=db).returncode == 0
    with SmtpServer(tmp_path) as server:
        r = recert(
            "remind",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--manager-email",
            f"Downtown=boss@example.com%0ABcc:{_EVIL}",
            env=server.env(),
            db=db,
        )
    doc = summary(r)
    assert r.returncode == 0, r.stderr
    assert sorted(s["trainer"] for s in doc["skipped"]) == [
        "Ana Silva",
        "Mal?bcc=evil@attacker.example",
        "digest for Downtown",
    ]
    assert sorted(x.rcpt_tos[0] for x in server.received) == [
        "eve@example.com",
        "img@example.com",
        "zed@example.com",
    ]
    for x in server.received:
        assert len(x.rcpt_tos) == 1
        msg = x.message
        assert "Bcc" not in msg and "Cc" not in msg
        assert [a.addr_spec for a in msg["To"].addresses] == x.rcpt_tos
    names = sorted(x.message["To"].addresses[0].display_name for x in server.received)
    assert names == [
        "<img src=x onerror=alert(1)>",
        "Eve Bcc: evil@attacker.example",
        "Zed%0ABcc:evil@attacker.example",
    ]
