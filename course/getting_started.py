"""Module A0's small examples: a meeting's attendance, an agenda, and the lesson's practice questions."""

from __future__ import annotations

from course.learn import Check, Exercise, Questions, in_range, is_number, is_text

#: The office in A0's examples.
OFFICE = "Sekong PPA"

#: Sekong's four districts (GPAR Sekong project document).
DISTRICTS = ("Lamam", "Thateng", "Kaleum", "Dakcheung")

#: People who came to a consultation meeting in each district, in the order of DISTRICTS.
#: Made-up numbers for practice, not a real count.
ATTENDANCE = (34, 27, 19, 22)

#: A meeting agenda for practice.
AGENDA = (
    "Opening and welcome",
    "Report on the last meeting",
    "Questions from citizens in the districts",
    "Plan for the next consultation",
    "Any other business",
)

#: The lesson's practice question p1: chairs for 25 members and 6 staff.
MEMBERS, STAFF = 25, 6

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

q = Questions("A0")

PRACTICE = [
    q(
        "p1",
        "chairs",
        hints=2,
        checks=[
            is_number(),
            in_range(0, 1000),
            Check("total", lambda v: float(v) == MEMBERS + STAFF),
        ],
    ),
    q(
        "p2",
        "meeting_day",
        hints=1,
        checks=[is_text(), Check("weekday", lambda v: v.strip().capitalize() in WEEKDAYS)],
    ),
]


def practice() -> Exercise:
    """Return the lesson's practice questions (p1, p2) with check, hint and the buttons."""
    return Exercise("A0-getting-started", PRACTICE)
