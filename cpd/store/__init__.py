"""The store: what was read, kept as dated snapshots (SQLite by default, PostgreSQL for a chain).

An adapter at the edge (the engine never imports it; the CLI and the pages do). It stores *facts*: the Roster
as read (every frame, the ledger with every row's fate, mappings, warnings), the source files (name, size,
sha256), the mapping corrections and rules in force, as-of, window and date order. Standing is always computed
from them (``compute_standing(store.load(id).roster, catalogue, ...)`` equals what the files give); the only
derived thing kept is the small trend ``summary`` (``cpd.history.summarise``), which ``load`` + ``compute_standing``
can always recompute.

Storage grows with what changed: each frame's rows are digested without their position (file, row, cert_key,
activity_id); a save stores only the rows no earlier block of the same frame holds, as one compressed block, and
per snapshot a small layout (order, positions, dtypes). See ``frames``.

Database: ``RECERT_DATABASE_URL`` or ``open_store(url)``; default ``sqlite:///<project>/data/recert.db`` (WAL,
synchronous=FULL, foreign keys, 30 s busy timeout). PostgreSQL as ``postgresql+psycopg://...``. Migrations
(Alembic, ``migrations/``) run on open. Every value goes through bound parameters.

Tables (one line each):
- ``recert_snapshots``: one row per snapshot: id, save order (seq), label, note, as_of, saved_at, window,
  date_order, fingerprint (files by content + settings that change reading), rules text/version, overrides
  (JSON), trainers, compliant, summary (JSON or NULL), roster_meta (zlib JSON: mappings, warnings, unreadable,
  ce_logged).
- ``recert_files``: the snapshot's source files: position, name, size, sha256, received_at.
- ``recert_blocks``: shared row content: frame, schema digest, rows, their 128-bit digests, compressed columns.
- ``recert_frames``: per snapshot and frame, the layout (columns, dtypes, index, positional columns, row refs).
- ``recert_frame_blocks``: which blocks a snapshot's frame takes its rows from, in order (so deletes know
  which blocks are still used).
- ``recert_mapping_corrections``: column mapping corrections by header signature (``header_signature``).
- ``recert_settings``: key/value (the team's rules, ``team_rules``).
- ``reminder_log`` (migration b7e5d0c1a2f4): the reminders' sent log (``cpd.store.sent``).

Concurrency: a save is one transaction. SQLite takes the write lock at its start (``BEGIN IMMEDIATE``, waiting
up to the busy timeout); PostgreSQL takes a transaction-scoped advisory lock, so two saves at once both land,
one after the other, and neither reuses a block the other has not committed.

Every failure of the database reaches the caller as ``StoreError`` (a ``RecertError``) whose ``str()`` is one
sentence a manager can act on (locked, read-only, full, unreachable, unknown snapshot).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event, exc

from ..errors import RecertError
from ..model import Roster, SheetMapping, Source
from . import frames

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["Snapshot", "SnapshotInfo", "Store", "StoreError", "default_url", "header_signature", "open_store"]

BUSY_TIMEOUT_S = 30
_PG_LOCK = 0x5265636572  # advisory lock key of saves ("Recer")
TEAM_RULES = "team_rules"


class StoreError(RecertError):
    """The database cannot be used for what was asked; ``str()`` is the sentence a manager sees."""


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    label: str
    note: str
    as_of: date
    saved_at: datetime
    files: tuple[str, ...]
    trainers: int
    compliant: int
    summary: Mapping[str, Any]  # {} when none was stored


@dataclass(frozen=True)
class Snapshot:
    info: SnapshotInfo
    roster: Roster
    overrides: dict  # {(file, sheet): {header: field}} as in force when it was read
    rules_text: str | None
    window: int
    date_order: str
    rules_version: str | None = None


# Tables (the schema the migrations make; kept in step with migrations/versions) --------------------------------
metadata = sa.MetaData()
_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
snapshots = sa.Table(
    "recert_snapshots",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("window_days", sa.Integer, nullable=False),
    sa.Column("date_order", sa.String(8), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("rules_text", sa.Text),
    sa.Column("rules_version", sa.Text),
    sa.Column("overrides", sa.Text, nullable=False),
    sa.Column("trainers", sa.Integer, nullable=False),
    sa.Column("compliant", sa.Integer, nullable=False),
    sa.Column("summary", sa.Text),
    sa.Column("roster_meta", sa.LargeBinary, nullable=False),
)
files = sa.Table(
    "recert_files",
    metadata,
    sa.Column("snapshot_id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
blocks = sa.Table(
    "recert_blocks",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("frame", sa.String(32), nullable=False),
    sa.Column("schema_digest", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("digests", sa.LargeBinary, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)
frame_layouts = sa.Table(
    "recert_frames",
    metadata,
    sa.Column("snapshot_id", sa.String(32), primary_key=True),
    sa.Column("frame", sa.String(32), primary_key=True),
    sa.Column("layout", sa.LargeBinary, nullable=False),
)
frame_blocks = sa.Table(
    "recert_frame_blocks",
    metadata,
    sa.Column("snapshot_id", sa.String(32), primary_key=True),
    sa.Column("frame", sa.String(32), primary_key=True),
    sa.Column("block_id", _ID, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)
corrections = sa.Table(
    "recert_mapping_corrections",
    metadata,
    sa.Column("signature", sa.String(64), primary_key=True),
    sa.Column("overrides", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)
settings = sa.Table(
    "recert_settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)


# Opening ----------------------------------------------------------------------------------------------------------
def project_dir() -> Path:
    """The folder holding app.py (the project), where ``data/recert.db`` lives by default (the current folder
    when the engine is installed apart from the app)."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "app.py").exists() else Path.cwd()


