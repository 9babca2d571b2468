"""Practice checks and hints for the B4 Strategy and roadmap exercise (SYNTHETIC catalogue)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from course import data, roadmap
from course.learn import Check, Question, close_to, in_range, is_instance, is_number

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
    """Question 4's table: I03 (internet) is made to wait for I07 (the web page)."""
    return _with("depends_on", "I03", "I07")


def slower() -> pd.DataFrame:
    """Questions 5 and 6's table: the computers (I02) take 9 months instead of 6."""
    return _with("duration", "I02", 9)


def _whole(value: Any) -> bool:
    return not isinstance(value, bool) and float(value) == int(value)


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value]


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


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


_IS_LIST = Check("B4.list", _is_id_list)

QUESTIONS = [
    Question(
        name="q1",
        variable="no_dependencies",
        points=1,
        checks=(
            Check("check.is_whole_number", _whole),
            in_range(0, 16),
            Check("B4.q1.count", lambda v: int(v) == _no_dependencies()),
        ),
        hints=("B4.q1.hint1", "B4.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="ranked",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B4.q2.columns", lambda v: {"id", "score", "rank"} <= set(v.columns)),
            Check("B4.q2.rows", lambda v: len(v) == len(_initiatives())),
            Check("B4.q2.sorted", _sorted_by_score),
            Check("B4.q2.scores", _scores_match),
        ),
        hints=("B4.q2.hint1", "B4.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="n_stable",
        points=1,
        checks=(
            Check("check.is_whole_number", _whole),
            in_range(0, 16),
            Check("B4.q3.count", lambda v: int(v) == _stable_count()),
        ),
        hints=("B4.q3.hint1", "B4.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="cycle_ids",
        points=1,
        checks=(
            _IS_LIST,
            Check("B4.q4.ids", lambda v: set(_ids(v)) == _cycle()),
        ),
        hints=("B4.q4.hint1", "B4.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="critical",
        points=2,
        checks=(
            _IS_LIST,
            Check("B4.q5.members", lambda v: set(_ids(v)) == set(_critical())),
            Check("B4.q5.order", lambda v: _ids(v) == _critical()),
        ),
        hints=("B4.q5.hint1", "B4.q5.hint2", "B4.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="plan_months",
        points=1,
        checks=(
            Check("check.is_whole_number", _whole),
            in_range(1, 120),
            Check(
                "B4.q6.length",
                lambda v: int(v) == roadmap.plan_length(roadmap.schedule(slower())),
            ),
        ),
        hints=("B4.q6.hint1", "B4.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="over_2026",
        points=1,
        checks=(
            is_number(),
            Check("B4.q7.positive", lambda v: float(v) > 0),
            close_to(_over_2026, 0.05, "B4.q7.amount"),
        ),
        hints=("B4.q7.hint1", "B4.q7.hint2"),
    ),
    Question(
        name="q8",
        variable="high_ids",
        points=1,
        checks=(
            _IS_LIST,
            Check("B4.q8.ids", lambda v: set(_ids(v)) == _high_risks()),
        ),
        hints=("B4.q8.hint1", "B4.q8.hint2"),
    ),
    Question(
        name="q9",
        variable="quick",
        points=1,
        checks=(
            _IS_LIST,
            Check("B4.q9.ids", lambda v: set(_ids(v)) == _quick_wins()),
        ),
        hints=("B4.q9.hint1", "B4.q9.hint2"),
    ),
]
