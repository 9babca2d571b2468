"""course.design: personas, journeys, pain-point scoring, "how might we" and vision checks."""

import pandas as pd
import pytest

from course import data, design
from course.errors import UserError

SURVEY = pd.DataFrame(
    {
        "sex": ["female", "female", "male", "male", "female"],
        "age_group": ["60+", "18-29", "60+", "30-44", "60+"],
        "area": ["rural", "urban", "rural", "urban", "rural"],
        "has_smartphone": [False, True, False, True, True],
        "uses_internet": [False, True, False, True, False],
        "distance_km": [30.0, 2.0, 20.0, 1.0, 10.0],
        "preferred_channel": ["village_chief", "online", "village_chief", "online", "phone_call"],
    }
)

# Two cases of one service: case A meets a problem at step 2 and returns the next week.
TRANSACTIONS = pd.DataFrame(
    {
        "case_id": ["A", "A", "A", "B", "B", "B"],
        "service": ["licence"] * 6,
        "district": ["Lamam"] * 6,
        "step_no": [1, 2, 3, 1, 2, 3],
        "step": ["ask", "hand in", "collect"] * 2,
        "day": [1, 1, 8, 1, 2, 3],
        "visits": [1, 2, 1, 1, 1, 1],
        "minutes": [20, 90, 10, 30, 40, 20],
        "travel_cost_lak": [10000, 20000, 10000, 5000, 5000, 5000],
        "fee_lak": [0, 50000, 0, 0, 50000, 0],
        "problem": ["", "missing document", "", "", "", "long wait"],
    }
)


def test_profile_of_a_segment():
    """Older women: 2 of 5 respondents, half have a smartphone, median distance 20 km."""
    facts = design.profile(SURVEY, {"sex": "female", "age_group": "60+"})
    assert facts["n"] == 2
    assert facts["share_of_survey"] == pytest.approx(0.4)
    assert facts["has_smartphone"] == pytest.approx(0.5)
    assert facts["median_distance_km"] == pytest.approx(20.0)
    assert facts["smartphone_low"] < 0.5 < facts["smartphone_high"]


def test_personas_and_list_filters():
    """A list of values keeps any of them; each named segment gives one row."""
    table = design.personas(
        SURVEY,
        {"Rural people": {"area": "rural"}, "Working age": {"age_group": ["18-29", "30-44"]}},
    ).set_index("persona")
    assert table.loc["Rural people", "n"] == 3
    assert table.loc["Working age", "uses_internet"] == 1.0
    assert table.loc["Rural people", "top_channel"] == "village_chief"


def test_segment_sorts_the_least_connected_first():
    """segment() groups by a column and shows the group with the lowest internet use first."""
    table = design.segment(SURVEY, "area")
    assert list(table["area"]) == ["rural", "urban"]
    assert list(table["n"]) == [3, 2]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"ethnicity": "x"}, "no column 'ethnicity'"),
        ({"sex": "Female"}, "No respondent has sex = 'Female'"),
        ({"sex": "male", "area": "rural", "age_group": "30-44"}, "No respondent matches"),
    ],
)
def test_bad_segments(filters, message):
    """Unknown columns, misspelt values and empty segments each get a clear message."""
    with pytest.raises(UserError, match=message):
        design.profile(SURVEY, filters)


def test_no_segments():
    """personas() needs at least one named segment."""
    with pytest.raises(UserError, match="at least one segment"):
        design.personas(SURVEY, {})


def test_case_totals_and_summary():
    """Case A: 8 days, 4 visits, 120 minutes, 90,000 LAK; the median of the two cases is reported."""
    totals = design.case_totals(TRANSACTIONS).set_index("case_id")
    assert totals.loc["A", "days"] == 8
    assert totals.loc["A", "visits"] == 4
    assert totals.loc["A", "minutes"] == 120
    assert totals.loc["A", "cost_lak"] == 90000
    assert totals.loc["B", "problems"] == 1
    summary = design.journey_summary(TRANSACTIONS, "licence")
    assert summary["cases"] == 2
    assert summary["days"] == pytest.approx((8 + 3) / 2)
    assert summary["share_with_problem"] == 1.0


def test_journey_map_per_step():
    """Step 2 averages 1.5 visits and 65 minutes; half the cases met a problem there."""
    table = design.journey(TRANSACTIONS, "licence").set_index("step_no")
    assert list(table["step"]) == ["ask", "hand in", "collect"]
    assert table.loc[2, "visits"] == pytest.approx(1.5)
    assert table.loc[2, "minutes"] == pytest.approx(65)
    assert table.loc[2, "problem_share"] == pytest.approx(0.5)
    assert table.loc[2, "top_problem"] == "missing document"
    assert table.loc[1, "top_problem"] == ""


def test_unknown_service_and_missing_columns():
    """An unknown service lists the known ones; a table without 'visits' is refused."""
    with pytest.raises(UserError, match=r"no service called 'passport'.*licence"):
        design.journey(TRANSACTIONS, "passport")
    with pytest.raises(UserError, match="has no column"):
        design.journey(TRANSACTIONS.drop(columns="visits"), "licence")


