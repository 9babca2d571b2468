"""Practice checks and hints for the B8 Capstone exercise: is the trainee's plan complete and consistent?

The trainee may plan for Sekong or for their own PPA, so the practice checks look at
the shape and the inner consistency of each answer, not at one expected value; the
hidden tests in the notebook compare each answer with the trainee's own inputs.
"""

from __future__ import annotations

import re

import pandas as pd

from course import capstone, data, design, maturity, roadmap
from course.learn import Check, Questions, has_columns, is_instance, is_table, is_text
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


q = Questions("B8")

QUESTIONS = [
    q(
        "q1",
        "scores",
        hints=2,
        checks=[
            is_table(),
            has_columns("dimension", "score"),
            Check("complete", _scores_complete),
            Check("range", _scores_in_range),
        ],
    ),
    q(
        "q2",
        "situation_part",
        hints=2,
        checks=[
            is_instance(capstone.Situation, "type"),
            Check("target", lambda v: float(v.target) == 3),
            Check("scores", lambda v: _scores_complete(v.scores)),
            Check("equipment", lambda v: set(v.equipment["province"]) == {v.province}),
        ],
    ),
    q(
        "q3",
        "top_gaps",
        hints=2,
        checks=[
            is_instance(list, "list"),
            Check("three", lambda v: len(v) == 3),
            Check("dimensions", _top_gaps_ordered),
        ],
    ),
    q(
        "q4",
        "vision",
        points=0,  # the form only; the trainer marks the vision in written answer 2
        hints=2,
        checks=[
            is_text(),
            Check("length", lambda v: 12 <= _words(v) <= 60),
            Check("sdg", _covers_sdg),
            Check("feedback", lambda v: design.vision_feedback(v) == []),
        ],
    ),
    q(
        "q5",
        "chosen",
        points=2,
        hints=2,
        checks=[
            is_table(),
            has_columns("id", "depends_on"),
            Check("known", lambda v: set(v["id"]) <= _catalogue_ids()),
            Check(
                "count",
                lambda v: v["id"].nunique() >= MIN_INITIATIVES,
                {"minimum": MIN_INITIATIVES},
            ),
            Check("closed", _closed),
        ],
    ),
    q(
        "q6",
        "roadmap_part",
        points=2,
        hints=2,
        checks=[
            is_instance(capstone.Roadmap, "type"),
            Check("rules", _period, {"start": START, "end": END, "ceiling": CEILING}),
            Check("count", lambda v: len(v.ids) >= MIN_INITIATIVES, {"minimum": MIN_INITIATIVES}),
            Check("period", _fits_period),
            Check("ceiling", _fits_ceiling),
            Check("consistent", _roadmap_findings),
        ],
    ),
    q(
        "q7",
        "capacity_part",
        hints=2,
        checks=[
            is_instance(capstone.CapacityInclusion, "type"),
            Check("rules", _reach_rules, {"reach": REACH, "budget": CHANNEL_BUDGET}),
            Check("training", lambda v: v.training_cost > 0),
            Check("reach", lambda v: v.channels.meets_targets),
        ],
    ),
    q(
        "q8",
        "me_part",
        points=2,
        hints=2,
        checks=[
            is_table(),
            Check("linked", lambda v: "initiatives" in v.attrs and "initiative_id" in v),
            Check("smart", _smart),
            Check("coverage", lambda v: capstone.unmeasured(v) == []),
        ],
    ),
    q(
        "q9",
        "plan",
        points=2,
        hints=2,
        checks=[
            is_instance(capstone.Plan, "type"),
            Check("sections", _complete),
            Check("findings", lambda v: capstone.findings(v) == []),
        ],
    ),
]
