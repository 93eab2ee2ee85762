"""What needs a manager's attention: one definition, used by the Team page, the Excel report and the Reminders.

A certification needs attention when it is expired, in grace, at risk or behind; when the CPR/AED card its
credential requires is missing or expired (the trainer is not compliant today); or when that card is current
but runs out inside the risk window and before the certification's renewal. A trainer with no certification at
all needs attention too (one row, status ``missing``). Pure: a Standing in, a frame out; nothing is re-derived
that the engine decided (statuses, reasons and compliance come from ``cpd.standing``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import TRAINER_STATUSES, Standing

ACTION_STATUSES = ("expired", "grace", "at_risk", "behind")
# Priority groups: not valid to work today first (no certification, lapsed, no current CPR/AED card where it is
# required), then deadlines inside the window, then a card that runs out before renewal.
GROUP = {"missing": 0, "expired": 1, "grace": 2, "no_cpr": 3, "at_risk": 4, "behind": 5, "cpr_soon": 6}
NO_CERTIFICATION = (
    "no certification on file: add the trainer's certification, or check how it is spelled in the files"
)
# cpr_state values: what the card means for this certification
CPR_STATES = (
    "",
    "current",
    "current, runs out before renewal",
    "expired",
    "missing",
    "expired (not required)",
    "missing (not required)",
)


def cpr_problems(st: Standing) -> tuple[pd.Series, pd.Series]:
    """Per standing row: (a required card is missing or expired, a required card runs out before renewal).

    An expired certification imposes nothing (the trainer must re-certify anyway); a certification in grace
    still needs its card to be renewed late, as its reasons say.
    """
    s = st.standings
    T = pd.Timestamp(st.as_of)
    req = s["cpr_required"].fillna(False).astype(bool)
    cur = s["cpr_current"].fillna(False).astype(bool)
    no_cpr = req & ~cur & ~s["status"].eq("expired")
    exp = pd.to_datetime(s["cpr_expires"])
    soon = req & cur & (exp < pd.to_datetime(s["expires"])) & (exp <= T + pd.Timedelta(days=st.window))
    return no_cpr, soon


def attention_frame(st: Standing) -> pd.DataFrame:
    """Every certification that needs action, and every trainer with none, most urgent first.

    Columns: the standing's, plus ``email``, ``group`` (``GROUP``), ``cpr_state`` (``CPR_STATES``) and
    ``cpr_problem`` ("missing", "expired", "soon" or ""). Rows of trainers with no certification have status
    ``missing``, no credential and one reason. Order: group, days left, trainer, credential.
    """
    s = st.standings
    no_cpr, soon = cpr_problems(st)
    req = s["cpr_required"].fillna(False).astype(bool)
    cur = s["cpr_current"].fillna(False).astype(bool)
    exp = pd.to_datetime(s["cpr_expires"])
    group = s["status"].map(GROUP).astype(float)
    group = group.where(~no_cpr, np.fmin(group, GROUP["no_cpr"]))
    group = group.where(~soon, np.fmin(group, GROUP["cpr_soon"]))
    keep = s["status"].isin(ACTION_STATUSES) | no_cpr | soon
    a = s[keep].assign(group=group[keep])
    a["cpr_state"] = np.select(
        [
            ~req[keep] & s.loc[keep, "cpr_current"].isna(),
            cur[keep] & soon[keep],
            cur[keep],
            exp[keep].notna(),
        ],
        ["", "current, runs out before renewal", "current", "expired"],
        default="missing",
    )
    a.loc[~req[keep] & a["cpr_state"].isin(["expired", "missing"]), "cpr_state"] += " (not required)"
    a["cpr_problem"] = np.select(
        [no_cpr[keep] & exp[keep].notna(), no_cpr[keep], soon[keep]],
        ["expired", "missing", "soon"],
        default="",
    )
    t = st.trainers
    missing = t[t["status"].eq("missing")]
    if len(missing):
        extra = pd.DataFrame(
            {
                "trainer_id": missing["trainer_id"],
                "trainer": missing["trainer"],
                "club": missing["club"],
                "role": missing["role"],
                "status": "missing",
                "group": float(GROUP["missing"]),
                "credential_name": "",
                "known": False,
                "cpr_required": False,
                "cpr_current": pd.NA,
                "cpr_state": "",
                "cpr_problem": "",
                "urgency": TRAINER_STATUSES.index("missing") * 100_000,
                "reasons": [[NO_CERTIFICATION]] * len(missing),
            }
        )
        a = pd.concat([extra, a], ignore_index=True) if len(a) else extra
    a = a.reindex(columns=list(dict.fromkeys([*s.columns, "group", "cpr_state", "cpr_problem"])))
    a["email"] = a["trainer_id"].map(t.drop_duplicates("trainer_id").set_index("trainer_id")["email"])
    a = a.sort_values(["group", "days_left", "trainer", "credential"], kind="stable", na_position="first")
    return a.reset_index(drop=True)
