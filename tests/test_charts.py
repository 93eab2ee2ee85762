"""cpd.charts: every figure uses the one status colour scheme, in STATUSES order, and counts add up."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from cpd import charts, load_catalogue
from cpd.model import STATUS_COLOURS, STATUS_LABELS, STATUSES
from cpd.views.escape import plot_text, plot_unescape
from cpd.views.filters import club_from_selection, credential_labels, filter_standing

LABEL_TO_STATUS = {STATUS_LABELS[s]: s for s in STATUSES}


def _status_traces(fig):
    return [t for t in fig.data if t.name in LABEL_TO_STATUS]


def _assert_status_colours_in_order(fig):
    traces = _status_traces(fig)
    assert traces, "no status trace"
    statuses = [LABEL_TO_STATUS[t.name] for t in traces]
    assert statuses == sorted(statuses, key=STATUSES.index)  # worst first, as everywhere
    for t, s in zip(traces, statuses, strict=True):
        assert t.marker.color == STATUS_COLOURS[s]


@pytest.mark.parametrize("make", [charts.status_by_club, charts.status_by_body])
def test_status_bars_count_every_certification_once(sample_standing, make):
    fig = make(sample_standing)
    _assert_status_colours_in_order(fig)
    assert sum(sum(t.x) for t in _status_traces(fig)) == len(sample_standing.standings)
    assert fig.layout.barmode == "stack"


def test_status_by_club_bars_carry_their_club_for_the_click_filter(sample_standing):
    fig = charts.status_by_club(sample_standing)
    for t in fig.data:
        assert list(t.customdata) == list(t.y)
    assert set(fig.data[0].y) == {"Downtown", "Riverside", "Northgate"}
    # A click event built from the figure's own point turns into that club.
    t = fig.data[0]
    point = {"curve_number": 0, "point_index": 1, "x": t.x[1], "y": t.y[1], "customdata": t.customdata[1]}
    assert club_from_selection({"selection": {"points": [point]}}) == [t.y[1]]


def test_status_by_club_shows_the_worst_clubs_when_there_are_many(sample_standing):
    s = sample_standing.standings.copy()
    s["club"] = [f"Club {i:02d}" for i in range(len(s))]  # one club per certification
    fig = charts.status_by_club(replace(sample_standing, standings=s), top=10)
    clubs = {y for t in fig.data for y in t.y}
    assert len(clubs) == 10
    assert "10 clubs (of" in fig.layout.title.text
    lapsed = set(s.loc[s["status"].isin(["expired", "grace"]), "club"])
    assert clubs <= lapsed  # 10 lapsed certifications, so the 10 worst clubs are the lapsed ones


def test_expiries_by_month_cover_twelve_months_and_sum_to_the_certifications_due(sample_standing):
    tab = charts.expiry_months(sample_standing)
    assert len(tab) == 12 and list(tab.columns) == list(STATUSES)
    s = sample_standing.standings
    start = pd.Timestamp(sample_standing.as_of)
    end = (start.to_period("M") + 12).to_timestamp()
    due = s[(s["expires"] >= start) & (s["expires"] < end)]
    assert int(tab.to_numpy().sum()) == len(due) > 0
    fig = charts.expiries_by_month(sample_standing)
    _assert_status_colours_in_order(fig)
    assert sum(sum(t.y) for t in _status_traces(fig)) == len(due)
    assert len(fig.data[0].x) == 12


def test_credit_progress_shows_the_most_urgent_short_certifications(sample_standing):
    names = credential_labels(load_catalogue())
    p = charts.progress_frame(sample_standing, top=5, names=names)
    assert len(p) == 5
    order = [charts.PROGRESS_ORDER.index(x) for x in p["status"]]
    assert order == sorted(order) and p["status"].iloc[0] == "at_risk"  # still valid and due soonest first
    assert p["progress"].between(0, 100).all()
    assert not p["label"].str.contains("_").any()  # names, not catalogue ids
    fig = charts.credit_progress(sample_standing, top=5, names=names)
    _assert_status_colours_in_order(fig)
    assert sum(len(t.y) for t in _status_traces(fig)) == 5
    assert any(t.name == "Steady pace by now" for t in fig.data)


def test_credit_timeline_climbs_to_what_was_earned_against_the_pace_line(sample_standing):
    s = sample_standing.standings
    c = sample_standing.contributions
    row = s[s["cert_key"].isin(c["cert_key"]) & s["required"].notna()].iloc[0]
    fig = charts.credit_timeline(sample_standing, row["trainer_id"], row["cert_key"])
    pace = fig.data[0]
    assert list(pace.y) == [0, row["required"]]
    assert pd.Timestamp(pace.x[-1]) == row["expires"]
    log = [t for t in fig.data if t.name == "Credits earned (CE log)"][0]
    assert log.line.color == STATUS_COLOURS[row["status"]]
    assert list(log.y) == sorted(log.y)
    assert max(max(t.y) for t in fig.data[1:]) == pytest.approx(row["earned"])


def test_credit_timeline_of_undated_roster_credits_is_one_point(small_roster):
    row = small_roster.standings.iloc[0]
    fig = charts.credit_timeline(small_roster, row["trainer_id"], row["cert_key"])
    assert [t.name for t in fig.data] == ["Steady pace to the requirement", "Credits on record (undated)"]
    assert list(fig.data[1].y) == [row["earned"]]


@pytest.fixture(scope="module")
def small_roster():
    from tests.helpers import csv_bytes, run

    return run(
        {
            "r.csv": csv_bytes(
                [
                    ["Trainer Name", "Certification", "Exp. Date", "CEUs earned", "CPR/AED exp"],
                    ["Ana Silva", "NASM CPT", "2026-12-31", "1.2", "2027-12-31"],
                ]
            )
        }
    )


def test_charts_of_nothing_say_so_instead_of_failing(sample_standing):
    empty = filter_standing(sample_standing, clubs=["No such club"])
    for make in (
        charts.status_by_club,
        charts.status_by_body,
        charts.expiries_by_month,
        charts.credit_progress,
    ):
        fig = make(empty)
        assert not fig.data and fig.layout.annotations


def test_a_far_as_of_still_charts(sample_standing):
    later = replace(sample_standing, as_of=date(2040, 1, 1))
    assert not charts.expiries_by_month(later).data  # nothing left to expire: a message, not an error


# File text is shown literally, never drawn as markup --------------------------------------------------------------
# Plotly draws <a href>, <span style>, <b>, <br>, $...$ and &entities; in every label and fills %{...} in hover
# templates. Each of these is a club, body, trainer, credential and unit below.
HOSTILE = [
    '<a href="//evil.test/x">Downtown</a>',
    '<span style="font-size:200px">BIG</span>',
    "<b>bold</b><br>next line",
    "&lt;b&gt;already escaped&amp;",
    "%{x} %{customdata[0]} %{y:.2f}",
    "$x^2$ math",
    "<img src=x onerror=alert(1)>",
    "plain & simple, 100%",
    "2024",  # a club that looks like a number must stay a category
    "2026-01-01",
]
OUR_MARKUP = re.compile(r"<br>|<extra></extra>")
PLACEHOLDER = re.compile(r"%\{(x|y|customdata(\[\d\])?)([:|][^}]*)?\}")
ENTITY = re.compile(r"&(amp|lt|gt|#36|#37);")


def _strings(obj, path=()):
    """Every string of a figure's JSON with where it sits ("data", 0, "y", 3)."""
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, (*path, k))
    elif isinstance(obj, list | tuple) or hasattr(obj, "tolist"):
        for i, v in enumerate(obj.tolist() if hasattr(obj, "tolist") else obj):
            yield from _strings(v, (*path, i))


