"""Credit standing per certification and compliance per trainer, exactly as shared/domain/standing.md says.

Pure and vectorised: a Roster, a Catalogue, ``as_of`` and the risk window in; a Standing out. Nothing here
reads the clock, a file or a rule value from code. ``compute_standing`` reads as the spec's steps, one function
each: the cycle window (``cycle_windows``), which unit an activity means (``resolve_units``), which
certifications it counts toward (``pair_activities``), the credits from the log, the roster row and the CPR/AED
card (``log_credits``, ``flat_credits``, ``cpr_credit``), the status (``certification_status``), the reasons and
the trainers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from . import fmt
from .catalogue import Catalogue
from .distinct import Distinct
from .ingest import plausible
from .ledger import reject_rows
from .model import (
    CONTRIBUTION_COLUMNS,
    LAPSED,
    STANDING_COLUMNS,
    TRAINER_RESULT_COLUMNS,
    TRAINER_STATUSES,
    Notice,
    Roster,
    Standing,
    check_standing,
)
from .wording import quantity, singular

STATUS_RANK = {s: i for i, s in enumerate(TRAINER_STATUSES)}
# Reasons write a few numbers per certification, from a few hundred distinct values: each is written once.
_number = lru_cache(maxsize=65536)(fmt.number)
# A chain's reasons repeat a few hundred amounts and units over ~27k certifications: each phrase made once.
_quantity = lru_cache(maxsize=65536)(quantity)


def rules_frame(catalogue: Catalogue) -> pd.DataFrame:
    """The catalogue as a frame indexed by credential id (the columns standing needs)."""
    rows = [
        {
            "credential": c.id,
            "body": c.body,
            "body_label": body_label(c.body_name or c.body),
            "rule_name": c.name,
            "kind": c.kind,
            "cycle_years": c.cycle_years,
            "required": c.required_credits,
            "unit": c.unit_label,
            "hours_per_unit": c.hours_per_unit,
            "cpr_required": c.cpr_required is True,
            "cpr_counts_credits": c.cpr_counts_credits or 0.0,
            "grace_days": c.grace,
        }
        for c in catalogue.credentials.values()
    ]
    frame = pd.DataFrame(rows).set_index("credential")
    for col in ("cycle_years", "required", "hours_per_unit", "cpr_counts_credits"):
        frame[col] = frame[col].astype(float)
    return frame


def cycle_start(expires: pd.Series, cycle_years: pd.Series) -> pd.Series:
    """S = E minus cycle_years calendar years (29 Feb becomes 28 Feb); NaT where the cycle is unknown."""
    out = pd.Series(pd.NaT, index=expires.index, dtype="datetime64[ns]")
    for years in cycle_years.dropna().unique():
        mask = cycle_years.eq(years)
        months = int(round(float(years) * 12))
        offset = pd.DateOffset(years=months // 12) if months % 12 == 0 else pd.DateOffset(months=months)
        out[mask] = expires[mask] - offset
    return out


def body_label(body_name: str) -> str:
    """How a reason names a body: "AUSactive (formerly Fitness Australia)" -> "AUSactive"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", str(body_name or "")).strip() or str(body_name or "")


def has_credit_information(roster: Roster) -> bool:
    """Whether the upload says anything about credits: a CE log sheet in any file, or credits written on a
    roster or matrix row (a credits column left blank on every row says nothing).

    standing.md rule 7: with a CE log anywhere in the upload, a trainer with no row in it has earned 0 from
    it (whether the log came as a sheet of the same workbook or as a file of its own); "credits not recorded"
    is only for uploads with no credit information at all.
    """
    if any(m.layout == "ce_log" for m in roster.mappings):
        return True
    certs, acts = roster.certifications, roster.activities
    return bool(len(acts)) or bool(len(certs) and certs["credits"].notna().any())


