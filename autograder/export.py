"""`dgt grade export`: the grades as CSV, one for the trainer and one that Moodle's gradebook import accepts.

`grades.csv`: trainee_id, name, ppa, assignment, score, max_score, status, flags, with one
row per trainee and assignment. `moodle-grades.csv`: one row per trainee with "ID number"
and "Email address" (Moodle's import maps either to its users) and one score column per
assignment; a score not known yet (not collected or not graded) is left empty, which
Moodle's import skips.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from autograder import results, roster

GRADES_COLUMNS = (
    "trainee_id",
    "name",
    "ppa",
    "assignment",
    "score",
    "max_score",
    "status",
    "flags",
)
#: Statuses whose score is not known yet: left empty for Moodle.
UNKNOWN = ("not_graded", "missing", "grading_failed")


def number(value: float) -> str:
    """A score as plain text: 7, 7.5 (dot decimal, as Moodle and spreadsheets read)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def grades_csv(rows: list[results.Row]) -> str:
    """The trainer's CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(GRADES_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.trainee,
                row.name,
                row.ppa,
                row.assignment,
                number(row.score),
                number(row.max_score),
                row.status,
                " ".join(row.flags),
            ]
        )
    return buffer.getvalue()


def moodle_csv(rows: list[results.Row], trainees: list[roster.Trainee]) -> str:
    """Moodle's gradebook import CSV."""
    assignments = list(dict.fromkeys(row.assignment for row in rows))
    people = {x.trainee_id: x for x in trainees}
    by_trainee: dict[str, dict[str, results.Row]] = {}
    for row in rows:
        by_trainee.setdefault(row.trainee, {})[row.assignment] = row
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["ID number", "Email address", "First name", "Last name", *assignments])
    for trainee in sorted(by_trainee):
        person = people.get(trainee) or roster.Trainee(trainee, "", "")
        first, _, last = person.name.partition(" ")
        scores = []
        for assignment in assignments:
            row = by_trainee[trainee].get(assignment)
            known = row is not None and row.status not in UNKNOWN
            scores.append(number(row.score) if known and row is not None else "")
        writer.writerow([trainee, person.email, first, last, *scores])
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def export(workspace, folder: Path | None = None) -> list[Path]:
    """Write both CSV files (default folder: <workspace>/export); return their paths."""
    folder = folder or workspace.root / "export"
    rows = results.rows(workspace)
    grades = folder / "grades.csv"
    moodle = folder / "moodle-grades.csv"
    _write(grades, grades_csv(rows))
    _write(moodle, moodle_csv(rows, roster.load(workspace.root)))
    return [grades, moodle]
