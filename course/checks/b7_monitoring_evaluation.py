"""Practice checks and hints for the B7 Monitoring and evaluation exercise."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from course import data, indicators, logframe, survey
from course.learn import Check, Question, close_to, in_range, is_instance, is_number, one_of

DRAFT_IDS = {"I1", "A1", "OP1", "OC1", "IM1"}


def _feedback() -> pd.DataFrame:
    return data.synthetic("citizen_feedback")


def _tracked() -> pd.DataFrame:
    return indicators.track(data.synthetic("me_indicators"), data.synthetic("me_actuals"))


def _by_service() -> pd.DataFrame:
    return survey.breakdown(_feedback(), "service", "satisfaction").set_index("service")


def _dakcheung_margin() -> float:
    row = survey.breakdown(_feedback(), "district", "satisfaction").set_index("district")
    return float((row.loc["Dakcheung", "high"] - row.loc["Dakcheung", "low"]) / 2)


def _weighted_share() -> float:
    weighted = survey.add_weights(_feedback(), "area", survey.ILLUSTRATIVE_POPULATION["area"])
    return survey.overall(weighted, "satisfaction", weights="weight").value


def _unweighted_share() -> float:
    return survey.overall(_feedback(), "satisfaction").value


def _service_shares_match(value: pd.DataFrame) -> bool:
    expected = _by_service()["share"]
    mine = value.set_index("service")["share"]
    return set(mine.index) == set(expected.index) and all(
        abs(float(mine[s]) - float(expected[s])) < 1e-6 for s in expected.index
    )


QUESTIONS = [
    Question(
        name="q1",
        variable="fixed_logframe",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B7.q1.columns", lambda v: set(logframe.LOGFRAME_COLUMNS) <= set(v.columns)),
            Check("B7.q1.rows", lambda v: set(v["id"]) >= DRAFT_IDS),
            Check("B7.q1.problems", lambda v: logframe.logframe_problems(v) == []),
        ),
        hints=("B7.q1.hint1", "B7.q1.hint2", "B7.q1.hint3"),
    ),
    Question(
        name="q2",
        variable="better_indicator",
        points=2,
        checks=(
            is_instance(Mapping, "B7.q2.dict"),
            Check(
                "B7.q2.kept",
                lambda v: float(v["baseline"]) == 90 and int(v["baseline_year"]) == 2024,
            ),
            Check("B7.q2.direction", lambda v: str(v["direction"]).strip().lower() == "decrease"),
            Check("B7.q2.smart", lambda v: logframe.smart_gaps(v) == []),
        ),
        hints=("B7.q2.hint1", "B7.q2.hint2", "B7.q2.hint3"),
    ),
    Question(
        name="q3",
        variable="dt02_progress",
        points=1,
        checks=(
            is_number(),
            Check("B7.q3.share", lambda v: -1 <= float(v) <= 2),
            close_to(lambda: indicators.progress(20, 80, 58), 1e-3),
        ),
        hints=("B7.q3.hint1", "B7.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="dt03_milestone",
        points=1,
        checks=(
            is_number(),
            in_range(20, 45),
            close_to(lambda: indicators.expected(45, 20, 2021, 2026, 2025), 1e-3),
        ),
        hints=("B7.q4.hint1", "B7.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="odsc_status",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(list(indicators.STATUSES)),
            Check("B7.q5.status", lambda v: v == indicators.status(120, 60, 95, 2022, 2027, 2025)),
        ),
        hints=("B7.q5.hint1", "B7.q5.hint2", "B7.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="off_track_ids",
        points=1,
        checks=(
            is_instance(list, "B7.q6.list"),
            Check(
                "B7.q6.known",
                lambda v: set(v) <= set(data.synthetic("me_indicators")["indicator_id"]),
            ),
            Check(
                "B7.q6.ids",
                lambda v: (
                    sorted(v) == sorted(_tracked().query("status == 'off_track'")["indicator_id"])
                ),
            ),
        ),
        hints=("B7.q6.hint1", "B7.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="by_service",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check(
                "B7.q7.columns",
                lambda v: {"service", "n", "share", "low", "high"} <= set(v.columns),
            ),
            Check("B7.q7.values", _service_shares_match),
            Check("B7.q7.sorted", lambda v: list(v["share"]) == sorted(v["share"])),
        ),
        hints=("B7.q7.hint1", "B7.q7.hint2"),
    ),
    Question(
        name="q8",
        variable="dakcheung_margin",
        points=1,
        checks=(
            is_number(),
            Check("B7.q8.share", lambda v: 0 < float(v) < 1),
            close_to(_dakcheung_margin, 1e-3),
        ),
        hints=("B7.q8.hint1", "B7.q8.hint2", "B7.q8.hint3"),
    ),
    Question(
        name="q9",
        variable="weighted_share",
        points=2,
        checks=(
            is_number(),
            in_range(0, 1),
            Check("B7.q9.weighted", lambda v: abs(float(v) - _unweighted_share()) > 1e-3),
            close_to(_weighted_share, 1e-3),
        ),
        hints=("B7.q9.hint1", "B7.q9.hint2", "B7.q9.hint3"),
    ),
]
