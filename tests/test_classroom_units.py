"""`dgt classroom`'s plain functions: account names, passwords, lesson copies, login cards (no root needed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import free_port
from course.errors import UserError
from course.serve.classroom import accounts, lessons
from course.serve.classroom.room import Room


def room(prefix: str = "") -> Room:
    return Room(state=Path("/nonexistent/state"), srv=Path("/nonexistent/srv"), prefix=prefix)


@pytest.mark.parametrize(
    ("trainee_id", "name"),
    [("t01", "t01"), ("SV-07", "sv-07"), ("noy_s", "noy_s")],
)
def test_roster_ids_become_system_account_names(trainee_id, name):
    assert room().username(trainee_id) == name
    assert room("zt1-").username(trainee_id) == f"zt1-{name}"


@pytest.mark.parametrize("trainee_id", ["07", "a.b", "x" * 40, "-x"])
def test_ids_that_cannot_be_account_names_are_one_line(trainee_id):
    with pytest.raises(UserError) as caught:
        room().username(trainee_id)
    assert "\n" not in str(caught.value) and trainee_id in str(caught.value)


def test_every_bad_id_is_said_before_any_account_is_made():
    """plan() names every bad or clashing id in one error; nothing is created."""

    class Trainee:
        def __init__(self, trainee_id: str) -> None:
            self.trainee_id = trainee_id

    with pytest.raises(UserError) as caught:
        accounts.plan(room(), [Trainee("t01"), Trainee("T01"), Trainee("9x"), Trainee("trainer")])
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert "T01" in lines[0] and "9x" in lines[1] and "trainer" in lines[2]


def test_passwords_are_fresh_and_easy_to_type():
    made = {accounts.new_password() for _ in range(200)}
    assert len(made) == 200
    for password in made:
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
        assert not set(password) & set("01lio")


def test_lessons_are_copied_once_and_edits_are_kept(tmp_path):
    """A missing lesson is copied; an edited one is never overwritten; a new course lesson arrives."""
    source, home = tmp_path / "modules", tmp_path / "lessons"
    (source / "A0").mkdir(parents=True)
    (source / "A0" / "one.ipynb").write_text("course v1")
    (source / "A0" / ".ipynb_checkpoints").mkdir()
    (source / "A0" / ".ipynb_checkpoints" / "one-checkpoint.ipynb").write_text("x")
    assert lessons.copy_missing(source, home) == [Path("A0/one.ipynb")]
    (home / "A0" / "one.ipynb").write_text("my edits")
    (source / "A0" / "one.ipynb").write_text("course v2")
    (source / "A1").mkdir()
    (source / "A1" / "two.ipynb").write_text("new lesson")
    assert lessons.copy_missing(source, home) == [Path("A1/two.ipynb")]
    assert (home / "A0" / "one.ipynb").read_text() == "my edits"
    assert (home / "A1" / "two.ipynb").read_text() == "new lesson"
    assert not (home / "A0" / ".ipynb_checkpoints").exists()


def test_login_cards_escape_names_and_show_lao(tmp_path):
    cards = [
        accounts.Card("t01", "abcd-efgh-jkmn", "Somchai <b>", "ສົມໃຈ"),
        accounts.Card("trainer", "pqrs-tuvw-xyz2", "Trainer", trainer=True),
    ]
    page = accounts.cards_html(cards, "http://192.168.1.10:8000/")
    assert "Somchai &lt;b&gt;" in page and "<b>" not in page.split("<body>")[1]
    assert 'lang="lo">ສົມໃຈ' in page
    assert page.count('class="card"') == 2
    assert page.count("http://192.168.1.10:8000/") == 2


def test_login_cards_without_chromium_are_a_private_web_page(tmp_path, monkeypatch, capsys):
    """Where no PDF can be made (a machine installed from the bundle), the cards are an HTML page, 600."""
    from course import printing

    def no_pdf(source, target):
        raise UserError("Making the PDF needs Debian's chromium")

    monkeypatch.setattr(printing, "print_to_pdf", no_pdf)
    cards = [accounts.Card("t01", "abcd-efgh-jkmn", "Trainee One")]
    written = accounts.print_cards(cards, "http://127.0.0.1:8000/", tmp_path / "login-cards.pdf")
    assert written == tmp_path / "login-cards.html"
    assert (written.stat().st_mode & 0o777) == 0o600
    assert "abcd-efgh-jkmn" in written.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["login-cards.html"]
    said = capsys.readouterr().out.strip()
    assert said.count("\n") == 0 and "chromium" in said and "web browser" in said


def eight_cards() -> list[accounts.Card]:
    """A full printed page: seven trainees with long Latin and Lao names, and the trainer."""
    cards = [
        accounts.Card(f"t{i:02}", "abcd-efgh-jkmn", f"Trainee Number {i} Longname", "ສົມໃຈ ວົງສະຫວັນ")
        for i in range(7)
    ]
    return [*cards, accounts.Card("trainer", "pqrs-tuvw-xyz2", "Trainer", trainer=True)]


def test_login_cards_in_lao_show_lao_labels_marked_as_a_draft():
    from course import messages

    with messages.language_in_use("en"):
        english = accounts.cards_html(eight_cards(), "http://192.168.1.10:8000/")
    with messages.language_in_use("lo"):
        label = messages.draft_label()
        lao = accounts.cards_html(eight_cards(), "http://192.168.1.10:8000/")
        assert all(messages.is_draft(key) for key in accounts.CARD_KEYS)
    assert '<html lang="en">' in english and "Password" in english
    assert "draft translation" not in english and 'class="mark"' not in english
    assert '<html lang="lo">' in lao and "Password<" not in lao
    for key in ("title", "address", "username", "password", "note", "lao_draft"):
        assert messages.catalogue("lo")[f"classroom.card.{key}"] in lao, key
    assert label.startswith("ຮ່າງ") and label.endswith("draft translation")
    assert lao.count(f'<div class="mark">[{label}]</div>') == 8
    assert "DGT Noto Sans Lao" in lao


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "lo"])
def test_eight_login_cards_fit_one_printed_page_in_each_language(browser, tmp_path, language):
    """Lao labels are longer than English ones: no card's text may run past its cut lines."""
    import subprocess

    from course import messages

    with messages.language_in_use(language):
        page_html = accounts.cards_html(eight_cards(), "http://192.168.100.200:8000/")
        pdf = accounts.print_cards(
            eight_cards(), "http://192.168.100.200:8000/", tmp_path / "c.pdf"
        )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert ("draft translation" in text.stdout) == (language == "lo")
    source = tmp_path / "cards.html"
    source.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 673, "height": 1000})  # A4 less margins: 178 mm
    try:
        page.emulate_media(media="print")
        page.goto(source.as_uri())
        page.evaluate("document.fonts.ready")
        sizes = page.evaluate(
            "[...document.querySelectorAll('.card')].map(c => [c.scrollHeight, c.clientHeight,"
            " c.scrollWidth, c.clientWidth])"
        )
        lao_font = page.evaluate("[...document.fonts].some(f => f.status === 'loaded')")
    finally:
        page.close()
    assert len(sizes) == 8
    assert all(sh <= ch and sw <= cw for sh, ch, sw, cw in sizes), sizes
    assert lao_font


