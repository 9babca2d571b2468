"""`dgt classroom`'s plain functions: account names, passwords, lesson copies, login cards (no root needed)."""

from __future__ import annotations

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
