"""The apps in a real browser: Debian's chromium on a real Voila server, every outside request blocked.

For each app: it loads with 0 blocked requests and 0 console errors; a typical
interaction updates the numbers and the chart; a bad input shows a message and the
app keeps working; an export gives a valid file that matches the screen.
One Voila server (with preheated kernels) serves the whole module.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from browser import open_page
from conftest import Server, free_port, wait_for_http
from course.manifest import APPS_DIR, curriculum
from course.messages import t
from course.serve import app_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 60_000  # ms; a cold kernel on a busy 2-core machine can take a while


@pytest.fixture(scope="module")
def voila():
    port = free_port()
    server = Server(app_server.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", timeout=60)
        yield server
    finally:
        server.stop()


# Set by the page script once the kernel connection is open (course/serve/voila/frontend).
CONNECTED = "body[data-dgt-kernel='connected']"


def open_app(browser, voila, app_id: str, ready: str):
    """Open one app; wait until the widget `ready` (a CSS selector) is on screen and the kernel connected."""
    app = curriculum().app(app_id)
    page, report = open_page(browser, f"{voila.url}/voila/render/{app.notebook}")
    page.set_default_timeout(TIMEOUT)
    page.wait_for_selector(ready, timeout=TIMEOUT)
    page.wait_for_selector(CONNECTED, state="attached", timeout=TIMEOUT)
    return page, report


def assert_clean(report) -> None:
    """Nothing was blocked (no request left the machine) and the console has no errors."""
    assert report.blocked == []
    assert report.console_errors == []
    assert report.page_errors == []


def download(page, selector: str) -> tuple[str, bytes]:
    """Click a download link; return the suggested file name and the file's bytes."""
    with page.expect_download() as info:
        page.click(selector)
    item = info.value
    return item.suggested_filename, Path(item.path()).read_bytes()


def plain(cell: str) -> str:
    """A number cell without its thousands commas ("1,143" -> "1143"); other text unchanged."""
    bare = cell.replace(",", "")
    return bare if bare.replace(".", "").lstrip("-").isdigit() else cell


def upload(page, selector: str, name: str, content: bytes, mime: str) -> None:
    """Choose a file with an ipywidgets FileUpload button, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.click(selector)
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])


def screen_table(page, selector: str) -> list[list[str]]:
    """The body cells of an HTML table on screen, as text."""
    return page.eval_on_selector(
        selector,
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim()))",
    )


# --- EGDI explorer -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def egdi(browser, voila):
    page, report = open_app(browser, voila, "egdi-explorer", ".dgt-peer-table")
    yield page, report
    page.context.close()


def test_egdi_loads_offline_without_errors(egdi):
    """The EGDI explorer shows its title, chart and table with 0 blocked requests and 0 errors."""
    page, report = egdi
    assert page.inner_text(".dgt-app-title") == t("app.egdi-explorer.title")
    assert page.locator(".dgt-trend svg").count() == 1
    assert "Lao PDR" in page.inner_text(".dgt-peer-table")
    assert page.title() == t("app.egdi-explorer.title")
    assert_clean(report)


def test_egdi_year_and_measure_update_table_and_charts(egdi):
    """Picking another year and measure changes the table's numbers and the trend chart."""
    page, report = egdi
    before = screen_table(page, ".dgt-peer-table")
    chart_before = page.inner_html(".dgt-trend")
    page.select_option(".dgt-year select", "2010")
    page.wait_for_function(
        "() => document.querySelector('.dgt-peer-table caption').innerText.includes('2010')"
    )
    assert screen_table(page, ".dgt-peer-table") != before
    osi = t("chart.measure.osi")
    page.select_option(".dgt-measure select", label=osi)
    page.wait_for_function(
        "label => document.querySelector('.dgt-trend svg').textContent.includes(label)"
        " && document.querySelector('.dgt-peer-table').innerText.includes(label)",
        arg=osi,
    )
    assert page.inner_html(".dgt-trend") != chart_before
    assert osi in page.inner_text(".dgt-peer-table")
    assert_clean(report)


def test_egdi_no_country_gives_a_message_and_recovers(egdi):
    """With no country picked the app says so; picking one again clears it and redraws."""
    page, report = egdi
    page.select_option(".dgt-countries select", [])
    page.wait_for_selector(".dgt-message .dgt-error", timeout=TIMEOUT)
    assert page.inner_text(".dgt-message") == t("app.egdi-explorer.pick_one")
    page.select_option(".dgt-countries select", label=["Lao PDR", "Viet Nam"])
    page.wait_for_selector(".dgt-message .dgt-error", state="detached", timeout=TIMEOUT)
    assert "Viet Nam" in page.inner_text(".dgt-trend")
    assert_clean(report)


