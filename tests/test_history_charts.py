"""cpd.trend_charts: the trend figures read the stored summaries, in the status colours, with file text escaped."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from cpd import history, trend_charts
from cpd.model import STATUS_COLOURS, STATUS_LABELS, TRAINER_STATUSES
from tests.test_history import BASE, Info, _info

LABEL_TO_STATUS = {STATUS_LABELS[s]: s for s in TRAINER_STATUSES}


def _infos():
    return [
        _info(1, BASE, date(2026, 3, 1)),
        _info(2, BASE + [("T4", "nasm_cpt", "2027-06-30", "met", 2.0)], date(2026, 4, 1)),
        _info(3, BASE + [("T5", "nasm_cpt", "2027-06-30", "met", 2.0)], date(2026, 4, 1)),
    ]


def test_snapshot_labels_are_dates_told_apart_on_the_same_day():
    assert trend_charts.snapshot_labels(history.trend(_infos())) == [
        "1 Mar 2026",
        "1 Apr 2026",
        "1 Apr 2026 (2)",
    ]


def test_compliance_over_time_draws_all_trainers_and_each_club():
    infos = _infos()
    fig = trend_charts.compliance_over_time(history.trend(infos), history.club_trend(infos))
    names = [t.name for t in fig.data]
    assert names[0] == "All trainers"
    assert fig.data[0].y == pytest.approx((66.7, 75.0, 75.0))
    assert set(names[1:]) == {"Downtown", "Riverside", "(no club)"}
    riverside = next(t for t in fig.data if t.name == "Riverside")
    assert list(riverside.x) == ["1 Mar 2026", "1 Apr 2026", "1 Apr 2026 (2)"]
    assert list(riverside.y) == [0.0, 50.0, 0.0]
    assert [c[0] for c in riverside.customdata] == ["Riverside"] * 3
    assert all(c[0] == "" for c in fig.data[0].customdata)  # the overall line is not a club
    assert fig.layout.xaxis.type == "category"


def test_compliance_over_time_draws_the_chosen_clubs_or_the_worst():
    infos = _infos()
    t, c = history.trend(infos), history.club_trend(infos)
    assert [x.name for x in trend_charts.compliance_over_time(t, c, chosen=["Downtown"]).data] == [
        "All trainers",
        "Downtown",
    ]
    assert [x.name for x in trend_charts.compliance_over_time(t, c, top=1).data] == [
        "All trainers",
        "Riverside",
    ]


def test_a_click_on_a_club_line_is_that_club_and_on_the_overall_line_nothing():
    infos = [_info(1, BASE, date(2026, 3, 1))]
    c = history.club_trend(infos).assign(club=["<b>Down</b> & $x%", "Riverside"])
    fig = trend_charts.compliance_over_time(history.trend(infos), c)
    hostile = next(t for t in fig.data if t.customdata[0][0].startswith("&lt;b&gt;"))
    assert hostile.name == "&lt;b&gt;Down&lt;/b&gt; &amp; &#36;x&#37;"  # escaped for Plotly
    points = [
        {"x": "1 Mar 2026", "y": 50, "customdata": list(hostile.customdata[0])},
        {"x": "1 Mar 2026", "y": 66.7, "customdata": list(fig.data[0].customdata[0])},
        {"x": "1 Mar 2026", "y": 66.7},
    ]
    assert trend_charts.club_from_trend_selection({"selection": {"points": points}}) == ["<b>Down</b> & $x%"]
    for bad in (None, {}, {"selection": None}, {"selection": {"points": None}}, "x"):
        assert trend_charts.club_from_trend_selection(bad) == []


def test_statuses_over_time_stacks_trainers_in_the_status_colours():
    infos = _infos()
    fig = trend_charts.statuses_over_time(history.trend(infos))
    statuses = [LABEL_TO_STATUS[t.name] for t in fig.data]
    assert statuses == sorted(statuses, key=TRAINER_STATUSES.index)
    for t, s in zip(fig.data, statuses, strict=True):
        assert t.marker.color == STATUS_COLOURS[s]
    totals = pd.DataFrame([list(t.y) for t in fig.data]).sum().tolist()
    assert totals == [3, 4, 4] and fig.layout.barmode == "stack"


def test_trend_figures_of_no_snapshot_say_so():
    empty = history.trend([])
    for fig in (
        trend_charts.compliance_over_time(empty, history.club_trend([])),
        trend_charts.statuses_over_time(empty),
    ):
        assert fig.layout.annotations[0].text == "No snapshots saved yet."
    no_summary = history.trend([Info("s1", "", date(2026, 3, 1), datetime(2026, 3, 1), 3, 1, {})])
    assert trend_charts.statuses_over_time(no_summary).layout.annotations[0].text == "No snapshots saved yet."
    assert len(trend_charts.compliance_over_time(no_summary).data) == 1
