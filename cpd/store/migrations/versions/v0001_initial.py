"""The first schema: snapshots, their files and frame layouts, shared row blocks, mapping corrections, settings.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recert_snapshots",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_days", sa.Integer, nullable=False),
        sa.Column("date_order", sa.String(8), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
        sa.Column("rules_text", sa.Text, nullable=True),
        sa.Column("rules_version", sa.Text, nullable=True),
        sa.Column("overrides", sa.Text, nullable=False),
        sa.Column("trainers", sa.Integer, nullable=False),
        sa.Column("compliant", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("roster_meta", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "recert_files",
        sa.Column(
            "snapshot_id",
            sa.String(32),
            sa.ForeignKey("recert_snapshots.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "recert_blocks",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("frame", sa.String(32), nullable=False),
        sa.Column("schema_digest", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("digests", sa.LargeBinary, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_recert_blocks_frame_schema", "recert_blocks", ["frame", "schema_digest"])
    op.create_table(
        "recert_frames",
        sa.Column(
            "snapshot_id",
            sa.String(32),
            sa.ForeignKey("recert_snapshots.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("frame", sa.String(32), primary_key=True),
        sa.Column("layout", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "recert_frame_blocks",
        sa.Column(
            "snapshot_id",
            sa.String(32),
            sa.ForeignKey("recert_snapshots.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("frame", sa.String(32), primary_key=True),
        sa.Column(
            "block_id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            sa.ForeignKey("recert_blocks.id"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_recert_frame_blocks_block", "recert_frame_blocks", ["block_id"])
    op.create_table(
        "recert_mapping_corrections",
        sa.Column("signature", sa.String(64), primary_key=True),
        sa.Column("overrides", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "recert_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
