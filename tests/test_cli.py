"""The CLI contract of interfaces.md: exit codes, JSON shape, one sentence on stderr, a readable table."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.helpers import cli
from tests.hostile import raw_xlsx

ROOT = Path(__file__).resolve().parents[1]
ROSTER = (
    "Trainer Name,Club,Certification,Expiration,CEUs earned,CPR/AED exp\n"
    "Ana Silva,Downtown,NASM-CPT,2026-07-31,1.7,2026-12-01\n"
    "Ben Ito,Riverside,ACE PT,2026-04-30,,2027-01-01\n"
    "Cy Dee,Riverside,ISSA,2027-03-31,12 hrs,2027-01-01\n"
    "Bad Row,Riverside,ISSA,someday,,\n"
)


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
    keys = {
        "trainer",
        "trainer_id",
        "club",
        "credential",
        "expires",
        "required",
        "earned",
        "remaining",
        "unit",
        "days_left",
        "cpr_current",
        "status",
        "reasons",
    }
    assert all(keys <= set(s) for s in doc["standings"])
    ana = next(s for s in doc["standings"] if s["trainer"] == "Ana Silva")
    assert (ana["credential"], ana["expires"], ana["status"], ana["days_left"]) == (
        "nasm_cpt",
        "2026-07-31",
        "at_risk",
        60,
    )
    assert (
        ana["required"] == 2.0
        and ana["earned"] == 1.7
        and ana["remaining"] == 0.3
        and ana["cpr_current"] is True
    )
    assert {t["trainer"]: t["compliant"] for t in doc["trainers"]} == {
        "Ana Silva": True,
        "Ben Ito": False,
        "Cy Dee": True,
    }
    assert doc["rejected"] == [
        {
            "file": "roster.csv",
            "sheet": "",
            "row": 5,
            "trainer": "Bad Row",
            "column": "Expiration",
            "reason": "'someday' is not a date",
        }
    ]
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


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["standing"],
        ["standing", "x.csv", "--as-of", "tomorrow"],
        ["standing", "x.csv", "--format", "xml"],
        ["standing", "x.csv", "--window", "-3"],
        ["frobnicate", "x.csv"],
    ],
)
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
    dmy = json.loads(
        cli("standing", p, "--format", "json", "--as-of", "2026-06-01", "--date-order", "dmy").stdout
    )
    assert mdy["standings"][0]["expires"] == "2027-03-04" and dmy["standings"][0]["expires"] == "2027-04-03"


def test_files_with_the_same_name_in_two_folders_are_named_by_their_paths(tmp_path):
    for club, name in (
        ("north", "Ana Silva"),
        ("south", "Cy Dee"),
    ):  # different files (identical ones are skipped)
        (tmp_path / club).mkdir()
        (tmp_path / club / "roster.csv").write_text(
            f"Trainer,Certification,Expires\n{name},NASM CPT,2027-01-01\nBen Ito,ACE CPT,soon\n",
            encoding="utf-8",
        )
    r = cli(
        "standing",
        tmp_path / "north" / "roster.csv",
        tmp_path / "south" / "roster.csv",
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    files = {row["file"] for row in json.loads(r.stdout)["rejected"]}
    assert files == {str(tmp_path / "north" / "roster.csv"), str(tmp_path / "south" / "roster.csv")}


# Terminal escapes (issue 10, item 11): no control or bidi character from a cell reaches a terminal ---------------
# ESC (_x001B_ in xlsx) starts escape sequences (clear screen, colours, window title), BEL rings, U+009B is an
# 8-bit CSI, bidi overrides make text read in another order. Only the line breaks Recert writes itself may remain.
TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ODD_CELLS = {
    "Ana _x001B_[2J_x001B_[31mSilva": "Ana \x1b[2J\x1b[31mSilva",
    "Bell\x07Club _x0007_": "Bell\x07Club \x07",
    "Rex \u202eevil\u2066": "Rex \u202eevil\u2066",
    "C1 \u009b31m \x7f": "C1 \u009b31m \x7f",
    "Title _x001B_]0;owned_x0007_": "Title \x1b]0;owned\x07",
}


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def odd_xlsx() -> bytes:
    """A roster whose names and clubs hold escapes, written cell by cell (raw BEL and C1 included)."""
    names = list(ODD_CELLS)
    rows = [["Trainer Name", "Club", "Certification", "Expiration", "Status _x001B_[5m"]]
    rows += [
        [name, names[(i + 1) % len(names)], cred, exp, ""]
        for i, (name, cred, exp) in enumerate(
            zip(
                names,
                ["NASM-CPT", "ACE PT", "ISSA", "NCSF CPT", "NASM"],
                ["2026-07-31", "2026-05-01", "2027-03-31", "2026-06-20", "_x001B_[2Jsoon"],
                strict=True,
            )
        )
    ]
    data = "".join(
        f'<row r="{r}">' + "".join(_inline(f"{'ABCDE'[c]}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return raw_xlsx(data)


def _run_bytes(*args: object) -> subprocess.CompletedProcess:
    """The CLI in a fresh process, its output as the raw bytes a terminal would receive."""
    return subprocess.run(
        [sys.executable, "-m", "cpd", *map(str, args)], capture_output=True, timeout=120, cwd=ROOT
    )


@pytest.fixture(scope="module")
def odd_file(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("odd") / "odd.xlsx"
    p.write_bytes(odd_xlsx())
    return p


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_no_control_or_bidi_character_from_a_cell_reaches_the_terminal(odd_file, fmt):
    r = _run_bytes("standing", odd_file, "--as-of", "2026-06-01", "--format", fmt)
    assert r.returncode == 0, r.stderr
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    assert not TERMINAL_UNSAFE.search(out) and not TERMINAL_UNSAFE.search(err), TERMINAL_UNSAFE.findall(out)
    if fmt == "json":  # escaped, not altered: a script gets each cell exactly
        doc = json.loads(out)
        assert {s["trainer"] for s in doc["standings"]} == set(ODD_CELLS.values()) - {
            "Title \x1b]0;owned\x07"
        }
        assert doc["rejected"][0]["column"] == "Expiration" and "\x1b[2Jsoon" in doc["rejected"][0]["reason"]
        assert "Status \x1b[5m" in doc["files"][0]["ignored"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {r["trainer"] for r in rows} >= {
            "Ana \ufffd[2J\ufffd[31mSilva",
            "Rex \ufffdevil\ufffd",
            "Bell\ufffdClub \ufffd",
        }
        assert {r["club"] for r in rows} >= {"C1 \ufffd31m \ufffd"}
    else:
        assert "Ana ?[2J?[31mSilva" in out and "rejected: odd.xlsx, sheet Roster, row 6" in out
        assert "Status ?[5m" in out


def test_a_plain_csv_with_raw_escapes_is_as_safe(tmp_path):
    p = tmp_path / "raw.csv"
    p.write_bytes(
        b"Trainer Name,Club,Certification,Expiration\r\nAna \x1b[2J\x07,C\x1b]0;t\x07,NASM-CPT,2026-07-31\r\n"
        b"Ben \xc2\x9b31m,Dee\xe2\x80\xae,ACE PT,\x1b[2Jsoon\r\n"
    )
    for fmt in ("table", "csv", "json"):
        r = _run_bytes("standing", p, "--as-of", "2026-06-01", "--format", fmt)
        assert r.returncode == 0 and r.stdout.count(b"Ana") >= 1, r.stderr
        assert not TERMINAL_UNSAFE.search(r.stdout.decode() + r.stderr.decode()), fmt


@pytest.mark.parametrize(
    "args",
    [
        ["standing", "\x1b[2Jmissing\x07.csv"],  # a file name: exit 1 sentence
        ["standing", "x.csv", "--as-of", "\x1b[2J\x07"],  # argparse echoes the value
        ["standing", "x.csv", "--format", "\x1b[31m"],
        ["standing", "x.csv", "--window", "\u202e9"],
        ["frobnicate\x1b[2J", "x.csv"],
        ["standing", "x.csv", "--bogus\x1b[2J"],
    ],
)
def test_stderr_never_echoes_control_characters_from_the_command_line(args):
    r = _run_bytes(*args)
    assert r.returncode in (1, 2) and r.stderr
    assert not TERMINAL_UNSAFE.search(r.stderr.decode("utf-8")), r.stderr
    assert re.search(rb"(\?|\\x1b)\[(2J|31m)|\?9", r.stderr), r.stderr  # shown ("?" or escaped), not run


def test_the_written_file_name_is_shown_safely(roster, tmp_path):
    out = tmp_path / "deadlines\x1b[2J.ics"
    r = _run_bytes("calendar", roster, "--as-of", "2026-06-01", "--out", out)
    assert r.returncode == 0 and out.exists()
    assert b"\x1b" not in r.stdout and b"deadlines?[2J.ics" in r.stdout
