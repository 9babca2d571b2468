"""Practice checks and hints for the B1 Foundations exercise (EGDI benchmarking)."""

from __future__ import annotations

import pandas as pd

from course import data, egdi_peers
from course.learn import Check, Question, close_to, in_range, is_instance, is_number, one_of

LAO, YEAR = "LAO", 2024


def _asean_sorted(value: pd.DataFrame) -> bool:
    return list(value["egdi"]) == sorted(value["egdi"], reverse=True)


def _asean_members(value: pd.DataFrame) -> bool:
    return set(value["country"]) == set(egdi_peers.peer_table(YEAR)["country"])


def _gaps_match(value: pd.Series) -> bool:
    expected = egdi_peers.component_gaps(LAO, YEAR).set_index("component")["gap"]
    return all(abs(float(value[c]) - expected[c]) <= 1e-3 for c in data.COMPONENTS)


QUESTIONS = [
    Question(
        name="q1",
        variable="lao_egdi_2024",
        points=1,
        checks=(
            is_number(),
            in_range(0, 1),
            close_to(lambda: egdi_peers.value(LAO, YEAR), 5e-4),
        ),
        hints=("B1.q1.hint1", "B1.q1.hint2", "B1.q1.hint3"),
    ),
    Question(
        name="q2",
        variable="egdi_change",
        points=1,
        checks=(
            is_number(),
            in_range(-1, 1),
            Check("B1.q2.sign", lambda v: float(v) > 0),
            close_to(lambda: egdi_peers.change(LAO, 2010, YEAR), 5e-4),
        ),
        hints=("B1.q2.hint1", "B1.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="asean_2024",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B1.q3.columns", lambda v: {"country", "egdi"} <= set(v.columns)),
            Check("B1.q3.members", _asean_members),
            Check("B1.q3.sorted", _asean_sorted),
        ),
        hints=("B1.q3.hint1", "B1.q3.hint2", "B1.q3.hint3"),
    ),
    Question(
        name="q4",
        variable="lao_position",
        points=1,
        checks=(
            Check(
                "check.is_whole_number", lambda v: float(v) == int(v) and not isinstance(v, bool)
            ),
            in_range(1, len(data.asean())),
            Check("B1.q4.position", lambda v: int(v) == egdi_peers.position(LAO, YEAR)),
        ),
        hints=("B1.q4.hint1", "B1.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="weakest_component",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(list(data.COMPONENTS)),
            Check("B1.q5.weakest", lambda v: v == egdi_peers.holding_back(LAO, YEAR)),
        ),
        hints=("B1.q5.hint1", "B1.q5.hint2"),
    ),
    Question(
        name="q6",
        variable="gaps",
        points=2,
        checks=(
            is_instance(pd.Series, "check.is_series"),
            Check("B1.q6.index", lambda v: set(v.index) == set(data.COMPONENTS)),
            Check("B1.q6.sign", lambda v: all(float(x) < 0 for x in v)),
            Check("B1.q6.values", _gaps_match),
        ),
        hints=("B1.q6.hint1", "B1.q6.hint2", "B1.q6.hint3"),
    ),
]
