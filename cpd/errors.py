"""The one error type a manager ever sees.

Every failure that reaches a person (CLI stderr, the app) is a ``RecertError`` whose ``str()`` is a single
plain sentence saying what happened and what to do. Anything else escaping ``cpd`` is a bug.
"""

from __future__ import annotations


class RecertError(Exception):
    """Input or rules that cannot be used, with the sentence shown to the user."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        self.message = message
        self.file = file
        super().__init__(message)

    def __str__(self) -> str:  # the sentence, prefixed with the file it concerns
        return f"{self.file}: {self.message}" if self.file else self.message


class UnreadableFile(RecertError):
    """A file that cannot be read at all (empty, not a spreadsheet, password protected, hostile)."""


class RulesError(RecertError):
    """A catalogue / rules file that is not valid."""
