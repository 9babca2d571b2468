"""The apps in a real browser: Debian's chromium on a real Voila server, every outside request blocked.

For each app: it loads with 0 blocked requests and 0 console errors; a typical
interaction updates the numbers and the chart; a bad input shows a message and the
app keeps working; an export gives a valid file that matches the screen.
One Voila server (with preheated kernels) serves the whole module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from browser import open_page
from conftest import Server, free_port, wait_for_http
from course import apps
from course.manifest import APPS_DIR, curriculum
from course.messages import t

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 60_000  # ms; a cold kernel on a busy 2-core machine can take a while


@pytest.fixture(scope="module")
def voila():
    port = free_port()
    server = Server(apps.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", timeout=60)
        yield server
    finally:
        server.stop()


def open_app(browser, voila, app_id: str, ready: str):
    """Open one app and wait until the widget `ready` (a CSS selector) is on screen."""
    app = curriculum().app(app_id)
    page, report = open_page(browser, f"{voila.url}/voila/render/{app.notebook}")
    page.set_default_timeout(TIMEOUT)
    page.wait_for_selector(ready, timeout=TIMEOUT)
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
        "label => document.querySelector('.dgt-trend svg').textContent.includes(label)", arg=osi
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
        [cell.replace(",", "") for cell in row] for row in shown
    ]
    assert_clean(report)