def default_url() -> str:
    env = os.environ.get("RECERT_DATABASE_URL", "").strip()
    if env:
        return env
    return f"sqlite:///{project_dir() / 'data' / 'recert.db'}"


def _shown_url(url: str) -> str:
    """The URL without its password, for a sentence."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: ``default_url()``), its schema migrated to the newest version."""
    url = url or default_url()
    try:
        parsed = sa.engine.make_url(url)
    except exc.ArgumentError:
        raise StoreError(
            "The database address is not a valid SQLAlchemy URL (for example "
            "sqlite:///data/recert.db or postgresql+psycopg://user@host/recert)."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            folder = Path(db).expanduser().resolve().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"The database folder {folder} cannot be made ({e.strerror}).") from None
        engine = sa.create_engine(
            parsed,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            poolclass=sa.pool.NullPool if db in (None, "", ":memory:") else None,
        )
        _sqlite_events(engine)
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    else:
        raise StoreError(f"Recert stores snapshots in SQLite or PostgreSQL, not {backend}.")
    store = Store(engine, url)
    try:
        with _errors(engine.url):
            store.migrate()
    except BaseException:
        engine.dispose()
        raise
    return store


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, so BEGIN IMMEDIATE is possible
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA foreign_keys = ON")
            mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                with suppress(Exception):  # a read-only file keeps its journal mode; reading still works
                    cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get("recert_write") else "BEGIN"
        )


