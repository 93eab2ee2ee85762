"""What the Trainer page shows: one person's certifications, their CE activities and the credits-over-time line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..fmt import number, text
from ..model import Standing
from ..wording import quantity
from .table import cpr_badge, cpr_states, display_frame


def trainer_choices(st: Standing) -> pd.DataFrame:
    """Trainers for the picker, most urgent first, with a label that tells namesakes apart."""
    t = st.trainers
    dup = t["trainer"].duplicated(keep=False)
    label = (
        t["trainer"]
        .astype(str)
        .where(
            ~dup,
            t["trainer"].astype(str)
            + " ("
            + t["club"].fillna("").astype(str)
            + ", "
            + t["trainer_id"].astype(str)
            + ")",
        )
    )
    return pd.DataFrame(
        {"trainer_id": t["trainer_id"].astype(str), "label": label, "status": t["status"]}
    ).reset_index(drop=True)


def trainer_certifications(
    st: Standing, trainer_id: str, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Every certification one trainer holds, in the engine's urgency order, ready for display: the table's
    columns, the numbers behind them, and the CPR/AED metric as a short value and its detail."""
    s = st.standings[st.standings["trainer_id"].eq(trainer_id)]
    out = display_frame(s, names)
    out["Required"] = s["required"].to_numpy()
    out["Earned"] = s["earned"].to_numpy()
    out["Remaining"] = s["remaining"].to_numpy()
    out["Unit"] = s["unit"].to_numpy()
    out["status"] = s["status"].to_numpy()
    out["cert_key"] = s["cert_key"].to_numpy()
    out["reasons"] = s["reasons"].to_numpy()
    badges = [cpr_badge(*state) for state in cpr_states(s)]
    out["cpr_value"] = [value for value, _ in badges]
    out["cpr_detail"] = [detail for _, detail in badges]
    return out.reset_index(drop=True)


def trainer_activities(st: Standing, trainer_id: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One trainer's CE activities, newest first, with the certifications each one counted toward."""
    a = st.activities[st.activities["trainer_id"].eq(trainer_id)]
    c = st.contributions[st.contributions["trainer_id"].eq(trainer_id)]
    s = st.standings[st.standings["trainer_id"].eq(trainer_id)]
    unit_of = dict(zip(s["credential"], s["unit"], strict=False))
    counted: dict[Any, list[str]] = {}
    for aid, cred, credits in zip(c["activity_id"], c["credential"], c["credits"], strict=True):
        name = (names or {}).get(cred) or cred
        counted.setdefault(aid, []).append(
            f"{name} ({quantity(float(credits), unit_of.get(cred, '') or 'credits')})"
        )
    after = a["date"] > pd.Timestamp(st.as_of)
    counted_text = [
        "; ".join(counted[aid])
        if aid in counted
        else (
            "not yet: dated after as-of" if late else "not counted: outside every cycle or no matching body"
        )
        for aid, late in zip(a["activity_id"], after, strict=True)
    ]
    out = pd.DataFrame(
        {
            "Date": pd.to_datetime(a["date"]),
            "Course": a["course"].fillna("").astype(str),
            "Provider": a["provider"].fillna("").astype(str),
            "Amount": [
                f"{number(x)} {u}".strip()
                for x, u in zip(a["amount"], a["unit_text"].fillna(""), strict=True)
            ],
            "Approved for": a["bodies_text"].fillna("").astype(str),
            "Counted toward": counted_text,
            "Source": [
                f"{f} {sh} row {r}".replace("  ", " ")
                for f, sh, r in zip(a["file"], a["sheet"].fillna(""), a["row"], strict=True)
            ],
        }
    )
    return out.sort_values("Date", ascending=False, kind="stable").reset_index(drop=True)


def trainer_timeline(st: Standing, trainer_id: str) -> pd.DataFrame:
    """Cumulative credits over each certification's cycle, for the credits-vs-pace chart.

    One row per step: the cycle start at 0, each counted activity, then "now" (as-of, or the expiry when it is
    past) at the total the engine reports as earned, which also holds roster-row credits and CPR/AED credit that
    have no date of their own. Columns: cert_key, credential, date, cumulative, kind ("start", "activity", "now").
    """
    s = st.standings[
        st.standings["trainer_id"].eq(trainer_id)
        & st.standings["known"]
        & st.standings["required"].notna()
        & st.standings["cycle_start"].notna()
    ]
    c = st.contributions
    c = c[c["trainer_id"].eq(trainer_id)].merge(
        st.activities[["activity_id", "date"]], on="activity_id", how="left"
    )
    rows: list[dict[str, Any]] = []
    T = pd.Timestamp(st.as_of)
    for key, cred, start, expires, earned in zip(
        s["cert_key"], s["credential"], s["cycle_start"], s["expires"], s["earned"], strict=True
    ):
        rows.append({"cert_key": key, "credential": cred, "date": start, "cumulative": 0.0, "kind": "start"})
        mine = c[c["cert_key"].eq(key)].sort_values("date", kind="stable")
        total = 0.0
        for d, credits in zip(mine["date"], mine["credits"], strict=True):
            total += float(credits)
            rows.append(
                {"cert_key": key, "credential": cred, "date": d, "cumulative": total, "kind": "activity"}
            )
        now = min(T, pd.Timestamp(expires))
        if not pd.isna(earned):
            rows.append(
                {
                    "cert_key": key,
                    "credential": cred,
                    "date": now,
                    "cumulative": float(max(earned, total)),
                    "kind": "now",
                }
            )
    frame = pd.DataFrame(rows, columns=["cert_key", "credential", "date", "cumulative", "kind"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def trainer_summary(st: Standing, trainer_id: str) -> dict[str, Any]:
    """Name, club, role, email and verdict of one trainer."""
    t = st.trainers[st.trainers["trainer_id"].eq(trainer_id)]
    if t.empty:
        return {}
    row = t.iloc[0]
    return {
        "trainer": str(row["trainer"]),
        "club": text(row["club"]),
        "role": text(row["role"]),
        "email": text(row["email"]),
        "compliant": bool(row["compliant"]),
        "status": str(row["status"]),
        "certifications": int(row["certifications"]),
        "next_expiry": row["next_expiry"],
    }
