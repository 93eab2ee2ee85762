"""issue 5 end to end: every hostile or broken file through ``python -m cpd`` in its own process.

Each gets exit status 1 and one sentence on stderr (no traceback), within 20 s and 1 GB; files that are merely
messy are read (exit 0) and formula- or HTML-looking names come back literally. Then properties: whatever the
bytes, reading returns a Standing or raises the project's error, and rows are conserved.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import RecertError, Source, analyse
from tests import hostile

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS = 20
LIMIT_MB = 1024
# Runs the CLI in-process and reports its wall time and peak memory on the last stderr line. The peak is the
# process's own VmHWM: ru_maxrss survives exec on Linux, so a child of a big pytest worker reported the worker's.
RUNNER = (
    "import sys, time; t = time.perf_counter(); from cpd.cli import main; rc = main(sys.argv[1:]); "
    "hwm = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]; "
    "print(f'@@ {time.perf_counter() - t:.3f} {hwm}', file=sys.stderr); sys.exit(rc)"
)


def run_cli(
    path: Path,
    *args: str,
    also: tuple[Path, ...] = (),
    timeout: int = 120,
) -> tuple[int, str, str, float, float]:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            RUNNER,
            "standing",
            str(path),
            *map(str, also),
            "--as-of",
            "2026-06-01",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
    *lines, stats = proc.stderr.rstrip("\n").splitlines() or ["@@ 0 0"]
    _, secs, rss_kb = stats.split()
    return proc.returncode, proc.stdout, "\n".join(lines), float(secs), int(rss_kb) / 1024


@pytest.mark.parametrize(("case", "build"), [c[:2] for c in hostile.CASES], ids=[c[0] for c in hostile.CASES])
def test_hostile_file_gets_one_sentence_exit_1_in_bounded_time_and_memory(tmp_path, case, build):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(build())
    rc, out, err, secs, peak_mb = run_cli(path)
    assert rc == 1, (case, out[:200], err)
    assert out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("staff.xlsx: ") and err.endswith(".")
    assert secs < LIMIT_SECONDS and peak_mb < LIMIT_MB, (case, secs, peak_mb)


@pytest.mark.parametrize(
    ("label", "build", "name"),
    [
        ("UTF-16 tab-separated Unicode text", hostile.utf16_unicode_text, "roster.txt"),
        ("Windows-1252 csv", hostile.cp1252_csv, "roster.csv"),
        ("semicolon csv with decimal commas", hostile.semicolon_decimal_csv, "roster.csv"),
        ("ragged csv", hostile.ragged_csv, "roster.csv"),
        ("csv with an invalid byte", hostile.invalid_byte_csv, "roster.csv"),
    ],
)
def test_messy_but_honest_files_are_read(tmp_path, label, build, name):
    path = tmp_path / name
    path.write_bytes(build())
    rc, out, err, secs, peak_mb = run_cli(path, "--format", "json")
    assert rc == 0, (label, err)
    doc = json.loads(out)
    c = doc["counts"]
    assert c["rows_read"] == c["accepted"] + c["rejected"] + c["blank"]
    assert secs < LIMIT_SECONDS and peak_mb < LIMIT_MB


def test_ods_with_a_million_empty_repeated_rows_is_parsed_not_refused(tmp_path):
    path = tmp_path / "roster.ods"
    path.write_bytes(hostile.ods_legit())  # one "Trainer" column: read, then found not to be a roster
    rc, out, err, secs, peak_mb = run_cli(path)
    assert rc == 1 and "no sheet has a header Recert recognises" in err and "found 'Trainer'" in err
    assert secs < LIMIT_SECONDS and peak_mb < LIMIT_MB


def test_ragged_line_is_a_rejected_row_with_its_line_number(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "Trainer,Certification,Expiration\nAna Silva,NASM,2027-01-01\nBen, Jr,ISSA,2027-01-01\n",
        encoding="utf-8",
    )
    rc, out, *_ = run_cli(path, "--format", "json")
    doc = json.loads(out)
    assert (
        rc == 0
        and doc["rejected"][0]["row"] == 3
        and "4 fields but the header has 3" in doc["rejected"][0]["reason"]
    )


def test_invalid_byte_is_reported_never_silently_replaced(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(hostile.invalid_byte_csv())
    doc = json.loads(run_cli(path, "--format", "json")[1])
    assert any("cannot be read" in r["reason"] for r in doc["rejected"])
    assert not any("\ufffd" in s["trainer"] for s in doc["standings"])


def test_formula_and_html_looking_names_come_back_literally(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(hostile.formula_names_csv())
    doc = json.loads(run_cli(path, "--format", "json")[1])
    names = {t["trainer"] for t in doc["trainers"]}
    # Stray whitespace is tidied ("\tTab lead" -> "Tab lead"); every character that could run is kept.
    assert {" ".join(n.split()) for n in hostile.HOSTILE_NAMES} == names


# Wide, tall and multi-line files, copies (issue 10) ----------------------------------------------------------
# Before: 60,000 blank csv columns took 77-124 s (time grew ~1.5-2 ms per column whatever the rows), a
# 1,000,000-row csv 82-253 s and 1.8-2.1 GB with 333,334 warnings kept. The bounds below are the suite's usual
# ones (a few times what these take on a loaded 2-core machine), far below those figures.
WIDE = [
    ("60,000 blank csv columns (470 KB)", lambda: hostile.wide_csv(), "roster.csv", 7),
    ("60,000 named csv columns", lambda: hostile.wide_csv(named=True), "roster.csv", 7),
    ("a workbook reaching column XFD", lambda: hostile.wide_xlsx(), "roster.xlsx", 5),
    ("16,384 named workbook columns", lambda: hostile.wide_xlsx(named=True), "roster.xlsx", 5),
    (
        "50 MB of separators, 50,000 a line",
        lambda: b"Trainer,Certification,Expires\r\n" + (b"," * 49_999 + b"\r\n") * 1_000,
        "roster.csv",
        0,
    ),
]


@pytest.mark.parametrize(("label", "build", "name", "trainers"), WIDE, ids=[w[0] for w in WIDE])
def test_wide_files_are_read_in_bounded_time_and_memory(tmp_path, label, build, name, trainers):
    path = tmp_path / name
    path.write_bytes(build())
    rc, out, err, secs, peak_mb = run_cli(path, "--format", "json")
    assert rc == 0, (label, err)
    doc = json.loads(out)
    assert len(doc["trainers"]) == trainers and len(doc["warnings"]) <= 2
    assert secs < LIMIT_SECONDS and peak_mb < LIMIT_MB, (label, secs, peak_mb)


def _tall(tmp_path, rows: int) -> tuple[dict, float, float]:
    path = tmp_path / "roster.csv"
    path.write_bytes(hostile.tall_csv(rows))
    rc, out, err, secs, peak_mb = run_cli(path, "--format", "json", timeout=600)
    assert rc == 0, err
    doc = json.loads(out)
    c = doc["counts"]
    assert c["rows_read"] == c["accepted"] == rows and len(doc["trainers"]) == -(-rows // 3)
    listed = [w for w in doc["warnings"] if "listed" in w]
    twice = rows // 3 + (rows % 3 == 2)  # trainers with at least two rows
    assert len(listed) == 6 and listed[-1].startswith(f"… and {twice - 5:,} more like these")
    return doc, secs, peak_mb


def test_a_long_csv_keeps_five_warnings_of_a_kind_in_bounded_time_and_memory(tmp_path):
    _, secs, peak_mb = _tall(tmp_path, 60_000)  # 2.7 MB; one trainer per 3 rows, each listed 3 times
    assert secs < LIMIT_SECONDS and peak_mb < LIMIT_MB, (secs, peak_mb)


@pytest.mark.slow
def test_the_probes_million_row_csv_is_read_well_under_its_old_82_s_and_2_gb(tmp_path):
    _, secs, peak_mb = _tall(tmp_path, 1_000_000)  # 46 MB, as the probe's
    # Measured alone on the 2-core machine: 31 s, 1.61 GB peak (was 82 s, 2.1 GB); bounds leave room for a loaded CI box.
    assert secs < 80 and peak_mb < 1900, (secs, peak_mb)


def test_a_csv_with_more_rows_than_excel_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(
        b"Trainer,Certification,Expires\r\n" + b"\n" * (48 * 1024 * 1024)
    )  # 50 MB of blank lines
    rc, out, err, secs, peak_mb = run_cli(path)
    assert (
        rc == 1
        and out == ""
        and err
        == (
            "roster.csv: this file has more than 1,048,576 rows, more than Excel "
            "can open: split it into smaller files (for example one per club or "
            "per year) and upload them together."
        )
    )
    assert secs < LIMIT_SECONDS and peak_mb < LIMIT_MB, (secs, peak_mb)


@pytest.mark.parametrize(
    ("encoding", "name"), [("utf-8", "roster.csv"), ("cp1252", "roster.csv"), ("utf-16", "roster.txt")]
)
def test_rows_after_a_cell_with_a_line_break_are_reported_on_their_excel_row(tmp_path, encoding, name):
    path = tmp_path / name
    path.write_bytes(hostile.multiline_csv(encoding, "\r\n", "\n"))
    doc = json.loads(run_cli(path, "--format", "json")[1])
    assert [(r["row"], r["reason"]) for r in doc["rejected"]] == [(5, "'someday' is not a date")]


def test_a_browser_copy_of_the_same_file_is_read_once(tmp_path):
    book = hostile.openpyxl_xlsx([[*r] for r in hostile.ROSTER])
    (tmp_path / "roster.xlsx").write_bytes(book)
    (tmp_path / "roster (1).xlsx").write_bytes(book)
    one = json.loads(run_cli(tmp_path / "roster.xlsx", "--format", "json")[1])
    rc, out, err, *_ = run_cli(
        tmp_path / "roster.xlsx", "--format", "json", also=(tmp_path / "roster (1).xlsx",)
    )
    both = json.loads(out)
    assert rc == 0 and both["counts"] == one["counts"] and both["standings"] == one["standings"]
    assert both["warnings"][0].startswith(
        "roster (1).xlsx is the same file as roster.xlsx (identical content)"
    )


# Properties --------------------------------------------------------------------------------------------------
def _read(name: str, data: bytes):
    try:
        stg = analyse([Source(name, data)], as_of=date(2026, 6, 1))
    except RecertError:
        return None
    c = stg.counts
    assert c["rows_read"] == c["accepted"] + c["rejected"] + c["blank"]
    return stg


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_arbitrary_bytes_give_a_standing_or_the_projects_error(data, name):
    _read(name, data)


VALID = {
    "roster.csv": hostile.csv_text(hostile.ROSTER).encode("utf-8"),
    "roster.xlsx": hostile.openpyxl_xlsx([[*r] for r in hostile.ROSTER]),
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(VALID)), seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 12))
def test_mutated_valid_files_give_a_standing_or_the_projects_error(which, seed, flips):
    data = bytearray(VALID[which])
    rng = random.Random(seed)
    for _ in range(flips):
        if not data:  # deletions emptied a small file: an empty upload is a case of its own
            break
        i = rng.randrange(len(data))
        op = rng.random()
        if op < 0.6:
            data[i] = rng.randrange(256)
        elif op < 0.8:
            del data[i : i + rng.randrange(1, 64)]
        else:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    _read(which, bytes(data))
