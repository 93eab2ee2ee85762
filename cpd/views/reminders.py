"""What the Reminders page shows: the drafts (``cpd.reminders``) as a table and as choices to read one by one."""

from __future__ import annotations

import pandas as pd

TABLE_COLUMNS = ("trainer", "club", "email", "subject", "deadline", "write")  # in the order the page shows them


def draft_table(drafts: pd.DataFrame) -> pd.DataFrame:
    """The drafts with a ``write`` link (the ``mailto:``) only where the trainer has a valid address: without one
    the link would open a message to nobody, so the cell stays empty and the page says to copy the text."""
    return drafts.assign(write=drafts["mailto"].where(drafts["email"].astype(bool), None))


def draft_labels(drafts: pd.DataFrame) -> dict[object, str]:
    """Row index -> "Trainer — Subject", what the picker lists."""
    return dict(zip(drafts.index, drafts["trainer"].astype(str) + " — " + drafts["subject"].astype(str), strict=True))
