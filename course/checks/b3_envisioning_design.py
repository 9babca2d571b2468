"""Practice checks and hints for the B3 Envisioning and design thinking exercise.

The "how might we" statement and the vision are written answers that the trainer marks:
a form check (`design.check_hmw`, `design.vision_feedback`) alone never earns a point.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from course import data, design
from course.learn import (
    Check,
    Questions,
    close_to,
    equals,
    has_columns,
    in_range,
    is_number,
    is_table,
    is_text,
    positive,
)

SERVICE = "birth certificate"
#: The team's severity scores given in the exercise's setup cell.
SEVERITY = {
    "missing document": 3,
    "document not ready": 4,
    "long wait": 2,
    "language difficulty": 5,
    "unclear information": 3,
    "staff not available": 4,
}
SEGMENT = {"sex": "female", "area": "rural", "age_group": "18-29"}


def _survey() -> pd.DataFrame:
    return data.synthetic("citizen_survey")


def _transactions() -> pd.DataFrame:
    return data.synthetic("odsc_transactions")


@cache
def _smartphone_share() -> float:
    return float(design.profile(_survey(), SEGMENT)["has_smartphone"])


@cache
def _least_connected() -> str:
    return str(design.segment(_survey(), "district")["district"].iloc[0])


def _in_district(district: str) -> pd.DataFrame:
    rows = _transactions()
    return rows[rows["district"] == district]


@cache
def _median_cost() -> float:
    return float(design.journey_summary(_in_district("Dakcheung"), SERVICE)["cost_lak"])


@cache
def _worst_step() -> str:
    table = design.journey(_in_district("Lamam"), SERVICE)
    return str(table.sort_values("problem_share", ascending=False)["step"].iloc[0])


@cache
def _expected_ranking() -> pd.DataFrame:
    pain = design.pain_points(_transactions(), SERVICE)
    pain["severity"] = pain["problem"].map(SEVERITY)
    return design.prioritise(pain)


def _ranked_sorted(value: pd.DataFrame) -> bool:
    scores = list(value["score"])
    return scores == sorted(scores, reverse=True)


def _ranked_scores(value: pd.DataFrame) -> bool:
    expected = _expected_ranking().set_index("problem")["score"]
    got = value.set_index("problem")["score"]
    return set(got.index) == set(expected.index) and all(
        int(got[p]) == int(expected[p]) for p in expected.index
    )


def _ranked_first(value: pd.DataFrame) -> bool:
    return value["problem"].iloc[0] == _expected_ranking()["problem"].iloc[0]


q = Questions("B3")

QUESTIONS = [
    q(
        "q1",
        "young_rural_women_smartphone",
        hints=2,
        checks=[is_number(), in_range(0, 1), close_to(_smartphone_share, 1e-3, "value")],
    ),
    q(
        "q2",
        "least_connected_district",
        hints=2,
        checks=[
            is_text(),
            Check(
                "district",
                lambda v: v in set(_survey()["district"]),
                {"districts": "Lamam, Thateng, Kaleum, Dakcheung"},
            ),
            equals(_least_connected, "lowest"),
        ],
    ),
    q(
        "q3",
        "median_cost_dakcheung",
        hints=2,
        checks=[is_number(), positive(), close_to(_median_cost, 0.5, "value")],
    ),
    q(
        "q4",
        "worst_step_lamam",
        hints=2,
        checks=[
            is_text(),
            Check("step", lambda v: v in set(design.journey(_transactions(), SERVICE)["step"])),
            equals(_worst_step, "worst"),
        ],
    ),
    q(
        "q5",
        "ranked",
        points=2,
        hints=2,
        checks=[
            is_table(),
            has_columns("problem", "frequency", "severity", "score"),
            Check("sorted", _ranked_sorted),
            Check("scores", _ranked_scores),
            Check("first", _ranked_first),
        ],
    ),
]
