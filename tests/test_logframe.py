"""course.logframe: logframe completeness and links, result chains, SMART gaps."""

import pandas as pd
import pytest

from course import data, logframe
from course.errors import UserError


def complete() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("I1", "input", "Budget and 20 laptops", "", "", "A1"),
            ("A1", "activity", "Train 40 staff", "", "Staff are released for training", "OP1"),
            ("OP1", "output", "40 staff trained", "Staff trained", "Trained staff stay", "OC1"),
            ("OC1", "outcome", "Meetings held hybrid", "Share hybrid", "Internet works", "IM1"),
            ("IM1", "impact", "Citizens better represented", "Share who feel heard", "", ""),
        ],
        columns=logframe.LOGFRAME_COLUMNS,
    )


def test_a_complete_logframe_has_no_problems_and_chains_up():
    """Every level present and linked one level up: no problems, chain from input to impact."""
    assert logframe.logframe_problems(complete()) == []
    assert logframe.chain(complete(), "I1") == ["I1", "A1", "OP1", "OC1", "IM1"]


def test_the_example_logframe_is_complete_and_each_indicator_fits_its_row():
    """The shipped example links up with no gap; the impact is measured by being heard, not satisfaction."""
    example = logframe.example()
    assert list(example.columns) == list(logframe.LOGFRAME_COLUMNS)
    assert logframe.logframe_problems(example) == []
    assert logframe.chain(example, "I1") == ["I1", "A1", "OP1", "OC1", "IM1"]
    impact = example.set_index("id").loc["IM1"]
    assert "represented" in impact["statement"]
    assert "satisf" not in impact["indicator"] and "views" in impact["indicator"]


def test_each_kind_of_gap_is_reported_with_row_and_column():
    """Skipping a level, a missing assumption, an unknown link and an unknown level are named."""
    table = complete()
    table.loc[2, "contributes_to"] = "IM1"  # output linked straight to the impact
    table.loc[3, "assumption"] = ""
    table.loc[1, "contributes_to"] = "OP9"
    table.loc[0, "level"] = "money"
    problems = logframe.logframe_problems(table)
    text = "\n".join(problems)
    assert "Row 3, column 'contributes_to'" in text and "must link to an outcome" in text
    assert "Row 4, column 'assumption'" in text
    assert "Row 2, column 'contributes_to': there is no row with the id 'OP9'" in text
    assert "Row 1, column 'level'" in text
    assert "no input row" in text
    assert "nothing links up to the outcome 'OC1'" in text


def test_missing_indicator_duplicate_id_and_impact_link():
    """Outputs need indicators; ids are unique; the impact links to nothing."""
    table = complete()
    table.loc[2, "indicator"] = None
    table.loc[4, "contributes_to"] = "I1"
    table = pd.concat([table, table.iloc[[0]]], ignore_index=True)
    text = "\n".join(logframe.logframe_problems(table))
    assert "Row 3, column 'indicator'" in text
    assert "Row 6, column 'id': the id 'I1' is already used in row 1" in text
    assert "Row 5, column 'contributes_to'" in text


def test_logframe_bad_input():
    """Not a table, missing columns, unknown ids and broken chains are clear errors."""
    with pytest.raises(UserError, match="DataFrame"):
        logframe.logframe_problems("I1 -> A1")
    with pytest.raises(UserError, match="assumption"):
        logframe.logframe_problems(complete().drop(columns="assumption"))
    with pytest.raises(UserError, match="no row with the id 'X'"):
        logframe.chain(complete(), "X")
    broken = complete()
    broken.loc[1, "contributes_to"] = "I1"
    with pytest.raises(UserError, match="chain breaks"):
        logframe.chain(broken, "I1")


def test_the_shipped_indicators_are_smart():
    """Every indicator of the synthetic plan has every SMART element a computer can check."""
    table = logframe.smart_table(data.synthetic("me_indicators"))
    assert (table["gaps"] == "").all()
    assert table[list(logframe.SMART_ELEMENTS)].all().all()


@pytest.mark.parametrize(
    ("change", "gap"),
    [
        ({"name": "Improve digital capacity of the PPA"}, "specific"),
        ({"name": "Meetings"}, "specific"),
        ({"unit": ""}, "measurable"),
        ({"direction": "up"}, "measurable"),
        ({"baseline": None}, "baseline"),
        ({"baseline_year": ""}, "baseline"),
        ({"target": 10}, "target"),
        ({"target": 5}, "target"),
        ({"target_year": 2020}, "time_bound"),
        ({"source": ""}, "source"),
        ({"frequency": None}, "frequency"),
    ],
)
def test_smart_gaps_find_each_missing_element(change, gap):
    """Removing or spoiling one element makes exactly that gap appear."""
    indicator = {
        "name": "Share of PPA meetings held hybrid",
        "unit": "%",
        "direction": "increase",
        "baseline": 10,
        "baseline_year": 2021,
        "target": 60,
        "target_year": 2026,
        "source": "Meeting log",
        "frequency": "yearly",
    }
    assert logframe.smart_gaps(indicator) == []
    indicator.update(change)
    assert gap in logframe.smart_gaps(indicator)


def test_smart_messages_and_bad_input():
    """Each gap code has advice; an unknown code or a non-indicator is a clear error."""
    for code in logframe.SMART_ELEMENTS:
        assert logframe.smart_message(code)
    with pytest.raises(UserError, match="SMART element"):
        logframe.smart_message("achievable")
    with pytest.raises(UserError, match="dict"):
        logframe.smart_gaps("Share of meetings")
