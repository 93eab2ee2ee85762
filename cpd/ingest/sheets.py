"""One sheet: find its header, decide its layout, parse and validate its rows.

Row fates are decided here with vectorised masks; the first failed check of a row is its reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..model import SheetMapping
from ..text import fold, tidy
from .grid import Grid
from .header import (
    ALL_FIELDS,
    FIELD_LABELS,
    HEADER_SCAN,
    CredentialColumn,
    HeaderGuess,
    credential_column,
    field_for,
    find_header,
    header_date_order,
    header_unit,
    map_header,
)
from .notes import Tally, quote
from .shape import MAX_COLUMNS, column_letters, shape
from .values import Distinct, fast_fold, map_unique, parse_amounts, parse_dates, text_column, unit_kind

# Date columns of a matrix that are not qualifications.
_NOT_CREDENTIAL = re.compile(r"\b(date|dob|birth|born|hire|hired|start|started|joined|updated|modified|review|"
                             r"appraisal|induction|last|next|contract|probation|leav\w*|anniversary)\b")
# A summary row at the bottom: "Total", "Grand total: 12", "Totals", "Sum" — not a trainer named "=SUM(A1)".
_TOTAL = re.compile(r"^(?:grand )?(?:totals?|subtotals?|sum|count|average)(?: .*)?$")
_SPLIT_BODIES = re.compile(r"\s*(?:[;,/&+|]|\band\b)\s*", re.I)

ACCEPTED, REJECTED, BLANK = 0, 1, 2
_FATE_NAMES = np.array(["accepted", "rejected", "blank"], dtype=object)

PEOPLE_COLUMNS = ["file", "sheet", "row", "local_id", "name", "club", "role", "email"]


@dataclass
class SheetResult:
    """What one sheet contributed, before people are resolved across files."""

    mapping: SheetMapping
    ledger: pd.DataFrame
    people: pd.DataFrame
    certs: pd.DataFrame = field(default_factory=pd.DataFrame)
    cpr: pd.DataFrame = field(default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    layout: str = "skipped"
    person_column: str = ""


def _where(grid: Grid) -> str:
    return f"{grid.file}, sheet '{grid.sheet}'" if grid.sheet else grid.file


def _skipped(grid: Grid, note: str, warnings: list[str] | None = None) -> SheetResult:
    mapping = SheetMapping(file=grid.file, sheet=grid.sheet, layout="skipped", header_row=None, columns={},
                           ignored=(), rows_read=0, note=note)
    return SheetResult(mapping=mapping, ledger=pd.DataFrame(columns=["file", "sheet", "row", "fate", "column", "reason"]),
                       people=pd.DataFrame(columns=PEOPLE_COLUMNS), warnings=list(warnings or []))


def _apply_override(guess: HeaderGuess, header: list[object], override: Mapping[str, str],
                    catalogue: Catalogue) -> HeaderGuess:
    fields = dict(guess.fields)
    creds = {c.index: c for c in guess.credential_columns}
    for i, cell in enumerate(header):
        text = str(cell).strip()
        if text in override:
            target = override[text]
            fields.pop(i, None)
            creds.pop(i, None)
            if target in ALL_FIELDS:
                for j, f in list(fields.items()):
                    if f == target:
                        fields.pop(j)
                fields[i] = target
            elif target.startswith("credential:"):
                cid = target.split(":", 1)[1]
                known = cid in catalogue
                creds[i] = CredentialColumn(i, text, cid, known, known and catalogue[cid].kind == "cpr_card")
    return HeaderGuess(guess.row, fields, tuple(sorted(creds.values(), key=lambda c: c.index)),
                       len(fields) + len(creds))


def _layout(fields: set[str], creds: tuple[CredentialColumn, ...]) -> str | None:
    person = bool(fields & {"trainer", "trainer_id", "first_name", "last_name"})
    if not person:
        return None
    if "credential" in fields and "expires" in fields:
        return "certifications"
    if any(not c.credits for c in creds) and "credential" not in fields:
        return "matrix"
    if "date" in fields and "amount" in fields:
        return "ce_log"
    if "credential" not in fields and "expires" not in fields and "date" not in fields:
        return "staff"
    return None


def _needs_note(header: list[object], fields: set[str]) -> str:
    found = ", ".join(f"'{tidy(h)}'" for h in header if str(h).strip()) or "no headers"
    return (f"found {found}; Recert needs a trainer name (or staff id) plus either a certification and an "
            "expiry date, credential columns of expiry dates, or an activity date and an amount")


def read_sheet(grid: Grid, *, catalogue: Catalogue, date_order: str = "auto",
               override: Mapping[str, str] | None = None) -> SheetResult:
    """Map, classify and validate one grid."""
    if grid.hidden:
        return _skipped(grid, "hidden sheet", [f"Sheet '{grid.sheet}' in {grid.file} is hidden in Excel and was "
                                              "not read: unhide it if its rows should count."])
    # Only the columns in use go further, at most MAX_COLUMNS: the work below is per column.
    shaped = shape(grid.rows, text=grid.text, file=grid.file, sheet=grid.sheet)
    result = _read_cells(grid, shaped.cells, catalogue, date_order, override)
    if shaped.capped:
        cut = column_letters(int(shaped.columns[-1]))
        result.warnings.insert(0, f"{_where(grid)} has values in {shaped.in_use:,} columns, more than Recert reads "
                                  f"from one sheet: the first {MAX_COLUMNS} of them (up to column {cut}) were read "
                                  f"and the other {shaped.in_use - MAX_COLUMNS:,} left out. Delete the columns "
                                  "Recert does not need and upload it again if one of those matters.")
    return result


def _read_cells(grid: Grid, cells: np.ndarray, catalogue: Catalogue, date_order: str,
                override: Mapping[str, str] | None) -> SheetResult:
    where = _where(grid)
    if not cells.size or all(_blank_cell(c) for c in cells.ravel()):
        return _skipped(grid, f"{where} is empty")
    guess = find_header(cells[:HEADER_SCAN].tolist(), catalogue)
    if guess is None and override:
        guess = HeaderGuess(0, {}, (), 0)
    if guess is None:
        first = next((r for r in map(list, cells) if any(not _blank_cell(c) for c in r)), [])
        note = _needs_note(first, set())
        return _skipped(grid, f"{where}: no recognisable header ({note})",
                        [f"{where} was not read: no recognisable header ({note})."])
    header = [c if isinstance(c, str) else ("" if _blank_cell(c) else str(c)) for c in cells[guess.row]]
    if override:
        guess = _apply_override(guess, header, override, catalogue)
    fields = set(guess.fields.values())
    layout = _layout(fields, guess.credential_columns)
    header_row = grid.row_numbers[guess.row]
    if layout is None:
        note = _needs_note(header, fields)
        return _skipped(grid, f"{where}: header on row {header_row} not usable ({note})",
                        [f"{where} was not read: {note}."])

    width = len(header)
    numbers = grid.row_numbers[guess.row + 1:]
    # Rectangular already: shape() padded short csv records with "" (their field count is checked below).
    frame = pd.DataFrame(cells[guess.row + 1:], columns=range(width), dtype=object, copy=False)
    rownum = pd.Series(np.arange(numbers.start, numbers.stop) if isinstance(numbers, range) else numbers,
                       index=frame.index, dtype="int64")
    distinct: dict[int, Distinct] = {}

    def dist(i: int) -> Distinct:
        """Column ``i`` factorised once, for every check and parse below."""
        if i not in distinct:
            distinct[i] = Distinct.of(frame[i])
        return distinct[i]
    cols = {f: i for i, f in guess.fields.items()}
    used = set(guess.fields) | {c.index for c in guess.credential_columns}
    ignored = tuple(tidy(header[i]) for i in range(width) if i not in used and str(header[i]).strip())
    columns = {tidy(header[i]): f for i, f in guess.fields.items()}
    columns.update({tidy(c.header): (f"credits:{c.credential}" if c.credits else f"credential:{c.credential}")
                    for c in guess.credential_columns})

    # Blank rows and total rows, in numpy: this loop runs once per column.
    n_rows = len(frame)
    blank = np.empty((n_rows, width), dtype=bool)  # csv: whitespace-only is blank; workbook: "" (calamine's)
    first_cell = np.full(n_rows, "", dtype=object)  # the first non-blank cell of each row, if it is text
    seen = np.zeros(n_rows, dtype=bool)
    for i in range(width):
        d = dist(i)
        uniques = d.uniques.to_numpy(dtype=object)
        blank[:, i] = np.fromiter((_blank_value(v, grid.text) for v in uniques), dtype=bool,
                                  count=len(uniques))[d.codes]
        fresh = ~seen & ~blank[:, i]
        if fresh.any():
            texts = np.empty(len(uniques), dtype=object)
            texts[:] = [v if isinstance(v, str) else "" for v in uniques]
            first_cell[fresh] = texts[d.codes[fresh]]
            seen |= fresh
    row_blank = pd.Series(blank.all(axis=1), index=frame.index)
    first_text = pd.Series(first_cell, index=frame.index, dtype=object)
    total = ~row_blank & map_unique(first_text, _is_total).astype(bool)
    reason = pd.Series("", index=frame.index, dtype=object)
    column = pd.Series("", index=frame.index, dtype=object)
    # Fates as small integers while validating (compared many times), named at the end.
    fate = pd.Series(ACCEPTED, index=frame.index, dtype="int8")
    fate[row_blank] = BLANK
    fate[total] = BLANK
    reason[total] = "total row"
    warnings: list[str] = []

    def reject(mask: pd.Series, col: str, why) -> None:
        """Reject rows still accepted; ``why`` is a sentence, a Series, or a function of the rejected index."""
        m = mask & fate.eq(ACCEPTED)
        if not m.any():
            return
        fate[m] = REJECTED
        column[m] = col
        if callable(why):
            reason[m] = why(m[m].index).to_numpy()
        else:
            reason[m] = why[m] if isinstance(why, pd.Series) else why

    if grid.text and grid.field_counts is not None:
        counts = pd.Series(grid.field_counts[guess.row + 1:], index=frame.index)
        expected = grid.field_counts[guess.row]
        ragged = counts.ne(expected) & ~row_blank
        reject(ragged, "", lambda idx: counts[idx].map(lambda n: f"this line has {n} fields but the header has {expected}: "
                                      "check for an unquoted separator in a name or number"))
    if grid.bad_lines:
        bad = rownum.map(lambda n: grid.bad_lines.get(int(n), ""))
        reject(~_is_empty(bad), "", bad)
    if grid.hidden_rows:
        hidden = sorted(set(grid.hidden_rows) & set(numbers))
        if hidden:
            shown = ", ".join(map(str, hidden[:10])) + (" …" if len(hidden) > 10 else "")
            warnings.append(f"{where}: {len(hidden)} hidden row(s) were read (rows {shown}); unhide them in Excel "
                            "to check they should count.")

    def col(field_name: str) -> pd.Series:
        i = cols.get(field_name)
        if i is None:
            return pd.Series("", index=frame.index, dtype=object)
        return frame[i]

    def text(field_name: str) -> pd.Series:
        """The column as tidy text ("" everywhere when the sheet has no such column)."""
        i = cols.get(field_name)
        if i is None:
            return pd.Series("", index=frame.index, dtype=object)
        return text_column(dist(i))

    def label(field_name: str) -> str:
        i = cols.get(field_name)
        return tidy(header[i]) if i is not None else FIELD_LABELS.get(field_name, field_name)

    # People on this sheet.
    name = text("trainer")
    if "trainer" not in cols and ("first_name" in cols or "last_name" in cols):
        name = (text("first_name") + " " + text("last_name")).str.strip()
    local_id = text("trainer_id")
    people = pd.DataFrame({"file": grid.file, "sheet": grid.sheet, "row": rownum, "local_id": local_id,
                           "name": name, "club": text("club"), "role": text("role"),
                           "email": text("email")})
    no_person = _is_empty(name) & _is_empty(local_id)
    person_label = label("trainer") if "trainer" in cols else label("trainer_id") if "trainer_id" in cols else (
        label("first_name") if "first_name" in cols else label("last_name"))

    date_orders: dict[str, str] = {}

    def dates(field_name: str, idx: int | None = None, head: str | None = None):
        i = cols.get(field_name) if idx is None else idx
        values = frame[i] if i is not None else pd.Series("", index=frame.index, dtype=object)
        h = head or (tidy(header[i]) if i is not None else field_name)
        order = date_order
        hint = header_date_order(header[i]) if i is not None else None
        if order == "auto" and hint:
            order = hint
        if i is not None and not (fate.eq(BLANK).to_numpy() & ~blank[:, i]).any():  # no total row has a value here
            parsed = parse_dates(dist(i), order=order, date1904=grid.date1904)
        else:
            parsed = parse_dates(values.where(fate.ne(BLANK), ""), order=order, date1904=grid.date1904)
        if parsed.order:
            date_orders[h] = parsed.order + (" (assumed)" if parsed.assumed else "")
            if parsed.assumed:
                warnings.append(f"{where}: every date in '{h}' could be read either way (e.g. 03/04/2027), so they "
                                "were read as month/day; if they are day/month, set the date order to day first "
                                "(--date-order dmy on the command line).")
        return parsed

    def bad_dates(field_name: str, parsed):
        """Reasons for the cells of a date column that are not dates, saying the column's order if it has one."""
        how = {"mdy": " (this column's dates are month/day/year)", "dmy": " (this column's dates are day/month/year)"}
        tail = how.get(parsed.order or "", "")
        return lambda idx: col(field_name)[idx].map(lambda v: f"'{tidy(v)}' is not a date{tail}")

    result = SheetResult(mapping=None, ledger=None, people=people, layout=layout,  # type: ignore[arg-type]
                         person_column=person_label)

    if layout == "staff":
        reject(no_person, person_label, "no trainer name or staff id")
    elif layout == "certifications":
        reject(no_person, person_label, "no trainer name or staff id")
        cred_raw = text("credential")
        reject(_is_empty(cred_raw), label("credential"), "no certification named")
        exp = dates("expires")
        blank_exp = exp.values.isna() & ~exp.bad
        reject(exp.bad, label("expires"), bad_dates("expires", exp))
        reject(blank_exp, label("expires"), "no expiry date")
        issued = dates("issued") if "issued" in cols else None
        cpr_exp = dates("cpr_expires") if "cpr_expires" in cols else None
        cpr_iss = dates("cpr_issued") if "cpr_issued" in cols else None
        if cpr_iss is not None:
            reject(cpr_iss.bad, label("cpr_issued"), bad_dates("cpr_issued", cpr_iss))
        if cpr_exp is not None:
            reject(cpr_exp.bad, label("cpr_expires"), bad_dates("cpr_expires", cpr_exp))
        amounts = parse_amounts(dist(cols["amount"])) if "amount" in cols else None
        if amounts is not None:
            reject(amounts.bad, label("amount"), amounts.why)
        ok = fate.eq(ACCEPTED)
        if issued is not None and (issued.bad & ok).any():
            odd = rownum[issued.bad & ok]
            tally = Tally(f" in {where}: those issued dates were ignored too")
            tally.add(len(odd), (f"{where} row {r}: the issued date in '{label('issued')}' is not a date and was "
                                 "ignored." for r in odd))
            warnings.extend(tally.lines())
        matched = map_unique(cred_raw, catalogue.match)
        if "approved_for" in cols:  # "Certifying body: ACE" + "Certification: Group Fitness Instructor"
            body = text("approved_for")
            both = (body + " " + cred_raw).where(matched.isna() & ~_is_empty(body), "")
            matched = matched.where(matched.notna(), map_unique(both, catalogue.match))
            cred_raw = cred_raw.where(_is_empty(body) | _is_empty(cred_raw) | map_unique(cred_raw, catalogue.match).notna(),
                                      body + " " + cred_raw)
        is_cpr = map_unique(cred_raw, catalogue.is_cpr).astype(bool)
        head_unit = header_unit(header[cols["amount"]]) if "amount" in cols else None
        in_hours = (amounts.kinds.eq("hours") if amounts is not None else pd.Series(False, index=frame.index))
        if head_unit == "hours" and amounts is not None:
            in_hours = in_hours | amounts.kinds.isna()
        certs = pd.DataFrame({
            "file": grid.file, "sheet": grid.sheet, "row": rownum, "local_id": local_id, "name": name,
            "credential": matched.where(matched.notna(), map_unique(cred_raw, tidy)),
            "credential_name": cred_raw, "known": matched.notna(),
            "number": text("number") if "number" in cols else "",
            "issued": issued.values if issued is not None else pd.NaT,
            "expires": exp.values,
            "credits": amounts.values if amounts is not None else np.nan,
            "credits_in_hours": in_hours.astype(bool),
            "is_cpr": is_cpr.astype(bool),
        })
        result.certs = certs[ok & ~certs["is_cpr"]].drop(columns="is_cpr")
        cards = certs[ok & certs["is_cpr"]]
        cpr_frames = [pd.DataFrame({"file": cards["file"], "sheet": cards["sheet"], "row": cards["row"],
                                    "local_id": cards["local_id"], "name": cards["name"], "issued": cards["issued"],
                                    "expires": cards["expires"], "source": cards["credential_name"]})]
        if cpr_exp is not None or cpr_iss is not None:  # the CPR/AED columns of a flat roster row
            none = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            exp_v = cpr_exp.values if cpr_exp is not None else none
            iss_v = cpr_iss.values if cpr_iss is not None else none
            has = ok & (exp_v.notna() | iss_v.notna())
            source = label("cpr_expires") if cpr_exp is not None else label("cpr_issued")
            cpr_frames.append(pd.DataFrame({"file": grid.file, "sheet": grid.sheet, "row": rownum[has],
                                            "local_id": local_id[has], "name": name[has], "issued": iss_v[has],
                                            "expires": exp_v[has], "source": source}))
        result.cpr = pd.concat(cpr_frames)
    elif layout == "matrix":
        cred_cols = [c for c in guess.credential_columns if not c.credits]
        # Unknown credentials are kept: a column of expiry dates named like a qualification ("Zumba Instructor").
        for i in range(width):
            h = tidy(header[i])
            if i in used or not h or _NOT_CREDENTIAL.search(fold(h)):
                continue
            filled = frame[i][fate.eq(ACCEPTED).to_numpy() & ~blank[:, i]]
            if len(filled) and parse_dates(filled, order=date_order if date_order != "auto" else "mdy").bad.mean() <= 0.2:
                cred_cols.append(CredentialColumn(i, h, h, False, False))
                columns[h] = f"credential:{h}"
                ignored = tuple(x for x in ignored if x != h)
        # A credits column pairs with the credential to its left ("NASM CPT" | "CEUs", "ACE GFI" | "ACE CECs"),
        # else with the credential it names.
        by_index = {c.index: c for c in cred_cols}
        credit_cols: dict[str, CredentialColumn] = {}
        for i in range(1, width):
            left = by_index.get(i - 1)
            named = next((c for c in guess.credential_columns if c.index == i and c.credits), None)
            generic = named is None and i not in by_index and str(header[i]).strip() and (
                field_for(header[i]) == "amount")
            if named is None and not generic:
                continue
            if left is not None and (named is None or left.credential == named.credential or (
                    left.known and named.known and catalogue[left.credential].body == catalogue[named.credential].body)):
                target = left.credential
            elif named is not None:
                target = named.credential
            else:
                continue
            h = tidy(header[i])
            credit_cols[target] = CredentialColumn(i, h, target, True, False, credits=True)
            columns[h] = f"credits:{target}"
            ignored = tuple(x for x in ignored if x != h)
        any_value = pd.Series(False, index=frame.index)
        cert_frames, cpr_frames = [], []
        not_dates = Tally(f" in {where}: those certifications were not read either")
        reject(no_person & ~row_blank, person_label, "no trainer name or staff id")
        ok = fate.eq(ACCEPTED)
        for cc in cred_cols:
            parsed = dates("", idx=cc.index, head=tidy(cc.header))
            raw = frame[cc.index]
            has = ok & parsed.values.notna()
            any_value |= has
            odd = ok & parsed.bad
            if odd.any():
                not_dates.add(int(odd.sum()), (
                    f"{where} row {r}, column '{tidy(cc.header)}': '{quote(v)}' is not an expiry date, so that "
                    "certification was not read." for r, v in zip(rownum[odd], raw[odd], strict=True)))
            if cc.is_cpr:
                cpr_frames.append(pd.DataFrame({"file": grid.file, "sheet": grid.sheet, "row": rownum[has],
                                                "local_id": local_id[has], "name": name[has], "issued": pd.NaT,
                                                "expires": parsed.values[has], "source": tidy(cc.header)}))
                continue
            credits = pd.Series(np.nan, index=frame.index)
            in_hours = pd.Series(False, index=frame.index)
            if cc.credential in credit_cols:
                ccol = credit_cols[cc.credential]
                amounts = parse_amounts(dist(ccol.index))
                credits = amounts.values
                in_hours = amounts.kinds.eq("hours") | (amounts.kinds.isna() & (header_unit(ccol.header) == "hours"))
            cert_frames.append(pd.DataFrame({
                "file": grid.file, "sheet": grid.sheet, "row": rownum[has], "local_id": local_id[has],
                "name": name[has], "credential": cc.credential, "credential_name": tidy(cc.header),
                "known": cc.known, "number": "", "issued": pd.NaT, "expires": parsed.values[has],
                "credits": credits[has], "credits_in_hours": in_hours[has].astype(bool)}))
        if "cpr_expires" in cols:
            parsed = dates("cpr_expires")
            has = ok & parsed.values.notna()
            cpr_frames.append(pd.DataFrame({"file": grid.file, "sheet": grid.sheet, "row": rownum[has],
                                            "local_id": local_id[has], "name": name[has], "issued": pd.NaT,
                                            "expires": parsed.values[has], "source": label("cpr_expires")}))
        warnings.extend(not_dates.lines())
        result.certs = pd.concat(cert_frames) if cert_frames else pd.DataFrame()
        result.cpr = pd.concat(cpr_frames) if cpr_frames else pd.DataFrame()
    elif layout == "ce_log":
        reject(no_person, person_label, "no trainer name or staff id")
        d = dates("date")
        reject(d.bad, label("date"), bad_dates("date", d))
        reject(d.values.isna() & ~d.bad, label("date"), "no activity date")
        amounts = parse_amounts(dist(cols["amount"]))
        reject(amounts.bad, label("amount"), amounts.why)
        reject(amounts.values.isna() & ~amounts.bad, label("amount"), "no amount")
        kind = amounts.kinds.copy()
        unit_text = amounts.unit_text.copy()
        unit_col = label("amount")
        if "unit" in cols:
            raw_unit = text("unit")
            ukind = map_unique(raw_unit, lambda u: unit_kind(u) if u else None)
            bad_unit = ~_is_empty(raw_unit) & ukind.isna()
            reject(bad_unit, label("unit"), lambda idx: raw_unit[idx].map(
                lambda u: f"unit '{u}' is not one Recert knows (use hours, CEU, CEC or points)"))
            has_unit = ~_is_empty(raw_unit) & ukind.notna()
            conflict = has_unit & kind.notna() & kind.ne(ukind)
            reject(conflict, label("unit"), "the amount and the unit column disagree (hours vs credits)")
            kind = kind.where(~has_unit, ukind)
            unit_text = unit_text.where(~has_unit, raw_unit)
            unit_col = label("unit")
        head_unit = header_unit(header[cols["amount"]])
        kind = kind.where(kind.notna(), head_unit or "units")
        unit_text = unit_text.where(~_is_empty(unit_text), ("hours" if head_unit == "hours" else tidy(header[cols["amount"]])))
        bodies_raw = text("approved_for") if "approved_for" in cols else pd.Series("", index=frame.index)
        if "credential" in cols:
            cred_raw = text("credential")
            bodies_raw = bodies_raw.where(~_is_empty(bodies_raw), cred_raw)
        named = Distinct.of(bodies_raw)
        found = pd.Series([_bodies(b, catalogue) for b in named.uniques], dtype=object)
        bodies = named.spread(found)
        unknown_only = named.spread(found.map(len).eq(0) & ~_is_empty(named.uniques))
        reject(unknown_only, label("approved_for") if "approved_for" in cols else label("credential"),
               lambda idx: bodies_raw[idx].map(lambda b: f"'{b}' is not a certifying body Recert knows, so these credits cannot be placed"))
        ok = fate.eq(ACCEPTED)
        result.activities = pd.DataFrame({
            "file": grid.file, "sheet": grid.sheet, "row": rownum, "local_id": local_id, "name": name,
            "date": d.values, "course": text("course"), "provider": text("provider"),
            "amount": amounts.values, "unit_kind": kind, "unit_text": unit_text, "bodies": bodies,
            "bodies_text": bodies_raw, "unit_column": unit_col})[ok]

    ledger = pd.DataFrame({"file": grid.file, "sheet": grid.sheet, "row": rownum,
                           "fate": pd.Series(_FATE_NAMES[fate.to_numpy()], index=frame.index, dtype=object),
                           "column": column, "reason": reason})
    result.ledger = ledger
    result.warnings = warnings
    # Each row's position in the sheet: how assemble() links certifications and activities to their ledger row.
    for f in (result.people, result.certs, result.cpr, result.activities):
        if len(f.columns):
            f["_pos"] = f.index.to_numpy()
    result.mapping = SheetMapping(file=grid.file, sheet=grid.sheet, layout=layout, header_row=header_row,
                                  columns=columns, ignored=ignored, date_orders=date_orders, rows_read=len(frame))
    return result


