"""Shared fixtures: the bundled sample, analysed once per test process at its anchor date."""

from __future__ import annotations

import atexit
import inspect
import os
import shutil
import tempfile
import types

import pytest
from hypothesis import settings

from cpd import Source, analyse
from cpd.samples import DEFAULT_ANCHOR, SAMPLE_WINDOW, build_sample
from tests.pg import pg_cluster, pg_url  # noqa: F401 (fixtures: a throw-away PostgreSQL 15 for the store's tests)

# No per-example deadline: on a shared 2-core machine a first example can take 2x the default 200 ms and fail as
# "flaky" (seen: test_tidy_text_is_the_same_per_distinct_value_as_per_cell under a load of 8). Speed has its own tests.
settings.register_profile("recert", deadline=None)
settings.load_profile("recert")
# The fast lane (`scripts/test.sh --fast` sets RECERT_FAST_LANE=1) runs every property with at most this many
# examples, its own @settings included (see pytest_collection_modifyitems); the full run keeps each test's count.
FAST_LANE = os.environ.get("RECERT_FAST_LANE") == "1"
FAST_MAX_EXAMPLES = 10

# Every test (and every process a test starts) gets a throw-away store, never the project's data/recert.db nor a
# database a developer's RECERT_DATABASE_URL names: a snapshot saved there would make the app open on it. Tests
# that need their own database set RECERT_DATABASE_URL themselves (monkeypatch, a subprocess env).
_STORE_DIR = tempfile.mkdtemp(prefix="recert-tests-")
os.environ["RECERT_DATABASE_URL"] = f"sqlite:///{os.path.join(_STORE_DIR, 'recert.db')}"
atexit.register(shutil.rmtree, _STORE_DIR, True)


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


# Measured in the fast lane (pytest -n 2, seconds with the machine shared by several test runs, about 5x slower
# than alone): long hypothesis properties and chain-size or many-file reads. Every parametrisation is slow.
_SLOW = {
    "test_access.py": {"test_narrow_partitions_trainers_by_club"},  # 24 s
    "test_charts.py": {"test_plot_text_is_inert_and_reversible"},  # 11 s
    "test_history.py": {"test_diff_is_consistent_both_ways"},  # 115 s
    "test_hostile_cli.py": {
        "test_mutated_valid_files_give_a_standing_or_the_projects_error",  # 41 s
        "test_arbitrary_bytes_give_a_standing_or_the_projects_error",
    },
    "test_ingest.py": {
        "test_no_date_in_any_column_can_crash_the_standing_or_leave_the_tracked_range",  # 118 s
        "test_a_certification_listed_more_than_once_keeps_its_latest_expiry_the_last_listed_of_equals",
        "test_the_rejected_row_is_the_record_number_whatever_the_notes_hold",  # 34 s
        "test_a_sheet_with_more_columns_in_use_than_512_is_read_up_to_512_and_says_so",
        "test_shape_is_the_dense_grid_without_its_empty_columns",
    },
    "test_properties.py": {
        "test_hours_convert_to_units_by_hours_per_unit",  # 89 s
        "test_rows_read_equals_accepted_plus_rejected_plus_blank",  # 73 s
        "test_a_column_is_read_in_one_order",
    },
    "test_reading.py": {
        "test_leaving_a_reading_early_cancels_the_reads_not_started_and_never_holds_up_the_exit",
        "test_progress_is_reported_in_order_up_to_done_and_never_changes_the_result",
        "test_a_reading_sets_byte_identical_files_aside_and_never_parses_them",
    },
    "test_remind_compose.py": {"test_the_direct_to_line_is_what_the_email_package_writes"},  # 18 s
    "test_remind_send.py": {"test_a_wrong_password_is_one_sentence"},  # 10 s
    "test_rules_hostile.py": {
        "test_any_valid_rules_give_a_standing_with_finite_numbers",  # 46 s
        "test_any_values_give_a_catalogue_or_one_sentence",
        "test_mangled_rules_files_give_a_catalogue_or_one_sentence",
    },
    "test_safety.py": {
        "test_scans_never_see_a_smaller_grid_than_calamine_builds",  # 42 s
        "test_caps_leave_room_for_a_chain_workbook",
        "test_ods_bound_is_never_smaller_than_calamines_grid",
        "test_sniff_of_a_damaged_workbook_returns_a_kind_or_refuses",
    },
    "test_standing.py": {"test_rule_7_the_result_does_not_depend_on_how_the_sheets_were_split_into_files"},
    "test_textfile.py": {
        "test_parse_gives_exactly_the_records_a_plain_csv_reader_gives",  # 15 s
        "test_separator_is_found_for_any_consistent_table",
        "test_trimmed_records_are_the_records_without_their_trailing_empty_fields",
        "test_csv_writer_output_round_trips_through_decode_and_parse",
        "test_lines_are_split_as_stringio_splits_them_whatever_the_chunk",
        "test_decode_of_arbitrary_bytes_returns_text_or_refuses",
    },
    "test_calendar_equivalence.py": {
        "test_calendars_are_the_old_code_s_bytes"
    },  # 47 s: old output, byte for byte
    "test_reminders.py": {"test_drafts_and_csv_are_the_old_output_byte_for_byte"},  # 14 s
    "test_real_rosters.py": {
        "test_every_row_is_counted_as_accepted_rejected_or_blank_as_worked_by_hand"
    },  # 48 s
    "test_csv_injection.py": {"test_no_piece_of_a_written_csv_starts_a_formula_on_any_separator"},  # 24 s
    "test_store.py": {
        "test_standing_json_of_snapshot_is_byte_identical_on_real_rosters",  # 21 rosters x 5 s
        "test_monthly_snapshots_store_what_changed_not_copies",
    },
    "test_store_faults.py": {
        "test_generated_frames_round_trip_exactly_through_the_database",  # 48 s
        "test_full_sqlite_keeps_older_snapshots_and_says_full",
    },  # 17 s
    "test_values.py": {
        "test_amount_parsing_never_raises_and_never_gives_a_negative_or_an_infinite_amount",  # 44 s
        "test_the_warnings_left_out_are_counted_in_a_line_of_their_own_kind",  # 42 s
        "test_an_amount_that_states_hours_is_read_as_those_hours",
    },
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        func = getattr(item, "function", None)
        if func is None:
            continue
        if func.__name__ in _SLOW.get(item.path.name, ()):
            item.add_marker("slow")
        own = getattr(item.obj, "_hypothesis_internal_use_settings", None)
        if FAST_LANE and own is not None and own.max_examples > FAST_MAX_EXAMPLES:
            # read by hypothesis when the test runs: the same test, fewer generated examples
            item.obj._hypothesis_internal_use_settings = settings(own, max_examples=FAST_MAX_EXAMPLES)
        callspec = getattr(item, "callspec", None)
        if callspec and any(isinstance(v, str) and v == "postgresql" for v in callspec.params.values()):
            # a store fixture on a PostgreSQL server (the fixture asks for the server with getfixturevalue)
            item.add_marker("process")
        seen: set[object] = set()
        names = _referenced(func, seen)
        info = getattr(item, "_fixtureinfo", None)
        for defs in info.name2fixturedefs.values() if info else ():
            names |= _referenced(defs[-1].func, seen)
        for kind, markers in _KINDS.items():
            if names & markers:
                item.add_marker(kind)
