"""The apps at classroom scale: forked kernels, a pool that follows the room, a busy page, visitors kept apart.

Real `dgt apps` servers on 127.0.0.1 (course.serve.app_server.command), light visitors
(tests/apps_client.py: the page over HTTP, the kernel over its websocket) and Debian's
chromium for the two-visitor test.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import apps_client
from conftest import Server, free_port, wait_for_http
from course.manifest import APPS_DIR
from course.messages import t
from course.serve import app_pool, app_server

EGDI = "egdi_explorer.ipynb"
APPS = 4  # app notebooks, one ready kernel each in a quiet room


def children(pid: int) -> list[int]:
    """The pids of a process's children (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(errors="replace").rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def factory_pid(server: Server) -> int:
    """The apps server's kernel factory (course/serve/app_zygote.py), a child of the server."""
    for pid in children(server.process.pid):
        try:
            if b"course.serve.app_zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise AssertionError("the apps server has no kernel factory")


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def start(env: dict[str, str]) -> Server:
    """A `dgt apps` server with these settings, its first pool ready (each app run once)."""
    port = free_port()
    server = Server(app_server.command(port), port, cwd=APPS_DIR, env={**os.environ, **env})
    try:
        wait_for_http(server.url + "/", timeout=90)
        assert wait_until(lambda: server.output().count("Kernel pool of") >= APPS, 120)
    except BaseException:
        server.stop()
        raise
    return server


# Plain functions of the pool --------------------------------------------------------


def test_pool_target_follows_the_requests_within_bounds():
    """One more ready kernel than recent requests, never below the base or above the maximum."""
    assert app_pool.pool_target(0, base=1, maximum=8) == 1
    assert app_pool.pool_target(3, base=1, maximum=8) == 4
    assert app_pool.pool_target(30, base=1, maximum=8) == 8


def test_overloaded_by_kernel_count_or_low_memory():
    assert not app_pool.overloaded(10, 4000, max_kernels=80, reserve_mb=200)
    assert app_pool.overloaded(80, 4000, max_kernels=80, reserve_mb=200)
    assert app_pool.overloaded(10, 150, max_kernels=80, reserve_mb=200)
    assert not app_pool.overloaded(10, None, max_kernels=80, reserve_mb=200)


def test_memory_available_is_read_from_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 8000000 kB\nMemAvailable: 2048000 kB\n", encoding="ascii")
    assert app_pool.memory_available_mb(str(meminfo)) == 2000
    assert app_pool.memory_available_mb(str(tmp_path / "missing")) is None


def test_busy_page_says_what_to_do_and_retries_by_itself():
    page = app_pool.busy_html(7)
    assert t("apps.busy.title") in page
    assert t("apps.busy.text", seconds=7) in page
    assert '<meta http-equiv="refresh" content="7">' in page
    assert "http" not in page.replace('http-equiv="refresh"', "")  # nothing from outside


def test_command_forks_kernels_and_fills_the_pool_at_once():
    line = " ".join(app_server.command(8866))
    assert "kernel_manager_class=course.serve.app_kernels.ForkKernelManager" in line
    assert "--VoilaKernelManager.fill_delay=0" in line
    assert "--MappingKernelManager.cull_connected=False" in line


# A real server -----------------------------------------------------------------------


