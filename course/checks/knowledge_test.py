"""The questions of the pre-test and the post-test of knowledge (shared by both).

Every item is multiple choice: the answer is one letter, "A" to "D". The practice check
confirms only the **form** of the answer (one of the four letters), never that it is the
right letter, so trying letters one by one against the check tells a trainee nothing.
The right letters are in the hidden tests of the trainer's source notebooks only.
"""

from __future__ import annotations

from course.learn import Question, is_instance, one_of

LETTERS = ("A", "B", "C", "D")

#: The module objective each item measures, in item order; the pre-test and the
#: post-test have one parallel item for each.
OBJECTIVES = (
    "A0-getting-started",
    "A1-working-with-data",
    "A2-safe-secure-work",
    "A3-online-hybrid-work",
    "B1-foundations",
    "B2-situation-analysis",
    "B3-envisioning-design",
    "B4-strategy-roadmap",
    "B5-capacity-talent",
    "B6-digital-inclusion",
    "B7-monitoring-evaluation",
    "B8-capstone",
)


def _letter_question(number: int) -> Question:
    return Question(
        name=f"q{number}",
        variable=f"answer_{number}",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(LETTERS),
        ),
        hints=("knowledge.hint_form",),
    )


def questions() -> list[Question]:
    """One one-letter question per objective: q1 ... q12."""
    return [_letter_question(n) for n in range(1, len(OBJECTIVES) + 1)]
