"""Shared fixtures: the bundled sample, analysed once per test process at its anchor date."""

from __future__ import annotations

import inspect
import types

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


# The fast lane (`scripts/test.sh --fast`) -------------------------------------------------------------------
# Kinds of test marked here, from what a test (with its fixtures and the tests/ helpers it calls) refers to, so
# that a new test is sorted without anyone remembering to mark it: "apptest" drives a page through Streamlit's
# AppTest, "process" starts another process (the CLI in a fresh interpreter, LibreOffice, a server). Browser
# tests carry their own "browser" mark and long ones an explicit "slow" mark.
_KINDS = {"apptest": frozenset({"AppTest"}), "process": frozenset({"subprocess", "Popen", "multiprocessing"})}


def _names(code: types.CodeType) -> set[str]:
    """Every global or attribute name a code object (and the functions and lambdas inside it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _referenced(func: object, seen: set[object]) -> set[str]:
    """Names ``func`` refers to, following the functions of tests/ modules it calls."""
    func = inspect.unwrap(func)  # type: ignore[arg-type]
    code = getattr(func, "__code__", None)
    if code is None or func in seen:
        return set()
    seen.add(func)
    names = _names(code)
    module_globals = getattr(func, "__globals__", {})
    for name in list(names):
        target = module_globals.get(name)
        where = str(getattr(target, "__module__", ""))
        if callable(target) and (where == func.__module__ or where.startswith(("tests.", "conftest"))):
            names |= _referenced(target, seen)
    return names


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        func = getattr(item, "function", None)
        if func is None:
            continue
        seen: set[object] = set()
        names = _referenced(func, seen)
        info = getattr(item, "_fixtureinfo", None)
        for defs in (info.name2fixturedefs.values() if info else ()):
            names |= _referenced(defs[-1].func, seen)
        for kind, markers in _KINDS.items():
            if names & markers:
                item.add_marker(kind)
