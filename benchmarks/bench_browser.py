"""The dashboard at chain scale in a real browser (Playwright driving Debian's /usr/bin/chromium).

    .venv/bin/python benchmarks/bench_browser.py [--trainers 10000] [--runs 5] [--changes 8]
    .venv/bin/python benchmarks/bench_browser.py --runs 5 --changes 0 --against /tmp/recert-before

Starts ``streamlit run app.py`` on a free port and, in a fresh browser session per run, times (issue 16):

- **landing**: from asking for the page to the Upload page ready (the uploader shown, the script idle);
- **read**: from choosing the chain workbook in the uploader to "What was read" shown;
- **team**: from choosing the workbook to the Team page drawn with its four Plotly charts and the table (the
  Team link is clicked as soon as the Upload page is idle), and the part of it after the Team click, when the
  server already holds the standing.

For each phase it also prints where the time went: the server's read and standing (from the app's own log lines,
``read ... in X s`` and ``standing ... in X s``, turned on for the benchmark by a ``sitecustomize`` that gives
the ``recert`` logger a handler), the bytes of the websocket messages the browser received (the page's deltas),
and the browser's main thread from the CDP Performance domain (script, layout, style recalculation, and all
tasks: the rest of a task is mostly painting, parsing and garbage collection). Medians of ``--runs`` runs, with
the machine's load average before and after.

``--against DIR`` serves a second copy of the app (e.g. ``git archive <commit> | tar -x -C DIR``) and alternates
runs between the two in the same minutes (paired; ratios are per pair). ``--changes N`` then also times N
filter changes on the Team page, as before: from the key press to the page idle with the new figures drawn.
``--shot FILE`` saves a screenshot of the Team page of the last run. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import workbook  # noqa: E402
from tests.serve import CHROMIUM, IDLE, launch, serve, stop  # noqa: E402  (shared with the browser tests)

FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
READ_SHOWN = "() => [...document.querySelectorAll('h3')].some(h => h.textContent.trim() === 'What was read')"
# Four Plotly charts each with its bars drawn (every Team chart is a bar chart) and the table's canvas.
TEAM_DRAWN = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= 4 && plots.every(p => p.querySelector('.barlayer .trace'))
    && document.querySelector('[data-testid=stDataFrame] canvas') !== null;
}"""
UPLOADER = "[data-testid=stFileUploader] input[type=file]"
# Gives the app's "recert" logger a handler in the served process only (its log lines carry the server timings).
SITECUSTOMIZE = (
    "import logging, sys\n"
    "_h = logging.StreamHandler(sys.stdout)\n"
    "_h.setFormatter(logging.Formatter('%(asctime)s recert %(message)s'))\n"
    "_l = logging.getLogger('recert'); _l.addHandler(_h); _l.setLevel(logging.INFO)\n"
)
SERVER_LINE = re.compile(r"recert (read|standing) .* in ([0-9.]+) s")
CDP_METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


@dataclass
class Phase:
    """One timed phase of one run: wall seconds, server seconds, websocket bytes in, browser main-thread seconds."""

    wall: float = 0.0
    server: dict[str, float] = field(default_factory=dict)
    ws_bytes: int = 0
    ws_messages: int = 0
    browser: dict[str, float] = field(default_factory=dict)


@dataclass
class Run:
    app: str
    landing: Phase
    read: Phase
    team: Phase  # from choosing the file
    team_only: Phase  # from the Team click (the server holds the standing)
    changes: list[float] = field(default_factory=list)


class Probe:
    """What the page received over its websocket, the CDP main-thread counters and the server's log lines."""

    def __init__(self, page, log: Path) -> None:
        self.frames: list[tuple[float, int]] = []
        self.log = log
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")

    def _frame(self, payload) -> None:
        self.frames.append((time.perf_counter(), len(payload)))

    def mark(self) -> tuple[float, dict[str, float], int]:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return time.perf_counter(), metrics, self.log.stat().st_size

    def phase(self, start: tuple[float, dict[str, float], int]) -> Phase:
        t0, m0, at = start
        t1, m1, _ = self.mark()
        got = [n for t, n in self.frames if t0 <= t <= t1]
        server: dict[str, float] = {}
        with self.log.open("rb") as f:
            f.seek(at)
            for line in f.read().decode(errors="replace").splitlines():
                hit = SERVER_LINE.search(line)
                if hit:
                    server[hit[1]] = server.get(hit[1], 0.0) + float(hit[2])
        browser = {k: m1.get(k, 0.0) - m0.get(k, 0.0) for k in CDP_METRICS}
        return Phase(t1 - t0, server, sum(got), len(got), browser)


def _idle(page, timeout: float = 180_000) -> None:
    page.wait_for_timeout(100)
    page.wait_for_selector(IDLE, timeout=timeout)


