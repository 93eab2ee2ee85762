"""Saving snapshots and the History page, through Streamlit's AppTest on a throw-away SQLite store.

Every test points RECERT_DATABASE_URL at a file in its own tmp_path: never the project's data/recert.db.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cpd.views.escape import WORD_JOINER

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
MARCH = b"""Staff ID,Name,Club,Certification,Expiration,CEUs earned
S1,Ana Silva,Downtown,NASM-CPT,2026-06-30,1.0
S2,Bo Chen,Downtown,ACE CPT,2026-03-20,2.0
S3,Cy Diaz,Riverside,NASM-CPT,2027-01-31,0.5
S4,Di Evans,Riverside,ACE CPT,2026-04-15,0.4
"""
# April: Di Evans left, Ed Fox joined, Ana Silva renewed, Cy Diaz earned a credit.
APRIL = b"""Staff ID,Name,Club,Certification,Expiration,CEUs earned
S1,Ana Silva,Downtown,NASM-CPT,2028-06-30,0.0
S2,Bo Chen,Downtown,ACE CPT,2026-03-20,2.0
S3,Cy Diaz,Riverside,NASM-CPT,2027-01-31,1.5
S5,Ed Fox,Riverside,NASM-CPT,2027-09-30,2.0
"""


@pytest.fixture(autouse=True)
def db(tmp_path, monkeypatch) -> str:
    """Every test's own SQLite file (a test may point RECERT_DATABASE_URL elsewhere after this)."""
    url = f"sqlite:///{tmp_path / 'recert.db'}"
    monkeypatch.setenv("RECERT_DATABASE_URL", url)
    monkeypatch.delenv("RECERT_DEMO", raising=False)
    return url


def _text(element) -> str:
    """An element's text as a person reads it (markdown escapes and word joiners removed)."""
    return str(element.value).replace("\\", "").replace(WORD_JOINER, "")


def _texts(elements) -> list[str]:
    return [_text(e) for e in elements]


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    return _ok(at.run())


def _upload_and_save(at: AppTest, name: str, data: bytes, as_of: date, label: str) -> AppTest:
    at.date_input(key="as_of").set_value(as_of).run()
    at.file_uploader(key="uploader").set_value([(name, data, "text/csv")]).run()
    _ok(at)
    at.text_input(key="save_label").set_value(label)
    _button(at, "Save as snapshot").click().run()
    return _ok(at)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_history_without_snapshots_says_how_to_save_one():
    at = _start()
    at.switch_page("app_pages/history.py").run()
    _ok(at)
    assert any("No snapshots saved yet" in t for t in _texts(at.info))


def test_save_twice_then_a_changed_roster_shows_the_diff_and_the_trend():
    at = _start()
    _upload_and_save(at, "roster.csv", MARCH, date(2026, 3, 1), "March")
    assert any(t.startswith("Saved as snapshot “March” of 1 Mar 2026 on ") for t in _texts(at.success))
    _button(at, "Save as snapshot").click().run()  # the same files again
    assert any(
        t.startswith("These files were already saved as snapshot “March” of 1 Mar 2026")
        for t in _texts(at.success)
    )

    _upload_and_save(at, "roster-april.csv", APRIL, date(2026, 4, 1), "April")
    assert any(t.startswith("Saved as snapshot “April” of 1 Apr 2026") for t in _texts(at.success))

    at.switch_page("app_pages/history.py").run()
    _ok(at)
    m = _metrics(at)
    assert (m["Joined"], m["Left"], m["Renewed"], m["Credits earned"], m["Newly lapsed"]) == (
        "1",
        "1",
        "1",
        "1",
        "0",
    )
    assert (
        at.selectbox(key="diff_from").value != at.selectbox(key="diff_to").value
    )  # the latest two by default
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    snapshots = at.dataframe[-1].value
    assert list(snapshots["Label"]) == ["April", "March"] and list(snapshots["Trainers"]) == [4, 4]
    joined = next(
        df.value
        for df in at.dataframe
        if list(df.value.columns) == ["Trainer", "Club"] and "Ed Fox" in set(df.value["Trainer"])
    )
    assert joined.to_dict("records") == [{"Trainer": "Ed Fox", "Club": "Riverside"}]


def test_an_old_snapshot_opens_read_only_on_every_page_and_can_be_deleted():
    at = _start()
    _upload_and_save(at, "roster.csv", MARCH, date(2026, 3, 1), "March")
    _upload_and_save(at, "roster-april.csv", APRIL, date(2026, 4, 1), "April")
    at.switch_page("app_pages/history.py").run()
    assert at.selectbox(key="history_pick").options[1].endswith("March")  # newest first
    at.selectbox(key="history_pick").select_index(1).run()
    _button(at, "Open as it was").click().run()
    _ok(at)
    banner = "Showing the team as it was on 1 Mar 2026 (March): a saved snapshot, read-only."
    for page in ("app_pages/team.py", "app_pages/upload.py", "app_pages/trainer.py", "app_pages/rules.py"):
        at.switch_page(page).run()
        _ok(at)
        assert any(t.startswith(banner) for t in _texts(at.info)), page
    at.switch_page("app_pages/team.py").run()
    assert _metrics(at)["Trainers"] == "4"
    assert at.date_input(key="as_of").value == date(2026, 3, 1)
    at.switch_page("app_pages/upload.py").run()
    assert at.file_uploader(key="uploader").proto.disabled
    assert not [b for b in at.button if b.label == "Save as snapshot"]

    at.switch_page("app_pages/history.py").run()
    at.selectbox(key="history_pick").select_index(1).run()
    assert not [b for b in at.button if b.label == "Delete this snapshot"]  # asks first
    at.checkbox(key=f"confirm_delete_{at.selectbox(key='history_pick').value}").check().run()
    _button(at, "Delete this snapshot").click().run()
    _ok(at)
    assert "The snapshot was deleted." in _texts(at.success)
    assert list(at.dataframe[-1].value["Label"]) == ["April"]
    assert not any(
        t.startswith(banner) for t in _texts(at.info)
    )  # the open one was deleted: back to the files


