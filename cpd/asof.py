"""The as-of dates Recert computes for: one range, used by the command line, the app's date picker and callers.

pandas' timestamps end in 1677 and 2262, and a standing reaches back a whole cycle (years) before the as-of date
and forward past it by the risk window (up to ten years). 1950..2199 keeps every computation well inside, with
room for the dates a real roster holds; checked at both ends by tests/test_asof.py through the command line.
"""

from __future__ import annotations

from datetime import date

from .errors import RecertError

AS_OF_MIN = date(1950, 1, 1)
AS_OF_MAX = date(2199, 12, 31)
AS_OF_RANGE = f"between {AS_OF_MIN.isoformat()} and {AS_OF_MAX.isoformat()}"


def as_of_problem(day: date) -> str | None:
    """The sentence for a date outside the range, or None when Recert can compute standing for it."""
    if AS_OF_MIN <= day <= AS_OF_MAX:
        return None
    return f"The as-of date {day.isoformat()} is out of range: choose a date {AS_OF_RANGE}."


def check_as_of(day: date) -> date:
    """``day`` when it is in range; else a ``RecertError`` whose str() is the sentence a manager sees."""
    problem = as_of_problem(day)
    if problem:
        raise RecertError(problem)
    return day
