"""Practice checks and hints for the B8 Capstone exercise: is the trainee's plan complete and consistent?

The trainee may plan for Sekong or for their own PPA, so the practice checks look at
the shape and the inner consistency of each answer, not at one expected value; the
hidden tests in the notebook compare each answer with the trainee's own inputs.
"""

from __future__ import annotations

import re

import pandas as pd

from course import capstone, data, design, maturity, roadmap
from course.learn import Check, Question, is_instance
from course.messages import t

#: The planning rules of the exercise (its setup cell imports them from here).
START, END = 2026, 2028
CEILING = 450  # million LAK a year (illustrative)
REACH = 0.6  # share of every group the channels should reach
CHANNEL_BUDGET = 150  # million LAK a year (illustrative)
MIN_INITIATIVES = 10


def _scores_complete(value: pd.DataFrame) -> bool:
    return (
        sorted(value["dimension"]) == sorted(maturity.DIMENSIONS) and value["score"].notna().all()
    )


def _scores_in_range(value: pd.DataFrame) -> bool:
    return bool(value["score"].astype(float).between(1, 5).all())


def _top_gaps_ordered(value: list) -> bool:
    return len(set(value)) == 3 and all(v in maturity.DIMENSIONS for v in value)


def _words(text: str) -> int:
    return len(re.findall(r"[\w'-]+", text))


def _covers_sdg(value: str) -> bool:
    return bool(design.check_vision(value)["covered"].all())


def _catalogue_ids() -> set[str]:
    return set(data.synthetic("roadmap_initiatives")["id"])


def _closed(value: pd.DataFrame) -> bool:
    ids = set(value["id"])
    return all(set(roadmap.split_ids(d)) <= ids for d in value["depends_on"])


def _period(value: capstone.Roadmap) -> bool:
    return (value.start_year, value.end_year, float(value.ceiling)) == (START, END, CEILING)


def _fits_period(value: capstone.Roadmap) -> bool:
    return roadmap.plan_length(value.schedule) <= value.months


def _fits_ceiling(value: capstone.Roadmap) -> bool:
    budget = roadmap.budget_by_year(value.schedule, value.initiatives, value.start_year)
    return roadmap.over_ceiling(budget, value.ceiling).empty


def _roadmap_findings(value: capstone.Roadmap) -> bool:
    plan = capstone.Plan("check", roadmap=value)
    table = capstone.check_plan(plan)
    return bool(table.loc[table["section"] == capstone.section_label("roadmap"), "ok"].all())


def _reach_rules(value: capstone.CapacityInclusion) -> bool:
    targets = value.channels.targets.values()
    return float(value.channel_budget) == CHANNEL_BUDGET and all(
        abs(x - REACH) < 1e-9 for x in targets
    )


def _smart(value: pd.DataFrame) -> bool:
    table = capstone.check_plan(capstone.Plan("check", me=value))
    return bool(table.loc[table["check"] == t("capstone.check.me.smart"), "ok"].all())


def _complete(value: capstone.Plan) -> bool:
    return all(getattr(value, s) is not None for s in capstone.SECTIONS)


QUESTIONS = [
    Question(
        name="q1",
        variable="scores",
        points=1,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B8.q1.columns", lambda v: {"dimension", "score"} <= set(v.columns)),
            Check("B8.q1.complete", _scores_complete),
            Check("B8.q1.range", _scores_in_range),
        ),
        hints=("B8.q1.hint1", "B8.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="situation_part",
        points=1,
        checks=(
            is_instance(capstone.Situation, "B8.q2.type"),
            Check("B8.q2.target", lambda v: float(v.target) == 3),
            Check("B8.q2.scores", lambda v: _scores_complete(v.scores)),
            Check("B8.q2.equipment", lambda v: set(v.equipment["province"]) == {v.province}),
        ),
        hints=("B8.q2.hint1", "B8.q2.hint2"),
    ),
    Question(
        name="q3",
        variable="top_gaps",
        points=1,
        checks=(
            is_instance(list, "B8.q3.list"),
            Check("B8.q3.three", lambda v: len(v) == 3),
            Check("B8.q3.dimensions", _top_gaps_ordered),
        ),
        hints=("B8.q3.hint1", "B8.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="vision",
        points=1,
        checks=(
            is_instance(str, "check.is_text"),
            Check("B8.q4.length", lambda v: 12 <= _words(v) <= 60),
            Check("B8.q4.sdg", _covers_sdg),
            Check("B8.q4.feedback", lambda v: design.vision_feedback(v) == []),
        ),
        hints=("B8.q4.hint1", "B8.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="chosen",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B8.q5.columns", lambda v: {"id", "depends_on"} <= set(v.columns)),
            Check("B8.q5.known", lambda v: set(v["id"]) <= _catalogue_ids()),
            Check(
                "B8.q5.count",
                lambda v: v["id"].nunique() >= MIN_INITIATIVES,
                {"minimum": MIN_INITIATIVES},
            ),
            Check("B8.q5.closed", _closed),
        ),
        hints=("B8.q5.hint1", "B8.q5.hint2", "B8.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="roadmap_part",
        points=2,
        checks=(
            is_instance(capstone.Roadmap, "B8.q6.type"),
            Check("B8.q6.rules", _period, {"start": START, "end": END, "ceiling": CEILING}),
            Check(
                "B8.q6.count", lambda v: len(v.ids) >= MIN_INITIATIVES, {"minimum": MIN_INITIATIVES}
            ),
            Check("B8.q6.period", _fits_period),
            Check("B8.q6.ceiling", _fits_ceiling),
            Check("B8.q6.consistent", _roadmap_findings),
        ),
        hints=("B8.q6.hint1", "B8.q6.hint2", "B8.q6.hint3"),
    ),
    Question(
        name="q7",
        variable="capacity_part",
        points=1,
        checks=(
            is_instance(capstone.CapacityInclusion, "B8.q7.type"),
            Check("B8.q7.rules", _reach_rules, {"reach": REACH, "budget": CHANNEL_BUDGET}),
            Check("B8.q7.training", lambda v: v.training_cost > 0),
            Check("B8.q7.reach", lambda v: v.channels.meets_targets),
        ),
        hints=("B8.q7.hint1", "B8.q7.hint2"),
    ),
    Question(
        name="q8",
        variable="me_part",
        points=2,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("B8.q8.linked", lambda v: "initiatives" in v.attrs and "initiative_id" in v),
            Check("B8.q8.smart", _smart),
            Check("B8.q8.coverage", lambda v: capstone.unmeasured(v) == []),
        ),
        hints=("B8.q8.hint1", "B8.q8.hint2", "B8.q8.hint3"),
    ),
    Question(
        name="q9",
        variable="plan",
        points=2,
        checks=(
            is_instance(capstone.Plan, "B8.q9.type"),
            Check("B8.q9.sections", _complete),
            Check("B8.q9.findings", lambda v: capstone.findings(v) == []),
        ),
        hints=("B8.q9.hint1", "B8.q9.hint2"),
    ),
]