def test_the_server_factory_starts_with_no_secret_of_the_hubs(monkeypatch, tmp_path):
    """The factory's environment (what a forked server's /proc/<pid>/environ shows) is an allow-list."""
    from course.serve.classroom import spawn

    monkeypatch.setenv("CONFIGPROXY_AUTH_TOKEN", "secret-of-the-hub")
    monkeypatch.setenv("DGT_CLASSROOM_STATE", "/var/lib/dgt-classroom")
    env = spawn.factory_env(tmp_path / "bin" / "python")
    assert set(env) == {
        "PATH",
        "LANG",
        "PYTHONDONTWRITEBYTECODE",
        "DGT_ROOT",
        "DGT_CLASSROOM",
    }
    assert env["DGT_CLASSROOM"] == "/var/lib/dgt-classroom"  # `dgt classroom stop` finds forks
    assert env["PATH"].startswith(str(tmp_path / "bin"))
    path = spawn.write_env_file(tmp_path / "spawning", {"JUPYTERHUB_API_TOKEN": "t"})
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "spawning").stat().st_mode & 0o777 == 0o700
    assert path.name != spawn.write_env_file(tmp_path / "spawning", {}).name


def test_the_forking_can_be_turned_off(monkeypatch):
    from course.serve.classroom import spawn

    assert spawn.forking()
    for off in ("0", "off", "OFF"):
        monkeypatch.setenv("DGT_CLASSROOM_FORK", off)
        assert not spawn.forking()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="forks as root")
def test_the_server_factory_never_starts_a_server_as_root(tmp_path):
    """A request for root's server fails in the child, says why, and reads (deletes) the token file."""
    from course.serve.classroom import server_factory, spawn

    env_file = spawn.write_env_file(tmp_path / "spawning", {"JUPYTERHUB_API_TOKEN": "t"})
    answer = server_factory.spawn(
        {"user": "root", "args": [], "env_file": str(env_file), "cgroups": {}, "limits": {}}
    )
    assert "pid" not in answer and "never runs as root" in answer["error"]
    assert not env_file.exists()
    unknown = server_factory.spawn(
        {"user": "no-such-account-zz", "env_file": str(tmp_path / "missing.json")}
    )
    assert "pid" not in unknown and unknown["error"]


