"""Tables the pages show and edit: a certification row as Team and Trainer list it, and an edited table's state.

Nothing here re-derives a status: statuses, reasons and compliance come from ``cpd.standing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..fmt import capitalised, day, number, status_label
from ..wording import quantity


def cpr_state(required: Any, current: Any, expires: Any) -> tuple[str, str]:
    """A certification's CPR/AED card as (state, day): ("current", "27 Dec 2026"), ("expired", "1 May 2026"),
    ("none on file", "") or ("not required", ""). The table's text and the Trainer page's badge are both made
    from this, so the page never reads a date back out of a sentence."""
    if current is None or current is pd.NA:
        return ("none on file" if bool(required) else "not required"), ""
    if bool(current):
        return "current", day(expires)
    return ("expired", day(expires)) if not pd.isna(expires) else ("none on file", "")


_CPR_TEXT = {"current": "current to {}", "expired": "expired {}"}  # the table cell
_CPR_BADGE = {"current": ("Current", "to {}"), "expired": ("Expired", "on {}")}  # the Trainer page's metric


def cpr_text(state: str, on: str) -> str:
    """The CPR/AED table cell: "current to 27 Dec 2026", "expired 1 May 2026", "none on file", "not required"."""
    return _CPR_TEXT[state].format(on) if state in _CPR_TEXT else state


def cpr_badge(state: str, on: str) -> tuple[str, str]:
    """The CPR/AED metric: a short value and its detail ("Current", "to 27 Dec 2026"), ("None on file", "")."""
    if state in _CPR_BADGE:
        value, detail = _CPR_BADGE[state]
        return value, detail.format(on)
    return capitalised(state), ""


def _credits_text(earned: float, required: float, unit: str) -> str:
    if pd.isna(required):
        return "not checked"
    if pd.isna(earned):
        return f"not recorded (needs {quantity(required, unit)})"
    return f"{number(earned)} of {quantity(required, unit)}"


def cpr_states(s: pd.DataFrame) -> list[tuple[str, str]]:
    """``cpr_state`` of each standing row; ("", "") for a trainer with no certification (nothing to say)."""
    held = (~s["status"].eq("missing")).tolist()
    return [
        cpr_state(r, c, x) if h else ("", "")
        for r, c, x, h in zip(s["cpr_required"], s["cpr_current"], s["cpr_expires"], held, strict=True)
    ]


def display_frame(s: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Standing rows as Team and Trainer list them: names, status label, expiry, days left, progress in percent
    (0-100, what a ``ProgressColumn`` and ``st.progress`` take), credits and CPR/AED as text, what to do."""
    cred = s["credential"].map(names) if names else None
    held = (~s["status"].eq("missing")).tolist()  # a trainer with no certification: nothing to say on credits
    return pd.DataFrame(
        {
            "Trainer": s["trainer"].astype(str),
            "Club": s["club"].astype(str),
            "Certification": (
                cred.fillna(s["credential_name"]) if cred is not None else s["credential_name"]
            ).astype(str),
            "Status": s["status"].map(status_label),
            "Expires": pd.to_datetime(s["expires"]),
            "Days left": s["days_left"].astype("Int64"),
            "Progress": (s["progress"].astype(float) * 100).round(0),  # percent, for a ProgressColumn 0-100
            "Credits": [
                _credits_text(e, r, u) if h else ""
                for e, r, u, h in zip(s["earned"], s["required"], s["unit"], held, strict=True)
            ],
            "CPR/AED": [cpr_text(*state) for state in cpr_states(s)],
            "What to do": ["; ".join(r) for r in s["reasons"]],
        }
    )


def apply_editor_state(frame: pd.DataFrame, state: Mapping[str, Any] | None) -> pd.DataFrame:
    """The table a ``st.data_editor`` shows, given its input frame and its widget state (edits and added rows).

    Reading the widget state in a button callback sees the latest edit even when it arrives with the click.
    """
    out = frame.copy()
    if not state:
        return out
    for idx, change in (state.get("edited_rows") or {}).items():
        i = int(idx)
        for col, value in change.items():
            if col in out.columns and 0 <= i < len(out):
                out.loc[out.index[i], col] = value
    added = [r for r in (state.get("added_rows") or []) if isinstance(r, Mapping)]
    if added:
        out = pd.concat([out, pd.DataFrame(added).reindex(columns=out.columns)], ignore_index=True)
    deleted = {int(i) for i in (state.get("deleted_rows") or [])}
    if deleted:
        out = out.drop(index=[out.index[i] for i in sorted(deleted) if 0 <= i < len(out)])
    return out.reset_index(drop=True)