def test_egdi_export_matches_the_table_on_screen(egdi):
    """The CSV download holds exactly the rows of the ASEAN table on screen."""
    page, report = egdi
    page.select_option(".dgt-year select", "2022")
    page.select_option(".dgt-measure select", label=t("chart.measure.egdi"))
    page.wait_for_function(
        "() => document.querySelector('.dgt-export a').download === 'asean-egdi-2022.csv'"
    )
    name, content = download(page, ".dgt-export a")
    assert name == "asean-egdi-2022.csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    shown = screen_table(page, ".dgt-peer-table")
    assert [[r["position"], r["country"], f"{float(r['egdi']):.3f}", r["rank"]] for r in rows] == [
        [plain(cell) for cell in row] for row in shown
    ]
    assert_clean(report)


# --- Maturity self-assessment --------------------------------------------------------------


@pytest.fixture(scope="module")
def maturity_page(browser, voila):
    page, report = open_app(browser, voila, "maturity-assessment", ".dgt-q-SL1 input")
    yield page, report
    page.context.close()


def answer(page, question: str, level: int) -> None:
    """Tick one level (0 = not answered) of one question."""
    page.check(f".dgt-q-{question} input[value='{level}']")


def test_maturity_loads_offline_without_errors(maturity_page):
    """The self-assessment shows the questions from the data file, a start hint, and no errors."""
    from course import maturity

    page, report = maturity_page
    questions = maturity.load_questionnaire()
    assert page.locator(".dgt-question").count() == len(questions)
    assert questions["question"].iloc[0] in page.inner_text(".dgt-app")
    assert page.inner_text(".dgt-message") == t("app.maturity-assessment.start")
    assert_clean(report)


def test_maturity_answers_and_target_update_scores_gaps_and_chart(maturity_page):
    """Answering questions fills the scores and chart; a new target changes the gaps."""
    page, report = maturity_page
    answer(page, "SL1", 2)
    answer(page, "SL2", 3)
    page.wait_for_selector(".dgt-score-table")
    page.wait_for_function(
        "() => document.querySelector('.dgt-score-table').innerText.includes('2.5')"
    )
    assert page.locator(".dgt-chart svg").count() == 1
    chart_before = page.inner_html(".dgt-chart")
    page.fill(".dgt-target input", "4")
    page.press(".dgt-target input", "Enter")
    page.wait_for_function(
        "() => document.querySelector('.dgt-gap-table').innerText.includes('1.5')"
    )
    first = screen_table(page, ".dgt-gap-table")[0]
    assert first[1] == t("maturity.dimension.strategy_leadership") and first[4] == "1.5"
    page.wait_for_function(
        "before => document.querySelector('.dgt-chart').innerHTML !== before", arg=chart_before
    )
    assert_clean(report)


def test_maturity_bad_target_and_bad_file_show_messages(maturity_page):
    """A target of 9 and a file that is not saved answers get messages; the app then works on."""
    page, report = maturity_page
    page.fill(".dgt-target input", "9")
    page.press(".dgt-target input", "Enter")
    page.wait_for_selector(".dgt-target-error .dgt-field-error")
    assert "1 to 5" in page.inner_text(".dgt-target-error")
    upload(page, ".dgt-upload", "notes.json", b"{not json", "application/json")
    page.wait_for_selector(".dgt-upload-message .dgt-field-error")
    assert "notes.json" in page.inner_text(".dgt-upload-message")
    page.fill(".dgt-target input", "3")
    page.press(".dgt-target input", "Enter")
    page.wait_for_selector(".dgt-target-error .dgt-field-error", state="detached")
    page.wait_for_selector(".dgt-gap-table")
    assert_clean(report)


