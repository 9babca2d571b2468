"""Practice checks and hints for the B1 Foundations exercise (EGDI benchmarking)."""

from __future__ import annotations

import pandas as pd

from course import data, egdi_peers
from course.learn import (
    Check,
    Questions,
    close_to,
    count,
    equals,
    has_columns,
    in_range,
    is_number,
    is_series,
    is_table,
    is_text,
    one_of,
    positive,
    whole_number,
)

LAO, YEAR = "LAO", 2024


def _asean_sorted(value: pd.DataFrame) -> bool:
    return list(value["egdi"]) == sorted(value["egdi"], reverse=True)


def _asean_members(value: pd.DataFrame) -> bool:
    return set(value["country"]) == set(egdi_peers.peer_table(YEAR)["country"])


def _gaps_match(value: pd.Series) -> bool:
    expected = egdi_peers.component_gaps(LAO, YEAR).set_index("component")["gap"]
    return all(abs(float(value[c]) - expected[c]) <= 1e-3 for c in data.COMPONENTS)


q = Questions("B1")

QUESTIONS = [
    q(
        "q1",
        "lao_egdi_2024",
        hints=3,
        checks=[is_number(), in_range(0, 1), close_to(lambda: egdi_peers.value(LAO, YEAR), 5e-4)],
    ),
    q(
        "q2",
        "egdi_change",
        hints=2,
        checks=[
            is_number(),
            in_range(-1, 1),
            positive("sign"),
            close_to(lambda: egdi_peers.change(LAO, 2010, YEAR), 5e-4),
        ],
    ),
    q(
        "q3",
        "asean_2024",
        points=2,
        hints=2,
        checks=[
            is_table(),
            has_columns("country", "egdi"),
            Check("members", _asean_members),
            Check("sorted", _asean_sorted),
        ],
    ),
    q(
        "q4",
        "lao_position",
        hints=2,
        checks=[
            whole_number(),
            in_range(1, len(data.asean(as_of=YEAR))),
            count(lambda: egdi_peers.position(LAO, YEAR), "position"),
        ],
    ),
    q(
        "q5",
        "weakest_component",
        hints=2,
        checks=[
            is_text(),
            one_of(list(data.COMPONENTS)),
            equals(lambda: egdi_peers.holding_back(LAO, YEAR), "weakest"),
        ],
    ),
    q(
        "q6",
        "gaps",
        points=2,
        hints=2,
        checks=[
            is_series(),
            Check("index", lambda v: set(v.index) == set(data.COMPONENTS)),
            Check("sign", lambda v: all(float(x) < 0 for x in v)),
            Check("values", _gaps_match),
        ],
    ),
]
