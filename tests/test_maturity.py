"""course.maturity: the questionnaire file, scores, gaps, actions, saved answers and bad input."""

import json
import math

import pandas as pd
import pytest

from course import maturity
from course.errors import UserError


@pytest.fixture
def questionnaire():
    return maturity.load_questionnaire()


def all_answers(questionnaire, level=3):
    return {qid: level for qid in questionnaire["question_id"]}


def test_shipped_questionnaire_has_six_dimensions_of_three_or_four_questions(questionnaire):
    """The data file covers the six dimensions, 3-4 questions each, unique ids, no blanks."""
    assert maturity.dimensions() == list(maturity.DIMENSIONS)
    sizes = questionnaire.groupby("dimension").size()
    assert sizes.between(3, 4).all()
    assert questionnaire["question_id"].is_unique
    assert list(questionnaire.columns) == maturity.QUESTION_COLUMNS
    assert (questionnaire.map(lambda v: len(v.strip()) > 0)).all().all()


def test_shipped_actions_cover_every_dimension_and_level_1_to_4():
    """actions.csv has an action to move up from each level 1-4 in every dimension."""
    actions = maturity.load_actions()
    pairs = set(zip(actions["dimension"], actions["level"], strict=True))
    assert pairs == {(d, lv) for d in maturity.DIMENSIONS for lv in (1, 2, 3, 4)}


def test_every_dimension_and_level_has_a_display_name():
    """Dimension and level names come from the catalogue."""
    assert maturity.dimension_label("data") == "Data"
    assert [maturity.level_label(k) for k in (1, 5)] == ["Starting", "Leading"]


def test_score_is_the_mean_level_per_dimension(questionnaire):
    """A dimension's score is the mean of its answered levels; skipped answers are left out."""
    answers = all_answers(questionnaire, 2)
    answers.update({"SL1": 5, "SL2": None, "PS1": 4})
    table = maturity.score(answers).set_index("dimension")
    assert list(table.columns) == ["score", "answered", "questions"]
    assert table.loc["strategy_leadership", "score"] == pytest.approx((5 + 2) / 2)
    assert table.loc["strategy_leadership", "answered"] == 2
    assert table.loc["strategy_leadership", "questions"] == 3
    assert table.loc["people_skills", "score"] == pytest.approx((4 + 2 + 2 + 2) / 4)
    assert table.loc["data", "score"] == 2


def test_unanswered_dimension_scores_nan_and_comes_last_in_gaps():
    """A dimension with no answer has a NaN score and a NaN gap, shown last."""
    scores = maturity.score({"SL1": 1, "PS1": 2})
    assert math.isnan(scores.set_index("dimension").loc["data", "score"])
    table = maturity.gaps(scores, 3)
    assert list(table["dimension"][:2]) == ["strategy_leadership", "people_skills"]
    assert table["gap"][2:].isna().all()


def test_gaps_are_sorted_in_priority_order_and_never_negative():
    """gap = max(target - score, 0), largest first; ties keep the standard order."""
    scores = pd.DataFrame(
        {"dimension": list(maturity.DIMENSIONS), "score": [2.0, 4.5, 1.5, 2.0, 3.0, 3.5]}
    )
    table = maturity.gaps(scores, 3)
    assert list(table.columns) == ["dimension", "score", "target", "gap"]
    assert list(table["dimension"]) == [
        "processes_services",
        "strategy_leadership",
        "technology_infrastructure",
        "people_skills",
        "data",
        "citizen_engagement",
    ]
    assert list(table["gap"]) == [1.5, 1.0, 1.0, 0.0, 0.0, 0.0]


def test_gaps_with_a_target_per_dimension():
    """A {dimension: target} mapping sets each dimension's own target."""
    scores = pd.DataFrame({"dimension": ["data", "people_skills"], "score": [2.0, 2.0]})
    table = maturity.gaps(scores, {"data": 4, "people_skills": 2.5}).set_index("dimension")
    assert table.loc["data", "gap"] == 2.0
    assert table.loc["people_skills", "gap"] == 0.5


