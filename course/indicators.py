"""Indicator tracking for monitoring and evaluation (module B7): progress, milestones, status.

Two tables (documented in docs/schemas.md):

- indicators: `indicator_id, name, unit, direction, baseline, baseline_year, target,
  target_year`, optionally `level, source, frequency`;
- actuals: `indicator_id, year, actual` (an empty `actual` means "not reported").

Progress is the share of the way from the baseline to the target, so it works the same
for indicators where lower is better. The milestone path is a straight line from the
baseline to the target. The status compares the two at the latest reported year:

- "on_track": at most ON_TRACK_WITHIN (10 points of the way) behind the milestone path;
- "at_risk": at most AT_RISK_WITHIN (25 points of the way) behind;
- "off_track": further behind (or moving away from the target);
- "no_data": no value reported.

Every function raises `UserError` with a catalogue message on bad input; for a table
the message names the row (1-based data rows) and the column.
"""

from __future__ import annotations

import io
import math
from collections.abc import Hashable
from pathlib import Path
from typing import IO, Any

import pandas as pd

from course import cells
from course.errors import UserError
from course.messages import t

INDICATOR_COLUMNS = (
    "indicator_id",
    "name",
    "unit",
    "direction",
    "baseline",
    "baseline_year",
    "target",
    "target_year",
)
OPTIONAL_COLUMNS = ("level", "source", "frequency")
ACTUAL_COLUMNS = ("indicator_id", "year", "actual")
DIRECTIONS = ("increase", "decrease")
STATUSES = ("on_track", "at_risk", "off_track", "no_data")
ON_TRACK_WITHIN = 0.10
AT_RISK_WITHIN = 0.25
_EPSILON = 1e-9
_FIRST_YEAR, _LAST_YEAR = 1990, 2100

TRACK_COLUMNS = [
    *INDICATOR_COLUMNS,
    "year",
    "actual",
    "expected",
    "progress",
    "expected_progress",
    "status",
    "missing_reports",
]


# Single values ------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _as_number(value: Any, what: str) -> float:
    """A finite number, or UserError naming `what`."""
    if isinstance(value, bool) or _is_missing(value):
        raise UserError(t("indicators.error.not_a_number", what=what, value=value))
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise UserError(t("indicators.error.not_a_number", what=what, value=value)) from None
    if not math.isfinite(number):
        raise UserError(t("indicators.error.not_a_number", what=what, value=value))
    return number


def progress(baseline: float, target: float, actual: float | None) -> float:
    """Return the share of the way from baseline to target that `actual` has reached.

    0 = still at the baseline, 1 = target reached, above 1 = beyond the target, below
    0 = worse than the baseline. Works for "decrease" indicators (target below the
    baseline) and for a baseline of 0. A missing actual (None or NaN) gives NaN.
    """
    baseline = _as_number(baseline, "baseline")
    target = _as_number(target, "target")
    if target == baseline:
        raise UserError(t("indicators.error.same_target", value=baseline))
    if _is_missing(actual):
        return math.nan
    actual = _as_number(actual, "actual")
    return (actual - baseline) / (target - baseline)


def expected_progress(baseline_year: int, target_year: int, year: int) -> float:
    """Return the share of the way the milestone path has reached in `year` (0 to 1).

    The path is a straight line: 0 in the baseline year, 1 in the target year, and it
    stays at 1 after the target year.
    """
    start = _as_year(baseline_year, "baseline_year")
    end = _as_year(target_year, "target_year")
    now = _as_year(year, "year")
    if end <= start:
        raise UserError(t("indicators.error.target_year", start=start, end=end))
    if now < start:
        raise UserError(t("indicators.error.before_baseline", year=now, start=start))
    return min((now - start) / (end - start), 1.0)


def expected(
    baseline: float, target: float, baseline_year: int, target_year: int, year: int
) -> float:
    """Return the milestone for `year`: the value on the straight line from baseline to target."""
    baseline = _as_number(baseline, "baseline")
    target = _as_number(target, "target")
    return baseline + expected_progress(baseline_year, target_year, year) * (target - baseline)


