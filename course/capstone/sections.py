"""The five sections of the capstone plan (module B8), each built from checked inputs by B2-B7 functions.

`course.capstone` re-exports everything here; see its docstring for the whole picture.
A bad entry raises `UserError` with a catalogue message that names the row and column
where it can.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from course import capacity, cells, inclusion, indicators, maturity, roadmap
from course import situation as situation_analysis
from course.errors import UserError
from course.messages import t

FIRST_YEAR, LAST_YEAR = 2000, 2100


# Small checks ----------------------------------------------------------------------------


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UserError(t("capstone.error.text", what=what, value=repr(value)))
    return value.strip()


def _rows_for(table: Any, province: str, what: str) -> pd.DataFrame:
    """The rows of `table` whose `province` is `province` (at least one)."""
    frame = cells.frame(table, ("province",), what)
    rows = frame[frame["province"].astype(str).str.strip() == province].reset_index(drop=True)
    if rows.empty:
        known = ", ".join(sorted(frame["province"].astype(str).str.strip().unique()))
        raise UserError(t("capstone.error.no_rows", province=province, what=t(what), known=known))
    return rows


def _year(value: Any, what: str) -> int:
    ok = (
        not isinstance(value, bool) and isinstance(value, int | float) and float(value).is_integer()
    )
    if not ok or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise UserError(
            t("capstone.error.year", what=what, value=repr(value), low=FIRST_YEAR, high=LAST_YEAR)
        )
    return int(value)


def _amount(value: Any, key: str) -> float:
    """A number of 0 or more (a budget), or UserError with message `key`."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number) or number < 0:
        raise UserError(t(key, value=repr(value)))
    return number


# 1. Situation ----------------------------------------------------------------------------


def answers_from_table(table: pd.DataFrame) -> dict[str, int]:
    """Return maturity answers {question_id: level} from a table with question_id and level.

    A blank level means "skipped". A question id used twice or not in the questionnaire,
    or a level that is not a whole number from 1 to 5, raises UserError naming the cell.
    """
    frame = cells.frame(table, ("question_id", "level"), "capstone.what.answers")
    known = list(maturity.load_questionnaire()["question_id"])
    answers: dict[str, int] = {}
    seen: dict[str, int] = {}
    for index in range(len(frame)):
        row = index + 1
        question = cells.text(frame.at[index, "question_id"])
        if not question:
            raise cells.cell_error(row, "question_id", "cells.error.blank")
        if question not in known:
            raise cells.cell_error(
                row,
                "question_id",
                "capstone.error.unknown_question",
                value=question,
                known=", ".join(known),
            )
        if question in seen:
            raise cells.cell_error(
                row, "question_id", "capstone.error.duplicate", value=question, other=seen[question]
            )
        seen[question] = row
        if cells.is_blank(frame.at[index, "level"]):
            continue
        answers[question] = int(cells.score(frame.at[index, "level"], row, "level", 1, 5, True))
    return maturity.check_answers(answers)


@dataclass
class Situation:
    """Section 1: where the PPA stands (maturity, capacity gaps, equipment)."""

    province: str
    scores: pd.DataFrame
    maturity_gaps: pd.DataFrame
    actions: pd.DataFrame
    capacity_gaps: pd.DataFrame
    equipment: pd.DataFrame
    equipment_gap: pd.DataFrame
    target: float = 3
    benchmark: pd.DataFrame | None = None
    benchmark_year: int | None = None

    def top_gaps(self, n: int = 3) -> list[str]:
        """Return the `n` dimensions with the largest maturity gap above 0, largest first."""
        rows = self.maturity_gaps[self.maturity_gaps["gap"] > 0]
        return list(rows["dimension"])[:n]

    @property
    def overall(self) -> float:
        """The mean maturity score over the dimensions."""
        return maturity.overall(self.scores)

    @property
    def equipment_cost(self) -> float:
        """What the missing hybrid-meeting equipment costs (the price list's currency)."""
        return float(self.equipment_gap["cost"].sum())