def one_run(browser, url: str, log: Path, path: Path, name: str, changes: int, shot: Path | None) -> Run:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    probe = Probe(page, log)
    start = probe.mark()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(UPLOADER, state="attached", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.evaluate(FRAMES)
    landing = probe.phase(start)

    chosen = probe.mark()
    page.locator(UPLOADER).set_input_files(str(path))
    page.wait_for_function(READ_SHOWN, timeout=180_000, polling="raf")
    read = probe.phase(chosen)
    _idle(page)
    clicked = probe.mark()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Team").click()
    page.wait_for_function(TEAM_DRAWN, timeout=120_000, polling="raf")
    page.wait_for_selector(IDLE, timeout=120_000)
    page.evaluate(FRAMES)
    team_only = probe.phase(clicked)
    team = probe.phase(chosen)
    if shot:
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": 1440, "height": max(1000, min(int(height) + 40, 8000))})
        page.wait_for_timeout(1500)  # plotly redraws on resize
        page.screenshot(path=str(shot), full_page=True)
        page.set_viewport_size({"width": 1440, "height": 1000})
        _idle(page)
    run = Run(name, landing, read, team, team_only, filter_changes(page, changes))
    context.close()
    return run


def filter_changes(page, n: int) -> list[float]:
    """Add a club to the sidebar's Club filter, remove it, again and again: key press to the page redrawn."""
    if not n:
        return []
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    kpi = page.get_by_test_id("stMetric").first
    times = []
    for i in range(n):
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
        # No fixed sleeps inside the timing: the new KPI means the rerun has reached the page; then wait for the
        # script to finish and for two frames.
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
    return times


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(name: str, runs: list[Run]) -> None:
    def line(label: str, phases: list[Phase]) -> str:
        wall = [p.wall for p in phases]
        server = {k: _med([p.server.get(k, 0.0) for p in phases]) for k in ("read", "standing")}
        b = {k: _med([p.browser[k] for p in phases]) for k in CDP_METRICS}
        mb = _med([p.ws_bytes / 1e6 for p in phases])
        msgs = _med([float(p.ws_messages) for p in phases])
        return (
            f"  {label:<26} median {_med(wall):5.2f} s ({', '.join(f'{x:.2f}' for x in wall)})\n"
            f"  {'':<26} server read {server['read']:.2f} s + standing {server['standing']:.2f} s; "
            f"websocket in {mb:.2f} MB in {msgs:.0f} messages; browser main thread: script "
            f"{b['ScriptDuration']:.2f} s, layout {b['LayoutDuration']:.2f} s, style "
            f"{b['RecalcStyleDuration']:.2f} s, all tasks {b['TaskDuration']:.2f} s"
        )

    print(f"{name}: {len(runs)} runs")
    print(line("landing ready", [r.landing for r in runs]))
    print(line("file -> 'What was read'", [r.read for r in runs]))
    print(line("file -> Team drawn", [r.team for r in runs]))
    print(line("Team click -> Team drawn", [r.team_only for r in runs]))
    after = [r.team.wall - r.team.server.get("read", 0.0) - r.team.server.get("standing", 0.0) for r in runs]
    print(
        f"  {'file -> Team, less server':<26} median {_med(after):5.2f} s (the whole time less read+standing)"
    )
    changes = [x for r in runs for x in r.changes]
    if changes:
        print(
            f"  filter change              median {_med(changes):.2f} s, slowest {max(changes):.2f} s over "
            f"{len(changes)} changes ({', '.join(f'{x:.2f}' for x in changes)})"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--changes", type=int, default=8, help="filter changes timed on the last run's Team page")
    ap.add_argument("--against", type=Path, help="another copy of the app, run alternately (paired)")
    ap.add_argument("--shot", type=Path, help="screenshot of the Team page (last run of this checkout)")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    path = workbook(args.trainers)
    apps = {"this checkout": ROOT} | ({f"against {args.against}": args.against} if args.against else {})
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sitecustomize.py").write_text(SITECUSTOMIZE)
        env = {"PYTHONPATH": os.pathsep.join(filter(None, (tmp, os.environ.get("PYTHONPATH"))))}
        servers = {}
        try:
            for i, (name, root) in enumerate(apps.items()):
                log = Path(tmp) / f"server{i}.log"
                # A short TTL: each run's session (a 10k standing) is ended soon after its tab closes.
                servers[name] = (*serve(root=root, ttl=5, env_extra=env, log=log), log)
            load_before = os.getloadavg()
            runs: dict[str, list[Run]] = {name: [] for name in apps}
            with sync_playwright() as p:
                browser = launch(p)
                for i in range(args.runs):
                    for name in apps if i % 2 == 0 else list(apps)[::-1]:  # ABBA: neither always goes first
                        _, url, log = servers[name]
                        last = i == args.runs - 1
                        runs[name].append(
                            one_run(
                                browser,
                                url,
                                log,
                                path,
                                name,
                                args.changes if last else 0,
                                args.shot if last and name == "this checkout" else None,
                            )
                        )
                browser.close()
            load_after = os.getloadavg()
        finally:
            for proc, _, _ in servers.values():
                stop(proc)
    print(
        f"{args.trainers:,} trainers ({path.name}) in Chromium; load average before "
        f"{' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}"
    )
    for name, rs in runs.items():
        report(name, rs)
    if args.against:
        a, b = runs.values()
        for label, get in (
            ("file -> Team", lambda r: r.team.wall),
            ("Team click -> drawn", lambda r: r.team_only.wall),
            ("file -> 'What was read'", lambda r: r.read.wall),
        ):
            ratios = [get(x) / get(y) for x, y in zip(a, b, strict=True)]
            print(
                f"  ratio this/against, {label}: median {_med(ratios):.2f} ({', '.join(f'{x:.2f}' for x in ratios)})"
            )


if __name__ == "__main__":
    main()
