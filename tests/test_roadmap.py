"""course.roadmap: validation, weighted ranking, sensitivity, sequencing, budget, risks, quick wins."""

import io

import matplotlib
import pandas as pd
import pytest

from course import data, roadmap, roadmap_charts
from course.errors import UserError

matplotlib.use("Agg")


def table(rows: list[tuple], urgency: bool = False) -> pd.DataFrame:
    """A small initiative table from (id, cost, duration, depends_on, impact, feasibility[, urgency])."""
    columns = ["id", "cost", "duration", "depends_on", "impact", "feasibility"]
    if urgency:
        columns.append("urgency")
    frame = pd.DataFrame(rows, columns=columns)
    frame.insert(1, "name", [f"Initiative {i}" for i in frame["id"]])
    return frame


# A -> B -> D, A -> C -> D: the path through B (4 + 5 + 1 months) is the critical one.
DIAMOND = table(
    [
        ("A", 100, 4, "", 5, 3),
        ("B", 50, 5, "A", 3, 4),
        ("C", 30, 2, "A", 4, 5),
        ("D", 20, 1, "B;C", 2, 2),
    ]
)


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return data.synthetic("roadmap_initiatives")


# Validation and bad input -------------------------------------------------------------------


def test_validate_returns_a_clean_copy_with_types_and_trimmed_text():
    """Spaces are trimmed, numbers in text become numbers, repeated dependencies are dropped."""
    raw = table([(" A ", "10", "2", "", "5", "4"), ("B", 0, 1, " A ; A", 3, 3)])
    clean = roadmap.validate(raw)
    assert list(clean["id"]) == ["A", "B"]
    assert list(clean["cost"]) == [10, 0]
    assert list(clean["duration"]) == [2, 1]
    assert list(clean["depends_on"]) == ["", "A"]
    assert list(raw["id"]) == [" A ", "B"], "the input is not changed"


def test_validate_keeps_extra_columns_and_empty_dependencies_from_a_csv(catalogue):
    """The shipped catalogue loads with NaN for 'no dependency' and keeps its 'area' column."""
    clean = roadmap.validate(catalogue)
    assert "area" in clean.columns and len(clean) == len(catalogue) == 16
    assert (clean["depends_on"] == "").sum() == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("A", -5, 2, "", 3, 3)], "Row 1, column 'cost': '-5' is not a valid cost"),
        ([("A", "lots", 2, "", 3, 3)], "Row 1, column 'cost': 'lots' is not a number"),
        ([("A", 5, 2, "", 3, 3), ("B", 5, -3, "", 3, 3)], "Row 2, column 'duration': '-3'"),
        ([("A", 5, 0, "", 3, 3)], "Row 1, column 'duration': '0' is not a valid duration"),
        ([("A", 5, 2.5, "", 3, 3)], "Row 1, column 'duration': '2.5'"),
        ([("A", 5, None, "", 3, 3)], "Row 1, column 'duration': this cell is empty"),
        (
            [("A", 5, 2, "", 3, 3), ("A", 5, 2, "", 3, 3)],
            "Row 2, column 'id': the id 'A' is already used in row 1",
        ),
        ([("", 5, 2, "", 3, 3)], "Row 1, column 'id': this cell is empty"),
        ([("A;B", 5, 2, "", 3, 3)], "Row 1, column 'id': the id 'A;B' contains ';'"),
        ([("A", 5, 2, "", 6, 3)], "Row 1, column 'impact': '6' is not a score from 1 to 5"),
        ([("A", 5, 2, "", 3, 0)], "Row 1, column 'feasibility': '0' is not a score"),
        (
            [("A", 5, 2, "", 3, 3), ("B", 5, 2, "Z", 3, 3)],
            "Row 2, column 'depends_on': 'Z' is not the id",
        ),
        ([("A", 5, 2, "", 3, 3), ("B", 5, 2, "A, C", 3, 3)], "'A, C' is not the id"),
    ],
)
def test_bad_cells_name_the_row_and_the_column(rows, message):
    """Negative costs and durations, bad numbers, duplicate or unknown ids: row, column and value."""
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        roadmap.validate(table(rows))


def test_bad_urgency_is_checked_when_the_column_is_there():
    """The optional urgency column is a 1-5 score too."""
    with pytest.raises(UserError, match="Row 1, column 'urgency'"):
        roadmap.validate(table([("A", 5, 2, "", 3, 3, 9)], urgency=True))


