"""Plotly figures of a Standing, in the one status colour scheme (``STATUS_COLOURS``, ``STATUSES`` order).

Plain functions so tests can inspect every trace; the pages only pass the figure to ``st.plotly_chart``.
Each chart aggregates before plotting, so a 10,000-trainer chain draws a few hundred bars, never a point per
certification.

Plotly draws a subset of HTML and fills ``%{...}`` in hover templates, so every string that came from a file
(club, body, trainer, credential, unit) is passed through ``views.escape.plot_text`` once, where each figure takes it
from its frame, and reaches a hover template only through ``customdata`` (``%{customdata}``), never by
concatenation. Templates and the ``<br>`` in them are ours.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from .fmt import DAY_PLOTLY, number
from .model import STATUS_COLOURS, STATUS_LABELS, STATUSES, Standing
from .views.escape import plot_text, plot_texts
from .views.filters import NO_BODY, NO_CLUB
from .views.trainer import trainer_timeline

FONT = {"family": "Source Sans, sans-serif", "size": 13}
_LEGEND = {
    "orientation": "h",
    "yanchor": "bottom",
    "y": 1.02,
    "xanchor": "left",
    "x": 0,
    "title": None,
    "traceorder": "normal",
}
ROW_PX = 28  # height per bar of a horizontal chart: labels stay readable however many clubs there are


def base_layout(fig: go.Figure, *, height: int, title: str | None = None) -> go.Figure:
    # A title sits above the legend, which sits above the plot: give each its own band so they never overlap.
    fig.update_layout(
        height=height + (44 if title else 0),
        margin={"l": 8, "r": 8, "t": 100 if title else 56, "b": 8},
        font=FONT,
        legend=_LEGEND,
        bargap=0.25,
        hoverlabel={"namelength": -1},
        title={
            "text": title,
            "x": 0,
            "xref": "container",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 8, "l": 8},
            "font": {"size": 14},
        }
        if title
        else None,
    )
    fig.update_xaxes(fixedrange=True)  # no accidental zooming: these are counts to read, not data to explore
    fig.update_yaxes(fixedrange=True)
    return fig


def empty_figure(message: str, height: int = 240) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 14, "color": "#6e7781"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height=height)


def warm_up() -> go.Figure:
    """A 10-pixel figure that shows nothing: one stacked horizontal bar on a category axis, like the Team charts.

    Shown while big files are read (the browser is idle then), so the browser fetches, compiles and runs
    Plotly's 4.7 MB of code and warms its bar-drawing path before the Team page needs it: on the 10k chain that
    was over a second of the Team page's first drawing.
    """
    clear = "rgba(0,0,0,0)"
    fig = go.Figure()
    fig.add_bar(y=["a"], x=[1], orientation="h", marker_color=clear, hoverinfo="skip", showlegend=False)
    fig.update_layout(
        barmode="stack",
        height=10,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor=clear,
        plot_bgcolor=clear,
    )
    fig.update_xaxes(visible=False, fixedrange=True)
    fig.update_yaxes(visible=False, fixedrange=True, type="category")
    return fig


def status_counts(st: Standing, by: str) -> pd.DataFrame:
    """Certifications per ``by`` value (rows) and status (columns in ``STATUSES`` order)."""
    s = st.standings
    key = s[by].fillna("").astype(str)
    if by == "body":
        key = key.replace("", NO_BODY)
    elif by == "club":
        key = key.replace("", NO_CLUB)
    tab = s["status"].groupby([key.rename(by), s["status"]]).size().unstack(fill_value=0)
    return tab.reindex(columns=list(STATUSES), fill_value=0).rename_axis(columns="status")


def _stacked_h(tab: pd.DataFrame, *, axis_title: str, customdata: bool) -> go.Figure:
    """Horizontal stacked bars, first row of ``tab`` at the top; the row names (file text) escaped here."""
    order = plot_texts(tab.index)
    fig = go.Figure()
    for status in STATUSES:
        counts = tab[status]
        if not counts.any():
            continue
        fig.add_bar(
            y=order,
            x=counts.tolist(),
            orientation="h",
            name=STATUS_LABELS[status],
            marker_color=STATUS_COLOURS[status],
            legendgroup=status,
            customdata=order if customdata else None,
            hovertemplate="%{y}<br>" + STATUS_LABELS[status] + ": %{x}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    # type="category": a club called "2024" or "2026-01-01" must not turn the axis into numbers or dates.
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=order[::-1], title=None, automargin=True
    )
    fig.update_xaxes(title=axis_title, rangemode="tozero", automargin=True)
    return fig


def _worst_first(tab: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by lapsed, then at-risk certifications, then size: where the problems are comes first."""
    score = pd.DataFrame(
        {
            "lapsed": tab["expired"] + tab["grace"],
            "risk": tab["at_risk"] + tab["behind"],
            "total": tab.sum(axis=1),
            "name": tab.index.str.casefold(),
        },
        index=tab.index,
    )
    keys = score.sort_values(["lapsed", "risk", "total", "name"], ascending=[False, False, False, True]).index
    return tab.loc[keys]


