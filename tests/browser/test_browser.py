"""Real Chromium against `streamlit run app.py`: upload a roster, read the Team page, look at the screenshots.

Skipped with a reason when /usr/bin/chromium (Debian's package) is missing; never downloads a browser (playwright
is a pinned dev requirement: without it these tests fail instead of skipping). Each test starts its own server on a free port, so the file runs under pytest -n 2.
"""

from __future__ import annotations

import csv
import io
import os
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright import sync_api

from tests.serve import CHROMIUM, IDLE, ROOT, launch, served

ARTIFACTS = ROOT / "tests" / "artifacts"
ROSTER = ROOT / "sample_data" / "recert_roster.csv"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture
def server(tmp_path):
    """A fresh `streamlit run app.py` (no demo data) on a free port; its log goes to tmp_path."""
    with served(log=tmp_path / "streamlit.log") as (_, url):
        yield url


@pytest.fixture
def page(server):
    """Chromium on the app; ``page.requests`` records every URL the page asks for (websockets included)."""
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        pg = context.new_page()
        pg.requests = requests
        pg.on("websocket", lambda ws: requests.append(ws.url))
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
    path = "/" if title == "Upload" else f"/{title.lower()}"  # Upload is the default page: served at /
    pg.wait_for_url(lambda url: urllib.parse.urlsplit(url).path == path)
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
    assert pg.locator("[data-testid=stException]").count() == 0, pg.locator(
        "[data-testid=stException]"
    ).inner_text()


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
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=30_000
    )
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
    csv.write_text(
        "Trainer Name,Club,Certification,Exp. Date\n"
        f'"{evil}",Downtown,NASM CPT,2027-01-01\n'
        '"=HYPERLINK(""http://evil.example"",""x"")",Downtown,ACE CPT,2027-01-01\n',
        encoding="utf-8",
    )
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


# Nothing from outside this server ------------------------------------------------------------------------------
def _local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in ("127.0.0.1", "localhost")


def test_a_full_session_makes_no_request_outside_this_server(page):
    """Landing page, sample data, every page, a chart hovered: every URL is this server, data: or blob:."""
    page.get_by_role("button", name="Try it with sample data").click()
    _idle(page)
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for()
    page.get_by_test_id("stExpander").first.click()  # the mapping editor (a data grid)
    _idle(page)
    _go(page, "Team")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=30_000
    )
    page.get_by_test_id("stPlotlyChart").first.locator("g.trace.bars path").first.hover(force=True)
    page.wait_for_timeout(500)
    for title in ("Trainer", "Reminders", "Rules", "Upload"):
        _go(page, title)
        _no_exception(page)
    assert page.evaluate("() => document.fonts.check('24px \"Material Symbols Rounded\"')")
    favicon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    outside = sorted({u for u in page.requests if not _local(u)})
    assert not outside, outside
    assert favicon.startswith("data:image/svg+xml"), favicon[:80]  # Recert's own icon, inline
    assert any("MaterialSymbols" in u for u in page.requests)  # the page and button icons, from this server
    assert any(u.startswith("ws://127.0.0.1") for u in page.requests)  # the recording saw the whole session
    assert not page.dialogs