@pytest.mark.parametrize(
    ("share", "score"),
    [(0.0, 1), (0.049, 1), (0.05, 2), (0.2, 3), (0.3, 4), (0.5, 5), (1.0, 5)],
)
def test_frequency_score_bands(share, score):
    """Shares of cases map to frequency 1..5 at 5%, 15%, 30% and 50%."""
    assert design.frequency_score(share) == score


@pytest.mark.parametrize("share", [-0.1, 1.5, "often", None, float("nan")])
def test_frequency_score_bad_share(share):
    """A share outside 0..1, or not a number, is refused."""
    with pytest.raises(UserError, match="not a number from 0 to 1"):
        design.frequency_score(share)


def test_pain_points_count_cases_once():
    """Each problem counts the cases that met it, as a share of all the service's cases."""
    table = design.pain_points(TRANSACTIONS, "licence").set_index("problem")
    assert table.loc["missing document", "cases"] == 1
    assert table.loc["missing document", "share"] == pytest.approx(0.5)
    assert table.loc["missing document", "frequency"] == 5


def test_prioritise_scores_frequency_times_severity():
    """score = frequency × severity, highest first; ties keep the input order."""
    table = design.prioritise(
        pd.DataFrame(
            {
                "problem": ["long wait", "missing document", "language difficulty"],
                "frequency": [4, 3, 2],
                "severity": [2, 4, 4],
            }
        )
    )
    assert list(table["problem"]) == ["missing document", "long wait", "language difficulty"]
    assert list(table["score"]) == [12, 8, 8]
    assert list(table["rank"]) == [1, 2, 3]


@pytest.mark.parametrize(
    ("column", "value"),
    [("severity", 6), ("frequency", 0), ("severity", 2.5), ("severity", "high")],
)
def test_prioritise_bad_scales(column, value):
    """Frequency and severity outside the whole numbers 1..5 name the row and column."""
    pain = pd.DataFrame({"problem": ["a", "b"], "frequency": [3, 3], "severity": [3, 3]}).astype(
        object
    )
    pain.loc[1, column] = value
    with pytest.raises(UserError, match=rf"Row 2, column '{column}'"):
        design.prioritise(pain)


def test_how_might_we_builds_and_checks_statements():
    """The helper writes a statement that passes its own checks; a weak one gets every problem named."""
    statement = design.how_might_we(
        "reduce the trips", "villagers in Dakcheung", "they finish their licence in one visit."
    )
    assert statement.startswith("How might we reduce the trips for villagers in Dakcheung")
    assert statement.endswith("visit?")
    assert design.check_hmw(statement) == []
    problems = design.check_hmw("Build an app")
    assert len(problems) == 5
    assert any("app" in p for p in problems)


def test_how_might_we_bad_input():
    """An empty part or a statement that is not text is refused."""
    with pytest.raises(UserError, match="user part"):
        design.how_might_we("reduce trips", " ", "goal")
    with pytest.raises(UserError, match="as text"):
        design.check_hmw(42)


def test_vision_checker_finds_each_sdg_target():
    """A vision naming effectiveness, participation and information covers 16.6, 16.7, 16.10."""
    vision = (
        "By 2030 Sekong PPA is an effective and transparent assembly that consults all citizens, "
        "including villagers in remote districts, and publishes its decisions in ways everyone can use."
    )
    table = design.check_vision(vision).set_index("target")
    assert table["covered"].all()
    assert "consults" in table.loc["16.7", "words"]
    assert design.vision_feedback(vision) == []
    partial = design.check_vision("A modern, digital PPA for all citizens.").set_index("target")
    assert not partial["covered"].any()
    assert len(design.vision_feedback("A modern, digital PPA.")) == 5


def test_vision_empty_is_refused():
    """An empty vision statement gets a clear message."""
    with pytest.raises(UserError, match="as text"):
        design.check_vision("  ")


def test_shipped_survey_and_transactions_work_end_to_end():
    """The SYNTHETIC datasets give personas for the four groups and a journey for both services."""
    survey = data.synthetic("citizen_survey")
    groups = design.personas(
        survey,
        {
            "Mon-Khmer, rural": {"ethnic_group": "Mon-Khmer", "area": "rural"},
            "Women 60+": {"sex": "female", "age_group": "60+"},
            "Disability": {"disability": True},
        },
    )
    assert (groups["n"] > 20).all()
    transactions = data.synthetic("odsc_transactions")
    for service in transactions["service"].unique():
        assert len(design.journey(transactions, service)) >= 4
    assert design.pain_points(transactions)["share"].between(0, 1).all()


def test_journey_chart_draws():
    """The journey chart has one bar per step."""
    import matplotlib

    matplotlib.use("Agg")
    ax = design.journey_chart(design.journey(TRANSACTIONS, "licence"), "licence")
    assert len(ax.patches) == 3