def test_missing_columns_and_empty_tables():
    """A table without a required column names it; an empty table or a non-table is refused."""
    with pytest.raises(UserError, match="no column duration"):
        roadmap.validate(DIAMOND.drop(columns="duration"))
    with pytest.raises(UserError, match="has no rows"):
        roadmap.validate(DIAMOND.iloc[0:0])
    with pytest.raises(UserError, match="should be a table"):
        roadmap.validate([1, 2, 3])


def test_read_csv_round_trip_and_bad_files(tmp_path):
    """to_csv and read_csv give the same table back; missing, empty and bad files are clear errors."""
    text = roadmap.to_csv(DIAMOND)
    assert text.splitlines()[0] == "id,name,cost,duration,depends_on,impact,feasibility"
    back = roadmap.read_csv(io.StringIO(text))
    pd.testing.assert_frame_equal(back, roadmap.validate(DIAMOND))
    path = roadmap.write_csv(DIAMOND, tmp_path / "plan.csv")
    assert roadmap.read_csv(path).equals(back)
    assert not list(tmp_path.glob("*.tmp")), "no temporary file is left behind"
    with pytest.raises(UserError, match="There is no file"):
        roadmap.read_csv(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="file is empty"):
        roadmap.read_csv(tmp_path / "empty.csv")
    bad = "id,name,cost,duration,depends_on,impact,feasibility\nA,x,5,1,,3,3\nB,y,-1,1,,3,3\n"
    with pytest.raises(UserError, match="Row 2, column 'cost'"):
        roadmap.read_csv(io.StringIO(bad))


# Scoring, ranking and sensitivity ------------------------------------------------------------


def test_rank_uses_the_weighted_mean_and_shares_ranks_on_ties():
    """score = sum(weight x criterion) / sum(weights); rank 1 is the best; equal scores tie."""
    ranked = roadmap.rank(DIAMOND, {"impact": 2, "feasibility": 1})
    scores = dict(zip(ranked["id"], ranked["score"], strict=True))
    assert scores == pytest.approx({"A": 13 / 3, "C": 13 / 3, "B": 10 / 3, "D": 2.0})
    assert list(ranked["id"]) == ["A", "C", "B", "D"]
    assert list(ranked["rank"]) == [1, 1, 3, 4]


def test_only_the_ratio_of_the_weights_matters(catalogue):
    """Weights 3:2:1 and 0.5:0.333:0.167 give the same ranking."""
    one = roadmap.rank(catalogue, {"impact": 3, "feasibility": 2, "urgency": 1})
    two = roadmap.rank(catalogue, roadmap.normalise({"impact": 3, "feasibility": 2, "urgency": 1}))
    assert list(one["id"]) == list(two["id"]) and list(one["rank"]) == list(two["rank"])
    assert sum(roadmap.normalise({"a": 2, "b": 1, "c": 1}).values()) == pytest.approx(1)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({}, "at least one criterion"),
        ({"impact": -1}, "weight of 'impact' is -1"),
        ({"impact": 0, "feasibility": 0}, "at least one must be above 0"),
        ({"popularity": 1}, "no criterion column 'popularity'"),
        ({"cost": 1}, "add_affordability"),
        ({"impact": "high"}, "weight of 'impact' is high"),
    ],
)
def test_bad_weights_are_clear_errors(weights, message):
    """Empty, negative, all-zero or unknown weights, and cost as a criterion, are refused."""
    with pytest.raises(UserError, match=message):
        roadmap.rank(DIAMOND, weights)


def test_affordability_scores_cheap_initiatives_high():
    """The cheapest initiative scores 5, the dearest 1; it can then be weighted."""
    scored = roadmap.add_affordability(DIAMOND)
    assert dict(zip(scored["id"], scored["affordability"], strict=True)) == {
        "A": 1.0,
        "B": 3.5,
        "C": 4.5,
        "D": 5.0,
    }
    ranked = roadmap.rank(scored, {"affordability": 1})
    assert ranked["id"].iloc[0] == "D"


