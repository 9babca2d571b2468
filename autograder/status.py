"""`dgt grade status`: where each trainee is in the loop, per assignment, with counts.

States, from the gradebook and the workspace: nothing received, cannot be graded
(unreadable or no notebook), collected (not graded yet), needs marking (written answers
wait for the trainer), graded, and feedback released (a feedback page written after
the last grading).
"""

from __future__ import annotations

from collections import Counter

from autograder import results, statuses
from course.errors import UserError
from course.messages import t

STATES = ("not_received", "unusable", "collected", "needs_marking", "graded", "feedback_released")


def state(row: results.Row, feedback_time: float | None, graded_time: float | None) -> str:
    """The loop state of one trainee's result."""
    if row.status == "missing":
        return "not_received"
    if row.status in statuses.UNGRADABLE:
        return "unusable"
    if not row.submitted:
        return "collected"
    if "needs_manual" in row.flags:
        return "needs_marking"
    if feedback_time is not None and (graded_time is None or feedback_time >= graded_time):
        return "feedback_released"
    return "graded"


def _mtime(folder) -> float | None:
    times = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return max(times) if times else None


def table(workspace, assignment: str | None = None) -> list[tuple[str, str, str, list[str]]]:
    """(assignment, trainee, state, flags) for every trainee and released assignment."""
    released = results.assignments_in(workspace.db_url())
    if assignment is not None and assignment not in released:
        raise UserError(t("grade.not_released", assignment=assignment))
    chosen = [assignment] if assignment else released
    found = []
    for row in results.rows(workspace, chosen) if chosen else []:
        feedback = _mtime(workspace.root / "feedback" / row.trainee / row.assignment)
        graded = _mtime(workspace.root / "autograded" / row.trainee / row.assignment)
        code = state(row, feedback, graded)
        found.append((row.assignment, row.trainee, code, row.flags))
    return found


def label(code: str) -> str:
    return t(f"grade.state.{code}")


def lines(workspace, assignment: str | None = None) -> list[str]:
    """The printed status: a line per trainee, then a count line per assignment."""
    rows = table(workspace, assignment)
    if not rows:
        return [t("grade.state.none")]
    width = max(len(r[1]) for r in rows)
    out: list[str] = []
    for current in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == current]
        out.append(current)
        for _, trainee, code, flags in mine:
            others = ", ".join(
                statuses.label(f) for f in flags if f not in ("needs_manual", "missing")
            )
            out.append(f"  {trainee:<{width}}  {label(code)}" + (f"  ({others})" if others else ""))
        counts = Counter(r[2] for r in mine)
        parts = [f"{counts[s]} {label(s)}" for s in STATES if counts.get(s)]
        out.append("  " + t("grade.summary", total=len(mine), counts=", ".join(parts)))
    return out
