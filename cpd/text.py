"""Normalising text the way managers write it: case, accents, punctuation and stray spaces don't matter."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: object) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces ("NASM-CPT " -> "nasm cpt")."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", s).strip()


def tidy(text: object) -> str:
    """Trim and collapse internal whitespace, keeping case and accents (for display)."""
    if text is None:
        return ""
    return " ".join(str(text).split())
