"""Practice checks run and hints seen per question, read from a trainee's submitted notebook.

The trainee's `course.learn` keeps a chained record in the notebook's outputs (see
`course.activity`); here the trainer's side reads it back for the feedback pages and the
report's item analysis. Nothing is sent anywhere: the record is only in the notebook.
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from pathlib import Path

from course import activity
from course.manifest import curriculum


def summary(root: Path, trainee: str, assignment: str) -> activity.Summary:
    """The record in the trainee's submitted notebook of `assignment` ("none" if not submitted)."""
    notebook = curriculum().assignment(assignment).exercise.notebook
    path = root / "submitted" / trainee / assignment / notebook
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return activity.Summary("none")
    return activity.summarise(assignment, data)


@cache
def hint_counts(assignment: str) -> dict[str, int]:
    """How many hints each question of `assignment` has, by question name ("q1")."""
    module = importlib.import_module(curriculum().assignment(assignment).checks_module)
    return {q.name: len(q.hints) for q in module.QUESTIONS}


def question_name(grade_id: str) -> str:
    """The question a grade cell belongs to: "q3_tests" -> "q3"."""
    return grade_id.rsplit("_", 1)[0]
