"""Cell values as managers and their exports write them (inputs.md, standing.md rule 5): amounts that state
credits and hours, bodies inside amounts, words in training-matrix cells, "Last, First" names."""

from __future__ import annotations

from datetime import date

import pytest

from cpd import Source, analyse
from cpd.ingest.assemble import first_last
from tests.helpers import csv_bytes

AS_OF = date(2026, 6, 1)


# "Last, First" names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "shown"), [
    ("Silva, Ana", "Ana Silva"),
    ("Silva,Ana", "Ana Silva"),
    ("  Silva ,  Ana ", "Ana Silva"),
    ("de la Cruz, Juan", "Juan de la Cruz"),
    ("Gómez Pérez, Lucía", "Lucía Gómez Pérez"),
    ("O'Neil, Mary-Kate", "Mary-Kate O'Neil"),
    ("Smith, J.", "J. Smith"),
    ("Smith, John, Jr.", "John Smith Jr."),
    ("Ana Silva", "Ana Silva"),
])
def test_last_first_names_read_as_first_last(written, shown):
    assert first_last(written) == shown


@pytest.mark.parametrize("written", [
    "Smith, Jr.", "Smith, III", "Ana Silva, CPT", "Ana Silva, PhD", "Acme Fitness, Inc.", "Peak Gym, LLC",
    "Fitness Co GmbH, Berlin", "Silva, ", ", Ana", "A, B, C", "Unit 4, Block 2", "Silva, Ana, Maria",
])
def test_commas_that_are_not_last_first_keep_the_name_as_written(written):
    assert first_last(written) == written


def _trainers(names_ids: list[tuple[str, str]]) -> list[str]:
    """The trainers of a roster row (the first name and id) and a staff list (the others)."""
    roster = [["Trainer", "Staff ID", "Certification", "Expiration"]]
    roster += [[name, sid, "NASM CPT", "2027-01-31"] for name, sid in names_ids[:1]]
    staff = [["Employee", "Staff ID", "Club"]] + [[name, sid, "Downtown"] for name, sid in names_ids[1:]]
    st = analyse([Source("r.csv", csv_bytes(roster)), Source("s.csv", csv_bytes(staff))], as_of=AS_OF)
    return sorted(st.trainers["trainer"])


@pytest.mark.parametrize(("rows", "trainers"), [
    # No ids: "Silva, Ana", "ana silva " and "Ana Silva" are one trainer, shown "First Last".
    ([("Ana Silva", ""), ("Silva, Ana", ""), ("ana silva ", "")], ["Ana Silva"]),
    ([("Silva, Ana", ""), ("Ana Silva", "")], ["Ana Silva"]),
    # Ids that agree: one trainer.
    ([("Ana Silva", "7"), ("Silva, Ana", "7")], ["Ana Silva"]),
    # Ids that differ: two people who share a name.
    ([("Ana Silva", "7"), ("Silva, Ana", "8")], ["Ana Silva", "Ana Silva"]),
    # A suffix is not a first name: "Smith, Jr." is not "Jr. Smith".
    ([("John Smith", ""), ("Smith, Jr.", "")], ["John Smith", "Smith, Jr."]),
])
def test_last_first_names_match_the_same_trainer_when_ids_agree_or_are_absent(rows, trainers):
    assert _trainers(rows) == trainers
