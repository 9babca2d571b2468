"""Manual marks across a regrade: kept when the marked answer is unchanged, reset (and said so) when it changed.

nbgrader keeps a trainer's `manual_score` when it grades a notebook again, but flags the
cell "needs manual grading" and still counts the old mark, even when the answer it was
given for has changed. Here, before a regrade, each marked cell's answer is compared with
the answer that was marked, by a fingerprint of its text kept in
`<workspace>/dgt/answers.json` (for a workspace graded before that file existed: read
off the autograded notebook). After the regrade an unchanged answer gets its mark,
extra credit and comment back and no longer waits for marking; a changed one loses them
(they are written to the grading log) and waits for marking again.

A mark on an automatically graded cell (a trainer's override) follows all the answer
cells of its notebook: kept only if none of them changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import results

#: The key of the fingerprint of all answer cells of a notebook.
ALL = "*"


def _digest(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def answer_prints(path: Path) -> dict[str, str]:
    """Fingerprints of a notebook's manually graded answer cells (by grade id) and of all answers."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return {}
    prints: dict[str, str] = {}
    answers = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or not meta.get("grade_id"):
            continue
        answers.append(f"{meta['grade_id']}\0{cell.source}")
        if meta.get("grade"):
            prints[meta["grade_id"]] = _digest(cell.source)
    prints[ALL] = _digest("\n\0\n".join(answers))
    return prints


def folder_prints(folder: Path) -> dict[str, dict[str, str]]:
    """Fingerprints of every notebook in a folder, by notebook name (without .ipynb)."""
    if not folder.is_dir():
        return {}
    return {path.stem: answer_prints(path) for path in sorted(folder.glob("*.ipynb"))}


@dataclass
class Mark:
    """One cell a trainer marked: points, extra credit, comment, and whether it stays."""

    notebook: str
    grade_id: str
    score: float | None
    extra: float | None
    comment: str | None
    keep: bool


class AnswerStore:
    """`<workspace>/dgt/answers.json`: the fingerprints of the answers each grading saw."""

    def __init__(self, root: Path) -> None:
        self.path = root / "dgt" / "answers.json"

    def load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def get(self, assignment: str, trainee: str) -> dict[str, dict[str, str]] | None:
        return self.load().get(assignment, {}).get(trainee)

    def put(self, assignment: str, trainee: str, prints: dict[str, dict[str, str]]) -> None:
        data = self.load()
        data.setdefault(assignment, {})[trainee] = prints
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"answers.json.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)


def marked(
    db_url: str, assignment: str, trainee: str
) -> list[tuple[str, str, float | None, float | None, str | None]]:
    """Every cell of a trainee's submission that a trainer marked: (notebook, grade id, score, extra, comment)."""
    from nbgrader.api import MissingEntry

    found = []
    with results.gradebook(db_url) as book:
        try:
            submission = book.find_submission(assignment, trainee)
        except MissingEntry:
            return []
        for notebook in submission.notebooks:
            comments = {c.name: c.manual_comment for c in notebook.comments}
            for grade in notebook.grades:
                if grade.manual_score is None and grade.extra_credit is None:
                    continue
                found.append(
                    (
                        notebook.name,
                        grade.name,
                        grade.manual_score,
                        grade.extra_credit,
                        comments.get(grade.name),
                    )
                )
    return found


def plan(
    db_url: str,
    assignment: str,
    trainee: str,
    before: dict[str, dict[str, str]],
    now: dict[str, dict[str, str]],
) -> list[Mark]:
    """The trainee's marks, each to keep (answer unchanged) or to reset (changed, or unknown)."""
    marks = []
    for notebook, grade_id, score, extra, comment in marked(db_url, assignment, trainee):
        old, new = before.get(notebook, {}), now.get(notebook, {})
        key = grade_id if grade_id in new or grade_id in old else ALL
        keep = old.get(key) is not None and old.get(key) == new.get(key)
        marks.append(Mark(notebook, grade_id, score, extra, comment, keep))
    return marks


def apply(db_url: str, assignment: str, trainee: str, marks: list[Mark]) -> None:
    """After nbgrader graded the trainee again: give kept marks back, take reset ones away."""
    with results.gradebook(db_url) as book:
        for mark in marks:
            grade = book.find_grade(mark.grade_id, mark.notebook, assignment, trainee)
            grade.manual_score = mark.score if mark.keep else None
            grade.extra_credit = mark.extra if mark.keep else None
            # a reset written answer waits for marking; a reset override leaves the automatic score
            grade.needs_manual_grade = False if mark.keep else grade.auto_score is None
            try:
                comment = book.find_comment(mark.grade_id, mark.notebook, assignment, trainee)
            except Exception:
                comment = None
            if comment is not None:
                comment.manual_comment = mark.comment if mark.keep else None
        book.db.commit()