def test_suggested_actions_run_from_the_level_reached_to_below_the_target():
    """Score 1.5 with target 3 gives the actions up from levels 1 and 2; no gap gives none."""
    scores = pd.DataFrame({"dimension": ["data", "people_skills"], "score": [1.5, 3.5]})
    actions = maturity.suggested_actions(maturity.gaps(scores, 3))
    assert list(actions.columns) == ["dimension", "level", "action"]
    assert list(zip(actions["dimension"], actions["level"], strict=True)) == [
        ("data", 1),
        ("data", 2),
    ]


def test_save_and_load_answers_round_trip(tmp_path):
    """Saved answers load back with their organisation and date; no temporary file remains."""
    path = tmp_path / "sekong.json"
    maturity.save_answers({"SL1": 2, "DA3": 4}, path, organisation="Sekong PPA", date="2025-03-14")
    answers, meta = maturity.load_answers(path)
    assert answers == {"DA3": 4, "SL1": 2}
    assert meta["organisation"] == "Sekong PPA" and meta["date"] == "2025-03-14"
    assert [p.name for p in tmp_path.iterdir()] == ["sekong.json"]


def test_a_failed_save_keeps_the_old_file(tmp_path):
    """Bad answers raise before writing, so the file saved earlier is unchanged."""
    path = tmp_path / "a.json"
    maturity.save_answers({"SL1": 2}, path, organisation="Sekong PPA", date="2025-03-14")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(UserError):
        maturity.save_answers({"SL1": 9}, path, organisation="Sekong PPA", date="2025-03-14")
    assert path.read_text(encoding="utf-8") == before
    assert len(list(tmp_path.iterdir())) == 1


# Bad input -------------------------------------------------------------------------------


def write_questionnaire(tmp_path, rows):
    path = tmp_path / "q.csv"
    pd.DataFrame(rows, columns=maturity.QUESTION_COLUMNS).to_csv(path, index=False)
    return path


ROW = ["data", "X1", "Question?", "a", "b", "c", "d", "e"]


def test_empty_questionnaire_is_refused(tmp_path):
    """A questionnaire file with a header but no question, or no content at all, is refused."""
    with pytest.raises(UserError, match="has no questions"):
        maturity.load_questionnaire(write_questionnaire(tmp_path, []))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="has no questions"):
        maturity.load_questionnaire(empty)


def test_unknown_dimension_in_questionnaire_names_row_and_column(tmp_path):
    """A dimension outside the six is reported with its row (counted from 1) and column."""
    rows = [ROW, ["leadership", "X2", "Q?", "a", "b", "c", "d", "e"]]
    with pytest.raises(
        UserError, match=r"Row 2, column 'dimension': 'leadership' is not a dimension"
    ):
        maturity.load_questionnaire(write_questionnaire(tmp_path, rows))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([ROW, ROW], r"Row 2, column 'question_id': the question id 'X1' is used twice"),
        (
            [["data", "X1", "", "a", "b", "c", "d", "e"]],
            r"Row 1, column 'question': the cell is empty",
        ),
    ],
)
def test_duplicate_ids_and_blank_cells_are_refused(tmp_path, rows, message):
    """Duplicate question ids and empty cells name the row and column."""
    with pytest.raises(UserError, match=message):
        maturity.load_questionnaire(write_questionnaire(tmp_path, rows))


def test_missing_column_and_missing_file(tmp_path):
    """A file without the level columns, or no file at all, gives a plain message."""
    path = tmp_path / "q.csv"
    path.write_text("dimension,question_id,question\ndata,X1,Q?\n", encoding="utf-8")
    with pytest.raises(UserError, match="lacks the column"):
        maturity.load_questionnaire(path)
    with pytest.raises(UserError, match="There is no file"):
        maturity.load_questionnaire(tmp_path / "nothing.csv")


@pytest.mark.parametrize("level", [0, 6, -1, 2.5, "three", True, float("inf")])
def test_out_of_range_answers_are_refused(level):
    """Levels outside the whole numbers 1..5 are refused, naming the question."""
    with pytest.raises(UserError, match=r"The answer to SL1 is .* whole number from 1 to 5"):
        maturity.score({"SL1": level})


def test_whole_number_levels_of_other_types_are_accepted():
    """3.0 and numpy integers (as read from a table) count as level 3."""
    import numpy as np

    table = maturity.score({"SL1": 3.0, "SL2": np.int64(3)}).set_index("dimension")
    assert table.loc["strategy_leadership", "score"] == 3


