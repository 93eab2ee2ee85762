"""What the Upload page shows: how each sheet was read, the column-mapping editor, counts and rejected rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ..catalogue import Catalogue
from ..ingest.header import FIELD_LABELS
from ..model import SheetMapping, Standing, warning_kind

LAYOUT_LABELS = {
    "roster": "Roster (one row per certification)",
    "certifications": "Certifications list",
    "matrix": "Training matrix (one column per credential)",
    "staff": "Staff list",
    "ce_log": "CE activity log",
    "skipped": "Not read",
}
# How the Upload page names a sheet that was not read, by its note's kind.
SKIPPED_LABELS = {
    "empty": "Empty",
    "hidden": "Hidden, not read",
    "copy": "A copy, read once",
    "no_header": "Not read: no header found",
    "unreadable": "Not read: columns not recognised",
}


def layout_label(mapping: SheetMapping) -> str:
    """What the Upload page says a sheet was read as ("Training matrix …", "Empty", "Hidden, not read")."""
    if mapping.layout == "skipped":
        return SKIPPED_LABELS.get(mapping.note_kind, LAYOUT_LABELS["skipped"])
    return LAYOUT_LABELS.get(mapping.layout, mapping.layout)


IGNORE = "ignored"  # what the mapping editor shows for a column Recert does not use ("" in overrides)
_ORDER_WORDS = {"mdy": "month first (03/04 = 4 March)", "dmy": "day first (03/04 = 3 April)"}


def field_options(catalogue: Catalogue) -> list[str]:
    """What a column can be read as: ignored, a field, or the expiry column of one credential (a matrix)."""
    return [IGNORE, *FIELD_LABELS, *(f"credential:{cid}" for cid in catalogue.credentials)]


def field_label(value: object, names: Mapping[str, str] | None = None) -> str:
    """How a mapping target reads to a manager: "expiry date", "expiry of NASM CPT", "(ignored)"."""
    if not isinstance(value, str) or not value or value == IGNORE:
        return "(ignored)"
    if value.startswith("credential:"):
        cid = value.split(":", 1)[1]
        return f"expiry of {(names or {}).get(cid, cid)}"
    return FIELD_LABELS.get(value, value)


def sheet_title(mapping: SheetMapping) -> str:
    return f"{mapping.file} — sheet '{mapping.sheet}'" if mapping.sheet else mapping.file


def mapping_rows(mapping: SheetMapping) -> pd.DataFrame:
    """Columns of one sheet and what Recert read each as ("" = ignored), in the file's order where known."""
    rows = [
        {"Column in file": h, "Read as": f, "Date order": _order_words(mapping.date_orders.get(h, ""))}
        for h, f in mapping.columns.items()
    ]
    rows += [{"Column in file": h, "Read as": IGNORE, "Date order": ""} for h in mapping.ignored]
    return pd.DataFrame(rows, columns=["Column in file", "Read as", "Date order"])


def _order_words(order: str) -> str:
    """ "mdy (assumed)" -> "month first (03/04 = 4 March), assumed"."""
    code, _, note = order.partition(" ")
    words = _ORDER_WORDS.get(code, code)
    return f"{words}, {note.strip('()')}" if note else words


def overrides_from_edit(mapping: SheetMapping, edited: pd.DataFrame) -> dict[str, str]:
    """The {header: field or ""} corrections an edited mapping table asks for (only the changed columns)."""
    detected = {**{h: "" for h in mapping.ignored}, **mapping.columns}
    out: dict[str, str] = {}
    for header, target in zip(edited["Column in file"], edited["Read as"], strict=True):
        if not isinstance(header, str) or not header.strip():
            continue
        missing = target is None or (not isinstance(target, str) and pd.isna(target))
        target = "" if missing or target == IGNORE else str(target)
        if detected.get(header) != target:
            out[header] = target
    return out


def group_warnings(warnings: Iterable[str]) -> tuple[list[str], list[str]]:
    """Warnings a manager should read first, and the routine "listed N times: the latest expiry was used" ones,
    told apart by their kind (``model.Notice``), never by their wording."""
    main: list[str] = []
    duplicates: list[str] = []
    for w in warnings:
        (duplicates if warning_kind(w) == "listed_twice" else main).append(w)
    return main, duplicates


# Notes on a sheet that was not read, by kind: whether a mapping editor helps, and how the note starts.
SHEET_NOT_READ = {"no_header", "unreadable"}  # a header typed by hand can make these readable


def sheet_needs_mapping(mapping: SheetMapping) -> bool:
    """A skipped sheet whose header Recert could not use: the Upload page opens it with a mapping editor. An
    empty, hidden or duplicate sheet opens collapsed, with its note only."""
    return mapping.layout == "skipped" and mapping.note_kind in SHEET_NOT_READ


def counts_by_file(st: Standing) -> pd.DataFrame:
    """Rows read / accepted / rejected / blank per file."""
    led = st.ledger
    if led.empty:
        return pd.DataFrame(columns=["file", "Rows read", "Accepted", "Rejected", "Blank"])
    tab = pd.crosstab(led["file"], led["fate"]).reindex(
        columns=["accepted", "rejected", "blank"], fill_value=0
    )
    out = pd.DataFrame(
        {
            "file": tab.index,
            "Rows read": tab.sum(axis=1).to_numpy(),
            "Accepted": tab["accepted"].to_numpy(),
            "Rejected": tab["rejected"].to_numpy(),
            "Blank": tab["blank"].to_numpy(),
        }
    )
    return out.reset_index(drop=True)


# Rejected rows the Upload page lists (the first, in file order); the CSV download has them all.
REJECTED_ROWS = 1000


def rejected_table(st: Standing, *, limit: int | None = None) -> pd.DataFrame:
    """Rejected rows with where they are, whose they are (the trainer's name as written) and why, in file order;
    the first ``limit`` when given (a file of 187,000 bad rows is a download, not a table to draw)."""
    r = st.rejected if limit is None else st.rejected.head(limit)
    who = r["trainer"] if "trainer" in r else pd.Series("", index=r.index, dtype=object)
    return pd.DataFrame(
        {
            "File": r["file"].astype(str),
            "Sheet": r["sheet"].fillna("").astype(str),
            "Row": r["row"].astype(int),
            "Trainer": who.fillna("").astype(str),
            "Column": r["column"].fillna("").astype(str),
            "Reason": r["reason"].astype(str),
        }
    )
