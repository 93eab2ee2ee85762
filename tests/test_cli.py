"""The CLI contract of interfaces.md: exit codes, JSON shape, one sentence on stderr, a readable table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import cli

ROOT = Path(__file__).resolve().parents[1]
ROSTER = ("Trainer Name,Club,Certification,Expiration,CEUs earned,CPR/AED exp\n"
          "Ana Silva,Downtown,NASM-CPT,2026-07-31,1.7,2026-12-01\n"
          "Ben Ito,Riverside,ACE PT,2026-04-30,,2027-01-01\n"
          "Cy Dee,Riverside,ISSA,2027-03-31,12 hrs,2027-01-01\n"
          "Bad Row,Riverside,ISSA,someday,,\n")


@pytest.fixture()
def roster(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text(ROSTER, encoding="utf-8")
    return p


def test_json_has_the_shape_of_interfaces_md(roster):
    r = cli("standing", roster, "--as-of", "2026-06-01", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["as_of"] == "2026-06-01"
    assert doc["counts"] == {"rows_read": 4, "accepted": 3, "rejected": 1, "blank": 0}
    keys = {"trainer", "trainer_id", "club", "credential", "expires", "required", "earned", "remaining", "unit",
            "days_left", "cpr_current", "status", "reasons"}
    assert all(keys <= set(s) for s in doc["standings"])
    ana = next(s for s in doc["standings"] if s["trainer"] == "Ana Silva")
    assert (ana["credential"], ana["expires"], ana["status"], ana["days_left"]) == ("nasm_cpt", "2026-07-31", "at_risk", 60)
    assert ana["required"] == 2.0 and ana["earned"] == 1.7 and ana["remaining"] == 0.3 and ana["cpr_current"] is True
    assert {t["trainer"]: t["compliant"] for t in doc["trainers"]} == {"Ana Silva": True, "Ben Ito": False, "Cy Dee": True}
    assert doc["rejected"] == [{"file": "roster.csv", "sheet": "", "row": 5, "column": "Expiration",
                                "reason": "'someday' is not a date"}]
    assert isinstance(doc["warnings"], list)


def test_table_is_sorted_by_urgency_and_aligned(roster):
    r = cli("standing", roster, "--as-of", "2026-06-01")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    body = [ln for ln in lines if ln.startswith(("Grace", "At risk", "On track", "Expired", "Met", "Behind"))]
    assert [ln.split("  ")[0].strip() for ln in body] == ["Grace (lapsed)", "At risk", "On track"]
    assert len({ln.index("Riverside") if "Riverside" in ln else ln.index("Downtown") for ln in body}) == 1
    assert "2 of 3 trainers compliant" in r.stdout
    assert "rejected: roster.csv, row 5, column Expiration" in r.stdout


def test_csv_format(roster):
    r = cli("standing", roster, "--as-of", "2026-06-01", "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("trainer,trainer_id,club")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20, "not a spreadsheet")],
)
def test_unreadable_file_gives_one_sentence_and_exit_1(tmp_path, content, message):
    p = tmp_path / "staff.xlsx"
    p.write_bytes(content)
    r = cli("standing", p)
    assert r.returncode == 1
    assert message in r.stderr.lower()
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_missing_file_is_exit_1_with_a_sentence(tmp_path):
    r = cli("standing", tmp_path / "nope.csv")
    assert r.returncode == 1 and "no such file" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("args", [[], ["standing"], ["standing", "x.csv", "--as-of", "tomorrow"],
                                  ["standing", "x.csv", "--format", "xml"], ["standing", "x.csv", "--window", "-3"],
                                  ["frobnicate", "x.csv"]])
def test_bad_usage_is_exit_2(args):
    assert cli(*args).returncode == 2


def test_rules_override_from_the_command_line(roster, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("credentials:\n  - id: nasm_cpt\n    required_credits: 1.5\n", encoding="utf-8")
    r = cli("standing", roster, "--as-of", "2026-06-01", "--format", "json", "--rules", rules)
    ana = next(s for s in json.loads(r.stdout)["standings"] if s["trainer"] == "Ana Silva")
    assert ana["status"] == "met"


def test_bad_rules_file_is_exit_1(roster, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("credentials: [", encoding="utf-8")
    r = cli("standing", roster, "--rules", rules)
    assert r.returncode == 1 and "not valid YAML" in r.stderr


def test_date_order_option(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Trainer,Certification,Expiration\nA B,ISSA,03/04/2027\n", encoding="utf-8")
    mdy = json.loads(cli("standing", p, "--format", "json", "--as-of", "2026-06-01").stdout)
    dmy = json.loads(cli("standing", p, "--format", "json", "--as-of", "2026-06-01", "--date-order", "dmy").stdout)
    assert mdy["standings"][0]["expires"] == "2027-03-04" and dmy["standings"][0]["expires"] == "2027-04-03"


def test_files_with_the_same_name_in_two_folders_are_named_by_their_paths(tmp_path):
    for club in ("north", "south"):
        (tmp_path / club).mkdir()
        (tmp_path / club / "roster.csv").write_text(
            "Trainer,Certification,Expires\nAna Silva,NASM CPT,2027-01-01\nBen Ito,ACE CPT,soon\n", encoding="utf-8")
    r = cli("standing", tmp_path / "north" / "roster.csv", tmp_path / "south" / "roster.csv", "--as-of", "2026-12-01",
            "--format", "json")
    assert r.returncode == 0, r.stderr
    files = {row["file"] for row in json.loads(r.stdout)["rejected"]}
    assert files == {str(tmp_path / "north" / "roster.csv"), str(tmp_path / "south" / "roster.csv")}
