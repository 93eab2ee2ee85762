"""Alembic migrations of the store's schema, run by ``cpd.store.open_store`` (no alembic.ini needed)."""
