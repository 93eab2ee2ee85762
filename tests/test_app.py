"""The dashboard driven through Streamlit's AppTest: every page, uploads, filters, errors, hostile text."""

from __future__ import annotations

import gc
import re
import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cpd
from cpd import fmt
from cpd.samples import DEFAULT_ANCHOR, ROSTER_FILE
from cpd.views.escape import WORD_JOINER, md_escape
from cpd.views.rules import rules_yaml
from tests import hostile
from tests.helpers import csv_bytes

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = [
    "app_pages/upload.py",
    "app_pages/team.py",
    "app_pages/trainer.py",
    "app_pages/reminders.py",
    "app_pages/rules.py",
]
KPI_LABELS = ["Trainers", "Compliant", "At risk", "Expiring in 90 days", "Lapsed"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _app(monkeypatch, *, demo: bool = False, as_of: date | None = DEFAULT_ANCHOR) -> AppTest:
    """A fresh session, first run done, as-of pinned so the sample's statuses are the documented ones."""
    if demo:
        monkeypatch.setenv("RECERT_DEMO", "1")
    else:
        monkeypatch.delenv("RECERT_DEMO", raising=False)
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    if as_of is not None:
        at.date_input(key="as_of").set_value(as_of).run()
    return at


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def _upload(at: AppTest, files: dict[str, bytes]) -> AppTest:
    at.file_uploader(key="uploader").set_value(
        [(n, d, XLSX if n.endswith("x") else "text/csv") for n, d in files.items()]
    )
    return at.run()


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _expected_kpis(st) -> dict[str, str]:
    """The headline worked out from the engine's frames directly (not through cpd.views)."""
    t, s = st.trainers, st.standings
    n = len(t)
    ok = int(t["compliant"].sum())
    return {
        "Trainers": str(n),
        "Compliant": f"{round(100 * ok / n)}%",
        "At risk": str(int((s["status"] == "at_risk").sum())),
        "Expiring in 90 days": str(int(s["days_left"].between(0, 90).sum())),
        "Lapsed": str(int(s["status"].isin(["grace", "expired"]).sum())),
    }


# Landing page -------------------------------------------------------------------------------------------------
def test_landing_page_has_the_uploader_and_the_sample_button(monkeypatch):
    at = _app(monkeypatch)
    _no_exception(at)
    up = at.file_uploader(key="uploader")
    assert up.accept_multiple_files
    assert set(up.allowed_type) == {".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".txt", ".xls", ".xlsb"}
    _button(at, "Try it with sample data")
    assert not at.metric
    assert at.sidebar.date_input(key="as_of").value == DEFAULT_ANCHOR  # settings are there before any data
    assert at.number_input(key="window").value == 90
    assert at.selectbox(key="date_order").value == "auto"


def test_as_of_defaults_to_today(monkeypatch):
    at = _app(monkeypatch, as_of=None)
    assert at.date_input(key="as_of").value == date.today()


# Upload -------------------------------------------------------------------------------------------------------
def test_upload_through_the_file_uploader_shows_counts_rejections_and_mapping(
    monkeypatch, sample_files, sample_standing
):
    at = _upload(_app(monkeypatch), sample_files)
    _no_exception(at)
    counts = sample_standing.counts
    m = _metrics(at)
    assert m["Rows read"][0] == f"{counts['rows_read']:,}"
    assert m["Accepted"][0] == f"{counts['accepted']:,}"
    assert m["Rejected"][0] == f"{counts['rejected']:,}"
    assert m["Blank"][0] == f"{counts['blank']:,}"
    rejected = [d.value for d in at.dataframe if "Reason" in d.value.columns]
    assert len(rejected) == 1 and len(rejected[0]) == counts["rejected"]
    assert rejected[0]["Reason"].str.len().gt(0).all()
    assert any(b.label == "Download rejected rows (CSV)" for b in at.get("download_button"))
    # One mapping editor per sheet read, listing the columns as they are written in the file.
    editors = at.data_editor
    assert len(editors) == sum(1 for mp in sample_standing.mappings if mp.layout != "skipped")
    roster = [e.value for e in editors if "Trainer Name" in set(e.value["Column in file"])][0]
    assert dict(zip(roster["Column in file"], roster["Read as"], strict=True))["Exp. Date"] == "expires"
    assert at.warning  # dated-after-as-of and other warnings are shown


def test_team_kpis_match_the_engine_for_the_sample(monkeypatch, sample_standing):
    at = _app(monkeypatch)
    _button(at, "Try it with sample data").click().run()
    at.switch_page("app_pages/team.py").run()
    _no_exception(at)
    m = _metrics(at)
    assert list(m) == KPI_LABELS
    assert {k: v[0] for k, v in m.items()} == _expected_kpis(sample_standing)
    assert m["Compliant"][1] == f"{int(sample_standing.trainers['compliant'].sum())} of 32"
    assert len(at.get("plotly_chart")) == 4
    table = [d.value for d in at.dataframe if "What to do" in d.value.columns][0]
    assert set(table["Trainer"]) <= set(sample_standing.trainers["trainer"])
    assert table["Status"].iloc[0] == "Expired"
    labels = {b.label: b for b in at.get("download_button")}
    assert {"Excel report", "CSV of standings", "Calendar of expiries"} <= set(labels)


def test_demo_mode_opens_with_the_sample_loaded_and_the_uploader_still_there(monkeypatch):
    at = _app(monkeypatch, demo=True, as_of=None)
    _no_exception(at)
    assert at.file_uploader(key="uploader")
    assert _metrics(at)["Rows read"][0] != "0"
    assert at.session_state["_origin"] == "sample"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_sample(monkeypatch, page):
    at = _app(monkeypatch, demo=True)
    at.switch_page(page).run()
    _no_exception(at)
    assert not at.error


def test_every_page_without_data_says_what_to_do(monkeypatch):
    at = _app(monkeypatch)
    for page in PAGES[1:4]:
        at.switch_page(page).run()
        _no_exception(at)
        assert at.info, page
    at.switch_page("app_pages/team.py").run()
    _button(at, "Try it with sample data").click().run()
    _no_exception(at)
    assert list(_metrics(at)) == KPI_LABELS


def test_trainer_page_shows_each_certification_and_their_activities(monkeypatch, sample_standing):
    at = _app(monkeypatch)
    _button(at, "Try it with sample data").click().run()
    at.switch_page("app_pages/trainer.py").run()
    picker = at.selectbox(key="trainer_pick")
    names = set(sample_standing.trainers["trainer"])
    assert set(picker.options) == names  # names, not ids
    tid = sample_standing.contributions["trainer_id"].value_counts().index[0]
    picker.set_value(tid).run()
    _no_exception(at)
    held = sample_standing.standings[sample_standing.standings["trainer_id"] == tid]
    assert [m.value for m in at.metric if m.label == "Expires"] == [fmt.day(e) for e in held["expires"]]
    acts = [d.value for d in at.dataframe if "Counted toward" in d.value.columns][0]
    assert len(acts) == int((sample_standing.activities["trainer_id"] == tid).sum())
    assert acts["Counted toward"].str.contains("CPT|GFI|CSCS|RYT|NCPT|CGFI").any()
    assert len(at.get("plotly_chart")) >= 1


def test_rules_page_lists_the_catalogue_and_applies_session_rules(monkeypatch):
    at = _app(monkeypatch, demo=True)
    at.switch_page("app_pages/rules.py").run()
    _no_exception(at)
    table = at.data_editor[0].value
    assert {"nasm_cpt", "issa_cpt"} <= set(table["id"])
    assert {
        "hours_per_unit",
        "required_credits",
        "cycle_years",
        "grace_days",
        "cpr_required",
        "sources",
        "confidence",
    } <= set(table.columns)
    before = at.session_state["_loaded"].standing
    at.session_state["_rules_text"] = rules_yaml([{"id": "nasm_cpt", "required_credits": 50}])
    at.run()
    _no_exception(at)
    assert at.session_state["_loaded"].catalogue["nasm_cpt"].required_credits == 50
    after = at.session_state["_loaded"].standing
    nasm = after.standings["credential"] == "nasm_cpt"
    assert (after.standings.loc[nasm, "required"] == 50).all()
    assert not before.standings.loc[before.standings["credential"] == "nasm_cpt", "required"].eq(50).any()
    assert any("edited rules are in force" in i.value for i in at.info)


def test_broken_session_rules_fall_back_with_a_sentence(monkeypatch):
    at = _app(monkeypatch, demo=True)
    at.session_state["_rules_text"] = "credentials: [{id: nasm_cpt, required_credits: -3}]"
    at.switch_page("app_pages/rules.py").run()
    _no_exception(at)
    assert at.error and "bundled rules apply" in at.error[0].value


def test_reminders_page_lists_drafts_with_mail_links(monkeypatch):
    at = _app(monkeypatch, demo=True)
    at.switch_page("app_pages/reminders.py").run()
    _no_exception(at)
    table = at.dataframe[0].value
    assert len(table) > 0 and table["mailto"].str.startswith("mailto:").all()
    assert at.get("link_button")


# Filters, caching -------------------------------------------------------------------------------------------
def test_a_filter_slices_the_standing_without_reading_the_files_again(monkeypatch, sample_standing):
    calls = []
    real = cpd.read_sources

    def counting(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(cpd, "read_sources", counting)
    at = _app(monkeypatch, demo=True)
    at.switch_page("app_pages/team.py").run()
    reads = len(calls)
    assert reads >= 1
    at.multiselect(key="f_clubs").set_value(["Downtown"]).run()
    _no_exception(at)
    downtown = int((sample_standing.trainers["club"] == "Downtown").sum())
    assert _metrics(at)["Trainers"][0] == str(downtown)
    at.multiselect(key="f_statuses").set_value(["at_risk"]).run()
    assert _metrics(at)["At risk"][0] == str(
        int(
            (
                (sample_standing.standings["club"] == "Downtown")
                & (sample_standing.standings["status"] == "at_risk")
            ).sum()
        )
    )
    at.number_input(key="window").set_value(60).run()  # a new window recomputes the standing, not the read
    assert "Expiring in 60 days" in _metrics(at)
    assert len(calls) == reads
    _button(at, "Clear filters").click().run()
    assert _metrics(at)["Trainers"][0] == "32"


def test_a_filter_that_matches_nothing_says_so(monkeypatch):
    at = _app(monkeypatch, demo=True)
    at.switch_page("app_pages/team.py").run()
    at.multiselect(key="f_clubs").set_value(["Downtown"]).run()
    at.multiselect(key="f_bodies").set_value(["YA"]).run()
    at.multiselect(key="f_roles").set_value(["Personal Trainer"]).run()
    _no_exception(at)
    assert _metrics(at)["Trainers"][0] == "0"
    assert any("No certifications match" in i.value for i in at.info)


# Mapping correction -------------------------------------------------------------------------------------------
def test_a_mapping_correction_reruns_the_files_with_overrides(monkeypatch, sample_files):
    at = _upload(_app(monkeypatch), {ROSTER_FILE: sample_files[ROSTER_FILE]})
    assert set(at.session_state["_loaded"].standing.trainers["club"]) == {
        "Downtown",
        "Riverside",
        "Northgate",
    }
    at.session_state["_overrides"] = {(ROSTER_FILE, ""): {"Club": ""}}  # what "Apply mapping" stores
    at.run()
    _no_exception(at)
    clubs = at.session_state["_loaded"].standing.trainers["club"]
    assert clubs.isna().all() or clubs.eq("").all()
    _button(at, "Undo my corrections").click().run()
    assert set(at.session_state["_loaded"].standing.trainers["club"]) == {
        "Downtown",
        "Riverside",
        "Northgate",
    }


# Bad files and hostile text ---------------------------------------------------------------------------------
def test_an_unreadable_file_is_one_sentence_and_the_others_are_still_read(monkeypatch, sample_files):
    at = _upload(
        _app(monkeypatch),
        {
            "notes.xlsx": b"PK\x03\x04" + b"damaged" * 50,
            "empty.csv": b"",
            ROSTER_FILE: sample_files[ROSTER_FILE],
        },
    )
    _no_exception(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 2
    assert any("notes" in e for e in errors) and any("empty" in e for e in errors)
    assert all("Traceback" not in e and "\n" not in e for e in errors)
    assert int(_metrics(at)["Rows read"][0]) > 0


def test_a_crash_inside_the_reader_is_contained_to_its_file(monkeypatch, sample_files):
    real = cpd.read_sources

    def fragile(sources, **kw):
        if any(s.name == "boom.csv" for s in sources):
            raise RuntimeError("a bug")
        return real(sources, **kw)

    monkeypatch.setattr(cpd, "read_sources", fragile)
    at = _upload(_app(monkeypatch), {"boom.csv": b"a,b\n1,2\n", ROSTER_FILE: sample_files[ROSTER_FILE]})
    _no_exception(at)
    assert [e.value for e in at.error] == [md_escape("boom.csv " + _generic())]
    assert int(_metrics(at)["Rows read"][0]) > 0


def _generic() -> str:
    from app_pages._shared import GENERIC_FAILURE

    return GENERIC_FAILURE


HOSTILE = ["<img src=x onerror=alert(1)>", '=HYPERLINK("http://evil.example","x")', "**Bold** [x](http://e)"]


def test_hostile_names_are_shown_as_literal_text(monkeypatch):
    rows = [["Trainer Name", "Club", "Certification", "Exp. Date", "Notes"]]
    rows += [[name, f"<b>{i}</b>", "NASM CPT", "2027-01-01", ""] for i, name in enumerate(HOSTILE)]
    rows += [["Zed", "Downtown", "<script>alert(1)</script> Cert", "2027-01-01", ""]]
    at = _upload(_app(monkeypatch), {"evil.csv": csv_bytes(rows)})
    pages_seen = []
    for page in PAGES:
        at.switch_page(page).run()
        _no_exception(at)
        pages_seen.append(page)
        for md in at.markdown:
            assert not md.proto.allow_html, (page, md.value)
    at.switch_page("app_pages/trainer.py").run()
    for tid in at.session_state["_loaded"].view.trainers["trainer_id"]:
        at.selectbox(key="trainer_pick").set_value(tid).run()
        _no_exception(at)
        head = at.subheader[0].value
        assert "<img" not in head.replace("\\<img", "") and "**" not in head.replace("\\*\\*", "")
        for md in at.markdown:
            assert not md.proto.allow_html


def test_no_page_passes_file_text_to_html():
    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html=True" not in text and "st.html(" not in text, path


# Scale --------------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_chain_workbook_of_10000_trainers_uploads_renders_and_filters_fast(monkeypatch):
    from cpd.samples import build_chain_workbook

    anchor = DEFAULT_ANCHOR
    data = build_chain_workbook(10_000, anchor=anchor)
    at = _app(monkeypatch)
    t0 = time.perf_counter()
    at.file_uploader(key="uploader").set_value(("chain.xlsx", data, XLSX))
    at.run(timeout=180)
    upload = time.perf_counter() - t0
    _no_exception(at)
    t0 = time.perf_counter()
    at.switch_page("app_pages/team.py").run(timeout=60)
    team = time.perf_counter() - t0
    _no_exception(at)
    assert int(_metrics(at)["Trainers"][0].replace(",", "")) > 1000
    club = at.multiselect(key="f_clubs").options[0]
    t0 = time.perf_counter()
    at.multiselect(key="f_clubs").set_value([club]).run()
    filtered = time.perf_counter() - t0
    _no_exception(at)
    t0 = time.perf_counter()
    at.multiselect(key="f_clubs").set_value([]).run()
    unfiltered = time.perf_counter() - t0
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "chain_timings.txt").write_text(
        f"upload+read {upload:.2f}s, team page {team:.2f}s, filter change {filtered:.2f}s, "
        f"clear filter {unfiltered:.2f}s\n",
        encoding="utf-8",
    )
    # Timings are measurements (benchmarks/bench_app.py, README), not assertions.


# Isolation -------------------------------------------------------------------------------------------------
def test_two_sessions_uploading_different_files_never_see_each_other(monkeypatch):
    """Each AppTest is its own session in this process: shared caches or module globals would leak here."""
    one = b"Trainer,Club,Certification,Expiration\nAlice Onlyhere,North,NASM,2027-01-31\n"
    two = b"Trainer,Club,Certification,Expiration\nBob Elsewhere,South,ISSA,2027-01-31\n"
    a, b = _app(monkeypatch), _app(monkeypatch)
    _upload(a, {"one.csv": one})
    _upload(b, {"two.csv": two})
    a.switch_page("app_pages/team.py").run()
    b.switch_page("app_pages/team.py").run()
    _no_exception(a)
    _no_exception(b)
    assert _metrics(a)["Trainers"][0] == "1" and _metrics(b)["Trainers"][0] == "1"

    def shown(at) -> str:
        """Everything the session shows or holds: tables, trainer picker, and its own files."""
        at.switch_page("app_pages/trainer.py").run()
        parts = [str(df.value.to_dict()) for df in at.dataframe] + [str(sb.options) for sb in at.selectbox]
        parts += [name for name, *_ in at.session_state["_files"]]
        parts += [str(d) for _, d, _ in at.session_state["_files"]]
        return " ".join(parts)

    assert "Alice Onlyhere" in shown(a) and "Bob Elsewhere" not in shown(a)
    assert "Bob Elsewhere" in shown(b) and "Alice Onlyhere" not in shown(b)


# Old formats (issue 10, item 10; read since issue 16) ----------------------------------------------------------
SAVE_AS_XLSX = "save it as an Excel Workbook (.xlsx) and upload that file"
DAMAGED = "the workbook is damaged and cannot be opened"
OLD_FORMATS = [  # (name, bytes, what Recert says): let through by the uploader, answered with Recert's sentence
    ("cut-short.xls", b"\xd0\xcf\x11\xe0", DAMAGED),  # only the first four bytes of the OLE2 signature
    ("damaged.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), DAMAGED),  # unreadable directory
    ("excel4.xls", b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(64), SAVE_AS_XLSX),  # Excel 2-4, no container
    ("roster.xlsb", hostile.xlsb(), DAMAGED),  # zip with a cut-short xl/workbook.bin
]


@pytest.mark.parametrize(("name", "data", "said"), OLD_FORMATS, ids=[n for n, _, _ in OLD_FORMATS])
def test_old_excel_files_recert_cannot_read_get_recerts_sentence(monkeypatch, sample_files, name, data, said):
    at = _upload(
        _app(monkeypatch), {name: data, ROSTER_FILE: sample_files[ROSTER_FILE]}
    )  # uploader lets it in
    _no_exception(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    text = errors[0].replace("\\", "").replace(WORD_JOINER, "")
    assert text.startswith(name) and said in text
    assert int(_metrics(at)["Rows read"][0]) > 0  # the other file was still read


def test_an_xls_workbook_is_read_like_the_same_xlsx(monkeypatch):
    """Since issue 16: the sample workbook saved as Excel 97-2003 by LibreOffice gives the same headline."""
    xlsx = (Path(__file__).parent.parent / "sample_data" / "recert_workbook.xlsx").read_bytes()
    xls = (Path(__file__).parent / "data" / "recert_workbook.xls").read_bytes()
    a = _upload(_app(monkeypatch), {"recert_workbook.xlsx": xlsx})
    b = _upload(_app(monkeypatch), {"recert_workbook.xls": xls})
    _no_exception(b)
    assert not b.error, [e.value for e in b.error]
    assert _metrics(b) == _metrics(a) and int(_metrics(b)["Rows read"][0].replace(",", "")) > 0


def test_the_uploader_takes_exactly_the_types_the_page_names(monkeypatch):
    from app_pages import _shared

    at = _app(monkeypatch)
    allowed = set(at.file_uploader(key="uploader").allowed_type)
    assert allowed == {f".{t}" for t in _shared.UPLOAD_TYPES}
    named = set(re.findall(r"\.([a-z]+)\b", at.info[0].value))
    assert {f".{t}" for t in named} == allowed  # the empty-state text
    assert {f".{t}" for t in re.findall(r"\.([a-z]+)\b", _shared.ACCEPTED_SENTENCE)} == allowed  # the help
    assert f"{_shared.SESSION_MB} MB" in at.file_uploader(key="uploader").help


# Memory over a long session (issue 10, item 8) ----------------------------------------------------------------
def _roster(tag: str, n: int = 60) -> bytes:
    """A small roster whose names and clubs (so its bytes and its charts) differ per tag."""
    rows = [["Trainer Name", "Club", "Certification", "Exp. Date"]]
    rows += [
        [
            f"Trainer {tag} {i}",
            f"Club {tag} {i % 3}",
            ("NASM CPT", "ACE CPT")[i % 2],
            f"2027-{1 + i % 12:02d}-15",
        ]
        for i in range(n)
    ]
    return csv_bytes(rows)


def _live_standings(names: set[str]) -> int:
    """Standings still in memory that were computed from any of ``names`` (other tests' standings aside)."""
    gc.collect()
    return sum(
        1
        for o in gc.get_objects()
        if isinstance(o, cpd.Standing) and len(o.ledger) and set(o.ledger["file"]) <= names
    )


def test_after_many_uploads_and_page_visits_only_the_last_files_results_are_held(monkeypatch):
    at = _app(monkeypatch)
    names = {f"roster_{i}.csv" for i in range(8)}
    for i in range(8):
        _upload(at, {f"roster_{i}.csv": _roster(str(i))})
        for page in ("app_pages/team.py", "app_pages/trainer.py", "app_pages/upload.py"):
            at.switch_page(page).run()
        _no_exception(at)
    # Streamlit keeps the callbacks of widgets that are gone, and a page's callback holds that run's standing.
    assert _live_standings(names) == 1
    digest = at.session_state["_files"][0][2]
    for store in ("_rosters", "_standings", "_options", "_cred_names"):
        assert all(digest in repr(key) for key in at.session_state[store]), store
    assert len(at.session_state["_rosters"]) == 1


def test_new_files_drop_every_result_of_the_previous_ones(monkeypatch):
    at = _upload(_app(monkeypatch), {"first.csv": _roster("a")})
    for day in (date(2026, 12, 2), date(2026, 12, 3)):
        at.date_input(key="as_of").set_value(day).run()
    assert len(at.session_state["_standings"]) == 2
    first = at.session_state["_files"][0][2]
    _upload(at, {"second.csv": _roster("b")})
    assert all(
        first not in repr(key)
        for store in ("_rosters", "_standings", "_options", "_cred_names")
        for key in at.session_state[store]
    )
    assert len(at.session_state["_standings"]) == 1
    assert _live_standings({"first.csv"}) == 0


@pytest.mark.parametrize(("store_bytes", "kept"), [(None, 2), (1, 1)])
def test_a_session_cache_is_bounded_by_count_and_by_bytes(monkeypatch, store_bytes, kept):
    from app_pages import _memory

    if store_bytes is not None:
        monkeypatch.setattr(_memory, "STORE_BYTES", store_bytes)
    at = _upload(_app(monkeypatch), {"r.csv": _roster("a")})
    for day in (date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)):
        at.date_input(key="as_of").set_value(day).run()
        _no_exception(at)
    cache = at.session_state["_standings"]
    assert len(cache) == kept
    assert list(cache)[-1][1] == date(2026, 12, 4)  # the newest is always kept
    assert all(size > 0 for _, size in cache.values())


def test_files_over_the_session_limit_get_one_sentence_and_are_not_kept(monkeypatch):
    from app_pages import _memory

    a, b = _roster("a"), _roster("b")
    monkeypatch.setattr(_memory, "SESSION_FILE_BYTES", len(a) + len(b) - 1)
    at = _upload(_app(monkeypatch), {"a.csv": a})
    at.file_uploader(key="uploader").set_value([("a.csv", a, "text/csv"), ("b.csv", b, "text/csv")])
    at.run()
    _no_exception(at)
    assert [e.value for e in at.error] == [md_escape(_memory.files_too_large_sentence(len(a) + len(b)))]
    assert [n for n, *_ in at.session_state["_files"]] == ["a.csv"]  # what was loaded before stays
    assert at.file_uploader(key="uploader_1").value == []  # a new, empty uploader: the files are not held
    assert int(_metrics(at)["Rows read"][0]) == 60
    at.file_uploader(key="uploader_1").set_value([("b.csv", b, "text/csv")])
    at.run()
    assert not at.error and [n for n, *_ in at.session_state["_files"]] == ["b.csv"]


def test_removing_all_files_empties_the_uploader_so_they_do_not_come_back(monkeypatch):
    at = _upload(_app(monkeypatch), {"a.csv": _roster("a")})
    _button(at, "Remove all files").click().run()
    assert at.session_state["_files"] == [] and at.file_uploader(key="uploader_1").value == []
    at.file_uploader(key="uploader_1").set_value([("b.csv", _roster("b"), "text/csv")])
    at.run()
    assert [n for n, *_ in at.session_state["_files"]] == ["b.csv"]