def situation_summary(
    province: str,
    answers: Mapping[str, Any] | pd.DataFrame,
    findings: pd.DataFrame,
    inventory: pd.DataFrame,
    staff: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    target: float | Mapping[str, float] = 3,
    price_column: str = "unit_price_usd",
    benchmark_year: int | None = 2024,
) -> Situation:
    """Build the situation summary of one PPA.

    `answers`: the maturity answers ({question_id: level} or a table with question_id and
    level); `findings`: capacity findings (`situation.capacity_gaps`); `inventory`, `staff`
    and `prices`: the ICT inventory, staff counts and unit prices, of which the rows of
    `province` are used. `target` is the maturity level aimed for. With
    `benchmark_year`, the national context comes too: Lao PDR's EGDI components against
    its ASEAN peers that year (real data, `situation.benchmark_priority`).
    """
    province = _text(province, t("capstone.what.province"))
    levels = answers_from_table(answers) if isinstance(answers, pd.DataFrame) else answers
    scores = maturity.score(levels)
    gap_table = maturity.gaps(scores, target)
    devices = _rows_for(inventory, province, "capstone.what.inventory")
    people = _rows_for(staff, province, "capstone.what.staff")
    needs = situation_analysis.hybrid_needs(devices, people)
    return Situation(
        province=province,
        scores=scores,
        maturity_gaps=gap_table,
        actions=maturity.suggested_actions(gap_table),
        capacity_gaps=situation_analysis.capacity_gaps(findings),
        equipment=situation_analysis.equipment_per_staff(devices, people),
        equipment_gap=situation_analysis.cost_gap(needs, prices, price_column),
        target=target if isinstance(target, int | float) else math.nan,
        benchmark=None
        if benchmark_year is None
        else situation_analysis.benchmark_priority("LAO", benchmark_year),
        benchmark_year=benchmark_year,
    )


# 3. Roadmap ------------------------------------------------------------------------------


def select_initiatives(catalogue: pd.DataFrame, ids: Iterable[str] | str) -> pd.DataFrame:
    """Return the chosen initiatives of a catalogue (validated, in catalogue order).

    `ids` is a list of ids (or one text such as "I01; I03"). An unknown id raises
    UserError; so does a chosen initiative that waits for one that is not chosen.
    """
    table = roadmap.validate(catalogue)
    wanted = roadmap.split_ids(ids) if isinstance(ids, str) else [str(i).strip() for i in ids]
    if not wanted:
        raise UserError(t("capstone.error.no_initiatives"))
    known = list(table["id"])
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise UserError(
            t("capstone.error.unknown_initiative", value=", ".join(unknown), known=", ".join(known))
        )
    chosen = table[table["id"].isin(wanted)].reset_index(drop=True)
    for ident, needs in zip(chosen["id"], chosen["depends_on"], strict=True):
        missing = [d for d in roadmap.split_ids(needs) if d not in wanted]
        if missing:
            raise UserError(
                t("capstone.error.missing_dependency", id=ident, missing=", ".join(missing))
            )
    chosen.attrs = dict(catalogue.attrs)
    return roadmap.validate(chosen)


@dataclass
class Roadmap:
    """Section 3: the initiatives ranked, scheduled and costed over the plan period."""

    initiatives: pd.DataFrame
    weights: dict[str, float]
    schedule: pd.DataFrame
    budget: pd.DataFrame
    ceiling: float
    start_year: int
    end_year: int
    not_before: dict[str, int] = field(default_factory=dict)
    risks: pd.DataFrame | None = None
    quick_wins: pd.DataFrame | None = None

    @property
    def months(self) -> int:
        """The length of the plan period in months (whole calendar years)."""
        return (self.end_year - self.start_year + 1) * 12

    @property
    def ids(self) -> list[str]:
        """The ids of the plan's initiatives."""
        return [str(i) for i in self.initiatives["id"]]

    @property
    def total_cost(self) -> float:
        """The cost of every initiative together (million LAK)."""
        return float(self.initiatives["cost"].astype(float).sum())


