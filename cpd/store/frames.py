"""A frame as content-addressed rows in shared blocks plus a compact per-snapshot layout, and back, exactly.

Why: a chain's monthly export repeats most of last month's rows, often at other Excel row numbers (one joiner
near the top shifts every row below). So a row's *content* (every column but where it sits: ``POSITIONAL``) is
digested; a save stores only the rows whose digest no earlier block holds, as one new compressed columnar block;
what is particular to a snapshot (which stored rows, in which order, at which file/row, the index) is a small
zlib'd layout. Digests, the lookup and the block codec are vectorised: a 10k-trainer chain (~375k rows in all
frames) is split or joined in well under a second.

Digest: 128 bits (two keyed 64-bit row hashes) over the frame's schema (columns and dtypes) and each value in a
canonical form in which different values differ (``None`` is not ``"None"``, ``1`` is not ``1.0`` in an object
column), so a row is only ever shared between frames of the same schema.

Exactness: dtypes, NaN/NaT/None, tuples in object columns and the index come back as they went in
(``pandas.testing.assert_frame_equal(..., check_exact=True)`` holds; a hypothesis property tests it). A value of a
type this codec does not know raises ``TypeError`` instead of being stored approximately.
"""

from __future__ import annotations

import functools
import json
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from pandas.util import hash_array

# Columns that say where a row sits (and counters derived from it), not what it says: kept per snapshot.
POSITIONAL = ("file", "row", "cert_key", "activity_id")
FRAMES = ("trainers", "certifications", "activities", "cpr_cards", "ledger", "memberships")
# Every snapshot has these; ``memberships`` (a trainer's clubs) is stored when the Roster has it and is None in a
# snapshot saved before it existed (each trainer's club then: ``cpd.model.memberships_of``).
REQUIRED_FRAMES = FRAMES[:5]
BLOCK_FORMAT = 1  # the block codec's version, written in every block

_dumps = json.JSONEncoder(
    ensure_ascii=False, allow_nan=True, separators=(",", ":"), check_circular=False
).encode
_dumps_ascii = json.JSONEncoder(
    ensure_ascii=True, allow_nan=True, separators=(",", ":"), check_circular=False
).encode
_NAT = np.iinfo(np.int64).min
_KEYS = ("recert-store-k1.", "recert-store-k2.")  # hash keys: 16 characters each
_MIX = np.uint64(0x9E3779B97F4A7C15)
_dtype = functools.lru_cache(maxsize=256)(pd.api.types.pandas_dtype)  # a dtype's name to the dtype, once


# Values -------------------------------------------------------------------------------------------------------
def _enc(v: Any) -> Any:
    """One object-column value as JSON, with a tag for what JSON cannot tell apart."""
    t = type(v)
    if v is None or t is str or t is bool or t is int or t is float:
        return v
    if t is tuple:
        if all(type(x) is str for x in v):
            return {"t": list(v)}
        return {"t": [_enc(x) for x in v]}
    if t is list:
        return {"l": [_enc(x) for x in v]}
    if v is pd.NA:
        return {"NA": 0}
    if v is pd.NaT:
        return {"NaT": 0}
    if isinstance(v, np.bool_):
        return {"nb": bool(v)}
    if isinstance(v, np.integer):
        return {"ni": int(v), "d": str(v.dtype)}
    if isinstance(v, np.floating):
        return {"nf": float(v), "d": str(v.dtype)}
    if isinstance(v, pd.Timestamp):
        return {"ts": v.isoformat(), "u": v.unit}
    if isinstance(v, datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, date):
        return {"da": v.isoformat()}
    if isinstance(v, dict):
        return {"m": [[_enc(k), _enc(x)] for k, x in v.items()]}
    if isinstance(v, str):  # a str subclass (a Notice): the text and its kind
        kind = getattr(v, "kind", None)
        return {"s": str(v), "k": kind} if kind else str(v)
    raise TypeError(f"a value of type {t.__name__} cannot be stored")


