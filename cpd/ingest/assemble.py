"""Put the sheets together: recognise the same trainer across rows and files, and close the ledger.

A trainer is the same person when their names match ignoring case, accents and spaces ("Ana Silva" and
"ana silva "). Rows that give only a staff id are resolved through the staff sheet of the same file first,
then through any file where that id is unambiguous; otherwise they are rejected, never guessed.

A trainer listed at two clubs (two rows with different clubs, or one cell naming both) belongs to both
(``Roster.memberships``; ``club`` is the first one, shown and counted for people who see every club). A club cell
is split only when every part is a club that some row of the files names on its own: "Downtown / Riverside",
"Downtown, Riverside", "Downtown & Riverside", "Downtown; Riverside", "Downtown + Riverside", "Downtown |
Riverside" and "Downtown and Riverside" are two clubs when rows say "Downtown" and "Riverside" alone, and one club
otherwise ("24/7 Fitness", "Smith & Jones Gym"): a club name may hold any of these separators, and a cell that is
not split can only hide a trainer from a manager, never show one to the wrong one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from .. import ledger
from ..distinct import combined_codes, map_unique
from ..model import (
    ACTIVITY_COLUMNS,
    CERTIFICATION_COLUMNS,
    CPR_COLUMNS,
    LEDGER_COLUMNS,
    MEMBERSHIP_COLUMNS,
    TRAINER_COLUMNS,
    Roster,
)
from .notes import EXAMPLES_KEPT, Tally, cap
from .sheets import SheetResult
from .values import fast_fold


def _canonical_id(value: object) -> str:
    """A staff id for matching: digits lose their leading zeros, anything else is kept as written."""
    text = "" if value is None else str(value)
    return (text.lstrip("0") or "0") if text.isdigit() else text


def _distinct_rows(
    obs: pd.DataFrame, accepted: np.ndarray, files: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct observation, each row's observation number), in order of first appearance;
    ``files``, when given, numbers each row's file (one integer per file name), in place of its name."""
    if not len(obs):
        return np.array([], dtype=int), np.array([], dtype=int)
    file = obs["file"].to_numpy(dtype=object) if files is None else files
    code = combined_codes(
        [file, *(obs[col].to_numpy(dtype=object) for col in ("local_id", "name", "club", "role", "email"))],
        accepted,
    )
    first = (
        pd.Series(code).drop_duplicates().index.to_numpy()
    )  # codes number observations by first appearance
    return first, code


# Words after a comma that make "X, Y" something other than "Last, First": a suffix, a post-nominal credential
# or title ("Smith, Jr.", "Ana Silva, CPT"), or a company's legal form ("Acme Fitness, Inc.").
_NOT_A_FIRST_NAME = frozenset(
    {
        "jr",
        "jnr",
        "sr",
        "snr",
        "ii",
        "iii",
        "iv",
        "vi",
        "esq",
        "phd",
        "md",
        "dpt",
        "rn",
        "np",
        "atc",
        "cscs",
        "cpt",
        "pt",
        "msc",
        "bsc",
        "ba",
        "bs",
        "mba",
        "mph",
        "ryt",
        "lmt",
        "rdn",
        "cfsc",
        "nasm",
        "ace",
        "issa",
        "acsm",
        "nsca",
        "ncsf",
        "nfpt",
        "afaa",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "plc",
        "pty",
        "pte",
        "kg",
        "cv",
        "group",
        "club",
        "gym",
        "fitness",
        "studio",
        "studios",
        "centre",
        "center",
        "team",
        "staff",
    }
)
_SUFFIXES = frozenset({"jr", "jnr", "sr", "snr", "ii", "iii", "iv", "v", "vi"})
# A part of a person's name: letters (any script), with spaces, apostrophes, hyphens and dots between them.
_NAME_PART = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '\u2019.\-])*")


