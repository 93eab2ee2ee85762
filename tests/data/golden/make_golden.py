"""How tests/data/golden/ was made: the OLD calendar/reminders code (tests/reference_exports.py at 251f684), run once.

It needs that code, so it only runs in a copy of that commit (kept here as the record of what the files are):
    mkdir /tmp/old && git archive 251f684 | tar -x -C /tmp/old
    cd /tmp/old && PYTHONPATH=. /path/to/.venv/bin/python /path/to/make_golden.py OUTDIR
"""

from __future__ import annotations

import json
import math
import random
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from cpd import Source, analyse
from cpd.samples import DEFAULT_ANCHOR, SAMPLE_WINDOW, build_chain_workbook, build_sample
from tests import reference_exports as old
from tests.helpers import csv_bytes
from tests.test_calendar_equivalence import HOSTILE as CAL_HOSTILE
from tests.test_reminders import _CERTS, _CLUBS, _CREDITS, _EMAILS, _NAMES
from tests.test_reminders import ROSTER as REM_HOSTILE

OUT = Path(sys.argv[1])
AS_OF = date(2026, 6, 1)
WHEN = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
CAL_PARAMS = [
    (None, WHEN),
    (0, WHEN),
    (1, datetime(2026, 6, 1, 8, 30, 59, 999_999)),
    (400, datetime(2026, 6, 1, 23, 30, 5, 123, tzinfo=timezone(timedelta(hours=-5)))),
]


def write(rel: str, data: bytes) -> str:
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return rel


def generated_roster(rng: random.Random) -> tuple[list[list[str]], list[list[str]]]:
    """Same vocabulary and shape as test_reminders._staff_and_certs, drawn from a seeded generator."""
    n = rng.randint(1, 7)
    staff = [["Staff ID", "First Name", "Last Name", "Club", "Email"]]
    for i in range(n):
        staff.append(
            [f"S{i}", rng.choice(_NAMES), rng.choice(_NAMES), rng.choice(_CLUBS), rng.choice(_EMAILS)]
        )

    def day() -> str:
        return "" if rng.random() < 0.2 else (AS_OF + timedelta(days=rng.randint(-500, 900))).isoformat()

    certs = [["Staff ID", "Certification", "Expiration", "CEUs earned", "CPR/AED exp"]]
    for _ in range(rng.randint(0, 12)):
        certs.append([f"S{rng.randint(0, n)}", rng.choice(_CERTS), day(), rng.choice(_CREDITS), day()])
    return staff, certs


def iso(d: datetime) -> str:
    return d.isoformat()