def _dec(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    if "t" in v:
        return tuple(_dec(x) for x in v["t"])
    if "l" in v:
        return [_dec(x) for x in v["l"]]
    if "NA" in v:
        return pd.NA
    if "NaT" in v:
        return pd.NaT
    if "nb" in v:
        return np.bool_(v["nb"])
    if "ni" in v:
        return np.dtype(v["d"]).type(v["ni"])
    if "nf" in v:
        return np.dtype(v["d"]).type(v["nf"])
    if "ts" in v:
        return pd.Timestamp(v["ts"]).as_unit(v["u"])
    if "dt" in v:
        return datetime.fromisoformat(v["dt"])
    if "da" in v:
        return date.fromisoformat(v["da"])
    if "m" in v:
        return {_dec(k): _dec(x) for k, x in v["m"]}
    if "s" in v:
        from ..model import Notice

        return Notice(v["k"], v["s"])
    raise ValueError("an unknown tag in a stored value")


def encode_value(v: Any) -> Any:
    """A loose value (a mapping's field, a warning) as JSON: ``decode_value`` gives it back, type and all."""
    return _enc(v)


def decode_value(v: Any) -> Any:
    return _dec(v)


def _is_raw(dt: Any) -> bool:
    """numpy bool, number and datetime columns: stored as their bytes."""
    return isinstance(dt, np.dtype) and dt.kind in "biufmM"


def _objects(s: pd.Series) -> list[Any]:
    """A non-raw column's values as JSON-able Python values (plain strings as they are)."""
    if isinstance(s.dtype, pd.StringDtype):
        return s.to_numpy(dtype=object, na_value=None).tolist()
    values = s.to_numpy(dtype=object).tolist()
    return [v if type(v) is str else _enc(v) for v in values]


def _restore(values: list[Any], dtype: Any) -> Any:
    """``_objects`` reversed: an array of ``dtype``."""
    if isinstance(dtype, pd.StringDtype):
        return pd.array(values, dtype=dtype)
    if any(type(v) is dict for v in values):
        values = [v if type(v) is not dict else _dec(v) for v in values]
    out = np.fromiter(values, dtype=object, count=len(values))  # a tuple stays one element
    return out if dtype == np.dtype(object) else pd.array(out, dtype=dtype)


def _text_tuples(values: list[Any]) -> bool:
    """Every value a tuple of strings (the activities' bodies): stored as lists, restored with ``tuple``."""
    return all(type(v) is tuple and all(type(x) is str for x in v) for v in values)


# Digests ------------------------------------------------------------------------------------------------------
def schema_of(df: pd.DataFrame) -> list[list[str]]:
    """The content columns and their dtypes: what a stored row means."""
    return [[c, str(df[c].dtype)] for c in df.columns if c not in POSITIONAL]


def _canonical(s: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """(values to hash, a 0/1 tag per value or None when every value is text): text is hashed as itself, any
    other value as its type's name and ``repr`` (exact for numbers, tuples of text, None), tagged apart."""
    if isinstance(s.dtype, pd.StringDtype):
        values = s.to_numpy(dtype=object, na_value=None)
    else:
        values = s.to_numpy(dtype=object)
    text = np.fromiter(map(type, values), dtype=object, count=len(values)) == str  # noqa: E721 (vectorised)
    if text.all():
        return values, None
    out = values.copy()
    other = np.flatnonzero(~text)
    out[other] = [f"{type(v).__name__}:{v!r}" for v in values[other]]
    return out, text.astype(np.uint64)


def digests(frame: str, df: pd.DataFrame) -> np.ndarray:
    """Each row's 128-bit digest of its content columns, as an (n, 2) uint64 array."""
    n = len(df)
    out = np.empty((n, 2), dtype=np.uint64)
    seed_text = frame + "\0" + _dumps_ascii(schema_of(df))
    canon: dict[str, np.ndarray] = {}
    tags: dict[str, np.ndarray] = {}
    for c in df.columns:
        if c in POSITIONAL:
            continue
        s = df[c]
        if _is_raw(s.dtype):
            vals = s.to_numpy()
            canon[c] = vals.view("i8") if vals.dtype.kind in "mM" else vals
        else:
            canon[c], tag = _canonical(s)
            if tag is not None:
                tags[c] = tag
    for k, key in enumerate(_KEYS):
        seed = hash_array(np.array([seed_text], dtype=object), hash_key=key)[0]
        h = np.full(n, seed, dtype=np.uint64)
        for c, vals in canon.items():
            if vals.dtype != object:
                col = hash_array(vals, hash_key=key)
            else:
                try:
                    col = hash_array(vals, hash_key=key)
                except UnicodeEncodeError:  # a lone surrogate: hash the column's escaped form
                    vals = canon[c] = np.array([_dumps_ascii(v) for v in vals], dtype=object)
                    col = hash_array(vals, hash_key=key)
                if c in tags:
                    col = col ^ (tags[c] * _MIX)
            with np.errstate(over="ignore"):
                h = (h ^ col) * _MIX + np.uint64(k + 1)
                h ^= h >> np.uint64(29)
        out[:, k] = h
    return out


# Blocks: the stored rows of one save, columnar ---------------------------------------------------------------
def _text_mask(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(type, values), dtype=object, count=len(values)) == str  # noqa: E721 (vectorised)


def _encode_column(s: pd.Series) -> tuple[str, list[bytes]]:
    """(kind, buffers) of one content column:
    - "raw": numbers, booleans, dates: the array's bytes;
    - "codes": text (a ``str`` column, or an object column of text only, or of tuples of text only): the distinct
      values as JSON and an int32 code per row (-1: missing, in a ``str`` column), so repeated text (clubs,
      courses, units) is stored and decoded once;
    - "json": anything else, each value tagged (``_enc``) where JSON cannot tell types apart."""
    if _is_raw(s.dtype):
        return "raw", [np.ascontiguousarray(s.to_numpy()).tobytes()]
    if isinstance(s.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        return "codes", [
            _dumps(list(uniques)).encode("utf-8", "surrogatepass"),
            codes.astype("<i4").tobytes(),
        ]
    if s.dtype == np.dtype(object):
        values = s.to_numpy(dtype=object)
        text = _text_mask(values)
        if text.all() or _text_tuples(values.tolist()):
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
            as_json = [u if type(u) is str else list(u) for u in uniques]
            return "codes", [_dumps(as_json).encode("utf-8", "surrogatepass"), codes.astype("<i4").tobytes()]
    return "json", [_dumps(_objects(s)).encode("utf-8", "surrogatepass")]


def encode_block(df: pd.DataFrame) -> bytes:
    """Content columns of ``df`` (all its rows) as one compressed blob (see ``_encode_column``)."""
    header: list[list[Any]] = []
    buffers: list[bytes] = []
    for c, dt in schema_of(df):
        kind, bufs = _encode_column(df[c])
        header.append([c, dt, kind, [len(b) for b in bufs]])
        buffers.extend(bufs)
    head = _dumps({"v": BLOCK_FORMAT, "n": len(df), "columns": header}).encode("utf-8", "surrogatepass")
    return zlib.compress(struct.pack("<I", len(head)) + head + b"".join(buffers), 1)


@dataclass(frozen=True)
class _Coded:
    """A decoded text column still as its distinct values and a code per row (-1: missing): ``assemble`` joins
    a frame's blocks and picks its rows on the codes, then builds one string array (an Arrow string array is
    slow to build and to concatenate, and a block holds rows that a snapshot may not use)."""

    uniques: list[Any]
    codes: np.ndarray
    dtype: Any

    def array(self) -> Any:
        return pd.array(self.uniques, dtype=self.dtype).take(self.codes, allow_fill=True)


def _join_coded(parts: Sequence[_Coded], ref: np.ndarray, dtype: Any) -> Any:
    """The rows ``ref`` of the coded columns laid end to end, as one array of ``dtype``."""
    uniques: list[Any] = []
    codes = []
    for p in parts:
        codes.append(np.where(p.codes >= 0, p.codes + len(uniques), -1))
        uniques.extend(p.uniques)
    every = codes[0] if len(codes) == 1 else np.concatenate(codes)
    return pd.array(uniques, dtype=dtype).take(every.take(ref), allow_fill=True)


def decode_block(blob: bytes) -> tuple[int, dict[str, Any]]:
    """(rows, {column: array, or a text column's ``_Coded`` values}) of a block."""
    raw = zlib.decompress(blob)
    (hl,) = struct.unpack_from("<I", raw)
    head = json.loads(raw[4 : 4 + hl].decode("utf-8", "surrogatepass"))
    if head.get("v") != BLOCK_FORMAT:  # a later format must come with a migration that rewrites the blocks
        raise ValueError(f"a stored block of format {head.get('v')} (this version reads {BLOCK_FORMAT})")
    pos = 4 + hl
    cols: dict[str, Any] = {}
    for name, dt, kind, lengths in head["columns"]:
        chunks = []
        for length in lengths:
            chunks.append(raw[pos : pos + length])
            pos += length
        dtype = _dtype(dt)
        if kind == "raw":
            cols[name] = np.frombuffer(chunks[0], dtype=dtype).copy()
        elif kind == "codes":
            uniques = json.loads(chunks[0].decode("utf-8", "surrogatepass"))
            codes = np.frombuffer(chunks[1], dtype="<i4").astype(np.intp)
            if isinstance(dtype, pd.StringDtype):  # made into an array once per frame, by ``assemble``
                cols[name] = _Coded(uniques, codes, dtype)
            else:
                u = np.fromiter(
                    (x if type(x) is str else tuple(x) for x in uniques), dtype=object, count=len(uniques)
                )
                cols[name] = u.take(codes)
        else:
            cols[name] = _restore(json.loads(chunks[0].decode("utf-8", "surrogatepass")), dtype)
    return head["n"], cols


# Layout: what is particular to one snapshot's frame -----------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    """Columns, dtypes, index and positional columns of a frame, and where its rows are stored."""

    doc: dict[str, Any]  # columns, dtypes, n, index, positional, blocks (ids, in order)
    ref: np.ndarray  # per row: its index in the blocks' rows laid end to end


def layout_of(df: pd.DataFrame) -> dict[str, Any]:
    columns = list(df.columns)
    if len(set(columns)) != len(columns) or any(type(c) is not str for c in columns):
        raise TypeError("a frame with repeated or non-text column names cannot be stored")
    doc: dict[str, Any] = {
        "columns": columns,
        "dtypes": [str(df[c].dtype) for c in columns],
        "n": len(df),
        "positional": {},
    }
    idx = df.index
    if isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None:
        doc["index"] = None
    else:
        doc["index"] = {"dtype": str(idx.dtype), "name": _enc(idx.name), **_column(pd.Series(idx))}
    for c in columns:
        if c in POSITIONAL:
            doc["positional"][c] = _column(df[c])
    return doc


def _column(s: pd.Series) -> dict[str, Any]:
    """A positional column (or the index) in the layout: whole numbers as int64 deltas ("delta_bin"), text as
    its distinct values and int32 codes ("uniques", "codes_bin"; -1: missing), the arrays in the layout's binary
    body (``pack_layout``), so a 10k chain's row numbers and file names are not ~375k JSON items to parse on
    every load. Layouts saved before keep "delta"/"values" lists in the JSON, and are read as they are."""
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu":
        return {"delta_bin": _narrow(np.diff(s.to_numpy().astype("i8"), prepend=0))}
    if _is_raw(s.dtype):
        ints = s.to_numpy().view("i8") if s.dtype.kind in "mM" else s.to_numpy()
        return {"raw": ints.tolist()}
    text = None
    if isinstance(s.dtype, pd.StringDtype):
        text = pd.factorize(s, use_na_sentinel=True)
    elif s.dtype == np.dtype(object) and _text_mask(s.to_numpy(dtype=object)).all():
        text = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=False)
    if text is not None and 2 * len(text[1]) <= len(s):  # repeated text (file names); distinct text as values
        return {"uniques": list(text[1]), "codes_bin": _narrow(text[0])}
    return {"values": _objects(s)}


_BINARY = {"delta_bin": "<i8", "codes_bin": "<i4"}  # the widest each can be ("dt" in the entry: as stored)


def _narrow(deltas: np.ndarray) -> np.ndarray:
    """Deltas in the smallest little-endian int that holds them (row numbers mostly step by 1: they compress
    better as one byte than as eight)."""
    for dt in ("<i1", "<i2", "<i4"):
        info = np.iinfo(dt)
        if not len(deltas) or (deltas.min() >= info.min and deltas.max() <= info.max):
            return deltas.astype(dt)
    return deltas.astype("<i8")


def _uncolumn(p: dict[str, Any], dtype: Any) -> Any:
    if "delta_bin" in p:
        return np.cumsum(p["delta_bin"].astype("i8")).astype(dtype)
    if "codes_bin" in p:
        codes = p["codes_bin"].astype(np.intp)
        if isinstance(dtype, pd.StringDtype):
            return pd.array(p["uniques"], dtype=dtype).take(codes, allow_fill=True)
        uniques = np.empty(len(p["uniques"]), dtype=object)
        uniques[:] = p["uniques"]
        return uniques.take(codes)
    if "delta" in p:
        return np.cumsum(np.array(p["delta"], dtype="i8")).astype(dtype)
    if "raw" in p:
        if dtype.kind in "mM":
            return np.array(p["raw"], dtype="i8").view(dtype)
        return np.array(p["raw"], dtype=dtype)
    return _restore(p["values"], dtype)


def _columns_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The layout's column entries that may hold arrays: positional columns, then the index."""
    return [*doc["positional"].values(), *([doc["index"]] if doc.get("index") else [])]


def pack_layout(doc: dict[str, Any], ref: np.ndarray) -> bytes:
    """The layout as JSON, then the row refs' deltas (int64), then the columns' arrays; "ref_bytes" and each
    array's [offset, bytes] (after the refs) in the JSON say where."""
    body = [np.diff(np.asarray(ref, dtype="i8"), prepend=0).astype("<i8").tobytes()]
    doc = {
        **doc,
        "positional": {c: dict(p) for c, p in doc["positional"].items()},
        "index": dict(doc["index"]) if doc.get("index") else doc.get("index"),
        "ref_bytes": len(body[0]),
    }
    at = 0
    for entry in _columns_of(doc):
        for key in _BINARY:
            if key in entry:
                arr = np.asarray(entry[key])
                arr = arr if arr.dtype.kind == "i" else arr.astype(_BINARY[key])
                data = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))).tobytes()
                entry[key] = [at, len(data), arr.dtype.newbyteorder("<").str]
                body.append(data)
                at += len(data)
    head = _dumps(doc).encode("utf-8", "surrogatepass")
    return zlib.compress(struct.pack("<I", len(head)) + head + b"".join(body), 6)


