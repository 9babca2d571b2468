"""The cohort's results, read from nbgrader's gradebook and the status file: one row per trainee and assignment.

Scores are nbgrader's: automatic points plus the manual points a trainer gave in
Formgrader (nbgrader's `score`), after any late penalty. A trainee on the roster with
no gradable submission scores 0 with a status that says why.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import roster, statuses
from course.manifest import curriculum


@dataclass(frozen=True)
class Question:
    """One graded cell of an assignment."""

    grade_id: str
    label: str
    max_score: float
    manual: bool


@dataclass
class Row:
    """One trainee's result on one assignment."""

    trainee: str
    name: str
    ppa: str
    assignment: str
    score: float
    max_score: float
    status: str
    flags: list[str]
    submitted: bool
    questions: dict[str, float | None] = field(default_factory=dict)
    manual_done: bool = False

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@contextlib.contextmanager
def gradebook(db_url: str):
    """nbgrader's Gradebook, without the warnings its lookups of absent rows raise under SQLAlchemy 2."""
    from nbgrader.api import Gradebook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(db_url) as opened:
            yield opened


_HEADING = re.compile(r"^#+\s*(?P<name>.+?)\s*\([^()]*\)\s*(?:[—–:-]\s*(?P<title>\S.*?))?\s*$")


def heading_label(heading: str) -> str | None:
    """The label of a question heading: "## Question 3 (1 point) — Count the rows" -> "Question 3 — Count the rows"."""
    found = _HEADING.match(heading.strip())
    if not found:
        return None
    name, title = found.group("name").strip(), (found.group("title") or "").strip()
    return f"{name} — {title}" if title else name


def questions(workspace_root: Path, db_url: str, assignment: str) -> list[Question]:
    """The graded cells of an assignment in notebook order, labelled by their question heading."""
    labels: dict[str, str] = {}
    order: dict[str, int] = {}
    for path in sorted((workspace_root / "release" / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                order.setdefault(grade_id, len(order) + index)
                if grade_id.endswith("_question") and cell.cell_type == "markdown":
                    heading = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                    label = heading_label(heading) or heading.lstrip("#").strip()
                    labels[grade_id.removesuffix("_question")] = label
    found = []
    with gradebook(db_url) as book:
        assignment_row = book.find_assignment(assignment)
        for notebook in assignment_row.notebooks:
            for cell in notebook.grade_cells:
                base = cell.name.rsplit("_", 1)[0]
                manual = cell.cell_type == "markdown" or cell.name in {
                    s.name for s in notebook.solution_cells
                }
                found.append(
                    Question(cell.name, labels.get(base, cell.name), cell.max_score, manual)
                )
    return sorted(found, key=lambda q: order.get(q.grade_id, 10**6))


def assignments_in(db_url: str) -> list[str]:
    """The manifest's assignments that the gradebook knows (released at least once), in manifest order."""
    with gradebook(db_url) as book:
        known = {a.name for a in book.assignments}
    return [e.id for e in curriculum().exercises if e.id in known]


def rows(workspace, assignments: list[str] | None = None) -> list[Row]:
    """Every roster trainee's result on every released assignment (plus graded non-roster trainees)."""
    from nbgrader.api import MissingEntry

    db_url = workspace.db_url()
    chosen = assignments or assignments_in(db_url)
    people = {x.trainee_id: x for x in roster.load(workspace.root)}
    store = statuses.StatusStore(workspace.root).load()["assignments"]
    result: list[Row] = []
    with gradebook(db_url) as book:
        for assignment in chosen:
            max_score = book.find_assignment(assignment).max_score
            records = store.get(assignment, {})
            graded_ids = {s.student.id for s in book.assignment_submissions(assignment)}
            for trainee in sorted(set(people) | graded_ids | set(records)):
                person = people.get(trainee) or roster.Trainee(trainee, "", "")
                record = records.get(trainee)
                try:
                    submission = book.find_submission(assignment, trainee)
                except MissingEntry:
                    submission = None
                result.append(_row(person, assignment, max_score, record, submission))
    return result


def _row(person, assignment: str, max_score: float, record: dict | None, submission) -> Row:
    flags = list((record or {}).get("intake", []))
    gradable = bool((record or {}).get("fingerprint")) or (
        record is None and submission is not None
    )
    graded = submission is not None and (
        record is None
        or (record.get("graded") and record.get("graded") == record.get("fingerprint"))
    )
    if record is None and submission is None:
        flags.append("missing")
    elif not gradable:
        pass  # unreadable or no notebook: the intake flags say why
    elif not graded:
        flags.append("not_graded")
    else:
        flags += [c for c in (record or {}).get("grading", []) if c != "needs_manual"]
        if submission.needs_manual_grade:
            flags.append("needs_manual")
    scores: dict[str, float | None] = {}
    manual_done = False
    score = 0.0
    if graded and submission is not None:
        score = float(submission.score)
        manual_done = not submission.needs_manual_grade
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                pending = grade.needs_manual_grade
                scores[grade.name] = None if pending else float(grade.score)
    ordered = statuses.ordered(flags)
    return Row(
        trainee=person.trainee_id,
        name=person.name,
        ppa=person.ppa,
        assignment=assignment,
        score=score,
        max_score=float(max_score),
        status=statuses.primary(ordered),
        flags=ordered,
        submitted=graded,
        questions=scores,
        manual_done=manual_done,
    )
