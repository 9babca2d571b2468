"""Practice checks and hints for the B7 Monitoring and evaluation exercise."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from course import data, indicators, learn, logframe, survey
from course.learn import Check, Questions

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


q = Questions("B7")

QUESTIONS = [
    q(
        "q1",
        "fixed_logframe",
        points=2,
        hints=2,
        checks=[
            learn.is_table(),
            learn.has_columns(*logframe.LOGFRAME_COLUMNS),
            Check("rows", lambda v: set(v["id"]) >= DRAFT_IDS),
            Check("problems", lambda v: logframe.logframe_problems(v) == []),
        ],
    ),
    q(
        "q2",
        "better_indicator",
        points=2,
        hints=2,
        checks=[
            learn.is_instance(Mapping, "dict"),
            Check(
                "kept",
                lambda v: float(v["baseline"]) == 90 and int(v["baseline_year"]) == 2024,
            ),
            Check("direction", lambda v: str(v["direction"]).strip().lower() == "decrease"),
            Check("smart", lambda v: logframe.smart_gaps(v) == []),
        ],
    ),
    q(
        "q3",
        "dt02_progress",
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(-1, 2, "share"),
            learn.close_to(lambda: indicators.progress(20, 80, 58), 1e-3),
        ],
    ),
    q(
        "q4",
        "dt03_milestone",
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(20, 45),
            learn.close_to(lambda: indicators.expected(45, 20, 2021, 2026, 2025), 1e-3),
        ],
    ),
    q(
        "q5",
        "odsc_status",
        hints=2,
        checks=[
            learn.is_text(),
            learn.one_of(list(indicators.STATUSES)),
            Check("status", lambda v: v == indicators.status(120, 60, 95, 2022, 2027, 2025)),
        ],
    ),
    q(
        "q6",
        "off_track_ids",
        hints=2,
        checks=[
            learn.is_instance(list, "list"),
            learn.within(lambda: data.synthetic("me_indicators")["indicator_id"], "known"),
            learn.same_set(
                lambda: _tracked().query("status == 'off_track'")["indicator_id"], "ids"
            ),
        ],
    ),
    q(
        "q7",
        "by_service",
        points=2,
        hints=2,
        checks=[
            learn.is_table(),
            learn.has_columns("service", "n", "share", "low", "high"),
            Check("values", _service_shares_match),
            Check("sorted", lambda v: list(v["share"]) == sorted(v["share"])),
        ],
    ),
    q(
        "q8",
        "dakcheung_margin",
        hints=2,
        checks=[
            learn.is_number(),
            Check("share", lambda v: 0 < float(v) < 1),
            learn.close_to(_dakcheung_margin, 1e-3),
        ],
    ),
    q(
        "q9",
        "weighted_share",
        points=2,
        hints=2,
        checks=[
            learn.is_number(),
            learn.in_range(0, 1),
            Check("weighted", lambda v: abs(float(v) - _unweighted_share()) > 1e-3),
            learn.close_to(_weighted_share, 1e-3),
        ],
    ),
]
