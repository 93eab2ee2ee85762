"""cpd.views: filters, KPIs, chart selection to filter, tables, mapping and rules edits (no Streamlit)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from cpd import load_catalogue
from cpd.fmt import status_label
from cpd.model import STATUSES, Notice, SheetMapping
from cpd.reminders import DRAFT_COLUMNS
from cpd.views.escape import WORD_JOINER, md_escape
from cpd.views.filters import NO_BODY, club_from_selection, credential_labels, filter_options, filter_standing
from cpd.views.reminders import TABLE_COLUMNS, draft_labels, draft_table
from cpd.views.rules import rules_changes, rules_table, rules_yaml
from cpd.views.table import apply_editor_state, cpr_badge, cpr_state, cpr_text
from cpd.views.team import kpis, needs_attention
from cpd.views.trainer import trainer_activities, trainer_certifications, trainer_choices, trainer_timeline
from cpd.views.upload import (
    IGNORE,
    counts_by_file,
    field_label,
    field_options,
    group_warnings,
    layout_label,
    mapping_rows,
    overrides_from_edit,
    rejected_table,
    sheet_needs_mapping,
)
from tests.helpers import csv_bytes, run

KPI_LABELS = ["Trainers", "Compliant", "At risk", "Expiring in 90 days", "Lapsed"]


# A literal roster whose statuses are worked out by hand from standing.md (T = 2026-06-01, W = 90).
ROSTER = csv_bytes(
    [
        ["Trainer Name", "Club", "Role", "Certification", "Exp. Date", "CEUs earned", "CPR/AED exp"],
        [
            "Ana Silva",
            "Downtown",
            "Personal Trainer",
            "NASM CPT",
            "2026-07-31",
            "2.0",
            "2027-12-31",
        ],  # met, 60 d
        ["Ben Okafor", "Downtown", "Personal Trainer", "ACE CPT", "2026-04-30", "2.0", "2027-12-31"],  # grace
        [
            "Cara Lind",
            "Riverside",
            "Group Fitness Instructor",
            "ISSA CPT",
            "2026-08-15",
            "5",
            "2027-12-31",
        ],  # at risk
        [
            "Dan Reyes",
            "Riverside",
            "Personal Trainer",
            "NASM CPT",
            "2020-01-01",
            "2.0",
            "2027-12-31",
        ],  # expired
        [
            "Eve Novak",
            "Riverside",
            "Personal Trainer",
            "ISSA CPT",
            "2027-12-31",
            "15",
            "2027-12-31",
        ],  # on track
    ]
)


@pytest.fixture(scope="module")
def small():
    return run({"roster.csv": ROSTER}, as_of=date(2026, 6, 1))


def test_small_roster_has_the_hand_worked_statuses(small):
    got = dict(zip(small.standings["trainer"], small.standings["status"], strict=True))
    assert got == {
        "Ana Silva": "met",
        "Ben Okafor": "grace",
        "Cara Lind": "at_risk",
        "Dan Reyes": "expired",
        "Eve Novak": "on_track",
    }


def test_kpis_have_the_exact_labels_and_hand_worked_values(small):
    k = kpis(small)
    assert list(k) == KPI_LABELS
    assert (k["Trainers"].value, k["Trainers"].count) == ("5", 5)
    assert (k["Compliant"].value, k["Compliant"].count, k["Compliant"].detail) == ("60%", 3, "3 of 5")
    assert (k["At risk"].count, k["At risk"].detail) == (1, "1 trainer")
    assert k["Expiring in 90 days"].count == 2  # Ana (60 days, met: still needs renewing) and Cara (75 days)
    assert (k["Lapsed"].count, k["Lapsed"].detail) == (2, "2 trainers")


def test_expiring_label_follows_the_risk_window():
    st = run({"roster.csv": ROSTER}, as_of=date(2026, 6, 1), window=30)
    assert list(kpis(st)) == ["Trainers", "Compliant", "At risk", "Expiring in 30 days", "Lapsed"]
    assert kpis(st)["Expiring in 30 days"].count == 0


def test_kpis_of_the_sample_match_the_engine(sample_standing):
    t, s = sample_standing.trainers, sample_standing.standings
    k = kpis(sample_standing)
    assert k["Trainers"].count == len(t) == 32
    assert k["Compliant"].count == int(t["compliant"].sum())
    assert k["At risk"].count == int((s["status"] == "at_risk").sum()) == 5
    assert k["Lapsed"].count == int(s["status"].isin(["grace", "expired"]).sum()) == 10
    assert k["Expiring in 90 days"].count == int(((s["days_left"] >= 0) & (s["days_left"] <= 90)).sum())


def test_no_filter_returns_the_standing_itself(sample_standing):
    assert filter_standing(sample_standing) is sample_standing
    assert filter_standing(sample_standing, clubs=[], statuses=None) is sample_standing


def test_filter_by_club_keeps_that_clubs_trainers_and_their_rows(sample_standing):
    f = filter_standing(sample_standing, clubs=["Downtown"])
    assert set(f.trainers["club"]) == {"Downtown"}
    assert set(f.standings["trainer_id"]) <= set(f.trainers["trainer_id"])
    assert len(f.standings) == int((sample_standing.standings["club"] == "Downtown").sum())
    assert set(f.activities["trainer_id"]) <= set(f.trainers["trainer_id"])
    assert set(f.contributions["trainer_id"]) <= set(f.trainers["trainer_id"])


def test_filter_by_status_keeps_only_holders_of_that_status(small):
    f = filter_standing(small, statuses=["grace", "expired"])
    assert set(f.standings["status"]) == {"grace", "expired"}
    assert set(f.trainers["trainer"]) == {"Ben Okafor", "Dan Reyes"}
    # Verdicts stay the engine's: the filter never recomputes compliance.
    assert not f.trainers["compliant"].any()


def test_filters_combine(small):
    f = filter_standing(small, clubs=["Riverside"], roles=["Personal Trainer"], bodies=["ISSA"])
    assert list(f.trainers["trainer"]) == ["Eve Novak"]
    assert list(f.standings["credential"]) == ["issa_cpt"]


def test_filter_by_credential_and_unknown_body(sample_standing):
    f = filter_standing(sample_standing, credentials=["nasm_cpt"])
    assert set(f.standings["credential"]) == {"nasm_cpt"}
    unknown = filter_standing(sample_standing, bodies=[NO_BODY])
    assert len(unknown.standings) and not unknown.standings["known"].any()


def test_filter_options_are_names_in_order(sample_standing):
    names = credential_labels(load_catalogue())
    opts = filter_options(sample_standing, names)
    assert opts["clubs"] == ["Downtown", "Northgate", "Riverside"]
    assert opts["statuses"] == [s for s in STATUSES]
    assert opts["bodies"][-1] == NO_BODY  # "Not in catalogue" last
    assert "Zumba Instructor" in opts["credentials"]


# Chart selection -> filter ------------------------------------------------------------------------------------
def _event(*points):
    return {
        "selection": {
            "points": list(points),
            "point_indices": [p.get("point_index", 0) for p in points],
            "box": [],
            "lasso": [],
        }
    }


def test_club_from_a_click_on_a_bar_reads_customdata():
    point = {
        "curve_number": 2,
        "point_number": 1,
        "point_index": 1,
        "x": 3,
        "y": "Riverside",
        "customdata": "Riverside",
        "legendgroup": "at_risk",
    }
    assert club_from_selection(_event(point)) == ["Riverside"]


def test_club_from_a_box_selection_over_stacked_traces_is_each_club_once():
    pts = [
        {"x": 1, "y": "Downtown", "customdata": ["Downtown"], "curve_number": 0},
        {"x": 2, "y": "Downtown", "customdata": ["Downtown"], "curve_number": 1},
        {"x": 4, "y": "Northgate", "curve_number": 1},
    ]
    assert club_from_selection(_event(*pts)) == ["Downtown", "Northgate"]


@pytest.mark.parametrize(
    "event",
    [
        None,
        {},
        {"selection": {}},
        {"selection": {"points": []}},
        "junk",
        {"selection": {"points": [{"x": 3, "y": 4}, "not a point"]}},
    ],
)
def test_no_club_from_an_empty_or_malformed_selection(event):
    assert club_from_selection(event) == []


# Tables -------------------------------------------------------------------------------------------------------
def test_needs_attention_is_sorted_by_urgency_and_leaves_out_the_fine(small):
    a = needs_attention(small)
    assert list(a["Trainer"]) == ["Dan Reyes", "Ben Okafor", "Cara Lind"]
    assert list(a["Status"]) == ["Expired", "Grace (lapsed)", "At risk"]
    assert a["Progress"].between(0, 100).all()


def test_needs_attention_of_the_sample_holds_every_lapsed_and_at_risk_certification(sample_standing):
    a = needs_attention(sample_standing)
    s = sample_standing.standings
    assert len(a) >= int(s["status"].isin(["expired", "grace", "at_risk", "behind"]).sum())
    rank = {status_label(x): i for i, x in enumerate(STATUSES)}
    key = list(zip(a["Status"].map(rank), a["Days left"], strict=True))
    assert key == sorted(key)  # worst status first, then the soonest deadline


def test_trainer_activities_say_which_certifications_each_counted_toward(sample_standing):
    c = sample_standing.contributions
    tid = c["trainer_id"].value_counts().index[0]
    acts = trainer_activities(sample_standing, tid, credential_labels(load_catalogue()))
    assert len(acts) == int((sample_standing.activities["trainer_id"] == tid).sum())
    counted = acts[~acts["Counted toward"].str.startswith("not")]
    assert len(counted) == c.loc[c["trainer_id"] == tid, "activity_id"].nunique()
    assert acts["Date"].is_monotonic_decreasing


def test_trainer_timeline_climbs_to_what_the_engine_says_was_earned(sample_standing):
    s = sample_standing.standings
    row = s[s["known"] & s["required"].notna() & s["earned"].gt(0)].iloc[0]
    tl = trainer_timeline(sample_standing, row["trainer_id"])
    mine = tl[tl["cert_key"] == row["cert_key"]]
    assert mine["cumulative"].is_monotonic_increasing
    assert mine["kind"].iloc[0] == "start" and mine["cumulative"].iloc[0] == 0
    assert mine["cumulative"].iloc[-1] == pytest.approx(row["earned"])


# CPR/AED: one structured state, written as the table's cell and as the Trainer page's metric
@pytest.mark.parametrize(
    ("required", "current", "expires", "state", "cell", "badge"),
    [
        (
            True,
            True,
            pd.Timestamp("2027-12-27"),
            ("current", "27 Dec 2027"),
            "current to 27 Dec 2027",
            ("Current", "to 27 Dec 2027"),
        ),
        (
            True,
            False,
            pd.Timestamp("2026-05-01"),
            ("expired", "1 May 2026"),
            "expired 1 May 2026",
            ("Expired", "on 1 May 2026"),
        ),
        (
            False,
            False,
            pd.Timestamp("2026-05-01"),
            ("expired", "1 May 2026"),
            "expired 1 May 2026",
            ("Expired", "on 1 May 2026"),
        ),
        (True, False, pd.NaT, ("none on file", ""), "none on file", ("None on file", "")),
        (True, None, pd.NaT, ("none on file", ""), "none on file", ("None on file", "")),
        (False, pd.NA, pd.NaT, ("not required", ""), "not required", ("Not required", "")),
    ],
)
def test_cpr_state_gives_the_table_cell_and_the_trainer_metric_without_reading_text_back(
    required, current, expires, state, cell, badge
):
    assert cpr_state(required, current, expires) == state
    assert (cpr_text(*state), cpr_badge(*state)) == (cell, badge)


def test_trainer_certifications_carry_the_cpr_metric_of_each_row(sample_standing):
    s = sample_standing.standings
    for tid in s["trainer_id"].drop_duplicates().head(40):
        certs = trainer_certifications(sample_standing, tid)
        mine = s[s["trainer_id"].eq(tid)]
        held = ~mine["status"].eq("missing")
        want = [
            cpr_badge(*cpr_state(r, c, x)) if h else ("", "")
            for r, c, x, h in zip(
                mine["cpr_required"], mine["cpr_current"], mine["cpr_expires"], held, strict=True
            )
        ]
        assert list(zip(certs["cpr_value"], certs["cpr_detail"], strict=True)) == want
        assert certs["Progress"].dropna().between(0, 100).all()  # a percent: what st.progress takes as an int


# Reminders page -----------------------------------------------------------------------------------------------
def test_draft_table_links_only_drafts_with_an_address_and_labels_name_each_draft():
    d = pd.DataFrame(
        {
            "trainer": ["Ana Silva", "Ben Okafor"],
            "subject": ["Due soon", "Act now"],
            "email": ["ana@example.test", ""],
            "mailto": ["mailto:ana@example.test?x", "mailto:?y"],
        },
        index=[3, 7],
    )
    table = draft_table(d)
    assert table["write"].iloc[0] == "mailto:ana@example.test?x" and pd.isna(table["write"].iloc[1])
    assert draft_labels(d) == {3: "Ana Silva — Due soon", 7: "Ben Okafor — Act now"}
    assert set(TABLE_COLUMNS) - {"write"} <= set(DRAFT_COLUMNS)


def test_trainer_choices_tell_namesakes_apart(small):
    t = pd.DataFrame(
        {
            "trainer_id": ["1", "2", "3"],
            "trainer": ["Sam Lee", "Sam Lee", "Ana Silva"],
            "club": ["Downtown", "Riverside", "Downtown"],
            "status": ["met", "met", "met"],
        }
    )
    labels = trainer_choices(replace(small, trainers=t))["label"].tolist()
    assert labels == ["Sam Lee (Downtown, 1)", "Sam Lee (Riverside, 2)", "Ana Silva"]


# Upload page helpers ------------------------------------------------------------------------------------------
MAPPING = SheetMapping(
    file="r.csv",
    sheet="",
    layout="certifications",
    header_row=3,
    columns={"Trainer Name": "trainer", "Exp. Date": "expires", "Club": "club"},
    ignored=("Notes",),
    date_orders={"Exp. Date": "mdy"},
)


def test_mapping_rows_list_used_then_ignored_columns():
    rows = mapping_rows(MAPPING)
    assert rows["Column in file"].tolist() == ["Trainer Name", "Exp. Date", "Club", "Notes"]
    assert rows["Read as"].tolist() == ["trainer", "expires", "club", IGNORE]
    assert rows["Date order"].tolist() == ["", "month first (03/04 = 4 March)", "", ""]


def test_an_edited_mapping_becomes_overrides_of_the_changed_columns_only():
    state = {
        "edited_rows": {2: {"Read as": IGNORE}, 3: {"Read as": "role"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    edited = apply_editor_state(mapping_rows(MAPPING), state)
    assert overrides_from_edit(MAPPING, edited) == {"Club": "", "Notes": "role"}
    assert overrides_from_edit(MAPPING, mapping_rows(MAPPING)) == {}


def test_a_mapping_override_is_applied_by_the_engine():
    data = csv_bytes(
        [
            ["Trainer Name", "Club", "Certification", "Exp. Date", "Site"],
            ["Ana Silva", "Downtown", "NASM CPT", "2027-01-01", "Main floor"],
        ]
    )
    plain = run({"r.csv": data})
    fixed = run({"r.csv": data}, overrides={("r.csv", ""): {"Club": "", "Site": "club"}})
    assert list(plain.trainers["club"]) == ["Downtown"]
    assert list(fixed.trainers["club"]) == ["Main floor"]


def test_field_labels_read_as_words():
    names = {"nasm_cpt": "NASM CPT"}
    assert field_label("expires") == "expiry date"
    assert field_label("credential:nasm_cpt", names) == "expiry of NASM CPT"
    assert field_label("") == field_label(IGNORE) == "(ignored)"
    assert "credential:nasm_cpt" in field_options(load_catalogue())


def test_counts_by_file_add_up_to_the_totals(sample_standing):
    per = counts_by_file(sample_standing)
    totals = sample_standing.counts
    assert per["Rows read"].sum() == totals["rows_read"]
    assert per["Rejected"].sum() == totals["rejected"] == len(rejected_table(sample_standing))


def test_routine_duplicate_warnings_are_grouped_apart_by_their_kind_not_their_wording():
    listed = Notice(
        "listed_twice", "Ana Silva's NASM-CPT is listed 3 times (a; b): the latest expiry was used."
    )
    future = Notice("future", "2 activities are dated after as-of")
    lookalike = (
        "Bo's ACE is listed 2 times (a; b): the latest expiry was used."  # a plain string: kind "other"
    )
    main, dup = group_warnings([listed, future, lookalike])
    assert main == [future, lookalike] and dup == [listed]


@pytest.mark.parametrize(
    ("kind", "label", "editor"),
    [
        ("empty", "Empty", False),
        ("hidden", "Hidden, not read", False),
        ("copy", "A copy, read once", False),
        ("no_header", "Not read: no header found", True),
        ("unreadable", "Not read: columns not recognised", True),
    ],
)
def test_a_skipped_sheet_is_labelled_and_given_an_editor_by_its_note_kind(kind, label, editor):
    m = SheetMapping(
        file="f.xlsx",
        sheet="S",
        layout="skipped",
        header_row=None,
        columns={},
        ignored=(),
        note="hidden sheet",
        note_kind=kind,
    )  # the wording never decides
    assert (layout_label(m), sheet_needs_mapping(m)) == (label, editor)


# Safety of file-derived text ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "**bold** _it_",
        '=HYPERLINK("http://x")',
        "[link](javascript:alert(1))",
        ":red[alarm] $x$ `code`",
        "# heading",
    ],
)
def test_md_escape_leaves_no_markdown_or_html_active(text):
    out = md_escape(text)
    for ch in "<>*_[]()`#$:=":
        assert f"{ch}" not in out.replace(f"\\{ch}", "")


# Rules page helpers -------------------------------------------------------------------------------------------
def test_rules_table_round_trips_without_changes():
    cat = load_catalogue()
    table = rules_table(cat)
    assert len(table) == len(cat.credentials)
    assert rules_changes(table, cat) == []


def test_an_edited_rule_becomes_a_rules_file_the_engine_accepts():
    cat = load_catalogue()
    table = rules_table(cat)
    i = table.index[table["id"] == "nasm_cpt"][0]
    table.loc[i, "required_credits"] = 3.0
    table.loc[i, "cpr_required"] = "no"
    changes = rules_changes(table, cat)
    assert changes == [{"id": "nasm_cpt", "required_credits": 3, "cpr_required": False}]
    edited = load_catalogue(rules_text=rules_yaml(changes))
    assert edited["nasm_cpt"].required_credits == 3.0 and edited["nasm_cpt"].cpr_required is False
    assert edited["ace_cpt"] == cat["ace_cpt"]


def test_a_new_rule_row_adds_a_credential():
    cat = load_catalogue()
    new = pd.DataFrame(
        [
            {
                "id": "zumba_zin",
                "kind": "certification",
                "body": "ZUMBA",
                "name": "Zumba Instructor",
                "unit": "hour",
                "hours_per_unit": 1.0,
                "required_credits": 8.0,
                "cycle_years": 1.0,
                "grace_days": None,
                "cpr_required": "unknown",
                "cpr_counts_credits": None,
                "confidence": "credits: U",
                "sources": "",
                "notes": "",
            }
        ]
    )
    table = pd.concat([rules_table(cat), new], ignore_index=True)
    changes = rules_changes(table, cat)
    assert changes == [
        {
            "id": "zumba_zin",
            "kind": "certification",
            "body": "ZUMBA",
            "name": "Zumba Instructor",
            "unit": "hour",
            "hours_per_unit": 1,
            "required_credits": 8,
            "cycle_years": 1,
            "confidence": {"credits": "U"},
        }
    ]
    assert "zumba_zin" in load_catalogue(rules_text=rules_yaml(changes))


def test_the_downloaded_rules_file_loads_as_rules():
    cat = load_catalogue(rules_text=rules_yaml([{"id": "nasm_cpt", "required_credits": 3}]))
    again = load_catalogue(rules_text=cat.to_yaml())
    assert again["nasm_cpt"].required_credits == 3.0
    assert set(again.credentials) == set(cat.credentials)


def test_short_credential_labels():
    labels = credential_labels(load_catalogue())
    assert labels["nasm_cpt"] == "NASM CPT" and labels["ace_gfi"] == "ACE GFI"
    assert all(0 < len(v) <= 22 for v in labels.values())


def test_the_engine_and_its_views_do_not_import_streamlit():
    code = (
        "import sys, cpd, cpd.views.escape, cpd.views.filters, cpd.views.rules, cpd.views.table, "
        "cpd.views.team, cpd.views.trainer, cpd.views.upload, cpd.views.reminders, cpd.charts, cpd.samples, cpd.fmt; "
        "assert 'streamlit' not in sys.modules, 'cpd imported streamlit'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


# What Streamlit's markdown does to TEXT after escapes are resolved (static/js/StreamlitMarkdown*.js, remark-gfm,
# remark-emoji in Streamlit 1.67): each pattern here would become a link, an icon, an emoji or another character.
AUTOLINK_URL = re.compile(r"(?i)(https?://|www\.)[-.\w]")  # mdast-util-gfm-autolink-literal
AUTOLINK_EMAIL = re.compile(r"[-.\w+]+@[-\w]+\.[-\w]")
SCHEME = re.compile(r"(?i)(mailto|xmpp|https?):[^\u2060]")
MATERIAL = re.compile(r":material_\w+:")  # after the frontend's source rewrite ':material/' -> ':material_'
SHORTCODE = re.compile(r":[\w+-][\w_+-]*:")  # remark-emoji, :streamlit:
TYPOGRAPHY = re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)")
HOSTILE_MD = [
    "www.evil.test",
    "WWW.EVIL.TEST/x",
    "https://evil.test/x",
    "http://evil.test",
    "boss@evil.test",
    "mailto:boss@evil.test",
    "www.evil.test.csv",
    ":material/warning:",
    ":material/warning: Ana",
    ":smile: :+1: :streamlit:",
    ":red[alarm] :blue-background[x] :small[y] :help[z]",
    "$x^2$ and $$y$$",
    '<a href="//evil.test/x">x</a>',
    '<span style="font-size:200px">BIG</span>',
    "[a](https://evil.test)",
    "![i](x.png)",
    "**bold** _it_ ~~strike~~ `code`",
    "# heading",
    "1. one",
    "- item",
    "> quote",
    "a -> b <- c",
    "x >= y",
    "a -- b",
    "Ana\nSilva",
    "Ana\r\n\r\nSilva",
    "line\u2028sep",
    "    indented code",
    "&amp; &lt;b&gt;",
    "[^1]",
    "a | b | c",
    "https\u2060://already.split",
    "ftp://evil.test",
]


def _rendered_text(source: str) -> str:
    """The text markdown keeps once backslash escapes are resolved (what the text-level plugins see)."""
    return re.sub(r"\\(.)", r"\1", source)


def _assert_inert(raw: str) -> None:
    out = md_escape(raw)
    text = _rendered_text(out)
    assert ":material/" not in out, out
    for pattern in (AUTOLINK_URL, AUTOLINK_EMAIL, SCHEME, MATERIAL, SHORTCODE, TYPOGRAPHY):
        assert not pattern.search(text), (pattern.pattern, raw, out)
    assert not re.search(r"[\r\n\v\f\u2028\u2029\x85]", out)
    assert not re.search(r"(?<!\\)[$`*_\[\]<>#|~&!]", out.replace("\\\\", "")), out  # markdown/HTML syntax
    # What the reader sees is the text itself: only invisible joiners added, blanks folded to one space.
    assert text.replace(WORD_JOINER, "") == re.sub(
        r"[ \t\r\n\v\f\x1c-\x1f\x85\u2028\u2029]+", " ", raw
    ).replace(WORD_JOINER, "")


@pytest.mark.parametrize("raw", HOSTILE_MD)
def test_md_escape_leaves_no_autolink_icon_shortcode_or_syntax(raw):
    _assert_inert(raw)


@given(hs.text(alphabet="wW.:@/-<>=~htpsmail_rl$*[]()!#|&+1 \n\\\u2060", max_size=40))
def test_md_escape_of_generated_pattern_text_is_inert(raw):
    _assert_inert(raw)


@given(
    hs.lists(hs.sampled_from(HOSTILE_MD + ["x", " ", ".", ":", "@", "/", "w", "-"]), max_size=6).map("".join)
)
def test_md_escape_of_hostile_fragments_glued_together_is_inert(raw):
    _assert_inert(raw)


def test_md_escape_leaves_ordinary_names_alone():
    for name in ("Ana Silva", "Zoë O'Brien", "Downtown Club 3", "NASM CPT"):
        assert md_escape(name) == name
