"""Practice checks and hints for the A1 Working with data exercise (a SYNTHETIC staff list)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from course import data, personnel, tabular
from course.learn import Check, Question, in_range, is_instance

SINCE = 2020


@cache
def _raw() -> pd.DataFrame:
    return data.synthetic(personnel.NAME)


@cache
def _clean() -> pd.DataFrame:
    return personnel.clean(_raw())


def _whole_number() -> Check:
    return Check(
        "check.is_whole_number",
        lambda v: not isinstance(v, bool) and float(v) == int(v),
    )


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


def _same_length(value: pd.Series) -> bool:
    return len(value) == len(_raw())


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


QUESTIONS = [
    Question(
        name="q1",
        variable="n_records",
        points=1,
        checks=(
            _whole_number(),
            in_range(1, 100_000),
            Check("A1.q1.count", lambda v: int(v) == len(_raw())),
        ),
        hints=("A1.q1.hint1", "A1.q1.hint2"),
    ),
    Question(
        name="q2",
        variable="joined_recently",
        points=1,
        checks=(
            is_instance(pd.DataFrame, "check.is_table"),
            Check("A1.q2.column", lambda v: "year_joined" in v.columns),
            Check("A1.q2.only_recent", _recent_only),
            Check("A1.q2.all_recent", _recent_all),
            Check("A1.q2.sorted", _newest_first),
        ),
        hints=("A1.q2.hint1", "A1.q2.hint2", "A1.q2.hint3"),
    ),
    Question(
        name="q3",
        variable="missing_salaries",
        points=1,
        checks=(
            _whole_number(),
            _rows(),
            Check("A1.q3.count", lambda v: int(v) == int(_raw()["salary_kip"].isna().sum())),
        ),
        hints=("A1.q3.hint1", "A1.q3.hint2"),
    ),
    Question(
        name="q4",
        variable="exact_copies",
        points=1,
        checks=(
            _whole_number(),
            _rows(),
            Check("A1.q4.count", lambda v: int(v) == int(_raw().duplicated().sum())),
        ),
        hints=("A1.q4.hint1", "A1.q4.hint2"),
    ),
    Question(
        name="q5",
        variable="home_clean",
        points=2,
        checks=(
            is_instance(pd.Series, "check.is_series"),
            Check("A1.q5.length", _same_length),
            Check("A1.q5.names", _standard_provinces),
            Check("A1.q5.blanks", _blanks_kept("home_province")),
            Check("A1.q5.values", _provinces_match),
        ),
        hints=("A1.q5.hint1", "A1.q5.hint2", "A1.q5.hint3"),
    ),
    Question(
        name="q6",
        variable="salary_numbers",
        points=1,
        checks=(
            is_instance(pd.Series, "check.is_series"),
            Check("A1.q6.numeric", _numeric),
            Check("A1.q6.length", _same_length),
            Check("A1.q6.blanks", _blanks_kept("salary_kip")),
            Check("A1.q6.values", _salaries_match),
        ),
        hints=("A1.q6.hint1", "A1.q6.hint2"),
    ),
    Question(
        name="q7",
        variable="payroll",
        points=2,
        checks=(
            is_instance(pd.Series, "check.is_series"),
            Check("A1.q7.index", _departments),
            Check("A1.q7.values", _payroll_match),
        ),
        hints=("A1.q7.hint1", "A1.q7.hint2", "A1.q7.hint3"),
    ),
    Question(
        name="q8",
        variable="chart",
        points=1,
        checks=(
            Check("A1.q8.chart", _is_chart),
            Check("A1.q8.bars", _one_bar_per_department),
            Check("A1.q8.label", _says_synthetic),
        ),
        hints=("A1.q8.hint1", "A1.q8.hint2"),
    ),
    Question(
        name="q9",
        variable="saved_file",
        points=1,
        checks=(
            Check("A1.q9.exists", _file_exists),
            Check("A1.q9.xlsx", _is_xlsx),
            Check("A1.q9.where", _outside_course_data),
            Check("A1.q9.rows", _holds_clean_table),
        ),
        hints=("A1.q9.hint1", "A1.q9.hint2"),
    ),
]
