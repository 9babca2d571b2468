"""course.stats: confidence intervals and weighting, against known values."""

import math

import pytest

from course import stats
from course.errors import UserError


def test_wilson_interval_matches_the_textbook_value():
    """81 of 263 at 95%: Wilson interval 0.2553 to 0.3662 (Newcombe 1998, example)."""
    estimate = stats.proportion_ci(81, 263)
    assert estimate.value == pytest.approx(81 / 263)
    assert estimate.low == pytest.approx(0.2553, abs=1e-4)
    assert estimate.high == pytest.approx(0.3662, abs=1e-4)


def test_wilson_interval_stays_inside_0_and_1():
    """0 of 10 and 10 of 10 give intervals that touch, not cross, 0 and 1."""
    assert stats.proportion_ci(0, 10).low == 0.0 and stats.proportion_ci(0, 10).high > 0.2
    assert stats.proportion_ci(10, 10).high == 1.0


def test_more_answers_give_a_narrower_interval():
    """The margin shrinks as the sample grows."""
    assert stats.proportion_ci(60, 100).margin > stats.proportion_ci(600, 1000).margin


def test_margin_of_error_for_1200():
    """A simple random sample of 1,200 gives about ±2.8 points at 95% for a 50% share."""
    assert stats.margin_of_error(1200) == pytest.approx(0.0283, abs=1e-4)


def test_mean_ci():
    """Mean of 1..5 is 3 with a symmetric interval; missing values are dropped."""
    estimate = stats.mean_ci([1, 2, 3, 4, 5, float("nan")])
    assert estimate.value == 3 and estimate.n == 5
    assert estimate.value - estimate.low == pytest.approx(estimate.high - estimate.value)


def test_weighting():
    """Post-stratification weights rebalance the sample; Kish's n shrinks with unequal weights."""
    weights = stats.post_stratification_weights(
        {"urban": 600, "rural": 400}, {"urban": 0.3, "rural": 0.7}
    )
    assert weights["urban"] == pytest.approx(0.5) and weights["rural"] == pytest.approx(1.75)
    assert stats.effective_sample_size([1] * 100) == pytest.approx(100)
    assert stats.effective_sample_size([1] * 50 + [3] * 50) < 100
    estimate = stats.weighted_proportion_ci([True, False], [3, 1])
    assert estimate.value == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.proportion_ci(1, 0), "empty"),
        (lambda: stats.proportion_ci(5, 3), "between 0"),
        (lambda: stats.proportion_ci(1, 3, level=0.97), "confidence level"),
        (lambda: stats.mean_ci([]), "empty"),
        (lambda: stats.effective_sample_size([1, -1]), "Weights"),
        (lambda: stats.post_stratification_weights({"a": 1}, {"b": 1.0}), "do not match"),
        (
            lambda: stats.post_stratification_weights({"a": 1, "b": 1}, {"a": 0.5, "b": 0.6}),
            "add up to 1",
        ),
    ],
)
def test_bad_input_is_a_clear_error(call, message):
    """Empty groups, impossible counts, odd levels and bad weights raise UserError."""
    with pytest.raises(UserError, match=message):
        call()


def test_no_nan_leaks():
    """Intervals are real numbers."""
    estimate = stats.proportion_ci(3, 7)
    assert not any(math.isnan(x) for x in (estimate.low, estimate.high))
