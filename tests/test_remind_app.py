"""The Reminders page's sent log and "Send the due ones now" (issue 15), through AppTest, with a throw-away SQLite
store and a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cpd.store import open_store
from cpd.store.sent import SentLog
from tests.smtp import SmtpServer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'recert.db'}"
    monkeypatch.setenv("RECERT_DATABASE_URL", url)
    monkeypatch.setenv("RECERT_DEMO", "1")  # the sample for today's date (no snapshot saved)
    for k in ("RECERT_SMTP_HOST", "RECERT_REMIND_SETTINGS"):
        monkeypatch.delenv(k, raising=False)
    open_store(url).close()
    return url


def _reminders() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/reminders.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


@pytest.mark.usefixtures("db")
def test_without_smtp_the_page_shows_the_log_and_no_send_button():
    at = _reminders()
    assert "Sent by Recert" in [h.value for h in at.subheader]
    assert any("Nothing has been sent" in c.value for c in at.caption)
    assert not [b for b in _buttons(at) if b.startswith("Send the due ones now")]


def test_send_now_asks_first_then_sends_and_the_log_shows_it(db, tmp_path, monkeypatch):
    with SmtpServer(tmp_path) as server:
        for k, v in server.env().items():
            monkeypatch.setenv(k, v)
        at = _reminders()
        [b for b in at.button if b.label == "Send the due ones now…"][0].click().run()
        assert not at.exception
        assert server.received == []  # nothing goes out before the confirmation
        warning = [w.value for w in at.warning]
        assert any(w.startswith("Send ") and "reminder(s)" in w for w in warning), warning
        [b for b in at.button if b.label == "Yes, send them"][0].click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(s.value.startswith("Sent ") for s in at.success), [s.value for s in at.success]
        n = len(server.received)
        assert n > 0
        again = _reminders()
        table = [d.value for d in again.dataframe if "status" in d.value.columns][0]
        assert (table["status"] == "Sent").sum() >= n - sum(
            1 for r in server.received if r.message["Subject"].startswith("Recert digest")
        )
        # the scheduled job finds nothing left to send today
        log = SentLog(open_store(db).engine)
        assert len(log.done()) >= n
    assert len({r.rcpt_tos[0] for r in server.received}) == n


@pytest.mark.usefixtures("db")
def test_sending_is_only_for_today(tmp_path, monkeypatch):
    with SmtpServer(tmp_path) as server:
        for k, v in server.env().items():
            monkeypatch.setenv(k, v)
        at = _reminders()
        at.date_input(key="as_of").set_value(date(2030, 1, 1)).run()
        assert any("set the as-of date to today" in c.value for c in at.caption)
        assert "Send the due ones now…" not in _buttons(at)


@pytest.mark.parametrize(
    ("step", "text"),
    [
        (-90, "90 days before"),
        (-1, "1 day before"),
        (0, "on the day"),
        (1, "1 day after (grace)"),
        (15, "15 days after (grace)"),
    ],
)
def test_a_step_reads_as_a_manager_says_it(step, text):
    from cpd.views.reminders import step_text

    assert step_text(step) == text


def test_the_sent_table_lists_only_the_trainers_shown():
    from datetime import datetime

    import pandas as pd

    from cpd.store.sent import LogEntry
    from cpd.views.reminders import sent_table

    def entry(tid, item, status="sent"):
        return LogEntry(
            tid,
            item,
            -30,
            date(2026, 7, 1),
            "trainer",
            f"{tid}@example.com",
            "s",
            status,
            datetime(2026, 6, 1, 6),
            datetime(2026, 6, 1, 6, 1) if status == "sent" else None,
            "",
            1,
        )

    shown = pd.DataFrame(
        {"trainer_id": ["a", "b"], "trainer": ["Ana Silva", "Bo Lind"], "club": ["Down", "Up"]}
    )
    got = sent_table(
        [entry("a", "nasm_cpt"), entry("b", "cpr", "failed"), entry("z", "nasm_cpt"), entry("", "digest:ff")],
        shown,
        {("a", "nasm_cpt"): "NASM CPT"},
    )
    assert got[["trainer", "what", "step", "status"]].values.tolist() == [
        ["Ana Silva", "NASM CPT", "30 days before", "Sent"],
        ["Bo Lind", "CPR/AED card", "30 days before", "Not sent (goes out next run)"],
    ]