# Errors -------------------------------------------------------------------------------------------------------
def _sentence(e: BaseException, where: str) -> str:
    text = str(getattr(e, "orig", None) or e).lower()
    if "locked" in text or "busy" in text or "lock timeout" in text or "deadlock" in text:
        return (
            f"The database {where} is busy with another save (waited {BUSY_TIMEOUT_S} seconds): try again "
            "in a minute."
        )
    if "readonly" in text or "read-only" in text or "read only" in text or "permission denied" in text:
        return f"The database {where} is read-only: nothing was saved (ask whoever runs Recert to allow writing)."
    if "full" in text or "no space" in text or "disk" in text and "quota" in text or "diskfull" in text:
        return (
            f"The database {where} is full (no space left): nothing was saved; free some space and try again."
        )
    if (
        "connection" in text
        or "could not connect" in text
        or "timeout" in text
        or "refused" in text
        or "resolve" in text
        or "server closed" in text
        or "terminating" in text
    ):
        return f"The database {where} cannot be reached: check that its server is running and the address is right."
    if "unable to open" in text or "authentication" in text or "password" in text or "does not exist" in text:
        return f"The database {where} cannot be opened: check its address, name and permissions."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (
            f"The file at {where} is not a Recert database (or it is damaged): point Recert at another one."
        )
    return f"The database {where} could not be used ({type(e).__name__}): nothing was saved."


@contextmanager
def _errors(url: Any) -> Iterator[None]:
    """Database failures as one sentence (the URL shown without its password)."""
    try:
        yield
    except StoreError:
        raise
    except (exc.SQLAlchemyError, OSError) as e:
        raise StoreError(
            _sentence(
                e, _shown_url(url if isinstance(url, str) else url.render_as_string(hide_password=True))
            )
        ) from None


