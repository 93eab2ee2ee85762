"""The sent log's database for the reminder tests: a real store, migrated by ``open_store`` (Alembic)."""

from __future__ import annotations

import sqlalchemy as sa

from cpd.store import open_store


def migrated_engine(url: str) -> sa.Engine:
    return open_store(url).engine
