"""One reader per layout: a staff list, a long roster / certifications sheet, a training matrix, a CE log.

Each takes the sheet's context, its rows and the person on each row, rejects the rows it cannot use (with the
column and a reason) and returns what the accepted rows hold. ``sheets.read_sheet`` picks the reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..distinct import Distinct, map_unique
from ..model import Notice
from ..text import fold, tidy
from .context import Parts, Rows, SheetContext, Who, is_empty
from .header import CredentialColumn, field_for, header_unit, names_a_cpr_card
from .notes import Tally, quote
from .plausible import beyond, certification_dates, check_range, matrix_dates
from .values import (
    EXPIRED,
    EXPIRY_DATE,
    NOT_YET,
    AmountColumn,
    DateColumn,
    parse_amounts,
    parse_expiry_cells,
    prefer_hours,
    unit_kind,
)

# Date columns of a matrix that are not qualifications.
_NOT_CREDENTIAL = re.compile(
    r"\b(date|dob|birth|born|hire|hired|start|started|joined|updated|modified|review|"
    r"appraisal|induction|last|next|contract|probation|leav\w*|anniversary)\b"
)
_SPLIT_BODIES = re.compile(r"\s*(?:[;,/&+|]|\band\b)\s*", re.I)
NO_PERSON = "no trainer name or staff id"


def read_staff(ctx: SheetContext, rows: Rows, who: Who) -> Parts:  # noqa: ARG001 (every reader has READERS' signature)
    """A staff list: people only (id, names, email, club, role)."""
    rows.reject(who.missing, who.column, NO_PERSON)
    return Parts()


def read_certifications(ctx: SheetContext, rows: Rows, who: Who) -> Parts:
    """One row per trainer x certification (a long roster, or a workbook's certifications sheet)."""
    cols, label, text, reject = ctx.cols, ctx.label, rows.text, rows.reject
    reject(who.missing, who.column, NO_PERSON)
    cred_raw = text("credential")
    reject(is_empty(cred_raw), label("credential"), "no certification named")
    dates = certification_dates(ctx, rows)  # plausible.py: every date check, in order
    issued, cpr_exp, cpr_iss = dates.issued, dates.cpr_expires, dates.cpr_issued
    card_columns = _card_columns(ctx, rows)
    amounts, hours_used = _amounts(ctx, rows) if "amount" in cols else (None, {})
    if amounts is not None:
        reject(amounts.bad, label("amount"), amounts.why)
    ok = rows.ok
    if issued is not None and (issued.bad & ok).any():
        odd = rows.rownum[issued.bad & ok]
        tally = Tally(f" in {ctx.where}: those issued dates were ignored too", "cells")
        tally.add(
            len(odd),
            (
                f"{ctx.where} row {r}: the issued date in '{label('issued')}' is not a date and was ignored."
                for r in odd
            ),
        )
        rows.warnings.extend(tally.lines())
    catalogue = ctx.catalogue
    matched = map_unique(cred_raw, catalogue.match)
    if "approved_for" in cols:  # "Certifying body: ACE" + "Certification: Group Fitness Instructor"
        body = text("approved_for")
        both = (body + " " + cred_raw).where(matched.isna() & ~is_empty(body), "")
        matched = matched.where(matched.notna(), map_unique(both, catalogue.match))
        cred_raw = cred_raw.where(
            is_empty(body) | is_empty(cred_raw) | map_unique(cred_raw, catalogue.match).notna(),
            body + " " + cred_raw,
        )
    if amounts is not None:  # "0.5 NASM CEUs" on an ACE row: which is it?
        reject(*_amount_names_another_body(amounts, matched, label("amount"), catalogue))
    # After 2199: on a credential Recert knows, a slip or a placeholder; on an unknown one, "does not expire".
    reject(
        dates.far & matched.notna(),
        label("expires"),
        lambda i: cred_raw[i].map(
            lambda c: (
                f"the expiry date is after 2199, a date Recert does not track: a placeholder for 'no expiry'? "
                f"{c} must be renewed: enter its real expiry date"
            )
        ),
    )
    ok = rows.ok
    is_cpr = map_unique(cred_raw, lambda t: catalogue.is_cpr(t) or names_a_cpr_card(t)).astype(
        bool
    )  # "RCR/DEA"
    head_unit = header_unit(ctx.header[cols["amount"]]) if "amount" in cols else None
    in_hours = amounts.kinds.eq("hours") if amounts is not None else pd.Series(False, index=rows.index)
    if head_unit == "hours" and amounts is not None:
        in_hours = in_hours | amounts.kinds.isna()
    certs = pd.DataFrame(
        {
            "file": ctx.file,
            "sheet": ctx.sheet,
            "row": rows.rownum,
            "local_id": who.local_id,
            "name": who.name,
            "credential": matched.where(matched.notna(), map_unique(cred_raw, tidy)),
            "credential_name": cred_raw,
            "known": matched.notna(),
            "number": text("number") if "number" in cols else "",
            "issued": issued.values if issued is not None else pd.NaT,
            "expires": dates.expires,
            "credits": amounts.values if amounts is not None else np.nan,
            "credits_in_hours": in_hours.astype(bool),
            "is_cpr": is_cpr.astype(bool),
        }
    )
    cards = certs[ok & certs["is_cpr"]]
    cpr_frames = [
        pd.DataFrame(
            {
                "file": cards["file"],
                "sheet": cards["sheet"],
                "row": cards["row"],
                "local_id": cards["local_id"],
                "name": cards["name"],
                "issued": cards["issued"],
                "expires": cards["expires"],
                "source": cards["credential_name"],
            }
        )
    ]
    if cpr_exp is not None or cpr_iss is not None:  # the CPR/AED columns of a flat roster row
        none = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
        exp_v = cpr_exp.values if cpr_exp is not None else none
        iss_v = cpr_iss.values if cpr_iss is not None else none
        has = ok & (exp_v.notna() | iss_v.notna())
        source = label("cpr_expires") if cpr_exp is not None else label("cpr_issued")
        cpr_frames.append(_cards(ctx, rows, who, has, iss_v, exp_v, source))
    for source, parsed in card_columns:
        cpr_frames.append(_cards(ctx, rows, who, ok & parsed.values.notna(), pd.NaT, parsed.values, source))
    return Parts(
        certs=certs[ok & ~certs["is_cpr"]].drop(columns="is_cpr"),
        cpr=pd.concat(cpr_frames),
        columns=hours_used,
    )


def read_matrix(ctx: SheetContext, rows: Rows, who: Who) -> Parts:
    """One row per trainer, one column per credential whose cells are expiry dates (credits columns beside)."""
    cred_cols, credit_cols, columns, unused = _matrix_columns(ctx, rows)
    where, reject = ctx.where, rows.reject
    any_value = pd.Series(False, index=rows.index)
    cert_frames, cpr_frames = [], []
    not_dates = Tally(f" in {where}: those certifications were not read either", "cells")
    reject(who.missing & ~rows.row_blank, who.column, NO_PERSON)
    ok = rows.ok
    not_yet: dict[int, list[str]] = {}  # row position -> "NASM CPT (pending)", ...: one note per trainer
    for cc in cred_cols:
        # Words in the cells (inputs.md): "Exp 03/2027" is a date, "expired" is held with no date, "N/A" and
        # "-" are not held, "pending" / "booked" are not held yet; only other text is warned about.
        parsed = rows.dates("", idx=cc.index, head=tidy(cc.header), parse=parse_expiry_cells)
        raw = rows.frame[cc.index]
        # Before 1950 or after 2199: not read (an unknown credential's far placeholder: it does not expire).
        checked = matrix_dates(rows.dist(cc.index), parsed, keep_far=not cc.known and not cc.is_cpr)
        has = ok & checked.values.notna()
        if not cc.is_cpr:  # "expired" with no date: held and expired, expiry unknown (a card so marked: none)
            has |= ok & parsed.state.eq(EXPIRED)
        pending = ok & parsed.state.eq(NOT_YET)
        for pos, said in zip(np.flatnonzero(pending.to_numpy()), parsed.said[pending], strict=True):
            not_yet.setdefault(int(pos), []).append(f"{tidy(cc.header)} ({said})")
        any_value |= has
        implausible = checked.why.ne("")
        odd = ok & ((parsed.bad & ~checked.far) | implausible)
        if odd.any():
            why = checked.why.where(implausible, "is not an expiry date")
            not_dates.add(
                int(odd.sum()),
                (
                    f"{where} row {r}, column '{tidy(cc.header)}': '{quote(v)}' {w}, so that certification was not "
                    "read."
                    for r, v, w in zip(rows.rownum[odd], raw[odd], why[odd], strict=True)
                ),
            )
        if cc.is_cpr:
            cpr_frames.append(_cards(ctx, rows, who, has, pd.NaT, checked.values, tidy(cc.header)))
            continue
        credits = pd.Series(np.nan, index=rows.index)
        in_hours = pd.Series(False, index=rows.index)
        if cc.credential in credit_cols:
            ccol = credit_cols[cc.credential]
            amounts = parse_amounts(rows.dist(ccol.index))
            credits = amounts.values
            in_hours = amounts.kinds.eq("hours") | (
                amounts.kinds.isna() & (header_unit(ccol.header) == "hours")
            )
        cert_frames.append(
            pd.DataFrame(
                {
                    "file": ctx.file,
                    "sheet": ctx.sheet,
                    "row": rows.rownum[has],
                    "local_id": who.local_id[has],
                    "name": who.name[has],
                    "credential": cc.credential,
                    "credential_name": tidy(cc.header),
                    "known": cc.known,
                    "number": "",
                    "issued": pd.NaT,
                    "expires": checked.values[has],
                    "credits": credits[has],
                    "credits_in_hours": in_hours[has].astype(bool),
                }
            )
        )
    if "cpr_expires" in ctx.cols:
        parsed = rows.dates("cpr_expires", parse=parse_expiry_cells)
        checked = matrix_dates(rows.dist(ctx.cols["cpr_expires"]), parsed, keep_far=False)
        has = ok & checked.values.notna()
        cpr_frames.append(_cards(ctx, rows, who, has, pd.NaT, checked.values, ctx.label("cpr_expires")))
    rows.warnings.extend(not_dates.lines())
    rows.warnings.extend(_not_yet_notes(ctx, rows, who, not_yet))
    if unused:
        rows.warnings.append(
            Notice(
                "columns",
                f"{where}: column{'s' if len(unused) > 1 else ''} not read as a "
                "certification: " + "; ".join(f"'{quote(h)}' ({why})" for h, why in unused.items()) + ".",
            )
        )
    return Parts(
        certs=pd.concat(cert_frames) if cert_frames else pd.DataFrame(),
        cpr=pd.concat(cpr_frames) if cpr_frames else pd.DataFrame(),
        columns=columns,
    )


def _matrix_columns(
    ctx: SheetContext, rows: Rows
) -> tuple[list[CredentialColumn], dict[str, CredentialColumn], dict[str, str], dict[str, str]]:
    """(credential columns, credits column per credential, headers used beyond the header's mapping, the
    other columns with the reason each was not read as a credential).

    Unknown credentials are kept: a column of expiry dates named like a qualification ("Zumba Instructor"). A
    credits column pairs with the credential to its left ("NASM CPT" | "CEUs", "ACE GFI" | "ACE CECs"), else
    with the credential it names.
    """
    header, guess, catalogue = ctx.header, ctx.guess, ctx.catalogue
    width = len(header)
    used = set(guess.fields) | {c.index for c in guess.credential_columns}
    cred_cols = [c for c in guess.credential_columns if not c.credits]
    columns: dict[str, str] = {}
    why_not: dict[int, str] = {}
    for i in range(width):
        h = tidy(header[i])
        if i in used or not h:
            continue
        if _NOT_CREDENTIAL.search(fold(h)):
            why_not[i] = "its name says it is not a qualification's expiry"
            continue
        filled = rows.frame[i][rows.ok.to_numpy() & ~rows.blank[:, i]]
        order = ctx.date_order if ctx.date_order != "auto" else "mdy"
        # A column is never dropped because some of its cells are words ("pending", "N/A", "expired").
        cells = parse_expiry_cells(filled, order=order)
        far = beyond(filled, cells.values, cells.bad)  # 31/12/9999 on a credential without rules: no expiry
        dated = int((cells.state.isin([EXPIRY_DATE, EXPIRED]) | far).sum())
        odd = cells.bad & ~far
        if dated and odd.mean() <= 0.2:
            cred_cols.append(CredentialColumn(i, h, h, False, False))
            columns[h] = f"credential:{h}"
        elif len(filled):  # an empty column is only listed as ignored
            n = int(odd.sum())
            example = f", e.g. '{quote(filled[odd].iloc[0])}'" if n else ""
            why_not[i] = (
                "its values are not expiry dates"
                if n == len(filled)
                else f"{n:,} of its {len(filled):,} values {'is' if n == 1 else 'are'} not expiry dates"
                if n
                else "none of its values is an expiry date"
            ) + example
    by_index = {c.index: c for c in cred_cols}
    credit_cols: dict[str, CredentialColumn] = {}
    for i in range(1, width):
        left = by_index.get(i - 1)
        named = next((c for c in guess.credential_columns if c.index == i and c.credits), None)
        generic = (
            named is None
            and i not in by_index
            and str(header[i]).strip()
            and (field_for(header[i]) == "amount")
        )
        if named is None and not generic:
            continue
        if left is not None and (
            named is None
            or left.credential == named.credential
            or (
                left.known
                and named.known
                and catalogue[left.credential].body == catalogue[named.credential].body
            )
        ):
            target = left.credential
        elif named is not None:
            target = named.credential
        else:
            continue
        h = tidy(header[i])
        credit_cols[target] = CredentialColumn(i, h, target, True, False, credits=True)
        columns[h] = f"credits:{target}"
        why_not.pop(i, None)
    return cred_cols, credit_cols, columns, {tidy(header[i]): why for i, why in why_not.items()}


def _not_yet_notes(ctx: SheetContext, rows: Rows, who: Who, not_yet: dict[int, list[str]]) -> list[str]:
    """One note per trainer whose matrix cells say "pending", "booked", "in progress": not held yet."""
    if not not_yet:
        return []
    tally = Tally(f" in {ctx.where}: certifications not held yet are not counted", "not_yet")
    names = who.name.to_numpy(dtype=object)
    ids = who.local_id.to_numpy(dtype=object)
    numbers = rows.rownum.to_numpy()

    def sentences():
        for pos, items in not_yet.items():
            person = names[pos] or ids[pos]
            listed = ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
            yield (
                f"{ctx.where} row {numbers[pos]}: {person} does not hold {listed} yet; "
                "they count once the file gives an expiry date."
            )

    tally.add(len(not_yet), sentences())
    return tally.lines()


def read_ce_log(ctx: SheetContext, rows: Rows, who: Who) -> Parts:
    """One row per CE activity: date, amount (unit in the cell, a unit column or the header), bodies named."""
    cols, label, text, reject = ctx.cols, ctx.label, rows.text, rows.reject
    reject(who.missing, who.column, NO_PERSON)
    d = rows.dates("date")
    check_range(
        rows, label("date"), cols["date"], d, "activity date"
    )  # Excel's empty date, before 1950, after 2199
    reject(d.bad, label("date"), rows.bad_dates("date", d))
    reject(d.values.isna() & ~d.bad, label("date"), "no activity date")
    amounts, hours_used = _amounts(ctx, rows)
    reject(amounts.bad, label("amount"), amounts.why)
    reject(amounts.values.isna() & ~amounts.bad, label("amount"), "no amount")
    kind = amounts.kinds.copy()
    unit_text = amounts.unit_text.copy()
    unit_col = label("amount")
    if "unit" in cols:
        units = rows.text_codes("unit")
        raw_unit = units.spread()
        ukind = map_unique(units.distinct(), lambda u: unit_kind(u) if u else None)
        bad_unit = ~is_empty(raw_unit) & ukind.isna()
        reject(
            bad_unit,
            label("unit"),
            lambda idx: raw_unit[idx].map(
                lambda u: f"unit '{u}' is not one Recert knows (use hours, CEU, CEC or points)"
            ),
        )
        has_unit = ~is_empty(raw_unit) & ukind.notna() & ~amounts.both  # a cell giving both is read as hours
        conflict = has_unit & kind.notna() & kind.ne(ukind)
        reject(conflict, label("unit"), "the amount and the unit column disagree (hours vs credits)")
        kind = kind.where(~has_unit, ukind)
        unit_text = unit_text.where(~has_unit, raw_unit)
        unit_col = label("unit")
    amount_head = ctx.header[cols["amount"]]
    head_unit = header_unit(amount_head)
    kind = kind.where(kind.notna(), head_unit or "units")
    unit_text = unit_text.where(
        ~is_empty(unit_text), ("hours" if head_unit == "hours" else tidy(amount_head))
    )
    approved = rows.text_codes("approved_for")  # one "" for every row when there is no such column
    bodies_raw = approved.spread()
    if "credential" in cols:
        cred_raw = text("credential")
        bodies_raw = bodies_raw.where(~is_empty(bodies_raw), cred_raw)
        named = Distinct.of(bodies_raw)
    else:
        named = approved.distinct()
    found = pd.Series([bodies(b, ctx.catalogue) for b in named.uniques], dtype=object)
    unknown_only = named.spread(found.map(len).eq(0) & ~is_empty(named.uniques))
    body_col = label("approved_for") if "approved_for" in cols else label("credential")
    reject(
        unknown_only,
        body_col,
        lambda idx: bodies_raw[idx].map(
            lambda b: f"'{b}' is not a certifying body Recert knows, so these credits cannot be placed"
        ),
    )
    row_bodies = named.spread(found)
    if amounts.named.any():  # "0.5 NASM CEUs": the amount names the body, as a Body column would
        row_bodies, bodies_raw, disagree = _with_amount_bodies(row_bodies, bodies_raw, amounts.bodies)
        reject(~is_empty(disagree), label("amount"), disagree)
    activities = pd.DataFrame(
        {
            "file": ctx.file,
            "sheet": ctx.sheet,
            "row": rows.rownum,
            "local_id": who.local_id,
            "name": who.name,
            "date": d.values,
            "course": text("course"),
            "provider": text("provider"),
            "amount": amounts.values,
            "unit_kind": kind,
            "unit_text": unit_text,
            "bodies": row_bodies,
            "bodies_text": bodies_raw,
            "unit_column": unit_col,
        }
    )
    return Parts(activities=activities[rows.ok], columns=hours_used)


READERS: dict[str, Callable[[SheetContext, Rows, Who], Parts]] = {
    "staff": read_staff,
    "certifications": read_certifications,
    "matrix": read_matrix,
    "ce_log": read_ce_log,
}


def _cards(
    ctx: SheetContext, rows: Rows, who: Who, has: pd.Series, issued: object, expires: pd.Series, source: str
) -> pd.DataFrame:
    """CPR/AED cards from a column of a roster or matrix row (``has``: rows that hold one)."""
    return pd.DataFrame(
        {
            "file": ctx.file,
            "sheet": ctx.sheet,
            "row": rows.rownum[has],
            "local_id": who.local_id[has],
            "name": who.name[has],
            "issued": issued[has] if isinstance(issued, pd.Series) else issued,
            "expires": expires[has],
            "source": source,
        }
    )


def _card_columns(ctx: SheetContext, rows: Rows) -> list[tuple[str, DateColumn]]:
    """Columns of a roster named after a CPR/AED card ("BLS", "Heartsaver") beside the CPR/AED fields: each
    holds that card's expiry. Cells that are not dates reject their row, as in a CPR/AED expiry column."""
    out = []
    for cc in ctx.guess.credential_columns:
        if cc.is_cpr and not cc.credits:
            head = tidy(cc.header)
            parsed = rows.dates("", idx=cc.index, head=head)

            def why(idx: pd.Index, i: int = cc.index, p: DateColumn = parsed) -> pd.Series:
                return _not_a_date(rows.frame[i][idx], p)

            rows.reject(parsed.bad, head, why)
            check_range(rows, head, cc.index, parsed, "CPR/AED expiry")
            out.append((head, parsed))
    return out


def _not_a_date(cells: pd.Series, parsed: DateColumn) -> pd.Series:
    how = {
        "mdy": " (this column's dates are month/day/year)",
        "dmy": " (this column's dates are day/month/year)",
    }
    tail = how.get(parsed.order or "", "")
    return cells.map(lambda v: f"'{tidy(v)}' is not a date{tail}")


def _amounts(ctx: SheetContext, rows: Rows) -> tuple[AmountColumn, dict[str, str]]:
    """The amount column, read with the bodies named inside it; beside a credits column, a column in hours
    ("Credits (CEU)" | "Contact hours", as LMS exports give them) wins where it has a value (rule 5: hours
    mean the same at every body). Also the hours column's header, when one was used (for the mapping)."""
    i = ctx.cols["amount"]
    amounts = parse_amounts(rows.dist(i), ctx.catalogue)
    if header_unit(ctx.header[i]) == "hours":
        return amounts, {}
    used = set(ctx.guess.fields) | {c.index for c in ctx.guess.credential_columns}
    j = next(
        (
            j
            for j, h in enumerate(ctx.header)
            if j not in used
            and isinstance(h, str)
            and h.strip()
            and field_for(h) == "amount"
            and header_unit(h) == "hours"
        ),
        None,
    )
    if j is None:
        return amounts, {}
    hours = parse_amounts(rows.dist(j), ctx.catalogue)
    rows.reject(hours.bad, tidy(ctx.header[j]), hours.why)
    return prefer_hours(amounts, hours), {tidy(ctx.header[j]): "amount"}


def _with_amount_bodies(
    row_bodies: pd.Series, bodies_text: pd.Series, in_amount: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Bodies per CE row when the amount names some ("0.5 NASM CEUs"): those, if the Body / Approved-for
    column names none or includes them; a reason where the two disagree. Returns (bodies, bodies as text,
    reason or ""), worked per distinct pair."""
    keys = np.empty(len(row_bodies), dtype=object)
    keys[:] = list(zip(bodies_text.to_numpy(dtype=object), in_amount.to_numpy(dtype=object), strict=True))
    codes, _ = pd.factorize(keys)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    cols, texts, amts = (
        row_bodies.to_numpy(dtype=object)[first],
        bodies_text.to_numpy(dtype=object)[first],
        in_amount.to_numpy(dtype=object)[first],
    )
    out_bodies, out_text, why = [], [], []
    for col, text, amt in zip(cols, texts, amts, strict=True):
        if not amt or (col and set(amt) <= set(col)) or (not col and not text):
            chosen = tuple(amt) or col
            out_bodies.append(chosen)
            out_text.append("; ".join(chosen) if amt else text)
            why.append("")
        else:
            out_bodies.append(col)
            out_text.append(text)
            why.append(
                f"the amount names {' and '.join(amt)} but the body column says '{text}': correct one of them"
            )

    def spread(values: list) -> pd.Series:
        held = np.empty(len(values), dtype=object)
        held[:] = values
        return pd.Series(held[codes], index=row_bodies.index, dtype=object)

    return spread(out_bodies), spread(out_text), spread(why)


def _amount_names_another_body(
    amounts: AmountColumn, matched: pd.Series, column: str, catalogue: Catalogue
) -> tuple[pd.Series, str, pd.Series]:
    """(rows, column, reason) for flat roster rows whose amount names a body other than the certification's
    ("0.5 NASM CEUs" on an ACE row): the credits cannot be placed."""
    names = amounts.named
    why = pd.Series("", index=matched.index, dtype=object)
    if names.any():
        body = map_unique(
            matched, lambda c: catalogue[c].body if isinstance(c, str) and c in catalogue else ""
        )
        for idx in matched.index[names]:
            amt = amounts.bodies[idx]
            if body[idx] and body[idx] not in amt:
                why[idx] = (
                    f"the credits are {' and '.join(amt)} credits but the certification is "
                    f"{body[idx]}'s: correct one of them"
                )
    return ~is_empty(why), column, why


def bodies(text: str, catalogue: Catalogue) -> tuple[str, ...]:
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
