"""The whole trainer loop on real nbgrader: roster, release, collect (exchange and USB), autograde, feedback, export, report."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from autograder.execution import leaks
from autograder.submissions import answered
from conftest import dgt, free_port, lab_token, start_course, wait_for_http
from course.manifest import curriculum

B1 = curriculum().module("B1-foundations").exercise
ID = B1.id
ROSTER = """trainee_id,name,ppa,email
t01,Somchai Phommavong,Savannakhet,somchai@example.org
t02,Bounmy Keomany,Luang Prabang PPA,
t03,Noy Sisavath,Champassak,
t04,Khamla Vongsa,LA-VT,
t05,Vanh Souksavath,Attapu,
t06,Phet Douangchak,Xaignabouli,
t07,Souk Lattana,Sekong,
t08,Kham Phoumy,Oudomxay,
t09,Dara Inthavong,Bokeo,
t10,Mali Chanthala,Salavan,
"""
# Score after autograding (written answer not yet marked), primary status, all statuses.
EXPECTED = {
    "t01": (8, "needs_manual", ["needs_manual"]),
    "t02": (7, "needs_manual", ["needs_manual"]),
    "t03": (8, "needs_manual", ["needs_manual", "wrong_name"]),
    "t04": (0, "unreadable", ["unreadable"]),
    "t05": (6, "needs_manual", ["needs_manual"]),
    "t06": (7, "needs_manual", ["needs_manual", "duplicate"]),
    "t07": (8, "needs_manual", ["needs_manual", "late"]),
    "t08": (0, "missing", ["missing"]),
    "t09": (0, "graded", []),
    "t10": (7, "timeout", ["timeout", "needs_manual"]),
}


def write(path: Path, nb, when: datetime | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    if when:
        os.utime(path, (when.timestamp(), when.timestamp()))


def zipped(path: Path, members: dict[str, str], when: tuple) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=when)
            archive.writestr(info, text)


def submit_through_exchange(workspace, home: Path, trainee: str, nb) -> None:
    """A trainee fetches and submits with nbgrader's own commands, as the lab's Assignments tab does."""
    home.mkdir(parents=True)
    env = workspace.env()
    run = [sys.executable, "-m", "nbgrader"]
    subprocess.run(
        [*run, "fetch_assignment", ID, "--student", trainee],
        cwd=home,
        env=env,
        check=True,
        capture_output=True,
    )
    nbformat.write(nb, home / ID / B1.notebook)
    subprocess.run(
        [*run, "submit", ID, "--student", trainee],
        cwd=home,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """Run the whole loop once; yield the workspace and what each step printed."""
    base = tmp_path_factory.mktemp("loop")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DGT_WORKSPACE", str(base / "workspace"))
        patch.setenv("DGT_CELL_TIMEOUT", "3")
        patch.setenv("DGT_NOTEBOOK_TIMEOUT", "60")
        ws, printed = start_course(base / "workspace", ROSTER, ID, "--due", "2030-01-01 00:00")

        source = nbformat.read(B1.source, as_version=4)
        usb = base / "usb"
        old, new = datetime(2026, 3, 1, 9, 0), datetime(2031, 1, 1, 9, 0)
        submit_through_exchange(ws, base / "home-t01", "t01", answered(source))
        write(usb / "t02" / ID / B1.notebook, answered(source, {"q1_answer"}), old)
        write(usb / "t03" / ID / "my exercise.ipynb", answered(source), old)
        (usb / "t04" / ID).mkdir(parents=True)
        (usb / "t04" / ID / B1.notebook).write_bytes(b'{"cells": [ broken')
        zipped(
            usb / "t05.zip",
            {f"{ID}/{B1.notebook}": nbformat.writes(answered(source, {"q6_answer"}))},
            (2026, 3, 1, 9, 0, 0),
        )
        write(usb / "t06" / ID / B1.notebook, answered(source), old)
        zipped(
            usb / "t06 (1).zip",
            {f"t06/{ID}/{B1.notebook}": nbformat.writes(answered(source, {"q1_answer"}))},
            (2026, 3, 2, 9, 0, 0),
        )
        write(usb / "t07" / ID / B1.notebook, answered(source), new)
        write(
            usb / "t09" / ID / B1.notebook,
            nbformat.read(ws.root / "release" / ID / B1.notebook, as_version=4),
            old,
        )
        looping = answered(source)
        for cell in looping.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2_answer":
                cell.source = "egdi_change = None\nwhile True:\n    pass"
        zipped(usb / "t10.zip", {B1.notebook: nbformat.writes(looping)}, (2026, 3, 1, 9, 0, 0))
        (usb / "stranger").mkdir()

        printed["collect_exchange"] = dgt("grade", "collect", ID)
        printed["collect_usb"] = dgt("grade", "collect", ID, "--from", str(usb))
        printed["autograde"] = dgt("grade", "autograde", ID, "--workers", "2")
        printed["feedback"] = dgt("grade", "feedback", ID)
        printed["export"] = dgt("grade", "export")
        printed["report"] = dgt("grade", "report")
        yield ws, printed, base


def exported(ws) -> dict[str, dict]:
    with (ws.root / "export" / "grades.csv").open(encoding="utf-8") as handle:
        return {row["trainee_id"]: row for row in csv.DictReader(handle)}


@pytest.mark.slow
def test_scores_and_statuses_are_exact(loop):
    """Every trainee's score, primary status and status list in grades.csv are exactly as expected."""
    ws, _, _ = loop
    rows = exported(ws)
    assert set(rows) == set(EXPECTED)
    for trainee, (score, status, flags) in EXPECTED.items():
        row = rows[trainee]
        assert (float(row["score"]), row["status"], row["flags"].split()) == (
            score,
            status,
            flags,
        ), trainee
        assert row["max_score"] == "10" and row["assignment"] == ID
    assert rows["t02"]["ppa"] == "Luang Prabang" and rows["t06"]["ppa"] == "Xayaboury"