def compute_standing(roster: Roster, catalogue: Catalogue, *, as_of: date, window: int = 90) -> Standing:
    """Standing of every certification and trainer at ``as_of`` with a risk window of ``window`` days."""
    if window < 0:
        raise ValueError("window must be 0 or more days")
    T = pd.Timestamp(as_of)
    rules = rules_frame(catalogue)
    warnings = list(roster.warnings)
    c = cycle_windows(roster.certifications.copy(), rules, T)
    credit_bearing = c["known"] & c["required"].notna()
    held = c[credit_bearing]
    acts, bodies, ledger = resolve_units(roster.activities.copy(), held, rules, roster.ledger)
    warnings.extend(_future_activities(acts, roster.trainers, T))
    contrib, uncountable = log_credits(pair_activities(acts, bodies, held))
    uncountable = flat_credits(c, credit_bearing, uncountable)
    cpr_ok = cpr_credit(c, roster.cpr_cards, T)
    # Credit information is a property of the upload (rule 7), not of a file.
    credit_info = credit_bearing & (has_credit_information(roster) | c["credits"].notna())
    no_date = _credits_and_time(c, credit_info, contrib.groupby("cert_key")["credits"].sum(), T)
    c["status"] = certification_status(c, credit_info, cpr_ok, no_date, T, window)
    c["reasons"] = _reasons(c, credit_info, uncountable, T)
    c["urgency"] = c["status"].map(STATUS_RANK).astype(int) * 100_000 + c["days_left"].clip(
        -99_999, 99_999
    ).fillna(-99_999).astype("int64")
    standings = _standing_rows(c, roster.trainers, warnings, T)
    standing = Standing(
        as_of=as_of,
        window=window,
        standings=standings,
        trainers=_trainers(roster, standings, T),
        activities=acts.reset_index(drop=True),
        contributions=contrib.reset_index(drop=True),
        ledger=ledger,
        mappings=roster.mappings,
        warnings=tuple(dict.fromkeys(warnings)),
        rules_version=catalogue.version,
        cpr_cards=_cards(roster.cpr_cards, roster.trainers, T),
        unreadable=roster.unreadable,
        memberships=roster.memberships,
    )
    check_standing(standing)
    return standing


def cycle_windows(certs: pd.DataFrame, rules: pd.DataFrame, T: pd.Timestamp) -> pd.DataFrame:
    """The certifications with their rules, and the window an activity must fall in to count: S < d <= min(E, T),
    S = E minus cycle_years ("The cycle"). A credential not in the catalogue has no cycle (NaT)."""
    c = certs.join(rules, on="credential", how="left")
    c["known"] = c["credential"].isin(rules.index[rules["kind"].eq("certification")])
    c["cycle_start"] = cycle_start(c["expires"], c["cycle_years"].where(c["known"]))
    c["window_end"] = c["expires"].where(c["expires"] < T, T)
    return c


@dataclass(frozen=True)
class Bodies:
    """How many bodies each activity names and the first of them (``bodies`` is a tuple per row), per row."""

    count: pd.Series
    first: pd.Series