def test_a_new_session_opens_on_the_latest_snapshot():
    at = _start()
    _upload_and_save(at, "roster.csv", MARCH, date(2026, 3, 1), "March")
    _upload_and_save(at, "roster-april.csv", APRIL, date(2026, 4, 1), "April")
    fresh = _start()
    assert any(t.startswith("Showing the team as it was on 1 Apr 2026 (April)") for t in _texts(fresh.info))
    fresh.switch_page("app_pages/team.py").run()
    assert _metrics(_ok(fresh))["Trainers"] == "4"
    _button(fresh, "Upload files instead").click().run()
    fresh.switch_page("app_pages/upload.py").run()
    _ok(fresh)
    assert not fresh.file_uploader(key="uploader").proto.disabled


def test_a_store_that_cannot_be_opened_is_one_sentence_and_files_still_work(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("RECERT_DATABASE_URL", f"sqlite:///{blocker / 'recert.db'}")
    monkeypatch.delenv("RECERT_DEMO", raising=False)
    at = _start()
    at.date_input(key="as_of").set_value(date(2026, 3, 1)).run()
    at.file_uploader(key="uploader").set_value([("roster.csv", MARCH, "text/csv")]).run()
    _ok(at)
    _button(at, "Save as snapshot").click().run()
    _ok(at)
    warnings = _texts(at.warning)
    assert len([w for w in warnings if w.startswith("The saved snapshots cannot be reached")]) == 1
    at.switch_page("app_pages/team.py").run()
    assert _metrics(_ok(at))["Trainers"] == "4"


def test_rules_saved_as_the_teams_load_in_a_new_session():
    at = _start()
    at.switch_page("app_pages/rules.py").run()
    assert _button(at, "Save as the team's rules").disabled  # the bundled rules are in force
    at.session_state["_rules_text"] = "credentials:\n- id: nasm_cpt\n  required_credits: 3\n"
    at.run()
    _button(at, "Save as the team's rules").click().run()
    _ok(at)
    assert any(t.startswith("Saved as the team's rules") for t in _texts(at.success))
    fresh = _start()
    assert fresh.session_state["_rules_text"] == "credentials:\n- id: nasm_cpt\n  required_credits: 3\n"
    fresh.switch_page("app_pages/rules.py").run()
    assert "The team's saved rules are in force." in _texts(_ok(fresh).info)


CLUBS_MARCH = b"""Staff ID,Name,Home gym,Certification,Expiration
S1,Ana Silva,Downtown,NASM-CPT,2026-06-30
S2,Bo Chen,Riverside,ACE CPT,2026-09-20
"""
CLUBS_APRIL = b"""Staff ID,Name,Home gym,Certification,Expiration
S1,Ana Silva,Downtown,NASM-CPT,2028-06-30
S3,Cy Diaz,Northgate,ACE CPT,2027-09-20
"""


def test_column_corrections_saved_with_a_snapshot_apply_to_next_months_export_of_that_layout():
    at = _start()
    at.date_input(key="as_of").set_value(date(2026, 3, 1)).run()
    at.file_uploader(key="uploader").set_value([("roster.csv", CLUBS_MARCH, "text/csv")]).run()
    at.session_state["_overrides"] = {("roster.csv", ""): {"Home gym": ""}}  # 'Home gym' is not the club here
    at.run()
    _button(at, "Save as snapshot").click().run()
    _ok(at)
    assert not any("Column corrections saved" in t for t in _texts(at.info))  # these are this session's own

    at.file_uploader(key="uploader").set_value([("roster-2026-04.csv", CLUBS_APRIL, "text/csv")]).run()
    _ok(at)
    assert at.session_state["_overrides"] == {("roster-2026-04.csv", ""): {"Home gym": ""}}
    notice = [t for t in _texts(at.info) if t.startswith("Column corrections saved with an earlier upload")]
    assert notice == [
        "Column corrections saved with an earlier upload of the same layout were applied to "
        "roster-2026-04.csv: check them under How each file was read."
    ]
    at.switch_page("app_pages/team.py").run()
    assert set(_ok(at).session_state["_loaded"].standing.trainers["club"].fillna("")) == {""}


def test_another_layout_gets_no_saved_corrections():
    at = _start()
    at.date_input(key="as_of").set_value(date(2026, 3, 1)).run()
    at.file_uploader(key="uploader").set_value([("roster.csv", CLUBS_MARCH, "text/csv")]).run()
    at.session_state["_overrides"] = {("roster.csv", ""): {"Home gym": ""}}
    at.run()
    _button(at, "Save as snapshot").click().run()
    at.file_uploader(key="uploader").set_value([("staff.csv", MARCH, "text/csv")]).run()  # other headers
    _ok(at)
    assert at.session_state["_overrides"] == {}
    assert not any("Column corrections saved" in t for t in _texts(at.info))