def status_from_progress(
    achieved: float,
    due: float,
    on_track_within: float = ON_TRACK_WITHIN,
    at_risk_within: float = AT_RISK_WITHIN,
) -> str:
    """Return the status from the progress achieved and the progress due by the milestone path.

    "behind" is `due - achieved`, in shares of the way: on track if behind by at most
    `on_track_within`, at risk if by at most `at_risk_within`, otherwise off track.
    A missing `achieved` (NaN) gives "no_data".
    """
    if _is_missing(achieved):
        return "no_data"
    if not 0 <= on_track_within <= at_risk_within:
        raise UserError(t("indicators.error.thresholds"))
    behind = float(due) - float(achieved)
    if behind <= on_track_within + _EPSILON:
        return "on_track"
    if behind <= at_risk_within + _EPSILON:
        return "at_risk"
    return "off_track"


def status(
    baseline: float,
    target: float,
    actual: float | None,
    baseline_year: int,
    target_year: int,
    year: int,
    on_track_within: float = ON_TRACK_WITHIN,
    at_risk_within: float = AT_RISK_WITHIN,
) -> str:
    """Return "on_track", "at_risk", "off_track" or "no_data" for one reported value.

    Compares the progress of `actual` (reported in `year`) with the milestone path;
    see the module docstring for the thresholds.
    """
    achieved = progress(baseline, target, actual)
    if math.isnan(achieved):
        return "no_data"
    due = expected_progress(baseline_year, target_year, year)
    return status_from_progress(achieved, due, on_track_within, at_risk_within)


def status_label(code: str) -> str:
    """Return the words for a status code, e.g. "On track" (always show them next to a colour)."""
    if code not in STATUSES:
        raise UserError(
            t("indicators.error.unknown_status", status=code, known=", ".join(STATUSES))
        )
    return t(f"indicators.status.{code}")


# Tables -------------------------------------------------------------------------------


def _cell_error(row: int, column: str, problem: str) -> UserError:
    return UserError(cells.at(row, column, problem))


def _as_year(value: Any, what: str) -> int:
    number = _as_number(value, what)
    if number != int(number) or not _FIRST_YEAR <= number <= _LAST_YEAR:
        raise UserError(
            t(
                "indicators.error.not_a_year",
                what=what,
                value=value,
                low=_FIRST_YEAR,
                high=_LAST_YEAR,
            )
        )
    return int(number)