@pytest.mark.slow
def test_batch_commands_show_progress_and_a_summary(loop):
    """collect and autograde print one line per trainee with an ETA and a one-line summary."""
    _, printed, _ = loop
    lines = printed["autograde"].strip().splitlines()
    assert lines[0].startswith("Grading 8 trainee(s), 2 notebook(s) at a time")
    assert sum(" ETA " in line for line in lines) == 8
    assert lines[-1].startswith("8 trainee(s): 1 time limit, 6 needs manual grading, 1 graded.")
    usb = printed["collect_usb"]
    assert "skipped stranger: no trainee with this id on the roster" in usb
    assert "1 unreadable" in usb.strip().splitlines()[-1]


def formgrader_marks(ws, home: Path, trainee: str, points: float, comment: str) -> None:
    """Mark a written answer through the real Formgrader in `dgt lab`, as a trainer clicks it."""
    port = free_port()
    env = {**os.environ, "DGT_LAB_HOME": str(home), "DGT_WORKSPACE": str(ws.root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "lab", "--no-browser", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        token, _ = lab_token(process)  # the address is the last line `dgt lab` prints
        base = f"http://127.0.0.1:{port}/formgrader/api"
        wait_for_http(f"{base}/status?token={token}", timeout=120)

        def call(path: str, body: dict | None = None):
            request = urllib.request.Request(
                f"{base}{path}",
                data=None if body is None else json.dumps(body).encode(),
                method="GET" if body is None else "PUT",
                headers={"Authorization": f"token {token}"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))

        notebook = Path(B1.notebook).stem
        submitted = call(f"/submitted_notebooks/{ID}/{notebook}")
        mine = next(n for n in submitted if n["student"] == trainee)
        grade = next(
            g for g in call(f"/grades?submission_id={mine['id']}") if g["name"] == "w1_answer"
        )
        call(f"/grade/{grade['id']}", {"manual_score": points, "extra_credit": None})
        remark = next(
            c for c in call(f"/comments?submission_id={mine['id']}") if c["name"] == "w1_answer"
        )
        call(f"/comment/{remark['id']}", {"manual_comment": comment})
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.slow
def test_manual_scores_from_formgrader_reach_export_report_and_feedback(loop):
    """A written answer marked in the lab's real Formgrader shows in the CSV, Moodle CSV, report and feedback."""
    ws, _, base = loop
    formgrader_marks(
        ws, base / "lab-home", "t01", 2, "Clear focus on online services, with two numbers."
    )
    dgt("grade", "export")
    dgt("grade", "report")
    dgt("grade", "feedback", ID)
    row = exported(ws)["t01"]
    assert (row["score"], row["status"], row["flags"]) == ("10", "graded", "")
    moodle = (ws.root / "export" / "moodle-grades.csv").read_text(encoding="utf-8").splitlines()
    assert moodle[1:] == ["somchai@example.org,Somchai,Phommavong,10"]  # the only e-mail
    dgt("grade", "export", "--id", "idnumber")
    moodle = (ws.root / "export" / "moodle-grades.csv").read_text(encoding="utf-8").splitlines()
    assert "t01,Somchai,Phommavong,10" in moodle
    assert "t08,Kham,Phoumy," in moodle  # missing: no score for Moodle to import
    assert "t02,Bounmy,Keomany," in moodle  # provisional: its written answer is not marked
    page = (ws.root / "export" / "report.html").read_text(encoding="utf-8")
    assert "10/10" in page
    text = (ws.root / "feedback" / "t01" / ID / "feedback.txt").read_text(encoding="utf-8")
    assert "Clear focus on online services" in text and "Score: 10 of 10" in text


@pytest.mark.slow
def test_nothing_secret_in_release_zip_exchange_or_feedback(loop):
    """No hidden-test or solution line appears in the released notebook, the zip, the exchange copy or any feedback."""
    ws, _, _ = loop
    secrets = leaks.secret_lines(nbformat.read(B1.source, as_version=4))
    assert len(secrets) > 10
    handed_out = [
        ws.root / "release" / ID / B1.notebook,
        ws.exchange / "dgt" / "outbound" / ID / B1.notebook,
    ]
    for path in handed_out:
        assert not leaks.leaks(leaks.notebook_text(nbformat.read(path, as_version=4)), secrets), (
            path
        )
        assert not leaks.leaks(path.read_text(encoding="utf-8"), secrets), path
    with zipfile.ZipFile(ws.root / "handout" / f"{ID}.zip") as archive:
        assert archive.namelist() == [f"{ID}/{B1.notebook}"]
        text = archive.read(f"{ID}/{B1.notebook}").decode("utf-8")
        assert not leaks.leaks(text, secrets) and not leaks.leaks(
            leaks.notebook_text(nbformat.reads(text, 4)), secrets
        )
    pages = sorted((ws.root / "feedback").rglob("*.*"))
    assert len(pages) == 2 * 9  # html + txt for everyone but the missing trainee
    for page in pages:
        assert not leaks.leaks(page.read_text(encoding="utf-8"), secrets), page


@pytest.mark.slow
def test_feedback_says_why_in_plain_words(loop):
    """Feedback names the failing question with the practice check's words, and a hint to try."""
    ws, _, _ = loop
    t02 = (ws.root / "feedback" / "t02" / ID / "feedback.txt").read_text(encoding="utf-8")
    assert (
        "Question 1 — Lao PDR's EGDI in 2024 (0 / 1): not attempted. `lao_egdi_2024` has no answer yet."
        in t02
    )
    assert "Question 2 — The change since 2010 (1 / 1): passed." in t02
    t10 = (ws.root / "feedback" / "t10" / ID / "feedback.txt").read_text(encoding="utf-8")
    assert "ran for too long" in t10
    t04 = (ws.root / "feedback" / "t04" / ID / f"{Path(B1.notebook).stem}.html").read_text(
        encoding="utf-8"
    )
    assert "could not be read as a notebook" in t04 and "<script" not in t04


@pytest.mark.slow
def test_report_covers_trainees_ppas_and_items_without_outside_references(loop):
    """The report has every trainee and PPA, an item analysis per question, inline charts, and no link or script."""
    ws, _, _ = loop
    page = (ws.root / "export" / "report.html").read_text(encoding="utf-8")
    for trainee in EXPECTED:
        assert f"<td>{trainee}</td>" in page
    for ppa in ("Savannakhet", "Luang Prabang", "Champasak", "Vientiane Capital", "Xayaboury"):
        assert ppa in page
    assert "Item analysis" in page and "Question 6" in page and "Written answer" in page
    assert page.count("<svg") == 3
    for outside in ("<script", "src=", "href=", "http:", "https:", "@import"):
        assert outside not in page
    # The only url() is the embedded Lao font, inside the page itself (data:).
    assert re.findall(r"url\(([^)]*)\)", page) and all(
        found.strip("\"'").startswith("data:font/woff2;base64,")
        for found in re.findall(r"url\(([^)]*)\)", page)
    )


@pytest.mark.slow
@pytest.mark.browser
def test_report_opens_in_a_browser_without_any_request(loop, browser):
    """Opened in chromium, the report loads nothing but itself."""
    from browser import open_page

    ws, _, _ = loop
    url = (ws.root / "export" / "report.html").as_uri()
    page, report = open_page(browser, url)
    assert report.requests == [url] and not report.blocked and not report.page_errors
    assert page.locator("svg").count() == 3
    page.context.close()


@pytest.mark.slow
def test_collect_again_changes_nothing_and_regrading_is_a_no_op(loop):
    """Collecting the same USB folder again keeps every record; autograde then has nothing to do."""
    ws, _, base = loop
    before = exported(ws)
    dgt("grade", "collect", ID, "--from", str(base / "usb"))
    assert "Nothing to grade" in dgt("grade", "autograde", ID)
    dgt("grade", "export")
    after = exported(ws)
    assert {k: (v["score"], v["status"]) for k, v in after.items()} == {
        k: (v["score"], v["status"]) for k, v in before.items()
    }