def status_by_club(st: Standing, *, top: int = 25) -> go.Figure:
    """Certifications per club, stacked by status; the ``top`` clubs with the most problems when there are more.

    Each bar carries its club in ``customdata`` so a click turns into a filter (``views.filters.club_from_selection``).
    """
    if st.standings.empty:
        return empty_figure("No certifications match the filters.")
    tab = _worst_first(status_counts(st, "club"))
    n = len(tab)
    title = None
    if n > top:
        tab = tab.head(top)
        title = f"The {top} clubs (of {n}) with the most lapsed and at-risk certifications"
    fig = _stacked_h(tab, axis_title="Certifications", customdata=True)
    return base_layout(fig, height=max(340, 110 + ROW_PX * len(tab)), title=title)


def status_by_body(st: Standing) -> go.Figure:
    """Certifications per certifying body, stacked by status."""
    if st.standings.empty:
        return empty_figure("No certifications match the filters.")
    tab = _worst_first(status_counts(st, "body"))
    fig = _stacked_h(tab, axis_title="Certifications", customdata=False)
    return base_layout(fig, height=max(260, 110 + ROW_PX * len(tab)))


def expiry_months(st: Standing, *, months: int = 12) -> pd.DataFrame:
    """Certifications expiring from as-of through the next ``months`` calendar months, by month and status."""
    s = st.standings
    first = pd.Timestamp(st.as_of).to_period("M")
    periods = pd.period_range(first, periods=months, freq="M")
    end = (periods[-1] + 1).to_timestamp()
    due = s[(s["expires"] >= pd.Timestamp(st.as_of)) & (s["expires"] < end)]
    tab = due["status"].groupby([due["expires"].dt.to_period("M").rename("month"), due["status"]]).size()
    return tab.unstack(fill_value=0).reindex(index=periods, columns=list(STATUSES), fill_value=0)


def expiries_by_month(st: Standing, *, months: int = 12) -> go.Figure:
    """Renewals coming up: certifications expiring each month of the next year, stacked by status."""
    tab = expiry_months(st, months=months)
    # "Nov<br>2026", "Dec", "Jan<br>2027": the year only where it starts, so twelve labels fit side by side.
    labels = [f"{p:%b}<br>{p:%Y}" if i == 0 or p.month == 1 else f"{p:%b}" for i, p in enumerate(tab.index)]
    fig = go.Figure()
    for status in STATUSES:
        counts = tab[status]
        if not counts.any():
            continue
        fig.add_bar(
            x=labels,
            y=counts.tolist(),
            name=STATUS_LABELS[status],
            marker_color=STATUS_COLOURS[status],
            legendgroup=status,
            customdata=[f"{p:%B %Y}" for p in tab.index],
            hovertemplate="%{customdata}<br>" + STATUS_LABELS[status] + ": %{y}<extra></extra>",
        )
    if not fig.data:
        return empty_figure(f"Nothing expires in the next {months} months.")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels, title=None, tickangle=0)
    fig.update_yaxes(title="Certifications expiring", rangemode="tozero", automargin=True)
    return base_layout(fig, height=340)


PROGRESS_ORDER = ("at_risk", "grace", "behind")