def _check_table(df: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UserError(t("indicators.error.not_a_table", value=type(df).__name__))
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(
            t(
                "indicators.error.missing_columns",
                missing=", ".join(missing),
                needed=", ".join(columns),
            )
        )
    return df.reset_index(drop=True)


def _text(value: Any, row: int, column: str) -> str:
    if _is_missing(value):
        raise _cell_error(row, column, t("indicators.error.empty"))
    return str(value).strip()


def _cell_number(value: Any, row: int, column: str) -> float:
    try:
        return _as_number(value, column)
    except UserError:
        raise _cell_error(row, column, t("indicators.error.cell_number", value=value)) from None


def _cell_year(value: Any, row: int, column: str) -> int:
    try:
        return _as_year(value, column)
    except UserError:
        problem = t("indicators.error.cell_year", value=value, low=_FIRST_YEAR, high=_LAST_YEAR)
        raise _cell_error(row, column, problem) from None


def validate_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of an indicator table, or raise UserError naming the row and column.

    Checks: the required columns are there; ids are filled in and unique; name and unit
    are filled in; direction is "increase" or "decrease"; baseline and target are
    numbers that differ in the stated direction; the target year comes after the
    baseline year. Optional columns (level, source, frequency) are kept as text.
    """
    table = _check_table(df, INDICATOR_COLUMNS)
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(table.to_dict("records"), start=1):
        clean: dict[str, Any] = {}
        clean["indicator_id"] = _text(raw["indicator_id"], index, "indicator_id")
        if clean["indicator_id"] in seen:
            problem = t(
                "indicators.error.duplicate_id",
                id=clean["indicator_id"],
                first=seen[clean["indicator_id"]],
            )
            raise _cell_error(index, "indicator_id", problem)
        seen[clean["indicator_id"]] = index
        clean["name"] = _text(raw["name"], index, "name")
        clean["unit"] = _text(raw["unit"], index, "unit")
        direction = _text(raw["direction"], index, "direction").lower()
        if direction not in DIRECTIONS:
            problem = t("indicators.error.direction", value=raw["direction"])
            raise _cell_error(index, "direction", problem)
        clean["direction"] = direction
        clean["baseline"] = _cell_number(raw["baseline"], index, "baseline")
        clean["baseline_year"] = _cell_year(raw["baseline_year"], index, "baseline_year")
        clean["target"] = _cell_number(raw["target"], index, "target")
        clean["target_year"] = _cell_year(raw["target_year"], index, "target_year")
        if clean["target"] == clean["baseline"]:
            raise _cell_error(
                index, "target", t("indicators.error.same_target", value=clean["baseline"])
            )
        if (clean["target"] > clean["baseline"]) != (direction == "increase"):
            key = (
                "indicators.error.wrong_way_up"
                if direction == "increase"
                else "indicators.error.wrong_way_down"
            )
            raise _cell_error(
                index, "target", t(key, target=clean["target"], baseline=clean["baseline"])
            )
        if clean["target_year"] <= clean["baseline_year"]:
            problem = t(
                "indicators.error.target_year",
                start=clean["baseline_year"],
                end=clean["target_year"],
            )
            raise _cell_error(index, "target_year", problem)
        for column in OPTIONAL_COLUMNS:
            if column in table.columns:
                clean[column] = "" if _is_missing(raw[column]) else str(raw[column]).strip()
        rows.append(clean)
    columns = list(INDICATOR_COLUMNS) + [c for c in OPTIONAL_COLUMNS if c in table.columns]
    result = pd.DataFrame(rows, columns=columns)
    for column in ("baseline", "target"):
        result[column] = result[column].astype(float)
    for column in ("baseline_year", "target_year"):
        result[column] = result[column].astype(int)
    return result


def validate_actuals(df: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a clean copy of a tracking table, or raise UserError naming the row and column.

    Checks: the columns indicator_id, year, actual are there; ids are filled in; years
    are whole years; actual is a number or empty (= not reported); one row per
    indicator and year. With `indicators`, every id must be one of its indicators.
    """
    table = _check_table(df, ACTUAL_COLUMNS)
    known = None if indicators is None else set(validate_indicators(indicators)["indicator_id"])
    rows = []
    seen: dict[tuple[str, int], int] = {}
    for index, raw in enumerate(table.to_dict("records"), start=1):
        indicator_id = _text(raw["indicator_id"], index, "indicator_id")
        if known is not None and indicator_id not in known:
            raise _cell_error(
                index, "indicator_id", t("indicators.error.unknown_id", id=indicator_id)
            )
        year = _cell_year(raw["year"], index, "year")
        if (indicator_id, year) in seen:
            problem = t(
                "indicators.error.duplicate_year",
                id=indicator_id,
                year=year,
                first=seen[(indicator_id, year)],
            )
            raise _cell_error(index, "year", problem)
        seen[(indicator_id, year)] = index
        actual = (
            math.nan if _is_missing(raw["actual"]) else _cell_number(raw["actual"], index, "actual")
        )
        rows.append({"indicator_id": indicator_id, "year": year, "actual": actual})
    result = pd.DataFrame(rows, columns=list(ACTUAL_COLUMNS))
    result["year"] = result["year"].astype(int)
    result["actual"] = result["actual"].astype(float)
    return result


def _read(path_or_buffer: str | Path | IO[str] | bytes) -> pd.DataFrame:
    try:
        if isinstance(path_or_buffer, str | Path):
            path = Path(path_or_buffer)
            if not path.is_file():
                raise UserError(t("indicators.error.no_file", path=path))
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if isinstance(path_or_buffer, bytes | bytearray | memoryview):
            path_or_buffer = io.StringIO(bytes(path_or_buffer).decode("utf-8-sig"))
        return pd.read_csv(path_or_buffer, dtype=str, keep_default_na=False)
    except UserError:
        raise
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        ValueError,
    ) as error:
        raise UserError(t("indicators.error.bad_csv", reason=str(error).splitlines()[0])) from None