def test_maturity_save_report_and_reload_match_the_screen(maturity_page):
    """The saved answers hold the ticks; the report's scores equal the screen's; reloading restores them."""
    page, report = maturity_page
    page.fill(".dgt-organisation input", "Sekong PPA")
    page.press(".dgt-organisation input", "Enter")
    page.fill(".dgt-date input", "2025-03-14")
    page.press(".dgt-date input", "Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.dgt-downloads a')].length === 2 && "
        "document.querySelector('.dgt-downloads a').download.includes('2025-03-14')"
    )
    name, saved = download(page, ".dgt-downloads a >> nth=0")
    assert name == "maturity-sekong-ppa-2025-03-14.json"
    data = json.loads(saved)
    assert data["answers"] == {"SL1": 2, "SL2": 3} and data["organisation"] == "Sekong PPA"
    _, report_file = download(page, ".dgt-downloads a >> nth=1")
    on_screen = screen_table(page, ".dgt-score-table")
    report_page = page.context.new_page()
    report_page.set_content(report_file.decode("utf-8"))
    assert screen_table(report_page, ".dgt-score-table") == on_screen
    assert "Sekong PPA" in report_page.inner_text("h1")
    report_page.close()
    answer(page, "SL1", 0)
    answer(page, "SL2", 0)
    page.wait_for_selector(".dgt-score-table", state="detached")
    upload(page, ".dgt-upload", name, saved, "application/json")
    page.wait_for_selector(".dgt-upload-message .dgt-ok")
    page.wait_for_selector(".dgt-score-table")
    assert screen_table(page, ".dgt-score-table") == on_screen
    assert page.is_checked(".dgt-q-SL1 input[value='2']")
    assert_clean(report)


# --- Roadmap builder -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def roadmap_page(browser, voila):
    page, report = open_app(browser, voila, "roadmap-builder", ".dgt-initiatives")
    yield page, report
    page.context.close()


def pick(page, ident: str) -> None:
    """Choose one initiative in the editor and wait until its id is in the form."""
    texts = page.eval_on_selector(
        ".dgt-pick select", "s => [...s.options].map(o => o.text.replace(/\\u00a0/g, ' '))"
    )
    index = next(n for n, text in enumerate(texts) if text.startswith(f"{ident} "))
    page.select_option(".dgt-pick select", index=index)
    page.wait_for_function(
        "ident => document.querySelector('.dgt-field-id input').value === ident", arg=ident
    )


def schedule_row(page, ident: str) -> list[str]:
    """The row of one initiative in the timetable on screen."""
    return next(r for r in screen_table(page, ".dgt-schedule") if r[0] == ident)


def test_roadmap_loads_offline_without_errors(roadmap_page):
    """The builder shows the SYNTHETIC initiatives, the Gantt chart, budget and risks, with no errors."""
    from course import data

    page, report = roadmap_page
    assert "SYNTHETIC" in page.inner_text(".dgt-app")
    assert len(screen_table(page, ".dgt-initiatives")) == len(data.synthetic("roadmap_initiatives"))
    for chart in (".dgt-gantt svg", ".dgt-budget-chart svg", ".dgt-heatmap svg"):
        assert page.locator(chart).count() == 1
    levels = [row[-1] for row in screen_table(page, ".dgt-risks")]
    assert set(levels) <= {
        t("roadmap.level.low"),
        t("roadmap.level.medium"),
        t("roadmap.level.high"),
    }
    assert_clean(report)


def test_roadmap_editing_an_initiative_updates_timetable_and_chart(roadmap_page):
    """Shortening I12 moves its finish in the timetable, and the Gantt chart is redrawn."""
    page, report = roadmap_page
    start, finish = (int(v) for v in schedule_row(page, "I12")[2:4])
    gantt = page.inner_html(".dgt-gantt")
    pick(page, "I12")
    page.fill(".dgt-field-duration input", "3")
    page.click(".dgt-save")
    page.wait_for_selector(".dgt-form-message .dgt-ok")
    assert schedule_row(page, "I12")[3] == str(start + 3) != str(finish)
    assert page.inner_html(".dgt-gantt") != gantt
    row = next(r for r in screen_table(page, ".dgt-initiatives") if r[0] == "I12")
    assert row[3] == "3"
    assert_clean(report)


