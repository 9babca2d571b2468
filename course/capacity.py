"""Capacity development (module B5): skills against a competence framework, training needs, costed plans.

The competence framework and the target level of each role are data files in
`data/files/capacity/` (an illustrative framework written for this course, levels 0 to
4). A skills survey has one row per person: `staff_id`, `role` and one column per
competence holding a whole level from 0 to 4 (other columns, such as `province`, are
kept). Training costs use `UnitCosts`, whose default values are ILLUSTRATIVE, in million
LAK, not real prices. Every mistake in the input raises `UserError` naming the row and
column.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from course import cells, roadmap
from course.errors import UserError
from course.messages import t

FOLDER = Path(__file__).parent / "data" / "files" / "capacity"
LEVEL_MIN, LEVEL_MAX = 0, 4
SURVEY_REQUIRED = ("staff_id", "role")
DELIVERY = ("in_person", "online", "blended")

#: Days of training per course, by competence (illustrative; a trainer may change them).
COURSE_DAYS: dict[str, int] = {
    "basic_ict": 3,
    "data_handling": 3,
    "cybersecurity": 2,
    "online_collaboration": 2,
    "digital_service_design": 4,
    "digital_leadership": 2,
}


@dataclass(frozen=True)
class UnitCosts:
    """ILLUSTRATIVE unit costs of training, in million LAK (not real prices or rates).

    - `trainer_day`: one trainer for one day (fee and costs);
    - `venue_day`: a training room and equipment for one cohort for one day;
    - `learner_day_in_person`: one learner's travel, lodging and meals for one day;
    - `learner_day_online`: one learner's mobile data for one online day;
    - `online_day`: the online platform and technical support for one cohort-day.
    """

    trainer_day: float = 1.5
    venue_day: float = 1.0
    learner_day_in_person: float = 0.5
    learner_day_online: float = 0.05
    online_day: float = 0.3


def cost_note() -> str:
    """Return the line to show beside any training cost: the unit costs are illustrative."""
    return t("capacity.cost_note")


# The framework and the targets ----------------------------------------------------------


def framework(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the competence framework: `competence, level, descriptor` (levels 0-4 for each)."""
    table = cells.frame(
        cells.read_csv(FOLDER / "framework.csv" if path is None else path),
        ("competence", "level", "descriptor"),
        "capacity.what.framework",
    )
    for index, cell in enumerate(table["level"]):
        cells.score(cell, index + 1, "level", LEVEL_MIN, LEVEL_MAX, whole=True)
    table["level"] = table["level"].astype(int)
    for competence, group in table.groupby("competence", sort=False):
        if sorted(group["level"]) != list(range(LEVEL_MIN, LEVEL_MAX + 1)):
            raise UserError(t("capacity.error.framework_levels", competence=competence))
    return table


@cache
def _default_framework() -> pd.DataFrame:
    return framework()


def competences() -> list[str]:
    """Return the competences of the framework, in its order."""
    return list(dict.fromkeys(_default_framework()["competence"]))


def competence_label(competence: str) -> str:
    """Return the display name of a competence (from the message catalogue)."""
    if competence not in competences():
        raise UserError(
            t("capacity.error.unknown_competence", value=competence, known=", ".join(competences()))
        )
    return t(f"capacity.competence.{competence}")


def level_label(level: int) -> str:
    """Return the short name of a level 0-4 (e.g. 3 -> "independent")."""
    if isinstance(level, bool) or level not in range(LEVEL_MIN, LEVEL_MAX + 1):
        raise UserError(t("capacity.error.level", value=level))
    return t(f"capacity.level.{level}")


