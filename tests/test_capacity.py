"""course.capacity: framework, survey scoring, gaps, priority cohorts, costed training plans, talent."""

import io

import matplotlib
import pandas as pd
import pytest

from course import capacity, capacity_charts, data
from course.errors import UserError

matplotlib.use("Agg")

COMPETENCES = [
    "basic_ict",
    "data_handling",
    "cybersecurity",
    "online_collaboration",
    "digital_service_design",
    "digital_leadership",
]


def person(staff_id: str, role: str, levels: list[int], province: str = "Sekong") -> dict:
    return {
        "staff_id": staff_id,
        "role": role,
        "province": province,
        **dict(zip(COMPETENCES, levels, strict=True)),
    }


# An admin officer's targets are 3, 2, 2, 3, 1, 1; an IT focal point's 4, 3, 4, 4, 3, 2.
SMALL = pd.DataFrame(
    [
        person("A", "admin_officer", [1, 2, 2, 3, 1, 1], "Sekong"),
        person("B", "admin_officer", [3, 0, 2, 1, 1, 1], "Sekong"),
        person("C", "it_focal_point", [4, 3, 4, 4, 3, 2], "Attapeu"),
        person("D", "admin_officer", [3, 2, 2, 3, 1, 1], "Attapeu"),
    ]
)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return data.synthetic("staff_skills")


def test_framework_has_six_competences_with_levels_0_to_4():
    """The illustrative framework lists six competences, each with a descriptor for levels 0-4."""
    table = capacity.framework()
    assert capacity.competences() == COMPETENCES
    assert table.groupby("competence").size().eq(5).all()
    assert capacity.level_label(4).startswith("advanced")
    assert capacity.competence_label("cybersecurity") == "Cybersecurity"
    assert list(capacity.targets()["role"]) == [
        "admin_officer",
        "technical_officer",
        "head_of_division",
        "it_focal_point",
    ]


def test_a_framework_file_with_a_missing_level_is_refused(tmp_path):
    """Each competence needs one descriptor per level; a gap in the levels is named."""
    path = tmp_path / "framework.csv"
    path.write_text(
        "competence,level,descriptor\nx,0,a\nx,1,b\nx,3,c\nx,4,d\nx,4,e\n", encoding="utf-8"
    )
    with pytest.raises(UserError, match="'x' needs exactly one descriptor"):
        capacity.framework(path)
    path.write_text("competence,level,descriptor\nx,7,a\n", encoding="utf-8")
    with pytest.raises(UserError, match="Row 1, column 'level': '7' is not a score from 0 to 4"):
        capacity.framework(path)


def test_gaps_per_person_and_competence():
    """gap = target minus level when below target, else 0; totals and counts per person."""
    long = capacity.gaps(SMALL)
    a = long[long["staff_id"] == "A"].set_index("competence")
    assert a.loc["basic_ict", ["level", "target", "gap"]].tolist() == [1, 3, 2]
    assert (long[long["staff_id"] == "C"]["gap"] == 0).all()
    people = capacity.person_gaps(SMALL).set_index("staff_id")
    assert people.loc["A", "total_gap"] == 2 and people.loc["A", "below"] == 1
    assert people.loc["B", "total_gap"] == 4 and people.loc["B", "below"] == 2
    assert people.loc["D", "total_gap"] == 0
    assert capacity.person_gaps(SMALL)["staff_id"].iloc[0] == "B", "largest total gap first"


def test_above_target_is_not_a_negative_gap():
    """A level above target gives a gap of 0, never a negative one."""
    high = SMALL.copy()
    high.loc[3, "basic_ict"] = 4
    assert capacity.gaps(high)["gap"].min() == 0


def test_competence_summary_counts_staff_below_target():
    """basic_ict: A is below (1 < 3); data_handling: B is below (0 < 2)."""
    summary = capacity.competence_summary(SMALL).set_index("competence")
    assert summary.loc["basic_ict", "below"] == 1
    assert summary.loc["basic_ict", "share_below"] == pytest.approx(0.25)
    assert summary.loc["online_collaboration", "mean_gap"] == pytest.approx(0.5)
    assert summary.loc["digital_leadership", "below"] == 0