def build_roadmap(
    initiatives: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    start_year: int,
    end_year: int,
    ceiling: float,
    not_before: Mapping[str, int] | None = None,
    risks: pd.DataFrame | None = None,
) -> Roadmap:
    """Rank, schedule and cost the plan's initiatives over the years start_year..end_year.

    `ceiling` is the most the plan may spend in one year (million LAK); `not_before`
    delays some initiatives ({id: first month}, month 0 = January of `start_year`);
    `risks` is a risk table (`roadmap.risk_register`): only the risks of the plan's
    initiatives are kept when it has an `initiative` column. Whether the plan fits the
    period and the ceiling is for `check_plan` to say.
    """
    start = _year(start_year, "start_year")
    end = _year(end_year, "end_year")
    if end < start:
        raise UserError(t("capstone.error.period", start=start, end=end))
    limit = _amount(ceiling, "capstone.error.ceiling")
    ranked = roadmap.rank(initiatives, weights)
    timetable = roadmap.schedule(initiatives, not_before)
    register = None
    if risks is not None:
        register = roadmap.risk_register(risks)
        if "initiative" in register.columns:
            keep = register["initiative"].astype(str).isin(set(ranked["id"]))
            register = register[keep].reset_index(drop=True)
    return Roadmap(
        initiatives=ranked,
        weights={str(k): float(v) for k, v in weights.items()},
        schedule=timetable,
        budget=roadmap.budget_by_year(timetable, initiatives, start),
        ceiling=limit,
        start_year=start,
        end_year=end,
        not_before=dict(not_before or {}),
        risks=register,
        quick_wins=roadmap.quick_wins(initiatives),
    )


# 4. Capacity and inclusion ------------------------------------------------------------------


@dataclass
class CapacityInclusion:
    """Section 4: staff skills and training (B5); digital divides and channels (B6)."""

    skills: pd.DataFrame
    training: pd.DataFrame
    channels: inclusion.ChannelPlan
    channel_table: pd.DataFrame
    channel_budget: float
    divides: pd.DataFrame | None = None

    @property
    def training_cost(self) -> float:
        """The cost of the training plan (million LAK)."""
        return float(self.training["cost"].sum()) if len(self.training) else 0.0


def capacity_inclusion(
    skills: pd.DataFrame,
    province: str,
    channels: pd.DataFrame,
    *,
    reach_target: float | Mapping[str, float],
    channel_budget: float,
    access_survey: pd.DataFrame | None = None,
    outcome: str = "used_internet",
    cohort_size: int = 20,
    delivery: str | Mapping[str, str] = "in_person",
) -> CapacityInclusion:
    """Build the capacity and inclusion plan of one PPA.

    `skills`: a staff skills survey (B5), of which the rows of `province` are used;
    `channels`: a channel table (B6), from which the cheapest mix that reaches
    `reach_target` of every group within `channel_budget` (million LAK a year) is
    chosen; `access_survey` (optional): a digital access survey whose rows of
    `province` give the digital divides in `outcome`.
    """
    province = _text(province, t("capstone.what.province"))
    budget = _amount(channel_budget, "capstone.error.channel_budget")
    staff = _rows_for(skills, province, "capstone.what.skills")
    needs = capacity.training_needs(staff)
    training = (
        capacity.plan_training(needs, cohort_size=cohort_size, delivery=delivery)
        if len(needs)
        else pd.DataFrame(columns=["competence", "learners", "cohorts", "cost"])
    )
    divides = None
    if access_survey is not None:
        people = _rows_for(access_survey, province, "capstone.what.access_survey")
        divides = inclusion.gap_table(people, outcome)
    return CapacityInclusion(
        skills=capacity.competence_summary(staff),
        training=training,
        channels=inclusion.choose_channels(channels, reach_target, budget),
        channel_table=inclusion.validate_channels(channels),
        channel_budget=budget,
        divides=divides,
    )


# 5. Monitoring and evaluation --------------------------------------------------------------


