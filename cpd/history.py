"""What changed between two saved snapshots, and the trend over all of them.

Pure functions over ``Standing`` objects (the caller loads snapshots and computes their standing); the store
never needs to know what a status is, and these are tested on literal standings without a database.

- ``summarise``: the small per-snapshot summary the store keeps for the trend (recomputable from the facts:
  it is ``summarise(compute_standing(snapshot))`` at the snapshot's own as-of, window and rules).
- ``diff``: ``recert diff``'s lists (interfaces.md, "The store"), for two standings judged at the same as-of,
  so a change means the data changed, not the clock.
- ``trend`` / ``club_trend``: the stored summaries as frames, one row per snapshot (per club).
- ``scoped_info`` / ``scoped_diff``: the same for a manager or viewer, from their clubs' rows only. The stored
  summaries cannot give it (a trainer at two of their clubs is in both clubs' counts, and the overall figures
  hold every club), so each snapshot's standing is narrowed (``cpd.access.narrow``) and summarised again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .model import STATUSES, TRAINER_STATUSES, Standing

SUMMARY_VERSION = 1
MAX_CLUBS = 1000  # clubs kept in a summary (the most trainers first); a real chain has far fewer
LAPSED = ("grace", "expired")

JOINED_COLUMNS = ["trainer", "trainer_id", "club"]
RENEWED_COLUMNS = [
    "trainer",
    "trainer_id",
    "club",
    "credential",
    "credential_name",
    "from_expires",
    "to_expires",
]
STATUS_CHANGE_COLUMNS = [
    "trainer",
    "trainer_id",
    "club",
    "credential",
    "credential_name",
    "from_status",
    "status",
]
CREDITS_COLUMNS = ["trainer", "trainer_id", "club", "credential", "credential_name", "credits", "unit"]
CERT_CHANGE_COLUMNS = ["trainer", "trainer_id", "club", "credential", "credential_name", "expires", "status"]


# Summary ---------------------------------------------------------------------------------------------------------
def _compliance(compliant: int, trainers: int) -> float | None:
    return round(100.0 * compliant / trainers, 1) if trainers else None


def _counts(frame: pd.DataFrame, order: Iterable[str]) -> dict[str, int]:
    return {s: int(frame[s]) if s in frame else 0 for s in order}


def summarise(standing: Standing) -> dict[str, Any]:
    """A small JSON-able summary of one standing for the trend: trainers, compliant, compliance %, trainers per
    status (worst status each, ``TRAINER_STATUSES``) and certifications per status (``STATUSES``), overall and
    per club (at most ``MAX_CLUBS`` clubs, the largest; ``clubs_left_out`` counts the rest).

    Club names are kept as written ("" for no club). Only counts: no names, so it can sit in any listing.
    """
    t, s = standing.trainers, standing.standings
    t_club = t["club"].fillna("").astype(str)
    s_club = s["club"].fillna("").astype(str)
    trainers, compliant = len(t), int(t["compliant"].sum())
    by_status = t["status"].value_counts()
    cert_status = s["status"].value_counts()
    out: dict[str, Any] = {
        "version": SUMMARY_VERSION,
        "as_of": standing.as_of.isoformat(),
        "window": int(standing.window),
        "trainers": trainers,
        "compliant": compliant,
        "compliance": _compliance(compliant, trainers),
        "statuses": _counts(by_status, TRAINER_STATUSES),
        "certifications": _counts(cert_status, STATUSES),
    }
    per_club = pd.DataFrame(
        {"trainers": t_club.value_counts(), "compliant": t["compliant"].astype(bool).groupby(t_club).sum()}
    ).fillna(0)
    per_club = per_club.sort_values("trainers", ascending=False, kind="stable")
    left_out = max(0, len(per_club) - MAX_CLUBS)
    per_club = per_club.head(MAX_CLUBS)
    t_tab = pd.crosstab(t_club, t["status"]) if trainers else pd.DataFrame()
    s_tab = pd.crosstab(s_club, s["status"]) if len(s) else pd.DataFrame()
    clubs: dict[str, Any] = {}
    for club, n, ok in zip(per_club.index, per_club["trainers"], per_club["compliant"], strict=True):
        n, ok = int(n), int(ok)
        row_t = t_tab.loc[club] if club in t_tab.index else pd.Series(dtype=int)
        row_s = s_tab.loc[club] if club in s_tab.index else pd.Series(dtype=int)
        clubs[str(club)] = {  # only the statuses present: a chain's summary stays a few kilobytes
            "trainers": n,
            "compliant": ok,
            "compliance": _compliance(ok, n),
            "statuses": {k: v for k, v in _counts(row_t, TRAINER_STATUSES).items() if v},
            "certifications": {k: v for k, v in _counts(row_s, STATUSES).items() if v},
        }
    out["clubs"] = clubs
    out["clubs_left_out"] = left_out
    return out


# Diff ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Diff:
    """What changed from one standing to the next, both judged at ``as_of``.

    Trainers match on ``trainer_id``; certifications on (trainer_id, credential). The certification lists
    concern trainers present on both sides (a joined or left trainer's certifications are in ``joined`` /
    ``left``):

    - ``renewed``: the expiry moved later (or a certification marked expired without a date got one);
    - ``newly_lapsed``: grace or expired now, neither before; ``newly_at_risk``: at risk now, not before;
    - ``credits_added``: credits earned between them toward the same cycle (same expiry), in the credential's
      unit; a renewed certification starts a new cycle, so its credits are not compared;
    - ``certifications_added`` / ``certifications_dropped``: held on one side only.
    """

    as_of: date
    joined: pd.DataFrame  # JOINED_COLUMNS
    left: pd.DataFrame  # JOINED_COLUMNS
    renewed: pd.DataFrame  # RENEWED_COLUMNS
    newly_lapsed: pd.DataFrame  # STATUS_CHANGE_COLUMNS
    newly_at_risk: pd.DataFrame  # STATUS_CHANGE_COLUMNS
    credits_added: pd.DataFrame  # CREDITS_COLUMNS
    certifications_added: pd.DataFrame  # CERT_CHANGE_COLUMNS (the later side's expiry and status)
    certifications_dropped: pd.DataFrame  # CERT_CHANGE_COLUMNS (the earlier side's expiry and status)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in DIFF_LISTS}

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


DIFF_LISTS = (
    "joined",
    "left",
    "renewed",
    "newly_lapsed",
    "newly_at_risk",
    "credits_added",
    "certifications_added",
    "certifications_dropped",
)


def _isin(values: pd.Series, pool: Iterable[Any]) -> np.ndarray:
    """``values.isin(pool)`` by factorising both together: pandas' own isin on text converts the pool one value
    at a time (a 10,000-trainer chain's ids took 0.1 s per call)."""
    pooled = pd.Series(list(pool) if not isinstance(pool, pd.Series) else pool, dtype=object)
    both = pd.concat([pooled, values.astype(object)], ignore_index=True)
    codes, _ = pd.factorize(both)
    return np.isin(codes[len(pooled) :], codes[: len(pooled)])


def _sorted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """People in name order (case-insensitive), then credential: a stable order for tables and JSON."""
    if frame.empty:
        return frame.reindex(columns=columns).reset_index(drop=True)
    keys = [c for c in ("trainer", "trainer_id", "credential") if c in frame]
    order = frame.assign(_k=frame["trainer"].fillna("").astype(str).str.casefold())
    order = order.sort_values(["_k"] + keys, kind="stable")
    return order.reindex(columns=columns).reset_index(drop=True)


def _people(st: Standing) -> pd.DataFrame:
    t = st.trainers[["trainer_id", "trainer", "club"]].drop_duplicates("trainer_id")
    return t.assign(trainer_id=t["trainer_id"].astype(str), club=t["club"].fillna("").astype(str))


def _certs(st: Standing) -> pd.DataFrame:
    """One row per (trainer_id, credential): the latest expiry when a certification is listed twice."""
    s = st.standings[
        [
            "trainer_id",
            "trainer",
            "club",
            "credential",
            "credential_name",
            "expires",
            "status",
            "earned",
            "unit",
        ]
    ]
    s = s.sort_values("expires", na_position="first", kind="stable")
    s = s.drop_duplicates(["trainer_id", "credential"], keep="last")
    # Keys as text on both sides: an empty standing's columns have no type to agree on.
    return s.assign(
        trainer_id=s["trainer_id"].astype(str),
        credential=s["credential"].astype(str),
        club=s["club"].fillna("").astype(str),
    )


def diff(before: Standing, after: Standing) -> Diff:
    """What changed from ``before`` to ``after`` (see ``Diff``); the caller judges both at the same as-of."""
    pb, pa = _people(before), _people(after)
    was_there = _isin(pa["trainer_id"], pb["trainer_id"])
    joined = pa[~was_there]
    left = pb[~_isin(pb["trainer_id"], pa["trainer_id"])]
    both_people = pa.loc[was_there, "trainer_id"]

    cb, ca = _certs(before), _certs(after)
    cb, ca = cb[_isin(cb["trainer_id"], both_people)], ca[_isin(ca["trainer_id"], both_people)]
    m = ca.merge(cb, on=["trainer_id", "credential"], how="outer", suffixes=("", "_from"), indicator=True)
    on_both = m["_merge"].eq("both")
    later = m["expires"] > m["expires_from"]
    dated_now = m["expires_from"].isna() & m["expires"].notna()  # "expired" with no date, now with a date
    m = m.rename(columns={"status_from": "from_status"})
    renewed = m[on_both & (later | dated_now)].rename(
        columns={"expires_from": "from_expires", "expires": "to_expires"}
    )
    was_lapsed = _isin(m["from_status"], LAPSED)
    newly_lapsed = m[on_both & _isin(m["status"], LAPSED) & ~was_lapsed]
    newly_at_risk = m[on_both & m["status"].eq("at_risk") & m["from_status"].ne("at_risk")]
    same_cycle = on_both & (
        m["expires"].eq(m["expires_from"]) | (m["expires"].isna() & m["expires_from"].isna())
    )
    gained = (m["earned"] - m["earned_from"]).round(6)
    earned_more = same_cycle & gained.gt(0)
    credits = m[earned_more].assign(
        credits=gained[earned_more]
    )  # an empty frame would take a whole Series' index
    added = m[m["_merge"].eq("left_only")]
    dropped = m[m["_merge"].eq("right_only")].copy()
    for col in ("trainer", "club", "credential_name", "expires", "status"):
        dropped[col] = dropped[f"{col}_from" if col != "status" else "from_status"]
    return Diff(
        as_of=after.as_of,
        joined=_sorted(joined, JOINED_COLUMNS),
        left=_sorted(left, JOINED_COLUMNS),
        renewed=_sorted(renewed, RENEWED_COLUMNS),
        newly_lapsed=_sorted(newly_lapsed, STATUS_CHANGE_COLUMNS),
        newly_at_risk=_sorted(newly_at_risk, STATUS_CHANGE_COLUMNS),
        credits_added=_sorted(credits, CREDITS_COLUMNS),
        certifications_added=_sorted(added, CERT_CHANGE_COLUMNS),
        certifications_dropped=_sorted(dropped, CERT_CHANGE_COLUMNS),
    )


def _iso(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in values]


def _records(frame: pd.DataFrame, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows as JSON objects, keys renamed by ``columns`` (frame column -> JSON key); dates as YYYY-MM-DD."""
    cols: dict[str, list[Any]] = {}
    for col, key in columns.items():
        v = frame[col]
        if col in ("from_expires", "to_expires", "expires"):
            cols[key] = _iso(v)
        elif col == "credits":
            cols[key] = [float(x) for x in v]
        else:
            cols[key] = [None if isinstance(x, float) and pd.isna(x) else str(x) for x in v]
    return [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)] if cols else []


def diff_json(d: Diff, *, from_id: str, to_id: str) -> dict[str, Any]:
    """``recert diff --format json`` (interfaces.md, "The store"), plus two extension lists:
    ``certifications_added`` and ``certifications_dropped``: ``[{"trainer", "credential", "expires",
    "status"}]`` (the later side's expiry and status for an added one, the earlier side's for a dropped one)."""
    who = {"trainer": "trainer", "trainer_id": "trainer_id", "club": "club"}
    change = {"trainer": "trainer", "credential": "credential", "status": "status"}
    cert = {"trainer": "trainer", "credential": "credential", "expires": "expires", "status": "status"}
    return {
        "from": from_id,
        "to": to_id,
        "as_of": d.as_of.isoformat(),
        "joined": _records(d.joined, who),
        "left": _records(d.left, who),
        "renewed": _records(
            d.renewed,
            {
                "trainer": "trainer",
                "credential": "credential",
                "from_expires": "from_expires",
                "to_expires": "to_expires",
            },
        ),
        "newly_lapsed": _records(d.newly_lapsed, change),
        "newly_at_risk": _records(d.newly_at_risk, change),
        "credits_added": _records(
            d.credits_added, {"trainer": "trainer", "credential": "credential", "credits": "credits"}
        ),
        "certifications_added": _records(d.certifications_added, cert),
        "certifications_dropped": _records(d.certifications_dropped, cert),
    }


# Trend -----------------------------------------------------------------------------------------------------------
TREND_COLUMNS = [
    "snapshot",
    "label",
    "as_of",
    "saved_at",
    "trainers",
    "compliant",
    "compliance",
    *TRAINER_STATUSES,
]
CLUB_TREND_COLUMNS = [
    "snapshot",
    "label",
    "as_of",
    "club",
    "trainers",
    "compliant",
    "compliance",
    *TRAINER_STATUSES,
]


def _summary(info: Any) -> Mapping[str, Any]:
    summary = getattr(info, "summary", None)
    return summary if isinstance(summary, Mapping) else {}


def trend(infos: Iterable[Any]) -> pd.DataFrame:
    """One row per snapshot (``SnapshotInfo``, oldest first as given): trainers, compliant, compliance % and
    trainers per status from the stored summary (status counts are empty for a summary without them)."""
    rows = []
    for info in infos:
        summary = _summary(info)
        statuses = summary.get("statuses") or {}
        trainers, compliant = int(info.trainers), int(info.compliant)
        rows.append(
            {
                "snapshot": info.id,
                "label": info.label,
                "as_of": pd.Timestamp(info.as_of),
                "saved_at": pd.Timestamp(info.saved_at),
                "trainers": trainers,
                "compliant": compliant,
                "compliance": _compliance(compliant, trainers),
                **{s: statuses.get(s) for s in TRAINER_STATUSES},
            }
        )
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    frame["compliance"] = frame["compliance"].astype(float)
    for s in TRAINER_STATUSES:
        frame[s] = frame[s].astype("Int64")
    return frame


def club_trend(infos: Iterable[Any]) -> pd.DataFrame:
    """One row per snapshot and club in its summary: trainers, compliant, compliance %, trainers per status."""
    rows = []
    for info in infos:
        for club, c in (_summary(info).get("clubs") or {}).items():
            statuses = c.get("statuses") or {}
            n, ok = int(c.get("trainers", 0)), int(c.get("compliant", 0))
            rows.append(
                {
                    "snapshot": info.id,
                    "label": info.label,
                    "as_of": pd.Timestamp(info.as_of),
                    "club": club,
                    "trainers": n,
                    "compliant": ok,
                    "compliance": _compliance(ok, n),
                    **{s: int(statuses.get(s, 0)) for s in TRAINER_STATUSES},
                }
            )
    frame = pd.DataFrame(rows, columns=CLUB_TREND_COLUMNS)
    frame["compliance"] = frame["compliance"].astype(float)
    return frame


# Standing of a saved snapshot ------------------------------------------------------------------------------------
def snapshot_standing(snapshot: Any, *, as_of: date | None = None, window: int | None = None) -> Standing:
    """The standing of a stored snapshot (``cpd.store.Snapshot``: its roster, rules and window), at its own as-of
    unless ``as_of`` is given: as computed from the files it was saved from."""
    from .catalogue import load_catalogue
    from .standing import compute_standing

    catalogue = load_catalogue(rules_text=snapshot.rules_text) if snapshot.rules_text else load_catalogue()
    return compute_standing(
        snapshot.roster,
        catalogue,
        as_of=as_of or snapshot.info.as_of,
        window=snapshot.window if window is None else window,
    )


def compare(before: Any, after: Any, *, as_of: date | None = None) -> Diff:
    """What changed between two stored snapshots, both judged at ``as_of`` (default: the later one's as-of) and
    with the later one's risk window, each with the rules saved with it."""
    day = as_of or after.info.as_of
    return diff(
        snapshot_standing(before, as_of=day, window=after.window),
        snapshot_standing(after, as_of=day, window=after.window),
    )


def diff_text(d: Diff, *, before: str, after: str, clean: Any = str) -> str:
    """``recert diff``'s table: a line per change under a heading per list (``clean`` makes file text safe for
    a terminal)."""
    from .fmt import number, status_label

    def when(v: Any) -> str:
        return "no date" if pd.isna(v) else pd.Timestamp(v).date().isoformat()

    lines = [f"What changed from {clean(before)} to {clean(after)}, both judged as of {d.as_of.isoformat()}:"]
    describe = {
        "joined": lambda r: f"{clean(r.trainer)} ({clean(r.trainer_id)}), {clean(r.club) or 'no club'}",
        "left": lambda r: f"{clean(r.trainer)} ({clean(r.trainer_id)}), {clean(r.club) or 'no club'}",
        "renewed": lambda r: (
            f"{clean(r.trainer)}: {clean(r.credential)} {when(r.from_expires)} -> {when(r.to_expires)}"
        ),
        "newly_lapsed": lambda r: (
            f"{clean(r.trainer)}: {clean(r.credential)} "
            f"{status_label(r.from_status)} -> {status_label(r.status)}"
        ),
        "credits_added": lambda r: (
            f"{clean(r.trainer)}: {clean(r.credential)} +{number(r.credits)} {clean(r.unit)}"
        ),
        "certifications_added": lambda r: (
            f"{clean(r.trainer)}: {clean(r.credential)}, expires {when(r.expires)} ({status_label(r.status)})"
        ),
    }
    describe["newly_at_risk"] = describe["newly_lapsed"]
    describe["certifications_dropped"] = describe["certifications_added"]
    for name in DIFF_LISTS:
        frame = getattr(d, name)
        lines.append(f"{name.replace('_', ' ').capitalize()} ({len(frame)})" + (":" if len(frame) else ""))
        lines.extend(f"  {describe[name](r)}" for r in frame.itertuples(index=False))
    return "\n".join(lines) + "\n"


def scoped_info(info: Any, standing: Standing, scope: Any) -> Any:
    """A snapshot's info (``cpd.store.SnapshotInfo``) as ``scope`` sees it: the summary, trainers and compliant
    of their clubs only (``standing``: the snapshot's own, at its as-of, window and rules), each trainer counted
    once; no file names and no note (they may name other clubs). Every club: ``info`` unchanged."""
    from .access import narrow

    if scope.all_clubs:
        return info
    summary = summarise(narrow(standing, scope))
    return replace(
        info,
        summary=summary,
        trainers=int(summary["trainers"]),
        compliant=int(summary["compliant"]),
        files=(),
        note="",
    )


def scoped_diff(before: Standing, after: Standing, scope: Any) -> Diff:
    """``diff`` of the two standings narrowed to ``scope``: who joined, left or changed among their clubs."""
    from .access import narrow

    return diff(narrow(before, scope), narrow(after, scope))
