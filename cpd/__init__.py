"""Recert's engine: read staff spreadsheets, compute every trainer's credit standing, export it.

Pure Python (no Streamlit): usable from scripts, the CLI (``python -m cpd``) and the app alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from .catalogue import Catalogue, Credential, load_catalogue
from .errors import RecertError, RulesError, UnreadableFile
from .ingest import Reading, read_sources
from .model import STATUS_COLOURS, STATUS_LABELS, STATUSES, Roster, Source, Standing

__all__ = [
    "STATUSES", "STATUS_COLOURS", "STATUS_LABELS", "Catalogue", "Credential", "RecertError", "Roster",
    "Reading", "RulesError", "Source", "Standing", "UnreadableFile", "analyse", "compute_standing",
    "load_catalogue", "read_sources",
]


def __getattr__(name: str) -> object:
    # pandas-backed, so imported on first use: ``python -m cpd`` starts reading files before pandas loads.
    if name == "compute_standing":
        from .standing import compute_standing

        return compute_standing
    raise AttributeError(f"module 'cpd' has no attribute {name!r}")


def analyse(
    sources: Sequence[Source] | Reading,
    *,
    as_of: date,
    window: int = 90,
    date_order: str = "auto",
    catalogue: Catalogue | None = None,
    overrides: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
    on_error: str = "raise",
) -> Standing:
    """Files in, standing out: ``read_sources`` then ``compute_standing``."""
    cat = catalogue or load_catalogue()
    roster = read_sources(sources, catalogue=cat, date_order=date_order, overrides=overrides, on_error=on_error)
    from .standing import compute_standing  # pandas: imported once the files are being read (see cli)

    return compute_standing(roster, cat, as_of=as_of, window=window)
