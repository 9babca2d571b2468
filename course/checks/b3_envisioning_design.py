"""Practice checks and hints for the B3 Envisioning and design thinking exercise."""

from __future__ import annotations

from functools import cache

import pandas as pd

from course import data, design
from course.learn import Check, Question, close_to, in_range, is_instance, is_number

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


QUESTIONS = [
    Question(
        name="q1",
        variable="young_rural_women_smartphone",
        points=1,
        checks=(
            is_number(),
            in_range(0, 1),
            close_to(_smartphone_share, 1e-3, "B3.q1.value"),
        ),
        hints=("B3.q1.hint1", "B3.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="least_connected_district",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check(
                "B3.q2.district",
                lambda v: v in set(_survey()["district"]),
                {"districts": "Lamam, Thateng, Kaleum, Dakcheung"},
            ),
            Check("B3.q2.lowest", lambda v: v == _least_connected()),
        ),
        hints=("B3.q2.hint1", "B3.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="median_cost_dakcheung",
        points=1,
        checks=(
            is_number(),
            Check("B3.q3.positive", lambda v: float(v) > 0),
            close_to(_median_cost, 0.5, "B3.q3.value"),
        ),
        hints=("B3.q3.hint1", "B3.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="worst_step_lamam",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check(
                "B3.q4.step", lambda v: v in set(design.journey(_transactions(), SERVICE)["step"])
            ),
            Check("B3.q4.worst", lambda v: v == _worst_step()),
        ),
        hints=("B3.q4.hint1", "B3.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="ranked",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check(
                "B3.q5.columns",
                lambda v: {"problem", "frequency", "severity", "score"} <= set(v.columns),
            ),
            Check("B3.q5.sorted", _ranked_sorted),
            Check("B3.q5.scores", _ranked_scores),
            Check("B3.q5.first", _ranked_first),
        ),
        hints=("B3.q5.hint1", "B3.q5.hint2", "B3.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="hmw",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check("B3.q6.form", lambda v: design.check_hmw(v) == []),
        ),
        hints=("B3.q6.hint1", "B3.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="vision",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check("B3.q7.targets", lambda v: bool(design.check_vision(v)["covered"].all())),
            Check("B3.q7.feedback", lambda v: design.vision_feedback(v) == []),
        ),
        hints=("B3.q7.hint1", "B3.q7.hint2"),
    ),
]
