"""Files are parsed in background threads, biggest sheet first; what comes out must not depend on it."""

from __future__ import annotations

import io
import math
import threading
import zipfile
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd import Reading, Source, load_catalogue, read_sources
from cpd.errors import UnreadableFile
from cpd.ingest.values import Distinct, text_column
from tests.helpers import csv_bytes, xlsx_bytes

CAT = load_catalogue()

STAFF = [["Staff ID", "Trainer", "Club"]] + [
    [str(100 + i), f"Trainer {i}", f"Club {i % 3}"] for i in range(40)
]
CERTS = [["Staff ID", "Certification", "Expires"]] + [
    [str(100 + i), "NASM CPT", "2027-03-01"] for i in range(40)
]
NAMED = [["Trainer", "Certification", "Expires"]] + [
    [f"Coach {i}", "ACE GFI", "2027-05-01"] for i in range(4)
]
LOG = [["Staff ID", "Date", "Course", "Amount", "Unit", "Approved For"]] + [
    [str(100 + i % 40), f"2026-0{1 + i % 9}-15", f"Course {i % 7}", 0.1 * (1 + i % 5), "CEU", "NASM"]
    for i in range(3000)
]


def chain_like(extra: int = 0) -> bytes:
    """A small sheet, a big CE log in the middle, a small sheet: the big one is parsed first.

    ``extra`` trainers added to the staff sheet make workbooks that differ (identical bytes are read once)."""
    staff = STAFF + [[str(900 + i), f"Extra {i}", "Club 0"] for i in range(extra)]
    return xlsx_bytes({"Staff": staff, "CE Log": LOG, "Certifications": CERTS})


