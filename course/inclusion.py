"""Digital inclusion (module B6): digital divides with confidence intervals, and channel mixes.

Divides: the share of people with access to (or use of) something, per group of sex,
age, area, ethnic group and disability, with Wilson intervals from `course.stats`
(through `course.survey.breakdown`), and the gap between groups with Newcombe's
interval (`survey.difference`).

Channels: a table of ways to reach people (online, assisted at an ODSC, community
radio, loudspeakers, billboards, ...) with a yearly cost and the share of each group a
channel reaches. `choose_channels` finds the cheapest mix that reaches a target share
of every group within a budget. The shipped numbers (`illustrative_channels`) are
ILLUSTRATIVE, made up for practice. Combined reach assumes that channels reach people
independently: reach = 1 - (1 - r1)(1 - r2)...; real audiences overlap more.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from course import cells, stats, survey
from course.errors import UserError
from course.messages import t

DIMENSIONS = ("sex", "age_group", "area", "ethnic_group", "disability")
REACH_PREFIX = "reach_"
MAX_CHANNELS = 12  # every mix is tried: 2**12 = 4,096 mixes at most


# Divides --------------------------------------------------------------------------------


def divides(
    responses: pd.DataFrame,
    outcome: str,
    dimensions: Sequence[str] = DIMENSIONS,
    level: float = 0.95,
) -> pd.DataFrame:
    """Return the share with `outcome` for every group of every dimension, with intervals.

    Columns: dimension, group, n, share, low, high, gap_to_best (the group's share minus
    the highest share in its dimension: 0 for the best-off group, negative for the others).
    """
    if isinstance(dimensions, str):
        dimensions = [dimensions]
    if not dimensions:
        raise UserError(t("inclusion.error.no_dimensions"))
    parts = []
    for dimension in dimensions:
        table = survey.breakdown(responses, dimension, outcome, level)
        table = table.rename(columns={dimension: "group"})
        table.insert(0, "dimension", dimension)
        table["group"] = table["group"].astype(str)
        table["gap_to_best"] = table["share"] - table["share"].max()
        parts.append(table)
    return pd.concat(parts, ignore_index=True)[
        ["dimension", "group", "n", "share", "low", "high", "gap_to_best"]
    ]


def gap(
    responses: pd.DataFrame,
    by: str,
    outcome: str,
    group: str,
    reference: str,
    level: float = 0.95,
) -> stats.Estimate:
    """Return the share of `group` minus the share of `reference`, with Newcombe's interval.

    A negative gap means `group` is behind. If the interval leaves out 0, the groups
    really differ at this level.
    """
    table = survey.breakdown(responses, by, outcome, level)
    shares = table.assign(_key=table[by].astype(str)).set_index("_key")
    for name in (group, reference):
        if str(name) not in shares.index:
            known = ", ".join(map(str, shares.index))
            raise UserError(t("inclusion.error.unknown_group", group=name, column=by, known=known))

    def estimate(name: str) -> stats.Estimate:
        row = shares.loc[str(name)]
        return stats.Estimate(
            float(row["share"]), float(row["low"]), float(row["high"]), float(row["n"]), level
        )

    return survey.difference(estimate(group), estimate(reference))


def gap_table(
    responses: pd.DataFrame,
    outcome: str,
    dimensions: Sequence[str] = DIMENSIONS,
    level: float = 0.95,
) -> pd.DataFrame:
    """Return, per dimension, the best-off and worst-off group and the size of the gap between them.

    Columns: dimension, highest, highest_share, lowest, lowest_share, gap (highest minus
    lowest share), gap_low, gap_high (Newcombe's interval), parity (lowest share divided
    by highest share: 1 = no gap), sorted by gap, largest first.
    """
    table = divides(responses, outcome, dimensions, level)
    rows = []
    for dimension, part in table.groupby("dimension", sort=False):
        top = part.loc[part["share"].idxmax()]
        bottom = part.loc[part["share"].idxmin()]
        difference = gap(responses, str(dimension), outcome, top["group"], bottom["group"], level)
        parity = float(bottom["share"] / top["share"]) if top["share"] > 0 else math.nan
        rows.append(
            {
                "dimension": dimension,
                "highest": top["group"],
                "highest_share": float(top["share"]),
                "lowest": bottom["group"],
                "lowest_share": float(bottom["share"]),
                "gap": difference.value,
                "gap_low": difference.low,
                "gap_high": difference.high,
                "parity": parity,
            }
        )
    result = pd.DataFrame(rows)
    return result.sort_values("gap", ascending=False, ignore_index=True)


# Channels -------------------------------------------------------------------------------


def illustrative_channels() -> pd.DataFrame:
    """Return six ways to reach people, with ILLUSTRATIVE yearly costs and reach (made up).

    Columns: channel, cost (million LAK per year), and reach_<group>: the share of each
    group a channel reaches (urban, rural, ethnic_minority, older, disability). Show
    `channels_label()` beside any result.
    """
    rows = [
        ("online", 60, 0.55, 0.15, 0.08, 0.05, 0.10),
        ("odsc_assisted", 150, 0.40, 0.20, 0.15, 0.30, 0.25),
        ("community_radio", 45, 0.25, 0.50, 0.55, 0.50, 0.35),
        ("loudspeakers", 20, 0.05, 0.45, 0.40, 0.40, 0.30),
        ("billboards", 15, 0.35, 0.15, 0.10, 0.10, 0.05),
        ("village_helpers", 90, 0.05, 0.35, 0.40, 0.35, 0.40),
    ]
    groups = ["urban", "rural", "ethnic_minority", "older", "disability"]
    return pd.DataFrame(rows, columns=["channel", "cost", *[REACH_PREFIX + g for g in groups]])


def channels_label() -> str:
    """The line to show beside any result that uses `illustrative_channels()`."""
    return t("inclusion.channels_label")


def _cell(row: int, column: str, key: str, **values: Any) -> UserError:
    problem = t(f"inclusion.error.{key}", **values)
    return UserError(cells.at(row, column, problem))


def validate_channels(channels: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of a channel table, or raise UserError naming the row and column.

    Needs `channel` (unique names), `cost` (a number, 0 or more) and at least one
    `reach_<group>` column with shares from 0 to 1.
    """
    if not isinstance(channels, pd.DataFrame):
        raise UserError(t("inclusion.error.not_a_table", value=type(channels).__name__))
    reach = [c for c in channels.columns if str(c).startswith(REACH_PREFIX)]
    missing = [c for c in ("channel", "cost") if c not in channels.columns]
    if missing or not reach:
        raise UserError(
            t("inclusion.error.columns", missing=", ".join(missing) or REACH_PREFIX + "…")
        )
    if len(channels) > MAX_CHANNELS:
        raise UserError(t("inclusion.error.too_many", count=len(channels), limit=MAX_CHANNELS))
    clean = []
    seen: dict[str, int] = {}
    for row, record in enumerate(channels.reset_index(drop=True).to_dict("records"), start=1):
        name = "" if pd.isna(record["channel"]) else str(record["channel"]).strip()
        if not name:
            raise _cell(row, "channel", "empty")
        if name in seen:
            raise _cell(row, "channel", "duplicate", name=name, first=seen[name])
        seen[name] = row
        item: dict[str, Any] = {"channel": name}
        for column in ["cost", *reach]:
            try:
                value = float(record[column])
            except (TypeError, ValueError):
                raise _cell(row, column, "number", value=record[column]) from None
            if math.isnan(value) or value < 0 or (column != "cost" and value > 1):
                key = "cost" if column == "cost" else "reach"
                raise _cell(row, column, key, value=record[column])
            item[column] = value
        clean.append(item)
    return pd.DataFrame(clean, columns=["channel", "cost", *reach])


