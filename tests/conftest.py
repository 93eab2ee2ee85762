"""Shared fixtures: the bundled sample, analysed once per test process at its anchor date."""

from __future__ import annotations

import pytest

from cpd import Source, analyse
from cpd.samples import DEFAULT_ANCHOR, SAMPLE_WINDOW, build_sample
from tests.pg import pg_cluster, pg_url  # noqa: F401 (fixtures: a throw-away PostgreSQL 15 for the store's tests)


@pytest.fixture(scope="session")
def sample_files() -> dict[str, bytes]:
    return build_sample(DEFAULT_ANCHOR)


@pytest.fixture(scope="session")
def sample_standing(sample_files):
    sources = [Source(name, data) for name, data in sample_files.items()]
    return analyse(sources, as_of=DEFAULT_ANCHOR, window=SAMPLE_WINDOW, on_error="collect")
