"""Dashboard filter change at chain scale in a real browser (Playwright driving Debian's /usr/bin/chromium).

    .venv/bin/python benchmarks/bench_browser.py [--trainers 10000] [--changes 8]

Starts ``streamlit run app.py`` on a free port, uploads the chain workbook, opens Team, then changes the sidebar's
Club filter again and again (add a club, remove it). Each change is timed from the key press to the moment the
page is idle again with the new figures drawn: the first KPI shows the new count, the script state is
"notRunning", and two animation frames have passed (Plotly draws the four charts synchronously when React
updates them). Prints the median and the slowest. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import AS_OF, workbook  # noqa: E402
from tests.serve import CHROMIUM, IDLE, launch, serve, stop  # noqa: E402  (shared with the browser tests)

FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


def _idle(page, timeout: float = 180_000) -> None:
    page.wait_for_timeout(100)
    page.wait_for_selector(IDLE, timeout=timeout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--changes", type=int, default=8)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    path = workbook(args.trainers)
    proc, url = serve()
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            _idle(page)
            t = time.perf_counter()
            page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(path))
            _idle(page)
            page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for(timeout=180_000)
            upload = time.perf_counter() - t
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Team").click()
            page.wait_for_function(
                "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=120_000
            )
            _idle(page)
            box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
            kpi = page.get_by_test_id("stMetric").first
            times = []
            for i in range(args.changes):
                before = kpi.inner_text()
                if i % 2 == 0:  # choose a club (the list starts with "Select all")
                    box.click()
                    club = page.get_by_role("option").filter(has_not_text="Select all").nth(i // 2)
                    club.wait_for()
                    t = time.perf_counter()
                    club.click()
                else:  # remove it again (Backspace in the empty search box removes the last chosen)
                    box.locator("input").focus()
                    t = time.perf_counter()
                    page.keyboard.press("Backspace")
                # No fixed sleeps inside the timing: the new KPI means the rerun has reached the page; then wait
                # for the script to finish and for two frames.
                page.wait_for_function(
                    "(b) => document.querySelector('[data-testid=stMetric]').innerText !== b",
                    arg=before,
                    timeout=60_000,
                    polling="raf",
                )
                page.wait_for_selector(IDLE, timeout=60_000)
                page.evaluate(FRAMES)
                times.append(time.perf_counter() - t)
                page.keyboard.press("Escape")
                page.wait_for_timeout(300)
            browser.close()
    finally:
        stop(proc)
    print(
        f"{args.trainers:,} trainers in Chromium (as-of {AS_OF} data): upload+read {upload:.2f} s; filter change "
        f"median {statistics.median(times):.2f} s, slowest {max(times):.2f} s over {len(times)} changes "
        f"({', '.join(f'{x:.2f}' for x in times)})"
    )


if __name__ == "__main__":
    main()
