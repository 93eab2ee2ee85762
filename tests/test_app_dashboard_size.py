"""The dashboard at chain size draws what a manager reads (issue 16): long tables capped with a line saying so
(the downloads hold every row), the Team page built once per session and view, Plotly's code warmed while big
files are read."""

from __future__ import annotations

import pytest

import cpd
from app_pages import _shared
from cpd import charts
from cpd.samples import DEFAULT_ANCHOR
from cpd.views import team, upload
from tests.helpers import csv_bytes
from tests.test_app import _app, _button, _no_exception, _upload

HEADER = ["Trainer Name", "Club", "Certification", "Exp. Date"]


def _roster(rejected: int, fine: int = 2) -> bytes:
    """A roster whose first ``fine`` rows are read and the next ``rejected`` rows are not (expiry "soon")."""
    rows = [[f"Fine {i}", "Downtown", "NASM-CPT", "04/30/2027"] for i in range(fine)]
    rows += [[f"Bad {i:04d}", "Downtown", "NASM-CPT", "soon"] for i in range(rejected)]
    return csv_bytes([HEADER, *rows])


def _standing(data: bytes) -> cpd.Standing:
    return cpd.analyse([cpd.Source("roster.csv", data)], as_of=DEFAULT_ANCHOR, on_error="collect")


# Rejected rows on the Upload page ------------------------------------------------------------------------------
@pytest.mark.parametrize(("rejected", "limit", "listed"), [(7, None, 7), (7, 5, 5), (7, 7, 7), (7, 100, 7)])
def test_rejected_table_lists_the_first_limit_rows_in_file_order(rejected, limit, listed):
    s = _standing(_roster(rejected))
    assert len(s.rejected) == rejected
    table = upload.rejected_table(s, limit=limit)
    assert len(table) == listed
    assert table["Trainer"].tolist() == [f"Bad {i:04d}" for i in range(listed)]
    assert table.equals(upload.rejected_table(s).head(listed))  # the same rows as uncapped, only fewer


def test_upload_page_caps_the_rejected_rows_and_says_the_csv_has_them_all(monkeypatch):
    monkeypatch.setattr(upload, "REJECTED_ROWS", 5)
    at = _upload(_app(monkeypatch), {"roster.csv": _roster(8)})
    _no_exception(at)
    assert any(h.value == "Rejected rows (8)" for h in at.subheader)
    shown = [d.value for d in at.dataframe if "Reason" in d.value.columns]
    assert len(shown) == 1 and len(shown[0]) == 5
    assert any(c.value.startswith("Showing the first 5 of 8 rejected rows") for c in at.caption)
    assert any(b.label == "Download rejected rows (CSV)" for b in at.get("download_button"))


def test_upload_page_under_the_cap_lists_every_rejected_row_without_a_cap_line(monkeypatch):
    monkeypatch.setattr(upload, "REJECTED_ROWS", 5)
    at = _upload(_app(monkeypatch), {"roster.csv": _roster(5)})
    _no_exception(at)
    shown = [d.value for d in at.dataframe if "Reason" in d.value.columns]
    assert len(shown) == 1 and len(shown[0]) == 5
    assert not any(c.value.startswith("Showing the first") for c in at.caption)


# The Team page -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("limit", [1, 3, team.TABLE_ROWS])
def test_team_page_holds_the_same_numbers_figures_and_rows_as_the_functions_it_gathers(
    sample_standing, limit
):
    names = {"nasm-cpt": "NASM CPT"}
    built = team.team_page(sample_standing, names, limit=limit)
    assert built.kpis == team.kpis(sample_standing)
    full = team.needs_attention(sample_standing, names, limit=limit)
    assert built.attention.equals(full.drop(columns="trainer_id"))  # the browser gets the columns it shows
    assert list(built.attention_ids) == full["trainer_id"].tolist()
    assert built.attention_total == len(team.attention_rows(sample_standing)) > 0
    assert len(built.attention) == min(limit, built.attention_total)
    assert built.club_chart.to_json() == charts.status_by_club(sample_standing).to_json()
    assert built.progress_chart.to_json() == charts.credit_progress(sample_standing, names=names).to_json()


def test_team_page_is_built_once_per_session_and_view(monkeypatch):
    calls: list[int] = []
    real = team.team_page

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(team, "team_page", counted)
    at = _app(monkeypatch)
    _button(at, "Try it with sample data").click().run()
    at.switch_page("app_pages/team.py").run()
    _no_exception(at)
    assert len(calls) == 1
    at.run()  # a rerun of the same view (a row picked, the page opened again) rebuilds nothing
    assert len(calls) == 1
    club = at.multiselect(key="f_clubs").options[0]
    at.multiselect(key="f_clubs").set_value([club]).run()  # another view: built for it
    assert len(calls) == 2
    at.multiselect(key="f_clubs").set_value([]).run()  # back to the first view: kept for the session
    assert len(calls) == 2
    _no_exception(at)
    assert len(at.get("plotly_chart")) == 4


# Plotly warmed while big files are read ------------------------------------------------------------------------
def test_warm_up_figure_is_one_invisible_bar_ten_pixels_high():
    fig = charts.warm_up()
    assert len(fig.data) == 1 and fig.data[0].type == "bar" and fig.data[0].showlegend is False
    assert fig.layout.height == 10
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == fig.data[0].marker.color == "rgba(0,0,0,0)"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_warm_up_chart_is_gone_once_the_files_are_read(monkeypatch, sample_files):
    monkeypatch.setattr(_shared, "PROGRESS_MIN_BYTES", 0)  # every upload shows the reading box
    at = _upload(_app(monkeypatch), sample_files)
    _no_exception(at)
    assert any(m.label == "Rows read" for m in at.metric)
    assert not at.get("plotly_chart")  # the box (and its chart) is emptied after the read
