"""Plain exports of a Standing: JSON (the CLI contract of interfaces.md) and CSV safe to open in Excel."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import pandas as pd

from .model import Standing

# OWASP CSV injection: cells that a spreadsheet would treat as a formula or a command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

CSV_COLUMNS = ["trainer", "trainer_id", "club", "role", "credential", "credential_name", "body", "number",
               "expires", "days_left", "status", "required", "earned", "remaining", "unit", "cpr_current",
               "cpr_expires", "reasons"]


def neutralise(value: Any) -> Any:
    """Prefix text that Excel would run as a formula with a single quote; numbers pass untouched."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _num(x: Any) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round(f, 4)


def _date(x: Any) -> str | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date().isoformat()


def _bool(x: Any) -> bool | None:
    return None if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) else bool(x)


def standing_rows(st: Standing) -> list[dict[str, Any]]:
    """One dict per certification in the JSON contract's shape (plus a few extra, documented fields)."""
    s = st.standings
    return [
        {"trainer": t, "trainer_id": tid, "club": club, "credential": cred, "credential_name": cname,
         "expires": _date(e), "required": _num(req), "earned": _num(earn), "remaining": _num(rem), "unit": unit or None,
         "days_left": int(d), "cpr_current": _bool(cpr), "status": status, "reasons": list(reasons)}
        for t, tid, club, cred, cname, e, req, earn, rem, unit, d, cpr, status, reasons in zip(
            s["trainer"], s["trainer_id"], s["club"], s["credential"], s["credential_name"], s["expires"],
            s["required"], s["earned"], s["remaining"], s["unit"], s["days_left"], s["cpr_current"],
            s["status"], s["reasons"], strict=True)
    ]


def to_json_dict(st: Standing) -> dict[str, Any]:
    t = st.trainers
    return {
        "as_of": st.as_of.isoformat(),
        "window": st.window,
        "rules_version": st.rules_version,
        "counts": st.counts,
        "standings": standing_rows(st),
        "trainers": [{"trainer": n, "trainer_id": i, "club": c, "compliant": bool(ok), "status": s}
                     for n, i, c, ok, s in zip(t["trainer"], t["trainer_id"], t["club"], t["compliant"], t["status"],
                                               strict=True)],
        "rejected": [{"file": f, "sheet": sh, "row": int(r), "column": col, "reason": why}
                     for f, sh, r, col, why in st.rejected.itertuples(index=False)],
        "warnings": list(st.warnings),
    }


def to_json(st: Standing) -> str:
    return json.dumps(to_json_dict(st), ensure_ascii=False, indent=1)


def standings_csv(st: Standing) -> str:
    """The standings as CSV; text cells are neutralised, numbers and dates are written plainly."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    s = st.standings
    for row in s.reindex(columns=CSV_COLUMNS).itertuples(index=False):
        out = []
        for col, v in zip(CSV_COLUMNS, row, strict=True):
            if col in ("expires", "cpr_expires"):
                out.append(_date(v) or "")
            elif col in ("required", "earned", "remaining", "days_left"):
                n = _num(v)
                out.append("" if n is None else (int(n) if col == "days_left" else n))
            elif col == "cpr_current":
                b = _bool(v)
                out.append("" if b is None else ("yes" if b else "no"))
            elif col == "reasons":
                out.append(neutralise("; ".join(v)))
            else:
                out.append(neutralise("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)))
        w.writerow(out)
    return buf.getvalue()