def test_priority_cohorts_put_the_largest_share_below_first():
    """Sekong has 1 of 2 below in basic ICT, Attapeu 0 of 2: Sekong is trained first."""
    order = capacity.priority_cohorts(SMALL, "basic_ict")
    assert list(order["province"]) == ["Sekong", "Attapeu"]
    assert list(order["priority"]) == [1, 2]
    assert order.loc[0, "share_below"] == pytest.approx(0.5)
    with pytest.raises(UserError, match="not a competence"):
        capacity.priority_cohorts(SMALL, "typing")
    with pytest.raises(UserError, match="no column 'district'"):
        capacity.priority_cohorts(SMALL, "basic_ict", by="district")


def test_training_needs_and_talent_pool():
    """Learners are the people under target; the talent pool reaches a level in every competence named."""
    needs = capacity.training_needs(SMALL).set_index("competence")["learners"].to_dict()
    assert needs == {"basic_ict": 1, "data_handling": 1, "online_collaboration": 1}
    by_province = capacity.training_needs(SMALL, by="province")
    assert set(by_province["province"]) == {"Sekong"}
    assert list(capacity.talent_pool(SMALL, ["basic_ict", "cybersecurity"])["staff_id"]) == ["C"]
    assert len(capacity.talent_pool(SMALL, ["basic_ict"], min_level=3)) == 3
    with pytest.raises(UserError, match="at least one competence"):
        capacity.talent_pool(SMALL, [])


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (2, "basic_ict", 5, "Row 2, column 'basic_ict': '5' is not a score from 0 to 4"),
        (1, "cybersecurity", -1, "Row 1, column 'cybersecurity': '-1' is not a score"),
        (3, "data_handling", 2.5, "Row 3, column 'data_handling': '2.5' is not a whole number"),
        (
            4,
            "online_collaboration",
            "good",
            "Row 4, column 'online_collaboration': 'good' is not a number",
        ),
        (2, "role", "driver", "Row 2, column 'role': 'driver' is not a role"),
        (3, "staff_id", "A", "Row 3, column 'staff_id': the staff id 'A' is already used in row 1"),
        (1, "staff_id", "", "Row 1, column 'staff_id': this cell is empty"),
    ],
)
def test_bad_survey_cells_name_the_row_and_column(row, column, value, message):
    """Levels outside 0-4, fractions, words, unknown roles and repeated ids: row, column and value."""
    bad = SMALL.astype(object)
    bad.loc[row - 1, column] = value
    with pytest.raises(UserError, match=message):
        capacity.validate_survey(bad)


def test_a_survey_without_a_competence_column_is_refused():
    """A missing competence column is named, with the columns the survey needs."""
    with pytest.raises(UserError, match="no column cybersecurity"):
        capacity.validate_survey(SMALL.drop(columns="cybersecurity"))


def test_cohorts_needed_rounds_up():
    """41 learners in groups of 20 need 3 cohorts; 0 learners need none; bad sizes are refused."""
    assert capacity.cohorts_needed(41, 20) == 3
    assert capacity.cohorts_needed(40, 20) == 2
    assert capacity.cohorts_needed(0, 20) == 0
    with pytest.raises(UserError, match="cohort_size is 0"):
        capacity.cohorts_needed(10, 0)
    with pytest.raises(UserError, match=r"learners is 2\.5"):
        capacity.cohorts_needed(2.5, 10)


