"""Practice checks and hints for the A0 Getting started exercise (first steps in a notebook)."""

from __future__ import annotations

from course import data
from course.getting_started import AGENDA, ATTENDANCE, OFFICE
from course.learn import (
    Check,
    Questions,
    close_to,
    count,
    in_range,
    is_number,
    is_text,
    one_of,
    whole_number,
)

#: The choices of question 7 (the letters may be shown: they are the options).
CHOICES = ("a", "b", "c")

q = Questions("A0")

QUESTIONS = [
    q(
        "q1",
        "total_attendees",
        hints=3,
        checks=[is_number(), whole_number(), count(lambda: sum(ATTENDANCE), "total")],
    ),
    q(
        "q2",
        "greeting",
        hints=3,
        checks=[
            is_text(),
            Check("start", lambda v: v.startswith("Welcome to ")),
            Check("office", lambda v: v == "Welcome to " + OFFICE),
        ],
    ),
    q(
        "q3",
        "my_province",
        hints=2,
        checks=[
            is_text(),
            Check("spaces", lambda v: v == v.strip()),
            Check("province", lambda v: v in list(data.provinces()["name_en"])),
        ],
    ),
    q(
        "q4",
        "agenda_items",
        hints=2,
        checks=[whole_number(), in_range(1, 100), count(lambda: len(AGENDA))],
    ),
    q(
        "q5",
        "average_attendance",
        hints=3,
        checks=[
            is_number(),
            in_range(min(ATTENDANCE), max(ATTENDANCE)),
            close_to(lambda: sum(ATTENDANCE) / len(ATTENDANCE), 0.01, "average"),
        ],
    ),
    q(
        "q6",
        "n_provinces",
        hints=2,
        checks=[whole_number(), in_range(1, 100), count(lambda: len(data.provinces()))],
    ),
    q("q7", "before_submit", hints=2, checks=[is_text(), one_of(CHOICES, "choice")]),
]