def first_last(name: object) -> str:
    """A name written "Last, First" (the form most HR exports use) in the "First Last" form: "Silva, Ana" ->
    "Ana Silva", "de la Cruz, Juan" -> "Juan de la Cruz", "Smith, John, Jr." -> "John Smith Jr.". Anything
    else is kept as written: "Smith, Jr.", "Ana Silva, CPT", "Acme Fitness, Inc.", names with digits."""
    text = "" if name is None else str(name)
    if "," not in text:
        return text
    parts = [" ".join(p.split()) for p in text.split(",")]
    suffix = ""
    if len(parts) == 3 and set(fast_fold(parts[2]).split()) <= _SUFFIXES and parts[2]:
        parts, suffix = parts[:2], " " + parts[2]
    if len(parts) != 2:
        return text
    last, first = parts
    first_words, last_words = fast_fold(first).split(), fast_fold(last).split()
    if not first_words or not last_words or len(first_words) > 4 or len(last_words) > 4:
        return text
    if set(first_words) & _NOT_A_FIRST_NAME or set(last_words) & {"inc", "llc", "ltd", "gmbh", "corp"}:
        return text
    if not (_NAME_PART.fullmatch(first) and _NAME_PART.fullmatch(last)):  # '=HYPERLINK("a","b")' is no name
        return text
    return f"{first} {last}{suffix}"


def stable_id(name_key: str) -> str:
    """A trainer id derived from the normalised name, stable across runs and files."""
    return "t-" + hashlib.sha1(name_key.encode("utf-8")).hexdigest()[:10]


def assemble(results: list[SheetResult], *, unreadable: tuple[str, ...] = ()) -> Roster:
    """The sheets' results as one Roster: people recognised across rows and files, rows without a trainer and
    repeated CE rows rejected, the same certification listed twice kept once, and the ledger closed."""
    rows = _SourceRows.of(results)
    warnings: list[str] = [w for r in results for w in r.warnings]
    people = _observations(rows)
    _resolve_people(people)
    rows.person_of[people.rid] = people.person.to_numpy(dtype=object)[people.code]
    _reject_unresolved(rows, people)
    trainers_out, id_of, memberships = _trainers(people, rows.fate)
    trainer_of = _trainer_of_rows(rows, people, id_of)
    attach = _Attach(rows, id_of, trainer_of)
    certs = _certifications(
        attach([(i, r.certs) for i, r in enumerate(rows.used)], CERTIFICATION_COLUMNS), trainers_out, warnings
    )
    cpr = attach([(i, r.cpr) for i, r in enumerate(rows.used)], CPR_COLUMNS).reindex(columns=CPR_COLUMNS)
    acts = _activities(
        attach([(i, r.activities) for i, r in enumerate(rows.used)], ACTIVITY_COLUMNS), rows, warnings
    )
    ce_logged = _ce_logged(rows, id_of, trainer_of)
    _set_types(certs, cpr, acts)
    return Roster(
        trainers=trainers_out,
        certifications=certs.reset_index(drop=True),
        activities=acts,
        cpr_cards=cpr.reset_index(drop=True),
        ledger=rows.ledger.reset_index(drop=True)[LEDGER_COLUMNS],
        mappings=tuple(r.mapping for r in results),
        warnings=cap(warnings),
        unreadable=unreadable,
        ce_logged=ce_logged,
        memberships=memberships,
    )


_CLUB_SEPARATOR = re.compile(r"\s*(?:[/;,&+|]|\s\band\s)\s*", re.IGNORECASE)


def _club_key(club: object) -> str:
    return " ".join(str(club or "").split()).casefold()


def club_parts(cell: object, known: frozenset[str]) -> tuple[str, ...]:
    """The clubs one club cell names: its parts when it has two or more and every part's key (case and white
    space ignored) is in ``known``, else the cell itself (trimmed); () for an empty cell."""
    text = " ".join(str(cell or "").split())
    if not text:
        return ()
    parts = [p for p in _CLUB_SEPARATOR.split(text) if p]
    if len(parts) >= 2 and all(_club_key(p) in known for p in parts):
        return tuple(dict.fromkeys(parts))
    return (text,)


def split_clubs(cells: pd.Series) -> pd.Series:
    """``club_parts`` of every cell, the known clubs being the cells themselves (worked out once per distinct
    cell)."""
    known = frozenset(_club_key(c) for c in pd.unique(cells.to_numpy(dtype=object)) if _club_key(c))
    return map_unique(cells, lambda c: club_parts(c, known))


