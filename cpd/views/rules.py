"""What the Rules page shows: the catalogue as an editable table, and the rules file an edit makes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..catalogue import Catalogue

RULE_COLUMNS = [
    "id",
    "kind",
    "body",
    "name",
    "unit",
    "hours_per_unit",
    "required_credits",
    "cycle_years",
    "grace_days",
    "cpr_required",
    "cpr_counts_credits",
    "confidence",
    "sources",
    "notes",
]
_YES_NO = {True: "yes", False: "no", None: "unknown"}


def _confidence_text(conf: Mapping[str, str] | None) -> str:
    return "; ".join(f"{k}: {v}" for k, v in (conf or {}).items())


def _confidence_value(text: object) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in re.split(r"[;,]", str(text or "")):
        if ":" in part:
            k, v = part.split(":", 1)
            if k.strip():
                out[k.strip()] = v.strip()
    return out


def rules_table(catalogue: Catalogue) -> pd.DataFrame:
    """The catalogue as an editable table: one row per credential, lists and mappings as text."""
    rows = []
    for r in catalogue.to_rows():
        rows.append(
            {
                **{c: r.get(c) for c in RULE_COLUMNS},
                "cpr_required": _YES_NO.get(r.get("cpr_required"), "unknown"),
                "confidence": _confidence_text(r.get("confidence")),
                "sources": "\n".join(r.get("sources") or ()),
                "notes": r.get("notes") or "",
                "unit": r.get("unit") or "",
            }
        )
    frame = pd.DataFrame(rows, columns=RULE_COLUMNS)
    for col in ("hours_per_unit", "required_credits", "cycle_years", "grace_days", "cpr_counts_credits"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def _rule_value(col: str, v: Any) -> Any:
    """A table cell as the rules file writes it; whatever the cell holds, the engine judges it, this never fails."""
    if v is None or (pd.api.types.is_scalar(v) and not isinstance(v, str) and pd.isna(v)):
        v = None  # an empty cell: None, NaN, NA or NaT
    if col in ("hours_per_unit", "required_credits", "cycle_years", "cpr_counts_credits", "grace_days"):
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        try:
            f = float(v)
        except (TypeError, ValueError, OverflowError):
            return v  # load_catalogue says what is wrong with it
        # 90.0 -> 90; 1.5 days, inf and 1e300 stay as they are for load_catalogue to refuse with a sentence.
        return int(f) if f.is_integer() and abs(f) < 1e15 else f
    if col == "cpr_required":
        return {"yes": True, "no": False}.get(str(v).strip().lower())
    if col == "confidence":
        return _confidence_value(v)
    if col == "sources":
        return [s.strip() for s in re.split(r"[\n;]| (?=https?://)", str(v or "")) if s.strip()]
    if v is None:
        return None
    text = str(v).strip()
    return text or None


def rules_changes(edited: pd.DataFrame, bundled: Catalogue) -> list[dict[str, Any]]:
    """Entries for a rules file: the fields that differ from the bundled catalogue, and new credentials whole."""
    base = {r["id"]: r for r in bundled.to_rows()}
    out: list[dict[str, Any]] = []
    for row in edited.to_dict("records"):
        cid = _rule_value("id", row.get("id"))
        if not cid:
            continue
        values = {c: _rule_value(c, row.get(c)) for c in RULE_COLUMNS if c != "id"}
        if cid not in base:
            entry = {"id": cid, **{k: v for k, v in values.items() if v not in (None, [], {})}}
            entry.setdefault("kind", "certification")
            out.append(entry)
            continue
        old = {c: _rule_value(c, v) for c, v in rules_table_row(base[cid]).items()}
        diff = {c: v for c, v in values.items() if c != "kind" and v != old.get(c)}
        if diff:
            out.append({"id": cid, **diff})
    return out


def rules_table_row(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One catalogue row in the table's text form (for comparing edits)."""
    return {
        "id": raw.get("id"),
        "kind": raw.get("kind"),
        "body": raw.get("body"),
        "name": raw.get("name"),
        "unit": raw.get("unit") or "",
        "hours_per_unit": raw.get("hours_per_unit"),
        "required_credits": raw.get("required_credits"),
        "cycle_years": raw.get("cycle_years"),
        "grace_days": raw.get("grace_days"),
        "cpr_required": _YES_NO.get(raw.get("cpr_required"), "unknown"),
        "cpr_counts_credits": raw.get("cpr_counts_credits"),
        "confidence": _confidence_text(raw.get("confidence")),
        "sources": "\n".join(raw.get("sources") or ()),
        "notes": raw.get("notes") or "",
    }


def rules_yaml(entries: list[dict[str, Any]]) -> str:
    """A rules file (the bundled format) holding only these entries; ``--rules`` merges it by id."""
    import yaml

    return yaml.safe_dump({"credentials": entries}, sort_keys=False, allow_unicode=True, width=110)
