"""Results chains, logframes and SMART indicators (module B7): checks that list what is missing.

A logframe table has one row per result, with the columns `id, level, statement,
indicator, assumption, contributes_to`. The levels, from bottom to top, are LEVELS:
input → activity → output → outcome → impact. Each row (but the impact) names in
`contributes_to` the id of a row one level up, so the chain links up.

`logframe_problems` and `smart_gaps` return every problem they find as plain
sentences or codes, so a trainee sees the whole list at once; they raise `UserError`
only when the table itself cannot be read (not a table, columns missing).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from course import cells
from course.errors import UserError
from course.messages import t

LEVELS = ("input", "activity", "output", "outcome", "impact")
LOGFRAME_COLUMNS = ("id", "level", "statement", "indicator", "assumption", "contributes_to")
#: Levels whose rows need an indicator, and levels whose rows need an assumption (the
#: condition outside the plan's control for the step up to the next level to work).
NEEDS_INDICATOR = ("output", "outcome", "impact")
NEEDS_ASSUMPTION = ("activity", "output", "outcome")

SMART_ELEMENTS = (
    "specific",
    "measurable",
    "baseline",
    "target",
    "time_bound",
    "source",
    "frequency",
)
#: Words that make an indicator name vague: they say a wish, not what to count.
VAGUE_WORDS = (
    "improve",
    "improved",
    "improving",
    "better",
    "strengthen",
    "strengthened",
    "enhance",
    "enhanced",
    "good",
    "effective",
    "efficient",
    "capacity",
)


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


def _table(df: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UserError(t("logframe.error.not_a_table", value=type(df).__name__))
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(
            t(
                "logframe.error.missing_columns",
                missing=", ".join(missing),
                needed=", ".join(columns),
            )
        )
    return df.reset_index(drop=True)


EXAMPLE = Path(__file__).parent / "data" / "files" / "logframe" / "hybrid_meetings.csv"


def example() -> pd.DataFrame:
    """Return the example logframe of lesson B7.1 (hybrid meetings at a PPA, made up for practice).

    Empty cells are empty strings, so the table can be checked and edited at once.
    """
    return pd.read_csv(EXAMPLE, encoding="utf-8", dtype=str, keep_default_na=False)


def logframe_problems(logframe: pd.DataFrame) -> list[str]:
    """Return every problem of a logframe table as a sentence (an empty list = complete).

    Checks: ids filled in and unique; a known level; a statement; an indicator where
    NEEDS_INDICATOR; an assumption where NEEDS_ASSUMPTION; `contributes_to` naming a
    row exactly one level up (empty for the impact); every row above the inputs
    supported by at least one row below it; every level present. Problems come in row
    order, then the missing levels.
    """
    table = _table(logframe, LOGFRAME_COLUMNS)
    found: list[tuple[int, str]] = []  # (row, message); rows sort the list, 0 = whole table

    def cell(row: int, column: str, key: str, **values: Any) -> None:
        problem = t(f"logframe.problem.{key}", **values)
        found.append((row, cells.at(row, column, problem)))

    level_of: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for row, record in enumerate(table.to_dict("records"), start=1):
        ident, level = _text(record["id"]), _text(record["level"]).lower()
        if not ident:
            cell(row, "id", "empty")
        elif ident in first_row:
            cell(row, "id", "duplicate", id=ident, first=first_row[ident])
        else:
            first_row[ident] = row
            level_of[ident] = level
        if level not in LEVELS:
            cell(row, "level", "level", value=_text(record["level"]), known=", ".join(LEVELS))
        if not _text(record["statement"]):
            cell(row, "statement", "empty")
        if level in NEEDS_INDICATOR and not _text(record["indicator"]):
            cell(row, "indicator", "no_indicator", level=level)
        if level in NEEDS_ASSUMPTION and not _text(record["assumption"]):
            cell(row, "assumption", "no_assumption", level=level)

    supported: set[str] = set()
    for row, record in enumerate(table.to_dict("records"), start=1):
        level, parent = _text(record["level"]).lower(), _text(record["contributes_to"])
        if level not in LEVELS:
            continue
        if level == "impact":
            if parent:
                cell(row, "contributes_to", "impact_links", value=parent)
            continue
        up = LEVELS[LEVELS.index(level) + 1]
        if not parent:
            cell(row, "contributes_to", "no_link", level=level, up=up)
        elif parent not in level_of:
            cell(row, "contributes_to", "unknown_link", value=parent)
        elif level_of[parent] != up:
            cell(
                row,
                "contributes_to",
                "wrong_level",
                value=parent,
                found=level_of[parent],
                level=level,
                up=up,
            )
        else:
            supported.add(parent)

    for ident, level in level_of.items():
        if level in LEVELS[1:] and ident not in supported:
            below = LEVELS[LEVELS.index(level) - 1]
            cell(first_row[ident], "id", "unsupported", id=ident, level=level, below=below)
    present = set(level_of.values())
    missing = [
        t("logframe.problem.missing_level", level=level) for level in LEVELS if level not in present
    ]
    return [message for _, message in sorted(found, key=lambda item: item[0])] + missing


def chain(logframe: pd.DataFrame, start: str) -> list[str]:
    """Return the ids from row `start` up to the impact, following `contributes_to`.

    Raises UserError for an unknown id or a chain that breaks or loops; run
    `logframe_problems` first to see every problem.
    """
    table = _table(logframe, LOGFRAME_COLUMNS)
    parents = {_text(r["id"]): _text(r["contributes_to"]) for r in table.to_dict("records")}
    if start not in parents:
        raise UserError(t("logframe.error.unknown_id", id=start))
    path = [start]
    while parents[path[-1]]:
        parent = parents[path[-1]]
        if parent not in parents or parent in path:
            raise UserError(t("logframe.error.broken_chain", id=path[-1], value=parent))
        path.append(parent)
    return path


# SMART indicators -----------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if _blank(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _is_vague(name: str) -> bool:
    words = set(re.findall(r"[a-z]+", name.lower()))
    return bool(words & set(VAGUE_WORDS)) or len(words) < 3


def smart_gaps(indicator: Mapping[str, Any]) -> list[str]:
    """Return the SMART elements an indicator lacks, as codes in the order of SMART_ELEMENTS.

    `indicator` is one row of an indicator table (a dict or a pandas row) with the
    keys of docs/schemas.md. The checks a computer can do:

    - specific: a name of at least three words without a vague word (VAGUE_WORDS);
    - measurable: a unit, and a direction "increase" or "decrease";
    - baseline: a baseline number and a baseline year;
    - target: a target number that differs from the baseline in the stated direction;
    - time_bound: a target year after the baseline year;
    - source, frequency: filled in.

    Whether a target is achievable and relevant needs a person's judgement.
    """
    if not isinstance(indicator, Mapping | pd.Series):
        raise UserError(t("logframe.error.not_an_indicator", value=type(indicator).__name__))
    get = indicator.get
    gaps = []
    name = _text(get("name"))
    if not name or _is_vague(name):
        gaps.append("specific")
    direction = _text(get("direction")).lower()
    if not _text(get("unit")) or direction not in ("increase", "decrease"):
        gaps.append("measurable")
    baseline, target = _number(get("baseline")), _number(get("target"))
    start, end = _number(get("baseline_year")), _number(get("target_year"))
    if baseline is None or start is None:
        gaps.append("baseline")
    right_way = (
        target is not None
        and baseline is not None
        and target != baseline
        and (target > baseline) == (direction != "decrease")
    )
    if not right_way:
        gaps.append("target")
    if end is None or start is None or end <= start:
        gaps.append("time_bound")
    for key in ("source", "frequency"):
        if not _text(get(key)):
            gaps.append(key)
    return gaps


def smart_message(code: str) -> str:
    """Return what to add or fix for one SMART gap code, in plain words."""
    if code not in SMART_ELEMENTS:
        raise UserError(
            t("logframe.error.unknown_element", code=code, known=", ".join(SMART_ELEMENTS))
        )
    return t(f"logframe.smart.{code}")


def smart_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """Return one row per indicator: its id, one True/False column per SMART element, and `gaps`."""
    table = _table(indicators, ("indicator_id", "name"))
    rows = []
    for record in table.to_dict("records"):
        gaps = smart_gaps(record)
        row: dict[str, Any] = {"indicator_id": _text(record["indicator_id"])}
        row.update({element: element not in gaps for element in SMART_ELEMENTS})
        row["gaps"] = ", ".join(gaps)
        rows.append(row)
    return pd.DataFrame(rows, columns=["indicator_id", *SMART_ELEMENTS, "gaps"])