@dataclass
class _SourceRows:
    """Every source row of the sheets read, by global position (its ledger row), with its fate, layout, the
    column that names its person and, once resolved, its person ("" for none).

    Frames carry the position as _rid, so linking a certification or activity to its row's fate and person is
    array indexing, not a join."""

    used: list[SheetResult]
    ledger: pd.DataFrame
    fate: np.ndarray
    layout_of: np.ndarray
    column_of: np.ndarray
    offsets: np.ndarray
    person_of: np.ndarray

    @classmethod
    def of(cls, results: list[SheetResult]) -> _SourceRows:
        used = [r for r in results if r.mapping.layout != "skipped"]
        book = ledger.combine([r.ledger for r in used])
        n = len(book)
        sizes = [len(r.ledger) for r in used]

        def per_row(values: list) -> np.ndarray:
            return np.repeat(np.array(values, dtype=object), sizes) if used else np.array([], dtype=object)

        fate = book["fate"].to_numpy(dtype=object).copy() if n else np.array([], dtype=object)
        return cls(
            used=used,
            ledger=book,
            fate=fate,
            layout_of=per_row([r.layout for r in used]),
            column_of=per_row([r.person_column for r in used]),
            offsets=np.cumsum([0] + sizes)[:-1],
            person_of=np.full(n, "", dtype=object),
        )

    def with_rid(self, frames: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
        """The sheets' frames one after the other, each row with its global position as _rid."""
        parts = [
            f.assign(_rid=self.offsets[i] + f["_pos"].to_numpy())
            for i, f in frames
            if f is not None and len(f)
        ]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_rid"])


@dataclass
class _People:
    """The distinct observations of people (rows that name someone and are not blank), resolved to persons.

    A CE log names each trainer once per course: each distinct observation (same file, id, name and details,
    same fate) is resolved once, on its first row, and the answer spread back to every row through ``code``.
    """

    obs: pd.DataFrame  # one row per distinct observation
    rid: np.ndarray  # the global position of every observing row
    code: np.ndarray  # each observing row's observation number
    raw_lid: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))  # the staff id as written
    lid: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))  # canonical, or found by name
    name_key: pd.Series = field(
        default_factory=lambda: pd.Series(dtype=object)
    )  # the folded name, or found by id
    person: pd.Series = field(
        default_factory=lambda: pd.Series(dtype=object)
    )  # "id\x1fname_key", "" unresolved


def _observations(rows: _SourceRows) -> _People:
    found = _keyed_observations(rows)
    if found is not None:
        obs, rid, code = found
    else:
        people = rows.with_rid([(i, r.people) for i, r in enumerate(rows.used)])
        obs = people[rows.fate[people["_rid"].to_numpy(dtype=int)] != "blank"] if len(people) else people
        obs = obs.reset_index(drop=True)
        rid = obs["_rid"].to_numpy(dtype=int) if len(obs) else np.array([], dtype=int)
        first, code = _distinct_rows(obs, rows.fate[rid] == "accepted")
        obs = obs.iloc[first].reset_index(drop=True)
    if len(obs):  # "Silva, Ana" is Ana Silva: matched and shown in the "First Last" form
        obs["name"] = map_unique(obs["name"], first_last)
    return _People(obs=obs, rid=rid, code=code)


def _keyed_observations(rows: _SourceRows) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """``_distinct_rows`` over every sheet's people, worked from the sheets' people keys: each sheet's rows
    are first told apart by integers (its key and fate), and only one row per sheet-level observation is
    compared as text across sheets. The same (obs, rid, code) as comparing every row's text, numbered in the
    same order (first appearance); None when a sheet gives no key, or no row names anyone."""
    if any(r.people_key is None or len(r.people_key) != len(r.people) for r in rows.used):
        return None
    heads, rids, locals_, starts, files = [], [], [], [], []
    n_heads = 0
    file_code, _ = pd.factorize(np.array([r.mapping.file for r in rows.used], dtype=object))
    for i, r in enumerate(rows.used):
        f = r.people
        if f is None or not len(f):
            continue
        rid = rows.offsets[i] + f["_pos"].to_numpy()
        fate = rows.fate[rid]
        keep = np.flatnonzero(fate != "blank")
        if not len(keep):
            continue
        key = np.asarray(r.people_key)[keep].astype(np.int64) * 2 + (fate[keep] == "accepted")
        local, uniques = pd.factorize(key)  # numbered by first appearance
        first = np.empty(len(uniques), dtype=np.intp)
        first[local[::-1]] = np.arange(len(local) - 1, -1, -1)
        heads.append(f.iloc[keep[first]].assign(_rid=rid[keep[first]]))
        rids.append(rid[keep])
        locals_.append(local)
        starts.append(n_heads)
        files.append(np.full(len(uniques), file_code[i]))
        n_heads += len(uniques)
    if not heads:
        return None
    cand = pd.concat(heads, ignore_index=True)
    accepted = rows.fate[cand["_rid"].to_numpy(dtype=int)] == "accepted"
    first, code = _distinct_rows(cand, accepted, np.concatenate(files))
    return (
        cand.iloc[first].reset_index(drop=True),
        np.concatenate(rids).astype(int),
        np.concatenate([code[start + local] for start, local in zip(starts, locals_, strict=True)]),
    )


