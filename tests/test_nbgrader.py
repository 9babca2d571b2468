"""Real nbgrader: generate each assignment, autograde correct, partly correct and empty submissions."""

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.submissions import answered, autograded_points
from conftest import MODULES
from course.manifest import curriculum

ASSESSMENTS = curriculum().assessments


def submit(workspace, assignment: str, student: str, notebook_name: str, notebook) -> None:
    folder = workspace.root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / notebook_name)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_generate_and_autograde_give_exact_scores(module, workspace):
    """Correct = every autograded point; first question skipped = total minus its points; empty = 0."""
    generate_and_autograde(module.exercise, workspace)


@pytest.mark.slow
@pytest.mark.parametrize("assessment", ASSESSMENTS, ids=lambda a: a.id)
def test_pre_and_post_tests_generate_and_autograde_give_exact_scores(assessment, workspace):
    """The pre-test and post-test grade like any exercise: full marks, one item less, 0."""
    generate_and_autograde(assessment.exercise, workspace)


def generate_and_autograde(exercise, workspace) -> None:
    source = nbformat.read(exercise.source, as_version=4)
    points = autograded_points(source)
    first = next(iter(points)).removesuffix("_tests")

    workspace.nbgrader("generate_assignment", exercise.id, "--force")
    released = workspace.root / "release" / exercise.id / exercise.notebook
    assert released.is_file()
    release_text = released.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in release_text and "BEGIN SOLUTION" not in release_text

    empty = nbformat.read(released, as_version=4)
    submit(workspace, exercise.id, "correct", exercise.notebook, answered(source))
    submit(
        workspace, exercise.id, "partial", exercise.notebook, answered(source, {f"{first}_answer"})
    )
    submit(workspace, exercise.id, "empty", exercise.notebook, empty)
    workspace.nbgrader("autograde", exercise.id, "--create", "--force")

    expected = {
        "correct": sum(points.values()),
        "partial": sum(points.values()) - points[f"{first}_tests"],
        "empty": 0.0,
    }
    with Gradebook(f"sqlite:///{workspace.gradebook}") as gradebook:
        for student, score in expected.items():
            submission = gradebook.find_submission(exercise.id, student)
            autograded = sum(
                grade.auto_score or 0
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.auto_score is not None
            )
            assert autograded == pytest.approx(score), student
            # A written answer waits for the trainer; an untouched one nbgrader scores 0 itself.
            assert submission.needs_manual_grade == (student != "empty"), student
