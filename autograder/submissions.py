"""Make submissions from an exercise's notebooks: the trainee's answers filled in, or not.

Used by the tests and the benchmark to build cohorts; a trainer never needs it.
"""

from __future__ import annotations

import nbformat

from autograder.release import trainee_version

_DELIMITERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _solution_text(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in _DELIMITERS)


def answered(
    source: nbformat.NotebookNode, skip: set[str] | frozenset[str] = frozenset()
) -> nbformat.NotebookNode:
    """The trainee version with every answer cell filled in from the solutions, but those in `skip`.

    `skip` holds grade ids of answer cells (e.g. {"q1_answer"}) left as released.
    """
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    released = trainee_version(source)
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id not in skip:
            cell.source = _solution_text(solutions[grade_id])
    return released


def autograded_points(source: nbformat.NotebookNode) -> dict[str, float]:
    """Points of every autograded grade cell, by grade id."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"].get("points", 0))
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code"
    }