def _resolve_people(p: _People) -> None:
    """Each observation's person (``p.person``, ``p.lid``, ``p.name_key``, ``p.raw_lid`` set in place).

    A person is (staff id, name): two staff ids are two people even when they share a name, and the same id
    with another name in another file is another person. A row with only an id takes the name its id has in
    the same file, else in any file where that id is unambiguous; a row with only a name takes the id that
    name has, when exactly one id carries it. Staff ids match ignoring leading zeros ("007" typed as text on
    one sheet, 7 as a number on another).
    """
    obs = p.obs
    if not len(obs):
        p.raw_lid = pd.Series(dtype=object)
        p.lid, p.name_key, p.person = p.raw_lid, pd.Series(dtype=object), pd.Series(dtype=object)
        return
    name_key = map_unique(obs["name"], fast_fold)
    raw_lid = obs["local_id"].astype(object)
    lid = map_unique(raw_lid, _canonical_id)
    # Masks by numpy compare: pandas' object-Series compare costs several times more at 190,000 rows.
    both = (name_key.to_numpy(dtype=object) != "") & (lid.to_numpy(dtype=object) != "")
    named = pd.DataFrame({"file": obs["file"][both], "local_id": lid[both], "name_key": name_key[both]})
    file_map = named.drop_duplicates(["file", "local_id"]).set_index(["file", "local_id"])["name_key"]
    per_id = named.groupby("local_id")["name_key"].nunique()
    global_map = named[named["local_id"].isin(per_id[per_id == 1].index)].drop_duplicates("local_id")
    global_map = global_map.set_index("local_id")["name_key"]
    per_name = named.groupby("name_key")["local_id"].nunique()
    id_by_name = named[named["name_key"].isin(per_name[per_name == 1].index)].drop_duplicates("name_key")
    id_by_name = id_by_name.set_index("name_key")["local_id"]

    need = (name_key.to_numpy(dtype=object) == "") & (lid.to_numpy(dtype=object) != "")
    if need.any():
        ids = lid.to_numpy(dtype=object)[need]
        via_file = file_map.reindex(
            pd.MultiIndex.from_arrays([obs["file"].to_numpy(dtype=object)[need], ids])
        )
        via_global = global_map.reindex(pd.Index(ids, dtype=object)).to_numpy(dtype=object)
        found = np.where(via_file.isna().to_numpy(), via_global, via_file.to_numpy(dtype=object))
        name_key.loc[need] = np.where(pd.isna(found), "", found)
    nk = name_key.to_numpy(dtype=object)
    need_id = (lid.to_numpy(dtype=object) == "") & (nk != "")
    if need_id.any():
        lid = lid.copy()
        found = id_by_name.reindex(pd.Index(nk[need_id], dtype=object)).to_numpy(dtype=object)
        lid.loc[need_id] = np.where(pd.isna(found), "", found)
    p.raw_lid, p.lid, p.name_key = raw_lid, lid, name_key
    p.person = pd.Series(
        np.where(nk != "", lid.to_numpy(dtype=object) + "\x1f" + nk, ""), index=obs.index, dtype=object
    )


