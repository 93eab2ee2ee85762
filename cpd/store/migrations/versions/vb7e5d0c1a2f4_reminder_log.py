"""The reminders' sent log (``cpd.store.sent``): one row per message key, claimed before sending.

Revision ID: b7e5d0c1a2f4
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7e5d0c1a2f4"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trainer_id", sa.String(200), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("claimed_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.Column("reason", sa.String(1000), nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("trainer_id", "item", "step", "deadline", name="uq_reminder_log_key"),
    )
    op.create_index("ix_reminder_log_trainer", "reminder_log", ["trainer_id"])
