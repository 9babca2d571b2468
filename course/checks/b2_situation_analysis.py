"""Practice checks and hints for the B2 Situation analysis exercise."""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from course import data, maturity, situation
from course.learn import (
    Check,
    Questions,
    close_to,
    equals,
    has_columns,
    in_range,
    is_instance,
    is_number,
    is_table,
    is_text,
    one_of,
    positive,
    same_set,
    within,
)

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


q = Questions("B2")

QUESTIONS = [
    q(
        "q1",
        "scores",
        points=2,
        hints=2,
        checks=[
            is_table(),
            has_columns("dimension", "score"),
            Check("rows", lambda v: set(v["dimension"]) == set(maturity.DIMENSIONS)),
            Check("values", _scores_match),
        ],
    ),
    q(
        "q2",
        "first_priority",
        hints=2,
        checks=[is_text(), one_of(list(maturity.DIMENSIONS)), equals(_first_priority, "first")],
    ),
    q(
        "q3",
        "sekong_per_staff",
        hints=2,
        checks=[is_number(), in_range(0, 2), close_to(_sekong_per_staff, 1e-3, "value")],
    ),
    q(
        "q4",
        "share_old",
        hints=2,
        checks=[is_number(), in_range(0, 1), close_to(_share_old, 1e-3, "value")],
    ),
    q(
        "q5",
        "hybrid_cost",
        points=2,
        hints=2,
        checks=[is_number(), positive(), close_to(_hybrid_cost, 0.5, "value")],
    ),
    q(
        "q6",
        "keep_informed",
        hints=2,
        checks=[
            is_instance(list, "is_list"),
            within(lambda: situation.example("stakeholders")["stakeholder"], "names"),
            same_set(_keep_informed, "members"),
        ],
    ),
    q(
        "q7",
        "first_component_2022",
        hints=2,
        checks=[is_text(), one_of(list(data.COMPONENTS)), equals(_first_component_2022, "first")],
    ),
]
