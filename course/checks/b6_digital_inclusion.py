"""Practice checks and hints for the B6 Digital inclusion exercise."""

from __future__ import annotations

import pandas as pd

from course import accessibility, data, inclusion, learn, survey
from course.learn import Check, Questions

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


q = Questions("B6")

QUESTIONS = [
    q(
        "q1",
        "internet_share",
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(0, 1, "share"),
            learn.close_to(lambda: survey.overall(_people(), "used_internet").value, 1e-3),
        ],
    ),
    q(
        "q2",
        "online_by_age",
        points=2,
        hints=2,
        checks=[
            learn.is_table(),
            learn.has_columns("age_group", "n", "share", "low", "high"),
            Check("values", _online_matches),
        ],
    ),
    q(
        "q3",
        "largest_divide",
        hints=2,
        checks=[
            learn.is_text(),
            learn.one_of(list(OTHER_DIMENSIONS)),
            learn.equals(_largest_divide, "largest"),
        ],
    ),
    q(
        "q4",
        "rural_gap",
        points=2,
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(-1, 1, "share"),
            Check("sign", lambda v: float(v) < 0),
            learn.close_to(_rural_gap, 1e-3),
        ],
    ),
    q(
        "q5",
        "plan_cost",
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(0, 300),
            learn.close_to(lambda: _plan_70().cost, 0.5, "cost"),
        ],
    ),
    q(
        "q6",
        "chosen_channels",
        points=2,
        hints=2,
        checks=[
            learn.is_instance(list | tuple, "list"),
            learn.within(lambda: inclusion.illustrative_channels()["channel"], "known"),
            learn.same_set(lambda: _plan_70().channels, "channels"),
        ],
    ),
    q(
        "q7",
        "notice_contrast",
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(1, 21),
            learn.close_to(lambda: accessibility.contrast_ratio("#999999", "#ffffff"), 1e-2),
        ],
    ),
    q(
        "q8",
        "fixed_notice",
        points=2,
        hints=2,
        checks=[
            learn.is_text(),
            Check("text", lambda v: NOTICE_TEXT in v),
            Check("issues", lambda v: accessibility.check_html(v) == []),
        ],
    ),
]