# --- `dgt classroom ready` and the gate's control token ---------------------------------


def ready_room(tmp_path: Path, trainees: int = 3) -> Room:
    made = Room(state=tmp_path / "state", srv=tmp_path / "srv")
    made.accounts = {
        f"t{i:02}": {"role": "trainee", "trainee_id": f"t{i:02}"} for i in range(trainees)
    }
    made.accounts["trainer"] = {"role": "trainer"}
    return made


def test_ready_arguments_are_parsed_and_checked(tmp_path):
    """APP, --visitors, --minutes; visitors default to the trainee accounts; bad input is one line."""
    from course.cli import build_parser
    from course.serve.classroom import ready

    args = build_parser().parse_args(["classroom", "ready", "egdi-explorer", "--visitors", "30"])
    assert (args.app, args.visitors, args.minutes) == ("egdi-explorer", 30, None)
    args = build_parser().parse_args(["classroom", "ready", "me-dashboard", "--minutes", "5"])
    assert (args.app, args.visitors, args.minutes) == ("me-dashboard", None, 5)
    room = ready_room(tmp_path, trainees=12)
    assert ready.plan(room, "egdi-explorer", None, None) == ready.Asked("egdi-explorer", 12)
    assert ready.plan(room, "egdi-explorer", 30, 15).body() == {
        "app": "egdi-explorer",
        "visitors": 30,
        "minutes": 15,
    }
    assert ready.plan(ready_room(tmp_path, trainees=0), "egdi-explorer", None, None).visitors == 1
    with pytest.raises(UserError) as caught:
        ready.plan(room, "egdi", None, None)
    said = str(caught.value)
    assert "\n" not in said and "egdi" in said
    assert all(app in said for app in ("egdi-explorer", "maturity-assessment", "me-dashboard"))
    assert ready.plan(room, "egdi-explorer", 0, None).visitors == 0  # ends the readiness
    for visitors, minutes, said in (
        (-1, None, "0 or more"),
        (-3, 5, "0 or more"),
        (5, 0, "1 or more"),
    ):
        with pytest.raises(UserError) as caught:
            ready.plan(room, "egdi-explorer", visitors, minutes)
        assert "\n" not in str(caught.value) and said in str(caught.value)


def test_ready_says_what_was_granted():
    """One line; a second one, with the reason, when the server granted fewer than asked."""
    from course.serve.classroom import ready

    asked = ready.Asked("egdi-explorer", 30, 15)
    full = ready.said(asked, {"app": "egdi-explorer", "visitors": 30, "asked": 30, "minutes": 15.0})
    assert full == [
        "The app 'EGDI explorer' is being made ready for 30 visitor(s) (ready for 15 minutes)."
    ]
    fewer = ready.said(asked, {"app": "egdi-explorer", "visitors": 18, "asked": 30, "minutes": 15})
    assert len(fewer) == 2 and "for 18 visitor(s)" in fewer[0]
    assert "Only 18 of the 30" in fewer[1] and "limits" in fewer[1]
    ended = ready.said(ready.Asked("egdi-explorer", 0), {"visitors": 0, "asked": 0})
    assert ended == [
        "The app 'EGDI explorer' is no longer kept ready: its ready kernels are freed as it goes idle."
    ]


def test_the_control_token_is_new_at_each_start_and_root_only(tmp_path):
    from course.serve.classroom import ready

    room = ready_room(tmp_path)
    with pytest.raises(UserError, match="no control token"):
        ready.control_token(room)
    first = ready.new_control_token(room)
    assert ready.control_token(room) == first and len(first) >= 40
    assert room.control_token_file.stat().st_mode & 0o777 == 0o600
    assert ready.new_control_token(room) != first
    assert sorted(p.name for p in room.state.iterdir()) == ["apps-control-token"]


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("token s3cret-token", True),
        ("Token s3cret-token", True),
        ("token  s3cret-token ", True),
        ("token s3cret-toke", False),
        ("token s3cret-token2", False),
        ("Bearer s3cret-token", False),
        ("s3cret-token", False),
        ("token ", False),
        ("", False),
        (None, False),
    ],
)
def test_the_gate_checks_the_control_token(header, ok):
    from course.serve.classroom import apps_gate

    assert apps_gate.token_ok(header, "s3cret-token") is ok
    assert not apps_gate.token_ok(header, "")  # a gate without a token lets nobody in


