"""The shortcuts that keep mapping fast at 10k trainers give the answers of the plain way (issue 16).

A sheet tells its people apart by integer keys (``Who.key``) so assemble() compares text only once per
sheet-level observation; dates and naive date-times are converted in one call; blanks and total rows are
worked per distinct cell. Each is checked against the plain computation it replaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpd.catalogue import load_catalogue
from cpd.distinct import combine_codes
from cpd.ingest.assemble import assemble
from cpd.ingest.grid import read_grids
from cpd.ingest.sheets import read_sheet
from cpd.ingest.values import _parse_dates
from tests import rosters
from tests.helpers import csv_bytes, xlsx_bytes

CAT = load_catalogue()
ROSTERS = sorted(name for name in dir(rosters) if name.startswith("build_"))


def _results(files: dict[str, bytes]) -> list:
    return [read_sheet(g, catalogue=CAT) for name, data in files.items() for g in read_grids(name, data)]


def _same_roster(a, b) -> None:
    for f in ("trainers", "certifications", "activities", "cpr_cards", "ledger", "memberships"):
        pd.testing.assert_frame_equal(getattr(a, f), getattr(b, f), check_exact=True)
    assert (a.mappings, a.warnings, a.ce_logged) == (b.mappings, b.warnings, b.ce_logged)


@pytest.mark.parametrize("build", ROSTERS)
def test_people_keys_give_the_roster_of_comparing_text(build: str) -> None:
    results = _results(getattr(rosters, build)())
    plain = [replace(r, people_key=None) for r in results]
    _same_roster(assemble(results), assemble(plain))


_NAMES = st.sampled_from(["Ana Silva", "ana silva", "ANA SILVA ", "Bo Li", "", "Silva, Ana", "Zoë Brandt"])
_IDS = st.sampled_from(["", "7", "007", 7, 7.0, "A-1", 12])
_CLUBS = st.sampled_from(["", "Downtown", "Riverside", "Downtown / Riverside", "downtown"])


@settings(max_examples=40, deadline=None)
@given(
    staff=st.lists(st.tuples(_IDS, _NAMES, _CLUBS), min_size=1, max_size=12),
    log=st.lists(st.tuples(_IDS, _NAMES), min_size=0, max_size=12),
    split_names=st.booleans(),
)
def test_people_keys_match_comparing_text_on_any_two_files(staff, log, split_names) -> None:
    if split_names:  # first and last name columns: the names are joined per distinct pair
        head = ["Staff ID", "First Name", "Last Name", "Club"]
        body = [[i, *(n.split(" ", 1) + [""])[:2], c] for i, n, c in staff]
    else:
        head = ["Staff ID", "Name", "Club"]
        body = [[i, n, c] for i, n, c in staff]
    files = {
        "staff.xlsx": xlsx_bytes({"Staff": [head, *body]}),
        "log.csv": csv_bytes(
            [["Staff ID", "Trainer", "Date", "Hours"], *[[i, n, "2026-01-05", 2] for i, n in log]]
        ),
    }
    results = _results(files)
    _same_roster(assemble(results), assemble([replace(r, people_key=None) for r in results]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.integers(0, 2**40).flatmap(lambda k: st.lists(st.integers(0, k), min_size=5, max_size=5)),
        min_size=1,
        max_size=6,
    )
)
def test_combined_codes_are_equal_exactly_for_equal_rows(columns) -> None:
    arrays = [np.asarray(c, dtype=np.int64) for c in columns]
    sizes = [int(a.max()) + 1 for a in arrays]  # large sizes force the re-coding against overflow
    code = combine_codes(list(zip(arrays, sizes, strict=True)), 5)
    rows = list(zip(*(a.tolist() for a in arrays), strict=True))
    for i in range(5):
        for j in range(5):
            assert (code[i] == code[j]) == (rows[i] == rows[j])


def _reference_dates(values: list[object]) -> pd.Series:
    """Date cells converted one by one, as before the one-call conversion."""
    s = pd.Series(values, dtype=object)
    return pd.to_datetime(s.map(lambda v: pd.Timestamp(v).replace(tzinfo=None)), errors="coerce").astype(
        "datetime64[ns]"
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.dates(dt.date(1678, 1, 1), dt.date(2261, 12, 31)),
            st.datetimes(dt.datetime(1678, 1, 1), dt.datetime(2261, 12, 31)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_date_cells_converted_at_once_are_the_same_instants(values) -> None:
    parsed = _parse_dates(pd.Series(values, dtype=object))
    pd.testing.assert_series_equal(parsed.values, _reference_dates(values), check_names=False)
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    "cells",
    [
        [dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))), dt.date(2026, 1, 2)],
        [pd.Timestamp("2027-05-06 07:08:09.123456789"), dt.date(2026, 1, 2)],
    ],
)
def test_aware_or_nanosecond_date_cells_keep_their_wall_time(cells) -> None:
    parsed = _parse_dates(pd.Series(cells, dtype=object))
    pd.testing.assert_series_equal(parsed.values, _reference_dates(cells), check_names=False)


@pytest.mark.parametrize(
    ("first_cells", "totals"),
    [
        (["Ana", "Total", "", "Grand total: 3", "=SUM(A1)"], [False, True, False, True, False]),
        ([7.0, "Totals", None, "sum", "Bo"], [False, True, False, True, False]),
    ],
)
def test_total_rows_are_found_from_each_rows_first_cell(first_cells, totals) -> None:
    rows = [["Name", "Expires", "Certification"]] + [
        [c, dt.date(2027, 1, 1) if c not in ("", None) else None, "NASM CPT" if c not in ("", None) else None]
        for c in first_cells
    ]
    (grid,) = read_grids("r.xlsx", xlsx_bytes({"R": rows}))
    result = read_sheet(grid, catalogue=CAT)
    blank_reason = result.ledger["reason"].eq("total row").tolist()
    assert blank_reason == totals