def _reject_unresolved(rows: _SourceRows, p: _People) -> None:
    """Rows whose person cannot be resolved are rejected (a staff sheet row is its own person)."""
    unresolved = (rows.fate == "accepted") & (rows.person_of == "") & (rows.layout_of != "staff")
    if not unresolved.any():
        return
    pos = np.flatnonzero(unresolved)
    ids = np.full(len(rows.fate), "", dtype=object)
    ids[p.rid] = p.lid.to_numpy(dtype=object)[p.code]
    rows.fate[pos] = "rejected"
    ledger.reject_at(
        rows.ledger,
        pos,
        rows.column_of[pos],
        [
            f"staff id '{i}' is not on any staff sheet or roster, so this row cannot be given to a trainer"
            for i in ids[pos]
        ],
    )


def _trainers(p: _People, fate: np.ndarray) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """One trainer per person, details from the first row that gives them: (TRAINER_COLUMNS frame, each
    person's trainer id, MEMBERSHIP_COLUMNS frame: every club of every trainer, its ``club`` first)."""
    obs = p.obs
    ok_obs = (
        (fate[obs["_rid"].to_numpy(dtype=int)] == "accepted") & (p.person.to_numpy(dtype=object) != "")
        if len(obs)
        else np.array([], bool)
    )
    if not ok_obs.any():
        return (
            pd.DataFrame(columns=TRAINER_COLUMNS),
            pd.Series(dtype=object),
            pd.DataFrame(columns=MEMBERSHIP_COLUMNS, dtype=object),
        )
    raw = p.raw_lid.to_numpy(dtype=object)
    shown = np.where(raw != "", raw, p.lid.to_numpy(dtype=object))[ok_obs]  # the id as the file wrote it
    o = obs[ok_obs].assign(
        person=p.person[ok_obs],
        local_id=pd.Series(np.where(shown == "", None, shown), index=obs.index[ok_obs], dtype=object),
        name_key=p.name_key[ok_obs],
    )
    o["_order"] = np.arange(len(o))
    parts = split_clubs(o["club"])
    o["club"] = pd.Series([c[0] if c else "" for c in parts.tolist()], index=o.index, dtype=object)
    # Prefer a spelling with capitals ("Ana Silva" over "ana silva").
    o["_lower"] = map_unique(o["name"], lambda v: (not v) or v == v.lower()).astype(bool)
    details = {
        c: pd.Series(np.where(v == "", None, v), index=o.index, dtype=object)  # "" is missing for first()
        for c in ("name", "club", "role", "email")
        for v in [o[c].to_numpy(dtype=object)]
    }
    # Per person (numbered in order of first appearance, the trainers' order): each detail from the first row
    # giving it, rows with capitals first; the staff id and name key from its first row giving them.
    code, persons = pd.factorize(o["person"].to_numpy(dtype=object))
    ranked = np.lexsort((o["_order"].to_numpy(), o["_lower"].to_numpy()))
    in_order = np.arange(len(o))
    trainers = pd.DataFrame(
        {
            **{
                c: _first_given(code, details[c].to_numpy(dtype=object), ranked, len(persons))
                for c in details
            },
            **{
                c: _first_given(code, o[c].to_numpy(dtype=object), in_order, len(persons))
                for c in ("local_id", "name_key")
            },
        },
        index=pd.Index(persons, dtype=object, name="person"),
    )
    shown_cols = ["name", "club", "role", "email", "local_id"]
    trainers[shown_cols] = trainers[shown_cols].astype(object).fillna("")
    # Ids stay object dtype: pandas' Arrow strings are many times slower in the isin/map calls on them.
    trainers["trainer_id"] = pd.Series(
        [
            i if i else stable_id(k)
            for k, i in zip(trainers["name_key"].tolist(), trainers["local_id"].tolist(), strict=True)
        ],
        index=trainers.index,
        dtype=object,
    )
    trainers["trainer"] = trainers["name"].where(trainers["name"] != "", trainers["trainer_id"])
    dup_ids = trainers["trainer_id"].duplicated(keep=False)
    if dup_ids.any():  # the same id used for different people in different files
        trainers.loc[dup_ids, "trainer_id"] = [
            f"{tid}-{stable_id(k)[2:6]}"
            for k, tid in zip(
                trainers.loc[dup_ids, "name_key"], trainers.loc[dup_ids, "trainer_id"], strict=True
            )
        ]
    return (
        trainers[TRAINER_COLUMNS].reset_index(drop=True),
        trainers["trainer_id"],
        _memberships(o, parts, trainers),
    )