def groups(channels: pd.DataFrame) -> list[str]:
    """Return the group names of a channel table (its reach_<group> columns)."""
    return [str(c)[len(REACH_PREFIX) :] for c in validate_channels(channels).columns[2:]]


def _chosen(table: pd.DataFrame, chosen: Sequence[str]) -> pd.DataFrame:
    if isinstance(chosen, str):
        chosen = [chosen]
    unknown = [c for c in chosen if c not in set(table["channel"])]
    if unknown:
        known = ", ".join(table["channel"])
        raise UserError(
            t("inclusion.error.unknown_channel", channel=", ".join(unknown), known=known)
        )
    return table[table["channel"].isin(list(chosen))]


def mix_reach(channels: pd.DataFrame, chosen: Sequence[str]) -> pd.Series:
    """Return the share of each group that a mix of channels reaches: 1 - product of (1 - reach)."""
    table = validate_channels(channels)
    picked = _chosen(table, chosen)
    reach = {}
    for column in table.columns[2:]:
        missed = 1.0
        for value in picked[column]:
            missed *= 1 - float(value)
        reach[column[len(REACH_PREFIX) :]] = 1 - missed
    return pd.Series(reach, name="reach")


def mix_cost(channels: pd.DataFrame, chosen: Sequence[str]) -> float:
    """Return the yearly cost of a mix of channels (the sum of their costs)."""
    table = validate_channels(channels)
    return float(_chosen(table, chosen)["cost"].sum())


