"""Real Chromium: upload, save, upload a changed roster, save, see what changed and the trend, open the old one.

The server gets its own SQLite store in tmp_path (RECERT_DATABASE_URL), never the project's data/recert.db.
Screenshots go to tests/artifacts/ (history-*.png).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright import sync_api

from tests.serve import CHROMIUM, IDLE, ROOT, launch, served
from tests.test_history_app import APRIL, MARCH

ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture
def page(tmp_path):
    env = {"RECERT_DATABASE_URL": f"sqlite:///{tmp_path / 'recert.db'}"}
    with served(log=tmp_path / "streamlit.log", env_extra=env) as (_, url), sync_api.sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.goto(url)
        _idle(pg)
        yield pg
        browser.close()


def _idle(pg, timeout: float = 90_000) -> None:
    pg.wait_for_timeout(300)
    pg.wait_for_selector(IDLE, timeout=timeout)
    pg.wait_for_timeout(300)


def _go(pg, title: str) -> None:
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    _idle(pg)


def _shot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    pg.set_viewport_size({"width": 1440, "height": max(1000, min(int(height) + 40, 8000))})
    pg.wait_for_timeout(1200)  # plotly redraws on resize
    pg.screenshot(path=str(path))
    pg.set_viewport_size({"width": 1440, "height": 1000})
    return path


def _no_exception(pg) -> None:
    assert pg.locator("[data-testid=stException]").count() == 0, pg.locator(
        "[data-testid=stException]"
    ).inner_text()


def _upload_and_save(pg, path: Path, as_of: str, label: str) -> None:
    """Last month's file out (the uploader adds to what it holds), this month's in, saved as of ``as_of``."""
    remove = pg.get_by_role("button", name="Remove all files")
    if remove.count():
        remove.click()
        remove.wait_for(state="detached")
        _idle(pg)
    pg.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files([str(path)])
    _idle(pg)
    _no_exception(pg)
    form = pg.get_by_test_id("stForm")
    form.wait_for()
    day = form.get_by_test_id("stDateInput").locator("input")
    day.fill(as_of)
    day.press("Enter")
    form.get_by_label("Label").fill(label)
    form.get_by_role("button", name="Save as snapshot").click()
    _idle(pg)
    _no_exception(pg)


def test_save_two_months_then_read_the_history_and_open_the_old_one(page, tmp_path):
    march, april = tmp_path / "roster.csv", tmp_path / "roster-april.csv"
    march.write_bytes(MARCH)
    april.write_bytes(APRIL)
    page.get_by_test_id("stFileUploader").wait_for(state="visible", timeout=60_000)

    _upload_and_save(page, march, "2026-03-01", "March")
    saved = page.get_by_test_id("stAlert").filter(has_text="Saved as snapshot")
    saved.wait_for()
    assert "“March” of 1 Mar 2026" in saved.inner_text()
    _shot(page, "history-saved")
    page.get_by_test_id("stForm").get_by_role(
        "button", name="Save as snapshot"
    ).click()  # the same files again
    _idle(page)
    assert page.get_by_test_id("stAlert").filter(has_text="already saved as snapshot “March”").count() == 1

    _upload_and_save(page, april, "2026-04-01", "April")
    page.get_by_test_id("stAlert").filter(has_text="“April” of 1 Apr 2026").wait_for()

    _go(page, "History")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000
    )
    _no_exception(page)
    metrics = {m.split("\n")[0]: m.split("\n")[-1] for m in page.get_by_test_id("stMetric").all_inner_texts()}
    assert (metrics["Joined"], metrics["Left"], metrics["Renewed"], metrics["Credits earned"]) == (
        "1",
        "1",
        "1",
        "1",
    )
    assert page.locator(".js-plotly-plot .legendtext").filter(has_text="All trainers").count() == 1
    assert page.locator(".js-plotly-plot .legendtext").filter(has_text="Riverside").count() == 1
    page.get_by_test_id("stExpander").filter(has_text="Joined (1)").click()
    page.get_by_test_id("stExpander").filter(has_text="Joined (1)").get_by_test_id("stDataFrame").wait_for()
    _shot(page, "history-page")

    # Clicking a club's point on the compliance chart filters to that club.
    page.locator(".js-plotly-plot").first.locator("g.trace.scatter").nth(1).locator("path.point").first.click(
        force=True
    )
    _idle(page)
    chosen = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.inner_text()
    assert re.search(r"Downtown|Riverside", chosen), chosen

    # Open March as it was: a banner on every page, the uploader off.
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Snapshot")
    picker.scroll_into_view_if_needed()
    picker.click()
    page.keyboard.type("March")
    page.keyboard.press("Enter")
    _idle(page)
    _shot(page, "history-picked")
    page.get_by_role("button", name="Open as it was").click()
    _idle(page)
    banner = "as it was on 1 Mar 2026 (March)"
    for title in ("Team", "Upload"):
        _go(page, title)
        _no_exception(page)
        assert page.get_by_test_id("stAlert").filter(has_text=banner).count() == 1, title
    assert page.get_by_test_id("stFileUploader").locator("input[type=file]").is_disabled()
    _go(page, "Team")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000
    )
    _shot(page, "history-open-march")
    assert not page.dialogs
