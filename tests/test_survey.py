"""course.survey: shares by group with intervals, weighting, gaps and bad input."""

import math

import pandas as pd
import pytest

from course import data, stats, survey
from course.errors import UserError


def small() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": ["A", "A", "A", "A", "B", "B", None],
            "sex": ["female", "male", "female", "male", "female", "male", "male"],
            "satisfaction": [5, 4, 2, None, 1, 3, 5],
            "used": [True, False, True, True, False, False, True],
        }
    )


def test_breakdown_counts_shares_and_uses_wilson_intervals():
    """District A: 2 satisfied of 3 answers (the missing answer is left out)."""
    table = survey.breakdown(small(), "district", "satisfaction")
    assert list(table.columns) == ["district", "n", "share", "low", "high"]
    row = table.set_index("district").loc["A"]
    wilson = stats.proportion_ci(2, 3)
    assert row["n"] == 3 and row["share"] == pytest.approx(2 / 3)
    assert (row["low"], row["high"]) == pytest.approx((wilson.low, wilson.high))


def test_breakdown_of_flags_and_of_several_columns():
    """True/False flags are counted as they are; two `by` columns give one row per pair."""
    table = survey.breakdown(small(), ["district", "sex"], "used")
    assert list(table.columns[:2]) == ["district", "sex"]
    assert len(table) == 4
    yes_no = small().assign(used=["yes", "no", "yes", "yes", "no", "no", "yes"])
    assert survey.breakdown(yes_no, None, "used")["share"].iloc[0] == pytest.approx(4 / 7)


def test_breakdown_of_the_whole_sample_and_levels():
    """by=None gives one row; a 99% interval is wider than a 90% one."""
    table = survey.breakdown(small(), None, "satisfaction")
    assert len(table) == 1 and table["n"].iloc[0] == 6
    wide = survey.overall(small(), "satisfaction", level=0.99)
    narrow = survey.overall(small(), "satisfaction", level=0.90)
    assert wide.margin > narrow.margin


def test_breakdown_bad_input():
    """Unknown columns, text answers, negative weights and odd levels give clear messages."""
    with pytest.raises(UserError, match="no column 'province'"):
        survey.breakdown(small(), "province", "satisfaction")
    with pytest.raises(UserError, match="Row 2, column 'satisfaction'"):
        survey.breakdown(
            small().assign(satisfaction=[5, "good", 2, 3, 1, 3, 5]), None, "satisfaction"
        )
    with pytest.raises(UserError, match="Row 1, column 'w'"):
        survey.breakdown(
            small().assign(w=[-1, 1, 1, 1, 1, 1, 1]), None, "satisfaction", weights="w"
        )
    with pytest.raises(UserError, match="confidence level"):
        survey.breakdown(small(), None, "satisfaction", level=0.5)
    with pytest.raises(UserError, match="DataFrame"):
        survey.breakdown([1, 2], None, "satisfaction")
    with pytest.raises(UserError, match="empty"):
        survey.breakdown(small().assign(satisfaction=None), None, "satisfaction")


def test_the_synthetic_survey_has_1200_respondents_with_parity():
    """1,200 respondents, 600 women and 600 men, scales from 1 to 5."""
    responses = data.synthetic("citizen_feedback")
    assert len(responses) == 1200
    assert dict(responses["sex"].value_counts()) == {"female": 600, "male": 600}
    assert set(responses["satisfaction"].dropna()) <= {1, 2, 3, 4, 5}
    assert set(responses["ethnic_group"]) == {"Lao-Tai", "Mon-Khmer", "Hmong-Mien", "Sino-Tibetan"}


def test_a_small_district_has_a_wide_interval():
    """A district of about 35 answers has a margin near ±13 points; the whole sample near ±3."""
    responses = data.synthetic("citizen_feedback")
    by_district = survey.breakdown(responses, "district", "satisfaction").set_index("district")
    small_margin = (by_district.loc["Dakcheung", "high"] - by_district.loc["Dakcheung", "low"]) / 2
    whole = survey.overall(responses, "satisfaction")
    assert by_district.loc["Dakcheung", "n"] < 40
    assert small_margin > 3 * whole.margin


def test_weights_match_the_population_and_cost_precision():
    """After weighting by area the weighted sample matches the shares; n_eff < n."""
    responses = data.synthetic("citizen_feedback")
    shares = survey.ILLUSTRATIVE_POPULATION["area"]
    weighted = survey.add_weights(responses, "area", shares)
    totals = weighted.groupby("area")["weight"].sum() / weighted["weight"].sum()
    assert totals["urban"] == pytest.approx(shares["urban"])
    table = survey.breakdown(weighted, None, "satisfaction", weights="weight")
    assert table["n_eff"].iloc[0] < table["n"].iloc[0]
    profile = survey.sample_profile(responses, "area", shares).set_index("group")
    assert profile.loc["rural", "weight"] > 1 > profile.loc["urban", "weight"]
    assert "ILLUSTRATIVE" in survey.illustrative_label()


def test_weighting_bad_input():
    """Shares that do not add to 1, a missing group, or an empty group value are errors."""
    responses = data.synthetic("citizen_feedback")
    with pytest.raises(UserError, match="add up to 1"):
        survey.add_weights(responses, "area", {"urban": 0.5, "rural": 0.6})
    with pytest.raises(UserError, match="rural"):
        survey.add_weights(responses, "area", {"urban": 1.0})
    with pytest.raises(UserError, match="Row 1, column 'district'"):
        survey.add_weights(small().iloc[[6, 0]], "district", {"A": 1.0})


def test_weighted_share_with_equal_weights_equals_the_plain_share():
    """Weights of 1 change nothing but add n_eff = n."""
    plain = survey.breakdown(small(), "district", "satisfaction")
    weighted = survey.breakdown(small().assign(w=1.0), "district", "satisfaction", weights="w")
    assert list(weighted["share"]) == pytest.approx(list(plain["share"]))
    assert list(weighted["n_eff"]) == pytest.approx(list(plain["n"]))


def test_mean_by():
    """Mean satisfaction per district, missing answers dropped."""
    table = survey.mean_by(small(), "district", "satisfaction").set_index("district")
    assert table.loc["A", "mean"] == pytest.approx(11 / 3) and table.loc["A", "n"] == 3


def test_difference_between_two_shares():
    """Newcombe's interval: clearly different shares exclude 0; equal ones include it."""
    high, low = stats.proportion_ci(80, 100), stats.proportion_ci(40, 100)
    gap = survey.difference(high, low)
    assert gap.value == pytest.approx(0.4) and gap.low > 0
    same = survey.difference(stats.proportion_ci(50, 100), stats.proportion_ci(50, 100))
    assert same.low < 0 < same.high
    with pytest.raises(UserError, match="two estimates"):
        survey.difference(0.8, 0.4)


def test_sample_size_needed():
    """About 385 answers give ±5 points at 95%; 1,068 give ±3; bad margins are errors."""
    assert survey.sample_size_needed(0.05) == 385
    assert survey.sample_size_needed(0.03) == 1068
    assert survey.sample_size_needed(0.05, share=0.2) < 385
    with pytest.raises(UserError, match="between 0 and 1"):
        survey.sample_size_needed(5)
    assert math.isclose(stats.margin_of_error(survey.sample_size_needed(0.05)), 0.05, abs_tol=1e-3)
