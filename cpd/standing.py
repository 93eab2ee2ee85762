"""Credit standing per certification and compliance per trainer, exactly as shared/domain/standing.md says.

Pure and vectorised: a Roster, a Catalogue, ``as_of`` and the risk window in; a Standing out. Nothing here
reads the clock, a file or a rule value from code. ``compute_standing`` reads as the spec's steps, one function
each: the cycle window (``cycle_windows``), which unit an activity means (``resolve_units``), which
certifications it counts toward (``pair_activities``), the credits from the log, the roster row and the CPR/AED
card (``log_credits``, ``flat_credits``, ``cpr_credit``), the status (``certification_status``), the reasons and
the trainers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


def _join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of an inner join on integer keys, as ``DataFrame.merge`` orders them: the left rows in
    their order, each with its matches in the right rows' order."""
    order = np.argsort(right, kind="stable")
    ranked = right[order]
    start = np.searchsorted(ranked, left, "left")
    counts = np.searchsorted(ranked, left, "right") - start
    li = np.repeat(np.arange(len(left)), counts)
    within = np.arange(len(li)) - np.repeat(np.cumsum(counts) - counts, counts)
    return li, order[np.repeat(start, counts) + within]


def pair_activities(acts: pd.DataFrame, bodies: Bodies, held: pd.DataFrame) -> pd.DataFrame | None:
    """Each activity with each certification it can count toward: one naming no body with every credit-bearing
    certification of its trainer (rule 2), one naming bodies with the trainer's certifications of those bodies
    (rule 1). None when there is nothing to pair.

    The pairs are found on integer codes of the trainer and the body (a join on text keys cost most of the
    standing at chain size), in the order a merge of the activities with the certifications gives: the
    activities' own order, and each activity's bodies and certifications in theirs. Credits are summed in
    this order, and a float sum can land on either side of the requirement depending on it.
    """
    if not (len(acts) and len(held)):
        return None
    a_tid = acts["trainer_id"].to_numpy(dtype=object)
    c_tid = held["trainer_id"].to_numpy(dtype=object)
    tid, _ = pd.factorize(np.concatenate([a_tid, c_tid]))
    a_t, c_t = tid[: len(a_tid)].astype(np.int64), tid[len(a_tid) :].astype(np.int64)
    n_bodies = bodies.count[acts.index].to_numpy()
    # No body named: every credit-bearing certification of the trainer.
    nb_rows = np.flatnonzero(n_bodies == 0)
    li_nb, ri_nb = _join(a_t[nb_rows], c_t)
    # Bodies named: one (act, body) per body, most acts naming one (taken directly), the rest exploded.
    one = np.flatnonzero(n_bodies == 1)
    several = np.flatnonzero(n_bodies > 1)
    if len(several):
        tuples = acts["bodies"].to_numpy(dtype=object)[several]
        lengths = np.fromiter((len(bs) for bs in tuples), dtype=np.intp, count=len(tuples))
        rows = np.concatenate([one, np.repeat(several, lengths)])
        named = np.concatenate(
            [
                bodies.first[acts.index].to_numpy(dtype=object)[one],
                np.array([b for bs in tuples for b in bs] + [None], dtype=object)[:-1],
            ]
        )
        keep = np.argsort(rows, kind="stable")  # the activities' order, each one's bodies in theirs
        rows, named = rows[keep], named[keep]
    else:
        rows = one
        named = bodies.first[acts.index].to_numpy(dtype=object)[one]
    body, _ = pd.factorize(np.concatenate([named, held["body"].to_numpy(dtype=object)]))
    n_codes = int(body.max()) + 2 if len(body) else 1
    a_key = a_t[rows] * n_codes + (body[: len(rows)] + 1)
    c_key = c_t * n_codes + (body[len(rows) :] + 1)
    li_wb, ri_wb = _join(a_key, c_key)
    left = np.concatenate([nb_rows[li_nb], rows[li_wb]])
    right = np.concatenate([ri_nb, ri_wb])
    act_side = acts[["activity_id", "trainer_id", "date", "amount", "unit_kind"]].take(left)
    cert_side = held[["cert_key", "credential", "hours_per_unit", "cycle_start", "window_end"]].take(right)
    return pd.concat([act_side.reset_index(drop=True), cert_side.reset_index(drop=True)], axis=1)


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