def read_indicators_csv(path_or_buffer: str | Path | IO[str] | bytes) -> pd.DataFrame:
    """Read an indicator table from a CSV file (a path, an open text file, or the file's bytes,
    e.g. from an upload widget) and validate it."""
    return validate_indicators(_read(path_or_buffer))


def read_actuals_csv(
    path_or_buffer: str | Path | IO[str] | bytes, indicators: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read a tracking table (indicator_id, year, actual) from a CSV file and validate it."""
    return validate_actuals(_read(path_or_buffer), indicators)


def milestones(indicators: pd.DataFrame) -> pd.DataFrame:
    """Return the milestone path of every indicator: one row per indicator and year.

    Columns: indicator_id, year, milestone (from the baseline year to the target year).
    """
    table = validate_indicators(indicators)
    rows = []
    for row in table.itertuples(index=False):
        for year in range(row.baseline_year, row.target_year + 1):
            value = expected(row.baseline, row.target, row.baseline_year, row.target_year, year)
            rows.append({"indicator_id": row.indicator_id, "year": year, "milestone": value})
    return pd.DataFrame(rows, columns=["indicator_id", "year", "milestone"])


def track(
    indicators: pd.DataFrame, actuals: pd.DataFrame, as_of: int | None = None
) -> pd.DataFrame:
    """Return one row per indicator with its latest reported value and its status.

    Uses the reports up to `as_of` (default: the latest year in `actuals`). Columns:
    the indicator's own columns, then `year` (latest reported year, empty if none),
    `actual`, `expected` (the milestone for that year), `progress`, `expected_progress`,
    `status`, and `missing_reports` (years up to `as_of` listed with no value). Optional
    columns (level, source, frequency) come last when the indicator table has them.
    """
    table = validate_indicators(indicators)
    reports = validate_actuals(actuals, table)
    if as_of is None:
        as_of = int(reports["year"].max()) if len(reports) else None
    else:
        as_of = _as_year(as_of, "as_of")
    rows = []
    for row in table.to_dict("records"):
        mine = reports[reports["indicator_id"] == row["indicator_id"]]
        if as_of is not None:
            mine = mine[mine["year"] <= as_of]
        early = mine[mine["year"] < row["baseline_year"]]
        if len(early):
            year = int(early["year"].iloc[0])
            raise UserError(
                t("indicators.error.before_baseline", year=year, start=row["baseline_year"])
            )
        reported = mine.dropna(subset=["actual"]).sort_values("year")
        result: dict[Hashable, Any] = dict(row)
        result["missing_reports"] = int(mine["actual"].isna().sum())
        if len(reported):
            latest = reported.iloc[-1]
            year, actual = int(latest["year"]), float(latest["actual"])
            args = (row["baseline_year"], row["target_year"], year)
            result["year"] = year
            result["actual"] = actual
            result["expected"] = expected(row["baseline"], row["target"], *args)
            result["progress"] = progress(row["baseline"], row["target"], actual)
            result["expected_progress"] = expected_progress(*args)
            result["status"] = status_from_progress(result["progress"], result["expected_progress"])
        else:
            result.update(year=pd.NA, actual=math.nan, expected=math.nan, progress=math.nan)
            result.update(expected_progress=math.nan, status="no_data")
        rows.append(result)
    extra = [c for c in OPTIONAL_COLUMNS if c in table.columns]
    out = pd.DataFrame(rows, columns=TRACK_COLUMNS + extra)
    out["year"] = out["year"].astype("Int64")
    for column in ("actual", "expected", "progress", "expected_progress"):
        out[column] = out[column].astype(float)
    return out


def status_counts(tracked: pd.DataFrame) -> pd.Series:
    """Return how many indicators have each status, in the order of STATUSES (zeros kept)."""
    if not isinstance(tracked, pd.DataFrame) or "status" not in tracked.columns:
        raise UserError(t("indicators.error.missing_columns", missing="status", needed="status"))
    counts = tracked["status"].value_counts()
    return pd.Series({s: int(counts.get(s, 0)) for s in STATUSES}, name="indicators")
