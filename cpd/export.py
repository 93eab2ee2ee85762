"""Plain exports of a Standing: JSON (the CLI contract of interfaces.md) and CSV safe to open in Excel."""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd

from . import fmt
from .model import Standing, warning_kind

# OWASP CSV injection: cells that a spreadsheet would treat as a formula or a command. The full-width forms
# are included because some Excel locales (e.g. Japanese) read them as their ASCII twins. The one list: CSV cells
# starting so are neutralised here, the Excel report writes such text with a quote prefix (``cpd.report``).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

CSV_COLUMNS = [
    "trainer",
    "trainer_id",
    "club",
    "role",
    "credential",
    "credential_name",
    "body",
    "number",
    "expires",
    "days_left",
    "status",
    "required",
    "earned",
    "remaining",
    "unit",
    "cpr_current",
    "cpr_expires",
    "reasons",
]


def neutralise(value: Any) -> Any:
    """Prefix text that Excel would run as a formula with a single quote; numbers pass untouched.

    Only ``str`` is touched: a negative number (``days_left`` -32) is data, not a formula, and must stay one.
    The rule for one value in one cell; a CSV line can be split on another separator, so every CSV is written
    with ``write_csv`` (``csv_text``), which also neutralises after each separator.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Characters that never reach a CSV cell or a terminal: C0 controls (ESC starts terminal escape sequences, BEL
# rings), DEL, C1 controls (U+009B is an 8-bit CSI) and the bidi embeddings, overrides and isolates that make text
# read in another order than it is stored ("Trojan Source").
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_CONTROLS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85"  # tabs and line breaks: a space in one-line text
# A spreadsheet may split a CSV line on any of these (the list separator differs by locale: "," in en, ";" in de,
# fr, nl, es, it; tab and "|" by choice), so every one of them may start a cell.
CSV_SEPARATORS = ",;\t|"
# A cell start that would run: a formula character, after any spaces or quotes (which a reader may drop). The
# characters are FORMULA_START's; its tab and line breaks never reach a cell (``plain_text``).
_FORMULA_CHARS = re.escape("".join(c for c in FORMULA_START if c not in "\t\r\n"))
_CELL_START = re.compile(f'(^|[{re.escape(CSV_SEPARATORS)}\n])(?=(?:[^\\S\n]|")*[{_FORMULA_CHARS}])')


def _replace_control(m: re.Match[str]) -> str:
    return " " if m.group() in _LINE_CONTROLS else "\ufffd"


def plain_text(text: str, *, multiline: bool = False) -> str:
    """Text without control or bidi characters: tabs and line breaks become spaces, others U+FFFD.

    ``multiline`` keeps line breaks (as "\\n"): a drafted message is several lines.
    """
    text = text.replace("\r\n", "\n")
    if multiline:
        return CONTROLS.sub(lambda m: "\n" if m.group() in "\n\r" else _replace_control(m), text)
    return CONTROLS.sub(_replace_control, text)


def csv_text(value: Any, *, multiline: bool = False) -> str:
    """One CSV text cell that no spreadsheet runs, whatever separator it splits the line on.

    Control and bidi characters are replaced (``plain_text``). Then every place a cell could start gets a
    single quote when a formula character (= + - @ or their full-width forms) follows it, possibly after spaces
    or double quotes: the start of the text, just after each of , ; tab | and, in multiline text, each line start.
    The quote goes right at that start, so the piece a spreadsheet sees begins with ' and is text.
    """
    return _CELL_START.sub(r"\1'", plain_text(fmt.text(value), multiline=multiline))


def csv_cell(value: Any, *, multiline: bool = False) -> Any:
    """A CSV field: numbers (not bools) stay numbers, missing is empty, anything else is ``csv_text``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "" if isinstance(value, float) and math.isnan(value) else value
    return csv_text(value, multiline=multiline)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, multiline: Iterable[str] = ()) -> str:
    """Every CSV Recert writes: the header, then each row with every field quoted and every text neutralised.

    ``csv.QUOTE_ALL`` keeps a reader that splits on the right separator from seeing anything but the cell;
    ``csv_text`` covers the reader that splits on another one (a ";" locale opening a "," file). Numbers stay
    numbers (a negative days-left is data: -32, not '-32). Lines end with CRLF, as Excel writes them.
    ``multiline`` names the columns whose line breaks are kept (a message body).
    """
    keep = {i for i, name in enumerate(header) if name in set(multiline)}
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([csv_text(h) for h in header])
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    seen: dict[
        tuple[str, bool], str
    ] = {}  # a club or a reason repeats on many rows: worked out once per call

    def cell(i: int, v: Any) -> Any:
        if not isinstance(v, str):
            return csv_cell(v, multiline=i in keep)
        key = (v, i in keep)
        out = seen.get(key)
        if out is None:
            out = seen[key] = csv_text(v, multiline=key[1])
        return out

    for row in rows:
        w.writerow([cell(i, v) for i, v in enumerate(row)])
    return buf.getvalue()


