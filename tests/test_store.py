"""The store (cpd.store), on SQLite and on a real PostgreSQL 15 (tests/pg.py): facts stored exactly, standing
computed from them identical to the files, storage that grows with what changed, corrections and team rules."""

from __future__ import annotations

import io
import json
import threading
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from cpd import Source, load_catalogue, read_sources
from cpd.cli import main
from cpd.errors import RulesError
from cpd.model import Notice, SheetMapping, memberships_of
from cpd.samples import DEFAULT_ANCHOR, build_chain_workbook
from cpd.store import StoreError, header_signature, open_store
from cpd.store import frames as fr
from tests import rosters
from tests.hostile import HOSTILE_NAMES

BACKENDS = ["sqlite", "postgresql"]
FRAMES = fr.FRAMES

# Names that have broken SQL built by string interpolation, or that a careless codec would confuse with
# missing values; each must come back exactly as written.
NASTY = [
    *HOSTILE_NAMES,
    "Robert'); DROP TABLE recert_snapshots;--",
    'O\'Brien "Bobby"',
    "None",
    "nan",
    "NULL",
    "null",
    "%s %(x)s :name ?",
    "\\N",
    "Zoë Ångström",
    "محمد",
    "李小龍",
    "🏋️ Gym Rat",
    "a\u2028b",
    "x\\y\\",
    "$$ LANGUAGE plpgsql $$",
    "'; SELECT pg_sleep(10); --",
]


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'recert.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _sources(files: dict[str, bytes]) -> list[Source]:
    return [Source(name, data) for name, data in files.items()]


def assert_same_roster(a, b) -> None:
    """Every frame exactly; a snapshot saved before memberships (None) has each trainer's club as theirs."""
    for name in FRAMES:
        x, y = getattr(a, name), getattr(b, name)
        if name == "memberships" and (x is None) != (y is None):
            x, y = memberships_of(a), memberships_of(b)
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
    assert a.mappings == b.mappings
    assert list(a.warnings) == list(b.warnings)
    assert [getattr(w, "kind", None) for w in a.warnings] == [getattr(w, "kind", None) for w in b.warnings]
    assert a.unreadable == b.unreadable
    assert a.ce_logged == b.ce_logged