def resolve_units(
    acts: pd.DataFrame, held: pd.DataFrame, rules: pd.DataFrame, ledger: pd.DataFrame
) -> tuple[pd.DataFrame, Bodies, pd.DataFrame]:
    """Which unit each activity row means ("Which credits count", rules 1 and 3): a bare CEU that names no body
    is read in the unit all the trainer's certifications share, and one naming bodies in the unit they share;
    otherwise the row is rejected as ambiguous, never guessed. Returns the activities kept, the bodies they
    name, and the ledger with the ambiguous rows rejected."""
    if not len(acts):
        return acts, Bodies(pd.Series(dtype=int), pd.Series(dtype=object)), ledger
    sizes_per_trainer = (
        held.assign(h=held["hours_per_unit"].fillna(-1.0)).groupby("trainer_id")["h"].nunique()
    )
    body_hpu = {
        b: set(g.fillna(-1.0))
        for b, g in rules[rules["kind"].eq("certification")].groupby("body")["hours_per_unit"]
    }
    units = pd.Series(acts["unit_kind"].to_numpy(dtype=object) == "units", index=acts.index)
    # "bodies" (a tuple) follows from "bodies_text": work per distinct text, which hashes far faster.
    named = Distinct.of(acts["bodies_text"])
    tuples = acts["bodies"].to_numpy(dtype=object)[named.first_rows()]
    bodies = Bodies(
        count=named.spread(pd.Series([len(bs) for bs in tuples], dtype=int)),
        first=named.spread(pd.Series([bs[0] if bs else None for bs in tuples], dtype=object)),
    )
    no_body = bodies.count.eq(0)
    amb_trainer = units & no_body
    if amb_trainer.any():
        amb_trainer[amb_trainer] = acts.loc[amb_trainer, "trainer_id"].map(sizes_per_trainer).fillna(0).gt(1)
    named_sizes = named.spread(
        pd.Series([len({h for b in bs for h in body_hpu.get(b, ())}) for bs in tuples], dtype=int)
    )
    amb_bodies = units & ~no_body & named_sizes.gt(1)
    rejected = amb_trainer | amb_bodies
    if rejected.any():
        rej = acts[rejected]
        why = _ambiguous_unit_reasons(acts, held, amb_trainer, amb_bodies)
        ledger = reject_rows(
            ledger,
            pd.DataFrame(
                {
                    "file": rej["file"],
                    "sheet": rej["sheet"],
                    "row": rej["row"],
                    "column": rej["unit_column"],
                    "reason": why[rejected],
                }
            ),
        )
        acts = acts[~rejected]
    return acts, bodies, ledger


def _ambiguous_unit_reasons(
    acts: pd.DataFrame, held: pd.DataFrame, amb_trainer: pd.Series, amb_bodies: pd.Series
) -> pd.Series:
    """Why each ambiguous activity row was rejected (rule 3's sentence, or rule 1's for named bodies)."""
    held_names = (
        held[held["trainer_id"].isin(acts.loc[amb_trainer, "trainer_id"])]
        .groupby("trainer_id")["credential_name"]
        .agg(lambda s: " and ".join(dict.fromkeys(s)))
    )
    why = pd.Series("", index=acts.index, dtype=object)
    why[amb_trainer] = [
        f"unit {u or 'credit'} is ambiguous for this trainer (holds {held_names.get(t, '')}): name the body or give hours"
        for u, t in zip(acts.loc[amb_trainer, "unit_text"], acts.loc[amb_trainer, "trainer_id"], strict=True)
    ]
    why[amb_bodies] = [
        f"unit {u or 'credit'} is ambiguous: {' and '.join(bs)} count credits in units of different sizes; give hours"
        for u, bs in zip(acts.loc[amb_bodies, "unit_text"], acts.loc[amb_bodies, "bodies"], strict=True)
    ]
    return why


def _future_activities(acts: pd.DataFrame, trainers: pd.DataFrame, T: pd.Timestamp) -> list[Notice]:
    """Activities dated after as-of are not counted; one warning lists the first few ("The cycle")."""
    future = acts["date"] > T if len(acts) else pd.Series(dtype=bool)
    if not future.any():
        return []
    names = trainers.set_index("trainer_id")["trainer"]
    first = acts[future].head(5)
    sample = "; ".join(
        f"{names.get(t, t)}: {crs or 'activity'} on {fmt.day(d)}"
        for t, crs, d in zip(first["trainer_id"], first["course"], first["date"], strict=True)
    )
    n = int(future.sum())
    if n > 5:
        sample += f"; and {n - 5} more"
    return [
        Notice(
            "future",
            f"{n} activit{'y is' if n == 1 else 'ies are'} dated after as-of "
            f"({fmt.day(T)}) and not counted yet (booked courses?): {sample}.",
        )
    ]