def _lookup(keys: pd.Series, table: pd.DataFrame | pd.Series) -> Callable[[str | None], pd.Series]:
    """``keys.map(table[column])`` for any column (``None``: a Series table), the keys found in the table's
    index once: looking text keys up is most of a map's cost, and several columns share the keys."""
    # Series.map itself, for what it treats apart: keys not stored as objects, an empty table (all NaN, float).
    indexer = table.index.get_indexer(keys.to_numpy()) if keys.dtype == object and len(table) else None

    def column(name: str | None = None) -> pd.Series:
        values = table if name is None else table[name]
        if indexer is None:
            return keys.map(values)
        return pd.Series(pd.api.extensions.take(values._values, indexer, allow_fill=True), index=keys.index)

    return column


def _standing_rows(
    c: pd.DataFrame, trainers: pd.DataFrame, warnings: list[str], T: pd.Timestamp
) -> pd.DataFrame:
    """STANDING_COLUMNS (+ cert_key), each with its trainer's name, club and role, sorted by urgency; the
    as-of warnings (issued after as-of, an expiry beyond a cycle and a year) join ``warnings``."""
    person = _lookup(c["trainer_id"], trainers.set_index("trainer_id"))
    c["trainer"] = person("trainer")
    c["club"] = person("club")
    warnings.extend(plausible.as_of_warnings(c, T))
    c["role"] = person("role")
    c["body"] = c["body"].where(c["known"], "")
    c["unit"] = c["unit"].where(c["known"], "")
    c = c.sort_values(["urgency", "trainer", "credential"], kind="stable")
    return c.reindex(columns=STANDING_COLUMNS).reset_index(drop=True)


def _cards(cards: pd.DataFrame, trainers: pd.DataFrame, T: pd.Timestamp) -> pd.DataFrame:
    """Every CPR/AED card on file with its trainer's name and club, and whether it is current."""
    out = cards.copy()
    person = _lookup(out["trainer_id"], trainers.set_index("trainer_id"))
    out["trainer"] = person("trainer")
    out["club"] = person("club")
    out["current"] = out["expires"] >= T
    return out


def _each(fn: Callable[..., object], *cols: np.ndarray) -> np.ndarray:
    """``fn`` of each row's values, called once per distinct combination (its first row's values), as an object
    array: a chain's reasons repeat a few hundred amounts, units and dates over ~27k certifications."""
    n = len(cols[0])
    if not n:
        return np.empty(0, dtype=object)
    code = np.zeros(n, dtype=np.int64)
    for col in cols:
        c, u = pd.factorize(col, use_na_sentinel=False)
        code, _ = pd.factorize(code * (len(u) + 1) + c)
    first = np.empty(int(code.max()) + 1, dtype=np.intp)
    first[code[::-1]] = np.arange(n - 1, -1, -1)
    args = [np.asarray(col, dtype=object)[first].tolist() for col in cols]
    return np.array([fn(*a) for a in zip(*args, strict=True)] + [""], dtype=object)[:-1][code]


def _text(values: np.ndarray) -> np.ndarray:
    """Each value as an f-string writes it (text stays as it is), as an object array."""
    arr = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(arr, skipna=False) in ("string", "empty"):
        return arr
    return np.array([f"{v}" for v in arr.tolist()] + [""], dtype=object)[:-1]


