"""Strategy and roadmap (module B4): rank initiatives, sequence them, cost the years, score risks.

The initiative table has the columns `id, name, cost, duration, depends_on, impact,
feasibility` and, optionally, `urgency` (other columns are kept as they are):

- `cost` in million LAK (0 or more), `duration` in whole months (1 or more);
- `depends_on`: the ids this initiative waits for, separated by ";" (empty = none);
- `impact`, `feasibility`, `urgency`: scores from 1 (low) to 5 (high).

Every function raises `UserError` with a catalogue message on bad input. A problem in
one cell names its row (1 = the first data row, as a person counts) and its column,
e.g. "Row 3, column 'cost': ...". Charts are in `course.roadmap_charts`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import pandas as pd

from course import cells
from course.errors import UserError
from course.messages import t

REQUIRED = ("id", "name", "cost", "duration", "depends_on", "impact", "feasibility")
SCORES = ("impact", "feasibility", "urgency")
SCORE_MIN, SCORE_MAX = 1, 5
SEPARATOR = ";"
RISK_REQUIRED = ("risk", "likelihood", "impact")
#: Risk levels by score (likelihood x impact): the highest score of each level.
#: Illustrative thresholds; an organisation may set its own.
RISK_LEVELS: tuple[tuple[str, int], ...] = (("low", 4), ("medium", 9), ("high", 25))


class CycleError(UserError):
    """Dependencies that go round in a circle.

    `cycle` lists the ids in the circle with the first id repeated at the end: in
    ["I04", "I02", "I04"], I04 waits for I02 and I02 waits for I04.
    """

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = list(cycle)
        super().__init__(t("roadmap.error.cycle", cycle=" → ".join(self.cycle)))


# The initiative table ------------------------------------------------------------------


def split_ids(value: Any) -> list[str]:
    """Return the ids in a `depends_on` cell ("I01; I03" -> ["I01", "I03"]), without repeats."""
    ids: list[str] = []
    for part in cells.text(value).split(SEPARATOR):
        part = part.strip()
        if part and part not in ids:
            ids.append(part)
    return ids


def validate(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of an initiative table, or raise UserError naming the row and column.

    Checks: the required columns; ids present, without ";" and used once; names present;
    cost a number of 0 or more; duration a whole number of months of 1 or more;
    dependencies that name ids in the table; scores from 1 to 5; no circle of
    dependencies (`CycleError`). Ids, names and dependencies are trimmed; extra columns
    are kept after the standard ones.
    """
    frame = cells.frame(initiatives, REQUIRED, "roadmap.what.initiatives")
    scores = [c for c in SCORES if c in frame.columns]
    seen: dict[str, int] = {}
    clean: dict[str, list[Any]] = {
        c: [] for c in (*REQUIRED, *(c for c in scores if c not in REQUIRED))
    }
    for index in range(len(frame)):
        row = index + 1
        ident = cells.text(frame.at[index, "id"])
        if not ident:
            raise cells.cell_error(row, "id", "cells.error.blank")
        if SEPARATOR in ident:
            raise cells.cell_error(row, "id", "roadmap.error.id_separator", value=ident)
        if ident in seen:
            raise cells.cell_error(
                row, "id", "roadmap.error.duplicate_id", value=ident, other=seen[ident]
            )
        seen[ident] = row
        name = cells.text(frame.at[index, "name"])
        if not name:
            raise cells.cell_error(row, "name", "cells.error.blank")
        cost = cells.number(frame.at[index, "cost"], row, "cost")
        if cost < 0:
            raise cells.cell_error(row, "cost", "roadmap.error.cost", value=frame.at[index, "cost"])
        duration = cells.number(frame.at[index, "duration"], row, "duration")
        if duration < 1 or not duration.is_integer():
            raise cells.cell_error(
                row, "duration", "roadmap.error.duration", value=frame.at[index, "duration"]
            )
        clean["id"].append(ident)
        clean["name"].append(name)
        clean["cost"].append(cost)
        clean["duration"].append(int(duration))
        clean["depends_on"].append(split_ids(frame.at[index, "depends_on"]))
        for column in scores:
            clean[column].append(
                cells.score(frame.at[index, column], row, column, SCORE_MIN, SCORE_MAX)
            )
    for index, needs in enumerate(clean["depends_on"]):
        for other in needs:
            if other not in seen:
                raise cells.cell_error(
                    index + 1, "depends_on", "roadmap.error.unknown_dependency", value=other
                )
    dependencies = dict(zip(clean["id"], clean["depends_on"], strict=True))
    _order(clean["id"], dependencies)  # raises CycleError
    clean["depends_on"] = [SEPARATOR.join(ids) for ids in clean["depends_on"]]
    clean["cost"] = cells.tidy(clean["cost"])
    for column in scores:
        clean[column] = cells.tidy(clean[column])
    result = pd.DataFrame(clean)
    for column in frame.columns:
        if column not in result.columns:
            result[column] = frame[column].to_numpy()
    result.attrs = dict(initiatives.attrs)
    return result


