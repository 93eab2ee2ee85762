"""What the Reminders page shows: the drafts (``cpd.reminders``) as a table and as choices to read one by one."""

from __future__ import annotations

import pandas as pd

from ..wording import count

TABLE_COLUMNS = (
    "trainer",
    "club",
    "email",
    "subject",
    "deadline",
    "write",
)  # in the order the page shows them


def draft_table(drafts: pd.DataFrame) -> pd.DataFrame:
    """The drafts with a ``write`` link (the ``mailto:``) only where the trainer has a valid address: without one
    the link would open a message to nobody, so the cell stays empty and the page says to copy the text."""
    return drafts.assign(write=drafts["mailto"].where(drafts["email"].astype(bool), None))


def draft_labels(drafts: pd.DataFrame) -> dict[object, str]:
    """Row index -> "Trainer — Subject", what the picker lists."""
    return dict(
        zip(drafts.index, drafts["trainer"].astype(str) + " — " + drafts["subject"].astype(str), strict=True)
    )


# Sent by Recert (issue 15): what ``recert remind`` sent, per trainer, from the store's sent log --------------
SENT_COLUMNS = ("trainer", "club", "what", "step", "deadline", "status", "when", "to", "reason")
SENT_STATUS = {"sent": "Sent", "pending": "Sending", "failed": "Not sent (goes out next run)"}


def step_text(step: int) -> str:
    """A schedule step as a manager says it: "30 days before", "on the day", "14 days after (grace)"."""
    if step < 0:
        return f"{count(-step, 'day')} before"
    return "on the day" if step == 0 else f"{count(step, 'day')} after (grace)"


def sent_table(entries: list, trainers: pd.DataFrame, labels: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The sent log's entries of the trainers shown (``trainers``: the view's, so filters and scope apply),
    newest first, with the trainer's name and club and the certification as the files name it (``labels``:
    (trainer_id, credential) -> name; the CPR/AED card is "CPR/AED card"). Digests (no trainer) are left out."""
    t = trainers.drop_duplicates("trainer_id")
    who = dict(zip(t["trainer_id"].astype(str), zip(t["trainer"], t["club"], strict=True), strict=True))
    rows = []
    for e in entries:
        if e.trainer_id not in who:
            continue
        name, club = who[e.trainer_id]
        what = "CPR/AED card" if e.item == "cpr" else labels.get((e.trainer_id, e.item), e.item)
        rows.append(
            (
                name,
                club,
                what,
                step_text(int(e.step)),
                pd.Timestamp(e.deadline),
                SENT_STATUS.get(e.status, e.status),
                pd.Timestamp(e.sent_at or e.claimed_at),
                e.recipient,
                e.reason,
            )
        )
    return pd.DataFrame(rows, columns=list(SENT_COLUMNS))