def _first_given(code: np.ndarray, values: np.ndarray, order: np.ndarray, n: int) -> np.ndarray:
    """Per group (``code``, ``n`` groups), its first value that is not missing, rows taken in ``order``
    (groupby's ``first()``); None for a group with none."""
    at = order[pd.notna(values[order])]
    pos = np.full(n, -1, dtype=np.intp)
    pos[code[at][::-1]] = at[::-1]  # the earliest row of each group wins
    out = np.full(n, None, dtype=object)
    given = pos >= 0
    out[given] = values[pos[given]]
    return out


def _memberships(o: pd.DataFrame, parts: pd.Series, trainers: pd.DataFrame) -> pd.DataFrame:
    """Every club of every trainer, once each (clubs compared ignoring case and white space): the trainer's
    ``club`` first, then the others in the order the rows name them."""
    # One row per club a row names (explode, in numpy: a row naming none has no row here).
    named = parts.to_numpy(dtype=object)
    counts = np.fromiter(map(len, named), dtype=np.int64, count=len(named))
    clubs = np.empty(int(counts.sum()), dtype=object)
    clubs[:] = list(chain.from_iterable(named))
    each = pd.DataFrame(
        {
            "person": np.repeat(o["person"].to_numpy(dtype=object), counts),
            "clubs": clubs,
            "_order": np.repeat(o["_order"].to_numpy(), counts),
        }
    )
    each = each[each["clubs"].ne("")]
    primary = pd.DataFrame(
        {
            "person": trainers.index.to_numpy(dtype=object),
            "clubs": trainers["club"].to_numpy(dtype=object),
            "_order": -1,
        }
    )
    allc = pd.concat([primary[primary["clubs"].ne("")], each], ignore_index=True)
    allc["_key"] = map_unique(allc["clubs"], _club_key)
    allc = allc.sort_values("_order", kind="stable").drop_duplicates(["person", "_key"])
    rank = pd.Series(np.arange(len(trainers)), index=trainers.index)
    allc["_t"] = rank.reindex(allc["person"].to_numpy()).to_numpy()
    allc = allc.sort_values(["_t", "_order"], kind="stable")
    ids = trainers["trainer_id"].reindex(allc["person"].to_numpy()).to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "trainer_id": pd.Series(ids, dtype=object),  # object dtype, like the trainers' ids
            "club": pd.Series(allc["clubs"].to_numpy(dtype=object), dtype=object),
        },
        columns=MEMBERSHIP_COLUMNS,
    )


class _Attach:
    """The sheets' certifications, cards or activities of accepted rows whose person was resolved, each with
    its trainer id."""

    def __init__(self, rows: _SourceRows, id_of: pd.Series, trainer_of: np.ndarray) -> None:
        self.rows = rows
        self.ids = id_of.to_numpy(dtype=object)
        self.trainer_of = trainer_of

    def __call__(self, frames: list[tuple[int, pd.DataFrame]], columns: list[str]) -> pd.DataFrame:
        f = self.rows.with_rid(frames)
        if not len(f):
            return pd.DataFrame(columns=list(dict.fromkeys([*columns, "trainer_id", "_rid"])))
        rid = f["_rid"].to_numpy(dtype=int)
        person_of = self.rows.person_of
        keep = (self.rows.fate[rid] == "accepted") & (person_of[rid] != "")
        f = f[keep].reset_index(drop=True)
        at = self.trainer_of[rid[keep]]
        f["trainer_id"] = pd.Series(np.where(at >= 0, self.ids[at], None), dtype=object)
        return f[at >= 0]


