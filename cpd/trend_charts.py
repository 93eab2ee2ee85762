"""Plotly figures of the saved snapshots over time (``cpd.history.trend`` / ``club_trend`` frames).

Same conventions as ``cpd.charts``: the one status colour scheme, text from files (club names) and from people
(snapshot labels) escaped with ``views.plot_text`` and reaching hover templates only through ``customdata``.
Snapshots sit on a category axis labelled by their as-of date, so one snapshot, or two on the same day, still
draw as points a manager can tell apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from . import fmt
from .charts import base_layout, empty_figure
from .model import STATUS_COLOURS, STATUS_LABELS, TRAINER_STATUSES
from .views.escape import plot_text, plot_texts, plot_unescape
from .views.filters import NO_CLUB

OVERALL_COLOUR = "#24292f"
# Enough lines to tell apart (Plotly's qualitative palette, none of them a status colour).
CLUB_COLOURS = (
    "#1f6feb",
    "#8250df",
    "#bf3989",
    "#0a7ea4",
    "#9a6700",
    "#57606a",
    "#cf222e",
    "#116329",
    "#6639ba",
    "#953800",
)


def snapshot_labels(trend: pd.DataFrame) -> list[str]:
    """'1 Mar 2026' per snapshot; a second snapshot of the same day gets ' (2)', so every label is its own."""
    seen: dict[str, int] = {}
    out = []
    for day in trend["as_of"]:
        text = fmt.day(day)
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return out


def _axis(fig: go.Figure, labels: list[str], title: str) -> None:
    # type="category": the snapshots in the order saved, evenly spaced, never re-read as numbers or dates.
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=labels, title=None, tickangle=0, automargin=True
    )
    fig.update_yaxes(title=title, automargin=True)


def clubs_to_draw(
    clubs: pd.DataFrame, chosen: Sequence[str] = (), *, top: int = len(CLUB_COLOURS)
) -> list[str]:
    """The clubs whose line is drawn: the chosen ones (a club filter), else the ``top`` with the lowest
    compliance in the latest snapshot that lists clubs (where to look first), ties by name."""
    if clubs.empty:
        return []
    present = set(clubs["club"])
    if chosen:
        return [c for c in chosen if c in present][:top]
    latest = clubs[clubs["snapshot"].eq(clubs["snapshot"].iloc[-1])]
    order = latest.assign(_name=latest["club"].str.casefold()).sort_values(
        ["compliance", "_name"], na_position="last", kind="stable"
    )
    return order["club"].head(top).tolist()


def compliance_over_time(
    trend: pd.DataFrame,
    clubs: pd.DataFrame | None = None,
    *,
    chosen: Sequence[str] = (),
    top: int = len(CLUB_COLOURS),
) -> go.Figure:
    """Share of trainers compliant at each snapshot: all trainers (dark line) and one line per club drawn
    (``clubs_to_draw``). Each club point carries its club in ``customdata[0]`` so a click becomes the club
    filter (``club_from_trend_selection``); the overall line carries none."""
    if trend.empty:
        return empty_figure("No snapshots saved yet.")
    labels = snapshot_labels(trend)
    by_id = dict(zip(trend["snapshot"], labels, strict=True))
    fig = go.Figure()
    names = plot_texts(trend["label"].fillna(""))
    fig.add_scatter(
        x=labels,
        y=trend["compliance"].tolist(),
        mode="lines+markers",
        name="All trainers",
        line={"color": OVERALL_COLOUR, "width": 3},
        marker={"size": 8},
        customdata=[
            ["", n, int(c), int(t)]
            for n, c, t in zip(names, trend["compliant"], trend["trainers"], strict=True)
        ],
        hovertemplate="%{x} %{customdata[1]}<br>All trainers: %{y:.1f}% compliant "
        "(%{customdata[2]} of %{customdata[3]})<extra></extra>",
    )
    if clubs is not None and not clubs.empty:  # no club on file: shown and filtered as the sidebar does
        clubs = clubs.assign(club=clubs["club"].mask(clubs["club"].eq(""), NO_CLUB))
    drawn = clubs_to_draw(clubs, chosen, top=top) if clubs is not None else []
    if drawn:
        assert clubs is not None  # nothing is drawn without clubs
        # One pass over the club rows (not a filter of every row per club); each group keeps the rows' order.
        inside = clubs[clubs["club"].isin(drawn) & clubs["snapshot"].isin(by_id)]
        groups = dict(list(inside.groupby("club", sort=False)))
    for i, club in enumerate(drawn):
        rows = groups.get(club, inside.iloc[:0])
        shown = key = plot_text(club)
        fig.add_scatter(
            x=[by_id[s] for s in rows["snapshot"]],
            y=rows["compliance"].tolist(),
            mode="lines+markers",
            name=shown,
            line={"color": CLUB_COLOURS[i % len(CLUB_COLOURS)], "width": 2},
            marker={"size": 7},
            customdata=[
                [key, shown, int(c), int(t)] for c, t in zip(rows["compliant"], rows["trainers"], strict=True)
            ],
            hovertemplate="%{x}<br>%{customdata[1]}: %{y:.1f}% compliant "
            "(%{customdata[2]} of %{customdata[3]})<extra></extra>",
        )
    _axis(fig, labels, "Trainers compliant")
    fig.update_yaxes(range=[0, 104], tickvals=[0, 25, 50, 75, 100], ticksuffix="%")
    fig.update_layout(hovermode="closest")
    return base_layout(fig, height=360)


def statuses_over_time(trend: pd.DataFrame) -> go.Figure:
    """Trainers by their worst status at each snapshot, stacked (worst at the bottom, in the status colours)."""
    known = trend.dropna(subset=list(TRAINER_STATUSES), how="all") if not trend.empty else trend
    if known.empty:
        return empty_figure("No snapshots saved yet.")
    labels = snapshot_labels(trend)
    keep = trend.index.isin(known.index)
    xs = [lab for lab, k in zip(labels, keep, strict=True) if k]
    fig = go.Figure()
    for status in TRAINER_STATUSES:
        counts = known[status].fillna(0).astype(int)
        if not counts.any():
            continue
        fig.add_bar(
            x=xs,
            y=counts.tolist(),
            name=STATUS_LABELS[status],
            marker_color=STATUS_COLOURS[status],
            legendgroup=status,
            hovertemplate="%{x}<br>" + STATUS_LABELS[status] + ": %{y}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    _axis(fig, labels, "Trainers")
    fig.update_yaxes(rangemode="tozero")
    return base_layout(fig, height=360)


def club_from_trend_selection(selection_event: Any) -> list[str]:
    """Clubs picked on ``compliance_over_time``: read only from a point's ``customdata[0]`` (the overall line
    has none, and its x value is a date label, not a club). '(no club)' is the empty club."""
    try:
        points = selection_event["selection"]["points"] or []
    except (KeyError, TypeError, IndexError):
        return []
    clubs: dict[str, None] = {}
    for point in points if isinstance(points, Iterable) else ():
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, list | tuple):
            custom = custom[0] if custom else None
        if isinstance(custom, str) and custom:
            club = plot_unescape(custom)
            clubs[club] = None
    return list(clubs)
