"""The apps in Lao, in Debian's chromium: Lao drawn with the course's own font, served by the apps server.

The `dgt` Voila template declares "DGT Noto Sans Lao" (Lao block only) from its static
folder, copies of the book's font files; the page's font stack puts it first, so Lao
never falls back to a system font (or to tofu on a machine with none).
"""

from __future__ import annotations

import os

import pytest

from browser import open_page
from conftest import Server, free_port, wait_for_http
from course.manifest import APPS_DIR, curriculum, repo_root
from course.serve import app_server
from lao_font import assert_lao_in_course_font, lao_rendering

FONTS = repo_root() / "course/serve/voila/jupyter/voila/templates/dgt/static/fonts"
BOOK_FONTS = repo_root() / "book/_static/fonts"
TIMEOUT = 120_000  # ms; a cold kernel on a busy 2-core machine can take a while


def test_the_apps_font_files_are_the_books():
    """The template's copies of the Lao font are the book's files, byte for byte (no drift)."""
    for name in ("NotoSansLao-Regular.subset.woff2", "NotoSansLao-Bold.subset.woff2", "OFL.txt"):
        assert (FONTS / name).read_bytes() == (BOOK_FONTS / name).read_bytes(), name


@pytest.fixture(scope="module")
def voila_lao():
    """The apps server in Lao ($DGT_LANG=lo in its environment, so its kernels speak Lao too)."""
    port = free_port()
    env = {**os.environ, "DGT_LANG": "lo"}
    server = Server(app_server.command(port, preheat=False), port, cwd=APPS_DIR, env=env)
    try:
        wait_for_http(server.url + "/", timeout=60)
        yield server
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.browser
def test_a_lao_app_draws_lao_with_the_course_font(browser, voila_lao):
    app = curriculum().app("egdi-explorer")
    page, report = open_page(browser, f"{voila_lao.url}/voila/render/{app.notebook}")
    try:
        page.wait_for_selector(".dgt-peer-table", timeout=TIMEOUT)
        page.wait_for_selector("body[data-dgt-kernel='connected']", state="attached")
        title = page.inner_text(".dgt-app-title")
        seen = lao_rendering(page)
    finally:
        page.context.close()
    assert report.blocked == [] and report.console_errors == [] and report.page_errors == []
    assert any(c >= "\u0e80" and c <= "\u0eff" for c in title), f"the title is not in Lao: {title}"
    assert_lao_in_course_font(seen)
    fonts = [url for url in report.requests if url.endswith(".woff2") and "NotoSansLao" in url]
    assert fonts and all(url.startswith(voila_lao.url + "/") for url in fonts), report.requests
