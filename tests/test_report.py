"""The Excel compliance report, read back with openpyxl (and LibreOffice when it is installed).

Input text that looks like a formula or HTML must arrive as the literal string, in every sheet.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest

from cpd import STATUS_COLOURS, STATUS_LABELS, STATUSES, load_catalogue
from cpd import report as report_module
from cpd.model import Standing
from cpd.report import DATE_FORMAT, SHEETS, attention_frame, write_report
from cpd.samples import synthetic_standing
from tests.helpers import cli, csv_bytes, run, xlsx_bytes

AS_OF = date(2026, 6, 1)
WHEN = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
HYPER = '=HYPERLINK("http://x","y")'
HTML = "<b>Bold</b><script>alert(1)</script>"
COURSE = "=cmd|' /C calc'!A0"
ROSTER = [
    ["Trainer Name", "Club", "Certification", "Cert #", "Expiration", "CEUs earned", "CPR/AED exp", "Email"],
    ["Ana Silva", "Downtown", "NASM-CPT", "000123", "2026-07-31", "1.7", "2026-12-01", "ana@example.com"],
    [HYPER, "Downtown", "ISSA", "", "2027-03-31", "12 hrs", "2027-01-01", "hyper@example.com"],
    ["+Plus One", "Riverside", "ACE PT", "", "2026-04-30", "", "2027-01-01", ""],
    ["@cmd", "Riverside", "NCSF CPT", "", "2026-09-30", "20 hrs", "2027-01-01", "not an email"],
    ["-2+3", "=1+2", "NASM", "-77", "2025-01-01", "", "", ""],
    [HTML, "Northgate", "Zumba Instructor", "", "2027-01-01", "", "", ""],
    ["Ben Ito", "Northgate", "NASM", "555", "2027-05-01", "0.2", "2026-05-01", ""],
    ["Bad Row", "Riverside", "ISSA", "", "someday", "", "", ""],
]
CE_LOG = [
    ["Trainer Name", "Date", "Course", "Provider", "Amount", "Unit", "Approved For"],
    ["Ana Silva", "2026-07-01", COURSE, "<i>Prov</i>", "0.5", "CEU", "NASM"],
]
LITERALS = [HYPER, "+Plus One", "@cmd", "-2+3", "=1+2", HTML]
STANDINGS_HEADERS = [
    "Trainer",
    "Trainer ID",
    "Club",
    "Role",
    "Status",
    "Credential",
    "Credential ID",
    "Body",
    "In catalogue",
    "Certificate #",
    "Issued",
    "Expires",
    "Days left",
    "Cycle start",
    "Required",
    "Earned",
    "Remaining",
    "Unit",
    "Hours per unit",
    "Remaining (hours)",
    "Progress",
    "Cycle elapsed",
    "CPR/AED required",
    "CPR/AED current",
    "CPR/AED expires",
    "What to do",
    "Status code",
    "Urgency",
]


@pytest.fixture(scope="module")
def st():
    return run({"roster.csv": csv_bytes(ROSTER), "ce.csv": csv_bytes(CE_LOG)}, as_of=AS_OF, window=90)


@pytest.fixture(scope="module")
def xlsx(st) -> bytes:
    return write_report(st, load_catalogue(), generated_at=WHEN)


@pytest.fixture(scope="module")
def wb(xlsx):
    return openpyxl.load_workbook(io.BytesIO(xlsx))


def _rows(ws) -> list[dict[str, object]]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def _argb(colour: str) -> str:
    return "FF" + colour.lstrip("#").upper()


# Structure -------------------------------------------------------------------------------------------------
def test_the_workbook_has_the_sheets_a_manager_forwards(wb):
    assert wb.sheetnames == list(SHEETS)
    assert wb.active.title == "Summary"
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert all(ws.column_dimensions[c].width and ws.column_dimensions[c].width >= 5 for c in ("A",)), name


def test_no_cell_is_a_formula_and_input_text_arrives_literally(xlsx, wb):
    seen: set[str] = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate)  # stays text even when edited
    assert set(LITERALS) <= seen
    assert any(COURSE in s for s in seen)  # the booked-course warning quotes the title as written
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name


def test_standings_carry_every_field_typed_and_coloured_by_status(st, wb):
    ws = wb["Standings"]
    assert [c.value for c in ws[1]] == STANDINGS_HEADERS
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:AB{len(st.standings) + 1}"
    rows = _rows(ws)
    assert [r["Trainer"] for r in rows] == st.standings["trainer"].tolist()  # urgency order
    col = {h: i for i, h in enumerate(STANDINGS_HEADERS)}
    for excel_row, (r, status) in enumerate(zip(rows, st.standings["status"], strict=True), start=2):
        cells = ws[excel_row]
        assert r["Status"] == STATUS_LABELS[status] and r["Status code"] == status
        assert cells[col["Status"]].fill.fgColor.rgb == _argb(STATUS_COLOURS[status])
        expires = cells[col["Expires"]]
        assert (
            isinstance(expires.value, datetime) and expires.is_date and expires.number_format == DATE_FORMAT
        )
        assert cells[col["Days left"]].data_type == "n" and isinstance(r["Days left"], int)
        for h in ("Trainer", "Trainer ID", "Club", "Certificate #", "What to do"):
            assert cells[col[h]].data_type in ("s", "n") and (r[h] is None or isinstance(r[h], str)), h
    ana = next(r for r in rows if r["Trainer"] == "Ana Silva")
    assert ana["Expires"] == datetime(2026, 7, 31) and ana["Days left"] == 60
    assert (ana["Required"], ana["Earned"], ana["Unit"], ana["Hours per unit"]) == (2, 1.7, "CEU", 10)
    assert ana["Remaining"] == pytest.approx(0.3) and ana["Remaining (hours)"] == pytest.approx(3)
    assert ana["Certificate #"] == "000123" and ana["CPR/AED current"] == "Yes"
    assert ana["CPR/AED expires"] == datetime(2026, 12, 1) and ana["Status"] == "At risk"
    lapsed = next(r for r in rows if r["Trainer"] == "-2+3")
    assert lapsed["Days left"] == -516 and lapsed["Club"] == "=1+2" and lapsed["Certificate #"] == "-77"
    assert next(r for r in rows if r["Trainer"] == HTML)["In catalogue"] == "No"


def test_needs_attention_lists_what_to_act_on_most_urgent_first(wb):
    rows = _rows(wb["Needs attention"])
    assert [r["Priority"] for r in rows] == list(range(1, len(rows) + 1))
    # expired, grace, then the CPR/AED card that makes Ben non-compliant today, then the deadline in the window
    assert [r["Trainer"] for r in rows] == ["-2+3", "+Plus One", "Ben Ito", "Ana Silva"]
    ben = rows[2]
    assert (ben["Status"], ben["CPR/AED"], ben["CPR/AED expires"]) == (
        "Behind",
        "expired",
        datetime(2026, 5, 1),
    )
    ana = rows[3]
    assert ana["Email"] == "ana@example.com" and ana["Remaining (hours)"] == pytest.approx(3)
    assert "needs 0.3 more CEUs (3 hours)" in ana["What to do"]
    fills = {r[1].value: r[1].fill.fgColor.rgb for r in wb["Needs attention"].iter_rows(min_row=2)}
    assert fills == {
        STATUS_LABELS[s]: _argb(STATUS_COLOURS[s]) for s in ("expired", "grace", "behind", "at_risk")
    }
    assert not {HYPER, "@cmd", HTML} & {r["Trainer"] for r in rows}  # on track or met: nothing to do


def test_attention_includes_trainers_without_any_certification():
    staff = [
        ["Staff ID", "First Name", "Last Name", "Email", "Club", "Role"],
        ["S1", "Ana", "Silva", "ana@example.com", "Downtown", "PT"],
        ["S2", "Nobody", "Yet", "", "Downtown", "PT"],
    ]
    certs = [
        ["Staff ID", "Credential", "Cert Number", "Issued", "Expires"],
        ["S1", "NASM CPT", "1", "", "2026-09-01"],
    ]

    s = run({"hr.xlsx": xlsx_bytes({"Staff": staff, "Certifications": certs})}, as_of=AS_OF)
    a = attention_frame(s)
    assert a.loc[0, "trainer"] == "Nobody Yet" and a.loc[0, "status"] == "missing"
    wb = openpyxl.load_workbook(io.BytesIO(write_report(s, load_catalogue(), generated_at=WHEN)))
    first = _rows(wb["Needs attention"])[0]
    assert (first["Trainer"], first["Status"]) == ("Nobody Yet", "No certification")
    assert "no certification on file" in first["What to do"]


def test_summary_has_dates_counts_clubs_and_a_native_chart(st, xlsx, wb):
    ws = wb["Summary"]
    label = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert label["As of"].value == datetime(2026, 6, 1) and label["As of"].is_date
    assert (
        label["Generated at (UTC)"].value == datetime(2026, 6, 1, 8, 30)
        and label["Generated at (UTC)"].is_date
    )
    assert label["Rules version"].value == st.rules_version
    assert label["Risk window (days)"].value == 90
    c = st.counts
    assert (
        label["Source rows read"].value,
        label["Accepted"].value,
        label["Rejected (see Rejected rows)"].value,
        label["Blank"].value,
    ) == (c["rows_read"], c["accepted"], c["rejected"], c["blank"])
    assert label["Trainers"].value == 7 and label["Compliant"].value == int(st.trainers["compliant"].sum())
    assert label["Team compliance"].number_format == "0%"
    assert label["Lapsed: grace or expired (trainers)"].value == 2
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Club")
    clubs = [ws.cell(r, 1).value for r in range(head + 1, ws.max_row + 1)]
    assert sorted(clubs) == ["=1+2", "Downtown", "Northgate", "Riverside"]
    assert ws.auto_filter.ref == f"A{head}:K{head + len(clubs)}"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    assert "<c:barChart>" in xml and '<c:grouping val="stacked"/>' in xml
    assert "Summary!$A$" in xml  # categories are the club names of the table
    for status in ("expired", "met"):
        assert STATUS_COLOURS[status].lstrip("#").upper() in xml


def test_rejected_rows_rules_and_warnings_sheets(st, wb):
    rej = _rows(wb["Rejected rows"])
    who = st.rejected["trainer"].iloc[0] if "trainer" in st.rejected else None  # once the ledger carries it
    assert rej == [
        {
            "File": "roster.csv",
            "Sheet": None,
            "Row": 9,
            "Trainer": who or None,
            "Column": "Expiration",
            "Reason": "'someday' is not a date",
        }
    ]
    rules = {r["Credential ID"]: r for r in _rows(wb["Rules"])}
    nasm = rules["nasm_cpt"]
    assert nasm["Used"] == 3 and nasm["Required credits"] == 2 and nasm["Hours per unit"] == 10
    assert "https://www.nasm.org/" in nasm["Sources"] and "credits: C" in nasm["Confidence"]
    assert list(rules)[0] == "nasm_cpt"  # the rules used come first
    warnings = [r["Warning"] for r in _rows(wb["Warnings"])]
    assert any("dated after as-of" in w for w in warnings)
    files = _rows(wb["Files read"])
    assert {f["File"] for f in files} == {"roster.csv", "ce.csv"}


def test_a_report_with_nothing_in_it_still_opens():
    s = run({"roster.csv": csv_bytes(ROSTER[:1] + ROSTER[-1:])}, as_of=AS_OF)
    assert len(s.standings) == 0
    wb = openpyxl.load_workbook(io.BytesIO(write_report(s, load_catalogue(), generated_at=WHEN)))
    assert wb.sheetnames == list(SHEETS)
    assert wb["Standings"]["A2"].value == "No certification was found in the files."
    assert _rows(wb["Rejected rows"])[0]["Row"] == 2


def test_same_input_same_bytes_and_generated_at_defaults_to_now(st):
    cat = load_catalogue()
    assert write_report(st, cat, generated_at=WHEN) == write_report(st, cat, generated_at=WHEN)
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ws = openpyxl.load_workbook(io.BytesIO(write_report(st, cat)))["Summary"]
    stamp = next(ws.cell(r, 2).value for r in range(1, 10) if ws.cell(r, 1).value == "Generated at (UTC)")
    assert before - timedelta(seconds=1) <= stamp <= before + timedelta(minutes=1)


def test_the_fast_table_writer_produces_the_bytes_xlsxwriter_writes_cell_by_cell(st, monkeypatch):
    """TableSheet bypasses XlsxWriter's per-cell objects: it must not change a single byte."""
    cat = load_catalogue()
    fast = write_report(st, cat, generated_at=WHEN)
    monkeypatch.setattr(report_module, "FAST_TABLES", False)
    assert write_report(st, cat, generated_at=WHEN) == fast


