"""Feedback pages tell the truth: one row per situation, with the submission and the exact words the trainee reads.

A1 is graded for real (real nbgrader, real gradebook, the sandboxed kernels); the
written answers are marked in the gradebook as Formgrader marks them; then
`dgt grade feedback` writes the pages that the table checks, word for word.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograder.execution import leaks
from autograder.submissions import answered
from conftest import dgt, start_course
from course.manifest import curriculum

A1 = curriculum().module("A1-working-with-data").exercise
ID = A1.id
ROSTER = """trainee_id,name,ppa,email
mixed,Somchai Phommavong,Savannakhet,
looping,Bounmy Keomany,Sekong,
hungry,Noy Sisavath,Champasak,
crashing,Khamla Vongsa,Bokeo,
perfect,Vanh Souksavath,Attapeu,
"""
WRITTEN = "Do not put 0: the 6 blank salaries are not known. Ask the personnel unit first."

# What each trainee typed into their answer cells (grade id -> source); the rest are solved.
SUBMISSIONS: dict[str, dict[str, str | None]] = {
    "mixed": {
        "q1_answer": None,  # left as released: blank
        "q2_answer": (  # passes the practice checks, but drops columns: partly right
            'joined_recently = staff[staff["year_joined"] >= 2020]'
            '.sort_values("year_joined", ascending=False)[["staff_id", "year_joined"]]\n'
            'ex.check("q2", joined_recently)'
        ),
        "q3_answer": 'missing_salaries = 5\nex.check("q3", missing_salaries)',  # wrong
        "q5_answer": (  # a syntax error
            'home_clean = tabular.clean_provinces(staff["home_province"]\n'
            'ex.check("q5", home_clean)'
        ),
        "q6_answer": 'salary_numbers = int("4,250,000")\nex.check("q6", salary_numbers)',
        "w1_answer": None,  # written answer left blank
    },
    "looping": {"q3_answer": "missing_salaries = 0\nwhile True:\n    pass", "w1_answer": WRITTEN},
    "hungry": {
        "q4_answer": "exact_copies = bytearray(64 * 1024**3)\nex.check('q4', exact_copies)",
        "w1_answer": WRITTEN,
    },
    "crashing": {"q8_answer": "import os\nos._exit(3)", "w1_answer": WRITTEN},
    "perfect": {},
}
# Written answers the trainer marks in the gradebook: trainee -> (points, comment).
MARKS = {
    "looping": (2, "Clear advice."),
    "hungry": (1, "Say who should check the files."),
    "perfect": (2, ""),
}

HINT = 'Run ex.hint("{q}") in your notebook for a hint, then try again.'
# (situation, trainee, line the plain-text page must hold, word for word)
TABLE = [
    (
        "blank code answer",
        "mixed",
        "Question 1 — Count every row (0 / 1): not attempted. `n_records` has no answer yet."
        " Replace `None` or each `...` with your answer, run the cell, then check again.",
    ),
    (
        "right",
        "mixed",
        "Question 4 — Count the exact copies (1 / 1): passed. All checks pass, the trainer's"
        " checks too.",
    ),
    (
        "partly right",
        "mixed",
        "Question 2 — Staff who joined recently (0 / 1): not yet. The practice checks pass, but"
        " one of the trainer's checks does not. Read the question again and check your value"
        " carefully. " + HINT.format(q="q2"),
    ),
    (
        "wrong",
        "mixed",
        "Question 3 — Count the blank salaries (0 / 1): not yet. `missing_salaries` is 5."
        " Count again the blank cells in the column `salary_kip` only. Try the hint for q3 if"
        " you are stuck.",
    ),
    (
        "syntax error",
        "mixed",
        "Question 5 — Clean the province names (0 / 2): not yet. Python could not read your"
        " answer cell: SyntaxError on line 1: '(' was never closed. Nothing in that cell ran."
        " Fix that line, run the cell again and check that it shows no error.",
    ),
    (
        "error in the answer",
        "mixed",
        "Question 6 — Salaries as numbers (0 / 1): not yet. Your answer cell stopped with an"
        " error: ValueError: invalid literal for int() with base 10: '4,250,000'. Fix it, run"
        " the cell again and check that it shows no error.",
    ),
    (
        "blank written answer",
        "mixed",
        "Written answer — Advise on the blank salaries (0 / 2): not attempted. You did not"
        " write an answer, so it scores 0.",
    ),
    (
        "time limit",
        "looping",
        "Question 3 — Count the blank salaries (0 / 1): stopped. Your code in this question ran"
        " for too long and was stopped (look for a loop that never ends).",
    ),
    (
        "memory limit",
        "hungry",
        "Question 4 — Count the exact copies (0 / 1): stopped. Your code in this question"
        " tried to use too much memory and was stopped.",
    ),
    (
        "crash",
        "crashing",
        "Question 8 — Chart of staff per department (0 / 1): stopped. Your code in this"
        " question stopped Python (for example with exit()), so its check and the ones after"
        " it did not run.",
    ),
    (
        "after a crash",
        "crashing",
        "Question 9 — Save a clean copy in Excel (0 / 1): stopped. This check did not run,"
        " because your code stopped Python before it (for example with exit(), or by using too"
        " much memory).",
    ),
    (
        "hand-marked full",
        "looping",
        "Written answer — Advise on the blank salaries (2 / 2): passed. Your trainer gave full"
        " points for this answer.",
    ),
    (
        "hand-marked partial",
        "hungry",
        "Written answer — Advise on the blank salaries (1 / 2): not yet. Your trainer gave 1 of"
        " 2 points for this answer. Read your trainer's comment below.",
    ),
    (
        "waiting for marking",
        "crashing",
        "Written answer — Advise on the blank salaries (– / 2): waiting. Your trainer has not"
        " marked this answer yet.",
    ),
    (
        "all passed: what next",
        "perfect",
        "All questions pass. Well done.",
    ),
    (
        "work to do: what next",
        "crashing",
        "Open your notebook, look at the questions above that are not yet passed, and submit"
        " again if your trainer allows it.",
    ),
]


def submission(source, typed: dict[str, str | None]):
    """The trainee version with every answer solved, except what the trainee typed."""
    nb = answered(source, {k for k, v in typed.items() if v is None})
    for cell in nb.cells:
        text = typed.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if text is not None:
            cell.source = text
    return nb


def mark(ws, trainee: str, points: float, comment: str) -> None:
    """Mark the written answer in the gradebook, as Formgrader's grade and comment boxes do."""
    from autograder import results

    with results.gradebook(ws.db_url()) as book:
        notebook = book.find_submission_notebook(Path(A1.notebook).stem, ID, trainee)
        grade = next(g for g in notebook.grades if g.name == "w1_answer")
        grade.manual_score = points
        grade.needs_manual_grade = False  # as Formgrader's grade handler does
        remark = next(c for c in notebook.comments if c.name == "w1_answer")
        remark.manual_comment = comment
        book.db.commit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Grade A1 for the five trainees, mark two written answers, write feedback; yield the pages."""
    base = tmp_path_factory.mktemp("feedback")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DGT_WORKSPACE", str(base / "workspace"))
        patch.setenv("DGT_CELL_TIMEOUT", "15")
        patch.setenv("DGT_NOTEBOOK_TIMEOUT", "120")
        ws, _ = start_course(base / "workspace", ROSTER, ID)
        source = nbformat.read(A1.source, as_version=4)
        for trainee, typed in SUBMISSIONS.items():
            path = base / "usb" / trainee / ID / A1.notebook
            path.parent.mkdir(parents=True)
            nbformat.write(submission(source, typed), path)
        dgt("grade", "collect", ID, "--from", str(base / "usb"))
        dgt("grade", "autograde", ID, "--workers", "2")
        for trainee, (points, comment) in MARKS.items():
            mark(ws, trainee, points, comment)
        dgt("grade", "feedback", ID)
        folder = ws.root / "feedback"
        stem = Path(A1.notebook).stem
        yield {
            trainee: (
                (folder / trainee / ID / "feedback.txt").read_text(encoding="utf-8"),
                (folder / trainee / ID / f"{stem}.html").read_text(encoding="utf-8"),
            )
            for trainee in SUBMISSIONS
        }


@pytest.mark.slow
@pytest.mark.parametrize(("situation", "trainee", "expected"), TABLE, ids=[r[0] for r in TABLE])
def test_feedback_words_per_situation(pages, situation, trainee, expected):
    """Each situation gives the trainee exactly these words (plain-text page)."""
    text, _ = pages[trainee]
    assert expected in text.splitlines(), f"{situation}:\n{text}"


@pytest.mark.slow
def test_feedback_never_doubles_or_contradicts(pages):
    """No 'not yet. Not yet:', no 'not yet passed' advice at full marks, no hand-marked 'checks pass'."""
    for text, _ in pages.values():
        assert "not yet. Not yet" not in text and "not attempted. Not attempted" not in text
        assert "gave part of the points" not in text
        for line in text.splitlines():
            if line.startswith("Written answer"):
                assert "checks" not in line, line
    perfect, _ = pages["perfect"]
    assert "Score: 13 of 13 points" in perfect and "not yet passed" not in perfect


@pytest.mark.slow
def test_feedback_names_the_time_limit_and_the_crash_at_the_top(pages):
    """The general status lines stay at the top of the page as well."""
    assert "ran for too long" in pages["looping"][0].splitlines()[3]
    assert "stopped Python" in pages["crashing"][0].splitlines()[3]


@pytest.mark.slow
def test_feedback_page_shows_titles_and_inline_code(pages):
    """The HTML page shows each question's title and renders `code` as escaped <code>."""
    _, page = pages["mixed"]
    assert "<h2>Question 3 — Count the blank salaries <small>(0 / 1)</small></h2>" in page
    assert "<code>missing_salaries</code> is 5" in page
    assert "`" not in re.sub(r"<style>.*?</style>", "", page)
    assert "<code>'(' was never closed</code>" not in page  # only backticked text becomes code
    assert "&#x27;(&#x27; was never closed" in page


@pytest.mark.slow
def test_feedback_pages_hold_no_secret(pages):
    """No hidden-test or solution line reaches any page, as text or inside the HTML."""
    secrets = leaks.secret_lines(nbformat.read(A1.source, as_version=4))
    for text, page in pages.values():
        assert not leaks.leaks(text, secrets) and not leaks.leaks(page, secrets)
        assert "BEGIN HIDDEN" not in page and "assert " not in page
