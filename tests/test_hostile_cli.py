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
# Runs the CLI in-process and reports its wall time and peak memory (ru_maxrss) on the last stderr line.
RUNNER = ("import resource, sys, time; t = time.perf_counter(); from cpd.cli import main; rc = main(sys.argv[1:]); "
          "print(f'@@ {time.perf_counter() - t:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', "
          "file=sys.stderr); sys.exit(rc)")


def run_cli(path: Path, *args: str) -> tuple[int, str, str, float, float]:
    proc = subprocess.run([sys.executable, "-c", RUNNER, "standing", str(path), "--as-of", "2026-06-01", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    *lines, stats = proc.stderr.rstrip("\n").splitlines() or ["@@ 0 0"]
    _, secs, rss_kb = stats.split()
    return proc.returncode, proc.stdout, "\n".join(lines), float(secs), int(rss_kb) / 1024


@pytest.mark.parametrize(("case", "build", "reason"), hostile.CASES, ids=[c[0] for c in hostile.CASES])
def test_hostile_file_gets_one_sentence_exit_1_in_bounded_time_and_memory(tmp_path, case, build, reason):
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
    [("UTF-16 tab-separated Unicode text", hostile.utf16_unicode_text, "roster.txt"),
     ("Windows-1252 csv", hostile.cp1252_csv, "roster.csv"),
     ("semicolon csv with decimal commas", hostile.semicolon_decimal_csv, "roster.csv"),
     ("ragged csv", hostile.ragged_csv, "roster.csv"),
     ("csv with an invalid byte", hostile.invalid_byte_csv, "roster.csv")],
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
    path.write_text("Trainer,Certification,Expiration\nAna Silva,NASM,2027-01-01\nBen, Jr,ISSA,2027-01-01\n",
                    encoding="utf-8")
    rc, out, *_ = run_cli(path, "--format", "json")
    doc = json.loads(out)
    assert rc == 0 and doc["rejected"][0]["row"] == 3 and "4 fields but the header has 3" in doc["rejected"][0]["reason"]


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


VALID = {"roster.csv": hostile.csv_text(hostile.ROSTER).encode("utf-8"),
         "roster.xlsx": hostile.openpyxl_xlsx([[*r] for r in hostile.ROSTER])}


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
            del data[i:i + rng.randrange(1, 64)]
        else:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    _read(which, bytes(data))