def _hostile(standing, texts=HOSTILE):
    """The standing with every text column a chart can show replaced by hostile strings (cycled)."""
    s = standing.standings.copy()
    n = len(s)
    for shift, col in enumerate(("trainer", "club", "credential_name", "body", "unit")):
        s[col] = [texts[(i + shift) % len(texts)] for i in range(n)]
    return replace(standing, standings=s)


def _timeline_row(standing):
    s, c = standing.standings, standing.contributions
    return s[s["cert_key"].isin(c["cert_key"]) & s["required"].notna()].iloc[0]


def _figures(standing, names=None, title=""):
    row = _timeline_row(standing)
    return {
        "status_by_club": charts.status_by_club(standing),
        "status_by_body": charts.status_by_body(standing),
        "credit_progress": charts.credit_progress(standing, top=40, names=names),
        "expiries_by_month": charts.expiries_by_month(standing),
        "credit_timeline": charts.credit_timeline(standing, row["trainer_id"], row["cert_key"], title=title),
    }


def _templates(fig):
    return sorted(
        text for path, text in _strings(fig.to_plotly_json()) if path[-1] in ("hovertemplate", "texttemplate")
    )


@pytest.fixture(scope="module")
def hostile_figures(sample_standing):
    names = {
        cid: HOSTILE[i % len(HOSTILE)]
        for i, cid in enumerate(sample_standing.standings["credential"].unique())
    }
    return _figures(_hostile(sample_standing), names=names, title=HOSTILE[0])


