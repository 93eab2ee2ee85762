"""Real Chromium against `streamlit run app.py`: upload a roster, read the Team page, look at the screenshots.

Skipped with a reason when /usr/bin/chromium (Debian's package) or the playwright package is missing; never
downloads a browser. Each test starts its own server on a free port, so the file runs under pytest -n 2.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
ROSTER = ROOT / "sample_data" / "recert_roster.csv"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """A fresh `streamlit run app.py` (no demo data) on a free port; its log goes to tmp_path."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "RECERT_DEMO"}
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {(tmp_path / 'streamlit.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page(server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        pg = browser.new_page(viewport={"width": 1440, "height": 1000})
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.goto(server)
        _idle(pg)
        yield pg
        browser.close()


def _idle(pg, timeout: float = 90_000) -> None:
    """Wait until the script has finished (and the frontend has had a moment to draw)."""
    pg.wait_for_timeout(300)
    pg.wait_for_selector(IDLE, timeout=timeout)
    pg.wait_for_timeout(300)


def _go(pg, title: str) -> None:
    pg.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    pg.wait_for_url(f"**/{title.lower()}")
    _idle(pg)


def _shot(pg, name: str, *, full: bool = True) -> Path:
    """Screenshot the whole page: Streamlit scrolls inside its own container, so grow the viewport to fit."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if full:
        height = pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        pg.set_viewport_size({"width": 1440, "height": max(1000, min(int(height) + 40, 8000))})
        pg.wait_for_timeout(1200)  # plotly redraws on resize
    pg.screenshot(path=str(path))
    pg.set_viewport_size({"width": 1440, "height": 1000})
    return path


def _upload(pg, *paths: Path) -> None:
    pg.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files([str(p) for p in paths])
    _idle(pg)


def _no_exception(pg) -> None:
    assert pg.locator("[data-testid=stException]").count() == 0, pg.locator("[data-testid=stException]").inner_text()


def test_upload_a_roster_then_read_the_team_page(page):
    page.get_by_test_id("stFileUploader").wait_for(state="visible", timeout=60_000)
    _upload(page, ROSTER)
    _no_exception(page)
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for()
    for label in ("Rows read", "Accepted", "Rejected", "Blank"):
        assert page.get_by_test_id("stMetric").filter(has_text=label).count() == 1
    assert page.get_by_text("Rejected rows (3)").is_visible()  # 'soon', 'TBC' and a missing expiry
    _shot(page, "upload")

    _go(page, "Team")
    metrics = page.get_by_test_id("stMetric")
    metrics.first.wait_for()
    assert metrics.count() == 5
    text = " | ".join(metrics.all_inner_texts())
    for label in ("Trainers", "Compliant", "At risk", "Expiring in 90 days", "Lapsed"):
        assert label in text
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4",
                           timeout=30_000)
    assert page.get_by_test_id("stPlotlyChart").count() == 4
    assert page.locator(".js-plotly-plot .legendtext").filter(has_text="At risk").count() >= 1
    _no_exception(page)
    page.wait_for_timeout(800)
    _shot(page, "team")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The README's picture: refreshed on purpose (RECERT_UPDATE_DOCS=1), never as a side effect of a test run.
    target = ROOT / "docs" if os.environ.get("RECERT_UPDATE_DOCS") == "1" else ARTIFACTS
    target.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 1150})
    page.wait_for_timeout(1200)
    page.screenshot(path=str(target / "screenshot-team.png"))
    page.set_viewport_size({"width": 1440, "height": 1000})

    # Clicking a club's bar filters the page to that club (the sidebar shows it as a chosen club).
    trainers_before = metrics.first.inner_text()
    page.get_by_test_id("stPlotlyChart").first.locator("g.trace.bars path").first.click(force=True)
    _idle(page)
    chosen = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.inner_text()
    assert any(club in chosen for club in ("Downtown", "Riverside", "Northgate")), chosen
    assert page.get_by_test_id("stMetric").first.inner_text() != trainers_before
    _no_exception(page)

    # Selecting a row of "Needs attention" opens that trainer.
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the selection box of the first row
    page.wait_for_url("**/trainer", timeout=30_000)
    _idle(page)
    picker = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first
    picker.wait_for()
    assert picker.inner_text().strip().split("\n")[-1] in ROSTER.read_text(encoding="utf-8-sig")  # a name
    page.get_by_test_id("stPlotlyChart").first.wait_for()
    _no_exception(page)
    _shot(page, "trainer")

    for title in ("Reminders", "Rules"):
        _go(page, title)
        _no_exception(page)
        _shot(page, title.lower())
    assert not page.dialogs


def test_sample_button_and_a_hostile_name_shown_as_text(page, tmp_path):
    page.get_by_role("button", name="Try it with sample data").click()
    _idle(page)
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for()
    evil = "<img src=x onerror=alert(1)>"
    csv = tmp_path / "evil.csv"
    csv.write_text("Trainer Name,Club,Certification,Exp. Date\n"
                   f"\"{evil}\",Downtown,NASM CPT,2027-01-01\n"
                   "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",Downtown,ACE CPT,2027-01-01\n",
                   encoding="utf-8")
    _upload(page, csv)
    _go(page, "Trainer")
    box = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first
    box.click()
    page.keyboard.type("img")
    page.keyboard.press("Enter")
    _idle(page)
    assert page.get_by_role("heading", name=evil).count() == 1  # literal text, no image element
    assert page.locator("[data-testid=stMain] img[src=x]").count() == 0
    _no_exception(page)
    _shot(page, "hostile-trainer", full=False)
    assert not page.dialogs
