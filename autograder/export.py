"""`dgt grade export`: the grades as CSV, one file for the trainer and one that Moodle's gradebook import reads safely.

`grades.csv`: trainee_id, name, ppa, assignment, score, max_score, status, flags, with one
row per trainee and assignment.

`moodle-grades.csv` is made for Moodle's CSV grade import (Grades > Import > CSV file),
which maps one column to its users and each other column to a grade item, then reads the
rows one by one. Its rules decide the file's shape:

- one identifier column only, the one chosen with `--id` (e-mail, ID number or user
  name). A row whose identifier is empty is not refused by Moodle: its grades go to the
  user of the row above. So a trainee without the identifier is left out of the file
  and named in a warning, and so is every trainee who shares one with another;
- one column per assignment, headed with its id. An empty cell means "no grade": a score
  not known yet (not collected, not graded, missing) and a provisional one (written
  answers still to mark) are left empty, the latter unless `include_provisional`;
- Moodle takes no maximum from the file (a grade item made by the import is out of
  100), so `moodle-grade-items.csv` says each column's maximum, for the grade items
  the trainer sets up in Moodle first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from autograder import results, roster
from autograder.workspace import write_atomically
from course.errors import UserError
from course.messages import t

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
#: Moodle user fields a row can be matched on, with the header Moodle's own export uses.
MOODLE_IDS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}
ITEMS_COLUMNS = ("column", "maximum")


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


def moodle_id(person: roster.Trainee, id_field: str) -> str:
    """The value Moodle matches a trainee on.

    email: the roster's e-mail; idnumber: the trainee id, as it must be typed in the
    Moodle user's "ID number"; username: the trainee id in lower case (Moodle keeps user
    names in lower case).
    """
    if id_field == "email":
        return person.email.strip()
    if id_field == "idnumber":
        return person.trainee_id
    if id_field == "username":
        return person.trainee_id.lower()
    raise UserError(t("grade.export.bad_id", id=id_field, known=", ".join(MOODLE_IDS)))


def provisional(row: results.Row) -> bool:
    """True when the score may still change: a written answer waits for marking."""
    return "needs_manual" in row.flags


@dataclass
class MoodleFile:
    """The Moodle grade file, its grade items' maxima, and who was left out."""

    id_field: str
    text: str
    items: str
    left_out: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """One line per reason trainees were left out of the Moodle file."""
        lines = []
        missing = [x for x in self.left_out if x not in self.shared]
        if missing:
            lines.append(
                t(
                    "grade.export.left_out",
                    count=len(missing),
                    field=MOODLE_IDS[self.id_field],
                    trainees=", ".join(missing),
                )
            )
        if self.shared:
            lines.append(
                t(
                    "grade.export.shared",
                    count=len(self.shared),
                    field=MOODLE_IDS[self.id_field],
                    trainees=", ".join(self.shared),
                )
            )
        return lines


def moodle_file(
    rows: list[results.Row],
    trainees: list[roster.Trainee],
    id_field: str = "email",
    include_provisional: bool = False,
) -> MoodleFile:
    """The Moodle grade file for `rows`, matched on `id_field` (email, idnumber or username)."""
    assignments = list(dict.fromkeys(row.assignment for row in rows))
    people = {x.trainee_id: x for x in trainees}
    by_trainee: dict[str, dict[str, results.Row]] = {}
    for row in rows:
        by_trainee.setdefault(row.trainee, {})[row.assignment] = row
    ids = {
        trainee: moodle_id(people.get(trainee) or roster.Trainee(trainee, "", ""), id_field)
        for trainee in by_trainee
    }
    uses: dict[str, list[str]] = {}
    for trainee, value in ids.items():
        if value:
            uses.setdefault(value.casefold(), []).append(trainee)
    shared = sorted(x for group in uses.values() if len(group) > 1 for x in group)
    left_out = sorted(x for x, value in ids.items() if not value or x in shared)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([MOODLE_IDS[id_field], "First name", "Last name", *assignments])
    for trainee in sorted(by_trainee):
        if trainee in left_out:
            continue
        person = people.get(trainee) or roster.Trainee(trainee, "", "")
        first, _, last = person.name.partition(" ")
        scores = []
        for assignment in assignments:
            row = by_trainee[trainee].get(assignment)
            known = row is not None and row.status not in UNKNOWN
            if row is None or not known or (provisional(row) and not include_provisional):
                scores.append("")
            else:
                scores.append(number(row.score))
        writer.writerow([ids[trainee], first, last, *scores])
    return MoodleFile(id_field, buffer.getvalue(), moodle_items(rows), left_out, shared)


def moodle_items(rows: list[results.Row]) -> str:
    """The side file: each grade column of the Moodle file and its maximum points."""
    maxima: dict[str, float] = {}
    for row in rows:
        maxima.setdefault(row.assignment, row.max_score)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ITEMS_COLUMNS)
    for assignment, maximum in maxima.items():
        writer.writerow([assignment, number(maximum)])
    return buffer.getvalue()


def export(
    workspace,
    folder: Path | None = None,
    id_field: str = "email",
    include_provisional: bool = False,
) -> tuple[list[Path], list[str]]:
    """Write the CSV files (default folder: <workspace>/export); return their paths and warnings."""
    if id_field not in MOODLE_IDS:
        raise UserError(t("grade.export.bad_id", id=id_field, known=", ".join(MOODLE_IDS)))
    folder = folder or workspace.root / "export"
    rows = results.rows(workspace)
    moodle = moodle_file(rows, roster.load(workspace.root), id_field, include_provisional)
    paths = {
        "grades.csv": grades_csv(rows),
        "moodle-grades.csv": moodle.text,
        "moodle-grade-items.csv": moodle.items,
    }
    for name, text in paths.items():
        write_atomically(folder / name, text)
    return [folder / name for name in paths], moodle.warnings()
