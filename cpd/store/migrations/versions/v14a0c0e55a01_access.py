"""Access (issue 14): grants (an email or a groups-claim group -> role and clubs) and the audit log.

Revision ID: 14a0c0e55a01
Revises: b7e5d0c1a2f4
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "14a0c0e55a01"
down_revision = "b7e5d0c1a2f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recert_grants",
        sa.Column("kind", sa.String(8), primary_key=True),  # "email" | "group"
        sa.Column("subject", sa.String(320), primary_key=True),  # case-folded email, or the group as written
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("clubs", sa.Text, nullable=False),  # JSON list of club names as granted
        sa.Column("granted_by", sa.String(320), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "recert_audit",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(320), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
    )
    op.create_index("ix_recert_audit_at", "recert_audit", ["at"])


def downgrade() -> None:
    op.drop_index("ix_recert_audit_at", table_name="recert_audit")
    op.drop_table("recert_audit")
    op.drop_table("recert_grants")
