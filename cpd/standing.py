"""Credit standing per certification and compliance per trainer, exactly as shared/domain/standing.md says.

Pure and vectorised: a Roster, a Catalogue, ``as_of`` and the risk window in; a Standing out. Nothing here
reads the clock, a file or a rule value from code.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from .catalogue import Catalogue
from .ingest import plausible
from .ingest.assemble import reject_rows
from .ingest.values import Distinct
from .model import (
    CONTRIBUTION_COLUMNS,
    STANDING_COLUMNS,
    STATUSES,
    TRAINER_RESULT_COLUMNS,
    TRAINER_STATUSES,
    Notice,
    Roster,
    Standing,
)
from .wording import number, quantity, singular

STATUS_RANK = {s: i for i, s in enumerate(TRAINER_STATUSES)}
LAPSED = ("grace", "expired")


def rules_frame(catalogue: Catalogue) -> pd.DataFrame:
    """The catalogue as a frame indexed by credential id (the columns standing needs)."""
    rows = [{"credential": c.id, "body": c.body, "body_label": body_label(c.body_name or c.body),
             "rule_name": c.name, "kind": c.kind,
             "cycle_years": c.cycle_years, "required": c.required_credits, "unit": c.unit_label,
             "hours_per_unit": c.hours_per_unit, "cpr_required": c.cpr_required is True,
             "cpr_counts_credits": c.cpr_counts_credits or 0.0, "grace_days": c.grace}
            for c in catalogue.credentials.values()]
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


@lru_cache(maxsize=65536)
def _fmt(x: float) -> str:
    """2.0 -> "2", 0.30000001 -> "0.3", 1.25 -> "1.25"."""
    return number(x)


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


@lru_cache(maxsize=65536)
def _day(ts: pd.Timestamp) -> str:
    return "" if pd.isna(ts) else f"{ts.day} {ts:%b %Y}"


def compute_standing(roster: Roster, catalogue: Catalogue, *, as_of: date, window: int = 90) -> Standing:
    """Standing of every certification and trainer at ``as_of`` with a risk window of ``window`` days."""
    if window < 0:
        raise ValueError("window must be 0 or more days")
    T = pd.Timestamp(as_of)
    rules = rules_frame(catalogue)
    certs = roster.certifications.copy()
    acts = roster.activities.copy()
    cards = roster.cpr_cards
    ledger = roster.ledger
    warnings = list(roster.warnings)

    c = certs.join(rules, on="credential", how="left")
    c["known"] = c["credential"].isin(rules.index[rules["kind"].eq("certification")])
    c["cycle_start"] = cycle_start(c["expires"], c["cycle_years"].where(c["known"]))
    c["window_end"] = c["expires"].where(c["expires"] < T, T)
    credit_bearing = c["known"] & c["required"].notna()

    # Which unit does each activity row mean? Reject the ambiguous ones (standing.md rules 1 and 3).
    held = c[credit_bearing]
    sizes_per_trainer = held.assign(h=held["hours_per_unit"].fillna(-1.0)).groupby("trainer_id")["h"].nunique()
    body_hpu = {b: set(g.fillna(-1.0)) for b, g in
                rules[rules["kind"].eq("certification")].groupby("body")["hours_per_unit"]}
    if len(acts):
        units = pd.Series(acts["unit_kind"].to_numpy(dtype=object) == "units", index=acts.index)
        # "bodies" (a tuple) follows from "bodies_text": work per distinct text, which hashes far faster.
        named = Distinct.of(acts["bodies_text"])
        tuples = acts["bodies"].to_numpy(dtype=object)[named.first_rows()]
        n_bodies = named.spread(pd.Series([len(bs) for bs in tuples], dtype=int))
        first_body = named.spread(pd.Series([bs[0] if bs else None for bs in tuples], dtype=object))
        no_body = n_bodies.eq(0)
        amb_trainer = units & no_body
        if amb_trainer.any():
            amb_trainer[amb_trainer] = acts.loc[amb_trainer, "trainer_id"].map(sizes_per_trainer).fillna(0).gt(1)
        named_sizes = named.spread(pd.Series([len({h for b in bs for h in body_hpu.get(b, ())}) for bs in tuples],
                                             dtype=int))
        amb_bodies = units & ~no_body & named_sizes.gt(1)
        rejected = amb_trainer | amb_bodies
        if rejected.any():
            held_names = (held[held["trainer_id"].isin(acts.loc[amb_trainer, "trainer_id"])]
                          .groupby("trainer_id")["credential_name"].agg(lambda s: " and ".join(dict.fromkeys(s))))
            why = pd.Series("", index=acts.index, dtype=object)
            why[amb_trainer] = [
                f"unit {u or 'credit'} is ambiguous for this trainer (holds {held_names.get(t, '')}): name the body or give hours"
                for u, t in zip(acts.loc[amb_trainer, "unit_text"], acts.loc[amb_trainer, "trainer_id"], strict=True)]
            why[amb_bodies] = [
                f"unit {u or 'credit'} is ambiguous: {' and '.join(bs)} count credits in units of different sizes; give hours"
                for u, bs in zip(acts.loc[amb_bodies, "unit_text"], acts.loc[amb_bodies, "bodies"], strict=True)]
            rej = acts[rejected]
            ledger = reject_rows(ledger, pd.DataFrame({"file": rej["file"], "sheet": rej["sheet"], "row": rej["row"],
                                                       "column": rej["unit_column"], "reason": why[rejected]}))
            acts = acts[~rejected]
        future = acts["date"] > T
        if future.any():
            names = roster.trainers.set_index("trainer_id")["trainer"]
            first = acts[future].head(5)
            sample = "; ".join(f"{names.get(t, t)}: {crs or 'activity'} on {_day(d)}" for t, crs, d in
                               zip(first["trainer_id"], first["course"], first["date"], strict=True))
            n = int(future.sum())
            if n > 5:
                sample += f"; and {n - 5} more"
            warnings.append(Notice("future", f"{n} activit{'y is' if n == 1 else 'ies are'} dated after as-of "
                                             f"({_day(T)}) and not counted yet (booked courses?): {sample}."))

    # Pair each activity with the certifications it can count toward.
    cert_side = c.loc[credit_bearing, ["cert_key", "trainer_id", "credential", "body", "hours_per_unit",
                                       "cycle_start", "window_end"]]
    pairs = []
    if len(acts) and len(cert_side):
        a = acts[["activity_id", "trainer_id", "date", "amount", "unit_kind", "bodies"]]
        nb = a[n_bodies[a.index].eq(0)]
        pairs.append(nb.merge(cert_side, on="trainer_id"))
        # Most activities name one body: take it directly and explode only the rows that name several.
        one = a[n_bodies[a.index].eq(1)]
        one = one.assign(bodies=first_body[one.index]).rename(columns={"bodies": "body"})
        several = a[n_bodies[a.index].gt(1)].explode("bodies").rename(columns={"bodies": "body"})
        # In the activities' own order, as exploding them all gave: credits are summed in this order, and a
        # float sum can land on either side of the requirement depending on it.
        wb = pd.concat([one, several]).sort_index(kind="stable") if len(several) else one
        if len(wb):
            pairs.append(wb.merge(cert_side, on=["trainer_id", "body"]))
    if pairs:
        p = pd.concat(pairs, ignore_index=True)
        p["credits"] = np.where(p["unit_kind"].eq("hours"), p["amount"] / p["hours_per_unit"], p["amount"])
        in_window = (p["date"] > p["cycle_start"]) & (p["date"] <= p["window_end"])
        inside = in_window & p["credits"].notna()
        contrib = p.loc[inside & p["credits"].gt(0), ["activity_id", "trainer_id", "cert_key", "credential", "credits"]]
        contrib = contrib.drop_duplicates(["activity_id", "cert_key"])
        # Hours toward a credential that publishes no hours per unit (rule 6): not counted, and said so.
        stuck_log = p.loc[in_window & p["credits"].isna() & p["amount"].gt(0)].drop_duplicates(["activity_id", "cert_key"])
        uncountable = stuck_log.groupby("cert_key")["amount"].sum()
    else:
        contrib = pd.DataFrame(columns=["activity_id", "trainer_id", "cert_key", "credential", "credits"])
        uncountable = pd.Series(dtype=float)
    from_log = contrib.groupby("cert_key")["credits"].sum()

    # Flat credits written on the roster row. Hours for a credential with no hours per unit are not counted
    # (rule 6): they join the log's uncountable hours, so the reasons say so.
    flat = np.where(c["credits_in_hours"], c["credits"] / c["hours_per_unit"], c["credits"])
    c["flat"] = pd.Series(flat, index=c.index, dtype=float)
    stuck = credit_bearing & c["credits_in_hours"] & c["credits"].gt(0) & c["hours_per_unit"].isna()
    if stuck.any():
        flat_hours = c.loc[stuck].groupby("cert_key")["credits"].sum()
        uncountable = flat_hours.add(uncountable, fill_value=0.0) if len(uncountable) else flat_hours

    # CPR/AED: current card, and credit for a card completed inside the window.
    if len(cards):
        latest = cards.groupby("trainer_id")["expires"].max()
        c["cpr_expires"] = c["trainer_id"].map(latest)
        issued_cards = cards[cards["issued"].notna()][["trainer_id", "issued"]]
        cc = c.loc[c["cpr_counts_credits"].fillna(0).gt(0), ["cert_key", "trainer_id", "cycle_start", "window_end"]]
        m = cc.merge(issued_cards, on="trainer_id")
        got = m[(m["issued"] > m["cycle_start"]) & (m["issued"] <= m["window_end"])]["cert_key"].unique()
        c["cpr_credit"] = np.where(c["cert_key"].isin(got), c["cpr_counts_credits"], 0.0)
    else:
        c["cpr_expires"] = pd.NaT
        c["cpr_credit"] = 0.0
    c["cpr_expires"] = pd.to_datetime(c["cpr_expires"])
    has_card = c["cpr_expires"].notna()
    current = c["cpr_expires"] >= T
    c["cpr_current"] = pd.array(np.where(has_card | c["cpr_required"].fillna(False), current, pd.NA), dtype="boolean")
    cpr_ok = ~c["cpr_required"].fillna(False).astype(bool) | current

    # Earned, required, remaining. Credit information is a property of the upload (rule 7), not of a file.
    credit_info = credit_bearing & (has_credit_information(roster) | c["credits"].notna())
    earned = (c["flat"].fillna(0.0) + c["cert_key"].map(from_log).fillna(0.0) + c["cpr_credit"]).round(6)
    c["earned"] = earned.where(credit_info)
    c["required"] = c["required"].where(c["known"])
    c["remaining"] = (c["required"] - c["earned"]).clip(lower=0).round(6)
    # A training-matrix cell that says "expired" and gives no date: held and expired, expiry unknown (inputs.md).
    # Its expires and days_left stay empty (nullable days only then); it is expired whatever the as-of date.
    no_date = c["expires"].isna()
    c["days_left"] = (c["expires"] - T).dt.days.astype("Int64" if no_date.any() else "int64")
    span = (c["expires"] - c["cycle_start"]).dt.days
    c["elapsed"] = ((T - c["cycle_start"]).dt.days / span.where(span > 0)).clip(0, 1)
    c["progress"] = (c["earned"] / c["required"].where(c["required"] > 0)).clip(0, 1)
    c.loc[credit_info & c["required"].eq(0), "progress"] = 1.0

    # Status: the first rule that applies wins.
    grace = c["grace_days"].fillna(0).astype(int)
    grace_end = c["expires"] + pd.to_timedelta(grace, unit="D")
    c["grace_ends"] = grace_end
    c["cpr_required"] = c["cpr_required"].astype(object).fillna(False).astype(bool)
    met = credit_info & (c["earned"] >= c["required"]) & cpr_ok
    ratio = c["earned"] / c["required"].where(c["required"] > 0)
    behind = credit_info & (ratio < c["elapsed"] - 0.25)
    conds = [no_date | (grace_end < T), c["expires"] < T, met, c["days_left"].fillna(0) <= window, behind]
    c["status"] = np.select(conds, ["expired", "grace", "met", "at_risk", "behind"], default="on_track")
    c.loc[~credit_info & c["status"].isin(["met", "behind"]), "status"] = "on_track"

    c["reasons"] = _reasons(c, credit_info, uncountable, T, window)
    c["urgency"] = (c["status"].map(STATUS_RANK).astype(int) * 100_000
                    + c["days_left"].clip(-99_999, 99_999).fillna(-99_999).astype("int64"))

    people = roster.trainers.set_index("trainer_id")
    c["trainer"] = c["trainer_id"].map(people["trainer"])
    c["club"] = c["trainer_id"].map(people["club"])
    warnings.extend(plausible.as_of_warnings(c, T))  # issued after as-of, an expiry beyond a cycle and a year
    c["role"] = c["trainer_id"].map(people["role"])
    c["body"] = c["body"].where(c["known"], "")
    c["unit"] = c["unit"].where(c["known"], "")
    c = c.sort_values(["urgency", "trainer", "credential"], kind="stable")
    standings = c.reindex(columns=STANDING_COLUMNS + ["cert_key"]).reset_index(drop=True)

    trainers = _trainers(roster, standings, T)
    cards_out = cards.copy()
    cards_out["trainer"] = cards_out["trainer_id"].map(people["trainer"])
    cards_out["club"] = cards_out["trainer_id"].map(people["club"])
    cards_out["current"] = cards_out["expires"] >= T
    return Standing(as_of=as_of, window=window, standings=standings, trainers=trainers,
                    activities=acts.reset_index(drop=True), contributions=contrib.reset_index(drop=True),
                    ledger=ledger, mappings=roster.mappings, warnings=tuple(dict.fromkeys(warnings)),
                    rules_version=catalogue.version, cpr_cards=cards_out, unreadable=roster.unreadable)


def _day_strings(dates: pd.Series) -> list[str]:
    """"27 Oct 2025" for each date, formatting each distinct date once."""
    codes, uniq = pd.factorize(pd.to_datetime(dates))
    names = np.array([f"{t.day} {t:%b %Y}" for t in uniq] + [""], dtype=object)
    return names[codes].tolist()  # code -1 (no date) picks the trailing ""


def _reasons(c: pd.DataFrame, credit_info: pd.Series, uncountable: pd.Series, T: pd.Timestamp,
             window: int) -> list[list[str]]:
    """Plain sentences a manager can act on, one list per certification."""
    out: list[list[str]] = []
    cpr_exp = c["cpr_expires"]
    cpr_state = np.select([cpr_exp.isna(), cpr_exp < T, cpr_exp < c["expires"]], ["none", "expired", "early"], "ok")
    # Plain Python lists and preformatted dates: element-wise pandas access is what made this slow.
    cols = zip(*(x.tolist() if hasattr(x, "tolist") else x for x in (
        c["status"].astype(object), c["known"], c["credential_name"].astype(object), _day_strings(c["expires"]),
        _day_strings(c["grace_ends"]), c["grace_days"].fillna(0), c["earned"], c["required"], c["remaining"],
        c["unit"].astype(object), c["hours_per_unit"], c["days_left"], c["cpr_required"].fillna(False).astype(bool),
        _day_strings(cpr_exp), cpr_state, credit_info, c["elapsed"], c["cert_key"].astype(object),
        c["required"].notna(), c["body_label"].astype(object).fillna(""))), strict=True)
    uncountable_keys = set(uncountable.index)
    # An unknown credential whose expiry is a placeholder (31 Dec 2099, 9999): it does not expire.
    lasting = set(c.loc[~c["known"].astype(bool) & (c["expires"] >= plausible.NO_EXPIRY_FROM), "cert_key"])
    for (status, known, name, E, grace_end, g, earned, req, rem, unit, hpu, days, cpr_req, cpr_day, cpr, info,
         elapsed, key, has_req, body) in cols:
        r: list[str] = []
        if not known:
            r.append(f"no rules for {name}: does not expire, credits not checked" if key in lasting else
                     f"no rules for {name}: expiry tracked, credits not checked")
        elif not has_req:
            r.append(f"{name} has no credit requirement in the rules: expiry tracked")
        elif not info:
            r.append("credits not recorded")
        if status == "expired" and not E:
            r.append("expired (the file says so and gives no date): not valid to work; the trainer must re-certify")
        elif status == "expired":
            r.append(f"expired on {E}" + (f"; the grace period ended on {grace_end}" if g else "")
                     + ": not valid to work; the trainer must re-certify")
        elif status == "grace":
            r.append(f"lapsed on {E}: in the grace period until {grace_end}, "
                     "renewable with a late fee, but not valid to work until renewed")
        if known and info and has_req:
            in_hours = singular(unit) == "hour"
            hours = f" ({quantity(rem * hpu, 'hour')})" if math.isfinite(hpu) and rem > 0 and not in_hours else ""
            if earned >= req:
                r.append(f"credits met: {_fmt(earned)} of {quantity(req, unit)}")
            elif status in ("at_risk", "behind", "on_track"):
                lead = f"expires in {days} day{'s' if days != 1 else ''} ({E})" if status == "at_risk" else f"renewal due {E}"
                r.append(f"{lead}: needs {quantity(rem, unit, more=True)}{hours} ({_fmt(earned)} of {_fmt(req)} earned)")
                if status == "behind":
                    r.append(f"behind pace: {round(100 * earned / req) if req else 100}% of the credits earned with "
                             f"{round(100 * elapsed)}% of the cycle gone")
            else:
                r.append(f"{_fmt(earned)} of {quantity(req, unit)} were earned in the cycle")
        elif status == "at_risk":
            r.append(f"expires in {days} day{'s' if days != 1 else ''} ({E})")
        if key in uncountable_keys:
            r.append(f"{quantity(uncountable[key], 'hour')} could not be counted: {body or name} gives no hours per "
                     f"{singular(unit)}")
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
        cpr_holds = ~s["cpr_required"].fillna(False).astype(bool) | s["cpr_current"].fillna(False).astype(bool)
        g = s.assign(rank=rank, valid=~s["status"].isin(LAPSED) & cpr_holds,
                     upcoming=s["expires"].where(s["expires"] >= T)).groupby("trainer_id")
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


_ = STATUSES, CONTRIBUTION_COLUMNS