def _certifications(certs: pd.DataFrame, trainers: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Certifications with their cert_key; the same certification listed twice (two files, or twice in one)
    is kept once, with the later expiry (the last listed among equal expiries), and said."""
    if len(certs):
        certs["cert_key"] = (certs["_rid"].astype(str) + "|" + certs["credential"].astype(str)).astype(object)
        # Integer codes and numpy, not a sort and groupby over object columns.
        group = _codes(certs, ("trainer_id", "credential"))
        sizes = np.bincount(group)
        if (sizes > 1).any():
            warnings.extend(_listed_twice(certs, group, sizes, trainers))
            expires = certs["expires"].to_numpy(dtype="datetime64[ns]").view("int64")
            expires = np.where(expires == np.iinfo(np.int64).min, np.iinfo(np.int64).max, expires)  # NaT last
            order = np.lexsort((expires, group))  # stable: by group, then expiry, then as listed
            later = np.zeros(len(certs), dtype=bool)
            later[order[:-1]] = group[order[1:]] == group[order[:-1]]  # another row of its group comes after
            certs = certs[~later]
    return certs.reindex(columns=CERTIFICATION_COLUMNS)


def _activities(acts: pd.DataFrame, rows: _SourceRows, warnings: list[str]) -> pd.DataFrame:
    """CE activities numbered; a row repeating another sheet's or file's row is rejected and said."""
    if len(acts):
        origin = _repeated_activities(acts)
        if (origin >= 0).any():
            warnings.extend(_reject_repeats(acts, origin, rows.ledger, rows.fate))
            acts = acts[origin < 0].reset_index(drop=True)
        acts["activity_id"] = np.arange(len(acts))
    return acts.reindex(columns=ACTIVITY_COLUMNS)


def _trainer_of_rows(rows: _SourceRows, p: _People, id_of: pd.Series) -> np.ndarray:
    """Each source row's trainer, as a position in ``id_of`` (-1 for none): looked up once per distinct
    observation of a person, not once per row."""
    out = np.full(len(rows.fate), -1, dtype=np.intp)
    if len(p.rid):
        persons = pd.Index(id_of.index.to_numpy(dtype=object), dtype=object)
        at = persons.get_indexer(pd.Index(p.person.to_numpy(dtype=object), dtype=object))
        out[p.rid] = at[p.code]
    return out


def _ce_logged(rows: _SourceRows, id_of: pd.Series, trainer_of: np.ndarray) -> frozenset[str]:
    """Trainers named on an accepted row of a file that has a CE log (they have earned 0 there, not unknown)."""
    used = rows.used
    log_files = {r.mapping.file for r in used if r.layout == "ce_log"}
    in_log_file = (
        np.repeat(
            np.array([r.mapping.file in log_files for r in used], dtype=bool), [len(r.ledger) for r in used]
        )
        if used
        else np.zeros(len(rows.fate), bool)
    )
    logged = trainer_of[in_log_file & (rows.fate == "accepted") & (rows.person_of != "")]
    return frozenset(id_of.to_numpy(dtype=object)[np.unique(logged[logged >= 0])].tolist())


def _set_types(certs: pd.DataFrame, cpr: pd.DataFrame, acts: pd.DataFrame) -> None:
    """The contract's dtypes (model.py), in place: dates as datetime64, flags as bool, amounts as float."""
    for frame, cols in ((certs, ("issued", "expires")), (cpr, ("issued", "expires")), (acts, ("date",))):
        for c in cols:
            frame[c] = pd.to_datetime(frame[c])
    certs["known"] = certs["known"].astype(bool)
    certs["credits"] = pd.to_numeric(certs["credits"], errors="coerce").astype(float)
    certs["credits_in_hours"] = certs["credits_in_hours"].astype(object).fillna(False).astype(bool)
    acts["amount"] = acts["amount"].astype(float)


def _codes(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """One integer per distinct combination of ``columns``, numbered in order of first appearance."""
    # The column as it is: Arrow text factorises without making Python strings.
    return combined_codes((frame[col] for col in columns), np.zeros(len(frame), dtype=np.int64))


def _listed_twice(
    certs: pd.DataFrame, group: np.ndarray, sizes: np.ndarray, trainers: pd.DataFrame
) -> list[str]:
    """One sentence per certification listed more than once, for the first few; a count for the rest.

    ``group`` numbers (trainer, credential) in the files' order, so the first groups listed more than once are
    the first a manager meets; only they are looked at.
    """
    names = trainers.set_index("trainer_id")["trainer"]
    repeated = np.flatnonzero(sizes > 1)
    tids, creds = certs["trainer_id"].to_numpy(dtype=object), certs["credential_name"].to_numpy(dtype=object)
    files, sheets, rows = (certs[c].to_numpy(dtype=object) for c in ("file", "sheet", "row"))

    def sentences():
        for g in repeated[:EXAMPLES_KEPT]:
            at = np.flatnonzero(group == g)
            where = [f"{files[i]} {sheets[i]} row {rows[i]}".replace("  ", " ") for i in at[:EXAMPLES_KEPT]]
            if len(at) > EXAMPLES_KEPT:
                where.append(f"and {len(at) - EXAMPLES_KEPT:,} more rows")
            tid = tids[at[0]]
            yield (
                f"{names.get(tid, tid)}'s {creds[at[0]]} is listed {len(at):,} times ({'; '.join(where)}): the "
                "latest expiry was used."
            )

    tally = Tally(" listed more than once: for each, the latest expiry was used", "listed_twice")
    tally.add(len(repeated), sentences())
    return tally.lines()


def _repeated_activities(acts: pd.DataFrame) -> np.ndarray:
    """For each CE row, the position of the earlier row of another sheet or file it repeats exactly, else -1.

    The same trainer, date, course, provider, amount and unit (text compared ignoring case and spacing; hours
    are hours however written) logged in two places is one activity logged twice (two clubs' logs, a file and
    its edited copy): counting it again would double the credit and could turn "behind" into "met". Repeats
    inside one sheet are kept: a trainer can attend the same one-hour course twice in a day, and one log is
    the manager's own record of it.
    """
    n = len(acts)
    sheet_code = _codes(acts, ("file", "sheet"))
    if not sheet_code.any():  # one sheet: nothing to compare (the usual case, and free)
        return np.full(n, -1, dtype=np.int64)
    hours = acts["unit_kind"].to_numpy(dtype=object) == "hours"
    unit = np.where(
        hours, "hours", map_unique(acts["unit_text"].astype(object), _same_text).to_numpy(dtype=object)
    )
    keys = [
        acts["trainer_id"].to_numpy(dtype=object),
        acts["date"].to_numpy(),
        map_unique(acts["course"].astype(object), _same_text).to_numpy(dtype=object),
        map_unique(acts["provider"].astype(object), _same_text).to_numpy(dtype=object),
        acts["amount"].to_numpy(dtype=float),
        unit,
    ]
    code = combined_codes(keys, np.zeros(n, dtype=np.int64))
    first = np.empty(int(code.max()) + 1, dtype=np.int64)
    first[code[::-1]] = np.arange(n - 1, -1, -1)  # each activity's first row
    origin = first[code]
    return np.where(sheet_code != sheet_code[origin], origin, -1)


def _places(frame: pd.DataFrame, at: np.ndarray) -> np.ndarray:
    """ "file" or "file, sheet 'name'" for the rows at positions ``at``, as a manager reads it."""
    files = frame["file"].to_numpy(dtype=object)[at].astype(str).astype(object)
    sheets = frame["sheet"].to_numpy(dtype=object)[at].astype(str).astype(object)
    return np.where(sheets == "", files, files + ", sheet '" + sheets + "'")


def _same_text(value: object) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _reject_repeats(
    acts: pd.DataFrame, origin: np.ndarray, book: pd.DataFrame, fate: np.ndarray
) -> list[str]:
    """Reject the repeated CE rows (the ledger ``book`` and ``fate`` in place), each naming the row it repeats;
    one warning per pair of sheets saying how many and that each activity was counted once."""
    pos = np.flatnonzero(origin >= 0)
    src = origin[pos]
    copies, firsts = _places(acts, pos), _places(acts, src)
    rows = acts["row"].to_numpy()[src]
    rid = acts["_rid"].to_numpy(dtype=np.int64)[pos]
    fate[rid] = "rejected"
    ledger.reject_at(
        book,
        rid,
        "",
        [
            f"the same activity as {place} row {row} (same trainer, date, course, provider, "
            "amount and unit), so it was counted once"
            for place, row in zip(firsts, rows, strict=True)
        ],
    )
    pairs = pd.DataFrame({"copy": copies, "first": firsts}).groupby(["copy", "first"], sort=False).size()
    tally = Tally(
        " (same trainer, date, course, provider, amount and unit): each activity was counted once", "repeated"
    )
    tally.add(
        len(pairs),
        (
            f"{n:,} CE row{'s' if n > 1 else ''} in {copy} repeat{'' if n > 1 else 's'} rows of {first} exactly (same "
            "trainer, date, course, provider, amount and unit): each activity was counted once, and the repeated "
            "rows are listed as rejected."
            for (copy, first), n in pairs.items()
        ),
    )
    return tally.lines()