# File text shows as text: no link, icon, emoji, style or chart markup from a cell or a file name ----------------
HOSTILE_CLUB = '<a href="//evil.test/x">Downtown</a>'
HOSTILE_TRAINERS = {  # search text in the trainer picker -> the name as written in the file
    "www.evil": "www.evil.test",
    "skull": ":material/skull: Ana https://evil.test/x",
    "smile": "Ben :smile: :+1: :streamlit: $x^2$ -> é",
    "bold": "<b>bold</b> Cara [x](https://evil.test)",
    "boss@": "boss@evil.test",
}
DATA_TOKENS = ("evil", "skull", "alarm", "BIG", "bold")  # in no link, icon or styled text of Recert's own
CHECK_PAGE = r"""
(tokens) => {
  const bad = [];
  const fromData = (t) => tokens.some((k) => t.includes(k));
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') ?? a.getAttribute('xlink:href') ?? '';
    if (a.closest('svg')) { bad.push(['link in a chart', href, a.textContent]); continue; }
    let url;
    try { url = new URL(href, location.href); } catch (e) { bad.push(['odd link', href]); continue; }
    if (url.protocol === 'mailto:') {
      if (!a.closest('[data-testid=stLinkButton]')) bad.push(['mail link outside the mail button', href]);
    } else if (url.origin !== location.origin) bad.push(['outside link', href, a.textContent]);
    else if (fromData(decodeURIComponent(url.pathname + url.hash) + a.textContent)) bad.push(['link', href]);
  }
  const md = '[data-testid=stMarkdownContainer], [data-testid=stCaptionContainer]';
  for (const el of document.querySelectorAll(`:is(${md}) [role=img]`)) {
    if (!['check', 'close'].includes(el.textContent.trim())) bad.push(['icon in text', el.textContent]);
  }
  for (const el of document.querySelectorAll('[data-testid=stIconMaterial]')) {
    if (fromData(el.textContent)) bad.push(['icon', el.textContent]);
  }
  for (const el of document.querySelectorAll('.stMarkdownColoredText, .stMarkdownColoredBackground, .katex'))
    bad.push(['coloured text or maths', el.textContent]);
  for (const el of document.querySelectorAll(`:is(${md}) :is(em, del, code, img, h1, h2, h3, h4, h5, h6)`)) {
    if (el.matches('[data-testid=stHeading] :is(h1, h2, h3)')) continue;  // st.title / st.subheader
    if (fromData(el.textContent + (el.getAttribute('src') ?? ''))) bad.push(['markup', el.tagName, el.textContent]);
  }
  if (document.querySelector('img[alt="Streamlit logo"]')) bad.push(['streamlit logo']);
  for (const el of document.querySelectorAll('[style]')) {
    if (/font-size:\s*200px/.test(el.getAttribute('style'))) bad.push(['style', el.tagName]);
  }
  for (const el of document.querySelectorAll('.js-plotly-plot tspan[style]')) {  // from <b>, <span style>, <sup>
    if (el.textContent.trim()) bad.push(['styled chart text', el.textContent, el.getAttribute('style')]);
  }
  const text = document.body.innerText;
  for (const emoji of ['\u{1F604}', '\u{1F44D}']) if (text.includes(emoji)) bad.push(['emoji', emoji]);
  return bad;
}
"""


def _no_markup_from_data(pg) -> None:
    bad = pg.evaluate(CHECK_PAGE, list(DATA_TOKENS))
    assert not bad, bad


def _visible_text(locator) -> str:
    return locator.inner_text().replace("\u2060", "")


def _hostile_files() -> list[dict]:
    soon, late, lapsed = (date.today() + timedelta(days=d) for d in (30, 400, -20))
    rows = [
        ["Trainer Name", "Club", "Role", "Email", "Certification", "Exp. Date", "CEUs earned", "CPR/AED exp"]
    ]
    rows += [
        [
            HOSTILE_TRAINERS["www.evil"],
            HOSTILE_CLUB,
            "boss@evil.test",
            "boss@evil.test",
            "NASM CPT",
            soon,
            "0.5",
            late,
        ],
        [
            HOSTILE_TRAINERS["skull"],
            '<span style="font-size:200px">BIG</span>',
            ":red[alarm]",
            "ana@example.org",
            "ACE CPT",
            soon,
            "0.2",
            late,
        ],
        [
            HOSTILE_TRAINERS["smile"],
            "www.club.evil.test",
            "a -> b",
            "",
            ":material/skull: Cert www.evil.test",
            soon,
            "",
            late,
        ],
        [HOSTILE_TRAINERS["bold"], "%{x} :material/skull:", "Trainer", "", "NASM CPT", lapsed, "1.0", late],
        [HOSTILE_TRAINERS["boss@"], "<b>bold</b> club", "Trainer", "", "ISSA CPT", soon, "5", late],
        ["Dee", HOSTILE_CLUB, "Trainer", "", "NASM CPT", "www.bad.evil.test", "", ""],  # a rejected row
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[str(v) for v in r] for r in rows])
    return [
        # Windows-1252 ("é"), so a notice names the file on the Upload page.
        {"name": "www.evil.test.csv", "mimeType": "text/csv", "buffer": buf.getvalue().encode("cp1252")},
        {
            "name": ":material/skull: boss@evil.test https:.csv",
            "mimeType": "text/csv",
            "buffer": b"not a table\n",
        },
    ]


