"""course.inclusion: digital divides with intervals, gaps, channel mixes and their bad input."""

import pandas as pd
import pytest

from course import data, inclusion, stats
from course.errors import UserError


@pytest.fixture(scope="module")
def people():
    return data.synthetic("digital_access_survey")


def test_divides_give_wilson_intervals_per_group(people):
    """Each group's share and interval equal course.stats' Wilson interval on its counts."""
    table = inclusion.divides(people, "used_internet")
    assert set(table["dimension"]) == set(inclusion.DIMENSIONS)
    row = table[(table["dimension"] == "disability") & (table["group"] == "yes")].iloc[0]
    mine = people[people["disability"] == "yes"]
    wilson = stats.proportion_ci(int(mine["used_internet"].sum()), len(mine))
    assert row["n"] == len(mine)
    assert (row["share"], row["low"], row["high"]) == pytest.approx(
        (wilson.value, wilson.low, wilson.high)
    )
    for _, part in table.groupby("dimension"):
        assert part["gap_to_best"].max() == 0 and (part["gap_to_best"] <= 0).all()


def test_gap_uses_newcombe_and_its_sign(people):
    """Rural minus urban internet use is negative and clearly below 0; female minus male is small."""
    rural = inclusion.gap(people, "area", "used_internet", "rural", "urban")
    assert rural.value < 0 and rural.high < 0
    women = inclusion.gap(people, "sex", "used_internet", "female", "male")
    assert abs(women.value) < abs(rural.value)
    assert women.low < women.value < women.high


def test_gap_table_is_sorted_and_has_parity(people):
    """Largest gap first; parity is lowest share / highest share, between 0 and 1."""
    table = inclusion.gap_table(people, "used_internet")
    assert list(table["gap"]) == sorted(table["gap"], reverse=True)
    assert table.iloc[0]["dimension"] == "age_group"
    assert ((table["parity"] > 0) & (table["parity"] <= 1)).all()
    row = table.iloc[0]
    assert row["parity"] == pytest.approx(row["lowest_share"] / row["highest_share"])


def test_divides_bad_input(people):
    """Unknown columns and groups, no dimensions and text outcomes are clear errors."""
    with pytest.raises(UserError, match="no column 'religion'"):
        inclusion.divides(people, "used_internet", ["religion"])
    with pytest.raises(UserError, match="at least one"):
        inclusion.divides(people, "used_internet", [])
    with pytest.raises(UserError, match="no group 'women'"):
        inclusion.gap(people, "sex", "used_internet", "women", "male")
    with pytest.raises(UserError, match="Row 1, column 'province'"):
        inclusion.divides(people, "province", ["sex"])


def test_the_survey_is_synthetic_and_complete(people):
    """2,000 people, 0/1 access columns, every dimension filled in."""
    assert len(people) == 2000
    for column in ("has_phone", "has_smartphone", "used_internet", "used_online_service"):
        assert set(people[column]) <= {0, 1}
    assert (people["used_internet"] <= people["has_smartphone"]).all()
    assert not people[list(inclusion.DIMENSIONS)].isna().any().any()


def test_mix_reach_and_cost():
    """Reach combines as 1 - (1 - a)(1 - b); cost adds up; no channel reaches no one."""
    channels = inclusion.illustrative_channels()
    reach = inclusion.mix_reach(channels, ["community_radio", "loudspeakers"])
    assert reach["rural"] == pytest.approx(1 - 0.5 * 0.55)
    assert inclusion.mix_cost(channels, ["community_radio", "loudspeakers"]) == 65
    assert (inclusion.mix_reach(channels, []) == 0).all()
    assert inclusion.groups(channels) == [
        "urban",
        "rural",
        "ethnic_minority",
        "older",
        "disability",
    ]
    assert "ILLUSTRATIVE" in inclusion.channels_label()


def test_choose_channels_finds_the_cheapest_mix_that_meets_targets():
    """60% of every group within 200: radio, loudspeakers, billboards and online for 140."""
    plan = inclusion.choose_channels(inclusion.illustrative_channels(), 0.6, 200)
    assert plan.meets_targets
    assert set(plan.channels) == {"online", "community_radio", "loudspeakers", "billboards"}
    assert plan.cost == 140
    assert plan.table()["met"].all()
    cheaper = inclusion.choose_channels(inclusion.illustrative_channels(), 0.5, 200)
    assert cheaper.cost < plan.cost


def test_choose_channels_when_the_budget_is_too_small():
    """No mix within 50 reaches 60%: the closest plan is returned, marked as not meeting targets."""
    plan = inclusion.choose_channels(inclusion.illustrative_channels(), 0.6, 50)
    assert not plan.meets_targets and plan.cost <= 50
    assert not plan.table()["met"].all()


def test_choose_channels_with_targets_per_group():
    """A target for one group only leaves the others at 0."""
    plan = inclusion.choose_channels(inclusion.illustrative_channels(), {"rural": 0.4}, 100)
    assert plan.meets_targets and plan.channels == ("loudspeakers",)


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"cost": [-5, 10]}, r"Row 1, column 'cost'"),
        ({"reach_rural": [0.2, 35]}, r"Row 2, column 'reach_rural'"),
        ({"reach_rural": [0.2, "many"]}, r"Row 2, column 'reach_rural'"),
        ({"channel": ["radio", "radio"]}, r"Row 2, column 'channel'.*row 1"),
        ({"channel": ["radio", None]}, r"Row 2, column 'channel'"),
    ],
)
def test_channel_table_bad_input(change, pattern):
    """Negative costs, reach above 1, text numbers and repeated or empty names name the cell."""
    table = pd.DataFrame(
        {"channel": ["radio", "online"], "cost": [10, 20], "reach_rural": [0.2, 0.1]}
    )
    with pytest.raises(UserError, match=pattern):
        inclusion.validate_channels(table.assign(**change))


def test_choose_channels_bad_targets_and_budget():
    """Targets outside 0..1, unknown groups, a negative budget and unknown channels are errors."""
    channels = inclusion.illustrative_channels()
    with pytest.raises(UserError, match="from 0 to 1"):
        inclusion.choose_channels(channels, 60, 100)
    with pytest.raises(UserError, match="no group 'youth'"):
        inclusion.choose_channels(channels, {"youth": 0.5}, 100)
    with pytest.raises(UserError, match="budget"):
        inclusion.choose_channels(channels, 0.5, -1)
    with pytest.raises(UserError, match="no channel 'tv'"):
        inclusion.mix_reach(channels, ["tv"])
    with pytest.raises(UserError, match="reach_"):
        inclusion.validate_channels(channels[["channel", "cost"]])
