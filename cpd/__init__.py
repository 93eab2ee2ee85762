"""Recert's engine: read staff spreadsheets, compute every trainer's credit standing, export it.

Pure Python (no Streamlit): usable from scripts, the CLI (``python -m cpd``) and the app alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from .errors import RecertError, RulesError, UnreadableFile
from .ingest import Progress, Reading, read_sources
from .model import STATUS_COLOURS, STATUS_LABELS, STATUSES, Roster, Source, Standing

if TYPE_CHECKING:
    from .catalogue import Catalogue, Credential, load_catalogue
    from .standing import compute_standing

__all__ = [
    "STATUSES",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "Catalogue",
    "Credential",
    "Progress",
    "RecertError",
    "Roster",
    "Reading",
    "RulesError",
    "Source",
    "Standing",
    "UnreadableFile",
    "analyse",
    "compute_standing",
    "load_catalogue",
    "read_sources",
]


def __getattr__(name: str) -> object:
    # Imported on first use (pandas, PyYAML): ``python -m cpd`` starts reading the files before they load.
    if name == "compute_standing":
        from .standing import compute_standing

        return compute_standing
    if name in ("Catalogue", "Credential", "load_catalogue"):
        from . import catalogue

        return getattr(catalogue, name)
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
    progress: Progress | None = None,
) -> Standing:
    """Files in, standing out: ``read_sources`` then ``compute_standing`` (``progress``: see read_sources)."""
    if catalogue is None:
        from .catalogue import load_catalogue

        catalogue = load_catalogue()
    cat = catalogue
    roster = read_sources(
        sources,
        catalogue=cat,
        date_order=date_order,
        overrides=overrides,
        on_error=on_error,
        progress=progress,
    )
    from .standing import compute_standing  # pandas: imported once the files are being read (see cli)

    return compute_standing(roster, cat, as_of=as_of, window=window)