def read_csv(path_or_buffer: str | os.PathLike | IO) -> pd.DataFrame:
    """Read an initiative table from a CSV file (path or open file) and validate it."""
    return validate(cells.read_csv(path_or_buffer))


def to_csv(initiatives: pd.DataFrame) -> str:
    """Return a validated initiative table as CSV text (header first, one line per initiative)."""
    return validate(initiatives).to_csv(index=False, lineterminator="\n")


def write_csv(initiatives: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a validated initiative table to `path` as CSV, atomically; return the path."""
    return cells.write_text(to_csv(initiatives), path)


def dependencies(initiatives: pd.DataFrame) -> dict[str, list[str]]:
    """Return each initiative's dependencies: {id: [ids it waits for]}."""
    table = validate(initiatives)
    return {i: split_ids(d) for i, d in zip(table["id"], table["depends_on"], strict=True)}


# Weighted scoring and ranking ----------------------------------------------------------


def add_affordability(initiatives: pd.DataFrame, column: str = "affordability") -> pd.DataFrame:
    """Return the table with a 1-5 score for cost, where cheaper is better.

    The cheapest initiative scores 5, the dearest 1, the others in proportion to their
    cost (one decimal). If all cost the same, all score 5.
    """
    table = validate(initiatives)
    cost = table["cost"].astype(float)
    low, high = float(cost.min()), float(cost.max())
    if high == low:
        table[column] = 5.0
    else:
        table[column] = (5 - 4 * (cost - low) / (high - low)).round(1)
    return table


def _criteria(table: pd.DataFrame, weights: Mapping[str, float]) -> dict[str, float]:
    """Check the weights and the criteria columns they name; return {criterion: weight}."""
    if not isinstance(weights, Mapping) or not weights:
        raise UserError(t("roadmap.error.no_weights"))
    checked: dict[str, float] = {}
    for criterion, weight in weights.items():
        if criterion in ("cost", "duration"):
            raise UserError(t("roadmap.error.not_a_score", criterion=criterion))
        if criterion not in table.columns:
            scores = [c for c in table.columns if c in SCORES or c == "affordability"]
            raise UserError(
                t("roadmap.error.unknown_criterion", criterion=criterion, known=", ".join(scores))
            )
        try:
            value = float(weight)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value) or value < 0 or isinstance(weight, bool):
            raise UserError(t("roadmap.error.weight", criterion=criterion, value=weight))
        for index, cell in enumerate(table[criterion]):
            cells.score(cell, index + 1, criterion, SCORE_MIN, SCORE_MAX)
        checked[str(criterion)] = value
    if sum(checked.values()) <= 0:
        raise UserError(t("roadmap.error.zero_weights"))
    return checked


def normalise(weights: Mapping[str, float]) -> dict[str, float]:
    """Return the weights as shares that add up to 1 (e.g. 2, 1, 1 -> 0.5, 0.25, 0.25)."""
    values = {k: float(v) for k, v in weights.items()}
    total = sum(values.values())
    if not values or total <= 0 or any(v < 0 or not math.isfinite(v) for v in values.values()):
        raise UserError(t("roadmap.error.zero_weights"))
    return {k: v / total for k, v in values.items()}


