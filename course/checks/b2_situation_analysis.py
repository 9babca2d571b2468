"""Practice checks and hints for the B2 Situation analysis exercise."""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from course import data, maturity, situation
from course.learn import Check, Question, close_to, in_range, is_instance, is_number, one_of

#: The made-up answers of "Example PPA B" given in the exercise's setup cell.
ANSWERS: dict[str, int | None] = {
    "SL1": 3, "SL2": 3, "SL3": 2,
    "PS1": 2, "PS2": 2, "PS3": 1, "PS4": 2,
    "PR1": 3, "PR2": 2, "PR3": 2,
    "TI1": 1, "TI2": 2, "TI3": 1, "TI4": 2,
    "DA1": 2, "DA2": 2, "DA3": None,
    "CE1": 3, "CE2": 2, "CE3": 2,
}  # fmt: skip
TARGET, AS_OF, OLDER_THAN = 3, 2025, 5


def _inventory() -> pd.DataFrame:
    return data.synthetic("ppa_ict_inventory")


def _staff() -> pd.DataFrame:
    return data.synthetic("ppa_staff")


def _scores_match(value: pd.DataFrame) -> bool:
    expected = maturity.score(ANSWERS).set_index("dimension")["score"]
    got = value.set_index("dimension")["score"]
    return all(
        math.isclose(float(got[d]), float(expected[d]), abs_tol=1e-6) for d in expected.index
    )


@cache
def _first_priority() -> str:
    return str(maturity.gaps(maturity.score(ANSWERS), TARGET)["dimension"].iloc[0])


@cache
def _sekong_per_staff() -> float:
    table = situation.equipment_per_staff(_inventory(), _staff())
    return float(table.loc[table["province"] == "Sekong", "per_staff"].iloc[0])


@cache
def _share_old() -> float:
    table = situation.share_older_than(_inventory(), OLDER_THAN, AS_OF)
    return float(table["older"].sum() / table["devices"].sum())


@cache
def _hybrid_cost() -> float:
    needs = situation.hybrid_needs(_inventory(), _staff())
    return float(situation.cost_gap(needs, data.synthetic("ict_unit_prices"))["cost"].sum())


@cache
def _keep_informed() -> set[str]:
    grid = situation.stakeholder_grid(situation.example("stakeholders"))
    return set(grid.loc[grid["quadrant"] == "keep_informed", "stakeholder"])


@cache
def _first_component_2022() -> str:
    return str(situation.benchmark_priority("LAO", 2022)["component"].iloc[0])


QUESTIONS = [
    Question(
        name="q1",
        variable="scores",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B2.q1.columns", lambda v: {"dimension", "score"} <= set(v.columns)),
            Check("B2.q1.rows", lambda v: set(v["dimension"]) == set(maturity.DIMENSIONS)),
            Check("B2.q1.values", _scores_match),
        ),
        hints=("B2.q1.hint1", "B2.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="first_priority",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(list(maturity.DIMENSIONS)),
            Check("B2.q2.first", lambda v: v == _first_priority()),
        ),
        hints=("B2.q2.hint1", "B2.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="sekong_per_staff",
        points=1,
        checks=(
            is_number(),
            in_range(0, 2),
            close_to(_sekong_per_staff, 1e-3, "B2.q3.value"),
        ),
        hints=("B2.q3.hint1", "B2.q3.hint2", "B2.q3.hint3"),
    ),
    Question(
        name="q4",
        variable="share_old",
        points=1,
        checks=(
            is_number(),
            in_range(0, 1),
            close_to(_share_old, 1e-3, "B2.q4.value"),
        ),
        hints=("B2.q4.hint1", "B2.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="hybrid_cost",
        points=2,
        checks=(
            is_number(),
            Check("B2.q5.positive", lambda v: float(v) > 0),
            close_to(_hybrid_cost, 0.5, "B2.q5.value"),
        ),
        hints=("B2.q5.hint1", "B2.q5.hint2", "B2.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="keep_informed",
        points=1,
        checks=(
            is_instance(list, "B2.q6.is_list"),
            Check(
                "B2.q6.names",
                lambda v: set(v) <= set(situation.example("stakeholders")["stakeholder"]),
            ),
            Check("B2.q6.members", lambda v: set(v) == _keep_informed() and len(v) == len(set(v))),
        ),
        hints=("B2.q6.hint1", "B2.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="first_component_2022",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(list(data.COMPONENTS)),
            Check("B2.q7.first", lambda v: v == _first_component_2022()),
        ),
        hints=("B2.q7.hint1", "B2.q7.hint2"),
    ),
]