def _reasons(
    c: pd.DataFrame, credit_info: pd.Series, uncountable: pd.Series, T: pd.Timestamp
) -> list[list[str]]:
    """Plain sentences a manager can act on, one list per certification.

    Each kind of sentence is written for the rows it applies to at once (object arrays, numbers and units
    phrased once per distinct value); each row's list is its sentences in a fixed order: the rules, the status,
    the credits (and pace), hours that could not be counted, CPR/AED.
    """
    n = len(c)
    if not n:
        return []
    cpr_exp = c["cpr_expires"]
    cpr_state = np.select(
        [cpr_exp.isna(), cpr_exp < T, cpr_exp < c["expires"]], ["none", "expired", "early"], "ok"
    )
    status = c["status"].astype(object).to_numpy()
    known = c["known"].astype(bool).to_numpy()
    name = _text(c["credential_name"].to_numpy(dtype=object))
    E = np.asarray(fmt.days(c["expires"]), dtype=object)
    info = np.asarray(credit_info, dtype=bool)
    has_req = c["required"].notna().to_numpy()
    earned = c["earned"].to_numpy(dtype=float)
    req = c["required"].to_numpy(dtype=float)
    rem = c["remaining"].to_numpy(dtype=float)
    hpu = c["hours_per_unit"].to_numpy(dtype=float)
    unit = c["unit"].to_numpy(dtype=object)
    keys = c["cert_key"].astype(object)
    none = np.full(n, None, dtype=object)

    # The rules: none for this credential, no credit requirement, or no credit information.
    rules = none.copy()
    unknown = ~known
    if unknown.any():
        lasting = set(keys[unknown & (c["expires"] >= plausible.NO_EXPIRY_FROM).to_numpy()])
        does_not = keys.isin(lasting).to_numpy()
        rules[unknown] = (
            "no rules for "
            + name[unknown]
            + np.where(
                does_not[unknown],
                ": does not expire, credits not checked",
                ": expiry tracked, credits not checked",
            ).astype(object)
        )
    no_req = known & ~has_req
    rules[no_req] = name[no_req] + " has no credit requirement in the rules: expiry tracked"
    rules[known & has_req & ~info] = "credits not recorded"

    # The status: expired (with or without a date) or in its grace period.
    lapse = none.copy()
    expired = status == "expired"
    dated = E != ""
    lapse[expired & ~dated] = (
        "expired (the file says so and gives no date): not valid to work; the trainer must re-certify"
    )
    if (expired & dated).any() or (status == "grace").any():
        grace_end = np.asarray(fmt.days(c["grace_ends"]), dtype=object)
        m = expired & dated
        with_grace = c["grace_days"].fillna(0).to_numpy() != 0
        ended = np.where(with_grace[m], "; the grace period ended on " + grace_end[m], "").astype(object)
        lapse[m] = "expired on " + E[m] + ended + ": not valid to work; the trainer must re-certify"
        m = status == "grace"
        lapse[m] = (
            "lapsed on "
            + E[m]
            + ": in the grace period until "
            + grace_end[m]
            + ", renewable with a late fee, but not valid to work until renewed"
        )

    # The credits, and the pace when behind.
    credit, pace = none.copy(), none.copy()
    counted = known & info & has_req
    at_risk = status == "at_risk"
    expiring = at_risk & ~counted
    due = counted & ~(earned >= req) & np.isin(status, ["at_risk", "behind", "on_track"])
    if (expiring | (due & at_risk)).any():
        days = c["days_left"].to_numpy(dtype=object)
        m = expiring | (due & at_risk)
        credit[m] = (
            "expires in "
            + _text(days[m])
            + np.where(days[m] != 1, " days (", " day (").astype(object)
            + E[m]
            + ")"
        )
    if counted.any():
        met = counted & (earned >= req)
        rest = counted & ~met & ~due
        number_of = _each(_number, earned[counted])
        earned_text = none.copy()
        earned_text[counted] = number_of
        m = met | rest
        required = none.copy()
        required[m] = _each(_quantity, req[m], unit[m])
        credit[met] = "credits met: " + earned_text[met] + " of " + required[met]
        credit[rest] = earned_text[rest] + " of " + required[rest] + " were earned in the cycle"
        if due.any():
            in_hours = _each(lambda u: singular(u) == "hour", unit[due]).astype(bool)
            hours = np.full(int(due.sum()), "", dtype=object)
            h = np.isfinite(hpu[due]) & (rem[due] > 0) & ~in_hours
            hours[h] = " (" + _each(lambda x: _quantity(x, "hour"), rem[due][h] * hpu[due][h]) + ")"
            lead = np.where(at_risk[due], credit[due], "renewal due " + E[due]).astype(object)
            credit[due] = (
                lead
                + ": needs "
                + _each(lambda x, u: _quantity(x, u, more=True), rem[due], unit[due])
                + hours
                + " ("
                + earned_text[due]
                + " of "
                + _each(_number, req[due])
                + " earned)"
            )
            behind = due & (status == "behind")
            pace[behind] = [
                f"behind pace: {round(100 * e / r) if r else 100}% of the credits earned with "
                f"{round(100 * g)}% of the cycle gone"
                for e, r, g in zip(
                    earned[behind].tolist(),
                    req[behind].tolist(),
                    c["elapsed"].to_numpy(dtype=float)[behind].tolist(),
                    strict=True,
                )
            ]

    # Hours toward a credential that publishes no hours per unit (rule 6).
    stuck = none.copy()
    m = keys.isin(uncountable.index).to_numpy()
    if m.any():
        body = c["body_label"].astype(object).fillna("").to_numpy()
        stuck[m] = [
            f"{_quantity(uncountable[k], 'hour')} could not be counted: {b or nm} gives no hours per "
            f"{singular(u)}"
            for k, b, nm, u in zip(
                keys[m], body[m], c["credential_name"].astype(object)[m], unit[m], strict=True
            )
        ]

    # CPR/AED, unless the certification has expired anyway.
    cpr = none.copy()
    asks = c["cpr_required"].fillna(False).astype(bool).to_numpy() & ~expired
    if asks.any():
        cpr_day = np.asarray(fmt.days(cpr_exp), dtype=object)
        cpr[asks & (cpr_state == "none")] = "no CPR/AED on file"
        m = asks & (cpr_state == "expired")
        cpr[m] = "CPR/AED expired on " + cpr_day[m]
        m = asks & (cpr_state == "early")
        cpr[m] = "CPR/AED expires " + cpr_day[m] + ", before renewal"

    return _lists(rules, lapse, credit, pace, stuck, cpr)