@pytest.mark.parametrize(
    "name", ["status_by_club", "status_by_body", "credit_progress", "expiries_by_month", "credit_timeline"]
)
def test_every_string_of_every_figure_is_escaped_file_text_or_our_own_markup(hostile_figures, name):
    fig = hostile_figures[name]
    assert fig.data, "the figure drew nothing: the test would check nothing"
    for path, text in _strings(fig.to_plotly_json()):
        bare = OUR_MARKUP.sub("", text)
        assert not re.search(r"[<>$]", bare), (path, text)
        assert not re.search(r"&(?!amp;|lt;|gt;|#36;|#37;)", text), (path, text)
        if path[-1] in ("hovertemplate", "texttemplate"):
            assert PLACEHOLDER.sub("", text).count("%{") == 0, (path, text)
        else:
            assert "%" not in ENTITY.sub("", text) or re.fullmatch(r"[\d.]*%", text), (path, text)


@pytest.mark.parametrize(
    "name", ["status_by_club", "status_by_body", "credit_progress", "expiries_by_month", "credit_timeline"]
)
def test_hover_templates_do_not_depend_on_the_data(sample_standing, hostile_figures, name):
    plain = _figures(sample_standing)[name]
    assert _templates(hostile_figures[name]) == _templates(plain)


def test_file_text_reaches_the_figures_escaped_where_a_reader_sees_it(hostile_figures):
    shown = {
        name: {text for _, text in _strings(fig.to_plotly_json())} for name, fig in hostile_figures.items()
    }
    escaped = {plot_text(h) for h in HOSTILE}
    assert escaped <= shown["status_by_club"]  # every club is a bar
    assert escaped & shown["status_by_body"]
    assert any(plot_text(h) in text for h in HOSTILE for text in shown["credit_progress"])
    assert plot_text(HOSTILE[0]) == hostile_figures["credit_timeline"].layout.title.text
    unit = hostile_figures["credit_timeline"].layout.yaxis.title.text
    assert unit in escaped and all(
        list(t.customdata) == [unit] * len(t.x) for t in hostile_figures["credit_timeline"].data
    )


def test_category_axes_stay_categories_whatever_the_names(hostile_figures):
    for name in ("status_by_club", "status_by_body", "credit_progress"):
        assert hostile_figures[name].layout.yaxis.type == "category"


def test_clicking_a_hostile_clubs_bar_gives_back_its_real_name(hostile_figures):
    fig = hostile_figures["status_by_club"]
    seen = set()
    for curve, t in enumerate(fig.data):
        for i, (x, y, custom) in enumerate(zip(t.x, t.y, t.customdata, strict=True)):
            point = {"curve_number": curve, "point_index": i, "x": x, "y": y, "customdata": custom}
            club = club_from_selection({"selection": {"points": [point]}})
            assert club == [plot_unescape(y)] and club[0] in HOSTILE
            # Without customdata the category value gives the same club.
            assert club_from_selection({"selection": {"points": [{"x": x, "y": y}]}}) == club
            seen.add(club[0])
    assert seen == set(
        HOSTILE
    )  # every club, the real name (the browser test clicks one and reads the filter)


@given(hs.text())
def test_plot_text_is_inert_and_reversible(text):
    out = plot_text(text)
    assert not re.search(r"[<>$%]", out)
    assert not re.search(r"&(?!amp;|lt;|gt;|#36;|#37;)", out)
    assert plot_unescape(out) == text


@given(hs.text(alphabet="<>&;$%{}#ltgamp0123456789x ab/\"'=", max_size=40))
def test_plot_text_of_markup_like_text_round_trips(text):
    assert plot_unescape(plot_text(text)) == text
