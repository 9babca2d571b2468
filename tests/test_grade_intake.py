"""`dgt grade collect` on a real workspace: refuses an assignment not released, shows every intake flag, sums up what it skipped."""

from __future__ import annotations

import contextlib
import io
import os
from datetime import datetime

import nbformat
import pytest

from autograder.submissions import answered
from course.cli import main
from course.manifest import curriculum

A1 = curriculum().module("A1-working-with-data").exercise
B1 = curriculum().module("B1-foundations").exercise
ROSTER = (
    "trainee_id,name,ppa,email\nt01,Somchai P,Savannakhet,\nt02,Noy S,Sekong,\nt03,Vanh S,Bokeo,\n"
)


def run(*words: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(words))
    return status, out.getvalue(), err.getvalue()


def usb_with_a1_work(folder) -> None:
    """Six trainees' A1 notebooks as a USB stick brings them (one not on the roster)."""
    nb = answered(nbformat.read(A1.source, as_version=4))
    for trainee in ("t01", "t02", "t03", "stranger"):
        path = folder / trainee / A1.notebook
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("DGT_WORKSPACE", str(tmp_path / "ws"))
    assert run("grade", "init")[0] == 0
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert run("grade", "roster", "import", str(tmp_path / "roster.csv"))[0] == 0
    return tmp_path / "ws"


def test_collect_refuses_an_assignment_not_released(workspace, tmp_path):
    """Collecting B1 before it is released: one line, exit 2, and nothing written."""
    usb_with_a1_work(tmp_path / "usb")
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    status, out, err = run("grade", "collect", B1.id, "--from", str(tmp_path / "usb"))
    assert status == 2 and out == ""
    assert err.strip().splitlines() == [
        f"dgt: {B1.id} has not been released yet; run: dgt grade release {B1.id}"
    ]
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before
    assert not (workspace / "submitted").exists() and not (workspace / "received").exists()


@pytest.mark.slow
def test_collect_line_shows_every_intake_flag_and_a_summary_of_what_was_skipped(
    workspace, tmp_path
):
    """Each trainee's line names all intake flags; the end says what was skipped and why."""
    assert run("grade", "release", B1.id, "--due", "2030-01-01")[0] == 0
    usb = tmp_path / "usb"
    nb = answered(nbformat.read(B1.source, as_version=4))
    (usb / "t01" / B1.id).mkdir(parents=True)
    nbformat.write(nb, usb / "t01" / B1.id / "my work.ipynb")
    (usb / "t01" / B1.id / "notes.docx").write_bytes(b"PK..")
    (usb / "t02" / B1.id).mkdir(parents=True)
    nbformat.write(nb, usb / "t02" / B1.id / B1.notebook)
    late = datetime(2031, 1, 1).timestamp()

    os.utime(usb / "t02" / B1.id / B1.notebook, (late, late))
    (usb / "t03" / A1.id).mkdir(parents=True)
    nbformat.write(nb, usb / "t03" / A1.id / A1.notebook)  # only another assignment's work
    (usb / "stranger").mkdir()
    (usb / "t02-notes.txt").write_text("hello", encoding="utf-8")
    status, out, _ = run("grade", "collect", B1.id, "--from", str(usb))
    assert status == 0, out
    lines = out.strip().splitlines()
    t01 = next(line for line in lines if " t01 " in line)
    assert "collected" in t01 and "wrong file name" in t01 and "extra files" in t01
    t02 = next(line for line in lines if " t02 " in line)
    assert "collected" in t02 and "late" in t02
    assert "not graded yet" not in out
    skipped = lines[-2]
    assert skipped.startswith("Skipped 3: ")
    assert "stranger (no trainee with this id on the roster)" in skipped
    assert "t02-notes.txt (not a trainee's folder or zip file)" in skipped
    assert "t03 (work for other assignments only)" in skipped
    assert lines[-1].startswith("2 trainee(s): 2 collected. Flags: 1 late, 1 wrong file name")
    assert "1 extra files" in lines[-1]
