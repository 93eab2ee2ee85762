"""Hypothesis properties: rows are conserved for any roster, conversions are exact, orders never mix."""

from __future__ import annotations

import string
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import Source, analyse, load_catalogue
from cpd.ingest.values import parse_amounts, parse_dates
from tests.helpers import csv_bytes

CAT = load_catalogue()
names = st.text(alphabet=string.ascii_letters + " éñ'-", min_size=0, max_size=12)
creds = st.sampled_from(["NASM", "ACE PT", "ISSA", "Zumba", "", "CPR/AED", "ACE-GFI", "nsca"])
dates = st.one_of(
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(lambda d: d.strftime("%m/%d/%Y")),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(lambda d: d.isoformat()),
    st.sampled_from(["", "soon", "TBD", "31/02/2027", "Total"]),
)
amounts = st.one_of(
    st.just(""),
    st.floats(0, 50, allow_nan=False).map(lambda x: f"{x:.1f}"),
    st.sampled_from(["12 hrs", "1,5", "lots", "2 CEU", "-1"]),
)
row = st.tuples(names, creds, dates, amounts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, max_size=25), title=st.booleans())
def test_rows_read_equals_accepted_plus_rejected_plus_blank(rows, title):
    table = ([["Staff roster"], []] if title else []) + [
        ["Trainer", "Certification", "Expiration", "CEUs earned"]
    ]
    table += [list(r) for r in rows]
    stg = analyse([Source("r.csv", csv_bytes(table))], as_of=date(2026, 6, 1))
    c = stg.counts
    assert c["rows_read"] == len(rows)
    assert c["rows_read"] == c["accepted"] + c["rejected"] + c["blank"]
    assert stg.rejected["reason"].str.len().gt(0).all()
    # Every accepted non-CPR row with a trainer is a standing or a merged duplicate, never lost.
    assert len(stg.standings) <= c["accepted"]


@given(
    hours=st.floats(0, 1000, allow_nan=False),
    cid=st.sampled_from(
        sorted(c.id for c in CAT.credentials.values() if c.hours_per_unit and c.required_credits)
    ),
)
@settings(max_examples=60, deadline=None)
def test_hours_convert_to_units_by_hours_per_unit(hours, cid):
    cred = CAT[cid]
    stg = analyse(
        [
            Source(
                "c.csv",
                csv_bytes(
                    [
                        ["Trainer", "Certification", "Expiration"],
                        ["A B", cred.aliases[0] if cred.aliases else cred.name, "2027-01-31"],
                    ]
                ),
            ),
            Source(
                "l.csv",
                csv_bytes(
                    [["Trainer", "Date", "Amount", "Unit"], ["A B", "2026-03-01", repr(hours), "hours"]]
                ),
            ),
        ],
        as_of=date(2026, 6, 1),
    )
    got = stg.standings
    got = got[got["credential"] == cid]
    assert len(got) == 1
    assert abs(got["earned"].iloc[0] - round(hours / cred.hours_per_unit, 6)) < 1e-6


@settings(deadline=None)
@given(
    x=st.decimals(0, 10_000, places=2, allow_nan=False, allow_infinity=False),
    comma=st.booleans(),
    unit=st.sampled_from(["", " hrs", " CEU", "CEC", " hours"]),
)
def test_amount_text_round_trips(x, comma, unit):
    text = str(x).replace(".", ",") if comma else str(x)
    parsed = parse_amounts(pd.Series([text + unit], dtype=object))
    assert abs(parsed.values.iloc[0] - float(x)) < 1e-9


@settings(deadline=None)
@given(
    ds=st.lists(st.dates(date(1990, 1, 1), date(2060, 12, 31)), min_size=1, max_size=20),
    order=st.sampled_from(["mdy", "dmy"]),
    sep=st.sampled_from(["/", ".", "-"]),
)
def test_a_column_is_read_in_one_order(ds, order, sep):
    fmt = f"%m{sep}%d{sep}%Y" if order == "mdy" else f"%d{sep}%m{sep}%Y"
    parsed = parse_dates(pd.Series([d.strftime(fmt) for d in ds], dtype=object))
    ambiguous = all(d.day <= 12 for d in ds)
    if not ambiguous:
        assert parsed.order == order
        assert [v.date() for v in parsed.values] == ds
    else:
        assert parsed.assumed and parsed.order == "mdy"
        # Read in one order: every value either as written (mdy) or all swapped, never a mix.
        swapped = [date(d.year, d.day, d.month) for d in ds]
        assert [v.date() for v in parsed.values] in (ds, swapped)


@settings(deadline=None)
@given(d=st.dates(date(1950, 1, 1), date(2150, 12, 31)))
def test_excel_serials_round_trip(d):
    serial = (d - date(1899, 12, 30)).days
    if 10_000 <= serial <= 100_000:
        assert parse_dates(pd.Series([float(serial)], dtype=object)).values.iloc[0].date() == d
    assert timedelta(0) == timedelta(0)
