"""course.indicators: progress, milestones, status, tracking tables and their bad input."""

import io
import math

import pandas as pd
import pytest

from course import data, indicators
from course.errors import UserError


def indicator_table(**changes) -> pd.DataFrame:
    row = {
        "indicator_id": "X1",
        "name": "Share of meetings held hybrid",
        "unit": "%",
        "direction": "increase",
        "baseline": 10,
        "baseline_year": 2020,
        "target": 60,
        "target_year": 2025,
    }
    row.update(changes)
    return pd.DataFrame([row])


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    """Halfway from 10 to 60 is 35; the target gives 1, the baseline 0, going back is negative."""
    assert indicators.progress(10, 60, 35) == pytest.approx(0.5)
    assert indicators.progress(10, 60, 60) == pytest.approx(1.0)
    assert indicators.progress(10, 60, 10) == 0
    assert indicators.progress(10, 60, 5) == pytest.approx(-0.1)
    assert indicators.progress(10, 60, 70) == pytest.approx(1.2)


def test_progress_when_lower_is_better():
    """From 45 days down to 20: 37 days is 32% of the way; rising to 50 days is negative."""
    assert indicators.progress(45, 20, 37) == pytest.approx(0.32)
    assert indicators.progress(45, 20, 50) < 0


def test_progress_with_a_zero_baseline():
    """A baseline of 0 is fine: 0 to 6 services, 3 services is halfway."""
    assert indicators.progress(0, 6, 3) == pytest.approx(0.5)
    assert indicators.progress(0, -4, -1) == pytest.approx(0.25)


def test_progress_of_a_missing_actual_is_nan():
    """None, NaN and an empty string all mean "not reported"."""
    for missing in (None, math.nan, float("nan"), "", pd.NA):
        assert math.isnan(indicators.progress(10, 60, missing))


def test_progress_needs_a_target_that_differs_from_the_baseline():
    """target == baseline raises a clear UserError, and text is not a number."""
    with pytest.raises(UserError, match="same as the baseline"):
        indicators.progress(5, 5, 7)
    with pytest.raises(UserError, match="must be a number"):
        indicators.progress("ten", 60, 20)
    with pytest.raises(UserError, match="must be a number"):
        indicators.progress(10, 60, True)


def test_expected_follows_a_straight_line_and_stops_at_the_target():
    """Milestones: baseline in the baseline year, target in the target year, flat after."""
    assert indicators.expected(10, 60, 2020, 2025, 2020) == 10
    assert indicators.expected(10, 60, 2020, 2025, 2023) == pytest.approx(40)
    assert indicators.expected(10, 60, 2020, 2025, 2025) == pytest.approx(60)
    assert indicators.expected(10, 60, 2020, 2025, 2030) == pytest.approx(60)
    assert indicators.expected(45, 20, 2021, 2026, 2025) == pytest.approx(25)


def test_expected_rejects_impossible_years():
    """A target year not after the baseline year, or a year before the baseline, is an error."""
    with pytest.raises(UserError, match="must come after"):
        indicators.expected(10, 60, 2025, 2025, 2025)
    with pytest.raises(UserError, match="before the baseline"):
        indicators.expected(10, 60, 2020, 2025, 2019)
    with pytest.raises(UserError, match="whole year"):
        indicators.expected(10, 60, 2020.5, 2025, 2021)


@pytest.mark.parametrize(
    ("actual", "expected_status"),
    [
        (52, "on_track"),  # 0.84 of the way, 0.8 due
        (46, "on_track"),  # 0.72: 8 points behind
        (45, "on_track"),  # 0.70: exactly 10 points behind
        (40, "at_risk"),  # 0.60: 20 points behind
        (37.5, "at_risk"),  # 0.55: exactly 25 points behind
        (30, "off_track"),  # 0.40
        (5, "off_track"),  # worse than the baseline
        (None, "no_data"),
        (math.nan, "no_data"),
    ],
)
def test_status_against_the_milestone_path(actual, expected_status):
    """Baseline 10 (2020) to 60 (2025), judged in 2024 when 80% of the way is due."""
    assert indicators.status(10, 60, actual, 2020, 2025, 2024) == expected_status


