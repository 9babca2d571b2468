"""Hints climb from a nudge to a worked example on other data, never to the answer (Tracks A and B)."""

from __future__ import annotations

import importlib
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.submissions import answered, autograded_points
from course.learn import PASS, Exercise
from course.manifest import curriculum
from course.messages import t

MODULES = curriculum().modules
# "Worked example on other data:" (Track A) or on what else (Track B: "on made-up numbers:",
# "on another plan:"); never a bare "Worked example:" that does not say it is other data.
WORKED = re.compile(r"Worked example on [^:]+:")


def solution_lines(source: nbformat.NotebookNode) -> dict[str, list[str]]:
    """The code lines between the solution markers, by question name ("q1")."""
    found: dict[str, list[str]] = {}
    for cell in source.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        if cell.cell_type == "code" and body and grade_id.endswith("_answer"):
            lines = [" ".join(line.split()) for line in body[1].splitlines()]
            found[grade_id.removesuffix("_answer")] = [line for line in lines if line]
    return found


def question_texts(source: nbformat.NotebookNode) -> str:
    return " ".join(
        cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_question")
    )


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_no_hint_holds_a_line_of_the_solution(module):
    """A hint may use code the question itself shows, but never a line of the solution."""
    source = nbformat.read(module.exercise.source, as_version=4)
    shown = " ".join(question_texts(source).split())
    questions = importlib.import_module(module.checks_module).QUESTIONS
    for question in questions:
        hints = [" ".join(t(key).split()) for key in question.hints]
        for line in solution_lines(source).get(question.name, []):
            if line in shown:
                continue
            leaked = [n for n, hint in enumerate(hints, 1) if line in hint]
            assert not leaked, f"{module.code} {question.name} hint {leaked}: {line}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_hints_end_in_a_worked_example_on_other_data(module):
    """Each computed or coded question's last hint is a worked example, after at least one nudge.

    A judgement question's hints never show a worked example (it would pick the choice),
    and nor do those of a question whose answer is the trainee's own (A0 q3, "your province").
    """
    # B8 (capstone): the vision, the channels and the plan are the trainee's own PPA's.
    own_answer = {("A0", "q3"), ("A0", "q7"), ("B8", "q4"), ("B8", "q7"), ("B8", "q9")}
    for question in importlib.import_module(module.checks_module).QUESTIONS:
        hints = [t(key) for key in question.hints]
        assert len(hints) >= 2, (module.code, question.name)
        assert not hints[0].startswith("Worked example"), (module.code, question.name)
        if (module.code, question.name) in own_answer:
            assert not any("Worked example" in hint for hint in hints), (module.code, question.name)
        else:
            assert WORKED.match(hints[-1]), (module.code, question.name)


def hint_only_q9() -> str:
    """A1 q9's answer as a trainee writes it by following the hints: the worked example of
    the last hint, turned to the cleaned list and the file name the question asks for."""
    last = t(Exercise("A1-working-with-data").questions["q9"].hints[-1])
    example = re.search(r"`(tabular\.write_excel\(.*?\))`", last)[1]
    assert "staff.head(5)" in example and '"sample.xlsx"' in example
    answer = example.replace("staff.head(5)", "personnel.clean(staff)")
    return "saved_file = " + answer.replace('"sample.xlsx"', '"staff_clean.xlsx"')


def test_a1_q9_hint_path_passes_the_practice_check(tmp_path, monkeypatch):
    """The code the A1 q9 hints lead to passes the practice check, note included."""
    from course import personnel, tabular

    monkeypatch.setenv("DGT_OUTPUT", str(tmp_path))
    staff = tabular.read_csv(personnel.csv_path())
    namespace = {"staff": staff, "tabular": tabular, "personnel": personnel}
    exec(hint_only_q9(), namespace)
    result = Exercise("A1-working-with-data").check("q9", namespace["saved_file"])
    assert result.status == PASS, result


def test_a1_q9_practice_check_wants_the_note(tmp_path, monkeypatch):
    """A file saved without note= is "not yet" in practice, as the hidden test would fail it."""
    from course import personnel, tabular

    monkeypatch.setenv("DGT_OUTPUT", str(tmp_path))
    path = tabular.write_excel(
        personnel.clean(tabular.read_csv(personnel.csv_path())),
        tabular.output_folder() / "staff_clean.xlsx",
    )
    result = Exercise("A1-working-with-data").check("q9", path)
    assert result.status != PASS and "note=personnel.label()" in result.message


@pytest.mark.slow
def test_a1_q9_hint_only_path_scores_full_marks(workspace):
    """Real nbgrader: a submission whose q9 follows the hints scores every autograded point."""
    exercise = curriculum().module("A1-working-with-data").exercise
    source = nbformat.read(exercise.source, as_version=4)
    submission = answered(source)
    for cell in submission.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q9_answer":
            cell.source = f'{hint_only_q9()}\nex.check("q9", saved_file)'
    folder = workspace.root / "submitted" / "hints" / exercise.id
    folder.mkdir(parents=True)
    nbformat.write(submission, folder / exercise.notebook)
    workspace.nbgrader("generate_assignment", exercise.id, "--force")
    workspace.nbgrader("autograde", exercise.id, "--create", "--force")
    with Gradebook(f"sqlite:///{workspace.gradebook}") as gradebook:
        graded = gradebook.find_submission(exercise.id, "hints")
        scores = {
            grade.name: grade.auto_score
            for notebook in graded.notebooks
            for grade in notebook.grades
            if grade.auto_score is not None
        }
    points = autograded_points(source)
    assert scores["q9_tests"] == points["q9_tests"] == 1
    assert sum(scores.values()) == pytest.approx(sum(points.values()))
