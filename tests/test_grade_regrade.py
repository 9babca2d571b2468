"""Regrading on real nbgrader: manual marks survive when the answer is unchanged, are reset (and said so) when it changed; `dgt grade status` and `roster list`."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder import results
from autograder.submissions import answered
from conftest import dgt, start_course
from course.manifest import curriculum

B1 = curriculum().module("B1-foundations").exercise
ID = B1.id
NOTEBOOK = Path(B1.notebook).stem
ROSTER = (
    "trainee_id,name,ppa,email\n"
    "t01,Somchai P,Savannakhet,s@example.org\n"
    "t02,Noy S,Sekong,\n"
    "t03,Vanh S,Bokeo,\n"
    "t04,Dara I,Salavan,\n"
)


def submission(written: str | None = None, q1: str | None = None):
    nb = answered(nbformat.read(B1.source, as_version=4))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "w1_answer" and written is not None:
            cell.source = written
        if grade_id == "q1_answer" and q1 is not None:
            cell.source = q1
    return nb


def hand_in(usb: Path, trainee: str, nb) -> None:
    path = usb / trainee / ID / B1.notebook
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def mark(ws, trainee: str, points: float, comment: str) -> None:
    """What Formgrader does when a trainer types points and a comment for the written answer."""
    with results.gradebook(ws.db_url()) as book:
        grade = book.find_grade("w1_answer", NOTEBOOK, ID, trainee)
        grade.manual_score = points
        grade.needs_manual_grade = False
        book.find_comment("w1_answer", NOTEBOOK, ID, trainee).manual_comment = comment
        book.db.commit()


def w1(ws, trainee: str) -> tuple[float | None, bool, str | None, float]:
    """The written answer's manual score, whether it waits for marking, its comment, and the total."""
    with results.gradebook(ws.db_url()) as book:
        grade = book.find_grade("w1_answer", NOTEBOOK, ID, trainee)
        comment = book.find_comment("w1_answer", NOTEBOOK, ID, trainee).manual_comment
        total = book.find_submission(ID, trainee).score
        return grade.manual_score, grade.needs_manual_grade, comment, total


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Three trainees graded and marked, feedback released; then t01 changes the written answer, t02 only code."""
    base = tmp_path_factory.mktemp("regrade")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DGT_WORKSPACE", str(base / "ws"))
        patch.setenv("DGT_NOTEBOOK_TIMEOUT", "120")
        ws, _ = start_course(base / "ws", ROSTER, ID)
        first = base / "first"
        for trainee in ("t01", "t02", "t03"):
            hand_in(first, trainee, submission())
        dgt("grade", "collect", ID, "--from", str(first))
        dgt("grade", "autograde", ID, "--workers", "2")
        printed = {"status_graded": dgt("grade", "status", ID)}
        for trainee in ("t01", "t02", "t03"):
            mark(ws, trainee, 2, f"Good, {trainee}.")
        before = {trainee: w1(ws, trainee) for trainee in ("t01", "t02", "t03")}
        dgt("grade", "feedback", ID)
        printed["status_feedback"] = dgt("grade", "status", ID)
        second = base / "second"
        hand_in(second, "t01", submission(written="A different answer, written later."))
        hand_in(second, "t02", submission(q1="lao_egdi_2024 = 0.1"))
        dgt("grade", "collect", ID, "--from", str(second))
        printed["regrade"] = dgt("grade", "autograde", ID, "--workers", "2")
        after = {trainee: w1(ws, trainee) for trainee in ("t01", "t02", "t03")}
        printed["force"] = dgt("grade", "autograde", ID, "--workers", "2", "--force")
        forced = {trainee: w1(ws, trainee) for trainee in ("t01", "t02", "t03")}
        printed["status_end"] = dgt("grade", "status")
        printed["roster"] = dgt("grade", "roster", "list")
        yield ws, printed, before, after, forced


@pytest.mark.slow
def test_unchanged_written_answer_keeps_its_mark(course):
    """t02 changed only a code answer: the written answer keeps its mark and comment and waits for nothing."""
    _, _, before, after, _ = course
    assert before["t02"][:3] == (2, False, "Good, t02.")
    assert after["t02"][:3] == (2, False, "Good, t02.")


@pytest.mark.slow
def test_changed_written_answer_is_reset_and_no_longer_counts(course):
    """t01 rewrote the written answer: no mark, no comment, waits for marking, total 2 points lower."""
    _, _, before, after, _ = course
    assert after["t01"][:3] == (None, True, None)
    assert after["t01"][3] == before["t01"][3] - 2


@pytest.mark.slow
def test_force_keeps_every_unchanged_mark(course):
    """`--force` regrades everyone; the marks of unchanged answers stay, the reset one stays reset."""
    _, printed, before, _, forced = course
    assert forced["t03"] == before["t03"] and forced["t02"][:3] == (2, False, "Good, t02.")
    assert forced["t01"][:3] == (None, True, None)
    assert "2 manual mark(s) stay" in printed["force"] and "changed since" not in printed["force"]


@pytest.mark.slow
def test_reset_is_announced_before_grading_starts(course):
    """The line about t01's reset mark comes before the grading starts."""
    _, printed, _, _, _ = course
    lines = printed["regrade"].splitlines()
    reset = next(i for i, line in enumerate(lines) if "changed since you marked it" in line)
    start = next(i for i, line in enumerate(lines) if line.startswith("Grading "))
    assert reset < start and lines[reset].startswith("t01: the answer w1_answer")
    assert "(2 points)" in lines[reset]


@pytest.mark.slow
def test_status_follows_the_loop(course):
    """`dgt grade status` says needs marking, feedback released, needs marking again, with counts."""
    _, printed, _, _, _ = course
    graded = printed["status_graded"]
    assert "4 trainee(s): 1 nothing received, 3 needs marking." in graded
    assert "4 trainee(s): 1 nothing received, 3 feedback released." in printed["status_feedback"]
    end = printed["status_end"].splitlines()
    assert end[0] == ID
    t01 = next(line for line in end if line.strip().startswith("t01"))
    assert "needs marking" in t01
    assert "4 trainee(s): 1 nothing received, 1 needs marking, 2 graded." in printed["status_end"]


@pytest.mark.slow
def test_roster_list_shows_every_trainee(course):
    """`dgt grade roster list` shows id, name, PPA and e-mail (or -) of every trainee."""
    _, printed, _, _, _ = course
    lines = printed["roster"].splitlines()
    assert lines[0].split() == ["trainee_id", "name", "ppa", "email", "name_lo"]
    assert lines[1].split() == ["t01", "Somchai", "P", "Savannakhet", "s@example.org", "-"]
    assert lines[2].split()[-2:] == ["-", "-"] and lines[-1].startswith(
        "4 trainee(s) on the roster"
    )