def test_roadmap_rejects_bad_values_and_cycles_next_to_the_field(roadmap_page):
    """A bad cost and a circle of dependencies are refused beside their fields; the table is kept."""
    page, report = roadmap_page
    before = screen_table(page, ".dgt-initiatives")
    pick(page, "I04")
    page.fill(".dgt-field-cost input", "lots")
    page.click(".dgt-save")
    page.wait_for_selector(".dgt-error-cost .dgt-field-error")
    assert "'lots'" in page.inner_text(".dgt-error-cost") and "cost" in page.inner_text(
        ".dgt-error-cost"
    )
    page.fill(".dgt-field-cost input", "230")
    page.select_option(".dgt-field-depends_on select", label=["I02", "I14"])
    page.click(".dgt-save")
    page.wait_for_selector(".dgt-error-depends_on .dgt-field-error")
    assert "I04 → I14 → I04" in page.inner_text(".dgt-error-depends_on")
    assert page.inner_text(".dgt-error-cost") == ""
    assert screen_table(page, ".dgt-initiatives") == before
    page.select_option(".dgt-field-depends_on select", label=["I02", "I03"])
    page.click(".dgt-save")
    page.wait_for_selector(".dgt-form-message .dgt-ok")
    assert page.inner_text(".dgt-error-depends_on") == ""
    bad = b"id,name,cost,duration,depends_on,impact,feasibility\nA,Plan,10,2,,3,3\nB,Train,-5,2,A,3,3\n"
    upload(page, ".dgt-upload", "plan.csv", bad, "text/csv")
    page.wait_for_selector(".dgt-upload-message .dgt-field-error")
    message = page.inner_text(".dgt-upload-message")
    assert "Row 2" in message and "'cost'" in message and "plan.csv" in message
    assert screen_table(page, ".dgt-initiatives") == before
    assert_clean(report)


def test_roadmap_csv_export_matches_the_table_and_imports_back(roadmap_page):
    """The exported CSV holds the initiatives on screen, and importing it gives the same table."""
    page, report = roadmap_page
    name, content = download(page, ".dgt-export a")
    assert name == "initiatives.csv"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    shown = screen_table(page, ".dgt-initiatives")
    columns = ["id", "name", "cost", "duration", "depends_on", "impact", "feasibility", "urgency"]
    assert [[r[header.index(c)] for c in columns] for r in body] == [
        [plain(cell) for cell in row] for row in shown
    ]
    upload(page, ".dgt-upload", "mine.csv", content, "text/csv")
    page.wait_for_selector(".dgt-upload-message .dgt-ok")
    assert "mine.csv" in page.inner_text(".dgt-app")
    assert screen_table(page, ".dgt-initiatives") == shown
    assert_clean(report)


# --- M&E dashboard -------------------------------------------------------------------------

STATUS_WORDS = {
    t(f"indicators.status.{s}") for s in ("on_track", "at_risk", "off_track", "no_data")
}


@pytest.fixture(scope="module")
def me_page(browser, voila):
    page, report = open_app(browser, voila, "me-dashboard", ".dgt-progress")
    yield page, report
    page.context.close()


def summary(page) -> dict[str, str]:
    """The status counts on screen: {status code: count}."""
    return page.eval_on_selector(
        ".dgt-summary",
        "u => Object.fromEntries([...u.children].map(li => [li.dataset.status, li.innerText.split(' ').pop()]))",
    )


def test_me_loads_offline_with_words_next_to_colours(me_page):
    """The dashboard shows the SYNTHETIC data, every status colour with its word, and no errors."""
    page, report = me_page
    assert page.inner_text(".dgt-source").count("SYNTHETIC") == 2
    statuses = page.locator(".dgt-progress .dgt-status")
    assert statuses.count() == 10
    for index in range(statuses.count()):
        assert statuses.nth(index).inner_text() in STATUS_WORDS
    assert page.locator(".dgt-progress-chart svg").count() == 1
    assert page.locator(".dgt-trend svg").count() == 1
    assert len(screen_table(page, ".dgt-breakdown")) == 5
    assert_clean(report)


def test_me_year_and_survey_choices_update_numbers_and_charts(me_page):
    """An earlier year changes the statuses and chart; grouping by sex changes the survey table."""
    page, report = me_page
    before, chart = summary(page), page.inner_html(".dgt-progress-chart")
    page.select_option(".dgt-as-of select", label="2023")
    page.wait_for_function(
        "before => document.querySelector('.dgt-progress-chart').innerHTML !== before", arg=chart
    )
    assert summary(page) != before
    page.select_option(".dgt-group select", label=t("app.me-dashboard.group.sex"))
    page.wait_for_function("() => document.querySelector('.dgt-breakdown').rows.length === 3")
    rows = screen_table(page, ".dgt-breakdown")
    assert [r[0] for r in rows] == [
        t("app.me-dashboard.value.female"),
        t("app.me-dashboard.value.male"),
    ]
    width95 = float(rows[0][4]) - float(rows[0][3])
    page.select_option(".dgt-level select", label="99%")
    page.wait_for_function(
        "w => { const r = document.querySelector('.dgt-breakdown').rows[1].cells;"
        " return parseFloat(r[4].innerText) - parseFloat(r[3].innerText) > w; }",
        arg=width95,
    )
    assert "SYNTHETIC" in page.inner_text(".dgt-breakdown-chart")
    assert_clean(report)