def test_the_gate_passes_no_authorization_header_for_a_visitor():
    from course.serve.classroom import apps_gate

    headers = [
        ("Authorization", "token s3cret"),
        ("authorization", "token other"),
        ("Cookie", "a=b"),
        ("Connection", "keep-alive"),
        ("Accept", "text/html"),
    ]
    assert apps_gate.visitor_headers(headers) == {"Cookie": "a=b", "Accept": "text/html"}


@pytest.fixture
def gate(tmp_path):
    """The gate's routes (make_app) on a free port, before a stand-in apps server that records each request."""
    import asyncio
    import json
    import threading

    from tornado import httpserver, web

    from course.serve.classroom import apps_gate

    seen: list[dict] = []

    class Backend(web.RequestHandler):
        def check_xsrf_cookie(self) -> None:
            return None

        def _answer(self) -> None:
            seen.append(
                {
                    "method": self.request.method,
                    "path": self.request.path,
                    "authorization": self.request.headers.get("Authorization"),
                    "body": self.request.body,
                }
            )
            asked = json.loads(self.request.body or b"{}")
            self.set_header("Content-Type", "application/json")
            visitors = min(int(asked.get("visitors", 0)), 4)
            self.finish(
                {
                    "app": asked.get("app"),
                    "visitors": visitors,
                    "asked": asked.get("visitors"),
                    "ready": 0,
                    "minutes": 15,
                }
            )

        get = post = _answer

    tokens = {"with": "s3cret-token", "without": ""}
    ports = {name: free_port() for name in (*tokens, "backend")}
    started = threading.Event()
    state: dict = {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        servers = [httpserver.HTTPServer(web.Application([(r".*", Backend)]))]
        servers[0].listen(ports["backend"], "127.0.0.1")
        for name, token in tokens.items():
            app = apps_gate.make_app(
                "/services/apps/", f"http://127.0.0.1:{ports['backend']}", token
            )
            servers.append(httpserver.HTTPServer(app))
            servers[-1].listen(ports[name], "127.0.0.1")
        state["loop"] = loop
        started.set()
        loop.run_forever()
        for server in servers:
            server.stop()
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    yield {"ports": ports, "seen": seen, "token": tokens["with"]}
    state["loop"].call_soon_threadsafe(state["loop"].stop)
    thread.join(10)


def _request(port: int, path: str, method: str = "GET", headers=None, body=None):
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers=headers or {},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_the_gate_lets_only_the_token_reach_the_control_endpoint(gate):
    """No hub login there, but the token: 403 without it and nothing passed on; 200 with it."""
    path = "/services/apps/dgt/api/ready"
    port, seen = gate["ports"]["with"], gate["seen"]
    body = {"app": "egdi-explorer", "visitors": 30}
    for headers in (
        {},
        {"Authorization": "token made-up"},
        {"Authorization": "Bearer " + gate["token"]},
    ):
        status, answer = _request(port, path, "POST", headers, body)
        assert status == 403 and answer["error"], headers
        status, _ = _request(port, path + "?x=1", "GET", headers)
        assert status == 403
    status, _ = _request(port, "/services/apps/dgt/api/other", "GET", {})
    assert status == 403
    assert seen == []
    status, answer = _request(port, path, "POST", {"Authorization": f"token {gate['token']}"}, body)
    assert status == 200 and answer["visitors"] == 4 and answer["asked"] == 30
    assert len(seen) == 1 and seen[0]["path"] == path and seen[0]["method"] == "POST"
    assert seen[0]["authorization"] == f"token {gate['token']}"
    status, _ = _request(gate["ports"]["without"], path, "POST", {"Authorization": "token "}, body)
    assert status == 404 and len(seen) == 1  # a room started without a token: no control at all


def test_ready_through_the_gate_says_what_was_granted_and_refuses_a_wrong_token(gate, tmp_path):
    """`ready` and `status` end to end through the gate, with the room's token file."""
    from course.serve.classroom import ready

    room = ready_room(tmp_path)
    room.apps_port = gate["ports"]["with"]
    room.make_state()
    room.control_token_file.write_text(gate["token"] + "\n")
    asked = ready.plan(room, "egdi-explorer", 30, 15)
    lines = ready.said(asked, ready.make_ready(room, asked, wait=0))
    assert "for 4 visitor(s)" in lines[0] and "Only 4 of the 30" in lines[1]
    assert ready.status_lines(room)  # the stand-in answers a GET with no "apps": one line
    room.control_token_file.write_text("made-up\n")
    with pytest.raises(UserError, match="refused the classroom's control token"):
        ready.make_ready(room, asked, wait=0)
    assert ready.status_lines(room) == []
    room.apps_port = free_port()
    with pytest.raises(UserError, match="still starting"):
        ready.make_ready(room, asked, wait=0)