def _is_total(text: str) -> bool:
    """A summary row's label; formula-looking names ("=SUM(A1)", "+SUM(A1)") are data, never totals."""
    if not text or text.lstrip().startswith(("=", "+", "-", "@")):
        return False
    return bool(_TOTAL.match(fast_fold(text)))


def _bodies(text: str, catalogue: Catalogue) -> tuple[str, ...]:
    """Body codes named in an "approved for" cell: "ACE; NASM" -> ("ACE", "NASM")."""
    if not text:
        return ()
    out: list[str] = []
    parts = [p for p in _SPLIT_BODIES.split(text) if p and p.strip()]
    for part in parts:
        code = catalogue.body_of(part)
        if code is None:
            cid = catalogue.match(part)
            code = catalogue[cid].body if cid else None
        if code and code not in out:
            out.append(code)
    return tuple(out)


def _is_empty(text: pd.Series) -> pd.Series:
    """``text == ""`` for an object column of text (numpy's compare; pandas' costs several times more)."""
    return pd.Series(text.to_numpy(dtype=object) == "", index=text.index)


def _blank_value(v: object, text: bool) -> bool:
    """An empty cell: None, NaN or "", and in a csv also a cell of spaces (in a workbook a typed space is data)."""
    if v is None or (isinstance(v, float) and v != v):
        return True
    if isinstance(v, str):
        return not v.strip() if text else v == ""
    return v is pd.NaT


def _blank_cell(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _first_text(row: pd.Series) -> str:
    for v in row:
        if isinstance(v, str) and v.strip():
            return v
        if not _blank_cell(v):
            return ""
    return ""


_ = (field_for, map_header, credential_column)