def pair_activities(acts: pd.DataFrame, bodies: Bodies, held: pd.DataFrame) -> pd.DataFrame | None:
    """Each activity with each certification it can count toward: one naming no body with every credit-bearing
    certification of its trainer (rule 2), one naming bodies with the trainer's certifications of those bodies
    (rule 1). None when there is nothing to pair."""
    cert_side = held[
        ["cert_key", "trainer_id", "credential", "body", "hours_per_unit", "cycle_start", "window_end"]
    ]
    if not (len(acts) and len(cert_side)):
        return None
    pairs = []
    a = acts[["activity_id", "trainer_id", "date", "amount", "unit_kind", "bodies"]]
    n_bodies = bodies.count
    nb = a[n_bodies[a.index].eq(0)]
    pairs.append(nb.merge(cert_side, on="trainer_id"))
    # Most activities name one body: take it directly and explode only the rows that name several.
    one = a[n_bodies[a.index].eq(1)]
    one = one.assign(bodies=bodies.first[one.index]).rename(columns={"bodies": "body"})
    several = a[n_bodies[a.index].gt(1)].explode("bodies").rename(columns={"bodies": "body"})
    # In the activities' own order, as exploding them all gave: credits are summed in this order, and a
    # float sum can land on either side of the requirement depending on it.
    wb = pd.concat([one, several]).sort_index(kind="stable") if len(several) else one
    if len(wb):
        pairs.append(wb.merge(cert_side, on=["trainer_id", "body"]))
    return pd.concat(pairs, ignore_index=True)


def log_credits(p: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.Series]:
    """The CE log's credits per pair inside the cycle window, in the certification's unit (hours converted with
    its hours_per_unit), and the hours that cannot be converted, per certification (rule 6)."""
    if p is None:
        return pd.DataFrame(columns=CONTRIBUTION_COLUMNS), pd.Series(dtype=float)
    p["credits"] = np.where(p["unit_kind"].eq("hours"), p["amount"] / p["hours_per_unit"], p["amount"])
    in_window = (p["date"] > p["cycle_start"]) & (p["date"] <= p["window_end"])
    inside = in_window & p["credits"].notna()
    contrib = p.loc[inside & p["credits"].gt(0), CONTRIBUTION_COLUMNS]
    contrib = contrib.drop_duplicates(["activity_id", "cert_key"])
    # Hours toward a credential that publishes no hours per unit (rule 6): not counted, and said so.
    stuck_log = p.loc[in_window & p["credits"].isna() & p["amount"].gt(0)].drop_duplicates(
        ["activity_id", "cert_key"]
    )
    return contrib, stuck_log.groupby("cert_key")["amount"].sum()


def flat_credits(c: pd.DataFrame, credit_bearing: pd.Series, uncountable: pd.Series) -> pd.Series:
    """Credits written on the roster row (``c["flat"]``, in the certification's unit). Hours for a credential
    with no hours per unit are not counted (rule 6): they join the log's uncountable hours, returned."""
    flat = np.where(c["credits_in_hours"], c["credits"] / c["hours_per_unit"], c["credits"])
    c["flat"] = pd.Series(flat, index=c.index, dtype=float)
    stuck = credit_bearing & c["credits_in_hours"] & c["credits"].gt(0) & c["hours_per_unit"].isna()
    if stuck.any():
        flat_hours = c.loc[stuck].groupby("cert_key")["credits"].sum()
        uncountable = flat_hours.add(uncountable, fill_value=0.0) if len(uncountable) else flat_hours
    return uncountable


