"""Warnings that can repeat once per row, kept as a few examples and a count.

A 1,000,000-row file with one slip every third row must not become 333,334 sentences held in memory and
shown one by one: each kind of warning keeps its first ``EXAMPLES_KEPT`` sentences and counts the rest in one
line ("... and 333,329 more like it"), and a roster keeps at most ``WARNINGS_KEPT`` lines in all. The callers
count with vectorised masks and write only the sentences that are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from ..model import Notice

EXAMPLES_KEPT = 5  # sentences kept per kind of repeated warning (per sheet, or per pair of files)
WARNINGS_KEPT = 200  # lines a roster keeps in all; beyond, one line says how many were left out
QUOTE_CHARS = 80  # cell text quoted in a warning is cut to this many characters


class Tally:
    """One kind of repeated warning: the first few sentences and how many there were in all."""

    def __init__(self, more: str, kind: str = "other") -> None:
        """``more`` ends the count line: "... and 12 more like it" + more, e.g. " in roster.csv"; ``kind`` is
        the warnings' kind (model.WARNING_KINDS)."""
        self.more = more
        self.kind = kind
        self.examples: list[str] = []
        self.total = 0

    def add(self, count: int, sentences: Iterable[str]) -> None:
        """``count`` more cases, of which ``sentences`` yields (lazily) as many as are still kept."""
        room = EXAMPLES_KEPT - len(self.examples)
        if room > 0:
            self.examples.extend(islice(sentences, min(room, count)))
        self.total += count

    def lines(self) -> list[str]:
        lines = list(self.examples)
        rest = self.total - len(self.examples)
        if rest > 0:
            lines.append(
                f"… and {rest:,} more like {'it' if len(self.examples) == 1 else 'these'}{self.more}."
            )
        return [Notice(self.kind, line) for line in lines]


def cap(warnings: Iterable[str]) -> tuple[str, ...]:
    """Distinct warnings in order, at most ``WARNINGS_KEPT`` lines (the last one counting those left out)."""
    distinct = list(dict.fromkeys(warnings))
    if len(distinct) <= WARNINGS_KEPT:
        return tuple(distinct)
    rest = len(distinct) - (WARNINGS_KEPT - 1)
    return (
        *distinct[: WARNINGS_KEPT - 1],
        Notice(
            "more",
            f"… and {rest:,} more notes, not shown: fix the ones above and read the files again to see them.",
        ),
    )


def quote(value: object) -> str:
    """Cell text for a warning, tidy and cut short."""
    text = " ".join(str(value).split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"