def main() -> None:
    cases = []

    def case(name, files, *, as_of, window, on_error="raise", calendars=(), sign_offs=()):
        inputs = {fn: write(f"inputs/{name}/{fn}", data) for fn, data in files.items()}
        st = analyse(
            [Source(fn, data) for fn, data in files.items()], as_of=as_of, window=window, on_error=on_error
        )
        entry = {
            "name": name,
            "inputs": inputs,
            "as_of": as_of.isoformat(),
            "window": window,
            "on_error": on_error,
            "calendars": [],
            "drafts": [],
        }
        for k, (alarm, when) in enumerate(calendars):
            ics = old.write_calendar(st, alarm_days=alarm, generated_at=when)
            entry["calendars"].append(
                {
                    "alarm_days": alarm,
                    "generated_at": iso(when),
                    "file": write(f"calendar/{name}_{k}.ics", ics),
                }
            )
        for k, sign_off in enumerate(sign_offs):
            frame = old.drafts(st, sign_off=sign_off)
            entry["drafts"].append(
                {
                    "sign_off": sign_off,
                    "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
                    "frame": write(f"drafts/{name}_{k}_frame.csv", frame.to_csv().encode()),
                    "csv": write(f"drafts/{name}_{k}.csv", old.drafts_csv(st, sign_off=sign_off).encode()),
                }
            )
        cases.append(entry)

    case(
        "sample",
        build_sample(DEFAULT_ANCHOR),
        as_of=DEFAULT_ANCHOR,
        window=SAMPLE_WINDOW,
        on_error="collect",
        calendars=CAL_PARAMS,
        sign_offs=["", "Sam, Fitness Manager", "=1+1;=2+2\x1b[2J Zoë\n2"],
    )
    case(
        "hostile_calendar",
        {"roster.csv": csv_bytes(CAL_HOSTILE)},
        as_of=AS_OF,
        window=90,
        calendars=CAL_PARAMS,
    )
    case(
        "hostile_reminders",
        {"roster.csv": csv_bytes(REM_HOSTILE)},
        as_of=AS_OF,
        window=90,
        sign_offs=["", "Maria, Downtown manager"],
    )
    chain_as_of = date(2026, 12, 1)
    case(
        "chain300",
        {"chain.xlsx": build_chain_workbook(300, anchor=chain_as_of)},
        as_of=chain_as_of,
        window=90,
        calendars=[(None, WHEN)],
        sign_offs=["Sam"],
    )
    rng = random.Random(20261129)
    for i in range(24):
        staff, certs = generated_roster(rng)
        window, alarm = rng.randint(0, 120), rng.randint(0, 400)
        sign_off = rng.choice(["", "Sam", "=cmd|' /C calc'!A0"])
        case(
            f"generated{i:02d}",
            {"staff.csv": csv_bytes(staff), "certs.csv": csv_bytes(certs)},
            as_of=AS_OF,
            window=window,
            on_error="collect",
            calendars=[(alarm, WHEN)],
            sign_offs=[sign_off],
        )

    # clean and day_text on a fixed table of awkward values (their property tests compared against the old ones).
    rng = random.Random(7)
    alphabet = list("\\^,;\n\r\t\v\f\x85\u2028\u2029\x00\x07\x1b\x7f\ufffe\uffff\u200b\u202e\u2066 aZé€🏋Ñ名")
    strings = [
        "",
        " ",
        "Ana Silva",
        "  Ana \t Silva\r\n",
        "a\x00b",
        "\ud800x",
        "x\udfff",
        "é" * 40,
        '=HYPERLINK("http://x","y")',
        "Zoë\u2028Ñúñez\u2029",
        "\x85NEL",
        "tab\tsep",
        "🏋️" * 5,
    ]
    strings += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    strings += ["".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 12))) for _ in range(200)]
    clean_cases = [{"t": "str", "v": s, "out": old.clean(s)} for s in strings]
    for t, v, value in [
        ("none", None, None),
        ("nan", None, math.nan),
        ("na", None, pd.NA),
        ("int", 0, 0),
        ("int", -12, -12),
        ("int", 10**20, 10**20),
        ("float", 2.0, 2.0),
        ("float", 0.30000001, 0.30000001),
        ("float", 1e300, 1e300),
        ("float", -0.0, -0.0),
        ("inf", None, math.inf),
        ("-inf", None, -math.inf),
        ("bool", True, True),
    ]:
        clean_cases.append({"t": t, "v": v, "out": old.clean(value)})

    day_cases = []

    def day_case(t, v, value):
        try:
            out = {"out": old.day_text(value)}
        except (ValueError, OverflowError) as e:
            out = {"raises": type(e).__name__}
        day_cases.append({"t": t, "v": v, **out})

    for d in [
        date(1, 1, 1),
        date(1677, 9, 22),
        date(1700, 1, 1),
        date(1950, 1, 1),
        date(2026, 6, 1),
        date(2199, 12, 31),
        date(2262, 4, 11),
        date(2262, 4, 12),
        date(9999, 12, 31),
    ]:
        day_case("date", d.isoformat(), d)
    for _ in range(80):
        d = date(1700, 1, 1) + timedelta(days=rng.randint(0, 500 * 365))
        day_case("date", d.isoformat(), d)
        day_case("timestamp", d.isoformat(), pd.Timestamp(d))
        dt = datetime(
            d.year,
            d.month,
            d.day,
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.randint(0, 999_999),
        )
        day_case("datetime", dt.isoformat(), dt)
        tz = timezone(timedelta(minutes=rng.randint(-14 * 60, 14 * 60)))
        aware = dt.replace(tzinfo=tz)
        day_case("datetime", aware.isoformat(), aware)
    for t, v, value in [
        ("none", None, None),
        ("nat", None, pd.NaT),
        ("nan", None, math.nan),
        ("na", None, pd.NA),
        ("str", "2026-06-01", "2026-06-01"),
        ("str", "1 Jun 2026", "1 Jun 2026"),
    ]:
        day_case(t, v, value)

    manifest = {
        "made_by": "tests/reference_exports.py at commit 251f684 (the calendar and reminders code as it "
        "was before the chain-size speed-up), run once before it was deleted",
        "cases": cases,
    }
    (OUT / "exports.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=True) + "\n")
    (OUT / "text.json").write_text(
        json.dumps({"clean": clean_cases, "day_text": day_cases}, indent=0, ensure_ascii=True) + "\n"
    )


if __name__ == "__main__":
    main()