def _opt(v: Any) -> str | None:
    """Text for JSON: missing becomes null (a NaN would make the document invalid JSON)."""
    return None if fmt.missing(v) else str(v)


def _texts(col: pd.Series) -> list[str | None]:
    """A text column as a list, missing values as None (whole-column conversion, no per-cell pandas calls)."""
    obj = col.astype(object)
    return obj.where(obj.notna(), None).tolist()


def _numbers(col: pd.Series) -> list[float | None]:
    num = pd.to_numeric(col, errors="coerce").astype(float).round(4)
    return num.astype(object).where(num.notna(), None).tolist()


def _dates(col: pd.Series) -> list[str | None]:
    d = pd.to_datetime(col)
    return d.dt.strftime("%Y-%m-%d").astype(object).where(d.notna(), None).tolist()


def _days(col: pd.Series) -> list[int | None]:
    """Whole days; None where unknown (a certification the file marks expired without a date)."""
    if col.dtype == "int64":
        return col.tolist()
    return [None if pd.isna(v) else int(v) for v in col.tolist()]


def _bools(col: pd.Series) -> list[bool | None]:
    b = col.astype("boolean")
    return b.astype(object).where(b.notna(), None).tolist()


_STANDING_KEYS = (
    "trainer",
    "trainer_id",
    "club",
    "credential",
    "credential_name",
    "expires",
    "required",
    "earned",
    "remaining",
    "unit",
    "days_left",
    "cpr_current",
    "status",
    "reasons",
)


def _standing_columns(st: Standing) -> dict[str, list[Any]]:
    """The JSON contract's standing fields as plain Python columns (missing values None)."""
    s = st.standings
    cols = (
        _texts(s["trainer"]),
        _texts(s["trainer_id"]),
        _texts(s["club"]),
        _texts(s["credential"]),
        _texts(s["credential_name"]),
        _dates(s["expires"]),
        _numbers(s["required"]),
        _numbers(s["earned"]),
        _numbers(s["remaining"]),
        _texts(s["unit"].replace("", None)),
        _days(s["days_left"]),
        _bools(s["cpr_current"]),
        _texts(s["status"]),
        s["reasons"].tolist(),
    )
    return dict(zip(_STANDING_KEYS, cols, strict=True))


def _standing_frame(st: Standing) -> pd.DataFrame:
    """The JSON contract's standing fields as a frame ``_records`` writes the same as ``_standing_columns``:
    numbers stay float columns (NaN is written null, as None is), whole days stay integers, text stays text;
    only dates, yes/no/unknown and missing text are converted."""
    s = st.standings
    num = s[["required", "earned", "remaining"]].apply(pd.to_numeric, errors="coerce").astype(float).round(4)
    days = s["days_left"]
    return pd.DataFrame(
        {
            "trainer": _text_column(s["trainer"]),
            "trainer_id": _text_column(s["trainer_id"]),
            "club": _text_column(s["club"]),
            "credential": _text_column(s["credential"]),
            "credential_name": _text_column(s["credential_name"]),
            "expires": pd.Series(_dates(s["expires"]), index=s.index, dtype=object),
            "required": num["required"],
            "earned": num["earned"],
            "remaining": num["remaining"],
            "unit": _text_column(s["unit"].replace("", None)),
            "days_left": days
            if days.dtype == "int64"
            else pd.Series(_days(days), index=s.index, dtype=object),
            "cpr_current": pd.Series(_bools(s["cpr_current"]), index=s.index, dtype=object),
            "status": _text_column(s["status"]),
            "reasons": s["reasons"].astype(object),
        }
    )


