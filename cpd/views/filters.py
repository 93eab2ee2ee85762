"""The sidebar filters every page applies: what each filter can take, and the Standing they leave.

Also the names a manager reads for credentials (catalogue names, short chart labels) and the club a click on the
status-by-club chart picks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from ..catalogue import Catalogue
from ..model import STATUSES, Standing
from .escape import plot_unescape

NO_BODY = "Not in catalogue"
NO_CLUB = "(no club)"  # how a trainer with no club on file is shown and filtered


def _chosen(values: Iterable[str] | None) -> list[str]:
    return [v for v in (values or ()) if v is not None]


def filter_standing(
    st: Standing,
    *,
    clubs: Iterable[str] | None = None,
    bodies: Iterable[str] | None = None,
    credentials: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
) -> Standing:
    """The same Standing restricted to the chosen clubs, bodies, credentials, statuses and roles.

    An empty or missing choice means "all". Club and role select trainers; body, credential and status select
    certifications, and then only trainers holding a selected certification remain (status ``missing`` keeps
    trainers with no certification). Trainer verdicts (compliant, worst status) are the engine's and are not
    recomputed for the subset.
    """
    clubs, bodies, creds, statuses, roles = map(_chosen, (clubs, bodies, credentials, statuses, roles))
    if not any((clubs, bodies, creds, statuses, roles)):
        return st
    t = st.trainers
    keep_t = pd.Series(True, index=t.index)
    if clubs:
        keep_t &= t["club"].fillna("").replace("", NO_CLUB).isin(clubs) | t["club"].isin(clubs)
    if roles:
        keep_t &= t["role"].isin(roles)
    s = st.standings
    keep_s = s["trainer_id"].isin(t.loc[keep_t, "trainer_id"])
    cert_filter = bool(bodies or creds or (statuses and set(statuses) - {"missing"}))
    if bodies:
        keep_s &= s["body"].replace("", NO_BODY).isin(bodies) if NO_BODY in bodies else s["body"].isin(bodies)
    if creds:
        keep_s &= s["credential"].isin(creds)
    if statuses:
        keep_s &= s["status"].isin(statuses)
    standings = s[keep_s].reset_index(drop=True)
    if cert_filter or statuses:
        holders = set(standings["trainer_id"])
        with_cert = t["trainer_id"].isin(holders)
        if "missing" in (statuses or ()) and not (bodies or creds):
            with_cert |= t["status"].eq("missing")
        keep_t &= with_cert
    trainers = t[keep_t].reset_index(drop=True)
    ids = set(trainers["trainer_id"])
    contrib = st.contributions[st.contributions["cert_key"].isin(set(standings["cert_key"]))]
    return replace(
        st,
        standings=standings,
        trainers=trainers,
        activities=st.activities[st.activities["trainer_id"].isin(ids)].reset_index(drop=True),
        contributions=contrib.reset_index(drop=True),
        cpr_cards=st.cpr_cards[st.cpr_cards["trainer_id"].isin(ids)].reset_index(drop=True),
    )


def filter_options(st: Standing, catalogue_names: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """The values each sidebar filter can take, sorted for people (names, not ids)."""
    s, t = st.standings, st.trainers
    bodies = sorted({b or NO_BODY for b in s["body"].dropna()}, key=lambda b: (b == NO_BODY, b.casefold()))
    names = credential_names(st, catalogue_names)
    creds = sorted(names, key=lambda c: names[c].casefold())
    present = set(s["status"]) | ({"missing"} if t["status"].eq("missing").any() else set())
    statuses = [x for x in (*STATUSES, "missing") if x in present]
    return {
        "clubs": _sorted_text(t["club"]) + ([NO_CLUB] if t["club"].fillna("").eq("").any() else []),
        "roles": _sorted_text(t["role"]),
        "bodies": bodies,
        "credentials": creds,
        "statuses": statuses,
    }


def _sorted_text(col: pd.Series) -> list[str]:
    return sorted({str(v) for v in col.dropna() if str(v).strip()}, key=str.casefold)


def credential_names(st: Standing, catalogue_names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Credential id -> the name a manager reads (catalogue name when known, else as written)."""
    names: dict[str, str] = {}
    s = st.standings
    for cid, written, known in zip(s["credential"], s["credential_name"], s["known"], strict=True):
        if cid in names:
            continue
        if known and catalogue_names and cid in catalogue_names:
            names[cid] = catalogue_names[cid]
        else:
            names[cid] = str(written) if isinstance(written, str) and written.strip() else str(cid)
    return names


def credential_labels(catalogue: Catalogue) -> dict[str, str]:
    """Short names for charts and tables ("NASM CPT" rather than "NASM Certified Personal Trainer").

    The first short alias naming the body in words ("NASM CPT"), else the first short alias with a space, else
    any short alias, else the catalogue name.
    """
    out: dict[str, str] = {}
    for cred in catalogue.credentials.values():
        body = cred.body.casefold()
        short = [a for a in cred.aliases if 0 < len(a) <= 22]
        spaced = [a for a in short if " " in a]
        with_body = [a for a in spaced if body in a.casefold().split()]
        out[cred.id] = (with_body or spaced or short or [cred.name])[0]
    return out


def club_from_selection(selection_event: Any) -> list[str]:
    """Clubs picked by clicking, box- or lasso-selecting bars of the status-by-club chart.

    ``selection_event`` is what ``st.plotly_chart(..., on_select="rerun")`` returns (or its session-state
    value): ``{"selection": {"points": [{"customdata": ..., "y": ..., "x": ...}, ...], ...}}``. The club is read
    from a point's ``customdata`` (the chart puts it there), else from its category axis value, both as the chart
    escaped them (``plot_text``), so the real name comes back. Order of first selection is kept, duplicates
    dropped; anything malformed gives no clubs.
    """
    if not selection_event:
        return []
    try:
        selection = selection_event["selection"]
        points = selection["points"] or []
    except (KeyError, TypeError, IndexError):
        return []
    clubs: dict[str, None] = {}
    for point in points:
        if not isinstance(point, Mapping):
            continue
        club = _club_of(point)
        if club:
            clubs.setdefault(club, None)
    return list(clubs)


def _club_of(point: Mapping[str, Any]) -> str | None:
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
    if isinstance(custom, str) and custom.strip():
        return plot_unescape(custom)
    for axis in ("y", "x", "label"):  # the category axis holds text; the value axis holds a count
        v = point.get(axis)
        if isinstance(v, str) and v.strip():
            return plot_unescape(v)
    return None