def unpack_layout(blob: bytes) -> Layout:
    raw = zlib.decompress(blob)
    (hl,) = struct.unpack_from("<I", raw)
    doc = json.loads(raw[4 : 4 + hl].decode("utf-8", "surrogatepass"))
    start = 4 + hl
    end = (
        start + doc["ref_bytes"] if "ref_bytes" in doc else len(raw)
    )  # layouts saved before: refs to the end
    ref = np.cumsum(np.frombuffer(raw, dtype="<i8", offset=start, count=(end - start) // 8))
    for entry in _columns_of(doc):
        for key in _BINARY:
            if key in entry:
                offset, size, stored = entry[key]
                entry[key] = np.frombuffer(
                    raw, dtype=stored, offset=end + offset, count=size // np.dtype(stored).itemsize
                )
    return Layout(doc, ref)


def assemble(layout: Layout, blocks: Sequence[tuple[int, dict[str, Any]]]) -> pd.DataFrame:
    """The frame back: the blocks' rows (in ``layout.doc['blocks']`` order) taken by ``layout.ref``."""
    doc = layout.doc
    columns, n = doc["columns"], doc["n"]
    dtypes = [_dtype(d) for d in doc["dtypes"]]
    ref = layout.ref
    data: dict[str, Any] = {}
    for c, dt in zip(columns, dtypes, strict=True):
        if c in POSITIONAL:
            data[c] = _uncolumn(doc["positional"][c], dt)
            continue
        parts = [cols[c] for _, cols in blocks]
        if parts and all(type(p) is _Coded for p in parts):
            data[c] = _join_coded(parts, ref, dt)
            continue
        parts = [p.array() if type(p) is _Coded else p for p in parts]
        if not parts:
            data[c] = pd.array([], dtype=dt) if not isinstance(dt, np.dtype) else np.array([], dtype=dt)
            continue
        if len(parts) == 1:
            whole = parts[0]
        elif isinstance(dt, np.dtype):
            whole = np.concatenate(parts)
        else:
            whole = pd.concat([pd.Series(p, dtype=dt, copy=False) for p in parts], ignore_index=True).array
        data[c] = whole.take(ref) if len(ref) else whole[:0]
    if doc["index"] is None:
        index: pd.Index = pd.RangeIndex(n)
    else:
        ix = doc["index"]
        index = pd.Index(_uncolumn(ix, _dtype(ix["dtype"])), name=_dec(ix["name"]), dtype=_dtype(ix["dtype"]))
    if not columns:
        return pd.DataFrame(index=index)
    return pd.DataFrame(
        {
            c: pd.Series(data[c], index=index, dtype=dt, copy=False)
            for c, dt in zip(columns, dtypes, strict=True)
        },
        index=index,
    )


def pack_json_doc(doc: Any) -> bytes:
    return zlib.compress(_dumps(doc).encode("utf-8", "surrogatepass"), 6)


def unpack_json_doc(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