def _text_column(col: pd.Series) -> pd.Series:
    """A text column for ``_records``: text as it is (missing is written null either way), anything else as
    ``_texts`` gives it."""
    if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object:
        return col
    return pd.Series(_texts(col), index=col.index, dtype=object)


def _trainer_columns(st: Standing) -> dict[str, list[Any]]:
    t = st.trainers
    return {
        "trainer": _texts(t["trainer"]),
        "trainer_id": _texts(t["trainer_id"]),
        "club": _texts(t["club"]),
        "compliant": [bool(ok) for ok in t["compliant"].tolist()],
        "status": t["status"].astype(object).tolist(),
    }


def standing_rows(st: Standing) -> list[dict[str, Any]]:
    """One dict per certification in the JSON contract's shape (plus a few extra, documented fields)."""
    cols = _standing_columns(st)
    return [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)]


def _head_tail(st: Standing) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document's small parts, before and after the two big arrays (standings, trainers)."""
    head = {
        "as_of": st.as_of.isoformat(),
        "window": st.window,
        "rules_version": st.rules_version,
        "counts": st.counts,
    }
    tail = {
        "rejected": [
            {
                "file": _opt(f),
                "sheet": _opt(sh),
                "row": int(r),
                "trainer": _opt(who) or None,
                "column": _opt(col),
                "reason": _opt(why),
            }
            for f, sh, r, who, col, why in _rejected(st)
        ],
        "warnings": [str(w) for w in st.warnings],
        # Extensions (interfaces.md allows extending): each warning's kind (model.WARNING_KINDS, in the order of
        # "warnings"), how each sheet was read (with its note's kind), and files that could not be read.
        "warning_kinds": [warning_kind(w) for w in st.warnings],
        "files": [
            {
                "file": m.file,
                "sheet": m.sheet,
                "layout": m.layout,
                "header_row": m.header_row,
                "rows_read": m.rows_read,
                "columns": dict(m.columns),
                "ignored": list(m.ignored),
                "date_orders": dict(m.date_orders),
                "note": m.note,
                "note_kind": m.note_kind,
            }
            for m in st.mappings
        ],
        "unreadable": list(st.unreadable),
    }
    return head, tail


def to_json_dict(st: Standing) -> dict[str, Any]:
    """The CLI's JSON document as Python objects (``to_json`` writes the same document faster)."""
    head, tail = _head_tail(st)
    cols = _trainer_columns(st)
    trainers = [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)]
    return {**head, "standings": standing_rows(st), "trainers": trainers, **tail}


def _records(columns: dict[str, list[Any]] | pd.DataFrame) -> str:
    """A JSON array of objects, one per row, written by pandas' C encoder.

    At chain size building 18,000 dicts and running ``json`` over them took most of the export; pandas writes the
    same values (None as null, lists as arrays) straight from the columns. It escapes "/" as "\\/": still JSON.
    """
    frame = (
        columns
        if isinstance(columns, pd.DataFrame)
        else pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    )
    if not len(frame):
        return "[]"
    return frame.to_json(orient="records", force_ascii=False, double_precision=15)


# pandas' encoder writes floats with 15 decimals, which reads back exactly below 1e16 (and in exponent form,
# rounded, above): absurd credit totals take the slow, exact path.
_EXACT_BELOW = 1e15


