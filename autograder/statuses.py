"""Per-trainee statuses: what happened to each submission, kept in the workspace beside the gradebook.

nbgrader's gradebook holds scores. What it has no place for (a file that was not a
notebook, a late or duplicate submission, a kernel that ran out of memory) is kept in
`<workspace>/dgt/status.json`, one record per assignment and trainee:

    {"intake": ["late", "duplicate"],    # from `dgt grade collect`
     "grading": ["timeout"],             # from `dgt grade autograde`
     "fingerprint": "...",               # hash of the collected files
     "graded": "..."}                    # fingerprint that was graded (absent: not graded)

Every status has a short label and a plain explanation in the catalogue
(`grade.status.<code>`, `grade.status_help.<code>`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from course.messages import t

#: Most serious first: the first one a trainee has is their status.
ORDER = (
    "unreadable",
    "no_notebook",
    "missing",
    "grading_failed",
    "kernel_died",
    "timeout",
    "memory",
    "process_limit",
    "outside_access",
    "output_limit",
    "tampered",
    "not_graded",
    "needs_manual",
    "late",
    "duplicate",
    "wrong_name",
    "extra_files",
    "graded",
)
#: Statuses that mean the submission itself could not be graded at all.
UNGRADABLE = ("unreadable", "no_notebook", "missing")


def label(code: str) -> str:
    """The short label of a status, e.g. "late"."""
    return t(f"grade.status.{code}")


def explain(code: str) -> str:
    """What a status means and what to do, in one or two plain sentences."""
    return t(f"grade.status_help.{code}")


def primary(codes: list[str] | set[str]) -> str:
    """The most serious status among `codes` ("graded" when there is none)."""
    for code in ORDER:
        if code in codes:
            return code
    return "graded"


def ordered(codes: list[str] | set[str]) -> list[str]:
    """`codes` without repeats, most serious first."""
    return [code for code in ORDER if code in set(codes)]


class StatusStore:
    """The status file of one workspace; every change is locked and written atomically."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "dgt"
        self.path = self.folder / "status.json"

    def load(self) -> dict:
        """Return the whole record ({"assignments": {assignment: {trainee: record}}})."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": 1, "assignments": {}}

    def records(self, assignment: str) -> dict[str, dict]:
        """The records of one assignment, by trainee id."""
        return self.load()["assignments"].get(assignment, {})

    @contextlib.contextmanager
    def update(self) -> Iterator[dict]:
        """Lock the file, yield its data for changing, and save it (atomically) afterwards."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "status.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self.load()
            yield data
            tmp = self.path.with_name(f"status.json.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)

    def set_grading(self, assignment: str, trainee: str, codes: list[str]) -> None:
        """Record the grading statuses of one trainee and mark their collected files as graded."""
        with self.update() as data:
            record = data["assignments"].setdefault(assignment, {}).setdefault(trainee, {})
            record["grading"] = ordered(codes)
            record["graded"] = record.get("fingerprint", "")

    def clear_grading(self, assignment: str, trainee: str) -> None:
        """Forget that a trainee was graded (their submission changed or must be graded again)."""
        with self.update() as data:
            record = data["assignments"].setdefault(assignment, {}).setdefault(trainee, {})
            record.pop("graded", None)
            record["grading"] = []
