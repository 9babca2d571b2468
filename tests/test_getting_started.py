"""Module A0: the example values, the lesson's practice questions and the exercise's checks."""

import pytest

from course import data, getting_started
from course.checks import a0_getting_started
from course.errors import UserError
from course.learn import NOT_ATTEMPTED, NOT_YET, PASS, Exercise
from course.messages import catalogue


@pytest.fixture(scope="module")
def ex():
    return Exercise("A0-getting-started")


def test_examples_match_the_districts():
    """One attendance number per Sekong district, and a short agenda."""
    assert len(getting_started.ATTENDANCE) == len(getting_started.DISTRICTS) == 4
    assert 3 <= len(getting_started.AGENDA) <= 8


def test_model_answers_pass(ex):
    """The simple answers a first-time trainee would write pass the practice checks."""
    answers = {
        "q1": 34 + 27 + 19 + 22,
        "q2": "Welcome to " + getting_started.OFFICE,
        "q3": "Sekong",
        "q4": len(getting_started.AGENDA),
        "q5": sum(getting_started.ATTENDANCE) / len(getting_started.ATTENDANCE),
        "q6": len(data.provinces()),
        "q7": "b",
    }
    assert set(answers) == set(ex.questions)
    for name, value in answers.items():
        assert ex.check(name, value).status == PASS, (name, str(ex.check(name, value)))


def test_any_province_is_accepted_but_only_as_the_course_spells_it(ex):
    """Question 3 takes any of the 18 names; a variant spelling or stray spaces get 'not yet'."""
    for name in data.provinces()["name_en"]:
        assert ex.check("q3", name).passed
    assert ex.check("q3", "Xekong").status == NOT_YET
    assert "spaces" in str(ex.check("q3", " Sekong"))


EXPECTED_TEXT = {"q1": "102", "q2": "Sekong PPA", "q4": "5", "q5": "25.5"}


@pytest.mark.parametrize(
    ("name", "value"),
    [("q1", "10"), ("q1", 101), ("q2", "Welcome to Sekong"), ("q4", 4), ("q5", 34)],
)
def test_wrong_answers_are_not_yet_and_never_show_the_answer(ex, name, value):
    """Text for a number, a wrong total or a wrong average: 'not yet' naming the learner's value."""
    message = str(ex.check(name, value))
    assert ex.check(name, value).status == NOT_YET
    assert ex.questions[name].variable in message and repr(value) in message
    assert EXPECTED_TEXT[name] not in message


def test_multiple_choice_shows_the_options_not_the_answer(ex):
    """A letter outside a, b, c lists the options; any letter passes the practice check."""
    message = str(ex.check("q7", "d"))
    assert "'a', 'b', 'c'" in message
    assert ex.check("q7", "a").passed and ex.check("q7", "c").passed


def test_practice_questions_of_the_lesson():
    """The lesson's p1 and p2 have three outcomes, and hints that come in a series."""
    practice = getting_started.practice()
    assert practice.check("p1", None).status == NOT_ATTEMPTED
    assert practice.check("p1", 30).status == NOT_YET
    assert practice.check("p1", 25 + 6).status == PASS
    assert practice.check("p2", "friday").status == PASS
    assert practice.check("p2", "Funday").status == NOT_YET
    assert practice.hint("p1").level == 1 and practice.hint("p1").level == 2
    assert practice.hint("p1").level == 2  # stays on the last hint


def test_practice_messages_are_in_the_catalogue():
    """Every hint and check message of the lesson's practice questions is in the catalogue."""
    english = catalogue("en")
    for question in getting_started.PRACTICE:
        assert all(key in english for key in question.hints)
        assert all(check.message in english for check in question.checks)


def test_unknown_question_is_a_clear_error():
    """Asking for a question the lesson does not have names the ones it has."""
    with pytest.raises(UserError, match="p1, p2"):
        getting_started.practice().check("q9", 1)


def test_buttons_panel_builds():
    """ex.panel gives the Check and Hint buttons, labelled from the catalogue."""
    panel = getting_started.practice().panel("p1", lambda: 31)
    buttons = panel.children[0].children
    assert [b.description for b in buttons] == [
        catalogue("en")["button.check"],
        catalogue("en")["button.hint"],
    ]


def test_choices_are_declared_once():
    """Question 7's options come from one tuple."""
    assert a0_getting_started.CHOICES == ("a", "b", "c")