def weighted_score(table: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Return the weighted mean of the 1-5 criteria columns named in `weights`, row by row.

    Works on any table whose criteria columns hold scores from 1 to 5 (module B5 uses it
    for talent measures). The result is rounded to 6 decimals, so equal scores tie.
    """
    frame = cells.frame(table, (), "roadmap.what.options")
    shares = normalise(_criteria(frame, weights))
    total = sum(frame[c].astype(float).to_numpy() * share for c, share in shares.items())
    return pd.Series(total, index=table.index, name="score").round(6)


def rank(initiatives: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Return the initiatives with `score` (weighted mean of the criteria) and `rank` (1 = best).

    `weights` maps criteria columns to weights of 0 or more, e.g. {"impact": 3,
    "feasibility": 2, "urgency": 1}; only the ratios matter. Equal scores share a rank.
    The table comes back sorted by rank (ties in catalogue order).
    """
    table = validate(initiatives)
    table["score"] = weighted_score(table, weights).to_numpy()
    table["rank"] = table["score"].rank(ascending=False, method="min").astype(int)
    return table.sort_values("rank", kind="stable").reset_index(drop=True)


def _change(change: float) -> float:
    try:
        value = float(change)
    except (TypeError, ValueError):
        value = math.nan
    if not 0 < value < 1:
        raise UserError(t("roadmap.error.change", value=change))
    return value


def _scenarios(weights: Mapping[str, float], change: float) -> list[tuple[str, float, dict]]:
    scenarios = []
    for criterion, weight in weights.items():
        for factor in (1 - change, 1 + change):
            changed = {k: float(v) for k, v in weights.items()}
            changed[criterion] = float(weight) * factor
            scenarios.append((criterion, factor, changed))
    return scenarios


def sensitivity(
    initiatives: pd.DataFrame, weights: Mapping[str, float], change: float = 0.2, top: int = 3
) -> pd.DataFrame:
    """Re-rank with each weight moved down and up by `change` (0.2 = ±20%), one at a time.

    One row per scenario: `criterion`, `factor` (0.8 or 1.2), `weight` (the new weight),
    `first` (the id ranked 1), `same_top` (True if the same `top` initiatives lead),
    `changed` (how many initiatives changed rank) and `max_shift` (the largest move).
    """
    change = _change(change)
    base = rank(initiatives, weights).set_index("id")["rank"]
    leaders = set(base[base <= top].index)
    rows = []
    for criterion, factor, changed in _scenarios(weights, change):
        new = rank(initiatives, changed).set_index("id")["rank"]
        shift = (new - base.reindex(new.index)).abs()
        rows.append(
            {
                "criterion": criterion,
                "factor": round(factor, 6),
                "weight": round(changed[criterion], 6),
                "first": str(new.index[0]),
                "same_top": set(new[new <= top].index) == leaders,
                "changed": int((shift > 0).sum()),
                "max_shift": int(shift.max()),
            }
        )
    return pd.DataFrame(rows)


def rank_stability(
    initiatives: pd.DataFrame, weights: Mapping[str, float], change: float = 0.2
) -> pd.DataFrame:
    """For each initiative: its rank, its best and worst rank when any one weight moves by ±`change`.

    Columns `id, name, rank, best, worst, stable` (stable = the rank never moves),
    sorted by rank.
    """
    change = _change(change)
    ranked = rank(initiatives, weights)
    best = ranked.set_index("id")["rank"].copy()
    worst = best.copy()
    for _, _, changed in _scenarios(weights, change):
        new = rank(initiatives, changed).set_index("id")["rank"].reindex(best.index)
        best = best.combine(new, min)
        worst = worst.combine(new, max)
    result = ranked[["id", "name", "rank"]].copy()
    result["best"] = best.to_numpy()
    result["worst"] = worst.to_numpy()
    result["stable"] = (result["best"] == result["rank"]) & (result["worst"] == result["rank"])
    return result


# Dependencies and scheduling -----------------------------------------------------------


def _order(ids: list[str], needs: Mapping[str, list[str]]) -> list[str]:
    """Kahn's method: repeatedly take the first id (in table order) whose dependencies are done."""
    waiting = {i: set(needs.get(i, ())) for i in ids}
    order: list[str] = []
    while waiting:
        ready = next((i for i in ids if i in waiting and not waiting[i]), None)
        if ready is None:
            raise CycleError(_find_cycle(ids, waiting))
        order.append(ready)
        del waiting[ready]
        for pending in waiting.values():
            pending.discard(ready)
    return order


def _find_cycle(ids: list[str], waiting: Mapping[str, set[str]]) -> list[str]:
    """Follow 'waits for' links among ids that can never start, until one repeats."""
    position = {i: n for n, i in enumerate(ids)}
    current = next(i for i in ids if i in waiting)
    path: list[str] = []
    while current not in path:
        path.append(current)
        current = min(waiting[current], key=lambda i: position.get(i, len(ids)))
    return [*path[path.index(current) :], current]


def topological_order(initiatives: pd.DataFrame) -> list[str]:
    """Return the ids in an order that puts every initiative after the ones it waits for.

    Among initiatives that are ready at the same time, the table order is kept. A circle
    of dependencies raises `CycleError`, whose message names the ids in the circle.
    """
    return _order(list(validate(initiatives)["id"]), dependencies(initiatives))


def schedule(
    initiatives: pd.DataFrame, not_before: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Return the earliest timetable: `id, name, start, finish, slack, critical` in months.

    Month 0 is the start of the plan. An initiative starts when the last one it waits
    for finishes (earliest start), and finishes `duration` months later. `not_before`
    can hold a later start month for some initiatives, e.g. {"I10": 12} to wait for next
    year's budget. `slack` is how many months it could slip without delaying the end of
    the plan; the initiatives with no slack are `critical` (they form the critical
    path). Sorted by start.
    """
    table = validate(initiatives)
    needs = {i: split_ids(d) for i, d in zip(table["id"], table["depends_on"], strict=True)}
    months = dict(zip(table["id"], table["duration"].astype(int), strict=True))
    order = _order(list(table["id"]), needs)
    earliest = _not_before(not_before, set(order))
    start: dict[str, int] = {}
    finish: dict[str, int] = {}
    for ident in order:
        start[ident] = max((finish[d] for d in needs[ident]), default=earliest.get(ident, 0))
        start[ident] = max(start[ident], earliest.get(ident, 0))
        finish[ident] = start[ident] + months[ident]
    end = max(finish.values())
    followers: dict[str, list[str]] = {i: [] for i in order}
    for ident in order:
        for other in needs[ident]:
            followers[other].append(ident)
    latest: dict[str, int] = {}
    for ident in reversed(order):
        latest[ident] = min((latest[f] - months[f] for f in followers[ident]), default=end)
    names = dict(zip(table["id"], table["name"], strict=True))
    rows = [
        {
            "id": ident,
            "name": names[ident],
            "start": start[ident],
            "finish": finish[ident],
            "slack": latest[ident] - finish[ident],
            "critical": latest[ident] == finish[ident],
        }
        for ident in order
    ]
    result = pd.DataFrame(rows)
    return result.sort_values("start", kind="stable").reset_index(drop=True)


def _not_before(not_before: Mapping[str, int] | None, ids: set[str]) -> dict[str, int]:
    checked: dict[str, int] = {}
    for ident, month in (not_before or {}).items():
        if ident not in ids:
            raise UserError(t("roadmap.error.unknown_delay", value=ident))
        if isinstance(month, bool) or not isinstance(month, int) or month < 0:
            raise UserError(t("roadmap.error.delay", value=month, id=ident))
        checked[ident] = month
    return checked


def critical_path(schedule_table: pd.DataFrame) -> list[str]:
    """Return the ids with no slack (on a critical path), in the order they start."""
    cells.frame(schedule_table, ("id", "start", "critical"), "roadmap.what.schedule")
    rows = schedule_table[schedule_table["critical"].astype(bool)]
    return list(rows.sort_values("start", kind="stable")["id"].astype(str))


def plan_length(schedule_table: pd.DataFrame) -> int:
    """Return the length of the plan in months: the latest finish."""
    cells.frame(schedule_table, ("finish",), "roadmap.what.schedule")
    return int(schedule_table["finish"].max())


def budget_by_year(
    schedule_table: pd.DataFrame, initiatives: pd.DataFrame, start_year: int
) -> pd.DataFrame:
    """Return `year, cost`: what the plan spends each calendar year (million LAK).

    The plan starts in January of `start_year` (month 0). Each initiative's cost is
    spread evenly over its months, from `start` to `finish`. Every year from the start
    to the last month appears, with 0 where nothing is spent.
    """
    if isinstance(start_year, bool) or not isinstance(start_year, int):
        raise UserError(t("roadmap.error.start_year", value=start_year))
    timetable = cells.frame(schedule_table, ("id", "start", "finish"), "roadmap.what.schedule")
    table = validate(initiatives)
    costs = dict(zip(table["id"], table["cost"].astype(float), strict=True))
    spend: dict[int, float] = {}
    for index in range(len(timetable)):
        ident = str(timetable.at[index, "id"])
        if ident not in costs:
            raise cells.cell_error(index + 1, "id", "roadmap.error.unknown_initiative", value=ident)
        begin = int(cells.number(timetable.at[index, "start"], index + 1, "start"))
        end = int(cells.number(timetable.at[index, "finish"], index + 1, "finish"))
        if end <= begin or begin < 0:
            raise cells.cell_error(
                index + 1, "finish", "roadmap.error.finish", start=begin, finish=end
            )
        for month in range(begin, end):
            year = start_year + month // 12
            spend[year] = spend.get(year, 0.0) + costs[ident] / (end - begin)
    years = range(start_year, max(spend) + 1)
    return pd.DataFrame({"year": list(years), "cost": [round(spend.get(y, 0.0), 6) for y in years]})


def over_ceiling(budget: pd.DataFrame, ceiling: float) -> pd.DataFrame:
    """Return the years whose cost is above `ceiling`, with `over` = how much above."""
    frame = cells.frame(budget, ("year", "cost"), "roadmap.what.budget")
    try:
        limit = float(ceiling)
    except (TypeError, ValueError):
        limit = math.nan
    if isinstance(ceiling, bool) or not math.isfinite(limit) or limit < 0:
        raise UserError(t("roadmap.error.ceiling", value=ceiling))
    rows = frame[frame["cost"].astype(float) > limit].copy()
    rows["over"] = (rows["cost"].astype(float) - limit).round(6)
    return rows.reset_index(drop=True)


# Quick wins ------------------------------------------------------------------------------


def quick_wins(
    initiatives: pd.DataFrame,
    *,
    min_impact: float = 4,
    min_feasibility: float = 4,
    max_cost: float | None = None,
    max_duration: int = 3,
    done: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the quick wins: initiatives that are worth doing now and can be done soon.

    A quick win has impact and feasibility at or above the minimums, costs at most
    `max_cost` (default: the median cost of the table), lasts at most `max_duration`
    months, is not in `done`, and waits for nothing that is not `done`. Sorted by impact
    (highest first), then feasibility, then cost (cheapest first).
    """
    table = validate(initiatives)
    finished = {str(i).strip() for i in done}
    unknown = sorted(finished - set(table["id"]))
    if unknown:
        raise UserError(t("roadmap.error.unknown_done", ids=", ".join(unknown)))
    limit = float(table["cost"].median()) if max_cost is None else float(max_cost)
    ready = [set(split_ids(d)) <= finished for d in table["depends_on"]]
    keep = (
        (table["impact"] >= min_impact)
        & (table["feasibility"] >= min_feasibility)
        & (table["cost"] <= limit)
        & (table["duration"] <= max_duration)
        & ~table["id"].isin(finished)
        & pd.Series(ready, index=table.index)
    )
    wins = table[keep]
    wins = wins.sort_values(
        ["impact", "feasibility", "cost"], ascending=[False, False, True], kind="stable"
    )
    return wins.reset_index(drop=True)


# The risk register -----------------------------------------------------------------------


def risk_level(score: float) -> str:
    """Return "low", "medium" or "high" for a risk score (likelihood x impact, 1-25)."""
    for level, highest in RISK_LEVELS:
        if score <= highest:
            return level
    return RISK_LEVELS[-1][0]


def risk_register(risks: pd.DataFrame) -> pd.DataFrame:
    """Return the risks with `score` = likelihood x impact and `level` (low, medium, high).

    Input columns `risk, likelihood, impact` (whole numbers 1-5); other columns are
    kept. Sorted by score, highest first (ties in table order). Levels: score up to 4
    low, up to 9 medium, 10 or more high (`RISK_LEVELS`).
    """
    frame = cells.frame(risks, RISK_REQUIRED, "roadmap.what.risks")
    for index in range(len(frame)):
        row = index + 1
        if not cells.text(frame.at[index, "risk"]):
            raise cells.cell_error(row, "risk", "cells.error.blank")
    register = frame.copy()
    register["risk"] = [cells.text(v) for v in frame["risk"]]
    for column in ("likelihood", "impact"):
        values = []
        for index, cell in enumerate(frame[column]):
            value = cells.score(cell, index + 1, column, SCORE_MIN, SCORE_MAX, whole=True)
            values.append(int(value))
        register[column] = values
    register["score"] = register["likelihood"] * register["impact"]
    register["level"] = [risk_level(s) for s in register["score"]]
    return register.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def read_risks_csv(path_or_buffer: str | os.PathLike | IO) -> pd.DataFrame:
    """Read a risk table from a CSV file (path or open file) and score it."""
    return risk_register(cells.read_csv(path_or_buffer))


def risk_matrix(register: pd.DataFrame) -> pd.DataFrame:
    """Return the count of risks in each cell: rows likelihood 5 (top) to 1, columns impact 1 to 5."""
    scored = risk_register(register)
    counts = pd.crosstab(scored["likelihood"], scored["impact"])
    levels = range(SCORE_MIN, SCORE_MAX + 1)
    counts = counts.reindex(index=list(reversed(levels)), columns=list(levels), fill_value=0)
    counts.index.name, counts.columns.name = "likelihood", "impact"
    return counts.astype(int)


def add_risk(risks: pd.DataFrame, **fields: Any) -> pd.DataFrame:
    """Return the risk table with one more row, given as fields (risk=..., likelihood=...).

    The new row is checked with `risk_register`; a bad value is refused with its message
    and the table stays as it was. Missing columns of the table stay empty in the new row.
    """
    new = pd.concat([risks, pd.DataFrame([fields])], ignore_index=True)
    risk_register(new)
    return new


def one_page(
    initiatives: pd.DataFrame, risks: pd.DataFrame, weights: Mapping[str, float]
) -> pd.DataFrame:
    """Return the roadmap on one page: rank, timetable and high risks of each initiative.

    Columns: id, name, cost, rank, start, finish, slack, critical, high_risks (the number
    of high risks that name the initiative). Sorted by start month, then by rank.
    """
    ranked = rank(initiatives, weights)[["id", "name", "cost", "rank"]]
    timetable = schedule(initiatives)[["id", "start", "finish", "slack", "critical"]]
    register = risk_register(risks)
    high = register[register["level"] == "high"]
    counts = high.groupby("initiative").size() if "initiative" in high else pd.Series()
    table = ranked.merge(timetable, on="id")
    table["high_risks"] = [int(counts.get(i, 0)) for i in table["id"]]
    return table.sort_values(["start", "rank"], kind="stable", ignore_index=True)


def example_risks() -> pd.DataFrame:
    """Return the practice risk register of lesson B4.3 (six made-up risks, P01-P06)."""
    return pd.read_csv(Path(__file__).parent / "data/files/roadmap/practice_risks.csv")


def change_risk(risks: pd.DataFrame, risk_id: str, **fields: Any) -> pd.DataFrame:
    """Return a copy of the risk table with some cells of one risk changed (e.g. likelihood=2).

    The changed table is checked with `risk_register`; a bad value or an unknown id is
    refused with a plain message, and the table stays as it was.
    """
    table = risks.copy()
    rows = table["risk_id"].astype(str) == risk_id
    if not rows.any():
        raise UserError(t("roadmap.error.unknown_risk", value=risk_id))
    for column, value in fields.items():
        table.loc[rows, column] = value
    risk_register(table)
    return table