def cpr_credit(c: pd.DataFrame, cards: pd.DataFrame, T: pd.Timestamp) -> pd.Series:
    """CPR/AED ("CPR/AED" and rule 4): each certification's latest card, whether it is current, and the credit
    for a card issued inside the cycle window (``c`` in place). Returns where the CPR/AED requirement holds."""
    if len(cards):
        latest = cards.groupby("trainer_id")["expires"].max()
        c["cpr_expires"] = c["trainer_id"].map(latest)
        issued_cards = cards[cards["issued"].notna()][["trainer_id", "issued"]]
        cc = c.loc[
            c["cpr_counts_credits"].fillna(0).gt(0), ["cert_key", "trainer_id", "cycle_start", "window_end"]
        ]
        m = cc.merge(issued_cards, on="trainer_id")
        got = m[(m["issued"] > m["cycle_start"]) & (m["issued"] <= m["window_end"])]["cert_key"].unique()
        c["cpr_credit"] = np.where(c["cert_key"].isin(got), c["cpr_counts_credits"], 0.0)
    else:
        c["cpr_expires"] = pd.NaT
        c["cpr_credit"] = 0.0
    c["cpr_expires"] = pd.to_datetime(c["cpr_expires"])
    has_card = c["cpr_expires"].notna()
    current = c["cpr_expires"] >= T
    c["cpr_current"] = pd.array(
        np.where(has_card | c["cpr_required"].fillna(False), current, pd.NA), dtype="boolean"
    )
    return ~c["cpr_required"].fillna(False).astype(bool) | current


def _credits_and_time(
    c: pd.DataFrame, credit_info: pd.Series, from_log: pd.Series, T: pd.Timestamp
) -> pd.Series:
    """Earned (flat + log + CPR/AED credit), required, remaining, days left, elapsed share and progress, in
    place. Returns where the expiry is unknown (a matrix cell that says "expired" and gives no date)."""
    earned = (c["flat"].fillna(0.0) + c["cert_key"].map(from_log).fillna(0.0) + c["cpr_credit"]).round(6)
    c["earned"] = earned.where(credit_info)
    c["required"] = c["required"].where(c["known"])
    c["remaining"] = (c["required"] - c["earned"]).clip(lower=0).round(6)
    # Held and expired, expiry unknown (inputs.md): its expires and days_left stay empty (nullable days only
    # then); it is expired whatever the as-of date.
    no_date = c["expires"].isna()
    c["days_left"] = (c["expires"] - T).dt.days.astype("Int64" if no_date.any() else "int64")
    span = (c["expires"] - c["cycle_start"]).dt.days
    c["elapsed"] = ((T - c["cycle_start"]).dt.days / span.where(span > 0)).clip(0, 1)
    c["progress"] = (c["earned"] / c["required"].where(c["required"] > 0)).clip(0, 1)
    c.loc[credit_info & c["required"].eq(0), "progress"] = 1.0
    return no_date


def certification_status(
    c: pd.DataFrame,
    credit_info: pd.Series,
    cpr_ok: pd.Series,
    no_date: pd.Series,
    T: pd.Timestamp,
    window: int,
) -> np.ndarray:
    """The status table: the first rule that applies wins (sets ``grace_ends`` and a bool ``cpr_required``).
    Without credit information (or rules) a certification is never met or behind: on track at best."""
    grace = c["grace_days"].fillna(0).astype(int)
    grace_end = c["expires"] + pd.to_timedelta(grace, unit="D")
    c["grace_ends"] = grace_end
    c["cpr_required"] = c["cpr_required"].astype(object).fillna(False).astype(bool)
    met = credit_info & (c["earned"] >= c["required"]) & cpr_ok
    ratio = c["earned"] / c["required"].where(c["required"] > 0)
    behind = credit_info & (ratio < c["elapsed"] - 0.25)
    conds = [no_date | (grace_end < T), c["expires"] < T, met, c["days_left"].fillna(0) <= window, behind]
    status = np.select(conds, ["expired", "grace", "met", "at_risk", "behind"], default="on_track")
    status[(~credit_info & pd.Series(status, index=c.index).isin(["met", "behind"])).to_numpy()] = "on_track"
    return status


