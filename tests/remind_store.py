"""The sent log's database for the reminder tests: migrated the way the store migrates it."""

from __future__ import annotations

import sqlalchemy as sa

from cpd.store.sent import metadata


def migrated_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    return engine