def test_sensitivity_and_rank_stability():
    """A ±20% change that cannot reorder the table leaves every rank stable; a close call moves."""
    steady = roadmap.sensitivity(DIAMOND, {"impact": 1}, change=0.2)
    assert list(steady["factor"]) == [0.8, 1.2]
    assert (steady["changed"] == 0).all() and steady["same_top"].all()
    close = table([("A", 1, 1, "", 5, 2), ("B", 1, 1, "", 2, 5)])
    shifts = roadmap.sensitivity(close, {"impact": 1, "feasibility": 1}, change=0.2)
    assert set(shifts["first"]) == {"A", "B"}
    assert shifts["max_shift"].max() == 1
    stability = roadmap.rank_stability(close, {"impact": 1, "feasibility": 1}, change=0.2)
    assert list(stability["best"]) == [1, 1] and list(stability["worst"]) == [2, 2]
    assert not stability["stable"].any()
    with pytest.raises(UserError, match="between 0 and 1"):
        roadmap.sensitivity(DIAMOND, {"impact": 1}, change=1.5)


def test_weighted_score_works_on_any_table_of_1_to_5_scores():
    """Other modules reuse the weighted mean; a bad score names its row and column."""
    options = pd.DataFrame({"option": ["x", "y"], "effect": [5, 1], "cost_ok": [1, 5]})
    assert list(roadmap.weighted_score(options, {"effect": 3, "cost_ok": 1})) == [4.0, 2.0]
    options.loc[1, "effect"] = 7
    with pytest.raises(UserError, match="Row 2, column 'effect'"):
        roadmap.weighted_score(options, {"effect": 1})


# Dependencies and scheduling ------------------------------------------------------------------


def test_topological_order_respects_dependencies_and_table_order():
    """Every id comes after the ids it waits for; ready ids keep the table order."""
    assert roadmap.topological_order(DIAMOND) == ["A", "B", "C", "D"]
    reordered = DIAMOND.iloc[[3, 2, 1, 0]]
    assert roadmap.topological_order(reordered) == ["A", "C", "B", "D"]


def test_a_cycle_is_named_in_the_error():
    """A circle of dependencies raises CycleError naming the ids in order: A → B → C → A."""
    circle = table([("A", 1, 1, "C", 3, 3), ("B", 1, 1, "A", 3, 3), ("C", 1, 1, "B", 3, 3)])
    with pytest.raises(roadmap.CycleError, match="A → C → B → A") as error:
        roadmap.topological_order(circle)
    assert error.value.cycle == ["A", "C", "B", "A"]
    assert isinstance(error.value, UserError)


def test_a_self_dependency_and_a_cycle_behind_a_good_start_are_found():
    """A → A is a cycle; so is a circle that only starts after a valid first step."""
    with pytest.raises(roadmap.CycleError, match="A → A"):
        roadmap.schedule(table([("A", 1, 1, "A", 3, 3)]))
    later = table([("S", 1, 1, "", 3, 3), ("X", 1, 1, "S;Y", 3, 3), ("Y", 1, 1, "X", 3, 3)])
    with pytest.raises(roadmap.CycleError, match="X → Y → X"):
        roadmap.validate(later)


def test_schedule_earliest_start_finish_slack_and_critical_path():
    """Earliest start = latest finish of the dependencies; zero slack marks the critical path."""
    plan = roadmap.schedule(DIAMOND).set_index("id")
    assert plan.loc["A", ["start", "finish"]].tolist() == [0, 4]
    assert plan.loc["B", ["start", "finish"]].tolist() == [4, 9]
    assert plan.loc["C", ["start", "finish"]].tolist() == [4, 6]
    assert plan.loc["D", ["start", "finish"]].tolist() == [9, 10]
    assert plan["slack"].to_dict() == {"A": 0, "B": 0, "C": 3, "D": 0}
    timetable = roadmap.schedule(DIAMOND)
    assert list(timetable.columns) == ["id", "name", "start", "finish", "slack", "critical"]
    assert roadmap.critical_path(timetable) == ["A", "B", "D"]
    assert roadmap.plan_length(timetable) == 10


def test_not_before_delays_a_start_and_keeps_the_rest():
    """A later start for C moves C (and uses its slack) without moving the end of the plan."""
    plan = roadmap.schedule(DIAMOND, not_before={"C": 7}).set_index("id")
    assert plan.loc["C", ["start", "finish", "slack"]].tolist() == [7, 9, 0]
    assert plan["finish"].max() == 10
    with pytest.raises(UserError, match="'Z' is not the id"):
        roadmap.schedule(DIAMOND, not_before={"Z": 3})
    with pytest.raises(UserError, match="start month of C is -1"):
        roadmap.schedule(DIAMOND, not_before={"C": -1})