def test_status_when_lower_is_better():
    """From 45 to 20 days (2021-2026): 25 days in 2025 is on track, 37 off track, 30 at risk."""
    assert indicators.status(45, 20, 25, 2021, 2026, 2025) == "on_track"
    assert indicators.status(45, 20, 30, 2021, 2026, 2025) == "at_risk"
    assert indicators.status(45, 20, 37, 2021, 2026, 2025) == "off_track"
    assert indicators.status(45, 20, 19, 2021, 2026, 2025) == "on_track"


def test_status_with_a_zero_baseline_and_in_the_baseline_year():
    """0 to 6 services: 5 in 2025 is on track; in the baseline year nothing is due yet."""
    assert indicators.status(0, 6, 5, 2021, 2026, 2025) == "on_track"
    assert indicators.status(0, 6, 0, 2021, 2026, 2021) == "on_track"


def test_status_labels_come_from_the_catalogue():
    """Each status has words to show next to its colour; an unknown code is a clear error."""
    assert indicators.status_label("off_track") == "Off track"
    assert {indicators.status_label(s) for s in indicators.STATUSES} == {
        "On track",
        "At risk",
        "Off track",
        "No data",
    }
    with pytest.raises(UserError, match="on_track"):
        indicators.status_label("late")


def test_track_the_synthetic_plan_as_of_2025():
    """The shipped example shows every status and uses the latest reported year."""
    tracked = indicators.track(data.synthetic("me_indicators"), data.synthetic("me_actuals"))
    by_id = tracked.set_index("indicator_id")
    assert by_id.loc["DT-01", "status"] == "on_track"
    assert by_id.loc["DT-02", "status"] == "at_risk"
    assert by_id.loc["DT-03", "status"] == "off_track"  # lower is better
    assert by_id.loc["DT-04", "status"] == "on_track"  # zero baseline
    assert by_id.loc["DT-06", "status"] == "no_data"
    assert by_id.loc["DT-09", "year"] == 2024  # the 2025 report is missing
    assert by_id.loc["DT-09", "missing_reports"] == 1
    assert by_id.loc["DT-05", "expected"] == pytest.approx(61)
    assert dict(indicators.status_counts(tracked)) == {
        "on_track": 4,
        "at_risk": 3,
        "off_track": 2,
        "no_data": 1,
    }
    assert list(tracked.columns[: len(indicators.TRACK_COLUMNS)]) == indicators.TRACK_COLUMNS


def test_track_as_of_an_earlier_year_ignores_later_reports():
    """As of 2023, the 2024 and 2025 values are not used."""
    tracked = indicators.track(
        data.synthetic("me_indicators"), data.synthetic("me_actuals"), as_of=2023
    )
    row = tracked.set_index("indicator_id").loc["DT-01"]
    assert row["year"] == 2023 and row["actual"] == 31


def test_track_with_no_reports_at_all():
    """An empty tracking table gives "no_data" for every indicator."""
    actuals = pd.DataFrame({"indicator_id": [], "year": [], "actual": []})
    tracked = indicators.track(indicator_table(), actuals)
    assert list(tracked["status"]) == ["no_data"]


def test_track_rejects_reports_before_the_baseline_year():
    """A value dated before the baseline year is a clear error."""
    actuals = pd.DataFrame({"indicator_id": ["X1"], "year": [2019], "actual": [5]})
    with pytest.raises(UserError, match="before the baseline"):
        indicators.track(indicator_table(), actuals)


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"indicator_id": ""}, "indicator_id", "empty"),
        ({"name": None}, "name", "empty"),
        ({"direction": "up"}, "direction", "not a direction"),
        ({"baseline": "ten"}, "baseline", "not a number"),
        ({"target": 10}, "target", "same as the baseline"),
        ({"target": 5}, "target", "not above the baseline"),
        ({"direction": "decrease"}, "target", "not below the baseline"),
        ({"baseline_year": "2020.5"}, "baseline_year", "not a year"),
        ({"target_year": 2019}, "target_year", "must come after"),
    ],
)
def test_validate_indicators_names_row_and_column(changes, column, words):
    """Each kind of mistake gives one message naming row 1 and the column at fault."""
    with pytest.raises(UserError, match=rf"Row 1, column '{column}'.*{words}"):
        indicators.validate_indicators(indicator_table(**changes))