def _cli(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def hostile_roster_csv() -> bytes:
    lines = ["Trainer,Club,Certification,Expires,CPR/AED Expires"]
    for i, name in enumerate(NASTY):
        q = '"' + name.replace('"', '""') + '"'
        club = '"' + NASTY[-1 - i].replace('"', '""') + '"'
        lines.append(f"{q},{club},NASM-CPT,2027-0{1 + i % 9}-15,2027-06-30")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


# Facts round-trip exactly ---------------------------------------------------------------------------------------
def test_saved_sample_loads_back_frame_for_frame_identical(db_url, sample_files, catalogue):
    sources = _sources(sample_files)
    roster = read_sources(sources, catalogue=catalogue)
    with open_store(db_url) as store:
        info, created = store.save(roster, sources, as_of=DEFAULT_ANCHOR, label="March", note="from HR")
        snap = store.load(info.id)
    assert created
    assert_same_roster(roster, snap.roster)
    assert snap.info.files == tuple(sample_files)
    assert (snap.info.label, snap.info.note, snap.info.as_of) == ("March", "from HR", DEFAULT_ANCHOR)
    assert snap.info.trainers == len(roster.trainers) and snap.info.summary["trainers"] == len(
        roster.trainers
    )


def test_hostile_names_round_trip_exactly_through_bound_parameters(db_url, catalogue):
    sources = [Source("x'); DROP TABLE recert_files;--.csv", hostile_roster_csv())]
    roster = read_sources(sources, catalogue=catalogue)
    assert {
        "Robert'); DROP TABLE recert_snapshots;--",
        "'; SELECT pg_sleep(10); --",
        "%s %(x)s :name ?",
        'O\'Brien "Bobby"',
        '=HYPERLINK("http://x","y")',
    } <= set(roster.trainers["trainer"])
    with open_store(db_url) as store:
        info, _ = store.save(roster, sources, as_of=date(2026, 11, 1), label=NASTY[6], note=NASTY[0])
        snap = store.load(info.id)
        assert [i.id for i in store.snapshots()] == [info.id]  # every table still there
    assert_same_roster(roster, snap.roster)
    assert (snap.info.label, snap.info.note, snap.info.files) == (NASTY[6], NASTY[0], (sources[0].name,))


def test_same_files_by_content_are_not_stored_twice(db_url, sample_files, catalogue):
    sources = _sources(sample_files)
    roster = read_sources(sources, catalogue=catalogue)
    renamed = [Source("copy of " + s.name, s.data) for s in reversed(sources)]
    with open_store(db_url) as store:
        first, created = store.save(roster, sources, as_of=DEFAULT_ANCHOR)
        again, created_again = store.save(
            roster, renamed, as_of=DEFAULT_ANCHOR + timedelta(days=30), label="x"
        )
        other, created_other = store.save(roster, sources, as_of=DEFAULT_ANCHOR, date_order="dmy")
        assert (created, created_again, created_other) == (True, False, True)
        assert again == first
        assert [i.id for i in store.snapshots()] == [first.id, other.id]
        with store.engine.connect() as conn:
            n_blocks = conn.execute(sa.text("SELECT count(*) FROM recert_blocks")).scalar()
    assert n_blocks == len(FRAMES)  # the second snapshot reuses every stored row


def test_load_unknown_or_latest_of_empty_store_is_one_sentence(db_url):
    with open_store(db_url) as store:
        with pytest.raises(StoreError, match="no snapshot yet"):
            store.load("latest")
        with pytest.raises(StoreError, match="There is no snapshot .nope'; DROP"):
            store.load("nope'; DROP TABLE x;--")
        with pytest.raises(StoreError, match="There is no snapshot"):
            store.delete("abc")


# Standing from a snapshot is the standing from the files --------------------------------------------------------
def _cli_identical(tmp_path: Path, db: str, files: dict[str, bytes], as_of: str, *extra: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    paths = []
    for name, data in files.items():
        p = folder / name
        p.write_bytes(data)
        paths.append(str(p))
    code, from_files = _cli(["standing", *paths, "--as-of", as_of, "--format", "json", *extra])
    assert code == 0
    code, said = _cli(["import", *paths, "--as-of", as_of, "--db", db, "--format", "json", *extra])
    assert code == 0
    doc = json.loads(said)
    assert set(doc) == {"snapshot", "label", "as_of", "created", "counts"}
    assert doc["counts"] == json.loads(from_files)["counts"]
    code, from_snapshot = _cli(["standing", "--snapshot", doc["snapshot"], "--db", db, "--format", "json"])
    assert code == 0
    assert from_snapshot == from_files


def test_standing_json_of_snapshot_is_byte_identical_on_the_sample(tmp_path, db_url, sample_files):
    _cli_identical(tmp_path, db_url, sample_files, DEFAULT_ANCHOR.isoformat(), "--window", "60")


@pytest.mark.parametrize(
    "build",
    [getattr(rosters, n) for n in sorted(dir(rosters)) if n.startswith("build_")],
    ids=lambda f: f.__name__.removeprefix("build_"),
)
def test_standing_json_of_snapshot_is_byte_identical_on_real_rosters(tmp_path, build):
    _cli_identical(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", build(), "2026-11-27")


def test_standing_json_of_snapshot_is_byte_identical_with_hostile_names(tmp_path, db_url):
    _cli_identical(tmp_path, db_url, {"roster.csv": hostile_roster_csv()}, "2026-11-27")


def test_report_and_calendar_from_snapshot_match_the_files(tmp_path, sample_files):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    paths = []
    for name, data in sample_files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    assert _cli(["import", *paths, "--as-of", "2026-11-27", "--db", db])[0] == 0
    assert _cli(["calendar", *paths, "--as-of", "2026-11-27", "--out", str(tmp_path / "a.ics")])[0] == 0
    assert _cli(["calendar", "--snapshot", "latest", "--db", db, "--out", str(tmp_path / "b.ics")])[0] == 0

    def events(p: Path) -> list[bytes]:  # every line but the time it was written
        return [x for x in p.read_bytes().splitlines() if not x.startswith((b"DTSTAMP", b"LAST-MODIFIED"))]

    assert events(tmp_path / "a.ics") == events(tmp_path / "b.ics")
    assert _cli(["report", "--snapshot", "latest", "--db", db, "--out", str(tmp_path / "r.xlsx")])[0] == 0
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"


def test_snapshots_json_lists_oldest_first_with_the_contract_keys(tmp_path, sample_files):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    path = tmp_path / "roster.csv"
    path.write_bytes(sample_files["recert_roster.csv"])
    later = tmp_path / "later.csv"
    later.write_bytes(sample_files["recert_roster.csv"] + b"\r\n")
    assert _cli(["import", str(later), "--as-of", "2026-12-01", "--label", "Dec", "--db", db])[0] == 0
    assert _cli(["import", str(path), "--as-of", "2026-11-01", "--label", "Nov", "--db", db])[0] == 0
    code, out = _cli(["snapshots", "--format", "json", "--db", db])
    doc = json.loads(out)
    assert code == 0 and [d["label"] for d in doc] == ["Nov", "Dec"]
    assert set(doc[0]) == {"snapshot", "label", "as_of", "saved_at", "files", "trainers", "compliant"}
    assert doc[0]["files"] == ["roster.csv"] and doc[0]["as_of"] == "2026-11-01"
    assert doc[0]["trainers"] > 0 and 0 <= doc[0]["compliant"] <= doc[0]["trainers"]


def test_cli_usage_files_or_snapshot_exit_2(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    with pytest.raises(SystemExit) as e:
        main(["standing", "--db", db])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["standing", "x.csv", "--snapshot", "latest", "--db", db])
    assert e.value.code == 2


# Storage grows with what changed -----------------------------------------------------------------------------
def next_month(roster, month: int, rng: np.random.Generator, *, share: float = 0.03):
    """Next month's export as read: a joiner near the top shifts every row number, ``share`` of certifications
    renewed (expiry a year later), new CE rows, one leaver's rows gone."""
    certs = roster.certifications.copy()
    idx = rng.choice(len(certs), size=max(1, int(len(certs) * share)), replace=False)
    certs.loc[certs.index[idx], "expires"] = certs["expires"].iloc[idx] + pd.Timedelta(days=365)
    frames = {"certifications": certs}
    for name in FRAMES:
        df = frames.get(name, getattr(roster, name))
        if "row" in df:
            df = df.assign(row=df["row"] + 1)
        frames[name] = df
    acts = frames["activities"]
    extra = acts.sample(n=max(1, len(acts) // 100), random_state=month).assign(
        course=lambda d: d["course"] + f" (month {month})", row=lambda d: d["row"] + 100_000
    )
    frames["activities"] = pd.concat([acts, extra], ignore_index=True).assign(
        activity_id=lambda d: np.arange(len(d), dtype=d["activity_id"].dtype)
    )
    leaver = frames["trainers"]["trainer_id"].iloc[-1]
    for name in ("trainers", "certifications", "activities", "cpr_cards"):
        df = frames[name]
        frames[name] = df[df["trainer_id"] != leaver].reset_index(drop=True)
    return replace(roster, **frames)


def test_monthly_snapshots_store_what_changed_not_copies(db_url, catalogue):
    data = build_chain_workbook(400, anchor=date(2026, 1, 1))
    sources = [Source("chain.xlsx", data)]
    roster = read_sources(sources, catalogue=catalogue)
    rng = np.random.default_rng(5)
    with open_store(db_url) as store:

        def stored_rows() -> int:
            with store.engine.connect() as conn:
                return conn.execute(sa.text("SELECT coalesce(sum(rows), 0) FROM recert_blocks")).scalar()

        ids, rosters_saved = [], []
        for month in range(6):
            if month:
                roster = next_month(roster, month, rng)
            info, created = store.save(
                roster,
                [Source(f"chain-{month}.xlsx", data + bytes([month]))],
                as_of=date(2026, 1 + month, 1),
                summary={},
            )
            assert created
            ids.append(info.id)
            rosters_saved.append(roster)
            if month == 0:
                first = stored_rows()
        total = sum(len(getattr(rosters_saved[0], n)) for n in FRAMES)
        grown = stored_rows() - first
        for sid, saved in zip(ids, rosters_saved, strict=True):
            assert_same_roster(saved, store.load(sid).roster)
    changed = sum(len(r.certifications) for r in rosters_saved[1:]) * 0.03 + sum(
        len(r.activities) // 100 for r in rosters_saved[:-1]
    )
    assert grown <= changed * 1.2 + 5  # only changed or new rows: not five more copies of ``total`` rows
    assert grown < 0.1 * total


# Delete and retention --------------------------------------------------------------------------------------
def test_delete_and_retention_keep_the_rest_loadable_and_free_unused_rows(db_url, catalogue):
    sources = [Source("chain.xlsx", build_chain_workbook(200, anchor=date(2026, 1, 1)))]
    roster = read_sources(sources, catalogue=catalogue)
    rng = np.random.default_rng(1)
    saved = {}
    with open_store(db_url) as store:
        for month in range(5):
            if month:
                roster = next_month(roster, month, rng, share=0.2)
            info, _ = store.save(
                roster, [Source(f"m{month}.xlsx", bytes([month]))], as_of=date(2026, 1 + month, 1), summary={}
            )
            saved[info.id] = roster
        ids = list(saved)
        store.delete(ids[0])
        assert [i.id for i in store.snapshots()] == ids[1:]
        gone = store.apply_retention(keep_last=2, today=date(2026, 5, 1))
        assert gone == ids[1:3]
        assert store.apply_retention(keep_days=0, today=date(2030, 1, 1)) == [ids[3]]  # the newest stays
        assert [i.id for i in store.snapshots()] == [ids[4]]
        assert_same_roster(saved[ids[4]], store.load(ids[4]).roster)
        with store.engine.connect() as conn:
            in_blocks = conn.execute(sa.text("SELECT coalesce(sum(rows), 0) FROM recert_blocks")).scalar()
            layouts = conn.execute(sa.text("SELECT count(*) FROM recert_frames")).scalar()
        assert layouts == len(FRAMES)
        assert in_blocks < 2 * sum(len(getattr(saved[ids[4]], n)) for n in FRAMES)


# Mapping corrections and team rules -------------------------------------------------------------------------------
def _mapping(file: str, headers: list[str], layout: str = "certifications") -> SheetMapping:
    return SheetMapping(
        file=file,
        sheet="Sheet1",
        layout=layout,
        header_row=1,
        columns={h: "x" for h in headers[:-1]},
        ignored=(headers[-1],),
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            _mapping("march.xlsx", ["Name", "Cert", "Expires"]),
            _mapping("april.xlsx", ["name ", "CERT", "Expires"]),
            True,
        ),
        (
            _mapping("m.xlsx", ["Name", "Cert", "Expires"]),
            _mapping("m.xlsx", ["Expires", "Name", "Cert"]),
            True,
        ),
        (_mapping("m.xlsx", ["Full  name", "Cert"]), _mapping("m.xlsx", ["Full name", "Cert"]), True),
        (
            _mapping("m.xlsx", ["Name", "Cert", "Expires"]),
            _mapping("m.xlsx", ["Name", "Cert", "Expiry"]),
            False,
        ),
        (_mapping("m.xlsx", ["Name", "Cert"]), _mapping("m.xlsx", ["Name", "Cert"], layout="matrix"), False),
    ],
)
def test_header_signature_matches_next_months_export_of_the_same_layout(a, b, same):
    assert (header_signature(a) == header_signature(b)) is same


def test_mapping_corrections_and_team_rules_round_trip(db_url):
    sig = header_signature(_mapping("m.xlsx", ["Trainer", "Cred'); DROP TABLE x;--"]))
    rules = "credentials:\n  - id: nasm_cpt\n    cycle_years: 2\n    required_credits: 2.0\n"
    with open_store(db_url) as store:
        assert store.mapping_corrections(sig) is None and store.team_rules() is None
        store.save_mapping_corrections(sig, {"Cred'); DROP TABLE x;--": "credential", "Notes": ""})
        assert store.mapping_corrections(sig) == {"Cred'); DROP TABLE x;--": "credential", "Notes": ""}
        store.save_mapping_corrections(sig, {"Notes": "number"})
        assert store.mapping_corrections(sig) == {"Notes": "number"}
        store.save_team_rules(rules)
        with pytest.raises(RulesError):
            store.save_team_rules("credentials: [1, 2")
        assert store.team_rules() == rules


def test_overrides_and_rules_are_kept_with_the_snapshot(db_url, sample_files):
    sources = _sources(sample_files)
    overrides = {("recert_roster.csv", ""): {"Notes": ""}}
    rules = "credentials:\n  - id: nasm_cpt\n    required_credits: 3.0\n"
    cat = load_catalogue(rules_text=rules)
    roster = read_sources(sources, catalogue=cat, overrides=overrides)
    with open_store(db_url) as store:
        info, _ = store.save(
            roster,
            sources,
            as_of=DEFAULT_ANCHOR,
            overrides=overrides,
            rules_text=rules,
            window=30,
            date_order="dmy",
            summary={},
        )
        snap = store.load(info.id)
    assert (snap.overrides, snap.rules_text, snap.window, snap.date_order) == (overrides, rules, 30, "dmy")
    assert snap.rules_version == cat.version


# Concurrency -----------------------------------------------------------------------------------------------
def test_two_saves_at_once_both_land(db_url, sample_files, catalogue):
    sources = _sources(sample_files)
    roster = read_sources(sources, catalogue=catalogue)
    open_store(db_url).close()  # migrated once, before the race
    results, errors = [], []

    def save(k: int) -> None:
        try:
            with open_store(db_url) as store:
                results.append(
                    store.save(roster, [Source(f"f{k}.csv", bytes([k]))], as_of=DEFAULT_ANCHOR, summary={})[
                        0
                    ].id
                )
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=save, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(db_url) as store:
        assert sorted(i.id for i in store.snapshots()) == sorted(results)
        for sid in results:
            assert_same_roster(roster, store.load(sid).roster)


# The frame codec, on generated frames -----------------------------------------------------------------------------
def test_notices_keep_their_kind():
    w = Notice("hidden", "a hidden sheet")
    assert fr.decode_value(json.loads(json.dumps(fr.encode_value(w)))).kind == "hidden"


def test_default_database_is_the_environment_url_else_data_recert_db_beside_app(monkeypatch):
    from cpd.store import default_url

    monkeypatch.setenv("RECERT_DATABASE_URL", "postgresql+psycopg://recert@db.example/recert")
    assert default_url() == "postgresql+psycopg://recert@db.example/recert"
    monkeypatch.delenv("RECERT_DATABASE_URL")
    assert default_url() == f"sqlite:///{Path(__file__).resolve().parents[1] / 'data' / 'recert.db'}"
