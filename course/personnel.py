"""Module A1's SYNTHETIC staff and payroll list: where its files are, and the cleaning recipe."""

from __future__ import annotations

import pandas as pd

from course import tabular
from course.errors import UserError
from course.messages import t

#: The dataset's name in `course.data.synthetic()`.
NAME = "personnel_records"

#: The columns of the list, in order.
COLUMNS = (
    "staff_id",
    "sex",
    "position",
    "department",
    "home_province",
    "year_joined",
    "salary_kip",
)

#: The office's departments, in their standard spelling.
DEPARTMENTS = ("Administration", "Finance", "Personnel", "Planning", "Legal affairs", "ICT")

#: Short forms typed in the list, and the department each one means.
DEPARTMENT_ALIASES = {"Admin": "Administration", "HR": "Personnel", "Legal": "Legal affairs"}

#: Rows above the header in the Excel workbook (a title line and an empty line).
EXCEL_TITLE_ROWS = 2

#: The sheet of the workbook that holds the list.
EXCEL_SHEET = "staff"


def csv_path():
    """Return the path of the shipped CSV file (read it with `pandas.read_csv`)."""
    from course.data import SYNTHETIC_DIR

    return SYNTHETIC_DIR / f"{NAME}.csv"


def excel_path():
    """Return the path of the shipped Excel workbook (sheet "staff", two title rows)."""
    from course.data import SYNTHETIC_DIR

    return SYNTHETIC_DIR / f"{NAME}.xlsx"


def label() -> str:
    """Return the line that says this dataset is SYNTHETIC."""
    from course import data

    return data.synthetic_label(NAME)


def clean(table: pd.DataFrame) -> pd.DataFrame:
    """Return the whole cleaning recipe applied to the raw list, as a new table.

    1. department and home province in their standard spelling (blanks stay missing);
    2. salary as a number of kip;
    3. exact copies removed (after steps 1 and 2, so rows that differed only in spelling go too).

    Missing values stay missing: filling them is a decision for a person, not for code.
    """
    if not isinstance(table, pd.DataFrame):
        raise UserError(t("tabular.error.not_a_table", kind=type(table).__name__))
    absent = [c for c in COLUMNS if c not in table.columns]
    if absent:
        raise UserError(t("personnel.error.missing_column", column=absent[0]))
    result = table.copy()
    result["department"] = tabular.standardise(
        result["department"], DEPARTMENTS, DEPARTMENT_ALIASES
    )
    result["home_province"] = tabular.clean_provinces(result["home_province"])
    result["salary_kip"] = tabular.to_number(result["salary_kip"])
    return result.drop_duplicates().reset_index(drop=True)


def payroll_by_department(clean_table: pd.DataFrame) -> pd.Series:
    """Return the total monthly salary (kip) of each department, from a cleaned table."""
    if not isinstance(clean_table, pd.DataFrame):
        raise UserError(t("tabular.error.not_a_table", kind=type(clean_table).__name__))
    return clean_table.groupby("department")["salary_kip"].sum()
