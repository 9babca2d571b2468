"""Small statistics for survey data: proportions and means with confidence intervals, weighting.

Shared by the digital-inclusion (B6) and monitoring-and-evaluation (B7) modules and the
M&E dashboard. Plain functions on numbers and pandas objects; no SciPy needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from course.errors import UserError
from course.messages import t

# Two-sided normal quantiles for the confidence levels a lesson uses.
_Z = {
    0.80: 1.2815515655446004,
    0.90: 1.6448536269514722,
    0.95: 1.959963984540054,
    0.99: 2.5758293035489004,
}


@dataclass(frozen=True)
class Estimate:
    """A share or mean with its confidence interval and the sample behind it."""

    value: float
    low: float
    high: float
    n: float
    level: float = 0.95

    @property
    def margin(self) -> float:
        """Half the width of the interval (the "plus or minus")."""
        return (self.high - self.low) / 2


def z_value(level: float) -> float:
    """The normal quantile for a two-sided interval at `level` (0.80, 0.90, 0.95 or 0.99)."""
    if level not in _Z:
        raise UserError(t("stats.error.level", level=level, known=", ".join(str(k) for k in _Z)))
    return _Z[level]


def proportion_ci(successes: float, n: float, level: float = 0.95) -> Estimate:
    """The share successes / n with a Wilson score interval (good for small n and shares near 0 or 1)."""
    if n <= 0:
        raise UserError(t("stats.error.empty"))
    if successes < 0 or successes > n:
        raise UserError(t("stats.error.successes", successes=successes, n=n))
    z = z_value(level)
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(share, low, high, n, level)


def mean_ci(values: Iterable[float], level: float = 0.95) -> Estimate:
    """The mean of `values` (missing values dropped) with a normal-approximation interval."""
    numbers = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    n = len(numbers)
    if n == 0:
        raise UserError(t("stats.error.empty"))
    mean = sum(numbers) / n
    if n == 1:
        return Estimate(mean, mean, mean, 1, level)
    variance = sum((x - mean) ** 2 for x in numbers) / (n - 1)
    half = z_value(level) * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half, n, level)


def effective_sample_size(weights: Iterable[float]) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2: what n is worth after weighting."""
    ws = [float(w) for w in weights]
    if not ws or any(w < 0 or math.isnan(w) for w in ws) or sum(ws) == 0:
        raise UserError(t("stats.error.weights"))
    return sum(ws) ** 2 / sum(w * w for w in ws)


def weighted_proportion_ci(
    flags: Iterable[bool], weights: Iterable[float], level: float = 0.95
) -> Estimate:
    """A weighted share of True flags, with a Wilson interval on Kish's effective sample size."""
    pairs = list(zip(flags, weights, strict=True))
    if not pairs:
        raise UserError(t("stats.error.empty"))
    total = sum(float(w) for _, w in pairs)
    n_eff = effective_sample_size(w for _, w in pairs)
    share = sum(float(w) for flag, w in pairs if flag) / total
    interval = proportion_ci(share * n_eff, n_eff, level)
    return Estimate(share, interval.low, interval.high, n_eff, level)


def post_stratification_weights(
    sample_counts: dict[str, float], population_shares: dict[str, float]
) -> dict[str, float]:
    """Weight per group so the weighted sample matches the population shares.

    weight(g) = population share(g) / sample share(g). Every sampled group needs a
    population share, and the shares must add up to 1.
    """
    if set(sample_counts) != set(population_shares):
        missing = sorted(set(sample_counts) ^ set(population_shares))
        raise UserError(t("stats.error.groups", groups=", ".join(map(str, missing))))
    if abs(sum(population_shares.values()) - 1) > 1e-6:
        raise UserError(t("stats.error.shares"))
    n = sum(sample_counts.values())
    if n <= 0 or any(c <= 0 for c in sample_counts.values()):
        raise UserError(t("stats.error.empty_group"))
    return {g: population_shares[g] / (sample_counts[g] / n) for g in sample_counts}


def margin_of_error(n: float, share: float = 0.5, level: float = 0.95) -> float:
    """The normal-approximation margin of error of a share from a simple random sample of n."""
    if n <= 0:
        raise UserError(t("stats.error.empty"))
    return z_value(level) * math.sqrt(share * (1 - share) / n)
