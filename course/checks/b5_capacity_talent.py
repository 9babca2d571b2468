"""Practice checks and hints for the B5 Capacity development exercise (SYNTHETIC skills survey)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from course import capacity, data
from course.learn import Check, Question, close_to, in_range, is_instance, is_number, one_of

#: The exercise's choices (the question cells say them too).
COHORT_SIZE = 20
BIG_COHORT = 25
MIXED = {"basic_ict": "in_person"}  # every other course online


def _survey() -> pd.DataFrame:
    return data.synthetic("staff_skills")


def _whole(value: Any) -> bool:
    return not isinstance(value, bool) and float(value) == int(value)


def _mean_cyber() -> float:
    return float(_survey()["cybersecurity"].mean())


def _widest_for_heads() -> str:
    survey = _survey()
    heads = survey[survey["role"] == "head_of_division"]
    return str(capacity.competence_summary(heads)["competence"].iloc[0])


def _below_data_south() -> int:
    needs = capacity.training_needs(_survey(), by="region")
    row = needs[(needs["region"] == "South") & (needs["competence"] == "data_handling")]
    return int(row["learners"].iloc[0])


def _first_province_cyber() -> str:
    return str(capacity.priority_cohorts(_survey(), "cybersecurity")["province"].iloc[0])


def _needs() -> pd.DataFrame:
    return capacity.training_needs(_survey())


def _cyber_learners() -> int:
    return int(_needs().set_index("competence").loc["cybersecurity", "learners"])


def _cohorts_cyber() -> int:
    return capacity.cohorts_needed(_cyber_learners(), BIG_COHORT)


def _mixed_cost() -> float:
    delivery = {c: MIXED.get(c, "online") for c in capacity.competences()}
    plan = capacity.plan_training(_needs(), cohort_size=COHORT_SIZE, delivery=delivery)
    return float(plan["cost"].sum())


def _saving() -> float:
    totals = capacity.compare_delivery(_needs(), cohort_size=COHORT_SIZE).set_index("delivery")
    return float(totals.loc["in_person", "cost"] - totals.loc["online", "cost"])


def _trainers() -> int:
    return len(capacity.talent_pool(_survey(), ["basic_ict", "data_handling"], min_level=4))


_WHOLE = Check("check.is_whole_number", _whole)

QUESTIONS = [
    Question(
        name="q1",
        variable="mean_cyber",
        points=1,
        checks=(is_number(), in_range(0, 4), close_to(_mean_cyber, 1e-3)),
        hints=("B5.q1.hint1", "B5.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="widest_gap_heads",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            one_of(capacity.competences()),
            Check("B5.q2.competence", lambda v: v == _widest_for_heads()),
        ),
        hints=("B5.q2.hint1", "B5.q2.hint2", "B5.q2.hint3"),
    ),
    Question(
        name="q3",
        variable="below_data_south",
        points=1,
        checks=(
            _WHOLE,
            in_range(0, 209),
            Check("B5.q3.count", lambda v: int(v) == _below_data_south()),
        ),
        hints=("B5.q3.hint1", "B5.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="first_province_cyber",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check("B5.q4.province", lambda v: v in set(_survey()["province"])),
            Check("B5.q4.first", lambda v: v == _first_province_cyber()),
        ),
        hints=("B5.q4.hint1", "B5.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="cohorts_cyber",
        points=1,
        checks=(
            _WHOLE,
            in_range(1, 209),
            Check("B5.q5.rounded", lambda v: int(v) * BIG_COHORT >= _cyber_learners()),
            Check("B5.q5.count", lambda v: int(v) == _cohorts_cyber()),
        ),
        hints=("B5.q5.hint1", "B5.q5.hint2"),
    ),
    Question(
        name="q6",
        variable="plan_cost",
        points=2,
        checks=(
            is_number(),
            Check("B5.q6.positive", lambda v: float(v) > 0),
            close_to(_mixed_cost, 0.05, "B5.q6.amount"),
        ),
        hints=("B5.q6.hint1", "B5.q6.hint2", "B5.q6.hint3"),
    ),
    Question(
        name="q7",
        variable="saving",
        points=1,
        checks=(
            is_number(),
            Check("B5.q7.positive", lambda v: float(v) > 0),
            close_to(_saving, 0.05, "B5.q7.amount"),
        ),
        hints=("B5.q7.hint1", "B5.q7.hint2"),
    ),
    Question(
        name="q8",
        variable="trainers",
        points=1,
        checks=(
            _WHOLE,
            in_range(0, 209),
            Check("B5.q8.count", lambda v: int(v) == _trainers()),
        ),
        hints=("B5.q8.hint1", "B5.q8.hint2"),
    ),
]
