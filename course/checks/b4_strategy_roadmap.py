"""Practice checks and hints for the B4 Strategy and roadmap exercise (SYNTHETIC catalogue)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from course import data, roadmap
from course.learn import (
    Check,
    Questions,
    close_to,
    count,
    has_columns,
    in_range,
    is_number,
    is_table,
    length,
    positive,
    text_list,
    whole_number,
)

#: The weights, the ceiling and the changes the exercise uses (also set in its setup cell).
WEIGHTS = {"impact": 2, "feasibility": 2, "urgency": 1}
CEILING = 1000
START_YEAR = 2026
QUICK_RULES: dict[str, Any] = {"min_feasibility": 3, "max_cost": 100, "done": ["I01", "I03"]}


def _initiatives() -> pd.DataFrame:
    return data.synthetic("roadmap_initiatives")


def _with(column: str, ident: str, value: Any) -> pd.DataFrame:
    """The catalogue with one cell changed (the exercise's 'what if' tables)."""
    table = _initiatives()
    table.loc[table["id"] == ident, column] = value
    return table


def circular() -> pd.DataFrame:
    """Question 4's table: I01 (basic ICT training) is made to wait for I06 (the digital archive)."""
    return _with("depends_on", "I01", "I06")


def slower() -> pd.DataFrame:
    """Questions 5 and 6's table: the computers (I02) take 9 months instead of 6."""
    return _with("duration", "I02", 9)


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value]


def _no_dependencies() -> int:
    return sum(1 for needs in roadmap.dependencies(_initiatives()).values() if not needs)


def _sorted_by_score(value: pd.DataFrame) -> bool:
    scores = [float(s) for s in value["score"]]
    return scores == sorted(scores, reverse=True)


def _scores_match(value: pd.DataFrame) -> bool:
    expected = roadmap.rank(_initiatives(), WEIGHTS).set_index("id")["score"]
    mine = value.set_index("id")["score"]
    return set(mine.index) == set(expected.index) and all(
        abs(float(mine[i]) - float(expected[i])) < 1e-3 for i in expected.index
    )


def _stable_count() -> int:
    return int(roadmap.rank_stability(_initiatives(), WEIGHTS, 0.2)["stable"].sum())


def _cycle() -> set[str]:
    try:
        roadmap.topological_order(circular())
    except roadmap.CycleError as error:
        return set(error.cycle)
    return set()


def _critical() -> list[str]:
    return roadmap.critical_path(roadmap.schedule(slower()))


def _over_2026() -> float:
    plan = roadmap.schedule(_initiatives())
    budget = roadmap.budget_by_year(plan, _initiatives(), START_YEAR)
    over = roadmap.over_ceiling(budget, CEILING)
    return float(over.loc[over["year"] == START_YEAR, "over"].iloc[0])


def _high_risks() -> set[str]:
    register = roadmap.risk_register(data.synthetic("roadmap_risks"))
    return set(register.loc[register["level"] == "high", "risk_id"])


def _quick_wins() -> set[str]:
    return set(roadmap.quick_wins(_initiatives(), **QUICK_RULES)["id"])


def _ids_are(expected: Callable[[], set[str]]) -> Check:
    return Check("ids", lambda v: set(_ids(v)) == expected())


q = Questions("B4")
_ID_LIST = text_list("B4.list")  # one message for every list of ids

QUESTIONS = [
    q(
        "q1",
        "no_dependencies",
        hints=2,
        checks=[whole_number(), in_range(0, 16), count(_no_dependencies)],
    ),
    q(
        "q2",
        "ranked",
        points=2,
        hints=2,
        checks=[
            is_table(),
            has_columns("id", "score", "rank"),
            length(lambda: len(_initiatives()), "rows"),
            Check("sorted", _sorted_by_score),
            Check("scores", _scores_match),
        ],
    ),
    q("q3", "n_stable", hints=2, checks=[whole_number(), in_range(0, 16), count(_stable_count)]),
    q("q4", "cycle_ids", hints=2, checks=[_ID_LIST, _ids_are(_cycle)]),
    q(
        "q5",
        "critical",
        points=2,
        hints=2,
        checks=[
            _ID_LIST,
            Check("members", lambda v: set(_ids(v)) == set(_critical())),
            Check("order", lambda v: _ids(v) == _critical()),
        ],
    ),
    q(
        "q6",
        "plan_months",
        hints=2,
        checks=[
            whole_number(),
            in_range(1, 120),
            count(lambda: roadmap.plan_length(roadmap.schedule(slower())), "length"),
        ],
    ),
    q(
        "q7",
        "over_2026",
        hints=2,
        checks=[is_number(), positive(), close_to(_over_2026, 0.05, "amount")],
    ),
    q("q8", "high_ids", hints=2, checks=[_ID_LIST, _ids_are(_high_risks)]),
    q("q9", "quick", hints=2, checks=[_ID_LIST, _ids_are(_quick_wins)]),
]