@pytest.mark.slow
def test_cold_start_listens_and_serves_the_first_app_soon():
    """`dgt apps` listens in a few seconds (no heavy import before it) and the first app is live soon after.

    The bounds are loose (the machine is shared); the benchmark, bench/apps_coldstart.py,
    gives the real times (about 1 s to listening, 4 s to the first app live).
    """
    port = free_port()
    started = time.monotonic()
    server = Server(app_server.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", timeout=60)
        listening = time.monotonic() - started
        visit = apps_client.open_app(server.url, EGDI, 90)
        live = time.monotonic() - started
        assert visit.live, visit.error
        apps_client.close(visit, server.url)
    finally:
        server.stop()
    assert listening < 15, listening
    assert live < 45, live


@pytest.fixture(scope="module")
def elastic():
    server = start({"DGT_APPS_IDLE_SECONDS": "3", "DGT_APPS_MAX_POOL": "4"})
    try:
        factory = factory_pid(server)
        # The quiet room: one ready kernel per app, each a fork of the factory.
        assert wait_until(lambda: len(children(factory)) == APPS, 90), children(factory)
        yield server, factory
    finally:
        server.stop()


@pytest.mark.slow
def test_a_burst_of_visitors_all_go_live_and_the_pool_shrinks_back(elastic):
    """Eight visitors at once: all live, each on a kernel of their own; afterwards one kernel per app."""
    server, factory = elastic
    with ThreadPoolExecutor(8) as pool:
        visits = list(pool.map(lambda _: apps_client.open_app(server.url, EGDI, 90), range(8)))
    try:
        failed = [(v.status, v.error, v.body[-600:]) for v in visits if v.error]
        assert failed == []
        assert all(v.status == 200 and v.comms > 0 for v in visits)
        assert len({v.kernel_id for v in visits}) == 8
        # Every kernel is a fork of the warm factory, not a process of its own.
        assert len(children(factory)) >= 8 + 1
        assert children(server.process.pid) == [factory], "the server started kernels itself"
    finally:
        for visit in visits:
            apps_client.close(visit, server.url)
    # Visitors gone and the room idle: the grown pool goes back to one kernel per app.
    assert wait_until(lambda: len(children(factory)) == APPS, 60), children(factory)


@pytest.mark.slow
def test_a_visitor_who_leaves_frees_the_kernel_at_once(elastic):
    server, factory = elastic
    # A request for a path that is not an app first: it must not upset the pool.
    assert apps_client.open_app(server.url, "no-such-app.ipynb", 30).status == 404
    visit = apps_client.open_app(server.url, EGDI, 90)
    assert visit.live, visit.error
    kernels = set(children(factory))
    apps_client.close(visit, server.url)
    assert wait_until(lambda: len(kernels - set(children(factory))) >= 1, 5)


@pytest.mark.slow
def test_a_full_server_answers_with_the_busy_page():
    """At its kernel limit the server says "busy, try again" with 503 and Retry-After at once."""
    server = start({"DGT_APPS_MAX_KERNELS": str(APPS)})
    try:
        factory = factory_pid(server)
        assert wait_until(lambda: len(children(factory)) == APPS, 90)
        first = apps_client.open_app(server.url, EGDI, 90)
        assert first.live, first.error
        started = time.monotonic()
        second = apps_client.open_app(server.url, EGDI, 90)
        assert time.monotonic() - started < 15  # an answer at once, not a 90 s wait
        assert second.status == 503
        assert second.retry_after == str(app_pool.RETRY_AFTER)
        assert t("apps.busy.title") in second.body
        apps_client.close(first, server.url)
        # The freed kernel makes room: the next visitor is served again.
        assert wait_until(lambda: apps_client.open_app(server.url, EGDI, 90).live, 30)
    finally:
        server.stop()


# A trainer gets an app ready for the room -----------------------------------------------

TOKEN = "test-control-token-0123456789"


def control(server: Server, body: dict | None = None, token: str = TOKEN) -> tuple[int, dict]:
    """The server's control endpoint: GET (no body) or POST `body`; (status, JSON answer)."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}/{app_server.CONTROL_PATH}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text.startswith(b"{") else {"page": text}


def test_a_ready_request_names_a_known_app_and_sensible_numbers():
    notebook, visitors, minutes = app_server.ready_request(
        b'{"app": "egdi-explorer", "visitors": 30}'
    )
    assert (notebook, visitors, minutes) == (EGDI, 30, app_pool.READY_MINUTES)
    assert app_server.ready_request(b'{"app": "me-dashboard", "visitors": 0, "minutes": 5}')[
        1:
    ] == (
        0,
        5.0,
    )
    bad = {
        b"not json": t("apps.ready.bad_request"),
        b"[1, 2]": t("apps.ready.bad_request"),
        b'{"app": "../etc/passwd", "visitors": 3}': "egdi-explorer",
        b'{"app": ["egdi-explorer"], "visitors": 3}': "egdi-explorer",
        b'{"app": "egdi-explorer", "visitors": 3, "minutes": NaN}': "240",
        b'{"app": "egdi-explorer", "visitors": "30"}': t("apps.ready.bad_visitors"),
        b'{"app": "egdi-explorer", "visitors": true}': t("apps.ready.bad_visitors"),
        b'{"app": "egdi-explorer", "visitors": -1}': t("apps.ready.bad_visitors"),
        b'{"app": "egdi-explorer", "visitors": 3, "minutes": 0}': "240",
        b'{"app": "egdi-explorer", "visitors": 3, "minutes": 100000}': "240",
    }
    for body, words in bad.items():
        with pytest.raises(ValueError, match=None) as raised:
            app_server.ready_request(body)
        assert words in str(raised.value), (body, str(raised.value))


def test_the_control_token_is_taken_out_of_the_environment():
    environ = {app_server.CONTROL_TOKEN_ENV: f" {TOKEN} ", "OTHER": "1"}
    assert app_server.take_control_token(environ) == TOKEN
    assert environ == {"OTHER": "1"}
    assert app_server.take_control_token({app_server.CONTROL_TOKEN_ENV: "short"}) == ""
    assert app_server.take_control_token({}) == ""


@pytest.mark.slow
def test_an_app_made_ready_for_the_room_keeps_a_kernel_per_visitor_until_they_come():
    """The trainer asks for 5 visitors: 5 ready kernels wait past the idle time, each visitor takes one."""
    # A pool of at most one ready kernel per app without the trainer: the five are readiness.
    server = start(
        {
            app_server.CONTROL_TOKEN_ENV: TOKEN,
            "DGT_APPS_IDLE_SECONDS": "2",
            "DGT_APPS_MAX_POOL": "1",
        }
    )
    try:
        factory = factory_pid(server)
        # Only with the token, and only for an app.
        assert control(server, token="wrong-token-0123456789")[0] == 403
        assert control(server, {"app": "egdi-explorer", "visitors": 5}, token="")[0] == 403
        status, answer = control(server, {"app": "no-such-app", "visitors": 5})
        assert status == 400 and "egdi-explorer" in answer["error"]

        status, answer = control(server, {"app": "egdi-explorer", "visitors": 5, "minutes": 2})
        assert status == 200, answer
        assert (answer["app"], answer["asked"], answer["visitors"]) == ("egdi-explorer", 5, 5)
        ready = lambda: control(server)[1]["apps"]["egdi-explorer"]["ready"]  # noqa: E731
        assert wait_until(lambda: ready() == 5, 60), control(server)
        # Idle for longer than the idle time (2 s, looked at every 2/3 s in that server):
        # the ready kernels are kept for the visitors.
        time.sleep(2 + 3 * 2 / 3 + 1)
        assert ready() == 5 and len(children(factory)) == APPS - 1 + 5
        # No kernel and not the factory sees the token.
        for pid in [factory, *children(factory)]:
            assert TOKEN.encode() not in Path(f"/proc/{pid}/environ").read_bytes()

        started = time.monotonic()
        with ThreadPoolExecutor(5) as pool:
            visits = list(pool.map(lambda _: apps_client.open_app(server.url, EGDI, 90), range(5)))
        assert all(v.live for v in visits), [v.error for v in visits]
        assert time.monotonic() - started < 30
        assert control(server)[1]["apps"]["egdi-explorer"]["expected"] == 0
        for visit in visits:
            apps_client.close(visit, server.url)
        # Everyone came and left: the pool follows the requests again and shrinks back.
        assert wait_until(lambda: len(children(factory)) == APPS, 60), children(factory)
    finally:
        server.stop()


@pytest.mark.slow
def test_without_a_token_the_server_has_no_control_endpoint(elastic):
    server, _factory = elastic
    assert control(server, {"app": "egdi-explorer", "visitors": 5})[0] in (404, 405)


# Two visitors in a real browser --------------------------------------------------------

CONNECTED = "body[data-dgt-kernel='connected']"


@pytest.mark.slow
@pytest.mark.browser
def test_two_visitors_of_one_app_do_not_see_each_other(browser, elastic):
    """Two browser contexts on the EGDI explorer at once: each one's choice stays on its own page."""
    from browser import open_page

    server, _factory = elastic
    url = f"{server.url}/voila/render/{EGDI}"
    first, first_report = open_page(browser, url)
    second, second_report = open_page(browser, url)
    try:
        for page in (first, second):
            page.set_default_timeout(60_000)
            page.wait_for_selector(".dgt-peer-table")
            page.wait_for_selector(CONNECTED, state="attached")
        kernel = (
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
        assert first.evaluate(kernel) != second.evaluate(kernel)
        caption = "document.querySelector('.dgt-peer-table caption').innerText"
        second_caption = second.evaluate(f"() => {caption}")
        assert "2010" not in second_caption

        first.select_option(".dgt-year select", "2010")
        first.wait_for_function(f"() => {caption}.includes('2010')")
        osi = t("chart.measure.osi")
        second.select_option(".dgt-measure select", label=osi)
        second.wait_for_function(
            "label => document.querySelector('.dgt-peer-table').innerText.includes(label)",
            arg=osi,
        )
        time.sleep(1)  # room for any update that would wrongly cross over
        assert "2010" not in second.evaluate(f"() => {caption}")
        assert osi not in first.inner_text(".dgt-peer-table")
        assert first.input_value(".dgt-measure select") != second.input_value(".dgt-measure select")
        assert first.input_value(".dgt-year select") == "2010"
        assert second.input_value(".dgt-year select") != "2010"
        for report in (first_report, second_report):
            assert report.blocked == [] and report.console_errors == []
    finally:
        first.context.close()
        second.context.close()


def test_the_landing_and_busy_pages_in_lao_carry_the_course_lao_font(monkeypatch):
    """In Lao, the server's own small pages embed the course's Lao font (no tofu, no request)."""
    from course import messages
    from course.serve import app_server

    with messages.language_in_use("lo"):
        pages = [app_server.landing_html(), app_pool.busy_html()]
    for page in pages:
        assert '<html lang="lo"' in page
        assert 'font-family: "DGT Noto Sans Lao"' in page and "data:font/woff2;base64," in page
    assert "@font-face" not in app_pool.busy_html()  # English pages stay light