@dataclass(frozen=True)
class ChannelPlan:
    """A mix of channels, its yearly cost, its reach per group, and whether it meets the targets."""

    channels: tuple[str, ...]
    cost: float
    reach: dict[str, float]
    targets: dict[str, float]
    meets_targets: bool

    def table(self) -> pd.DataFrame:
        """Return one row per group: reach, target, and whether the target is met."""
        rows = [
            {"group": g, "reach": r, "target": self.targets[g], "met": r + 1e-9 >= self.targets[g]}
            for g, r in self.reach.items()
        ]
        return pd.DataFrame(rows, columns=["group", "reach", "target", "met"])


def _targets(target: float | Mapping[str, float], names: list[str]) -> dict[str, float]:
    wanted = {g: target for g in names} if isinstance(target, int | float) else dict(target)
    unknown = [g for g in wanted if g not in names]
    if unknown:
        raise UserError(
            t("inclusion.error.unknown_target", group=", ".join(unknown), known=", ".join(names))
        )
    for name, value in wanted.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise UserError(t("inclusion.error.target", group=name, value=value))
    return {g: float(wanted.get(g, 0.0)) for g in names}


def choose_channels(
    channels: pd.DataFrame, target: float | Mapping[str, float], budget: float
) -> ChannelPlan:
    """Return the cheapest mix that reaches `target` (a share, or one per group) within `budget`.

    Every mix is tried. Among mixes of equal cost, the one with the highest lowest reach
    wins. If no mix within the budget meets every target, the plan returned is the one
    that comes closest (highest lowest reach ÷ target), with `meets_targets` False.
    """
    table = validate_channels(channels)
    names = [str(c)[len(REACH_PREFIX) :] for c in table.columns[2:]]
    wanted = _targets(target, names)
    if isinstance(budget, bool) or not isinstance(budget, int | float) or budget < 0:
        raise UserError(t("inclusion.error.budget", value=budget))
    reach_columns = list(table.columns[2:])
    rows = {
        record["channel"]: (float(record["cost"]), [float(record[c]) for c in reach_columns])
        for record in table.to_dict("records")
    }
    best: tuple | None = None
    for size in range(len(table) + 1):
        for mix in itertools.combinations(list(table["channel"]), size):
            cost = sum(rows[name][0] for name in mix)
            if cost > budget + 1e-9:
                continue
            missed = [1.0] * len(names)
            for name in mix:
                missed = [m * (1 - r) for m, r in zip(missed, rows[name][1], strict=True)]
            reach = {g: 1 - m for g, m in zip(names, missed, strict=True)}
            meets = all(reach[g] + 1e-9 >= wanted[g] for g in names)
            closeness = min((reach[g] / wanted[g]) if wanted[g] > 0 else 1.0 for g in names)
            lowest = min(reach.values()) if reach else 0.0
            key = (meets, -cost if meets else closeness, lowest, -cost)
            if best is None or key > best[0]:
                best = (key, mix, cost, reach, meets)
    assert best is not None  # the empty mix always fits a budget of 0 or more
    _, mix, cost, reach, meets = best
    return ChannelPlan(tuple(mix), cost, reach, wanted, meets)