def test_plan_training_costs_in_person_online_and_blended():
    """Costs follow the unit costs: trainers per cohort-day, rooms or platform, learners per day."""
    needs = pd.DataFrame({"competence": ["cybersecurity"], "learners": [30]})
    costs = capacity.UnitCosts(
        trainer_day=1,
        venue_day=2,
        learner_day_in_person=0.5,
        learner_day_online=0.1,
        online_day=0.2,
    )
    plan = capacity.plan_training(needs, cohort_size=20, costs=costs).iloc[0]
    # 2 cohorts x 2 trainers x 2 days = 8 trainer-days; 2 x 2 room-days x 2; 30 x 2 x 0.5
    assert plan["cohorts"] == 2 and plan["trainer_days"] == 8
    assert [plan["trainer_cost"], plan["venue_cost"], plan["learner_cost"], plan["cost"]] == [
        8,
        8,
        30,
        46,
    ]
    online = capacity.plan_training(needs, delivery="online", costs=costs).iloc[0]
    assert [online["venue_cost"], online["learner_cost"], online["cost"]] == pytest.approx(
        [0.8, 6, 14.8]
    )
    blended = capacity.plan_training(
        needs, delivery={"cybersecurity": "blended"}, costs=costs
    ).iloc[0]
    assert blended["venue_cost"] == pytest.approx(2 * (1 * 2 + 1 * 0.2))
    compare = capacity.compare_delivery(needs, costs=costs).set_index("delivery")["cost"]
    assert compare["online"] < compare["blended"] < compare["in_person"]


@pytest.mark.parametrize(
    ("needs", "options", "message"),
    [
        ({"competence": ["typing"], "learners": [3]}, {}, "Row 1, column 'competence': 'typing'"),
        ({"competence": ["cybersecurity"], "learners": [-3]}, {}, "Row 1, column 'learners': '-3'"),
        (
            {"competence": ["cybersecurity"], "learners": ["many"]},
            {},
            "Row 1, column 'learners': 'many'",
        ),
        (
            {"competence": ["cybersecurity"], "learners": [3]},
            {"delivery": "radio"},
            "'radio' is not a way",
        ),
        (
            {"competence": ["cybersecurity"], "learners": [3]},
            {"cohort_size": 0},
            "cohort_size is 0",
        ),
        (
            {"competence": ["cybersecurity"], "learners": [3]},
            {"days": {"cybersecurity": 0}},
            "course length",
        ),
    ],
)
def test_bad_training_needs_are_clear_errors(needs, options, message):
    """Unknown competences, negative or non-numeric learners, bad delivery, sizes and days."""
    with pytest.raises(UserError, match=message):
        capacity.plan_training(pd.DataFrame(needs), **options)


def test_rank_measures_reuses_the_weighted_mean():
    """Talent measures are ranked by the weighted mean of their 1-5 criteria."""
    measures = pd.DataFrame(
        {"measure": ["mentoring", "allowance"], "motivation": [4, 5], "affordable": [5, 1]}
    )
    ranked = capacity.rank_measures(measures, {"motivation": 1, "affordable": 1})
    assert list(ranked["measure"]) == ["mentoring", "allowance"]
    assert list(ranked["score"]) == [4.5, 3.0]
    measures.loc[0, "motivation"] = 9
    with pytest.raises(UserError, match="Row 1, column 'motivation'"):
        capacity.rank_measures(measures, {"motivation": 1})


def test_shipped_survey_is_labelled_and_valid(survey):
    """The synthetic survey validates, covers the 18 PPAs with one IT focal point each, and says SYNTHETIC."""
    clean = capacity.validate_survey(survey)
    assert clean["province"].nunique() == 18
    assert (clean["role"] == "it_focal_point").sum() == 18
    assert survey.attrs["synthetic"] is True
    assert "SYNTHETIC" in data.synthetic_label("staff_skills")
    assert "ILLUSTRATIVE" in capacity.cost_note()


def test_survey_from_a_csv_file_validates():
    """A survey typed in a spreadsheet (all text) validates into whole levels."""
    text = SMALL.to_csv(index=False)
    read = pd.read_csv(io.StringIO(text), dtype=str)
    assert capacity.validate_survey(read)["basic_ict"].tolist() == [1, 3, 4, 3]


def test_charts_draw(survey):
    """The profile heat map and the below-target bars draw with catalogue titles."""
    import matplotlib.pyplot as plt

    ax = capacity_charts.profile_heatmap(capacity.profile(survey, "region"))
    assert ax.get_title().startswith("Digital skills profile")
    bars = capacity_charts.below_target(capacity.competence_summary(survey))
    assert "below target" in bars.get_title()
    plt.close("all")