def targets(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the target level of each role: `role` and one column per competence."""
    table = cells.frame(
        cells.read_csv(FOLDER / "targets.csv" if path is None else path),
        ("role", *competences()),
        "capacity.what.targets",
    )
    for column in competences():
        table[column] = [
            int(cells.score(v, i + 1, column, LEVEL_MIN, LEVEL_MAX, whole=True))
            for i, v in enumerate(table[column])
        ]
    return table


# The survey -------------------------------------------------------------------------------


def validate_survey(survey: pd.DataFrame, target_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a clean copy of a skills survey, or raise UserError naming the row and column.

    Needs `staff_id` (each used once), `role` (a role of the targets table) and one
    column per competence with a whole level from 0 to 4.
    """
    goals = targets() if target_table is None else target_table
    table = cells.frame(survey, (*SURVEY_REQUIRED, *competences()), "capacity.what.survey")
    roles = set(goals["role"])
    seen: dict[str, int] = {}
    for index in range(len(table)):
        row = index + 1
        ident = cells.text(table.at[index, "staff_id"])
        if not ident:
            raise cells.cell_error(row, "staff_id", "cells.error.blank")
        if ident in seen:
            raise cells.cell_error(
                row, "staff_id", "capacity.error.duplicate_id", value=ident, other=seen[ident]
            )
        seen[ident] = row
        role = cells.text(table.at[index, "role"])
        if role not in roles:
            raise cells.cell_error(
                row,
                "role",
                "capacity.error.unknown_role",
                value=role,
                known=", ".join(sorted(roles)),
            )
    table["staff_id"] = [cells.text(v) for v in table["staff_id"]]
    table["role"] = [cells.text(v) for v in table["role"]]
    for column in competences():
        table[column] = [
            int(cells.score(v, i + 1, column, LEVEL_MIN, LEVEL_MAX, whole=True))
            for i, v in enumerate(table[column])
        ]
    return table


def gaps(survey: pd.DataFrame, target_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per person and competence: `level`, `target` and `gap` = max(target - level, 0).

    The other survey columns (e.g. `province`, `region`) come along, so the table can be
    grouped any way.
    """
    goals = targets() if target_table is None else target_table
    table = validate_survey(survey, goals)
    keep = [c for c in table.columns if c not in competences()]
    long = table.melt(
        id_vars=keep, value_vars=competences(), var_name="competence", value_name="level"
    )
    goal_long = goals.melt(id_vars="role", var_name="competence", value_name="target")
    long = long.merge(goal_long, on=["role", "competence"], how="left", sort=False)
    long["gap"] = (long["target"] - long["level"]).clip(lower=0).astype(int)
    return long


def person_gaps(survey: pd.DataFrame, target_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per person: their gap in each competence, `total_gap` and `below`
    (how many competences are under target). Largest total gap first."""
    table = validate_survey(survey, target_table)
    long = gaps(table, target_table)
    wide = long.pivot(index="staff_id", columns="competence", values="gap")[competences()]
    keep = [c for c in table.columns if c not in competences()]
    result = table[keep].merge(wide.reset_index(), on="staff_id", how="left")
    result["total_gap"] = result[competences()].sum(axis=1).astype(int)
    result["below"] = (result[competences()] > 0).sum(axis=1).astype(int)
    return result.sort_values("total_gap", ascending=False, kind="stable").reset_index(drop=True)


def competence_summary(
    survey: pd.DataFrame, target_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return one row per competence: `staff`, `mean_level`, `below` (staff under target),
    `share_below` and `mean_gap`. The competence with the largest share below comes first."""
    long = gaps(survey, target_table)
    summary = long.groupby("competence", sort=False).agg(
        staff=("staff_id", "size"),
        mean_level=("level", "mean"),
        below=("gap", lambda g: int((g > 0).sum())),
        mean_gap=("gap", "mean"),
    )
    summary["share_below"] = summary["below"] / summary["staff"]
    summary = summary.reset_index()[
        ["competence", "staff", "mean_level", "below", "share_below", "mean_gap"]
    ]
    summary[["mean_level", "share_below", "mean_gap"]] = summary[
        ["mean_level", "share_below", "mean_gap"]
    ].round(4)
    return summary.sort_values(
        ["share_below", "mean_gap"], ascending=False, kind="stable"
    ).reset_index(drop=True)


def profile(survey: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return the mean level of each competence (columns) for each group of column `by` (rows)."""
    table = validate_survey(survey)
    if by not in table.columns or by in competences():
        raise UserError(t("capacity.error.unknown_column", value=by))
    return table.groupby(by)[competences()].mean().round(2)


def priority_cohorts(
    survey: pd.DataFrame,
    competence: str,
    by: str = "province",
    target_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the groups (e.g. provinces) in the order to train them in one competence.

    Columns: `<by>`, `staff`, `below` (staff under target), `share_below`, `mean_gap`
    and `priority` (1 = train first). Order: the largest share below target first,
    then the largest mean gap, then the most staff below.
    """
    competence_label(competence)
    long = gaps(survey, target_table)
    if by not in long.columns or by in ("competence", "level", "target", "gap"):
        raise UserError(t("capacity.error.unknown_column", value=by))
    rows = long[long["competence"] == competence]
    table = rows.groupby(by, sort=True).agg(
        staff=("staff_id", "size"),
        below=("gap", lambda g: int((g > 0).sum())),
        mean_gap=("gap", "mean"),
    )
    table["share_below"] = (table["below"] / table["staff"]).round(4)
    table["mean_gap"] = table["mean_gap"].round(4)
    table = table.reset_index().sort_values(
        ["share_below", "mean_gap", "below"], ascending=False, kind="stable"
    )
    table["priority"] = range(1, len(table) + 1)
    return table[[by, "staff", "below", "share_below", "mean_gap", "priority"]].reset_index(
        drop=True
    )


def training_needs(
    survey: pd.DataFrame, by: str | None = None, target_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return how many people need training in each competence (their level is under target).

    Columns: `<by>` (if given, e.g. "region"), `competence`, `learners`. Rows with no
    learner are left out.
    """
    long = gaps(survey, target_table)
    keys = ["competence"] if by is None else [by, "competence"]
    if by is not None and by not in long.columns:
        raise UserError(t("capacity.error.unknown_column", value=by))
    below = long[long["gap"] > 0]
    needs = below.groupby(keys, sort=False).size().rename("learners").reset_index()
    order = {c: n for n, c in enumerate(competences())}
    needs["_order"] = needs["competence"].map(order)
    sort = ["_order"] if by is None else [by, "_order"]
    needs = needs.sort_values(sort, kind="stable").drop(columns="_order")
    return needs.reset_index(drop=True)


def talent_pool(
    survey: pd.DataFrame, competences_needed: Iterable[str], min_level: int = 4
) -> pd.DataFrame:
    """Return the people at `min_level` or above in every listed competence (possible trainers)."""
    table = validate_survey(survey)
    needed = list(competences_needed)
    if not needed:
        raise UserError(t("capacity.error.no_competences"))
    for competence in needed:
        competence_label(competence)
    level_label(min_level)
    keep = (table[needed] >= min_level).all(axis=1)
    return table[keep].reset_index(drop=True)


# The costed training plan -----------------------------------------------------------------


def _whole(name: str, value: object, low: int) -> int:
    """Return `value` as a whole number of at least `low`, or raise a UserError naming it."""
    try:
        ok = not isinstance(value, bool) and float(value).is_integer() and float(value) >= low
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise UserError(t("capacity.error.whole", name=name, value=value, low=low))
    return int(float(value))


def cohorts_needed(learners: int, cohort_size: int) -> int:
    """Return how many cohorts (groups) train `learners` people at most `cohort_size` at a time."""
    return math.ceil(_whole("learners", learners, 0) / _whole("cohort_size", cohort_size, 1))


def _split_days(days: int, delivery: str) -> tuple[int, int]:
    """Return (days in person, days online) of a course under a delivery mode."""
    if delivery == "in_person":
        return days, 0
    if delivery == "online":
        return 0, days
    in_person = math.ceil(days / 2)
    return in_person, days - in_person


def plan_training(
    needs: pd.DataFrame,
    *,
    cohort_size: int = 20,
    delivery: str | Mapping[str, str] = "in_person",
    days: Mapping[str, int] | None = None,
    trainers_per_cohort: int = 2,
    costs: UnitCosts | None = None,
) -> pd.DataFrame:
    """Return a costed training plan: one row per line of `needs` (`competence`, `learners`).

    Adds `cohorts`, `days`, `delivery`, `trainer_days` and the costs in million LAK
    (ILLUSTRATIVE unit costs): `trainer_cost` (cohorts x trainers x days x trainer_day),
    `venue_cost` (per cohort-day: a room in person, the platform online),
    `learner_cost` (per learner-day: travel and lodging in person, data online) and
    `cost`, the total. `delivery` is "in_person", "online" or "blended" (half the days in
    person, rounded up), for all courses or per competence.
    """
    unit = UnitCosts() if costs is None else costs
    course_days = dict(COURSE_DAYS if days is None else days)
    table = cells.frame(needs, ("competence", "learners"), "capacity.what.needs")
    _whole("cohort_size", cohort_size, 1)
    trainers_per_cohort = _whole("trainers_per_cohort", trainers_per_cohort, 1)
    rows = []
    for index in range(len(table)):
        row = index + 1
        competence = cells.text(table.at[index, "competence"])
        if competence not in competences():
            raise cells.cell_error(
                row,
                "competence",
                "capacity.error.unknown_competence",
                value=competence,
                known=", ".join(competences()),
            )
        learners = cells.number(table.at[index, "learners"], row, "learners")
        if learners < 0 or not learners.is_integer():
            raise cells.cell_error(
                row, "learners", "capacity.error.learners", value=table.at[index, "learners"]
            )
        mode = delivery if isinstance(delivery, str) else delivery.get(competence, "in_person")
        if mode not in DELIVERY:
            raise UserError(t("capacity.error.delivery", value=mode, known=", ".join(DELIVERY)))
        length = course_days.get(competence)
        if length is None or isinstance(length, bool) or int(length) != length or length < 1:
            raise UserError(t("capacity.error.days", competence=competence, value=length))
        groups = cohorts_needed(int(learners), cohort_size)
        in_person, online = _split_days(int(length), mode)
        rows.append(
            {
                "cohorts": groups,
                "days": int(length),
                "delivery": mode,
                "trainer_days": groups * trainers_per_cohort * int(length),
                "trainer_cost": groups * trainers_per_cohort * int(length) * unit.trainer_day,
                "venue_cost": groups * (in_person * unit.venue_day + online * unit.online_day),
                "learner_cost": learners
                * (in_person * unit.learner_day_in_person + online * unit.learner_day_online),
            }
        )
    plan = pd.concat([table.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    plan["learners"] = [int(cells.number(v, 1, "learners")) for v in plan["learners"]]
    plan["cost"] = plan["trainer_cost"] + plan["venue_cost"] + plan["learner_cost"]
    money = ["trainer_cost", "venue_cost", "learner_cost", "cost"]
    plan[money] = plan[money].astype(float).round(4)
    return plan


def compare_delivery(needs: pd.DataFrame, **options) -> pd.DataFrame:
    """Return the plan's totals under each delivery mode: `delivery, cohorts, trainer_days,
    trainer_cost, venue_cost, learner_cost, cost` (million LAK, illustrative)."""
    rows = []
    for mode in DELIVERY:
        plan = plan_training(needs, delivery=mode, **options)
        sums = plan[
            ["cohorts", "trainer_days", "trainer_cost", "venue_cost", "learner_cost", "cost"]
        ].sum()
        rows.append({"delivery": mode, **sums.round(4).to_dict()})
    result = pd.DataFrame(rows)
    result[["cohorts", "trainer_days"]] = result[["cohorts", "trainer_days"]].astype(int)
    return result


def unit_costs_table(costs: UnitCosts | None = None) -> pd.DataFrame:
    """Return the unit costs as a two-column table (`item`, `million_lak`) to show in a lesson."""
    unit = UnitCosts() if costs is None else costs
    return pd.DataFrame(
        [{"item": t(f"capacity.unit.{k}"), "million_lak": v} for k, v in asdict(unit).items()]
    )


# Talent: scoring measures to recruit, keep and motivate -----------------------------------


def rank_measures(measures: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Return measures (one per row) with `score` (weighted mean of 1-5 criteria) and `rank`.

    Uses the same weighted mean as the roadmap (`roadmap.weighted_score`); a cell outside
    1-5 names its row and column. Sorted by rank (1 = best; ties share a rank).
    """
    table = cells.frame(measures, (), "roadmap.what.options")
    table["score"] = roadmap.weighted_score(table, weights).to_numpy()
    table["rank"] = table["score"].rank(ascending=False, method="min").astype(int)
    return table.sort_values("rank", kind="stable").reset_index(drop=True)
