"""Practice checks and hints for the B5 Capacity development exercise (SYNTHETIC skills survey)."""

from __future__ import annotations

import pandas as pd

from course import capacity, data
from course.learn import (
    Check,
    Questions,
    close_to,
    count,
    equals,
    in_range,
    is_number,
    is_text,
    one_of,
    positive,
    whole_number,
)

#: The exercise's choices (the question cells say them too).
COHORT_SIZE = 20
BIG_COHORT = 25
MIXED = {"basic_ict": "in_person"}  # every other course online


def _survey() -> pd.DataFrame:
    return data.synthetic("staff_skills")


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


q = Questions("B5")

QUESTIONS = [
    q(
        "q1",
        "mean_cyber",
        hints=2,
        checks=[is_number(), in_range(0, 4), close_to(_mean_cyber, 1e-3)],
    ),
    q(
        "q2",
        "widest_gap_heads",
        hints=2,
        checks=[is_text(), one_of(capacity.competences()), equals(_widest_for_heads, "competence")],
    ),
    q(
        "q3",
        "below_data_south",
        hints=2,
        checks=[whole_number(), in_range(0, 209), count(_below_data_south)],
    ),
    q(
        "q4",
        "first_province_cyber",
        hints=2,
        checks=[
            is_text(),
            Check("province", lambda v: v in set(_survey()["province"])),
            equals(_first_province_cyber, "first"),
        ],
    ),
    q(
        "q5",
        "cohorts_cyber",
        hints=2,
        checks=[
            whole_number(),
            in_range(1, 209),
            Check("rounded", lambda v: int(v) * BIG_COHORT >= _cyber_learners()),
            count(_cohorts_cyber),
        ],
    ),
    q(
        "q6",
        "plan_cost",
        points=2,
        hints=2,
        checks=[is_number(), positive(), close_to(_mixed_cost, 0.05, "amount")],
    ),
    q(
        "q7",
        "saving",
        hints=2,
        checks=[is_number(), positive(), close_to(_saving, 0.05, "amount")],
    ),
    q("q8", "trainers", hints=2, checks=[whole_number(), in_range(0, 209), count(_trainers)]),
]
