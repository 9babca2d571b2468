"""Digital maturity self-assessment (module B2 and its app): questionnaire, scores, gaps, actions.

The questionnaire is a data file, `data/files/maturity/questionnaire.csv`: one row per
question, with what each level 1..5 looks like. A person answers each question with a
level; `score` averages the levels per dimension, `gaps` compares the scores with a
target level and puts the dimensions in priority order, and `suggested_actions` picks
the step-by-step actions from `actions.csv`. Answers can be saved to and loaded from a
small JSON file. Every mistake in the input raises `UserError` with a plain message
that names the row and column (rows counted as a person counts them, from 1).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from course import cells
from course.errors import UserError
from course.messages import t

FOLDER = Path(__file__).parent / "data" / "files" / "maturity"
QUESTIONNAIRE = FOLDER / "questionnaire.csv"
ACTIONS = FOLDER / "actions.csv"

#: The six dimensions, in the order they are shown. Display names: `dimension_label`.
DIMENSIONS = (
    "strategy_leadership",
    "people_skills",
    "processes_services",
    "technology_infrastructure",
    "data",
    "citizen_engagement",
)
LEVELS = (1, 2, 3, 4, 5)
QUESTION_COLUMNS = ["dimension", "question_id", "question"] + [f"level_{k}" for k in LEVELS]
ACTION_COLUMNS = ["dimension", "level", "action"]
FILE_FORMAT = "dgt-maturity-answers"
FILE_VERSION = 1


def dimension_label(dimension: str) -> str:
    """Return the display name of a dimension, from the message catalogue."""
    _check_dimension(dimension)
    return t(f"maturity.dimension.{dimension}")


def level_label(level: int) -> str:
    """Return the short name of a level 1..5 (e.g. 3 -> "Defined")."""
    return t(f"maturity.level.{_level(level, 'level')}")


def _at(row: int, column: str, problem: str) -> UserError:
    return UserError(cells.at(row, column, problem))


def _check_row(record: dict[str, Any], index: int, columns: Sequence[str]) -> None:
    """Raise a UserError naming the cell if one of `columns` is blank or the dimension unknown."""
    for column in columns:
        if _blank(record[column]):
            raise _at(index, column, t("maturity.error.blank"))
    dimension = str(record["dimension"]).strip()
    if dimension not in DIMENSIONS:
        problem = t(
            "maturity.error.unknown_dimension", dimension=dimension, known=", ".join(DIMENSIONS)
        )
        raise _at(index, "dimension", problem)


def _check_dimension(dimension: str) -> None:
    if dimension not in DIMENSIONS:
        raise UserError(
            t("maturity.error.unknown_dimension", dimension=dimension, known=", ".join(DIMENSIONS))
        )


def _blank(value: Any) -> bool:
    return (
        value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()
    )


def _read(path: Path | str, columns: list[str]) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise UserError(t("maturity.error.no_file", path=path))
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise UserError(t("maturity.error.unreadable", path=path.name, reason=error)) from None
    except pd.errors.EmptyDataError:
        table = pd.DataFrame(columns=columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UserError(t("maturity.error.columns", path=path.name, missing=", ".join(missing)))
    return table[columns]


def validate_questionnaire(table: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of a questionnaire table, or raise UserError naming the row and column.

    Checks: the columns are there; there is at least one question; no cell is blank;
    every dimension is one of `DIMENSIONS`; question ids are unique.
    """
    missing = [c for c in QUESTION_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(
            t("maturity.error.columns", path="questionnaire", missing=", ".join(missing))
        )
    if len(table) == 0:
        raise UserError(t("maturity.error.empty_questionnaire"))
    clean = table[QUESTION_COLUMNS].copy().reset_index(drop=True)
    seen: dict[str, int] = {}
    for index, record in enumerate(clean.to_dict("records"), start=1):
        _check_row(record, index, QUESTION_COLUMNS)
        qid = str(record["question_id"]).strip()
        if qid in seen:
            raise _at(
                index, "question_id", t("maturity.error.duplicate_id", id=qid, first=seen[qid])
            )
        seen[qid] = index
    for column in QUESTION_COLUMNS:
        clean[column] = clean[column].astype(str).str.strip()
    return clean


def load_questionnaire(path: Path | str | None = None) -> pd.DataFrame:
    """Return the questionnaire (default: the one shipped with the course), validated.

    Columns: dimension, question_id, question, level_1 .. level_5.
    """
    return validate_questionnaire(_read(QUESTIONNAIRE if path is None else path, QUESTION_COLUMNS))


def _questionnaire(questionnaire: pd.DataFrame | None) -> pd.DataFrame:
    return load_questionnaire() if questionnaire is None else validate_questionnaire(questionnaire)


def dimensions(questionnaire: pd.DataFrame | None = None) -> list[str]:
    """Return the dimensions the questionnaire covers, in the standard order."""
    present = set(_questionnaire(questionnaire)["dimension"])
    return [d for d in DIMENSIONS if d in present]


def _level(value: Any, where: str) -> int:
    """Return a level 1..5 from a whole number, or raise UserError naming `where`."""
    if isinstance(value, bool):
        raise UserError(t("maturity.error.level", where=where, value=repr(value)))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(t("maturity.error.level", where=where, value=repr(value))) from None
    if math.isnan(number) or not number.is_integer() or int(number) not in LEVELS:
        raise UserError(t("maturity.error.level", where=where, value=repr(value)))
    return int(number)


def check_answers(
    answers: Mapping[str, Any], questionnaire: pd.DataFrame | None = None
) -> dict[str, int]:
    """Return the answers as {question_id: level}, without skipped (None) answers.

    Raises UserError for no answers at all, a level outside 1..5, or (when a
    questionnaire is given or `questionnaire` is None) an unknown question id.
    """
    if not isinstance(answers, Mapping):
        raise UserError(t("maturity.error.answers_type", value=type(answers).__name__))
    given = {
        str(q): v
        for q, v in answers.items()
        if not (v is None or (isinstance(v, float) and math.isnan(v)))
    }
    if not given:
        raise UserError(t("maturity.error.no_answers"))
    known = set(_questionnaire(questionnaire)["question_id"])
    unknown = sorted(q for q in given if q not in known)
    if unknown:
        raise UserError(t("maturity.error.unknown_question", ids=", ".join(unknown)))
    return {q: _level(v, q) for q, v in given.items()}


def score(answers: Mapping[str, Any], questionnaire: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per dimension: dimension, score, answered, questions.

    `answers` maps question ids to levels 1..5 (None = skipped). The score is the mean
    level of the dimension's answered questions, NaN if none was answered.
    """
    table = _questionnaire(questionnaire)
    levels = check_answers(answers, table)
    rows = []
    for dimension in dimensions(table):
        ids = list(table.loc[table["dimension"] == dimension, "question_id"])
        given = [levels[q] for q in ids if q in levels]
        rows.append(
            {
                "dimension": dimension,
                "score": sum(given) / len(given) if given else math.nan,
                "answered": len(given),
                "questions": len(ids),
            }
        )
    result = pd.DataFrame(rows)
    result["score"] = result["score"].astype(float)
    return result


def overall(scores: pd.DataFrame) -> float:
    """Return the mean of the dimension scores (dimensions with no answer are left out)."""
    values = _scores(scores)["score"].dropna()
    return float(values.mean()) if len(values) else math.nan


def _scores(scores: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame) or not {"dimension", "score"} <= set(scores.columns):
        raise UserError(t("maturity.error.scores_table"))
    if len(scores) == 0:
        raise UserError(t("maturity.error.no_answers"))
    for index, (dimension, value) in enumerate(
        zip(scores["dimension"], scores["score"], strict=True), 1
    ):
        if dimension not in DIMENSIONS:
            problem = t(
                "maturity.error.unknown_dimension", dimension=dimension, known=", ".join(DIMENSIONS)
            )
            raise _at(index, "dimension", problem)
        if not _is_score(value):
            raise _at(index, "score", t("maturity.error.score_range", value=repr(value)))
    return scores


def _is_score(value: Any) -> bool:
    if isinstance(value, bool | str):
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isnan(number) or 1 <= number <= 5


def _target(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise UserError(t("maturity.error.target", where=where, value=repr(value)))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(t("maturity.error.target", where=where, value=repr(value))) from None
    if math.isnan(number) or not 1 <= number <= 5:
        raise UserError(t("maturity.error.target", where=where, value=repr(value)))
    return number


def gaps(scores: pd.DataFrame, target: float | Mapping[str, float]) -> pd.DataFrame:
    """Return dimension, score, target, gap, sorted by gap (largest first: the priority order).

    `target` is one level for every dimension, or a {dimension: level} mapping that
    covers every dimension in `scores`. gap = max(target - score, 0). A dimension with
    no answers has a NaN gap and comes last. Ties keep the standard dimension order.
    """
    scores = _scores(scores)
    if isinstance(target, Mapping):
        for dimension in target:
            _check_dimension(str(dimension))
        lacking = [d for d in scores["dimension"] if d not in target]
        if lacking:
            raise UserError(t("maturity.error.target_missing", dimensions=", ".join(lacking)))
        targets = [_target(target[d], d) for d in scores["dimension"]]
    else:
        targets = [_target(target, "target")] * len(scores)
    table = pd.DataFrame(
        {
            "dimension": list(scores["dimension"]),
            "score": [float(s) for s in scores["score"]],
            "target": targets,
        }
    )
    table["gap"] = (table["target"] - table["score"]).clip(lower=0)
    table["_order"] = [DIMENSIONS.index(d) for d in table["dimension"]]
    table = table.sort_values(["gap", "_order"], ascending=[False, True], na_position="last")
    return table.drop(columns="_order").reset_index(drop=True)


def validate_actions(table: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of an actions table (dimension, level 1..4, action), or raise UserError."""
    missing = [c for c in ACTION_COLUMNS if c not in table.columns]
    if missing:
        raise UserError(t("maturity.error.columns", path="actions", missing=", ".join(missing)))
    if len(table) == 0:
        raise UserError(t("maturity.error.empty_actions"))
    clean = table[ACTION_COLUMNS].copy().reset_index(drop=True)
    levels = []
    for index, record in enumerate(clean.to_dict("records"), start=1):
        _check_row(record, index, ACTION_COLUMNS)
        try:
            level = _level(record["level"], "level")
        except UserError as error:
            raise _at(index, "level", str(error)) from None
        if level == 5:
            raise _at(index, "level", t("maturity.error.action_level"))
        levels.append(level)
    clean["dimension"] = clean["dimension"].astype(str).str.strip()
    clean["action"] = clean["action"].astype(str).str.strip()
    clean["level"] = levels
    return clean


def load_actions(path: Path | str | None = None) -> pd.DataFrame:
    """Return the suggested actions (default: the shipped file): dimension, level, action."""
    return validate_actions(_read(ACTIONS if path is None else path, ACTION_COLUMNS))


def suggested_actions(gap_table: pd.DataFrame, actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return dimension, level, action: the steps up from today's level to the target.

    For each dimension with a gap above 0 (in the gap table's priority order), the
    actions run from the level reached (the score rounded down) to the level just
    below the target (the target rounded up, minus 1).
    """
    if not isinstance(gap_table, pd.DataFrame) or not {
        "dimension",
        "score",
        "target",
        "gap",
    } <= set(gap_table.columns):
        raise UserError(t("maturity.error.gap_table"))
    table = load_actions() if actions is None else validate_actions(actions)
    rows = []
    for record in gap_table.to_dict("records"):
        _check_dimension(str(record["dimension"]))
        if pd.isna(record["gap"]) or record["gap"] <= 0:
            continue
        first = max(1, math.floor(record["score"]))
        last = min(4, math.ceil(record["target"]) - 1)
        for level in range(first, last + 1):
            found = table[(table["dimension"] == record["dimension"]) & (table["level"] == level)]
            for action in found["action"]:
                rows.append({"dimension": record["dimension"], "level": level, "action": action})
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def save_answers(
    answers: Mapping[str, Any], path: Path | str, *, organisation: str, date: str
) -> None:
    """Save answers with the organisation and date (YYYY-MM-DD) as JSON, atomically.

    The file is written to a temporary name and renamed, so a failure never leaves a
    half-written file. The answers are checked against the shipped questionnaire.
    """
    levels = check_answers(answers)
    if not isinstance(organisation, str) or not organisation.strip():
        raise UserError(t("maturity.error.organisation"))
    if not isinstance(date, str) or not _DATE.match(date) or not _valid_date(date):
        raise UserError(t("maturity.error.date", value=repr(date)))
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(t("maturity.error.no_folder", path=path.parent))
    payload = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "organisation": organisation.strip(),
        "date": date,
        "answers": dict(sorted(levels.items())),
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _valid_date(text: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def load_answers(path: Path | str) -> tuple[dict[str, int], dict[str, Any]]:
    """Load a file written by `save_answers`: return (answers, metadata).

    Metadata holds organisation, date and version. A missing, corrupt or foreign file
    raises UserError.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(t("maturity.error.no_file", path=path))
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(t("maturity.error.corrupt", path=path.name)) from None
    if not isinstance(payload, dict) or payload.get("format") != FILE_FORMAT:
        raise UserError(t("maturity.error.not_answers", path=path.name))
    if payload.get("version") != FILE_VERSION or not isinstance(payload.get("answers"), dict):
        raise UserError(t("maturity.error.corrupt", path=path.name))
    answers = check_answers(payload["answers"])
    metadata = {
        "organisation": str(payload.get("organisation", "")),
        "date": str(payload.get("date", "")),
        "version": FILE_VERSION,
    }
    return answers, metadata


def chart(gap_table: pd.DataFrame, title: str | None = None, ax=None):
    """Horizontal bar chart of the scores with the target marked; returns the Axes.

    Takes the table from `gaps` (or from `score`, then no target is drawn). Every label
    comes from the catalogue; each bar carries its number so colour is never the only cue.
    """
    import matplotlib.pyplot as plt

    table = _scores(gap_table).copy()
    table["_order"] = [DIMENSIONS.index(d) for d in table["dimension"]]
    table = table.sort_values("_order", ascending=False)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    labels = [dimension_label(d) for d in table["dimension"]]
    values = table["score"].fillna(0).to_numpy()
    ax.barh(labels, values, color="#2166ac", label=t("maturity.chart.score"))
    for y, value in enumerate(table["score"]):
        text = t("maturity.chart.not_answered") if pd.isna(value) else f"{value:.1f}"
        ax.text((0 if pd.isna(value) else value) + 0.05, y, text, va="center", fontsize=8)
    if "target" in table.columns:
        ax.scatter(
            table["target"],
            labels,
            marker="|",
            s=400,
            color="#b35806",
            zorder=3,
            label=t("maturity.chart.target"),
        )
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    ax.set_xlim(0, 5.5)
    ax.set_xticks(list(LEVELS))
    ax.set_xlabel(t("maturity.chart.axis"))
    ax.set_title(title or t("maturity.chart.title"))
    ax.grid(axis="x", alpha=0.3)
    return ax
