"""Put the sheets together: recognise the same trainer across rows and files, and close the ledger.

A trainer is the same person when their names match ignoring case, accents and spaces ("Ana Silva" and
"ana silva "). Rows that give only a staff id are resolved through the staff sheet of the same file first,
then through any file where that id is unambiguous; otherwise they are rejected, never guessed.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..model import (
    ACTIVITY_COLUMNS,
    CERTIFICATION_COLUMNS,
    CPR_COLUMNS,
    LEDGER_COLUMNS,
    TRAINER_COLUMNS,
    Roster,
)
from ..text import fold
from .sheets import PEOPLE_COLUMNS, SheetResult


def stable_id(name_key: str) -> str:
    """A trainer id derived from the normalised name, stable across runs and files."""
    return "t-" + hashlib.sha1(name_key.encode("utf-8")).hexdigest()[:10]


def _display_name(names: pd.Series) -> str:
    """Prefer a spelling with capitals ("Ana Silva" over "ana silva")."""
    for n in names:
        if n and n != n.lower():
            return n
    return next((n for n in names if n), "")


def assemble(results: list[SheetResult], *, catalogue: Catalogue, unreadable: tuple[str, ...] = ()) -> Roster:
    used = [r for r in results if r.mapping.layout != "skipped"]
    warnings: list[str] = [w for r in results for w in r.warnings]
    ledger = pd.concat([r.ledger for r in used], ignore_index=True) if used else pd.DataFrame(columns=LEDGER_COLUMNS)
    ledger = ledger.astype({"row": "int64"}) if len(ledger) else ledger
    key_cols = ["file", "sheet", "row"]

    # Observations of people: every row that names someone and was not rejected for another reason.
    obs_frames = []
    for r in used:
        p = r.people.copy()
        p["fate"] = r.ledger["fate"].to_numpy()
        obs_frames.append(p[p["fate"].ne("blank")])
    obs = pd.concat(obs_frames, ignore_index=True) if obs_frames else pd.DataFrame(columns=PEOPLE_COLUMNS + ["fate"])
    obs["name_key"] = obs["name"].map(fold) if len(obs) else pd.Series(dtype=object)

    # id -> name key: within a file first, then globally when unambiguous.
    named = obs[(obs["name_key"] != "") & (obs["local_id"] != "")]
    file_map = named.drop_duplicates(["file", "local_id"]).set_index(["file", "local_id"])["name_key"]
    global_ids = named.groupby("local_id")["name_key"].nunique()
    global_map = named[named["local_id"].isin(global_ids[global_ids == 1].index)].drop_duplicates("local_id")
    global_map = global_map.set_index("local_id")["name_key"]

    def resolve(frame: pd.DataFrame) -> pd.Series:
        """Name key for each row of a frame with file, local_id, name."""
        if frame.empty:
            return pd.Series([], dtype=object, index=frame.index)
        key = frame["name"].map(fold)
        need = key.eq("") & frame["local_id"].ne("")
        if need.any():
            idx = pd.MultiIndex.from_arrays([frame.loc[need, "file"], frame.loc[need, "local_id"]])
            via_file = pd.Series(file_map.reindex(idx).to_numpy(), index=frame.index[need])
            via_global = frame.loc[need, "local_id"].map(global_map)
            key.loc[need] = via_file.where(via_file.notna(), via_global).fillna("").to_numpy()
        return key

    # Rows whose person cannot be resolved are rejected.
    unresolved_rows = []
    for r in used:
        if r.layout == "staff":
            continue
        p = r.people
        ok = r.ledger["fate"].eq("accepted").to_numpy()
        keys = resolve(p[ok])
        bad = keys.eq("")
        if bad.any():
            sub = p[ok][bad.to_numpy()]
            unresolved_rows.append(pd.DataFrame({
                "file": sub["file"], "sheet": sub["sheet"], "row": sub["row"],
                "column": r.person_column,
                "reason": sub["local_id"].map(lambda i: f"staff id '{i}' is not on any staff sheet or roster, "
                                              "so this row cannot be given to a trainer")}))
    if unresolved_rows:
        unres = pd.concat(unresolved_rows, ignore_index=True)
        ledger = _reject(ledger, unres)

    accepted_keys = ledger.loc[ledger["fate"].eq("accepted"), key_cols]
    obs = obs.merge(accepted_keys, on=key_cols, how="inner") if len(obs) else obs
    obs["name_key"] = resolve(obs) if len(obs) else obs.get("name_key")

    # Trainers: one per name key.
    if len(obs):
        obs = obs[obs["name_key"] != ""]
        obs["_order"] = np.arange(len(obs))
        grouped = obs.groupby("name_key", sort=False)
        first = lambda s: next((v for v in s if v), "")  # noqa: E731
        trainers = grouped.agg(trainer=("name", _display_name), local_id=("local_id", first),
                               club=("club", first), role=("role", first), email=("email", first),
                               _order=("_order", "min")).sort_values("_order")
        trainers["trainer_id"] = [lid if lid else stable_id(k) for k, lid in zip(trainers.index, trainers["local_id"], strict=True)]
        # A trainer named only by id on a sheet with no names keeps the id as the name.
        trainers["trainer"] = trainers["trainer"].where(trainers["trainer"] != "", trainers["trainer_id"])
        dup_ids = trainers["trainer_id"].duplicated(keep=False)
        if dup_ids.any():  # the same id used for different people in different files
            trainers.loc[dup_ids, "trainer_id"] = [f"{tid}-{stable_id(k)[2:6]}" for k, tid in
                                                   zip(trainers.index[dup_ids], trainers.loc[dup_ids, "trainer_id"], strict=True)]
        id_of = trainers["trainer_id"]
        trainers_out = trainers.reset_index()[TRAINER_COLUMNS]
    else:
        id_of = pd.Series(dtype=object)
        trainers_out = pd.DataFrame(columns=TRAINER_COLUMNS)

    def attach(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        frames = [f for f in frames if f is not None and len(f)]
        if not frames:
            return pd.DataFrame(columns=columns)
        f = pd.concat(frames, ignore_index=True)
        f = f.merge(ledger.loc[ledger["fate"].eq("accepted"), key_cols], on=key_cols, how="inner")
        f["trainer_id"] = resolve(f).map(id_of)
        return f[f["trainer_id"].notna()]

    certs = attach([r.certs for r in used], CERTIFICATION_COLUMNS)
    if len(certs):
        certs["cert_key"] = certs["file"] + "|" + certs["sheet"] + "|" + certs["row"].astype(str) + "|" + certs["credential"].astype(str)
        # The same certification listed twice (two files, or twice in one): keep the later expiry.
        certs = certs.sort_values(["trainer_id", "credential", "expires"], kind="stable")
        dup = certs.duplicated(["trainer_id", "credential"], keep="last")
        if dup.any():
            names = trainers_out.set_index("trainer_id")["trainer"]
            for (tid, cred), grp in certs[certs.duplicated(["trainer_id", "credential"], keep=False)].groupby(
                    ["trainer_id", "credential"], sort=False):
                places = "; ".join(f"{f} {s} row {r}".replace("  ", " ") for f, s, r in zip(grp["file"], grp["sheet"], grp["row"], strict=True))
                warnings.append(f"{names.get(tid, tid)}'s {grp['credential_name'].iloc[0]} is listed "
                                f"{len(grp)} times ({places}): the latest expiry was used.")
            certs = certs[~dup]
        certs = certs.sort_index()
    certs = certs.reindex(columns=CERTIFICATION_COLUMNS)
    cpr = attach([r.cpr for r in used], CPR_COLUMNS).reindex(columns=CPR_COLUMNS)
    acts = attach([r.activities for r in used], ACTIVITY_COLUMNS)
    if len(acts):
        acts = acts.reset_index(drop=True)
        acts["activity_id"] = np.arange(len(acts))
    acts = acts.reindex(columns=ACTIVITY_COLUMNS)
    log_files = {r.mapping.file for r in used if r.layout == "ce_log"}
    logged = attach([r.people for r in used if r.mapping.file in log_files], PEOPLE_COLUMNS)
    ce_logged = frozenset(logged["trainer_id"]) if "trainer_id" in logged else frozenset()
    for frame, cols in ((certs, ("issued", "expires")), (cpr, ("issued", "expires")), (acts, ("date",))):
        for c in cols:
            frame[c] = pd.to_datetime(frame[c])
    certs["known"] = certs["known"].astype(bool)
    certs["credits"] = pd.to_numeric(certs["credits"], errors="coerce").astype(float)
    certs["credits_in_hours"] = certs["credits_in_hours"].fillna(False).astype(bool)
    acts["amount"] = acts["amount"].astype(float)

    return Roster(trainers=trainers_out, certifications=certs.reset_index(drop=True), activities=acts,
                  cpr_cards=cpr.reset_index(drop=True), ledger=ledger.reset_index(drop=True)[LEDGER_COLUMNS],
                  mappings=tuple(r.mapping for r in results), warnings=tuple(dict.fromkeys(warnings)),
                  unreadable=unreadable, ce_logged=ce_logged)


def _reject(ledger: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Mark the given (file, sheet, row) as rejected with their column and reason."""
    ledger = ledger.copy()
    idx = ledger.set_index(["file", "sheet", "row"]).index
    target = pd.MultiIndex.from_frame(rows[["file", "sheet", "row"]])
    pos = idx.get_indexer(target)
    ok = pos >= 0
    ledger.loc[ledger.index[pos[ok]], "fate"] = "rejected"
    ledger.loc[ledger.index[pos[ok]], "column"] = rows["column"].to_numpy()[ok]
    ledger.loc[ledger.index[pos[ok]], "reason"] = rows["reason"].to_numpy()[ok]
    return ledger


reject_rows = _reject
