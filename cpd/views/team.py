"""What the Team page shows: the headline numbers and the "Needs attention" table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import charts
from ..attention import attention_frame
from ..model import LAPSED, Standing
from ..wording import count
from .table import display_frame


@dataclass(frozen=True)
class Kpi:
    """One headline number: the big value, the line under it and what it counts."""

    label: str
    value: str
    count: int
    detail: str = ""
    help: str = ""


def kpis(st: Standing) -> dict[str, Kpi]:
    """The Team page headline, keyed by the exact labels the manager reads.

    "Trainers" and "Compliant" count people; "At risk", "Expiring in N days" (N = the risk window) and
    "Lapsed" (grace + expired) count certifications, with the number of trainers concerned underneath.
    """
    t, s, w = st.trainers, st.standings, st.window
    n = len(t)
    compliant = int(t["compliant"].fillna(False).astype(bool).sum())
    share = f"{compliant / n:.0%}" if n else "–"
    at_risk = s[s["status"].eq("at_risk")]
    expiring = s[s["days_left"].between(0, w)]
    lapsed = s[s["status"].isin(LAPSED)]

    def people(frame: pd.DataFrame) -> str:
        return count(frame["trainer_id"].nunique(), "trainer")

    return {
        "Trainers": Kpi(
            "Trainers",
            f"{n:,}",
            n,
            count(len(s), "certification"),
            "People on the uploaded rosters (after filters).",
        ),
        "Compliant": Kpi(
            "Compliant",
            share,
            compliant,
            f"{compliant:,} of {n:,}",
            "Trainers holding at least one valid certification, with a current CPR/AED card where "
            "their credential requires one.",
        ),
        "At risk": Kpi(
            "At risk",
            f"{len(at_risk):,}",
            len(at_risk),
            people(at_risk),
            f"Certifications expiring within {w} days whose credits or CPR/AED are not yet in order.",
        ),
        f"Expiring in {w} days": Kpi(
            f"Expiring in {w} days",
            f"{len(expiring):,}",
            len(expiring),
            people(expiring),
            f"Certifications whose expiry falls in the next {w} days, whatever their "
            "credits: each one needs renewing.",
        ),
        "Lapsed": Kpi(
            "Lapsed",
            f"{len(lapsed):,}",
            len(lapsed),
            people(lapsed),
            "Certifications past their expiry (in the grace period or expired): not valid to work.",
        ),
    }


def attention_rows(st: Standing) -> pd.DataFrame:
    """Rows to act on (``cpd.attention``, the definition the report and the reminders use), in the engine's
    urgency order: trainers with no certification, then worst status first, soonest deadline first."""
    return attention_frame(st).sort_values(["urgency", "trainer"], kind="stable")


def needs_attention(
    st: Standing, names: Mapping[str, str] | None = None, *, limit: int | None = None
) -> pd.DataFrame:
    """The "Needs attention" table: ``attention_rows`` ready for display, the ``limit`` most urgent when given.

    Only the rows shown are formatted, so a chain's 10,000 lapsed certifications cost what a page of them does.
    """
    rows = attention_rows(st)
    if limit is not None:
        rows = rows.head(limit)
    out = display_frame(rows, names)
    out.insert(0, "trainer_id", rows["trainer_id"].astype(str).to_numpy())
    return out.reset_index(drop=True)


TABLE_ROWS = (
    1000  # "Needs attention" rows a page lists: what a manager scans; the Excel report lists every one
)


@dataclass(frozen=True)
class TeamPage:
    """Everything the Team page draws for one view, built in one pass so the page can keep it for the session
    (a rerun with the same view, e.g. a table row picked or the page opened again, rebuilds nothing)."""

    kpis: dict[str, Kpi]
    club_chart: Any  # plotly Figure
    expiry_chart: Any
    progress_chart: Any
    body_chart: Any
    attention: pd.DataFrame  # the rows listed, display columns only (what the browser is sent)
    attention_ids: tuple[str, ...]  # trainer id of each listed row, for opening that trainer
    attention_total: int  # every row to act on, listed or not


def team_page(st: Standing, names: Mapping[str, str] | None = None, *, limit: int = TABLE_ROWS) -> TeamPage:
    """The Team page of ``st``: headline numbers, the four charts and the ``limit`` most urgent rows to act on."""
    rows = attention_rows(st)
    listed = rows.head(limit)
    table = display_frame(listed, names).reset_index(drop=True)
    return TeamPage(
        kpis=kpis(st),
        club_chart=charts.status_by_club(st),
        expiry_chart=charts.expiries_by_month(st),
        progress_chart=charts.credit_progress(st, names=names),
        body_chart=charts.status_by_body(st),
        attention=table,
        attention_ids=tuple(listed["trainer_id"].astype(str)),
        attention_total=len(rows),
    )
