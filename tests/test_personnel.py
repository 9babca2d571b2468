"""The A1 staff list: the generator's mistakes, the Excel copy, the cleaning recipe and A1's checks."""

import numpy as np
import pandas as pd
import pytest

from course import data, personnel, synthetic, tabular
from course.errors import UserError
from course.learn import NOT_YET, PASS, Exercise
from course.synthetic import personnel_records as generator


@pytest.fixture(scope="module")
def raw():
    return data.synthetic(personnel.NAME)


@pytest.fixture(scope="module")
def truth():
    return generator.people(np.random.default_rng(synthetic.seed_for(personnel.NAME)))


def test_the_list_has_the_promised_mistakes(raw):
    """Copies, blanks, text salaries and several spellings are really in the shipped file."""
    assert list(raw.columns) == list(personnel.COLUMNS)
    copies = generator.EXACT_COPIES + generator.SPELLING_COPIES
    assert len(raw) == generator.STAFF + copies
    assert raw.duplicated().sum() == generator.EXACT_COPIES
    assert raw["staff_id"].duplicated().sum() == copies
    assert raw["salary_kip"].dtype == "str"
    assert raw["salary_kip"].str.contains(",").any()
    assert raw["home_province"].nunique() > 18
    assert raw["department"].nunique() > len(personnel.DEPARTMENTS)
    for column, count in generator.BLANKS.items():
        assert raw[column].isna().sum() >= count


def test_no_personal_names_and_synthetic_label(raw):
    """Staff are known only by ID and position; the description says SYNTHETIC and 'invented'."""
    assert raw["staff_id"].str.fullmatch(r"ST-\d{4}").all()
    assert generator.DESCRIPTION.startswith("SYNTHETIC")
    assert "not Lao civil-service pay scales" in generator.DESCRIPTION
    assert "SYNTHETIC" in personnel.label()


def test_cleaning_recovers_the_truth(raw, truth):
    """The recipe gives one row per person, and every known value equals the generator's truth."""
    clean = personnel.clean(raw)
    assert len(clean) == generator.STAFF and not clean["staff_id"].duplicated().any()
    merged = clean.merge(truth, on="staff_id", suffixes=("", "_true"))
    for column in ("sex", "position", "department", "home_province", "year_joined"):
        known = merged[column].notna()
        assert (merged.loc[known, column] == merged.loc[known, f"{column}_true"]).all(), column
    known = merged["salary_kip"].notna()
    assert (merged.loc[known, "salary_kip"] == merged.loc[known, "salary_kip_true"]).all()


def test_cleaning_keeps_blanks_blank(raw):
    """Missing values are not filled in by the recipe."""
    clean = personnel.clean(raw)
    summary = tabular.missing_summary(clean)
    assert summary.loc["salary_kip", "missing"] > 0
    assert summary.loc["department", "missing"] > 0


def test_payroll_by_department(raw):
    """Totals per department add up to the total of the salaries that have a department."""
    clean = personnel.clean(raw)
    payroll = personnel.payroll_by_department(clean)
    assert set(payroll.index) == set(personnel.DEPARTMENTS)
    with_department = clean.dropna(subset=["department"])
    assert payroll.sum() == pytest.approx(with_department["salary_kip"].sum())


@pytest.mark.parametrize("bad", [None, [1, 2], pd.DataFrame({"staff_id": ["ST-0001"]})])
def test_clean_refuses_other_tables(bad):
    """Something that is not the staff list gets a plain UserError."""
    with pytest.raises(UserError):
        personnel.clean(bad)


def test_shipped_workbook_holds_the_same_rows_as_the_csv():
    """The .xlsx (sheet "staff", under two title rows) equals the committed CSV cell for cell."""
    excel = pd.read_excel(
        personnel.excel_path(),
        sheet_name=personnel.EXCEL_SHEET,
        skiprows=personnel.EXCEL_TITLE_ROWS,
    )
    pd.testing.assert_frame_equal(excel, pd.read_csv(personnel.csv_path()))
    title = pd.read_excel(personnel.excel_path(), sheet_name=personnel.EXCEL_SHEET, header=None)
    assert "SYNTHETIC" in str(title.iloc[0, 0])
    about = pd.read_excel(personnel.excel_path(), sheet_name="about", header=None)
    assert about.iloc[0, 0] == generator.DESCRIPTION


def test_workbook_regeneration_has_the_same_content(tmp_path):
    """Writing the workbook again gives the same cells as the shipped one."""
    fresh = generator.write_workbook(folder=tmp_path)
    for sheet in (personnel.EXCEL_SHEET, "about"):
        pd.testing.assert_frame_equal(
            pd.read_excel(fresh, sheet_name=sheet, header=None),
            pd.read_excel(personnel.excel_path(), sheet_name=sheet, header=None),
        )
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name]


# The exercise's practice checks -------------------------------------------------------


@pytest.fixture(scope="module")
def ex():
    return Exercise("A1-working-with-data")


def test_practice_checks_pass_the_model_answers(ex, raw, tmp_path, monkeypatch):
    """The model answer of every question passes its practice checks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")  # Series.plot draws on the current axes: start from none
    monkeypatch.setenv("DGT_OUTPUT", str(tmp_path))
    clean = personnel.clean(raw)
    chart = clean["department"].value_counts().plot.barh(title="Staff (SYNTHETIC data)")
    answers = {
        "q1": len(raw),
        "q2": raw[raw["year_joined"] >= 2020].sort_values("year_joined", ascending=False),
        "q3": raw["salary_kip"].isna().sum(),
        "q4": raw.duplicated().sum(),
        "q5": tabular.clean_provinces(raw["home_province"]),
        "q6": tabular.to_number(raw["salary_kip"]),
        "q7": clean.groupby("department")["salary_kip"].sum(),
        "q8": chart,
        "q9": tabular.write_excel(
            clean, tabular.output_folder() / "staff_clean.xlsx", note=personnel.label()
        ),
    }
    assert set(answers) == set(ex.questions)
    for name, value in answers.items():
        assert ex.check(name, value).status == PASS, (name, str(ex.check(name, value)))


def test_common_mistakes_get_not_yet_without_the_answer(ex, raw):
    """Filling blanks, keeping copies or filtering with > gives 'not yet', never the expected value."""
    filled = tabular.clean_provinces(raw["home_province"]).fillna("Sekong")
    assert ex.check("q5", filled).status == NOT_YET
    assert "blank" in str(ex.check("q5", filled))
    zeros = tabular.to_number(raw["salary_kip"]).fillna(0)
    assert ex.check("q6", zeros).status == NOT_YET
    with_copies = tabular.to_number(raw["salary_kip"]).groupby(
        tabular.standardise(raw["department"], personnel.DEPARTMENTS, personnel.DEPARTMENT_ALIASES)
    )
    message = str(ex.check("q7", with_copies.sum()))
    assert "Not yet" in message
    expected = personnel.payroll_by_department(personnel.clean(raw))
    assert all(f"{v:,.0f}" not in message and str(int(v)) not in message for v in expected)
    strict = raw[raw["year_joined"] > 2020]
    assert ex.check("q2", strict).status == NOT_YET
    assert str(len(raw)) not in str(ex.check("q1", 3))