# Header signature -----------------------------------------------------------------------------------------------
def header_signature(mapping: SheetMapping) -> str:
    """A sheet's header, recognisable next month: sha256 of its layout and its header cells (used and ignored),
    each trimmed, case-folded and with runs of spaces as one, sorted. The file and sheet names are left out
    (next month's export is "roster-2026-04.xlsx"), so are the fields chosen (they are what is corrected)."""
    heads = sorted({" ".join(str(h).split()).casefold() for h in (*mapping.columns, *mapping.ignored)})
    doc = json.dumps({"v": 1, "layout": mapping.layout, "headers": heads}, ensure_ascii=True, sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()


# Roster metadata ------------------------------------------------------------------------------------------------
def _mapping_doc(m: SheetMapping) -> dict[str, Any]:
    return {
        "file": m.file,
        "sheet": m.sheet,
        "layout": m.layout,
        "header_row": m.header_row,
        "columns": [[k, v] for k, v in m.columns.items()],
        "ignored": list(m.ignored),
        "date_orders": [[k, v] for k, v in m.date_orders.items()],
        "rows_read": m.rows_read,
        "note": m.note,
        "note_kind": m.note_kind,
    }


def _mapping_of(d: Mapping[str, Any]) -> SheetMapping:
    return SheetMapping(
        file=d["file"],
        sheet=d["sheet"],
        layout=d["layout"],
        header_row=d["header_row"],
        columns={k: v for k, v in d["columns"]},
        ignored=tuple(d["ignored"]),
        date_orders={k: v for k, v in d["date_orders"]},
        rows_read=d["rows_read"],
        note=d["note"],
        note_kind=d["note_kind"],
    )


def _overrides_doc(overrides: Mapping[tuple[str, str], Mapping[str, str]] | None) -> str:
    rows = [[f, s, [[h, v] for h, v in fields.items()]] for (f, s), fields in (overrides or {}).items()]
    return json.dumps(rows, ensure_ascii=False)


def _overrides_of(text: str) -> dict[tuple[str, str], dict[str, str]]:
    return {(f, s): {h: v for h, v in fields} for f, s, fields in json.loads(text)}


def _fingerprint(
    sources: Sequence[Source], date_order: str, overrides_doc: str, rules_text: str | None
) -> str:
    """The same files by content (in any order, under any names) read the same way."""
    digests = sorted(hashlib.sha256(s.data).hexdigest() for s in sources)
    doc = json.dumps(
        {"files": digests, "date_order": date_order, "overrides": overrides_doc, "rules": rules_text},
        ensure_ascii=True,
        sort_keys=True,
    )
    return hashlib.sha256(doc.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _aware(t: datetime) -> datetime:
    return (
        t if t.tzinfo else t.replace(tzinfo=UTC)
    )  # SQLite gives naive datetimes back: they were stored in UTC


# The store -----------------------------------------------------------------------------------------------------
class Store:
    """Snapshots in one database. Thread-safe (one engine, a connection per call)."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url
        self._where = _shown_url(url)
        self._lock = threading.Lock()

    # schema
    def migrate(self) -> None:
        """Upgrade the schema to the newest migration (nothing to do when it is already there)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
        if current == head:
            return
        with self._write() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, holding the store's write lock for its whole length."""
        with _errors(self.url), self.engine.connect() as c:
            conn = c.execution_options(recert_write=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with _errors(self.url), self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # snapshots
    def save(
        self,
        roster: Roster,
        sources: Sequence[Source],
        *,
        as_of: date,
        label: str = "",
        note: str = "",
        overrides: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
        rules_text: str | None = None,
        window: int = 90,
        date_order: str = "auto",
        summary: Mapping[str, Any] | None = None,
    ) -> tuple[SnapshotInfo, bool]:
        """Save what was read as one snapshot, in one transaction. (info, True) when saved; (the earlier
        snapshot's info, False) when the same files by content, read the same way, were already saved."""
        overrides_doc = _overrides_doc(overrides)
        fingerprint = _fingerprint(sources, date_order, overrides_doc, rules_text)
        with self._read() as conn:
            same = conn.execute(
                sa.select(snapshots.c.id)
                .where(snapshots.c.fingerprint == fingerprint)
                .order_by(snapshots.c.seq.desc())
                .limit(1)
            ).scalar()
        if same is not None:
            return self._info(same), False
        if summary is None:
            summary = _summarise(roster, rules_text, as_of, window)
        # Everything that needs no database is done before the write lock is taken.
        split = {
            name: _split(name, getattr(roster, name))
            for name in frames.FRAMES
            if getattr(roster, name) is not None
        }
        meta = frames.pack_json_doc(
            {
                "mappings": [_mapping_doc(m) for m in roster.mappings],
                "warnings": [frames.encode_value(w) for w in roster.warnings],
                "unreadable": list(roster.unreadable),
                "ce_logged": sorted(roster.ce_logged),
            }
        )
        rules_version = _rules_version(rules_text)
        sid = secrets.token_hex(6)
        now = _now()
        trainers = int(summary.get("trainers", len(roster.trainers))) if summary else len(roster.trainers)
        compliant = int(summary.get("compliant", 0)) if summary else 0
        with self._write() as conn:
            seq = (conn.execute(sa.select(sa.func.max(snapshots.c.seq))).scalar() or 0) + 1
            conn.execute(
                snapshots.insert().values(
                    id=sid,
                    seq=seq,
                    label=label,
                    note=note,
                    as_of=as_of,
                    saved_at=now,
                    window_days=int(window),
                    date_order=date_order,
                    fingerprint=fingerprint,
                    rules_text=rules_text,
                    rules_version=rules_version,
                    overrides=overrides_doc,
                    trainers=trainers,
                    compliant=compliant,
                    summary=json.dumps(summary, ensure_ascii=False) if summary is not None else None,
                    roster_meta=meta,
                )
            )
            if sources:
                conn.execute(
                    files.insert(),
                    [
                        {
                            "snapshot_id": sid,
                            "position": i,
                            "name": s.name,
                            "size": len(s.data),
                            "sha256": hashlib.sha256(s.data).hexdigest(),
                            "received_at": now,
                        }
                        for i, s in enumerate(sources)
                    ],
                )
            for name, (doc, schema_digest, digs, df) in split.items():
                self._save_frame(conn, sid, name, doc, schema_digest, digs, df)
        return self._info(sid), True

    def _save_frame(
        self,
        conn: Connection,
        sid: str,
        name: str,
        doc: dict[str, Any],
        schema_digest: str,
        digs: np.ndarray,
        df: pd.DataFrame,
    ) -> None:
        """Refer to the rows already stored in a block of this frame and schema; store the others as a new one."""
        known = conn.execute(
            sa.select(blocks.c.id, blocks.c.rows, blocks.c.digests)
            .where(blocks.c.frame == name, blocks.c.schema_digest == schema_digest)
            .order_by(blocks.c.id)
        ).all()
        new = pd.DataFrame({"a": digs[:, 0], "b": digs[:, 1]})
        if known:
            old = pd.DataFrame(
                np.concatenate([np.frombuffer(d, dtype="<u8").reshape(-1, 2) for _, _, d in known]),
                columns=["a", "b"],
            )
            old["block"] = np.repeat([b for b, _, _ in known], [n for _, n, _ in known])
            old["pos"] = np.concatenate([np.arange(n) for _, n, _ in known])
            old = old.drop_duplicates(["a", "b"])
            found = new.merge(old, on=["a", "b"], how="left", sort=False)
            block = found["block"].to_numpy(dtype="float64", copy=True)
            pos = found["pos"].to_numpy(dtype="float64", copy=True)
        else:
            block = np.full(len(new), np.nan)
            pos = np.full(len(new), np.nan)
        missing = np.isnan(block)
        if missing.any():
            fresh = new[missing]
            first = ~fresh.duplicated().to_numpy()
            rows_idx = np.flatnonzero(missing)[first]
            content = df.iloc[rows_idx].reset_index(drop=True)
            stored = np.ascontiguousarray(digs[rows_idx]).astype("<u8").tobytes()
            key = conn.execute(
                blocks.insert().values(
                    frame=name,
                    schema_digest=schema_digest,
                    rows=len(rows_idx),
                    digests=stored,
                    content=frames.encode_block(content),
                )
            ).inserted_primary_key
            assert key is not None  # a single-row insert always reports its key
            bid = key[0]
            codes = (
                fresh.groupby(["a", "b"], sort=False).ngroup().to_numpy()
            )  # first-seen order = block order
            block[missing] = bid
            pos[missing] = codes
        block_i = block.astype("i8")
        pos_i = pos.astype("i8")
        used = sorted(set(block_i.tolist()))
        sizes = (
            dict(conn.execute(sa.select(blocks.c.id, blocks.c.rows).where(blocks.c.id.in_(used))).all())
            if used
            else {}
        )
        offsets, at = {}, 0
        for b in used:
            offsets[b] = at
            at += sizes[b]
        ref = (
            pos_i + np.array([offsets[b] for b in used], dtype="i8")[np.searchsorted(used, block_i)]
            if len(block_i)
            else pos_i
        )
        conn.execute(
            frame_layouts.insert().values(
                snapshot_id=sid, frame=name, layout=frames.pack_layout({**doc, "blocks": used}, ref)
            )
        )
        if used:
            conn.execute(
                frame_blocks.insert(),
                [
                    {"snapshot_id": sid, "frame": name, "block_id": b, "position": i}
                    for i, b in enumerate(used)
                ],
            )

    def snapshots(self) -> list[SnapshotInfo]:
        """Every snapshot, oldest first (by as-of date, then by when it was saved)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(snapshots).order_by(snapshots.c.as_of, snapshots.c.seq)).all()
            names = _file_names(conn, [r.id for r in rows])
        return [_info_of(r, names.get(r.id, ())) for r in rows]

    def _info(self, sid: str) -> SnapshotInfo:
        with self._read() as conn:
            row = conn.execute(sa.select(snapshots).where(snapshots.c.id == sid)).first()
            if row is None:
                raise StoreError(f"There is no snapshot {sid!r} in the database.")
            return _info_of(row, _file_names(conn, [sid]).get(sid, ()))

    def _resolve(self, conn: Connection, ref: str) -> Any:
        if ref == "latest":
            row = conn.execute(
                sa.select(snapshots).order_by(snapshots.c.as_of.desc(), snapshots.c.seq.desc()).limit(1)
            ).first()
            if row is None:
                raise StoreError(
                    "The database holds no snapshot yet: import files first (recert import FILE)."
                )
            return row
        row = conn.execute(sa.select(snapshots).where(snapshots.c.id == str(ref))).first()
        if row is None:
            raise StoreError(
                f"There is no snapshot {_printable(ref)!r} in the database (recert snapshots lists them)."
            )
        return row

    def load(self, ref: str) -> Snapshot:
        """The snapshot ``ref`` (an id or "latest") as it was read."""
        with self._read() as conn:
            row = self._resolve(conn, ref)
            names = _file_names(conn, [row.id]).get(row.id, ())
            layouts = {
                r.frame: frames.unpack_layout(r.layout)
                for r in conn.execute(
                    sa.select(frame_layouts.c.frame, frame_layouts.c.layout).where(
                        frame_layouts.c.snapshot_id == row.id
                    )
                )
            }
            wanted = sorted({b for lay in layouts.values() for b in lay.doc["blocks"]})
            content: dict[int, tuple[int, dict[str, Any]]] = {}
            for chunk in range(0, len(wanted), 500):
                for b in conn.execute(
                    sa.select(blocks.c.id, blocks.c.content).where(
                        blocks.c.id.in_(wanted[chunk : chunk + 500])
                    )
                ):
                    content[b.id] = frames.decode_block(b.content)
        missing = [name for name in frames.REQUIRED_FRAMES if name not in layouts]
        if missing:
            raise StoreError(f"Snapshot {row.id} is incomplete in the database (no {missing[0]}).")
        built = {
            name: frames.assemble(layouts[name], [content[b] for b in layouts[name].doc["blocks"]])
            for name in frames.FRAMES
            if name in layouts
        }
        meta = frames.unpack_json_doc(row.roster_meta)
        roster = Roster(
            trainers=built["trainers"],
            certifications=built["certifications"],
            activities=built["activities"],
            cpr_cards=built["cpr_cards"],
            ledger=built["ledger"],
            mappings=tuple(_mapping_of(m) for m in meta["mappings"]),
            warnings=tuple(frames.decode_value(w) for w in meta["warnings"]),
            unreadable=tuple(meta["unreadable"]),
            ce_logged=frozenset(meta["ce_logged"]),
            memberships=built.get("memberships"),
        )
        return Snapshot(
            info=_info_of(row, names),
            roster=roster,
            overrides=_overrides_of(row.overrides),
            rules_text=row.rules_text,
            window=int(row.window_days),
            date_order=row.date_order,
            rules_version=row.rules_version,
        )

    def delete(self, snapshot_id: str) -> None:
        """Delete one snapshot (StoreError when there is none) and the stored rows no other snapshot uses."""
        with self._write() as conn:
            row = self._resolve(conn, snapshot_id) if snapshot_id != "latest" else None
            if row is None:
                raise StoreError("Name the snapshot to delete by its id.")
            self._delete(conn, [row.id])

    def _delete(self, conn: Connection, ids: Sequence[str]) -> None:
        for chunk in range(0, len(ids), 500):
            part = list(ids[chunk : chunk + 500])
            for table in (frame_blocks, frame_layouts, files):
                conn.execute(table.delete().where(table.c.snapshot_id.in_(part)))
            conn.execute(snapshots.delete().where(snapshots.c.id.in_(part)))
        used = sa.select(frame_blocks.c.block_id)
        conn.execute(blocks.delete().where(blocks.c.id.not_in(used)))

    def apply_retention(
        self, keep_last: int | None = None, keep_days: int | None = None, *, today: date
    ) -> list[str]:
        """Delete the snapshots that neither rule keeps: the newest ``keep_last`` and those whose as-of date is
        within ``keep_days`` of ``today`` are kept (a rule left None keeps nothing by itself; both None: all
        kept). The newest snapshot is always kept. Returns the ids deleted, oldest first."""
        if keep_last is None and keep_days is None:
            return []
        if (keep_last is not None and keep_last < 0) or (keep_days is not None and keep_days < 0):
            raise StoreError("Retention keeps a number of snapshots or days that cannot be negative.")
        infos = self.snapshots()
        keep: set[str] = {infos[-1].id} if infos else set()
        if keep_last:
            keep.update(i.id for i in infos[-keep_last:])
        if keep_days is not None:
            since = today - timedelta(days=keep_days)
            keep.update(i.id for i in infos if i.as_of >= since)
        gone = [i.id for i in infos if i.id not in keep]
        if gone:
            with self._write() as conn:
                self._delete(conn, gone)
        return gone

    # mapping corrections and team rules
    def mapping_corrections(self, signature: str) -> dict | None:
        """The corrections saved for a sheet whose header has this signature ({header: field or ""})."""
        with self._read() as conn:
            text = conn.execute(
                sa.select(corrections.c.overrides).where(corrections.c.signature == signature)
            ).scalar()
        return None if text is None else {h: v for h, v in json.loads(text)}

    def save_mapping_corrections(self, signature: str, overrides: Mapping[str, str]) -> None:
        """Keep (or replace) the corrections for a header signature; empty corrections forget it."""
        doc = json.dumps([[str(h), str(v)] for h, v in overrides.items()], ensure_ascii=False)
        with self._write() as conn:
            conn.execute(corrections.delete().where(corrections.c.signature == signature))
            if overrides:
                conn.execute(corrections.insert().values(signature=signature, overrides=doc, saved_at=_now()))

    def team_rules(self) -> str | None:
        with self._read() as conn:
            return conn.execute(sa.select(settings.c.value).where(settings.c.key == TEAM_RULES)).scalar()

    def save_team_rules(self, text: str) -> None:
        """Keep ``text`` as the team's rules (checked first: rules that do not load are refused)."""
        from ..catalogue import load_catalogue

        load_catalogue(rules_text=text)  # RulesError, with its sentence, when they are not valid
        with self._write() as conn:
            conn.execute(settings.delete().where(settings.c.key == TEAM_RULES))
            conn.execute(settings.insert().values(key=TEAM_RULES, value=text, saved_at=_now()))


# Helpers -----------------------------------------------------------------------------------------------------------
def _split(name: str, df: pd.DataFrame) -> tuple[dict[str, Any], str, np.ndarray, pd.DataFrame]:
    doc = frames.layout_of(df)
    schema_digest = hashlib.sha256(json.dumps(frames.schema_of(df), ensure_ascii=True).encode()).hexdigest()
    return doc, schema_digest, frames.digests(name, df), df


def _summarise(roster: Roster, rules_text: str | None, as_of: date, window: int) -> dict[str, Any]:
    from ..catalogue import load_catalogue
    from ..history import summarise
    from ..standing import compute_standing

    return summarise(
        compute_standing(roster, load_catalogue(rules_text=rules_text), as_of=as_of, window=window)
    )


def _rules_version(rules_text: str | None) -> str:
    from ..catalogue import load_catalogue

    return load_catalogue(rules_text=rules_text).version


def _file_names(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for chunk in range(0, len(ids), 500):
        for r in conn.execute(
            sa.select(files.c.snapshot_id, files.c.name)
            .where(files.c.snapshot_id.in_(list(ids[chunk : chunk + 500])))
            .order_by(files.c.snapshot_id, files.c.position)
        ):
            out.setdefault(r.snapshot_id, []).append(r.name)
    return {k: tuple(v) for k, v in out.items()}


def _info_of(row: Any, names: Sequence[str]) -> SnapshotInfo:
    return SnapshotInfo(
        id=row.id,
        label=row.label,
        note=row.note,
        as_of=row.as_of,
        saved_at=_aware(row.saved_at),
        files=tuple(names),
        trainers=int(row.trainers),
        compliant=int(row.compliant),
        summary=json.loads(row.summary) if row.summary else {},
    )


def _printable(text: object) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))[:80]
