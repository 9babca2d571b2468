"""The apps server: a real Voila on 127.0.0.1 with a landing page, offline pages and closed doors."""

import html
import http.client
import re
import urllib.error
import urllib.request

import pytest

from conftest import Server, free_port, wait_for_http
from course.manifest import APPS_DIR, curriculum
from course.messages import t
from course.serve import app_server

APPS = curriculum().apps
# Any http(s) URL in a page that is not an XML namespace name (those are never fetched).
OUTSIDE = re.compile(
    r"""(?:src|href|import\(|url\()\s*=?\s*["']?(https?:)?//(?!127\.0\.0\.1|localhost)"""
)


def get(url: str) -> tuple[int, str]:
    """GET a URL; return (status, body) also for 4xx/5xx answers."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def raw_status(port: int, path: str) -> int:
    """The status for a path sent exactly as written (no client-side `..` clean-up)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def voila():
    port = free_port()
    server = Server(app_server.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", timeout=60)
        yield server
    finally:
        server.stop()


def test_command_is_local_and_limited():
    """The command binds 127.0.0.1, uses our template, preheats, limits time, files and extensions."""
    line = " ".join(app_server.command(8866))
    for setting in (
        "--Voila.ip=127.0.0.1",
        "--template=dgt",
        "--preheat_kernel=True",
        "--VoilaExecutor.timeout=",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaConfiguration.allow_template_override=NO",
        "--show_tracebacks=False",
        "--VoilaConfiguration.extension_allowlist=",
    ):
        assert setting in line


def test_landing_page_lists_every_app_by_catalogue_title():
    """The landing page links every app of the manifest, titled from the catalogue, escaped."""
    page = app_server.landing_html("/")
    for app in APPS:
        assert f'href="/voila/render/{app.notebook}"' in page
        assert html.escape(t(app.title_key)) in page
    assert not OUTSIDE.search(page)


def test_page_title_comes_from_the_catalogue():
    """The browser-tab title of an app is its catalogue title; an unknown name stays as it is."""
    for app in APPS:
        assert app_server.page_title(app.path.stem) == html.escape(t(app.title_key))
    assert app_server.page_title("<x>") == "&lt;x&gt;"


@pytest.mark.slow
def test_landing_page_is_served_at_the_root(voila):
    """GET / is the landing page, and the old file tree redirects there."""
    status, page = get(voila.url + "/")
    assert status == 200 and html.escape(t("apps.landing.title")) in page
    status, tree = get(voila.url + "/voila/tree")
    assert status == 200 and tree == page


@pytest.mark.slow
@pytest.mark.parametrize("app", APPS, ids=lambda a: a.id)
def test_app_page_has_its_title_and_nothing_from_outside(voila, app):
    """Each app page answers 200, is titled from the catalogue and links nothing off this machine."""
    status, page = get(f"{voila.url}/voila/render/{app.notebook}")
    assert status == 200
    assert f"<title>{html.escape(t(app.title_key))}</title>" in page
    assert "/voila/templates/dgt/static/fontawesome/css/all.min.css" in page
    assert not OUTSIDE.search(page), OUTSIDE.search(page).group(0)


@pytest.mark.slow
def test_vendored_font_awesome_is_served(voila):
    """The vendored Font Awesome CSS and its WOFF2 font are served by the apps server."""
    base = voila.url + "/voila/templates/dgt/static/fontawesome"
    status, css = get(base + "/css/all.min.css")
    assert status == 200 and "fa-solid-900.woff2" in css
    with urllib.request.urlopen(base + "/webfonts/fa-solid-900.woff2", timeout=30) as font:
        assert font.read(4) == b"wOF2"


@pytest.mark.slow
def test_error_page_loads_nothing_from_outside(voila):
    """A missing app gives 404, and the error page links nothing off this machine."""
    status, page = get(voila.url + "/voila/render/no_such_app.ipynb")
    assert status == 404
    assert not OUTSIDE.search(page)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/voila/files/egdi_explorer.ipynb",
        "/voila/files/../app_server.py",
        "/voila/files/%2e%2e/app_server.py",
        "/voila/files/../../README.md",
        "/voila/render/../app_server.py",
        "/voila/render/%2e%2e/%2e%2e/README.md",
        "/voila/render/../../modules/B1-foundations/B1-1-digital-government.ipynb",
        "/voila/static/../../../../../etc/passwd",
        "/voila/templates/dgt/static/../../../../../../../etc/passwd",
        "/voila/templates/../static/x",
        "/voila/labextensions/../../../../etc/passwd",
        "/voila/api/contents",
        "/voila/api/contents/..",
        "/api/contents",
        "/api/kernels",
        "/tree",
        "/lab",
    ],
)
def test_nothing_outside_the_apps_is_served(voila, path):
    """Files outside course/apps, app sources and the contents API answer 403 or 404 (or a redirect that ends so)."""
    status = raw_status(voila.port, path)
    if status in (301, 302):
        status, _ = get(voila.url + path)
    assert status in (400, 403, 404, 405), f"{path} answered {status}"
