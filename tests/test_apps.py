"""The apps: a real Voila server on 127.0.0.1 serves each app page with its title."""

import html
import urllib.request

import pytest

from conftest import Server, free_port, wait_for_http
from course import apps
from course.manifest import APPS_DIR, curriculum
from course.messages import t


@pytest.fixture(scope="module")
def voila():
    port = free_port()
    server = Server(apps.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", timeout=60)
        yield server
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("app", curriculum().apps, ids=lambda a: a.id)
def test_app_answers_200_with_its_title(voila, app):
    """The rendered page answers 200 within 60 s and carries the app's title."""
    url = f"{voila.url}/voila/render/{app.notebook}"
    wait_for_http(url, timeout=60)
    with urllib.request.urlopen(url, timeout=60) as response:
        page = response.read().decode("utf-8")
    assert html.escape(t(app.title_key)) in page