def _standing_rows(
    c: pd.DataFrame, trainers: pd.DataFrame, warnings: list[str], T: pd.Timestamp
) -> pd.DataFrame:
    """STANDING_COLUMNS (+ cert_key), each with its trainer's name, club and role, sorted by urgency; the
    as-of warnings (issued after as-of, an expiry beyond a cycle and a year) join ``warnings``."""
    people = trainers.set_index("trainer_id")
    c["trainer"] = c["trainer_id"].map(people["trainer"])
    c["club"] = c["trainer_id"].map(people["club"])
    warnings.extend(plausible.as_of_warnings(c, T))
    c["role"] = c["trainer_id"].map(people["role"])
    c["body"] = c["body"].where(c["known"], "")
    c["unit"] = c["unit"].where(c["known"], "")
    c = c.sort_values(["urgency", "trainer", "credential"], kind="stable")
    return c.reindex(columns=STANDING_COLUMNS).reset_index(drop=True)


def _cards(cards: pd.DataFrame, trainers: pd.DataFrame, T: pd.Timestamp) -> pd.DataFrame:
    """Every CPR/AED card on file with its trainer's name and club, and whether it is current."""
    people = trainers.set_index("trainer_id")
    out = cards.copy()
    out["trainer"] = out["trainer_id"].map(people["trainer"])
    out["club"] = out["trainer_id"].map(people["club"])
    out["current"] = out["expires"] >= T
    return out


def _reasons(
    c: pd.DataFrame, credit_info: pd.Series, uncountable: pd.Series, T: pd.Timestamp
) -> list[list[str]]:
    """Plain sentences a manager can act on, one list per certification."""
    out: list[list[str]] = []
    cpr_exp = c["cpr_expires"]
    cpr_state = np.select(
        [cpr_exp.isna(), cpr_exp < T, cpr_exp < c["expires"]], ["none", "expired", "early"], "ok"
    )
    # Plain Python lists and preformatted dates: element-wise pandas access is what made this slow.
    cols = zip(
        *(
            x.tolist() if hasattr(x, "tolist") else x
            for x in (
                c["status"].astype(object),
                c["known"],
                c["credential_name"].astype(object),
                fmt.days(c["expires"]),
                fmt.days(c["grace_ends"]),
                c["grace_days"].fillna(0),
                c["earned"],
                c["required"],
                c["remaining"],
                c["unit"].astype(object),
                c["hours_per_unit"],
                c["days_left"],
                c["cpr_required"].fillna(False).astype(bool),
                fmt.days(cpr_exp),
                cpr_state,
                credit_info,
                c["elapsed"],
                c["cert_key"].astype(object),
                c["required"].notna(),
                c["body_label"].astype(object).fillna(""),
            )
        ),
        strict=True,
    )
    uncountable_keys = set(uncountable.index)
    # An unknown credential whose expiry is a placeholder (31 Dec 2099, 9999): it does not expire.
    lasting = set(c.loc[~c["known"].astype(bool) & (c["expires"] >= plausible.NO_EXPIRY_FROM), "cert_key"])
    for (
        status,
        known,
        name,
        E,
        grace_end,
        g,
        earned,
        req,
        rem,
        unit,
        hpu,
        days,
        cpr_req,
        cpr_day,
        cpr,
        info,
        elapsed,
        key,
        has_req,
        body,
    ) in cols:
        r: list[str] = []
        if not known:
            r.append(
                f"no rules for {name}: does not expire, credits not checked"
                if key in lasting
                else f"no rules for {name}: expiry tracked, credits not checked"
            )
        elif not has_req:
            r.append(f"{name} has no credit requirement in the rules: expiry tracked")
        elif not info:
            r.append("credits not recorded")
        if status == "expired" and not E:
            r.append(
                "expired (the file says so and gives no date): not valid to work; the trainer must re-certify"
            )
        elif status == "expired":
            r.append(
                f"expired on {E}"
                + (f"; the grace period ended on {grace_end}" if g else "")
                + ": not valid to work; the trainer must re-certify"
            )
        elif status == "grace":
            r.append(
                f"lapsed on {E}: in the grace period until {grace_end}, "
                "renewable with a late fee, but not valid to work until renewed"
            )
        if known and info and has_req:
            in_hours = singular(unit) == "hour"
            hours = (
                f" ({_quantity(rem * hpu, 'hour')})"
                if math.isfinite(hpu) and rem > 0 and not in_hours
                else ""
            )
            if earned >= req:
                r.append(f"credits met: {_number(earned)} of {_quantity(req, unit)}")
            elif status in ("at_risk", "behind", "on_track"):
                lead = (
                    f"expires in {days} day{'s' if days != 1 else ''} ({E})"
                    if status == "at_risk"
                    else f"renewal due {E}"
                )
                r.append(
                    f"{lead}: needs {_quantity(rem, unit, more=True)}{hours} ({_number(earned)} of {_number(req)} earned)"
                )
                if status == "behind":
                    r.append(
                        f"behind pace: {round(100 * earned / req) if req else 100}% of the credits earned with "
                        f"{round(100 * elapsed)}% of the cycle gone"
                    )
            else:
                r.append(f"{_number(earned)} of {_quantity(req, unit)} were earned in the cycle")
        elif status == "at_risk":
            r.append(f"expires in {days} day{'s' if days != 1 else ''} ({E})")
        if key in uncountable_keys:
            r.append(
                f"{_quantity(uncountable[key], 'hour')} could not be counted: {body or name} gives no hours per "
                f"{singular(unit)}"
            )
        if cpr_req and status != "expired":
            if cpr == "none":
                r.append("no CPR/AED on file")
            elif cpr == "expired":
                r.append(f"CPR/AED expired on {cpr_day}")
            elif cpr == "early":
                r.append(f"CPR/AED expires {cpr_day}, before renewal")
        out.append(r)
    return out


