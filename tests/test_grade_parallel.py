"""Parallel autograding gives nbgrader's own results: same grades, same gradebook; a killed run can be run again."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder import autograde
from autograder import workspace as workspaces
from autograder.execution import kernels
from autograder.submissions import answered
from conftest import dgt
from course.errors import UserError
from course.manifest import curriculum

B1 = curriculum().module("B1-foundations").exercise
ID = B1.id
TRAINEES = [f"p{n:02d}" for n in range(6)]


def content(root: Path) -> dict:
    """Everything nbgrader stored about the submissions, without database ids."""
    from autograder.results import gradebook

    found = {}
    with gradebook(f"sqlite:///{root / 'gradebook.db'}") as book:
        for submission in book.assignment_submissions(ID):
            key = submission.student.id
            found[key] = {
                "timestamp": str(submission.timestamp),
                "late": submission.total_seconds_late,
                "score": submission.score,
                "needs_manual": submission.needs_manual_grade,
            }
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    found[f"{key}/{grade.name}"] = (
                        grade.auto_score,
                        grade.manual_score,
                        grade.needs_manual_grade,
                    )
                for comment in notebook.comments:
                    found[f"{key}/{comment.name}#"] = (comment.auto_comment, comment.manual_comment)
    return found


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A released assignment with six collected submissions (fixed random skips), ready to copy."""
    base = tmp_path_factory.mktemp("parallel")
    root = base / "workspace"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DGT_WORKSPACE", str(root))
        dgt("grade", "init")
        lines = ["trainee_id,name,ppa"] + [f"{t},Trainee {t},Bokeo" for t in TRAINEES]
        (base / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        dgt("grade", "roster", "import", str(base / "roster.csv"))
        dgt("grade", "release", ID)
        source = nbformat.read(B1.source, as_version=4)
        answers = [
            c.metadata["nbgrader"]["grade_id"]
            for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")
        ]
        rng = random.Random(7)
        for trainee in TRAINEES:
            path = base / "usb" / trainee / ID / B1.notebook
            path.parent.mkdir(parents=True)
            nbformat.write(answered(source, {a for a in answers if rng.random() < 0.3}), path)
        dgt("grade", "collect", ID, "--from", str(base / "usb"))
    return base


def copy_of(cohort: Path, name: str) -> workspaces.Workspace:
    target = cohort / name / "workspace"
    shutil.copytree(cohort / "workspace", target, symlinks=True)
    return workspaces.Workspace(target)


@pytest.fixture(scope="module")
def reference(cohort):
    """The gradebook plain, serial `nbgrader autograde` makes of the cohort."""
    ws = copy_of(cohort, "plain")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DGT_WORKSPACE", str(ws.root))
        ws.nbgrader("autograde", ID, "--create", "--force")
    return content(ws.root)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 1])
def test_dgt_autograde_matches_plain_nbgrader(cohort, reference, workers, monkeypatch):
    """dgt grade autograde (2 workers, and 1) leaves exactly the gradebook serial nbgrader leaves."""
    ws = copy_of(cohort, f"dgt{workers}")
    monkeypatch.setenv("DGT_WORKSPACE", str(ws.root))
    dgt("grade", "autograde", ID, "--workers", str(workers))
    assert len(reference) > 6 * 10
    assert content(ws.root) == reference
    scores = {t: reference[t]["score"] for t in TRAINEES}
    assert len(set(scores.values())) > 1  # the cohort really differs between trainees


def _kernel_processes() -> list[int]:
    """Processes running as a sandbox user id (kernels and what they started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
            except OSError:
                continue
            if kernels.BASE_UID <= uid < kernels.BASE_UID + 256:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_a_run_killed_midway_can_be_run_again(cohort, reference, monkeypatch):
    """Kill -9 the grader after two trainees: no kernel survives, and a second run ends with nbgrader's gradebook."""
    ws = copy_of(cohort, "killed")
    monkeypatch.setenv("DGT_WORKSPACE", str(ws.root))
    env = {**os.environ, "DGT_WORKSPACE": str(ws.root), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "grade", "autograde", ID, "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    done = 0
    for line in process.stdout:
        done += " ETA " in line
        if done == 2:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert done == 2
    deadline = time.monotonic() + 20
    while _kernel_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _kernel_processes() == []
    printed = dgt("grade", "autograde", ID, "--workers", "2")
    assert printed.strip().splitlines()[-1].startswith(f"{len(TRAINEES) - 2} trainee(s)")
    assert content(ws.root) == reference
    assert "Nothing to grade" in dgt("grade", "autograde", ID)
    for folder in Path(tempfile.gettempdir()).glob("dgt-grade-*"):  # the killed run's scratch
        owner = folder / "owner.pid"
        assert not owner.is_file() or owner.read_text(encoding="ascii") != str(process.pid)


@pytest.mark.slow
def test_one_grading_run_per_workspace(cohort, monkeypatch):
    """While one run holds the workspace, a second one stops with one clear line."""
    ws = copy_of(cohort, "busy")
    monkeypatch.setenv("DGT_WORKSPACE", str(ws.root))
    with autograde.exclusive(ws), pytest.raises(UserError, match="Another grading run"):
        autograde.autograde(ws, ID, 2)
