"""`dgt classroom`'s plain functions: account names, passwords, lesson copies, login cards (no root needed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

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