def _trainers(roster: Roster, standings: pd.DataFrame, T: pd.Timestamp) -> pd.DataFrame:
    """One row per trainer: compliant, worst status, number of certifications, next expiry.

    Compliant = at least one certification that is neither in grace nor expired and whose own CPR/AED
    requirement holds; a lapsed certification imposes nothing (a valid RYT and a lapsed NASM CPT without a
    card: compliant, for teaching yoga). No certification at all: status ``missing``, not compliant.
    """
    t = roster.trainers.copy()
    if len(standings):
        s = standings
        rank = s["status"].map(STATUS_RANK)
        cpr_holds = ~s["cpr_required"].fillna(False).astype(bool) | s["cpr_current"].fillna(False).astype(
            bool
        )
        g = s.assign(
            rank=rank,
            valid=~s["status"].isin(LAPSED) & cpr_holds,
            upcoming=s["expires"].where(s["expires"] >= T),
        ).groupby("trainer_id")
        worst = g["rank"].min().map(lambda r: TRAINER_STATUSES[r])
        any_valid = g["valid"].any()
        count = g.size()
        nxt = g["upcoming"].min()
        t["status"] = t["trainer_id"].map(worst).fillna("missing")
        t["certifications"] = t["trainer_id"].map(count).fillna(0).astype(int)
        t["next_expiry"] = pd.to_datetime(t["trainer_id"].map(nxt))
        valid = t["trainer_id"].map(any_valid).fillna(False).astype(bool)
    else:
        t["status"] = "missing"
        t["certifications"] = 0
        t["next_expiry"] = pd.NaT
        valid = pd.Series(False, index=t.index)
    t["compliant"] = valid
    t["_rank"] = t["status"].map(STATUS_RANK)
    t = t.sort_values(["_rank", "trainer"], kind="stable")
    return t.reindex(columns=TRAINER_RESULT_COLUMNS).reset_index(drop=True)
