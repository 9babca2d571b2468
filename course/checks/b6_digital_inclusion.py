"""Practice checks and hints for the B6 Digital inclusion exercise."""

from __future__ import annotations

import pandas as pd

from course import accessibility, data, inclusion, survey
from course.learn import Check, Question, close_to, in_range, is_instance, is_number, one_of

OTHER_DIMENSIONS = ("sex", "area", "ethnic_group", "disability")
NOTICE_TEXT = "Bring your family book and ID card"


def _people() -> pd.DataFrame:
    return data.synthetic("digital_access_survey")


def _online_by_age() -> pd.Series:
    return survey.breakdown(_people(), "age_group", "used_online_service").set_index("age_group")[
        "share"
    ]


def _online_matches(value: pd.DataFrame) -> bool:
    expected = _online_by_age()
    mine = value.set_index("age_group")["share"]
    return set(mine.index) == set(expected.index) and all(
        abs(float(mine[g]) - float(expected[g])) < 1e-6 for g in expected.index
    )


def _largest_divide() -> str:
    table = inclusion.gap_table(_people(), "has_smartphone", OTHER_DIMENSIONS)
    return str(table.iloc[0]["dimension"])


def _rural_gap() -> float:
    return inclusion.gap(_people(), "area", "used_internet", "rural", "urban").value


def _plan_70():
    return inclusion.choose_channels(inclusion.illustrative_channels(), 0.7, 300)


QUESTIONS = [
    Question(
        name="q1",
        variable="internet_share",
        points=1,
        checks=(
            is_number(),
            Check("B6.q1.share", lambda v: 0 <= float(v) <= 1),
            close_to(lambda: survey.overall(_people(), "used_internet").value, 1e-3),
        ),
        hints=("B6.q1.hint1", "B6.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="online_by_age",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check(
                "B6.q2.columns",
                lambda v: {"age_group", "n", "share", "low", "high"} <= set(v.columns),
            ),
            Check("B6.q2.values", _online_matches),
        ),
        hints=("B6.q2.hint1", "B6.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="largest_divide",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(list(OTHER_DIMENSIONS)),
            Check("B6.q3.largest", lambda v: v == _largest_divide()),
        ),
        hints=("B6.q3.hint1", "B6.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="rural_gap",
        points=2,
        checks=(
            is_number(),
            Check("B6.q4.share", lambda v: -1 <= float(v) <= 1),
            Check("B6.q4.sign", lambda v: float(v) < 0),
            close_to(_rural_gap, 1e-3),
        ),
        hints=("B6.q4.hint1", "B6.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="plan_cost",
        points=1,
        checks=(
            is_number(),
            in_range(0, 300),
            close_to(lambda: _plan_70().cost, 1e-6, "B6.q5.cost"),
        ),
        hints=("B6.q5.hint1", "B6.q5.hint2"),
    ),
    Question(
        name="q6",
        variable="chosen_channels",
        points=2,
        checks=(
            is_instance(list | tuple, "B6.q6.list"),
            Check(
                "B6.q6.known", lambda v: set(v) <= set(inclusion.illustrative_channels()["channel"])
            ),
            Check("B6.q6.channels", lambda v: sorted(v) == sorted(_plan_70().channels)),
        ),
        hints=("B6.q6.hint1", "B6.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="notice_contrast",
        points=1,
        checks=(
            is_number(),
            in_range(1, 21),
            close_to(lambda: accessibility.contrast_ratio("#999999", "#ffffff"), 1e-2),
        ),
        hints=("B6.q7.hint1", "B6.q7.hint2"),
    ),
    Question(
        name="q8",
        variable="fixed_notice",
        points=2,
        checks=(
            is_instance(str, "check.is_text"),
            Check("B6.q8.text", lambda v: NOTICE_TEXT in v),
            Check("B6.q8.issues", lambda v: accessibility.check_html(v) == []),
        ),
        hints=("B6.q8.hint1", "B6.q8.hint2", "B6.q8.hint3"),
    ),
]