def link_indicators(table: pd.DataFrame, links: Mapping[str, str | Iterable[str]]) -> pd.DataFrame:
    """Return the indicators named in `links`, with an `initiative_id` column filled from it.

    `links` maps the indicator ids the plan keeps to the initiative(s) each measures,
    e.g. {"DT-01": "I04", "DT-06": ["I06", "I07"]}; the other indicators are left out.
    The rows keep the table's order. An indicator id that is not in the table raises
    UserError.
    """
    frame = cells.frame(table, ("indicator_id",), "capstone.what.indicators")
    if not isinstance(links, Mapping):
        raise UserError(t("capstone.error.links", value=type(links).__name__))
    known = [cells.text(v) for v in frame["indicator_id"]]
    unknown = [str(k) for k in links if str(k) not in known]
    if unknown:
        raise UserError(
            t("capstone.error.unknown_indicator", value=", ".join(unknown), known=", ".join(known))
        )
    wanted = {str(k): v for k, v in links.items()}
    column = []
    for ident in known:
        value = wanted.get(ident, "")
        ids = roadmap.split_ids(value) if isinstance(value, str) else [str(v) for v in value]
        column.append(roadmap.SEPARATOR.join(ids))
    frame["initiative_id"] = column
    return frame[[ident in wanted for ident in known]].reset_index(drop=True)


NEW_INDICATORS = Path(__file__).parent.parent / "data" / "files" / "capstone" / "new_indicators.csv"


def example_new_indicators() -> pd.DataFrame:
    """Return the three made-up indicators that lesson B8.1 adds for I05, I09 and I11."""
    return pd.read_csv(NEW_INDICATORS, encoding="utf-8")


def add_indicators(linked: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Return the linked indicators with the new rows below them (same columns, checked).

    A new table that lacks a column of `linked` is refused with the missing column's name.
    """
    columns = list(cells.frame(linked, ("indicator_id",), "capstone.what.indicators").columns)
    extra = cells.frame(new, columns, "capstone.what.indicators")
    return pd.concat([linked[columns], extra[columns]], ignore_index=True)


def _initiative_ids(initiatives: Any) -> list[str]:
    if isinstance(initiatives, Roadmap):
        return initiatives.ids
    if isinstance(initiatives, pd.DataFrame):
        return [
            cells.text(i)
            for i in cells.frame(initiatives, ("id",), "roadmap.what.initiatives")["id"]
        ]
    if isinstance(initiatives, str):
        return roadmap.split_ids(initiatives)
    return [str(i).strip() for i in initiatives]


def me_framework(table: pd.DataFrame, initiatives: Any) -> pd.DataFrame:
    """Return the checked M&E framework: the indicator table (B7) with `initiative_id`.

    `initiatives` is the plan's `Roadmap`, its initiative table, or a list of ids. Each
    indicator must pass `indicators.validate_indicators` and name in `initiative_id` one
    or more of the plan's initiatives ("I06; I07"); otherwise UserError names the cell.
    The result remembers those initiatives (`attrs["initiatives"]`) for `unmeasured`.
    """
    frame = cells.frame(table, ("initiative_id",), "capstone.what.indicators")
    clean = indicators.validate_indicators(frame)
    known = _initiative_ids(initiatives)
    column = []
    for index in range(len(frame)):
        ids = roadmap.split_ids(frame.at[index, "initiative_id"])
        if not ids:
            raise cells.cell_error(index + 1, "initiative_id", "capstone.error.no_link")
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise cells.cell_error(
                index + 1,
                "initiative_id",
                "capstone.error.link_unknown",
                value=", ".join(unknown),
                known=", ".join(sorted(known)),
            )
        column.append(roadmap.SEPARATOR.join(ids))
    clean["initiative_id"] = column
    clean.attrs["initiatives"] = list(known)
    return clean


def unmeasured(me: pd.DataFrame, initiatives: Any = None) -> list[str]:
    """Return the initiatives that no indicator of `me` measures ([] = every one has one).

    `initiatives` is the plan's `Roadmap`, its initiative table or a list of ids; by
    default, the initiatives `me_framework` checked the table against.
    """
    frame = cells.frame(me, ("initiative_id",), "capstone.what.indicators")
    wanted = (
        me.attrs.get("initiatives", []) if initiatives is None else _initiative_ids(initiatives)
    )
    measured = {i for value in frame["initiative_id"] for i in roadmap.split_ids(value)}
    return [i for i in wanted if i not in measured]