def test_me_bad_csv_names_row_and_column_and_own_files_load(me_page):
    """A bad indicator file is refused naming row and column; good own files then replace the example."""
    page, report = me_page
    before = screen_table(page, ".dgt-progress")
    header = "indicator_id,name,unit,direction,baseline,baseline_year,target,target_year\n"
    bad = (
        header
        + "K1,Staff trained,%,increase,10,2022,50,2026\nK2,Days to reply,days,sideways,30,2022,10,2026\n"
    )
    upload(page, ".dgt-upload-indicators", "mine.csv", bad.encode(), "text/csv")
    page.wait_for_selector(".dgt-indicators-message .dgt-field-error")
    message = page.inner_text(".dgt-indicators-message")
    assert "Row 2" in message and "'direction'" in message and "mine.csv" in message
    assert screen_table(page, ".dgt-progress") == before
    good = header + "K1,Staff trained,%,increase,10,2022,50,2026\n"
    upload(page, ".dgt-upload-indicators", "mine.csv", good.encode(), "text/csv")
    page.wait_for_selector(".dgt-indicators-message .dgt-info")
    actuals = b"indicator_id,year,actual\nK1,2023,25\nK1,2024,\n"
    upload(page, ".dgt-upload-actuals", "tracking.csv", actuals, "text/csv")
    page.wait_for_selector(".dgt-actuals-message .dgt-ok")
    rows = screen_table(page, ".dgt-progress")
    assert [r[0] for r in rows] == ["K1"] and rows[0][8] == "25.0"
    assert "SYNTHETIC" not in page.inner_text(".dgt-source")
    page.click(".dgt-example")
    page.wait_for_function(
        "() => document.querySelector('.dgt-progress').tBodies[0].rows.length === 10"
    )
    assert_clean(report)


def test_me_exports_match_the_screen(me_page):
    """The progress CSV holds the table on screen; the report shows the same statuses."""
    page, report = me_page
    page.select_option(".dgt-as-of select", label="2025")
    page.wait_for_function(
        "() => document.querySelector('.dgt-downloads a').download === 'indicator-progress-2025.csv'"
    )
    name, content = download(page, ".dgt-downloads a >> nth=0")
    assert name == "indicator-progress-2025.csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    shown = screen_table(page, ".dgt-progress")
    assert [r["indicator_id"] for r in rows] == [s[0] for s in shown]
    for row, cells in zip(rows, shown, strict=True):
        assert row["status"] == cells[11]
        assert (f"{float(row['actual']):.1f}" if row["actual"] else "") == cells[8]
        assert (
            f"{float(row['progress_percent']):.0f}" if row["progress_percent"] else ""
        ) == cells[10]
    _, html_report = download(page, ".dgt-downloads a >> nth=1")
    text = html_report.decode("utf-8")
    assert "SYNTHETIC" in text
    for cells in shown:
        assert cells[0] in text and cells[11] in text
    assert_clean(report)


# --- the page script (course/serve/voila/frontend) -----------------------------------------------