def progress_frame(st: Standing, *, top: int = 20, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The ``top`` renewable certifications short of credits: at risk first (still valid, deadline soonest), then
    in grace (lapsed but renewable), then behind pace, each soonest deadline first."""
    s = st.standings
    rows = s[
        s["status"].isin(PROGRESS_ORDER)
        & s["required"].notna()
        & s["earned"].notna()
        & s["required"].gt(0)
        & s["earned"].lt(s["required"])
    ]
    rank = rows["status"].map({x: i for i, x in enumerate(PROGRESS_ORDER)})
    rows = rows.assign(_rank=rank).sort_values(["_rank", "days_left", "trainer"], kind="stable").head(top)
    cred = rows["credential"].map(dict(names)) if names else pd.Series(index=rows.index, dtype=object)
    cred = cred.fillna(rows["credential_name"]).astype(str)
    label = rows["trainer"].astype(str) + " · " + cred
    dup = label.duplicated(keep=False)
    label = label.where(~dup, label + " (" + rows["club"].astype(str) + ")")
    return pd.DataFrame(
        {
            "label": label,
            "status": rows["status"],
            "progress": (rows["progress"] * 100).round(1),
            "pace": (rows["elapsed"] * 100).round(1),
            "credits": [
                f"{number(e)} of {number(r)} {u}"
                for e, r, u in zip(rows["earned"], rows["required"], rows["unit"], strict=True)
            ],
            "days_left": rows["days_left"].astype(int),
        }
    ).reset_index(drop=True)


def credit_progress(st: Standing, *, top: int = 20, names: Mapping[str, str] | None = None) -> go.Figure:
    """Credits earned toward the requirement, for the most urgent certifications short of credits.

    The bar is the share of the required credits earned; the tick is where a steady pace would be by now.
    """
    p = progress_frame(st, top=top, names=names)
    if p.empty:
        return empty_figure("No renewable certification is short of credits.")
    p = p.assign(
        label=plot_texts(p["label"]), credits=plot_texts(p["credits"])
    )  # names and units are file text
    order = p["label"].tolist()
    fig = go.Figure()
    for status in STATUSES:
        part = p[p["status"].eq(status)]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"],
            x=part["progress"],
            orientation="h",
            name=STATUS_LABELS[status],
            marker_color=STATUS_COLOURS[status],
            legendgroup=status,
            text=part["credits"],
            insidetextanchor="start",
            cliponaxis=False,
            textposition=["inside" if x >= 25 else "outside" for x in part["progress"]],
            customdata=part[["credits", "days_left"]].to_numpy(),
            hovertemplate="%{y}<br>%{customdata[0]} (%{x:.0f}%)<br>%{customdata[1]} days left<extra></extra>",
        )
    fig.add_scatter(
        y=p["label"],
        x=p["pace"],
        mode="markers",
        name="Steady pace by now",
        marker={"symbol": "line-ns-open", "size": 18, "line": {"width": 3}, "color": "#24292f"},
        hovertemplate="%{y}<br>steady pace: %{x:.0f}% by now<extra></extra>",
    )
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=order[::-1], title=None, automargin=True
    )
    fig.update_xaxes(
        range=[0, 104],
        tickvals=[0, 25, 50, 75, 100],
        ticksuffix="%",
        title="Share of the required credits earned",
    )
    return base_layout(fig, height=max(260, 110 + ROW_PX * len(p)))


def credit_timeline(st: Standing, trainer_id: str, cert_key: str, *, title: str = "") -> go.Figure:
    """Cumulative credits across one certification's cycle against the steady pace to the requirement."""
    s = st.standings
    row = s[s["trainer_id"].eq(trainer_id) & s["cert_key"].eq(cert_key)]
    tl = trainer_timeline(st, trainer_id)
    tl = tl[tl["cert_key"].eq(cert_key)]
    if row.empty or tl.empty:
        return empty_figure("No credit requirement to chart for this certification.", height=200)
    r = row.iloc[0]
    status, unit, heading = (
        str(r["status"]),
        plot_text(r["unit"] or "credits"),
        plot_text(title) if title else None,
    )
    start, end, required = pd.Timestamp(r["cycle_start"]), pd.Timestamp(r["expires"]), float(r["required"])
    fig = go.Figure()
    fig.add_scatter(
        x=[start, end],
        y=[0, required],
        mode="lines",
        name="Steady pace to the requirement",
        line={"dash": "dash", "color": "#6e7781", "width": 2},
        customdata=[unit] * 2,
        hovertemplate=f"%{{x|{DAY_PLOTLY}}}: %{{y:.2f}} %{{customdata}} on a steady pace<extra></extra>",
    )
    colour = STATUS_COLOURS.get(status, "#1f6feb")
    dated = tl[tl["kind"].ne("now")]
    now = tl[tl["kind"].eq("now")]
    logged = float(dated["cumulative"].iloc[-1]) if len(dated) else 0.0
    if (dated["kind"] == "activity").any():
        # The CE log as steps, carried flat to "now" so the gap to the pace line reads at a glance.
        xs = list(dated["date"]) + list(now["date"][:1])
        ys = list(dated["cumulative"]) + [logged] * min(1, len(now))
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            name="Credits earned (CE log)",
            line={"shape": "hv", "color": colour, "width": 3},
            marker={"size": 7},
            customdata=[unit] * len(xs),
            hovertemplate=f"%{{x|{DAY_PLOTLY}}}: %{{y:.2f}} %{{customdata}}<extra></extra>",
        )
    if len(now) and (
        float(now["cumulative"].iloc[0]) > logged + 1e-9 or not (dated["kind"] == "activity").any()
    ):
        # Credits with no date of their own (a roster's total, CPR/AED credit): one point at as-of, not a line.
        fig.add_scatter(
            x=now["date"],
            y=now["cumulative"],
            mode="markers",
            name="Credits on record (undated)",
            marker={"size": 12, "color": colour, "symbol": "diamond"},
            customdata=[unit] * len(now),
            hovertemplate=f"%{{y:.2f}} %{{customdata}} on record as of %{{x|{DAY_PLOTLY}}}<extra></extra>",
        )
    as_of = pd.Timestamp(st.as_of)
    if start <= as_of <= end:
        fig.add_vline(
            x=as_of.to_pydatetime().timestamp() * 1000,
            line={"color": "#1f6feb", "width": 1, "dash": "dot"},
            annotation_text="as of",
            annotation_position="top left",
        )
    fig.update_xaxes(title=None, range=[start - pd.Timedelta(days=10), end + pd.Timedelta(days=10)])
    fig.update_yaxes(title=unit, rangemode="tozero")
    return base_layout(fig, height=300, title=heading)