def test_validate_indicators_duplicate_ids_and_missing_columns():
    """A repeated id names its second row; a missing column is named."""
    table = pd.concat([indicator_table(), indicator_table()], ignore_index=True)
    with pytest.raises(UserError, match=r"Row 2, column 'indicator_id'.*row 1"):
        indicators.validate_indicators(table)
    with pytest.raises(UserError, match="target_year"):
        indicators.validate_indicators(indicator_table().drop(columns="target_year"))
    with pytest.raises(UserError, match="DataFrame"):
        indicators.validate_indicators([1, 2, 3])


def test_validate_indicators_cleans_types_and_keeps_optional_columns():
    """Text numbers become numbers, direction is lower-cased, source is kept."""
    clean = indicators.validate_indicators(
        indicator_table(baseline=" 10 ", direction="Increase", source="Meeting log")
    )
    assert clean.loc[0, "baseline"] == 10.0 and clean.loc[0, "direction"] == "increase"
    assert clean.loc[0, "source"] == "Meeting log"


def test_validate_actuals_names_row_and_column():
    """Bad years, bad numbers, duplicates and unknown ids name the row and column."""
    good = {"indicator_id": ["X1", "X1"], "year": [2021, 2022], "actual": [12, None]}
    assert indicators.validate_actuals(pd.DataFrame(good))["actual"].isna().sum() == 1
    cases = [
        ({"year": [2021, "next"]}, r"Row 2, column 'year'"),
        ({"actual": [12, "n/a"]}, r"Row 2, column 'actual'"),
        ({"year": [2021, 2021]}, r"Row 2, column 'year'.*row 1"),
        ({"indicator_id": ["X1", "Y9"]}, r"Row 2, column 'indicator_id'.*Y9"),
    ]
    for change, pattern in cases:
        table = pd.DataFrame({**good, **change})
        with pytest.raises(UserError, match=pattern):
            indicators.validate_actuals(table, indicator_table())


def test_read_csv_files_and_bad_files(tmp_path):
    """CSV text round-trips; a missing file, an empty file and bad cells are clear errors."""
    text = indicator_table().to_csv(index=False)
    assert len(indicators.read_indicators_csv(io.StringIO(text))) == 1
    path = tmp_path / "indicators.csv"
    path.write_text(text, encoding="utf-8")
    assert indicators.read_indicators_csv(path).loc[0, "target"] == 60
    actuals = io.StringIO("indicator_id,year,actual\nX1,2021,\nX1,2022,20\n")
    assert indicators.read_actuals_csv(actuals)["actual"].isna().sum() == 1
    with pytest.raises(UserError, match="no file"):
        indicators.read_indicators_csv(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="could not be read"):
        indicators.read_indicators_csv(tmp_path / "empty.csv")
    assert len(indicators.read_indicators_csv(memoryview(text.encode("utf-8")))) == 1
    with pytest.raises(UserError, match="could not be read"):
        indicators.read_indicators_csv(b"\xff\xfe\x00bad")
    broken = io.StringIO(text.replace(",60,", ",sixty,"))
    with pytest.raises(UserError, match=r"Row 1, column 'target'"):
        indicators.read_indicators_csv(broken)


def test_milestones_cover_every_year():
    """One milestone per year from the baseline year to the target year."""
    path = indicators.milestones(indicator_table())
    assert list(path["year"]) == list(range(2020, 2026))
    assert path["milestone"].iloc[-1] == pytest.approx(60)
