"""Practice checks and hints for the A1 Working with data exercise (a SYNTHETIC staff list)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from course import data, personnel, tabular
from course.learn import (
    Check,
    Questions,
    count,
    in_range,
    is_series,
    is_table,
    length,
    whole_number,
)

SINCE = 2020


@cache
def _raw() -> pd.DataFrame:
    return data.synthetic(personnel.NAME)


@cache
def _clean() -> pd.DataFrame:
    return personnel.clean(_raw())


def _rows() -> Check:
    return in_range(0, len(_raw()))


# q2 ---------------------------------------------------------------------------------


def _recent_only(value: pd.DataFrame) -> bool:
    return bool((value["year_joined"] >= SINCE).all())


def _recent_all(value: pd.DataFrame) -> bool:
    return len(value) == int((_raw()["year_joined"] >= SINCE).sum())


def _newest_first(value: pd.DataFrame) -> bool:
    years = list(value["year_joined"])
    return years == sorted(years, reverse=True)


# q5 and q6: a cleaned column -----------------------------------------------------------


def _standard_provinces(value: pd.Series) -> bool:
    names = set(data.provinces()["name_en"])
    return all(v in names for v in value.dropna())


def _blanks_kept(column: str):
    def test(value: pd.Series) -> bool:
        return list(value.isna()) == list(_raw()[column].isna())

    return test


def _provinces_match(value: pd.Series) -> bool:
    expected = tabular.clean_provinces(_raw()["home_province"])
    return list(value.fillna("")) == list(expected.fillna(""))


def _numeric(value: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(value) and not pd.api.types.is_bool_dtype(value)


def _salaries_match(value: pd.Series) -> bool:
    expected = tabular.to_number(_raw()["salary_kip"]).fillna(-1)
    return all(
        abs(float(a) - float(b)) < 0.5 for a, b in zip(value.fillna(-1), expected, strict=True)
    )


# q7 ----------------------------------------------------------------------------------


def _departments(value: pd.Series) -> bool:
    return set(value.index) == set(personnel.DEPARTMENTS)


def _payroll_match(value: pd.Series) -> bool:
    expected = personnel.payroll_by_department(_clean())
    return all(abs(float(value[d]) - float(expected[d])) < 1 for d in personnel.DEPARTMENTS)


# q8: a chart -------------------------------------------------------------------------


def _is_chart(value: Any) -> bool:
    return hasattr(value, "patches") and hasattr(value, "get_title")


def _one_bar_per_department(value: Any) -> bool:
    return len(value.patches) == len(personnel.DEPARTMENTS)


def _says_synthetic(value: Any) -> bool:
    return "synthetic" in value.get_title().lower()


# q9: a file ---------------------------------------------------------------------------


def _file_exists(value: Any) -> bool:
    return isinstance(value, str | Path) and Path(value).expanduser().is_file()


def _is_xlsx(value: Any) -> bool:
    return Path(value).suffix.lower() == ".xlsx"


def _outside_course_data(value: Any) -> bool:
    return not Path(value).expanduser().resolve().is_relative_to(data.FILES.resolve())


def _holds_clean_table(value: Any) -> bool:
    saved = pd.read_excel(Path(value).expanduser(), sheet_name=0)
    return len(saved) == len(_clean()) and set(personnel.COLUMNS) <= set(saved.columns)


def _says_synthetic_note(value: Any) -> bool:
    """The sheet "about" that `note=` writes says SYNTHETIC, as the hidden test asks."""
    about = tabular.read_excel(Path(value).expanduser(), sheet="about")
    return "SYNTHETIC" in str(about.iloc[0, 0])


q = Questions("A1")

QUESTIONS = [
    q(
        "q1",
        "n_records",
        hints=2,
        checks=[whole_number(), in_range(1, 100_000), count(lambda: len(_raw()))],
    ),
    q(
        "q2",
        "joined_recently",
        hints=3,
        checks=[
            is_table(),
            Check("column", lambda v: "year_joined" in v.columns),
            Check("only_recent", _recent_only),
            Check("all_recent", _recent_all),
            Check("sorted", _newest_first),
        ],
    ),
    q(
        "q3",
        "missing_salaries",
        hints=3,
        checks=[whole_number(), _rows(), count(lambda: int(_raw()["salary_kip"].isna().sum()))],
    ),
    q(
        "q4",
        "exact_copies",
        hints=3,
        checks=[whole_number(), _rows(), count(lambda: int(_raw().duplicated().sum()))],
    ),
    q(
        "q5",
        "home_clean",
        points=2,
        hints=3,
        checks=[
            is_series(),
            length(lambda: len(_raw())),
            Check("names", _standard_provinces),
            Check("blanks", _blanks_kept("home_province")),
            Check("values", _provinces_match),
        ],
    ),
    q(
        "q6",
        "salary_numbers",
        hints=3,
        checks=[
            is_series(),
            Check("numeric", _numeric),
            length(lambda: len(_raw())),
            Check("blanks", _blanks_kept("salary_kip")),
            Check("values", _salaries_match),
        ],
    ),
    q(
        "q7",
        "payroll",
        points=2,
        hints=3,
        checks=[is_series(), Check("index", _departments), Check("values", _payroll_match)],
    ),
    q(
        "q8",
        "chart",
        hints=3,
        checks=[
            Check("chart", _is_chart),
            Check("bars", _one_bar_per_department),
            Check("label", _says_synthetic),
        ],
    ),
    q(
        "q9",
        "saved_file",
        hints=3,
        checks=[
            Check("exists", _file_exists),
            Check("xlsx", _is_xlsx),
            Check("where", _outside_course_data),
            Check("rows", _holds_clean_table),
            Check("note", _says_synthetic_note),
        ],
    ),
]