def _damaged(data: bytes, part: str) -> bytes:
    """The workbook with one sheet part cut in half (a download that broke off, repaired by a zip tool)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            dst.writestr(name, body[: len(body) // 2] if name == part else body)
    return out.getvalue()


def test_sheets_come_back_in_workbook_order_though_the_biggest_is_parsed_first():
    with Reading([Source("chain.xlsx", chain_like())]) as reading:
        [(src, grids)] = list(reading)
        assert src.name == "chain.xlsx"
        assert [g.sheet for g in grids] == ["Staff", "CE Log", "Certifications"]


def test_two_reading_threads_give_exactly_what_one_gives():
    sources = [Source("chain.xlsx", chain_like()), Source("extra.csv", csv_bytes(NAMED))]
    one = read_sources(Reading(sources, threads=1), catalogue=CAT)
    two = read_sources(sources, catalogue=CAT)
    for frame in ("ledger", "trainers", "certifications", "activities", "cpr_cards"):
        pd.testing.assert_frame_equal(getattr(one, frame), getattr(two, frame), check_dtype=False)
    assert one.warnings == two.warnings and one.mappings == two.mappings
    assert len(two.activities) == len(LOG) - 1


def test_a_damaged_sheet_makes_its_file_unreadable_and_the_other_files_are_still_read():
    bad = _damaged(chain_like(), "xl/worksheets/sheet3.xml")  # Certifications, after Staff was already mapped
    sources = [Source("bad.xlsx", bad), Source("good.csv", csv_bytes(NAMED))]
    roster = read_sources(sources, catalogue=CAT, on_error="collect")
    assert (
        len(roster.unreadable) == 1
        and "bad.xlsx" in roster.unreadable[0]
        and "damaged" in roster.unreadable[0]
    )
    assert set(roster.ledger["file"]) == {
        "good.csv"
    }  # none of bad.xlsx's sheets, not even the one read first
    assert len(roster.certifications) == 4
    with pytest.raises(UnreadableFile, match="damaged"):
        read_sources(sources, catalogue=CAT)


def test_leaving_a_reading_early_cancels_the_reads_not_started_and_never_holds_up_the_exit(monkeypatch):
    from cpd.ingest import grid

    busy, sniff = threading.Event(), grid.safety.sniff
    monkeypatch.setattr(grid.safety, "sniff", lambda name, data: (busy.wait(10), sniff(name, data))[1])
    with Reading([Source(f"chain{i}.xlsx", chain_like(i)) for i in range(3)], threads=1) as reading:
        first = next(iter(reading))
        assert first[0].name == "chain0.xlsx"
        queued = [f for f in reading._files if f is not None]
    busy.set()  # the one thread was still checking the first file when the block was left
    assert len(queued) == 2 and all(f.cancelled() for f in queued)
    readers = [t for t in threading.enumerate() if t.name.startswith("recert-read")]
    assert readers and all(
        t.daemon for t in readers
    )  # a parse still running cannot delay the interpreter's exit


def test_the_first_unreadable_file_is_reported_without_waiting_for_the_others_checks(monkeypatch):
    from cpd.ingest import grid

    busy, sniff = threading.Event(), grid.safety.sniff
    monkeypatch.setattr(
        grid.safety,
        "sniff",
        lambda name, data: (name.startswith("big") and busy.wait(10), sniff(name, data))[1],
    )
    bad, big = Source("bad.xlsx", b"PK\x03\x04 not a zip"), Source("big.xlsx", chain_like())
    with Reading([bad, big], threads=2) as reading:
        still_checking = reading._files[1]
        reading.checked()  # returns at the first failure
        assert not still_checking.done()
        with pytest.raises(UnreadableFile):
            read_sources(reading, catalogue=CAT)
    busy.set()


# Columns factorised once ------------------------------------------------------------------------------------
CELLS = st.one_of(
    st.none(),
    st.just(math.nan),
    st.text(max_size=6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**6), 10**6),
    st.sampled_from(["", " ", "007", "Ana  Silva", "1.0"]),
)


@given(st.lists(CELLS, max_size=60))
def test_a_column_spreads_back_from_its_distinct_values(cells):
    d = Distinct.of(pd.Series(cells, dtype=object))
    back = d.spread(d.uniques).tolist()
    assert len(back) == len(cells)
    for was, now in zip(cells, back, strict=True):
        if was is None or (isinstance(was, float) and math.isnan(was)):
            assert now is None  # both kinds of missing cell share one code
        else:  # equal values share a code (0 and 0.0, 1 and True), as pandas compares them
            assert now == was


@given(st.lists(CELLS, max_size=60))
def test_tidy_text_is_the_same_per_distinct_value_as_per_cell(cells):
    column = pd.Series(cells, dtype=object)
    per_cell = [text_column(pd.Series([c], dtype=object)).iloc[0] for c in cells]
    assert text_column(column).tolist() == per_cell


def test_two_files_with_the_same_name_are_told_apart():
    # club.xlsx from two folders: every row must still point at one file (this used to be an internal error).
    book = xlsx_bytes({"Certifications": CERTS[:3], "Staff": STAFF[:3]})
    other = xlsx_bytes({"Certifications": [CERTS[0], *CERTS[3:5]], "Staff": [STAFF[0], *STAFF[3:5]]})
    roster = read_sources([Source("club.xlsx", book), Source("club.xlsx", other)], catalogue=CAT)
    assert sorted(set(roster.ledger["file"])) == ["club (2).xlsx", "club.xlsx"]
    assert len(roster.ledger) == (len(CERTS[:3]) - 1 + len(STAFF[:3]) - 1) + 4


# Copies and progress (issue 10) ------------------------------------------------------------------------------
def test_a_reading_sets_byte_identical_files_aside_and_never_parses_them(monkeypatch):
    from cpd.ingest import grid

    parsed: list[str] = []
    sniff = grid.safety.sniff
    monkeypatch.setattr(grid.safety, "sniff", lambda name, data: (parsed.append(name), sniff(name, data))[1])
    book, other = chain_like(), chain_like(1)
    sources = [
        Source("a.xlsx", book),
        Source("a (1).xlsx", book),
        Source("b.xlsx", other),
        Source("empty.csv", b""),
        Source("empty (1).csv", b""),
    ]
    with Reading(sources) as reading:
        assert [s.name for s in reading.sources] == ["a.xlsx", "b.xlsx", "empty.csv", "empty (1).csv"]
        assert reading.copies == (("a (1).xlsx", "a.xlsx"),)  # empty files each get their own sentence
        reading.checked()
    assert sorted(parsed) == ["a.xlsx", "b.xlsx", "empty (1).csv", "empty.csv"]


def test_progress_is_reported_in_order_up_to_done_and_never_changes_the_result():
    sources = [Source("chain.xlsx", chain_like()), Source("extra.csv", csv_bytes(NAMED))]
    seen: list[tuple[float, str]] = []
    with_progress = read_sources(
        sources, catalogue=CAT, progress=lambda share, what: seen.append((share, what))
    )
    without = read_sources(sources, catalogue=CAT)
    pd.testing.assert_frame_equal(with_progress.ledger, without.ledger)
    shares = [s for s, _ in seen]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    texts = [w for _, w in seen]
    assert "Reading chain.xlsx (1 of 2)" in texts and "Reading extra.csv (2 of 2)" in texts
    assert "Checking the rows of chain.xlsx, sheet 'CE Log' (1 of 2)" in texts
    assert texts[-2:] == ["Putting the files together", f"Read {len(without.ledger):,} rows"]


def test_progress_through_analyse_and_a_file_that_cannot_be_read():
    from cpd import analyse

    seen: list[float] = []
    st = analyse(
        [Source("bad.xlsx", b"PK\x03\x04 not a zip"), Source("extra.csv", csv_bytes(NAMED))],
        as_of=date(2026, 6, 1),
        on_error="collect",
        progress=lambda share, _what: seen.append(share),
    )
    assert len(st.unreadable) == 1 and seen == sorted(seen) and seen[-1] == 1.0


def test_the_app_shows_a_progress_bar_while_a_big_upload_is_read_and_removes_it_after(monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    import cpd
    from tests import hostile

    shares: list[float] = []
    given_progress: list[bool] = []
    real = cpd.read_sources

    def spy(*args, progress=None, **kw):
        given_progress.append(progress is not None)

        def seen(share: float, what: str) -> None:
            shares.append(share)
            progress(share, what)  # Streamlit's bar: must take every report without error

        return real(*args, progress=seen if progress else None, **kw)

    monkeypatch.setattr(cpd, "read_sources", spy)
    monkeypatch.delenv("RECERT_DEMO", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.run()
    at.file_uploader(key="uploader").set_value([("small.csv", csv_bytes(NAMED), "text/csv")]).run()
    assert given_progress == [False]  # a small upload is read before a bar could be seen
    big = hostile.tall_csv(30_000)  # 1.4 MB, each trainer listed 3 times
    at.file_uploader(key="uploader").set_value([("www.big.test.csv", big, "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert given_progress[-1] and shares[0] == 0.0 and shares[-1] == 1.0 and shares == sorted(shares)
    assert not at.get("progress")  # the status box and its bar are gone once the files are read
    assert at.session_state["_loaded"].standing.counts["rows_read"] == 30_000