def test_schedule_of_the_shipped_catalogue(catalogue):
    """Every initiative starts after all it waits for; the plan lasts as long as its critical path."""
    plan = roadmap.schedule(catalogue).set_index("id")
    for ident, needs in roadmap.dependencies(catalogue).items():
        for other in needs:
            assert plan.loc[ident, "start"] >= plan.loc[other, "finish"]
    critical = roadmap.critical_path(plan.reset_index())
    months = roadmap.validate(catalogue).set_index("id")["duration"]
    assert sum(months[c] for c in critical) == plan["finish"].max()


# Budget ------------------------------------------------------------------------------------


def test_budget_by_year_spreads_cost_evenly_over_the_months():
    """A 4-month initiative from month 10 puts half its cost in each of two years."""
    plan = roadmap.schedule(DIAMOND)
    budget = roadmap.budget_by_year(plan, DIAMOND, 2026)
    assert list(budget.columns) == ["year", "cost"]
    assert list(budget["year"]) == [2026]
    assert budget["cost"].sum() == pytest.approx(200)
    later = roadmap.schedule(DIAMOND, not_before={"A": 10})
    split = roadmap.budget_by_year(later, DIAMOND, 2026).set_index("year")["cost"]
    assert split[2026] == pytest.approx(50)  # A's months 10 and 11
    assert split.sum() == pytest.approx(200)


def test_budget_years_over_the_ceiling():
    """Years above the ceiling come back with how much they are over; bad ceilings are refused."""
    budget = pd.DataFrame({"year": [2026, 2027, 2028], "cost": [900.0, 700.0, 800.0]})
    over = roadmap.over_ceiling(budget, 800)
    assert list(over["year"]) == [2026] and list(over["over"]) == [100.0]
    assert roadmap.over_ceiling(budget, 1000).empty
    with pytest.raises(UserError, match="ceiling is -1"):
        roadmap.over_ceiling(budget, -1)
    with pytest.raises(UserError, match=r"start year is 2026\.5"):
        roadmap.budget_by_year(roadmap.schedule(DIAMOND), DIAMOND, 2026.5)


def test_budget_rejects_a_timetable_that_does_not_match():
    """An id in the timetable that is not in the initiative table names its row."""
    plan = roadmap.schedule(DIAMOND)
    plan.loc[2, "id"] = "Q"
    with pytest.raises(UserError, match="Row 3, column 'id': 'Q'"):
        roadmap.budget_by_year(plan, DIAMOND, 2026)


# Quick wins and risks ------------------------------------------------------------------------


def test_quick_wins_need_done_dependencies():
    """C is a quick win only once A, which it waits for, is done."""
    rules = {"min_impact": 4, "min_feasibility": 4, "max_cost": 50, "max_duration": 3}
    assert roadmap.quick_wins(DIAMOND, **rules).empty
    assert list(roadmap.quick_wins(DIAMOND, done=["A"], **rules)["id"]) == ["C"]
    with pytest.raises(UserError, match="not in the table: Z"):
        roadmap.quick_wins(DIAMOND, done=["Z"])


def test_risk_register_scores_levels_and_order():
    """score = likelihood x impact; 1-4 low, 5-9 medium, 10-25 high; highest first."""
    risks = pd.DataFrame(
        {
            "risk": ["power cut", "slow link", "phishing"],
            "likelihood": [2, 4, 3],
            "impact": [2, 5, 3],
        }
    )
    register = roadmap.risk_register(risks)
    assert list(register["risk"]) == ["slow link", "phishing", "power cut"]
    assert list(register["score"]) == [20, 9, 4]
    assert list(register["level"]) == ["high", "medium", "low"]
    matrix = roadmap.risk_matrix(risks)
    assert matrix.loc[4, 5] == 1 and int(matrix.to_numpy().sum()) == 3
    assert list(matrix.index) == [5, 4, 3, 2, 1]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("likelihood", 6, "Row 2, column 'likelihood': '6' is not a score"),
        ("impact", 2.5, "Row 2, column 'impact': '2.5' is not a whole number"),
        ("risk", " ", "Row 2, column 'risk': this cell is empty"),
        ("impact", "big", "Row 2, column 'impact': 'big' is not a number"),
    ],
)
def test_bad_risks_name_the_row_and_column(column, value, message):
    """Scores outside 1-5, fractions, blanks and words are refused with the cell named."""
    risks = pd.DataFrame({"risk": ["a", "b"], "likelihood": [1, 2], "impact": [3, 4]}).astype(
        object
    )
    risks.loc[1, column] = value
    with pytest.raises(UserError, match=message):
        roadmap.risk_register(risks)