# JSON escapes C0 controls itself; these it writes raw, and a terminal would act on them (U+009B is a CSI).
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def escape_invisible(doc: str) -> str:
    """The document with DEL, C1, bidi and line-separator characters as \\uXXXX escapes: the same JSON value.

    Outside strings JSON is ASCII, so every such character is inside a string, where the escape means itself.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", doc)


def to_json(st: Standing) -> str:
    """Strict JSON (no NaN): missing values are null. Parses to exactly ``to_json_dict(st)``.

    Text stays literal (a manager's script gets the cell as it was) but no control or bidi character is written
    raw, so printing the document cannot drive a terminal.
    """
    numbers = st.standings[["required", "earned", "remaining"]].apply(pd.to_numeric, errors="coerce").abs()
    if len(numbers) and bool((numbers >= _EXACT_BELOW).any().any()):
        return escape_invisible(json.dumps(to_json_dict(st), ensure_ascii=False, allow_nan=False))
    head, tail = _head_tail(st)
    dump = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False)
    return escape_invisible(
        "".join(
            (
                dump(head)[:-1],
                ', "standings": ',
                _records(_standing_frame(st)),
                ', "trainers": ',
                _records(_trainer_columns(st)),
                ", ",
                dump(tail)[1:],
            )
        )
    )


def standings_csv(st: Standing) -> str:
    """The standings as CSV (``write_csv``): text cells neutralised, numbers and dates written plainly.

    Built column by column (dates, numbers, yes/no vectorised). Encode with ``excel_bytes`` for a download:
    Excel reads UTF-8 CSV correctly only with a BOM.
    """
    s = st.standings.reindex(columns=CSV_COLUMNS)
    cols: dict[str, list[Any]] = {}
    for col in CSV_COLUMNS:
        if col in ("expires", "cpr_expires"):
            cols[col] = [d or "" for d in _dates(s[col])]
        elif col == "days_left":
            days = pd.to_numeric(s[col], errors="coerce")
            cols[col] = days.round().astype("Int64").astype(object).where(days.notna(), "").tolist()
        elif col in ("required", "earned", "remaining"):
            cols[col] = ["" if n is None else n for n in _numbers(s[col])]
        elif col == "cpr_current":
            cols[col] = ["" if b is None else "yes" if b else "no" for b in _bools(s[col])]
        elif col == "reasons":
            cols[col] = [
                "; ".join(map(str, v)) if isinstance(v, list | tuple) else fmt.text(v)
                for v in s[col].tolist()
            ]
        else:
            cols[col] = [fmt.text(v) for v in s[col].tolist()]
    return write_csv(CSV_COLUMNS, zip(*cols.values(), strict=True))


REJECTED_CSV_COLUMNS = ["File", "Sheet", "Row", "Trainer", "Column", "Reason"]


def _rejected(st: Standing) -> Iterator[tuple[Any, ...]]:
    """(file, sheet, row, trainer as written or "", column, reason) for each rejected row."""
    r = st.rejected
    who = r["trainer"] if "trainer" in r else pd.Series("", index=r.index, dtype=object)
    return zip(r["file"], r["sheet"], r["row"], who.fillna(""), r["column"], r["reason"], strict=True)


def rejected_csv(st: Standing) -> str:
    """Every rejected row with where it is, whose it is (the trainer as written) and why (``write_csv``); no
    Sheet column when no file has sheets."""
    r = st.rejected
    sheets = r["sheet"].fillna("").astype(str)
    who = r["trainer"] if "trainer" in r else pd.Series("", index=r.index, dtype=object)
    cols = {
        "File": r["file"].map(fmt.text).tolist(),
        "Sheet": sheets.tolist(),
        "Row": r["row"].astype(int).tolist(),
        "Trainer": who.fillna("").map(fmt.text).tolist(),
        "Column": r["column"].map(fmt.text).tolist(),
        "Reason": r["reason"].map(fmt.text).tolist(),
    }
    if not sheets.str.strip().any():  # csv files have no sheets
        del cols["Sheet"]
    return write_csv(list(cols), zip(*cols.values(), strict=True))


def excel_bytes(text: str) -> bytes:
    """CSV text as bytes Excel opens with the right accents (UTF-8 with a byte-order mark)."""
    return text.encode("utf-8-sig")