def _lists(*phrases: np.ndarray) -> list[list[str]]:
    """Each row's phrases (None: not said) as a list, in the order given: the rows that say the same kinds of
    sentence are put together at once (a few dozen combinations over ~27k certifications)."""
    said = np.zeros(len(phrases[0]), dtype=np.int64)
    for bit, p in enumerate(phrases):
        said |= pd.notna(p).astype(np.int64) << bit
    out = np.empty(len(said), dtype=object)
    for combo in np.unique(said).tolist():
        rows = np.flatnonzero(said == combo)
        cols = [p[rows].tolist() for bit, p in enumerate(phrases) if combo >> bit & 1]
        lists = map(list, zip(*cols, strict=True)) if cols else ([] for _ in rows)
        out[rows] = np.fromiter(lists, dtype=object, count=len(rows))
    return out.tolist()


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
        per = pd.DataFrame(
            {
                "worst": g["rank"].min().map(lambda r: TRAINER_STATUSES[r]),
                "count": g.size(),
                "next": g["upcoming"].min(),
                "valid": g["valid"].any(),
            }
        )
        found = _lookup(t["trainer_id"], per)
        t["status"] = found("worst").fillna("missing")
        t["certifications"] = found("count").fillna(0).astype(int)
        t["next_expiry"] = pd.to_datetime(found("next"))
        valid = found("valid").fillna(False).astype(bool)
    else:
        t["status"] = "missing"
        t["certifications"] = 0
        t["next_expiry"] = pd.NaT
        valid = pd.Series(False, index=t.index)
    t["compliant"] = valid
    t["_rank"] = t["status"].map(STATUS_RANK)
    t = t.sort_values(["_rank", "trainer"], kind="stable")
    return t.reindex(columns=TRAINER_RESULT_COLUMNS).reset_index(drop=True)
