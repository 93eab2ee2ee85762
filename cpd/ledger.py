"""The ledger: one line per source row, saying what became of it (model.FATES: accepted, rejected, blank).

Every row read ends in exactly one fate, so ``rows_read == accepted + rejected + blank`` always holds. Sheets
write the first fates, ingest's assemble rejects rows whose trainer cannot be resolved or that repeat another
file's CE row, and standing rejects CE rows whose unit is ambiguous: all of them change fates only here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .model import FATES, LEDGER_COLUMNS

# Fates as small integers while a sheet is validated (compared many times), in model.FATES order.
ACCEPTED, REJECTED, BLANK = 0, 1, 2
FATE_NAMES = np.array(FATES, dtype=object)


def empty() -> pd.DataFrame:
    """A ledger with no rows (a sheet that was skipped, an upload with nothing read)."""
    return pd.DataFrame(columns=LEDGER_COLUMNS)


def of_sheet(
    file: str,
    sheet: str,
    rows: pd.Series,
    fates: np.ndarray,
    column: pd.Series,
    reason: pd.Series,
    trainer: pd.Series,
) -> pd.DataFrame:
    """One sheet's ledger: each data row's Excel row, its fate (codes ACCEPTED, REJECTED, BLANK), the column
    and reason of a rejection, and the trainer's name as written on the row ("" when it gives none)."""
    return pd.DataFrame(
        {
            "file": file,
            "sheet": sheet,
            "row": rows,
            "fate": pd.Series(FATE_NAMES[fates], index=rows.index, dtype=object),
            "column": column,
            "reason": reason,
            "trainer": trainer,
        }
    )


def combine(ledgers: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The sheets' ledgers one after the other; a row's position is its global row id from then on."""
    if not ledgers:
        return empty()
    ledger = pd.concat(ledgers, ignore_index=True)
    return ledger.astype({"row": "int64"}) if len(ledger) else ledger


def reject_at(
    ledger: pd.DataFrame, positions: np.ndarray, column: str | np.ndarray, reasons: Sequence[str]
) -> None:
    """Reject the rows at ``positions`` (positions in a ledger with a default index), in place."""
    ledger.loc[positions, "fate"] = "rejected"
    ledger.loc[positions, "column"] = column
    ledger.loc[positions, "reason"] = reasons


def reject_rows(ledger: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``ledger`` with the rows named by ``rows`` (file, sheet, row, column, reason) rejected."""
    ledger = ledger.copy()
    idx = ledger.set_index(["file", "sheet", "row"]).index
    target = pd.MultiIndex.from_frame(rows[["file", "sheet", "row"]])
    pos = idx.get_indexer(target)
    ok = pos >= 0
    ledger.loc[ledger.index[pos[ok]], "fate"] = "rejected"
    ledger.loc[ledger.index[pos[ok]], "column"] = rows["column"].to_numpy()[ok]
    ledger.loc[ledger.index[pos[ok]], "reason"] = rows["reason"].to_numpy()[ok]
    return ledger