def test_file_text_never_becomes_links_icons_or_styles_on_any_page(page):
    page.get_by_test_id("stFileUploader").wait_for(state="visible", timeout=60_000)
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(_hostile_files())
    _idle(page)
    _no_exception(page)
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for()
    main = page.get_by_test_id("stMain")
    _shot(page, "hostile-upload")
    _no_markup_from_data(page)
    files = [f["name"] for f in _hostile_files()]
    caption = _visible_text(main.get_by_test_id("stCaptionContainer").first)
    assert all(name in caption for name in files), caption  # the file names, as typed
    alerts = _visible_text(main.get_by_test_id("stAlert").first) + _visible_text(
        main.get_by_test_id("stAlert").nth(1)
    )
    assert all(name in alerts for name in files), alerts  # the sentences that name them
    assert files[0] in _visible_text(main.get_by_test_id("stExpander").first.locator("summary"))

    _go(page, "Team")
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=30_000
    )
    _no_markup_from_data(page)
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .ytick text')].map(t => t.textContent)"
    )
    assert HOSTILE_CLUB in ticks and "%{x} :material/skull:" in ticks, ticks  # shown as typed
    club_chart = page.get_by_test_id("stPlotlyChart").first
    bars = club_chart.locator("g.trace.bars path")
    club_chart.scroll_into_view_if_needed()
    hovers = set()
    for i in range(bars.count()):
        box = bars.nth(i).bounding_box()
        if not box or box["width"] < 2:
            continue  # a status with no certification in that club
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(200)
        hovers.add(page.evaluate("() => document.querySelector('.hoverlayer')?.textContent ?? ''"))
        _no_markup_from_data(page)  # the hover label too
    assert any(HOSTILE_CLUB in h for h in hovers), hovers  # shown as typed
    _no_markup_from_data(page)
    _shot(page, "hostile-team")

    # A click on the hostile club's bar filters by the club's real name.
    curve, index = page.evaluate("""() => {
        const gd = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
        const club = '&lt;a href="//evil.test/x"&gt;Downtown&lt;/a&gt;';
        for (const [c, t] of gd.data.entries()) {
            const i = t.y.indexOf(club);
            if (i >= 0 && t.x[i] > 0) return [c, i];
        }
        return [-1, -1];
    }""")
    assert index >= 0
    box = club_chart.locator("g.trace.bars").nth(curve).locator("path").nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _idle(page)
    chosen = _visible_text(page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first)
    assert HOSTILE_CLUB in chosen, chosen
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4", timeout=30_000
    )
    ticks = page.evaluate(
        "() => [...document.querySelector('.js-plotly-plot').querySelectorAll('.ytick text')]"
        ".map(t => t.textContent)"
    )
    assert ticks == [HOSTILE_CLUB], ticks  # the chart now shows that club only
    _no_exception(page)
    page.get_by_role("button", name="Clear filters").click()
    _idle(page)

    _go(page, "Trainer")
    picker = main.get_by_test_id("stSelectbox").first
    for search, name in HOSTILE_TRAINERS.items():
        picker.click()
        page.keyboard.type(search)
        page.keyboard.press("Enter")
        _idle(page)
        headings = [_visible_text(h).strip() for h in main.get_by_test_id("stHeading").all()]
        assert name in headings, headings  # the name as written, not a link, icon or emoji
        _no_exception(page)
        _no_markup_from_data(page)
        if search == "skull":
            _shot(page, "hostile-trainer-icons", full=False)
            # Club, role and email as plain text: the address copies exactly, with no invisible joiner in it.
            assert "ana@example.org" in main.get_by_test_id("stText").first.inner_text()

    _go(page, "Reminders")
    _no_exception(page)
    _no_markup_from_data(page)
    _shot(page, "hostile-reminders")
    _go(page, "Rules")
    _no_markup_from_data(page)
    outside = sorted({u for u in page.requests if not _local(u)})
    assert not outside, outside
    assert not page.dialogs