@pytest.mark.parametrize("answers", [{}, {"SL1": None}])
def test_empty_answers_are_refused(answers):
    """No answers (or only skipped ones) cannot be scored."""
    with pytest.raises(UserError, match="no answers to score"):
        maturity.score(answers)


def test_unknown_question_ids_are_listed():
    """Answers to questions that do not exist are named."""
    with pytest.raises(UserError, match="not in the questionnaire: ZZ9"):
        maturity.score({"SL1": 2, "ZZ9": 3})


def test_answers_must_be_a_mapping():
    """A list instead of {question: level} gives a plain message."""
    with pytest.raises(UserError, match="not list"):
        maturity.score([3, 4])


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (6, "The target for target is 6"),
        ({"data": 3, "leadership": 3}, "'leadership' is not a dimension"),
        ({"data": 3}, "give no level for: people_skills"),
        ({"data": 3, "people_skills": 0}, "The target for people_skills is 0"),
    ],
)
def test_bad_targets_are_refused(target, message):
    """Targets outside 1..5, unknown dimensions and missing dimensions are refused."""
    scores = pd.DataFrame({"dimension": ["data", "people_skills"], "score": [2.0, 2.0]})
    with pytest.raises(UserError, match=message):
        maturity.gaps(scores, target)


def test_unknown_dimension_or_bad_score_in_a_scores_table():
    """A scores table with an unknown dimension or a score of 7 names the row and column."""
    bad_dim = pd.DataFrame({"dimension": ["data", "budget"], "score": [2.0, 3.0]})
    with pytest.raises(UserError, match=r"Row 2, column 'dimension': 'budget' is not a dimension"):
        maturity.gaps(bad_dim, 3)
    bad_score = pd.DataFrame({"dimension": ["data"], "score": [7.0]})
    with pytest.raises(UserError, match=r"Row 1, column 'score'"):
        maturity.gaps(bad_score, 3)
    with pytest.raises(UserError, match="needs the columns"):
        maturity.gaps(pd.DataFrame({"x": [1]}), 3)
    with pytest.raises(UserError, match="is not a dimension"):
        maturity.dimension_label("budget")


def test_bad_actions_table():
    """An action for level 5, or an unknown dimension, names the row."""
    table = pd.DataFrame({"dimension": ["data"], "level": [5], "action": ["Do more"]})
    with pytest.raises(UserError, match=r"Row 1, column 'level'"):
        maturity.validate_actions(table)
    table = pd.DataFrame({"dimension": ["budget"], "level": [1], "action": ["Do more"]})
    with pytest.raises(UserError, match=r"Row 1, column 'dimension'"):
        maturity.validate_actions(table)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is damaged"),
        (json.dumps({"hello": 1}), "is not a saved maturity self-assessment"),
        (
            json.dumps({"format": maturity.FILE_FORMAT, "version": 1, "answers": {"SL1": 8}}),
            "The answer to SL1 is 8",
        ),
        (json.dumps({"format": maturity.FILE_FORMAT, "version": 1, "answers": []}), "is damaged"),
    ],
)
def test_corrupt_or_foreign_answer_files(tmp_path, content, message):
    """A damaged, foreign or invalid answers file gives a clear message."""
    path = tmp_path / "a.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        maturity.load_answers(path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"organisation": " ", "date": "2025-03-14"}, "name of the organisation"),
        ({"organisation": "Sekong PPA", "date": "14/03/2025"}, "not a date"),
        ({"organisation": "Sekong PPA", "date": "2025-02-30"}, "not a date"),
    ],
)
def test_save_refuses_missing_organisation_or_bad_date(tmp_path, kwargs, message):
    """The organisation must be named and the date written as a real YYYY-MM-DD date."""
    with pytest.raises(UserError, match=message):
        maturity.save_answers({"SL1": 2}, tmp_path / "a.json", **kwargs)
    assert not list(tmp_path.iterdir())


def test_chart_draws_one_bar_per_dimension(questionnaire):
    """The chart has six bars and labels from the catalogue."""
    import matplotlib

    matplotlib.use("Agg")
    ax = maturity.chart(maturity.gaps(maturity.score(all_answers(questionnaire)), 4))
    assert len(ax.patches) == 6
    assert ax.get_xlabel().startswith("Level")
