"""Server memory over one long browser session, and after the browser leaves (issue 10, item 8).

    .venv/bin/python benchmarks/bench_session_memory.py [--uploads 24] [--trainers 1000] [--mode replace|add]
        [--watch 180] [--ttl SECONDS] [--arena-max N]

Starts ``streamlit run app.py`` on a free port, opens it in Debian's /usr/bin/chromium (Playwright), and uploads
``--uploads`` different chain workbooks (``cpd.samples.build_chain_workbook`` with seeds 1..N, cached in
benchmarks/data/session/), so every read is real work. ``--mode replace`` removes the previous file in the
uploader before adding the next (one roster at a time); ``--mode add`` keeps adding files to the uploader (the
session then holds all of them, until the session's byte cap refuses more). The server's resident memory
(VmRSS of the streamlit process, from /proc) is sampled before the first upload, after each upload, then every
5 s for ``--watch`` seconds after the browser is closed. ``--ttl`` passes ``server.disconnectedSessionTTL``;
``--arena-max`` sets MALLOC_ARENA_MAX for the server; ``--root`` serves another copy of the app (e.g. the
last commit, unpacked with ``git archive``, for a before/after). Prints the figures; a measurement, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import AS_OF  # noqa: E402
from cpd.samples import build_chain_workbook  # noqa: E402
from tests.serve import CHROMIUM, IDLE, launch, serve, stop  # noqa: E402  (shared with the browser tests)

DATA = ROOT / "benchmarks" / "data" / "session"
# The run is over when the page lists the file last (names are shown with invisible word joiners) and is idle.
SHOWN = """name => document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]') &&
  document.querySelector('[data-testid=stMain]').innerText.replace(/\\u2060/g, '')
    .split('\\n').some(line => line.startsWith('Loaded: ') && line.includes(name))"""


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def rosters(n_files: int, trainers: int) -> list[Path]:
    """Different chain workbooks (seed 1..n), generated once and cached."""
    DATA.mkdir(parents=True, exist_ok=True)
    out = []
    for seed in range(1, n_files + 1):
        path = DATA / f"chain_{trainers}_seed{seed}.xlsx"
        if not path.exists():
            path.write_bytes(build_chain_workbook(trainers, anchor=AS_OF, seed=seed))
        out.append(path)
    return out


def idle(page, timeout: float = 300_000) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(200)


def upload(page, path: Path, *, replace: bool) -> None:
    """Add one file to the uploader (after removing the one already there with ``replace``) and wait for it."""
    uploader = page.get_by_test_id("stFileUploader")
    if replace:
        delete = uploader.get_by_test_id("stFileChipDeleteBtn")
        while delete.count():
            delete.first.locator("button").click()
            idle(page)
    uploader.locator("input[type=file]").set_input_files([str(path)])
    page.wait_for_function(SHOWN, arg=path.name, timeout=300_000)
    idle(page)


def session_run(
    paths: list[Path],
    *,
    replace: bool,
    watch: float,
    ttl: int | None = None,
    env_extra: dict[str, str] | None = None,
    every: float = 5.0,
    log: Path | None = None,
    on_sample=None,
    root: Path = ROOT,
) -> dict:
    """Upload each path in one browser session, close the browser, watch; returns the RSS samples (MB)."""
    from playwright.sync_api import sync_playwright

    proc, url = serve(ttl=ttl, env_extra=env_extra, log=log, root=root)
    result: dict = {"started": rss_mb(proc.pid), "uploads": [], "after_close": []}
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.get_by_test_id("stFileUploader").wait_for(timeout=60_000)
            idle(page)
            result["before"] = rss_mb(proc.pid)
            for i, path in enumerate(paths, 1):
                t = time.perf_counter()
                upload(page, path, replace=replace)
                sample = (i, time.perf_counter() - t, rss_mb(proc.pid))
                result["uploads"].append(sample)
                if on_sample:
                    on_sample("upload", sample)
            result["messages"] = page.get_by_test_id("stAlertContentError").all_inner_texts()
            browser.close()
        closed = time.monotonic()
        while True:
            elapsed = time.monotonic() - closed
            sample = (elapsed, rss_mb(proc.pid))
            result["after_close"].append(sample)
            if on_sample:
                on_sample("closed", sample)
            if elapsed >= watch:
                break
            time.sleep(min(every, watch - elapsed + 0.01))
    finally:
        stop(proc)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uploads", type=int, default=24)
    ap.add_argument("--trainers", type=int, default=1000)
    ap.add_argument("--mode", choices=("replace", "add"), default="replace")
    ap.add_argument("--watch", type=float, default=180)
    ap.add_argument(
        "--ttl", type=int, default=None, help="server.disconnectedSessionTTL (default: config.toml)"
    )
    ap.add_argument("--arena-max", type=int, default=None, help="MALLOC_ARENA_MAX for the server")
    ap.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="the app to serve (e.g. `git archive HEAD` unpacked somewhere, to measure before a change)",
    )
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    paths = rosters(args.uploads, args.trainers)
    env = {"MALLOC_ARENA_MAX": str(args.arena_max)} if args.arena_max else None
    print(
        f"{args.uploads} uploads of {args.trainers}-trainer chain workbooks "
        f"({sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in all), mode {args.mode}, "
        f"ttl {args.ttl if args.ttl is not None else 'config'}, MALLOC_ARENA_MAX {args.arena_max or 'unset'}"
    )

    def show(kind: str, sample: tuple) -> None:
        if kind == "upload":
            print(f"  upload {sample[0]:2d}: {sample[1]:5.1f} s  RSS {sample[2]:7.1f} MB", flush=True)
        else:
            print(f"  closed +{sample[0]:5.0f} s: RSS {sample[1]:7.1f} MB", flush=True)

    r = session_run(
        paths,
        replace=args.mode == "replace",
        watch=args.watch,
        ttl=args.ttl,
        env_extra=env,
        on_sample=show,
        root=args.root,
    )
    peak = max(s[2] for s in r["uploads"])
    print(
        f"server started {r['started']:.0f} MB; page open {r['before']:.0f} MB; peak {peak:.0f} MB; "
        f"after the last upload {r['uploads'][-1][2]:.0f} MB; {r['after_close'][-1][0]:.0f} s after the "
        f"browser closed {r['after_close'][-1][1]:.0f} MB"
    )
    for m in r.get("messages", []):
        print(f"  shown: {m}")


if __name__ == "__main__":
    main()