def test_shipped_datasets_are_labelled_and_valid(catalogue):
    """Both B4 datasets load, validate and say SYNTHETIC."""
    assert catalogue.attrs["synthetic"] is True
    risks = data.synthetic("roadmap_risks")
    register = roadmap.risk_register(risks)
    assert set(register["level"]) == {"low", "medium", "high"}
    assert set(register["initiative"]) <= set(catalogue["id"])
    assert "SYNTHETIC" in data.synthetic_label("roadmap_risks")


def test_charts_draw_with_catalogue_labels(catalogue):
    """The Gantt chart, the budget bars and the heat map draw and carry their titles."""
    import matplotlib.pyplot as plt

    plan = roadmap.schedule(catalogue)
    ax = roadmap_charts.gantt(plan, 2026, note=data.synthetic_label("roadmap_initiatives"))
    assert ax.get_title() == "Roadmap: earliest timetable"
    assert len(ax.get_yticklabels()) == len(plan)
    budget = roadmap.budget_by_year(plan, catalogue, 2026)
    assert roadmap_charts.budget(budget, ceiling=900).get_title() == "Cost per year"
    heat = roadmap_charts.risk_heatmap(data.synthetic("roadmap_risks"))
    assert "likelihood" in heat.get_title()
    plt.close("all")


def test_add_risk_checks_the_new_row_and_keeps_the_table():
    """add_risk returns a new table with the row scored; a bad score is refused, nothing changes."""
    risks = data.synthetic("roadmap_risks")
    more = roadmap.add_risk(
        risks, risk_id="R11", risk="Trainer leaves", initiative="I01", likelihood=2, impact=3
    )
    assert len(more) == len(risks) + 1 and len(risks) == 10
    row = roadmap.risk_register(more).set_index("risk_id").loc["R11"]
    assert row["score"] == 6 and row["level"] == "medium"
    with pytest.raises(UserError, match="likelihood"):
        roadmap.add_risk(risks, risk="Flood", likelihood=7, impact=1)


def test_one_page_joins_rank_timetable_and_high_risks():
    """One row per initiative, in start order, with its rank, slack and number of high risks."""
    initiatives = data.synthetic("roadmap_initiatives")
    risks = data.synthetic("roadmap_risks")
    page = roadmap.one_page(initiatives, risks, {"impact": 3, "feasibility": 2, "urgency": 1})
    assert len(page) == len(initiatives) and list(page["start"]) == sorted(page["start"])
    register = roadmap.risk_register(risks)
    expected = register[register["level"] == "high"]["initiative"].value_counts()
    assert page.set_index("id")["high_risks"].sum() == expected.sum()
    for iid, count in expected.items():
        assert page.set_index("id").loc[iid, "high_risks"] == count
    assert page.set_index("id").loc["I01", "rank"] == 1


def test_practice_risks_and_change_risk():
    """The lesson's practice register scores 3 high risks; change_risk re-scores one, or refuses."""
    practice = roadmap.example_risks()
    register = roadmap.risk_register(practice)
    assert sorted(register[register["level"] == "high"]["risk_id"]) == ["P02", "P03", "P04"]
    assert not set(practice["risk_id"]) & set(data.synthetic("roadmap_risks")["risk_id"])
    after = roadmap.change_risk(practice, "P04", likelihood=2)
    row = roadmap.risk_register(after).set_index("risk_id").loc["P04"]
    assert row["score"] == 8 and row["level"] == "medium"
    assert roadmap.risk_register(practice).set_index("risk_id").loc["P04", "score"] == 16
    with pytest.raises(UserError, match="'P99' is not the id"):
        roadmap.change_risk(practice, "P99", likelihood=2)
    with pytest.raises(UserError, match="likelihood"):
        roadmap.change_risk(practice, "P04", likelihood=9)
