"""Survey tables (modules B6 and B7): shares by group with confidence intervals, and weighting.

A survey table has one row per respondent. `breakdown` gives, for each group, the
number of answers `n`, the `share` with the outcome and its confidence interval `low`
to `high`, using `course.stats` (Wilson intervals; with weights, Kish's effective
sample size). The outcome column may hold yes/no flags (True/False or 1/0) or a
satisfaction scale 1..5, where "satisfied" means SATISFIED_FROM (4) or more.

Missing answers are left out of `n`; rows with a missing group are left out too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from course import stats
from course.errors import UserError
from course.messages import t

SCALE = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4

#: ILLUSTRATIVE population shares for teaching weighting. They are NOT official figures
#: for Laos; show `illustrative_label()` beside any result that uses them.
ILLUSTRATIVE_POPULATION: dict[str, dict[str, float]] = {
    "area": {"urban": 0.30, "rural": 0.70},
    "sex": {"female": 0.5, "male": 0.5},
    "age_group": {"18-29": 0.34, "30-44": 0.31, "45-59": 0.22, "60+": 0.13},
}


def illustrative_label() -> str:
    """The line to show beside any result that uses ILLUSTRATIVE_POPULATION."""
    return t("survey.illustrative")


def _columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _check_columns(responses: Any, columns: list[str]) -> pd.DataFrame:
    if not isinstance(responses, pd.DataFrame):
        raise UserError(t("survey.error.not_a_table", value=type(responses).__name__))
    for column in columns:
        if column not in responses.columns:
            known = ", ".join(map(str, responses.columns))
            raise UserError(t("survey.error.column", column=column, known=known))
    return responses


def flags(values: pd.Series, threshold: float = SATISFIED_FROM) -> pd.Series:
    """Turn an outcome column into True/False flags (missing stays missing).

    A column whose answers are only 1/0, True/False or yes/no is used as it is; any
    other numbers are a scale, and become "value >= threshold" (e.g. satisfied = 4 or
    5 on a 1..5 scale).
    """
    raw = values.astype(object).where(values.notna(), None)
    words = {"yes": 1, "no": 0, "true": 1, "false": 0}
    raw = raw.map(lambda v: words.get(v.strip().lower(), v) if isinstance(v, str) else v)
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = values.notna() & numbers.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise UserError(
            t("survey.error.outcome", row=row, column=values.name, value=values[bad].iloc[0])
        )
    present = numbers.dropna()
    is_flag = set(present.unique()) <= {0, 1}
    result = numbers == 1 if is_flag else numbers >= threshold
    return result.astype("boolean").mask(numbers.isna())


def _weights(responses: pd.DataFrame, column: str) -> pd.Series:
    numbers = pd.to_numeric(responses[column], errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise UserError(
            t("survey.error.weight", row=row, column=column, value=responses[column][bad].iloc[0])
        )
    return numbers.astype(float)


def breakdown(
    responses: pd.DataFrame,
    by: str | Sequence[str] | None,
    outcome: str,
    level: float = 0.95,
    weights: str | None = None,
    threshold: float = SATISFIED_FROM,
) -> pd.DataFrame:
    """Return the share with `outcome` for each group of `by`, with a confidence interval.

    Columns: the `by` columns, then `n` (answers in the group), `share`, `low`, `high`
    (shares from 0 to 1). With `weights` (a column name) the share is weighted and
    the interval uses Kish's effective sample size, given in an extra column `n_eff`.
    `by=None` (or []) gives one row for the whole sample. Groups come in sorted order.
    """
    groups = _columns(by)
    needed = [*groups, outcome] + ([weights] if weights else [])
    _check_columns(responses, needed)
    stats.z_value(level)  # a clear message for an unsupported level, even for no rows
    frame = pd.DataFrame({"_flag": flags(responses[outcome], threshold)})
    for column in groups:
        frame[column] = responses[column]
    frame["_w"] = _weights(responses, weights) if weights else 1.0
    frame = frame.dropna(subset=["_flag", *groups])
    if frame.empty:
        raise UserError(t("stats.error.empty"))
    rows = []
    parts = frame.groupby(groups, sort=True, dropna=True) if groups else [((), frame)]
    for key, part in parts:
        keys = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(groups, keys, strict=True))
        row["n"] = len(part)
        part_flags = part["_flag"].astype(bool)
        if weights:
            estimate = stats.weighted_proportion_ci(part_flags, part["_w"], level)
            row["n_eff"] = estimate.n
        else:
            estimate = stats.proportion_ci(int(part_flags.sum()), len(part), level)
        row.update(share=estimate.value, low=estimate.low, high=estimate.high)
        rows.append(row)
    columns = [*groups, "n"] + (["n_eff"] if weights else []) + ["share", "low", "high"]
    return pd.DataFrame(rows, columns=columns)


def overall(
    responses: pd.DataFrame,
    outcome: str,
    level: float = 0.95,
    weights: str | None = None,
    threshold: float = SATISFIED_FROM,
) -> stats.Estimate:
    """Return the share with `outcome` in the whole sample, as a `course.stats.Estimate`."""
    row = breakdown(responses, None, outcome, level, weights, threshold).iloc[0]
    n = float(row["n_eff"]) if weights else float(row["n"])
    return stats.Estimate(float(row["share"]), float(row["low"]), float(row["high"]), n, level)


def mean_by(
    responses: pd.DataFrame, by: str | Sequence[str] | None, column: str, level: float = 0.95
) -> pd.DataFrame:
    """Return the mean of a score (e.g. satisfaction 1..5) per group, with an interval.

    Columns: the `by` columns, then `n`, `mean`, `low`, `high`.
    """
    groups = _columns(by)
    _check_columns(responses, [*groups, column])
    values = pd.to_numeric(responses[column], errors="coerce")
    if (responses[column].notna() & values.isna()).any():
        row = int((responses[column].notna() & values.isna()).to_numpy().nonzero()[0][0]) + 1
        raise UserError(
            t("survey.error.outcome", row=row, column=column, value=responses[column].iloc[row - 1])
        )
    frame = responses[groups].copy()
    frame["_v"] = values
    frame = frame.dropna()
    if frame.empty:
        raise UserError(t("stats.error.empty"))
    rows = []
    parts = frame.groupby(groups, sort=True) if groups else [((), frame)]
    for key, part in parts:
        keys = key if isinstance(key, tuple) else (key,)
        estimate = stats.mean_ci(part["_v"], level)
        row: dict[str, Any] = dict(zip(groups, keys, strict=True))
        row.update(n=len(part), mean=estimate.value, low=estimate.low, high=estimate.high)
        rows.append(row)
    return pd.DataFrame(rows, columns=[*groups, "n", "mean", "low", "high"])


def sample_profile(
    responses: pd.DataFrame, by: str, population_shares: Mapping[str, float]
) -> pd.DataFrame:
    """Compare the sample with the population for one variable, and give each group's weight.

    Columns: group, sample_n, sample_share, population_share, weight (population share
    divided by sample share: above 1 = the group is under-represented in the sample).
    """
    _check_columns(responses, [by])
    counts = responses[by].dropna().value_counts().sort_index()
    sample = {str(k): float(v) for k, v in counts.items()}
    weights = stats.post_stratification_weights(
        sample, {str(k): float(v) for k, v in population_shares.items()}
    )
    total = sum(sample.values())
    rows = [
        {
            "group": group,
            "sample_n": int(sample[group]),
            "sample_share": sample[group] / total,
            "population_share": float(population_shares[group]),
            "weight": weights[group],
        }
        for group in sample
    ]
    return pd.DataFrame(
        rows, columns=["group", "sample_n", "sample_share", "population_share", "weight"]
    )


def add_weights(
    responses: pd.DataFrame,
    by: str,
    population_shares: Mapping[str, float],
    name: str = "weight",
) -> pd.DataFrame:
    """Return a copy of `responses` with a post-stratification weight column `name`.

    Each respondent gets the weight of their group in `by`, so that the weighted sample
    matches `population_shares` (which must cover every group and add up to 1).
    """
    _check_columns(responses, [by])
    if responses[by].isna().any():
        row = int(responses[by].isna().to_numpy().nonzero()[0][0]) + 1
        raise UserError(t("survey.error.missing_group", row=row, column=by))
    profile = sample_profile(responses, by, population_shares).set_index("group")["weight"]
    result = responses.copy()
    result[name] = responses[by].astype(str).map(profile).astype(float)
    return result


def difference(a: stats.Estimate, b: stats.Estimate) -> stats.Estimate:
    """Return the gap a - b between two shares, with Newcombe's interval (from their Wilson intervals).

    If the interval does not include 0, the two groups really differ (at that level).
    """
    if not isinstance(a, stats.Estimate) or not isinstance(b, stats.Estimate):
        raise UserError(t("survey.error.not_an_estimate"))
    gap = a.value - b.value
    low = gap - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = gap + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return stats.Estimate(gap, max(low, -1.0), min(high, 1.0), min(a.n, b.n), a.level)


def sample_size_needed(margin: float, share: float = 0.5, level: float = 0.95) -> int:
    """Return the answers a simple random sample needs for a given margin of error (e.g. 0.05)."""
    if not 0 < margin < 1:
        raise UserError(t("survey.error.margin", margin=margin))
    if not 0 <= share <= 1:
        raise UserError(t("survey.error.share", share=share))
    z = stats.z_value(level)
    return max(1, math.ceil(z * z * share * (1 - share) / (margin * margin)))
