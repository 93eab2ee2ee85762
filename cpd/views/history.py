"""What the History page shows: the saved snapshots, what changed between two of them, the trend of the clubs
chosen, and the sentences of saving and viewing a snapshot. Plain functions of ``cpd.history`` results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from ..fmt import day, number, status_label
from ..history import Diff
from ..model import TRAINER_STATUSES
from .filters import NO_CLUB

# The lists of a Diff as the page names them, with what each means.
DIFF_SECTIONS: dict[str, tuple[str, str]] = {
    "joined": ("Joined", "Trainers in the later snapshot only"),
    "left": ("Left", "Trainers in the earlier snapshot only"),
    "renewed": ("Renewed", "Certifications whose expiry moved later"),
    "newly_lapsed": ("Newly lapsed", "Certifications in grace or expired now, neither before"),
    "newly_at_risk": ("Newly at risk", "Certifications at risk now, not before"),
    "credits_added": ("Credits earned", "Credits earned toward the same cycle between the two"),
    "certifications_added": ("Certifications added", "Held in the later snapshot only (trainers in both)"),
    "certifications_dropped": (
        "Certifications dropped",
        "Held in the earlier snapshot only (trainers in both)",
    ),
}


def snapshot_name(info: Any) -> str:
    """'1 Mar 2026 · March export' (the label when there is one): how a snapshot is picked and named."""
    return f"{day(info.as_of)} · {info.label}" if info.label else day(info.as_of)


def snapshots_table(infos: Sequence[Any]) -> pd.DataFrame:
    """The saved snapshots, newest first: as-of date, label, files, trainers, compliance %, when saved, note."""
    rows = [
        {
            "snapshot": i.id,
            "As of": pd.Timestamp(i.as_of),
            "Label": i.label,
            "Files": ", ".join(i.files),
            "Trainers": int(i.trainers),
            "Compliant": round(100.0 * i.compliant / i.trainers, 1) if i.trainers else None,
            "Saved": pd.Timestamp(i.saved_at).tz_localize(None)
            if pd.Timestamp(i.saved_at).tzinfo
            else pd.Timestamp(i.saved_at),
            "Note": i.note,
        }
        for i in reversed(list(infos))
    ]
    cols = ["snapshot", "As of", "Label", "Files", "Trainers", "Compliant", "Saved", "Note"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["Compliant"] = frame["Compliant"].astype(float)
    return frame


def viewing_sentence(info: Any) -> str:
    """The banner over every page while a saved snapshot is open (read-only)."""
    label = f" ({info.label})" if info.label else ""
    return (
        f"Showing the team as it was on {day(info.as_of)}{label}: a saved snapshot, read-only. Uploading and "
        "saving are off until you go back to your files."
    )


def saved_sentence(info: Any, created: bool) -> str:
    """What the Upload page says after 'Save as snapshot': saved now, or the same files saved before."""
    label = f" “{info.label}”" if info.label else ""
    when = f"{day(info.saved_at)} at {pd.Timestamp(info.saved_at):%H:%M}"
    if created:
        return f"Saved as snapshot{label} of {day(info.as_of)} on {when}."
    return (
        f"These files were already saved as snapshot{label} of {day(info.as_of)} on {when}; nothing new was "
        "stored."
    )


def _clubs_match(values: pd.Series, clubs: Iterable[str]) -> pd.Series:
    chosen = set(clubs)
    club = values.fillna("").astype(str)
    return club.isin(chosen) | (club.eq("") & (NO_CLUB in chosen))


def filter_diff(d: Diff, clubs: Sequence[str]) -> Diff:
    """The same changes for the chosen clubs only (the sidebar's club filter; '(no club)' is the empty club)."""
    if not clubs:
        return d
    return replace(
        d,
        **{
            name: (f := getattr(d, name))[_clubs_match(f["club"], clubs)].reset_index(drop=True)
            for name in DIFF_SECTIONS
        },
    )


def diff_counts(d: Diff) -> list[tuple[str, int, str]]:
    """(label, count, help) per list of a Diff, in the page's order."""
    return [(label, len(getattr(d, name)), help_) for name, (label, help_) in DIFF_SECTIONS.items()]


def _credential(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.Series:
    named = frame["credential"].astype(object).map(dict(names)).astype(object)
    return named.fillna(frame["credential_name"].astype(object)).fillna(frame["credential"].astype(object))


def _status(values: pd.Series) -> pd.Series:
    return values.map(status_label)


def _days(values: pd.Series) -> list[str]:
    return [day(v) or "no date" for v in values]


def diff_table(d: Diff, name: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One list of a Diff as the page shows it: Trainer, Club, and what changed in words a manager reads."""
    f = getattr(d, name)
    names = names or {}
    out = pd.DataFrame({"Trainer": f["trainer"], "Club": f["club"].fillna("").replace("", NO_CLUB)})
    if name in ("joined", "left"):
        return out.reset_index(drop=True)
    out["Certification"] = _credential(f, names)
    if name == "renewed":
        out["Was expiring"], out["Now expires"] = _days(f["from_expires"]), _days(f["to_expires"])
    elif name in ("newly_lapsed", "newly_at_risk"):
        out["Was"], out["Now"] = _status(f["from_status"]), _status(f["status"])
    elif name == "credits_added":
        out["Credits earned"] = [
            f"{number(c)} {u}".strip() for c, u in zip(f["credits"], f["unit"].fillna(""), strict=True)
        ]
    else:
        out["Expires"], out["Status"] = _days(f["expires"]), _status(f["status"])
    return out.reset_index(drop=True)


def trend_of_clubs(clubs_trend: pd.DataFrame, trend: pd.DataFrame, clubs: Sequence[str]) -> pd.DataFrame:
    """The trend frame (``history.trend``'s columns) of the chosen clubs only, summed per snapshot."""
    if not clubs:
        return trend
    mine = clubs_trend[_clubs_match(clubs_trend["club"], clubs)]
    sums = mine.groupby("snapshot", sort=False)[["trainers", "compliant", *TRAINER_STATUSES]].sum()
    out = trend[["snapshot", "label", "as_of", "saved_at"]].merge(
        sums, left_on="snapshot", right_index=True, how="inner"
    )
    out["compliance"] = (100.0 * out["compliant"] / out["trainers"].where(out["trainers"] > 0)).round(1)
    return out.reindex(columns=trend.columns).reset_index(drop=True)
