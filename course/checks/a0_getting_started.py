"""Practice checks and hints for the A0 Getting started exercise (first steps in a notebook)."""

from __future__ import annotations

from course import data
from course.getting_started import AGENDA, ATTENDANCE, OFFICE
from course.learn import Check, Question, close_to, in_range, is_instance, is_number, one_of

#: The choices of question 7 (the letters may be shown: they are the options).
CHOICES = ("a", "b", "c")


def _whole_number() -> Check:
    return Check("check.is_whole_number", lambda v: not isinstance(v, bool) and float(v) == int(v))


def _province_names() -> list[str]:
    return list(data.provinces()["name_en"])


QUESTIONS = [
    Question(
        name="q1",
        variable="total_attendees",
        points=1,
        checks=(
            is_number(),
            _whole_number(),
            Check("A0.q1.total", lambda v: int(v) == sum(ATTENDANCE)),
        ),
        hints=("A0.q1.hint1", "A0.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="greeting",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check("A0.q2.start", lambda v: v.startswith("Welcome to ")),
            Check("A0.q2.office", lambda v: v == "Welcome to " + OFFICE),
        ),
        hints=("A0.q2.hint1", "A0.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="my_province",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check("A0.q3.spaces", lambda v: v == v.strip()),
            Check("A0.q3.province", lambda v: v in _province_names()),
        ),
        hints=("A0.q3.hint1", "A0.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="agenda_items",
        points=1,
        checks=(
            _whole_number(),
            in_range(1, 100),
            Check("A0.q4.count", lambda v: int(v) == len(AGENDA)),
        ),
        hints=("A0.q4.hint1", "A0.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="average_attendance",
        points=1,
        checks=(
            is_number(),
            in_range(min(ATTENDANCE), max(ATTENDANCE)),
            close_to(lambda: sum(ATTENDANCE) / len(ATTENDANCE), 0.01, "A0.q5.average"),
        ),
        hints=("A0.q5.hint1", "A0.q5.hint2"),
    ),
    Question(
        name="q6",
        variable="n_provinces",
        points=1,
        checks=(
            _whole_number(),
            in_range(1, 100),
            Check("A0.q6.count", lambda v: int(v) == len(data.provinces())),
        ),
        hints=("A0.q6.hint1", "A0.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="before_submit",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(CHOICES, "A0.q7.choice"),
        ),
        hints=("A0.q7.hint1", "A0.q7.hint2"),
    ),
]