def kernel_id(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


def wait_for_log(server, text: str, seconds: float = 30) -> bool:
    """True once the server's log holds `text`, False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in server.output():
            return True
        time.sleep(0.25)
    return False


def test_an_app_page_loads_one_script_of_its_own(egdi):
    """The page runs our page script only: no Voila/JupyterLab front end, no extension bundles."""
    page, report = egdi
    scripts = [url for url in report.requests if url.split("?")[0].endswith(".js")]
    assert [url.split("?")[0].rsplit("/", 1)[-1] for url in scripts] == ["dgt-apps.js"]
    assert not [
        url for url in report.requests if "/voila/static/" in url or "/labextensions/" in url
    ]
    assert page.locator("#loading").count() == 0  # the spinner is gone once the widgets are there
    assert page.locator("#rendered_cells").is_visible()


# ipywidgets cleans HTML descriptions with these rules (ManagerBase.inline_sanitize).
DESCRIPTION_RULES = {
    "allowedTags": ["a", "abbr", "b", "code", "em", "i", "img", "li", "ol", "span", "strong", "ul"],
    "allowedAttributes": {
        "*": ["aria-*", "class", "style", "title"],
        "a": ["href"],
        "img": ["src"],
    },
}


@pytest.mark.parametrize(
    ("html", "clean"),
    [
        ("<b>Budget</b> <i>2026</i>", "<b>Budget</b> <i>2026</i>"),
        (
            '<span class="x" aria-label="y" onclick="alert(1)">a</span>',
            '<span class="x" aria-label="y">a</span>',
        ),
        ("<script>alert(1)</script>ok", "ok"),
        ("<img src=x onerror=alert(1)>", '<img src="x">'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" java\tscript:alert(1)">x</a>', "<a>x</a>"),
        (
            '<a href="https://example.org/a" target="_top">x</a>',
            '<a href="https://example.org/a">x</a>',
        ),
        ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', "<img>"),
        ("<div><p>text</p></div>", "text"),
        # <img> breaks out of the <svg> as the browser parses it; it stays, without its handler
        ("<svg><style><img src=x onerror=alert(1)></style></svg>after", '<img src="x">after'),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ("<!-- note --><textarea><b>x</b></textarea><em>kept</em>", "<em>kept</em>"),
        ("<iframe srcdoc='<script>alert(1)</script>'></iframe>", ""),
    ],
)
def test_html_descriptions_are_cleaned_by_the_page_script(egdi, html, clean):
    """The description sanitizer on the browser's parser keeps only what ipywidgets allows."""
    page, _ = egdi
    result = page.evaluate(
        "([html, rules]) => dgtApps.sanitize(html, rules)", [html, DESCRIPTION_RULES]
    )
    assert result == clean


# Known XSS vectors, after the OWASP XSS Filter Evasion Cheat Sheet and the mutation-XSS
# papers that DOMPurify's own tests follow; each would call __xss() if anything ran.
XSS_PAYLOADS = [
    "<script>__xss()</script>",
    "<img src=x onerror=__xss()>",
    '<img src=x onerror="&#95;&#95;xss()">',
    "<IMG SRC=x oNeRrOr=__xss()>",
    "<svg onload=__xss()>",
    "<svg><script>__xss()</script></svg>",
    "<svg><animate onbegin=__xss() attributeName=x dur=1s>",
    "<body onload=__xss()>",
    '<iframe src="javascript:__xss()"></iframe>',
    '<iframe srcdoc="<script>parent.__xss()</script>"></iframe>',
    '<a href="javascript:__xss()" id=xa>x</a>',
    '<a href="jav&#x09;ascript:__xss()" id=xa>x</a>',
    '<a href="&#106;avascript:__xss()" id=xa>x</a>',
    '<a href=" javascript:__xss()" id=xa>x</a>',
    '<a href="data:text/html,<script>parent.__xss()</script>" id=xa>x</a>',
    '<object data="javascript:__xss()"></object>',
    '<embed src="javascript:__xss()">',
    "<details open ontoggle=__xss()>",
    "<video><source onerror=__xss()></video>",
    "<audio src=x onerror=__xss()>",
    "<input autofocus onfocus=__xss()>",
    "<select autofocus onfocus=__xss()></select>",
    "<textarea autofocus onfocus=__xss()></textarea>",
    "<marquee onstart=__xss()>",
    '<form><button formaction="javascript:__xss()" id=xb>x</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss()>",
    '<svg></p><style><a title="</style><img src=x onerror=__xss()>">',
    '<noscript><p title="</noscript><img src=x onerror=__xss()>"></noscript>',
    "<form><math><mtext></form><form><mglyph><style></math><img src=x onerror=__xss()>",
    "<template><img src=x onerror=__xss()></template>",
    '<div style="background:url(javascript:__xss())">x</div>',
    '<span style="x:expression(__xss())">x</span>',
    '<meta http-equiv=refresh content="0;url=javascript:__xss()">',
    '<base href="javascript:__xss()//"><a href=x id=xa>x</a>',
    "<isindex type=image src=x onerror=__xss()>",
    "<b onmouseover=__xss() id=xh>hover</b>",
    '<img src="x` `<script>__xss()</script>"` `>',
    '<!--<img src="--><img src=x onerror=__xss()//">',
    "<scr<script>ipt>__xss()</scr</script>ipt>",
    '<a href="vbscript:__xss()" id=xa>x</a>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_runs_in_a_widget_description(egdi, payload):
    """A description cleaned as ipywidgets cleans it, then shown, runs nothing: not on load,
    on error, on focus, on hover, nor on a click of what is left."""
    page, _ = egdi
    ran = page.evaluate(
        """async ([html, rules]) => {
            let calls = 0;
            window.__xss = () => { calls += 1; };
            const box = document.createElement('div');
            box.id = 'xss-box';
            document.body.append(box);
            try {
                box.innerHTML = dgtApps.sanitize(html, rules);  // what ipywidgets does with it
                await new Promise((done) => setTimeout(done, 300));
                for (const el of box.querySelectorAll('*')) {
                    for (const type of ['mouseover', 'focus', 'toggle']) {
                        el.dispatchEvent(new Event(type));
                    }
                    if (el.localName === 'a' || el.localName === 'button') {
                        el.addEventListener('click', (e) => e.preventDefault(), { once: true });
                        const href = el.getAttribute('href') || el.getAttribute('formaction') || '';
                        if (/^\\s*(javascript|vbscript|data):/i.test(href)) calls += 100;
                    }
                }
                await new Promise((done) => setTimeout(done, 100));
                return calls;
            } finally {
                box.remove();
                delete window.__xss;
            }
        }""",
        [payload, DESCRIPTION_RULES],
    )
    assert ran == 0


# A comm message with two binary buffers, as ipywidgets sends a FileUpload's content.
MESSAGE = {
    "channel": "shell",
    "header": {
        "msg_id": "m-1",
        "msg_type": "comm_msg",
        "session": "s",
        "username": "",
        "date": "2026-11-23T10:00:00.000Z",
        "version": "5.3",
    },
    "parent_header": {},
    "metadata": {},
    "content": {
        "comm_id": "c-1",
        "data": {
            "method": "update",
            "state": {"x": "ສະບາຍດີ"},
            "buffer_paths": [["value"], ["more"]],
        },
    },
}
BUFFERS = [bytes(range(256)), b"", b"end"]


def test_the_page_script_writes_kernel_messages_as_the_server_reads_them(egdi):
    """A message the page sends (with buffers) is what jupyter_server's v1 protocol decodes."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    page, _ = egdi
    frame = page.evaluate(
        """([message, buffers]) => Array.from(new Uint8Array(dgtApps.encodeMessage(
            {...message, buffers: buffers.map((b) => new Uint8Array(b))})))""",
        [MESSAGE, [list(b) for b in BUFFERS]],
    )
    channel, parts = deserialize_msg_from_ws_v1(bytes(frame))
    assert channel == "shell"
    header, parent, metadata, content = (json.loads(part) for part in parts[:4])
    assert [header, parent, metadata, content] == [
        MESSAGE["header"], MESSAGE["parent_header"], MESSAGE["metadata"], MESSAGE["content"]
    ]  # fmt: skip
    assert parts[4:] == BUFFERS


def test_the_page_script_reads_kernel_messages_as_the_server_writes_them(egdi):
    """A message jupyter_server sends in the v1 protocol is decoded whole, buffers included."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    page, _ = egdi
    parts = [json.dumps(MESSAGE[key]).encode() for key in
             ("header", "parent_header", "metadata", "content")] + BUFFERS  # fmt: skip
    frame = serialize_msg_to_ws_v1(parts, "iopub")
    decoded = page.evaluate(
        """(bytes) => {
            const message = dgtApps.decodeMessage(new Uint8Array(bytes).buffer);
            const buffers = message.buffers.map((view) => Array.from(
                new Uint8Array(view.buffer, view.byteOffset, view.byteLength)));
            return {...message, buffers};
        }""",
        list(frame),
    )
    assert decoded == {**MESSAGE, "channel": "iopub", "buffers": [list(b) for b in BUFFERS]}


def test_the_page_opens_one_kernel_connection_before_its_script_runs(browser, voila):
    """The template opens the websocket early; the page script takes it over and works on it."""
    page, report = open_app(browser, voila, "egdi-explorer", ".dgt-peer-table")
    try:
        kernel = kernel_id(page)
        assert page.evaluate("window.dgtEarlySocket") is None  # taken over
        before = screen_table(page, ".dgt-peer-table")
        page.select_option(".dgt-year select", "2012")
        page.wait_for_function(
            "() => document.querySelector('.dgt-peer-table caption').innerText.includes('2012')"
        )
        assert screen_table(page, ".dgt-peer-table") != before
        assert len(report.websockets) == 1
        assert f"/api/kernels/{kernel}/channels?session_id=" in report.websockets[0]
        assert_clean(report)
    finally:
        page.context.close()


def test_leaving_an_app_stops_its_kernel(browser, voila):
    """Closing the tab tells the server, which shuts the page's kernel down at once."""
    page, report = open_app(browser, voila, "roadmap-builder", ".dgt-initiatives")
    kernel = kernel_id(page)
    assert f"Kernel shutdown: {kernel}" not in voila.output()
    try:
        page.close(run_before_unload=True)
        assert wait_for_log(voila, f"Kernel shutdown: {kernel}")
    finally:
        page.context.close()
    assert_clean(report)


def kernel_pids(kernel: str) -> list[int]:
    """The pids of a kernel: by its connection file on the command line (a started kernel), or
    (a kernel forked by the apps' factory, whose command line is the factory's) the process
    listening on the shell port named in its connection file."""
    import glob
    import tempfile

    found = subprocess.run(["pgrep", "-f", f"kernel-{kernel}"], capture_output=True, text=True)
    pids = [int(pid) for pid in found.stdout.split()]
    if pids:
        return pids
    files = {*glob.glob(f"{tempfile.gettempdir()}/voila_*/kernel-{kernel}.json")}
    files |= {*glob.glob(f"/tmp/voila_*/kernel-{kernel}.json")}
    if not files:
        return []
    port = json.loads(Path(files.pop()).read_text())["shell_port"]
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(f"socket:[{fields[9]}]")
    for fd in glob.glob("/proc/[0-9]*/fd/*"):
        try:
            if os.readlink(fd) in inodes:
                pids.append(int(fd.split("/")[2]))
        except OSError:
            continue
    return sorted(set(pids))


def test_a_lost_kernel_is_said_in_words_on_the_page(browser, voila):
    """If the app's kernel dies (a crash, say), the page says so in words and how to recover."""
    page, report = open_app(browser, voila, "me-dashboard", ".dgt-progress")
    try:
        kernel = kernel_id(page)
        pids = kernel_pids(kernel)
        assert pids, f"no process for kernel {kernel}"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        notice = page.locator("#dgt-notice")
        notice.wait_for(timeout=TIMEOUT)
        assert notice.inner_text() == t("apps.frontend.disconnected")
        assert notice.get_attribute("role") == "alert"
        assert report.blocked == [] and report.page_errors == []
    finally:
        page.context.close()


# Every element's computed style (custom properties aside) and box, as text.
STYLE_SNAPSHOT = """() => [...document.querySelectorAll('body *')]
    .filter((el) => !el.closest('script, style'))
    .map((el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        const values = [...style].filter((p) => !p.startsWith('--'))
            .map((p) => p + ':' + style.getPropertyValue(p)).join(';');
        return `${el.tagName}.${el.className} ${[box.x, box.y, box.width, box.height].map(Math.round)} ${values}`;
    })"""

# Put nbconvert's whole notebook stylesheet in place of dgt-page.css, once it has loaded.
USE_NBCONVERT_CSS = """() => new Promise((done) => {
    const ours = document.querySelector('link[href*="dgt-page.css"]');
    const theirs = document.createElement('link');
    theirs.rel = 'stylesheet';
    theirs.href = ours.href.replace(/dgt-page\\.css.*/, 'index.css');
    theirs.onload = () => { ours.remove(); done(); };
    ours.after(theirs);
})"""


def test_the_page_stylesheet_styles_every_element_as_nbconvert_s(browser, voila):
    """dgt-page.css (9 KB, the rules the apps use) styles each app as nbconvert's 240 KB index.css.

    Every element's computed style and box, wide (1280 px) and narrow (420 px), in each app.
    """
    widths = [1280, 420]
    for app in curriculum().apps:
        page, report = open_page(browser, f"{voila.url}/voila/render/{app.notebook}")
        try:
            page.wait_for_selector(CONNECTED, state="attached", timeout=TIMEOUT)
            ours, theirs = {}, {}
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                ours[width] = page.evaluate(STYLE_SNAPSHOT)
            page.evaluate(USE_NBCONVERT_CSS)
            for width in reversed(widths):
                page.set_viewport_size({"width": width, "height": 900})
                theirs[width] = page.evaluate(STYLE_SNAPSHOT)
            for width in widths:
                assert len(ours[width]) == len(theirs[width]) > 100
                pairs = zip(ours[width], theirs[width], strict=True)
                different = [(a, b) for a, b in pairs if a != b]
                assert not different, f"{app.id} at {width}px: {different[0]}"
            assert_clean(report)
        finally:
            page.context.close()
