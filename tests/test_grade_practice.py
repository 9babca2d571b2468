"""Practice checks run and hints seen reach the trainer: in the feedback and the report's item analysis.

The record is made by the real `course.learn` (as a trainee's kernel makes it), saved in
the notebook's outputs as Jupyter saves display metadata, and read back after a real
collect and autograde. A record changed by hand does not verify, and the page says so.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from autograder.submissions import answered
from conftest import dgt, start_course
from course import activity
from course.learn import Exercise
from course.manifest import curriculum

A1 = curriculum().module("A1-working-with-data").exercise
ID = A1.id
ROSTER = """trainee_id,name,ppa,email
helped,Somchai Phommavong,Savannakhet,
edited,Bounmy Keomany,Sekong,
plain,Noy Sisavath,Champasak,
"""


def record_of_a_session(tmp_path: Path, monkeypatch) -> tuple[dict, dict]:
    """Run checks and hints as a trainee does; return an early and the final output metadata."""
    monkeypatch.chdir(tmp_path)  # no saved notebook here: the record starts empty
    monkeypatch.delenv(activity.GRADING_ENV, raising=False)
    ex = Exercise(ID)
    _, early = ex.check("q1", 5)._repr_mimebundle_()
    ex.hint("q1")
    ex.hint("q1")
    ex.check("q1", 149)
    for _ in range(3):
        ex.hint("q9")
    _, final = ex.check("q3", 6)._repr_mimebundle_()
    return early, final


def with_outputs(notebook, outputs: dict[str, dict]) -> nbformat.NotebookNode:
    """The notebook with a saved check output (text, HTML and metadata) in the given cells."""
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in outputs:
            cell.outputs = [
                nbformat.v4.new_output(
                    "display_data",
                    data={"text/plain": "Practice checks pass"},
                    metadata=outputs[grade_id],
                )
            ]
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Collect and autograde A1 for three trainees; write feedback and the report."""
    base = tmp_path_factory.mktemp("practice")
    with pytest.MonkeyPatch.context() as patch:
        early, final = record_of_a_session(base, patch)
        patch.setenv("DGT_WORKSPACE", str(base / "workspace"))
        ws, _ = start_course(base / "workspace", ROSTER, ID)
        solved = answered(nbformat.read(A1.source, as_version=4))
        tampered = copy.deepcopy(final)
        hints = [e for e in tampered[activity.METADATA_KEY]["entries"] if e["kind"] == "hint"]
        hints[-1]["detail"] = 1  # "I only looked at the first hint"
        notebooks = {
            "helped": with_outputs(copy.deepcopy(solved), {"q1_answer": early, "q3_answer": final}),
            "edited": with_outputs(copy.deepcopy(solved), {"q3_answer": tampered}),
            "plain": solved,
        }
        for trainee, notebook in notebooks.items():
            path = base / "usb" / trainee / ID / A1.notebook
            path.parent.mkdir(parents=True)
            nbformat.write(notebook, path)
        dgt("grade", "collect", ID, "--from", str(base / "usb"))
        dgt("grade", "autograde", ID, "--workers", "2")
        dgt("grade", "feedback", ID)
        dgt("grade", "report")
        feedback = {
            t: (ws.root / "feedback" / t / ID / "feedback.txt").read_text(encoding="utf-8")
            for t in notebooks
        }
        report = (ws.root / "export" / "report.html").read_text(encoding="utf-8")
        yield ws, feedback, report


@pytest.mark.slow
def test_feedback_shows_checks_run_and_hints_seen_per_question(graded):
    """Each code question's line says how often the checks ran and how many hints were seen."""
    _, feedback, _ = graded
    lines = feedback["helped"].splitlines()
    q1 = lines.index(next(line for line in lines if line.startswith("Question 1 ")))
    assert lines[q1 + 1] == (
        "  In your notebook: practice checks run 2 time(s), hints seen 2 of 2,"
        " the worked example too."
    )
    q2 = lines.index(next(line for line in lines if line.startswith("Question 2 ")))
    assert lines[q2 + 1] == "  In your notebook: practice checks run 0 time(s), hints seen 0 of 3."
    q9 = lines.index(next(line for line in lines if line.startswith("Question 9 ")))
    assert "hints seen 3 of 3, the worked example too" in lines[q9 + 1]
    assert "does not verify" not in feedback["helped"]


@pytest.mark.slow
def test_an_edited_record_is_named_and_its_counts_are_not_used(graded):
    """A record changed by hand does not verify: no counts, one line that says so."""
    _, feedback, _ = graded
    assert "In your notebook:" not in feedback["edited"]
    assert "does not verify (it was changed by hand" in feedback["edited"]
    assert "In your notebook:" not in feedback["plain"] and "verify" not in feedback["plain"]


@pytest.mark.slow
def test_report_item_analysis_has_checks_hints_and_records(graded):
    """The item analysis has the practice columns, and names the notebook whose record does not verify."""
    _, _, report = graded
    for column in ("Practice checks run (mean)", "Hints seen (mean)", "Saw the worked example"):
        assert column in report
    assert (
        "Practice records: 1 verify, 1 notebook(s) have none, 1 do not verify (edited)." in report
    )
    # q1: one record that verifies, 2 checks, 2 of 2 hints, the worked example seen by all
    assert "<td>2.0</td><td>2.0 / 2</td><td>100%</td>" in report.replace("\n", "")


@pytest.mark.slow
def test_the_graders_own_run_is_not_recorded(graded):
    """Autograding runs every check again; the record in the graded notebook does not grow."""
    ws, _, _ = graded
    graded_nb = nbformat.read(ws.root / "autograded" / "plain" / ID / A1.notebook, as_version=4)
    assert list(activity.records_in(graded_nb)) == []
    scores = (ws.root / "feedback" / "helped" / ID / "feedback.txt").read_text(encoding="utf-8")
    assert "Score: 11 of 13 points" in scores