def test_odd_text_survives(st):
    """Control characters, very long text and leading spaces: written, escaped, read back as given."""
    s = st.standings.copy()
    s.loc[0, "trainer"] = "Tab\there\x07bell _x0041_ "
    s.loc[1, "reasons"] = ["x" * 40_000]
    odd = Standing(**{**st.__dict__, "standings": s})
    ws = openpyxl.load_workbook(io.BytesIO(write_report(odd, load_catalogue(), generated_at=WHEN)))[
        "Standings"
    ]
    assert ws["A2"].value == "Tab\therebell _x0041_ "  # a bell cannot be shown: dropped
    assert ws.cell(3, STANDINGS_HEADERS.index("What to do") + 1).value == "x" * 16383


# A real spreadsheet program -------------------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_report_and_shows_literal_text(xlsx, tmp_path):
    src = tmp_path / "report.xlsx"
    src.write_bytes(xlsx)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    # Every sheet to its own csv, cells as shown (dates formatted), UTF-8.
    flt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    for target in (flt, "pdf"):
        r = subprocess.run(
            [
                "soffice",
                "--headless",
                "--norestore",
                profile,
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(src),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
    import csv

    with open(tmp_path / "report-Standings.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["Trainer"] for r in rows}
    assert set(LITERALS) - {"=1+2"} <= names  # as written: LibreOffice did not evaluate anything
    ana = next(r for r in rows if r["Trainer"] == "Ana Silva")
    assert ana["Expires"] == "31 Jul 2026" and ana["Days left"] == "60" and ana["Progress"] == "85%"
    with open(tmp_path / "report-Needs attention.csv", encoding="utf-8", newline="") as fh:
        assert [r["Trainer"] for r in csv.DictReader(fh)] == ["-2+3", "+Plus One", "Ben Ito", "Ana Silva"]
    summary = (tmp_path / "report-Summary.csv").read_text(encoding="utf-8")
    assert re.search(r"As of,1 Jun 2026", summary)


# Scale -----------------------------------------------------------------------------------------------------
def chain_standing(n_trainers: int = 10_000, seed: int = 3) -> Standing:
    """A Standing of chain size built vectorised (the engine's read of the chain workbook is benchmarked)."""
    return synthetic_standing(n_trainers, as_of=AS_OF, seed=seed)


@pytest.mark.slow
def test_the_chain_sized_report_charts_the_least_compliant_clubs():
    """Speed is measured in benchmarks/ (no timing assertion here); this checks the chain-size content."""
    s = chain_standing()
    assert len(s.standings) > 25_000
    data = write_report(s, load_catalogue(), generated_at=WHEN)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "the 25 least compliant of 200 clubs" in z.read("xl/charts/chart1.xml").decode()


# The bundled sample and the command line -----------------------------------------------------------------
def test_the_sample_report_shows_every_status_in_its_colour(sample_standing):
    wb = openpyxl.load_workbook(
        io.BytesIO(write_report(sample_standing, load_catalogue(), generated_at=WHEN))
    )
    status_col = STANDINGS_HEADERS.index("Status")
    seen = {}
    for row in wb["Standings"].iter_rows(min_row=2):
        seen[row[status_col].value] = row[status_col].fill.fgColor.rgb
    assert seen == {STATUS_LABELS[s]: _argb(STATUS_COLOURS[s]) for s in STATUSES}
    assert len(_rows(wb["Trainers"])) == len(sample_standing.trainers)
    assert len(_rows(wb["Rejected rows"])) == sample_standing.counts["rejected"]
    assert len(_rows(wb["Files read"])) == len(sample_standing.mappings)


def test_the_cli_writes_the_report(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(ROSTER))
    out = tmp_path / "report.xlsx"
    r = cli("report", roster, "--as-of", "2026-06-01", "--out", out)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(SHEETS) and HYPER in {c.value for c in wb["Standings"]["A"]}


# "Needs attention" is one definition (cpd.attention): the Team page, this report and the Reminders agree ---------
ATTN_STAFF = [
    ["Staff ID", "Name", "Club", "Email"],
    ["S1", "Ana Silva", "Downtown", "ana@example.com"],
    ["S2", "Nobody Yet", "Downtown", ""],
    ["S3", "Fine Person", "Riverside", ""],
    ["S4", "Yoga Lapsed", "Riverside", ""],
    ["S5", "Risky Rae", "Northgate", ""],
    ["S6", "Card Less", "Northgate", ""],
]
ATTN_CERTS = [
    ["Staff ID", "Credential", "Issued", "Expires"],
    ["S1", "ISSA CPT", date(2025, 3, 31), date(2027, 3, 31)],
    ["S1", "CPR/AED", date(2024, 7, 15), date(2026, 7, 15)],  # current, ends before renewal, in window
    ["S3", "ISSA CPT", date(2025, 5, 31), date(2027, 5, 31)],
    ["S3", "CPR/AED", date(2026, 1, 1), date(2028, 1, 1)],
    ["S4", "Yoga Alliance", date(2024, 12, 31), date(2027, 12, 31)],
    ["S4", "NASM CPT", date(2023, 1, 1), date(2025, 1, 1)],  # expired, no card: imposes nothing
    ["S5", "ACE CPT", date(2024, 7, 15), date(2026, 7, 15)],
    ["S5", "CPR/AED", date(2026, 1, 1), date(2028, 1, 1)],
    ["S6", "ISSA CPT", date(2025, 5, 31), date(2027, 5, 31)],
]  # credits met, no CPR/AED card
ATTN_LOG = [
    ["Staff ID", "Date", "Amount", "Unit"],
    ["S1", date(2026, 1, 10), 20, "hours"],
    ["S3", date(2026, 1, 10), 20, "hours"],
    ["S4", date(2026, 1, 10), 30, "hours"],
    ["S6", date(2026, 1, 10), 20, "hours"],
]


def test_needs_attention_is_one_definition_that_the_team_page_the_report_and_the_reminders_share():
    from cpd.reminders import drafts
    from cpd.views.team import needs_attention

    s = run(
        {"hr.xlsx": xlsx_bytes({"Staff": ATTN_STAFF, "Certifications": ATTN_CERTS, "CE Log": ATTN_LOG})},
        as_of=AS_OF,
    )
    team = needs_attention(s)
    wb = openpyxl.load_workbook(io.BytesIO(write_report(s, load_catalogue(), generated_at=WHEN)))
    sheet = _rows(wb["Needs attention"])
    reminded = drafts(s)
    expected = {"Ana Silva", "Nobody Yet", "Yoga Lapsed", "Risky Rae", "Card Less"}
    assert set(team["Trainer"]) == {r["Trainer"] for r in sheet} == set(reminded["trainer"]) == expected
    # Row for row: the same certifications (and the trainer without one) on the page and in the report.
    assert sorted(zip(team["Trainer"], team["Certification"], team["Status"], strict=True)) == sorted(
        (r["Trainer"], r["Credential"] or "", r["Status"]) for r in sheet
    )
    body = dict(zip(reminded["trainer"], reminded["body"], strict=True))
    assert "runs out on 15 Jul 2026, before your ISSA CPT renewal" in body["Ana Silva"]
    assert "no certification on file" in body["Nobody Yet"]
    assert "CPR/AED" not in body["Yoga Lapsed"] and "NASM CPT: expired on 1 Jan 2025" in body["Yoga Lapsed"]
    assert "no card on file for you, and ISSA CPT requires one" in body["Card Less"]
    t = s.trainers.set_index("trainer")["compliant"]
    assert t.to_dict() == {
        "Ana Silva": True,
        "Nobody Yet": False,
        "Fine Person": True,
        "Yoga Lapsed": True,
        "Risky Rae": True,
        "Card Less": False,
    }
    nobody = team[team["Trainer"].eq("Nobody Yet")].iloc[0]
    assert (nobody["Status"], nobody["Certification"], nobody["Credits"], nobody["CPR/AED"]) == (
        "No certification",
        "",
        "",
        "",
    )


# Printing: every sheet landscape, one page wide, its header row on every page; the summary on one page -------
def test_every_sheet_prints_landscape_one_page_wide_with_its_header_row_repeated(wb):
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # None: the default, 1
        if ws.title == "Summary":
            assert ws.page_setup.fitToHeight in (None, 1)
        else:
            assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages down as the rows need
            assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
            assert not ws.print_title_cols, ws.title


def test_generated_at_has_room_for_any_date_and_time(wb):
    ws = wb["Summary"]
    row = next(r for r in range(1, 10) if str(ws.cell(r, 1).value).startswith("Generated at"))
    assert ws.cell(row, 2).number_format == report_module.DATETIME_FORMAT
    assert ws.column_dimensions["B"].width >= len("28 Dec 2026 23:59") + 2


def test_trainer_ids_are_the_files_own_or_nothing():
    """Ids Recert made up from a name ("t-9239607e2f") are internal: the report shows the file's id or none."""
    from cpd.ingest.assemble import stable_id

    assert report_module._MADE_UP_ID.fullmatch(stable_id("ana silva"))  # the pattern follows the ingest's ids
    staff = [["Staff ID", "Name", "Club"], ["0042", "Ana Silva", "Downtown"]]
    certs = [["Staff ID", "Credential", "Expires"], ["0042", "ISSA", date(2026, 7, 1)]]
    s = run(
        {
            "hr.xlsx": xlsx_bytes({"Staff": staff, "Certifications": certs}),
            "other.csv": "Trainer,Certification,Expiration\nBen Ito,ISSA,2026-07-01\n",
            # the same staff id for another person in another file: Recert tells them apart internally
            "club2.xlsx": xlsx_bytes(
                {
                    "Staff": [["Staff ID", "Name"], ["0042", "Cy Dee"]],
                    "Certifications": [
                        ["Staff ID", "Credential", "Expires"],
                        ["0042", "ISSA", date(2026, 7, 1)],
                    ],
                }
            ),
        },
        as_of=AS_OF,
    )
    internal = dict(zip(s.trainers["trainer"], s.trainers["trainer_id"], strict=True))
    assert internal["Ben Ito"].startswith("t-") and internal["Cy Dee"] != "0042"  # what the engine uses
    wb = openpyxl.load_workbook(io.BytesIO(write_report(s, load_catalogue(), generated_at=WHEN)))
    want = {"Ana Silva": "0042", "Ben Ito": None, "Cy Dee": "0042"}
    for sheet in ("Trainers", "Standings", "Needs attention"):
        assert {r["Trainer"]: r["Trainer ID"] for r in _rows(wb[sheet])} == want, sheet


def _pdf_pages_text(pdf: bytes) -> list[str]:
    """The text drawn on each page of a PDF LibreOffice wrote (Flate streams, one-byte codes mapped by each font's
    ToUnicode CMap): enough to count a sheet's pages and look for '###', with no PDF library."""
    starts = [(int(m.group(1)), m.end()) for m in re.finditer(rb"(?<![0-9])(\d+) 0 obj", pdf)]
    objs: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    for num, at in starts:  # a stream is read by its /Length: compressed bytes may hold "endobj"
        head = pdf[
            at : pdf.find(b"stream", at) if b"stream" in pdf[at : at + 4096] else pdf.find(b"endobj", at)
        ]
        objs[num] = head
        m = re.search(rb"/Length\s+(\d+)(\s+0\s+R)?", head)
        if m and b"stream" in pdf[at : at + 4096]:
            begin = pdf.find(b"stream", at) + len(b"stream")
            begin += 2 if pdf[begin : begin + 2] == b"\r\n" else 1
            streams[num] = (begin, m)

    def length(m: re.Match) -> int:
        if not m.group(2):
            return int(m.group(1))
        return int(re.search(rb"\d+", objs[int(m.group(1))]).group())

    def data(num: int) -> bytes:
        begin, m = streams[num]
        raw = pdf[begin : begin + length(m)]
        return zlib.decompress(raw) if b"FlateDecode" in objs[num] else raw

    def ref(body: bytes, key: bytes) -> int | None:
        m = re.search(rb"/" + key + rb"\s*(\d+) 0 R", body)
        return int(m.group(1)) if m else None

    def cmap(num: int) -> dict[int, str]:
        text, out = data(num), {}
        for block in re.findall(rb"(?s)beginbfchar(.*?)endbfchar", text):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"(?s)beginbfrange(.*?)endbfrange", text):
            for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                start = int(dst, 16)
                for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    out[code] = chr(start + k)
        return out

    pages = []
    for num, body in objs.items():
        if not re.search(rb"/Type\s*/Page(?!s)", body):
            continue
        res = objs[ref(body, b"Resources")] if ref(body, b"Resources") else body
        fonts_body = objs[ref(res, b"Font")] if ref(res, b"Font") else res
        fonts = {
            name: cmap(ref(objs[int(obj)], b"ToUnicode"))
            for name, obj in re.findall(rb"/(\w+)\s*(\d+) 0 R", fonts_body)
            if b"ToUnicode" in objs.get(int(obj), b"")
        }
        content = data(ref(body, b"Contents"))
        font, text = {}, []
        for name, array, single in re.findall(
            rb"/(\w+)\s+[\d.]+\s+Tf|\[((?:[^\]\\]|\\.)*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", content
        ):
            if name:
                font = fonts.get(name, {})
                continue
            hexes = re.findall(rb"<([0-9A-Fa-f]*)>", array) if array else [single]
            text.append(
                "".join(font.get(int(h[i : i + 2], 16), "?") for h in hexes for i in range(0, len(h), 2))
            )
        pages.append((num, "\n".join(text)))
    return [t for _, t in sorted(pages)]


def _libreoffice(src, tmp_path, target: str) -> None:
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    r = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            profile,
            "--convert-to",
            target,
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("which", ["roster", "sample"])
def test_libreoffice_prints_each_sheet_one_page_wide_and_never_shows_hashes(
    which, st, sample_standing, tmp_path
):
    """Printed to PDF by LibreOffice: the sample (32 trainers) and the 7-trainer roster take one page per sheet,
    8 in all (the roster took 35 before: Standings and Rules cut into strips a page wide, and "Generated at"
    shown as ###); no number or date is too wide for its column."""
    late = datetime(2026, 12, 28, 23, 59, tzinfo=UTC)  # the widest date and time
    src = tmp_path / "report.xlsx"
    src.write_bytes(
        write_report(st if which == "roster" else sample_standing, load_catalogue(), generated_at=late)
    )
    _libreoffice(src, tmp_path, "pdf")
    pages = _pdf_pages_text((tmp_path / "report.pdf").read_bytes())
    per_sheet: dict[str, int] = {}
    for text in pages:
        assert "###" not in text, text[:200]
        title = re.search(r"Recert: (.+)", text).group(1).strip()
        per_sheet[title] = per_sheet.get(title, 0) + 1
    assert per_sheet == {
        "summary": 1,
        "needs attention": 1,
        "standings": 1,
        "trainers": 1,
        "rejected rows": 1,
        f"rules ({load_catalogue().version})": 1,
        "files read": 1,
        "warnings": 1,
    }
    assert "28 Dec 2026 23:59" in pages[0] and "Recert compliance report" in pages[0]
